//! Clients (target group, name, birth date and personal code, where they live, the DI status
//! drawn for them, their assessment dates) and, once placements and mentors are planned,
//! their VSAC consent and last change.

use std::collections::HashSet;

use anyhow::anyhow;
use chrono::{Months, NaiveDate};
use rand::RngExt as _;
use rand::rngs::ChaCha8Rng;

use super::{Client, Plan, reform_day};
use crate::demo::random::{
    Weighted, date, day_between, during, minus_days, minus_years, plus_days, plus_years, rng_for,
};
use crate::demo::reference::IdBase;
use crate::demo::rule;
use crate::domain::client::{DiStatus, TargetGroup, check_target_group_age};
use crate::domain::codes::MunicipalityCode;
use crate::domain::personal_code::{PersonalCode, synthetic_legacy, synthetic_new};
use crate::domain::validity::ensure_municipality_valid;

impl Plan<'_> {
    pub(super) fn clients(&mut self, seed: u64, count: u32, ids: &IdBase) -> anyhow::Result<()> {
        let mut rng = rng_for(seed, "clients");
        let weights = self.municipality_weights();
        let today = self.today;
        let mut codes: HashSet<String> = HashSet::with_capacity(count as usize);
        let mut next_assessment = ids.assessment;
        // Ages of children: fewer infants, more teenagers.
        let child_ages = Weighted::new([2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 9, 9]);
        for i in 0..count as usize {
            let group = match rng.random_range(0..1000) {
                0..120 => TargetGroup::OrphanOrNoParentalCare,
                120..250 => TargetGroup::ChildWithFunctionalImpairment,
                _ => TargetGroup::AdultWithMentalDisorder,
            };
            let female = rng.random_bool(0.5);
            let (given, family) = self.words.person(&mut rng, female);
            let birth = loop {
                let age = if group.is_child() {
                    child_ages.pick(&mut rng) as u32
                } else {
                    // Peaks in middle age, 18 to 85.
                    18 + (rng.random_range(0..34) + rng.random_range(0..35)) as u32
                };
                let latest = minus_years(today, age);
                let earliest = plus_days(minus_years(today, age + 1), 1);
                let birth = day_between(&mut rng, earliest, latest).min(minus_days(today, 30));
                if check_target_group_age(group, birth, today).is_ok() {
                    break birth;
                }
            };
            let municipality = weights.pick(&mut rng);
            let intended = match rng.random_range(0..100) {
                0..30 => DiStatus::InInstitution,
                30..45 => DiStatus::WaitingList,
                _ => DiStatus::InCommunity,
            };
            let code = personal_code(&mut rng, birth, &mut codes);
            // The checks the API makes when a client is registered.
            let parsed = PersonalCode::parse(code.as_str())
                .map_err(|e| anyhow!("generated personal code does not parse: {e}"))?;
            parsed.check_birth_date(birth).map_err(|e| {
                anyhow!("generated personal code disagrees with the birth date: {e}")
            })?;
            rule(check_target_group_age(group, birth, today), "client")?;
            let need_weights: &[u64] = match intended {
                DiStatus::InInstitution => &[5, 15, 35, 30, 15],
                DiStatus::WaitingList | DiStatus::NoService => &[5, 25, 35, 25, 10],
                DiStatus::InCommunity => &[10, 30, 35, 20, 5],
            };
            let need = Weighted::new(need_weights.iter().copied()).pick(&mut rng) as i32;
            let assessed = self.assessment_dates(&mut rng, group, birth);
            let first = assessed.first().copied().unwrap_or(self.yesterday);
            let created_on = minus_days(first, rng.random_range(0..=60))
                .max(reform_day())
                .max(birth)
                .min(first);
            let m = &self.reference.municipalities[municipality];
            rule(
                ensure_municipality_valid(
                    &MunicipalityCode::new(m.code.as_str()),
                    m.validity,
                    created_on,
                ),
                "client",
            )?;
            let created_at = during(&mut rng, created_on);
            self.clients.push(Client {
                id: ids.client + i as i64,
                group,
                given,
                family,
                birth,
                municipality,
                code: parsed,
                intended,
                status: intended,
                first_assessment_id: next_assessment,
                assessed,
                need,
                consent_on: None,
                created_on,
                created_at,
                updated_at: created_at,
            });
            next_assessment += self.clients[i].assessed.len() as i64;
        }
        Ok(())
    }

    /// Assessment dates from 2022 on, about a year apart; some clients overdue.
    fn assessment_dates(
        &self,
        rng: &mut ChaCha8Rng,
        group: TargetGroup,
        birth: NaiveDate,
    ) -> Vec<NaiveDate> {
        let yesterday = self.yesterday;
        let grown = if group.is_child() {
            plus_days(birth, 30)
        } else {
            plus_years(birth, 18)
        };
        let earliest = date(2022, 1, 1).max(grown).min(yesterday);
        let overdue = rng.random_bool(0.12);
        let months = self.policy.reassessment_months.max(1);
        let year_ago = self
            .today
            .checked_sub_months(Months::new(months))
            .unwrap_or(self.today);
        let latest = if overdue {
            day_between(
                rng,
                minus_days(year_ago, 365),
                minus_days(year_ago, 1).max(minus_days(year_ago, 365)),
            )
        } else {
            day_between(rng, plus_days(year_ago, 1), yesterday)
        };
        let latest = if latest < earliest {
            day_between(rng, earliest, yesterday)
        } else {
            latest
        }
        .min(yesterday);
        // Some clients have been assessed since the start; the others joined later.
        let first = if rng.random_bool(0.2) {
            earliest
        } else {
            day_between(rng, earliest, latest)
        };
        let mut dates = vec![latest];
        let mut d = latest;
        loop {
            let gap = rng.random_range(330..=395);
            let previous = minus_days(d, gap);
            if previous < first {
                break;
            }
            dates.push(previous);
            d = previous;
        }
        dates.reverse();
        dates
    }

    /// VSAC consent and the last change of each client.
    pub(super) fn finish_clients(&mut self, seed: u64) -> anyhow::Result<()> {
        let mut rng = rng_for(seed, "consent");
        let vsac = self.reference.type_index("state_social_care_centre")?;
        let mut in_vsac = vec![false; self.clients.len()];
        let mut last_event: Vec<NaiveDate> = self.clients.iter().map(|c| c.created_on).collect();
        for p in &self.placements {
            if self.services[p.service].service_type == vsac {
                in_vsac[p.client] = true;
            }
            let last = p.ended_on.unwrap_or(p.started_on);
            last_event[p.client] = last_event[p.client].max(last);
        }
        for (c, client) in self.clients.iter_mut().enumerate() {
            // Consent to take part in DI activities (INV-A03), mostly from VSAC residents.
            let share = if in_vsac[c] { 0.7 } else { 0.1 };
            if rng.random_bool(share) {
                let on = day_between(&mut rng, client.created_on, self.yesterday);
                client.consent_on = Some(on);
                last_event[c] = last_event[c].max(on);
            }
            if last_event[c] > client.created_on {
                client.updated_at = during(&mut rng, last_event[c].min(self.yesterday));
            }
            client.updated_at = client.updated_at.max(client.created_at);
        }
        Ok(())
    }
}

/// A unique valid personal code: about 70% in the legacy format (with the birth date), the
/// rest in the new one.
fn personal_code(
    rng: &mut ChaCha8Rng,
    birth: NaiveDate,
    codes: &mut HashSet<String>,
) -> PersonalCode {
    if rng.random_bool(0.7) {
        for _ in 0..50 {
            let code = synthetic_legacy(birth, rng.random_range(0..1000));
            if codes.insert(code.digits()) {
                return code;
            }
        }
    }
    loop {
        let code = synthetic_new(rng.random_range(0..8_000_000_000));
        if codes.insert(code.digits()) {
            return code;
        }
    }
}
