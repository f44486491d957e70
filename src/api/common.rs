//! Shared HTTP conventions: pagination, ETag/If-Match, Idempotency-Key.

use std::future::{Ready, ready};
use std::sync::Arc;

use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, web};
use diesel::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, Required, Type};
use utoipa::{IntoParams, ToSchema};

use super::MAX_PAGE_SIZE;
use super::audit::Auditor;
use crate::db::{Db, DbConnection, audit, clients, idempotency};
use crate::domain::access::ClientAccess;
use crate::error::{ApiError, ApiResult};
use crate::pii::PiiKeys;

/// One page of a list, in a stable order.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Number of items matching the filters, on all pages.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    /// Items to skip (default 0).
    #[param(minimum = 0, default = 0)]
    pub offset: Option<i64>,
}

impl PageQuery {
    /// Validated `(limit, offset)`.
    pub fn resolve(&self) -> ApiResult<(i64, i64)> {
        let limit = self.limit.unwrap_or(20);
        let offset = self.offset.unwrap_or(0);
        if !(1..=MAX_PAGE_SIZE).contains(&limit) {
            return Err(ApiError::BadRequest(format!(
                "limit must be between 1 and {MAX_PAGE_SIZE}"
            )));
        }
        if offset < 0 {
            return Err(ApiError::BadRequest("offset must not be negative".into()));
        }
        Ok((limit, offset))
    }
}

/// Parses `sort=field` or `sort=-field` (descending) against the allowed fields.
pub fn parse_sort<T: Copy>(
    sort: Option<&str>,
    fields: &[(&str, T)],
    default: T,
) -> ApiResult<(T, bool)> {
    let Some(sort) = sort else {
        return Ok((default, false));
    };
    let (name, descending) = sort
        .strip_prefix('-')
        .map_or((sort, false), |rest| (rest, true));
    fields
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| (*f, descending))
        .ok_or_else(|| {
            let names: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
            ApiError::BadRequest(format!(
                "sort must be one of {} (prefix - for descending)",
                names.join(", ")
            ))
        })
}

/// The strong ETag of a resource version.
pub fn etag(id: i64, version: i32) -> String {
    format!("\"{id}.{version}\"")
}

/// `If-Match` as sent; absent means "no precondition".
pub struct IfMatch(Option<String>);

impl IfMatch {
    /// Fails with 412 when the header is present and matches neither `*` nor `current`.
    pub fn check(&self, current: &str) -> ApiResult<()> {
        match &self.0 {
            None => Ok(()),
            Some(value)
                if value
                    .split(',')
                    .map(str::trim)
                    .any(|tag| tag == "*" || tag.trim_start_matches("W/") == current) =>
            {
                Ok(())
            }
            Some(_) => Err(ApiError::PreconditionFailed),
        }
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let value = req
            .headers()
            .get(header::IF_MATCH)
            .map(|v| v.to_str().map(str::to_string));
        ready(match value {
            None => Ok(IfMatch(None)),
            Some(Ok(v)) => Ok(IfMatch(Some(v))),
            Some(Err(_)) => Err(ApiError::BadRequest("If-Match is not valid text".into())),
        })
    }
}

impl IntoParams for IfMatch {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![header_param(
            "If-Match",
            "The ETag read before; the update fails with 412 when the resource changed since.",
        )]
    }
}

fn header_param(name: &str, description: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some("^[!-~]([ -~]*[!-~])?$")),
        ))
        .build()
}

/// Query parameters sent empty (`?sort=`) count as absent, as forms and many clients send them.
pub fn empty_as_none<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Ok(Option::<String>::deserialize(deserializer)?.filter(|v| !v.trim().is_empty()))
}

/// How long an `Idempotency-Key` replays its first response (application data).
#[derive(Debug, Clone, Copy)]
pub struct IdempotencyRetention(pub chrono::TimeDelta);

/// `Idempotency-Key`: a retried POST with the same key and body replays the first response.
pub struct IdempotencyKey {
    key: Option<String>,
    /// Method and path of the request.
    request: String,
    /// Keys claimed before this instant have expired and count as new.
    expired_before: chrono::NaiveDateTime,
}

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let retention = req
            .app_data::<web::Data<IdempotencyRetention>>()
            .map_or(chrono::TimeDelta::days(1), |r| r.0);
        let expired_before = chrono::Utc::now().naive_utc() - retention;
        let request = format!("{} {}", req.method(), req.path());
        let key = match req.headers().get("idempotency-key").map(|v| {
            v.to_str()
                .ok()
                .map(str::trim)
                .filter(|k| (1..=255).contains(&k.len()))
                .map(str::to_string)
        }) {
            None => None,
            Some(Some(key)) => Some(key),
            Some(None) => {
                return ready(Err(ApiError::BadRequest(
                    "Idempotency-Key must be 1 to 255 characters of text".into(),
                )));
            }
        };
        ready(Ok(IdempotencyKey {
            key,
            request,
            expired_before,
        }))
    }
}

impl IdempotencyKey {
    /// The request a key's first use is compared with: method, path and the body (given as
    /// a `serde_json::Value`, its keys are sorted, so a retry that reorders fields is the
    /// same request).
    pub fn fingerprint(&self, body: impl std::fmt::Display) -> String {
        format!("{} {body}", self.request)
    }
}

impl IntoParams for IdempotencyKey {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![header_param(
            "Idempotency-Key",
            "A unique key per intended creation (e.g. a UUID). A retry with the same key and body returns the original response and creates nothing; the same key with a different body is a 422 problem. Keys are kept for 24 hours by default.",
        )]
    }
}

/// A created resource: the body, and the `Location` and `ETag` a replay repeats.
pub struct Created<T> {
    pub body: T,
    pub location: Option<String>,
    pub etag: Option<String>,
}

/// Checks and audits a replay of the record with the given id.
type OnReplay = Box<dyn FnOnce(&mut DbConnection, i64) -> ApiResult<()> + Send>;

/// A creation whose response holds client-level data.
pub struct Private {
    /// Encrypts the stored response at rest (when it holds a personal code).
    seal: Option<Arc<PiiKeys>>,
    /// A replay shows the record (its id given) again: checked and audited like a read.
    on_replay: OnReplay,
}

impl Private {
    /// A replay is audited as `<action>.replay` of the returned record, a record of
    /// `client_id` (without one, the record is the client). With `still_visible`, the
    /// client must still be within the caller's reach (it may have been transferred since):
    /// otherwise the replay is `404` like any read.
    pub fn audited(
        auditor: &Auditor,
        action: &str,
        record_type: &'static str,
        client_id: Option<i64>,
        still_visible: Option<ClientAccess>,
    ) -> Self {
        let auditor = auditor.clone();
        let action = format!("{action}.replay");
        Self {
            seal: None,
            on_replay: Box::new(move |conn, id| {
                let client_id = client_id.unwrap_or(id);
                if let Some(access) = &still_visible {
                    clients::get(conn, access, client_id)?;
                }
                let entry = auditor.entry(&action, record_type, Some(id), Some(client_id));
                Ok(audit::append(conn, &entry)?)
            }),
        }
    }

    /// The stored response is encrypted at rest (it holds a personal code).
    pub fn sealed(self, keys: Arc<PiiKeys>) -> Self {
        Self {
            seal: Some(keys),
            ..self
        }
    }
}

/// Deserialises the body after the raw value was kept for the idempotency fingerprint.
pub fn parse_body<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> ApiResult<T> {
    serde_json::from_value(value).map_err(|e| crate::error::body_error(&e))
}

/// Runs a creation in one transaction, claiming the idempotency key first: a concurrent
/// retry waits for it, and a retry replays its response (`201`, body, `Location`, `ETag`)
/// within its own transaction.
pub async fn create<T, F>(
    db: &Db,
    key: IdempotencyKey,
    caller: String,
    fingerprint: String,
    private: Option<Private>,
    f: F,
) -> ApiResult<HttpResponse>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut DbConnection) -> ApiResult<Created<T>> + Send + 'static,
{
    let hash = hex::encode(Sha256::digest(fingerprint.as_bytes()));
    let (seal, on_replay) = match private {
        Some(p) => (p.seal, Some(p.on_replay)),
        None => (None, None),
    };
    let stored = db
        .run(move |conn| {
            conn.write_transaction(|conn| -> ApiResult<idempotency::StoredResponse> {
                let mut record = key.key.as_ref().map(|key| idempotency::StoredResponse {
                    caller,
                    key: key.clone(),
                    request_hash: hash.clone(),
                    status: 0,
                    location: None,
                    etag: None,
                    body: String::new(),
                    created_at: chrono::Utc::now().naive_utc(),
                });
                if let Some(record) = &record {
                    idempotency::release_if_expired(
                        conn,
                        &record.caller,
                        &record.key,
                        key.expired_before,
                    )?;
                    // In a savepoint: on PostgreSQL a failed statement aborts the transaction.
                    match conn.transaction(|conn| idempotency::claim(conn, record)) {
                        Err(diesel::result::Error::DatabaseError(
                            diesel::result::DatabaseErrorKind::UniqueViolation,
                            _,
                        )) => return replay(conn, record, seal.as_deref(), on_replay),
                        other => other?,
                    }
                }
                let created = f(conn)?;
                let body = serde_json::to_string(&created.body)
                    .map_err(|e| ApiError::Internal(e.into()))?;
                let response = idempotency::StoredResponse {
                    caller: String::new(),
                    key: String::new(),
                    request_hash: hash,
                    status: i32::from(StatusCode::CREATED.as_u16()),
                    location: created.location,
                    etag: created.etag,
                    body,
                    created_at: chrono::Utc::now().naive_utc(),
                };
                if let Some(record) = record.as_mut() {
                    record.status = response.status;
                    record.location.clone_from(&response.location);
                    record.etag.clone_from(&response.etag);
                    record.body = match &seal {
                        Some(keys) => keys.encrypt(&response.body).map_err(ApiError::Internal)?,
                        None => response.body.clone(),
                    };
                    idempotency::complete(conn, record)?;
                }
                Ok(response)
            })
        })
        .await?;
    let mut response = HttpResponse::build(
        StatusCode::from_u16(u16::try_from(stored.status).unwrap_or(201))
            .unwrap_or(StatusCode::CREATED),
    );
    response.content_type("application/json");
    if let Some(location) = stored.location {
        response.insert_header((header::LOCATION, location));
    }
    if let Some(etag) = stored.etag {
        response.insert_header((header::ETAG, etag));
    }
    Ok(response.body(stored.body))
}

/// The response stored for a claimed key, when `claim` is the same request again.
fn replay(
    conn: &mut DbConnection,
    claim: &idempotency::StoredResponse,
    seal: Option<&PiiKeys>,
    on_replay: Option<OnReplay>,
) -> ApiResult<idempotency::StoredResponse> {
    let mut stored = idempotency::find(conn, &claim.caller, &claim.key)?;
    if stored.request_hash != claim.request_hash {
        return Err(ApiError::IdempotencyKeyReused);
    }
    if let Some(keys) = seal {
        stored.body = keys.decrypt(&stored.body).map_err(ApiError::Internal)?;
    }
    if let Some(on_replay) = on_replay {
        let id = serde_json::from_str::<serde_json::Value>(&stored.body)
            .ok()
            .and_then(|b| b["id"].as_i64())
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("stored response without id")))?;
        on_replay(conn, id)?;
    }
    Ok(stored)
}

/// A JSON response with the resource's ETag.
pub fn with_etag<T: Serialize>(body: &T, etag: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .json(body)
}
