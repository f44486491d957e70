-- Runs derived from the record (see src/db/derived.rs): per key, the maximal runs of days on
-- which a counted value stays the same. They are rewritten in the transaction of every write
-- they follow, so a statistic on a day reads one row per key instead of counting the
-- placements and assignments again. Filled from the record by the service right after this
-- migration (`db::run_migrations`), since the runs are computed in Rust.

-- A client's case owner and DI status, from the day the client enters the record on.
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

-- A service's occupancy (placements active), on the days it is above zero.
CREATE TABLE service_occupancy_runs (
    service_id BIGINT NOT NULL REFERENCES services (id),
    starts_on DATE NOT NULL,
    ends_on DATE NULL,
    occupied INTEGER NOT NULL CHECK (occupied > 0),
    PRIMARY KEY (service_id, starts_on),
    CHECK (ends_on IS NULL OR ends_on > starts_on)
);
CREATE INDEX service_occupancy_runs_ends_idx ON service_occupancy_runs (ends_on);

-- A mentor's load (assignments active), on the days it is above zero.
CREATE TABLE mentor_load_runs (
    mentor_id BIGINT NOT NULL REFERENCES mentors (id),
    starts_on DATE NOT NULL,
    ends_on DATE NULL,
    load INTEGER NOT NULL CHECK (load > 0),
    PRIMARY KEY (mentor_id, starts_on),
    CHECK (ends_on IS NULL OR ends_on > starts_on)
);
CREATE INDEX mentor_load_runs_ends_idx ON mentor_load_runs (ends_on);
