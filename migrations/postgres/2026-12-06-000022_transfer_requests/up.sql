-- Transfer requests (issue 15): the municipality of a client's new declared residence asks
-- the case owner for the case; the owner accepts (the case transfers) or declines.
CREATE TABLE transfer_requests (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    -- The case owner asked, and the asking municipality.
    from_municipality TEXT NOT NULL REFERENCES municipalities (code),
    to_municipality TEXT NOT NULL REFERENCES municipalities (code),
    reason TEXT NOT NULL,
    -- The day the case should move (the day of the move, by default the day accepted).
    transferred_on DATE NULL,
    -- requested | accepted | declined (domain::client::TransferRequestStatus)
    status TEXT NOT NULL,
    decline_reason TEXT NULL,
    transfer_id BIGINT NULL REFERENCES client_transfers (id),
    requested_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX transfer_requests_from_idx ON transfer_requests (from_municipality, status);
CREATE INDEX transfer_requests_to_idx ON transfer_requests (to_municipality, status);
-- One open request per client and asking municipality.
CREATE UNIQUE INDEX transfer_requests_one_open ON transfer_requests (client_id, to_municipality)
    WHERE status = 'requested';
