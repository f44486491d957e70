//! The goals of the support plans, their tasks and progress notes: a current final plan's
//! goals are the more often achieved (or dropped) the longer ago it was finalised; a
//! replaced plan's goals stand as they were left; a draft's goals are all open.

use chrono::NaiveDate;
use rand::RngExt as _;

use super::Writer;
use crate::db::bulk::BulkInsert;
use crate::db::schema::{plan_goal_progress, plan_goal_tasks, plan_goals};
use crate::demo::random::{during, pick, plus_days, rng_for};
use crate::demo::{CREATED_BY, rule};
use crate::domain::disclosure::random_record_key;
use crate::domain::plan_goal::{GoalStatus, PlanStanding, check_progress};
use crate::domain::support_plan::PlanStatus;

/// A plan version written, as its goals need it.
#[derive(Debug, Clone, Copy)]
pub(in crate::demo) struct PlanVersion {
    pub id: i64,
    /// The client's index in the plan.
    pub client: usize,
    /// Final plans: the day finalised.
    pub finalised_on: Option<NaiveDate>,
    pub created_on: NaiveDate,
    /// The client's current final plan (final, not replaced).
    pub current: bool,
}

impl Writer<'_, '_> {
    pub(in crate::demo) fn plan_goals(&mut self, versions: &[PlanVersion]) -> anyhow::Result<()> {
        let plan = self.plan;
        let words = plan.words;
        let yesterday = plan.yesterday;
        let mut rng = rng_for(self.seed, "plan goals");
        self.progress.start("plan goals", versions.len() as u64);
        let mut goals = BulkInsert::new(
            self.conn,
            (
                plan_goals::id,
                plan_goals::plan_id,
                plan_goals::position,
                plan_goals::text,
                plan_goals::responsible,
                plan_goals::target_date,
                plan_goals::status,
                plan_goals::record_key,
            ),
        );
        let mut tasks = BulkInsert::new(
            self.conn,
            (
                plan_goal_tasks::goal_id,
                plan_goal_tasks::position,
                plan_goal_tasks::task,
            ),
        );
        let mut notes = BulkInsert::new(
            self.conn,
            (
                plan_goal_progress::goal_id,
                plan_goal_progress::noted_on,
                plan_goal_progress::status,
                plan_goal_progress::note,
                plan_goal_progress::recorded_by,
                plan_goal_progress::created_at,
            ),
        );
        let mut id = self.goal_base_id;
        for (i, version) in versions.iter().enumerate() {
            let start = version.finalised_on.unwrap_or(version.created_on);
            // The day progress stopped: yesterday for the current plan, the next version's
            // finalisation (approximated by its creation) for a replaced one.
            let until = match versions.get(i + 1) {
                Some(next) if !version.current && next.client == version.client => {
                    next.created_on.max(start)
                }
                _ => yesterday.max(start),
            };
            let age_days = (until - start).num_days().max(0);
            // How far the plan has come: 0 when just finalised, 1 after a year.
            let elapsed = (age_days as f64 / 365.0).min(1.0);
            for position in 0..rng.random_range(1..=4_i32) {
                let target_date = plus_days(start, rng.random_range(60..=365));
                let status = match version.finalised_on {
                    None => GoalStatus::Open,
                    Some(_) => {
                        let roll: f64 = rng.random_range(0.0..1.0);
                        let achieved = 0.08 + 0.32 * elapsed;
                        let dropped = 0.03 + 0.09 * elapsed;
                        if roll < achieved {
                            GoalStatus::Achieved
                        } else if roll < achieved + dropped {
                            GoalStatus::Dropped
                        } else {
                            GoalStatus::Open
                        }
                    }
                };
                goals.row(&[
                    id.into(),
                    version.id.into(),
                    position.into(),
                    pick(&mut rng, &words.goals).into(),
                    pick(&mut rng, &words.goal_responsible).into(),
                    target_date.into(),
                    status.into(),
                    random_record_key().into(),
                ]);
                for t in 0..rng.random_range(1..=3_i32) {
                    tasks.row(&[
                        id.into(),
                        t.into(),
                        pick(&mut rng, &words.goal_tasks).into(),
                    ]);
                }
                if let Some(finalised_on) = version.finalised_on {
                    // An open note on the way, then the closing one for a closed goal.
                    let mut steps = Vec::new();
                    if age_days > 30 && rng.random_bool(0.6) {
                        steps.push(GoalStatus::Open);
                    }
                    if status != GoalStatus::Open {
                        steps.push(status);
                    }
                    let mut from = GoalStatus::Open;
                    let mut day = finalised_on;
                    for (n, step) in steps.iter().enumerate() {
                        let left = (until - day).num_days().max(0) as u64;
                        let share = left / (steps.len() - n + 1) as u64;
                        day = plus_days(day, rng.random_range(0..=share)).min(until);
                        let standing = PlanStanding {
                            status: PlanStatus::Final,
                            replaced: false,
                            finalised_on: Some(finalised_on),
                        };
                        rule(
                            check_progress(standing, from, *step, day, until),
                            "goal progress",
                        )?;
                        notes.row(&[
                            id.into(),
                            day.into(),
                            (*step).into(),
                            words.goal_note(&mut rng, *step).into(),
                            CREATED_BY.into(),
                            during(&mut rng, day).into(),
                        ]);
                        from = *step;
                    }
                }
                id += 1;
            }
            if goals.end_group(self.conn)? {
                tasks.flush(self.conn)?;
                notes.flush(self.conn)?;
            }
            self.progress.tick(i as u64 + 1);
        }
        self.done(goals)?;
        self.done(tasks)?;
        self.done(notes)?;
        self.progress.finish();
        Ok(())
    }
}
