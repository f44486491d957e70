//! Service decisions: the case-owning municipality's administrative act that grants, refuses
//! or ends a service for its client, with the legal basis and the appeal. A placement rests on
//! a granted decision that covers it (`domain::decision`).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::audit::{ClientReader, ClientWriter};
use super::body::Body;
use super::common::{Created, IdempotencyKey, Idempotent, SyncQuery, UpdatedAt};
use super::lang::{ListLang, Localized, LocalizedList};
use super::paths::{ClientDecisionPath, ClientPath};
use super::problems as p;
use crate::db::changes::{self, Change};
use crate::db::decisions::{self as q, AppealChanges, DecisionRow, NewDecision};
use crate::db::{Db, DbConnection, reference, services};
use crate::domain::audit::{AuditAction, OfClient};
use crate::domain::change::{Audience, ChangeAction, ChangeType};
use crate::domain::codes::{MunicipalityCode, ServiceTypeCode};
use crate::domain::decision::{
    Appeal, AppealOutcome, DecisionMaker, DecisionOutcome, Terms, appeal_deadline, check_appeal,
    check_terms, decision_for_placement,
};
use crate::domain::ids::*;
use crate::domain::{DomainError, Reference};
use crate::error::{ApiError, ApiResult, unknown_reference};

/// The appeal against a decision, as recorded.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealRecord {
    /// The day the appeal was filed.
    pub filed_on: NaiveDate,
    pub outcome: AppealOutcome,
    /// The day the appeal was decided (not with `pending`).
    pub decided_on: Option<NaiveDate>,
}

/// A municipality's decision on a service for its client (client-level data: the case
/// owner's, audited).
#[derive(Debug, Serialize, ToSchema)]
pub struct Decision {
    pub id: DecisionId,
    pub client_id: ClientId,
    /// The municipality that decided (the case owner then).
    pub municipality: MunicipalityCode,
    #[schema(example = "group_home")]
    pub service_type: ServiceTypeCode,
    /// The one service granted, when the decision names it.
    pub service_id: Option<ServiceId>,
    pub outcome: DecisionOutcome,
    /// The binding law article or regulation, as the decision states it.
    pub legal_basis: String,
    /// The kind of act, from `GET /api/v1/legal-bases`.
    pub legal_basis_code: Option<String>,
    pub decided_by: DecisionMaker,
    pub decided_on: NaiveDate,
    /// Granted: the first day granted. Ended: the first day without the service.
    pub valid_from: Option<NaiveDate>,
    /// Granted: the last day granted (open-ended when absent).
    pub valid_to: Option<NaiveDate>,
    pub appeal_deadline: NaiveDate,
    /// INV-A14: the summary of prior social and family work a VSAC grant attaches.
    pub prior_work_summary: Option<String>,
    pub appeal: Option<AppealRecord>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<DecisionRow> for Decision {
    fn from(r: DecisionRow) -> Self {
        let appeal = r
            .appealed_on
            .zip(r.appeal_outcome)
            .map(|(filed_on, outcome)| AppealRecord {
                filed_on,
                outcome,
                decided_on: r.appeal_decided_on,
            });
        Self {
            id: r.id,
            client_id: r.client_id,
            municipality: r.municipality,
            service_type: r.service_type,
            service_id: r.service_id,
            outcome: r.outcome,
            legal_basis: r.legal_basis,
            legal_basis_code: r.legal_basis_code,
            decided_by: r.decided_by,
            decided_on: r.decided_on,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            appeal_deadline: r.appeal_deadline,
            prior_work_summary: r.prior_work_summary,
            appeal,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDecision {
    #[schema(example = "group_home")]
    pub service_type: ServiceTypeCode,
    /// Grants this service only (it must be of `service_type`).
    pub service_id: Option<ServiceId>,
    pub outcome: DecisionOutcome,
    /// The binding law article or regulation.
    #[validate(length(min = 1, max = 1000))]
    #[schema(
        min_length = 1,
        max_length = 1000,
        example = "Sociālo pakalpojumu un sociālās palīdzības likums, 9. pants"
    )]
    pub legal_basis: String,
    /// A code of `GET /api/v1/legal-bases`.
    #[schema(example = "social_services_law")]
    pub legal_basis_code: Option<String>,
    pub decided_by: DecisionMaker,
    /// Not after today.
    pub decided_on: NaiveDate,
    /// Granted: the first day granted (required). Ended: the first day without the service
    /// (required). Refused: absent.
    pub valid_from: Option<NaiveDate>,
    /// Granted: the last day granted; absent for open-ended. Otherwise absent.
    pub valid_to: Option<NaiveDate>,
    /// Defaults to one month after `decided_on`.
    pub appeal_deadline: Option<NaiveDate>,
    /// Required when granting a place in a state social care centre (INV-A14).
    #[validate(length(min = 1, max = 8000))]
    #[schema(min_length = 1, max_length = 8000)]
    pub prior_work_summary: Option<String>,
}

/// Checks that the service a decision or a queue names exists and is of `service_type`.
pub(crate) fn check_service_of_type(
    conn: &mut DbConnection,
    service_id: ServiceId,
    service_type: &ServiceTypeCode,
) -> ApiResult<()> {
    let service = services::get(conn, service_id)
        .map_err(unknown_reference(Reference::Service, service_id))?;
    if service.row.service_type == *service_type {
        Ok(())
    } else {
        Err(ApiError::field(
            "/service_id",
            "the service is not of the decision's service type",
        ))
    }
}

/// The decision a placement or a referral of the client in `service` from `day` rests on:
/// `named` (one of the client's, `422` otherwise) when it covers them, or the latest that
/// does (DEC-PLACEMENT-COVERED, `409` when none).
pub(crate) fn covering_decision(
    conn: &mut DbConnection,
    client_id: ClientId,
    named: Option<DecisionId>,
    service: &crate::db::services::ServiceRow,
    day: NaiveDate,
) -> ApiResult<DecisionId> {
    if let Some(id) = named {
        q::get(conn, client_id, id).map_err(unknown_reference(Reference::DecisionOfClient, id))?;
    }
    let facts = q::facts(conn, client_id, &service.service_type)?;
    Ok(decision_for_placement(
        &facts,
        named,
        &service.service_type,
        service.id,
        day,
    )?)
}

/// Tells the change feed, for the case owner only, that a decision was made or changed.
fn record_change(
    conn: &mut DbConnection,
    municipality: MunicipalityCode,
    row: &DecisionRow,
    action: ChangeAction,
) -> ApiResult<()> {
    let change = Change::new(
        ChangeType::Decision,
        row.id.get(),
        action,
        Audience::case_of(municipality),
    );
    changes::record(conn, &change.of(row.client_id.get()))?;
    Ok(())
}

/// Records a decision on a service for a client of the caller's municipality: granted
/// (from `valid_from`, perhaps to `valid_to`), refused, or ended (from `valid_from`, the
/// first day without the service). A placement needs a granted decision that covers its
/// service type and start day (`placement-not-decided` otherwise).
#[utoipa::path(
    tag = "decisions",
    request_body = CreateDecision,
    params(ClientPath, IdempotencyKey),
    responses(
        (status = 201, body = Decision, headers(("Location" = String, description = "The decision: `/api/v1/clients/{id}/decisions/{decision_id}`."))),
        (status = 422, response = p::Unprocessable),
    )
)]
#[post("/clients/{id}/decisions")]
pub async fn create_decision(
    db: web::Data<Db>,
    writer: ClientWriter,
    id: web::Path<ClientPath>,
    request: Idempotent<CreateDecision>,
) -> ApiResult<HttpResponse> {
    let client_id = id.into_inner().id;
    let record = writer
        .creating(&db, AuditAction::DecisionCreate, client_id)
        .await?;
    let Idempotent { key, body: input } = request;
    input.validate()?;
    record
        .create(db.get_ref(), key, move |conn, access, sub| {
            let client = crate::db::clients::get(conn, access, client_id)?;
            reference::get_service_type(conn, &input.service_type).map_err(unknown_reference(
                Reference::ServiceType,
                &input.service_type,
            ))?;
            if let Some(service_id) = input.service_id {
                check_service_of_type(conn, service_id, &input.service_type)?;
            }
            if let Some(code) = &input.legal_basis_code
                && !q::legal_basis_exists(conn, code)?
            {
                return Err(DomainError::UnknownReference {
                    what: Reference::LegalBasis,
                    code: code.clone(),
                }
                .into());
            }
            let deadline = appeal_deadline(input.decided_on, input.appeal_deadline);
            check_terms(
                &Terms {
                    outcome: input.outcome,
                    service_type: &input.service_type,
                    decided_on: input.decided_on,
                    valid_from: input.valid_from,
                    valid_to: input.valid_to,
                    appeal_deadline: deadline,
                    prior_work_summary: input.prior_work_summary.as_deref(),
                },
                crate::domain::today(),
            )?;
            let now = Utc::now().naive_utc();
            let row = q::insert(
                conn,
                &NewDecision {
                    client_id,
                    municipality: client.municipality.clone(),
                    service_type: input.service_type,
                    service_id: input.service_id,
                    outcome: input.outcome,
                    legal_basis: input.legal_basis,
                    legal_basis_code: input.legal_basis_code,
                    decided_by: input.decided_by,
                    decided_on: input.decided_on,
                    valid_from: input.valid_from,
                    valid_to: input.valid_to,
                    appeal_deadline: deadline,
                    prior_work_summary: input.prior_work_summary,
                    created_by: sub,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            record_change(conn, client.municipality, &row, ChangeAction::Created)?;
            Ok(Created {
                record_id: row.id.get(),
                location: Some(format!("/api/v1/clients/{client_id}/decisions/{}", row.id)),
                etag: None,
                body: Decision::from(row),
            })
        })
        .await
}

/// The client's decisions, latest decided first, or as ndjson in id order.
#[utoipa::path(
    tag = "decisions",
    params(ClientPath, SyncQuery<UpdatedAt>),
    responses(
        (status = 200, content(
            (Vec<Decision> = "application/json"),
            (Decision = "application/x-ndjson"),
        )),
    )
)]
#[get("/clients/{id}/decisions")]
pub async fn list_decisions(
    db: web::Data<Db>,
    reader: ClientReader,
    id: web::Path<ClientPath>,
    sync: web::Query<SyncQuery<UpdatedAt>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let client_id = id.into_inner().id;
    let read =
        move |conn: &mut _, _: &_, slice: &_| Ok(q::list_for_client(conn, client_id, slice)?);
    let view = |r: DecisionRow, _: &_| (r.id.get(), Decision::from(r));
    let action = AuditAction::DecisionList;
    reader
        .records_list(&db, action, client_id, sync.listing(&req), (read, view))
        .await
}

/// Reads one decision of a client.
#[utoipa::path(
    tag = "decisions",
    params(ClientDecisionPath),
    responses(
        (status = 200, body = Decision),
    )
)]
#[get("/clients/{id}/decisions/{decision_id}")]
pub async fn get_decision(
    db: web::Data<Db>,
    reader: ClientReader,
    path: web::Path<ClientDecisionPath>,
) -> ApiResult<web::Json<Decision>> {
    let ClientDecisionPath {
        id: client_id,
        decision_id,
    } = path.into_inner();
    let subject = OfClient::record(client_id, decision_id.get());
    let row = reader
        .read_records_of(&db, AuditAction::DecisionRead, subject, move |conn, _| {
            Ok(q::get(conn, client_id, decision_id)?)
        })
        .await?;
    Ok(web::Json(row.into()))
}

/// Records the appeal against a decision: filed (`pending`), then decided (`upheld` or
/// `overturned`, with the day). A decided appeal is final (`appeal-decided`). An overturned
/// grant no longer covers new placements; placements made while it stood are not changed.
#[utoipa::path(
    tag = "decisions",
    request_body = AppealRecord,
    params(ClientDecisionPath),
    responses(
        (status = 200, body = Decision),
        (status = 409, response = p::Conflict),
        (status = 422, response = p::Unprocessable),
    )
)]
#[post("/clients/{id}/decisions/{decision_id}/appeal")]
pub async fn record_appeal(
    db: web::Data<Db>,
    writer: ClientWriter,
    path: web::Path<ClientDecisionPath>,
    body: Body<AppealRecord>,
) -> ApiResult<web::Json<Decision>> {
    let appeal = body.into_inner();
    let ClientDecisionPath {
        id: client_id,
        decision_id,
    } = path.into_inner();
    let action = AuditAction::DecisionAppeal;
    let subject = OfClient::record(client_id, decision_id.get());
    let row =
        writer
            .write(
                &db,
                action,
                subject.into(),
                move |conn, municipality, auditor| {
                    let access =
                        crate::domain::access::ClientAccess::Municipality(municipality.clone());
                    let client = crate::db::clients::get(conn, &access, client_id)?;
                    crate::db::clients::lock(conn, client_id)?;
                    let current = q::get(conn, client_id, decision_id)?;
                    let recorded = current.appealed_on.zip(current.appeal_outcome).map(
                        |(filed_on, outcome)| Appeal {
                            filed_on,
                            outcome,
                            decided_on: current.appeal_decided_on,
                        },
                    );
                    let requested = Appeal {
                        filed_on: appeal.filed_on,
                        outcome: appeal.outcome,
                        decided_on: appeal.decided_on,
                    };
                    check_appeal(
                        current.decided_on,
                        recorded.as_ref(),
                        &requested,
                        crate::domain::today(),
                    )?;
                    let row = q::set_appeal(
                        conn,
                        client_id,
                        decision_id,
                        &AppealChanges {
                            appealed_on: Some(requested.filed_on),
                            appeal_outcome: Some(requested.outcome),
                            appeal_decided_on: requested.decided_on,
                            updated_at: Utc::now().naive_utc(),
                        },
                    )?;
                    record_change(conn, client.municipality, &row, ChangeAction::Updated)?;
                    auditor.record(conn, action, Some(decision_id.get()), Some(client_id))?;
                    Ok(row)
                },
            )
            .await?;
    Ok(web::Json(row.into()))
}

/// A legal basis a decision may name by code.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegalBasis {
    #[schema(example = "social_services_law")]
    pub code: String,
    pub label: String,
}

/// Lists the legal bases a decision may name by code (`legal_basis_code`).
#[utoipa::path(
    security(()),
    tag = "reference",
    params(ListLang),
    responses((status = 200, content((super::List<LegalBasis> = "application/json"), (LegalBasis = "application/x-ndjson")), headers(("Content-Language" = String))))
)]
#[get("/legal-bases")]
pub async fn list_legal_bases(
    db: web::Data<Db>,
    lang: ListLang,
) -> ApiResult<LocalizedList<LegalBasis>> {
    let rows = db.run(q::legal_bases).await?;
    Ok(Localized::list(lang, rows, |r, lang| LegalBasis {
        label: lang.pick(&r.label_lv, &r.label_en).to_string(),
        code: r.code,
    }))
}
