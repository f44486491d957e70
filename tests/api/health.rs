use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use kopiena::config::Settings;
use kopiena::startup::Application;

use crate::helpers::{
    TestApp, TestDb, adult, assert_problem, clients_query, municipality, test_settings, token,
};

#[tokio::test]
async fn liveness_and_readiness_answer_200() {
    let app = TestApp::spawn().await;
    assert_eq!(app.health_live().ok().await["status"], "ok");
    let ready = app.health_ready().ok().await;
    assert_eq!(ready["status"], "ok");
    let expected = match app.db {
        TestDb::Sqlite { .. } => "sqlite",
        TestDb::Postgres { .. } | TestDb::External { .. } => "postgres",
    };
    assert_eq!(ready["database"], expected);
    assert_eq!(ready["pool"], "available");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let first = app.health_live().await;
    let second = app.get("/no/such/route").await;
    let id = |r: &reqwest::Response| {
        r.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .expect("X-Request-Id header")
    };
    let (a, b) = (id(&first), id(&second));
    assert!(uuid::Uuid::parse_str(&a).is_ok());
    assert_ne!(a, b);
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern_and_status() {
    let app = TestApp::spawn().await;
    app.get_municipality("RIX").ok().await;
    app.get_municipality("NOPE").await;
    let response = app.metrics().await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .is_ok_and(|c| c.starts_with("text/plain"))
    );
    let text = response.text().await.expect("text");
    assert!(text.contains(
        r#"kopiena_http_requests_total{endpoint="/api/v1/municipalities/{code}",method="GET",status="200"} 1"#
    ), "{text}");
    assert!(text.contains(
        r#"kopiena_http_requests_total{endpoint="/api/v1/municipalities/{code}",method="GET",status="404"} 1"#
    ));
    assert!(text.contains("kopiena_http_requests_duration_seconds_bucket"));
}

#[tokio::test]
async fn an_unreachable_postgres_fails_start_up_clearly_and_creates_no_sqlite_file() {
    let dir = tempfile::tempdir().expect("dir");
    let settings = Settings::from_lookup(|key| match key {
        "DATABASE_URL" => Some("postgres://kopiena@127.0.0.1:1/kopiena".into()),
        "KOPIENA_BIND" => Some("127.0.0.1:0".into()),
        _ => None,
    })
    .expect("settings");
    let cwd_before: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    let error = Application::build(&settings)
        .err()
        .map(|e| format!("{e:#}"))
        .expect("start-up fails");
    assert!(error.contains("PostgreSQL"), "{error}");
    assert!(
        error.contains("127.0.0.1"),
        "the libpq cause is kept: {error}"
    );
    assert!(cwd_before.is_empty());
    assert!(!std::path::Path::new("postgres:").exists());
}

/// Only a server database can become unreachable while the service runs; with SQLite the
/// database is a file inside the process, so this test needs PostgreSQL. Once the first
/// refusal is known, requests answer 503 at once instead of waiting for the deadline (3 s
/// here).
#[tokio::test]
async fn readiness_is_503_while_postgres_refuses_connections_fails_fast_and_recovers_without_restart()
 {
    let app =
        TestApp::spawn_with(|key| (key == "KOPIENA_DB_TIMEOUT_MS").then(|| "3000".into())).await;
    let TestDb::Postgres {
        admin_url, name, ..
    } = &app.db
    else {
        eprintln!("skipped on SQLite: set TEST_DATABASE_URL=postgres://… to run");
        return;
    };
    let mut admin = PgConnection::establish(admin_url).expect("admin connection");
    let sql = |conn: &mut PgConnection, q: String| {
        diesel::sql_query(q).execute(conn).expect("admin statement");
    };
    sql(
        &mut admin,
        format!(r#"ALTER DATABASE "{name}" ALLOW_CONNECTIONS false"#),
    );
    sql(
        &mut admin,
        format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"),
    );
    let started = Instant::now();
    let response = app.health_ready().await;
    assert!(response.headers().contains_key("retry-after"));
    assert_problem(response, 503, "/problems/database-unreachable").await;
    let response = app.list_planning_regions().await;
    assert_problem(response, 503, "/problems/database-unreachable").await;
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    for _ in 0..5 {
        let started = Instant::now();
        let response = app.list_planning_regions().await;
        let elapsed = started.elapsed();
        assert_problem(response, 503, "/problems/database-unreachable").await;
        assert!(
            elapsed < Duration::from_millis(500),
            "a known refusal answers at once, not after the 3 s deadline: {elapsed:?}"
        );
    }

    sql(
        &mut admin,
        format!(r#"ALTER DATABASE "{name}" ALLOW_CONNECTIONS true"#),
    );
    assert_eq!(app.health_ready().ok().await["status"], "ok");
    assert_eq!(app.list_planning_regions().ok().await["total"], 5);
}

/// The personal-data keys must be those the stored data was written with: a service given
/// other keys (a container rebuilt without its keys) refuses to start instead of answering
/// 500 on every client and registering registered people again.
#[tokio::test]
async fn the_service_refuses_to_start_with_other_personal_data_keys() {
    let app = TestApp::spawn().await;
    app.new_client("050", &adult("161175-19997", "Ozola")).await;
    let url = app.db.url().to_string();
    for (name, other) in [
        ("KOPIENA_PII_HMAC_KEY", "33".repeat(32)),
        ("KOPIENA_PII_ENCRYPTION_KEY", "44".repeat(32)),
    ] {
        let settings = test_settings(&url, |key| (key == name).then(|| other.clone()));
        let refused = Application::build(&settings)
            .err()
            .unwrap_or_else(|| panic!("started with another {name}"));
        let message = format!("{refused:#}");
        assert!(message.contains(name), "{message}");
        assert!(
            !message.contains(&other),
            "the key is never repeated: {message}"
        );
    }
    // The original keys still start it, and the client reads as before.
    let again = TestApp::spawn_on(TestDb::External { url }, |_| None).await;
    let kuldiga = token(&municipality("050"));
    let list = again.list_clients(&kuldiga, &clients_query()).ok().await;
    assert_eq!(list["items"][0]["personal_code"], "161175-19997");
}
