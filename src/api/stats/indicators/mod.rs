//! Indicator tables (issue 18, point 6): each programme's indicators, as data
//! (`indicator_definitions`), computed from the effective-dated record on `as_of` or as a
//! yearly series, next to their baseline and the target in force; targets set in the
//! municipalities of 2009–2021 are compared in that geography.

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, guard, web};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::openapi::path::{ParameterBuilder, Paths};
use utoipa::openapi::schema::ArrayBuilder;
use utoipa::openapi::{Ref, RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};
use utoipa_actix_web::OpenApiFactory;

mod reader;

use super::Filter;
use super::cache::StatsCache;
use super::context::{Labels, StatsQuery};
use super::endpoint::{day_or_month, get, operation, query_param, string};
use super::table::{csv, ok, wants_csv};
use crate::api::lang::Lang;
use crate::auth::AuthUser;
use crate::db::{ReadDb, indicators as defs};
use crate::domain::access::statistics_access;
use crate::domain::codes::MunicipalityCode;
use crate::domain::indicator::{
    Bounds, Geography, PackageComponent, Programme, Target, Unit, yearly,
};
use crate::domain::policy::Policy;
use crate::error::{ApiError, ApiResult, Detail};
use reader::Reader;

/// A municipality short of Latgale's minimum package, and what it lacks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PackageGap {
    pub municipality: MunicipalityCode,
    pub missing: Vec<PackageComponent>,
}

/// An indicator's value on one date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndicatorPoint {
    pub date: NaiveDate,
    /// The value on the date; `null` when the record cannot compute it. Person counts are
    /// perturbed for the ministry and regions (`domain::disclosure`).
    pub value: Option<i64>,
    /// Services of the indicator's types planned, not yet running (a service count), or
    /// municipalities where one is planned and none runs (a municipality count).
    pub planned: Option<i64>,
    /// For a target set in the municipalities of 2009–2021: how many of them the value stands
    /// for (IND-GEOGRAPHY-2009).
    pub former_geography: Option<Bounds>,
    /// The target in force on the date (IND-TARGET).
    pub target: Option<Target>,
    /// Whether the target is reached (IND-TARGET-MET); `null` when unknown.
    pub target_met: Option<bool>,
}

/// A programme's indicator with its value on `as_of` (or at the end of the series).
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorValue {
    pub programme: Programme,
    #[schema(example = "KUR-02")]
    pub code: String,
    #[schema(example = "Home care services")]
    pub name: String,
    pub unit: Unit,
    pub baseline: Option<i32>,
    pub baseline_date: NaiveDate,
    /// Every target, by year.
    pub targets: Vec<Target>,
    /// The municipalities the targets count in.
    pub geography: Geography,
    pub as_of: NaiveDate,
    pub value: Option<i64>,
    pub planned: Option<i64>,
    pub former_geography: Option<Bounds>,
    pub target: Option<Target>,
    pub target_met: Option<bool>,
    /// Minimum package: the municipalities short of it on `as_of`.
    pub gaps: Vec<PackageGap>,
    /// Whether the record computes the value.
    pub computable: bool,
    /// How the value is computed, or why it cannot be.
    pub method: String,
    /// Where the programme's figures came from.
    #[schema(example = "LM")]
    pub data_source: String,
    /// Lines of the seed documents defining the indicator.
    #[schema(example = "001:21-30; 000:47-56")]
    pub source: String,
    /// With `from` (and `to`): the value on each date of the yearly series, oldest first.
    pub series: Vec<IndicatorPoint>,
}

/// The CSV columns: one row per indicator and date (a test holds them to [`CsvRow`]).
const CSV_COLUMNS: [&str; 16] = [
    "programme",
    "code",
    "name",
    "unit",
    "date",
    "value",
    "planned",
    "former_at_least",
    "former_at_most",
    "target",
    "target_year",
    "target_met",
    "baseline",
    "baseline_date",
    "geography",
    "method",
];

#[derive(Serialize)]
struct CsvRow<'a> {
    programme: Programme,
    code: &'a str,
    name: &'a str,
    unit: Unit,
    date: NaiveDate,
    value: Option<i64>,
    planned: Option<i64>,
    former_at_least: Option<i64>,
    former_at_most: Option<i64>,
    target: Option<i32>,
    target_year: Option<i32>,
    target_met: Option<bool>,
    baseline: Option<i32>,
    baseline_date: NaiveDate,
    geography: Geography,
    method: &'a str,
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
        let programme = ParameterBuilder::from(query_param(
            "programme",
            "The programme whose indicators to compute: `KURZEME`, `LATGALE` or `DI_PLAN` (default: the programme of `region`, or of the caller's region, else KURZEME). A planning region reads its own region's programme and the DI plan.",
            Programme::schema(),
        ))
        .example(Some("LATGALE".into()));
        let region = query_param(
            "region",
            "Planning region whose programme to compute, when `programme` is not given (a region with no programme of its own answers an empty list).",
            string(),
        );
        let as_of = query_param(
            "as_of",
            "Date of the values, a day or a month (its last day); default today, or for the ministry and regions on a programme with person counts the end of the last complete month (months only). Not together with `from`. A date before the record's first day is a 422 (`/problems/before-record`).",
            day_or_month(),
        );
        let from = query_param(
            "from",
            "Start of a yearly series (IND-SERIES): the values on `to` and on each date a year before it, back to `from`; at most 50 points.",
            day_or_month(),
        );
        let to = query_param(
            "to",
            "End of the series (default as for `as_of`); the top-level values are those on `to`.",
            day_or_month(),
        );
        let step = query_param(
            "step",
            "The series' step: `year` (the only one, and the default).",
            string().enum_values(Some(["year"])),
        );
        let summary = "A programme's indicators (Kurzeme, Latgale, the DI plan), computed from \
the record on a date or as a yearly series, next to baseline and targets.";
        let notes = "The definitions are data (`GET /api/v1/indicators`). Registry counts \
(providers, services, municipalities, institutions) are exact for every caller; person counts \
(staff, recipients, transitions, staff trained) are perturbed for the ministry and regions, \
and restricted to the caller's area. A target set in the municipalities of 2009–2021 \
(`geography` `municipalities_2009`) is compared in that geography through the 2021 reform's \
mapping (`former_geography`). A query parameter other than those below is a 400.";
        let items = ArrayBuilder::new().items(Ref::from_schema_name(IndicatorValue::name()));
        let operation = operation(
            "indicator_stats",
            (summary, notes.to_string()),
            vec![programme.build(), region, as_of, from, to, step],
            ("The indicators", items.into()),
        );
        get(PATH, operation)
    }

    fn schemas(&self, schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((
            IndicatorValue::name().into_owned(),
            IndicatorValue::schema(),
        ));
        <IndicatorValue as ToSchema>::schemas(schemas);
    }
}

/// What a request asks for beyond the statistics query string.
struct Asked {
    programme: Option<Programme>,
    series: bool,
}

/// Takes `programme` and `step` out of the pairs (the rest is a statistics query).
fn asked(pairs: &mut Vec<(String, String)>) -> ApiResult<Asked> {
    let mut take = |name: &str| {
        let at = pairs.iter().position(|(n, _)| n == name)?;
        Some(pairs.remove(at).1)
    };
    let bad = |en: &str, lv: &str| ApiError::BadRequest(Detail::new(en, lv));
    let programme = take("programme")
        .map(|p| {
            Programme::parse(&p).ok_or_else(|| {
                bad(
                    "programme is KURZEME, LATGALE or DI_PLAN",
                    "programme ir KURZEME, LATGALE vai DI_PLAN",
                )
            })
        })
        .transpose()?;
    let step = take("step");
    if step.as_deref().is_some_and(|s| s != "year") {
        return Err(bad("step is `year`", "step ir `year`"));
    }
    Ok(Asked {
        programme,
        series: step.is_some(),
    })
}

/// The programme of a planning region, if it has one.
fn programme_of(region: &str) -> Option<Programme> {
    [Programme::Kurzeme, Programme::Latgale]
        .into_iter()
        .find(|p| p.as_str() == region)
}

async fn indicator_stats(
    req: HttpRequest,
    (db, cache): (web::Data<ReadDb>, web::Data<StatsCache>),
    policy: web::Data<Policy>,
    user: AuthUser,
    lang: Lang,
    query: web::Query<Vec<(String, String)>>,
) -> ApiResult<HttpResponse> {
    let mut pairs = query.into_inner();
    let asked = asked(&mut pairs)?;
    // Only the documented parameters reach here: the edge refuses any other (400).
    let query = StatsQuery::parse(pairs)?;
    query.only(&[Filter::AsOf, Filter::From, Filter::To])?;
    let series = asked.series || query.date(Filter::From).is_some();
    if series && query.date(Filter::AsOf).is_some() {
        return Err(ApiError::BadRequest(Detail::new(
            "as_of and a series (from, to, step) exclude each other",
            "as_of un sērija (from, to, step) viens otru izslēdz",
        )));
    }
    let requested = query.value(super::Dimension::Region);
    let scope = statistics_access(&user.scope, requested)?;
    let programme = match asked.programme {
        Some(p) => Some(p),
        None => match requested.or(scope.region()) {
            Some(region) => programme_of(region),
            None => Some(Programme::Kurzeme),
        },
    };
    // A region reads its own programme (and the national DI plan).
    if let Some(region) = programme.and_then(|p| programme_of(p.as_str())) {
        statistics_access(&user.scope, Some(region.as_str()))?;
    }
    let perturbation = policy.perturbation;
    let format = query.format().map(String::from);
    let items = db
        .run(move |conn| -> ApiResult<_> {
            // A region that does not exist is a 400, as on the table statistics.
            if query.value(super::Dimension::Region).is_some() {
                Labels::load(conn, lang)?.check(&query)?;
            }
            let Some(programme) = programme else {
                return Ok(std::sync::Arc::new(Vec::new()));
            };
            let definitions = defs::definitions(conn, Some(programme), None)?;
            // Perturbed callers read person counts by whole months (STATS-COMPLETE-MONTHS).
            let months =
                scope.perturb && definitions.iter().any(|d| d.row.measure.counts_persons());
            let dates = query.resolve_dates(conn, months)?;
            let points = if series {
                let points = yearly(dates.from, dates.to).ok_or_else(|| {
                    ApiError::BadRequest(Detail::new(
                        "a series reads at most 50 years",
                        "sērija aptver ne vairāk kā 50 gadus",
                    ))
                })?;
                if points.is_empty() {
                    let (from, to) = (dates.from, dates.to);
                    return Err(ApiError::BadRequest(Detail::new(
                        format!("the series ends ({to}) before it starts ({from})"),
                        format!("sērija beidzas ({to}) pirms tās sākuma ({from})"),
                    )));
                }
                points
            } else {
                vec![dates.as_of]
            };
            let key = format!("indicators|{programme:?}|{points:?}|{series}|{scope:?}|{lang:?}");
            let weigh = |items: &Vec<IndicatorValue>| weight(items);
            cache.through(conn, key, weigh, move |conn| {
                let labels = Labels::load(conn, lang)?;
                let reader = Reader {
                    scope: &scope,
                    labels: &labels,
                    perturbation,
                };
                reader.table(conn, definitions, &points, series, lang)
            })
        })
        .await?;
    if wants_csv(&req, format.as_deref()) {
        let rows = csv_rows(&items)?;
        let columns = CSV_COLUMNS.map(String::from);
        return csv(ok(lang), &columns, &rows);
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_LANGUAGE, lang.code()))
        .json(&*items))
}

/// One CSV row per indicator and date: the series' points, or the value on `as_of`.
fn csv_rows(items: &[IndicatorValue]) -> ApiResult<Vec<serde_json::Value>> {
    let mut rows = Vec::new();
    for item in items {
        let single = [IndicatorPoint {
            date: item.as_of,
            value: item.value,
            planned: item.planned,
            former_geography: item.former_geography,
            target: item.target,
            target_met: item.target_met,
        }];
        let points = if item.series.is_empty() {
            &single[..]
        } else {
            &item.series[..]
        };
        for p in points {
            let row = CsvRow {
                programme: item.programme,
                code: &item.code,
                name: &item.name,
                unit: item.unit,
                date: p.date,
                value: p.value,
                planned: p.planned,
                former_at_least: p.former_geography.map(|b| b.at_least),
                former_at_most: p.former_geography.map(|b| b.at_most),
                target: p.target.map(|t| t.value),
                target_year: p.target.map(|t| t.year),
                target_met: p.target_met,
                baseline: item.baseline,
                baseline_date: item.baseline_date,
                geography: item.geography,
                method: &item.method,
            };
            rows.push(serde_json::to_value(row).map_err(|e| ApiError::Internal(e.into()))?);
        }
    }
    Ok(rows)
}

/// Roughly the bytes a list of indicators takes in memory.
fn weight(items: &[IndicatorValue]) -> usize {
    items
        .iter()
        .map(|i| {
            512 + i.name.len()
                + i.method.len()
                + i.source.len()
                + 96 * (i.series.len() + i.gaps.len())
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_columns_are_the_fields_of_a_row_in_order() {
        let row = CsvRow {
            programme: Programme::Latgale,
            code: "",
            name: "",
            unit: Unit::Persons,
            date: NaiveDate::MIN,
            value: None,
            planned: None,
            former_at_least: None,
            former_at_most: None,
            target: None,
            target_year: None,
            target_met: None,
            baseline: None,
            baseline_date: NaiveDate::MIN,
            geography: Geography::Current,
            method: "",
        };
        let mut writer = ::csv::Writer::from_writer(Vec::new());
        writer.serialize(row).expect("serialises");
        let text = String::from_utf8(writer.into_inner().expect("flushes")).expect("utf-8");
        let header = text.lines().next().expect("a header line");
        assert_eq!(header, CSV_COLUMNS.join(","));
    }
}
