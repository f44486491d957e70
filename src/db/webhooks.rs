//! Webhook subscriptions and their deliveries (`domain::webhook`): made out from the change
//! feed, claimed by one worker at a time (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so several
//! instances share the work without sending an event twice), and finished with the result.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::changes::{self, ChangeRow};
use super::schema::{changes as changes_table, webhook_deliveries, webhook_subscriptions};
use super::{DbConnection, Listed, MultiBackend, QueryResult, Slice, in_slice};
use crate::domain::access::Scope;
use crate::domain::change::{ChangeType, Cursor};
use crate::domain::codes::MunicipalityCode;
use crate::domain::ids::{DeliveryId, ProviderId, WebhookId};
use crate::domain::webhook::{DeliveryStatus, WebhookOwner};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_subscriptions, check_for_backend(MultiBackend))]
pub struct SubscriptionRow {
    pub id: WebhookId,
    pub owner_municipality: Option<MunicipalityCode>,
    pub owner_provider_id: Option<ProviderId>,
    pub created_by: String,
    pub url: String,
    pub event_types: String,
    /// Encrypted (`PiiKeys`).
    pub secret: String,
    pub after_seq: i64,
    pub created_at: NaiveDateTime,
}

impl SubscriptionRow {
    pub fn owner(&self) -> QueryResult<WebhookOwner> {
        match (&self.owner_municipality, self.owner_provider_id) {
            (Some(code), None) => Ok(WebhookOwner::Municipality(code.clone())),
            (None, Some(id)) => Ok(WebhookOwner::Provider(id)),
            _ => Err(corrupt("a subscription has not exactly one owner")),
        }
    }

    /// The event types, each a known one (a stored unknown one is an error, not skipped).
    pub fn event_types(&self) -> QueryResult<Vec<ChangeType>> {
        self.event_types
            .split(',')
            .map(|t| ChangeType::parse(t).ok_or_else(|| corrupt("unknown stored event type")))
            .collect()
    }
}

fn corrupt(what: &'static str) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(what.into())
}

fn owner_filter(
    owner: &WebhookOwner,
) -> Box<
    dyn BoxableExpression<
            webhook_subscriptions::table,
            MultiBackend,
            SqlType = diesel::sql_types::Bool,
        >,
> {
    match owner {
        WebhookOwner::Municipality(code) => Box::new(
            webhook_subscriptions::owner_municipality
                .eq(code.clone())
                .assume_not_null(),
        ),
        WebhookOwner::Provider(id) => Box::new(
            webhook_subscriptions::owner_provider_id
                .eq(*id)
                .assume_not_null(),
        ),
    }
}

pub struct NewSubscription<'a> {
    pub owner: &'a WebhookOwner,
    pub created_by: &'a str,
    pub url: &'a str,
    pub event_types: &'a [ChangeType],
    pub secret: &'a str,
}

/// Registers a subscription; it receives the events committed after it.
pub fn insert(conn: &mut DbConnection, new: &NewSubscription) -> QueryResult<SubscriptionRow> {
    let after_seq: Option<i64> = changes_table::table
        .select(diesel::dsl::max(changes_table::seq))
        .first(conn)?;
    let (municipality, provider) = match new.owner {
        WebhookOwner::Municipality(code) => (Some(code), None),
        WebhookOwner::Provider(id) => (None, Some(*id)),
    };
    let types: Vec<&str> = new.event_types.iter().map(|t| t.as_str()).collect();
    diesel::insert_into(webhook_subscriptions::table)
        .values((
            webhook_subscriptions::owner_municipality.eq(municipality),
            webhook_subscriptions::owner_provider_id.eq(provider),
            webhook_subscriptions::created_by.eq(new.created_by),
            webhook_subscriptions::url.eq(new.url),
            webhook_subscriptions::event_types.eq(types.join(",")),
            webhook_subscriptions::secret.eq(new.secret),
            webhook_subscriptions::after_seq.eq(after_seq.unwrap_or(0)),
            webhook_subscriptions::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .returning(webhook_subscriptions::all_columns)
        .get_result(conn)
}

/// The owner's subscriptions in `slice` (made after its instant: a subscription is never
/// changed), oldest first.
pub fn list(
    conn: &mut DbConnection,
    owner: &WebhookOwner,
    slice: &Slice,
) -> QueryResult<Vec<SubscriptionRow>> {
    let mut q = webhook_subscriptions::table
        .filter(owner_filter(owner))
        .into_boxed::<MultiBackend>();
    if let Some(t) = slice.modified_after {
        q = q.filter(webhook_subscriptions::created_at.gt(t));
    }
    let id = webhook_subscriptions::id;
    in_slice!(q, slice, id, id)
        .select(SubscriptionRow::as_select())
        .load(conn)
}

/// One of the owner's subscriptions (another owner's is "not found").
pub fn get(
    conn: &mut DbConnection,
    owner: &WebhookOwner,
    id: WebhookId,
) -> QueryResult<SubscriptionRow> {
    webhook_subscriptions::table
        .filter(webhook_subscriptions::id.eq(id))
        .filter(owner_filter(owner))
        .select(SubscriptionRow::as_select())
        .first(conn)
}

/// Removes a subscription and its deliveries.
pub fn delete(conn: &mut DbConnection, id: WebhookId) -> QueryResult<()> {
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::subscription_id.eq(id)))
        .execute(conn)?;
    diesel::delete(webhook_subscriptions::table.find(id)).execute(conn)?;
    Ok(())
}

/// Makes out the deliveries of the events each subscription has not seen yet (up to `limit`
/// per subscription): those of its types within its owner's reach. PostgreSQL skips the
/// subscriptions another instance is making out right now.
pub fn fan_out(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> QueryResult<usize> {
    let all = webhook_subscriptions::table.order(webhook_subscriptions::id);
    let subscriptions: Vec<SubscriptionRow> = match conn {
        DbConnection::Postgres(c) => all.for_update().skip_locked().load(c)?,
        DbConnection::Sqlite(c) => all.load(c)?,
    };
    let mut made = 0;
    for subscription in subscriptions {
        let scope = match subscription.owner()? {
            WebhookOwner::Municipality(code) => Scope::Municipality(code),
            WebhookOwner::Provider(id) => Scope::Provider(id),
        };
        let reach = changes::reach_of(conn, Some(&scope))?;
        let events = changes::list(conn, &reach, (Cursor(subscription.after_seq), None), limit)?;
        let Some(last) = events.last().map(|e| e.seq) else {
            continue;
        };
        let types = subscription.event_types()?;
        for event in events.iter().filter(|e| types.contains(&e.resource_type)) {
            diesel::insert_into(webhook_deliveries::table)
                .values((
                    webhook_deliveries::subscription_id.eq(subscription.id),
                    webhook_deliveries::change_seq.eq(event.seq),
                    webhook_deliveries::status.eq(DeliveryStatus::Pending),
                    webhook_deliveries::attempts.eq(0),
                    webhook_deliveries::next_attempt_at.eq(now),
                    webhook_deliveries::created_at.eq(now),
                ))
                .execute(conn)?;
            made += 1;
        }
        diesel::update(webhook_subscriptions::table.find(subscription.id))
            .set(webhook_subscriptions::after_seq.eq(last))
            .execute(conn)?;
    }
    Ok(made)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries, check_for_backend(MultiBackend))]
pub struct DeliveryRow {
    pub id: DeliveryId,
    pub subscription_id: WebhookId,
    pub change_seq: i64,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub response_status: Option<i32>,
    pub error: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
}

/// A delivery claimed for an attempt, with what sending it takes.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: DeliveryRow,
    pub event: ChangeRow,
    pub url: String,
    pub secret: String,
}

/// Claims up to `limit` due deliveries for an attempt: counts the attempt and moves their
/// due time to `lease`, so no other worker takes them while this one sends; a worker that
/// stops mid-way leaves them due again when the lease lapses (a retry, never a loss).
pub fn claim(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Claimed>> {
    let due = webhook_deliveries::table
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending))
        .filter(webhook_deliveries::next_attempt_at.le(now))
        .order(webhook_deliveries::id)
        .limit(limit)
        .select(webhook_deliveries::id);
    let ids: Vec<DeliveryId> = match conn {
        DbConnection::Postgres(c) => due.for_update().skip_locked().load(c)?,
        DbConnection::Sqlite(c) => due.load(c)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&ids)))
        .set((
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
            webhook_deliveries::next_attempt_at.eq(lease),
            webhook_deliveries::last_attempt_at.eq(now),
        ))
        .execute(conn)?;
    let rows: Vec<(DeliveryRow, ChangeRow, String, String)> = webhook_deliveries::table
        .inner_join(changes_table::table)
        .inner_join(webhook_subscriptions::table)
        .filter(webhook_deliveries::id.eq_any(&ids))
        .order(webhook_deliveries::id)
        .select((
            DeliveryRow::as_select(),
            ChangeRow::as_select(),
            webhook_subscriptions::url,
            webhook_subscriptions::secret,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(delivery, event, url, secret)| Claimed {
            delivery,
            event,
            url,
            secret,
        })
        .collect())
}

/// What an attempt came to.
#[derive(Debug, Clone)]
pub struct Attempted {
    pub status: DeliveryStatus,
    /// When the next attempt is due (pending ones).
    pub next_attempt_at: NaiveDateTime,
    pub response_status: Option<i32>,
    pub error: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
}

/// Records the attempt number `attempts` of delivery `id`; an attempt whose claim lapsed and
/// was taken again since records nothing.
pub fn finish(
    conn: &mut DbConnection,
    id: DeliveryId,
    attempts: i32,
    done: &Attempted,
) -> QueryResult<()> {
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(id))
            .filter(webhook_deliveries::attempts.eq(attempts))
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending)),
    )
    .set((
        webhook_deliveries::status.eq(done.status),
        webhook_deliveries::next_attempt_at.eq(done.next_attempt_at),
        webhook_deliveries::response_status.eq(done.response_status),
        webhook_deliveries::error.eq(done.error.as_deref()),
        webhook_deliveries::delivered_at.eq(done.delivered_at),
    ))
    .execute(conn)
    .map(drop)
}

/// A subscription's deliveries, newest first, with their events.
pub fn deliveries(
    conn: &mut DbConnection,
    subscription_id: WebhookId,
    slice: &Slice,
    limit: i64,
    offset: i64,
) -> QueryResult<Listed<(DeliveryRow, ChangeRow)>> {
    let total = deliveries_in(subscription_id, slice)
        .count()
        .get_result(conn)?;
    let rows = deliveries_in(subscription_id, slice)
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .offset(offset)
        .select((DeliveryRow::as_select(), ChangeRow::as_select()))
        .load(conn)?;
    Ok(Listed { rows, total })
}

/// A streamed batch of `deliveries` (`slice.batch`), in id order.
pub fn delivery_batch(
    conn: &mut DbConnection,
    subscription_id: WebhookId,
    slice: &Slice,
) -> QueryResult<Vec<(DeliveryRow, ChangeRow)>> {
    let id = webhook_deliveries::id;
    let deliveries = deliveries_in(subscription_id, slice).into_boxed::<MultiBackend>();
    in_slice!(deliveries, slice, id, id)
        .select((DeliveryRow::as_select(), ChangeRow::as_select()))
        .load(conn)
}

/// The subscription's deliveries with their events, modified after the slice's instant:
/// made out or attempted since.
#[diesel::dsl::auto_type(no_type_alias)]
fn deliveries_in(subscription_id: WebhookId, slice: &Slice) -> _ {
    // Without an instant, every delivery (none was made before 1970).
    let since: NaiveDateTime = slice
        .modified_after
        .unwrap_or(chrono::DateTime::UNIX_EPOCH.naive_utc());
    let attempted: diesel::dsl::Nullable<webhook_deliveries::last_attempt_at> =
        webhook_deliveries::last_attempt_at.nullable();
    webhook_deliveries::table
        .inner_join(changes_table::table)
        .filter(webhook_deliveries::subscription_id.eq(subscription_id))
        .filter(
            webhook_deliveries::created_at
                .gt(since)
                .nullable()
                .or(attempted.gt(since)),
        )
}
