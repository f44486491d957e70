-- Provider and service registry, and the replay store for Idempotency-Key.
CREATE TABLE providers (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    register_number TEXT NOT NULL UNIQUE,
    legal_status TEXT NOT NULL,
    sector TEXT NOT NULL CHECK (sector IN ('municipal', 'state', 'ngo', 'private', 'religious')),
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    address TEXT NOT NULL,
    phone TEXT NULL,
    email TEXT NULL,
    website TEXT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'excluded')),
    registered_on DATE NOT NULL,
    status_changed_on DATE NULL,
    excluded_on DATE NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX providers_municipality_idx ON providers (municipality);
CREATE INDEX providers_status_sector_idx ON providers (status, sector);

CREATE TABLE services (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    service_type TEXT NOT NULL REFERENCES service_types (code),
    name TEXT NOT NULL,
    name_en TEXT NULL,
    description TEXT NULL,
    description_en TEXT NULL,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    address TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity >= 0),
    -- Active placements, kept by the placement writes in the same transaction; the check
    -- makes over-capacity impossible even under concurrent writes.
    occupied INTEGER NOT NULL DEFAULT 0 CHECK (occupied >= 0 AND occupied <= capacity),
    status TEXT NOT NULL CHECK (status IN ('planned', 'active', 'closed')),
    price_cents BIGINT NULL CHECK (price_cents IS NULL OR price_cents >= 0),
    price_unit TEXT NULL CHECK (price_unit IN ('person_day', 'hour', 'month')),
    closed_on DATE NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((price_cents IS NULL) = (price_unit IS NULL))
);
CREATE INDEX services_provider_idx ON services (provider_id);
CREATE INDEX services_type_idx ON services (service_type, status);
CREATE INDEX services_municipality_idx ON services (municipality, status);
CREATE INDEX services_status_idx ON services (status);

CREATE TABLE service_target_groups (
    service_id BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    target_group TEXT NOT NULL REFERENCES target_groups (code),
    PRIMARY KEY (service_id, target_group)
);
CREATE INDEX service_target_groups_group_idx ON service_target_groups (target_group, service_id);

-- Text search: normalised words (lower case, diacritics folded) of a service's names and
-- descriptions in both languages. A prefix search is a range scan on the primary key,
-- which both backends answer from the index.
CREATE TABLE service_search_terms (
    term TEXT NOT NULL,
    service_id BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    PRIMARY KEY (term, service_id)
);
CREATE INDEX service_search_terms_service_idx ON service_search_terms (service_id);

CREATE TABLE idempotency_keys (
    caller TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    location TEXT NULL,
    etag TEXT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (caller, key)
);
