-- Referrals (issue 15): the case owner refers its client, on a granted decision, to a service
-- (its own municipality's or another's, with the paying municipality); the provider accepts,
-- holding one place until the placement or the hold's end, or declines.
CREATE TABLE referrals (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    decision_id BIGINT NOT NULL REFERENCES service_decisions (id),
    service_id BIGINT NOT NULL REFERENCES services (id),
    -- The referring municipality (the case owner then) and the one that pays.
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    paying_municipality TEXT NOT NULL REFERENCES municipalities (code),
    -- The need-to-know summary the provider reads.
    target_group TEXT NOT NULL,
    care_level TEXT NULL,
    needed_services TEXT NOT NULL,
    consent_reference TEXT NOT NULL,
    -- referred | accepted | declined | revoked | placed (domain::referral::ReferralStatus);
    -- an accepted referral past hold_until reads as expired.
    status TEXT NOT NULL,
    decline_reason TEXT NULL,
    -- The hold on one place: from accepted_on to the day before hold_until.
    accepted_on DATE NULL,
    hold_until DATE NULL,
    placement_id BIGINT NULL REFERENCES placements (id),
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((accepted_on IS NULL) = (hold_until IS NULL))
);
CREATE INDEX referrals_client_idx ON referrals (client_id);
CREATE INDEX referrals_service_idx ON referrals (service_id, status);
