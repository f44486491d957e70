//! What services cost (issue 18, point 4): delivered units × the Table 3 unit price.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::Dimension::{CareLevel, Municipality, Region, ServiceType, TargetGroup};
use super::{Filter, Query, Statistic};
use crate::db::deliveries::{self as q, on};
use crate::db::tariffs::{self, TariffFilter, TariffRow};
use crate::domain::disclosure::{Measure, Tally};
use crate::domain::ids::ClientId;
use crate::domain::subsidy::{Month, cost_cents};
use crate::domain::tariff::TariffKind;

pub static COSTS: Statistic = Statistic {
    path: "/stats/costs",
    operation_id: "cost_stats",
    about: "What the services delivered in the period cost: the clients who received them and \
the cost, in total and per recipient, by service type, care level and area.\n\n\
A month's delivery counts in the period when its month overlaps `from`–`to`, with its latest \
version (corrections replace). Its cost is the units delivered (person-days or hours, the \
service type's Table 3 unit) times the Table 3 unit price of its service type in force on the \
month's last day (INV-F12); a service type Table 3 does not price is not in the table. The \
area is the municipality that owned the case on the month's last day, the care level that of \
the assessment current then (grouped by care level, a client without a current assessment is \
left out). `recipients` counts each client once per row; the total counts a client once for \
each row they are in.",
    dimensions: &[Region, Municipality, TargetGroup, ServiceType, CareLevel],
    default_group_by: &[Region, ServiceType],
    filters: &[
        Filter::Is(TargetGroup),
        Filter::Is(ServiceType),
        Filter::From,
        Filter::To,
    ],
    metrics: &[
        Measure::Recipients,
        Measure::CostCents,
        Measure::CostPerRecipientCents,
    ],
    query: Query::Table(|conn, context, table| {
        let (from, to) = context.period();
        let (first, last) = (Month::of(from).first(), Month::of(to).last());
        let filter = TariffFilter {
            kind: Some(TariffKind::UnitPrice),
            ..TariffFilter::default()
        };
        let mut prices: HashMap<String, Vec<TariffRow>> = HashMap::new();
        for tariff in tariffs::list(conn, &filter)? {
            if let Some(service_type) = tariff.service_type.clone() {
                prices.entry(service_type).or_default().push(tariff);
            }
        }
        let owners = q::owners_between(conn, first, last)?;
        let levels = q::care_levels_between(conn, first, last)?;
        let mut cells: BTreeMap<Vec<String>, (HashSet<ClientId>, i64, i64)> = BTreeMap::new();
        for fact in q::cost_facts(conn, first, last)? {
            let month_end = Month::of(fact.month).last();
            let price = prices.get(fact.service_type.as_str()).and_then(|versions| {
                versions.iter().find(|t| {
                    t.unit.as_str() == fact.unit.as_str()
                        && t.valid_from.is_none_or(|d| d <= month_end)
                        && t.valid_to.is_none_or(|d| d >= month_end)
                })
            });
            let (Some(price), Some(owner)) = (price, on(&owners, fact.client_id, month_end)) else {
                continue;
            };
            let (group, service_type) = (fact.target_group.as_str(), fact.service_type.as_str());
            if !context.in_area(owner.as_str())
                || !context.admits(TargetGroup, group)
                || !context.admits(ServiceType, service_type)
            {
                continue;
            }
            let level = match on(&levels, fact.client_id, month_end) {
                Some(level) => level.as_str(),
                // Grouped by care level, a client with no current assessment has no row.
                None if context.dims.contains(&CareLevel) => continue,
                // Not grouped by care level: no key holds it.
                None => "",
            };
            let key = context.key(|d| match d {
                Region => context.labels.region_of(owner.as_str()).to_string(),
                Municipality => owner.to_string(),
                TargetGroup => group.to_string(),
                ServiceType => service_type.to_string(),
                _ => level.to_string(),
            });
            let cell = cells.entry(key).or_default();
            if cell.0.insert(fact.client_id) {
                cell.1 += i64::from(fact.record_key);
            }
            cell.2 += cost_cents(fact.quantity_hundredths, price.amount_cents);
        }
        for (key, (clients, key_sum, cost)) in cells {
            let recipients = Tally::new(clients.len() as i64, key_sum);
            table.add(key, &[recipients, Tally::exact(cost), Tally::exact(cost)]);
        }
        Ok(())
    }),
};
