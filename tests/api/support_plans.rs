use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::helpers::{
    TestApp, adult, assert_problem, assessment_body, child, etag_of, municipality, new_code, token,
};

const ADULT: &str = "adult_with_mental_disorder";
const ORPHAN: &str = "orphan_or_no_parental_care";
const CHILD_FI: &str = "child_with_functional_impairment";

/// The section codes of a target group's plan, from the public reference endpoint.
async fn section_codes(app: &TestApp, target_group: &str) -> Vec<String> {
    app.get_json(&format!(
        "/api/v1/support-plan-sections?target_group={target_group}"
    ))
    .await["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["code"].as_str().expect("code").to_string())
        .collect()
}

/// Every section of `target_group` filled in, except `without`.
async fn sections(app: &TestApp, target_group: &str, without: &[&str]) -> Value {
    let mut out = Map::new();
    for code in section_codes(app, target_group).await {
        if !without.contains(&code.as_str()) {
            out.insert(code.clone(), json!(format!("Saturs: {code}")));
        }
    }
    Value::Object(out)
}

async fn client(app: &TestApp, target_group: &str, n: u64) -> i64 {
    let body = if target_group == ADULT {
        adult(&new_code(n), &format!("Klients{n}"))
    } else {
        child(&new_code(n), &format!("Klients{n}"), target_group)
    };
    app.create_client_id("050", &body).await
}

fn plans_path(client_id: i64) -> String {
    format!("/api/v1/clients/{client_id}/support-plans")
}

fn kuldiga() -> String {
    token(&municipality("050"))
}

/// Reads a plan: its body and ETag.
async fn read(app: &TestApp, client_id: i64, plan_id: &Value) -> (Value, String) {
    let response = app
        .get_as(&format!("{}/{plan_id}", plans_path(client_id)), &kuldiga())
        .await;
    assert_eq!(response.status(), 200);
    let etag = etag_of(&response);
    (response.json().await.expect("json"), etag)
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
        .get_json(&format!(
            "/api/v1/support-plan-sections?target_group={ADULT}"
        ))
        .await;
    assert_eq!(listed["total"], 12);
    assert!(
        listed["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|s| s["mandatory"] == true && s["title"].is_string())
    );
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
    let response = app
        .post_json(
            &plans_path(id),
            &kuldiga(),
            &json!({"sections": {"employment": "Darbs darbnīcā", "health": "Labs"}}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let first_etag = etag_of(&response);
    let created: Value = response.json().await.expect("json");
    assert_eq!(location, format!("{}/{}", plans_path(id), created["id"]));
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

    let (read_back, etag) = read(&app, id, &created["id"]).await;
    assert_eq!(read_back, created);
    assert_eq!(etag, first_etag);

    let response = app
        .patch_if_match(
            &location,
            &kuldiga(),
            &first_etag,
            &json!({"sections": {"education": "Pamatizglītība", "health": ""}, "opinion": "Vēlos dzīvot Kuldīgā"}),
        )
        .await;
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

    let response = app
        .patch_if_match(
            &location,
            &kuldiga(),
            &first_etag,
            &json!({"opinion": "Cits"}),
        )
        .await;
    assert_problem(response, 412, "/problems/precondition-failed").await;
    let (current, etag) = read(&app, id, &created["id"]).await;
    assert_eq!(current, updated);
    assert_eq!(etag, second_etag);

    let list = app.get_ok(&plans_path(id), &kuldiga()).await;
    assert_eq!(list, json!([updated]));
}

#[tokio::test]
async fn an_adult_plan_is_not_final_without_employment_or_the_own_choice() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let incomplete = sections(&app, ADULT, &["employment"]).await;

    // Finalising at creation.
    let response = app
        .post_json(
            &plans_path(id),
            &kuldiga(),
            &json!({"sections": incomplete, "status": "final"}),
        )
        .await;
    let problem = assert_problem(response, 422, "/problems/support-plan-incomplete").await;
    let detail = problem["detail"].as_str().expect("detail");
    assert!(
        detail.contains("employment") && detail.contains("own_choice"),
        "{detail}"
    );
    assert_eq!(app.get_ok(&plans_path(id), &kuldiga()).await, json!([]));

    // Finalising a draft.
    let response = app
        .post_json(
            &plans_path(id),
            &kuldiga(),
            &json!({"sections": incomplete}),
        )
        .await;
    let etag = etag_of(&response);
    let draft: Value = response.json().await.expect("json");
    assert_eq!(
        strings(&draft["missing"]),
        strings(&json!(["employment", "own_choice"]))
    );
    let path = format!("{}/{}", plans_path(id), draft["id"]);
    let response = app
        .patch_if_match(&path, &kuldiga(), &etag, &json!({"status": "final"}))
        .await;
    let problem = assert_problem(response, 422, "/problems/support-plan-incomplete").await;
    let detail = problem["detail"].as_str().expect("detail");
    assert!(
        detail.contains("employment") && detail.contains("own_choice"),
        "{detail}"
    );
    let response = app
        .patch_if_match(
            &path,
            &kuldiga(),
            &etag,
            &json!({"status": "final", "opinion": "Gribu strādāt"}),
        )
        .await;
    let problem = assert_problem(response, 422, "/problems/support-plan-incomplete").await;
    let detail = problem["detail"].as_str().expect("detail");
    assert!(
        detail.contains("employment") && !detail.contains("own_choice"),
        "{detail}"
    );
    let response = app
        .patch_if_match(
            &path,
            &kuldiga(),
            &etag,
            &json!({"status": "final", "sections": {"employment": ""}, "opinion": "Gribu strādāt"}),
        )
        .await;
    assert_problem(response, 422, "/problems/support-plan-incomplete").await;
    let (still, unchanged_etag) = read(&app, id, &draft["id"]).await;
    assert_eq!(still, draft, "a refused finalisation changes nothing");
    assert_eq!(unchanged_etag, etag);

    let response = app
        .patch_if_match(
            &path,
            &kuldiga(),
            &etag,
            &json!({"status": "final", "sections": {"employment": "Darbs"}, "opinion": "Gribu strādāt"}),
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
        let response = app
            .post_json(
                &plans_path(id),
                &kuldiga(),
                &json!({"sections": all, "status": "final"}),
            )
            .await;
        let problem = assert_problem(response, 422, "/problems/support-plan-incomplete").await;
        let detail = problem["detail"].as_str().expect("detail");
        assert!(detail.contains("child_opinion"), "{group}: {detail}");
        assert!(!detail.contains("own_choice"), "{group}: {detail}");

        let missing_siblings = sections(&app, group, &["family_cooperation"]).await;
        let response = app
            .post_json(
                &plans_path(id),
                &kuldiga(),
                &json!({"sections": missing_siblings, "opinion": "Gribu dzīvot ar brāli", "status": "final"}),
            )
            .await;
        let problem = assert_problem(response, 422, "/problems/support-plan-incomplete").await;
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains("family_cooperation") && !d.contains("child_opinion")),
            "{problem}"
        );

        let created = app
            .post_created(
                &plans_path(id),
                &kuldiga(),
                &json!({"sections": all, "opinion": "Gribu dzīvot ar brāli", "status": "final"}),
            )
            .await;
        assert_eq!(created["status"], "final", "{group}");
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
    let response = app
        .post_json(
            &plans_path(id),
            &kuldiga(),
            &json!({"sections": all, "opinion": "Mana izvēle", "status": "final"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let etag = etag_of(&response);
    let plan: Value = response.json().await.expect("json");
    let path = format!("{}/{}", plans_path(id), plan["id"]);
    for change in [
        json!({"opinion": "Cita izvēle"}),
        json!({"sections": {"employment": "Cits darbs"}}),
        json!({"status": "draft"}),
        json!({"status": "final"}),
    ] {
        let response = app.patch_if_match(&path, &kuldiga(), &etag, &change).await;
        assert_problem(response, 409, "/problems/support-plan-final").await;
    }
    let (current, current_etag) = read(&app, id, &plan["id"]).await;
    assert_eq!(current, plan);
    assert_eq!(current_etag, etag);
}

#[tokio::test]
async fn a_new_finalised_version_replaces_the_previous_final_plan() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let other = client(&app, ADULT, 2).await;
    let all = sections(&app, ADULT, &[]).await;
    let final_body = json!({"sections": all, "opinion": "Mana izvēle", "status": "final"});
    let v1 = app
        .post_created(&plans_path(id), &kuldiga(), &final_body)
        .await;
    let other_plan = app
        .post_created(&plans_path(other), &kuldiga(), &final_body)
        .await;

    // A draft of the next version replaces nothing yet.
    let response = app
        .post_json(&plans_path(id), &kuldiga(), &json!({"sections": all}))
        .await;
    assert_eq!(response.status(), 201);
    let v2_etag = etag_of(&response);
    let v2: Value = response.json().await.expect("json");
    assert_eq!(v2["plan_version"], 2);
    assert!(read(&app, id, &v1["id"]).await.0["replaced_by_id"].is_null());

    // Finalised, it does.
    let response = app
        .patch_if_match(
            &format!("{}/{}", plans_path(id), v2["id"]),
            &kuldiga(),
            &v2_etag,
            &json!({"status": "final", "opinion": "Jauna izvēle"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let (v1_now, _) = read(&app, id, &v1["id"]).await;
    assert_eq!(v1_now["replaced_by_id"], v2["id"]);
    assert_eq!(
        v1_now["status"], "final",
        "the replaced plan stays as it was"
    );
    assert_eq!(v1_now["opinion"], "Mana izvēle");

    // A third version, final at creation, replaces the second.
    let v3 = app
        .post_created(&plans_path(id), &kuldiga(), &final_body)
        .await;
    assert_eq!(v3["plan_version"], 3);
    let list = app.get_ok(&plans_path(id), &kuldiga()).await;
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
    let (other_now, _) = read(&app, other, &other_plan["id"]).await;
    assert!(other_now["replaced_by_id"].is_null());
    assert_eq!(other_now["plan_version"], 1);
    // Nor reachable under this client.
    let response = app
        .get_as(
            &format!("{}/{}", plans_path(id), other_plan["id"]),
            &kuldiga(),
        )
        .await;
    assert_problem(response, 404, "about:blank").await;
}

#[tokio::test]
async fn sections_of_another_target_group_are_rejected() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let response = app
        .post_json(
            &plans_path(id),
            &kuldiga(),
            &json!({"sections": {"employment": "Darbs", "siblings": "Brālis"}}),
        )
        .await;
    let problem = assert_problem(response, 422, "/problems/support-plan-unknown-section").await;
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("siblings"))
    );
    assert_eq!(app.get_ok(&plans_path(id), &kuldiga()).await, json!([]));

    let response = app
        .post_json(
            &plans_path(id),
            &kuldiga(),
            &json!({"sections": {"employment": "Darbs"}}),
        )
        .await;
    let etag = etag_of(&response);
    let plan: Value = response.json().await.expect("json");
    let path = format!("{}/{}", plans_path(id), plan["id"]);
    for unknown in ["rehabilitation_needs", "hobbies"] {
        let response = app
            .patch_if_match(
                &path,
                &kuldiga(),
                &etag,
                &json!({"sections": {unknown: "Kaut kas"}}),
            )
            .await;
        let problem = assert_problem(response, 422, "/problems/support-plan-unknown-section").await;
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains(unknown))
        );
    }
    let (current, _) = read(&app, id, &plan["id"]).await;
    assert_eq!(current["sections"], json!({"employment": "Darbs"}));

    let child_id = client(&app, ORPHAN, 2).await;
    let response = app
        .post_json(
            &plans_path(child_id),
            &kuldiga(),
            &json!({"sections": {"support_volume_and_care_level": "II"}}),
        )
        .await;
    assert_problem(response, 422, "/problems/support-plan-unknown-section").await;
}

#[tokio::test]
async fn a_plan_is_based_only_on_an_assessment_of_its_own_client() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let other = client(&app, ADULT, 2).await;
    let own = app
        .create_assessment("050", id, &assessment_body(ADULT, "2026-05-01", (1, 1, 1)))
        .await;
    let foreign = app
        .create_assessment(
            "050",
            other,
            &assessment_body(ADULT, "2026-05-01", (1, 1, 1)),
        )
        .await;
    let response = app
        .post_json(
            &plans_path(id),
            &kuldiga(),
            &json!({"assessment_id": foreign["id"]}),
        )
        .await;
    assert_problem(response, 422, "/problems/unknown-reference").await;
    let plan = app
        .post_created(
            &plans_path(id),
            &kuldiga(),
            &json!({"assessment_id": own["id"]}),
        )
        .await;
    assert_eq!(plan["assessment_id"], own["id"]);
}

#[tokio::test]
async fn concurrent_final_versions_number_uniquely_and_leave_one_current_final_plan() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let all = sections(&app, ADULT, &[]).await;
    let body = json!({"sections": all, "opinion": "Mana izvēle", "status": "final"});
    let path = plans_path(id);
    let token = kuldiga();
    let statuses: Vec<u16> =
        futures::future::join_all((0..6).map(|_| app.post_json(&path, &token, &body)))
            .await
            .iter()
            .map(|r| r.status().as_u16())
            .collect();
    assert!(
        statuses.iter().all(|s| [201, 409].contains(s)),
        "{statuses:?}"
    );
    let created = statuses.iter().filter(|s| **s == 201).count();
    assert!(created >= 1, "{statuses:?}");
    let list = app.get_ok(&path, &token).await;
    let plans = list.as_array().expect("array");
    assert_eq!(plans.len(), created);
    let mut versions: Vec<i64> = plans
        .iter()
        .map(|p| p["plan_version"].as_i64().expect("version"))
        .collect();
    versions.sort_unstable();
    assert_eq!(versions, (1..=created as i64).collect::<Vec<_>>());
    let current: Vec<&Value> = plans
        .iter()
        .filter(|p| p["replaced_by_id"].is_null())
        .collect();
    assert_eq!(current.len(), 1, "one current final plan: {list:#}");
}
