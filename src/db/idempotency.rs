//! The replay store behind `Idempotency-Key`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::idempotency_keys;
use super::{DbConnection, MultiBackend, QueryResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys, check_for_backend(MultiBackend))]
pub struct StoredResponse {
    pub caller: String,
    pub key: String,
    pub request_hash: String,
    pub status: i32,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: String,
    pub created_at: NaiveDateTime,
    /// The id of the record the first request created.
    pub record_id: Option<i64>,
}

/// Claims the key by inserting its row first; `false` when its row is there already.
/// Within the caller's transaction this takes the write lock (SQLite) or the unique-index
/// entry (PostgreSQL), so a concurrent request with the same key waits for the first one's
/// transaction and then finds its row (`ON CONFLICT DO NOTHING`: no failed statement, so no
/// savepoint is needed around it).
pub fn claim(conn: &mut DbConnection, row: &StoredResponse) -> QueryResult<bool> {
    // Both backends have the clause; diesel offers it per backend only.
    let insert = diesel::insert_into(idempotency_keys::table)
        .values(row)
        .on_conflict_do_nothing();
    let inserted = match conn {
        DbConnection::Postgres(c) => insert.execute(c)?,
        DbConnection::Sqlite(c) => insert.execute(c)?,
    };
    Ok(inserted == 1)
}

/// Records the response the claimed key `(caller, key)` will replay.
pub fn complete(
    conn: &mut DbConnection,
    caller: &str,
    key: &str,
    status: i32,
    response: Completion<'_>,
) -> QueryResult<()> {
    diesel::update(
        idempotency_keys::table
            .filter(idempotency_keys::caller.eq(caller))
            .filter(idempotency_keys::key.eq(key)),
    )
    .set((
        idempotency_keys::status.eq(status),
        idempotency_keys::location.eq(response.location),
        idempotency_keys::etag.eq(response.etag),
        idempotency_keys::body.eq(response.body),
        idempotency_keys::record_id.eq(response.record_id),
    ))
    .execute(conn)
    .map(drop)
}

/// What a completed creation answered, as stored for its replays.
#[derive(Debug, Clone, Copy)]
pub struct Completion<'a> {
    pub location: Option<&'a str>,
    pub etag: Option<&'a str>,
    /// The body as stored (encrypted when it holds a personal code).
    pub body: &'a str,
    pub record_id: i64,
}

pub fn find(conn: &mut DbConnection, caller: &str, key: &str) -> QueryResult<StoredResponse> {
    idempotency_keys::table
        .filter(idempotency_keys::caller.eq(caller))
        .filter(idempotency_keys::key.eq(key))
        .select(StoredResponse::as_select())
        .first(conn)
}

/// Forgets the caller's key if it was claimed before `cutoff`, so it counts as new.
pub fn release_if_expired(
    conn: &mut DbConnection,
    caller: &str,
    key: &str,
    cutoff: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::caller.eq(caller))
            .filter(idempotency_keys::key.eq(key))
            .filter(idempotency_keys::created_at.lt(cutoff)),
    )
    .execute(conn)
    .map(drop)
}

/// Deletes every key claimed before `cutoff`, with its stored response.
pub fn purge_expired(conn: &mut DbConnection, cutoff: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(cutoff)))
        .execute(conn)
}
