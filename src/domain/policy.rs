//! The configurable DI policy: rules of the DI plan that are policy rather than law, with
//! the plan's values as defaults (SPEC §3).

use super::disclosure::Perturbation;
use super::interval::DatingWindow;

/// Minimum training hours a social mentor needs before an assignment (INV-M04).
pub const MENTOR_TRAININGS: [(&str, i32); 4] = [
    ("life_skills", 48),
    ("support_plan_development", 24),
    ("work_with_disabilities", 24),
    ("client_needs_work", 64),
];

#[derive(Debug, Clone)]
pub struct Policy {
    /// Most active clients per social mentor (INV-M01).
    pub mentor_capacity: i32,
    /// Months from a plan's finalisation to its review (PLAN-REVIEW), 1 to 12.
    pub plan_review_months: u32,
    /// Months until a reassessment is due (INV-A01).
    pub reassessment_months: u32,
    /// Youth home residents are placed before this age (INV-C03).
    pub youth_home_age_limit: i32,
    /// A child of at most this age in a social care centre is a time-limited placement (INV-C06).
    pub small_child_max_age: i32,
    /// Standard and absolute time limits of that placement, in months (INV-C06).
    pub small_child_months: (u32, u32),
    /// Standard and extreme-situation time limits, in months, of an older child's placement
    /// in a social care centre: a child older than `small_child_max_age` and under 18
    /// (INV-C07). Ages are whole years, so "up to 3" (INV-C06) and "from 4" (INV-C07) leave
    /// no child out.
    pub child_months: (u32, u32),
    /// How person counts are perturbed in statistics for the ministry and regions.
    pub perturbation: Perturbation,
    /// How far ahead and back placements and assignments may be dated when recorded.
    pub dating: DatingWindow,
    /// Days an accepted referral holds a place before it expires (REF-HOLD).
    pub referral_hold_days: u32,
    /// Days a state social care centre keeps reading a former resident's shared case record
    /// for its follow-up (SHARE-NEED-TO-KNOW, INV-A13: a follow-up every three months).
    pub vsac_follow_up_days: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            mentor_capacity: 5,
            plan_review_months: super::plan_goal::MAX_REVIEW_MONTHS,
            reassessment_months: 12,
            youth_home_age_limit: super::client::YOUNG_PERSON_AGE_LIMIT,
            small_child_max_age: 3,
            small_child_months: (3, 6),
            child_months: (6, 12),
            perturbation: Perturbation {
                threshold: 5,
                max_noise: 2,
            },
            dating: DatingWindow::default(),
            referral_hold_days: 14,
            vsac_follow_up_days: 92,
        }
    }
}
