//! Tariffs and their versions.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::tariffs;
use super::{DbConnection, MultiBackend, QueryResult};
use crate::domain::assessment::CareLevel;
use crate::domain::ids::TariffId;
use crate::domain::subsidy::LivingSituation;
use crate::domain::tariff::{TariffKind, TariffUnit};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tariffs, check_for_backend(MultiBackend))]
pub struct TariffRow {
    pub id: TariffId,
    pub code: String,
    pub version: i32,
    pub kind: TariffKind,
    pub care_level: Option<CareLevel>,
    pub living_situation: Option<LivingSituation>,
    pub service_type: Option<String>,
    pub unit: TariffUnit,
    pub amount_cents: i64,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub label_lv: String,
    pub label_en: String,
    pub source: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// A new version of a tariff: the latest version's facts with a new amount and validity.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = tariffs)]
pub struct NewTariff {
    pub code: String,
    pub version: i32,
    pub kind: TariffKind,
    pub care_level: Option<CareLevel>,
    pub living_situation: Option<LivingSituation>,
    pub service_type: Option<String>,
    pub unit: TariffUnit,
    pub amount_cents: i64,
    pub valid_from: Option<NaiveDate>,
    pub label_lv: String,
    pub label_en: String,
    pub source: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// Which versions a list holds.
#[derive(Debug, Clone, Default)]
pub struct TariffFilter {
    pub kind: Option<TariffKind>,
    pub code: Option<String>,
    /// Only the version in force on this day.
    pub on: Option<NaiveDate>,
}

/// The versions matching `filter`, by code, then version.
pub fn list(conn: &mut DbConnection, filter: &TariffFilter) -> QueryResult<Vec<TariffRow>> {
    let mut q = tariffs::table.into_boxed::<MultiBackend>();
    if let Some(kind) = filter.kind {
        q = q.filter(tariffs::kind.eq(kind));
    }
    if let Some(code) = &filter.code {
        q = q.filter(tariffs::code.eq(code.clone()));
    }
    if let Some(day) = filter.on {
        q = q
            .filter(
                tariffs::valid_from
                    .is_null()
                    .or(tariffs::valid_from.le(day)),
            )
            .filter(tariffs::valid_to.is_null().or(tariffs::valid_to.ge(day)));
    }
    q.order((tariffs::code, tariffs::version))
        .select(TariffRow::as_select())
        .load(conn)
}

pub fn get(conn: &mut DbConnection, id: TariffId) -> QueryResult<TariffRow> {
    tariffs::table
        .find(id)
        .select(TariffRow::as_select())
        .first(conn)
}

/// The latest version of `code`, locked for a new version to follow it.
pub fn latest(conn: &mut DbConnection, code: &str) -> QueryResult<TariffRow> {
    let row: TariffRow = tariffs::table
        .filter(tariffs::code.eq(code))
        .order(tariffs::version.desc())
        .select(TariffRow::as_select())
        .first(conn)?;
    // Serialises concurrent new versions of one code (a no-op update takes the row lock on
    // PostgreSQL; SQLite's write transaction is already exclusive).
    diesel::update(tariffs::table.find(row.id))
        .set(tariffs::version.eq(row.version))
        .execute(conn)?;
    Ok(row)
}

/// Ends version `id` on `valid_to` and appends `next`.
pub fn follow(
    conn: &mut DbConnection,
    id: TariffId,
    valid_to: NaiveDate,
    next: &NewTariff,
) -> QueryResult<TariffRow> {
    diesel::update(tariffs::table.find(id))
        .set(tariffs::valid_to.eq(valid_to))
        .execute(conn)?;
    diesel::insert_into(tariffs::table)
        .values(next)
        .returning(<TariffRow as Selectable<MultiBackend>>::construct_selection())
        .get_result(conn)
}
