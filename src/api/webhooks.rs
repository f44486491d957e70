//! `/api/v1/webhooks`: a municipality or provider subscribes a URL to the change feed; the
//! events are pushed to it signed (`domain::webhook`, sent by `crate::webhooks`), and every
//! attempt is visible to the subscriber.

use actix_web::{HttpRequest, HttpResponse, Responder, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::changes::ChangeEvent;
use super::common::{
    self, Created, IdempotencyKey, Idempotent, Modified, Page, PageQuery, Recorded, SyncQuery,
};
use super::paths::WebhookPath;
use crate::auth::AuthUser;
use crate::config::WebhookSettings;
use crate::db::Db;
use crate::db::changes::ChangeRow;
use crate::db::webhooks::{self as q, DeliveryRow, NewSubscription, SubscriptionRow};
use crate::domain::access::webhook_owner;
use crate::domain::change::ChangeType;
use crate::domain::ids::{DeliveryId, WebhookId};
use crate::domain::webhook::{DeliveryStatus, Secret, check_target};
use crate::error::{ApiError, ApiResult};
use crate::pii::PiiKeys;

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// Where deliveries are POSTed: an `https` URL without credentials.
    #[validate(length(min = 1, max = 2000))]
    #[schema(example = "https://it.kuldiga.lv/kopiena/events")]
    pub url: String,
    /// The record types whose changes are delivered (at least one, no repeats).
    #[validate(length(min = 1, max = 10))]
    pub event_types: Vec<ChangeType>,
    /// The signing secret, as the Standard Webhooks specification writes it: `whsec_` and
    /// the base64 of 24 to 64 random bytes. Kept encrypted; never shown again.
    #[schema(
        example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        min_length = 38,
        max_length = 95
    )]
    pub secret: String,
}

/// A webhook subscription (its secret is never shown).
#[derive(Debug, Serialize, ToSchema)]
pub struct Webhook {
    pub id: WebhookId,
    pub url: String,
    pub event_types: Vec<ChangeType>,
    /// The token subject that registered it.
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<SubscriptionRow> for Webhook {
    type Error = ApiError;

    fn try_from(row: SubscriptionRow) -> ApiResult<Self> {
        Ok(Self {
            event_types: row.event_types()?,
            id: row.id,
            url: row.url,
            created_by: row.created_by,
            created_at: row.created_at.and_utc(),
        })
    }
}

/// One event's delivery to a subscription and how its attempts went.
#[derive(Debug, Serialize, ToSchema)]
pub struct Delivery {
    /// Also the `webhook-id` header of every attempt, as `msg_<id>`.
    pub id: DeliveryId,
    pub event: ChangeEvent,
    pub status: DeliveryStatus,
    /// Attempts made (or under way).
    pub attempts: i32,
    /// When the next attempt is due (`pending` only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's HTTP status at the last attempt; absent when it did not answer.
    pub response_status: Option<i32>,
    /// Why the last attempt failed.
    pub error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<(DeliveryRow, ChangeRow)> for Delivery {
    fn from((row, event): (DeliveryRow, ChangeRow)) -> Self {
        Self {
            id: row.id,
            event: ChangeEvent::from(event),
            status: row.status,
            attempts: row.attempts,
            next_attempt_at: (row.status == DeliveryStatus::Pending)
                .then(|| row.next_attempt_at.and_utc()),
            last_attempt_at: row.last_attempt_at.map(|t| t.and_utc()),
            response_status: row.response_status,
            error: row.error,
            delivered_at: row.delivered_at.map(|t| t.and_utc()),
        }
    }
}

/// Subscribes a URL to the changes the caller's organisation may follow (a municipality or a
/// provider; see `GET /changes`). Each event of the chosen types committed from now on is
/// POSTed as `{type: "<type>.<action>", timestamp, data: <the feed's event>}` with the
/// Standard Webhooks headers `webhook-id` (the same on every attempt: a receiver drops an id
/// it has seen), `webhook-timestamp` and `webhook-signature` (`v1,` and the base64
/// HMAC-SHA256 of `id.timestamp.body` under the secret). A 2xx answer delivers it; anything
/// else is retried with doubling waits (`KOPIENA_WEBHOOK_RETRY_BASE_MS`, up to
/// `KOPIENA_WEBHOOK_MAX_ATTEMPTS` attempts).
#[utoipa::path(
    tag = "webhooks",
    request_body = CreateWebhook,
    params(IdempotencyKey),
    responses(
        (status = 201, body = Webhook, headers(("Location" = String))),
    )
)]
#[post("/webhooks")]
pub async fn create_webhook(
    db: web::Data<Db>,
    keys: web::Data<PiiKeys>,
    settings: web::Data<WebhookSettings>,
    user: AuthUser,
    request: Idempotent<CreateWebhook>,
) -> ApiResult<HttpResponse> {
    let owner = webhook_owner(&user.scope)?;
    let Idempotent {
        mut key,
        body: input,
    } = request;
    input.validate()?;
    let url = check_target(&input.url, &settings.targets)
        .map_err(|reason| ApiError::field("/url", reason))?;
    if Secret::parse(&input.secret).is_none() {
        return Err(ApiError::field(
            "/secret",
            "must be whsec_ and the base64 of 24 to 64 bytes",
        ));
    }
    let mut event_types = input.event_types.clone();
    event_types.sort_unstable();
    event_types.dedup();
    if event_types.len() != input.event_types.len() {
        return Err(ApiError::field("/event_types", "must not repeat a type"));
    }
    // A retry is recognised without keeping the secret in the fingerprint.
    key.identify(format!(
        "{url} {event_types:?} {}",
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&input.secret))
    ));
    let secret = keys.encrypt(&input.secret).map_err(ApiError::Internal)?;
    common::create(db.get_ref(), key, user.sub.clone(), None, move |conn| {
        let row = q::insert(
            conn,
            &NewSubscription {
                owner: &owner,
                created_by: &user.sub,
                url: url.as_str(),
                event_types: &event_types,
                secret: &secret,
            },
        )?;
        Ok(Created {
            record_id: row.id.get(),
            location: Some(format!("/api/v1/webhooks/{}", row.id)),
            etag: None,
            body: Webhook::try_from(row)?,
        })
    })
    .await
}

/// The subscriptions of the caller's organisation, oldest first (in id order, also as
/// ndjson).
#[utoipa::path(
    tag = "webhooks",
    params(SyncQuery<Recorded>),
    responses(
        (status = 200, content(
            (super::List<Webhook> = "application/json"),
            (Webhook = "application/x-ndjson"),
        )),
    )
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    db: web::Data<Db>,
    user: AuthUser,
    sync: web::Query<SyncQuery<Recorded>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let owner = webhook_owner(&user.scope)?;
    let listing = sync.listing(&req);
    if listing.ndjson {
        return Ok(common::ndjson(&db, move |conn, after| {
            let rows = q::list(conn, &owner, &listing.batch(after))?;
            rows.into_iter()
                .map(|r| Ok((r.id.get(), Webhook::try_from(r)?)))
                .collect()
        }));
    }
    let rows = db
        .run(move |conn| q::list(conn, &owner, &listing.slice))
        .await?;
    let items = rows
        .into_iter()
        .map(Webhook::try_from)
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(super::List::from(items)))
}

/// One subscription of the caller's organisation (another's is 404).
#[utoipa::path(
    tag = "webhooks",
    params(WebhookPath),
    responses(
        (status = 200, body = Webhook),
    )
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<WebhookPath>,
) -> ApiResult<web::Json<Webhook>> {
    let owner = webhook_owner(&user.scope)?;
    let id = id.into_inner().id;
    let row = db.run(move |conn| q::get(conn, &owner, id)).await?;
    Ok(web::Json(Webhook::try_from(row)?))
}

/// Ends a subscription: nothing more is delivered, and its deliveries are forgotten.
#[utoipa::path(
    tag = "webhooks",
    params(WebhookPath),
    responses(
        (status = 204, description = "Deleted"),
    )
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<WebhookPath>,
) -> ApiResult<HttpResponse> {
    let owner = webhook_owner(&user.scope)?;
    let id = id.into_inner().id;
    db.write(move |conn| {
        q::get(conn, &owner, id)?;
        Ok(q::delete(conn, id)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A delivery changes when it is made out and at each attempt.
pub enum Attempted {}

impl Modified for Attempted {
    const MEANING: &'static str =
        "the deliveries made out or attempted after it (`last_attempt_at`).";
}

/// A subscription's deliveries, newest first (or as ndjson, in id order): each event, its
/// status, attempts and the receiver's last answer.
#[utoipa::path(
    tag = "webhooks",
    params(WebhookPath, PageQuery, SyncQuery<Attempted>),
    responses(
        (status = 200, content(
            (Page<Delivery> = "application/json"),
            (Delivery = "application/x-ndjson"),
        )),
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<WebhookPath>,
    page: web::Query<PageQuery>,
    sync: web::Query<SyncQuery<Attempted>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let owner = webhook_owner(&user.scope)?;
    let id = id.into_inner().id;
    let streams = sync.streams(&req, &page, None)?;
    let (limit, offset) = page.resolve()?;
    let listing = sync.listing(&req);
    db.run(move |conn| q::get(conn, &owner, id)).await?;
    if streams {
        return Ok(common::ndjson(&db, move |conn, after| {
            let rows = q::delivery_batch(conn, id, &listing.batch(after))?;
            Ok(rows
                .into_iter()
                .map(|r| (r.0.id.get(), Delivery::from(r)))
                .collect())
        }));
    }
    let listed = db
        .run(move |conn| q::deliveries(conn, id, &listing.slice, limit, offset))
        .await?;
    let page = Page {
        items: listed.rows.into_iter().map(Delivery::from).collect(),
        total: listed.total,
        limit,
        offset,
    };
    Ok(page.respond_to(&req))
}
