use kopiena::api::assessments::CreateAssessment;
use kopiena::api::clients::{Consent, UpdateClient};
use kopiena::api::placements::{ListPlacementsQuery, TimeLimitQuery};
use kopiena::api::providers::UpdateProvider;
use kopiena::api::reference::ListTargetGroupsQuery;
use kopiena::api::services::{CreateService, ListServicesQuery, UpdateService};
use kopiena::domain::client::TargetGroup;
use kopiena::domain::registry::ProviderStatus;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, assert_problem, assessment_body, assignment, client_body, client_update, date, ending,
    etag_of, id_of, ministry, months_from, municipality, new_code, placement, provider,
    provider_update, service_body, service_update, services_query, today, token,
};
use crate::mentors::{FULL_TRAINING, adult, client, futures_join_all, mentor};

const ADULTS: [TargetGroup; 1] = [TargetGroup::AdultWithMentalDisorder];
const ORPHANS: [TargetGroup; 1] = [TargetGroup::OrphanOrNoParentalCare];

/// Creates an active service of `service_type` with `capacity` places; returns (provider, service).
pub async fn service(
    app: &TestApp,
    service_type: &str,
    capacity: i32,
    groups: &[TargetGroup],
) -> (i64, i64) {
    let pid = app
        .new_provider("050", &format!("LM-{service_type}-{capacity}"))
        .await;
    let body = CreateService {
        name: format!("{service_type} service"),
        address: "Liepu iela 1".into(),
        price: None,
        ..service_body(service_type, capacity, groups)
    };
    let sid = app
        .create_service(&token(&ministry()), pid, &body)
        .created_id()
        .await;
    (pid, sid)
}

/// Places `client_id` in `service_id` from `on`, as the Kuldīga municipality, on a decision
/// granting the service type (`TestApp::grant`).
pub async fn place(app: &TestApp, client_id: i64, service_id: i64, on: &str) -> reqwest::Response {
    let kuldiga = token(&municipality("050"));
    app.grant(&kuldiga, client_id, service_id).await;
    app.create_placement(&kuldiga, client_id, &placement(service_id, Some(date(on))))
        .await
}

/// The placements past their time limit on `on`, as the Kuldīga municipality sees them.
async fn past_time_limit(app: &TestApp, on: &str) -> Value {
    app.placements_past_time_limit(
        &token(&municipality("050")),
        &TimeLimitQuery { on: Some(date(on)) },
    )
    .ok()
    .await
}

#[tokio::test]
async fn placements_never_exceed_capacity_and_occupancy_shows_on_the_service() {
    let app = TestApp::spawn().await;
    let (_, s) = service(&app, "group_home", 2, &ADULTS).await;
    let a = adult(&app, "050", 1).await;
    let b = adult(&app, "050", 2).await;
    let c = adult(&app, "050", 3).await;
    let first = place(&app, a, s, "2026-01-10").await;
    assert_eq!(first.status(), 201);
    let location = first.headers()["location"]
        .to_str()
        .expect("a Location")
        .to_string();
    let created = first.json::<Value>().await.expect("json");
    let first = id_of(&created);
    // The new placement is where its Location says, for its client only.
    assert_eq!(location, format!("/api/v1/clients/{a}/placements/{first}"));
    let kuldiga = token(&municipality("050"));
    assert_eq!(app.get_as(&location, &kuldiga).ok().await, created);
    let response = app.get_placement(&kuldiga, b, first).await;
    assert_problem(response, 404, "about:blank").await;
    let response = app
        .get_placement(&token(&municipality("RIX")), a, first)
        .await;
    assert_eq!(response.status(), 404);
    // Each read is audited on the client's record, the refused one too.
    let log = app.client_access_log(&kuldiga, a).ok().await;
    let reads = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|r| r["action"] == "placement.read")
        .count();
    assert_eq!(reads, 2, "{log}");
    assert_eq!(place(&app, b, s, "2026-01-10").await.status(), 201);
    let problem = assert_problem(
        place(&app, c, s, "2026-01-10").await,
        409,
        "/problems/service-capacity-exceeded",
    )
    .await;
    assert!(problem["rule"].is_string());
    let service = app.get_service(s).ok().await;
    assert_eq!(
        (service["occupied"].as_i64(), service["vacancies"].as_i64()),
        (Some(2), Some(0))
    );
    assert_eq!(
        app.list_services(&ListServicesQuery {
            has_vacancies: Some(true),
            ..services_query()
        })
        .ok()
        .await["total"],
        0
    );

    // Ending a placement frees the place.
    let end = app
        .end_placement(
            &token(&municipality("050")),
            first,
            &ending(Some(date("2026-02-01")), "Moved"),
        )
        .await;
    assert_eq!(end.status(), 200);
    assert_eq!(place(&app, c, s, "2026-02-02").await.status(), 201);
    let service = app.get_service(s).ok().await;
    assert_eq!(service["occupied"], 2);
    // Capacity cannot drop below occupancy.
    let smaller = UpdateService {
        capacity: Some(1),
        ..service_update()
    };
    let response = app.update_service(&token(&ministry()), s, &smaller).await;
    assert_problem(response, 409, "/problems/capacity-below-occupancy").await;
}

#[tokio::test]
async fn simultaneous_placements_fill_a_service_exactly_to_capacity() {
    let app = TestApp::spawn().await;
    let (_, s) = service(&app, "group_home", 3, &ADULTS).await;
    let mut clients = Vec::new();
    for n in 0..12 {
        clients.push(adult(&app, "050", n).await);
    }
    let statuses = futures_join_all(clients.iter().map(|c| place(&app, *c, s, "2026-01-10"))).await;
    let created = statuses.iter().filter(|s| **s == 201).count();
    let refused = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!((created, refused), (3, 9), "{statuses:?}");
    assert_eq!(app.get_service(s).ok().await["occupied"], 3);
}

#[tokio::test]
async fn a_service_must_be_active_and_serve_the_clients_target_group() {
    let app = TestApp::spawn().await;
    let (pid, s) = service(&app, "group_home", 5, &ADULTS).await;
    let child = client(
        &app,
        "050",
        9,
        TargetGroup::OrphanOrNoParentalCare,
        date("2015-01-01"),
    )
    .await;
    assert_problem(
        place(&app, child, s, "2026-01-10").await,
        422,
        "/problems/target-group-not-served",
    )
    .await;
    let suspended = UpdateProvider {
        status: Some(ProviderStatus::Suspended),
        ..provider_update()
    };
    app.update_provider(&token(&ministry()), pid, &suspended)
        .await;
    let a = adult(&app, "050", 1).await;
    // Suspended from today: not active today, though it was on earlier days.
    assert_problem(
        place(&app, a, s, &today().to_string()).await,
        409,
        "/problems/service-not-active",
    )
    .await;
}

#[tokio::test]
async fn youth_home_residents_are_placed_before_24_and_reaching_24_becomes_a_due_item() {
    let app = TestApp::spawn().await;
    let (_, s) = service(&app, "youth_home", 6, &ORPHANS).await;
    // A 17-year-old orphan placed today is due at 24.
    let young = client(
        &app,
        "050",
        1,
        TargetGroup::OrphanOrNoParentalCare,
        date("2009-06-01"),
    )
    .await;
    let placed = place(&app, young, s, "2026-01-10").await;
    let placed: Value = placed.json().await.expect("json");
    assert_eq!(
        placed["time_limit"],
        json!({"rule": "INV-C03", "due_on": "2033-06-01"})
    );
    let due = past_time_limit(&app, "2033-06-01").await;
    assert_eq!(due.as_array().map(Vec::len), Some(1));
    let not_yet = past_time_limit(&app, "2033-05-31").await;
    assert_eq!(not_yet.as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn a_young_person_of_18_to_23_leaving_care_is_placed_in_a_youth_home() {
    let app = TestApp::spawn().await;
    // The catalogue: youth homes serve the orphan group, which keeps care leavers until 24.
    let youth_home = app.get_service_type("youth_home").ok().await;
    assert!(
        youth_home["target_groups"]
            .as_array()
            .is_some_and(|g| g.iter().any(|g| g == "orphan_or_no_parental_care")),
        "{youth_home}"
    );
    let groups = app
        .list_target_groups(&ListTargetGroupsQuery { di: Some(true) })
        .ok()
        .await;
    assert_eq!(groups["items"][0]["code"], "orphan_or_no_parental_care");
    assert_eq!(groups["items"][0]["max_age"], 23);

    let (_, s) = service(&app, "youth_home", 6, &ORPHANS).await;
    let ages = [18, 20, 23];
    for (n, age) in ages.into_iter().enumerate() {
        let born = months_from(today(), -12 * age) - chrono::Days::new(10);
        let young = client(&app, "050", n as u64 + 1, ORPHANS[0], born).await;
        let placed = place(&app, young, s, &today().to_string()).await;
        assert_eq!(placed.status(), 201, "aged {age}");
        let placed: Value = placed.json().await.expect("json");
        assert_eq!(placed["time_limit"]["rule"], "INV-C03", "aged {age}");
        assert_eq!(
            placed["time_limit"]["due_on"],
            months_from(born, 24 * 12).to_string(),
            "due on the 24th birthday"
        );
    }
    // At 24 a young person is neither in the group nor placed in a youth home.
    let born = months_from(today(), -12 * 24);
    let response = app
        .create_client(
            &token(&municipality("050")),
            &client_body(&new_code(99), "Jaunietis", born, ORPHANS[0]),
        )
        .await;
    assert_problem(response, 422, "/problems/target-group-age").await;
}

#[tokio::test]
async fn inv_c07_an_older_child_in_a_social_care_centre_is_due_after_six_months() {
    let app = TestApp::spawn().await;
    for (n, service_type) in ["municipal_social_care_centre", "state_social_care_centre"]
        .into_iter()
        .enumerate()
    {
        let (_, s) = service(&app, service_type, 10, &ORPHANS).await;
        // Four on the day of the placement: no longer INV-C06 (up to 3), INV-C07 from 4.
        let child = client(
            &app,
            "050",
            n as u64 + 1,
            TargetGroup::OrphanOrNoParentalCare,
            date("2022-01-15"),
        )
        .await;
        let placed: Value = place(&app, child, s, "2026-01-15")
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(
            placed["time_limit"],
            json!({"rule": "INV-C07", "due_on": "2026-07-15"}),
            "{service_type}"
        );
    }
    let due = past_time_limit(&app, "2026-07-15").await;
    assert_eq!(due.as_array().map(Vec::len), Some(2), "{due}");
    assert!(
        due.as_array()
            .is_some_and(|d| d.iter().all(|p| p["time_limit"]["rule"] == "INV-C07"))
    );
    let not_yet = past_time_limit(&app, "2026-07-14").await;
    assert_eq!(not_yet.as_array().map(Vec::len), Some(0));
    // An adult's stay in a social care centre has no such limit.
    let (_, s) = service(&app, "municipal_social_care_centre", 5, &ADULTS).await;
    let a = adult(&app, "050", 7).await;
    let placed: Value = place(&app, a, s, "2026-01-15")
        .await
        .json()
        .await
        .expect("json");
    assert!(placed["time_limit"].is_null(), "{placed}");
}

#[tokio::test]
async fn a_small_child_in_a_social_care_centre_is_due_after_three_months() {
    let app = TestApp::spawn().await;
    let (_, s) = service(&app, "municipal_social_care_centre", 10, &ORPHANS).await;
    let baby = client(
        &app,
        "050",
        1,
        TargetGroup::OrphanOrNoParentalCare,
        date("2024-03-01"),
    )
    .await;
    let placed: Value = place(&app, baby, s, "2026-01-15")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(placed["institutional"], true);
    assert_eq!(
        placed["time_limit"],
        json!({"rule": "INV-C06", "due_on": "2026-04-15"})
    );
    let due = past_time_limit(&app, "2026-05-01").await;
    assert_eq!(due[0]["client_id"], baby);
}

#[tokio::test]
async fn di_status_follows_placements_and_a_move_to_community_is_a_transition_needing_reassessment()
{
    let app = TestApp::spawn().await;
    let (_, vsac) = service(&app, "state_social_care_centre", 50, &ADULTS).await;
    let (_, home) = service(&app, "group_home", 6, &ADULTS).await;
    let c = adult(&app, "050", 1).await;
    let m = token(&municipality("050"));
    let inst = id_of(
        &place(&app, c, vsac, "2026-01-01")
            .await
            .json::<Value>()
            .await
            .expect("json"),
    );
    let di_status = async || app.get_client(&m, c).ok().await["di_status"].clone();
    let reassessments = async || app.reassessments_after_transition(&m).ok().await;
    let without_mentor = async || app.clients_without_mentor(&m).ok().await;
    assert_eq!(di_status().await, "in_institution");
    // A VSAC resident enters a community service only with their consent (INV-A03).
    let refused = assert_problem(
        place(&app, c, home, "2026-03-01").await,
        409,
        "/problems/vsac-consent-required",
    )
    .await;
    assert_eq!(refused["rule"], "INV-A03");
    let consent = UpdateClient {
        vsac_consent: Some(Consent {
            given: true,
            date: Some(date("2026-02-20")),
        }),
        ..client_update()
    };
    let etag = etag_of(&app.get_client(&m, c).await);
    app.update_client(&m, c, &consent)
        .if_match(&etag)
        .ok()
        .await;
    // A community placement while still in the institution: still in_institution.
    assert_eq!(place(&app, c, home, "2026-03-01").await.status(), 201);
    assert_eq!(di_status().await, "in_institution");
    assert_eq!(reassessments().await, json!([]));
    // Leaving the institution completes the move: a transition, a reassessment due.
    app.end_placement(
        &m,
        inst,
        &ending(Some(date("2026-03-05")), "Moved to a group home"),
    )
    .await;
    assert_eq!(di_status().await, "in_community");
    let due = reassessments().await;
    assert_eq!(due[0]["client_id"], c);
    assert_eq!(due[0]["transitioned_on"], "2026-03-05");
    // Receiving community services without a mentor is a gap too.
    let gaps = without_mentor().await;
    assert_eq!(gaps[0]["client_id"], c);
    let mentor_id = mentor(&app, "050", &FULL_TRAINING).await;
    app.create_assignment(&m, mentor_id, &assignment(c, None))
        .await;
    assert_eq!(without_mentor().await, json!([]));
    // A reassessment after the move clears the due item.
    let reassessment = CreateAssessment {
        quality_of_life_score: 70,
        ..assessment_body(
            TargetGroup::AdultWithMentalDisorder,
            date("2026-03-20"),
            (1, 1, 1),
        )
    };
    app.create_assessment(&m, c, &reassessment).created().await;
    assert_eq!(reassessments().await, json!([]));
}

#[tokio::test]
async fn providers_see_placements_in_their_own_services_with_names_but_no_personal_codes() {
    let app = TestApp::spawn().await;
    let (pid, s) = service(&app, "group_home", 4, &ADULTS).await;
    let c = adult(&app, "050", 1).await;
    place(&app, c, s, "2026-01-10").await;
    let all = ListPlacementsQuery { active: None };
    let list = app
        .list_service_placements(&token(&provider(pid)), s, &all)
        .ok()
        .await;
    assert_eq!(list[0]["client_given_name"], "Klients1");
    assert!(!list.to_string().contains("personal_code"));
    let another = app.new_provider("050", "LM-ANOTHER").await;
    let other = app
        .list_service_placements(&token(&provider(another)), s, &all)
        .await;
    assert_problem(other, 403, "about:blank").await;
    let other_municipality = app
        .list_service_placements(&token(&municipality("RIX")), s, &all)
        .ok()
        .await;
    assert_eq!(other_municipality, json!([]));
}
