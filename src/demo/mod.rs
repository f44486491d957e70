//! Demo data (`kopiena demo-data`): a deterministic, realistic synthetic population written
//! into an empty database: providers and services in every valid municipality, clients with
//! personal codes, assessments and support plans, social mentors with trainings and
//! assignments, placements and DI transitions.
//!
//! Every record passes the domain rules the API enforces (catalogue capacity and target
//! groups, personal codes, assessment teams and care levels, plan completeness, mentor
//! eligibility and capacity, placements within capacity, the DI status that follows from
//! placements). The rows are planned in memory from a seeded ChaCha8 generator (one stream per
//! phase, so the same seed always gives the same rows in the same order) and written in bulk
//! (`db::bulk`) inside one transaction: a failed load leaves the database as it was. Loading
//! demo data is not a user access, so no audit rows are written.
//!
//! The only value that differs between two runs with the same seed is the stored ciphertext
//! of each personal code: AES-GCM takes a fresh random nonce each time, exactly as the API
//! stores codes. The codes themselves and their look-up hashes are the same.
//!
//! The parts: [`random`] (seeded streams, weights, dates), [`data`] (the files in `data/`:
//! [`words`] and names, and the [`catalogue`] parameters per service type, municipality,
//! region and price unit), [`reference`] (the catalogue
//! and municipalities as the database holds them), [`plan`] (every row in memory, a file per
//! aggregate), [`write`] (bulk inserts, a file per aggregate, and what differs per backend)
//! and [`progress`].

mod catalogue;
mod data;
mod plan;
mod progress;
mod random;
mod reference;
mod words;
mod write;

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail};
use chrono::NaiveDate;
use diesel::Connection as _;

use crate::db::DbConnection;
use crate::db::bulk::{self, BulkTable};
use crate::db::schema::{clients, mentors, providers, services};
use crate::domain::DomainError;
use crate::domain::policy::Policy;
use crate::pii::PiiKeys;

use plan::Plan;
use progress::Progress;
use reference::{IdBase, Reference};
use write::Writer;

/// `created_by` of every generated assessment, assignment and placement.
pub const CREATED_BY: &str = "demo-data";

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub clients: u32,
    /// Default: one per 50 clients, at least two per valid municipality (each one's social
    /// service, the five state social care centres, NGOs, companies, religious providers).
    pub providers: Option<u32>,
    /// Default: five per provider.
    pub services: Option<u32>,
    /// Default: one per five clients, at least one per valid municipality.
    pub mentors: Option<u32>,
    pub seed: u64,
    /// The day the data is generated on (default: today in Latvia, as the API counts
    /// dates): every event is dated before it.
    pub today: NaiveDate,
    /// The DI policy the API enforces (mentor capacity, reassessment interval, time limits).
    pub policy: Policy,
    /// Progress lines on standard error.
    pub progress: bool,
}

impl DemoOptions {
    pub fn new(clients: u32, seed: u64) -> Self {
        Self {
            clients,
            providers: None,
            services: None,
            mentors: None,
            seed,
            today: crate::domain::today(),
            policy: Policy::default(),
            progress: false,
        }
    }
}

/// What a load did: time per phase and rows per table.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    pub phases: Vec<(&'static str, Duration)>,
    pub rows: Vec<(&'static str, u64)>,
    pub total: Duration,
}

/// Fills an empty database (no providers, services, clients or mentors) with demo data, in one
/// transaction. Fails, changing nothing, when the database already holds data.
pub fn generate(
    conn: &mut DbConnection,
    options: &DemoOptions,
    pii: &PiiKeys,
) -> anyhow::Result<DemoReport> {
    let started = Instant::now();
    let data = data::Data::get()?;
    let mut progress = Progress::new(options.progress);
    let mut rows = Vec::new();
    conn.transaction(|conn| -> anyhow::Result<()> {
        refuse_non_empty(conn)?;
        let backend = write::Backend::prepare(conn)?;
        progress.start("plan", 0);
        let reference = Reference::load(conn, data, options.today)?;
        let ids = IdBase::load(conn)?;
        let plan = Plan::build(&reference, data, options, &ids)?;
        progress.finish();
        let mut writer = Writer {
            seed: options.seed,
            conn,
            backend: &backend,
            plan: &plan,
            progress: &mut progress,
            pii,
            rows: &mut rows,
            care_levels: Default::default(),
            goal_base_id: ids.goal,
        };
        writer.providers()?;
        writer.services()?;
        writer.clients()?;
        writer.assessments()?;
        let versions = writer.support_plans()?;
        writer.plan_goals(&versions)?;
        writer.mentors()?;
        writer.assignments()?;
        writer.staff()?;
        writer.decisions()?;
        writer.placements()?;
        writer.referrals()?;
        writer.deliveries()?;
        progress.start("derived runs", 0);
        crate::db::derived::rebuild(conn)?;
        progress.finish();
        progress.start("finish", 0);
        backend.finish(conn)?;
        progress.finish();
        progress.start("commit", 0);
        Ok(())
    })?;
    progress.finish();
    Ok(DemoReport {
        phases: progress.phases,
        rows,
        total: started.elapsed(),
    })
}

fn refuse_non_empty(conn: &mut DbConnection) -> anyhow::Result<()> {
    let mut found = Vec::new();
    let counts = [
        (
            providers::table::NAME,
            bulk::count::<providers::table>(conn)?,
        ),
        (services::table::NAME, bulk::count::<services::table>(conn)?),
        (clients::table::NAME, bulk::count::<clients::table>(conn)?),
        (mentors::table::NAME, bulk::count::<mentors::table>(conn)?),
    ];
    for (table, n) in counts {
        if n > 0 {
            found.push(format!("{n} {table}"));
        }
    }
    if !found.is_empty() {
        bail!(
            "demo data goes into an empty database only, and this one already holds {}; \
             point DATABASE_URL at a new database (or delete the SQLite file) and run again",
            found.join(", ")
        );
    }
    Ok(())
}

/// Turns a broken rule into an error naming it: demo data must pass every rule.
fn rule(result: Result<(), DomainError>, what: &str) -> anyhow::Result<()> {
    result.map_err(|e| {
        anyhow!(
            "generated {what} breaks rule {} ({}): {e}",
            e.rule().unwrap_or("-"),
            e.slug()
        )
    })
}
