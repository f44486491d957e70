//! The shared case record: what a provider's staff need to carry out a client's plan, while
//! the provider places the client or holds a place for them (and a state social care centre
//! for its follow-up after the client left it), and the plan a mentor follows while assigned
//! to the client: `domain::access::shares_case`.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::assessments::Assessment;
use super::audit::Caller;
use super::paths::ClientPath;
use super::support_plans::{SupportPlan, plan_view};
use crate::db::{Db, DbConnection, assessments, clients, referrals, support_plans};
use crate::domain::access::{ClientAccess, Sharer, shared_record_access, shares_case};
use crate::domain::audit::{AuditAction, OfClient};
use crate::domain::client::TargetGroup;
use crate::domain::ids::ClientId;
use crate::domain::policy::Policy;
use crate::error::{ApiError, ApiResult};

/// A client's case as a provider serving them needs it: never the personal code.
#[derive(Debug, Serialize, ToSchema)]
pub struct SharedRecord {
    pub client_id: ClientId,
    pub given_name: String,
    pub family_name: String,
    pub target_group: TargetGroup,
    /// The current final support plan, if any.
    pub support_plan: Option<SupportPlan>,
    /// The current assessment, if any; never for a mentor, who follows the plan.
    pub assessment: Option<Assessment>,
}

/// SHARE-NEED-TO-KNOW: `404` unless `sharer` shares the client's case today.
pub(crate) fn check_shares_case(
    conn: &mut DbConnection,
    sharer: Sharer,
    client_id: ClientId,
    policy: &Policy,
) -> ApiResult<()> {
    let relations = referrals::case_relations(conn, sharer, client_id)?;
    if shares_case(
        &relations,
        crate::domain::today(),
        policy.vsac_follow_up_days,
    ) {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// The client's shared case record, for the staff of a provider that places the client or
/// holds a place for them by an accepted referral, of a state social care centre for
/// `KOPIENA_VSAC_FOLLOW_UP_DAYS` (default 92) after the client left it (INV-A13), and for
/// the client's mentor while assigned (the plan, without the assessment). Any other client is
/// `404`, as if it did not exist; other roles read the case through the client's own
/// endpoints. Every read is in the client's access log with the reader.
#[utoipa::path(
    tag = "clients",
    params(ClientPath),
    responses(
        (status = 200, body = SharedRecord),
    )
)]
#[get("/clients/{id}/shared-record")]
pub async fn shared_record(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    caller: Caller,
    id: web::Path<ClientPath>,
) -> ApiResult<web::Json<SharedRecord>> {
    let client_id = id.into_inner().id;
    let action = AuditAction::ClientSharedRecordRead;
    let subject = OfClient::records(client_id).into();
    let policy = policy.into_inner();
    let record = caller
        .write(&db, action, subject, move |conn, user, auditor| {
            let sharer = shared_record_access(&user.scope)?;
            check_shares_case(conn, sharer, client_id, &policy)?;
            auditor.record(conn, action, None, Some(client_id))?;
            let client = clients::get(conn, &ClientAccess::All, client_id)?;
            let group = client.target_group;
            let current = match sharer {
                Sharer::Provider(_) => assessments::current(conn, client_id)?,
                Sharer::Mentor(_) => None,
            };
            let assessment = match current {
                Some(current) => Some(assessments::get(conn, client_id, current.id)?.into()),
                None => None,
            };
            Ok(SharedRecord {
                client_id,
                given_name: client.given_name,
                family_name: client.family_name,
                target_group: group,
                support_plan: support_plans::current_final(conn, client_id)?
                    .map(|plan| plan_view(plan, group)),
                assessment,
            })
        })
        .await?;
    Ok(web::Json(record))
}
