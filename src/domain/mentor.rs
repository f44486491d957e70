//! Social mentors: contract types, eligibility by training (INV-M04, INV-M05).

use chrono::NaiveDate;

use super::DomainError;
use super::codes::{MunicipalityCode, RegionCode, closed_set};
use super::interval::{Interval, count_on, first_day_over, maximal_runs};
use super::policy::MENTOR_TRAININGS;
use super::staff::shortfall;

closed_set! {
    /// How a mentor is engaged.
    pub enum ContractType {
        /// Darba līgums.
        Employment = "employment",
        /// Uzņēmuma līgums.
        Services = "services",
    }
}

closed_set! {
    /// Who engages a mentor: a municipality or a planning region (SM-9).
    pub enum EmployerKind {
        Municipality = "municipality",
        Region = "region",
    }
}

/// MENTOR-TRANSFER: a case transfer hands the client over with the assignments the receiving
/// municipality can carry on: those of a mentor its own planning region employs. An
/// assignment to a mentor of another employer (the sending municipality, another region)
/// ends on the transfer day, freeing the mentor's place.
pub fn ends_on_transfer(
    employer_kind: EmployerKind,
    employer_code: &str,
    to: &MunicipalityCode,
    to_region: &RegionCode,
) -> bool {
    match employer_kind {
        EmployerKind::Municipality => employer_code != to.as_str(),
        EmployerKind::Region => employer_code != to_region.as_str(),
    }
}

pub use super::staff::MissingTraining;

/// The trainings a mentor still lacks (INV-M04), from completed `(programme, hours)` records
/// (hours of the same programme add up). Empty means eligible.
pub fn missing_trainings<'a>(
    completed: impl IntoIterator<Item = (&'a str, i32)>,
) -> Vec<MissingTraining> {
    shortfall(&MENTOR_TRAININGS, completed)
}

/// An assignment must fit on every day it covers: at most `capacity` assignments of the
/// mentor at once (INV-M01), one mentor of the client at a time, and the trainings the
/// mentor had completed on its first day (INV-M04).
pub fn check_assignment<'a>(
    capacity: i32,
    mentor_assignments: &[Interval],
    client_assignments: &[Interval],
    candidate: &Interval,
    trainings: impl IntoIterator<Item = (&'a str, i32, NaiveDate)>,
) -> Result<(), DomainError> {
    check_eligible(&missing_trainings(
        trainings
            .into_iter()
            .filter(|(_, _, on)| *on <= candidate.start)
            .map(|(programme, hours, _)| (programme, hours)),
    ))?;
    if let Some(on) = first_day_over(client_assignments, &[(ALWAYS, 1)], candidate) {
        return Err(DomainError::ClientHasMentor { on });
    }
    if let Some(on) = first_day_over(
        mentor_assignments,
        &[(ALWAYS, i64::from(capacity))],
        candidate,
    ) {
        return Err(DomainError::MentorCapacityExceeded { capacity, on });
    }
    Ok(())
}

/// A limit that holds on every day.
const ALWAYS: Interval = Interval {
    start: NaiveDate::MIN,
    end: None,
};

/// INV-M04: assignment needs every training.
pub fn check_eligible(missing: &[MissingTraining]) -> Result<(), DomainError> {
    if missing.is_empty() {
        Ok(())
    } else {
        Err(DomainError::MentorNotEligible {
            missing: missing.iter().map(|m| m.programme.clone()).collect(),
        })
    }
}

/// A mentor's load (assignments active) over time, as runs over the days the mentor is in
/// the record: from their registration on, and before it on the days an assignment of theirs
/// is active.
pub fn load_runs(registered_on: NaiveDate, assignments: &[Interval]) -> Vec<(Interval, usize)> {
    let changes = assignments
        .iter()
        .flat_map(|a| [Some(a.start), a.end])
        .flatten()
        .chain([registered_on]);
    maximal_runs(changes, |day| {
        let load = count_on(assignments, day);
        (day >= registered_on || load > 0).then_some(load)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: [(&str, i32); 4] = [
        ("life_skills", 48),
        ("support_plan_development", 24),
        ("work_with_disabilities", 24),
        ("client_needs_work", 64),
    ];

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn trained_on(day: &str) -> Vec<(&'static str, i32, NaiveDate)> {
        FULL.iter().map(|(p, h)| (*p, *h, d(day))).collect()
    }

    /// INV-M04 is judged on the assignment's first day: trainings completed later do not count.
    #[test]
    fn load_runs_count_from_registration_and_on_earlier_assigned_days() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        let i = |s: &str, e: Option<&str>| Interval::new(d(s), e.map(d)).expect("interval");
        let assignments = [
            i("2023-01-01", Some("2023-02-01")),
            i("2024-04-01", None),
            i("2024-05-01", Some("2024-06-01")),
        ];
        assert_eq!(
            load_runs(d("2024-03-01"), &assignments),
            vec![
                (i("2023-01-01", Some("2023-02-01")), 1),
                (i("2024-03-01", Some("2024-04-01")), 0),
                (i("2024-04-01", Some("2024-05-01")), 1),
                (i("2024-05-01", Some("2024-06-01")), 2),
                (i("2024-06-01", None), 1),
            ]
        );
    }

    #[test]
    fn inv_m04_eligibility_is_judged_on_the_start_date() {
        let start = Interval::new(d("2025-11-01"), None).expect("interval");
        assert!(matches!(
            check_assignment(5, &[], &[], &start, trained_on("2026-11-26")),
            Err(DomainError::MentorNotEligible { .. })
        ));
        assert!(check_assignment(5, &[], &[], &start, trained_on("2025-11-01")).is_ok());
    }

    /// INV-M01 on every day, and one mentor of a client at a time.
    #[test]
    fn inv_m01_and_one_mentor_hold_on_every_day() {
        let open = |s: &str| Interval::new(d(s), None).expect("interval");
        let five: Vec<Interval> = (0..5).map(|_| open("2026-01-01")).collect();
        let candidate = open("2026-12-01");
        assert_eq!(
            check_assignment(5, &five, &[], &candidate, trained_on("2020-01-01")),
            Err(DomainError::MentorCapacityExceeded {
                capacity: 5,
                on: d("2026-12-01")
            })
        );
        let ending = Interval::new(d("2026-01-01"), Some(d("2027-01-05"))).expect("interval");
        assert_eq!(
            check_assignment(5, &[], &[ending], &candidate, trained_on("2020-01-01")),
            Err(DomainError::ClientHasMentor {
                on: d("2026-12-01")
            })
        );
        assert!(
            check_assignment(
                5,
                &[],
                &[ending],
                &open("2027-01-05"),
                trained_on("2020-01-01")
            )
            .is_ok()
        );
    }

    #[test]
    fn all_four_trainings_make_a_mentor_eligible() {
        assert!(missing_trainings(FULL).is_empty());
        assert!(check_eligible(&missing_trainings(FULL)).is_ok());
    }

    #[test]
    fn forty_seven_hours_of_life_skills_is_not_enough() {
        let mut records = FULL.to_vec();
        records[0] = ("life_skills", 47);
        let missing = missing_trainings(records);
        assert_eq!(
            missing,
            vec![MissingTraining {
                programme: "life_skills".into(),
                required_hours: 48,
                completed_hours: 47
            }]
        );
        assert_eq!(
            check_eligible(&missing),
            Err(DomainError::MentorNotEligible {
                missing: vec!["life_skills".into()]
            })
        );
    }

    #[test]
    fn hours_of_one_programme_add_up_and_other_programmes_do_not_count() {
        let records = [
            ("life_skills", 24),
            ("life_skills", 24),
            ("support_plan_development", 24),
            ("work_with_disabilities", 24),
            ("client_needs_work", 64),
            ("foster_family", 83),
        ];
        assert!(missing_trainings(records).is_empty());
        assert_eq!(missing_trainings([]).len(), 4);
    }

    #[test]
    fn mentor_transfer_keeps_only_a_mentor_of_the_receiving_region() {
        let (to, region) = (MunicipalityCode::new("RIX"), RegionCode::new("RIGA"));
        assert!(ends_on_transfer(
            EmployerKind::Municipality,
            "050",
            &to,
            &region
        ));
        assert!(ends_on_transfer(
            EmployerKind::Region,
            "KURZEME",
            &to,
            &region
        ));
        assert!(!ends_on_transfer(
            EmployerKind::Region,
            "RIGA",
            &to,
            &region
        ));
        assert!(!ends_on_transfer(
            EmployerKind::Municipality,
            "RIX",
            &to,
            &region
        ));
    }
}
