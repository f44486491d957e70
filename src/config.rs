//! Settings from environment variables. Every variable, with its default, is listed in the README.

use std::net::SocketAddr;
use std::time::Duration;

use std::path::PathBuf;

use anyhow::{Context, bail};
use secrecy::{ExposeSecret, SecretString};

use crate::domain::disclosure::Perturbation;
use crate::domain::interval::DatingWindow;
use crate::domain::plan_goal::review_months_allowed;
use crate::domain::policy::Policy;
use crate::domain::webhook::{RetryPolicy, Targets};

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
    /// The deadline of every database call (waiting for a pooled connection included) and
    /// of `/health/ready`: when it passes the request answers 503.
    pub connect_timeout: Duration,
    /// PostgreSQL `statement_timeout`: the server cancels a statement running longer.
    pub statement_timeout: Duration,
    /// PostgreSQL `lock_timeout` and SQLite `busy_timeout`: how long a statement waits for
    /// a lock another session holds. Always below `connect_timeout`.
    pub lock_timeout: Duration,
    /// SQLite `synchronous`: `FULL` (default) syncs every commit to disk.
    pub sqlite_synchronous: SqliteSynchronous,
}

/// SQLite's `synchronous` setting, as far as Kopiena offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqliteSynchronous {
    /// Every commit is synced to disk before it is acknowledged: survives power loss.
    Full,
    /// WAL is synced only at checkpoints: faster, but a power loss (not a process crash)
    /// can roll back the last acknowledged commits.
    Normal,
}

impl SqliteSynchronous {
    pub fn pragma(self) -> &'static str {
        match self {
            SqliteSynchronous::Full => "FULL",
            SqliteSynchronous::Normal => "NORMAL",
        }
    }
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
            .field("timeout", &self.connect_timeout)
            .field("statement_timeout", &self.statement_timeout)
            .field("lock_timeout", &self.lock_timeout)
            .field("sqlite_synchronous", &self.sqlite_synchronous)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// JWT verification settings. The algorithm is pinned: tokens signed otherwise are refused.
#[derive(Clone)]
pub struct AuthSettings {
    pub algorithm: jsonwebtoken::Algorithm,
    /// HS256 shared secret.
    pub secret: Option<SecretString>,
    /// RS256/ES256 public key (PEM).
    pub public_key_pem: Option<String>,
    pub issuer: String,
    pub audience: String,
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.
    pub leeway_seconds: u64,
    /// Longest accepted token lifetime (`exp − iat`), in seconds.
    pub max_lifetime_seconds: i64,
}

/// Shortest HS256 secret accepted in production: 32 bytes, the hash's output size (RFC 7518
/// §3.2 requires a key at least that long).
pub const MIN_HS256_SECRET_BYTES: usize = 32;

impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field("algorithm", &self.algorithm)
            .field("secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field("public_key", &self.public_key_pem.is_some())
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("leeway_seconds", &self.leeway_seconds)
            .field("max_lifetime_seconds", &self.max_lifetime_seconds)
            .finish()
    }
}

/// Keys for personal codes, each 32 bytes written as 64 hex digits.
#[derive(Clone, Default)]
pub struct PiiSettings {
    pub hmac_key: Option<SecretString>,
    pub encryption_key: Option<SecretString>,
}

impl std::fmt::Debug for PiiSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PiiSettings")
            .field("hmac_key", &self.hmac_key.as_ref().map(|_| "[redacted]"))
            .field(
                "encryption_key",
                &self.encryption_key.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub environment: Environment,
    /// Where development secrets are kept (beside the SQLite default database).
    pub data_dir: PathBuf,
    pub auth: AuthSettings,
    /// Keys protecting personal codes: HMAC for look-up, AES-256-GCM for the stored copy.
    pub pii: PiiSettings,
    /// The configurable DI rules.
    pub policy: Policy,
    pub bind: SocketAddr,
    pub database: DatabaseSettings,
    /// Where statistics and the public lists are read (`KOPIENA_READ_DATABASE_URL`, a read
    /// replica of `database`); unset, they are read from `database`.
    pub read_database: Option<DatabaseSettings>,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// How long a request body may take to arrive, from the end of the headers; slower
    /// bodies are answered `408`.
    pub body_timeout: Duration,
    /// How long a POST's `Idempotency-Key` replays its first response; older keys are
    /// forgotten (and their stored responses deleted).
    pub idempotency_retention: chrono::TimeDelta,
    /// Origins allowed by CORS; `*` allows any. Empty: no cross-origin access.
    pub cors_origins: Vec<String>,
    /// Proxies whose `X-Forwarded-For` names the client; from anyone else the header is
    /// ignored (a client could write anything in it).
    pub trusted_proxies: TrustedProxies,
    pub log_format: LogFormat,
    pub webhooks: WebhookSettings,
    /// The in-process cache of anonymous public reads (`public_cache`).
    pub public_cache: crate::public_cache::PublicCacheSettings,
    /// The most bytes of statistics tables kept (`api::stats::cache`); `0` keeps none.
    pub stats_cache_bytes: u64,
}

/// How webhook deliveries go out (`webhooks`).
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// How often each instance looks for deliveries to make out and send.
    pub poll: Duration,
    /// How long a receiver may take to answer.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// Where deliveries may go: `http` too (development and tests; never in production),
    /// and only the listed hosts, when some are.
    pub targets: Targets,
}

/// The reverse proxies in front of the service (`KOPIENA_TRUSTED_PROXIES`, IP addresses).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<std::net::IpAddr>);

impl TrustedProxies {
    /// The client's address: the peer itself, unless the peer is a trusted proxy, in which
    /// case the nearest address in `X-Forwarded-For` (read from the right) that is not a
    /// trusted proxy, the one the first trusted proxy saw. Entries a client added to the
    /// left of it are ignored, as is a header that does not parse.
    pub fn client_ip(
        &self,
        peer: std::net::IpAddr,
        forwarded_for: Option<&str>,
    ) -> std::net::IpAddr {
        if !self.0.contains(&peer) {
            return peer;
        }
        let Some(chain) = forwarded_for else {
            return peer;
        };
        let mut client = peer;
        for hop in chain.rsplit(',') {
            match hop.trim().parse::<std::net::IpAddr>() {
                Ok(ip) if self.0.contains(&ip) => client = ip,
                Ok(ip) => return ip,
                Err(_) => return client,
            }
        }
        client
    }
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
        let environment = match get("KOPIENA_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => bail!("KOPIENA_ENV must be development or production, got {other:?}"),
        };
        let algorithm = match get("KOPIENA_JWT_ALGORITHM").as_deref() {
            None | Some("HS256") => jsonwebtoken::Algorithm::HS256,
            Some("RS256") => jsonwebtoken::Algorithm::RS256,
            Some("ES256") => jsonwebtoken::Algorithm::ES256,
            Some(other) => {
                bail!("KOPIENA_JWT_ALGORITHM must be HS256, RS256 or ES256, got {other:?}")
            }
        };
        let public_key_pem = match (
            get("KOPIENA_JWT_PUBLIC_KEY"),
            get("KOPIENA_JWT_PUBLIC_KEY_FILE"),
        ) {
            (Some(pem), _) => Some(pem),
            (None, Some(path)) => Some(
                std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read KOPIENA_JWT_PUBLIC_KEY_FILE {path}"))?,
            ),
            (None, None) => None,
        };
        let auth = AuthSettings {
            algorithm,
            secret: get("KOPIENA_JWT_SECRET").map(SecretString::from),
            public_key_pem,
            issuer: get("KOPIENA_JWT_ISSUER").unwrap_or_else(|| "kopiena".into()),
            audience: get("KOPIENA_JWT_AUDIENCE").unwrap_or_else(|| "kopiena-api".into()),
            leeway_seconds: parse_or("KOPIENA_JWT_LEEWAY_SECONDS", 30)?,
            max_lifetime_seconds: match parse_or("KOPIENA_JWT_MAX_LIFETIME_SECONDS", 12 * 3600)? {
                0 => bail!("KOPIENA_JWT_MAX_LIFETIME_SECONDS must be at least 1"),
                seconds => i64::try_from(seconds)
                    .context("KOPIENA_JWT_MAX_LIFETIME_SECONDS is too large")?,
            },
        };
        if algorithm != jsonwebtoken::Algorithm::HS256 && auth.public_key_pem.is_none() {
            bail!(
                "KOPIENA_JWT_ALGORITHM={algorithm:?} needs KOPIENA_JWT_PUBLIC_KEY or KOPIENA_JWT_PUBLIC_KEY_FILE"
            );
        }
        if environment == Environment::Production
            && auth.secret.is_none()
            && auth.public_key_pem.is_none()
        {
            bail!(
                "KOPIENA_ENV=production needs a configured key: KOPIENA_JWT_SECRET (HS256) or KOPIENA_JWT_PUBLIC_KEY (RS256/ES256)"
            );
        }
        if environment == Environment::Production
            && algorithm == jsonwebtoken::Algorithm::HS256
            && auth
                .secret
                .as_ref()
                .is_some_and(|s| s.expose_secret().len() < MIN_HS256_SECRET_BYTES)
        {
            bail!(
                "KOPIENA_ENV=production needs a KOPIENA_JWT_SECRET of at least {MIN_HS256_SECRET_BYTES} bytes"
            );
        }
        let pii = PiiSettings {
            hmac_key: get("KOPIENA_PII_HMAC_KEY").map(SecretString::from),
            encryption_key: get("KOPIENA_PII_ENCRYPTION_KEY").map(SecretString::from),
        };
        if environment == Environment::Production
            && (pii.hmac_key.is_none() || pii.encryption_key.is_none())
        {
            bail!(
                "KOPIENA_ENV=production needs KOPIENA_PII_HMAC_KEY and KOPIENA_PII_ENCRYPTION_KEY (64 hex digits each)"
            );
        }
        let defaults = Policy::default();
        let policy = Policy {
            reassessment_months: u32::try_from(parse_or(
                "KOPIENA_REASSESSMENT_MONTHS",
                u64::from(defaults.reassessment_months),
            )?)
            .context("KOPIENA_REASSESSMENT_MONTHS is too large")?,
            mentor_capacity: i32::try_from(parse_or(
                "KOPIENA_MENTOR_CAPACITY",
                u64::try_from(defaults.mentor_capacity).unwrap_or(5),
            )?)
            .context("KOPIENA_MENTOR_CAPACITY is too large")?,
            perturbation: Perturbation {
                threshold: match parse_or("KOPIENA_SUPPRESSION_THRESHOLD", 5_u64)? {
                    t @ 1..=1000 => i64::try_from(t)?,
                    _ => bail!("KOPIENA_SUPPRESSION_THRESHOLD must be 1 to 1000"),
                },
                max_noise: match parse_or("KOPIENA_PERTURBATION_MAX_NOISE", 2_u64)? {
                    d @ 0..=100 => i64::try_from(d)?,
                    _ => bail!("KOPIENA_PERTURBATION_MAX_NOISE must be 0 to 100"),
                },
            },
            dating: DatingWindow {
                days_ahead: parse_or("KOPIENA_DATING_DAYS_AHEAD", defaults.dating.days_ahead)?,
                days_back: parse_or("KOPIENA_DATING_DAYS_BACK", defaults.dating.days_back)?,
            },
            referral_hold_days: match parse_or(
                "KOPIENA_REFERRAL_HOLD_DAYS",
                u64::from(defaults.referral_hold_days),
            )? {
                d @ 1..=365 => u32::try_from(d)?,
                _ => bail!("KOPIENA_REFERRAL_HOLD_DAYS must be 1 to 365"),
            },
            plan_review_months: match parse_or(
                "KOPIENA_PLAN_REVIEW_MONTHS",
                u64::from(defaults.plan_review_months),
            )? {
                m if u32::try_from(m).is_ok_and(review_months_allowed) => u32::try_from(m)?,
                _ => bail!("KOPIENA_PLAN_REVIEW_MONTHS must be 1 to 12 (PLAN-REVIEW)"),
            },
            vsac_follow_up_days: match parse_or(
                "KOPIENA_VSAC_FOLLOW_UP_DAYS",
                u64::from(defaults.vsac_follow_up_days),
            )? {
                d @ 0..=3650 => u32::try_from(d)?,
                _ => bail!("KOPIENA_VSAC_FOLLOW_UP_DAYS must be 0 to 3650"),
            },
            ..defaults
        };
        let idempotency_retention = match parse_or("KOPIENA_IDEMPOTENCY_TTL_SECONDS", 86_400)? {
            0 => {
                bail!("KOPIENA_IDEMPOTENCY_TTL_SECONDS must be at least 1 (0 would replay nothing)")
            }
            seconds => i64::try_from(seconds)
                .ok()
                .and_then(chrono::TimeDelta::try_seconds)
                .context("KOPIENA_IDEMPOTENCY_TTL_SECONDS is too large")?,
        };
        if policy.reassessment_months == 0 || policy.mentor_capacity == 0 {
            bail!("KOPIENA_REASSESSMENT_MONTHS and KOPIENA_MENTOR_CAPACITY must be at least 1");
        }
        let db_timeout_ms = parse_or("KOPIENA_DB_TIMEOUT_MS", 5_000)?;
        if db_timeout_ms < 100 {
            bail!("KOPIENA_DB_TIMEOUT_MS must be at least 100");
        }
        let statement_timeout_ms = parse_or("KOPIENA_DB_STATEMENT_TIMEOUT_MS", db_timeout_ms)?;
        let lock_timeout_ms = parse_or("KOPIENA_DB_LOCK_TIMEOUT_MS", db_timeout_ms / 2)?;
        if statement_timeout_ms == 0 || lock_timeout_ms == 0 {
            bail!(
                "KOPIENA_DB_STATEMENT_TIMEOUT_MS and KOPIENA_DB_LOCK_TIMEOUT_MS must be at least 1"
            );
        }
        if lock_timeout_ms >= db_timeout_ms {
            bail!(
                "KOPIENA_DB_LOCK_TIMEOUT_MS ({lock_timeout_ms}) must be below KOPIENA_DB_TIMEOUT_MS ({db_timeout_ms}), so a lock wait ends before the request's deadline"
            );
        }
        let sqlite_synchronous = match get("KOPIENA_SQLITE_SYNCHRONOUS")
            .map(|v| v.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("full") => SqliteSynchronous::Full,
            Some("normal") => SqliteSynchronous::Normal,
            Some(other) => {
                bail!("KOPIENA_SQLITE_SYNCHRONOUS must be full or normal, got {other:?}")
            }
        };
        let public_cache = crate::public_cache::PublicCacheSettings {
            bytes: parse_or("KOPIENA_PUBLIC_CACHE_BYTES", 64 << 20)?,
            poll: match parse_or("KOPIENA_PUBLIC_CACHE_POLL_MS", 200)? {
                ms @ 1..=500 => Duration::from_millis(ms),
                _ => bail!(
                    "KOPIENA_PUBLIC_CACHE_POLL_MS must be 1 to 500: the cache answers only within 1 s of its last look at the database's changes"
                ),
            },
        };
        let stats_cache_bytes = parse_or("KOPIENA_STATS_CACHE_BYTES", 32 << 20)?;
        let webhooks = WebhookSettings {
            poll: match parse_or("KOPIENA_WEBHOOK_POLL_MS", 1_000)? {
                0 => bail!("KOPIENA_WEBHOOK_POLL_MS must be at least 1"),
                ms => Duration::from_millis(ms),
            },
            timeout: match parse_or("KOPIENA_WEBHOOK_TIMEOUT_MS", 10_000)? {
                0 => bail!("KOPIENA_WEBHOOK_TIMEOUT_MS must be at least 1"),
                ms => Duration::from_millis(ms),
            },
            retry: RetryPolicy {
                base: Duration::from_millis(parse_or("KOPIENA_WEBHOOK_RETRY_BASE_MS", 5_000)?),
                cap: Duration::from_millis(parse_or("KOPIENA_WEBHOOK_RETRY_CAP_MS", 3_600_000)?),
                max_attempts: match parse_or("KOPIENA_WEBHOOK_MAX_ATTEMPTS", 8)? {
                    n @ 1..=100 => i32::try_from(n)?,
                    _ => bail!("KOPIENA_WEBHOOK_MAX_ATTEMPTS must be 1 to 100"),
                },
            },
            targets: Targets {
                allow_http: match get("KOPIENA_WEBHOOK_ALLOW_HTTP").as_deref() {
                    None | Some("false") => false,
                    Some("true") if environment == Environment::Production => {
                        bail!(
                            "KOPIENA_WEBHOOK_ALLOW_HTTP=true is refused with KOPIENA_ENV=production"
                        )
                    }
                    Some("true") => true,
                    Some(other) => {
                        bail!("KOPIENA_WEBHOOK_ALLOW_HTTP must be true or false, got {other:?}")
                    }
                },
                hosts: get("KOPIENA_WEBHOOK_ALLOWED_HOSTS")
                    .unwrap_or_default()
                    .split(',')
                    .map(|h| h.trim().to_ascii_lowercase())
                    .filter(|h| !h.is_empty())
                    .collect(),
            },
        };
        let database = DatabaseSettings {
            url: get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            pool_size,
            connect_timeout: Duration::from_millis(db_timeout_ms),
            statement_timeout: Duration::from_millis(statement_timeout_ms),
            lock_timeout: Duration::from_millis(lock_timeout_ms),
            sqlite_synchronous,
        };
        let read_database = get("KOPIENA_READ_DATABASE_URL")
            .filter(|url| !url.trim().is_empty())
            .map(|url| DatabaseSettings {
                url,
                ..database.clone()
            });
        if read_database
            .as_ref()
            .is_some_and(|read| read.backend() != database.backend())
        {
            bail!("KOPIENA_READ_DATABASE_URL must name a database of DATABASE_URL's backend");
        }
        Ok(Self {
            webhooks,
            public_cache,
            stats_cache_bytes,
            environment,
            pii,
            policy,
            data_dir: PathBuf::from(get("KOPIENA_DATA_DIR").unwrap_or_else(|| "data".into())),
            auth,
            bind,
            read_database,
            database,
            idempotency_retention,
            max_body_bytes: usize::try_from(parse_or("KOPIENA_MAX_BODY_BYTES", 256 * 1024)?)
                .context("KOPIENA_MAX_BODY_BYTES is too large")?,
            body_timeout: match parse_or("KOPIENA_BODY_TIMEOUT_MS", 10_000)? {
                0 => bail!("KOPIENA_BODY_TIMEOUT_MS must be at least 1"),
                ms => Duration::from_millis(ms),
            },
            cors_origins: get("KOPIENA_CORS_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            trusted_proxies: TrustedProxies(
                get("KOPIENA_TRUSTED_PROXIES")
                    .unwrap_or_default()
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        s.parse().with_context(|| {
                            format!("KOPIENA_TRUSTED_PROXIES must list IP addresses, got {s:?}")
                        })
                    })
                    .collect::<anyhow::Result<_>>()?,
            ),
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
        assert_eq!(s.idempotency_retention, chrono::TimeDelta::hours(24));
        Ok(())
    }

    #[test]
    fn database_timeouts_default_from_the_deadline_and_lock_waits_end_before_it()
    -> anyhow::Result<()> {
        let s = settings(&[])?;
        assert_eq!(s.database.connect_timeout, Duration::from_millis(5_000));
        assert_eq!(s.database.statement_timeout, Duration::from_millis(5_000));
        assert_eq!(s.database.lock_timeout, Duration::from_millis(2_500));
        assert_eq!(s.database.sqlite_synchronous, SqliteSynchronous::Full);
        let s = settings(&[("KOPIENA_DB_TIMEOUT_MS", "1000")])?;
        assert_eq!(s.database.lock_timeout, Duration::from_millis(500));
        let err = settings(&[("KOPIENA_DB_LOCK_TIMEOUT_MS", "5000")])
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("KOPIENA_DB_LOCK_TIMEOUT_MS")));
        let s = settings(&[("KOPIENA_SQLITE_SYNCHRONOUS", "NORMAL")])?;
        assert_eq!(s.database.sqlite_synchronous, SqliteSynchronous::Normal);
        assert!(settings(&[("KOPIENA_SQLITE_SYNCHRONOUS", "off")]).is_err());
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
        let err = settings(&[("KOPIENA_IDEMPOTENCY_TTL_SECONDS", "0")])
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("KOPIENA_IDEMPOTENCY_TTL_SECONDS")));
    }

    #[test]
    fn plan_review_months_default_to_twelve_and_allow_one_to_twelve() -> anyhow::Result<()> {
        // PLAN-REVIEW: at most 12 months after finalisation.
        assert_eq!(settings(&[])?.policy.plan_review_months, 12);
        let six = settings(&[("KOPIENA_PLAN_REVIEW_MONTHS", "6")])?;
        assert_eq!(six.policy.plan_review_months, 6);
        for refused in ["0", "13", "99999999999"] {
            let err = settings(&[("KOPIENA_PLAN_REVIEW_MONTHS", refused)])
                .err()
                .map(|e| e.to_string());
            assert!(
                err.is_some_and(|e| e.contains("KOPIENA_PLAN_REVIEW_MONTHS")),
                "{refused}"
            );
        }
        Ok(())
    }

    #[test]
    fn a_read_database_of_another_backend_is_refused() {
        let mixed = settings(&[
            ("DATABASE_URL", "postgres://u@h/db"),
            ("KOPIENA_READ_DATABASE_URL", "data/replica.db"),
        ]);
        assert!(mixed.is_err_and(|e| e.to_string().contains("KOPIENA_READ_DATABASE_URL")));
        let same = settings(&[
            ("DATABASE_URL", "postgres://u@h/db"),
            ("KOPIENA_READ_DATABASE_URL", "postgres://u@replica/db"),
        ]);
        assert!(same.is_ok_and(|s| s.read_database.is_some()));
    }

    #[test]
    fn database_url_is_not_printed() {
        let s = settings(&[("DATABASE_URL", "postgres://u:pw-hunter3@h/db")]);
        assert!(s.is_ok_and(|s| !format!("{s:?}").contains("pw-hunter3")));
    }

    #[test]
    fn production_refuses_to_start_without_a_key() {
        let err = settings(&[("KOPIENA_ENV", "production")])
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("KOPIENA_JWT_SECRET")));
        let pii_key = "00".repeat(32);
        let secret = "s".repeat(MIN_HS256_SECRET_BYTES);
        assert!(
            settings(&[
                ("KOPIENA_ENV", "production"),
                ("KOPIENA_JWT_SECRET", &secret),
                ("KOPIENA_PII_HMAC_KEY", &pii_key),
                ("KOPIENA_PII_ENCRYPTION_KEY", &pii_key),
            ])
            .is_ok()
        );
        let short = settings(&[
            ("KOPIENA_ENV", "production"),
            ("KOPIENA_JWT_SECRET", &secret[1..]),
            ("KOPIENA_PII_HMAC_KEY", &pii_key),
            ("KOPIENA_PII_ENCRYPTION_KEY", &pii_key),
        ]);
        assert!(short.is_err_and(|e| e.to_string().contains("at least 32 bytes")));
        // Development accepts a short secret (tests, local runs).
        assert!(settings(&[("KOPIENA_JWT_SECRET", "s")]).is_ok());
        assert!(
            settings(&[
                ("KOPIENA_ENV", "production"),
                ("KOPIENA_JWT_SECRET", &secret)
            ])
            .is_err()
        );
        assert!(settings(&[]).is_ok_and(|s| s.auth.secret.is_none()));
    }

    #[test]
    fn asymmetric_algorithms_need_a_public_key() {
        assert!(settings(&[("KOPIENA_JWT_ALGORITHM", "RS256")]).is_err());
        assert!(settings(&[("KOPIENA_JWT_ALGORITHM", "none")]).is_err());
    }

    #[test]
    fn the_jwt_secret_is_not_printed() {
        let s = settings(&[("KOPIENA_JWT_SECRET", "hunter2")]);
        assert!(s.is_ok_and(|s| !format!("{s:?}").contains("hunter2")));
    }

    #[test]
    fn x_forwarded_for_is_believed_only_from_a_trusted_proxy() -> anyhow::Result<()> {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().expect("ip");
        let s = settings(&[("KOPIENA_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.2")])?;
        let proxies = &s.trusted_proxies;
        // A client talking directly cannot claim another address.
        assert_eq!(
            proxies.client_ip(ip("203.0.113.9"), Some("1.2.3.4")),
            ip("203.0.113.9")
        );
        // Behind the proxy: the nearest untrusted hop; what the client prepended is ignored.
        assert_eq!(
            proxies.client_ip(ip("10.0.0.1"), Some("6.6.6.6, 198.51.100.7, 10.0.0.2")),
            ip("198.51.100.7")
        );
        assert_eq!(proxies.client_ip(ip("10.0.0.1"), None), ip("10.0.0.1"));
        assert_eq!(
            proxies.client_ip(ip("10.0.0.1"), Some("garbage")),
            ip("10.0.0.1")
        );
        // No proxies configured: the header is never believed.
        let none = settings(&[])?.trusted_proxies;
        assert_eq!(
            none.client_ip(ip("10.0.0.1"), Some("1.2.3.4")),
            ip("10.0.0.1")
        );
        assert!(settings(&[("KOPIENA_TRUSTED_PROXIES", "proxy.lan")]).is_err());
        Ok(())
    }

    #[test]
    fn cors_origins_are_a_comma_separated_list() -> anyhow::Result<()> {
        let s = settings(&[("KOPIENA_CORS_ORIGINS", "https://a.lv, https://b.lv,")])?;
        assert_eq!(s.cors_origins, vec!["https://a.lv", "https://b.lv"]);
        Ok(())
    }
}
