package sightline

import (
	"strconv"
	"strings"
	"time"
)

// NFRImpact is what an epic demands of the system in one quality attribute.
type NFRImpact struct {
	ID           int64
	WorkspaceID  int64
	EpicID       int64
	EpicTitle    string
	Category     string
	ConcernID    *int64
	ConcernTitle string
	Level        string
	Note         string
	RequiredWork string
	Version      int
	CreatedBy    string
	UpdatedAt    time.Time
}

// ChangeKinds are how an epic affects an architecture item.
var ChangeKinds = []string{"new", "change", "extend", "retire", "depends_on"}

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
