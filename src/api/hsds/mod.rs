//! `/api/v1/hsds`: the public directory in the shape of Open Referral's Human Services Data
//! Specification 3.1, read-only, for the directories and referral tools that speak it. A
//! provider is an HSDS organization, a service a service at one physical location (its
//! address), and the service-type catalogue and the target groups are two taxonomies whose
//! terms the services carry as attributes. HSDS identifiers are UUIDs: a record's is derived
//! from its kind and id (a term's from its code), so it is stable and read back without a
//! table.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::common::STREAM_BATCH;
mod paging;

use super::providers::Provider;
use super::services::Service;
use crate::db::providers::{self, ProviderFilter, ProviderSort};
use crate::db::services::{self, ServiceFilter, ServiceSort};
use crate::db::{Db, DbConnection, reference};
use crate::domain::codes::{ServiceTypeCode, TargetGroupCode};
use crate::domain::ids::{ProviderId, ServiceId};
use crate::domain::registry::{ProviderStatus, ServiceStatus};
use crate::error::{ApiError, ApiResult};
pub use paging::{HsdsPage, PagingQuery};
use paging::{listing, page_or_stream};

/// The HSDS version this view follows.
pub const HSDS_VERSION: &str = "3.1";

/// The kinds of record whose HSDS id is derived from a Kopiena id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Organization = 1,
    Service = 2,
    ServiceAtLocation = 3,
    Location = 4,
}

/// The high half of every derived id: "kopien" and the kind.
const ID_PREFIX: u64 = 0x6b6f_7069_656e_0000;

fn hsds_id(kind: Kind, id: i64) -> Uuid {
    Uuid::from_u64_pair(ID_PREFIX | kind as u64, id.unsigned_abs())
}

/// The Kopiena id behind an HSDS id of `kind`; anything else is `None`.
fn kopiena_id(kind: Kind, text: &str) -> Option<i64> {
    let (high, low) = Uuid::parse_str(text.trim()).ok()?.as_u64_pair();
    (high == ID_PREFIX | kind as u64)
        .then(|| i64::try_from(low).ok())
        .flatten()
}

/// The two taxonomies the directory's services are classified by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Taxonomy {
    ServiceTypes,
    TargetGroups,
}

impl Taxonomy {
    const ALL: [Taxonomy; 2] = [Taxonomy::ServiceTypes, Taxonomy::TargetGroups];

    fn key(self) -> &'static str {
        match self {
            Taxonomy::ServiceTypes => "service_types",
            Taxonomy::TargetGroups => "target_groups",
        }
    }

    fn id(self) -> Uuid {
        hashed_id(&format!("taxonomy:{}", self.key()))
    }

    fn term_id(self, code: &str) -> Uuid {
        hashed_id(&format!("term:{}:{code}", self.key()))
    }

    fn view(self) -> HsdsTaxonomy {
        let (name, description) = match self {
            Taxonomy::ServiceTypes => (
                "Kopiena service types",
                "The catalogue of social service types in Latvia's deinstitutionalisation (group homes, day centres, youth homes, …), with their Latvian names.",
            ),
            Taxonomy::TargetGroups => (
                "Kopiena target groups",
                "The groups of people a service serves (children with functional impairments, adults with mental disorders, …).",
            ),
        };
        HsdsTaxonomy {
            id: self.id(),
            name: name.into(),
            description: description.into(),
            version: Some("1".into()),
        }
    }
}

/// A stable id for a record without a number of its own (a taxonomy, a term, an attribute).
fn hashed_id(key: &str) -> Uuid {
    let digest = Sha256::digest(format!("kopiena:hsds:{key}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsApiInfo {
    /// The HSDS version of this API.
    #[schema(example = "3.1")]
    pub version: &'static str,
    /// Where the HSDS profile this API follows is described (the base specification).
    pub profile: &'static str,
    /// The OpenAPI document of this API.
    pub openapi_url: &'static str,
}

/// An HSDS organization: a provider in the register.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsOrganization {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    pub legal_status: String,
    /// The organization's services (`GET /hsds/organizations/{id}` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub services: Option<Vec<HsdsService>>,
}

/// An HSDS service.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsService {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternate_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `active`, `inactive` (planned, or its provider not active), `defunct` (closed).
    pub status: &'static str,
    pub last_modified: DateTime<Utc>,
    /// The service's place (`GET /hsds/services/{id}` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_at_locations: Option<Vec<HsdsServiceAtLocation>>,
    /// Its service type and target groups, as taxonomy terms (`GET /hsds/services/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<HsdsAttribute>>,
    /// Its provider (`GET /hsds/services/{id}` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub organization: Option<Box<HsdsOrganization>>,
}

/// A service delivered at a location.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsServiceAtLocation {
    pub id: Uuid,
    pub service_id: Uuid,
    pub location_id: Uuid,
    pub location: HsdsLocation,
}

/// A physical location: the service's address.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsLocation {
    pub id: Uuid,
    /// Always `physical`.
    pub location_type: &'static str,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<Uuid>,
}

/// A classification of a service by a taxonomy term.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsAttribute {
    pub id: Uuid,
    pub link_id: Uuid,
    pub link_type: &'static str,
    pub link_entity: &'static str,
    pub taxonomy_term_id: Uuid,
    pub taxonomy_term: HsdsTaxonomyTerm,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsTaxonomy {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// A term of one of the two taxonomies: its `code` is Kopiena's.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HsdsTaxonomyTerm {
    pub id: Uuid,
    pub code: String,
    /// The English name.
    pub name: String,
    /// The English and the Latvian name.
    pub description: String,
    pub taxonomy_id: Uuid,
    pub taxonomy: String,
    pub language: &'static str,
}

/// Filters of the HSDS lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HsdsQuery {
    /// Words that must each start a word of the name or description.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub search: Option<String>,
    /// Only records changed after this instant (RFC 3339).
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub modified_after: Option<DateTime<Utc>>,
}

/// Filters of the HSDS service list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HsdsServiceQuery {
    /// Only services with this taxonomy term (a service type or a target group).
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub taxonomy_term_id: Option<String>,
    /// Only services of this organization.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub organization_id: Option<String>,
}

/// The taxonomy terms the directory uses, read from the catalogues.
fn terms(conn: &mut DbConnection) -> ApiResult<Vec<(Taxonomy, HsdsTaxonomyTerm)>> {
    let term = |taxonomy: Taxonomy, code: &str, en: &str, lv: &str| {
        let view = taxonomy.view();
        (
            taxonomy,
            HsdsTaxonomyTerm {
                id: taxonomy.term_id(code),
                code: code.to_string(),
                name: en.to_string(),
                description: format!("{en} (Latvian: {lv})"),
                taxonomy_id: view.id,
                taxonomy: view.name,
                language: "en",
            },
        )
    };
    let types = reference::list_service_types(conn, &Default::default())?;
    let groups = reference::list_target_groups(conn, None)?;
    Ok(types
        .iter()
        .map(|t| {
            term(
                Taxonomy::ServiceTypes,
                t.row.code.as_str(),
                &t.row.label_en,
                &t.row.label_lv,
            )
        })
        .chain(groups.iter().map(|g| {
            term(
                Taxonomy::TargetGroups,
                g.code.as_str(),
                &g.label_en,
                &g.label_lv,
            )
        }))
        .collect())
}

fn organization(p: Provider) -> HsdsOrganization {
    HsdsOrganization {
        id: hsds_id(Kind::Organization, p.id.get()),
        description: format!(
            "A provider of social services in Latvia's register of social service providers (register number {}).",
            p.register_number
        ),
        name: p.name,
        email: p.contacts.email,
        // HSDS wants an absolute URI; a bare host name is given one.
        website: p.contacts.website.map(|w| {
            if w.contains("://") {
                w
            } else {
                format!("https://{w}")
            }
        }),
        legal_status: p.legal_status.as_str().to_string(),
        services: None,
    }
}

fn service(s: Service) -> HsdsService {
    let status = match s.status {
        ServiceStatus::Closed => "defunct",
        _ if s.active => "active",
        _ => "inactive",
    };
    HsdsService {
        id: hsds_id(Kind::Service, s.id.get()),
        organization_id: hsds_id(Kind::Organization, s.provider_id.get()),
        name: s.name,
        alternate_name: s.name_en,
        description: s.description,
        status,
        last_modified: s.updated_at,
        service_at_locations: None,
        attributes: None,
        organization: None,
    }
}

/// Where a service is delivered: one physical location, its address.
fn service_at_location(s: &Service) -> HsdsServiceAtLocation {
    let location_id = hsds_id(Kind::Location, s.id.get());
    HsdsServiceAtLocation {
        id: hsds_id(Kind::ServiceAtLocation, s.id.get()),
        service_id: hsds_id(Kind::Service, s.id.get()),
        location_id,
        location: HsdsLocation {
            id: location_id,
            location_type: "physical",
            name: s.address.clone(),
            organization_id: Some(hsds_id(Kind::Organization, s.provider_id.get())),
        },
    }
}

/// The full service: its location, its terms and its provider.
fn full_service(
    s: Service,
    provider: Provider,
    terms: &[(Taxonomy, HsdsTaxonomyTerm)],
) -> HsdsService {
    let id = hsds_id(Kind::Service, s.id.get());
    let location = service_at_location(&s);
    let codes: Vec<(Taxonomy, String)> =
        std::iter::once((Taxonomy::ServiceTypes, s.service_type.as_str().to_string()))
            .chain(
                s.target_groups
                    .iter()
                    .map(|g| (Taxonomy::TargetGroups, g.as_str().to_string())),
            )
            .collect();
    let attributes = codes
        .iter()
        .filter_map(|(taxonomy, code)| {
            terms
                .iter()
                .find(|(t, term)| t == taxonomy && term.code == *code)
        })
        .map(|(_, term)| HsdsAttribute {
            id: hashed_id(&format!("attribute:{}:{}", s.id, term.id)),
            link_id: id,
            link_type: "service",
            link_entity: "service",
            taxonomy_term_id: term.id,
            taxonomy_term: term.clone(),
        })
        .collect();
    HsdsService {
        service_at_locations: Some(vec![location]),
        attributes: Some(attributes),
        organization: Some(Box::new(organization(provider))),
        ..service(s)
    }
}

/// What this API is and which HSDS it follows.
#[utoipa::path(
    security(()),
    tag = "hsds",
    responses((status = 200, body = HsdsApiInfo))
)]
#[get("/hsds")]
pub async fn hsds_root() -> web::Json<HsdsApiInfo> {
    web::Json(HsdsApiInfo {
        version: HSDS_VERSION,
        profile: "https://docs.openreferral.org/en/latest/hsds/",
        openapi_url: "/openapi.json",
    })
}

/// The directory's services (of active providers), in HSDS: one-to-one fields.
#[utoipa::path(
    security(()),
    tag = "hsds",
    params(HsdsQuery, HsdsServiceQuery, PagingQuery),
    responses((status = 200, content(
        (HsdsPage<HsdsService> = "application/json"),
        (HsdsService = "application/x-ndjson"),
    )))
)]
#[get("/hsds/services")]
pub async fn hsds_services(
    db: web::Data<Db>,
    query: web::Query<HsdsQuery>,
    service_query: web::Query<HsdsServiceQuery>,
    paging: web::Query<PagingQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let answer = paging.answer(&req)?;
    let HsdsServiceQuery {
        taxonomy_term_id,
        organization_id,
    } = service_query.into_inner();
    let mut filter = ServiceFilter {
        q: query.search.clone().filter(|q| !q.trim().is_empty()),
        modified_after: query.modified_after.map(|t| t.naive_utc()),
        only_active_providers: true,
        ..Default::default()
    };
    if let Some(text) = organization_id {
        // An id that names no organization matches nothing.
        filter.provider_id = Some(ProviderId(
            kopiena_id(Kind::Organization, &text).unwrap_or(-1),
        ));
    }
    let filter = db
        .run(move |conn| -> ApiResult<ServiceFilter> {
            let Some(text) = taxonomy_term_id else {
                return Ok(filter);
            };
            let asked = Uuid::parse_str(text.trim()).ok();
            let term = terms(conn)?
                .into_iter()
                .find(|(_, term)| Some(term.id) == asked);
            Ok(match term {
                Some((Taxonomy::ServiceTypes, term)) => ServiceFilter {
                    service_type: Some(ServiceTypeCode::new(term.code)),
                    ..filter
                },
                Some((Taxonomy::TargetGroups, term)) => ServiceFilter {
                    target_group: Some(TargetGroupCode::new(term.code)),
                    ..filter
                },
                // A term that names no taxonomy term matches nothing, as an unknown
                // organization does.
                None => ServiceFilter {
                    provider_id: Some(ProviderId(-1)),
                    ..filter
                },
            })
        })
        .await?;
    let streamed = filter.clone();
    listing(
        &db,
        answer,
        move |conn, after| services::after(conn, &streamed, ServiceId(after), STREAM_BATCH),
        move |conn, limit, offset| {
            services::list(conn, &filter, ServiceSort::CreatedAt, false, limit, offset)
        },
        |e| (e.row.id.get(), service(Service::from(e))),
    )
    .await
}

/// One service in HSDS, fully nested: its location, its taxonomy terms and its organization.
#[utoipa::path(
    security(()),
    tag = "hsds",
    params(("id" = String, Path, description = "The service's HSDS id (a UUID)")),
    responses((status = 200, body = HsdsService))
)]
#[get("/hsds/services/{id}")]
pub async fn hsds_service(
    db: web::Data<Db>,
    id: web::Path<String>,
) -> ApiResult<web::Json<HsdsService>> {
    let id = kopiena_id(Kind::Service, &id).ok_or(ApiError::NotFound)?;
    let (entry, provider, terms) = db
        .run(move |conn| -> ApiResult<_> {
            let entry = services::get(conn, ServiceId(id))?;
            let provider = providers::get(conn, entry.row.provider_id)?;
            Ok((entry, provider, terms(conn)?))
        })
        .await?;
    let provider = Provider::from(provider);
    // The public directory shows no service of a provider that is not active.
    if provider.status != ProviderStatus::Active {
        return Err(ApiError::NotFound);
    }
    Ok(web::Json(full_service(
        Service::from(entry),
        provider,
        &terms,
    )))
}

/// The providers of the register, as HSDS organizations.
#[utoipa::path(
    security(()),
    tag = "hsds",
    params(HsdsQuery, PagingQuery),
    responses((status = 200, content(
        (HsdsPage<HsdsOrganization> = "application/json"),
        (HsdsOrganization = "application/x-ndjson"),
    )))
)]
#[get("/hsds/organizations")]
pub async fn hsds_organizations(
    db: web::Data<Db>,
    query: web::Query<HsdsQuery>,
    paging: web::Query<PagingQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let filter = ProviderFilter {
        q: query.search.clone().filter(|q| !q.trim().is_empty()),
        modified_after: query.modified_after.map(|t| t.naive_utc()),
        ..Default::default()
    };
    let streamed = filter.clone();
    listing(
        &db,
        paging.answer(&req)?,
        move |conn, after| providers::after(conn, &streamed, ProviderId(after), STREAM_BATCH),
        move |conn, limit, offset| {
            providers::list(conn, &filter, ProviderSort::CreatedAt, false, limit, offset)
        },
        |row| (row.id.get(), organization(Provider::from(row))),
    )
    .await
}

/// One organization in HSDS, with its services (of the public directory).
#[utoipa::path(
    security(()),
    tag = "hsds",
    params(("id" = String, Path, description = "The organization's HSDS id (a UUID)")),
    responses((status = 200, body = HsdsOrganization))
)]
#[get("/hsds/organizations/{id}")]
pub async fn hsds_organization(
    db: web::Data<Db>,
    id: web::Path<String>,
) -> ApiResult<web::Json<HsdsOrganization>> {
    let id = ProviderId(kopiena_id(Kind::Organization, &id).ok_or(ApiError::NotFound)?);
    let (provider, listed) = db
        .run(move |conn| -> ApiResult<_> {
            let provider = providers::get(conn, id)?;
            let filter = ServiceFilter {
                provider_id: Some(id),
                only_active_providers: true,
                ..Default::default()
            };
            let sort = ServiceSort::CreatedAt;
            let listed = services::list(conn, &filter, sort, false, i64::MAX, 0)?;
            Ok((provider, listed))
        })
        .await?;
    let services = listed
        .rows
        .into_iter()
        .map(|e| service(Service::from(e)))
        .collect();
    Ok(web::Json(HsdsOrganization {
        services: Some(services),
        ..organization(Provider::from(provider))
    }))
}

/// Where the directory's services are delivered: one location per service, its address.
#[utoipa::path(
    security(()),
    tag = "hsds",
    params(HsdsQuery, PagingQuery),
    responses((status = 200, content(
        (HsdsPage<HsdsServiceAtLocation> = "application/json"),
        (HsdsServiceAtLocation = "application/x-ndjson"),
    )))
)]
#[get("/hsds/service_at_locations")]
pub async fn hsds_service_at_locations(
    db: web::Data<Db>,
    query: web::Query<HsdsQuery>,
    paging: web::Query<PagingQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let filter = ServiceFilter {
        q: query.search.clone().filter(|q| !q.trim().is_empty()),
        modified_after: query.modified_after.map(|t| t.naive_utc()),
        only_active_providers: true,
        ..Default::default()
    };
    let streamed = filter.clone();
    listing(
        &db,
        paging.answer(&req)?,
        move |conn, after| services::after(conn, &streamed, ServiceId(after), STREAM_BATCH),
        move |conn, limit, offset| {
            services::list(conn, &filter, ServiceSort::CreatedAt, false, limit, offset)
        },
        |e| (e.row.id.get(), service_at_location(&Service::from(e))),
    )
    .await
}

/// The two taxonomies: service types and target groups.
#[utoipa::path(
    security(()),
    tag = "hsds",
    params(PagingQuery),
    responses((status = 200, content(
        (HsdsPage<HsdsTaxonomy> = "application/json"),
        (HsdsTaxonomy = "application/x-ndjson"),
    )))
)]
#[get("/hsds/taxonomies")]
pub async fn hsds_taxonomies(
    paging: web::Query<PagingQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let all: Vec<HsdsTaxonomy> = Taxonomy::ALL.iter().map(|t| t.view()).collect();
    page_or_stream(all, paging.answer(&req)?)
}

/// The taxonomy terms: every service type and target group of the catalogues.
#[utoipa::path(
    security(()),
    tag = "hsds",
    params(PagingQuery),
    responses((status = 200, content(
        (HsdsPage<HsdsTaxonomyTerm> = "application/json"),
        (HsdsTaxonomyTerm = "application/x-ndjson"),
    )))
)]
#[get("/hsds/taxonomy_terms")]
pub async fn hsds_taxonomy_terms(
    db: web::Data<Db>,
    paging: web::Query<PagingQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let answer = paging.answer(&req)?;
    let all: Vec<HsdsTaxonomyTerm> = db
        .run(terms)
        .await?
        .into_iter()
        .map(|(_, term)| term)
        .collect();
    page_or_stream(all, answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_derived_id_reads_back_only_as_its_own_kind() {
        let id = hsds_id(Kind::Service, 42).to_string();
        assert_eq!(kopiena_id(Kind::Service, &id), Some(42));
        assert_eq!(kopiena_id(Kind::Organization, &id), None);
        assert_eq!(kopiena_id(Kind::Service, "42"), None);
        assert_eq!(
            kopiena_id(Kind::Service, &Uuid::nil().to_string()),
            None,
            "another scheme's uuid"
        );
    }

    #[test]
    fn a_term_id_is_stable_and_its_taxonomys_own() {
        let a = Taxonomy::ServiceTypes.term_id("group_home");
        assert_eq!(a, Taxonomy::ServiceTypes.term_id("group_home"));
        assert_ne!(a, Taxonomy::TargetGroups.term_id("group_home"));
        assert_ne!(Taxonomy::ServiceTypes.id(), Taxonomy::TargetGroups.id());
    }
}
