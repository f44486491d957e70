//! Time as intervals: a fact (a placement, an assignment, a status, a capacity) holds from
//! its start day up to, not including, its end day; no end means it still holds. "Active on
//! day D" is `start <= D && (end is none || D < end)`. Limits that must hold "on every day"
//! are checked at the days where a count can change: the starts and ends inside the interval.

use chrono::{Days, NaiveDate};

use super::DomainError;

/// `[start, end)`; `end: None` is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

impl Interval {
    pub fn new(start: NaiveDate, end: Option<NaiveDate>) -> Result<Self, DomainError> {
        match end {
            Some(end) if end < start => Err(DomainError::EndBeforeStart),
            _ => Ok(Self { start, end }),
        }
    }

    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.start <= day && self.end.is_none_or(|end| day < end)
    }

    /// Whether some day lies in both.
    pub fn overlaps(&self, other: &Interval) -> bool {
        let starts_before_other_ends = other.end.is_none_or(|end| self.start < end);
        let other_starts_before_end = self.end.is_none_or(|end| other.start < end);
        !self.is_empty() && !other.is_empty() && starts_before_other_ends && other_starts_before_end
    }

    /// An interval that ends on the day it starts holds on no day.
    pub fn is_empty(&self) -> bool {
        self.end == Some(self.start)
    }

    /// The days inside `self` where a count over `others` can change: `self.start` and every
    /// start or end of another interval that falls inside `self`.
    fn change_days<'a>(&self, others: impl Iterator<Item = &'a Interval>) -> Vec<NaiveDate> {
        let mut days = vec![self.start];
        for other in others {
            days.extend(
                [Some(other.start), other.end]
                    .into_iter()
                    .flatten()
                    .filter(|d| self.active_on(*d)),
            );
        }
        days.sort_unstable();
        days.dedup();
        days
    }
}

/// How many of `intervals` are active on `day`.
pub fn count_on(intervals: &[Interval], day: NaiveDate) -> usize {
    intervals.iter().filter(|i| i.active_on(day)).count()
}

/// A value that can change only on `days`, as its maximal runs: from each day up to the next
/// (the last run is open), with `value_on` that day. Days where the value is `None` lie in
/// no run, and neighbouring runs of one value are one. What the statistics read per key
/// instead of counting the intervals again on the day asked (`db::derived`).
pub fn maximal_runs<T: PartialEq>(
    days: impl IntoIterator<Item = NaiveDate>,
    value_on: impl Fn(NaiveDate) -> Option<T>,
) -> Vec<(Interval, T)> {
    let mut days: Vec<NaiveDate> = days.into_iter().collect();
    days.sort_unstable();
    days.dedup();
    let mut runs: Vec<(Interval, T)> = Vec::new();
    for (n, day) in days.iter().enumerate() {
        let end = days.get(n + 1).copied();
        match (value_on(*day), runs.last_mut()) {
            (Some(value), Some((last, same))) if last.end == Some(*day) && *same == value => {
                last.end = end;
            }
            (Some(value), _) => runs.push((Interval { start: *day, end }, value)),
            (None, _) => {}
        }
    }
    runs
}

/// The first day of `candidate` on which `existing` plus the candidate would exceed the
/// limit valid that day (`limits`: each a period with its limit; no period that day is a
/// limit of 0), or `None` when the candidate fits on every day.
pub fn first_day_over(
    existing: &[Interval],
    limits: &[(Interval, i64)],
    candidate: &Interval,
) -> Option<NaiveDate> {
    if candidate.is_empty() {
        return None;
    }
    let days = candidate.change_days(existing.iter().chain(limits.iter().map(|(p, _)| p)));
    days.into_iter().find(|day| {
        let limit: i64 = limits
            .iter()
            .filter(|(p, _)| p.active_on(*day))
            .map(|(_, l)| *l)
            .sum();
        i64::try_from(count_on(existing, *day)).unwrap_or(i64::MAX) + 1 > limit
    })
}

/// The most of `intervals` active on one day of `period`: what a lowered limit (a smaller
/// capacity from a day on) must still hold.
pub fn peak(intervals: &[Interval], period: &Interval) -> usize {
    period
        .change_days(intervals.iter())
        .into_iter()
        .map(|day| count_on(intervals, day))
        .max()
        .unwrap_or(0)
}

/// How far ahead and how far back a fact may be dated when it is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatingWindow {
    pub days_ahead: u64,
    pub days_back: u64,
}

impl Default for DatingWindow {
    fn default() -> Self {
        Self {
            days_ahead: 90,
            days_back: 365,
        }
    }
}

/// The date of a record that a dating window checks, named in the violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordedDate {
    Start,
    End,
    Transfer,
}

impl RecordedDate {
    pub fn en(self) -> &'static str {
        match self {
            RecordedDate::Start => "start",
            RecordedDate::End => "end",
            RecordedDate::Transfer => "transfer date",
        }
    }

    pub fn lv(self) -> &'static str {
        match self {
            RecordedDate::Start => "sākuma datums",
            RecordedDate::End => "beigu datums",
            RecordedDate::Transfer => "nodošanas datums",
        }
    }
}

impl DatingWindow {
    /// A start or end date recorded `today` must lie in `[today - back, today + ahead]`.
    pub fn check(
        &self,
        what: RecordedDate,
        date: NaiveDate,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        let earliest = today
            .checked_sub_days(Days::new(self.days_back))
            .unwrap_or(NaiveDate::MIN);
        let latest = today
            .checked_add_days(Days::new(self.days_ahead))
            .unwrap_or(NaiveDate::MAX);
        if date < earliest || date > latest {
            return Err(DomainError::OutsideDatingWindow {
                what,
                date,
                earliest,
                latest,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn i(start: &str, end: Option<&str>) -> Interval {
        Interval::new(d(start), end.map(d)).expect("interval")
    }

    #[test]
    fn runs_merge_equal_neighbours_and_leave_out_days_without_a_value() {
        let placed = [
            i("2026-01-01", Some("2026-03-01")),
            i("2026-02-01", None),
            i("2026-03-01", Some("2026-04-01")),
            i("2026-06-01", Some("2026-06-01")),
        ];
        let counted = maximal_runs(
            placed.iter().flat_map(|p| [Some(p.start), p.end]).flatten(),
            |day| Some(count_on(&placed, day)).filter(|n| *n > 0),
        );
        assert_eq!(
            counted,
            vec![
                (i("2026-01-01", Some("2026-02-01")), 1),
                (i("2026-02-01", Some("2026-04-01")), 2),
                (i("2026-04-01", None), 1),
            ]
        );
        assert!(maximal_runs([], |_| Some(1)).is_empty());
        let gaps = maximal_runs([d("2026-01-01"), d("2026-02-01"), d("2026-03-01")], |day| {
            (day != d("2026-02-01")).then_some("on")
        });
        assert_eq!(
            gaps,
            vec![
                (i("2026-01-01", Some("2026-02-01")), "on"),
                (i("2026-03-01", None), "on"),
            ]
        );
    }

    #[test]
    fn active_on_a_day_is_start_inclusive_and_end_exclusive() {
        let p = i("2026-01-10", Some("2026-01-20"));
        assert!(!p.active_on(d("2026-01-09")));
        assert!(p.active_on(d("2026-01-10")));
        assert!(p.active_on(d("2026-01-19")));
        assert!(!p.active_on(d("2026-01-20")));
        assert!(i("2026-01-10", None).active_on(d("2099-01-01")));
        assert!(!i("2026-01-10", Some("2026-01-10")).active_on(d("2026-01-10")));
        assert_eq!(
            Interval::new(d("2026-01-10"), Some(d("2026-01-09"))),
            Err(DomainError::EndBeforeStart)
        );
    }

    #[test]
    fn overlap_needs_a_common_day() {
        let a = i("2026-01-10", Some("2026-01-20"));
        assert!(a.overlaps(&i("2026-01-19", None)));
        assert!(!a.overlaps(&i("2026-01-20", None)));
        assert!(!a.overlaps(&i("2026-01-01", Some("2026-01-10"))));
        assert!(a.overlaps(&i("2026-01-01", Some("2026-01-11"))));
        assert!(i("2026-01-01", None).overlaps(&i("2030-01-01", None)));
        assert!(!a.overlaps(&i("2026-01-12", Some("2026-01-12"))));
    }

    /// INV-M01 on every day: five assignments, one ending in 30 days, leave no place today,
    /// but a place from the day it ends.
    #[test]
    fn inv_m01_a_future_end_frees_the_place_only_from_that_day() {
        let mut five: Vec<Interval> = (0..4).map(|_| i("2026-01-01", None)).collect();
        five.push(i("2026-01-01", Some("2026-02-15")));
        let cap = [(i("1900-01-01", None), 5)];
        assert_eq!(
            first_day_over(&five, &cap, &i("2026-01-16", None)),
            Some(d("2026-01-16"))
        );
        assert_eq!(first_day_over(&five, &cap, &i("2026-02-15", None)), None);
        // Ending before the place frees still collides on its first day.
        assert_eq!(
            first_day_over(&five, &cap, &i("2026-02-10", Some("2026-03-01"))),
            Some(d("2026-02-10"))
        );
    }

    #[test]
    fn a_future_start_counts_from_its_day_on() {
        let mut four: Vec<Interval> = (0..4).map(|_| i("2026-01-01", None)).collect();
        four.push(i("2026-06-01", None));
        let cap = [(i("1900-01-01", None), 5)];
        // Fits today, but collides once the planned fifth starts.
        assert_eq!(
            first_day_over(&four, &cap, &i("2026-01-16", None)),
            Some(d("2026-06-01"))
        );
        assert_eq!(
            first_day_over(&four, &cap, &i("2026-01-16", Some("2026-06-01"))),
            None
        );
    }

    /// Capacity on a day is the capacity valid that day; no period is no place.
    #[test]
    fn capacity_is_the_one_valid_on_each_day() {
        let placed = [i("2026-01-01", None)];
        let capacity = [
            (i("2026-01-01", Some("2026-03-01")), 1),
            (i("2026-03-01", Some("2026-05-01")), 2),
        ];
        assert_eq!(
            first_day_over(&placed, &capacity, &i("2026-02-01", None)),
            Some(d("2026-02-01"))
        );
        assert_eq!(
            first_day_over(&placed, &capacity, &i("2026-03-01", Some("2026-05-01"))),
            None
        );
        // The service has no period from 2026-05-01: no place from then on.
        assert_eq!(
            first_day_over(&placed, &capacity, &i("2026-03-01", None)),
            Some(d("2026-05-01"))
        );
        assert_eq!(
            first_day_over(&placed, &capacity, &i("2026-03-01", Some("2026-03-01"))),
            None
        );
    }

    #[test]
    fn the_peak_counts_every_day_of_the_period() {
        let placed = [
            i("2026-01-01", Some("2026-02-01")),
            i("2026-01-15", None),
            i("2026-03-01", None),
        ];
        assert_eq!(peak(&placed, &i("2026-01-01", None)), 2);
        assert_eq!(peak(&placed, &i("2026-02-01", Some("2026-03-01"))), 1);
        assert_eq!(peak(&placed, &i("2025-01-01", Some("2026-01-01"))), 0);
    }

    #[test]
    fn facts_are_dated_within_the_window() {
        let w = DatingWindow::default();
        let today = d("2026-12-06");
        assert!(w.check(RecordedDate::Start, d("2027-03-06"), today).is_ok());
        assert!(w.check(RecordedDate::Start, d("2025-12-06"), today).is_ok());
        assert!(matches!(
            w.check(RecordedDate::Start, d("2027-03-07"), today),
            Err(DomainError::OutsideDatingWindow { .. })
        ));
        assert!(
            w.check(RecordedDate::Start, d("2025-12-05"), today)
                .is_err()
        );
    }
}
