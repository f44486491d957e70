-- Check values of the keys that protect personal data (issue 16): HMAC-SHA256 of a fixed text
-- under each key, recorded by the first start. The service refuses to start with other keys,
-- which could neither read the stored personal codes nor find a registered one again.
CREATE TABLE key_checks (
    name TEXT PRIMARY KEY,
    check_value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
