//! Referrals: the case owner refers its client, on a granted decision, to a service (its own
//! municipality's or another's, naming the paying municipality) with a need-to-know summary;
//! the provider's staff accept, holding one place for `KOPIENA_REFERRAL_HOLD_DAYS`, or
//! decline; the municipality revokes, or places the client, which turns the hold into the
//! placement (`domain::referral`). Every step is audited on the client.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::audit::{Caller, ClientReader, ClientWriter};
use super::body::Body;
use super::common::{Created, IdempotencyKey, Idempotent, SyncQuery, UpdatedAt};
use super::decisions::covering_decision;
use super::paths::{ClientPath, ClientReferralPath, ReferralPath, ServicePath};
use super::problems as p;
use super::providers::check_municipality;
use crate::db::changes::{self, Change};
use crate::db::placements as placed;
use crate::db::referrals::{self as q, NewReferral, ReferralRow, ReferralStep};
use crate::db::{Db, DbConnection, Slice, assessments, clients, services};
use crate::domain::access::{ClientAccess, referral_answer_access};
use crate::domain::assessment::CareLevel;
use crate::domain::audit::{AuditAction, OfClient, Subject};
use crate::domain::change::{Audience, ChangeAction, ChangeType};
use crate::domain::client::TargetGroup;
use crate::domain::codes::*;
use crate::domain::ids::*;
use crate::domain::placement::check_fits;
use crate::domain::policy::Policy;
use crate::domain::referral::{
    ReferralState, ReferralStatus, check_answer, check_revoke, hold, state_on,
};
use crate::domain::registry::ServiceStatus;
use crate::error::{ApiError, ApiResult, unknown_reference};

/// What the receiving provider needs to know of the client: never a name or a personal code.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralSummary {
    pub target_group: TargetGroup,
    /// From the client's current assessment when referred.
    pub care_level: Option<CareLevel>,
    pub needed_services: String,
    /// Where the client's consent to the referral is recorded.
    pub consent_reference: String,
}

/// A referral as the provider's staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceReferral {
    pub id: ReferralId,
    pub service_id: ServiceId,
    /// The referring municipality (the case owner).
    pub municipality: MunicipalityCode,
    /// The municipality that pays for the service.
    pub paying_municipality: MunicipalityCode,
    pub summary: ReferralSummary,
    pub state: ReferralState,
    pub decline_reason: Option<String>,
    pub accepted_on: Option<NaiveDate>,
    /// An accepted referral holds one place up to the day before this one.
    pub hold_until: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A referral as the case owner sees it: the provider's view, with the client, the decision
/// and the placement it led to.
#[derive(Debug, Serialize, ToSchema)]
pub struct Referral {
    pub client_id: ClientId,
    pub decision_id: DecisionId,
    pub placement_id: Option<PlacementId>,
    #[serde(flatten)]
    pub referral: ServiceReferral,
}

fn service_view(r: ReferralRow) -> ServiceReferral {
    ServiceReferral {
        state: state_on(r.status, r.hold_until, crate::domain::today()),
        id: r.id,
        service_id: r.service_id,
        municipality: r.municipality,
        paying_municipality: r.paying_municipality,
        summary: ReferralSummary {
            target_group: r.target_group,
            care_level: r.care_level,
            needed_services: r.needed_services,
            consent_reference: r.consent_reference,
        },
        decline_reason: r.decline_reason,
        accepted_on: r.accepted_on,
        hold_until: r.hold_until,
        created_at: r.created_at.and_utc(),
        updated_at: r.updated_at.and_utc(),
    }
}

fn owner_view(r: ReferralRow) -> Referral {
    Referral {
        client_id: r.client_id,
        decision_id: r.decision_id,
        placement_id: r.placement_id,
        referral: service_view(r),
    }
}

/// Tells the change feed of a referral's step: the case owner and the service's provider.
fn record_change(
    conn: &mut DbConnection,
    row: &ReferralRow,
    action: ChangeAction,
) -> ApiResult<()> {
    let provider = services::get(conn, row.service_id)?.row.provider_id;
    let owner = clients::get(conn, &ClientAccess::All, row.client_id)?.municipality;
    let audience = Audience {
        provider: Some(provider),
        ..Audience::case_of(owner)
    };
    let change = Change::new(ChangeType::Referral, row.id.get(), action, audience);
    changes::record(conn, &change.of(row.client_id.get()))?;
    Ok(())
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReferral {
    pub service_id: ServiceId,
    /// The granted decision the referral rests on; by default the latest that covers the
    /// service today (DEC-PLACEMENT-COVERED).
    pub decision_id: Option<DecisionId>,
    /// Defaults to the referring municipality (a service bought in another municipality names
    /// the buyer here).
    pub paying_municipality: Option<MunicipalityCode>,
    /// The services the client needs, as the provider should know them.
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "Support with daily living; day care on weekdays"
    )]
    pub needed_services: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "Piekrišana Nr. 12, 2026-11-02"
    )]
    pub consent_reference: String,
}

/// Refers a client of the caller's municipality to a service, on a granted decision that
/// covers it today; the provider's staff see a need-to-know summary and answer.
#[utoipa::path(
    tag = "referrals",
    request_body = CreateReferral,
    params(ClientPath, IdempotencyKey),
    responses(
        (status = 201, body = Referral, headers(("Location" = String, description = "The referral: `/api/v1/clients/{id}/referrals/{referral_id}`."))),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/clients/{id}/referrals")]
pub async fn create_referral(
    db: web::Data<Db>,
    writer: ClientWriter,
    id: web::Path<ClientPath>,
    request: Idempotent<CreateReferral>,
) -> ApiResult<HttpResponse> {
    let client_id = id.into_inner().id;
    let record = writer
        .creating(&db, AuditAction::ReferralCreate, client_id)
        .await?;
    let Idempotent { key, body: input } = request;
    input.validate()?;
    record
        .create(db.get_ref(), key, move |conn, access, sub| {
            let client = clients::get(conn, access, client_id)?;
            let service = services::get(conn, input.service_id).map_err(unknown_reference(
                crate::domain::Reference::Service,
                input.service_id,
            ))?;
            let today = crate::domain::today();
            let decision_id =
                covering_decision(conn, client_id, input.decision_id, &service.row, today)?;
            let paying = input
                .paying_municipality
                .unwrap_or_else(|| client.municipality.clone());
            check_municipality(conn, &paying, today)?;
            let care_level = assessments::current_care_level(conn, client_id)?;
            let now = Utc::now().naive_utc();
            let row = q::insert(
                conn,
                &NewReferral {
                    client_id,
                    decision_id,
                    service_id: service.row.id,
                    municipality: client.municipality.clone(),
                    paying_municipality: paying,
                    target_group: client.target_group,
                    care_level,
                    needed_services: input.needed_services,
                    consent_reference: input.consent_reference,
                    status: ReferralStatus::Referred,
                    created_by: sub,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            record_change(conn, &row, ChangeAction::Created)?;
            Ok(Created {
                record_id: row.id.get(),
                location: Some(format!("/api/v1/clients/{client_id}/referrals/{}", row.id)),
                etag: None,
                body: owner_view(row),
            })
        })
        .await
}

/// The client's referrals, newest first, or as ndjson in id order.
#[utoipa::path(
    tag = "referrals",
    params(ClientPath, SyncQuery<UpdatedAt>),
    responses(
        (status = 200, content(
            (Vec<Referral> = "application/json"),
            (Referral = "application/x-ndjson"),
        )),
    )
)]
#[get("/clients/{id}/referrals")]
pub async fn list_referrals(
    db: web::Data<Db>,
    reader: ClientReader,
    id: web::Path<ClientPath>,
    sync: web::Query<SyncQuery<UpdatedAt>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let client_id = id.into_inner().id;
    let read =
        move |conn: &mut _, _: &_, slice: &_| Ok(q::list(conn, Some(client_id), None, slice)?);
    let view = |r: ReferralRow, _: &_| (r.id.get(), owner_view(r));
    let action = AuditAction::ReferralList;
    reader
        .records_list(&db, action, client_id, sync.listing(&req), (read, view))
        .await
}

/// Reads one referral of a client.
#[utoipa::path(
    tag = "referrals",
    params(ClientReferralPath),
    responses(
        (status = 200, body = Referral),
    )
)]
#[get("/clients/{id}/referrals/{referral_id}")]
pub async fn get_referral(
    db: web::Data<Db>,
    reader: ClientReader,
    path: web::Path<ClientReferralPath>,
) -> ApiResult<web::Json<Referral>> {
    let ClientReferralPath { id, referral_id } = path.into_inner();
    let subject = OfClient::record(id, referral_id.get());
    let row = reader
        .read_records_of(&db, AuditAction::ReferralRead, subject, move |conn, _| {
            let row = q::get(conn, referral_id)?;
            if row.client_id == id {
                Ok(row)
            } else {
                Err(ApiError::NotFound)
            }
        })
        .await?;
    Ok(web::Json(owner_view(row)))
}

/// Withdraws a referral that is not answered, or frees the place an accept holds.
#[utoipa::path(
    tag = "referrals",
    params(ClientReferralPath),
    responses(
        (status = 200, body = Referral),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/clients/{id}/referrals/{referral_id}/revoke")]
pub async fn revoke_referral(
    db: web::Data<Db>,
    writer: ClientWriter,
    path: web::Path<ClientReferralPath>,
) -> ApiResult<web::Json<Referral>> {
    let ClientReferralPath { id, referral_id } = path.into_inner();
    let action = AuditAction::ReferralRevoke;
    let subject = OfClient::record(id, referral_id.get());
    let row = writer
        .write(
            &db,
            action,
            subject.into(),
            move |conn, municipality, auditor| {
                clients::get(conn, &ClientAccess::Municipality(municipality.clone()), id)?;
                let current = q::get(conn, referral_id)?;
                if current.client_id != id {
                    return Err(ApiError::NotFound);
                }
                check_revoke(state_on(
                    current.status,
                    current.hold_until,
                    crate::domain::today(),
                ))?;
                let step = ReferralStep {
                    status: ReferralStatus::Revoked,
                    decline_reason: None,
                    accepted_on: current.accepted_on,
                    hold_until: current.hold_until,
                    placement_id: None,
                    updated_at: Utc::now().naive_utc(),
                };
                let row = stepped(conn, &current, &step)?;
                auditor.record(conn, action, Some(referral_id.get()), Some(id))?;
                Ok(row)
            },
        )
        .await?;
    Ok(web::Json(owner_view(row)))
}

/// Records `step` on `current` if no other step came first (`referral-closed` otherwise),
/// and tells the change feed.
fn stepped(
    conn: &mut DbConnection,
    current: &ReferralRow,
    step: &ReferralStep,
) -> ApiResult<ReferralRow> {
    let row = q::step(conn, current.id, current.status, step)?
        .ok_or(crate::domain::DomainError::ReferralClosed { state: "answered" })?;
    let action = match step.status {
        ReferralStatus::Revoked | ReferralStatus::Declined => ChangeAction::Ended,
        _ => ChangeAction::Updated,
    };
    record_change(conn, &row, action)?;
    Ok(row)
}

/// The referrals to a service, newest first, for its provider's staff: the need-to-know
/// summary only, each client audited.
#[utoipa::path(
    tag = "referrals",
    params(ServicePath),
    responses(
        (status = 200, body = Vec<ServiceReferral>),
    )
)]
#[get("/services/{id}/referrals")]
pub async fn service_referrals(
    db: web::Data<Db>,
    caller: Caller,
    id: web::Path<ServicePath>,
) -> ApiResult<web::Json<Vec<ServiceReferral>>> {
    let service_id = id.into_inner().id;
    let action = AuditAction::ReferralServiceList;
    let rows = caller
        .write(
            &db,
            action,
            Subject::default(),
            move |conn, user, auditor| {
                let service = services::get(conn, service_id)?;
                referral_answer_access(&user.scope, service.row.provider_id)?;
                let rows = q::list(conn, None, Some(service_id), &Slice::default())?;
                auditor.record_disclosed(conn, action, &rows)?;
                Ok(rows)
            },
        )
        .await?;
    Ok(web::Json(rows.into_iter().map(service_view).collect()))
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineReferral {
    #[validate(length(min = 1, max = 1000))]
    #[schema(
        min_length = 1,
        max_length = 1000,
        example = "No place for a wheelchair user"
    )]
    pub reason: String,
}

/// A provider's answer to a referral: runs `f` on the referral, for the staff of the
/// service's provider only, audited on the client (a refusal too).
async fn answer<F>(
    db: &Db,
    caller: Caller,
    referral_id: ReferralId,
    action: AuditAction,
    f: F,
) -> ApiResult<web::Json<ServiceReferral>>
where
    F: FnOnce(&mut DbConnection, ReferralRow) -> ApiResult<ReferralRow> + Send + 'static,
{
    let subject = Subject {
        record_id: Some(referral_id.get()),
        client_id: None,
    };
    let row = caller
        .write(db, action, subject, move |conn, user, auditor| {
            let current = q::get(conn, referral_id)?;
            let service = services::get(conn, current.service_id)?;
            referral_answer_access(&user.scope, service.row.provider_id)?;
            let client_id = current.client_id;
            let row = f(conn, current)?;
            auditor.record(conn, action, Some(referral_id.get()), Some(client_id))?;
            Ok(row)
        })
        .await?;
    Ok(web::Json(service_view(row)))
}

/// Accepts a referral to one of the caller's services: one place is held from today for
/// `KOPIENA_REFERRAL_HOLD_DAYS` (default 14), counted against the capacity like a placement
/// (`service-capacity-exceeded` when none is free: of two accepts for the last place, one
/// wins). The place frees when the referral is revoked or the hold runs out; placing the
/// client turns it into the placement.
#[utoipa::path(
    tag = "referrals",
    params(ReferralPath),
    responses(
        (status = 200, body = ServiceReferral),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/referrals/{id}/accept")]
pub async fn accept_referral(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    caller: Caller,
    id: web::Path<ReferralPath>,
) -> ApiResult<web::Json<ServiceReferral>> {
    let hold_days = policy.referral_hold_days;
    let action = AuditAction::ReferralAccept;
    answer(
        &db,
        caller,
        id.into_inner().id,
        action,
        move |conn, current| {
            let today = crate::domain::today();
            check_answer(state_on(current.status, current.hold_until, today))?;
            placed::lock_service(conn, current.service_id)?;
            let held = hold(today, hold_days);
            let mut taken: Vec<_> = placed::spans(conn, None, Some(current.service_id))?
                .iter()
                .map(placed::PlacementSpan::interval)
                .collect();
            taken.extend(q::holds(conn, current.service_id, None)?);
            let capacity: Vec<_> = services::periods(conn, current.service_id)?
                .iter()
                .filter(|p| p.status == ServiceStatus::Active)
                .map(|p| (p.interval(), i64::from(p.capacity)))
                .collect();
            check_fits(&taken, &[], &capacity, &held)?;
            let step = ReferralStep {
                status: ReferralStatus::Accepted,
                decline_reason: None,
                accepted_on: Some(held.start),
                hold_until: held.end,
                placement_id: None,
                updated_at: Utc::now().naive_utc(),
            };
            stepped(conn, &current, &step)
        },
    )
    .await
}

/// Declines a referral to one of the caller's services, with the reason.
#[utoipa::path(
    tag = "referrals",
    request_body = DeclineReferral,
    params(ReferralPath),
    responses(
        (status = 200, body = ServiceReferral),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/referrals/{id}/decline")]
pub async fn decline_referral(
    db: web::Data<Db>,
    caller: Caller,
    id: web::Path<ReferralPath>,
    body: Body<DeclineReferral>,
) -> ApiResult<web::Json<ServiceReferral>> {
    let input = body.into_inner();
    input.validate()?;
    let action = AuditAction::ReferralDecline;
    answer(
        &db,
        caller,
        id.into_inner().id,
        action,
        move |conn, current| {
            check_answer(state_on(
                current.status,
                current.hold_until,
                crate::domain::today(),
            ))?;
            let step = ReferralStep {
                status: ReferralStatus::Declined,
                decline_reason: Some(input.reason),
                accepted_on: None,
                hold_until: None,
                placement_id: None,
                updated_at: Utc::now().naive_utc(),
            };
            stepped(conn, &current, &step)
        },
    )
    .await
}

/// The places other referrals hold in `service` (they count against its capacity), and the
/// client's own accepted referral there, whose hold a placement takes over (REF-HOLD).
pub(crate) fn holds_for_placement(
    conn: &mut DbConnection,
    client_id: ClientId,
    service: ServiceId,
) -> ApiResult<(Vec<crate::domain::interval::Interval>, Option<ReferralRow>)> {
    let own = q::accepted(conn, client_id, service)?;
    let others = q::holds(conn, service, own.as_ref().map(|r| r.id))?;
    Ok((others, own))
}

/// Marks the client's accepted referral `placed` with the placement that took its hold.
pub(crate) fn placed_on_referral(
    conn: &mut DbConnection,
    referral: &ReferralRow,
    placement: PlacementId,
) -> ApiResult<()> {
    let step = ReferralStep {
        placement_id: Some(placement),
        ..ReferralStep::to(ReferralStatus::Placed, referral)
    };
    stepped(conn, referral, &step)?;
    Ok(())
}
