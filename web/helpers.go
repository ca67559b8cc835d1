package web

import (
	"strconv"

	"github.com/sightline/sightline/internal/sightline"
)

// fieldValue never echoes a password back into the page.
func fieldValue(f Form, name, kind string) string {
	if kind == "password" {
		return ""
	}
	return f.Get(name)
}

func allRoles() []sightline.Role { return sightline.Roles }

func pageTitle(t string) string {
	if t == "" {
		return "Sightline"
	}
	return t + " · Sightline"
}

func conflictTitle(who string) string {
	if who == "" {
		return "Someone else saved this while you were editing"
	}
	return who + " saved this while you were editing"
}

// countNoun writes a count with its noun: "1 epic", "3 epics".
func countNoun(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
