-- +goose Up

-- Live updates (internal/live, internal/postgres/events.go). Every committed
-- change goes out as a small event: a row here, and a NOTIFY on the channel
-- sightline_events carrying the row's ids, sent from inside the writing
-- transaction so only committed changes go out, in commit order. Each app
-- instance LISTENs on one connection of its own and fans events out to the
-- browsers' event streams; after a lost connection it reads here what it
-- missed. Payloads carry ids, never content: a stream's page fetches what
-- it shows through the usual, authorized routes.
--
-- kind is the activity verb ('comment.added', 'epic.updated', …), 'inbox'
-- (a member's inbox changed: user_id says whose, and only that member's
-- streams receive it), 'presence' (who has an item open changed) or 'bulk'
-- (one statement wrote more than 100 activity rows, as a seed does: pages
-- refresh whole). Rows older than a day are pruned by the app.
CREATE TABLE events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         text        NOT NULL,
    item_type    text        NOT NULL DEFAULT '',
    item_id      bigint,
    actor_id     bigint,
    user_id      bigint,
    -- The moment the id was taken (not the transaction's start): a listener
    -- catching up looks back from it for transactions that took an id
    -- before and committed after the newest event it saw.
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX events_workspace_idx ON events (workspace_id, id);
CREATE INDEX events_created_idx ON events (created_at);

-- +goose StatementBegin
CREATE FUNCTION emit_event(ws bigint, k text, t text, item bigint, actor bigint, recipient bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    eid bigint;
    eat timestamptz;
BEGIN
    INSERT INTO events (workspace_id, kind, item_type, item_id, actor_id, user_id)
    VALUES (ws, k, coalesce(t, ''), item, actor, recipient) RETURNING id, created_at INTO eid, eat;
    PERFORM pg_notify('sightline_events', json_build_object(
        'id', eid, 'ws', ws, 'kind', k, 'type', coalesce(t, ''), 'item', item, 'actor', actor, 'user', recipient, 'at', eat)::text);
END $$;
-- +goose StatementEnd

-- Every audited change of a workspace is an event: the store writes an
-- activity row with each change, in its transaction.
-- +goose StatementBegin
CREATE FUNCTION activity_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    SELECT count(*) INTO n FROM new_rows WHERE workspace_id IS NOT NULL;
    IF n = 0 THEN
        RETURN NULL;
    ELSIF n > 100 THEN
        PERFORM emit_event(w, 'bulk', '', NULL, NULL, NULL)
        FROM (SELECT DISTINCT workspace_id AS w FROM new_rows WHERE workspace_id IS NOT NULL) d;
    ELSE
        PERFORM emit_event(workspace_id, verb, item_type, item_id, actor_id, NULL)
        FROM (SELECT * FROM new_rows WHERE workspace_id IS NOT NULL ORDER BY id) r;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER activity_events AFTER INSERT ON activity REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activity_events();

-- A member's inbox changed (an entry arrived, or was read): one event per
-- member a statement touched, for that member only.
-- +goose StatementBegin
CREATE FUNCTION inbox_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM emit_event(workspace_id, 'inbox', '', NULL, NULL, user_id)
    FROM (SELECT DISTINCT workspace_id, user_id FROM new_rows) d;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER inbox_entries_events_ins AFTER INSERT ON inbox_entries REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION inbox_events();
CREATE TRIGGER inbox_entries_events_upd AFTER UPDATE ON inbox_entries REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION inbox_events();

-- Presence: one row per open page of an item (an event stream that named
-- it), kept fresh by its app instance every few seconds; a row not seen for
-- 30 seconds is gone (its instance stopped without saying so). editing_at
-- is when the person last typed in one of the page's forms.
CREATE TABLE presence (
    conn         text        PRIMARY KEY,
    workspace_id bigint      NOT NULL,
    user_id      bigint      NOT NULL,
    item_type    text        NOT NULL,
    item_id      bigint      NOT NULL,
    editing_at   timestamptz,
    seen_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT presence_member_fk FOREIGN KEY (workspace_id, user_id)
        REFERENCES memberships (workspace_id, user_id) ON DELETE CASCADE
);
CREATE INDEX presence_item_idx ON presence (workspace_id, item_type, item_id);
CREATE INDEX presence_seen_idx ON presence (seen_at);

-- A member's page lists what they did lately.
CREATE INDEX activity_actor_idx ON activity (workspace_id, actor_id, created_at DESC);

-- +goose Down
DROP INDEX activity_actor_idx;
DROP TABLE presence;
DROP TRIGGER inbox_entries_events_upd ON inbox_entries;
DROP TRIGGER inbox_entries_events_ins ON inbox_entries;
DROP FUNCTION inbox_events();
DROP TRIGGER activity_events ON activity;
DROP FUNCTION activity_events();
DROP FUNCTION emit_event(bigint, text, text, bigint, bigint, bigint);
DROP TABLE events;
