//! Effective dating: facts hold from their start day up to, not including, their end day,
//! and the limits hold on every day, not only today (issue: a record right on every date).

use chrono::{Days, NaiveDate};
use kopiena::api::audit::ListAuditQuery;
use kopiena::domain::client::TargetGroup;
use kopiena::domain::ids::ClientId;
use serde_json::Value;

use crate::helpers::{
    TestApp, assert_problem, assignment, audit_query, ending, id_of, municipality, placement,
    today, token, training, transfer,
};
use crate::mentors::{FULL_TRAINING, adult, futures_join_all, mentor};
use crate::placements::{place, service};

const ADULTS: [TargetGroup; 1] = [TargetGroup::AdultWithMentalDisorder];

fn days_from_today(days: i64) -> NaiveDate {
    let t = today();
    if days >= 0 {
        t + Days::new(days.unsigned_abs())
    } else {
        t - Days::new(days.unsigned_abs())
    }
}

/// A placement ending in 30 days keeps its place until then: a 1-place service takes no
/// second resident today, but does from the day the first one leaves.
#[tokio::test]
async fn a_future_end_frees_a_place_only_from_that_day() {
    let app = TestApp::spawn().await;
    let (_, s) = service(&app, "group_home", 1, &ADULTS).await;
    let m = token(&municipality("050"));
    let first = adult(&app, "050", 1).await;
    let second = adult(&app, "050", 2).await;
    let today = today().to_string();
    let placed = id_of(
        &place(&app, first, s, &today)
            .await
            .json::<Value>()
            .await
            .expect("json"),
    );
    let leaves = days_from_today(30);
    let ended = app
        .end_placement(&m, placed, &ending(Some(leaves), "Moves out"))
        .ok()
        .await;
    assert_eq!(ended["active"], true, "active until its end day");
    assert_problem(
        place(&app, second, s, &today).await,
        409,
        "/problems/service-capacity-exceeded",
    )
    .await;
    // A stay that ends before the place frees still collides on its first day.
    let short = app
        .create_placement(&m, second, &placement(s, Some(days_from_today(10))))
        .await;
    assert_problem(short, 409, "/problems/service-capacity-exceeded").await;
    let later = app
        .create_placement(&m, second, &placement(s, Some(leaves)))
        .created()
        .await;
    assert_eq!(later["active"], false, "planned, not active yet");
    assert_eq!(app.get_service(s).ok().await["occupied"], 1);
    // A closed interval is not reopened or moved.
    let again = app.end_placement(&m, placed, &ending(None, "Twice")).await;
    assert_problem(again, 409, "/problems/already-ended").await;
}

/// Starts are dated within the recording window (90 days ahead, 365 back), and a planned
/// start is not active today.
#[tokio::test]
async fn starts_are_checked_against_the_recording_window() {
    let app = TestApp::spawn().await;
    let (_, s) = service(&app, "group_home", 5, &ADULTS).await;
    let m = token(&municipality("050"));
    let c = adult(&app, "050", 1).await;
    app.grant(&m, c, s).await;
    for days in [400, 91, -366] {
        let response = app
            .create_placement(&m, c, &placement(s, Some(days_from_today(days))))
            .await;
        let problem = assert_problem(response, 422, "/problems/outside-dating-window").await;
        assert_eq!(problem["rule"], "REC-DATING-WINDOW");
    }
    let planned = app
        .create_placement(&m, c, &placement(s, Some(days_from_today(90))))
        .created()
        .await;
    assert_eq!(planned["active"], false);
    assert_eq!(app.get_client(&m, c).ok().await["di_status"], "no_service");
    assert_eq!(app.get_service(s).ok().await["occupied"], 0);
    let mentor_id = mentor(&app, "050", &[]).await;
    let far = app
        .create_assignment(&m, mentor_id, &assignment(c, Some(days_from_today(400))))
        .await;
    assert_problem(far, 422, "/problems/outside-dating-window").await;
}

/// Eligibility (INV-M04) is judged on the assignment's start date: trainings completed
/// after it do not count.
#[tokio::test]
async fn mentor_eligibility_is_judged_on_the_start_date() {
    let app = TestApp::spawn().await;
    let m = token(&municipality("050"));
    let mentor_id = mentor(&app, "050", &[]).await;
    let trained_on = days_from_today(-10);
    for (programme, hours) in FULL_TRAINING {
        app.add_training(&m, mentor_id, &training(programme, hours, trained_on))
            .created()
            .await;
    }
    let c = adult(&app, "050", 1).await;
    let before = app
        .create_assignment(&m, mentor_id, &assignment(c, Some(days_from_today(-100))))
        .await;
    let problem = assert_problem(before, 409, "/problems/mentor-not-eligible").await;
    assert_eq!(problem["rule"], "INV-M04");
    app.create_assignment(&m, mentor_id, &assignment(c, Some(trained_on)))
        .created()
        .await;
}

/// Concurrent assignments whose intervals overlap only partly: the cap of five holds on
/// every day. Four open assignments; then ten requests each for a fifth and sixth place on
/// different, overlapping windows.
#[tokio::test]
async fn concurrent_partly_overlapping_assignments_keep_the_cap_on_every_day() {
    let app = TestApp::spawn().await;
    let m = token(&municipality("050"));
    let mentor_id = mentor(&app, "050", &FULL_TRAINING).await;
    for n in 0..4 {
        let c = adult(&app, "050", n).await;
        app.create_assignment(&m, mentor_id, &assignment(c, None))
            .created()
            .await;
    }
    let mut clients = Vec::new();
    for n in 10..22 {
        clients.push(adult(&app, "050", n).await);
    }
    // Every start lies within 60 days and every assignment stays open, so any two of them
    // overlap from the later start on: only one can take the fifth place.
    let statuses = futures_join_all(clients.iter().enumerate().map(|(i, c)| {
        let start = days_from_today(i64::try_from(i * 5).expect("small"));
        let app = &app;
        let m = &m;
        async move {
            app.create_assignment(m, mentor_id, &assignment(*c, Some(start)))
                .await
        }
    }))
    .await;
    let created = statuses.iter().filter(|s| **s == 201).count();
    assert_eq!(created, 1, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    runs_are_what_the_record_says(&app);
}

/// The derived runs the concurrent writers kept equal those computed from the record at
/// once: no write left its runs behind.
fn runs_are_what_the_record_says(app: &TestApp) {
    let kept = app.derived_runs();
    app.rebuild_derived_runs();
    assert_eq!(app.derived_runs(), kept);
}

/// Concurrent placements in a 2-place service where one resident leaves in 20 days: requests
/// starting before and after that day compete; no day is ever over capacity.
#[tokio::test]
async fn concurrent_partly_overlapping_placements_stay_within_capacity_on_every_day() {
    let app = TestApp::spawn().await;
    let (_, s) = service(&app, "group_home", 2, &ADULTS).await;
    let m = token(&municipality("050"));
    let first = adult(&app, "050", 1).await;
    let placed = id_of(
        &place(&app, first, s, &today().to_string())
            .await
            .json::<Value>()
            .await
            .expect("json"),
    );
    app.end_placement(&m, placed, &ending(Some(days_from_today(20)), "Leaves"))
        .ok()
        .await;
    let mut clients = Vec::new();
    for n in 10..20 {
        let c = adult(&app, "050", n).await;
        app.grant(&m, c, s).await;
        clients.push(c);
    }
    // Half start today (one place free until day 20), half on day 20 or later (two free).
    let statuses = futures_join_all(clients.iter().enumerate().map(|(i, c)| {
        let offset = if i % 2 == 0 { 0 } else { 20 + i as i64 };
        let body = placement(s, Some(days_from_today(offset)));
        let (app, m) = (&app, &m);
        async move { app.create_placement(m, *c, &body).await }
    }))
    .await;
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    // Recount every day from the stored placements: never more than two at once.
    let listed = app
        .list_service_placements(
            &m,
            s,
            &kopiena::api::placements::ListPlacementsQuery { active: None },
        )
        .ok()
        .await;
    let spans: Vec<(NaiveDate, Option<NaiveDate>)> = listed
        .as_array()
        .expect("placements")
        .iter()
        .map(|p| {
            let day = |v: &Value| v.as_str().map(|s| s.parse::<NaiveDate>().expect("date"));
            (day(&p["started_on"]).expect("start"), day(&p["ended_on"]))
        })
        .collect();
    for offset in 0..120 {
        let day = days_from_today(offset);
        let active = spans
            .iter()
            .filter(|(start, end)| *start <= day && end.is_none_or(|e| day < e))
            .count();
        assert!(active <= 2, "{active} placements on {day}");
    }
    assert!(spans.len() >= 3, "the free places were taken: {spans:?}");
    runs_are_what_the_record_says(&app);
}

/// A transfer takes effect on its date: recorded on or after it, not ahead; not before the
/// last transfer; the new owner must exist on that date and today (Varakļāni, 102, ended on
/// 2025-06-30).
#[tokio::test]
async fn transfers_are_dated_and_name_a_municipality_valid_then_and_now() {
    let app = TestApp::spawn().await;
    let m = token(&municipality("050"));
    let c = adult(&app, "050", 1).await;
    let ahead = kopiena::api::transfers::TransferClient {
        transferred_on: Some(days_from_today(10)),
        ..transfer("RIX", "Moving next week")
    };
    let problem = assert_problem(
        app.transfer_client(&m, c, &ahead).await,
        422,
        "/problems/transfer-in-future",
    )
    .await;
    assert_eq!(problem["rule"], "CASE-TRANSFER-DATED");
    let to_dissolved = kopiena::api::transfers::TransferClient {
        transferred_on: Some(days_from_today(-200)),
        ..transfer("102", "Back-dated")
    };
    assert_problem(
        app.transfer_client(&m, c, &to_dissolved).await,
        422,
        "/problems/municipality-not-valid",
    )
    .await;
    let back_dated = kopiena::api::transfers::TransferClient {
        transferred_on: Some(days_from_today(-30)),
        ..transfer("RIX", "Moved last month")
    };
    app.transfer_client(&m, c, &back_dated).created().await;
    let riga = token(&municipality("RIX"));
    let before_last = kopiena::api::transfers::TransferClient {
        transferred_on: Some(days_from_today(-60)),
        ..transfer("050", "Earlier than the last transfer")
    };
    assert_problem(
        app.transfer_client(&riga, c, &before_last).await,
        409,
        "/problems/transfer-out-of-order",
    )
    .await;
    assert_eq!(app.get_client(&riga, c).ok().await["municipality"], "RIX");
    // Kuldīga no longer reads the client, but still reads its own past acts on it.
    assert_eq!(app.get_client(&m, c).await.status(), 404);
    let own_acts = ListAuditQuery {
        client_id: Some(ClientId(c)),
        ..audit_query()
    };
    let page = app.list_audit(&m, &own_acts).ok().await;
    let acts = page["items"].as_array().expect("items");
    assert!(!acts.is_empty());
    assert!(
        acts.iter().all(|a| a["actor_municipality"] == "050"),
        "{page}"
    );
    assert!(
        acts.iter().any(|a| a["action"] == "client.transfer"),
        "{page}"
    );
}
