-- Case notes (issue 15): what the case owner's caseworker, a provider's staff or a social
-- mentor recorded about a client. Appended, never edited: a correction is a new note.
CREATE TABLE case_notes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    -- visit | call | note (domain::case_note::NoteKind)
    kind TEXT NOT NULL,
    noted_on DATE NOT NULL,
    body TEXT NOT NULL,
    author_sub TEXT NOT NULL,
    -- municipality | provider | mentor (domain::access::Role)
    author_role TEXT NOT NULL,
    -- The organisation the author wrote for: exactly one (domain::case_note::NoteAuthor).
    author_municipality TEXT NULL REFERENCES municipalities (code),
    author_provider_id BIGINT NULL REFERENCES providers (id),
    author_mentor_id BIGINT NULL REFERENCES mentors (id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((CASE WHEN author_municipality IS NULL THEN 0 ELSE 1 END)
         + (CASE WHEN author_provider_id IS NULL THEN 0 ELSE 1 END)
         + (CASE WHEN author_mentor_id IS NULL THEN 0 ELSE 1 END) = 1)
);
CREATE INDEX case_notes_client_idx ON case_notes (client_id, id);
