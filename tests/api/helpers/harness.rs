//! Test harness: the real server on port 0 against a fresh database of the chosen backend.
//!
//! `TEST_DATABASE_URL` unset (or `sqlite:`…): a temporary SQLite file per test.
//! `TEST_DATABASE_URL=postgres://…/postgres`: a new PostgreSQL database per test, dropped
//! when the test ends.

use std::sync::{LazyLock, Mutex};

use diesel::{Connection, PgConnection, RunQueryDsl};
use kopiena::config::Settings;
use kopiena::startup::Application;
use serde::Serialize;

use super::call::Call;

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
    /// A database the test set up itself (a throw-away PostgreSQL cluster, say), left as
    /// it is when the test ends.
    External { url: String },
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
            TestDb::Sqlite { url, .. }
            | TestDb::Postgres { url, .. }
            | TestDb::External { url } => url,
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

/// The settings of a test server on the database at `url`, with `extra` settings
/// (environment-variable names and values) before the tests' defaults.
pub fn test_settings(url: &str, extra: impl Fn(&str) -> Option<String>) -> Settings {
    Settings::from_lookup(|key| {
        extra(key).or_else(|| match key {
            "DATABASE_URL" => Some(url.to_string()),
            "KOPIENA_BIND" => Some("127.0.0.1:0".into()),
            "KOPIENA_DB_POOL_SIZE" => Some("4".into()),
            "KOPIENA_DB_TIMEOUT_MS" => Some("1000".into()),
            // The test machines are shared and noisy: with a 1 s deadline, an fsync per
            // SQLite commit (`full`) under a parallel suite occasionally missed it (a
            // 503). Durability across a power loss is not what these tests test.
            "KOPIENA_SQLITE_SYNCHRONOUS" => Some("normal".into()),
            "KOPIENA_JWT_SECRET" => Some(TEST_SECRET.into()),
            "KOPIENA_PII_HMAC_KEY" => Some("11".repeat(32)),
            "KOPIENA_PII_ENCRYPTION_KEY" => Some("22".repeat(32)),
            _ => None,
        })
    })
    .expect("test settings")
}

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
        Self::spawn_on(TestDb::new(), extra).await
    }

    /// Spawns on `db` with extra settings.
    pub async fn spawn_on(db: TestDb, extra: impl Fn(&str) -> Option<String>) -> Self {
        LazyLock::force(&TRACING);
        let url = db.url().to_string();
        let settings = test_settings(&url, extra);
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

    /// A request to `path` (under the server's address), not yet sent.
    pub fn request(&self, method: reqwest::Method, path: &str) -> Call {
        Call::new(
            self.client.request(method.clone(), self.url(path)),
            format!("{method} {path}"),
        )
    }

    /// GET `path` without credentials.
    pub fn get(&self, path: &str) -> Call {
        self.request(reqwest::Method::GET, path)
    }

    /// GET `path` as `token`.
    pub fn get_as(&self, path: &str, token: &str) -> Call {
        self.get(path).bearer(token)
    }

    /// POST `body` as JSON to `path` as `token`.
    pub fn post_as(&self, path: &str, token: &str, body: &impl Serialize) -> Call {
        Call::new(
            self.client.post(self.url(path)).json(body),
            format!("POST {path}"),
        )
        .bearer(token)
    }

    /// PATCH `body` as JSON to `path` as `token`.
    pub fn patch_as(&self, path: &str, token: &str, body: &impl Serialize) -> Call {
        Call::new(
            self.client.patch(self.url(path)).json(body),
            format!("PATCH {path}"),
        )
        .bearer(token)
    }

    /// Rows of `table` whose text column `column` contains `needle` (read straight from the
    /// database, to prove what is never stored).
    pub fn count_rows_containing(&self, table: &str, column: &str, needle: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} LIKE '%{needle}%'");
        let row: CountRow = diesel::sql_query(sql)
            .get_result(&mut self.db_connection())
            .expect("count");
        row.n
    }

    /// Runs `sql` on the test database behind the service's back: only for tests whose
    /// point is a stored state no request can produce (a corrupted value, a back-dated
    /// registration). Then recomputes the derived runs (`db::derived`) from the record, as
    /// the service does after the migration that adds them: a raw write bypasses the
    /// writers that keep them.
    pub fn execute_sql(&self, sql: &str) -> usize {
        let mut conn = self.db_connection();
        let n = diesel::sql_query(sql)
            .execute(&mut conn)
            .expect("statement");
        kopiena::db::derived::rebuild(&mut conn).expect("derived runs");
        n
    }

    /// Every derived run (`db::derived`), programme completion (`db::completions`) and
    /// claim month (`db::claim_months`) as a line of text, table by table, in key order.
    pub fn derived_runs(&self) -> Vec<String> {
        let tables = [
            (
                "client_runs",
                "client_id",
                "municipality || target_group || di_status || ' ' || CAST(record_key AS TEXT)",
            ),
            (
                "assessment_runs",
                "client_id",
                "municipality || target_group || care_level || \
                 CAST(next_reassessment_due AS TEXT) || ' ' || CAST(record_key AS TEXT)",
            ),
            (
                "service_runs",
                "service_id",
                "CAST(provider_id AS TEXT) || sector || municipality || service_type || status \
                 || CAST(capacity AS TEXT) || provider_status || CAST(occupied AS TEXT)",
            ),
            (
                "mentor_load_runs",
                "mentor_id",
                "region || employer_kind || employer_code || CAST(load AS TEXT) || ' ' || CAST(record_key AS TEXT)",
            ),
        ];
        let mut conn = self.db_connection();
        let mut lines: Vec<String> = tables
            .iter()
            .flat_map(|(table, key, values)| {
                let sql = format!(
                    "SELECT '{table} ' || CAST({key} AS TEXT) || ' ' || CAST(starts_on AS TEXT) \
                     || ' ' || COALESCE(CAST(ends_on AS TEXT), '-') || ' ' || {values} AS line \
                     FROM {table} ORDER BY {key}, starts_on"
                );
                diesel::sql_query(sql)
                    .load::<Line>(&mut conn)
                    .expect("derived runs")
                    .into_iter()
                    .map(|l| l.line)
            })
            .collect();
        lines.extend(
            diesel::sql_query(
                "SELECT 'programme_completions ' || trainee_kind || ' ' || \
                     CAST(trainee_id AS TEXT) || ' ' || programme || ' ' || \
                     CAST(completed_on AS TEXT) || ' ' || CAST(employed_from AS TEXT) || ' ' || \
                     COALESCE(CAST(employed_until AS TEXT), '-') || ' ' || region || ' ' || \
                     COALESCE(municipality, '-') || ' ' || CAST(record_key AS TEXT) AS line \
                     FROM programme_completions ORDER BY trainee_kind, trainee_id, programme",
            )
            .load::<Line>(&mut conn)
            .expect("programme completions")
            .into_iter()
            .map(|l| l.line),
        );
        lines.extend(
            diesel::sql_query(
                "SELECT 'claim_months ' || CAST(client_id AS TEXT) || ' ' || \
                 CAST(month AS TEXT) || ' ' || municipality || ' ' || \
                 COALESCE(CAST(assessment_id AS TEXT), '-') || ' ' || \
                 COALESCE(CAST(assessed_on AS TEXT), '-') || ' ' || COALESCE(care_level, '-') \
                 || ' ' || COALESCE(CAST(next_reassessment_due AS TEXT), '-') || ' ' || \
                 CASE WHEN in_group_apartment THEN 'group' ELSE 'home' END || ' ' || \
                 CAST(delivered_days AS TEXT) AS line \
                 FROM claim_months ORDER BY client_id, month",
            )
            .load::<Line>(&mut conn)
            .expect("claim months")
            .into_iter()
            .map(|l| l.line),
        );
        lines
    }

    /// Recomputes every derived run from the record.
    pub fn rebuild_derived_runs(&self) {
        kopiena::db::derived::rebuild(&mut self.db_connection()).expect("derived runs");
    }

    pub fn db_connection(&self) -> kopiena::db::DbConnection {
        kopiena::db::establish(self.db.url()).expect("connect to the test database")
    }
}

#[derive(diesel::QueryableByName)]
struct Line {
    #[diesel(sql_type = diesel::sql_types::Text)]
    line: String,
}

#[derive(diesel::QueryableByName)]
struct CountRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
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
