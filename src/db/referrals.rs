//! Referrals of clients to services and the places their accepts hold.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::audit::Discloses;
use super::schema::referrals as r;
use super::{DbConnection, MultiBackend, QueryResult, Slice, in_slice};
use crate::domain::access::{CaseRelation, Sharer};
use crate::domain::assessment::CareLevel;
use crate::domain::client::TargetGroup;
use crate::domain::codes::*;
use crate::domain::ids::*;
use crate::domain::interval::Interval;
use crate::domain::referral::ReferralStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = r, check_for_backend(MultiBackend))]
pub struct ReferralRow {
    pub id: ReferralId,
    pub client_id: ClientId,
    pub decision_id: DecisionId,
    pub service_id: ServiceId,
    pub municipality: MunicipalityCode,
    pub paying_municipality: MunicipalityCode,
    pub target_group: TargetGroup,
    pub care_level: Option<CareLevel>,
    pub needed_services: String,
    pub consent_reference: String,
    pub status: ReferralStatus,
    pub decline_reason: Option<String>,
    pub accepted_on: Option<NaiveDate>,
    pub hold_until: Option<NaiveDate>,
    pub placement_id: Option<PlacementId>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Discloses for ReferralRow {
    fn disclosed(&self) -> Vec<ClientId> {
        vec![self.client_id]
    }
}

/// A referral to insert: the database assigns the id; `referred`.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = r)]
pub struct NewReferral {
    pub client_id: ClientId,
    pub decision_id: DecisionId,
    pub service_id: ServiceId,
    pub municipality: MunicipalityCode,
    pub paying_municipality: MunicipalityCode,
    pub target_group: TargetGroup,
    pub care_level: Option<CareLevel>,
    pub needed_services: String,
    pub consent_reference: String,
    pub status: ReferralStatus,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A step of a referral: its new status and what goes with it.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = r)]
pub struct ReferralStep {
    pub status: ReferralStatus,
    pub decline_reason: Option<String>,
    pub accepted_on: Option<NaiveDate>,
    pub hold_until: Option<NaiveDate>,
    pub placement_id: Option<PlacementId>,
    pub updated_at: NaiveDateTime,
}

impl ReferralStep {
    /// The step to `status` that keeps what `current` has (its hold, its answer).
    pub fn to(status: ReferralStatus, current: &ReferralRow) -> Self {
        Self {
            status,
            decline_reason: current.decline_reason.clone(),
            accepted_on: current.accepted_on,
            hold_until: current.hold_until,
            placement_id: current.placement_id,
            updated_at: chrono::Utc::now().naive_utc(),
        }
    }
}

pub fn insert(conn: &mut DbConnection, row: &NewReferral) -> QueryResult<ReferralRow> {
    diesel::insert_into(r::table)
        .values(row)
        .returning(<ReferralRow as Selectable<MultiBackend>>::construct_selection())
        .get_result(conn)
}

pub fn get(conn: &mut DbConnection, id: ReferralId) -> QueryResult<ReferralRow> {
    r::table
        .find(id)
        .select(ReferralRow::as_select())
        .first(conn)
}

/// Records a step, if the referral still has the status the step was checked against.
pub fn step(
    conn: &mut DbConnection,
    id: ReferralId,
    from: ReferralStatus,
    step: &ReferralStep,
) -> QueryResult<Option<ReferralRow>> {
    diesel::update(r::table.filter(r::id.eq(id)).filter(r::status.eq(from)))
        .set(step)
        .returning(<ReferralRow as Selectable<MultiBackend>>::construct_selection())
        .get_result(conn)
        .optional()
}

/// A client's referrals (newest first), or a service's; a streamed batch in id order.
pub fn list(
    conn: &mut DbConnection,
    client_id: Option<ClientId>,
    service_id: Option<ServiceId>,
    slice: &Slice,
) -> QueryResult<Vec<ReferralRow>> {
    let mut q = r::table.into_boxed::<MultiBackend>();
    if let Some(c) = client_id {
        q = q.filter(r::client_id.eq(c));
    }
    if let Some(s) = service_id {
        q = q.filter(r::service_id.eq(s));
    }
    if let Some(t) = slice.modified_after {
        q = q.filter(r::updated_at.gt(t));
    }
    in_slice!(q, slice, r::id, r::id.desc())
        .select(ReferralRow::as_select())
        .load(conn)
}

/// The places held in a service by accepted referrals, other than `except`'s (REF-HOLD).
pub fn holds(
    conn: &mut DbConnection,
    service_id: ServiceId,
    except: Option<ReferralId>,
) -> QueryResult<Vec<Interval>> {
    let mut q = r::table
        .filter(r::service_id.eq(service_id))
        .filter(r::status.eq(ReferralStatus::Accepted))
        .into_boxed::<MultiBackend>();
    if let Some(id) = except {
        q = q.filter(r::id.ne(id));
    }
    Ok(q.select((r::accepted_on, r::hold_until))
        .load::<(Option<NaiveDate>, Option<NaiveDate>)>(conn)?
        .into_iter()
        .filter_map(|(start, end)| Some(Interval { start: start?, end }))
        .collect())
}

/// The client's accepted referral to the service, whose hold a placement there takes over.
pub fn accepted(
    conn: &mut DbConnection,
    client_id: ClientId,
    service_id: ServiceId,
) -> QueryResult<Option<ReferralRow>> {
    r::table
        .filter(r::client_id.eq(client_id))
        .filter(r::service_id.eq(service_id))
        .filter(r::status.eq(ReferralStatus::Accepted))
        .order(r::id.desc())
        .select(ReferralRow::as_select())
        .first(conn)
        .optional()
}

/// What `sharer` is to client `client_id` (SHARE-NEED-TO-KNOW): a provider's placements of
/// the client and the places its accepts hold for them; a mentor's assignments to the client.
pub fn case_relations(
    conn: &mut DbConnection,
    sharer: Sharer,
    client_id: ClientId,
) -> QueryResult<Vec<CaseRelation>> {
    match sharer {
        Sharer::Provider(provider) => provider_relations(conn, provider, client_id),
        Sharer::Mentor(mentor) => {
            Ok(
                super::mentors::assignment_intervals(conn, Some(mentor), Some(client_id))?
                    .into_iter()
                    .map(|interval| CaseRelation {
                        interval,
                        vsac: false,
                    })
                    .collect(),
            )
        }
    }
}

fn provider_relations(
    conn: &mut DbConnection,
    provider: ProviderId,
    client_id: ClientId,
) -> QueryResult<Vec<CaseRelation>> {
    use super::schema::{placements, services};
    let stays: Vec<(NaiveDate, Option<NaiveDate>, ServiceTypeCode)> = placements::table
        .inner_join(services::table)
        .filter(services::provider_id.eq(provider))
        .filter(placements::client_id.eq(client_id))
        .select((
            placements::started_on,
            placements::ended_on,
            services::service_type,
        ))
        .load(conn)?;
    let held: Vec<(Option<NaiveDate>, Option<NaiveDate>)> = r::table
        .inner_join(services::table)
        .filter(services::provider_id.eq(provider))
        .filter(r::client_id.eq(client_id))
        .filter(r::status.eq(ReferralStatus::Accepted))
        .select((r::accepted_on, r::hold_until))
        .load(conn)?;
    Ok(stays
        .into_iter()
        .map(|(start, end, service_type)| CaseRelation {
            interval: Interval { start, end },
            vsac: service_type.is(ServiceTypeCode::STATE_SOCIAL_CARE_CENTRE),
        })
        .chain(held.into_iter().filter_map(|(start, end)| {
            Some(CaseRelation {
                interval: Interval { start: start?, end },
                vsac: false,
            })
        }))
        .collect())
}
