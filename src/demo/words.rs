//! Words and names: people's names, place names, streets and the texts of notes, opinions,
//! reasons and support-plan sections (`data/*.csv`), and the Latvian grammar the names need.

use std::collections::HashMap;

use anyhow::Context as _;
use rand::RngExt as _;
use rand::rngs::ChaCha8Rng;

use super::data::{csv_rows, non_empty};
use super::random::pick;
use crate::domain::client::TargetGroup;
use crate::domain::plan_goal::GoalStatus;
use crate::domain::support_plan::sections_for;

/// The word lists, in file order (the generator picks by index, so the order is part of
/// what a seed produces).
pub(super) struct Words {
    male_given: Vec<String>,
    female_given: Vec<String>,
    /// Family names in their masculine and feminine forms.
    family: Vec<(String, String)>,
    /// Names in quotes for providers and services.
    pub place_names: Vec<String>,
    pub streets: Vec<String>,
    pub assessment_notes: Vec<String>,
    pub child_opinions: Vec<String>,
    pub adult_choices: Vec<String>,
    /// Why a community placement ended.
    pub placement_end_reasons: Vec<String>,
    pub assignment_end_reasons: Vec<String>,
    /// Goals of support plans, their tasks, who is responsible, and progress notes.
    pub goals: Vec<String>,
    pub goal_tasks: Vec<String>,
    pub goal_responsible: Vec<String>,
    /// Progress notes on an open goal, and on one achieved or dropped.
    pub goal_progress: Vec<String>,
    pub goal_achieved: Vec<String>,
    pub goal_dropped: Vec<String>,
    /// Texts of each support-plan section, by section code.
    sections: HashMap<String, Vec<String>>,
}

#[derive(serde::Deserialize)]
struct NamePair {
    male: String,
    female: String,
}

#[derive(serde::Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum TextKind {
    AssessmentNote,
    ChildOpinion,
    AdultChoice,
    PlacementEndReason,
    AssignmentEndReason,
    Goal,
    GoalTask,
    GoalResponsible,
    GoalProgressOpen,
    GoalAchieved,
    GoalDropped,
}

#[derive(serde::Deserialize)]
struct Text {
    kind: TextKind,
    text: String,
}

#[derive(serde::Deserialize)]
struct SectionText {
    section: String,
    text: String,
}

#[derive(serde::Deserialize)]
struct Name {
    name: String,
}

impl Words {
    pub fn parse() -> Result<Self, String> {
        let given: Vec<NamePair> =
            csv_rows("given_names.csv", include_str!("data/given_names.csv"))?;
        let family: Vec<NamePair> =
            csv_rows("family_names.csv", include_str!("data/family_names.csv"))?;
        let names = |file: &str, text: &str| -> Result<Vec<String>, String> {
            let rows: Vec<Name> = csv_rows(file, text)?;
            non_empty(file, "names", rows.into_iter().map(|r| r.name).collect())
        };
        let texts: Vec<Text> = csv_rows("texts.csv", include_str!("data/texts.csv"))?;
        let of_kind = |kind: TextKind, what: &str| {
            let list = texts.iter().filter(|t| t.kind == kind);
            non_empty("texts.csv", what, list.map(|t| t.text.clone()).collect())
        };
        let section_rows: Vec<SectionText> =
            csv_rows("section_texts.csv", include_str!("data/section_texts.csv"))?;
        let mut sections: HashMap<String, Vec<String>> = HashMap::new();
        for row in section_rows {
            sections.entry(row.section).or_default().push(row.text);
        }
        // Every section a plan of any group has, and no other.
        let known: Vec<&str> = TargetGroup::ALL
            .iter()
            .flat_map(|g| sections_for(*g))
            .map(|s| s.code)
            .collect();
        if let Some(missing) = known.iter().find(|c| !sections.contains_key(**c)) {
            return Err(format!(
                "data/section_texts.csv has no text for section {missing}"
            ));
        }
        if let Some(unknown) = sections.keys().find(|c| !known.contains(&c.as_str())) {
            return Err(format!("data/section_texts.csv: unknown section {unknown}"));
        }
        Ok(Self {
            male_given: non_empty(
                "given_names.csv",
                "names",
                given.iter().map(|p| p.male.clone()).collect(),
            )?,
            female_given: given.into_iter().map(|p| p.female).collect(),
            family: non_empty(
                "family_names.csv",
                "names",
                family.into_iter().map(|p| (p.male, p.female)).collect(),
            )?,
            place_names: names("place_names.csv", include_str!("data/place_names.csv"))?,
            streets: names("streets.csv", include_str!("data/streets.csv"))?,
            assessment_notes: of_kind(TextKind::AssessmentNote, "assessment notes")?,
            child_opinions: of_kind(TextKind::ChildOpinion, "child opinions")?,
            adult_choices: of_kind(TextKind::AdultChoice, "adult choices")?,
            placement_end_reasons: of_kind(TextKind::PlacementEndReason, "placement end reasons")?,
            assignment_end_reasons: of_kind(
                TextKind::AssignmentEndReason,
                "assignment end reasons",
            )?,
            goals: of_kind(TextKind::Goal, "goals")?,
            goal_tasks: of_kind(TextKind::GoalTask, "goal tasks")?,
            goal_responsible: of_kind(TextKind::GoalResponsible, "goal responsible parties")?,
            goal_progress: of_kind(TextKind::GoalProgressOpen, "goal progress notes")?,
            goal_achieved: of_kind(TextKind::GoalAchieved, "notes of goals achieved")?,
            goal_dropped: of_kind(TextKind::GoalDropped, "notes of goals dropped")?,
            sections,
        })
    }

    /// A person's given and family name, of the given sex.
    pub fn person(
        &'static self,
        rng: &mut ChaCha8Rng,
        female: bool,
    ) -> (&'static str, &'static str) {
        let given = if female {
            pick(rng, &self.female_given)
        } else {
            pick(rng, &self.male_given)
        };
        let (male_family, female_family) = pick(rng, &self.family);
        let family = if female { female_family } else { male_family };
        (given, family)
    }

    /// A progress note on a goal that is now `status`.
    pub fn goal_note(&self, rng: &mut ChaCha8Rng, status: GoalStatus) -> &str {
        match status {
            GoalStatus::Open => pick(rng, &self.goal_progress).as_str(),
            GoalStatus::Achieved => pick(rng, &self.goal_achieved).as_str(),
            GoalStatus::Dropped => pick(rng, &self.goal_dropped).as_str(),
        }
    }

    /// Content of a support-plan section.
    pub fn section_text(&self, rng: &mut ChaCha8Rng, section: &str) -> anyhow::Result<String> {
        let variants = self
            .sections
            .get(section)
            .with_context(|| format!("data/section_texts.csv has no text for section {section}"))?;
        Ok(pick(rng, variants).clone())
    }
}

/// Genitive of a municipality name: "Kuldīgas novads" → "Kuldīgas novada", "Rīga" → "Rīgas".
pub(super) fn genitive(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("novads") {
        format!("{stem}novada")
    } else if name.ends_with('a') || name.ends_with('e') {
        format!("{name}s")
    } else {
        name.to_string()
    }
}

/// A Latvian phone number (eight digits after +371, the first `6` for a landline, `2` for a
/// mobile), given with probability `share`.
pub(super) fn phone(rng: &mut ChaCha8Rng, share: f64, first: char) -> Option<String> {
    rng.random_bool(share)
        .then(|| format!("+371 {first}{:07}", rng.random_range(0..10_000_000)))
}

/// Lower-case ASCII slug of the first word of a name, for e-mail domains.
pub(super) fn slug(name: &str) -> String {
    deunicode::deunicode(name.split_whitespace().next().unwrap_or(name))
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}
