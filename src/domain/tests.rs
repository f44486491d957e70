//! Unit tests of the domain root: Latvian calendar days, and every `DomainError` sampled with a Latvian detail of its own.

#[test]
fn a_latvian_day_begins_at_its_own_midnight_in_winter_and_in_summer() {
    let day = |s: &str| s.parse::<chrono::NaiveDate>().expect("a date");
    let instant = |s: &str| s.parse::<chrono::NaiveDateTime>().expect("an instant");
    assert_eq!(day_start(day("2026-12-07")), instant("2026-12-06T22:00:00"));
    assert_eq!(day_start(day("2026-07-01")), instant("2026-06-30T21:00:00"));
    assert_eq!(local_day(instant("2026-12-06T22:13:00")), day("2026-12-07"));
}
use super::*;
use chrono::NaiveDate;

/// One violation of every rule, with values of the shapes they carry.
fn one_of_each() -> Vec<DomainError> {
    let on = NaiveDate::from_ymd_opt(2026, 5, 14).expect("date");
    let later = NaiveDate::from_ymd_opt(2026, 8, 12).expect("date");
    let codes = |c: &[&str]| c.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    vec![
        DomainError::MunicipalityNotValid {
            code: "050".into(),
            date: on,
        },
        DomainError::ProviderExcluded,
        DomainError::ProviderNotActive,
        DomainError::ServiceClosed,
        DomainError::CapacityAboveTypeLimit {
            service_type: "group_home".into(),
            limit: 8,
            capacity: 12,
        },
        DomainError::CapacityBelowOccupancy {
            occupied: 5,
            capacity: 4,
        },
        DomainError::TargetGroupNotServed {
            service_type: "group_home".into(),
            target_groups: Vec::new(),
        },
        DomainError::UnknownReference {
            what: Reference::Municipality,
            code: "RIX".into(),
        },
        DomainError::InvalidPersonalCode(personal_code::PersonalCodeError::Checksum),
        DomainError::ClientAlreadyRegistered,
        DomainError::BeforeRecord {
            parameter: "as_of",
            date: on,
            first_day: later,
        },
        DomainError::MonthNotComplete {
            parameter: "to",
            latest: on,
        },
        DomainError::MonthRequired { parameter: "from" },
        DomainError::BirthDateInFuture,
        DomainError::TargetGroupAge {
            target_group: "orphan_or_no_parental_care",
            admitted: client::AgeRange {
                min: None,
                max: Some(23),
            },
        },
        DomainError::TransferToSameMunicipality,
        DomainError::AssessmentInFuture,
        DomainError::AssessmentOutOfOrder { not_before: on },
        DomainError::AssessmentBeforeBirth,
        DomainError::CorrectionNotCurrent,
        DomainError::OrganisationMayNotSetCareLevel {
            organisation_type: "ngo",
        },
        DomainError::TeamIncomplete {
            target_group: "adult_with_mental_disorder",
            missing: codes(&["psychiatrist"]),
        },
        DomainError::TeamNotLedBySocialWorker,
        DomainError::ScoresOutOfRange {
            errors: vec![
                assessment::ScoreProblem::Missing {
                    domain: "mobility".into(),
                },
                assessment::ScoreProblem::OutOfRange {
                    domain: "self_care".into(),
                    score: 9,
                    min: 0,
                    max: 4,
                },
                assessment::ScoreProblem::NotADomain {
                    domain: "x".into(),
                    instrument: "fni".into(),
                },
                assessment::ScoreProblem::NoCareLevels {
                    instrument: "fni".into(),
                },
            ],
        },
        DomainError::PlanIncomplete {
            missing: codes(&["own_choice"]),
        },
        DomainError::UnknownPlanSections {
            unknown: codes(&["employment"]),
        },
        DomainError::PlanFinal,
        DomainError::PlanNotCurrent,
        DomainError::GoalProgressDate { not_before: on },
        DomainError::GoalStatusChange {
            from: "achieved",
            to: "dropped",
        },
        DomainError::MentorNotEligible {
            missing: codes(&["basic"]),
        },
        DomainError::MentorCapacityExceeded { capacity: 5, on },
        DomainError::ClientHasMentor { on },
        DomainError::AlreadyEnded,
        DomainError::EndBeforeStart,
        DomainError::ServiceFull { on },
        DomainError::ServiceNotActive,
        DomainError::AlreadyPlaced { on },
        DomainError::OutsideDatingWindow {
            what: interval::RecordedDate::Start,
            date: later,
            earliest: on,
            latest: on,
        },
        DomainError::DiStatusContradictsPlacements {
            requested: "community",
            derived: "institutional",
            on,
        },
        DomainError::VsacConsentRequired,
        DomainError::TransferInFuture,
        DomainError::NoteOutOfRange,
        DomainError::TariffVersionOutOfOrder,
        DomainError::DeliveryOutsidePlacement { day: on },
        DomainError::DeliveryInFuture { day: on },
        DomainError::ClaimClosed,
        DomainError::ClaimMonthNotOver { closes_on: on },
        DomainError::ClaimOutOfOrder {
            expected: "2027-01".into(),
        },
        DomainError::TransferOutOfOrder { not_before: on },
        DomainError::YouthHomeAge { limit: 24 },
        DomainError::DecisionTerms {
            problem: decision::TermsProblem::GrantWithoutStart,
        },
        DomainError::VsacDecisionWithoutSummary,
        DomainError::AppealDecided,
        DomainError::PlacementNotDecided {
            service_type: "group_home".into(),
            on,
        },
        DomainError::WaitingWithoutGrant,
        DomainError::AlreadyWaiting,
        DomainError::ReferralClosed { state: "declined" },
        DomainError::TransferRequestAnswered { state: "accepted" },
        DomainError::TransferAlreadyRequested,
    ]
}

#[test]
fn every_rule_violation_has_a_latvian_detail_of_its_own() {
    let all = one_of_each();
    // `detail_lv` is an exhaustive match (a new variant does not build without its Latvian
    // detail); this checks the samples reach every problem type, so none is left untested.
    for t in PROBLEM_TYPES {
        assert!(
            all.iter().any(|e| e.problem_type() == t),
            "no sample violation of {}",
            t.slug
        );
    }
    for e in &all {
        let (en, lv) = (e.to_string(), e.detail_lv());
        assert!(!lv.trim().is_empty(), "{en}");
        assert_ne!(lv, en, "{} is not translated", e.slug());
    }
}

#[test]
fn latvian_details_carry_the_same_values_as_the_english_ones() {
    for e in one_of_each() {
        let (en, lv) = (e.to_string(), e.detail_lv());
        // Dates, numbers and codes: every token of digits, or of a code's characters
        // with an underscore, that the English shows, the Latvian shows too.
        let values = en
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
            .map(|t| t.trim_end_matches('.'))
            .filter(|t| t.chars().any(|c| c.is_ascii_digit()) || t.contains('_'));
        for value in values {
            assert!(lv.contains(value), "{value} missing from {lv:?} ({en})");
        }
    }
}

#[test]
fn a_withheld_reference_is_withheld_in_both_languages() {
    let e = DomainError::UnknownReference {
        what: Reference::Service,
        code: "161175-19997".into(),
    };
    assert!(!e.to_string().contains("161175"));
    assert!(!e.detail_lv().contains("161175"));
    assert_eq!(
        e.detail_lv(),
        "nezināms pakalpojums (vērtība netiek rādīta)"
    );
}
