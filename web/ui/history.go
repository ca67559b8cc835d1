package ui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sightline/sightline/internal/markdown"
	"github.com/sightline/sightline/internal/sightline"
)

func ActorName(a sightline.Activity) string {
	if a.ActorName == "" {
		return "Someone"
	}
	return a.ActorName
}

func Shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// genericActivity describes "<item>.<verb>" entries that have no sentence of
// their own: "updated epic “Usage billing” (status: idea → discovery)".
func GenericActivity(a sightline.Activity) string {
	if t, ok := commentActivity(a); ok {
		return t
	}
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
			parts = append(parts, fmt.Sprintf("%s: %s → %s", strings.ReplaceAll(k, "_", " "), ChangeValue(c.From), ChangeValue(c.To)))
		}
		s += " (" + strings.Join(parts, "; ") + ")"
	}
	return s
}

// changeValue prints one side of a change for the feed and history: as
// plain text (markdown rendered, then its text: no "> " or "**"), shortened.
func ChangeValue(v any) string {
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
func (l ChangeLine) WithFull(c sightline.Change) ChangeLine {
	from, to := changeText(c.From), changeText(c.To)
	if len([]rune(from)) > changeShort || len([]rune(to)) > changeShort {
		l.FullFrom, l.FullTo = from, to
	}
	return l
}

// Shortened reports whether the line shows only the start of its values.
func (l ChangeLine) Shortened() bool { return l.FullFrom != "" || l.FullTo != "" }

// commentActivity describes the comment verbs, on the item's history and in
// the feed (Summary is the item's title, or the comment's author).
func commentActivity(a sightline.Activity) (string, bool) {
	switch a.Verb {
	case "comment.added":
		return "commented on “" + a.Summary + "”", true
	case "comment.replied":
		return "replied in a thread on “" + a.Summary + "”", true
	case "comment.edited":
		return "edited a comment", true
	case "comment.deleted":
		return "deleted a comment by " + a.Summary, true
	case "comment.resolved":
		return "resolved a thread started by " + a.Summary, true
	case "comment.reopened":
		return "reopened a thread started by " + a.Summary, true
	}
	return "", false
}
