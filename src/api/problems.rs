//! Reusable OpenAPI descriptions of the problem responses, one per status. Each struct only
//! carries the `Problem` schema into the document and is never built (its field is public, so
//! it is not dead code).

use utoipa::ToResponse;

use crate::error::Problem;

/// The query string, path or body could not be parsed.
#[derive(ToResponse)]
#[response(
    description = "Bad request: the query string, path or body could not be parsed",
    content_type = "application/problem+json"
)]
pub struct BadRequest(pub Problem);

/// The resource does not exist.
#[derive(ToResponse)]
#[response(description = "Not found", content_type = "application/problem+json")]
pub struct NotFound(pub Problem);

/// The body is larger than the configured limit.
#[derive(ToResponse)]
#[response(
    description = "Payload too large",
    content_type = "application/problem+json"
)]
pub struct PayloadTooLarge(pub Problem);

/// The body is not `application/json`.
#[derive(ToResponse)]
#[response(
    description = "Unsupported media type: send JSON",
    content_type = "application/problem+json"
)]
pub struct UnsupportedMediaType(pub Problem);

/// One or more fields failed validation; `errors` lists every failing field.
#[derive(ToResponse)]
#[response(
    description = "Validation failed or a DI rule was violated",
    content_type = "application/problem+json"
)]
pub struct Unprocessable(pub Problem);

/// An unexpected error; the cause is logged, never returned.
#[derive(ToResponse)]
#[response(
    description = "Internal error",
    content_type = "application/problem+json"
)]
pub struct Internal(pub Problem);

/// The database cannot serve the request now; retry later. The `type` says why:
/// `/problems/database-unreachable`, `/problems/database-timeout`,
/// `/problems/database-busy` or `/problems/database-storage-failing`.
#[derive(ToResponse)]
#[response(description = "Service unavailable: the database is unreachable, did not answer within the deadline, is busy (a lock or every connection in use), or cannot write to its disk; `type` is one of /problems/database-unreachable, /problems/database-timeout, /problems/database-busy, /problems/database-storage-failing", content_type = "application/problem+json",
    headers(("Retry-After" = u32, description = "Seconds to wait before retrying")))]
pub struct Unavailable(pub Problem);

/// The bearer token is missing, malformed, expired, signed wrongly, lacks its scope claim,
/// or its scope claim names nothing (AUTH-SCOPE-EXISTS).
#[derive(ToResponse)]
#[response(description = "Unauthorized: a valid bearer token is required. A token whose scope claim names nothing (a `municipality` that is unknown or not valid today, such as a dissolved one; a `provider_id` of no registered provider; a `region` that is no planning region) is refused too, on reads and writes, with `type` /problems/token-scope-unknown and `rule` AUTH-SCOPE-EXISTS; other refusals are `about:blank`", content_type = "application/problem+json",
    headers(("WWW-Authenticate" = String, description = "`Bearer`")))]
pub struct Unauthorized(pub Problem);

/// The caller's role or scope does not allow this operation.
#[derive(ToResponse)]
#[response(
    description = "Forbidden: the caller's role or scope does not allow this",
    content_type = "application/problem+json"
)]
pub struct Forbidden(pub Problem);

/// The request conflicts with the stored state (a DI rule or a uniqueness constraint).
#[derive(ToResponse)]
#[response(
    description = "Conflict with the current state or a DI rule",
    content_type = "application/problem+json"
)]
pub struct Conflict(pub Problem);

/// `If-Match` does not match the current ETag.
#[derive(ToResponse)]
#[response(
    description = "Precondition failed: the resource changed since it was read",
    content_type = "application/problem+json"
)]
pub struct PreconditionFailed(pub Problem);
