//! Reading, listing, updating and searching clients, and who sees the personal code.

use kopiena::api::clients::{Consent, ListClientsQuery, UpdateClient};
use kopiena::domain::client::DiStatus;
use serde_json::{Value, json};

use super::{ADULT, CHILD_FI, ORPHAN, registered};
use crate::helpers::{
    TestApp, admin, adult, assert_problem, child, client_update, clients_query, etag_of, id_of,
    municipality, new_code, page, placement, search, service_body, token,
};

#[tokio::test]
async fn updating_a_client_needs_the_current_etag_and_keeps_the_target_group_consistent_with_age() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let response = app
        .create_client(&kuldiga, &adult("161175-19997", "Ozola"))
        .await;
    assert_eq!(response.status(), 201);
    let first_etag = etag_of(&response);
    let id = id_of(&response.json::<Value>().await.expect("json"));
    let update =
        |etag: &str, body: &UpdateClient| app.update_client(&kuldiga, id, body).if_match(etag);

    // The DI status follows from the placements and waiting-list entries: with neither, only
    // `no_service` agrees.
    let contradicting = UpdateClient {
        di_status: Some(DiStatus::InCommunity),
        ..client_update()
    };
    let problem = assert_problem(
        update(&first_etag, &contradicting).await,
        409,
        "/problems/di-status-contradicts-placements",
    )
    .await;
    assert_eq!(problem["rule"], "DI-STATUS-DERIVED");
    let moved = UpdateClient {
        family_name: Some("Ozoliņa".into()),
        di_status: Some(DiStatus::NoService),
        ..client_update()
    };
    let response = update(&first_etag, &moved).await;
    assert_eq!(response.status(), 200);
    let second_etag = etag_of(&response);
    assert_ne!(second_etag, first_etag);
    let updated: Value = response.json().await.expect("json");
    assert_eq!(updated["family_name"], "Ozoliņa");
    assert_eq!(updated["di_status"], "no_service");
    assert_eq!(updated["given_name"], "Anna", "untouched fields stay");
    assert_eq!(updated["personal_code"], "161175-19997");

    // A stale ETag is refused and changes nothing.
    let renamed = UpdateClient {
        given_name: Some("Ilze".into()),
        ..client_update()
    };
    let response = update(&first_etag, &renamed).await;
    assert_problem(response, 412, "/problems/precondition-failed").await;
    let read = app.get_client(&kuldiga, id).await;
    assert_eq!(etag_of(&read), second_etag);
    assert_eq!(
        read.json::<Value>().await.expect("json")["given_name"],
        "Anna"
    );

    // An adult cannot become a child.
    let orphan = UpdateClient {
        target_group: Some(ORPHAN),
        ..client_update()
    };
    let response = update(&second_etag, &orphan).await;
    assert_problem(response, 422, "/problems/target-group-age").await;
    // Consent given needs its date.
    let undated = UpdateClient {
        vsac_consent: Some(Consent {
            given: true,
            date: None,
        }),
        ..client_update()
    };
    let response = update(&second_etag, &undated).await;
    let body = assert_problem(response, 422, "/problems/validation").await;
    assert!(body["errors"]["/vsac_consent/date"].is_array(), "{body}");
    // A personal code that disagrees with the birth date is refused: a rectification
    // changes both together (`clients::export`).
    let response = app
        .patch_as(
            &format!("/api/v1/clients/{id}"),
            &kuldiga,
            &json!({"personal_code": "300190-12341"}),
        )
        .if_match(&second_etag)
        .await;
    assert_problem(response, 422, "/problems/invalid-personal-code").await;
    let read = app.get_client(&kuldiga, id).ok().await;
    assert_eq!(read["personal_code"], "161175-19997");
    assert_eq!(read["target_group"], ADULT.as_str());
}

#[tokio::test]
async fn the_client_list_is_paginated_filtered_and_scoped_to_the_callers_municipality() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let mut bodies = vec![
        adult(&new_code(1), "Apine"),
        adult(&new_code(2), "Dreimane"),
        adult(&new_code(3), "Eglīte"),
        child(&new_code(4), "Bite", ORPHAN),
        child(&new_code(5), "Cielava", CHILD_FI),
    ];
    bodies[4].di_status = Some(DiStatus::NoService);
    let mut ids = Vec::new();
    for body in &bodies {
        ids.push(id_of(&registered(&app, "050", body).await));
    }
    // Dreimane lives in a group home: in the community by her placement.
    let provider = app.new_provider("050", "LM-records").await;
    let home = app
        .create_service(
            &token(&admin()),
            provider,
            &service_body("group_home", 4, &[ADULT]),
        )
        .created_id()
        .await;
    app.grant(&kuldiga, ids[1], home).await;
    app.create_placement(&kuldiga, ids[1], &placement(home, None))
        .created()
        .await;
    // Eglīte waits for one.
    app.wait(&kuldiga, ids[2], home).await;
    registered(&app, "RIX", &adult(&new_code(6), "Rīdziniece")).await;

    let names = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|c| c["family_name"].as_str().expect("name").to_string())
            .collect()
    };
    let all = app.list_clients(&kuldiga, &clients_query()).ok().await;
    assert_eq!(all["total"], 5);
    assert_eq!(
        names(&all),
        ["Apine", "Bite", "Cielava", "Dreimane", "Eglīte"],
        "by family name"
    );
    assert!(
        all["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|c| c["municipality"] == "050" && c["personal_code"].is_string())
    );

    let listed = async |query: &ListClientsQuery, limit: i64, offset: i64| {
        app.list_clients(&kuldiga, query)
            .query(&page(limit, offset))
            .ok()
            .await
    };
    let first = listed(&clients_query(), 2, 0).await;
    assert_eq!(
        (first["total"].clone(), first["limit"].clone()),
        (json!(5), json!(2))
    );
    assert_eq!(names(&first), ["Apine", "Bite"]);
    let second = listed(&clients_query(), 2, 2).await;
    assert_eq!(names(&second), ["Cielava", "Dreimane"]);
    let third = listed(&clients_query(), 2, 4).await;
    assert_eq!(names(&third), ["Eglīte"]);
    assert_eq!(third["offset"], 4);

    let of_adults = ListClientsQuery {
        target_group: Some(ADULT),
        ..clients_query()
    };
    let adults = listed(&of_adults, 20, 0).await;
    assert_eq!(names(&adults), ["Apine", "Dreimane", "Eglīte"]);
    assert_eq!(adults["total"], 3);
    let community = ListClientsQuery {
        di_status: Some(DiStatus::InCommunity),
        ..clients_query()
    };
    let in_community = listed(&community, 20, 0).await;
    assert_eq!(names(&in_community), ["Dreimane"]);
    let both = listed(
        &ListClientsQuery {
            target_group: Some(ADULT),
            ..community
        },
        20,
        0,
    )
    .await;
    assert_eq!(names(&both), ["Dreimane"]);
    assert_eq!(both["total"], 1);
    let by_status = async |status: DiStatus| {
        let query = ListClientsQuery {
            di_status: Some(status),
            ..clients_query()
        };
        names(&listed(&query, 20, 0).await)
    };
    assert_eq!(by_status(DiStatus::WaitingList).await, ["Eglīte"]);
    assert_eq!(
        by_status(DiStatus::NoService).await,
        ["Apine", "Bite", "Cielava"]
    );

    let riga = app
        .list_clients(&token(&municipality("RIX")), &clients_query())
        .ok()
        .await;
    assert_eq!(names(&riga), ["Rīdziniece"]);
    let everyone = app
        .list_clients(&token(&admin()), &clients_query())
        .ok()
        .await;
    assert_eq!(everyone["total"], 6, "admin reads every municipality's");
    assert!(
        everyone["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|c| c["personal_code"].is_null()),
        "admin never sees personal codes: {everyone}"
    );

    // Paging out of range and unknown values cannot be built as query structs: sent raw.
    for query in [
        "limit=0",
        "limit=101",
        "offset=-1",
        "target_group=pensioner",
        "di_status=maybe",
    ] {
        let response = app
            .get_as(&format!("/api/v1/clients?{query}"), &kuldiga)
            .await;
        assert_problem(response, 400, "about:blank").await;
    }
}

#[tokio::test]
async fn only_the_owning_municipality_sees_the_personal_code_and_admin_sees_null() {
    let app = TestApp::spawn().await;
    let created = registered(&app, "050", &adult("161175-19997", "Kļava")).await;
    let id = id_of(&created);
    let as_admin = app.get_client(&token(&admin()), id).ok().await;
    assert!(as_admin["personal_code"].is_null(), "{as_admin}");
    assert_eq!(as_admin["family_name"], "Kļava");
    assert_eq!(as_admin["municipality"], "050");
    let found = app
        .search_clients(&token(&admin()), &search("161175-19997"))
        .await;
    assert_eq!(found.status(), 200);
    let found: Value = found.json().await.expect("json");
    assert_eq!(found["id"], created["id"]);
    assert!(found["personal_code"].is_null(), "{found}");
    let as_owner = app.get_client(&token(&municipality("050")), id).ok().await;
    assert_eq!(as_owner["personal_code"], "161175-19997");
}

#[tokio::test]
async fn search_by_personal_code_finds_own_clients_and_nothing_of_other_municipalities() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let riga = token(&municipality("RIX"));
    let created = registered(&app, "050", &adult("161175-19997", "Vītola")).await;
    for form in ["161175-19997", "16117519997", " 161175-19997 "] {
        let response = app.search_clients(&kuldiga, &search(form)).await;
        assert_eq!(response.status(), 200, "{form:?}");
        assert!(response.headers().get("etag").is_some());
        assert_eq!(response.json::<Value>().await.expect("json"), created);
    }
    // Another municipality's client and a code nobody registered look the same.
    let elsewhere = app.search_clients(&riga, &search("161175-19997")).await;
    let elsewhere = assert_problem(elsewhere, 404, "about:blank").await;
    let nowhere = app.search_clients(&riga, &search("300190-12341")).await;
    let nowhere = assert_problem(nowhere, 404, "about:blank").await;
    assert_eq!(elsewhere, nowhere);
    let invalid = app.search_clients(&kuldiga, &search("161175-19998")).await;
    assert_problem(invalid, 422, "/problems/invalid-personal-code").await;
    // A search without a code cannot be built as a DTO: sent as JSON.
    let missing = app
        .post_as("/api/v1/clients/search", &kuldiga, &json!({}))
        .await;
    assert_problem(missing, 422, "/problems/validation").await;
}
