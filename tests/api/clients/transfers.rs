//! A case moves with the client to the new municipality, with its history.

use kopiena::api::transfer_requests::{AnswerTransferRequest, RequestTransfer};
use kopiena::api::transfers::TransferClient;
use serde_json::{Value, json};

use super::ADULT;
use kopiena::domain::mentor::ContractType;

use crate::helpers::{
    TestApp, admin, adult, assert_problem, assessment_body, assignment, clients_query, date,
    ending as ending_on, mentor_body, municipality, new_code, region, search, today, token,
    training, transfer,
};
use crate::mentors::{FULL_TRAINING, mentor};

#[tokio::test]
async fn a_transferred_case_belongs_to_the_new_municipality_with_its_history() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let riga = token(&municipality("RIX"));
    let jelgava = token(&municipality("JEL"));
    let id = app
        .new_client("050", &adult("161175-19997", "Ceļotāja"))
        .await;
    let assessment = app
        .create_assessment(
            &kuldiga,
            id,
            &assessment_body(ADULT, date("2026-10-01"), (2, 2, 2)),
        )
        .created_id()
        .await;

    let to_riga = TransferClient {
        transferred_on: Some(date("2026-11-02")),
        ..transfer("RIX", "Declared residence moved")
    };
    let response = app.transfer_client(&kuldiga, id, &to_riga).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()[reqwest::header::LOCATION]
        .to_str()
        .expect("text")
        .to_string();
    let moved: Value = response.json().await.expect("json");
    assert_eq!(
        location,
        format!("/api/v1/clients/{id}/transfers/{}", moved["id"])
    );
    // The transfer is read where `Location` says, by the municipality that owns the case now.
    assert_eq!(app.get_as(&location, &riga).ok().await, moved);
    let elsewhere = app.get_as(&location, &kuldiga).await;
    assert_problem(elsewhere, 404, "about:blank").await;
    assert_eq!(moved["client_id"], id);
    assert_eq!(moved["from_municipality"], "050");
    assert_eq!(moved["to_municipality"], "RIX");
    assert_eq!(moved["transferred_on"], "2026-11-02");
    assert_eq!(moved["reason"], "Declared residence moved");
    assert_eq!(moved["transferred_by"], "test-municipality");

    // The old municipality has lost the case everywhere.
    for old in [
        app.get_client(&kuldiga, id),
        app.list_transfers(&kuldiga, id),
        app.list_assessments(&kuldiga, id),
    ] {
        assert_problem(old.await, 404, "about:blank").await;
    }
    let list = app.list_clients(&kuldiga, &clients_query()).ok().await;
    assert_eq!(list["total"], 0);
    let found = app.search_clients(&kuldiga, &search("161175-19997")).await;
    assert_eq!(found.status(), 404);

    // The new one owns it, with its personal code and its assessments.
    let client = app.get_client(&riga, id).ok().await;
    assert_eq!(client["municipality"], "RIX");
    assert_eq!(client["personal_code"], "161175-19997");
    let assessments = app.list_assessments(&riga, id).ok().await;
    assert_eq!(assessments[0]["id"], assessment);
    let history = app.list_transfers(&riga, id).ok().await;
    assert_eq!(history, json!([moved]));

    // And may move it on; the history keeps both, oldest first.
    let response = app
        .transfer_client(&riga, id, &transfer("JEL", "Moved again"))
        .await;
    assert_eq!(response.status(), 201);
    let second: Value = response.json().await.expect("json");
    assert_eq!(
        second["transferred_on"],
        today().to_string(),
        "defaults to today"
    );
    assert_problem(app.get_client(&riga, id).await, 404, "about:blank").await;
    let history = app.list_transfers(&jelgava, id).ok().await;
    let moves: Vec<(Value, Value)> = history
        .as_array()
        .expect("array")
        .iter()
        .map(|t| (t["from_municipality"].clone(), t["to_municipality"].clone()))
        .collect();
    assert_eq!(
        moves,
        [(json!("050"), json!("RIX")), (json!("RIX"), json!("JEL"))]
    );
    let admin_history = app.list_transfers(&token(&admin()), id).ok().await;
    assert_eq!(admin_history, history);
}

#[tokio::test]
async fn transferring_a_case_to_its_own_municipality_is_409_and_to_an_unknown_one_422() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let id = app
        .new_client("050", &adult("161175-19997", "Mājiniece"))
        .await;
    let response = app
        .transfer_client(&kuldiga, id, &transfer("050", "Nowhere"))
        .await;
    assert_problem(response, 409, "/problems/transfer-to-same-municipality").await;
    let response = app
        .transfer_client(&kuldiga, id, &transfer("XXX", "Abroad"))
        .await;
    assert_problem(response, 422, "/problems/unknown-reference").await;
    let response = app
        .transfer_client(&kuldiga, id, &transfer("RIX", ""))
        .await;
    assert_problem(response, 422, "/problems/validation").await;

    let client = app.get_client(&kuldiga, id).ok().await;
    assert_eq!(client["municipality"], "050");
    let history = app.list_transfers(&kuldiga, id).ok().await;
    assert_eq!(history, json!([]));
}

/// MENTOR-TRANSFER: a case moves without the mentor the new municipality cannot reach; a
/// mentor of the receiving municipality's own region carries on.
#[tokio::test]
async fn a_transfer_ends_the_assignments_the_new_municipality_cannot_carry_on() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let kurzeme = token(&region("KURZEME"));
    let own = mentor(&app, "050", &FULL_TRAINING).await;
    let regional = app
        .create_mentor(
            &kurzeme,
            &mentor_body("Jānis", "Kalns", ContractType::Employment),
        )
        .created_id()
        .await;
    for (programme, hours) in FULL_TRAINING {
        app.add_training(
            &kurzeme,
            regional,
            &training(programme, hours, date("2026-01-10")),
        )
        .created()
        .await;
    }
    let moves_away = app.new_client("050", &adult(&new_code(1), "Prom")).await;
    let moves_near = app.new_client("050", &adult(&new_code(2), "Tuvu")).await;
    let ending = app
        .create_assignment(&kuldiga, own, &assignment(moves_away, None))
        .created_id()
        .await;
    app.create_assignment(&kuldiga, regional, &assignment(moves_near, None))
        .created()
        .await;
    assert_eq!(app.get_mentor(&kuldiga, own).ok().await["free_places"], 4);

    // To Riga: the Kuldīga mentor's assignment ends on the transfer day, their place is free.
    app.transfer_client(&kuldiga, moves_away, &transfer("RIX", "Moved"))
        .created()
        .await;
    let riga = token(&municipality("RIX"));
    let assignments = app.list_client_assignments(&riga, moves_away).ok().await;
    assert_eq!(assignments[0]["id"], ending);
    assert_eq!(assignments[0]["ended_on"], today().to_string());
    assert_eq!(assignments[0]["active"], false);
    assert!(
        assignments[0]["end_reason"]
            .as_str()
            .is_some_and(|r| r.contains("RIX")),
        "{assignments}"
    );
    assert_eq!(app.get_mentor(&kuldiga, own).ok().await["free_places"], 5);
    // Nothing is left for the old municipality to end.
    let again = app
        .end_assignment(&kuldiga, ending, &ending_on(None, "Moved"))
        .await;
    assert_eq!(again.status(), 404);

    // To Liepāja, in Kurzeme too: the region's mentor carries on.
    app.transfer_client(&kuldiga, moves_near, &transfer("LPX", "Moved"))
        .created()
        .await;
    let liepaja = token(&municipality("LPX"));
    let kept = app.list_client_assignments(&liepaja, moves_near).ok().await;
    assert_eq!(kept[0]["active"], true);
    assert!(kept[0]["ended_on"].is_null());
}

/// CASE-TRANSFER-REQUEST: the municipality of the new declared residence asks for the case by
/// the person's code, learns nothing of the client until it is theirs, and the owner answers
/// once.
#[tokio::test]
async fn the_new_municipality_asks_for_the_case_and_the_owner_answers_once() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let riga = token(&municipality("RIX"));
    let code = "161175-19997";
    let id = app.new_client("050", &adult(code, "Pārcēlāja")).await;
    let ask = |code: &str| RequestTransfer {
        personal_code: code.into(),
        reason: "Declared residence moved to Rīga".into(),
        transferred_on: None,
    };

    let response = app
        .post_as("/api/v1/transfer-requests", &riga, &ask(code))
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"]
        .to_str()
        .expect("a Location")
        .to_string();
    let request: Value = response.json().await.expect("json");
    let request_id = request["id"].as_i64().expect("an id");
    assert_eq!(location, format!("/api/v1/transfer-requests/{request_id}"));
    assert_eq!(request["status"], "requested");
    assert!(request["client_id"].is_null(), "{request}");
    assert!(request["from_municipality"].is_null(), "{request}");
    let twice = app
        .post_as("/api/v1/transfer-requests", &riga, &ask(code))
        .await;
    assert_problem(twice, 409, "/problems/transfer-already-requested").await;
    let nobody = app
        .post_as("/api/v1/transfer-requests", &riga, &ask("010101-10006"))
        .await;
    assert_eq!(nobody.status(), 404);
    let own = app
        .post_as("/api/v1/transfer-requests", &kuldiga, &ask(code))
        .await;
    assert_problem(own, 409, "/problems/transfer-to-same-municipality").await;

    // The owner sees which client; a third municipality sees nothing.
    let received = app.get_as("/api/v1/transfer-requests", &kuldiga).ok().await;
    assert_eq!(received[0]["client_id"], id);
    let path = format!("/api/v1/transfer-requests/{request_id}");
    let jelgava = app.get_as(&path, &token(&municipality("JEL"))).await;
    assert_eq!(jelgava.status(), 404);

    // A decline needs its reason; an accept transfers the case, once.
    let answer = format!("{path}/answer");
    let bare = AnswerTransferRequest {
        accept: false,
        decline_reason: None,
    };
    let accept = AnswerTransferRequest {
        accept: true,
        decline_reason: None,
    };
    let refused = app.post_as(&answer, &kuldiga, &bare).await;
    assert_problem(refused, 422, "/problems/validation").await;
    let not_theirs = app.post_as(&answer, &riga, &accept).await;
    assert_eq!(not_theirs.status(), 404);
    let accepted = app.post_as(&answer, &kuldiga, &accept).ok().await;
    assert_eq!(accepted["status"], "accepted");
    let again = app.post_as(&answer, &kuldiga, &accept).await;
    let problem = assert_problem(again, 409, "/problems/transfer-request-answered").await;
    assert_eq!(problem["rule"], "CASE-TRANSFER-REQUEST");

    // The case is Rīga's now, and Rīga sees whose it was; the access log shows who asked.
    let client = app.get_client(&riga, id).ok().await;
    assert_eq!(client["municipality"], "RIX");
    let seen = app.get_as(&path, &riga).ok().await;
    assert_eq!(seen["client_id"], id);
    assert_eq!(seen["from_municipality"], "050");
    assert!(seen["transfer_id"].is_i64());
    let log = app.client_access_log(&riga, id).ok().await;
    assert!(
        log["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|r| r["action"] == "client.transfer_request" && r["actor_municipality"] == "RIX"),
        "{log}"
    );
}
