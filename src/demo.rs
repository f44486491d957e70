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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use chrono::{Days, Months, NaiveDate, NaiveDateTime, NaiveTime};
use diesel::Connection as _;
use diesel::connection::SimpleConnection as _;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt as _, SeedableRng as _};

use crate::db::DbConnection;
use crate::db::bulk::{self, BulkInsert, Lit};
use crate::db::reference::{self, MunicipalityFilter, ServiceTypeFilter};
use crate::domain::DomainError;
use crate::domain::assessment::{
    Instrument, OrganisationType, TeamMember, check_chronology, check_organisation, check_team,
    derive_care_level, next_reassessment_due, required_team,
};
use crate::domain::client::{DiStatus, TargetGroup, age_on, check_target_group_age};
use crate::domain::mentor::{ContractType, check_eligible, missing_trainings};
use crate::domain::personal_code::{PersonalCode, synthetic_legacy, synthetic_new};
use crate::domain::placement::{
    ServiceFacts, check_placement, derive_di_status, is_transition, time_limit,
};
use crate::domain::policy::{MENTOR_TRAININGS, Policy};
use crate::domain::registry::{
    LegalStatus, ProviderStatus, Sector, ServiceState, ServiceStatus, ServiceTypeRules,
    check_service, search_terms,
};
use crate::domain::support_plan::{Section, check_finalisable, check_known_sections, sections_for};
use crate::domain::validity::{Validity, ensure_municipality_valid};
use crate::pii::PiiKeys;

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
    let mut progress = Progress::new(options.progress);
    let mut rows = Vec::new();
    conn.transaction(|conn| -> anyhow::Result<()> {
        refuse_non_empty(conn)?;
        // PostgreSQL: foreign keys are checked once at the end rather than row by row.
        let foreign_keys = bulk::suspend_foreign_keys(conn, &TABLES)?;
        progress.start("plan", 0);
        let reference = Reference::load(conn, options.today)?;
        let ids = IdBase::load(conn)?;
        let plan = Plan::build(&reference, options, &ids)?;
        progress.finish();
        let mut writer = Writer {
            seed: options.seed,
            conn,
            plan: &plan,
            progress: &mut progress,
            pii,
            rows: &mut rows,
        };
        writer.providers()?;
        writer.services()?;
        writer.clients()?;
        writer.assessments()?;
        writer.support_plans()?;
        writer.mentors()?;
        writer.assignments()?;
        writer.placements()?;
        progress.start("finish", 0);
        bulk::restore_foreign_keys(conn, foreign_keys)?;
        if matches!(conn, DbConnection::Postgres(_)) {
            // Fresh statistics for the query planner right away (autovacuum would follow).
            conn.batch_execute(&format!("ANALYZE {}", TABLES.join(", ")))?;
        }
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

/// Every table the load writes.
const TABLES: [&str; 15] = [
    "providers",
    "services",
    "service_target_groups",
    "service_search_terms",
    "clients",
    "assessments",
    "assessment_team_members",
    "assessment_service_types",
    "support_plans",
    "support_plan_sections",
    "mentors",
    "mentor_trainings",
    "mentor_assignments",
    "placements",
    "di_transitions",
];

fn refuse_non_empty(conn: &mut DbConnection) -> anyhow::Result<()> {
    let mut found = Vec::new();
    for table in ["providers", "services", "clients", "mentors"] {
        let n = bulk::count(conn, table)?;
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

// ---------------------------------------------------------------------------------------
// Randomness and dates
// ---------------------------------------------------------------------------------------

/// An independent generator for each phase, so that changing one phase's size leaves the
/// others' sequences alone.
fn rng_for(seed: u64, stream: &str) -> ChaCha8Rng {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in stream.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    ChaCha8Rng::seed_from_u64(seed ^ h)
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Index into cumulative weights.
struct Weighted {
    cumulative: Vec<u64>,
}

impl Weighted {
    fn new(weights: impl IntoIterator<Item = u64>) -> Self {
        let mut total = 0;
        let mut cumulative: Vec<u64> = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        if total == 0 {
            cumulative = (1..=cumulative.len() as u64).collect();
        }
        Self { cumulative }
    }

    fn pick(&self, rng: &mut ChaCha8Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0);
        if total == 0 {
            return 0;
        }
        let x = rng.random_range(0..total);
        self.cumulative.partition_point(|&c| c <= x)
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn plus_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(d)
}

fn minus_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_sub_days(Days::new(n)).unwrap_or(d)
}

fn plus_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_add_months(Months::new(12 * years)).unwrap_or(d)
}

fn minus_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(12 * years)).unwrap_or(d)
}

/// A day in `[from, to]`; `from` when the range is empty.
fn day_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days();
    if span <= 0 {
        return from;
    }
    plus_days(from, rng.random_range(0..=span as u64))
}

/// A time during office hours on `day`.
fn during(rng: &mut ChaCha8Rng, day: NaiveDate) -> NaiveDateTime {
    let seconds = rng.random_range(8 * 3600..17 * 3600);
    day.and_time(NaiveTime::MIN) + chrono::Duration::seconds(seconds)
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

// ---------------------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------------------

const MALE_GIVEN: [&str; 40] = [
    "Jānis",
    "Andris",
    "Juris",
    "Edgars",
    "Māris",
    "Aivars",
    "Mārtiņš",
    "Kristaps",
    "Roberts",
    "Artūrs",
    "Gints",
    "Raivis",
    "Oskars",
    "Rihards",
    "Dāvis",
    "Emīls",
    "Markuss",
    "Ralfs",
    "Gustavs",
    "Kārlis",
    "Valdis",
    "Imants",
    "Ivars",
    "Uldis",
    "Aleksandrs",
    "Sergejs",
    "Dmitrijs",
    "Vladimirs",
    "Normunds",
    "Arvīds",
    "Guntis",
    "Egils",
    "Armands",
    "Toms",
    "Niks",
    "Daniels",
    "Aleksejs",
    "Pēteris",
    "Viktors",
    "Ojārs",
];

const FEMALE_GIVEN: [&str; 40] = [
    "Anna",
    "Marija",
    "Līga",
    "Ilze",
    "Inese",
    "Kristīne",
    "Laura",
    "Elīza",
    "Sofija",
    "Alise",
    "Emīlija",
    "Evelīna",
    "Dace",
    "Sandra",
    "Anita",
    "Ieva",
    "Baiba",
    "Zane",
    "Agnese",
    "Una",
    "Madara",
    "Rūta",
    "Santa",
    "Jeļena",
    "Tatjana",
    "Olga",
    "Natālija",
    "Vija",
    "Biruta",
    "Zenta",
    "Linda",
    "Signe",
    "Gunta",
    "Aija",
    "Katrīna",
    "Paula",
    "Amēlija",
    "Estere",
    "Svetlana",
    "Irina",
];

/// Family names in their masculine and feminine forms.
const FAMILY: [(&str, &str); 60] = [
    ("Bērziņš", "Bērziņa"),
    ("Kalniņš", "Kalniņa"),
    ("Ozoliņš", "Ozoliņa"),
    ("Jansons", "Jansone"),
    ("Liepiņš", "Liepiņa"),
    ("Krūmiņš", "Krūmiņa"),
    ("Balodis", "Balode"),
    ("Eglītis", "Eglīte"),
    ("Zariņš", "Zariņa"),
    ("Pētersons", "Pētersone"),
    ("Vītols", "Vītola"),
    ("Kļaviņš", "Kļaviņa"),
    ("Kārkliņš", "Kārkliņa"),
    ("Vanags", "Vanaga"),
    ("Lācis", "Lāce"),
    ("Siliņš", "Siliņa"),
    ("Jaunzems", "Jaunzeme"),
    ("Freimanis", "Freimane"),
    ("Sproģis", "Sproģe"),
    ("Kalējs", "Kalēja"),
    ("Rozītis", "Rozīte"),
    ("Zvirbulis", "Zvirbule"),
    ("Strazdiņš", "Strazdiņa"),
    ("Grīnbergs", "Grīnberga"),
    ("Lapiņš", "Lapiņa"),
    ("Āboliņš", "Āboliņa"),
    ("Celmiņš", "Celmiņa"),
    ("Auziņš", "Auziņa"),
    ("Dreimanis", "Dreimane"),
    ("Ivanovs", "Ivanova"),
    ("Petrovs", "Petrova"),
    ("Kuzņecovs", "Kuzņecova"),
    ("Smirnovs", "Smirnova"),
    ("Vasiļjevs", "Vasiļjeva"),
    ("Mežulis", "Mežule"),
    ("Zālītis", "Zālīte"),
    ("Priede", "Priede"),
    ("Krastiņš", "Krastiņa"),
    ("Putniņš", "Putniņa"),
    ("Dūmiņš", "Dūmiņa"),
    ("Bērtulis", "Bērtule"),
    ("Purviņš", "Purviņa"),
    ("Rudzītis", "Rudzīte"),
    ("Kalns", "Kalna"),
    ("Šmits", "Šmite"),
    ("Upītis", "Upīte"),
    ("Millers", "Millere"),
    ("Romanovs", "Romanova"),
    ("Jakovļevs", "Jakovļeva"),
    ("Pavlovs", "Pavlova"),
    ("Novikovs", "Novikova"),
    ("Stepanovs", "Stepanova"),
    ("Zeltiņš", "Zeltiņa"),
    ("Bite", "Bite"),
    ("Skuja", "Skuja"),
    ("Rubenis", "Rubene"),
    ("Gailītis", "Gailīte"),
    ("Cīrulis", "Cīrule"),
    ("Ābols", "Ābola"),
    ("Sīlis", "Sīle"),
];

/// Names in quotes for providers and services.
const PLACE_NAMES: [&str; 60] = [
    "Ābeles",
    "Saulstari",
    "Cerība",
    "Ozoli",
    "Liepas",
    "Zīlīte",
    "Dzērves",
    "Atbalsts",
    "Gaismas stars",
    "Saulespuķe",
    "Rūķīši",
    "Varavīksne",
    "Tilts",
    "Kopā",
    "Dzīpari",
    "Pīlādzis",
    "Avotiņš",
    "Jumis",
    "Sprīdītis",
    "Vītoli",
    "Bērzi",
    "Priedes",
    "Kalnieši",
    "Mēness",
    "Zvaigznīte",
    "Rasa",
    "Sirsniņa",
    "Laipa",
    "Pakāpieni",
    "Ceļabiedrs",
    "Dzīvesprieks",
    "Mārīte",
    "Ezerkrasti",
    "Upmala",
    "Smaids",
    "Rīta blāzma",
    "Dzirnavas",
    "Stariņš",
    "Līdzās",
    "Plecs",
    "Mājvieta",
    "Saules māja",
    "Dārziņi",
    "Ozolkalns",
    "Irbītes",
    "Cielaviņa",
    "Strautiņi",
    "Pūpoli",
    "Vārpas",
    "Lāse",
    "Baltā māja",
    "Ceriņi",
    "Kastaņas",
    "Ziedlejas",
    "Jaunība",
    "Atvase",
    "Dzeguzīte",
    "Gaiša diena",
    "Sapņu māja",
    "Ligzda",
];

const STREETS: [&str; 24] = [
    "Brīvības iela",
    "Rīgas iela",
    "Skolas iela",
    "Dārza iela",
    "Pils iela",
    "Baznīcas iela",
    "Lielā iela",
    "Stacijas iela",
    "Meža iela",
    "Ezera iela",
    "Upes iela",
    "Parka iela",
    "Kalna iela",
    "Saules iela",
    "Jaunā iela",
    "Liepu iela",
    "Bērzu iela",
    "Ozolu iela",
    "Zaļā iela",
    "Tirgus iela",
    "Raiņa iela",
    "Krišjāņa Barona iela",
    "Ganību iela",
    "Avotu iela",
];

const ASSESSMENT_NOTES: [&str; 8] = [
    "Klients piedalījās novērtēšanā, viedoklis uzklausīts.",
    "Novērtēšana veikta klienta dzīvesvietā.",
    "Ieteikts papildu atbalsts sadzīves iemaņu apguvē.",
    "Stāvoklis kopš iepriekšējā novērtējuma stabils.",
    "Vērojams progress pašaprūpē.",
    "Nepieciešama regulāra psihiatra konsultācija.",
    "Novērtēšanā piedalījās arī ģimenes loceklis.",
    "Ieteikts izvērtēt iespēju dzīvot grupu mājā.",
];

const CHILD_OPINIONS: [&str; 5] = [
    "Bērns vēlas dzīvot ģimenē kopā ar brāli.",
    "Bērns vēlas palikt tuvāk savai skolai un draugiem.",
    "Bērns labprāt dzīvotu audžuģimenē.",
    "Bērns vēlas turpināt satikties ar vecmāmiņu.",
    "Bērns izteica vēlmi apmeklēt mūzikas nodarbības.",
];

const ADULT_CHOICES: [&str; 5] = [
    "Vēlas dzīvot grupu mājā tuvāk ģimenei.",
    "Izvēlas dzīvot patstāvīgi ar asistenta atbalstu.",
    "Vēlas strādāt specializētajā darbnīcā.",
    "Vēlas pārcelties uz servisa dzīvokli savā novadā.",
    "Izvēlas palikt dzīvot kopā ar ģimeni un apmeklēt dienas centru.",
];

const COMMUNITY_END_REASONS: [&str; 3] = [
    "Pakalpojums vairs nav nepieciešams",
    "Mainīts pakalpojuma sniedzējs",
    "Klients pārcēlās uz citu dzīvesvietu",
];

const ASSIGNMENT_END_REASONS: [&str; 3] = [
    "Mentors mainīts",
    "Atbalsta mērķi sasniegti",
    "Klients atteicās no mentora atbalsta",
];

const TRANSITION_REASON: &str = "Pāreja uz sabiedrībā balstītu pakalpojumu";
const INSTITUTION_MOVE_REASON: &str = "Pārcelts uz citu institūciju";

/// Content of a support-plan section.
fn section_text(rng: &mut ChaCha8Rng, section: &Section) -> String {
    let variants: [&str; 2] = match section.code {
        "institution_placement" => [
            "Ievietots institūcijā pēc pašvaldības sociālā dienesta lēmuma; izvērtēta pāreja uz sabiedrībā balstītu pakalpojumu.",
            "Institūcijā neatrodas.",
        ],
        "community_services_needed" => [
            "Grupu mājas pakalpojums, dienas aprūpes centrs un sociālā mentora atbalsts.",
            "Aprūpe mājās, sociālā rehabilitācija un asistenta pakalpojums.",
        ],
        "support_persons" => [
            "Māsa un tēvocis, kas regulāri apciemo.",
            "Draugi no dienas centra un kaimiņiene.",
        ],
        "family_support_needed" => [
            "Ģimenei nepieciešamas atelpas brīža pakalpojums un psihologa konsultācijas.",
            "Atbalsta grupa ģimenes locekļiem.",
        ],
        "employment" => [
            "Iespējams atbalstītais darbs vai darbs specializētajā darbnīcā.",
            "Nodarbinātība pašlaik nav plānota.",
        ],
        "education" => [
            "Pamatizglītība; interese par praktiskām nodarbībām.",
            "Mācās speciālās izglītības programmā.",
        ],
        "health" => [
            "Regulāras psihiatra konsultācijas; medikamentozā terapija saskaņā ar ārsta norādījumiem.",
            "Veselības stāvoklis stabils; invaliditātes grupa noteikta.",
        ],
        "wishes_and_needs" => [
            "Vēlas dzīvot patstāvīgāk un apgūt ēdiena gatavošanu.",
            "Vēlas vairāk laika pavadīt ārpus telpām un ar draugiem.",
        ],
        "institution_team_tasks" => [
            "Sadzīves iemaņu treniņi, iepazīšanās ar jauno dzīvesvietu un pakalpojuma sniedzēju.",
            "Sagatavot dokumentus un iepazīstināt ar sociālo mentoru.",
        ],
        "municipal_support_goals" => [
            "Nodrošināt sabiedrībā balstītus pakalpojumus dzīvesvietā un mentora atbalstu pirmajā gadā.",
            "Atbalstīt patstāvīgu dzīvi un iesaisti kopienas aktivitātēs.",
        ],
        "siblings" => [
            "Brālis dzīvo audžuģimenē; saskarsme reizi mēnesī.",
            "Brāļu un māsu nav.",
        ],
        "biological_family" => [
            "Māte atņemtas aizgādības tiesības; saskarsme uzraudzīta.",
            "Vecāki miruši; uztur saikni ar vecmāmiņu.",
        ],
        "child_opinion_on_family" => ["Vēlas dzīvot ģimenē laukos.", "Vēlas palikt kopā ar brāli."],
        "treatment_and_rehabilitation" => [
            "Fizioterapija divreiz nedēļā un logopēda nodarbības.",
            "Regulāra bērnu psihiatra uzraudzība.",
        ],
        "other_needs" => [
            "Nepieciešams atbalsts mācībās.",
            "Interešu izglītības nodarbības.",
        ],
        "family_cooperation" => [
            "Regulāras tikšanās ar potenciālo ģimeni un ģimenes asistenta atbalsts.",
            "Sadarbība ar audžuģimeni un bāriņtiesu.",
        ],
        "rehabilitation_needs" => [
            "Sociālā un medicīniskā rehabilitācija dzīvesvietā.",
            "Ergoterapija un fizioterapija.",
        ],
        "education_programme" => [
            "Speciālās pamatizglītības programma.",
            "Iekļaujošā izglītība vispārizglītojošā skolā ar atbalsta personālu.",
        ],
        "support_volume_and_care_level" => [
            "Nepieciešams atbalsts dažas stundas dienā; aprūpes līmenis atbilst novērtējumam.",
            "Diennakts atbalsts; aprūpes līmenis atbilst novērtējumam.",
        ],
        "medication_and_health_care" => [
            "Medikamentu lietošanu uzrauga sociālais aprūpētājs; ģimenes ārsta apmeklējumi reizi ceturksnī.",
            "Patstāvīgi lieto medikamentus; psihiatriskās māsas vizītes.",
        ],
        _ => [
            "Saskaņā ar novērtējumu un klienta vēlmēm.",
            "Izvērtēts kopā ar klientu.",
        ],
    };
    pick(rng, &variants).to_string()
}

/// Rough population (thousands) of each municipality, for weighting where people live.
fn population(code: &str) -> u64 {
    match code {
        "RIX" => 605,
        "DGV" => 79,
        "JEL" => 55,
        "JUR" => 50,
        "LPX" => 67,
        "REZ" => 26,
        "VEN" => 33,
        "002" => 30,
        "007" => 13,
        "111" => 24,
        "011" => 20,
        "015" => 18,
        "016" => 43,
        "022" => 41,
        "112" => 34,
        "026" => 28,
        "033" => 19,
        "041" => 29,
        "042" => 43,
        "047" => 20,
        "050" => 30,
        "052" => 30,
        "054" => 30,
        "056" => 10,
        "058" => 21,
        "059" => 35,
        "062" => 36,
        "067" => 55,
        "068" => 20,
        "073" => 16,
        "077" => 27,
        "080" => 34,
        "087" => 23,
        "088" => 29,
        "089" => 6,
        "091" => 31,
        "094" => 19,
        "097" => 37,
        "099" => 43,
        "101" => 8,
        "113" => 52,
        "106" => 11,
        _ => 20,
    }
}

/// Short name of a planning region for the state social care centres ("VSAC Kurzeme").
fn region_short_name(code: &str) -> String {
    match code {
        "KURZEME" => "Kurzeme".into(),
        "LATGALE" => "Latgale".into(),
        "RIGA" => "Rīga".into(),
        "VIDZEME" => "Vidzeme".into(),
        "ZEMGALE" => "Zemgale".into(),
        other => other.to_string(),
    }
}

/// Genitive of a municipality name: "Kuldīgas novads" → "Kuldīgas novada", "Rīga" → "Rīgas".
fn genitive(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("novads") {
        format!("{stem}novada")
    } else if name.ends_with('a') || name.ends_with('e') {
        format!("{name}s")
    } else {
        name.to_string()
    }
}

/// Lower-case ASCII slug of the first word of a name, for e-mail domains.
fn slug(name: &str) -> String {
    deunicode::deunicode(name.split_whitespace().next().unwrap_or(name))
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// How often a service type appears among community services (per mille, roughly).
fn type_weight(code: &str) -> u64 {
    match code {
        "home_care" => 120,
        "social_rehabilitation" => 80,
        "day_care_centre" => 80,
        "group_home" => 70,
        "assistant" => 40,
        "day_centre" => 40,
        "social_work" => 30,
        "social_mentor" => 30,
        "specialised_workshop" => 30,
        "foster_family" | "family_like_care_home" => 25,
        "family_assistant" | "respite" | "group_home_with_care" => 20,
        "short_term_social_care" | "youth_home" | "psychologist" => 15,
        "crisis_centre"
        | "meals_on_wheels"
        | "multifunctional_centre"
        | "consultations"
        | "disabled_child_social_care"
        | "security_button"
        | "home_care_mobile_brigade"
        | "specialised_transport"
        | "guardianship"
        | "service_apartment"
        | "group_sessions" => 10,
        "halfway_house"
        | "shelter"
        | "support_family"
        | "family_support_centre"
        | "supported_employment"
        | "children_creative_centre"
        | "short_term_care_children"
        | "psychiatric_home_care"
        | "social_apartment"
        | "support_group"
        | "self_help_group" => 8,
        "crisis_room"
        | "night_shelter"
        | "companion"
        | "guest_family"
        | "soup_kitchen"
        | "supervision"
        | "pension_home"
        | "crisis_foster_family" => 6,
        "social_enterprise"
        | "mobile_crisis_service"
        | "specialised_foster_family"
        | "housing_adaptation" => 5,
        "trusted_person"
        | "palliative_care"
        | "therapeutic_foster_family"
        | "respite_foster_care" => 4,
        "hygiene_centre" | "social_hotel" | "social_correction_home" | "holiday_house" => 3,
        "sos_village" | "compulsory_foster_care" | "parent_and_child_foster_care" => 2,
        // Institutions are created for the clients who live in them (see `Plan::services`).
        "state_social_care_centre"
        | "municipal_social_care_centre"
        | "long_term_care_institution"
        | "children_long_term_care_institution"
        | "small_children_institution" => 0,
        "short_term_care_institution" => 1,
        _ => 4,
    }
}

/// A sensible capacity range per service type (clamped to the catalogue's limit).
fn capacity_range(code: &str) -> (i32, i32) {
    match code {
        "family_like_care_home" => (4, 8),
        "foster_family"
        | "crisis_foster_family"
        | "therapeutic_foster_family"
        | "compulsory_foster_care"
        | "parent_and_child_foster_care"
        | "guardianship"
        | "support_family" => (1, 3),
        "specialised_foster_family" | "respite_foster_care" => (1, 6),
        "guest_family" => (1, 2),
        "trusted_person" | "crisis_room" => (1, 4),
        "group_home" | "group_home_with_care" | "halfway_house" | "youth_home" => (4, 12),
        "service_apartment" => (2, 10),
        "social_correction_home" | "small_children_institution" => (8, 24),
        "day_care_centre"
        | "day_centre"
        | "children_creative_centre"
        | "family_support_centre"
        | "crisis_centre"
        | "home_care_mobile_brigade"
        | "mobile_crisis_service"
        | "social_hotel"
        | "hygiene_centre" => (10, 40),
        "specialised_workshop" | "group_sessions" => (8, 30),
        "multifunctional_centre" => (20, 80),
        "home_care" => (20, 150),
        "social_rehabilitation" | "consultations" | "psychologist" | "psychiatric_home_care" => {
            (10, 60)
        }
        "assistant" => (10, 80),
        "social_mentor"
        | "family_assistant"
        | "supported_employment"
        | "social_enterprise"
        | "palliative_care"
        | "disabled_child_social_care"
        | "housing_adaptation"
        | "short_term_social_care" => (5, 30),
        "companion" | "supervision" => (5, 20),
        "social_work" => (50, 400),
        "night_shelter" | "soup_kitchen" | "security_button" | "meals_on_wheels" => (20, 150),
        "shelter" | "pension_home" | "specialised_transport" | "social_apartment" => (10, 60),
        "respite" | "short_term_care_children" => (4, 16),
        "holiday_house" | "support_group" | "self_help_group" => (6, 20),
        "sos_village" => (20, 60),
        "state_social_care_centre" => (80, 300),
        "municipal_social_care_centre" => (50, 150),
        "long_term_care_institution" => (50, 200),
        "children_long_term_care_institution" => (30, 80),
        "short_term_care_institution" => (20, 60),
        _ => (5, 40),
    }
}

/// Which provider sectors run a service type.
fn sectors_for(code: &str) -> &'static [Sector] {
    use Sector::*;
    match code {
        "state_social_care_centre" => &[State],
        "social_work"
        | "municipal_social_care_centre"
        | "foster_family"
        | "crisis_foster_family"
        | "therapeutic_foster_family"
        | "specialised_foster_family"
        | "respite_foster_care"
        | "compulsory_foster_care"
        | "parent_and_child_foster_care"
        | "guardianship"
        | "guest_family"
        | "support_family"
        | "trusted_person"
        | "social_apartment"
        | "housing_adaptation" => &[Municipal],
        "children_long_term_care_institution" | "small_children_institution" => {
            &[Municipal, Ngo, Religious]
        }
        _ => &[Municipal, Ngo, Private, Religious],
    }
}

// ---------------------------------------------------------------------------------------
// Reference data
// ---------------------------------------------------------------------------------------

struct Municipality {
    code: String,
    name: String,
    region: usize,
    validity: Validity,
    weight: u64,
}

struct Region {
    code: String,
    municipalities: Vec<usize>,
    weight: u64,
}

struct ServiceType {
    code: String,
    label_lv: String,
    label_en: String,
    institutional: bool,
    di_alternative: bool,
    price_unit: Option<String>,
    /// Served target groups, catalogue order.
    groups: Vec<String>,
    rules: ServiceTypeRules,
}

struct Reference {
    municipalities: Vec<Municipality>,
    regions: Vec<Region>,
    types: Vec<ServiceType>,
    instrument: Instrument,
    roles: HashSet<String>,
}

impl Reference {
    fn load(conn: &mut DbConnection, today: NaiveDate) -> anyhow::Result<Self> {
        let region_rows = reference::list_planning_regions(conn)?;
        let mut regions: Vec<Region> = region_rows
            .iter()
            .map(|r| Region {
                code: r.code.clone(),
                municipalities: Vec::new(),
                weight: 0,
            })
            .collect();
        // Only municipalities valid today: a dissolved one takes no new records.
        let rows = reference::list_municipalities(
            conn,
            &MunicipalityFilter {
                region: None,
                valid_on: Some(today),
            },
        )?;
        let mut municipalities = Vec::new();
        for row in rows {
            let region = regions
                .iter()
                .position(|r| r.code == row.planning_region)
                .with_context(|| format!("municipality {} without its region", row.code))?;
            let weight = population(&row.code);
            regions[region].municipalities.push(municipalities.len());
            regions[region].weight += weight;
            municipalities.push(Municipality {
                validity: row.validity(),
                code: row.code,
                name: row.name_lv,
                region,
                weight,
            });
        }
        if municipalities.is_empty() {
            bail!("no municipality is valid on {today}: the reference data is missing");
        }
        regions.retain(|r| !r.municipalities.is_empty());
        // Indexes into `regions` changed only if a region lost every municipality.
        for (i, region) in regions.iter().enumerate() {
            for &m in &region.municipalities {
                municipalities[m].region = i;
            }
        }
        let types = reference::list_service_types(conn, &ServiceTypeFilter::default())?
            .into_iter()
            .map(|e| ServiceType {
                rules: ServiceTypeRules {
                    code: e.row.code.clone(),
                    max_capacity: e.row.max_capacity,
                    target_groups: e.target_groups.iter().cloned().collect(),
                },
                code: e.row.code,
                label_lv: e.row.label_lv,
                label_en: e.row.label_en,
                institutional: e.row.setting == "institutional",
                di_alternative: e.row.is_di_alternative,
                price_unit: e.row.default_price_unit,
                groups: e.target_groups,
            })
            .collect();
        let instrument = crate::db::assessments::instrument(conn, None)
            .context("no default assessment instrument")?
            .instrument;
        let roles: HashSet<String> = reference::list_specialist_roles(conn)?
            .into_iter()
            .map(|r| r.code)
            .collect();
        let programmes: HashSet<String> = reference::list_training_programmes(conn)?
            .into_iter()
            .map(|p| p.code)
            .collect();
        for (programme, _) in MENTOR_TRAININGS {
            if !programmes.contains(programme) {
                bail!("training programme {programme} is missing from the reference data");
            }
        }
        Ok(Self {
            municipalities,
            regions,
            types,
            instrument,
            roles,
        })
    }

    fn type_index(&self, code: &str) -> Option<usize> {
        self.types.iter().position(|t| t.code == code)
    }
}

/// The first id of each table's new rows.
struct IdBase {
    provider: i64,
    service: i64,
    client: i64,
    assessment: i64,
    plan: i64,
    mentor: i64,
    training: i64,
    assignment: i64,
    placement: i64,
    transition: i64,
}

impl IdBase {
    fn load(conn: &mut DbConnection) -> anyhow::Result<Self> {
        let mut next = |table: &str| bulk::max_id(conn, table).map(|m| m + 1);
        Ok(Self {
            provider: next("providers")?,
            service: next("services")?,
            client: next("clients")?,
            assessment: next("assessments")?,
            plan: next("support_plans")?,
            mentor: next("mentors")?,
            training: next("mentor_trainings")?,
            assignment: next("mentor_assignments")?,
            placement: next("placements")?,
            transition: next("di_transitions")?,
        })
    }
}

// ---------------------------------------------------------------------------------------
// The plan: every row, in memory
// ---------------------------------------------------------------------------------------

struct Provider {
    id: i64,
    name: String,
    register_number: String,
    legal: LegalStatus,
    municipality: usize,
    address: String,
    phone: Option<String>,
    email: Option<String>,
    website: Option<String>,
    status: ProviderStatus,
    registered_on: NaiveDate,
    status_changed_on: Option<NaiveDate>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

struct Service {
    id: i64,
    provider: usize,
    service_type: usize,
    name: String,
    name_en: String,
    description: Option<String>,
    description_en: Option<String>,
    municipality: usize,
    address: String,
    capacity: i32,
    occupied: i32,
    status: ServiceStatus,
    price: Option<(i64, String)>,
    closed_on: Option<NaiveDate>,
    groups: BTreeSet<String>,
    created_at: NaiveDateTime,
}

struct Client {
    id: i64,
    group: TargetGroup,
    given: &'static str,
    family: &'static str,
    birth: NaiveDate,
    municipality: usize,
    code: PersonalCode,
    /// The status drawn for the client; `status` is what follows from the placements.
    intended: DiStatus,
    status: DiStatus,
    /// Assessment dates, oldest first; ids from `first_assessment_id` on.
    assessed: Vec<NaiveDate>,
    first_assessment_id: i64,
    /// Care need, 0 (independent) to 4, around which the assessment scores vary.
    need: i32,
    consent_on: Option<NaiveDate>,
    created_on: NaiveDate,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

struct Placement {
    id: i64,
    client: usize,
    service: usize,
    institutional: bool,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    end_reason: Option<&'static str>,
    time_limit: Option<(&'static str, NaiveDate)>,
    created_at: NaiveDateTime,
}

struct Transition {
    id: i64,
    client: usize,
    on: NaiveDate,
    placement_id: i64,
    created_at: NaiveDateTime,
}

struct Training {
    programme: &'static str,
    hours: i32,
    completed_on: NaiveDate,
}

struct Mentor {
    id: i64,
    given: &'static str,
    family: &'static str,
    employer_kind: &'static str,
    employer_code: String,
    region: usize,
    contract: ContractType,
    phone: Option<String>,
    email: Option<String>,
    trainings: Vec<Training>,
    /// The day the last required training was completed; `None` while not eligible.
    eligible_from: Option<NaiveDate>,
    active: i32,
    created_at: NaiveDateTime,
}

struct Assignment {
    id: i64,
    mentor: usize,
    client: usize,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    end_reason: Option<&'static str>,
    created_at: NaiveDateTime,
}

struct Plan<'r> {
    reference: &'r Reference,
    policy: Policy,
    today: NaiveDate,
    yesterday: NaiveDate,
    providers: Vec<Provider>,
    services: Vec<Service>,
    clients: Vec<Client>,
    placements: Vec<Placement>,
    transitions: Vec<Transition>,
    mentors: Vec<Mentor>,
    assignments: Vec<Assignment>,
    plan_base_id: i64,
    training_base_id: i64,
}

/// Institutions to plan for clients of some groups: the groups, the places needed, and the
/// institution types with their weights.
type InstitutionPlan<'a> = (&'a [&'a str], i64, &'a [(&'a str, u64)]);

/// The day the current municipalities came into being (2021 administrative reform).
fn reform_day() -> NaiveDate {
    date(2021, 7, 1)
}

impl<'r> Plan<'r> {
    fn build(
        reference: &'r Reference,
        options: &DemoOptions,
        ids: &IdBase,
    ) -> anyhow::Result<Self> {
        let today = options.today;
        let mut plan = Plan {
            reference,
            policy: options.policy.clone(),
            today,
            yesterday: minus_days(today, 1),
            providers: Vec::new(),
            services: Vec::new(),
            clients: Vec::new(),
            placements: Vec::new(),
            transitions: Vec::new(),
            mentors: Vec::new(),
            assignments: Vec::new(),
            plan_base_id: ids.plan,
            training_base_id: ids.training,
        };
        let n_mun = reference.municipalities.len() as u32;
        let n_regions = reference.regions.len() as u32;
        let min_providers = n_mun + n_regions;
        // At small scales twice the municipalities, so that NGOs, companies and religious
        // providers appear beside each municipality's social service.
        let providers = options
            .providers
            .unwrap_or((options.clients / 50).max(2 * n_mun).max(min_providers));
        if providers < min_providers {
            bail!(
                "--providers must be at least {min_providers}: one social service per valid \
                 municipality ({n_mun}) and one state social care centre per planning region ({n_regions})"
            );
        }
        let services = options.services.unwrap_or(providers * 5);
        let mentors = options.mentors.unwrap_or((options.clients / 5).max(n_mun));
        plan.providers(options.seed, providers, ids.provider)?;
        plan.clients(options.seed, options.clients, ids)?;
        plan.services(options.seed, services, ids.service)?;
        plan.placements(options.seed, ids)?;
        plan.mentors(options.seed, mentors, ids.mentor)?;
        plan.assignments(options.seed, ids.assignment)?;
        plan.finish_clients(options.seed)?;
        Ok(plan)
    }

    fn municipality_weights(&self) -> Weighted {
        Weighted::new(self.reference.municipalities.iter().map(|m| m.weight))
    }

    fn address(rng: &mut ChaCha8Rng, municipality: &Municipality) -> String {
        format!(
            "{} {}, {}",
            pick(rng, &STREETS),
            rng.random_range(1..120),
            municipality.name
        )
    }

    // -- providers -----------------------------------------------------------------------

    fn providers(&mut self, seed: u64, count: u32, base_id: i64) -> anyhow::Result<()> {
        let mut rng = rng_for(seed, "providers");
        let reference = self.reference;
        let weights = self.municipality_weights();
        let legal_weights: [(LegalStatus, u64); 9] = [
            (LegalStatus::MunicipalInstitution, 25),
            (LegalStatus::MunicipalInstitutionUnit, 10),
            (LegalStatus::MunicipalAgency, 4),
            (LegalStatus::MunicipalOwnedCompany, 4),
            (LegalStatus::Association, 25),
            (LegalStatus::Foundation, 10),
            (LegalStatus::Company, 14),
            (LegalStatus::ReligiousOrganisation, 6),
            (LegalStatus::StateOwnedCompany, 1),
        ];
        let legal_pick = Weighted::new(legal_weights.iter().map(|(_, w)| *w));
        let n_mun = reference.municipalities.len();
        let n_regions = reference.regions.len();
        for i in 0..count as usize {
            // The first providers are each municipality's social service, then one state
            // social care centre per region; the rest follow the population.
            let (municipality, legal, name) = if i < n_mun {
                let m = &reference.municipalities[i];
                (
                    i,
                    LegalStatus::MunicipalInstitution,
                    format!("{} sociālais dienests", genitive(&m.name)),
                )
            } else if i < n_mun + n_regions {
                let region = &reference.regions[i - n_mun];
                let municipality = region
                    .municipalities
                    .iter()
                    .copied()
                    .max_by_key(|&m| reference.municipalities[m].weight)
                    .unwrap_or(0);
                (
                    municipality,
                    LegalStatus::StateInstitution,
                    format!(
                        "Valsts sociālās aprūpes centrs \"{}\"",
                        region_short_name(&region.code)
                    ),
                )
            } else {
                let municipality = weights.pick(&mut rng);
                let legal = legal_weights[legal_pick.pick(&mut rng)].0;
                let quoted = pick(&mut rng, &PLACE_NAMES);
                let of_mun = genitive(&reference.municipalities[municipality].name);
                let name = match legal {
                    LegalStatus::MunicipalInstitution => match rng.random_range(0..3) {
                        0 => format!("{of_mun} sociālās aprūpes centrs \"{quoted}\""),
                        1 => format!("{of_mun} sociālo pakalpojumu centrs \"{quoted}\""),
                        _ => format!("{of_mun} dienas centrs \"{quoted}\""),
                    },
                    LegalStatus::MunicipalInstitutionUnit => {
                        format!("{of_mun} sociālā dienesta struktūrvienība \"{quoted}\"")
                    }
                    LegalStatus::MunicipalAgency => {
                        format!("{of_mun} sociālo pakalpojumu aģentūra \"{quoted}\"")
                    }
                    LegalStatus::MunicipalOwnedCompany | LegalStatus::Company => {
                        format!("SIA \"{quoted}\"")
                    }
                    LegalStatus::StateOwnedCompany => format!("VSIA \"{quoted}\""),
                    LegalStatus::Association => format!("Biedrība \"{quoted}\""),
                    LegalStatus::Foundation => format!("Nodibinājums \"{quoted}\""),
                    LegalStatus::ReligiousOrganisation => {
                        format!("Draudzes diakonijas centrs \"{quoted}\"")
                    }
                    LegalStatus::StateInstitution => format!("Valsts iestāde \"{quoted}\""),
                };
                (municipality, legal, name)
            };
            let m = &reference.municipalities[municipality];
            let prefix = match legal.sector() {
                Sector::Municipal | Sector::State => "90000",
                Sector::Religious => "90001",
                Sector::Ngo => "40008",
                Sector::Private => "40103",
            };
            // A bijection of i modulo 10⁶ (7919 is coprime to 10): unique numbers.
            let register_number = format!("{prefix}{:06}", (i as u64 * 7919 + 104_729) % 1_000_000);
            let registered_on = if i < n_mun + n_regions || rng.random_bool(0.4) {
                day_between(
                    &mut rng,
                    m.validity.from.max(reform_day()),
                    date(2021, 12, 31).min(self.yesterday),
                )
            } else {
                day_between(
                    &mut rng,
                    date(2022, 1, 1),
                    minus_days(self.today, 30).max(date(2022, 1, 1)),
                )
            }
            .min(self.yesterday);
            rule(
                ensure_municipality_valid(&m.code, m.validity, registered_on),
                "provider",
            )?;
            let suspended = i >= n_mun + n_regions && rng.random_bool(0.05);
            let status_changed_on = suspended
                .then(|| day_between(&mut rng, plus_days(registered_on, 30), self.yesterday))
                .map(|d| d.min(self.yesterday).max(registered_on));
            let slug_name = slug(name.split('"').nth(1).unwrap_or(&name));
            let email = rng
                .random_bool(0.7)
                .then(|| format!("info@{slug_name}{}.lv", i + 1));
            let website = rng
                .random_bool(0.4)
                .then(|| format!("https://www.{slug_name}{}.lv", i + 1));
            let created_at = during(&mut rng, registered_on);
            let updated_at = match status_changed_on {
                Some(d) => during(&mut rng, d).max(created_at),
                None => created_at,
            };
            self.providers.push(Provider {
                id: base_id + i as i64,
                name,
                register_number,
                legal,
                municipality,
                address: Self::address(&mut rng, m),
                phone: rng
                    .random_bool(0.9)
                    .then(|| format!("+371 6{:07}", rng.random_range(0..10_000_000))),
                email,
                website,
                status: if suspended {
                    ProviderStatus::Suspended
                } else {
                    ProviderStatus::Active
                },
                registered_on,
                status_changed_on,
                created_at,
                updated_at,
            });
        }
        Ok(())
    }

    // -- clients -------------------------------------------------------------------------

    fn clients(&mut self, seed: u64, count: u32, ids: &IdBase) -> anyhow::Result<()> {
        let mut rng = rng_for(seed, "clients");
        let weights = self.municipality_weights();
        let today = self.today;
        let mut codes: HashSet<String> = HashSet::with_capacity(count as usize);
        let mut next_assessment = ids.assessment;
        // Ages of children: fewer infants, more teenagers.
        let child_ages = Weighted::new([2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 9, 9]);
        for i in 0..count as usize {
            let group = match rng.random_range(0..1000) {
                0..120 => TargetGroup::OrphanOrNoParentalCare,
                120..250 => TargetGroup::ChildWithFunctionalImpairment,
                _ => TargetGroup::AdultWithMentalDisorder,
            };
            let female = rng.random_bool(0.5);
            let given = if female {
                *pick(&mut rng, &FEMALE_GIVEN)
            } else {
                *pick(&mut rng, &MALE_GIVEN)
            };
            let (male_family, female_family) = *pick(&mut rng, &FAMILY);
            let family = if female { female_family } else { male_family };
            let birth = loop {
                let age = if group.is_child() {
                    child_ages.pick(&mut rng) as u32
                } else {
                    // Peaks in middle age, 18 to 85.
                    18 + (rng.random_range(0..34) + rng.random_range(0..35)) as u32
                };
                let latest = minus_years(today, age);
                let earliest = plus_days(minus_years(today, age + 1), 1);
                let birth = day_between(&mut rng, earliest, latest).min(minus_days(today, 30));
                if check_target_group_age(group, birth, today).is_ok() {
                    break birth;
                }
            };
            let municipality = weights.pick(&mut rng);
            let intended = match rng.random_range(0..100) {
                0..30 => DiStatus::InInstitution,
                30..45 => DiStatus::WaitingList,
                _ => DiStatus::InCommunity,
            };
            let code = personal_code(&mut rng, birth, &mut codes);
            // The checks the API makes when a client is registered.
            let parsed = PersonalCode::parse(code.as_str())
                .map_err(|e| anyhow!("generated personal code does not parse: {e}"))?;
            parsed.check_birth_date(birth).map_err(|e| {
                anyhow!("generated personal code disagrees with the birth date: {e}")
            })?;
            rule(check_target_group_age(group, birth, today), "client")?;
            let need_weights: &[u64] = match intended {
                DiStatus::InInstitution => &[5, 15, 35, 30, 15],
                DiStatus::WaitingList => &[5, 25, 35, 25, 10],
                DiStatus::InCommunity => &[10, 30, 35, 20, 5],
            };
            let need = Weighted::new(need_weights.iter().copied()).pick(&mut rng) as i32;
            let assessed = self.assessment_dates(&mut rng, group, birth);
            let first = assessed.first().copied().unwrap_or(self.yesterday);
            let created_on = minus_days(first, rng.random_range(0..=60))
                .max(reform_day())
                .max(birth)
                .min(first);
            let m = &self.reference.municipalities[municipality];
            rule(
                ensure_municipality_valid(&m.code, m.validity, created_on),
                "client",
            )?;
            let created_at = during(&mut rng, created_on);
            self.clients.push(Client {
                id: ids.client + i as i64,
                group,
                given,
                family,
                birth,
                municipality,
                code: parsed,
                intended,
                status: intended,
                first_assessment_id: next_assessment,
                assessed,
                need,
                consent_on: None,
                created_on,
                created_at,
                updated_at: created_at,
            });
            next_assessment += self.clients[i].assessed.len() as i64;
        }
        Ok(())
    }

    /// Assessment dates from 2022 on, about a year apart; some clients overdue.
    fn assessment_dates(
        &self,
        rng: &mut ChaCha8Rng,
        group: TargetGroup,
        birth: NaiveDate,
    ) -> Vec<NaiveDate> {
        let yesterday = self.yesterday;
        let grown = if group.is_child() {
            plus_days(birth, 30)
        } else {
            plus_years(birth, 18)
        };
        let earliest = date(2022, 1, 1).max(grown).min(yesterday);
        let overdue = rng.random_bool(0.12);
        let months = self.policy.reassessment_months.max(1);
        let year_ago = self
            .today
            .checked_sub_months(Months::new(months))
            .unwrap_or(self.today);
        let latest = if overdue {
            day_between(
                rng,
                minus_days(year_ago, 365),
                minus_days(year_ago, 1).max(minus_days(year_ago, 365)),
            )
        } else {
            day_between(rng, plus_days(year_ago, 1), yesterday)
        };
        let latest = if latest < earliest {
            day_between(rng, earliest, yesterday)
        } else {
            latest
        }
        .min(yesterday);
        // Some clients have been assessed since the start; the others joined later.
        let first = if rng.random_bool(0.2) {
            earliest
        } else {
            day_between(rng, earliest, latest)
        };
        let mut dates = vec![latest];
        let mut d = latest;
        loop {
            let gap = rng.random_range(330..=395);
            let previous = minus_days(d, gap);
            if previous < first {
                break;
            }
            dates.push(previous);
            d = previous;
        }
        dates.reverse();
        dates
    }

    // -- services ------------------------------------------------------------------------

    fn services(&mut self, seed: u64, count: u32, base_id: i64) -> anyhow::Result<()> {
        let mut rng = rng_for(seed, "services");
        let reference = self.reference;
        // Institutional places for everyone drawn to live in an institution, with some spare.
        let institutional_children = self
            .clients
            .iter()
            .filter(|c| c.intended == DiStatus::InInstitution && c.group.is_child())
            .count() as i64;
        let institutional_adults = self
            .clients
            .iter()
            .filter(|c| c.intended == DiStatus::InInstitution && !c.group.is_child())
            .count() as i64;
        let child_groups = [
            TargetGroup::OrphanOrNoParentalCare.as_str(),
            TargetGroup::ChildWithFunctionalImpairment.as_str(),
        ];
        let adult_groups = [TargetGroup::AdultWithMentalDisorder.as_str()];
        let plans: [InstitutionPlan<'_>; 2] = [
            (
                &adult_groups,
                (institutional_adults * 115 + 99) / 100,
                &[
                    ("state_social_care_centre", 55),
                    ("long_term_care_institution", 25),
                    ("municipal_social_care_centre", 20),
                ],
            ),
            (
                &child_groups,
                (institutional_children * 120 + 99) / 100,
                &[
                    ("children_long_term_care_institution", 40),
                    ("small_children_institution", 20),
                    ("state_social_care_centre", 20),
                    ("municipal_social_care_centre", 20),
                ],
            ),
        ];
        for (groups, target, type_weights) in plans {
            let candidates: Vec<(usize, u64)> = type_weights
                .iter()
                .filter_map(|(code, w)| {
                    let t = reference.type_index(code)?;
                    groups
                        .iter()
                        .all(|g| reference.types[t].rules.target_groups.contains(*g))
                        .then_some((t, *w))
                })
                .collect();
            if candidates.is_empty() && target > 0 {
                bail!("the catalogue has no institution type serving {groups:?}");
            }
            let pick_type = Weighted::new(candidates.iter().map(|(_, w)| *w));
            let mut capacity: i64 = 0;
            while capacity < target {
                let t = candidates[pick_type.pick(&mut rng)].0;
                let forced: BTreeSet<String> = groups.iter().map(|g| g.to_string()).collect();
                let s = self.new_service(&mut rng, t, forced, true, base_id)?;
                capacity += i64::from(self.services[s].capacity);
            }
        }
        let institutions = self.services.len();
        let Some(community) = (count as usize).checked_sub(institutions) else {
            bail!(
                "--services {count} is too few: the clients living in institutions alone need \
                 {institutions} institutions"
            );
        };
        // One service of every type first (as far as the count allows), then by weight.
        let present: HashSet<usize> = self.services.iter().map(|s| s.service_type).collect();
        let missing: Vec<usize> = (0..reference.types.len())
            .filter(|t| !present.contains(t))
            .collect();
        let pick_type = Weighted::new(reference.types.iter().map(|t| type_weight(&t.code)));
        for k in 0..community {
            let t = match missing.get(k) {
                Some(&t) => t,
                None => pick_type.pick(&mut rng),
            };
            self.new_service(&mut rng, t, BTreeSet::new(), false, base_id)?;
        }
        Ok(())
    }

    /// Adds a service of type `t`; `forced` groups are served in any case. `needed`: an
    /// institution planned for clients, active and run by an active provider.
    fn new_service(
        &mut self,
        rng: &mut ChaCha8Rng,
        t: usize,
        forced: BTreeSet<String>,
        needed: bool,
        base_id: i64,
    ) -> anyhow::Result<usize> {
        let reference = self.reference;
        let stype = &reference.types[t];
        let sectors = sectors_for(&stype.code);
        // A provider of a fitting sector (for a needed institution, an active one).
        let candidates: Vec<usize> = self
            .providers
            .iter()
            .enumerate()
            .filter(|(_, p)| sectors.contains(&p.legal.sector()))
            .filter(|(_, p)| !needed || p.status == ProviderStatus::Active)
            .map(|(i, _)| i)
            .collect();
        let provider = if candidates.is_empty() {
            rng.random_range(0..self.providers.len())
        } else {
            *pick(rng, &candidates)
        };
        let p = &self.providers[provider];
        let provider_municipality = &reference.municipalities[p.municipality];
        let municipality = if p.legal.sector() == Sector::State || rng.random_bool(0.15) {
            // State centres have branches around their region; others sometimes serve a
            // neighbouring municipality.
            *pick(
                rng,
                &reference.regions[provider_municipality.region].municipalities,
            )
        } else {
            p.municipality
        };
        let m = &reference.municipalities[municipality];
        let mut groups = forced;
        for g in &stype.groups {
            let is_di = TargetGroup::parse(g).is_some();
            if rng.random_bool(if is_di { 0.8 } else { 0.35 }) {
                groups.insert(g.clone());
            }
        }
        if groups.is_empty() {
            if stype.groups.is_empty() {
                bail!("service type {} serves no target group", stype.code);
            }
            groups.insert(pick(rng, &stype.groups).clone());
        }
        let (lo, hi) = capacity_range(&stype.code);
        let hi = stype.rules.max_capacity.map_or(hi, |max| hi.min(max));
        let lo = lo.min(hi).max(0);
        let capacity = rng.random_range(lo..=hi);
        let status = if needed {
            ServiceStatus::Active
        } else if p.status == ProviderStatus::Active {
            match rng.random_range(0..100) {
                0..90 => ServiceStatus::Active,
                90..95 => ServiceStatus::Planned,
                _ => ServiceStatus::Closed,
            }
        } else if rng.random_bool(0.4) {
            ServiceStatus::Planned
        } else {
            ServiceStatus::Closed
        };
        rule(
            check_service(
                &stype.rules,
                &ServiceState {
                    capacity,
                    occupied: 0,
                    target_groups: &groups,
                    status,
                    previous_status: None,
                    provider_status: p.status,
                },
            ),
            "service",
        )?;
        let created_on = day_between(
            rng,
            p.registered_on,
            minus_days(self.yesterday, 60).max(p.registered_on),
        )
        .min(self.yesterday);
        rule(
            ensure_municipality_valid(&m.code, m.validity, created_on),
            "service",
        )?;
        let closed_on = (status == ServiceStatus::Closed)
            .then(|| day_between(rng, plus_days(created_on, 30), self.yesterday))
            .map(|d| d.min(self.yesterday).max(created_on));
        let quoted = *pick(rng, &PLACE_NAMES);
        let (name, name_en) = if stype.code == "state_social_care_centre" {
            let region = region_short_name(&reference.regions[m.region].code);
            (
                format!("VSAC \"{region}\" filiāle \"{quoted}\""),
                format!("State social care centre \"{region}\", branch \"{quoted}\""),
            )
        } else {
            (
                format!("{} \"{quoted}\"", stype.label_lv),
                format!("{} \"{quoted}\"", stype.label_en),
            )
        };
        let description = rng.random_bool(0.6).then(|| {
            let of_mun = genitive(&m.name);
            // Opening hours only for services people come to during the day.
            let daytime = ["centre", "workshop", "consultations", "group_sessions"]
                .iter()
                .any(|w| stype.code.contains(w));
            match rng.random_range(0..if daytime { 3 } else { 2 }) {
                0 => format!("{} {of_mun} iedzīvotājiem.", stype.label_lv),
                1 => format!(
                    "{}. Individuāls atbalsts sadzīves iemaņu apguvē un sociālajā integrācijā.",
                    stype.label_lv
                ),
                _ => format!(
                    "{}. Pakalpojums pieejams darba dienās no 8.00 līdz 18.00.",
                    stype.label_lv
                ),
            }
        });
        let description_en = (description.is_some() && rng.random_bool(0.5)).then(|| {
            format!(
                "{} for residents of {}. Individual support with everyday skills and social inclusion.",
                stype.label_en, m.name
            )
        });
        let price = stype.price_unit.as_ref().and_then(|unit| {
            rng.random_bool(0.8).then(|| {
                let cents = match unit.as_str() {
                    "person_day" => rng.random_range(1500..=6500),
                    "hour" => rng.random_range(800..=2800),
                    _ => rng.random_range(30_000..=150_000),
                };
                (cents, unit.clone())
            })
        });
        let index = self.services.len();
        self.services.push(Service {
            id: base_id + index as i64,
            provider,
            service_type: t,
            name,
            name_en,
            description,
            description_en,
            municipality,
            address: Self::address(rng, m),
            capacity,
            occupied: 0,
            status,
            price,
            closed_on,
            groups,
            created_at: during(rng, created_on),
        });
        Ok(index)
    }

    // -- placements and DI transitions ---------------------------------------------------

    fn placements(&mut self, seed: u64, ids: &IdBase) -> anyhow::Result<()> {
        let mut rng = rng_for(seed, "placements");
        let mut vacancies = Vacancies::new(self);
        for c in 0..self.clients.len() {
            match self.clients[c].intended {
                DiStatus::InInstitution => {
                    self.place_in_institution(&mut rng, &mut vacancies, c, ids)?
                }
                DiStatus::InCommunity => {
                    self.place_in_community(&mut rng, &mut vacancies, c, ids)?
                }
                DiStatus::WaitingList => {}
            }
            // The status that follows from the active placements (as the API derives it).
            let client = &self.clients[c];
            let active = self
                .placements
                .iter()
                .rev()
                .take_while(|p| p.client == c)
                .filter(|p| p.ended_on.is_none());
            let (mut institutional, mut community) = (false, false);
            for p in active {
                if p.institutional {
                    institutional = true;
                } else {
                    community = true;
                }
            }
            let before = match client.intended {
                DiStatus::InCommunity => DiStatus::InCommunity,
                _ => DiStatus::WaitingList,
            };
            self.clients[c].status = derive_di_status(before, institutional, community);
        }
        for (s, service) in self.services.iter().enumerate() {
            let stype = &self.reference.types[service.service_type];
            if service.occupied > service.capacity {
                bail!("service {s} was overfilled");
            }
            rule(
                check_service(
                    &stype.rules,
                    &ServiceState {
                        capacity: service.capacity,
                        occupied: service.occupied,
                        target_groups: &service.groups,
                        status: service.status,
                        previous_status: None,
                        provider_status: self.providers[service.provider].status,
                    },
                ),
                "service occupancy",
            )?;
        }
        Ok(())
    }

    fn facts(&self, s: usize) -> (ServiceFacts<'_>, Vec<String>) {
        let service = &self.services[s];
        let stype = &self.reference.types[service.service_type];
        (
            ServiceFacts {
                service_type: &stype.code,
                institutional: stype.institutional,
                active: service.status == ServiceStatus::Active
                    && self.providers[service.provider].status == ProviderStatus::Active,
                target_groups: &[],
            },
            service.groups.iter().cloned().collect(),
        )
    }

    /// Records a placement after the checks the API makes; returns its id.
    fn add_placement(
        &mut self,
        rng: &mut ChaCha8Rng,
        ids: &IdBase,
        c: usize,
        s: usize,
        started_on: NaiveDate,
        end: Option<(NaiveDate, &'static str)>,
    ) -> anyhow::Result<i64> {
        let client = &self.clients[c];
        let (facts, groups) = self.facts(s);
        let facts = ServiceFacts {
            target_groups: &groups,
            ..facts
        };
        rule(
            check_placement(&self.policy, &facts, client.group, client.birth, started_on),
            "placement",
        )?;
        let institutional = facts.institutional;
        let limit = time_limit(&self.policy, facts.service_type, client.birth, started_on);
        if end.is_none() {
            let service = &mut self.services[s];
            if service.occupied >= service.capacity {
                bail!("placement into a full service");
            }
            service.occupied += 1;
        }
        let id = ids.placement + self.placements.len() as i64;
        let created_at = during(rng, started_on.min(self.yesterday));
        self.placements.push(Placement {
            id,
            client: c,
            service: s,
            institutional,
            started_on,
            ended_on: end.map(|(d, _)| d),
            end_reason: end.map(|(_, r)| r),
            time_limit: limit.map(|l| (l.rule, l.due_on)),
            created_at,
        });
        Ok(id)
    }

    /// Earliest plausible start of a placement: adults as adults, children after birth.
    fn placement_floor(&self, c: usize, not_before: NaiveDate) -> NaiveDate {
        let client = &self.clients[c];
        let grown = if client.group.is_child() {
            plus_days(client.birth, 7)
        } else {
            plus_years(client.birth, 18)
        };
        grown.max(not_before).min(self.yesterday)
    }

    fn place_in_institution(
        &mut self,
        rng: &mut ChaCha8Rng,
        vacancies: &mut Vacancies,
        c: usize,
        ids: &IdBase,
    ) -> anyhow::Result<()> {
        let client = &self.clients[c];
        let floor = if client.group.is_child() && age_on(client.birth, self.today) <= 3 {
            // Small children are placed for months, not years (INV-C06).
            self.placement_floor(c, minus_days(self.today, 240))
        } else {
            self.placement_floor(c, date(2008, 1, 1))
        };
        let start = day_between(rng, floor, minus_days(self.yesterday, 30).max(floor));
        let Some(s) = vacancies.take(self, rng, c, true, start, None) else {
            return Ok(()); // no free institutional place: the client waits
        };
        if rng.random_bool(0.1) && start > plus_days(floor, 120) {
            // Moved here from another institution.
            let earlier = day_between(rng, floor, minus_days(start, 60));
            if let Some(previous) = vacancies.history(self, rng, c, true, s) {
                self.add_placement(
                    rng,
                    ids,
                    c,
                    previous,
                    earlier,
                    Some((start, INSTITUTION_MOVE_REASON)),
                )?;
            }
        }
        self.add_placement(rng, ids, c, s, start, None)?;
        Ok(())
    }

    fn place_in_community(
        &mut self,
        rng: &mut ChaCha8Rng,
        vacancies: &mut Vacancies,
        c: usize,
        ids: &IdBase,
    ) -> anyhow::Result<()> {
        let client = &self.clients[c];
        let latest_assessment = client.assessed.last().copied().unwrap_or(self.yesterday);
        let previous_assessment = client
            .assessed
            .iter()
            .rev()
            .nth(1)
            .copied()
            .unwrap_or(date(2022, 1, 1));
        if rng.random_bool(0.45) {
            // Moved from an institution: most were reassessed after the move (INV-A11).
            let floor = self.placement_floor(c, date(2022, 1, 1));
            let on = if rng.random_bool(0.8) || latest_assessment >= self.yesterday {
                day_between(
                    rng,
                    minus_days(latest_assessment, 300)
                        .max(plus_days(previous_assessment, 1))
                        .max(floor),
                    latest_assessment,
                )
            } else {
                day_between(rng, plus_days(latest_assessment, 1), self.yesterday)
            }
            .max(floor)
            .min(self.yesterday);
            let institution_floor = self.placement_floor(c, minus_years(on, 10));
            if on > plus_days(institution_floor, 30)
                && let Some(institution) = vacancies.history(self, rng, c, true, usize::MAX)
                && let Some(s) = vacancies.take(self, rng, c, false, on, None)
            {
                let since = day_between(rng, institution_floor, minus_days(on, 30));
                // As the API records it: the institutional placement ends (the status stays
                // in_institution with no active placement), then the community placement
                // starts and the derived status moves to in_community: a DI transition.
                self.add_placement(
                    rng,
                    ids,
                    c,
                    institution,
                    since,
                    Some((on, TRANSITION_REASON)),
                )?;
                let before = DiStatus::InInstitution;
                let placement_id = self.add_placement(rng, ids, c, s, on, None)?;
                let after = derive_di_status(before, false, true);
                if !is_transition(before, after) {
                    bail!("a move to the community must be a DI transition");
                }
                let created_at = during(rng, on);
                self.transitions.push(Transition {
                    id: ids.transition + self.transitions.len() as i64,
                    client: c,
                    on,
                    placement_id,
                    created_at,
                });
                if rng.random_bool(0.2) {
                    let day = day_between(rng, on, self.yesterday);
                    if let Some(s2) = vacancies.take(self, rng, c, false, day, Some(s)) {
                        self.add_placement(rng, ids, c, s2, day, None)?;
                    }
                }
                return Ok(());
            }
        }
        if rng.random_bool(0.1) {
            return Ok(()); // lives with family, no service yet
        }
        let floor = self.placement_floor(c, date(2016, 1, 1));
        let start = day_between(rng, floor, self.yesterday);
        let Some(s) = vacancies.take(self, rng, c, false, start, None) else {
            return Ok(());
        };
        if rng.random_bool(0.15) && start > plus_days(floor, 90) {
            let earlier = day_between(rng, floor, minus_days(start, 60));
            let ended = day_between(rng, plus_days(earlier, 30), start);
            if let Some(previous) = vacancies.history(self, rng, c, false, s) {
                let reason = *pick(rng, &COMMUNITY_END_REASONS);
                self.add_placement(rng, ids, c, previous, earlier, Some((ended, reason)))?;
            }
        }
        self.add_placement(rng, ids, c, s, start, None)?;
        if rng.random_bool(0.2) {
            let day = day_between(rng, start, self.yesterday);
            if let Some(s2) = vacancies.take(self, rng, c, false, day, Some(s)) {
                self.add_placement(rng, ids, c, s2, day, None)?;
            }
        }
        Ok(())
    }

    // -- mentors and assignments ---------------------------------------------------------

    fn mentors(&mut self, seed: u64, count: u32, base_id: i64) -> anyhow::Result<()> {
        let mut rng = rng_for(seed, "mentors");
        let reference = self.reference;
        let municipality_weights = self.municipality_weights();
        let region_weights = Weighted::new(reference.regions.iter().map(|r| r.weight));
        let n_mun = reference.municipalities.len();
        for i in 0..count as usize {
            let (employer_kind, employer_code, region) = if i < n_mun {
                let m = &reference.municipalities[i];
                ("municipality", m.code.clone(), m.region)
            } else if rng.random_bool(0.15) {
                let r = region_weights.pick(&mut rng);
                ("region", reference.regions[r].code.clone(), r)
            } else {
                let m = &reference.municipalities[municipality_weights.pick(&mut rng)];
                ("municipality", m.code.clone(), m.region)
            };
            let female = rng.random_bool(0.85);
            let given = if female {
                *pick(&mut rng, &FEMALE_GIVEN)
            } else {
                *pick(&mut rng, &MALE_GIVEN)
            };
            let (male_family, female_family) = *pick(&mut rng, &FAMILY);
            let family = if female { female_family } else { male_family };
            let created_on = day_between(
                &mut rng,
                reform_day(),
                minus_days(self.today, 30).max(reform_day()),
            )
            .min(self.yesterday);
            let completed = |rng: &mut ChaCha8Rng| {
                day_between(rng, minus_days(created_on, 365), self.yesterday).min(self.yesterday)
            };
            let mut trainings = Vec::new();
            // About 80% complete every required training; the rest lack something.
            let shortfall = if rng.random_bool(0.8) {
                None
            } else {
                Some(rng.random_range(0..4))
            };
            for (programme, required) in MENTOR_TRAININGS {
                match (shortfall, programme) {
                    (Some(0), "life_skills") => trainings.push(Training {
                        programme,
                        hours: required - 1, // the classic: 47 of 48 hours
                        completed_on: completed(&mut rng),
                    }),
                    (Some(1), "client_needs_work") => {} // not started
                    (Some(2), "client_needs_work") => trainings.push(Training {
                        programme,
                        hours: required * 5 / 8,
                        completed_on: completed(&mut rng),
                    }),
                    (Some(3), _) => {} // newly engaged, no training yet
                    _ if required >= 48 && rng.random_bool(0.3) => {
                        // Taken in two parts; the hours add up.
                        let first = required / 2;
                        trainings.push(Training {
                            programme,
                            hours: first,
                            completed_on: completed(&mut rng),
                        });
                        trainings.push(Training {
                            programme,
                            hours: required - first,
                            completed_on: completed(&mut rng),
                        });
                    }
                    _ => trainings.push(Training {
                        programme,
                        hours: required + 8 * rng.random_range(0..2),
                        completed_on: completed(&mut rng),
                    }),
                }
            }
            if shortfall != Some(3) && rng.random_bool(0.3) {
                let (programme, hours) = *pick(
                    &mut rng,
                    &[
                        ("cbs_development", 8),
                        ("di_assessment", 8),
                        ("youth_home_work", 36),
                        ("family_like_child_work", 36),
                    ],
                );
                trainings.push(Training {
                    programme,
                    hours,
                    completed_on: completed(&mut rng),
                });
            }
            trainings.sort_by_key(|t| t.completed_on);
            let missing = missing_trainings(trainings.iter().map(|t| (t.programme, t.hours)));
            if missing.is_empty() != shortfall.is_none() {
                bail!("mentor eligibility does not follow the trainings");
            }
            let eligible_from = missing
                .is_empty()
                .then(|| trainings.iter().map(|t| t.completed_on).max())
                .flatten();
            let email_domain = if employer_kind == "region" {
                format!("{}.lv", slug(&region_short_name(&employer_code)))
            } else {
                let m = reference
                    .municipalities
                    .iter()
                    .find(|m| m.code == employer_code)
                    .map_or_else(|| employer_code.clone(), |m| m.name.clone());
                format!("{}.lv", slug(&m))
            };
            let email = rng
                .random_bool(0.7)
                .then(|| format!("{}.{}@{email_domain}", slug(given), slug(family)));
            let phone = rng
                .random_bool(0.8)
                .then(|| format!("+371 2{:07}", rng.random_range(0..10_000_000)));
            let created_at = during(&mut rng, created_on);
            self.mentors.push(Mentor {
                id: base_id + i as i64,
                given,
                family,
                employer_kind,
                employer_code,
                region,
                contract: if rng.random_bool(0.65) {
                    ContractType::Employment
                } else {
                    ContractType::Services
                },
                phone,
                email,
                trainings,
                eligible_from,
                active: 0,
                created_at,
            });
        }
        Ok(())
    }

    fn assignments(&mut self, seed: u64, base_id: i64) -> anyhow::Result<()> {
        let mut rng = rng_for(seed, "assignments");
        let reference = self.reference;
        let capacity = self.policy.mentor_capacity;
        // Eligible mentors a municipality may assign: its own and its region's.
        let mut own: Vec<Vec<usize>> = vec![Vec::new(); reference.municipalities.len()];
        let mut regional: Vec<Vec<usize>> = vec![Vec::new(); reference.regions.len()];
        let municipality_index: HashMap<&str, usize> = reference
            .municipalities
            .iter()
            .enumerate()
            .map(|(i, m)| (m.code.as_str(), i))
            .collect();
        for (i, mentor) in self.mentors.iter().enumerate() {
            if mentor.eligible_from.is_none() {
                continue;
            }
            if mentor.employer_kind == "region" {
                regional[mentor.region].push(i);
            } else if let Some(&m) = municipality_index.get(mentor.employer_code.as_str()) {
                own[m].push(i);
            }
        }
        let all_own = own.clone();
        let all_regional = regional.clone();
        // Clients with an active community placement, in client order.
        let mut in_community_service = vec![None; self.clients.len()];
        for p in &self.placements {
            if p.ended_on.is_none() && !p.institutional {
                let slot: &mut Option<NaiveDate> = &mut in_community_service[p.client];
                *slot = Some(slot.map_or(p.started_on, |d: NaiveDate| d.min(p.started_on)));
            }
        }
        for (c, community_since) in in_community_service.iter().copied().enumerate() {
            let client = &self.clients[c];
            let share = match (client.status, community_since) {
                (DiStatus::InCommunity, Some(_)) => 0.75,
                (DiStatus::InCommunity, None) => 0.4,
                (DiStatus::WaitingList, _) => 0.15,
                (DiStatus::InInstitution, _) => 0.05,
            };
            if !rng.random_bool(share) {
                continue;
            }
            let m = client.municipality;
            let r = reference.municipalities[m].region;
            let floor = client
                .created_on
                .max(date(2022, 1, 1))
                .max(community_since.map_or(NaiveDate::MIN, |d| minus_days(d, 60)));
            // Mentor with a free place: the municipality's own first, then the region's.
            let mut chosen = None;
            for pool in [&mut own[m], &mut regional[r]] {
                let mut tries = 0;
                while !pool.is_empty() && tries < 8 {
                    let k = rng.random_range(0..pool.len());
                    let mentor = &self.mentors[pool[k]];
                    if mentor.active >= capacity {
                        pool.swap_remove(k);
                        continue;
                    }
                    tries += 1;
                    if mentor.eligible_from.is_some_and(|d| d <= self.yesterday) {
                        chosen = Some(pool[k]);
                        break;
                    }
                }
                if chosen.is_some() {
                    break;
                }
            }
            let Some(mentor) = chosen else { continue };
            let eligible_from = self.mentors[mentor].eligible_from.unwrap_or(self.yesterday);
            let lower = floor.max(eligible_from);
            if lower > self.yesterday {
                continue;
            }
            let started_on = day_between(&mut rng, lower, self.yesterday);
            // The checks the API makes when it assigns.
            let trainings = &self.mentors[mentor].trainings;
            rule(
                check_eligible(&missing_trainings(
                    trainings.iter().map(|t| (t.programme, t.hours)),
                )),
                "mentor assignment",
            )?;
            if self.mentors[mentor].active >= capacity {
                rule(
                    Err(DomainError::MentorCapacityExceeded { capacity }),
                    "mentor assignment",
                )?;
            }
            // An earlier mentor, now ended.
            if rng.random_bool(0.2) {
                let candidates: Vec<usize> = all_own[m]
                    .iter()
                    .chain(&all_regional[r])
                    .copied()
                    .filter(|&x| x != mentor)
                    .collect();
                if !candidates.is_empty() {
                    let earlier = *pick(&mut rng, &candidates);
                    let lower = floor.max(
                        self.mentors[earlier]
                            .eligible_from
                            .unwrap_or(self.yesterday),
                    );
                    if plus_days(lower, 30) < started_on {
                        let from = day_between(&mut rng, lower, minus_days(started_on, 30));
                        let to =
                            day_between(&mut rng, plus_days(from, 14), started_on).min(started_on);
                        let reason = *pick(&mut rng, &ASSIGNMENT_END_REASONS);
                        self.push_assignment(
                            &mut rng,
                            base_id,
                            earlier,
                            c,
                            from,
                            Some((to, reason)),
                        );
                    }
                }
            }
            self.push_assignment(&mut rng, base_id, mentor, c, started_on, None);
        }
        for mentor in &self.mentors {
            if mentor.active > capacity {
                bail!("a mentor has more than {capacity} active clients");
            }
        }
        Ok(())
    }

    fn push_assignment(
        &mut self,
        rng: &mut ChaCha8Rng,
        base_id: i64,
        mentor: usize,
        client: usize,
        started_on: NaiveDate,
        end: Option<(NaiveDate, &'static str)>,
    ) {
        if end.is_none() {
            self.mentors[mentor].active += 1;
        }
        let created_at = during(rng, started_on);
        self.assignments.push(Assignment {
            id: base_id + self.assignments.len() as i64,
            mentor,
            client,
            started_on,
            ended_on: end.map(|(d, _)| d),
            end_reason: end.map(|(_, r)| r),
            created_at,
        });
    }

    /// VSAC consent and the last change of each client.
    fn finish_clients(&mut self, seed: u64) -> anyhow::Result<()> {
        let mut rng = rng_for(seed, "consent");
        let vsac = self.reference.type_index("state_social_care_centre");
        let mut in_vsac = vec![false; self.clients.len()];
        let mut last_event: Vec<NaiveDate> = self.clients.iter().map(|c| c.created_on).collect();
        for p in &self.placements {
            if Some(self.services[p.service].service_type) == vsac {
                in_vsac[p.client] = true;
            }
            let last = p.ended_on.unwrap_or(p.started_on);
            last_event[p.client] = last_event[p.client].max(last);
        }
        for (c, client) in self.clients.iter_mut().enumerate() {
            // Consent to take part in DI activities (INV-A03), mostly from VSAC residents.
            let share = if in_vsac[c] { 0.7 } else { 0.1 };
            if rng.random_bool(share) {
                let on = day_between(&mut rng, client.created_on, self.yesterday);
                client.consent_on = Some(on);
                last_event[c] = last_event[c].max(on);
            }
            if last_event[c] > client.created_on {
                client.updated_at = during(&mut rng, last_event[c].min(self.yesterday));
            }
            client.updated_at = client.updated_at.max(client.created_at);
            if client.status != client.intended && client.intended == DiStatus::InCommunity {
                bail!("client status does not follow the placements");
            }
        }
        Ok(())
    }
}

/// A unique valid personal code: about 70% in the legacy format (with the birth date), the
/// rest in the new one.
fn personal_code(
    rng: &mut ChaCha8Rng,
    birth: NaiveDate,
    codes: &mut HashSet<String>,
) -> PersonalCode {
    if rng.random_bool(0.7) {
        for _ in 0..50 {
            let code = synthetic_legacy(birth, rng.random_range(0..1000));
            if codes.insert(code.digits()) {
                return code;
            }
        }
    }
    loop {
        let code = synthetic_new(rng.random_range(0..8_000_000_000));
        if codes.insert(code.digits()) {
            return code;
        }
    }
}

/// Services with free places for each DI group and setting, nearest first (municipality,
/// region, country). Full services drop out of the lists as they are met.
struct Vacancies {
    local: HashMap<(usize, bool, usize), Vec<usize>>,
    regional: HashMap<(usize, bool, usize), Vec<usize>>,
    national: HashMap<(usize, bool), Vec<usize>>,
    /// Every active service per group and setting, for past (ended) placements.
    history: HashMap<(usize, bool), Vec<usize>>,
}

fn group_index(group: TargetGroup) -> usize {
    TargetGroup::ALL
        .iter()
        .position(|g| *g == group)
        .unwrap_or(0)
}

impl Vacancies {
    fn new(plan: &Plan<'_>) -> Self {
        let mut v = Vacancies {
            local: HashMap::new(),
            regional: HashMap::new(),
            national: HashMap::new(),
            history: HashMap::new(),
        };
        for (s, service) in plan.services.iter().enumerate() {
            let (facts, _) = plan.facts(s);
            if !facts.active {
                continue;
            }
            let region = plan.reference.municipalities[service.municipality].region;
            for g in &service.groups {
                let Some(group) = TargetGroup::parse(g) else {
                    continue;
                };
                let gi = group_index(group);
                let inst = facts.institutional;
                v.local
                    .entry((gi, inst, service.municipality))
                    .or_default()
                    .push(s);
                v.regional.entry((gi, inst, region)).or_default().push(s);
                v.national.entry((gi, inst)).or_default().push(s);
                v.history.entry((gi, inst)).or_default().push(s);
            }
        }
        v
    }

    /// A service with a free place that accepts client `c` on `start` (and is not `except`).
    fn take(
        &mut self,
        plan: &Plan<'_>,
        rng: &mut ChaCha8Rng,
        c: usize,
        institutional: bool,
        start: NaiveDate,
        except: Option<usize>,
    ) -> Option<usize> {
        let client = &plan.clients[c];
        let gi = group_index(client.group);
        let m = client.municipality;
        let r = plan.reference.municipalities[m].region;
        for level in 0..3 {
            let list = match level {
                0 => self.local.get_mut(&(gi, institutional, m)),
                1 => self.regional.get_mut(&(gi, institutional, r)),
                _ => self.national.get_mut(&(gi, institutional)),
            };
            let Some(list) = list else { continue };
            let mut tries = 0;
            while !list.is_empty() && tries < 12 {
                let k = rng.random_range(0..list.len());
                let s = list[k];
                let service = &plan.services[s];
                if service.occupied >= service.capacity {
                    list.swap_remove(k);
                    continue;
                }
                tries += 1;
                if Some(s) == except
                    || plan
                        .placements
                        .iter()
                        .rev()
                        .take_while(|p| p.client == c)
                        .any(|p| p.service == s && p.ended_on.is_none())
                {
                    continue;
                }
                let (facts, groups) = plan.facts(s);
                let facts = ServiceFacts {
                    target_groups: &groups,
                    ..facts
                };
                if check_placement(&plan.policy, &facts, client.group, client.birth, start).is_ok()
                {
                    return Some(s);
                }
            }
        }
        None
    }

    /// An active service of the setting serving the client's group, other than `except`,
    /// regardless of free places (for a placement that has ended).
    fn history(
        &self,
        plan: &Plan<'_>,
        rng: &mut ChaCha8Rng,
        c: usize,
        institutional: bool,
        except: usize,
    ) -> Option<usize> {
        let gi = group_index(plan.clients[c].group);
        let list = self.history.get(&(gi, institutional))?;
        for _ in 0..8 {
            let s = *pick(rng, list);
            if s != except {
                return Some(s);
            }
        }
        None
    }
}

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

struct Writer<'a, 'r> {
    seed: u64,
    conn: &'a mut DbConnection,
    plan: &'a Plan<'r>,
    progress: &'a mut Progress,
    pii: &'a PiiKeys,
    rows: &'a mut Vec<(&'static str, u64)>,
}

impl Writer<'_, '_> {
    fn done(&mut self, table: &'static str, insert: BulkInsert) -> anyhow::Result<()> {
        let n = insert.finish(self.conn)?;
        self.rows.push((table, n));
        Ok(())
    }

    /// Whether a row may point at a later row of the same statement. PostgreSQL checks
    /// foreign keys at the end of each statement (and a client's rows share one); SQLite
    /// answers every row inserted after such a pointer with a scan of the whole table for
    /// rows pointing at it, which makes a bulk load quadratic, so there the links are set
    /// by `bulk::link_to_next` afterwards.
    fn forward_links_inline(&self) -> bool {
        matches!(self.conn, DbConnection::Postgres(_))
    }

    fn providers(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        self.progress
            .start("providers", plan.providers.len() as u64);
        let mut insert = BulkInsert::new(
            self.conn,
            "providers",
            &[
                "id",
                "name",
                "register_number",
                "legal_status",
                "sector",
                "municipality",
                "address",
                "phone",
                "email",
                "website",
                "status",
                "registered_on",
                "status_changed_on",
                "excluded_on",
                "version",
                "created_at",
                "updated_at",
            ],
            true,
        );
        for (i, p) in plan.providers.iter().enumerate() {
            insert.row(&[
                p.id.into(),
                (&p.name).into(),
                (&p.register_number).into(),
                p.legal.as_str().into(),
                p.legal.sector().as_str().into(),
                (&plan.reference.municipalities[p.municipality].code).into(),
                (&p.address).into(),
                p.phone.as_ref().into(),
                p.email.as_ref().into(),
                p.website.as_ref().into(),
                p.status.as_str().into(),
                p.registered_on.into(),
                p.status_changed_on.into(),
                Lit::Null,
                Lit::Int(1),
                p.created_at.into(),
                p.updated_at.into(),
            ]);
            insert.end_group(self.conn)?;
            self.progress.tick(i as u64 + 1);
        }
        self.done("providers", insert)?;
        self.progress.finish();
        Ok(())
    }

    fn services(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        self.progress.start("services", plan.services.len() as u64);
        let mut services = BulkInsert::new(
            self.conn,
            "services",
            &[
                "id",
                "provider_id",
                "service_type",
                "name",
                "name_en",
                "description",
                "description_en",
                "municipality",
                "address",
                "capacity",
                "occupied",
                "status",
                "price_cents",
                "price_unit",
                "closed_on",
                "version",
                "created_at",
                "updated_at",
            ],
            true,
        );
        let mut groups = BulkInsert::new(
            self.conn,
            "service_target_groups",
            &["service_id", "target_group"],
            false,
        );
        let mut terms = BulkInsert::new(
            self.conn,
            "service_search_terms",
            &["term", "service_id"],
            false,
        );
        for (i, s) in plan.services.iter().enumerate() {
            services.row(&[
                s.id.into(),
                plan.providers[s.provider].id.into(),
                (&plan.reference.types[s.service_type].code).into(),
                (&s.name).into(),
                (&s.name_en).into(),
                s.description.as_ref().into(),
                s.description_en.as_ref().into(),
                (&plan.reference.municipalities[s.municipality].code).into(),
                (&s.address).into(),
                s.capacity.into(),
                s.occupied.into(),
                s.status.as_str().into(),
                s.price.as_ref().map(|p| p.0).into(),
                s.price.as_ref().map(|p| &p.1).into(),
                s.closed_on.into(),
                Lit::Int(1),
                s.created_at.into(),
                s.created_at.into(),
            ]);
            for g in &s.groups {
                groups.row(&[s.id.into(), g.into()]);
            }
            // The words `db::services::insert` stores for search.
            let texts = [
                Some(s.name.as_str()),
                Some(s.name_en.as_str()),
                s.description.as_deref(),
                s.description_en.as_deref(),
            ];
            for term in search_terms(texts.into_iter().flatten()) {
                terms.row(&[(&term).into(), s.id.into()]);
            }
            // Children go out only after the services they reference.
            if services.end_group(self.conn)? {
                groups.flush(self.conn)?;
                terms.flush(self.conn)?;
            }
            self.progress.tick(i as u64 + 1);
        }
        self.done("services", services)?;
        self.done("service_target_groups", groups)?;
        self.done("service_search_terms", terms)?;
        self.progress.finish();
        Ok(())
    }

    fn clients(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        self.progress.start("clients", plan.clients.len() as u64);
        let mut insert = BulkInsert::new(
            self.conn,
            "clients",
            &[
                "id",
                "personal_code_hash",
                "personal_code_encrypted",
                "given_name",
                "family_name",
                "birth_date",
                "target_group",
                "municipality",
                "di_status",
                "vsac_consent",
                "vsac_consent_on",
                "version",
                "created_at",
                "updated_at",
            ],
            true,
        );
        for (i, c) in plan.clients.iter().enumerate() {
            // Exactly as the API stores a code: keyed hash of the digits, encrypted normalised code.
            let hash = self.pii.lookup_hash(&c.code.digits());
            let encrypted = self.pii.encrypt(c.code.as_str())?;
            insert.row(&[
                c.id.into(),
                (&hash).into(),
                (&encrypted).into(),
                c.given.into(),
                c.family.into(),
                c.birth.into(),
                c.group.as_str().into(),
                (&plan.reference.municipalities[c.municipality].code).into(),
                c.status.as_str().into(),
                c.consent_on.is_some().into(),
                c.consent_on.into(),
                Lit::Int(1),
                c.created_at.into(),
                c.updated_at.into(),
            ]);
            insert.end_group(self.conn)?;
            self.progress.tick(i as u64 + 1);
        }
        self.done("clients", insert)?;
        self.progress.finish();
        Ok(())
    }

    fn assessments(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        let reference = plan.reference;
        let instrument = &reference.instrument;
        let mut rng = rng_for(self.seed, "assessments");
        let total: usize = plan.clients.iter().map(|c| c.assessed.len()).sum();
        self.progress.start("assessments", total as u64);
        let mut assessments = BulkInsert::new(
            self.conn,
            "assessments",
            &[
                "id",
                "client_id",
                "assessed_on",
                "organisation_type",
                "health_score",
                "self_care_score",
                "communication_score",
                "quality_of_life_score",
                "instrument_code",
                "instrument_version",
                "total_score",
                "level_by_total",
                "raised_by_domain",
                "care_level",
                "notes",
                "next_reassessment_due",
                "supersedes_id",
                "superseded_by_id",
                "created_by",
                "created_at",
            ],
            true,
        );
        let mut team = BulkInsert::new(
            self.conn,
            "assessment_team_members",
            &["assessment_id", "position", "role", "name", "lead"],
            false,
        );
        let mut needed = BulkInsert::new(
            self.conn,
            "assessment_service_types",
            &["assessment_id", "service_type"],
            false,
        );
        // Community service types that are DI alternatives, per group.
        let alternatives: Vec<Vec<&str>> = TargetGroup::ALL
            .iter()
            .map(|g| {
                reference
                    .types
                    .iter()
                    .filter(|t| {
                        !t.institutional
                            && t.di_alternative
                            && t.rules.target_groups.contains(g.as_str())
                    })
                    .map(|t| t.code.as_str())
                    .collect()
            })
            .collect();
        let extra_roles: Vec<&str> = ["psychologist", "social_carer", "social_rehabilitator"]
            .into_iter()
            .filter(|r| reference.roles.contains(*r))
            .collect();
        let months = plan.policy.reassessment_months;
        let domains = ["health", "self_care", "communication"];
        // Assessments superseded by the next one (the client's next id).
        let mut superseded = Vec::new();
        let inline = self.forward_links_inline();
        let mut done = 0;
        for c in &plan.clients {
            let n = c.assessed.len();
            for (k, &assessed_on) in c.assessed.iter().enumerate() {
                let id = c.first_assessment_id + k as i64;
                if assessed_on > plan.today {
                    rule(Err(DomainError::AssessmentInFuture), "assessment")?;
                }
                let previous_on = k.checked_sub(1).map(|p| c.assessed[p]);
                rule(check_chronology(assessed_on, previous_on), "assessment")?;
                let mut scores = BTreeMap::new();
                for domain in domains {
                    let (min, max) = instrument.domains.get(domain).copied().unwrap_or((0, 4));
                    let score = (c.need + rng.random_range(-1..=1)).clamp(min, max);
                    scores.insert(domain.to_string(), score);
                }
                let (qmin, qmax) = instrument.quality_of_life;
                let span = qmax - qmin;
                let quality = qmin + rng.random_range(span * 3 / 10..=span * 9 / 10);
                let derivation = derive_care_level(instrument, &scores, quality)
                    .map_err(|e| anyhow!("generated scores break rule INV-A07: {e}"))?;
                let organisation = if c.status == DiStatus::InInstitution && rng.random_bool(0.4) {
                    OrganisationType::LongTermCareInstitution
                } else {
                    OrganisationType::MunicipalSocialService
                };
                rule(check_organisation(organisation), "assessment")?;
                let mut roles: Vec<&str> = required_team(c.group).to_vec();
                if !extra_roles.is_empty() && rng.random_bool(0.1) {
                    roles.push(*pick(&mut rng, &extra_roles));
                }
                let members: Vec<TeamMember> = roles
                    .iter()
                    .map(|r| TeamMember {
                        role: r.to_string(),
                        lead: *r == "social_worker",
                    })
                    .collect();
                rule(check_team(c.group, &members), "assessment team")?;
                for (position, member) in (0_i32..).zip(&members) {
                    let female = rng.random_bool(0.8);
                    let given = if female {
                        pick(&mut rng, &FEMALE_GIVEN)
                    } else {
                        pick(&mut rng, &MALE_GIVEN)
                    };
                    let (male_family, female_family) = *pick(&mut rng, &FAMILY);
                    let name = format!(
                        "{given} {}",
                        if female { female_family } else { male_family }
                    );
                    team.row(&[
                        id.into(),
                        position.into(),
                        (&member.role).into(),
                        (&name).into(),
                        member.lead.into(),
                    ]);
                }
                let options = &alternatives[group_index(c.group)];
                let mut types = BTreeSet::new();
                if !options.is_empty() {
                    for _ in 0..rng.random_range(1..=3) {
                        types.insert(*pick(&mut rng, options));
                    }
                }
                for t in types {
                    needed.row(&[id.into(), t.into()]);
                }
                let notes = rng
                    .random_bool(0.25)
                    .then(|| *pick(&mut rng, &ASSESSMENT_NOTES));
                let created_on =
                    plus_days(assessed_on, rng.random_range(0..=2)).min(plan.yesterday);
                assessments.row(&[
                    id.into(),
                    c.id.into(),
                    assessed_on.into(),
                    organisation.as_str().into(),
                    scores["health"].into(),
                    scores["self_care"].into(),
                    scores["communication"].into(),
                    quality.into(),
                    (&derivation.instrument).into(),
                    derivation.instrument_version.into(),
                    derivation.total.into(),
                    (&derivation.level_by_total).into(),
                    derivation.raised_by_domain.as_ref().into(),
                    (&derivation.care_level).into(),
                    notes.into(),
                    next_reassessment_due(assessed_on, months).into(),
                    (k > 0).then(|| id - 1).into(),
                    // superseded_by_id: the client's next assessment (see `forward_links`).
                    if inline && k + 1 < n {
                        Lit::Int(id + 1)
                    } else {
                        Lit::Null
                    },
                    CREATED_BY.into(),
                    during(&mut rng, created_on).into(),
                ]);
                if !inline && k + 1 < n {
                    superseded.push(id);
                }
                done += 1;
            }
            if assessments.end_group(self.conn)? {
                team.flush(self.conn)?;
                needed.flush(self.conn)?;
            }
            self.progress.tick(done);
        }
        self.done("assessments", assessments)?;
        self.done("assessment_team_members", team)?;
        self.done("assessment_service_types", needed)?;
        // As `db::assessments::insert` does: the previous assessment is superseded by the next.
        bulk::link_to_next(self.conn, "assessments", "superseded_by_id", &superseded)?;
        self.progress.finish();
        Ok(())
    }

    fn support_plans(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        let mut rng = rng_for(self.seed, "support plans");
        self.progress
            .start("support plans", plan.clients.len() as u64);
        let mut plans = BulkInsert::new(
            self.conn,
            "support_plans",
            &[
                "id",
                "client_id",
                "plan_version",
                "status",
                "assessment_id",
                "opinion",
                "finalised_at",
                "replaced_by_id",
                "version",
                "created_at",
                "updated_at",
            ],
            true,
        );
        let mut sections = BulkInsert::new(
            self.conn,
            "support_plan_sections",
            &["plan_id", "section", "content"],
            false,
        );
        let mut next_id = plan.plan_base_id;
        let mut replaced = Vec::new();
        let inline = self.forward_links_inline();
        for (i, c) in plan.clients.iter().enumerate() {
            if c.assessed.is_empty() || !rng.random_bool(0.4) {
                self.progress.tick(i as u64 + 1);
                continue;
            }
            let latest = c.assessed.len() - 1;
            // (assessment index, final?) for each version, oldest first.
            let versions: Vec<(usize, bool)> = match rng.random_range(0..100) {
                0..45 => vec![(latest, true)],
                45..65 => vec![(latest, false)],
                65..85 if latest > 0 => vec![(latest - 1, true), (latest, true)],
                85.. if latest > 0 => vec![(latest - 1, true), (latest, false)],
                _ => vec![(latest, true)],
            };
            let all_sections = sections_for(c.group);
            let last_final = versions.iter().rposition(|(_, f)| *f);
            let mut previous_day = NaiveDate::MIN;
            for (v, &(a, is_final)) in versions.iter().enumerate() {
                let id = next_id + v as i64;
                let assessed_on = c.assessed[a];
                let created_on = plus_days(assessed_on, rng.random_range(3..=30))
                    .max(previous_day)
                    .min(plan.yesterday);
                let finalised_on =
                    plus_days(created_on, rng.random_range(0..=20)).min(plan.yesterday);
                previous_day = finalised_on;
                let chosen: Vec<&Section> = if is_final {
                    all_sections.iter().collect()
                } else {
                    let mut some: Vec<&Section> = all_sections
                        .iter()
                        .filter(|_| rng.random_bool(0.6))
                        .collect();
                    if some.is_empty() {
                        some.push(&all_sections[0]);
                    }
                    some
                };
                let opinion = (is_final || rng.random_bool(0.4)).then(|| {
                    if c.group.is_child() {
                        *pick(&mut rng, &CHILD_OPINIONS)
                    } else {
                        *pick(&mut rng, &ADULT_CHOICES)
                    }
                });
                let codes = || chosen.iter().map(|s| s.code);
                rule(check_known_sections(c.group, codes()), "support plan")?;
                if is_final {
                    rule(
                        check_finalisable(c.group, codes(), opinion.is_some()),
                        "support plan",
                    )?;
                }
                // A newer final version replaces the previous final one.
                if is_final && last_final.is_some_and(|l| l > v) {
                    if versions.get(v + 1).map(|(_, f)| *f) != Some(true) {
                        bail!("a final plan is replaced by the next final version");
                    }
                    replaced.push(id);
                }
                let created_at = during(&mut rng, created_on);
                let finalised_at = is_final.then(|| during(&mut rng, finalised_on).max(created_at));
                plans.row(&[
                    id.into(),
                    c.id.into(),
                    (v as i32 + 1).into(),
                    (if is_final { "final" } else { "draft" }).into(),
                    (c.first_assessment_id + a as i64).into(),
                    opinion.into(),
                    finalised_at.into(),
                    // replaced_by_id: the next version (see `forward_links`).
                    if inline && replaced.last() == Some(&id) {
                        Lit::Int(id + 1)
                    } else {
                        Lit::Null
                    },
                    Lit::Int(1),
                    created_at.into(),
                    finalised_at.unwrap_or(created_at).into(),
                ]);
                for section in chosen {
                    let text = section_text(&mut rng, section);
                    sections.row(&[id.into(), section.code.into(), (&text).into()]);
                }
            }
            next_id += versions.len() as i64;
            if plans.end_group(self.conn)? {
                sections.flush(self.conn)?;
            }
            self.progress.tick(i as u64 + 1);
        }
        self.done("support_plans", plans)?;
        self.done("support_plan_sections", sections)?;
        if !inline {
            bulk::link_to_next(self.conn, "support_plans", "replaced_by_id", &replaced)?;
        }
        self.progress.finish();
        Ok(())
    }

    fn mentors(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        self.progress.start("mentors", plan.mentors.len() as u64);
        let mut mentors = BulkInsert::new(
            self.conn,
            "mentors",
            &[
                "id",
                "given_name",
                "family_name",
                "employer_kind",
                "employer_code",
                "region",
                "contract_type",
                "phone",
                "email",
                "active_assignments",
                "version",
                "created_at",
                "updated_at",
            ],
            true,
        );
        let mut trainings = BulkInsert::new(
            self.conn,
            "mentor_trainings",
            &[
                "id",
                "mentor_id",
                "programme",
                "hours",
                "completed_on",
                "created_at",
            ],
            true,
        );
        let mut training_id = plan.training_base_id;
        let mut rng = rng_for(self.seed, "training times");
        for (i, m) in plan.mentors.iter().enumerate() {
            mentors.row(&[
                m.id.into(),
                m.given.into(),
                m.family.into(),
                m.employer_kind.into(),
                (&m.employer_code).into(),
                (&plan.reference.regions[m.region].code).into(),
                m.contract.as_str().into(),
                m.phone.as_ref().into(),
                m.email.as_ref().into(),
                m.active.into(),
                Lit::Int(1),
                m.created_at.into(),
                m.created_at.into(),
            ]);
            for t in &m.trainings {
                trainings.row(&[
                    training_id.into(),
                    m.id.into(),
                    t.programme.into(),
                    t.hours.into(),
                    t.completed_on.into(),
                    during(&mut rng, t.completed_on).into(),
                ]);
                training_id += 1;
            }
            if mentors.end_group(self.conn)? {
                trainings.flush(self.conn)?;
            }
            self.progress.tick(i as u64 + 1);
        }
        self.done("mentors", mentors)?;
        self.done("mentor_trainings", trainings)?;
        self.progress.finish();
        Ok(())
    }

    fn assignments(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        self.progress
            .start("mentor assignments", plan.assignments.len() as u64);
        let mut insert = BulkInsert::new(
            self.conn,
            "mentor_assignments",
            &[
                "id",
                "mentor_id",
                "client_id",
                "started_on",
                "ended_on",
                "end_reason",
                "created_by",
                "created_at",
            ],
            true,
        );
        for (i, a) in plan.assignments.iter().enumerate() {
            insert.row(&[
                a.id.into(),
                plan.mentors[a.mentor].id.into(),
                plan.clients[a.client].id.into(),
                a.started_on.into(),
                a.ended_on.into(),
                a.end_reason.into(),
                CREATED_BY.into(),
                a.created_at.into(),
            ]);
            insert.end_group(self.conn)?;
            self.progress.tick(i as u64 + 1);
        }
        self.done("mentor_assignments", insert)?;
        self.progress.finish();
        Ok(())
    }

    fn placements(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        self.progress.start(
            "placements",
            (plan.placements.len() + plan.transitions.len()) as u64,
        );
        let mut insert = BulkInsert::new(
            self.conn,
            "placements",
            &[
                "id",
                "client_id",
                "service_id",
                "institutional",
                "started_on",
                "ended_on",
                "end_reason",
                "time_limit_rule",
                "time_limit_on",
                "created_by",
                "created_at",
            ],
            true,
        );
        for (i, p) in plan.placements.iter().enumerate() {
            insert.row(&[
                p.id.into(),
                plan.clients[p.client].id.into(),
                plan.services[p.service].id.into(),
                p.institutional.into(),
                p.started_on.into(),
                p.ended_on.into(),
                p.end_reason.into(),
                p.time_limit.map(|t| t.0).into(),
                p.time_limit.map(|t| t.1).into(),
                CREATED_BY.into(),
                p.created_at.into(),
            ]);
            insert.end_group(self.conn)?;
            self.progress.tick(i as u64 + 1);
        }
        self.done("placements", insert)?;
        let mut insert = BulkInsert::new(
            self.conn,
            "di_transitions",
            &[
                "id",
                "client_id",
                "transitioned_on",
                "placement_id",
                "created_at",
            ],
            true,
        );
        for (i, t) in plan.transitions.iter().enumerate() {
            insert.row(&[
                t.id.into(),
                plan.clients[t.client].id.into(),
                t.on.into(),
                t.placement_id.into(),
                t.created_at.into(),
            ]);
            insert.end_group(self.conn)?;
            self.progress.tick((plan.placements.len() + i + 1) as u64);
        }
        self.done("di_transitions", insert)?;
        self.progress.finish();
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Progress
// ---------------------------------------------------------------------------------------

/// Progress on standard error ("clients 40000/100000 (12.3 s)") and the time of each phase.
struct Progress {
    enabled: bool,
    terminal: bool,
    phase: &'static str,
    total: u64,
    started: Instant,
    last: Instant,
    phases: Vec<(&'static str, Duration)>,
}

impl Progress {
    fn new(enabled: bool) -> Self {
        let now = Instant::now();
        Self {
            enabled,
            terminal: std::io::stderr().is_terminal(),
            phase: "",
            total: 0,
            started: now,
            last: now,
            phases: Vec::new(),
        }
    }

    fn start(&mut self, phase: &'static str, total: u64) {
        self.phase = phase;
        self.total = total;
        self.started = Instant::now();
        self.last = self.started;
    }

    fn line(&self, done: u64) -> String {
        let secs = self.started.elapsed().as_secs_f64();
        if self.total > 0 {
            format!("{} {done}/{} ({secs:.1} s)", self.phase, self.total)
        } else {
            format!("{} ({secs:.1} s)", self.phase)
        }
    }

    fn tick(&mut self, done: u64) {
        if !self.enabled {
            return;
        }
        let every = if self.terminal {
            Duration::from_millis(200)
        } else {
            Duration::from_secs(5)
        };
        if self.last.elapsed() < every {
            return;
        }
        self.last = Instant::now();
        let line = self.line(done);
        let mut err = std::io::stderr().lock();
        let _ = if self.terminal {
            write!(err, "\r\x1b[2K{line}")
        } else {
            writeln!(err, "{line}")
        };
        let _ = err.flush();
    }

    fn finish(&mut self) {
        if self.phase.is_empty() {
            return;
        }
        self.phases.push((self.phase, self.started.elapsed()));
        if self.enabled {
            let line = self.line(self.total);
            let mut err = std::io::stderr().lock();
            let _ = if self.terminal {
                writeln!(err, "\r\x1b[2K{line}")
            } else {
                writeln!(err, "{line}")
            };
        }
        self.phase = "";
    }
}
