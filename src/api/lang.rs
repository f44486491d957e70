//! Label language negotiation: `Accept-Language: lv|en`, default `en`, echoed in
//! `Content-Language`.

use std::future::{Ready, ready};

use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse, Responder, dev::Payload, web};
use serde::Serialize;
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, Required, Type};

use super::common::{Listing, NDJSON, Released, SyncQuery};
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Lv,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Lv => "lv",
        }
    }

    /// Picks the Latvian or English text.
    pub fn pick<'a>(self, lv: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Lv => lv,
        }
    }

    /// Chooses the supported language with the highest quality value in an
    /// `Accept-Language` header; ties keep the header's order; nothing supported → `en`.
    pub fn negotiate(header: &str) -> Lang {
        let mut best: Option<(Lang, f32)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let lang = match primary {
                "lv" => Lang::Lv,
                "en" => Lang::En,
                _ => continue,
            };
            if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
                best = Some((lang, quality));
            }
        }
        best.map_or(Lang::En, |(lang, _)| lang)
    }
}

impl FromRequest for Lang {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let lang = req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map_or(Lang::En, Lang::negotiate);
        ready(Ok(lang))
    }
}

impl IntoParams for Lang {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            ParameterBuilder::new()
                .name("Accept-Language")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "Language of labels: `lv` or `en` (default). The chosen language is returned in `Content-Language`.",
                ))
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .build(),
        ]
    }
}

/// A JSON body whose labels are in `lang`; sets `Content-Language`.
pub struct Localized<T> {
    pub lang: Lang,
    pub body: T,
}

/// How a reference list is asked for: in which language (`Lang`), and which records in which
/// format (`SyncQuery<Released>`).
pub struct ListLang {
    pub lang: Lang,
    pub listing: Listing,
}

impl FromRequest for ListLang {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let lang = Lang::from_request(req, payload).into_inner();
        let sync = web::Query::<SyncQuery<Released>>::from_request(req, payload).into_inner();
        ready(lang.and_then(|lang| {
            Ok(ListLang {
                lang,
                listing: sync?.listing(req),
            })
        }))
    }
}

impl IntoParams for ListLang {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut parameters = Lang::into_params(&parameter_in);
        parameters.extend(SyncQuery::<Released>::into_params(parameter_in));
        parameters
    }
}

impl<T> Localized<super::List<T>> {
    /// The whole list of `rows` as `asked`: each shown with `view` in its language, as
    /// JSON or ndjson; none when the list has not changed after its `modified_after`.
    pub fn list<R>(asked: ListLang, rows: Vec<R>, view: impl Fn(R, Lang) -> T) -> LocalizedList<T> {
        let ListLang { lang, listing } = asked;
        let unchanged = listing
            .slice
            .modified_after
            .is_some_and(|t| t >= Released::at());
        let items = if unchanged {
            Vec::new()
        } else {
            rows.into_iter().map(|r| view(r, lang)).collect()
        };
        LocalizedList {
            lang,
            items,
            ndjson: listing.ndjson,
        }
    }
}

/// A whole reference list in one language: a `List` as JSON, or one item a line as ndjson
/// (a reference list is a few dozen rows, read whole). Sets `Content-Language`.
pub struct LocalizedList<T> {
    lang: Lang,
    items: Vec<T>,
    ndjson: bool,
}

impl<T: Serialize> Responder for LocalizedList<T> {
    type Body = actix_web::body::BoxBody;

    fn respond_to(self, req: &HttpRequest) -> HttpResponse {
        if !self.ndjson {
            let list = Localized {
                lang: self.lang,
                body: super::List::from(self.items),
            };
            return list.respond_to(req);
        }
        let mut lines = Vec::new();
        for item in &self.items {
            if let Err(e) = serde_json::to_writer(&mut lines, item) {
                return HttpResponse::from_error(ApiError::Internal(e.into()));
            }
            lines.push(b'\n');
        }
        localized(self.lang).content_type(NDJSON).body(lines)
    }
}

impl<T: Serialize> Responder for Localized<T> {
    type Body = actix_web::body::BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        localized(self.lang).json(self.body)
    }
}

/// A 200 response in `lang`: `Content-Language`, varying by `Accept-Language`.
fn localized(lang: Lang) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response
        .insert_header((
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(lang.code()),
        ))
        .insert_header((header::VARY, HeaderValue::from_static("Accept-Language")));
    response
}

/// Problems in the caller's language: under `Accept-Language: lv` a problem's `title` and
/// `detail` are Latvian (the title of its type, or of its HTTP status for `about:blank`; the
/// detail written next to the English one where the occurrence is described); every problem
/// says its language in `Content-Language`. `ApiError::error_response` cannot see the request,
/// so it leaves the Latvian problem in the response's extensions (`error::LatvianProblem`) and
/// this middleware sends it instead of the English body; nothing is reparsed.
pub async fn localise_problems(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let lang = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::En, Lang::negotiate);
    let mut response = next.call(req).await?.map_into_boxed_body();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(crate::error::PROBLEM_JSON));
    if !is_problem {
        return Ok(response);
    }
    let latvian = match lang {
        Lang::Lv => response
            .response_mut()
            .extensions_mut()
            .remove::<crate::error::LatvianProblem>(),
        Lang::En => None,
    };
    // Every problem is made by `ApiError::error_response`, so a Latvian one is always there;
    // were it not (or did it not serialise), the English problem is sent, said to be English.
    let Some(body) = latvian.and_then(|problem| serde_json::to_vec(&problem.0).ok()) else {
        response
            .headers_mut()
            .insert(header::CONTENT_LANGUAGE, HeaderValue::from_static("en"));
        return Ok(response);
    };
    let mut response = response.map_body(|head, _| {
        head.headers.remove(header::CONTENT_LENGTH);
        actix_web::body::BoxBody::new(body)
    });
    response
        .headers_mut()
        .insert(header::CONTENT_LANGUAGE, HeaderValue::from_static("lv"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn latvian_is_chosen_when_preferred() {
        assert_eq!(Lang::negotiate("lv"), Lang::Lv);
        assert_eq!(Lang::negotiate("lv-LV,en;q=0.8"), Lang::Lv);
        assert_eq!(Lang::negotiate("en;q=0.5, lv;q=0.9"), Lang::Lv);
    }

    #[test]
    fn english_is_the_default() {
        assert_eq!(Lang::negotiate(""), Lang::En);
        assert_eq!(Lang::negotiate("de, fr;q=0.5"), Lang::En);
        assert_eq!(Lang::negotiate("en-GB, lv;q=0.9"), Lang::En);
        assert_eq!(Lang::negotiate("lv;q=0"), Lang::En);
        assert_eq!(Lang::negotiate("*"), Lang::En);
    }
}
