//! Placements (a client receiving a service), DI transitions, and the gaps a caseworker
//! must see.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::audit::{Caller, ClientReader, ClientWriter, disclosing_stream};
use super::body::Body;
use super::common::{self, Created, FeedEvents, IdempotencyKey, Idempotent, Modified, SyncQuery};
use super::decisions::covering_decision;
use super::mentors::EndRequest;
use super::paths::{ClientPath, ClientPlacementPath, PlacementPath, ServicePath};
use super::problems as p;
use super::referrals::{holds_for_placement, placed_on_referral};
use super::waiting_lists::close_on_placement;
use crate::db::audit::Discloses;
use crate::db::changes::{self, Change};
use crate::db::placements::{self as q, NewPlacement, PlacementView};
use crate::db::{Db, DbConnection, QueryResult, Slice, clients, providers, reference, services};
use crate::domain::access::{ClientAccess, service_placements_access};
use crate::domain::audit::{AuditAction, OfClient, Subject};
use crate::domain::change::{Audience, ChangeAction, ChangeType};
use crate::domain::client::TargetGroup;
use crate::domain::codes::*;
use crate::domain::history::runs;
use crate::domain::ids::*;
use crate::domain::interval::Interval;
use crate::domain::interval::RecordedDate;
use crate::domain::placement::{
    ServiceFacts, TimeLimitRule, check_consent, check_fits, check_placement, time_limit,
    transitions,
};
use crate::domain::policy::Policy;
use crate::domain::registry::{ServiceStatus, Setting};
use crate::domain::{DomainError, Reference};
use crate::error::{ApiError, ApiResult, unique_violation_as, unknown_reference};

#[derive(Debug, Serialize, ToSchema)]
pub struct TimeLimitView {
    pub rule: TimeLimitRule,
    pub due_on: NaiveDate,
}

/// A client receiving a service (client names, never personal codes).
#[derive(Debug, Serialize, ToSchema)]
pub struct Placement {
    pub id: PlacementId,
    pub client_id: ClientId,
    pub client_given_name: String,
    pub client_family_name: String,
    pub service_id: ServiceId,
    pub service_name: String,
    pub service_type: ServiceTypeCode,
    /// The granted decision the placement rests on (absent for placements recorded before
    /// decisions were kept).
    pub decision_id: Option<DecisionId>,
    /// Placed in an institutional service type.
    pub institutional: bool,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub active: bool,
    /// A time limit that runs out during the placement.
    pub time_limit: Option<TimeLimitView>,
}

pub(crate) fn view(v: PlacementView) -> Placement {
    let r = v.placement;
    Placement {
        id: r.id,
        client_id: r.client_id,
        client_given_name: v.client_given_name,
        client_family_name: v.client_family_name,
        service_id: r.service_id,
        service_name: v.service_name,
        service_type: v.service_type,
        decision_id: r.decision_id,
        institutional: r.institutional,
        active: Interval {
            start: r.started_on,
            end: r.ended_on,
        }
        .active_on(crate::domain::today()),
        started_on: r.started_on,
        ended_on: r.ended_on,
        end_reason: r.end_reason,
        time_limit: r
            .time_limit_rule
            .zip(r.time_limit_on)
            .map(|(rule, due_on)| TimeLimitView { rule, due_on }),
    }
}

fn placement_view(conn: &mut DbConnection, id: PlacementId) -> ApiResult<Placement> {
    let row = q::get(conn, id)?;
    let client_id = row.client_id;
    q::list(conn, Some(client_id), None, None, false, &Slice::default())?
        .into_iter()
        .find(|v| v.placement.id == id)
        .map(view)
        .ok_or(ApiError::NotFound)
}

/// Records the DI transitions that follow from the client's placements (INV-A11), after
/// any change to them.
fn follow_placements(conn: &mut DbConnection, client_id: ClientId) -> ApiResult<()> {
    let spans = q::spans(conn, Some(client_id), None)?;
    let kinds: Vec<(bool, Interval)> = spans
        .iter()
        .map(|s| (s.institutional, s.interval()))
        .collect();
    let moves: Vec<(NaiveDate, PlacementId)> = transitions(&kinds)
        .into_iter()
        .map(|(day, i)| (day, spans[i].id))
        .collect();
    q::sync_transitions(conn, client_id, &moves, Utc::now().naive_utc())?;
    Ok(())
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlacement {
    pub service_id: ServiceId,
    /// Defaults to today.
    pub started_on: Option<NaiveDate>,
    /// The client's granted decision the placement rests on; by default the latest that
    /// covers the service and the start day.
    pub decision_id: Option<DecisionId>,
}

/// Places a client of the caller's municipality in a service. A granted decision of the
/// client must cover the service type (or the service) on the start day
/// (`placement-not-decided`); the service must be active, have a free place and serve the
/// client's target group; youth home residents are under 24.
#[utoipa::path(
    tag = "placements",
    request_body = CreatePlacement,
    params(ClientPath, IdempotencyKey),
    responses(
        (status = 201, body = Placement, headers(("Location" = String, description = "The placement: `/api/v1/clients/{id}/placements/{placement_id}`."))),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/clients/{id}/placements")]
pub async fn create_placement(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    writer: ClientWriter,
    id: web::Path<ClientPath>,
    request: Idempotent<CreatePlacement>,
) -> ApiResult<HttpResponse> {
    let client_id = id.into_inner().id;
    let record = writer
        .creating(&db, AuditAction::PlacementCreate, client_id)
        .await?;
    let Idempotent { key, body: input } = request;
    let policy = policy.into_inner();
    record
        .create(db.get_ref(), key, move |conn, access, sub| {
            let client = clients::get(conn, access, client_id)?;
            let service = services::get(conn, input.service_id)
                .map_err(unknown_reference(Reference::Service, input.service_id))?;
            let service_type = reference::get_service_type(conn, &service.row.service_type)?;
            let institutional = service_type.row.setting == Setting::Institutional;
            let group = client.target_group;
            let today = crate::domain::today();
            let start = input.started_on.unwrap_or(today);
            policy.dating.check(RecordedDate::Start, start, today)?;
            let candidate = Interval::new(start, None)?;
            // Client first, then service: every writer takes the locks in this order.
            clients::lock(conn, client_id)?;
            let decision_id =
                covering_decision(conn, client_id, input.decision_id, &service.row, start)?;
            q::lock_service(conn, service.row.id)?;
            let periods = services::periods(conn, service.row.id)?;
            let service_status = periods
                .iter()
                .find(|p| p.interval().active_on(start))
                .map(|p| p.status);
            let provider_status = providers::status_periods(conn, service.row.provider_id)?
                .into_iter()
                .find(|p| p.interval().active_on(start))
                .map(|p| p.status);
            check_placement(
                &policy,
                &ServiceFacts {
                    service_type: service.row.service_type.as_str(),
                    institutional,
                    active: service_status
                        .zip(provider_status)
                        .is_some_and(|(s, p)| runs(s, p)),
                    target_groups: &service.target_groups,
                },
                group,
                client.birth_date,
                start,
            )?;
            let of_client = q::spans(conn, Some(client_id), None)?;
            check_consent(
                &of_client
                    .iter()
                    .map(|s| {
                        let vsac = s.service_type.is(ServiceTypeCode::STATE_SOCIAL_CARE_CENTRE);
                        (s.institutional, s.interval(), vsac)
                    })
                    .collect::<Vec<_>>(),
                !institutional,
                client.consent_given_on(),
                start,
            )?;
            // Places other referrals hold count as taken; the client's own hold is theirs.
            let (held, own_referral) = holds_for_placement(conn, client_id, service.row.id)?;
            let mut in_service: Vec<Interval> = q::spans(conn, None, Some(service.row.id))?
                .iter()
                .map(q::PlacementSpan::interval)
                .collect();
            in_service.extend(held);
            check_fits(
                &in_service,
                &of_client
                    .iter()
                    .filter(|s| s.service_id == service.row.id)
                    .map(q::PlacementSpan::interval)
                    .collect::<Vec<_>>(),
                &periods
                    .iter()
                    .filter(|p| p.status == ServiceStatus::Active)
                    .map(|p| (p.interval(), i64::from(p.capacity)))
                    .collect::<Vec<_>>(),
                &candidate,
            )?;
            let limit = time_limit(
                &policy,
                service.row.service_type.as_str(),
                client.birth_date,
                start,
            );
            let row = q::insert(
                conn,
                &NewPlacement {
                    client_id,
                    service_id: service.row.id,
                    institutional,
                    started_on: start,
                    ended_on: None,
                    end_reason: None,
                    time_limit_rule: limit.as_ref().map(|l| l.rule),
                    time_limit_on: limit.map(|l| l.due_on),
                    created_by: sub,
                    created_at: Utc::now().naive_utc(),
                    decision_id: Some(decision_id),
                },
            )
            .map_err(unique_violation_as(DomainError::AlreadyPlaced {
                on: start,
            }))?;
            follow_placements(conn, client_id)?;
            if let Some(referral) = &own_referral {
                placed_on_referral(conn, referral, row.id)?;
            }
            close_on_placement(
                conn,
                client_id,
                &client.municipality,
                &service.row.service_type,
                service.row.id,
                start,
            )?;
            let audience = placement_audience(client.municipality, service.row.provider_id);
            let change = Change::new(
                ChangeType::Placement,
                row.id.get(),
                ChangeAction::Created,
                audience,
            );
            changes::record(conn, &change.of(client_id.get()))?;
            Ok(Created {
                record_id: row.id.get(),
                location: Some(format!("/api/v1/clients/{client_id}/placements/{}", row.id)),
                etag: None,
                body: placement_view(conn, row.id)?,
            })
        })
        .await
}

/// Who learns of a placement's changes: the client's municipality and the provider that runs
/// the service.
fn placement_audience(municipality: MunicipalityCode, provider: ProviderId) -> Audience {
    Audience {
        provider: Some(provider),
        ..Audience::case_of(municipality)
    }
}

/// Sets the end of a placement: the place is free from `ended_on` (the first day without the
/// placement) on, and the client's DI status follows on that day. The end may be planned
/// ahead, within the recording window; an end once set is not moved.
#[utoipa::path(
    tag = "placements",
    request_body = EndRequest,
    params(PlacementPath),
    responses(
        (status = 200, body = Placement),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/placements/{id}/end")]
pub async fn end_placement(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    writer: ClientWriter,
    id: web::Path<PlacementPath>,
    body: Body<EndRequest>,
) -> ApiResult<web::Json<Placement>> {
    let input = body.into_inner();
    input.validate()?;
    let id = id.into_inner().id;
    let subject = Subject {
        record_id: Some(id.get()),
        client_id: None,
    };
    let placement = writer
        .write(
            &db,
            AuditAction::PlacementEnd,
            subject,
            move |conn, municipality, auditor| {
                let current = q::get(conn, id)?;
                let access = ClientAccess::Municipality(municipality.clone());
                let client = clients::get(conn, &access, current.client_id)?;
                let today = crate::domain::today();
                let ended_on = input.ended_on.unwrap_or(today);
                policy.dating.check(RecordedDate::End, ended_on, today)?;
                Interval::new(current.started_on, Some(ended_on))?;
                clients::lock(conn, current.client_id)?;
                let row =
                    q::end(conn, id, ended_on, &input.reason)?.ok_or(DomainError::AlreadyEnded)?;
                follow_placements(conn, row.client_id)?;
                let provider = services::get(conn, row.service_id)?.row.provider_id;
                let audience = placement_audience(client.municipality, provider);
                let change = Change::new(
                    ChangeType::Placement,
                    id.get(),
                    ChangeAction::Ended,
                    audience,
                );
                changes::record(conn, &change.of(row.client_id.get()))?;
                auditor.record(
                    conn,
                    AuditAction::PlacementEnd,
                    Some(id.get()),
                    Some(row.client_id),
                )?;
                placement_view(conn, id)
            },
        )
        .await?;
    Ok(web::Json(placement))
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPlacementsQuery {
    /// Only active placements.
    pub active: Option<bool>,
}

/// Shows a placement with its id, the key of a streamed list.
fn keyed(v: PlacementView) -> (i64, Placement) {
    (v.placement.id.get(), view(v))
}

/// A client's placements, newest first, or as ndjson in id order.
#[utoipa::path(
    tag = "placements",
    params(ClientPath, ListPlacementsQuery, SyncQuery<FeedEvents>),
    responses(
        (status = 200, content(
            (Vec<Placement> = "application/json"),
            (Placement = "application/x-ndjson"),
        )),
    )
)]
#[get("/clients/{id}/placements")]
pub async fn list_client_placements(
    db: web::Data<Db>,
    reader: ClientReader,
    id: web::Path<ClientPath>,
    query: web::Query<ListPlacementsQuery>,
    sync: web::Query<SyncQuery<FeedEvents>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let client_id = id.into_inner().id;
    let active = query.active.unwrap_or(false);
    let read = move |conn: &mut _, _: &_, slice: &_| {
        Ok(q::list(conn, Some(client_id), None, None, active, slice)?)
    };
    let view = |v: PlacementView, _: &_| keyed(v);
    let action = AuditAction::PlacementList;
    reader
        .records_list(&db, action, client_id, sync.listing(&req), (read, view))
        .await
}

/// Reads one placement of a client (where a new placement's `Location` points).
#[utoipa::path(
    tag = "placements",
    params(ClientPlacementPath),
    responses(
        (status = 200, body = Placement),
    )
)]
#[get("/clients/{id}/placements/{placement_id}")]
pub async fn get_placement(
    db: web::Data<Db>,
    reader: ClientReader,
    path: web::Path<ClientPlacementPath>,
) -> ApiResult<web::Json<Placement>> {
    let ClientPlacementPath {
        id: client_id,
        placement_id,
    } = path.into_inner();
    let subject = OfClient::record(client_id, placement_id.get());
    let placement = reader
        .read_records_of(&db, AuditAction::PlacementRead, subject, move |conn, _| {
            let placement = placement_view(conn, placement_id)?;
            // Another client's placement is not this client's: as if it did not exist.
            if placement.client_id == client_id {
                Ok(placement)
            } else {
                Err(ApiError::NotFound)
            }
        })
        .await?;
    Ok(web::Json(placement))
}

/// A service's placements: provider staff see all in their own services, a municipality
/// those of its clients, admin all; newest first, or as ndjson in id order (each batch
/// audited as a whole list is).
#[utoipa::path(
    tag = "placements",
    params(ServicePath, ListPlacementsQuery, SyncQuery<FeedEvents>),
    responses(
        (status = 200, content(
            (Vec<Placement> = "application/json"),
            (Placement = "application/x-ndjson"),
        )),
    )
)]
#[get("/services/{id}/placements")]
pub async fn list_service_placements(
    db: web::Data<Db>,
    caller: Caller,
    id: web::Path<ServicePath>,
    query: web::Query<ListPlacementsQuery>,
    sync: web::Query<SyncQuery<FeedEvents>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let Caller { user, auditor } = caller;
    let service_id = id.into_inner().id;
    let active = query.active.unwrap_or(false);
    let listing = sync.listing(&req);
    let municipality = db
        .run(move |conn| -> ApiResult<_> {
            let service = services::get(conn, service_id)?;
            Ok(
                match service_placements_access(&user.scope, service.row.provider_id)? {
                    ClientAccess::Municipality(code) => Some(code),
                    ClientAccess::All => None,
                },
            )
        })
        .await?;
    let read = move |conn: &mut DbConnection, slice: &Slice| -> ApiResult<Vec<PlacementView>> {
        let of = municipality.as_ref();
        Ok(q::list(conn, None, Some(service_id), of, active, slice)?)
    };
    let action = AuditAction::PlacementList;
    if listing.ndjson {
        let fetch = move |conn: &mut DbConnection, after| read(conn, &listing.batch(after));
        let view = |v| Ok(keyed(v));
        return Ok(disclosing_stream(&db, auditor, action, fetch, view));
    }
    let rows = db
        .write(move |conn| -> ApiResult<_> {
            let list = read(conn, &listing.slice)?;
            auditor.record_disclosed(conn, action, &list)?;
            Ok(list)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(view).collect::<Vec<_>>()))
}

/// A client with a gap in their DI support.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientGap {
    pub client_id: ClientId,
    pub given_name: String,
    pub family_name: String,
    pub target_group: Option<TargetGroup>,
    /// Date of the client's latest move from institution to community.
    pub transitioned_on: Option<NaiveDate>,
    /// Date of the current assessment, if any.
    pub last_assessed_on: Option<NaiveDate>,
}

impl From<q::ClientGapRow> for ClientGap {
    fn from(r: q::ClientGapRow) -> Self {
        Self {
            client_id: r.client_id,
            given_name: r.given_name,
            family_name: r.family_name,
            target_group: r.target_group,
            transitioned_on: r.transitioned_on,
            last_assessed_on: r.last_assessed_on,
        }
    }
}

/// A gap list's rows are computed for the day they are read: a row is new when its client's
/// case changed.
pub enum CaseChanged {}

impl Modified for CaseChanged {
    const MEANING: &'static str = "the rows of clients whose case changed after it: a record of theirs written after it (the client, which a transfer also changes; a placement, a mentor assignment, an assessment), or a date of theirs reached since (a placement's start, end or time limit; an assignment's start or end). These are the rows that may be new; a client who left the list is not shown (re-read the whole list, one municipality's and unpaged, to see who did).";
}

/// With `modified_after`, only the `rows` of clients whose case changed since
/// (`q::case_changed_after`, dates counted up to `until`); all of them otherwise.
fn changed_rows<R: Discloses>(
    conn: &mut DbConnection,
    rows: Vec<R>,
    sync: &SyncQuery<CaseChanged>,
    until: NaiveDate,
) -> ApiResult<Vec<R>> {
    let Some(t) = sync.modified_after() else {
        return Ok(rows);
    };
    let candidates: Vec<ClientId> = rows.iter().flat_map(Discloses::disclosed).collect();
    let since = crate::domain::local_day(t);
    let changed = q::case_changed_after(conn, &candidates, t, (since, until))?;
    Ok(rows
        .into_iter()
        .filter(|r| r.disclosed().iter().any(|c| changed.contains(c)))
        .collect())
}

/// The caller's clients receiving community-based services without an active social mentor
/// (INV-M02/M03).
#[utoipa::path(
    tag = "gaps",
    params(SyncQuery<CaseChanged>),
    responses(
        (status = 200, content(
            (Vec<ClientGap> = "application/json"),
            (ClientGap = "application/x-ndjson"),
        )),
    )
)]
#[get("/gaps/clients-without-mentor")]
pub async fn clients_without_mentor(
    db: web::Data<Db>,
    writer: ClientWriter,
    sync: web::Query<SyncQuery<CaseChanged>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let action = AuditAction::GapsClientsWithoutMentor;
    client_gaps(
        &db,
        writer,
        (sync.into_inner(), &req),
        action,
        q::without_mentor,
    )
    .await
}

/// The caller's clients who moved from institution to community after their current
/// assessment: a reassessment is due (INV-A11).
#[utoipa::path(
    tag = "gaps",
    params(SyncQuery<CaseChanged>),
    responses(
        (status = 200, content(
            (Vec<ClientGap> = "application/json"),
            (ClientGap = "application/x-ndjson"),
        )),
    )
)]
#[get("/gaps/reassessments-after-transition")]
pub async fn reassessments_after_transition(
    db: web::Data<Db>,
    writer: ClientWriter,
    sync: web::Query<SyncQuery<CaseChanged>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let action = AuditAction::GapsReassessmentsAfterTransition;
    let read = |conn: &mut DbConnection, municipality: &MunicipalityCode, _| {
        q::reassessment_after_transition(conn, municipality)
    };
    client_gaps(&db, writer, (sync.into_inner(), &req), action, read).await
}

/// A gap list of clients as `sync` asks: `read` computes the caller's municipality's rows
/// for today, audited as `action` once per client shown.
pub(crate) async fn client_gaps<F>(
    db: &Db,
    writer: ClientWriter,
    (sync, req): (SyncQuery<CaseChanged>, &HttpRequest),
    action: AuditAction,
    read: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce(&mut DbConnection, &MunicipalityCode, NaiveDate) -> QueryResult<Vec<q::ClientGapRow>>
        + Send
        + 'static,
{
    let ndjson = sync.ndjson(req);
    let today = crate::domain::today();
    let rows = writer
        .listed(db, action, move |conn, municipality| {
            let rows = read(conn, municipality, today)?;
            changed_rows(conn, rows, &sync, today)
        })
        .await?;
    common::listed(rows.into_iter().map(ClientGap::from).collect(), ndjson)
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimeLimitQuery {
    /// Time limits reached on or before this date (default: today).
    pub on: Option<NaiveDate>,
}

/// Active placements of the caller's clients past their time limit (INV-C03, INV-C06,
/// INV-C07).
#[utoipa::path(
    tag = "gaps",
    params(TimeLimitQuery, SyncQuery<CaseChanged>),
    responses(
        (status = 200, content(
            (Vec<Placement> = "application/json"),
            (Placement = "application/x-ndjson"),
        )),
    )
)]
#[get("/gaps/placements-past-time-limit")]
pub async fn placements_past_time_limit(
    db: web::Data<Db>,
    writer: ClientWriter,
    query: web::Query<TimeLimitQuery>,
    sync: web::Query<SyncQuery<CaseChanged>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let ndjson = sync.ndjson(&req);
    let on = query.on.unwrap_or_else(crate::domain::today);
    let action = AuditAction::GapsPlacementsPastTimeLimit;
    let rows = writer
        .listed(&db, action, move |conn, municipality| {
            let rows = q::past_time_limit(conn, municipality, on)?;
            changed_rows(conn, rows, &sync, on)
        })
        .await?;
    common::listed(rows.into_iter().map(view).collect(), ndjson)
}
