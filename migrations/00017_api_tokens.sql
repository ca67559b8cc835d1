-- +goose Up

-- Personal access tokens (issue 13). A token is for one workspace and acts
-- with its owner's role there at the time of each request (the membership
-- is read on every call; a removed member's tokens go with the
-- membership). Only a hash of the secret is kept: the token itself is shown
-- once. `lookup` is the token's public part (it names the row, in logs
-- too); the secret's SHA-256 is compared in constant time.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint      NOT NULL,
    user_id      bigint      NOT NULL,
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scope        text        NOT NULL CHECK (scope IN ('read', 'write')),
    lookup       text        NOT NULL UNIQUE CHECK (length(lookup) = 12),
    secret_hash  bytea       NOT NULL CHECK (length(secret_hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    last_used_ip text        NOT NULL DEFAULT '',
    revoked_at   timestamptz,
    revoked_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT api_tokens_member_fk FOREIGN KEY (workspace_id, user_id) REFERENCES memberships (workspace_id, user_id) ON DELETE CASCADE,
    CHECK (expires_at > created_at AND expires_at <= created_at + interval '366 days')
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC);
CREATE INDEX api_tokens_workspace_idx ON api_tokens (workspace_id, created_at DESC);

-- +goose Down
DROP TABLE api_tokens;
