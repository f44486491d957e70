//! Monthly claims: the facts an open month's claim is computed from (`domain::subsidy`), and
//! the closed claims as they were frozen.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{exists, max};
use diesel::prelude::*;

use super::schema::{
    assessments, claim_lines, claims, municipalities, placements, public_holidays,
    service_deliveries, tariffs,
};
use super::tariffs::TariffFilter;
use super::{DbConnection, MultiBackend, QueryResult};
use crate::domain::assessment::CareLevel;
use crate::domain::codes::{MunicipalityCode, RegionCode};
use crate::domain::ids::{AssessmentId, ClientId, TariffId};
use crate::domain::subsidy::{
    Assessed, Calendar, Line, LivingSituation, Month, MonthFacts, Package, Subsidy,
};
use crate::domain::tariff::TariffKind;

/// The facts of `month`'s claims: of every municipality, or of one.
pub fn month_facts(
    conn: &mut DbConnection,
    municipality: Option<&MunicipalityCode>,
    month: Month,
) -> QueryResult<MonthFacts> {
    Ok(MonthFacts {
        calendar: calendar(conn, month)?,
        packages: packages(conn, month.last())?,
        clients: super::claim_months::of_month(conn, municipality, month)?,
    })
}

fn stored(column: &str) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(format!("an impossible value in {column}").into())
}

/// The month's weekdays and public holidays.
pub fn calendar(conn: &mut DbConnection, month: Month) -> QueryResult<Calendar> {
    let holidays = public_holidays::table
        .filter(public_holidays::day.between(month.first(), month.last()))
        .order(public_holidays::day)
        .select(public_holidays::day)
        .load(conn)?;
    Ok(Calendar { month, holidays })
}

/// The Table 3 monthly packages in force on `day`.
fn packages(conn: &mut DbConnection, day: NaiveDate) -> QueryResult<Vec<Package>> {
    let filter = TariffFilter {
        kind: Some(TariffKind::MonthlyPackage),
        code: None,
        on: Some(day),
    };
    super::tariffs::list(conn, &filter)?
        .into_iter()
        .map(|t| {
            Ok(Package {
                tariff_id: t.id,
                code: t.code,
                care_level: t.care_level.ok_or_else(|| stored("tariffs.care_level"))?,
                living_situation: t
                    .living_situation
                    .ok_or_else(|| stored("tariffs.living_situation"))?,
                cents: t.amount_cents,
            })
        })
        .collect()
}

/// A closed claim.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = claims, check_for_backend(MultiBackend))]
pub struct ClaimRow {
    pub municipality: MunicipalityCode,
    pub month: NaiveDate,
    pub working_days: i32,
    pub total_cents: i64,
    pub closed_by: String,
    pub closed_at: NaiveDateTime,
}

/// A closed claim's line, as frozen.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = claim_lines, check_for_backend(MultiBackend))]
pub struct ClaimLineRow {
    pub municipality: MunicipalityCode,
    pub month: NaiveDate,
    pub client_id: ClientId,
    pub for_month: NaiveDate,
    pub assessment_id: Option<AssessmentId>,
    pub assessed_on: Option<NaiveDate>,
    pub care_level: Option<CareLevel>,
    pub living_situation: Option<LivingSituation>,
    pub tariff_id: Option<TariffId>,
    pub package_cents: i64,
    pub delivered_days: i32,
    pub working_days: i32,
    pub halved: bool,
    pub due_cents: i64,
    pub amount_cents: i64,
}

/// A line as stored in the claim of `month`, paying `amount_cents`.
pub fn line_row(line: &Line, month: Month, amount_cents: i64) -> ClaimLineRow {
    let s = line.subsidy;
    ClaimLineRow {
        municipality: line.municipality.clone(),
        month: month.first(),
        client_id: line.client_id,
        for_month: line.month.first(),
        assessment_id: line.assessment.map(|a| a.id),
        assessed_on: line.assessment.map(|a| a.assessed_on),
        care_level: line.assessment.map(|a| a.care_level),
        living_situation: line.living_situation,
        tariff_id: line.package.as_ref().map(|(id, _)| *id),
        package_cents: s.package_cents,
        delivered_days: s.delivered_days as i32,
        working_days: s.working_days as i32,
        halved: s.halved,
        due_cents: s.due_cents,
        amount_cents,
    }
}

/// A stored line as the line it froze (its package's code read back from the tariff).
pub fn stored_lines(
    conn: &mut DbConnection,
    rows: Vec<ClaimLineRow>,
) -> QueryResult<Vec<(Line, i64)>> {
    let ids: Vec<TariffId> = rows.iter().filter_map(|r| r.tariff_id).collect();
    let codes: BTreeMap<TariffId, String> = tariffs::table
        .filter(tariffs::id.eq_any(ids))
        .select((tariffs::id, tariffs::code))
        .load::<(TariffId, String)>(conn)?
        .into_iter()
        .collect();
    rows.into_iter()
        .map(|r| {
            let assessment = match (r.assessment_id, r.assessed_on, r.care_level) {
                (Some(id), Some(assessed_on), Some(care_level)) => Some(Assessed {
                    id,
                    assessed_on,
                    care_level,
                }),
                (None, None, None) => None,
                _ => return Err(stored("claim_lines.assessment_id")),
            };
            let package = match r.tariff_id {
                Some(id) => Some((
                    id,
                    codes
                        .get(&id)
                        .cloned()
                        .ok_or_else(|| stored("claim_lines.tariff_id"))?,
                )),
                None => None,
            };
            let count = |n: i32| u32::try_from(n).map_err(|_| stored("claim_lines days"));
            let line = Line {
                municipality: r.municipality,
                client_id: r.client_id,
                month: Month::of(r.for_month),
                assessment,
                living_situation: r.living_situation,
                package,
                subsidy: Subsidy {
                    package_cents: r.package_cents,
                    delivered_days: count(r.delivered_days)?,
                    working_days: count(r.working_days)?,
                    halved: r.halved,
                    due_cents: r.due_cents,
                },
            };
            Ok((line, r.amount_cents))
        })
        .collect()
}

/// The closed claim of `municipality` for `month`, if closed.
pub fn closed(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
    month: Month,
) -> QueryResult<Option<ClaimRow>> {
    claims::table
        .filter(claims::municipality.eq(municipality.clone()))
        .filter(claims::month.eq(month.first()))
        .select(ClaimRow::as_select())
        .first(conn)
        .optional()
}

/// The closed claims of `month` (of one municipality, or of all).
pub fn closed_in(
    conn: &mut DbConnection,
    month: Month,
    municipalities: Option<&[MunicipalityCode]>,
) -> QueryResult<Vec<ClaimRow>> {
    let mut q = claims::table
        .filter(claims::month.eq(month.first()))
        .into_boxed::<MultiBackend>();
    if let Some(codes) = municipalities {
        q = q.filter(claims::municipality.eq_any(codes.to_vec()));
    }
    q.order(claims::municipality)
        .select(ClaimRow::as_select())
        .load(conn)
}

/// The lines of a closed claim: the month's own lines, then the adjustments by month.
pub fn closed_lines(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
    month: Month,
) -> QueryResult<Vec<ClaimLineRow>> {
    claim_lines::table
        .filter(claim_lines::municipality.eq(municipality.clone()))
        .filter(claim_lines::month.eq(month.first()))
        .order((claim_lines::for_month.desc(), claim_lines::client_id))
        .select(ClaimLineRow::as_select())
        .load(conn)
}

/// The last month `municipality` closed a claim for.
pub fn last_closed(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
) -> QueryResult<Option<Month>> {
    let month: Option<NaiveDate> = claims::table
        .filter(claims::municipality.eq(municipality.clone()))
        .select(max(claims::month))
        .first(conn)?;
    Ok(month.map(Month::of))
}

/// Each municipality's last closed month (of those that closed any).
pub fn last_closed_all(conn: &mut DbConnection) -> QueryResult<BTreeMap<MunicipalityCode, Month>> {
    let rows: Vec<(MunicipalityCode, Option<NaiveDate>)> = claims::table
        .group_by(claims::municipality)
        .select((claims::municipality, max(claims::month)))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(code, month)| Some((code, Month::of(month?))))
        .collect())
}

/// The closed claims of `municipality`, oldest first.
pub fn closed_months(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
) -> QueryResult<Vec<ClaimRow>> {
    claims::table
        .filter(claims::municipality.eq(municipality.clone()))
        .order(claims::month)
        .select(ClaimRow::as_select())
        .load(conn)
}

/// What `municipality`'s closed claims paid for `for_month`, per client (the month's own lines
/// and the adjustments since).
pub fn claimed_for(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
    for_month: Month,
) -> QueryResult<BTreeMap<ClientId, i64>> {
    let rows: Vec<(ClientId, i64)> = claim_lines::table
        .filter(claim_lines::municipality.eq(municipality.clone()))
        .filter(claim_lines::for_month.eq(for_month.first()))
        .select((claim_lines::client_id, claim_lines::amount_cents))
        .load(conn)?;
    let mut paid: BTreeMap<ClientId, i64> = BTreeMap::new();
    for (client, amount) in rows {
        *paid.entry(client).or_default() += amount;
    }
    Ok(paid)
}

/// Whether anything a claim of `month` is computed from was recorded after `since`: a
/// delivery in the month, an assessment dated on or before its end, a placement started by
/// then or ended by then. (A claim closed at `since` may then differ from the month computed
/// now.)
pub fn changed_since(
    conn: &mut DbConnection,
    month: Month,
    since: NaiveDateTime,
) -> QueryResult<bool> {
    let last = month.last();
    let deliveries: bool = diesel::select(exists(
        service_deliveries::table
            .filter(service_deliveries::month.eq(month.first()))
            .filter(service_deliveries::created_at.gt(since)),
    ))
    .get_result(conn)?;
    if deliveries {
        return Ok(true);
    }
    let assessed: bool = diesel::select(exists(
        assessments::table
            .filter(assessments::created_at.gt(since))
            .filter(assessments::assessed_on.le(last)),
    ))
    .get_result(conn)?;
    if assessed {
        return Ok(true);
    }
    diesel::select(exists(
        placements::table.filter(
            placements::created_at
                .gt(since)
                .and(placements::started_on.le(last))
                .or(placements::ended_at
                    .assume_not_null()
                    .gt(since)
                    .and(placements::ended_on.assume_not_null().le(last))),
        ),
    ))
    .get_result(conn)
}

/// Takes `municipality`'s row lock, so that its claims close one at a time (a no-op update on
/// PostgreSQL; SQLite's write transaction is already exclusive).
pub fn lock(conn: &mut DbConnection, municipality: &MunicipalityCode) -> QueryResult<()> {
    diesel::update(municipalities::table.find(municipality.clone()))
        .set(municipalities::code.eq(municipality.clone()))
        .execute(conn)
        .map(drop)
}

/// Stores a closed claim with its lines.
pub fn close(conn: &mut DbConnection, claim: &ClaimRow, lines: &[ClaimLineRow]) -> QueryResult<()> {
    diesel::insert_into(claims::table)
        .values(claim)
        .execute(conn)?;
    for chunk in lines.chunks(1000) {
        match conn {
            DbConnection::Postgres(c) => {
                diesel::insert_into(claim_lines::table)
                    .values(chunk)
                    .execute(c)?;
            }
            DbConnection::Sqlite(c) => {
                for line in chunk {
                    diesel::insert_into(claim_lines::table)
                        .values(line)
                        .execute(c)?;
                }
            }
        }
    }
    Ok(())
}

/// The municipalities that existed on some day of `month` (of one planning region, or of
/// all), with their region.
pub fn municipalities_in(
    conn: &mut DbConnection,
    month: Month,
    region: Option<&RegionCode>,
) -> QueryResult<Vec<(MunicipalityCode, RegionCode)>> {
    let mut q = municipalities::table
        .filter(municipalities::valid_from.le(month.last()))
        .filter(
            municipalities::valid_to
                .is_null()
                .or(municipalities::valid_to.ge(month.first())),
        )
        .into_boxed::<MultiBackend>();
    if let Some(code) = region {
        q = q.filter(municipalities::planning_region.eq(code.clone()));
    }
    q.order(municipalities::code)
        .select((municipalities::code, municipalities::planning_region))
        .load(conn)
}

/// The planning region of `municipality`.
pub fn region_of(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
) -> QueryResult<RegionCode> {
    municipalities::table
        .find(municipality.clone())
        .select(municipalities::planning_region)
        .first(conn)
}
