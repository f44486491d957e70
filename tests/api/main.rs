//! Black-box HTTP tests: one binary, the same suite on SQLite and PostgreSQL.

mod auth;
mod errors;
mod health;
mod helpers;
mod migrations;
mod openapi;
mod providers;
mod reference;
mod services;
