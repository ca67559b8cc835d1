-- +goose Up

-- Item names are unique per workspace regardless of case: "Task API" and
-- "task api" would read as the same box on the diagram.
CREATE UNIQUE INDEX arch_items_name_ci_key ON arch_items (workspace_id, lower(name));

-- +goose Down
DROP INDEX arch_items_name_ci_key;
