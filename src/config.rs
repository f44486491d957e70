//! Settings from environment variables. Every variable, with its default, is listed in the README.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};

/// The database backend a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// Where the data lives. The backend is decided by the URL's scheme, never by trial.
#[derive(Clone)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_size: u32,
    /// How long a request waits for a pooled connection before it answers 503.
    pub connect_timeout: Duration,
}

impl DatabaseSettings {
    pub fn backend(&self) -> Backend {
        backend_of(&self.url)
    }
}

/// `postgres://` and `postgresql://` select PostgreSQL; anything else is an SQLite path,
/// with an optional `sqlite://` or `sqlite:` prefix.
pub fn backend_of(url: &str) -> Backend {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

// The URL may carry a password: never print it.
impl std::fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("backend", &self.backend())
            .field("pool_size", &self.pool_size)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Text,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub database: DatabaseSettings,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Origins allowed by CORS; `*` allows any. Empty: no cross-origin access.
    pub cors_origins: Vec<String>,
    pub log_format: LogFormat,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/kopiena.db";

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the settings through `lookup`, so tests can build them without touching the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let get = |key: &str| lookup(key).filter(|v| !v.trim().is_empty());
        let parse_or = |key: &str, default: u64| -> anyhow::Result<u64> {
            get(key).map_or(Ok(default), |v| {
                v.trim()
                    .parse()
                    .with_context(|| format!("{key} must be a non-negative integer, got {v:?}"))
            })
        };
        let bind = get("KOPIENA_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind = bind
            .parse()
            .with_context(|| format!("KOPIENA_BIND must be HOST:PORT, got {bind:?}"))?;
        let log_format = match get("KOPIENA_LOG_FORMAT").as_deref() {
            None | Some("json") => LogFormat::Json,
            Some("text") => LogFormat::Text,
            Some(other) => bail!("KOPIENA_LOG_FORMAT must be json or text, got {other:?}"),
        };
        let pool_size = u32::try_from(parse_or("KOPIENA_DB_POOL_SIZE", 8)?)
            .context("KOPIENA_DB_POOL_SIZE is too large")?;
        if pool_size == 0 {
            bail!("KOPIENA_DB_POOL_SIZE must be at least 1");
        }
        Ok(Self {
            bind,
            database: DatabaseSettings {
                url: get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
                pool_size,
                connect_timeout: Duration::from_millis(parse_or("KOPIENA_DB_TIMEOUT_MS", 5_000)?),
            },
            max_body_bytes: usize::try_from(parse_or("KOPIENA_MAX_BODY_BYTES", 256 * 1024)?)
                .context("KOPIENA_MAX_BODY_BYTES is too large")?,
            cors_origins: get("KOPIENA_CORS_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            log_format,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|key| vars.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    }

    #[test]
    fn defaults_serve_sqlite_on_localhost_8080() -> anyhow::Result<()> {
        let s = settings(&[])?;
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.database.backend(), Backend::Sqlite);
        assert_eq!(s.database.url, DEFAULT_DATABASE_URL);
        assert!(s.cors_origins.is_empty());
        Ok(())
    }

    #[test]
    fn postgres_urls_select_postgres() {
        assert_eq!(backend_of("postgres://u@h/db"), Backend::Postgres);
        assert_eq!(backend_of("postgresql://u@h/db"), Backend::Postgres);
        assert_eq!(backend_of("sqlite://data/x.db"), Backend::Sqlite);
        assert_eq!(backend_of("/tmp/x.db"), Backend::Sqlite);
    }

    #[test]
    fn invalid_values_are_rejected_with_the_variable_name() {
        let err = settings(&[("KOPIENA_BIND", "nope")])
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("KOPIENA_BIND")));
        let err = settings(&[("KOPIENA_DB_POOL_SIZE", "0")])
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("KOPIENA_DB_POOL_SIZE")));
    }

    #[test]
    fn database_url_is_not_printed() {
        let s = settings(&[("DATABASE_URL", "postgres://u:secret@h/db")]);
        assert!(s.is_ok_and(|s| !format!("{s:?}").contains("secret")));
    }

    #[test]
    fn cors_origins_are_a_comma_separated_list() -> anyhow::Result<()> {
        let s = settings(&[("KOPIENA_CORS_ORIGINS", "https://a.lv, https://b.lv,")])?;
        assert_eq!(s.cors_origins, vec!["https://a.lv", "https://b.lv"]);
        Ok(())
    }
}
