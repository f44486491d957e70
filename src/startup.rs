//! Builds the HTTP server: pool and migrations, middleware, routes, documentation.

use std::convert::Infallible;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use anyhow::Context;
use chrono::TimeDelta;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::api;
use crate::api::common::IdempotencyRetention;
use crate::auth::{JwtKeys, ScopeRegister};
use crate::config::{Settings, WebhookSettings};
use crate::db::{self, Db, idempotency};
use crate::edge::{self, InputLimits};
use crate::pii::PiiKeys;
use crate::public_cache::{self, PublicCache};
use crate::telemetry::{RouteSpan, echo_request_id};
use crate::webhooks;

pub struct Application {
    port: u16,
    server: Server,
    db: Db,
    idempotency_retention: TimeDelta,
    pii: Arc<PiiKeys>,
    webhook_client: reqwest::Client,
    webhooks: WebhookSettings,
    public_cache: Arc<PublicCache>,
    public_source: public_cache::Source,
    public_cache_poll: Duration,
    audit_queue: db::audit::Queue,
}

impl Application {
    /// Connects to the database (applying migrations) and binds the listener. Port 0 picks
    /// a free port, which `port()` reports.
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        let keys = JwtKeys::from_settings(settings)?;
        let pii = Arc::new(PiiKeys::from_settings(settings)?);
        let webhook_client = webhooks::client(&settings.webhooks)?;
        let db = Db::connect(&settings.database)?;
        // The reference data is what the migrations just left: `modified_after` on a
        // reference list compares with this instant.
        crate::api::common::Released::at();
        db::key_checks::verify(&mut db::establish(&settings.database.url)?, &pii)?;
        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let metrics = metrics()?;
        let public_cache = Arc::new(PublicCache::new(
            settings.public_cache,
            api::document(),
            &metrics.registry,
        )?);
        let (journal, audit_queue) = db::audit::Journal::new(db.timeout());
        let server = run(
            listener,
            (db.clone(), Arc::clone(&public_cache), journal, metrics),
            keys,
            Arc::clone(&pii),
            settings,
        )?;
        Ok(Self {
            port,
            server,
            db,
            idempotency_retention: settings.idempotency_retention,
            pii,
            webhook_client,
            webhooks: settings.webhooks.clone(),
            public_cache,
            public_source: match &settings.read_database {
                Some(read) => public_cache::Source::Replica(read.url.clone()),
                None => public_cache::Source::Primary(settings.database.url.clone()),
            },
            public_cache_poll: settings.public_cache.poll,
            audit_queue,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Serves until SIGINT/SIGTERM; in-flight requests finish before shutdown. Meanwhile,
    /// housekeeping runs every hour, webhooks are delivered, the public cache follows the
    /// database's changes and the audit records of reads are committed.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let chores = housekeeping(self.db.clone(), self.idempotency_retention);
        let audit = self.audit_queue.commit_forever(self.db.clone());
        let deliver =
            webhooks::deliver_forever(self.db, self.pii, self.webhook_client, self.webhooks);
        let follow = public_cache::follow(
            self.public_cache,
            self.public_source,
            self.public_cache_poll,
        );
        tokio::select! {
            result = self.server => result,
            never = chores => match never {},
            never = deliver => match never {},
            never = follow => match never {},
            never = audit => match never {},
        }
    }
}

/// Every hour: expired idempotency keys deleted, and the data version's rows of ended
/// PostgreSQL backends folded (`db::stats::fold_data_version`).
async fn housekeeping(db: Db, retention: TimeDelta) -> Infallible {
    let mut every_hour = actix_web::rt::time::interval(Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        let cutoff = chrono::Utc::now().naive_utc() - retention;
        match db
            .run(move |conn| idempotency::purge_expired(conn, cutoff))
            .await
        {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "expired idempotency keys deleted"),
            Err(e) => tracing::warn!(error = %e, "cannot delete expired idempotency keys"),
        }
        if let Err(e) = db.run(db::stats::fold_data_version).await {
            tracing::warn!(error = %e, "cannot fold the data version of ended backends");
        }
    }
}

fn metrics() -> anyhow::Result<PrometheusMetrics> {
    PrometheusMetricsBuilder::new("kopiena")
        .registry(prometheus::Registry::new())
        .mask_unmatched_patterns("UNMATCHED")
        .build()
        .map_err(|e| anyhow::anyhow!("cannot build metrics: {e}"))
}

fn cors(origins: &[String]) -> Cors {
    let cors = Cors::default()
        .allowed_methods(["GET", "POST", "PATCH", "PUT", "DELETE"])
        .allow_any_header()
        .expose_headers([
            "ETag",
            "Location",
            "X-Request-Id",
            "Content-Language",
            "Link",
            "API-Version",
            "Idempotent-Replayed",
        ])
        .max_age(3600);
    if origins.iter().any(|o| o == "*") {
        cors.allow_any_origin()
    } else {
        origins
            .iter()
            .fold(cors, |cors, origin| cors.allowed_origin(origin))
    }
}

fn run(
    listener: TcpListener,
    (db, public_cache, journal, metrics): (
        Db,
        Arc<PublicCache>,
        db::audit::Journal,
        PrometheusMetrics,
    ),
    keys: JwtKeys,
    pii: Arc<PiiKeys>,
    settings: &Settings,
) -> anyhow::Result<Server> {
    let keys = web::Data::new(keys);
    let scopes = web::Data::new(ScopeRegister::default());
    let pii = web::Data::from(pii);
    let policy = web::Data::new(settings.policy.clone());
    let webhook_settings = web::Data::new(settings.webhooks.clone());
    let retention = web::Data::new(IdempotencyRetention(settings.idempotency_retention));
    let openapi = api::document().clone();
    let reader = web::Data::new(db::ReadDb(match &settings.read_database {
        Some(replica) => Db::connect_reader(replica),
        None => db.clone(),
    }));
    let db = web::Data::new(db);
    let public_cache = web::Data::from(public_cache);
    let journal = web::Data::new(journal);
    let stats_cache = web::Data::new(api::stats::StatsCache::new(
        settings.stats_cache_bytes,
        &metrics.registry,
    )?);
    let registry = web::Data::new(metrics.registry.clone());
    let max_body = settings.max_body_bytes;
    let proxies = web::Data::new(settings.trusted_proxies.clone());
    let limits = web::Data::new(InputLimits {
        max_body_bytes: settings.max_body_bytes,
        body_timeout: settings.body_timeout,
    });
    let origins = settings.cors_origins.clone();
    let server = HttpServer::new(move || {
        let (app, _) = App::new()
            // Innermost first: the query parameters an operation documents and the methods a
            // literal path supports, then the input checks (before routing), the public cache
            // before them (it keeps only answers that passed them), CORS before it;
            // the metrics count what passed the method check; every response gets its headers
            // and, when an error, the problem shape.
            .wrap(from_fn(api::refuse_unknown_query_parameters))
            .wrap(from_fn(api::refuse_methods_a_literal_path_does_not_support))
            .wrap(from_fn(edge::guard_input))
            .wrap(from_fn(public_cache::serve))
            .wrap(cors(&origins))
            .wrap(metrics.clone())
            .wrap(from_fn(edge::reject_unknown_methods))
            .wrap(from_fn(edge::not_modified))
            .wrap(from_fn(edge::response_headers))
            .wrap(from_fn(api::lang::localise_problems))
            .wrap(from_fn(echo_request_id))
            .wrap(TracingLogger::<RouteSpan>::new())
            .app_data(db.clone())
            .app_data(reader.clone())
            .app_data(public_cache.clone())
            .app_data(stats_cache.clone())
            .app_data(journal.clone())
            .app_data(registry.clone())
            .app_data(keys.clone())
            .app_data(scopes.clone())
            .app_data(pii.clone())
            .app_data(policy.clone())
            .app_data(webhook_settings.clone())
            .app_data(retention.clone())
            .app_data(limits.clone())
            .app_data(proxies.clone())
            .configure(|cfg| api::extractor_configs(max_body, cfg))
            .into_utoipa_app()
            .configure(api::routes)
            .split_for_parts();
        app.service(web::redirect("/docs", "/docs/"))
            .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", openapi.clone()))
    })
    // Headers must arrive within 5 s of the connection (408 otherwise, actix's default made
    // explicit); the body within `KOPIENA_BODY_TIMEOUT_MS` (`edge::guard_input`).
    .client_request_timeout(Duration::from_secs(5))
    .shutdown_timeout(30)
    .listen(listener)?
    .run();
    Ok(server)
}
