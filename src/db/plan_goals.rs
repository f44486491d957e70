//! The goals of support plans, their tasks and their progress notes (append-only), and the
//! plans due for review.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::schema::{clients, plan_goal_progress, plan_goal_tasks, plan_goals, support_plans};
use super::stats::CountFact;
use super::support_plans::PlanRow;
use super::{DbConnection, Listed, MultiBackend, QueryResult};
use crate::domain::codes::MunicipalityCode;
use crate::domain::disclosure::random_record_key;
use crate::domain::ids::*;
use crate::domain::plan_goal::GoalStatus;
use crate::domain::support_plan::PlanStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = plan_goals, check_for_backend(MultiBackend))]
pub struct GoalRow {
    pub id: GoalId,
    pub plan_id: PlanId,
    pub position: i32,
    pub text: String,
    pub responsible: String,
    pub target_date: NaiveDate,
    pub status: GoalStatus,
}

/// A goal as a plan's body sets it (every goal of a new plan starts `open`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGoal {
    pub text: String,
    pub tasks: Vec<String>,
    pub responsible: String,
    pub target_date: NaiveDate,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = plan_goal_progress, check_for_backend(MultiBackend))]
pub struct ProgressRow {
    pub id: i64,
    pub goal_id: GoalId,
    pub noted_on: NaiveDate,
    pub status: GoalStatus,
    pub note: String,
    pub recorded_by: String,
    pub created_at: NaiveDateTime,
}

/// A progress note to append: the database assigns the id.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = plan_goal_progress)]
pub struct NewProgress {
    pub goal_id: GoalId,
    pub noted_on: NaiveDate,
    pub status: GoalStatus,
    pub note: String,
    pub recorded_by: String,
    pub created_at: NaiveDateTime,
}

/// A goal with its tasks and its progress notes, oldest first.
#[derive(Debug, Clone)]
pub struct GoalEntry {
    pub row: GoalRow,
    pub tasks: Vec<String>,
    pub progress: Vec<ProgressRow>,
}

/// Sets the goals of a draft plan (`plan_id`): those it had are replaced. A draft's goals
/// have no progress notes (PLAN-GOAL-PROGRESS), so they are deleted outright.
pub fn replace(conn: &mut DbConnection, plan_id: PlanId, goals: &[NewGoal]) -> QueryResult<()> {
    let old = plan_goals::table
        .filter(plan_goals::plan_id.eq(plan_id))
        .select(plan_goals::id);
    diesel::delete(plan_goal_tasks::table.filter(plan_goal_tasks::goal_id.eq_any(old)))
        .execute(conn)?;
    diesel::delete(plan_goals::table.filter(plan_goals::plan_id.eq(plan_id))).execute(conn)?;
    for (position, goal) in (0_i32..).zip(goals) {
        let id: GoalId = diesel::insert_into(plan_goals::table)
            .values((
                plan_goals::plan_id.eq(plan_id),
                plan_goals::position.eq(position),
                plan_goals::text.eq(&goal.text),
                plan_goals::responsible.eq(&goal.responsible),
                plan_goals::target_date.eq(goal.target_date),
                plan_goals::status.eq(GoalStatus::Open),
                plan_goals::record_key.eq(random_record_key()),
            ))
            .returning(plan_goals::id)
            .get_result(conn)?;
        for (position, task) in (0_i32..).zip(&goal.tasks) {
            diesel::insert_into(plan_goal_tasks::table)
                .values((
                    plan_goal_tasks::goal_id.eq(id),
                    plan_goal_tasks::position.eq(position),
                    plan_goal_tasks::task.eq(task),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The goals of each of `plans`, in the order the plan lists them.
pub fn of_plans(
    conn: &mut DbConnection,
    plans: &[PlanId],
) -> QueryResult<BTreeMap<PlanId, Vec<GoalEntry>>> {
    let rows: Vec<GoalRow> = plan_goals::table
        .filter(plan_goals::plan_id.eq_any(plans))
        .order((plan_goals::plan_id, plan_goals::position))
        .select(GoalRow::as_select())
        .load(conn)?;
    let ids: Vec<GoalId> = rows.iter().map(|r| r.id).collect();
    let mut tasks: BTreeMap<GoalId, Vec<String>> = BTreeMap::new();
    for (goal, task) in plan_goal_tasks::table
        .filter(plan_goal_tasks::goal_id.eq_any(&ids))
        .order((plan_goal_tasks::goal_id, plan_goal_tasks::position))
        .select((plan_goal_tasks::goal_id, plan_goal_tasks::task))
        .load::<(GoalId, String)>(conn)?
    {
        tasks.entry(goal).or_default().push(task);
    }
    let mut progress: BTreeMap<GoalId, Vec<ProgressRow>> = BTreeMap::new();
    for row in plan_goal_progress::table
        .filter(plan_goal_progress::goal_id.eq_any(&ids))
        .order((plan_goal_progress::goal_id, plan_goal_progress::id))
        .select(ProgressRow::as_select())
        .load(conn)?
    {
        progress.entry(row.goal_id).or_default().push(row);
    }
    let mut by_plan: BTreeMap<PlanId, Vec<GoalEntry>> = BTreeMap::new();
    for row in rows {
        by_plan.entry(row.plan_id).or_default().push(GoalEntry {
            tasks: tasks.remove(&row.id).unwrap_or_default(),
            progress: progress.remove(&row.id).unwrap_or_default(),
            row,
        });
    }
    Ok(by_plan)
}

/// One goal of a plan.
pub fn get(conn: &mut DbConnection, plan_id: PlanId, id: GoalId) -> QueryResult<GoalRow> {
    plan_goals::table
        .filter(plan_goals::id.eq(id))
        .filter(plan_goals::plan_id.eq(plan_id))
        .select(GoalRow::as_select())
        .first(conn)
}

/// Appends a progress note to a goal and sets the goal's status to the note's.
pub fn record_progress(conn: &mut DbConnection, progress: &NewProgress) -> QueryResult<()> {
    diesel::insert_into(plan_goal_progress::table)
        .values(progress)
        .execute(conn)?;
    diesel::update(plan_goals::table.find(progress.goal_id))
        .set(plan_goals::status.eq(progress.status))
        .execute(conn)?;
    Ok(())
}

/// A plan due for review with the client's given and family name and its open goals.
pub type DueRow = (PlanRow, String, String, i64);

/// The current final plans of `municipality`'s clients due for review on or before
/// `before` (flagged ones are due the day they were flagged), earliest first.
pub fn due(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
    before: NaiveDate,
    (limit, offset): (i64, i64),
) -> QueryResult<Listed<DueRow>> {
    let filtered = || {
        support_plans::table
            .inner_join(clients::table)
            .filter(support_plans::status.eq(PlanStatus::Final))
            .filter(support_plans::replaced_by_id.is_null())
            .filter(support_plans::next_review_due.le(before))
            .filter(clients::municipality.eq(municipality.clone()))
            .into_boxed::<MultiBackend>()
    };
    let total = filtered().count().get_result(conn)?;
    let rows: Vec<(PlanRow, String, String)> = filtered()
        .order((
            support_plans::next_review_due.asc(),
            support_plans::id.asc(),
        ))
        .limit(limit)
        .offset(offset)
        .select((
            PlanRow::as_select(),
            clients::given_name,
            clients::family_name,
        ))
        .load(conn)?;
    let ids: Vec<PlanId> = rows.iter().map(|r| r.0.id).collect();
    let open: BTreeMap<PlanId, i64> = plan_goals::table
        .filter(plan_goals::plan_id.eq_any(&ids))
        .filter(plan_goals::status.eq(GoalStatus::Open))
        .group_by(plan_goals::plan_id)
        .select((plan_goals::plan_id, count_star()))
        .load::<(PlanId, i64)>(conn)?
        .into_iter()
        .collect();
    let rows = rows
        .into_iter()
        .map(|(plan, given, family)| {
            let open = open.get(&plan.id).copied().unwrap_or_default();
            (plan, given, family, open)
        })
        .collect();
    Ok(Listed { rows, total })
}

impl super::audit::Discloses for DueRow {
    fn disclosed(&self) -> Vec<ClientId> {
        vec![self.0.client_id]
    }
}

/// The goals of the clients' current final plans by the municipality that owns the case,
/// the client's target group and the goal's status, with the sum of the goals' record keys.
/// A stored status outside the closed set is an error, never counted under some other.
pub fn goal_counts(conn: &mut DbConnection) -> QueryResult<Vec<CountFact>> {
    let facts: Vec<CountFact> = diesel::sql_query(format!(
        "SELECT c.municipality, c.target_group, g.status AS value, COUNT(*) AS count, \
         COALESCE(SUM(g.record_key), 0) AS key_sum \
         FROM plan_goals g JOIN support_plans p ON p.id = g.plan_id \
         JOIN clients c ON c.id = p.client_id \
         WHERE p.status = '{status}' AND p.replaced_by_id IS NULL \
         GROUP BY c.municipality, c.target_group, g.status",
        status = PlanStatus::Final.as_str(),
    ))
    .load(conn)?;
    if let Some(unknown) = facts.iter().find(|f| GoalStatus::parse(&f.value).is_none()) {
        return Err(diesel::result::Error::DeserializationError(
            format!("unknown support plan goal status {:?}", unknown.value).into(),
        ));
    }
    Ok(facts)
}
