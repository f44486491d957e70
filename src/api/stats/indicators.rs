//! A planning region's results indicators: not a table statistic, one list per region.

use std::collections::BTreeSet;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::context::{Labels, stats_scope};
use super::table::{csv, wants_csv};
use crate::api::lang::Lang;
use crate::api::problems as p;
use crate::auth::AuthUser;
use crate::db::{Db, stats as q};
use crate::domain::registry::ServiceStatus;
use crate::error::ApiResult;

/// The CSV columns, in the order of [`IndicatorValue`]'s fields that matter to a reader.
const CSV_COLUMNS: [&str; 12] = [
    "code",
    "name",
    "unit",
    "baseline",
    "baseline_date",
    "target",
    "target_year",
    "value",
    "computable",
    "method",
    "data_source",
    "source",
];

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorValue {
    #[schema(example = "KUR-02")]
    pub code: String,
    pub name: String,
    /// `providers`, `municipalities`, `services` or `items`.
    pub unit: String,
    pub baseline: Option<i32>,
    pub baseline_date: NaiveDate,
    pub target: Option<i32>,
    pub target_year: i32,
    pub data_source: String,
    /// Whether the registry can compute the current value.
    pub computable: bool,
    /// The value computed on `as_of`; `null` when not computable.
    pub value: Option<i64>,
    /// How the value was computed, or why it cannot be.
    pub method: String,
    /// Lines of the seed documents defining the indicator.
    pub source: String,
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorsQuery {
    /// Planning region whose indicator table to compute (default: the caller's region, or KURZEME).
    #[param(example = "KURZEME")]
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub region: Option<String>,
    /// Date of the values (default today).
    pub as_of: Option<NaiveDate>,
    /// `json` (default) or `csv`.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    #[param(pattern = "^(json|csv)$")]
    pub format: Option<String>,
}

/// A planning region's results indicators (seed 000) with the current value computed from
/// the registry where it can be, next to baseline and target.
#[utoipa::path(
    tag = "statistics",
    params(IndicatorsQuery, Lang),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The indicators", content((Vec<IndicatorValue> = "application/json"), (String = "text/csv"))),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
    )
)]
#[get("/stats/indicators")]
pub async fn indicator_stats(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    lang: Lang,
    query: web::Query<IndicatorsQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let scope = stats_scope(&user.scope, query.region.as_deref())?;
    let region = query
        .region
        .clone()
        .or(scope.region().map(String::from))
        .unwrap_or_else(|| "KURZEME".into());
    let as_of = query.as_of.unwrap_or_else(crate::domain::today);
    let items = db
        .run(move |conn| -> ApiResult<Vec<IndicatorValue>> {
            let labels = Labels::load(conn, lang)?;
            let facts = q::service_facts(conn, as_of)?;
            let active: Vec<&q::ServiceFact> = facts
                .iter()
                .filter(|f| {
                    f.status == ServiceStatus::Active.as_str()
                        && labels.region_of(&f.municipality) == region
                })
                .collect();
            let mut out = Vec::new();
            for row in q::indicators(conn, &region)? {
                let types: Vec<&str> = row
                    .service_types
                    .as_deref()
                    .map(|t| t.split(',').collect())
                    .unwrap_or_default();
                let of_types = || {
                    active
                        .iter()
                        .filter(|f| types.contains(&f.service_type.as_str()))
                };
                let (value, method) = match row.measure.as_str() {
                    "providers" => (
                        Some(q::providers_in_region(conn, &region, as_of)?),
                        "providers of the region in the register (registered, not excluded)"
                            .to_string(),
                    ),
                    "municipalities" => (
                        Some(
                            i64::try_from(
                                of_types()
                                    .map(|f| f.municipality.as_str())
                                    .collect::<BTreeSet<_>>()
                                    .len(),
                            )
                            .unwrap_or(0),
                        ),
                        format!(
                            "municipalities of the region with an active service of type {}",
                            types.join(", ")
                        ),
                    ),
                    "services" => (
                        Some(i64::try_from(of_types().count()).unwrap_or(0)),
                        format!("active services of type {} in the region", types.join(", ")),
                    ),
                    _ => (
                        None,
                        "not computable from registry data: it needs documents or activity reports"
                            .to_string(),
                    ),
                };
                out.push(IndicatorValue {
                    name: lang.pick(&row.name_lv, &row.name_en).to_string(),
                    code: row.code,
                    unit: row.unit,
                    baseline: row.baseline,
                    baseline_date: row.baseline_date,
                    target: row.target,
                    target_year: row.target_year,
                    data_source: row.data_source,
                    computable: value.is_some(),
                    value,
                    method,
                    source: row.source_lines,
                });
            }
            Ok(out)
        })
        .await?;
    if wants_csv(&req, query.format.as_deref()) {
        let rows: Vec<Value> = items
            .iter()
            .map(|i| serde_json::to_value(i).unwrap_or_default())
            .collect();
        let columns = CSV_COLUMNS.map(String::from);
        return csv(lang, &columns, &rows);
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_LANGUAGE, lang.code()))
        .json(items))
}
