//! Structured logging with a request id per request.

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::config::{LogFormat, TrustedProxies};

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Installs the global subscriber. `RUST_LOG` overrides the default filter, except for
/// actix-web-prom, which logs only errors: its one warning ("Cannot build mixed cardinality
/// pattern") comes for every request refused before routing (an unknown query parameter, a
/// method a literal path does not have), whose metrics label falls back to the route pattern
/// as wanted, so a client could otherwise write a log line per request.
pub fn init<W>(format: LogFormat, default_filter: &str, writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let quiet_metrics = "actix_web_prom=error"
        .parse()
        .expect("a valid log directive");
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(default_filter))
        .add_directive(quiet_metrics);
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    // A second initialisation (tests) keeps the first subscriber.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Echoes the request id that `TracingLogger` assigned in the `X-Request-Id` header, so a
/// caller can quote it when reporting a problem.
pub async fn echo_request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = req.extensions().get::<RequestId>().copied();
    let method = method_label(req.method());
    let started = std::time::Instant::now();
    let mut response = next.call(req).await?;
    // One line per request (route pattern, never the query string or body).
    tracing::info!(
        method = %method,
        route = response.request().match_pattern().as_deref().unwrap_or("unmatched"),
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request completed"
    );
    if let Some(id) = request_id
        && let Ok(value) = HeaderValue::from_str(&id.to_string())
    {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    Ok(response)
}

/// A method as logged: a registered one by name, anything a client made up as `OTHER`.
pub fn method_label(method: &actix_web::http::Method) -> &'static str {
    crate::edge::KNOWN_METHODS
        .into_iter()
        .find(|known| *known == method.as_str())
        .unwrap_or("OTHER")
}

/// The root span of a request, without anything the client typed: the route pattern
/// (`/api/v1/clients/{id}`) stands for the path, and neither the query string nor the raw path
/// (which may hold a personal code) is recorded. `http.target` is the pattern too, for tools
/// that expect the field. Unmatched paths are `unmatched`, made-up methods `OTHER`.
pub struct RouteSpan;

impl RootSpanBuilder for RouteSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let method = method_label(request.method());
        let span = tracing::info_span!(
            "HTTP request",
            http.method = %method,
            http.route = tracing::field::Empty,
            http.target = tracing::field::Empty,
            http.flavor = ?request.version(),
            http.client_ip = tracing::field::Empty,
            http.status_code = tracing::field::Empty,
            otel.name = tracing::field::Empty,
            otel.kind = "server",
            otel.status_code = tracing::field::Empty,
            request_id = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        );
        // The fields that cost something (the route is matched again against every pattern)
        // are worked out only when the span is recorded: under `RUST_LOG=warn` it is not.
        if span.is_disabled() {
            return span;
        }
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_string());
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let peer = request.peer_addr().map(|a| a.ip());
        let forwarded_for = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        let peer = match (peer, request.app_data::<web::Data<TrustedProxies>>()) {
            (Some(peer), Some(proxies)) => proxies.client_ip(peer, forwarded_for).to_string(),
            (Some(peer), None) => peer.to_string(),
            (None, _) => String::new(),
        };
        span.record("http.route", route.as_str());
        span.record("http.target", route.as_str());
        span.record("http.client_ip", peer.as_str());
        span.record("otel.name", format!("{method} {route}").as_str());
        span.record("request_id", request_id.as_str());
        span
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        // Status and the error's Display/Debug: error details never quote a client's value
        // (see `error::withhold_values`).
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}
