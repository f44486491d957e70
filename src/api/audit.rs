//! The access audit: every read or change of client-level data leaves a record (a list read
//! one per client it disclosed), and so does every refused attempt.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, Responder, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tracing_actix_web::RequestId;
use utoipa::{IntoParams, ToSchema};

use super::common::{
    self, Created, IdempotencyKey, Listing, Modified, Page, PageQuery, Private, SyncQuery,
};
use crate::auth::AuthUser;
use crate::db::audit::{self as q, AuditFilter, AuditRow, Auditor, Discloses, Journal};
use crate::db::clients::{self, ClientRow};
use crate::db::{Db, DbConnection, Listed, Slice};
use crate::domain::access::{
    AuditReach, ClientAccess, Forbidden, Role, Scope, audit_reach, case_owner_access,
    client_read_access, client_write_access,
};
use crate::domain::audit::{AuditAction, AuditOutcome, OfClient, RecordType, Subject};
use crate::domain::codes::*;
use crate::domain::ids::*;
use crate::error::{ApiError, ApiResult};

/// The caller of an audited operation: who they are (their scope) and the auditor that
/// names them and the request in every record the operation appends.
pub struct Caller {
    pub user: AuthUser,
    pub auditor: Auditor,
}

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

impl Caller {
    /// Runs `f` with the caller and its auditor in one write transaction, `f` appending the
    /// audit records of what it did; a refusal (403, 404) is audited as `action` on
    /// `subject` in a transaction of its own (as `Clients::write` does for client reach).
    pub async fn write<T, F>(
        self,
        db: &Db,
        action: AuditAction,
        subject: Subject,
        f: F,
    ) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection, &AuthUser, &Auditor) -> ApiResult<T> + Send + 'static,
    {
        let Caller { user, auditor } = self;
        let audit = auditor.clone();
        let outcome = db.write(move |conn| f(conn, &user, &audit)).await;
        if let Err(refusal) = &outcome {
            auditor.record_refusal(db, action, subject, refusal).await;
        }
        outcome
    }
}

impl Caller {
    /// `decision`, the caller's standing for `action` on `subject`: a refusal is audited and
    /// answered (403) before anything else is looked at.
    pub async fn allowed<T>(
        &self,
        db: &Db,
        action: AuditAction,
        subject: Subject,
        decision: Result<T, Forbidden>,
    ) -> ApiResult<T> {
        match decision {
            Ok(allowed) => Ok(allowed),
            Err(forbidden) => {
                let refusal = ApiError::from(forbidden);
                self.auditor
                    .record_refusal(db, action, subject, &refusal)
                    .await;
                Err(refusal)
            }
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        caller(req, payload)
    }
}

/// The authenticated caller (`AuthUser`, its scope claim checked) with its auditor.
fn caller(req: &HttpRequest, payload: &mut Payload) -> Extracted<Caller> {
    let user = AuthUser::from_request(req, payload);
    let request_id = RequestId::from_request(req, payload).into_inner();
    Box::pin(async move {
        let user = user.await?;
        let request_id =
            request_id.map_err(|e| ApiError::Internal(anyhow::anyhow!("no request id: {e}")))?;
        let auditor = Auditor::new(
            user.sub.clone(),
            user.scope.role(),
            match &user.scope {
                Scope::Municipality(code) => Some(code.clone()),
                _ => None,
            },
            request_id.to_string(),
        );
        Ok(Caller { user, auditor })
    })
}

/// A caller of an operation on client-level data, with the clients within its reach: those
/// it may read (`ClientReader`, `access::client_read_access`) or change (`ClientWriter`,
/// `access::client_write_access`: the case-owning municipality). The operation asks for the
/// reach naming its action, so a caller out of reach is refused (403) with that refusal
/// audited, before anything is read.
pub struct Clients<M: Reach> {
    pub user: AuthUser,
    pub auditor: Auditor,
    reach: Result<M::Access, Forbidden>,
    journal: Journal,
}

/// Reads client-level data.
pub enum Read {}
/// Changes client-level data.
pub enum Write {}

/// Reads the case owner's work lists across its clients (`access::case_owner_access`).
pub enum Own {}

pub type ClientReader = Clients<Read>;
pub type ClientWriter = Clients<Write>;
pub type CaseOwner = Clients<Own>;

/// How a mode finds the clients within a caller's reach.
pub trait Reach {
    /// What the caller reaches: a `ClientAccess` for readers, the municipality for writers.
    type Access: Clone + Send + 'static;
    fn of(scope: &Scope) -> Result<Self::Access, Forbidden>;
    fn clients(access: &Self::Access) -> ClientAccess;
}

impl Reach for Read {
    type Access = ClientAccess;
    fn of(scope: &Scope) -> Result<ClientAccess, Forbidden> {
        client_read_access(scope)
    }
    fn clients(access: &ClientAccess) -> ClientAccess {
        access.clone()
    }
}

impl Reach for Write {
    type Access = MunicipalityCode;
    fn of(scope: &Scope) -> Result<MunicipalityCode, Forbidden> {
        client_write_access(scope)
    }
    fn clients(municipality: &MunicipalityCode) -> ClientAccess {
        ClientAccess::Municipality(municipality.clone())
    }
}

impl Reach for Own {
    type Access = MunicipalityCode;
    fn of(scope: &Scope) -> Result<MunicipalityCode, Forbidden> {
        case_owner_access(scope)
    }
    fn clients(municipality: &MunicipalityCode) -> ClientAccess {
        ClientAccess::Municipality(municipality.clone())
    }
}

impl<M: Reach> FromRequest for Clients<M> {
    type Error = ApiError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = caller(req, payload);
        let journal = req.app_data::<web::Data<Journal>>().cloned();
        Box::pin(async move {
            let Caller { user, auditor } = caller.await?;
            let journal =
                journal.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no audit journal")))?;
            Ok(Clients {
                reach: M::of(&user.scope),
                user,
                auditor,
                journal: Journal::clone(&journal),
            })
        })
    }
}

impl ClientWriter {
    /// The first step of creating a record of client `client_id` (a placement, an
    /// assessment, a support plan): the caller's reach for `action` on the client's records,
    /// a refusal audited and answered before the request body is looked at.
    pub async fn creating(
        self,
        db: &Db,
        action: AuditAction,
        client_id: ClientId,
    ) -> ApiResult<ClientRecord> {
        let access = self
            .clients(db, action, OfClient::records(client_id).into())
            .await?;
        Ok(ClientRecord {
            action,
            client_id,
            access,
            user: self.user,
            auditor: self.auditor,
        })
    }
}

/// A record of a client about to be created by a caller within reach (`ClientWriter::creating`).
pub struct ClientRecord {
    action: AuditAction,
    client_id: ClientId,
    access: ClientAccess,
    user: AuthUser,
    auditor: Auditor,
}

impl ClientRecord {
    /// Creates it with `f` under `common::create` (idempotent): `f` gets the clients within
    /// reach and the caller's subject and returns the record made; the act is audited on
    /// that record in the same transaction, and a replay shows it again only while the
    /// client is within reach.
    pub async fn create<T, F>(self, db: &Db, key: IdempotencyKey, f: F) -> ApiResult<HttpResponse>
    where
        T: Serialize + Send + 'static,
        F: FnOnce(&mut DbConnection, &ClientAccess, String) -> ApiResult<Created<T>>
            + Send
            + 'static,
    {
        let Self {
            action,
            client_id,
            access,
            user,
            auditor,
        } = self;
        let private = Private::audited(&auditor, action, Some(client_id), Some(access.clone()));
        common::create(db, key, user.sub.clone(), Some(private), move |conn| {
            let created = f(conn, &access, user.sub)?;
            auditor.record(conn, action, Some(created.record_id), Some(client_id))?;
            Ok(created)
        })
        .await
    }
}

impl<M: Reach> Clients<M> {
    /// The caller's reach for `action` on `subject`; out of reach, the refusal is audited
    /// and answered 403.
    pub async fn reach(
        &self,
        db: &Db,
        action: AuditAction,
        subject: Subject,
    ) -> ApiResult<M::Access> {
        match &self.reach {
            Ok(access) => Ok(access.clone()),
            Err(forbidden) => {
                let refusal = ApiError::from(forbidden.clone());
                self.auditor
                    .record_refusal(db, action, subject, &refusal)
                    .await;
                Err(refusal)
            }
        }
    }

    /// The clients within the caller's reach for `action` on `subject` (see `reach`).
    pub async fn clients(
        &self,
        db: &Db,
        action: AuditAction,
        subject: Subject,
    ) -> ApiResult<ClientAccess> {
        Ok(M::clients(&self.reach(db, action, subject).await?))
    }

    /// Runs `f` with the caller's reach for `action` on `subject` in one write transaction,
    /// `f` appending the audit record of what it did; a refusal (403, 404) is audited in a
    /// transaction of its own.
    pub async fn write<T, F>(
        &self,
        db: &Db,
        action: AuditAction,
        subject: Subject,
        f: F,
    ) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection, &M::Access, &Auditor) -> ApiResult<T> + Send + 'static,
    {
        let access = self.reach(db, action, subject).await?;
        let auditor = self.auditor.clone();
        let outcome = db.write(move |conn| f(conn, &access, &auditor)).await;
        if let Err(refusal) = &outcome {
            self.auditor
                .record_refusal(db, action, subject, refusal)
                .await;
        }
        outcome
    }

    /// A list across clients, read by `f` in one transaction that audits the read once per
    /// client the list disclosed.
    pub async fn listed<T, F>(&self, db: &Db, action: AuditAction, f: F) -> ApiResult<T>
    where
        T: Discloses + Send + 'static,
        F: FnOnce(&mut DbConnection, &M::Access) -> ApiResult<T> + Send + 'static,
    {
        self.write(
            db,
            action,
            Subject::default(),
            move |conn, access, auditor| {
                let list = f(conn, access)?;
                auditor.record_disclosed(conn, action, &list)?;
                Ok(list)
            },
        )
        .await
    }

    /// A list across clients streamed as ndjson: the caller's reach for `action` checked
    /// first (a refusal audited, 403), then each batch `fetch` reads of the slice in
    /// `listing` audited as `listed` audits a page (`disclosing_stream`).
    pub async fn streamed<R, T, F, V>(
        &self,
        db: &Db,
        action: AuditAction,
        listing: Listing,
        fetch: F,
        view: V,
    ) -> ApiResult<HttpResponse>
    where
        R: Discloses + Send + 'static,
        T: Serialize + Send + 'static,
        F: Fn(&mut DbConnection, &M::Access, &Slice) -> ApiResult<Vec<R>> + Clone + Send + 'static,
        V: Fn(R) -> ApiResult<(i64, T)> + Clone + Send + 'static,
    {
        let access = self.reach(db, action, Subject::default()).await?;
        let fetch =
            move |conn: &mut DbConnection, after| fetch(conn, &access, &listing.batch(after));
        Ok(disclosing_stream(
            db,
            self.auditor.clone(),
            action,
            fetch,
            view,
        ))
    }

    /// A list of one client's records within reach, as `listing` asks: a JSON array, or
    /// every record streamed (`common::ndjson`). Either way the client is checked (`404`
    /// out of reach) and the read audited once as `action` on its records, as `records_of`
    /// does, before anything is shown. `read` reads the records in a slice (the whole list,
    /// or a streamed batch), `view` shows one with its id.
    pub async fn records_list<R, T, F, V>(
        &self,
        db: &Db,
        action: AuditAction,
        client_id: ClientId,
        listing: Listing,
        (read, view): (F, V),
    ) -> ApiResult<HttpResponse>
    where
        R: Send + 'static,
        T: Serialize + Send + 'static,
        F: Fn(&mut DbConnection, &ClientRow, &Slice) -> ApiResult<Vec<R>> + Clone + Send + 'static,
        V: Fn(R, &ClientRow) -> (i64, T) + Clone + Send + 'static,
    {
        let subject = OfClient::records(client_id);
        if listing.ndjson {
            let client = self
                .read_records_of(db, action, subject, |_, client| Ok(client))
                .await?;
            return Ok(common::ndjson(db, move |conn, after| {
                let rows = read(conn, &client, &listing.batch(after))?;
                Ok(rows.into_iter().map(|r| view(r, &client)).collect())
            }));
        }
        let (rows, client) = self
            .read_records_of(db, action, subject, move |conn, client| {
                Ok((read(conn, &client, &listing.slice)?, client))
            })
            .await?;
        let items: Vec<T> = rows.into_iter().map(|r| view(r, &client).1).collect();
        Ok(HttpResponse::Ok().json(items))
    }

    /// The records of one client within reach (`404` otherwise), read by `f` in one write
    /// transaction that audits the access as `action` on `subject` (the client's records as
    /// a whole, or one of them) before `f` runs: for `f` that changes them, or that reads
    /// the audit log itself. A plain read is `read_records_of`.
    pub async fn records_of<T, F>(
        &self,
        db: &Db,
        action: AuditAction,
        subject: OfClient,
        f: F,
    ) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection, ClientRow) -> ApiResult<T> + Send + 'static,
    {
        let OfClient {
            client_id,
            record_id,
        } = subject;
        self.write(db, action, subject.into(), move |conn, access, auditor| {
            auditor.record(conn, action, record_id, Some(client_id))?;
            let client = clients::get(conn, &M::clients(access), client_id)?;
            f(conn, client)
        })
        .await
    }

    /// The records of one client within reach (`404` otherwise), read by `f` (which only
    /// reads) in one snapshot (`DbConnection::read_snapshot`), then audited as `action` on
    /// `subject` through the group commit (`db::audit::Journal`): nothing read is returned
    /// before its audit record is committed, and concurrent reads share one commit. A
    /// refusal (403, 404) is audited in a transaction of its own.
    pub async fn read_records_of<T, F>(
        &self,
        db: &Db,
        action: AuditAction,
        subject: OfClient,
        f: F,
    ) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection, ClientRow) -> ApiResult<T> + Send + 'static,
    {
        let access = self.reach(db, action, subject.into()).await?;
        let clients = M::clients(&access);
        let read = db
            .run(move |conn| {
                conn.read_snapshot(|conn| {
                    let client = clients::get(conn, &clients, subject.client_id)?;
                    f(conn, client)
                })
            })
            .await;
        match read {
            Ok(value) => {
                self.journal
                    .record(&self.auditor, action, subject.into())
                    .await?;
                Ok(value)
            }
            Err(refusal) => {
                self.auditor
                    .record_refusal(db, action, subject.into(), &refusal)
                    .await;
                Err(refusal)
            }
        }
    }
}

/// A list streamed as ndjson whose every batch `fetch` reads (the records with an id above
/// `after`) is audited in the same transaction, once per client it disclosed, as a page is
/// (`Auditor::record_disclosed`); a stream that disclosed nothing is audited once, naming
/// none. `view` shows a record with its id.
pub fn disclosing_stream<R, T, F, V>(
    db: &Db,
    auditor: Auditor,
    action: AuditAction,
    fetch: F,
    view: V,
) -> HttpResponse
where
    R: Discloses + Send + 'static,
    T: Serialize + Send + 'static,
    F: Fn(&mut DbConnection, i64) -> ApiResult<Vec<R>> + Clone + Send + 'static,
    V: Fn(R) -> ApiResult<(i64, T)> + Clone + Send + 'static,
{
    common::ndjson_recorded(db, move |conn, after| {
        let rows = fetch(conn, after)?;
        if after == 0 || !rows.is_empty() {
            auditor.record_disclosed(conn, action, &rows)?;
        }
        rows.into_iter().map(&view).collect()
    })
}

/// One audit record.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditRecord {
    pub id: AuditId,
    pub occurred_at: DateTime<Utc>,
    /// The token subject of the caller.
    pub actor_sub: String,
    pub actor_role: Role,
    pub actor_municipality: Option<MunicipalityCode>,
    pub action: AuditAction,
    pub record_type: RecordType,
    pub record_id: Option<i64>,
    pub client_id: Option<ClientId>,
    /// The request's `X-Request-Id`.
    pub request_id: String,
    pub outcome: AuditOutcome,
}

impl From<AuditRow> for AuditRecord {
    fn from(r: AuditRow) -> Self {
        Self {
            id: r.id,
            occurred_at: r.occurred_at.and_utc(),
            actor_sub: r.actor_sub,
            actor_role: r.actor_role,
            actor_municipality: r.actor_municipality,
            action: r.action,
            record_type: r.record_type,
            record_id: r.record_id,
            client_id: r.client_id,
            request_id: r.request_id,
            outcome: r.outcome,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListAuditQuery {
    pub client_id: Option<ClientId>,
    /// Token subject of the caller.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub actor: Option<String>,
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub action: Option<AuditAction>,
    /// From this date (inclusive; Latvian calendar days, as every date of the API).
    pub from: Option<NaiveDate>,
    /// Up to this date (inclusive; a Latvian calendar day).
    pub to: Option<NaiveDate>,
    /// Only allowed accesses, or only refusals of one kind.
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub outcome: Option<AuditOutcome>,
}

/// The audit log is append-only: a record is modified only by being recorded.
pub enum Appended {}

impl Modified for Appended {
    const MEANING: &'static str = "the records appended after it (the log is append-only: modified means recorded, as `occurred_at` shows).";
}

/// The audit log matching `filter` streamed as ndjson, oldest first, up to the record
/// `newest` (the newest when the stream began: a read of the log appends records of its own,
/// which the stream must not chase). With an `auditor`, each batch is audited as
/// `audit.read`, as a page is (`disclosing_stream`).
pub fn log_stream(
    db: &Db,
    filter: AuditFilter,
    newest: Option<AuditId>,
    listing: Listing,
    auditor: Option<Auditor>,
) -> HttpResponse {
    let filter = AuditFilter {
        up_to: Some(newest.unwrap_or(AuditId(0))),
        ..filter
    };
    let fetch = move |conn: &mut DbConnection, after| -> ApiResult<Vec<AuditRow>> {
        Ok(q::batch(conn, &filter, &listing.batch(after))?)
    };
    let view = |r: AuditRow| -> ApiResult<_> { Ok((r.id.get(), AuditRecord::from(r))) };
    match auditor {
        Some(auditor) => disclosing_stream(db, auditor, AuditAction::AuditRead, fetch, view),
        None => common::ndjson(db, move |conn, after| {
            fetch(conn, after)?.into_iter().map(view).collect()
        }),
    }
}

/// The access audit, newest first (or as ndjson, oldest first): an administrator reads all
/// of it; a municipality the acts of its own staff, including those on clients whose case
/// has since moved elsewhere.
#[utoipa::path(
    tag = "audit",
    params(ListAuditQuery, PageQuery, SyncQuery<Appended>),
    responses(
        (status = 200, content(
            (Page<AuditRecord> = "application/json"),
            (AuditRecord = "application/x-ndjson"),
        )),
    )
)]
#[get("/audit")]
pub async fn list_audit(
    db: web::Data<Db>,
    caller: Caller,
    query: web::Query<ListAuditQuery>,
    page: web::Query<PageQuery>,
    sync: web::Query<SyncQuery<Appended>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let Caller { user, auditor } = caller;
    let reach = audit_reach(&user.scope)?;
    let streams = sync.streams(&req, &page, None)?;
    let (limit, offset) = page.resolve()?;
    let query = query.into_inner();
    let filter = AuditFilter {
        actor_municipality: match reach {
            AuditReach::All => None,
            AuditReach::ActsOf(code) => Some(code),
        },
        client_id: query.client_id,
        actor_sub: query.actor,
        action: query.action,
        from: query.from.map(crate::domain::day_start),
        to: query
            .to
            .and_then(|d| d.succ_opt())
            .map(crate::domain::day_start),
        outcome: query.outcome,
        recorded_after: sync.modified_after(),
        up_to: None,
    };
    if streams {
        let newest = db.run(q::newest).await?;
        let listing = sync.listing(&req);
        return Ok(log_stream(&db, filter, newest, listing, Some(auditor)));
    }
    let Listed { rows, total } = db
        .write(move |conn| -> ApiResult<_> {
            let list = q::list(conn, &filter, limit, offset)?;
            auditor.record_disclosed(conn, AuditAction::AuditRead, &list)?;
            Ok(list)
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
