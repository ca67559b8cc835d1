package sightline

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of a pain note's text fields, in characters (the database checks them too).
const (
	MaxPainQuote            = 5000
	MaxPainCustomer         = 200
	MaxPainSegment          = 100
	MaxPainHeardBy          = 100
	MaxPainQualityAttribute = 60
)

// PainFirsthandFactor is how much sharper a firsthand pain counts than a
// relayed one in the ranking (see PainNote.Score).
const PainFirsthandFactor = 1.5

// PainPerPage is the default page size of the pain list.
const PainPerPage = 50

// QualityAttributeSuggestions are the NFR categories offered (not imposed)
// for a pain's quality attribute.
var QualityAttributeSuggestions = []string{
	"scalability", "availability", "resilience", "performance", "cost",
	"security", "maintainability", "observability", "compliance", "usability",
}

// Valid reports whether s is a known pain source.
func (s PainSource) Valid() bool {
	for _, x := range PainSources {
		if x == s {
			return true
		}
	}
	return false
}

// Label is the source as people say it.
func (s PainSource) Label() string {
	switch s {
	case "usage_data":
		return "Usage data"
	case "":
		return ""
	}
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}

// SeverityLabel says what a severity means.
func SeverityLabel(n int) string {
	switch n {
	case 1:
		return "minor annoyance"
	case 2:
		return "slows them down"
	case 3:
		return "hurts regularly"
	case 4:
		return "serious"
	case 5:
		return "blocks their work"
	}
	return ""
}

// Pain list sort orders.
const (
	PainSortRecent   = "recent"   // heard on, newest first (default)
	PainSortScore    = "score"    // severity × frequency, firsthand sharper
	PainSortSeverity = "severity" // most severe first
	PainSortUpdated  = "updated"  // most recently edited first
)

// PainSorts lists the sort orders in display order.
var PainSorts = []string{PainSortRecent, PainSortScore, PainSortSeverity, PainSortUpdated}

// PainFilter narrows and orders the pain list.
type PainFilter struct {
	Source      PainSource // "" for any
	Segment     string     // "" for any
	MinSeverity int        // 0 for any
	Firsthand   string     // "", "yes" or "no"
	Unlinked    bool       // only pains not linked to any epic
	Page        int        // from 1
	PerPage     int
	Sort        string
}

// Values is the filter as the pain list's query parameters (the default
// sort and the first page left out).
func (f PainFilter) Values() url.Values {
	q := url.Values{}
	if f.Source != "" {
		q.Set("source", string(f.Source))
	}
	if f.Segment != "" {
		q.Set("segment", f.Segment)
	}
	if f.MinSeverity > 0 {
		q.Set("min_severity", strconv.Itoa(f.MinSeverity))
	}
	if f.Firsthand != "" {
		q.Set("firsthand", f.Firsthand)
	}
	if f.Unlinked {
		q.Set("unlinked", "1")
	}
	if f.Sort != "" && f.Sort != PainSortRecent {
		q.Set("sort", f.Sort)
	}
	if f.Page > 1 {
		q.Set("page", strconv.Itoa(f.Page))
	}
	return q
}

// Normalize drops unknown values so the filter is always safe to apply.
func (f PainFilter) Normalize() PainFilter {
	if !f.Source.Valid() {
		f.Source = ""
	}
	if utf8.RuneCountInString(f.Segment) > MaxPainSegment {
		f.Segment = ""
	}
	if f.MinSeverity < 0 || f.MinSeverity > 5 {
		f.MinSeverity = 0
	}
	if f.Firsthand != "yes" && f.Firsthand != "no" {
		f.Firsthand = ""
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PerPage < 1 || f.PerPage > 200 {
		f.PerPage = PainPerPage
	}
	switch f.Sort {
	case PainSortScore, PainSortSeverity, PainSortUpdated:
	default:
		f.Sort = PainSortRecent
	}
	return f
}

// Active reports whether the filter narrows the list at all.
func (f PainFilter) Active() bool {
	return f.Source != "" || f.Segment != "" || f.MinSeverity > 0 || f.Firsthand != "" || f.Unlinked
}

// PainDraft is a pain note as typed into a form, before it is checked.
type PainDraft struct {
	Quote            string
	Source           string
	Customer         string
	Segment          string
	Severity         string
	Frequency        string
	Firsthand        string // "firsthand" or "relayed"
	HeardBy          string
	HeardOn          string // 2006-01-02
	QualityAttribute string
}

// Parse checks a draft and returns the pain note it describes, or an
// EINVALID error with a message per bad field. today bounds "heard on".
func (d PainDraft) Parse(today time.Time) (PainNote, error) {
	p := Problems{}
	var n PainNote
	CheckText(p, "quote", d.Quote, true, MaxPainQuote)
	n.Quote = d.Quote
	n.Source = PainSource(d.Source)
	if !n.Source.Valid() {
		p.Add("source", "Choose where the pain was heard.")
	}
	CheckText(p, "customer", d.Customer, false, MaxPainCustomer)
	n.Customer = d.Customer
	CheckText(p, "segment", d.Segment, false, MaxPainSegment)
	n.Segment = d.Segment
	sev, err := Atoi(d.Severity)
	if err != nil || sev < 1 || sev > 5 {
		p.Add("severity", "Choose a severity from 1 (minor) to 5 (blocks their work).")
	}
	n.Severity = sev
	if FrequencyWeight(d.Frequency) == 0 {
		p.Add("frequency", "Choose how often it hurts.")
	}
	n.Frequency = d.Frequency
	switch d.Firsthand {
	case "firsthand":
		n.Firsthand = true
	case "relayed":
		n.Firsthand = false
	default:
		p.Add("firsthand", "Say whether you heard it firsthand from the customer or it was relayed by someone else.")
	}
	CheckText(p, "heard_by", d.HeardBy, false, MaxPainHeardBy)
	n.HeardBy = d.HeardBy
	on, err := time.Parse("2006-01-02", d.HeardOn)
	switch {
	case d.HeardOn == "":
		p.Add("heard_on", "Enter the day it was heard.")
	case err != nil:
		p.Add("heard_on", "Enter a date like 2026-03-14.")
	case on.After(today.AddDate(0, 0, 1)):
		p.Add("heard_on", "This date is in the future.")
	}
	n.HeardOn = on
	CheckText(p, "quality_attribute", d.QualityAttribute, false, MaxPainQualityAttribute)
	n.QualityAttribute = d.QualityAttribute
	return n, p.Err()
}

// PainDraftOf turns a saved pain note back into form values.
func PainDraftOf(n PainNote) PainDraft {
	d := PainDraft{
		Quote: n.Quote, Source: string(n.Source), Customer: n.Customer, Segment: n.Segment,
		Severity: strconv.Itoa(n.Severity), Frequency: n.Frequency, Firsthand: "relayed",
		HeardBy: n.HeardBy, HeardOn: n.HeardOn.Format("2006-01-02"), QualityAttribute: n.QualityAttribute,
	}
	if n.Firsthand {
		d.Firsthand = "firsthand"
	}
	return d
}

// PainMaxScore is the highest score a pain can reach (severity 5, constant,
// firsthand); pictures scale bars against it.
func PainMaxScore() float64 {
	return float64(5*len(Frequencies)) * PainFirsthandFactor
}

// PainSource is where a pain was heard.
type PainSource string

// Pain sources.
var PainSources = []PainSource{"interview", "support", "sales", "survey", "usage_data", "other"}

// Frequencies, from rarest to most frequent; the index+1 is the weight used
// to rank pains (severity × frequency).
var Frequencies = []string{"once", "monthly", "weekly", "daily", "constant"}

// FrequencyWeight returns 1 (once) … 5 (constant), 0 if unknown.
func FrequencyWeight(f string) int {
	for i, x := range Frequencies {
		if x == f {
			return i + 1
		}
	}
	return 0
}

// PainNote is a customer's pain in their own words.
type PainNote struct {
	ID               int64
	WorkspaceID      int64
	Quote            string // verbatim
	Source           PainSource
	Customer         string
	Segment          string
	Severity         int
	Frequency        string
	Firsthand        bool
	HeardBy          string
	HeardOn          time.Time
	QualityAttribute string
	EpicCount        int
	Version          int
	UpdatedAt        time.Time
}

// Score ranks pains: severity × frequency weight, firsthand counted as the
// sharper signal (×1.5).
func (p PainNote) Score() float64 {
	s := float64(p.Severity * FrequencyWeight(p.Frequency))
	if p.Firsthand {
		s *= 1.5
	}
	return s
}

var quarterRE = regexp.MustCompile(`^[0-9]{4}-Q[1-4]$`)

// ValidQuarter reports whether q looks like "2027-Q1".
func ValidQuarter(q string) bool { return quarterRE.MatchString(q) }

// QuarterOf returns the quarter of a date, "2027-Q1".
func QuarterOf(t time.Time) string { return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1) }

// CheckText adds a problem for field if s is required and blank, or longer than max characters.
func CheckText(p Problems, field, s string, required bool, max int) {
	switch {
	case required && strings.TrimSpace(s) == "":
		p.Add(field, "This is required.")
	case utf8.RuneCountInString(s) > max:
		p.Add(field, fmt.Sprintf("Use at most %d characters (this has %d).", max, utf8.RuneCountInString(s)))
	}
}

// PainImportRow is one checked row of a pain import: the note, its id and
// link in the tool it came from, and the key a re-import recognises it by.
type PainImportRow struct {
	Note       PainNote
	ExternalID string
	Link       string
	Key        string
}

// PainImportReport says what an import did: notes new to the workspace,
// ones a re-import changed, ones it found as they were.
type PainImportReport struct {
	New, Updated, Skipped int
}

// MaxPainUpload bounds an uploaded export.
const MaxPainUpload = 50 << 20
