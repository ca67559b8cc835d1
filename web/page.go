package web

import (
	"time"

	"github.com/sightline/sightline/internal/sightline"
)

// Page is what the layout needs on every page.
type Page struct {
	Title     string
	User      *sightline.User      // nil when signed out
	Workspace *sightline.Workspace // nil outside a workspace
	Role      sightline.Role       // the user's role in Workspace
	Area      string               // the nav entry to mark current
	Flash     Flash
	RequestID string
}

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind    string // success, error, info
	Message string
}

// Form carries a form's submitted values and per-field errors, so a rejected
// form re-renders with the user's input intact.
type Form struct {
	Values map[string]string
	Errors map[string]string
}

// NewForm returns an empty form.
func NewForm() Form { return Form{Values: map[string]string{}, Errors: map[string]string{}} }

// Get returns a submitted value.
func (f Form) Get(name string) string { return f.Values[name] }

// Err returns the message for a field, or "".
func (f Form) Err(name string) string { return f.Errors[name] }

// NavItem is one entry of the workspace navigation.
type NavItem struct {
	Area  string
	Label string
	Href  string
}

// Nav lists the areas of a workspace the role can open. Later areas are added here.
func Nav(ws *sightline.Workspace, role sightline.Role) []NavItem {
	base := "/w/" + ws.Slug
	items := []NavItem{
		{Area: "dashboard", Label: "Dashboard", Href: base},
		{Area: "review", Label: "Review", Href: base + "/review"},
		{Area: "strategy", Label: "Strategy", Href: base + "/strategy"},
		{Area: "goals", Label: "Goals", Href: base + "/goals"},
		{Area: "initiatives", Label: "Initiatives", Href: base + "/initiatives"},
		{Area: "epics", Label: "Epics", Href: base + "/epics"},
		{Area: "pains", Label: "Customer pain", Href: base + "/pains"},
		{Area: "roadmap", Label: "Roadmap", Href: base + "/roadmap"},
		{Area: "matrix", Label: "Matrix", Href: base + "/matrix"},
		{Area: "architecture", Label: "Architecture", Href: base + "/architecture"},
		{Area: "concerns", Label: "NFRs", Href: base + "/concerns"},
		{Area: "decisions", Label: "Decisions", Href: base + "/decisions"},
	}
	if role.Can(sightline.ActionManageMembers) {
		items = append(items, NavItem{Area: "settings", Label: "Settings", Href: base + "/settings"})
	}
	return items
}

// formatTime prints a time the same way on every page.
func formatTime(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") }

// formatDate prints a date.
func formatDate(t time.Time) string { return t.UTC().Format("2 Jan 2006") }

// fieldID gives a form field a stable id for its label.
func fieldID(name string) string { return "f-" + name }

func errID(name string) string { return "err-" + name }
