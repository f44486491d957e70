//! Database access: one `MultiConnection` over PostgreSQL and SQLite, a pool, migrations,
//! and plain synchronous query functions per resource.

pub mod assessments;
pub mod audit;
pub mod bulk;
pub mod clients;
pub mod idempotency;
pub mod mentors;
pub mod placements;
pub mod providers;
pub mod reference;
pub mod schema;
pub mod services;
pub mod stats;
pub mod support_plans;
pub mod types;

use std::path::Path;

use anyhow::Context;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::{Backend, DatabaseSettings, backend_of};
use crate::error::ApiError;

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
}

const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Opens one connection of the backend the URL names. PostgreSQL errors are reported as
/// they are; an unreachable PostgreSQL server never falls back to SQLite.
pub fn establish(url: &str) -> anyhow::Result<DbConnection> {
    match backend_of(url) {
        Backend::Postgres => PgConnection::establish(url)
            .map(DbConnection::Postgres)
            .context("cannot connect to PostgreSQL"),
        Backend::Sqlite => {
            let path = sqlite_path(url);
            if let Some(dir) = Path::new(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create directory {}", dir.display()))?;
            }
            let mut conn = SqliteConnection::establish(path)
                .with_context(|| format!("cannot open SQLite database {path}"))?;
            // WAL lets readers work beside the one writer; busy_timeout makes concurrent
            // writers wait for the lock instead of failing at once.
            conn.batch_execute(
                "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                 PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
            )
            .context("cannot configure SQLite connection")?;
            Ok(DbConnection::Sqlite(conn))
        }
    }
}

fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

/// Applies the pending migrations of the connection's backend; returns their names.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    let source = match conn {
        DbConnection::Postgres(_) => PG_MIGRATIONS,
        DbConnection::Sqlite(_) => SQLITE_MIGRATIONS,
    };
    conn.run_pending_migrations(source)
        .map(|applied| applied.iter().map(ToString::to_string).collect())
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))
}

/// r2d2 manager that builds the variant the URL names (diesel's `ConnectionManager` would
/// go through `MultiConnection::establish`, which tries each backend in turn).
pub struct Manager {
    url: String,
}

/// A connection failure with its whole cause chain.
#[derive(Debug, thiserror::Error)]
#[error("{0:#}")]
pub struct ConnectError(anyhow::Error);

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConnection, ConnectError> {
        establish(&self.url).map_err(ConnectError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectError> {
        conn.ping()
            .context("connection check failed")
            .map_err(ConnectError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
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
}

impl Db {
    /// Connects, applies migrations, and builds the pool. Fails (never falls back) when the
    /// database cannot be reached at start.
    pub fn connect(settings: &DatabaseSettings) -> anyhow::Result<Self> {
        let mut conn = establish(&settings.url)?;
        let applied = run_migrations(&mut conn)?;
        if !applied.is_empty() {
            tracing::info!(count = applied.len(), "applied database migrations");
        }
        drop(conn);
        let pool = Pool::builder()
            .max_size(settings.pool_size)
            .min_idle(Some(1))
            .connection_timeout(settings.connect_timeout)
            .error_handler(Box::new(QuietPoolErrors))
            .build_unchecked(Manager {
                url: settings.url.clone(),
            });
        Ok(Self {
            pool,
            backend: settings.backend(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs `f` with a pooled connection on the blocking thread pool (never on an actix
    /// worker). Waiting for a connection blocks too, so it happens inside the same task.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Into<ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || -> Result<T, ApiError> {
            let mut conn: PooledConnection<Manager> = pool.get()?;
            f(&mut conn).map_err(Into::into)
        })
        .await?
    }

    /// Runs `f` in one write transaction (`DbConnection::write_transaction`) on a pooled
    /// connection: every request that writes, or that reads client-level data and audits it.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.run(move |conn| conn.write_transaction(f)).await
    }

    /// Checks that the database answers, for `/health/ready`.
    pub async fn ping(&self) -> Result<(), ApiError> {
        self.run(|conn| conn.batch_execute("SELECT 1")).await
    }
}
