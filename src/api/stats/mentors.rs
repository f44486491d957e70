//! Statistics of social mentors: who has a mentor, and how loaded the mentors are.

use super::Dimension::{Load, Mentor, Municipality, Region, TargetGroup};
use super::{Filter, Metric, Statistic};
use crate::db::stats as q;

pub static COVERAGE: Statistic = Statistic {
    path: "/stats/mentor-coverage",
    operation_id: "mentor_coverage_stats",
    summary: "Community-based DI clients with and without an active mentor (INV-M02/M03).",
    notes: "`mentor` is `with` or `without`.",
    dimensions: &[Region, Municipality, TargetGroup, Mentor],
    default_group_by: &[Region, Mentor],
    filters: &[Filter::TargetGroup],
    metrics: &[Metric::persons("clients")],
    query: |conn, context, table| {
        context.add_counts(table, q::mentor_coverage(conn)?);
        Ok(())
    },
};

pub static LOAD: Statistic = Statistic {
    path: "/stats/mentor-load",
    operation_id: "mentor_load_stats",
    summary: "Mentors by number of active clients (0 to the configured cap).",
    notes: "`municipality` counts the mentors that municipality employs.",
    dimensions: &[Region, Load],
    default_group_by: &[Load],
    filters: &[],
    metrics: &[Metric::persons("mentors")],
    query: |conn, context, table| {
        // Every load from 0 to the cap appears, even when no mentor has it.
        if context.dims == [Load] {
            for load in 0..=context.mentor_capacity {
                table.add(vec![load.to_string()], &[0]);
            }
        }
        for fact in q::mentor_load(conn)? {
            let employer = (fact.employer_kind == "municipality").then_some(&*fact.employer_code);
            if !context.within(&fact.region, employer) {
                continue;
            }
            let key = context.key(|d| match d {
                Region => fact.region.clone(),
                _ => fact.load.to_string(),
            });
            table.add(key, &[fact.mentors]);
        }
        Ok(())
    },
};
