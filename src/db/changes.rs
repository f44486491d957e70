//! The change feed's table (`domain::change`): appended by every write, in commit order,
//! and read after a cursor within the reader's reach.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::changes;
use super::{DbConnection, MultiBackend, QueryResult, reference};
use crate::domain::access::{Scope, change_reach};
use crate::domain::change::{Audience, ChangeAction, ChangeReach, ChangeType, Cursor};
use crate::domain::codes::{MunicipalityCode, RegionCode};
use crate::domain::ids::ProviderId;

/// The lock a PostgreSQL writer holds from its event's insert until it commits: the next
/// writer draws its number only after this one is visible, so numbers follow commit order.
/// (An identity column alone is drawn at insert time: a later number could commit first,
/// and a reader that moved past it would never see the earlier one.)
const FEED_LOCK: i64 = 0x6b6f_7069_656e_6131; // "kopiena1"

/// One change of a record, as its writer reports it.
#[derive(Debug, Clone)]
pub struct Change {
    pub kind: ChangeType,
    pub id: i64,
    /// The client of a client's record, the mentor of a training.
    pub parent: Option<i64>,
    pub action: ChangeAction,
    pub audience: Audience,
}

#[derive(Insertable)]
#[diesel(table_name = changes, treat_none_as_default_value = false)]
struct NewChange<'a> {
    occurred_at: NaiveDateTime,
    resource_type: ChangeType,
    resource_id: i64,
    parent_id: Option<i64>,
    action: ChangeAction,
    public: bool,
    municipality: Option<&'a MunicipalityCode>,
    previous_municipality: Option<&'a MunicipalityCode>,
    region: Option<&'a RegionCode>,
    provider_id: Option<ProviderId>,
}

/// Appends `change` to the feed, inside the writer's transaction. Called last in a write, so
/// the feed's lock (PostgreSQL) is held only for the commit.
pub fn record(conn: &mut DbConnection, change: &Change) -> QueryResult<()> {
    if let DbConnection::Postgres(c) = conn {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({FEED_LOCK})")).execute(c)?;
    }
    let audience = &change.audience;
    diesel::insert_into(changes::table)
        .values(NewChange {
            occurred_at: chrono::Utc::now().naive_utc(),
            resource_type: change.kind,
            resource_id: change.id,
            parent_id: change.parent,
            action: change.action,
            public: audience.public,
            municipality: audience.municipality.as_ref(),
            previous_municipality: audience.previous_municipality.as_ref(),
            region: audience.region.as_ref(),
            provider_id: audience.provider,
        })
        .execute(conn)
        .map(drop)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = changes, check_for_backend(MultiBackend))]
pub struct ChangeRow {
    pub seq: i64,
    pub occurred_at: NaiveDateTime,
    pub resource_type: ChangeType,
    pub resource_id: i64,
    pub parent_id: Option<i64>,
    pub action: ChangeAction,
}

impl ChangeRow {
    pub fn cursor(&self) -> Cursor {
        Cursor(self.seq)
    }
}

/// The events `scope` (`None`: anonymous) may follow: a municipality's reach names its
/// planning region, read from the register.
pub fn reach_of(conn: &mut DbConnection, scope: Option<&Scope>) -> QueryResult<ChangeReach> {
    let own_region = match scope {
        Some(Scope::Municipality(code)) => {
            Some(reference::get_municipality(conn, code)?.planning_region)
        }
        _ => None,
    };
    Ok(change_reach(scope, own_region))
}

/// Up to `limit` events after `after` that `reach` sees, oldest first: the SQL form of
/// `ChangeReach::sees`.
pub fn list(
    conn: &mut DbConnection,
    reach: &ChangeReach,
    (after, written_after): (Cursor, Option<NaiveDateTime>),
    limit: i64,
) -> QueryResult<Vec<ChangeRow>> {
    let mut query = changes::table
        .select(ChangeRow::as_select())
        .filter(changes::seq.gt(after.0))
        .order(changes::seq)
        .limit(limit)
        .into_boxed::<MultiBackend>();
    if let Some(t) = written_after {
        query = query.filter(changes::occurred_at.gt(t));
    }
    query = match reach {
        ChangeReach::All => query,
        ChangeReach::Public => query.filter(changes::public.eq(true)),
        ChangeReach::Provider(own) => query.filter(changes::provider_id.eq(*own)),
        ChangeReach::Region(own) => query.filter(
            changes::public
                .eq(true)
                .or(changes::region.eq(own).assume_not_null()),
        ),
        ChangeReach::Municipality { code, region } => {
            let own = changes::public
                .eq(true)
                .or(changes::municipality.eq(code).assume_not_null())
                .or(changes::previous_municipality.eq(code).assume_not_null());
            match region {
                Some(region) => query.filter(
                    own.or(changes::municipality
                        .is_null()
                        .and(changes::region.eq(region).assume_not_null())),
                ),
                None => query.filter(own),
            }
        }
    };
    query.load(conn)
}

impl Change {
    pub fn new(kind: ChangeType, id: i64, action: ChangeAction, audience: Audience) -> Self {
        Self {
            kind,
            id,
            parent: None,
            action,
            audience,
        }
    }

    /// The record belongs to `parent` (a client, a mentor).
    pub fn of(self, parent: i64) -> Self {
        Self {
            parent: Some(parent),
            ..self
        }
    }
}

/// The ids of the records of `kind` the feed says were created, updated or ended after
/// `t`: what "modified after" means for a record without an `updated_at` of its own (read
/// through the index on `(resource_type, occurred_at, resource_id)`).
#[diesel::dsl::auto_type(no_type_alias)]
pub fn changed_after(kind: ChangeType, t: NaiveDateTime) -> _ {
    changes::table
        .filter(changes::resource_type.eq(kind))
        .filter(changes::occurred_at.gt(t))
        .select(changes::resource_id)
}

/// Whether a record (its `created_at` and `id` columns, of `kind`) was modified after `t`:
/// made after it, or named by the change feed since (updated or ended). For records without
/// an `updated_at`; records made before the feed existed count by `created_at`.
macro_rules! made_or_changed_after {
    ($created_at:expr, $id:expr, $kind:expr, $t:expr) => {
        $created_at
            .gt($t)
            .or($id.eq_any($crate::db::changes::changed_after($kind, $t)))
    };
}
pub(crate) use made_or_changed_after;
