//! Individual support plans: the sections each target group's plan must hold (di-rules §4.6)
//! and when a plan may be finalised (INV-A09, INV-A10).

use super::DomainError;
use super::client::TargetGroup;
use super::codes::closed_set;

closed_set! {
    /// Whose view a plan records (INV-A10): the child's opinion in the child groups, the
    /// adult's own choice otherwise.
    pub enum OpinionKind {
        ChildOpinion = "child_opinion",
        OwnChoice = "own_choice",
    }
}

closed_set! {
    /// A plan is drafted, then finalised; a final plan is never edited again.
    pub enum PlanStatus {
        Draft = "draft",
        Final = "final",
    }
}

/// A section of the plan: stable code, Latvian and English title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    pub code: &'static str,
    pub title_lv: &'static str,
    pub title_en: &'static str,
}

const fn s(code: &'static str, title_lv: &'static str, title_en: &'static str) -> Section {
    Section {
        code,
        title_lv,
        title_en,
    }
}

/// The ten sections every plan holds (B L898-955; C L1262-1321; D L1638-1674).
pub const COMMON: [Section; 10] = [
    s(
        "institution_placement",
        "Informācija par ievietošanas nosacījumiem VSAC",
        "Conditions of placement in the institution (if applicable)",
    ),
    s(
        "community_services_needed",
        "Nepieciešamie sabiedrībā balstītie pakalpojumi",
        "Community-based services needed",
    ),
    s(
        "support_persons",
        "Ģimenes locekļi, draugi un citas atbalsta personas",
        "Family members, friends and other support persons",
    ),
    s(
        "family_support_needed",
        "Ģimenes locekļiem nepieciešamais atbalsts",
        "Support needed by family members",
    ),
    s(
        "employment",
        "Iespējamā nodarbinātība",
        "Possible employment",
    ),
    s(
        "education",
        "Izglītības līmenis un vajadzības",
        "Education level and learning needs",
    ),
    s(
        "health",
        "Fiziskā un garīgā veselība, invaliditātes grupa, medikamentozā terapija",
        "Physical and mental health, disability group, medication",
    ),
    s(
        "wishes_and_needs",
        "Individuālās vēlmes un vajadzības",
        "Individual wishes and needs",
    ),
    s(
        "institution_team_tasks",
        "Starpprofesionālās komandas uzdevumi sagatavošanas posmā",
        "Tasks of the institution's team in the preparation phase",
    ),
    s(
        "municipal_support_goals",
        "Turpmākā atbalsta mērķi, uzdevumi un vajadzības pašvaldībā",
        "Goals and tasks of further support in the municipality",
    ),
];

const ORPHAN: [Section; 6] = [
    s(
        "siblings",
        "Informācija par brāļiem un māsām un saskarsmi ar tiem",
        "Siblings and contact with them",
    ),
    s(
        "biological_family",
        "Informācija par bioloģisko ģimeni un saskarsmi ar to",
        "Biological family and contact with it",
    ),
    s(
        "child_opinion_on_family",
        "Bērna viedoklis par piemērotāko ģimeni",
        "The child's opinion on the most suitable family",
    ),
    s(
        "treatment_and_rehabilitation",
        "Nepieciešamā ārstēšana un rehabilitācija dzīvesvietā",
        "Treatment and rehabilitation needed at the place of residence",
    ),
    s(
        "other_needs",
        "Citas vajadzības atbilstoši situācijai",
        "Other needs per individual situation",
    ),
    s(
        "family_cooperation",
        "Darbs un sadarbība ar ģimeni",
        "Work and cooperation with the family",
    ),
];

const CHILD_FI: [Section; 3] = [
    s(
        "rehabilitation_needs",
        "Sociālās un medicīniskās rehabilitācijas vajadzības",
        "Social and medical rehabilitation needs",
    ),
    s(
        "education_programme",
        "Atbilstoša izglītības programma",
        "Appropriate education programme",
    ),
    s(
        "family_cooperation",
        "Darbs un sadarbība ar potenciālo ģimeni",
        "Work and cooperation with the potential family",
    ),
];

const ADULT: [Section; 2] = [
    s(
        "support_volume_and_care_level",
        "Nepieciešamā individuālā atbalsta apjoms, aprūpes līmenis",
        "Volume of individual support needed, care level",
    ),
    s(
        "medication_and_health_care",
        "Medikamentozā terapija, veselības aprūpes nodrošināšana",
        "Medication therapy and health-care provision",
    ),
];

/// Every section a plan for `group` must hold, common ones first.
pub fn sections_for(group: TargetGroup) -> Vec<Section> {
    let extra: &[Section] = match group {
        TargetGroup::OrphanOrNoParentalCare => &ORPHAN,
        TargetGroup::ChildWithFunctionalImpairment => &CHILD_FI,
        TargetGroup::AdultWithMentalDisorder => &ADULT,
    };
    COMMON.iter().chain(extra).copied().collect()
}

/// What the plan records of the person's view: a child's opinion or an adult's own choice.
pub fn opinion_kind(group: TargetGroup) -> OpinionKind {
    if group.is_child() {
        OpinionKind::ChildOpinion
    } else {
        OpinionKind::OwnChoice
    }
}

/// Codes a plan may hold: anything else is rejected.
pub fn check_known_sections<'a>(
    group: TargetGroup,
    codes: impl IntoIterator<Item = &'a str>,
) -> Result<(), DomainError> {
    let allowed = sections_for(group);
    let unknown: Vec<String> = codes
        .into_iter()
        .filter(|c| !allowed.iter().any(|s| s.code == *c))
        .map(str::to_string)
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(DomainError::UnknownPlanSections { unknown })
    }
}

/// INV-A09/A10: a plan is final only with every section filled in and the person's view.
pub fn check_finalisable<'a>(
    group: TargetGroup,
    filled: impl IntoIterator<Item = &'a str> + Clone,
    has_opinion: bool,
) -> Result<(), DomainError> {
    let mut missing: Vec<String> = sections_for(group)
        .iter()
        .filter(|s| !filled.clone().into_iter().any(|f| f == s.code))
        .map(|s| s.code.to_string())
        .collect();
    if !has_opinion {
        missing.push(opinion_kind(group).as_str().to_string());
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(DomainError::PlanIncomplete { missing })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_group_has_ten_common_sections_plus_its_own() {
        assert_eq!(sections_for(TargetGroup::OrphanOrNoParentalCare).len(), 16);
        assert_eq!(
            sections_for(TargetGroup::ChildWithFunctionalImpairment).len(),
            13
        );
        assert_eq!(sections_for(TargetGroup::AdultWithMentalDisorder).len(), 12);
    }

    #[test]
    fn a_plan_is_final_only_with_every_section_and_the_persons_view() {
        let group = TargetGroup::AdultWithMentalDisorder;
        let all: Vec<&str> = sections_for(group).iter().map(|s| s.code).collect();
        assert!(check_finalisable(group, all.iter().copied(), true).is_ok());
        assert_eq!(
            check_finalisable(group, all.iter().copied(), false),
            Err(DomainError::PlanIncomplete {
                missing: vec!["own_choice".into()]
            })
        );
        let without_employment: Vec<&str> =
            all.iter().copied().filter(|c| *c != "employment").collect();
        assert_eq!(
            check_finalisable(
                TargetGroup::AdultWithMentalDisorder,
                without_employment.iter().copied(),
                true
            ),
            Err(DomainError::PlanIncomplete {
                missing: vec!["employment".into()]
            })
        );
        let child = TargetGroup::OrphanOrNoParentalCare;
        let Err(DomainError::PlanIncomplete { missing }) =
            check_finalisable(child, [].iter().copied(), false)
        else {
            panic!("an empty child plan is incomplete");
        };
        assert_eq!(missing.len(), 17);
        assert_eq!(missing.last().map(String::as_str), Some("child_opinion"));
    }

    #[test]
    fn sections_of_another_group_are_unknown() {
        assert!(check_known_sections(TargetGroup::AdultWithMentalDisorder, ["siblings"]).is_err());
        assert!(
            check_known_sections(TargetGroup::OrphanOrNoParentalCare, ["siblings", "health"])
                .is_ok()
        );
    }
}
