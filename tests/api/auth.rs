use base64::Engine;
use serde_json::{Value, json};

use kopiena::api::providers::{CreateProvider, UpdateProvider};

use kopiena::domain::mentor::ContractType;

use crate::helpers::{
    Call, TEST_SECRET, TestApp, admin, adult, assert_problem, claims, clients_query, mentor_body,
    mentors_query, ministry, municipality, new_code, provider, provider_body, provider_update,
    region, services_query, stats_query, token,
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

/// Sends `call` and expects the scope refusal: 401, `/problems/token-scope-unknown`, a
/// `WWW-Authenticate` challenge, a fixed detail naming the claim and not its value.
async fn assert_scope_refused(call: Call, claim: &str, value: &str) {
    let what = call.what().to_string();
    let response = call.await;
    assert_eq!(
        response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer"),
        "{what} as {claim} {value:?}"
    );
    let problem = assert_problem(response, 401, "/problems/token-scope-unknown").await;
    assert_eq!(problem["rule"], "AUTH-SCOPE-EXISTS", "{what}");
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(
        detail.starts_with("Authentication failed: the token's ") && detail.contains(claim),
        "{what}: {detail}"
    );
    assert!(
        value.is_empty() || !detail.contains(value),
        "{what}: {detail}"
    );
}

#[tokio::test]
async fn a_scope_claim_naming_nothing_is_a_401_on_reads_and_writes() {
    let app = TestApp::spawn().await;
    let staff_of = app.new_provider("050", "LM-SCOPE-1").await;
    // Unknown, empty, and dissolved (Varakļāni, 102, ended on 2025-06-30) municipalities.
    for code in ["ZZZ", "", "102"] {
        let t = token(&municipality(code));
        assert_scope_refused(
            app.create_client(&t, &adult(&new_code(1), "Nekurienes")),
            "municipality",
            code,
        )
        .await;
        assert_scope_refused(app.list_clients(&t, &clients_query()), "municipality", code).await;
        assert_scope_refused(
            app.create_mentor(&t, &mentor_body("Ilze", "Ozola", ContractType::Services)),
            "municipality",
            code,
        )
        .await;
        assert_scope_refused(
            app.create_provider(&t, &provider_body("050", "LM-SCOPE-X")),
            "municipality",
            code,
        )
        .await;
        // A public read with such a token is refused too.
        assert_scope_refused(
            app.list_services(&services_query()).bearer(&t),
            "municipality",
            code,
        )
        .await;
        assert_scope_refused(app.client_stats(&t, &stats_query()), "municipality", code).await;
    }
    let mars = token(&region("MARS"));
    assert_scope_refused(app.client_stats(&mars, &stats_query()), "region", "MARS").await;
    assert_scope_refused(
        app.list_services(&services_query()).bearer(&mars),
        "region",
        "MARS",
    )
    .await;
    let nobody = token(&provider(staff_of + 1));
    assert_scope_refused(
        app.update_provider(&nobody, staff_of, &provider_update()),
        "provider_id",
        "",
    )
    .await;
    assert_scope_refused(
        app.list_services(&services_query()).bearer(&nobody),
        "provider_id",
        "",
    )
    .await;

    // Nothing was written, and valid claims of each kind still pass.
    let admin_token = token(&admin());
    assert_eq!(
        app.list_clients(&token(&municipality("050")), &clients_query())
            .ok()
            .await["total"],
        0
    );
    assert_eq!(
        app.list_mentors(&admin_token, &mentors_query()).ok().await["total"],
        0
    );
    app.client_stats(&token(&region("KURZEME")), &stats_query())
        .ok()
        .await;
    app.list_services(&services_query())
        .bearer(&token(&provider(staff_of)))
        .ok()
        .await;
    // A provider registered after a refusal is recognised at once (a refusal is not
    // remembered).
    let registered = app.new_provider("050", "LM-SCOPE-2").await;
    assert_eq!(registered, staff_of + 1, "the next id");
    let renamed = UpdateProvider {
        name: Some("Jaunais nosaukums".into()),
        ..provider_update()
    };
    app.update_provider(&nobody, staff_of + 1, &renamed)
        .ok()
        .await;
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

/// The detail of a 401 from creating a provider with `token`.
async fn refusal_detail(app: &TestApp, token: &str) -> String {
    let response = app.create_provider(token, &body()).await;
    let problem = assert_problem(response, 401, "about:blank").await;
    problem["detail"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn token_times_subject_and_lifetime_are_checked_with_a_small_leeway() {
    let app = TestApp::spawn().await;
    let now = chrono::Utc::now().timestamp();
    let with = |changes: &[(&str, Value)]| {
        let mut claims = ministry();
        for (name, value) in changes {
            claims[*name] = value.clone();
        }
        claims
    };
    let refused = [
        ("nbf in the future", with(&[("nbf", json!(now + 600))])),
        (
            "iat in the future",
            with(&[("iat", json!(now + 600)), ("exp", json!(now + 3600))]),
        ),
        (
            "iat a year ahead",
            with(&[
                ("iat", json!(now + 31_536_000)),
                ("exp", json!(now + 31_539_600)),
            ]),
        ),
        (
            "lifetime over 12 h",
            with(&[("exp", json!(now + 12 * 3600 + 60))]),
        ),
        (
            "ten-year token",
            with(&[("exp", json!(now + 87_600 * 3600))]),
        ),
        ("empty sub", with(&[("sub", json!(""))])),
        ("blank sub", with(&[("sub", json!("  "))])),
    ];
    for (why, claims) in refused {
        let detail = refusal_detail(&app, &token(&claims)).await;
        assert!(!detail.is_empty(), "{why}");
    }
    let mut no_iat = ministry();
    no_iat.as_object_mut().map(|o| o.remove("iat"));
    let detail = refusal_detail(&app, &token(&no_iat)).await;
    assert!(detail.contains("iat"), "{detail}");

    // Within the leeway and the maximum: accepted.
    let accepted = [
        with(&[("nbf", json!(now - 60))]),
        with(&[("nbf", json!(now + 10))]),
        with(&[("iat", json!(now + 10))]),
        with(&[("exp", json!(now + 12 * 3600))]),
    ];
    for (i, claims) in accepted.iter().enumerate() {
        let response = app
            .create_provider(
                &token(claims),
                &CreateProvider {
                    register_number: format!("LM-AUTH-OK{i}"),
                    ..body()
                },
            )
            .await;
        assert_eq!(response.status(), 201, "{claims}");
    }
}

#[tokio::test]
async fn a_configured_maximum_lifetime_applies() {
    let app = TestApp::spawn_with(|key| {
        (key == "KOPIENA_JWT_MAX_LIFETIME_SECONDS").then(|| "600".into())
    })
    .await;
    let now = chrono::Utc::now().timestamp();
    let mut claims = ministry();
    claims["exp"] = json!(now + 3600);
    let detail = refusal_detail(&app, &token(&claims)).await;
    assert!(detail.contains("600"), "{detail}");
    claims["exp"] = json!(now + 600);
    assert_eq!(
        app.create_provider(&token(&claims), &body()).await.status(),
        201
    );
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive_and_only_one_authorization_header_counts() {
    let app = TestApp::spawn().await;
    let good = token(&crate::helpers::municipality("050"));
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let response = app
            .client
            .get(app.url("/api/v1/clients"))
            .header("Authorization", format!("{scheme} {good}"))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200, "{scheme}");
    }
    // Two headers, even both valid, are refused: which one counts would be a guess.
    let response = app
        .client
        .get(app.url("/api/v1/clients"))
        .header("Authorization", format!("Bearer {good}"))
        .header("Authorization", format!("Bearer {good}"))
        .send()
        .await
        .expect("sent");
    let problem = assert_problem(response, 401, "about:blank").await;
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("exactly one")),
        "{problem}"
    );
    for value in ["Bearer", "Bearer ", "Token abc", "Bearerabc"] {
        let response = app
            .client
            .get(app.url("/api/v1/clients"))
            .header("Authorization", value)
            .send()
            .await
            .expect("sent");
        assert_problem(response, 401, "about:blank").await;
    }
}

#[tokio::test]
async fn refusal_details_are_fixed_and_echo_nothing_of_the_token() {
    let app = TestApp::spawn().await;
    let now = chrono::Utc::now().timestamp();
    let mut unknown_role = ministry();
    unknown_role["role"] = json!("none");
    let mut wrong_type = ministry();
    wrong_type["exp"] = json!("tomorrow-161175");
    let mut expired = ministry();
    expired["exp"] = json!(now - 3600);
    expired["iat"] = json!(now - 7200);
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &ministry(),
        &jsonwebtoken::EncodingKey::from_secret(b"another-secret"),
    )
    .expect("token");
    for bad in [
        token(&unknown_role),
        token(&wrong_type),
        token(&expired),
        forged,
        "not-a-jwt".to_string(),
        format!("{}.e30.x", b64(&json!({"alg": "none"}))),
    ] {
        let detail = refusal_detail(&app, &bad).await;
        for leak in [
            "variant", "expected", "`", "none", "161175", "line ", "column",
        ] {
            assert!(!detail.contains(leak), "{detail:?} echoes {leak:?}");
        }
        assert!(detail.starts_with("Authentication failed: "), "{detail}");
    }
}

#[test]
fn the_token_command_is_refused_in_production_and_beyond_the_maximum_lifetime() {
    let dir = tempfile::tempdir().expect("dir");
    let pii_key = "33".repeat(32);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kopiena"))
        .args(["token", "--role", "admin"])
        .env("KOPIENA_ENV", "production")
        .env("KOPIENA_JWT_SECRET", "p".repeat(40))
        .env("KOPIENA_PII_HMAC_KEY", &pii_key)
        .env("KOPIENA_PII_ENCRYPTION_KEY", &pii_key)
        .env("KOPIENA_DATA_DIR", dir.path())
        .output()
        .expect("kopiena token runs");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no token printed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("KOPIENA_ENV=production"), "{stderr}");

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kopiena"))
        .args(["token", "--role", "admin", "--hours", "87600"])
        .env("KOPIENA_DATA_DIR", dir.path())
        .env_remove("KOPIENA_ENV")
        .output()
        .expect("kopiena token runs");
    assert!(!output.status.success(), "a ten-year token is refused");
    assert!(output.stdout.is_empty());
}

/// Runs `command` to its end, or kills it after `limit` (a server that starts instead of
/// refusing would otherwise serve forever) and reports it as not refused.
fn output_within(
    command: &mut std::process::Command,
    limit: std::time::Duration,
) -> std::process::Output {
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let started = std::time::Instant::now();
    while child.try_wait().expect("status").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let output = child.wait_with_output().expect("output");
            panic!(
                "still running after {limit:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn production_refuses_a_short_hs256_secret() {
    let dir = tempfile::tempdir().expect("dir");
    let pii_key = "33".repeat(32);
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_kopiena"));
    command
        .args(["serve"])
        .env("KOPIENA_ENV", "production")
        .env("KOPIENA_JWT_SECRET", "s".repeat(31))
        .env("KOPIENA_PII_HMAC_KEY", &pii_key)
        .env("KOPIENA_PII_ENCRYPTION_KEY", &pii_key)
        .env("KOPIENA_BIND", "127.0.0.1:0")
        .env("DATABASE_URL", dir.path().join("never.db"))
        .env("KOPIENA_DATA_DIR", dir.path());
    let output = output_within(&mut command, std::time::Duration::from_secs(20));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("at least 32 bytes"), "{stderr}");
    assert!(
        !dir.path().join("never.db").exists(),
        "refused before the database"
    );
}
