//! The request bodies and query strings tests send, built from the service's own request DTOs.
//!
//! Tests build a body with one of these constructors and change what they test with struct
//! update syntax (`CreateProvider { phone: None, ..provider_body("050", "LM-1") }`), so a
//! renamed or retyped field is mended here, once.

use kopiena::domain::ids::{ClientId, ServiceId};
use std::collections::BTreeMap;

use chrono::NaiveDate;
use kopiena::api::assessments::{CreateAssessment, DueQuery, TeamMemberInput};
use kopiena::api::audit::ListAuditQuery;
use kopiena::api::case_notes::CreateCaseNote;
use kopiena::api::clients::{Consent, CreateClient, ListClientsQuery, SearchClients, UpdateClient};
use kopiena::api::common::PageQuery;
use kopiena::api::decisions::CreateDecision;
use kopiena::api::mentors::{
    CreateAssignment, CreateMentor, CreateTraining, EndRequest, ListMentorsQuery, UpdateMentor,
};
use kopiena::api::placements::CreatePlacement;
use kopiena::api::plan_goals::{GoalInput, PlansDueQuery, RecordGoalProgress};
use kopiena::api::providers::{CreateProvider, ListProvidersQuery, UpdateProvider};
use kopiena::api::referrals::CreateReferral;
use kopiena::api::services::{CreateService, ListServicesQuery, Price, UpdateService};
use kopiena::api::support_plans::{CreateSupportPlan, UpdateSupportPlan};
use kopiena::api::transfers::TransferClient;
use kopiena::api::waiting_lists::CreateWaitingEntry;
use kopiena::domain::assessment::OrganisationType;
use kopiena::domain::assessment::Scores;
use kopiena::domain::case_note::NoteKind;
use kopiena::domain::client::TargetGroup;
use kopiena::domain::codes::ServiceTypeCode;
use kopiena::domain::decision::{DecisionMaker, DecisionOutcome};
use kopiena::domain::ids::DecisionId;
use kopiena::domain::mentor::ContractType;
use kopiena::domain::plan_goal::GoalStatus;
use kopiena::domain::registry::PriceUnit;
use kopiena::domain::registry::{LegalStatus, ServiceStatus};
use kopiena::domain::support_plan::PlanStatus;
use kopiena::domain::waiting::Priority;

/// A date written `YYYY-MM-DD`.
pub fn date(s: &str) -> NaiveDate {
    s.parse().expect("YYYY-MM-DD")
}

/// One page of a list: `limit` items from `offset`.
pub fn page(limit: i64, offset: i64) -> PageQuery {
    PageQuery {
        limit: Some(limit),
        offset: Some(offset),
    }
}

// ---------------------------------------------------------------------------------------
// Registry: providers and services.
// ---------------------------------------------------------------------------------------

/// A provider registration: an association in `municipality`.
pub fn provider_body(municipality: &str, register_number: &str) -> CreateProvider {
    CreateProvider {
        name: format!("Provider {register_number}"),
        register_number: register_number.into(),
        legal_status: LegalStatus::Association,
        municipality: municipality.into(),
        address: "Baznīcas iela 1".into(),
        phone: None,
        email: None,
        website: None,
        // Registered long ago, so facts may be dated in the past.
        registered_on: Some(date(HISTORY_FROM)),
        status: None,
    }
}

/// The day test providers were registered and test services opened.
pub const HISTORY_FROM: &str = "2022-01-03";

/// A provider update that changes nothing (a base for struct update syntax).
///
/// Only for fields that are not "nullable": the DTO serialises an absent `phone`, `email` or
/// `website` as `null`, which clears it; such updates are sent as JSON.
pub fn provider_update() -> UpdateProvider {
    UpdateProvider {
        name: None,
        register_number: None,
        legal_status: None,
        municipality: None,
        address: None,
        phone: None,
        email: None,
        website: None,
        status: None,
    }
}

/// Every provider, unfiltered and unsorted (a base for struct update syntax).
pub fn providers_query() -> ListProvidersQuery {
    ListProvidersQuery {
        municipality: None,
        region: None,
        status: None,
        sector: None,
        legal_status: None,
        q: None,
        sort: None,
    }
}

/// An active service of `service_type` with `capacity` places for `groups`, priced per day.
pub fn service_body(service_type: &str, capacity: i32, groups: &[TargetGroup]) -> CreateService {
    CreateService {
        service_type: service_type.into(),
        name: format!("Pakalpojums {service_type}"),
        name_en: None,
        description: None,
        description_en: None,
        municipality: None,
        address: "Skolas iela 3".into(),
        target_groups: groups.iter().copied().map(Into::into).collect(),
        capacity,
        status: Some(ServiceStatus::Active),
        price: Some(Price {
            amount: "14.94".into(),
            unit: PriceUnit::PersonDay,
        }),
        opened_on: Some(date(HISTORY_FROM)),
    }
}

/// A service update that changes nothing (see `provider_update` on nullable fields).
pub fn service_update() -> UpdateService {
    UpdateService {
        name: None,
        name_en: None,
        description: None,
        description_en: None,
        municipality: None,
        address: None,
        target_groups: None,
        capacity: None,
        status: None,
        price: None,
    }
}

/// Every service, unfiltered and unsorted (a base for struct update syntax).
pub fn services_query() -> ListServicesQuery {
    ListServicesQuery {
        service_type: None,
        municipality: None,
        region: None,
        target_group: None,
        status: None,
        sector: None,
        has_vacancies: None,
        q: None,
        sort: None,
    }
}

// ---------------------------------------------------------------------------------------
// Clients, assessments and support plans.
// ---------------------------------------------------------------------------------------

/// A client registration, waiting in an institution, with VSAC consent.
pub fn client_body(
    code: &str,
    family_name: &str,
    birth_date: NaiveDate,
    target_group: TargetGroup,
) -> CreateClient {
    CreateClient {
        personal_code: code.into(),
        given_name: "Anna".into(),
        family_name: family_name.into(),
        birth_date,
        target_group,
        di_status: None,
        vsac_consent: Some(Consent {
            given: true,
            date: Some(date("2026-01-12")),
        }),
    }
}

/// An adult client (born 1975-11-16, legacy code 161175-19997 unless `code` differs).
pub fn adult(code: &str, family_name: &str) -> CreateClient {
    client_body(
        code,
        family_name,
        date("1975-11-16"),
        TargetGroup::AdultWithMentalDisorder,
    )
}

/// A child client (born 2015-06-01) with a new-format code.
pub fn child(code: &str, family_name: &str, target_group: TargetGroup) -> CreateClient {
    client_body(code, family_name, date("2015-06-01"), target_group)
}

/// A client update that changes nothing (a base for struct update syntax).
pub fn client_update() -> UpdateClient {
    UpdateClient {
        personal_code: None,
        birth_date: None,
        given_name: None,
        family_name: None,
        target_group: None,
        di_status: None,
        vsac_consent: None,
    }
}

/// Every client of the caller.
pub fn clients_query() -> ListClientsQuery {
    ListClientsQuery {
        target_group: None,
        di_status: None,
    }
}

/// A search by personal code.
pub fn search(code: &str) -> SearchClients {
    SearchClients {
        personal_code: code.into(),
    }
}

/// A transfer of a case to `to_municipality`, dated today by the service.
pub fn transfer(to_municipality: &str, reason: &str) -> TransferClient {
    TransferClient {
        to_municipality: to_municipality.into(),
        transferred_on: None,
        reason: reason.into(),
    }
}

/// The specialist roles a target group's assessment team needs: the service's own list
/// (INV-A04), which the assessment tests pin by size and by the roles they name.
pub fn required_roles(target_group: TargetGroup) -> &'static [&'static str] {
    kopiena::domain::assessment::required_team(target_group)
}

/// A team of `roles`, led by the social worker.
pub fn team(roles: &[&str]) -> Vec<TeamMemberInput> {
    roles
        .iter()
        .map(|role| TeamMemberInput {
            role: (*role).into(),
            name: Some(format!("Specialist {role}")),
            lead: *role == "social_worker",
        })
        .collect()
}

/// A complete assessment by the municipal social service of a client of `target_group`.
pub fn assessment_body(
    target_group: TargetGroup,
    assessed_on: NaiveDate,
    scores: (i32, i32, i32),
) -> CreateAssessment {
    CreateAssessment {
        assessed_on,
        organisation_type: OrganisationType::MunicipalSocialService,
        team: team(required_roles(target_group)),
        scores: Scores {
            health: scores.0,
            self_care: scores.1,
            communication: scores.2,
        },
        quality_of_life_score: 60,
        needed_service_types: Vec::new(),
        notes: None,
        instrument: None,
        corrects: None,
    }
}

/// Assessments due on or before `before` (`None`: today).
pub fn due(before: Option<NaiveDate>) -> DueQuery {
    DueQuery { before }
}

/// A support plan with `sections`, in `status` (`None`: draft).
pub fn plan_body(
    sections: BTreeMap<String, String>,
    status: Option<PlanStatus>,
) -> CreateSupportPlan {
    CreateSupportPlan {
        sections,
        opinion: None,
        assessment_id: None,
        goals: Vec::new(),
        status,
    }
}

/// A goal of a plan: `text`, one task, due `target_date`.
pub fn goal(text: &str, target_date: NaiveDate) -> GoalInput {
    GoalInput {
        text: text.into(),
        tasks: vec![format!("Pirmais solis: {text}")],
        responsible: "Sociālais darbinieks".into(),
        target_date,
    }
}

/// A goal's progress to `status` with a note, dated `noted_on` (`None`: today).
pub fn progress(status: GoalStatus, noted_on: Option<NaiveDate>) -> RecordGoalProgress {
    RecordGoalProgress {
        status,
        note: "Progress noted".into(),
        noted_on,
    }
}

/// Plans due for review on or before `before` (`None`: the default window).
pub fn plans_due(before: Option<NaiveDate>) -> PlansDueQuery {
    PlansDueQuery { before }
}

/// A support plan update that changes nothing (a base for struct update syntax).
pub fn plan_update() -> UpdateSupportPlan {
    UpdateSupportPlan {
        sections: None,
        opinion: None,
        assessment_id: None,
        goals: None,
        status: None,
    }
}

/// The whole audit log (a base for struct update syntax).
pub fn audit_query() -> ListAuditQuery {
    ListAuditQuery {
        client_id: None,
        actor: None,
        action: None,
        from: None,
        to: None,
        outcome: None,
    }
}

// ---------------------------------------------------------------------------------------
// Mentors, assignments and placements.
// ---------------------------------------------------------------------------------------

/// A mentor named `given_name family_name`, employed by the caller.
pub fn mentor_body(
    given_name: &str,
    family_name: &str,
    contract_type: ContractType,
) -> CreateMentor {
    CreateMentor {
        given_name: given_name.into(),
        family_name: family_name.into(),
        employer: None,
        contract_type,
        phone: None,
        email: None,
    }
}

/// A mentor update that changes nothing (a base for struct update syntax).
pub fn mentor_update() -> UpdateMentor {
    UpdateMentor {
        given_name: None,
        family_name: None,
        contract_type: None,
        phone: None,
        email: None,
    }
}

/// Every mentor the caller sees.
pub fn mentors_query() -> ListMentorsQuery {
    ListMentorsQuery {
        available: None,
        contract_type: None,
    }
}

/// `hours` of training in `programme`, completed on `completed_on`.
pub fn training(programme: &str, hours: i32, completed_on: NaiveDate) -> CreateTraining {
    CreateTraining {
        programme: programme.into(),
        hours,
        completed_on,
    }
}

/// An assignment of `client_id` to a mentor from `started_on` (`None`: today).
pub fn assignment(client_id: i64, started_on: Option<NaiveDate>) -> CreateAssignment {
    CreateAssignment {
        client_id: ClientId(client_id),
        started_on,
    }
}

/// A placement in `service_id` from `started_on` (`None`: today).
pub fn placement(service_id: i64, started_on: Option<NaiveDate>) -> CreatePlacement {
    CreatePlacement {
        service_id: ServiceId(service_id),
        started_on,
        decision_id: None,
    }
}

/// An entry on decision `decision_id` in the municipality's queue for its type, added on
/// `added_on`, with `priority`.
pub fn waiting(decision_id: i64, priority: Priority, added_on: NaiveDate) -> CreateWaitingEntry {
    CreateWaitingEntry {
        decision_id: DecisionId(decision_id),
        service_id: None,
        priority: Some(priority),
        added_on: Some(added_on),
    }
}

/// A referral to `service_id` on the covering grant, paid by the referring municipality.
pub fn referral(service_id: i64) -> CreateReferral {
    CreateReferral {
        service_id: ServiceId(service_id),
        decision_id: None,
        paying_municipality: None,
        needed_services: "Support with daily living; day care on weekdays".into(),
        consent_reference: "Piekrišana Nr. 12".into(),
    }
}

/// A commission's decision on `service_type` with `outcome`, taken on `decided_on`, valid from
/// `valid_from` (a grant's first day, an ending's first day without), open-ended.
pub fn decision(
    service_type: &str,
    outcome: DecisionOutcome,
    decided_on: NaiveDate,
    valid_from: Option<NaiveDate>,
) -> CreateDecision {
    CreateDecision {
        service_type: ServiceTypeCode::new(service_type),
        service_id: None,
        outcome,
        legal_basis: "Sociālo pakalpojumu un sociālās palīdzības likums, 9. pants".into(),
        legal_basis_code: Some("social_services_law".into()),
        decided_by: DecisionMaker::Commission,
        decided_on,
        valid_from,
        valid_to: None,
        appeal_deadline: None,
        prior_work_summary: None,
    }
}

/// The end of an assignment or placement on `ended_on` (`None`: today).
/// A case note of `kind`, dated `noted_on` (default today).
pub fn note(kind: NoteKind, noted_on: Option<NaiveDate>, text: &str) -> CreateCaseNote {
    CreateCaseNote {
        kind,
        noted_on,
        text: text.into(),
    }
}

pub fn ending(ended_on: Option<NaiveDate>, reason: &str) -> EndRequest {
    EndRequest {
        ended_on,
        reason: reason.into(),
    }
}

// ---------------------------------------------------------------------------------------
// Statistics.
// ---------------------------------------------------------------------------------------

/// The query string of a table statistic. The service parses it against its own filter
/// table (no struct to share), so the tests name the documented parameters here.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct StatsQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

/// A date or month of a statistics query (`StatsQuery::as_of`, `from`, `to`).
pub fn when(day: impl std::fmt::Display) -> Option<String> {
    Some(day.to_string())
}

/// The query string of `/stats/indicators`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct IndicatorsQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

/// A statistic over everything, as of today, as JSON (a base for struct update syntax).
pub fn stats_query() -> StatsQuery {
    StatsQuery {
        group_by: None,
        region: None,
        municipality: None,
        target_group: None,
        service_type: None,
        sector: None,
        status: None,
        as_of: None,
        from: None,
        to: None,
        format: None,
    }
}

/// A statistic grouped by `dimensions` (comma-separated).
pub fn grouped_by(dimensions: &str) -> StatsQuery {
    StatsQuery {
        group_by: Some(dimensions.into()),
        ..stats_query()
    }
}

/// A staff member of `role` employed from `from` (to `until`), with `years` of experience,
/// higher education and no instrument certificate.
pub fn staff_body(
    role: &str,
    from: NaiveDate,
    until: Option<NaiveDate>,
    years: i32,
) -> serde_json::Value {
    serde_json::json!({
        "given_name": "Anna",
        "family_name": format!("Bērziņa-{role}"),
        "role": role,
        "qualifications": {
            "higher_education_in_field": true,
            "target_group_experience_years": years,
            "instrument_certificate": false,
        },
        "employed_from": from,
        "employed_until": until,
    })
}
