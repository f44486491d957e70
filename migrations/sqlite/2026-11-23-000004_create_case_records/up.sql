-- Case records (personal data): clients, case transfers, assessments with the instruments
-- that derive care levels, support plans, and the append-only access audit.
CREATE TABLE clients (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    -- HMAC-SHA256 of the normalised personal code: look-up and national de-duplication.
    personal_code_hash TEXT NOT NULL UNIQUE,
    -- AES-256-GCM (nonce || ciphertext), base64: shown to the owning municipality only.
    personal_code_encrypted TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    birth_date DATE NOT NULL,
    target_group TEXT NOT NULL REFERENCES target_groups (code),
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    di_status TEXT NOT NULL CHECK (di_status IN ('in_institution', 'waiting_list', 'in_community')),
    vsac_consent BOOLEAN NOT NULL,
    vsac_consent_on DATE NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX clients_municipality_idx ON clients (municipality, id);
CREATE INDEX clients_target_group_idx ON clients (target_group, di_status);

CREATE TABLE client_transfers (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    from_municipality TEXT NOT NULL REFERENCES municipalities (code),
    to_municipality TEXT NOT NULL REFERENCES municipalities (code),
    transferred_on DATE NOT NULL,
    reason TEXT NOT NULL,
    transferred_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX client_transfers_client_idx ON client_transfers (client_id);

CREATE TABLE assessment_instruments (
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    name_lv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    description_en TEXT NOT NULL,
    quality_of_life_min INTEGER NOT NULL,
    quality_of_life_max INTEGER NOT NULL,
    floor_score INTEGER NULL,
    floor_level TEXT NULL,
    is_default BOOLEAN NOT NULL,
    published_on DATE NOT NULL,
    PRIMARY KEY (code, version)
);

CREATE TABLE assessment_instrument_domains (
    instrument_code TEXT NOT NULL,
    instrument_version INTEGER NOT NULL,
    domain TEXT NOT NULL CHECK (domain IN ('health', 'self_care', 'communication')),
    min_score INTEGER NOT NULL,
    max_score INTEGER NOT NULL,
    PRIMARY KEY (instrument_code, instrument_version, domain),
    FOREIGN KEY (instrument_code, instrument_version) REFERENCES assessment_instruments (code, version)
);

CREATE TABLE assessment_instrument_levels (
    instrument_code TEXT NOT NULL,
    instrument_version INTEGER NOT NULL,
    care_level TEXT NOT NULL CHECK (care_level IN ('I', 'II', 'III', 'IV')),
    min_total INTEGER NOT NULL,
    PRIMARY KEY (instrument_code, instrument_version, care_level),
    FOREIGN KEY (instrument_code, instrument_version) REFERENCES assessment_instruments (code, version)
);

CREATE TABLE assessments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    assessed_on DATE NOT NULL,
    organisation_type TEXT NOT NULL,
    health_score INTEGER NOT NULL,
    self_care_score INTEGER NOT NULL,
    communication_score INTEGER NOT NULL,
    quality_of_life_score INTEGER NOT NULL,
    instrument_code TEXT NOT NULL,
    instrument_version INTEGER NOT NULL,
    total_score INTEGER NOT NULL,
    level_by_total TEXT NOT NULL,
    raised_by_domain TEXT NULL,
    care_level TEXT NOT NULL CHECK (care_level IN ('I', 'II', 'III', 'IV')),
    notes TEXT NULL,
    next_reassessment_due DATE NOT NULL,
    supersedes_id BIGINT NULL REFERENCES assessments (id),
    superseded_by_id BIGINT NULL REFERENCES assessments (id),
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    FOREIGN KEY (instrument_code, instrument_version) REFERENCES assessment_instruments (code, version)
);
CREATE INDEX assessments_client_idx ON assessments (client_id, assessed_on);
CREATE INDEX assessments_due_idx ON assessments (next_reassessment_due) WHERE superseded_by_id IS NULL;

CREATE TABLE assessment_team_members (
    assessment_id BIGINT NOT NULL REFERENCES assessments (id),
    position INTEGER NOT NULL,
    role TEXT NOT NULL REFERENCES specialist_roles (code),
    name TEXT NULL,
    lead BOOLEAN NOT NULL,
    PRIMARY KEY (assessment_id, position)
);

CREATE TABLE assessment_service_types (
    assessment_id BIGINT NOT NULL REFERENCES assessments (id),
    service_type TEXT NOT NULL REFERENCES service_types (code),
    PRIMARY KEY (assessment_id, service_type)
);

CREATE TABLE support_plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    plan_version INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'final')),
    assessment_id BIGINT NULL REFERENCES assessments (id),
    opinion TEXT NULL,
    finalised_at TIMESTAMP NULL,
    replaced_by_id BIGINT NULL REFERENCES support_plans (id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (client_id, plan_version)
);

CREATE TABLE support_plan_sections (
    plan_id BIGINT NOT NULL REFERENCES support_plans (id),
    section TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (plan_id, section)
);

-- Append-only: the API has no update or delete for it.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    actor_sub TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    actor_municipality TEXT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id BIGINT NULL,
    client_id BIGINT NULL,
    request_id TEXT NOT NULL
);
CREATE INDEX audit_log_client_idx ON audit_log (client_id, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_sub, id);

INSERT INTO assessment_instruments (code, version, name_lv, name_en, description_en, quality_of_life_min, quality_of_life_max, floor_score, floor_level, is_default, published_on) VALUES
    ('kopiena-default', 1, 'Kopienas noklusējuma aprūpes līmeņa instruments', 'Kopiena default care-level instrument',
     'Each of health, self-care and communication is scored 0 (independent) to 4 (needs full support); the care level follows from the total (I: 0-3, II: 4-6, III: 7-9, IV: 10-12); a single domain scored 4 raises the level to at least III. Quality of life is scored 0-100 and recorded, not used for the level. A documented default until the Ministry of Welfare publishes its instrument.',
     0, 100, 4, 'III', TRUE, '2026-11-23');
INSERT INTO assessment_instrument_domains (instrument_code, instrument_version, domain, min_score, max_score) VALUES
    ('kopiena-default', 1, 'health', 0, 4),
    ('kopiena-default', 1, 'self_care', 0, 4),
    ('kopiena-default', 1, 'communication', 0, 4);
INSERT INTO assessment_instrument_levels (instrument_code, instrument_version, care_level, min_total) VALUES
    ('kopiena-default', 1, 'I', 0),
    ('kopiena-default', 1, 'II', 4),
    ('kopiena-default', 1, 'III', 7),
    ('kopiena-default', 1, 'IV', 10);
