//! The reference data a load builds on, read from the database (municipalities valid today,
//! planning regions, the service catalogue, the default assessment instrument, specialist
//! roles, training programmes) and joined with the demo's parameters from [`super::catalogue`];
//! and the first id of each table's new rows.

use std::collections::HashSet;

use anyhow::{Context as _, bail};
use chrono::NaiveDate;

use super::catalogue::{PriceRange, TypeParams};
use super::data::Data;
use crate::db::DbConnection;
use crate::db::bulk::{self, BulkTable};
use crate::db::reference::{self, MunicipalityFilter, ServiceTypeFilter};
use crate::db::schema::{
    assessments, case_notes, clients, di_transitions, mentor_assignments, mentor_trainings,
    mentors, placements, plan_goals, providers, referrals, service_decisions, services,
    support_plans, waiting_list_entries,
};
use crate::domain::assessment::Instrument;
use crate::domain::codes::{ServiceTypeCode, TargetGroupCode};
use crate::domain::policy::MENTOR_TRAININGS;
use crate::domain::registry::ServiceTypeRules;
use crate::domain::validity::Validity;

pub(super) struct Municipality {
    pub code: String,
    pub name: String,
    pub region: usize,
    pub validity: Validity,
    pub weight: u64,
}

pub(super) struct Region {
    pub code: String,
    /// For the state social care centres ("VSAC Kurzeme").
    pub short_name: &'static str,
    pub municipalities: Vec<usize>,
    pub weight: u64,
}

pub(super) struct ServiceType {
    pub code: ServiceTypeCode,
    pub label_lv: String,
    pub label_en: String,
    pub institutional: bool,
    pub di_alternative: bool,
    /// The default price unit and its usual range.
    pub price: Option<(String, PriceRange)>,
    /// Served target groups, catalogue order.
    pub groups: Vec<TargetGroupCode>,
    pub rules: ServiceTypeRules,
    pub params: &'static TypeParams,
}

pub(super) struct Reference {
    pub municipalities: Vec<Municipality>,
    pub regions: Vec<Region>,
    pub types: Vec<ServiceType>,
    pub instrument: Instrument,
    pub roles: HashSet<String>,
}

impl Reference {
    pub fn load(
        conn: &mut DbConnection,
        data: &'static Data,
        today: NaiveDate,
    ) -> anyhow::Result<Self> {
        let catalogue = &data.catalogue;
        let mut regions = Vec::new();
        for r in reference::list_planning_regions(conn)? {
            regions.push(Region {
                short_name: catalogue.region_name(r.code.as_str())?,
                code: r.code.to_string(),
                municipalities: Vec::new(),
                weight: 0,
            });
        }
        // Only municipalities valid today: a dissolved one takes no new records.
        let rows = reference::list_municipalities(
            conn,
            &MunicipalityFilter {
                region: None,
                valid_on: Some(today),
            },
        )?;
        let mut municipalities = Vec::new();
        for row in rows {
            let region = regions
                .iter()
                .position(|r| r.code == row.planning_region.as_str())
                .with_context(|| format!("municipality {} without its region", row.code))?;
            let weight = catalogue.population(row.code.as_str())?;
            regions[region].municipalities.push(municipalities.len());
            regions[region].weight += weight;
            municipalities.push(Municipality {
                validity: row.validity(),
                code: row.code.to_string(),
                name: row.name_lv,
                region,
                weight,
            });
        }
        if municipalities.is_empty() {
            bail!("no municipality is valid on {today}: the reference data is missing");
        }
        regions.retain(|r| !r.municipalities.is_empty());
        // Indexes into `regions` changed only if a region lost every municipality.
        for (i, region) in regions.iter().enumerate() {
            for &m in &region.municipalities {
                municipalities[m].region = i;
            }
        }
        let mut types = Vec::new();
        for e in reference::list_service_types(conn, &ServiceTypeFilter::default())? {
            let price = match e.row.default_price_unit {
                Some(unit) => Some((catalogue.price(unit.as_str())?, unit.as_str().to_string())),
                None => None,
            };
            types.push(ServiceType {
                params: catalogue.service_type(e.row.code.as_str())?,
                rules: ServiceTypeRules {
                    code: e.row.code.clone(),
                    max_capacity: e.row.max_capacity,
                    target_groups: e.target_groups.iter().cloned().collect(),
                },
                code: e.row.code,
                label_lv: e.row.label_lv,
                label_en: e.row.label_en,
                institutional: e.row.setting == crate::domain::registry::Setting::Institutional,
                di_alternative: e.row.is_di_alternative,
                price: price.map(|(range, unit)| (unit, range)),
                groups: e.target_groups,
            });
        }
        let instrument = crate::db::assessments::instrument(conn, None)
            .context("no default assessment instrument")?
            .instrument;
        let roles: HashSet<String> = reference::list_specialist_roles(conn)?
            .into_iter()
            .map(|r| r.code.to_string())
            .collect();
        let programmes: HashSet<String> = reference::list_training_programmes(conn)?
            .into_iter()
            .map(|p| p.code.to_string())
            .collect();
        for (programme, _) in MENTOR_TRAININGS {
            if !programmes.contains(programme) {
                bail!("training programme {programme} is missing from the reference data");
            }
        }
        Ok(Self {
            municipalities,
            regions,
            types,
            instrument,
            roles,
        })
    }

    /// The catalogue entry of a service type the generator names.
    pub fn type_index(&self, code: &str) -> anyhow::Result<usize> {
        self.types
            .iter()
            .position(|t| t.code.is(code))
            .with_context(|| format!("service type {code} is missing from the catalogue"))
    }
}

/// The first id of each table's new rows.
pub(super) struct IdBase {
    pub provider: i64,
    pub service: i64,
    pub client: i64,
    pub assessment: i64,
    pub plan: i64,
    pub goal: i64,
    pub mentor: i64,
    pub training: i64,
    pub assignment: i64,
    pub placement: i64,
    pub transition: i64,
    pub decision: i64,
    pub waiting: i64,
    pub referral: i64,
    pub case_note: i64,
}

impl IdBase {
    pub fn load(conn: &mut DbConnection) -> anyhow::Result<Self> {
        fn next<T: BulkTable>(conn: &mut DbConnection) -> anyhow::Result<i64> {
            Ok(bulk::max_id::<T>(conn)? + 1)
        }
        Ok(Self {
            provider: next::<providers::table>(conn)?,
            service: next::<services::table>(conn)?,
            client: next::<clients::table>(conn)?,
            assessment: next::<assessments::table>(conn)?,
            plan: next::<support_plans::table>(conn)?,
            goal: next::<plan_goals::table>(conn)?,
            mentor: next::<mentors::table>(conn)?,
            training: next::<mentor_trainings::table>(conn)?,
            assignment: next::<mentor_assignments::table>(conn)?,
            placement: next::<placements::table>(conn)?,
            transition: next::<di_transitions::table>(conn)?,
            decision: next::<service_decisions::table>(conn)?,
            waiting: next::<waiting_list_entries::table>(conn)?,
            referral: next::<referrals::table>(conn)?,
            case_note: next::<case_notes::table>(conn)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::client::TargetGroup;
    use crate::domain::support_plan::sections_for;

    /// The data files parse and cover the whole reference data the migrations load: every
    /// municipality (dissolved ones too, for loads dated before), planning region, service
    /// type and its price unit, and every section of every target group's support plan.
    #[test]
    fn data_files_cover_the_reference_data() {
        let data = Data::get().expect("data files parse");
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("demo.sqlite").display());
        let mut conn = crate::db::establish(&url).expect("SQLite");
        crate::db::run_migrations(&mut conn).expect("migrations");
        let all = MunicipalityFilter {
            region: None,
            valid_on: None,
        };
        let municipalities =
            reference::list_municipalities(&mut conn, &all).expect("municipalities");
        assert!(!municipalities.is_empty());
        for m in municipalities {
            data.catalogue
                .population(m.code.as_str())
                .expect("population");
        }
        let loaded = Reference::load(&mut conn, data, crate::domain::today()).expect("reference");
        assert_eq!(
            loaded.types.len(),
            reference::list_service_types(&mut conn, &ServiceTypeFilter::default())
                .expect("service types")
                .len()
        );
        for group in TargetGroup::ALL {
            for section in sections_for(group) {
                let mut rng = super::super::random::rng_for(1, "test");
                data.words
                    .section_text(&mut rng, section.code)
                    .expect("section text");
            }
        }
    }
}
