//! Waiting lists: a client granted a service waits in the municipality's queue for its type,
//! or in one named service's (`domain::waiting`). The case owner sees the client's position
//! and waiting days; the provider of a named service its queue, with need-to-know fields.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::audit::{Caller, ClientReader, ClientWriter};
use super::body::Body;
use super::common::{Created, IdempotencyKey, Idempotent, SyncQuery, UpdatedAt};
use super::decisions::check_service_of_type;
use super::paths::{ClientPath, ClientWaitingPath, ServicePath};
use super::placements::{CaseChanged, ClientGap, client_gaps};
use super::problems as p;
use crate::db::changes::{self, Change};
use crate::db::waiting_lists::{self as q, NewWaitingEntry, QueueKey, QueuedClient, WaitingRow};
use crate::db::{Db, DbConnection, clients, decisions, services};
use crate::domain::access::{ClientAccess, service_placements_access};
use crate::domain::assessment::CareLevel;
use crate::domain::audit::{AuditAction, OfClient, Subject};
use crate::domain::change::{Audience, ChangeAction, ChangeType};
use crate::domain::client::TargetGroup;
use crate::domain::codes::*;
use crate::domain::ids::*;
use crate::domain::interval::RecordedDate;
use crate::domain::policy::Policy;
use crate::domain::waiting::{CloseReason, Priority, check_entry, closing_day, waiting_days};
use crate::domain::{DomainError, Reference};
use crate::error::{ApiResult, unique_violation_as, unknown_reference};

/// A client's entry in a waiting list.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingEntry {
    pub id: WaitingEntryId,
    pub client_id: ClientId,
    /// The granted decision the client waits on.
    pub decision_id: DecisionId,
    /// The queue's municipality (the case owner's when the entry was added).
    pub municipality: MunicipalityCode,
    #[schema(example = "group_home")]
    pub service_type: ServiceTypeCode,
    /// The named service whose queue this is; absent for the municipality's queue of the type.
    pub service_id: Option<ServiceId>,
    pub priority: Priority,
    pub added_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub close_reason: Option<CloseReason>,
    /// The place in the queue today (1 is served first: by priority, then the day added);
    /// absent once closed.
    pub position: Option<i64>,
    /// Days waited: from the day added to today, or to the day it closed.
    pub waiting_days: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn entry_view(row: WaitingRow, position: Option<i64>) -> WaitingEntry {
    WaitingEntry {
        waiting_days: waiting_days(row.added_on, row.closed_on, crate::domain::today()),
        id: row.id,
        client_id: row.client_id,
        decision_id: row.decision_id,
        municipality: row.municipality,
        service_type: row.service_type,
        service_id: row.service_id,
        priority: row.priority,
        added_on: row.added_on,
        closed_on: row.closed_on,
        close_reason: row.close_reason,
        position,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    }
}

fn positioned(conn: &mut DbConnection, row: WaitingRow) -> ApiResult<WaitingEntry> {
    let position = q::position(conn, &row)?;
    Ok(entry_view(row, position))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWaitingEntry {
    /// The client's granted decision (WAIT-GRANTED); the queue's service type is its.
    pub decision_id: DecisionId,
    /// Wait for this service only (its queue, across municipalities); by default the
    /// municipality's queue for the type. Required when the decision names a service.
    pub service_id: Option<ServiceId>,
    /// Defaults to `normal`.
    pub priority: Option<Priority>,
    /// Defaults to today; within the recording window.
    pub added_on: Option<NaiveDate>,
}

/// Tells the change feed, for the case owner (and the sender of a transfer), of an entry.
fn record_change(
    conn: &mut DbConnection,
    audience: Audience,
    row: &WaitingRow,
    action: ChangeAction,
) -> ApiResult<()> {
    let change = Change::new(ChangeType::WaitingListEntry, row.id.get(), action, audience);
    changes::record(conn, &change.of(row.client_id.get()))?;
    Ok(())
}

/// Puts a client of the caller's municipality on a waiting list, on a granted decision: the
/// municipality's queue for the decision's service type, or a named service's. One open
/// entry per client and queue (`already-waiting`).
#[utoipa::path(
    tag = "waiting lists",
    request_body = CreateWaitingEntry,
    params(ClientPath, IdempotencyKey),
    responses(
        (status = 201, body = WaitingEntry, headers(("Location" = String, description = "The entry: `/api/v1/clients/{id}/waiting-list/{entry_id}`."))),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/clients/{id}/waiting-list")]
pub async fn create_waiting_entry(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    writer: ClientWriter,
    id: web::Path<ClientPath>,
    request: Idempotent<CreateWaitingEntry>,
) -> ApiResult<HttpResponse> {
    let client_id = id.into_inner().id;
    let record = writer
        .creating(&db, AuditAction::WaitingListCreate, client_id)
        .await?;
    let Idempotent { key, body: input } = request;
    record
        .create(db.get_ref(), key, move |conn, access, sub| {
            let client = clients::get(conn, access, client_id)?;
            let today = crate::domain::today();
            let added_on = input.added_on.unwrap_or(today);
            policy.dating.check(RecordedDate::Start, added_on, today)?;
            let decision = decisions::get(conn, client_id, input.decision_id).map_err(
                unknown_reference(Reference::DecisionOfClient, input.decision_id),
            )?;
            if let Some(service_id) = input.service_id {
                check_service_of_type(conn, service_id, &decision.service_type)?;
            }
            check_entry(&decision.facts(), input.service_id, added_on)?;
            let now = Utc::now().naive_utc();
            let row = q::insert(
                conn,
                &NewWaitingEntry {
                    client_id,
                    decision_id: decision.id,
                    municipality: client.municipality.clone(),
                    service_type: decision.service_type,
                    service_id: input.service_id,
                    priority: input.priority.unwrap_or(Priority::Normal),
                    added_on,
                    created_by: sub,
                    created_at: now,
                    updated_at: now,
                },
            )
            .map_err(unique_violation_as(DomainError::AlreadyWaiting))?;
            let audience = Audience::case_of(client.municipality);
            record_change(conn, audience, &row, ChangeAction::Created)?;
            Ok(Created {
                record_id: row.id.get(),
                location: Some(format!(
                    "/api/v1/clients/{client_id}/waiting-list/{}",
                    row.id
                )),
                etag: None,
                body: positioned(conn, row)?,
            })
        })
        .await
}

/// The client's waiting-list entries, newest first (open ones with their position), or as
/// ndjson in id order.
#[utoipa::path(
    tag = "waiting lists",
    params(ClientPath, SyncQuery<UpdatedAt>),
    responses(
        (status = 200, content(
            (Vec<WaitingEntry> = "application/json"),
            (WaitingEntry = "application/x-ndjson"),
        )),
    )
)]
#[get("/clients/{id}/waiting-list")]
pub async fn list_waiting_entries(
    db: web::Data<Db>,
    reader: ClientReader,
    id: web::Path<ClientPath>,
    sync: web::Query<SyncQuery<UpdatedAt>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let client_id = id.into_inner().id;
    let read = move |conn: &mut DbConnection, _: &_, slice: &_| {
        q::list_for_client(conn, client_id, slice)?
            .into_iter()
            .map(|row| positioned(conn, row))
            .collect::<ApiResult<Vec<_>>>()
    };
    let view = |e: WaitingEntry, _: &_| (e.id.get(), e);
    let action = AuditAction::WaitingListList;
    reader
        .records_list(&db, action, client_id, sync.listing(&req), (read, view))
        .await
}

/// Reads one waiting-list entry of a client.
#[utoipa::path(
    tag = "waiting lists",
    params(ClientWaitingPath),
    responses(
        (status = 200, body = WaitingEntry),
    )
)]
#[get("/clients/{id}/waiting-list/{entry_id}")]
pub async fn get_waiting_entry(
    db: web::Data<Db>,
    reader: ClientReader,
    path: web::Path<ClientWaitingPath>,
) -> ApiResult<web::Json<WaitingEntry>> {
    let ClientWaitingPath {
        id: client_id,
        entry_id,
    } = path.into_inner();
    let subject = OfClient::record(client_id, entry_id.get());
    let action = AuditAction::WaitingListRead;
    let entry = reader
        .read_records_of(&db, action, subject, move |conn, _| {
            let row = q::get(conn, client_id, entry_id)?;
            positioned(conn, row)
        })
        .await?;
    Ok(web::Json(entry))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseWaitingEntry {
    /// `placed` and `moved` are also set by a placement and a transfer themselves.
    pub reason: CloseReason,
    /// Defaults to today; not before the day added.
    pub closed_on: Option<NaiveDate>,
}

/// Closes an open entry with its reason; a closed entry is not reopened (`already-ended`).
#[utoipa::path(
    tag = "waiting lists",
    request_body = CloseWaitingEntry,
    params(ClientWaitingPath),
    responses(
        (status = 200, body = WaitingEntry),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/clients/{id}/waiting-list/{entry_id}/close")]
pub async fn close_waiting_entry(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    writer: ClientWriter,
    path: web::Path<ClientWaitingPath>,
    body: Body<CloseWaitingEntry>,
) -> ApiResult<web::Json<WaitingEntry>> {
    let input = body.into_inner();
    let ClientWaitingPath {
        id: client_id,
        entry_id,
    } = path.into_inner();
    let action = AuditAction::WaitingListClose;
    let subject = OfClient::record(client_id, entry_id.get());
    let entry = writer
        .write(
            &db,
            action,
            subject.into(),
            move |conn, municipality, auditor| {
                let access = ClientAccess::Municipality(municipality.clone());
                let client = clients::get(conn, &access, client_id)?;
                let current = q::get(conn, client_id, entry_id)?;
                let today = crate::domain::today();
                let closed_on = input.closed_on.unwrap_or(today);
                policy.dating.check(RecordedDate::End, closed_on, today)?;
                crate::domain::interval::Interval::new(current.added_on, Some(closed_on))?;
                let row = q::close(conn, entry_id, closed_on, input.reason)?
                    .ok_or(DomainError::AlreadyEnded)?;
                let audience = Audience::case_of(client.municipality);
                record_change(conn, audience, &row, ChangeAction::Ended)?;
                auditor.record(conn, action, Some(entry_id.get()), Some(client_id))?;
                Ok(entry_view(row, None))
            },
        )
        .await?;
    Ok(web::Json(entry))
}

/// Closes the client's open entries of `service_type` (the type's queue, or `service`'s) when
/// the client is placed on `on` (`placed`).
pub(crate) fn close_on_placement(
    conn: &mut DbConnection,
    client_id: ClientId,
    municipality: &MunicipalityCode,
    service_type: &ServiceTypeCode,
    service: ServiceId,
    on: NaiveDate,
) -> ApiResult<()> {
    for open in q::open_for_client(conn, client_id)? {
        let served =
            open.service_type == *service_type && open.service_id.is_none_or(|s| s == service);
        if served
            && let Some(row) = q::close(
                conn,
                open.id,
                closing_day(open.added_on, on),
                CloseReason::Placed,
            )?
        {
            let audience = Audience::case_of(municipality.clone());
            record_change(conn, audience, &row, ChangeAction::Ended)?;
        }
    }
    Ok(())
}

/// Closes every open entry of a client whose case moved to another municipality on `on`
/// (`moved`): the queues are the sending municipality's.
pub(crate) fn close_on_transfer(
    conn: &mut DbConnection,
    client_id: ClientId,
    (from, to): (&MunicipalityCode, &MunicipalityCode),
    on: NaiveDate,
) -> ApiResult<()> {
    for open in q::open_for_client(conn, client_id)? {
        let closed_on = closing_day(open.added_on, on);
        if let Some(row) = q::close(conn, open.id, closed_on, CloseReason::Moved)? {
            let audience = Audience {
                previous_municipality: Some(from.clone()),
                ..Audience::case_of(to.clone())
            };
            record_change(conn, audience, &row, ChangeAction::Ended)?;
        }
    }
    Ok(())
}

/// A client waiting in the caller's queue, as the case owner sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueEntry {
    pub position: i64,
    pub entry: WaitingEntry,
    pub given_name: String,
    pub family_name: String,
    pub target_group: TargetGroup,
    pub care_level: Option<CareLevel>,
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// The service type of the municipality's queue.
    #[param(example = "group_home")]
    pub service_type: ServiceTypeCode,
}

/// The caller's municipality's queue for a service type, in the order it is served
/// (priority, then the day added), each client audited.
#[utoipa::path(
    tag = "waiting lists",
    params(QueueQuery),
    responses(
        (status = 200, body = Vec<QueueEntry>),
    )
)]
#[get("/waiting-list")]
pub async fn municipality_queue(
    db: web::Data<Db>,
    writer: ClientWriter,
    query: web::Query<QueueQuery>,
) -> ApiResult<web::Json<Vec<QueueEntry>>> {
    let service_type = query.into_inner().service_type;
    let action = AuditAction::WaitingListQueue;
    let rows = writer
        .listed(&db, action, move |conn, municipality| {
            let key = QueueKey::Municipality(municipality.clone(), service_type);
            Ok(q::queued_clients(conn, &key, None)?)
        })
        .await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|c| QueueEntry {
                position: c.position,
                given_name: c.given_name,
                family_name: c.family_name,
                target_group: c.target_group,
                care_level: c.care_level,
                entry: entry_view(c.row, Some(c.position)),
            })
            .collect(),
    ))
}

/// A client waiting for a named service, as its provider needs to know: the place in the
/// queue, how long and how urgently, the target group and the care level; never a name,
/// a personal code or the client's id.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceQueueEntry {
    pub position: i64,
    pub entry_id: WaitingEntryId,
    pub priority: Priority,
    pub added_on: NaiveDate,
    pub waiting_days: i64,
    /// The municipality that refers the client (and pays).
    pub municipality: MunicipalityCode,
    pub target_group: TargetGroup,
    pub care_level: Option<CareLevel>,
}

fn service_queue_view(c: QueuedClient) -> ServiceQueueEntry {
    ServiceQueueEntry {
        position: c.position,
        entry_id: c.row.id,
        priority: c.row.priority,
        added_on: c.row.added_on,
        waiting_days: waiting_days(c.row.added_on, None, crate::domain::today()),
        municipality: c.row.municipality,
        target_group: c.target_group,
        care_level: c.care_level,
    }
}

/// The queue of a named service in the order it is served: for its provider's staff (every
/// entry, need-to-know fields), a municipality (its own clients' entries, their positions in
/// the whole queue) and administrators; each client shown audited.
#[utoipa::path(
    tag = "waiting lists",
    params(ServicePath),
    responses(
        (status = 200, body = Vec<ServiceQueueEntry>),
    )
)]
#[get("/services/{id}/waiting-list")]
pub async fn service_queue(
    db: web::Data<Db>,
    caller: Caller,
    id: web::Path<ServicePath>,
) -> ApiResult<web::Json<Vec<ServiceQueueEntry>>> {
    let service_id = id.into_inner().id;
    let action = AuditAction::WaitingListQueue;
    let rows = caller
        .write(
            &db,
            action,
            Subject::default(),
            move |conn, user, auditor| {
                let service = services::get(conn, service_id)?;
                let access = service_placements_access(&user.scope, service.row.provider_id)?;
                let municipality = match &access {
                    ClientAccess::Municipality(code) => Some(code),
                    ClientAccess::All => None,
                };
                let key = QueueKey::Service(service_id);
                let rows = q::queued_clients(conn, &key, municipality)?;
                auditor.record_disclosed(conn, action, &rows)?;
                Ok(rows)
            },
        )
        .await?;
    Ok(web::Json(
        rows.into_iter().map(service_queue_view).collect(),
    ))
}

/// The caller's clients waiting in a queue without a current assessment (none, or overdue):
/// assessing everyone waiting for long-term care is mandatory (INV-A02).
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
#[get("/gaps/waiting-without-assessment")]
pub async fn waiting_without_assessment(
    db: web::Data<Db>,
    writer: ClientWriter,
    sync: web::Query<SyncQuery<CaseChanged>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let action = AuditAction::GapsWaitingWithoutAssessment;
    client_gaps(
        &db,
        writer,
        (sync.into_inner(), &req),
        action,
        q::without_assessment,
    )
    .await
}
