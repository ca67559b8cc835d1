-- +goose Up

-- Users sign in with an email; the password hash is argon2id in PHC string form.
-- session_epoch is bumped when the password changes: sessions carrying an older
-- epoch are ended on their next request, on every instance.
CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text        NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    password_hash text        NOT NULL,
    session_epoch integer     NOT NULL DEFAULT 1,
    version       integer     NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE workspaces (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text        NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    vision      text        NOT NULL DEFAULT '' CHECK (length(vision) <= 20000),
    phase       text        NOT NULL DEFAULT 'growth'
                            CHECK (phase IN ('growth', 'retention', 'stability', 'profitability')),
    version     integer     NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    created_by  bigint      REFERENCES users (id) ON DELETE SET NULL,
    updated_by  bigint      REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT workspaces_slug_key UNIQUE (slug)
);

-- One role per user per workspace.
CREATE TABLE memberships (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         text        NOT NULL CHECK (role IN ('owner', 'pm', 'architect', 'engineer', 'viewer')),
    version      integer     NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    created_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    updated_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT memberships_workspace_user_key UNIQUE (workspace_id, user_id),
    -- lets other tables reference (workspace_id, id) so a link can never cross workspaces
    CONSTRAINT memberships_workspace_id_key UNIQUE (workspace_id, id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

-- Invitations are single-use links. Only the SHA-256 of the token is stored,
-- so a database leak does not hand out working links.
CREATE TABLE invitations (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email        text        NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    role         text        NOT NULL CHECK (role IN ('owner', 'pm', 'architect', 'engineer', 'viewer')),
    token_hash   bytea       NOT NULL,
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    accepted_by  bigint      REFERENCES users (id) ON DELETE SET NULL,
    revoked_at   timestamptz,
    version      integer     NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    created_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    updated_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT invitations_token_hash_key UNIQUE (token_hash),
    CONSTRAINT invitations_workspace_id_key UNIQUE (workspace_id, id)
);
CREATE INDEX invitations_workspace_idx ON invitations (workspace_id, created_at DESC);

-- The audit log: who did what to which item, when, with the changed fields.
-- workspace_id is NULL for account-level events (sign-in, password change).
CREATE TABLE activity (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint      REFERENCES workspaces (id) ON DELETE CASCADE,
    actor_id     bigint      REFERENCES users (id) ON DELETE SET NULL,
    verb         text        NOT NULL CHECK (verb ~ '^[a-z_]+\.[a-z_]+$'),
    item_type    text        NOT NULL,
    item_id      bigint,
    summary      text        NOT NULL DEFAULT '',
    changes      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    client_ip    text        NOT NULL DEFAULT '',
    subject      text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activity_workspace_idx ON activity (workspace_id, created_at DESC) WHERE workspace_id IS NOT NULL;
CREATE INDEX activity_item_idx ON activity (workspace_id, item_type, item_id, created_at DESC);
-- The sign-in rate limiter counts recent failures per account and per client IP.
CREATE INDEX activity_signin_subject_idx ON activity (subject, created_at) WHERE verb = 'signin.failed';
CREATE INDEX activity_signin_ip_idx ON activity (client_ip, created_at) WHERE verb = 'signin.failed';

-- scs session store (pgxstore).
CREATE TABLE sessions (
    token  text        PRIMARY KEY,
    data   bytea       NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- +goose Down
DROP TABLE sessions;
DROP TABLE activity;
DROP TABLE invitations;
DROP TABLE memberships;
DROP TABLE workspaces;
DROP TABLE users;
