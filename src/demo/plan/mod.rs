//! The plan: every row of a load, in memory, built aggregate by aggregate (a file each) from
//! the phase's own random stream, checked against the domain rules as the API would check it.

mod clients;
mod decisions;
mod mentors;
mod placements;
mod providers;
mod referrals;

pub(super) use placements::group_index;

use std::collections::BTreeSet;

use anyhow::bail;
use chrono::{NaiveDate, NaiveDateTime};
use rand::RngExt as _;
use rand::rngs::ChaCha8Rng;

use super::DemoOptions;
use super::data::Data;
use super::random::{Weighted, date, minus_days, pick};
use super::reference::{IdBase, Municipality, Reference};
use super::words::Words;
use crate::domain::case_note::NoteKind;
use crate::domain::client::{DiStatus, TargetGroup};
use crate::domain::codes::{ServiceTypeCode, TargetGroupCode};
use crate::domain::decision::{Appeal, DecisionMaker, DecisionOutcome};
use crate::domain::mentor::ContractType;
use crate::domain::personal_code::PersonalCode;
use crate::domain::placement::TimeLimitRule;
use crate::domain::policy::Policy;
use crate::domain::referral::ReferralStatus;
use crate::domain::registry::{LegalStatus, ProviderStatus, ServiceStatus};
use crate::domain::waiting::Priority;

pub(super) struct Provider {
    pub id: i64,
    pub name: String,
    pub register_number: String,
    pub legal: LegalStatus,
    pub municipality: usize,
    pub address: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub status: ProviderStatus,
    pub registered_on: NaiveDate,
    pub status_changed_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub(super) struct Service {
    pub id: i64,
    pub provider: usize,
    pub service_type: usize,
    pub name: String,
    pub name_en: String,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub municipality: usize,
    pub address: String,
    pub capacity: i32,
    pub occupied: i32,
    pub status: ServiceStatus,
    pub price: Option<(i64, String)>,
    pub closed_on: Option<NaiveDate>,
    pub groups: BTreeSet<TargetGroupCode>,
    pub created_at: NaiveDateTime,
}

pub(super) struct Client {
    pub id: i64,
    pub group: TargetGroup,
    pub given: &'static str,
    pub family: &'static str,
    pub birth: NaiveDate,
    pub municipality: usize,
    pub code: PersonalCode,
    /// The status drawn for the client; `status` is what follows from the placements.
    pub intended: DiStatus,
    pub status: DiStatus,
    /// Assessment dates, oldest first; ids from `first_assessment_id` on.
    pub assessed: Vec<NaiveDate>,
    pub first_assessment_id: i64,
    /// Care need, 0 (independent) to 4, around which the assessment scores vary.
    pub need: i32,
    pub consent_on: Option<NaiveDate>,
    pub created_on: NaiveDate,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub(super) struct Placement {
    pub id: i64,
    pub client: usize,
    pub service: usize,
    pub institutional: bool,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<&'static str>,
    pub time_limit: Option<(TimeLimitRule, NaiveDate)>,
    pub created_at: NaiveDateTime,
    /// The granted decision the placement rests on (set by `Plan::decisions`).
    pub decision_id: i64,
}

pub(super) struct Decision {
    pub id: i64,
    pub client: usize,
    pub service_type: ServiceTypeCode,
    pub outcome: DecisionOutcome,
    pub legal_basis: &'static str,
    pub legal_basis_code: &'static str,
    pub decided_by: DecisionMaker,
    pub decided_on: NaiveDate,
    pub valid_from: Option<NaiveDate>,
    pub appeal_deadline: NaiveDate,
    pub prior_work_summary: Option<&'static str>,
    pub appeal: Option<Appeal>,
    pub created_at: NaiveDateTime,
}

/// A client waiting in the municipality's queue for the service type of a granted decision.
pub(super) struct WaitingEntry {
    pub id: i64,
    pub client: usize,
    pub decision_id: i64,
    pub priority: Priority,
    pub added_on: NaiveDate,
    pub created_at: NaiveDateTime,
}

/// A referral of a waiting or placed client to a service.
pub(super) struct Referral {
    pub id: i64,
    pub client: usize,
    pub decision_id: i64,
    pub service: usize,
    pub status: ReferralStatus,
    pub decline_reason: Option<&'static str>,
    pub accepted_on: Option<NaiveDate>,
    pub hold_until: Option<NaiveDate>,
    pub placement_id: Option<i64>,
    pub needed_services: &'static str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Who wrote a case note: the client's caseworker, a provider (index), a mentor (index).
#[derive(Debug, Clone, Copy)]
pub(super) enum NoteBy {
    Municipality,
    Provider(usize),
    Mentor(usize),
}

pub(super) struct CaseNote {
    pub id: i64,
    pub client: usize,
    pub by: NoteBy,
    pub kind: NoteKind,
    pub noted_on: NaiveDate,
    pub body: &'static str,
    pub created_at: NaiveDateTime,
}

pub(super) struct Transition {
    pub id: i64,
    pub client: usize,
    pub on: NaiveDate,
    pub placement_id: i64,
    pub created_at: NaiveDateTime,
}

pub(super) struct Training {
    pub programme: &'static str,
    pub hours: i32,
    pub completed_on: NaiveDate,
}

pub(super) struct Mentor {
    pub id: i64,
    pub given: &'static str,
    pub family: &'static str,
    pub employer_kind: &'static str,
    pub employer_code: String,
    pub region: usize,
    pub contract: ContractType,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub trainings: Vec<Training>,
    /// The day the last required training was completed; `None` while not eligible.
    pub eligible_from: Option<NaiveDate>,
    pub active: i32,
    pub created_at: NaiveDateTime,
}

pub(super) struct Assignment {
    pub id: i64,
    pub mentor: usize,
    pub client: usize,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<&'static str>,
    pub created_at: NaiveDateTime,
}

pub(super) struct Plan<'r> {
    pub reference: &'r Reference,
    pub policy: Policy,
    pub today: NaiveDate,
    pub yesterday: NaiveDate,
    pub providers: Vec<Provider>,
    pub services: Vec<Service>,
    pub clients: Vec<Client>,
    pub placements: Vec<Placement>,
    pub decisions: Vec<Decision>,
    pub waiting: Vec<WaitingEntry>,
    pub referrals: Vec<Referral>,
    pub notes: Vec<CaseNote>,
    pub transitions: Vec<Transition>,
    pub mentors: Vec<Mentor>,
    pub assignments: Vec<Assignment>,
    pub plan_base_id: i64,
    pub training_base_id: i64,
    pub words: &'static Words,
}

/// Institutions to plan for clients of some groups: the groups, the places needed, and the
/// institution types with their weights.
type InstitutionPlan<'a> = (&'a [&'a str], i64, &'a [(&'a str, u64)]);

/// The day the current municipalities came into being (2021 administrative reform).
fn reform_day() -> NaiveDate {
    date(2021, 7, 1)
}

impl<'r> Plan<'r> {
    pub(super) fn build(
        reference: &'r Reference,
        data: &'static Data,
        options: &DemoOptions,
        ids: &IdBase,
    ) -> anyhow::Result<Self> {
        let today = options.today;
        let mut plan = Plan {
            reference,
            policy: options.policy.clone(),
            today,
            yesterday: minus_days(today, 1),
            providers: Vec::new(),
            services: Vec::new(),
            clients: Vec::new(),
            placements: Vec::new(),
            decisions: Vec::new(),
            waiting: Vec::new(),
            referrals: Vec::new(),
            notes: Vec::new(),
            transitions: Vec::new(),
            mentors: Vec::new(),
            assignments: Vec::new(),
            plan_base_id: ids.plan,
            training_base_id: ids.training,
            words: &data.words,
        };
        let n_mun = reference.municipalities.len() as u32;
        let n_regions = reference.regions.len() as u32;
        let min_providers = n_mun + n_regions;
        // At small scales twice the municipalities, so that NGOs, companies and religious
        // providers appear beside each municipality's social service.
        let providers = options
            .providers
            .unwrap_or((options.clients / 50).max(2 * n_mun).max(min_providers));
        if providers < min_providers {
            bail!(
                "--providers must be at least {min_providers}: one social service per valid \
                 municipality ({n_mun}) and one state social care centre per planning region ({n_regions})"
            );
        }
        let services = options.services.unwrap_or(providers * 5);
        let mentors = options.mentors.unwrap_or((options.clients / 5).max(n_mun));
        plan.providers(options.seed, providers, ids.provider)?;
        plan.clients(options.seed, options.clients, ids)?;
        plan.services(options.seed, services, ids.service)?;
        plan.placements(options.seed, ids)?;
        plan.decisions(options.seed, (ids.decision, ids.waiting))?;
        plan.mentors(options.seed, mentors, ids.mentor)?;
        plan.assignments(options.seed, ids.assignment)?;
        plan.referrals(options.seed, (ids.referral, ids.case_note))?;
        plan.finish_clients(options.seed)?;
        Ok(plan)
    }

    /// The planned decision with `id`.
    pub(in crate::demo) fn decision(&self, id: i64) -> &Decision {
        &self.decisions[(id - self.decisions[0].id) as usize]
    }

    fn municipality_weights(&self) -> Weighted {
        Weighted::new(self.reference.municipalities.iter().map(|m| m.weight))
    }

    fn address(words: &Words, rng: &mut ChaCha8Rng, municipality: &Municipality) -> String {
        format!(
            "{} {}, {}",
            pick(rng, &words.streets),
            rng.random_range(1..120),
            municipality.name
        )
    }
}
