//! The edge of the service: what every request passes before it reaches the router and the
//! handlers, and what every response carries on its way out, whatever produced it.
//!
//! - `reject_unknown_methods`: a method outside HTTP's common ones is answered `405` (or
//!   `404`) before the metrics middleware, so clients cannot grow `/metrics` by inventing
//!   methods.
//! - `guard_input`: a control character in the path or the query string is `400`; the body
//!   is read within `KOPIENA_BODY_TIMEOUT_MS` (`408`) and `KOPIENA_MAX_BODY_BYTES` (`413`),
//!   and a control character in any string of a JSON body is `422` naming the field, before
//!   any handler (so before any SQL) on both backends.
//! - `response_headers`: `X-Content-Type-Options: nosniff` and `API-Version` on every response,
//!   `Cache-Control: no-store` on every response to a request with credentials, and error
//!   responses made outside the handlers (CORS refusals, the documentation UI) become problems.

use std::collections::BTreeMap;
use std::time::Duration;

use actix_web::body::{BodyStream, EitherBody, MessageBody, to_bytes_limited};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, web};
use serde_json::Value;

use crate::error::{ApiError, Detail, PROBLEM_JSON, pointer};

/// How much of a request body is read, and for how long (application data).
#[derive(Debug, Clone, Copy)]
pub struct InputLimits {
    pub max_body_bytes: usize,
    pub body_timeout: Duration,
}

/// The methods of the HTTP method registry that a client may reasonably send; the API
/// itself uses a subset, and the router answers `405` for the others.
pub const KNOWN_METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
];

/// The answer to a request refused at the edge, as a problem (logged like any error).
fn refuse<B>(req: ServiceRequest, error: ApiError) -> ServiceResponse<EitherBody<B>> {
    req.into_response(HttpResponse::from_error(error))
        .map_into_right_body()
}

/// A method outside the registry's common ones (a made-up one, or one like `QUERY` that no
/// route has) is answered as the route table answers any method a path does not support:
/// `405` with `Allow`, or `404` for an unknown path. Wrapped outside the metrics middleware,
/// so the number of series in `/metrics` stays bounded whatever clients send.
pub async fn reject_unknown_methods(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if KNOWN_METHODS.contains(&req.method().as_str()) {
        next.call(req)
            .await
            .map(ServiceResponse::map_into_left_body)
    } else {
        let refusal = crate::api::method_refusal(req.path());
        Ok(refuse(req, refusal))
    }
}

/// Checks the path and query string, then reads the whole body within the limits and checks
/// a JSON body's strings; the handlers' extractors read the buffered body as usual.
pub async fn guard_input(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if let Err(e) = check_path(req.uri().path()).and_then(|()| check_query(req.query_string())) {
        return Ok(refuse(req, e));
    }
    let Some(limits) = req
        .app_data::<web::Data<InputLimits>>()
        .map(|l| *l.get_ref())
    else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
        let limit = limits.max_body_bytes;
        return Ok(refuse(req, ApiError::PayloadTooLarge { limit }));
    }
    let payload = BodyStream::new(req.take_payload());
    let read = tokio::time::timeout(
        limits.body_timeout,
        to_bytes_limited(payload, limits.max_body_bytes),
    )
    .await;
    let body = match read {
        Ok(Ok(Ok(body))) => body,
        Ok(Ok(Err(_))) => {
            let e = ApiError::BadRequest(Detail::new(
                "The request body could not be read.",
                "Pieprasījuma saturu nevarēja nolasīt.",
            ));
            return Ok(refuse(req, e));
        }
        Ok(Err(_)) => {
            let limit = limits.max_body_bytes;
            return Ok(refuse(req, ApiError::PayloadTooLarge { limit }));
        }
        Err(_) => {
            let limit_ms = u64::try_from(limits.body_timeout.as_millis()).unwrap_or(u64::MAX);
            return Ok(refuse(req, ApiError::RequestTimeout { limit_ms }));
        }
    };
    if is_json(&req)
        && let Err(e) = check_json_body(&body)
    {
        return Ok(refuse(req, e));
    }
    req.set_payload(Payload::from(body));
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// The header naming the version of the API that answered (`API-Version: v1`).
pub const API_VERSION: header::HeaderName = header::HeaderName::from_static("api-version");

/// `nosniff` and `API-Version` everywhere, `no-store` for every request with credentials (its
/// answer may hold personal data), and the problem shape for error responses that do not have
/// it yet.
pub async fn response_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let with_credentials = req.headers().contains_key(header::AUTHORIZATION);
    // The inner layers answer every error as a response (the router's handlers and the
    // middleware in `edge` alike), so an `Err` here is only passed on.
    let response = next.call(req).await?.map_into_left_body();
    let mut response = if is_foreign_error(&response) {
        as_problem(response)
    } else {
        response
    };
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(API_VERSION, HeaderValue::from_static(crate::api::VERSION));
    if with_credentials {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

/// `If-None-Match` on a read (RFC 9110 §13.1.2): when the representation's `ETag` matches one
/// the client holds (weak comparison) or the client sent `*`, the answer is `304 Not Modified`
/// with the same headers (`ETag`, `Cache-Control`) and no body. The handler still runs, with
/// its access checks and audit: a 304 tells only what the client already has.
pub async fn not_modified(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let held = (req.method() == actix_web::http::Method::GET)
        .then(|| req.headers().get(header::IF_NONE_MATCH).cloned())
        .flatten();
    let response = next.call(req).await?.map_into_boxed_body();
    let Some(held) = held else {
        return Ok(response);
    };
    let current = response.headers().get(header::ETAG).cloned();
    let unchanged = response.status() == actix_web::http::StatusCode::OK
        && current.is_some_and(|etag| match (held.to_str(), etag.to_str()) {
            (Ok(held), Ok(etag)) => crate::api::common::etag_listed(held, etag),
            _ => false,
        });
    if !unchanged {
        return Ok(response);
    }
    Ok(response.map_body(|head, _| {
        head.status = actix_web::http::StatusCode::NOT_MODIFIED;
        head.headers.remove(header::CONTENT_TYPE);
        head.headers.remove(header::CONTENT_LENGTH);
        actix_web::body::BoxBody::new(())
    }))
}

/// An error status whose body is not a problem: made outside `error.rs`.
fn is_foreign_error<B>(response: &ServiceResponse<B>) -> bool {
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON));
    response.status().as_u16() >= 400 && !is_problem
}

/// Replaces the body of a foreign error response with the problem for its status, keeping
/// its other headers. A CORS refusal keeps its (fixed) reason as the detail.
fn as_problem<B: MessageBody>(
    response: ServiceResponse<EitherBody<B>>,
) -> ServiceResponse<EitherBody<B>> {
    let status = response.status();
    let cors = response
        .response()
        .error()
        .and_then(|e| e.as_error::<actix_cors::CorsError>())
        // actix-cors's reason is English text of its own: kept, in a Latvian sentence.
        .map(|e| {
            Detail::new(
                format!("Cross-origin request refused: {e}."),
                format!("Starpizcelsmju (CORS) pieprasījums atteikts: {e}."),
            )
        });
    let error = match (status.as_u16(), cors) {
        (_, Some(detail)) => ApiError::Http { status, detail },
        (404, None) => ApiError::NotFound,
        (_, None) => {
            let reason = status.canonical_reason().unwrap_or("Error");
            ApiError::Http {
                status,
                detail: Detail::new(
                    reason,
                    crate::error::reason_lv(status.as_u16()).unwrap_or(reason),
                ),
            }
        }
    };
    let (request, old) = response.into_parts();
    let mut problem = HttpResponse::from_error(error);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            problem.headers_mut().append(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(request, problem.map_into_right_body())
}

/// Whether the body is declared JSON (`application/json` or a `+json` type), as the JSON
/// extractor requires.
fn is_json(req: &ServiceRequest) -> bool {
    req.mime_type().ok().flatten().is_some_and(|mime| {
        mime.type_() == "application"
            && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
    })
}

/// C0 control characters other than tab, line feed and carriage return: refused in JSON
/// strings (PostgreSQL cannot store NUL in text; the others have no place in this data).
fn refused_in_text(c: char) -> bool {
    c < ' ' && !matches!(c, '\t' | '\n' | '\r')
}

/// `422` naming every field by JSON pointer (`/name`, `/team/0/role`) whose string holds a refused control
/// character. A body that is not JSON is left to the extractor (`400`).
fn check_json_body(body: &[u8]) -> Result<(), ApiError> {
    // Inside a JSON string a control character must be escaped: no backslash, none there.
    if !body.contains(&b'\\') {
        return Ok(());
    }
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Ok(());
    };
    let mut errors = BTreeMap::new();
    find_control_characters(&value, "", &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

fn find_control_characters(value: &Value, at: &str, errors: &mut BTreeMap<String, Vec<String>>) {
    match value {
        Value::String(text) if text.chars().any(refused_in_text) => {
            errors.insert(at.to_string(), vec!["control_character".into()]);
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                find_control_characters(item, &pointer(at, i), errors);
            }
        }
        Value::Object(members) => {
            for (name, member) in members {
                if name.chars().any(refused_in_text) {
                    // The member's name is not repeated: it is what is refused.
                    errors.insert(
                        at.to_string(),
                        vec!["control_character_in_member_name".into()],
                    );
                    continue;
                }
                find_control_characters(member, &pointer(at, name), errors);
            }
        }
        _ => {}
    }
}

/// A path segment may hold no control character (`%00`…`%1F`): `400`.
fn check_path(path: &str) -> Result<(), ApiError> {
    if percent_encoding::percent_decode_str(path).any(|b| b < 0x20) {
        return Err(ApiError::BadRequest(Detail::new(
            "A path segment contains a control character.",
            "Ceļa segments satur vadības rakstzīmi.",
        )));
    }
    Ok(())
}

/// No query parameter's name or value may hold a control character: `400` naming the
/// parameter when its name is one of ours in shape (the name is the client's text).
fn check_query(query: &str) -> Result<(), ApiError> {
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if name.chars().chain(value.chars()).any(|c| c < ' ') {
            let plain = !name.is_empty()
                && name.len() <= 40
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            return Err(ApiError::BadRequest(if plain {
                Detail::new(
                    format!("The query parameter `{name}` contains a control character."),
                    format!("Vaicājuma parametrs `{name}` satur vadības rakstzīmi."),
                )
            } else {
                Detail::new(
                    "A query parameter contains a control character.",
                    "Vaicājuma parametrs satur vadības rakstzīmi.",
                )
            }));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(body: &str) -> Vec<String> {
        match check_json_body(body.as_bytes()) {
            Ok(()) => vec![],
            Err(ApiError::Validation(errors)) => errors.into_keys().collect(),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn control_characters_in_json_strings_are_named_by_field() {
        assert!(fields(r#"{"name": "Ok\ttab\nnew line\r"}"#).is_empty());
        assert!(fields(r#"{"name": "a \\u0000 is text"}"#).is_empty());
        assert_eq!(fields(r#"{"name": "a\u0000b"}"#), ["/name"]);
        assert_eq!(
            fields(r#"{"a": {"b": ["ok", "x\u001f"]}, "c": "\b", "d": 1}"#),
            ["/a/b/1", "/c"]
        );
        assert_eq!(fields(r#"{"x\u0001": 1}"#), [""]);
        assert_eq!(fields(r#""\u0007""#), [""]);
        // Not JSON: left to the extractor's 400.
        assert!(fields(r#"{"name": "\u0000"#).is_empty());
    }

    #[test]
    fn control_characters_in_paths_and_queries_are_refused() {
        assert!(check_path("/api/v1/municipalities/RIX").is_ok());
        assert!(check_path("/api/v1/municipalities/R%00X").is_err());
        assert!(check_path("/api/v1/municipalities/R%0aX").is_err());
        assert!(check_path("/api/v1/municipalities/100%").is_ok());
        assert!(check_query("").is_ok());
        assert!(check_query("q=a+b%20c&limit=5").is_ok());
        let Err(ApiError::BadRequest(detail)) = check_query("limit=5&q=a%00") else {
            panic!("refused");
        };
        assert!(detail.en.contains("`q`"), "{detail}");
        assert!(detail.lv.contains("`q`"), "{detail:?}");
        let Err(ApiError::BadRequest(detail)) = check_query("161175-19997%01=1") else {
            panic!("refused");
        };
        assert!(!format!("{detail:?}").contains("161175"), "{detail:?}");
        assert!(check_query("q=%09").is_err());
    }

    #[test]
    fn malformed_escapes_are_no_control_characters() {
        assert!(check_query("a=%2&b=%zz+&c=%").is_ok());
        assert!(check_path("/api/v1/municipalities/%zz%").is_ok());
        assert!(check_path("/api/v1/municipalities/R%00X").is_err());
    }
}
