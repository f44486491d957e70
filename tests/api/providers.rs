use serde_json::{Value, json};

use crate::helpers::{
    TestApp, admin, assert_problem, ministry, municipality, provider, region, token,
};

fn new_provider(register_number: &str, municipality: &str) -> Value {
    json!({
        "name": format!("Biedrība {register_number}"),
        "register_number": register_number,
        "legal_status": "municipal_agency",
        "municipality": municipality,
        "address": "Liepājas iela 2",
        "phone": "+371 63322000",
        "email": "info@example.lv",
        "website": "https://example.lv",
    })
}

#[tokio::test]
async fn ministry_registers_a_provider_and_anyone_reads_it() {
    let app = TestApp::spawn().await;
    let response = app
        .post_json(
            "/api/v1/providers",
            &token(&ministry()),
            &new_provider("LM-1", "050"),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let etag = response.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_string();
    let created: Value = response.json().await.expect("json");
    assert_eq!(
        created["sector"], "municipal",
        "derived from the legal status"
    );
    assert_eq!(created["status"], "active");
    assert_eq!(created["contacts"]["email"], "info@example.lv");

    let read = app.get(&location).await;
    assert_eq!(read.headers()["etag"].to_str().ok(), Some(etag.as_str()));
    let read: Value = read.json().await.expect("json");
    assert_eq!(read, created);
}

#[tokio::test]
async fn each_role_writes_only_what_its_scope_allows() {
    let app = TestApp::spawn().await;
    // A municipality registers providers in its own municipality only.
    let own = app
        .post_json(
            "/api/v1/providers",
            &token(&municipality("050")),
            &new_provider("LM-OWN", "050"),
        )
        .await;
    assert_eq!(own.status(), 201);
    let own_id = own.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    let other = app
        .post_json(
            "/api/v1/providers",
            &token(&municipality("050")),
            &new_provider("LM-X", "RIX"),
        )
        .await;
    assert_problem(other, 403, "about:blank").await;
    for claims in [region("KURZEME"), provider(own_id)] {
        let response = app
            .post_json(
                "/api/v1/providers",
                &token(&claims),
                &new_provider("LM-Y", "050"),
            )
            .await;
        assert_problem(response, 403, "about:blank").await;
    }

    let path = format!("/api/v1/providers/{own_id}");
    // Provider staff edit their own record, not its status, and not another provider.
    let response = app
        .patch_json(
            &path,
            &token(&provider(own_id)),
            &json!({"address": "Jauna iela 5"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let response = app
        .patch_json(
            &path,
            &token(&provider(own_id)),
            &json!({"status": "suspended"}),
        )
        .await;
    assert_problem(response, 403, "about:blank").await;
    let response = app
        .patch_json(&path, &token(&provider(own_id + 1)), &json!({"name": "x"}))
        .await;
    assert_problem(response, 403, "about:blank").await;
    // Another municipality and a region cannot write it; the owner municipality cannot
    // move it away or change its status.
    for claims in [municipality("RIX"), region("KURZEME")] {
        let response = app
            .patch_json(&path, &token(&claims), &json!({"name": "x"}))
            .await;
        assert_problem(response, 403, "about:blank").await;
    }
    let response = app
        .patch_json(
            &path,
            &token(&municipality("050")),
            &json!({"municipality": "RIX"}),
        )
        .await;
    assert_problem(response, 403, "about:blank").await;
    let response = app
        .patch_json(
            &path,
            &token(&municipality("050")),
            &json!({"status": "suspended"}),
        )
        .await;
    assert_problem(response, 403, "about:blank").await;
    // Ministry and admin change the status.
    let response = app
        .patch_json(&path, &token(&ministry()), &json!({"status": "suspended"}))
        .await;
    assert_eq!(
        response.json::<Value>().await.expect("json")["status"],
        "suspended"
    );
    let response = app
        .patch_json(&path, &token(&admin()), &json!({"status": "active"}))
        .await;
    assert_eq!(
        response.json::<Value>().await.expect("json")["status"],
        "active"
    );
}

#[tokio::test]
async fn exclusion_is_final() {
    let app = TestApp::spawn().await;
    let id = app.create_provider("050", "LM-EX").await;
    let path = format!("/api/v1/providers/{id}");
    let response = app
        .patch_json(&path, &token(&ministry()), &json!({"status": "excluded"}))
        .await;
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["status"], "excluded");
    assert!(body["excluded_on"].is_string());
    let response = app
        .patch_json(&path, &token(&ministry()), &json!({"status": "active"}))
        .await;
    let problem = assert_problem(response, 409, "/problems/provider-excluded").await;
    assert_eq!(problem["rule"], "REG-EXCLUSION-FINAL");
}

#[tokio::test]
async fn register_numbers_are_unique_and_municipalities_must_be_valid() {
    let app = TestApp::spawn().await;
    app.create_provider("050", "LM-DUP").await;
    let response = app
        .post_json(
            "/api/v1/providers",
            &token(&ministry()),
            &new_provider("LM-DUP", "050"),
        )
        .await;
    assert_problem(response, 409, "about:blank").await;

    let response = app
        .post_json(
            "/api/v1/providers",
            &token(&ministry()),
            &new_provider("LM-NEW", "XXX"),
        )
        .await;
    assert_problem(response, 422, "/problems/unknown-reference").await;
    // Varakļāni municipality (102) was dissolved on 2025-06-30.
    let response = app
        .post_json(
            "/api/v1/providers",
            &token(&ministry()),
            &new_provider("LM-NEW", "102"),
        )
        .await;
    assert_problem(response, 422, "/problems/municipality-not-valid").await;
    let mut historical = new_provider("LM-OLD", "102");
    historical["registered_on"] = json!("2024-01-15");
    let response = app
        .post_json("/api/v1/providers", &token(&ministry()), &historical)
        .await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn validation_lists_every_failing_field() {
    let app = TestApp::spawn().await;
    let mut body = new_provider("", "050");
    body["name"] = json!("");
    body["email"] = json!("not-an-email");
    body["phone"] = json!("call me");
    body["website"] = json!("nope");
    let response = app
        .post_json("/api/v1/providers", &token(&ministry()), &body)
        .await;
    let problem = assert_problem(response, 422, "/problems/validation").await;
    let errors = problem["errors"].as_object().expect("errors");
    for field in ["name", "register_number", "email", "phone", "website"] {
        assert!(errors.contains_key(field), "{field} in {problem}");
    }
    let mut body = new_provider("LM-1", "050");
    body["legal_status"] = json!("cartel");
    let response = app
        .post_json("/api/v1/providers", &token(&ministry()), &body)
        .await;
    assert_problem(response, 422, "/problems/validation").await;
}

#[tokio::test]
async fn a_phone_follows_the_documented_pattern() {
    let app = TestApp::spawn().await;
    let mut body = new_provider("LM-PHONE", "050");
    // The schema pattern has always refused a leading bracket; now the validator does too.
    body["phone"] = json!("(371) 6332200");
    let response = app
        .post_json("/api/v1/providers", &token(&ministry()), &body)
        .await;
    let problem = assert_problem(response, 422, "/problems/validation").await;
    assert!(problem["errors"]["phone"].is_array(), "{problem}");
    body["phone"] = json!("+371 (63) 322-000");
    let response = app
        .post_json("/api/v1/providers", &token(&ministry()), &body)
        .await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn if_match_guards_updates_with_412() {
    let app = TestApp::spawn().await;
    let id = app.create_provider("050", "LM-ETAG").await;
    let path = format!("/api/v1/providers/{id}");
    let etag = app.get(&path).await.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_string();
    let update = |tag: &str| {
        app.client
            .patch(app.url(&path))
            .bearer_auth(token(&ministry()))
            .header("If-Match", tag.to_string())
            .json(&json!({"name": "Renamed"}))
            .send()
    };
    let first = update(&etag).await.expect("request");
    assert_eq!(first.status(), 200);
    let new_etag = first.headers()["etag"].to_str().expect("etag").to_string();
    assert_ne!(new_etag, etag);
    let stale = update(&etag).await.expect("request");
    assert_problem(stale, 412, "/problems/precondition-failed").await;
    assert_eq!(update(&new_etag).await.expect("request").status(), 200);
    assert_eq!(update("*").await.expect("request").status(), 200);
}

#[tokio::test]
async fn idempotent_retries_create_one_provider() {
    let app = TestApp::spawn().await;
    let send = |key: &'static str, body: Value| {
        app.client
            .post(app.url("/api/v1/providers"))
            .bearer_auth(token(&ministry()))
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let first = send("key-1", new_provider("LM-IDEM", "050"))
        .await
        .expect("request");
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("json");
    let retry = send("key-1", new_provider("LM-IDEM", "050"))
        .await
        .expect("request");
    assert_eq!(retry.status(), 201);
    assert!(retry.headers().contains_key("location"));
    assert_eq!(retry.json::<Value>().await.expect("json"), first);
    let different = send("key-1", new_provider("LM-OTHER", "050"))
        .await
        .expect("request");
    assert_problem(different, 422, "/problems/idempotency-key-reused").await;
    let list: Value = app.get_json("/api/v1/providers").await;
    assert_eq!(list["total"], 1);

    // Two concurrent requests with the same key create one provider.
    let (a, b) = tokio::join!(
        send("key-2", new_provider("LM-RACE", "050")),
        send("key-2", new_provider("LM-RACE", "050"))
    );
    let (a, b) = (a.expect("request"), b.expect("request"));
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (201, 201));
    let (a, b): (Value, Value) = (a.json().await.expect("json"), b.json().await.expect("json"));
    assert_eq!(a["id"], b["id"]);
    let list: Value = app.get_json("/api/v1/providers?q=LM-RACE").await;
    assert_eq!(list["total"], 1);
}

#[tokio::test]
async fn concurrent_writes_queue_instead_of_failing() {
    // On SQLite a deferred transaction that reads and then writes fails at once when another
    // writer committed in between; write transactions take the lock first so these queue.
    let app = TestApp::spawn().await;
    let requests = (0..30).map(|i| {
        app.client
            .post(app.url("/api/v1/providers"))
            .bearer_auth(token(&ministry()))
            .json(&new_provider(&format!("LM-C{i}"), "050"))
            .send()
    });
    for response in futures::future::join_all(requests).await {
        let response = response.expect("request");
        let status = response.status();
        let body: Value = response.json().await.expect("json");
        assert_eq!(status, 201, "{body}");
    }
    let list: Value = app.get_json("/api/v1/providers").await;
    assert_eq!(list["total"], 30);
}

#[tokio::test]
async fn an_expired_idempotency_key_counts_as_new() {
    let app = TestApp::spawn_with(|key| {
        (key == "KOPIENA_IDEMPOTENCY_TTL_SECONDS").then(|| "2".to_string())
    })
    .await;
    let send = |body: Value| {
        app.client
            .post(app.url("/api/v1/providers"))
            .bearer_auth(token(&ministry()))
            .header("Idempotency-Key", "short-lived")
            .json(&body)
            .send()
    };
    let first: Value = send(new_provider("LM-FIRST", "050"))
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let retry: Value = send(new_provider("LM-FIRST", "050"))
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(retry["id"], first["id"], "replayed within the retention");

    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let later = send(new_provider("LM-LATER", "050"))
        .await
        .expect("request");
    assert_eq!(later.status(), 201, "the expired key is free again");
    assert_ne!(
        later.json::<Value>().await.expect("json")["id"],
        first["id"]
    );
    let list: Value = app.get_json("/api/v1/providers").await;
    assert_eq!(list["total"], 2);
}

#[tokio::test]
async fn provider_lists_filter_sort_and_paginate() {
    let app = TestApp::spawn().await;
    for (i, m) in ["050", "050", "RIX", "LPX", "050"].iter().enumerate() {
        app.create_provider(m, &format!("LM-{i}")).await;
    }
    let kuldiga: Value = app.get_json("/api/v1/providers?municipality=050").await;
    assert_eq!(kuldiga["total"], 3);
    let kurzeme: Value = app.get_json("/api/v1/providers?region=KURZEME").await;
    assert_eq!(kurzeme["total"], 4, "Kuldīga (3) and Liepāja (1)");
    let page1: Value = app.get_json("/api/v1/providers?limit=2&sort=-name").await;
    let page2: Value = app
        .get_json("/api/v1/providers?limit=2&offset=2&sort=-name")
        .await;
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
    let none: Value = app.get_json("/api/v1/providers?sector=private").await;
    assert_eq!(none["total"], 0);
    assert_problem(
        app.get("/api/v1/providers?limit=101").await,
        400,
        "about:blank",
    )
    .await;
    assert_problem(
        app.get("/api/v1/providers?sort=colour").await,
        400,
        "about:blank",
    )
    .await;
}
