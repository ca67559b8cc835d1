package ui

import (
	"strings"
	"time"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
)

// Page is what the layout needs on every page.
type Page struct {
	Title     string
	User      *sightline.User      // nil when signed out
	Workspace *sightline.Workspace // nil outside a workspace
	Role      sightline.Role       // the user's role in Workspace
	Unread    int                  // the user's unread inbox entries in Workspace
	Area      string               // the nav entry to mark current
	Flash     Flash
	RequestID string
	// Errors is the summary of a refused form, shown first on the page.
	Errors []ErrorLink
	// Live is the page's event stream (in a workspace): the fragments
	// marked to follow it refresh themselves when others change things.
	Live string
	// Self is the page's own address, which a refreshed fragment reloads.
	Self string
	// LiveItemType and LiveItemID name the item the page shows, if any:
	// who else has it open shows above the page, and a change by someone
	// else is announced there.
	LiveItemType string
	LiveItemID   int64
}

// htmxConfig keeps htmx within the CSP: no eval, no inline style, no
// script in swapped content.
const htmxConfig = `{"allowEval":false,"allowScriptTags":false,"includeIndicatorStyles":false,"historyCacheSize":0,"selfRequestsOnly":true}`

// LivePresence is where the page's script reports that the person types in
// one of its forms ("Priya is editing"); empty without an item.
func (p Page) LivePresence() string {
	if p.LiveItemType == "" || p.Workspace == nil {
		return ""
	}
	return paths.ItemPresence(p.Workspace.Slug, p.LiveItemType, p.LiveItemID)
}

// ErrorLink is one line of the error summary at the top of a refused form's
// page: the message, and the field (or element id) it links to.
type ErrorLink struct {
	Field   string // a form field's name; the link goes to its input
	Target  string // an element id to link to instead (the conflict panel)
	Message string
}

// Href is where the summary line links: the field's input, or Target.
func (l ErrorLink) Href() string {
	switch {
	case l.Target != "":
		return "#" + l.Target
	case l.Field != "":
		return "#" + ControlID("", l.Field)
	}
	return ""
}

// FieldLabel names a field for the summary: "due_on" is "Due on", and an id
// field is named by what it picks ("pm_owner_id" is "Pm owner").
func (l ErrorLink) FieldLabel() string {
	n := strings.TrimSuffix(l.Field, "_id")
	n = strings.ReplaceAll(n, "_", " ")
	if n == "" {
		return ""
	}
	return strings.ToUpper(n[:1]) + n[1:]
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
	s := ws.Slug
	items := []NavItem{
		{Area: "dashboard", Label: "Dashboard", Href: paths.Workspace(s)},
		{Area: "review", Label: "Review", Href: paths.Review(s)},
		{Area: "strategy", Label: "Strategy", Href: paths.Strategy(s)},
		{Area: "goals", Label: "Goals", Href: paths.Goals(s)},
		{Area: "initiatives", Label: "Initiatives", Href: paths.Initiatives(s)},
		{Area: "epics", Label: "Epics", Href: paths.Epics(s)},
		{Area: "pains", Label: "Customer pain", Href: paths.Pains(s)},
		{Area: "roadmap", Label: "Roadmap", Href: paths.Roadmap(s)},
		{Area: "matrix", Label: "Matrix", Href: paths.Matrix(s)},
		{Area: "architecture", Label: "Architecture", Href: paths.Architecture(s)},
		{Area: "concerns", Label: "NFRs", Href: paths.Concerns(s)},
		{Area: "decisions", Label: "Decisions", Href: paths.Decisions(s)},
	}
	if role.Can(sightline.ActionManageMembers) {
		items = append(items, NavItem{Area: "settings", Label: "Settings", Href: paths.Settings(s)})
	}
	return items
}

// FormatTime prints a time the same way on every page.
func FormatTime(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") }

// FormatDate prints a date.
func FormatDate(t time.Time) string { return t.UTC().Format("2 Jan 2006") }
