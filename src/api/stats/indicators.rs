//! A planning region's results indicators: not a table statistic, one list per region.

use std::collections::BTreeSet;

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, guard, web};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::path::{ParameterBuilder, Paths};
use utoipa::openapi::schema::ArrayBuilder;
use utoipa::openapi::{Ref, RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};
use utoipa_actix_web::OpenApiFactory;

use super::Dimension;
use super::cache::StatsCache;
use super::context::{Labels, StatsQuery};
use super::endpoint::{day_or_month, get, operation, query_param, string};
use super::table::{csv, ok, wants_csv};
use crate::api::lang::Lang;
use crate::auth::AuthUser;
use crate::db::{DbConnection, ReadDb, stats as q};
use crate::domain::access::statistics_access;
use crate::domain::disclosure::Measure;
use crate::domain::history::RegisterStatus;
use crate::error::{ApiError, ApiResult};

/// The CSV columns: [`IndicatorValue`]'s fields, in order (a test holds them together).
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

/// A results indicator of a planning region, with its current value where the registry
/// can compute it (the examples are Kurzeme's home care indicator).
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorValue {
    #[schema(example = "KUR-02")]
    pub code: String,
    #[schema(example = "Home care services")]
    pub name: String,
    /// `providers`, `municipalities`, `services` or `items`.
    #[schema(example = "municipalities")]
    pub unit: String,
    #[schema(example = 1)]
    pub baseline: Option<i32>,
    pub baseline_date: NaiveDate,
    #[schema(example = 20)]
    pub target: Option<i32>,
    #[schema(example = 2018)]
    pub target_year: i32,
    /// The value computed on `as_of`; `null` when not computable.
    pub value: Option<i64>,
    /// Whether the registry can compute the current value.
    pub computable: bool,
    /// How the value was computed, or why it cannot be.
    #[schema(
        example = "municipalities of the region with a service of type home_care running on the date"
    )]
    pub method: String,
    /// Where the data come from.
    #[schema(example = "LM")]
    pub data_source: String,
    /// Lines of the seed documents defining the indicator.
    #[schema(example = "001:21-30; 000:47-56")]
    pub source: String,
}

/// `GET /stats/indicators`: registered and documented like the table statistics.
pub struct Indicators;

const PATH: &str = "/stats/indicators";

impl HttpServiceFactory for Indicators {
    fn register(self, config: &mut AppService) {
        let resource = web::resource(PATH)
            .name("indicator_stats")
            .guard(guard::Get())
            .to(indicator_stats);
        HttpServiceFactory::register(resource, config);
    }
}

impl OpenApiFactory for Indicators {
    fn paths(&self) -> Paths {
        let region = ParameterBuilder::from(query_param(
            "region",
            "Planning region whose indicator table to compute (default: the caller's region, or KURZEME).",
            string(),
        ))
        .example(Some("KURZEME".into()));
        let as_of = query_param(
            "as_of",
            "Date of the values, a day or a month (its last day); default today: the register as it stood that day. A service counts while its own status that day is active and its provider is active that day (INV-P01); a provider counts while registered and not excluded that day. A date before the record's first day is a 422 (`/problems/before-record`).",
            day_or_month(),
        );
        let summary = "A planning region's results indicators (seed 000) with the current value \
computed from the registry where it can be, next to baseline and target.";
        let notes = "Every value computed is a registry count (providers, services, municipalities \
offering a service: `domain::disclosure` classifies them), published exactly to every caller. \
A query parameter other than `region`, `as_of` and `format` is a 400.";
        let items = ArrayBuilder::new().items(Ref::from_schema_name(IndicatorValue::name()));
        let ok = ("The indicators", items.into());
        let operation = operation(
            "indicator_stats",
            (summary, notes.to_string()),
            vec![region.build(), as_of],
            ok,
        );
        get(PATH, operation)
    }

    fn schemas(&self, schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((
            IndicatorValue::name().into_owned(),
            IndicatorValue::schema(),
        ));
    }
}

async fn indicator_stats(
    req: HttpRequest,
    (db, cache): (web::Data<ReadDb>, web::Data<StatsCache>),
    user: AuthUser,
    lang: Lang,
    query: web::Query<Vec<(String, String)>>,
) -> ApiResult<HttpResponse> {
    // Only the documented parameters reach here: the edge refuses any other (400).
    let query = StatsQuery::parse(query.into_inner())?;
    let scope = statistics_access(&user.scope, query.value(Dimension::Region))?;
    let region = query
        .value(Dimension::Region)
        .or(scope.region())
        .map(String::from)
        .unwrap_or_else(|| "KURZEME".into());
    let format = query.format().map(String::from);
    let items = db
        .run(move |conn| -> ApiResult<_> {
            // Registry counts only (`domain::disclosure`): exact, to the day, for every caller.
            let as_of = query.resolve_dates(conn, false)?.as_of;
            let key = format!(
                "indicators|{region}|{as_of}|{scope:?}|{lang:?}|{}",
                query.filters_key()
            );
            let weigh = |items: &Vec<IndicatorValue>| weight(items);
            cache.through(conn, key, weigh, move |conn| {
                indicators(conn, &query, lang, &region, as_of)
            })
        })
        .await?;
    if wants_csv(&req, format.as_deref()) {
        let rows = items
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<Vec<Value>, _>>()
            .map_err(|e| ApiError::Internal(e.into()))?;
        let columns = CSV_COLUMNS.map(String::from);
        return csv(ok(lang), &columns, &rows);
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_LANGUAGE, lang.code()))
        .json(&*items))
}

/// Roughly the bytes a list of indicators takes in memory.
fn weight(items: &[IndicatorValue]) -> usize {
    items
        .iter()
        .map(|i| 256 + i.name.len() + i.method.len() + i.source.len() + i.data_source.len())
        .sum()
}

/// The region's indicators on `as_of`, from the registry.
fn indicators(
    conn: &mut DbConnection,
    query: &StatsQuery,
    lang: Lang,
    region: &str,
    as_of: NaiveDate,
) -> ApiResult<Vec<IndicatorValue>> {
    let labels = Labels::load(conn, lang)?;
    labels.check(query)?;
    let facts = q::service_facts(conn, as_of)?;
    let active: Vec<&q::ServiceFact> = facts
        .iter()
        .filter(|f| {
            f.status == RegisterStatus::Active && labels.region_of(&f.municipality) == region
        })
        .collect();
    let mut out = Vec::new();
    for row in q::indicators(conn, region)? {
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
        let (value, method) = match Measure::of_indicator(&row.measure) {
            Some(Measure::Providers) => (
                Some(q::providers_in_region(conn, region, as_of)?),
                "providers of the region in the register on the date (registered, not excluded)"
                    .to_string(),
            ),
            Some(Measure::Municipalities) => (
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
                    "municipalities of the region with a service of type {} running on the date",
                    types.join(", ")
                ),
            ),
            Some(Measure::Services) => (
                Some(i64::try_from(of_types().count()).unwrap_or(0)),
                format!(
                    "services of type {} running in the region on the date",
                    types.join(", ")
                ),
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_columns_are_the_fields_of_an_indicator_in_order() {
        let value = IndicatorValue {
            code: String::new(),
            name: String::new(),
            unit: String::new(),
            baseline: None,
            baseline_date: NaiveDate::MIN,
            target: None,
            target_year: 0,
            value: None,
            computable: false,
            method: String::new(),
            data_source: String::new(),
            source: String::new(),
        };
        let mut writer = ::csv::Writer::from_writer(Vec::new());
        writer.serialize(value).expect("serialises");
        let text = String::from_utf8(writer.into_inner().expect("flushes")).expect("utf-8");
        let header = text.lines().next().unwrap_or_default();
        assert_eq!(header, CSV_COLUMNS.join(","));
    }
}
