//! An aggregate table: built by a statistic's query, rendered with disclosure control, sent
//! as JSON or CSV.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::context::Labels;
use super::{Dimension, Metric, MetricClass};
use crate::api::lang::Lang;
use crate::domain::disclosure::{Suppression, suppress};
use crate::error::{ApiError, ApiResult};

/// An aggregate table before rendering: rows of dimension values and metric values.
pub struct Table {
    dims: Vec<Dimension>,
    metrics: &'static [Metric],
    rows: BTreeMap<Vec<String>, Vec<i64>>,
}

impl Table {
    pub fn new(dims: Vec<Dimension>, metrics: &'static [Metric]) -> Self {
        Self {
            dims,
            metrics,
            rows: BTreeMap::new(),
        }
    }

    /// Adds `values` (one per metric) to the row `key` (one value per dimension).
    pub fn add(&mut self, key: Vec<String>, values: &[i64]) {
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
    pub dimensions: Vec<Dimension>,
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

/// Renders `table` with disclosure control when `apply`: each person-count column is
/// suppressed, and a metric derived from one hides wherever it does.
pub fn render(table: Table, labels: &Labels, apply: bool, threshold: i64) -> StatsTable {
    let keys: Vec<Vec<String>> = table.rows.keys().cloned().collect();
    let values: Vec<Vec<i64>> = table.rows.into_values().collect();
    let metrics = table.metrics;
    let columns: Vec<Vec<i64>> = (0..metrics.len())
        .map(|m| values.iter().map(|row| row[m]).collect())
        .collect();
    let suppression: Vec<Option<Suppression>> = metrics
        .iter()
        .zip(&columns)
        .map(|(metric, column)| {
            (apply && metric.class == MetricClass::Persons).then(|| suppress(column, threshold))
        })
        .collect();
    let cell = |obj: &mut Map<String, Value>, m: usize, value: i64, hidden: bool, marked: bool| {
        let name = metrics[m].name;
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
        let source = match metrics[m].class {
            MetricClass::HiddenWith(source) => {
                metrics.iter().position(|o| o.name == source).unwrap_or(m)
            }
            MetricClass::Persons | MetricClass::Registry => m,
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
                obj.insert(String::from(dim.as_str()), Value::from(value.clone()));
                if let Some(label) = labels.names.get(&(*dim, value.clone())) {
                    obj.insert(
                        format!("{}_label", dim.as_str()),
                        Value::from(label.clone()),
                    );
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
        dimensions: table.dims,
        metrics: metrics.iter().map(|m| m.name.to_string()).collect(),
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
pub fn wants_csv(req: &HttpRequest, format: Option<&str>) -> bool {
    format == Some("csv")
        || (format.is_none()
            && req
                .headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|a| a.contains("text/csv")))
}

/// A 200 in the request's language that varies with `Accept` and `Accept-Language`.
fn ok(lang: Lang) -> HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CONTENT_LANGUAGE, lang.code()));
    response.insert_header((header::VARY, "Accept, Accept-Language"));
    response
}

/// JSON, or CSV for `Accept: text/csv` or `?format=csv` (header row, UTF-8, labels in the
/// request's language).
pub fn respond(
    req: &HttpRequest,
    format: Option<&str>,
    lang: Lang,
    table: StatsTable,
) -> ApiResult<HttpResponse> {
    match format {
        None | Some("csv") | Some("json") => {}
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "format must be json or csv, not {other}"
            )));
        }
    }
    if !wants_csv(req, format) {
        return Ok(ok(lang).json(table));
    }
    // Dimensions (each with its label), then metrics (each with its suppression marker),
    // in the table's order.
    let present = |c: &str| table.rows.iter().any(|r| r.get(c).is_some());
    let mut columns: Vec<String> = Vec::new();
    let mut with = |column: &str, companion: String| {
        columns.push(column.to_string());
        if present(&companion) {
            columns.push(companion);
        }
    };
    for dim in &table.dimensions {
        with(dim.as_str(), format!("{}_label", dim.as_str()));
    }
    for metric in &table.metrics {
        with(metric, format!("{metric}_suppressed"));
    }
    csv(lang, &columns, &table.rows)
}

/// `rows` as CSV with a header row of `columns` (a missing or `null` field is empty).
pub fn csv(lang: Lang, columns: &[String], rows: &[Value]) -> ApiResult<HttpResponse> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ApiError::Internal(e.into());
    writer.write_record(columns).map_err(fail)?;
    for row in rows {
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
    Ok(ok(lang).content_type("text/csv; charset=utf-8").body(body))
}
