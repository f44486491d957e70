//! Indicator definitions and targets (issue 18, point 6), the 2021 reform's mapping of
//! former municipalities, and the facts only indicators count.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::schema::{
    former_municipalities, indicator_definitions, indicator_targets, service_types, services,
};
use super::{DbConnection, MultiBackend, QueryResult};
use crate::domain::codes::*;
use crate::domain::indicator::{Geography, IndicatorMeasure, Programme, Target, Unit};
use crate::domain::registry::Setting;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = indicator_definitions, check_for_backend(MultiBackend))]
pub struct DefinitionRow {
    pub code: String,
    pub programme: Programme,
    pub region: Option<RegionCode>,
    pub position: i32,
    pub name_lv: String,
    pub name_en: String,
    pub unit: Unit,
    pub baseline: Option<i32>,
    pub baseline_date: NaiveDate,
    pub data_source: String,
    pub measure: IndicatorMeasure,
    pub service_types: Option<String>,
    pub training_programme: Option<ProgrammeCode>,
    pub geography: Geography,
    pub source_lines: String,
}

impl DefinitionRow {
    /// The service types a service count is restricted to (none: every type).
    pub fn service_types(&self) -> Vec<&str> {
        self.service_types
            .as_deref()
            .map(|t| t.split(',').collect())
            .unwrap_or_default()
    }
}

/// An indicator with its targets, oldest first.
#[derive(Debug, Clone)]
pub struct Definition {
    pub row: DefinitionRow,
    pub targets: Vec<Target>,
}

/// The definitions of a programme (every programme's when `None`), in the programme's order.
pub fn definitions(
    conn: &mut DbConnection,
    programme: Option<Programme>,
    code: Option<&str>,
) -> QueryResult<Vec<Definition>> {
    let mut query = indicator_definitions::table
        .select(DefinitionRow::as_select())
        .order((
            indicator_definitions::programme,
            indicator_definitions::position,
        ))
        .into_boxed::<MultiBackend>();
    if let Some(p) = programme {
        query = query.filter(indicator_definitions::programme.eq(p));
    }
    if let Some(code) = code {
        query = query.filter(indicator_definitions::code.eq(code.to_string()));
    }
    let rows = query.load(conn)?;
    let codes: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    let mut targets: BTreeMap<String, Vec<Target>> = BTreeMap::new();
    for (code, year, value) in indicator_targets::table
        .filter(indicator_targets::code.eq_any(&codes))
        .order((indicator_targets::code, indicator_targets::year))
        .select((
            indicator_targets::code,
            indicator_targets::year,
            indicator_targets::value,
        ))
        .load::<(String, i32, i32)>(conn)?
    {
        targets
            .entry(code)
            .or_default()
            .push(Target { year, value });
    }
    Ok(rows
        .into_iter()
        .map(|row| Definition {
            targets: targets.remove(&row.code).unwrap_or_default(),
            row,
        })
        .collect())
}

/// For each of today's municipalities, how many of `region`'s former (2009–2021)
/// municipalities it succeeded.
pub fn predecessors(
    conn: &mut DbConnection,
    region: &RegionCode,
) -> QueryResult<BTreeMap<String, i64>> {
    Ok(former_municipalities::table
        .filter(former_municipalities::planning_region.eq(region.clone()))
        .group_by(former_municipalities::successor)
        .select((former_municipalities::successor, count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect())
}

/// The municipality of each institutional service closed after `since` and on or before
/// `day` (DI-01: institutions closed).
pub fn institutions_closed(
    conn: &mut DbConnection,
    since: NaiveDate,
    day: NaiveDate,
) -> QueryResult<Vec<MunicipalityCode>> {
    services::table
        .filter(
            services::service_type.eq_any(
                service_types::table
                    .filter(service_types::setting.eq(Setting::Institutional))
                    .select(service_types::code),
            ),
        )
        .filter(services::closed_on.gt(since))
        .filter(services::closed_on.le(day))
        .select(services::municipality)
        .load(conn)
}
