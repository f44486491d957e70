//! Runs derived from the record: per client its case owner and DI status, per service its
//! occupancy, per mentor their load, each as the maximal runs of days on which the value
//! stays the same (`domain::interval::runs`). A statistic or a view "on day D" then reads the
//! one run of each key that holds on D instead of counting placements and assignments again.
//!
//! They are never written on their own: every write they follow (a client registered,
//! changed or transferred; a placement or an assignment made or ended) rewrites the runs of
//! its key in the same transaction, holding the key's row lock (client, then service; or
//! mentor: the order every writer takes them in), so they cannot drift from the record. [`rebuild`] computes all of them from the record at once (after the
//! migration that adds them, and after the demo data is loaded).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::bulk::BulkInsert;
use super::schema::{
    client_runs, client_transfers, clients, mentor_assignments, mentor_load_runs, placements,
    service_occupancy_runs,
};
use super::{DbConnection, QueryResult};
use crate::domain::client::{DiStatus, TargetGroup, Transfer};
use crate::domain::codes::MunicipalityCode;
use crate::domain::ids::{ClientId, MentorId, ServiceId};
use crate::domain::interval::{Interval, count_runs};
use crate::domain::placement::case_runs;

type Dates = (NaiveDate, Option<NaiveDate>);

fn interval((start, end): Dates) -> Interval {
    Interval { start, end }
}

/// What a client's runs are computed from.
#[derive(Default)]
struct Case {
    placements: Vec<(bool, Interval)>,
    transfers: Vec<(NaiveDate, MunicipalityCode, MunicipalityCode)>,
}

type ClientFacts = (ClientId, NaiveDateTime, MunicipalityCode, TargetGroup);

/// One client run, as written.
struct ClientRun {
    client_id: ClientId,
    interval: Interval,
    municipality: MunicipalityCode,
    target_group: TargetGroup,
    di_status: DiStatus,
}

fn client_runs_of(
    (client_id, created_at, owner, target_group): &ClientFacts,
    case: &Case,
) -> Vec<ClientRun> {
    let transfers: Vec<Transfer<'_>> = case
        .transfers
        .iter()
        .map(|(on, from, to)| Transfer { on: *on, from, to })
        .collect();
    case_runs(created_at.date(), owner, &case.placements, &transfers)
        .into_iter()
        .map(|(interval, (municipality, di_status))| ClientRun {
            client_id: *client_id,
            interval,
            municipality,
            target_group: *target_group,
            di_status,
        })
        .collect()
}

fn client_facts() -> diesel::dsl::Select<
    clients::table,
    (
        clients::id,
        clients::created_at,
        clients::municipality,
        clients::target_group,
    ),
> {
    clients::table.select((
        clients::id,
        clients::created_at,
        clients::municipality,
        clients::target_group,
    ))
}

/// Rewrites the client's runs from its registration, placements and transfers.
pub fn sync_client(conn: &mut DbConnection, client_id: ClientId) -> QueryResult<()> {
    super::clients::lock(conn, client_id)?;
    let facts: ClientFacts = client_facts()
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
        transfers: client_transfers::table
            .filter(client_transfers::client_id.eq(client_id))
            .order(client_transfers::id)
            .select((
                client_transfers::transferred_on,
                client_transfers::from_municipality,
                client_transfers::to_municipality,
            ))
            .load(conn)?,
    };
    diesel::delete(client_runs::table.filter(client_runs::client_id.eq(client_id)))
        .execute(conn)?;
    for run in client_runs_of(&facts, &case) {
        diesel::insert_into(client_runs::table)
            .values((
                client_runs::client_id.eq(run.client_id),
                client_runs::starts_on.eq(run.interval.start),
                client_runs::ends_on.eq(run.interval.end),
                client_runs::municipality.eq(run.municipality),
                client_runs::target_group.eq(run.target_group),
                client_runs::di_status.eq(run.di_status),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Rewrites the service's occupancy runs from its placements.
pub fn sync_service(conn: &mut DbConnection, service_id: ServiceId) -> QueryResult<()> {
    super::placements::lock_service(conn, service_id)?;
    let placed: Vec<Interval> = placements::table
        .filter(placements::service_id.eq(service_id))
        .select((placements::started_on, placements::ended_on))
        .load::<Dates>(conn)?
        .into_iter()
        .map(interval)
        .collect();
    diesel::delete(
        service_occupancy_runs::table.filter(service_occupancy_runs::service_id.eq(service_id)),
    )
    .execute(conn)?;
    for (run, occupied) in count_runs(&placed) {
        diesel::insert_into(service_occupancy_runs::table)
            .values((
                service_occupancy_runs::service_id.eq(service_id),
                service_occupancy_runs::starts_on.eq(run.start),
                service_occupancy_runs::ends_on.eq(run.end),
                service_occupancy_runs::occupied.eq(count(occupied)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Rewrites the mentor's load runs from their assignments.
pub fn sync_mentor(conn: &mut DbConnection, mentor_id: MentorId) -> QueryResult<()> {
    super::mentors::lock(conn, mentor_id)?;
    let assigned: Vec<Interval> = mentor_assignments::table
        .filter(mentor_assignments::mentor_id.eq(mentor_id))
        .select((mentor_assignments::started_on, mentor_assignments::ended_on))
        .load::<Dates>(conn)?
        .into_iter()
        .map(interval)
        .collect();
    diesel::delete(mentor_load_runs::table.filter(mentor_load_runs::mentor_id.eq(mentor_id)))
        .execute(conn)?;
    for (run, load) in count_runs(&assigned) {
        diesel::insert_into(mentor_load_runs::table)
            .values((
                mentor_load_runs::mentor_id.eq(mentor_id),
                mentor_load_runs::starts_on.eq(run.start),
                mentor_load_runs::ends_on.eq(run.end),
                mentor_load_runs::load.eq(count(load)),
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
    let mut services: HashMap<ServiceId, Vec<Interval>> = HashMap::new();
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
        services.entry(service_id).or_default().push(interval);
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
        cases
            .entry(client_id)
            .or_default()
            .transfers
            .push((on, from, to));
    }
    let mut mentors: HashMap<MentorId, Vec<Interval>> = HashMap::new();
    for (mentor_id, dates) in mentor_assignments::table
        .select((
            mentor_assignments::mentor_id,
            (mentor_assignments::started_on, mentor_assignments::ended_on),
        ))
        .load::<(MentorId, Dates)>(conn)?
    {
        mentors.entry(mentor_id).or_default().push(interval(dates));
    }

    diesel::delete(client_runs::table).execute(conn)?;
    diesel::delete(service_occupancy_runs::table).execute(conn)?;
    diesel::delete(mentor_load_runs::table).execute(conn)?;

    let no_case = Case::default();
    let mut rows = BulkInsert::new(
        conn,
        (
            client_runs::client_id,
            client_runs::starts_on,
            client_runs::ends_on,
            client_runs::municipality,
            client_runs::target_group,
            client_runs::di_status,
        ),
    );
    for facts in client_facts().load::<ClientFacts>(conn)? {
        for run in client_runs_of(&facts, cases.get(&facts.0).unwrap_or(&no_case)) {
            rows.row(&[
                run.client_id.get().into(),
                run.interval.start.into(),
                run.interval.end.into(),
                run.municipality.as_str().into(),
                run.target_group.as_str().into(),
                run.di_status.as_str().into(),
            ]);
        }
        rows.end_group(conn)?;
    }
    rows.finish(conn)?;
    write_counts(
        conn,
        BulkInsert::new(
            &*conn,
            (
                service_occupancy_runs::service_id,
                service_occupancy_runs::starts_on,
                service_occupancy_runs::ends_on,
                service_occupancy_runs::occupied,
            ),
        ),
        services.into_iter().map(|(id, placed)| (id.get(), placed)),
    )?;
    write_counts(
        conn,
        BulkInsert::new(
            &*conn,
            (
                mentor_load_runs::mentor_id,
                mentor_load_runs::starts_on,
                mentor_load_runs::ends_on,
                mentor_load_runs::load,
            ),
        ),
        mentors
            .into_iter()
            .map(|(id, assigned)| (id.get(), assigned)),
    )
}

/// Writes the count runs of each key's intervals as `(key, starts_on, ends_on, count)` rows.
fn write_counts(
    conn: &mut DbConnection,
    mut rows: BulkInsert,
    keys: impl Iterator<Item = (i64, Vec<Interval>)>,
) -> QueryResult<()> {
    for (key, intervals) in keys {
        for (run, n) in count_runs(&intervals) {
            rows.row(&[
                key.into(),
                run.start.into(),
                run.end.into(),
                count(n).into(),
            ]);
        }
        rows.end_group(conn)?;
    }
    rows.finish(conn).map(drop)
}
