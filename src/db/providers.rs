//! Provider register queries.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{municipalities, provider_status_periods, providers};
use super::{DbConnection, Listed, MultiBackend, QueryResult};
use crate::domain::codes::{MunicipalityCode, RegionCode};
use crate::domain::ids::ProviderId;
use crate::domain::interval::Interval;
use crate::domain::registry::{LegalStatus, ProviderStatus, Sector};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = providers, check_for_backend(MultiBackend))]
pub struct ProviderRow {
    pub id: ProviderId,
    pub name: String,
    pub register_number: String,
    pub legal_status: LegalStatus,
    pub sector: Sector,
    pub municipality: MunicipalityCode,
    pub address: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub status: ProviderStatus,
    pub registered_on: NaiveDate,
    pub status_changed_on: Option<NaiveDate>,
    pub excluded_on: Option<NaiveDate>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Every column a create or an update writes.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = providers, treat_none_as_null = true)]
pub struct ProviderChanges {
    pub name: String,
    pub register_number: String,
    pub legal_status: LegalStatus,
    pub sector: Sector,
    pub municipality: MunicipalityCode,
    pub address: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub status: ProviderStatus,
    pub registered_on: NaiveDate,
    pub status_changed_on: Option<NaiveDate>,
    pub excluded_on: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
}

impl From<&ProviderRow> for ProviderChanges {
    fn from(r: &ProviderRow) -> Self {
        Self {
            name: r.name.clone(),
            register_number: r.register_number.clone(),
            legal_status: r.legal_status,
            sector: r.sector,
            municipality: r.municipality.clone(),
            address: r.address.clone(),
            phone: r.phone.clone(),
            email: r.email.clone(),
            website: r.website.clone(),
            status: r.status,
            registered_on: r.registered_on,
            status_changed_on: r.status_changed_on,
            excluded_on: r.excluded_on,
            updated_at: r.updated_at,
        }
    }
}

pub fn insert(conn: &mut DbConnection, new: &ProviderChanges) -> QueryResult<ProviderRow> {
    let row: ProviderRow = diesel::insert_into(providers::table)
        .values((new, providers::created_at.eq(new.updated_at)))
        .returning(providers::all_columns)
        .get_result(conn)?;
    record_status(conn, row.id, row.status, row.registered_on)?;
    Ok(row)
}

/// One period of a provider's status.
#[derive(Debug, Clone, Queryable)]
pub struct StatusPeriod {
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub status: ProviderStatus,
}

impl StatusPeriod {
    pub fn interval(&self) -> Interval {
        Interval {
            start: self.starts_on,
            end: self.ends_on,
        }
    }
}

/// The provider's status over time, oldest first.
pub fn status_periods(conn: &mut DbConnection, id: ProviderId) -> QueryResult<Vec<StatusPeriod>> {
    provider_status_periods::table
        .filter(provider_status_periods::provider_id.eq(id))
        .order(provider_status_periods::starts_on)
        .select((
            provider_status_periods::starts_on,
            provider_status_periods::ends_on,
            provider_status_periods::status,
        ))
        .load(conn)
}

/// Records `status` from `from` on: the open period ends there and a new one begins (or,
/// opened the same day, is corrected in place).
fn record_status(
    conn: &mut DbConnection,
    id: ProviderId,
    status: ProviderStatus,
    from: NaiveDate,
) -> QueryResult<()> {
    let open = provider_status_periods::table
        .filter(provider_status_periods::provider_id.eq(id))
        .filter(provider_status_periods::ends_on.is_null());
    let current: Option<(NaiveDate, ProviderStatus)> = open
        .select((
            provider_status_periods::starts_on,
            provider_status_periods::status,
        ))
        .first(conn)
        .optional()?;
    match current {
        Some((_, same)) if same == status => return Ok(()),
        Some((starts_on, _)) if starts_on >= from => {
            return diesel::update(open)
                .set(provider_status_periods::status.eq(status))
                .execute(conn)
                .map(drop);
        }
        Some(_) => {
            diesel::update(open)
                .set(provider_status_periods::ends_on.eq(from))
                .execute(conn)?;
        }
        None => {}
    }
    diesel::insert_into(provider_status_periods::table)
        .values((
            provider_status_periods::provider_id.eq(id),
            provider_status_periods::starts_on.eq(from),
            provider_status_periods::status.eq(status),
        ))
        .execute(conn)
        .map(drop)
}

pub fn get(conn: &mut DbConnection, id: ProviderId) -> QueryResult<ProviderRow> {
    providers::table
        .find(id)
        .select(ProviderRow::as_select())
        .first(conn)
}

/// Whether a provider with this id is registered (providers are never deleted).
pub fn exists(conn: &mut DbConnection, id: ProviderId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(providers::table.find(id))).get_result(conn)
}

/// Writes `changes` only if the row still has `version` (optimistic concurrency); `None`
/// when another write came first.
pub fn update(
    conn: &mut DbConnection,
    id: ProviderId,
    version: i32,
    changes: &ProviderChanges,
) -> QueryResult<Option<ProviderRow>> {
    let row: Option<ProviderRow> = diesel::update(
        providers::table.filter(providers::id.eq(id).and(providers::version.eq(version))),
    )
    .set((changes, providers::version.eq(version + 1)))
    .returning(providers::all_columns)
    .get_result(conn)
    .optional()?;
    if let Some(row) = &row {
        let from = row.status_changed_on.unwrap_or(row.registered_on);
        record_status(conn, row.id, row.status, from)?;
        super::derived::sync_provider(conn, row.id)?;
    }
    Ok(row)
}

#[derive(Debug, Default, Clone)]
pub struct ProviderFilter {
    pub municipality: Option<MunicipalityCode>,
    pub region: Option<RegionCode>,
    pub status: Option<ProviderStatus>,
    pub sector: Option<Sector>,
    pub legal_status: Option<LegalStatus>,
    /// Case-insensitive substring of the name or the register number.
    pub q: Option<String>,
    /// Changed after this instant.
    pub modified_after: Option<NaiveDateTime>,
}

fn filtered(filter: &ProviderFilter) -> providers::BoxedQuery<'static, MultiBackend> {
    let mut query = providers::table.into_boxed::<MultiBackend>();
    if let Some(m) = &filter.municipality {
        query = query.filter(providers::municipality.eq(m.clone()));
    }
    if let Some(region) = &filter.region {
        query = query.filter(
            providers::municipality.eq_any(
                municipalities::table
                    .filter(municipalities::planning_region.eq(region.clone()))
                    .select(municipalities::code),
            ),
        );
    }
    if let Some(s) = &filter.status {
        query = query.filter(providers::status.eq(*s));
    }
    if let Some(s) = &filter.sector {
        query = query.filter(providers::sector.eq(*s));
    }
    if let Some(s) = &filter.legal_status {
        query = query.filter(providers::legal_status.eq(*s));
    }
    if let Some(t) = filter.modified_after {
        query = query.filter(providers::updated_at.gt(t));
    }
    if let Some(q) = &filter.q {
        let pattern = format!("%{}%", escape_like(q));
        query = query.filter(
            providers::name
                .like(pattern.clone())
                .escape('\\')
                .or(providers::register_number.like(pattern).escape('\\')),
        );
    }
    query
}

/// Up to `limit` providers matching `filter` with an id above `after`, in id order (a
/// streamed list's batch).
pub fn after(
    conn: &mut DbConnection,
    filter: &ProviderFilter,
    after: ProviderId,
    limit: i64,
) -> QueryResult<Vec<ProviderRow>> {
    filtered(filter)
        .filter(providers::id.gt(after))
        .order(providers::id)
        .limit(limit)
        .select(ProviderRow::as_select())
        .load(conn)
}

/// Escapes `%`, `_` and `\` for a LIKE pattern.
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[derive(Debug, Clone, Copy)]
pub enum ProviderSort {
    Name,
    RegisteredOn,
    CreatedAt,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &ProviderFilter,
    sort: ProviderSort,
    descending: bool,
    limit: i64,
    offset: i64,
) -> QueryResult<Listed<ProviderRow>> {
    let total = filtered(filter).count().get_result(conn)?;
    let mut query = filtered(filter).select(ProviderRow::as_select());
    query = match (sort, descending) {
        (ProviderSort::Name, false) => query.order((providers::name.asc(), providers::id.asc())),
        (ProviderSort::Name, true) => query.order((providers::name.desc(), providers::id.desc())),
        (ProviderSort::RegisteredOn, false) => {
            query.order((providers::registered_on.asc(), providers::id.asc()))
        }
        (ProviderSort::RegisteredOn, true) => {
            query.order((providers::registered_on.desc(), providers::id.desc()))
        }
        (ProviderSort::CreatedAt, false) => query.order(providers::id.asc()),
        (ProviderSort::CreatedAt, true) => query.order(providers::id.desc()),
    };
    let rows = query.limit(limit).offset(offset).load(conn)?;
    Ok(Listed { rows, total })
}
