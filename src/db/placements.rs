//! Placements of clients in services, DI transitions, and the caseworker's gap queries.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    assessments, clients, di_transitions, mentor_assignments, placements, services,
};
use super::{DbConnection, MultiBackend, QueryResult};
use crate::domain::client::{DiStatus, TargetGroup};
use crate::domain::codes::*;
use crate::domain::ids::*;

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
    pub time_limit_rule: Option<String>,
    pub time_limit_on: Option<NaiveDate>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
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
    pub time_limit_rule: Option<String>,
    pub time_limit_on: Option<NaiveDate>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// Takes a place in an active service: `false` when it is full (or not active). One
/// conditional UPDATE, so concurrent placements cannot overfill; the CHECK on `occupied`
/// backs it up.
pub fn take_place(conn: &mut DbConnection, service_id: ServiceId) -> QueryResult<bool> {
    let updated = diesel::update(
        services::table
            .filter(services::id.eq(service_id))
            .filter(services::status.eq("active"))
            .filter(services::occupied.lt(services::capacity)),
    )
    .set(services::occupied.eq(services::occupied + 1))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn free_place(conn: &mut DbConnection, service_id: ServiceId) -> QueryResult<()> {
    diesel::update(services::table.filter(services::id.eq(service_id)))
        .set(services::occupied.eq(services::occupied - 1))
        .execute(conn)
        .map(drop)
}

pub fn insert(conn: &mut DbConnection, row: &NewPlacement) -> QueryResult<PlacementRow> {
    diesel::insert_into(placements::table)
        .values(row)
        .returning(placements::all_columns)
        .get_result(conn)
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
    ))
    .returning(placements::all_columns)
    .get_result(conn)
    .optional()
}

/// Which kinds of active placement a client has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveSettings {
    pub institutional: bool,
    pub community: bool,
}

/// Whether the client has active institutional and community placements.
pub fn active_settings(
    conn: &mut DbConnection,
    client_id: ClientId,
) -> QueryResult<ActiveSettings> {
    let kinds: Vec<bool> = placements::table
        .filter(placements::client_id.eq(client_id))
        .filter(placements::ended_on.is_null())
        .select(placements::institutional)
        .load(conn)?;
    Ok(ActiveSettings {
        institutional: kinds.contains(&true),
        community: kinds.contains(&false),
    })
}

pub fn set_di_status(
    conn: &mut DbConnection,
    client_id: ClientId,
    status: DiStatus,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(clients::table.filter(clients::id.eq(client_id)))
        .set((
            clients::di_status.eq(status),
            clients::updated_at.eq(now),
            clients::version.eq(clients::version + 1),
        ))
        .execute(conn)
        .map(drop)
}

pub fn insert_transition(
    conn: &mut DbConnection,
    client_id: ClientId,
    on: NaiveDate,
    placement_id: PlacementId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(di_transitions::table)
        .values((
            di_transitions::client_id.eq(client_id),
            di_transitions::transitioned_on.eq(on),
            di_transitions::placement_id.eq(placement_id),
            di_transitions::created_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
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
        q = q.filter(placements::ended_on.is_null());
    }
    q.order((placements::started_on.desc(), placements::id.desc()))
        .select((
            PlacementRow::as_select(),
            clients::given_name,
            clients::family_name,
            services::name,
            services::service_type,
        ))
        .load(conn)
}

/// Active placements of a municipality's clients whose time limit falls on or before `on`.
pub fn past_time_limit(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
    on: NaiveDate,
) -> QueryResult<Vec<PlacementView>> {
    placements::table
        .inner_join(clients::table)
        .inner_join(services::table)
        .filter(clients::municipality.eq(municipality))
        .filter(placements::ended_on.is_null())
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

/// A municipality's clients with an active community placement and no active mentor
/// (INV-M02/M03): `(client id, given name, family name, target group)`.
pub fn without_mentor(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
) -> QueryResult<Vec<ClientGapRow>> {
    Ok(clients::table
        .filter(clients::municipality.eq(municipality))
        .filter(
            clients::id.eq_any(
                placements::table
                    .filter(placements::ended_on.is_null())
                    .filter(placements::institutional.eq(false))
                    .select(placements::client_id),
            ),
        )
        .filter(diesel::dsl::not(
            clients::id.eq_any(
                mentor_assignments::table
                    .filter(mentor_assignments::ended_on.is_null())
                    .select(mentor_assignments::client_id),
            ),
        ))
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
