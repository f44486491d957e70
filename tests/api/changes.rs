//! The change feed: every change, in commit order, to those who may read the record; none
//! skipped or repeated under concurrent writers, across instances and restarts.

use std::collections::BTreeSet;

use kopiena::db::changes::{self, Change};
use kopiena::domain::change::{Audience, ChangeAction, ChangeType};
use kopiena::domain::client::TargetGroup;
use kopiena::domain::ids::ProviderId;
use serde::Serialize;
use serde_json::Value;

use crate::helpers::{
    TestApp, TestDb, adult, assert_bad_request, ending, ministry, municipality, placement,
    provider, region, today, token, transfer,
};
use crate::placements::service;

#[derive(Serialize)]
struct FeedQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    after: Option<String>,
    limit: i64,
}

impl TestApp {
    /// One answer of the feed: as `token` (anonymous when `None`), after `after`.
    async fn changes(&self, token: Option<&str>, after: Option<&str>, limit: i64) -> Value {
        let query = FeedQuery {
            after: after.map(str::to_string),
            limit,
        };
        let call = self.get("/api/v1/changes").query(&query);
        match token {
            Some(t) => call.bearer(t),
            None => call,
        }
        .ok()
        .await
    }

    /// Every event after `after`, read page by page; with the cursor to resume from.
    async fn changes_after(
        &self,
        token: Option<&str>,
        after: Option<String>,
    ) -> (Vec<Value>, String) {
        let mut events = Vec::new();
        let mut cursor = after;
        loop {
            let page = self.changes(token, cursor.as_deref(), 3).await;
            let items = page["items"].as_array().expect("items").clone();
            let next = page["next"].as_str().expect("next").to_string();
            if items.is_empty() {
                return (events, next);
            }
            assert_eq!(items.last().expect("an item")["cursor"], next.as_str());
            events.extend(items);
            cursor = Some(next);
        }
    }

    async fn all_changes(&self, token: Option<&str>) -> Vec<Value> {
        self.changes_after(token, None).await.0
    }
}

/// `(type, id, action)` of each event.
fn names(events: &[Value]) -> Vec<(String, i64, String)> {
    events
        .iter()
        .map(|e| {
            (
                e["type"].as_str().expect("type").to_string(),
                e["id"].as_i64().expect("id"),
                e["action"].as_str().expect("action").to_string(),
            )
        })
        .collect()
}

fn event(kind: &str, id: i64, action: &str) -> (String, i64, String) {
    (kind.to_string(), id, action.to_string())
}

#[tokio::test]
async fn every_change_is_told_in_order_to_those_who_may_read_the_record() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let riga = token(&municipality("RIX"));
    let other = app.new_provider("050", "CF-OTHER").await;
    let (provider_id, service_id) = service(
        &app,
        "group_home",
        8,
        &[TargetGroup::AdultWithMentalDisorder],
    )
    .await;
    let client = app
        .new_client("050", &adult("161175-19997", "Ceļotāja"))
        .await;
    let decided = app.grant(&kuldiga, client, service_id).await;
    let placed = app
        .create_placement(&kuldiga, client, &placement(service_id, None))
        .created_id()
        .await;
    let week_on = today() + chrono::Days::new(7);
    app.end_placement(&kuldiga, placed, &ending(Some(week_on), "Moved"))
        .ok()
        .await;
    let moved = app
        .transfer_client(
            &kuldiga,
            client,
            &transfer("RIX", "Declared residence moved"),
        )
        .created()
        .await;
    let transfer_id = moved["id"].as_i64().expect("transfer id");

    let directory = vec![
        event("provider", other, "created"),
        event("provider", provider_id, "created"),
        event("service", service_id, "created"),
    ];
    // Anonymous callers and the ministry follow the public directory only.
    assert_eq!(names(&app.all_changes(None).await), directory);
    assert_eq!(
        names(&app.all_changes(Some(&token(&ministry()))).await),
        directory
    );
    assert_eq!(
        names(&app.all_changes(Some(&token(&region("KURZEME")))).await),
        directory
    );
    // The municipality that owned the case saw all of it, the transfer included.
    let case = [
        event("client", client, "created"),
        event("decision", decided, "created"),
        event("placement", placed, "created"),
        event("placement", placed, "ended"),
        event("client_transfer", transfer_id, "created"),
    ];
    let kuldiga_events = app.all_changes(Some(&kuldiga)).await;
    assert_eq!(
        names(&kuldiga_events),
        [directory.clone(), case.to_vec()].concat()
    );
    // The new owner learns of the transfer, not of the history before it.
    assert_eq!(
        names(&app.all_changes(Some(&riga)).await),
        [directory.clone(), vec![case[4].clone()]].concat()
    );
    // The provider follows its own register entry, services and the placements in them (not
    // the decision: the case owner's alone).
    assert_eq!(
        names(&app.all_changes(Some(&token(&provider(provider_id)))).await),
        [directory[1..].to_vec(), case[2..4].to_vec()].concat()
    );
    assert_eq!(
        names(&app.all_changes(Some(&token(&provider(other)))).await),
        directory[..1]
    );

    // Each event says where its record is read; the reader reads it with its own token.
    let hrefs: Vec<&str> = kuldiga_events
        .iter()
        .map(|e| e["href"].as_str().expect("href"))
        .collect();
    assert_eq!(
        hrefs,
        [
            format!("/api/v1/providers/{other}"),
            format!("/api/v1/providers/{provider_id}"),
            format!("/api/v1/services/{service_id}"),
            format!("/api/v1/clients/{client}"),
            format!("/api/v1/clients/{client}/decisions/{decided}"),
            format!("/api/v1/clients/{client}/placements/{placed}"),
            format!("/api/v1/clients/{client}/placements/{placed}"),
            format!("/api/v1/clients/{client}/transfers"),
        ]
    );
    for href in &hrefs[3..6] {
        app.get_as(href, &riga).ok().await;
    }
    // No personal data in an event: only these members.
    for e in &kuldiga_events {
        let mut members: Vec<&str> = e
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        members.sort_unstable();
        assert_eq!(members, ["action", "at", "cursor", "href", "id", "type"]);
    }

    // Reading on from any event's cursor gives exactly the events after it.
    let third = kuldiga_events[2]["cursor"]
        .as_str()
        .expect("cursor")
        .to_string();
    let (rest, next) = app.changes_after(Some(&kuldiga), Some(third)).await;
    assert_eq!(names(&rest), names(&kuldiga_events[3..]));
    // At the end, the feed answers no events and the same position.
    let end = app.changes(Some(&kuldiga), Some(&next), 100).await;
    assert_eq!(end["items"].as_array().map(Vec::len), Some(0));
    assert_eq!(end["next"], next.as_str());
}

#[tokio::test]
async fn a_cursor_the_feed_did_not_issue_and_a_bad_limit_are_refused() {
    let app = TestApp::spawn().await;
    for query in ["after=7", "after=not-a-cursor", "after=YzEuLTE"] {
        let response = app.get(&format!("/api/v1/changes?{query}")).await;
        assert_bad_request(response, "after must be a cursor this feed returned").await;
    }
    for limit in ["0", "1001"] {
        let response = app.get(&format!("/api/v1/changes?limit={limit}")).await;
        assert_bad_request(response, "limit must be between 1 and 1000").await;
    }
    let response = app.get("/api/v1/changes?since=1").await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn the_feed_streams_every_event_after_a_cursor_and_reads_what_was_written_since() {
    let app = TestApp::spawn().await;
    let first = app.new_provider("050", "LM-FEED-1").await;
    let (_, cursor) = app.changes_after(None, None).await;
    let second = app.new_provider("050", "LM-FEED-2").await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let t = chrono::Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let third = app.new_provider("050", "LM-FEED-3").await;
    let provider_ids = |events: &[Value]| -> Vec<i64> {
        events
            .iter()
            .filter(|e| e["type"] == "provider")
            .map(|e| e["id"].as_i64().expect("an id"))
            .collect()
    };
    // Every event, one a line, in commit order: the same as the pages read.
    let everything = app.get("/api/v1/changes?format=ndjson").ndjson().await;
    assert_eq!(everything.records, app.all_changes(None).await);
    assert_eq!(provider_ids(&everything.records), [first, second, third]);
    // After a cursor; and written after an instant, as JSON and streamed.
    let after = app
        .get(&format!("/api/v1/changes?format=ndjson&after={cursor}"))
        .ndjson()
        .await;
    assert_eq!(provider_ids(&after.records), [second, third]);
    let instant = [("modified_after", t.to_rfc3339())];
    let since = app.get("/api/v1/changes").query(&instant).ok().await;
    let items = since["items"].as_array().expect("items").clone();
    assert_eq!(provider_ids(&items), [third]);
    let streamed = app
        .get("/api/v1/changes?format=ndjson")
        .query(&instant)
        .ndjson()
        .await;
    assert_eq!(streamed.records, items);
    // A stream has no pages.
    let paged = app.get("/api/v1/changes?format=ndjson&limit=5").await;
    assert_bad_request(paged, "leave out limit").await;
}

/// Writers on two instances of one database, a reader following the feed as they commit, and
/// an instance started after them: every event is read once, in order, none skipped.
#[tokio::test]
async fn concurrent_writers_on_two_instances_and_a_restart_skip_and_repeat_nothing() {
    const WRITERS: usize = 6;
    const EACH: usize = 5;
    let first = TestApp::spawn().await;
    let second = TestApp::spawn_on(
        TestDb::External {
            url: first.db.url().to_string(),
        },
        |_| None,
    )
    .await;
    let writers = futures::future::join_all((0..WRITERS).map(|w| {
        let app = if w % 2 == 0 { &first } else { &second };
        async move {
            let mut ids = Vec::new();
            for n in 0..EACH {
                ids.push(app.new_provider("050", &format!("CF-{w}-{n}")).await);
            }
            ids
        }
    }));
    // The reader follows the feed while the writers commit, from the other instance too.
    let reader = async {
        let mut seen = Vec::new();
        let mut cursor = None;
        for _ in 0..2000 {
            let (events, next) = second.changes_after(None, cursor.clone()).await;
            seen.extend(events);
            cursor = Some(next);
            if seen.len() >= WRITERS * EACH {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        (seen, cursor)
    };
    let (created, (seen, cursor)) = futures::join!(writers, reader);
    let created: BTreeSet<i64> = created.into_iter().flatten().collect();
    assert_eq!(created.len(), WRITERS * EACH);
    let seen_ids: Vec<i64> = seen.iter().map(|e| e["id"].as_i64().expect("id")).collect();
    assert_eq!(
        seen_ids.len(),
        WRITERS * EACH,
        "no event repeated: {seen_ids:?}"
    );
    assert_eq!(seen_ids.iter().copied().collect::<BTreeSet<_>>(), created);

    // A new instance (a restart) resumes from the reader's cursor: nothing old, then the new.
    let restarted = TestApp::spawn_on(
        TestDb::External {
            url: first.db.url().to_string(),
        },
        |_| None,
    )
    .await;
    let (nothing, _) = restarted.changes_after(None, cursor.clone()).await;
    assert!(nothing.is_empty(), "{nothing:?}");
    let late = restarted.new_provider("050", "CF-late").await;
    let (after_restart, _) = first.changes_after(None, cursor).await;
    assert_eq!(names(&after_restart), [event("provider", late, "created")]);
}

/// A writer that has drawn its place in the feed but not committed holds back the writers
/// after it, so a reader never moves past an event still to come. (Numbers drawn at insert
/// alone would let a later writer commit first; a reader that read it then would skip the
/// slow one for good.)
#[tokio::test]
async fn a_writer_still_to_commit_holds_back_the_writers_after_it() {
    let app = TestApp::spawn().await;
    let (_, start) = app.changes_after(None, None).await;
    let mut conn = app.db_connection();
    let (recorded, wait_recorded) = std::sync::mpsc::channel();
    let slow = std::thread::spawn(move || {
        conn.write_transaction(|conn| {
            let slow = Change::new(
                ChangeType::Provider,
                424_242,
                ChangeAction::Updated,
                Audience::directory(ProviderId(424_242)),
            );
            changes::record(conn, &slow)?;
            recorded.send(()).expect("test waits");
            std::thread::sleep(std::time::Duration::from_millis(400));
            diesel::QueryResult::Ok(())
        })
        .expect("slow writer commits");
    });
    wait_recorded.recv().expect("slow writer recorded");
    let quick = app.new_provider("050", "CF-QUICK");
    let early_read = async {
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        app.changes_after(None, Some(start.clone())).await
    };
    let (quick, (early, _)) = futures::join!(quick, early_read);
    slow.join().expect("slow writer");
    assert!(
        early.is_empty(),
        "read past a writer still to commit: {early:?}"
    );
    let (events, _) = app.changes_after(None, Some(start)).await;
    assert_eq!(
        names(&events),
        [
            event("provider", 424_242, "updated"),
            event("provider", quick, "created"),
        ]
    );
}
