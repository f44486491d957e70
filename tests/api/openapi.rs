use crate::helpers::TestApp;

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
            for (status, response) in responses.iter().filter(|(s, _)| !s.starts_with('2')) {
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
    assert_eq!(endpoints, 7);
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
        ("as_of", "2026-01-01"),
        ("from", "2026-01-01"),
        ("to", "2026-06-30"),
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
    assert_eq!(endpoints, 7);
}
