//! Pure DI rules: no actix, no diesel, no async. Each rule violation is one `DomainError`
//! variant with a stable problem type.

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
}

impl DomainError {
    pub fn slug(&self) -> &'static str {
        match self {
            DomainError::MunicipalityNotValid { .. } => "municipality-not-valid",
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            DomainError::MunicipalityNotValid { .. } => {
                "The municipality does not exist on that date"
            }
        }
    }

    pub fn rule(&self) -> Option<&'static str> {
        match self {
            DomainError::MunicipalityNotValid { .. } => Some("REF-MUNICIPALITY-VALIDITY"),
        }
    }

    /// Whether the request conflicts with the current state (409) or is invalid in itself (422).
    pub fn kind(&self) -> ViolationKind {
        match self {
            DomainError::MunicipalityNotValid { .. } => ViolationKind::Invalid,
        }
    }
}
