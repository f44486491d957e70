//! RFC 9457 problem details and the one place where errors become HTTP responses.

use std::collections::BTreeMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::lang::Lang;
use crate::domain::audit::AuditOutcome;
use crate::domain::{DomainError, ViolationKind};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem's `detail` in the API's two languages, English (the default) and Latvian: both
/// are written where the occurrence is described, so no caller gets English under
/// `Accept-Language: lv`. Like the English one, the Latvian text carries codes, dates and
/// numbers, never personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub en: String,
    pub lv: String,
}

impl Detail {
    pub fn new(en: impl Into<String>, lv: impl Into<String>) -> Self {
        Self {
            en: en.into(),
            lv: lv.into(),
        }
    }

    fn into_lang(self, lang: Lang) -> String {
        match lang {
            Lang::En => self.en,
            Lang::Lv => self.lv,
        }
    }
}

impl std::fmt::Display for Detail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

/// The Latvian version of a problem response, kept in the response's extensions by
/// `ApiError::error_response` (which cannot see the request) for `api::lang::localise_problems`
/// to send instead of the English body when the caller asked for Latvian.
#[derive(Debug)]
pub struct LatvianProblem(pub Problem);

/// An RFC 9457 problem details object.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/validation",
    "title": "Request validation failed",
    "status": 422,
    "detail": "2 fields are invalid",
    "errors": {"/name": ["length"], "/contacts/email": ["email"]}
}))]
pub struct Problem {
    /// A URI reference identifying the problem type; `about:blank` for plain HTTP statuses.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short summary, fixed per problem type, in English or (`Accept-Language: lv`) Latvian.
    pub title: String,
    pub status: u16,
    /// Explanation of this occurrence, in the language of the `title`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable id of the DI rule that was violated, when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// For validation problems: every failing field, by JSON pointer into the body (RFC 6901;
    /// `""` is the whole body), with the codes of the checks it failed (a JSON Schema keyword
    /// such as `required`, `type`, `enum`, `maxLength`, or a rule's own code such as `email`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
}

/// A problem type of the HTTP layer (the DI rules' are `domain::PROBLEM_TYPES`): the slug of
/// its `type` (`/problems/{slug}`), its title in English and in Latvian, its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpProblemType {
    pub slug: &'static str,
    pub title: &'static str,
    pub title_lv: &'static str,
    pub status: StatusCode,
    pub rule: Option<&'static str>,
}

macro_rules! http_problem_types {
    ($($name:ident = $slug:literal, $status:ident, $title:literal, $title_lv:literal, $rule:expr;)+) => {
        $(
            const $name: HttpProblemType = HttpProblemType {
                slug: $slug,
                title: $title,
                title_lv: $title_lv,
                status: StatusCode::$status,
                rule: $rule,
            };
        )+
        /// Every problem type of the HTTP layer.
        pub const HTTP_PROBLEM_TYPES: &[HttpProblemType] = &[$($name),+];
    };
}

http_problem_types! {
    VALIDATION = "validation", UNPROCESSABLE_ENTITY, "Request validation failed", "Pieprasījums neatbilst prasībām", None;
    TOKEN_SCOPE_UNKNOWN = "token-scope-unknown", UNAUTHORIZED, "The token's scope names nothing that exists", "Pilnvaras darbības joma nenorāda neko esošu", Some("AUTH-SCOPE-EXISTS");
    PRECONDITION_FAILED = "precondition-failed", PRECONDITION_FAILED, "The resource has changed", "Resurss ir mainījies", None;
    IDEMPOTENCY_KEY_REUSED = "idempotency-key-reused", UNPROCESSABLE_ENTITY, "Idempotency key reused with a different request", "Idempotences atslēga atkārtoti izmantota citam pieprasījumam", None;
    NUL_CHARACTER = "nul-character", BAD_REQUEST, "Text holds a NUL character", "Tekstā ir NUL rakstzīme", None;
    DATABASE_UNREACHABLE = "database-unreachable", SERVICE_UNAVAILABLE, "The database cannot be reached", "Datubāze nav sasniedzama", None;
    DATABASE_TIMEOUT = "database-timeout", SERVICE_UNAVAILABLE, "The database did not answer in time", "Datubāze neatbildēja laikā", None;
    DATABASE_BUSY = "database-busy", SERVICE_UNAVAILABLE, "The database is busy", "Datubāze ir aizņemta", None;
    DATABASE_STORAGE_FAILING = "database-storage-failing", SERVICE_UNAVAILABLE, "The database cannot write to its disk", "Datubāze nevar rakstīt savā diskā", None;
}

/// The status of a broken DI rule: a conflict with stored state, or a request invalid in itself.
pub fn violation_status(kind: ViolationKind) -> StatusCode {
    match kind {
        ViolationKind::Conflict => StatusCode::CONFLICT,
        ViolationKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// The Latvian title of a plain HTTP status (an `about:blank` problem's reason phrase).
pub fn reason_lv(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "Nederīgs pieprasījums",
        401 => "Nav autentificēts",
        403 => "Aizliegts",
        404 => "Nav atrasts",
        405 => "Metode nav atļauta",
        406 => "Nepieņemams",
        408 => "Pieprasījuma noildze",
        409 => "Konflikts",
        412 => "Priekšnosacījums neizpildās",
        413 => "Pieprasījums ir par lielu",
        415 => "Neatbalstīts datu veids",
        422 => "Pieprasījumu nevar apstrādāt",
        429 => "Pārāk daudz pieprasījumu",
        500 => "Iekšēja kļūda",
        503 => "Pakalpojums nav pieejams",
        _ => return None,
    })
}

/// Every error a handler can return. The mapping to HTTP lives in `ResponseError` below.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {0}")]
    BadRequest(Detail),
    #[error("validation failed")]
    Validation(BTreeMap<String, Vec<String>>),
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("unauthorized: {0}")]
    Unauthorized(Detail),
    /// A valid token whose scope claim names nothing (`access::UnknownScope`).
    #[error("unauthorized: {0}")]
    UnknownScope(#[from] crate::domain::access::UnknownScope),
    #[error("forbidden: {0}")]
    Forbidden(crate::domain::access::Forbidden),
    #[error("not found")]
    NotFound,
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("idempotency key reused with a different request")]
    IdempotencyKeyReused,
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<String> },
    #[error("conflict: {0}")]
    Conflict(Detail),
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    #[error("request body timeout")]
    RequestTimeout { limit_ms: u64 },
    /// An error response made by a component outside the handlers (CORS, the documentation
    /// UI), given the problem shape: its status and a fixed detail.
    #[error("{status}: {detail}")]
    Http { status: StatusCode, detail: Detail },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("not acceptable")]
    NotAcceptable(Detail),
    /// Text holding a NUL character, which PostgreSQL cannot store (SQLSTATE 22021).
    #[error("text holds a NUL character")]
    NulCharacter,
    #[error("service unavailable: {0:?}")]
    Unavailable(Unavailability),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Why the database could not serve a request. Each is a `503` with its own stable problem
/// type and a `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailability {
    /// No connection could be made (refused, failing, or lost).
    Unreachable,
    /// The call did not finish within the deadline (`KOPIENA_DB_TIMEOUT_MS`).
    Timeout,
    /// Every pooled connection is in use, another session holds a lock the request needs
    /// (PostgreSQL `lock_timeout`, SQLite `SQLITE_BUSY`), or the server cancelled the
    /// statement (`statement_timeout`).
    Busy,
    /// The database's disk is full or failing (SQLite `SQLITE_FULL`/`SQLITE_IOERR`,
    /// PostgreSQL `53100 disk_full`).
    Storage,
}

impl Unavailability {
    fn problem_type(self) -> &'static HttpProblemType {
        match self {
            Unavailability::Unreachable => &DATABASE_UNREACHABLE,
            Unavailability::Timeout => &DATABASE_TIMEOUT,
            Unavailability::Busy => &DATABASE_BUSY,
            Unavailability::Storage => &DATABASE_STORAGE_FAILING,
        }
    }

    fn detail(self) -> Detail {
        match self {
            Unavailability::Unreachable => Detail::new(
                "The service cannot connect to its database; retry later.",
                "Pakalpojums nevar izveidot savienojumu ar savu datubāzi; mēģiniet vēlreiz vēlāk.",
            ),
            Unavailability::Timeout => Detail::new(
                "The database did not answer within the service's deadline; the request may or may not have taken effect, retry later (with the same Idempotency-Key for a creation).",
                "Datubāze neatbildēja pakalpojuma noteiktajā laikā; pieprasījums var būt izpildīts vai nebūt izpildīts, mēģiniet vēlreiz vēlāk (izveidei ar to pašu Idempotency-Key).",
            ),
            Unavailability::Busy => Detail::new(
                "The database is busy (a lock held by another session, or every connection in use); retry later.",
                "Datubāze ir aizņemta (bloķējumu tur cita sesija, vai visi savienojumi ir aizņemti); mēģiniet vēlreiz vēlāk.",
            ),
            Unavailability::Storage => Detail::new(
                "The database's storage is full or failing; nothing was written, retry later.",
                "Datubāzes krātuve ir pilna vai bojāta; nekas netika ierakstīts, mēģiniet vēlreiz vēlāk.",
            ),
        }
    }

    /// Seconds a client should wait before retrying.
    fn retry_after(self) -> &'static str {
        match self {
            Unavailability::Busy => "1",
            Unavailability::Timeout | Unavailability::Unreachable => "5",
            Unavailability::Storage => "30",
        }
    }
}

/// Classifies a database error message that means "temporarily unavailable". Neither
/// diesel backend exposes the SQLSTATE or the SQLite result code, so the (English, fixed)
/// server messages are matched: SQLite `SQLITE_BUSY`/`SQLITE_LOCKED`, `SQLITE_FULL`,
/// `SQLITE_IOERR`; PostgreSQL `57014 query_canceled`, `55P03 lock_not_available`,
/// `53100 disk_full`, and a connection the server or the network ended (`57P01`, libpq).
pub fn unavailability_of(message: &str) -> Option<Unavailability> {
    const BUSY: [&str; 5] = [
        "database is locked",                           // SQLITE_BUSY
        "database table is locked",                     // SQLITE_LOCKED
        "canceling statement due to statement timeout", // 57014
        "canceling statement due to lock timeout",      // 55P03
        "could not obtain lock",                        // 55P03 (NOWAIT)
    ];
    const STORAGE: [&str; 4] = [
        "database or disk is full", // SQLITE_FULL
        "disk i/o error",           // SQLITE_IOERR
        "no space left on device",  // 53100 disk_full (and ENOSPC anywhere)
        "could not extend file",    // 53100
    ];
    const LOST: [&str; 4] = [
        "terminating connection due to", // 57P01 admin_shutdown, 57P05 idle timeouts
        "server closed the connection unexpectedly", // libpq
        "no connection to the server",   // libpq
        "could not receive data from server", // libpq
    ];
    let message = message.to_ascii_lowercase();
    if LOST.iter().any(|m| message.contains(m)) {
        Some(Unavailability::Unreachable)
    } else if BUSY.iter().any(|m| message.contains(m))
        || message.starts_with("canceling statement due to")
    {
        Some(Unavailability::Busy)
    } else if STORAGE.iter().any(|m| message.contains(m)) {
        Some(Unavailability::Storage)
    } else {
        None
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut out = BTreeMap::new();
        flatten_validation_errors("", &errors, &mut out);
        ApiError::Validation(out)
    }
}

fn flatten_validation_errors(
    at: &str,
    errors: &validator::ValidationErrors,
    out: &mut BTreeMap<String, Vec<String>>,
) {
    use validator::ValidationErrorsKind as Kind;
    for (field, kind) in errors.errors() {
        let path = pointer(at, field);
        match kind {
            Kind::Field(list) => {
                out.entry(path)
                    .or_default()
                    .extend(list.iter().map(|e| e.code.to_string()));
            }
            Kind::Struct(inner) => flatten_validation_errors(&path, inner, out),
            Kind::List(items) => {
                for (i, inner) in items {
                    flatten_validation_errors(&pointer(&path, i), inner, out);
                }
            }
        }
    }
}

/// The JSON pointer (RFC 6901) of `token` (a member name or an index) inside the value at
/// `parent`: how a validation problem names a field (`/contacts/email`, `/team/0/role`; the
/// whole body is `""`).
pub fn pointer(parent: &str, token: impl std::fmt::Display) -> String {
    let token = token.to_string().replace('~', "~0").replace('/', "~1");
    format!("{parent}/{token}")
}

impl ApiError {
    /// A validation problem naming one field of the body by its JSON pointer (`/opened_on`).
    pub fn field(at: &str, message: &str) -> Self {
        ApiError::Validation(BTreeMap::from([(
            at.to_string(),
            vec![message.to_string()],
        )]))
    }
}

/// Maps a missing referenced record to `422 /problems/unknown-reference`; other errors as usual.
pub fn unknown_reference(
    what: crate::domain::Reference,
    code: impl std::fmt::Display,
) -> impl FnOnce(diesel::result::Error) -> ApiError {
    move |e| match e {
        diesel::result::Error::NotFound => DomainError::UnknownReference {
            what,
            code: code.to_string(),
        }
        .into(),
        other => other.into(),
    }
}

/// Maps a unique violation to the DI rule it enforces; other errors as usual.
pub fn unique_violation_as(rule: DomainError) -> impl FnOnce(diesel::result::Error) -> ApiError {
    move |e| match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => rule.into(),
        other => other.into(),
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as Kind, Error};
        match e {
            Error::NotFound => ApiError::NotFound,
            Error::DatabaseError(Kind::UniqueViolation, info) => {
                ApiError::Conflict(info.constraint_name().map_or_else(
                    || {
                        Detail::new(
                            "a record with these values already exists",
                            "ieraksts ar šīm vērtībām jau pastāv",
                        )
                    },
                    |c| {
                        Detail::new(
                            format!("a record with these values already exists ({c})"),
                            format!("ieraksts ar šīm vērtībām jau pastāv ({c})"),
                        )
                    },
                ))
            }
            Error::DatabaseError(Kind::ClosedConnection | Kind::UnableToSendCommand, _) => {
                ApiError::Unavailable(Unavailability::Unreachable)
            }
            // PostgreSQL refuses a NUL character in any text value, wherever it came from (a
            // query parameter, a path segment, a JSON string): SQLSTATE 22021, which diesel
            // reports only by its message. The request is at fault, not the server.
            Error::DatabaseError(_, ref info)
                if info
                    .message()
                    .starts_with("invalid byte sequence for encoding")
                    && info.message().ends_with("0x00") =>
            {
                ApiError::NulCharacter
            }
            Error::DatabaseError(_, ref info) => match unavailability_of(info.message()) {
                Some(why) => ApiError::Unavailable(why),
                None => ApiError::Internal(e.into()),
            },
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<crate::domain::access::Forbidden> for ApiError {
    fn from(e: crate::domain::access::Forbidden) -> Self {
        ApiError::Forbidden(e)
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(_: diesel::r2d2::PoolError) -> Self {
        ApiError::Unavailable(Unavailability::Unreachable)
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

/// What a problem takes from its type's entry in `HTTP_PROBLEM_TYPES` or
/// `domain::PROBLEM_TYPES`.
struct OwnType {
    slug: &'static str,
    title: &'static str,
    title_lv: &'static str,
    rule: Option<&'static str>,
}

impl ApiError {
    /// The problem type of this error, when it has one of its own; `None` for `about:blank`.
    fn own_type(&self) -> Option<OwnType> {
        let http = |t: &HttpProblemType| OwnType {
            slug: t.slug,
            title: t.title,
            title_lv: t.title_lv,
            rule: t.rule,
        };
        match self {
            ApiError::Validation(_) => Some(http(&VALIDATION)),
            ApiError::Domain(e) => {
                let t = e.problem_type();
                Some(OwnType {
                    slug: t.slug,
                    title: t.title,
                    title_lv: t.title_lv,
                    rule: t.rule,
                })
            }
            ApiError::UnknownScope(_) => Some(http(&TOKEN_SCOPE_UNKNOWN)),
            ApiError::PreconditionFailed => Some(http(&PRECONDITION_FAILED)),
            ApiError::IdempotencyKeyReused => Some(http(&IDEMPOTENCY_KEY_REUSED)),
            ApiError::NulCharacter => Some(http(&NUL_CHARACTER)),
            ApiError::Unavailable(why) => Some(http(why.problem_type())),
            _ => None,
        }
    }

    /// What happened this time, in English and in Latvian.
    fn detail(&self) -> Detail {
        match self {
            ApiError::BadRequest(detail)
            | ApiError::Conflict(detail)
            | ApiError::Http { detail, .. }
            | ApiError::NotAcceptable(detail) => detail.clone(),
            ApiError::Validation(errors) => {
                let n = errors.len();
                Detail::new(
                    match n {
                        1 => "1 field is invalid".to_string(),
                        n => format!("{n} fields are invalid"),
                    },
                    format!(
                        "{n} {}",
                        latvian_plural(n, "lauks nav derīgs", "lauki nav derīgi")
                    ),
                )
            }
            ApiError::Domain(e) => Detail::new(e.to_string(), e.detail_lv()),
            ApiError::Unauthorized(detail) => Detail::new(
                format!("Authentication failed: {}.", detail.en),
                format!("Autentifikācija neizdevās: {}.", detail.lv),
            ),
            ApiError::UnknownScope(claim) => Detail::new(
                format!("Authentication failed: {claim}."),
                format!("Autentifikācija neizdevās: {}.", claim.detail_lv()),
            ),
            ApiError::Forbidden(why) => Detail::new(
                format!("Not allowed: {}.", why.en),
                format!("Nav atļauts: {}.", why.lv),
            ),
            ApiError::NotFound => Detail::new(
                "The requested resource does not exist.",
                "Pieprasītais resurss nepastāv.",
            ),
            ApiError::PreconditionFailed => Detail::new(
                "If-Match does not match the current ETag: read the resource again and reapply the change.",
                "If-Match neatbilst pašreizējam ETag: nolasiet resursu vēlreiz un atkārtojiet izmaiņas.",
            ),
            ApiError::IdempotencyKeyReused => Detail::new(
                "This Idempotency-Key was used before with a different request body or path; use a new key for a new request.",
                "Šī Idempotency-Key jau izmantota ar citu pieprasījuma saturu vai ceļu; jaunam pieprasījumam izmantojiet jaunu atslēgu.",
            ),
            ApiError::MethodNotAllowed { allow } => Detail::new(
                format!("This resource supports: {}.", allow.join(", ")),
                format!("Šis resurss atbalsta: {}.", allow.join(", ")),
            ),
            ApiError::NulCharacter => Detail::new(
                "A value in the request (query, path or body) holds a NUL character (U+0000), which no text may contain.",
                "Kāda pieprasījuma vērtība (vaicājumā, ceļā vai saturā) satur NUL rakstzīmi (U+0000), kas nedrīkst būt nevienā tekstā.",
            ),
            ApiError::PayloadTooLarge { limit } => Detail::new(
                format!("The request body is larger than the limit of {limit} bytes."),
                format!("Pieprasījuma saturs pārsniedz {limit} baitu robežu."),
            ),
            ApiError::RequestTimeout { limit_ms } => Detail::new(
                format!("The request body was not received within {limit_ms} ms."),
                format!("Pieprasījuma saturs netika saņemts {limit_ms} ms laikā."),
            ),
            ApiError::UnsupportedMediaType => Detail::new(
                "Request bodies must be JSON, sent with Content-Type: application/json.",
                "Pieprasījuma saturam jābūt JSON, sūtītam ar Content-Type: application/json.",
            ),
            ApiError::Unavailable(why) => why.detail(),
            ApiError::Internal(_) => Detail::new(
                "An unexpected error occurred; it has been logged.",
                "Radās neparedzēta kļūda; tā ir reģistrēta žurnālā.",
            ),
        }
    }

    /// This error as a problem in `lang`. Plain HTTP statuses use `about:blank`, whose title
    /// is the reason phrase (RFC 9457 §4.2.1).
    fn problem(&self, lang: Lang) -> Problem {
        let status = self.status_code();
        let reason = status.canonical_reason().unwrap_or("Error");
        let (type_, title, rule) = match self.own_type() {
            Some(t) => (
                format!("/problems/{}", t.slug),
                lang.pick(t.title_lv, t.title),
                t.rule,
            ),
            None => (
                "about:blank".to_string(),
                lang.pick(reason_lv(status.as_u16()).unwrap_or(reason), reason),
                None,
            ),
        };
        Problem {
            type_,
            title: title.into(),
            status: status.as_u16(),
            detail: Some(self.detail().into_lang(lang)),
            rule: rule.map(str::to_string),
            errors: match self {
                ApiError::Validation(errors) => Some(errors.clone()),
                _ => None,
            },
        }
    }
}

/// Latvian nouns agree with the number: singular after a number ending in 1 (but not 11:
/// "21 lauks", "11 lauki").
fn latvian_plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n % 10 == 1 && n % 100 != 11 {
        one
    } else {
        many
    }
}

impl ApiError {
    /// What a refusal was, for the audit: a 403, a 404 (out of reach or absent: the caller
    /// cannot tell which, the log can), or a refused duplicate registration. Other failures
    /// (invalid input, a broken rule, an outage) are not refused accesses.
    pub fn refusal(&self) -> Option<AuditOutcome> {
        match self {
            ApiError::Forbidden(_) => Some(AuditOutcome::Forbidden),
            ApiError::NotFound => Some(AuditOutcome::NotFound),
            ApiError::Domain(DomainError::ClientAlreadyRegistered) => Some(AuditOutcome::Duplicate),
            _ => None,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) => VALIDATION.status,
            ApiError::Domain(e) => violation_status(e.kind()),
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::UnknownScope(_) => TOKEN_SCOPE_UNKNOWN.status,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::PreconditionFailed => PRECONDITION_FAILED.status,
            ApiError::IdempotencyKeyReused => IDEMPOTENCY_KEY_REUSED.status,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RequestTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            ApiError::Http { status, .. } => *status,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            ApiError::NulCharacter => NUL_CHARACTER.status,
            ApiError::Unavailable(why) => why.problem_type().status,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "internal error")
            }
            ApiError::Unavailable(why) => {
                tracing::warn!(reason = why.problem_type().slug, "service unavailable")
            }
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        if let ApiError::MethodNotAllowed { allow } = self {
            response.insert_header((header::ALLOW, allow.join(", ")));
        }
        if let ApiError::Unauthorized(_) | ApiError::UnknownScope(_) = self {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let ApiError::Unavailable(why) = self {
            response.insert_header((header::RETRY_AFTER, why.retry_after()));
        }
        if let ApiError::RequestTimeout { .. } | ApiError::PayloadTooLarge { .. } = self {
            // The rest of the body was not read: the connection cannot carry another request.
            response.force_close();
        }
        response
            .extensions_mut()
            .insert(LatvianProblem(self.problem(Lang::Lv)));
        response.json(self.problem(Lang::En))
    }
}

/// Maps actix's JSON extractor errors (bad syntax, wrong types, size, content type).
pub fn json_error(err: actix_web::error::JsonPayloadError, limit: usize) -> ApiError {
    use actix_web::error::JsonPayloadError as E;
    match err {
        E::Overflow { .. } | E::OverflowKnownLength { .. } => ApiError::PayloadTooLarge { limit },
        E::ContentType => ApiError::UnsupportedMediaType,
        E::Deserialize(e) if e.is_data() => body_error(String::new(), &e),
        // The parser's message names the API's own fields in English: kept, in a Latvian
        // sentence under `lv`.
        E::Deserialize(e) => {
            let why = withhold_values(&e.to_string());
            ApiError::BadRequest(Detail::new(
                format!("The body is not valid JSON: {why}"),
                format!("Saturs nav derīgs JSON (parsētāja ziņojums): {why}"),
            ))
        }
        E::Payload(actix_web::error::PayloadError::Overflow) => ApiError::PayloadTooLarge { limit },
        other => {
            let why = withhold_values(&other.to_string());
            ApiError::BadRequest(Detail::new(
                format!("The body could not be read: {why}"),
                format!("Saturu nevarēja nolasīt (ziņojums): {why}"),
            ))
        }
    }
}

/// A parser's message without the value it quotes: the value a client sent may be personal
/// data, and error details reach the log. serde quotes the offending value (`unknown variant
/// `x``, `invalid type: string "x"`, `unknown field `x``, actix's `can not parse "x" to a
/// i64`) before what was expected, which names only the API's own fields and values and is
/// kept. Everything between the first and the last quote before that is withheld, so a value
/// that itself contains quotes or `, expected` cannot slip through. Missing and duplicate
/// fields name the API's own fields and are kept whole.
pub fn withhold_values(message: &str) -> String {
    if message.starts_with("missing field `") || message.starts_with("duplicate field `") {
        return message.to_string();
    }
    let (head, tail) = message
        .rsplit_once(", expected")
        .map_or((message, ""), |(head, _)| (head, &message[head.len()..]));
    let is_quote = |c: char| c == '`' || c == '"';
    match (head.find(is_quote), head.rfind(is_quote)) {
        (Some(first), Some(last)) => format!(
            "{}(value withheld){}{}",
            &head[..first],
            &head[last + 1..],
            tail
        ),
        _ => message.to_string(),
    }
}

/// A body that is JSON but not the expected shape, at `at` (a JSON pointer): 422 naming the
/// problem without echoing the offending value (it may be personal data, and error details
/// reach the log).
pub fn body_error(at: String, e: &serde_json::Error) -> ApiError {
    ApiError::Validation(BTreeMap::from([(
        at,
        vec![withhold_values(&e.to_string())],
    )]))
}

#[cfg(test)]
mod tests;
