-- Webhooks: a workspace's subscriptions, and the outbox of their
-- deliveries. A delivery row is written in the same transaction as the
-- change it tells of, so a rolled-back change sends nothing and a restart
-- loses nothing; the sender works through the pending rows.
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    -- Signs each delivery (HMAC-SHA256); kept, since signing needs it.
    secret TEXT NOT NULL,
    -- The events it wants, comma-separated: item.created, item.updated, ...
    events TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX webhooks_workspace_id ON webhooks (workspace_id);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts BIGINT NOT NULL,
    -- When it is next due; while an attempt runs, when its lease ends.
    next_attempt_at BIGINT NOT NULL,
    last_status BIGINT,
    last_error TEXT,
    latency_ms BIGINT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_webhook_id ON webhook_deliveries (webhook_id, id);
