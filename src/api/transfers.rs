//! Case transfers: the case moves to the municipality of the client's new declared residence,
//! and the mentor assignments it cannot carry on end (MENTOR-TRANSFER).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::audit::{ClientReader, ClientWriter};
use super::common::{self, Created, IdempotencyKey, Idempotent, SyncQuery};
use super::paths::{ClientPath, ClientTransferPath};
use super::problems as p;
use super::providers::check_municipality;
use super::waiting_lists::close_on_transfer;
use crate::db::audit::Auditor;
use crate::db::changes::{self, Change};
use crate::db::clients::{self as q, ClientChanges, NewTransfer, TransferRow};
use crate::db::{Db, DbConnection, Slice, mentors, reference};
use crate::domain::DomainError;
use crate::domain::access::ClientAccess;
use crate::domain::audit::{AuditAction, OfClient};
use crate::domain::change::{Audience, ChangeAction, ChangeType};
use crate::domain::client::check_transfer_date;
use crate::domain::codes::*;
use crate::domain::ids::*;
use crate::domain::interval::RecordedDate;
use crate::domain::mentor::ends_on_transfer;
use crate::domain::policy::Policy;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferClient {
    /// The municipality of the client's new declared residence.
    #[schema(example = "RIX")]
    pub to_municipality: MunicipalityCode,
    /// Defaults to today.
    pub transferred_on: Option<NaiveDate>,
    #[validate(length(min = 1, max = 1000))]
    #[schema(
        min_length = 1,
        max_length = 1000,
        example = "Declared residence moved"
    )]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Transfer {
    pub id: TransferId,
    pub client_id: ClientId,
    pub from_municipality: MunicipalityCode,
    pub to_municipality: MunicipalityCode,
    pub transferred_on: NaiveDate,
    pub reason: String,
    pub transferred_by: String,
}

impl From<TransferRow> for Transfer {
    fn from(t: TransferRow) -> Self {
        Self {
            id: t.id,
            client_id: t.client_id,
            from_municipality: t.from_municipality,
            to_municipality: t.to_municipality,
            transferred_on: t.transferred_on,
            reason: t.reason,
            transferred_by: t.transferred_by,
        }
    }
}

/// Transfers the case to another municipality (declared residence moved). The new
/// municipality becomes the case owner; the history is kept. A transfer takes effect on its
/// date, so it is recorded on or after that date (never ahead), not dated before the
/// client's last transfer (CASE-TRANSFER-DATED) nor beyond the recording window back; the new municipality must
/// exist on that date and today.
#[utoipa::path(
    tag = "clients",
    request_body = TransferClient,
    params(ClientPath, IdempotencyKey),
    responses(
        (status = 201, body = Transfer, headers(("Location" = String, description = "The transfer: `/api/v1/clients/{id}/transfers/{transfer_id}` (read by the receiving municipality, which owns the case now)."))),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/clients/{id}/transfer")]
pub async fn transfer_client(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    writer: ClientWriter,
    id: web::Path<ClientPath>,
    request: Idempotent<TransferClient>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner().id;
    let access = writer
        .clients(
            &db,
            AuditAction::ClientTransfer,
            OfClient::record(id, id.get()).into(),
        )
        .await?;
    let ClientWriter { user, auditor, .. } = writer;
    let Idempotent { key, body: input } = request;
    input.validate()?;
    let sub = user.sub.clone();
    common::create(
        db.get_ref(),
        key,
        user.sub.clone(),
        Some(common::Private::audited(
            &auditor,
            AuditAction::ClientTransfer,
            Some(id),
            // The transfer moved the client away: the replay shows only the caller's own act.
            None,
        )),
        move |conn| {
            auditor.record(conn, AuditAction::ClientTransfer, Some(id.get()), Some(id))?;
            let transfer = move_case(
                conn,
                (&policy, &auditor),
                &access,
                CaseMove {
                    client_id: id,
                    to: input.to_municipality,
                    on: input.transferred_on,
                    reason: input.reason,
                    by: sub,
                },
            )?;
            Ok(Created {
                // Audited as an act on the client, as the transfer itself is.
                record_id: id.get(),
                location: Some(format!("/api/v1/clients/{id}/transfers/{}", transfer.id)),
                etag: None,
                body: Transfer::from(transfer),
            })
        },
    )
    .await
}

/// A case moving to another municipality.
pub(crate) struct CaseMove {
    pub client_id: ClientId,
    pub to: MunicipalityCode,
    /// Defaults to today.
    pub on: Option<NaiveDate>,
    pub reason: String,
    pub by: String,
}

/// Moves a case within `access` to another municipality: dated on or before today, not
/// before the client's last transfer (CASE-TRANSFER-DATED) nor beyond the recording window
/// back, to a municipality valid then and today; the assignments and queue entries the new
/// owner cannot carry on end (MENTOR-TRANSFER, `moved`). The transfer is on the change feed
/// for both municipalities.
pub(crate) fn move_case(
    conn: &mut DbConnection,
    (policy, auditor): (&Policy, &Auditor),
    access: &ClientAccess,
    case: CaseMove,
) -> ApiResult<TransferRow> {
    let id = case.client_id;
    q::lock(conn, id)?;
    let current = q::get(conn, access, id)?;
    let today = crate::domain::today();
    let on = case.on.unwrap_or(today);
    if case.to == current.municipality {
        return Err(DomainError::TransferToSameMunicipality.into());
    }
    policy.dating.check(RecordedDate::Transfer, on, today)?;
    let last = q::transfers(conn, id, &Slice::default())?
        .last()
        .map(|t| t.transferred_on);
    check_transfer_date(on, today, last.unwrap_or(NaiveDate::MIN))?;
    // The new owner must exist on the transfer's date and today, when it owns the case.
    check_municipality(conn, &case.to, on)?;
    check_municipality(conn, &case.to, today)?;
    let mut changes = ClientChanges::from(&current);
    changes.municipality = case.to.clone();
    changes.updated_at = Utc::now().naive_utc();
    q::update(conn, id, current.version, &changes)?.ok_or(ApiError::PreconditionFailed)?;
    let transfer = q::insert_transfer(
        conn,
        &NewTransfer {
            client_id: id,
            from_municipality: current.municipality,
            to_municipality: case.to,
            transferred_on: on,
            reason: case.reason,
            transferred_by: case.by,
            created_at: Utc::now().naive_utc(),
        },
    )?;
    let audience = Audience {
        previous_municipality: Some(transfer.from_municipality.clone()),
        ..Audience::case_of(transfer.to_municipality.clone())
    };
    let change = Change::new(
        ChangeType::ClientTransfer,
        transfer.id.get(),
        ChangeAction::Created,
        audience,
    );
    changes::record(conn, &change.of(id.get()))?;
    hand_over_assignments(conn, auditor, &transfer)?;
    close_on_transfer(
        conn,
        id,
        (&transfer.from_municipality, &transfer.to_municipality),
        transfer.transferred_on,
    )?;
    Ok(transfer)
}

/// Ends the client's assignments the receiving municipality cannot carry on, on the transfer
/// day (MENTOR-TRANSFER): each end audited and told to both municipalities, the mentor's
/// place free from that day.
fn hand_over_assignments(
    conn: &mut DbConnection,
    auditor: &Auditor,
    transfer: &TransferRow,
) -> ApiResult<()> {
    let to = &transfer.to_municipality;
    let region = reference::get_municipality(conn, to)?.planning_region;
    let reason = format!("Case transferred to municipality {to}");
    for open in mentors::open_assignments(conn, transfer.client_id)? {
        if !ends_on_transfer(open.employer_kind, &open.employer_code, to, &region) {
            continue;
        }
        let ended_on = transfer.transferred_on.max(open.started_on);
        if mentors::end_assignment(conn, open.id, ended_on, &reason)?.is_none() {
            continue;
        }
        let action = AuditAction::MentorAssignmentEnd;
        auditor.record(conn, action, Some(open.id.get()), Some(transfer.client_id))?;
        let audience = Audience {
            previous_municipality: Some(transfer.from_municipality.clone()),
            ..Audience::case_of(to.clone())
        };
        let kind = ChangeType::MentorAssignment;
        let change = Change::new(kind, open.id.get(), ChangeAction::Ended, audience);
        changes::record(conn, &change.of(transfer.client_id.get()))?;
    }
    Ok(())
}

/// The client's case transfers, oldest first (or as ndjson, in id order).
#[utoipa::path(
    tag = "clients",
    params(ClientPath, SyncQuery<common::Recorded>),
    responses(
        (status = 200, content(
            (Vec<Transfer> = "application/json"),
            (Transfer = "application/x-ndjson"),
        )),
    )
)]
#[get("/clients/{id}/transfers")]
pub async fn list_transfers(
    db: web::Data<Db>,
    reader: ClientReader,
    id: web::Path<ClientPath>,
    sync: web::Query<SyncQuery<common::Recorded>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner().id;
    let read = move |conn: &mut _, _: &_, slice: &_| Ok(q::transfers(conn, id, slice)?);
    let view = |r: TransferRow, _: &_| (r.id.get(), Transfer::from(r));
    let action = AuditAction::ClientTransfersRead;
    reader
        .records_list(&db, action, id, sync.listing(&req), (read, view))
        .await
}

/// One transfer of the client's case, for those who may read the client now.
#[utoipa::path(
    tag = "clients",
    params(ClientTransferPath),
    responses(
        (status = 200, body = Transfer),
    )
)]
#[get("/clients/{id}/transfers/{transfer_id}")]
pub async fn get_transfer(
    db: web::Data<Db>,
    reader: ClientReader,
    path: web::Path<ClientTransferPath>,
) -> ApiResult<web::Json<Transfer>> {
    let ClientTransferPath { id, transfer_id } = path.into_inner();
    let subject = OfClient::record(id, transfer_id.get());
    let action = AuditAction::ClientTransfersRead;
    let row = reader
        .read_records_of(&db, action, subject, move |conn, _| {
            Ok(q::transfer(conn, id, transfer_id)?)
        })
        .await?;
    Ok(web::Json(Transfer::from(row)))
}
