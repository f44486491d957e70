//! One endpoint per [`Statistic`]: its actix resource, its handler and its OpenAPI
//! operation, all generated from the descriptor.

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::{HttpRequest, HttpResponse, guard, web};
use utoipa::openapi::content::Content;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{
    HttpMethod, Operation, OperationBuilder, Parameter, ParameterBuilder, ParameterIn, PathItem,
    Paths,
};
use utoipa::openapi::response::{ResponseBuilder, ResponsesBuilder};
use utoipa::openapi::{ObjectBuilder, Ref, RefOr, Required, Schema, Type};
use utoipa::{IntoParams, PartialSchema, ToResponse, ToSchema};
use utoipa_actix_web::OpenApiFactory;

use super::cache::{Kept, StatsCache};
use super::context::{Context, Labels, StatsQuery};
use super::table::{DISCLOSURE_HEADER, StatsTable, Table, render, respond};
use super::{Dimension, Filter, Statistic};
use crate::api::lang::Lang;
use crate::api::problems as p;
use crate::auth::AuthUser;
use crate::db::{DbConnection, ReadDb};
use crate::domain::access::statistics_access;
use crate::domain::disclosure::MetricClass;
use crate::domain::policy::Policy;
use crate::error::ApiResult;

/// A statistic as a service: registered with `.service(..)` like a handler function.
pub struct Endpoint(pub &'static Statistic);

impl HttpServiceFactory for Endpoint {
    fn register(self, config: &mut AppService) {
        let statistic = self.0;
        // As `#[get]` would: other methods fall through to the API's 405 with `Allow`.
        let resource = web::resource(statistic.path)
            .name(statistic.operation_id)
            .guard(guard::Get())
            .to(
                move |req: HttpRequest,
                      db: web::Data<ReadDb>,
                      cache: web::Data<StatsCache>,
                      policy: web::Data<Policy>,
                      user: AuthUser,
                      lang: Lang,
                      query: web::Query<Vec<(String, String)>>| {
                    handle(
                        statistic,
                        req,
                        (db, cache),
                        policy,
                        user,
                        lang,
                        query.into_inner(),
                    )
                },
            );
        HttpServiceFactory::register(resource, config);
    }
}

/// The handler every statistic shares: refuse what it does not apply, decide the caller's
/// area, run its query (or take its table kept at the record's current version, `cache`),
/// render with disclosure control, answer JSON or CSV.
async fn handle(
    statistic: &'static Statistic,
    req: HttpRequest,
    (db, cache): (web::Data<ReadDb>, web::Data<StatsCache>),
    policy: web::Data<Policy>,
    user: AuthUser,
    lang: Lang,
    query: Vec<(String, String)>,
) -> ApiResult<HttpResponse> {
    let query = StatsQuery::parse(query)?;
    query.only(statistic.filters)?;
    let scope = statistics_access(&user.scope, query.value(Dimension::Region))?;
    let dims = Dimension::parse_group_by(
        query.group_by(),
        statistic.dimensions,
        statistic.default_group_by,
    )?;
    let (perturbation, perturb) = (policy.perturbation, scope.perturb);
    // Perturbed callers read person counts by whole months (STATS-COMPLETE-MONTHS).
    let months = perturb && statistic.counts_persons();
    let mentor_capacity = policy.mentor_capacity;
    let format = query.format().map(String::from);
    let kept = db
        .run(move |conn| -> ApiResult<_> {
            let dates = query.resolve_dates(conn, months)?;
            let key = format!(
                "{}|{dims:?}|{}|{scope:?}|{dates:?}|{lang:?}",
                statistic.operation_id,
                query.filters_key()
            );
            let compute = |conn: &mut DbConnection| -> ApiResult<Kept> {
                let labels = Labels::load(conn, lang)?;
                labels.check(&query)?;
                let context = Context {
                    dims,
                    query,
                    scope,
                    labels,
                    mentor_capacity,
                    dates,
                };
                let mut table = Table::new(context.dims.clone(), statistic.metrics);
                statistic.query.run(conn, &context, &mut table)?;
                Ok(Kept {
                    table,
                    labels: context.labels,
                })
            };
            cache.through(conn, key, Kept::weight, compute)
        })
        .await?;
    respond(
        &req,
        format.as_deref(),
        lang,
        render(&kept.table, &kept.labels, perturbation, perturb),
    )
}

impl OpenApiFactory for Endpoint {
    fn paths(&self) -> Paths {
        let statistic = self.0;
        let ok = (
            "The aggregate table",
            Ref::from_schema_name(StatsTable::name()).into(),
        );
        let mut operation = operation(
            statistic.operation_id,
            (statistic.summary(), description(statistic)),
            parameters(statistic),
            ok,
        );
        if let Some(RefOr::T(response)) = operation.responses.responses.get_mut("200") {
            let header = HeaderBuilder::new()
                .schema(string())
                .description(Some(
                    "How the person counts were published, for JSON and CSV alike: `cell-key; applied=…; threshold=…; max-noise=…; table=…` (the JSON body's `disclosure`).",
                ))
                .build();
            response.headers.insert(DISCLOSURE_HEADER.into(), header);
        }
        get(statistic.path, operation)
    }

    fn schemas(&self, schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((StatsTable::name().into_owned(), StatsTable::schema()));
        <StatsTable as ToSchema>::schemas(schemas);
        let dimensions = self.0.filters.iter().filter_map(|f| f.dimension());
        schemas.extend(dimensions.filter_map(Dimension::values));
    }
}

/// The document of `GET path` (below `/api/v1`).
pub(super) fn get(path: &str, operation: Operation) -> Paths {
    Paths::builder()
        .path(path, PathItem::new(HttpMethod::Get, operation))
        .build()
}

/// A statistics operation: its own `parameters`, then `format` and `Accept-Language`; a 200
/// of `ok` (description, JSON schema) or CSV; the problems every statistic can answer.
pub(super) fn operation(
    id: &str,
    (summary, description): (&str, String),
    mut parameters: Vec<Parameter>,
    (ok, json): (&str, RefOr<Schema>),
) -> Operation {
    parameters.push(query_param(
        "format",
        "`json` (default) or `csv`; `Accept: text/csv` works too.",
        string().enum_values(Some(["json", "csv"])),
    ));
    parameters.extend(Lang::into_params(|| None));
    let problem = |(name, _): (&str, _)| Ref::from_response_name(name);
    let responses = ResponsesBuilder::new()
        .response(
            "200",
            ResponseBuilder::new()
                .description(ok)
                .content("application/json", Content::new(Some(json)))
                .content("text/csv", Content::new(Some(string()))),
        )
        .response("400", problem(p::BadRequest::response()))
        .response("401", problem(p::Unauthorized::response()))
        .response("403", problem(p::Forbidden::response()))
        .response("422", problem(p::Unprocessable::response()));
    OperationBuilder::new()
        .tag("statistics")
        .summary(Some(summary))
        .description(Some(description).filter(|d| !d.is_empty()))
        .operation_id(Some(id))
        .parameters(Some(parameters))
        .responses(responses.build())
        .build()
}

/// The text every statistic's operation carries, from its descriptor.
fn description(statistic: &Statistic) -> String {
    let mut text = String::new();
    if !statistic.notes().is_empty() {
        text.push_str(statistic.notes());
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "Dimensions: {} (default: {}).",
        Dimension::join(statistic.dimensions, ", "),
        Dimension::join(statistic.default_group_by, ", ")
    ));
    let filters: Vec<&str> = Filter::AREA
        .iter()
        .chain(statistic.filters)
        .map(|f| f.name())
        .collect();
    text.push_str(&format!(" Filters: {}.", filters.join(", ")));
    let metrics: Vec<String> = statistic
        .metrics
        .iter()
        .map(|m| {
            let class = match m.class() {
                MetricClass::Persons => "a person count, perturbed for ministry and regions",
                MetricClass::Registry => "a registry count, exact for every caller",
                MetricClass::Median => {
                    "a median of the cell's persons: for ministry and regions null under the threshold, in whole weeks otherwise"
                }
                MetricClass::Amount => {
                    "cents spent on the cell's persons: for ministry and regions null under the threshold, rounded to 100 EUR (1 EUR per person) otherwise"
                }
            };
            format!("`{}` ({class})", m.name())
        })
        .collect();
    text.push_str(&format!(" Metrics: {}.", metrics.join("; ")));
    text
}

pub(super) fn query_param(
    name: &str,
    description: &str,
    schema: impl Into<RefOr<Schema>>,
) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

pub(super) fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// A day (`YYYY-MM-DD`) or a month (`YYYY-MM`): `domain::disclosure::QueryDate`.
pub(super) fn day_or_month() -> ObjectBuilder {
    string()
        .pattern(Some(r"^\d{4}-\d{2}(-\d{2})?$"))
        .examples(["2026-05", "2026-05-14"])
}

/// `group_by`, the statistic's filters and the area.
fn parameters(statistic: &Statistic) -> Vec<Parameter> {
    let mut parameters = vec![query_param(
        "group_by",
        &format!(
            "Comma-separated dimensions: {} (default: {}).",
            Dimension::join(statistic.dimensions, ", "),
            Dimension::join(statistic.default_group_by, ",")
        ),
        string().pattern(Some(Dimension::pattern(statistic.dimensions))),
    )];
    let filters = statistic.filters.iter().chain(&Filter::AREA);
    parameters.extend(filters.map(|filter| {
        let schema: RefOr<Schema> = match filter.dimension().and_then(Dimension::values) {
            Some((name, _)) => Ref::from_schema_name(name).into(),
            None if filter.dimension().is_some() => string().into(),
            None => day_or_month().into(),
        };
        query_param(filter.name(), filter.description(), schema)
    }));
    parameters
}
