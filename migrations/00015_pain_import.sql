-- +goose Up

-- Pain import (issue 11). A pain note may come from another tool: its id
-- there (external_id), a link back, and the key a re-import recognises it
-- by (external_key: the source and the id, or a hash of the content when
-- the export has none), unique per workspace.
ALTER TABLE pain_notes
    ADD COLUMN external_id  text NOT NULL DEFAULT '' CHECK (length(external_id) <= 200),
    ADD COLUMN link         text NOT NULL DEFAULT '' CHECK (length(link) <= 2000),
    ADD COLUMN external_key text CHECK (length(external_key) <= 300);
CREATE UNIQUE INDEX pain_notes_external_key_idx ON pain_notes (workspace_id, external_key) WHERE external_key IS NOT NULL;

-- An uploaded file waiting to be previewed and imported, kept in the
-- database (1 MB chunks) so any app instance can read it back. Uploads
-- older than a day are pruned.
CREATE TABLE pain_uploads (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL,
    user_id      bigint NOT NULL,
    filename     text   NOT NULL CHECK (length(filename) <= 255),
    size         bigint NOT NULL DEFAULT 0,
    chunks       integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pain_uploads_workspace_id_key UNIQUE (workspace_id, id),
    CONSTRAINT pain_uploads_member_fk FOREIGN KEY (workspace_id, user_id) REFERENCES memberships (workspace_id, user_id) ON DELETE CASCADE
);
CREATE TABLE pain_upload_chunks (
    upload_id bigint  NOT NULL REFERENCES pain_uploads (id) ON DELETE CASCADE,
    seq       integer NOT NULL,
    data      bytea   NOT NULL,
    PRIMARY KEY (upload_id, seq)
);
CREATE INDEX pain_uploads_created_idx ON pain_uploads (created_at);

-- +goose Down
DROP TABLE pain_upload_chunks;
DROP TABLE pain_uploads;
DROP INDEX pain_notes_external_key_idx;
ALTER TABLE pain_notes DROP COLUMN external_key, DROP COLUMN link, DROP COLUMN external_id;
