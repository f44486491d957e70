//! Services offered by providers: the public directory and its scoped writes.

use std::collections::BTreeSet;

use actix_web::{HttpRequest, HttpResponse, Responder, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

use super::body::Body;
use super::common::{
    self, Created, IdempotencyKey, Idempotent, IfMatch, Page, PageQuery, SyncQuery,
};
use super::paths::{ProviderPath, ServicePath};
use super::problems as p;
use super::providers::{check_municipality, nullable};
use crate::auth::{AuthUser, MaybeAuthUser};
use crate::db::Listed;
use crate::db::changes::{self, Change};
use crate::db::services::{self as q, ServiceChanges, ServiceEntry, ServiceSort};
use crate::db::{Db, DbConnection, ReadDb, placements, providers, reference};
use crate::domain::access::{self, ProviderRef};
use crate::domain::change::{Audience, ChangeAction, ChangeType};
use crate::domain::codes::*;
use crate::domain::history::runs;
use crate::domain::ids::*;
use crate::domain::interval::{Interval, peak};
use crate::domain::registry::PriceUnit;
use crate::domain::registry::{
    ProviderStatus, Sector, ServiceState, ServiceStatus, ServiceTypeRules, check_service,
};
use crate::domain::{DomainError, Reference};
use crate::error::{ApiError, ApiResult, unknown_reference};

/// A price in euro per unit.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// Decimal amount in EUR with at most two decimals.
    #[validate(custom(function = "validate_amount"))]
    #[schema(example = "14.94", pattern = r"^\d{1,7}(\.\d{1,2})?$")]
    pub amount: String,
    pub unit: PriceUnit,
}

fn validate_amount(amount: &str) -> Result<(), ValidationError> {
    crate::domain::money::cents(amount)
        .map(drop)
        .ok_or_else(|| ValidationError::new("amount"))
}

/// A service: one service type offered by a provider at an address.
#[derive(Debug, Serialize, ToSchema)]
pub struct Service {
    pub id: ServiceId,
    pub provider_id: ProviderId,
    /// Status of the provider: services of a provider that is not active are hidden from
    /// the public list.
    pub provider_status: ProviderStatus,
    /// Service type code from the catalogue.
    pub service_type: ServiceTypeCode,
    pub name: String,
    pub name_en: Option<String>,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub municipality: MunicipalityCode,
    pub address: String,
    pub target_groups: Vec<TargetGroupCode>,
    /// Places.
    pub capacity: i32,
    /// Places taken by placements active today.
    pub occupied: i32,
    /// Places held today for clients whose referral the provider accepted (REF-HOLD): taken
    /// until the client is placed or the hold expires.
    pub held: i32,
    /// `capacity - occupied - held`: the places free today.
    pub vacancies: i32,
    /// The service's own status.
    pub status: ServiceStatus,
    /// Whether the service runs today: its status is `active` and its provider is active
    /// (INV-P01). The `status=active` filter and the statistics count these.
    pub active: bool,
    pub price: Option<ServicePrice>,
    pub closed_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum Currency {
    #[serde(rename = "EUR")]
    Eur,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServicePrice {
    #[schema(example = "14.94")]
    pub amount: String,
    pub unit: PriceUnit,
    pub currency: Currency,
}

impl From<ServiceEntry> for Service {
    fn from(e: ServiceEntry) -> Self {
        let r = e.row;
        Self {
            id: r.id,
            provider_id: r.provider_id,
            provider_status: e.provider_status,
            service_type: r.service_type,
            name: r.name,
            name_en: r.name_en,
            description: r.description,
            description_en: r.description_en,
            municipality: r.municipality,
            address: r.address,
            target_groups: e.target_groups,
            capacity: r.capacity,
            occupied: e.occupied,
            held: e.held,
            vacancies: r.capacity - e.occupied - e.held,
            active: runs(r.status, e.provider_status),
            status: r.status,
            price: r
                .price_cents
                .zip(r.price_unit)
                .map(|(c, unit)| ServicePrice {
                    amount: crate::domain::money::eur(c),
                    unit,
                    currency: Currency::Eur,
                }),
            closed_on: r.closed_on,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateService {
    /// Service type code from the catalogue (`GET /api/v1/service-types`).
    #[validate(length(min = 1, max = 64))]
    #[schema(example = "group_home")]
    pub service_type: ServiceTypeCode,
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "Grupu dzīvoklis \"Saulstari\""
    )]
    pub name: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name_en: Option<String>,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub description_en: Option<String>,
    /// Municipality code; defaults to the provider's.
    #[validate(length(min = 1, max = 10))]
    #[schema(min_length = 1, max_length = 10)]
    pub municipality: Option<MunicipalityCode>,
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub address: String,
    /// Target-group codes; each must be served by the service type.
    #[validate(length(min = 1, max = 40))]
    #[schema(min_items = 1)]
    pub target_groups: Vec<TargetGroupCode>,
    /// Places, within the service type's limit.
    #[validate(range(min = 0, max = 100000))]
    #[schema(minimum = 0, maximum = 100000, example = 6)]
    pub capacity: i32,
    /// Defaults to `planned`. `active` needs an active provider.
    pub status: Option<ServiceStatus>,
    #[validate(nested)]
    pub price: Option<Price>,
    /// The day the service began, when it is recorded late: its status and capacity hold
    /// from then on (placements may be dated from that day). Defaults to today; not before
    /// the provider's registration nor in the future.
    pub opened_on: Option<NaiveDate>,
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateService {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(min = 1, max = 200))]
    pub name_en: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 4000))]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 4000))]
    pub description_en: Option<Option<String>>,
    #[validate(length(min = 1, max = 10))]
    #[schema(min_length = 1, max_length = 10)]
    pub municipality: Option<MunicipalityCode>,
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub address: Option<String>,
    #[validate(length(min = 1, max = 40))]
    #[schema(min_items = 1, max_items = 40)]
    pub target_groups: Option<Vec<TargetGroupCode>>,
    #[validate(range(min = 0, max = 100000))]
    #[schema(minimum = 0, maximum = 100000)]
    pub capacity: Option<i32>,
    /// `planned` or `active`; use the close operation to close.
    pub status: Option<ServiceStatus>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(nested)]
    pub price: Option<Option<Price>>,
}

fn catalogue_rules(conn: &mut DbConnection, code: &ServiceTypeCode) -> ApiResult<ServiceTypeRules> {
    let entry = reference::get_service_type(conn, code)
        .map_err(unknown_reference(Reference::ServiceType, code))?;
    Ok(ServiceTypeRules {
        code: entry.row.code,
        max_capacity: entry.row.max_capacity,
        target_groups: entry.target_groups.into_iter().collect(),
    })
}

/// Loads the provider and checks the caller may write it.
fn writable_provider(
    conn: &mut DbConnection,
    user: &AuthUser,
    provider_id: ProviderId,
) -> ApiResult<providers::ProviderRow> {
    let provider = providers::get(conn, provider_id)?;
    access::may_write_provider(
        &user.scope,
        ProviderRef {
            id: Some(provider.id),
            municipality: provider.municipality.as_str(),
        },
    )?;
    Ok(provider)
}

/// Adds a service to a provider.
#[utoipa::path(
    tag = "services",
    request_body = CreateService,
    params(ProviderPath, IdempotencyKey),
    responses(
        (status = 201, body = Service, headers(("Location" = String), ("ETag" = String))),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/providers/{id}/services")]
pub async fn create_service(
    db: web::Data<Db>,
    user: AuthUser,
    provider_id: web::Path<ProviderPath>,
    request: Idempotent<CreateService>,
) -> ApiResult<HttpResponse> {
    let Idempotent { key, body: input } = request;
    input.validate()?;
    let provider_id = provider_id.into_inner().id;
    common::create(db.get_ref(), key, user.sub.clone(), None, move |conn| {
        let provider = writable_provider(conn, &user, provider_id)?;
        let rules = catalogue_rules(conn, &input.service_type)?;
        let target_groups: BTreeSet<TargetGroupCode> =
            input.target_groups.iter().cloned().collect();
        let status = input.status.unwrap_or(ServiceStatus::Planned);
        check_service(
            &rules,
            &ServiceState {
                capacity: input.capacity,
                occupied: 0,
                target_groups: &target_groups,
                status,
                previous_status: None,
                provider_status: provider.status,
            },
        )?;
        let municipality = input.municipality.unwrap_or(provider.municipality);
        let now = Utc::now().naive_utc();
        let today = crate::domain::today();
        let opened_on = input.opened_on.unwrap_or(today);
        if opened_on > today || opened_on < provider.registered_on {
            return Err(ApiError::field(
                "/opened_on",
                "must lie between the provider's registration and today",
            ));
        }
        check_municipality(conn, &municipality, opened_on)?;
        check_municipality(conn, &municipality, today)?;
        let changes = ServiceChanges {
            service_type: input.service_type,
            name: input.name,
            name_en: input.name_en,
            description: input.description,
            description_en: input.description_en,
            municipality,
            address: input.address,
            capacity: input.capacity,
            status,
            price_cents: input
                .price
                .as_ref()
                .and_then(|p| crate::domain::money::cents(&p.amount)),
            price_unit: input.price.as_ref().map(|p| p.unit),
            closed_on: (status == ServiceStatus::Closed).then_some(crate::domain::today()),
            updated_at: now,
        };
        let row = q::insert(conn, provider.id, &changes, &target_groups, opened_on)?;
        let change = Change::new(
            ChangeType::Service,
            row.id.get(),
            ChangeAction::Created,
            Audience::directory(provider.id),
        );
        changes::record(conn, &change)?;
        let entry = q::get(conn, row.id)?;
        Ok(Created {
            record_id: row.id.get(),
            location: Some(format!("/api/v1/services/{}", row.id)),
            etag: Some(common::etag(row.id, row.version)),
            body: Service::from(entry),
        })
    })
    .await
}

/// Reads a service. Public.
#[utoipa::path(
    security(()),
    tag = "services",
    params(ServicePath),
    responses(
        (status = 200, body = Service, headers(("ETag" = String))),
    )
)]
#[get("/services/{id}")]
pub async fn get_service(db: web::Data<Db>, id: web::Path<ServicePath>) -> ApiResult<HttpResponse> {
    let id = id.into_inner().id;
    let entry = db.run(move |c| q::get(c, id)).await?;
    let tag = common::etag(entry.row.id, entry.row.version);
    Ok(common::with_etag(&Service::from(entry), tag))
}

/// Applies `edit` to a service the caller may write, re-checking every rule.
async fn change_service(
    db: &Db,
    user: AuthUser,
    id: ServiceId,
    if_match: IfMatch,
    edit: impl FnOnce(&mut ServiceChanges, &mut BTreeSet<TargetGroupCode>) -> ApiResult<()>
    + Send
    + 'static,
) -> ApiResult<HttpResponse> {
    let entry = db
        .write(move |conn| -> ApiResult<ServiceEntry> {
            let current = q::get(conn, id)?;
            let row = &current.row;
            if_match.check(&common::etag(row.id, row.version))?;
            let provider = writable_provider(conn, &user, row.provider_id)?;
            let mut changes = ServiceChanges::from(row);
            let mut target_groups: BTreeSet<TargetGroupCode> =
                current.target_groups.iter().cloned().collect();
            edit(&mut changes, &mut target_groups)?;
            let rules = catalogue_rules(conn, &changes.service_type)?;
            let status = changes.status;
            // The new capacity holds from today on: it must fit every day's placements and
            // the places accepted referrals hold (REF-HOLD).
            placements::lock_service(conn, id)?;
            let mut placed: Vec<Interval> = placements::spans(conn, None, Some(id))?
                .iter()
                .map(placements::PlacementSpan::interval)
                .collect();
            placed.extend(crate::db::referrals::holds(conn, id, None)?);
            let from_today = Interval {
                start: crate::domain::today(),
                end: None,
            };
            check_service(
                &rules,
                &ServiceState {
                    capacity: changes.capacity,
                    occupied: i32::try_from(peak(&placed, &from_today)).unwrap_or(i32::MAX),
                    target_groups: &target_groups,
                    status,
                    previous_status: Some(row.status),
                    provider_status: provider.status,
                },
            )?;
            if changes.municipality != row.municipality {
                check_municipality(conn, &changes.municipality, crate::domain::today())?;
            }
            changes.updated_at = Utc::now().naive_utc();
            q::update(conn, id, row.version, &changes, &target_groups)?
                .ok_or(ApiError::PreconditionFailed)?;
            let action = if status == ServiceStatus::Closed && row.status != status {
                ChangeAction::Ended
            } else {
                ChangeAction::Updated
            };
            let audience = Audience::directory(row.provider_id);
            changes::record(
                conn,
                &Change::new(ChangeType::Service, id.get(), action, audience),
            )?;
            Ok(q::get(conn, id)?)
        })
        .await?;
    let tag = common::etag(entry.row.id, entry.row.version);
    Ok(common::with_etag(&Service::from(entry), tag))
}

/// Updates a service (same writers as its provider). Capacity stays within the type's
/// limit and not below occupancy; `active` needs an active provider.
#[utoipa::path(
    tag = "services",
    request_body = UpdateService,
    params(ServicePath, IfMatch),
    responses(
        (status = 200, body = Service, headers(("ETag" = String))),
        (status = 409, response = p::Conflict),
    )
)]
#[patch("/services/{id}")]
pub async fn update_service(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ServicePath>,
    if_match: IfMatch,
    body: Body<UpdateService>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    input.validate()?;
    if input.status == Some(ServiceStatus::Closed) {
        return Err(ApiError::field(
            "/status",
            "use POST /api/v1/services/{id}/close to close a service",
        ));
    }
    change_service(
        db.get_ref(),
        user,
        id.into_inner().id,
        if_match,
        move |c, groups| {
            if let Some(v) = input.name {
                c.name = v;
            }
            if let Some(v) = input.name_en {
                c.name_en = v;
            }
            if let Some(v) = input.description {
                c.description = v;
            }
            if let Some(v) = input.description_en {
                c.description_en = v;
            }
            if let Some(v) = input.municipality {
                c.municipality = v;
            }
            if let Some(v) = input.address {
                c.address = v;
            }
            if let Some(v) = input.target_groups {
                *groups = v.into_iter().collect();
            }
            if let Some(v) = input.capacity {
                c.capacity = v;
            }
            if let Some(v) = input.status {
                c.status = v;
            }
            if let Some(price) = input.price {
                c.price_cents = price
                    .as_ref()
                    .and_then(|p| crate::domain::money::cents(&p.amount));
                c.price_unit = price.map(|p| p.unit);
            }
            Ok(())
        },
    )
    .await
}

/// Closes a service (final).
#[utoipa::path(
    tag = "services",
    params(ServicePath, IfMatch),
    responses(
        (status = 200, body = Service, headers(("ETag" = String))),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/services/{id}/close")]
pub async fn close_service(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ServicePath>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    change_service(db.get_ref(), user, id.into_inner().id, if_match, |c, _| {
        if c.status == ServiceStatus::Closed {
            return Err(DomainError::ServiceClosed.into());
        }
        c.status = ServiceStatus::Closed;
        c.closed_on = Some(crate::domain::today());
        Ok(())
    })
    .await
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListServicesQuery {
    /// Service type code.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub service_type: Option<ServiceTypeCode>,
    /// Municipality code.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub municipality: Option<MunicipalityCode>,
    /// Planning region code.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub region: Option<RegionCode>,
    /// Target-group code.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub target_group: Option<TargetGroupCode>,
    pub status: Option<ServiceStatus>,
    /// Sector of the provider.
    pub sector: Option<Sector>,
    /// Only services with (`true`) or without (`false`) free places.
    pub has_vacancies: Option<bool>,
    /// Words matched, diacritics and case ignored, against the beginnings of the words of
    /// the names and descriptions in Latvian and English (`gim maj` finds "Ģimenes māja").
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub q: Option<String>,
    /// `name`, `capacity`, `vacancies` or `created_at` (default), `-` prefix for descending.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    #[param(pattern = "^-?(name|capacity|vacancies|created_at)$")]
    pub sort: Option<String>,
}

async fn list(
    db: &Db,
    user: MaybeAuthUser,
    provider_id: Option<ProviderId>,
    query: ListServicesQuery,
    (page, sync): (PageQuery, SyncQuery),
    req: &HttpRequest,
) -> ApiResult<HttpResponse> {
    let streams = sync.streams(req, &page, query.sort.as_deref())?;
    let (limit, offset) = page.resolve()?;
    let (sort, descending) = common::parse_sort(
        query.sort.as_deref(),
        &[
            ("name", ServiceSort::Name),
            ("capacity", ServiceSort::Capacity),
            ("vacancies", ServiceSort::Vacancies),
            ("created_at", ServiceSort::CreatedAt),
        ],
        ServiceSort::CreatedAt,
    )?;
    let filter = q::ServiceFilter {
        provider_id,
        service_type: query.service_type,
        municipality: query.municipality,
        region: query.region,
        target_group: query.target_group,
        status: query.status,
        sector: query.sector,
        has_vacancies: query.has_vacancies,
        q: query.q.filter(|q| !q.trim().is_empty()),
        only_active_providers: user.0.is_none(),
        modified_after: sync.modified_after(),
    };
    if streams {
        return Ok(common::ndjson(db, move |conn, after| {
            let rows = q::after(conn, &filter, ServiceId(after), common::STREAM_BATCH)?;
            Ok(rows
                .into_iter()
                .map(|e| (e.row.id.get(), Service::from(e)))
                .collect())
        }));
    }
    let Listed { rows, total } = db
        .run(move |c| q::list(c, &filter, sort, descending, limit, offset))
        .await?;
    let page = Page {
        items: rows.into_iter().map(Service::from).collect(),
        total,
        limit,
        offset,
    };
    Ok(page.respond_to(req))
}

/// The public service directory. Filters combine with AND. Anonymous callers see only
/// services of active providers; authenticated callers see all.
#[utoipa::path(
    security(()),
    tag = "services",
    params(ListServicesQuery, PageQuery, SyncQuery),
    responses(
        (status = 200, content(
            (Page<Service> = "application/json"),
            (Service = "application/x-ndjson"),
        )),
        (status = 401, response = p::Unauthorized),
    )
)]
#[get("/services")]
pub async fn list_services(
    db: web::Data<ReadDb>,
    user: MaybeAuthUser,
    query: web::Query<ListServicesQuery>,
    page: web::Query<PageQuery>,
    sync: web::Query<SyncQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let paging = (page.into_inner(), sync.into_inner());
    list(db.get_ref(), user, None, query.into_inner(), paging, &req).await
}

/// The services of one provider, with the same filters as the directory.
#[utoipa::path(
    security(()),
    tag = "services",
    params(ProviderPath, ListServicesQuery, PageQuery, SyncQuery),
    responses(
        (status = 200, content(
            (Page<Service> = "application/json"),
            (Service = "application/x-ndjson"),
        )),
        (status = 401, response = p::Unauthorized),
    )
)]
#[get("/providers/{id}/services")]
pub async fn list_provider_services(
    db: web::Data<ReadDb>,
    user: MaybeAuthUser,
    id: web::Path<ProviderPath>,
    query: web::Query<ListServicesQuery>,
    page: web::Query<PageQuery>,
    sync: web::Query<SyncQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner().id;
    db.run(move |c| providers::get(c, id)).await?;
    let paging = (page.into_inner(), sync.into_inner());
    list(
        db.get_ref(),
        user,
        Some(id),
        query.into_inner(),
        paging,
        &req,
    )
    .await
}
