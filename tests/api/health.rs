use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use kopiena::config::Settings;
use kopiena::startup::Application;

use crate::helpers::{TestApp, TestDb, assert_problem};

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
