//! Placements and the DI transitions they made.

use std::collections::HashMap;

use super::Writer;
use crate::db::schema::{
    case_notes, di_transitions, placements, referrals, service_decisions, waiting_list_entries,
};
use crate::demo::CREATED_BY;
use crate::demo::plan::NoteBy;
use crate::domain::access::Role;
use crate::domain::disclosure::random_record_key;

impl Writer<'_, '_> {
    /// The service decisions, before the placements and waiting-list entries that rest on
    /// them.
    pub(in crate::demo) fn decisions(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        let total = plan.decisions.len() + plan.waiting.len();
        self.progress
            .start("decisions and waiting lists", total as u64);
        self.table(
            (
                service_decisions::id,
                service_decisions::client_id,
                service_decisions::municipality,
                service_decisions::service_type,
                service_decisions::outcome,
                service_decisions::legal_basis,
                service_decisions::legal_basis_code,
                service_decisions::decided_by,
                service_decisions::decided_on,
                service_decisions::valid_from,
                service_decisions::appeal_deadline,
                service_decisions::prior_work_summary,
                service_decisions::appealed_on,
                service_decisions::appeal_outcome,
                service_decisions::appeal_decided_on,
                service_decisions::created_by,
                service_decisions::created_at,
                service_decisions::updated_at,
            ),
            &plan.decisions,
            0,
            |insert, d| {
                let client = &plan.clients[d.client];
                let municipality = &plan.reference.municipalities[client.municipality].code;
                insert.row(&[
                    d.id.into(),
                    client.id.into(),
                    municipality.into(),
                    (&d.service_type).into(),
                    d.outcome.into(),
                    d.legal_basis.into(),
                    d.legal_basis_code.into(),
                    d.decided_by.into(),
                    d.decided_on.into(),
                    d.valid_from.into(),
                    d.appeal_deadline.into(),
                    d.prior_work_summary.into(),
                    d.appeal.map(|a| a.filed_on).into(),
                    d.appeal.map(|a| a.outcome).into(),
                    d.appeal.and_then(|a| a.decided_on).into(),
                    CREATED_BY.into(),
                    d.created_at.into(),
                    d.created_at.into(),
                ]);
            },
        )?;
        self.table(
            (
                waiting_list_entries::id,
                waiting_list_entries::client_id,
                waiting_list_entries::decision_id,
                waiting_list_entries::municipality,
                waiting_list_entries::service_type,
                waiting_list_entries::priority,
                waiting_list_entries::added_on,
                waiting_list_entries::created_by,
                waiting_list_entries::created_at,
                waiting_list_entries::updated_at,
            ),
            &plan.waiting,
            plan.decisions.len(),
            |insert, e| {
                let client = &plan.clients[e.client];
                let municipality = &plan.reference.municipalities[client.municipality].code;
                let decision = plan.decision(e.decision_id);
                insert.row(&[
                    e.id.into(),
                    client.id.into(),
                    e.decision_id.into(),
                    municipality.into(),
                    (&decision.service_type).into(),
                    e.priority.into(),
                    e.added_on.into(),
                    CREATED_BY.into(),
                    e.created_at.into(),
                    e.created_at.into(),
                ]);
            },
        )?;
        self.progress.finish();
        Ok(())
    }

    pub(in crate::demo) fn placements(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        // A transition carries the key of the placement that began it.
        let keys: HashMap<i64, i32> = plan
            .placements
            .iter()
            .map(|p| (p.id, random_record_key()))
            .collect();
        self.progress.start(
            "placements",
            (plan.placements.len() + plan.transitions.len()) as u64,
        );
        self.table(
            (
                placements::id,
                placements::client_id,
                placements::service_id,
                placements::institutional,
                placements::started_on,
                placements::ended_on,
                placements::end_reason,
                placements::time_limit_rule,
                placements::time_limit_on,
                placements::created_by,
                placements::created_at,
                placements::record_key,
                placements::decision_id,
            ),
            &plan.placements,
            0,
            |insert, p| {
                insert.row(&[
                    p.id.into(),
                    plan.clients[p.client].id.into(),
                    plan.services[p.service].id.into(),
                    p.institutional.into(),
                    p.started_on.into(),
                    p.ended_on.into(),
                    p.end_reason.into(),
                    p.time_limit.map(|t| t.0).into(),
                    p.time_limit.map(|t| t.1).into(),
                    CREATED_BY.into(),
                    p.created_at.into(),
                    keys[&p.id].into(),
                    p.decision_id.into(),
                ]);
            },
        )?;
        self.table(
            (
                di_transitions::id,
                di_transitions::client_id,
                di_transitions::transitioned_on,
                di_transitions::placement_id,
                di_transitions::created_at,
                di_transitions::record_key,
            ),
            &plan.transitions,
            plan.placements.len(),
            |insert, t| {
                insert.row(&[
                    t.id.into(),
                    plan.clients[t.client].id.into(),
                    t.on.into(),
                    t.placement_id.into(),
                    t.created_at.into(),
                    keys[&t.placement_id].into(),
                ]);
            },
        )?;
        self.progress.finish();
        Ok(())
    }

    /// Referrals (after the placements some of them became) and case notes.
    pub(in crate::demo) fn referrals(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        let total = plan.referrals.len() + plan.notes.len();
        self.progress
            .start("referrals and case notes", total as u64);
        self.table(
            (
                referrals::id,
                referrals::client_id,
                referrals::decision_id,
                referrals::service_id,
                referrals::municipality,
                referrals::paying_municipality,
                referrals::target_group,
                referrals::needed_services,
                referrals::consent_reference,
                referrals::status,
                referrals::decline_reason,
                referrals::accepted_on,
                referrals::hold_until,
                referrals::placement_id,
                referrals::created_by,
                referrals::created_at,
                referrals::updated_at,
            ),
            &plan.referrals,
            0,
            |insert, r| {
                let client = &plan.clients[r.client];
                let municipality = &plan.reference.municipalities[client.municipality].code;
                let consent = format!("Piekrišana Nr. {}", r.id);
                insert.row(&[
                    r.id.into(),
                    client.id.into(),
                    r.decision_id.into(),
                    plan.services[r.service].id.into(),
                    municipality.into(),
                    municipality.into(),
                    client.group.into(),
                    r.needed_services.into(),
                    (&consent).into(),
                    r.status.into(),
                    r.decline_reason.into(),
                    r.accepted_on.into(),
                    r.hold_until.into(),
                    r.placement_id.into(),
                    CREATED_BY.into(),
                    r.created_at.into(),
                    r.updated_at.into(),
                ]);
            },
        )?;
        self.table(
            (
                case_notes::id,
                case_notes::client_id,
                case_notes::kind,
                case_notes::noted_on,
                case_notes::body,
                case_notes::author_sub,
                case_notes::author_role,
                case_notes::author_municipality,
                case_notes::author_provider_id,
                case_notes::author_mentor_id,
                case_notes::created_at,
            ),
            &plan.notes,
            plan.referrals.len(),
            |insert, n| {
                let client = &plan.clients[n.client];
                let owner = &plan.reference.municipalities[client.municipality].code;
                let (role, municipality, provider, mentor) = match n.by {
                    NoteBy::Municipality => (Role::Municipality, Some(owner), None, None),
                    NoteBy::Provider(p) => (Role::Provider, None, Some(plan.providers[p].id), None),
                    NoteBy::Mentor(m) => (Role::Mentor, None, None, Some(plan.mentors[m].id)),
                };
                insert.row(&[
                    n.id.into(),
                    client.id.into(),
                    n.kind.into(),
                    n.noted_on.into(),
                    n.body.into(),
                    CREATED_BY.into(),
                    role.into(),
                    municipality.into(),
                    provider.into(),
                    mentor.into(),
                    n.created_at.into(),
                ]);
            },
        )?;
        self.progress.finish();
        Ok(())
    }
}
