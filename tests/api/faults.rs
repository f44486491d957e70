//! Fault tests: a database that is frozen, locked by another session or busy answers a 503
//! problem within its deadline (never a 500, never a hang) and recovers without a restart.
//!
//! The service runs in-process on its own port and its own database (as everywhere in this
//! suite). Whatever freezes or stops PostgreSQL does it to a throw-away cluster the test
//! creates (`initdb` into a temporary directory, trust authentication, a free port on
//! 127.0.0.1), never to the shared server. Tests named `slow_…` take a few seconds each;
//! they are part of `cargo test`, so CI runs them on both backends.

use std::future::IntoFuture;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};

use crate::helpers::{
    Call, TestApp, TestDb, assert_problem, ministry, provider_body, providers_query, token,
};

/// The deadline the harness configures (`KOPIENA_DB_TIMEOUT_MS=1000`).
const DEADLINE: Duration = Duration::from_millis(1000);

/// The deadline of the tests of a lock held elsewhere: the lock wait (500 ms) must end
/// before it, with room for a suite that keeps both cores busy (with the harness's 1 s, a
/// write that started 500 ms late under a parallel suite answered database-timeout).
const LOCK_DEADLINE: Duration = Duration::from_millis(3000);

/// An instance whose requests have `LOCK_DEADLINE`.
async fn spawn_for_locks() -> TestApp {
    TestApp::spawn_with(|key| (key == "KOPIENA_DB_TIMEOUT_MS").then(|| "3000".into())).await
}

/// Sends `call`, giving up (and failing the test) after 10 s, so a regression fails instead
/// of hanging the suite; returns the response and how long it took.
async fn timed(call: Call) -> (reqwest::Response, Duration) {
    let what = call.what().to_string();
    let started = Instant::now();
    let response = tokio::time::timeout(Duration::from_secs(10), call.into_future())
        .await
        .unwrap_or_else(|_| panic!("{what} did not answer within 10 s"));
    (response, started.elapsed())
}

/// Checks a 503 database problem that came within the deadline + 1 s; returns its type.
async fn assert_unavailable_in_time(call: Call, limit: Duration) -> String {
    let what = call.what().to_string();
    let (response, elapsed) = timed(call).await;
    assert!(
        elapsed <= limit,
        "{what} answered after {elapsed:?}, more than {limit:?}"
    );
    assert!(
        response.headers().contains_key("retry-after"),
        "{what}: Retry-After"
    );
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.expect("problem body");
    assert_eq!(status, 503, "{what}: {body}");
    let type_ = body["type"].as_str().unwrap_or_default().to_string();
    eprintln!("{what}: {status} {type_} in {elapsed:?}");
    assert!(
        type_.starts_with("/problems/database-"),
        "{what}: a stable database problem type, got {body}"
    );
    type_
}

fn postgres_selected() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|url| url.starts_with("postgres"))
}

// ---------------------------------------------------------------------------------------
// A lock held by another session.

/// Another session holds the lock a write needs (PostgreSQL: `LOCK TABLE providers IN
/// ACCESS EXCLUSIVE MODE` in an open transaction on the test's own database; SQLite: an
/// open `BEGIN EXCLUSIVE` on the service's file). The write answers 503 database-busy
/// after the lock timeout (500 ms here), within the deadline + 1 s, never 500; readiness
/// stays 200 (the database answers); the write succeeds once the lock is released.
#[tokio::test]
async fn a_lock_held_by_another_session_answers_503_in_time_never_500() {
    let app = spawn_for_locks().await;
    let ministry = token(&ministry());
    let lock = hold_write_lock(&app.db);
    let limit = LOCK_DEADLINE + Duration::from_secs(1);
    let write = app.create_provider(&ministry, &provider_body("RIX", "LOCK-1"));
    assert_eq!(
        assert_unavailable_in_time(write, limit).await,
        "/problems/database-busy"
    );
    if let Lock::Postgres(_) = lock {
        // ACCESS EXCLUSIVE blocks readers too; SQLite's WAL lets them read beside the lock.
        let read = app.list_providers(&providers_query());
        assert_eq!(
            assert_unavailable_in_time(read, limit).await,
            "/problems/database-busy"
        );
    }
    let (ready, elapsed) = timed(app.health_ready()).await;
    assert_eq!(ready.status(), 200, "readiness beside a lock ({elapsed:?})");

    drop(lock);
    app.create_provider(&ministry, &provider_body("RIX", "LOCK-1"))
        .created()
        .await;
}

/// A pool that is merely saturated keeps the instance ready: while writes wait for a lock
/// held elsewhere, one of them on the pool's only connection (SQLite lets one write of an
/// instance at a time take a connection, so a larger pool would not fill), readiness opens a
/// connection of its own, finds the database answering and says 200 with `pool: saturated`.
#[tokio::test]
async fn a_saturated_pool_stays_ready() {
    let app = TestApp::spawn_with(|key| match key {
        "KOPIENA_DB_TIMEOUT_MS" => Some("3000".into()),
        "KOPIENA_DB_POOL_SIZE" => Some("1".into()),
        _ => None,
    })
    .await;
    let ministry = token(&ministry());
    let lock = hold_write_lock(&app.db);
    let writes = futures::future::join_all((0..4).map(|i| {
        timed(app.create_provider(&ministry, &provider_body("RIX", &format!("SAT-{i}"))))
    }));
    // The writes hold every pooled connection for up to the lock timeout (1.5 s); readiness
    // is asked until it sees the saturation (the writes may take a moment to arrive).
    let ready = async {
        let started = Instant::now();
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let (response, elapsed) = timed(app.health_ready()).await;
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.expect("readiness body");
            eprintln!("readiness beside four waiting writes: {status} {body} in {elapsed:?}");
            assert_eq!(status, 200, "{body}");
            if body["pool"] == "saturated" {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_millis(1200),
                "readiness never saw the pool saturated"
            );
        }
        drop(lock);
    };
    let (writes, ()) = tokio::join!(writes, ready);
    for (response, elapsed) in writes {
        let status = response.status().as_u16();
        let body = response.text().await.expect("body");
        eprintln!("write beside the lock: {status} {body} in {elapsed:?}");
        assert!([201, 503].contains(&status), "{status} {body}");
    }
    assert_eq!(app.health_ready().ok().await["pool"], "available");
}

/// SQLite held by another process (here a Python one, as an operator's tool would be): a
/// write answers 503 before `KOPIENA_DB_TIMEOUT_MS` + 1 s, and succeeds once the other
/// process lets go.
#[tokio::test]
async fn sqlite_held_by_another_process_answers_503_in_time() {
    if postgres_selected() {
        eprintln!("skipped on PostgreSQL: the lock of another session is tested above");
        return;
    }
    let app = spawn_for_locks().await;
    let ministry = token(&ministry());
    let mut holder = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3, sys, time\n\
             c = sqlite3.connect(sys.argv[1], isolation_level=None)\n\
             c.execute('BEGIN EXCLUSIVE')\n\
             print('locked', flush=True)\n\
             time.sleep(30)",
            app.db.url(),
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 holds the lock");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(holder.stdout.take().expect("stdout")),
        &mut line,
    )
    .expect("the holder reports");
    assert_eq!(line.trim(), "locked");
    let write = app.create_provider(&ministry, &provider_body("RIX", "PROC-1"));
    let outcome = assert_unavailable_in_time(write, LOCK_DEADLINE + Duration::from_secs(1)).await;
    holder.kill().expect("the holder ends");
    holder.wait().expect("the holder is gone");
    assert_eq!(outcome, "/problems/database-busy");
    app.create_provider(&ministry, &provider_body("RIX", "PROC-1"))
        .created()
        .await;
}

/// Holds the write lock of the test's database from a second session.
fn hold_write_lock(db: &TestDb) -> Lock {
    match db {
        TestDb::Postgres { url, .. } => {
            let mut conn = PgConnection::establish(url).expect("second session");
            conn.batch_execute("BEGIN; LOCK TABLE providers IN ACCESS EXCLUSIVE MODE")
                .expect("lock");
            Lock::Postgres(conn)
        }
        TestDb::Sqlite { url, .. } => {
            let mut conn = SqliteConnection::establish(url).expect("second connection");
            conn.batch_execute("BEGIN EXCLUSIVE").expect("lock");
            Lock::Sqlite(conn)
        }
        TestDb::External { .. } => unreachable!("the harness database"),
    }
}

/// A session holding a lock; dropping it ends the transaction (the connection closes).
enum Lock {
    Postgres(#[expect(dead_code, reason = "held for its open transaction")] PgConnection),
    Sqlite(#[expect(dead_code, reason = "held for its open transaction")] SqliteConnection),
}

/// PostgreSQL's `statement_timeout` (57014 query_canceled) is a 503, not a 500: with the
/// statement timeout (300 ms) below the lock timeout (900 ms), the server cancels the
/// statement waiting for the lock.
#[tokio::test]
async fn a_statement_cancelled_by_statement_timeout_answers_503() {
    if !postgres_selected() {
        eprintln!("skipped on SQLite: set TEST_DATABASE_URL=postgres://… to run");
        return;
    }
    let app = TestApp::spawn_with(|key| match key {
        "KOPIENA_DB_TIMEOUT_MS" => Some("2000".into()),
        "KOPIENA_DB_STATEMENT_TIMEOUT_MS" => Some("300".into()),
        "KOPIENA_DB_LOCK_TIMEOUT_MS" => Some("900".into()),
        _ => None,
    })
    .await;
    let mut lock = PgConnection::establish(app.db.url()).expect("second session");
    lock.batch_execute("BEGIN; LOCK TABLE providers IN ACCESS EXCLUSIVE MODE")
        .expect("lock");
    let (response, elapsed) = timed(app.list_providers(&providers_query())).await;
    // Answered by a timeout, well before the lock is released below (a bound loose enough
    // for a loaded machine: which of the two timeouts fired is not a timing question).
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_problem(response, 503, "/problems/database-busy").await;
    lock.batch_execute("ROLLBACK").expect("unlock");
    app.list_providers(&providers_query()).ok().await;
}

// ---------------------------------------------------------------------------------------
// A frozen PostgreSQL (a stalled host or a network partition): a throw-away cluster whose
// processes are stopped with SIGSTOP.

/// A throw-away PostgreSQL cluster on 127.0.0.1; `Drop` resumes, stops and removes it.
struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl Cluster {
    /// The newest `/usr/lib/postgresql/*/bin` that has `initdb`.
    fn bin_dir() -> Option<PathBuf> {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|bin| bin.join("initdb").exists())
            .collect();
        dirs.sort_by_key(|d| {
            d.parent()
                .and_then(|v| v.file_name())
                .and_then(|v| v.to_str())
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(0)
        });
        dirs.pop()
    }

    fn start() -> Self {
        let bin = Self::bin_dir()
            .expect("PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin");
        let dir = tempfile::Builder::new()
            .prefix("kopiena-pg-")
            .tempdir()
            .expect("cluster directory");
        // initdb refuses to run as root: then the cluster belongs to the postgres user.
        let as_postgres = run_ok(Command::new("id").arg("-u")).trim() == "0";
        if as_postgres {
            run_ok(Command::new("chown").arg("postgres:").arg(dir.path()));
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let cluster = Cluster {
            dir,
            bin,
            port,
            as_postgres,
        };
        let data = cluster.data();
        run_ok(cluster.command("initdb").args([
            "-D",
            &data,
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        ]));
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c max_connections=30 -c shared_buffers=16MB",
            cluster.port,
            cluster.dir.path().display()
        );
        run_ok(cluster.command("pg_ctl").args([
            "-D",
            &data,
            "-l",
            &format!("{data}/server.log"),
            "-o",
            &options,
            "-w",
            "-t",
            "30",
            "start",
        ]));
        cluster
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The postmaster and every process it started (its backends and workers).
    fn processes(&self) -> Vec<u32> {
        let Some(postmaster) =
            std::fs::read_to_string(Path::new(&self.data()).join("postmaster.pid"))
                .ok()
                .and_then(|pid| {
                    pid.lines()
                        .next()
                        .and_then(|l| l.trim().parse::<u32>().ok())
                })
        else {
            return Vec::new();
        };
        let mut pids = vec![postmaster];
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            let parent = std::fs::read_to_string(entry.path().join("stat"))
                .ok()
                .and_then(|stat| {
                    // "pid (comm) state ppid …": the command may hold spaces.
                    let after = stat.rsplit_once(')')?.1.to_string();
                    after.split_whitespace().nth(1)?.parse::<u32>().ok()
                });
            if parent == Some(postmaster) {
                pids.push(pid);
            }
        }
        pids
    }

    /// Sends `signal` (`STOP`, `CONT`) to the postmaster and its children.
    fn signal(&self, signal: &str) {
        let pids: Vec<String> = self.processes().iter().map(u32::to_string).collect();
        if pids.is_empty() {
            return;
        }
        // The shell's built-in kill: no procps needed on a minimal CI image.
        let _ = Command::new("sh")
            .args(["-c", &format!("kill -{signal} \"$@\""), "sh"])
            .args(&pids)
            .status();
    }

    /// Stops the server (fast shutdown); new connections are refused afterwards.
    fn stop(&self) {
        self.signal("CONT");
        let _ = self
            .command("pg_ctl")
            .args([
                "-D",
                &self.data(),
                "-m",
                "immediate",
                "-w",
                "-t",
                "20",
                "stop",
            ])
            .output();
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Resumed first, whatever happened, so the stop (and the service's stuck threads)
        // can finish; the directory goes with the TempDir.
        self.stop();
    }
}

/// Runs `command`, failing the test with its output unless it succeeds; its stdout.
fn run_ok(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A frozen PostgreSQL (every process of the test's own cluster stopped with SIGSTOP)
/// answers readiness and data requests with a 503 problem within the deadline + 1 s,
/// although the blocking threads stay stuck until the server resumes; after SIGCONT it
/// recovers without a restart. Then the cluster is stopped: the refusal is learnt on the
/// first request and every later one answers at once (well under the deadline).
#[tokio::test]
async fn slow_a_frozen_postgres_answers_503_within_the_deadline_and_recovers() {
    if !postgres_selected() {
        eprintln!("skipped on SQLite: set TEST_DATABASE_URL=postgres://… to run");
        return;
    }
    let started = Instant::now();
    let cluster = Cluster::start();
    eprintln!("cluster started in {:?}", started.elapsed());
    let app = TestApp::spawn_on(TestDb::External { url: cluster.url() }, |_| None).await;
    assert_eq!(app.health_ready().ok().await["status"], "ok");
    assert_eq!(app.list_planning_regions().ok().await["total"], 5);

    cluster.signal("STOP");
    let limit = DEADLINE + Duration::from_secs(1);
    let frozen = Instant::now();
    // The public cache answers only within a second of its last look at the database's
    // changes (`public_cache::MAX_STALENESS`); after that, public reads reach the database
    // like the others.
    tokio::time::sleep(kopiena::public_cache::MAX_STALENESS + Duration::from_millis(100)).await;
    // More concurrent requests than pooled connections (4): some find every connection
    // stuck and wait for the pool instead; all answer in time.
    let mut calls = vec![app.health_ready()];
    calls.extend((0..6).map(|_| app.list_planning_regions()));
    futures::future::join_all(
        calls
            .into_iter()
            .map(|call| assert_unavailable_in_time(call, limit)),
    )
    .await;
    // Now every pooled connection is stuck: readiness is not fooled into "saturated".
    assert_unavailable_in_time(app.health_ready(), limit).await;
    assert_unavailable_in_time(app.list_planning_regions(), limit).await;
    eprintln!("frozen for {:?}", frozen.elapsed());
    // The public reads went past the cache, and its metrics say so.
    let bypassed = crate::public_cache::outcomes(&app.address, "bypassed").await;
    assert!(bypassed >= 7, "bypassed {bypassed}");

    cluster.signal("CONT");
    let recovered = Instant::now();
    loop {
        let (response, _) = timed(app.health_ready()).await;
        if response.status() == 200 {
            break;
        }
        assert!(
            recovered.elapsed() < Duration::from_secs(15),
            "readiness recovers after SIGCONT"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.list_planning_regions().ok().await["total"], 5);
    eprintln!("recovered in {:?}", recovered.elapsed());

    cluster.stop();
    tokio::time::sleep(kopiena::public_cache::MAX_STALENESS + Duration::from_millis(100)).await;
    assert_unavailable_in_time(app.list_planning_regions(), limit).await;
    for _ in 0..5 {
        let kind =
            assert_unavailable_in_time(app.list_planning_regions(), Duration::from_millis(300))
                .await;
        assert_eq!(kind, "/problems/database-unreachable");
    }
    assert_eq!(
        assert_unavailable_in_time(app.health_ready(), limit).await,
        "/problems/database-unreachable"
    );
}
