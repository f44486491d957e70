-- Expired idempotency keys are deleted hourly by creation time.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
