//! The register's statistic: providers, services, places and occupancy on a date.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::Dimension::{Municipality, Region, Sector, ServiceType, Status, TargetGroup};
use super::{Filter, Query, Statistic};
use crate::db::stats as q;
use crate::domain::disclosure::{Measure, Tally};
use crate::domain::ids::{ProviderId, ServiceId};

pub static REGISTRY: Statistic = Statistic {
    path: "/stats/registry",
    operation_id: "registry_stats",
    about: "The register on `as_of`: providers, services, municipalities offering them, places, occupancy and vacancies.\n\n\
A service is in the register on `as_of` when its own status that day is planned or active \
and its provider is not excluded that day; `status` is how it stands that day (`active` only \
while its provider is active too, INV-P01; `suspended` while its provider is suspended). \
`capacity` is the capacity valid that day and `occupied` the placements active that day. \
With `target_group`, a service counts once in each group it serves, so groups do not \
add up to the total. Every figure here is a registry count, published exactly to every \
role: places, occupancy and vacancies are public directory facts (the directory shows them \
per service).",
    dimensions: &[
        Region,
        Municipality,
        ServiceType,
        TargetGroup,
        Sector,
        Status,
    ],
    default_group_by: &[ServiceType],
    filters: &[
        Filter::Is(TargetGroup),
        Filter::Is(ServiceType),
        Filter::Is(Sector),
        Filter::Is(Status),
        Filter::AsOf,
    ],
    metrics: &[
        Measure::Providers,
        Measure::Services,
        Measure::Municipalities,
        Measure::Capacity,
        Measure::Occupied,
        Measure::Vacancies,
    ],
    query: Query::Table(|conn, context, table| {
        let facts = q::service_facts(conn, context.as_of(), None)?;
        let needs_groups =
            context.dims.contains(&TargetGroup) || context.query.value(TargetGroup).is_some();
        let mut groups: HashMap<ServiceId, Vec<String>> = HashMap::new();
        if needs_groups {
            for g in q::service_groups(conn)? {
                groups
                    .entry(g.service_id)
                    .or_default()
                    .push(g.target_group.to_string());
            }
        }
        // Per output cell: services, capacity, occupied, and the distinct providers and
        // municipalities.
        type Cell = (i64, i64, i64, BTreeSet<ProviderId>, BTreeSet<String>);
        let mut cells: BTreeMap<Vec<String>, Cell> = BTreeMap::new();
        let none = vec![String::new()];
        for f in &facts {
            if !context.in_area(&f.municipality)
                || !context.admits(ServiceType, f.service_type.as_str())
                || !context.admits(Sector, f.sector.as_str())
                || !context.admits(Status, f.status.as_str())
            {
                continue;
            }
            // Without target groups in play, `groups` is empty and each service counts once.
            let service_groups = groups.get(&f.id).unwrap_or(&none);
            for group in service_groups {
                if !context.admits(TargetGroup, group) {
                    continue;
                }
                let key = context.key(|d| match d {
                    Region => context.labels.region_of(&f.municipality).to_string(),
                    Municipality => f.municipality.clone(),
                    ServiceType => f.service_type.to_string(),
                    TargetGroup => group.clone(),
                    Sector => f.sector.to_string(),
                    Status => f.status.to_string(),
                    _ => String::new(),
                });
                let cell = cells.entry(key).or_default();
                cell.0 += 1;
                cell.1 += i64::from(f.capacity);
                cell.2 += f.occupied;
                cell.3.insert(f.provider_id);
                cell.4.insert(f.municipality.clone());
            }
        }
        let distinct = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        for (key, (services, capacity, occupied, providers, municipalities)) in cells {
            let values = [
                distinct(providers.len()),
                services,
                distinct(municipalities.len()),
                capacity,
                occupied,
                capacity - occupied,
            ];
            table.add(key, &values.map(Tally::exact));
        }
        Ok(())
    }),
};
