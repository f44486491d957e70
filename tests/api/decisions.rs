//! Service decisions (issue 15): a municipality records granted, refused and ended decisions
//! with their legal basis and appeal, and a placement rests on a granted decision that covers
//! its service type and start day.

use chrono::{Days, NaiveDate};
use kopiena::api::decisions::{AppealRecord, CreateDecision};
use kopiena::api::placements::CreatePlacement;
use kopiena::domain::client::TargetGroup;
use kopiena::domain::decision::{AppealOutcome, DecisionOutcome};
use kopiena::domain::ids::{DecisionId, ServiceId};
use serde_json::Value;

use crate::helpers::{
    TestApp, assert_problem, decision, id_of, municipality, placement, today, token,
};
use crate::mentors::adult;
use crate::placements::service;

const ADULTS: [TargetGroup; 1] = [TargetGroup::AdultWithMentalDisorder];

/// `n` days from today (back when negative).
fn day(n: i64) -> NaiveDate {
    let d = Days::new(n.unsigned_abs());
    if n < 0 { today() - d } else { today() + d }
}

fn granted(decided: i64, from: i64, to: Option<i64>) -> CreateDecision {
    CreateDecision {
        valid_to: to.map(day),
        ..decision(
            "group_home",
            DecisionOutcome::Granted,
            day(decided),
            Some(day(from)),
        )
    }
}

fn on_decision(service_id: i64, started_on: Option<NaiveDate>, id: i64) -> CreatePlacement {
    CreatePlacement {
        decision_id: Some(DecisionId(id)),
        ..placement(service_id, started_on)
    }
}

#[tokio::test]
async fn a_placement_rests_on_a_granted_decision_that_covers_it() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let (_, home) = service(&app, "group_home", 3, &ADULTS).await;
    let (_, other_home) = service(&app, "group_home", 4, &ADULTS).await;
    let client = adult(&app, "050", 1).await;
    let neighbour = adult(&app, "050", 2).await;

    // No decision: no placement.
    let undecided = app
        .create_placement(&kuldiga, client, &placement(home, None))
        .await;
    let problem = assert_problem(undecided, 409, "/problems/placement-not-decided").await;
    assert_eq!(problem["rule"], "DEC-PLACEMENT-COVERED");

    // A refusal grants nothing.
    let refusal = decision("group_home", DecisionOutcome::Refused, day(-20), None);
    let refused = app
        .create_decision(&kuldiga, client, &refusal)
        .created()
        .await;
    assert_eq!(refused["outcome"], "refused");
    let still = app
        .create_placement(&kuldiga, client, &placement(home, None))
        .await;
    assert_problem(still, 409, "/problems/placement-not-decided").await;

    // A grant from ten days ago for 110 days: where its Location says, with its appeal
    // deadline one month after the decision.
    let response = app
        .create_decision(&kuldiga, client, &granted(-12, -10, Some(100)))
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"]
        .to_str()
        .expect("a Location")
        .to_string();
    let grant: Value = response.json().await.expect("json");
    let grant_id = id_of(&grant);
    assert_eq!(
        location,
        format!("/api/v1/clients/{client}/decisions/{grant_id}")
    );
    assert_eq!(grant["municipality"], "050");
    assert_eq!(grant["legal_basis_code"], "social_services_law");
    assert_eq!(
        grant["appeal_deadline"],
        (day(-12) + chrono::Months::new(1)).to_string()
    );
    assert!(grant["appeal"].is_null());
    assert_eq!(
        app.get_decision(&kuldiga, client, grant_id).ok().await,
        grant
    );

    // Not before the grant's first day; from it on, the placement names the grant.
    let early = app
        .create_placement(&kuldiga, client, &placement(home, Some(day(-11))))
        .await;
    assert_problem(early, 409, "/problems/placement-not-decided").await;
    // A named decision must be one that covers the placement, and the client's own.
    let on_refusal = app
        .create_placement(&kuldiga, client, &on_decision(home, None, id_of(&refused)))
        .await;
    assert_problem(on_refusal, 409, "/problems/placement-not-decided").await;
    let not_theirs = app
        .create_placement(&kuldiga, neighbour, &on_decision(home, None, grant_id))
        .await;
    assert_problem(not_theirs, 422, "/problems/unknown-reference").await;
    let placed = app
        .create_placement(&kuldiga, client, &placement(home, None))
        .created()
        .await;
    assert_eq!(placed["decision_id"], grant_id);

    // An ending from day 30: no new placement of the type from then on.
    let ending = decision("group_home", DecisionOutcome::Ended, today(), Some(day(30)));
    let ended = app
        .create_decision(&kuldiga, client, &ending)
        .created()
        .await;
    let late = app
        .create_placement(&kuldiga, client, &placement(other_home, Some(day(40))))
        .await;
    let problem = assert_problem(late, 409, "/problems/placement-not-decided").await;
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("group_home") && d.contains(&day(40).to_string())),
        "{problem}"
    );

    // The client's decisions, latest decided first.
    let list = app.list_decisions(&kuldiga, client).ok().await;
    let ids: Vec<i64> = list.as_array().expect("a list").iter().map(id_of).collect();
    assert_eq!(ids, [id_of(&ended), grant_id, id_of(&refused)]);

    // Another municipality cannot tell the decision exists; the reads are in the access log.
    let riga = token(&municipality("RIX"));
    let hidden = app.get_decision(&riga, client, grant_id).await;
    assert_problem(hidden, 404, "about:blank").await;
    let log = app.client_access_log(&kuldiga, client).ok().await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|r| r["action"].as_str())
        .filter(|a| a.starts_with("decision."))
        .collect();
    for action in ["decision.create", "decision.read", "decision.list"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn an_appeal_is_decided_once_and_an_overturned_grant_covers_no_new_placement() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let (_, home) = service(&app, "group_home", 3, &ADULTS).await;
    let client = adult(&app, "050", 3).await;
    let grant = app
        .create_decision(&kuldiga, client, &granted(-30, -30, None))
        .created_id()
        .await;
    let appeal = |outcome, decided: Option<i64>| AppealRecord {
        filed_on: day(-20),
        outcome,
        decided_on: decided.map(day),
    };
    let filed = app
        .record_appeal(
            &kuldiga,
            client,
            grant,
            &appeal(AppealOutcome::Pending, None),
        )
        .ok()
        .await;
    assert_eq!(filed["appeal"]["outcome"], "pending");
    assert!(filed["appeal"]["decided_on"].is_null());
    // A pending appeal leaves the grant standing.
    let standing = app
        .create_placement(&kuldiga, client, &placement(home, Some(day(-10))))
        .created()
        .await;
    assert_eq!(standing["decision_id"], grant);

    // An outcome without its day is refused; with it, recorded; then final.
    let undated = app
        .record_appeal(
            &kuldiga,
            client,
            grant,
            &appeal(AppealOutcome::Overturned, None),
        )
        .await;
    let problem = assert_problem(undated, 422, "/problems/decision-terms").await;
    assert_eq!(problem["rule"], "DEC-TERMS");
    let overturned = app
        .record_appeal(
            &kuldiga,
            client,
            grant,
            &appeal(AppealOutcome::Overturned, Some(-5)),
        )
        .ok()
        .await;
    assert_eq!(overturned["appeal"]["outcome"], "overturned");
    assert_eq!(overturned["appeal"]["decided_on"], day(-5).to_string());
    let again = app
        .record_appeal(
            &kuldiga,
            client,
            grant,
            &appeal(AppealOutcome::Upheld, Some(-4)),
        )
        .await;
    let problem = assert_problem(again, 409, "/problems/appeal-decided").await;
    assert_eq!(problem["rule"], "DEC-APPEAL-FINAL");

    // The overturned grant covers no new placement; the one made while it stood stays.
    let (_, other_home) = service(&app, "group_home", 4, &ADULTS).await;
    let after = app
        .create_placement(&kuldiga, client, &placement(other_home, None))
        .await;
    assert_problem(after, 409, "/problems/placement-not-decided").await;
    let kept = app
        .get_placement(&kuldiga, client, id_of(&standing))
        .ok()
        .await;
    assert_eq!(kept["active"], true);

    // An appeal on an unknown decision is a 404.
    let missing = app
        .record_appeal(
            &kuldiga,
            client,
            grant + 1000,
            &appeal(AppealOutcome::Pending, None),
        )
        .await;
    assert_problem(missing, 404, "about:blank").await;
}

#[tokio::test]
async fn a_decisions_terms_are_checked_before_it_is_recorded() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let (_, home) = service(&app, "group_home", 3, &ADULTS).await;
    let (_, day_centre) = service(&app, "day_care_centre", 20, &ADULTS).await;
    let client = adult(&app, "050", 4).await;
    let terms = [
        (
            decision("group_home", DecisionOutcome::Granted, day(-1), None),
            "/problems/decision-terms",
        ),
        (
            decision(
                "group_home",
                DecisionOutcome::Refused,
                day(-1),
                Some(day(1)),
            ),
            "/problems/decision-terms",
        ),
        (
            decision("group_home", DecisionOutcome::Ended, day(-1), None),
            "/problems/decision-terms",
        ),
        (granted(1, 1, None), "/problems/decision-terms"),
        (granted(-1, 10, Some(5)), "/problems/decision-terms"),
        (
            CreateDecision {
                appeal_deadline: Some(day(-2)),
                ..granted(-1, 1, None)
            },
            "/problems/decision-terms",
        ),
        (
            decision(
                "state_social_care_centre",
                DecisionOutcome::Granted,
                day(-1),
                Some(day(1)),
            ),
            "/problems/vsac-decision-without-summary",
        ),
        (
            CreateDecision {
                legal_basis_code: Some("no_such_act".into()),
                ..granted(-1, 1, None)
            },
            "/problems/unknown-reference",
        ),
        (
            decision("no_such_type", DecisionOutcome::Refused, day(-1), None),
            "/problems/unknown-reference",
        ),
        (
            CreateDecision {
                service_id: Some(ServiceId(day_centre)),
                ..granted(-1, 1, None)
            },
            "/problems/validation",
        ),
    ];
    for (body, problem_type) in terms {
        let response = app.create_decision(&kuldiga, client, &body).await;
        let problem = assert_problem(response, 422, problem_type).await;
        if problem_type == "/problems/vsac-decision-without-summary" {
            assert_eq!(problem["rule"], "INV-A14");
        }
        if problem_type == "/problems/validation" {
            assert!(problem["errors"]["/service_id"].is_array(), "{problem}");
        }
    }
    // None of them was recorded.
    let list = app.list_decisions(&kuldiga, client).ok().await;
    assert_eq!(list, serde_json::json!([]));

    // A grant of one named service covers that service only.
    let named = CreateDecision {
        service_id: Some(ServiceId(home)),
        ..granted(-1, -1, None)
    };
    let grant = app
        .create_decision(&kuldiga, client, &named)
        .created()
        .await;
    assert_eq!(grant["service_id"], home);
    let (_, other_home) = service(&app, "group_home", 5, &ADULTS).await;
    let elsewhere = app
        .create_placement(&kuldiga, client, &placement(other_home, None))
        .await;
    assert_problem(elsewhere, 409, "/problems/placement-not-decided").await;
    app.create_placement(&kuldiga, client, &placement(home, None))
        .created()
        .await;
}
