//! Referrals (issue 15): the path a client walks from a decision to a placement in another
//! municipality's service, the place an accept holds, exactly, under concurrency.

use kopiena::api::referrals::DeclineReferral;
use kopiena::api::services::CreateService;
use kopiena::domain::client::TargetGroup;
use kopiena::domain::waiting::Priority;
use serde_json::Value;

use crate::helpers::{
    TestApp, assert_problem, assessment_body, ending, id_of, ministry, municipality, placement,
    provider, referral, service_body, today, token, waiting,
};
use crate::mentors::{adult, futures_join_all};

const ADULTS: [TargetGroup; 1] = [TargetGroup::AdultWithMentalDisorder];

/// A group home with `capacity` places run by a provider in Rīga; (provider, service).
async fn riga_home(app: &TestApp, capacity: i32) -> (i64, i64) {
    let provider_id = app.new_provider("RIX", &format!("LM-RIX-{capacity}")).await;
    let body = CreateService {
        name: format!("Rīgas grupu māja {capacity}"),
        ..service_body("group_home", capacity, &ADULTS)
    };
    let service_id = app
        .create_service(&token(&ministry()), provider_id, &body)
        .created_id()
        .await;
    (provider_id, service_id)
}

/// The states of a service's referrals, as its provider sees them.
async fn states(app: &TestApp, staff: &str, service_id: i64) -> Vec<String> {
    app.service_referrals(staff, service_id)
        .ok()
        .await
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| r["state"].as_str().expect("a state").to_string())
        .collect()
}

#[tokio::test]
async fn a_client_walks_from_decision_and_queue_to_a_placement_in_another_municipality() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let (provider_id, home) = riga_home(&app, 1).await;
    let staff = token(&provider(provider_id));
    let client = adult(&app, "050", 1).await;
    let other = adult(&app, "050", 2).await;

    // A granted decision, a place in Kuldīga's queue for group homes, a referral to Rīga.
    let grant = app.grant(&kuldiga, client, home).await;
    let entry = app
        .create_waiting_entry(&kuldiga, client, &waiting(grant, Priority::High, today()))
        .created_id()
        .await;
    let referred = app
        .create_referral(&kuldiga, client, &referral(home))
        .created()
        .await;
    let referral_id = id_of(&referred);
    assert_eq!(referred["state"], "referred");
    assert_eq!(referred["decision_id"], grant);
    assert_eq!(referred["paying_municipality"], "050");

    // The provider sees the need-to-know summary, never who the client is.
    let seen = app.service_referrals(&staff, home).ok().await;
    let mut members: Vec<&str> = seen[0]
        .as_object()
        .expect("a referral")
        .keys()
        .map(String::as_str)
        .collect();
    members.sort_unstable();
    assert!(!members.contains(&"client_id"), "{members:?}");
    assert_eq!(
        seen[0]["summary"]["target_group"],
        "adult_with_mental_disorder"
    );
    assert_eq!(seen[0]["summary"]["consent_reference"], "Piekrišana Nr. 12");

    // Nothing is shared before the provider serves the client.
    let before = app.shared_record(&staff, client).await;
    assert_problem(before, 404, "about:blank").await;
    app.create_assessment(
        &kuldiga,
        client,
        &assessment_body(ADULTS[0], today(), (2, 2, 2)),
    )
    .created()
    .await;

    // Accepting holds the one place for the configured days: vacancies drop by one.
    let before = app.get_service(home).ok().await;
    assert_eq!(
        (before["vacancies"].as_i64(), before["held"].as_i64()),
        (Some(1), Some(0))
    );
    let accepted = app.accept_referral(&staff, referral_id).ok().await;
    let after = app.get_service(home).ok().await;
    assert_eq!(
        (after["vacancies"].as_i64(), after["held"].as_i64()),
        (Some(0), Some(1))
    );
    assert_eq!(accepted["state"], "accepted");
    assert_eq!(
        accepted["hold_until"],
        (today() + chrono::Days::new(14)).to_string()
    );
    // While the place is held, the provider's staff read the shared case record: the current
    // assessment, never the personal code.
    let shared = app.shared_record(&staff, client).ok().await;
    assert_eq!(shared["assessment"]["care_level"], "II");
    assert!(shared.get("personal_code").is_none(), "{shared}");
    let ministry_read = app.shared_record(&token(&ministry()), client).await;
    assert_problem(ministry_read, 403, "about:blank").await;
    // The held place is taken: another referral cannot be accepted, nor another client placed.
    app.grant(&kuldiga, other, home).await;
    let second = app
        .create_referral(&kuldiga, other, &referral(home))
        .created_id()
        .await;
    let full = app.accept_referral(&staff, second).await;
    assert_problem(full, 409, "/problems/service-capacity-exceeded").await;
    let elsewhere = app
        .create_placement(&kuldiga, other, &placement(home, None))
        .await;
    assert_problem(elsewhere, 409, "/problems/service-capacity-exceeded").await;
    // Only the service's own provider answers.
    let (stranger, _) = riga_home(&app, 2).await;
    let refused = app
        .accept_referral(&token(&provider(stranger)), second)
        .await;
    assert_problem(refused, 403, "about:blank").await;

    // Kuldīga places the client: the hold becomes the placement, the entry closes `placed`.
    let placed = app
        .create_placement(&kuldiga, client, &placement(home, None))
        .created()
        .await;
    let now = app.get_referral(&kuldiga, client, referral_id).ok().await;
    assert_eq!(now["state"], "placed");
    let taken = app.get_service(home).ok().await;
    assert_eq!(
        (
            taken["occupied"].as_i64(),
            taken["held"].as_i64(),
            taken["vacancies"].as_i64()
        ),
        (Some(1), Some(0), Some(0))
    );
    assert_eq!(now["placement_id"], id_of(&placed));
    let closed = app.get_waiting_entry(&kuldiga, client, entry).ok().await;
    assert_eq!(closed["close_reason"], "placed");

    // The other referral is withdrawn; once.
    let revoked = app.revoke_referral(&kuldiga, other, second).ok().await;
    assert_eq!(revoked["state"], "revoked");
    let again = app.revoke_referral(&kuldiga, other, second).await;
    let problem = assert_problem(again, 409, "/problems/referral-closed").await;
    assert_eq!(problem["rule"], "REF-STEP");
    assert_eq!(states(&app, &staff, home).await, ["revoked", "placed"]);

    // Every step of the provider is in the client's access log, with the reader's role.
    let log = app.client_access_log(&kuldiga, client).ok().await;
    let by_provider: Vec<&str> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|r| r["actor_role"] == "provider")
        .filter_map(|r| r["action"].as_str())
        .collect();
    for action in [
        "referral.service_list",
        "referral.accept",
        "client.shared_record.read",
    ] {
        assert!(by_provider.contains(&action), "{action} in {by_provider:?}");
    }

    // When the placement ends, so does the provider's read.
    app.shared_record(&staff, client).ok().await;
    app.end_placement(&kuldiga, id_of(&placed), &ending(Some(today()), "Moved on"))
        .ok()
        .await;
    let after = app.shared_record(&staff, client).await;
    assert_problem(after, 404, "about:blank").await;
}

#[tokio::test]
async fn twenty_concurrent_accepts_for_one_free_place_accept_exactly_one() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let (provider_id, home) = riga_home(&app, 1).await;
    let staff = token(&provider(provider_id));
    let mut referrals = Vec::new();
    for n in 0..20 {
        let client = adult(&app, "050", 100 + n).await;
        app.grant(&kuldiga, client, home).await;
        let id = app
            .create_referral(&kuldiga, client, &referral(home))
            .created_id()
            .await;
        referrals.push(id);
    }
    let statuses = futures_join_all(referrals.iter().map(|id| {
        let (app, staff) = (&app, &staff);
        async move { app.accept_referral(staff, *id).await }
    }))
    .await;
    let accepted = statuses.iter().filter(|s| **s == 200).count();
    let full = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!((accepted, full), (1, 19), "{statuses:?}");
    // Holds and placements never exceed the capacity.
    let held = states(&app, &staff, home).await;
    assert_eq!(held.iter().filter(|s| *s == "accepted").count(), 1);
    assert_eq!(app.get_service(home).ok().await["occupied"], 0);
}

#[tokio::test]
async fn a_declined_referral_is_answered_once_and_frees_nothing() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let (provider_id, home) = riga_home(&app, 1).await;
    let staff = token(&provider(provider_id));
    let client = adult(&app, "050", 7).await;

    // No decision, no referral.
    let undecided = app.create_referral(&kuldiga, client, &referral(home)).await;
    assert_problem(undecided, 409, "/problems/placement-not-decided").await;
    app.grant(&kuldiga, client, home).await;
    let id = app
        .create_referral(&kuldiga, client, &referral(home))
        .created_id()
        .await;
    let why = DeclineReferral {
        reason: "No place for a wheelchair user".into(),
    };
    let declined: Value = app.decline_referral(&staff, id, &why).ok().await;
    assert_eq!(declined["state"], "declined");
    assert_eq!(declined["decline_reason"], "No place for a wheelchair user");
    let late = app.accept_referral(&staff, id).await;
    assert_problem(late, 409, "/problems/referral-closed").await;
    // Nor may a municipality answer, nor the provider revoke.
    let not_theirs = app.accept_referral(&kuldiga, id).await;
    assert_problem(not_theirs, 403, "about:blank").await;
    let revoke = app.revoke_referral(&staff, client, id).await;
    assert_problem(revoke, 403, "about:blank").await;
}
