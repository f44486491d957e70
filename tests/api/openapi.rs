use serde_json::Value;

use crate::helpers::{TestApp, admin, adult, audit_query, municipality, token};

/// The committed document must equal the one generated from the code. To accept a change:
/// `EXPECTORATE=overwrite cargo test --test api openapi`.
#[test]
fn committed_openapi_document_matches_the_code() {
    let mut document = kopiena::api::openapi()
        .to_pretty_json()
        .expect("document serialises");
    document.push('\n');
    expectorate::assert_contents("openapi/openapi.json", &document);
}

#[tokio::test]
async fn the_served_document_is_the_generated_one() {
    let app = TestApp::spawn().await;
    let served = app.openapi_document().ok().await;
    let generated: serde_json::Value =
        serde_json::to_value(kopiena::api::openapi()).expect("document serialises");
    assert_eq!(served, generated);
    assert_eq!(served["openapi"], "3.1.0");
}

#[test]
fn every_creation_says_where_the_created_resource_is() {
    let doc = serde_json::to_value(kopiena::api::openapi()).expect("document serialises");
    let mut created = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let Some(response) = operation["responses"].get("201") else {
                continue;
            };
            created += 1;
            assert!(
                response["headers"].get("Location").is_some(),
                "{method} {path} answers 201 without documenting Location"
            );
        }
    }
    assert!(created >= 11, "{created} creating operations");
}

#[test]
fn every_operation_documents_its_success_and_problem_responses() {
    let doc = serde_json::to_value(kopiena::api::openapi()).expect("document serialises");
    let paths = doc["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("path item") {
            let responses = operation["responses"].as_object().expect("responses");
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path} documents no success response"
            );
            assert!(
                responses.contains_key("500"),
                "{method} {path} does not document 500"
            );
            // A 304 (a conditional read) is the one answer outside 2xx that is no problem: it
            // has the ETag and no body.
            if let Some(not_modified) = responses.get("304") {
                assert!(
                    not_modified["headers"]["ETag"].is_object()
                        && not_modified.get("content").is_none(),
                    "{method} {path} 304"
                );
            }
            for (status, response) in responses
                .iter()
                .filter(|(s, _)| !s.starts_with('2') && *s != "304")
            {
                let reference = response["$ref"].as_str().unwrap_or_default();
                assert!(
                    reference.starts_with("#/components/responses/"),
                    "{method} {path} {status} is not a problem response"
                );
            }
        }
    }
    for (name, response) in doc["components"]["responses"]
        .as_object()
        .expect("responses")
    {
        assert!(
            response["content"]["application/problem+json"].is_object(),
            "{name} is not application/problem+json"
        );
    }
}

#[tokio::test]
async fn interactive_documentation_is_served_without_external_assets() {
    let app = TestApp::spawn().await;
    let response = app.get("/docs/").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("html");
    assert!(html.contains("swagger"), "Swagger UI page");
    assert!(
        !html.contains("https://"),
        "no asset comes from the internet"
    );
    let initializer = app.get("/docs/swagger-initializer.js").await;
    assert_eq!(initializer.status(), 200);
    assert!(
        initializer
            .text()
            .await
            .expect("js")
            .contains("/openapi.json")
    );
    let bundle = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(bundle.status(), 200);
    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(app.url("/docs"))
        .send()
        .await
        .expect("request");
    assert!(redirect.status().is_redirection());
}

/// Each statistics endpoint accepts exactly the `group_by` dimensions its document lists.
#[tokio::test]
async fn every_documented_group_by_dimension_is_accepted_and_others_are_not() {
    let app = TestApp::spawn().await;
    let ministry = crate::helpers::token(&crate::helpers::ministry());
    let doc = serde_json::to_value(kopiena::api::openapi()).expect("document serialises");
    let mut endpoints = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let parameters = item["get"]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let Some(pattern) = parameters
            .iter()
            .find(|p| p["name"] == "group_by")
            .and_then(|p| p["schema"]["pattern"].as_str())
        else {
            continue;
        };
        endpoints += 1;
        let alternatives = pattern
            .strip_prefix("^(")
            .and_then(|p| p.split_once(')'))
            .map(|(a, _)| a)
            .expect("pattern ^(a|b|…)…");
        for dimension in alternatives.split('|').chain(["nonsense"]) {
            let response = app
                .get_as(&format!("{path}?group_by={dimension}"), &ministry)
                .await;
            let expected = if dimension == "nonsense" { 400 } else { 200 };
            assert_eq!(response.status(), expected, "{path}?group_by={dimension}");
        }
    }
    assert_eq!(endpoints, 8);
}

/// Each statistics endpoint applies exactly the filters its document lists; any other
/// filter is a 400 rather than silently ignored.
#[tokio::test]
async fn statistics_apply_the_filters_they_document_and_refuse_the_others() {
    let app = TestApp::spawn().await;
    let ministry = crate::helpers::token(&crate::helpers::ministry());
    let filters = [
        ("region", "KURZEME"),
        ("municipality", "050"),
        ("target_group", "adult_with_mental_disorder"),
        ("service_type", "group_home"),
        ("sector", "public"),
        ("status", "active"),
        // Months: the ministry's dates on statistics with person counts.
        ("as_of", "2026-01"),
        ("from", "2026-01"),
        ("to", "2026-06"),
    ];
    let doc = serde_json::to_value(kopiena::api::openapi()).expect("document serialises");
    let mut endpoints = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if !path.starts_with("/api/v1/stats/") || path.ends_with("/indicators") {
            continue;
        }
        endpoints += 1;
        let documented: Vec<&str> = item["get"]["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        for (name, value) in filters {
            let response = app
                .get_as(&format!("{path}?{name}={value}"), &ministry)
                .await;
            let expected = if documented.contains(&name) { 200 } else { 400 };
            assert_eq!(response.status(), expected, "{path}?{name}={value}");
        }
        let unknown = app
            .get_as(&format!("{path}?provider_id=3"), &ministry)
            .await;
        assert_eq!(unknown.status(), 400, "{path}?provider_id=3");
    }
    assert_eq!(endpoints, 8);
}

/// The schema of the JSON success response `method path` documents (`path` as templated).
fn success_schema<'d>(doc: &'d Value, method: &str, path: &str) -> &'d Value {
    let responses = &doc["paths"][path][method]["responses"];
    let success = responses
        .as_object()
        .and_then(|r| r.iter().find(|(status, _)| status.starts_with('2')))
        .map(|(_, response)| response)
        .unwrap_or_else(|| panic!("{method} {path} documents a success response"));
    &success["content"]["application/json"]["schema"]
}

/// The enum values `value` breaks against `schema`: every string a closed set constrains (an
/// `enum`, through `$ref`, properties, items, `allOf`, and `oneOf`/`anyOf` alternatives) must be
/// one of the documented values.
fn enum_violations(doc: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return enum_violations(doc, &doc["components"]["schemas"][name], value, at);
    }
    let mut found = Vec::new();
    if let Some(values) = schema["enum"].as_array()
        && !value.is_null()
        && !values.contains(value)
    {
        found.push(format!("{at}: {value} is not one of {values:?}"));
    }
    for alternatives in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema[alternatives].as_array() {
            let each: Vec<_> = alternatives
                .iter()
                .map(|a| enum_violations(doc, a, value, at))
                .collect();
            if !each.iter().any(Vec::is_empty) {
                found.extend(each.into_iter().flatten());
            }
        }
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        found.extend(enum_violations(doc, part, value, at));
    }
    if let (Some(properties), Some(object)) = (schema["properties"].as_object(), value.as_object())
    {
        for (name, property) in properties {
            if let Some(member) = object.get(name) {
                found.extend(enum_violations(
                    doc,
                    property,
                    member,
                    &format!("{at}.{name}"),
                ));
            }
        }
    }
    if let Some(items) = value.as_array() {
        for (i, item) in items.iter().enumerate() {
            found.extend(enum_violations(
                doc,
                &schema["items"],
                item,
                &format!("{at}[{i}]"),
            ));
        }
    }
    found
}

/// schemathesis found every closed set (care levels, statuses, sectors, audit actions, …)
/// documented with its Rust variant names ("Ii", "AdultWithMentalDisorder") while the API sends
/// its wire names ("II", "adult_with_mental_disorder"): responses must carry only documented
/// values.
#[tokio::test]
async fn responses_carry_only_the_values_their_closed_sets_document() {
    let app = TestApp::spawn().await;
    let doc = app.openapi_document().ok().await;
    let owner = token(&municipality("050"));
    let admin = token(&admin());
    let client = app.new_client("050", &adult("161175-19997", "Kopa")).await;
    let provider = app.new_provider("050", "SP-SCHEMA-1").await;
    app.get_client(&admin, client).ok().await;
    let reads = [
        ("/api/v1/municipalities", app.get("/api/v1/municipalities")),
        ("/api/v1/service-types", app.get("/api/v1/service-types")),
        ("/api/v1/assessment-instruments", app.list_instruments()),
        ("/api/v1/providers/{id}", app.get_provider(provider)),
        ("/api/v1/clients/{id}", app.get_client(&owner, client)),
        (
            "/api/v1/audit",
            app.list_audit(&admin, &audit_query()).bearer(&admin),
        ),
        ("/api/v1/mentors", app.get_as("/api/v1/mentors", &admin)),
    ];
    for (path, call) in reads {
        let body = call.ok().await;
        let violations = enum_violations(&doc, success_schema(&doc, "get", path), &body, path);
        assert!(violations.is_empty(), "{violations:#?}");
    }
}

/// Every operation refuses a query parameter it does not document (400), so every operation
/// documents 400, also those with no parameters of their own (schemathesis checks each status
/// against the document).
#[tokio::test]
async fn every_operation_documents_the_400_it_gives_for_an_undocumented_query_parameter() {
    let app = TestApp::spawn().await;
    let doc = app.openapi_document().ok().await;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            assert!(
                operation["responses"]["400"].is_object(),
                "{method} {path} does not document 400"
            );
        }
    }
    for (template, path) in [
        (
            "/api/v1/planning-regions/{code}",
            "/api/v1/planning-regions/KURZEME",
        ),
        (
            "/api/v1/assessment-instruments",
            "/api/v1/assessment-instruments",
        ),
        ("/health/live", "/health/live"),
    ] {
        assert!(doc["paths"][template]["get"].is_object(), "{template}");
        let response = app.get(&format!("{path}?undocumented=1")).await;
        crate::helpers::assert_problem(response, 400, "about:blank").await;
    }
}

/// `GET /api/v1` is the entry point: where the documentation is, and every operation of the
/// document with whether it is public, under an entity tag a client can revalidate.
#[tokio::test]
async fn the_api_index_lists_every_documented_operation() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1").await;
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"]
        .to_str()
        .expect("an entity tag")
        .to_string();
    let index: Value = response.json().await.expect("JSON");
    assert_eq!(index["openapi"], "/openapi.json");
    assert_eq!(index["documentation"], "/docs/");
    let doc = serde_json::to_value(kopiena::api::openapi()).expect("document serialises");
    let methods = ["get", "put", "post", "delete", "patch", "head", "options"];
    let documented: usize = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| {
            let item = item.as_object().expect("a path item");
            item.keys()
                .filter(|k| methods.contains(&k.as_str()))
                .count()
        })
        .sum();
    let operations = index["operations"].as_array().expect("operations");
    assert_eq!(operations.len(), documented);
    let find = |method: &str, path: &str| {
        operations
            .iter()
            .find(|o| o["method"] == method && o["path"] == path)
            .unwrap_or_else(|| panic!("{method} {path} in the index"))
    };
    assert_eq!(find("GET", "/api/v1/providers/{id}")["public"], true);
    assert_eq!(find("GET", "/api/v1/clients")["public"], false);
    assert_eq!(
        find("GET", "/api/v1/stats/clients")["operation_id"],
        "client_stats"
    );
    assert_eq!(find("GET", "/api/v1")["tag"], "operations");
    let again = app.get("/api/v1").header("If-None-Match", &etag).await;
    assert_eq!(again.status(), 304);
}
