//! The webhook worker: every poll it makes out the deliveries of new events, claims the due
//! ones, sends them signed (`domain::webhook`), and records each attempt. Every instance runs
//! one; the database decides which instance sends what (`db::webhooks`).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::api::changes::ChangeEvent;
use crate::config::WebhookSettings;
use crate::db::Db;
use crate::db::webhooks::{self, Attempted, Claimed};
use crate::domain::ids::DeliveryId;
use crate::domain::webhook::{DeliveryStatus, Next, Secret, check_target};
use crate::error::ApiError;
use crate::pii::PiiKeys;

/// Events a subscription's deliveries are made out for in one poll.
const FAN_OUT_BATCH: i64 = 500;
/// Deliveries one poll sends (at once).
const SEND_BATCH: i64 = 50;

/// The HTTP client deliveries go out with: HTTPS through rustls (ring), no redirects (a
/// receiver that moved registers its new URL), the configured timeout.
#[expect(
    deprecated,
    reason = "ring has no post-quantum key exchange; aws-lc-rs, which has, needs a toolchain this build does not assume"
)]
pub fn client(settings: &WebhookSettings) -> anyhow::Result<reqwest::Client> {
    // Only the first installation counts; another (a second instance in one process) is
    // the same provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(settings.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Kopiena-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| anyhow::anyhow!("cannot build the webhook client: {e}"))
}

pub async fn deliver_forever(
    db: Db,
    keys: Arc<PiiKeys>,
    client: reqwest::Client,
    settings: WebhookSettings,
) -> Infallible {
    let mut every = actix_web::rt::time::interval(settings.poll);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(e) = deliver_due(&db, &keys, &client, &settings).await {
            tracing::warn!(error = %e, "webhook deliveries failed this round");
        }
    }
}

/// One round: make out and claim (one transaction), send, record every attempt (one more).
async fn deliver_due(
    db: &Db,
    keys: &Arc<PiiKeys>,
    client: &reqwest::Client,
    settings: &WebhookSettings,
) -> Result<(), ApiError> {
    let now = Utc::now().naive_utc();
    // The claim outlives the attempt: a receiver's timeout, and the time to record it.
    let lease = now + delta(settings.timeout * 2 + Duration::from_secs(5));
    let claimed = db
        .write(move |conn| {
            webhooks::fan_out(conn, now, FAN_OUT_BATCH)?;
            Ok(webhooks::claim(conn, now, lease, SEND_BATCH)?)
        })
        .await?;
    let attempts = claimed
        .into_iter()
        .map(|c| attempt(keys, client, settings, c));
    let done = futures_util::future::join_all(attempts).await;
    if !done.is_empty() {
        db.write(move |conn| {
            for (id, attempts, outcome) in &done {
                webhooks::finish(conn, *id, *attempts, outcome)?;
            }
            Ok(())
        })
        .await?;
    }
    Ok(())
}

/// The body of a delivery: the event as the feed shows it, in the Standard Webhooks envelope.
#[derive(Serialize)]
struct Payload {
    /// `<record type>.<action>`, e.g. `placement.created`.
    #[serde(rename = "type")]
    kind: String,
    timestamp: chrono::DateTime<Utc>,
    data: ChangeEvent,
}

/// Sends one claimed delivery; what came of it.
async fn attempt(
    keys: &PiiKeys,
    client: &reqwest::Client,
    settings: &WebhookSettings,
    claimed: Claimed,
) -> (DeliveryId, i32, Attempted) {
    let Claimed {
        delivery,
        event,
        url,
        secret,
    } = claimed;
    // The service may have stopped delivering there since the subscription was made.
    if let Err(reason) = check_target(&url, &settings.targets) {
        let failed = Attempted {
            error: Some(format!("the URL {reason}")),
            ..finished(DeliveryStatus::Failed, Utc::now().naive_utc(), None)
        };
        return (delivery.id, delivery.attempts, failed);
    }
    let sent = async {
        let secret = keys
            .decrypt(&secret)
            .ok()
            .and_then(|s| Secret::parse(&s))
            .ok_or("the subscription's secret cannot be read")?;
        let now = Utc::now();
        let payload = Payload {
            kind: format!("{}.{}", event.resource_type, event.action),
            timestamp: now,
            data: ChangeEvent::from(event),
        };
        let body = serde_json::to_string(&payload).map_err(|_| "the event cannot be written")?;
        // The same id on every attempt: a receiver that has it already knows it is a retry.
        let id = format!("msg_{}", delivery.id);
        let timestamp = now.timestamp();
        let response = client
            .post(&url)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", secret.sign(&id, timestamp, &body))
            .body(body)
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    "the receiver did not answer in time"
                } else {
                    "the receiver could not be reached"
                }
            })?;
        Ok::<u16, &str>(response.status().as_u16())
    };
    let outcome = sent.await;
    let status = outcome.as_ref().ok().copied();
    let now = Utc::now().naive_utc();
    let error = match outcome {
        Ok(s) if (200..300).contains(&s) => None,
        Ok(s) => Some(format!("the receiver answered {s}")),
        Err(e) => Some(e.to_string()),
    };
    let done = match settings.retry.next(delivery.attempts, status) {
        Next::Delivered => finished(DeliveryStatus::Delivered, now, Some(now)),
        Next::RetryAfter(wait) => finished(DeliveryStatus::Pending, now + delta(wait), None),
        Next::GiveUp => finished(DeliveryStatus::Failed, now, None),
    };
    let done = Attempted {
        response_status: status.map(i32::from),
        error,
        ..done
    };
    (delivery.id, delivery.attempts, done)
}

fn finished(
    status: DeliveryStatus,
    next_attempt_at: NaiveDateTime,
    delivered_at: Option<NaiveDateTime>,
) -> Attempted {
    Attempted {
        status,
        next_attempt_at,
        response_status: None,
        error: None,
        delivered_at,
    }
}

fn delta(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}
