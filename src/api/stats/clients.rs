//! Statistics of clients: person counts kept at municipality × target group (× one
//! dimension of the statistic's own) by the database and rolled up by the API.

use super::Dimension::{
    CareLevel, DiStatus, GoalStatus, Mentor, Municipality, Region, TargetGroup,
};
use super::{Filter, Query, Statistic};
use crate::db::{plan_goals, stats as q};
use crate::domain::disclosure::Measure;

/// What the client counts share unless they say otherwise: the target group filter, `as_of`
/// and one person count, `clients`. Each statistic below sets its own path, text, dimensions
/// and query; the test of the descriptors refuses one that leaves them empty.
const CLIENT_COUNT: Statistic = Statistic {
    path: "",
    operation_id: "",
    about: "",
    dimensions: &[],
    default_group_by: &[],
    filters: &[Filter::Is(TargetGroup), Filter::AsOf],
    metrics: &[Measure::Clients],
    query: Query::Counts(|_, _| Ok(Vec::new())),
};

pub static CLIENTS: Statistic = Statistic {
    path: "/stats/clients",
    operation_id: "client_stats",
    about: "Clients by DI status, target group and area on `as_of`.\n\n\
The DI status on `as_of` follows from the placements and waiting-list entries active that \
day: an institutional placement makes `in_institution`, else a community one `in_community`, \
else an open entry `waiting_list`, else `no_service`. A client counts from their \
registration, or earlier on the days a back-dated placement or entry of theirs is active; the \
area is the municipality that owned the case that day (transfers).",
    dimensions: &[Region, Municipality, TargetGroup, DiStatus],
    default_group_by: &[Region, TargetGroup, DiStatus],
    query: Query::Counts(|conn, context| q::clients_by_status(conn, context.as_of(), None)),
    ..CLIENT_COUNT
};

pub static TRANSITIONS: Statistic = Statistic {
    path: "/stats/transitions",
    operation_id: "transition_stats",
    about: "DI transitions (institution → community) in a period (`from`, `to`; default this year).\n\n\
A transition counts in the area of the municipality that owned the case on its date.",
    dimensions: &[Region, Municipality, TargetGroup],
    default_group_by: &[Region, TargetGroup],
    filters: &[Filter::Is(TargetGroup), Filter::From, Filter::To],
    metrics: &[Measure::Transitions],
    query: Query::Counts(|conn, context| {
        let (from, to) = context.period();
        q::transitions(conn, from, to)
    }),
};

pub static OVERDUE: Statistic = Statistic {
    path: "/stats/reassessments-overdue",
    operation_id: "overdue_stats",
    about: "Clients whose reassessment is overdue on `as_of` (INV-A01).\n\n\
The assessment current on `as_of` is the last one recorded among those dated on or before \
it (a correction replaces the assessment it corrects from its own date); it is overdue when \
its reassessment was due before `as_of`. The area is the municipality that owned the case \
that day.",
    dimensions: &[Region, Municipality, TargetGroup],
    default_group_by: &[Region],
    query: Query::Counts(|conn, context| q::overdue(conn, context.as_of())),
    ..CLIENT_COUNT
};

pub static CARE_LEVELS: Statistic = Statistic {
    path: "/stats/care-levels",
    operation_id: "care_level_stats",
    about: "Care levels of the clients' assessments current on `as_of`.\n\n\
The assessment current on `as_of` is the last one recorded among those dated on or before \
it. The area is the municipality that owned the case that day.",
    dimensions: &[Region, Municipality, TargetGroup, CareLevel],
    default_group_by: &[CareLevel],
    query: Query::Counts(|conn, context| q::care_levels(conn, context.as_of())),
    ..CLIENT_COUNT
};

pub static COVERAGE: Statistic = Statistic {
    path: "/stats/mentor-coverage",
    operation_id: "mentor_coverage_stats",
    about: "Community-based DI clients with and without an active mentor (INV-M02/M03) on `as_of`.\n\n\
`mentor` is `with` or `without`. A client is community-based on `as_of` when a community \
placement of theirs is active that day and no institutional one; `with` when a mentor \
assignment of theirs is active that day. The area is the municipality that owned the case \
that day.",
    dimensions: &[Region, Municipality, TargetGroup, Mentor],
    default_group_by: &[Region, Mentor],
    query: Query::Counts(|conn, context| q::mentor_coverage(conn, context.as_of())),
    ..CLIENT_COUNT
};

pub static PLAN_GOALS: Statistic = Statistic {
    path: "/stats/plan-goals",
    operation_id: "plan_goal_stats",
    about: "Goals of the clients' current support plans by status (`open`, `achieved`, `dropped`), target group and area.\n\n\
The goals counted are those of each client's current final plan (final and not replaced by a \
later version), with their status now; the area is the municipality that owns the case now. \
A goal is a fact about one client, so `goals` is perturbed like a person count.",
    dimensions: &[Region, Municipality, TargetGroup, GoalStatus],
    default_group_by: &[Region, TargetGroup, GoalStatus],
    filters: &[Filter::Is(TargetGroup)],
    metrics: &[Measure::Goals],
    query: Query::Counts(|conn, _| plan_goals::goal_counts(conn)),
};
