//! The day each staff member and mentor completed each training programme
//! (`programme_completions`, TRAINED-PROGRAMME), with where they work and when: derived from
//! the trainings and the person's record like `db::derived`'s runs. Every write it follows (a
//! staff member or mentor registered or changed, a training recorded) rewrites that person's
//! rows in the same transaction; [`rebuild`] computes them all (after the migration that adds
//! them, and after the demo data is loaded). "Trained by a day" is then a range condition
//! (`db::staff::trained_on`) instead of every person's hours summed again.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::bulk::BulkInsert;
use super::derived::MentorFacts;
use super::schema::{
    mentor_trainings, mentors, programme_completions, staff, staff_trainings, training_programmes,
};
use super::{DbConnection, QueryResult};
use crate::domain::codes::{MunicipalityCode, ProgrammeCode, RegionCode};
use crate::domain::ids::{MentorId, StaffId};
use crate::domain::mentor::EmployerKind;
use crate::domain::staff::{TraineeKind, programme_completed_on};

/// A person's completion of a programme, as stored.
#[derive(Debug, Clone)]
struct Completion {
    trainee_kind: TraineeKind,
    trainee_id: i64,
    programme: ProgrammeCode,
    completed_on: NaiveDate,
    employed_from: NaiveDate,
    employed_until: Option<NaiveDate>,
    region: RegionCode,
    municipality: Option<MunicipalityCode>,
    record_key: i32,
}

/// Where and when a person works: the columns a completion copies from their record.
struct Trainee {
    employed_from: NaiveDate,
    employed_until: Option<NaiveDate>,
    region: RegionCode,
    municipality: Option<MunicipalityCode>,
    record_key: i32,
}

/// Each trainee's trainings of each programme: `(completed_on, hours)`.
type Trainings = BTreeMap<(i64, ProgrammeCode), Vec<(NaiveDate, i32)>>;

fn by_trainee(rows: impl IntoIterator<Item = (i64, ProgrammeCode, NaiveDate, i32)>) -> Trainings {
    let mut trainings = Trainings::new();
    for (id, programme, day, hours) in rows {
        trainings
            .entry((id, programme))
            .or_default()
            .push((day, hours));
    }
    trainings
}

/// The completions of the trainees in `people` from their `trainings`.
fn completions(
    kind: TraineeKind,
    people: HashMap<i64, Trainee>,
    trainings: Trainings,
    minimum: &HashMap<ProgrammeCode, Option<i32>>,
) -> Vec<Completion> {
    trainings
        .into_iter()
        .filter_map(|((id, programme), parts)| {
            let person = people.get(&id)?;
            let min_hours = minimum.get(&programme).copied().flatten();
            Some(Completion {
                trainee_kind: kind,
                trainee_id: id,
                completed_on: programme_completed_on(&parts, min_hours)?,
                programme,
                employed_from: person.employed_from,
                employed_until: person.employed_until,
                region: person.region.clone(),
                municipality: person.municipality.clone(),
                record_key: person.record_key,
            })
        })
        .collect()
}

fn minimum_hours(conn: &mut DbConnection) -> QueryResult<HashMap<ProgrammeCode, Option<i32>>> {
    Ok(training_programmes::table
        .select((training_programmes::code, training_programmes::min_hours))
        .load::<(ProgrammeCode, Option<i32>)>(conn)?
        .into_iter()
        .collect())
}

/// The staff completions of one staff member (`Some`) or of everyone.
fn staff_completions(
    conn: &mut DbConnection,
    only: Option<StaffId>,
    minimum: &HashMap<ProgrammeCode, Option<i32>>,
) -> QueryResult<Vec<Completion>> {
    let mut people = staff::table.into_boxed();
    let mut parts = staff_trainings::table.into_boxed();
    if let Some(id) = only {
        people = people.filter(staff::id.eq(id));
        parts = parts.filter(staff_trainings::staff_id.eq(id));
    }
    let people = people
        .select((
            staff::id,
            staff::employed_from,
            staff::employed_until,
            staff::region,
            staff::municipality,
            staff::record_key,
        ))
        .load::<(
            StaffId,
            NaiveDate,
            Option<NaiveDate>,
            RegionCode,
            Option<MunicipalityCode>,
            i32,
        )>(conn)?
        .into_iter()
        .map(|(id, from, until, region, municipality, record_key)| {
            let trainee = Trainee {
                employed_from: from,
                employed_until: until,
                region,
                municipality,
                record_key,
            };
            (id.get(), trainee)
        })
        .collect();
    let parts = parts
        .select((
            staff_trainings::staff_id,
            staff_trainings::programme,
            staff_trainings::completed_on,
            staff_trainings::hours,
        ))
        .load::<(StaffId, ProgrammeCode, NaiveDate, i32)>(conn)?;
    let trainings = by_trainee(
        parts
            .into_iter()
            .map(|(id, p, day, h)| (id.get(), p, day, h)),
    );
    Ok(completions(TraineeKind::Staff, people, trainings, minimum))
}

/// The mentor completions of one mentor (`Some`) or of every mentor: a mentor counts from
/// their registration on, in the municipality that employs them (none for another employer).
fn mentor_completions(
    conn: &mut DbConnection,
    only: Option<MentorId>,
    minimum: &HashMap<ProgrammeCode, Option<i32>>,
) -> QueryResult<Vec<Completion>> {
    let mut people = super::derived::mentor_facts().into_boxed();
    let mut parts = mentor_trainings::table.into_boxed();
    if let Some(id) = only {
        people = people.filter(mentors::id.eq(id));
        parts = parts.filter(mentor_trainings::mentor_id.eq(id));
    }
    let people = people
        .load::<MentorFacts>(conn)?
        .into_iter()
        .map(|(id, created_at, region, kind, code, record_key)| {
            let trainee = Trainee {
                employed_from: created_at.date(),
                employed_until: None,
                region,
                municipality: (kind == EmployerKind::Municipality)
                    .then(|| MunicipalityCode::new(code)),
                record_key,
            };
            (id.get(), trainee)
        })
        .collect();
    let parts = parts
        .select((
            mentor_trainings::mentor_id,
            mentor_trainings::programme,
            mentor_trainings::completed_on,
            mentor_trainings::hours,
        ))
        .load::<(MentorId, ProgrammeCode, NaiveDate, i32)>(conn)?;
    let trainings = by_trainee(
        parts
            .into_iter()
            .map(|(id, p, day, h)| (id.get(), p, day, h)),
    );
    Ok(completions(TraineeKind::Mentor, people, trainings, minimum))
}

fn replace(
    conn: &mut DbConnection,
    kind: TraineeKind,
    id: i64,
    rows: &[Completion],
) -> QueryResult<()> {
    diesel::delete(
        programme_completions::table
            .filter(programme_completions::trainee_kind.eq(kind))
            .filter(programme_completions::trainee_id.eq(id)),
    )
    .execute(conn)?;
    insert(conn, rows)
}

/// Inserts `rows` as multi-row statements.
fn insert(conn: &mut DbConnection, rows: &[Completion]) -> QueryResult<()> {
    use programme_completions as c;
    let mut out = BulkInsert::new(
        conn,
        (
            c::trainee_kind,
            c::trainee_id,
            c::programme,
            c::completed_on,
            c::employed_from,
            c::employed_until,
            c::region,
            c::municipality,
            c::record_key,
        ),
    );
    for row in rows {
        out.row(&[
            row.trainee_kind.into(),
            row.trainee_id.into(),
            (&row.programme).into(),
            row.completed_on.into(),
            row.employed_from.into(),
            row.employed_until.into(),
            (&row.region).into(),
            row.municipality.as_ref().into(),
            row.record_key.into(),
        ]);
        out.end_group(conn)?;
    }
    out.finish(conn).map(drop)
}

/// Rewrites the staff member's completions from their record and trainings.
pub fn sync_staff(conn: &mut DbConnection, id: StaffId) -> QueryResult<()> {
    let minimum = minimum_hours(conn)?;
    let rows = staff_completions(conn, Some(id), &minimum)?;
    replace(conn, TraineeKind::Staff, id.get(), &rows)
}

/// Rewrites the mentor's completions from their record and trainings.
pub fn sync_mentor(conn: &mut DbConnection, id: MentorId) -> QueryResult<()> {
    let minimum = minimum_hours(conn)?;
    let rows = mentor_completions(conn, Some(id), &minimum)?;
    replace(conn, TraineeKind::Mentor, id.get(), &rows)
}

/// Computes every completion from the record, replacing what is there.
pub fn rebuild(conn: &mut DbConnection) -> QueryResult<()> {
    let minimum = minimum_hours(conn)?;
    diesel::delete(programme_completions::table).execute(conn)?;
    let rows = staff_completions(conn, None, &minimum)?;
    insert(conn, &rows)?;
    let rows = mentor_completions(conn, None, &minimum)?;
    insert(conn, &rows)
}
