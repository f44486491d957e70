use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, admin, adult, assert_problem, assessment_body, etag_of, ministry, municipality,
    new_code, provider, region, request_id, today, token,
};

const ADULT: &str = "adult_with_mental_disorder";

/// What one request's audit record must say.
struct Expected {
    request_id: String,
    action: &'static str,
    record_type: &'static str,
    record_id: Value,
    client_id: Value,
    actor: Value,
}

fn by(municipality_code: &str) -> Value {
    json!({
        "actor_sub": "test-municipality",
        "actor_role": "municipality",
        "actor_municipality": municipality_code,
    })
}

fn by_admin() -> Value {
    json!({"actor_sub": "test-admin", "actor_role": "admin", "actor_municipality": null})
}

/// The request id and JSON body of a successful response.
async fn done(response: Response, status: u16) -> (String, Value) {
    assert_eq!(response.status().as_u16(), status, "{}", response.url());
    let id = request_id(&response);
    (id, response.json().await.expect("json"))
}

#[tokio::test]
async fn every_audited_action_leaves_exactly_one_record_naming_the_request() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let mut expected = Vec::new();
    let mut expect = |request_id: String,
                      action: &'static str,
                      record_type: &'static str,
                      record_id: Value,
                      client_id: Value,
                      actor: Value| {
        expected.push(Expected {
            request_id,
            action,
            record_type,
            record_id,
            client_id,
            actor,
        })
    };

    // Clients.
    let response = app
        .post_json(
            "/api/v1/clients",
            &kuldiga,
            &adult("161175-19997", "Auditē"),
        )
        .await;
    let etag = etag_of(&response);
    let (rid, client) = done(response, 201).await;
    let id = client["id"].as_i64().expect("id");
    let cid = json!(id);
    expect(
        rid,
        "client.create",
        "client",
        cid.clone(),
        cid.clone(),
        by("050"),
    );
    let path = format!("/api/v1/clients/{id}");

    let (rid, _) = done(app.get_as(&path, &kuldiga).await, 200).await;
    expect(
        rid,
        "client.read",
        "client",
        cid.clone(),
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(
        app.patch_if_match(&path, &kuldiga, &etag, &json!({"given_name": "Inese"}))
            .await,
        200,
    )
    .await;
    expect(
        rid,
        "client.update",
        "client",
        cid.clone(),
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(app.get_as("/api/v1/clients", &kuldiga).await, 200).await;
    expect(
        rid,
        "client.list",
        "client",
        Value::Null,
        Value::Null,
        by("050"),
    );
    let (rid, _) = done(
        app.post_json(
            "/api/v1/clients/search",
            &kuldiga,
            &json!({"personal_code": "161175-19997"}),
        )
        .await,
        200,
    )
    .await;
    expect(
        rid,
        "client.search",
        "client",
        cid.clone(),
        cid.clone(),
        by("050"),
    );
    let response = app
        .post_json(
            "/api/v1/clients/search",
            &kuldiga,
            &json!({"personal_code": "300190-12341"}),
        )
        .await;
    assert_eq!(response.status(), 404);
    expect(
        request_id(&response),
        "client.search",
        "client",
        Value::Null,
        Value::Null,
        by("050"),
    );
    let (rid, _) = done(app.get_as(&path, &token(&admin())).await, 200).await;
    expect(
        rid,
        "client.read",
        "client",
        cid.clone(),
        cid.clone(),
        by_admin(),
    );

    // Assessments.
    let (rid, assessment) = done(
        app.post_json(
            &format!("{path}/assessments"),
            &kuldiga,
            &assessment_body(ADULT, "2026-05-01", (1, 1, 1)),
        )
        .await,
        201,
    )
    .await;
    let aid = assessment["id"].clone();
    expect(
        rid,
        "assessment.create",
        "assessment",
        aid.clone(),
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(
        app.get_as(&format!("{path}/assessments"), &kuldiga).await,
        200,
    )
    .await;
    expect(
        rid,
        "assessment.list",
        "assessment",
        Value::Null,
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(
        app.get_as(&format!("{path}/assessments/{aid}"), &kuldiga)
            .await,
        200,
    )
    .await;
    expect(
        rid,
        "assessment.read",
        "assessment",
        aid.clone(),
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(app.get_as("/api/v1/assessments/due", &kuldiga).await, 200).await;
    expect(
        rid,
        "assessment.due.list",
        "assessment",
        Value::Null,
        Value::Null,
        by("050"),
    );

    // Support plans.
    let response = app
        .post_json(
            &format!("{path}/support-plans"),
            &kuldiga,
            &json!({"sections": {"employment": "Darbs"}}),
        )
        .await;
    let plan_etag = etag_of(&response);
    let (rid, plan) = done(response, 201).await;
    let pid = plan["id"].clone();
    expect(
        rid,
        "support_plan.create",
        "support_plan",
        pid.clone(),
        cid.clone(),
        by("050"),
    );
    let plan_path = format!("{path}/support-plans/{pid}");
    let (rid, _) = done(app.get_as(&plan_path, &kuldiga).await, 200).await;
    expect(
        rid,
        "support_plan.read",
        "support_plan",
        pid.clone(),
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(
        app.patch_if_match(&plan_path, &kuldiga, &plan_etag, &json!({"opinion": "Jā"}))
            .await,
        200,
    )
    .await;
    expect(
        rid,
        "support_plan.update",
        "support_plan",
        pid.clone(),
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(
        app.get_as(&format!("{path}/support-plans"), &kuldiga).await,
        200,
    )
    .await;
    expect(
        rid,
        "support_plan.list",
        "support_plan",
        Value::Null,
        cid.clone(),
        by("050"),
    );

    // Transfers and the access log.
    let (rid, _) = done(
        app.get_as(&format!("{path}/transfers"), &kuldiga).await,
        200,
    )
    .await;
    expect(
        rid,
        "client.transfers.read",
        "client_transfer",
        Value::Null,
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(
        app.get_as(&format!("{path}/access-log"), &kuldiga).await,
        200,
    )
    .await;
    expect(
        rid,
        "client.access_log.read",
        "access_log",
        Value::Null,
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(
        app.post_json(
            &format!("{path}/transfer"),
            &kuldiga,
            &json!({"to_municipality": "RIX", "reason": "Pārcēlās"}),
        )
        .await,
        201,
    )
    .await;
    expect(
        rid,
        "client.transfer",
        "client",
        cid.clone(),
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(app.get_as(&path, &token(&municipality("RIX"))).await, 200).await;
    expect(
        rid,
        "client.read",
        "client",
        cid.clone(),
        cid.clone(),
        by("RIX"),
    );

    let all = app.audit_records("").await;
    for e in &expected {
        let records: Vec<&Value> = all
            .iter()
            .filter(|r| r["request_id"] == e.request_id)
            .collect();
        assert_eq!(records.len(), 1, "{}: {records:?}", e.action);
        let r = records[0];
        assert_eq!(r["action"], e.action, "{r}");
        assert_eq!(r["record_type"], e.record_type, "{r}");
        assert_eq!(r["record_id"], e.record_id, "{r}");
        assert_eq!(r["client_id"], e.client_id, "{r}");
        for field in ["actor_sub", "actor_role", "actor_municipality"] {
            assert_eq!(r[field], e.actor[field], "{field} of {r}");
        }
        assert!(r["id"].is_i64() && r["occurred_at"].is_string(), "{r}");
    }
    // Nothing else was recorded.
    assert_eq!(all.len(), expected.len(), "{all:#?}");
    let of_client = app.audit_records(&format!("client_id={id}")).await;
    let expected_of_client = expected.iter().filter(|e| e.client_id == cid).count();
    assert_eq!(of_client.len(), expected_of_client);
    assert!(of_client.iter().all(|r| r["client_id"] == cid));
}

#[tokio::test]
async fn the_owning_municipality_reads_its_clients_access_log_including_that_read() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let id = app
        .create_client_id("050", &adult("161175-19997", "Žurnāla"))
        .await;
    let other = app
        .create_client_id("050", &adult(&new_code(7), "Cita"))
        .await;
    let path = format!("/api/v1/clients/{id}");
    let (read_rid, _) = done(app.get_as(&path, &token(&admin())).await, 200).await;
    app.get_ok(&format!("/api/v1/clients/{other}"), &kuldiga)
        .await;

    let response = app.get_as(&format!("{path}/access-log"), &kuldiga).await;
    let (log_rid, log) = done(response, 200).await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| r["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions,
        ["client.access_log.read", "client.read", "client.create"],
        "newest first, only this client's"
    );
    assert_eq!(log["total"], 3);
    assert_eq!(log["items"][0]["request_id"], log_rid);
    assert_eq!(log["items"][0]["record_type"], "access_log");
    assert_eq!(log["items"][1]["request_id"], read_rid);
    assert_eq!(log["items"][1]["actor_role"], "admin");
    assert!(log["items"][1]["actor_municipality"].is_null());

    // Reading it again shows the first read too.
    let again = app
        .get_ok(&format!("{path}/access-log?limit=2"), &kuldiga)
        .await;
    assert_eq!(again["total"], 4);
    assert_eq!(again["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(again["items"][1]["request_id"], log_rid);

    let response = app
        .get_as(&format!("{path}/access-log"), &token(&municipality("RIX")))
        .await;
    assert_problem(response, 404, "about:blank").await;
}

#[tokio::test]
async fn the_audit_log_is_for_administrators_only_and_filters_by_client_actor_action_and_date() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let id = app
        .create_client_id("050", &adult("161175-19997", "Filtrē"))
        .await;
    let other = app
        .create_client_id("050", &adult(&new_code(7), "Cita"))
        .await;
    app.get_ok(&format!("/api/v1/clients/{id}"), &kuldiga).await;
    app.get_ok(&format!("/api/v1/clients/{id}"), &token(&admin()))
        .await;
    app.get_ok(&format!("/api/v1/clients/{other}"), &kuldiga)
        .await;

    for claims in [
        municipality("050"),
        ministry(),
        region("KURZEME"),
        provider(1),
    ] {
        let response = app.get_as("/api/v1/audit", &token(&claims)).await;
        assert_problem(response, 403, "about:blank").await;
    }
    assert_problem(app.get("/api/v1/audit").await, 401, "about:blank").await;

    let count = |records: &[Value]| records.len();
    assert_eq!(count(&app.audit_records("").await), 5);
    let of_client = app.audit_records(&format!("client_id={id}")).await;
    assert_eq!(count(&of_client), 3);
    let reads = app.audit_records("action=client.read").await;
    assert_eq!(count(&reads), 3);
    let reads_of_client = app
        .audit_records(&format!("action=client.read&client_id={id}"))
        .await;
    assert_eq!(count(&reads_of_client), 2);
    let by_admin = app.audit_records("actor=test-admin").await;
    assert_eq!(count(&by_admin), 1);
    assert_eq!(by_admin[0]["actor_role"], "admin");
    let today = today();
    let yesterday = today.pred_opt().expect("date");
    assert_eq!(
        count(&app.audit_records(&format!("from={today}&to={today}")).await),
        5
    );
    assert_eq!(
        count(&app.audit_records(&format!("to={yesterday}")).await),
        0
    );

    let page = app
        .get_ok("/api/v1/audit?limit=2&offset=1", &token(&admin()))
        .await;
    assert_eq!(page["total"], 5);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(2));
    let ids: Vec<i64> = app
        .audit_records("")
        .await
        .iter()
        .map(|r| r["id"].as_i64().expect("id"))
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    assert_problem(
        app.get_as("/api/v1/audit?from=yesterday", &token(&admin()))
            .await,
        400,
        "about:blank",
    )
    .await;
}
