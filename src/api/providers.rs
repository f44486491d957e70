//! The provider register.

use actix_web::{HttpRequest, HttpResponse, Responder, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{Object, SchemaType, Type};
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

use super::body::Body;
use super::common::{
    self, Created, IdempotencyKey, Idempotent, IfMatch, Page, PageQuery, SyncQuery,
};
use super::paths::ProviderPath;
use super::problems as p;
use crate::auth::AuthUser;
use crate::db::Listed;
use crate::db::changes::{self, Change};
use crate::db::providers::{self as q, ProviderChanges, ProviderRow, ProviderSort};
use crate::db::{Db, DbConnection, ReadDb, reference};
use crate::domain::Reference;
use crate::domain::access::{self, ProviderRef};
use crate::domain::change::{Audience, ChangeAction, ChangeType};
use crate::domain::codes::*;
use crate::domain::ids::*;
use crate::domain::phone::{PHONE_PATTERN, is_phone};
use crate::domain::registry::{LegalStatus, ProviderStatus, Sector, change_provider_status};
use crate::domain::validity::ensure_municipality_valid;
use crate::error::{ApiError, ApiResult, unknown_reference};

#[derive(Debug, Serialize, ToSchema)]
pub struct Contacts {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

/// A social service provider in the LM register.
#[derive(Debug, Serialize, ToSchema)]
pub struct Provider {
    pub id: ProviderId,
    pub name: String,
    /// Number in the Ministry of Welfare's register of social service providers (unique).
    pub register_number: String,
    pub legal_status: LegalStatus,
    /// Derived from the legal status.
    pub sector: Sector,
    /// Municipality code.
    pub municipality: MunicipalityCode,
    pub address: String,
    pub contacts: Contacts,
    pub status: ProviderStatus,
    pub registered_on: NaiveDate,
    /// Date of the last status change.
    pub status_changed_on: Option<NaiveDate>,
    /// Date of exclusion from the register (final).
    pub excluded_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ProviderRow> for Provider {
    fn from(r: ProviderRow) -> Self {
        Self {
            id: r.id,
            name: r.name,
            register_number: r.register_number,
            legal_status: r.legal_status,
            sector: r.sector,
            municipality: r.municipality,
            address: r.address,
            contacts: Contacts {
                phone: r.phone,
                email: r.email,
                website: r.website,
            },
            status: r.status,
            registered_on: r.registered_on,
            status_changed_on: r.status_changed_on,
            excluded_on: r.excluded_on,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

/// A phone number matching [`PHONE_PATTERN`] (the same pattern [`phone_schema`] documents).
pub fn validate_phone(phone: &str) -> Result<(), ValidationError> {
    if is_phone(phone) {
        Ok(())
    } else {
        Err(ValidationError::new("phone"))
    }
}

/// The schema of an optional phone field: [`PHONE_PATTERN`], the pattern `validate_phone`
/// checks.
pub fn phone_schema() -> Object {
    Object::builder()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .pattern(Some(PHONE_PATTERN))
        .examples(["+371 63322000"])
        .build()
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProvider {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "Biedrība \"Rūpju bērns\"")]
    pub name: String,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, example = "LM-0123")]
    pub register_number: String,
    pub legal_status: LegalStatus,
    /// Municipality code; it must exist on `registered_on`.
    #[validate(length(min = 1, max = 10))]
    #[schema(example = "050")]
    pub municipality: MunicipalityCode,
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub address: String,
    #[validate(custom(function = "validate_phone"))]
    #[schema(schema_with = phone_schema)]
    pub phone: Option<String>,
    #[validate(email, length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    #[validate(url, length(max = 500))]
    #[schema(
        max_length = 500,
        pattern = r"^https?://[^\s/$.?#].[^\s]*$",
        example = "https://example.lv"
    )]
    pub website: Option<String>,
    /// Date of registration; defaults to today.
    pub registered_on: Option<NaiveDate>,
    /// Defaults to `active`; only ministry and admin may set another status.
    pub status: Option<ProviderStatus>,
}

/// A partial update: fields left out keep their value; `null` clears an optional field.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProvider {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub register_number: Option<String>,
    pub legal_status: Option<LegalStatus>,
    #[validate(length(min = 1, max = 10))]
    #[schema(min_length = 1, max_length = 10)]
    pub municipality: Option<MunicipalityCode>,
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub address: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(custom(function = "validate_phone"))]
    #[schema(schema_with = phone_schema)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(email, length(max = 254))]
    #[schema(format = Email)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(url, length(max = 500))]
    #[schema(max_length = 500, pattern = r"^https?://[^\s/$.?#].[^\s]*$")]
    pub website: Option<Option<String>>,
    /// Only ministry and admin change the status; `excluded` is final.
    pub status: Option<ProviderStatus>,
}

/// Distinguishes a missing field (`None`) from an explicit `null` (`Some(None)`).
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Checks that the municipality exists and is valid on `date`; its reference row.
pub fn check_municipality(
    conn: &mut DbConnection,
    code: &MunicipalityCode,
    date: NaiveDate,
) -> ApiResult<reference::MunicipalityRow> {
    let row = reference::get_municipality(conn, code)
        .map_err(unknown_reference(Reference::Municipality, code))?;
    ensure_municipality_valid(code, row.validity(), date)?;
    Ok(row)
}

/// Registers a provider.
#[utoipa::path(
    tag = "providers",
    request_body = CreateProvider,
    params(IdempotencyKey),
    responses(
        (status = 201, body = Provider, headers(("Location" = String), ("ETag" = String))),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/providers")]
pub async fn create_provider(
    db: web::Data<Db>,
    user: AuthUser,
    request: Idempotent<CreateProvider>,
) -> ApiResult<HttpResponse> {
    let Idempotent { key, body: input } = request;
    input.validate()?;
    access::may_create_provider(&user.scope, input.municipality.as_str())?;
    let status = input.status.unwrap_or(ProviderStatus::Active);
    if status != ProviderStatus::Active {
        access::may_change_provider_status(&user.scope)?;
    }
    let now = Utc::now().naive_utc();
    let registered_on = input.registered_on.unwrap_or_else(crate::domain::today);
    let changes = ProviderChanges {
        name: input.name,
        register_number: input.register_number,
        legal_status: input.legal_status,
        sector: input.legal_status.sector(),
        municipality: input.municipality,
        address: input.address,
        phone: input.phone,
        email: input.email,
        website: input.website,
        status,
        registered_on,
        status_changed_on: None,
        excluded_on: (status == ProviderStatus::Excluded).then_some(registered_on),
        updated_at: now,
    };
    common::create(db.get_ref(), key, user.sub.clone(), None, move |conn| {
        check_municipality(conn, &changes.municipality, registered_on)?;
        let row = q::insert(conn, &changes)?;
        let change = Change::new(
            ChangeType::Provider,
            row.id.get(),
            ChangeAction::Created,
            Audience::directory(row.id),
        );
        changes::record(conn, &change)?;
        Ok(Created {
            record_id: row.id.get(),
            location: Some(format!("/api/v1/providers/{}", row.id)),
            etag: Some(common::etag(row.id, row.version)),
            body: Provider::from(row),
        })
    })
    .await
}

/// Reads a provider. Public.
#[utoipa::path(
    security(()),
    tag = "providers",
    params(ProviderPath),
    responses(
        (status = 200, body = Provider, headers(("ETag" = String))),
    )
)]
#[get("/providers/{id}")]
pub async fn get_provider(
    db: web::Data<Db>,
    id: web::Path<ProviderPath>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner().id;
    let row = db.run(move |c| q::get(c, id)).await?;
    let tag = common::etag(row.id, row.version);
    Ok(common::with_etag(&Provider::from(row), tag))
}

/// Updates a provider. Ministry and admin: any provider and its status; a municipality:
/// providers in its municipality; provider staff: their own record, not its status.
#[utoipa::path(
    tag = "providers",
    request_body = UpdateProvider,
    params(ProviderPath, IfMatch),
    responses(
        (status = 200, body = Provider, headers(("ETag" = String))),
        (status = 409, response = p::Conflict),
    )
)]
#[patch("/providers/{id}")]
pub async fn update_provider(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ProviderPath>,
    if_match: IfMatch,
    body: Body<UpdateProvider>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner().id;
    let input = body.into_inner();
    input.validate()?;
    let row = db
        .write(move |conn| -> ApiResult<ProviderRow> {
            let current = q::get(conn, id)?;
            if_match.check(&common::etag(current.id, current.version))?;
            let target = |municipality| ProviderRef {
                id: Some(current.id),
                municipality,
            };
            access::may_write_provider(&user.scope, target(current.municipality.as_str()))?;
            let today = crate::domain::today();
            let mut changes = ProviderChanges::from(&current);
            if let Some(municipality) = input.municipality {
                access::may_write_provider(&user.scope, target(municipality.as_str()))?;
                check_municipality(conn, &municipality, today)?;
                changes.municipality = municipality;
            }
            if let Some(status) = input.status {
                let from = current.status;
                if status != from {
                    access::may_change_provider_status(&user.scope)?;
                    change_provider_status(from, status)?;
                    changes.status = status;
                    changes.status_changed_on = Some(today);
                    if status == ProviderStatus::Excluded {
                        changes.excluded_on = Some(today);
                    }
                }
            }
            if let Some(legal_status) = input.legal_status {
                changes.legal_status = legal_status;
                changes.sector = legal_status.sector();
            }
            if let Some(v) = input.name {
                changes.name = v;
            }
            if let Some(v) = input.register_number {
                changes.register_number = v;
            }
            if let Some(v) = input.address {
                changes.address = v;
            }
            if let Some(v) = input.phone {
                changes.phone = v;
            }
            if let Some(v) = input.email {
                changes.email = v;
            }
            if let Some(v) = input.website {
                changes.website = v;
            }
            changes.updated_at = Utc::now().naive_utc();
            let row = q::update(conn, id, current.version, &changes)?
                .ok_or(ApiError::PreconditionFailed)?;
            // Exclusion from the register is the provider's end.
            let action = if row.status == ProviderStatus::Excluded && current.status != row.status {
                ChangeAction::Ended
            } else {
                ChangeAction::Updated
            };
            let change = Change::new(
                ChangeType::Provider,
                id.get(),
                action,
                Audience::directory(id),
            );
            changes::record(conn, &change)?;
            Ok(row)
        })
        .await?;
    let tag = common::etag(row.id, row.version);
    Ok(common::with_etag(&Provider::from(row), tag))
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListProvidersQuery {
    /// Municipality code.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub municipality: Option<MunicipalityCode>,
    /// Planning region code.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub region: Option<RegionCode>,
    pub status: Option<ProviderStatus>,
    pub sector: Option<Sector>,
    pub legal_status: Option<LegalStatus>,
    /// Text contained in the name or the register number.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub q: Option<String>,
    /// `name`, `registered_on` or `created_at` (default), `-` prefix for descending.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    #[param(pattern = "^-?(name|registered_on|created_at)$")]
    pub sort: Option<String>,
}

/// Lists providers. Public. Filters combine with AND.
#[utoipa::path(
    security(()),
    tag = "providers",
    params(ListProvidersQuery, PageQuery, SyncQuery),
    responses(
        (status = 200, content(
            (Page<Provider> = "application/json"),
            (Provider = "application/x-ndjson"),
        )),
    )
)]
#[get("/providers")]
pub async fn list_providers(
    db: web::Data<ReadDb>,
    query: web::Query<ListProvidersQuery>,
    page: web::Query<PageQuery>,
    sync: web::Query<SyncQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let streams = sync.streams(&req, &page, query.sort.as_deref())?;
    let (limit, offset) = page.resolve()?;
    let query = query.into_inner();
    let (sort, descending) = common::parse_sort(
        query.sort.as_deref(),
        &[
            ("name", ProviderSort::Name),
            ("registered_on", ProviderSort::RegisteredOn),
            ("created_at", ProviderSort::CreatedAt),
        ],
        ProviderSort::CreatedAt,
    )?;
    let filter = q::ProviderFilter {
        municipality: query.municipality,
        region: query.region,
        status: query.status,
        sector: query.sector,
        legal_status: query.legal_status,
        q: query.q.filter(|q| !q.trim().is_empty()),
        modified_after: sync.modified_after(),
    };
    if streams {
        return Ok(common::ndjson(&db, move |conn, after| {
            let rows = q::after(conn, &filter, ProviderId(after), common::STREAM_BATCH)?;
            Ok(rows
                .into_iter()
                .map(|r| (r.id.get(), Provider::from(r)))
                .collect())
        }));
    }
    let Listed { rows, total } = db
        .run(move |c| q::list(c, &filter, sort, descending, limit, offset))
        .await?;
    let page = Page {
        items: rows.into_iter().map(Provider::from).collect(),
        total,
        limit,
        offset,
    };
    Ok(page.respond_to(&req))
}
