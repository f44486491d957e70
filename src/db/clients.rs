//! Client records, always read through the caller's `ClientAccess`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::schema::{client_transfers, clients};
use super::{DbConnection, Listed, MultiBackend, QueryResult, Slice, in_slice};
use crate::domain::access::ClientAccess;
use crate::domain::client::{DiStatus, TargetGroup};
use crate::domain::codes::*;
use crate::domain::disclosure::random_record_key;
use crate::domain::ids::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = clients, check_for_backend(MultiBackend))]
pub struct ClientRow {
    pub id: ClientId,
    pub personal_code_hash: String,
    pub personal_code_encrypted: String,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    pub target_group: TargetGroup,
    pub municipality: MunicipalityCode,
    /// Derived from the placements active today (never stored).
    #[diesel(
        select_expression = di_status_on(crate::domain::today()),
        select_expression_type = SqlLiteral<Text>
    )]
    pub di_status: DiStatus,
    pub vsac_consent: bool,
    pub vsac_consent_on: Option<NaiveDate>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = clients, treat_none_as_null = true)]
pub struct ClientChanges {
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    pub target_group: TargetGroup,
    pub municipality: MunicipalityCode,
    pub vsac_consent: bool,
    pub vsac_consent_on: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
}

impl From<&ClientRow> for ClientChanges {
    fn from(r: &ClientRow) -> Self {
        Self {
            given_name: r.given_name.clone(),
            family_name: r.family_name.clone(),
            birth_date: r.birth_date,
            target_group: r.target_group,
            municipality: r.municipality.clone(),
            vsac_consent: r.vsac_consent,
            vsac_consent_on: r.vsac_consent_on,
            updated_at: r.updated_at,
        }
    }
}

impl ClientRow {
    /// The day the client consented to DI activities (INV-A03), if they have; a consent
    /// recorded without its date counts from always.
    pub fn consent_given_on(&self) -> Option<NaiveDate> {
        self.vsac_consent
            .then(|| self.vsac_consent_on.unwrap_or(NaiveDate::MIN))
    }
}

/// The client's DI status on `day` as SQL over `clients.id`: `in_institution` with an
/// institutional placement active that day, else `in_community` with a community one, else
/// `waiting_list` with an open waiting-list entry, else `no_service`
/// (`domain::placement::CaseDays::di_status_on`), read from its run that day
/// (`db::derived`).
pub fn di_status_sql(day: NaiveDate) -> String {
    format!(
        "(SELECT r.di_status FROM client_runs r WHERE r.client_id = clients.id AND {})",
        super::dated::holds_on("r", "starts_on", "ends_on", day)
    )
}

fn di_status_on(day: NaiveDate) -> SqlLiteral<Text> {
    sql::<Text>(&di_status_sql(day))
}

fn visible(access: &ClientAccess) -> clients::BoxedQuery<'static, MultiBackend> {
    let query = clients::table.into_boxed::<MultiBackend>();
    match access {
        ClientAccess::Municipality(code) => query.filter(clients::municipality.eq(code.clone())),
        ClientAccess::All => query,
    }
}

pub fn insert(
    conn: &mut DbConnection,
    hash: &str,
    encrypted: &str,
    changes: &ClientChanges,
) -> QueryResult<ClientRow> {
    diesel::insert_into(clients::table)
        .values((
            changes,
            clients::personal_code_hash.eq(hash),
            clients::personal_code_encrypted.eq(encrypted),
            clients::created_at.eq(changes.updated_at),
            clients::record_key.eq(random_record_key()),
        ))
        .returning(super::derived::CLIENT_FACTS)
        .get_result(conn)
        .and_then(|facts| {
            super::derived::insert_new_client(conn, &facts)?;
            get(conn, &ClientAccess::All, facts.0)
        })
}

/// The client if the caller may see it; `NotFound` otherwise, whether or not it exists.
pub fn get(conn: &mut DbConnection, access: &ClientAccess, id: ClientId) -> QueryResult<ClientRow> {
    visible(access)
        .filter(clients::id.eq(id))
        .select(ClientRow::as_select())
        .first(conn)
}

pub fn find_by_hash(
    conn: &mut DbConnection,
    access: &ClientAccess,
    hash: &str,
) -> QueryResult<ClientRow> {
    visible(access)
        .filter(clients::personal_code_hash.eq(hash.to_string()))
        .select(ClientRow::as_select())
        .first(conn)
}

/// Locks the client's row until the transaction ends (PostgreSQL row lock; SQLite holds its
/// single write lock already), so writes to one client's history serialise.
pub fn lock(conn: &mut DbConnection, id: ClientId) -> QueryResult<()> {
    diesel::update(clients::table.filter(clients::id.eq(id)))
        .set(clients::version.eq(clients::version))
        .execute(conn)
        .map(drop)
}

/// Rectifies a client's personal code: its look-up hash and its encrypted copy. A code
/// another client holds is a unique violation.
pub fn set_personal_code(
    conn: &mut DbConnection,
    id: ClientId,
    hash: &str,
    encrypted: &str,
) -> QueryResult<()> {
    diesel::update(clients::table.filter(clients::id.eq(id)))
        .set((
            clients::personal_code_hash.eq(hash),
            clients::personal_code_encrypted.eq(encrypted),
        ))
        .execute(conn)
        .map(drop)
}

pub fn update(
    conn: &mut DbConnection,
    id: ClientId,
    version: i32,
    changes: &ClientChanges,
) -> QueryResult<Option<ClientRow>> {
    diesel::update(clients::table.filter(clients::id.eq(id).and(clients::version.eq(version))))
        .set((changes, clients::version.eq(version + 1)))
        .returning(clients::id)
        .get_result(conn)
        .optional()?
        .map(|id| {
            super::derived::sync_client(conn, id)?;
            get(conn, &ClientAccess::All, id)
        })
        .transpose()
}

#[derive(Debug, Default, Clone)]
pub struct ClientFilter {
    pub target_group: Option<TargetGroup>,
    pub di_status: Option<DiStatus>,
}

/// The clients within `access` matching `filter`, changed (`updated_at`) after the slice's
/// instant.
fn filtered(
    access: &ClientAccess,
    filter: &ClientFilter,
    slice: &Slice,
) -> clients::BoxedQuery<'static, MultiBackend> {
    let mut q = visible(access);
    if let Some(g) = &filter.target_group {
        q = q.filter(clients::target_group.eq(*g));
    }
    if let Some(s) = &filter.di_status {
        let derived = di_status_sql(crate::domain::today());
        q = q.filter(sql::<Bool>(&format!("{derived} = '{}'", s.as_str())));
    }
    if let Some(t) = slice.modified_after {
        q = q.filter(clients::updated_at.gt(t));
    }
    q
}

pub fn list(
    conn: &mut DbConnection,
    access: &ClientAccess,
    filter: &ClientFilter,
    slice: &Slice,
    limit: i64,
    offset: i64,
) -> QueryResult<Listed<ClientRow>> {
    let total = filtered(access, filter, slice).count().get_result(conn)?;
    let rows = filtered(access, filter, slice)
        .select(ClientRow::as_select())
        .order((
            clients::family_name.asc(),
            clients::given_name.asc(),
            clients::id.asc(),
        ))
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok(Listed { rows, total })
}

/// A streamed batch of `list` (`slice.batch`), in id order.
pub fn batch(
    conn: &mut DbConnection,
    access: &ClientAccess,
    filter: &ClientFilter,
    slice: &Slice,
) -> QueryResult<Vec<ClientRow>> {
    in_slice!(
        filtered(access, filter, slice),
        slice,
        clients::id,
        clients::id
    )
    .select(ClientRow::as_select())
    .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = client_transfers, check_for_backend(MultiBackend))]
pub struct TransferRow {
    pub id: TransferId,
    pub client_id: ClientId,
    pub from_municipality: MunicipalityCode,
    pub to_municipality: MunicipalityCode,
    pub transferred_on: NaiveDate,
    pub reason: String,
    pub transferred_by: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = client_transfers)]
pub struct NewTransfer {
    pub client_id: ClientId,
    pub from_municipality: MunicipalityCode,
    pub to_municipality: MunicipalityCode,
    pub transferred_on: NaiveDate,
    pub reason: String,
    pub transferred_by: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_transfer(conn: &mut DbConnection, t: &NewTransfer) -> QueryResult<TransferRow> {
    let row: TransferRow = diesel::insert_into(client_transfers::table)
        .values(t)
        .returning(client_transfers::all_columns)
        .get_result(conn)?;
    super::derived::sync_client(conn, row.client_id)?;
    Ok(row)
}

/// The client's transfers in `slice` (a transfer is made once: modified is recorded), oldest
/// first.
/// One transfer of the client's case (`NotFound` when it is another client's).
pub fn transfer(
    conn: &mut DbConnection,
    client_id: ClientId,
    id: TransferId,
) -> QueryResult<TransferRow> {
    client_transfers::table
        .filter(client_transfers::client_id.eq(client_id))
        .filter(client_transfers::id.eq(id))
        .select(TransferRow::as_select())
        .first(conn)
}

pub fn transfers(
    conn: &mut DbConnection,
    client_id: ClientId,
    slice: &Slice,
) -> QueryResult<Vec<TransferRow>> {
    let mut q = client_transfers::table
        .filter(client_transfers::client_id.eq(client_id))
        .into_boxed::<MultiBackend>();
    if let Some(t) = slice.modified_after {
        q = q.filter(client_transfers::created_at.gt(t));
    }
    in_slice!(q, slice, client_transfers::id, client_transfers::id.asc())
        .select(TransferRow::as_select())
        .load(conn)
}

impl super::audit::Discloses for ClientRow {
    fn disclosed(&self) -> Vec<ClientId> {
        vec![self.id]
    }
}
