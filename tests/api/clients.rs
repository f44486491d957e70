use serde_json::{Value, json};

use crate::helpers::{
    TestApp, admin, adult, assert_problem, assessment_body, captured_logs, child, client_body,
    etag_of, legacy_code, ministry, municipality, new_code, provider, region, today, token,
};

const ADULT: &str = "adult_with_mental_disorder";
const ORPHAN: &str = "orphan_or_no_parental_care";
const CHILD_FI: &str = "child_with_functional_impairment";

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().expect("test date")
}

#[tokio::test]
async fn a_municipality_registers_a_client_and_reads_it_back_with_the_normalised_personal_code() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let response = app
        .post_json(
            "/api/v1/clients",
            &kuldiga,
            &adult("16117519997", "Bērziņa"),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let etag = etag_of(&response);
    let created: Value = response.json().await.expect("json");
    let id = created["id"].as_i64().expect("id");
    assert_eq!(location, format!("/api/v1/clients/{id}"));
    assert_eq!(created["personal_code"], "161175-19997");
    assert_eq!(created["given_name"], "Anna");
    assert_eq!(created["family_name"], "Bērziņa");
    assert_eq!(created["birth_date"], "1975-11-16");
    assert_eq!(created["target_group"], ADULT);
    assert_eq!(created["municipality"], "050", "the caller owns the case");
    assert_eq!(created["di_status"], "in_institution");
    assert_eq!(
        created["vsac_consent"],
        json!({"given": true, "date": "2026-01-12"})
    );

    let read = app.get_as(&location, &kuldiga).await;
    assert_eq!(read.status(), 200);
    assert_eq!(etag_of(&read), etag);
    assert_eq!(read.json::<Value>().await.expect("json"), created);
}

#[tokio::test]
async fn personal_codes_of_both_formats_are_accepted_with_or_without_hyphen_and_normalised() {
    let app = TestApp::spawn().await;
    let born_1975 = "1975-11-16";
    for (input, birth_date, normalised) in [
        ("161175-19997", born_1975, "161175-19997"),
        ("300190-12341", "1990-01-30", "300190-12341"),
        ("31129910008", "1999-12-31", "311299-10008"),
        ("29020021239", "2000-02-29", "290200-21239"),
        ("  161175-19938 ", born_1975, "161175-19938"),
        ("321234-56789", "1980-04-05", "321234-56789"),
        ("39999999999", "1980-04-05", "399999-99999"),
        ("385555-12345", "2001-02-03", "385555-12345"),
    ] {
        let created = app
            .create_client("050", &client_body(input, "Ozola", birth_date, ADULT))
            .await;
        assert_eq!(created["personal_code"], normalised, "{input:?}");
        assert_eq!(created["birth_date"], birth_date, "{input:?}");
    }
}

/// Lowercased `detail` of a problem body.
fn detail(body: &Value) -> String {
    body["detail"].as_str().unwrap_or_default().to_lowercase()
}

#[tokio::test]
async fn invalid_personal_codes_are_422_with_a_detail_naming_the_reason() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    // (input, birth date, words of which the detail must name one)
    let cases: [(&str, &str, &[&str]); 14] = [
        ("161175-19998", "1975-11-16", &["check digit", "checksum"]),
        ("161175-19996", "1975-11-16", &["check digit", "checksum"]),
        // A check value of 10 never validates.
        ("161175-19920", "1975-11-16", &["check digit", "checksum"]),
        // 31 February, with a correct check digit.
        ("310299-12348", "1999-02-28", &["date", "impossible"]),
        // 29 February 1900 (not a leap year).
        ("290200-11233", "1900-02-28", &["date", "impossible"]),
        // Month 00: not a new-format code either.
        ("300000-12341", "2000-01-30", &["date", "impossible"]),
        ("161175-39990", "1975-11-16", &["century"]),
        ("161175-99990", "1975-11-16", &["century"]),
        ("abc", "1975-11-16", &["format", "11 digits"]),
        ("", "1975-11-16", &["format", "11 digits"]),
        ("1611751999", "1975-11-16", &["format", "11 digits"]),
        ("16117A-19997", "1975-11-16", &["format", "11 digits"]),
        ("161175--19997", "1975-11-16", &["format", "11 digits"]),
        ("161175 19997", "1975-11-16", &["format", "11 digits"]),
    ];
    for (input, birth_date, words) in cases {
        let response = app
            .post_json(
                "/api/v1/clients",
                &kuldiga,
                &client_body(input, "Kalniņa", birth_date, ADULT),
            )
            .await;
        let body = assert_problem(response, 422, "/problems/invalid-personal-code").await;
        let detail = detail(&body);
        assert!(
            words.iter().any(|w| detail.contains(w)),
            "{input:?}: detail {detail:?} names none of {words:?}"
        );
        if input.len() >= 6 {
            assert!(
                !body.to_string().contains(input.trim()),
                "the problem echoes the code: {body}"
            );
        }
    }
    let list = app.get_ok("/api/v1/clients", &kuldiga).await;
    assert_eq!(list["total"], 0, "nothing was registered");
}

#[tokio::test]
async fn a_birth_date_that_disagrees_with_a_legacy_code_is_rejected_but_any_fits_the_new_format() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    for birth_date in ["1975-11-17", "1975-11-15", "2075-11-16", "1875-11-16"] {
        let response = app
            .post_json(
                "/api/v1/clients",
                &kuldiga,
                &client_body("161175-19997", "Liepa", birth_date, ADULT),
            )
            .await;
        let body = assert_problem(response, 422, "/problems/invalid-personal-code").await;
        let detail = detail(&body);
        assert!(
            detail.contains("birth date") || detail.contains("birth_date_mismatch"),
            "{birth_date}: {detail}"
        );
    }
    let created = app
        .create_client(
            "050",
            &client_body("321234-56789", "Liepa", "1961-03-09", ADULT),
        )
        .await;
    assert_eq!(created["birth_date"], "1961-03-09");
}

#[tokio::test]
async fn child_groups_take_clients_under_18_and_the_adult_group_clients_of_18_or_more() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let eighteen_today = crate::helpers::months_from(today(), -18 * 12);
    let eighteen_tomorrow = eighteen_today.succ_opt().expect("date");
    let mut n = 100;
    let mut code = || {
        n += 1;
        new_code(n)
    };

    // Turning 18 today: an adult, no longer a child.
    let born = eighteen_today.to_string();
    app.create_client("050", &client_body(&code(), "Pilngadīga", &born, ADULT))
        .await;
    for group in [ORPHAN, CHILD_FI] {
        let response = app
            .post_json(
                "/api/v1/clients",
                &kuldiga,
                &client_body(&code(), "Pilngadīga", &born, group),
            )
            .await;
        let body = assert_problem(response, 422, "/problems/target-group-age").await;
        assert!(detail(&body).contains("18"), "{body}");
    }
    // Turning 18 tomorrow: still a child.
    let born = eighteen_tomorrow.to_string();
    for group in [ORPHAN, CHILD_FI] {
        app.create_client("050", &client_body(&code(), "Nepilngadīga", &born, group))
            .await;
    }
    let response = app
        .post_json(
            "/api/v1/clients",
            &kuldiga,
            &client_body(&code(), "Nepilngadīga", &born, ADULT),
        )
        .await;
    assert_problem(response, 422, "/problems/target-group-age").await;

    // A child with a computed legacy code (century digit 2).
    let legacy = legacy_code(date("2015-06-01"), 77);
    assert!(legacy.starts_with("010615-2"), "{legacy}");
    let created = app
        .create_client("050", &client_body(&legacy, "Mazā", "2015-06-01", ORPHAN))
        .await;
    assert_eq!(created["personal_code"], legacy);

    // A birth date in the future is no client at all.
    let tomorrow = today().succ_opt().expect("date").to_string();
    let response = app
        .post_json(
            "/api/v1/clients",
            &kuldiga,
            &client_body(&code(), "Nākotne", &tomorrow, ORPHAN),
        )
        .await;
    assert_problem(response, 422, "/problems/birth-date-in-future").await;

    let list = app.get_ok("/api/v1/clients", &kuldiga).await;
    assert_eq!(list["total"], 4, "only the valid registrations: {list}");
}

#[tokio::test]
async fn updating_a_client_needs_the_current_etag_and_keeps_the_target_group_consistent_with_age() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let response = app
        .post_json("/api/v1/clients", &kuldiga, &adult("161175-19997", "Ozola"))
        .await;
    assert_eq!(response.status(), 201);
    let first_etag = etag_of(&response);
    let created: Value = response.json().await.expect("json");
    let path = format!("/api/v1/clients/{}", created["id"]);

    let response = app
        .patch_if_match(
            &path,
            &kuldiga,
            &first_etag,
            &json!({"family_name": "Ozoliņa", "di_status": "in_community"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let second_etag = etag_of(&response);
    assert_ne!(second_etag, first_etag);
    let updated: Value = response.json().await.expect("json");
    assert_eq!(updated["family_name"], "Ozoliņa");
    assert_eq!(updated["di_status"], "in_community");
    assert_eq!(updated["given_name"], "Anna", "untouched fields stay");
    assert_eq!(updated["personal_code"], "161175-19997");

    // A stale ETag is refused and changes nothing.
    let response = app
        .patch_if_match(&path, &kuldiga, &first_etag, &json!({"given_name": "Ilze"}))
        .await;
    assert_problem(response, 412, "/problems/precondition-failed").await;
    let read = app.get_as(&path, &kuldiga).await;
    assert_eq!(etag_of(&read), second_etag);
    assert_eq!(
        read.json::<Value>().await.expect("json")["given_name"],
        "Anna"
    );

    // An adult cannot become a child.
    let response = app
        .patch_if_match(
            &path,
            &kuldiga,
            &second_etag,
            &json!({"target_group": ORPHAN}),
        )
        .await;
    assert_problem(response, 422, "/problems/target-group-age").await;
    // Consent given needs its date.
    let response = app
        .patch_if_match(
            &path,
            &kuldiga,
            &second_etag,
            &json!({"vsac_consent": {"given": true}}),
        )
        .await;
    let body = assert_problem(response, 422, "/problems/validation").await;
    assert!(body["errors"]["vsac_consent.date"].is_array(), "{body}");
    // The personal code is not edited.
    let response = app
        .patch_if_match(
            &path,
            &kuldiga,
            &second_etag,
            &json!({"personal_code": "300190-12341"}),
        )
        .await;
    assert_problem(response, 422, "/problems/validation").await;
    let read = app.get_ok(&path, &kuldiga).await;
    assert_eq!(read["personal_code"], "161175-19997");
    assert_eq!(read["target_group"], ADULT);
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
    bodies[1]["di_status"] = json!("in_community");
    bodies[3]["di_status"] = json!("in_community");
    bodies[4]["di_status"] = json!("waiting_list");
    for body in &bodies {
        app.create_client("050", body).await;
    }
    app.create_client("RIX", &adult(&new_code(6), "Rīdziniece"))
        .await;

    let names = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|c| c["family_name"].as_str().expect("name").to_string())
            .collect()
    };
    let all = app.get_ok("/api/v1/clients", &kuldiga).await;
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

    let page = app
        .get_ok("/api/v1/clients?limit=2&offset=0", &kuldiga)
        .await;
    assert_eq!(
        (page["total"].clone(), page["limit"].clone()),
        (json!(5), json!(2))
    );
    assert_eq!(names(&page), ["Apine", "Bite"]);
    let page = app
        .get_ok("/api/v1/clients?limit=2&offset=2", &kuldiga)
        .await;
    assert_eq!(names(&page), ["Cielava", "Dreimane"]);
    let page = app
        .get_ok("/api/v1/clients?limit=2&offset=4", &kuldiga)
        .await;
    assert_eq!(names(&page), ["Eglīte"]);
    assert_eq!(page["offset"], 4);

    let adults = app
        .get_ok(&format!("/api/v1/clients?target_group={ADULT}"), &kuldiga)
        .await;
    assert_eq!(names(&adults), ["Apine", "Dreimane", "Eglīte"]);
    assert_eq!(adults["total"], 3);
    let in_community = app
        .get_ok("/api/v1/clients?di_status=in_community", &kuldiga)
        .await;
    assert_eq!(names(&in_community), ["Bite", "Dreimane"]);
    let both = app
        .get_ok(
            &format!("/api/v1/clients?di_status=in_community&target_group={ADULT}"),
            &kuldiga,
        )
        .await;
    assert_eq!(names(&both), ["Dreimane"]);
    assert_eq!(both["total"], 1);

    let riga = app
        .get_ok("/api/v1/clients", &token(&municipality("RIX")))
        .await;
    assert_eq!(names(&riga), ["Rīdziniece"]);
    let everyone = app.get_ok("/api/v1/clients", &token(&admin())).await;
    assert_eq!(everyone["total"], 6, "admin reads every municipality's");
    assert!(
        everyone["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|c| c["personal_code"].is_null()),
        "admin never sees personal codes: {everyone}"
    );

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
    let created = app
        .create_client("050", &adult("161175-19997", "Kļava"))
        .await;
    let path = format!("/api/v1/clients/{}", created["id"]);
    let as_admin = app.get_ok(&path, &token(&admin())).await;
    assert!(as_admin["personal_code"].is_null(), "{as_admin}");
    assert_eq!(as_admin["family_name"], "Kļava");
    assert_eq!(as_admin["municipality"], "050");
    let found = app
        .post_json(
            "/api/v1/clients/search",
            &token(&admin()),
            &json!({"personal_code": "161175-19997"}),
        )
        .await;
    assert_eq!(found.status(), 200);
    let found: Value = found.json().await.expect("json");
    assert_eq!(found["id"], created["id"]);
    assert!(found["personal_code"].is_null(), "{found}");
    let as_owner = app.get_ok(&path, &token(&municipality("050"))).await;
    assert_eq!(as_owner["personal_code"], "161175-19997");
}

#[tokio::test]
async fn search_by_personal_code_finds_own_clients_and_nothing_of_other_municipalities() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let riga = token(&municipality("RIX"));
    let created = app
        .create_client("050", &adult("161175-19997", "Vītola"))
        .await;
    for form in ["161175-19997", "16117519997", " 161175-19997 "] {
        let response = app
            .post_json(
                "/api/v1/clients/search",
                &kuldiga,
                &json!({"personal_code": form}),
            )
            .await;
        assert_eq!(response.status(), 200, "{form:?}");
        assert!(response.headers().get("etag").is_some());
        assert_eq!(response.json::<Value>().await.expect("json"), created);
    }
    // Another municipality's client and a code nobody registered look the same.
    let elsewhere = app
        .post_json(
            "/api/v1/clients/search",
            &riga,
            &json!({"personal_code": "161175-19997"}),
        )
        .await;
    let elsewhere = assert_problem(elsewhere, 404, "about:blank").await;
    let nowhere = app
        .post_json(
            "/api/v1/clients/search",
            &riga,
            &json!({"personal_code": "300190-12341"}),
        )
        .await;
    let nowhere = assert_problem(nowhere, 404, "about:blank").await;
    assert_eq!(elsewhere, nowhere);
    let invalid = app
        .post_json(
            "/api/v1/clients/search",
            &kuldiga,
            &json!({"personal_code": "161175-19998"}),
        )
        .await;
    assert_problem(invalid, 422, "/problems/invalid-personal-code").await;
    let missing = app
        .post_json("/api/v1/clients/search", &kuldiga, &json!({}))
        .await;
    assert_problem(missing, 422, "/problems/validation").await;
}

#[tokio::test]
async fn registering_a_code_that_exists_in_another_municipality_is_409_without_revealing_it() {
    let app = TestApp::spawn().await;
    app.create_client("050", &adult("161175-19997", "Zariņa"))
        .await;
    for (caller, code) in [
        ("RIX", "16117519997"),
        ("RIX", "161175-19997"),
        ("050", "161175-19997"),
    ] {
        let response = app
            .post_json(
                "/api/v1/clients",
                &token(&municipality(caller)),
                &adult(code, "Zariņa"),
            )
            .await;
        assert_eq!(response.status(), 409, "{caller} {code}");
        let text = response.text().await.expect("body");
        let body: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(body["type"], "/problems/client-already-registered");
        for secret in ["050", "Kuldīg", "Kuldig"] {
            assert!(
                !text.contains(secret),
                "the conflict reveals the owner ({secret}): {text}"
            );
        }
    }
    let riga = app
        .get_ok("/api/v1/clients", &token(&municipality("RIX")))
        .await;
    assert_eq!(riga["total"], 0);
    let everyone = app.get_ok("/api/v1/clients", &token(&admin())).await;
    assert_eq!(everyone["total"], 1);
}

#[tokio::test]
async fn the_personal_code_never_appears_in_the_logs() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let riga = token(&municipality("RIX"));
    // A code used by no other test in this binary (the log is shared).
    let birth_date = "1963-07-23";
    let code = legacy_code(date(birth_date), 456);
    let digits = code.replace('-', "");
    let number: i64 = digits.parse().expect("digits");
    let mut wrong_check = digits.clone();
    let last = wrong_check.pop().expect("digit");
    wrong_check.push(if last == '9' { '0' } else { '9' });
    let body = client_body(&code, "Slepena", birth_date, ADULT);

    let response = app.post_json("/api/v1/clients", &kuldiga, &body).await;
    assert_eq!(response.status(), 201);
    let id = response.json::<Value>().await.expect("json")["id"].clone();
    let response = app
        .client
        .post(app.url("/api/v1/clients"))
        .bearer_auth(&kuldiga)
        .header("Idempotency-Key", "log-test")
        .json(&client_body(&digits, "Slepena", birth_date, ADULT))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 409, "already registered");
    let response = app.post_json("/api/v1/clients", &riga, &body).await;
    assert_eq!(response.status(), 409);

    for (token, search) in [
        (&kuldiga, json!({"personal_code": code})),
        (&kuldiga, json!({"personal_code": digits})),
        (&riga, json!({"personal_code": code})),
    ] {
        let response = app
            .post_json("/api/v1/clients/search", token, &search)
            .await;
        assert!([200, 404].contains(&response.status().as_u16()));
    }
    let get = app.get_as(&format!("/api/v1/clients/{id}"), &kuldiga).await;
    assert_eq!(get.status(), 200);

    let mut invalid_type = body.clone();
    invalid_type["personal_code"] = json!(number);
    let mut invalid_code = body.clone();
    invalid_code["personal_code"] = json!(wrong_check);
    let mut wrong_birth = body.clone();
    wrong_birth["birth_date"] = json!("1963-07-24");
    for request in [
        invalid_type.clone(),
        invalid_code,
        wrong_birth,
        json!({"personal_code": [code]}),
    ] {
        let response = app.post_json("/api/v1/clients", &kuldiga, &request).await;
        assert_eq!(response.status(), 422, "{request}");
        let text = response.text().await.expect("body");
        assert!(!text.contains(&digits[..6]), "echoed: {text}");
    }
    for search in [
        json!({"personal_code": number}),
        json!({"personal_code": wrong_check}),
    ] {
        let response = app
            .post_json("/api/v1/clients/search", &kuldiga, &search)
            .await;
        assert_eq!(response.status(), 422);
        let text = response.text().await.expect("body");
        assert!(!text.contains(&digits[..6]), "echoed: {text}");
    }
    // The code typed without quotes is not JSON at all.
    let response = app
        .client
        .post(app.url("/api/v1/clients/search"))
        .bearer_auth(&kuldiga)
        .header("content-type", "application/json")
        .body(format!("{{\"personal_code\": {code}}}"))
        .send()
        .await
        .expect("request");
    assert!([400, 422].contains(&response.status().as_u16()));
    let text = response.text().await.expect("body");
    assert!(!text.contains(&digits[..6]), "echoed: {text}");

    let logs = captured_logs();
    assert!(
        logs.contains("applied database migrations"),
        "the log is captured"
    );
    for secret in [&code, &digits, &wrong_check] {
        assert!(!logs.contains(secret.as_str()), "{secret} is in the log");
    }
}

#[tokio::test]
async fn the_personal_code_is_stored_only_encrypted_not_even_in_a_replayed_response() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let send = || {
        app.client
            .post(app.url("/api/v1/clients"))
            .bearer_auth(&kuldiga)
            .header("Idempotency-Key", "register-ozola")
            .json(&adult("161175-19997", "Ozola"))
            .send()
    };
    let first = send().await.expect("request");
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("json");
    let replay = send().await.expect("request");
    assert_eq!(replay.status(), 201);
    assert_eq!(replay.json::<Value>().await.expect("json"), first);
    // The replay shows the client again: audited as such.
    let replays = app.audit_records("action=client.create.replay").await;
    assert_eq!(replays.len(), 1);
    assert_eq!(replays[0]["record_id"], first["id"]);
    assert_eq!(replays[0]["client_id"], first["id"]);

    for needle in ["161175-19997", "16117519997"] {
        assert_eq!(
            app.count_rows_containing("clients", "personal_code_encrypted", needle),
            0
        );
        assert_eq!(
            app.count_rows_containing("clients", "personal_code_hash", needle),
            0
        );
        assert_eq!(
            app.count_rows_containing("idempotency_keys", "body", needle),
            0,
            "the stored response of an idempotent create holds the clear personal code"
        );
    }
}

#[tokio::test]
async fn ministry_region_and_provider_get_403_on_every_client_endpoint() {
    let app = TestApp::spawn().await;
    let id = app
        .create_client_id("050", &adult("161175-19997", "Krūmiņa"))
        .await;
    let assessment = app
        .create_assessment("050", id, &assessment_body(ADULT, "2026-10-01", (1, 1, 1)))
        .await;
    let plan = app
        .post_created(
            &format!("/api/v1/clients/{id}/support-plans"),
            &token(&municipality("050")),
            &json!({"sections": {"employment": "Darbs"}}),
        )
        .await;
    let (aid, pid) = (assessment["id"].clone(), plan["id"].clone());
    let gets = [
        "/api/v1/clients".to_string(),
        format!("/api/v1/clients/{id}"),
        format!("/api/v1/clients/{id}/transfers"),
        format!("/api/v1/clients/{id}/access-log"),
        format!("/api/v1/clients/{id}/assessments"),
        format!("/api/v1/clients/{id}/assessments/{aid}"),
        format!("/api/v1/clients/{id}/support-plans"),
        format!("/api/v1/clients/{id}/support-plans/{pid}"),
        "/api/v1/assessments/due".to_string(),
        format!("/api/v1/audit?client_id={id}"),
    ];
    let posts = [
        ("/api/v1/clients".to_string(), adult(&new_code(9), "Jauna")),
        (
            "/api/v1/clients/search".to_string(),
            json!({"personal_code": "161175-19997"}),
        ),
        (
            format!("/api/v1/clients/{id}/transfer"),
            json!({"to_municipality": "RIX", "reason": "Moved"}),
        ),
        (
            format!("/api/v1/clients/{id}/assessments"),
            assessment_body(ADULT, "2026-10-02", (1, 1, 1)),
        ),
        (
            format!("/api/v1/clients/{id}/support-plans"),
            json!({"sections": {}}),
        ),
    ];
    let patches = [
        (format!("/api/v1/clients/{id}"), json!({"given_name": "X"})),
        (
            format!("/api/v1/clients/{id}/support-plans/{pid}"),
            json!({"opinion": "X"}),
        ),
    ];
    for claims in [ministry(), region("KURZEME"), provider(1)] {
        let role = claims["role"].clone();
        let t = token(&claims);
        for path in &gets {
            let response = app.get_as(path, &t).await;
            assert_eq!(response.status(), 403, "{role} GET {path}");
            assert_problem(response, 403, "about:blank").await;
        }
        for (path, body) in &posts {
            let response = app.post_json(path, &t, body).await;
            assert_eq!(response.status(), 403, "{role} POST {path}");
        }
        for (path, body) in &patches {
            let response = app.patch_json(path, &t, body).await;
            assert_eq!(response.status(), 403, "{role} PATCH {path}");
        }
    }
    // Admin reads (the access log is the owning municipality's) but never writes case data.
    let admin_token = token(&admin());
    for path in gets.iter().filter(|p| !p.ends_with("/access-log")) {
        let response = app.get_as(path, &admin_token).await;
        assert_eq!(response.status(), 200, "admin GET {path}");
    }
    for (path, body) in posts.iter().filter(|(p, _)| !p.ends_with("/search")) {
        let response = app.post_json(path, &admin_token, body).await;
        assert_eq!(response.status(), 403, "admin POST {path}");
    }
    for (path, body) in &patches {
        let response = app.patch_json(path, &admin_token, body).await;
        assert_eq!(response.status(), 403, "admin PATCH {path}");
    }
    // Without a token: 401.
    for path in &gets {
        let response = app.get(path).await;
        assert_problem(response, 401, "about:blank").await;
    }
    // Nothing changed.
    let kuldiga = token(&municipality("050"));
    let client = app.get_ok(&format!("/api/v1/clients/{id}"), &kuldiga).await;
    assert_eq!(client["given_name"], "Anna");
    assert_eq!(client["municipality"], "050");
    let list = app.get_ok("/api/v1/clients", &kuldiga).await;
    assert_eq!(list["total"], 1);
}

#[tokio::test]
async fn another_municipalitys_client_is_404_on_every_client_endpoint() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let riga = token(&municipality("RIX"));
    let response = app
        .post_json(
            "/api/v1/clients",
            &kuldiga,
            &adult("161175-19997", "Sniega"),
        )
        .await;
    let etag = etag_of(&response);
    let id = response.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    let assessment = app
        .create_assessment("050", id, &assessment_body(ADULT, "2026-10-01", (1, 1, 1)))
        .await;
    let response = app
        .post_json(
            &format!("/api/v1/clients/{id}/support-plans"),
            &kuldiga,
            &json!({"sections": {"employment": "Darbs"}}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let plan_etag = etag_of(&response);
    let plan = response.json::<Value>().await.expect("json");
    let (aid, pid) = (assessment["id"].clone(), plan["id"].clone());
    let missing = id + 1000;

    let mut not_found = Vec::new();
    for client in [id, missing] {
        let gets = [
            format!("/api/v1/clients/{client}"),
            format!("/api/v1/clients/{client}/transfers"),
            format!("/api/v1/clients/{client}/access-log"),
            format!("/api/v1/clients/{client}/assessments"),
            format!("/api/v1/clients/{client}/assessments/{aid}"),
            format!("/api/v1/clients/{client}/support-plans"),
            format!("/api/v1/clients/{client}/support-plans/{pid}"),
        ];
        for path in &gets {
            let response = app.get_as(path, &riga).await;
            assert_eq!(response.status(), 404, "GET {path}");
            not_found.push(assert_problem(response, 404, "about:blank").await);
        }
        let posts = [
            (
                format!("/api/v1/clients/{client}/transfer"),
                json!({"to_municipality": "JEL", "reason": "Moved"}),
            ),
            (
                format!("/api/v1/clients/{client}/assessments"),
                assessment_body(ADULT, "2026-10-02", (3, 3, 3)),
            ),
            (
                format!("/api/v1/clients/{client}/support-plans"),
                json!({"sections": {"employment": "Cits"}}),
            ),
        ];
        for (path, body) in &posts {
            let response = app.post_json(path, &riga, body).await;
            assert_eq!(response.status(), 404, "POST {path}");
            not_found.push(assert_problem(response, 404, "about:blank").await);
        }
        let patches = [
            (
                format!("/api/v1/clients/{client}"),
                &etag,
                json!({"given_name": "Cits"}),
            ),
            (
                format!("/api/v1/clients/{client}/support-plans/{pid}"),
                &plan_etag,
                json!({"opinion": "Cits"}),
            ),
        ];
        for (path, tag, body) in &patches {
            let response = app.patch_if_match(path, &riga, tag, body).await;
            assert_eq!(response.status(), 404, "PATCH {path}");
            not_found.push(assert_problem(response, 404, "about:blank").await);
        }
    }
    // Another municipality's client is indistinguishable from one that does not exist.
    assert!(not_found.windows(2).all(|w| w[0] == w[1]), "{not_found:?}");

    // Nothing changed for the owner.
    let client = app.get_ok(&format!("/api/v1/clients/{id}"), &kuldiga).await;
    assert_eq!(client["given_name"], "Anna");
    assert_eq!(client["municipality"], "050");
    let assessments = app
        .get_ok(&format!("/api/v1/clients/{id}/assessments"), &kuldiga)
        .await;
    assert_eq!(assessments.as_array().map(Vec::len), Some(1));
    let plans = app
        .get_ok(&format!("/api/v1/clients/{id}/support-plans"), &kuldiga)
        .await;
    assert_eq!(plans.as_array().map(Vec::len), Some(1));
    assert!(plans[0]["opinion"].is_null());
    let transfers = app
        .get_ok(&format!("/api/v1/clients/{id}/transfers"), &kuldiga)
        .await;
    assert_eq!(transfers, json!([]));
}

#[tokio::test]
async fn a_transferred_case_belongs_to_the_new_municipality_with_its_history() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let riga = token(&municipality("RIX"));
    let jelgava = token(&municipality("JEL"));
    let id = app
        .create_client_id("050", &adult("161175-19997", "Ceļotāja"))
        .await;
    let assessment = app
        .create_assessment("050", id, &assessment_body(ADULT, "2026-10-01", (2, 2, 2)))
        .await;
    let path = format!("/api/v1/clients/{id}");

    let response = app
        .post_json(
            &format!("{path}/transfer"),
            &kuldiga,
            &json!({"to_municipality": "RIX", "reason": "Declared residence moved", "transferred_on": "2026-11-02"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let transfer: Value = response.json().await.expect("json");
    assert_eq!(transfer["client_id"], id);
    assert_eq!(transfer["from_municipality"], "050");
    assert_eq!(transfer["to_municipality"], "RIX");
    assert_eq!(transfer["transferred_on"], "2026-11-02");
    assert_eq!(transfer["reason"], "Declared residence moved");
    assert_eq!(transfer["transferred_by"], "test-municipality");

    // The old municipality has lost the case everywhere.
    for old in [
        path.clone(),
        format!("{path}/transfers"),
        format!("{path}/assessments"),
    ] {
        assert_problem(app.get_as(&old, &kuldiga).await, 404, "about:blank").await;
    }
    let list = app.get_ok("/api/v1/clients", &kuldiga).await;
    assert_eq!(list["total"], 0);
    let search = app
        .post_json(
            "/api/v1/clients/search",
            &kuldiga,
            &json!({"personal_code": "161175-19997"}),
        )
        .await;
    assert_eq!(search.status(), 404);

    // The new one owns it, with its personal code and its assessments.
    let client = app.get_ok(&path, &riga).await;
    assert_eq!(client["municipality"], "RIX");
    assert_eq!(client["personal_code"], "161175-19997");
    let assessments = app.get_ok(&format!("{path}/assessments"), &riga).await;
    assert_eq!(assessments[0]["id"], assessment["id"]);
    let history = app.get_ok(&format!("{path}/transfers"), &riga).await;
    assert_eq!(history, json!([transfer]));

    // And may move it on; the history keeps both, oldest first.
    let response = app
        .post_json(
            &format!("{path}/transfer"),
            &riga,
            &json!({"to_municipality": "JEL", "reason": "Moved again"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let second: Value = response.json().await.expect("json");
    assert_eq!(
        second["transferred_on"],
        today().to_string(),
        "defaults to today"
    );
    assert_problem(app.get_as(&path, &riga).await, 404, "about:blank").await;
    let history = app.get_ok(&format!("{path}/transfers"), &jelgava).await;
    let moves: Vec<(Value, Value)> = history
        .as_array()
        .expect("array")
        .iter()
        .map(|t| (t["from_municipality"].clone(), t["to_municipality"].clone()))
        .collect();
    assert_eq!(
        moves,
        [(json!("050"), json!("RIX")), (json!("RIX"), json!("JEL"))]
    );
    let admin_history = app
        .get_ok(&format!("{path}/transfers"), &token(&admin()))
        .await;
    assert_eq!(admin_history, history);
}

#[tokio::test]
async fn transferring_a_case_to_its_own_municipality_is_409_and_to_an_unknown_one_422() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let id = app
        .create_client_id("050", &adult("161175-19997", "Mājiniece"))
        .await;
    let path = format!("/api/v1/clients/{id}/transfer");
    let response = app
        .post_json(
            &path,
            &kuldiga,
            &json!({"to_municipality": "050", "reason": "Nowhere"}),
        )
        .await;
    assert_problem(response, 409, "/problems/transfer-to-same-municipality").await;
    let response = app
        .post_json(
            &path,
            &kuldiga,
            &json!({"to_municipality": "XXX", "reason": "Abroad"}),
        )
        .await;
    assert_problem(response, 422, "/problems/unknown-reference").await;
    let response = app
        .post_json(
            &path,
            &kuldiga,
            &json!({"to_municipality": "RIX", "reason": ""}),
        )
        .await;
    assert_problem(response, 422, "/problems/validation").await;

    let client = app.get_ok(&format!("/api/v1/clients/{id}"), &kuldiga).await;
    assert_eq!(client["municipality"], "050");
    let history = app
        .get_ok(&format!("/api/v1/clients/{id}/transfers"), &kuldiga)
        .await;
    assert_eq!(history, json!([]));
}

#[tokio::test]
async fn concurrent_registrations_of_one_code_register_it_once() {
    let app = TestApp::spawn().await;
    let requests: Vec<(String, Value)> = ["050", "RIX", "JEL", "050", "RIX", "JEL"]
        .iter()
        .enumerate()
        .map(|(n, m)| {
            (
                token(&municipality(m)),
                adult("161175-19997", &format!("Dubulte{n}")),
            )
        })
        .collect();
    let responses = futures::future::join_all(
        requests
            .iter()
            .map(|(t, body)| app.post_json("/api/v1/clients", t, body)),
    )
    .await;
    let mut created = 0;
    for response in responses {
        if response.status() == 201 {
            created += 1;
        } else {
            assert_problem(response, 409, "/problems/client-already-registered").await;
        }
    }
    assert_eq!(created, 1);
    let everyone = app.get_ok("/api/v1/clients", &token(&admin())).await;
    assert_eq!(everyone["total"], 1);
}
