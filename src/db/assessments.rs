//! Assessments (append-only) and the instruments that derive care levels.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::changes::made_or_changed_after;
use super::schema::{
    assessment_instrument_domains, assessment_instrument_levels, assessment_instruments,
    assessment_service_types, assessment_team_members, assessments, clients,
};
use super::{DbConnection, Listed, MultiBackend, QueryResult, Slice, in_slice};
use crate::domain::access::ClientAccess;
use crate::domain::assessment::{
    CareLevel, CurrentAssessment, Instrument, NewTeamMember, OrganisationType,
};
use crate::domain::change::ChangeType;
use crate::domain::codes::*;
use crate::domain::ids::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = assessment_instruments, check_for_backend(MultiBackend))]
pub struct InstrumentRow {
    pub code: String,
    pub version: i32,
    pub name_lv: String,
    pub name_en: String,
    pub description_en: String,
    pub quality_of_life_min: i32,
    pub quality_of_life_max: i32,
    pub floor_score: Option<i32>,
    pub floor_level: Option<CareLevel>,
    pub is_default: bool,
    pub published_on: NaiveDate,
}

/// An instrument row with its rules assembled for the domain.
#[derive(Debug, Clone)]
pub struct InstrumentEntry {
    pub row: InstrumentRow,
    pub instrument: Instrument,
}

fn assemble(
    conn: &mut DbConnection,
    rows: Vec<InstrumentRow>,
) -> QueryResult<Vec<InstrumentEntry>> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let domains: BTreeMap<String, (i32, i32)> = assessment_instrument_domains::table
            .filter(assessment_instrument_domains::instrument_code.eq(&row.code))
            .filter(assessment_instrument_domains::instrument_version.eq(row.version))
            .select((
                assessment_instrument_domains::domain,
                assessment_instrument_domains::min_score,
                assessment_instrument_domains::max_score,
            ))
            .load::<(String, i32, i32)>(conn)?
            .into_iter()
            .map(|(d, min, max)| (d, (min, max)))
            .collect();
        let thresholds: Vec<(CareLevel, i32)> = assessment_instrument_levels::table
            .filter(assessment_instrument_levels::instrument_code.eq(&row.code))
            .filter(assessment_instrument_levels::instrument_version.eq(row.version))
            .order(assessment_instrument_levels::min_total.asc())
            .select((
                assessment_instrument_levels::care_level,
                assessment_instrument_levels::min_total,
            ))
            .load(conn)?;
        out.push(InstrumentEntry {
            instrument: Instrument {
                code: row.code.clone(),
                version: row.version,
                domains,
                quality_of_life: (row.quality_of_life_min, row.quality_of_life_max),
                thresholds,
                domain_floor: row.floor_score.zip(row.floor_level),
            },
            row,
        });
    }
    Ok(out)
}

pub fn list_instruments(conn: &mut DbConnection) -> QueryResult<Vec<InstrumentEntry>> {
    let rows = assessment_instruments::table
        .order((
            assessment_instruments::code,
            assessment_instruments::version,
        ))
        .select(InstrumentRow::as_select())
        .load(conn)?;
    assemble(conn, rows)
}

/// The instrument named, or the default one.
pub fn instrument(
    conn: &mut DbConnection,
    code_version: Option<(&str, i32)>,
) -> QueryResult<InstrumentEntry> {
    let mut query = assessment_instruments::table
        .select(InstrumentRow::as_select())
        .into_boxed::<MultiBackend>();
    query = match code_version {
        Some((code, version)) => query
            .filter(assessment_instruments::code.eq(code.to_string()))
            .filter(assessment_instruments::version.eq(version)),
        None => query.filter(assessment_instruments::is_default.eq(true)),
    };
    let row = query.first(conn)?;
    assemble(conn, vec![row])?
        .pop()
        .ok_or(diesel::result::Error::NotFound)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = assessments, check_for_backend(MultiBackend))]
pub struct AssessmentRow {
    pub id: AssessmentId,
    pub client_id: ClientId,
    pub assessed_on: NaiveDate,
    pub organisation_type: OrganisationType,
    pub health_score: i32,
    pub self_care_score: i32,
    pub communication_score: i32,
    pub quality_of_life_score: i32,
    pub instrument_code: String,
    pub instrument_version: i32,
    pub total_score: i32,
    pub level_by_total: CareLevel,
    pub raised_by_domain: Option<CareLevel>,
    pub care_level: CareLevel,
    pub notes: Option<String>,
    pub next_reassessment_due: NaiveDate,
    pub supersedes_id: Option<AssessmentId>,
    pub superseded_by_id: Option<AssessmentId>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// A record to insert: the database assigns the id.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = assessments)]
pub struct NewAssessmentRow {
    pub client_id: ClientId,
    pub assessed_on: NaiveDate,
    pub organisation_type: OrganisationType,
    pub health_score: i32,
    pub self_care_score: i32,
    pub communication_score: i32,
    pub quality_of_life_score: i32,
    pub instrument_code: String,
    pub instrument_version: i32,
    pub total_score: i32,
    pub level_by_total: CareLevel,
    pub raised_by_domain: Option<CareLevel>,
    pub care_level: CareLevel,
    pub notes: Option<String>,
    pub next_reassessment_due: NaiveDate,
    pub supersedes_id: Option<AssessmentId>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct TeamMemberRow {
    pub role: SpecialistRoleCode,
    pub name: Option<String>,
    pub lead: bool,
}

#[derive(Debug, Clone)]
pub struct AssessmentEntry {
    pub row: AssessmentRow,
    pub team: Vec<TeamMemberRow>,
    pub needed_service_types: Vec<ServiceTypeCode>,
}

/// The client's current assessment (not superseded), if any, with the date of the assessment
/// it followed.
pub fn current(
    conn: &mut DbConnection,
    client_id: ClientId,
) -> QueryResult<Option<CurrentAssessment>> {
    let current: Option<(AssessmentId, NaiveDate, Option<AssessmentId>)> = assessments::table
        .filter(assessments::client_id.eq(client_id))
        .filter(assessments::superseded_by_id.is_null())
        .select((
            assessments::id,
            assessments::assessed_on,
            assessments::supersedes_id,
        ))
        .first(conn)
        .optional()?;
    let Some((id, assessed_on, supersedes_id)) = current else {
        return Ok(None);
    };
    let follows_on = match supersedes_id {
        Some(before) => Some(
            assessments::table
                .find(before)
                .select(assessments::assessed_on)
                .first(conn)?,
        ),
        None => None,
    };
    Ok(Some(CurrentAssessment {
        id,
        assessed_on,
        follows_on,
    }))
}

/// Appends an assessment; the one it supersedes (`row.supersedes_id`) is marked superseded
/// by it.
pub fn insert(
    conn: &mut DbConnection,
    row: &NewAssessmentRow,
    team: &[NewTeamMember],
    service_types: &[ServiceTypeCode],
) -> QueryResult<AssessmentRow> {
    let inserted: AssessmentRow = diesel::insert_into(assessments::table)
        .values(row)
        .returning(assessments::all_columns)
        .get_result(conn)?;
    if let Some(previous) = row.supersedes_id {
        diesel::update(assessments::table.find(previous))
            .set(assessments::superseded_by_id.eq(inserted.id))
            .execute(conn)?;
    }
    for (position, member) in (0_i32..).zip(team) {
        diesel::insert_into(assessment_team_members::table)
            .values((
                assessment_team_members::assessment_id.eq(inserted.id),
                assessment_team_members::position.eq(position),
                assessment_team_members::role.eq(&member.role),
                assessment_team_members::name.eq(&member.name),
                assessment_team_members::lead.eq(member.lead),
            ))
            .execute(conn)?;
    }
    for service_type in service_types {
        diesel::insert_into(assessment_service_types::table)
            .values((
                assessment_service_types::assessment_id.eq(inserted.id),
                assessment_service_types::service_type.eq(service_type),
            ))
            .execute(conn)?;
    }
    super::derived::sync_client(conn, inserted.client_id)?;
    Ok(inserted)
}

fn entries(conn: &mut DbConnection, rows: Vec<AssessmentRow>) -> QueryResult<Vec<AssessmentEntry>> {
    let ids: Vec<AssessmentId> = rows.iter().map(|r| r.id).collect();
    let mut teams: BTreeMap<AssessmentId, Vec<TeamMemberRow>> = BTreeMap::new();
    for (id, role, name, lead) in assessment_team_members::table
        .filter(assessment_team_members::assessment_id.eq_any(&ids))
        .order((
            assessment_team_members::assessment_id,
            assessment_team_members::position,
        ))
        .select((
            assessment_team_members::assessment_id,
            assessment_team_members::role,
            assessment_team_members::name,
            assessment_team_members::lead,
        ))
        .load::<(AssessmentId, SpecialistRoleCode, Option<String>, bool)>(conn)?
    {
        teams
            .entry(id)
            .or_default()
            .push(TeamMemberRow { role, name, lead });
    }
    let mut types: BTreeMap<AssessmentId, Vec<ServiceTypeCode>> = BTreeMap::new();
    for (id, t) in assessment_service_types::table
        .filter(assessment_service_types::assessment_id.eq_any(&ids))
        .order((
            assessment_service_types::assessment_id,
            assessment_service_types::service_type,
        ))
        .select((
            assessment_service_types::assessment_id,
            assessment_service_types::service_type,
        ))
        .load::<(AssessmentId, ServiceTypeCode)>(conn)?
    {
        types.entry(id).or_default().push(t);
    }
    Ok(rows
        .into_iter()
        .map(|row| AssessmentEntry {
            team: teams.remove(&row.id).unwrap_or_default(),
            needed_service_types: types.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

pub fn get(
    conn: &mut DbConnection,
    client_id: ClientId,
    id: AssessmentId,
) -> QueryResult<AssessmentEntry> {
    let row = assessments::table
        .filter(assessments::id.eq(id))
        .filter(assessments::client_id.eq(client_id))
        .select(AssessmentRow::as_select())
        .first(conn)?;
    entries(conn, vec![row])?
        .pop()
        .ok_or(diesel::result::Error::NotFound)
}

/// The client's assessments, newest first.
/// The client's assessments in `slice` (modified: created, or superseded, after its
/// instant), latest first.
pub fn list_for_client(
    conn: &mut DbConnection,
    client_id: ClientId,
    slice: &Slice,
) -> QueryResult<Vec<AssessmentEntry>> {
    let mut q = assessments::table
        .filter(assessments::client_id.eq(client_id))
        .into_boxed::<MultiBackend>();
    if let Some(t) = slice.modified_after {
        let (made, id) = (assessments::created_at, assessments::id);
        q = q.filter(made_or_changed_after!(made, id, ChangeType::Assessment, t));
    }
    let latest_first = (assessments::assessed_on.desc(), assessments::id.desc());
    let rows = in_slice!(q, slice, assessments::id, latest_first)
        .select(AssessmentRow::as_select())
        .load(conn)?;
    entries(conn, rows)
}

/// A due assessment with the client's given and family name.
pub type DueRow = (AssessmentRow, String, String);

/// Current assessments of visible clients whose reassessment is due on or before `before`,
/// modified (made, or named by the change feed) after the slice's instant, earliest first,
/// with the client's names; a streamed batch (`slice.batch`) in id order, without a total.
pub fn due(
    conn: &mut DbConnection,
    access: &ClientAccess,
    before: NaiveDate,
    slice: &Slice,
    (limit, offset): (i64, i64),
) -> QueryResult<Listed<DueRow>> {
    let filtered = || {
        let mut q = assessments::table
            .inner_join(clients::table)
            .filter(assessments::superseded_by_id.is_null())
            .filter(assessments::next_reassessment_due.le(before))
            .into_boxed::<MultiBackend>();
        if let ClientAccess::Municipality(code) = access {
            q = q.filter(clients::municipality.eq(code.clone()));
        }
        if let Some(t) = slice.modified_after {
            let (made, id) = (assessments::created_at, assessments::id);
            q = q.filter(made_or_changed_after!(made, id, ChangeType::Assessment, t));
        }
        q
    };
    let earliest_first = (
        assessments::next_reassessment_due.asc(),
        assessments::id.asc(),
    );
    let (total, rows) = match slice.batch {
        Some(_) => (
            0,
            in_slice!(filtered(), slice, assessments::id, earliest_first),
        ),
        None => (
            filtered().count().get_result(conn)?,
            filtered().order(earliest_first).limit(limit).offset(offset),
        ),
    };
    let rows = rows
        .select((
            AssessmentRow::as_select(),
            clients::given_name,
            clients::family_name,
        ))
        .load(conn)?;
    Ok(Listed { rows, total })
}

impl super::audit::Discloses for DueRow {
    fn disclosed(&self) -> Vec<ClientId> {
        vec![self.0.client_id]
    }
}

/// The care level of the client's current assessment, if any.
pub fn current_care_level(
    conn: &mut DbConnection,
    client_id: ClientId,
) -> QueryResult<Option<crate::domain::assessment::CareLevel>> {
    assessments::table
        .filter(assessments::client_id.eq(client_id))
        .filter(assessments::superseded_by_id.is_null())
        .select(assessments::care_level)
        .first(conn)
        .optional()
}

/// The care level of one assessment.
pub fn care_level(conn: &mut DbConnection, id: AssessmentId) -> QueryResult<CareLevel> {
    assessments::table
        .find(id)
        .select(assessments::care_level)
        .first(conn)
}
