//! Case notes: what the case owner's caseworker, the staff of a provider serving the client
//! or the client's social mentor recorded: a visit, a call, a note. The case owner reads
//! every note on its client; a provider or a mentor reads the notes it wrote, while it shares
//! the case (`domain::access::case_note_read_access`, SHARE-NEED-TO-KNOW). Notes are never
//! edited: a correction is a new note.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::audit::Caller;
use super::common::{self, Created, IdempotencyKey, Idempotent, Private};
use super::paths::{ClientNotePath, ClientPath};
use super::shared_record::check_shares_case;
use crate::db::case_notes::{self as q, NewNote, NoteRow};
use crate::db::changes::{self, Change};
use crate::db::{Db, DbConnection, clients};
use crate::domain::access::{
    ClientAccess, NoteReach, Role, Sharer, case_note_author, case_note_read_access,
};
use crate::domain::audit::{AuditAction, OfClient};
use crate::domain::case_note::{NoteAuthor, NoteKind, check_noted_on};
use crate::domain::change::{Audience, ChangeAction, ChangeType};
use crate::domain::codes::MunicipalityCode;
use crate::domain::ids::*;
use crate::domain::policy::Policy;
use crate::error::{ApiError, ApiResult};

/// A note on a client's case.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseNote {
    pub id: CaseNoteId,
    pub client_id: ClientId,
    pub kind: NoteKind,
    /// The day of the visit or call, or the day the note is about.
    pub noted_on: NaiveDate,
    #[schema(example = "Visited at the group apartment; she cooks on her own now.")]
    pub text: String,
    pub author: NoteAuthorView,
    pub created_at: DateTime<Utc>,
}

/// Who wrote a note: the token subject, the role, and the organisation they wrote for.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteAuthorView {
    /// The token subject of the writer.
    pub sub: String,
    pub role: Role,
    /// The case-owning municipality, when its caseworker wrote it.
    pub municipality: Option<MunicipalityCode>,
    /// The provider, when its staff wrote it.
    pub provider_id: Option<ProviderId>,
    /// The mentor, when the mentor wrote it.
    pub mentor_id: Option<MentorId>,
}

impl From<NoteRow> for CaseNote {
    fn from(r: NoteRow) -> Self {
        Self {
            id: r.id,
            client_id: r.client_id,
            kind: r.kind,
            noted_on: r.noted_on,
            text: r.body,
            author: NoteAuthorView {
                sub: r.author_sub,
                role: r.author_role,
                municipality: r.author_municipality,
                provider_id: r.author_provider_id,
                mentor_id: r.author_mentor_id,
            },
            created_at: r.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCaseNote {
    pub kind: NoteKind,
    /// The day of the visit or call (default: today); not in the future (CASE-NOTE-DATED).
    pub noted_on: Option<NaiveDate>,
    #[validate(length(min = 1, max = 8000))]
    #[schema(
        min_length = 1,
        max_length = 8000,
        example = "Visited at the group apartment; she cooks on her own now."
    )]
    pub text: String,
}

/// The client the caller may write notes on or read notes of, with the notes it reads: every
/// note for the case owner (and an administrator), its own organisation's for a sharer, while
/// it shares the case (`404` otherwise, as if the client did not exist).
fn reach_client(
    conn: &mut DbConnection,
    reach: &NoteReach,
    client_id: ClientId,
    policy: &Policy,
) -> ApiResult<(clients::ClientRow, Option<NoteAuthor>)> {
    match reach {
        NoteReach::Owner(access) => Ok((clients::get(conn, access, client_id)?, None)),
        NoteReach::Own(sharer) => {
            check_shares_case(conn, *sharer, client_id, policy)?;
            let own = NoteAuthor::from(*sharer);
            Ok((
                clients::get(conn, &ClientAccess::All, client_id)?,
                Some(own),
            ))
        }
    }
}

/// Appends a note to the client's case: the case-owning municipality, the staff of a provider
/// that places the client or holds a place for them, and the client's mentor write notes;
/// any other client is `404`. Idempotent with `Idempotency-Key`; the case owner learns of the
/// note on the change feed.
#[utoipa::path(
    tag = "case notes",
    request_body = CreateCaseNote,
    params(ClientPath, IdempotencyKey),
    responses(
        (status = 201, body = CaseNote, headers(("Location" = String))),
    )
)]
#[post("/clients/{id}/case-notes")]
pub async fn create_case_note(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    caller: Caller,
    id: web::Path<ClientPath>,
    request: Idempotent<CreateCaseNote>,
) -> ApiResult<HttpResponse> {
    let client_id = id.into_inner().id;
    let action = AuditAction::CaseNoteCreate;
    let subject = OfClient::records(client_id).into();
    let decision = case_note_author(&caller.user.scope);
    let author = caller.allowed(&db, action, subject, decision).await?;
    let Caller { user, auditor } = caller;
    let Idempotent { key, body: input } = request;
    input.validate()?;
    let reach = match &author {
        NoteAuthor::Municipality(code) => {
            NoteReach::Owner(ClientAccess::Municipality(code.clone()))
        }
        NoteAuthor::Provider(id) => NoteReach::Own(Sharer::Provider(*id)),
        NoteAuthor::Mentor(id) => NoteReach::Own(Sharer::Mentor(*id)),
    };
    let still_visible = match &reach {
        NoteReach::Owner(access) => Some(access.clone()),
        NoteReach::Own(_) => None,
    };
    let private = Private::audited(&auditor, action, Some(client_id), still_visible);
    let policy = policy.into_inner();
    common::create(&db, key, user.sub.clone(), Some(private), move |conn| {
        let (client, _) = reach_client(conn, &reach, client_id, &policy)?;
        let today = crate::domain::today();
        let noted_on = input.noted_on.unwrap_or(today);
        check_noted_on(noted_on, client.birth_date, today)?;
        let (municipality, provider_id, mentor_id) = author.columns();
        let row = q::insert(
            conn,
            &NewNote {
                client_id,
                kind: input.kind,
                noted_on,
                body: input.text,
                author_sub: user.sub,
                author_role: user.scope.role(),
                author_municipality: municipality,
                author_provider_id: provider_id,
                author_mentor_id: mentor_id,
                created_at: Utc::now().naive_utc(),
            },
        )?;
        auditor.record(conn, action, Some(row.id.get()), Some(client_id))?;
        let change = Change::new(
            ChangeType::CaseNote,
            row.id.get(),
            ChangeAction::Created,
            Audience::case_of(client.municipality),
        )
        .of(client_id.get());
        changes::record(conn, &change)?;
        Ok(Created {
            record_id: row.id.get(),
            location: Some(format!("/api/v1/clients/{client_id}/case-notes/{}", row.id)),
            etag: None,
            body: CaseNote::from(row),
        })
    })
    .await
}

/// The notes on the client's case the caller reads, newest first: all of them for the case
/// owner (and an administrator); for a provider's staff or a mentor, those their
/// organisation wrote, while it shares the case (`404` otherwise). The read is in the
/// client's access log.
#[utoipa::path(
    tag = "case notes",
    params(ClientPath),
    responses(
        (status = 200, body = Vec<CaseNote>),
    )
)]
#[get("/clients/{id}/case-notes")]
pub async fn list_case_notes(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    caller: Caller,
    id: web::Path<ClientPath>,
) -> ApiResult<web::Json<Vec<CaseNote>>> {
    let client_id = id.into_inner().id;
    let action = AuditAction::CaseNoteList;
    let subject = OfClient::records(client_id).into();
    let policy = policy.into_inner();
    let notes = caller
        .write(&db, action, subject, move |conn, user, auditor| {
            let reach = case_note_read_access(&user.scope)?;
            let (_, own) = reach_client(conn, &reach, client_id, &policy)?;
            auditor.record(conn, action, None, Some(client_id))?;
            Ok(q::list(conn, client_id, own.as_ref())?)
        })
        .await?;
    Ok(web::Json(notes.into_iter().map(CaseNote::from).collect()))
}

/// One note on the client's case, to those who read it (see the list).
#[utoipa::path(
    tag = "case notes",
    params(ClientNotePath),
    responses(
        (status = 200, body = CaseNote),
    )
)]
#[get("/clients/{id}/case-notes/{note_id}")]
pub async fn get_case_note(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    caller: Caller,
    path: web::Path<ClientNotePath>,
) -> ApiResult<web::Json<CaseNote>> {
    let ClientNotePath {
        id: client_id,
        note_id,
    } = path.into_inner();
    let action = AuditAction::CaseNoteRead;
    let subject = OfClient::record(client_id, note_id.get()).into();
    let policy = policy.into_inner();
    let note = caller
        .write(&db, action, subject, move |conn, user, auditor| {
            let reach = case_note_read_access(&user.scope)?;
            let (_, own) = reach_client(conn, &reach, client_id, &policy)?;
            let note = q::get(conn, client_id, note_id)?;
            if let Some(own) = own
                && note.author()? != own
            {
                return Err(ApiError::NotFound);
            }
            auditor.record(conn, action, Some(note_id.get()), Some(client_id))?;
            Ok(note)
        })
        .await?;
    Ok(web::Json(note.into()))
}
