-- Runs derived from the record (see src/db/derived.rs): per key, the maximal runs of days on
-- which a counted value stays the same. They are rewritten in the transaction of every write
-- they follow, so a statistic on a day reads one row per key instead of counting the
-- placements and assignments again. Filled from the record by the service right after this
-- migration (`db::run_migrations`), since the runs are computed in Rust.

-- A client's case owner, target group and DI status, on the days the client is in the
-- record: from their registration on, and before it on the days a placement is active.
CREATE TABLE client_runs (
    client_id BIGINT NOT NULL REFERENCES clients (id),
    starts_on DATE NOT NULL,
    ends_on DATE NULL,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    target_group TEXT NOT NULL REFERENCES target_groups (code),
    di_status TEXT NOT NULL CHECK (di_status IN ('in_institution', 'in_community', 'waiting_list')),
    PRIMARY KEY (client_id, starts_on),
    CHECK (ends_on IS NULL OR ends_on > starts_on)
);
CREATE INDEX client_runs_ends_idx ON client_runs (ends_on);

-- A service's standing: its own status and capacity, its provider's status and its
-- occupancy (placements active), on the days it has a period and its provider a status;
-- with what the registry statistics group it by (provider, sector, municipality, type).
CREATE TABLE service_runs (
    service_id BIGINT NOT NULL REFERENCES services (id),
    starts_on DATE NOT NULL,
    ends_on DATE NULL,
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    sector TEXT NOT NULL CHECK (sector IN ('municipal', 'state', 'ngo', 'private', 'religious')),
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    service_type TEXT NOT NULL REFERENCES service_types (code),
    status TEXT NOT NULL CHECK (status IN ('planned', 'active', 'closed')),
    capacity INTEGER NOT NULL CHECK (capacity >= 0),
    provider_status TEXT NOT NULL CHECK (provider_status IN ('active', 'suspended', 'excluded')),
    occupied INTEGER NOT NULL CHECK (occupied >= 0),
    PRIMARY KEY (service_id, starts_on),
    CHECK (ends_on IS NULL OR ends_on > starts_on)
);
CREATE INDEX service_runs_ends_idx ON service_runs (ends_on);

-- A client's current assessment (the last recorded among those dated by then), with the
-- case owner and target group on those days, from the first assessment's date on.
CREATE TABLE assessment_runs (
    client_id BIGINT NOT NULL REFERENCES clients (id),
    starts_on DATE NOT NULL,
    ends_on DATE NULL,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    target_group TEXT NOT NULL REFERENCES target_groups (code),
    care_level TEXT NOT NULL CHECK (care_level IN ('I', 'II', 'III', 'IV')),
    next_reassessment_due DATE NOT NULL,
    PRIMARY KEY (client_id, starts_on),
    CHECK (ends_on IS NULL OR ends_on > starts_on)
);
CREATE INDEX assessment_runs_ends_idx ON assessment_runs (ends_on);

-- A mentor's load (assignments active) with their region and employer, on the days the
-- mentor is in the record: from their registration on, and before it on the days an
-- assignment of theirs is active.
CREATE TABLE mentor_load_runs (
    mentor_id BIGINT NOT NULL REFERENCES mentors (id),
    starts_on DATE NOT NULL,
    ends_on DATE NULL,
    region TEXT NOT NULL REFERENCES planning_regions (code),
    employer_kind TEXT NOT NULL CHECK (employer_kind IN ('municipality', 'region')),
    employer_code TEXT NOT NULL,
    load INTEGER NOT NULL CHECK (load >= 0),
    PRIMARY KEY (mentor_id, starts_on),
    CHECK (ends_on IS NULL OR ends_on > starts_on)
);
CREATE INDEX mentor_load_runs_ends_idx ON mentor_load_runs (ends_on);
