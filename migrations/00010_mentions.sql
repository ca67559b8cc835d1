-- +goose Up

-- Every member has a handle in each workspace (issue 10): derived from the
-- first word of their name, lower-case letters and digits, unique in the
-- workspace (a number appended on a clash). A trigger gives a new
-- membership its handle, whatever inserts it.
ALTER TABLE memberships ADD COLUMN handle text;

-- +goose StatementBegin
CREATE FUNCTION membership_handle_for(ws bigint, uid bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    base text;
    cand text;
    n int := 1;
BEGIN
    SELECT left(lower(regexp_replace(split_part(name, ' ', 1), '[^a-zA-Z0-9]', '', 'g')), 24) INTO base FROM users WHERE id = uid;
    IF base IS NULL OR base = '' THEN
        base := 'member';
    END IF;
    cand := base;
    WHILE EXISTS (SELECT 1 FROM memberships WHERE workspace_id = ws AND handle = cand) LOOP
        n := n + 1;
        cand := base || n;
    END LOOP;
    RETURN cand;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE m record;
BEGIN
    FOR m IN SELECT id, workspace_id, user_id FROM memberships ORDER BY workspace_id, id LOOP
        UPDATE memberships SET handle = membership_handle_for(m.workspace_id, m.user_id) WHERE id = m.id;
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION membership_handle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.handle IS NULL THEN
        NEW.handle := membership_handle_for(NEW.workspace_id, NEW.user_id);
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd

CREATE TRIGGER memberships_handle BEFORE INSERT ON memberships FOR EACH ROW EXECUTE FUNCTION membership_handle();
ALTER TABLE memberships ALTER COLUMN handle SET NOT NULL;
ALTER TABLE memberships ADD CONSTRAINT memberships_handle_check CHECK (handle ~ '^[a-z0-9][a-z0-9._-]{0,29}$');
ALTER TABLE memberships ADD CONSTRAINT memberships_workspace_handle_key UNIQUE (workspace_id, handle);

-- The inbox: what asks for a member's attention in a workspace. For now, a
-- mention in a comment. Scoped like every row: the recipient is a member of
-- the workspace (removed with the membership) and the comment is of the
-- same workspace.
CREATE TABLE inbox_entries (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      bigint NOT NULL,
    kind         text   NOT NULL CHECK (kind IN ('mention')),
    comment_id   bigint NOT NULL,
    actor_id     bigint REFERENCES users (id) ON DELETE SET NULL,
    read_at      timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT inbox_entries_workspace_id_key UNIQUE (workspace_id, id),
    CONSTRAINT inbox_entries_member_fk FOREIGN KEY (workspace_id, user_id) REFERENCES memberships (workspace_id, user_id) ON DELETE CASCADE,
    CONSTRAINT inbox_entries_comment_fk FOREIGN KEY (workspace_id, comment_id) REFERENCES comments (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT inbox_entries_once UNIQUE (workspace_id, user_id, kind, comment_id)
);
CREATE INDEX inbox_entries_user_idx ON inbox_entries (workspace_id, user_id, created_at DESC, id DESC);
CREATE INDEX inbox_entries_unread_idx ON inbox_entries (workspace_id, user_id) WHERE read_at IS NULL;

-- +goose Down
DROP TABLE inbox_entries;
DROP TRIGGER memberships_handle ON memberships;
DROP FUNCTION membership_handle();
DROP FUNCTION membership_handle_for(bigint, bigint);
ALTER TABLE memberships DROP COLUMN handle;
