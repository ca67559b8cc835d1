-- +goose Up

-- Webhooks (issue 13): an owner sends chosen events of the workspace to
-- Slack, Microsoft Teams (a Workflows webhook) or any program (generic
-- JSON signed with the webhook's secret).
--
-- The outbox: every change of the app writes its activity row in the
-- writing transaction (internal/postgres/activity.go); a trigger on
-- activity turns the rows that are events a webhook chose into deliveries,
-- in that same transaction, so a change committed is a delivery owed and a
-- change rolled back is none. Workers of any instance take due deliveries
-- one at a time with FOR UPDATE SKIP LOCKED and record the outcome in the
-- same transaction, so two instances never send one delivery twice and a
-- crash mid-send leaves it to be sent again (at least once, never twice at
-- the same time; a receiver dedupes on X-Sightline-Delivery).
CREATE TABLE webhooks (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id    bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind            text        NOT NULL CHECK (kind IN ('slack', 'teams', 'generic')),
    name            text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    url             text        NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
    events          text[]      NOT NULL CHECK (cardinality(events) > 0 AND events <@ ARRAY['shift_logged', 'shift_acknowledged',
                    'epic_committed', 'epic_ready', 'blocking_impact', 'decision_accepted', 'objection_recorded']),
    -- The generic kind's signing key (HMAC needs the key itself, so it is
    -- kept, shown to owners only); empty for Slack and Teams.
    secret          text        NOT NULL DEFAULT '',
    -- One address the owner allowed though it is private (an internal
    -- receiver); empty: only public addresses.
    allowed_address text        NOT NULL DEFAULT '' CHECK (length(allowed_address) <= 45),
    failures        integer     NOT NULL DEFAULT 0, -- failed attempts in a row
    paused_at       timestamptz,
    paused_reason   text        NOT NULL DEFAULT '',
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    version         integer     NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_workspace_idx ON webhooks (workspace_id, id);

CREATE TABLE webhook_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id      bigint      NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    workspace_id    bigint      NOT NULL,
    event           text        NOT NULL,
    payload         jsonb       NOT NULL,
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_status     integer,
    last_error      text        NOT NULL DEFAULT '',
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id DESC);

-- webhook_event names the event an activity row is, or NULL.
-- +goose StatementBegin
CREATE FUNCTION webhook_event(verb text, changes jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN verb = 'shift.logged' THEN 'shift_logged'
        WHEN verb = 'shift.acknowledged' THEN 'shift_acknowledged'
        WHEN verb = 'epic.committed' AND changes -> 'committed_on' ->> 'to' IS NOT NULL THEN 'epic_committed'
        WHEN verb = 'epic.status_changed' AND changes -> 'status' ->> 'to' = 'ready' THEN 'epic_ready'
        WHEN verb IN ('impact.added', 'impact.updated') AND changes -> 'level' ->> 'to' = 'blocking' THEN 'blocking_impact'
        WHEN verb = 'decision.updated' AND changes -> 'status' ->> 'to' = 'accepted' THEN 'decision_accepted'
        WHEN verb = 'decision.stance_recorded' AND changes -> 'stance' ->> 'to' = 'object' THEN 'objection_recorded'
    END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (webhook_id, workspace_id, event, payload)
    SELECT h.id, n.workspace_id, e.event, jsonb_build_object(
        'event', e.event, 'workspace', w.slug, 'workspace_name', w.name, 'actor', coalesce(u.name, ''),
        'summary', n.summary, 'item_type', coalesce(n.item_type, ''), 'item_id', coalesce(n.item_id, 0),
        -- a decision's page is named by its number
        'item_ref', CASE WHEN n.item_type = 'decision'
                         THEN (SELECT d.number FROM decisions d WHERE d.workspace_id = n.workspace_id AND d.id = n.item_id)
                         ELSE n.item_id END,
        'at', n.created_at, 'changes', n.changes)
    FROM new_rows n
    CROSS JOIN LATERAL (SELECT webhook_event(n.verb, n.changes) AS event) e
    -- a paused webhook is owed its events too: they go out when it resumes
    JOIN webhooks h ON h.workspace_id = n.workspace_id AND e.event = ANY (h.events)
    JOIN workspaces w ON w.id = n.workspace_id
    LEFT JOIN users u ON u.id = n.actor_id
    WHERE e.event IS NOT NULL;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER activity_webhook_outbox AFTER INSERT ON activity REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION webhook_outbox();

-- +goose Down
DROP TRIGGER activity_webhook_outbox ON activity;
DROP FUNCTION webhook_outbox();
DROP FUNCTION webhook_event(text, jsonb);
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
