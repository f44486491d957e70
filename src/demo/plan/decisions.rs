//! Service decisions and waiting lists: every placement rests on a granted decision taken a
//! few weeks before it started (DEC-PLACEMENT-COVERED), a VSAC grant with its summary of prior
//! work (INV-A14); of the clients waiting for a service, about a third were refused a community
//! service (some appealed), and about half were granted one and wait in their municipality's
//! queue for it. Each decision and entry is checked as the API checks it.

use rand::RngExt as _;

use rand::rngs::ChaCha8Rng;

use super::{Decision, Plan, WaitingEntry};
use crate::demo::random::{day_between, during, minus_days, pick, plus_days, rng_for};
use crate::demo::rule;
use crate::domain::client::DiStatus;
use crate::domain::codes::ServiceTypeCode;
use crate::domain::decision::{
    Appeal, AppealOutcome, DecisionMaker, DecisionOutcome, Terms, appeal_deadline, check_appeal,
    check_terms, decision_for_placement,
};
use crate::domain::ids::{DecisionId, ServiceId};
use crate::domain::waiting::{Priority, check_entry};

const GRANT_BASIS: &str = "Sociālo pakalpojumu un sociālās palīdzības likums, 9. pants; pašvaldības saistošie noteikumi par sociālajiem pakalpojumiem";
const REFUSAL_BASIS: &str = "Pašvaldības saistošie noteikumi par sociālajiem pakalpojumiem: klients neatbilst pakalpojuma saņemšanas nosacījumiem";
const VSAC_SUMMARY: &str = "Ģimenes atbalsts un dienas aprūpes centrs sniegti vairāk nekā gadu; ar sabiedrībā balstītiem pakalpojumiem klienta aprūpes vajadzības nav nodrošināmas.";
/// How urgently the waiting clients need the service: mostly `normal`.
const PRIORITIES: [Priority; 10] = [
    Priority::Urgent,
    Priority::High,
    Priority::High,
    Priority::Normal,
    Priority::Normal,
    Priority::Normal,
    Priority::Normal,
    Priority::Normal,
    Priority::Normal,
    Priority::Normal,
];

impl Plan<'_> {
    pub(super) fn decisions(
        &mut self,
        seed: u64,
        (first_id, first_entry_id): (i64, i64),
    ) -> anyhow::Result<()> {
        let mut rng = rng_for(seed, "decisions");
        for p in 0..self.placements.len() {
            let placement = &self.placements[p];
            let (c, s, start) = (placement.client, placement.service, placement.started_on);
            let service_type = &self.reference.types[self.services[s].service_type].code;
            let vsac = service_type.is(ServiceTypeCode::STATE_SOCIAL_CARE_CENTRE);
            let decided_on = minus_days(start, rng.random_range(5..45)).min(self.today);
            let decision = Decision {
                id: first_id + self.decisions.len() as i64,
                client: c,
                service_type: service_type.clone(),
                outcome: DecisionOutcome::Granted,
                legal_basis: GRANT_BASIS,
                legal_basis_code: "social_services_law",
                decided_by: *pick(&mut rng, &DecisionMaker::ALL),
                decided_on,
                valid_from: Some(start),
                appeal_deadline: appeal_deadline(decided_on, None),
                prior_work_summary: vsac.then_some(VSAC_SUMMARY),
                appeal: None,
                created_at: during(&mut rng, decided_on.min(self.yesterday)),
            };
            self.check(&decision)?;
            let facts = decision.facts();
            let chosen = decision_for_placement(
                std::slice::from_ref(&facts),
                None,
                service_type,
                ServiceId(self.services[s].id),
                start,
            );
            rule(chosen.map(drop), "placement decision")?;
            self.placements[p].decision_id = decision.id;
            self.decisions.push(decision);
        }
        for c in 0..self.clients.len() {
            if self.clients[c].status != DiStatus::NoService {
                continue;
            }
            let Some(service_type) = self.community_type(&mut rng, c) else {
                continue;
            };
            match rng.random_range(0..6) {
                0 | 1 => self.refuse(&mut rng, c, service_type, first_id)?,
                2..=4 => self.wait(&mut rng, c, service_type, (first_id, first_entry_id))?,
                _ => {}
            }
        }
        Ok(())
    }

    /// A community service type that serves client `c`'s target group.
    fn community_type(&self, rng: &mut ChaCha8Rng, c: usize) -> Option<ServiceTypeCode> {
        let group = self.clients[c].group;
        let fitting: Vec<&ServiceTypeCode> = self
            .reference
            .types
            .iter()
            .filter(|t| !t.institutional && t.groups.iter().any(|g| *g == *group.as_str()))
            .map(|t| &t.code)
            .collect();
        (!fitting.is_empty()).then(|| (*pick(rng, &fitting)).clone())
    }

    /// Client `c` granted a service of `service_type` and waiting in the municipality's queue
    /// for it since (WAIT-GRANTED).
    fn wait(
        &mut self,
        rng: &mut ChaCha8Rng,
        c: usize,
        service_type: ServiceTypeCode,
        (first_id, first_entry_id): (i64, i64),
    ) -> anyhow::Result<()> {
        let since = self.clients[c].created_on.min(self.yesterday);
        let decided_on = day_between(rng, since, self.yesterday);
        let decision = Decision {
            id: first_id + self.decisions.len() as i64,
            client: c,
            service_type,
            outcome: DecisionOutcome::Granted,
            legal_basis: GRANT_BASIS,
            legal_basis_code: "social_services_law",
            decided_by: *pick(rng, &DecisionMaker::ALL),
            decided_on,
            valid_from: Some(decided_on),
            appeal_deadline: appeal_deadline(decided_on, None),
            prior_work_summary: None,
            appeal: None,
            created_at: during(rng, decided_on),
        };
        self.check(&decision)?;
        let added_on = day_between(
            rng,
            decided_on,
            plus_days(decided_on, 14).min(self.yesterday),
        );
        rule(
            check_entry(&decision.facts(), None, added_on),
            "waiting-list entry",
        )?;
        self.waiting.push(WaitingEntry {
            id: first_entry_id + self.waiting.len() as i64,
            client: c,
            decision_id: decision.id,
            priority: *pick(rng, &PRIORITIES),
            added_on,
            created_at: during(rng, added_on),
        });
        self.clients[c].status = DiStatus::WaitingList;
        self.decisions.push(decision);
        Ok(())
    }

    /// Client `c` refused a service of `service_type`; one in four appealed.
    fn refuse(
        &mut self,
        rng: &mut ChaCha8Rng,
        c: usize,
        service_type: ServiceTypeCode,
        first_id: i64,
    ) -> anyhow::Result<()> {
        let since = self.clients[c].created_on.min(self.yesterday);
        let decided_on = day_between(rng, since, self.yesterday);
        let appeal = (rng.random_range(0..4) == 0).then(|| {
            let filed_on = day_between(rng, decided_on, plus_days(decided_on, 20));
            let decided = plus_days(filed_on, rng.random_range(20..60));
            match (filed_on.min(self.today), decided <= self.today) {
                (filed_on, true) => Appeal {
                    filed_on,
                    outcome: AppealOutcome::Upheld,
                    decided_on: Some(decided),
                },
                (filed_on, false) => Appeal {
                    filed_on,
                    outcome: AppealOutcome::Pending,
                    decided_on: None,
                },
            }
        });
        let decision = Decision {
            id: first_id + self.decisions.len() as i64,
            client: c,
            service_type,
            outcome: DecisionOutcome::Refused,
            legal_basis: REFUSAL_BASIS,
            legal_basis_code: "municipal_binding_regulations",
            decided_by: *pick(rng, &DecisionMaker::ALL),
            decided_on,
            valid_from: None,
            appeal_deadline: appeal_deadline(decided_on, None),
            prior_work_summary: None,
            appeal,
            created_at: during(rng, decided_on),
        };
        self.check(&decision)?;
        self.decisions.push(decision);
        Ok(())
    }

    /// The checks the API makes of a decision and its appeal.
    fn check(&self, d: &Decision) -> anyhow::Result<()> {
        rule(
            check_terms(
                &Terms {
                    outcome: d.outcome,
                    service_type: &d.service_type,
                    decided_on: d.decided_on,
                    valid_from: d.valid_from,
                    valid_to: None,
                    appeal_deadline: d.appeal_deadline,
                    prior_work_summary: d.prior_work_summary,
                },
                self.today,
            ),
            "decision",
        )?;
        if let Some(appeal) = &d.appeal {
            rule(
                check_appeal(d.decided_on, None, appeal, self.today),
                "appeal",
            )?;
        }
        Ok(())
    }
}

impl Decision {
    fn facts(&self) -> crate::domain::decision::DecisionFacts {
        crate::domain::decision::DecisionFacts {
            id: DecisionId(self.id),
            outcome: self.outcome,
            service_type: self.service_type.clone(),
            service_id: None,
            decided_on: self.decided_on,
            valid_from: self.valid_from,
            valid_to: None,
            appeal_outcome: self.appeal.map(|a| a.outcome),
        }
    }
}
