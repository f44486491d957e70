//! The data subject's rights: everything held on the person as one document (access), and
//! the personal code and birth date corrected (rectification).

use kopiena::api::clients::UpdateClient;
use kopiena::domain::decision::DecisionOutcome;
use serde_json::Value;

use super::ADULT;
use crate::helpers::{
    TestApp, adult, assert_problem, assessment_body, client_body, client_update, date, decision,
    ministry, municipality, plan_body, search, token,
};

#[tokio::test]
async fn the_owner_exports_everything_held_on_the_person_and_the_export_is_audited() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let id = app.new_client("050", &adult("161175-19997", "Ozola")).await;
    let assessment = app
        .create_assessment(
            &kuldiga,
            id,
            &assessment_body(ADULT, date("2026-10-01"), (2, 2, 2)),
        )
        .created_id()
        .await;
    let plan = app
        .create_support_plan(&kuldiga, id, &plan_body(Default::default(), None))
        .created_id()
        .await;
    let refusal = decision(
        "group_home",
        DecisionOutcome::Refused,
        date("2026-10-01"),
        None,
    );
    let decided = app
        .create_decision(&kuldiga, id, &refusal)
        .created_id()
        .await;
    app.get_client(&kuldiga, id).ok().await;

    let export = app
        .get_as(&format!("/api/v1/clients/{id}/export"), &kuldiga)
        .ok()
        .await;
    assert_eq!(export["client"]["id"], id);
    assert_eq!(export["client"]["personal_code"], "161175-19997");
    assert_eq!(export["assessments"][0]["id"], assessment);
    assert_eq!(export["support_plans"][0]["id"], plan);
    assert_eq!(export["decisions"][0]["id"], decided);
    for empty in ["transfers", "placements", "mentor_assignments"] {
        assert_eq!(export[empty], Value::Array(vec![]), "{empty}");
    }
    let actions: Vec<&str> = export["access_log"]
        .as_array()
        .expect("access log")
        .iter()
        .map(|r| r["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions.first(), Some(&"client.export"), "{actions:?}");
    for earlier in [
        "client.read",
        "decision.create",
        "support_plan.create",
        "assessment.create",
        "client.create",
    ] {
        assert!(actions.contains(&earlier), "{earlier} in {actions:?}");
    }

    // Nobody else exports the person: another municipality does not find them, the ministry
    // may not ask; both refusals are audited too.
    let other = app
        .get_as(
            &format!("/api/v1/clients/{id}/export"),
            &token(&municipality("RIX")),
        )
        .await;
    assert_problem(other, 404, "about:blank").await;
    let ministry = app
        .get_as(&format!("/api/v1/clients/{id}/export"), &token(&ministry()))
        .await;
    assert_problem(ministry, 403, "about:blank").await;
    let outcomes: Vec<(String, String)> = app
        .audit_of_client(id)
        .await
        .iter()
        .filter(|r| r["action"] == "client.export")
        .map(|r| {
            (
                r["outcome"].as_str().unwrap_or_default().to_string(),
                r["actor_role"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        outcomes.contains(&("allowed".into(), "municipality".into())),
        "{outcomes:?}"
    );
    assert!(
        outcomes.contains(&("not_found".into(), "municipality".into())),
        "{outcomes:?}"
    );
}

#[tokio::test]
async fn the_personal_code_and_the_birth_date_are_rectified_together_or_not_at_all() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let id = app.new_client("050", &adult("161175-19997", "Ozola")).await;
    let other_body = client_body("300190-12341", "Liepa", date("1990-01-30"), ADULT);
    let other = app.new_client("050", &other_body).await;

    // A birth date the legacy code contradicts is refused, alone or with the code.
    let wrong_date = UpdateClient {
        birth_date: Some(date("1975-11-17")),
        ..client_update()
    };
    let refused = app.update_client(&kuldiga, id, &wrong_date).await;
    assert_problem(refused, 422, "/problems/invalid-personal-code").await;
    // Another person's code is a duplicate registration.
    let taken = UpdateClient {
        personal_code: Some("300190-12341".into()),
        birth_date: Some(date("1990-01-30")),
        ..client_update()
    };
    assert_problem(
        app.update_client(&kuldiga, id, &taken).await,
        409,
        "/problems/client-already-registered",
    )
    .await;
    assert_eq!(
        app.get_client(&kuldiga, other).ok().await["personal_code"],
        "300190-12341"
    );

    // The corrected code (new format, no birth date in it) and birth date, together.
    let corrected = UpdateClient {
        personal_code: Some("321234-56789".into()),
        birth_date: Some(date("1975-11-17")),
        ..client_update()
    };
    let client = app.update_client(&kuldiga, id, &corrected).ok().await;
    assert_eq!(client["personal_code"], "321234-56789");
    assert_eq!(client["birth_date"], "1975-11-17");
    // The national duplicate check finds the person by the new code, not the old one.
    let found = app.search_clients(&kuldiga, &search("321234-56789")).await;
    assert_eq!(found.status(), 200);
    let old = app.search_clients(&kuldiga, &search("161175-19997")).await;
    assert_eq!(old.status(), 404);
    // The old code is free again: registering it is a new person.
    let again = app
        .create_client(&kuldiga, &adult("161175-19997", "Ozola"))
        .await;
    assert_eq!(again.status(), 201);
}
