//! Checks on responses: problem bodies and headers.

use std::future::Future;

use reqwest::Response;
use serde_json::Value;

/// Checks a problem response: status, content type and body shape; returns the body.
pub async fn assert_problem(response: Response, status: u16, problem_type: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.expect("problem body is JSON");
    assert_eq!(body["type"], problem_type, "problem type in {body}");
    assert_eq!(body["status"], status, "status member in {body}");
    assert!(body["title"].is_string(), "title in {body}");
    body
}

/// A `400` problem (`about:blank`) whose detail says `fragment`; returns the body.
pub async fn assert_bad_request(response: Response, fragment: &str) -> Value {
    let body = assert_problem(response, 400, "about:blank").await;
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains(fragment)),
        "`{fragment}` in {body}"
    );
    body
}

/// The value of header `name` in a response, which must carry it.
fn header_of(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("{name} header"))
        .to_string()
}

/// The `X-Request-Id` of a response.
pub fn request_id(response: &Response) -> String {
    header_of(response, "x-request-id")
}

/// The `ETag` of a response.
pub fn etag_of(response: &Response) -> String {
    header_of(response, "etag")
}

/// The `Location` of a response.
pub fn location_of(response: &Response) -> String {
    header_of(response, "location")
}

/// Sends `requests` at once; how many created their record (201). Every other must have been
/// refused as a conflict (409).
pub async fn created_or_conflict<F>(requests: impl IntoIterator<Item = F>) -> usize
where
    F: Future<Output = Response>,
{
    let statuses: Vec<u16> = futures::future::join_all(requests)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert!(
        statuses.iter().all(|s| [201, 409].contains(s)),
        "{statuses:?}"
    );
    statuses.iter().filter(|s| **s == 201).count()
}
