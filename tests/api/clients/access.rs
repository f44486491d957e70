//! Who may touch a client's case: only the owning municipality writes; admin reads; every
//! other role is refused, and another municipality cannot tell the case exists.

use kopiena::domain::ids::ClientId;
use std::collections::BTreeMap;

use kopiena::api::audit::ListAuditQuery;
use kopiena::api::clients::UpdateClient;
use kopiena::api::decisions::{AppealRecord, CreateDecision};
use kopiena::api::support_plans::{CreateSupportPlan, UpdateSupportPlan};
use kopiena::api::waiting_lists::CloseWaitingEntry;
use kopiena::domain::audit::AuditAction;
use kopiena::domain::decision::{AppealOutcome, DecisionOutcome};
use kopiena::domain::plan_goal::GoalStatus;
use kopiena::domain::waiting::{CloseReason, Priority};
use serde_json::{Value, json};

use super::ADULT;
use crate::helpers::{
    Call, TestApp, admin, adult, assert_problem, assessment_body, audit_query, client_update,
    clients_query, date, decision, due, etag_of, goal, id_of, ministry, municipality, new_code,
    plan_body, plan_update, plans_due, progress, provider, referral, region, search, token,
    transfer, waiting,
};

/// One support-plan section.
fn employment(text: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("employment".to_string(), text.to_string())])
}

/// The ids of one client's records: an assessment, a plan and its goal, a decision (a
/// refusal) and a waiting-list entry (on a grant).
#[derive(Clone, Copy)]
struct Records {
    assessment: i64,
    plan: i64,
    goal: i64,
    decision: i64,
    grant: i64,
    entry: i64,
}

/// Every read of one client's records as `t`.
fn case_reads(app: &TestApp, t: &str, client: i64, records: Records) -> Vec<Call> {
    let Records {
        assessment,
        plan,
        decision,
        entry,
        ..
    } = records;
    vec![
        app.get_client(t, client),
        app.list_transfers(t, client),
        app.client_access_log(t, client),
        app.list_assessments(t, client),
        app.get_assessment(t, client, assessment),
        app.list_support_plans(t, client),
        app.get_support_plan(t, client, plan),
        app.list_decisions(t, client),
        app.get_decision(t, client, decision),
        app.list_waiting_entries(t, client),
        app.get_waiting_entry(t, client, entry),
        app.list_referrals(t, client),
    ]
}

/// Every client-level read as `t`: the case's records, the lists and the audit of the case.
fn all_reads(app: &TestApp, t: &str, client: i64, records: Records) -> Vec<Call> {
    let mut reads = vec![app.list_clients(t, &clients_query())];
    reads.extend(case_reads(app, t, client, records));
    reads.push(app.list_due_assessments(t, &due(None)));
    reads.push(app.list_audit(
        t,
        &ListAuditQuery {
            client_id: Some(ClientId(client)),
            ..audit_query()
        },
    ));
    reads
}

/// A refusal of a group home place, decided on 2026-10-01.
fn refusal() -> CreateDecision {
    decision(
        "group_home",
        DecisionOutcome::Refused,
        date("2026-10-01"),
        None,
    )
}

/// A grant of a day care centre from 2026-10-01, decided then.
fn day_centre() -> CreateDecision {
    decision(
        "day_care_centre",
        DecisionOutcome::Granted,
        date("2026-10-01"),
        Some(date("2026-10-01")),
    )
}

fn withdrawn() -> CloseWaitingEntry {
    CloseWaitingEntry {
        reason: CloseReason::Withdrawn,
        closed_on: None,
    }
}

/// An appeal filed on 2026-10-05, not yet decided.
fn pending_appeal() -> AppealRecord {
    AppealRecord {
        filed_on: date("2026-10-05"),
        outcome: AppealOutcome::Pending,
        decided_on: None,
    }
}

fn renamed(name: &str) -> UpdateClient {
    UpdateClient {
        given_name: Some(name.into()),
        ..client_update()
    }
}

fn opinion(text: &str) -> UpdateSupportPlan {
    UpdateSupportPlan {
        opinion: Some(text.into()),
        ..plan_update()
    }
}

/// A client of Kuldīga with an assessment, a draft plan and a decision, and the ETags of the
/// client and the plan.
struct Case {
    id: i64,
    etag: String,
    records: Records,
    plan_etag: String,
}

async fn open_case(app: &TestApp, family_name: &str) -> Case {
    let kuldiga = token(&municipality("050"));
    let response = app
        .create_client(&kuldiga, &adult("161175-19997", family_name))
        .await;
    let etag = etag_of(&response);
    let id = id_of(&response.json::<Value>().await.expect("json"));
    let assessment = app
        .create_assessment(
            &kuldiga,
            id,
            &assessment_body(ADULT, date("2026-10-01"), (1, 1, 1)),
        )
        .created_id()
        .await;
    let with_goal = CreateSupportPlan {
        goals: vec![goal("Darbs", date("2027-06-01"))],
        ..plan_body(employment("Darbs"), None)
    };
    let response = app.create_support_plan(&kuldiga, id, &with_goal).await;
    assert_eq!(response.status(), 201);
    let plan_etag = etag_of(&response);
    let created = response.json::<Value>().await.expect("json");
    let plan = id_of(&created);
    let goal = id_of(&created["goals"][0]);
    let decision = app
        .create_decision(&kuldiga, id, &refusal())
        .created_id()
        .await;
    let grant = app
        .create_decision(&kuldiga, id, &day_centre())
        .created_id()
        .await;
    let entry = app
        .create_waiting_entry(
            &kuldiga,
            id,
            &waiting(grant, Priority::Normal, date("2026-10-02")),
        )
        .created_id()
        .await;
    Case {
        id,
        etag,
        records: Records {
            assessment,
            plan,
            goal,
            decision,
            grant,
            entry,
        },
        plan_etag,
    }
}

#[tokio::test]
async fn ministry_region_and_provider_get_403_on_every_client_endpoint() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let Case { id, records, .. } = open_case(&app, "Krūmiņa").await;
    let Records {
        plan: pid,
        goal: gid,
        decision: did,
        grant,
        entry,
        ..
    } = records;
    let new_client = adult(&new_code(9), "Jauna");
    let assessment = assessment_body(ADULT, date("2026-10-02"), (1, 1, 1));
    let empty_plan = plan_body(BTreeMap::new(), None);
    let writes = |t: &str| {
        vec![
            app.create_client(t, &new_client),
            app.search_clients(t, &search("161175-19997")),
            app.transfer_client(t, id, &transfer("RIX", "Moved")),
            app.create_assessment(t, id, &assessment),
            app.create_support_plan(t, id, &empty_plan),
            app.update_client(t, id, &renamed("X")),
            app.update_support_plan(t, id, pid, &opinion("X")),
            app.record_goal_progress(t, (id, pid, gid), &progress(GoalStatus::Achieved, None)),
            app.create_decision(t, id, &refusal()),
            app.record_appeal(t, id, did, &pending_appeal()),
            app.create_waiting_entry(t, id, &waiting(grant, Priority::High, date("2026-10-03"))),
            app.close_waiting_entry(t, id, entry, &withdrawn()),
            app.municipality_queue(t, "day_care_centre"),
            app.create_referral(t, id, &referral(1)),
            app.waiting_without_assessment(t),
        ]
    };
    let staff_claims = provider(app.new_provider("050", "LM-ACCESS-STAFF").await);
    for claims in [ministry(), region("KURZEME"), staff_claims.clone()] {
        let role = claims["role"].clone();
        let t = token(&claims);
        for call in all_reads(&app, &t, id, records) {
            let what = call.what().to_string();
            let response = call.await;
            assert_eq!(response.status(), 403, "{role} {what}");
            assert_problem(response, 403, "about:blank").await;
        }
        for call in writes(&t) {
            let what = call.what().to_string();
            assert_eq!(call.await.status(), 403, "{role} {what}");
        }
    }
    // Admin reads (the access log is the owning municipality's) but never writes case data.
    let admin_token = token(&admin());
    for call in all_reads(&app, &admin_token, id, records) {
        let what = call.what().to_string();
        if !what.ends_with("/access-log") {
            assert_eq!(call.await.status(), 200, "admin {what}");
        }
    }
    for call in writes(&admin_token) {
        let what = call.what().to_string();
        if !what.ends_with("/search") {
            assert_eq!(call.await.status(), 403, "admin {what}");
        }
    }
    // The case owner's work list (plans due for review) is a municipality's only: every
    // other role, the administrator included, is refused and the refusal audited.
    for claims in [ministry(), region("KURZEME"), staff_claims, admin()] {
        let role = claims["role"].clone();
        let response = app.list_due_plans(&token(&claims), &plans_due(None)).await;
        assert_eq!(response.status(), 403, "{role} /support-plans/due");
        assert_problem(response, 403, "about:blank").await;
    }
    let refused = app
        .audit_records(&ListAuditQuery {
            action: Some(AuditAction::SupportPlanDueList),
            ..audit_query()
        })
        .await;
    assert_eq!(
        refused
            .iter()
            .filter(|r| r["outcome"] == "forbidden")
            .count(),
        4,
        "{refused:#?}"
    );
    assert_eq!(
        app.list_due_plans(&kuldiga, &plans_due(None)).ok().await["total"],
        0
    );
    // Without a token: 401.
    for call in all_reads(&app, "", id, records).into_iter().chain([
        app.list_due_plans("", &plans_due(None)),
        app.record_goal_progress("", (id, pid, gid), &progress(GoalStatus::Open, None)),
    ]) {
        assert_problem(call.anonymous().await, 401, "about:blank").await;
    }
    // Nothing changed.
    let client = app.get_client(&kuldiga, id).ok().await;
    assert_eq!(client["given_name"], "Anna");
    assert_eq!(client["municipality"], "050");
    let list = app.list_clients(&kuldiga, &clients_query()).ok().await;
    assert_eq!(list["total"], 1);
}

#[tokio::test]
async fn another_municipalitys_client_is_404_on_every_client_endpoint() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let riga = token(&municipality("RIX"));
    let Case {
        id,
        etag,
        records,
        plan_etag,
    } = open_case(&app, "Sniega").await;
    let Records {
        plan: pid,
        goal: gid,
        decision: did,
        grant,
        entry,
        ..
    } = records;
    let missing = id + 1000;
    let assessment = assessment_body(ADULT, date("2026-10-02"), (3, 3, 3));
    let other_plan = plan_body(employment("Cits"), None);

    let mut not_found = Vec::new();
    for client in [id, missing] {
        let calls = case_reads(&app, &riga, client, records).into_iter().chain([
            app.transfer_client(&riga, client, &transfer("JEL", "Moved")),
            app.create_assessment(&riga, client, &assessment),
            app.create_support_plan(&riga, client, &other_plan),
            app.update_client(&riga, client, &renamed("Cits"))
                .if_match(&etag),
            app.update_support_plan(&riga, client, pid, &opinion("Cits"))
                .if_match(&plan_etag),
            app.record_goal_progress(
                &riga,
                (client, pid, gid),
                &progress(GoalStatus::Dropped, None),
            ),
            app.create_decision(&riga, client, &refusal()),
            app.record_appeal(&riga, client, did, &pending_appeal()),
            app.create_waiting_entry(
                &riga,
                client,
                &waiting(grant, Priority::High, date("2026-10-03")),
            ),
            app.close_waiting_entry(&riga, client, entry, &withdrawn()),
            app.create_referral(&riga, client, &referral(1)),
        ]);
        for call in calls {
            let what = call.what().to_string();
            let response = call.await;
            assert_eq!(response.status(), 404, "{what}");
            not_found.push(assert_problem(response, 404, "about:blank").await);
        }
    }
    // Another municipality's client is indistinguishable from one that does not exist.
    assert!(not_found.windows(2).all(|w| w[0] == w[1]), "{not_found:?}");

    // Nothing changed for the owner.
    let client = app.get_client(&kuldiga, id).ok().await;
    assert_eq!(client["given_name"], "Anna");
    assert_eq!(client["municipality"], "050");
    let assessments = app.list_assessments(&kuldiga, id).ok().await;
    assert_eq!(assessments.as_array().map(Vec::len), Some(1));
    let plans = app.list_support_plans(&kuldiga, id).ok().await;
    assert_eq!(plans.as_array().map(Vec::len), Some(1));
    assert!(plans[0]["opinion"].is_null());
    assert_eq!(plans[0]["goals"][0]["status"], "open");
    assert_eq!(plans[0]["goals"][0]["progress"], json!([]));
    // Rīga's due list never shows Kuldīga's client.
    assert_eq!(
        app.list_due_plans(&riga, &plans_due(None)).ok().await["total"],
        0
    );
    let transfers = app.list_transfers(&kuldiga, id).ok().await;
    assert_eq!(transfers, json!([]));
    let decisions = app.list_decisions(&kuldiga, id).ok().await;
    assert_eq!(decisions.as_array().map(Vec::len), Some(2));
    assert!(decisions[1]["appeal"].is_null());
    let entries = app.list_waiting_entries(&kuldiga, id).ok().await;
    assert!(entries[0]["closed_on"].is_null());
}
