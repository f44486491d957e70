use anyhow::Context;
use clap::{Parser, Subcommand};
use kopiena::auth::{self, Claims, Role};
use kopiena::config::{Environment, Settings};
use kopiena::demo::{self, DemoOptions};
use kopiena::pii::PiiKeys;
use kopiena::startup::Application;
use kopiena::{api, db, telemetry};

/// Kopiena: the shared record for Latvia's deinstitutionalisation of social care.
/// Configuration comes from environment variables (see README).
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations and serve the API (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Print a development token (HS256, signed with the configured or development secret),
    /// e.g. `kopiena token --role municipality --municipality 050`.
    Token(TokenArgs),
    /// Fill an empty database with deterministic synthetic demo data (providers, services,
    /// clients with assessments and support plans, mentors, assignments, placements), e.g.
    /// `kopiena demo-data --clients 100000 --seed 42`. Refuses a database that holds data.
    DemoData(DemoArgs),
}

#[derive(clap::Args)]
struct DemoArgs {
    /// Number of clients.
    #[arg(long, default_value_t = 2000)]
    clients: u32,
    /// Seed of the generator: the same seed gives the same data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of providers [default: clients / 50, at least two per municipality; the
    /// least is one per municipality plus the five state social care centres].
    #[arg(long)]
    providers: Option<u32>,
    /// Number of services [default: five per provider].
    #[arg(long)]
    services: Option<u32>,
    /// Number of social mentors [default: clients / 5, at least one per municipality].
    #[arg(long)]
    mentors: Option<u32>,
}

#[derive(clap::Args)]
struct TokenArgs {
    /// municipality, provider, region, ministry, admin or mentor.
    #[arg(long, value_parser = |s: &str| Role::parse(s).ok_or("not a role"))]
    role: Role,
    /// Municipality code, for role municipality (e.g. `050`, `RIX`).
    #[arg(long)]
    municipality: Option<String>,
    /// Planning region code, for role region (e.g. `KURZEME`).
    #[arg(long)]
    region: Option<String>,
    /// Provider id, for role provider.
    #[arg(long)]
    provider_id: Option<i64>,
    /// Mentor id, for role mentor.
    #[arg(long)]
    mentor_id: Option<i64>,
    /// Subject: who the token is for.
    #[arg(long, default_value = "dev-user")]
    sub: String,
    /// Hours until the token expires (at most the maximum token lifetime,
    /// `KOPIENA_JWT_MAX_LIFETIME_SECONDS`, default 12 h).
    #[arg(long, default_value_t = 8)]
    hours: i64,
}

/// glibc gives a thread that allocates while another holds an arena an arena of its own, up
/// to eight per core, and keeps what an arena freed for its next use, so the blocking pool's
/// threads hold memory the process no longer uses (issue 17: after the SQLite benchmark
/// 104.5 MiB with glibc's default, 91.6 MiB with two arenas, at the same throughput). Two
/// arenas, unless `MALLOC_ARENA_MAX` says otherwise (glibc reads that itself).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: `mallopt` only sets an allocator parameter; any value is accepted.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

/// How often the memory freed since is given back to the system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// A statistic computed over a whole year of the record holds a few hundred MiB for a
/// moment (the costs of a year at 100,000 clients read 620,000 deliveries), and glibc keeps
/// the pages freed in each arena for later use: measured, the service's RSS grew by about
/// 230 MiB with each such computation and stayed there (79 -> 304 -> 539 MiB after two). A
/// thread gives the free pages back every [`TRIM_EVERY`] (`malloc_trim`), so the RSS
/// returns to what is in use within seconds of such a burst.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_freed_memory() -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("malloc-trim".into())
        .spawn(|| {
            loop {
                std::thread::sleep(TRIM_EVERY);
                // SAFETY: `malloc_trim` only returns free pages of glibc's arenas to the
                // system; it takes each arena's lock and touches no memory in use.
                unsafe {
                    libc::malloc_trim(0);
                }
            }
        })
        .map(drop)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_freed_memory() -> std::io::Result<()> {
    Ok(())
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    limit_malloc_arenas();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            println!("{}", api::openapi().to_pretty_json()?);
            Ok(())
        }
        Command::Token(args) => {
            let settings = Settings::from_env()?;
            if settings.environment == Environment::Production {
                anyhow::bail!(
                    "`kopiena token` is refused under KOPIENA_ENV=production: tokens come from the identity provider"
                );
            }
            if args.hours < 1
                || args.hours.saturating_mul(3600) > settings.auth.max_lifetime_seconds
            {
                anyhow::bail!(
                    "--hours must be between 1 and the maximum token lifetime ({} s, KOPIENA_JWT_MAX_LIFETIME_SECONDS)",
                    settings.auth.max_lifetime_seconds
                );
            }
            if settings.auth.algorithm != jsonwebtoken::Algorithm::HS256 {
                anyhow::bail!(
                    "`kopiena token` issues HS256 development tokens only; tokens for RS256/ES256 come from the identity provider"
                );
            }
            let secret = auth::hs256_secret(&settings)?;
            let claims = Claims {
                sub: args.sub,
                role: args.role,
                municipality: args
                    .municipality
                    .map(kopiena::domain::codes::MunicipalityCode::new),
                region: args.region.map(kopiena::domain::codes::RegionCode::new),
                provider_id: args.provider_id.map(kopiena::domain::ids::ProviderId),
                mentor_id: args.mentor_id.map(kopiena::domain::ids::MentorId),
                exp: 0,
                iat: 0,
                iss: String::new(),
                aud: String::new(),
            };
            claims.scope().map_err(anyhow::Error::msg)?;
            let token = auth::issue_token(&secret, &settings.auth, |now, iss, aud| Claims {
                exp: now + args.hours * 3600,
                iat: now,
                iss: iss.into(),
                aud: aud.into(),
                ..claims
            })?;
            println!("{token}");
            Ok(())
        }
        Command::DemoData(args) => {
            let settings = Settings::from_env()?;
            telemetry::init(settings.log_format, "warn", std::io::stderr);
            let keys = PiiKeys::from_settings(&settings)?;
            let mut conn = db::establish(&settings.database.url)?;
            db::run_migrations(&mut conn)?;
            db::key_checks::verify(&mut conn, &keys)?;
            let options = DemoOptions {
                providers: args.providers,
                services: args.services,
                mentors: args.mentors,
                policy: settings.policy.clone(),
                progress: true,
                ..DemoOptions::new(args.clients, args.seed)
            };
            eprintln!(
                "loading demo data (seed {}, {} clients) into {:?} database",
                args.seed,
                args.clients,
                settings.database.backend()
            );
            let report = demo::generate(&mut conn, &options, &keys)?;
            println!("demo data loaded in {:.1} s", report.total.as_secs_f64());
            println!("\n{:<28}{:>10}", "phase", "seconds");
            for (phase, took) in &report.phases {
                println!("{phase:<28}{:>10.1}", took.as_secs_f64());
            }
            println!("\n{:<28}{:>10}", "table", "rows");
            for (table, rows) in &report.rows {
                println!("{table:<28}{rows:>10}");
            }
            Ok(())
        }
        Command::Migrate => {
            let settings = Settings::from_env()?;
            telemetry::init(settings.log_format, "info", std::io::stdout);
            let mut conn = db::establish(&settings.database.url)?;
            let applied = db::run_migrations(&mut conn)?;
            tracing::info!(count = applied.len(), migrations = ?applied, "migrations applied");
            Ok(())
        }
        Command::Serve => {
            let settings = Settings::from_env()?;
            return_freed_memory().context("cannot start the memory trimming thread")?;
            telemetry::init(settings.log_format, "info", std::io::stdout);
            let app = Application::build(&settings).context("cannot start the service")?;
            tracing::info!(
                address = %settings.bind,
                port = app.port(),
                backend = ?settings.database.backend(),
                "kopiena is listening"
            );
            app.run_until_stopped().await?;
            Ok(())
        }
    }
}
