-- +goose Up

-- Search (issue 11). Every searchable kind carries a stored, generated
-- tsvector: its name or title weighted A, its body text B, its metadata C,
-- under the english configuration; a GIN index on (workspace_id, search)
-- (btree_gin) answers "this workspace, these words" from the index. Names
-- also get a trigram index (pg_trgm) for matching despite typos. Both
-- extensions ship with PostgreSQL's contrib and are trusted: a database
-- owner may create them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

ALTER TABLE epics ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', problem || ' ' || why_now || ' ' || enables || ' ' || success_criteria), 'B') ||
    setweight(to_tsvector('english', coalesce(estimate_note, '') || ' ' || feasibility_note || ' ' || coalesce(target_quarter, '')), 'C')) STORED;
ALTER TABLE pain_notes ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', customer), 'A') ||
    setweight(to_tsvector('english', quote), 'B') ||
    setweight(to_tsvector('english', segment || ' ' || source || ' ' || heard_by), 'C')) STORED;
ALTER TABLE strategy_shifts ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', narrative), 'B') ||
    setweight(to_tsvector('english', from_phase || ' ' || to_phase), 'C')) STORED;
ALTER TABLE initiatives ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', description), 'B') ||
    setweight(to_tsvector('english', driver || ' ' || horizon), 'C')) STORED;
ALTER TABLE goals ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', metric), 'B') ||
    setweight(to_tsvector('english', unit), 'C')) STORED;
ALTER TABLE arch_items ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', name), 'A') ||
    setweight(to_tsvector('english', description || ' ' || tech_debt), 'B') ||
    setweight(to_tsvector('english', kind || ' ' || technology || ' ' || owner_team), 'C')) STORED;
ALTER TABLE nfr_concerns ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', stimulus || ' ' || response || ' ' || measure), 'B') ||
    setweight(to_tsvector('english', category || ' ' || target || ' ' || current_value), 'C')) STORED;
ALTER TABLE decisions ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', context || ' ' || options || ' ' || decision || ' ' || consequences), 'B') ||
    setweight(to_tsvector('english', status), 'C')) STORED;
ALTER TABLE roadmap_items ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', description), 'B') ||
    setweight(to_tsvector('english', kind), 'C')) STORED;
ALTER TABLE comments ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', body), 'B')) STORED;

CREATE INDEX epics_search_idx ON epics USING gin (workspace_id, search);
CREATE INDEX pain_notes_search_idx ON pain_notes USING gin (workspace_id, search);
CREATE INDEX strategy_shifts_search_idx ON strategy_shifts USING gin (workspace_id, search);
CREATE INDEX initiatives_search_idx ON initiatives USING gin (workspace_id, search);
CREATE INDEX goals_search_idx ON goals USING gin (workspace_id, search);
CREATE INDEX arch_items_search_idx ON arch_items USING gin (workspace_id, search);
CREATE INDEX nfr_concerns_search_idx ON nfr_concerns USING gin (workspace_id, search);
CREATE INDEX decisions_search_idx ON decisions USING gin (workspace_id, search);
CREATE INDEX roadmap_items_search_idx ON roadmap_items USING gin (workspace_id, search);
CREATE INDEX comments_search_idx ON comments USING gin (workspace_id, search) WHERE deleted_at IS NULL;

-- Names, for typo-tolerant matching ("billng" finds "Billing service").
CREATE INDEX epics_title_trgm_idx ON epics USING gin (workspace_id, title gin_trgm_ops);
CREATE INDEX arch_items_name_trgm_idx ON arch_items USING gin (workspace_id, name gin_trgm_ops);
CREATE INDEX pain_notes_customer_trgm_idx ON pain_notes USING gin (workspace_id, customer gin_trgm_ops);
CREATE INDEX initiatives_title_trgm_idx ON initiatives USING gin (workspace_id, title gin_trgm_ops);
CREATE INDEX decisions_title_trgm_idx ON decisions USING gin (workspace_id, title gin_trgm_ops);

-- +goose Down
DROP INDEX decisions_title_trgm_idx;
DROP INDEX initiatives_title_trgm_idx;
DROP INDEX pain_notes_customer_trgm_idx;
DROP INDEX arch_items_name_trgm_idx;
DROP INDEX epics_title_trgm_idx;
ALTER TABLE comments DROP COLUMN search;
ALTER TABLE roadmap_items DROP COLUMN search;
ALTER TABLE decisions DROP COLUMN search;
ALTER TABLE nfr_concerns DROP COLUMN search;
ALTER TABLE arch_items DROP COLUMN search;
ALTER TABLE goals DROP COLUMN search;
ALTER TABLE initiatives DROP COLUMN search;
ALTER TABLE strategy_shifts DROP COLUMN search;
ALTER TABLE pain_notes DROP COLUMN search;
ALTER TABLE epics DROP COLUMN search;

