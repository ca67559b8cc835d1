-- +goose Up

-- The supersede chain: a decision points to its successor only when it is
-- superseded, never to itself, and "what did this one replace?" is an index
-- lookup.
ALTER TABLE decisions
    ADD CONSTRAINT decisions_successor_only_when_superseded CHECK (superseded_by_id IS NULL OR status = 'superseded'),
    ADD CONSTRAINT decisions_not_own_successor CHECK (superseded_by_id IS NULL OR superseded_by_id <> id);
CREATE INDEX decisions_superseded_by_idx ON decisions (workspace_id, superseded_by_id) WHERE superseded_by_id IS NOT NULL;

-- +goose Down
DROP INDEX decisions_superseded_by_idx;
ALTER TABLE decisions
    DROP CONSTRAINT decisions_not_own_successor,
    DROP CONSTRAINT decisions_successor_only_when_superseded;
