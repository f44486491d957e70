-- Back to three statuses: a client in no service counts as waiting, as before.
DROP INDEX waiting_list_client_idx;
ALTER TABLE client_runs DROP CONSTRAINT client_runs_di_status_check;
UPDATE client_runs SET di_status = 'waiting_list' WHERE di_status = 'no_service';
ALTER TABLE client_runs ADD CONSTRAINT client_runs_di_status_check
    CHECK (di_status IN ('in_institution', 'in_community', 'waiting_list'));
