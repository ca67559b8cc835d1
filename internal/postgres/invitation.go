package postgres

import (
	"context"
	"crypto/sha256"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

const invitationColumns = `i.id, i.workspace_id, i.email, i.role, i.expires_at, i.accepted_at, i.revoked_at, i.version, i.created_at,
	coalesce(cu.name, ''), w.name, w.slug`

const invitationFrom = `invitations i JOIN workspaces w ON w.id = i.workspace_id LEFT JOIN users cu ON cu.id = i.created_by`

func scanInvitation(row pgx.Row) (*sightline.Invitation, error) {
	var i sightline.Invitation
	err := row.Scan(&i.ID, &i.WorkspaceID, &i.Email, &i.Role, &i.ExpiresAt, &i.AcceptedAt, &i.RevokedAt, &i.Version, &i.CreatedAt,
		&i.CreatedBy, &i.WorkspaceName, &i.WorkspaceSlug)
	if err != nil {
		return nil, err
	}
	return &i, nil
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateInvitation stores an invitation for the token (only its hash is kept).
func (db *DB) CreateInvitation(ctx context.Context, actor Actor, workspaceID int64, email string, role sightline.Role, token string, expires time.Time) (_ *sightline.Invitation, err error) {
	defer translateErr(&err, "store.CreateInvitation")
	var inv *sightline.Invitation
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var isMember bool
		if err := tx.QueryRow(ctx, `
			SELECT EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 AND u.email = $2)`,
			workspaceID, email).Scan(&isMember); err != nil {
			return err
		}
		if isMember {
			return &sightline.Error{Code: sightline.EINVALID, Message: "Please correct the highlighted fields.",
				Fields: map[string]string{"email": "This person is already a member of the workspace."}}
		}
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO invitations (workspace_id, email, role, token_hash, expires_at, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
			workspaceID, email, role, hashToken(token), expires, actor.UserID).Scan(&id); err != nil {
			return err
		}
		if err := record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "invitation.created", ItemType: "invitation", ItemID: id,
			Summary: email, Changes: map[string]sightline.Change{"role": {From: nil, To: string(role)}}}); err != nil {
			return err
		}
		var err error
		inv, err = scanInvitation(tx.QueryRow(ctx, `SELECT `+invitationColumns+` FROM `+invitationFrom+` WHERE i.workspace_id = $1 AND i.id = $2`, workspaceID, id))
		return err
	})
	return inv, err
}

// ListInvitations lists a workspace's invitations, newest first.
func (db *DB) ListInvitations(ctx context.Context, workspaceID int64) (_ []sightline.Invitation, err error) {
	defer translateErr(&err, "store.ListInvitations")
	rows, err := db.Pool.Query(ctx, `SELECT `+invitationColumns+` FROM `+invitationFrom+`
		WHERE i.workspace_id = $1 ORDER BY i.created_at DESC, i.id DESC LIMIT 200`, workspaceID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Invitation, error) {
		i, err := scanInvitation(row)
		if err != nil {
			return sightline.Invitation{}, err
		}
		return *i, nil
	})
	return list, err
}

// InvitationByToken finds an invitation by its link token, whatever its state.
func (db *DB) InvitationByToken(ctx context.Context, token string) (_ *sightline.Invitation, err error) {
	defer translateErr(&err, "store.InvitationByToken")
	inv, err := scanInvitation(db.Pool.QueryRow(ctx, `SELECT `+invitationColumns+` FROM `+invitationFrom+` WHERE i.token_hash = $1`, hashToken(token)))
	return inv, err
}

// RevokeInvitation revokes a pending invitation with optimistic locking.
func (db *DB) RevokeInvitation(ctx context.Context, actor Actor, workspaceID, invitationID int64, version int) (err error) {
	defer translateErr(&err, "store.RevokeInvitation")
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var email string
		err := tx.QueryRow(ctx, `
			UPDATE invitations SET revoked_at = now(), version = version + 1, updated_at = now(), updated_by = $4
			WHERE workspace_id = $1 AND id = $2 AND version = $3 AND accepted_at IS NULL AND revoked_at IS NULL
			RETURNING email`, workspaceID, invitationID, version, actor.UserID).Scan(&email)
		if err == pgx.ErrNoRows {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM invitations WHERE workspace_id = $1 AND id = $2)`, workspaceID, invitationID).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return pgx.ErrNoRows
			}
			return staleVersion("invitation")
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "invitation.revoked", ItemType: "invitation", ItemID: invitationID, Summary: email})
	})
	return err
}

// AcceptInvitation uses an invitation: for an existing user (userID > 0) it
// adds the membership; otherwise it creates the account from email, name and
// hash first. The invitation row is locked, so a link works exactly once even
// when opened twice at the same moment.
func (db *DB) AcceptInvitation(ctx context.Context, clientIP, token string, now time.Time, userID int64, name, hash string) (_ *sightline.User, _ *sightline.Invitation, err error) {
	defer translateErr(&err, "store.AcceptInvitation")
	var u *sightline.User
	var inv *sightline.Invitation
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		inv, err = scanInvitation(tx.QueryRow(ctx, `SELECT `+invitationColumns+` FROM `+invitationFrom+` WHERE i.token_hash = $1 FOR UPDATE OF i`, hashToken(token)))
		if err != nil {
			return err
		}
		if st := inv.Status(now); st != "pending" {
			return sightline.Errorf(sightline.ENOTFOUND, "This invitation is %s.", st)
		}
		if userID > 0 {
			if u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, userID)); err != nil {
				return err
			}
		} else {
			if u, err = insertUser(ctx, tx, inv.Email, name, hash); err != nil {
				return err
			}
			if err := record(ctx, tx, Actor{UserID: u.ID, ClientIP: clientIP}, entry{Verb: "user.created", ItemType: "user", ItemID: u.ID, Subject: u.Email, Summary: "invited"}); err != nil {
				return err
			}
		}
		actor := Actor{UserID: u.ID, ClientIP: clientIP}
		if _, err := tx.Exec(ctx, `
			UPDATE invitations SET accepted_at = now(), accepted_by = $3, version = version + 1, updated_at = now(), updated_by = $3
			WHERE workspace_id = $1 AND id = $2`, inv.WorkspaceID, inv.ID, u.ID); err != nil {
			return err
		}
		if err := record(ctx, tx, actor, entry{WorkspaceID: inv.WorkspaceID, Verb: "invitation.accepted", ItemType: "invitation", ItemID: inv.ID, Summary: u.Email}); err != nil {
			return err
		}
		return addMember(ctx, tx, actor, inv.WorkspaceID, u, inv.Role)
	})
	if err != nil {
		return nil, nil, err
	}
	return u, inv, nil
}

// InvitationByID returns one invitation of a workspace.
func (db *DB) InvitationByID(ctx context.Context, workspaceID, id int64) (_ *sightline.Invitation, err error) {
	defer translateErr(&err, "store.InvitationByID")
	inv, err := scanInvitation(db.Pool.QueryRow(ctx, `SELECT `+invitationColumns+` FROM `+invitationFrom+` WHERE i.workspace_id = $1 AND i.id = $2`, workspaceID, id))
	return inv, err
}
