-- The DI status `waiting_list` follows from open waiting-list entries (issue 15): a client
-- neither placed nor waiting on a day is `no_service` (domain::placement::CaseDays). The
-- runs are computed again by the service right after this migration (`db::run_migrations`).
ALTER TABLE client_runs DROP CONSTRAINT client_runs_di_status_check;
ALTER TABLE client_runs ADD CONSTRAINT client_runs_di_status_check
    CHECK (di_status IN ('in_institution', 'in_community', 'waiting_list', 'no_service'));
-- A client's entries, read with its placements whenever its runs are rewritten.
CREATE INDEX waiting_list_client_idx ON waiting_list_entries (client_id);
