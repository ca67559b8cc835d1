package sightline

import (
	"slices"
	"strings"
	"time"
)

// RequestKind is what a request asks of its recipient.
type RequestKind string

// The requests. Each closes by itself when the work is done: an estimate
// recorded on the epic, its feasibility check-in done or waived, the
// recipient's stance on the decision, the recipient's acknowledgement of
// the shift (asked of every architect when the shift is logged).
const (
	RequestEstimate    RequestKind = "estimate"
	RequestFeasibility RequestKind = "feasibility"
	RequestStance      RequestKind = "stance"
	RequestShiftAck    RequestKind = "shift_ack"
)

// Action is what the recipient must be allowed to do for the request to
// make sense: asked of someone who lost that right, it shows so.
func (k RequestKind) Action() Action {
	switch k {
	case RequestEstimate:
		return ActionEstimateEpic
	case RequestFeasibility:
		return ActionFeasibility
	case RequestStance:
		return ActionTakeStance
	case RequestShiftAck:
		return ActionAcknowledgeShift
	}
	return ""
}

// CanReceive reports whether a member of the role can do what the request
// asks: a feasibility check-in is recorded by an architect.
func (k RequestKind) CanReceive(role Role) bool {
	if k == RequestFeasibility {
		return role == RoleArchitect
	}
	return role.Can(k.Action())
}

// ItemType is the kind of item the request is about.
func (k RequestKind) ItemType() string {
	switch k {
	case RequestStance:
		return "decision"
	case RequestShiftAck:
		return "shift"
	}
	return "epic"
}

// Phrase says what is asked: "an estimate", "a feasibility check-in".
func (k RequestKind) Phrase() string {
	switch k {
	case RequestEstimate:
		return "an estimate"
	case RequestFeasibility:
		return "a feasibility check-in"
	case RequestStance:
		return "a stance"
	case RequestShiftAck:
		return "an acknowledgement of this shift"
	}
	return string(k)
}

// Request is one ask of one member about one item.
type Request struct {
	ID            int64
	Kind          RequestKind
	ItemType      string
	ItemID        int64
	RecipientID   int64
	RecipientName string
	// RecipientRole is the recipient's role in the workspace now; empty when
	// they left it.
	RecipientRole Role
	RequestedBy   string
	Note          string
	CreatedAt     time.Time
	DoneAt        *time.Time
	DoneBy        string
}

// Open reports whether the work is still to do.
func (r Request) Open() bool { return r.DoneAt == nil }

// Standing says whether the recipient can still do it: "" when they can,
// otherwise why not, in words.
func (r Request) Standing() string {
	switch {
	case r.RecipientRole == "":
		return r.RecipientName + " is no longer in this workspace"
	case !r.Kind.CanReceive(r.RecipientRole):
		return r.RecipientName + " can no longer do this as " + strings.ToLower(r.RecipientRole.Label())
	}
	return ""
}

// CheckAsk checks an ask: at least one recipient, each a member allowed to
// do the work, and a short note. members maps the workspace's user ids to
// their roles.
func CheckAsk(kind RequestKind, recipients []int64, members map[int64]Role, note string) Problems {
	p := Problems{}
	if len(recipients) == 0 {
		p["recipients"] = "Choose at least one person to ask."
	}
	for _, id := range recipients {
		role, ok := members[id]
		if !ok {
			p["recipients"] = "Ask members of this workspace."
			break
		}
		if !kind.CanReceive(role) {
			p["recipients"] = "Ask people whose role lets them give " + kind.Phrase() + "."
			break
		}
	}
	if len([]rune(note)) > 1000 {
		p["note"] = "At most 1,000 characters."
	}
	return p
}

// Askable lists the members who may be asked for kind, by name.
func Askable(kind RequestKind, members []Membership, except int64) []Membership {
	var out []Membership
	for _, m := range members {
		if m.UserID != except && kind.CanReceive(m.Role) {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b Membership) int { return strings.Compare(a.UserName, b.UserName) })
	return out
}
