-- +goose Up

-- Issue 10, the rest of the inbox: requests that close themselves, watches,
-- replies, and mentions in an item's own text. Every row is scoped by
-- workspace and points at items of its own workspace only, through one
-- generated column per kind and a composite foreign key (as comments do).

-- Watches: a member follows an item. Owning an epic, creating an item or
-- commenting on it starts watching it (written by the triggers below);
-- "Watch" and "Unwatch" set watching by hand, and a hand-made unwatch stays:
-- the automatic ones never turn it back on.
CREATE TABLE watches (
    workspace_id    bigint  NOT NULL,
    user_id         bigint  NOT NULL,
    item_type       text    NOT NULL CHECK (item_type IN ('epic', 'pain', 'shift', 'initiative', 'goal', 'arch_item', 'concern', 'decision', 'roadmap_item')),
    item_id         bigint  NOT NULL,
    epic_id         bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'epic' THEN item_id END) STORED,
    pain_id         bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'pain' THEN item_id END) STORED,
    shift_id        bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'shift' THEN item_id END) STORED,
    initiative_id   bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'initiative' THEN item_id END) STORED,
    goal_id         bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'goal' THEN item_id END) STORED,
    arch_item_id    bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'arch_item' THEN item_id END) STORED,
    concern_id      bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'concern' THEN item_id END) STORED,
    decision_id     bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'decision' THEN item_id END) STORED,
    roadmap_item_id bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'roadmap_item' THEN item_id END) STORED,
    watching        boolean NOT NULL DEFAULT true,
    reason          text    NOT NULL CHECK (reason IN ('owner', 'creator', 'commenter', 'chosen')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, user_id, item_type, item_id),
    CONSTRAINT watches_member_fk FOREIGN KEY (workspace_id, user_id) REFERENCES memberships (workspace_id, user_id) ON DELETE CASCADE,
    CONSTRAINT watches_epic_fk FOREIGN KEY (workspace_id, epic_id) REFERENCES epics (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT watches_pain_fk FOREIGN KEY (workspace_id, pain_id) REFERENCES pain_notes (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT watches_shift_fk FOREIGN KEY (workspace_id, shift_id) REFERENCES strategy_shifts (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT watches_initiative_fk FOREIGN KEY (workspace_id, initiative_id) REFERENCES initiatives (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT watches_goal_fk FOREIGN KEY (workspace_id, goal_id) REFERENCES goals (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT watches_arch_item_fk FOREIGN KEY (workspace_id, arch_item_id) REFERENCES arch_items (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT watches_concern_fk FOREIGN KEY (workspace_id, concern_id) REFERENCES nfr_concerns (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT watches_decision_fk FOREIGN KEY (workspace_id, decision_id) REFERENCES decisions (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT watches_roadmap_item_fk FOREIGN KEY (workspace_id, roadmap_item_id) REFERENCES roadmap_items (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX watches_item_idx ON watches (workspace_id, item_type, item_id) WHERE watching;

-- Requests: someone asks a member for a piece of work on an item. One row
-- per recipient; it closes by itself (done_at, done_by) when the work is
-- done — the triggers below watch the tables where the work lands. The
-- recipient is a member when asked (checked here) but the request outlives
-- their membership, so a page can say "no longer in this workspace".
CREATE TABLE requests (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         text   NOT NULL CHECK (kind IN ('estimate', 'feasibility', 'stance', 'shift_ack')),
    item_type    text   NOT NULL,
    item_id      bigint NOT NULL,
    epic_id      bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'epic' THEN item_id END) STORED,
    decision_id  bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'decision' THEN item_id END) STORED,
    shift_id     bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'shift' THEN item_id END) STORED,
    recipient_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    requested_by bigint REFERENCES users (id) ON DELETE SET NULL,
    note         text   NOT NULL DEFAULT '' CHECK (char_length(note) <= 1000),
    created_at   timestamptz NOT NULL DEFAULT now(),
    done_at      timestamptz,
    done_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT requests_workspace_id_key UNIQUE (workspace_id, id),
    CONSTRAINT requests_kind_item CHECK (
        kind IN ('estimate', 'feasibility') AND item_type = 'epic'
        OR kind = 'stance' AND item_type = 'decision'
        OR kind = 'shift_ack' AND item_type = 'shift'),
    CONSTRAINT requests_epic_fk FOREIGN KEY (workspace_id, epic_id) REFERENCES epics (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT requests_decision_fk FOREIGN KEY (workspace_id, decision_id) REFERENCES decisions (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT requests_shift_fk FOREIGN KEY (workspace_id, shift_id) REFERENCES strategy_shifts (workspace_id, id) ON DELETE CASCADE
);
-- One open request of a kind per item and recipient: asking again is a no-op.
CREATE UNIQUE INDEX requests_open_once ON requests (workspace_id, kind, item_type, item_id, recipient_id) WHERE done_at IS NULL;
CREATE INDEX requests_item_idx ON requests (workspace_id, item_type, item_id, created_at);

-- +goose StatementBegin
CREATE FUNCTION requests_recipient_is_member() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM memberships WHERE workspace_id = NEW.workspace_id AND user_id = NEW.recipient_id) THEN
        RAISE EXCEPTION 'the recipient of a request is a member of its workspace' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER requests_recipient_is_member BEFORE INSERT ON requests
    FOR EACH ROW EXECUTE FUNCTION requests_recipient_is_member();

-- The inbox: entries about any item. A mention in a comment or a reply
-- names the comment (and its item); a mention in an item's own text, a
-- change to a watched item and a request name the item. A watched item's
-- changes gather in one unread entry per item (the newest change shows);
-- once read, the next change opens a new one.
ALTER TABLE inbox_entries DROP CONSTRAINT inbox_entries_kind_check;
ALTER TABLE inbox_entries ADD CONSTRAINT inbox_entries_kind_check CHECK (kind IN ('mention', 'reply', 'change', 'request'));
ALTER TABLE inbox_entries DROP CONSTRAINT inbox_entries_once;
ALTER TABLE inbox_entries DROP CONSTRAINT inbox_entries_comment_fk;
ALTER TABLE inbox_entries ALTER COLUMN comment_id DROP NOT NULL;
ALTER TABLE inbox_entries ADD COLUMN item_type text, ADD COLUMN item_id bigint, ADD COLUMN request_id bigint, ADD COLUMN verb text NOT NULL DEFAULT '';
UPDATE inbox_entries e SET item_type = c.item_type, item_id = c.item_id
FROM comments c WHERE c.workspace_id = e.workspace_id AND c.id = e.comment_id;
ALTER TABLE inbox_entries ALTER COLUMN item_type SET NOT NULL, ALTER COLUMN item_id SET NOT NULL;
ALTER TABLE inbox_entries
    ADD COLUMN epic_id         bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'epic' THEN item_id END) STORED,
    ADD COLUMN pain_id         bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'pain' THEN item_id END) STORED,
    ADD COLUMN shift_id        bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'shift' THEN item_id END) STORED,
    ADD COLUMN initiative_id   bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'initiative' THEN item_id END) STORED,
    ADD COLUMN goal_id         bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'goal' THEN item_id END) STORED,
    ADD COLUMN arch_item_id    bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'arch_item' THEN item_id END) STORED,
    ADD COLUMN concern_id      bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'concern' THEN item_id END) STORED,
    ADD COLUMN decision_id     bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'decision' THEN item_id END) STORED,
    ADD COLUMN roadmap_item_id bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'roadmap_item' THEN item_id END) STORED,
    ADD CONSTRAINT inbox_entries_item_type_check CHECK (item_type IN ('epic', 'pain', 'shift', 'initiative', 'goal', 'arch_item', 'concern', 'decision', 'roadmap_item')),
    ADD CONSTRAINT inbox_entries_what CHECK (
        kind IN ('reply') AND comment_id IS NOT NULL
        OR kind = 'mention'
        OR kind = 'change' AND comment_id IS NULL
        OR kind = 'request' AND request_id IS NOT NULL),
    ADD CONSTRAINT inbox_entries_comment_fk FOREIGN KEY (workspace_id, item_type, item_id, comment_id)
        REFERENCES comments (workspace_id, item_type, item_id, id) ON DELETE CASCADE,
    ADD CONSTRAINT inbox_entries_request_fk FOREIGN KEY (workspace_id, request_id) REFERENCES requests (workspace_id, id) ON DELETE CASCADE,
    ADD CONSTRAINT inbox_entries_epic_fk FOREIGN KEY (workspace_id, epic_id) REFERENCES epics (workspace_id, id) ON DELETE CASCADE,
    ADD CONSTRAINT inbox_entries_pain_fk FOREIGN KEY (workspace_id, pain_id) REFERENCES pain_notes (workspace_id, id) ON DELETE CASCADE,
    ADD CONSTRAINT inbox_entries_shift_fk FOREIGN KEY (workspace_id, shift_id) REFERENCES strategy_shifts (workspace_id, id) ON DELETE CASCADE,
    ADD CONSTRAINT inbox_entries_initiative_fk FOREIGN KEY (workspace_id, initiative_id) REFERENCES initiatives (workspace_id, id) ON DELETE CASCADE,
    ADD CONSTRAINT inbox_entries_goal_fk FOREIGN KEY (workspace_id, goal_id) REFERENCES goals (workspace_id, id) ON DELETE CASCADE,
    ADD CONSTRAINT inbox_entries_arch_item_fk FOREIGN KEY (workspace_id, arch_item_id) REFERENCES arch_items (workspace_id, id) ON DELETE CASCADE,
    ADD CONSTRAINT inbox_entries_concern_fk FOREIGN KEY (workspace_id, concern_id) REFERENCES nfr_concerns (workspace_id, id) ON DELETE CASCADE,
    ADD CONSTRAINT inbox_entries_decision_fk FOREIGN KEY (workspace_id, decision_id) REFERENCES decisions (workspace_id, id) ON DELETE CASCADE,
    ADD CONSTRAINT inbox_entries_roadmap_item_fk FOREIGN KEY (workspace_id, roadmap_item_id) REFERENCES roadmap_items (workspace_id, id) ON DELETE CASCADE;
CREATE UNIQUE INDEX inbox_entries_comment_once ON inbox_entries (workspace_id, user_id, kind, comment_id) WHERE comment_id IS NOT NULL;
CREATE UNIQUE INDEX inbox_entries_text_mention_once ON inbox_entries (workspace_id, user_id, item_type, item_id) WHERE kind = 'mention' AND comment_id IS NULL;
CREATE UNIQUE INDEX inbox_entries_change_unread ON inbox_entries (workspace_id, user_id, item_type, item_id) WHERE kind = 'change' AND read_at IS NULL;
CREATE UNIQUE INDEX inbox_entries_request_once ON inbox_entries (workspace_id, request_id) WHERE request_id IS NOT NULL;

-- item_exists says whether an item of a workspace is there (an activity
-- row may name one deleted since, or never written by the app).
-- +goose StatementBegin
CREATE FUNCTION item_exists(ws bigint, t text, item bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE t
        WHEN 'epic' THEN EXISTS (SELECT 1 FROM epics WHERE workspace_id = ws AND id = item)
        WHEN 'pain' THEN EXISTS (SELECT 1 FROM pain_notes WHERE workspace_id = ws AND id = item)
        WHEN 'shift' THEN EXISTS (SELECT 1 FROM strategy_shifts WHERE workspace_id = ws AND id = item)
        WHEN 'initiative' THEN EXISTS (SELECT 1 FROM initiatives WHERE workspace_id = ws AND id = item)
        WHEN 'goal' THEN EXISTS (SELECT 1 FROM goals WHERE workspace_id = ws AND id = item)
        WHEN 'arch_item' THEN EXISTS (SELECT 1 FROM arch_items WHERE workspace_id = ws AND id = item)
        WHEN 'concern' THEN EXISTS (SELECT 1 FROM nfr_concerns WHERE workspace_id = ws AND id = item)
        WHEN 'decision' THEN EXISTS (SELECT 1 FROM decisions WHERE workspace_id = ws AND id = item)
        WHEN 'roadmap_item' THEN EXISTS (SELECT 1 FROM roadmap_items WHERE workspace_id = ws AND id = item)
        ELSE false END
$$;
-- +goose StatementEnd

-- From the change log: creating an item or commenting on it starts
-- watching it; a change by someone else lands in every watcher's inbox.
-- Comment replies, edits and moderation are not "changes" (replies reach
-- the thread's people as replies).
-- +goose StatementBegin
CREATE FUNCTION activity_watches() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO watches (workspace_id, user_id, item_type, item_id, reason)
    SELECT DISTINCT ON (r.workspace_id, r.actor_id, r.item_type, r.item_id)
           r.workspace_id, r.actor_id, r.item_type, r.item_id,
           CASE WHEN r.verb LIKE 'comment.%' THEN 'commenter' ELSE 'creator' END
    FROM new_rows r
    JOIN memberships m ON m.workspace_id = r.workspace_id AND m.user_id = r.actor_id
    WHERE r.item_id IS NOT NULL
      AND r.item_type IN ('epic', 'pain', 'shift', 'initiative', 'goal', 'arch_item', 'concern', 'decision', 'roadmap_item')
      AND (r.verb LIKE '%.created' OR r.verb IN ('shift.logged', 'comment.added', 'comment.replied'))
      AND item_exists(r.workspace_id, r.item_type, r.item_id)
    ORDER BY r.workspace_id, r.actor_id, r.item_type, r.item_id, r.id
    ON CONFLICT DO NOTHING;

    INSERT INTO inbox_entries (workspace_id, user_id, kind, item_type, item_id, actor_id, verb)
    SELECT DISTINCT ON (w.workspace_id, w.user_id, w.item_type, w.item_id)
           w.workspace_id, w.user_id, 'change', w.item_type, w.item_id, r.actor_id, r.verb
    FROM new_rows r
    JOIN watches w ON w.workspace_id = r.workspace_id AND w.item_type = r.item_type AND w.item_id = r.item_id AND w.watching
    WHERE r.workspace_id IS NOT NULL AND r.item_id IS NOT NULL
      AND w.user_id IS DISTINCT FROM r.actor_id
      AND r.verb NOT LIKE '%.created' AND r.verb <> 'shift.logged'
      AND r.verb NOT IN ('comment.replied', 'comment.edited', 'comment.deleted', 'comment.resolved', 'comment.reopened')
      -- Mentioned in this very change (same transaction): the mention says it.
      AND NOT EXISTS (SELECT 1 FROM inbox_entries x
                      WHERE x.workspace_id = w.workspace_id AND x.user_id = w.user_id AND x.item_type = w.item_type
                        AND x.item_id = w.item_id AND x.kind IN ('mention', 'reply') AND x.created_at = now())
    ORDER BY w.workspace_id, w.user_id, w.item_type, w.item_id, r.id DESC
    ON CONFLICT (workspace_id, user_id, item_type, item_id) WHERE kind = 'change' AND read_at IS NULL
    DO UPDATE SET actor_id = EXCLUDED.actor_id, verb = EXCLUDED.verb, created_at = now();
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER activity_watches AFTER INSERT ON activity REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activity_watches();

-- An epic's owners watch it.
-- +goose StatementBegin
CREATE FUNCTION epic_owner_watches() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO watches (workspace_id, user_id, item_type, item_id, reason)
    SELECT DISTINCT e.workspace_id, o.user_id, 'epic', e.id, 'owner'
    FROM new_rows e
    CROSS JOIN LATERAL (VALUES (e.pm_owner_id), (e.tech_owner_id)) AS o (user_id)
    JOIN memberships m ON m.workspace_id = e.workspace_id AND m.user_id = o.user_id
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER epics_owner_watches_ins AFTER INSERT ON epics REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION epic_owner_watches();
CREATE TRIGGER epics_owner_watches_upd AFTER UPDATE ON epics REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION epic_owner_watches();

-- A request lands in its recipient's inbox.
-- +goose StatementBegin
CREATE FUNCTION request_inbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO inbox_entries (workspace_id, user_id, kind, item_type, item_id, request_id, actor_id, verb)
    SELECT r.workspace_id, r.recipient_id, 'request', r.item_type, r.item_id, r.id, r.requested_by, 'request.' || r.kind
    FROM new_rows r;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER requests_inbox AFTER INSERT ON requests REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION request_inbox();

-- Every architect is asked to acknowledge a shift when it is logged (its
-- author aside).
-- +goose StatementBegin
CREATE FUNCTION shift_ack_requests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO requests (workspace_id, kind, item_type, item_id, recipient_id, requested_by)
    SELECT s.workspace_id, 'shift_ack', 'shift', s.id, m.user_id, s.logged_by
    FROM new_rows s JOIN memberships m ON m.workspace_id = s.workspace_id AND m.role = 'architect'
    WHERE m.user_id IS DISTINCT FROM s.logged_by
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER strategy_shifts_ack_requests AFTER INSERT ON strategy_shifts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shift_ack_requests();

-- Requests close themselves where the work lands, saying who did it: an
-- estimate recorded (whoever estimated), the feasibility check-in done or
-- waived (whoever recorded it), the recipient's own stance, the
-- recipient's own acknowledgement.
-- +goose StatementBegin
CREATE FUNCTION epic_requests_done() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE requests r SET done_at = now(), done_by = e.estimated_by
    FROM new_rows e JOIN old_rows o ON o.workspace_id = e.workspace_id AND o.id = e.id
    WHERE r.workspace_id = e.workspace_id AND r.epic_id = e.id AND r.kind = 'estimate' AND r.done_at IS NULL
      AND e.estimated_at IS DISTINCT FROM o.estimated_at AND e.estimated_at IS NOT NULL;
    UPDATE requests r SET done_at = now(), done_by = e.feasibility_by
    FROM new_rows e JOIN old_rows o ON o.workspace_id = e.workspace_id AND o.id = e.id
    WHERE r.workspace_id = e.workspace_id AND r.epic_id = e.id AND r.kind = 'feasibility' AND r.done_at IS NULL
      AND e.feasibility IN ('done', 'waived') AND e.feasibility IS DISTINCT FROM o.feasibility;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER epics_requests_done AFTER UPDATE ON epics REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION epic_requests_done();

-- +goose StatementBegin
CREATE FUNCTION stance_requests_done() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE requests r SET done_at = now(), done_by = s.user_id
    FROM new_rows s
    WHERE r.workspace_id = s.workspace_id AND r.decision_id = s.decision_id AND r.kind = 'stance'
      AND r.recipient_id = s.user_id AND r.done_at IS NULL;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER decision_stances_requests_done_ins AFTER INSERT ON decision_stances REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stance_requests_done();
CREATE TRIGGER decision_stances_requests_done_upd AFTER UPDATE ON decision_stances REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stance_requests_done();

-- +goose StatementBegin
CREATE FUNCTION ack_requests_done() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE requests r SET done_at = now(), done_by = a.user_id
    FROM new_rows a
    WHERE r.workspace_id = a.workspace_id AND r.shift_id = a.shift_id AND r.kind = 'shift_ack'
      AND r.recipient_id = a.user_id AND r.done_at IS NULL;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER shift_acknowledgements_requests_done AFTER INSERT ON shift_acknowledgements REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ack_requests_done();

-- A closed request changes its recipient's inbox (the entry reads "done by …").
-- +goose StatementBegin
CREATE FUNCTION request_closed_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Done by its recipient: nothing left for them to read.
    UPDATE inbox_entries e SET read_at = now()
    FROM new_rows n
    WHERE e.workspace_id = n.workspace_id AND e.request_id = n.id AND e.user_id = n.done_by AND e.read_at IS NULL;
    PERFORM emit_event(workspace_id, 'inbox', '', NULL, NULL, recipient_id)
    FROM (SELECT DISTINCT n.workspace_id, n.recipient_id FROM new_rows n) d;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER requests_closed_events AFTER UPDATE ON requests REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION request_closed_events();

-- What the existing data already implies: owners and creators watch.
INSERT INTO watches (workspace_id, user_id, item_type, item_id, reason)
SELECT DISTINCT e.workspace_id, o.user_id, 'epic', e.id, 'owner'
FROM epics e CROSS JOIN LATERAL (VALUES (e.pm_owner_id), (e.tech_owner_id)) AS o (user_id)
JOIN memberships m ON m.workspace_id = e.workspace_id AND m.user_id = o.user_id
ON CONFLICT DO NOTHING;

-- +goose Down
DROP TRIGGER requests_closed_events ON requests;
DROP FUNCTION request_closed_events();
DROP TRIGGER shift_acknowledgements_requests_done ON shift_acknowledgements;
DROP FUNCTION ack_requests_done();
DROP TRIGGER decision_stances_requests_done_upd ON decision_stances;
DROP TRIGGER decision_stances_requests_done_ins ON decision_stances;
DROP FUNCTION stance_requests_done();
DROP TRIGGER epics_requests_done ON epics;
DROP FUNCTION epic_requests_done();
DROP TRIGGER strategy_shifts_ack_requests ON strategy_shifts;
DROP FUNCTION shift_ack_requests();
DROP TRIGGER requests_inbox ON requests;
DROP FUNCTION request_inbox();
DROP TRIGGER epics_owner_watches_upd ON epics;
DROP TRIGGER epics_owner_watches_ins ON epics;
DROP FUNCTION epic_owner_watches();
DROP TRIGGER activity_watches ON activity;
DROP FUNCTION activity_watches();
DROP FUNCTION item_exists(bigint, text, bigint);
DELETE FROM inbox_entries WHERE kind <> 'mention' OR comment_id IS NULL;
DROP INDEX inbox_entries_request_once;
DROP INDEX inbox_entries_change_unread;
DROP INDEX inbox_entries_text_mention_once;
DROP INDEX inbox_entries_comment_once;
ALTER TABLE inbox_entries DROP CONSTRAINT inbox_entries_comment_fk;
ALTER TABLE inbox_entries DROP COLUMN epic_id, DROP COLUMN pain_id, DROP COLUMN shift_id, DROP COLUMN initiative_id, DROP COLUMN goal_id,
    DROP COLUMN arch_item_id, DROP COLUMN concern_id, DROP COLUMN decision_id, DROP COLUMN roadmap_item_id,
    DROP COLUMN item_type, DROP COLUMN item_id, DROP COLUMN request_id, DROP COLUMN verb;
ALTER TABLE inbox_entries ALTER COLUMN comment_id SET NOT NULL;
ALTER TABLE inbox_entries ADD CONSTRAINT inbox_entries_comment_fk FOREIGN KEY (workspace_id, comment_id) REFERENCES comments (workspace_id, id) ON DELETE CASCADE;
ALTER TABLE inbox_entries ADD CONSTRAINT inbox_entries_once UNIQUE (workspace_id, user_id, kind, comment_id);
ALTER TABLE inbox_entries DROP CONSTRAINT inbox_entries_kind_check;
ALTER TABLE inbox_entries ADD CONSTRAINT inbox_entries_kind_check CHECK (kind IN ('mention'));
DROP TABLE requests;
DROP TABLE watches;
