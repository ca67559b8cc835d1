package sightline

import (
	"regexp"
	"strings"
	"time"
)

// Phase is the business phase a workspace's product is in.
type Phase string

// The business phases.
const (
	PhaseGrowth        Phase = "growth"
	PhaseRetention     Phase = "retention"
	PhaseStability     Phase = "stability"
	PhaseProfitability Phase = "profitability"
)

// Workspace is one product's shared planning space.
type Workspace struct {
	ID        int64
	Slug      string
	Name      string
	Vision    string
	Phase     Phase
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
	// Revision is the newest change to anything the workspace's pages
	// show (migration 00016), read with the membership, so a page's tag
	// costs no query of its own; RevisionSettled says no transaction was
	// in progress when it was read (a tag may be handed out).
	Revision        int64
	RevisionSettled bool
}

// Membership is a user's role in a workspace.
type Membership struct {
	ID          int64
	WorkspaceID int64
	UserID      int64
	Role        Role
	Version     int
	Handle      string // "@arjun": unique in the workspace
	Unread      int    // unread inbox entries (loaded with the request's membership)
	// Handles are every member's handle in the workspace (loaded with the
	// request's membership): what "@handle" links to on its pages.
	Handles   []string
	CreatedAt time.Time
	UpdatedAt time.Time

	// Joined from users for display.
	UserName  string
	UserEmail string
}

// MyWorkspace is a workspace as listed on the home page of one user.
type MyWorkspace struct {
	Workspace
	Role    Role
	Handle  string // the user's handle in it
	Members int
	Unread  int // their unread inbox entries in it
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)

// CheckSlug adds a problem for field if slug cannot be used in a URL.
func CheckSlug(p Problems, field, slug string) {
	if !slugRE.MatchString(slug) {
		p.Add(field, "Use 2–40 lower-case letters, digits and dashes, starting with a letter or digit.")
	}
}

// CheckWorkspaceName adds a problem for field if the name is empty or too long.
func CheckWorkspaceName(p Problems, field, name string) {
	switch {
	case strings.TrimSpace(name) == "":
		p.Add(field, "Enter the workspace's name.")
	case len([]rune(name)) > 100:
		p.Add(field, "A workspace name has at most 100 characters.")
	}
}

// Slugify derives a URL slug from a name: "Taskly Mobile" → "taskly-mobile".
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}
