//! Clients in the DI process: personal data, municipality scope, every access audited.

use actix_web::{HttpRequest, HttpResponse, Responder, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::audit::{AuditRecord, ClientReader, ClientWriter};
use super::body::Body;
use super::common::{
    self, Created, IdempotencyKey, Idempotent, IfMatch, Modified, Page, PageQuery, SyncQuery,
};
use super::paths::ClientPath;
use super::problems as p;
use super::providers::check_municipality;
use crate::db::Listed;
use crate::db::changes::{self, Change};
use crate::db::clients::{self as q, ClientChanges, ClientRow};
use crate::db::{Db, audit};
use crate::domain::DomainError;
use crate::domain::access::ClientAccess;
use crate::domain::audit::{AuditAction, OfClient, Subject};
use crate::domain::change::{Audience, ChangeAction, ChangeType};
use crate::domain::client::{DiStatus, TargetGroup, check_target_group_age};
use crate::domain::codes::*;
use crate::domain::ids::*;
use crate::domain::personal_code::PersonalCode;
use crate::domain::placement::check_di_status;
use crate::error::{ApiError, ApiResult, unique_violation_as};
use crate::pii::PiiKeys;

/// Consent of a VSAC client to take part in DI activities (INV-A03).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    pub given: bool,
    /// Date the consent was given; required when `given` is true.
    pub date: Option<NaiveDate>,
}

// Named `ClientRecord` in the document: a generated HTTP library has a class `Client` of its
// own (openapi-python-client's), which a schema must not shadow.
/// A client's record.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ClientRecord)]
pub struct Client {
    pub id: ClientId,
    /// Normalised personal code; only the owning municipality sees it (`null` for others).
    #[schema(example = "161175-19997")]
    pub personal_code: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    pub target_group: TargetGroup,
    /// The case owner (INV-A12).
    pub municipality: MunicipalityCode,
    /// Derived from the placements and waiting-list entries of today: institutional →
    /// `in_institution`, else community → `in_community`, else an open entry →
    /// `waiting_list`, else `no_service`.
    pub di_status: DiStatus,
    pub vsac_consent: Consent,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Builds the representation; the personal code is decrypted only for the case owner.
pub fn client_view(row: ClientRow, access: &ClientAccess, keys: &PiiKeys) -> ApiResult<Client> {
    let owner = matches!(access, ClientAccess::Municipality(code) if *code == row.municipality);
    let personal_code = if owner {
        Some(
            keys.decrypt(&row.personal_code_encrypted)
                .map_err(ApiError::Internal)?,
        )
    } else {
        None
    };
    Ok(Client {
        id: row.id,
        personal_code,
        given_name: row.given_name,
        family_name: row.family_name,
        birth_date: row.birth_date,
        target_group: row.target_group,
        municipality: row.municipality,
        di_status: row.di_status,
        vsac_consent: Consent {
            given: row.vsac_consent,
            date: row.vsac_consent_on,
        },
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    })
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateClient {
    /// Latvian personal code, legacy `DDMMYY-CNNNN` (with a valid check digit) or new
    /// `3[2-9]NNNN-NNNNN`; the hyphen is optional.
    #[schema(example = "161175-19997", pattern = r"^\s*[0-9]{6}-?[0-9]{5}\s*$")]
    pub personal_code: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub given_name: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub family_name: String,
    /// Must agree with a legacy personal code.
    pub birth_date: NaiveDate,
    /// Child groups under 18, the adult group 18 or over.
    pub target_group: TargetGroup,
    /// Follows from the placements and waiting-list entries: a new client has neither, so it
    /// is `no_service`; any other value is a 409 (DI-STATUS-DERIVED). May be left out.
    pub di_status: Option<DiStatus>,
    pub vsac_consent: Option<Consent>,
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateClient {
    /// Rectifies the personal code (GDPR art. 16): it must agree with the birth date, and
    /// no other client may hold it (409). The old code is kept nowhere.
    #[schema(example = "161175-19997", pattern = r"^\s*[0-9]{6}-?[0-9]{5}\s*$")]
    pub personal_code: Option<String>,
    /// Rectifies the birth date: it must agree with a legacy personal code and with the
    /// target group's age.
    pub birth_date: Option<NaiveDate>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub given_name: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub family_name: Option<String>,
    pub target_group: Option<TargetGroup>,
    /// Follows from the placements and waiting-list entries of today; a value that
    /// contradicts them is a 409 (DI-STATUS-DERIVED).
    pub di_status: Option<DiStatus>,
    pub vsac_consent: Option<Consent>,
}

fn check_consent(consent: &Consent) -> ApiResult<()> {
    if consent.given && consent.date.is_none() {
        return Err(ApiError::field(
            "/vsac_consent/date",
            "required when consent is given",
        ));
    }
    Ok(())
}

/// Registers a client of the caller's municipality (the case owner).
#[utoipa::path(
    tag = "clients",
    request_body = CreateClient,
    params(IdempotencyKey),
    responses(
        (status = 201, body = Client, headers(("Location" = String), ("ETag" = String))),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/clients")]
pub async fn create_client(
    db: web::Data<Db>,
    keys: web::Data<PiiKeys>,
    writer: ClientWriter,
    request: Idempotent<CreateClient>,
) -> ApiResult<HttpResponse> {
    let municipality = writer
        .reach(&db, AuditAction::ClientCreate, Subject::default())
        .await?;
    let ClientWriter { user, auditor, .. } = writer;
    let Idempotent {
        mut key,
        body: input,
    } = request;
    input.validate()?;
    let code = PersonalCode::parse(&input.personal_code).map_err(DomainError::from)?;
    code.check_birth_date(input.birth_date)
        .map_err(DomainError::from)?;
    let today = crate::domain::today();
    check_target_group_age(input.target_group, input.birth_date, today)?;
    let consent = input.vsac_consent.clone().unwrap_or(Consent {
        given: false,
        date: None,
    });
    check_consent(&consent)?;
    let hash = keys.lookup_hash(&code.digits());
    let encrypted = keys.encrypt(code.as_str()).map_err(ApiError::Internal)?;
    // The fingerprint holds the keyed hash, never the code itself.
    key.identify(format_args!(
        "{hash} {} {} {} {} {:?} {:?}",
        input.given_name,
        input.family_name,
        input.birth_date,
        input.target_group.as_str(),
        input.di_status.map(DiStatus::as_str),
        (consent.given, consent.date),
    ));
    let keys = keys.into_inner();
    let access = ClientAccess::Municipality(municipality.clone());
    common::create(
        db.get_ref(),
        key,
        user.sub.clone(),
        Some(
            common::Private::audited(
                &auditor,
                AuditAction::ClientCreate,
                None,
                Some(access.clone()),
            )
            .sealed(keys.clone()),
        ),
        move |conn| {
            // The case owner exists on the registration date (REF-MUNICIPALITY-VALIDITY); the
            // token's claim was checked against today's register already (`auth`).
            check_municipality(conn, &municipality, today)?;
            if let Some(status) = input.di_status {
                check_di_status(status, DiStatus::NoService, crate::domain::today())?;
            }
            let now = Utc::now().naive_utc();
            let row = q::insert(
                conn,
                &hash,
                &encrypted,
                &ClientChanges {
                    given_name: input.given_name,
                    family_name: input.family_name,
                    birth_date: input.birth_date,
                    target_group: input.target_group,
                    municipality,
                    vsac_consent: consent.given,
                    vsac_consent_on: consent.date,
                    updated_at: now,
                },
            )
            // A personal code registered already: the unique index says so.
            .map_err(unique_violation_as(DomainError::ClientAlreadyRegistered))?;
            auditor.record(
                conn,
                AuditAction::ClientCreate,
                Some(row.id.get()),
                Some(row.id),
            )?;
            let audience = Audience::case_of(row.municipality.clone());
            let change = Change::new(
                ChangeType::Client,
                row.id.get(),
                ChangeAction::Created,
                audience,
            );
            changes::record(conn, &change)?;
            Ok(Created {
                record_id: row.id.get(),
                location: Some(format!("/api/v1/clients/{}", row.id)),
                etag: Some(common::etag(row.id, row.version)),
                body: client_view(row, &access, &keys)?,
            })
        },
    )
    .await
}

/// Reads a client. Another municipality's client is 404.
#[utoipa::path(
    tag = "clients",
    params(ClientPath),
    responses(
        (status = 200, body = Client, headers(("ETag" = String))),
    )
)]
#[get("/clients/{id}")]
pub async fn get_client(
    db: web::Data<Db>,
    keys: web::Data<PiiKeys>,
    reader: ClientReader,
    id: web::Path<ClientPath>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner().id;
    let subject = OfClient::record(id, id.get());
    let view_access = reader
        .clients(&db, AuditAction::ClientRead, subject.into())
        .await?;
    let row = reader
        .read_records_of(&db, AuditAction::ClientRead, subject, |_, row| Ok(row))
        .await?;
    let tag = common::etag(row.id, row.version);
    Ok(common::with_etag(
        &client_view(row, &view_access, &keys)?,
        tag,
    ))
}

/// Updates a client of the caller's municipality.
#[utoipa::path(
    tag = "clients",
    request_body = UpdateClient,
    params(ClientPath, IfMatch),
    responses(
        (status = 200, body = Client, headers(("ETag" = String))),
        (status = 409, response = p::Conflict),
    )
)]
#[patch("/clients/{id}")]
pub async fn update_client(
    db: web::Data<Db>,
    keys: web::Data<PiiKeys>,
    writer: ClientWriter,
    id: web::Path<ClientPath>,
    if_match: IfMatch,
    body: Body<UpdateClient>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    input.validate()?;
    if let Some(consent) = &input.vsac_consent {
        check_consent(consent)?;
    }
    let code = input
        .personal_code
        .as_deref()
        .map(PersonalCode::parse)
        .transpose()
        .map_err(DomainError::from)?;
    let rectified = code.map(|code| {
        let hash = keys.lookup_hash(&code.digits());
        keys.encrypt(code.as_str())
            .map(|encrypted| (code, hash, encrypted))
    });
    let rectified = rectified.transpose().map_err(ApiError::Internal)?;
    let keys_in_write = keys.clone().into_inner();
    let id = id.into_inner().id;
    let subject = OfClient::record(id, id.get());
    let view_access = writer
        .clients(&db, AuditAction::ClientUpdate, subject.into())
        .await?;
    let row = writer
        .records_of(
            &db,
            AuditAction::ClientUpdate,
            subject,
            move |conn, current| {
                if_match.check(&common::etag(current.id, current.version))?;
                let mut changes = ClientChanges::from(&current);
                if let Some(v) = input.given_name {
                    changes.given_name = v;
                }
                if let Some(v) = input.family_name {
                    changes.family_name = v;
                }
                if let Some(v) = input.birth_date {
                    changes.birth_date = v;
                }
                if let Some(v) = input.target_group {
                    changes.target_group = v;
                }
                if input.birth_date.is_some() || input.target_group.is_some() {
                    let today = crate::domain::today();
                    check_target_group_age(changes.target_group, changes.birth_date, today)?;
                }
                // The code and the birth date agree, whichever of them changes.
                if let Some((code, hash, encrypted)) = &rectified {
                    code.check_birth_date(changes.birth_date)
                        .map_err(DomainError::from)?;
                    q::set_personal_code(conn, id, hash, encrypted)
                        .map_err(unique_violation_as(DomainError::ClientAlreadyRegistered))?;
                } else if input.birth_date.is_some() {
                    let stored = keys_in_write
                        .decrypt(&current.personal_code_encrypted)
                        .map_err(ApiError::Internal)?;
                    PersonalCode::parse(&stored)
                        .map_err(DomainError::from)?
                        .check_birth_date(changes.birth_date)
                        .map_err(DomainError::from)?;
                }
                if let Some(v) = input.di_status {
                    check_di_status(v, current.di_status, crate::domain::today())?;
                }
                if let Some(c) = input.vsac_consent {
                    changes.vsac_consent = c.given;
                    changes.vsac_consent_on = c.date;
                }
                changes.updated_at = Utc::now().naive_utc();
                let row = q::update(conn, id, current.version, &changes)?
                    .ok_or(ApiError::PreconditionFailed)?;
                let audience = Audience::case_of(row.municipality.clone());
                let change = Change::new(
                    ChangeType::Client,
                    id.get(),
                    ChangeAction::Updated,
                    audience,
                );
                changes::record(conn, &change)?;
                Ok(row)
            },
        )
        .await?;
    let tag = common::etag(row.id, row.version);
    Ok(common::with_etag(
        &client_view(row, &view_access, &keys)?,
        tag,
    ))
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListClientsQuery {
    pub target_group: Option<TargetGroup>,
    pub di_status: Option<DiStatus>,
}

/// A client's own fields change: a rectification, consent, a case transfer.
pub enum ClientFields {}

impl Modified for ClientFields {
    const MEANING: &'static str = "the client's own fields, as `updated_at` shows (an update, a rectification, a case transfer); the client's records (assessments, plans, placements) are listed and synced on their own.";
}

/// Lists the caller's clients (admin: all), by family and given name; or every one of them
/// as ndjson, in id order, each batch audited like a page.
#[utoipa::path(
    tag = "clients",
    params(ListClientsQuery, PageQuery, SyncQuery<ClientFields>),
    responses(
        (status = 200, content(
            (Page<Client> = "application/json"),
            (Client = "application/x-ndjson"),
        )),
    )
)]
#[get("/clients")]
pub async fn list_clients(
    db: web::Data<Db>,
    keys: web::Data<PiiKeys>,
    reader: ClientReader,
    query: web::Query<ListClientsQuery>,
    page: web::Query<PageQuery>,
    sync: web::Query<SyncQuery<ClientFields>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let streams = sync.streams(&req, &page, None)?;
    let (limit, offset) = page.resolve()?;
    let listing = sync.listing(&req);
    let filter = q::ClientFilter {
        target_group: query.target_group,
        di_status: query.di_status,
    };
    let view_access = reader
        .clients(&db, AuditAction::ClientList, Subject::default())
        .await?;
    if streams {
        let read =
            move |conn: &mut _, access: &_, slice: &_| Ok(q::batch(conn, access, &filter, slice)?);
        let view = move |r: ClientRow| Ok((r.id.get(), client_view(r, &view_access, &keys)?));
        return reader
            .streamed(&db, AuditAction::ClientList, listing, read, view)
            .await;
    }
    let slice = listing.slice;
    let Listed { rows, total } = reader
        .listed(&db, AuditAction::ClientList, move |conn, access| {
            Ok(q::list(conn, access, &filter, &slice, limit, offset)?)
        })
        .await?;
    let page = Page {
        items: rows
            .into_iter()
            .map(|r| client_view(r, &view_access, &keys))
            .collect::<ApiResult<_>>()?,
        total,
        limit,
        offset,
    };
    Ok(page.respond_to(&req))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchClients {
    /// The personal code to look up (in the body, never in a URL).
    #[schema(example = "161175-19997", pattern = r"^\s*[0-9]{6}-?[0-9]{5}\s*$")]
    pub personal_code: String,
}

/// Looks a client up by personal code. Another municipality's client is 404.
#[utoipa::path(
    tag = "clients",
    request_body = SearchClients,
    responses(
        (status = 200, body = Client, headers(("ETag" = String))),
        (status = 404, response = p::NotFound),
    )
)]
#[post("/clients/search")]
pub async fn search_clients(
    db: web::Data<Db>,
    keys: web::Data<PiiKeys>,
    reader: ClientReader,
    body: Body<SearchClients>,
) -> ApiResult<HttpResponse> {
    let access = reader
        .reach(&db, AuditAction::ClientSearch, Subject::default())
        .await?;
    let auditor = reader.auditor;
    let code = PersonalCode::parse(&body.personal_code).map_err(DomainError::from)?;
    let hash = keys.lookup_hash(&code.digits());
    let view_access = access.clone();
    let row = db
        .write(move |conn| -> ApiResult<Option<ClientRow>> {
            let found = q::find_by_hash(conn, &access, &hash).optional_found()?;
            let id = found.as_ref().map(|row| row.id);
            auditor.record(conn, AuditAction::ClientSearch, id.map(ClientId::get), id)?;
            Ok(found)
        })
        .await?
        .ok_or(ApiError::NotFound)?;
    let tag = common::etag(row.id, row.version);
    Ok(common::with_etag(
        &client_view(row, &view_access, &keys)?,
        tag,
    ))
}

trait OptionalFound<T> {
    fn optional_found(self) -> Result<Option<T>, diesel::result::Error>;
}

impl<T> OptionalFound<T> for Result<T, diesel::result::Error> {
    fn optional_found(self) -> Result<Option<T>, diesel::result::Error> {
        diesel::OptionalExtension::optional(self)
    }
}

/// Who read or changed this client's data, newest first (or as ndjson, oldest first). For
/// the owning municipality.
#[utoipa::path(
    tag = "clients",
    params(ClientPath, PageQuery, SyncQuery<super::audit::Appended>),
    responses(
        (status = 200, content(
            (Page<AuditRecord> = "application/json"),
            (AuditRecord = "application/x-ndjson"),
        )),
    )
)]
#[get("/clients/{id}/access-log")]
pub async fn client_access_log(
    db: web::Data<Db>,
    writer: ClientWriter,
    id: web::Path<ClientPath>,
    page: web::Query<PageQuery>,
    sync: web::Query<SyncQuery<super::audit::Appended>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let streams = sync.streams(&req, &page, None)?;
    let (limit, offset) = page.resolve()?;
    let id = id.into_inner().id;
    let filter = audit::AuditFilter {
        client_id: Some(id),
        recorded_after: sync.modified_after(),
        ..Default::default()
    };
    let action = AuditAction::ClientAccessLogRead;
    if streams {
        // Audited once, as the page is; the batches read the log as it was when it began.
        let newest = writer
            .records_of(&db, action, OfClient::records(id), |conn, _| {
                Ok(audit::newest(conn)?)
            })
            .await?;
        let listing = sync.listing(&req);
        return Ok(super::audit::log_stream(&db, filter, newest, listing, None));
    }
    let Listed { rows, total } = writer
        .records_of(&db, action, OfClient::records(id), move |conn, _| {
            Ok(audit::list(conn, &filter, limit, offset)?)
        })
        .await?;
    let page = Page {
        items: rows.into_iter().map(AuditRecord::from).collect(),
        total,
        limit,
        offset,
    };
    Ok(page.respond_to(&req))
}
