//! Liveness and readiness probes.

use actix_web::{HttpResponse, get, web};
use prometheus::{Encoder, TextEncoder};
use serde::Serialize;
use utoipa::ToSchema;

use crate::config::Backend;
use crate::db::Db;
use crate::error::ApiResult;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
    /// The database backend, on readiness checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "postgres")]
    pub database: Option<&'static str>,
}

/// The process is up and serving HTTP.
#[utoipa::path(security(()), tag = "operations", responses((status = 200, body = Health)))]
#[get("/health/live")]
pub async fn live() -> web::Json<Health> {
    web::Json(Health {
        status: "ok",
        database: None,
    })
}

/// The service can reach its database. Answers 503 while it cannot, and 200 again as soon
/// as it can, without a restart.
#[utoipa::path(security(()), tag = "operations", responses((status = 200, body = Health)))]
#[get("/health/ready")]
pub async fn ready(db: web::Data<Db>) -> ApiResult<web::Json<Health>> {
    db.ping().await?;
    Ok(web::Json(Health {
        status: "ok",
        database: Some(match db.backend() {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
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
