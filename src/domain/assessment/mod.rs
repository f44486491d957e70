//! Care-level assessments: who may set a care level, team composition, the instrument that
//! derives the level, and reassessment dates (di-rules §4, INV-A01/A04/A05/A07/A08).

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::DomainError;
use super::client::TargetGroup;
use super::codes::{ServiceTypeCode, SpecialistRoleCode, closed_set};
use super::ids::AssessmentId;

closed_set! {
    /// The kind of organisation that carried out an assessment.
    pub enum OrganisationType {
        /// Pašvaldības sociālais dienests.
        MunicipalSocialService = "municipal_social_service",
        /// Ilgstošas sociālās aprūpes un sociālās rehabilitācijas institūcija.
        LongTermCareInstitution = "long_term_care_institution",
        /// A planning region's specialist team: assesses needs but does not set a care level.
        RegionalSpecialistTeam = "regional_specialist_team",
        /// A service provider: does not set a care level.
        ServiceProvider = "service_provider",
    }
}

closed_set! {
    /// Care levels I (least support) to IV (most), as Cabinet Regulation No. 138 sets them.
    pub enum CareLevel {
        I = "I",
        Ii = "II",
        Iii = "III",
        Iv = "IV",
    }
}

impl CareLevel {
    /// The level's name in Latvian and in English (the statistics' `care_level_label`).
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            CareLevel::I => ("I aprūpes līmenis", "care level I"),
            CareLevel::Ii => ("II aprūpes līmenis", "care level II"),
            CareLevel::Iii => ("III aprūpes līmenis", "care level III"),
            CareLevel::Iv => ("IV aprūpes līmenis", "care level IV"),
        }
    }
}

/// INV-A08: a care level is set only by a municipal social service or a long-term care
/// institution.
pub fn check_organisation(org: OrganisationType) -> Result<(), DomainError> {
    match org {
        OrganisationType::MunicipalSocialService | OrganisationType::LongTermCareInstitution => {
            Ok(())
        }
        other => Err(DomainError::OrganisationMayNotSetCareLevel {
            organisation_type: other.as_str(),
        }),
    }
}

/// The specialist roles an assessment team needs for each target group (INV-A04).
pub fn required_team(group: TargetGroup) -> &'static [&'static str] {
    match group {
        TargetGroup::OrphanOrNoParentalCare => &[
            "social_worker",
            "special_educator",
            "clinical_psychologist",
            "child_psychiatrist",
            "child_neurologist",
            "physiotherapist",
            "paediatrician_neonatologist",
        ],
        TargetGroup::ChildWithFunctionalImpairment => &[
            "social_worker",
            "special_educator",
            "clinical_psychologist",
            "child_psychiatrist",
            "physiotherapist",
        ],
        TargetGroup::AdultWithMentalDisorder => {
            &["social_worker", "psychiatrist", "occupational_therapist"]
        }
    }
}

/// A team member as recorded: role code and whether they lead.
#[derive(Debug, Clone)]
pub struct TeamMember {
    pub role: String,
    pub lead: bool,
}

/// INV-A04/A05: every required role is present, and exactly one member leads: the social worker.
pub fn check_team(group: TargetGroup, team: &[TeamMember]) -> Result<(), DomainError> {
    let missing: Vec<String> = required_team(group)
        .iter()
        .filter(|role| !team.iter().any(|m| m.role == **role))
        .map(|r| r.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(DomainError::TeamIncomplete {
            target_group: group.as_str(),
            missing,
        });
    }
    let leads: Vec<&TeamMember> = team.iter().filter(|m| m.lead).collect();
    if leads.len() != 1 || leads[0].role != SpecialistRoleCode::SOCIAL_WORKER {
        return Err(DomainError::TeamNotLedBySocialWorker);
    }
    Ok(())
}

/// INV-A01: the next reassessment is due `months` after the assessment (policy, default 12).
pub fn next_reassessment_due(assessed_on: NaiveDate, months: u32) -> NaiveDate {
    assessed_on
        .checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// A new assessment supersedes the client's current one, so it may not be dated before it:
/// the history would run backwards and the reassessment due date (INV-A01) with it. A
/// correction replaces the current assessment, so it may not be dated before the one that
/// preceded the current one. `not_before` is that date (the current one's, or for a
/// correction its predecessor's), if any.
pub fn check_chronology(
    assessed_on: NaiveDate,
    not_before: Option<NaiveDate>,
) -> Result<(), DomainError> {
    match not_before {
        Some(not_before) if assessed_on < not_before => {
            Err(DomainError::AssessmentOutOfOrder { not_before })
        }
        _ => Ok(()),
    }
}

/// ASSESSMENT-AFTER-BIRTH: a person is assessed only once born; an assessment dated before
/// the client's birth date is a typing error, not history.
pub fn check_after_birth(assessed_on: NaiveDate, birth_date: NaiveDate) -> Result<(), DomainError> {
    if assessed_on < birth_date {
        Err(DomainError::AssessmentBeforeBirth)
    } else {
        Ok(())
    }
}

/// The client's current assessment, as far as a new assessment's place in the history
/// needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentAssessment {
    pub id: AssessmentId,
    pub assessed_on: NaiveDate,
    /// The date of the assessment the current one followed, if any.
    pub follows_on: Option<NaiveDate>,
}

/// Where a new assessment goes in the client's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Succession {
    /// The assessment the new one supersedes: the current one, if any.
    pub supersedes: Option<AssessmentId>,
    /// The new assessment may not be dated before this (see [`check_chronology`]).
    pub not_before: Option<NaiveDate>,
}

/// INV-A01: a new assessment supersedes the client's current one and follows it. A correction
/// (`corrects`) must name the current assessment; it supersedes it too, but replaces it, so it
/// follows the assessment the current one followed.
pub fn succession(
    current: Option<CurrentAssessment>,
    corrects: Option<AssessmentId>,
) -> Result<Succession, DomainError> {
    match (current, corrects) {
        (current, None) => Ok(Succession {
            supersedes: current.map(|c| c.id),
            not_before: current.map(|c| c.assessed_on),
        }),
        (Some(current), Some(corrected)) if corrected == current.id => Ok(Succession {
            supersedes: Some(current.id),
            not_before: current.follows_on,
        }),
        (_, Some(_)) => Err(DomainError::CorrectionNotCurrent),
    }
}

/// A team member as submitted: role code, name, and whether they lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTeamMember {
    pub role: SpecialistRoleCode,
    pub name: Option<String>,
    pub lead: bool,
}

/// An assessment as the caller submitted it, not yet checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmittedAssessment {
    pub assessed_on: NaiveDate,
    pub organisation_type: OrganisationType,
    pub team: Vec<NewTeamMember>,
    pub scores: Scores,
    pub quality_of_life: i32,
    pub needed_service_types: Vec<ServiceTypeCode>,
    pub notes: Option<String>,
    /// Instrument code and version; `None` for the default instrument.
    pub instrument: Option<(String, i32)>,
    /// The client's current assessment, when this one corrects it.
    pub corrects: Option<AssessmentId>,
}

// What is data and what is fixed: an instrument's score ranges, level thresholds and floor
// rule are rows (a new instrument or version over these domains is a new row, not new code),
// but the three domains are fields here and columns of `assessments`, so an instrument with
// other domains needs a code change and a migration.
/// The scores of the three domains every assessment records; the instrument gives each
/// domain's range (`GET /api/v1/assessment-instruments`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Scores {
    #[schema(example = 2)]
    pub health: i32,
    #[schema(example = 3)]
    pub self_care: i32,
    #[schema(example = 1)]
    pub communication: i32,
}

impl Scores {
    /// Domain code → score, as [`derive_care_level`] reads them.
    pub fn by_domain(&self) -> BTreeMap<String, i32> {
        BTreeMap::from([
            ("health".to_string(), self.health),
            ("self_care".to_string(), self.self_care),
            ("communication".to_string(), self.communication),
        ])
    }
}

/// A submitted assessment that passed the checks needing no stored facts (see
/// [`NewAssessment::parse`]); [`NewAssessment::judge`] applies the rules that do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssessment(SubmittedAssessment);

impl std::ops::Deref for NewAssessment {
    type Target = SubmittedAssessment;

    fn deref(&self) -> &SubmittedAssessment {
        &self.0
    }
}

/// The stored facts a new assessment is judged against.
#[derive(Debug, Clone, Copy)]
pub struct AssessmentFacts<'a> {
    pub target_group: TargetGroup,
    pub birth_date: NaiveDate,
    pub instrument: &'a Instrument,
    pub current: Option<CurrentAssessment>,
    /// The reassessment period in months (policy).
    pub reassessment_months: u32,
}

/// What the rules make of a new assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentOutcome {
    pub derivation: Derivation,
    /// The assessment the new one supersedes, if any.
    pub supersedes: Option<AssessmentId>,
    pub next_reassessment_due: NaiveDate,
}

impl NewAssessment {
    /// An assessment is not dated after `today`, and only an organisation that sets care
    /// levels records one (INV-A08).
    pub fn parse(submitted: SubmittedAssessment, today: NaiveDate) -> Result<Self, DomainError> {
        if submitted.assessed_on > today {
            return Err(DomainError::AssessmentInFuture);
        }
        check_organisation(submitted.organisation_type)?;
        Ok(Self(submitted))
    }

    /// Applies the rules that read stored facts: the assessment is not dated before the
    /// client's birth (ASSESSMENT-AFTER-BIRTH), the team fits the client's target group
    /// (INV-A04/A05), the instrument derives the level (INV-A07), the history runs forward
    /// and the next reassessment is due a period later (INV-A01).
    pub fn judge(&self, facts: AssessmentFacts<'_>) -> Result<AssessmentOutcome, DomainError> {
        check_after_birth(self.assessed_on, facts.birth_date)?;
        let team: Vec<TeamMember> = self
            .team
            .iter()
            .map(|m| TeamMember {
                role: m.role.to_string(),
                lead: m.lead,
            })
            .collect();
        check_team(facts.target_group, &team)?;
        let derivation = derive_care_level(
            facts.instrument,
            &self.scores.by_domain(),
            self.quality_of_life,
        )?;
        let succession = succession(facts.current, self.corrects)?;
        check_chronology(self.assessed_on, succession.not_before)?;
        Ok(AssessmentOutcome {
            derivation,
            supersedes: succession.supersedes,
            next_reassessment_due: next_reassessment_due(
                self.assessed_on,
                facts.reassessment_months,
            ),
        })
    }
}

/// A care-level instrument, published as reference data: each domain's score range and the
/// total-score thresholds of each level.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Instrument {
    pub code: String,
    pub version: i32,
    /// Domain code → inclusive score range.
    pub domains: BTreeMap<String, (i32, i32)>,
    /// Quality-of-life score range.
    pub quality_of_life: (i32, i32),
    /// Levels with the lowest total that reaches them, in ascending order of `min_total`.
    pub thresholds: Vec<(CareLevel, i32)>,
    /// A single domain at or above this score raises the level to at least `floor_level`.
    pub domain_floor: Option<(i32, CareLevel)>,
}

/// How a care level was reached, returned with every assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Derivation {
    pub instrument: String,
    pub instrument_version: i32,
    pub total: i32,
    /// The level the total reached.
    pub level_by_total: CareLevel,
    /// The level raised by a single domain's score, when that happened.
    pub raised_by_domain: Option<CareLevel>,
    pub care_level: CareLevel,
}

/// One way scores do not fit an instrument (INV-A07), said in English (`Display`) or Latvian.
/// Domains and instruments are the API's codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScoreProblem {
    Missing {
        domain: String,
    },
    OutOfRange {
        domain: String,
        score: i32,
        min: i32,
        max: i32,
    },
    NotADomain {
        domain: String,
        instrument: String,
    },
    NoCareLevels {
        instrument: String,
    },
}

impl std::fmt::Display for ScoreProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScoreProblem::Missing { domain } => write!(f, "{domain}: missing"),
            ScoreProblem::OutOfRange {
                domain,
                score,
                min,
                max,
            } => write!(f, "{domain}: {score} not in {min}..={max}"),
            ScoreProblem::NotADomain { domain, instrument } => {
                write!(f, "{domain}: not a domain of {instrument}")
            }
            ScoreProblem::NoCareLevels { instrument } => {
                write!(f, "{instrument} defines no care levels")
            }
        }
    }
}

impl ScoreProblem {
    pub fn lv(&self) -> String {
        match self {
            ScoreProblem::Missing { domain } => format!("{domain}: nav novērtēts"),
            ScoreProblem::OutOfRange {
                domain,
                score,
                min,
                max,
            } => format!("{domain}: {score} nav robežās {min}..={max}"),
            ScoreProblem::NotADomain { domain, instrument } => {
                format!("{domain}: nav instrumenta {instrument} joma")
            }
            ScoreProblem::NoCareLevels { instrument } => {
                format!("{instrument} nenosaka aprūpes līmeņus")
            }
        }
    }
}

/// Scores the three domains with `instrument` (INV-A07). Every domain of the instrument must
/// be scored, within its range.
pub fn derive_care_level(
    instrument: &Instrument,
    scores: &BTreeMap<String, i32>,
    quality_of_life: i32,
) -> Result<Derivation, DomainError> {
    let mut errors = Vec::new();
    for (domain, (min, max)) in &instrument.domains {
        match scores.get(domain) {
            None => errors.push(ScoreProblem::Missing {
                domain: domain.clone(),
            }),
            Some(s) if s < min || s > max => errors.push(ScoreProblem::OutOfRange {
                domain: domain.clone(),
                score: *s,
                min: *min,
                max: *max,
            }),
            Some(_) => {}
        }
    }
    for domain in scores.keys() {
        if !instrument.domains.contains_key(domain) {
            errors.push(ScoreProblem::NotADomain {
                domain: domain.clone(),
                instrument: instrument.code.clone(),
            });
        }
    }
    let (qmin, qmax) = instrument.quality_of_life;
    if quality_of_life < qmin || quality_of_life > qmax {
        errors.push(ScoreProblem::OutOfRange {
            domain: "quality_of_life".into(),
            score: quality_of_life,
            min: qmin,
            max: qmax,
        });
    }
    if !errors.is_empty() {
        return Err(DomainError::ScoresOutOfRange { errors });
    }
    let total: i32 = scores.values().sum();
    let Some(by_total) = instrument
        .thresholds
        .iter()
        .rev()
        .find(|(_, min)| total >= *min)
        .or(instrument.thresholds.first())
        .map(|(level, _)| *level)
    else {
        return Err(DomainError::ScoresOutOfRange {
            errors: vec![ScoreProblem::NoCareLevels {
                instrument: instrument.code.clone(),
            }],
        });
    };
    // Care levels are ordered I < II < III < IV.
    let raised = instrument.domain_floor.and_then(|(score, floor)| {
        let hits = scores.values().any(|s| *s >= score);
        (hits && floor > by_total).then_some(floor)
    });
    Ok(Derivation {
        instrument: instrument.code.clone(),
        instrument_version: instrument.version,
        total,
        care_level: raised.unwrap_or(by_total),
        level_by_total: by_total,
        raised_by_domain: raised,
    })
}

#[cfg(test)]
mod tests;
