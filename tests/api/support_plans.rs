use kopiena::domain::ids::AssessmentId;
use kopiena::domain::support_plan::PlanStatus;
use std::collections::{BTreeMap, BTreeSet};

use kopiena::api::support_plans::{CreateSupportPlan, SectionsQuery, UpdateSupportPlan};
use kopiena::domain::client::TargetGroup;
use serde_json::{Value, json};

use crate::helpers::{
    Call, TestApp, adult, assert_problem, assessment_body, child, created_or_conflict, date,
    etag_of, id_of, location_of, municipality, new_code, plan_body, plan_update, token,
};

const ADULT: TargetGroup = TargetGroup::AdultWithMentalDisorder;
const ORPHAN: TargetGroup = TargetGroup::OrphanOrNoParentalCare;
const CHILD_FI: TargetGroup = TargetGroup::ChildWithFunctionalImpairment;

type Sections = BTreeMap<String, String>;

/// The section codes of a target group's plan, from the public reference endpoint.
async fn section_codes(app: &TestApp, target_group: TargetGroup) -> Vec<String> {
    app.list_plan_sections(&SectionsQuery { target_group })
        .ok()
        .await["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["code"].as_str().expect("code").to_string())
        .collect()
}

/// Every section of `target_group` filled in, except `without`.
async fn sections(app: &TestApp, target_group: TargetGroup, without: &[&str]) -> Sections {
    section_codes(app, target_group)
        .await
        .into_iter()
        .filter(|code| !without.contains(&code.as_str()))
        .map(|code| (code.clone(), format!("Saturs: {code}")))
        .collect()
}

/// Sections given as (code, text) pairs.
fn texts(pairs: &[(&str, &str)]) -> Sections {
    pairs
        .iter()
        .map(|(code, text)| ((*code).to_string(), (*text).to_string()))
        .collect()
}

async fn client(app: &TestApp, target_group: TargetGroup, n: u64) -> i64 {
    let body = if target_group == ADULT {
        adult(&new_code(n), &format!("Klients{n}"))
    } else {
        child(&new_code(n), &format!("Klients{n}"), target_group)
    };
    app.new_client("050", &body).await
}

fn kuldiga() -> String {
    token(&municipality("050"))
}

/// A plan of `sections` with `opinion`, in `status` (`None`: draft).
fn plan(
    sections: Sections,
    opinion: Option<&str>,
    status: Option<PlanStatus>,
) -> CreateSupportPlan {
    CreateSupportPlan {
        opinion: opinion.map(str::to_string),
        ..plan_body(sections, status)
    }
}

/// An update of `sections` with `opinion`, to `status`.
fn change(
    sections: Option<Sections>,
    opinion: Option<&str>,
    status: Option<PlanStatus>,
) -> UpdateSupportPlan {
    UpdateSupportPlan {
        sections,
        opinion: opinion.map(str::to_string),
        status,
        ..plan_update()
    }
}

/// Creates `body` for `client_id` as Kuldīga.
fn create(app: &TestApp, client_id: i64, body: &CreateSupportPlan) -> Call {
    app.create_support_plan(&kuldiga(), client_id, body)
}

/// Updates plan `plan_id` of `client_id` as Kuldīga, if it still has `etag`.
async fn update(
    app: &TestApp,
    client_id: i64,
    plan_id: i64,
    etag: &str,
    body: &UpdateSupportPlan,
) -> reqwest::Response {
    app.update_support_plan(&kuldiga(), client_id, plan_id, body)
        .if_match(etag)
        .await
}

/// Reads a plan: its body and ETag.
async fn read(app: &TestApp, client_id: i64, plan_id: i64) -> (Value, String) {
    let response = app.get_support_plan(&kuldiga(), client_id, plan_id).await;
    assert_eq!(response.status(), 200);
    let etag = etag_of(&response);
    (response.json().await.expect("json"), etag)
}

/// The plans of `client_id`, as Kuldīga sees them.
async fn plans(app: &TestApp, client_id: i64) -> Value {
    app.list_support_plans(&kuldiga(), client_id).ok().await
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_str().expect("string").to_string())
        .collect()
}

#[tokio::test]
async fn each_target_group_has_its_own_mandatory_plan_sections() {
    let app = TestApp::spawn().await;
    let adult_sections = section_codes(&app, ADULT).await;
    let orphan_sections = section_codes(&app, ORPHAN).await;
    let child_fi_sections = section_codes(&app, CHILD_FI).await;
    assert_eq!(
        (
            orphan_sections.len(),
            child_fi_sections.len(),
            adult_sections.len()
        ),
        (16, 13, 12)
    );
    for common in ["employment", "education", "health", "support_persons"] {
        for group in [&adult_sections, &orphan_sections, &child_fi_sections] {
            assert!(group.iter().any(|s| s == common), "{common}");
        }
    }
    for own in [
        "support_volume_and_care_level",
        "medication_and_health_care",
    ] {
        assert!(adult_sections.iter().any(|s| s == own));
        assert!(!orphan_sections.iter().any(|s| s == own));
    }
    for own in ["siblings", "biological_family", "child_opinion_on_family"] {
        assert!(orphan_sections.iter().any(|s| s == own));
        assert!(!adult_sections.iter().any(|s| s == own));
        assert!(!child_fi_sections.iter().any(|s| s == own));
    }
    assert!(
        child_fi_sections
            .iter()
            .any(|s| s == "rehabilitation_needs")
    );
    let listed = app
        .list_plan_sections(&SectionsQuery {
            target_group: ADULT,
        })
        .ok()
        .await;
    assert_eq!(listed["total"], 12);
    assert!(
        listed["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|s| s["mandatory"] == true && s["title"].is_string())
    );
    // A missing or unknown target group cannot be built as a query struct: sent raw.
    for query in ["", "?target_group=pensioners"] {
        let response = app
            .get(&format!("/api/v1/support-plan-sections{query}"))
            .await;
        assert_problem(response, 400, "about:blank").await;
    }
}

#[tokio::test]
async fn a_draft_plan_is_created_read_and_edited_with_if_match() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let response = create(
        &app,
        id,
        &plan(
            texts(&[("employment", "Darbs darbnīcā"), ("health", "Labs")]),
            None,
            None,
        ),
    )
    .await;
    assert_eq!(response.status(), 201);
    let location = location_of(&response);
    let first_etag = etag_of(&response);
    let created: Value = response.json().await.expect("json");
    let plan_id = id_of(&created);
    assert_eq!(
        location,
        format!("/api/v1/clients/{id}/support-plans/{plan_id}")
    );
    assert_eq!(created["client_id"], id);
    assert_eq!(created["plan_version"], 1);
    assert_eq!(created["status"], "draft");
    assert_eq!(created["opinion_kind"], "own_choice");
    assert!(created["opinion"].is_null());
    assert!(created["finalised_at"].is_null());
    assert!(created["replaced_by_id"].is_null());
    assert_eq!(
        created["sections"],
        json!({"employment": "Darbs darbnīcā", "health": "Labs"})
    );
    let missing = strings(&created["missing"]);
    assert_eq!(missing.len(), 12 - 2 + 1, "ten sections and the own choice");
    assert!(missing.contains("own_choice") && !missing.contains("employment"));

    let (read_back, etag) = read(&app, id, plan_id).await;
    assert_eq!(read_back, created);
    assert_eq!(etag, first_etag);

    let edit = change(
        Some(texts(&[("education", "Pamatizglītība"), ("health", "")])),
        Some("Vēlos dzīvot Kuldīgā"),
        None,
    );
    let response = update(&app, id, plan_id, &first_etag, &edit).await;
    assert_eq!(response.status(), 200);
    let second_etag = etag_of(&response);
    assert_ne!(second_etag, first_etag);
    let updated: Value = response.json().await.expect("json");
    assert_eq!(
        updated["sections"],
        json!({"employment": "Darbs darbnīcā", "education": "Pamatizglītība"}),
        "merged; an empty text removes a section"
    );
    assert_eq!(updated["opinion"], "Vēlos dzīvot Kuldīgā");
    assert_eq!(updated["status"], "draft");
    assert!(!strings(&updated["missing"]).contains("own_choice"));

    let response = update(
        &app,
        id,
        plan_id,
        &first_etag,
        &change(None, Some("Cits"), None),
    )
    .await;
    assert_problem(response, 412, "/problems/precondition-failed").await;
    let (current, etag) = read(&app, id, plan_id).await;
    assert_eq!(current, updated);
    assert_eq!(etag, second_etag);

    assert_eq!(plans(&app, id).await, json!([updated]));
}

#[tokio::test]
async fn an_adult_plan_is_not_final_without_employment_or_the_own_choice() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let incomplete = sections(&app, ADULT, &["employment"]).await;

    // Finalising at creation.
    let response = create(
        &app,
        id,
        &plan(incomplete.clone(), None, Some(PlanStatus::Final)),
    )
    .await;
    let problem = assert_problem(response, 422, "/problems/support-plan-incomplete").await;
    let detail = problem["detail"].as_str().expect("detail");
    assert!(
        detail.contains("employment") && detail.contains("own_choice"),
        "{detail}"
    );
    assert_eq!(plans(&app, id).await, json!([]));

    // Finalising a draft.
    let response = create(&app, id, &plan(incomplete, None, None)).await;
    let etag = etag_of(&response);
    let draft: Value = response.json().await.expect("json");
    assert_eq!(
        strings(&draft["missing"]),
        strings(&json!(["employment", "own_choice"]))
    );
    let draft_id = id_of(&draft);
    let finalise = |sections: Option<Sections>, opinion: Option<&str>| {
        change(sections, opinion, Some(PlanStatus::Final))
    };
    let response = update(&app, id, draft_id, &etag, &finalise(None, None)).await;
    let problem = assert_problem(response, 422, "/problems/support-plan-incomplete").await;
    let detail = problem["detail"].as_str().expect("detail");
    assert!(
        detail.contains("employment") && detail.contains("own_choice"),
        "{detail}"
    );
    let response = update(
        &app,
        id,
        draft_id,
        &etag,
        &finalise(None, Some("Gribu strādāt")),
    )
    .await;
    let problem = assert_problem(response, 422, "/problems/support-plan-incomplete").await;
    let detail = problem["detail"].as_str().expect("detail");
    assert!(
        detail.contains("employment") && !detail.contains("own_choice"),
        "{detail}"
    );
    let response = update(
        &app,
        id,
        draft_id,
        &etag,
        &finalise(Some(texts(&[("employment", "")])), Some("Gribu strādāt")),
    )
    .await;
    assert_problem(response, 422, "/problems/support-plan-incomplete").await;
    let (still, unchanged_etag) = read(&app, id, draft_id).await;
    assert_eq!(still, draft, "a refused finalisation changes nothing");
    assert_eq!(unchanged_etag, etag);

    let response = update(
        &app,
        id,
        draft_id,
        &etag,
        &finalise(
            Some(texts(&[("employment", "Darbs")])),
            Some("Gribu strādāt"),
        ),
    )
    .await;
    assert_eq!(response.status(), 200);
    let final_plan: Value = response.json().await.expect("json");
    assert_eq!(final_plan["status"], "final");
    assert_eq!(final_plan["missing"], json!([]));
    assert!(final_plan["finalised_at"].is_string());
}

#[tokio::test]
async fn a_childs_plan_is_not_final_without_the_childs_opinion() {
    let app = TestApp::spawn().await;
    for (n, group) in [(1, ORPHAN), (2, CHILD_FI)] {
        let id = client(&app, group, n).await;
        let all = sections(&app, group, &[]).await;
        let response = create(&app, id, &plan(all.clone(), None, Some(PlanStatus::Final))).await;
        let problem = assert_problem(response, 422, "/problems/support-plan-incomplete").await;
        let detail = problem["detail"].as_str().expect("detail");
        assert!(detail.contains("child_opinion"), "{group:?}: {detail}");
        assert!(!detail.contains("own_choice"), "{group:?}: {detail}");

        let missing_siblings = sections(&app, group, &["family_cooperation"]).await;
        let opinion = Some("Gribu dzīvot ar brāli");
        let response = create(
            &app,
            id,
            &plan(missing_siblings, opinion, Some(PlanStatus::Final)),
        )
        .await;
        let problem = assert_problem(response, 422, "/problems/support-plan-incomplete").await;
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains("family_cooperation") && !d.contains("child_opinion")),
            "{problem}"
        );

        let created = create(&app, id, &plan(all, opinion, Some(PlanStatus::Final)))
            .created()
            .await;
        assert_eq!(created["status"], "final", "{group:?}");
        assert_eq!(created["opinion_kind"], "child_opinion");
        assert_eq!(created["missing"], json!([]));
        assert_eq!(created["plan_version"], 1, "refused plans take no version");
    }
}

#[tokio::test]
async fn a_final_plan_is_not_edited() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let all = sections(&app, ADULT, &[]).await;
    let response = create(
        &app,
        id,
        &plan(all, Some("Mana izvēle"), Some(PlanStatus::Final)),
    )
    .await;
    assert_eq!(response.status(), 201);
    let etag = etag_of(&response);
    let final_plan: Value = response.json().await.expect("json");
    let plan_id = id_of(&final_plan);
    for edit in [
        change(None, Some("Cita izvēle"), None),
        change(Some(texts(&[("employment", "Cits darbs")])), None, None),
        change(None, None, Some(PlanStatus::Draft)),
        change(None, None, Some(PlanStatus::Final)),
    ] {
        let response = update(&app, id, plan_id, &etag, &edit).await;
        assert_problem(response, 409, "/problems/support-plan-final").await;
    }
    let (current, current_etag) = read(&app, id, plan_id).await;
    assert_eq!(current, final_plan);
    assert_eq!(current_etag, etag);
}

#[tokio::test]
async fn a_new_finalised_version_replaces_the_previous_final_plan() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let other = client(&app, ADULT, 2).await;
    let all = sections(&app, ADULT, &[]).await;
    let final_body = plan(all.clone(), Some("Mana izvēle"), Some(PlanStatus::Final));
    let v1 = create(&app, id, &final_body).created().await;
    let other_plan = create(&app, other, &final_body).created().await;
    let (v1_id, other_plan_id) = (id_of(&v1), id_of(&other_plan));

    // A draft of the next version replaces nothing yet.
    let response = create(&app, id, &plan(all, None, None)).await;
    assert_eq!(response.status(), 201);
    let v2_etag = etag_of(&response);
    let v2: Value = response.json().await.expect("json");
    assert_eq!(v2["plan_version"], 2);
    assert!(read(&app, id, v1_id).await.0["replaced_by_id"].is_null());

    // Finalised, it does.
    let finalise = change(None, Some("Jauna izvēle"), Some(PlanStatus::Final));
    let response = update(&app, id, id_of(&v2), &v2_etag, &finalise).await;
    assert_eq!(response.status(), 200);
    let (v1_now, _) = read(&app, id, v1_id).await;
    assert_eq!(v1_now["replaced_by_id"], v2["id"]);
    assert_eq!(
        v1_now["status"], "final",
        "the replaced plan stays as it was"
    );
    assert_eq!(v1_now["opinion"], "Mana izvēle");

    // A third version, final at creation, replaces the second.
    let v3 = create(&app, id, &final_body).created().await;
    assert_eq!(v3["plan_version"], 3);
    let list = plans(&app, id).await;
    let versions: Vec<(Value, Value, Value)> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|p| {
            (
                p["plan_version"].clone(),
                p["status"].clone(),
                p["replaced_by_id"].clone(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        [
            (json!(3), json!("final"), Value::Null),
            (json!(2), json!("final"), v3["id"].clone()),
            (json!(1), json!("final"), v2["id"].clone()),
        ],
        "newest first, every version kept"
    );
    // Another client's final plan is not replaced.
    let (other_now, _) = read(&app, other, other_plan_id).await;
    assert!(other_now["replaced_by_id"].is_null());
    assert_eq!(other_now["plan_version"], 1);
    // Nor reachable under this client.
    let response = app.get_support_plan(&kuldiga(), id, other_plan_id).await;
    assert_problem(response, 404, "about:blank").await;
}

#[tokio::test]
async fn sections_of_another_target_group_are_rejected() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let response = create(
        &app,
        id,
        &plan(
            texts(&[("employment", "Darbs"), ("siblings", "Brālis")]),
            None,
            None,
        ),
    )
    .await;
    let problem = assert_problem(response, 422, "/problems/support-plan-unknown-section").await;
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("siblings"))
    );
    assert_eq!(plans(&app, id).await, json!([]));

    let response = create(
        &app,
        id,
        &plan(texts(&[("employment", "Darbs")]), None, None),
    )
    .await;
    let etag = etag_of(&response);
    let plan_id = id_of(&response.json::<Value>().await.expect("json"));
    for unknown in ["rehabilitation_needs", "hobbies"] {
        let edit = change(Some(texts(&[(unknown, "Kaut kas")])), None, None);
        let response = update(&app, id, plan_id, &etag, &edit).await;
        let problem = assert_problem(response, 422, "/problems/support-plan-unknown-section").await;
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains(unknown))
        );
    }
    let (current, _) = read(&app, id, plan_id).await;
    assert_eq!(current["sections"], json!({"employment": "Darbs"}));

    let child_id = client(&app, ORPHAN, 2).await;
    let response = create(
        &app,
        child_id,
        &plan(
            texts(&[("support_volume_and_care_level", "II")]),
            None,
            None,
        ),
    )
    .await;
    assert_problem(response, 422, "/problems/support-plan-unknown-section").await;
}

#[tokio::test]
async fn a_plan_is_based_only_on_an_assessment_of_its_own_client() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let other = client(&app, ADULT, 2).await;
    let assessment = assessment_body(ADULT, date("2026-05-01"), (1, 1, 1));
    let own = app
        .create_assessment(&kuldiga(), id, &assessment)
        .created_id()
        .await;
    let foreign = app
        .create_assessment(&kuldiga(), other, &assessment)
        .created_id()
        .await;
    let based_on = |assessment_id: i64| CreateSupportPlan {
        assessment_id: Some(AssessmentId(assessment_id)),
        ..plan_body(Sections::new(), None)
    };
    let response = create(&app, id, &based_on(foreign)).await;
    assert_problem(response, 422, "/problems/unknown-reference").await;
    let based = create(&app, id, &based_on(own)).created().await;
    assert_eq!(based["assessment_id"], own);
}

#[tokio::test]
async fn concurrent_final_versions_number_uniquely_and_leave_one_current_final_plan() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let all = sections(&app, ADULT, &[]).await;
    let body = plan(all, Some("Mana izvēle"), Some(PlanStatus::Final));
    let created = created_or_conflict((0..6).map(|_| create(&app, id, &body).into_future())).await;
    assert!(created >= 1, "{created} created");
    let list = plans(&app, id).await;
    let all_plans = list.as_array().expect("array");
    assert_eq!(all_plans.len(), created);
    let mut versions: Vec<i64> = all_plans
        .iter()
        .map(|p| p["plan_version"].as_i64().expect("version"))
        .collect();
    versions.sort_unstable();
    assert_eq!(versions, (1..=created as i64).collect::<Vec<_>>());
    let current: Vec<&Value> = all_plans
        .iter()
        .filter(|p| p["replaced_by_id"].is_null())
        .collect();
    assert_eq!(current.len(), 1, "one current final plan: {list:#}");
}
