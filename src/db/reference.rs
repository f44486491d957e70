//! Reference data queries: planning regions, municipalities and the catalogues.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::{
    former_municipalities, municipalities, planning_regions, service_type_target_groups,
    service_types, specialist_roles, target_groups, training_programmes,
};
use super::{DbConnection, MultiBackend, QueryResult};
use crate::domain::codes::*;
use crate::domain::registry::{MunicipalityKind, PriceUnit, Setting};
use crate::domain::validity::Validity;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = planning_regions, check_for_backend(MultiBackend))]
pub struct PlanningRegionRow {
    pub code: RegionCode,
    pub name_lv: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = municipalities, check_for_backend(MultiBackend))]
pub struct MunicipalityRow {
    pub code: MunicipalityCode,
    pub iso_3166_2: String,
    pub atvk_code: String,
    pub name_lv: String,
    pub name_en: String,
    pub kind: MunicipalityKind,
    pub planning_region: RegionCode,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub successor: Option<MunicipalityCode>,
}

impl MunicipalityRow {
    pub fn validity(&self) -> Validity {
        Validity {
            from: self.valid_from,
            to: self.valid_to,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = target_groups, check_for_backend(MultiBackend))]
pub struct TargetGroupRow {
    pub code: TargetGroupCode,
    pub label_lv: String,
    pub label_en: String,
    pub is_di: bool,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = service_types, check_for_backend(MultiBackend))]
pub struct ServiceTypeRow {
    pub code: ServiceTypeCode,
    pub label_lv: String,
    pub label_en: String,
    pub setting: Setting,
    pub is_social_service: bool,
    pub is_di_alternative: bool,
    pub max_capacity: Option<i32>,
    pub max_age_at_placement: Option<i32>,
    pub default_price_unit: Option<PriceUnit>,
}

/// A service type with the codes of the target groups it serves.
#[derive(Debug, Clone)]
pub struct ServiceTypeEntry {
    pub row: ServiceTypeRow,
    pub target_groups: Vec<TargetGroupCode>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = specialist_roles, check_for_backend(MultiBackend))]
pub struct SpecialistRoleRow {
    pub code: SpecialistRoleCode,
    pub label_lv: String,
    pub label_en: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = training_programmes, check_for_backend(MultiBackend))]
pub struct TrainingProgrammeRow {
    pub code: ProgrammeCode,
    pub label_lv: String,
    pub label_en: String,
    pub min_hours: Option<i32>,
}

pub fn list_planning_regions(conn: &mut DbConnection) -> QueryResult<Vec<PlanningRegionRow>> {
    planning_regions::table
        .select(PlanningRegionRow::as_select())
        .order(planning_regions::code)
        .load(conn)
}

pub fn get_planning_region(
    conn: &mut DbConnection,
    code: &RegionCode,
) -> QueryResult<PlanningRegionRow> {
    planning_regions::table
        .find(code)
        .select(PlanningRegionRow::as_select())
        .first(conn)
}

#[derive(Debug, Default)]
pub struct MunicipalityFilter {
    pub region: Option<RegionCode>,
    pub valid_on: Option<NaiveDate>,
}

pub fn list_municipalities(
    conn: &mut DbConnection,
    filter: &MunicipalityFilter,
) -> QueryResult<Vec<MunicipalityRow>> {
    let mut query = municipalities::table
        .select(MunicipalityRow::as_select())
        .order(municipalities::code)
        .into_boxed::<MultiBackend>();
    if let Some(region) = &filter.region {
        query = query.filter(municipalities::planning_region.eq(region.clone()));
    }
    if let Some(date) = filter.valid_on {
        query = query.filter(municipalities::valid_from.le(date)).filter(
            municipalities::valid_to
                .is_null()
                .or(municipalities::valid_to.ge(date)),
        );
    }
    query.load(conn)
}

pub fn get_municipality(
    conn: &mut DbConnection,
    code: &MunicipalityCode,
) -> QueryResult<MunicipalityRow> {
    municipalities::table
        .find(code)
        .select(MunicipalityRow::as_select())
        .first(conn)
}

pub fn list_target_groups(
    conn: &mut DbConnection,
    is_di: Option<bool>,
) -> QueryResult<Vec<TargetGroupRow>> {
    let mut query = target_groups::table
        .select(TargetGroupRow::as_select())
        .order(target_groups::position)
        .into_boxed::<MultiBackend>();
    if let Some(is_di) = is_di {
        query = query.filter(target_groups::is_di.eq(is_di));
    }
    query.load(conn)
}

#[derive(Debug, Default)]
pub struct ServiceTypeFilter {
    pub setting: Option<Setting>,
    pub target_group: Option<TargetGroupCode>,
    pub is_di_alternative: Option<bool>,
}

pub fn list_service_types(
    conn: &mut DbConnection,
    filter: &ServiceTypeFilter,
) -> QueryResult<Vec<ServiceTypeEntry>> {
    let mut query = service_types::table
        .select(ServiceTypeRow::as_select())
        .order(service_types::position)
        .into_boxed::<MultiBackend>();
    if let Some(setting) = &filter.setting {
        query = query.filter(service_types::setting.eq(*setting));
    }
    if let Some(flag) = filter.is_di_alternative {
        query = query.filter(service_types::is_di_alternative.eq(flag));
    }
    if let Some(group) = &filter.target_group {
        query = query.filter(
            service_types::code.eq_any(
                service_type_target_groups::table
                    .filter(service_type_target_groups::target_group.eq(group.clone()))
                    .select(service_type_target_groups::service_type),
            ),
        );
    }
    let rows = query.load(conn)?;
    with_target_groups(conn, rows)
}

pub fn get_service_type(
    conn: &mut DbConnection,
    code: &ServiceTypeCode,
) -> QueryResult<ServiceTypeEntry> {
    let row = service_types::table
        .find(code)
        .select(ServiceTypeRow::as_select())
        .first(conn)?;
    with_target_groups(conn, vec![row])?
        .pop()
        .ok_or(diesel::result::Error::NotFound)
}

/// Attaches the served target groups to each service type with one extra query.
fn with_target_groups(
    conn: &mut DbConnection,
    rows: Vec<ServiceTypeRow>,
) -> QueryResult<Vec<ServiceTypeEntry>> {
    let codes: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    let pairs: Vec<(ServiceTypeCode, TargetGroupCode)> = service_type_target_groups::table
        .inner_join(target_groups::table)
        .filter(service_type_target_groups::service_type.eq_any(codes))
        .order(target_groups::position)
        .select((
            service_type_target_groups::service_type,
            service_type_target_groups::target_group,
        ))
        .load(conn)?;
    let mut by_type: BTreeMap<ServiceTypeCode, Vec<TargetGroupCode>> = BTreeMap::new();
    for (service_type, group) in pairs {
        by_type.entry(service_type).or_default().push(group);
    }
    Ok(rows
        .into_iter()
        .map(|row| ServiceTypeEntry {
            target_groups: by_type.remove(&row.code).unwrap_or_default(),
            row,
        })
        .collect())
}

pub fn list_specialist_roles(conn: &mut DbConnection) -> QueryResult<Vec<SpecialistRoleRow>> {
    specialist_roles::table
        .select(SpecialistRoleRow::as_select())
        .order(specialist_roles::position)
        .load(conn)
}

pub fn list_training_programmes(conn: &mut DbConnection) -> QueryResult<Vec<TrainingProgrammeRow>> {
    training_programmes::table
        .select(TrainingProgrammeRow::as_select())
        .order(training_programmes::position)
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = former_municipalities, check_for_backend(MultiBackend))]
pub struct FormerMunicipalityRow {
    pub iso_3166_2: String,
    pub name_lv: String,
    pub name_en: String,
    pub planning_region: RegionCode,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub successor: MunicipalityCode,
    pub source: String,
}

/// The former municipalities (2009–2021) and their successors, by region and code.
pub fn list_former_municipalities(
    conn: &mut DbConnection,
) -> QueryResult<Vec<FormerMunicipalityRow>> {
    former_municipalities::table
        .select(FormerMunicipalityRow::as_select())
        .order((
            former_municipalities::planning_region,
            former_municipalities::iso_3166_2,
        ))
        .load(conn)
}
