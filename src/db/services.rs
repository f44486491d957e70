//! Service register queries.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};

use super::schema::{
    municipalities, providers, referrals, service_periods, service_runs, service_search_terms,
    service_target_groups, services,
};
use super::{DbConnection, Listed, MultiBackend, QueryResult};
use crate::domain::codes::*;
use crate::domain::ids::*;
use crate::domain::interval::Interval;
use crate::domain::referral::ReferralStatus;
use crate::domain::registry::{PriceUnit, ProviderStatus, Sector, ServiceStatus};
use crate::domain::registry::{prefix_range, search_terms};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = services, check_for_backend(MultiBackend))]
pub struct ServiceRow {
    pub id: ServiceId,
    pub provider_id: ProviderId,
    pub service_type: ServiceTypeCode,
    pub name: String,
    pub name_en: Option<String>,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub municipality: MunicipalityCode,
    pub address: String,
    pub capacity: i32,
    pub status: ServiceStatus,
    pub price_cents: Option<i64>,
    pub price_unit: Option<PriceUnit>,
    pub closed_on: Option<NaiveDate>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A service with its target groups and its provider's status (public visibility).
#[derive(Debug, Clone)]
pub struct ServiceEntry {
    pub row: ServiceRow,
    pub target_groups: Vec<TargetGroupCode>,
    pub provider_status: ProviderStatus,
    /// Placements active today.
    pub occupied: i32,
    /// Places accepted referrals hold today (REF-HOLD).
    pub held: i32,
}

/// Placements of the service active on `day` (its occupancy run that day, `db::derived`),
/// as an SQL expression over `services.id`.
pub fn occupied_on_sql(day: NaiveDate) -> String {
    format!(
        "COALESCE((SELECT o.occupied FROM service_runs o \
         WHERE o.service_id = services.id AND {}), 0)",
        super::dated::holds_on("o", "starts_on", "ends_on", day)
    )
}

/// Places of the service that accepted referrals hold on `day` (REF-HOLD), as an SQL
/// expression over `services.id`.
fn held_on_sql(day: NaiveDate) -> String {
    format!(
        "(SELECT COUNT(*) FROM referrals h WHERE h.service_id = services.id \
         AND h.status = 'accepted' AND {})",
        super::dated::holds_on("h", "accepted_on", "hold_until", day)
    )
}

/// Free places on `day`: capacity less placements and holds, as an SQL expression.
fn vacancies_on_sql(day: NaiveDate) -> String {
    format!(
        "(services.capacity - {} - {})",
        occupied_on_sql(day),
        held_on_sql(day)
    )
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = services, treat_none_as_null = true)]
pub struct ServiceChanges {
    pub service_type: ServiceTypeCode,
    pub name: String,
    pub name_en: Option<String>,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub municipality: MunicipalityCode,
    pub address: String,
    pub capacity: i32,
    pub status: ServiceStatus,
    pub price_cents: Option<i64>,
    pub price_unit: Option<PriceUnit>,
    pub closed_on: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
}

impl From<&ServiceRow> for ServiceChanges {
    fn from(r: &ServiceRow) -> Self {
        Self {
            service_type: r.service_type.clone(),
            name: r.name.clone(),
            name_en: r.name_en.clone(),
            description: r.description.clone(),
            description_en: r.description_en.clone(),
            municipality: r.municipality.clone(),
            address: r.address.clone(),
            capacity: r.capacity,
            status: r.status,
            price_cents: r.price_cents,
            price_unit: r.price_unit,
            closed_on: r.closed_on,
            updated_at: r.updated_at,
        }
    }
}

impl ServiceChanges {
    fn texts(&self) -> impl Iterator<Item = &str> {
        [
            Some(self.name.as_str()),
            self.name_en.as_deref(),
            self.description.as_deref(),
            self.description_en.as_deref(),
        ]
        .into_iter()
        .flatten()
    }
}

/// Replaces the target groups and search terms of a service (inside the caller's transaction).
fn write_children(
    conn: &mut DbConnection,
    id: ServiceId,
    changes: &ServiceChanges,
    target_groups: &BTreeSet<TargetGroupCode>,
) -> QueryResult<()> {
    diesel::delete(service_target_groups::table.filter(service_target_groups::service_id.eq(id)))
        .execute(conn)?;
    for group in target_groups {
        diesel::insert_into(service_target_groups::table)
            .values((
                service_target_groups::service_id.eq(id),
                service_target_groups::target_group.eq(group),
            ))
            .execute(conn)?;
    }
    diesel::delete(service_search_terms::table.filter(service_search_terms::service_id.eq(id)))
        .execute(conn)?;
    for term in search_terms(changes.texts()) {
        diesel::insert_into(service_search_terms::table)
            .values((
                service_search_terms::service_id.eq(id),
                service_search_terms::term.eq(term),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Inserts a service with its target groups and search terms (inside the caller's transaction).
pub fn insert(
    conn: &mut DbConnection,
    provider_id: ProviderId,
    changes: &ServiceChanges,
    target_groups: &BTreeSet<TargetGroupCode>,
    opened_on: NaiveDate,
) -> QueryResult<ServiceRow> {
    let row: ServiceRow = diesel::insert_into(services::table)
        .values((
            changes,
            services::provider_id.eq(provider_id),
            services::created_at.eq(changes.updated_at),
        ))
        .returning(services::all_columns)
        .get_result(conn)?;
    write_children(conn, row.id, changes, target_groups)?;
    record_period(conn, row.id, changes, opened_on)?;
    super::derived::sync_service(conn, row.id)?;
    Ok(row)
}

/// One period of a service's status and capacity.
#[derive(Debug, Clone, Queryable)]
pub struct ServicePeriod {
    pub interval: (NaiveDate, Option<NaiveDate>),
    pub status: ServiceStatus,
    pub capacity: i32,
}

impl ServicePeriod {
    pub fn interval(&self) -> Interval {
        Interval {
            start: self.interval.0,
            end: self.interval.1,
        }
    }
}

/// The service's status and capacity over time, oldest first.
pub fn periods(conn: &mut DbConnection, id: ServiceId) -> QueryResult<Vec<ServicePeriod>> {
    service_periods::table
        .filter(service_periods::service_id.eq(id))
        .order(service_periods::starts_on)
        .select((
            (service_periods::starts_on, service_periods::ends_on),
            service_periods::status,
            service_periods::capacity,
        ))
        .load(conn)
}

/// Records the status and capacity in `changes` from `from` on: the open period ends there
/// and a new one begins (or, opened the same day, is corrected in place).
fn record_period(
    conn: &mut DbConnection,
    id: ServiceId,
    changes: &ServiceChanges,
    from: NaiveDate,
) -> QueryResult<()> {
    let open = service_periods::table
        .filter(service_periods::service_id.eq(id))
        .filter(service_periods::ends_on.is_null());
    let current: Option<(NaiveDate, ServiceStatus, i32)> = open
        .select((
            service_periods::starts_on,
            service_periods::status,
            service_periods::capacity,
        ))
        .first(conn)
        .optional()?;
    match current {
        Some((_, status, capacity)) if status == changes.status && capacity == changes.capacity => {
            return Ok(());
        }
        Some((starts_on, ..)) if starts_on >= from => {
            return diesel::update(open)
                .set((
                    service_periods::status.eq(changes.status),
                    service_periods::capacity.eq(changes.capacity),
                ))
                .execute(conn)
                .map(drop);
        }
        Some(_) => {
            diesel::update(open)
                .set(service_periods::ends_on.eq(from))
                .execute(conn)?;
        }
        None => {}
    }
    diesel::insert_into(service_periods::table)
        .values((
            service_periods::service_id.eq(id),
            service_periods::starts_on.eq(from),
            service_periods::status.eq(changes.status),
            service_periods::capacity.eq(changes.capacity),
        ))
        .execute(conn)
        .map(drop)
}

/// Writes `changes` if the row still has `version`; `None` when another write came first.
pub fn update(
    conn: &mut DbConnection,
    id: ServiceId,
    version: i32,
    changes: &ServiceChanges,
    target_groups: &BTreeSet<TargetGroupCode>,
) -> QueryResult<Option<ServiceRow>> {
    let row: Option<ServiceRow> = diesel::update(
        services::table.filter(services::id.eq(id).and(services::version.eq(version))),
    )
    .set((changes, services::version.eq(version + 1)))
    .returning(services::all_columns)
    .get_result(conn)
    .optional()?;
    if let Some(row) = &row {
        write_children(conn, row.id, changes, target_groups)?;
        record_period(conn, row.id, changes, crate::domain::today())?;
        super::derived::sync_service(conn, row.id)?;
    }
    Ok(row)
}

pub fn get(conn: &mut DbConnection, id: ServiceId) -> QueryResult<ServiceEntry> {
    let row = services::table
        .find(id)
        .select(ServiceRow::as_select())
        .first(conn)?;
    entries(conn, vec![row])?
        .pop()
        .ok_or(diesel::result::Error::NotFound)
}

/// Attaches target groups and provider status with two queries for the whole page.
fn entries(conn: &mut DbConnection, rows: Vec<ServiceRow>) -> QueryResult<Vec<ServiceEntry>> {
    let ids: Vec<ServiceId> = rows.iter().map(|r| r.id).collect();
    let provider_ids: Vec<ProviderId> = rows.iter().map(|r| r.provider_id).collect();
    let mut groups: BTreeMap<ServiceId, Vec<TargetGroupCode>> = BTreeMap::new();
    for (id, group) in service_target_groups::table
        .filter(service_target_groups::service_id.eq_any(&ids))
        .order((
            service_target_groups::service_id,
            service_target_groups::target_group,
        ))
        .select((
            service_target_groups::service_id,
            service_target_groups::target_group,
        ))
        .load::<(ServiceId, TargetGroupCode)>(conn)?
    {
        groups.entry(id).or_default().push(group);
    }
    let statuses: BTreeMap<ProviderId, ProviderStatus> = providers::table
        .filter(providers::id.eq_any(&provider_ids))
        .select((providers::id, providers::status))
        .load::<(ProviderId, ProviderStatus)>(conn)?
        .into_iter()
        .collect();
    let today = crate::domain::today();
    let occupied: BTreeMap<ServiceId, i32> = service_runs::table
        .filter(service_runs::service_id.eq_any(&ids))
        .filter(crate::holds_on!(service_runs, today))
        .select((service_runs::service_id, service_runs::occupied))
        .load::<(ServiceId, i32)>(conn)?
        .into_iter()
        .collect();
    let held: BTreeMap<ServiceId, i64> = referrals::table
        .filter(referrals::service_id.eq_any(&ids))
        .filter(referrals::status.eq(ReferralStatus::Accepted))
        .filter(referrals::accepted_on.le(today))
        .filter(
            referrals::hold_until
                .is_null()
                .or(referrals::hold_until.gt(today)),
        )
        .group_by(referrals::service_id)
        .select((referrals::service_id, diesel::dsl::count_star()))
        .load::<(ServiceId, i64)>(conn)?
        .into_iter()
        .collect();
    rows.into_iter()
        .map(|row| {
            // Every service has its provider (a foreign key): a missing one is an error.
            let provider_status = *statuses
                .get(&row.provider_id)
                .ok_or(diesel::result::Error::NotFound)?;
            Ok(ServiceEntry {
                target_groups: groups.remove(&row.id).unwrap_or_default(),
                occupied: occupied.get(&row.id).copied().unwrap_or(0),
                held: held
                    .get(&row.id)
                    .map_or(0, |n| i32::try_from(*n).unwrap_or(i32::MAX)),
                provider_status,
                row,
            })
        })
        .collect()
}

#[derive(Debug, Default, Clone)]
pub struct ServiceFilter {
    pub provider_id: Option<ProviderId>,
    pub service_type: Option<ServiceTypeCode>,
    pub municipality: Option<MunicipalityCode>,
    pub region: Option<RegionCode>,
    pub target_group: Option<TargetGroupCode>,
    pub status: Option<ServiceStatus>,
    pub sector: Option<Sector>,
    pub has_vacancies: Option<bool>,
    /// Words that must each start a word of the service's names or descriptions.
    pub q: Option<String>,
    /// Hide services whose provider is not active (the public directory).
    pub only_active_providers: bool,
    /// Changed after this instant.
    pub modified_after: Option<NaiveDateTime>,
}

fn filtered(filter: &ServiceFilter) -> services::BoxedQuery<'static, MultiBackend> {
    let mut query = services::table.into_boxed::<MultiBackend>();
    if let Some(id) = filter.provider_id {
        query = query.filter(services::provider_id.eq(id));
    }
    if let Some(t) = &filter.service_type {
        query = query.filter(services::service_type.eq(t.clone()));
    }
    if let Some(m) = &filter.municipality {
        query = query.filter(services::municipality.eq(m.clone()));
    }
    if let Some(region) = &filter.region {
        query = query.filter(
            services::municipality.eq_any(
                municipalities::table
                    .filter(municipalities::planning_region.eq(region.clone()))
                    .select(municipalities::code),
            ),
        );
    }
    if let Some(group) = &filter.target_group {
        query = query.filter(
            services::id.eq_any(
                service_target_groups::table
                    .filter(service_target_groups::target_group.eq(group.clone()))
                    .select(service_target_groups::service_id),
            ),
        );
    }
    if let Some(t) = filter.modified_after {
        query = query.filter(services::updated_at.gt(t));
    }
    if let Some(s) = &filter.status {
        query = query.filter(services::status.eq(*s));
    }
    // A service of a provider that is not active does not run (INV-P01).
    if filter.only_active_providers || filter.status == Some(ServiceStatus::Active) {
        query = query.filter(
            services::provider_id.eq_any(
                providers::table
                    .filter(providers::status.eq(ProviderStatus::Active))
                    .select(providers::id),
            ),
        );
    }
    if let Some(sector) = &filter.sector {
        query = query.filter(
            services::provider_id.eq_any(
                providers::table
                    .filter(providers::sector.eq(*sector))
                    .select(providers::id),
            ),
        );
    }
    if let Some(wanted) = filter.has_vacancies {
        let vacancies = vacancies_on_sql(crate::domain::today());
        let op = if wanted { ">" } else { "<=" };
        query = query.filter(sql::<Bool>(&format!("{vacancies} {op} 0")));
    }
    if let Some(q) = &filter.q {
        for word in crate::domain::registry::normalise_words(q) {
            let (from, to) = prefix_range(&word);
            query = query.filter(
                services::id.eq_any(
                    service_search_terms::table
                        .filter(service_search_terms::term.ge(from))
                        .filter(service_search_terms::term.lt(to))
                        .select(service_search_terms::service_id),
                ),
            );
        }
    }
    query
}

#[derive(Debug, Clone, Copy)]
pub enum ServiceSort {
    Name,
    Capacity,
    Vacancies,
    CreatedAt,
}

/// Up to `limit` services matching `filter` with an id above `after`, in id order (a
/// streamed list's batch).
pub fn after(
    conn: &mut DbConnection,
    filter: &ServiceFilter,
    after: ServiceId,
    limit: i64,
) -> QueryResult<Vec<ServiceEntry>> {
    let rows = filtered(filter)
        .filter(services::id.gt(after))
        .order(services::id)
        .limit(limit)
        .select(ServiceRow::as_select())
        .load(conn)?;
    entries(conn, rows)
}

pub fn list(
    conn: &mut DbConnection,
    filter: &ServiceFilter,
    sort: ServiceSort,
    descending: bool,
    limit: i64,
    offset: i64,
) -> QueryResult<Listed<ServiceEntry>> {
    let total = filtered(filter).count().get_result(conn)?;
    let query = filtered(filter).select(ServiceRow::as_select());
    let vacancies = sql::<BigInt>(&vacancies_on_sql(crate::domain::today()));
    let query = match (sort, descending) {
        (ServiceSort::Name, false) => query.order((services::name.asc(), services::id.asc())),
        (ServiceSort::Name, true) => query.order((services::name.desc(), services::id.desc())),
        (ServiceSort::Capacity, false) => {
            query.order((services::capacity.asc(), services::id.asc()))
        }
        (ServiceSort::Capacity, true) => {
            query.order((services::capacity.desc(), services::id.desc()))
        }
        (ServiceSort::Vacancies, false) => {
            query.order((vacancies.clone().asc(), services::id.asc()))
        }
        (ServiceSort::Vacancies, true) => query.order((vacancies.desc(), services::id.desc())),
        (ServiceSort::CreatedAt, false) => query.order(services::id.asc()),
        (ServiceSort::CreatedAt, true) => query.order(services::id.desc()),
    };
    let rows = query.limit(limit).offset(offset).load(conn)?;
    Ok(Listed {
        rows: entries(conn, rows)?,
        total,
    })
}
