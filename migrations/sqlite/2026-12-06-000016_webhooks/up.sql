-- Webhooks (issue 16): subscriptions of a municipality or a provider to the change feed, and
-- one delivery per event and subscription, retried until delivered or given up.
CREATE TABLE webhook_subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    -- The owner: exactly one of the two.
    owner_municipality TEXT NULL REFERENCES municipalities (code),
    owner_provider_id BIGINT NULL REFERENCES providers (id),
    created_by TEXT NOT NULL,
    url TEXT NOT NULL,
    -- The event types (`domain::change::ChangeType`), comma-separated.
    event_types TEXT NOT NULL,
    -- The signing secret, encrypted like personal codes (AES-256-GCM).
    secret TEXT NOT NULL,
    -- The feed position up to which deliveries have been made out.
    after_seq BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK ((owner_municipality IS NULL) <> (owner_provider_id IS NULL))
);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    subscription_id BIGINT NOT NULL REFERENCES webhook_subscriptions (id),
    change_seq BIGINT NOT NULL REFERENCES changes (seq),
    status TEXT NOT NULL,
    -- Attempts begun, the one under way included.
    attempts INTEGER NOT NULL,
    -- When the next attempt is due; while one is under way, when its claim lapses.
    next_attempt_at TIMESTAMP NOT NULL,
    last_attempt_at TIMESTAMP NULL,
    response_status INTEGER NULL,
    error TEXT NULL,
    delivered_at TIMESTAMP NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (subscription_id, change_seq)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
