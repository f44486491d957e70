//! The services delivered to clients per month, each correction a new version.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    assessment_runs, client_runs, clients, service_deliveries, service_types, services,
};
use super::{DbConnection, MultiBackend, QueryResult};
use crate::domain::access::Role;
use crate::domain::assessment::CareLevel;
use crate::domain::client::TargetGroup;
use crate::domain::codes::{MunicipalityCode, ServiceTypeCode};
use crate::domain::ids::{ClientId, ProviderId, ServiceDeliveryId, ServiceId};
use crate::domain::interval::Interval;
use crate::domain::registry::PriceUnit;
use crate::domain::subsidy::MonthDays;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = service_deliveries, check_for_backend(MultiBackend))]
pub struct DeliveryRow {
    pub id: ServiceDeliveryId,
    pub client_id: ClientId,
    pub service_id: ServiceId,
    pub month: NaiveDate,
    pub version: i32,
    pub days: MonthDays,
    pub unit: PriceUnit,
    pub quantity_hundredths: i64,
    pub recorded_by: String,
    pub recorded_role: Role,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = service_deliveries)]
pub struct NewDelivery {
    pub client_id: ClientId,
    pub service_id: ServiceId,
    pub month: NaiveDate,
    pub version: i32,
    pub days: MonthDays,
    pub unit: PriceUnit,
    pub quantity_hundredths: i64,
    pub recorded_by: String,
    pub recorded_role: Role,
    pub created_at: NaiveDateTime,
}

/// What a delivery is recorded against: the service's provider, and the unit its type is
/// billed in (the service type's `default_price_unit`; person-days when it has none).
#[derive(Debug, Clone)]
pub struct DeliveredService {
    pub provider_id: ProviderId,
    pub unit: PriceUnit,
}

pub fn delivered_service(
    conn: &mut DbConnection,
    service_id: ServiceId,
) -> QueryResult<DeliveredService> {
    let (provider_id, unit) = services::table
        .inner_join(service_types::table)
        .filter(services::id.eq(service_id))
        .select((services::provider_id, service_types::default_price_unit))
        .first::<(ProviderId, Option<PriceUnit>)>(conn)?;
    Ok(DeliveredService {
        provider_id,
        unit: unit.unwrap_or(PriceUnit::PersonDay),
    })
}

/// The latest version recorded for the client, service and month, if any.
pub fn latest_version(
    conn: &mut DbConnection,
    client_id: ClientId,
    service_id: ServiceId,
    month: NaiveDate,
) -> QueryResult<Option<i32>> {
    service_deliveries::table
        .filter(service_deliveries::client_id.eq(client_id))
        .filter(service_deliveries::service_id.eq(service_id))
        .filter(service_deliveries::month.eq(month))
        .select(diesel::dsl::max(service_deliveries::version))
        .first(conn)
}

/// Records a delivery, and rewrites the client's claim months (`db::claim_months`).
pub fn insert(conn: &mut DbConnection, new: &NewDelivery) -> QueryResult<DeliveryRow> {
    let row: DeliveryRow = diesel::insert_into(service_deliveries::table)
        .values(new)
        .returning(<DeliveryRow as Selectable<MultiBackend>>::construct_selection())
        .get_result(conn)?;
    super::claim_months::sync_client(conn, row.client_id)?;
    Ok(row)
}

/// Which of a client's deliveries a list holds.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub month: Option<NaiveDate>,
    /// Only the services of this provider (a provider's staff see their own).
    pub provider: Option<ProviderId>,
    /// Every version, not only the latest of each service and month.
    pub all_versions: bool,
}

/// The client's deliveries, newest month first, then by service and version.
pub fn list(
    conn: &mut DbConnection,
    client_id: ClientId,
    filter: &DeliveryFilter,
) -> QueryResult<Vec<DeliveryRow>> {
    let mut q = service_deliveries::table
        .inner_join(services::table)
        .filter(service_deliveries::client_id.eq(client_id))
        .into_boxed::<MultiBackend>();
    if let Some(month) = filter.month {
        q = q.filter(service_deliveries::month.eq(month));
    }
    if let Some(provider) = filter.provider {
        q = q.filter(services::provider_id.eq(provider));
    }
    let rows: Vec<DeliveryRow> = q
        .order((
            service_deliveries::month.desc(),
            service_deliveries::service_id,
            service_deliveries::version.desc(),
        ))
        .select(DeliveryRow::as_select())
        .load(conn)?;
    Ok(if filter.all_versions {
        rows
    } else {
        latest_versions(rows, |r| (r.service_id, r.month), |r| r.version)
    })
}

/// Of the versions in `rows`, the latest of each client, service and month (`key`), where
/// the first version of it stood.
pub fn latest_versions<T, K: Hash + Eq>(
    rows: Vec<T>,
    key: impl Fn(&T) -> K,
    version: impl Fn(&T) -> i32,
) -> Vec<T> {
    let mut at: HashMap<K, usize> = HashMap::new();
    let mut kept: Vec<T> = Vec::with_capacity(rows.len());
    for row in rows {
        match at.entry(key(&row)) {
            Entry::Occupied(seen) => {
                let i = *seen.get();
                if version(&row) > version(&kept[i]) {
                    kept[i] = row;
                }
            }
            Entry::Vacant(new) => {
                new.insert(kept.len());
                kept.push(row);
            }
        }
    }
    kept
}

/// A delivery (its latest version) as the cost statistics price it.
#[derive(Debug, Clone, Queryable)]
pub struct CostFact {
    pub client_id: ClientId,
    pub service_id: ServiceId,
    pub month: NaiveDate,
    pub version: i32,
    pub record_key: i32,
    pub target_group: TargetGroup,
    pub service_type: ServiceTypeCode,
    pub unit: PriceUnit,
    pub quantity_hundredths: i64,
}

/// The latest version of every delivery of a month from `from`'s to `to`'s.
pub fn cost_facts(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<CostFact>> {
    let rows: Vec<CostFact> = service_deliveries::table
        .inner_join(services::table)
        .inner_join(clients::table)
        .filter(service_deliveries::month.between(from, to))
        .select((
            service_deliveries::client_id,
            service_deliveries::service_id,
            service_deliveries::month,
            service_deliveries::version,
            clients::record_key,
            clients::target_group,
            services::service_type,
            service_deliveries::unit,
            service_deliveries::quantity_hundredths,
        ))
        .load(conn)?;
    Ok(latest_versions(
        rows,
        |r| (r.client_id, r.service_id, r.month),
        |r| r.version,
    ))
}

/// Each client's runs of a value (its case owner, its care level) that overlap `from`–`to`.
pub type Runs<T> = HashMap<ClientId, Vec<(Interval, T)>>;

fn runs<T>(rows: Vec<(ClientId, NaiveDate, Option<NaiveDate>, T)>) -> Runs<T> {
    let mut runs: Runs<T> = HashMap::new();
    for (client, start, end, value) in rows {
        runs.entry(client)
            .or_default()
            .push((Interval { start, end }, value));
    }
    runs
}

/// The runs of `$table` (of clients: `client_runs`, `assessment_runs`) that overlap
/// `$from`–`$to`, each with its `$value`.
macro_rules! runs_between {
    ($conn:expr, $table:ident, $value:ident, $from:expr, $to:expr) => {
        $table::table
            .filter($table::starts_on.le($to))
            .filter(
                $table::ends_on
                    .is_null()
                    .or($table::ends_on.assume_not_null().gt($from)),
            )
            .select((
                $table::client_id,
                $table::starts_on,
                $table::ends_on,
                $table::$value,
            ))
            .load($conn)
            .map(runs)
    };
}

/// The case owners over `from`–`to`.
pub fn owners_between(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Runs<MunicipalityCode>> {
    runs_between!(conn, client_runs, municipality, from, to)
}

/// The care levels over `from`–`to`.
pub fn care_levels_between(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Runs<CareLevel>> {
    runs_between!(conn, assessment_runs, care_level, from, to)
}

/// The value of a client's run holding on `day`.
pub fn on<T>(runs: &Runs<T>, client: ClientId, day: NaiveDate) -> Option<&T> {
    runs.get(&client)?
        .iter()
        .find(|(interval, _)| interval.active_on(day))
        .map(|(_, value)| value)
}
