//! Two instances on one database (issue 17): an instance keeps nothing the rules depend on,
//! so requests spread over two of them keep the mentor cap, a service's capacity and an
//! idempotency key's single effect exactly as one instance does.

use std::future::IntoFuture as _;

use kopiena::domain::client::TargetGroup;
use serde_json::Value;

use crate::helpers::{
    TestApp, TestDb, admin, adult as adult_body, assignment, clients_query, id_of, municipality,
    placement, token,
};
use crate::mentors::{FULL_TRAINING, adult, mentor};
use crate::placements::service;

const ADULTS: [TargetGroup; 1] = [TargetGroup::AdultWithMentalDisorder];

/// A second instance on `first`'s database.
async fn beside(first: &TestApp) -> TestApp {
    let db = TestDb::External {
        url: first.db.url().to_string(),
    };
    TestApp::spawn_on(db, |_| None).await
}

#[tokio::test]
async fn two_instances_keep_the_mentor_cap_the_capacity_and_one_effect_per_key() {
    let first = TestApp::spawn().await;
    let second = beside(&first).await;
    let on = |n: usize| if n.is_multiple_of(2) { &first } else { &second };
    let kuldiga = token(&municipality("050"));

    // Ten clients sent to one mentor at once, half through each instance: five are taken.
    let m = mentor(&first, "050", &FULL_TRAINING).await;
    let mut clients = Vec::new();
    for n in 0..10 {
        clients.push(adult(&first, "050", n).await);
    }
    let assigned = futures::future::join_all(clients.iter().enumerate().map(|(n, c)| {
        on(n)
            .create_assignment(&kuldiga, m, &assignment(*c, None))
            .into_future()
    }))
    .await;
    let statuses: Vec<u16> = assigned.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        5,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [201, 409].contains(s)),
        "{statuses:?}"
    );
    let active = second
        .list_mentor_assignments(&kuldiga, m)
        .ok()
        .await
        .as_array()
        .expect("assignments")
        .iter()
        .filter(|a| a["active"] == true)
        .count();
    assert_eq!(active, 5);

    // Eight placements in a three-place home at once, through both: three are placed.
    let (_, home) = service(&first, "group_home", 3, &ADULTS).await;
    let mut waiting = Vec::new();
    for n in 20..28 {
        let c = adult(&first, "050", n).await;
        first.grant(&kuldiga, c, home).await;
        waiting.push(c);
    }
    let placed = futures::future::join_all(waiting.iter().enumerate().map(|(n, c)| {
        on(n)
            .create_placement(&kuldiga, *c, &placement(home, None))
            .into_future()
    }))
    .await;
    let statuses: Vec<u16> = placed.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        3,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [201, 409].contains(s)),
        "{statuses:?}"
    );
    let home_now = second.get_service(home).ok().await;
    assert_eq!(home_now["vacancies"], 0, "{home_now}");

    // One registration sent with one key to both instances at once registers one client;
    // every answer shows that client, and all but the first say they are replays.
    let body = adult_body("161175-19997", "Divreiz");
    let answers = futures::future::join_all((0..6).map(|n| {
        on(n)
            .create_client(&kuldiga, &body)
            .idempotency_key("two instances")
            .into_future()
    }))
    .await;
    let mut ids = Vec::new();
    let mut firsts = 0;
    for answer in answers {
        assert_eq!(answer.status(), 201);
        firsts += usize::from(answer.headers().get("idempotent-replayed").is_none());
        ids.push(id_of(&answer.json::<Value>().await.expect("json")));
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(firsts, 1);
    // Ten for the mentor, eight for the home, and this one.
    let everyone = first
        .list_clients(&token(&admin()), &clients_query())
        .ok()
        .await;
    assert_eq!(everyone["total"], 19, "{everyone}");
}

/// `db`'s URL as a read database's: on PostgreSQL its sessions name themselves
/// `kopiena_reader`.
fn read_url(db: &TestDb) -> String {
    match db {
        TestDb::Postgres { url, .. } => format!("{url}?application_name=kopiena_reader"),
        other => format!("sqlite://{}", other.url()),
    }
}

/// `KOPIENA_READ_DATABASE_URL` sends statistics and the public lists to a second pool (a
/// read replica in production; here a second URL of the same database), and nothing else.
#[tokio::test]
async fn statistics_and_public_lists_are_read_through_the_read_database_url() {
    let db = TestDb::new();
    let reader_url = read_url(&db);
    let postgres = matches!(db, TestDb::Postgres { .. });
    let app = TestApp::spawn_on(db, move |key| {
        (key == "KOPIENA_READ_DATABASE_URL").then(|| reader_url.clone())
    })
    .await;
    let kuldiga = token(&municipality("050"));
    let (_, home) = service(&app, "group_home", 3, &ADULTS).await;
    adult(&app, "050", 1).await;

    let listed = app
        .get_as("/api/v1/services?municipality=050", &kuldiga)
        .ok()
        .await;
    assert_eq!(listed["items"][0]["id"], home);
    let table = app
        .client_stats(&kuldiga, &crate::helpers::stats_query())
        .ok()
        .await;
    assert_eq!(table["total"]["clients"], 1);

    // On PostgreSQL the reader's sessions name themselves: what they ran last is the
    // statistics' data version, and none of them ever wrote.
    if postgres {
        #[derive(diesel::QueryableByName)]
        struct Ran {
            #[diesel(sql_type = diesel::sql_types::Text)]
            query: String,
        }
        use diesel::RunQueryDsl as _;
        let ran: Vec<String> = diesel::sql_query(
            "SELECT query FROM pg_stat_activity WHERE application_name = 'kopiena_reader' \
             AND datname = current_database()",
        )
        .load::<Ran>(&mut app.db_connection())
        .expect("sessions")
        .into_iter()
        .map(|r| r.query)
        .collect();
        assert!(
            ran.iter().any(|q| q.contains("record_data_version")),
            "{ran:?}"
        );
        assert!(ran.iter().all(|q| !q.contains("INSERT")), "{ran:?}");
    }
}

/// With a read database, the public cache follows the changes the read database shows, not
/// the primary's: a cache emptied by a write on the primary could otherwise keep a list the
/// replica answered before replaying the write, until some later change. Here the "replica"
/// is a database of its own, changed through an instance of its own, and the primary sees no
/// change at all.
#[tokio::test]
async fn the_public_cache_follows_the_read_database() {
    let replica = TestApp::spawn().await;
    let replica_url = read_url(&replica.db);
    let app = TestApp::spawn_with(move |key| {
        (key == "KOPIENA_READ_DATABASE_URL").then(|| replica_url.clone())
    })
    .await;
    let total = || async { app.get("/api/v1/providers").ok().await["total"].clone() };
    let before = total().await;
    assert_eq!(total().await, before, "kept");

    let admin = token(&admin());
    replica
        .create_provider(&admin, &crate::helpers::provider_body("050", "40008000001"))
        .created()
        .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let now = total().await;
        if now != before {
            assert_eq!(now.as_i64(), before.as_i64().map(|n| n + 1));
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the list read from the read database still shows {before} providers"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
