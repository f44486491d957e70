//! Webhooks: the feed pushed signed to a receiver on the loopback address, retried until it
//! accepts, nothing lost across a restart, each event sent once by two instances.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::{
    TestApp, TestDb, adult, assert_problem, client_update, ministry, municipality, new_code,
    provider, token,
};

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
    /// What the receiver answered.
    status: u16,
}

struct Receiver {
    url: String,
    seen: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    /// A receiver on the loopback address that answers 500 to its first `fail_first`
    /// requests and 204 to the others.
    fn start(fail_first: usize) -> Self {
        let seen: Arc<Mutex<Vec<Received>>> = Arc::default();
        let shared = Arc::clone(&seen);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the receiver");
        let port = listener.local_addr().expect("address").port();
        let server = HttpServer::new(move || {
            let seen = Arc::clone(&shared);
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let seen = Arc::clone(&seen);
                async move {
                    let header = |name: &str| {
                        req.headers()
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_string()
                    };
                    let mut seen = seen.lock().expect("lock");
                    let status = if seen.len() < fail_first { 500 } else { 204 };
                    seen.push(Received {
                        id: header("webhook-id"),
                        timestamp: header("webhook-timestamp"),
                        signature: header("webhook-signature"),
                        body: String::from_utf8_lossy(&body).into_owned(),
                        status,
                    });
                    HttpResponse::build(
                        actix_web::http::StatusCode::from_u16(status).expect("status"),
                    )
                    .finish()
                }
            }))
        })
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
        tokio::spawn(server);
        Self {
            url: format!("http://127.0.0.1:{port}/hooks"),
            seen,
        }
    }

    fn seen(&self) -> Vec<Received> {
        self.seen.lock().expect("lock").clone()
    }

    /// Waits (up to 20 s) until `done` holds of what the receiver got.
    async fn wait_for(&self, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        for _ in 0..400 {
            let seen = self.seen();
            if done(&seen) {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the receiver waited in vain; it got {:?}", self.seen());
    }
}

const SECRET_BYTES: [u8; 32] = [42; 32];

fn secret() -> String {
    format!("whsec_{}", STANDARD.encode(SECRET_BYTES))
}

/// Checks the Standard Webhooks signature independently of the service's code.
fn assert_signed(r: &Received) {
    let mut mac = Hmac::<Sha256>::new_from_slice(&SECRET_BYTES).expect("key");
    mac.update(format!("{}.{}.{}", r.id, r.timestamp, r.body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    assert_eq!(r.signature, expected, "{r:?}");
}

/// A test server that polls for deliveries every `poll_ms` and retries quickly.
async fn spawn_on(db: TestDb, poll_ms: &'static str) -> TestApp {
    TestApp::spawn_on(db, move |key| match key {
        "KOPIENA_WEBHOOK_POLL_MS" => Some(poll_ms.into()),
        "KOPIENA_WEBHOOK_ALLOW_HTTP" => Some("true".into()),
        "KOPIENA_WEBHOOK_RETRY_BASE_MS" => Some("50".into()),
        _ => None,
    })
    .await
}

impl TestApp {
    async fn subscribe(&self, token: &str, url: &str, types: &[&str]) -> i64 {
        let body = json!({"url": url, "event_types": types, "secret": secret()});
        self.post_as("/api/v1/webhooks", token, &body)
            .created_id()
            .await
    }

    async fn deliveries(&self, token: &str, id: i64) -> Value {
        self.get_as(&format!("/api/v1/webhooks/{id}/deliveries"), token)
            .ok()
            .await
    }
}

#[tokio::test]
async fn changes_are_pushed_signed_and_retried_until_the_receiver_accepts() {
    let app = spawn_on(TestDb::new(), "50").await;
    let receiver = Receiver::start(3);
    let kuldiga = token(&municipality("050"));
    let hook = app
        .subscribe(&kuldiga, &receiver.url, &["client", "placement"])
        .await;
    let listed = app.get_as("/api/v1/webhooks", &kuldiga).ok().await;
    assert_eq!(listed["items"][0]["id"], hook);
    assert_eq!(listed["items"][0]["url"], receiver.url.as_str());
    assert_eq!(
        listed["items"][0]["event_types"],
        json!(["client", "placement"])
    );
    assert!(
        listed["items"][0].get("secret").is_none(),
        "the secret is never shown"
    );

    let client = app.new_client("050", &adult(&new_code(7), "Ozola")).await;
    app.update_client(&kuldiga, client, &client_update())
        .ok()
        .await;
    // Neither another type nor another municipality's client is pushed to Kuldīga.
    app.new_provider("050", "WH-1").await;
    app.new_client("RIX", &adult(&new_code(8), "Bērziņa")).await;

    // Three refusals, then both events accepted: each id acknowledged once.
    let seen = receiver
        .wait_for(|seen| seen.iter().filter(|r| r.status == 204).count() == 2)
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let seen_after = receiver.seen();
    assert_eq!(
        seen_after.len(),
        seen.len(),
        "nothing more after both were accepted"
    );
    assert_eq!(
        seen.len(),
        5,
        "three refusals and two acceptances: {seen:?}"
    );
    let mut accepted: Vec<&str> = seen
        .iter()
        .filter(|r| r.status == 204)
        .map(|r| r.id.as_str())
        .collect();
    accepted.sort_unstable();
    accepted.dedup();
    assert_eq!(accepted.len(), 2, "duplicates the receiver saw: {seen:?}");
    for r in &seen {
        assert_signed(r);
    }
    let bodies: Vec<Value> = seen
        .iter()
        .filter(|r| r.status == 204)
        .map(|r| serde_json::from_str(&r.body).expect("json body"))
        .collect();
    let mut kinds: Vec<&str> = bodies
        .iter()
        .map(|b| b["type"].as_str().expect("type"))
        .collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["client.created", "client.updated"]);
    for body in &bodies {
        assert_eq!(body["data"]["id"], client);
        assert_eq!(body["data"]["href"], format!("/api/v1/clients/{client}"));
        assert!(body["data"].get("personal_code").is_none());
    }

    // The subscriber sees every delivery: delivered, after how many attempts.
    let deliveries = app.deliveries(&kuldiga, hook).await;
    assert_eq!(deliveries["total"], 2);
    let items = deliveries["items"].as_array().expect("items");
    let attempts: i64 = items
        .iter()
        .map(|d| d["attempts"].as_i64().expect("attempts"))
        .sum();
    assert_eq!(attempts, 5);
    for d in items {
        assert_eq!(d["status"], "delivered");
        assert_eq!(d["response_status"], 204);
        assert!(d["next_attempt_at"].is_null());
        let id = format!("msg_{}", d["id"]);
        assert_eq!(
            seen.iter().filter(|r| r.id == id).count() as i64,
            d["attempts"].as_i64().expect("n")
        );
    }

    // Both stream as ndjson; a delivery changes when made out or attempted.
    let hooks = app
        .get_as("/api/v1/webhooks?format=ndjson", &kuldiga)
        .ndjson()
        .await;
    assert_eq!(hooks.ids("id"), [hook]);
    let path = format!("/api/v1/webhooks/{hook}/deliveries?format=ndjson");
    let streamed = app.get_as(&path, &kuldiga).ndjson().await;
    assert_eq!(streamed.records.len(), 2);
    let now = chrono::Utc::now().to_rfc3339();
    let since_now = app
        .get_as(&path, &kuldiga)
        .query(&[("modified_after", &now)])
        .ndjson()
        .await;
    assert!(since_now.records.is_empty());
    let hooks_since = app
        .get_as("/api/v1/webhooks", &kuldiga)
        .query(&[("modified_after", &now)])
        .ok()
        .await;
    assert_eq!(hooks_since["total"], 0);
}

#[tokio::test]
async fn only_municipalities_and_providers_subscribe_with_a_sound_url_and_secret() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let body = |url: &str, types: Value, secret: &str| json!({"url": url, "event_types": types, "secret": secret});
    let sound = body("https://127.0.0.1:9/hooks", json!(["client"]), &secret());
    let refused = app
        .post_as("/api/v1/webhooks", &token(&ministry()), &sound)
        .await;
    assert_problem(refused, 403, "about:blank").await;
    for (bad, field) in [
        (
            body("http://127.0.0.1:9/hooks", json!(["client"]), &secret()),
            "url",
        ),
        (
            body(
                "https://127.0.0.1:9/hooks",
                json!(["client"]),
                "whsec_c2hvcnQ=",
            ),
            "secret",
        ),
        (
            body(
                "https://127.0.0.1:9/hooks",
                json!(["client", "client"]),
                &secret(),
            ),
            "event_types",
        ),
        (
            body("https://127.0.0.1:9/hooks", json!([]), &secret()),
            "event_types",
        ),
    ] {
        let response = app.post_as("/api/v1/webhooks", &kuldiga, &bad).await;
        let problem = assert_problem(response, 422, "/problems/validation").await;
        assert!(problem.to_string().contains(field), "{problem}");
    }
    let created = app.post_as("/api/v1/webhooks", &kuldiga, &sound).await;
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let hook: Value = created.json().await.expect("json");
    assert_eq!(location, format!("/api/v1/webhooks/{}", hook["id"]));
    // Another organisation does not see it; the owner deletes it.
    let other = token(&provider(app.new_provider("050", "WH-2").await));
    assert_problem(app.get_as(&location, &other).await, 404, "about:blank").await;
    let deleted = app
        .request(reqwest::Method::DELETE, &location)
        .bearer(&kuldiga)
        .await;
    assert_eq!(deleted.status(), 204);
    assert_problem(app.get_as(&location, &kuldiga).await, 404, "about:blank").await;
}

/// Events written while no instance delivers are sent when one starts; two instances on one
/// database send each event once.
#[tokio::test]
async fn nothing_is_lost_across_a_restart_and_two_instances_send_each_event_once() {
    const CLIENTS: u64 = 6;
    // The first instance delivers once at start, then not for an hour: it "stops".
    let first = spawn_on(TestDb::new(), "3600000").await;
    let receiver = Receiver::start(0);
    let kuldiga = token(&municipality("050"));
    let hook = first.subscribe(&kuldiga, &receiver.url, &["client"]).await;
    for n in 0..CLIENTS {
        first
            .new_client("050", &adult(&new_code(100 + n), "Kalniņa"))
            .await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(receiver.seen().is_empty());

    let url = first.db.url().to_string();
    let _second = spawn_on(TestDb::External { url: url.clone() }, "20").await;
    let _third = spawn_on(TestDb::External { url }, "20").await;
    let seen = receiver
        .wait_for(|seen| seen.len() >= CLIENTS as usize)
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let seen_after = receiver.seen();
    assert_eq!(seen_after.len(), seen.len(), "{seen_after:?}");
    let mut ids: Vec<&str> = seen.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), CLIENTS as usize, "each event once: {seen:?}");
    let deliveries = first.deliveries(&kuldiga, hook).await;
    assert_eq!(deliveries["total"], CLIENTS);
    for d in deliveries["items"].as_array().expect("items") {
        assert_eq!(d["status"], "delivered");
        assert_eq!(d["attempts"], 1);
    }
}
