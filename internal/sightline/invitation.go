package sightline

import "time"

// InvitationTTL is how long an invitation link stays valid.
const InvitationTTL = 7 * 24 * time.Hour

// Invitation lets a person join a workspace with a role through a single-use link.
type Invitation struct {
	ID          int64
	WorkspaceID int64
	Email       string
	Role        Role
	ExpiresAt   time.Time
	AcceptedAt  *time.Time
	RevokedAt   *time.Time
	Version     int
	CreatedAt   time.Time
	CreatedBy   string // name of the inviter, for display

	// WorkspaceName and WorkspaceSlug are filled when an invitation is looked
	// up by token, to tell the invitee what they are joining.
	WorkspaceName string
	WorkspaceSlug string
}

// Status is the invitation's state at time now.
func (i *Invitation) Status(now time.Time) string {
	switch {
	case i.AcceptedAt != nil:
		return "accepted"
	case i.RevokedAt != nil:
		return "revoked"
	case !now.Before(i.ExpiresAt):
		return "expired"
	}
	return "pending"
}
