//! Placements of clients in services, DI transitions, and the caseworker's gap queries.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::changes::made_or_changed_after;
use super::schema::{
    assessments, clients, di_transitions, mentor_assignments, placements, services,
};
use super::{DbConnection, MultiBackend, QueryResult, Slice, in_slice};
use crate::domain::change::ChangeType;
use crate::domain::client::TargetGroup;
use crate::domain::codes::*;
use crate::domain::disclosure::random_record_key;
use crate::domain::ids::*;
use crate::domain::interval::Interval;
use crate::domain::placement::TimeLimitRule;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = placements, check_for_backend(MultiBackend))]
pub struct PlacementRow {
    pub id: PlacementId,
    pub client_id: ClientId,
    pub service_id: ServiceId,
    pub institutional: bool,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub time_limit_rule: Option<TimeLimitRule>,
    pub time_limit_on: Option<NaiveDate>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    /// The decision the placement rests on; none for placements recorded before decisions
    /// were kept.
    pub decision_id: Option<DecisionId>,
}

/// A record to insert: the database assigns the id.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = placements)]
pub struct NewPlacement {
    pub client_id: ClientId,
    pub service_id: ServiceId,
    pub institutional: bool,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub time_limit_rule: Option<TimeLimitRule>,
    pub time_limit_on: Option<NaiveDate>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    /// The decision the placement rests on; none for placements recorded before decisions
    /// were kept.
    pub decision_id: Option<DecisionId>,
}

/// Locks the service's row until the transaction ends (PostgreSQL row lock; SQLite holds its
/// single write lock already), so placements in one service are checked one at a time.
pub fn lock_service(conn: &mut DbConnection, id: ServiceId) -> QueryResult<()> {
    diesel::update(services::table.filter(services::id.eq(id)))
        .set(services::version.eq(services::version))
        .execute(conn)
        .map(drop)
}

type ActiveOn = diesel::dsl::And<
    diesel::dsl::LtEq<placements::started_on, NaiveDate>,
    diesel::dsl::Or<
        diesel::dsl::IsNull<placements::ended_on>,
        diesel::dsl::Gt<placements::ended_on, NaiveDate>,
    >,
>;

/// "Active on `day`": started by then and not ended by then.
pub fn is_active_on(day: NaiveDate) -> ActiveOn {
    placements::started_on.le(day).and(
        placements::ended_on
            .is_null()
            .or(placements::ended_on.gt(day)),
    )
}

/// Placements active on `day`.
pub fn active_on(day: NaiveDate) -> diesel::dsl::Filter<placements::table, ActiveOn> {
    placements::table.filter(is_active_on(day))
}

/// A placement's interval with what the DI status and the limits need.
#[derive(Debug, Clone, Queryable)]
pub struct PlacementSpan {
    pub id: PlacementId,
    pub service_id: ServiceId,
    pub service_type: ServiceTypeCode,
    pub institutional: bool,
    pub interval: (NaiveDate, Option<NaiveDate>),
}

impl PlacementSpan {
    pub fn interval(&self) -> Interval {
        Interval {
            start: self.interval.0,
            end: self.interval.1,
        }
    }
}

/// Every placement of a client, or in a service, oldest first.
pub fn spans(
    conn: &mut DbConnection,
    client_id: Option<ClientId>,
    service_id: Option<ServiceId>,
) -> QueryResult<Vec<PlacementSpan>> {
    let mut q = placements::table
        .inner_join(services::table)
        .into_boxed::<MultiBackend>();
    if let Some(c) = client_id {
        q = q.filter(placements::client_id.eq(c));
    }
    if let Some(s) = service_id {
        q = q.filter(placements::service_id.eq(s));
    }
    q.order((placements::started_on, placements::id))
        .select((
            placements::id,
            placements::service_id,
            services::service_type,
            placements::institutional,
            (placements::started_on, placements::ended_on),
        ))
        .load(conn)
}

pub fn insert(conn: &mut DbConnection, row: &NewPlacement) -> QueryResult<PlacementRow> {
    diesel::insert_into(placements::table)
        .values((row, placements::record_key.eq(random_record_key())))
        .returning(<PlacementRow as Selectable<MultiBackend>>::construct_selection())
        .get_result(conn)
        .and_then(|row| follow(conn, row))
}

/// Rewrites the runs a placement counts in (`db::derived`): its client's and its service's.
fn follow(conn: &mut DbConnection, row: PlacementRow) -> QueryResult<PlacementRow> {
    super::derived::sync_client(conn, row.client_id)?;
    super::derived::sync_service(conn, row.service_id)?;
    Ok(row)
}

pub fn get(conn: &mut DbConnection, id: PlacementId) -> QueryResult<PlacementRow> {
    placements::table
        .find(id)
        .select(PlacementRow::as_select())
        .first(conn)
}

pub fn end(
    conn: &mut DbConnection,
    id: PlacementId,
    ended_on: NaiveDate,
    reason: &str,
) -> QueryResult<Option<PlacementRow>> {
    diesel::update(
        placements::table
            .filter(placements::id.eq(id))
            .filter(placements::ended_on.is_null()),
    )
    .set((
        placements::ended_on.eq(ended_on),
        placements::end_reason.eq(reason),
        placements::ended_at.eq(chrono::Utc::now().naive_utc()),
    ))
    .returning(<PlacementRow as Selectable<MultiBackend>>::construct_selection())
    .get_result(conn)
    .optional()?
    .map(|row| follow(conn, row))
    .transpose()
}

/// Makes the client's recorded DI transitions those that follow from its placements
/// (`transitions`: each day with the community placement it began): a transition no
/// longer implied is removed, a new one recorded.
pub fn sync_transitions(
    conn: &mut DbConnection,
    client_id: ClientId,
    transitions: &[(NaiveDate, PlacementId)],
    now: NaiveDateTime,
) -> QueryResult<()> {
    let recorded: Vec<(i64, NaiveDate)> = di_transitions::table
        .filter(di_transitions::client_id.eq(client_id))
        .select((di_transitions::id, di_transitions::transitioned_on))
        .load(conn)?;
    let stale: Vec<i64> = recorded
        .iter()
        .filter(|(_, on)| !transitions.iter().any(|(day, _)| day == on))
        .map(|(id, _)| *id)
        .collect();
    if !stale.is_empty() {
        diesel::delete(di_transitions::table.filter(di_transitions::id.eq_any(stale)))
            .execute(conn)?;
    }
    let new: Vec<&(NaiveDate, PlacementId)> = transitions
        .iter()
        .filter(|(on, _)| !recorded.iter().any(|(_, day)| day == on))
        .collect();
    if new.is_empty() {
        return Ok(());
    }
    // A transition is keyed by the placement that began it (`domain::disclosure`).
    let keys: Vec<(PlacementId, i32)> = placements::table
        .filter(placements::client_id.eq(client_id))
        .select((placements::id, placements::record_key))
        .load(conn)?;
    for (on, placement_id) in new {
        let key = keys
            .iter()
            .find(|(id, _)| id == placement_id)
            .map(|(_, key)| *key)
            .ok_or(diesel::result::Error::NotFound)?;
        diesel::insert_into(di_transitions::table)
            .values((
                di_transitions::client_id.eq(client_id),
                di_transitions::transitioned_on.eq(on),
                di_transitions::placement_id.eq(placement_id),
                di_transitions::created_at.eq(now),
                di_transitions::record_key.eq(key),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A placement with the client's names and the service's name and type.
#[derive(Debug, Clone, Queryable)]
pub struct PlacementView {
    pub placement: PlacementRow,
    pub client_given_name: String,
    pub client_family_name: String,
    pub service_name: String,
    pub service_type: ServiceTypeCode,
}

/// A client with a gap in their support: who, and the facts of the gap.
#[derive(Debug, Clone, Queryable)]
pub struct ClientGapRow {
    pub client_id: ClientId,
    pub given_name: String,
    pub family_name: String,
    pub target_group: Option<TargetGroup>,
    /// The client's latest DI transition.
    pub transitioned_on: Option<NaiveDate>,
    /// The date of the client's current assessment.
    pub last_assessed_on: Option<NaiveDate>,
}

/// Placements, newest first, for a client or a service; `municipality` limits them to that
/// municipality's clients.
pub fn list(
    conn: &mut DbConnection,
    client_id: Option<ClientId>,
    service_id: Option<ServiceId>,
    municipality: Option<&MunicipalityCode>,
    active_only: bool,
    slice: &Slice,
) -> QueryResult<Vec<PlacementView>> {
    let mut q = placements::table
        .inner_join(clients::table)
        .inner_join(services::table)
        .into_boxed::<MultiBackend>();
    if let Some(c) = client_id {
        q = q.filter(placements::client_id.eq(c));
    }
    if let Some(s) = service_id {
        q = q.filter(placements::service_id.eq(s));
    }
    if let Some(m) = municipality {
        q = q.filter(clients::municipality.eq(m.clone()));
    }
    if active_only {
        q = q.filter(is_active_on(crate::domain::today()));
    }
    if let Some(t) = slice.modified_after {
        let (made, id) = (placements::created_at, placements::id);
        q = q.filter(made_or_changed_after!(made, id, ChangeType::Placement, t));
    }
    let latest_first = (placements::started_on.desc(), placements::id.desc());
    in_slice!(q, slice, placements::id, latest_first)
        .select((
            PlacementRow::as_select(),
            clients::given_name,
            clients::family_name,
            services::name,
            services::service_type,
        ))
        .load(conn)
}

/// Placements of a municipality's clients active on `on` whose time limit falls on or before it.
pub fn past_time_limit(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
    on: NaiveDate,
) -> QueryResult<Vec<PlacementView>> {
    placements::table
        .inner_join(clients::table)
        .inner_join(services::table)
        .filter(clients::municipality.eq(municipality))
        .filter(placements::started_on.le(on))
        .filter(
            placements::ended_on
                .is_null()
                .or(placements::ended_on.gt(on)),
        )
        .filter(placements::time_limit_on.le(on))
        .order((placements::time_limit_on.asc(), placements::id.asc()))
        .select((
            PlacementRow::as_select(),
            clients::given_name,
            clients::family_name,
            services::name,
            services::service_type,
        ))
        .load(conn)
}

/// A municipality's clients with a community placement and no mentor on `today`
/// (INV-M02/M03): `(client id, given name, family name, target group)`.
pub fn without_mentor(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
    today: NaiveDate,
) -> QueryResult<Vec<ClientGapRow>> {
    Ok(clients::table
        .filter(clients::municipality.eq(municipality))
        .filter(
            clients::id.eq_any(
                active_on(today)
                    .filter(placements::institutional.eq(false))
                    .select(placements::client_id),
            ),
        )
        .filter(diesel::dsl::not(clients::id.eq_any(
            super::mentors::active_on(today).select(mentor_assignments::client_id),
        )))
        .order((clients::family_name, clients::given_name, clients::id))
        .select((
            clients::id,
            clients::given_name,
            clients::family_name,
            clients::target_group,
        ))
        .load::<(ClientId, String, String, TargetGroup)>(conn)?
        .into_iter()
        .map(|(client_id, given_name, family_name, group)| ClientGapRow {
            client_id,
            given_name,
            family_name,
            target_group: Some(group),
            transitioned_on: None,
            last_assessed_on: None,
        })
        .collect())
}

/// A municipality's clients whose last DI transition came after their current assessment
/// (or who have none): a reassessment is due (INV-A11). `(client, names, transition date,
/// last assessment date)`.
pub fn reassessment_after_transition(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
) -> QueryResult<Vec<ClientGapRow>> {
    let rows: Vec<(ClientId, String, String, NaiveDate)> = di_transitions::table
        .inner_join(clients::table)
        .filter(clients::municipality.eq(municipality))
        .order((clients::id, di_transitions::transitioned_on.desc()))
        .select((
            clients::id,
            clients::given_name,
            clients::family_name,
            di_transitions::transitioned_on,
        ))
        .load(conn)?;
    let mut out = Vec::new();
    let mut seen = None;
    for (id, given, family, on) in rows {
        if seen == Some(id) {
            continue; // only the latest transition of each client counts
        }
        seen = Some(id);
        let assessed: Option<NaiveDate> = assessments::table
            .filter(assessments::client_id.eq(id))
            .filter(assessments::superseded_by_id.is_null())
            .select(assessments::assessed_on)
            .first(conn)
            .optional()?;
        if assessed.is_none_or(|a| a < on) {
            out.push(ClientGapRow {
                client_id: id,
                given_name: given,
                family_name: family,
                target_group: None,
                transitioned_on: Some(on),
                last_assessed_on: assessed,
            });
        }
    }
    Ok(out)
}

/// Of `candidates`, the clients whose case changed after `t`: a record of theirs written
/// after it (the client itself, which a transfer also changes; a placement, a mentor
/// assignment, an assessment), or a date of theirs reached after it, up to `today` (a
/// placement's start, end or time limit; an assignment's start or end; `since` is the
/// local day `t` fell on). Nothing else moves a client into a gap list, so these are the
/// rows of a gap list that may be new since `t`.
pub fn case_changed_after(
    conn: &mut DbConnection,
    candidates: &[ClientId],
    t: NaiveDateTime,
    (since, today): (NaiveDate, NaiveDate),
) -> QueryResult<std::collections::HashSet<ClientId>> {
    let mut changed: std::collections::HashSet<ClientId> = clients::table
        .filter(clients::id.eq_any(candidates))
        .filter(clients::updated_at.gt(t))
        .select(clients::id)
        .load::<ClientId>(conn)?
        .into_iter()
        .collect();
    changed.extend(
        placements::table
            .filter(placements::client_id.eq_any(candidates))
            .filter(
                made_or_changed_after!(
                    placements::created_at,
                    placements::id,
                    ChangeType::Placement,
                    t
                )
                .or(placements::started_on
                    .gt(since)
                    .and(placements::started_on.le(today)))
                .or(placements::ended_on
                    .gt(since)
                    .and(placements::ended_on.le(today)))
                .or(placements::time_limit_on
                    .gt(since)
                    .and(placements::time_limit_on.le(today))),
            )
            .select(placements::client_id)
            .load::<ClientId>(conn)?,
    );
    changed.extend(
        mentor_assignments::table
            .filter(mentor_assignments::client_id.eq_any(candidates))
            .filter(
                made_or_changed_after!(
                    mentor_assignments::created_at,
                    mentor_assignments::id,
                    ChangeType::MentorAssignment,
                    t
                )
                .or(mentor_assignments::started_on
                    .gt(since)
                    .and(mentor_assignments::started_on.le(today)))
                .or(mentor_assignments::ended_on
                    .gt(since)
                    .and(mentor_assignments::ended_on.le(today))),
            )
            .select(mentor_assignments::client_id)
            .load::<ClientId>(conn)?,
    );
    changed.extend(
        assessments::table
            .filter(assessments::client_id.eq_any(candidates))
            .filter(made_or_changed_after!(
                assessments::created_at,
                assessments::id,
                ChangeType::Assessment,
                t
            ))
            .select(assessments::client_id)
            .load::<ClientId>(conn)?,
    );
    Ok(changed)
}

impl super::audit::Discloses for PlacementView {
    fn disclosed(&self) -> Vec<ClientId> {
        vec![self.placement.client_id]
    }
}

impl super::audit::Discloses for ClientGapRow {
    fn disclosed(&self) -> Vec<ClientId> {
        vec![self.client_id]
    }
}
