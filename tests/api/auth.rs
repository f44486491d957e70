use base64::Engine;
use serde_json::{Value, json};

use kopiena::api::providers::CreateProvider;

use crate::helpers::{
    TEST_SECRET, TestApp, assert_problem, claims, ministry, provider_body, services_query, token,
};

fn b64(v: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
}

fn body() -> CreateProvider {
    CreateProvider {
        name: "Auth test".into(),
        address: "Kuldīga".into(),
        ..provider_body("050", "LM-AUTH")
    }
}

async fn assert_401(app: &TestApp, token: &str, why: &str) {
    let response = app.create_provider(token, &body()).await;
    assert_eq!(
        response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().ok()),
        Some(Some("Bearer")),
        "{why}"
    );
    assert_problem(response, 401, "about:blank").await;
}

#[tokio::test]
async fn every_invalid_token_is_a_401_problem_with_www_authenticate() {
    let app = TestApp::spawn().await;
    let now = chrono::Utc::now().timestamp();
    let valid = ministry();

    // alg none: header and claims, no signature.
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&valid)
    );
    assert_401(&app, &none, "alg none").await;

    // Wrong signature.
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &valid,
        &jsonwebtoken::EncodingKey::from_secret(b"another-secret"),
    )
    .expect("token");
    assert_401(&app, &forged, "wrong signature").await;

    // Another algorithm with the same secret (HS512 instead of the pinned HS256).
    let other_alg = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
        &valid,
        &jsonwebtoken::EncodingKey::from_secret(TEST_SECRET.as_bytes()),
    )
    .expect("token");
    assert_401(&app, &other_alg, "other algorithm").await;

    let mut expired = valid.clone();
    expired["exp"] = json!(now - 3600);
    expired["iat"] = json!(now - 7200);
    assert_401(&app, &token(&expired), "expired").await;

    let mut wrong_aud = valid.clone();
    wrong_aud["aud"] = json!("someone-else");
    assert_401(&app, &token(&wrong_aud), "wrong aud").await;

    let mut wrong_iss = valid.clone();
    wrong_iss["iss"] = json!("evil");
    assert_401(&app, &token(&wrong_iss), "wrong iss").await;

    let mut no_exp = valid.clone();
    no_exp.as_object_mut().map(|o| o.remove("exp"));
    assert_401(&app, &token(&no_exp), "no exp").await;

    for role in ["municipality", "provider", "region"] {
        assert_401(
            &app,
            &token(&claims(role, None)),
            "role without scope claim",
        )
        .await;
    }
    assert_401(&app, &token(&claims("superuser", None)), "unknown role").await;
    assert_401(&app, "not-a-jwt", "garbage").await;

    // Missing header and a non-bearer scheme.
    let response = app
        .client
        .post(app.url("/api/v1/providers"))
        .json(&body())
        .send()
        .await
        .expect("request");
    assert_problem(response, 401, "about:blank").await;
    let response = app
        .client
        .post(app.url("/api/v1/providers"))
        .header("Authorization", "Basic dXNlcjpwYXNz")
        .json(&body())
        .send()
        .await
        .expect("request");
    assert_problem(response, 401, "about:blank").await;

    // And the valid token works.
    let response = app.create_provider(&token(&valid), &body()).await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn a_bad_token_on_a_public_read_is_still_refused() {
    let app = TestApp::spawn().await;
    let response = app
        .list_services(&services_query())
        .bearer("not-a-jwt")
        .await;
    assert_problem(response, 401, "about:blank").await;
    assert_eq!(app.list_services(&services_query()).await.status(), 200);
}

#[test]
fn the_token_command_prints_a_token_the_server_accepts() {
    let dir = tempfile::tempdir().expect("dir");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kopiena"))
        .args(["token", "--role", "municipality", "--municipality", "050"])
        .env("KOPIENA_DATA_DIR", dir.path())
        .env_remove("KOPIENA_JWT_SECRET")
        .output()
        .expect("kopiena token runs");
    assert!(output.status.success());
    let token = String::from_utf8(output.stdout).expect("utf-8");
    let secret =
        std::fs::read_to_string(dir.path().join("dev-jwt-secret")).expect("dev secret kept");
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.set_audience(&["kopiena-api"]);
    validation.set_issuer(&["kopiena"]);
    let data = jsonwebtoken::decode::<Value>(
        token.trim(),
        &jsonwebtoken::DecodingKey::from_secret(secret.trim().as_bytes()),
        &validation,
    )
    .expect("token verifies with the development secret");
    assert_eq!(data.claims["role"], "municipality");
    assert_eq!(data.claims["municipality"], "050");

    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_kopiena"))
        .args(["token", "--role", "municipality"])
        .env("KOPIENA_DATA_DIR", dir.path())
        .output()
        .expect("runs");
    assert!(
        !refused.status.success(),
        "a role without its scope claim is refused"
    );
}

#[test]
fn production_refuses_to_start_without_a_configured_key() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kopiena"))
        .args(["serve"])
        .env("KOPIENA_ENV", "production")
        .env_remove("KOPIENA_JWT_SECRET")
        .env("DATABASE_URL", "/nonexistent/never-created.db")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("KOPIENA_JWT_SECRET"), "{stderr}");
}
