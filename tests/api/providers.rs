use kopiena::api::providers::{CreateProvider, ListProvidersQuery, UpdateProvider};
use kopiena::domain::registry::{LegalStatus, ProviderStatus, Sector};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, admin, assert_problem, date, etag_of, id_of, location_of, ministry, municipality,
    page, provider, provider_body, provider_update, providers_query, region, token,
};

/// A municipal agency with every contact.
fn new_provider(register_number: &str, municipality: &str) -> CreateProvider {
    CreateProvider {
        name: format!("Biedrība {register_number}"),
        legal_status: LegalStatus::MunicipalAgency,
        address: "Liepājas iela 2".into(),
        phone: Some("+371 63322000".into()),
        email: Some("info@example.lv".into()),
        website: Some("https://example.lv".into()),
        registered_on: None,
        ..provider_body(municipality, register_number)
    }
}

fn status(status: ProviderStatus) -> UpdateProvider {
    UpdateProvider {
        status: Some(status),
        ..provider_update()
    }
}

fn renamed(name: &str) -> UpdateProvider {
    UpdateProvider {
        name: Some(name.into()),
        ..provider_update()
    }
}

#[tokio::test]
async fn ministry_registers_a_provider_and_anyone_reads_it() {
    let app = TestApp::spawn().await;
    let response = app
        .create_provider(&token(&ministry()), &new_provider("LM-1", "050"))
        .await;
    assert_eq!(response.status(), 201);
    let location = location_of(&response);
    let etag = etag_of(&response);
    let created: Value = response.json().await.expect("json");
    assert_eq!(
        created["sector"], "municipal",
        "derived from the legal status"
    );
    assert_eq!(created["status"], "active");
    assert_eq!(created["contacts"]["email"], "info@example.lv");

    let read = app.get(&location).await;
    assert_eq!(etag_of(&read), etag);
    let read: Value = read.json().await.expect("json");
    assert_eq!(read, created);
}

#[tokio::test]
async fn each_role_writes_only_what_its_scope_allows() {
    let app = TestApp::spawn().await;
    // A municipality registers providers in its own municipality only.
    let own_id = app
        .create_provider(&token(&municipality("050")), &new_provider("LM-OWN", "050"))
        .created_id()
        .await;
    let other = app
        .create_provider(&token(&municipality("050")), &new_provider("LM-X", "RIX"))
        .await;
    assert_problem(other, 403, "about:blank").await;
    for claims in [region("KURZEME"), provider(own_id)] {
        let response = app
            .create_provider(&token(&claims), &new_provider("LM-Y", "050"))
            .await;
        assert_problem(response, 403, "about:blank").await;
    }

    // Provider staff edit their own record, not its status, and not another provider.
    let moved = UpdateProvider {
        address: Some("Jauna iela 5".into()),
        ..provider_update()
    };
    let response = app
        .update_provider(&token(&provider(own_id)), own_id, &moved)
        .await;
    assert_eq!(response.status(), 200);
    let response = app
        .update_provider(
            &token(&provider(own_id)),
            own_id,
            &status(ProviderStatus::Suspended),
        )
        .await;
    assert_problem(response, 403, "about:blank").await;
    let another = app
        .create_provider(&token(&ministry()), &new_provider("LM-ANOTHER", "RIX"))
        .created_id()
        .await;
    let response = app
        .update_provider(&token(&provider(another)), own_id, &renamed("x"))
        .await;
    assert_problem(response, 403, "about:blank").await;
    // Another municipality and a region cannot write it; the owner municipality cannot
    // move it away or change its status.
    for claims in [municipality("RIX"), region("KURZEME")] {
        let response = app
            .update_provider(&token(&claims), own_id, &renamed("x"))
            .await;
        assert_problem(response, 403, "about:blank").await;
    }
    let away = UpdateProvider {
        municipality: Some("RIX".into()),
        ..provider_update()
    };
    let response = app
        .update_provider(&token(&municipality("050")), own_id, &away)
        .await;
    assert_problem(response, 403, "about:blank").await;
    let response = app
        .update_provider(
            &token(&municipality("050")),
            own_id,
            &status(ProviderStatus::Suspended),
        )
        .await;
    assert_problem(response, 403, "about:blank").await;
    // Ministry and admin change the status.
    let body = app
        .update_provider(
            &token(&ministry()),
            own_id,
            &status(ProviderStatus::Suspended),
        )
        .ok()
        .await;
    assert_eq!(body["status"], "suspended");
    let body = app
        .update_provider(&token(&admin()), own_id, &status(ProviderStatus::Active))
        .ok()
        .await;
    assert_eq!(body["status"], "active");
}

#[tokio::test]
async fn exclusion_is_final() {
    let app = TestApp::spawn().await;
    let id = app.new_provider("050", "LM-EX").await;
    let body = app
        .update_provider(&token(&ministry()), id, &status(ProviderStatus::Excluded))
        .ok()
        .await;
    assert_eq!(body["status"], "excluded");
    assert!(body["excluded_on"].is_string());
    let response = app
        .update_provider(&token(&ministry()), id, &status(ProviderStatus::Active))
        .await;
    let problem = assert_problem(response, 409, "/problems/provider-excluded").await;
    assert_eq!(problem["rule"], "REG-EXCLUSION-FINAL");
}

#[tokio::test]
async fn register_numbers_are_unique_and_municipalities_must_be_valid() {
    let app = TestApp::spawn().await;
    app.new_provider("050", "LM-DUP").await;
    let response = app
        .create_provider(&token(&ministry()), &new_provider("LM-DUP", "050"))
        .await;
    assert_problem(response, 409, "about:blank").await;

    let response = app
        .create_provider(&token(&ministry()), &new_provider("LM-NEW", "XXX"))
        .await;
    assert_problem(response, 422, "/problems/unknown-reference").await;
    // Varakļāni municipality (102) was dissolved on 2025-06-30.
    let response = app
        .create_provider(&token(&ministry()), &new_provider("LM-NEW", "102"))
        .await;
    assert_problem(response, 422, "/problems/municipality-not-valid").await;
    let historical = CreateProvider {
        registered_on: Some(date("2024-01-15")),
        ..new_provider("LM-OLD", "102")
    };
    let response = app.create_provider(&token(&ministry()), &historical).await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn validation_lists_every_failing_field() {
    let app = TestApp::spawn().await;
    let body = CreateProvider {
        name: String::new(),
        email: Some("not-an-email".into()),
        phone: Some("call me".into()),
        website: Some("nope".into()),
        ..new_provider("", "050")
    };
    let response = app.create_provider(&token(&ministry()), &body).await;
    let problem = assert_problem(response, 422, "/problems/validation").await;
    let errors = problem["errors"].as_object().expect("errors");
    for field in ["/name", "/register_number", "/email", "/phone", "/website"] {
        assert!(errors.contains_key(field), "{field} in {problem}");
    }
    // A body serde cannot even parse (a legal status outside the enumeration, a number for
    // text, a field missing, one unknown): every failing field is still listed, by JSON
    // pointer, with the keyword it breaks; the unknown member's name is not repeated.
    let mut body = serde_json::to_value(new_provider("LM-1", "050")).expect("JSON");
    body["legal_status"] = json!("cartel");
    body["name"] = json!(42);
    body.as_object_mut()
        .expect("object")
        .remove("register_number");
    body["secret-161175-19997"] = json!(true);
    let response = app
        .post_as("/api/v1/providers", &token(&ministry()), &body)
        .await;
    let problem = assert_problem(response, 422, "/problems/validation").await;
    assert_eq!(
        problem["errors"],
        json!({
            "": ["additionalProperties"],
            "/legal_status": ["enum"],
            "/name": ["type"],
            "/register_number": ["required"],
        }),
        "{problem}"
    );
    assert_eq!(problem["detail"], "4 fields are invalid", "{problem}");
    assert!(!problem.to_string().contains("161175"), "{problem}");
}

#[tokio::test]
async fn a_phone_follows_the_documented_pattern() {
    let app = TestApp::spawn().await;
    let as_ministry = token(&ministry());
    // The schema pattern has always refused a leading bracket; now the validator does too.
    let refused = CreateProvider {
        phone: Some("(371) 6332200".into()),
        ..provider_body("050", "LM-PHONE")
    };
    let response = app.create_provider(&as_ministry, &refused).await;
    let problem = assert_problem(response, 422, "/problems/validation").await;
    assert!(problem["errors"]["/phone"].is_array(), "{problem}");
    let accepted = CreateProvider {
        phone: Some("+371 (63) 322-000".into()),
        ..provider_body("050", "LM-PHONE")
    };
    let response = app.create_provider(&as_ministry, &accepted).await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn if_match_guards_updates_with_412() {
    let app = TestApp::spawn().await;
    let id = app.new_provider("050", "LM-ETAG").await;
    let etag = etag_of(&app.get_provider(id).await);
    let update = |tag: &str| {
        app.update_provider(&token(&ministry()), id, &renamed("Renamed"))
            .if_match(tag)
    };
    let first = update(&etag).await;
    assert_eq!(first.status(), 200);
    let new_etag = etag_of(&first);
    assert_ne!(new_etag, etag);
    let stale = update(&etag).await;
    assert_problem(stale, 412, "/problems/precondition-failed").await;
    assert_eq!(update(&new_etag).await.status(), 200);
    assert_eq!(update("*").await.status(), 200);
}

#[tokio::test]
async fn idempotent_retries_create_one_provider() {
    let app = TestApp::spawn().await;
    let send = |key: &str, body: CreateProvider| {
        app.create_provider(&token(&ministry()), &body)
            .idempotency_key(key)
    };
    let first = send("key-1", new_provider("LM-IDEM", "050"))
        .created()
        .await;
    let retry = send("key-1", new_provider("LM-IDEM", "050")).await;
    assert_eq!(retry.status(), 201);
    assert!(retry.headers().contains_key("location"));
    assert_eq!(retry.json::<Value>().await.expect("json"), first);
    let different = send("key-1", new_provider("LM-OTHER", "050")).await;
    assert_problem(different, 422, "/problems/idempotency-key-reused").await;
    let list = app.list_providers(&providers_query()).ok().await;
    assert_eq!(list["total"], 1);

    // Two concurrent requests with the same key create one provider.
    let (a, b) = tokio::join!(
        send("key-2", new_provider("LM-RACE", "050")).created(),
        send("key-2", new_provider("LM-RACE", "050")).created()
    );
    assert_eq!(id_of(&a), id_of(&b));
    let race = ListProvidersQuery {
        q: Some("LM-RACE".into()),
        ..providers_query()
    };
    let list = app.list_providers(&race).ok().await;
    assert_eq!(list["total"], 1);
}

#[tokio::test]
async fn concurrent_writes_queue_instead_of_failing() {
    // On SQLite a deferred transaction that reads and then writes fails at once when another
    // writer committed in between; write transactions take the lock first so these queue.
    let app = TestApp::spawn().await;
    let requests = (0..30).map(|i| {
        app.create_provider(
            &token(&ministry()),
            &new_provider(&format!("LM-C{i}"), "050"),
        )
        .into_future()
    });
    for response in futures::future::join_all(requests).await {
        let status = response.status();
        let body: Value = response.json().await.expect("json");
        assert_eq!(status, 201, "{body}");
    }
    let list = app.list_providers(&providers_query()).ok().await;
    assert_eq!(list["total"], 30);
}

#[tokio::test]
async fn an_expired_idempotency_key_counts_as_new() {
    let app = TestApp::spawn_with(|key| {
        (key == "KOPIENA_IDEMPOTENCY_TTL_SECONDS").then(|| "2".to_string())
    })
    .await;
    let send = |body: CreateProvider| {
        app.create_provider(&token(&ministry()), &body)
            .idempotency_key("short-lived")
    };
    let first = send(new_provider("LM-FIRST", "050")).created().await;
    let retry = send(new_provider("LM-FIRST", "050")).created().await;
    assert_eq!(retry["id"], first["id"], "replayed within the retention");

    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let later = send(new_provider("LM-LATER", "050")).await;
    assert_eq!(later.status(), 201, "the expired key is free again");
    assert_ne!(
        later.json::<Value>().await.expect("json")["id"],
        first["id"]
    );
    let list = app.list_providers(&providers_query()).ok().await;
    assert_eq!(list["total"], 2);
}

#[tokio::test]
async fn provider_lists_filter_sort_and_paginate() {
    let app = TestApp::spawn().await;
    for (i, m) in ["050", "050", "RIX", "LPX", "050"].iter().enumerate() {
        app.new_provider(m, &format!("LM-{i}")).await;
    }
    let in_kuldiga = ListProvidersQuery {
        municipality: Some("050".into()),
        ..providers_query()
    };
    let kuldiga = app.list_providers(&in_kuldiga).ok().await;
    assert_eq!(kuldiga["total"], 3);
    let in_kurzeme = ListProvidersQuery {
        region: Some("KURZEME".into()),
        ..providers_query()
    };
    let kurzeme = app.list_providers(&in_kurzeme).ok().await;
    assert_eq!(kurzeme["total"], 4, "Kuldīga (3) and Liepāja (1)");
    let by_name = ListProvidersQuery {
        sort: Some("-name".into()),
        ..providers_query()
    };
    let page1 = app.list_providers(&by_name).query(&page(2, 0)).ok().await;
    let page2 = app.list_providers(&by_name).query(&page(2, 2)).ok().await;
    assert_eq!(page1["total"], 5);
    let names: Vec<&str> = page1["items"]
        .as_array()
        .expect("items")
        .iter()
        .chain(page2["items"].as_array().expect("items"))
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Provider LM-4",
            "Provider LM-3",
            "Provider LM-2",
            "Provider LM-1"
        ]
    );
    let private = ListProvidersQuery {
        sector: Some(Sector::Private),
        ..providers_query()
    };
    let none = app.list_providers(&private).ok().await;
    assert_eq!(none["total"], 0);
    let too_many = app
        .list_providers(&providers_query())
        .query(&page(101, 0))
        .await;
    assert_problem(too_many, 400, "about:blank").await;
    let by_colour = ListProvidersQuery {
        sort: Some("colour".into()),
        ..providers_query()
    };
    assert_problem(app.list_providers(&by_colour).await, 400, "about:blank").await;
}
