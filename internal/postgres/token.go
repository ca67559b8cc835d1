package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// tokenColumns reads a token with its workspace's and owner's names.
const tokenColumns = `t.id, t.workspace_id, w.name, w.slug, t.user_id, u.name, t.name, t.scope, t.lookup,
	t.created_at, t.expires_at, t.last_used_at, t.last_used_ip, t.revoked_at`

const tokenJoins = ` FROM api_tokens t JOIN workspaces w ON w.id = t.workspace_id JOIN users u ON u.id = t.user_id `

func scanToken(row pgx.Row, extra ...any) (*sightline.Token, error) {
	var t sightline.Token
	dest := append([]any{&t.ID, &t.WorkspaceID, &t.Workspace, &t.Slug, &t.UserID, &t.UserName, &t.Name, &t.Scope, &t.Lookup,
		&t.CreatedAt, &t.ExpiresAt, &t.LastUsedAt, &t.LastUsedIP, &t.RevokedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return &t, nil
}

// CreateToken issues a token for the actor in a workspace they are a
// member of, and returns it with the token itself, which is not kept and
// cannot be read again.
func (db *DB) CreateToken(ctx context.Context, actor Actor, wsID int64, n sightline.NewToken) (_ *sightline.Token, secret string, err error) {
	defer translateErr(&err, "store.CreateToken")
	name, scope, days, p := n.Check()
	if err := p.Err(); err != nil {
		return nil, "", err
	}
	token, lookup, hash := sightline.IssueToken()
	var saved *sightline.Token
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO api_tokens (workspace_id, user_id, name, scope, lookup, secret_hash, expires_at)
			SELECT m.workspace_id, m.user_id, $3, $4, $5, $6, now() + make_interval(days => $7)
			FROM memberships m WHERE m.workspace_id = $1 AND m.user_id = $2
			RETURNING id`, wsID, actor.UserID, name, string(scope), lookup, hash[:], days).Scan(&id)
		if err == pgx.ErrNoRows {
			return sightline.Errorf(sightline.EINVALID, "You are not a member of that workspace.")
		}
		if err != nil {
			return err
		}
		if err := record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "token.created", ItemType: "token", ItemID: id,
			Summary: fmt.Sprintf("created the API token %q (%s, %d days)", name, scope.Label(), days)}); err != nil {
			return err
		}
		saved, err = scanToken(tx.QueryRow(ctx, `SELECT `+tokenColumns+tokenJoins+`WHERE t.id = $1`, id))
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return saved, token, nil
}

// TokensOfUser lists a user's tokens in every workspace, newest first.
func (db *DB) TokensOfUser(ctx context.Context, userID int64) (_ []sightline.Token, err error) {
	defer translateErr(&err, "store.TokensOfUser")
	return db.listTokens(ctx, `WHERE t.user_id = $1 ORDER BY t.created_at DESC, t.id DESC LIMIT 500`, userID)
}

// TokensOfWorkspace lists every member's tokens of a workspace, for its
// owners, newest first.
func (db *DB) TokensOfWorkspace(ctx context.Context, wsID int64) (_ []sightline.Token, err error) {
	defer translateErr(&err, "store.TokensOfWorkspace")
	return db.listTokens(ctx, `WHERE t.workspace_id = $1 ORDER BY t.created_at DESC, t.id DESC LIMIT 500`, wsID)
}

func (db *DB) listTokens(ctx context.Context, where string, arg int64) ([]sightline.Token, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+tokenColumns+tokenJoins+where, arg)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Token, error) {
		t, err := scanToken(row)
		if err != nil {
			return sightline.Token{}, err
		}
		return *t, nil
	})
}

// RevokeToken revokes a token: the actor's own (wsID 0), or any token of
// the workspace wsID (its owners). Revoking twice is not an error.
func (db *DB) RevokeToken(ctx context.Context, actor Actor, wsID, tokenID int64) (err error) {
	defer translateErr(&err, "store.RevokeToken")
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var ws int64
		var name string
		err := tx.QueryRow(ctx, `
			UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, $3)
			WHERE id = $1 AND (($2::bigint = 0 AND user_id = $3) OR ($2::bigint <> 0 AND workspace_id = $2))
			RETURNING workspace_id, name`, tokenID, wsID, actor.UserID).Scan(&ws, &name)
		if err == pgx.ErrNoRows {
			return sightline.Errorf(sightline.ENOTFOUND, "No such token.")
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: ws, Verb: "token.revoked", ItemType: "token", ItemID: tokenID,
			Summary: fmt.Sprintf("revoked the API token %q", name)})
	})
}

// TokenAuth is what a presented token resolves to.
type TokenAuth struct {
	Token *sightline.Token
	User  *sightline.User
	hash  []byte
}

// Matches reports whether the presented token is the one this row was
// issued as (constant time).
func (a *TokenAuth) Matches(token string) bool { return sightline.TokenMatches(token, a.hash) }

// TokenByLookup finds a token by its public part, with its owner, in one
// query. The caller compares the secret (Matches) and checks the state.
func (db *DB) TokenByLookup(ctx context.Context, lookup string) (_ *TokenAuth, err error) {
	defer translateErr(&err, "store.TokenByLookup")
	a := &TokenAuth{User: &sightline.User{}}
	u := a.User
	a.Token, err = scanToken(db.Pool.QueryRow(ctx, `SELECT `+tokenColumns+`, t.secret_hash,
		u.id, u.email, u.name, u.session_epoch, u.version, u.created_at, u.updated_at`+tokenJoins+`WHERE t.lookup = $1`, lookup),
		&a.hash, &u.ID, &u.Email, &u.Name, &u.SessionEpoch, &u.Version, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// TouchToken records a token's use, at most once a minute per token so a
// busy script does not write on every call.
func (db *DB) TouchToken(ctx context.Context, t *sightline.Token, ip string, now time.Time) error {
	if t.LastUsedAt != nil && now.Sub(*t.LastUsedAt) < time.Minute && t.LastUsedIP == ip {
		return nil
	}
	_, err := db.Pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = now(), last_used_ip = $2
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute' OR last_used_ip <> $2)`, t.ID, ip)
	if err != nil {
		return fmt.Errorf("store.TouchToken: %w", err)
	}
	return nil
}
