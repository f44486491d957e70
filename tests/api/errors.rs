use crate::helpers::{TestApp, assert_problem};

#[tokio::test]
async fn an_unknown_route_is_a_404_problem() {
    let app = TestApp::spawn().await;
    for path in ["/nope", "/api/v1/nope", "/api/v2/municipalities"] {
        let body = assert_problem(app.get(path).await, 404, "about:blank").await;
        assert_eq!(body["title"], "Not Found");
    }
}

#[tokio::test]
async fn a_method_the_path_does_not_support_is_a_405_problem_with_allow() {
    let app = TestApp::spawn().await;
    for (method, path) in [
        (reqwest::Method::POST, "/api/v1/municipalities"),
        (reqwest::Method::DELETE, "/api/v1/municipalities/RIX"),
        (reqwest::Method::PUT, "/health/live"),
        (reqwest::Method::POST, "/metrics"),
    ] {
        let response = app
            .client
            .request(method.clone(), app.url(path))
            .send()
            .await
            .expect("request");
        assert_eq!(response.headers()["allow"], "GET", "{method} {path}");
        assert_problem(response, 405, "about:blank").await;
    }
}

#[tokio::test]
async fn a_malformed_query_string_is_a_400_problem() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/municipalities?valid_on=yesterday",
        "/api/v1/service-types?setting=hospital",
        "/api/v1/target-groups?di=maybe",
    ] {
        let body = assert_problem(app.get(path).await, 400, "about:blank").await;
        assert!(
            body["detail"].as_str().is_some_and(|d| d.contains("query")),
            "{body}"
        );
    }
}
