//! Incremental sync and bulk reads of the public directory: `modified_after`, and every
//! record streamed as newline-delimited JSON.

use serde_json::Value;

use crate::helpers::{TestApp, assert_bad_request, ministry, provider_update, token};

impl TestApp {
    /// GET `path` anonymously and the body's lines, each parsed, asserting the media type.
    async fn ndjson_lines(&self, path: &str) -> Vec<Value> {
        self.get(path).ndjson().await.records
    }
}

fn ids(records: &[Value]) -> Vec<i64> {
    records
        .iter()
        .map(|r| r["id"].as_i64().expect("id"))
        .collect()
}

#[tokio::test]
async fn a_directory_list_streams_every_record_and_reads_what_changed_since() {
    let app = TestApp::spawn().await;
    let first = app.new_provider("050", "SY-1").await;
    let second = app.new_provider("050", "SY-2").await;
    let third = app.new_provider("050", "SY-3").await;
    let since = app.get_provider(third).ok().await["updated_at"]
        .as_str()
        .expect("updated_at")
        .to_string();
    app.update_provider(&token(&ministry()), first, &provider_update())
        .ok()
        .await;

    // Every record, in id order, without pages; by parameter or by Accept.
    let all = app.ndjson_lines("/api/v1/providers?format=ndjson").await;
    assert_eq!(ids(&all), [first, second, third]);
    let response = app
        .get("/api/v1/providers")
        .header("accept", "application/x-ndjson")
        .await;
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    // Only what changed after the instant, as a page and as a stream.
    let query = format!("modified_after={}", since.replace('+', "%2B"));
    let page = app.get(&format!("/api/v1/providers?{query}")).ok().await;
    assert_eq!(ids(page["items"].as_array().expect("items")), [first]);
    let streamed = app
        .ndjson_lines(&format!("/api/v1/providers?format=ndjson&{query}"))
        .await;
    assert_eq!(ids(&streamed), [first]);
    let services = app
        .ndjson_lines(&format!("/api/v1/services?format=ndjson&{query}"))
        .await;
    assert!(services.is_empty());

    // A stream has no pages and no other order.
    for paged in ["limit=5", "offset=1", "sort=name"] {
        let response = app
            .get(&format!("/api/v1/providers?format=ndjson&{paged}"))
            .await;
        assert_bad_request(response, "leave out limit, offset and sort").await;
    }
    let response = app.get("/api/v1/services?modified_after=yesterday").await;
    assert_eq!(response.status(), 400);
}

/// 10,000 records stream whole, in order, a batch at a time.
#[tokio::test]
async fn ten_thousand_providers_stream_whole_and_in_order() {
    let app = TestApp::spawn().await;
    let template = app.new_provider("050", "SY-T").await;
    app.execute_sql(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) \
         INSERT INTO providers (name, register_number, legal_status, sector, municipality, \
           address, status, registered_on, version, created_at, updated_at) \
         SELECT 'Bulk ' || n.i, 'BULK-' || n.i, p.legal_status, p.sector, p.municipality, \
           p.address, p.status, p.registered_on, 1, p.created_at, p.updated_at \
         FROM n, providers p WHERE p.id = {template}"
    ));
    let all = app.ndjson_lines("/api/v1/providers?format=ndjson").await;
    assert_eq!(all.len(), 10_001);
    let ids = ids(&all);
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "in id order, none twice"
    );
    assert_eq!(all[10_000]["name"], "Bulk 10000");
}
