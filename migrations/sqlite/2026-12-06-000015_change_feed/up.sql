-- The change feed (issue 16): one row per creation, update or end of a record, written in the
-- same transaction as the write. `seq` is the feed's order: SQLite has one writer at a time
-- (every write transaction begins IMMEDIATE), so numbers are drawn in commit order; and
-- AUTOINCREMENT never reuses one. An event names the record and who may learn of it, never
-- what the record holds.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id BIGINT NOT NULL,
    -- The client of a client's record, the mentor of a training: where the record is read.
    parent_id BIGINT NULL,
    action TEXT NOT NULL,
    -- The audience (`domain::change::Audience`).
    public BOOLEAN NOT NULL,
    municipality TEXT NULL,
    previous_municipality TEXT NULL,
    region TEXT NULL,
    provider_id BIGINT NULL
);
