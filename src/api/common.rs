//! Shared HTTP conventions: pagination, ETag/If-Match, Idempotency-Key.

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::sync::Arc;

use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, web};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, Required, Type};
use utoipa::{IntoParams, ToSchema};

use super::MAX_PAGE_SIZE;
use crate::db::audit::Auditor;
use crate::db::{Db, DbConnection, clients, idempotency};
use crate::domain::access::ClientAccess;
use crate::domain::audit::{AuditAction, Subject};
use crate::domain::ids::ClientId;
use crate::error::{ApiError, ApiResult, Detail};
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

/// A page is answered as JSON with an RFC 8288 `Link` header to its neighbours: `first`
/// and `last` always, `prev` and `next` where they exist. Each link is the request's own
/// path and query with `offset` (and `limit`) set, so filters and sorting carry over.
impl<T: Serialize> actix_web::Responder for Page<T> {
    type Body = actix_web::body::BoxBody;

    fn respond_to(self, req: &HttpRequest) -> HttpResponse {
        let link = page_links(req, self.total, self.limit, self.offset);
        let mut response = HttpResponse::Ok();
        if let Ok(value) = header::HeaderValue::from_str(&link) {
            response.insert_header((header::LINK, value));
        }
        response.json(self)
    }
}

fn page_links(req: &HttpRequest, total: i64, limit: i64, offset: i64) -> String {
    let others: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(name, _)| name != "offset" && name != "limit")
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let at = |offset: i64| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(&others);
        query.append_pair("limit", &limit.to_string());
        query.append_pair("offset", &offset.to_string());
        format!("<{}?{}>", req.path(), query.finish())
    };
    let last = if total > 0 && limit > 0 {
        (total - 1) / limit * limit
    } else {
        0
    };
    let mut links = vec![format!("{}; rel=\"first\"", at(0))];
    // An offset may be as large as the caller likes: no arithmetic here may overflow.
    if offset > 0 {
        links.push(format!(
            "{}; rel=\"prev\"",
            at(offset.saturating_sub(limit).max(0))
        ));
    }
    if offset.saturating_add(limit) < total {
        links.push(format!(
            "{}; rel=\"next\"",
            at(offset.saturating_add(limit))
        ));
    }
    links.push(format!("{}; rel=\"last\"", at(last)));
    links.join(", ")
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
            return Err(ApiError::BadRequest(Detail::new(
                format!("limit must be between 1 and {MAX_PAGE_SIZE}"),
                format!("limit jābūt no 1 līdz {MAX_PAGE_SIZE}"),
            )));
        }
        if offset < 0 {
            return Err(ApiError::BadRequest(Detail::new(
                "offset must not be negative",
                "offset nedrīkst būt negatīvs",
            )));
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
            let names = names.join(", ");
            ApiError::BadRequest(Detail::new(
                format!("sort must be one of {names} (prefix - for descending)"),
                format!("sort jābūt vienam no: {names} (dilstošai secībai ar priedēkli -)"),
            ))
        })
}

/// The strong ETag of a resource version.
pub fn etag(id: impl std::fmt::Display, version: i32) -> String {
    format!("\"{id}.{version}\"")
}

/// `If-Match` as sent; absent means "no precondition".
pub struct IfMatch(Option<String>);

impl IfMatch {
    /// Fails with 412 when the header is present and matches neither `*` nor `current`.
    pub fn check(&self, current: &str) -> ApiResult<()> {
        match &self.0 {
            Some(listed) if !etag_listed(listed, current) => Err(ApiError::PreconditionFailed),
            _ => Ok(()),
        }
    }
}

/// Whether a conditional header's list of entity tags (`If-Match`, `If-None-Match`) names
/// `current`: `*`, or a tag equal to it with any `W/` prefix set aside.
pub fn etag_listed(listed: &str, current: &str) -> bool {
    listed
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == current)
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
            Some(Err(_)) => Err(ApiError::BadRequest(Detail::new(
                "If-Match is not valid text",
                "If-Match nav derīgs teksts",
            ))),
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

pub fn header_param(name: &str, description: &str) -> Parameter {
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

/// Query parameters sent empty (`?sort=`) count as absent, as forms and many clients send them;
/// a present value is parsed as its type (a code, a closed set's value, an id).
pub fn empty_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::IntoDeserializer;
    Option::<String>::deserialize(deserializer)?
        .filter(|v| !v.trim().is_empty())
        .map(|v| T::deserialize(v.into_deserializer()))
        .transpose()
}

/// How long an `Idempotency-Key` replays its first response (application data).
#[derive(Debug, Clone, Copy)]
pub struct IdempotencyRetention(pub chrono::TimeDelta);

/// `Idempotency-Key`: a retried POST with the same key and body replays the first response.
pub struct IdempotencyKey {
    key: Option<String>,
    /// Method and path of the request.
    request: String,
    /// What a retry must repeat to replay: method, path and what identifies the body.
    fingerprint: String,
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
                return ready(Err(ApiError::BadRequest(Detail::new(
                    "Idempotency-Key must be 1 to 255 characters of text",
                    "Idempotency-Key jābūt tekstam no 1 līdz 255 rakstzīmēm",
                ))));
            }
        };
        ready(Ok(IdempotencyKey {
            key,
            fingerprint: request.clone(),
            request,
            expired_before,
        }))
    }
}

impl IdempotencyKey {
    /// Sets what a key's first use is compared with: method, path and `body` (the body as a
    /// `serde_json::Value`, whose keys are sorted, so a retry that reorders fields is the same
    /// request; or a digest of it that leaves personal data out).
    pub fn identify(&mut self, body: impl std::fmt::Display) {
        self.fingerprint = format!("{} {body}", self.request);
    }
}

/// A creating request's `Idempotency-Key`, identified by its JSON body, and that body parsed
/// once as `T`: what every creating handler starts from.
pub struct Idempotent<T> {
    pub key: IdempotencyKey,
    pub body: T,
}

impl<T: serde::de::DeserializeOwned + utoipa::ToSchema + 'static> FromRequest for Idempotent<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let key = IdempotencyKey::from_request(req, payload).into_inner();
        let json = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let mut key = key?;
            let value = json.await?.into_inner();
            key.identify(&value);
            let body = super::body::parse(&value)?;
            Ok(Idempotent { key, body })
        })
    }
}

impl IntoParams for IdempotencyKey {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![header_param(
            "Idempotency-Key",
            "A unique key per intended creation (e.g. a UUID). A retry with the same key and body returns the original response and creates nothing; the same key with a different body is a 422 problem. Keys are kept for the configured retention (`KOPIENA_IDEMPOTENCY_TTL_SECONDS`, default one day).",
        )]
    }
}

/// A created resource: the body, the id of the record created, and the `Location` and
/// `ETag` a replay repeats.
pub struct Created<T> {
    pub body: T,
    pub record_id: i64,
    pub location: Option<String>,
    pub etag: Option<String>,
}

/// A creation whose response holds client-level data: its replay is a read of that data,
/// checked and audited like one.
pub struct Private {
    auditor: Auditor,
    /// Audited as this action's `….replay`.
    action: AuditAction,
    /// The client the record belongs to; `None` when the record is the client.
    client_id: Option<ClientId>,
    /// The client must still be within this reach (it may have been transferred since):
    /// otherwise the replay is `404` like any read.
    still_visible: Option<ClientAccess>,
    /// Encrypts the stored response at rest (when it holds a personal code).
    seal: Option<Arc<PiiKeys>>,
}

impl Private {
    pub fn audited(
        auditor: &Auditor,
        action: AuditAction,
        client_id: Option<ClientId>,
        still_visible: Option<ClientAccess>,
    ) -> Self {
        Self {
            auditor: auditor.clone(),
            action,
            client_id,
            still_visible,
            seal: None,
        }
    }

    /// The stored response is encrypted at rest (it holds a personal code).
    pub fn sealed(self, keys: Arc<PiiKeys>) -> Self {
        Self {
            seal: Some(keys),
            ..self
        }
    }

    /// A replay shows the record `record_id` again: checked and audited as a read.
    fn replayed(&self, conn: &mut DbConnection, record_id: i64) -> ApiResult<()> {
        let client_id = self.client_id.unwrap_or(ClientId(record_id));
        if let Some(access) = &self.still_visible {
            clients::get(conn, access, client_id)?;
        }
        let action = self.action.replay().ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!("{} is not a creation", self.action))
        })?;
        Ok(self
            .auditor
            .record(conn, action, Some(record_id), Some(client_id))?)
    }
}

/// Deserialises the body after the raw value was kept for the idempotency fingerprint.
/// What a creating request does next: create, or answer with the response its first try
/// saved (zero-to-production's idempotency).
enum NextAction {
    StartProcessing,
    ReturnSavedResponse(idempotency::StoredResponse),
}

/// Claims the request's key (when it has one) inside the caller's transaction: a concurrent
/// retry waits for the claim, and a retry of a finished request gets its saved response.
fn try_processing(
    conn: &mut DbConnection,
    key: &IdempotencyKey,
    caller: &str,
    request_hash: &str,
) -> ApiResult<NextAction> {
    let Some(key_text) = &key.key else {
        return Ok(NextAction::StartProcessing);
    };
    idempotency::release_if_expired(conn, caller, key_text, key.expired_before)?;
    let claim = idempotency::StoredResponse {
        caller: caller.to_string(),
        key: key_text.clone(),
        request_hash: request_hash.to_string(),
        status: 0,
        location: None,
        etag: None,
        body: String::new(),
        created_at: chrono::Utc::now().naive_utc(),
        record_id: None,
    };
    if idempotency::claim(conn, &claim)? {
        return Ok(NextAction::StartProcessing);
    }
    let saved = idempotency::find(conn, caller, key_text)?;
    if saved.request_hash != request_hash {
        return Err(ApiError::IdempotencyKeyReused);
    }
    Ok(NextAction::ReturnSavedResponse(saved))
}

/// Runs a creation in one transaction, claiming the idempotency key first: a retry replays
/// the first response (`201`, body, `Location`, `ETag`) within its own transaction, checked
/// and audited as a read when the response holds client-level data.
pub async fn create<T, F>(
    db: &Db,
    key: IdempotencyKey,
    caller: String,
    private: Option<Private>,
    f: F,
) -> ApiResult<HttpResponse>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut DbConnection) -> ApiResult<Created<T>> + Send + 'static,
{
    let request_hash = hex::encode(Sha256::digest(key.fingerprint.as_bytes()));
    let seal = private.as_ref().and_then(|p| p.seal.clone());
    let refusal = private.as_ref().map(|p| {
        let subject = Subject {
            record_id: None,
            client_id: p.client_id,
        };
        (p.auditor.clone(), p.action, subject)
    });
    let reply = db
        .write(move |conn| -> ApiResult<Reply> {
            match try_processing(conn, &key, &caller, &request_hash)? {
                NextAction::ReturnSavedResponse(saved) => {
                    let body = match &seal {
                        Some(keys) => keys.decrypt(&saved.body).map_err(ApiError::Internal)?,
                        None => saved.body,
                    };
                    if let Some(private) = &private {
                        let id = saved.record_id.ok_or_else(|| {
                            ApiError::Internal(anyhow::anyhow!("saved response without id"))
                        })?;
                        private.replayed(conn, id)?;
                    }
                    let status = u16::try_from(saved.status)
                        .ok()
                        .and_then(|s| StatusCode::from_u16(s).ok())
                        .ok_or_else(|| {
                            ApiError::Internal(anyhow::anyhow!("saved status {}", saved.status))
                        })?;
                    Ok(Reply {
                        status,
                        location: saved.location,
                        etag: saved.etag,
                        body,
                        replayed: true,
                    })
                }
                NextAction::StartProcessing => {
                    let created = f(conn)?;
                    let body = serde_json::to_string(&created.body)
                        .map_err(|e| ApiError::Internal(e.into()))?;
                    if let Some(key) = &key.key {
                        let stored = match &seal {
                            Some(keys) => keys.encrypt(&body).map_err(ApiError::Internal)?,
                            None => body.clone(),
                        };
                        let completion = idempotency::Completion {
                            location: created.location.as_deref(),
                            etag: created.etag.as_deref(),
                            body: &stored,
                            record_id: created.record_id,
                        };
                        let status = i32::from(StatusCode::CREATED.as_u16());
                        idempotency::complete(conn, &caller, key, status, completion)?;
                    }
                    Ok(Reply {
                        status: StatusCode::CREATED,
                        location: created.location,
                        etag: created.etag,
                        body,
                        replayed: false,
                    })
                }
            }
        })
        .await;
    if let (Err(error), Some((auditor, action, subject))) = (&reply, refusal) {
        auditor.record_refusal(db, action, subject, error).await;
    }
    let reply = reply?;
    let mut builder = HttpResponse::build(reply.status);
    builder.content_type("application/json");
    if let Some(location) = reply.location {
        builder.insert_header((header::LOCATION, location));
    }
    if let Some(etag) = reply.etag {
        builder.insert_header((header::ETAG, etag));
    }
    if reply.replayed {
        builder.insert_header((REPLAYED, "true"));
    }
    Ok(builder.body(reply.body))
}

/// The header marking a response as the replay of an earlier one for the same
/// `Idempotency-Key` (as the IETF idempotency-key draft and Stripe name it).
pub const REPLAYED: &str = "Idempotent-Replayed";

/// The answer to a creating request: its first response, or that response replayed.
struct Reply {
    status: StatusCode,
    location: Option<String>,
    etag: Option<String>,
    body: String,
    /// The saved first response, sent again.
    replayed: bool,
}

/// A JSON response with the resource's ETag.
pub fn with_etag<T: Serialize>(body: &T, etag: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .json(body)
}

pub use super::stream::{
    FeedEvents, ListFormat, Listing, Modified, NDJSON, OwnFields, Recorded, Released, STREAM_BATCH,
    SyncQuery, UpdatedAt, listed, ndjson, ndjson_recorded,
};
