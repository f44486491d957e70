//! `GET /clients/{id}/export`: everything Kopiena holds on one person, as one document, for
//! the data subject's right of access (GDPR art. 15). The owning municipality answers the
//! request; the export is itself audited, and appears in the access log it carries.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::assessments::Assessment;
use super::audit::{AuditRecord, ClientWriter};
use super::clients::{Client, client_view};
use super::decisions::Decision;
use super::mentors::{Assignment, assignment_view};
use super::paths::ClientPath;
use super::placements::{self, Placement};
use super::support_plans::{SupportPlan, plan_view};
use super::transfers::Transfer;
use crate::db::{Db, Slice, assessments, audit, clients, mentors, support_plans};
use crate::domain::access::ClientAccess;
use crate::domain::audit::{AuditAction, OfClient};
use crate::error::ApiResult;
use crate::pii::PiiKeys;

/// Everything held on one person.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientExport {
    pub exported_at: DateTime<Utc>,
    /// The client's record, with the personal code.
    pub client: Client,
    /// Changes of the case-owning municipality, oldest first.
    pub transfers: Vec<Transfer>,
    /// Care-level assessments, newest first.
    pub assessments: Vec<Assessment>,
    /// Support plans, every version.
    pub support_plans: Vec<SupportPlan>,
    /// The municipality's service decisions, latest decided first.
    pub decisions: Vec<Decision>,
    pub placements: Vec<Placement>,
    pub mentor_assignments: Vec<Assignment>,
    /// Every recorded access to the person's data, newest first, this export included.
    pub access_log: Vec<AuditRecord>,
}

/// Everything held on the client, as one JSON document (the data subject's right of access,
/// GDPR art. 15): the record with its personal code, transfers, assessments, support plans,
/// service decisions, placements, mentor assignments, and every access to the data. For the owning
/// municipality; audited as `client.export`. Rectification of the personal code and birth
/// date is `PATCH /clients/{id}`.
#[utoipa::path(
    tag = "clients",
    params(ClientPath),
    responses(
        (status = 200, body = ClientExport),
    )
)]
#[get("/clients/{id}/export")]
pub async fn export_client(
    db: web::Data<Db>,
    keys: web::Data<PiiKeys>,
    writer: ClientWriter,
    id: web::Path<ClientPath>,
) -> ApiResult<web::Json<ClientExport>> {
    let id = id.into_inner().id;
    let keys = keys.into_inner();
    let export = writer
        .records_of(
            &db,
            AuditAction::ClientExport,
            OfClient::records(id),
            move |conn, client| {
                let access = ClientAccess::Municipality(client.municipality.clone());
                let group = client.target_group;
                let log = audit::AuditFilter {
                    client_id: Some(id),
                    ..Default::default()
                };
                Ok(ClientExport {
                    exported_at: Utc::now(),
                    transfers: clients::transfers(conn, id, &Slice::default())?
                        .into_iter()
                        .map(Transfer::from)
                        .collect(),
                    assessments: assessments::list_for_client(conn, id, &Slice::default())?
                        .into_iter()
                        .map(Assessment::from)
                        .collect(),
                    support_plans: support_plans::list_for_client(conn, id, &Slice::default())?
                        .into_iter()
                        .map(|plan| plan_view(plan, group))
                        .collect(),
                    decisions: crate::db::decisions::list_for_client(conn, id, &Slice::default())?
                        .into_iter()
                        .map(Decision::from)
                        .collect(),
                    placements: crate::db::placements::list(
                        conn,
                        Some(id),
                        None,
                        None,
                        false,
                        &Slice::default(),
                    )?
                    .into_iter()
                    .map(placements::view)
                    .collect(),
                    mentor_assignments: mentors::assignments(
                        conn,
                        None,
                        Some(id),
                        None,
                        &Slice::default(),
                    )?
                    .into_iter()
                    .map(assignment_view)
                    .collect(),
                    access_log: audit::list(conn, &log, i64::MAX, 0)?
                        .rows
                        .into_iter()
                        .map(AuditRecord::from)
                        .collect(),
                    client: client_view(client, &access, &keys)?,
                })
            },
        )
        .await?;
    Ok(web::Json(export))
}
