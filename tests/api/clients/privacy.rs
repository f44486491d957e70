//! The personal code stays out of logs, error bodies and stored clear text.

use kopiena::api::audit::ListAuditQuery;
use kopiena::api::clients::CreateClient;
use kopiena::domain::audit::AuditAction;
use serde_json::{Value, json};

use super::ADULT;
use crate::helpers::{
    TestApp, adult, audit_query, captured_logs, client_body, date, id_of, legacy_code,
    municipality, search, token,
};

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
    let slepena = || client_body(&code, "Slepena", date(birth_date), ADULT);
    let body = slepena();

    let response = app.create_client(&kuldiga, &body).await;
    assert_eq!(response.status(), 201);
    let id = id_of(&response.json::<Value>().await.expect("json"));
    let response = app
        .create_client(
            &kuldiga,
            &client_body(&digits, "Slepena", date(birth_date), ADULT),
        )
        .idempotency_key("log-test")
        .await;
    assert_eq!(response.status(), 409, "already registered");
    let response = app.create_client(&riga, &body).await;
    assert_eq!(response.status(), 409);

    for (token, form) in [(&kuldiga, &code), (&kuldiga, &digits), (&riga, &code)] {
        let response = app.search_clients(token, &search(form)).await;
        assert!([200, 404].contains(&response.status().as_u16()));
    }
    let get = app.get_client(&kuldiga, id).await;
    assert_eq!(get.status(), 200);

    // A number or an array for the code cannot be built as a DTO: those are sent as JSON.
    let mut invalid_type = serde_json::to_value(&body).expect("JSON");
    invalid_type["personal_code"] = json!(number);
    let invalid_code = CreateClient {
        personal_code: wrong_check.clone(),
        ..slepena()
    };
    let wrong_birth = CreateClient {
        birth_date: date("1963-07-24"),
        ..slepena()
    };
    for request in [
        invalid_type,
        serde_json::to_value(&invalid_code).expect("JSON"),
        serde_json::to_value(&wrong_birth).expect("JSON"),
        json!({"personal_code": [code]}),
    ] {
        let response = app.post_as("/api/v1/clients", &kuldiga, &request).await;
        assert_eq!(response.status(), 422, "{request}");
        let text = response.text().await.expect("body");
        assert!(!text.contains(&digits[..6]), "echoed: {text}");
    }
    for response in [
        app.post_as(
            "/api/v1/clients/search",
            &kuldiga,
            &json!({"personal_code": number}),
        )
        .await,
        app.search_clients(&kuldiga, &search(&wrong_check)).await,
    ] {
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
    let ozola = adult("161175-19997", "Ozola");
    let send = || {
        app.create_client(&kuldiga, &ozola)
            .idempotency_key("register-ozola")
    };
    let first = send().created().await;
    let replay = send().await;
    assert_eq!(replay.status(), 201);
    assert_eq!(replay.json::<Value>().await.expect("json"), first);
    // The replay shows the client again: audited as such.
    let replays = app
        .audit_records(&ListAuditQuery {
            action: Some(AuditAction::ClientCreateReplay),
            ..audit_query()
        })
        .await;
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
