-- The first schema. {{id}} is an auto-incrementing 64-bit primary key in each dialect.
-- Times are Unix milliseconds (BIGINT) so both dialects compare them the same way.

CREATE TABLE webhook_inbox (
    id {{id}},
    source TEXT NOT NULL,
    event_key TEXT NOT NULL,
    event_type TEXT NOT NULL,
    ordering_key TEXT,
    payload TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT,
    locked_by TEXT,
    last_error TEXT,
    processed_at BIGINT,
    CONSTRAINT ux_webhook_inbox_event UNIQUE (source, event_key)
);
CREATE INDEX ix_webhook_inbox_due ON webhook_inbox (state, next_attempt_at);
CREATE INDEX ix_webhook_inbox_ordering ON webhook_inbox (ordering_key, state);

CREATE TABLE outbox (
    id {{id}},
    kind TEXT NOT NULL,
    dedup_key TEXT NOT NULL,
    ordering_key TEXT,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    state TEXT NOT NULL,
    progress BIGINT NOT NULL DEFAULT 0,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT,
    locked_by TEXT,
    last_error TEXT,
    sent_at BIGINT,
    CONSTRAINT ux_outbox_dedup UNIQUE (dedup_key)
);
CREATE INDEX ix_outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX ix_outbox_ordering ON outbox (ordering_key, state);

CREATE TABLE conversation_messages (
    account_id BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, conversation_id, message_id)
);

CREATE TABLE bot_decisions (
    id {{id}},
    account_id BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    provider_pubkey TEXT,
    portal_slug TEXT,
    locale TEXT,
    question TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL,
    article_ids TEXT NOT NULL,
    scores TEXT NOT NULL,
    top_score DOUBLE PRECISION,
    llm_used BIGINT NOT NULL,
    elapsed_ms BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT ux_bot_decisions_message UNIQUE (account_id, conversation_id, message_id)
);
CREATE INDEX ix_bot_decisions_conversation ON bot_decisions (account_id, conversation_id, created_at);

CREATE TABLE handoffs (
    id {{id}},
    dedup_key TEXT NOT NULL,
    account_id BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL,
    provider_pubkey TEXT,
    contract_id TEXT,
    reason TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    notified_at BIGINT,
    CONSTRAINT ux_handoffs_dedup UNIQUE (dedup_key)
);
CREATE INDEX ix_handoffs_conversation ON handoffs (account_id, conversation_id, created_at);

CREATE TABLE providers (
    pubkey TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);

CREATE TABLE contracts (
    contract_id TEXT PRIMARY KEY,
    provider_pubkey TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE notification_configs (
    provider_pubkey TEXT PRIMARY KEY,
    chatwoot_portal_slug TEXT,
    notify_via TEXT NOT NULL,
    telegram_chat_id BIGINT,
    notify_phone TEXT,
    notify_email TEXT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE request_nonces (
    public_key TEXT NOT NULL,
    nonce TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (public_key, nonce)
);
CREATE INDEX ix_request_nonces_expiry ON request_nonces (expires_at);

CREATE TABLE telegram_link_codes (
    code TEXT PRIMARY KEY,
    provider_pubkey TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    chat_id BIGINT
);

CREATE TABLE telegram_message_links (
    chat_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL,
    provider_pubkey TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
