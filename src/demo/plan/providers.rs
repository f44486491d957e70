//! Providers (each municipality's social service, a state social care centre per region, then
//! NGOs, companies and religious providers after the population) and their services
//! (institutions sized for the clients who live in them, then community services by weight).

use std::collections::{BTreeSet, HashSet};

use anyhow::bail;
use rand::RngExt as _;
use rand::rngs::ChaCha8Rng;

use super::{InstitutionPlan, Plan, Provider, Service, reform_day};
use crate::demo::random::{
    Weighted, date, day_between, during, minus_days, pick, plus_days, rng_for,
};
use crate::demo::rule;
use crate::demo::words::{genitive, phone, slug};
use crate::domain::client::{DiStatus, TargetGroup};
use crate::domain::codes::MunicipalityCode;
use crate::domain::codes::TargetGroupCode;
use crate::domain::registry::{
    LegalStatus, ProviderStatus, Sector, ServiceState, ServiceStatus, check_service,
};
use crate::domain::validity::ensure_municipality_valid;

impl Plan<'_> {
    pub(super) fn providers(&mut self, seed: u64, count: u32, base_id: i64) -> anyhow::Result<()> {
        let mut rng = rng_for(seed, "providers");
        let reference = self.reference;
        let weights = self.municipality_weights();
        let legal_weights: [(LegalStatus, u64); 9] = [
            (LegalStatus::MunicipalInstitution, 25),
            (LegalStatus::MunicipalInstitutionUnit, 10),
            (LegalStatus::MunicipalAgency, 4),
            (LegalStatus::MunicipalOwnedCompany, 4),
            (LegalStatus::Association, 25),
            (LegalStatus::Foundation, 10),
            (LegalStatus::Company, 14),
            (LegalStatus::ReligiousOrganisation, 6),
            (LegalStatus::StateOwnedCompany, 1),
        ];
        let legal_pick = Weighted::new(legal_weights.iter().map(|(_, w)| *w));
        let n_mun = reference.municipalities.len();
        let n_regions = reference.regions.len();
        for i in 0..count as usize {
            // The first providers are each municipality's social service, then one state
            // social care centre per region; the rest follow the population.
            let (municipality, legal, name) = if i < n_mun {
                let m = &reference.municipalities[i];
                (
                    i,
                    LegalStatus::MunicipalInstitution,
                    format!("{} sociālais dienests", genitive(&m.name)),
                )
            } else if i < n_mun + n_regions {
                let region = &reference.regions[i - n_mun];
                let municipality = region
                    .municipalities
                    .iter()
                    .copied()
                    .max_by_key(|&m| reference.municipalities[m].weight)
                    .unwrap_or(0);
                (
                    municipality,
                    LegalStatus::StateInstitution,
                    format!("Valsts sociālās aprūpes centrs \"{}\"", region.short_name),
                )
            } else {
                let municipality = weights.pick(&mut rng);
                let legal = legal_weights[legal_pick.pick(&mut rng)].0;
                let quoted = pick(&mut rng, &self.words.place_names);
                let of_mun = genitive(&reference.municipalities[municipality].name);
                let name = match legal {
                    LegalStatus::MunicipalInstitution => match rng.random_range(0..3) {
                        0 => format!("{of_mun} sociālās aprūpes centrs \"{quoted}\""),
                        1 => format!("{of_mun} sociālo pakalpojumu centrs \"{quoted}\""),
                        _ => format!("{of_mun} dienas centrs \"{quoted}\""),
                    },
                    LegalStatus::MunicipalInstitutionUnit => {
                        format!("{of_mun} sociālā dienesta struktūrvienība \"{quoted}\"")
                    }
                    LegalStatus::MunicipalAgency => {
                        format!("{of_mun} sociālo pakalpojumu aģentūra \"{quoted}\"")
                    }
                    LegalStatus::MunicipalOwnedCompany | LegalStatus::Company => {
                        format!("SIA \"{quoted}\"")
                    }
                    LegalStatus::StateOwnedCompany => format!("VSIA \"{quoted}\""),
                    LegalStatus::Association => format!("Biedrība \"{quoted}\""),
                    LegalStatus::Foundation => format!("Nodibinājums \"{quoted}\""),
                    LegalStatus::ReligiousOrganisation => {
                        format!("Draudzes diakonijas centrs \"{quoted}\"")
                    }
                    LegalStatus::StateInstitution => format!("Valsts iestāde \"{quoted}\""),
                };
                (municipality, legal, name)
            };
            let m = &reference.municipalities[municipality];
            let prefix = match legal.sector() {
                Sector::Municipal | Sector::State => "90000",
                Sector::Religious => "90001",
                Sector::Ngo => "40008",
                Sector::Private => "40103",
            };
            // A bijection of i modulo 10⁶ (7919 is coprime to 10): unique numbers.
            let register_number = format!("{prefix}{:06}", (i as u64 * 7919 + 104_729) % 1_000_000);
            let registered_on = if i < n_mun + n_regions || rng.random_bool(0.4) {
                day_between(
                    &mut rng,
                    m.validity.from.max(reform_day()),
                    date(2021, 12, 31).min(self.yesterday),
                )
            } else {
                day_between(
                    &mut rng,
                    date(2022, 1, 1),
                    minus_days(self.today, 30).max(date(2022, 1, 1)),
                )
            }
            .min(self.yesterday);
            rule(
                ensure_municipality_valid(
                    &MunicipalityCode::new(m.code.as_str()),
                    m.validity,
                    registered_on,
                ),
                "provider",
            )?;
            let suspended = i >= n_mun + n_regions && rng.random_bool(0.05);
            let status_changed_on = suspended
                .then(|| day_between(&mut rng, plus_days(registered_on, 30), self.yesterday))
                .map(|d| d.min(self.yesterday).max(registered_on));
            let slug_name = slug(name.split('"').nth(1).unwrap_or(&name));
            let email = rng
                .random_bool(0.7)
                .then(|| format!("info@{slug_name}{}.lv", i + 1));
            let website = rng
                .random_bool(0.4)
                .then(|| format!("https://www.{slug_name}{}.lv", i + 1));
            let created_at = during(&mut rng, registered_on);
            let updated_at = match status_changed_on {
                Some(d) => during(&mut rng, d).max(created_at),
                None => created_at,
            };
            self.providers.push(Provider {
                id: base_id + i as i64,
                name,
                register_number,
                legal,
                municipality,
                address: Self::address(self.words, &mut rng, m),
                phone: phone(&mut rng, 0.9, '6'),
                email,
                website,
                status: if suspended {
                    ProviderStatus::Suspended
                } else {
                    ProviderStatus::Active
                },
                registered_on,
                status_changed_on,
                created_at,
                updated_at,
            });
        }
        Ok(())
    }

    pub(super) fn services(&mut self, seed: u64, count: u32, base_id: i64) -> anyhow::Result<()> {
        let mut rng = rng_for(seed, "services");
        let reference = self.reference;
        // Institutional places for everyone drawn to live in an institution, with some spare.
        let institutional_children = self
            .clients
            .iter()
            .filter(|c| c.intended == DiStatus::InInstitution && c.group.is_child())
            .count() as i64;
        let institutional_adults = self
            .clients
            .iter()
            .filter(|c| c.intended == DiStatus::InInstitution && !c.group.is_child())
            .count() as i64;
        let child_groups = [
            TargetGroup::OrphanOrNoParentalCare.as_str(),
            TargetGroup::ChildWithFunctionalImpairment.as_str(),
        ];
        let adult_groups = [TargetGroup::AdultWithMentalDisorder.as_str()];
        let plans: [InstitutionPlan<'_>; 2] = [
            (
                &adult_groups,
                (institutional_adults * 115 + 99) / 100,
                &[
                    ("state_social_care_centre", 55),
                    ("long_term_care_institution", 25),
                    ("municipal_social_care_centre", 20),
                ],
            ),
            (
                &child_groups,
                (institutional_children * 120 + 99) / 100,
                &[
                    ("children_long_term_care_institution", 40),
                    ("small_children_institution", 20),
                    ("state_social_care_centre", 20),
                    ("municipal_social_care_centre", 20),
                ],
            ),
        ];
        for (groups, target, type_weights) in plans {
            let mut candidates: Vec<(usize, u64)> = Vec::new();
            for (code, w) in type_weights {
                let t = reference.type_index(code)?;
                if groups.iter().all(|g| {
                    reference.types[t]
                        .rules
                        .target_groups
                        .contains(&TargetGroupCode::new(*g))
                }) {
                    candidates.push((t, *w));
                }
            }
            if candidates.is_empty() && target > 0 {
                bail!("the catalogue has no institution type serving {groups:?}");
            }
            let pick_type = Weighted::new(candidates.iter().map(|(_, w)| *w));
            let mut capacity: i64 = 0;
            while capacity < target {
                let t = candidates[pick_type.pick(&mut rng)].0;
                let forced: BTreeSet<TargetGroupCode> =
                    groups.iter().copied().map(TargetGroupCode::new).collect();
                let s = self.new_service(&mut rng, t, forced, true, base_id)?;
                capacity += i64::from(self.services[s].capacity);
            }
        }
        let institutions = self.services.len();
        let Some(community) = (count as usize).checked_sub(institutions) else {
            bail!(
                "--services {count} is too few: the clients living in institutions alone need \
                 {institutions} institutions"
            );
        };
        // One service of every type first (as far as the count allows), then by weight.
        let present: HashSet<usize> = self.services.iter().map(|s| s.service_type).collect();
        let missing: Vec<usize> = (0..reference.types.len())
            .filter(|t| !present.contains(t))
            .collect();
        let pick_type = Weighted::new(reference.types.iter().map(|t| t.params.weight));
        for k in 0..community {
            let t = match missing.get(k) {
                Some(&t) => t,
                None => pick_type.pick(&mut rng),
            };
            self.new_service(&mut rng, t, BTreeSet::new(), false, base_id)?;
        }
        Ok(())
    }

    /// Adds a service of type `t`; `forced` groups are served in any case. `needed`: an
    /// institution planned for clients, active and run by an active provider.
    fn new_service(
        &mut self,
        rng: &mut ChaCha8Rng,
        t: usize,
        forced: BTreeSet<TargetGroupCode>,
        needed: bool,
        base_id: i64,
    ) -> anyhow::Result<usize> {
        let reference = self.reference;
        let stype = &reference.types[t];
        let sectors = &stype.params.sectors;
        // A provider of a fitting sector (for a needed institution, an active one).
        let candidates: Vec<usize> = self
            .providers
            .iter()
            .enumerate()
            .filter(|(_, p)| sectors.contains(&p.legal.sector()))
            .filter(|(_, p)| !needed || p.status == ProviderStatus::Active)
            .map(|(i, _)| i)
            .collect();
        let provider = if candidates.is_empty() {
            rng.random_range(0..self.providers.len())
        } else {
            *pick(rng, &candidates)
        };
        let p = &self.providers[provider];
        let provider_municipality = &reference.municipalities[p.municipality];
        let municipality = if p.legal.sector() == Sector::State || rng.random_bool(0.15) {
            // State centres have branches around their region; others sometimes serve a
            // neighbouring municipality.
            *pick(
                rng,
                &reference.regions[provider_municipality.region].municipalities,
            )
        } else {
            p.municipality
        };
        let m = &reference.municipalities[municipality];
        let mut groups = forced;
        for g in &stype.groups {
            let is_di = TargetGroup::parse(g.as_str()).is_some();
            if rng.random_bool(if is_di { 0.8 } else { 0.35 }) {
                groups.insert(g.clone());
            }
        }
        if groups.is_empty() {
            if stype.groups.is_empty() {
                bail!("service type {} serves no target group", stype.code);
            }
            groups.insert(pick(rng, &stype.groups).clone());
        }
        let (lo, hi) = stype.params.capacity;
        let hi = stype.rules.max_capacity.map_or(hi, |max| hi.min(max));
        let lo = lo.min(hi).max(0);
        let capacity = rng.random_range(lo..=hi);
        let status = if needed {
            ServiceStatus::Active
        } else if p.status == ProviderStatus::Active {
            match rng.random_range(0..100) {
                0..90 => ServiceStatus::Active,
                90..95 => ServiceStatus::Planned,
                _ => ServiceStatus::Closed,
            }
        } else if rng.random_bool(0.4) {
            ServiceStatus::Planned
        } else {
            ServiceStatus::Closed
        };
        rule(
            check_service(
                &stype.rules,
                &ServiceState {
                    capacity,
                    occupied: 0,
                    target_groups: &groups,
                    status,
                    previous_status: None,
                    provider_status: p.status,
                },
            ),
            "service",
        )?;
        let created_on = day_between(
            rng,
            p.registered_on,
            minus_days(self.yesterday, 60).max(p.registered_on),
        )
        .min(self.yesterday);
        rule(
            ensure_municipality_valid(
                &MunicipalityCode::new(m.code.as_str()),
                m.validity,
                created_on,
            ),
            "service",
        )?;
        let closed_on = (status == ServiceStatus::Closed)
            .then(|| day_between(rng, plus_days(created_on, 30), self.yesterday))
            .map(|d| d.min(self.yesterday).max(created_on));
        let quoted = pick(rng, &self.words.place_names);
        let (name, name_en) = if stype.code.is("state_social_care_centre") {
            let region = reference.regions[m.region].short_name;
            (
                format!("VSAC \"{region}\" filiāle \"{quoted}\""),
                format!("State social care centre \"{region}\", branch \"{quoted}\""),
            )
        } else {
            (
                format!("{} \"{quoted}\"", stype.label_lv),
                format!("{} \"{quoted}\"", stype.label_en),
            )
        };
        let description = rng.random_bool(0.6).then(|| {
            let of_mun = genitive(&m.name);
            // Opening hours only for services people come to during the day.
            let daytime = stype.params.daytime;
            match rng.random_range(0..if daytime { 3 } else { 2 }) {
                0 => format!("{} {of_mun} iedzīvotājiem.", stype.label_lv),
                1 => format!(
                    "{}. Individuāls atbalsts sadzīves iemaņu apguvē un sociālajā integrācijā.",
                    stype.label_lv
                ),
                _ => format!(
                    "{}. Pakalpojums pieejams darba dienās no 8.00 līdz 18.00.",
                    stype.label_lv
                ),
            }
        });
        let description_en = (description.is_some() && rng.random_bool(0.5)).then(|| {
            format!(
                "{} for residents of {}. Individual support with everyday skills and social inclusion.",
                stype.label_en, m.name
            )
        });
        let price = stype.price.as_ref().and_then(|(unit, range)| {
            rng.random_bool(0.8).then(|| {
                let cents = rng.random_range(range.min_cents..=range.max_cents);
                (cents, unit.clone())
            })
        });
        let index = self.services.len();
        self.services.push(Service {
            id: base_id + index as i64,
            provider,
            service_type: t,
            name,
            name_en,
            description,
            description_en,
            municipality,
            address: Self::address(self.words, rng, m),
            capacity,
            occupied: 0,
            status,
            price,
            closed_on,
            groups,
            created_at: during(rng, created_on),
        });
        Ok(index)
    }
}
