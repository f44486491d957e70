//! Liveness and readiness probes.

use actix_web::{HttpResponse, get, web};
use prometheus::{Encoder, TextEncoder};
use serde::Serialize;
use utoipa::ToSchema;

use crate::config::Backend;
use crate::db::{Db, Readiness};
use crate::error::ApiResult;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`: a probe that fails answers with a problem instead.
    pub status: HealthStatus,
    /// The database backend, on readiness checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseBackend>,
    /// On readiness checks: `available`, or `saturated` when every pooled connection is in
    /// use (a fresh connection answered, so the instance stays ready).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool: Option<PoolState>,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DatabaseBackend {
    Postgres,
    Sqlite,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PoolState {
    Available,
    Saturated,
}

/// The process is up and serving HTTP.
#[utoipa::path(security(()), tag = "operations", responses((status = 200, body = Health)))]
#[get("/health/live")]
pub async fn live() -> web::Json<Health> {
    web::Json(Health {
        status: HealthStatus::Ok,
        database: None,
        pool: None,
    })
}

/// The service can reach its database within `KOPIENA_DB_TIMEOUT_MS`. Answers 503 while it
/// cannot (unreachable, not answering in time, or its disk failing after a failed write),
/// and 200 again as soon as it can, without a restart. A saturated connection pool stays
/// ready (`pool: saturated`): the database answers, the instance is only busy.
#[utoipa::path(security(()), tag = "operations", responses((status = 200, body = Health)))]
#[get("/health/ready")]
pub async fn ready(db: web::Data<Db>) -> ApiResult<web::Json<Health>> {
    let readiness = db.ready().await?;
    Ok(web::Json(Health {
        pool: Some(match readiness {
            Readiness::Ready => PoolState::Available,
            Readiness::Saturated => PoolState::Saturated,
        }),
        status: HealthStatus::Ok,
        database: Some(match db.backend() {
            Backend::Postgres => DatabaseBackend::Postgres,
            Backend::Sqlite => DatabaseBackend::Sqlite,
        }),
    }))
}

/// Request counts and latency histograms by route pattern, method and status, in the
/// Prometheus text format.
#[utoipa::path(
    security(()),
    tag = "operations",
    responses((status = 200, content_type = "text/plain; version=0.0.4", body = String))
)]
#[get("/metrics")]
pub async fn metrics(registry: web::Data<prometheus::Registry>) -> ApiResult<HttpResponse> {
    let mut buffer = Vec::new();
    TextEncoder::new()
        .encode(&registry.gather(), &mut buffer)
        .map_err(|e| crate::error::ApiError::Internal(e.into()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(buffer))
}
