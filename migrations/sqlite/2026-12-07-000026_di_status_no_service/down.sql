-- Back to three statuses: a client in no service counts as waiting, as before.
DROP INDEX waiting_list_client_idx;
CREATE TABLE client_runs_three (
    client_id BIGINT NOT NULL REFERENCES clients (id),
    starts_on DATE NOT NULL,
    ends_on DATE NULL,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    target_group TEXT NOT NULL REFERENCES target_groups (code),
    di_status TEXT NOT NULL CHECK (di_status IN ('in_institution', 'in_community', 'waiting_list')),
    record_key INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (client_id, starts_on),
    CHECK (ends_on IS NULL OR ends_on > starts_on)
);
INSERT INTO client_runs_three
    SELECT client_id, starts_on, ends_on, municipality, target_group,
        CASE di_status WHEN 'no_service' THEN 'waiting_list' ELSE di_status END, record_key
    FROM client_runs;
DROP TABLE client_runs;
ALTER TABLE client_runs_three RENAME TO client_runs;
CREATE INDEX client_runs_ends_idx ON client_runs (ends_on);
