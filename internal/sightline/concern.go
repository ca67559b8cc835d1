package sightline

import (
	"net/url"
	"strings"
	"time"
)

// Concern is an entry of the NFR register: a quality-attribute scenario.
type Concern struct {
	ID          int64
	WorkspaceID int64
	Category    string
	Title       string
	Stimulus    string
	Response    string
	Measure     string
	Target      string
	Current     string
	Status      string
	Items       []ArchItem // attached items (id, name, kind), where loaded
	Version     int
	UpdatedAt   time.Time
}

// ImpactLevels are the levels of an NFR impact, lowest first.
var ImpactLevels = []string{"low", "medium", "high", "blocking"}

// ImpactRank orders impact levels: low 1 … blocking 4, 0 if unknown.
func ImpactRank(level string) int {
	for i, l := range ImpactLevels {
		if l == level {
			return i + 1
		}
	}
	return 0
}

// Limits of the NFR register's, impacts' and links' text fields, in
// characters (the database checks them too).
const (
	MaxConcernTitle    = 200
	MaxConcernScenario = 2000 // stimulus, response, measure each
	MaxConcernValue    = 200  // target, current value
	MaxImpactNote      = 5000
	MaxImpactWork      = 5000
	MaxArchLinkNote    = 2000
)

// ValidNFRCategory reports whether c is one of the register's categories.
func ValidNFRCategory(c string) bool { return nfrOneOf(NFRCategories, c) }

// ValidConcernStatus reports whether s is a concern status.
func ValidConcernStatus(s string) bool { return nfrOneOf(ConcernStatuses, s) }

// ValidImpactLevel reports whether l is an impact level.
func ValidImpactLevel(l string) bool { return ImpactRank(l) > 0 }

// ValidChangeKind reports whether k is a kind of change an epic makes to an item.
func ValidChangeKind(k string) bool { return nfrOneOf(ChangeKinds, k) }

func nfrOneOf(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// NFRCategoryLabel is a category as people write it ("Maintainability").
func NFRCategoryLabel(c string) string {
	if c == "" {
		return ""
	}
	return strings.ToUpper(c[:1]) + c[1:]
}

// ConcernStatusLabel is a concern status in words.
func ConcernStatusLabel(s string) string {
	switch s {
	case "open":
		return "Open"
	case "met":
		return "Met"
	case "at_risk":
		return "At risk"
	case "violated":
		return "Violated"
	}
	return s
}

// ConcernStatusRank orders statuses from the most to the least worrying:
// violated 1, at risk 2, open 3, met 4 (0 if unknown).
func ConcernStatusRank(s string) int {
	switch s {
	case "violated":
		return 1
	case "at_risk":
		return 2
	case "open":
		return 3
	case "met":
		return 4
	}
	return 0
}

// ImpactLevelLabel is an impact level in words.
func ImpactLevelLabel(l string) string { return NFRCategoryLabel(l) }

// ChangeKindLabel is a kind of change in words ("Depends on").
func ChangeKindLabel(k string) string {
	if k == "depends_on" {
		return "Depends on"
	}
	return NFRCategoryLabel(k)
}

// ChangeKindHint says what a kind of change means for the item.
func ChangeKindHint(k string) string {
	switch k {
	case "new":
		return "the epic creates this item"
	case "change":
		return "the epic alters how it works"
	case "extend":
		return "the epic adds to it"
	case "retire":
		return "the epic removes it"
	case "depends_on":
		return "the epic needs it as it is"
	}
	return ""
}

// ConcernFilter narrows the NFR register.
type ConcernFilter struct {
	Category string // "" for any
	Status   string // "" for any
}

// Values is the filter as the NFR register's query parameters.
func (f ConcernFilter) Values() url.Values {
	q := url.Values{}
	if f.Category != "" {
		q.Set("category", f.Category)
	}
	if f.Status != "" {
		q.Set("status", f.Status)
	}
	return q
}

// Normalize drops unknown values so the filter is always safe to apply.
func (f ConcernFilter) Normalize() ConcernFilter {
	if !ValidNFRCategory(f.Category) {
		f.Category = ""
	}
	if !ValidConcernStatus(f.Status) {
		f.Status = ""
	}
	return f
}

// Active reports whether the filter narrows the register at all.
func (f ConcernFilter) Active() bool { return f.Category != "" || f.Status != "" }

// ConcernOverview is a concern as the register lists it: with its attached
// items and the number of epics whose NFR impacts name it.
type ConcernOverview struct {
	Concern
	EpicCount int
}

// ConcernDraft is a concern as typed into a form, before it is checked.
type ConcernDraft struct {
	Category, Title, Stimulus, Response, Measure, Target, Current, Status string
}

// Parse checks a draft and returns the concern it describes, or an EINVALID
// error with a message per bad field.
func (d ConcernDraft) Parse() (Concern, error) {
	c := Concern{Category: d.Category, Title: d.Title, Stimulus: d.Stimulus, Response: d.Response,
		Measure: d.Measure, Target: d.Target, Current: d.Current, Status: d.Status}
	return c, CheckConcern(&c).Err()
}

// ConcernDraftOf turns a saved concern back into form values.
func ConcernDraftOf(c Concern) ConcernDraft {
	return ConcernDraft{Category: c.Category, Title: c.Title, Stimulus: c.Stimulus, Response: c.Response,
		Measure: c.Measure, Target: c.Target, Current: c.Current, Status: c.Status}
}

// CheckConcern checks a concern's fields.
func CheckConcern(c *Concern) Problems {
	p := Problems{}
	if !ValidNFRCategory(c.Category) {
		p.Add("category", "Choose the quality attribute this concern is about.")
	}
	CheckText(p, "title", c.Title, true, MaxConcernTitle)
	CheckText(p, "stimulus", c.Stimulus, false, MaxConcernScenario)
	CheckText(p, "response", c.Response, false, MaxConcernScenario)
	CheckText(p, "measure", c.Measure, false, MaxConcernScenario)
	CheckText(p, "target", c.Target, false, MaxConcernValue)
	CheckText(p, "current", c.Current, false, MaxConcernValue)
	if !ValidConcernStatus(c.Status) {
		p.Add("status", "Choose open, met, at risk or violated.")
	}
	return p
}
