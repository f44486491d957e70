//! Statistics of staff (issue 18, point 5): specialists by region and profession, and the
//! staff trained per programme (KUR-TR, the DI plan's result indicator). Employees are
//! persons: both are person counts under disclosure control.

use super::Dimension::{Programme, Region, Role};
use super::{Filter, Query, Statistic};
use crate::db::{reference, staff as q};
use crate::domain::disclosure::{Measure, Tally};

pub static STAFF: Statistic = Statistic {
    path: "/stats/staff",
    operation_id: "staff_stats",
    about: "Staff of providers, municipalities and planning regions employed on `as_of`, by profession.\n\n\
Mentors are counted apart (`/stats/mentor-load`). `municipality` counts the staff of the \
providers and the social service of that municipality; a planning region's own staff count in \
its region only.",
    dimensions: &[Region, Role],
    default_group_by: &[Region],
    filters: &[Filter::AsOf],
    metrics: &[Measure::Staff],
    query: Query::Table(|conn, context, table| {
        for fact in q::employed_on(conn, context.as_of())? {
            let municipality = fact.municipality.as_ref().map(|m| m.as_str());
            if !context.within(fact.region.as_str(), municipality) {
                continue;
            }
            let key = context.key(|d| match d {
                Region => fact.region.to_string(),
                _ => fact.role.to_string(),
            });
            table.add(key, &[Tally::new(fact.staff, fact.key_sum)]);
        }
        Ok(())
    }),
};

pub static TRAINED: Statistic = Statistic {
    path: "/stats/trained-staff",
    operation_id: "trained_staff_stats",
    about: "Staff and mentors trained per programme by `as_of`: those whose completed hours in the programme reach its minimum (any hours where it has none; TRAINED-PROGRAMME).\n\n\
A staff member counts while employed on `as_of`, a mentor from their registration; one \
person trained in two programmes counts in each. Every programme of the catalogue has a row \
when grouped by programme alone.",
    dimensions: &[Region, Programme],
    default_group_by: &[Programme],
    filters: &[Filter::AsOf],
    metrics: &[Measure::TrainedStaff],
    query: Query::Table(|conn, context, table| {
        if context.dims == [Programme] {
            for programme in reference::list_training_programmes(conn)? {
                table.add(vec![programme.code.to_string()], &[Tally::default()]);
            }
        }
        for fact in q::trained_on(conn, context.as_of())? {
            let municipality = fact.municipality.as_ref().map(|m| m.as_str());
            if !context.within(fact.region.as_str(), municipality) {
                continue;
            }
            let key = context.key(|d| match d {
                Region => fact.region.to_string(),
                _ => fact.programme.to_string(),
            });
            table.add(key, &[Tally::new(fact.count, fact.key_sum)]);
        }
        Ok(())
    }),
};
