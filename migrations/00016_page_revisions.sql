-- +goose Up

-- Page revisions (issue 12): a workspace's pages answer a conditional GET
-- with 304 Not Modified when nothing they show has changed. What they show
-- is the workspace's rows, its members' names and roles, and the time (to
-- the day); the tag of a page is made of the workspace's revision, the
-- user, the role, the day and the address (internal/server/conditional.go).
--
-- The revision is the newest id of the workspace in page_changes, a log
-- that a statement-level trigger on every table a page reads appends to,
-- so any writer counts: the app, another instance, a seed, psql. It works
-- as review_changes does (migration 00008): no writer waits on another
-- (older rows pruned with SKIP LOCKED), and because ids are taken before
-- commit, a tag is only handed out when the snapshot that read the
-- revision had no transaction in progress (then every id taken so far is
-- committed or rolled back, and any later change takes a larger id). A
-- tag handed out so stays valid exactly while the newest id is the same.
--
-- Not logged: presence (fetched by its own route, never part of a page's
-- tag), the event log, uploads and the review caches' log. No foreign key:
-- a deleted workspace's cascade must not fire into a row being deleted.
CREATE TABLE page_changes (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL
);
CREATE INDEX page_changes_workspace_idx ON page_changes (workspace_id, id);

-- +goose StatementBegin
CREATE FUNCTION page_log_changes(ws bigint[]) RETURNS void LANGUAGE sql AS $$
    WITH added AS (
        INSERT INTO page_changes (workspace_id) SELECT DISTINCT w FROM unnest(ws) AS w WHERE w IS NOT NULL
        RETURNING id, workspace_id
    )
    DELETE FROM page_changes c
    WHERE c.id IN (
        SELECT o.id FROM page_changes o JOIN added a ON o.workspace_id = a.workspace_id AND o.id < a.id
        FOR UPDATE OF o SKIP LOCKED);
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION page_changed_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM page_log_changes(ARRAY(SELECT DISTINCT workspace_id FROM new_rows));
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION page_changed_upd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM page_log_changes(ARRAY(SELECT workspace_id FROM new_rows UNION SELECT workspace_id FROM old_rows));
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION page_changed_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM page_log_changes(ARRAY(SELECT DISTINCT workspace_id FROM old_rows));
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- A workspace's own row (name, vision, phase).
-- +goose StatementBegin
CREATE FUNCTION page_workspace_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM page_log_changes(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- A person's name shows on the pages of every workspace they belong to.
-- +goose StatementBegin
CREATE FUNCTION page_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM page_log_changes(ARRAY(
        SELECT m.workspace_id FROM memberships m JOIN new_rows n ON n.id = m.user_id
        JOIN old_rows o ON o.id = n.id
        WHERE n.name IS DISTINCT FROM o.name OR n.email IS DISTINCT FROM o.email));
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER workspaces_page_upd AFTER UPDATE ON workspaces REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_workspace_changed();
CREATE TRIGGER users_page_upd AFTER UPDATE ON users REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_user_changed();

CREATE TRIGGER activity_page_ins AFTER INSERT ON activity REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER activity_page_upd AFTER UPDATE ON activity REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER activity_page_del AFTER DELETE ON activity REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER arch_items_page_ins AFTER INSERT ON arch_items REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER arch_items_page_upd AFTER UPDATE ON arch_items REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER arch_items_page_del AFTER DELETE ON arch_items REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER arch_relations_page_ins AFTER INSERT ON arch_relations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER arch_relations_page_upd AFTER UPDATE ON arch_relations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER arch_relations_page_del AFTER DELETE ON arch_relations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER comments_page_ins AFTER INSERT ON comments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER comments_page_upd AFTER UPDATE ON comments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER comments_page_del AFTER DELETE ON comments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER concern_items_page_ins AFTER INSERT ON concern_items REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER concern_items_page_upd AFTER UPDATE ON concern_items REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER concern_items_page_del AFTER DELETE ON concern_items REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER decision_concerns_page_ins AFTER INSERT ON decision_concerns REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER decision_concerns_page_upd AFTER UPDATE ON decision_concerns REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER decision_concerns_page_del AFTER DELETE ON decision_concerns REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER decision_counters_page_ins AFTER INSERT ON decision_counters REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER decision_counters_page_upd AFTER UPDATE ON decision_counters REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER decision_counters_page_del AFTER DELETE ON decision_counters REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER decision_epics_page_ins AFTER INSERT ON decision_epics REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER decision_epics_page_upd AFTER UPDATE ON decision_epics REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER decision_epics_page_del AFTER DELETE ON decision_epics REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER decision_items_page_ins AFTER INSERT ON decision_items REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER decision_items_page_upd AFTER UPDATE ON decision_items REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER decision_items_page_del AFTER DELETE ON decision_items REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER decision_shifts_page_ins AFTER INSERT ON decision_shifts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER decision_shifts_page_upd AFTER UPDATE ON decision_shifts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER decision_shifts_page_del AFTER DELETE ON decision_shifts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER decision_stances_page_ins AFTER INSERT ON decision_stances REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER decision_stances_page_upd AFTER UPDATE ON decision_stances REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER decision_stances_page_del AFTER DELETE ON decision_stances REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER decisions_page_ins AFTER INSERT ON decisions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER decisions_page_upd AFTER UPDATE ON decisions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER decisions_page_del AFTER DELETE ON decisions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER epic_arch_links_page_ins AFTER INSERT ON epic_arch_links REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER epic_arch_links_page_upd AFTER UPDATE ON epic_arch_links REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER epic_arch_links_page_del AFTER DELETE ON epic_arch_links REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER epic_pains_page_ins AFTER INSERT ON epic_pains REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER epic_pains_page_upd AFTER UPDATE ON epic_pains REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER epic_pains_page_del AFTER DELETE ON epic_pains REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER epic_roadmap_items_page_ins AFTER INSERT ON epic_roadmap_items REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER epic_roadmap_items_page_upd AFTER UPDATE ON epic_roadmap_items REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER epic_roadmap_items_page_del AFTER DELETE ON epic_roadmap_items REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER epics_page_ins AFTER INSERT ON epics REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER epics_page_upd AFTER UPDATE ON epics REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER epics_page_del AFTER DELETE ON epics REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER goals_page_ins AFTER INSERT ON goals REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER goals_page_upd AFTER UPDATE ON goals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER goals_page_del AFTER DELETE ON goals REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER inbox_entries_page_ins AFTER INSERT ON inbox_entries REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER inbox_entries_page_upd AFTER UPDATE ON inbox_entries REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER inbox_entries_page_del AFTER DELETE ON inbox_entries REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER initiatives_page_ins AFTER INSERT ON initiatives REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER initiatives_page_upd AFTER UPDATE ON initiatives REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER initiatives_page_del AFTER DELETE ON initiatives REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER invitations_page_ins AFTER INSERT ON invitations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER invitations_page_upd AFTER UPDATE ON invitations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER invitations_page_del AFTER DELETE ON invitations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER memberships_page_ins AFTER INSERT ON memberships REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER memberships_page_upd AFTER UPDATE ON memberships REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER memberships_page_del AFTER DELETE ON memberships REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER nfr_concerns_page_ins AFTER INSERT ON nfr_concerns REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER nfr_concerns_page_upd AFTER UPDATE ON nfr_concerns REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER nfr_concerns_page_del AFTER DELETE ON nfr_concerns REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER nfr_impacts_page_ins AFTER INSERT ON nfr_impacts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER nfr_impacts_page_upd AFTER UPDATE ON nfr_impacts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER nfr_impacts_page_del AFTER DELETE ON nfr_impacts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER pain_notes_page_ins AFTER INSERT ON pain_notes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER pain_notes_page_upd AFTER UPDATE ON pain_notes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER pain_notes_page_del AFTER DELETE ON pain_notes REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER phase_pressures_page_ins AFTER INSERT ON phase_pressures REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER phase_pressures_page_upd AFTER UPDATE ON phase_pressures REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER phase_pressures_page_del AFTER DELETE ON phase_pressures REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER requests_page_ins AFTER INSERT ON requests REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER requests_page_upd AFTER UPDATE ON requests REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER requests_page_del AFTER DELETE ON requests REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER reviews_page_ins AFTER INSERT ON reviews REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER reviews_page_upd AFTER UPDATE ON reviews REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER reviews_page_del AFTER DELETE ON reviews REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER roadmap_items_page_ins AFTER INSERT ON roadmap_items REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER roadmap_items_page_upd AFTER UPDATE ON roadmap_items REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER roadmap_items_page_del AFTER DELETE ON roadmap_items REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER shift_acknowledgements_page_ins AFTER INSERT ON shift_acknowledgements REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER shift_acknowledgements_page_upd AFTER UPDATE ON shift_acknowledgements REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER shift_acknowledgements_page_del AFTER DELETE ON shift_acknowledgements REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER strategy_shifts_page_ins AFTER INSERT ON strategy_shifts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER strategy_shifts_page_upd AFTER UPDATE ON strategy_shifts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER strategy_shifts_page_del AFTER DELETE ON strategy_shifts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();
CREATE TRIGGER watches_page_ins AFTER INSERT ON watches REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_ins();
CREATE TRIGGER watches_page_upd AFTER UPDATE ON watches REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_upd();
CREATE TRIGGER watches_page_del AFTER DELETE ON watches REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_changed_del();

-- +goose Down
DROP TRIGGER activity_page_ins ON activity;
DROP TRIGGER activity_page_upd ON activity;
DROP TRIGGER activity_page_del ON activity;
DROP TRIGGER arch_items_page_ins ON arch_items;
DROP TRIGGER arch_items_page_upd ON arch_items;
DROP TRIGGER arch_items_page_del ON arch_items;
DROP TRIGGER arch_relations_page_ins ON arch_relations;
DROP TRIGGER arch_relations_page_upd ON arch_relations;
DROP TRIGGER arch_relations_page_del ON arch_relations;
DROP TRIGGER comments_page_ins ON comments;
DROP TRIGGER comments_page_upd ON comments;
DROP TRIGGER comments_page_del ON comments;
DROP TRIGGER concern_items_page_ins ON concern_items;
DROP TRIGGER concern_items_page_upd ON concern_items;
DROP TRIGGER concern_items_page_del ON concern_items;
DROP TRIGGER decision_concerns_page_ins ON decision_concerns;
DROP TRIGGER decision_concerns_page_upd ON decision_concerns;
DROP TRIGGER decision_concerns_page_del ON decision_concerns;
DROP TRIGGER decision_counters_page_ins ON decision_counters;
DROP TRIGGER decision_counters_page_upd ON decision_counters;
DROP TRIGGER decision_counters_page_del ON decision_counters;
DROP TRIGGER decision_epics_page_ins ON decision_epics;
DROP TRIGGER decision_epics_page_upd ON decision_epics;
DROP TRIGGER decision_epics_page_del ON decision_epics;
DROP TRIGGER decision_items_page_ins ON decision_items;
DROP TRIGGER decision_items_page_upd ON decision_items;
DROP TRIGGER decision_items_page_del ON decision_items;
DROP TRIGGER decision_shifts_page_ins ON decision_shifts;
DROP TRIGGER decision_shifts_page_upd ON decision_shifts;
DROP TRIGGER decision_shifts_page_del ON decision_shifts;
DROP TRIGGER decision_stances_page_ins ON decision_stances;
DROP TRIGGER decision_stances_page_upd ON decision_stances;
DROP TRIGGER decision_stances_page_del ON decision_stances;
DROP TRIGGER decisions_page_ins ON decisions;
DROP TRIGGER decisions_page_upd ON decisions;
DROP TRIGGER decisions_page_del ON decisions;
DROP TRIGGER epic_arch_links_page_ins ON epic_arch_links;
DROP TRIGGER epic_arch_links_page_upd ON epic_arch_links;
DROP TRIGGER epic_arch_links_page_del ON epic_arch_links;
DROP TRIGGER epic_pains_page_ins ON epic_pains;
DROP TRIGGER epic_pains_page_upd ON epic_pains;
DROP TRIGGER epic_pains_page_del ON epic_pains;
DROP TRIGGER epic_roadmap_items_page_ins ON epic_roadmap_items;
DROP TRIGGER epic_roadmap_items_page_upd ON epic_roadmap_items;
DROP TRIGGER epic_roadmap_items_page_del ON epic_roadmap_items;
DROP TRIGGER epics_page_ins ON epics;
DROP TRIGGER epics_page_upd ON epics;
DROP TRIGGER epics_page_del ON epics;
DROP TRIGGER goals_page_ins ON goals;
DROP TRIGGER goals_page_upd ON goals;
DROP TRIGGER goals_page_del ON goals;
DROP TRIGGER inbox_entries_page_ins ON inbox_entries;
DROP TRIGGER inbox_entries_page_upd ON inbox_entries;
DROP TRIGGER inbox_entries_page_del ON inbox_entries;
DROP TRIGGER initiatives_page_ins ON initiatives;
DROP TRIGGER initiatives_page_upd ON initiatives;
DROP TRIGGER initiatives_page_del ON initiatives;
DROP TRIGGER invitations_page_ins ON invitations;
DROP TRIGGER invitations_page_upd ON invitations;
DROP TRIGGER invitations_page_del ON invitations;
DROP TRIGGER memberships_page_ins ON memberships;
DROP TRIGGER memberships_page_upd ON memberships;
DROP TRIGGER memberships_page_del ON memberships;
DROP TRIGGER nfr_concerns_page_ins ON nfr_concerns;
DROP TRIGGER nfr_concerns_page_upd ON nfr_concerns;
DROP TRIGGER nfr_concerns_page_del ON nfr_concerns;
DROP TRIGGER nfr_impacts_page_ins ON nfr_impacts;
DROP TRIGGER nfr_impacts_page_upd ON nfr_impacts;
DROP TRIGGER nfr_impacts_page_del ON nfr_impacts;
DROP TRIGGER pain_notes_page_ins ON pain_notes;
DROP TRIGGER pain_notes_page_upd ON pain_notes;
DROP TRIGGER pain_notes_page_del ON pain_notes;
DROP TRIGGER phase_pressures_page_ins ON phase_pressures;
DROP TRIGGER phase_pressures_page_upd ON phase_pressures;
DROP TRIGGER phase_pressures_page_del ON phase_pressures;
DROP TRIGGER requests_page_ins ON requests;
DROP TRIGGER requests_page_upd ON requests;
DROP TRIGGER requests_page_del ON requests;
DROP TRIGGER reviews_page_ins ON reviews;
DROP TRIGGER reviews_page_upd ON reviews;
DROP TRIGGER reviews_page_del ON reviews;
DROP TRIGGER roadmap_items_page_ins ON roadmap_items;
DROP TRIGGER roadmap_items_page_upd ON roadmap_items;
DROP TRIGGER roadmap_items_page_del ON roadmap_items;
DROP TRIGGER shift_acknowledgements_page_ins ON shift_acknowledgements;
DROP TRIGGER shift_acknowledgements_page_upd ON shift_acknowledgements;
DROP TRIGGER shift_acknowledgements_page_del ON shift_acknowledgements;
DROP TRIGGER strategy_shifts_page_ins ON strategy_shifts;
DROP TRIGGER strategy_shifts_page_upd ON strategy_shifts;
DROP TRIGGER strategy_shifts_page_del ON strategy_shifts;
DROP TRIGGER watches_page_ins ON watches;
DROP TRIGGER watches_page_upd ON watches;
DROP TRIGGER watches_page_del ON watches;
DROP TRIGGER users_page_upd ON users;
DROP TRIGGER workspaces_page_upd ON workspaces;
DROP FUNCTION page_user_changed();
DROP FUNCTION page_workspace_changed();
DROP FUNCTION page_changed_del();
DROP FUNCTION page_changed_upd();
DROP FUNCTION page_changed_ins();
DROP FUNCTION page_log_changes(bigint[]);
DROP TABLE page_changes;
