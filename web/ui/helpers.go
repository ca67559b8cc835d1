package ui

import (
	"strconv"
	"strings"
	"unicode"
)

// fieldValue never echoes a password back into the page.
func FieldValue(f Form, name, kind string) string {
	if kind == "password" {
		return ""
	}
	return f.Get(name)
}

func PageTitle(t string) string {
	if t == "" {
		return "Sightline"
	}
	return t + " · Sightline"
}

// countNoun writes a count with its noun: "1 epic", "3 epics".
func CountNoun(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Or is s, or none when s is empty: "—" for a missing value, "Not named yet"…
func Or(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

// Initials are up to two letters of a person's name, for an avatar.
func Initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			out = append(out, unicode.ToUpper(r))
			break
		}
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}
