//! An aggregate table: built by a statistic's query, rendered with disclosure control, sent
//! as JSON or CSV.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::openapi::schema::{AdditionalProperties, KnownFormat, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{ObjectBuilder, Ref, RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use super::Dimension;
use super::context::Labels;
use crate::api::lang::Lang;
use crate::domain::disclosure::{
    Measure, MetricClass, Perturbation, Tally, publish_amount, publish_median,
};
use crate::error::{ApiError, ApiResult, Detail};

/// An aggregate table before rendering: rows of dimension values and metric tallies, and
/// for a table with a median metric, the values of each row's persons.
pub struct Table {
    dims: Vec<Dimension>,
    metrics: &'static [Measure],
    rows: BTreeMap<Vec<String>, Vec<Tally>>,
    samples: BTreeMap<Vec<String>, Vec<i64>>,
}

impl Table {
    pub fn new(dims: Vec<Dimension>, metrics: &'static [Measure]) -> Self {
        Self {
            dims,
            metrics,
            rows: BTreeMap::new(),
            samples: BTreeMap::new(),
        }
    }

    /// Adds `values` to the row `key`, as `add` does, and `persons` persons' value `sample`
    /// to the values its median metrics are taken over (a median metric's tally is unused).
    pub fn add_sample(&mut self, key: Vec<String>, values: &[Tally], sample: i64, persons: i64) {
        let samples = self.samples.entry(key.clone()).or_default();
        samples.extend(std::iter::repeat_n(
            sample,
            usize::try_from(persons).unwrap_or(0),
        ));
        self.add(key, values);
    }

    /// Roughly the bytes the table takes in memory.
    pub fn weight(&self) -> usize {
        let row = |key: &Vec<String>| 64 + key.iter().map(|v| 24 + v.len()).sum::<usize>();
        let rows: usize = self
            .rows
            .keys()
            .map(|k| row(k) + 16 * self.metrics.len())
            .sum();
        let samples: usize = self.samples.iter().map(|(k, v)| row(k) + 8 * v.len()).sum();
        rows + samples
    }

    /// Adds `values` (one per metric) to the row `key` (one value per dimension).
    pub fn add(&mut self, key: Vec<String>, values: &[Tally]) {
        let row = self
            .rows
            .entry(key)
            .or_insert_with(|| vec![Tally::default(); values.len()]);
        for (acc, v) in row.iter_mut().zip(values) {
            *acc += *v;
        }
    }
}

/// The JSON form of a statistics table.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsTable {
    /// The grouping dimensions, in order.
    pub dimensions: Vec<Dimension>,
    /// The metric columns.
    pub metrics: Vec<Measure>,
    /// One object per cell: each dimension's code and `<dimension>_label`, and each metric's
    /// published value.
    #[schema(value_type = Vec<StatsRow>)]
    pub rows: Vec<Value>,
    /// Column totals: each perturbed from its own records, so with perturbation they are not
    /// the sums of the published cells.
    #[schema(value_type = StatsTotal)]
    pub total: Value,
    pub disclosure: DisclosureInfo,
}

/// The schema of a row: every dimension a table can be grouped by, with its label, and every
/// metric; a row holds the table's own `dimensions` and `metrics`. Generated from
/// `Dimension::ALL` and `Measure::ALL`, so a new dimension or metric is typed where it is added.
pub struct StatsRow;

/// The schema of a table's totals: every metric, a table holding its own `metrics`.
pub struct StatsTotal;

fn metric_properties(object: ObjectBuilder) -> ObjectBuilder {
    Measure::ALL.into_iter().fold(object, |object, m| {
        let (class, kind) = match m.class() {
            MetricClass::Persons => (
                "A person count: perturbed for ministry and region callers.",
                SchemaType::Type(Type::Integer),
            ),
            MetricClass::Registry => (
                "A registry count: exact for every caller.",
                SchemaType::Type(Type::Integer),
            ),
            MetricClass::Amount => (
                "Cents spent on the cell's persons (total, or per person): exact for municipalities and administrators; for ministry and region callers null when the cell holds fewer persons than the disclosure threshold, else rounded to 100 EUR, or 1 EUR per person (DISC-AMOUNT). Null for an empty cell.",
                SchemaType::from_iter([Type::Integer, Type::Null]),
            ),
            MetricClass::Median => (
                "A median over the cell's persons: exact for municipalities and administrators; for ministry and region callers null when the cell holds fewer persons than the disclosure threshold, else in whole weeks (DISC-MEDIAN). Null for an empty cell.",
                SchemaType::from_iter([Type::Integer, Type::Null]),
            ),
        };
        object.property(
            m.name(),
            ObjectBuilder::new()
                .schema_type(kind)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .minimum(Some(0))
                .description(Some(class)),
        )
    })
}

impl PartialSchema for StatsRow {
    fn schema() -> RefOr<Schema> {
        let text = |description: &str| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(description))
        };
        let object = Dimension::ALL
            .into_iter()
            .fold(ObjectBuilder::new(), |object, d| {
                let value: RefOr<Schema> = match d.values() {
                    None if d == Dimension::Mentor => text(d.description())
                        .enum_values(Some(["with", "without"]))
                        .into(),
                    Some((name, _)) => {
                        let mut reference = Ref::from_schema_name(name);
                        reference.description = d.description().to_string();
                        reference.into()
                    }
                    None => text(d.description()).into(),
                };
                object.property(d.as_str(), value).property(
                    format!("{}_label", d.as_str()),
                    text("The value's name in the response's language (`Content-Language`)."),
                )
            });
        metric_properties(object)
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .into()
    }
}

impl ToSchema for StatsRow {}

impl PartialSchema for StatsTotal {
    fn schema() -> RefOr<Schema> {
        metric_properties(ObjectBuilder::new())
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .into()
    }
}

impl ToSchema for StatsTotal {}

/// The statistical disclosure control method: cell-key perturbation (`domain::disclosure`).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum DisclosureMethod {
    #[serde(rename = "cell-key")]
    CellKey,
}

/// How the person counts of a response were published (`domain::disclosure`).
#[derive(Debug, Serialize, ToSchema)]
pub struct DisclosureInfo {
    /// Whether the person counts are perturbed (ministry and region callers); registry counts
    /// never are.
    pub applied: bool,
    pub method: DisclosureMethod,
    /// No perturbed value lies from 1 to `threshold - 1`: a true count there publishes 0 or
    /// `threshold`; zero stays zero.
    #[schema(example = 5)]
    pub threshold: i64,
    /// The most a count at or above the threshold moves either way.
    #[schema(example = 2)]
    pub max_noise: i64,
    /// The perturbation table's version: the same records publish the same value under it.
    #[schema(example = "ckm-1-t5-d2")]
    pub table_version: String,
}

impl DisclosureInfo {
    fn new(table: Perturbation, applied: bool) -> Self {
        DisclosureInfo {
            applied,
            method: DisclosureMethod::CellKey,
            threshold: table.threshold,
            max_noise: table.max_noise,
            table_version: table.version(),
        }
    }

    /// `cell-key; applied=true; threshold=5; max-noise=2; table=ckm-1-t5-d2`.
    pub fn header(&self) -> String {
        format!(
            "cell-key; applied={}; threshold={}; max-noise={}; table={}",
            self.applied, self.threshold, self.max_noise, self.table_version
        )
    }
}

/// The response header that says how a table's person counts were published, in JSON and
/// CSV alike (CSV has no room for the `disclosure` object).
pub const DISCLOSURE_HEADER: &str = "Disclosure-Control";

/// Renders `table`: with `perturb`, each person count (cells and totals alike) is published
/// from `perturbation` at its count and cell key; everything else is exact.
pub fn render(
    table: &Table,
    labels: &Labels,
    perturbation: Perturbation,
    perturb: bool,
) -> StatsTable {
    let disclosure = DisclosureInfo::new(perturbation, perturb);
    let metrics = table.metrics;
    // An amount is of the persons the row's person count counts.
    let persons = metrics
        .iter()
        .position(|m| m.class() == MetricClass::Persons);
    let publish = |m: usize, row: &[Tally], samples: &mut [i64]| -> Value {
        let tally = row[m];
        let threshold = perturbation.threshold;
        match metrics[m].class() {
            MetricClass::Median => {
                Value::from(publish_median(samples, disclosure.applied, threshold))
            }
            MetricClass::Amount => {
                let persons = persons.map_or(0, |p| row[p].count);
                let per_person = metrics[m] == Measure::CostPerRecipientCents;
                Value::from(publish_amount(
                    tally.count,
                    persons,
                    per_person,
                    disclosure.applied,
                    threshold,
                ))
            }
            MetricClass::Persons if disclosure.applied => Value::from(perturbation.publish(tally)),
            MetricClass::Persons | MetricClass::Registry => Value::from(tally.count),
        }
    };
    let mut samples = table.samples.clone();
    let mut all_samples: Vec<i64> = samples.values().flatten().copied().collect();
    let mut totals = vec![Tally::default(); metrics.len()];
    let rows = table
        .rows
        .iter()
        .map(|(key, row)| {
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
            let row_samples = samples.entry(key.clone()).or_default();
            for (m, tally) in row.iter().enumerate() {
                totals[m] += *tally;
                obj.insert(metrics[m].name().into(), publish(m, row, row_samples));
            }
            Value::Object(obj)
        })
        .collect();
    let total = (0..metrics.len())
        .map(|m| {
            let value = publish(m, &totals, &mut all_samples);
            (metrics[m].name().to_string(), value)
        })
        .collect();
    StatsTable {
        dimensions: table.dims.clone(),
        metrics: metrics.to_vec(),
        rows,
        total: Value::Object(total),
        disclosure,
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
pub fn ok(lang: Lang) -> HttpResponseBuilder {
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
        Some(_) => {
            // What was sent is the client's text: not echoed.
            return Err(ApiError::BadRequest(Detail::new(
                "format must be json or csv",
                "format jābūt json vai csv",
            )));
        }
    }
    let mut response = ok(lang);
    response.insert_header((DISCLOSURE_HEADER, table.disclosure.header()));
    if !wants_csv(req, format) {
        return Ok(response.json(table));
    }
    // Dimensions (each with its label), then metrics, in the table's order.
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
    columns.extend(table.metrics.iter().map(|m| m.name().to_string()));
    csv(response, &columns, &table.rows)
}

/// `rows` as CSV with a header row of `columns` (a missing or `null` field is empty).
pub fn csv(
    mut response: HttpResponseBuilder,
    columns: &[String],
    rows: &[Value],
) -> ApiResult<HttpResponse> {
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
    Ok(response.content_type("text/csv; charset=utf-8").body(body))
}
