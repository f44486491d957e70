-- Waiting lists (issue 15): a client waits, on a granted decision, for a service type in the
-- municipality's queue or for one named service; an entry closes with a reason.
CREATE TABLE waiting_list_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    -- The granted decision the client waits on.
    decision_id BIGINT NOT NULL REFERENCES service_decisions (id),
    -- The queue: the municipality's (the case owner's when added) for the service type, or
    -- the named service's.
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    service_type TEXT NOT NULL REFERENCES service_types (code),
    service_id BIGINT NULL REFERENCES services (id),
    -- urgent | high | normal (domain::waiting::Priority)
    priority TEXT NOT NULL,
    added_on DATE NOT NULL,
    closed_on DATE NULL,
    -- placed | withdrawn | declined | deceased | moved (domain::waiting::CloseReason)
    close_reason TEXT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((closed_on IS NULL) = (close_reason IS NULL)),
    CHECK (closed_on IS NULL OR closed_on >= added_on)
);
-- One open entry per client and queue (WAIT-ONE-ENTRY).
CREATE UNIQUE INDEX waiting_list_one_open_entry
    ON waiting_list_entries (client_id, service_type, COALESCE(service_id, 0))
    WHERE closed_on IS NULL;
CREATE INDEX waiting_list_queue ON waiting_list_entries (municipality, service_type, closed_on);
