//! Black-box HTTP tests: one binary, the same suite on SQLite and PostgreSQL.

mod errors;
mod health;
mod helpers;
mod migrations;
mod openapi;
mod reference;
