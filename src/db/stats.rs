//! Aggregate queries: counts grouped in the database at municipality granularity; the API
//! rolls them up to the requested dimensions and applies disclosure control.

use chrono::NaiveDate;
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};

use super::schema::{
    assessments, clients, di_transitions, indicators, mentor_assignments, municipalities,
    providers, service_target_groups, services,
};
use super::{DbConnection, MultiBackend, QueryResult};
use crate::domain::client::DiStatus;
use crate::domain::codes::{ServiceTypeCode, TargetGroupCode};
use crate::domain::ids::{ProviderId, ServiceId};
use crate::domain::mentor::EmployerKind;
use crate::domain::registry::{Sector, ServiceStatus};

/// One service as the registry statistics need it.
#[derive(Debug, Clone, Queryable)]
pub struct ServiceFact {
    pub id: ServiceId,
    pub provider_id: ProviderId,
    pub sector: Sector,
    pub municipality: String,
    pub service_type: ServiceTypeCode,
    pub status: ServiceStatus,
    pub capacity: i32,
    pub occupied: i64,
}

/// Services that exist on `as_of` (created on or before it, not closed before it) of
/// providers registered by then and not excluded before it.
pub fn service_facts(conn: &mut DbConnection, as_of: NaiveDate) -> QueryResult<Vec<ServiceFact>> {
    let end_of_day = as_of
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    services::table
        .inner_join(providers::table)
        .filter(services::created_at.lt(end_of_day))
        .filter(
            services::closed_on
                .is_null()
                .or(services::closed_on.gt(as_of)),
        )
        .filter(providers::registered_on.le(as_of))
        .filter(
            providers::excluded_on
                .is_null()
                .or(providers::excluded_on.gt(as_of)),
        )
        .select((
            services::id,
            services::provider_id,
            providers::sector,
            services::municipality,
            services::service_type,
            services::status,
            services::capacity,
            sql::<BigInt>(&super::services::occupied_on_sql(as_of)),
        ))
        .load(conn)
}

/// A target group a service serves.
#[derive(Debug, Clone, Queryable)]
pub struct ServiceGroup {
    pub service_id: ServiceId,
    pub target_group: TargetGroupCode,
}

/// The target groups of every service.
pub fn service_groups(conn: &mut DbConnection) -> QueryResult<Vec<ServiceGroup>> {
    service_target_groups::table
        .select((
            service_target_groups::service_id,
            service_target_groups::target_group,
        ))
        .load(conn)
}

/// A person count at municipality × target group × one more dimension (`value`, empty
/// for a statistic without one).
#[derive(Debug, Clone, Queryable, QueryableByName)]
pub struct CountFact {
    #[diesel(sql_type = Text)]
    pub municipality: String,
    #[diesel(sql_type = Text)]
    pub target_group: String,
    #[diesel(sql_type = Text)]
    pub value: String,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

impl CountFact {
    /// The facts of a count kept at municipality × target group only, with `value`.
    fn with(rows: Vec<(String, String, i64)>, value: &str) -> impl Iterator<Item = CountFact> {
        rows.into_iter()
            .map(move |(municipality, target_group, count)| CountFact {
                municipality,
                target_group,
                value: value.to_string(),
                count,
            })
    }
}

/// Clients by municipality, target group and DI status (derived from the placements).
pub fn clients_by_status(conn: &mut DbConnection) -> QueryResult<Vec<CountFact>> {
    let status = super::clients::di_status_sql(crate::domain::today());
    diesel::sql_query(format!(
        "SELECT municipality, target_group, {status} AS value, COUNT(*) AS count \
         FROM clients GROUP BY municipality, target_group, {status}"
    ))
    .load(conn)
}

/// DI transitions in `[from, to]` by the client's municipality and target group.
pub fn transitions(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<CountFact>> {
    let rows: Vec<(String, String, i64)> = di_transitions::table
        .inner_join(clients::table)
        .filter(di_transitions::transitioned_on.ge(from))
        .filter(di_transitions::transitioned_on.le(to))
        .group_by((clients::municipality, clients::target_group))
        .select((clients::municipality, clients::target_group, count_star()))
        .load(conn)?;
    Ok(CountFact::with(rows, "").collect())
}

/// Clients in the community by whether they have an active mentor (`with` / `without`).
pub fn mentor_coverage(conn: &mut DbConnection) -> QueryResult<Vec<CountFact>> {
    let today = crate::domain::today();
    let in_community = format!(
        "{} = '{}'",
        super::clients::di_status_sql(today),
        DiStatus::InCommunity.as_str()
    );
    let base = || {
        clients::table
            .filter(sql::<Bool>(&in_community))
            .group_by((clients::municipality, clients::target_group))
            .select((clients::municipality, clients::target_group, count_star()))
    };
    let mentored = || super::mentors::active_on(today).select(mentor_assignments::client_id);
    let with: Vec<(String, String, i64)> =
        base().filter(clients::id.eq_any(mentored())).load(conn)?;
    let without: Vec<(String, String, i64)> = base()
        .filter(diesel::dsl::not(clients::id.eq_any(mentored())))
        .load(conn)?;
    Ok(CountFact::with(with, "with")
        .chain(CountFact::with(without, "without"))
        .collect())
}

/// A number of mentors of one region and employer with the same load.
#[derive(Debug, Clone, QueryableByName)]
pub struct LoadFact {
    #[diesel(sql_type = Text)]
    pub region: String,
    #[diesel(sql_type = Text)]
    pub employer_kind: EmployerKind,
    #[diesel(sql_type = Text)]
    pub employer_code: String,
    /// Active assignments.
    #[diesel(sql_type = BigInt)]
    pub load: i64,
    #[diesel(sql_type = BigInt)]
    pub mentors: i64,
}

/// Mentors by region, employer and load (assignments active today).
pub fn mentor_load(conn: &mut DbConnection) -> QueryResult<Vec<LoadFact>> {
    let today = crate::domain::today();
    let load = format!(
        "(SELECT COUNT(*) FROM mentor_assignments a WHERE a.mentor_id = mentors.id \
         AND a.started_on <= '{today}' AND (a.ended_on IS NULL OR a.ended_on > '{today}'))"
    );
    diesel::sql_query(format!(
        "SELECT region, employer_kind, employer_code, {load} AS load, COUNT(*) AS mentors \
         FROM mentors GROUP BY region, employer_kind, employer_code, {load}"
    ))
    .load(conn)
}

/// Clients whose current assessment was due before `as_of`.
pub fn overdue(conn: &mut DbConnection, as_of: NaiveDate) -> QueryResult<Vec<CountFact>> {
    let rows: Vec<(String, String, i64)> = assessments::table
        .inner_join(clients::table)
        .filter(assessments::superseded_by_id.is_null())
        .filter(assessments::next_reassessment_due.lt(as_of))
        .group_by((clients::municipality, clients::target_group))
        .select((clients::municipality, clients::target_group, count_star()))
        .load(conn)?;
    Ok(CountFact::with(rows, "").collect())
}

diesel::allow_columns_to_appear_in_same_group_by_clause!(
    clients::municipality,
    clients::target_group,
    assessments::care_level,
);

/// Care levels of the current assessments.
pub fn care_levels(conn: &mut DbConnection) -> QueryResult<Vec<CountFact>> {
    assessments::table
        .inner_join(clients::table)
        .filter(assessments::superseded_by_id.is_null())
        .group_by((
            clients::municipality,
            clients::target_group,
            assessments::care_level,
        ))
        .select((
            clients::municipality,
            clients::target_group,
            assessments::care_level,
            count_star(),
        ))
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = indicators, check_for_backend(MultiBackend))]
pub struct IndicatorRow {
    pub code: String,
    pub region: String,
    pub position: i32,
    pub name_lv: String,
    pub name_en: String,
    pub unit: String,
    pub baseline: Option<i32>,
    pub baseline_date: NaiveDate,
    pub target: Option<i32>,
    pub target_year: i32,
    pub data_source: String,
    pub measure: String,
    pub service_types: Option<String>,
    pub source_lines: String,
}

pub fn indicators(conn: &mut DbConnection, region: &str) -> QueryResult<Vec<IndicatorRow>> {
    indicators::table
        .filter(indicators::region.eq(region))
        .order(indicators::position)
        .select(IndicatorRow::as_select())
        .load(conn)
}

/// Providers of the region registered by `as_of` and not excluded before it.
pub fn providers_in_region(
    conn: &mut DbConnection,
    region: &str,
    as_of: NaiveDate,
) -> QueryResult<i64> {
    providers::table
        .filter(
            providers::municipality.eq_any(
                municipalities::table
                    .filter(municipalities::planning_region.eq(region.to_string()))
                    .select(municipalities::code),
            ),
        )
        .filter(providers::registered_on.le(as_of))
        .filter(
            providers::excluded_on
                .is_null()
                .or(providers::excluded_on.gt(as_of)),
        )
        .count()
        .get_result(conn)
}
