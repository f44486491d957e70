//! Statistics of waiting lists: how many wait for which service, and for how long.

use super::Dimension::{Municipality, Region, ServiceType, TargetGroup};
use super::{Filter, Query, Statistic};
use crate::db::stats as q;
use crate::domain::disclosure::{Measure, Tally};
use crate::domain::waiting::waiting_days;

pub static WAITING: Statistic = Statistic {
    path: "/stats/waiting",
    operation_id: "waiting_stats",
    about: "Places in waiting lists open on `as_of`, and the median days waited by then.\n\n\
An entry is open on `as_of` when it was added on or before it and not closed by then. \
`waiting` counts places in queues: a client waiting for two service types counts in each. \
`median_waiting_days` is the median (the lower middle value) of the days from each entry's \
day added to `as_of`. The area is the municipality whose queue it is.",
    dimensions: &[Region, Municipality, TargetGroup, ServiceType],
    default_group_by: &[Region, ServiceType],
    filters: &[
        Filter::Is(TargetGroup),
        Filter::Is(ServiceType),
        Filter::AsOf,
    ],
    metrics: &[Measure::Waiting, Measure::MedianWaitingDays],
    query: Query::Table(|conn, context, table| {
        let as_of = context.as_of();
        for fact in q::waiting(conn, as_of)? {
            let (municipality, group, service_type) = (
                fact.municipality.as_str(),
                fact.target_group.as_str(),
                fact.service_type.as_str(),
            );
            if !context.in_area(municipality)
                || !context.admits(TargetGroup, group)
                || !context.admits(ServiceType, service_type)
            {
                continue;
            }
            let key = context.key(|d| match d {
                Region => context.labels.region_of(municipality).to_string(),
                Municipality => municipality.to_string(),
                TargetGroup => group.to_string(),
                _ => service_type.to_string(),
            });
            let days = waiting_days(fact.added_on, None, as_of);
            let tallies = [Tally::new(fact.count, fact.key_sum), Tally::default()];
            table.add_sample(key, &tallies, days, fact.count);
        }
        Ok(())
    }),
};
