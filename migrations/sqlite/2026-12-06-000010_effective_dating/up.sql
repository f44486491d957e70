-- Effective dating: a fact holds from `starts_on` (or `started_on`) up to, not including,
-- `ends_on` (or `ended_on`); no end means it still holds. The counters that described
-- today only (services.occupied, mentors.active_assignments, clients.di_status) give way
-- to the intervals they were counted from.

-- A provider's status over time (the current row's status is the open period's).
CREATE TABLE provider_status_periods (
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    starts_on DATE NOT NULL,
    ends_on DATE NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'excluded')),
    PRIMARY KEY (provider_id, starts_on),
    CHECK (ends_on IS NULL OR ends_on > starts_on)
);
-- Before this migration only the last status change was kept: a provider is active from its
-- registration until its last change, and in its current status from then on.
INSERT INTO provider_status_periods (provider_id, starts_on, ends_on, status)
SELECT id, registered_on, status_changed_on, 'active' FROM providers
WHERE status <> 'active' AND status_changed_on > registered_on;
INSERT INTO provider_status_periods (provider_id, starts_on, ends_on, status)
SELECT id,
       CASE WHEN status <> 'active' AND status_changed_on > registered_on THEN status_changed_on
            ELSE registered_on END,
       NULL, status
FROM providers;

-- A service's status and capacity over time, from the day it was recorded.
CREATE TABLE service_periods (
    service_id BIGINT NOT NULL REFERENCES services (id),
    starts_on DATE NOT NULL,
    ends_on DATE NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'active', 'closed')),
    capacity INTEGER NOT NULL CHECK (capacity >= 0),
    PRIMARY KEY (service_id, starts_on),
    CHECK (ends_on IS NULL OR ends_on > starts_on)
);
CREATE INDEX service_periods_open_idx ON service_periods (starts_on, ends_on, service_id);
-- A closed service was active from its creation until it closed.
INSERT INTO service_periods (service_id, starts_on, ends_on, status, capacity)
SELECT id, date(created_at), closed_on, 'active', capacity FROM services
WHERE status = 'closed' AND closed_on > date(created_at);
INSERT INTO service_periods (service_id, starts_on, ends_on, status, capacity)
SELECT id,
       CASE WHEN status = 'closed' AND closed_on > date(created_at) THEN closed_on
            ELSE date(created_at) END,
       NULL, status, capacity
FROM services;

-- Occupancy, mentor load and DI status are counted from the intervals on the day asked.
ALTER TABLE services DROP COLUMN occupied;
ALTER TABLE mentors DROP COLUMN active_assignments;
DROP INDEX clients_target_group_idx;
ALTER TABLE clients DROP COLUMN di_status;
CREATE INDEX clients_target_group_idx ON clients (target_group);

-- "Active on day D": started_on <= D AND (ended_on IS NULL OR D < ended_on).
DROP INDEX placements_service_idx;
DROP INDEX placements_client_idx;
CREATE INDEX placements_service_idx ON placements (service_id, started_on);
CREATE INDEX placements_client_idx ON placements (client_id, started_on);
CREATE INDEX placements_dates_idx ON placements (started_on, ended_on, client_id, institutional);
DROP INDEX mentor_assignments_mentor_idx;
CREATE INDEX mentor_assignments_mentor_idx ON mentor_assignments (mentor_id, started_on);
CREATE INDEX mentor_assignments_client_idx ON mentor_assignments (client_id, started_on);
CREATE INDEX mentor_assignments_dates_idx ON mentor_assignments (started_on, ended_on, mentor_id);
CREATE INDEX client_transfers_date_idx ON client_transfers (client_id, transferred_on);
