use kopiena::api::providers::UpdateProvider;
use kopiena::api::services::{CreateService, ListServicesQuery, UpdateService};
use kopiena::domain::client::TargetGroup;
use kopiena::domain::registry::{ProviderStatus, Sector, ServiceStatus};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, assert_problem, location_of, ministry, municipality, page, provider, provider_update,
    service_body, service_update, services_query, token,
};

const ADULTS: [TargetGroup; 1] = [TargetGroup::AdultWithMentalDisorder];
const ORPHANS: [TargetGroup; 1] = [TargetGroup::OrphanOrNoParentalCare];

/// Creates `body` under `provider_id` as the ministry.
async fn create(app: &TestApp, provider_id: i64, body: &CreateService) -> reqwest::Response {
    app.create_service(&token(&ministry()), provider_id, body)
        .await
}

/// Sets a provider's status as the ministry.
async fn set_provider_status(app: &TestApp, provider_id: i64, status: ProviderStatus) {
    let change = UpdateProvider {
        status: Some(status),
        ..provider_update()
    };
    app.update_provider(&token(&ministry()), provider_id, &change)
        .ok()
        .await;
}

/// Creates a group home for six adults under `provider_id`; its id.
async fn group_home(app: &TestApp, provider_id: i64) -> i64 {
    app.create_service(
        &token(&ministry()),
        provider_id,
        &service_body("group_home", 6, &ADULTS),
    )
    .created_id()
    .await
}

fn capacity(capacity: i32) -> UpdateService {
    UpdateService {
        capacity: Some(capacity),
        ..service_update()
    }
}

#[tokio::test]
async fn a_service_is_created_under_its_provider_with_occupancy_and_vacancies() {
    let app = TestApp::spawn().await;
    let pid = app.new_provider("050", "LM-S1").await;
    let response = create(&app, pid, &service_body("group_home", 6, &ADULTS)).await;
    assert_eq!(response.status(), 201);
    let location = location_of(&response);
    let created: Value = response.json().await.expect("json");
    assert_eq!(created["municipality"], "050", "defaults to the provider's");
    assert_eq!(created["occupied"], 0);
    assert_eq!(created["vacancies"], 6);
    assert_eq!(
        created["price"],
        json!({"amount": "14.94", "unit": "person_day", "currency": "EUR"})
    );
    assert_eq!(app.get(&location).ok().await, created);
    let listed = app
        .list_provider_services(pid, &services_query())
        .ok()
        .await;
    assert_eq!(listed["total"], 1);
}

#[tokio::test]
async fn a_service_is_only_in_a_municipality_that_exists_on_the_day() {
    let app = TestApp::spawn().await;
    let pid = app.new_provider("050", "LM-S-VALID").await;
    let in_municipality = |code: &str| CreateService {
        municipality: Some(code.into()),
        ..service_body("group_home", 6, &ADULTS)
    };
    // Varakļāni (102) was dissolved on 2025-06-30; ZZZ never existed.
    let response = create(&app, pid, &in_municipality("102")).await;
    let problem = assert_problem(response, 422, "/problems/municipality-not-valid").await;
    assert_eq!(problem["rule"], "REF-MUNICIPALITY-VALIDITY");
    let response = create(&app, pid, &in_municipality("ZZZ")).await;
    assert_problem(response, 422, "/problems/unknown-reference").await;
    let sid = create(&app, pid, &in_municipality("RIX"))
        .await
        .json::<Value>()
        .await
        .expect("json")["id"]
        .as_i64()
        .expect("created");
    // Nor is a service moved there.
    let moved = UpdateService {
        municipality: Some("102".into()),
        ..service_update()
    };
    let response = app.update_service(&token(&ministry()), sid, &moved).await;
    assert_problem(response, 422, "/problems/municipality-not-valid").await;
    assert_eq!(app.get_service(sid).ok().await["municipality"], "RIX");
}

#[tokio::test]
async fn capacity_limits_and_target_groups_of_the_catalogue_hold() {
    let app = TestApp::spawn().await;
    let pid = app.new_provider("050", "LM-S2").await;
    assert_eq!(
        create(
            &app,
            pid,
            &service_body("family_like_care_home", 8, &ORPHANS)
        )
        .await
        .status(),
        201
    );
    let response = create(
        &app,
        pid,
        &service_body("family_like_care_home", 9, &ORPHANS),
    )
    .await;
    let problem = assert_problem(response, 422, "/problems/capacity-above-type-limit").await;
    assert_eq!(problem["rule"], "INV-C01/INV-C02");
    let response = create(
        &app,
        pid,
        &service_body("social_correction_home", 25, &ORPHANS),
    )
    .await;
    assert_problem(response, 422, "/problems/capacity-above-type-limit").await;
    let response = create(
        &app,
        pid,
        &service_body("family_like_care_home", 4, &ADULTS),
    )
    .await;
    assert_problem(response, 422, "/problems/target-group-not-served").await;
    let response = create(&app, pid, &service_body("hospital", 4, &ORPHANS)).await;
    assert_problem(response, 422, "/problems/unknown-reference").await;
    let response = create(&app, pid, &service_body("group_home", -1, &ADULTS)).await;
    assert_problem(response, 422, "/problems/validation").await;
}

#[tokio::test]
async fn a_suspended_provider_has_no_active_services_and_disappears_from_the_public_list() {
    let app = TestApp::spawn().await;
    let pid = app.new_provider("050", "LM-S3").await;
    let sid = group_home(&app, pid).await;
    set_provider_status(&app, pid, ProviderStatus::Suspended).await;
    let public = app.list_services(&services_query()).ok().await;
    assert_eq!(public["total"], 0);
    let authenticated = app
        .list_services(&services_query())
        .bearer(&token(&ministry()))
        .ok()
        .await;
    assert_eq!(authenticated["total"], 1);
    assert_eq!(authenticated["items"][0]["provider_status"], "suspended");
    let response = create(&app, pid, &service_body("group_home", 6, &ADULTS)).await;
    assert_problem(response, 409, "/problems/provider-not-active").await;
    let planned = CreateService {
        status: Some(ServiceStatus::Planned),
        ..service_body("group_home", 6, &ADULTS)
    };
    assert_eq!(create(&app, pid, &planned).await.status(), 201);
    // Reactivating the provider brings the service back.
    set_provider_status(&app, pid, ProviderStatus::Active).await;
    let active = ListServicesQuery {
        status: Some(ServiceStatus::Active),
        ..services_query()
    };
    let public = app.list_services(&active).ok().await;
    assert_eq!(public["items"][0]["id"], sid);
}

#[tokio::test]
async fn services_are_updated_and_closed_by_their_provider_writers() {
    let app = TestApp::spawn().await;
    let pid = app.new_provider("050", "LM-S4").await;
    let sid = group_home(&app, pid).await;
    let change = UpdateService {
        capacity: Some(10),
        description: Some(Some("Jauns apraksts".into())),
        ..service_update()
    };
    let response = app
        .update_service(&token(&provider(pid)), sid, &change)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.expect("json")["vacancies"],
        10
    );
    let response = app
        .update_service(&token(&municipality("RIX")), sid, &capacity(3))
        .await;
    assert_problem(response, 403, "about:blank").await;
    let response = app
        .update_service(&token(&municipality("050")), sid, &capacity(3))
        .await;
    assert_eq!(response.status(), 200);
    let close = app.close_service(&token(&provider(pid)), sid).await;
    assert_eq!(
        close.json::<Value>().await.expect("json")["status"],
        "closed"
    );
    let reactivate = UpdateService {
        status: Some(ServiceStatus::Active),
        ..service_update()
    };
    let reopen = app
        .update_service(&token(&ministry()), sid, &reactivate)
        .await;
    assert_problem(reopen, 409, "/problems/service-closed").await;
}

#[tokio::test]
async fn the_directory_filters_combine_and_search_ignores_case_and_diacritics() {
    let app = TestApp::spawn().await;
    let kuldiga = app.new_provider("050", "LM-F1").await;
    let riga = app.new_provider("RIX", "LM-F2").await;
    let home = CreateService {
        name: "Ģimenes māja Saulīte".into(),
        description_en: Some("A family-like home for siblings".into()),
        ..service_body("family_like_care_home", 8, &ORPHANS)
    };
    create(&app, kuldiga, &home).await;
    let day = CreateService {
        name: "Dienas centrs Rīgā".into(),
        ..service_body("day_care_centre", 20, &ADULTS)
    };
    create(&app, riga, &day).await;
    let full = CreateService {
        name: "Grupu dzīvoklis".into(),
        ..service_body("group_home", 0, &ADULTS)
    };
    create(&app, riga, &full).await;
    let search = |q: &str| ListServicesQuery {
        q: Some(q.into()),
        ..services_query()
    };
    let found = async |query: &ListServicesQuery| app.list_services(query).ok().await;

    let ids = |doc: &Value| -> Vec<String> {
        doc["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|s| s["name"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(
        ids(&found(&search("gim MAJA")).await),
        ["Ģimenes māja Saulīte"]
    );
    assert_eq!(
        ids(&found(&search("sibling")).await),
        ["Ģimenes māja Saulīte"]
    );
    assert_eq!(ids(&found(&search("riga")).await), ["Dienas centrs Rīgā"]);
    assert_eq!(found(&search("gim riga")).await["total"], 0);
    assert_eq!(
        ids(&found(&ListServicesQuery {
            region: Some("KURZEME".into()),
            ..services_query()
        })
        .await),
        ["Ģimenes māja Saulīte"]
    );
    assert_eq!(
        found(&ListServicesQuery {
            region: Some("RIGA".into()),
            has_vacancies: Some(true),
            ..services_query()
        })
        .await["total"],
        1
    );
    assert_eq!(
        ids(&found(&ListServicesQuery {
            has_vacancies: Some(false),
            ..services_query()
        })
        .await),
        ["Grupu dzīvoklis"]
    );
    assert_eq!(
        found(&ListServicesQuery {
            target_group: Some("adult_with_mental_disorder".into()),
            municipality: Some("RIX".into()),
            ..services_query()
        })
        .await["total"],
        2
    );
    assert_eq!(
        found(&ListServicesQuery {
            service_type: Some("day_care_centre".into()),
            sector: Some(Sector::Ngo),
            ..services_query()
        })
        .await["total"],
        1
    );
    assert_eq!(
        found(&ListServicesQuery {
            sector: Some(Sector::Private),
            ..services_query()
        })
        .await["total"],
        0
    );
    assert_eq!(
        ids(&app
            .list_services(&ListServicesQuery {
                sort: Some("-capacity".into()),
                ..services_query()
            })
            .query(&page(2, 0))
            .ok()
            .await),
        ["Dienas centrs Rīgā", "Ģimenes māja Saulīte"]
    );
    let third = app
        .list_services(&services_query())
        .query(&page(1, 2))
        .ok()
        .await;
    assert_eq!(
        (
            third["total"].as_i64(),
            third["items"].as_array().map(Vec::len)
        ),
        (Some(3), Some(1))
    );
}

/// A read with the ETag the client already holds is a 304 without a body (RFC 9110
/// `If-None-Match`, weak comparison, `*` too); another ETag gets the full answer.
#[tokio::test]
async fn a_read_with_the_current_etag_is_not_modified() {
    let app = TestApp::spawn().await;
    let provider = app.new_provider("050", "LM-ETAG").await;
    let body = service_body("home_care", 5, &[TargetGroup::AdultWithMentalDisorder]);
    let id = app
        .create_service(&token(&ministry()), provider, &body)
        .created_id()
        .await;
    let first = app.get_service(id).await;
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().expect("etag").to_string();
    for held in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"x.1\", {etag}"),
        "*".into(),
    ] {
        let again = app.get_service(id).header("If-None-Match", &held).await;
        assert_eq!(again.status(), 304, "{held}");
        assert_eq!(again.headers()["etag"].to_str().expect("etag"), etag);
        assert!(again.bytes().await.expect("body").is_empty());
    }
    let other = app.get_service(id).header("If-None-Match", "\"x.1\"").await;
    assert_eq!(other.status(), 200);
}

/// A page links its neighbours (RFC 8288 `Link`): first and last always, prev and next where
/// they exist, each the same request with `limit` and `offset` set, filters kept.
#[tokio::test]
async fn a_page_links_the_first_previous_next_and_last_pages() {
    let app = TestApp::spawn().await;
    let provider = app.new_provider("050", "LM-LINK").await;
    for _ in 0..5 {
        let body = service_body("home_care", 5, &[TargetGroup::AdultWithMentalDisorder]);
        app.create_service(&token(&ministry()), provider, &body)
            .created()
            .await;
    }
    let link = |response: &reqwest::Response| {
        response.headers()["link"]
            .to_str()
            .expect("link")
            .to_string()
    };
    let path = "/api/v1/services";
    let middle = app
        .get(&format!("{path}?municipality=050&limit=2&offset=2"))
        .await;
    assert_eq!(middle.status(), 200);
    let expected = [("first", 0), ("prev", 0), ("next", 4), ("last", 4)]
        .map(|(rel, offset)| {
            format!("<{path}?municipality=050&limit=2&offset={offset}>; rel=\"{rel}\"")
        })
        .join(", ");
    assert_eq!(link(&middle), expected);
    let first = app.get(&format!("{path}?municipality=050&limit=2")).await;
    let links = link(&first);
    assert!(!links.contains("rel=\"prev\""), "{links}");
    assert!(links.contains("offset=2>; rel=\"next\""), "{links}");
    let last = app
        .get(&format!("{path}?municipality=050&limit=2&offset=4"))
        .await;
    assert!(!link(&last).contains("rel=\"next\""));
    // However far the offset, the links are computed without overflow.
    let beyond = app
        .get(&format!("{path}?limit=20&offset={}", i64::MAX - 1))
        .await;
    assert_eq!(beyond.status(), 200);
    assert!(link(&beyond).contains("offset=0>; rel=\"last\""));
}
