-- Article embeddings, so that a restart or an unchanged article costs no call to the embedding endpoint.
-- One row per article of a portal's locale; content_hash is SHA-256 of the model name and the exact text
-- embedded, so a changed article or another model shows as a different hash and is embedded again.
-- The vector is base64 of little-endian float32 values in TEXT: the same column type and the same
-- Dapper mapping in both dialects (a BLOB/BYTEA would need a placeholder and per-dialect parameters), at a
-- third more space, which for a help center's few thousand articles is a few megabytes.
CREATE TABLE article_embeddings (
    portal_slug TEXT NOT NULL,
    locale TEXT NOT NULL,
    article_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    model TEXT NOT NULL,
    dimensions BIGINT NOT NULL,
    vector TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (portal_slug, locale, article_id)
);
