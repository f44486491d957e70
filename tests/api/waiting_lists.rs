//! Waiting lists (issue 15): clients granted a service wait in the municipality's queue for
//! its type or in a named service's, served by priority then the day added; a placement or
//! a transfer closes the entry, and the provider of a named service sees its queue with
//! need-to-know fields only.

use chrono::{Days, NaiveDate};
use kopiena::api::waiting_lists::{CloseWaitingEntry, CreateWaitingEntry};
use kopiena::domain::client::TargetGroup;
use kopiena::domain::decision::DecisionOutcome;
use kopiena::domain::ids::ServiceId;
use kopiena::domain::waiting::{CloseReason, Priority};
use serde_json::{Value, json};

use crate::helpers::{
    StatsQuery, TestApp, admin, assert_problem, decision, grouped_by, id_of, ministry,
    municipality, placement, provider, stats_query, today, token, transfer, waiting, when,
};
use crate::mentors::adult;
use crate::placements::service;

const ADULTS: [TargetGroup; 1] = [TargetGroup::AdultWithMentalDisorder];

fn ago(days: u64) -> NaiveDate {
    today() - Days::new(days)
}

/// The ids of a list's entries, in order.
fn entry_ids(list: &Value, at: &str) -> Vec<i64> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|e| e.pointer(at).and_then(Value::as_i64).expect("an id"))
        .collect()
}

#[tokio::test]
async fn a_queue_serves_by_priority_then_day_added_and_a_placement_or_transfer_closes_the_entry() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let (_, home) = service(&app, "group_home", 2, &ADULTS).await;
    let [a, b, c, refused] = [1, 2, 3, 4].map(|n| adult(&app, "050", n));
    let (a, b, c, refused) = (a.await, b.await, c.await, refused.await);
    let mut grants = Vec::new();
    for client in [a, b, c] {
        grants.push(app.grant(&kuldiga, client, home).await);
    }

    // Waiting needs a standing grant.
    let refusal = decision("group_home", DecisionOutcome::Refused, ago(5), None);
    let no = app
        .create_decision(&kuldiga, refused, &refusal)
        .created_id()
        .await;
    let problem = assert_problem(
        app.create_waiting_entry(&kuldiga, refused, &waiting(no, Priority::Urgent, today()))
            .await,
        409,
        "/problems/waiting-without-grant",
    )
    .await;
    assert_eq!(problem["rule"], "WAIT-GRANTED");

    let status =
        async |client: i64| app.get_client(&kuldiga, client).ok().await["di_status"].clone();
    assert_eq!(status(a).await, "no_service", "neither placed nor waiting");
    let entry_a = app
        .create_waiting_entry(&kuldiga, a, &waiting(grants[0], Priority::Normal, ago(30)))
        .created()
        .await;
    assert_eq!(entry_a["position"], 1);
    assert_eq!(entry_a["waiting_days"], 30);
    // DI-STATUS-DERIVED: an open entry makes the client `waiting_list`.
    assert_eq!(status(a).await, "waiting_list");
    let entry_b = app
        .create_waiting_entry(&kuldiga, b, &waiting(grants[1], Priority::Urgent, ago(10)))
        .created()
        .await;
    let entry_c = app
        .create_waiting_entry(&kuldiga, c, &waiting(grants[2], Priority::Normal, ago(20)))
        .created()
        .await;
    // One open entry per client and queue.
    let twice = app
        .create_waiting_entry(&kuldiga, a, &waiting(grants[0], Priority::High, today()))
        .await;
    let problem = assert_problem(twice, 409, "/problems/already-waiting").await;
    assert_eq!(problem["rule"], "WAIT-ONE-ENTRY");

    // The municipality's queue: urgent first, then by the day added.
    let queue = app.municipality_queue(&kuldiga, "group_home").ok().await;
    assert_eq!(
        entry_ids(&queue, "/entry/id"),
        [id_of(&entry_b), id_of(&entry_a), id_of(&entry_c)]
    );
    assert_eq!(queue[1]["position"], 2);
    assert_eq!(queue[1]["given_name"], "Klients1");
    let own = app
        .get_waiting_entry(&kuldiga, a, id_of(&entry_a))
        .ok()
        .await;
    assert_eq!(
        (own["position"].clone(), own["waiting_days"].clone()),
        (json!(2), json!(30))
    );

    // Placing `a` closes their entry (`placed`); the queue moves up.
    app.create_placement(&kuldiga, a, &placement(home, None))
        .created()
        .await;
    let placed = app
        .get_waiting_entry(&kuldiga, a, id_of(&entry_a))
        .ok()
        .await;
    assert_eq!(placed["close_reason"], "placed");
    assert_eq!(placed["closed_on"], today().to_string());
    assert_eq!(status(a).await, "in_community");
    assert!(placed["position"].is_null());
    let queue = app.municipality_queue(&kuldiga, "group_home").ok().await;
    assert_eq!(
        entry_ids(&queue, "/entry/id"),
        [id_of(&entry_b), id_of(&entry_c)]
    );

    // INV-A02: the waiting clients without a current assessment.
    let gaps = app.waiting_without_assessment(&kuldiga).ok().await;
    assert_eq!(entry_ids(&gaps, "/client_id"), [b, c]);

    // A withdrawal closes `c`'s entry, once.
    let withdrawn = CloseWaitingEntry {
        reason: CloseReason::Withdrawn,
        closed_on: None,
    };
    let closed = app
        .close_waiting_entry(&kuldiga, c, id_of(&entry_c), &withdrawn)
        .ok()
        .await;
    assert_eq!(closed["close_reason"], "withdrawn");
    assert_eq!(status(c).await, "no_service", "the entry closed today");
    let again = app
        .close_waiting_entry(&kuldiga, c, id_of(&entry_c), &withdrawn)
        .await;
    assert_problem(again, 409, "/problems/already-ended").await;

    // `b` moves to Rīga: Kuldīga's queue is no longer theirs (`moved`).
    app.transfer_client(&kuldiga, b, &transfer("RIX", "Moved"))
        .created()
        .await;
    let riga = token(&municipality("RIX"));
    let moved = app.list_waiting_entries(&riga, b).ok().await;
    assert_eq!(moved[0]["close_reason"], "moved");
    let b_now = app.get_client(&riga, b).ok().await;
    assert_eq!(
        b_now["di_status"], "no_service",
        "Rīga's queue has not taken them"
    );
    let queue = app.municipality_queue(&kuldiga, "group_home").ok().await;
    assert_eq!(queue, json!([]));

    // The queue's service type is required and nothing else is taken.
    let unknown = app
        .get_as(
            "/api/v1/waiting-list?service_type=group_home&sort=x",
            &kuldiga,
        )
        .await;
    assert_problem(unknown, 400, "about:blank").await;
}

#[tokio::test]
async fn a_named_services_provider_sees_its_queue_without_names() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let (provider_id, home) = service(&app, "group_home", 2, &ADULTS).await;
    let (other_provider, _) = service(&app, "group_home", 3, &ADULTS).await;
    let client = adult(&app, "050", 5).await;
    let grant = app.grant(&kuldiga, client, home).await;
    let body = CreateWaitingEntry {
        service_id: Some(ServiceId(home)),
        ..waiting(grant, Priority::High, ago(3))
    };
    let entry = app
        .create_waiting_entry(&kuldiga, client, &body)
        .created()
        .await;
    assert_eq!(entry["service_id"], home);

    let staff = token(&provider(provider_id));
    let queue = app.service_queue(&staff, home).ok().await;
    assert_eq!(queue.as_array().map(Vec::len), Some(1));
    let mut members: Vec<&str> = queue[0]
        .as_object()
        .expect("an entry")
        .keys()
        .map(String::as_str)
        .collect();
    members.sort_unstable();
    assert_eq!(
        members,
        [
            "added_on",
            "care_level",
            "entry_id",
            "municipality",
            "position",
            "priority",
            "target_group",
            "waiting_days"
        ]
    );
    assert_eq!(queue[0]["waiting_days"], 3);
    // Another provider may not look; another municipality sees none of Kuldīga's clients.
    let other = app
        .service_queue(&token(&provider(other_provider)), home)
        .await;
    assert_problem(other, 403, "about:blank").await;
    let riga = app
        .service_queue(&token(&municipality("RIX")), home)
        .ok()
        .await;
    assert_eq!(riga, json!([]));
    // The provider's read is in the client's access log.
    let log = app.client_access_log(&kuldiga, client).ok().await;
    assert!(
        log["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|r| r["action"] == "waiting_list.queue" && r["actor_role"] == "provider"),
        "{log}"
    );
}

#[tokio::test]
async fn waiting_counts_and_median_days_are_exact_for_the_owner_and_controlled_for_the_ministry() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let riga = token(&municipality("RIX"));
    let (_, home) = service(&app, "group_home", 2, &ADULTS).await;
    // Kuldīga's queue: added 10, 20 and 40 days ago, and one closed (not counted).
    for (n, days) in [(1, 10), (2, 20), (3, 40), (4, 30)] {
        let client = adult(&app, "050", n).await;
        let grant = app.grant(&kuldiga, client, home).await;
        let entry = app
            .create_waiting_entry(
                &kuldiga,
                client,
                &waiting(grant, Priority::Normal, ago(days)),
            )
            .created_id()
            .await;
        if n == 4 {
            let withdrawn = CloseWaitingEntry {
                reason: CloseReason::Withdrawn,
                closed_on: Some(ago(1)),
            };
            app.close_waiting_entry(&kuldiga, client, entry, &withdrawn)
                .ok()
                .await;
        }
    }
    // Rīga's: one client, added 5 days ago.
    let other = adult(&app, "RIX", 5).await;
    let grant = app.grant(&riga, other, home).await;
    app.create_waiting_entry(&riga, other, &waiting(grant, Priority::Normal, ago(5)))
        .created()
        .await;

    // The owner sees its own queue exactly: three waiting, the middle one 20 days.
    let own = app
        .waiting_stats(&kuldiga, &grouped_by("service_type"))
        .ok()
        .await;
    assert_eq!(own["disclosure"]["applied"], false);
    let rows = own["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{own}");
    assert_eq!(rows[0]["service_type"], "group_home");
    assert_eq!(
        (
            rows[0]["waiting"].as_i64(),
            rows[0]["median_waiting_days"].as_i64()
        ),
        (Some(3), Some(20))
    );
    // Two days before the closed entry closed, it counted too (added 30 days ago).
    let earlier = StatsQuery {
        as_of: when(ago(2)),
        ..stats_query()
    };
    let then = app.waiting_stats(&kuldiga, &earlier).ok().await;
    assert_eq!(then["total"]["waiting"], 4);
    // 8, 18, 28 and 38 days by then: the lower middle is 18.
    assert_eq!(then["total"]["median_waiting_days"], 18);

    // An administrator sees the country: 5, 10, 20, 40 days, lower middle 10.
    let all = app
        .waiting_stats(&token(&admin()), &stats_query())
        .ok()
        .await;
    assert_eq!(all["total"]["waiting"], 4);
    assert_eq!(all["total"]["median_waiting_days"], 10);
    let by_municipality = app
        .waiting_stats(&token(&admin()), &grouped_by("municipality"))
        .ok()
        .await;
    let riga_row = by_municipality["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["municipality"] == "RIX")
        .expect("Rīga's row");
    assert_eq!(riga_row["median_waiting_days"], 5);

    // The ministry: counts perturbed, and no median of fewer persons than the threshold.
    let national = app
        .waiting_stats(&token(&ministry()), &stats_query())
        .ok()
        .await;
    assert_eq!(national["disclosure"]["applied"], true);
    assert!(
        national["total"]["median_waiting_days"].is_null(),
        "{national}"
    );
    for row in national["rows"].as_array().expect("rows") {
        assert!(row["median_waiting_days"].is_null(), "{row}");
        assert!(
            [0, 5].contains(&row["waiting"].as_i64().unwrap_or(-1)),
            "{row}"
        );
    }
    // A provider sees no statistics.
    let staff = app.new_provider("050", "LM-WAIT-STATS").await;
    let refused = app
        .waiting_stats(&token(&provider(staff)), &stats_query())
        .await;
    assert_problem(refused, 403, "about:blank").await;
}
