ALTER TABLE idempotency_keys DROP COLUMN record_id;
