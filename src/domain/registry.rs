//! Provider and service register rules (SPEC §2–3; registry-and-indicators §5, §9.2.3).
//!
//! The enumerations derive `ToSchema` (a pure derive, no runtime) so the API documents the
//! very values the rules use.

use std::collections::BTreeSet;

use super::DomainError;
use super::codes::{ServiceTypeCode, TargetGroupCode, closed_set};

closed_set! {
    /// Legal status of a provider (registry-and-indicators §9.2.3); the sector follows from it.
    pub enum LegalStatus {
        MunicipalInstitutionUnit = "municipal_institution_unit",
        MunicipalInstitution = "municipal_institution",
        MunicipalAgency = "municipal_agency",
        StateInstitution = "state_institution",
        Company = "company",
        StateOwnedCompany = "state_owned_company",
        MunicipalOwnedCompany = "municipal_owned_company",
        Association = "association",
        Foundation = "foundation",
        ReligiousOrganisation = "religious_organisation",
    }
}

impl LegalStatus {
    /// Municipal and state bodies and companies they own are public sector; a limited
    /// company is private; associations and foundations are NGOs.
    pub fn sector(self) -> Sector {
        match self {
            LegalStatus::MunicipalInstitutionUnit
            | LegalStatus::MunicipalInstitution
            | LegalStatus::MunicipalAgency
            | LegalStatus::MunicipalOwnedCompany => Sector::Municipal,
            LegalStatus::StateInstitution | LegalStatus::StateOwnedCompany => Sector::State,
            LegalStatus::Company => Sector::Private,
            LegalStatus::Association | LegalStatus::Foundation => Sector::Ngo,
            LegalStatus::ReligiousOrganisation => Sector::Religious,
        }
    }
}

closed_set! {
    /// The sector a provider belongs to.
    pub enum Sector {
        Municipal = "municipal",
        State = "state",
        Ngo = "ngo",
        Private = "private",
        Religious = "religious",
    }
}

impl Sector {
    /// The sector's name in Latvian and in English (the statistics' `sector_label`).
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Sector::Municipal => ("pašvaldības", "municipal"),
            Sector::State => ("valsts", "state"),
            Sector::Ngo => ("nevalstiskā organizācija", "non-governmental organisation"),
            Sector::Private => ("privātais", "private"),
            Sector::Religious => ("reliģiskā organizācija", "religious organisation"),
        }
    }
}

closed_set! {
    /// A provider's standing in the register.
    pub enum ProviderStatus {
        Active = "active",
        Suspended = "suspended",
        Excluded = "excluded",
    }
}

/// Exclusion from the register is final; active and suspended switch freely.
pub fn change_provider_status(from: ProviderStatus, to: ProviderStatus) -> Result<(), DomainError> {
    if from == ProviderStatus::Excluded && to != ProviderStatus::Excluded {
        Err(DomainError::ProviderExcluded)
    } else {
        Ok(())
    }
}

closed_set! {
    /// A service's life cycle.
    pub enum ServiceStatus {
        Planned = "planned",
        Active = "active",
        Closed = "closed",
    }
}

closed_set! {
    /// Where a service type is delivered.
    pub enum Setting {
        /// Institutional care (long-term care institutions, state social care centres).
        Institutional = "institutional",
        /// Community-based service.
        Community = "community",
    }
}

closed_set! {
    /// The unit a service's price is given in.
    pub enum PriceUnit {
        PersonDay = "person_day",
        Hour = "hour",
        Month = "month",
    }
}

closed_set! {
    /// A local government's kind (2021 territorial reform).
    pub enum MunicipalityKind {
        /// Valstspilsēta (state city).
        StateCity = "state_city",
        /// Novads (municipality).
        Municipality = "municipality",
    }
}

/// What the catalogue says about a service type.
#[derive(Debug, Clone)]
pub struct ServiceTypeRules {
    pub code: ServiceTypeCode,
    pub max_capacity: Option<i32>,
    pub target_groups: BTreeSet<TargetGroupCode>,
}

/// A service as it would be stored after a create or an update.
#[derive(Debug, Clone)]
pub struct ServiceState<'a> {
    pub capacity: i32,
    pub occupied: i32,
    pub target_groups: &'a BTreeSet<TargetGroupCode>,
    pub status: ServiceStatus,
    pub previous_status: Option<ServiceStatus>,
    pub provider_status: ProviderStatus,
}

/// Checks a service against its type and its provider: capacity within the type's limit
/// (INV-C01 family-like care home ≤ 8, INV-C02 social-correction home ≤ 24) and not below
/// the current occupancy; target groups among those the type serves; `active` only while
/// the provider is active (INV-P01); a closed service stays closed.
pub fn check_service(rules: &ServiceTypeRules, s: &ServiceState<'_>) -> Result<(), DomainError> {
    if s.previous_status == Some(ServiceStatus::Closed) && s.status != ServiceStatus::Closed {
        return Err(DomainError::ServiceClosed);
    }
    if let Some(limit) = rules.max_capacity
        && s.capacity > limit
    {
        return Err(DomainError::CapacityAboveTypeLimit {
            service_type: rules.code.to_string(),
            limit,
            capacity: s.capacity,
        });
    }
    if s.capacity < s.occupied {
        return Err(DomainError::CapacityBelowOccupancy {
            occupied: s.occupied,
            capacity: s.capacity,
        });
    }
    if s.target_groups.is_empty() {
        return Err(DomainError::TargetGroupNotServed {
            service_type: rules.code.to_string(),
            target_groups: Vec::new(),
        });
    }
    let unserved: Vec<String> = s
        .target_groups
        .difference(&rules.target_groups)
        .map(ToString::to_string)
        .collect();
    if !unserved.is_empty() {
        return Err(DomainError::TargetGroupNotServed {
            service_type: rules.code.to_string(),
            target_groups: unserved,
        });
    }
    if s.status == ServiceStatus::Active && s.provider_status != ProviderStatus::Active {
        return Err(DomainError::ProviderNotActive);
    }
    Ok(())
}

/// Lower-case words with diacritics folded (`Ģimenes` → `gimenes`), for search.
pub fn normalise_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| deunicode::deunicode(w).to_lowercase())
        .filter(|w| !w.is_empty())
}

/// The search terms stored for a service: every normalised word of its texts.
pub fn search_terms<'a>(texts: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    texts.into_iter().flat_map(normalise_words).collect()
}

/// The half-open range `[term, next)` holding every word that starts with `term`.
pub fn prefix_range(term: &str) -> (String, String) {
    let mut upper: Vec<char> = term.chars().collect();
    if let Some(last) = upper.last_mut() {
        *last = char::from_u32(*last as u32 + 1).unwrap_or(char::MAX);
    }
    (term.to_string(), upper.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(max: Option<i32>, groups: &[&str]) -> ServiceTypeRules {
        ServiceTypeRules {
            code: ServiceTypeCode::new("family_like_care_home"),
            max_capacity: max,
            target_groups: groups.iter().copied().map(TargetGroupCode::new).collect(),
        }
    }

    fn groups(g: &[&str]) -> BTreeSet<TargetGroupCode> {
        g.iter().copied().map(TargetGroupCode::new).collect()
    }

    fn state<'a>(capacity: i32, target_groups: &'a BTreeSet<TargetGroupCode>) -> ServiceState<'a> {
        ServiceState {
            capacity,
            occupied: 0,
            target_groups,
            status: ServiceStatus::Active,
            previous_status: None,
            provider_status: ProviderStatus::Active,
        }
    }

    #[test]
    fn sector_follows_legal_status() {
        assert_eq!(LegalStatus::MunicipalAgency.sector(), Sector::Municipal);
        assert_eq!(LegalStatus::StateOwnedCompany.sector(), Sector::State);
        assert_eq!(LegalStatus::Foundation.sector(), Sector::Ngo);
        assert_eq!(LegalStatus::Company.sector(), Sector::Private);
        assert_eq!(
            LegalStatus::ReligiousOrganisation.sector(),
            Sector::Religious
        );
        for l in LegalStatus::ALL {
            assert_eq!(LegalStatus::parse(l.as_str()), Some(l));
        }
    }

    #[test]
    fn exclusion_is_final() {
        use ProviderStatus::*;
        assert!(change_provider_status(Active, Suspended).is_ok());
        assert!(change_provider_status(Suspended, Active).is_ok());
        assert!(change_provider_status(Active, Excluded).is_ok());
        assert_eq!(
            change_provider_status(Excluded, Active),
            Err(DomainError::ProviderExcluded)
        );
        assert_eq!(
            change_provider_status(Excluded, Suspended),
            Err(DomainError::ProviderExcluded)
        );
    }

    #[test]
    fn a_family_like_care_home_holds_at_most_eight() {
        let g = groups(&["orphan_or_no_parental_care"]);
        let r = rules(Some(8), &["orphan_or_no_parental_care"]);
        assert!(check_service(&r, &state(8, &g)).is_ok());
        assert!(matches!(
            check_service(&r, &state(9, &g)),
            Err(DomainError::CapacityAboveTypeLimit {
                limit: 8,
                capacity: 9,
                ..
            })
        ));
        assert!(
            check_service(
                &rules(None, &["orphan_or_no_parental_care"]),
                &state(500, &g)
            )
            .is_ok()
        );
    }

    #[test]
    fn target_groups_must_be_served_by_the_type() {
        let r = rules(None, &["orphan_or_no_parental_care"]);
        let g = groups(&["orphan_or_no_parental_care", "adult_with_mental_disorder"]);
        assert_eq!(
            check_service(&r, &state(4, &g)),
            Err(DomainError::TargetGroupNotServed {
                service_type: "family_like_care_home".into(),
                target_groups: vec!["adult_with_mental_disorder".into()],
            })
        );
        let empty = groups(&[]);
        assert!(check_service(&r, &state(4, &empty)).is_err());
    }

    #[test]
    fn only_an_active_provider_has_active_services() {
        let g = groups(&["orphan_or_no_parental_care"]);
        let r = rules(None, &["orphan_or_no_parental_care"]);
        let mut s = state(4, &g);
        s.provider_status = ProviderStatus::Suspended;
        assert_eq!(check_service(&r, &s), Err(DomainError::ProviderNotActive));
        s.status = ServiceStatus::Planned;
        assert!(check_service(&r, &s).is_ok());
    }

    #[test]
    fn capacity_cannot_drop_below_occupancy_and_closed_stays_closed() {
        let g = groups(&["orphan_or_no_parental_care"]);
        let r = rules(None, &["orphan_or_no_parental_care"]);
        let mut s = state(2, &g);
        s.occupied = 3;
        assert!(matches!(
            check_service(&r, &s),
            Err(DomainError::CapacityBelowOccupancy { .. })
        ));
        let mut s = state(2, &g);
        s.previous_status = Some(ServiceStatus::Closed);
        assert_eq!(check_service(&r, &s), Err(DomainError::ServiceClosed));
    }

    #[test]
    fn search_words_are_lower_case_without_diacritics() {
        let terms = search_terms(["Ģimenes tipa MĀJA, Kuldīgā", "Day-care"]);
        let expected: BTreeSet<String> = ["gimenes", "tipa", "maja", "kuldiga", "day", "care"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(terms, expected);
        assert_eq!(prefix_range("gim"), ("gim".into(), "gin".into()));
    }
}
