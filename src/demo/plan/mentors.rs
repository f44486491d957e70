//! Social mentors (employed by a municipality or a planning region, with the trainings that
//! make most of them eligible) and their assignments to clients, within each mentor's
//! capacity, the municipality's own mentors first.

use std::collections::HashMap;

use anyhow::bail;
use chrono::NaiveDate;
use rand::RngExt as _;
use rand::rngs::ChaCha8Rng;

use super::{Assignment, Mentor, Plan, Training, reform_day};
use crate::demo::random::{
    Weighted, date, day_between, during, minus_days, pick, plus_days, rng_for,
};
use crate::demo::rule;
use crate::demo::words::{phone, slug};
use crate::domain::DomainError;
use crate::domain::client::DiStatus;
use crate::domain::mentor::{ContractType, check_eligible, missing_trainings};
use crate::domain::policy::MENTOR_TRAININGS;

impl Plan<'_> {
    pub(super) fn mentors(&mut self, seed: u64, count: u32, base_id: i64) -> anyhow::Result<()> {
        let mut rng = rng_for(seed, "mentors");
        let reference = self.reference;
        let municipality_weights = self.municipality_weights();
        let region_weights = Weighted::new(reference.regions.iter().map(|r| r.weight));
        let n_mun = reference.municipalities.len();
        for i in 0..count as usize {
            let (employer_kind, employer_code, region) = if i < n_mun {
                let m = &reference.municipalities[i];
                ("municipality", m.code.clone(), m.region)
            } else if rng.random_bool(0.15) {
                let r = region_weights.pick(&mut rng);
                ("region", reference.regions[r].code.clone(), r)
            } else {
                let m = &reference.municipalities[municipality_weights.pick(&mut rng)];
                ("municipality", m.code.clone(), m.region)
            };
            let female = rng.random_bool(0.85);
            let (given, family) = self.words.person(&mut rng, female);
            let created_on = day_between(
                &mut rng,
                reform_day(),
                minus_days(self.today, 30).max(reform_day()),
            )
            .min(self.yesterday);
            let completed = |rng: &mut ChaCha8Rng| {
                day_between(rng, minus_days(created_on, 365), self.yesterday).min(self.yesterday)
            };
            let mut trainings = Vec::new();
            // About 80% complete every required training; the rest lack something.
            let shortfall = if rng.random_bool(0.8) {
                None
            } else {
                Some(rng.random_range(0..4))
            };
            for (programme, required) in MENTOR_TRAININGS {
                match (shortfall, programme) {
                    (Some(0), "life_skills") => trainings.push(Training {
                        programme,
                        hours: required - 1, // the classic: 47 of 48 hours
                        completed_on: completed(&mut rng),
                    }),
                    (Some(1), "client_needs_work") => {} // not started
                    (Some(2), "client_needs_work") => trainings.push(Training {
                        programme,
                        hours: required * 5 / 8,
                        completed_on: completed(&mut rng),
                    }),
                    (Some(3), _) => {} // newly engaged, no training yet
                    _ if required >= 48 && rng.random_bool(0.3) => {
                        // Taken in two parts; the hours add up.
                        let first = required / 2;
                        trainings.push(Training {
                            programme,
                            hours: first,
                            completed_on: completed(&mut rng),
                        });
                        trainings.push(Training {
                            programme,
                            hours: required - first,
                            completed_on: completed(&mut rng),
                        });
                    }
                    _ => trainings.push(Training {
                        programme,
                        hours: required + 8 * rng.random_range(0..2),
                        completed_on: completed(&mut rng),
                    }),
                }
            }
            if shortfall != Some(3) && rng.random_bool(0.3) {
                let (programme, hours) = *pick(
                    &mut rng,
                    &[
                        ("cbs_development", 8),
                        ("di_assessment", 8),
                        ("youth_home_work", 36),
                        ("family_like_child_work", 36),
                    ],
                );
                trainings.push(Training {
                    programme,
                    hours,
                    completed_on: completed(&mut rng),
                });
            }
            trainings.sort_by_key(|t| t.completed_on);
            let missing = missing_trainings(trainings.iter().map(|t| (t.programme, t.hours)));
            if missing.is_empty() != shortfall.is_none() {
                bail!("mentor eligibility does not follow the trainings");
            }
            let eligible_from = missing
                .is_empty()
                .then(|| trainings.iter().map(|t| t.completed_on).max())
                .flatten();
            let email_domain = if employer_kind == "region" {
                format!("{}.lv", slug(reference.regions[region].short_name))
            } else {
                let m = reference
                    .municipalities
                    .iter()
                    .find(|m| m.code == employer_code)
                    .map_or_else(|| employer_code.clone(), |m| m.name.clone());
                format!("{}.lv", slug(&m))
            };
            let email = rng
                .random_bool(0.7)
                .then(|| format!("{}.{}@{email_domain}", slug(given), slug(family)));
            let phone = phone(&mut rng, 0.8, '2');
            let created_at = during(&mut rng, created_on);
            self.mentors.push(Mentor {
                id: base_id + i as i64,
                given,
                family,
                employer_kind,
                employer_code,
                region,
                contract: if rng.random_bool(0.65) {
                    ContractType::Employment
                } else {
                    ContractType::Services
                },
                phone,
                email,
                trainings,
                eligible_from,
                active: 0,
                created_at,
            });
        }
        Ok(())
    }

    pub(super) fn assignments(&mut self, seed: u64, base_id: i64) -> anyhow::Result<()> {
        let mut rng = rng_for(seed, "assignments");
        let reference = self.reference;
        let capacity = self.policy.mentor_capacity;
        // Eligible mentors a municipality may assign: its own and its region's.
        let mut own: Vec<Vec<usize>> = vec![Vec::new(); reference.municipalities.len()];
        let mut regional: Vec<Vec<usize>> = vec![Vec::new(); reference.regions.len()];
        let municipality_index: HashMap<&str, usize> = reference
            .municipalities
            .iter()
            .enumerate()
            .map(|(i, m)| (m.code.as_str(), i))
            .collect();
        for (i, mentor) in self.mentors.iter().enumerate() {
            if mentor.eligible_from.is_none() {
                continue;
            }
            if mentor.employer_kind == "region" {
                regional[mentor.region].push(i);
            } else if let Some(&m) = municipality_index.get(mentor.employer_code.as_str()) {
                own[m].push(i);
            }
        }
        let all_own = own.clone();
        let all_regional = regional.clone();
        // Clients with an active community placement, in client order.
        let mut in_community_service = vec![None; self.clients.len()];
        for p in &self.placements {
            if p.ended_on.is_none() && !p.institutional {
                let slot: &mut Option<NaiveDate> = &mut in_community_service[p.client];
                *slot = Some(slot.map_or(p.started_on, |d: NaiveDate| d.min(p.started_on)));
            }
        }
        for (c, community_since) in in_community_service.iter().copied().enumerate() {
            let client = &self.clients[c];
            let share = match (client.status, community_since) {
                (DiStatus::InCommunity, Some(_)) => 0.75,
                (DiStatus::InCommunity, None) => 0.4,
                (DiStatus::WaitingList | DiStatus::NoService, _) => 0.15,
                (DiStatus::InInstitution, _) => 0.05,
            };
            if !rng.random_bool(share) {
                continue;
            }
            let m = client.municipality;
            let r = reference.municipalities[m].region;
            let floor = client
                .created_on
                .max(date(2022, 1, 1))
                .max(community_since.map_or(NaiveDate::MIN, |d| minus_days(d, 60)));
            // Mentor with a free place: the municipality's own first, then the region's.
            let mut chosen = None;
            for pool in [&mut own[m], &mut regional[r]] {
                let mut tries = 0;
                while !pool.is_empty() && tries < 8 {
                    let k = rng.random_range(0..pool.len());
                    let mentor = &self.mentors[pool[k]];
                    if mentor.active >= capacity {
                        pool.swap_remove(k);
                        continue;
                    }
                    tries += 1;
                    if mentor.eligible_from.is_some_and(|d| d <= self.yesterday) {
                        chosen = Some(pool[k]);
                        break;
                    }
                }
                if chosen.is_some() {
                    break;
                }
            }
            let Some(mentor) = chosen else { continue };
            let eligible_from = self.mentors[mentor].eligible_from.unwrap_or(self.yesterday);
            let lower = floor.max(eligible_from);
            if lower > self.yesterday {
                continue;
            }
            let started_on = day_between(&mut rng, lower, self.yesterday);
            // The checks the API makes when it assigns.
            let trainings = &self.mentors[mentor].trainings;
            rule(
                check_eligible(&missing_trainings(
                    trainings.iter().map(|t| (t.programme, t.hours)),
                )),
                "mentor assignment",
            )?;
            if self.mentors[mentor].active >= capacity {
                rule(
                    Err(DomainError::MentorCapacityExceeded {
                        capacity,
                        on: started_on,
                    }),
                    "mentor assignment",
                )?;
            }
            // An earlier mentor, now ended.
            if rng.random_bool(0.2) {
                let candidates: Vec<usize> = all_own[m]
                    .iter()
                    .chain(&all_regional[r])
                    .copied()
                    .filter(|&x| x != mentor)
                    .collect();
                if !candidates.is_empty() {
                    let earlier = *pick(&mut rng, &candidates);
                    let lower = floor.max(
                        self.mentors[earlier]
                            .eligible_from
                            .unwrap_or(self.yesterday),
                    );
                    if plus_days(lower, 30) < started_on {
                        let from = day_between(&mut rng, lower, minus_days(started_on, 30));
                        let to =
                            day_between(&mut rng, plus_days(from, 14), started_on).min(started_on);
                        let reason = pick(&mut rng, &self.words.assignment_end_reasons).as_str();
                        self.push_assignment(
                            &mut rng,
                            base_id,
                            earlier,
                            c,
                            from,
                            Some((to, reason)),
                        );
                    }
                }
            }
            self.push_assignment(&mut rng, base_id, mentor, c, started_on, None);
        }
        for mentor in &self.mentors {
            if mentor.active > capacity {
                bail!("a mentor has more than {capacity} active clients");
            }
        }
        Ok(())
    }

    fn push_assignment(
        &mut self,
        rng: &mut ChaCha8Rng,
        base_id: i64,
        mentor: usize,
        client: usize,
        started_on: NaiveDate,
        end: Option<(NaiveDate, &'static str)>,
    ) {
        if end.is_none() {
            self.mentors[mentor].active += 1;
        }
        let created_at = during(rng, started_on);
        self.assignments.push(Assignment {
            id: base_id + self.assignments.len() as i64,
            mentor,
            client,
            started_on,
            ended_on: end.map(|(d, _)| d),
            end_reason: end.map(|(_, r)| r),
            created_at,
        });
    }
}
