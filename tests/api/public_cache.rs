//! The public cache (issue 17, `src/public_cache.rs`): anonymous public reads are answered
//! from memory; a write on the instance shows on its next read; a change made through the
//! database (another instance, or SQL) shows on every instance within the poll interval;
//! nothing read with credentials is kept.

use std::time::{Duration, Instant};

use kopiena::domain::client::TargetGroup;
use kopiena::startup::Application;
use serde_json::Value;

use crate::helpers::{TestApp, admin, municipality, placement, test_settings, token};
use crate::mentors::adult;
use crate::placements::service;

const ADULTS: [TargetGroup; 1] = [TargetGroup::AdultWithMentalDisorder];

/// The cache's count of `outcome` (`hit`, `miss`, `bypassed`, `emptied`) on `address`'s
/// `/metrics`.
pub(crate) async fn outcomes(address: &str, outcome: &str) -> u64 {
    let text = reqwest::get(format!("{address}/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("metrics text");
    let series = format!("kopiena_public_cache_requests_total{{outcome=\"{outcome}\"}} ");
    text.lines()
        .find_map(|line| line.strip_prefix(series.as_str()))
        .map_or(0, |n| n.trim().parse().expect("a count"))
}

async fn read(address: &str, path: &str) -> reqwest::Response {
    reqwest::get(format!("{address}{path}"))
        .await
        .expect("a response")
}

#[tokio::test]
async fn anonymous_public_reads_come_from_the_cache_and_a_write_on_the_instance_shows_at_once() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let (_, home) = service(&app, "group_home", 3, &ADULTS).await;
    let path = format!("/api/v1/services/{home}");
    // The setup's own changes reach the instance's follower within its poll interval (and
    // empty the cache then): wait them out.
    tokio::time::sleep(Duration::from_millis(600)).await;

    let first = read(&app.address, &path).await;
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().expect("etag").to_string();
    let first: Value = first.json().await.expect("json");
    let hits = outcomes(&app.address, "hit").await;
    let second = read(&app.address, &path).await;
    assert_eq!(second.headers()["etag"].to_str().expect("etag"), etag);
    assert_eq!(second.json::<Value>().await.expect("json"), first);
    assert_eq!(
        outcomes(&app.address, "hit").await,
        hits + 1,
        "from the cache"
    );
    // A kept answer is counted under its route pattern, as if routed.
    let metrics = app.metrics().await.text().await.expect("metrics text");
    assert!(
        metrics.contains(
            r#"kopiena_http_requests_total{endpoint="/api/v1/services/{id}",method="GET",status="200"} 2"#
        ),
        "{metrics}"
    );

    // If-None-Match is answered 304 from the kept answer.
    let unchanged = app.get(&path).header("If-None-Match", &etag).await;
    assert_eq!(unchanged.status(), 304);
    assert_eq!(outcomes(&app.address, "hit").await, hits + 2);

    // The language is part of the key: each language gets its own answer.
    let types = "/api/v1/service-types/group_home";
    let english = app.get(types).header("Accept-Language", "en").ok().await;
    let latvian = app.get(types).header("Accept-Language", "lv").ok().await;
    assert_ne!(english["label"], latvian["label"]);
    assert_eq!(
        app.get(types).header("Accept-Language", "lv").ok().await,
        latvian
    );

    // With credentials: never from the cache, and never kept by anyone else (no-store).
    let hits = outcomes(&app.address, "hit").await;
    let with_token = app.get_as(&path, &token(&admin())).await;
    assert_eq!(with_token.headers()["cache-control"], "no-store");
    assert_eq!(outcomes(&app.address, "hit").await, hits);

    // A placement changes the service's occupancy: the next anonymous read shows it.
    let client = adult(&app, "050", 1).await;
    app.grant(&kuldiga, client, home).await;
    app.create_placement(&kuldiga, client, &placement(home, None))
        .created()
        .await;
    let after: Value = read(&app.address, &path).await.json().await.expect("json");
    assert_eq!(after["occupied"], 1);
    assert_eq!(after["vacancies"], 2);
    assert_eq!(first["occupied"], 0);

    // A stream is passed on as it comes, never kept.
    let hits = outcomes(&app.address, "hit").await;
    for _ in 0..2 {
        let stream = read(&app.address, "/api/v1/services?format=ndjson").await;
        assert_eq!(stream.status(), 200);
        assert!(stream.text().await.expect("ndjson").lines().count() >= 1);
    }
    assert_eq!(outcomes(&app.address, "hit").await, hits);

    // A request the router refuses is not kept (only 200 answers are).
    let misses = outcomes(&app.address, "miss").await;
    for _ in 0..2 {
        let refused = read(&app.address, "/api/v1/services/999999").await;
        assert_eq!(refused.status(), 404);
    }
    assert_eq!(outcomes(&app.address, "miss").await, misses + 2);
}

#[tokio::test]
async fn a_change_through_the_database_shows_on_every_instance_within_the_poll_interval() {
    let app = TestApp::spawn().await;
    let other = Application::build(&test_settings(app.db.url(), |_| None)).expect("starts");
    let other_address = format!("http://127.0.0.1:{}", other.port());
    tokio::spawn(other.run_until_stopped());
    let (_, home) = service(&app, "group_home", 3, &ADULTS).await;
    let path = format!("/api/v1/services/{home}");
    tokio::time::sleep(Duration::from_millis(600)).await;
    for address in [&app.address, &other_address] {
        for _ in 0..2 {
            assert_eq!(read(address, &path).await.status(), 200);
        }
        assert!(outcomes(address, "hit").await >= 1, "{address} keeps it");
    }

    // Written past both instances, straight into the database (as a third instance would).
    app.execute_sql(&format!(
        "UPDATE services SET name = 'Renamed home' WHERE id = {home}"
    ));
    let written = Instant::now();
    for address in [&app.address, &other_address] {
        loop {
            let seen: Value = read(address, &path).await.json().await.expect("json");
            if seen["name"] == "Renamed home" {
                break;
            }
            assert!(
                written.elapsed() < Duration::from_secs(1),
                "{address} still shows the old name after 1 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
