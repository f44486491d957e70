-- What a month's claim is computed from, per adult DI client and month with a delivery of a
-- community service (`domain::subsidy::ClientMonth`): the case owner on the month's last
-- day, the assessment current then (INV-A01), whether the client was placed in a group home
-- then, and the days of every community service delivered in the month together (the latest
-- version of each). Derived from the record by `db::claim_months`, rewritten with every write
-- to the client (`db::derived::sync_client`) and every delivery recorded, and computed for
-- the whole record when this migration is applied. A claim then reads one row per client
-- instead of joining the month's deliveries, runs, assessments and placements again; the
-- tariffs and working days are applied when it is read.
CREATE TABLE claim_months (
    client_id BIGINT NOT NULL REFERENCES clients (id),
    month DATE NOT NULL,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    assessment_id BIGINT NULL,
    assessed_on DATE NULL,
    care_level TEXT NULL,
    next_reassessment_due DATE NULL,
    in_group_apartment BOOLEAN NOT NULL,
    delivered_days BIGINT NOT NULL,
    PRIMARY KEY (client_id, month)
);
-- A month's rows with every column a claim reads, so that a month is read from the index.
CREATE INDEX claim_months_month_idx ON claim_months (month, municipality, client_id,
    assessment_id, assessed_on, care_level, next_reassessment_due, in_group_apartment,
    delivered_days);
CREATE TRIGGER claim_months_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON claim_months FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
