//! `GET /api/v1/changes`: the change feed (`domain::change`). A system that keeps a copy
//! reads it from where it stopped and fetches what changed with its own authorisation.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::common::{self, Modified, PageQuery, STREAM_BATCH, SyncQuery};
use crate::auth::MaybeAuthUser;
use crate::db::changes::ChangeRow;
use crate::db::{Db, changes};
use crate::domain::change::{ChangeAction, ChangeType, Cursor, href};
use crate::error::{ApiError, ApiResult, Detail};

/// An event is a write: modified after an instant means written after it.
pub enum Written {}

impl Modified for Written {
    const MEANING: &'static str = "the events written after it (each event is one write, as `at` shows); with `after`, those that also follow the cursor.";
}

/// Most events one answer carries.
const MAX_EVENTS: i64 = 1000;

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// Where to resume: the `next` of the previous answer. Absent: from the first event.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    #[param(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    pub after: Option<String>,
    /// Events per answer, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000, default = 100)]
    pub limit: Option<i64>,
}

/// One change of a record: which, what happened, and where to read it. Never its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeEvent {
    /// This event's position: resuming `after` it reads the events that follow.
    pub cursor: String,
    /// When the change was written.
    pub at: DateTime<Utc>,
    #[serde(rename = "type")]
    pub kind: ChangeType,
    /// The record's id.
    pub id: i64,
    pub action: ChangeAction,
    /// Where the record is read (with the reader's own token).
    #[schema(example = "/api/v1/services/12")]
    pub href: String,
}

impl From<ChangeRow> for ChangeEvent {
    fn from(row: ChangeRow) -> Self {
        Self {
            cursor: row.cursor().encode(),
            at: row.occurred_at.and_utc(),
            kind: row.resource_type,
            id: row.resource_id,
            action: row.action,
            href: href(row.resource_type, row.resource_id, row.parent_id),
        }
    }
}

/// Events in commit order after the requested cursor.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeFeed {
    pub items: Vec<ChangeEvent>,
    /// Pass as `after` to read on; the requested position again when nothing was new.
    pub next: String,
}

/// Follows the changes of the records the caller may read, in commit order: every creation,
/// update and end of providers, services, clients, assessments, support plans, placements,
/// mentors, trainings, assignments and transfers since `after`. Anonymous callers and the
/// ministry follow the public directory; a municipality also its own clients and mentors; a
/// provider its own register entry, services and the placements in them; a region the
/// mentors of its area; an administrator everything. No event is skipped or repeated when
/// writes commit concurrently; the cursor stays valid across restarts. The feed lists the
/// changes made through the API since it was introduced (not records loaded in bulk before).
#[utoipa::path(
    security((), ("bearer" = [])),
    tag = "changes",
    params(ChangesQuery, SyncQuery<Written>),
    responses(
        (status = 200, content(
            (ChangeFeed = "application/json"),
            (ChangeEvent = "application/x-ndjson"),
        ), headers(("Link" = String, description = "`rel=\"next\"`: the request that reads on (JSON only)"))),
    )
)]
#[get("/changes")]
pub async fn list_changes(
    db: web::Data<Db>,
    user: MaybeAuthUser,
    query: web::Query<ChangesQuery>,
    sync: web::Query<SyncQuery<Written>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let ChangesQuery { after, limit } = query.into_inner();
    let page = PageQuery {
        limit,
        offset: None,
    };
    let streams = sync.streams(&req, &page, None)?;
    let written_after = sync.modified_after();
    let limit = limit.unwrap_or(100);
    if !(1..=MAX_EVENTS).contains(&limit) {
        return Err(ApiError::BadRequest(Detail::new(
            format!("limit must be between 1 and {MAX_EVENTS}"),
            format!("limit jābūt no 1 līdz {MAX_EVENTS}"),
        )));
    }
    let after = match after {
        None => Cursor::START,
        Some(text) => Cursor::parse(&text).ok_or_else(|| {
            ApiError::BadRequest(Detail::new(
                "after must be a cursor this feed returned",
                "after jābūt kursoram, ko atgriezusi šī plūsma",
            ))
        })?,
    };
    let scope = user.0.map(|u| u.scope);
    let reach = db
        .run(move |conn| changes::reach_of(conn, scope.as_ref()))
        .await?;
    if streams {
        // Every event after the cursor, in commit order, keyed by its position.
        return Ok(common::ndjson(&db, move |conn, position| {
            let from = Cursor(position.max(after.0));
            let rows = changes::list(conn, &reach, (from, written_after), STREAM_BATCH)?;
            Ok(rows
                .into_iter()
                .map(|r| (r.seq, ChangeEvent::from(r)))
                .collect())
        }));
    }
    let rows = db
        .run(move |conn| changes::list(conn, &reach, (after, written_after), limit))
        .await?;
    let next = rows
        .last()
        .map_or(after, changes::ChangeRow::cursor)
        .encode();
    let items = rows.into_iter().map(ChangeEvent::from).collect();
    let link = format!("<{}?after={next}&limit={limit}>; rel=\"next\"", req.path());
    Ok(HttpResponse::Ok()
        .insert_header((header::LINK, link))
        .json(ChangeFeed { items, next }))
}
