//! Individual support plans and their sections.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::plan_goals::{self, GoalEntry, NewGoal};
use super::schema::{support_plan_sections, support_plans};
use super::{DbConnection, MultiBackend, QueryResult, Slice, in_slice};
use crate::domain::ids::*;
use crate::domain::support_plan::PlanStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = support_plans, check_for_backend(MultiBackend))]
pub struct PlanRow {
    pub id: PlanId,
    pub client_id: ClientId,
    pub plan_version: i32,
    pub status: PlanStatus,
    pub assessment_id: Option<AssessmentId>,
    pub opinion: Option<String>,
    pub finalised_at: Option<NaiveDateTime>,
    pub replaced_by_id: Option<PlanId>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub next_review_due: Option<NaiveDate>,
    pub review_flagged_on: Option<NaiveDate>,
    pub review_flag_assessment_id: Option<AssessmentId>,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = support_plans, treat_none_as_null = true)]
pub struct PlanChanges {
    pub status: PlanStatus,
    pub assessment_id: Option<AssessmentId>,
    pub opinion: Option<String>,
    pub finalised_at: Option<NaiveDateTime>,
    /// Set on finalisation (PLAN-REVIEW).
    pub next_review_due: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct PlanEntry {
    pub row: PlanRow,
    pub sections: BTreeMap<String, String>,
    pub goals: Vec<GoalEntry>,
}

fn write_sections(
    conn: &mut DbConnection,
    id: PlanId,
    sections: &BTreeMap<String, String>,
) -> QueryResult<()> {
    diesel::delete(support_plan_sections::table.filter(support_plan_sections::plan_id.eq(id)))
        .execute(conn)?;
    for (section, content) in sections {
        diesel::insert_into(support_plan_sections::table)
            .values((
                support_plan_sections::plan_id.eq(id),
                support_plan_sections::section.eq(section),
                support_plan_sections::content.eq(content),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The client's current final plan of an earlier version, which a newly finalised version
/// replaces (finalising an old draft never replaces a newer final plan).
fn latest_final(
    conn: &mut DbConnection,
    client_id: ClientId,
    except: PlanId,
    below: i32,
) -> QueryResult<Option<PlanRow>> {
    support_plans::table
        .filter(support_plans::client_id.eq(client_id))
        .filter(support_plans::status.eq("final"))
        .filter(support_plans::replaced_by_id.is_null())
        .filter(support_plans::id.ne(except))
        .filter(support_plans::plan_version.lt(below))
        .select(PlanRow::as_select())
        .first(conn)
        .optional()
}

fn mark_replaced(conn: &mut DbConnection, row: &PlanRow) -> QueryResult<()> {
    if row.status == PlanStatus::Final
        && let Some(old) = latest_final(conn, row.client_id, row.id, row.plan_version)?
    {
        diesel::update(support_plans::table.find(old.id))
            .set(support_plans::replaced_by_id.eq(row.id))
            .execute(conn)?;
    }
    Ok(())
}

pub fn insert(
    conn: &mut DbConnection,
    client_id: ClientId,
    changes: &PlanChanges,
    sections: &BTreeMap<String, String>,
    goals: &[NewGoal],
) -> QueryResult<PlanEntry> {
    let next_version: i32 = support_plans::table
        .filter(support_plans::client_id.eq(client_id))
        .select(diesel::dsl::max(support_plans::plan_version))
        .first::<Option<i32>>(conn)?
        .unwrap_or(0)
        + 1;
    let row: PlanRow = diesel::insert_into(support_plans::table)
        .values((
            changes,
            support_plans::client_id.eq(client_id),
            support_plans::plan_version.eq(next_version),
            support_plans::created_at.eq(changes.updated_at),
        ))
        .returning(support_plans::all_columns)
        .get_result(conn)?;
    write_sections(conn, row.id, sections)?;
    plan_goals::replace(conn, row.id, goals)?;
    mark_replaced(conn, &row)?;
    entries(conn, vec![row])?
        .pop()
        .ok_or(diesel::result::Error::NotFound)
}

/// The plans `id` replaced (as the client's final plan).
pub fn replaced_by(conn: &mut DbConnection, id: PlanId) -> QueryResult<Vec<PlanId>> {
    support_plans::table
        .filter(support_plans::replaced_by_id.eq(id))
        .select(support_plans::id)
        .load(conn)
}

/// Changes a draft plan (its goals too, when `goals` is given).
pub fn update(
    conn: &mut DbConnection,
    id: PlanId,
    version: i32,
    changes: &PlanChanges,
    sections: &BTreeMap<String, String>,
    goals: Option<&[NewGoal]>,
) -> QueryResult<Option<PlanEntry>> {
    let row: Option<PlanRow> = diesel::update(
        support_plans::table.filter(
            support_plans::id
                .eq(id)
                .and(support_plans::version.eq(version)),
        ),
    )
    .set((changes, support_plans::version.eq(version + 1)))
    .returning(support_plans::all_columns)
    .get_result(conn)
    .optional()?;
    let Some(row) = row else { return Ok(None) };
    write_sections(conn, row.id, sections)?;
    if let Some(goals) = goals {
        plan_goals::replace(conn, row.id, goals)?;
    }
    mark_replaced(conn, &row)?;
    Ok(entries(conn, vec![row])?.pop())
}

/// A change of a plan that is no new version (a goal's progress, a review flag): its
/// `version` (the ETag) and `updated_at` move on.
pub fn touch(conn: &mut DbConnection, id: PlanId, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(support_plans::table.find(id))
        .set((
            support_plans::version.eq(support_plans::version + 1),
            support_plans::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// PLAN-REVIEW-CARE-LEVEL: flags a final plan for review on `flagged_on` by `assessment`,
/// due `due`.
pub fn flag_for_review(
    conn: &mut DbConnection,
    id: PlanId,
    (flagged_on, assessment): (NaiveDate, AssessmentId),
    due: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(support_plans::table.find(id))
        .set((
            support_plans::review_flagged_on.eq(flagged_on),
            support_plans::review_flag_assessment_id.eq(assessment),
            support_plans::next_review_due.eq(due),
        ))
        .execute(conn)?;
    touch(conn, id, now)
}

fn entries(conn: &mut DbConnection, rows: Vec<PlanRow>) -> QueryResult<Vec<PlanEntry>> {
    let ids: Vec<PlanId> = rows.iter().map(|r| r.id).collect();
    let mut goals = plan_goals::of_plans(conn, &ids)?;
    let mut by_plan: BTreeMap<PlanId, BTreeMap<String, String>> = BTreeMap::new();
    for (id, section, content) in support_plan_sections::table
        .filter(support_plan_sections::plan_id.eq_any(&ids))
        .select((
            support_plan_sections::plan_id,
            support_plan_sections::section,
            support_plan_sections::content,
        ))
        .load::<(PlanId, String, String)>(conn)?
    {
        by_plan.entry(id).or_default().insert(section, content);
    }
    Ok(rows
        .into_iter()
        .map(|row| PlanEntry {
            sections: by_plan.remove(&row.id).unwrap_or_default(),
            goals: goals.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

pub fn get(conn: &mut DbConnection, client_id: ClientId, id: PlanId) -> QueryResult<PlanEntry> {
    let row = support_plans::table
        .filter(support_plans::id.eq(id))
        .filter(support_plans::client_id.eq(client_id))
        .select(PlanRow::as_select())
        .first(conn)?;
    entries(conn, vec![row])?
        .pop()
        .ok_or(diesel::result::Error::NotFound)
}

/// The client's plans in `slice` (modified: `updated_at` after its instant), latest version
/// first.
pub fn list_for_client(
    conn: &mut DbConnection,
    client_id: ClientId,
    slice: &Slice,
) -> QueryResult<Vec<PlanEntry>> {
    let mut q = support_plans::table
        .filter(support_plans::client_id.eq(client_id))
        .into_boxed::<MultiBackend>();
    if let Some(t) = slice.modified_after {
        q = q.filter(support_plans::updated_at.gt(t));
    }
    let latest_first = support_plans::plan_version.desc();
    let rows = in_slice!(q, slice, support_plans::id, latest_first)
        .select(PlanRow::as_select())
        .load(conn)?;
    entries(conn, rows)
}

/// The client's current final plan: final and not replaced by a later one.
pub fn current_final(
    conn: &mut DbConnection,
    client_id: ClientId,
) -> QueryResult<Option<PlanEntry>> {
    let row = support_plans::table
        .filter(support_plans::client_id.eq(client_id))
        .filter(support_plans::status.eq(PlanStatus::Final))
        .filter(support_plans::replaced_by_id.is_null())
        .order(support_plans::plan_version.desc())
        .select(PlanRow::as_select())
        .first(conn)
        .optional()?;
    Ok(match row {
        Some(row) => entries(conn, vec![row])?.pop(),
        None => None,
    })
}
