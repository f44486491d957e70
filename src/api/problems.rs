//! Reusable OpenAPI descriptions of the problem responses, one per status. Each struct only
//! carries the `Problem` schema into the document and is never built (its field is public, so
//! it is not dead code).

use actix_web::get;
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

/// One or more fields failed validation; `errors` lists every failing field by JSON pointer.
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
#[response(description = "Unauthorized: a valid bearer token is required. A token whose scope claim names nothing (a `municipality` that is unknown or not valid today, such as a dissolved one; a `provider_id` of no registered provider, a `mentor_id` of no registered mentor; a `region` that is no planning region) is refused too, on reads and writes, with `type` /problems/token-scope-unknown and `rule` AUTH-SCOPE-EXISTS; other refusals are `about:blank`", content_type = "application/problem+json",
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

/// One problem type as its page documents it: the DI rules' (`domain::PROBLEM_TYPES`) and the
/// HTTP layer's (`error::HTTP_PROBLEM_TYPES`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Documented {
    pub slug: &'static str,
    pub title: &'static str,
    pub title_lv: &'static str,
    pub status: u16,
    pub rule: Option<&'static str>,
}

/// Every problem type the API answers with (`about:blank` aside).
pub fn catalogue() -> impl Iterator<Item = Documented> {
    use crate::domain::PROBLEM_TYPES;
    use crate::error::{HTTP_PROBLEM_TYPES, violation_status};
    let rules = PROBLEM_TYPES.iter().map(|t| Documented {
        slug: t.slug,
        title: t.title,
        title_lv: t.title_lv,
        status: violation_status(t.kind).as_u16(),
        rule: t.rule,
    });
    let http = HTTP_PROBLEM_TYPES.iter().map(|t| Documented {
        slug: t.slug,
        title: t.title,
        title_lv: t.title_lv,
        status: t.status.as_u16(),
        rule: t.rule,
    });
    rules.chain(http)
}

/// The problem type of a `type` URI (`/problems/{slug}`).
pub fn documented(type_uri: &str) -> Option<Documented> {
    let slug = type_uri.strip_prefix("/problems/")?;
    catalogue().find(|t| t.slug == slug)
}

fn page(lang: crate::api::lang::Lang, title: &str, body: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((actix_web::http::header::CONTENT_LANGUAGE, lang.code()))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "public, max-age=3600"))
        .body(format!(
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\n<body>\n{body}\n</body></html>\n",
            lang.code()
        ))
}

fn entry_html(t: &Documented, lang: crate::api::lang::Lang) -> String {
    let title = lang.pick(t.title_lv, t.title);
    let rule = t.rule.map_or(String::new(), |r| {
        format!(
            " {} <code>{r}</code>.",
            lang.pick("DI noteikums:", "The DI rule it enforces:")
        )
    });
    format!(
        "<h1>{title}</h1>\n<p><code>type</code>: <code>/problems/{slug}</code>; <code>status</code>: {status}.{rule}</p>\n<p>{}</p>",
        lang.pick(
            "Kopiena atbild ar šo problēmu (RFC 9457, <code>application/problem+json</code>); <code>detail</code> paskaidro konkrēto gadījumu.",
            "Kopiena answers with this problem (RFC 9457, <code>application/problem+json</code>); its <code>detail</code> explains the occurrence."
        ),
        slug = t.slug,
        status = t.status,
    )
}

/// Every problem type, with a link to its page.
#[utoipa::path(
    security(()),
    tag = "operations",
    params(crate::api::lang::Lang),
    responses((status = 200, description = "The problem types", content_type = "text/html", body = String))
)]
#[get("/problems")]
pub async fn problem_index(lang: crate::api::lang::Lang) -> actix_web::HttpResponse {
    let items: String = catalogue()
        .map(|t| {
            format!(
                "<li><a href=\"/problems/{slug}\"><code>/problems/{slug}</code></a> ({status}): {title}</li>\n",
                slug = t.slug,
                status = t.status,
                title = lang.pick(t.title_lv, t.title),
            )
        })
        .collect();
    let title = lang.pick("Problēmu veidi", "Problem types");
    page(
        lang,
        title,
        &format!("<h1>{title}</h1>\n<ul>\n{items}</ul>"),
    )
}

/// The page a problem's `type` URI names (RFC 9457 §3.1.1): what it means, its status and rule.
#[utoipa::path(
    security(()),
    tag = "operations",
    params(("slug" = String, Path, description = "The problem type, as in `type`: `/problems/{slug}`"), crate::api::lang::Lang),
    responses((status = 200, description = "The problem type's page", content_type = "text/html", body = String))
)]
#[get("/problems/{slug}")]
pub async fn problem_page(
    slug: actix_web::web::Path<String>,
    lang: crate::api::lang::Lang,
) -> crate::error::ApiResult<actix_web::HttpResponse> {
    let entry = catalogue()
        .find(|t| t.slug == slug.as_str())
        .ok_or(crate::error::ApiError::NotFound)?;
    Ok(page(
        lang,
        lang.pick(entry.title_lv, entry.title),
        &entry_html(&entry, lang),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_type_is_listed_once_with_a_latvian_title() {
        let all: Vec<Documented> = catalogue().collect();
        let mut slugs: Vec<&str> = all.iter().map(|t| t.slug).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), all.len(), "a slug names one problem type");
        for t in &all {
            assert!(
                !t.title_lv.is_empty() && t.title_lv != t.title,
                "{}",
                t.slug
            );
            assert!(matches!(t.status, 400..=599), "{}", t.slug);
        }
        assert_eq!(
            documented("/problems/invalid-personal-code").map(|t| t.title_lv),
            Some("Personas kods nav derīgs")
        );
        assert_eq!(
            documented("/problems/validation").map(|t| t.status),
            Some(422)
        );
        assert_eq!(documented("about:blank"), None);
    }
}
