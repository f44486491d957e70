//! Aggregated statistics for the ministry, planning regions and municipalities: JSON or
//! CSV, never a person-level field, person counts of 1–4 suppressed for ministry and regions.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use super::lang::Lang;
use super::problems as p;
use crate::auth::AuthUser;
use crate::db::{Db, DbConnection, reference, stats as q};
use crate::domain::access::{Forbidden, Scope};
use crate::domain::disclosure::suppress;
use crate::domain::policy::Policy;
use crate::error::{ApiError, ApiResult};

/// What the caller may aggregate and whether small person counts are suppressed.
struct StatsScope {
    region: Option<String>,
    municipality: Option<String>,
    suppress: bool,
}

fn stats_scope(scope: &Scope, requested_region: Option<&str>) -> ApiResult<StatsScope> {
    match scope {
        Scope::National => Ok(StatsScope {
            region: None,
            municipality: None,
            suppress: true,
        }),
        Scope::Admin => Ok(StatsScope {
            region: None,
            municipality: None,
            suppress: false,
        }),
        Scope::Region(own) => {
            if requested_region.is_some_and(|r| r != own) {
                return Err(Forbidden("a planning region sees its own region's statistics").into());
            }
            Ok(StatsScope {
                region: Some(own.clone()),
                municipality: None,
                suppress: true,
            })
        }
        Scope::Municipality(own) => Ok(StatsScope {
            region: None,
            municipality: Some(own.clone()),
            suppress: false,
        }),
        Scope::Provider(_) => {
            Err(Forbidden("statistics are for municipalities, regions and the ministry").into())
        }
    }
}

/// Labels of dimension values in the request's language.
struct Labels {
    region_of: HashMap<String, String>,
    names: HashMap<(&'static str, String), String>,
}

fn labels(conn: &mut DbConnection, lang: Lang) -> ApiResult<Labels> {
    let mut names = HashMap::new();
    for r in reference::list_planning_regions(conn)? {
        names.insert(
            ("region", r.code.clone()),
            lang.pick(&r.name_lv, &r.name_en).to_string(),
        );
    }
    let mut region_of = HashMap::new();
    for m in reference::list_municipalities(conn, &Default::default())? {
        names.insert(
            ("municipality", m.code.clone()),
            lang.pick(&m.name_lv, &m.name_en).to_string(),
        );
        region_of.insert(m.code, m.planning_region);
    }
    for s in reference::list_service_types(conn, &Default::default())? {
        names.insert(
            ("service_type", s.row.code.clone()),
            lang.pick(&s.row.label_lv, &s.row.label_en).to_string(),
        );
    }
    for g in reference::list_target_groups(conn, None)? {
        names.insert(
            ("target_group", g.code.clone()),
            lang.pick(&g.label_lv, &g.label_en).to_string(),
        );
    }
    Ok(Labels { region_of, names })
}

/// A metric column; person counts are subject to disclosure control.
struct Metric {
    name: &'static str,
    person_count: bool,
}

/// An aggregate table before rendering: rows of dimension values and metric values.
struct Table {
    dims: Vec<&'static str>,
    metrics: Vec<Metric>,
    rows: BTreeMap<Vec<String>, Vec<i64>>,
}

impl Table {
    fn new(dims: Vec<&'static str>, metrics: Vec<Metric>) -> Self {
        Self {
            dims,
            metrics,
            rows: BTreeMap::new(),
        }
    }

    fn add(&mut self, key: Vec<String>, values: &[i64]) {
        let row = self
            .rows
            .entry(key)
            .or_insert_with(|| vec![0; values.len()]);
        for (acc, v) in row.iter_mut().zip(values) {
            *acc += v;
        }
    }
}

/// The JSON form of a statistics table.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsTable {
    /// The grouping dimensions, in order.
    pub dimensions: Vec<String>,
    /// The metric columns.
    pub metrics: Vec<String>,
    /// One object per cell: each dimension's code and `<dimension>_label`, each metric's
    /// value (`null` when suppressed) and, for person counts, `<metric>_suppressed`.
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<Value>,
    /// Column totals, with the same suppression markers.
    #[schema(value_type = Object)]
    pub total: Value,
    pub suppression: SuppressionInfo,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuppressionInfo {
    /// Whether disclosure control applies to this response (ministry and region callers).
    pub applied: bool,
    /// Person counts from 1 to `threshold - 1` are suppressed.
    pub threshold: i64,
    #[schema(
        example = "primary: person counts 1..threshold-1; complementary: when a column has one suppressed cell, its smallest other non-zero cell too; a total below the threshold is suppressed"
    )]
    pub rule: &'static str,
}

const RULE: &str = "primary: person counts 1..threshold-1; complementary: when a column has one suppressed cell, its smallest other non-zero cell too; a total below the threshold is suppressed";

fn render(table: Table, labels: &Labels, apply: bool, threshold: i64) -> StatsTable {
    let keys: Vec<Vec<String>> = table.rows.keys().cloned().collect();
    let values: Vec<Vec<i64>> = table.rows.into_values().collect();
    let columns: Vec<Vec<i64>> = (0..table.metrics.len())
        .map(|m| values.iter().map(|row| row[m]).collect())
        .collect();
    let suppression: Vec<Option<crate::domain::disclosure::Suppression>> = table
        .metrics
        .iter()
        .zip(&columns)
        .map(|(metric, column)| (apply && metric.person_count).then(|| suppress(column, threshold)))
        .collect();
    // Vacancies are capacity − occupied: they hide wherever occupancy does.
    let occupied = table.metrics.iter().position(|m| m.name == "occupied");
    let cell = |obj: &mut Map<String, Value>, m: usize, value: i64, hidden: bool, marked: bool| {
        let name = table.metrics[m].name;
        obj.insert(
            name.into(),
            if hidden {
                Value::Null
            } else {
                Value::from(value)
            },
        );
        if marked {
            obj.insert(format!("{name}_suppressed"), Value::from(hidden));
        }
    };
    let hidden_at = |m: usize, row: Option<usize>| -> (bool, bool) {
        let source = if table.metrics[m].name == "vacancies" {
            occupied.unwrap_or(m)
        } else {
            m
        };
        match &suppression[source] {
            Some(s) => (row.map_or(s.total, |r| s.cells[r]), true),
            None => (false, false),
        }
    };
    let rows = keys
        .iter()
        .zip(&values)
        .enumerate()
        .map(|(r, (key, row))| {
            let mut obj = Map::new();
            for (dim, value) in table.dims.iter().zip(key) {
                obj.insert((*dim).into(), Value::from(value.clone()));
                if let Some(label) = labels.names.get(&(*dim, value.clone())) {
                    obj.insert(format!("{dim}_label"), Value::from(label.clone()));
                }
            }
            for (m, value) in row.iter().enumerate() {
                let (hidden, marked) = hidden_at(m, Some(r));
                cell(&mut obj, m, *value, hidden, marked);
            }
            Value::Object(obj)
        })
        .collect();
    let mut total = Map::new();
    for (m, column) in columns.iter().enumerate() {
        let (hidden, marked) = hidden_at(m, None);
        cell(&mut total, m, column.iter().sum(), hidden, marked);
    }
    StatsTable {
        dimensions: table.dims.iter().map(|d| d.to_string()).collect(),
        metrics: table.metrics.iter().map(|m| m.name.to_string()).collect(),
        rows,
        total: Value::Object(total),
        suppression: SuppressionInfo {
            applied: apply,
            threshold,
            rule: RULE,
        },
    }
}

/// Whether the caller asked for CSV, by `?format=csv` or, without `format`, by `Accept`.
fn wants_csv(req: &HttpRequest, format: Option<&str>) -> bool {
    format == Some("csv")
        || (format.is_none()
            && req
                .headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|a| a.contains("text/csv")))
}

/// JSON, or CSV for `Accept: text/csv` or `?format=csv` (header row, UTF-8, labels in the
/// request's language).
fn respond(
    req: &HttpRequest,
    format: Option<&str>,
    lang: Lang,
    table: StatsTable,
) -> ApiResult<HttpResponse> {
    let wants_csv = wants_csv(req, format);
    match format {
        None | Some("csv") | Some("json") => {}
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "format must be json or csv, not {other}"
            )));
        }
    }
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CONTENT_LANGUAGE, lang.code()));
    response.insert_header((header::VARY, "Accept, Accept-Language"));
    if !wants_csv {
        return Ok(response.json(table));
    }
    // Dimensions (each with its label), then metrics (each with its suppression marker),
    // in the table's order.
    let present = |c: &str| table.rows.iter().any(|r| r.get(c).is_some());
    let mut columns: Vec<String> = Vec::new();
    for dim in &table.dimensions {
        columns.push(dim.clone());
        let label = format!("{dim}_label");
        if present(&label) {
            columns.push(label);
        }
    }
    for metric in &table.metrics {
        columns.push(metric.clone());
        let marker = format!("{metric}_suppressed");
        if present(&marker) {
            columns.push(marker);
        }
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ApiError::Internal(e.into());
    writer.write_record(&columns).map_err(fail)?;
    for row in &table.rows {
        let record: Vec<String> = columns
            .iter()
            .map(|c| match row.get(c) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            })
            .collect();
        writer.write_record(&record).map_err(fail)?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(response.content_type("text/csv; charset=utf-8").body(body))
}

/// Parses `group_by` against the dimensions an endpoint offers.
fn group_by(
    requested: Option<&str>,
    allowed: &[&'static str],
    default: &[&'static str],
) -> ApiResult<Vec<&'static str>> {
    let Some(requested) = requested.filter(|r| !r.trim().is_empty()) else {
        return Ok(default.to_vec());
    };
    requested
        .split(',')
        .map(str::trim)
        .map(|d| {
            allowed.iter().find(|a| **a == d).copied().ok_or_else(|| {
                ApiError::BadRequest(format!("group_by accepts {}; got {d}", allowed.join(", ")))
            })
        })
        .collect::<ApiResult<Vec<_>>>()
        .map(|mut dims| {
            dims.dedup();
            dims
        })
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// Comma-separated dimensions to group by; each endpoint documents its own.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    #[param(ignore)]
    pub group_by: Option<String>,
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub region: Option<String>,
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub municipality: Option<String>,
    /// The filters below apply to some statistics only; each endpoint documents its own.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    #[param(ignore)]
    pub target_group: Option<String>,
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    #[param(ignore)]
    pub service_type: Option<String>,
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    #[param(ignore)]
    pub sector: Option<String>,
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    #[param(ignore)]
    pub status: Option<String>,
    #[param(ignore)]
    pub as_of: Option<NaiveDate>,
    #[param(ignore)]
    pub from: Option<NaiveDate>,
    #[param(ignore)]
    pub to: Option<NaiveDate>,
    /// `json` (default) or `csv`; `Accept: text/csv` works too.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    #[param(pattern = "^(json|csv)$")]
    pub format: Option<String>,
}

impl StatsQuery {
    /// Refuses a filter the statistic does not apply, rather than ignoring it silently.
    fn only(&self, applies: &[&str]) -> ApiResult<()> {
        let given = [
            ("target_group", self.target_group.is_some()),
            ("service_type", self.service_type.is_some()),
            ("sector", self.sector.is_some()),
            ("status", self.status.is_some()),
            ("as_of", self.as_of.is_some()),
            ("from", self.from.is_some()),
            ("to", self.to.is_some()),
        ];
        match given
            .iter()
            .find(|(name, set)| *set && !applies.contains(name))
        {
            Some((name, _)) => Err(ApiError::BadRequest(format!(
                "{name} does not apply to this statistic"
            ))),
            None => Ok(()),
        }
    }
}

/// Whether a fact at `municipality` passes the scope and the area filters.
fn in_area(scope: &StatsScope, query: &StatsQuery, labels: &Labels, municipality: &str) -> bool {
    let region = labels
        .region_of
        .get(municipality)
        .map(String::as_str)
        .unwrap_or_default();
    scope
        .municipality
        .as_deref()
        .is_none_or(|m| m == municipality)
        && scope.region.as_deref().is_none_or(|r| r == region)
        && query
            .municipality
            .as_deref()
            .is_none_or(|m| m == municipality)
        && query.region.as_deref().is_none_or(|r| r == region)
}

fn dim_value(
    dim: &str,
    labels: &Labels,
    municipality: &str,
    target_group: &str,
    extra: &str,
) -> String {
    match dim {
        "region" => labels
            .region_of
            .get(municipality)
            .cloned()
            .unwrap_or_default(),
        "municipality" => municipality.to_string(),
        "target_group" => target_group.to_string(),
        _ => extra.to_string(),
    }
}

/// Builds a person-count table from `(municipality, target group, extra, count)` facts.
#[allow(clippy::too_many_arguments)]
async fn person_table(
    req: HttpRequest,
    db: &Db,
    policy: &Policy,
    user: AuthUser,
    lang: Lang,
    query: StatsQuery,
    extra_dim: Option<&'static str>,
    metric: &'static str,
    default: &[&'static str],
    fetch: impl FnOnce(&mut DbConnection, &StatsQuery) -> crate::db::QueryResult<Vec<q::CountFact>>
    + Send
    + 'static,
) -> ApiResult<HttpResponse> {
    let scope = stats_scope(&user.scope, query.region.as_deref())?;
    let mut allowed = vec!["region", "municipality", "target_group"];
    allowed.extend(extra_dim);
    let dims = group_by(query.group_by.as_deref(), &allowed, default)?;
    let threshold = policy.suppression_threshold;
    let (table, labels, query) = db
        .run(move |conn| -> ApiResult<_> {
            let labels = labels(conn, lang)?;
            let facts = fetch(conn, &query)?;
            let mut table = Table::new(
                dims.clone(),
                vec![Metric {
                    name: metric,
                    person_count: true,
                }],
            );
            for (municipality, group, extra, n) in facts {
                if !in_area(&scope, &query, &labels, &municipality)
                    || query.target_group.as_deref().is_some_and(|g| g != group)
                {
                    continue;
                }
                let key = dims
                    .iter()
                    .map(|d| dim_value(d, &labels, &municipality, &group, &extra))
                    .collect();
                table.add(key, &[n]);
            }
            Ok((table, labels, query))
        })
        .await?;
    let apply = stats_scope(&user.scope, query.region.as_deref())?.suppress;
    respond(
        &req,
        query.format.as_deref(),
        lang,
        render(table, &labels, apply, threshold),
    )
}

/// Clients by DI status, target group and area. Dimensions: region, municipality,
/// target_group, di_status (default: region, target_group, di_status).
#[utoipa::path(
    tag = "statistics",
    params(
        ("group_by" = Option<String>, Query, pattern = "^(region|municipality|target_group|di_status)(,(region|municipality|target_group|di_status))*$", description = "Comma-separated dimensions: region, municipality, target_group, di_status (default: region,target_group,di_status)."),
        ("target_group" = Option<String>, Query, description = "Target group code."),
        StatsQuery,
        Lang
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The aggregate table", content((StatsTable = "application/json"), (String = "text/csv"))),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
    )
)]
#[get("/stats/clients")]
pub async fn client_stats(
    req: HttpRequest,
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    user: AuthUser,
    lang: Lang,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    query.only(&["target_group"])?;
    person_table(
        req,
        &db,
        &policy,
        user,
        lang,
        query.into_inner(),
        Some("di_status"),
        "clients",
        &["region", "target_group", "di_status"],
        |c, _| q::clients_by_status(c),
    )
    .await
}

/// DI transitions (institution → community) in a period (`from`, `to`; default this year).
/// Dimensions: region, municipality, target_group (default: region, target_group).
#[utoipa::path(
    tag = "statistics",
    params(
        ("group_by" = Option<String>, Query, pattern = "^(region|municipality|target_group)(,(region|municipality|target_group))*$", description = "Comma-separated dimensions: region, municipality, target_group (default: region,target_group)."),
        ("target_group" = Option<String>, Query, description = "Target group code."),
        ("from" = Option<NaiveDate>, Query, description = "Start of the period (default: 1 January of this year)."),
        ("to" = Option<NaiveDate>, Query, description = "End of the period (default: today)."),
        StatsQuery,
        Lang
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The aggregate table", content((StatsTable = "application/json"), (String = "text/csv"))),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
    )
)]
#[get("/stats/transitions")]
pub async fn transition_stats(
    req: HttpRequest,
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    user: AuthUser,
    lang: Lang,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    query.only(&["target_group", "from", "to"])?;
    let today = crate::domain::today();
    let from = query.from.unwrap_or_else(|| {
        NaiveDate::from_yo_opt(chrono::Datelike::year(&today), 1).unwrap_or(today)
    });
    let to = query.to.unwrap_or(today);
    person_table(
        req,
        &db,
        &policy,
        user,
        lang,
        query.into_inner(),
        None,
        "transitions",
        &["region", "target_group"],
        move |c, _| q::transitions(c, from, to),
    )
    .await
}

/// Community-based DI clients with and without an active mentor (INV-M02/M03).
/// Dimensions: region, municipality, target_group, mentor (`with` / `without`).
#[utoipa::path(
    tag = "statistics",
    params(
        ("group_by" = Option<String>, Query, pattern = "^(region|municipality|target_group|mentor)(,(region|municipality|target_group|mentor))*$", description = "Comma-separated dimensions: region, municipality, target_group, mentor (default: region,mentor)."),
        ("target_group" = Option<String>, Query, description = "Target group code."),
        StatsQuery,
        Lang
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The aggregate table", content((StatsTable = "application/json"), (String = "text/csv"))),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
    )
)]
#[get("/stats/mentor-coverage")]
pub async fn mentor_coverage_stats(
    req: HttpRequest,
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    user: AuthUser,
    lang: Lang,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    query.only(&["target_group"])?;
    person_table(
        req,
        &db,
        &policy,
        user,
        lang,
        query.into_inner(),
        Some("mentor"),
        "clients",
        &["region", "mentor"],
        |c, _| q::mentor_coverage(c),
    )
    .await
}

/// Clients whose reassessment is overdue on `as_of` (INV-A01). Dimensions: region,
/// municipality, target_group.
#[utoipa::path(
    tag = "statistics",
    params(
        ("group_by" = Option<String>, Query, pattern = "^(region|municipality|target_group)(,(region|municipality|target_group))*$", description = "Comma-separated dimensions: region, municipality, target_group (default: region)."),
        ("target_group" = Option<String>, Query, description = "Target group code."),
        ("as_of" = Option<NaiveDate>, Query, description = "Date of the figures (default: today)."),
        StatsQuery,
        Lang
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The aggregate table", content((StatsTable = "application/json"), (String = "text/csv"))),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
    )
)]
#[get("/stats/reassessments-overdue")]
pub async fn overdue_stats(
    req: HttpRequest,
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    user: AuthUser,
    lang: Lang,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    query.only(&["target_group", "as_of"])?;
    let as_of = query.as_of.unwrap_or_else(crate::domain::today);
    person_table(
        req,
        &db,
        &policy,
        user,
        lang,
        query.into_inner(),
        None,
        "clients",
        &["region"],
        move |c, _| q::overdue(c, as_of),
    )
    .await
}

/// Care levels of the clients' current assessments. Dimensions: region, municipality,
/// target_group, care_level (default: care_level).
#[utoipa::path(
    tag = "statistics",
    params(
        ("group_by" = Option<String>, Query, pattern = "^(region|municipality|target_group|care_level)(,(region|municipality|target_group|care_level))*$", description = "Comma-separated dimensions: region, municipality, target_group, care_level (default: care_level)."),
        ("target_group" = Option<String>, Query, description = "Target group code."),
        StatsQuery,
        Lang
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The aggregate table", content((StatsTable = "application/json"), (String = "text/csv"))),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
    )
)]
#[get("/stats/care-levels")]
pub async fn care_level_stats(
    req: HttpRequest,
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    user: AuthUser,
    lang: Lang,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    query.only(&["target_group"])?;
    person_table(
        req,
        &db,
        &policy,
        user,
        lang,
        query.into_inner(),
        Some("care_level"),
        "clients",
        &["care_level"],
        |c, _| q::care_levels(c),
    )
    .await
}

/// Mentors by number of active clients (0 to the cap). Dimensions: region, load (default: load).
/// `municipality` counts the mentors that municipality employs.
#[utoipa::path(
    tag = "statistics",
    params(
        ("group_by" = Option<String>, Query, pattern = "^(region|load)(,(region|load))*$", description = "Comma-separated dimensions: region, load (default: load)."),
        StatsQuery,
        Lang
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The aggregate table", content((StatsTable = "application/json"), (String = "text/csv"))),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
    )
)]
#[get("/stats/mentor-load")]
pub async fn mentor_load_stats(
    req: HttpRequest,
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    user: AuthUser,
    lang: Lang,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    query.only(&[])?;
    let query = query.into_inner();
    let scope = stats_scope(&user.scope, query.region.as_deref())?;
    let dims = group_by(query.group_by.as_deref(), &["region", "load"], &["load"])?;
    let cap = policy.mentor_capacity;
    let threshold = policy.suppression_threshold;
    let apply = scope.suppress;
    let (table, labels, query) = db
        .run(move |conn| -> ApiResult<_> {
            let labels = labels(conn, lang)?;
            let mut table = Table::new(
                dims.clone(),
                vec![Metric {
                    name: "mentors",
                    person_count: true,
                }],
            );
            // Every load from 0 to the cap appears, even when no mentor has it.
            if dims == ["load"] {
                for load in 0..=cap {
                    table.add(vec![load.to_string()], &[0]);
                }
            }
            for (region, kind, code, load, n) in q::mentor_load(conn)? {
                let in_scope = scope.region.as_deref().is_none_or(|r| r == region)
                    && query.region.as_deref().is_none_or(|r| r == region)
                    && scope
                        .municipality
                        .as_deref()
                        .is_none_or(|m| kind == "municipality" && m == code)
                    && query
                        .municipality
                        .as_deref()
                        .is_none_or(|m| kind == "municipality" && m == code);
                if !in_scope {
                    continue;
                }
                let key = dims
                    .iter()
                    .map(|d| {
                        if *d == "region" {
                            region.clone()
                        } else {
                            load.to_string()
                        }
                    })
                    .collect();
                table.add(key, &[n]);
            }
            Ok((table, labels, query))
        })
        .await?;
    respond(
        &req,
        query.format.as_deref(),
        lang,
        render(table, &labels, apply, threshold),
    )
}

/// The register: providers, services, municipalities offering them, places, occupancy and
/// vacancies. Dimensions: region, municipality, service_type, target_group, sector, status
/// (default: service_type). With `target_group`, a service counts once in each group it
/// serves, so groups do not add up to the total. Occupancy counts persons: suppressed for
/// ministry and regions like every person count, and vacancies with it.
#[utoipa::path(
    tag = "statistics",
    params(
        ("group_by" = Option<String>, Query, pattern = "^(region|municipality|service_type|target_group|sector|status)(,(region|municipality|service_type|target_group|sector|status))*$", description = "Comma-separated dimensions: region, municipality, service_type, target_group, sector, status (default: service_type)."),
        ("target_group" = Option<String>, Query, description = "Target group code."),
        ("service_type" = Option<String>, Query, description = "Service type code."),
        ("sector" = Option<String>, Query, description = "Provider sector."),
        ("status" = Option<String>, Query, description = "Service status."),
        ("as_of" = Option<NaiveDate>, Query, description = "Date of the figures (default: today)."),
        StatsQuery,
        Lang
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The aggregate table", content((StatsTable = "application/json"), (String = "text/csv"))),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
    )
)]
#[get("/stats/registry")]
pub async fn registry_stats(
    req: HttpRequest,
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    user: AuthUser,
    lang: Lang,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    query.only(&["target_group", "service_type", "sector", "status", "as_of"])?;
    let query = query.into_inner();
    let scope = stats_scope(&user.scope, query.region.as_deref())?;
    let dims = group_by(
        query.group_by.as_deref(),
        &[
            "region",
            "municipality",
            "service_type",
            "target_group",
            "sector",
            "status",
        ],
        &["service_type"],
    )?;
    let threshold = policy.suppression_threshold;
    let apply = scope.suppress;
    let as_of = query.as_of.unwrap_or_else(crate::domain::today);
    let (table, labels, query) = db
        .run(move |conn| -> ApiResult<_> {
            let labels = labels(conn, lang)?;
            let facts = q::service_facts(conn, as_of)?;
            let needs_groups = dims.contains(&"target_group") || query.target_group.is_some();
            let mut groups: HashMap<i64, Vec<String>> = HashMap::new();
            if needs_groups {
                for (id, g) in q::service_groups(conn)? {
                    groups.entry(id).or_default().push(g);
                }
            }
            // Per output cell: services, capacity, occupied, and the distinct providers
            // and municipalities.
            type Cell = (i64, i64, i64, BTreeSet<i64>, BTreeSet<String>);
            let mut cells: BTreeMap<Vec<String>, Cell> = BTreeMap::new();
            let none = vec![String::new()];
            for f in &facts {
                if !in_area(&scope, &query, &labels, &f.municipality)
                    || query
                        .service_type
                        .as_deref()
                        .is_some_and(|t| t != f.service_type)
                    || query.sector.as_deref().is_some_and(|s| s != f.sector)
                    || query.status.as_deref().is_some_and(|s| s != f.status)
                {
                    continue;
                }
                let service_groups = if needs_groups {
                    groups.get(&f.id).unwrap_or(&none)
                } else {
                    &none
                };
                for group in service_groups {
                    if query.target_group.as_deref().is_some_and(|g| g != group) {
                        continue;
                    }
                    let key: Vec<String> = dims
                        .iter()
                        .map(|d| match *d {
                            "service_type" => f.service_type.clone(),
                            "sector" => f.sector.clone(),
                            "status" => f.status.clone(),
                            other => dim_value(other, &labels, &f.municipality, group, ""),
                        })
                        .collect();
                    let cell = cells.entry(key).or_default();
                    cell.0 += 1;
                    cell.1 += i64::from(f.capacity);
                    cell.2 += i64::from(f.occupied);
                    cell.3.insert(f.provider_id);
                    cell.4.insert(f.municipality.clone());
                }
            }
            let mut table = Table::new(
                dims.clone(),
                vec![
                    Metric {
                        name: "providers",
                        person_count: false,
                    },
                    Metric {
                        name: "services",
                        person_count: false,
                    },
                    Metric {
                        name: "municipalities",
                        person_count: false,
                    },
                    Metric {
                        name: "capacity",
                        person_count: false,
                    },
                    Metric {
                        name: "occupied",
                        person_count: true,
                    },
                    Metric {
                        name: "vacancies",
                        person_count: false,
                    },
                ],
            );
            for (key, (services, capacity, occupied, providers, municipalities)) in cells {
                let distinct = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
                table.add(
                    key,
                    &[
                        distinct(providers.len()),
                        services,
                        distinct(municipalities.len()),
                        capacity,
                        occupied,
                        capacity - occupied,
                    ],
                );
            }
            Ok((table, labels, query))
        })
        .await?;
    respond(
        &req,
        query.format.as_deref(),
        lang,
        render(table, &labels, apply, threshold),
    )
}

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
        .or(scope.region.clone())
        .unwrap_or_else(|| "KURZEME".into());
    let as_of = query.as_of.unwrap_or_else(crate::domain::today);
    let items = db
        .run(move |conn| -> ApiResult<Vec<IndicatorValue>> {
            let labels = labels(conn, lang)?;
            let facts = q::service_facts(conn, as_of)?;
            let active: Vec<&q::ServiceFact> = facts
                .iter()
                .filter(|f| {
                    f.status == "active" && labels.region_of.get(&f.municipality) == Some(&region)
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
    let rows: Vec<Value> = items
        .iter()
        .map(|i| serde_json::to_value(i).unwrap_or_default())
        .collect();
    if wants_csv(&req, query.format.as_deref()) {
        let table = StatsTable {
            dimensions: vec!["code".into(), "name".into(), "unit".into()],
            metrics: [
                "baseline",
                "baseline_date",
                "target",
                "target_year",
                "value",
                "computable",
                "method",
                "data_source",
                "source",
            ]
            .iter()
            .map(|c| c.to_string())
            .collect(),
            rows,
            total: Value::Null,
            suppression: SuppressionInfo {
                applied: false,
                threshold: 0,
                rule: RULE,
            },
        };
        return respond(&req, Some("csv"), lang, table);
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_LANGUAGE, lang.code()))
        .json(items))
}
