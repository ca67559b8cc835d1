package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

const workspaceColumns = `w.id, w.slug, w.name, w.vision, w.phase, w.version, w.created_at, w.updated_at`

func scanWorkspace(row pgx.Row, extra ...any) (*sightline.Workspace, error) {
	var w sightline.Workspace
	dest := append([]any{&w.ID, &w.Slug, &w.Name, &w.Vision, &w.Phase, &w.Version, &w.CreatedAt, &w.UpdatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return &w, nil
}

// WorkspaceForMember resolves a workspace by slug together with the user's
// membership, in one query. A workspace the user is not a member of is
// reported as not found, exactly like one that does not exist.
func (db *DB) WorkspaceForMember(ctx context.Context, slug string, userID int64) (_ *sightline.Workspace, _ *sightline.Membership, err error) {
	defer translateErr(&err, "store.WorkspaceForMember")
	var m sightline.Membership
	var rev int64
	var settled bool
	w, err := scanWorkspace(db.Pool.QueryRow(ctx, `
		SELECT `+workspaceColumns+`, m.id, m.role, m.version, m.handle,
		       (SELECT count(*) FROM inbox_entries e WHERE e.workspace_id = w.id AND e.user_id = $2 AND e.read_at IS NULL),
		       (SELECT array_agg(h.handle) FROM memberships h WHERE h.workspace_id = w.id),
		       (SELECT coalesce(max(c.id), 0) FROM page_changes c WHERE c.workspace_id = w.id),
		       (SELECT pg_snapshot_xmin(s) = pg_snapshot_xmax(s) FROM pg_current_snapshot() AS s)
		FROM workspaces w JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $2
		WHERE w.slug = $1`, slug, userID), &m.ID, &m.Role, &m.Version, &m.Handle, &m.Unread, &m.Handles, &rev, &settled)
	if err != nil {
		return nil, nil, err
	}
	w.Revision, w.RevisionSettled = rev, settled
	m.WorkspaceID, m.UserID = w.ID, userID
	return w, &m, nil
}

// ListMyWorkspaces lists the workspaces a user belongs to, with their role.
func (db *DB) ListMyWorkspaces(ctx context.Context, userID int64) (_ []sightline.MyWorkspace, err error) {
	defer translateErr(&err, "store.ListMyWorkspaces")
	rows, err := db.Pool.Query(ctx, `
		SELECT `+workspaceColumns+`, m.role, m.handle,
		       (SELECT count(*) FROM memberships mm WHERE mm.workspace_id = w.id),
		       (SELECT count(*) FROM inbox_entries e WHERE e.workspace_id = w.id AND e.user_id = $1 AND e.read_at IS NULL)
		FROM workspaces w JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $1
		ORDER BY lower(w.name), w.id`, userID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.MyWorkspace, error) {
		var mw sightline.MyWorkspace
		w, err := scanWorkspace(row, &mw.Role, &mw.Handle, &mw.Members, &mw.Unread)
		if err != nil {
			return mw, err
		}
		mw.Workspace = *w
		return mw, nil
	})
	return list, err
}

// CreateWorkspace creates a workspace with the actor as its owner.
func (db *DB) CreateWorkspace(ctx context.Context, actor Actor, slug, name string) (_ *sightline.Workspace, err error) {
	defer translateErr(&err, "store.CreateWorkspace")
	var w *sightline.Workspace
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		w, err = createWorkspace(ctx, tx, actor, slug, name)
		return err
	})
	return w, err
}

func createWorkspace(ctx context.Context, tx pgx.Tx, actor Actor, slug, name string) (*sightline.Workspace, error) {
	w, err := scanWorkspace(tx.QueryRow(ctx, `
		INSERT INTO workspaces AS w (slug, name, created_by, updated_by) VALUES ($1, $2, $3, $3)
		RETURNING `+workspaceColumns, slug, name, actor.UserID))
	if err != nil {
		return nil, err
	}
	if err := record(ctx, tx, actor, entry{WorkspaceID: w.ID, Verb: "workspace.created", ItemType: "workspace", ItemID: w.ID, Summary: name}); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO memberships (workspace_id, user_id, role, created_by, updated_by) VALUES ($1, $2, 'owner', $2, $2)`, w.ID, actor.UserID); err != nil {
		return nil, err
	}
	for phase, attrs := range sightline.DefaultPressures {
		for i, a := range attrs {
			if _, err := tx.Exec(ctx, `INSERT INTO phase_pressures (workspace_id, phase, attribute, position) VALUES ($1, $2, $3, $4)`, w.ID, phase, a, i+1); err != nil {
				return nil, err
			}
		}
	}
	return w, record(ctx, tx, actor, entry{WorkspaceID: w.ID, Verb: "member.added", ItemType: "user", ItemID: actor.UserID, Summary: "owner",
		Changes: map[string]sightline.Change{"role": {From: nil, To: "owner"}}})
}

// SetupFirstOwner creates the first user and their workspace, only while no
// user exists. Two concurrent setups cannot both succeed: the table lock
// serializes them and the second sees a user.
func (db *DB) SetupFirstOwner(ctx context.Context, clientIP, email, name, hash, slug, wsName string) (_ *sightline.User, _ *sightline.Workspace, err error) {
	defer translateErr(&err, "store.SetupFirstOwner")
	var u *sightline.User
	var w *sightline.Workspace
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE users IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users)`).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return sightline.Errorf(sightline.ENOTFOUND, "Setup is already done.")
		}
		var err error
		if u, err = insertUser(ctx, tx, email, name, hash); err != nil {
			return err
		}
		actor := Actor{UserID: u.ID, ClientIP: clientIP}
		if err := record(ctx, tx, actor, entry{Verb: "user.created", ItemType: "user", ItemID: u.ID, Subject: email, Summary: "first owner"}); err != nil {
			return err
		}
		w, err = createWorkspace(ctx, tx, actor, slug, wsName)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return u, w, nil
}

// RenameWorkspace changes the workspace's name with optimistic locking.
func (db *DB) RenameWorkspace(ctx context.Context, actor Actor, workspaceID int64, version int, name string) (_ *sightline.Workspace, err error) {
	defer translateErr(&err, "store.RenameWorkspace")
	var w *sightline.Workspace
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var old string
		if err := tx.QueryRow(ctx, `SELECT name FROM workspaces WHERE id = $1`, workspaceID).Scan(&old); err != nil {
			return err
		}
		var err error
		w, err = scanWorkspace(tx.QueryRow(ctx, `
			UPDATE workspaces AS w SET name = $3, version = version + 1, updated_at = now(), updated_by = $4
			WHERE id = $1 AND version = $2
			RETURNING `+workspaceColumns, workspaceID, version, name, actor.UserID))
		if err == pgx.ErrNoRows {
			return staleVersion("workspace")
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "workspace.renamed", ItemType: "workspace", ItemID: workspaceID,
			Summary: name, Changes: map[string]sightline.Change{"name": {From: old, To: name}}})
	})
	return w, err
}

// WorkspaceByID returns a workspace (used to show the current version on a conflict).
func (db *DB) WorkspaceByID(ctx context.Context, id int64) (_ *sightline.Workspace, err error) {
	defer translateErr(&err, "store.WorkspaceByID")
	w, err := scanWorkspace(db.Pool.QueryRow(ctx, `SELECT `+workspaceColumns+` FROM workspaces w WHERE w.id = $1`, id))
	return w, err
}

// SetWorkspaceProfile sets vision and phase directly (used by the seeder;
// the strategy pages will edit them with optimistic locking).
func (db *DB) SetWorkspaceProfile(ctx context.Context, actor Actor, workspaceID int64, vision string, phase sightline.Phase) (err error) {
	defer translateErr(&err, "store.SetWorkspaceProfile")
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE workspaces SET vision = $2, phase = $3, version = version + 1, updated_at = now(), updated_by = NULLIF($4, 0)
			WHERE id = $1`, workspaceID, vision, phase, actor.UserID); err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "workspace.profile_set", ItemType: "workspace", ItemID: workspaceID})
	})
	return err
}
