//! The random source and dates: a seeded ChaCha8 stream per phase, weighted choices, and
//! the date arithmetic every planner uses.

use chrono::{Days, Months, NaiveDate, NaiveDateTime, NaiveTime};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt as _, SeedableRng as _};

/// An independent generator for each phase, so that changing one phase's size leaves the
/// others' sequences alone.
pub(super) fn rng_for(seed: u64, stream: &str) -> ChaCha8Rng {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in stream.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    ChaCha8Rng::seed_from_u64(seed ^ h)
}

pub(super) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Index into cumulative weights.
pub(super) struct Weighted {
    cumulative: Vec<u64>,
}

impl Weighted {
    pub(super) fn new(weights: impl IntoIterator<Item = u64>) -> Self {
        let mut total = 0;
        let mut cumulative: Vec<u64> = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        if total == 0 {
            cumulative = (1..=cumulative.len() as u64).collect();
        }
        Self { cumulative }
    }

    pub(super) fn pick(&self, rng: &mut ChaCha8Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0);
        if total == 0 {
            return 0;
        }
        let x = rng.random_range(0..total);
        self.cumulative.partition_point(|&c| c <= x)
    }
}

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

pub(super) fn plus_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(d)
}

pub(super) fn minus_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_sub_days(Days::new(n)).unwrap_or(d)
}

pub(super) fn plus_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_add_months(Months::new(12 * years)).unwrap_or(d)
}

pub(super) fn minus_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(12 * years)).unwrap_or(d)
}

/// A day in `[from, to]`; `from` when the range is empty.
pub(super) fn day_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days();
    if span <= 0 {
        return from;
    }
    plus_days(from, rng.random_range(0..=span as u64))
}

/// A time during office hours on `day`.
pub(super) fn during(rng: &mut ChaCha8Rng, day: NaiveDate) -> NaiveDateTime {
    let seconds = rng.random_range(8 * 3600..17 * 3600);
    day.and_time(NaiveTime::MIN) + chrono::Duration::seconds(seconds)
}
