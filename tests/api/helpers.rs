//! Test harness: the real server on port 0 against a fresh database of the chosen backend.
//!
//! `TEST_DATABASE_URL` unset (or `sqlite:`…): a temporary SQLite file per test.
//! `TEST_DATABASE_URL=postgres://…/postgres`: a new PostgreSQL database per test, dropped
//! when the test ends.

use std::sync::{LazyLock, Mutex};

use diesel::{Connection, PgConnection, RunQueryDsl};
use kopiena::config::Settings;
use kopiena::startup::Application;
use reqwest::{Response, StatusCode};
use serde_json::Value;

/// Everything the services of this test binary logged (debug level for kopiena), so tests
/// can prove what never appears in a log line. `TEST_LOG=1` also prints it.
pub static LOGS: LazyLock<Mutex<Vec<u8>>> = LazyLock::new(|| Mutex::new(Vec::new()));

#[derive(Clone, Copy)]
struct CapturingWriter;

impl std::io::Write for CapturingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut logs) = LOGS.lock() {
            logs.extend_from_slice(buf);
        }
        if std::env::var_os("TEST_LOG").is_some() {
            std::io::stdout().write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

static TRACING: LazyLock<()> = LazyLock::new(|| {
    kopiena::telemetry::init(
        kopiena::config::LogFormat::Json,
        "info,kopiena=debug,tracing_actix_web=debug",
        || CapturingWriter,
    );
});

/// The captured log output so far.
pub fn captured_logs() -> String {
    LOGS.lock()
        .map(|logs| String::from_utf8_lossy(&logs).into_owned())
        .unwrap_or_default()
}

pub enum TestDb {
    Sqlite {
        url: String,
        _dir: tempfile::TempDir,
    },
    Postgres {
        url: String,
        admin_url: String,
        name: String,
    },
}

impl TestDb {
    pub fn new() -> Self {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if admin_url.starts_with("postgres") => {
                let name = format!("kopiena_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn = PgConnection::establish(&admin_url)
                    .expect("TEST_DATABASE_URL must name a reachable PostgreSQL database");
                diesel::sql_query(format!(r#"CREATE DATABASE "{name}""#))
                    .execute(&mut conn)
                    .expect("create test database");
                TestDb::Postgres {
                    url: with_database(&admin_url, &name),
                    admin_url,
                    name,
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = dir.path().join("app.db").display().to_string();
                TestDb::Sqlite { url, _dir: dir }
            }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres {
            admin_url, name, ..
        } = self
            && let Ok(mut conn) = PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#))
                .execute(&mut conn);
        }
    }
}

/// Replaces the database name in a PostgreSQL URL, keeping any query string.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{}", &base[..host_end], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

pub const TEST_SECRET: &str = "kopiena-test-secret-0123456789abcdef";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: TestDb,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| None).await
    }

    /// Spawns with extra settings (environment-variable names and values).
    pub async fn spawn_with(extra: impl Fn(&str) -> Option<String>) -> Self {
        LazyLock::force(&TRACING);
        let db = TestDb::new();
        let url = db.url().to_string();
        let settings = Settings::from_lookup(|key| {
            extra(key).or_else(|| match key {
                "DATABASE_URL" => Some(url.clone()),
                "KOPIENA_BIND" => Some("127.0.0.1:0".into()),
                "KOPIENA_DB_POOL_SIZE" => Some("4".into()),
                "KOPIENA_DB_TIMEOUT_MS" => Some("1000".into()),
                "KOPIENA_JWT_SECRET" => Some(TEST_SECRET.into()),
                "KOPIENA_PII_HMAC_KEY" => Some("11".repeat(32)),
                "KOPIENA_PII_ENCRYPTION_KEY" => Some("22".repeat(32)),
                _ => None,
            })
        })
        .expect("test settings");
        let app = Application::build(&settings).expect("application starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            client: reqwest::Client::new(),
            db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request is sent")
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.expect("JSON body")
    }

    pub async fn post_json(&self, path: &str, token: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request is sent")
    }

    pub async fn patch_json(&self, path: &str, token: &str, body: &Value) -> Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request is sent")
    }

    /// Creates a provider as the ministry; returns its id.
    pub async fn create_provider(&self, municipality: &str, register_number: &str) -> i64 {
        let response = self
            .post_json(
                "/api/v1/providers",
                &token(&ministry()),
                &serde_json::json!({
                    "name": format!("Provider {register_number}"),
                    "register_number": register_number,
                    "legal_status": "association",
                    "municipality": municipality,
                    "address": "Baznīcas iela 1",
                }),
            )
            .await;
        let status = response.status();
        let body = response.json::<Value>().await.expect("json");
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_i64().expect("id")
    }
}

/// Claims valid for the test server, for `role` with its scope claim.
pub fn claims(role: &str, scope: Option<(&str, Value)>) -> Value {
    let now = chrono::Utc::now().timestamp();
    let mut claims = serde_json::json!({
        "sub": format!("test-{role}"),
        "role": role,
        "iat": now,
        "exp": now + 3600,
        "iss": "kopiena",
        "aud": "kopiena-api",
    });
    if let Some((name, value)) = scope {
        claims[name] = value;
    }
    claims
}

pub fn ministry() -> Value {
    claims("ministry", None)
}

pub fn admin() -> Value {
    claims("admin", None)
}

pub fn municipality(code: &str) -> Value {
    claims("municipality", Some(("municipality", Value::from(code))))
}

pub fn provider(id: i64) -> Value {
    claims("provider", Some(("provider_id", Value::from(id))))
}

pub fn region(code: &str) -> Value {
    claims("region", Some(("region", Value::from(code))))
}

/// Signs `claims` with the test secret (HS256).
pub fn token(claims: &Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(TEST_SECRET.as_bytes()),
    )
    .expect("token")
}

impl TestApp {}

/// Checks a problem response: status, content type and body shape; returns the body.
pub async fn assert_problem(response: Response, status: u16, problem_type: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.expect("problem body is JSON");
    assert_eq!(body["type"], problem_type, "problem type in {body}");
    assert_eq!(body["status"], status, "status member in {body}");
    assert!(body["title"].is_string(), "title in {body}");
    body
}

#[test]
fn database_name_is_replaced_in_postgres_urls() {
    assert_eq!(
        with_database("postgres://u@localhost:5432/postgres", "t1"),
        "postgres://u@localhost:5432/t1"
    );
    assert_eq!(
        with_database("postgres://u:p@h/postgres?sslmode=disable", "t1"),
        "postgres://u:p@h/t1?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "t1"), "postgres://h/t1");
}

// ---------------------------------------------------------------------------------------
// Clients, assessments, support plans and the audit.
// ---------------------------------------------------------------------------------------

/// Weights of the legacy personal-code checksum (independent of the service's own code).
const CODE_WEIGHTS: [u32; 10] = [1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// A valid legacy personal code `DDMMYY-CSSSX` for `birth_date` (1800–2099): serial
/// `serial % 1000`, moving on to the next serial when the check value would be 10.
pub fn legacy_code(birth_date: chrono::NaiveDate, serial: u32) -> String {
    use chrono::Datelike;
    let century = match birth_date.year() {
        1800..=1899 => 0,
        1900..=1999 => 1,
        2000..=2099 => 2,
        other => panic!("no legacy personal code for {other}"),
    };
    let mut serial = serial % 1000;
    loop {
        let first = format!(
            "{:02}{:02}{:02}{century}{serial:03}",
            birth_date.day(),
            birth_date.month(),
            birth_date.year() % 100
        );
        let sum: u32 = first
            .bytes()
            .zip(CODE_WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        let check = (1101 - sum) % 11;
        if check < 10 {
            return format!("{}-{}{check}", &first[..6], &first[6..]);
        }
        serial = (serial + 1) % 1000;
    }
}

/// A new-format personal code `3[2-9]NNNN-NNNNN` (no date, no checksum) from `n`.
pub fn new_code(n: u64) -> String {
    let digits = format!("3{}{:09}", 2 + n % 8, (n / 8) % 1_000_000_000);
    format!("{}-{}", &digits[..6], &digits[6..])
}

/// Today in Latvia, as the service computes it.
pub fn today() -> chrono::NaiveDate {
    kopiena::domain::today()
}

/// `date` moved by `months` (negative: back), clamped to the month's last day.
pub fn months_from(date: chrono::NaiveDate, months: i32) -> chrono::NaiveDate {
    let shifted = if months >= 0 {
        date.checked_add_months(chrono::Months::new(months.unsigned_abs()))
    } else {
        date.checked_sub_months(chrono::Months::new(months.unsigned_abs()))
    };
    shifted.expect("date in range")
}

/// A client registration body.
pub fn client_body(code: &str, family_name: &str, birth_date: &str, target_group: &str) -> Value {
    serde_json::json!({
        "personal_code": code,
        "given_name": "Anna",
        "family_name": family_name,
        "birth_date": birth_date,
        "target_group": target_group,
        "di_status": "in_institution",
        "vsac_consent": {"given": true, "date": "2026-01-12"},
    })
}

/// An adult client (born 1975-11-16, legacy code 161175-19997 unless `code` differs).
pub fn adult(code: &str, family_name: &str) -> Value {
    client_body(
        code,
        family_name,
        "1975-11-16",
        "adult_with_mental_disorder",
    )
}

/// A child client (born 2015-06-01) with a new-format code.
pub fn child(code: &str, family_name: &str, target_group: &str) -> Value {
    client_body(code, family_name, "2015-06-01", target_group)
}

/// The specialist roles a target group's assessment team needs.
pub fn required_roles(target_group: &str) -> &'static [&'static str] {
    match target_group {
        "orphan_or_no_parental_care" => &[
            "social_worker",
            "special_educator",
            "clinical_psychologist",
            "child_psychiatrist",
            "child_neurologist",
            "physiotherapist",
            "paediatrician_neonatologist",
        ],
        "child_with_functional_impairment" => &[
            "social_worker",
            "special_educator",
            "clinical_psychologist",
            "child_psychiatrist",
            "physiotherapist",
        ],
        "adult_with_mental_disorder" => {
            &["social_worker", "psychiatrist", "occupational_therapist"]
        }
        other => panic!("no target group {other}"),
    }
}

/// A team of `roles`, led by the social worker.
pub fn team(roles: &[&str]) -> Value {
    Value::Array(
        roles
            .iter()
            .map(|role| {
                serde_json::json!({
                    "role": role,
                    "name": format!("Specialist {role}"),
                    "lead": *role == "social_worker",
                })
            })
            .collect(),
    )
}

/// A complete assessment body for a client of `target_group`.
pub fn assessment_body(target_group: &str, assessed_on: &str, scores: (i64, i64, i64)) -> Value {
    serde_json::json!({
        "assessed_on": assessed_on,
        "organisation_type": "municipal_social_service",
        "team": team(required_roles(target_group)),
        "scores": {"health": scores.0, "self_care": scores.1, "communication": scores.2},
        "quality_of_life_score": 60,
    })
}

/// The `X-Request-Id` of a response.
pub fn request_id(response: &Response) -> String {
    response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("X-Request-Id header")
        .to_string()
}

/// The `ETag` of a response.
pub fn etag_of(response: &Response) -> String {
    response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("ETag header")
        .to_string()
}

#[derive(diesel::QueryableByName)]
struct CountRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

impl TestApp {
    pub async fn get_as(&self, path: &str, token: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request is sent")
    }

    pub async fn patch_if_match(
        &self,
        path: &str,
        token: &str,
        etag: &str,
        body: &Value,
    ) -> Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(token)
            .header("If-Match", etag)
            .json(body)
            .send()
            .await
            .expect("request is sent")
    }

    /// GET as `token`, expecting 200; the JSON body.
    pub async fn get_ok(&self, path: &str, token: &str) -> Value {
        let response = self.get_as(path, token).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.expect("JSON body")
    }

    /// POST as `token`, expecting 201; the JSON body.
    pub async fn post_created(&self, path: &str, token: &str, body: &Value) -> Value {
        let response = self.post_json(path, token, body).await;
        let status = response.status();
        let text = response.text().await.expect("body");
        assert_eq!(status, StatusCode::CREATED, "POST {path}: {text}");
        serde_json::from_str(&text).expect("JSON body")
    }

    /// Registers a client as `municipality`; returns its representation.
    pub async fn create_client(&self, municipality_code: &str, body: &Value) -> Value {
        self.post_created(
            "/api/v1/clients",
            &token(&municipality(municipality_code)),
            body,
        )
        .await
    }

    /// Registers a client as `municipality`; returns its id.
    pub async fn create_client_id(&self, municipality_code: &str, body: &Value) -> i64 {
        self.create_client(municipality_code, body).await["id"]
            .as_i64()
            .expect("client id")
    }

    /// Records an assessment as `municipality`; returns its representation.
    pub async fn create_assessment(
        &self,
        municipality_code: &str,
        client_id: i64,
        body: &Value,
    ) -> Value {
        self.post_created(
            &format!("/api/v1/clients/{client_id}/assessments"),
            &token(&municipality(municipality_code)),
            body,
        )
        .await
    }

    /// Every audit record matching `query` (admin view), newest first, over all pages.
    pub async fn audit_records(&self, query: &str) -> Vec<Value> {
        let mut out = Vec::new();
        loop {
            let page = self
                .get_ok(
                    &format!("/api/v1/audit?limit=100&offset={}&{query}", out.len()),
                    &token(&admin()),
                )
                .await;
            let items = page["items"].as_array().expect("items").clone();
            let total = page["total"].as_u64().expect("total") as usize;
            let done = items.is_empty();
            out.extend(items);
            if done || out.len() >= total {
                return out;
            }
        }
    }

    /// Rows of `table` whose text column `column` contains `needle` (read straight from the
    /// database, to prove what is never stored).
    pub fn count_rows_containing(&self, table: &str, column: &str, needle: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} LIKE '%{needle}%'");
        let query = diesel::sql_query(sql);
        let row: CountRow = match &self.db {
            TestDb::Postgres { url, .. } => {
                let mut conn = PgConnection::establish(url).expect("connect to test database");
                query.get_result(&mut conn).expect("count")
            }
            TestDb::Sqlite { url, .. } => {
                let mut conn =
                    diesel::SqliteConnection::establish(url).expect("open test database");
                query.get_result(&mut conn).expect("count")
            }
        };
        row.n
    }
}

#[test]
fn legacy_code_helper_reproduces_known_valid_codes() {
    let d = |s: &str| s.parse::<chrono::NaiveDate>().expect("date");
    assert_eq!(legacy_code(d("1975-11-16"), 999), "161175-19997");
    assert_eq!(legacy_code(d("1990-01-30"), 234), "300190-12341");
    assert_eq!(legacy_code(d("1999-12-31"), 0), "311299-10008");
    assert_eq!(legacy_code(d("2000-02-29"), 123), "290200-21239");
    assert_eq!(new_code(0), "320000-00000");
    assert_eq!(new_code(8 * 123_456_789 + 7), "391234-56789");
}
