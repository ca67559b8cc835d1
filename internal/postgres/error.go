package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sightline/sightline/internal/sightline"
)

// PostgreSQL error codes we translate.
const (
	pgUniqueViolation     = "23505"
	pgForeignKeyViolation = "23503"
	pgCheckViolation      = "23514"
	pgNotNullViolation    = "23502"
)

// uniqueMessages turns a unique constraint's name into what a user should read.
var uniqueMessages = map[string]string{
	"users_email_key":                  "An account with this email already exists.",
	"workspaces_slug_key":              "This workspace address is already taken.",
	"memberships_workspace_user_key":   "This person is already a member of the workspace.",
	"memberships_workspace_handle_key": "Someone in this workspace already has this handle.",
}

// translate maps database errors to application errors in one place:
// no rows → not found, unique violation → conflict, foreign-key and check
// violations → invalid. Everything else is wrapped as internal with op.
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	var appErr *sightline.Error
	if errors.As(err, &appErr) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return &sightline.Error{Code: sightline.ENOTFOUND, Message: "Not found."}
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case pgUniqueViolation:
			msg, ok := uniqueMessages[pgErr.ConstraintName]
			if !ok {
				msg = "This already exists."
			}
			return &sightline.Error{Code: sightline.ECONFLICT, Message: msg}
		case pgForeignKeyViolation:
			return &sightline.Error{Code: sightline.EINVALID, Message: "This refers to something that does not exist in this workspace."}
		case pgCheckViolation, pgNotNullViolation:
			return &sightline.Error{Code: sightline.EINVALID, Message: "A value is out of the allowed range."}
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// staleVersion is the optimistic-locking conflict: the row changed (or was
// removed) since the user loaded it.
func staleVersion(what string) error {
	return &sightline.Error{Code: sightline.ECONFLICT, Message: fmt.Sprintf("Someone else changed this %s while you were editing it.", what)}
}

// translateErr is translate for a method's deferred exit: each store method
// names its operation once (defer translateErr(&err, "store.EpicByID")) and
// returns plain errors; whatever it returns is translated on the way out.
func translateErr(err *error, op string) {
	if *err != nil {
		*err = translate(op, *err)
	}
}
