//! Kopiena: the shared record for Latvia's deinstitutionalisation of social care.

pub mod api;
pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod edge;
pub mod error;
pub mod pii;
pub mod public_cache;
pub mod startup;
pub mod telemetry;
pub mod webhooks;
