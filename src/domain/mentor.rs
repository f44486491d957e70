//! Social mentors: contract types, eligibility by training (INV-M04, INV-M05).

use std::collections::BTreeMap;

use serde::Serialize;

use super::DomainError;
use super::codes::closed_set;
use super::policy::MENTOR_TRAININGS;

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

/// A training still short of its required hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MissingTraining {
    #[schema(example = "life_skills")]
    pub programme: String,
    pub required_hours: i32,
    pub completed_hours: i32,
}

/// The trainings a mentor still lacks, from completed `(programme, hours)` records (hours of
/// the same programme add up). Empty means eligible.
pub fn missing_trainings<'a>(
    completed: impl IntoIterator<Item = (&'a str, i32)>,
) -> Vec<MissingTraining> {
    let mut hours: BTreeMap<&str, i32> = BTreeMap::new();
    for (programme, h) in completed {
        *hours.entry(programme).or_default() += h;
    }
    MENTOR_TRAININGS
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

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: [(&str, i32); 4] = [
        ("life_skills", 48),
        ("support_plan_development", 24),
        ("work_with_disabilities", 24),
        ("client_needs_work", 64),
    ];

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
}
