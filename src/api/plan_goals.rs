//! Plans that are followed up (issue 15, point 5): the goals a plan sets, their progress on
//! a final plan (no new plan version), and the plans due for review (`domain::plan_goal`).

use actix_web::{HttpRequest, HttpResponse, Responder, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::audit::{CaseOwner, ClientWriter};
use super::body::Body;
use super::common::{self, Page, PageQuery};
use super::paths::ClientPlanGoalPath;
use super::problems as p;
use super::support_plans::{SupportPlan, plan_view};
use crate::db::assessments::{self, AssessmentRow};
use crate::db::changes::{self, Change};
use crate::db::plan_goals::{self as q, GoalEntry, NewGoal, NewProgress};
use crate::db::support_plans::{self as plans, PlanRow};
use crate::db::{Db, DbConnection, Listed, clients};
use crate::domain::access::ClientAccess;
use crate::domain::audit::{AuditAction, OfClient};
use crate::domain::change::{Audience, ChangeAction, ChangeType};
use crate::domain::codes::MunicipalityCode;
use crate::domain::ids::*;
use crate::domain::plan_goal::{
    GoalStatus, PlanStanding, changes_care_level, check_progress, flagged_review_due,
};
use crate::error::{ApiError, ApiResult};

/// A progress note on a goal: its status from that day, and what happened.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalProgress {
    pub noted_on: NaiveDate,
    pub status: GoalStatus,
    #[schema(example = "Started work at the day centre's kitchen, three days a week.")]
    pub note: String,
    /// The token subject of the caller who recorded it.
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A goal of a support plan, with its progress notes (oldest first).
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanGoal {
    pub id: GoalId,
    #[schema(example = "Find supported employment")]
    pub text: String,
    pub tasks: Vec<String>,
    /// Who sees the goal through: a person, a service or an organisation.
    #[schema(example = "Social worker of the municipal social service")]
    pub responsible: String,
    pub target_date: NaiveDate,
    /// `open` until achieved or dropped (PLAN-GOAL-STATUS).
    pub status: GoalStatus,
    pub progress: Vec<GoalProgress>,
}

pub(crate) fn goal_view(e: GoalEntry) -> PlanGoal {
    PlanGoal {
        id: e.row.id,
        text: e.row.text,
        tasks: e.tasks,
        responsible: e.row.responsible,
        target_date: e.row.target_date,
        status: e.row.status,
        progress: e
            .progress
            .into_iter()
            .map(|p| GoalProgress {
                noted_on: p.noted_on,
                status: p.status,
                note: p.note,
                recorded_by: p.recorded_by,
                recorded_at: p.created_at.and_utc(),
            })
            .collect(),
    }
}

/// Why a final plan is due for review before its time (PLAN-REVIEW-CARE-LEVEL): an
/// assessment changed the client's care level.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewFlag {
    /// The day the assessment was recorded; the plan is due for review from then.
    pub flagged_on: NaiveDate,
    /// The assessment that changed the care level.
    pub assessment_id: AssessmentId,
}

pub(crate) fn review_flag(row: &PlanRow) -> Option<ReviewFlag> {
    row.review_flagged_on
        .zip(row.review_flag_assessment_id)
        .map(|(flagged_on, assessment_id)| ReviewFlag {
            flagged_on,
            assessment_id,
        })
}

/// A goal as a plan's body sets it (a draft's goals are replaced as a whole).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalInput {
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "Find supported employment"
    )]
    pub text: String,
    /// The steps towards the goal, each 1 to 1000 characters.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub tasks: Vec<String>,
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "Social worker of the municipal social service"
    )]
    pub responsible: String,
    pub target_date: NaiveDate,
}

/// The goals of a plan's body, each text non-blank and each task 1 to 1000 characters.
pub(crate) fn new_goals(inputs: Vec<GoalInput>) -> ApiResult<Vec<NewGoal>> {
    inputs
        .into_iter()
        .enumerate()
        .map(|(i, g)| {
            let blank =
                |field: &str| ApiError::field(&format!("/goals/{i}/{field}"), "must not be blank");
            if g.text.trim().is_empty() {
                return Err(blank("text"));
            }
            if g.responsible.trim().is_empty() {
                return Err(blank("responsible"));
            }
            for (t, task) in g.tasks.iter().enumerate() {
                if task.trim().is_empty() || task.chars().count() > 1000 {
                    return Err(ApiError::field(
                        &format!("/goals/{i}/tasks/{t}"),
                        "a task is 1 to 1000 characters, not blank",
                    ));
                }
            }
            Ok(NewGoal {
                text: g.text,
                tasks: g.tasks,
                responsible: g.responsible,
                target_date: g.target_date,
            })
        })
        .collect()
}

/// A goal's status from `noted_on`, with a note of what happened.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordGoalProgress {
    pub status: GoalStatus,
    #[validate(length(min = 1, max = 4000))]
    #[schema(
        min_length = 1,
        max_length = 4000,
        example = "Started work at the day centre's kitchen, three days a week."
    )]
    pub note: String,
    /// The day of the progress: from the plan's finalisation to today (default today).
    pub noted_on: Option<NaiveDate>,
}

/// Tells the change feed that a plan of a client of `municipality` changed.
fn record_change(
    conn: &mut DbConnection,
    municipality: MunicipalityCode,
    row: &PlanRow,
) -> ApiResult<()> {
    let change = Change::new(
        ChangeType::SupportPlan,
        row.id.get(),
        ChangeAction::Updated,
        Audience::case_of(municipality),
    );
    changes::record(conn, &change.of(row.client_id.get()))?;
    Ok(())
}

/// Records the progress of a goal of the client's current final plan: its status (`open`,
/// `achieved`, `dropped`; a closed goal only reopens) and a dated note, without a new plan
/// version (the plan's ETag changes). Audited as `support_plan.goal_progress`.
#[utoipa::path(
    tag = "support plans",
    request_body = RecordGoalProgress,
    params(ClientPlanGoalPath),
    responses(
        (status = 200, body = SupportPlan, headers(("ETag" = String))),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/clients/{id}/support-plans/{plan_id}/goals/{goal_id}/progress")]
pub async fn record_goal_progress(
    db: web::Data<Db>,
    writer: ClientWriter,
    path: web::Path<ClientPlanGoalPath>,
    body: Body<RecordGoalProgress>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    input.validate()?;
    if input.note.trim().is_empty() {
        return Err(ApiError::field("/note", "must not be blank"));
    }
    let ClientPlanGoalPath {
        id: client_id,
        plan_id,
        goal_id,
    } = path.into_inner();
    let action = AuditAction::SupportPlanGoalProgress;
    let subject = OfClient::record(client_id, plan_id.get());
    let sub = writer.user.sub.clone();
    let (plan, tag) = writer
        .write(
            &db,
            action,
            subject.into(),
            move |conn, municipality, auditor| {
                let access = ClientAccess::Municipality(municipality.clone());
                let client = clients::get(conn, &access, client_id)?;
                clients::lock(conn, client_id)?;
                let current = plans::get(conn, client_id, plan_id)?;
                let goal = q::get(conn, plan_id, goal_id)?;
                let today = crate::domain::today();
                let noted_on = input.noted_on.unwrap_or(today);
                let standing = PlanStanding {
                    status: current.row.status,
                    replaced: current.row.replaced_by_id.is_some(),
                    finalised_on: current.row.finalised_at.map(|t| {
                        t.and_utc()
                            .with_timezone(&chrono_tz::Europe::Riga)
                            .date_naive()
                    }),
                };
                check_progress(standing, goal.status, input.status, noted_on, today)?;
                let now = Utc::now().naive_utc();
                q::record_progress(
                    conn,
                    &NewProgress {
                        goal_id,
                        noted_on,
                        status: input.status,
                        note: input.note,
                        recorded_by: sub,
                        created_at: now,
                    },
                )?;
                plans::touch(conn, plan_id, now)?;
                let entry = plans::get(conn, client_id, plan_id)?;
                record_change(conn, client.municipality, &entry.row)?;
                auditor.record(conn, action, Some(plan_id.get()), Some(client_id))?;
                let tag = common::etag(entry.row.id, entry.row.version);
                Ok((plan_view(entry, client.target_group), tag))
            },
        )
        .await?;
    Ok(common::with_etag(&plan, tag))
}

/// PLAN-REVIEW-CARE-LEVEL: after `assessment` was recorded, flags the client's current final
/// plan for review when the assessment changed the care level of the one it follows.
pub(crate) fn flag_on_care_level_change(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
    assessment: &AssessmentRow,
) -> ApiResult<()> {
    let Some(previous) = assessment.supersedes_id else {
        return Ok(());
    };
    let before = assessments::care_level(conn, previous)?;
    if !changes_care_level(Some(before), assessment.care_level) {
        return Ok(());
    }
    let Some(plan) = plans::current_final(conn, assessment.client_id)? else {
        return Ok(());
    };
    let today = crate::domain::today();
    let due = flagged_review_due(plan.row.next_review_due, today);
    let now = Utc::now().naive_utc();
    plans::flag_for_review(conn, plan.row.id, (today, assessment.id), due, now)?;
    record_change(conn, municipality.clone(), &plan.row)
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlansDueQuery {
    /// Due for review on or before this date (default: 30 days from today, the coming
    /// month's reviews). A flagged plan is due from the day it was flagged.
    pub before: Option<NaiveDate>,
}

/// Days ahead the due list looks without `before`.
pub const DUE_WINDOW_DAYS: u64 = 30;

/// A client's current final plan due for review.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanDueItem {
    pub client_id: ClientId,
    pub given_name: String,
    pub family_name: String,
    pub plan_id: PlanId,
    pub plan_version: i32,
    pub finalised_at: Option<DateTime<Utc>>,
    /// KOPIENA_PLAN_REVIEW_MONTHS after finalisation, or the day a care-level change flagged it.
    pub next_review_due: NaiveDate,
    pub review_flag: Option<ReviewFlag>,
    /// Due before today.
    pub overdue: bool,
    /// Goals of the plan still open.
    pub open_goals: i64,
}

/// The current final plans of the caller's clients due for review on or before `before`
/// (PLAN-REVIEW; a plan flagged by a change of the client's care level is due from the day
/// flagged, PLAN-REVIEW-CARE-LEVEL), earliest first. For the case-owning municipality only;
/// audited once per client listed (`support_plan.due.list`).
#[utoipa::path(
    tag = "support plans",
    params(PlansDueQuery, PageQuery),
    responses(
        (status = 200, body = Page<PlanDueItem>, headers(("Link" = String, description = "RFC 8288 links to the first, last, previous and next pages."))),
    )
)]
#[get("/support-plans/due")]
pub async fn list_due_plans(
    db: web::Data<Db>,
    owner: CaseOwner,
    query: web::Query<PlansDueQuery>,
    page: web::Query<PageQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let (limit, offset) = page.resolve()?;
    let today = crate::domain::today();
    let before = match query.before {
        Some(day) => day,
        None => today
            .checked_add_days(chrono::Days::new(DUE_WINDOW_DAYS))
            .unwrap_or(today),
    };
    let action = AuditAction::SupportPlanDueList;
    let Listed { rows, total } = owner
        .listed(&db, action, move |conn, municipality| {
            Ok(q::due(conn, municipality, before, (limit, offset))?)
        })
        .await?;
    let items = rows
        .into_iter()
        .map(|(plan, given_name, family_name, open_goals)| {
            let due = plan.next_review_due.unwrap_or(today);
            PlanDueItem {
                client_id: plan.client_id,
                given_name,
                family_name,
                plan_id: plan.id,
                plan_version: plan.plan_version,
                finalised_at: plan.finalised_at.map(|t| t.and_utc()),
                next_review_due: due,
                review_flag: review_flag(&plan),
                overdue: due < today,
                open_goals,
            }
        })
        .collect();
    let page = Page {
        items,
        total,
        limit,
        offset,
    };
    Ok(page.respond_to(&req))
}
