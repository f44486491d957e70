//! Waiting-list entries and the queues they form.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::audit::Discloses;
use super::placements::ClientGapRow;
use super::schema::{assessments, clients, waiting_list_entries as w};
use super::{DbConnection, MultiBackend, QueryResult, Slice, in_slice};
use crate::domain::assessment::CareLevel;
use crate::domain::client::TargetGroup;
use crate::domain::codes::*;
use crate::domain::ids::*;
use crate::domain::waiting::{CloseReason, Priority, Queued, queue_order};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = w, check_for_backend(MultiBackend))]
pub struct WaitingRow {
    pub id: WaitingEntryId,
    pub client_id: ClientId,
    pub decision_id: DecisionId,
    pub municipality: MunicipalityCode,
    pub service_type: ServiceTypeCode,
    pub service_id: Option<ServiceId>,
    pub priority: Priority,
    pub added_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub close_reason: Option<CloseReason>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An entry to insert: the database assigns the id; open.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = w)]
pub struct NewWaitingEntry {
    pub client_id: ClientId,
    pub decision_id: DecisionId,
    pub municipality: MunicipalityCode,
    pub service_type: ServiceTypeCode,
    pub service_id: Option<ServiceId>,
    pub priority: Priority,
    pub added_on: NaiveDate,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Which queue an entry stands in: a named service's (across municipalities), or the
/// municipality's for a service type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueKey {
    Service(ServiceId),
    Municipality(MunicipalityCode, ServiceTypeCode),
}

impl WaitingRow {
    pub fn queue(&self) -> QueueKey {
        match self.service_id {
            Some(s) => QueueKey::Service(s),
            None => QueueKey::Municipality(self.municipality.clone(), self.service_type.clone()),
        }
    }
}

/// Adds an entry; the client's DI status follows it (`db::derived`).
pub fn insert(conn: &mut DbConnection, row: &NewWaitingEntry) -> QueryResult<WaitingRow> {
    let inserted: WaitingRow = diesel::insert_into(w::table)
        .values(row)
        .returning(<WaitingRow as Selectable<MultiBackend>>::construct_selection())
        .get_result(conn)?;
    super::derived::sync_client(conn, inserted.client_id)?;
    Ok(inserted)
}

/// One entry of the client.
pub fn get(
    conn: &mut DbConnection,
    client_id: ClientId,
    id: WaitingEntryId,
) -> QueryResult<WaitingRow> {
    w::table
        .filter(w::id.eq(id))
        .filter(w::client_id.eq(client_id))
        .select(WaitingRow::as_select())
        .first(conn)
}

/// The client's entries, newest first (or a streamed batch in id order).
pub fn list_for_client(
    conn: &mut DbConnection,
    client_id: ClientId,
    slice: &Slice,
) -> QueryResult<Vec<WaitingRow>> {
    let mut q = w::table
        .filter(w::client_id.eq(client_id))
        .into_boxed::<MultiBackend>();
    if let Some(t) = slice.modified_after {
        q = q.filter(w::updated_at.gt(t));
    }
    in_slice!(q, slice, w::id, (w::added_on.desc(), w::id.desc()))
        .select(WaitingRow::as_select())
        .load(conn)
}

/// The open entries of a queue in the order they are served (WAIT-ORDER).
pub fn queue(conn: &mut DbConnection, key: &QueueKey) -> QueryResult<Vec<WaitingRow>> {
    let mut q = w::table.filter(w::closed_on.is_null()).into_boxed();
    q = match key {
        QueueKey::Service(s) => q.filter(w::service_id.eq(*s)),
        QueueKey::Municipality(m, t) => q
            .filter(w::municipality.eq(m.clone()))
            .filter(w::service_type.eq(t.clone()))
            .filter(w::service_id.is_null()),
    };
    let mut rows: Vec<WaitingRow> = q.select(WaitingRow::as_select()).load(conn)?;
    let mut order: Vec<Queued> = rows
        .iter()
        .map(|r| Queued {
            id: r.id,
            priority: r.priority,
            added_on: r.added_on,
        })
        .collect();
    queue_order(&mut order);
    rows.sort_by_key(|r| order.iter().position(|q| q.id == r.id));
    Ok(rows)
}

/// The entry's position in its queue (1 is served first); `None` when it is closed.
pub fn position(conn: &mut DbConnection, row: &WaitingRow) -> QueryResult<Option<i64>> {
    if row.closed_on.is_some() {
        return Ok(None);
    }
    let queue = queue(conn, &row.queue())?;
    Ok(queue
        .iter()
        .position(|r| r.id == row.id)
        .map(|i| i as i64 + 1))
}

/// Closes an open entry; `None` when it was closed already. The client's DI status follows
/// it (`db::derived`).
pub fn close(
    conn: &mut DbConnection,
    id: WaitingEntryId,
    closed_on: NaiveDate,
    reason: CloseReason,
) -> QueryResult<Option<WaitingRow>> {
    let closed: Option<WaitingRow> =
        diesel::update(w::table.filter(w::id.eq(id)).filter(w::closed_on.is_null()))
            .set((
                w::closed_on.eq(closed_on),
                w::close_reason.eq(reason),
                w::updated_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .returning(<WaitingRow as Selectable<MultiBackend>>::construct_selection())
            .get_result(conn)
            .optional()?;
    if let Some(row) = &closed {
        super::derived::sync_client(conn, row.client_id)?;
    }
    Ok(closed)
}

/// The client's open entries, oldest first.
pub fn open_for_client(
    conn: &mut DbConnection,
    client_id: ClientId,
) -> QueryResult<Vec<WaitingRow>> {
    w::table
        .filter(w::client_id.eq(client_id))
        .filter(w::closed_on.is_null())
        .order(w::id)
        .select(WaitingRow::as_select())
        .load(conn)
}

/// An open entry with what the queue's reader may see of its client: the case owner the
/// names, the provider of a named service the target group and care level only.
#[derive(Debug, Clone)]
pub struct QueuedClient {
    /// The place in the whole queue (1 is served first).
    pub position: i64,
    pub row: WaitingRow,
    pub given_name: String,
    pub family_name: String,
    pub target_group: TargetGroup,
    /// From the client's current assessment, if any.
    pub care_level: Option<CareLevel>,
}

impl Discloses for QueuedClient {
    fn disclosed(&self) -> Vec<ClientId> {
        vec![self.row.client_id]
    }
}

/// The open entries of a queue, in order, with their clients; `municipality` keeps only that
/// municipality's clients (their positions still count the whole queue).
pub fn queued_clients(
    conn: &mut DbConnection,
    key: &QueueKey,
    municipality: Option<&MunicipalityCode>,
) -> QueryResult<Vec<QueuedClient>> {
    let rows = queue(conn, key)?;
    let ids: Vec<ClientId> = rows.iter().map(|r| r.client_id).collect();
    type Person = (
        MunicipalityCode,
        String,
        String,
        TargetGroup,
        Option<CareLevel>,
    );
    let people: HashMap<ClientId, Person> = clients::table
        .left_join(
            assessments::table.on(assessments::client_id
                .eq(clients::id)
                .and(assessments::superseded_by_id.is_null())),
        )
        .filter(clients::id.eq_any(&ids))
        .select((
            clients::id,
            clients::municipality,
            clients::given_name,
            clients::family_name,
            clients::target_group,
            assessments::care_level.nullable(),
        ))
        .load::<(
            ClientId,
            MunicipalityCode,
            String,
            String,
            TargetGroup,
            Option<CareLevel>,
        )>(conn)?
        .into_iter()
        .map(|(id, owner, given, family, group, level)| (id, (owner, given, family, group, level)))
        .collect();
    Ok(rows
        .into_iter()
        .enumerate()
        .filter_map(|(i, row)| {
            let (owner, given_name, family_name, target_group, care_level) =
                people.get(&row.client_id)?.clone();
            municipality
                .is_none_or(|m| *m == owner)
                .then(|| QueuedClient {
                    position: i as i64 + 1,
                    row,
                    given_name,
                    family_name,
                    target_group,
                    care_level,
                })
        })
        .collect())
}

/// INV-A02: a municipality's clients with an open waiting-list entry and no current
/// assessment (none, or its reassessment overdue on `today`). Each client is probed by index
/// (`waiting_list_client_idx`, `assessments_client_idx`) instead of comparing with every open
/// entry and every current assessment in the record.
pub fn without_assessment(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
    today: NaiveDate,
) -> QueryResult<Vec<ClientGapRow>> {
    use diesel::dsl::{exists, not};
    let waiting = w::table
        .filter(w::client_id.eq(clients::id))
        .filter(w::closed_on.is_null());
    let current = assessments::table
        .filter(assessments::client_id.eq(clients::id))
        .filter(assessments::superseded_by_id.is_null())
        .filter(assessments::next_reassessment_due.ge(today));
    let rows: Vec<(ClientId, String, String, TargetGroup)> = clients::table
        .filter(clients::municipality.eq(municipality))
        .filter(exists(waiting))
        .filter(not(exists(current)))
        .order((clients::family_name, clients::given_name, clients::id))
        .select((
            clients::id,
            clients::given_name,
            clients::family_name,
            clients::target_group,
        ))
        .load(conn)?;
    let ids: Vec<ClientId> = rows.iter().map(|r| r.0).collect();
    let last: HashMap<ClientId, NaiveDate> = assessments::table
        .filter(assessments::superseded_by_id.is_null())
        .filter(assessments::client_id.eq_any(&ids))
        .select((assessments::client_id, assessments::assessed_on))
        .load::<(ClientId, NaiveDate)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|(client_id, given_name, family_name, group)| ClientGapRow {
            client_id,
            given_name,
            family_name,
            target_group: Some(group),
            transitioned_on: None,
            last_assessed_on: last.get(&client_id).copied(),
        })
        .collect())
}
