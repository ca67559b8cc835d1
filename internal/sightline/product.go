package sightline

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Horizon is when an initiative is meant to happen.
type Horizon string

// Horizons.
const (
	HorizonNow   Horizon = "now"
	HorizonNext  Horizon = "next"
	HorizonLater Horizon = "later"
)

// Horizons lists the horizons in order.
var Horizons = []Horizon{HorizonNow, HorizonNext, HorizonLater}

// Initiative is a strategic investment area.
type Initiative struct {
	ID          int64
	WorkspaceID int64
	Title       string
	Description string // markdown
	Driver      Phase
	Horizon     Horizon
	GoalID      *int64
	GoalTitle   string
	ShiftID     *int64
	ShiftTitle  string
	OwnerID     *int64
	OwnerName   string
	// Revalidate is set when a later shift supersedes the prompting shift and
	// no PM has confirmed the initiative since.
	Revalidate bool
	Version    int
	UpdatedAt  time.Time
}

// EpicKind separates product epics from enablers (technical work).
type EpicKind string

// Epic kinds.
const (
	KindProduct EpicKind = "product"
	KindEnabler EpicKind = "enabler"
)

// EpicStatus is an epic's place in its life.
type EpicStatus string

// Epic statuses, in order.
const (
	StatusIdea       EpicStatus = "idea"
	StatusDiscovery  EpicStatus = "discovery"
	StatusReady      EpicStatus = "ready"
	StatusInProgress EpicStatus = "in_progress"
	StatusDone       EpicStatus = "done"
	StatusDropped    EpicStatus = "dropped"
)

// EpicStatuses lists the statuses in order.
var EpicStatuses = []EpicStatus{StatusIdea, StatusDiscovery, StatusReady, StatusInProgress, StatusDone, StatusDropped}

// Feasibility is the state of an epic's architecture feasibility check-in.
type Feasibility string

// Feasibility states.
const (
	FeasibilityNotRequested Feasibility = "not_requested"
	FeasibilityRequested    Feasibility = "requested"
	FeasibilityDone         Feasibility = "done"
	FeasibilityWaived       Feasibility = "waived"
)

// Sizes are the t-shirt estimate sizes.
var Sizes = []string{"XS", "S", "M", "L", "XL"}

// Epic is the unit of planned work.
type Epic struct {
	ID              int64
	WorkspaceID     int64
	InitiativeID    *int64
	InitiativeTitle string
	Kind            EpicKind
	Title           string
	Problem         string // markdown
	WhyNow          string
	Enables         string
	SuccessCriteria string
	Status          EpicStatus
	PMOwnerID       *int64
	PMOwnerName     string
	TechOwnerID     *int64
	TechOwnerName   string
	EstimateSize    string // "" when not estimated
	EstimateNote    string // why it is complex
	EstimatedByID   *int64
	EstimatedByName string
	EstimatedAt     *time.Time
	Impact          *int
	Effort          *int
	TargetQuarter   string // "2027-Q1"
	CommittedOn     *time.Time
	Feasibility     Feasibility
	FeasibilityNote string
	FeasibilityBy   string
	FeasibilityAt   *time.Time
	ShiftID         *int64
	ShiftTitle      string
	Revalidate      bool
	PainCount       int
	Version         int
	CreatedAt       time.Time
	UpdatedAt       time.Time
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
