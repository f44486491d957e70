use super::*;

#[test]
fn an_assessment_is_not_dated_before_the_one_it_follows() {
    let d = |s: &str| s.parse::<NaiveDate>().expect("date");
    assert_eq!(check_chronology(d("2026-01-01"), None), Ok(()));
    assert_eq!(
        check_chronology(d("2026-05-01"), Some(d("2026-05-01"))),
        Ok(())
    );
    assert_eq!(
        check_chronology(d("2026-04-30"), Some(d("2026-05-01"))),
        Err(DomainError::AssessmentOutOfOrder {
            not_before: d("2026-05-01")
        })
    );
}

#[test]
fn assessment_after_birth_an_assessment_is_not_dated_before_the_clients_birth() {
    let d = |s: &str| s.parse::<NaiveDate>().expect("date");
    assert_eq!(check_after_birth(d("2020-03-01"), d("2020-03-01")), Ok(()));
    assert_eq!(
        check_after_birth(d("2020-02-29"), d("2020-03-01")),
        Err(DomainError::AssessmentBeforeBirth)
    );
    let instrument = default_instrument();
    let new = NewAssessment::parse(
        submitted("2026-04-30", OrganisationType::MunicipalSocialService),
        d("2026-06-01"),
    )
    .expect("parses");
    assert_eq!(
        new.judge(AssessmentFacts {
            target_group: TargetGroup::AdultWithMentalDisorder,
            birth_date: d("2026-05-01"),
            instrument: &instrument,
            current: None,
            reassessment_months: 12,
        }),
        Err(DomainError::AssessmentBeforeBirth)
    );
}

fn d(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn current(id: i64, on: &str, follows_on: Option<&str>) -> Option<CurrentAssessment> {
    Some(CurrentAssessment {
        id: AssessmentId(id),
        assessed_on: d(on),
        follows_on: follows_on.map(d),
    })
}

#[test]
fn inv_a01_a_new_assessment_supersedes_and_follows_the_current_one() {
    assert_eq!(
        succession(None, None),
        Ok(Succession {
            supersedes: None,
            not_before: None
        })
    );
    assert_eq!(
        succession(current(7, "2026-05-01", Some("2026-01-10")), None),
        Ok(Succession {
            supersedes: Some(AssessmentId(7)),
            not_before: Some(d("2026-05-01"))
        })
    );
}

#[test]
fn inv_a01_a_correction_replaces_the_current_one_and_follows_its_predecessor() {
    assert_eq!(
        succession(
            current(7, "2026-05-01", Some("2026-01-10")),
            Some(AssessmentId(7))
        ),
        Ok(Succession {
            supersedes: Some(AssessmentId(7)),
            not_before: Some(d("2026-01-10"))
        })
    );
    assert_eq!(
        succession(current(7, "2026-05-01", None), Some(AssessmentId(7))),
        Ok(Succession {
            supersedes: Some(AssessmentId(7)),
            not_before: None
        })
    );
}

#[test]
fn a_correction_must_name_the_current_assessment() {
    assert_eq!(
        succession(current(7, "2026-05-01", None), Some(AssessmentId(6))),
        Err(DomainError::CorrectionNotCurrent)
    );
    assert_eq!(
        succession(None, Some(AssessmentId(6))),
        Err(DomainError::CorrectionNotCurrent)
    );
}

fn submitted(on: &str, organisation_type: OrganisationType) -> SubmittedAssessment {
    SubmittedAssessment {
        assessed_on: d(on),
        organisation_type,
        team: [
            ("social_worker", true),
            ("psychiatrist", false),
            ("occupational_therapist", false),
        ]
        .into_iter()
        .map(|(role, lead)| NewTeamMember {
            role: role.into(),
            name: None,
            lead,
        })
        .collect(),
        scores: Scores {
            health: 4,
            self_care: 0,
            communication: 0,
        },
        quality_of_life: 50,
        needed_service_types: vec![],
        notes: None,
        instrument: None,
        corrects: None,
    }
}

#[test]
fn inv_a08_a_new_assessment_is_not_in_the_future_and_set_by_a_care_level_organisation() {
    let today = d("2026-06-01");
    let ok = submitted("2026-06-01", OrganisationType::MunicipalSocialService);
    assert!(NewAssessment::parse(ok, today).is_ok());
    assert_eq!(
        NewAssessment::parse(
            submitted("2026-06-02", OrganisationType::MunicipalSocialService),
            today
        ),
        Err(DomainError::AssessmentInFuture)
    );
    assert_eq!(
        NewAssessment::parse(
            submitted("2026-06-01", OrganisationType::ServiceProvider),
            today
        ),
        Err(DomainError::OrganisationMayNotSetCareLevel {
            organisation_type: "service_provider"
        })
    );
}

#[test]
fn inv_a01_a07_judging_derives_the_level_the_succession_and_the_next_due_date() {
    let instrument = default_instrument();
    let facts = |current| AssessmentFacts {
        target_group: TargetGroup::AdultWithMentalDisorder,
        birth_date: d("1980-01-01"),
        instrument: &instrument,
        current,
        reassessment_months: 12,
    };
    let mut s = submitted("2026-04-30", OrganisationType::MunicipalSocialService);
    s.corrects = Some(AssessmentId(7));
    let new = NewAssessment::parse(s, d("2026-06-01")).expect("parses");
    let outcome = new
        .judge(facts(current(7, "2026-05-01", Some("2026-01-10"))))
        .expect("a correction after the predecessor");
    assert_eq!(outcome.supersedes, Some(AssessmentId(7)));
    assert_eq!(outcome.next_reassessment_due, d("2027-04-30"));
    assert_eq!(outcome.derivation.care_level, CareLevel::Iii);
    assert_eq!(
        new.judge(facts(current(7, "2026-05-01", Some("2026-05-01")))),
        Err(DomainError::AssessmentOutOfOrder {
            not_before: d("2026-05-01")
        })
    );
    let mut s = submitted("2026-04-30", OrganisationType::MunicipalSocialService);
    s.team.pop();
    let incomplete = NewAssessment::parse(s, d("2026-06-01")).expect("parses");
    assert!(matches!(
        incomplete.judge(facts(None)),
        Err(DomainError::TeamIncomplete { .. })
    ));
}

fn team(roles: &[(&str, bool)]) -> Vec<TeamMember> {
    roles
        .iter()
        .map(|(r, lead)| TeamMember {
            role: r.to_string(),
            lead: *lead,
        })
        .collect()
}

pub fn default_instrument() -> Instrument {
    Instrument {
        code: "kopiena-default".into(),
        version: 1,
        domains: [
            ("communication", (0, 4)),
            ("health", (0, 4)),
            ("self_care", (0, 4)),
        ]
        .into_iter()
        .map(|(d, r)| (d.to_string(), r))
        .collect(),
        quality_of_life: (0, 100),
        thresholds: vec![
            (CareLevel::I, 0),
            (CareLevel::Ii, 4),
            (CareLevel::Iii, 7),
            (CareLevel::Iv, 10),
        ],
        domain_floor: Some((4, CareLevel::Iii)),
    }
}

fn scores(h: i32, s: i32, c: i32) -> BTreeMap<String, i32> {
    [("health", h), ("self_care", s), ("communication", c)]
        .into_iter()
        .map(|(d, v)| (d.to_string(), v))
        .collect()
}

#[test]
fn only_municipal_services_and_long_term_institutions_set_care_levels() {
    assert!(check_organisation(OrganisationType::MunicipalSocialService).is_ok());
    assert!(check_organisation(OrganisationType::LongTermCareInstitution).is_ok());
    assert!(check_organisation(OrganisationType::RegionalSpecialistTeam).is_err());
    assert!(check_organisation(OrganisationType::ServiceProvider).is_err());
}

#[test]
fn an_adult_team_needs_a_psychiatrist_and_an_occupational_therapist_led_by_the_social_worker() {
    let adult = TargetGroup::AdultWithMentalDisorder;
    let ok = team(&[
        ("social_worker", true),
        ("psychiatrist", false),
        ("occupational_therapist", false),
    ]);
    assert!(check_team(adult, &ok).is_ok());
    let missing = team(&[("social_worker", true), ("psychiatrist", false)]);
    assert_eq!(
        check_team(adult, &missing),
        Err(DomainError::TeamIncomplete {
            target_group: "adult_with_mental_disorder",
            missing: vec!["occupational_therapist".into()],
        })
    );
    let wrong_lead = team(&[
        ("social_worker", false),
        ("psychiatrist", true),
        ("occupational_therapist", false),
    ]);
    assert_eq!(
        check_team(adult, &wrong_lead),
        Err(DomainError::TeamNotLedBySocialWorker)
    );
    let two_leads = team(&[
        ("social_worker", true),
        ("psychiatrist", true),
        ("occupational_therapist", false),
    ]);
    assert_eq!(
        check_team(adult, &two_leads),
        Err(DomainError::TeamNotLedBySocialWorker)
    );
}

#[test]
fn child_teams_follow_their_target_group() {
    assert_eq!(required_team(TargetGroup::OrphanOrNoParentalCare).len(), 7);
    assert_eq!(
        required_team(TargetGroup::ChildWithFunctionalImpairment).len(),
        5
    );
}

#[test]
fn reassessment_is_due_twelve_months_later() {
    let d = |s: &str| s.parse::<NaiveDate>().expect("date");
    assert_eq!(next_reassessment_due(d("2026-01-31"), 12), d("2027-01-31"));
    assert_eq!(next_reassessment_due(d("2024-02-29"), 12), d("2025-02-28"));
    assert_eq!(next_reassessment_due(d("2026-01-15"), 6), d("2026-07-15"));
}

#[test]
fn the_default_instrument_derives_each_level_at_its_threshold() {
    let i = default_instrument();
    let level = |h, s, c| derive_care_level(&i, &scores(h, s, c), 50).map(|d| d.care_level);
    assert_eq!(level(0, 0, 0), Ok(CareLevel::I));
    assert_eq!(level(1, 1, 1), Ok(CareLevel::I));
    assert_eq!(level(2, 1, 1), Ok(CareLevel::Ii));
    assert_eq!(level(2, 2, 2), Ok(CareLevel::Ii));
    assert_eq!(level(3, 2, 2), Ok(CareLevel::Iii));
    assert_eq!(level(3, 3, 3), Ok(CareLevel::Iii));
    assert_eq!(level(4, 3, 3), Ok(CareLevel::Iv));
    assert_eq!(level(4, 4, 4), Ok(CareLevel::Iv));
    // One domain needing full support raises the level to at least III.
    let d = derive_care_level(&i, &scores(4, 0, 0), 50).expect("derivation");
    assert_eq!(
        (d.level_by_total.as_str(), d.care_level.as_str(), d.total),
        ("II", "III", 4)
    );
    assert_eq!(d.raised_by_domain, Some(CareLevel::Iii));
}

#[test]
fn scores_outside_the_instrument_are_rejected() {
    let i = default_instrument();
    assert!(derive_care_level(&i, &scores(5, 0, 0), 50).is_err());
    assert!(derive_care_level(&i, &scores(0, 0, 0), 101).is_err());
    let mut s = scores(0, 0, 0);
    s.remove("health");
    assert!(derive_care_level(&i, &s, 50).is_err());
}
