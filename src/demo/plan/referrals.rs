//! Referrals and case notes. About half the community placements of the last year came by a
//! referral the provider accepted (the hold became the placement); about a third of the
//! clients waiting in a queue have been referred to a service of its type, and the provider
//! has not answered yet, declined, or accepted and holds a place (REF-HOLD, within the
//! service's free places). Providers and mentors write notes on the cases they share, and
//! caseworkers on the clients who wait.

use rand::RngExt as _;
use rand::rngs::ChaCha8Rng;

use super::{CaseNote, NoteBy, Plan, Referral};
use crate::demo::random::{day_between, during, minus_days, pick, rng_for};
use crate::demo::rule;
use crate::domain::case_note::{NoteKind, check_noted_on};
use crate::domain::referral::{ReferralState, ReferralStatus, check_answer, hold, state_on};
use crate::domain::registry::{ProviderStatus, ServiceStatus};

const NEEDED: [&str; 3] = [
    "Atbalsts ikdienas dzīves prasmēs; dienas aprūpe darba dienās",
    "Dzīvesvieta ar atbalstu; palīdzība medikamentu lietošanā",
    "Sociālā rehabilitācija un atbalsts nodarbinātībā",
];
const DECLINED: [&str; 3] = [
    "Pakalpojumā nav brīvu vietu",
    "Klienta vajadzības pārsniedz pakalpojuma iespējas",
    "Klients atteicās no pakalpojuma pēc iepazīšanās",
];
const FROM_PROVIDER: [&str; 4] = [
    "Apmeklē centru regulāri; piedalās grupas nodarbībās.",
    "Apgūst ēdiena gatavošanu; nepieciešams atgādinājums par medikamentiem.",
    "Tikšanās ar ģimeni noritēja labi; vienojāmies par nākamo vizīti.",
    "Adaptācijas periods noritējis bez sarežģījumiem.",
];
const FROM_MENTOR: [&str; 4] = [
    "Kopā iepirkāmies un plānojām nedēļas budžetu.",
    "Pavadīju uz ārsta vizīti; klients jūtas droši.",
    "Pārrunājām darba iespējas; interese par darbu dārzniecībā.",
    "Apmeklējām bibliotēku; klients pieteicās lasītāja kartei.",
];
const FROM_CASEWORKER: [&str; 3] = [
    "Zvanīja māsa; interesējās par rindas virzību.",
    "Informēju klientu par iespējamo pakalpojuma sākuma laiku.",
    "Klients apstiprināja, ka joprojām vēlas saņemt pakalpojumu.",
];

impl Plan<'_> {
    pub(super) fn referrals(
        &mut self,
        seed: u64,
        (first_id, first_note_id): (i64, i64),
    ) -> anyhow::Result<()> {
        let mut rng = rng_for(seed, "referrals");
        let hold_days = self.policy.referral_hold_days;
        let year_ago = minus_days(self.today, 365);
        // Places free today in each service, less the holds planned below.
        let mut free: Vec<i64> = self
            .services
            .iter()
            .map(|s| i64::from(s.capacity - s.occupied))
            .collect();
        for p in 0..self.placements.len() {
            let placement = &self.placements[p];
            if placement.institutional
                || placement.started_on < year_ago
                || rng.random_range(0..2) == 0
            {
                continue;
            }
            let decision = self.decision(placement.decision_id);
            let latest = u64::from(hold_days.saturating_sub(1));
            let accepted_on = minus_days(placement.started_on, rng.random_range(0..=latest))
                .max(decision.decided_on);
            let referred_on =
                minus_days(accepted_on, rng.random_range(0..7)).max(decision.decided_on);
            let referral = Referral {
                id: first_id + self.referrals.len() as i64,
                client: placement.client,
                decision_id: placement.decision_id,
                service: placement.service,
                status: ReferralStatus::Placed,
                decline_reason: None,
                accepted_on: Some(accepted_on),
                hold_until: hold(accepted_on, hold_days).end,
                placement_id: Some(placement.id),
                needed_services: NEEDED[rng.random_range(0..NEEDED.len())],
                created_at: during(&mut rng, referred_on),
                updated_at: during(&mut rng, placement.started_on.min(self.yesterday)),
            };
            self.referrals.push(referral);
        }
        for e in 0..self.waiting.len() {
            if rng.random_range(0..3) != 0 {
                continue;
            }
            let entry = &self.waiting[e];
            let (client, decision_id, added_on) = (entry.client, entry.decision_id, entry.added_on);
            let Some(service) = self.open_service_for(&mut rng, client, decision_id) else {
                continue;
            };
            let outcome = rng.random_range(0..10);
            // A hold is planned only where it holds today: answered within the hold's days.
            let holding = (4..=6).contains(&outcome) && free[service] > 0;
            let recent = minus_days(self.today, u64::from(hold_days.saturating_sub(1)));
            let earliest = if holding {
                added_on.max(recent)
            } else {
                added_on
            };
            let referred_on = day_between(&mut rng, earliest.min(self.yesterday), self.yesterday);
            let answered_on = day_between(&mut rng, referred_on, self.yesterday);
            let mut referral = Referral {
                id: first_id + self.referrals.len() as i64,
                client,
                decision_id,
                service,
                status: ReferralStatus::Referred,
                decline_reason: None,
                accepted_on: None,
                hold_until: None,
                placement_id: None,
                needed_services: NEEDED[rng.random_range(0..NEEDED.len())],
                created_at: during(&mut rng, referred_on),
                updated_at: during(&mut rng, referred_on),
            };
            if outcome >= 4 {
                rule(check_answer(ReferralState::Referred), "referral answer")?;
                referral.updated_at = during(&mut rng, answered_on);
            }
            if holding {
                free[service] -= 1;
                referral.status = ReferralStatus::Accepted;
                referral.accepted_on = Some(answered_on);
                referral.hold_until = hold(answered_on, hold_days).end;
            } else if outcome >= 4 {
                referral.status = ReferralStatus::Declined;
                referral.decline_reason = Some(if free[service] > 0 {
                    *pick(&mut rng, &DECLINED[1..])
                } else {
                    DECLINED[0]
                });
            }
            let state = state_on(referral.status, referral.hold_until, self.today);
            if state == ReferralState::Expired {
                anyhow::bail!(
                    "generated referral {} expired when planned held",
                    referral.id
                );
            }
            self.referrals.push(referral);
        }
        self.case_notes(&mut rng, first_note_id)
    }

    /// An active service of the decision's type that serves client `c`'s target group, in
    /// the client's municipality when there is one (else anywhere): its index.
    fn open_service_for(&self, rng: &mut ChaCha8Rng, c: usize, decision_id: i64) -> Option<usize> {
        let client = &self.clients[c];
        let service_type = &self.decision(decision_id).service_type;
        let open: Vec<usize> = (0..self.services.len())
            .filter(|&s| {
                let service = &self.services[s];
                service.status == ServiceStatus::Active
                    && self.providers[service.provider].status == ProviderStatus::Active
                    && self.reference.types[service.service_type].code == *service_type
                    && service.groups.iter().any(|g| *g == *client.group.as_str())
            })
            .collect();
        let local: Vec<usize> = open
            .iter()
            .copied()
            .filter(|&s| self.services[s].municipality == client.municipality)
            .collect();
        let choices = if local.is_empty() { &open } else { &local };
        (!choices.is_empty()).then(|| *pick(rng, choices))
    }

    /// Notes: a third of the clients in an active community placement have one to three
    /// from its provider; half of those with an active mentor, one to four visits; a quarter
    /// of those waiting, a call noted by the caseworker. Each dated as the API allows
    /// (CASE-NOTE-DATED), within the last half year of the relation.
    fn case_notes(&mut self, rng: &mut ChaCha8Rng, first_id: i64) -> anyhow::Result<()> {
        let half_year = minus_days(self.today, 182);
        let mut planned: Vec<(usize, NoteBy, NoteKind, chrono::NaiveDate, &'static str)> =
            Vec::new();
        for p in &self.placements {
            if p.institutional || p.ended_on.is_some() || rng.random_range(0..3) != 0 {
                continue;
            }
            let since = p.started_on.max(half_year).min(self.yesterday);
            let provider = self.services[p.service].provider;
            for _ in 0..rng.random_range(1..=3) {
                let kind = *pick(rng, &[NoteKind::Visit, NoteKind::Note]);
                let on = day_between(rng, since, self.yesterday);
                planned.push((
                    p.client,
                    NoteBy::Provider(provider),
                    kind,
                    on,
                    *pick(rng, &FROM_PROVIDER),
                ));
            }
        }
        for a in &self.assignments {
            if a.ended_on.is_some() || rng.random_range(0..2) != 0 {
                continue;
            }
            let since = a.started_on.max(half_year).min(self.yesterday);
            for _ in 0..rng.random_range(1..=4) {
                let on = day_between(rng, since, self.yesterday);
                planned.push((
                    a.client,
                    NoteBy::Mentor(a.mentor),
                    NoteKind::Visit,
                    on,
                    *pick(rng, &FROM_MENTOR),
                ));
            }
        }
        for e in &self.waiting {
            if rng.random_range(0..4) != 0 {
                continue;
            }
            let on = day_between(rng, e.added_on, self.yesterday);
            planned.push((
                e.client,
                NoteBy::Municipality,
                NoteKind::Call,
                on,
                *pick(rng, &FROM_CASEWORKER),
            ));
        }
        for (client, by, kind, noted_on, body) in planned {
            rule(
                check_noted_on(noted_on, self.clients[client].birth, self.today),
                "case note",
            )?;
            self.notes.push(CaseNote {
                id: first_id + self.notes.len() as i64,
                client,
                by,
                kind,
                noted_on,
                body,
                created_at: during(rng, noted_on),
            });
        }
        Ok(())
    }
}
