//! Pure DI rules: no actix, no async, no queries (diesel appears only as the derives that
//! mark a value type as storable; `db/types.rs` says how). Each rule violation is one `DomainError`
//! variant with a stable problem type.

pub mod codes;

pub mod access;
pub mod assessment;
pub mod audit;
pub mod case_note;
pub mod change;
pub mod client;
pub mod decision;
pub mod disclosure;
pub mod history;
pub mod ids;
pub mod indicator;
pub mod interval;
pub mod mentor;
pub mod money;
pub mod personal_code;
pub mod phone;
pub mod placement;
pub mod plan_goal;
pub mod policy;
pub mod referral;
pub mod registry;
pub mod staff;
pub mod subsidy;
pub mod support_plan;
pub mod tariff;
pub mod validity;
pub mod waiting;
pub mod webhook;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViolationKind {
    /// The request is fine in itself but conflicts with the stored state.
    Conflict,
    /// The request breaks a rule whatever the stored state.
    Invalid,
}

/// One problem type a broken rule answers with: the stable slug of its `type`
/// (`/problems/{slug}`, documented there), its title in English and in Latvian, the rule's id
/// when it has one, and whether it conflicts with stored state (409) or is invalid (422).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemType {
    pub slug: &'static str,
    pub title: &'static str,
    pub title_lv: &'static str,
    pub rule: Option<&'static str>,
    pub kind: ViolationKind,
}

macro_rules! problem_types {
    ($($name:ident = $slug:literal, $title:literal, $title_lv:literal, $rule:expr, $kind:ident;)+) => {
        $(
            const $name: ProblemType = ProblemType {
                slug: $slug,
                title: $title,
                title_lv: $title_lv,
                rule: $rule,
                kind: ViolationKind::$kind,
            };
        )+
        /// Every problem type of `DomainError`, each once.
        pub const PROBLEM_TYPES: &[ProblemType] = &[$($name),+];
    };
}

problem_types! {
    MUNICIPALITY_NOT_VALID = "municipality-not-valid", "The municipality does not exist on that date", "Pašvaldība šajā datumā nepastāv", Some("REF-MUNICIPALITY-VALIDITY"), Invalid;
    PROVIDER_EXCLUDED = "provider-excluded", "The provider is excluded from the register", "Pakalpojumu sniedzējs ir izslēgts no reģistra", Some("REG-EXCLUSION-FINAL"), Conflict;
    PROVIDER_NOT_ACTIVE = "provider-not-active", "Only an active provider can have active services", "Aktīvi pakalpojumi var būt tikai aktīvam pakalpojumu sniedzējam", Some("INV-P01"), Conflict;
    SERVICE_CLOSED = "service-closed", "The service is closed", "Pakalpojums ir slēgts", Some("REG-SERVICE-CLOSED-FINAL"), Conflict;
    CAPACITY_ABOVE_TYPE_LIMIT = "capacity-above-type-limit", "Capacity exceeds the service type's limit", "Vietu skaits pārsniedz pakalpojuma veida robežu", Some("INV-C01/INV-C02"), Invalid;
    CAPACITY_BELOW_OCCUPANCY = "capacity-below-occupancy", "Capacity is below the current occupancy", "Vietu skaits ir mazāks par aizņemto vietu skaitu", Some("REG-CAPACITY"), Conflict;
    TARGET_GROUP_NOT_SERVED = "target-group-not-served", "The service type does not serve that target group", "Pakalpojuma veids neaptver šo mērķa grupu", Some("REG-CATALOGUE-TARGET-GROUP"), Invalid;
    UNKNOWN_REFERENCE = "unknown-reference", "A referenced code does not exist", "Norādītais kods nepastāv", None, Invalid;
    INVALID_PERSONAL_CODE = "invalid-personal-code", "The personal code is not valid", "Personas kods nav derīgs", Some("CLIENT-PERSONAL-CODE"), Invalid;
    CLIENT_ALREADY_REGISTERED = "client-already-registered", "A client with this personal code is already registered", "Klients ar šo personas kodu jau ir reģistrēts", Some("CLIENT-UNIQUE"), Conflict;
    BEFORE_RECORD = "before-record", "The date is before the record's first day", "Datums ir pirms uzskaites sākuma", Some("STATS-RECORD-FIRST-DAY"), Invalid;
    MONTH_NOT_COMPLETE = "month-not-complete", "The month is not complete yet", "Mēnesis vēl nav noslēdzies", Some("STATS-COMPLETE-MONTHS"), Invalid;
    MONTH_REQUIRED = "month-required", "The date must be a month", "Datumam jābūt mēnesim", Some("STATS-COMPLETE-MONTHS"), Invalid;
    BIRTH_DATE_IN_FUTURE = "birth-date-in-future", "The birth date is in the future", "Dzimšanas datums ir nākotnē", None, Invalid;
    TARGET_GROUP_AGE = "target-group-age", "The target group does not fit the client's age", "Mērķa grupa neatbilst klienta vecumam", Some("CLIENT-TARGET-GROUP-AGE"), Invalid;
    TRANSFER_TO_SAME_MUNICIPALITY = "transfer-to-same-municipality", "The case already belongs to that municipality", "Lieta jau ir šīs pašvaldības pārziņā", Some("INV-A12"), Conflict;
    ASSESSMENT_IN_FUTURE = "assessment-in-future", "The assessment date is in the future", "Novērtējuma datums ir nākotnē", None, Invalid;
    ASSESSMENT_OUT_OF_ORDER = "assessment-out-of-order", "The assessment is dated before the assessment it follows", "Novērtējums datēts pirms novērtējuma, kam tas seko", Some("INV-A01"), Conflict;
    ASSESSMENT_BEFORE_BIRTH = "assessment-before-birth", "The assessment is dated before the client's birth", "Novērtējums datēts pirms klienta dzimšanas", Some("ASSESSMENT-AFTER-BIRTH"), Invalid;
    CORRECTION_NOT_CURRENT = "correction-not-current", "A correction must name the client's current assessment", "Labojumam jānorāda klienta pašreizējais novērtējums", None, Conflict;
    ORGANISATION_MAY_NOT_SET_CARE_LEVEL = "organisation-may-not-set-care-level", "This organisation type may not set a care level", "Šāda veida organizācija nenosaka aprūpes līmeni", Some("INV-A08"), Invalid;
    ASSESSMENT_TEAM_INCOMPLETE = "assessment-team-incomplete", "The assessment team lacks required specialists", "Novērtēšanas komandā trūkst nepieciešamo speciālistu", Some("INV-A04"), Invalid;
    ASSESSMENT_TEAM_LEAD = "assessment-team-lead", "The assessment team must be led by the social worker", "Novērtēšanas komandu vada sociālais darbinieks", Some("INV-A05"), Invalid;
    SCORES_OUT_OF_RANGE = "scores-out-of-range", "The scores do not fit the assessment instrument", "Vērtējumi neatbilst novērtēšanas instrumentam", Some("INV-A07"), Invalid;
    SUPPORT_PLAN_INCOMPLETE = "support-plan-incomplete", "The support plan lacks mandatory content", "Atbalsta plānā trūkst obligātā satura", Some("INV-A09/INV-A10"), Invalid;
    SUPPORT_PLAN_UNKNOWN_SECTION = "support-plan-unknown-section", "A section is not part of this target group's plan", "Sadaļa neietilpst šīs mērķa grupas plānā", Some("INV-A09"), Invalid;
    MENTOR_NOT_ELIGIBLE = "mentor-not-eligible", "The mentor has not completed the required trainings", "Mentors nav pabeidzis nepieciešamās apmācības", Some("INV-M04"), Conflict;
    OUTSIDE_DATING_WINDOW = "outside-dating-window", "The date is outside the recording window", "Datums ir ārpus reģistrēšanas loga", Some("REC-DATING-WINDOW"), Invalid;
    DI_STATUS_CONTRADICTS_PLACEMENTS = "di-status-contradicts-placements", "The DI status follows from the client's placements and waiting-list entries", "DI statuss izriet no klienta pakalpojumiem un rindām", Some("DI-STATUS-DERIVED"), Conflict;
    VSAC_CONSENT_REQUIRED = "vsac-consent-required", "A VSAC resident's community placement needs their voluntary consent", "VSAC klienta pārejai uz sabiedrībā balstītu pakalpojumu vajadzīga brīvprātīga piekrišana", Some("INV-A03"), Conflict;
    DELIVERY_OUTSIDE_PLACEMENT = "delivery-outside-placement", "A service is delivered on days the client is placed in it", "Pakalpojumu sniedz dienās, kad klients to saņem", Some("DELIVERY-PLACED"), Conflict;
    DELIVERY_IN_FUTURE = "delivery-in-future", "A delivery is recorded after its day", "Sniegto pakalpojumu reģistrē pēc tā dienas", Some("DELIVERY-PLACED"), Invalid;
    CLAIM_CLOSED = "claim-closed", "The monthly claim is already closed", "Mēneša pieprasījums jau ir slēgts", Some("CLAIM-CLOSE"), Conflict;
    CLAIM_MONTH_NOT_OVER = "claim-month-not-over", "A monthly claim closes once its month is over", "Mēneša pieprasījumu slēdz, kad mēnesis ir beidzies", Some("CLAIM-CLOSE"), Conflict;
    CLAIM_OUT_OF_ORDER = "claim-out-of-order", "Monthly claims close one month after the other", "Mēneša pieprasījumus slēdz secīgi", Some("CLAIM-CLOSE"), Conflict;
    TARIFF_VERSION_OUT_OF_ORDER = "tariff-version-out-of-order", "A tariff's new version takes effect after the latest one did", "Tarifa jaunā versija stājas spēkā pēc pēdējās versijas spēkā stāšanās", Some("TARIFF-VERSION"), Conflict;
    NOTE_OUT_OF_RANGE = "note-out-of-range", "A case note is dated between the client's birth and today", "Lietas piezīmi datē starp klienta dzimšanas dienu un šodienu", Some("CASE-NOTE-DATED"), Invalid;
    TRANSFER_IN_FUTURE = "transfer-in-future", "A transfer is recorded on or after its date", "Lietas nodošanu reģistrē tās datumā vai vēlāk", Some("CASE-TRANSFER-DATED"), Invalid;
    TRANSFER_OUT_OF_ORDER = "transfer-out-of-order", "The transfer is dated before the client's last transfer", "Lietas nodošana datēta pirms klienta pēdējās nodošanas", Some("CASE-TRANSFER-DATED"), Conflict;
    MENTOR_CAPACITY_EXCEEDED = "mentor-capacity-exceeded", "The mentor has the most clients allowed", "Mentoram jau ir lielākais atļautais klientu skaits", Some("INV-M01"), Conflict;
    CLIENT_HAS_ACTIVE_MENTOR = "client-has-active-mentor", "The client already has an active mentor", "Klientam jau ir aktīvs mentors", Some("INV-M-ONE-MENTOR"), Conflict;
    ALREADY_ENDED = "already-ended", "It has already ended", "Tas jau ir beidzies", None, Conflict;
    END_BEFORE_START = "end-before-start", "The end date is before the start date", "Beigu datums ir pirms sākuma datuma", None, Invalid;
    SERVICE_CAPACITY_EXCEEDED = "service-capacity-exceeded", "The service has no free place", "Pakalpojumā nav brīvu vietu", Some("REG-CAPACITY"), Conflict;
    SERVICE_NOT_ACTIVE = "service-not-active", "The service is not active", "Pakalpojums nav aktīvs", Some("INV-P01"), Conflict;
    ALREADY_PLACED = "already-placed", "The client is already placed in this service", "Klients jau saņem šo pakalpojumu", None, Conflict;
    YOUTH_HOME_AGE = "youth-home-age", "Youth home residents are placed before age 24", "Jauniešu mājā klientus uzņem līdz 24 gadu vecumam", Some("INV-C03"), Invalid;
    SUPPORT_PLAN_NOT_CURRENT = "support-plan-not-current", "Goal progress is recorded on the client's current final plan", "Mērķu progresu reģistrē klienta pašreizējā galīgajā plānā", Some("PLAN-GOAL-PROGRESS"), Conflict;
    GOAL_PROGRESS_DATE = "goal-progress-date", "A progress note is dated from the plan's finalisation to today", "Progresa piezīmi datē no plāna apstiprināšanas līdz šodienai", Some("PLAN-GOAL-PROGRESS"), Invalid;
    GOAL_STATUS_CHANGE = "goal-status-change", "A closed goal only reopens", "Slēgtu mērķi var tikai atvērt no jauna", Some("PLAN-GOAL-STATUS"), Conflict;
    SUPPORT_PLAN_FINAL = "support-plan-final", "A final support plan is not edited", "Galīgo atbalsta plānu nelabo", Some("INV-A09"), Conflict;
    DECISION_TERMS = "decision-terms", "The decision's dates do not fit its outcome", "Lēmuma datumi neatbilst tā rezultātam", Some("DEC-TERMS"), Invalid;
    VSAC_DECISION_WITHOUT_SUMMARY = "vsac-decision-without-summary", "A VSAC placement decision attaches the summary of prior social work", "Lēmumam par ievietošanu VSAC pievieno iepriekšējā sociālā darba kopsavilkumu", Some("INV-A14"), Invalid;
    APPEAL_DECIDED = "appeal-decided", "The appeal has been decided", "Pārsūdzība jau ir izlemta", Some("DEC-APPEAL-FINAL"), Conflict;
    WAITING_WITHOUT_GRANT = "waiting-without-grant", "A client waits on a standing grant of the queue's service", "Rindā gaida, pamatojoties uz spēkā esošu lēmumu par rindas pakalpojuma piešķiršanu", Some("WAIT-GRANTED"), Conflict;
    ALREADY_WAITING = "already-waiting", "The client is already in this queue", "Klients jau ir šajā rindā", Some("WAIT-ONE-ENTRY"), Conflict;
    REFERRAL_CLOSED = "referral-closed", "The referral is past that step", "Nosūtījums šo soli jau ir pārsniedzis", Some("REF-STEP"), Conflict;
    TRANSFER_REQUEST_ANSWERED = "transfer-request-answered", "The transfer request has been answered", "Uz lietas nodošanas pieprasījumu jau ir atbildēts", Some("CASE-TRANSFER-REQUEST"), Conflict;
    TRANSFER_ALREADY_REQUESTED = "transfer-already-requested", "The municipality has already asked for this case", "Pašvaldība šo lietu jau ir pieprasījusi", Some("CASE-TRANSFER-REQUEST"), Conflict;
    PLACEMENT_NOT_DECIDED = "placement-not-decided", "No granted decision covers the placement", "Pakalpojuma saņemšanu neaptver neviens lēmums par tā piešķiršanu", Some("DEC-PLACEMENT-COVERED"), Conflict;
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
    #[error(
        "unknown {}{}",
        what.en(),
        shown_reference(code).unwrap_or_else(|| " (value withheld)".into())
    )]
    UnknownReference { what: Reference, code: String },
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
    // The client's age is not repeated: it is personal data, and details reach the log.
    #[error("target group {target_group} does not fit the client's age: it admits ages {admitted}")]
    TargetGroupAge {
        target_group: &'static str,
        admitted: client::AgeRange,
    },
    #[error("the client's case already belongs to that municipality")]
    TransferToSameMunicipality,
    #[error("an assessment cannot be dated in the future")]
    AssessmentInFuture,
    #[error(
        "the assessment cannot be dated before {not_before}, the date of the assessment it follows"
    )]
    AssessmentOutOfOrder { not_before: chrono::NaiveDate },
    /// The birth date is not shown: it is the client's personal data, and details reach the log.
    #[error("the assessment cannot be dated before the client's birth date")]
    AssessmentBeforeBirth,
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
    #[error("scores do not fit the instrument: {}", joined(errors, "; "))]
    ScoresOutOfRange {
        errors: Vec<assessment::ScoreProblem>,
    },
    #[error("the plan cannot be final without: {}", missing.join(", "))]
    PlanIncomplete { missing: Vec<String> },
    #[error("sections not part of this target group's plan: {}", unknown.join(", "))]
    UnknownPlanSections { unknown: Vec<String> },
    #[error("the plan is final; create a new version to change it")]
    PlanFinal,
    #[error(
        "goal progress is recorded on the client's current final plan only (a draft's goals are edited with the plan; a replaced plan is history)"
    )]
    PlanNotCurrent,
    #[error("a progress note is dated from {not_before}, the plan's finalisation, to today")]
    GoalProgressDate { not_before: chrono::NaiveDate },
    #[error("the goal is {from}: a closed goal only reopens (`open`), it does not become {to}")]
    GoalStatusChange {
        from: &'static str,
        to: &'static str,
    },
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
    #[error(
        "the {} {date} is outside the recording window {earliest} to {latest}",
        what.en()
    )]
    OutsideDatingWindow {
        what: interval::RecordedDate,
        date: chrono::NaiveDate,
        earliest: chrono::NaiveDate,
        latest: chrono::NaiveDate,
    },
    #[error(
        "the client's DI status follows from the placements and waiting-list entries: {derived} on {on}, not {requested}"
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
    #[error(
        "a case note tells what happened: it is dated on or before today, and not before the client's birth"
    )]
    NoteOutOfRange,
    #[error(
        "a tariff's new version takes effect after the day its latest version took effect, which then ends the day before"
    )]
    TariffVersionOutOfOrder,
    #[error(
        "a service is delivered on days the client is placed in it; the client was not placed in it on {day}"
    )]
    DeliveryOutsidePlacement { day: chrono::NaiveDate },
    #[error("a delivery is recorded on or after its day; {day} is still ahead")]
    DeliveryInFuture { day: chrono::NaiveDate },
    #[error("this monthly claim is already closed")]
    ClaimClosed,
    #[error("a monthly claim closes once its month is over, from {closes_on}")]
    ClaimMonthNotOver { closes_on: chrono::NaiveDate },
    #[error("monthly claims close one month after the other: the next to close is {expected}")]
    ClaimOutOfOrder { expected: String },
    #[error("the transfer cannot be dated before {not_before}, the client's last transfer")]
    TransferOutOfOrder { not_before: chrono::NaiveDate },
    #[error("youth home residents are placed before age {limit}; the client is older")]
    YouthHomeAge { limit: i32 },
    #[error("{}", problem.en())]
    DecisionTerms { problem: decision::TermsProblem },
    #[error(
        "a decision granting a place in a state social care centre (VSAC) attaches the summary of prior social and family work that justifies it"
    )]
    VsacDecisionWithoutSummary,
    #[error("the appeal has been decided; its outcome is final")]
    AppealDecided,
    #[error(
        "a client waits on a decision that grants the queue's service (and names no other service), not overturned, valid on or after the day added"
    )]
    WaitingWithoutGrant,
    #[error("the client already has an open entry in this queue")]
    AlreadyWaiting,
    #[error("the referral is {state}; that step is no longer open")]
    ReferralClosed { state: &'static str },
    #[error("the transfer request is {state}; it is answered once")]
    TransferRequestAnswered { state: &'static str },
    #[error("the municipality has an open request for this case already")]
    TransferAlreadyRequested,
    #[error("no granted decision of the client covers {service_type} on {on}")]
    PlacementNotDecided {
        service_type: String,
        on: chrono::NaiveDate,
    },
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "(no target group given)".into()
    } else {
        items.join(", ")
    }
}

fn joined(items: &[impl std::fmt::Display], separator: &str) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}

/// The kind of record an unknown reference was meant to name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    Municipality,
    PlanningRegion,
    Service,
    ServiceType,
    AssessmentOfClient,
    AssessmentInstrument,
    SpecialistRole,
    TrainingProgramme,
    LegalBasis,
    DecisionOfClient,
}

impl Reference {
    pub fn en(self) -> &'static str {
        match self {
            Reference::Municipality => "municipality",
            Reference::PlanningRegion => "planning region",
            Reference::Service => "service",
            Reference::ServiceType => "service type",
            Reference::AssessmentOfClient => "assessment of this client",
            Reference::AssessmentInstrument => "assessment instrument",
            Reference::SpecialistRole => "specialist role",
            Reference::TrainingProgramme => "training programme",
            Reference::LegalBasis => "legal basis",
            Reference::DecisionOfClient => "decision of this client",
        }
    }

    /// "Unknown …" in Latvian: the adjective agrees with the noun's gender.
    pub fn unknown_lv(self) -> &'static str {
        match self {
            Reference::Municipality => "nezināma pašvaldība",
            Reference::PlanningRegion => "nezināms plānošanas reģions",
            Reference::Service => "nezināms pakalpojums",
            Reference::ServiceType => "nezināms pakalpojuma veids",
            Reference::AssessmentOfClient => "nezināms šī klienta novērtējums",
            Reference::AssessmentInstrument => "nezināms novērtēšanas instruments",
            Reference::SpecialistRole => "nezināma speciālista loma",
            Reference::TrainingProgramme => "nezināma apmācību programma",
            Reference::LegalBasis => "nezināms tiesiskais pamats",
            Reference::DecisionOfClient => "nezināms šī klienta lēmums",
        }
    }
}

impl DomainError {
    /// Stable problem slug, title, and rule id of each violation, in one table.
    /// The problem type this violation answers with.
    pub fn problem_type(&self) -> &'static ProblemType {
        match self {
            DomainError::MunicipalityNotValid { .. } => &MUNICIPALITY_NOT_VALID,
            DomainError::ProviderExcluded => &PROVIDER_EXCLUDED,
            DomainError::ProviderNotActive => &PROVIDER_NOT_ACTIVE,
            DomainError::ServiceClosed => &SERVICE_CLOSED,
            DomainError::CapacityAboveTypeLimit { .. } => &CAPACITY_ABOVE_TYPE_LIMIT,
            DomainError::CapacityBelowOccupancy { .. } => &CAPACITY_BELOW_OCCUPANCY,
            DomainError::TargetGroupNotServed { .. } => &TARGET_GROUP_NOT_SERVED,
            DomainError::UnknownReference { .. } => &UNKNOWN_REFERENCE,
            DomainError::InvalidPersonalCode(_) => &INVALID_PERSONAL_CODE,
            DomainError::ClientAlreadyRegistered => &CLIENT_ALREADY_REGISTERED,
            DomainError::BeforeRecord { .. } => &BEFORE_RECORD,
            DomainError::MonthNotComplete { .. } => &MONTH_NOT_COMPLETE,
            DomainError::MonthRequired { .. } => &MONTH_REQUIRED,
            DomainError::BirthDateInFuture => &BIRTH_DATE_IN_FUTURE,
            DomainError::TargetGroupAge { .. } => &TARGET_GROUP_AGE,
            DomainError::TransferToSameMunicipality => &TRANSFER_TO_SAME_MUNICIPALITY,
            DomainError::AssessmentInFuture => &ASSESSMENT_IN_FUTURE,
            DomainError::AssessmentOutOfOrder { .. } => &ASSESSMENT_OUT_OF_ORDER,
            DomainError::AssessmentBeforeBirth => &ASSESSMENT_BEFORE_BIRTH,
            DomainError::CorrectionNotCurrent => &CORRECTION_NOT_CURRENT,
            DomainError::OrganisationMayNotSetCareLevel { .. } => {
                &ORGANISATION_MAY_NOT_SET_CARE_LEVEL
            }
            DomainError::TeamIncomplete { .. } => &ASSESSMENT_TEAM_INCOMPLETE,
            DomainError::TeamNotLedBySocialWorker => &ASSESSMENT_TEAM_LEAD,
            DomainError::ScoresOutOfRange { .. } => &SCORES_OUT_OF_RANGE,
            DomainError::PlanIncomplete { .. } => &SUPPORT_PLAN_INCOMPLETE,
            DomainError::UnknownPlanSections { .. } => &SUPPORT_PLAN_UNKNOWN_SECTION,
            DomainError::MentorNotEligible { .. } => &MENTOR_NOT_ELIGIBLE,
            DomainError::OutsideDatingWindow { .. } => &OUTSIDE_DATING_WINDOW,
            DomainError::DiStatusContradictsPlacements { .. } => &DI_STATUS_CONTRADICTS_PLACEMENTS,
            DomainError::VsacConsentRequired => &VSAC_CONSENT_REQUIRED,
            DomainError::TransferInFuture => &TRANSFER_IN_FUTURE,
            DomainError::NoteOutOfRange => &NOTE_OUT_OF_RANGE,
            DomainError::TariffVersionOutOfOrder => &TARIFF_VERSION_OUT_OF_ORDER,
            DomainError::DeliveryOutsidePlacement { .. } => &DELIVERY_OUTSIDE_PLACEMENT,
            DomainError::DeliveryInFuture { .. } => &DELIVERY_IN_FUTURE,
            DomainError::ClaimClosed => &CLAIM_CLOSED,
            DomainError::ClaimMonthNotOver { .. } => &CLAIM_MONTH_NOT_OVER,
            DomainError::ClaimOutOfOrder { .. } => &CLAIM_OUT_OF_ORDER,
            DomainError::TransferOutOfOrder { .. } => &TRANSFER_OUT_OF_ORDER,
            DomainError::MentorCapacityExceeded { .. } => &MENTOR_CAPACITY_EXCEEDED,
            DomainError::ClientHasMentor { .. } => &CLIENT_HAS_ACTIVE_MENTOR,
            DomainError::AlreadyEnded => &ALREADY_ENDED,
            DomainError::EndBeforeStart => &END_BEFORE_START,
            DomainError::ServiceFull { .. } => &SERVICE_CAPACITY_EXCEEDED,
            DomainError::ServiceNotActive => &SERVICE_NOT_ACTIVE,
            DomainError::AlreadyPlaced { .. } => &ALREADY_PLACED,
            DomainError::YouthHomeAge { .. } => &YOUTH_HOME_AGE,
            DomainError::PlanFinal => &SUPPORT_PLAN_FINAL,
            DomainError::PlanNotCurrent => &SUPPORT_PLAN_NOT_CURRENT,
            DomainError::GoalProgressDate { .. } => &GOAL_PROGRESS_DATE,
            DomainError::GoalStatusChange { .. } => &GOAL_STATUS_CHANGE,
            DomainError::DecisionTerms { .. } => &DECISION_TERMS,
            DomainError::VsacDecisionWithoutSummary => &VSAC_DECISION_WITHOUT_SUMMARY,
            DomainError::AppealDecided => &APPEAL_DECIDED,
            DomainError::PlacementNotDecided { .. } => &PLACEMENT_NOT_DECIDED,
            DomainError::WaitingWithoutGrant => &WAITING_WITHOUT_GRANT,
            DomainError::ReferralClosed { .. } => &REFERRAL_CLOSED,
            DomainError::TransferRequestAnswered { .. } => &TRANSFER_REQUEST_ANSWERED,
            DomainError::TransferAlreadyRequested => &TRANSFER_ALREADY_REQUESTED,
            DomainError::AlreadyWaiting => &ALREADY_WAITING,
        }
    }

    pub fn slug(&self) -> &'static str {
        self.problem_type().slug
    }

    pub fn title(&self) -> &'static str {
        self.problem_type().title
    }

    pub fn rule(&self) -> Option<&'static str> {
        self.problem_type().rule
    }

    /// Whether the request conflicts with the current state (409) or is invalid in itself (422).
    pub fn kind(&self) -> ViolationKind {
        self.problem_type().kind
    }

    /// The detail in Latvian: the English message (`Display`) as a Latvian sentence with the
    /// same codes, dates and numbers. The match is exhaustive, so a new rule does not build
    /// without its Latvian detail.
    pub fn detail_lv(&self) -> String {
        match self {
            DomainError::MunicipalityNotValid { code, date } => {
                format!("pašvaldība {code} datumā {date} nepastāv")
            }
            DomainError::ProviderExcluded => {
                "pakalpojumu sniedzējs ir izslēgts no reģistra; izslēgšana ir galīga".into()
            }
            DomainError::ProviderNotActive => {
                "pakalpojums var būt aktīvs tikai tad, ja aktīvs ir tā pakalpojumu sniedzējs".into()
            }
            DomainError::ServiceClosed => {
                "pakalpojums ir slēgts; slēgtu pakalpojumu neatver no jauna".into()
            }
            DomainError::CapacityAboveTypeLimit {
                service_type,
                limit,
                capacity,
            } => format!(
                "pakalpojuma veidā {service_type} vietu skaits nepārsniedz {limit}; pieprasīts {capacity}"
            ),
            DomainError::CapacityBelowOccupancy { occupied, capacity } => format!(
                "vietu skaits {capacity} ir mazāks par aizņemto vietu skaitu {occupied}"
            ),
            DomainError::TargetGroupNotServed {
                service_type,
                target_groups,
            } => {
                let groups = if target_groups.is_empty() {
                    "(mērķa grupa nav norādīta)".to_string()
                } else {
                    target_groups.join(", ")
                };
                format!("pakalpojuma veids {service_type} neaptver: {groups}")
            }
            DomainError::UnknownReference { what, code } => format!(
                "{}{}",
                what.unknown_lv(),
                shown_reference(code).unwrap_or_else(|| " (vērtība netiek rādīta)".into())
            ),
            DomainError::InvalidPersonalCode(e) => format!("nederīgs personas kods: {}", e.lv()),
            DomainError::ClientAlreadyRegistered => {
                "klients ar šo personas kodu jau ir reģistrēts".into()
            }
            DomainError::BeforeRecord {
                parameter,
                date,
                first_day,
            } => format!(
                "{parameter} {date} ir pirms uzskaites pirmās dienas {first_day}: tad uzskaitē nav nekā, ko skaitīt"
            ),
            DomainError::MonthNotComplete { parameter, latest } => format!(
                "{parameter} norāda mēnesi, kas vēl nav noslēdzies; šim lietotājam skaitļi ir par noslēgtiem mēnešiem, pēdējais {latest}"
            ),
            DomainError::MonthRequired { parameter } => format!(
                "šim lietotājam {parameter} ir mēnesis (YYYY-MM): personu skaiti ir perturbēti un datēti pa veseliem mēnešiem"
            ),
            DomainError::BirthDateInFuture => "dzimšanas datums ir nākotnē".into(),
            DomainError::TargetGroupAge {
                target_group,
                admitted,
            } => format!(
                "mērķa grupa {target_group} neatbilst klienta vecumam: tajā uzņem personas {}",
                admitted.lv()
            ),
            DomainError::TransferToSameMunicipality => {
                "klienta lieta jau ir šīs pašvaldības pārziņā".into()
            }
            DomainError::AssessmentInFuture => "novērtējumu nevar datēt nākotnē".into(),
            DomainError::AssessmentOutOfOrder { not_before } => format!(
                "novērtējumu nevar datēt pirms {not_before}, novērtējuma, kam tas seko, datuma"
            ),
            DomainError::AssessmentBeforeBirth => {
                "novērtējumu nevar datēt pirms klienta dzimšanas datuma".into()
            }
            DomainError::CorrectionNotCurrent => {
                "`corrects` jānorāda klienta pašreizējais novērtējums".into()
            }
            DomainError::OrganisationMayNotSetCareLevel { organisation_type } => format!(
                "organizācija ar veidu {organisation_type} nenosaka aprūpes līmeni: to drīkst tikai pašvaldības sociālais dienests vai ilgstošas aprūpes institūcija"
            ),
            DomainError::TeamIncomplete {
                target_group,
                missing,
            } => format!(
                "novērtēšanas komandā mērķa grupai {target_group} trūkst: {}",
                missing.join(", ")
            ),
            DomainError::TeamNotLedBySocialWorker => {
                "novērtēšanas komandu vada tās sociālais darbinieks, un tikai viņš".into()
            }
            DomainError::ScoresOutOfRange { errors } => format!(
                "vērtējumi neatbilst instrumentam: {}",
                errors
                    .iter()
                    .map(assessment::ScoreProblem::lv)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            DomainError::PlanIncomplete { missing } => {
                format!("plāns nevar būt galīgs bez: {}", missing.join(", "))
            }
            DomainError::UnknownPlanSections { unknown } => format!(
                "sadaļas, kas neietilpst šīs mērķa grupas plānā: {}",
                unknown.join(", ")
            ),
            DomainError::PlanFinal => {
                "plāns ir galīgs; lai to mainītu, izveidojiet jaunu versiju".into()
            }
            DomainError::PlanNotCurrent => {
                "mērķu progresu reģistrē tikai klienta pašreizējā galīgajā plānā (melnraksta mērķus labo kopā ar plānu; aizstāts plāns ir vēsture)".into()
            }
            DomainError::GoalProgressDate { not_before } => {
                format!("progresa piezīmi datē no {not_before} (plāna apstiprināšanas) līdz šodienai")
            }
            DomainError::GoalStatusChange { from, to } => format!(
                "mērķis ir {from}: slēgtu mērķi var tikai atvērt no jauna (`open`), tas nekļūst {to}"
            ),
            DomainError::MentorNotEligible { missing } => format!(
                "mentors nav pabeidzis nepieciešamās apmācības: {}",
                missing.join(", ")
            ),
            DomainError::MentorCapacityExceeded { capacity, on } => {
                format!("mentoram {on} būtu vairāk nekā {capacity} aktīvu klientu")
            }
            DomainError::ClientHasMentor { on } => {
                format!("klientam {on} jau ir aktīvs mentors")
            }
            DomainError::AlreadyEnded => "piesaiste jau ir beigusies".into(),
            DomainError::EndBeforeStart => "beigu datums ir pirms sākuma datuma".into(),
            DomainError::ServiceFull { on } => format!("pakalpojumā {on} nav brīvu vietu"),
            DomainError::ServiceNotActive => "pakalpojums nav aktīvs".into(),
            DomainError::AlreadyPlaced { on } => {
                format!("klients {on} jau saņem šo pakalpojumu")
            }
            DomainError::OutsideDatingWindow {
                what,
                date,
                earliest,
                latest,
            } => format!(
                "{} {date} ir ārpus reģistrēšanas loga no {earliest} līdz {latest}",
                what.lv()
            ),
            DomainError::DiStatusContradictsPlacements {
                requested,
                derived,
                on,
            } => format!(
                "klienta DI statuss izriet no pakalpojumiem un rindām: {on} tas ir {derived}, nevis {requested}"
            ),
            DomainError::VsacConsentRequired => {
                "VSAC klients sāk saņemt sabiedrībā balstītu pakalpojumu tikai ar savu brīvprātīgu piekrišanu, kas reģistrēta ne vēlāk kā pakalpojuma saņemšanas sākuma dienā".into()
            }
            DomainError::TariffVersionOutOfOrder => {
                "tarifa jaunā versija stājas spēkā pēc dienas, kad stājās spēkā tā pēdējā versija, kas tad beidzas iepriekšējā dienā".into()
            }
            DomainError::DeliveryOutsidePlacement { day } => format!(
                "pakalpojumu sniedz dienās, kad klients to saņem; {day} klients to nesaņēma"
            ),
            DomainError::DeliveryInFuture { day } => {
                format!("sniegto pakalpojumu reģistrē tā dienā vai vēlāk; {day} vēl nav pienākusi")
            }
            DomainError::ClaimClosed => "šis mēneša pieprasījums jau ir slēgts".into(),
            DomainError::ClaimMonthNotOver { closes_on } => {
                format!("mēneša pieprasījumu slēdz, kad mēnesis ir beidzies: no {closes_on}")
            }
            DomainError::ClaimOutOfOrder { expected } => format!(
                "mēneša pieprasījumus slēdz secīgi: nākamais slēdzamais ir {expected}"
            ),
            DomainError::NoteOutOfRange => {
                "lietas piezīme stāsta par notikušo: to datē šodien vai agrāk, un ne pirms klienta dzimšanas".into()
            }
            DomainError::TransferInFuture => {
                "lietas nodošana stājas spēkā tās datumā, un to reģistrē tajā dienā vai vēlāk, ne agrāk".into()
            }
            DomainError::TransferOutOfOrder { not_before } => format!(
                "lietas nodošanu nevar datēt pirms {not_before}, klienta pēdējās lietas nodošanas"
            ),
            DomainError::YouthHomeAge { limit } => format!(
                "jauniešu mājā klientus uzņem līdz {limit} gadu vecumam; klients ir vecāks"
            ),
            DomainError::DecisionTerms { problem } => problem.lv().into(),
            DomainError::VsacDecisionWithoutSummary => {
                "lēmumam par vietas piešķiršanu valsts sociālās aprūpes centrā (VSAC) pievieno iepriekšējā sociālā darba un darba ar ģimeni kopsavilkumu, kas to pamato".into()
            }
            DomainError::AppealDecided => {
                "pārsūdzība jau ir izlemta; tās rezultāts ir galīgs".into()
            }
            DomainError::WaitingWithoutGrant => {
                "rindā gaida, pamatojoties uz lēmumu, ar kuru piešķirts rindas pakalpojums (un nav norādīts cits pakalpojums), kas nav atcelts un ir spēkā iekļaušanas dienā vai vēlāk".into()
            }
            DomainError::AlreadyWaiting => "klients jau gaida šajā rindā".into(),
            DomainError::TransferRequestAnswered { state } => {
                format!("lietas nodošanas pieprasījuma stāvoklis ir {state}; uz to atbild vienreiz")
            }
            DomainError::TransferAlreadyRequested => {
                "pašvaldība šo lietu jau ir pieprasījusi, un pieprasījums vēl nav izskatīts".into()
            }
            DomainError::ReferralClosed { state } => {
                format!("nosūtījuma stāvoklis ir {state}; šis solis vairs nav iespējams")
            }
            DomainError::PlacementNotDecided { service_type, on } => format!(
                "neviens klientam piešķirts lēmums neaptver pakalpojumu {service_type} datumā {on}"
            ),
        }
    }
}

/// Today's date in Latvia: dates of the DI process (assessments, placements, ages) are
/// Latvian calendar dates, not UTC ones (they differ for two or three hours each night).
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Riga)
        .date_naive()
}

/// The instant (UTC) a Latvian calendar day begins: a filter by days counts the days where
/// the record was made, not UTC's (they differ for two or three hours each night).
pub fn day_start(day: chrono::NaiveDate) -> chrono::NaiveDateTime {
    use chrono::TimeZone;
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    chrono_tz::Europe::Riga
        .from_local_datetime(&midnight)
        .earliest()
        .map_or(midnight, |t| t.naive_utc())
}

/// The Latvian calendar day an instant (UTC) falls on.
pub fn local_day(t: chrono::NaiveDateTime) -> chrono::NaiveDate {
    t.and_utc()
        .with_timezone(&chrono_tz::Europe::Riga)
        .date_naive()
}

/// The code of an unknown reference as the detail shows it (`: RIX`): a client's text, echoed
/// only when it has the shape of a code or an id (`RIX`, `050`, `group_home`, `42`), never when
/// it could be a personal code sent in the wrong field (error details reach the log); `None`
/// when withheld.
fn shown_reference(code: &str) -> Option<String> {
    let digits = code.chars().filter(char::is_ascii_digit).count();
    let code_like = !code.is_empty()
        && code.len() <= 40
        && digits < 6
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    code_like.then(|| format!(": {code}"))
}

#[cfg(test)]
mod tests;
