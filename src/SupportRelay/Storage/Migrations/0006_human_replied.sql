-- A person's public reply does not change a pending conversation's status in Chatwoot (outside Captain
-- inboxes), so the status alone cannot tell the bot to stay quiet. human_replied_at is set when an agent (a
-- user, not the bot) posts a public message, and cleared when the conversation is handed back to the bot
-- (set pending after being something else, or resolved). Null: the bot may answer.
ALTER TABLE conversation_episodes ADD COLUMN human_replied_at BIGINT;

-- The inbox of each message kept: the inboxes the bot serves are those whose messages reached it, and only
-- their conversations (or ones it saw) are the bot's to announce or to answer late.
ALTER TABLE conversation_messages ADD COLUMN inbox_id BIGINT;
CREATE INDEX ix_conversation_messages_inbox ON conversation_messages (account_id, inbox_id);
