//! Tokens for the test server: claims for each role, signed with the test secret.

use serde_json::Value;

use super::harness::TEST_SECRET;

/// Claims valid for the test server, for `role` with its scope claim.
pub fn claims(role: &str, scope: Option<(&str, Value)>) -> Value {
    let now = chrono::Utc::now().timestamp();
    let mut claims = serde_json::json!({
        "sub": format!("test-{role}"),
        "role": role,
        "iat": now,
        "exp": now + 3600,
        "iss": "kopiena",
        "aud": "kopiena-api",
    });
    if let Some((name, value)) = scope {
        claims[name] = value;
    }
    claims
}

pub fn ministry() -> Value {
    claims("ministry", None)
}

pub fn admin() -> Value {
    claims("admin", None)
}

pub fn municipality(code: &str) -> Value {
    claims("municipality", Some(("municipality", Value::from(code))))
}

pub fn provider(id: i64) -> Value {
    claims("provider", Some(("provider_id", Value::from(id))))
}

pub fn mentor(id: i64) -> Value {
    claims("mentor", Some(("mentor_id", Value::from(id))))
}

pub fn region(code: &str) -> Value {
    claims("region", Some(("region", Value::from(code))))
}

/// Signs `claims` with the test secret (HS256).
pub fn token(claims: &Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(TEST_SECRET.as_bytes()),
    )
    .expect("token")
}
