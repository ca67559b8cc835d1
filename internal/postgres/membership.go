package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

const memberColumns = `m.id, m.workspace_id, m.user_id, m.role, m.version, m.created_at, m.updated_at, u.name, u.email, m.handle`

func scanMember(row pgx.Row) (*sightline.Membership, error) {
	var m sightline.Membership
	err := row.Scan(&m.ID, &m.WorkspaceID, &m.UserID, &m.Role, &m.Version, &m.CreatedAt, &m.UpdatedAt, &m.UserName, &m.UserEmail, &m.Handle)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// ListMembers lists a workspace's members by name.
func (db *DB) ListMembers(ctx context.Context, workspaceID int64) (_ []sightline.Membership, err error) {
	defer translateErr(&err, "store.ListMembers")
	rows, err := db.Pool.Query(ctx, `
		SELECT `+memberColumns+`
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = $1
		ORDER BY lower(u.name), m.id`, workspaceID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Membership, error) {
		m, err := scanMember(row)
		if err != nil {
			return sightline.Membership{}, err
		}
		return *m, nil
	})
	return list, err
}

// MemberByID returns one membership of a workspace.
func (db *DB) MemberByID(ctx context.Context, workspaceID, memberID int64) (_ *sightline.Membership, err error) {
	defer translateErr(&err, "store.MemberByID")
	m, err := scanMember(db.Pool.QueryRow(ctx, `
		SELECT `+memberColumns+`
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = $1 AND m.id = $2`, workspaceID, memberID))
	return m, err
}

func addMember(ctx context.Context, tx pgx.Tx, actor Actor, workspaceID int64, u *sightline.User, role sightline.Role) error {
	if _, err := tx.Exec(ctx, `
		INSERT INTO memberships (workspace_id, user_id, role, created_by, updated_by) VALUES ($1, $2, $3, NULLIF($4, 0), NULLIF($4, 0))`,
		workspaceID, u.ID, role, actor.UserID); err != nil {
		return err
	}
	return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "member.added", ItemType: "user", ItemID: u.ID,
		Summary: u.Name, Changes: map[string]sightline.Change{"role": {From: nil, To: string(role)}}})
}

// ownerCount counts the workspace's owners, locking their memberships so
// that two concurrent changes cannot both remove "the other" last owner.
func ownerCount(ctx context.Context, tx pgx.Tx, workspaceID int64) (int, error) {
	var n int
	rows, err := tx.Query(ctx, `SELECT id FROM memberships WHERE workspace_id = $1 AND role = 'owner' FOR UPDATE`, workspaceID)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		n++
	}
	rows.Close()
	return n, rows.Err()
}

var errLastOwner = sightline.Errorf(sightline.EINVALID, "A workspace needs at least one owner. Make someone else an owner first.")

// ChangeRole changes a member's role with optimistic locking. The last owner
// cannot be demoted.
func (db *DB) ChangeRole(ctx context.Context, actor Actor, workspaceID, memberID int64, version int, role sightline.Role) (_ *sightline.Membership, err error) {
	defer translateErr(&err, "store.ChangeRole")
	var m *sightline.Membership
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		owners, err := ownerCount(ctx, tx, workspaceID)
		if err != nil {
			return err
		}
		cur, err := scanMember(tx.QueryRow(ctx, `
			SELECT `+memberColumns+` FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.workspace_id = $1 AND m.id = $2 FOR UPDATE OF m`, workspaceID, memberID))
		if err != nil {
			return err
		}
		if cur.Version != version {
			return staleVersion("member")
		}
		if cur.Role == role {
			m = cur
			return nil
		}
		if cur.Role == sightline.RoleOwner && owners <= 1 {
			return errLastOwner
		}
		if _, err := tx.Exec(ctx, `
			UPDATE memberships SET role = $4, version = version + 1, updated_at = now(), updated_by = $5
			WHERE workspace_id = $1 AND id = $2 AND version = $3`, workspaceID, memberID, version, role, actor.UserID); err != nil {
			return err
		}
		if err := record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "member.role_changed", ItemType: "user", ItemID: cur.UserID,
			Summary: cur.UserName, Changes: map[string]sightline.Change{"role": {From: string(cur.Role), To: string(role)}}}); err != nil {
			return err
		}
		cur.Role, cur.Version = role, cur.Version+1
		m = cur
		return nil
	})
	return m, err
}

// RemoveMember removes a member with optimistic locking. The last owner
// cannot be removed.
func (db *DB) RemoveMember(ctx context.Context, actor Actor, workspaceID, memberID int64, version int) (err error) {
	defer translateErr(&err, "store.RemoveMember")
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		owners, err := ownerCount(ctx, tx, workspaceID)
		if err != nil {
			return err
		}
		cur, err := scanMember(tx.QueryRow(ctx, `
			SELECT `+memberColumns+` FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.workspace_id = $1 AND m.id = $2 FOR UPDATE OF m`, workspaceID, memberID))
		if err != nil {
			return err
		}
		if cur.Version != version {
			return staleVersion("member")
		}
		if cur.Role == sightline.RoleOwner && owners <= 1 {
			return errLastOwner
		}
		if _, err := tx.Exec(ctx, `DELETE FROM memberships WHERE workspace_id = $1 AND id = $2`, workspaceID, memberID); err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "member.removed", ItemType: "user", ItemID: cur.UserID,
			Summary: cur.UserName, Changes: map[string]sightline.Change{"role": {From: string(cur.Role), To: nil}}})
	})
	return err
}

// SetHandle changes the user's own handle in a workspace; another member's
// handle there is a conflict.
func (db *DB) SetHandle(ctx context.Context, actor Actor, wsID int64, handle string) (err error) {
	defer translateErr(&err, "store.SetHandle")
	handle = sightline.NormalizeHandle(handle)
	p := sightline.Problems{}
	sightline.CheckHandle(p, "handle", handle)
	if err := p.Err(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var old string
		if err := tx.QueryRow(ctx, `SELECT handle FROM memberships WHERE workspace_id = $1 AND user_id = $2 FOR UPDATE`, wsID, actor.UserID).Scan(&old); err != nil {
			return err
		}
		if old == handle {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE memberships SET handle = $3, updated_at = now() WHERE workspace_id = $1 AND user_id = $2`,
			wsID, actor.UserID, handle); err != nil {
			return err
		}
		diff := changes{}
		diff.text("handle", old, handle)
		return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "member.handle_changed", ItemType: "user", ItemID: actor.UserID,
			Summary: "@" + handle, Changes: diff})
	})
}

// SuggestHandles lists up to limit members of a workspace whose handle
// starts with prefix or whose name contains it, by handle: the "@…"
// suggestions of a text field.
func (db *DB) SuggestHandles(ctx context.Context, workspaceID int64, prefix string, limit int) (_ []sightline.Membership, err error) {
	defer translateErr(&err, "store.SuggestHandles")
	like := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(prefix))
	rows, err := db.Pool.Query(ctx, `
		SELECT `+memberColumns+`
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = $1 AND (m.handle LIKE $2 || '%' OR lower(u.name) LIKE '%' || $2 || '%')
		ORDER BY m.handle LIKE $2 || '%' DESC, m.handle
		LIMIT $3`, workspaceID, like, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Membership, error) {
		m, err := scanMember(row)
		if err != nil {
			return sightline.Membership{}, err
		}
		return *m, nil
	})
}
