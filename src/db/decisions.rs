//! Service decisions and the legal bases they may name.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{legal_bases, service_decisions};
use super::{DbConnection, MultiBackend, QueryResult, Slice, in_slice};
use crate::domain::codes::*;
use crate::domain::decision::{AppealOutcome, DecisionFacts, DecisionMaker, DecisionOutcome};
use crate::domain::ids::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = service_decisions, check_for_backend(MultiBackend))]
pub struct DecisionRow {
    pub id: DecisionId,
    pub client_id: ClientId,
    pub municipality: MunicipalityCode,
    pub service_type: ServiceTypeCode,
    pub service_id: Option<ServiceId>,
    pub outcome: DecisionOutcome,
    pub legal_basis: String,
    pub legal_basis_code: Option<String>,
    pub decided_by: DecisionMaker,
    pub decided_on: NaiveDate,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub appeal_deadline: NaiveDate,
    pub prior_work_summary: Option<String>,
    pub appealed_on: Option<NaiveDate>,
    pub appeal_outcome: Option<AppealOutcome>,
    pub appeal_decided_on: Option<NaiveDate>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl DecisionRow {
    pub fn facts(&self) -> DecisionFacts {
        DecisionFacts {
            id: self.id,
            outcome: self.outcome,
            service_type: self.service_type.clone(),
            service_id: self.service_id,
            decided_on: self.decided_on,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            appeal_outcome: self.appeal_outcome,
        }
    }
}

/// A decision to insert: the database assigns the id; no appeal yet.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = service_decisions)]
pub struct NewDecision {
    pub client_id: ClientId,
    pub municipality: MunicipalityCode,
    pub service_type: ServiceTypeCode,
    pub service_id: Option<ServiceId>,
    pub outcome: DecisionOutcome,
    pub legal_basis: String,
    pub legal_basis_code: Option<String>,
    pub decided_by: DecisionMaker,
    pub decided_on: NaiveDate,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub appeal_deadline: NaiveDate,
    pub prior_work_summary: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An appeal's record on its decision.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = service_decisions, treat_none_as_null = true)]
pub struct AppealChanges {
    pub appealed_on: Option<NaiveDate>,
    pub appeal_outcome: Option<AppealOutcome>,
    pub appeal_decided_on: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &NewDecision) -> QueryResult<DecisionRow> {
    diesel::insert_into(service_decisions::table)
        .values(row)
        .returning(<DecisionRow as Selectable<MultiBackend>>::construct_selection())
        .get_result(conn)
}

/// One decision of the client.
pub fn get(
    conn: &mut DbConnection,
    client_id: ClientId,
    id: DecisionId,
) -> QueryResult<DecisionRow> {
    service_decisions::table
        .filter(service_decisions::id.eq(id))
        .filter(service_decisions::client_id.eq(client_id))
        .select(DecisionRow::as_select())
        .first(conn)
}

/// The client's decisions, latest decided first (or a streamed batch in id order).
pub fn list_for_client(
    conn: &mut DbConnection,
    client_id: ClientId,
    slice: &Slice,
) -> QueryResult<Vec<DecisionRow>> {
    let mut q = service_decisions::table
        .filter(service_decisions::client_id.eq(client_id))
        .into_boxed::<MultiBackend>();
    if let Some(t) = slice.modified_after {
        q = q.filter(service_decisions::updated_at.gt(t));
    }
    let latest_first = (
        service_decisions::decided_on.desc(),
        service_decisions::id.desc(),
    );
    in_slice!(q, slice, service_decisions::id, latest_first)
        .select(DecisionRow::as_select())
        .load(conn)
}

/// What the coverage rule needs of the client's decisions of one service type.
pub fn facts(
    conn: &mut DbConnection,
    client_id: ClientId,
    service_type: &ServiceTypeCode,
) -> QueryResult<Vec<DecisionFacts>> {
    Ok(service_decisions::table
        .filter(service_decisions::client_id.eq(client_id))
        .filter(service_decisions::service_type.eq(service_type))
        .select(DecisionRow::as_select())
        .load(conn)?
        .iter()
        .map(DecisionRow::facts)
        .collect())
}

/// Records the appeal on one decision of the client.
pub fn set_appeal(
    conn: &mut DbConnection,
    client_id: ClientId,
    id: DecisionId,
    changes: &AppealChanges,
) -> QueryResult<DecisionRow> {
    diesel::update(
        service_decisions::table
            .filter(service_decisions::id.eq(id))
            .filter(service_decisions::client_id.eq(client_id)),
    )
    .set(changes)
    .returning(<DecisionRow as Selectable<MultiBackend>>::construct_selection())
    .get_result(conn)
}

/// A legal basis a decision may name by code.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = legal_bases, check_for_backend(MultiBackend))]
pub struct LegalBasisRow {
    pub code: String,
    pub label_lv: String,
    pub label_en: String,
}

/// Every legal basis, in the reference list's order.
pub fn legal_bases(conn: &mut DbConnection) -> QueryResult<Vec<LegalBasisRow>> {
    legal_bases::table
        .order(legal_bases::position)
        .select(LegalBasisRow::as_select())
        .load(conn)
}

/// Whether `code` is on the list of legal bases.
pub fn legal_basis_exists(conn: &mut DbConnection, code: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        legal_bases::table.filter(legal_bases::code.eq(code)),
    ))
    .get_result(conn)
}
