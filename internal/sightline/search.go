package sightline

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Search: a query over a workspace, as people type it into a web search
// box ("exact phrase", -exclude, or), with the last word matched as a
// prefix while they are still typing it, names matched despite typos, and
// "ADR-0007" or "2027-Q1" finding their decision or epics.

// SearchKind is a kind of result.
type SearchKind string

// The kinds of results, in the order the page groups them.
const (
	SearchEpic        SearchKind = "epic"
	SearchPain        SearchKind = "pain"
	SearchShift       SearchKind = "shift"
	SearchInitiative  SearchKind = "initiative"
	SearchGoal        SearchKind = "goal"
	SearchArchItem    SearchKind = "arch_item"
	SearchConcern     SearchKind = "concern"
	SearchDecision    SearchKind = "decision"
	SearchRoadmapItem SearchKind = "roadmap_item"
	SearchComment     SearchKind = "comment"
)

// SearchKinds are the kinds with their plural labels.
var SearchKinds = []struct {
	Kind  SearchKind
	Label string
}{
	{SearchEpic, "Epics"}, {SearchPain, "Pain notes"}, {SearchShift, "Strategy shifts"}, {SearchInitiative, "Initiatives"},
	{SearchGoal, "Goals"}, {SearchArchItem, "Architecture items"}, {SearchConcern, "NFR concerns"}, {SearchDecision, "Decisions"},
	{SearchRoadmapItem, "Roadmap items"}, {SearchComment, "Comments"},
}

// ValidSearchKind reports whether k filters results ("" is every kind).
func ValidSearchKind(k string) bool {
	for _, x := range SearchKinds {
		if string(x.Kind) == k {
			return true
		}
	}
	return k == ""
}

// SearchCandidates bounds the matches of one kind a search ranks and
// counts: a word found in more items of a kind than this is counted as
// "2,000+", and its results are the best of the first 2,000 found. It keeps
// a common word as fast as a rare one on a workspace of a million notes.
const SearchCandidates = 2000

// MaxSearchQuery bounds what a search box takes, in characters.
const MaxSearchQuery = 200

// SearchQuery is a parsed query.
type SearchQuery struct {
	Text    string // as typed, trimmed
	Words   string // for websearch_to_tsquery: everything but a last plain word
	Prefix  string // the last plain word, matched as a prefix ("" if none)
	Fuzzy   string // the longest plain word, for typo-tolerant name matching ("" if none)
	ADR     int    // "ADR-0007" → 7
	Quarter string // "2027-Q1"
}

var (
	adrRE           = regexp.MustCompile(`(?i)^(?:adr[- ]?)0*([0-9]{1,6})$`)
	searchQuarterRE = regexp.MustCompile(`(?i)^([0-9]{4})[- ]?q([1-4])$`)
)

// ParseSearch reads a query; a missing or overlong one is a problem with
// the field "q".
func ParseSearch(raw string) (SearchQuery, Problems) {
	q := SearchQuery{Text: strings.TrimSpace(raw)}
	p := Problems{}
	switch n := len([]rune(q.Text)); {
	case n == 0:
		p["q"] = "Type what to look for: a word, a \"phrase\", -a word to leave out, ADR-7 or 2027-Q1."
		return q, p
	case n > MaxSearchQuery:
		p["q"] = "At most 200 characters."
		return q, p
	}
	if m := adrRE.FindStringSubmatch(q.Text); m != nil {
		q.ADR, _ = strconv.Atoi(m[1])
	}
	if m := searchQuarterRE.FindStringSubmatch(q.Text); m != nil {
		q.Quarter = m[1] + "-Q" + m[2]
	}
	q.Words = q.Text
	// The last word, when it is a plain word being typed (not in quotes,
	// not excluded, not "or"), also matches as a prefix.
	if !strings.HasSuffix(q.Text, `"`) && strings.Count(q.Text, `"`)%2 == 0 {
		fields := strings.Fields(q.Text)
		last := fields[len(fields)-1]
		if plainWord(last) && !strings.EqualFold(last, "or") {
			q.Prefix = strings.ToLower(last)
			q.Words = strings.TrimSpace(strings.TrimSuffix(q.Text, last))
		}
	}
	// A name matches despite a typo when the query is plain words (no
	// phrase, exclusion or "or" to honour): its longest word, by trigrams.
	plain := true
	longest := ""
	for _, f := range strings.Fields(q.Text) {
		if !plainWord(f) || strings.EqualFold(f, "or") {
			plain = false
			break
		}
		if len([]rune(f)) > len([]rune(longest)) {
			longest = f
		}
	}
	if plain && len([]rune(longest)) >= 4 {
		q.Fuzzy = strings.ToLower(longest)
	}
	return q, p
}

func plainWord(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return w != ""
}

// SearchHit is one result.
type SearchHit struct {
	Kind      SearchKind
	ID        int64  // the row (the comment's, for a comment)
	ItemType  string // the item its page shows (a comment's item)
	ItemRef   int64  // the item's id, or a decision's number
	Title     string
	Snippet   []SnippetPart
	CommentID int64
}

// SnippetPart is a run of a result's text, highlighted where it matched.
type SnippetPart struct {
	Text string
	Hit  bool
}

// The marks the database puts around a match in a snippet: characters of
// Unicode's private use area, taken out of the text first, so nothing the
// user wrote can open or close a highlight.
const (
	SnippetStart = "\uE000"
	SnippetStop  = "\uE001"
)

// SplitSnippet cuts a marked snippet into runs; the page escapes each.
func SplitSnippet(s string) []SnippetPart {
	var out []SnippetPart
	for s != "" {
		i := strings.Index(s, SnippetStart)
		if i < 0 {
			out = append(out, SnippetPart{Text: s})
			break
		}
		if i > 0 {
			out = append(out, SnippetPart{Text: s[:i]})
		}
		s = s[i+len(SnippetStart):]
		j := strings.Index(s, SnippetStop)
		if j < 0 {
			out = append(out, SnippetPart{Text: s, Hit: true})
			break
		}
		out = append(out, SnippetPart{Text: s[:j], Hit: true})
		s = s[j+len(SnippetStop):]
	}
	return out
}
