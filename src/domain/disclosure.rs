//! Statistical disclosure control for the aggregates the ministry and the planning regions
//! read: which metrics count persons, and how a person count is published to them.
//!
//! **The cell key method** (the Australian Bureau of Statistics' TableBuilder, the European
//! 2021 census). Every record a person count counts (a client, a mentor, a placement for the
//! transition it begins) carries a permanent random *record key*, drawn when the record is
//! created and never shown. A cell's key is the sum of the record keys of exactly the records
//! in it, modulo [`KEY_SPACE`], and the published value is read from the perturbation table
//! at (true count, cell key). So a cell publishes the same value however it is reached (any
//! grouping, filter, format or repeated call), and every margin and total is perturbed from
//! its own records: subtracting published cells from a published total yields a noisy
//! figure, never a count. Tables are therefore not additive, on purpose.
//!
//! **The table** ([`Perturbation`]): zero stays zero; a count from 1 to `threshold − 1`
//! publishes 0 or `threshold`, with the chance of `threshold` equal to count / threshold (so
//! the expectation is the count); a count `n` at or above the threshold publishes `n + j`,
//! `|j| ≤ min(max_noise, n − threshold)`, with triangular weights `k + 1 − |j|`: symmetric,
//! hence unbiased, and never below the threshold.

use aes_gcm::aead::OsRng;
use chrono::{Datelike, Months, NaiveDate};

use super::DomainError;
use aes_gcm::aead::rand_core::RngCore as _;

/// Record keys are drawn from `0..KEY_SPACE`, and a cell key is a sum of them modulo it.
pub const KEY_SPACE: i64 = 1 << 31;

/// A new record's permanent key: uniform in `0..KEY_SPACE`, from the operating system's
/// generator (a key that could be guessed would let a caller strip the noise).
pub fn random_record_key() -> i32 {
    i32::try_from(OsRng.next_u32() >> 1).unwrap_or_default()
}

/// Whether disclosure control covers a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricClass {
    /// Counts persons (or events of persons): perturbed for the ministry and regions.
    Persons,
    /// Counts registry entries (providers, services, municipalities, places and their
    /// occupancy, which the public directory publishes per service): exact for everyone.
    Registry,
    /// A median over the persons of a cell: for the ministry and regions, published only for
    /// a cell of at least `threshold` persons and in whole weeks (`publish_median`).
    Median,
    /// Money spent on the persons of a cell, in cents: for the ministry and regions, published
    /// only for a cell of at least `threshold` persons and rounded (`publish_amount`).
    Amount,
}

/// Every metric a statistic or indicator publishes, classified once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Clients (by status, with or without a mentor, overdue for reassessment, by care level).
    Clients,
    /// DI transitions (a placement that begins life in the community).
    Transitions,
    /// Mentors by load: computed from the clients assigned to them.
    Mentors,
    /// Goals of the clients' support plans: each a fact about one client.
    Goals,
    Providers,
    Services,
    Municipalities,
    /// Places (capacity) of services.
    Capacity,
    /// Places taken (placements active): published per service in the public directory.
    Occupied,
    Vacancies,
    /// Places in waiting lists: a client waiting in two queues counts in each.
    Waiting,
    /// The median of the days the clients of a cell have waited.
    MedianWaitingDays,
    /// Clients who received a priced service in the period.
    Recipients,
    /// What their services cost: delivered units × the Table 3 unit price, in cents.
    CostCents,
    /// The cost divided by the recipients, in cents.
    CostPerRecipientCents,
    /// Staff employed (employees are persons).
    Staff,
    /// Staff and mentors who completed a training programme.
    TrainedStaff,
}

impl Measure {
    pub const ALL: [Measure; 17] = [
        Measure::Clients,
        Measure::Transitions,
        Measure::Mentors,
        Measure::Goals,
        Measure::Providers,
        Measure::Services,
        Measure::Municipalities,
        Measure::Capacity,
        Measure::Occupied,
        Measure::Vacancies,
        Measure::Waiting,
        Measure::MedianWaitingDays,
        Measure::Recipients,
        Measure::CostCents,
        Measure::CostPerRecipientCents,
        Measure::Staff,
        Measure::TrainedStaff,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Measure::Clients => "clients",
            Measure::Transitions => "transitions",
            Measure::Mentors => "mentors",
            Measure::Goals => "goals",
            Measure::Providers => "providers",
            Measure::Services => "services",
            Measure::Municipalities => "municipalities",
            Measure::Capacity => "capacity",
            Measure::Occupied => "occupied",
            Measure::Vacancies => "vacancies",
            Measure::Waiting => "waiting",
            Measure::MedianWaitingDays => "median_waiting_days",
            Measure::Recipients => "recipients",
            Measure::CostCents => "cost_cents",
            Measure::CostPerRecipientCents => "cost_per_recipient_cents",
            Measure::Staff => "staff",
            Measure::TrainedStaff => "trained_staff",
        }
    }

    /// The decision: anything computed from client records is a person count; the register
    /// of providers, services and their places is public fact.
    pub const fn class(self) -> MetricClass {
        match self {
            Measure::Clients
            | Measure::Transitions
            | Measure::Mentors
            | Measure::Goals
            | Measure::Waiting
            | Measure::Recipients
            | Measure::Staff
            | Measure::TrainedStaff => MetricClass::Persons,
            Measure::MedianWaitingDays => MetricClass::Median,
            Measure::CostCents | Measure::CostPerRecipientCents => MetricClass::Amount,
            Measure::Providers
            | Measure::Services
            | Measure::Municipalities
            | Measure::Capacity
            | Measure::Occupied
            | Measure::Vacancies => MetricClass::Registry,
        }
    }
}

/// A count with its cell key: the sum of the counted records' keys modulo [`KEY_SPACE`].
/// Counts of the same cell add up, keys with them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: i64,
    pub key: i64,
}

impl Tally {
    /// `count` records whose keys sum to `key_sum` (any size; reduced here).
    pub fn new(count: i64, key_sum: i64) -> Self {
        Tally {
            count,
            key: key_sum.rem_euclid(KEY_SPACE),
        }
    }

    /// A registry count: no record keys, never perturbed.
    pub fn exact(count: i64) -> Self {
        Tally { count, key: 0 }
    }
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, other: Tally) {
        self.count += other.count;
        self.key = (self.key + other.key).rem_euclid(KEY_SPACE);
    }
}

/// The perturbation table: configuration, documented in the README and returned with every
/// statistics response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Perturbation {
    /// No published value lies in `1..threshold`.
    pub threshold: i64,
    /// The most a count at or above the threshold moves either way.
    pub max_noise: i64,
}

impl Perturbation {
    /// The table's name: its method, version and parameters, so two responses can be told
    /// to come from the same table.
    pub fn version(&self) -> String {
        format!("ckm-1-t{}-d{}", self.threshold, self.max_noise)
    }

    /// The published value of a cell.
    pub fn publish(&self, tally: Tally) -> i64 {
        let Tally { count, key } = tally;
        let key = i128::from(key.rem_euclid(KEY_SPACE));
        let space = i128::from(KEY_SPACE);
        if count <= 0 {
            return count.max(0);
        }
        if count < self.threshold {
            // threshold with chance count / threshold, else 0.
            let up = key * i128::from(self.threshold) < i128::from(count) * space;
            return if up { self.threshold } else { 0 };
        }
        let k = self.max_noise.min(count - self.threshold).max(0);
        let total = i128::from((k + 1) * (k + 1));
        let mut cumulative = 0_i128;
        for j in -k..=k {
            cumulative += i128::from(k + 1 - j.abs());
            if key * total < cumulative * space {
                return count + j;
            }
        }
        count + k
    }
}

/// DISC-MEDIAN: the published median of a cell's values (the days each person waited). Exact
/// for a caller whose counts are exact; for the ministry and regions, withheld (`None`) when
/// the cell holds fewer than `threshold` persons, whose median would tell one person's value,
/// and rounded to whole weeks, so that two tables differing by one person rarely differ.
/// Of an even number of values, the lower middle one: always a value some person has.
pub fn publish_median(values: &mut [i64], perturb: bool, threshold: i64) -> Option<i64> {
    if values.is_empty() || (perturb && i64::try_from(values.len()).ok()? < threshold) {
        return None;
    }
    let middle = (values.len() - 1) / 2;
    let (_, median, _) = values.select_nth_unstable(middle);
    let median = *median;
    Some(if perturb {
        (median + 3).div_euclid(7) * 7
    } else {
        median
    })
}

/// DISC-AMOUNT: the published amount (cents) spent on a cell's `persons`, or per person
/// (`per_person`). Exact for a caller whose counts are exact; for the ministry and regions,
/// withheld (`None`) when the cell holds fewer than `threshold` persons, and rounded (half
/// up) to 100 EUR for a total, to 1 EUR per person, so that one person's cost cannot be
/// read off the difference of two tables. An empty cell has none.
pub fn publish_amount(
    cents: i64,
    persons: i64,
    per_person: bool,
    perturb: bool,
    threshold: i64,
) -> Option<i64> {
    if persons <= 0 || (perturb && persons < threshold) {
        return None;
    }
    let amount = if per_person {
        (cents + persons / 2) / persons
    } else {
        cents
    };
    let step = match (perturb, per_person) {
        (false, _) => 1,
        (true, true) => 100,
        (true, false) => 10_000,
    };
    Some((amount + step / 2).div_euclid(step) * step)
}

/// A date a statistics query names: a day (`2026-05-14`) or a calendar month (`2026-05`).
/// For the callers whose person counts are perturbed, dates are months: averaging and
/// differencing attacks need many slightly different sets of records, and whole months give
/// few.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryDate {
    Day(NaiveDate),
    /// A month, by its first day.
    Month(NaiveDate),
}

impl QueryDate {
    /// `YYYY-MM-DD` or `YYYY-MM`, the year from 0001 to 9999.
    pub fn parse(text: &str) -> Result<QueryDate, String> {
        let date = match text.len() {
            7 => NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").map(QueryDate::Month),
            10 => NaiveDate::parse_from_str(text, "%Y-%m-%d").map(QueryDate::Day),
            _ => return Err("a date is YYYY-MM-DD or a month YYYY-MM".into()),
        }
        .map_err(|e| e.to_string())?;
        if text.starts_with(['+', '-']) || !(1..=9999).contains(&date.first().year()) {
            return Err("the year must be 0001 to 9999".into());
        }
        Ok(date)
    }

    /// The first day it covers.
    pub fn first(self) -> NaiveDate {
        match self {
            QueryDate::Day(day) | QueryDate::Month(day) => day,
        }
    }

    /// The last day it covers.
    pub fn last(self) -> NaiveDate {
        match self {
            QueryDate::Day(day) => day,
            QueryDate::Month(first) => month_end(first),
        }
    }
}

/// The last day of `day`'s month.
pub fn month_end(day: NaiveDate) -> NaiveDate {
    let next = day
        .with_day(1)
        .and_then(|first| first.checked_add_months(Months::new(1)))
        .unwrap_or(NaiveDate::MAX);
    next.pred_opt().unwrap_or(day)
}

/// The last day of the last month complete by `today`: the date of the figures perturbed
/// callers get when they name none.
pub fn last_complete_month_end(today: NaiveDate) -> NaiveDate {
    if today == month_end(today) {
        today
    } else {
        today
            .with_day(1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(today)
    }
}

/// The dates a statistic reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsDates {
    pub as_of: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Resolves `as_of`, `from` and `to` (STATS-COMPLETE-MONTHS). With `months` (the ministry
/// and regions, on a statistic with person counts) each date given must be a month, and a
/// complete one; the figures default to the end of the last complete month and the period
/// to that month's year up to it. Otherwise a month covers its days (`as_of` and `to` its
/// last, `from` its first) and the defaults are today and this year up to today.
pub fn resolve_dates(
    [as_of, from, to]: [Option<QueryDate>; 3],
    months: bool,
    today: NaiveDate,
) -> Result<StatsDates, DomainError> {
    let latest = if months {
        last_complete_month_end(today)
    } else {
        today
    };
    for (parameter, date) in [("as_of", as_of), ("from", from), ("to", to)] {
        match date {
            Some(QueryDate::Day(_)) if months => {
                return Err(DomainError::MonthRequired { parameter });
            }
            Some(month @ QueryDate::Month(_)) if months && month.last() > latest => {
                return Err(DomainError::MonthNotComplete { parameter, latest });
            }
            _ => {}
        }
    }
    let to = to.map_or(latest, QueryDate::last);
    let january = |day: NaiveDate| NaiveDate::from_yo_opt(day.year(), 1).unwrap_or(day);
    Ok(StatsDates {
        as_of: as_of.map_or(latest, QueryDate::last),
        from: from.map_or(january(latest), QueryDate::first),
        to,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: Perturbation = Perturbation {
        threshold: 5,
        max_noise: 2,
    };

    /// Evenly spread cell keys.
    fn keys(n: i64) -> impl Iterator<Item = i64> {
        (0..n).map(move |i| i * (KEY_SPACE / n) + 7)
    }

    #[test]
    fn zero_stays_zero() {
        for key in keys(1000) {
            assert_eq!(TABLE.publish(Tally { count: 0, key }), 0);
        }
    }

    #[test]
    fn the_same_records_publish_the_same_value() {
        let cell = Tally::new(17, 123_456_789_012);
        let again = Tally::new(17, 123_456_789_012);
        assert_eq!(TABLE.publish(cell), TABLE.publish(again));
        // Counted in two parts: the same records, the same key.
        let mut parts = Tally::new(10, 123_456_789_000);
        parts += Tally::new(7, 12);
        assert_eq!(parts, cell);
    }

    #[test]
    fn no_published_value_lies_between_one_and_the_threshold() {
        for count in 0..60 {
            for key in keys(997) {
                let published = TABLE.publish(Tally { count, key });
                assert!(
                    published == 0 || published >= TABLE.threshold,
                    "{count} published as {published}"
                );
            }
        }
    }

    #[test]
    fn the_noise_is_bounded() {
        for count in TABLE.threshold..200 {
            for key in keys(997) {
                let noise = TABLE.publish(Tally { count, key }) - count;
                assert!(noise.abs() <= TABLE.max_noise, "{count}: {noise}");
            }
        }
        // Below the threshold a count moves to 0 or to the threshold.
        for count in 1..TABLE.threshold {
            for key in keys(997) {
                assert!([0, TABLE.threshold].contains(&TABLE.publish(Tally { count, key })));
            }
        }
    }

    #[test]
    fn the_mean_noise_over_many_cells_is_near_zero() {
        for count in 1..40 {
            let n = 10_000;
            let sum: i64 = keys(n).map(|key| TABLE.publish(Tally { count, key })).sum();
            let mean_noise = sum as f64 / n as f64 - count as f64;
            assert!(mean_noise.abs() < 0.01, "{count}: mean noise {mean_noise}");
        }
    }

    #[test]
    fn counts_well_above_the_threshold_are_often_moved() {
        let n = 10_000;
        let moved = keys(n)
            .filter(|key| {
                TABLE.publish(Tally {
                    count: 50,
                    key: *key,
                }) != 50
            })
            .count();
        // Triangular weights 1,2,3,2,1 of 9: two thirds are moved.
        assert!((6_500..6_800).contains(&moved), "{moved}");
    }

    #[test]
    fn the_table_follows_its_configuration() {
        let wide = Perturbation {
            threshold: 10,
            max_noise: 4,
        };
        assert_eq!(wide.version(), "ckm-1-t10-d4");
        for key in keys(997) {
            let small = wide.publish(Tally { count: 9, key });
            assert!([0, 10].contains(&small));
            assert!((wide.publish(Tally { count: 30, key }) - 30).abs() <= 4);
        }
    }

    #[test]
    fn record_keys_are_in_the_key_space() {
        for _ in 0..1000 {
            let key = i64::from(random_record_key());
            assert!((0..KEY_SPACE).contains(&key));
        }
    }

    #[test]
    fn dates_are_days_or_months() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date");
        let may = QueryDate::parse("2026-05").expect("a month");
        assert_eq!(
            (may.first(), may.last()),
            (day("2026-05-01"), day("2026-05-31"))
        );
        let feb = QueryDate::parse("2028-02").expect("a month");
        assert_eq!(feb.last(), day("2028-02-29"));
        let dec = QueryDate::parse("2026-12").expect("a month");
        assert_eq!(dec.last(), day("2026-12-31"));
        assert_eq!(
            QueryDate::parse("2026-05-14"),
            Ok(QueryDate::Day(day("2026-05-14")))
        );
        for bad in [
            "2026-13",
            "2026-5",
            "26-05-01",
            "+12026-05",
            "2026-05-32",
            "0000-01",
            "",
        ] {
            assert!(QueryDate::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            last_complete_month_end(day("2026-12-06")),
            day("2026-11-30")
        );
        assert_eq!(
            last_complete_month_end(day("2026-11-30")),
            day("2026-11-30")
        );
        assert_eq!(
            last_complete_month_end(day("2027-01-01")),
            day("2026-12-31")
        );
    }

    #[test]
    fn stats_complete_months_for_perturbed_callers() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date");
        let q = |s: &str| Some(QueryDate::parse(s).expect("a date"));
        let today = day("2026-12-06");
        let defaults = resolve_dates([None, None, None], true, today).expect("defaults");
        assert_eq!(
            (defaults.as_of, defaults.from, defaults.to),
            (day("2026-11-30"), day("2026-01-01"), day("2026-11-30"))
        );
        let may =
            resolve_dates([q("2026-05"), q("2026-03"), q("2026-05")], true, today).expect("months");
        assert_eq!(
            (may.as_of, may.from, may.to),
            (day("2026-05-31"), day("2026-03-01"), day("2026-05-31"))
        );
        assert!(matches!(
            resolve_dates([q("2026-05-14"), None, None], true, today),
            Err(DomainError::MonthRequired { parameter: "as_of" })
        ));
        assert!(matches!(
            resolve_dates([None, None, q("2026-12")], true, today),
            Err(DomainError::MonthNotComplete {
                parameter: "to",
                ..
            })
        ));
        // Exact callers keep days, and may name months.
        let exact =
            resolve_dates([q("2026-05-14"), q("2026-05"), None], false, today).expect("days");
        assert_eq!(
            (exact.as_of, exact.from, exact.to),
            (day("2026-05-14"), day("2026-05-01"), today)
        );
        let defaults = resolve_dates([None, None, None], false, today).expect("defaults");
        assert_eq!((defaults.as_of, defaults.from), (today, day("2026-01-01")));
    }

    #[test]
    fn disc_median_is_exact_for_exact_callers_and_withheld_or_in_weeks_for_others() {
        assert_eq!(publish_median(&mut [], false, 5), None);
        assert_eq!(publish_median(&mut [9, 1, 30], false, 5), Some(9));
        // The lower middle of an even count: a value someone has.
        assert_eq!(publish_median(&mut [40, 10, 20, 30], false, 5), Some(20));
        // Fewer persons than the threshold: withheld from perturbed callers.
        assert_eq!(publish_median(&mut [9, 1, 30, 4], true, 5), None);
        // Whole weeks: 10 days publish 7, 11 days 14.
        assert_eq!(publish_median(&mut [1, 2, 10, 50, 60], true, 5), Some(7));
        assert_eq!(publish_median(&mut [1, 2, 11, 50, 60], true, 5), Some(14));
        assert_eq!(publish_median(&mut [0, 0, 0, 0, 0], true, 5), Some(0));
    }

    #[test]
    fn disc_amount_is_withheld_under_the_threshold_and_rounded_for_perturbed_callers() {
        // Exact for municipalities and administrators, per person rounded to the cent.
        assert_eq!(publish_amount(123_456, 3, false, false, 5), Some(123_456));
        assert_eq!(publish_amount(100_001, 3, true, false, 5), Some(33_334));
        // Fewer persons than the threshold, or none: withheld.
        assert_eq!(publish_amount(123_456, 4, false, true, 5), None);
        assert_eq!(publish_amount(0, 0, false, false, 5), None);
        // Rounded to 100 EUR, and to 1 EUR per person.
        assert_eq!(
            publish_amount(1_234_567, 10, false, true, 5),
            Some(1_230_000)
        );
        assert_eq!(
            publish_amount(1_235_000, 10, false, true, 5),
            Some(1_240_000)
        );
        assert_eq!(publish_amount(1_234_567, 10, true, true, 5), Some(123_500));
    }

    #[test]
    fn every_measure_computed_from_client_records_is_a_person_count() {
        assert_eq!(Measure::Waiting.class(), MetricClass::Persons);
        assert_eq!(Measure::MedianWaitingDays.class(), MetricClass::Median);
        for m in [Measure::Clients, Measure::Transitions, Measure::Mentors] {
            assert_eq!(m.class(), MetricClass::Persons, "{}", m.name());
        }
        assert_eq!(Measure::Recipients.class(), MetricClass::Persons);
        assert_eq!(Measure::CostCents.class(), MetricClass::Amount);
        for m in [Measure::Capacity, Measure::Occupied, Measure::Vacancies] {
            assert_eq!(m.class(), MetricClass::Registry, "{}", m.name());
        }
    }
}
