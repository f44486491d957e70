//! Case notes: appended by the case owner, a provider or a mentor; never edited.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::case_notes;
use super::{DbConnection, MultiBackend, QueryResult};
use crate::domain::access::Role;
use crate::domain::case_note::{NoteAuthor, NoteKind};
use crate::domain::codes::MunicipalityCode;
use crate::domain::ids::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_notes, check_for_backend(MultiBackend))]
pub struct NoteRow {
    pub id: CaseNoteId,
    pub client_id: ClientId,
    pub kind: NoteKind,
    pub noted_on: NaiveDate,
    pub body: String,
    pub author_sub: String,
    pub author_role: Role,
    pub author_municipality: Option<MunicipalityCode>,
    pub author_provider_id: Option<ProviderId>,
    pub author_mentor_id: Option<MentorId>,
    pub created_at: NaiveDateTime,
}

impl NoteRow {
    /// The organisation the note was written for; a row naming none, or several, is an
    /// error (the table's check constraint rules it out).
    pub fn author(&self) -> QueryResult<NoteAuthor> {
        NoteAuthor::from_columns(
            self.author_municipality.clone(),
            self.author_provider_id,
            self.author_mentor_id,
        )
        .ok_or_else(|| {
            diesel::result::Error::DeserializationError(
                format!("case note {} names no single author organisation", self.id).into(),
            )
        })
    }
}

/// A note to append.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = case_notes)]
pub struct NewNote {
    pub client_id: ClientId,
    pub kind: NoteKind,
    pub noted_on: NaiveDate,
    pub body: String,
    pub author_sub: String,
    pub author_role: Role,
    pub author_municipality: Option<MunicipalityCode>,
    pub author_provider_id: Option<ProviderId>,
    pub author_mentor_id: Option<MentorId>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, note: &NewNote) -> QueryResult<NoteRow> {
    diesel::insert_into(case_notes::table)
        .values(note)
        .returning(<NoteRow as Selectable<MultiBackend>>::construct_selection())
        .get_result(conn)
}

/// The client's notes, newest first (by the day noted, then as written); with `author`, only
/// those written for that organisation.
pub fn list(
    conn: &mut DbConnection,
    client_id: ClientId,
    author: Option<&NoteAuthor>,
) -> QueryResult<Vec<NoteRow>> {
    let mut q = case_notes::table
        .filter(case_notes::client_id.eq(client_id))
        .into_boxed::<MultiBackend>();
    match author {
        None => {}
        Some(NoteAuthor::Municipality(code)) => {
            q = q.filter(case_notes::author_municipality.eq(code.clone()))
        }
        Some(NoteAuthor::Provider(id)) => q = q.filter(case_notes::author_provider_id.eq(*id)),
        Some(NoteAuthor::Mentor(id)) => q = q.filter(case_notes::author_mentor_id.eq(*id)),
    }
    q.order((case_notes::noted_on.desc(), case_notes::id.desc()))
        .select(NoteRow::as_select())
        .load(conn)
}

/// One note of the client.
pub fn get(conn: &mut DbConnection, client_id: ClientId, id: CaseNoteId) -> QueryResult<NoteRow> {
    case_notes::table
        .filter(case_notes::id.eq(id))
        .filter(case_notes::client_id.eq(client_id))
        .select(NoteRow::as_select())
        .first(conn)
}
