//! The access audit: every read or change of client-level data leaves one record.

use actix_web::{get, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tracing_actix_web::RequestId;
use utoipa::{IntoParams, ToSchema};

use super::common::{Page, PageQuery};
use super::problems as p;
use crate::auth::AuthUser;
use crate::db::Db;
use crate::db::audit::{self as q, AuditEntry, AuditFilter, AuditRow};
use crate::domain::access::{Scope, may_read_audit_log};
use crate::error::ApiResult;

/// The caller and request an audit record names.
#[derive(Debug, Clone)]
pub struct Auditor {
    sub: String,
    role: &'static str,
    municipality: Option<String>,
    request_id: String,
}

impl Auditor {
    pub fn new(user: &AuthUser, request_id: RequestId) -> Self {
        Self {
            sub: user.sub.clone(),
            role: user.scope.role(),
            municipality: match &user.scope {
                Scope::Municipality(code) => Some(code.clone()),
                _ => None,
            },
            request_id: request_id.to_string(),
        }
    }

    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// An entry for `action` on a record (`record_id`) of a client (`client_id`).
    pub fn entry(
        &self,
        action: &str,
        record_type: &str,
        record_id: Option<i64>,
        client_id: Option<i64>,
    ) -> AuditEntry {
        AuditEntry {
            occurred_at: Utc::now().naive_utc(),
            actor_sub: self.sub.clone(),
            actor_role: self.role.to_string(),
            actor_municipality: self.municipality.clone(),
            action: action.to_string(),
            record_type: record_type.to_string(),
            record_id,
            client_id,
            request_id: self.request_id.clone(),
        }
    }
}

/// One audit record.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditRecord {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    /// The token subject of the caller.
    pub actor_sub: String,
    pub actor_role: String,
    pub actor_municipality: Option<String>,
    /// E.g. `client.read`, `client.create`, `assessment.create`, `client.search`.
    #[schema(example = "client.read")]
    pub action: String,
    /// `client`, `assessment`, `support_plan`, `client_transfer` or `access_log`.
    pub record_type: String,
    pub record_id: Option<i64>,
    pub client_id: Option<i64>,
    /// The request's `X-Request-Id`.
    pub request_id: String,
}

impl From<AuditRow> for AuditRecord {
    fn from(r: AuditRow) -> Self {
        Self {
            id: r.id,
            occurred_at: r.occurred_at.and_utc(),
            actor_sub: r.actor_sub,
            actor_role: r.actor_role,
            actor_municipality: r.actor_municipality,
            action: r.action,
            record_type: r.record_type,
            record_id: r.record_id,
            client_id: r.client_id,
            request_id: r.request_id,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListAuditQuery {
    pub client_id: Option<i64>,
    /// Token subject of the caller.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub actor: Option<String>,
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub action: Option<String>,
    /// From this date (inclusive).
    pub from: Option<NaiveDate>,
    /// Up to this date (inclusive).
    pub to: Option<NaiveDate>,
}

/// The whole access audit, newest first. Admin only.
#[utoipa::path(
    tag = "audit",
    params(ListAuditQuery, PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Page<AuditRecord>),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
    )
)]
#[get("/audit")]
pub async fn list_audit(
    db: web::Data<Db>,
    user: AuthUser,
    query: web::Query<ListAuditQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<AuditRecord>>> {
    may_read_audit_log(&user.scope)?;
    let (limit, offset) = page.resolve()?;
    let query = query.into_inner();
    let filter = AuditFilter {
        client_id: query.client_id,
        actor_sub: query.actor,
        action: query.action,
        from: query.from.and_then(|d| d.and_hms_opt(0, 0, 0)),
        to: query
            .to
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0)),
    };
    let (rows, total) = db.run(move |c| q::list(c, &filter, limit, offset)).await?;
    Ok(web::Json(Page {
        items: rows.into_iter().map(AuditRecord::from).collect(),
        total,
        limit,
        offset,
    }))
}
