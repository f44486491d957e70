//! Computing a programme's indicators for one caller: the facts of each date read once for
//! every indicator, each indicator's value from them, and the target set beside it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::{IndicatorPoint, IndicatorValue, PackageGap};
use crate::api::lang::Lang;
use crate::api::stats::context::Labels;
use crate::db::indicators::{self as defs, Definition};
use crate::db::{DbConnection, reference, staff, stats as q};
use crate::domain::access::StatisticsAccess;
use crate::domain::client::DiStatus;
use crate::domain::codes::RegionCode;
use crate::domain::disclosure::{Perturbation, Tally};
use crate::domain::history::RegisterStatus;
use crate::domain::indicator::{
    Bounds, Geography, IndicatorMeasure, former_bounds, missing_components, target_met, target_on,
};
use crate::error::ApiResult;

/// Computes indicators for one caller.
pub(super) struct Reader<'a> {
    pub scope: &'a StatisticsAccess,
    pub labels: &'a Labels,
    pub perturbation: Perturbation,
}

/// What the record holds on one date, read once for every indicator of the table.
#[derive(Default)]
struct Facts {
    services: Vec<q::ServiceFact>,
    staff: Vec<staff::StaffFact>,
    trainings: Vec<staff::TrainedFact>,
    clients: Vec<q::CountFact>,
}

/// The reference data the indicators read, once per table.
struct Known {
    /// Per region: today's municipalities and how many former ones each succeeded.
    predecessors: BTreeMap<RegionCode, BTreeMap<String, i64>>,
    municipalities: Vec<reference::MunicipalityRow>,
}

impl Known {
    fn load(conn: &mut DbConnection, definitions: &[Definition]) -> ApiResult<Known> {
        let mut predecessors = BTreeMap::new();
        for region in definitions.iter().filter_map(|d| d.row.region.as_ref()) {
            if !predecessors.contains_key(region) {
                predecessors.insert(region.clone(), defs::predecessors(conn, region)?);
            }
        }
        Ok(Known {
            predecessors,
            municipalities: reference::list_municipalities(conn, &Default::default())?,
        })
    }
}

/// An indicator's value on a date, before the target is set beside it.
struct Observed {
    value: Option<i64>,
    planned: Option<i64>,
    former: Option<Bounds>,
    gaps: Vec<PackageGap>,
}

impl Observed {
    fn value(value: i64) -> Self {
        Observed {
            value: Some(value),
            planned: None,
            former: None,
            gaps: Vec::new(),
        }
    }
}

impl Reader<'_> {
    pub(super) fn table(
        &self,
        conn: &mut DbConnection,
        definitions: Vec<Definition>,
        points: &[NaiveDate],
        series: bool,
        lang: Lang,
    ) -> ApiResult<Vec<IndicatorValue>> {
        let needs = |m: &[IndicatorMeasure]| definitions.iter().any(|d| m.contains(&d.row.measure));
        let known = Known::load(conn, &definitions)?;
        // A table whose every indicator counts in one region reads that region's facts only.
        let mut regions = definitions.iter().map(|d| d.row.region.as_ref());
        let first = regions.next().flatten();
        let region = first.filter(|r| regions.all(|other| other == Some(*r)));
        let mut observed: Vec<Vec<(NaiveDate, Observed)>> =
            definitions.iter().map(|_| Vec::new()).collect();
        for &day in points {
            let facts = Facts {
                services: if needs(&[
                    IndicatorMeasure::Municipalities,
                    IndicatorMeasure::Services,
                    IndicatorMeasure::MinimumPackage,
                ]) {
                    q::service_facts(conn, day, region)?
                } else {
                    Vec::new()
                },
                staff: if needs(&[IndicatorMeasure::Staff]) {
                    staff::employed_on(conn, day)?
                } else {
                    Vec::new()
                },
                trainings: if needs(&[
                    IndicatorMeasure::TrainedStaff,
                    IndicatorMeasure::TrainedMunicipalities,
                ]) {
                    staff::trained_on(conn, day)?
                } else {
                    Vec::new()
                },
                clients: if needs(&[IndicatorMeasure::Recipients]) {
                    q::clients_by_status(conn, day, region)?
                } else {
                    Vec::new()
                },
            };
            for (i, d) in definitions.iter().enumerate() {
                let o = self.observe(conn, d, (&facts, &known), day)?;
                observed[i].push((day, o));
            }
        }
        let mut out = Vec::new();
        for (d, mut obs) in definitions.into_iter().zip(observed) {
            let Definition { row, targets } = d;
            let point = |(date, o): &(NaiveDate, Observed)| {
                let target = target_on(&targets, *date);
                IndicatorPoint {
                    date: *date,
                    value: o.value,
                    planned: o.planned,
                    former_geography: o.former,
                    target,
                    target_met: target_met(target, o.value, o.former),
                }
            };
            let series_points: Vec<IndicatorPoint> = if series {
                obs.iter().map(point).collect()
            } else {
                Vec::new()
            };
            let Some(last) = obs.pop() else {
                continue;
            };
            let at = point(&last);
            out.push(IndicatorValue {
                programme: row.programme,
                name: lang.pick(&row.name_lv, &row.name_en).to_string(),
                unit: row.unit,
                baseline: row.baseline,
                baseline_date: row.baseline_date,
                targets,
                geography: row.geography,
                as_of: at.date,
                value: at.value,
                planned: at.planned,
                former_geography: at.former_geography,
                target: at.target,
                target_met: at.target_met,
                gaps: last.1.gaps,
                computable: row.measure != IndicatorMeasure::None,
                method: method(&row),
                data_source: row.data_source,
                source: row.source_lines,
                code: row.code,
                series: series_points,
            });
        }
        Ok(out)
    }

    /// Whether a fact of `municipality` (or of `region` itself, for a region's own staff)
    /// is inside the indicator's region and, for a person count, the caller's area.
    fn counts(
        &self,
        d: &Definition,
        persons: bool,
        region: &str,
        municipality: Option<&str>,
    ) -> bool {
        let own = d.row.region.as_ref().is_none_or(|r| r.as_str() == region);
        let caller = !persons
            || (self.scope.region().is_none_or(|r| r == region)
                && self
                    .scope
                    .municipality()
                    .is_none_or(|m| municipality == Some(m)));
        own && caller
    }

    /// A person count as the caller may see it.
    fn publish(&self, tally: Tally) -> i64 {
        if self.scope.perturb {
            self.perturbation.publish(tally)
        } else {
            tally.count
        }
    }

    fn observe(
        &self,
        conn: &mut DbConnection,
        d: &Definition,
        (facts, known): (&Facts, &Known),
        day: NaiveDate,
    ) -> ApiResult<Observed> {
        let row = &d.row;
        let types = row.service_types();
        let of_type = |f: &&q::ServiceFact| {
            (types.is_empty() || types.contains(&f.service_type.as_str()))
                && self.counts(
                    d,
                    false,
                    self.labels.region_of(&f.municipality),
                    Some(&f.municipality),
                )
        };
        let running = |f: &&q::ServiceFact| f.status == RegisterStatus::Active;
        let planned = |f: &&q::ServiceFact| f.status == RegisterStatus::Planned;
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        Ok(match row.measure {
            IndicatorMeasure::None => Observed {
                value: None,
                planned: None,
                former: None,
                gaps: Vec::new(),
            },
            IndicatorMeasure::Providers => Observed::value(match &row.region {
                Some(region) => q::providers_in_region(conn, region.as_str(), day)?,
                None => 0,
            }),
            IndicatorMeasure::Services => {
                let of = facts.services.iter().filter(of_type);
                Observed {
                    planned: Some(count(of.clone().filter(planned).count())),
                    ..Observed::value(count(of.filter(running).count()))
                }
            }
            IndicatorMeasure::Municipalities => {
                let with = |keep: &dyn Fn(&&q::ServiceFact) -> bool| -> BTreeSet<String> {
                    facts
                        .services
                        .iter()
                        .filter(of_type)
                        .filter(|f| keep(f))
                        .map(|f| f.municipality.clone())
                        .collect()
                };
                let runs = with(&running);
                let planned_only = with(&planned).difference(&runs).count();
                Observed {
                    value: Some(count(runs.len())),
                    planned: Some(count(planned_only)),
                    former: former(d, known, &runs),
                    gaps: Vec::new(),
                }
            }
            IndicatorMeasure::TrainedMunicipalities => {
                let trained: BTreeSet<String> = facts
                    .trainings
                    .iter()
                    .filter_map(|t| t.municipality.as_ref().map(|m| (t, m)))
                    .filter(|(t, m)| self.counts(d, false, t.region.as_str(), Some(m.as_str())))
                    .map(|(_, m)| m.to_string())
                    .collect();
                Observed {
                    former: former(d, known, &trained),
                    ..Observed::value(count(trained.len()))
                }
            }
            IndicatorMeasure::MinimumPackage => {
                let mut running_types: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
                for f in facts.services.iter().filter(running) {
                    running_types
                        .entry(f.municipality.as_str())
                        .or_default()
                        .insert(f.service_type.as_str());
                }
                let mut gaps = Vec::new();
                let mut complete = 0;
                let region = d.row.region.as_ref();
                let in_region = known.municipalities.iter().filter(|m| {
                    region.is_none_or(|r| *r == m.planning_region)
                        && m.valid_to.is_none_or(|to| to >= day)
                });
                for m in in_region.map(|m| m.code.clone()) {
                    let types = running_types.get(m.as_str()).into_iter().flatten();
                    let missing = missing_components(types.copied());
                    if missing.is_empty() {
                        complete += 1;
                    } else {
                        gaps.push(PackageGap {
                            municipality: m,
                            missing,
                        });
                    }
                }
                Observed {
                    gaps,
                    ..Observed::value(complete)
                }
            }
            IndicatorMeasure::InstitutionsClosed => {
                let closed = defs::institutions_closed(conn, row.baseline_date, day)?;
                Observed::value(count(
                    closed
                        .iter()
                        .filter(|m| {
                            self.counts(
                                d,
                                false,
                                self.labels.region_of(m.as_str()),
                                Some(m.as_str()),
                            )
                        })
                        .count(),
                ))
            }
            IndicatorMeasure::Staff => {
                let mut tally = Tally::default();
                for f in &facts.staff {
                    let m = f.municipality.as_ref().map(|m| m.as_str());
                    if self.counts(d, true, f.region.as_str(), m) {
                        tally += Tally::new(f.staff, f.key_sum);
                    }
                }
                Observed::value(self.publish(tally))
            }
            IndicatorMeasure::Recipients => {
                let receiving = [DiStatus::InCommunity, DiStatus::InInstitution];
                Observed::value(
                    self.publish(
                        self.tally_counts(
                            d,
                            facts
                                .clients
                                .iter()
                                .filter(|f| receiving.iter().any(|s| s.as_str() == f.value)),
                        ),
                    ),
                )
            }
            IndicatorMeasure::Transitions => {
                let facts = q::transitions(conn, row.baseline_date, day)?;
                Observed::value(self.publish(self.tally_counts(d, facts.iter())))
            }
            IndicatorMeasure::TrainedStaff => {
                let programme = row.training_programme.as_ref();
                let mut tally = Tally::default();
                for t in &facts.trainings {
                    let m = t.municipality.as_ref().map(|m| m.as_str());
                    if Some(&t.programme) == programme && self.counts(d, true, t.region.as_str(), m)
                    {
                        tally += Tally::new(t.count, t.key_sum);
                    }
                }
                Observed::value(self.publish(tally))
            }
        })
    }

    /// The person counts of `facts` inside the indicator's region and the caller's area.
    fn tally_counts<'f>(
        &self,
        d: &Definition,
        facts: impl Iterator<Item = &'f q::CountFact>,
    ) -> Tally {
        let mut tally = Tally::default();
        for f in facts {
            let region = self.labels.region_of(&f.municipality);
            if self.counts(d, true, region, Some(&f.municipality)) {
                tally += Tally::new(f.count, f.key_sum);
            }
        }
        tally
    }
}

/// IND-GEOGRAPHY-2009 for an indicator whose targets count the former municipalities.
fn former(d: &Definition, known: &Known, counted: &BTreeSet<String>) -> Option<Bounds> {
    let predecessors = known.predecessors.get(d.row.region.as_ref()?)?;
    (d.row.geography == Geography::Municipalities2009)
        .then(|| former_bounds(counted.iter().map(String::as_str), predecessors))
}

/// How an indicator's value is computed, in words.
fn method(row: &defs::DefinitionRow) -> String {
    let types = row.service_types();
    let of_types = if types.is_empty() {
        "of any type".to_string()
    } else {
        format!("of type {}", types.join(", "))
    };
    let area = row
        .region
        .as_ref()
        .map_or("the country".to_string(), RegionCode::to_string);
    let since = row.baseline_date;
    match row.measure {
        IndicatorMeasure::Providers => {
            "providers of the region in the register on the date (registered, not excluded)".into()
        }
        IndicatorMeasure::Municipalities => format!(
            "municipalities of {area} with a service {of_types} running on the date; `planned`: those where one is planned and none runs"
        ),
        IndicatorMeasure::Services => format!(
            "services {of_types} running in {area} on the date; `planned`: those planned, not yet running"
        ),
        IndicatorMeasure::TrainedMunicipalities => format!(
            "municipalities of {area} where a provider's or the municipality's staff member, or a mentor it employs, has completed a training programme (its minimum hours) by the date"
        ),
        IndicatorMeasure::Staff => {
            format!("staff employed in {area} on the date (providers, municipalities, the region)")
        }
        IndicatorMeasure::Recipients => format!(
            "clients of {area} with a placement active on the date (in the community or in an institution); by target group and municipality: /api/v1/stats/clients?group_by=municipality,target_group,di_status"
        ),
        IndicatorMeasure::MinimumPackage => format!(
            "municipalities of {area} with every component of the minimum package running on the date (social service: social_work; home care: home_care, its mobile brigade or a municipal social care centre; crisis rooms: crisis_room or crisis_centre; multifunctional_centre); `gaps` lists the rest"
        ),
        IndicatorMeasure::InstitutionsClosed => {
            format!("institutional services of {area} closed after {since} and by the date")
        }
        IndicatorMeasure::Transitions => format!(
            "DI transitions (institution to community) in {area} after {since} and by the date"
        ),
        IndicatorMeasure::TrainedStaff => format!(
            "staff employed on the date and mentors registered by then, in {area}, whose completed hours of {} reach the programme's minimum",
            row.training_programme
                .as_ref()
                .map_or("the programme", |p| p.as_str())
        ),
        IndicatorMeasure::None => {
            "not computable from the record: it needs documents or activity reports".into()
        }
    }
}
