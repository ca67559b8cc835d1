package web

import (
	"fmt"

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
	}
	return a.Verb
}
