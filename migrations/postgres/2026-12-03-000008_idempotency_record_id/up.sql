-- The id of the record a key created: a replay names it without reading the stored body.
ALTER TABLE idempotency_keys ADD COLUMN record_id BIGINT NULL;
