//! The test client: the real server on a fresh database (`harness`), a method per endpoint
//! that takes the service's request DTOs (`registry`, `cases`, `care`, `stats`), the bodies
//! tests send (`bodies`), tokens (`auth`) and response checks (`checks`).

mod auth;
mod bodies;
mod call;
mod care;
mod cases;
mod checks;
mod codes;
mod harness;
mod registry;
mod stats;

pub use auth::*;
pub use bodies::*;
pub use call::*;
pub use checks::*;
pub use codes::*;
pub use harness::*;
