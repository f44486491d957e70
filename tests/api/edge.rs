//! What every request passes and every response carries, whatever the route: the body read
//! timeout, made-up methods and the metrics, control characters in the input, personal data
//! kept out of the log and the error bodies, and the security headers.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use futures::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, adult, assert_bad_request, assert_problem, captured_logs, ministry, municipality,
    new_code, provider_body, token,
};

/// Sends `head` and the first bytes of a body that is never finished over a raw connection;
/// the response as text (or what arrived before `wait` passed) and how long it took.
fn send_slow_body(port: u16, head: &str, partial: &[u8], wait: Duration) -> (String, Duration) {
    let mut stream =
        std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to the test server");
    stream.set_read_timeout(Some(wait)).expect("read timeout");
    let started = Instant::now();
    stream.write_all(head.as_bytes()).expect("send the head");
    stream.write_all(partial).expect("send part of the body");
    let mut response = Vec::new();
    let mut buffer = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buffer) {
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buffer[..n]);
        if response.windows(4).any(|w| w == b"\r\n\r\n") && response.ends_with(b"}") {
            break;
        }
    }
    (
        String::from_utf8_lossy(&response).into_owned(),
        started.elapsed(),
    )
}

fn port_of(app: &TestApp) -> u16 {
    app.address
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port")
}

#[tokio::test]
async fn a_body_sent_too_slowly_is_a_408_problem_within_the_configured_limit() {
    let app =
        TestApp::spawn_with(|key| (key == "KOPIENA_BODY_TIMEOUT_MS").then(|| "500".into())).await;
    let port = port_of(&app);
    let bearer = token(&ministry());
    let head = format!(
        "POST /api/v1/providers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {bearer}\r\n\
         Content-Type: application/json\r\nContent-Length: 200\r\n\r\n"
    );
    let (response, took) = tokio::task::spawn_blocking(move || {
        send_slow_body(port, &head, b"{\"name\": \"Slow", Duration::from_secs(5))
    })
    .await
    .expect("the slow client finishes");
    assert!(
        response.starts_with("HTTP/1.1 408"),
        "a stalled body is answered 408, got {response:?} after {took:?}"
    );
    assert!(
        response
            .to_ascii_lowercase()
            .contains("content-type: application/problem+json"),
        "{response}"
    );
    assert!(
        response.contains("500 ms"),
        "the detail names the limit: {response}"
    );
    assert!(
        took < Duration::from_millis(1500),
        "answered within the limit + 1 s: {took:?}"
    );
    // A body that arrives in time is served as usual.
    let created = app
        .create_provider(&bearer, &provider_body("050", "LM-EDGE-1"))
        .await;
    assert_eq!(created.status(), 201);
}

/// Number of series (sample lines) in the Prometheus text.
async fn series(app: &TestApp) -> usize {
    let text = app.metrics().await.text().await.expect("metrics text");
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .count()
}

/// A request refused before routing (an unknown query parameter) is counted under its route
/// pattern and writes no log line of the metrics middleware's own: a client cannot make the
/// service log a line per request that way.
#[tokio::test]
async fn requests_refused_before_routing_are_counted_by_route_without_a_log_line_each() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        let refused = app.get("/api/v1/municipalities/RIX?unknown=1").await;
        assert_eq!(refused.status(), 400);
    }
    let text = app.metrics().await.text().await.expect("metrics text");
    assert!(
        text.contains(
            r#"kopiena_http_requests_total{endpoint="/api/v1/municipalities/{code}",method="GET",status="400"} 3"#
        ),
        "{text}"
    );
    assert!(!captured_logs().contains("mixed cardinality"));
}

#[tokio::test]
async fn a_thousand_made_up_methods_leave_the_metrics_series_count_unchanged() {
    let app = TestApp::spawn().await;
    // Every series a scrape itself adds exists after two scrapes.
    series(&app).await;
    let before = series(&app).await;
    let statuses: Vec<u16> = futures::stream::iter(0..1000)
        .map(|i| {
            let method = Method::from_bytes(format!("MADEUP{i}").as_bytes()).expect("method");
            let request = app
                .client
                .request(method, app.url("/api/v1/planning-regions"));
            async move { request.send().await.expect("sent").status().as_u16() }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    // Answered as any method the path does not support: 405 with the path's methods.
    assert!(statuses.iter().all(|s| *s == 405), "{statuses:?}");
    let response = app
        .client
        .request(
            Method::from_bytes(b"BREW").expect("method"),
            app.url("/metrics"),
        )
        .send()
        .await
        .expect("sent");
    assert_eq!(response.headers()["allow"], "GET");
    assert_problem(response, 405, "about:blank").await;
    assert_eq!(
        series(&app).await,
        before,
        "no new series for made-up methods"
    );
}

#[tokio::test]
async fn control_characters_are_refused_before_any_sql_on_both_backends() {
    let app = TestApp::spawn().await;
    let ministry = token(&ministry());
    let worker = token(&municipality("050"));

    // Query values and names, and path segments: 400 (a query parameter named).
    for path in [
        "/api/v1/services?q=a%00b",
        "/api/v1/providers?q=%01",
        "/api/v1/municipalities?valid_on=2024-01-01%00",
        "/api/v1/services?municipality=%1F050",
        "/api/v1/municipalities/R%00X",
        "/api/v1/service-types/group%00home",
        "/api/v1/planning-regions/KURZEME%0A",
    ] {
        assert_bad_request(app.get(path).await, "control character").await;
    }
    assert_bad_request(
        app.get_as("/api/v1/clients?di_status=%00", &worker).await,
        "`di_status`",
    )
    .await;

    // JSON strings: 422 naming every field by JSON pointer, on creations (Idempotent) and updates (Json).
    let mut provider = serde_json::to_value(provider_body("050", "LM-EDGE-NUL")).expect("json");
    provider["name"] = json!("Nul\u{0}Provider");
    provider["address"] = json!("Line\u{1b}[31m");
    let id = app.new_provider("050", "LM-EDGE-2").await;
    let mut client = serde_json::to_value(adult(&new_code(41_000_001), "Bērziņa")).expect("json");
    client["given_name"] = json!("An\u{0}na");
    let provider_path = format!("/api/v1/providers/{id}");
    let cases = [
        (
            Method::POST,
            "/api/v1/providers",
            &ministry,
            provider,
            vec!["/name", "/address"],
        ),
        (
            Method::PATCH,
            provider_path.as_str(),
            &ministry,
            json!({"phone": "+371\u{7}"}),
            vec!["/phone"],
        ),
        (
            Method::POST,
            "/api/v1/clients",
            &worker,
            client,
            vec!["/given_name"],
        ),
        (
            Method::POST,
            "/api/v1/clients/search",
            &worker,
            json!({"personal_code": "\u{0}"}),
            vec!["/personal_code"],
        ),
    ];
    for (method, path, token, body, fields) in cases {
        let response = app
            .client
            .request(method.clone(), app.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("sent");
        let body = assert_problem(response, 422, "/problems/validation").await;
        for field in fields {
            assert_eq!(
                body["errors"][field],
                json!(["control_character"]),
                "{method} {path}: {body}"
            );
        }
    }
    assert_eq!(
        app.count_rows_containing("providers", "register_number", "LM-EDGE-NUL"),
        0
    );
}

#[tokio::test]
async fn no_personal_code_reaches_the_log_or_an_error_body() {
    let app = TestApp::spawn().await;
    let worker = token(&municipality("050"));
    let ministry = token(&ministry());
    // Codes no other test uses, so the shared log can be searched for them.
    let codes: Vec<String> = (0..13).map(|i| new_code(58_731_000 + i)).collect();
    let digits = |code: &str| code.replace('-', "");

    let mut responses = Vec::new();
    // In query strings: an unknown parameter, a text search, an unknown variant, a number.
    responses.push(
        app.get_as(
            &format!("/api/v1/clients?personal_code={}", codes[0]),
            &worker,
        )
        .await,
    );
    responses.push(app.get(&format!("/api/v1/services?q={}", codes[1])).await);
    responses.push(
        app.get_as(
            &format!("/api/v1/clients?target_group={}", codes[2]),
            &worker,
        )
        .await,
    );
    responses.push(
        app.get(&format!("/api/v1/providers?limit={}", digits(&codes[3])))
            .await,
    );
    responses.push(
        app.get_as(&format!("/api/v1/stats/clients?{}=1", codes[4]), &ministry)
            .await,
    );
    // In path segments: a record id that does not parse, a code that does not exist.
    responses.push(
        app.get_as(&format!("/api/v1/clients/{}", codes[5]), &worker)
            .await,
    );
    responses.push(
        app.get(&format!("/api/v1/municipalities/{}", codes[6]))
            .await,
    );
    // In bodies: an unknown variant, an unknown field, wrong types, a code where a
    // municipality's belongs.
    let mut provider = serde_json::to_value(provider_body("050", "LM-EDGE-PII")).expect("json");
    provider["legal_status"] = json!(codes[7]);
    let mut unknown_field =
        serde_json::to_value(provider_body("050", "LM-EDGE-PII2")).expect("json");
    unknown_field[&codes[8]] = json!(1);
    let mut client = serde_json::to_value(adult(&codes[9], "Kalniņa")).expect("json");
    client["birth_date"] = json!(codes[9]);
    let unknown_reference = provider_body(&codes[12], "LM-EDGE-PII3");
    for (path, bearer, body) in [
        ("/api/v1/providers", &ministry, provider),
        ("/api/v1/providers", &ministry, unknown_field),
        ("/api/v1/clients", &worker, client),
        (
            "/api/v1/clients/search",
            &worker,
            json!({"personal_code": digits(&codes[10]).parse::<u64>().expect("number")}),
        ),
        (
            "/api/v1/clients/search",
            &worker,
            json!({"personal_code": codes[11], "extra": codes[11]}),
        ),
        (
            "/api/v1/providers",
            &ministry,
            serde_json::to_value(unknown_reference).expect("json"),
        ),
    ] {
        responses.push(
            app.client
                .post(app.url(path))
                .bearer_auth(bearer)
                .json(&body)
                .send()
                .await
                .expect("sent"),
        );
    }

    for (response, code) in responses.into_iter().zip(&codes) {
        let status = response.status();
        let body = response.text().await.expect("body");
        assert!(
            !body.contains(code.as_str()) && !body.contains(&digits(code)),
            "{status}: the response echoes {code}: {body}"
        );
    }
    let logs = captured_logs();
    assert!(
        logs.contains("/api/v1/clients/{id}"),
        "routes are logged by pattern"
    );
    for code in &codes {
        for form in [code.clone(), digits(code)] {
            assert!(
                !logs.contains(&form),
                "the log holds {form}: {}",
                logs.lines()
                    .filter(|l| l.contains(&form))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

#[tokio::test]
async fn responses_carry_nosniff_and_the_api_version_and_authenticated_ones_no_store() {
    let app = TestApp::spawn().await;
    let worker = token(&municipality("050"));
    let id = app
        .new_client("050", &adult(&new_code(41_000_002), "Ozola"))
        .await;
    for (response, personal) in [
        (
            app.get_as(&format!("/api/v1/clients/{id}"), &worker).await,
            true,
        ),
        (app.get_as("/api/v1/clients", &worker).await, true),
        (
            app.get_as(&format!("/api/v1/clients/{id}/access-log"), &worker)
                .await,
            true,
        ),
        (app.get_as("/api/v1/clients/999999", &worker).await, true),
        (app.get_as("/api/v1/planning-regions", &worker).await, true),
        (app.get("/api/v1/planning-regions").await, false),
        (app.get("/api/v1/nope").await, false),
        (app.get("/health/live").await, false),
        (app.get("/api/v1/clients").await, false),
        (app.get("/docs/").await, false),
    ] {
        let url = response.url().to_string();
        assert_eq!(
            header(&response, "x-content-type-options").as_deref(),
            Some("nosniff"),
            "{url}"
        );
        assert_eq!(
            header(&response, "api-version").as_deref(),
            Some("v1"),
            "{url}"
        );
        if personal {
            assert_eq!(
                header(&response, "cache-control").as_deref(),
                Some("no-store"),
                "{url}"
            );
        } else {
            assert_ne!(
                header(&response, "cache-control").as_deref(),
                Some("no-store"),
                "{url}"
            );
        }
    }
    let response = app
        .client
        .post(app.url("/api/v1/clients/search"))
        .bearer_auth(&worker)
        .json(&json!({"personal_code": new_code(41_000_002)}))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("no-store")
    );
}

#[tokio::test]
async fn cors_refusals_and_the_documentation_ui_404_are_problems() {
    let app = TestApp::spawn_with(|key| {
        (key == "KOPIENA_CORS_ORIGINS").then(|| "https://allowed.example".into())
    })
    .await;
    let allowed = app
        .get("/api/v1/planning-regions")
        .header("Origin", "https://allowed.example")
        .await;
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        header(&allowed, "access-control-allow-origin").as_deref(),
        Some("https://allowed.example")
    );

    // A simple request from another origin is served without CORS headers (the browser
    // withholds the answer); a preflight is where the server refuses.
    let other = app
        .get("/api/v1/planning-regions")
        .header("Origin", "https://evil.example")
        .await;
    assert_eq!(other.status(), 200);
    assert_eq!(header(&other, "access-control-allow-origin"), None);

    let preflight = app
        .request(Method::OPTIONS, "/api/v1/providers")
        .header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "POST")
        .await;
    assert_eq!(
        header(&preflight, "x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert_bad_request(preflight, "Cross-origin").await;
    let preflight = app
        .request(Method::OPTIONS, "/api/v1/providers")
        .header("Origin", "https://allowed.example")
        .header("Access-Control-Request-Method", "POST")
        .await;
    assert_eq!(preflight.status(), 200);
    let preflight = app
        .request(Method::OPTIONS, "/api/v1/providers")
        .header("Origin", "https://allowed.example")
        .header("Access-Control-Request-Method", "TRACE")
        .await;
    assert_problem(preflight, 400, "about:blank").await;

    for path in ["/docs/nonexistent", "/docs/nonexistent.js"] {
        let response = app.get(path).await;
        let body: Value = assert_problem(response, 404, "about:blank").await;
        assert_eq!(body["title"], "Not Found");
    }
    assert_eq!(app.get("/docs/").await.status(), 200);
}

#[tokio::test]
async fn x_forwarded_for_is_logged_as_the_client_only_from_a_trusted_proxy() {
    let forged = "198.51.100.201";
    let direct = TestApp::spawn().await;
    direct
        .get("/health/live")
        .header("X-Forwarded-For", forged)
        .ok()
        .await;
    assert!(
        !captured_logs().contains(forged),
        "a forged address was logged"
    );

    let proxied = "198.51.100.202";
    let behind_proxy = TestApp::spawn_with(|key| {
        (key == "KOPIENA_TRUSTED_PROXIES").then(|| "127.0.0.1".to_string())
    })
    .await;
    behind_proxy
        .get("/health/live")
        .header("X-Forwarded-For", &format!("6.6.6.6, {proxied}"))
        .ok()
        .await;
    let logs = captured_logs();
    assert!(logs.contains(proxied), "the proxy's client was not logged");
    assert!(
        !logs.contains("6.6.6.6"),
        "a hop the client wrote was logged"
    );
}
