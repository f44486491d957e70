use super::*;
use actix_web::ResponseError;
use actix_web::error::JsonPayloadError;

/// A database error as diesel reports it, with only a message.
fn database_error(message: &str) -> diesel::result::Error {
    diesel::result::Error::DatabaseError(
        diesel::result::DatabaseErrorKind::Unknown,
        Box::new(message.to_string()),
    )
}

#[test]
fn a_nul_character_the_database_refuses_is_the_request_s_fault() {
    let error = ApiError::from(database_error(
        "invalid byte sequence for encoding \"UTF8\": 0x00",
    ));
    assert_eq!(error.status_code().as_u16(), 400);
    assert_eq!(error.problem(Lang::En).type_, "/problems/nul-character");
}

#[test]
fn busy_timed_out_and_full_databases_are_503_never_500() {
    let cases = [
        ("database is locked", "/problems/database-busy"),
        (
            "canceling statement due to statement timeout",
            "/problems/database-busy",
        ),
        (
            "canceling statement due to lock timeout",
            "/problems/database-busy",
        ),
        (
            "could not obtain lock on row in relation \"mentors\"",
            "/problems/database-busy",
        ),
        (
            "database or disk is full",
            "/problems/database-storage-failing",
        ),
        ("disk I/O error", "/problems/database-storage-failing"),
        (
            "could not extend file \"base/16384/16385\": No space left on device",
            "/problems/database-storage-failing",
        ),
    ];
    let cases = cases.into_iter().chain([(
        "terminating connection due to administrator command",
        "/problems/database-unreachable",
    )]);
    for (message, type_) in cases {
        let error = ApiError::from(database_error(message));
        assert_eq!(error.status_code().as_u16(), 503, "{message}");
        assert_eq!(error.problem(Lang::En).type_, type_, "{message}");
        let response = error.error_response();
        assert!(response.headers().contains_key(header::RETRY_AFTER));
    }
    let other = ApiError::from(database_error("syntax error at or near \"x\""));
    assert_eq!(other.status_code().as_u16(), 500);
}

fn status(e: JsonPayloadError) -> u16 {
    json_error(e, 10).status_code().as_u16()
}

#[test]
fn json_extractor_errors_map_to_problem_statuses() {
    assert_eq!(status(JsonPayloadError::Overflow { limit: 10 }), 413);
    assert_eq!(
        status(JsonPayloadError::OverflowKnownLength {
            length: 11,
            limit: 10
        }),
        413
    );
    assert_eq!(status(JsonPayloadError::ContentType), 415);
    let syntax = serde_json::from_str::<serde_json::Value>("{")
        .err()
        .map(JsonPayloadError::Deserialize);
    assert_eq!(syntax.map(status), Some(400));
    let data = serde_json::from_str::<u8>("\"x\"")
        .err()
        .map(JsonPayloadError::Deserialize);
    assert_eq!(data.map(status), Some(422));
}

#[test]
fn body_errors_do_not_echo_values() {
    #[derive(Debug, serde::Deserialize)]
    #[expect(dead_code, reason = "the field exists to be mistyped in the body")]
    struct Body {
        code: u64,
    }
    let e = serde_json::from_str::<Body>(r#"{"code": "161175-19997"}"#).err();
    let ApiError::Validation(errors) = body_error(String::new(), &e.expect("type error")) else {
        panic!("validation problem");
    };
    let text = format!("{errors:?}");
    assert!(!text.contains("161175"), "{text}");
    assert!(text.contains("expected u64"), "{text}");
}

#[test]
fn parser_messages_withhold_every_quoted_value() {
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "the fields exist to be mistyped in the body")]
    struct Body {
        kind: Kind,
        n: Option<u8>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Alpha,
    }
    for (json, kept) in [
        (r#"{"kind": "161175-19997"}"#, "expected `alpha`"),
        (
            r#"{"kind": "alpha", "161175-19997": 1}"#,
            "expected `kind` or `n`",
        ),
        (
            r#"{"kind": "x`, expected 161175-19997 `"}"#,
            "expected `alpha`",
        ),
        (r#"{"kind": "alpha", "n": "161175-19997"}"#, "expected u8"),
    ] {
        let e = serde_json::from_str::<Body>(json).expect_err("the body does not parse");
        let message = withhold_values(&e.to_string());
        assert!(!message.contains("161175"), "{message}");
        assert!(message.contains(kept), "{message}");
        assert!(message.contains("(value withheld)"), "{message}");
    }
    assert_eq!(
        withhold_values(r#"can not parse "161175-19997" to a i64"#),
        "can not parse (value withheld) to a i64"
    );
    assert_eq!(
        withhold_values("missing field `name` at line 1 column 2"),
        "missing field `name` at line 1 column 2"
    );
    assert_eq!(
        withhold_values("invalid digit found in string"),
        "invalid digit found in string"
    );
}

#[test]
fn internal_errors_never_reveal_their_cause() {
    for lang in [Lang::En, Lang::Lv] {
        let response =
            ApiError::Internal(anyhow::anyhow!("password=hunter2 at db.internal")).problem(lang);
        assert_eq!(response.status, 500);
        let body = serde_json::to_string(&response).unwrap_or_default();
        assert!(!body.contains("hunter2"));
        assert!(!body.contains("db.internal"));
    }
}

/// One error of every HTTP-level kind (the rules' are tested in `domain`).
fn one_of_each() -> Vec<ApiError> {
    let text = || Detail::new("english", "latviski");
    vec![
        ApiError::BadRequest(text()),
        ApiError::Validation(BTreeMap::from([("name".into(), vec!["length".into()])])),
        ApiError::Domain(DomainError::PlanFinal),
        ApiError::Unauthorized(text()),
        ApiError::UnknownScope(crate::domain::access::UnknownScope::Provider),
        ApiError::Forbidden(crate::domain::access::Forbidden {
            en: "english",
            lv: "latviski",
        }),
        ApiError::NotFound,
        ApiError::PreconditionFailed,
        ApiError::IdempotencyKeyReused,
        ApiError::MethodNotAllowed {
            allow: vec!["GET".into()],
        },
        ApiError::Conflict(text()),
        ApiError::PayloadTooLarge { limit: 1024 },
        ApiError::RequestTimeout { limit_ms: 5000 },
        ApiError::Http {
            status: StatusCode::TOO_MANY_REQUESTS,
            detail: text(),
        },
        ApiError::UnsupportedMediaType,
        ApiError::NotAcceptable(text()),
        ApiError::NulCharacter,
        ApiError::Unavailable(Unavailability::Unreachable),
        ApiError::Unavailable(Unavailability::Timeout),
        ApiError::Unavailable(Unavailability::Busy),
        ApiError::Unavailable(Unavailability::Storage),
        ApiError::Internal(anyhow::anyhow!("cause")),
    ]
}

#[test]
fn every_problem_has_a_latvian_title_and_detail() {
    for error in one_of_each() {
        let (en, lv) = (error.problem(Lang::En), error.problem(Lang::Lv));
        assert_eq!((&en.type_, en.status), (&lv.type_, lv.status), "{error}");
        assert_ne!(en.title, lv.title, "{error}");
        assert_ne!(en.detail, lv.detail, "{error}");
        assert!(lv.detail.is_some_and(|d| !d.is_empty()), "{error}");
    }
}

#[test]
fn the_latvian_problem_travels_with_the_response() {
    let error = ApiError::Validation(BTreeMap::from([
        ("a".into(), vec!["length".into()]),
        ("b".into(), vec!["email".into()]),
    ]));
    let response = error.error_response();
    let extensions = response.extensions();
    let Some(LatvianProblem(problem)) = extensions.get::<LatvianProblem>() else {
        panic!("the Latvian problem is in the extensions");
    };
    assert_eq!(problem.title, "Pieprasījums neatbilst prasībām");
    assert_eq!(problem.detail.as_deref(), Some("2 lauki nav derīgi"));
    assert_eq!(problem.errors, error.problem(Lang::En).errors);
}

#[test]
fn latvian_counts_agree_with_their_noun() {
    let fields = |n: usize| latvian_plural(n, "lauks", "lauki");
    assert_eq!(fields(1), "lauks");
    assert_eq!(fields(21), "lauks");
    assert_eq!(fields(11), "lauki");
    assert_eq!(fields(2), "lauki");
    assert_eq!(fields(10), "lauki");
}
