//! Transfer requests: the municipality of a client's new declared residence asks the case
//! owner for the case by the person's code (it cannot see the client before); the owner
//! accepts, which transfers the case (`transfers::move_case`), or declines. The asking
//! municipality learns nothing of the client until the case is its own.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::audit::ClientWriter;
use super::body::Body;
use super::paths::TransferRequestPath;
use super::problems as p;
use super::transfers::{CaseMove, move_case};
use crate::db::Db;
use crate::db::clients;
use crate::db::transfer_requests::{self as q, NewTransferRequest, TransferRequestRow};
use crate::domain::DomainError;
use crate::domain::access::ClientAccess;
use crate::domain::audit::{AuditAction, Subject};
use crate::domain::client::{TransferRequestStatus, check_request_open};
use crate::domain::codes::MunicipalityCode;
use crate::domain::ids::*;
use crate::domain::personal_code::PersonalCode;
use crate::domain::policy::Policy;
use crate::error::{ApiError, ApiResult, unique_violation_as};
use crate::pii::PiiKeys;

/// A request for a case, as the caller sees it: the owner sees which client, the asking
/// municipality only once the case is its own (`transfer_id`).
#[derive(Debug, Serialize, ToSchema)]
pub struct TransferRequest {
    pub id: TransferRequestId,
    /// Shown to the case owner, and to the asking municipality once the case moved.
    pub client_id: Option<ClientId>,
    /// The case owner asked (shown to the asking municipality once the case moved).
    pub from_municipality: Option<MunicipalityCode>,
    pub to_municipality: MunicipalityCode,
    pub reason: String,
    pub transferred_on: Option<NaiveDate>,
    pub status: TransferRequestStatus,
    pub decline_reason: Option<String>,
    /// The transfer an accept made: `/api/v1/clients/{client_id}/transfers/{transfer_id}`.
    pub transfer_id: Option<TransferId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn view(r: TransferRequestRow, caller: &MunicipalityCode) -> TransferRequest {
    let disclosed = r.from_municipality == *caller || r.transfer_id.is_some();
    TransferRequest {
        id: r.id,
        client_id: disclosed.then_some(r.client_id),
        from_municipality: disclosed.then_some(r.from_municipality),
        to_municipality: r.to_municipality,
        reason: r.reason,
        transferred_on: r.transferred_on,
        status: r.status,
        decline_reason: r.decline_reason,
        transfer_id: r.transfer_id,
        created_at: r.created_at.and_utc(),
        updated_at: r.updated_at.and_utc(),
    }
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestTransfer {
    /// The person's code (in the body, never in a URL).
    #[schema(example = "161175-19997")]
    pub personal_code: String,
    #[validate(length(min = 1, max = 1000))]
    #[schema(
        min_length = 1,
        max_length = 1000,
        example = "Declared residence moved to Rīga"
    )]
    pub reason: String,
    /// The day the case should move (by default the day it is accepted).
    pub transferred_on: Option<NaiveDate>,
}

/// Asks the owner of a person's case for it (the caller's municipality is the person's new
/// declared residence). `404` when no case is held for the code, `409` when the case is the
/// caller's already or it asked already; the owner's access log shows who asked.
#[utoipa::path(
    tag = "clients",
    request_body = RequestTransfer,
    responses(
        (status = 201, body = TransferRequest, headers(("Location" = String, description = "The request: `/api/v1/transfer-requests/{id}`."))),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/transfer-requests")]
pub async fn request_transfer(
    db: web::Data<Db>,
    keys: web::Data<PiiKeys>,
    writer: ClientWriter,
    body: Body<RequestTransfer>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    input.validate()?;
    let code = PersonalCode::parse(&input.personal_code).map_err(DomainError::from)?;
    let hash = keys.lookup_hash(&code.digits());
    let action = AuditAction::ClientTransferRequest;
    let sub = writer.user.sub.clone();
    let row = writer
        .write(
            &db,
            action,
            Subject::default(),
            move |conn, caller, auditor| {
                let client = clients::find_by_hash(conn, &ClientAccess::All, &hash)?;
                auditor.record(conn, action, None, Some(client.id))?;
                if client.municipality == *caller {
                    return Err(DomainError::TransferToSameMunicipality.into());
                }
                let now = Utc::now().naive_utc();
                let row = q::insert(
                    conn,
                    &NewTransferRequest {
                        client_id: client.id,
                        from_municipality: client.municipality.clone(),
                        to_municipality: caller.clone(),
                        reason: input.reason,
                        transferred_on: input.transferred_on,
                        status: TransferRequestStatus::Requested,
                        requested_by: sub,
                        created_at: now,
                        updated_at: now,
                    },
                )
                .map_err(unique_violation_as(DomainError::TransferAlreadyRequested))?;
                Ok(view(row, caller))
            },
        )
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/transfer-requests/{}", row.id)))
        .json(row))
}

/// The requests the caller's municipality received for its cases and those it sent, newest
/// first; each received one audited on its client.
#[utoipa::path(
    tag = "clients",
    responses(
        (status = 200, body = Vec<TransferRequest>),
    )
)]
#[get("/transfer-requests")]
pub async fn list_transfer_requests(
    db: web::Data<Db>,
    writer: ClientWriter,
) -> ApiResult<web::Json<Vec<TransferRequest>>> {
    let action = AuditAction::ClientTransferRequestList;
    let (rows, caller) = writer
        .write(
            &db,
            action,
            Subject::default(),
            move |conn, caller, auditor| {
                let rows = q::of_municipality(conn, caller)?;
                let received: Vec<TransferRequestRow> = rows
                    .iter()
                    .filter(|r| r.from_municipality == *caller)
                    .cloned()
                    .collect();
                auditor.record_disclosed(conn, action, &received)?;
                Ok((rows, caller.clone()))
            },
        )
        .await?;
    Ok(web::Json(
        rows.into_iter().map(|r| view(r, &caller)).collect(),
    ))
}

/// One request the caller's municipality received or sent.
#[utoipa::path(
    tag = "clients",
    params(TransferRequestPath),
    responses(
        (status = 200, body = TransferRequest),
    )
)]
#[get("/transfer-requests/{id}")]
pub async fn get_transfer_request(
    db: web::Data<Db>,
    writer: ClientWriter,
    path: web::Path<TransferRequestPath>,
) -> ApiResult<web::Json<TransferRequest>> {
    let id = path.into_inner().id;
    let action = AuditAction::ClientTransferRequestList;
    let subject = Subject {
        record_id: Some(id.get()),
        client_id: None,
    };
    let (row, caller) = writer
        .write(&db, action, subject, move |conn, caller, auditor| {
            let row = q::get(conn, id)?;
            if row.from_municipality == *caller {
                auditor.record(conn, action, Some(id.get()), Some(row.client_id))?;
            } else if row.to_municipality == *caller {
                auditor.record(conn, action, Some(id.get()), None)?;
            } else {
                return Err(ApiError::NotFound);
            }
            Ok((row, caller.clone()))
        })
        .await?;
    Ok(web::Json(view(row, &caller)))
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerTransferRequest {
    /// `true` transfers the case; `false` declines, with the reason.
    pub accept: bool,
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub decline_reason: Option<String>,
}

/// The case owner's answer: accepting transfers the case to the asking municipality on the
/// requested day (by default today), with the checks of `POST /clients/{id}/transfer`;
/// declining needs a reason. A request is answered once (`transfer-request-answered`).
#[utoipa::path(
    tag = "clients",
    request_body = AnswerTransferRequest,
    params(TransferRequestPath),
    responses(
        (status = 200, body = TransferRequest),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/transfer-requests/{id}/answer")]
pub async fn answer_transfer_request(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    writer: ClientWriter,
    path: web::Path<TransferRequestPath>,
    body: Body<AnswerTransferRequest>,
) -> ApiResult<web::Json<TransferRequest>> {
    let input = body.into_inner();
    input.validate()?;
    if !input.accept && input.decline_reason.is_none() {
        return Err(ApiError::field(
            "/decline_reason",
            "a declined request needs its reason",
        ));
    }
    let id = path.into_inner().id;
    let action = AuditAction::ClientTransferRequestAnswer;
    let subject = Subject {
        record_id: Some(id.get()),
        client_id: None,
    };
    let sub = writer.user.sub.clone();
    let (row, caller) = writer
        .write(&db, action, subject, move |conn, caller, auditor| {
            let current = q::get(conn, id)?;
            if current.from_municipality != *caller {
                return Err(ApiError::NotFound);
            }
            check_request_open(current.status)?;
            let answer = if input.accept {
                let access = ClientAccess::Municipality(caller.clone());
                let transfer = move_case(
                    conn,
                    (&policy, auditor),
                    &access,
                    CaseMove {
                        client_id: current.client_id,
                        to: current.to_municipality.clone(),
                        on: current.transferred_on,
                        reason: current.reason.clone(),
                        by: sub,
                    },
                )?;
                (TransferRequestStatus::Accepted, (None, Some(transfer.id)))
            } else {
                (
                    TransferRequestStatus::Declined,
                    (input.decline_reason, None),
                )
            };
            let row = q::answer(conn, id, answer.0, answer.1)?
                .ok_or(DomainError::TransferRequestAnswered { state: "answered" })?;
            auditor.record(conn, action, Some(id.get()), Some(row.client_id))?;
            Ok((row, caller.clone()))
        })
        .await?;
    Ok(web::Json(view(row, &caller)))
}
