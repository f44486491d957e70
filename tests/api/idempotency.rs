//! `Idempotency-Key` on every POST that creates something: a retry replays the first
//! response and creates nothing; replays of client-level records are audited.

use kopiena::domain::audit::AuditAction;
use std::collections::BTreeMap;

use kopiena::api::audit::ListAuditQuery;
use kopiena::api::services::CreateService;
use kopiena::domain::client::TargetGroup;
use kopiena::domain::mentor::ContractType;
use serde_json::Value;

use crate::helpers::{
    Call, TestApp, assessment_body, assignment, audit_query, date, id_of, mentor_body, ministry,
    municipality, placement, plan_body, service_body, today, token, training, transfer,
};
use crate::mentors::{FULL_TRAINING, adult, mentor};

const ADULT: TargetGroup = TargetGroup::AdultWithMentalDisorder;

/// Sends the same POST twice with one key (named after `what`); both answers must be the same.
async fn twice(what: &str, send: impl Fn() -> Call) -> Value {
    let mut answers = Vec::new();
    for replay in [None, Some("true")] {
        let response = send().idempotency_key(&format!("retry {what}")).await;
        let status = response.status().as_u16();
        let location = response.headers().get("location").cloned();
        let replayed = response.headers().get("idempotent-replayed").cloned();
        assert_eq!(
            replayed.as_ref().and_then(|v| v.to_str().ok()),
            replay,
            "{what}: Idempotent-Replayed marks the replay only"
        );
        let body: Value = response.json().await.expect("json");
        answers.push((status, location, body));
    }
    assert_eq!(answers[0].0, 201, "{what}: {}", answers[0].2);
    assert_eq!(answers[0], answers[1], "{what} replays its first answer");
    answers.swap_remove(0).2
}

/// The audit records of `action`.
async fn audited(app: &TestApp, action: &str) -> Vec<Value> {
    app.audit_records(&ListAuditQuery {
        action: AuditAction::parse(action),
        ..audit_query()
    })
    .await
}

fn moved_to_liepaja() -> kopiena::api::transfers::TransferClient {
    transfer("LPX", "Deklarētā dzīvesvieta")
}

#[tokio::test]
async fn every_creating_post_replays_its_first_response_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let pid = app.new_provider("050", "LM-IDEM").await;
    let group_home = CreateService {
        name: "Grupu māja".into(),
        address: "Liepu iela 1".into(),
        price: None,
        ..service_body("group_home", 4, &[ADULT])
    };
    let service = twice("service", || {
        app.create_service(&token(&ministry()), pid, &group_home)
    })
    .await;
    let service = id_of(&service);
    let client = adult(&app, "050", 1).await;

    let assessment = assessment_body(ADULT, today(), (2, 2, 2));
    twice("assessment", || {
        app.create_assessment(&kuldiga, client, &assessment)
    })
    .await;
    let sections = BTreeMap::from([("health".to_string(), "Labs".to_string())]);
    let plan = plan_body(sections, None);
    twice("support plan", || {
        app.create_support_plan(&kuldiga, client, &plan)
    })
    .await;
    let ilze = mentor_body("Ilze", "Kalna", ContractType::Employment);
    let new_mentor = id_of(&twice("mentor", || app.create_mentor(&kuldiga, &ilze)).await);
    let life_skills = training("life_skills", 48, date("2026-01-10"));
    let trained = twice("training", || {
        app.add_training(&kuldiga, new_mentor, &life_skills)
    })
    .await;
    assert_eq!(trained["trainings"].as_array().map(Vec::len), Some(1));
    let eligible = mentor(&app, "050", &FULL_TRAINING).await;
    let assigned = assignment(client, None);
    twice("assignment", || {
        app.create_assignment(&kuldiga, eligible, &assigned)
    })
    .await;
    app.grant(&kuldiga, client, service).await;
    let placed = placement(service, None);
    twice("placement", || {
        app.create_placement(&kuldiga, client, &placed)
    })
    .await;
    // A retried transfer replays although the client now belongs to Liepāja.
    let moved = moved_to_liepaja();
    twice("transfer", || app.transfer_client(&kuldiga, client, &moved)).await;

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
        let records = audited(&app, action).await;
        assert_eq!(records.len(), count, "{action}");
        assert_eq!(records[0]["client_id"], client, "{action}");
    }
    let liepaja = app
        .get_client(&token(&municipality("LPX")), client)
        .ok()
        .await;
    assert_eq!(liepaja["municipality"], "LPX");
}

#[tokio::test]
async fn a_replay_is_a_read_so_a_client_transferred_away_since_is_404() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let client = adult(&app, "050", 1).await;
    let body = assessment_body(ADULT, today(), (1, 1, 1));
    let send = || {
        app.create_assessment(&kuldiga, client, &body)
            .idempotency_key("assess-once")
    };
    assert_eq!(send().await.status(), 201);
    let transfer = app
        .transfer_client(&kuldiga, client, &moved_to_liepaja())
        .await;
    assert_eq!(transfer.status(), 201);
    crate::helpers::assert_problem(send().await, 404, "about:blank").await;
    assert!(audited(&app, "assessment.create.replay").await.is_empty());
}
