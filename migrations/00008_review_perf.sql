-- +goose Up

-- The review caches' change log (internal/postgres/reviewcache.go). Every
-- statement that changes a row the review, the dashboard's call-outs or the
-- roadmap timeline read appends one row per workspace it touched, from a
-- statement-level trigger: whatever writes (the app, a seed, psql, a test),
-- the workspace's newest id here changes. A cached result is reused only
-- while that id is the one it was computed under.
--
-- No foreign key: a deleted workspace's rows are of no use, and the
-- cascade must not fire these triggers against a table being emptied.
CREATE TABLE review_changes (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL
);
CREATE INDEX review_changes_workspace_idx ON review_changes (workspace_id, id);

-- One row per touched workspace, then drop that workspace's older rows
-- (only the newest id matters). SKIP LOCKED: two writers of one workspace
-- never wait on each other's pruning, so the log adds no lock waits and
-- no deadlocks to any write.
-- +goose StatementBegin
CREATE FUNCTION review_log_changes(ws bigint[]) RETURNS void LANGUAGE sql AS $$
    WITH added AS (
        INSERT INTO review_changes (workspace_id) SELECT DISTINCT w FROM unnest(ws) AS w WHERE w IS NOT NULL
        RETURNING id, workspace_id
    )
    DELETE FROM review_changes c
    WHERE c.id IN (
        SELECT o.id FROM review_changes o JOIN added a ON o.workspace_id = a.workspace_id AND o.id < a.id
        FOR UPDATE OF o SKIP LOCKED);
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION review_changed_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM review_log_changes(ARRAY(SELECT DISTINCT workspace_id FROM new_rows));
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION review_changed_upd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM review_log_changes(ARRAY(SELECT workspace_id FROM new_rows UNION SELECT workspace_id FROM old_rows));
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION review_changed_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM review_log_changes(ARRAY(SELECT DISTINCT workspace_id FROM old_rows));
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- The tables the cached statements read. A trigger with transition tables
-- takes one event, hence three per table.
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['epics', 'initiatives', 'arch_items', 'epic_arch_links', 'nfr_impacts', 'nfr_concerns',
                             'concern_items', 'decisions', 'decision_epics', 'roadmap_items', 'epic_roadmap_items'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION review_changed_ins()', t || '_review_ins', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION review_changed_upd()', t || '_review_upd', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION review_changed_del()', t || '_review_del', t);
    END LOOP;
END $$;
-- +goose StatementEnd

-- The call-out "committed without an estimate": the check constraint
-- epics_commit_needs_estimate keeps it empty, and this index lets the
-- statement see so without reading the committed epics.
CREATE INDEX epics_committed_unestimated_idx ON epics (workspace_id, committed_on)
    WHERE committed_on IS NOT NULL AND estimate_size IS NULL;

-- +goose Down
DROP INDEX epics_committed_unestimated_idx;
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['epics', 'initiatives', 'arch_items', 'epic_arch_links', 'nfr_impacts', 'nfr_concerns',
                             'concern_items', 'decisions', 'decision_epics', 'roadmap_items', 'epic_roadmap_items'] LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_review_ins', t);
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_review_upd', t);
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_review_del', t);
    END LOOP;
END $$;
-- +goose StatementEnd
DROP FUNCTION review_changed_del();
DROP FUNCTION review_changed_upd();
DROP FUNCTION review_changed_ins();
DROP FUNCTION review_log_changes(bigint[]);
DROP TABLE review_changes;
