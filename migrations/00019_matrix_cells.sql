-- +goose Up

-- The impact/effort matrix reads each cell's most recently updated epics
-- (issue 12: at 10,000 epics ranking all of them cost most of the page).
CREATE INDEX epics_matrix_cell_idx ON epics (workspace_id, impact, effort, updated_at DESC, id DESC);

-- +goose Down
DROP INDEX epics_matrix_cell_idx;
