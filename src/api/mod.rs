//! HTTP layer: handlers registered through utoipa-actix-web, so the route table is the
//! OpenAPI registry.

pub mod assessments;
pub mod audit;
pub mod body;
pub mod case_notes;
pub mod changes;
pub mod claims;
pub mod clients;
pub mod common;
pub mod decisions;
pub mod deliveries;
pub mod export;
pub mod health;
pub mod hsds;
pub mod index;
pub mod indicators;
pub mod lang;
pub mod mentors;
pub mod paths;
pub mod placements;
pub mod plan_goals;
pub mod problems;
pub mod providers;
pub mod reference;
pub mod referrals;
pub mod services;
pub mod shared_record;
pub mod staff;
pub mod stats;
pub mod stream;
pub mod support_plans;
pub mod tariffs;
pub mod trainings;
pub mod transfer_requests;
pub mod transfers;
pub mod waiting_lists;
pub mod webhooks;

use std::collections::HashMap;
use std::sync::LazyLock;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, web};
use serde::Serialize;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{OpenApi as OpenApiDoc, RefOr, Response};
use utoipa::{OpenApi, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{AppExt, scope};

use crate::error::{ApiError, Detail, json_error, withhold_values};

/// The version of the API: its path prefix (`/api/v1`) and every response's `API-Version`.
pub const VERSION: &str = "v1";

/// Largest page a list endpoint returns.
pub const MAX_PAGE_SIZE: i64 = 100;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kopiena API",
        description = "The shared record for Latvia's deinstitutionalisation (DI) of social care: \
reference data, the provider and service registry, clients in the DI process, social mentors and \
aggregated statistics.\n\nEvery error is an RFC 9457 `application/problem+json` document. \
Catalogue labels, and a problem's `title` and `detail`, follow `Accept-Language: lv|en` (default \
`en`), named in `Content-Language`.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
        contact(name = "Kopiena")
    ),
    servers((url = "/", description = "The server that serves this document")),
    components(
        schemas(crate::error::Problem),
        responses(
            problems::BadRequest,
            problems::NotFound,
            problems::PayloadTooLarge,
            problems::UnsupportedMediaType,
            problems::Unprocessable,
            problems::Internal,
            problems::Unavailable,
            problems::Unauthorized,
            problems::Forbidden,
            problems::Conflict,
            problems::PreconditionFailed
        )
    ),
    security(("bearer" = [])),
    modifiers(&BearerScheme),
    tags(
        (name = "reference", description = "Public, read-only reference data: planning regions, municipalities and catalogues"),
        (name = "providers", description = "The provider register: public read, scoped writes"),
        (name = "services", description = "Services offered by providers: the public directory and scoped writes"),
        (name = "clients", description = "Clients in the DI process (personal data: the case-owning municipality only; every access audited)"),
        (name = "assessments", description = "Care-level assessments, append-only, derived by a versioned instrument"),
        (name = "support plans", description = "Individual support plans: draft, final, new versions"),
        (name = "mentors", description = "Social mentors, trainings and assignments (at most the configured number of clients per mentor: KOPIENA_MENTOR_CAPACITY, default 5)"),
        (name = "staff", description = "Staff of providers, municipalities and planning regions beyond mentors: profession, qualifications for the assessment team (INV-A06) and trainings per programme; read by their employer, its planning region and administrators"),
        (name = "decisions", description = "The municipality's service decisions (granted, refused, ended) with legal basis and appeal: a placement rests on a granted decision that covers it"),
        (name = "waiting lists", description = "Clients waiting, on a granted decision, in the municipality's queue for a service type or in a named service's: served by priority, then the day added"),
        (name = "referrals", description = "A municipality refers its client to a service with a need-to-know summary; the provider accepts (holding one place for KOPIENA_REFERRAL_HOLD_DAYS, default 14) or declines; a placement takes the hold over"),
        (name = "case notes", description = "Notes on a client's case (visits, calls, notes), appended by the case owner, the staff of a provider serving the client and the client's mentor; the owner reads all, others what their organisation wrote, while they share the case"),
        (name = "placements", description = "Clients receiving services; DI status and transitions follow"),
        (name = "money", description = "Money follows the client: the services delivered to a client per month (the provider or the case owner records them; a correction is a new version), and each municipality's monthly claim of the adult DI clients' care-level subsidy (Table 3, halved below half of the working days), computed from them and frozen when closed"),
        (name = "gaps", description = "What a caseworker must see: clients without a mentor, reassessments due after a transition, placements past their time limit, waiting clients without a current assessment"),
        (name = "statistics", description = "Aggregates for the ministry, planning regions and municipalities (JSON or CSV). For the ministry and regions, person counts are perturbed by the cell key method (the same records always publish the same value; no value between 1 and the threshold minus 1; totals are perturbed from their own records, so tables are not additive) and dates are complete months; each response says how in `disclosure`. Registry counts are exact for everyone."),
        (name = "audit", description = "The access audit of client-level data"),
        (name = "hsds", description = "The public directory as Open Referral HSDS 3.1 (read-only): organizations, services, their locations and the two taxonomies (service types, target groups)"),
        (name = "webhooks", description = "Signed pushes of the change feed to a municipality's or provider's URL (Standard Webhooks), retried with back-off, every attempt visible"),
        (name = "changes", description = "The change feed: every creation, update and end of a record the caller may read, in commit order, for systems that keep a copy (events name records, never their content)"),
        (name = "operations", description = "Health checks and metrics")
    )
)]
struct ApiDoc;

/// Declares the bearer (JWT) scheme that every operation requires unless it declares itself
/// public with `security(())`.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A JWT from the municipality's or ministry's identity provider (claims: sub, role, municipality | region | provider_id | mentor_id, exp, iat, iss, aud). In development: `kopiena token --role municipality --municipality 050`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// A complete (unpaginated) collection: used for small reference lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct List<T> {
    pub items: Vec<T>,
    /// Number of items in `items`.
    pub total: usize,
}

impl<T> From<Vec<T>> for List<T> {
    fn from(items: Vec<T>) -> Self {
        Self {
            total: items.len(),
            items,
        }
    }
}

/// Registers every endpoint. Only `.service(..)` is used, so every endpoint is documented.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(health::live)
        .service(health::ready)
        .service(health::metrics)
        .service(problems::problem_index)
        .service(problems::problem_page)
        .service(
            scope::scope("/api/v1")
                .service(index::api_index)
                .service(hsds::hsds_root)
                .service(hsds::hsds_services)
                .service(hsds::hsds_service)
                .service(hsds::hsds_organizations)
                .service(hsds::hsds_organization)
                .service(hsds::hsds_service_at_locations)
                .service(hsds::hsds_taxonomies)
                .service(hsds::hsds_taxonomy_terms)
                .service(changes::list_changes)
                .service(webhooks::create_webhook)
                .service(webhooks::list_webhooks)
                .service(webhooks::get_webhook)
                .service(webhooks::delete_webhook)
                .service(webhooks::list_deliveries)
                .service(reference::list_planning_regions)
                .service(reference::get_planning_region)
                .service(reference::list_municipalities)
                .service(reference::get_municipality)
                .service(reference::list_service_types)
                .service(reference::get_service_type)
                .service(reference::list_target_groups)
                .service(reference::list_specialist_roles)
                .service(decisions::list_legal_bases)
                .service(tariffs::list_tariffs)
                .service(tariffs::get_tariff)
                .service(tariffs::create_tariff_version)
                .service(deliveries::record_service_delivery)
                .service(deliveries::list_service_deliveries)
                .service(claims::list_claims)
                .service(claims::get_claim)
                .service(claims::close_claim)
                .service(reference::list_training_programmes)
                .service(indicators::list_indicators)
                .service(indicators::get_indicator)
                .service(indicators::list_former_municipalities)
                .service(providers::list_providers)
                .service(providers::create_provider)
                .service(providers::get_provider)
                .service(providers::update_provider)
                .service(services::list_provider_services)
                .service(services::create_service)
                .service(services::list_services)
                .service(services::get_service)
                .service(services::update_service)
                .service(services::close_service)
                .service(assessments::list_instruments)
                .service(support_plans::list_plan_sections)
                .service(clients::search_clients)
                .service(clients::list_clients)
                .service(clients::create_client)
                .service(clients::get_client)
                .service(clients::update_client)
                .service(transfers::transfer_client)
                .service(transfers::list_transfers)
                .service(transfers::get_transfer)
                .service(transfer_requests::request_transfer)
                .service(transfer_requests::list_transfer_requests)
                .service(transfer_requests::get_transfer_request)
                .service(transfer_requests::answer_transfer_request)
                .service(clients::client_access_log)
                .service(shared_record::shared_record)
                .service(case_notes::create_case_note)
                .service(case_notes::list_case_notes)
                .service(case_notes::get_case_note)
                .service(export::export_client)
                .service(assessments::list_due_assessments)
                .service(assessments::create_assessment)
                .service(assessments::list_assessments)
                .service(assessments::get_assessment)
                .service(support_plans::create_support_plan)
                .service(support_plans::list_support_plans)
                .service(support_plans::get_support_plan)
                .service(support_plans::update_support_plan)
                .service(plan_goals::record_goal_progress)
                .service(plan_goals::list_due_plans)
                .service(audit::list_audit)
                .service(mentors::list_mentors)
                .service(mentors::create_mentor)
                .service(mentors::get_mentor)
                .service(mentors::update_mentor)
                .service(trainings::create_training)
                .service(trainings::get_training)
                .service(staff::list_staff)
                .service(staff::create_staff)
                .service(staff::get_staff)
                .service(staff::update_staff)
                .service(staff::create_staff_training)
                .service(staff::get_staff_training)
                .service(mentors::create_assignment)
                .service(mentors::list_mentor_assignments)
                .service(mentors::end_assignment)
                .service(mentors::list_client_assignments)
                .service(mentors::get_client_assignment)
                .service(decisions::create_decision)
                .service(decisions::list_decisions)
                .service(decisions::get_decision)
                .service(decisions::record_appeal)
                .service(waiting_lists::create_waiting_entry)
                .service(waiting_lists::list_waiting_entries)
                .service(waiting_lists::get_waiting_entry)
                .service(waiting_lists::close_waiting_entry)
                .service(waiting_lists::municipality_queue)
                .service(waiting_lists::service_queue)
                .service(waiting_lists::waiting_without_assessment)
                .service(referrals::create_referral)
                .service(referrals::list_referrals)
                .service(referrals::get_referral)
                .service(referrals::revoke_referral)
                .service(referrals::service_referrals)
                .service(referrals::accept_referral)
                .service(referrals::decline_referral)
                .service(placements::create_placement)
                .service(placements::list_client_placements)
                .service(placements::get_placement)
                .service(placements::end_placement)
                .service(placements::list_service_placements)
                .service(placements::clients_without_mentor)
                .service(placements::reassessments_after_transition)
                .service(placements::placements_past_time_limit)
                .configure(stats::routes),
        )
        .default_service(web::to(fallback));
}

/// Extractor settings shared by production and tests: every parse failure is a problem.
pub fn extractor_configs(max_body_bytes: usize, cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(max_body_bytes)
            .error_handler(move |err, _| json_error(err, max_body_bytes).into()),
    )
    .app_data(web::PayloadConfig::default().limit(max_body_bytes))
    .app_data(web::QueryConfig::default().error_handler(|err, _| {
        // The parser's message names the API's own parameters in English: kept, in a
        // Latvian sentence under `lv`.
        let why = withhold_values(&err.to_string());
        ApiError::BadRequest(Detail::new(
            format!("Invalid query string: {why}"),
            format!("Nederīga vaicājuma virkne (parsētāja ziņojums): {why}"),
        ))
        .into()
    }))
    .app_data(web::PathConfig::default().error_handler(|err, _| {
        let why = withhold_values(&err.to_string());
        ApiError::BadRequest(Detail::new(
            format!("Invalid path parameter: {why}"),
            format!("Nederīgs ceļa parametrs (parsētāja ziņojums): {why}"),
        ))
        .into()
    }));
}

/// The OpenAPI document, generated once: the route table, the accepted query parameters, the
/// index and the body schemas are all read from it.
pub fn document() -> &'static OpenApiDoc {
    static DOCUMENT: LazyLock<OpenApiDoc> = LazyLock::new(openapi);
    &DOCUMENT
}

/// The OpenAPI document of the API, generated from the route table.
pub fn openapi() -> OpenApiDoc {
    let (_, mut doc) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes)
        .split_for_parts();
    add_common_problems(&mut doc);
    add_shared_conventions(&mut doc);
    summarise_operations(&mut doc);
    refer_to_components(&mut doc);
    doc
}

/// utoipa inlines the argument of a generic schema (`Page<Service>`'s items are a copy of
/// `Service`), so a generated client would get a second, anonymous model for every list item.
/// Wherever a component's schema holds an exact copy of another component, the copy becomes
/// a `$ref` to it.
fn refer_to_components(doc: &mut OpenApiDoc) {
    use serde_json::Value;
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let named: Vec<(String, Value)> = components
        .schemas
        .iter()
        .filter_map(|(name, schema)| Some((name.clone(), serde_json::to_value(schema).ok()?)))
        .filter(|(_, schema)| schema.get("properties").is_some() || schema.get("enum").is_some())
        .collect();
    fn replace(value: &mut Value, named: &[(String, Value)]) {
        if let Some((name, _)) = named.iter().find(|(_, schema)| schema == value) {
            *value = serde_json::json!({"$ref": format!("#/components/schemas/{name}")});
            return;
        }
        match value {
            Value::Object(members) => members.values_mut().for_each(|v| replace(v, named)),
            Value::Array(items) => items.iter_mut().for_each(|v| replace(v, named)),
            _ => {}
        }
    }
    for (name, schema) in components.schemas.iter_mut() {
        let Ok(mut value) = serde_json::to_value(&*schema) else {
            continue;
        };
        let others: Vec<(String, Value)> = named
            .iter()
            .filter(|(other, _)| other != name)
            .cloned()
            .collect();
        if let Value::Object(members) = &mut value {
            members.values_mut().for_each(|v| replace(v, &others));
        }
        if let Ok(referring) = serde_json::from_value(value) {
            *schema = referring;
        }
    }
}

/// utoipa takes a handler's first doc paragraph as the operation's summary, whole. A summary
/// is a title (generated clients and the documentation show it in one line), so it becomes the
/// paragraph's first sentence, and the paragraph, in one line, opens the description.
fn summarise_operations(doc: &mut OpenApiDoc) {
    for item in doc.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let Some(paragraph) = operation.summary.take() else {
                continue;
            };
            let paragraph = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
            operation.summary = Some(first_sentence(&paragraph).to_string());
            operation.description = Some(match operation.description.take() {
                Some(rest) if !rest.trim().is_empty() => format!("{paragraph}\n\n{rest}"),
                _ => paragraph,
            });
        }
    }
}

/// The text up to the first full stop that ends a sentence (not the one of `e.g.`, `i.e.`).
fn first_sentence(text: &str) -> &str {
    let mut from = 0;
    while let Some(at) = text[from..].find(". ").map(|i| from + i) {
        let before = &text[..at];
        if !(before.ends_with("e.g") || before.ends_with("i.e")) {
            return &text[..=at];
        }
        from = at + 2;
    }
    text
}

/// Documents what `edge::not_modified`, `common::Page` and `common::create` add to every
/// operation of a shape: a read answered with an `ETag` takes `If-None-Match` and can answer
/// 304; a page of a list links its neighbours (`Link`); a creation with an `Idempotency-Key`
/// marks a replay with `Idempotent-Replayed: true`.
fn add_shared_conventions(doc: &mut OpenApiDoc) {
    use utoipa::openapi::ResponseBuilder;
    use utoipa::openapi::header::HeaderBuilder;
    let text = || {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .build()
    };
    for item in doc.paths.paths.values_mut() {
        if let Some(get) = &mut item.get {
            let paged = ["limit", "offset"].iter().all(|name| {
                get.parameters
                    .as_deref()
                    .unwrap_or(&[])
                    .iter()
                    .any(|p| p.name == *name)
            });
            if paged && let Some(RefOr::T(ok)) = get.responses.responses.get_mut("200") {
                ok.headers.insert(
                    "Link".into(),
                    HeaderBuilder::new()
                        .schema(text())
                        .description(Some(
                            "RFC 8288 links to the first, previous, next and last pages (rel `first`, `prev`, `next`, `last`; `prev` and `next` where they exist): this request with `limit` and `offset` set.",
                        ))
                        .build(),
                );
            }
            let etag = get.responses.responses.get("200").is_some_and(
                |r| matches!(r, RefOr::T(response) if response.headers.contains_key("ETag")),
            );
            if etag {
                get.parameters.get_or_insert_with(Vec::new).push(common::header_param(
                    "If-None-Match",
                    "ETags the client holds (or `*`): when the current one is among them, the answer is 304 without a body.",
                ));
                let not_modified = ResponseBuilder::new()
                    .description(
                        "Not Modified: the client's copy (its ETag in If-None-Match) is current.",
                    )
                    .header("ETag", HeaderBuilder::new().schema(text()).build())
                    .build();
                get.responses
                    .responses
                    .insert("304".into(), RefOr::T(not_modified));
            }
        }
        if let Some(post) = &mut item.post {
            let idempotent = post
                .parameters
                .as_deref()
                .unwrap_or(&[])
                .iter()
                .any(|p| p.name == "Idempotency-Key");
            if idempotent && let Some(RefOr::T(created)) = post.responses.responses.get_mut("201") {
                created.headers.insert(
                    common::REPLAYED.into(),
                    HeaderBuilder::new()
                        .schema(text())
                        .description(Some(
                            "`true` when this is the saved response to an earlier request with the same Idempotency-Key; absent on a first response.",
                        ))
                        .build(),
                );
            }
        }
    }
}

/// The problems an operation can answer follow from its shape, so they are documented here
/// once instead of in every handler: every operation can fail unexpectedly (500) and every
/// one that touches the database can find it unreachable (503); every operation refuses a
/// query parameter it does not document, and a query string, a JSON body or an id in the path
/// can be malformed (400); a required token can be missing or invalid
/// (401) or not allow the operation (403); a path names a record that may not exist (404);
/// `If-Match` can be stale (412); a body can be oversized (413), not JSON (415) or invalid
/// (422). Each handler lists only its own cases (a success, a conflict).
fn add_common_problems(doc: &mut OpenApiDoc) {
    let reference =
        |name: &str| RefOr::<Response>::Ref(utoipa::openapi::Ref::from_response_name(name));
    for (path, item) in doc.paths.paths.iter_mut() {
        let uses_db = path.starts_with("/api/") || path == "/health/ready";
        let operations: [&mut Option<Operation>; 5] = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            let params = operation.parameters.as_deref().unwrap_or(&[]);
            let path_param = params
                .iter()
                .any(|p| matches!(p.parameter_in, ParameterIn::Path));
            let if_match = params.iter().any(|p| p.name == "If-Match");
            let body = operation.request_body.is_some();
            let secured = is_secured(operation);
            let problems = [
                ("400", "BadRequest", true),
                ("401", "Unauthorized", secured),
                ("403", "Forbidden", secured),
                ("404", "NotFound", path_param),
                ("412", "PreconditionFailed", if_match),
                ("413", "PayloadTooLarge", body),
                ("415", "UnsupportedMediaType", body),
                ("422", "Unprocessable", body),
                ("500", "Internal", true),
                ("503", "Unavailable", uses_db),
            ];
            let responses = &mut operation.responses.responses;
            for (status, name, applies) in problems {
                if applies {
                    responses
                        .entry(status.into())
                        .or_insert_with(|| reference(name));
                }
            }
        }
    }
}

/// Whether an operation needs a token. Every operation inherits the document's bearer
/// requirement unless it declares itself public with `security(())`, which utoipa writes as
/// one empty requirement (`[{}]`, "optional"); a public operation is then written as `[]`,
/// which is what OpenAPI means by "no token needed".
fn is_secured(operation: &mut Operation) -> bool {
    let Some(requirements) = &mut operation.security else {
        return true;
    };
    let public = requirements.len() == 1
        && serde_json::to_value(&requirements[0]).is_ok_and(|v| v == serde_json::json!({}));
    if public {
        requirements.clear();
    }
    !requirements.is_empty()
}

/// Paths served outside the documented API, with their methods.
const UNDOCUMENTED_ROUTES: [(&str, &str); 3] = [
    ("/docs", "GET"),
    ("/openapi.json", "GET"),
    ("/docs/{tail}*", "GET"),
];

/// Path templates and the methods each supports, read from the OpenAPI document: the same
/// route table decides 404 (no such path) versus 405 (path exists, method does not).
static ROUTE_TABLE: LazyLock<Vec<(ResourceDef, Vec<String>)>> = LazyLock::new(|| {
    let doc = document();
    let mut table: Vec<(ResourceDef, Vec<String>)> = doc
        .paths
        .paths
        .iter()
        .map(|(path, item)| {
            let methods = [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("PATCH", item.patch.is_some()),
                ("DELETE", item.delete.is_some()),
            ]
            .into_iter()
            .filter(|(_, present)| *present)
            .map(|(m, _)| m.to_string())
            .collect();
            (ResourceDef::new(path.as_str()), methods)
        })
        .collect();
    table.extend(
        UNDOCUMENTED_ROUTES
            .iter()
            .map(|(path, method)| (ResourceDef::new(*path), vec![method.to_string()])),
    );
    table
});

/// The query parameters each documented operation accepts, by path template and method, read
/// from the OpenAPI document: what an operation documents is exactly what it accepts.
static QUERY_PARAMETERS: LazyLock<HashMap<(String, String), Vec<String>>> = LazyLock::new(|| {
    let doc = document();
    let mut accepted = HashMap::new();
    for (path, item) in &doc.paths.paths {
        let operations = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            let names = operation
                .parameters
                .iter()
                .flatten()
                .filter(|p| matches!(p.parameter_in, ParameterIn::Query))
                .map(|p| p.name.clone())
                .collect();
            accepted.insert((path.clone(), method.to_string()), names);
        }
    }
    accepted
});

/// Answers 405 (with `Allow`) for a method a literal path does not support, before routing:
/// otherwise a template that also matches the path takes the request (`GET /clients/search`
/// reached `GET /clients/{id}` and answered 400 for an id that is not one). `HEAD` is left to
/// the router wherever `GET` is supported.
pub async fn refuse_methods_a_literal_path_does_not_support(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if let Some(allow) = unsupported_on_literal_path(&req) {
        let problem = ApiError::MethodNotAllowed { allow };
        return Ok(req.error_response(problem).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

fn unsupported_on_literal_path(req: &ServiceRequest) -> Option<Vec<String>> {
    let (_, methods) = ROUTE_TABLE
        .iter()
        .find(|(def, _)| def.pattern() == Some(req.path()))?;
    let method = match req.method().as_str() {
        "HEAD" => "GET",
        other => other,
    };
    (!methods.iter().any(|m| m == method)).then(|| methods.clone())
}

/// Refuses (400) a query parameter the operation does not document, instead of silently
/// ignoring a misspelt filter or one sent in hope (a caller would read an unfiltered answer
/// as a filtered one). The problem names the accepted parameters, never the one sent: a
/// caller's query string may hold anything, personal data included.
pub async fn refuse_unknown_query_parameters(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if let Err(problem) = check_query_parameters(&req) {
        return Ok(req.error_response(problem).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

fn check_query_parameters(req: &ServiceRequest) -> Result<(), ApiError> {
    if req.query_string().is_empty() {
        return Ok(());
    }
    let Some(accepted) = req
        .match_pattern()
        .and_then(|pattern| QUERY_PARAMETERS.get(&(pattern, req.method().as_str().to_string())))
    else {
        return Ok(());
    };
    let sent =
        serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string()).map_err(|_| {
            ApiError::BadRequest(Detail::new(
                "the query string is not valid",
                "vaicājuma virkne nav derīga",
            ))
        })?;
    if sent.iter().all(|(name, _)| accepted.contains(name)) {
        return Ok(());
    }
    Err(ApiError::BadRequest(if accepted.is_empty() {
        Detail::new(
            "this operation takes no query parameters",
            "šai darbībai nav vaicājuma parametru",
        )
    } else {
        let accepted = accepted.join(", ");
        Detail::new(
            format!("unknown query parameter: this operation accepts {accepted}"),
            format!("nezināms vaicājuma parametrs: šī darbība pieņem {accepted}"),
        )
    }))
}

/// Methods the route table supports for `path` (empty when the path is unknown). A literal
/// path is its own resource even where a template also matches it (`/clients/search` and
/// `/clients/{id}`): then only the literal path's methods are allowed, as the document says.
pub fn allowed_methods(path: &str) -> Vec<String> {
    let matching: Vec<&(ResourceDef, Vec<String>)> = ROUTE_TABLE
        .iter()
        .filter(|(def, _)| def.is_match(path))
        .collect();
    let literal = |def: &ResourceDef| def.pattern().is_some_and(|p| !p.contains('{'));
    let exact: Vec<_> = matching
        .iter()
        .filter(|(def, _)| literal(def))
        .copied()
        .collect();
    let resources = if exact.is_empty() { matching } else { exact };
    resources
        .into_iter()
        .flat_map(|(_, methods)| methods.iter().cloned())
        .collect()
}

/// Unknown path → 404; known path with another method → 405 with `Allow`.
async fn fallback(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(method_refusal(req.path()))
}

/// The answer to a method `path` does not support, from the route table: 404 when no route
/// has the path, 405 with `Allow` otherwise.
pub fn method_refusal(path: &str) -> ApiError {
    let allow = allowed_methods(path);
    if allow.is_empty() {
        ApiError::NotFound
    } else {
        ApiError::MethodNotAllowed { allow }
    }
}

#[cfg(test)]
mod tests {
    use super::first_sentence;

    #[test]
    fn a_summary_is_the_first_sentence_of_the_paragraph() {
        assert_eq!(
            first_sentence("Updates a service. Capacity stays within limits."),
            "Updates a service."
        );
        assert_eq!(
            first_sentence("Reads reference data, e.g. regions. Public."),
            "Reads reference data, e.g. regions."
        );
        assert_eq!(first_sentence("The process is up"), "The process is up");
    }
}
