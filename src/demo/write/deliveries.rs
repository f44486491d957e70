//! The services delivered per month (issue 18): for every community placement, each of the
//! twelve complete months before today that it covers, the days the client attended (every
//! day in a group home, most weekdays in a day service, about one weekday in three for a
//! service billed by the hour, one to three hours a day), recorded at the start of the next
//! month; one month in ten attended on fewer days (the monthly claim halves it, INV-F01),
//! and one record in thirty corrected once.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use rand::RngExt as _;

use super::Writer;
use crate::db::schema::service_deliveries;
use crate::demo::CREATED_BY;
use crate::demo::random::rng_for;
use crate::domain::access::Role;
use crate::domain::interval::Interval;
use crate::domain::registry::PriceUnit;
use crate::domain::subsidy::{Month, MonthDays};

/// A planned version of a client's month of one service.
#[derive(Clone, Copy)]
struct Delivery {
    client_id: i64,
    service_id: i64,
    month: NaiveDate,
    version: i32,
    days: MonthDays,
    unit: PriceUnit,
    quantity_hundredths: i64,
    created_at: NaiveDateTime,
}

/// How a service type is attended.
#[derive(Clone, Copy)]
enum Attendance {
    /// Lived in: every day.
    Residence,
    /// Weekdays, most of them.
    Daily,
    /// Weekdays now and then, by the hour.
    Hourly,
}

impl Writer<'_, '_> {
    pub(in crate::demo) fn deliveries(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        let mut rng = rng_for(self.seed, "deliveries");
        let this = Month::of(plan.today);
        let months: Vec<Month> =
            std::iter::successors(Some(this.previous()), |m| Some(m.previous()))
                .take(12)
                .collect();
        let mut rows: Vec<Delivery> = Vec::new();
        for p in plan.placements.iter().filter(|p| !p.institutional) {
            let service = &plan.services[p.service];
            let kind = &plan.reference.types[service.service_type];
            let unit = kind
                .price
                .as_ref()
                .and_then(|(unit, _)| PriceUnit::parse(unit))
                .unwrap_or(PriceUnit::PersonDay);
            let attendance = match (unit, kind.code.as_str()) {
                (PriceUnit::Hour, _) => Attendance::Hourly,
                (_, "group_home" | "group_home_with_care" | "youth_home") => Attendance::Residence,
                _ => Attendance::Daily,
            };
            let placed = Interval {
                start: p.started_on,
                end: p.ended_on,
            };
            for &month in &months {
                let sparse = rng.random_range(0..10) == 0;
                let mut numbers = Vec::new();
                for day in month.days().filter(|d| placed.active_on(*d)) {
                    let weekday = !matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
                    let chance = match attendance {
                        Attendance::Residence => 100,
                        Attendance::Daily if weekday => 85,
                        Attendance::Hourly if weekday => 35,
                        _ => 0,
                    };
                    let chance = if sparse { chance / 3 } else { chance };
                    if rng.random_range(0..100) < chance {
                        numbers.push(day.day());
                    }
                }
                let Some(days) = MonthDays::of(month, &numbers).filter(|d| !d.is_empty()) else {
                    continue;
                };
                let quantity_hundredths = match unit {
                    PriceUnit::Hour => (0..days.count())
                        .map(|_| rng.random_range(2..=6) * 50)
                        .sum(),
                    _ => i64::from(days.count()) * 100,
                };
                let recorded = month
                    .next()
                    .first()
                    .checked_add_days(Days::new(rng.random_range(0..5)))
                    .unwrap_or(plan.today)
                    .min(plan.today);
                let delivery = Delivery {
                    client_id: plan.clients[p.client].id,
                    service_id: service.id,
                    month: month.first(),
                    version: 1,
                    days,
                    unit,
                    quantity_hundredths,
                    created_at: recorded.and_time(NaiveTime::MIN),
                };
                if rng.random_range(0..30) == 0 {
                    // Corrected: the first record missed the last day attended.
                    let first_days: Vec<u32> = days.numbers().into_iter().rev().skip(1).collect();
                    let first = MonthDays::of(month, &first_days).unwrap_or(days);
                    let scale = |q: i64| q * i64::from(first.count()) / i64::from(days.count());
                    rows.push(Delivery {
                        days: first,
                        quantity_hundredths: scale(quantity_hundredths),
                        ..delivery
                    });
                    rows.push(Delivery {
                        version: 2,
                        created_at: delivery.created_at + chrono::Duration::days(3),
                        ..delivery
                    });
                } else {
                    rows.push(delivery);
                }
            }
        }
        self.progress.start("service deliveries", rows.len() as u64);
        self.table(
            (
                service_deliveries::client_id,
                service_deliveries::service_id,
                service_deliveries::month,
                service_deliveries::version,
                service_deliveries::days,
                service_deliveries::unit,
                service_deliveries::quantity_hundredths,
                service_deliveries::recorded_by,
                service_deliveries::recorded_role,
                service_deliveries::created_at,
            ),
            &rows,
            0,
            |insert, d| {
                insert.row(&[
                    d.client_id.into(),
                    d.service_id.into(),
                    d.month.into(),
                    d.version.into(),
                    d.days.into(),
                    d.unit.into(),
                    d.quantity_hundredths.into(),
                    CREATED_BY.into(),
                    Role::Provider.into(),
                    d.created_at.into(),
                ]);
            },
        )?;
        self.progress.finish();
        Ok(())
    }
}
