//! `GET /api/v1`: the entry point of the API. Where the documentation is, and every
//! operation it offers, read from the OpenAPI document itself so the two cannot disagree.

use std::sync::LazyLock;

use actix_web::{HttpResponse, get};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::common;

/// The entry point of the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiIndex {
    #[schema(example = "Kopiena")]
    pub name: &'static str,
    /// The version of this API (the path prefix `/api/v1`).
    #[schema(example = "v1")]
    pub version: &'static str,
    /// The OpenAPI 3.1 document describing every operation.
    #[schema(example = "/openapi.json")]
    pub openapi: &'static str,
    /// Interactive documentation (works offline).
    #[schema(example = "/docs/")]
    pub documentation: &'static str,
    /// Every operation of the API, by path, then method.
    pub operations: Vec<IndexEntry>,
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

/// One operation of the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndexEntry {
    pub method: Method,
    /// The path template (`{id}` marks a parameter).
    #[schema(example = "/api/v1/providers/{id}")]
    pub path: String,
    /// The OpenAPI `operationId`, the name generated clients give the call.
    #[schema(example = "get_provider")]
    pub operation_id: String,
    #[schema(example = "providers")]
    pub tag: String,
    #[schema(example = "Reads a provider. Public.")]
    pub summary: String,
    /// Whether it answers without a token.
    pub public: bool,
}

/// The index, built once from the OpenAPI document, with its entity tag (a digest of its
/// JSON: it changes only with the document).
static INDEX: LazyLock<(ApiIndex, String)> = LazyLock::new(|| {
    let doc = super::document();
    let mut operations: Vec<IndexEntry> = doc
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| {
            [
                (Method::Get, &item.get),
                (Method::Put, &item.put),
                (Method::Post, &item.post),
                (Method::Delete, &item.delete),
                (Method::Options, &item.options),
                (Method::Head, &item.head),
                (Method::Patch, &item.patch),
                (Method::Trace, &item.trace),
            ]
            .into_iter()
            .filter_map(|(method, operation)| operation.as_ref().map(|o| (method, o)))
            .map(move |(method, operation)| IndexEntry {
                method,
                path: path.clone(),
                operation_id: operation.operation_id.clone().unwrap_or_default(),
                tag: operation
                    .tags
                    .as_ref()
                    .and_then(|t| t.first().cloned())
                    .unwrap_or_default(),
                summary: operation.summary.clone().unwrap_or_default(),
                // `security: []` overrides the document's bearer requirement: no token.
                public: operation.security.as_ref().is_some_and(Vec::is_empty),
            })
        })
        .collect();
    operations.sort_by(|a, b| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
    let index = ApiIndex {
        name: "Kopiena",
        version: super::VERSION,
        openapi: "/openapi.json",
        documentation: "/docs/",
        operations,
    };
    let json = serde_json::to_vec(&index).unwrap_or_default();
    let digest = hex::encode(Sha256::digest(json));
    (index, format!("\"index.{}\"", &digest[..16]))
});

/// The API's entry point: where its documentation is and every operation it offers (from
/// the OpenAPI document). Public.
#[utoipa::path(
    security(()),
    tag = "operations",
    responses(
        (status = 200, body = ApiIndex, headers(("ETag" = String))),
    )
)]
#[get("")]
pub async fn api_index() -> HttpResponse {
    let (index, tag) = &*INDEX;
    common::with_etag(index, tag.clone())
}
