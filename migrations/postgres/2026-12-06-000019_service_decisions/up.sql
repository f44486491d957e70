-- Service decisions (issue 15): the municipality's administrative act that grants, refuses or
-- ends a service for a client, with its legal basis and appeal, and the placements it allows.

-- The legal bases a decision may name by code, besides its free-text legal basis
-- (reference/legal_bases.csv; GET /api/v1/legal-bases).
CREATE TABLE legal_bases (
    code TEXT PRIMARY KEY NOT NULL,
    label_lv TEXT NOT NULL,
    label_en TEXT NOT NULL,
    position INTEGER NOT NULL
);

INSERT INTO legal_bases (code, label_lv, label_en, position) VALUES
    ('social_services_law', 'Sociālo pakalpojumu un sociālās palīdzības likums', 'Social Services and Social Assistance Law', 1),
    ('municipal_binding_regulations', 'Pašvaldības saistošie noteikumi', 'The municipality''s binding regulations', 2),
    ('cabinet_regulations', 'Ministru kabineta noteikumi', 'Cabinet of Ministers regulations', 3),
    ('court_ruling', 'Tiesas nolēmums', 'A court ruling', 4);

CREATE TABLE service_decisions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    -- The municipality that decided (the case owner on the decision date).
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    service_type TEXT NOT NULL REFERENCES service_types (code),
    -- A named service, when the decision grants that one only.
    service_id BIGINT NULL REFERENCES services (id),
    -- granted | refused | ended (domain::decision::DecisionOutcome)
    outcome TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    legal_basis_code TEXT NULL REFERENCES legal_bases (code),
    -- commission | official (domain::decision::DecisionMaker)
    decided_by TEXT NOT NULL,
    decided_on DATE NOT NULL,
    -- Granted: the first and the last day granted (valid_to open-ended when NULL).
    -- Ended: valid_from is the first day without the service.
    valid_from DATE NULL,
    valid_to DATE NULL,
    appeal_deadline DATE NOT NULL,
    -- INV-A14: the summary of prior social and family work a VSAC placement decision attaches.
    prior_work_summary TEXT NULL,
    appealed_on DATE NULL,
    -- pending | upheld | overturned (domain::decision::AppealOutcome)
    appeal_outcome TEXT NULL,
    appeal_decided_on DATE NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (valid_to IS NULL OR (valid_from IS NOT NULL AND valid_to >= valid_from)),
    CHECK ((appealed_on IS NULL) = (appeal_outcome IS NULL))
);
CREATE INDEX service_decisions_client_idx ON service_decisions (client_id, service_type);

-- The decision that allows a placement. Placements recorded before decisions were kept have
-- none (NULL): they stand as they are; every placement made from now on names one.
ALTER TABLE placements ADD COLUMN decision_id BIGINT NULL REFERENCES service_decisions (id);
