-- +goose Up

-- Replies are one level deep: a reply's parent is a thread's first comment.
-- The store checks it under a row lock; the database refuses it too, for
-- rows written around the store.
-- +goose StatementBegin
CREATE FUNCTION comments_one_level() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parent_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM comments p WHERE p.workspace_id = NEW.workspace_id AND p.id = NEW.parent_id AND p.parent_id IS NOT NULL) THEN
        RAISE EXCEPTION 'a reply answers a thread, not another reply' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER comments_one_level BEFORE INSERT OR UPDATE OF parent_id ON comments
    FOR EACH ROW EXECUTE FUNCTION comments_one_level();

-- +goose Down
DROP TRIGGER comments_one_level ON comments;
DROP FUNCTION comments_one_level();
