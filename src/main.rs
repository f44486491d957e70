use anyhow::Context;
use clap::{Parser, Subcommand};
use kopiena::config::Settings;
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
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            println!("{}", api::openapi().to_pretty_json()?);
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
