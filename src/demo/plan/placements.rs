//! Placements and DI transitions: clients drawn to live in an institution get an
//! institutional place (some moved from another), clients in the community a community
//! service (some after leaving an institution, which is a DI transition), each within the
//! capacity and rules of the service, nearest first ([`Vacancies`]), and within its time
//! limit (INV-C03, INV-C06, INV-C07): no active placement is past it today, and an ended one
//! ended before it was due.

use std::collections::HashMap;

use anyhow::bail;
use chrono::NaiveDate;
use rand::RngExt as _;
use rand::rngs::ChaCha8Rng;

use super::{Placement, Plan, Transition};
use crate::demo::random::{
    date, day_between, during, minus_days, minus_years, pick, plus_days, plus_years, rng_for,
};
use crate::demo::reference::IdBase;
use crate::demo::rule;
use crate::domain::client::{DiStatus, TargetGroup, age_on};
use crate::domain::codes::TargetGroupCode;
use crate::domain::history::runs;
use crate::domain::interval::Interval;
use crate::domain::placement::{CaseDays, ServiceFacts, check_placement, time_limit, transitions};
use crate::domain::registry::{ServiceState, check_service};

const TRANSITION_REASON: &str = "Pāreja uz sabiedrībā balstītu pakalpojumu";
const INSTITUTION_MOVE_REASON: &str = "Pārcelts uz citu institūciju";

/// What placing the clients one after the other draws on.
struct Placing<'a> {
    rng: ChaCha8Rng,
    vacancies: Vacancies,
    ids: &'a IdBase,
}

impl Placing<'_> {
    fn parts(&mut self) -> (&mut ChaCha8Rng, &mut Vacancies, &IdBase) {
        (&mut self.rng, &mut self.vacancies, self.ids)
    }
}

impl Plan<'_> {
    pub(super) fn placements(&mut self, seed: u64, ids: &IdBase) -> anyhow::Result<()> {
        let mut at = Placing {
            rng: rng_for(seed, "placements"),
            vacancies: Vacancies::new(self),
            ids,
        };
        for c in 0..self.clients.len() {
            match self.clients[c].intended {
                DiStatus::InInstitution => self.place_in_institution(&mut at, c)?,
                DiStatus::InCommunity => self.place_in_community(&mut at, c)?,
                DiStatus::WaitingList | DiStatus::NoService => {}
            }
            // The status that follows from today's placements (as the API derives it); a
            // client waiting in a queue (`Plan::decisions`) becomes `waiting_list` there.
            let spans: Vec<(bool, Interval)> = self
                .placements
                .iter()
                .rev()
                .take_while(|p| p.client == c)
                .map(|p| {
                    let interval = Interval {
                        start: p.started_on,
                        end: p.ended_on,
                    };
                    (p.institutional, interval)
                })
                .collect();
            let case = CaseDays {
                placements: &spans,
                waiting: &[],
            };
            self.clients[c].status = case.di_status_on(plus_days(self.yesterday, 1));
        }
        for (s, service) in self.services.iter().enumerate() {
            let stype = &self.reference.types[service.service_type];
            if service.occupied > service.capacity {
                bail!("service {s} was overfilled");
            }
            rule(
                check_service(
                    &stype.rules,
                    &ServiceState {
                        capacity: service.capacity,
                        occupied: service.occupied,
                        target_groups: &service.groups,
                        status: service.status,
                        previous_status: None,
                        provider_status: self.providers[service.provider].status,
                    },
                ),
                "service occupancy",
            )?;
        }
        Ok(())
    }

    fn facts(&self, s: usize) -> (ServiceFacts<'_>, Vec<TargetGroupCode>) {
        let service = &self.services[s];
        let stype = &self.reference.types[service.service_type];
        (
            ServiceFacts {
                service_type: stype.code.as_str(),
                institutional: stype.institutional,
                active: runs(service.status, self.providers[service.provider].status),
                target_groups: &[],
            },
            service.groups.iter().cloned().collect(),
        )
    }

    /// Records a placement after the checks the API makes; returns its id.
    fn add_placement(
        &mut self,
        rng: &mut ChaCha8Rng,
        ids: &IdBase,
        c: usize,
        s: usize,
        started_on: NaiveDate,
        end: Option<(NaiveDate, &'static str)>,
    ) -> anyhow::Result<i64> {
        let client = &self.clients[c];
        let (facts, groups) = self.facts(s);
        let facts = ServiceFacts {
            target_groups: &groups,
            ..facts
        };
        rule(
            check_placement(&self.policy, &facts, client.group, client.birth, started_on),
            "placement",
        )?;
        let institutional = facts.institutional;
        let limit = time_limit(&self.policy, facts.service_type, client.birth, started_on);
        if let Some(l) = &limit {
            // Active: not due yet today; ended: ended by the day it was due.
            let kept = match end {
                None => l.due_on > self.today,
                Some((ended, _)) => l.due_on >= ended,
            };
            if !kept {
                bail!(
                    "a placement past its time limit ({}, due {})",
                    l.rule,
                    l.due_on
                );
            }
        }
        if end.is_none() {
            let service = &mut self.services[s];
            if service.occupied >= service.capacity {
                bail!("placement into a full service");
            }
            service.occupied += 1;
        }
        let id = ids.placement + self.placements.len() as i64;
        let created_at = during(rng, started_on.min(self.yesterday));
        self.placements.push(Placement {
            id,
            client: c,
            service: s,
            institutional,
            started_on,
            ended_on: end.map(|(d, _)| d),
            end_reason: end.map(|(_, r)| r),
            time_limit: limit.map(|l| (l.rule, l.due_on)),
            created_at,
            decision_id: 0,
        });
        Ok(id)
    }

    /// Earliest plausible start of a placement: adults as adults, children after birth.
    fn placement_floor(&self, c: usize, not_before: NaiveDate) -> NaiveDate {
        let client = &self.clients[c];
        let grown = if client.group.is_child() {
            plus_days(client.birth, 7)
        } else {
            plus_years(client.birth, 18)
        };
        grown.max(not_before).min(self.yesterday)
    }

    /// Whether client `c`'s placement in service `s` from `start` is within its time limit
    /// until `until` (INV-C03, INV-C06, INV-C07): due after `until`, or for a placement that
    /// ends on `until`, due on it at the latest.
    fn within_time_limit(
        &self,
        c: usize,
        s: usize,
        start: NaiveDate,
        until: NaiveDate,
        ends: bool,
    ) -> bool {
        let stype = &self.reference.types[self.services[s].service_type];
        time_limit(
            &self.policy,
            stype.code.as_str(),
            self.clients[c].birth,
            start,
        )
        .is_none_or(|l| {
            if ends {
                l.due_on >= until
            } else {
                l.due_on > until
            }
        })
    }

    /// A start from which client `c`'s active placement in service `s` is within its time
    /// limit today: `start` itself when it is; a limit that runs from the start (a child in a
    /// social care centre, INV-C06/C07) when `movable`, a later start within the last
    /// standard period (such stays are short); otherwise none (a youth home resident of 24).
    fn start_within_time_limit(
        &self,
        rng: &mut ChaCha8Rng,
        c: usize,
        s: usize,
        start: NaiveDate,
        movable: bool,
    ) -> Option<NaiveDate> {
        if self.within_time_limit(c, s, start, self.today, false) {
            return Some(start);
        }
        if !movable {
            return None;
        }
        let stype = &self.reference.types[self.services[s].service_type];
        let due = time_limit(
            &self.policy,
            stype.code.as_str(),
            self.clients[c].birth,
            start,
        )?;
        let late_by = u64::try_from((self.today - due.due_on).num_days()).unwrap_or(0) + 1;
        let earliest = plus_days(start, late_by).min(self.yesterday);
        let later = day_between(rng, earliest, minus_days(self.yesterday, 30).max(earliest));
        [later, self.yesterday]
            .into_iter()
            .find(|on| self.within_time_limit(c, s, *on, self.today, false))
    }

    fn place_in_institution(&mut self, at: &mut Placing<'_>, c: usize) -> anyhow::Result<()> {
        let (rng, vacancies, ids) = at.parts();
        let client = &self.clients[c];
        let floor = if client.group.is_child() && age_on(client.birth, self.today) <= 3 {
            // Small children are placed for months, not years (INV-C06).
            self.placement_floor(c, minus_days(self.today, 240))
        } else {
            self.placement_floor(c, date(2008, 1, 1))
        };
        let drawn = day_between(rng, floor, minus_days(self.yesterday, 30).max(floor));
        let Some((s, start)) = vacancies.take(self, rng, c, true, drawn, None) else {
            return Ok(()); // no free institutional place: the client waits
        };
        if rng.random_bool(0.1) && start > plus_days(floor, 120) {
            // Moved here from another institution.
            let earlier = day_between(rng, floor, minus_days(start, 60));
            if let Some(previous) = vacancies.history(self, rng, c, true, s, (earlier, start)) {
                self.add_placement(
                    rng,
                    ids,
                    c,
                    previous,
                    earlier,
                    Some((start, INSTITUTION_MOVE_REASON)),
                )?;
            }
        }
        self.add_placement(rng, ids, c, s, start, None)?;
        Ok(())
    }

    fn place_in_community(&mut self, at: &mut Placing<'_>, c: usize) -> anyhow::Result<()> {
        let (rng, vacancies, ids) = at.parts();
        let client = &self.clients[c];
        let latest_assessment = client.assessed.last().copied().unwrap_or(self.yesterday);
        let previous_assessment = client
            .assessed
            .iter()
            .rev()
            .nth(1)
            .copied()
            .unwrap_or(date(2022, 1, 1));
        if rng.random_bool(0.45) {
            // Moved from an institution: most were reassessed after the move (INV-A11).
            let floor = self.placement_floor(c, date(2022, 1, 1));
            let on = if rng.random_bool(0.8) || latest_assessment >= self.yesterday {
                day_between(
                    rng,
                    minus_days(latest_assessment, 300)
                        .max(plus_days(previous_assessment, 1))
                        .max(floor),
                    latest_assessment,
                )
            } else {
                day_between(rng, plus_days(latest_assessment, 1), self.yesterday)
            }
            .max(floor)
            .min(self.yesterday);
            let institution_floor = self.placement_floor(c, minus_years(on, 10));
            let since = day_between(rng, institution_floor, minus_days(on, 30));
            if on > plus_days(institution_floor, 30)
                && let Some(institution) =
                    vacancies.history(self, rng, c, true, usize::MAX, (since, on))
                && let Some((s, on)) = vacancies.take(self, rng, c, false, on, None)
            {
                // As the API records it: the institutional placement ends (the status stays
                // in_institution with no active placement), then the community placement
                // starts and the derived status moves to in_community: a DI transition.
                self.add_placement(
                    rng,
                    ids,
                    c,
                    institution,
                    since,
                    Some((on, TRANSITION_REASON)),
                )?;
                let placement_id = self.add_placement(rng, ids, c, s, on, None)?;
                let moved = [
                    (
                        true,
                        Interval {
                            start: since,
                            end: Some(on),
                        },
                    ),
                    (
                        false,
                        Interval {
                            start: on,
                            end: None,
                        },
                    ),
                ];
                if transitions(&moved) != [(on, 1)] {
                    bail!("a move to the community must be a DI transition");
                }
                let created_at = during(rng, on);
                self.transitions.push(Transition {
                    id: ids.transition + self.transitions.len() as i64,
                    client: c,
                    on,
                    placement_id,
                    created_at,
                });
                if rng.random_bool(0.2) {
                    let day = day_between(rng, on, self.yesterday);
                    if let Some((s2, day)) = vacancies.take(self, rng, c, false, day, Some(s)) {
                        self.add_placement(rng, ids, c, s2, day, None)?;
                    }
                }
                return Ok(());
            }
        }
        if rng.random_bool(0.1) {
            return Ok(()); // lives with family, no service yet
        }
        let floor = self.placement_floor(c, date(2016, 1, 1));
        let start = day_between(rng, floor, self.yesterday);
        let Some((s, start)) = vacancies.take(self, rng, c, false, start, None) else {
            return Ok(());
        };
        if rng.random_bool(0.15) && start > plus_days(floor, 90) {
            let earlier = day_between(rng, floor, minus_days(start, 60));
            let ended = day_between(rng, plus_days(earlier, 30), start);
            if let Some(previous) = vacancies.history(self, rng, c, false, s, (earlier, ended)) {
                let reason = pick(rng, &self.words.placement_end_reasons).as_str();
                self.add_placement(rng, ids, c, previous, earlier, Some((ended, reason)))?;
            }
        }
        self.add_placement(rng, ids, c, s, start, None)?;
        if rng.random_bool(0.2) {
            let day = day_between(rng, start, self.yesterday);
            if let Some((s2, day)) = vacancies.take(self, rng, c, false, day, Some(s)) {
                self.add_placement(rng, ids, c, s2, day, None)?;
            }
        }
        Ok(())
    }
}

/// Services with free places for each DI group and setting, nearest first (municipality,
/// region, country). Full services drop out of the lists as they are met.
pub(super) struct Vacancies {
    local: HashMap<(usize, bool, usize), Vec<usize>>,
    regional: HashMap<(usize, bool, usize), Vec<usize>>,
    national: HashMap<(usize, bool), Vec<usize>>,
    /// Every active service per group and setting, for past (ended) placements.
    history: HashMap<(usize, bool), Vec<usize>>,
}

pub(in crate::demo) fn group_index(group: TargetGroup) -> usize {
    TargetGroup::ALL
        .iter()
        .position(|g| *g == group)
        .unwrap_or(0)
}

impl Vacancies {
    fn new(plan: &Plan<'_>) -> Self {
        let mut v = Vacancies {
            local: HashMap::new(),
            regional: HashMap::new(),
            national: HashMap::new(),
            history: HashMap::new(),
        };
        for (s, service) in plan.services.iter().enumerate() {
            let (facts, _) = plan.facts(s);
            if !facts.active {
                continue;
            }
            let region = plan.reference.municipalities[service.municipality].region;
            for g in &service.groups {
                let Some(group) = TargetGroup::parse(g.as_str()) else {
                    continue;
                };
                let gi = group_index(group);
                let inst = facts.institutional;
                v.local
                    .entry((gi, inst, service.municipality))
                    .or_default()
                    .push(s);
                v.regional.entry((gi, inst, region)).or_default().push(s);
                v.national.entry((gi, inst)).or_default().push(s);
                v.history.entry((gi, inst)).or_default().push(s);
            }
        }
        v
    }

    /// A service with a free place that accepts client `c` (and is not `except`), with the
    /// start of the placement: `start`, or for an institution whose time limit for the client
    /// runs from the start, a later one within it (`Plan::start_within_time_limit`).
    fn take(
        &mut self,
        plan: &Plan<'_>,
        rng: &mut ChaCha8Rng,
        c: usize,
        institutional: bool,
        start: NaiveDate,
        except: Option<usize>,
    ) -> Option<(usize, NaiveDate)> {
        let client = &plan.clients[c];
        let gi = group_index(client.group);
        let m = client.municipality;
        let r = plan.reference.municipalities[m].region;
        for level in 0..3 {
            let list = match level {
                0 => self.local.get_mut(&(gi, institutional, m)),
                1 => self.regional.get_mut(&(gi, institutional, r)),
                _ => self.national.get_mut(&(gi, institutional)),
            };
            let Some(list) = list else { continue };
            let mut tries = 0;
            while !list.is_empty() && tries < 12 {
                let k = rng.random_range(0..list.len());
                let s = list[k];
                let service = &plan.services[s];
                if service.occupied >= service.capacity {
                    list.swap_remove(k);
                    continue;
                }
                tries += 1;
                if Some(s) == except
                    || plan
                        .placements
                        .iter()
                        .rev()
                        .take_while(|p| p.client == c)
                        .any(|p| p.service == s && p.ended_on.is_none())
                {
                    continue;
                }
                let Some(start) = plan.start_within_time_limit(rng, c, s, start, institutional)
                else {
                    continue;
                };
                let (facts, groups) = plan.facts(s);
                let facts = ServiceFacts {
                    target_groups: &groups,
                    ..facts
                };
                if check_placement(&plan.policy, &facts, client.group, client.birth, start).is_ok()
                {
                    return Some((s, start));
                }
            }
        }
        None
    }

    /// An active service of the setting serving the client's group, other than `except`,
    /// regardless of free places, for a placement `(from, until)` that has ended: within its
    /// time limit (ended by the day it was due).
    fn history(
        &self,
        plan: &Plan<'_>,
        rng: &mut ChaCha8Rng,
        c: usize,
        institutional: bool,
        except: usize,
        (from, until): (NaiveDate, NaiveDate),
    ) -> Option<usize> {
        let gi = group_index(plan.clients[c].group);
        let list = self.history.get(&(gi, institutional))?;
        for _ in 0..8 {
            let s = *pick(rng, list);
            if s != except && plan.within_time_limit(c, s, from, until, true) {
                return Some(s);
            }
        }
        None
    }
}
