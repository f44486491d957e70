//! Aggregate queries: counts grouped in the database at municipality granularity; the API
//! rolls them up to the requested dimensions and applies disclosure control.

use chrono::NaiveDate;
use diesel::dsl::{count_star, exists, min, sum};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::dated::{holds_on, lit};
use super::schema::{
    assessment_runs, assessments, client_runs, clients, mentor_assignments, mentor_load_runs,
    mentors, municipalities, placements, provider_status_periods, providers, service_periods,
    service_runs, service_target_groups, staff,
};
use super::{DbConnection, MultiBackend, QueryResult};
use crate::domain::assessment::CareLevel;
use crate::domain::client::{DiStatus, TargetGroup};
use crate::domain::codes::{MunicipalityCode, RegionCode, ServiceTypeCode, TargetGroupCode};
use crate::domain::history::{RegisterStatus, register_status};
use crate::domain::ids::{ProviderId, ServiceId};
use crate::domain::mentor::EmployerKind;
use crate::domain::registry::{ProviderStatus, Sector, ServiceStatus};
use crate::holds_on;

// The counts on a day read the runs of `db::derived` that hold that day: one row per
// service, client or mentor, with the standing, owner, status, assessment or load of that
// day already in it.

/// The record's data version (migration 000028): the sum of what every statement that changed
/// a table of the record added, in the transactions committed before the query began.
pub fn data_version(conn: &mut DbConnection) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = BigInt)]
        version: i64,
    }
    let row: Version = diesel::sql_query(
        "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) AS version FROM record_data_version",
    )
    .get_result(conn)?;
    Ok(row.version)
}

/// Folds the data version's rows of PostgreSQL backends that have ended into row `0`, in one
/// statement, so the table keeps a row per live backend instead of one per backend ever
/// started; the sum, the version itself, does not change (a backend that starts meanwhile
/// under a reused pid adds to a row of its own, or waits for the fold's commit). Returns how
/// many rows were folded. SQLite keeps one row anyway.
pub fn fold_data_version(conn: &mut DbConnection) -> QueryResult<usize> {
    #[derive(QueryableByName)]
    struct Folded {
        #[diesel(sql_type = BigInt)]
        folded: i64,
    }
    match conn {
        DbConnection::Postgres(conn) => {
            let row: Folded = diesel::sql_query(
                "WITH gone AS (DELETE FROM record_data_version \
                   WHERE backend <> 0 AND backend NOT IN (SELECT pid FROM pg_stat_activity) \
                   RETURNING version), \
                 kept AS (INSERT INTO record_data_version (backend, version) \
                   SELECT 0, COALESCE(SUM(version), 0) FROM gone \
                   ON CONFLICT (backend) \
                   DO UPDATE SET version = record_data_version.version + EXCLUDED.version) \
                 SELECT COUNT(*) AS folded FROM gone",
            )
            .get_result(conn)?;
            Ok(usize::try_from(row.folded).unwrap_or(0))
        }
        DbConnection::Sqlite(_) => Ok(0),
    }
}

/// The record's first day (see `domain::history::first_day`): the earliest dated fact;
/// `None` for an empty record.
pub fn first_day(conn: &mut DbConnection) -> QueryResult<Option<NaiveDate>> {
    type Day = Option<NaiveDate>;
    type Time = Option<chrono::NaiveDateTime>;
    // One statement, one round trip: each earliest date is a scalar subquery.
    let (providers, services, clients, mentors, placements, assignments, assessments, staff): (
        Day,
        Day,
        Time,
        Time,
        Day,
        Day,
        Day,
        Day,
    ) = diesel::select((
        providers::table
            .select(min(providers::registered_on))
            .single_value(),
        service_periods::table
            .select(min(service_periods::starts_on))
            .single_value(),
        clients::table
            .select(min(clients::created_at))
            .single_value(),
        mentors::table
            .select(min(mentors::created_at))
            .single_value(),
        placements::table
            .select(min(placements::started_on))
            .single_value(),
        mentor_assignments::table
            .select(min(mentor_assignments::started_on))
            .single_value(),
        assessments::table
            .select(min(assessments::assessed_on))
            .single_value(),
        staff::table
            .select(min(staff::employed_from))
            .single_value(),
    ))
    .get_result(conn)?;
    let facts = [
        providers,
        services,
        clients.map(|t| t.date()),
        mentors.map(|t| t.date()),
        placements,
        assignments,
        assessments,
        staff,
    ];
    Ok(crate::domain::history::first_day(
        facts,
        crate::domain::today(),
    ))
}

/// The codes of `region`'s municipalities.
fn municipalities_of(
    conn: &mut DbConnection,
    region: &RegionCode,
) -> QueryResult<Vec<MunicipalityCode>> {
    municipalities::table
        .filter(municipalities::planning_region.eq(region.clone()))
        .select(municipalities::code)
        .load(conn)
}

/// One service as the registry statistics need it, on a day.
#[derive(Debug, Clone)]
pub struct ServiceFact {
    pub id: ServiceId,
    pub provider_id: ProviderId,
    pub sector: Sector,
    pub municipality: String,
    pub service_type: ServiceTypeCode,
    /// How it stands in the register that day.
    pub status: RegisterStatus,
    /// The capacity valid that day.
    pub capacity: i32,
    /// Placements active that day.
    pub occupied: i64,
}

/// The services in the register on `day`: those whose own period that day is planned or
/// active, of a provider whose status period that day is not an exclusion, with the
/// capacity valid that day and the placements active that day: the service runs holding
/// that day (`db::derived`; `register_status` says how each stands: a service of a
/// suspended provider does not run). `region`, when given, keeps its municipalities'
/// services only.
pub fn service_facts(
    conn: &mut DbConnection,
    day: NaiveDate,
    region: Option<&RegionCode>,
) -> QueryResult<Vec<ServiceFact>> {
    let mut query = service_runs::table
        .filter(holds_on!(service_runs, day))
        .filter(service_runs::status.ne(ServiceStatus::Closed))
        .filter(service_runs::provider_status.ne(ProviderStatus::Excluded))
        .into_boxed::<MultiBackend>();
    if let Some(region) = region {
        query = query.filter(service_runs::municipality.eq_any(municipalities_of(conn, region)?));
    }
    let rows: Vec<ServiceOnDay> = query
        .select((
            service_runs::service_id,
            service_runs::provider_id,
            service_runs::sector,
            service_runs::municipality,
            service_runs::service_type,
            service_runs::status,
            service_runs::provider_status,
            service_runs::capacity,
            service_runs::occupied,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(
                id,
                provider_id,
                sector,
                municipality,
                service_type,
                status,
                provider,
                capacity,
                occupied,
            )| {
                Some(ServiceFact {
                    status: register_status(status, provider)?,
                    id,
                    provider_id,
                    sector,
                    municipality,
                    service_type,
                    capacity,
                    occupied: i64::from(occupied),
                })
            },
        )
        .collect())
}

type ServiceOnDay = (
    ServiceId,
    ProviderId,
    Sector,
    String,
    ServiceTypeCode,
    ServiceStatus,
    ProviderStatus,
    i32,
    i32,
);

/// A target group a service serves.
#[derive(Debug, Clone, Queryable)]
pub struct ServiceGroup {
    pub service_id: ServiceId,
    pub target_group: TargetGroupCode,
}

/// The target groups of every service (as they are now: they have no history).
pub fn service_groups(conn: &mut DbConnection) -> QueryResult<Vec<ServiceGroup>> {
    service_target_groups::table
        .select((
            service_target_groups::service_id,
            service_target_groups::target_group,
        ))
        .load(conn)
}

/// A group's count of rows and the sum of their record keys (`NULL` only for no rows).
type Counted = (i64, Option<i64>);

/// A person count at municipality × target group × one more dimension (`value`, empty
/// for a statistic without one).
#[derive(Debug, Clone, QueryableByName)]
pub struct CountFact {
    #[diesel(sql_type = Text)]
    pub municipality: String,
    #[diesel(sql_type = Text)]
    pub target_group: String,
    #[diesel(sql_type = Text)]
    pub value: String,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
    /// The sum of the counted records' keys (`domain::disclosure`).
    #[diesel(sql_type = BigInt)]
    pub key_sum: i64,
}

impl CountFact {
    pub(crate) fn new(
        municipality: &MunicipalityCode,
        target_group: TargetGroup,
        value: &str,
        (count, key_sum): Counted,
    ) -> Self {
        Self {
            municipality: municipality.as_str().to_string(),
            target_group: target_group.as_str().to_string(),
            value: value.to_string(),
            count,
            key_sum: key_sum.unwrap_or_default(),
        }
    }
}

/// Clients in the record on `day` by the municipality that owned their case that day,
/// target group and DI status that day: the client runs (`db::derived`) holding that day. A
/// client is in the record from their registration, and before it on the days a
/// (back-dated) placement of theirs is active. `region`, when given, keeps its
/// municipalities' clients only.
pub fn clients_by_status(
    conn: &mut DbConnection,
    day: NaiveDate,
    region: Option<&RegionCode>,
) -> QueryResult<Vec<CountFact>> {
    let mut query = client_runs::table
        .filter(holds_on!(client_runs, day))
        .group_by((
            client_runs::municipality,
            client_runs::target_group,
            client_runs::di_status,
        ))
        .select((
            client_runs::municipality,
            client_runs::target_group,
            client_runs::di_status,
            (count_star(), sum(client_runs::record_key)),
        ))
        .into_boxed::<MultiBackend>();
    if let Some(region) = region {
        query = query.filter(client_runs::municipality.eq_any(municipalities_of(conn, region)?));
    }
    let rows: Vec<(MunicipalityCode, TargetGroup, DiStatus, Counted)> = query.load(conn)?;
    Ok(rows
        .iter()
        .map(|(m, g, status, n)| CountFact::new(m, *g, status.as_str(), *n))
        .collect())
}

/// DI transitions dated in `[from, to]`, by the municipality that owned the client's case
/// on the day of the transition, and target group (from the client's run holding that day:
/// a transition is a placement's start, so the client is in the record then).
pub fn transitions(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<CountFact>> {
    // Raw SQL with the dates as literals: as a bound statement PostgreSQL joins the
    // transitions to the runs by a nested loop (measured 26 ms against 21 ms).
    diesel::sql_query(format!(
        "SELECT r.municipality, r.target_group, '' AS value, COUNT(*) AS count, \
         COALESCE(SUM(d.record_key), 0) AS key_sum \
         FROM di_transitions d JOIN client_runs r ON r.client_id = d.client_id \
         AND r.starts_on <= d.transitioned_on \
         AND (r.ends_on IS NULL OR r.ends_on > d.transitioned_on) \
         WHERE d.transitioned_on >= {from} AND d.transitioned_on <= {to} \
         GROUP BY r.municipality, r.target_group",
        from = lit(from),
        to = lit(to),
    ))
    .load(conn)
}

/// Clients in the community on `day` (a community placement active that day and no
/// institutional one) by whether a mentor assignment of theirs is active that day (`with` /
/// `without`), by owner that day and target group.
pub fn mentor_coverage(conn: &mut DbConnection, day: NaiveDate) -> QueryResult<Vec<CountFact>> {
    let mentored = "CASE WHEN m.client_id IS NULL THEN 'without' ELSE 'with' END";
    diesel::sql_query(format!(
        "WITH mentored AS (SELECT DISTINCT a.client_id FROM mentor_assignments a \
         WHERE {assigned}) \
         SELECT r.municipality, r.target_group, {mentored} AS value, COUNT(*) AS count, \
         COALESCE(SUM(r.record_key), 0) AS key_sum \
         FROM client_runs r LEFT JOIN mentored m ON m.client_id = r.client_id \
         WHERE {on} AND r.di_status = '{community}' \
         GROUP BY r.municipality, r.target_group, {mentored}",
        assigned = holds_on("a", "started_on", "ended_on", day),
        on = holds_on("r", "starts_on", "ends_on", day),
        community = DiStatus::InCommunity.as_str(),
    ))
    .load(conn)
}

/// A number of mentors of one region and employer with the same load.
#[derive(Debug, Clone)]
pub struct LoadFact {
    pub region: RegionCode,
    pub employer_kind: EmployerKind,
    pub employer_code: String,
    /// Assignments active on the day.
    pub load: i64,
    pub mentors: i64,
    /// The sum of the mentors' record keys (`domain::disclosure`).
    pub key_sum: i64,
}

/// Mentors in the record on `day` (registered by then, or with an assignment active that
/// day) by region, employer and load: their assignments active that day (the load run
/// holding that day, `db::derived`).
pub fn mentor_load(conn: &mut DbConnection, day: NaiveDate) -> QueryResult<Vec<LoadFact>> {
    let rows: Vec<(RegionCode, EmployerKind, String, i32, Counted)> = mentor_load_runs::table
        .filter(holds_on!(mentor_load_runs, day))
        .group_by((
            mentor_load_runs::region,
            mentor_load_runs::employer_kind,
            mentor_load_runs::employer_code,
            mentor_load_runs::load,
        ))
        .select((
            mentor_load_runs::region,
            mentor_load_runs::employer_kind,
            mentor_load_runs::employer_code,
            mentor_load_runs::load,
            (count_star(), sum(mentor_load_runs::record_key)),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(region, employer_kind, employer_code, load, (mentors, key_sum))| LoadFact {
                region,
                employer_kind,
                employer_code,
                load: i64::from(load),
                mentors,
                key_sum: key_sum.unwrap_or_default(),
            },
        )
        .collect())
}

/// Clients whose assessment current on `day` was due for reassessment before it (INV-A01),
/// by owner that day and target group (the assessment runs holding that day,
/// `db::derived`).
pub fn overdue(conn: &mut DbConnection, day: NaiveDate) -> QueryResult<Vec<CountFact>> {
    let rows: Vec<(MunicipalityCode, TargetGroup, Counted)> = assessment_runs::table
        .filter(holds_on!(assessment_runs, day))
        .filter(assessment_runs::next_reassessment_due.lt(day))
        .group_by((assessment_runs::municipality, assessment_runs::target_group))
        .select((
            assessment_runs::municipality,
            assessment_runs::target_group,
            (count_star(), sum(assessment_runs::record_key)),
        ))
        .load(conn)?;
    Ok(rows
        .iter()
        .map(|(m, g, n)| CountFact::new(m, *g, "", *n))
        .collect())
}

/// Care levels of the assessments current on `day`, by owner that day and target group.
pub fn care_levels(conn: &mut DbConnection, day: NaiveDate) -> QueryResult<Vec<CountFact>> {
    let rows: Vec<(MunicipalityCode, TargetGroup, CareLevel, Counted)> = assessment_runs::table
        .filter(holds_on!(assessment_runs, day))
        .group_by((
            assessment_runs::municipality,
            assessment_runs::target_group,
            assessment_runs::care_level,
        ))
        .select((
            assessment_runs::municipality,
            assessment_runs::target_group,
            assessment_runs::care_level,
            (count_star(), sum(assessment_runs::record_key)),
        ))
        .load(conn)?;
    Ok(rows
        .iter()
        .map(|(m, g, level, n)| CountFact::new(m, *g, level.as_str(), *n))
        .collect())
}

/// Places in waiting lists open on a day, by municipality, target group, service type and
/// the day added: `count` entries whose clients' keys sum to `key_sum`.
#[derive(Debug, Clone, QueryableByName)]
pub struct WaitingFact {
    #[diesel(sql_type = Text)]
    pub municipality: String,
    #[diesel(sql_type = Text)]
    pub target_group: String,
    #[diesel(sql_type = Text)]
    pub service_type: String,
    #[diesel(sql_type = diesel::sql_types::Date)]
    pub added_on: NaiveDate,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
    #[diesel(sql_type = BigInt)]
    pub key_sum: i64,
}

/// The waiting-list entries open on `day` (added on or before it, not closed by then).
pub fn waiting(conn: &mut DbConnection, day: NaiveDate) -> QueryResult<Vec<WaitingFact>> {
    diesel::sql_query(format!(
        "SELECT w.municipality, c.target_group, w.service_type, w.added_on, \
         COUNT(*) AS count, COALESCE(SUM(c.record_key), 0) AS key_sum \
         FROM waiting_list_entries w JOIN clients c ON c.id = w.client_id \
         WHERE {} \
         GROUP BY w.municipality, c.target_group, w.service_type, w.added_on",
        holds_on("w", "added_on", "closed_on", day)
    ))
    .load(conn)
}

/// Providers of the region in the register on `day`: their status period that day is not
/// an exclusion (a suspended provider is still registered).
pub fn providers_in_region(
    conn: &mut DbConnection,
    region: &str,
    day: NaiveDate,
) -> QueryResult<i64> {
    providers::table
        .filter(
            providers::municipality.eq_any(
                municipalities::table
                    .filter(municipalities::planning_region.eq(region.to_string()))
                    .select(municipalities::code),
            ),
        )
        .filter(exists(
            provider_status_periods::table
                .filter(provider_status_periods::provider_id.eq(providers::id))
                .filter(holds_on!(provider_status_periods, day))
                .filter(provider_status_periods::status.ne(ProviderStatus::Excluded)),
        ))
        .count()
        .get_result(conn)
}
