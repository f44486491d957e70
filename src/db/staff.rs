//! Staff beyond mentors and their trainings (issue 18, point 5).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, sum};
use diesel::prelude::*;

use super::schema::{staff, staff_trainings};
use super::{DbConnection, Listed, MultiBackend, QueryResult};
use crate::domain::access::StaffReach;
use crate::domain::codes::*;
use crate::domain::disclosure::random_record_key;
use crate::domain::ids::*;
use crate::domain::staff::{Qualifications, StaffEmployerKind};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = staff, check_for_backend(MultiBackend))]
pub struct StaffRow {
    pub id: StaffId,
    pub given_name: String,
    pub family_name: String,
    pub role: SpecialistRoleCode,
    pub employer_kind: StaffEmployerKind,
    pub employer_code: String,
    pub municipality: Option<MunicipalityCode>,
    pub region: RegionCode,
    pub higher_education_in_field: bool,
    pub target_group_experience_years: i32,
    pub instrument_certificate: bool,
    pub employed_from: NaiveDate,
    pub employed_until: Option<NaiveDate>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl StaffRow {
    pub fn qualifications(&self) -> Qualifications {
        Qualifications {
            higher_education_in_field: self.higher_education_in_field,
            target_group_experience_years: self.target_group_experience_years,
            instrument_certificate: self.instrument_certificate,
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = staff)]
pub struct NewStaff {
    pub given_name: String,
    pub family_name: String,
    pub role: SpecialistRoleCode,
    pub employer_kind: StaffEmployerKind,
    pub employer_code: String,
    pub municipality: Option<MunicipalityCode>,
    pub region: RegionCode,
    pub higher_education_in_field: bool,
    pub target_group_experience_years: i32,
    pub instrument_certificate: bool,
    pub employed_from: NaiveDate,
    pub employed_until: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = staff_trainings, check_for_backend(MultiBackend))]
pub struct StaffTrainingRow {
    pub id: StaffTrainingId,
    pub staff_id: StaffId,
    pub programme: ProgrammeCode,
    pub hours: i32,
    pub completed_on: NaiveDate,
    pub created_at: NaiveDateTime,
}

/// A staff member with their trainings, in completion order.
#[derive(Debug, Clone)]
pub struct StaffEntry {
    pub row: StaffRow,
    pub trainings: Vec<StaffTrainingRow>,
}

/// Staff employed on `day`.
macro_rules! employed_on {
    ($day:expr) => {
        staff::employed_from.le($day).and(
            staff::employed_until
                .is_null()
                .or(staff::employed_until.ge($day)),
        )
    };
}

fn visible(reach: &StaffReach) -> staff::BoxedQuery<'static, MultiBackend> {
    let q = staff::table.into_boxed::<MultiBackend>();
    let employed_by = |kind: StaffEmployerKind, code: String| {
        staff::employer_kind
            .eq(kind)
            .and(staff::employer_code.eq(code))
    };
    match reach {
        StaffReach::Provider(id) => {
            q.filter(employed_by(StaffEmployerKind::Provider, id.to_string()))
        }
        StaffReach::Municipality(code) => q.filter(employed_by(
            StaffEmployerKind::Municipality,
            code.to_string(),
        )),
        StaffReach::Region(region) => q.filter(staff::region.eq(region.clone())),
        StaffReach::All => q,
    }
}

pub fn insert(conn: &mut DbConnection, new: &NewStaff) -> QueryResult<StaffId> {
    diesel::insert_into(staff::table)
        .values((new, staff::record_key.eq(random_record_key())))
        .returning(staff::id)
        .get_result(conn)
}

pub fn get(conn: &mut DbConnection, reach: &StaffReach, id: StaffId) -> QueryResult<StaffEntry> {
    let row = visible(reach)
        .filter(staff::id.eq(id))
        .select(StaffRow::as_select())
        .first(conn)?;
    entries(conn, vec![row])?
        .pop()
        .ok_or(diesel::result::Error::NotFound)
}

/// What a list of staff is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct StaffFilter {
    pub role: Option<SpecialistRoleCode>,
    pub employer_kind: Option<StaffEmployerKind>,
    /// Only those employed on this day.
    pub employed_on: Option<NaiveDate>,
}

fn filtered(reach: &StaffReach, filter: &StaffFilter) -> staff::BoxedQuery<'static, MultiBackend> {
    let mut q = visible(reach);
    if let Some(role) = &filter.role {
        q = q.filter(staff::role.eq(role.clone()));
    }
    if let Some(kind) = filter.employer_kind {
        q = q.filter(staff::employer_kind.eq(kind));
    }
    if let Some(day) = filter.employed_on {
        q = q.filter(employed_on!(day));
    }
    q
}

pub fn list(
    conn: &mut DbConnection,
    reach: &StaffReach,
    filter: &StaffFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<Listed<StaffEntry>> {
    let total = filtered(reach, filter).count().get_result(conn)?;
    let rows = filtered(reach, filter)
        .select(StaffRow::as_select())
        .order((staff::family_name, staff::given_name, staff::id))
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok(Listed {
        rows: entries(conn, rows)?,
        total,
    })
}

/// Records the last day of employment (the next version of the record).
pub fn end_employment(
    conn: &mut DbConnection,
    id: StaffId,
    version: i32,
    until: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed =
        diesel::update(staff::table.filter(staff::id.eq(id).and(staff::version.eq(version))))
            .set((
                staff::employed_until.eq(until),
                staff::version.eq(version + 1),
                staff::updated_at.eq(now),
            ))
            .execute(conn)?;
    if changed == 1 {
        super::completions::sync_staff(conn, id)?;
    }
    Ok(changed == 1)
}

fn entries(conn: &mut DbConnection, rows: Vec<StaffRow>) -> QueryResult<Vec<StaffEntry>> {
    let ids: Vec<StaffId> = rows.iter().map(|r| r.id).collect();
    let mut by_staff: BTreeMap<StaffId, Vec<StaffTrainingRow>> = BTreeMap::new();
    for t in staff_trainings::table
        .filter(staff_trainings::staff_id.eq_any(&ids))
        .order((
            staff_trainings::staff_id,
            staff_trainings::completed_on,
            staff_trainings::id,
        ))
        .select(StaffTrainingRow::as_select())
        .load::<StaffTrainingRow>(conn)?
    {
        by_staff.entry(t.staff_id).or_default().push(t);
    }
    Ok(rows
        .into_iter()
        .map(|row| StaffEntry {
            trainings: by_staff.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

pub fn insert_training(
    conn: &mut DbConnection,
    staff_id: StaffId,
    programme: &ProgrammeCode,
    hours: i32,
    completed_on: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<StaffTrainingRow> {
    diesel::insert_into(staff_trainings::table)
        .values((
            staff_trainings::staff_id.eq(staff_id),
            staff_trainings::programme.eq(programme),
            staff_trainings::hours.eq(hours),
            staff_trainings::completed_on.eq(completed_on),
            staff_trainings::created_at.eq(now),
        ))
        .returning(staff_trainings::all_columns)
        .get_result(conn)
        .and_then(|row: StaffTrainingRow| {
            super::completions::sync_staff(conn, staff_id).map(|()| row)
        })
}

/// Staff employed on a day, counted by employer's place and role.
#[derive(Debug, Clone)]
pub struct StaffFact {
    pub region: RegionCode,
    pub municipality: Option<MunicipalityCode>,
    pub role: SpecialistRoleCode,
    pub staff: i64,
    pub key_sum: i64,
}

type Counted = (i64, Option<i64>);

pub fn employed_on(conn: &mut DbConnection, day: NaiveDate) -> QueryResult<Vec<StaffFact>> {
    let rows: Vec<(
        RegionCode,
        Option<MunicipalityCode>,
        SpecialistRoleCode,
        Counted,
    )> = staff::table
        .filter(employed_on!(day))
        .group_by((staff::region, staff::municipality, staff::role))
        .select((
            staff::region,
            staff::municipality,
            staff::role,
            (count_star(), sum(staff::record_key)),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(region, municipality, role, (staff, key_sum))| StaffFact {
            region,
            municipality,
            role,
            staff,
            key_sum: key_sum.unwrap_or_default(),
        })
        .collect())
}

/// Persons trained in a programme by a day, by where they work: staff employed that day and
/// mentors registered by then (mentors are staff too) who completed the programme by then
/// (TRAINED-PROGRAMME: its minimum hours reached; `db::completions` keeps the day).
#[derive(Debug, Clone)]
pub struct TrainedFact {
    pub region: RegionCode,
    pub municipality: Option<MunicipalityCode>,
    pub programme: ProgrammeCode,
    pub count: i64,
    pub key_sum: i64,
}

pub fn trained_on(conn: &mut DbConnection, day: NaiveDate) -> QueryResult<Vec<TrainedFact>> {
    use super::schema::programme_completions as c;
    let rows: Vec<(RegionCode, Option<MunicipalityCode>, ProgrammeCode, Counted)> = c::table
        .filter(c::completed_on.le(day))
        .filter(c::employed_from.le(day))
        .filter(c::employed_until.is_null().or(c::employed_until.ge(day)))
        .group_by((c::region, c::municipality, c::programme))
        .select((
            c::region,
            c::municipality,
            c::programme,
            (count_star(), sum(c::record_key)),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(region, municipality, programme, (count, key_sum))| TrainedFact {
                region,
                municipality,
                programme,
                count,
                key_sum: key_sum.unwrap_or_default(),
            },
        )
        .collect())
}
