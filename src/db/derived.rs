//! Runs derived from the record: per client its case owner and DI status and its current
//! assessment, per service its standing (own status, capacity, provider status, occupancy),
//! per mentor their load, each as the maximal runs of days on which the value stays the
//! same (`domain::interval::maximal_runs`). A statistic or a view "on day D" then reads the
//! one run of each key that holds on D instead of counting the intervals again.
//!
//! They are never written on their own: every write they follow (a client registered,
//! changed, transferred or assessed; a waiting-list entry added or closed; a service
//! recorded or changed; a provider's status changed; a mentor registered or changed; a
//! placement or an assignment made or ended) rewrites the runs of its key in the same
//! transaction, holding the key's row lock (client before service, provider before its
//! services: the order every writer takes them in), so they cannot drift from the record.
//! [`rebuild`] computes all of them from the record at once (after the migration that adds
//! them, and after the demo data is loaded), the programme completions
//! (`db::completions`) and the claims' client months (`db::claim_months`) included.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::bulk::BulkInsert;
use super::schema::{
    assessment_runs, assessments, client_runs, client_transfers, clients, mentor_assignments,
    mentor_load_runs, mentors, placements, provider_status_periods, providers, service_periods,
    service_runs, services, waiting_list_entries,
};
use super::{DbConnection, MultiBackend, QueryResult};
use crate::domain::assessment::CareLevel;
use crate::domain::client::{DiStatus, TargetGroup, Transfer};
use crate::domain::codes::{MunicipalityCode, RegionCode, ServiceTypeCode};
use crate::domain::history::{Dated, ServiceDay, current_runs, service_runs as service_runs_of};
use crate::domain::ids::{AssessmentId, ClientId, MentorId, ProviderId, ServiceId};
use crate::domain::interval::Interval;
use crate::domain::mentor::{EmployerKind, load_runs};
use crate::domain::placement::{CaseDays, case_runs};
use crate::domain::registry::{ProviderStatus, Sector, ServiceStatus};

/// A stored interval's first day and the day after its last (none: open).
pub(super) type Dates = (NaiveDate, Option<NaiveDate>);

pub(super) fn interval((start, end): Dates) -> Interval {
    Interval { start, end }
}

/// What a client's runs are computed from.
#[derive(Default)]
struct Case {
    placements: Vec<(bool, Interval)>,
    waiting: Vec<Interval>,
    transfers: Vec<(NaiveDate, MunicipalityCode, MunicipalityCode)>,
    assessments: Vec<Dated>,
}

type DatedColumns = (
    assessments::id,
    assessments::assessed_on,
    assessments::care_level,
    assessments::next_reassessment_due,
);

const DATED: DatedColumns = (
    assessments::id,
    assessments::assessed_on,
    assessments::care_level,
    assessments::next_reassessment_due,
);

fn dated((id, assessed_on, care_level, next_reassessment_due): DatedRow) -> Dated {
    Dated {
        id,
        assessed_on,
        care_level,
        next_reassessment_due,
    }
}

type DatedRow = (AssessmentId, NaiveDate, CareLevel, NaiveDate);

/// The days a waiting-list entry is open.
const WAITING: (
    waiting_list_entries::added_on,
    waiting_list_entries::closed_on,
) = (
    waiting_list_entries::added_on,
    waiting_list_entries::closed_on,
);

/// A client's id, registration, case owner, target group and record key.
pub type ClientFacts = (ClientId, NaiveDateTime, MunicipalityCode, TargetGroup, i32);

/// One client run, as written.
struct ClientRun {
    interval: Interval,
    municipality: MunicipalityCode,
    di_status: DiStatus,
}

/// One run of a client's current assessment, as written.
struct AssessmentRun {
    interval: Interval,
    municipality: MunicipalityCode,
    assessment: Dated,
}

fn runs_of(
    (_, created_at, owner, _, _): &ClientFacts,
    case: &Case,
) -> (Vec<ClientRun>, Vec<AssessmentRun>) {
    let transfers: Vec<Transfer<'_>> = case
        .transfers
        .iter()
        .map(|(on, from, to)| Transfer { on: *on, from, to })
        .collect();
    let days = CaseDays {
        placements: &case.placements,
        waiting: &case.waiting,
    };
    let client = case_runs(created_at.date(), owner, days, &transfers)
        .into_iter()
        .map(|(interval, (municipality, di_status))| ClientRun {
            interval,
            municipality,
            di_status,
        })
        .collect();
    let assessed = current_runs(&case.assessments, owner, &transfers)
        .into_iter()
        .map(|(interval, (municipality, assessment))| AssessmentRun {
            interval,
            municipality,
            assessment,
        })
        .collect();
    (client, assessed)
}

/// The columns of [`ClientFacts`].
pub(super) const CLIENT_FACTS: (
    clients::id,
    clients::created_at,
    clients::municipality,
    clients::target_group,
    clients::record_key,
) = (
    clients::id,
    clients::created_at,
    clients::municipality,
    clients::target_group,
    clients::record_key,
);

/// Rewrites the client's runs from its registration, placements, waiting-list entries,
/// transfers and assessments.
pub fn sync_client(conn: &mut DbConnection, client_id: ClientId) -> QueryResult<()> {
    super::clients::lock(conn, client_id)?;
    let facts: ClientFacts = clients::table
        .select(CLIENT_FACTS)
        .filter(clients::id.eq(client_id))
        .first(conn)?;
    let case = Case {
        placements: placements::table
            .filter(placements::client_id.eq(client_id))
            .select((
                placements::institutional,
                (placements::started_on, placements::ended_on),
            ))
            .load::<(bool, Dates)>(conn)?
            .into_iter()
            .map(|(institutional, dates)| (institutional, interval(dates)))
            .collect(),
        waiting: waiting_list_entries::table
            .filter(waiting_list_entries::client_id.eq(client_id))
            .select(WAITING)
            .load::<Dates>(conn)?
            .into_iter()
            .map(interval)
            .collect(),
        transfers: client_transfers::table
            .filter(client_transfers::client_id.eq(client_id))
            .order(client_transfers::id)
            .select((
                client_transfers::transferred_on,
                client_transfers::from_municipality,
                client_transfers::to_municipality,
            ))
            .load(conn)?,
        assessments: assessments::table
            .filter(assessments::client_id.eq(client_id))
            .select(DATED)
            .load::<DatedRow>(conn)?
            .into_iter()
            .map(dated)
            .collect(),
    };
    diesel::delete(client_runs::table.filter(client_runs::client_id.eq(client_id)))
        .execute(conn)?;
    diesel::delete(assessment_runs::table.filter(assessment_runs::client_id.eq(client_id)))
        .execute(conn)?;
    insert_runs(conn, &facts, &case)?;
    super::claim_months::sync_client(conn, client_id)
}

/// Writes the client's runs computed from `facts` and `case` (none of its runs is stored).
fn insert_runs(conn: &mut DbConnection, facts: &ClientFacts, case: &Case) -> QueryResult<()> {
    let (client_id, target_group, record_key) = (facts.0, facts.3, facts.4);
    let (client, assessed) = runs_of(facts, case);
    for run in client {
        diesel::insert_into(client_runs::table)
            .values((
                client_runs::client_id.eq(client_id),
                client_runs::starts_on.eq(run.interval.start),
                client_runs::ends_on.eq(run.interval.end),
                client_runs::municipality.eq(run.municipality),
                client_runs::target_group.eq(target_group),
                client_runs::di_status.eq(run.di_status),
                client_runs::record_key.eq(record_key),
            ))
            .execute(conn)?;
    }
    for run in assessed {
        diesel::insert_into(assessment_runs::table)
            .values((
                assessment_runs::client_id.eq(client_id),
                assessment_runs::starts_on.eq(run.interval.start),
                assessment_runs::ends_on.eq(run.interval.end),
                assessment_runs::municipality.eq(run.municipality),
                assessment_runs::target_group.eq(target_group),
                assessment_runs::care_level.eq(run.assessment.care_level),
                assessment_runs::next_reassessment_due.eq(run.assessment.next_reassessment_due),
                assessment_runs::record_key.eq(record_key),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Writes the runs of a client just registered (`facts` as its insert returned them).
/// Nothing refers to it yet (a placement, waiting-list entry, transfer, assessment or
/// delivery names an existing client), so its runs follow from its registration alone and
/// it has no claim month: [`sync_client`]'s reads of its case would all come back empty.
pub fn insert_new_client(conn: &mut DbConnection, facts: &ClientFacts) -> QueryResult<()> {
    insert_runs(conn, facts, &Case::default())
}

/// What a service's runs are computed from.
#[derive(Default)]
struct ServiceHistory {
    periods: Vec<(Interval, ServiceStatus, i32)>,
    placements: Vec<Interval>,
}

type PeriodRow = (ServiceId, Dates, ServiceStatus, i32);
type StatusRow = (ProviderId, Dates, ProviderStatus);

fn period_rows() -> diesel::dsl::Select<
    service_periods::table,
    (
        service_periods::service_id,
        (service_periods::starts_on, service_periods::ends_on),
        service_periods::status,
        service_periods::capacity,
    ),
> {
    service_periods::table.select((
        service_periods::service_id,
        (service_periods::starts_on, service_periods::ends_on),
        service_periods::status,
        service_periods::capacity,
    ))
}

fn status_rows() -> diesel::dsl::Select<
    provider_status_periods::table,
    (
        provider_status_periods::provider_id,
        (
            provider_status_periods::starts_on,
            provider_status_periods::ends_on,
        ),
        provider_status_periods::status,
    ),
> {
    provider_status_periods::table.select((
        provider_status_periods::provider_id,
        (
            provider_status_periods::starts_on,
            provider_status_periods::ends_on,
        ),
        provider_status_periods::status,
    ))
}

/// A service as its runs are grouped: id, provider, the provider's sector, municipality,
/// type.
type ServiceFacts = (
    ServiceId,
    ProviderId,
    Sector,
    MunicipalityCode,
    ServiceTypeCode,
);

/// The services' facts (one service's, or all).
fn service_facts(
    conn: &mut DbConnection,
    service_id: Option<ServiceId>,
) -> QueryResult<Vec<ServiceFacts>> {
    let mut query = services::table
        .inner_join(providers::table)
        .select((
            services::id,
            services::provider_id,
            providers::sector,
            services::municipality,
            services::service_type,
        ))
        .into_boxed::<MultiBackend>();
    if let Some(id) = service_id {
        query = query.filter(services::id.eq(id));
    }
    query.load(conn)
}

fn service_rows(
    history: &ServiceHistory,
    provider: &[(Interval, ProviderStatus)],
) -> Vec<(Interval, ServiceDay)> {
    service_runs_of(&history.periods, provider, &history.placements)
}

/// Rewrites the service's runs from its periods, its provider's status periods and its
/// placements.
pub fn sync_service(conn: &mut DbConnection, service_id: ServiceId) -> QueryResult<()> {
    super::placements::lock_service(conn, service_id)?;
    let facts: ServiceFacts = service_facts(conn, Some(service_id))?
        .pop()
        .ok_or(diesel::result::Error::NotFound)?;
    let provider_id = facts.1;
    let history = ServiceHistory {
        periods: period_rows()
            .filter(service_periods::service_id.eq(service_id))
            .load::<PeriodRow>(conn)?
            .into_iter()
            .map(|(_, dates, status, capacity)| (interval(dates), status, capacity))
            .collect(),
        placements: placements::table
            .filter(placements::service_id.eq(service_id))
            .select((placements::started_on, placements::ended_on))
            .load::<Dates>(conn)?
            .into_iter()
            .map(interval)
            .collect(),
    };
    let provider: Vec<(Interval, ProviderStatus)> = status_rows()
        .filter(provider_status_periods::provider_id.eq(provider_id))
        .load::<StatusRow>(conn)?
        .into_iter()
        .map(|(_, dates, status)| (interval(dates), status))
        .collect();
    diesel::delete(service_runs::table.filter(service_runs::service_id.eq(service_id)))
        .execute(conn)?;
    let (_, provider_id, sector, municipality, service_type) = &facts;
    for (run, day) in service_rows(&history, &provider) {
        diesel::insert_into(service_runs::table)
            .values((
                service_runs::service_id.eq(service_id),
                service_runs::starts_on.eq(run.start),
                service_runs::ends_on.eq(run.end),
                service_runs::provider_id.eq(provider_id),
                service_runs::sector.eq(sector),
                service_runs::municipality.eq(municipality),
                service_runs::service_type.eq(service_type),
                service_runs::status.eq(day.status),
                service_runs::capacity.eq(day.capacity),
                service_runs::provider_status.eq(day.provider_status),
                service_runs::occupied.eq(count(day.occupied)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Rewrites the runs of every service of the provider (after a change of its status).
pub fn sync_provider(conn: &mut DbConnection, provider_id: ProviderId) -> QueryResult<()> {
    let ids: Vec<ServiceId> = services::table
        .filter(services::provider_id.eq(provider_id))
        .order(services::id)
        .select(services::id)
        .load(conn)?;
    ids.into_iter().try_for_each(|id| sync_service(conn, id))
}

/// A mentor's registration, region, employer and record key.
pub(super) type MentorFacts = (
    MentorId,
    NaiveDateTime,
    RegionCode,
    EmployerKind,
    String,
    i32,
);

pub(super) fn mentor_facts() -> diesel::dsl::Select<
    mentors::table,
    (
        mentors::id,
        mentors::created_at,
        mentors::region,
        mentors::employer_kind,
        mentors::employer_code,
        mentors::record_key,
    ),
> {
    mentors::table.select((
        mentors::id,
        mentors::created_at,
        mentors::region,
        mentors::employer_kind,
        mentors::employer_code,
        mentors::record_key,
    ))
}

/// Rewrites the mentor's load runs from their registration and assignments.
pub fn sync_mentor(conn: &mut DbConnection, mentor_id: MentorId) -> QueryResult<()> {
    super::mentors::lock(conn, mentor_id)?;
    let (_, created_at, region, employer_kind, employer_code, record_key): MentorFacts =
        mentor_facts()
            .filter(mentors::id.eq(mentor_id))
            .first(conn)?;
    let assigned: Vec<Interval> = mentor_assignments::table
        .filter(mentor_assignments::mentor_id.eq(mentor_id))
        .select((mentor_assignments::started_on, mentor_assignments::ended_on))
        .load::<Dates>(conn)?
        .into_iter()
        .map(interval)
        .collect();
    diesel::delete(mentor_load_runs::table.filter(mentor_load_runs::mentor_id.eq(mentor_id)))
        .execute(conn)?;
    for (run, load) in load_runs(created_at.date(), &assigned) {
        diesel::insert_into(mentor_load_runs::table)
            .values((
                mentor_load_runs::mentor_id.eq(mentor_id),
                mentor_load_runs::starts_on.eq(run.start),
                mentor_load_runs::ends_on.eq(run.end),
                mentor_load_runs::region.eq(&region),
                mentor_load_runs::employer_kind.eq(employer_kind),
                mentor_load_runs::employer_code.eq(&employer_code),
                mentor_load_runs::load.eq(count(load)),
                mentor_load_runs::record_key.eq(record_key),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A count of rows of the record, as the `INTEGER` column it is stored in.
fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Computes every run from the record, replacing what is there, in bulk: one read of each
/// table the runs follow, one multi-row insert per chunk.
pub fn rebuild(conn: &mut DbConnection) -> QueryResult<()> {
    let mut cases: HashMap<ClientId, Case> = HashMap::new();
    let mut services: HashMap<ServiceId, ServiceHistory> = HashMap::new();
    for (client_id, service_id, institutional, dates) in placements::table
        .select((
            placements::client_id,
            placements::service_id,
            placements::institutional,
            (placements::started_on, placements::ended_on),
        ))
        .load::<(ClientId, ServiceId, bool, Dates)>(conn)?
    {
        let interval = interval(dates);
        let case = cases.entry(client_id).or_default();
        case.placements.push((institutional, interval));
        services
            .entry(service_id)
            .or_default()
            .placements
            .push(interval);
    }
    for (client_id, dates) in waiting_list_entries::table
        .select((waiting_list_entries::client_id, WAITING))
        .load::<(ClientId, Dates)>(conn)?
    {
        cases
            .entry(client_id)
            .or_default()
            .waiting
            .push(interval(dates));
    }
    for (client_id, on, from, to) in client_transfers::table
        .order(client_transfers::id)
        .select((
            client_transfers::client_id,
            client_transfers::transferred_on,
            client_transfers::from_municipality,
            client_transfers::to_municipality,
        ))
        .load::<(ClientId, NaiveDate, MunicipalityCode, MunicipalityCode)>(conn)?
    {
        let case = cases.entry(client_id).or_default();
        case.transfers.push((on, from, to));
    }
    for (client_id, row) in assessments::table
        .select((assessments::client_id, DATED))
        .load::<(ClientId, DatedRow)>(conn)?
    {
        cases
            .entry(client_id)
            .or_default()
            .assessments
            .push(dated(row));
    }
    let mut assignments: HashMap<MentorId, Vec<Interval>> = HashMap::new();
    for (mentor_id, dates) in mentor_assignments::table
        .select((
            mentor_assignments::mentor_id,
            (mentor_assignments::started_on, mentor_assignments::ended_on),
        ))
        .load::<(MentorId, Dates)>(conn)?
    {
        assignments
            .entry(mentor_id)
            .or_default()
            .push(interval(dates));
    }

    diesel::delete(client_runs::table).execute(conn)?;
    diesel::delete(assessment_runs::table).execute(conn)?;
    diesel::delete(service_runs::table).execute(conn)?;
    diesel::delete(mentor_load_runs::table).execute(conn)?;

    let mut client_rows = BulkInsert::new(
        conn,
        (
            client_runs::client_id,
            client_runs::starts_on,
            client_runs::ends_on,
            client_runs::municipality,
            client_runs::target_group,
            client_runs::di_status,
            client_runs::record_key,
        ),
    );
    let mut assessment_rows = BulkInsert::new(
        conn,
        (
            assessment_runs::client_id,
            assessment_runs::starts_on,
            assessment_runs::ends_on,
            assessment_runs::municipality,
            assessment_runs::target_group,
            assessment_runs::care_level,
            assessment_runs::next_reassessment_due,
            assessment_runs::record_key,
        ),
    );
    let no_case = Case::default();
    for facts in clients::table
        .select(CLIENT_FACTS)
        .load::<ClientFacts>(conn)?
    {
        let (id, target_group, record_key) = (facts.0.get(), facts.3, facts.4);
        let (client, assessed) = runs_of(&facts, cases.get(&facts.0).unwrap_or(&no_case));
        for run in client {
            client_rows.row(&[
                id.into(),
                run.interval.start.into(),
                run.interval.end.into(),
                (&run.municipality).into(),
                target_group.into(),
                run.di_status.into(),
                record_key.into(),
            ]);
        }
        for run in assessed {
            assessment_rows.row(&[
                id.into(),
                run.interval.start.into(),
                run.interval.end.into(),
                (&run.municipality).into(),
                target_group.into(),
                run.assessment.care_level.into(),
                run.assessment.next_reassessment_due.into(),
                record_key.into(),
            ]);
        }
        client_rows.end_group(conn)?;
        assessment_rows.end_group(conn)?;
    }
    client_rows.finish(conn)?;
    assessment_rows.finish(conn)?;

    for (service_id, dates, status, capacity) in period_rows().load::<PeriodRow>(conn)? {
        let history = services.entry(service_id).or_default();
        history.periods.push((interval(dates), status, capacity));
    }
    let mut providers: HashMap<ProviderId, Vec<(Interval, ProviderStatus)>> = HashMap::new();
    for (provider_id, dates, status) in status_rows().load::<StatusRow>(conn)? {
        providers
            .entry(provider_id)
            .or_default()
            .push((interval(dates), status));
    }
    let mut service_rows_out = BulkInsert::new(
        conn,
        (
            service_runs::service_id,
            service_runs::starts_on,
            service_runs::ends_on,
            service_runs::provider_id,
            service_runs::sector,
            service_runs::municipality,
            service_runs::service_type,
            service_runs::status,
            service_runs::capacity,
            service_runs::provider_status,
            service_runs::occupied,
        ),
    );
    for (service_id, provider_id, sector, municipality, service_type) in service_facts(conn, None)?
    {
        let history = services.remove(&service_id).unwrap_or_default();
        let provider = providers.get(&provider_id).map_or(&[][..], Vec::as_slice);
        for (run, day) in service_rows(&history, provider) {
            service_rows_out.row(&[
                service_id.get().into(),
                run.start.into(),
                run.end.into(),
                provider_id.get().into(),
                sector.into(),
                (&municipality).into(),
                (&service_type).into(),
                day.status.into(),
                day.capacity.into(),
                day.provider_status.into(),
                count(day.occupied).into(),
            ]);
        }
        service_rows_out.end_group(conn)?;
    }
    service_rows_out.finish(conn)?;

    let mut load_rows = BulkInsert::new(
        conn,
        (
            mentor_load_runs::mentor_id,
            mentor_load_runs::starts_on,
            mentor_load_runs::ends_on,
            mentor_load_runs::region,
            mentor_load_runs::employer_kind,
            mentor_load_runs::employer_code,
            mentor_load_runs::load,
            mentor_load_runs::record_key,
        ),
    );
    for (id, created_at, region, employer_kind, employer_code, record_key) in
        mentor_facts().load::<MentorFacts>(conn)?
    {
        let assigned = assignments.remove(&id).unwrap_or_default();
        for (run, load) in load_runs(created_at.date(), &assigned) {
            load_rows.row(&[
                id.get().into(),
                run.start.into(),
                run.end.into(),
                (&region).into(),
                employer_kind.into(),
                (&employer_code).into(),
                count(load).into(),
                record_key.into(),
            ]);
        }
        load_rows.end_group(conn)?;
    }
    load_rows.finish(conn)?;
    super::completions::rebuild(conn)?;
    super::claim_months::rebuild(conn)
}
