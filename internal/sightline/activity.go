package sightline

import "time"

// Change is one field's old and new value in an activity entry.
type Change struct {
	From any `json:"from"`
	To   any `json:"to"`
}

// Activity is one entry of the audit log.
type Activity struct {
	ID          int64
	WorkspaceID *int64
	ActorID     *int64
	ActorName   string
	Verb        string // "<item>.<what happened>", e.g. "member.role_changed"
	ItemType    string
	ItemID      *int64
	Summary     string
	Changes     map[string]Change
	ClientIP    string
	Subject     string // account-level events: the email tried
	CreatedAt   time.Time
}
