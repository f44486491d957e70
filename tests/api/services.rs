use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, ministry, municipality, provider, token};

fn new_service(service_type: &str, capacity: i64, groups: &[&str]) -> Value {
    json!({
        "service_type": service_type,
        "name": format!("Pakalpojums {service_type}"),
        "address": "Skolas iela 3",
        "target_groups": groups,
        "capacity": capacity,
        "status": "active",
        "price": {"amount": "14.94", "unit": "person_day"},
    })
}

async fn create(app: &TestApp, provider_id: i64, body: &Value) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/providers/{provider_id}/services"),
        &token(&ministry()),
        body,
    )
    .await
}

#[tokio::test]
async fn a_service_is_created_under_its_provider_with_occupancy_and_vacancies() {
    let app = TestApp::spawn().await;
    let pid = app.create_provider("050", "LM-S1").await;
    let response = create(
        &app,
        pid,
        &new_service("group_home", 6, &["adult_with_mental_disorder"]),
    )
    .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let created: Value = response.json().await.expect("json");
    assert_eq!(created["municipality"], "050", "defaults to the provider's");
    assert_eq!(created["occupied"], 0);
    assert_eq!(created["vacancies"], 6);
    assert_eq!(
        created["price"],
        json!({"amount": "14.94", "unit": "person_day", "currency": "EUR"})
    );
    assert_eq!(app.get_json(&location).await, created);
    let listed = app
        .get_json(&format!("/api/v1/providers/{pid}/services"))
        .await;
    assert_eq!(listed["total"], 1);
}

#[tokio::test]
async fn capacity_limits_and_target_groups_of_the_catalogue_hold() {
    let app = TestApp::spawn().await;
    let pid = app.create_provider("050", "LM-S2").await;
    let children = ["orphan_or_no_parental_care"];
    assert_eq!(
        create(
            &app,
            pid,
            &new_service("family_like_care_home", 8, &children)
        )
        .await
        .status(),
        201
    );
    let response = create(
        &app,
        pid,
        &new_service("family_like_care_home", 9, &children),
    )
    .await;
    let problem = assert_problem(response, 422, "/problems/capacity-above-type-limit").await;
    assert_eq!(problem["rule"], "INV-C01/INV-C02");
    let response = create(
        &app,
        pid,
        &new_service("social_correction_home", 25, &children),
    )
    .await;
    assert_problem(response, 422, "/problems/capacity-above-type-limit").await;
    let response = create(
        &app,
        pid,
        &new_service("family_like_care_home", 4, &["adult_with_mental_disorder"]),
    )
    .await;
    assert_problem(response, 422, "/problems/target-group-not-served").await;
    let response = create(&app, pid, &new_service("hospital", 4, &children)).await;
    assert_problem(response, 422, "/problems/unknown-reference").await;
    let response = create(
        &app,
        pid,
        &new_service("group_home", -1, &["adult_with_mental_disorder"]),
    )
    .await;
    assert_problem(response, 422, "/problems/validation").await;
}

#[tokio::test]
async fn a_suspended_provider_has_no_active_services_and_disappears_from_the_public_list() {
    let app = TestApp::spawn().await;
    let pid = app.create_provider("050", "LM-S3").await;
    let sid = create(
        &app,
        pid,
        &new_service("group_home", 6, &["adult_with_mental_disorder"]),
    )
    .await
    .json::<Value>()
    .await
    .expect("json")["id"]
        .as_i64()
        .expect("id");
    app.patch_json(
        &format!("/api/v1/providers/{pid}"),
        &token(&ministry()),
        &json!({"status": "suspended"}),
    )
    .await;
    let public = app.get_json("/api/v1/services").await;
    assert_eq!(public["total"], 0);
    let authenticated: Value = app
        .client
        .get(app.url("/api/v1/services"))
        .bearer_auth(token(&ministry()))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(authenticated["total"], 1);
    assert_eq!(authenticated["items"][0]["provider_status"], "suspended");
    let response = create(
        &app,
        pid,
        &new_service("group_home", 6, &["adult_with_mental_disorder"]),
    )
    .await;
    assert_problem(response, 409, "/problems/provider-not-active").await;
    let mut planned = new_service("group_home", 6, &["adult_with_mental_disorder"]);
    planned["status"] = json!("planned");
    assert_eq!(create(&app, pid, &planned).await.status(), 201);
    // Reactivating the provider brings the service back.
    app.patch_json(
        &format!("/api/v1/providers/{pid}"),
        &token(&ministry()),
        &json!({"status": "active"}),
    )
    .await;
    let public = app.get_json("/api/v1/services?status=active").await;
    assert_eq!(public["items"][0]["id"], sid);
}

#[tokio::test]
async fn services_are_updated_and_closed_by_their_provider_writers() {
    let app = TestApp::spawn().await;
    let pid = app.create_provider("050", "LM-S4").await;
    let sid = create(
        &app,
        pid,
        &new_service("group_home", 6, &["adult_with_mental_disorder"]),
    )
    .await
    .json::<Value>()
    .await
    .expect("json")["id"]
        .as_i64()
        .expect("id");
    let path = format!("/api/v1/services/{sid}");
    let response = app
        .patch_json(
            &path,
            &token(&provider(pid)),
            &json!({"capacity": 10, "description": "Jauns apraksts"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.expect("json")["vacancies"],
        10
    );
    let response = app
        .patch_json(&path, &token(&municipality("RIX")), &json!({"capacity": 3}))
        .await;
    assert_problem(response, 403, "about:blank").await;
    let response = app
        .patch_json(&path, &token(&municipality("050")), &json!({"capacity": 3}))
        .await;
    assert_eq!(response.status(), 200);
    let close = app
        .client
        .post(app.url(&format!("{path}/close")))
        .bearer_auth(token(&provider(pid)))
        .send()
        .await
        .expect("request");
    assert_eq!(
        close.json::<Value>().await.expect("json")["status"],
        "closed"
    );
    let reopen = app
        .patch_json(&path, &token(&ministry()), &json!({"status": "active"}))
        .await;
    assert_problem(reopen, 409, "/problems/service-closed").await;
}

#[tokio::test]
async fn the_directory_filters_combine_and_search_ignores_case_and_diacritics() {
    let app = TestApp::spawn().await;
    let kuldiga = app.create_provider("050", "LM-F1").await;
    let riga = app.create_provider("RIX", "LM-F2").await;
    let mut home = new_service("family_like_care_home", 8, &["orphan_or_no_parental_care"]);
    home["name"] = json!("Ģimenes māja Saulīte");
    home["description_en"] = json!("A family-like home for siblings");
    create(&app, kuldiga, &home).await;
    let mut day = new_service("day_care_centre", 20, &["adult_with_mental_disorder"]);
    day["name"] = json!("Dienas centrs Rīgā");
    create(&app, riga, &day).await;
    let mut full = new_service("group_home", 0, &["adult_with_mental_disorder"]);
    full["name"] = json!("Grupu dzīvoklis");
    create(&app, riga, &full).await;

    let ids = |doc: &Value| -> Vec<String> {
        doc["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|s| s["name"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(
        ids(&app.get_json("/api/v1/services?q=gim%20MAJA").await),
        ["Ģimenes māja Saulīte"]
    );
    assert_eq!(
        ids(&app.get_json("/api/v1/services?q=sibling").await),
        ["Ģimenes māja Saulīte"]
    );
    assert_eq!(
        ids(&app.get_json("/api/v1/services?q=riga").await),
        ["Dienas centrs Rīgā"]
    );
    assert_eq!(
        app.get_json("/api/v1/services?q=gim%20riga").await["total"],
        0
    );
    assert_eq!(
        ids(&app.get_json("/api/v1/services?region=KURZEME").await),
        ["Ģimenes māja Saulīte"]
    );
    assert_eq!(
        app.get_json("/api/v1/services?region=RIGA&has_vacancies=true")
            .await["total"],
        1
    );
    assert_eq!(
        ids(&app.get_json("/api/v1/services?has_vacancies=false").await),
        ["Grupu dzīvoklis"]
    );
    assert_eq!(
        app.get_json("/api/v1/services?target_group=adult_with_mental_disorder&municipality=RIX")
            .await["total"],
        2
    );
    assert_eq!(
        app.get_json("/api/v1/services?service_type=day_care_centre&sector=ngo")
            .await["total"],
        1
    );
    assert_eq!(
        app.get_json("/api/v1/services?sector=private").await["total"],
        0
    );
    assert_eq!(
        ids(&app
            .get_json("/api/v1/services?sort=-capacity&limit=2")
            .await),
        ["Dienas centrs Rīgā", "Ģimenes māja Saulīte"]
    );
    let page = app.get_json("/api/v1/services?limit=1&offset=2").await;
    assert_eq!(
        (
            page["total"].as_i64(),
            page["items"].as_array().map(Vec::len)
        ),
        (Some(3), Some(1))
    );
}
