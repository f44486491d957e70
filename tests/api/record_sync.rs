//! Incremental sync and bulk reads of the lists beyond the directory: client records, the
//! mentors, the audit log and the reference lists take `modified_after` and stream every
//! record as newline-delimited JSON, with the same reach, audit and caching as their pages.

use chrono::{DateTime, Utc};
use kopiena::api::clients::UpdateClient;
use kopiena::domain::client::TargetGroup;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, admin, adult, assert_bad_request, assert_problem, assessment_body, client_update,
    date, ending, id_of, mentor_update, municipality, new_code, placement, provider, token,
    training,
};
use crate::mentors::{adult as adult_in, mentor};
use crate::placements::{place, service};

/// `modified_after=t` as a query pair.
fn since(t: DateTime<Utc>) -> [(&'static str, String); 1] {
    [("modified_after", t.to_rfc3339())]
}

/// The ids of a page's items.
fn page_ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id_of)
        .collect()
}

/// The ids of a JSON array.
fn array_ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .expect("an array")
        .iter()
        .map(id_of)
        .collect()
}

impl TestApp {
    /// The audit records (any action) a request left, by its request id.
    async fn audited_by(&self, request_id: &str) -> Vec<Value> {
        let streamed = self
            .get_as("/api/v1/audit?format=ndjson", &token(&admin()))
            .ndjson()
            .await;
        streamed
            .records
            .into_iter()
            .filter(|r| r["request_id"] == request_id)
            .collect()
    }
}

#[tokio::test]
async fn clients_stream_within_reach_audited_and_unstored_and_read_what_changed_since() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let first = app.new_client("050", &adult(&new_code(31), "Pirmā")).await;
    let second = app.new_client("050", &adult(&new_code(32), "Otrā")).await;
    let elsewhere = app.new_client("054", &adult(&new_code(33), "Citur")).await;
    let t = Utc::now();
    let rename = UpdateClient {
        given_name: Some("Ilze".into()),
        ..client_update()
    };
    app.update_client(&kuldiga, first, &rename).ok().await;

    // Every client within reach, in id order, one object a line; private like a page.
    let streamed = app
        .get_as("/api/v1/clients?format=ndjson", &kuldiga)
        .ndjson()
        .await;
    assert_eq!(streamed.ids("id"), [first, second]);
    assert_eq!(streamed.header("cache-control"), "no-store");
    assert_eq!(streamed.records[0]["given_name"], "Ilze");
    // Audited as a page is: one `client.list` per client disclosed.
    let audited = app.audited_by(streamed.header("x-request-id")).await;
    let mut listed: Vec<(Value, Value)> = audited
        .iter()
        .map(|r| (r["action"].clone(), r["client_id"].clone()))
        .collect();
    listed.sort_by_key(|(_, c)| c.as_i64());
    assert_eq!(
        listed,
        [
            (json!("client.list"), json!(first)),
            (json!("client.list"), json!(second))
        ]
    );
    // By Accept, too.
    let by_accept = app
        .get_as("/api/v1/clients", &kuldiga)
        .header("accept", "application/x-ndjson")
        .ndjson()
        .await;
    assert_eq!(by_accept.ids("id"), [first, second]);

    // Only what changed after the instant, as a page and as a stream.
    let page = app
        .get_as("/api/v1/clients", &kuldiga)
        .query(&since(t))
        .ok()
        .await;
    assert_eq!(page_ids(&page), [first]);
    let changed = app
        .get_as("/api/v1/clients?format=ndjson", &kuldiga)
        .query(&since(t))
        .ndjson()
        .await;
    assert_eq!(changed.ids("id"), [first]);

    // Another municipality streams only its own.
    let limbazi = app
        .get_as(
            "/api/v1/clients?format=ndjson",
            &token(&municipality("054")),
        )
        .ndjson()
        .await;
    assert_eq!(limbazi.ids("id"), [elsewhere]);

    // A stream has no pages; an unknown parameter is refused.
    let paged = app
        .get_as("/api/v1/clients?format=ndjson&limit=5", &kuldiga)
        .await;
    assert_bad_request(paged, "leave out limit, offset and sort").await;
    let unknown = app
        .get_as("/api/v1/clients?changed_since=x", &kuldiga)
        .await;
    assert_bad_request(unknown, "unknown query parameter").await;
}

#[tokio::test]
async fn a_clients_assessments_stream_after_one_audited_check_and_sync_through_the_change_feed() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let group = TargetGroup::AdultWithMentalDisorder;
    let client = app.new_client("050", &adult(&new_code(41), "Vecā")).await;
    let path = format!("/api/v1/clients/{client}/assessments");
    let first = app
        .create_assessment(
            &kuldiga,
            client,
            &assessment_body(group, date("2026-03-01"), (2, 2, 2)),
        )
        .created_id()
        .await;
    let t = Utc::now();
    // Nothing changed since.
    let unchanged = app.get_as(&path, &kuldiga).query(&since(t)).ok().await;
    assert_eq!(array_ids(&unchanged), Vec::<i64>::new());
    // A newer assessment supersedes the first: the feed names both as changed.
    let second = app
        .create_assessment(
            &kuldiga,
            client,
            &assessment_body(group, date("2026-04-01"), (3, 3, 3)),
        )
        .created_id()
        .await;
    let changed = app.get_as(&path, &kuldiga).query(&since(t)).ok().await;
    assert_eq!(array_ids(&changed), [second, first], "newest first");

    let streamed = app
        .get_as(&format!("{path}?format=ndjson"), &kuldiga)
        .ndjson()
        .await;
    assert_eq!(streamed.ids("id"), [first, second], "in id order");
    assert_eq!(streamed.header("cache-control"), "no-store");
    let audited = app.audited_by(streamed.header("x-request-id")).await;
    assert_eq!(audited.len(), 1, "{audited:?}");
    assert_eq!(audited[0]["action"], "assessment.list");
    assert_eq!(audited[0]["client_id"], json!(client));

    // Another municipality's client is not found, streamed or not; the refusal is audited.
    let response = app
        .get_as(
            &format!("{path}?format=ndjson"),
            &token(&municipality("054")),
        )
        .await;
    let refused = response.headers()["x-request-id"]
        .to_str()
        .expect("text")
        .to_string();
    assert_problem(response, 404, "about:blank").await;
    let audited = app.audited_by(&refused).await;
    assert_eq!(audited.len(), 1, "{audited:?}");
    assert_ne!(audited[0]["outcome"], "allowed");
}

#[tokio::test]
async fn mentors_stream_and_a_training_is_a_change_of_its_mentor() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let renamed = mentor(&app, "050", &[]).await;
    let trained = mentor(&app, "050", &[]).await;
    let untouched = mentor(&app, "050", &[]).await;
    let t = Utc::now();
    let update = kopiena::api::mentors::UpdateMentor {
        family_name: Some("Kalniņa".into()),
        ..mentor_update()
    };
    app.update_mentor(&kuldiga, renamed, &update).ok().await;
    app.add_training(
        &kuldiga,
        trained,
        &training("life_skills", 8, date("2026-02-02")),
    )
    .created()
    .await;

    let all = app
        .get_as("/api/v1/mentors?format=ndjson", &kuldiga)
        .ndjson()
        .await;
    assert_eq!(all.ids("id"), [renamed, trained, untouched]);
    let page = app
        .get_as("/api/v1/mentors", &kuldiga)
        .query(&since(t))
        .ok()
        .await;
    let mut changed = page_ids(&page);
    changed.sort_unstable();
    assert_eq!(changed, [renamed, trained]);
    let streamed = app
        .get_as("/api/v1/mentors?format=ndjson", &kuldiga)
        .query(&since(t))
        .ndjson()
        .await;
    assert_eq!(streamed.ids("id"), [renamed, trained]);
    let unknown = app
        .get_as("/api/v1/mentors?updated_since=x", &kuldiga)
        .await;
    assert_bad_request(unknown, "unknown query parameter").await;
}

#[tokio::test]
async fn the_audit_log_streams_what_was_recorded_when_it_began_and_audits_each_batch() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let client = app
        .new_client("050", &adult(&new_code(51), "Žurnāla"))
        .await;
    let t = Utc::now();
    app.get_client(&kuldiga, client).ok().await;

    let log = app
        .get_as("/api/v1/audit?format=ndjson", &token(&admin()))
        .ndjson()
        .await;
    let ids = log.ids("id");
    assert!(!ids.is_empty());
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in id order");
    assert_eq!(log.header("cache-control"), "no-store");
    // The stream's own reads are audited, and not chased by the stream.
    let rid = log.header("x-request-id").to_string();
    assert!(log.records.iter().all(|r| r["request_id"] != rid.as_str()));
    let reads = app.audited_by(&rid).await;
    assert!(!reads.is_empty());
    assert!(
        reads.iter().all(|r| r["action"] == "audit.read"),
        "{reads:?}"
    );
    assert!(reads.iter().any(|r| r["client_id"] == json!(client)));

    // Recorded after the instant: the read of the client, and what read the log since.
    let recent = app
        .get_as("/api/v1/audit?format=ndjson", &token(&admin()))
        .query(&since(t))
        .ndjson()
        .await;
    let actions: Vec<&str> = recent
        .records
        .iter()
        .map(|r| r["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions[0], "client.read", "{actions:?}");
    assert!(
        actions[1..].iter().all(|a| *a == "audit.read"),
        "{actions:?}"
    );

    // The client's own access log streams the same way, audited once.
    let access = app
        .get_as(
            &format!("/api/v1/clients/{client}/access-log?format=ndjson"),
            &kuldiga,
        )
        .query(&since(t))
        .ndjson()
        .await;
    assert_eq!(access.records[0]["action"], "client.read");
    let audited = app.audited_by(access.header("x-request-id")).await;
    assert_eq!(audited.len(), 1, "{audited:?}");
    assert_eq!(audited[0]["action"], "client.access_log.read");
}

#[tokio::test]
async fn a_reference_list_streams_in_its_language_and_changes_only_with_a_release() {
    let app = TestApp::spawn().await;
    let page = app.get("/api/v1/municipalities").ok().await;
    let total = page["total"].as_u64().expect("total") as usize;
    let streamed = app
        .get("/api/v1/municipalities?format=ndjson")
        .header("accept-language", "lv")
        .ndjson()
        .await;
    assert_eq!(streamed.records.len(), total);
    assert_eq!(streamed.header("content-language"), "lv");
    assert!(streamed.records.iter().any(|m| m["code"] == "050"));
    // Before this instance started, every record is new; after it, none.
    let before = "2020-01-01T00:00:00Z";
    let long_ago = app
        .get(&format!("/api/v1/municipalities?modified_after={before}"))
        .ok()
        .await;
    assert_eq!(long_ago["total"].as_u64(), Some(total as u64));
    let since_start = app
        .get("/api/v1/target-groups?format=ndjson")
        .query(&since(Utc::now()))
        .ndjson()
        .await;
    assert!(since_start.records.is_empty());
    let unknown = app.get("/api/v1/service-types?lang=lv").await;
    assert_bad_request(unknown, "unknown query parameter").await;
    let not_an_instant = app
        .get("/api/v1/planning-regions?modified_after=yesterday")
        .await;
    assert_eq!(not_an_instant.status(), 400);
}

#[tokio::test]
async fn a_services_placements_stream_in_reach_audited_per_client_and_an_end_is_a_change() {
    let app = TestApp::spawn().await;
    let (pid, sid) = service(
        &app,
        "group_home",
        5,
        &[TargetGroup::AdultWithMentalDisorder],
    )
    .await;
    let ours = adult_in(&app, "050", 61).await;
    let theirs = adult_in(&app, "054", 62).await;
    let ended = id_of(
        &place(&app, ours, sid, "2026-02-01")
            .await
            .json()
            .await
            .expect("json"),
    );
    let t = Utc::now();
    app.grant(&token(&municipality("054")), theirs, sid).await;
    let elsewhere = app
        .create_placement(
            &token(&municipality("054")),
            theirs,
            &placement(sid, Some(date("2026-02-02"))),
        )
        .created_id()
        .await;
    let path = format!("/api/v1/services/{sid}/placements");

    // The provider sees every placement in its service, each client's read audited.
    let all = app
        .get_as(&format!("{path}?format=ndjson"), &token(&provider(pid)))
        .ndjson()
        .await;
    assert_eq!(all.ids("id"), [ended, elsewhere]);
    assert_eq!(all.header("cache-control"), "no-store");
    let mut disclosed: Vec<Value> = app
        .audited_by(all.header("x-request-id"))
        .await
        .iter()
        .map(|r| r["client_id"].clone())
        .collect();
    disclosed.sort_by_key(Value::as_i64);
    assert_eq!(disclosed, [json!(ours), json!(theirs)]);
    // A municipality sees only its own clients' placements.
    let kuldiga = token(&municipality("050"));
    let own = app
        .get_as(&format!("{path}?format=ndjson"), &kuldiga)
        .ndjson()
        .await;
    assert_eq!(own.ids("id"), [ended]);

    // Made after the instant; then ending the earlier one is a change of it.
    let made = app.get_as(&path, &kuldiga).query(&since(t)).ok().await;
    assert_eq!(array_ids(&made), Vec::<i64>::new());
    app.end_placement(&kuldiga, ended, &ending(Some(date("2026-03-01")), "moved"))
        .ok()
        .await;
    let changed = app
        .get_as(&format!("{path}?format=ndjson"), &token(&provider(pid)))
        .query(&since(t))
        .ndjson()
        .await;
    assert_eq!(changed.ids("id"), [ended, elsewhere]);
}

#[tokio::test]
async fn gap_lists_stream_and_read_the_clients_whose_case_changed_since() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let (_, home) = service(
        &app,
        "group_home",
        6,
        &[TargetGroup::AdultWithMentalDisorder],
    )
    .await;
    let (_, youth_home) = service(
        &app,
        "youth_home",
        6,
        &[TargetGroup::OrphanOrNoParentalCare],
    )
    .await;
    // A 17-year-old placed in a youth home before `t` reaches its limit (24) on 2033-06-01.
    let young = crate::mentors::client(
        &app,
        "050",
        3,
        TargetGroup::OrphanOrNoParentalCare,
        date("2009-06-01"),
    )
    .await;
    place(&app, young, youth_home, "2026-01-10").await;
    let earlier = adult_in(&app, "050", 1).await;
    place(&app, earlier, home, "2026-01-10").await;
    let later = adult_in(&app, "050", 2).await;
    let t = Utc::now();
    // After `t` a record of `later`'s is written (a placement); `earlier`'s case is unchanged.
    place(&app, later, home, "2026-01-12").await;

    let path = "/api/v1/gaps/clients-without-mentor";
    let all = app.get_as(path, &kuldiga).ok().await;
    let everyone: Vec<i64> = all
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["client_id"].as_i64().expect("an id"))
        .collect();
    assert!(
        everyone.contains(&earlier) && everyone.contains(&later),
        "{all}"
    );
    // The same rows streamed, one a line, private like the JSON list.
    let streamed = app
        .get_as(&format!("{path}?format=ndjson"), &kuldiga)
        .ndjson()
        .await;
    assert_eq!(streamed.ids("client_id"), everyone);
    assert_eq!(streamed.header("cache-control"), "no-store");
    // Since `t`: only the client whose case changed; audited for that client only.
    let changed = app.get_as(path, &kuldiga).query(&since(t)).await;
    let request_id = changed.headers()["x-request-id"]
        .to_str()
        .expect("text")
        .to_string();
    let changed: Value = changed.json().await.expect("JSON");
    assert_eq!(changed[0]["client_id"], later, "{changed}");
    assert_eq!(changed.as_array().map(Vec::len), Some(1), "{changed}");
    let audited = app.audited_by(&request_id).await;
    let audited: Vec<&Value> = audited.iter().map(|r| &r["client_id"]).collect();
    assert_eq!(audited, [&json!(later)]);
    // A mentor assigned to `earlier` after `t` takes them off the list: not a row.
    let mentor_id = mentor(&app, "050", &crate::mentors::FULL_TRAINING).await;
    app.create_assignment(
        &kuldiga,
        mentor_id,
        &crate::helpers::assignment(earlier, None),
    )
    .created()
    .await;
    let changed = app.get_as(path, &kuldiga).query(&since(t)).ok().await;
    assert_eq!(changed.as_array().map(Vec::len), Some(1), "{changed}");
    // A time limit reached after `t` is a change of the case: the placement was recorded
    // before `t`, and its limit passes after it (dates count up to `on`).
    let limits = "/api/v1/gaps/placements-past-time-limit";
    let on = [("on", "2033-06-01".to_string())];
    let reached = app
        .get_as(limits, &kuldiga)
        .query(&on)
        .query(&since(t))
        .ok()
        .await;
    assert_eq!(reached[0]["client_id"], young, "{reached}");
    let after_it: DateTime<Utc> = "2034-01-01T00:00:00Z".parse().expect("an instant");
    let nothing_since = app
        .get_as(limits, &kuldiga)
        .query(&on)
        .query(&since(after_it))
        .ok()
        .await;
    assert_eq!(nothing_since, json!([]));
    let streamed = app
        .get_as(&format!("{limits}?on=2033-06-01&format=ndjson"), &kuldiga)
        .ndjson()
        .await;
    assert_eq!(streamed.ids("client_id"), [young]);
    // The third list takes the parameters too; an unknown one is refused.
    let reassessments = "/api/v1/gaps/reassessments-after-transition";
    assert_eq!(
        app.get_as(reassessments, &kuldiga)
            .query(&since(t))
            .ok()
            .await,
        json!([])
    );
    let unknown = app
        .get_as(&format!("{reassessments}?since=2026-01-01"), &kuldiga)
        .await;
    assert_bad_request(unknown, "accepts modified_after, format").await;
}
