-- Handoff notifications. A conversation's "open episode" runs from the moment it is handed to a
-- person (status open) until it leaves open (resolved, pending, snoozed). One notification per
-- episode: our own handoff and the status webhook that follows it share the episode, and a
-- conversation opened again later starts a new one.
CREATE TABLE conversation_episodes (
    account_id BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL,
    episode BIGINT NOT NULL,
    notified BIGINT NOT NULL,
    status TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, conversation_id)
);
