-- +goose Up

-- Comments on every kind of item (issue 10). A comment belongs to one item
-- of its workspace: item_type names the kind, item_id the row, and one
-- generated column per kind carries the id into a composite foreign key, so
-- the database refuses a comment on another workspace's item and removes
-- the comments with their item. A reply (parent_id) must sit on the same
-- item (the composite key to the parent includes it); the store keeps
-- replies one level deep. A deleted comment stays as a tombstone (body
-- emptied, deleted_at set) so its thread still reads.
CREATE TABLE comments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id    bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    item_type       text   NOT NULL CHECK (item_type IN ('epic', 'pain', 'shift', 'initiative', 'goal', 'arch_item', 'concern', 'decision', 'roadmap_item')),
    item_id         bigint NOT NULL,
    epic_id         bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'epic' THEN item_id END) STORED,
    pain_id         bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'pain' THEN item_id END) STORED,
    shift_id        bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'shift' THEN item_id END) STORED,
    initiative_id   bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'initiative' THEN item_id END) STORED,
    goal_id         bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'goal' THEN item_id END) STORED,
    arch_item_id    bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'arch_item' THEN item_id END) STORED,
    concern_id      bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'concern' THEN item_id END) STORED,
    decision_id     bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'decision' THEN item_id END) STORED,
    roadmap_item_id bigint GENERATED ALWAYS AS (CASE WHEN item_type = 'roadmap_item' THEN item_id END) STORED,
    parent_id       bigint,
    author_id       bigint REFERENCES users (id) ON DELETE SET NULL,
    body            text   NOT NULL CHECK (char_length(body) <= 10000),
    edited_at       timestamptz,
    resolved_at     timestamptz,
    resolved_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    deleted_at      timestamptz,
    deleted_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT comments_workspace_id_key UNIQUE (workspace_id, id),
    CONSTRAINT comments_item_key UNIQUE (workspace_id, item_type, item_id, id),
    CONSTRAINT comments_parent_fk FOREIGN KEY (workspace_id, item_type, item_id, parent_id)
        REFERENCES comments (workspace_id, item_type, item_id, id) ON DELETE CASCADE,
    CONSTRAINT comments_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id),
    CONSTRAINT comments_body_unless_deleted CHECK (deleted_at IS NOT NULL OR char_length(btrim(body)) > 0),
    CONSTRAINT comments_epic_fk FOREIGN KEY (workspace_id, epic_id) REFERENCES epics (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT comments_pain_fk FOREIGN KEY (workspace_id, pain_id) REFERENCES pain_notes (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT comments_shift_fk FOREIGN KEY (workspace_id, shift_id) REFERENCES strategy_shifts (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT comments_initiative_fk FOREIGN KEY (workspace_id, initiative_id) REFERENCES initiatives (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT comments_goal_fk FOREIGN KEY (workspace_id, goal_id) REFERENCES goals (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT comments_arch_item_fk FOREIGN KEY (workspace_id, arch_item_id) REFERENCES arch_items (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT comments_concern_fk FOREIGN KEY (workspace_id, concern_id) REFERENCES nfr_concerns (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT comments_decision_fk FOREIGN KEY (workspace_id, decision_id) REFERENCES decisions (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT comments_roadmap_item_fk FOREIGN KEY (workspace_id, roadmap_item_id) REFERENCES roadmap_items (workspace_id, id) ON DELETE CASCADE
);
-- An item's threads in order; counts per item for lists.
CREATE INDEX comments_item_idx ON comments (workspace_id, item_type, item_id, created_at, id);
CREATE INDEX comments_parent_idx ON comments (workspace_id, parent_id) WHERE parent_id IS NOT NULL;

-- +goose Down
DROP TABLE comments;
