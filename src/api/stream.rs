//! Incremental sync and bulk reads of lists: `modified_after` (what a change is, per list)
//! and `format=ndjson`, every matching record streamed a batch at a time.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::{IntoParams, ToSchema};

use super::common::{PageQuery, empty_as_none};
use crate::db::{Db, DbConnection, Slice};
use crate::error::{ApiError, ApiResult, Detail};

/// How a list answers: one page of JSON (the default), or every matching record as
/// newline-delimited JSON (`format=ndjson`, or `Accept: application/x-ndjson`), streamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ListFormat {
    #[default]
    Json,
    Ndjson,
}

/// The media type of newline-delimited JSON.
pub const NDJSON: &str = "application/x-ndjson";

/// A list held whole in memory (a few rows, or computed at once), as a JSON array or, under
/// ndjson, one item per line: a stream sends the same items.
pub fn listed<T: Serialize>(items: Vec<T>, ndjson: bool) -> ApiResult<HttpResponse> {
    if !ndjson {
        return Ok(HttpResponse::Ok().json(items));
    }
    let mut body = Vec::new();
    for item in &items {
        serde_json::to_writer(&mut body, item).map_err(|e| ApiError::Internal(e.into()))?;
        body.push(b'\n');
    }
    Ok(HttpResponse::Ok().content_type(NDJSON).body(body))
}

impl ListFormat {
    /// The format asked for: the `format` parameter, else the `Accept` header.
    pub fn of(asked: Option<ListFormat>, req: &HttpRequest) -> ListFormat {
        asked.unwrap_or_else(|| {
            let accepts_ndjson = req
                .headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').any(|t| t.trim().starts_with(NDJSON)));
            if accepts_ndjson {
                ListFormat::Ndjson
            } else {
                ListFormat::Json
            }
        })
    }
}

/// Records a streamed list fetches per database call: the most it holds in memory at once.
pub const STREAM_BATCH: i64 = 500;

/// Streams every record `fetch` yields as newline-delimited JSON, a batch at a time:
/// `fetch(conn, after)` returns up to `STREAM_BATCH` records with an id above `after`, in id
/// order, each with its id. Memory stays one batch whatever the total. Each batch is read
/// in its own call, so a record written while the stream runs may or may not be in it (a
/// sync job follows the change feed from before it began). A database failure mid-way ends
/// the stream early (the response is cut off, never completed with partial data).
pub fn ndjson<T, F>(db: &Db, fetch: F) -> HttpResponse
where
    T: Serialize + Send + 'static,
    F: Fn(&mut DbConnection, i64) -> ApiResult<Vec<(i64, T)>> + Clone + Send + 'static,
{
    stream(db, false, fetch)
}

/// `ndjson`, each batch read in a write transaction of its own: for a list whose every
/// batch leaves an audit record of what it disclosed, in the same transaction as the read.
pub fn ndjson_recorded<T, F>(db: &Db, fetch: F) -> HttpResponse
where
    T: Serialize + Send + 'static,
    F: Fn(&mut DbConnection, i64) -> ApiResult<Vec<(i64, T)>> + Clone + Send + 'static,
{
    stream(db, true, fetch)
}

fn stream<T, F>(db: &Db, writes: bool, fetch: F) -> HttpResponse
where
    T: Serialize + Send + 'static,
    F: Fn(&mut DbConnection, i64) -> ApiResult<Vec<(i64, T)>> + Clone + Send + 'static,
{
    let db = db.clone();
    let batches = futures_util::stream::unfold(Some(0_i64), move |after| {
        let (db, fetch) = (db.clone(), fetch.clone());
        async move {
            let after = after?;
            let batch = if writes {
                db.write(move |conn| fetch(conn, after)).await
            } else {
                db.run(move |conn| fetch(conn, after)).await
            };
            match batch {
                Ok(batch) if batch.is_empty() => None,
                Ok(batch) => {
                    let last = batch.last().map(|(id, _)| *id);
                    let mut lines = Vec::new();
                    for (_, record) in &batch {
                        if let Err(e) = serde_json::to_writer(&mut lines, record) {
                            return Some((Err(ApiError::Internal(e.into()).into()), None));
                        }
                        lines.push(b'\n');
                    }
                    Some((Ok::<_, actix_web::Error>(web::Bytes::from(lines)), last))
                }
                Err(e) => {
                    tracing::warn!(error = %e, "a streamed list ended early");
                    Some((Err(e.into()), None))
                }
            }
        }
    });
    HttpResponse::Ok().content_type(NDJSON).streaming(batches)
}

/// What `modified_after` means on one list: the end of its parameter's description (after
/// "Only records changed after this instant (RFC 3339, …):").
pub trait Modified {
    const MEANING: &'static str;
}

/// The directory: a record's own fields.
pub enum OwnFields {}

impl Modified for OwnFields {
    const MEANING: &'static str = "their own fields, as `updated_at` shows; occupancy follows the placements and is not a change.";
}

/// A record with an `updated_at` that every change of it sets.
pub enum UpdatedAt {}

impl Modified for UpdatedAt {
    const MEANING: &'static str = "their own fields, as `updated_at` shows.";
}

/// A record made once and never changed: modified means recorded.
pub enum Recorded {}

impl Modified for Recorded {
    const MEANING: &'static str = "the records made after it (they are never changed once made: modified means recorded, as `created_at` shows).";
}

/// A record without an `updated_at`, whose changes the change feed records.
pub enum FeedEvents {}

impl Modified for FeedEvents {
    const MEANING: &'static str = "the records created after it, or created, updated or ended after it as the change feed (`GET /api/v1/changes`) records each write.";
}

/// Reference data, which changes only with a release of the service (its migrations, or
/// its code for the support-plan sections).
pub enum Released {}

/// When this process started: no reference record it serves changed after it.
static STARTED: std::sync::LazyLock<chrono::NaiveDateTime> =
    std::sync::LazyLock::new(|| chrono::Utc::now().naive_utc());

impl Released {
    /// When the release serving this request started (its migrations ran just before).
    pub fn at() -> chrono::NaiveDateTime {
        *STARTED
    }
}

impl Modified for Released {
    const MEANING: &'static str = "reference data changes only with a release of the service (its migrations): an instant before the serving instance started lists every record, a later one none.";
}

/// Incremental sync and bulk reads of a list (with `PageQuery` where the list has pages);
/// `M` says what counts as a change on this list.
#[derive(Debug, Deserialize)]
#[serde(bound = "")]
pub struct SyncQuery<M: Modified = OwnFields> {
    #[serde(default, deserialize_with = "empty_as_none")]
    pub modified_after: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub format: Option<ListFormat>,
    #[serde(skip)]
    meaning: std::marker::PhantomData<M>,
}

/// The parameters `SyncQuery` documents; `modified_after`'s description is completed by
/// the list's `Modified::MEANING`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "only documents the parameters of `SyncQuery`")]
struct SyncParameters {
    /// Only records changed after this instant (RFC 3339, e.g. `2026-12-01T00:00:00Z`):
    modified_after: Option<chrono::DateTime<chrono::Utc>>,
    /// `ndjson`: every matching record, one JSON object per line, in id order, streamed
    /// without pages (also chosen by `Accept: application/x-ndjson`); `limit`, `offset` and
    /// `sort` do not apply and are refused.
    #[param(inline)]
    format: Option<ListFormat>,
}

impl<M: Modified> IntoParams for SyncQuery<M> {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut parameters = SyncParameters::into_params(parameter_in);
        for parameter in &mut parameters {
            if parameter.name == "modified_after" {
                let start = parameter.description.take().unwrap_or_default();
                parameter.description = Some(format!("{start} {}", M::MEANING));
            }
        }
        parameters
    }
}

impl<M: Modified> SyncQuery<M> {
    pub fn modified_after(&self) -> Option<chrono::NaiveDateTime> {
        self.modified_after.map(|t| t.naive_utc())
    }

    /// Whether the list is streamed (`format=ndjson`, or `Accept: application/x-ndjson`).
    pub fn ndjson(&self, req: &HttpRequest) -> bool {
        ListFormat::of(self.format, req) == ListFormat::Ndjson
    }

    /// Whether a list with pages is streamed; a stream with paging or sorting is a `400`.
    pub fn streams(
        &self,
        req: &HttpRequest,
        page: &PageQuery,
        sort: Option<&str>,
    ) -> ApiResult<bool> {
        if !self.ndjson(req) {
            return Ok(false);
        }
        if page.limit.is_some() || page.offset.is_some() || sort.is_some() {
            return Err(ApiError::BadRequest(Detail::new(
                "format=ndjson streams every record in id order: leave out limit, offset and sort",
                "format=ndjson straumē visus ierakstus id secībā: neizmantojiet limit, offset un sort",
            )));
        }
        Ok(true)
    }

    /// How a list without pages was asked for: the records modified after the instant
    /// asked for, as JSON or streamed.
    pub fn listing(&self, req: &HttpRequest) -> Listing {
        Listing {
            slice: Slice {
                modified_after: self.modified_after(),
                batch: None,
            },
            ndjson: self.ndjson(req),
        }
    }
}

/// How a list was asked for: which records (`slice`), and whether streamed as ndjson.
#[derive(Debug, Clone, Copy)]
pub struct Listing {
    pub slice: Slice,
    pub ndjson: bool,
}

impl Listing {
    /// The records of the streamed batch after id `after`.
    pub fn batch(&self, after: i64) -> Slice {
        self.slice.after(after, STREAM_BATCH)
    }
}
