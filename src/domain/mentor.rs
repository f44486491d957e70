//! Social mentors: contract types, eligibility by training (INV-M04, INV-M05).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::DomainError;
use super::policy::MENTOR_TRAININGS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContractType {
    /// Darba līgums.
    Employment,
    /// Uzņēmuma līgums.
    Services,
}

impl ContractType {
    pub fn as_str(self) -> &'static str {
        match self {
            ContractType::Employment => "employment",
            ContractType::Services => "services",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Employment, Self::Services]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// Who engages a mentor: a municipality or a planning region (SM-9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmployerKind {
    Municipality,
    Region,
}

impl EmployerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EmployerKind::Municipality => "municipality",
            EmployerKind::Region => "region",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Municipality, Self::Region]
            .into_iter()
            .find(|k| k.as_str() == s)
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
