//! The append-only access audit of client-level data.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_log;
use super::{DbConnection, MultiBackend, QueryResult};

/// Who did what to which record, appended in the same transaction as the access itself.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub occurred_at: NaiveDateTime,
    pub actor_sub: String,
    pub actor_role: String,
    pub actor_municipality: Option<String>,
    pub action: String,
    pub record_type: String,
    pub record_id: Option<i64>,
    pub client_id: Option<i64>,
    pub request_id: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log, check_for_backend(MultiBackend))]
pub struct AuditRow {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub actor_sub: String,
    pub actor_role: String,
    pub actor_municipality: Option<String>,
    pub action: String,
    pub record_type: String,
    pub record_id: Option<i64>,
    pub client_id: Option<i64>,
    pub request_id: String,
}

pub fn append(conn: &mut DbConnection, entry: &AuditEntry) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values(entry)
        .execute(conn)
        .map(drop)
}

#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub client_id: Option<i64>,
    pub actor_sub: Option<String>,
    pub action: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

fn filtered(f: &AuditFilter) -> audit_log::BoxedQuery<'static, MultiBackend> {
    let mut q = audit_log::table.into_boxed::<MultiBackend>();
    if let Some(id) = f.client_id {
        q = q.filter(audit_log::client_id.eq(id));
    }
    if let Some(sub) = &f.actor_sub {
        q = q.filter(audit_log::actor_sub.eq(sub.clone()));
    }
    if let Some(action) = &f.action {
        q = q.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_log::occurred_at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(audit_log::occurred_at.lt(to));
    }
    q
}

/// Newest first.
pub fn list(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<AuditRow>, i64)> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows = filtered(filter)
        .select(AuditRow::as_select())
        .order(audit_log::id.desc())
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok((rows, total))
}

/// Names the record of this request's entry once it exists (a create learns its id last;
/// the entry was appended first so that the transaction starts with a write).
pub fn set_record(
    conn: &mut DbConnection,
    request_id: &str,
    action: &str,
    record_id: i64,
    client_id: i64,
) -> QueryResult<()> {
    diesel::update(
        audit_log::table
            .filter(audit_log::request_id.eq(request_id))
            .filter(audit_log::action.eq(action)),
    )
    .set((
        audit_log::record_id.eq(record_id),
        audit_log::client_id.eq(client_id),
    ))
    .execute(conn)
    .map(drop)
}
