//! Plans that are followed up (issue 15, point 5): a final plan's goals, whose status moves
//! with dated progress notes without a new plan version, and the plan's review date.
//!
//! Rules:
//! - PLAN-REVIEW: a final plan is due for review `plan_review_months` (1 to 12) after the
//!   day it was finalised.
//! - PLAN-REVIEW-CARE-LEVEL: an assessment that changes the client's care level from the
//!   assessment it follows flags the client's current final plan for review, due that day
//!   (or earlier, if it already was). A new final plan version replaces the flagged one.
//! - PLAN-GOAL-PROGRESS: progress is recorded on the goals of the client's current final
//!   plan only (a draft's goals are edited with the plan; a replaced plan is history), dated
//!   from the plan's finalisation to today.
//! - PLAN-GOAL-STATUS: a goal is `open` until `achieved` or `dropped`; a closed goal only
//!   reopens (`open`), it does not turn from achieved to dropped or back.

use chrono::{Months, NaiveDate};

use super::DomainError;
use super::assessment::CareLevel;
use super::codes::closed_set;
use super::support_plan::PlanStatus;

/// The longest review period the plan allows (and the default).
pub const MAX_REVIEW_MONTHS: u32 = 12;

closed_set! {
    /// Where a goal of a support plan stands.
    pub enum GoalStatus {
        Open = "open",
        Achieved = "achieved",
        Dropped = "dropped",
    }
}

impl GoalStatus {
    /// The status's name in Latvian and in English (the statistics' `goal_status_label`).
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            GoalStatus::Open => ("atvērts", "open"),
            GoalStatus::Achieved => ("sasniegts", "achieved"),
            GoalStatus::Dropped => ("atmests", "dropped"),
        }
    }

    /// Achieved and dropped goals are closed.
    pub fn is_closed(self) -> bool {
        self != GoalStatus::Open
    }
}

/// PLAN-REVIEW: whether a configured review period is allowed (1 to 12 months).
pub fn review_months_allowed(months: u32) -> bool {
    (1..=MAX_REVIEW_MONTHS).contains(&months)
}

/// PLAN-REVIEW: the day a plan finalised on `finalised_on` is due for review.
pub fn review_due(finalised_on: NaiveDate, months: u32) -> NaiveDate {
    finalised_on
        .checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// PLAN-REVIEW-CARE-LEVEL: whether an assessment of `assessed` changes the care level of the
/// assessment it follows (`previous`; none for the client's first assessment).
pub fn changes_care_level(previous: Option<CareLevel>, assessed: CareLevel) -> bool {
    previous.is_some_and(|before| before != assessed)
}

/// PLAN-REVIEW-CARE-LEVEL: the review date of a plan due on `due` once flagged on
/// `flagged_on`: due then, unless it already was earlier.
pub fn flagged_review_due(due: Option<NaiveDate>, flagged_on: NaiveDate) -> NaiveDate {
    due.map_or(flagged_on, |d| d.min(flagged_on))
}

/// A plan whose goal progress is to be recorded, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanStanding {
    pub status: PlanStatus,
    /// A later final version replaced it.
    pub replaced: bool,
    pub finalised_on: Option<NaiveDate>,
}

/// PLAN-GOAL-PROGRESS and PLAN-GOAL-STATUS: whether a goal now `from` may be recorded as
/// `to` with a note dated `noted_on`, on a plan standing as `plan`.
pub fn check_progress(
    plan: PlanStanding,
    from: GoalStatus,
    to: GoalStatus,
    noted_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), DomainError> {
    let finalised_on = match plan {
        PlanStanding {
            status: PlanStatus::Final,
            replaced: false,
            finalised_on: Some(day),
        } => day,
        _ => return Err(DomainError::PlanNotCurrent),
    };
    if noted_on < finalised_on || noted_on > today {
        return Err(DomainError::GoalProgressDate {
            not_before: finalised_on,
        });
    }
    if from.is_closed() && to.is_closed() && from != to {
        return Err(DomainError::GoalStatusChange {
            from: from.as_str(),
            to: to.as_str(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn current(finalised_on: &str) -> PlanStanding {
        PlanStanding {
            status: PlanStatus::Final,
            replaced: false,
            finalised_on: Some(day(finalised_on)),
        }
    }

    #[test]
    fn plan_review_is_due_the_configured_months_after_finalisation() {
        // PLAN-REVIEW
        assert_eq!(review_due(day("2026-03-15"), 12), day("2027-03-15"));
        assert_eq!(review_due(day("2026-03-15"), 6), day("2026-09-15"));
        // The end of a month stays in the month.
        assert_eq!(review_due(day("2026-08-31"), 6), day("2027-02-28"));
        assert!(review_months_allowed(1) && review_months_allowed(12));
        assert!(!review_months_allowed(0) && !review_months_allowed(13));
    }

    #[test]
    fn plan_review_care_level_flags_only_a_changed_level() {
        // PLAN-REVIEW-CARE-LEVEL
        assert!(changes_care_level(Some(CareLevel::I), CareLevel::Iii));
        assert!(changes_care_level(Some(CareLevel::Iv), CareLevel::Ii));
        assert!(!changes_care_level(Some(CareLevel::Ii), CareLevel::Ii));
        assert!(!changes_care_level(None, CareLevel::Ii));
        // Flagged, the plan is due that day, unless it was due earlier.
        let flagged = day("2026-11-01");
        assert_eq!(
            flagged_review_due(Some(day("2027-05-01")), flagged),
            flagged
        );
        assert_eq!(
            flagged_review_due(Some(day("2026-10-01")), flagged),
            day("2026-10-01")
        );
        assert_eq!(flagged_review_due(None, flagged), flagged);
    }

    #[test]
    fn plan_goal_progress_is_on_the_current_final_plan_and_dated_since_finalisation() {
        // PLAN-GOAL-PROGRESS
        let (open, achieved) = (GoalStatus::Open, GoalStatus::Achieved);
        let today = day("2026-12-07");
        let plan = current("2026-06-01");
        assert_eq!(
            check_progress(plan, open, achieved, day("2026-06-01"), today),
            Ok(())
        );
        assert_eq!(check_progress(plan, open, open, today, today), Ok(()));
        let draft = PlanStanding {
            status: PlanStatus::Draft,
            replaced: false,
            finalised_on: None,
        };
        let replaced = PlanStanding {
            replaced: true,
            ..plan
        };
        for standing in [draft, replaced] {
            assert_eq!(
                check_progress(standing, open, achieved, today, today),
                Err(DomainError::PlanNotCurrent)
            );
        }
        let too_early = DomainError::GoalProgressDate {
            not_before: day("2026-06-01"),
        };
        for noted_on in [day("2026-05-31"), day("2026-12-08")] {
            assert_eq!(
                check_progress(plan, open, achieved, noted_on, today),
                Err(too_early.clone())
            );
        }
    }

    #[test]
    fn plan_goal_status_closed_goals_only_reopen() {
        // PLAN-GOAL-STATUS
        use GoalStatus::{Achieved, Dropped, Open};
        let today = day("2026-12-07");
        let plan = current("2026-06-01");
        let allowed = [
            (Open, Open),
            (Open, Achieved),
            (Open, Dropped),
            (Achieved, Open),
            (Dropped, Open),
            (Achieved, Achieved),
            (Dropped, Dropped),
        ];
        for (from, to) in allowed {
            assert_eq!(
                check_progress(plan, from, to, today, today),
                Ok(()),
                "{from} → {to}"
            );
        }
        for (from, to) in [(Achieved, Dropped), (Dropped, Achieved)] {
            assert_eq!(
                check_progress(plan, from, to, today, today),
                Err(DomainError::GoalStatusChange {
                    from: from.as_str(),
                    to: to.as_str()
                })
            );
        }
        assert!(Achieved.is_closed() && Dropped.is_closed() && !Open.is_closed());
    }
}
