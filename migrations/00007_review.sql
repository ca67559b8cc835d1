-- +goose Up

-- When an epic was last looked at in a review (or edited): items and epics
-- not revisited for 90 days are marked stale. arch_items has reviewed_at already.
ALTER TABLE epics ADD COLUMN reviewed_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX epics_reviewed_idx ON epics (workspace_id, reviewed_at);
CREATE INDEX arch_items_reviewed_idx ON arch_items (workspace_id, reviewed_at);

-- A review meeting: PMs and architects looked at a selection together.
CREATE TABLE reviews (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    held_on      date        NOT NULL,
    attendees    text        NOT NULL CHECK (length(attendees) BETWEEN 1 AND 1000),
    notes        text        NOT NULL DEFAULT '' CHECK (length(notes) <= 10000),
    scope        text        NOT NULL DEFAULT '' CHECK (length(scope) <= 2000),
    epic_count   integer     NOT NULL DEFAULT 0,
    item_count   integer     NOT NULL DEFAULT 0,
    created_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT reviews_workspace_id_key UNIQUE (workspace_id, id)
);
CREATE INDEX reviews_list_idx ON reviews (workspace_id, held_on DESC, id DESC);

-- Review and risk queries: committed epics, blocking/high impacts, accepted decisions per epic.
CREATE INDEX epics_committed_idx ON epics (workspace_id, committed_on) WHERE committed_on IS NOT NULL;
CREATE INDEX epics_kind_idx ON epics (workspace_id, kind, status);
CREATE INDEX epic_arch_links_epic_idx ON epic_arch_links (workspace_id, epic_id);

-- +goose Down
DROP INDEX epic_arch_links_epic_idx;
DROP INDEX epics_kind_idx;
DROP INDEX epics_committed_idx;
DROP TABLE reviews;
DROP INDEX arch_items_reviewed_idx;
DROP INDEX epics_reviewed_idx;
ALTER TABLE epics DROP COLUMN reviewed_at;
