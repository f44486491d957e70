//! Database access: one `MultiConnection` over PostgreSQL and SQLite, a pool, migrations,
//! and plain synchronous query functions per resource.

pub mod assessments;
pub mod audit;
pub mod bulk;
pub mod case_notes;
pub mod changes;
pub mod claim_months;
pub mod claims;
pub mod clients;
pub mod completions;
mod connect;
pub mod dated;
pub mod decisions;
pub mod deliveries;
pub mod derived;
pub mod idempotency;
pub mod indicators;
pub mod key_checks;
pub mod mentors;
pub mod placements;
pub mod plan_goals;
pub mod providers;
pub mod reference;
pub mod referrals;
pub mod schema;
pub mod services;
pub mod staff;
pub mod stats;
pub mod support_plans;
pub mod tariffs;
pub mod transfer_requests;
pub mod types;
pub mod waiting_lists;
pub mod webhooks;

use connect::establish_with;
pub use connect::{ConnectionOptions, establish, with_libpq_defaults};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::{Backend, DatabaseSettings};
use crate::error::{ApiError, Unavailability};

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

pub type QueryResult<T> = diesel::QueryResult<T>;

/// One page of a list and how many items match the filters on all pages.
#[derive(Debug, Clone)]
pub struct Listed<T> {
    pub rows: Vec<T>,
    pub total: i64,
}

/// What a sync reads of a list: the records modified after an instant (each list says what
/// a modification is), and when streamed one keyset batch of them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Slice {
    pub modified_after: Option<chrono::NaiveDateTime>,
    pub batch: Option<Batch>,
}

/// Up to `limit` records with an id above `after`, in id order.
#[derive(Debug, Clone, Copy)]
pub struct Batch {
    pub after: i64,
    pub limit: i64,
}

impl Slice {
    /// The same records, the batch after id `after` (`STREAM_BATCH` of them at most).
    pub fn after(self, after: i64, limit: i64) -> Slice {
        Slice {
            batch: Some(Batch { after, limit }),
            ..self
        }
    }
}

/// Orders a boxed query by `$order`, or, for a streamed batch of `$slice`, takes the batch:
/// ids above its `after` by `$id`, in id order, at most its `limit`.
macro_rules! in_slice {
    ($query:expr, $slice:expr, $id:expr, $order:expr) => {
        match $slice.batch {
            Some(batch) => $query
                .filter($id.gt(batch.after))
                .order($id)
                .limit(batch.limit),
            None => $query.order($order),
        }
    };
}
pub(crate) use in_slice;

impl DbConnection {
    /// A transaction that writes. On SQLite it begins `IMMEDIATE`, taking the write lock
    /// first: a deferred `BEGIN` that reads and then writes fails at once (`SQLITE_BUSY`,
    /// which busy_timeout cannot wait out) when another writer committed in between, so
    /// concurrent requests would fail instead of queueing. On PostgreSQL, and inside an open
    /// transaction, it is a plain (nested) transaction.
    pub fn write_transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        let sqlite_top_level = match self {
            DbConnection::Sqlite(c) => AnsiTransactionManager::transaction_manager_status_mut(c)
                .transaction_depth()?
                .is_none(),
            DbConnection::Postgres(_) => false,
        };
        if !sqlite_top_level {
            return self.transaction(f);
        }
        if let DbConnection::Sqlite(c) = self {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
        }
        let outcome = f(self);
        if let DbConnection::Sqlite(c) = self {
            match outcome {
                Ok(_) => AnsiTransactionManager::commit_transaction(c)?,
                Err(_) => AnsiTransactionManager::rollback_transaction(c)?,
            }
        }
        outcome
    }

    /// Reads with `f` in one snapshot where that costs nothing: on SQLite in a deferred
    /// transaction (no lock, one snapshot for every statement). On PostgreSQL, where each
    /// statement at READ COMMITTED takes its own snapshot inside a transaction too, `f`'s
    /// statements are sent as they are, saving the two round trips of `BEGIN` and `COMMIT`.
    pub fn read_snapshot<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        match self {
            DbConnection::Sqlite(_) => self.transaction(f),
            DbConnection::Postgres(_) => f(self),
        }
    }
}

const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// The migrations of the connection's backend.
fn migrations_of(conn: &DbConnection) -> EmbeddedMigrations {
    match conn {
        DbConnection::Postgres(_) => PG_MIGRATIONS,
        DbConnection::Sqlite(_) => SQLITE_MIGRATIONS,
    }
}

/// Applies the pending migrations of the connection's backend; returns their names.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    let applied: Vec<String> = conn
        .run_pending_migrations(migrations_of(conn))
        .map(|applied| applied.iter().map(ToString::to_string).collect())
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    // The migrations that add the derived runs, or a column of them, leave them empty or
    // unfilled: they are computed in Rust.
    if applied
        .iter()
        .any(|v| DERIVED_RUNS_MIGRATIONS.contains(&v.as_str()))
    {
        conn.transaction(derived::rebuild)
            .map_err(|e| anyhow::anyhow!("computing the derived runs failed: {e}"))?;
    }
    Ok(applied)
}

/// The versions (as diesel names them) of the migrations that add `db::derived`'s tables
/// (000013), their record keys (000014), the DI status `no_service` (000026), the
/// programme completions (000034) and the claims' client months (000035).
const DERIVED_RUNS_MIGRATIONS: [&str; 5] = [
    "20261206000013",
    "20261206000014",
    "20261207000026",
    "20261207000034",
    "20261207000035",
];

/// Reverts applied migrations, newest first, until `version` (e.g. `2026-12-06-000009`) is
/// the newest applied one; returns the versions reverted. For operators going back one
/// release, and for the tests that migrate data up again.
pub fn revert_migrations_to(conn: &mut DbConnection, version: &str) -> anyhow::Result<Vec<String>> {
    // Diesel names a migration's version by its leading digits, without the dashes.
    let version: String = version.chars().filter(char::is_ascii_digit).collect();
    let mut reverted = Vec::new();
    loop {
        let applied = conn
            .applied_migrations()
            .map_err(|e| anyhow::anyhow!("reading applied migrations: {e}"))?;
        let newest = applied
            .iter()
            .map(ToString::to_string)
            .max()
            .ok_or_else(|| anyhow::anyhow!("{version} was never applied"))?;
        if newest <= version {
            return Ok(reverted);
        }
        let name = conn
            .revert_last_migration(migrations_of(conn))
            .map_err(|e| anyhow::anyhow!("reverting {newest} failed: {e}"))?;
        reverted.push(name.to_string());
    }
}

/// r2d2 manager that builds the variant the URL names (diesel's `ConnectionManager` would
/// go through `MultiConnection::establish`, which tries each backend in turn).
pub struct Manager {
    options: ConnectionOptions,
    health: Arc<Health>,
}

/// What the pool has learnt about the database, shared by the pool and the handlers.
#[derive(Debug, Default)]
struct Health {
    /// The last connection attempt failed: requests that find no idle connection answer
    /// 503 at once instead of waiting for the deadline. r2d2 keeps retrying in the
    /// background (with back-off up to half the deadline) and the first success clears it.
    connect_failed: AtomicBool,
    /// A call failed on storage (disk full or failing) and no write has succeeded since.
    storage_failing: AtomicBool,
}

/// A connection failure with its whole cause chain.
#[derive(Debug, thiserror::Error)]
#[error("{0:#}")]
pub struct ConnectError(anyhow::Error);

/// How long after a call that ended without a database failure its connection is handed
/// out again without a check (a round trip): a connection the database dropped meanwhile
/// fails its next call with a `503` (`/problems/database-unreachable`) and is checked at its
/// next checkout instead.
const SOUND_FOR: Duration = Duration::from_secs(1);

/// A pooled connection and when its last call ended without a database failure.
pub struct PoolConnection {
    conn: DbConnection,
    sound_at: Option<Instant>,
}

impl std::ops::Deref for PoolConnection {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for PoolConnection {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

impl ManageConnection for Manager {
    type Connection = PoolConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<PoolConnection, ConnectError> {
        let outcome = establish_with(&self.options);
        self.health
            .connect_failed
            .store(outcome.is_err(), Ordering::SeqCst);
        let conn = outcome.map_err(ConnectError)?;
        Ok(PoolConnection {
            conn,
            sound_at: None,
        })
    }

    /// Checks a connection on checkout (a `SELECT 1`), unless its last call ended without a
    /// database failure less than [`SOUND_FOR`] ago.
    fn is_valid(&self, conn: &mut PoolConnection) -> Result<(), ConnectError> {
        if conn.sound_at.is_some_and(|at| at.elapsed() < SOUND_FOR) {
            return Ok(());
        }
        conn.conn
            .ping()
            .context("connection check failed")
            .map_err(ConnectError)
    }

    fn has_broken(&self, conn: &mut PoolConnection) -> bool {
        conn.conn.is_broken()
    }
}

/// Where statistics and the public lists are read: the read replica's pool when
/// `KOPIENA_READ_DATABASE_URL` names one, the primary's otherwise. What is read there may lag
/// the primary by the replica's replication delay, so nothing that checks a rule reads it.
#[derive(Clone)]
pub struct ReadDb(pub Db);

impl std::ops::Deref for ReadDb {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.0
    }
}

/// A logger for r2d2 that drops its messages: a failed connection attempt is reported once
/// per request as a 503 and in `/health/ready`, not every few milliseconds by r2d2.
#[derive(Debug)]
struct QuietPoolErrors;

impl r2d2::HandleError<ConnectError> for QuietPoolErrors {
    fn handle_error(&self, error: ConnectError) {
        tracing::debug!(error = %error, "database connection attempt failed");
    }
}

/// The pool handle shared by all handlers.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    backend: Backend,
    /// SQLite: the one write transaction at a time, handed out first come, first served.
    /// SQLite's own busy handler retries with growing sleeps, so under a queue of writers a
    /// late one could take the lock before one that had waited for seconds (p99 2.2 s and
    /// 503s for `POST /clients` at 16 connections); `tokio`'s mutex is fair. Writes of
    /// other processes on the same file still meet SQLite's lock (busy_timeout).
    writer: Option<Arc<tokio::sync::Mutex<()>>>,
    /// The deadline of each call (`KOPIENA_DB_TIMEOUT_MS`).
    timeout: Duration,
    health: Arc<Health>,
    options: Arc<ConnectionOptions>,
}

/// How long one wait for a pooled connection lasts before the refusal flag is looked at
/// again.
const CHECKOUT_SLICE: Duration = Duration::from_millis(50);

/// What `/health/ready` learnt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// A pooled connection answered.
    Ready,
    /// Every pooled connection is in use, and a fresh connection answered: the database
    /// is up and the instance is busy, not broken.
    Saturated,
}

impl Db {
    /// Connects, applies migrations, and builds the pool. Fails (never falls back) when the
    /// database cannot be reached at start.
    pub fn connect(settings: &DatabaseSettings) -> anyhow::Result<Self> {
        let options = ConnectionOptions::from_settings(settings);
        // Migrations may run long: their connection has no statement or lock timeout.
        let mut conn = establish_with(&ConnectionOptions {
            statement_timeout: None,
            lock_timeout: None,
            ..options.clone()
        })?;
        let applied = run_migrations(&mut conn)?;
        if !applied.is_empty() {
            tracing::info!(count = applied.len(), "applied database migrations");
        }
        drop(conn);
        Ok(Self::pooled(settings, options))
    }

    /// Builds the pool of a database another's migrations keep (`KOPIENA_READ_DATABASE_URL`,
    /// a read replica): nothing is applied to it.
    pub fn connect_reader(settings: &DatabaseSettings) -> Self {
        Self::pooled(settings, ConnectionOptions::from_settings(settings))
    }

    fn pooled(settings: &DatabaseSettings, options: ConnectionOptions) -> Self {
        let options = ConnectionOptions {
            set_wal: false,
            ..options
        };
        let health = Arc::new(Health::default());
        let pool = Pool::builder()
            .max_size(settings.pool_size)
            .min_idle(Some(1))
            .connection_timeout(settings.connect_timeout)
            .error_handler(Box::new(QuietPoolErrors))
            .build_unchecked(Manager {
                options: options.clone(),
                health: Arc::clone(&health),
            });
        Self {
            pool,
            backend: settings.backend(),
            writer: (settings.backend() == Backend::Sqlite)
                .then(|| Arc::new(tokio::sync::Mutex::new(()))),
            timeout: settings.connect_timeout,
            health,
            options: Arc::new(options),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The deadline of each call (`KOPIENA_DB_TIMEOUT_MS`).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Runs `f` with a pooled connection on the blocking thread pool (never on an actix
    /// worker). Waiting for a connection blocks too, so it happens inside the same task.
    /// The whole call has a deadline (`KOPIENA_DB_TIMEOUT_MS`): when it passes the request
    /// answers 503 at once, while the blocking thread finishes (or is cancelled by the
    /// server's `statement_timeout`) on its own.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Into<ApiError> + Send + 'static,
    {
        self.call(false, move |conn, _| f(conn).map_err(Into::into))
            .await
    }

    /// Runs `f` in one write transaction (`DbConnection::write_transaction`) on a pooled
    /// connection: every request that writes, or that reads client-level data and audits it.
    /// A transaction whose deadline passed before it commits is rolled back, so a request
    /// answered 503 for its deadline has (almost always) changed nothing.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.call(true, move |conn, deadline| {
            conn.write_transaction(|conn| {
                let value = f(conn)?;
                if Instant::now() >= deadline {
                    return Err(ApiError::Unavailable(Unavailability::Timeout));
                }
                Ok(value)
            })
        })
        .await
    }

    async fn call<T, F>(&self, writes: bool, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection, Instant) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let deadline = Instant::now() + self.timeout;
        let pool = self.pool.clone();
        let health = Arc::clone(&self.health);
        // SQLite's writers queue here for their turn, held until the transaction ends (even
        // when the caller's deadline passed first). The turn must come while a whole lock
        // wait (busy_timeout, for a lock held by another process) still fits before the
        // deadline: otherwise the database is busy, and the answer says so in time.
        let turn = match (&self.writer, writes) {
            (Some(writer), true) => {
                let by = self
                    .options
                    .lock_timeout
                    .and_then(|wait| deadline.checked_sub(wait))
                    .unwrap_or(deadline);
                let waited = tokio::time::timeout_at(by.into(), Arc::clone(writer).lock_owned());
                Some(
                    waited
                        .await
                        .map_err(|_| ApiError::Unavailable(Unavailability::Busy))?,
                )
            }
            _ => None,
        };
        let task = actix_web::web::block(move || -> Result<T, ApiError> {
            let _turn = turn;
            let mut conn = checkout(&pool, &health, deadline)?;
            if Instant::now() >= deadline {
                return Err(ApiError::Unavailable(Unavailability::Timeout));
            }
            let outcome = f(&mut conn, deadline);
            // A call the database failed (or that failed for a reason of the server's) leaves
            // its connection to be checked at the next checkout.
            conn.sound_at = match &outcome {
                Err(ApiError::Unavailable(_) | ApiError::Internal(_)) => None,
                _ => Some(Instant::now()),
            };
            outcome
        });
        let outcome = match tokio::time::timeout_at(deadline.into(), task).await {
            Ok(joined) => joined?,
            Err(_) => Err(ApiError::Unavailable(Unavailability::Timeout)),
        };
        match &outcome {
            Err(ApiError::Unavailable(Unavailability::Storage)) => {
                self.health.storage_failing.store(true, Ordering::SeqCst);
            }
            Ok(_) if writes => self.health.storage_failing.store(false, Ordering::SeqCst),
            _ => {}
        }
        outcome
    }

    /// Checks that the database answers, for `/health/ready`, within the deadline. An
    /// unreachable database is a 503; while the last pool connection attempt failed, the
    /// check opens a connection of its own (and a success lets requests use the pool again
    /// at once); a saturated pool is checked with a fresh connection and stays ready; after a storage
    /// failure a small write (a table created and dropped in one transaction) must succeed.
    pub async fn ready(&self) -> Result<Readiness, ApiError> {
        let deadline = Instant::now() + self.timeout;
        let pool = self.pool.clone();
        let health = Arc::clone(&self.health);
        let options = Arc::clone(&self.options);
        let task = actix_web::web::block(move || -> Result<Readiness, ApiError> {
            let direct = || {
                establish_with(&options).map_err(|e| {
                    tracing::debug!(error = format!("{e:#}"), "readiness connection failed");
                    ApiError::Unavailable(Unavailability::Unreachable)
                })
            };
            let (mut conn, readiness) = match pool.try_get() {
                Some(conn) => (Checkout::Pooled(conn), Readiness::Ready),
                // Requests fail fast meanwhile; readiness tries a connection of its own, and
                // when that succeeds the pool may try again at once.
                None if health.connect_failed.load(Ordering::SeqCst) => {
                    let conn = direct()?;
                    health.connect_failed.store(false, Ordering::SeqCst);
                    (Checkout::Direct(conn), Readiness::Ready)
                }
                None => match pool.get_timeout(CHECKOUT_SLICE * 2) {
                    Ok(conn) => (Checkout::Pooled(conn), Readiness::Ready),
                    Err(_) => {
                        let conn = direct()?;
                        let state = pool.state();
                        let saturated =
                            state.idle_connections == 0 && state.connections >= pool.max_size();
                        let readiness = if saturated {
                            Readiness::Saturated
                        } else {
                            Readiness::Ready
                        };
                        (Checkout::Direct(conn), readiness)
                    }
                },
            };
            let conn: &mut DbConnection = match &mut conn {
                Checkout::Pooled(c) => c,
                Checkout::Direct(c) => c,
            };
            conn.batch_execute("SELECT 1")?;
            if health.storage_failing.load(Ordering::SeqCst) {
                let table = format!("kopiena_probe_{}", uuid::Uuid::new_v4().simple());
                conn.write_transaction(|c| {
                    c.batch_execute(&format!(
                        "CREATE TABLE {table} (x INTEGER); DROP TABLE {table};"
                    ))
                })?;
                health.storage_failing.store(false, Ordering::SeqCst);
            }
            Ok(readiness)
        });
        let outcome = match tokio::time::timeout_at(deadline.into(), task).await {
            Ok(joined) => joined?,
            Err(_) => Err(ApiError::Unavailable(Unavailability::Timeout)),
        };
        if let Err(ApiError::Unavailable(Unavailability::Storage)) = &outcome {
            self.health.storage_failing.store(true, Ordering::SeqCst);
        }
        outcome
    }
}

/// A connection for the readiness check: from the pool, or opened for the check alone.
enum Checkout {
    Pooled(PooledConnection<Manager>),
    Direct(DbConnection),
}

/// Takes a pooled connection before `deadline`. While the last connection attempt failed,
/// only an idle connection is taken and none answers 503 at once (fail fast); otherwise it
/// waits in short slices, so a refusal learnt meanwhile ends the wait too. A pool that stays
/// saturated until the deadline is busy.
fn checkout(
    pool: &Pool<Manager>,
    health: &Health,
    deadline: Instant,
) -> Result<PooledConnection<Manager>, ApiError> {
    loop {
        if health.connect_failed.load(Ordering::SeqCst) {
            return pool
                .try_get()
                .ok_or(ApiError::Unavailable(Unavailability::Unreachable));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ApiError::Unavailable(Unavailability::Busy));
        }
        if let Ok(conn) = pool.get_timeout(left.min(CHECKOUT_SLICE)) {
            return Ok(conn);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SqliteSynchronous;

    /// A full disk, made with SQLite's `max_page_count` on the only pooled connection: the
    /// write is a 503 storage problem, readiness then fails (its probe write fails too) and
    /// recovers once writing works again.
    #[tokio::test]
    async fn a_full_disk_is_a_storage_problem_and_readiness_fails_until_writes_work() {
        let dir = tempfile::tempdir().expect("dir");
        let settings = DatabaseSettings {
            url: dir.path().join("full.db").display().to_string(),
            pool_size: 1,
            connect_timeout: Duration::from_secs(2),
            statement_timeout: Duration::from_secs(2),
            lock_timeout: Duration::from_secs(1),
            sqlite_synchronous: SqliteSynchronous::Full,
        };
        let db = Db::connect(&settings).expect("database");
        assert_eq!(db.ready().await.ok(), Some(Readiness::Ready));
        let fill = |c: &mut DbConnection| {
            c.batch_execute(
                "CREATE TABLE IF NOT EXISTS filler (x TEXT); \
                 INSERT INTO filler SELECT hex(randomblob(4000)) FROM \
                 (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) \
                  SELECT i FROM n);",
            )
            .map_err(ApiError::from)
        };
        db.run(|c| {
            // No free page left (a migration that drops a table leaves some, and the probe's
            // table would take one), then clamped to the current size: not one page more.
            c.batch_execute("VACUUM; PRAGMA max_page_count = 1")
        })
        .await
        .expect("limit");
        let written = db.write(fill).await;
        assert!(
            matches!(written, Err(ApiError::Unavailable(Unavailability::Storage))),
            "{written:?}"
        );
        assert!(matches!(
            db.ready().await,
            Err(ApiError::Unavailable(Unavailability::Storage))
        ));
        db.run(|c| c.batch_execute("PRAGMA max_page_count = 1073741823"))
            .await
            .expect("room again");
        assert_eq!(db.ready().await.ok(), Some(Readiness::Ready));
        db.write(fill).await.expect("writes work again");
    }
}
