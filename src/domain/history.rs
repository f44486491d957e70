//! The record over time, as the statistics read it: the day the record begins, how a
//! service stands in the register on a given day, and which assessment is current then.
//!
//! Every statistic with a date answers what the record says about that day, computed from
//! the intervals (placements, mentor assignments, service and provider periods, transfers)
//! and the assessment dates. Before the record's first day it holds nothing to count, so a
//! date before it is refused rather than answered with zeros.

use chrono::NaiveDate;

use super::DomainError;
use super::assessment::CareLevel;
use super::client::{Transfer, owner_on};
use super::codes::{MunicipalityCode, closed_set};
use super::ids::AssessmentId;
use super::interval::{Interval, count_on, maximal_runs};
use super::registry::{ProviderStatus, ServiceStatus};

closed_set! {
    /// A service's standing in the register on a day, from its own status that day and its
    /// provider's status that day.
    pub enum RegisterStatus {
        /// Its own status is `planned`.
        Planned = "planned",
        /// It runs: its own status is `active` and its provider is active (INV-P01).
        Active = "active",
        /// Its own status is `active` but its provider is suspended that day: it does not run.
        Suspended = "suspended",
    }
}

impl RegisterStatus {
    /// The standing's name in Latvian and in English (the statistics' `status_label`).
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            RegisterStatus::Planned => ("plānots", "planned"),
            RegisterStatus::Active => ("darbojas", "active"),
            RegisterStatus::Suspended => ("apturēts", "suspended"),
        }
    }
}

/// How a service stands in the register on a day, given its own status and its provider's
/// status that day; `None` when it is not in the register that day (the service is closed,
/// or the provider is excluded).
pub fn register_status(service: ServiceStatus, provider: ProviderStatus) -> Option<RegisterStatus> {
    match (service, provider) {
        (ServiceStatus::Closed, _) | (_, ProviderStatus::Excluded) => None,
        (ServiceStatus::Planned, _) => Some(RegisterStatus::Planned),
        (ServiceStatus::Active, ProviderStatus::Active) => Some(RegisterStatus::Active),
        (ServiceStatus::Active, ProviderStatus::Suspended) => Some(RegisterStatus::Suspended),
    }
}

/// Whether a service runs (takes placements, counts as active) given its own status and its
/// provider's status on the same day (INV-P01).
pub fn runs(service: ServiceStatus, provider: ProviderStatus) -> bool {
    register_status(service, provider) == Some(RegisterStatus::Active)
}

/// How a service stands on a day: its own status and capacity, its provider's status, and
/// the placements active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceDay {
    pub status: ServiceStatus,
    pub capacity: i32,
    pub provider_status: ProviderStatus,
    pub occupied: usize,
}

/// A service over time, as runs over the days it has a period of its own and its provider
/// a status period (from the later of the opening and the provider's registration on).
pub fn service_runs(
    periods: &[(Interval, ServiceStatus, i32)],
    provider: &[(Interval, ProviderStatus)],
    placements: &[Interval],
) -> Vec<(Interval, ServiceDay)> {
    let bounds = |i: &Interval| [Some(i.start), i.end];
    let changes = periods
        .iter()
        .flat_map(|(i, ..)| bounds(i))
        .chain(provider.iter().flat_map(|(i, _)| bounds(i)))
        .chain(placements.iter().flat_map(bounds))
        .flatten();
    maximal_runs(changes, |day| {
        let (_, status, capacity) = periods.iter().find(|(i, ..)| i.active_on(day))?;
        let (_, provider_status) = provider.iter().find(|(i, _)| i.active_on(day))?;
        Some(ServiceDay {
            status: *status,
            capacity: *capacity,
            provider_status: *provider_status,
            occupied: count_on(placements, day),
        })
    })
}

/// An assessment as its place in the history and the statistics need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated {
    pub id: AssessmentId,
    pub assessed_on: NaiveDate,
    pub care_level: CareLevel,
    pub next_reassessment_due: NaiveDate,
}

/// INV-A01: the assessment current on `day` is the last recorded (largest id) among those
/// dated on or before it. A new assessment follows the current one, so that is the latest
/// dated; a correction replaces the assessment it corrects from the correction's own date
/// on, even when dated before it; an assessment dated after `day` does not count yet.
pub fn current_on(assessments: &[Dated], day: NaiveDate) -> Option<&Dated> {
    assessments
        .iter()
        .filter(|a| a.assessed_on <= day)
        .max_by_key(|a| a.id)
}

/// The client's current assessment over time, with the case owner on those days
/// (`client::owner_on`), as runs from the first assessment's date on.
pub fn current_runs(
    assessments: &[Dated],
    current_owner: &MunicipalityCode,
    transfers: &[Transfer<'_>],
) -> Vec<(Interval, (MunicipalityCode, Dated))> {
    let changes = assessments
        .iter()
        .map(|a| a.assessed_on)
        .chain(transfers.iter().map(|t| t.on));
    maximal_runs(changes, |day| {
        current_on(assessments, day).map(|a| (owner_on(current_owner, transfers, day).clone(), *a))
    })
}

/// The record's first day: the date of its earliest dated fact (a provider's registration,
/// a service period's start, a client's or a mentor's registration, a placement's or a
/// mentor assignment's start, an assessment), and at the latest `today`, so that today is
/// always answerable. An empty record has none: it refuses no date (every count is 0).
pub fn first_day(
    earliest_facts: impl IntoIterator<Item = Option<NaiveDate>>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    earliest_facts
        .into_iter()
        .flatten()
        .min()
        .map(|first| first.min(today))
}

/// A statistic is answerable on `date` only from the record's first day on (an empty
/// record answers every date).
pub fn check_answerable(
    parameter: &'static str,
    date: NaiveDate,
    first_day: Option<NaiveDate>,
) -> Result<(), DomainError> {
    if let Some(first_day) = first_day.filter(|first| date < *first) {
        Err(DomainError::BeforeRecord {
            parameter,
            date,
            first_day,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn inv_a01_the_current_assessment_is_the_last_recorded_among_those_dated_by_then() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        let at = |id: i64, on: &str, level: CareLevel| Dated {
            id: AssessmentId(id),
            assessed_on: d(on),
            care_level: level,
            next_reassessment_due: d(on) + chrono::Days::new(365),
        };
        // The second is corrected by the third, dated back before it.
        let history = [
            at(1, "2024-01-10", CareLevel::I),
            at(2, "2025-01-10", CareLevel::Ii),
            at(3, "2024-12-01", CareLevel::Iii),
        ];
        assert_eq!(current_on(&history, d("2024-01-09")), None);
        assert_eq!(current_on(&history, d("2024-11-30")), Some(&history[0]));
        assert_eq!(current_on(&history, d("2024-12-01")), Some(&history[2]));
        assert_eq!(current_on(&history, d("2025-06-01")), Some(&history[2]));
        let span = |s: &str, e: Option<&str>| Interval::new(d(s), e.map(d)).expect("interval");
        let (a, b) = (MunicipalityCode::new("050"), MunicipalityCode::new("RIX"));
        let moved = [Transfer {
            on: d("2025-03-01"),
            from: &a,
            to: &b,
        }];
        assert_eq!(
            current_runs(&history, &b, &moved),
            vec![
                (
                    span("2024-01-10", Some("2024-12-01")),
                    (a.clone(), history[0])
                ),
                (
                    span("2024-12-01", Some("2025-03-01")),
                    (a.clone(), history[2])
                ),
                (span("2025-03-01", None), (b.clone(), history[2])),
            ]
        );
    }

    #[test]
    fn service_runs_follow_its_periods_its_providers_status_and_its_placements() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        let i = |s: &str, e: Option<&str>| Interval::new(d(s), e.map(d)).expect("interval");
        let periods = [
            (
                i("2024-01-01", Some("2024-06-01")),
                ServiceStatus::Active,
                2,
            ),
            (i("2024-06-01", None), ServiceStatus::Active, 3),
        ];
        let provider = [
            (i("2023-01-01", Some("2024-03-01")), ProviderStatus::Active),
            (i("2024-03-01", None), ProviderStatus::Suspended),
        ];
        let placed = [i("2024-02-01", Some("2024-07-01"))];
        let day = |status, capacity, provider_status, occupied| ServiceDay {
            status,
            capacity,
            provider_status,
            occupied,
        };
        use {ProviderStatus as P, ServiceStatus as S};
        assert_eq!(
            service_runs(&periods, &provider, &placed),
            vec![
                (
                    i("2024-01-01", Some("2024-02-01")),
                    day(S::Active, 2, P::Active, 0)
                ),
                (
                    i("2024-02-01", Some("2024-03-01")),
                    day(S::Active, 2, P::Active, 1)
                ),
                (
                    i("2024-03-01", Some("2024-06-01")),
                    day(S::Active, 2, P::Suspended, 1)
                ),
                (
                    i("2024-06-01", Some("2024-07-01")),
                    day(S::Active, 3, P::Suspended, 1)
                ),
                (i("2024-07-01", None), day(S::Active, 3, P::Suspended, 0)),
            ]
        );
    }

    #[test]
    fn inv_p01_a_service_runs_only_while_its_provider_is_active() {
        use ProviderStatus as P;
        use ServiceStatus as S;
        assert_eq!(
            register_status(S::Active, P::Active),
            Some(RegisterStatus::Active)
        );
        assert_eq!(
            register_status(S::Active, P::Suspended),
            Some(RegisterStatus::Suspended)
        );
        assert_eq!(
            register_status(S::Planned, P::Suspended),
            Some(RegisterStatus::Planned)
        );
        assert_eq!(
            register_status(S::Planned, P::Active),
            Some(RegisterStatus::Planned)
        );
        for s in ServiceStatus::ALL {
            assert_eq!(register_status(s, P::Excluded), None, "{s}");
        }
        for p in ProviderStatus::ALL {
            assert_eq!(register_status(S::Closed, p), None, "{p}");
        }
        for s in ServiceStatus::ALL {
            for p in ProviderStatus::ALL {
                assert_eq!(runs(s, p), (s, p) == (S::Active, P::Active), "{s} {p}");
            }
        }
    }

    #[test]
    fn the_record_begins_with_its_earliest_fact_and_at_the_latest_today_an_empty_one_never() {
        let today = day(2026, 12, 6);
        assert_eq!(
            first_day([Some(day(2023, 5, 1)), None, Some(day(2021, 7, 1))], today),
            Some(day(2021, 7, 1))
        );
        assert_eq!(first_day([None, None], today), None);
        assert_eq!(first_day([Some(day(2027, 1, 1))], today), Some(today));
    }

    #[test]
    fn a_date_before_the_first_day_is_refused_and_the_first_day_itself_answers_as_does_an_empty_record()
     {
        let first = day(2021, 7, 1);
        assert_eq!(check_answerable("as_of", first, Some(first)), Ok(()));
        assert_eq!(check_answerable("to", day(2030, 1, 1), Some(first)), Ok(()));
        assert_eq!(check_answerable("from", day(1990, 1, 1), None), Ok(()));
        let refused = check_answerable("as_of", day(2021, 6, 30), Some(first));
        assert_eq!(
            refused,
            Err(DomainError::BeforeRecord {
                parameter: "as_of",
                date: day(2021, 6, 30),
                first_day: first,
            })
        );
        let error = refused.expect_err("refused");
        assert_eq!(error.slug(), "before-record");
        assert_eq!(error.kind(), crate::domain::ViolationKind::Invalid);
    }
}
