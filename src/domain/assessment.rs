//! Care-level assessments: who may set a care level, team composition, the instrument that
//! derives the level, and reassessment dates (di-rules §4, INV-A01/A04/A05/A07/A08).

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::DomainError;
use super::client::TargetGroup;
use super::codes::closed_set;

closed_set! {
    /// The kind of organisation that carried out an assessment.
    pub enum OrganisationType {
        /// Pašvaldības sociālais dienests.
        MunicipalSocialService = "municipal_social_service",
        /// Ilgstošas sociālās aprūpes un sociālās rehabilitācijas institūcija.
        LongTermCareInstitution = "long_term_care_institution",
        /// A planning region's specialist team: assesses needs but does not set a care level.
        RegionalSpecialistTeam = "regional_specialist_team",
        /// A service provider: does not set a care level.
        ServiceProvider = "service_provider",
    }
}

closed_set! {
    /// Care levels I (least support) to IV (most), as Cabinet Regulation No. 138 sets them.
    pub enum CareLevel {
        I = "I",
        Ii = "II",
        Iii = "III",
        Iv = "IV",
    }
}

/// INV-A08: a care level is set only by a municipal social service or a long-term care
/// institution.
pub fn check_organisation(org: OrganisationType) -> Result<(), DomainError> {
    match org {
        OrganisationType::MunicipalSocialService | OrganisationType::LongTermCareInstitution => {
            Ok(())
        }
        other => Err(DomainError::OrganisationMayNotSetCareLevel {
            organisation_type: other.as_str(),
        }),
    }
}

/// The specialist roles an assessment team needs for each target group (INV-A04).
pub fn required_team(group: TargetGroup) -> &'static [&'static str] {
    match group {
        TargetGroup::OrphanOrNoParentalCare => &[
            "social_worker",
            "special_educator",
            "clinical_psychologist",
            "child_psychiatrist",
            "child_neurologist",
            "physiotherapist",
            "paediatrician_neonatologist",
        ],
        TargetGroup::ChildWithFunctionalImpairment => &[
            "social_worker",
            "special_educator",
            "clinical_psychologist",
            "child_psychiatrist",
            "physiotherapist",
        ],
        TargetGroup::AdultWithMentalDisorder => {
            &["social_worker", "psychiatrist", "occupational_therapist"]
        }
    }
}

/// A team member as recorded: role code and whether they lead.
#[derive(Debug, Clone)]
pub struct TeamMember {
    pub role: String,
    pub lead: bool,
}

/// INV-A04/A05: every required role is present, and exactly one member leads: the social worker.
pub fn check_team(group: TargetGroup, team: &[TeamMember]) -> Result<(), DomainError> {
    let missing: Vec<String> = required_team(group)
        .iter()
        .filter(|role| !team.iter().any(|m| m.role == **role))
        .map(|r| r.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(DomainError::TeamIncomplete {
            target_group: group.as_str(),
            missing,
        });
    }
    let leads: Vec<&TeamMember> = team.iter().filter(|m| m.lead).collect();
    if leads.len() != 1 || leads[0].role != "social_worker" {
        return Err(DomainError::TeamNotLedBySocialWorker);
    }
    Ok(())
}

/// INV-A01: the next reassessment is due `months` after the assessment (policy, default 12).
pub fn next_reassessment_due(assessed_on: NaiveDate, months: u32) -> NaiveDate {
    assessed_on
        .checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// A new assessment supersedes the client's current one, so it may not be dated before it:
/// the history would run backwards and the reassessment due date (INV-A01) with it. A
/// correction replaces the current assessment, so it may not be dated before the one that
/// preceded the current one. `not_before` is that date (the current one's, or for a
/// correction its predecessor's), if any.
pub fn check_chronology(
    assessed_on: NaiveDate,
    not_before: Option<NaiveDate>,
) -> Result<(), DomainError> {
    match not_before {
        Some(not_before) if assessed_on < not_before => {
            Err(DomainError::AssessmentOutOfOrder { not_before })
        }
        _ => Ok(()),
    }
}

/// A care-level instrument, published as reference data: each domain's score range and the
/// total-score thresholds of each level.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Instrument {
    pub code: String,
    pub version: i32,
    /// Domain code → inclusive score range.
    pub domains: BTreeMap<String, (i32, i32)>,
    /// Quality-of-life score range.
    pub quality_of_life: (i32, i32),
    /// Levels with the lowest total that reaches them, in ascending order of `min_total`.
    pub thresholds: Vec<(CareLevel, i32)>,
    /// A single domain at or above this score raises the level to at least `floor_level`.
    pub domain_floor: Option<(i32, CareLevel)>,
}

/// How a care level was reached, returned with every assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Derivation {
    pub instrument: String,
    pub instrument_version: i32,
    pub total: i32,
    /// The level the total reached.
    pub level_by_total: CareLevel,
    /// The level raised by a single domain's score, when that happened.
    pub raised_by_domain: Option<CareLevel>,
    pub care_level: CareLevel,
}

/// Scores the three domains with `instrument` (INV-A07). Every domain of the instrument must
/// be scored, within its range.
pub fn derive_care_level(
    instrument: &Instrument,
    scores: &BTreeMap<String, i32>,
    quality_of_life: i32,
) -> Result<Derivation, DomainError> {
    let mut errors = Vec::new();
    for (domain, (min, max)) in &instrument.domains {
        match scores.get(domain) {
            None => errors.push(format!("{domain}: missing")),
            Some(s) if s < min || s > max => {
                errors.push(format!("{domain}: {s} not in {min}..={max}"))
            }
            Some(_) => {}
        }
    }
    for domain in scores.keys() {
        if !instrument.domains.contains_key(domain) {
            errors.push(format!("{domain}: not a domain of {}", instrument.code));
        }
    }
    let (qmin, qmax) = instrument.quality_of_life;
    if quality_of_life < qmin || quality_of_life > qmax {
        errors.push(format!(
            "quality_of_life: {quality_of_life} not in {qmin}..={qmax}"
        ));
    }
    if !errors.is_empty() {
        return Err(DomainError::ScoresOutOfRange { errors });
    }
    let total: i32 = scores.values().sum();
    let Some(by_total) = instrument
        .thresholds
        .iter()
        .rev()
        .find(|(_, min)| total >= *min)
        .or(instrument.thresholds.first())
        .map(|(level, _)| *level)
    else {
        return Err(DomainError::ScoresOutOfRange {
            errors: vec![format!("{} defines no care levels", instrument.code)],
        });
    };
    // Care levels are ordered I < II < III < IV.
    let raised = instrument.domain_floor.and_then(|(score, floor)| {
        let hits = scores.values().any(|s| *s >= score);
        (hits && floor > by_total).then_some(floor)
    });
    Ok(Derivation {
        instrument: instrument.code.clone(),
        instrument_version: instrument.version,
        total,
        care_level: raised.unwrap_or(by_total),
        level_by_total: by_total,
        raised_by_domain: raised,
    })
}

#[cfg(test)]
mod tests {
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
}
