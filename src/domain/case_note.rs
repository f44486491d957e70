//! Case notes (issue 15): what the case owner's caseworker, a provider's staff or a social
//! mentor recorded about a client: a visit, a call, or a note. Notes are appended, never
//! edited: a correction is a new note.

use chrono::NaiveDate;

use super::DomainError;
use super::codes::{MunicipalityCode, closed_set};
use super::ids::{MentorId, ProviderId};

closed_set! {
    /// What a note records.
    pub enum NoteKind {
        /// A meeting with the client, at home or where they are served.
        Visit = "visit",
        /// A telephone or video call with the client or their family.
        Call = "call",
        /// Anything else worth knowing for the case.
        Note = "note",
    }
}

/// The organisation a note's author wrote for: the case-owning municipality, a provider
/// sharing the case, or a mentor. Those who share a case read the notes of their own
/// organisation (`access::case_note_read_access`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteAuthor {
    Municipality(MunicipalityCode),
    Provider(ProviderId),
    Mentor(MentorId),
}

impl From<super::access::Sharer> for NoteAuthor {
    /// A provider or mentor sharing a case writes for itself.
    fn from(sharer: super::access::Sharer) -> Self {
        match sharer {
            super::access::Sharer::Provider(id) => NoteAuthor::Provider(id),
            super::access::Sharer::Mentor(id) => NoteAuthor::Mentor(id),
        }
    }
}

impl NoteAuthor {
    /// The author as stored: exactly one of the three columns is set.
    pub fn columns(
        &self,
    ) -> (
        Option<MunicipalityCode>,
        Option<ProviderId>,
        Option<MentorId>,
    ) {
        match self {
            NoteAuthor::Municipality(code) => (Some(code.clone()), None, None),
            NoteAuthor::Provider(id) => (None, Some(*id), None),
            NoteAuthor::Mentor(id) => (None, None, Some(*id)),
        }
    }

    /// The author read back; `None` when the stored row names none or more than one (which
    /// the table's check constraint rules out).
    pub fn from_columns(
        municipality: Option<MunicipalityCode>,
        provider: Option<ProviderId>,
        mentor: Option<MentorId>,
    ) -> Option<Self> {
        match (municipality, provider, mentor) {
            (Some(code), None, None) => Some(NoteAuthor::Municipality(code)),
            (None, Some(id), None) => Some(NoteAuthor::Provider(id)),
            (None, None, Some(id)) => Some(NoteAuthor::Mentor(id)),
            _ => None,
        }
    }
}

/// CASE-NOTE-DATED: a note tells what happened, so it is dated on or before the day it is
/// written (and not before the client's birth).
pub fn check_noted_on(
    noted_on: NaiveDate,
    birth_date: NaiveDate,
    today: NaiveDate,
) -> Result<(), DomainError> {
    if noted_on > today || noted_on < birth_date {
        return Err(DomainError::NoteOutOfRange);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    #[test]
    fn case_note_dated_on_or_before_today_and_not_before_birth() {
        let birth = date("1990-05-01");
        let today = date("2026-12-07");
        assert!(check_noted_on(today, birth, today).is_ok());
        assert!(check_noted_on(date("2026-01-01"), birth, today).is_ok());
        assert!(check_noted_on(birth, birth, today).is_ok());
        assert_eq!(
            check_noted_on(date("2026-12-08"), birth, today),
            Err(DomainError::NoteOutOfRange)
        );
        assert_eq!(
            check_noted_on(date("1990-04-30"), birth, today),
            Err(DomainError::NoteOutOfRange)
        );
    }

    #[test]
    fn case_note_author_is_exactly_one_organisation() {
        for author in [
            NoteAuthor::Municipality("050".into()),
            NoteAuthor::Provider(ProviderId(4)),
            NoteAuthor::Mentor(MentorId(9)),
        ] {
            let (m, p, n) = author.columns();
            assert_eq!(NoteAuthor::from_columns(m, p, n), Some(author));
        }
        assert_eq!(NoteAuthor::from_columns(None, None, None), None);
        assert_eq!(
            NoteAuthor::from_columns(Some("050".into()), Some(ProviderId(4)), None),
            None
        );
    }
}
