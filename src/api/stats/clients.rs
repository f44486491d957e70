//! Statistics of clients: counts of persons, kept at municipality × target group (× one
//! dimension of the statistic's own) by the database and rolled up here.

use super::Dimension::{CareLevel, DiStatus, Municipality, Region, TargetGroup};
use super::{Filter, Metric, Statistic};
use crate::db::stats as q;

pub static CLIENTS: Statistic = Statistic {
    path: "/stats/clients",
    operation_id: "client_stats",
    summary: "Clients by DI status, target group and area.",
    notes: "",
    dimensions: &[Region, Municipality, TargetGroup, DiStatus],
    default_group_by: &[Region, TargetGroup, DiStatus],
    filters: &[Filter::TargetGroup],
    metrics: &[Metric::persons("clients")],
    query: |conn, context, table| {
        context.add_counts(table, q::clients_by_status(conn)?);
        Ok(())
    },
};

pub static TRANSITIONS: Statistic = Statistic {
    path: "/stats/transitions",
    operation_id: "transition_stats",
    summary: "DI transitions (institution → community) in a period (`from`, `to`; default this year).",
    notes: "",
    dimensions: &[Region, Municipality, TargetGroup],
    default_group_by: &[Region, TargetGroup],
    filters: &[Filter::TargetGroup, Filter::From, Filter::To],
    metrics: &[Metric::persons("transitions")],
    query: |conn, context, table| {
        let (from, to) = context.period();
        context.add_counts(table, q::transitions(conn, from, to)?);
        Ok(())
    },
};

pub static OVERDUE: Statistic = Statistic {
    path: "/stats/reassessments-overdue",
    operation_id: "overdue_stats",
    summary: "Clients whose reassessment is overdue on `as_of` (INV-A01).",
    notes: "",
    dimensions: &[Region, Municipality, TargetGroup],
    default_group_by: &[Region],
    filters: &[Filter::TargetGroup, Filter::AsOf],
    metrics: &[Metric::persons("clients")],
    query: |conn, context, table| {
        context.add_counts(table, q::overdue(conn, context.as_of())?);
        Ok(())
    },
};

pub static CARE_LEVELS: Statistic = Statistic {
    path: "/stats/care-levels",
    operation_id: "care_level_stats",
    summary: "Care levels of the clients' current assessments.",
    notes: "",
    dimensions: &[Region, Municipality, TargetGroup, CareLevel],
    default_group_by: &[CareLevel],
    filters: &[Filter::TargetGroup],
    metrics: &[Metric::persons("clients")],
    query: |conn, context, table| {
        context.add_counts(table, q::care_levels(conn)?);
        Ok(())
    },
};
