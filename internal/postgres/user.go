package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

const userColumns = `id, email, name, password_hash, session_epoch, version, created_at, updated_at`

func scanUser(row pgx.Row) (*sightline.User, error) {
	var u sightline.User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.SessionEpoch, &u.Version, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// UserByID returns a user.
func (db *DB) UserByID(ctx context.Context, id int64) (_ *sightline.User, err error) {
	defer translateErr(&err, "store.UserByID")
	u, err := scanUser(db.Pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, err
}

// UserByEmail returns a user by (normalized) email.
func (db *DB) UserByEmail(ctx context.Context, email string) (_ *sightline.User, err error) {
	defer translateErr(&err, "store.UserByEmail")
	u, err := scanUser(db.Pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, email))
	return u, err
}

// HasUsers reports whether any user exists (setup is only open while none does).
func (db *DB) HasUsers(ctx context.Context) (_ bool, err error) {
	defer translateErr(&err, "store.HasUsers")
	var ok bool
	err = db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users)`).Scan(&ok)
	return ok, err
}

func insertUser(ctx context.Context, tx pgx.Tx, email, name, hash string) (*sightline.User, error) {
	return scanUser(tx.QueryRow(ctx, `
		INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3)
		RETURNING `+userColumns, email, name, hash))
}

// CreateUser creates a user, optionally as a member of a workspace (by slug).
func (db *DB) CreateUser(ctx context.Context, actor Actor, email, name, hash, workspaceSlug string, role sightline.Role) (_ *sightline.User, err error) {
	defer translateErr(&err, "store.CreateUser")
	var u *sightline.User
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if u, err = insertUser(ctx, tx, email, name, hash); err != nil {
			return err
		}
		if err := record(ctx, tx, actor, entry{Verb: "user.created", ItemType: "user", ItemID: u.ID, Subject: email, Summary: name}); err != nil {
			return err
		}
		if workspaceSlug == "" {
			return nil
		}
		var wsID int64
		if err := tx.QueryRow(ctx, `SELECT id FROM workspaces WHERE slug = $1`, workspaceSlug).Scan(&wsID); err != nil {
			return err
		}
		return addMember(ctx, tx, actor, wsID, u, role)
	})
	return u, err
}

// ChangePassword sets a new password hash and bumps the session epoch, which
// ends every other session of the user. The caller's session takes the
// returned epoch so it stays signed in.
func (db *DB) ChangePassword(ctx context.Context, actor Actor, userID int64, version int, hash string) (newEpoch int, err error) {
	defer translateErr(&err, "store.ChangePassword")
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			UPDATE users SET password_hash = $3, session_epoch = session_epoch + 1,
			       version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2
			RETURNING session_epoch`, userID, version, hash).Scan(&newEpoch)
		if err == pgx.ErrNoRows {
			return staleVersion("account")
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{Verb: "user.password_changed", ItemType: "user", ItemID: userID})
	})
	return newEpoch, err
}

// RecordSignIn notes a sign-in attempt in the audit log.
func (db *DB) RecordSignIn(ctx context.Context, actor Actor, email string, ok bool) (err error) {
	defer translateErr(&err, "store.RecordSignIn")
	verb := "signin.failed"
	if ok {
		verb = "signin.succeeded"
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		return record(ctx, tx, actor, entry{Verb: verb, ItemType: "user", ItemID: actor.UserID, Subject: email})
	})
	return err
}

// SignInFailures counts recent failed sign-ins, the numbers the sign-in
// limits are decided on.
type SignInFailures struct {
	Pair    int // for this account from this client address
	Account int // for this account from anywhere
	IP      int // from this client address for any account
}

// RecentSignInFailures counts failed sign-ins since a time, for an account
// (by email) from a client IP, for the account, and for the client IP.
func (db *DB) RecentSignInFailures(ctx context.Context, email, ip string, since time.Time) (_ SignInFailures, err error) {
	defer translateErr(&err, "store.RecentSignInFailures")
	var f SignInFailures
	err = db.Pool.QueryRow(ctx, `
		SELECT
		  count(*) FILTER (WHERE subject = $1 AND client_ip = $2),
		  count(*) FILTER (WHERE subject = $1),
		  (SELECT count(*) FROM activity WHERE verb = 'signin.failed' AND client_ip = $2 AND created_at > $3)
		FROM activity WHERE verb = 'signin.failed' AND subject = $1 AND created_at > $3`,
		email, ip, since).Scan(&f.Pair, &f.Account, &f.IP)
	return f, err
}
