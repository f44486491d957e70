//! Indicator definitions as data (issue 18, point 6): what each programme's indicators
//! count, their baselines and targets by year, and the geography the targets were set in;
//! and the 2021 reform's mapping of former municipalities that compares them. The values
//! are `GET /stats/indicators`.

use actix_web::{get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::lang::{Lang, ListLang, Localized, LocalizedList};
use crate::db::indicators::{self as q, Definition};
use crate::db::{Db, reference};
use crate::domain::codes::{MunicipalityCode, ProgrammeCode, RegionCode};
use crate::domain::indicator::{Geography, IndicatorMeasure, Programme, Target, Unit};
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Serialize, ToSchema)]
pub struct Baseline {
    pub value: Option<i32>,
    pub date: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorDefinition {
    #[schema(example = "KUR-02")]
    pub code: String,
    pub programme: Programme,
    /// The planning region it counts in; `null` for the national DI plan.
    pub region: Option<RegionCode>,
    pub name: String,
    pub unit: Unit,
    pub baseline: Baseline,
    pub targets: Vec<Target>,
    /// What computes the value; `none` when the record cannot.
    pub measure: IndicatorMeasure,
    /// The service types a service count is restricted to (empty: every type).
    pub service_types: Vec<String>,
    /// The training programme a count of trained staff counts.
    pub training_programme: Option<ProgrammeCode>,
    /// The municipalities the targets count in.
    pub geography: Geography,
    pub data_source: String,
    /// Lines of the seed documents defining the indicator.
    pub source: String,
}

fn view(d: Definition, lang: Lang) -> IndicatorDefinition {
    let r = d.row;
    IndicatorDefinition {
        service_types: r.service_types().into_iter().map(String::from).collect(),
        name: lang.pick(&r.name_lv, &r.name_en).to_string(),
        code: r.code,
        programme: r.programme,
        region: r.region,
        unit: r.unit,
        baseline: Baseline {
            value: r.baseline,
            date: r.baseline_date,
        },
        targets: d.targets,
        measure: r.measure,
        training_programme: r.training_programme,
        geography: r.geography,
        data_source: r.data_source,
        source: r.source_lines,
    }
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListIndicatorsQuery {
    /// Only this programme's indicators.
    pub programme: Option<Programme>,
}

/// Lists the indicator definitions, by programme and position.
#[utoipa::path(
    security(()),
    tag = "reference",
    params(ListIndicatorsQuery, ListLang),
    responses((status = 200, content((crate::api::List<IndicatorDefinition> = "application/json"), (IndicatorDefinition = "application/x-ndjson")), headers(("Content-Language" = String))))
)]
#[get("/indicators")]
pub async fn list_indicators(
    db: web::Data<Db>,
    query: web::Query<ListIndicatorsQuery>,
    lang: ListLang,
) -> ApiResult<LocalizedList<IndicatorDefinition>> {
    let programme = query.programme;
    let rows = db
        .run(move |conn| q::definitions(conn, programme, None))
        .await?;
    Ok(Localized::list(lang, rows, view))
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IndicatorPath {
    /// The indicator's code.
    #[param(example = "KUR-02")]
    pub code: String,
}

/// Reads one indicator definition.
#[utoipa::path(
    security(()),
    tag = "reference",
    params(IndicatorPath, Lang),
    responses((status = 200, body = IndicatorDefinition, headers(("Content-Language" = String))))
)]
#[get("/indicators/{code}")]
pub async fn get_indicator(
    db: web::Data<Db>,
    path: web::Path<IndicatorPath>,
    lang: Lang,
) -> ApiResult<Localized<IndicatorDefinition>> {
    let code = path.into_inner().code;
    let found = db
        .run(move |conn| q::definitions(conn, None, Some(&code)))
        .await?;
    let definition = found.into_iter().next().ok_or(ApiError::NotFound)?;
    Ok(Localized {
        lang,
        body: view(definition, lang),
    })
}

/// A municipality of 2009–2021 and the municipality that succeeded it in the 2021 reform.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormerMunicipality {
    #[schema(example = "LV-093")]
    pub iso_3166_2: String,
    pub name: String,
    /// Its planning region then.
    pub planning_region: RegionCode,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub successor: MunicipalityCode,
    pub source: String,
}

/// Lists the former municipalities (2009–2021) of the Kurzeme and Latgale programmes with
/// their successors: the mapping that compares a target set then with today's record.
#[utoipa::path(
    security(()),
    tag = "reference",
    params(ListLang),
    responses((status = 200, content((crate::api::List<FormerMunicipality> = "application/json"), (FormerMunicipality = "application/x-ndjson")), headers(("Content-Language" = String))))
)]
#[get("/former-municipalities")]
pub async fn list_former_municipalities(
    db: web::Data<Db>,
    lang: ListLang,
) -> ApiResult<LocalizedList<FormerMunicipality>> {
    let rows = db.run(reference::list_former_municipalities).await?;
    Ok(Localized::list(lang, rows, |r, lang| FormerMunicipality {
        name: lang.pick(&r.name_lv, &r.name_en).to_string(),
        iso_3166_2: r.iso_3166_2,
        planning_region: r.planning_region,
        valid_from: r.valid_from,
        valid_to: r.valid_to,
        successor: r.successor,
        source: r.source,
    }))
}
