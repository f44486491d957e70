//! Social mentors, trainings and assignments.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, sum};
use diesel::prelude::*;

use super::changes::made_or_changed_after;
use super::schema::{clients, mentor_assignments, mentor_trainings, mentors};
use super::{DbConnection, Listed, MultiBackend, QueryResult, Slice, in_slice};
use crate::domain::change::ChangeType;
use crate::domain::codes::*;
use crate::domain::disclosure::random_record_key;
use crate::domain::ids::*;
use crate::domain::interval::Interval;
use crate::domain::mentor::{ContractType, EmployerKind};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mentors, check_for_backend(MultiBackend))]
pub struct MentorRow {
    pub id: MentorId,
    pub given_name: String,
    pub family_name: String,
    pub employer_kind: EmployerKind,
    pub employer_code: String,
    pub region: RegionCode,
    pub contract_type: ContractType,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = mentors, treat_none_as_null = true)]
pub struct MentorChanges {
    pub given_name: String,
    pub family_name: String,
    pub employer_kind: EmployerKind,
    pub employer_code: String,
    pub region: RegionCode,
    pub contract_type: ContractType,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub updated_at: NaiveDateTime,
}

impl From<&MentorRow> for MentorChanges {
    fn from(r: &MentorRow) -> Self {
        Self {
            given_name: r.given_name.clone(),
            family_name: r.family_name.clone(),
            employer_kind: r.employer_kind,
            employer_code: r.employer_code.clone(),
            region: r.region.clone(),
            contract_type: r.contract_type,
            phone: r.phone.clone(),
            email: r.email.clone(),
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mentor_trainings, check_for_backend(MultiBackend))]
pub struct TrainingRow {
    pub id: TrainingId,
    pub mentor_id: MentorId,
    pub programme: ProgrammeCode,
    pub hours: i32,
    pub completed_on: NaiveDate,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct MentorEntry {
    pub row: MentorRow,
    pub trainings: Vec<TrainingRow>,
    /// Assignments active today.
    pub active_assignments: i64,
}

/// Which mentors a caller sees: those employed by a municipality or by a region, and, for
/// a municipality, those of its planning region ("available in the area").
#[derive(Debug, Clone)]
pub enum MentorArea {
    /// A municipality (code) and its planning region.
    Municipality {
        code: MunicipalityCode,
        region: RegionCode,
    },
    Region(RegionCode),
    All,
}

fn visible(area: &MentorArea) -> mentors::BoxedQuery<'static, MultiBackend> {
    let q = mentors::table.into_boxed::<MultiBackend>();
    match area {
        MentorArea::Municipality { code, region } => q.filter(
            mentors::employer_kind
                .eq("municipality")
                .and(mentors::employer_code.eq(code.clone()))
                .or(mentors::employer_kind
                    .eq("region")
                    .and(mentors::employer_code.eq(region.clone()))),
        ),
        MentorArea::Region(region) => q.filter(mentors::region.eq(region.clone())),
        MentorArea::All => q,
    }
}

pub fn insert(conn: &mut DbConnection, changes: &MentorChanges) -> QueryResult<MentorRow> {
    diesel::insert_into(mentors::table)
        .values((
            changes,
            mentors::created_at.eq(changes.updated_at),
            mentors::record_key.eq(random_record_key()),
        ))
        .returning(<MentorRow as Selectable<MultiBackend>>::construct_selection())
        .get_result(conn)
        .and_then(|row: MentorRow| follow(conn, row.id).map(|()| row))
}

pub fn get(conn: &mut DbConnection, area: &MentorArea, id: MentorId) -> QueryResult<MentorEntry> {
    let row = visible(area)
        .filter(mentors::id.eq(id))
        .select(MentorRow::as_select())
        .first(conn)?;
    entries(conn, vec![row])?
        .pop()
        .ok_or(diesel::result::Error::NotFound)
}

pub fn update(
    conn: &mut DbConnection,
    id: MentorId,
    version: i32,
    changes: &MentorChanges,
) -> QueryResult<Option<MentorRow>> {
    diesel::update(mentors::table.filter(mentors::id.eq(id).and(mentors::version.eq(version))))
        .set((changes, mentors::version.eq(version + 1)))
        .returning(<MentorRow as Selectable<MultiBackend>>::construct_selection())
        .get_result(conn)
        .optional()?
        .map(|row: MentorRow| follow(conn, row.id).map(|()| row))
        .transpose()
}

fn entries(conn: &mut DbConnection, rows: Vec<MentorRow>) -> QueryResult<Vec<MentorEntry>> {
    let ids: Vec<MentorId> = rows.iter().map(|r| r.id).collect();
    let mut by_mentor: BTreeMap<MentorId, Vec<TrainingRow>> = BTreeMap::new();
    for t in mentor_trainings::table
        .filter(mentor_trainings::mentor_id.eq_any(&ids))
        .order((
            mentor_trainings::mentor_id,
            mentor_trainings::completed_on,
            mentor_trainings::id,
        ))
        .select(TrainingRow::as_select())
        .load::<TrainingRow>(conn)?
    {
        by_mentor.entry(t.mentor_id).or_default().push(t);
    }
    let today = crate::domain::today();
    let loads: BTreeMap<MentorId, i64> = active_on(today)
        .filter(mentor_assignments::mentor_id.eq_any(&ids))
        .group_by(mentor_assignments::mentor_id)
        .select((mentor_assignments::mentor_id, count_star()))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| MentorEntry {
            trainings: by_mentor.remove(&row.id).unwrap_or_default(),
            active_assignments: loads.get(&row.id).copied().unwrap_or(0),
            row,
        })
        .collect())
}

#[derive(Debug, Default, Clone)]
pub struct MentorFilter {
    /// Only mentors with a free place today (fewer active assignments than this).
    pub with_capacity_below: Option<i32>,
    /// Only mentors whose completed hours reach each `(programme, hours)` requirement
    /// (hours of the same programme add up, as in `domain::mentor::missing_trainings`).
    pub trained_in: &'static [(&'static str, i32)],
    pub contract_type: Option<ContractType>,
}

/// The mentors in `area` matching `filter`, modified after the slice's instant: their own
/// fields (`updated_at`) or a training recorded since.
fn filtered(
    area: &MentorArea,
    filter: &MentorFilter,
    slice: &Slice,
) -> mentors::BoxedQuery<'static, MultiBackend> {
    let mut q = visible(area);
    if let Some(cap) = filter.with_capacity_below {
        q = q.filter(diesel::dsl::not(
            mentors::id.eq_any(
                active_on(crate::domain::today())
                    .group_by(mentor_assignments::mentor_id)
                    .having(count_star().ge(i64::from(cap)))
                    .select(mentor_assignments::mentor_id),
            ),
        ));
    }
    for (programme, hours) in filter.trained_in {
        q = q.filter(
            mentors::id.eq_any(
                mentor_trainings::table
                    .filter(mentor_trainings::programme.eq(*programme))
                    .group_by(mentor_trainings::mentor_id)
                    .having(sum(mentor_trainings::hours).ge(i64::from(*hours)))
                    .select(mentor_trainings::mentor_id),
            ),
        );
    }
    if let Some(c) = &filter.contract_type {
        q = q.filter(mentors::contract_type.eq(*c));
    }
    if let Some(t) = slice.modified_after {
        q = q.filter(
            mentors::updated_at.gt(t).or(mentors::id.eq_any(
                mentor_trainings::table
                    .filter(mentor_trainings::created_at.gt(t))
                    .select(mentor_trainings::mentor_id),
            )),
        );
    }
    q
}

pub fn list(
    conn: &mut DbConnection,
    area: &MentorArea,
    filter: &MentorFilter,
    slice: &Slice,
    limit: i64,
    offset: i64,
) -> QueryResult<Listed<MentorEntry>> {
    let total = filtered(area, filter, slice).count().get_result(conn)?;
    let rows = filtered(area, filter, slice)
        .select(MentorRow::as_select())
        .order((mentors::family_name, mentors::given_name, mentors::id))
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok(Listed {
        rows: entries(conn, rows)?,
        total,
    })
}

/// A streamed batch of `list` (`slice.batch`), in id order.
pub fn batch(
    conn: &mut DbConnection,
    area: &MentorArea,
    filter: &MentorFilter,
    slice: &Slice,
) -> QueryResult<Vec<MentorEntry>> {
    let rows = in_slice!(
        filtered(area, filter, slice),
        slice,
        mentors::id,
        mentors::id
    )
    .select(MentorRow::as_select())
    .load(conn)?;
    entries(conn, rows)
}

pub fn insert_training(
    conn: &mut DbConnection,
    mentor_id: MentorId,
    programme: &ProgrammeCode,
    hours: i32,
    completed_on: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<TrainingRow> {
    diesel::insert_into(mentor_trainings::table)
        .values((
            mentor_trainings::mentor_id.eq(mentor_id),
            mentor_trainings::programme.eq(programme),
            mentor_trainings::hours.eq(hours),
            mentor_trainings::completed_on.eq(completed_on),
            mentor_trainings::created_at.eq(now),
        ))
        .returning(mentor_trainings::all_columns)
        .get_result(conn)
        .and_then(|row: TrainingRow| super::completions::sync_mentor(conn, mentor_id).map(|()| row))
}

/// Locks the mentor's row until the transaction ends (PostgreSQL row lock; SQLite holds its
/// single write lock already), so assignments of one mentor are checked one at a time.
/// Whether the mentor is registered (mentors are never deleted).
pub fn exists(conn: &mut DbConnection, id: MentorId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(mentors::table.find(id))).get_result(conn)
}

pub fn lock(conn: &mut DbConnection, id: MentorId) -> QueryResult<()> {
    diesel::update(mentors::table.filter(mentors::id.eq(id)))
        .set(mentors::version.eq(mentors::version))
        .execute(conn)
        .map(drop)
}

type AssignmentsOn = diesel::dsl::Filter<
    mentor_assignments::table,
    diesel::dsl::And<
        diesel::dsl::LtEq<mentor_assignments::started_on, NaiveDate>,
        diesel::dsl::Or<
            diesel::dsl::IsNull<mentor_assignments::ended_on>,
            diesel::dsl::Gt<mentor_assignments::ended_on, NaiveDate>,
        >,
    >,
>;

/// Assignments active on `day`.
pub fn active_on(day: NaiveDate) -> AssignmentsOn {
    mentor_assignments::table.filter(
        mentor_assignments::started_on.le(day).and(
            mentor_assignments::ended_on
                .is_null()
                .or(mentor_assignments::ended_on.gt(day)),
        ),
    )
}

/// The intervals of a mentor's assignments, or of a client's: what the caseload cap and
/// "one mentor at a time" are checked against.
pub fn assignment_intervals(
    conn: &mut DbConnection,
    mentor_id: Option<MentorId>,
    client_id: Option<ClientId>,
) -> QueryResult<Vec<Interval>> {
    let mut q = mentor_assignments::table.into_boxed::<MultiBackend>();
    if let Some(m) = mentor_id {
        q = q.filter(mentor_assignments::mentor_id.eq(m));
    }
    if let Some(c) = client_id {
        q = q.filter(mentor_assignments::client_id.eq(c));
    }
    Ok(
        q.select((mentor_assignments::started_on, mentor_assignments::ended_on))
            .load::<(NaiveDate, Option<NaiveDate>)>(conn)?
            .into_iter()
            .map(|(start, end)| Interval { start, end })
            .collect(),
    )
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mentor_assignments, check_for_backend(MultiBackend))]
pub struct AssignmentRow {
    pub id: AssignmentId,
    pub mentor_id: MentorId,
    pub client_id: ClientId,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// Inserts an assignment from `started_on`, open-ended; the partial unique index refuses a
/// second open-ended assignment of the client (UniqueViolation).
pub fn insert_assignment(
    conn: &mut DbConnection,
    mentor_id: MentorId,
    client_id: ClientId,
    started_on: NaiveDate,
    created_by: &str,
    now: NaiveDateTime,
) -> QueryResult<AssignmentRow> {
    diesel::insert_into(mentor_assignments::table)
        .values((
            mentor_assignments::mentor_id.eq(mentor_id),
            mentor_assignments::client_id.eq(client_id),
            mentor_assignments::started_on.eq(started_on),
            mentor_assignments::created_by.eq(created_by),
            mentor_assignments::created_at.eq(now),
        ))
        .returning(mentor_assignments::all_columns)
        .get_result(conn)
        .and_then(|row: AssignmentRow| follow(conn, row.mentor_id).map(|()| row))
}

/// Rewrites the mentor's load runs (`db::derived`) after a change to them or their
/// assignments.
fn follow(conn: &mut DbConnection, mentor_id: MentorId) -> QueryResult<()> {
    super::derived::sync_mentor(conn, mentor_id)?;
    super::completions::sync_mentor(conn, mentor_id)
}

pub fn get_assignment(conn: &mut DbConnection, id: AssignmentId) -> QueryResult<AssignmentRow> {
    mentor_assignments::table
        .find(id)
        .select(AssignmentRow::as_select())
        .first(conn)
}

/// Sets the end of an open assignment; `None` if it already had one (a closed interval is
/// not reopened or moved).
pub fn end_assignment(
    conn: &mut DbConnection,
    id: AssignmentId,
    ended_on: NaiveDate,
    reason: &str,
) -> QueryResult<Option<AssignmentRow>> {
    diesel::update(
        mentor_assignments::table
            .filter(mentor_assignments::id.eq(id))
            .filter(mentor_assignments::ended_on.is_null()),
    )
    .set((
        mentor_assignments::ended_on.eq(ended_on),
        mentor_assignments::end_reason.eq(reason),
    ))
    .returning(mentor_assignments::all_columns)
    .get_result(conn)
    .optional()?
    .map(|row: AssignmentRow| follow(conn, row.mentor_id).map(|()| row))
    .transpose()
}

/// An open assignment of a client with its mentor's employer.
#[derive(Debug, Clone, Queryable)]
pub struct OpenAssignment {
    pub id: AssignmentId,
    pub started_on: NaiveDate,
    pub employer_kind: EmployerKind,
    pub employer_code: String,
}

/// The client's assignments without an end (active or planned), oldest first.
pub fn open_assignments(
    conn: &mut DbConnection,
    client_id: ClientId,
) -> QueryResult<Vec<OpenAssignment>> {
    mentor_assignments::table
        .inner_join(mentors::table)
        .filter(mentor_assignments::client_id.eq(client_id))
        .filter(mentor_assignments::ended_on.is_null())
        .order(mentor_assignments::id)
        .select((
            mentor_assignments::id,
            mentor_assignments::started_on,
            mentors::employer_kind,
            mentors::employer_code,
        ))
        .load(conn)
}

/// An assignment with the client's names.
#[derive(Debug, Clone, Queryable)]
pub struct AssignmentView {
    pub assignment: AssignmentRow,
    pub client_given_name: String,
    pub client_family_name: String,
}

/// Assignments (newest first) with the client's names, for a mentor or a client;
/// `municipality` keeps only that municipality's clients.
pub fn assignments(
    conn: &mut DbConnection,
    mentor_id: Option<MentorId>,
    client_id: Option<ClientId>,
    municipality: Option<&MunicipalityCode>,
    slice: &Slice,
) -> QueryResult<Vec<AssignmentView>> {
    let mut q = mentor_assignments::table
        .inner_join(clients::table)
        .into_boxed::<MultiBackend>();
    if let Some(m) = municipality {
        q = q.filter(clients::municipality.eq(m.clone()));
    }
    if let Some(m) = mentor_id {
        q = q.filter(mentor_assignments::mentor_id.eq(m));
    }
    if let Some(c) = client_id {
        q = q.filter(mentor_assignments::client_id.eq(c));
    }
    if let Some(t) = slice.modified_after {
        let (made, id) = (mentor_assignments::created_at, mentor_assignments::id);
        q = q.filter(made_or_changed_after!(
            made,
            id,
            ChangeType::MentorAssignment,
            t
        ));
    }
    let latest_first = (
        mentor_assignments::started_on.desc(),
        mentor_assignments::id.desc(),
    );
    in_slice!(q, slice, mentor_assignments::id, latest_first)
        .select((
            AssignmentRow::as_select(),
            clients::given_name,
            clients::family_name,
        ))
        .load(conn)
}

impl super::audit::Discloses for AssignmentView {
    fn disclosed(&self) -> Vec<ClientId> {
        vec![self.assignment.client_id]
    }
}
