package sightline

import (
	"net/url"
	"strconv"
	"strings"
)

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

// ImpactDraft is an NFR impact as typed into a form.
type ImpactDraft struct {
	Category, ConcernID, Level, Note, RequiredWork string
}

// Parse checks a draft and returns the impact it describes. The category
// may be left empty when a concern is named: it is then the concern's (see
// ApplyImpactConcern, which the store calls once it knows the concern).
func (d ImpactDraft) Parse() (NFRImpact, error) {
	p := Problems{}
	i := NFRImpact{Category: d.Category, Level: d.Level, Note: d.Note, RequiredWork: d.RequiredWork}
	if d.ConcernID != "" {
		id, err := ParseIDValue(d.ConcernID)
		if err != nil || id < 1 {
			p.Add("concern_id", "Choose one of the register's concerns, or none.")
		} else {
			i.ConcernID = &id
		}
	}
	for k, v := range CheckImpact(&i) {
		p.Add(k, v)
	}
	return i, p.Err()
}

// ImpactDraftOf turns a saved impact back into form values.
func ImpactDraftOf(i NFRImpact) ImpactDraft {
	d := ImpactDraft{Category: i.Category, Level: i.Level, Note: i.Note, RequiredWork: i.RequiredWork}
	if i.ConcernID != nil {
		d.ConcernID = strconv.FormatInt(*i.ConcernID, 10)
	}
	return d
}

// CheckImpact checks an impact's fields; an empty category is left to
// ApplyImpactConcern when a concern is named.
func CheckImpact(i *NFRImpact) Problems {
	p := Problems{}
	if i.Category != "" && !ValidNFRCategory(i.Category) || i.Category == "" && i.ConcernID == nil {
		p.Add("category", "Choose the quality attribute the epic puts under pressure.")
	}
	if !ValidImpactLevel(i.Level) {
		p.Add("level", "Choose low, medium, high or blocking.")
	}
	CheckText(p, "note", i.Note, false, MaxImpactNote)
	CheckText(p, "required_work", i.RequiredWork, false, MaxImpactWork)
	return p
}

// ApplyImpactConcern applies the rule that an impact naming a concern is
// about that concern's quality attribute: an empty category takes the
// concern's; a different one is refused, saying which category fits.
func ApplyImpactConcern(i *NFRImpact, concernCategory, concernTitle string) Problems {
	p := Problems{}
	switch {
	case i.Category == "":
		i.Category = concernCategory
	case i.Category != concernCategory:
		p.Add("concern_id", "The concern “"+concernTitle+"” is about "+strings.ToLower(NFRCategoryLabel(concernCategory))+
			"; choose that category for this impact, or another concern.")
	}
	return p
}

// ArchLinkDraft is an epic ↔ item link as typed into a form; the side the
// form came from fills its own id.
type ArchLinkDraft struct {
	EpicID, ItemID, ChangeKind, Note string
}

// Parse checks a draft and returns the link it describes.
func (d ArchLinkDraft) Parse() (ArchLink, error) {
	p := Problems{}
	l := ArchLink{ChangeKind: d.ChangeKind, Note: d.Note}
	l.EpicID = nfrFormID(p, "epic_id", d.EpicID, "Choose the epic that affects this item.")
	l.ItemID = nfrFormID(p, "item_id", d.ItemID, "Choose the architecture item the epic affects.")
	for k, v := range CheckArchLink(&l) {
		p.Add(k, v)
	}
	return l, p.Err()
}

func nfrFormID(p Problems, field, v, missing string) int64 {
	if v == "" {
		p.Add(field, missing)
		return 0
	}
	id, err := ParseIDValue(v)
	if err != nil || id < 1 {
		p.Add(field, "Choose one of the options.")
		return 0
	}
	return id
}

// CheckArchLink checks a link's kind of change and note.
func CheckArchLink(l *ArchLink) Problems {
	p := Problems{}
	if !ValidChangeKind(l.ChangeKind) {
		p.Add("change_kind", "Choose how the epic affects the item: new, change, extend, retire or depends on.")
	}
	CheckText(p, "note", l.Note, false, MaxArchLinkNote)
	return p
}
