package sightline

import (
	"fmt"
	"strings"
	"unicode"
)

// DecisionFileName is the download name of a decision as a Markdown ADR:
// ADR-0007-use-kafka-for-usage-events.md (ASCII only, safe in a header).
func DecisionFileName(d *Decision) string {
	return d.Ref() + "-" + decisionSlug(d.Title) + ".md"
}

// decisionSlug keeps ASCII letters and digits of a title, lower-cased, with
// single dashes between words, at most 60 characters.
func decisionSlug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			if b.Len() >= 60 {
				break
			}
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "decision"
	}
	return strings.TrimRight(b.String(), "-")
}

// DecisionMarkdown renders a decision as a Markdown ADR file: title, status,
// dates, deciders, the sections, the trade-off, every stance (objections
// first), what it is about, and the supersede chain. Stances are expected in
// display order.
func DecisionMarkdown(d *Decision, stances []Stance, links []DecisionLink) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	oneLine := func(s string) string { return strings.Join(strings.Fields(s), " ") }

	line("# %s: %s", d.Ref(), oneLine(d.Title))
	line("")
	line("- Status: %s", DecisionStatusLabel(d.Status))
	if d.SupersededByID != nil {
		line("- Superseded by %s", DecisionNumber(d.SupersededByNumber))
	}
	for _, s := range d.Supersedes {
		line("- Supersedes %s (%s)", s.Ref(), oneLine(s.Title))
	}
	if d.DecidedOn != nil {
		line("- Date: %s", d.DecidedOn.Format("2006-01-02"))
	} else {
		line("- Date: not decided yet (proposed %s)", d.CreatedAt.UTC().Format("2006-01-02"))
	}
	if d.DecidedByName != "" {
		line("- Deciders: %s", oneLine(d.DecidedByName))
	} else {
		line("- Deciders: not named yet")
	}
	if d.RevisitOn != nil {
		line("- Revisit on: %s", d.RevisitOn.Format("2006-01-02"))
	}
	section := func(title, body, none string) {
		line("")
		line("## %s", title)
		line("")
		if strings.TrimSpace(body) == "" {
			line("_%s_", none)
			return
		}
		line("%s", strings.TrimRight(strings.ReplaceAll(body, "\r\n", "\n"), "\n"))
	}
	section("Context", d.Context, "No context recorded.")
	section("Options considered", d.Options, "No options recorded.")
	section("Decision", d.Decision, "Not decided yet.")
	section("Consequences", d.Consequences, "No consequences recorded.")
	section("Trade-off", d.Tradeoff, "No trade-off recorded.")

	line("")
	line("## Stances")
	line("")
	if len(stances) == 0 {
		line("_Nobody has stated a stance yet._")
	}
	for _, s := range stances {
		if strings.TrimSpace(s.Reason) == "" {
			line("- **%s** — %s", StanceLabel(s.Stance), oneLine(s.UserName))
		} else {
			line("- **%s** — %s: %s", StanceLabel(s.Stance), oneLine(s.UserName), oneLine(s.Reason))
		}
	}

	line("")
	line("## Links")
	line("")
	if len(links) == 0 {
		line("_Not linked to any epic, architecture item, concern or strategy shift._")
	}
	for _, l := range links {
		if l.Detail != "" {
			line("- %s: %s (%s)", DecisionTargetLabel(l.Type), oneLine(l.Title), oneLine(l.DetailLabel()))
		} else {
			line("- %s: %s", DecisionTargetLabel(l.Type), oneLine(l.Title))
		}
	}
	return b.String()
}
