//! Black-box HTTP tests: one binary, the same suite on SQLite and PostgreSQL.

mod assessments;
mod audit;
mod auth;
mod changes;
mod clients;
mod dating;
mod demo;
mod edge;
mod errors;
mod faults;
mod health;
mod helpers;
mod hsds;
mod idempotency;
mod mentors;
mod migrations;
mod openapi;
mod placements;
mod problems;
mod providers;
mod reference;
mod services;
mod stats;
mod support_plans;
mod sync;
mod webhooks;
