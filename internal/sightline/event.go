package sightline

import (
	"strings"
	"time"
)

// Event is one committed change, as it goes out to the open pages of a
// workspace: ids only, never content. Kind is the activity verb
// ("comment.added", "epic.updated"), or one of the kinds below.
type Event struct {
	ID          int64
	WorkspaceID int64
	Kind        string
	ItemType    string
	ItemID      int64
	ActorID     int64
	UserID      int64 // set: only this member receives it
	At          time.Time
}

// The event kinds that are not activity verbs.
const (
	EventInbox    = "inbox"    // UserID's inbox changed
	EventPresence = "presence" // who has ItemType/ItemID open changed
	EventBulk     = "bulk"     // a statement wrote many changes at once
)

// MemberChanged reports whether the event changed a membership, and whose:
// a stream of that member is checked again.
func (e Event) MemberChanged() (userID int64, ok bool) {
	if strings.HasPrefix(e.Kind, "member.") && e.ItemType == "user" {
		return e.ItemID, true
	}
	return 0, false
}

// For reports whether the member userID may receive the event (its
// workspace is checked where the stream is opened).
func (e Event) For(userID int64) bool { return e.UserID == 0 || e.UserID == userID }

// IsComment reports whether the event is about a comment on its item.
func (e Event) IsComment() bool { return strings.HasPrefix(e.Kind, "comment.") }

// Presence is one person who has an item open, and whether they are typing
// in one of its forms.
type Presence struct {
	UserID  int64
	Name    string
	Editing bool
}
