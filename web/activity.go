package web

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sightline/sightline/internal/markdown"
	"github.com/sightline/sightline/internal/sightline"
)

func actorName(a sightline.Activity) string {
	if a.ActorName == "" {
		return "Someone"
	}
	return a.ActorName
}

func roleLabel(v any) string {
	s, _ := v.(string)
	if s == "" {
		return "none"
	}
	return sightline.Role(s).Label()
}

// describeActivity turns an audit entry into the rest of a sentence.
func describeActivity(a sightline.Activity) string {
	if t, ok := NFRActivityText(a); ok {
		return t
	}
	switch a.Verb {
	case "workspace.created":
		return fmt.Sprintf("created the workspace %q", a.Summary)
	case "workspace.renamed":
		c := a.Changes["name"]
		return fmt.Sprintf("renamed the workspace from %q to %q", c.From, c.To)
	case "workspace.profile_set":
		return "set the vision and business phase"
	case "member.added":
		return fmt.Sprintf("added %s as %s", a.Summary, roleLabel(a.Changes["role"].To))
	case "member.role_changed":
		c := a.Changes["role"]
		return fmt.Sprintf("changed %s's role from %s to %s", a.Summary, roleLabel(c.From), roleLabel(c.To))
	case "member.removed":
		return fmt.Sprintf("removed %s from the workspace", a.Summary)
	case "invitation.created":
		return fmt.Sprintf("invited %s as %s", a.Summary, roleLabel(a.Changes["role"].To))
	case "invitation.revoked":
		return fmt.Sprintf("revoked the invitation for %s", a.Summary)
	case "invitation.accepted":
		return fmt.Sprintf("accepted the invitation for %s", a.Summary)
	case "pain.linked", "pain.unlinked":
		verb, prep := "linked", "to"
		if a.Verb == "pain.unlinked" {
			verb, prep = "unlinked", "from"
		}
		if a.ItemType == "epic" {
			return fmt.Sprintf("%s the customer pain “%s” %s the epic", verb, shorten(a.Summary, 80), prep)
		}
		return fmt.Sprintf("%s a customer pain %s the epic “%s”", verb, prep, a.Summary)
	case "initiative.revalidated":
		return fmt.Sprintf("confirmed the initiative “%s” still holds after the latest strategy shift", a.Summary)
	case "workspace.vision_changed":
		return "updated the vision"
	case "workspace.phase_changed":
		c := a.Changes["phase"]
		return fmt.Sprintf("moved the business phase from %s to %s", changeValue(c.From), changeValue(c.To))
	case "workspace.pressures_changed":
		return "changed which quality attributes each business phase puts under pressure"
	case "review.held":
		return fmt.Sprintf("recorded a roadmap and architecture review (%s)", shorten(a.Summary, 120))
	case "shift.logged":
		return fmt.Sprintf("logged the strategy shift “%s”", a.Summary)
	case "shift.acknowledged":
		return fmt.Sprintf("acknowledged the strategy shift “%s”", a.Summary)
	}
	return genericActivity(a)
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// genericActivity describes "<item>.<verb>" entries that have no sentence of
// their own: "updated epic “Usage billing” (status: idea → discovery)".
func genericActivity(a sightline.Activity) string {
	item, verb, _ := strings.Cut(a.Verb, ".")
	item = strings.ReplaceAll(item, "_", " ")
	verb = strings.ReplaceAll(verb, "_", " ")
	s := verb + " " + item
	if a.Summary != "" {
		s += " “" + a.Summary + "”"
	}
	if len(a.Changes) > 0 {
		keys := make([]string, 0, len(a.Changes))
		for k := range a.Changes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			c := a.Changes[k]
			parts = append(parts, fmt.Sprintf("%s: %s → %s", strings.ReplaceAll(k, "_", " "), changeValue(c.From), changeValue(c.To)))
		}
		s += " (" + strings.Join(parts, "; ") + ")"
	}
	return s
}

// changeValue prints one side of a change for the feed and history: as
// plain text (markdown rendered, then its text: no "> " or "**"), shortened.
func changeValue(v any) string {
	s := changeText(v)
	if r := []rune(s); len(r) > changeShort {
		return string(r[:changeShort-3]) + "…"
	}
	return s
}

// changeShort is how many characters of a changed value show before "…".
const changeShort = 60

// changeText is one side of a change in full, as plain text.
func changeText(v any) string {
	if v == nil {
		return "—"
	}
	s := strings.TrimSpace(fmt.Sprint(v))
	if s == "" {
		return "—"
	}
	return markdown.PlainText(s)
}

// ChangeLine is one changed field of a history entry: what shows in the
// line, and, when that is shortened, both sides in full.
type ChangeLine struct {
	Field, From, To string
	FullFrom        string
	FullTo          string
}

// withFull keeps both sides of c in full when either side of the line was
// shortened, so the history can show the whole change on request.
func (l ChangeLine) withFull(c sightline.Change) ChangeLine {
	from, to := changeText(c.From), changeText(c.To)
	if len([]rune(from)) > changeShort || len([]rune(to)) > changeShort {
		l.FullFrom, l.FullTo = from, to
	}
	return l
}

// Shortened reports whether the line shows only the start of its values.
func (l ChangeLine) Shortened() bool { return l.FullFrom != "" || l.FullTo != "" }
