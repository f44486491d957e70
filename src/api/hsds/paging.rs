//! HSDS paging: the page envelope with `page` and `per_page`, or every entity streamed.

use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::common::{self, ListFormat};
use crate::db::{Db, DbConnection, Listed, QueryResult};
use crate::error::{ApiError, ApiResult, Detail};

/// The HSDS page envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsPage<T> {
    pub total_items: i64,
    pub total_pages: i64,
    pub page_number: i64,
    /// Entities on this page.
    pub size: i64,
    pub first_page: bool,
    pub last_page: bool,
    pub empty: bool,
    pub contents: Vec<T>,
}

impl<T> HsdsPage<T> {
    fn of(contents: Vec<T>, total: i64, paging: &Paging) -> Self {
        let total_pages = if total == 0 {
            0
        } else {
            (total - 1) / paging.per_page + 1
        };
        Self {
            total_items: total,
            total_pages,
            page_number: paging.page,
            size: i64::try_from(contents.len()).unwrap_or(i64::MAX),
            first_page: paging.page == 1,
            last_page: paging.page >= total_pages,
            empty: contents.is_empty(),
            contents,
        }
    }
}

/// HSDS paging, or a stream of every entity.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PagingQuery {
    /// The page, from 1 (default 1).
    #[param(minimum = 1, default = 1)]
    pub page: Option<i64>,
    /// Entities per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub per_page: Option<i64>,
    /// `ndjson`: every matching entity, one JSON object per line, in the order they were
    /// registered, streamed without the page envelope (also chosen by `Accept:
    /// application/x-ndjson`); `page` and `per_page` do not apply and are refused.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    #[param(inline)]
    pub format: Option<ListFormat>,
}

/// How an HSDS list answers: a page in the HSDS envelope, or every entity streamed.
pub(super) enum Answer {
    Page(Paging),
    Stream,
}

pub(super) struct Paging {
    page: i64,
    per_page: i64,
}

impl Paging {
    fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

impl PagingQuery {
    pub(super) fn answer(&self, req: &HttpRequest) -> ApiResult<Answer> {
        if ListFormat::of(self.format, req) == ListFormat::Json {
            return self.resolve().map(Answer::Page);
        }
        if self.page.is_some() || self.per_page.is_some() {
            return Err(ApiError::BadRequest(Detail::new(
                "format=ndjson streams every entity: leave out page and per_page",
                "format=ndjson straumē visas vienības: neizmantojiet page un per_page",
            )));
        }
        Ok(Answer::Stream)
    }

    fn resolve(&self) -> ApiResult<Paging> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(20);
        if page < 1 {
            return Err(ApiError::BadRequest(Detail::new(
                "page starts at 1",
                "page sākas ar 1",
            )));
        }
        if !(1..=crate::api::MAX_PAGE_SIZE).contains(&per_page) {
            let max = crate::api::MAX_PAGE_SIZE;
            return Err(ApiError::BadRequest(Detail::new(
                format!("per_page must be between 1 and {max}"),
                format!("per_page jābūt no 1 līdz {max}"),
            )));
        }
        Ok(Paging { page, per_page })
    }
}

/// A list of registry records as `answer` asks: every record streamed in id order
/// (`after` reads the batch after an id), or one page in the HSDS envelope (`page` reads
/// `limit` records from `offset`, oldest first); `view` shows a record with its id.
pub(super) async fn listing<R, T>(
    db: &Db,
    answer: Answer,
    after: impl Fn(&mut DbConnection, i64) -> QueryResult<Vec<R>> + Clone + Send + 'static,
    page: impl FnOnce(&mut DbConnection, i64, i64) -> QueryResult<Listed<R>> + Send + 'static,
    view: impl Fn(R) -> (i64, T) + Clone + Send + 'static,
) -> ApiResult<HttpResponse>
where
    R: Send + 'static,
    T: Serialize + Send + 'static,
{
    let paging = match answer {
        Answer::Stream => {
            return Ok(common::ndjson(db, move |conn, id| {
                Ok(after(conn, id)?.into_iter().map(&view).collect())
            }));
        }
        Answer::Page(paging) => paging,
    };
    let (limit, offset) = (paging.per_page, paging.offset());
    let listed = db.run(move |conn| page(conn, limit, offset)).await?;
    let contents = listed.rows.into_iter().map(|r| view(r).1).collect();
    Ok(HttpResponse::Ok().json(HsdsPage::of(contents, listed.total, &paging)))
}

/// A list held whole (the taxonomies, their terms) as `answer` asks: one page, or all of it.
pub(super) fn page_or_stream<T: Serialize>(all: Vec<T>, answer: Answer) -> ApiResult<HttpResponse> {
    let paging = match answer {
        Answer::Stream => return common::listed(all, true),
        Answer::Page(paging) => paging,
    };
    let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
    let skip = usize::try_from(paging.offset()).unwrap_or(usize::MAX);
    let take = usize::try_from(paging.per_page).unwrap_or(0);
    let contents = all.into_iter().skip(skip).take(take).collect();
    Ok(HttpResponse::Ok().json(HsdsPage::of(contents, total, &paging)))
}
