//! Staff beyond mentors (issue 18, point 5): who employs them, what qualifies a specialist
//! for an assessment team (INV-A06), and the day a person completes a training programme
//! (TRAINED-PROGRAMME, di-rules §6.2).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::codes::closed_set;

closed_set! {
    /// Who employs a staff member.
    pub enum StaffEmployerKind {
        /// A service provider of the register (by id).
        Provider = "provider",
        /// A municipality's social service (by code).
        Municipality = "municipality",
        /// A planning region: its specialist teams (by code).
        Region = "region",
    }
}

closed_set! {
    /// Who completed a training programme: a staff member or a mentor (mentors are staff too).
    pub enum TraineeKind {
        Staff = "staff",
        Mentor = "mentor",
    }
}

/// The qualifications INV-A06 asks of a specialist-team member, as the employer records them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    serde::Deserialize,
    validator::Validate,
    utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Qualifications {
    /// Professional higher education in the field.
    pub higher_education_in_field: bool,
    /// Years of experience with the target group the specialist works with.
    #[validate(range(min = 0, max = 60))]
    #[schema(minimum = 0, maximum = 60)]
    pub target_group_experience_years: i32,
    /// A certificate for the children's assessment instruments.
    pub instrument_certificate: bool,
}

closed_set! {
    /// A requirement of INV-A06 that a staff member does not meet.
    pub enum TeamRequirement {
        /// At least five years' experience with the target group.
        Experience = "target_group_experience",
        /// Professional higher education in the field.
        HigherEducation = "higher_education_in_field",
        /// The 8-hour training on DI and the unified assessment methodology.
        DiAssessmentTraining = "di_assessment_training",
        /// Children's teams only: a certificate for the assessment instruments.
        InstrumentCertificate = "instrument_certificate",
    }
}

/// INV-A06's thresholds (L656-668, L749-751, L1486).
pub const TEAM_EXPERIENCE_YEARS: i32 = 5;
pub const DI_ASSESSMENT_TRAINING: [(&str, i32); 1] = [("di_assessment", 8)];

/// Whether a staff member may sit on an assessment team, for adults and for children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TeamQualification {
    /// Meets INV-A06 for an adults' team.
    pub adults: bool,
    /// Meets INV-A06 for a children's team (the instrument certificate too).
    pub children: bool,
    /// What is not met (`instrument_certificate` matters for children's teams only).
    pub unmet: Vec<TeamRequirement>,
}

/// INV-A06: a specialist-team member has five years' experience with the target group,
/// professional higher education in the field and the 8-hour DI-assessment training; a
/// children's team member also a certificate for the assessment instruments.
pub fn team_qualification<'a>(
    q: &Qualifications,
    trainings: impl IntoIterator<Item = (&'a str, i32)>,
) -> TeamQualification {
    let mut unmet = Vec::new();
    if q.target_group_experience_years < TEAM_EXPERIENCE_YEARS {
        unmet.push(TeamRequirement::Experience);
    }
    if !q.higher_education_in_field {
        unmet.push(TeamRequirement::HigherEducation);
    }
    if !shortfall(&DI_ASSESSMENT_TRAINING, trainings).is_empty() {
        unmet.push(TeamRequirement::DiAssessmentTraining);
    }
    let adults = unmet.is_empty();
    if !q.instrument_certificate {
        unmet.push(TeamRequirement::InstrumentCertificate);
    }
    TeamQualification {
        adults,
        children: unmet.is_empty(),
        unmet,
    }
}

/// A training still short of its required hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MissingTraining {
    #[schema(example = "life_skills")]
    pub programme: String,
    pub required_hours: i32,
    pub completed_hours: i32,
}

/// The `required` `(programme, hours)` not yet reached by the `completed` records (hours of
/// the same programme add up; other programmes do not count).
pub fn shortfall<'a>(
    required: &[(&str, i32)],
    completed: impl IntoIterator<Item = (&'a str, i32)>,
) -> Vec<MissingTraining> {
    let mut hours: BTreeMap<&str, i32> = BTreeMap::new();
    for (programme, h) in completed {
        *hours.entry(programme).or_default() += h;
    }
    required
        .iter()
        .filter_map(|(programme, required)| {
            let done = hours.get(programme).copied().unwrap_or(0);
            (done < *required).then(|| MissingTraining {
                programme: programme.to_string(),
                required_hours: *required,
                completed_hours: done,
            })
        })
        .collect()
}

/// TRAINED-PROGRAMME: the day a person completes a programme, the first day on which the
/// hours of its trainings `(completed_on, hours)` completed by then reach its minimum (any
/// hours where it has none); `None` while they fall short. Hours are positive, so a person
/// who has completed a programme by a day has completed it on every later day.
pub fn programme_completed_on(
    trainings: &[(NaiveDate, i32)],
    min_hours: Option<i32>,
) -> Option<NaiveDate> {
    let required = min_hours.unwrap_or(1);
    let mut by_day = trainings.to_vec();
    by_day.sort();
    let mut done = 0;
    by_day.into_iter().find_map(|(day, hours)| {
        done += hours;
        (done >= required).then_some(day)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trained_programme_is_completed_on_the_day_its_hours_reach_the_minimum() {
        let day = |d: &str| d.parse::<NaiveDate>().expect("a date");
        // TRAINED-PROGRAMME: 16 + 8 hours reach 24 on the second training's day, whatever
        // the order they were recorded in.
        let parts = [(day("2025-03-01"), 8), (day("2025-01-10"), 16)];
        assert_eq!(
            programme_completed_on(&parts, Some(24)),
            Some(day("2025-03-01"))
        );
        assert_eq!(programme_completed_on(&parts, Some(25)), None);
        // Exactly the minimum is enough; a programme without one needs any hours.
        assert_eq!(
            programme_completed_on(&parts, Some(16)),
            Some(day("2025-01-10"))
        );
        assert_eq!(
            programme_completed_on(&parts, None),
            Some(day("2025-01-10"))
        );
        assert_eq!(programme_completed_on(&[], None), None);
    }

    const QUALIFIED: Qualifications = Qualifications {
        higher_education_in_field: true,
        target_group_experience_years: 5,
        instrument_certificate: true,
    };

    #[test]
    fn inv_a06_five_years_higher_education_and_eight_hours_qualify_for_both_teams() {
        let q = team_qualification(&QUALIFIED, [("di_assessment", 8)]);
        assert_eq!(
            q,
            TeamQualification {
                adults: true,
                children: true,
                unmet: vec![]
            }
        );
    }

    #[test]
    fn inv_a06_the_instrument_certificate_matters_for_children_only() {
        let q = Qualifications {
            instrument_certificate: false,
            ..QUALIFIED
        };
        let q = team_qualification(&q, [("di_assessment", 4), ("di_assessment", 4)]);
        assert!(q.adults);
        assert!(!q.children);
        assert_eq!(q.unmet, vec![TeamRequirement::InstrumentCertificate]);
    }

    #[test]
    fn inv_a06_each_requirement_short_is_named() {
        let q = Qualifications {
            higher_education_in_field: false,
            target_group_experience_years: 4,
            instrument_certificate: true,
        };
        let q = team_qualification(&q, [("di_assessment", 7), ("life_skills", 48)]);
        assert!(!q.adults && !q.children);
        assert_eq!(
            q.unmet,
            vec![
                TeamRequirement::Experience,
                TeamRequirement::HigherEducation,
                TeamRequirement::DiAssessmentTraining,
            ]
        );
    }

    #[test]
    fn shortfall_adds_hours_of_a_programme() {
        let required = [("client_needs_work", 64), ("work_with_disabilities", 24)];
        let missing = shortfall(
            &required,
            [("client_needs_work", 32), ("client_needs_work", 32)],
        );
        assert_eq!(
            missing,
            vec![MissingTraining {
                programme: "work_with_disabilities".into(),
                required_hours: 24,
                completed_hours: 0
            }]
        );
    }
}
