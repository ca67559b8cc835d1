package web

import (
	"fmt"

	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web/ui"
)

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
			return fmt.Sprintf("%s the customer pain “%s” %s the epic", verb, ui.Shorten(a.Summary, 80), prep)
		}
		return fmt.Sprintf("%s a customer pain %s the epic “%s”", verb, prep, a.Summary)
	case "initiative.revalidated":
		return fmt.Sprintf("confirmed the initiative “%s” still holds after the latest strategy shift", a.Summary)
	case "workspace.vision_changed":
		return "updated the vision"
	case "workspace.phase_changed":
		c := a.Changes["phase"]
		return fmt.Sprintf("moved the business phase from %s to %s", ui.ChangeValue(c.From), ui.ChangeValue(c.To))
	case "workspace.pressures_changed":
		return "changed which quality attributes each business phase puts under pressure"
	case "review.held":
		return fmt.Sprintf("recorded a roadmap and architecture review (%s)", ui.Shorten(a.Summary, 120))
	case "shift.logged":
		return fmt.Sprintf("logged the strategy shift “%s”", a.Summary)
	case "shift.acknowledged":
		return fmt.Sprintf("acknowledged the strategy shift “%s”", a.Summary)
	}
	return ui.GenericActivity(a)
}
