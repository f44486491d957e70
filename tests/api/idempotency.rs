//! `Idempotency-Key` on every POST that creates something: a retry replays the first
//! response and creates nothing; replays of client-level records are audited.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assessment_body, ministry, municipality, today, token};
use crate::mentors::{FULL_TRAINING, adult, mentor};

const ADULT: &str = "adult_with_mental_disorder";

/// Sends the same POST twice with one key; both answers must be the same.
async fn twice(app: &TestApp, path: &str, claims: &Value, body: &Value) -> Value {
    let mut answers = Vec::new();
    for _ in 0..2 {
        let response = app
            .client
            .post(app.url(path))
            .bearer_auth(token(claims))
            .header("Idempotency-Key", format!("retry {path}"))
            .json(body)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let location = response.headers().get("location").cloned();
        let body: Value = response.json().await.expect("json");
        answers.push((status, location, body));
    }
    assert_eq!(answers[0].0, 201, "POST {path}: {}", answers[0].2);
    assert_eq!(
        answers[0], answers[1],
        "POST {path} replays its first answer"
    );
    answers.swap_remove(0).2
}

#[tokio::test]
async fn every_creating_post_replays_its_first_response_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let kuldiga = municipality("050");
    let pid = app.create_provider("050", "LM-IDEM").await;
    let service = twice(
        &app,
        &format!("/api/v1/providers/{pid}/services"),
        &ministry(),
        &json!({
            "service_type": "group_home", "name": "Grupu māja", "address": "Liepu iela 1",
            "target_groups": [ADULT], "capacity": 4, "status": "active",
        }),
    )
    .await;
    let client = adult(&app, "050", 1).await;

    let assessed_on = today().to_string();
    twice(
        &app,
        &format!("/api/v1/clients/{client}/assessments"),
        &kuldiga,
        &assessment_body(ADULT, &assessed_on, (2, 2, 2)),
    )
    .await;
    twice(
        &app,
        &format!("/api/v1/clients/{client}/support-plans"),
        &kuldiga,
        &json!({"sections": {"health": "Labs"}}),
    )
    .await;
    let mentor_body = twice(
        &app,
        "/api/v1/mentors",
        &kuldiga,
        &json!({"given_name": "Ilze", "family_name": "Kalna", "contract_type": "employment"}),
    )
    .await;
    let new_mentor = mentor_body["id"].as_i64().expect("id");
    let trained = twice(
        &app,
        &format!("/api/v1/mentors/{new_mentor}/trainings"),
        &kuldiga,
        &json!({"programme": "life_skills", "hours": 48, "completed_on": "2026-01-10"}),
    )
    .await;
    assert_eq!(trained["trainings"].as_array().map(Vec::len), Some(1));
    let eligible = mentor(&app, "050", &FULL_TRAINING).await;
    twice(
        &app,
        &format!("/api/v1/mentors/{eligible}/assignments"),
        &kuldiga,
        &json!({"client_id": client}),
    )
    .await;
    twice(
        &app,
        &format!("/api/v1/clients/{client}/placements"),
        &kuldiga,
        &json!({"service_id": service["id"]}),
    )
    .await;
    // A retried transfer replays although the client now belongs to Liepāja.
    twice(
        &app,
        &format!("/api/v1/clients/{client}/transfer"),
        &kuldiga,
        &json!({"to_municipality": "LPX", "reason": "Deklarētā dzīvesvieta"}),
    )
    .await;

    for (action, count) in [
        ("assessment.create", 1),
        ("support_plan.create", 1),
        ("mentor_assignment.create", 1),
        ("placement.create", 1),
        ("client.transfer", 1),
        ("assessment.create.replay", 1),
        ("support_plan.create.replay", 1),
        ("mentor_assignment.create.replay", 1),
        ("placement.create.replay", 1),
        ("client.transfer.replay", 1),
    ] {
        let records = app.audit_records(&format!("action={action}")).await;
        assert_eq!(records.len(), count, "{action}");
        assert_eq!(records[0]["client_id"], client, "{action}");
    }
    let liepaja = app
        .get_ok(
            &format!("/api/v1/clients/{client}"),
            &token(&municipality("LPX")),
        )
        .await;
    assert_eq!(liepaja["municipality"], "LPX");
}

#[tokio::test]
async fn a_replay_is_a_read_so_a_client_transferred_away_since_is_404() {
    let app = TestApp::spawn().await;
    let kuldiga = municipality("050");
    let client = adult(&app, "050", 1).await;
    let path = format!("/api/v1/clients/{client}/assessments");
    let body = assessment_body(ADULT, &today().to_string(), (1, 1, 1));
    let send = || {
        app.client
            .post(app.url(&path))
            .bearer_auth(token(&kuldiga))
            .header("Idempotency-Key", "assess-once")
            .json(&body)
            .send()
    };
    assert_eq!(send().await.expect("request").status(), 201);
    let transfer = app
        .post_json(
            &format!("/api/v1/clients/{client}/transfer"),
            &token(&kuldiga),
            &json!({"to_municipality": "LPX", "reason": "Deklarētā dzīvesvieta"}),
        )
        .await;
    assert_eq!(transfer.status(), 201);
    crate::helpers::assert_problem(send().await.expect("request"), 404, "about:blank").await;
    assert!(
        app.audit_records("action=assessment.create.replay")
            .await
            .is_empty()
    );
}
