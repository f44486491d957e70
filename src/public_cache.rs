//! The public directory's answers, kept in process (issue 17): the registry and the reference
//! data are public, read far more often than written, and the same for every caller, so an
//! anonymous `GET` of a public operation is answered from memory once it has been answered.
//!
//! - **What is kept**: the `200` answers (body and headers, `ETag` included) of the `GET`
//!   operations the OpenAPI document declares public (`security: []`) under `/api/v1`, to
//!   requests without credentials, per path and query, `Accept` and `Accept-Language`. A
//!   request with a token always reaches its handler (its answer is `no-store`), and so does
//!   anything else. `If-None-Match` is answered `304` from a kept answer (`edge::not_modified`
//!   compares it with the kept `ETag`). At most `KOPIENA_PUBLIC_CACHE_BYTES` (default 64 MiB)
//!   of answers are kept, the least recently used going first; `0` turns the cache off.
//! - **When it is emptied**: a write (any other method answered `2xx`) on this instance
//!   empties it before its answer leaves, so the writer reads its write on its next request;
//!   the day changing empties it (vacancies and holds are dated); and a change committed in
//!   the database empties it on every instance at its next look, every
//!   `KOPIENA_PUBLIC_CACHE_POLL_MS` (default 200 ms). Triggers on every table the public
//!   reads show (migration 000027) notify the channel `kopiena_public_data` on PostgreSQL
//!   when the change commits (each instance `LISTEN`s; a notification takes no row lock, so
//!   writers never wait on one another for it), and add one to `public_data_version` on
//!   SQLite (one writer at a time, so the row is no point of contention).
//! - **With a read database** (`KOPIENA_READ_DATABASE_URL`), the public lists are read from
//!   it, so the cache follows *its* changes instead: the record's data version (migration
//!   000028) as the read database has replayed it. Following the primary would empty the
//!   cache before a replica has replayed a change, and the list read next from the replica
//!   would keep the answer from before it until some later change. A hot standby delivers no
//!   notifications, and its data version moves when it replays a change of any table: a
//!   kept answer lags the read database by at most a look, as below, and so may lag the
//!   primary by the replica's delay too (a single record is read from the primary, but kept
//!   until the replica shows the change that replaces it).
//! - **At most one second behind**: each look is a round trip to the database. The cache
//!   answers only while its last successful look began at most [`MAX_STALENESS`] (1 s) ago;
//!   otherwise (a database frozen, away or unreachable from this instance) requests reach the
//!   handlers and the database, as without a cache, and a failed look empties it.
//! - **No stale answer kept**: an answer computed while the cache was emptied is not kept
//!   (the cache's generation moved on), since it may have read the data before the change.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::HttpResponse;
use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use chrono::Datelike;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use prometheus::{IntCounter, IntCounterVec, Opts, Registry};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use crate::db::DbConnection;

/// How the cache is sized and how often it follows the database.
#[derive(Debug, Clone, Copy)]
pub struct PublicCacheSettings {
    /// The most body bytes kept; `0` keeps nothing.
    pub bytes: u64,
    /// How often each instance looks for changes made through the database.
    pub poll: Duration,
}

/// One request's place in the cache: path and query, and the headers the answer varies by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    path_and_query: String,
    accept: Option<header::HeaderValue>,
    accept_language: Option<header::HeaderValue>,
}

/// A kept answer: its headers and body (the status is `200`), and the path parameters the
/// router matched, which a kept answer's request gets as if routed (the metrics label it by
/// its route pattern).
#[derive(Clone)]
struct Kept {
    headers: HeaderMap,
    body: Bytes,
    params: Vec<(String, String)>,
}

#[derive(Clone)]
struct BodyBytes;

impl Weighter<Key, Kept> for BodyBytes {
    fn weight(&self, key: &Key, kept: &Kept) -> u64 {
        (key.path_and_query.len() + kept.body.len() + 512) as u64
    }
}

pub struct PublicCache {
    entries: Cache<Key, Kept, BodyBytes>,
    enabled: bool,
    /// Moves on with every emptying: an answer begun before it is not kept.
    generation: AtomicU64,
    /// The day the kept answers were computed on, as days since the Common Era.
    day: AtomicI32,
    /// The path patterns of the public `GET` operations.
    public: Vec<String>,
    hits: IntCounter,
    misses: IntCounter,
    emptied: IntCounter,
    /// Anonymous reads that reached their handler because the cache was not following the
    /// database's changes closely enough to answer.
    bypassed: IntCounter,
    /// When the last look at the database's changes that succeeded began, in milliseconds
    /// since `started` (`0`: none yet): every change committed before it has emptied the
    /// cache.
    confirmed: AtomicU64,
    started: Instant,
}

/// How old the last successful look at the database's changes may be for the cache to
/// answer: the most a kept answer can lag behind a change made on another instance.
pub const MAX_STALENESS: Duration = Duration::from_secs(1);

/// The largest body kept: a bigger answer is computed every time.
const MAX_KEPT_BODY: u64 = 1 << 20;

impl PublicCache {
    /// The cache for the public `GET` operations of `document`, counting its outcomes
    /// (`kopiena_public_cache_requests_total{outcome}`: `hit`, `miss`, `emptied`,
    /// `bypassed`) in `registry`.
    pub fn new(
        settings: PublicCacheSettings,
        document: &utoipa::openapi::OpenApi,
        registry: &Registry,
    ) -> anyhow::Result<Self> {
        let outcomes = IntCounterVec::new(
            Opts::new(
                "kopiena_public_cache_requests_total",
                "Anonymous public reads answered from the cache (hit), computed (miss) or passed on while the cache was not following the database's changes (bypassed), and emptyings of the cache (emptied).",
            ),
            &["outcome"],
        )?;
        registry.register(Box::new(outcomes.clone()))?;
        // Every series from the start, so the scrape's shape does not change with use.
        let [hits, misses, emptied, bypassed] = ["hit", "miss", "emptied", "bypassed"]
            .map(|outcome| outcomes.with_label_values(&[outcome]));
        let public = document
            .paths
            .paths
            .iter()
            .filter(|(path, item)| {
                path.starts_with("/api/v1")
                    && item
                        .get
                        .as_ref()
                        .is_some_and(|get| get.security.as_ref().is_some_and(Vec::is_empty))
            })
            .map(|(path, _)| path.clone())
            .collect();
        let capacity = settings.bytes.max(1);
        Ok(Self {
            entries: Cache::with_weighter(
                usize::try_from(capacity / 4096)
                    .unwrap_or(usize::MAX)
                    .max(16),
                capacity,
                BodyBytes,
            ),
            enabled: settings.bytes > 0,
            generation: AtomicU64::new(0),
            day: AtomicI32::new(crate::domain::today().num_days_from_ce()),
            public,
            hits,
            misses,
            emptied,
            bypassed,
            confirmed: AtomicU64::new(0),
            started: Instant::now(),
        })
    }

    fn millis_since_start(&self, at: Instant) -> u64 {
        u64::try_from(at.duration_since(self.started).as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// Records that every change committed before `at` has been seen.
    fn confirm(&self, at: Instant) {
        self.confirmed
            .store(self.millis_since_start(at), Ordering::SeqCst);
    }

    /// Whether the last successful look at the changes began at most [`MAX_STALENESS`] ago.
    fn following(&self) -> bool {
        let confirmed = self.confirmed.load(Ordering::SeqCst);
        confirmed != 0
            && self
                .millis_since_start(Instant::now())
                .saturating_sub(confirmed)
                <= MAX_STALENESS.as_millis() as u64
    }

    /// Forgets every kept answer, and every answer being computed.
    pub fn empty(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.clear();
        self.emptied.inc();
    }

    /// Empties the cache when the day changed since its answers were computed.
    fn roll_day(&self) {
        let today = crate::domain::today().num_days_from_ce();
        if self.day.swap(today, Ordering::SeqCst) != today {
            self.empty();
        }
    }

    /// Whether the request is an anonymous read that may be kept (its operation is checked
    /// on a miss only: a kept answer is one whose operation is public).
    fn may_keep(&self, req: &ServiceRequest) -> bool {
        self.enabled
            && req.method() == Method::GET
            && !req.headers().contains_key(header::AUTHORIZATION)
    }

    /// Whether the request's operation is public.
    fn public(&self, req: &ServiceRequest) -> bool {
        req.match_pattern()
            .is_some_and(|pattern| self.public.contains(&pattern))
    }
}

fn key_of(req: &ServiceRequest) -> Key {
    Key {
        path_and_query: req
            .uri()
            .path_and_query()
            .map_or_else(|| req.path().to_string(), ToString::to_string),
        accept: req.headers().get(header::ACCEPT).cloned(),
        accept_language: req.headers().get(header::ACCEPT_LANGUAGE).cloned(),
    }
}

/// Answers an anonymous public read from the cache, or computes and keeps it; empties the
/// cache after a successful write.
pub async fn serve(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(cache) = req.app_data::<web::Data<PublicCache>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let response = next.call(req).await?;
        if response.status().is_success() {
            cache.empty();
        }
        return Ok(response.map_into_boxed_body());
    }
    if !cache.may_keep(&req) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    if !cache.following() {
        cache.bypassed.inc();
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    cache.roll_day();
    let key = key_of(&req);
    if let Some(kept) = cache.entries.get(&key) {
        cache.hits.inc();
        let mut req = req;
        for (name, value) in kept.params {
            req.match_info_mut().add_static(name, value);
        }
        let mut response = HttpResponse::with_body(StatusCode::OK, kept.body);
        *response.headers_mut() = kept.headers;
        return Ok(req.into_response(response.map_into_boxed_body()));
    }
    if !cache.public(&req) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    cache.misses.inc();
    let generation = cache.generation.load(Ordering::SeqCst);
    let response = next.call(req).await?;
    // Only a whole body of known, small size is kept: a stream (`format=ndjson`) is passed
    // on as it comes, never gathered in memory.
    let small = matches!(
        response.response().body().size(),
        BodySize::Sized(n) if n <= MAX_KEPT_BODY
    );
    if response.status() != StatusCode::OK || !small {
        return Ok(response.map_into_boxed_body());
    }
    let (req, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("response body"))?;
    // Kept only if nothing emptied the cache while it was computed.
    if cache.generation.load(Ordering::SeqCst) == generation {
        let kept = Kept {
            headers: head.headers().clone(),
            body: body.clone(),
            params: req
                .match_info()
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
        };
        cache.entries.insert(key, kept);
    }
    Ok(ServiceResponse::new(
        req,
        head.set_body(body).map_into_boxed_body(),
    ))
}

/// Where an instance learns of changes made through the database.
enum Changes {
    /// PostgreSQL: a connection listening on `kopiena_public_data`.
    Notified(diesel::PgConnection),
    /// SQLite: a connection and the last `public_data_version` read.
    Versioned(diesel::SqliteConnection, i64),
    /// A read database, either backend: a connection to it and the last record data version
    /// it showed.
    Replayed(DbConnection, i64),
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = BigInt)]
    version: i64,
}

fn version(conn: &mut diesel::SqliteConnection) -> QueryResult<i64> {
    diesel::sql_query("SELECT version FROM public_data_version WHERE id = 1")
        .get_result::<Version>(conn)
        .map(|v| v.version)
}

impl Changes {
    fn open(source: &Source) -> anyhow::Result<Self> {
        let url = match source {
            Source::Replica(url) => {
                let mut conn = crate::db::establish(url)?;
                let seen = crate::db::stats::data_version(&mut conn)?;
                return Ok(Changes::Replayed(conn, seen));
            }
            Source::Primary(url) => url,
        };
        Ok(match crate::db::establish(url)? {
            DbConnection::Postgres(mut conn) => {
                conn.batch_execute("LISTEN kopiena_public_data")?;
                Changes::Notified(conn)
            }
            DbConnection::Sqlite(mut conn) => {
                let seen = version(&mut conn)?;
                Changes::Versioned(conn, seen)
            }
        })
    }

    /// Whether anything changed since the last look: every change committed before the
    /// call began is seen (a round trip to the server, which also tells that it answers).
    fn changed(&mut self) -> QueryResult<bool> {
        match self {
            Changes::Notified(conn) => {
                conn.batch_execute("SELECT 1")?;
                let mut any = false;
                for notification in conn.notifications_iter() {
                    notification?;
                    any = true;
                }
                Ok(any)
            }
            Changes::Versioned(conn, seen) => Ok(moved(seen, version(conn)?)),
            Changes::Replayed(conn, seen) => Ok(moved(seen, crate::db::stats::data_version(conn)?)),
        }
    }
}

/// Whether a version moved from `seen` to `now`; `now` is seen from then on.
fn moved(seen: &mut i64, now: i64) -> bool {
    std::mem::replace(seen, now) != now
}

/// The database whose changes the cache follows: the one the public lists are read from.
#[derive(Debug, Clone)]
pub enum Source {
    /// `DATABASE_URL`: everything is read there.
    Primary(String),
    /// `KOPIENA_READ_DATABASE_URL`: the public lists are read there.
    Replica(String),
}

/// Follows the changes made through the database `source`, emptying `cache` on each, for as
/// long as the server runs. While the database cannot be followed, the cache is emptied at
/// every look (an instance that cannot see changes keeps nothing).
pub async fn follow(cache: Arc<PublicCache>, source: Source, poll: Duration) -> Infallible {
    let mut every = actix_web::rt::time::interval(poll);
    let mut changes: Option<Changes> = None;
    let mut failing = false;
    loop {
        every.tick().await;
        if !cache.enabled {
            continue;
        }
        let source = source.clone();
        let held = changes.take();
        let began = Instant::now();
        let looked = web::block(move || -> anyhow::Result<(Changes, bool)> {
            let (mut changes, fresh) = match held {
                Some(changes) => (changes, false),
                None => (Changes::open(&source)?, true),
            };
            let changed = changes.changed()?;
            Ok((changes, fresh || changed))
        })
        .await;
        match looked {
            Ok(Ok((held, changed))) => {
                changes = Some(held);
                if changed {
                    cache.empty();
                }
                cache.confirm(began);
                if failing {
                    tracing::info!("following the public data's changes again");
                    failing = false;
                }
            }
            Ok(Err(error)) => {
                cache.empty();
                if !failing {
                    tracing::warn!(%error, "cannot follow the public data's changes: the public cache stays empty");
                    failing = true;
                }
            }
            Err(_) => cache.empty(),
        }
    }
}
