use std::future::IntoFuture as _;

use diesel::connection::SimpleConnection as _;
use kopiena::domain::audit::AuditAction;
use kopiena::domain::ids::ClientId;
use std::collections::BTreeMap;

use kopiena::api::audit::ListAuditQuery;
use kopiena::api::clients::UpdateClient;
use kopiena::api::support_plans::UpdateSupportPlan;
use kopiena::domain::client::TargetGroup;
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, admin, adult, assert_problem, assessment_body, audit_query, client_update,
    clients_query, date, due, etag_of, id_of, ministry, municipality, new_code, page, plan_body,
    plan_update, provider, region, request_id, search, today, token, transfer,
};

const ADULT: TargetGroup = TargetGroup::AdultWithMentalDisorder;

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
        .create_client(&kuldiga, &adult("161175-19997", "Auditē"))
        .await;
    let etag = etag_of(&response);
    let (rid, client) = done(response, 201).await;
    let id = id_of(&client);
    let cid = json!(id);
    expect(
        rid,
        "client.create",
        "client",
        cid.clone(),
        cid.clone(),
        by("050"),
    );

    let (rid, _) = done(app.get_client(&kuldiga, id).await, 200).await;
    expect(
        rid,
        "client.read",
        "client",
        cid.clone(),
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(
        app.update_client(
            &kuldiga,
            id,
            &UpdateClient {
                given_name: Some("Inese".into()),
                ..client_update()
            },
        )
        .if_match(&etag)
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
    let (rid, _) = done(app.list_clients(&kuldiga, &clients_query()).await, 200).await;
    expect(
        rid,
        "client.list",
        "client",
        Value::Null,
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(
        app.search_clients(&kuldiga, &search("161175-19997")).await,
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
    let response = app.search_clients(&kuldiga, &search("300190-12341")).await;
    assert_eq!(response.status(), 404);
    expect(
        request_id(&response),
        "client.search",
        "client",
        Value::Null,
        Value::Null,
        by("050"),
    );
    let (rid, _) = done(app.get_client(&token(&admin()), id).await, 200).await;
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
        app.create_assessment(
            &kuldiga,
            id,
            &assessment_body(ADULT, date("2026-05-01"), (1, 1, 1)),
        )
        .await,
        201,
    )
    .await;
    let aid = json!(id_of(&assessment));
    expect(
        rid,
        "assessment.create",
        "assessment",
        aid.clone(),
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(app.list_assessments(&kuldiga, id).await, 200).await;
    expect(
        rid,
        "assessment.list",
        "assessment",
        Value::Null,
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(
        app.get_assessment(&kuldiga, id, id_of(&assessment)).await,
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
    let (rid, _) = done(app.list_due_assessments(&kuldiga, &due(None)).await, 200).await;
    expect(
        rid,
        "assessment.due.list",
        "assessment",
        Value::Null,
        Value::Null,
        by("050"),
    );

    // Support plans.
    let sections = BTreeMap::from([("employment".to_string(), "Darbs".to_string())]);
    let response = app
        .create_support_plan(&kuldiga, id, &plan_body(sections, None))
        .await;
    let plan_etag = etag_of(&response);
    let (rid, plan) = done(response, 201).await;
    let plan_id = id_of(&plan);
    let pid = json!(plan_id);
    expect(
        rid,
        "support_plan.create",
        "support_plan",
        pid.clone(),
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(app.get_support_plan(&kuldiga, id, plan_id).await, 200).await;
    expect(
        rid,
        "support_plan.read",
        "support_plan",
        pid.clone(),
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(
        app.update_support_plan(
            &kuldiga,
            id,
            plan_id,
            &UpdateSupportPlan {
                opinion: Some("Jā".into()),
                ..plan_update()
            },
        )
        .if_match(&plan_etag)
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
    let (rid, _) = done(app.list_support_plans(&kuldiga, id).await, 200).await;
    expect(
        rid,
        "support_plan.list",
        "support_plan",
        Value::Null,
        cid.clone(),
        by("050"),
    );

    // Transfers and the access log.
    let (rid, _) = done(app.list_transfers(&kuldiga, id).await, 200).await;
    expect(
        rid,
        "client.transfers.read",
        "client_transfer",
        Value::Null,
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(app.client_access_log(&kuldiga, id).await, 200).await;
    expect(
        rid,
        "client.access_log.read",
        "access_log",
        Value::Null,
        cid.clone(),
        by("050"),
    );
    let (rid, _) = done(
        app.transfer_client(&kuldiga, id, &transfer("RIX", "Pārcēlās"))
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
    let (rid, _) = done(app.get_client(&token(&municipality("RIX")), id).await, 200).await;
    expect(
        rid,
        "client.read",
        "client",
        cid.clone(),
        cid.clone(),
        by("RIX"),
    );

    let all = app.audit_records(&audit_query()).await;
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
    let of_client = app.audit_of_client(id).await;
    let expected_of_client = expected.iter().filter(|e| e.client_id == cid).count();
    assert_eq!(of_client.len(), expected_of_client);
    assert!(of_client.iter().all(|r| r["client_id"] == cid));
}

#[tokio::test]
async fn the_owning_municipality_reads_its_clients_access_log_including_that_read() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let id = app
        .new_client("050", &adult("161175-19997", "Žurnāla"))
        .await;
    let other = app.new_client("050", &adult(&new_code(7), "Cita")).await;
    let (read_rid, _) = done(app.get_client(&token(&admin()), id).await, 200).await;
    app.get_client(&kuldiga, other).ok().await;

    let response = app.client_access_log(&kuldiga, id).await;
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
        .client_access_log(&kuldiga, id)
        .query(&page(2, 0))
        .ok()
        .await;
    assert_eq!(again["total"], 4);
    assert_eq!(again["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(again["items"][1]["request_id"], log_rid);

    let response = app
        .client_access_log(&token(&municipality("RIX")), id)
        .await;
    assert_problem(response, 404, "about:blank").await;
}

#[tokio::test]
async fn the_audit_log_is_for_administrators_and_filters_by_client_actor_action_and_date() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let id = app
        .new_client("050", &adult("161175-19997", "Filtrē"))
        .await;
    let other = app.new_client("050", &adult(&new_code(7), "Cita")).await;
    app.get_client(&kuldiga, id).ok().await;
    app.get_client(&token(&admin()), id).ok().await;
    app.get_client(&kuldiga, other).ok().await;

    let staff = provider(app.new_provider("050", "LM-AUDIT-STAFF").await);
    for claims in [ministry(), region("KURZEME"), staff] {
        let response = app.list_audit(&token(&claims), &audit_query()).await;
        assert_problem(response, 403, "about:blank").await;
    }
    // Without credentials (the client's methods always send a token).
    assert_problem(app.get("/api/v1/audit").await, 401, "about:blank").await;

    let count = |records: &[Value]| records.len();
    assert_eq!(count(&app.audit_records(&audit_query()).await), 5);
    let of_client = app.audit_of_client(id).await;
    assert_eq!(count(&of_client), 3);
    let client_reads = ListAuditQuery {
        action: Some(AuditAction::ClientRead),
        ..audit_query()
    };
    let reads = app.audit_records(&client_reads).await;
    assert_eq!(count(&reads), 3);
    let reads_of_client = app
        .audit_records(&ListAuditQuery {
            client_id: Some(ClientId(id)),
            ..client_reads.clone()
        })
        .await;
    assert_eq!(count(&reads_of_client), 2);
    let by_admin = app
        .audit_records(&ListAuditQuery {
            actor: Some("test-admin".into()),
            ..audit_query()
        })
        .await;
    assert_eq!(count(&by_admin), 1);
    assert_eq!(by_admin[0]["actor_role"], "admin");
    let today = today();
    let yesterday = today.pred_opt().expect("date");
    let on_today = ListAuditQuery {
        from: Some(today),
        to: Some(today),
        ..audit_query()
    };
    assert_eq!(count(&app.audit_records(&on_today).await), 5);
    let until_yesterday = ListAuditQuery {
        to: Some(yesterday),
        ..audit_query()
    };
    assert_eq!(count(&app.audit_records(&until_yesterday).await), 0);

    let second = app
        .list_audit(&token(&admin()), &client_reads)
        .query(&page(2, 1))
        .ok()
        .await;
    assert_eq!(second["total"], 3);
    assert_eq!(second["items"].as_array().map(Vec::len), Some(2));
    let ids: Vec<i64> = app
        .audit_records(&audit_query())
        .await
        .iter()
        .map(id_of)
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    // A date that is not one cannot be built as a query struct: sent raw.
    assert_problem(
        app.get_as("/api/v1/audit?from=yesterday", &token(&admin()))
            .await,
        400,
        "about:blank",
    )
    .await;
}

#[tokio::test]
async fn a_list_read_is_audited_once_per_client_it_disclosed_and_reading_the_log_is_audited() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let first = app.new_client("050", &adult(&new_code(11), "Pirmā")).await;
    let second = app.new_client("050", &adult(&new_code(12), "Otrā")).await;
    let response = app.list_clients(&kuldiga, &clients_query()).await;
    let rid = request_id(&response);
    assert_eq!(response.status(), 200);
    for client in [first, second] {
        let listed: Vec<Value> = app
            .audit_of_client(client)
            .await
            .into_iter()
            .filter(|r| r["request_id"] == rid.as_str())
            .collect();
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!(listed[0]["action"], "client.list");
        assert_eq!(listed[0]["client_id"], json!(client));
    }
    // The client's own access report shows the list read, too.
    let log = app.client_access_log(&kuldiga, first).ok().await;
    assert!(
        log["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|r| r["request_id"] == rid.as_str()),
        "{log}"
    );

    // An administrator's read of the log is recorded per client whose records it showed.
    let response = app
        .list_audit(
            &token(&admin()),
            &ListAuditQuery {
                client_id: Some(ClientId(first)),
                ..audit_query()
            },
        )
        .await;
    let read_id = request_id(&response);
    assert_eq!(response.status(), 200);
    let all = app
        .list_audit(
            &token(&admin()),
            &ListAuditQuery {
                action: Some(AuditAction::AuditRead),
                ..audit_query()
            },
        )
        .query(&page(100, 0))
        .ok()
        .await;
    let reads: Vec<&Value> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|r| r["request_id"] == read_id.as_str())
        .collect();
    assert_eq!(reads.len(), 1, "{all}");
    assert_eq!(reads[0]["client_id"], json!(first));
    assert_eq!(reads[0]["actor_role"], "admin");
}

#[tokio::test]
async fn refused_accesses_are_audited_with_their_outcome() {
    let app = TestApp::spawn().await;
    let code = new_code(21);
    let id = app.new_client("050", &adult(&code, "Atteikta")).await;

    // Another municipality: 404, recorded as not found, naming the client it asked for.
    let riga = token(&municipality("RIX"));
    let response = app.get_client(&riga, id).await;
    let not_found = request_id(&response);
    assert_problem(response, 404, "about:blank").await;
    // A role that never reads client data: 403, recorded as forbidden.
    let response = app.get_client(&token(&ministry()), id).await;
    let forbidden = request_id(&response);
    assert_problem(response, 403, "about:blank").await;
    // The same person registered again (here, by another municipality): 409, recorded
    // as a refused duplicate naming no client.
    let response = app.create_client(&riga, &adult(&code, "Atkal")).await;
    let duplicate = request_id(&response);
    assert_eq!(response.status(), 409);

    let refusals = app
        .audit_records(&ListAuditQuery {
            outcome: Some(kopiena::domain::audit::AuditOutcome::NotFound),
            ..audit_query()
        })
        .await;
    let find = |rid: &str, records: &[Value]| -> Value {
        let found: Vec<&Value> = records.iter().filter(|r| r["request_id"] == rid).collect();
        assert_eq!(found.len(), 1, "{rid}: {records:#?}");
        found[0].clone()
    };
    let r = find(&not_found, &refusals);
    assert_eq!(r["action"], "client.read");
    assert_eq!(r["client_id"], json!(id));
    assert_eq!(r["actor_municipality"], "RIX");

    let all = app.audit_records(&audit_query()).await;
    let r = find(&forbidden, &all);
    assert_eq!(r["outcome"], "forbidden");
    assert_eq!(r["action"], "client.read");
    assert_eq!(r["actor_role"], "ministry");
    let r = find(&duplicate, &all);
    assert_eq!(r["outcome"], "duplicate");
    assert_eq!(r["action"], "client.create");
    assert_eq!(r["client_id"], Value::Null);

    // The owner's access log shows who tried.
    let log = app
        .client_access_log(&token(&municipality("050")), id)
        .ok()
        .await;
    let tried: Vec<&Value> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|r| r["outcome"] != "allowed")
        .collect();
    assert_eq!(tried.len(), 2, "{log}");
}

/// Reads of client-level data are audited through the group commit (`db::audit::Journal`):
/// concurrent reads share commits and each leaves its own record, and a read whose record
/// cannot be committed shows nothing.
#[tokio::test]
async fn concurrent_reads_are_each_audited_and_a_read_that_cannot_be_audited_shows_nothing() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let id = app
        .new_client("050", &adult(&new_code(900), "Lasāmā"))
        .await;

    let reads = (0..24).map(|_| app.get_client(&kuldiga, id).into_future());
    let responses = futures::future::join_all(reads).await;
    let mut ids = std::collections::BTreeSet::new();
    for response in &responses {
        assert_eq!(response.status(), 200);
        ids.insert(request_id(response));
    }
    assert_eq!(ids.len(), 24);
    for request in &ids {
        assert_eq!(
            app.count_rows_containing("audit_log", "request_id", request),
            1,
            "one record for {request}"
        );
    }

    // The log refuses every record: the read answers a problem without the client.
    let refuse = match app.db_connection() {
        kopiena::db::DbConnection::Postgres(_) => {
            "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'refused'; END $$; \
             CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
             FOR EACH ROW EXECUTE FUNCTION refuse_audit();"
        }
        kopiena::db::DbConnection::Sqlite(_) => {
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
             BEGIN SELECT RAISE(ABORT, 'refused'); END;"
        }
    };
    app.db_connection().batch_execute(refuse).expect("trigger");
    let refused = app.get_client(&kuldiga, id).await;
    assert_eq!(refused.status(), 500);
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    let body = refused.text().await.expect("body");
    assert!(!body.contains("Lasāmā"), "{body}");

    app.db_connection()
        .batch_execute("DROP TRIGGER refuse_audit ON audit_log")
        .or_else(|_| {
            app.db_connection()
                .batch_execute("DROP TRIGGER refuse_audit")
        })
        .expect("drop");
    app.get_client(&kuldiga, id).ok().await;
}
