//! Statistics of clients: person counts kept at municipality × target group (× one
//! dimension of the statistic's own) by the database and rolled up by the API.

use super::Dimension::{CareLevel, DiStatus, Mentor, Municipality, Region, TargetGroup};
use super::{Filter, Metric, Query, Statistic};
use crate::db::stats as q;

/// What the client counts share unless they say otherwise: the target group filter and
/// one person count, `clients`. Each statistic below sets its own path, text, dimensions
/// and query; the test of the descriptors refuses one that leaves them empty.
const CLIENT_COUNT: Statistic = Statistic {
    path: "",
    operation_id: "",
    about: "",
    dimensions: &[],
    default_group_by: &[],
    filters: &[Filter::Is(TargetGroup)],
    metrics: &[Metric::persons("clients")],
    query: Query::Counts(|_, _| Ok(Vec::new())),
};

pub static CLIENTS: Statistic = Statistic {
    path: "/stats/clients",
    operation_id: "client_stats",
    about: "Clients by DI status, target group and area.",
    dimensions: &[Region, Municipality, TargetGroup, DiStatus],
    default_group_by: &[Region, TargetGroup, DiStatus],
    query: Query::Counts(|conn, _| q::clients_by_status(conn)),
    ..CLIENT_COUNT
};

pub static TRANSITIONS: Statistic = Statistic {
    path: "/stats/transitions",
    operation_id: "transition_stats",
    about: "DI transitions (institution → community) in a period (`from`, `to`; default this year).",
    dimensions: &[Region, Municipality, TargetGroup],
    default_group_by: &[Region, TargetGroup],
    filters: &[Filter::Is(TargetGroup), Filter::From, Filter::To],
    metrics: &[Metric::persons("transitions")],
    query: Query::Counts(|conn, context| {
        let (from, to) = context.period();
        q::transitions(conn, from, to)
    }),
};

pub static OVERDUE: Statistic = Statistic {
    path: "/stats/reassessments-overdue",
    operation_id: "overdue_stats",
    about: "Clients whose reassessment is overdue on `as_of` (INV-A01).",
    dimensions: &[Region, Municipality, TargetGroup],
    default_group_by: &[Region],
    filters: &[Filter::Is(TargetGroup), Filter::AsOf],
    query: Query::Counts(|conn, context| q::overdue(conn, context.as_of())),
    ..CLIENT_COUNT
};

pub static CARE_LEVELS: Statistic = Statistic {
    path: "/stats/care-levels",
    operation_id: "care_level_stats",
    about: "Care levels of the clients' current assessments.",
    dimensions: &[Region, Municipality, TargetGroup, CareLevel],
    default_group_by: &[CareLevel],
    query: Query::Counts(|conn, _| q::care_levels(conn)),
    ..CLIENT_COUNT
};

pub static COVERAGE: Statistic = Statistic {
    path: "/stats/mentor-coverage",
    operation_id: "mentor_coverage_stats",
    about: "Community-based DI clients with and without an active mentor (INV-M02/M03).\n\n\
`mentor` is `with` or `without`.",
    dimensions: &[Region, Municipality, TargetGroup, Mentor],
    default_group_by: &[Region, Mentor],
    query: Query::Counts(|conn, _| q::mentor_coverage(conn)),
    ..CLIENT_COUNT
};
