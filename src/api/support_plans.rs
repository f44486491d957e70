//! Individual support plans: draft → final, new versions replace final plans.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::List;
use super::audit::{ClientReader, ClientWriter};
use super::body::Body;
use super::common::{self, Created, IdempotencyKey, Idempotent, IfMatch, SyncQuery, UpdatedAt};
use super::lang::{ListLang, Localized, LocalizedList};
use super::paths::{ClientPath, ClientPlanPath};
use super::plan_goals::{GoalInput, PlanGoal, ReviewFlag, goal_view, new_goals, review_flag};
use super::problems as p;
use crate::db::changes::{self, Change};
use crate::db::clients::ClientRow;
use crate::db::plan_goals::NewGoal;
use crate::db::support_plans::{self as q, PlanChanges, PlanEntry};
use crate::db::{Db, DbConnection, assessments, clients};
use crate::domain::audit::{AuditAction, OfClient};
use crate::domain::change::{Audience, ChangeAction, ChangeType};
use crate::domain::client::TargetGroup;
use crate::domain::codes::MunicipalityCode;
use crate::domain::ids::*;
use crate::domain::plan_goal::review_due;
use crate::domain::policy::Policy;
use crate::domain::support_plan::PlanStatus;
use crate::domain::support_plan::{
    OpinionKind, check_finalisable, check_known_sections, opinion_kind, sections_for,
};
use crate::domain::{DomainError, Reference};
use crate::error::{ApiError, ApiResult, unknown_reference};

#[derive(Debug, Serialize, ToSchema)]
pub struct SupportPlan {
    pub id: PlanId,
    pub client_id: ClientId,
    /// 1 for the client's first plan, then 2, 3…
    pub plan_version: i32,
    pub status: PlanStatus,
    pub assessment_id: Option<AssessmentId>,
    /// `child_opinion` for the child groups, `own_choice` for adults (INV-A10).
    pub opinion_kind: OpinionKind,
    pub opinion: Option<String>,
    /// Section code → content.
    pub sections: BTreeMap<String, String>,
    /// Mandatory sections still empty (and the opinion, if missing): empty when finalisable.
    pub missing: Vec<String>,
    /// The plan's goals, in its order: set with the plan while it is a draft; on the final
    /// plan their status moves with progress notes (`POST …/goals/{goal_id}/progress`).
    pub goals: Vec<PlanGoal>,
    pub finalised_at: Option<DateTime<Utc>>,
    /// A final plan: KOPIENA_PLAN_REVIEW_MONTHS (at most 12) after finalisation, or the day a
    /// change of the client's care level flagged it (PLAN-REVIEW, PLAN-REVIEW-CARE-LEVEL).
    pub next_review_due: Option<NaiveDate>,
    /// Set when a new assessment changed the client's care level: the plan is due for
    /// review. A new final version replaces the plan, and with it the flag.
    pub review_flag: Option<ReviewFlag>,
    /// The later final plan that replaced this one.
    pub replaced_by_id: Option<PlanId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) fn plan_view(e: PlanEntry, group: TargetGroup) -> SupportPlan {
    let flag = review_flag(&e.row);
    let missing = match check_finalisable(
        group,
        e.sections.keys().map(String::as_str),
        e.row.opinion.is_some(),
    ) {
        Err(DomainError::PlanIncomplete { missing }) => missing,
        _ => Vec::new(),
    };
    SupportPlan {
        id: e.row.id,
        client_id: e.row.client_id,
        plan_version: e.row.plan_version,
        status: e.row.status,
        assessment_id: e.row.assessment_id,
        opinion_kind: opinion_kind(group),
        opinion: e.row.opinion,
        sections: e.sections,
        missing,
        goals: e.goals.into_iter().map(goal_view).collect(),
        finalised_at: e.row.finalised_at.map(|t| t.and_utc()),
        next_review_due: e.row.next_review_due,
        review_flag: flag,
        replaced_by_id: e.row.replaced_by_id,
        created_at: e.row.created_at.and_utc(),
        updated_at: e.row.updated_at.and_utc(),
    }
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSupportPlan {
    /// Section code → content (`GET /api/v1/support-plan-sections?target_group=…`).
    #[serde(default)]
    pub sections: BTreeMap<String, String>,
    /// The child's opinion or the adult's own choice.
    #[validate(length(min = 1, max = 8000))]
    #[schema(min_length = 1, max_length = 8000)]
    pub opinion: Option<String>,
    /// The assessment the plan is based on.
    pub assessment_id: Option<AssessmentId>,
    /// The plan's goals (each `open` to start with).
    #[serde(default)]
    #[validate(length(max = 30), nested)]
    #[schema(max_items = 30)]
    pub goals: Vec<GoalInput>,
    /// `draft` (default) or `final`.
    pub status: Option<PlanStatus>,
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSupportPlan {
    /// Sections to set (merged into the plan); an empty text removes a section.
    pub sections: Option<BTreeMap<String, String>>,
    #[validate(length(min = 1, max = 8000))]
    #[schema(min_length = 1, max_length = 8000)]
    pub opinion: Option<String>,
    pub assessment_id: Option<AssessmentId>,
    /// Replaces the draft's goals as a whole (`[]` removes them all).
    #[validate(length(max = 30), nested)]
    #[schema(max_items = 30)]
    pub goals: Option<Vec<GoalInput>>,
    /// `final` finalises the plan when nothing is missing.
    pub status: Option<PlanStatus>,
}

/// Tells the change feed that a plan of a client of `municipality` was created or updated,
/// and that the final plan it replaced, if any, changed with it.
fn record_changes(
    conn: &mut DbConnection,
    municipality: MunicipalityCode,
    entry: &PlanEntry,
    action: ChangeAction,
) -> ApiResult<()> {
    let client_id = entry.row.client_id.get();
    let audience = Audience::case_of(municipality);
    let plan = |id: PlanId, action| {
        Change::new(ChangeType::SupportPlan, id.get(), action, audience.clone()).of(client_id)
    };
    changes::record(conn, &plan(entry.row.id, action))?;
    for replaced in q::replaced_by(conn, entry.row.id)? {
        changes::record(conn, &plan(replaced, ChangeAction::Updated))?;
    }
    Ok(())
}

/// PLAN-REVIEW: a plan finalised today is due for review `months` from now; a draft is not
/// due.
fn review_date(status: PlanStatus, months: u32) -> Option<NaiveDate> {
    (status == PlanStatus::Final).then(|| review_due(crate::domain::today(), months))
}

/// Validates a plan's content and, when it is to be final, its completeness.
fn check_plan(
    conn: &mut DbConnection,
    group: TargetGroup,
    client_id: ClientId,
    sections: &BTreeMap<String, String>,
    opinion: Option<&str>,
    assessment_id: Option<AssessmentId>,
    status: PlanStatus,
) -> ApiResult<()> {
    check_known_sections(group, sections.keys().map(String::as_str))?;
    if let Some(id) = assessment_id {
        assessments::get(conn, client_id, id)
            .map_err(unknown_reference(Reference::AssessmentOfClient, id))?;
    }
    if status == PlanStatus::Final {
        check_finalisable(
            group,
            sections.keys().map(String::as_str),
            opinion.is_some(),
        )?;
    }
    Ok(())
}

/// Creates a new plan version for a client of the caller's municipality.
#[utoipa::path(
    tag = "support plans",
    request_body = CreateSupportPlan,
    params(ClientPath, IdempotencyKey),
    responses(
        (status = 201, body = SupportPlan, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/clients/{id}/support-plans")]
pub async fn create_support_plan(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    writer: ClientWriter,
    id: web::Path<ClientPath>,
    request: Idempotent<CreateSupportPlan>,
) -> ApiResult<HttpResponse> {
    let client_id = id.into_inner().id;
    let record = writer
        .creating(&db, AuditAction::SupportPlanCreate, client_id)
        .await?;
    let Idempotent { key, body: input } = request;
    input.validate()?;
    let goals = new_goals(input.goals)?;
    let review_months = policy.plan_review_months;
    record
        .create(db.get_ref(), key, move |conn, access, _| {
            let client = clients::get(conn, access, client_id)?;
            let group = client.target_group;
            let status = input.status.unwrap_or(PlanStatus::Draft);
            let sections: BTreeMap<String, String> = input
                .sections
                .into_iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .collect();
            check_plan(
                conn,
                group,
                client_id,
                &sections,
                input.opinion.as_deref(),
                input.assessment_id,
                status,
            )?;
            let now = Utc::now().naive_utc();
            let entry = q::insert(
                conn,
                client_id,
                &PlanChanges {
                    status,
                    assessment_id: input.assessment_id,
                    opinion: input.opinion,
                    finalised_at: (status == PlanStatus::Final).then_some(now),
                    next_review_due: review_date(status, review_months),
                    updated_at: now,
                },
                &sections,
                &goals,
            )?;
            record_changes(conn, client.municipality, &entry, ChangeAction::Created)?;
            Ok(Created {
                record_id: entry.row.id.get(),
                location: Some(format!(
                    "/api/v1/clients/{client_id}/support-plans/{}",
                    entry.row.id
                )),
                etag: Some(common::etag(entry.row.id, entry.row.version)),
                body: plan_view(entry, group),
            })
        })
        .await
}

/// The client's plans, newest version first, or as ndjson in id order.
#[utoipa::path(
    tag = "support plans",
    params(ClientPath, SyncQuery<UpdatedAt>),
    responses(
        (status = 200, content(
            (Vec<SupportPlan> = "application/json"),
            (SupportPlan = "application/x-ndjson"),
        )),
    )
)]
#[get("/clients/{id}/support-plans")]
pub async fn list_support_plans(
    db: web::Data<Db>,
    reader: ClientReader,
    id: web::Path<ClientPath>,
    sync: web::Query<SyncQuery<UpdatedAt>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let client_id = id.into_inner().id;
    let read =
        move |conn: &mut _, _: &_, slice: &_| Ok(q::list_for_client(conn, client_id, slice)?);
    let view =
        |e: PlanEntry, client: &ClientRow| (e.row.id.get(), plan_view(e, client.target_group));
    let action = AuditAction::SupportPlanList;
    reader
        .records_list(&db, action, client_id, sync.listing(&req), (read, view))
        .await
}

/// Reads one plan.
#[utoipa::path(
    tag = "support plans",
    params(ClientPlanPath),
    responses(
        (status = 200, body = SupportPlan, headers(("ETag" = String))),
    )
)]
#[get("/clients/{id}/support-plans/{plan_id}")]
pub async fn get_support_plan(
    db: web::Data<Db>,
    reader: ClientReader,
    path: web::Path<ClientPlanPath>,
) -> ApiResult<HttpResponse> {
    let ClientPlanPath {
        id: client_id,
        plan_id,
    } = path.into_inner();
    let subject = OfClient::record(client_id, plan_id.get());
    let (entry, group) = reader
        .read_records_of(
            &db,
            AuditAction::SupportPlanRead,
            subject,
            move |conn, client| Ok((q::get(conn, client_id, plan_id)?, client.target_group)),
        )
        .await?;
    let tag = common::etag(entry.row.id, entry.row.version);
    Ok(common::with_etag(&plan_view(entry, group), tag))
}

/// Edits a draft plan, or finalises it (`status: final`) when nothing is missing. A final
/// plan is not edited: create a new version instead.
#[utoipa::path(
    tag = "support plans",
    request_body = UpdateSupportPlan,
    params(ClientPlanPath, IfMatch),
    responses(
        (status = 200, body = SupportPlan, headers(("ETag" = String))),
        (status = 409, response = p::Conflict),
    )
)]
#[patch("/clients/{id}/support-plans/{plan_id}")]
pub async fn update_support_plan(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    writer: ClientWriter,
    path: web::Path<ClientPlanPath>,
    if_match: IfMatch,
    body: Body<UpdateSupportPlan>,
) -> ApiResult<HttpResponse> {
    let mut input = body.into_inner();
    input.validate()?;
    let goals: Option<Vec<NewGoal>> = input.goals.take().map(new_goals).transpose()?;
    let review_months = policy.plan_review_months;
    let ClientPlanPath {
        id: client_id,
        plan_id,
    } = path.into_inner();
    let subject = OfClient::record(client_id, plan_id.get());
    let (entry, group) = writer
        .records_of(
            &db,
            AuditAction::SupportPlanUpdate,
            subject,
            move |conn, client| {
                let group = client.target_group;
                clients::lock(conn, client_id)?;
                let current = q::get(conn, client_id, plan_id)?;
                if_match.check(&common::etag(current.row.id, current.row.version))?;
                if current.row.status == PlanStatus::Final {
                    return Err(DomainError::PlanFinal.into());
                }
                let mut sections = current.sections;
                for (code, content) in input.sections.unwrap_or_default() {
                    if content.trim().is_empty() {
                        sections.remove(&code);
                    } else {
                        sections.insert(code, content);
                    }
                }
                let opinion = input.opinion.or(current.row.opinion);
                let assessment_id = input.assessment_id.or(current.row.assessment_id);
                let status = input.status.unwrap_or(PlanStatus::Draft);
                check_plan(
                    conn,
                    group,
                    client_id,
                    &sections,
                    opinion.as_deref(),
                    assessment_id,
                    status,
                )?;
                let now = Utc::now().naive_utc();
                let entry = q::update(
                    conn,
                    plan_id,
                    current.row.version,
                    &PlanChanges {
                        status,
                        assessment_id,
                        opinion,
                        finalised_at: (status == PlanStatus::Final).then_some(now),
                        next_review_due: review_date(status, review_months),
                        updated_at: now,
                    },
                    &sections,
                    goals.as_deref(),
                )?
                .ok_or(ApiError::PreconditionFailed)?;
                record_changes(conn, client.municipality, &entry, ChangeAction::Updated)?;
                Ok((entry, group))
            },
        )
        .await?;
    let tag = common::etag(entry.row.id, entry.row.version);
    Ok(common::with_etag(&plan_view(entry, group), tag))
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SectionsQuery {
    /// The DI target group whose plan sections to list.
    pub target_group: TargetGroup,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanSection {
    #[schema(example = "employment")]
    pub code: String,
    pub title: String,
    /// Every section is mandatory for a final plan (INV-A09).
    pub mandatory: bool,
}

/// The sections of a support plan for a target group (di-rules §4.6).
#[utoipa::path(
    security(()),
    tag = "reference",
    params(SectionsQuery, ListLang),
    responses(
        (status = 200, content((List<PlanSection> = "application/json"), (PlanSection = "application/x-ndjson")), headers(("Content-Language" = String))),
    )
)]
#[get("/support-plan-sections")]
pub async fn list_plan_sections(
    query: web::Query<SectionsQuery>,
    lang: ListLang,
) -> ApiResult<LocalizedList<PlanSection>> {
    let sections = sections_for(query.target_group);
    Ok(Localized::list(lang, sections, |s, lang| PlanSection {
        code: s.code.to_string(),
        title: lang.pick(s.title_lv, s.title_en).to_string(),
        mandatory: true,
    }))
}
