//! Requests for a case from the municipality of the client's new declared residence.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::audit::Discloses;
use super::schema::transfer_requests as t;
use super::{DbConnection, MultiBackend, QueryResult};
use crate::domain::client::TransferRequestStatus;
use crate::domain::codes::*;
use crate::domain::ids::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = t, check_for_backend(MultiBackend))]
pub struct TransferRequestRow {
    pub id: TransferRequestId,
    pub client_id: ClientId,
    pub from_municipality: MunicipalityCode,
    pub to_municipality: MunicipalityCode,
    pub reason: String,
    pub transferred_on: Option<NaiveDate>,
    pub status: TransferRequestStatus,
    pub decline_reason: Option<String>,
    pub transfer_id: Option<TransferId>,
    pub requested_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Discloses for TransferRequestRow {
    fn disclosed(&self) -> Vec<ClientId> {
        vec![self.client_id]
    }
}

/// A request to insert: the database assigns the id; `requested`.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = t)]
pub struct NewTransferRequest {
    pub client_id: ClientId,
    pub from_municipality: MunicipalityCode,
    pub to_municipality: MunicipalityCode,
    pub reason: String,
    pub transferred_on: Option<NaiveDate>,
    pub status: TransferRequestStatus,
    pub requested_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConnection,
    row: &NewTransferRequest,
) -> QueryResult<TransferRequestRow> {
    diesel::insert_into(t::table)
        .values(row)
        .returning(<TransferRequestRow as Selectable<MultiBackend>>::construct_selection())
        .get_result(conn)
}

pub fn get(conn: &mut DbConnection, id: TransferRequestId) -> QueryResult<TransferRequestRow> {
    t::table
        .find(id)
        .select(TransferRequestRow::as_select())
        .first(conn)
}

/// The requests a municipality received (for its clients) or sent, newest first.
pub fn of_municipality(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
) -> QueryResult<Vec<TransferRequestRow>> {
    t::table
        .filter(
            t::from_municipality
                .eq(municipality)
                .or(t::to_municipality.eq(municipality)),
        )
        .order(t::id.desc())
        .select(TransferRequestRow::as_select())
        .load(conn)
}

/// Records the answer, if the request was still open.
pub fn answer(
    conn: &mut DbConnection,
    id: TransferRequestId,
    status: TransferRequestStatus,
    (decline_reason, transfer_id): (Option<String>, Option<TransferId>),
) -> QueryResult<Option<TransferRequestRow>> {
    diesel::update(
        t::table
            .filter(t::id.eq(id))
            .filter(t::status.eq(TransferRequestStatus::Requested)),
    )
    .set((
        t::status.eq(status),
        t::decline_reason.eq(decline_reason),
        t::transfer_id.eq(transfer_id),
        t::updated_at.eq(chrono::Utc::now().naive_utc()),
    ))
    .returning(<TransferRequestRow as Selectable<MultiBackend>>::construct_selection())
    .get_result(conn)
    .optional()
}
