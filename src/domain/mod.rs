//! Pure DI rules: no actix, no async, no queries (diesel appears only as the derives that
//! mark a value type as storable; `db/types.rs` says how). Each rule violation is one `DomainError`
//! variant with a stable problem type.

pub mod codes;

pub mod access;
pub mod assessment;
pub mod audit;
pub mod change;
pub mod client;
pub mod disclosure;
pub mod history;
pub mod ids;
pub mod interval;
pub mod mentor;
pub mod personal_code;
pub mod phone;
pub mod placement;
pub mod policy;
pub mod registry;
pub mod support_plan;
pub mod validity;
pub mod webhook;

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
    #[error("unknown {what}{}", shown_reference(code))]
    UnknownReference { what: &'static str, code: String },
    #[error("invalid personal code: {0}")]
    InvalidPersonalCode(#[from] personal_code::PersonalCodeError),
    #[error("a client with this personal code is already registered")]
    ClientAlreadyRegistered,
    #[error(
        "{parameter} {date} is before the record's first day, {first_day}: the record holds nothing to count then"
    )]
    BeforeRecord {
        parameter: &'static str,
        date: chrono::NaiveDate,
        first_day: chrono::NaiveDate,
    },
    #[error(
        "{parameter} names a month that is not complete yet; for this caller figures are of complete months, the latest {latest}"
    )]
    MonthNotComplete {
        parameter: &'static str,
        latest: chrono::NaiveDate,
    },
    #[error(
        "for this caller {parameter} is a month (YYYY-MM): its person counts are perturbed and dated by whole months"
    )]
    MonthRequired { parameter: &'static str },
    #[error("the birth date is in the future")]
    BirthDateInFuture,
    #[error(
        "target group {target_group} does not fit a person aged {age}: it admits ages {admitted}"
    )]
    TargetGroupAge {
        target_group: &'static str,
        age: i32,
        admitted: String,
    },
    #[error("the client's case already belongs to that municipality")]
    TransferToSameMunicipality,
    #[error("an assessment cannot be dated in the future")]
    AssessmentInFuture,
    #[error(
        "the assessment cannot be dated before {not_before}, the date of the assessment it follows"
    )]
    AssessmentOutOfOrder { not_before: chrono::NaiveDate },
    #[error("the assessment cannot be dated before the client's birth date, {birth_date}")]
    AssessmentBeforeBirth { birth_date: chrono::NaiveDate },
    #[error("`corrects` must name the client's current assessment")]
    CorrectionNotCurrent,
    #[error(
        "a {organisation_type} may not set a care level: only a municipal social service or a long-term care institution may"
    )]
    OrganisationMayNotSetCareLevel { organisation_type: &'static str },
    #[error("the assessment team for {target_group} lacks: {}", missing.join(", "))]
    TeamIncomplete {
        target_group: &'static str,
        missing: Vec<String>,
    },
    #[error("the assessment team must be led by its social worker, and only by them")]
    TeamNotLedBySocialWorker,
    #[error("scores do not fit the instrument: {}", errors.join("; "))]
    ScoresOutOfRange { errors: Vec<String> },
    #[error("the plan cannot be final without: {}", missing.join(", "))]
    PlanIncomplete { missing: Vec<String> },
    #[error("sections not part of this target group's plan: {}", unknown.join(", "))]
    UnknownPlanSections { unknown: Vec<String> },
    #[error("the plan is final; create a new version to change it")]
    PlanFinal,
    #[error("the mentor has not completed the required trainings: {}", missing.join(", "))]
    MentorNotEligible { missing: Vec<String> },
    #[error("the mentor would have more than {capacity} active clients on {on}")]
    MentorCapacityExceeded {
        capacity: i32,
        on: chrono::NaiveDate,
    },
    #[error("the client already has an active mentor on {on}")]
    ClientHasMentor { on: chrono::NaiveDate },
    #[error("the assignment has already ended")]
    AlreadyEnded,
    #[error("the end date is before the start date")]
    EndBeforeStart,
    #[error("the service has no free place on {on}")]
    ServiceFull { on: chrono::NaiveDate },
    #[error("the service is not active")]
    ServiceNotActive,
    #[error("the client already has a placement in this service on {on}")]
    AlreadyPlaced { on: chrono::NaiveDate },
    #[error("the {what} {date} is outside the recording window {earliest} to {latest}")]
    OutsideDatingWindow {
        what: &'static str,
        date: chrono::NaiveDate,
        earliest: chrono::NaiveDate,
        latest: chrono::NaiveDate,
    },
    #[error(
        "the client's DI status follows from the placements: {derived} on {on}, not {requested}"
    )]
    DiStatusContradictsPlacements {
        requested: &'static str,
        derived: &'static str,
        on: chrono::NaiveDate,
    },
    #[error(
        "a VSAC resident enters a community service only with their voluntary consent, recorded on or before the placement's start"
    )]
    VsacConsentRequired,
    #[error("a transfer takes effect on its date and is recorded on or after it, not before")]
    TransferInFuture,
    #[error("the transfer cannot be dated before {not_before}, the client's last transfer")]
    TransferOutOfOrder { not_before: chrono::NaiveDate },
    #[error("youth home residents are placed before age {limit}; the client is {age}")]
    YouthHomeAge { age: i32, limit: i32 },
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
            DomainError::InvalidPersonalCode(_) => (
                "invalid-personal-code",
                "The personal code is not valid",
                Some("CLIENT-PERSONAL-CODE"),
                Invalid,
            ),
            DomainError::ClientAlreadyRegistered => (
                "client-already-registered",
                "A client with this personal code is already registered",
                Some("CLIENT-UNIQUE"),
                Conflict,
            ),
            DomainError::BeforeRecord { .. } => (
                "before-record",
                "The date is before the record's first day",
                Some("STATS-RECORD-FIRST-DAY"),
                Invalid,
            ),
            DomainError::MonthNotComplete { .. } => (
                "month-not-complete",
                "The month is not complete yet",
                Some("STATS-COMPLETE-MONTHS"),
                Invalid,
            ),
            DomainError::MonthRequired { .. } => (
                "month-required",
                "The date must be a month",
                Some("STATS-COMPLETE-MONTHS"),
                Invalid,
            ),
            DomainError::BirthDateInFuture => (
                "birth-date-in-future",
                "The birth date is in the future",
                None,
                Invalid,
            ),
            DomainError::TargetGroupAge { .. } => (
                "target-group-age",
                "The target group does not fit the client's age",
                Some("CLIENT-TARGET-GROUP-AGE"),
                Invalid,
            ),
            DomainError::TransferToSameMunicipality => (
                "transfer-to-same-municipality",
                "The case already belongs to that municipality",
                Some("INV-A12"),
                Conflict,
            ),
            DomainError::AssessmentInFuture => (
                "assessment-in-future",
                "The assessment date is in the future",
                None,
                Invalid,
            ),
            DomainError::AssessmentOutOfOrder { .. } => (
                "assessment-out-of-order",
                "The assessment is dated before the assessment it follows",
                Some("INV-A01"),
                Conflict,
            ),
            DomainError::AssessmentBeforeBirth { .. } => (
                "assessment-before-birth",
                "The assessment is dated before the client's birth",
                Some("ASSESSMENT-AFTER-BIRTH"),
                Invalid,
            ),
            DomainError::CorrectionNotCurrent => (
                "correction-not-current",
                "A correction must name the client's current assessment",
                None,
                Conflict,
            ),
            DomainError::OrganisationMayNotSetCareLevel { .. } => (
                "organisation-may-not-set-care-level",
                "This organisation type may not set a care level",
                Some("INV-A08"),
                Invalid,
            ),
            DomainError::TeamIncomplete { .. } => (
                "assessment-team-incomplete",
                "The assessment team lacks required specialists",
                Some("INV-A04"),
                Invalid,
            ),
            DomainError::TeamNotLedBySocialWorker => (
                "assessment-team-lead",
                "The assessment team must be led by the social worker",
                Some("INV-A05"),
                Invalid,
            ),
            DomainError::ScoresOutOfRange { .. } => (
                "scores-out-of-range",
                "The scores do not fit the assessment instrument",
                Some("INV-A07"),
                Invalid,
            ),
            DomainError::PlanIncomplete { .. } => (
                "support-plan-incomplete",
                "The support plan lacks mandatory content",
                Some("INV-A09/INV-A10"),
                Invalid,
            ),
            DomainError::UnknownPlanSections { .. } => (
                "support-plan-unknown-section",
                "A section is not part of this target group's plan",
                Some("INV-A09"),
                Invalid,
            ),
            DomainError::MentorNotEligible { .. } => (
                "mentor-not-eligible",
                "The mentor has not completed the required trainings",
                Some("INV-M04"),
                Conflict,
            ),
            DomainError::OutsideDatingWindow { .. } => (
                "outside-dating-window",
                "The date is outside the recording window",
                Some("REC-DATING-WINDOW"),
                Invalid,
            ),
            DomainError::DiStatusContradictsPlacements { .. } => (
                "di-status-contradicts-placements",
                "The DI status follows from the client's placements",
                Some("DI-STATUS-DERIVED"),
                Conflict,
            ),
            DomainError::VsacConsentRequired => (
                "vsac-consent-required",
                "A VSAC resident's community placement needs their voluntary consent",
                Some("INV-A03"),
                Conflict,
            ),
            DomainError::TransferInFuture => (
                "transfer-in-future",
                "A transfer is recorded on or after its date",
                Some("CASE-TRANSFER-DATED"),
                Invalid,
            ),
            DomainError::TransferOutOfOrder { .. } => (
                "transfer-out-of-order",
                "The transfer is dated before the client's last transfer",
                Some("CASE-TRANSFER-DATED"),
                Conflict,
            ),
            DomainError::MentorCapacityExceeded { .. } => (
                "mentor-capacity-exceeded",
                "The mentor has the most clients allowed",
                Some("INV-M01"),
                Conflict,
            ),
            DomainError::ClientHasMentor { .. } => (
                "client-has-active-mentor",
                "The client already has an active mentor",
                Some("INV-M-ONE-MENTOR"),
                Conflict,
            ),
            DomainError::AlreadyEnded => ("already-ended", "It has already ended", None, Conflict),
            DomainError::EndBeforeStart => (
                "end-before-start",
                "The end date is before the start date",
                None,
                Invalid,
            ),
            DomainError::ServiceFull { .. } => (
                "service-capacity-exceeded",
                "The service has no free place",
                Some("REG-CAPACITY"),
                Conflict,
            ),
            DomainError::ServiceNotActive => (
                "service-not-active",
                "The service is not active",
                Some("INV-P01"),
                Conflict,
            ),
            DomainError::AlreadyPlaced { .. } => (
                "already-placed",
                "The client is already placed in this service",
                None,
                Conflict,
            ),
            DomainError::YouthHomeAge { .. } => (
                "youth-home-age",
                "Youth home residents are placed before age 24",
                Some("INV-C03"),
                Invalid,
            ),
            DomainError::PlanFinal => (
                "support-plan-final",
                "A final support plan is not edited",
                Some("INV-A09"),
                Conflict,
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

/// Today's date in Latvia: dates of the DI process (assessments, placements, ages) are
/// Latvian calendar dates, not UTC ones (they differ for two or three hours each night).
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Riga)
        .date_naive()
}

/// The code of an unknown reference as the detail shows it: a client's text, echoed only when
/// it has the shape of a code or an id (`RIX`, `050`, `group_home`, `42`), never when it could
/// be a personal code sent in the wrong field (error details reach the log).
fn shown_reference(code: &str) -> String {
    let digits = code.chars().filter(char::is_ascii_digit).count();
    let code_like = !code.is_empty()
        && code.len() <= 40
        && digits < 6
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if code_like {
        format!(": {code}")
    } else {
        " (value withheld)".to_string()
    }
}
