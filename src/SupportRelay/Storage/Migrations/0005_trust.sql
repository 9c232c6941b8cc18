-- Providers exist because the operator says so, and nothing is sent to a destination nobody proved.

-- A provider is enrolled by the operator (the admin API, a contract mapped to it, or the configuration).
-- Rows that providers created for themselves before enrolment existed stay, not enrolled.
ALTER TABLE providers ADD COLUMN enrolled_at BIGINT;
ALTER TABLE providers ADD COLUMN enrolled_by TEXT;
INSERT INTO providers (pubkey, created_at)
SELECT DISTINCT provider_pubkey, 0 FROM contracts WHERE true
ON CONFLICT (pubkey) DO NOTHING;
UPDATE providers SET enrolled_at = created_at, enrolled_by = 'contract'
WHERE pubkey IN (SELECT provider_pubkey FROM contracts);

-- Where a provider may be notified: a Telegram chat, a phone number, an e-mail address. A destination is
-- usable once verified_at is set: a chat by /start <code> or by the "Link this chat" button posted in it,
-- a phone or an address by the code sent to it. code_hash is SHA-256 of the code (never the code itself);
-- link_hash likewise of the e-mail link's token or the chat button's token.
CREATE TABLE provider_destinations (
    provider_pubkey TEXT NOT NULL,
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    verified_at BIGINT,
    code_hash TEXT,
    link_hash TEXT,
    code_expires_at BIGINT,
    code_attempts BIGINT NOT NULL DEFAULT 0,
    code_sent_at BIGINT,
    PRIMARY KEY (provider_pubkey, channel, address)
);
CREATE INDEX ix_provider_destinations_link ON provider_destinations (link_hash);

-- Chats linked with /start <code> before this migration were proven by the code.
INSERT INTO provider_destinations (provider_pubkey, channel, address, created_at, verified_at)
SELECT provider_pubkey, 'telegram', CAST(chat_id AS TEXT), MAX(used_at), MAX(used_at) FROM telegram_link_codes
WHERE used_at IS NOT NULL AND chat_id IS NOT NULL
GROUP BY provider_pubkey, chat_id
ON CONFLICT (provider_pubkey, channel, address) DO NOTHING;

-- Every message that costs the operator money or reaches a person who did not ask for it, counted for the
-- caps: test notifications, verification codes, chat confirmations, handoff notifications (and those held
-- back for the hourly digest). destination is a SHA-256 of channel and address, so counting needs no address.
CREATE TABLE message_log (
    id {{id}},
    provider_pubkey TEXT NOT NULL,
    purpose TEXT NOT NULL,
    channel TEXT NOT NULL,
    destination TEXT NOT NULL,
    account_id BIGINT,
    conversation_id BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX ix_message_log_provider ON message_log (provider_pubkey, purpose, created_at);
CREATE INDEX ix_message_log_destination ON message_log (destination, created_at);
CREATE INDEX ix_message_log_created ON message_log (created_at);

-- Signatures of signed webhooks accepted, until their timestamp leaves the window: a signed event replayed
-- under a fresh X-Chatwoot-Delivery is the same event (Chatwoot's own retries sign afresh).
CREATE TABLE webhook_signatures (
    signature TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX ix_webhook_signatures_expiry ON webhook_signatures (expires_at);

-- The readiness probe writes here: a database that is full or read-only is not ready.
CREATE TABLE health_probes (
    replica TEXT PRIMARY KEY,
    probed_at BIGINT NOT NULL
);
