//! Staff beyond mentors (issue 18, point 5): one to four at each provider, two to six in each
//! municipality's social service, a specialist team of six to eight in each planning region;
//! about one in seven has left. Their trainings follow di-rules §6.2: the region's team
//! members take the DI-assessment training (INV-A06), providers' staff the CBS programmes,
//! municipal staff support-plan development and service creation, some only in part.

use chrono::NaiveDate;
use rand::RngExt as _;
use rand::rngs::ChaCha8Rng;

use super::Writer;
use crate::db::bulk::{self, BulkInsert, Lit};
use crate::db::schema::{staff, staff_trainings};
use crate::demo::random::{date, day_between, during, minus_days, pick, rng_for};
use crate::domain::disclosure::random_record_key;
use crate::domain::staff::StaffEmployerKind;

/// Professions by employer, and the trainings (programme, hours, chance in percent) each
/// employer's staff take.
const PROVIDER_ROLES: &[&str] = &[
    "social_carer",
    "social_carer",
    "carer",
    "carer",
    "social_rehabilitator",
    "social_worker",
    "occupational_therapist",
    "physiotherapist",
];
const PROVIDER_TRAININGS: &[(&str, i32, u32)] = &[
    ("work_with_disabilities", 24, 60),
    ("client_needs_work", 64, 40),
    ("youth_home_work", 36, 10),
    ("family_like_child_work", 36, 10),
];
const MUNICIPAL_ROLES: &[&str] = &[
    "social_worker",
    "social_worker",
    "social_assistance_organiser",
    "social_carer",
    "special_educator",
];
const MUNICIPAL_TRAININGS: &[(&str, i32, u32)] = &[
    ("support_plan_development", 24, 60),
    ("cbs_development", 8, 40),
    ("life_skills", 48, 25),
];
const TEAM_ROLES: &[&str] = &[
    "social_worker",
    "psychiatrist",
    "occupational_therapist",
    "special_educator",
    "clinical_psychologist",
    "child_psychiatrist",
    "physiotherapist",
    "child_neurologist",
];
const TEAM_TRAININGS: &[(&str, i32, u32)] = &[("di_assessment", 8, 85)];

/// One staff member to write.
struct Member<'a> {
    role: &'static str,
    employer_kind: StaffEmployerKind,
    employer_code: String,
    municipality: Option<&'a str>,
    region: &'a str,
    since: NaiveDate,
    trainings: &'static [(&'static str, i32, u32)],
    team: bool,
}

impl Writer<'_, '_> {
    pub(in crate::demo) fn staff(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        let reference = plan.reference;
        let mut rng = rng_for(self.seed, "staff");
        let mut members = Vec::new();
        for p in &plan.providers {
            let m = &reference.municipalities[p.municipality];
            for _ in 0..rng.random_range(1..=4) {
                members.push(Member {
                    role: pick::<&str>(&mut rng, PROVIDER_ROLES),
                    employer_kind: StaffEmployerKind::Provider,
                    employer_code: p.id.to_string(),
                    municipality: Some(&m.code),
                    region: &reference.regions[m.region].code,
                    since: p.registered_on,
                    trainings: PROVIDER_TRAININGS,
                    team: false,
                });
            }
        }
        for m in reference
            .municipalities
            .iter()
            .filter(|m| m.validity.contains(plan.today))
        {
            for _ in 0..rng.random_range(2..=6) {
                members.push(Member {
                    role: pick::<&str>(&mut rng, MUNICIPAL_ROLES),
                    employer_kind: StaffEmployerKind::Municipality,
                    employer_code: m.code.clone(),
                    municipality: Some(&m.code),
                    region: &reference.regions[m.region].code,
                    since: date(2015, 1, 1),
                    trainings: MUNICIPAL_TRAININGS,
                    team: false,
                });
            }
        }
        for r in &reference.regions {
            for role in &TEAM_ROLES[..rng.random_range(6..=TEAM_ROLES.len())] {
                members.push(Member {
                    role,
                    employer_kind: StaffEmployerKind::Region,
                    employer_code: r.code.clone(),
                    municipality: None,
                    region: &r.code,
                    since: date(2017, 1, 1),
                    trainings: TEAM_TRAININGS,
                    team: true,
                });
            }
        }
        self.progress.start("staff", members.len() as u64);
        let mut people = BulkInsert::new(
            self.conn,
            (
                staff::id,
                staff::given_name,
                staff::family_name,
                staff::role,
                staff::employer_kind,
                staff::employer_code,
                staff::municipality,
                staff::region,
                staff::higher_education_in_field,
                staff::target_group_experience_years,
                staff::instrument_certificate,
                staff::employed_from,
                staff::employed_until,
                staff::version,
                staff::record_key,
                staff::created_at,
                staff::updated_at,
            ),
        );
        let mut trainings = BulkInsert::new(
            self.conn,
            (
                staff_trainings::id,
                staff_trainings::staff_id,
                staff_trainings::programme,
                staff_trainings::hours,
                staff_trainings::completed_on,
                staff_trainings::created_at,
            ),
        );
        let first_id = bulk::max_id::<staff::table>(self.conn)? + 1;
        let mut training_id = bulk::max_id::<staff_trainings::table>(self.conn)? + 1;
        for (i, (id, m)) in (first_id..).zip(&members).enumerate() {
            let from = day_between(&mut rng, m.since, minus_days(plan.today, 60));
            let until = rng
                .random_bool(0.15)
                .then(|| day_between(&mut rng, from, plan.yesterday));
            let last = until.unwrap_or(plan.yesterday);
            let female = rng.random_bool(0.8);
            let (given, family) = plan.words.person(&mut rng, female);
            let recorded = during(&mut rng, from);
            people.row(&[
                id.into(),
                given.into(),
                family.into(),
                m.role.into(),
                m.employer_kind.into(),
                (&m.employer_code).into(),
                m.municipality.into(),
                m.region.into(),
                rng.random_bool(if m.team { 0.9 } else { 0.6 }).into(),
                rng.random_range(0..25).into(),
                (m.team && rng.random_bool(0.5)).into(),
                from.into(),
                until.into(),
                Lit::Int(if until.is_some() { 2 } else { 1 }),
                random_record_key().into(),
                recorded.into(),
                recorded.into(),
            ]);
            for &(programme, hours, chance) in m.trainings {
                for (part, hours) in parts(&mut rng, hours, chance) {
                    let on = day_between(&mut rng, from, last);
                    trainings.row(&[
                        training_id.into(),
                        id.into(),
                        programme.into(),
                        hours.into(),
                        on.into(),
                        during(&mut rng, on.max(from) + chrono::Days::new(part)).into(),
                    ]);
                    training_id += 1;
                }
            }
            if people.end_group(self.conn)? {
                trainings.flush(self.conn)?;
            }
            self.progress.tick(i as u64 + 1);
        }
        self.done(people)?;
        self.done(trainings)?;
        self.progress.finish();
        Ok(())
    }
}

/// The records of one programme a person took (with `chance` percent): the whole of it,
/// in two halves one time in four, or one time in eight only half of it.
fn parts(rng: &mut ChaCha8Rng, hours: i32, chance: u32) -> Vec<(u64, i32)> {
    if rng.random_range(0..100) >= chance {
        return Vec::new();
    }
    match rng.random_range(0..8) {
        0 => vec![(0, hours / 2)],
        1 | 2 => vec![(0, hours / 2), (1, hours - hours / 2)],
        _ => vec![(0, hours)],
    }
}
