//! Case records: clients (personal codes hashed and encrypted as the API stores them), their
//! assessments with teams and needed service types, and support plans with their sections.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context as _, anyhow, bail};
use chrono::NaiveDate;
use rand::RngExt as _;

use super::{PlanVersion, Writer};
use crate::db::bulk::{self, BulkInsert, Lit};
use crate::db::schema::{
    assessment_service_types, assessment_team_members, assessments, clients, support_plan_sections,
    support_plans,
};
use crate::demo::plan::group_index;
use crate::demo::random::{during, pick, plus_days, rng_for};
use crate::demo::{CREATED_BY, rule};
use crate::domain::DomainError;
use crate::domain::assessment::{
    OrganisationType, TeamMember, check_chronology, check_organisation, check_team,
    derive_care_level, next_reassessment_due, required_team,
};
use crate::domain::client::{DiStatus, TargetGroup};
use crate::domain::codes::TargetGroupCode;
use crate::domain::disclosure::random_record_key;
use crate::domain::plan_goal::{changes_care_level, flagged_review_due, review_due};
use crate::domain::support_plan::{Section, check_finalisable, check_known_sections, sections_for};

impl Writer<'_, '_> {
    pub(in crate::demo) fn clients(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        self.progress.start("clients", plan.clients.len() as u64);
        let mut insert = BulkInsert::new(
            self.conn,
            (
                clients::id,
                clients::personal_code_hash,
                clients::personal_code_encrypted,
                clients::given_name,
                clients::family_name,
                clients::birth_date,
                clients::target_group,
                clients::municipality,
                clients::vsac_consent,
                clients::vsac_consent_on,
                clients::version,
                clients::created_at,
                clients::updated_at,
                clients::record_key,
            ),
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
                c.group.into(),
                (&plan.reference.municipalities[c.municipality].code).into(),
                c.consent_on.is_some().into(),
                c.consent_on.into(),
                Lit::Int(1),
                c.created_at.into(),
                c.updated_at.into(),
                random_record_key().into(),
            ]);
            insert.end_group(self.conn)?;
            self.progress.tick(i as u64 + 1);
        }
        self.done(insert)?;
        self.progress.finish();
        Ok(())
    }

    pub(in crate::demo) fn assessments(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        let words = plan.words;
        let reference = plan.reference;
        let instrument = &reference.instrument;
        let mut rng = rng_for(self.seed, "assessments");
        let total: usize = plan.clients.iter().map(|c| c.assessed.len()).sum();
        self.progress.start("assessments", total as u64);
        let mut assessments = BulkInsert::new(
            self.conn,
            (
                assessments::id,
                assessments::client_id,
                assessments::assessed_on,
                assessments::organisation_type,
                assessments::health_score,
                assessments::self_care_score,
                assessments::communication_score,
                assessments::quality_of_life_score,
                assessments::instrument_code,
                assessments::instrument_version,
                assessments::total_score,
                assessments::level_by_total,
                assessments::raised_by_domain,
                assessments::care_level,
                assessments::notes,
                assessments::next_reassessment_due,
                assessments::supersedes_id,
                assessments::superseded_by_id,
                assessments::created_by,
                assessments::created_at,
            ),
        );
        let mut team = BulkInsert::new(
            self.conn,
            (
                assessment_team_members::assessment_id,
                assessment_team_members::position,
                assessment_team_members::role,
                assessment_team_members::name,
                assessment_team_members::lead,
            ),
        );
        let mut needed = BulkInsert::new(
            self.conn,
            (
                assessment_service_types::assessment_id,
                assessment_service_types::service_type,
            ),
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
                            && t.rules
                                .target_groups
                                .contains(&TargetGroupCode::new(g.as_str()))
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
        let inline = self.backend.forward_links_inline();
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
                    let (min, max) =
                        instrument.domains.get(domain).copied().with_context(|| {
                            format!("the assessment instrument has no domain {domain}")
                        })?;
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
                    let (given, family) = words.person(&mut rng, female);
                    let name = format!("{given} {family}");
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
                    .then(|| pick(&mut rng, &words.assessment_notes).as_str());
                let created_on =
                    plus_days(assessed_on, rng.random_range(0..=2)).min(plan.yesterday);
                assessments.row(&[
                    id.into(),
                    c.id.into(),
                    assessed_on.into(),
                    organisation.into(),
                    scores["health"].into(),
                    scores["self_care"].into(),
                    scores["communication"].into(),
                    quality.into(),
                    (&derivation.instrument).into(),
                    derivation.instrument_version.into(),
                    derivation.total.into(),
                    derivation.level_by_total.into(),
                    derivation.raised_by_domain.into(),
                    derivation.care_level.into(),
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
                self.care_levels.insert(id, derivation.care_level);
                done += 1;
            }
            if assessments.end_group(self.conn)? {
                team.flush(self.conn)?;
                needed.flush(self.conn)?;
            }
            self.progress.tick(done);
        }
        self.done(assessments)?;
        self.done(team)?;
        self.done(needed)?;
        // As `db::assessments::insert` does: the previous assessment is superseded by the next.
        bulk::link_to_next(self.conn, assessments::superseded_by_id, &superseded)?;
        self.progress.finish();
        Ok(())
    }

    /// Writes the plans (their goals follow, `plan_goals`, from the versions returned).
    pub(in crate::demo) fn support_plans(&mut self) -> anyhow::Result<Vec<PlanVersion>> {
        let plan = self.plan;
        let words = plan.words;
        let mut rng = rng_for(self.seed, "support plans");
        self.progress
            .start("support plans", plan.clients.len() as u64);
        let mut plans = BulkInsert::new(
            self.conn,
            (
                support_plans::id,
                support_plans::client_id,
                support_plans::plan_version,
                support_plans::status,
                support_plans::assessment_id,
                support_plans::opinion,
                support_plans::finalised_at,
                support_plans::replaced_by_id,
                support_plans::version,
                support_plans::created_at,
                support_plans::updated_at,
                support_plans::next_review_due,
                support_plans::review_flagged_on,
                support_plans::review_flag_assessment_id,
            ),
        );
        let review_months = plan.policy.plan_review_months;
        let mut written = Vec::new();
        let mut sections = BulkInsert::new(
            self.conn,
            (
                support_plan_sections::plan_id,
                support_plan_sections::section,
                support_plan_sections::content,
            ),
        );
        let mut next_id = plan.plan_base_id;
        let mut replaced = Vec::new();
        let inline = self.backend.forward_links_inline();
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
                        pick(&mut rng, &words.child_opinions).as_str()
                    } else {
                        pick(&mut rng, &words.adult_choices).as_str()
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
                let current = is_final && last_final == Some(v);
                // PLAN-REVIEW-CARE-LEVEL: a later assessment that changed the care level
                // flagged the current final plan, when recorded after its finalisation.
                let flag = current
                    .then(|| {
                        ((a + 1)..c.assessed.len()).find(|&k| {
                            let id = c.first_assessment_id + k as i64;
                            let level = |id| self.care_levels.get(&id).copied();
                            c.assessed[k] >= finalised_on
                                && level(id)
                                    .is_some_and(|now| changes_care_level(level(id - 1), now))
                        })
                    })
                    .flatten()
                    .map(|k| (c.assessed[k], c.first_assessment_id + k as i64));
                let review = is_final.then(|| {
                    let due = review_due(finalised_on, review_months);
                    flag.map_or(due, |(on, _)| flagged_review_due(Some(due), on))
                });
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
                    review.into(),
                    flag.map(|(on, _)| on).into(),
                    flag.map(|(_, id)| id).into(),
                ]);
                written.push(PlanVersion {
                    id,
                    client: i,
                    finalised_on: is_final.then_some(finalised_on),
                    created_on,
                    current,
                });
                for section in chosen {
                    let text = words.section_text(&mut rng, section.code)?;
                    sections.row(&[id.into(), section.code.into(), (&text).into()]);
                }
            }
            next_id += versions.len() as i64;
            if plans.end_group(self.conn)? {
                sections.flush(self.conn)?;
            }
            self.progress.tick(i as u64 + 1);
        }
        self.done(plans)?;
        self.done(sections)?;
        if !inline {
            bulk::link_to_next(self.conn, support_plans::replaced_by_id, &replaced)?;
        }
        self.progress.finish();
        Ok(written)
    }
}
