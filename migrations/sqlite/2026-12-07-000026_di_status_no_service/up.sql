-- The DI status `waiting_list` follows from open waiting-list entries (issue 15): a client
-- neither placed nor waiting on a day is `no_service` (domain::placement::CaseDays). SQLite
-- cannot change a check constraint, so the derived table is made again, empty: the service
-- computes the runs right after this migration (`db::run_migrations`).
DROP TABLE client_runs;
CREATE TABLE client_runs (
    client_id BIGINT NOT NULL REFERENCES clients (id),
    starts_on DATE NOT NULL,
    ends_on DATE NULL,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    target_group TEXT NOT NULL REFERENCES target_groups (code),
    di_status TEXT NOT NULL
        CHECK (di_status IN ('in_institution', 'in_community', 'waiting_list', 'no_service')),
    record_key INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (client_id, starts_on),
    CHECK (ends_on IS NULL OR ends_on > starts_on)
);
CREATE INDEX client_runs_ends_idx ON client_runs (ends_on);
-- A client's entries, read with its placements whenever its runs are rewritten.
CREATE INDEX waiting_list_client_idx ON waiting_list_entries (client_id);
