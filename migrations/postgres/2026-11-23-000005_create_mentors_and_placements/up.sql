-- Social mentors with their trainings and assignments; placements of clients in services;
-- DI transitions (institution -> community).
CREATE TABLE mentors (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    employer_kind TEXT NOT NULL CHECK (employer_kind IN ('municipality', 'region')),
    employer_code TEXT NOT NULL,
    -- Planning region of the employer, for "mentors available in an area".
    region TEXT NOT NULL REFERENCES planning_regions (code),
    contract_type TEXT NOT NULL CHECK (contract_type IN ('employment', 'services')),
    phone TEXT NULL,
    email TEXT NULL,
    -- Active assignments, changed only together with an assignment row. Assigning
    -- increments it with `WHERE active_assignments < cap`, so the cap holds under
    -- concurrent requests on both backends.
    active_assignments INTEGER NOT NULL DEFAULT 0 CHECK (active_assignments >= 0),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX mentors_employer_idx ON mentors (employer_kind, employer_code);
CREATE INDEX mentors_region_idx ON mentors (region);

CREATE TABLE mentor_trainings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mentor_id BIGINT NOT NULL REFERENCES mentors (id),
    programme TEXT NOT NULL REFERENCES training_programmes (code),
    hours INTEGER NOT NULL CHECK (hours > 0),
    completed_on DATE NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX mentor_trainings_mentor_idx ON mentor_trainings (mentor_id);

CREATE TABLE mentor_assignments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mentor_id BIGINT NOT NULL REFERENCES mentors (id),
    client_id BIGINT NOT NULL REFERENCES clients (id),
    started_on DATE NOT NULL,
    ended_on DATE NULL,
    end_reason TEXT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (ended_on IS NULL OR ended_on >= started_on)
);
-- A client has at most one active mentor.
CREATE UNIQUE INDEX mentor_assignments_one_active_per_client ON mentor_assignments (client_id) WHERE ended_on IS NULL;
CREATE INDEX mentor_assignments_mentor_idx ON mentor_assignments (mentor_id, ended_on);

CREATE TABLE placements (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    service_id BIGINT NOT NULL REFERENCES services (id),
    institutional BOOLEAN NOT NULL,
    started_on DATE NOT NULL,
    ended_on DATE NULL,
    end_reason TEXT NULL,
    -- The time limit that runs out during the placement (INV-C03, INV-C06), if any.
    time_limit_rule TEXT NULL,
    time_limit_on DATE NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (ended_on IS NULL OR ended_on >= started_on)
);
CREATE UNIQUE INDEX placements_one_active_per_client_service ON placements (client_id, service_id) WHERE ended_on IS NULL;
CREATE INDEX placements_service_idx ON placements (service_id, ended_on);
CREATE INDEX placements_client_idx ON placements (client_id, ended_on);
CREATE INDEX placements_time_limit_idx ON placements (time_limit_on) WHERE ended_on IS NULL;

CREATE TABLE di_transitions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    transitioned_on DATE NOT NULL,
    placement_id BIGINT NULL REFERENCES placements (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX di_transitions_client_idx ON di_transitions (client_id, transitioned_on);
CREATE INDEX di_transitions_date_idx ON di_transitions (transitioned_on);
