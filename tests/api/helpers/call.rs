//! One request to the test server, built by a `TestApp` endpoint method and sent by `.await`.
//!
//! `app.create_provider(&t, &body).await` is the response; headers and paging go on before
//! the `.await` (`.idempotency_key("k")`, `.if_match(&tag)`, `.query(&page(2, 0))`), and the
//! shortcuts `.created()`, `.created_id()` and `.ok()` check the status and return the body.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use reqwest::{RequestBuilder, Response, StatusCode};
use serde::Serialize;
use serde_json::Value;

#[must_use = "a call does nothing until it is awaited"]
pub struct Call {
    request: RequestBuilder,
    what: String,
    token: Option<String>,
}

impl Call {
    pub(super) fn new(request: RequestBuilder, what: String) -> Self {
        Call {
            request,
            what,
            token: None,
        }
    }

    pub fn header(self, name: &str, value: &str) -> Self {
        Call {
            request: self.request.header(name, value),
            ..self
        }
    }

    /// Sends `token` as the bearer credential.
    pub fn bearer(self, token: &str) -> Self {
        Call {
            token: Some(token.into()),
            ..self
        }
    }

    /// Sends no credentials at all.
    pub fn anonymous(self) -> Self {
        Call {
            token: None,
            ..self
        }
    }

    /// What is requested (method and path), for assertion messages.
    pub fn what(&self) -> &str {
        &self.what
    }

    pub fn idempotency_key(self, key: &str) -> Self {
        self.header("Idempotency-Key", key)
    }

    pub fn if_match(self, etag: &str) -> Self {
        self.header("If-Match", etag)
    }

    pub fn accept_language(self, lang: &str) -> Self {
        self.header("Accept-Language", lang)
    }

    /// Adds query parameters (a typed query struct, `PageQuery`, or pairs).
    pub fn query(self, query: &impl Serialize) -> Self {
        Call {
            request: self.request.query(query),
            ..self
        }
    }

    /// Sends, expecting `status`; the JSON body.
    pub async fn expect_json(self, status: StatusCode) -> Value {
        let what = self.what.clone();
        let response = self.await;
        let actual = response.status();
        let text = response.text().await.expect("body");
        assert_eq!(actual, status, "{what}: {text}");
        serde_json::from_str(&text).expect("JSON body")
    }

    /// Sends, expecting 200; the JSON body.
    pub async fn ok(self) -> Value {
        self.expect_json(StatusCode::OK).await
    }

    /// Sends, expecting 201; the JSON body.
    pub async fn created(self) -> Value {
        self.expect_json(StatusCode::CREATED).await
    }

    /// Sends, expecting 200 and newline-delimited JSON, every line ending; each line parsed
    /// as one JSON object, with the response's headers.
    pub async fn ndjson(self) -> Streamed {
        let what = self.what.clone();
        let response = self.await;
        assert_eq!(response.status(), StatusCode::OK, "{what}");
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], "application/x-ndjson", "{what}");
        let body = response.text().await.expect("body");
        assert!(body.is_empty() || body.ends_with('\n'), "every line ends");
        let records = body
            .lines()
            .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
            .collect();
        Streamed { records, headers }
    }

    /// Sends, expecting 201; the created record's `id`.
    pub async fn created_id(self) -> i64 {
        id_of(&self.created().await)
    }
}

impl IntoFuture for Call {
    type Output = Response;
    type IntoFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        let request = match self.token {
            Some(token) => self.request.bearer_auth(token),
            None => self.request,
        };
        Box::pin(async move { request.send().await.expect("request is sent") })
    }
}

/// A streamed list: its records and the response's headers.
pub struct Streamed {
    pub records: Vec<Value>,
    pub headers: reqwest::header::HeaderMap,
}

impl Streamed {
    /// Each record's `key` member, in the order streamed.
    pub fn ids(&self, key: &str) -> Vec<i64> {
        self.records
            .iter()
            .map(|r| r[key].as_i64().expect("an id"))
            .collect()
    }

    /// A header of the response, as text.
    pub fn header(&self, name: &str) -> &str {
        self.headers[name].to_str().expect("text")
    }
}

/// The `id` member of a representation.
pub fn id_of(body: &Value) -> i64 {
    body["id"].as_i64().expect("id")
}
