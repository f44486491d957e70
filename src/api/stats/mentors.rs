//! Statistics of social mentors: how loaded they are. (Who has a mentor is a client count.)

use super::Dimension::{Load, Region};
use super::{Filter, Query, Statistic};
use crate::db::stats as q;
use crate::domain::disclosure::{Measure, Tally};
use crate::domain::mentor::EmployerKind;

pub static LOAD: Statistic = Statistic {
    path: "/stats/mentor-load",
    operation_id: "mentor_load_stats",
    about: "Mentors by number of active clients on `as_of` (0 to the configured cap).\n\n\
`municipality` counts the mentors that municipality employs. A mentor's load is their \
assignments active on `as_of`; a mentor counts from their registration, or earlier on the \
days an assignment of theirs is active.",
    dimensions: &[Region, Load],
    default_group_by: &[Load],
    filters: &[Filter::AsOf],
    metrics: &[Measure::Mentors],
    query: Query::Table(|conn, context, table| {
        // Every load from 0 to the cap appears, even when no mentor has it.
        if context.dims == [Load] {
            for load in 0..=context.mentor_capacity {
                table.add(vec![load.to_string()], &[Tally::default()]);
            }
        }
        for fact in q::mentor_load(conn, context.as_of())? {
            let employer =
                (fact.employer_kind == EmployerKind::Municipality).then_some(&*fact.employer_code);
            if !context.within(fact.region.as_str(), employer) {
                continue;
            }
            let key = context.key(|d| match d {
                Region => fact.region.to_string(),
                _ => fact.load.to_string(),
            });
            table.add(key, &[Tally::new(fact.mentors, fact.key_sum)]);
        }
        Ok(())
    }),
};
