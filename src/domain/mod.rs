//! Pure DI rules: no actix, no diesel, no async. Each rule violation is one `DomainError`
//! variant with a stable problem type.

pub mod access;
pub mod registry;
pub mod validity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViolationKind {
    /// The request is fine in itself but conflicts with the stored state.
    Conflict,
    /// The request breaks a rule whatever the stored state.
    Invalid,
}

/// A violated rule. `slug` names the stable problem type (`/problems/{slug}`), `rule` the
/// rule id from the DI plan or the specification when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("municipality {code} is not valid on {date}")]
    MunicipalityNotValid {
        code: String,
        date: chrono::NaiveDate,
    },
    #[error("the provider is excluded from the register; exclusion is final")]
    ProviderExcluded,
    #[error("a service can be active only while its provider is active")]
    ProviderNotActive,
    #[error("the service is closed; a closed service is not reopened")]
    ServiceClosed,
    #[error("a {service_type} has at most {limit} places; {capacity} requested")]
    CapacityAboveTypeLimit {
        service_type: String,
        limit: i32,
        capacity: i32,
    },
    #[error("capacity {capacity} is below the {occupied} places occupied")]
    CapacityBelowOccupancy { occupied: i32, capacity: i32 },
    #[error(
        "service type {service_type} does not serve: {}",
        list_or_none(target_groups)
    )]
    TargetGroupNotServed {
        service_type: String,
        target_groups: Vec<String>,
    },
    #[error("unknown {what}: {code}")]
    UnknownReference { what: &'static str, code: String },
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "(no target group given)".into()
    } else {
        items.join(", ")
    }
}

impl DomainError {
    /// Stable problem slug, title, and rule id of each violation, in one table.
    fn meta(
        &self,
    ) -> (
        &'static str,
        &'static str,
        Option<&'static str>,
        ViolationKind,
    ) {
        use ViolationKind::{Conflict, Invalid};
        match self {
            DomainError::MunicipalityNotValid { .. } => (
                "municipality-not-valid",
                "The municipality does not exist on that date",
                Some("REF-MUNICIPALITY-VALIDITY"),
                Invalid,
            ),
            DomainError::ProviderExcluded => (
                "provider-excluded",
                "The provider is excluded from the register",
                Some("REG-EXCLUSION-FINAL"),
                Conflict,
            ),
            DomainError::ProviderNotActive => (
                "provider-not-active",
                "Only an active provider can have active services",
                Some("INV-P01"),
                Conflict,
            ),
            DomainError::ServiceClosed => (
                "service-closed",
                "The service is closed",
                Some("REG-SERVICE-CLOSED-FINAL"),
                Conflict,
            ),
            DomainError::CapacityAboveTypeLimit { .. } => (
                "capacity-above-type-limit",
                "Capacity exceeds the service type's limit",
                Some("INV-C01/INV-C02"),
                Invalid,
            ),
            DomainError::CapacityBelowOccupancy { .. } => (
                "capacity-below-occupancy",
                "Capacity is below the current occupancy",
                Some("REG-CAPACITY"),
                Conflict,
            ),
            DomainError::TargetGroupNotServed { .. } => (
                "target-group-not-served",
                "The service type does not serve that target group",
                Some("REG-CATALOGUE-TARGET-GROUP"),
                Invalid,
            ),
            DomainError::UnknownReference { .. } => (
                "unknown-reference",
                "A referenced code does not exist",
                None,
                Invalid,
            ),
        }
    }

    pub fn slug(&self) -> &'static str {
        self.meta().0
    }

    pub fn title(&self) -> &'static str {
        self.meta().1
    }

    pub fn rule(&self) -> Option<&'static str> {
        self.meta().2
    }

    /// Whether the request conflicts with the current state (409) or is invalid in itself (422).
    pub fn kind(&self) -> ViolationKind {
        self.meta().3
    }
}
