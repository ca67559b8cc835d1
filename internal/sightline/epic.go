package sightline

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// This file holds every rule about epics (DESIGN.md §2 ideas 3, 5, 6, 7, 9).
// Handlers call these to explain a refusal next to the right field; the store
// calls them again under a row lock; the database CHECK constraints back
// them up.

// Limits of an epic's text fields (the database checks the same).
const (
	MaxEpicTitle    = 200
	MaxEpicProblem  = 10000
	MaxEpicText     = 5000 // why now, enables, success criteria, notes
	EpicsPerPage    = 50
	maxEpicsPerPage = 200
)

// Valid reports whether k is a known kind.
func (k EpicKind) Valid() bool { return k == KindProduct || k == KindEnabler }

// Label is the kind as people say it.
func (k EpicKind) Label() string {
	switch k {
	case KindProduct:
		return "Product"
	case KindEnabler:
		return "Enabler"
	}
	return string(k)
}

// EpicKinds lists the kinds.
var EpicKinds = []EpicKind{KindProduct, KindEnabler}

// Valid reports whether s is a known status.
func (s EpicStatus) Valid() bool {
	for _, x := range EpicStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// Label is the status as people say it.
func (s EpicStatus) Label() string {
	switch s {
	case StatusIdea:
		return "Idea"
	case StatusDiscovery:
		return "Discovery"
	case StatusReady:
		return "Ready"
	case StatusInProgress:
		return "In progress"
	case StatusDone:
		return "Done"
	case StatusDropped:
		return "Dropped"
	}
	return string(s)
}

// NeedsFeasibility reports whether an epic in this status must have its
// feasibility check-in done or waived (idea 6: before stories harden).
func (s EpicStatus) NeedsFeasibility() bool {
	return s == StatusReady || s == StatusInProgress || s == StatusDone
}

// Label is the feasibility state as people say it.
func (f Feasibility) Label() string {
	switch f {
	case FeasibilityNotRequested:
		return "Not requested"
	case FeasibilityRequested:
		return "Requested"
	case FeasibilityDone:
		return "Done"
	case FeasibilityWaived:
		return "Waived"
	}
	return string(f)
}

// Settled reports whether the check-in lets an epic move to ready.
func (f Feasibility) Settled() bool { return f == FeasibilityDone || f == FeasibilityWaived }

// FeasibilityOutcomes are the states a member can record.
var FeasibilityOutcomes = []Feasibility{FeasibilityRequested, FeasibilityDone, FeasibilityWaived}

// ValidSize reports whether s is one of the t-shirt sizes.
func ValidSize(s string) bool {
	for _, x := range Sizes {
		if x == s {
			return true
		}
	}
	return false
}

// Estimated reports whether engineering has estimated the epic.
func (e *Epic) Estimated() bool { return e.EstimateSize != "" }

// Ratio is impact divided by effort, or nil when either is unknown.
func (e *Epic) Ratio() *float64 {
	if e.Impact == nil || e.Effort == nil || *e.Effort == 0 {
		return nil
	}
	r := float64(*e.Impact) / float64(*e.Effort)
	return &r
}

// CheckEpic checks the fields of an epic as a whole: required text, limits,
// enums, ranges, and that an enabler says what it enables (idea 7). It
// returns the problems per form field name.
func CheckEpic(e *Epic) Problems {
	p := Problems{}
	if !e.Kind.Valid() {
		p.Add("kind", "Choose product or enabler.")
	}
	CheckText(p, "title", e.Title, true, MaxEpicTitle)
	if strings.TrimSpace(e.Problem) == "" {
		p.Add("problem", "Describe the problem first: what hurts, and for whom. The solution comes later.")
	}
	CheckText(p, "problem", e.Problem, true, MaxEpicProblem)
	CheckText(p, "why_now", e.WhyNow, false, MaxEpicText)
	if e.Kind == KindEnabler && strings.TrimSpace(e.Enables) == "" {
		p.Add("enables", "An enabler must say what it enables: which product work or outcome it makes possible.")
	}
	CheckText(p, "enables", e.Enables, false, MaxEpicText)
	CheckText(p, "success_criteria", e.SuccessCriteria, false, MaxEpicText)
	if e.Status != "" && !e.Status.Valid() {
		p.Add("status", "Choose one of the statuses.")
	}
	checkScore(p, "impact", e.Impact)
	checkScore(p, "effort", e.Effort)
	if e.TargetQuarter != "" && !ValidQuarter(e.TargetQuarter) {
		p.Add("target_quarter", "Write the quarter as YYYY-Qn, e.g. 2027-Q1.")
	}
	if e.EstimateSize != "" && !ValidSize(e.EstimateSize) {
		p.Add("size", "Choose one of XS, S, M, L, XL.")
	}
	CheckText(p, "estimate_note", e.EstimateNote, false, MaxEpicText)
	CheckText(p, "feasibility_note", e.FeasibilityNote, false, MaxEpicText)
	if e.CommittedOn != nil && !e.Estimated() {
		p.Add("committed_on", NoEstimateMessage(nil))
	}
	if e.Status.NeedsFeasibility() && !e.Feasibility.Settled() {
		p.Add("status", needsFeasibilityMessage(e.Status))
	}
	return p
}

func checkScore(p Problems, field string, v *int) {
	if v != nil && (*v < 1 || *v > 5) {
		p.Add(field, "Choose a value from 1 to 5.")
	}
}

// CanCreateKind says whether a role may create an epic of a kind. Engineers
// and architects propose technical work: enablers only; product epics are
// framed by product management.
func CanCreateKind(role Role, kind EpicKind) error {
	if !role.Can(ActionCreateEpic) {
		return Errorf(EFORBIDDEN, "Your role (%s) cannot create epics.", role.Label())
	}
	if kind == KindProduct && (role == RoleEngineer || role == RoleArchitect) {
		return Errorf(EFORBIDDEN, "As %s you can propose enabler (technical) epics. Product epics are written by a product manager or an owner: ask them, or frame this as an enabler and say what it enables.", article(role.Label()))
	}
	return nil
}

// CanSetStatus says whether an epic may move to a status: moving to ready
// (or further) needs the feasibility check-in done or waived (idea 6).
func CanSetStatus(e *Epic, to EpicStatus) error {
	if !to.Valid() {
		return &Error{Code: EINVALID, Message: "Choose one of the statuses.", Fields: map[string]string{"status": "Choose one of the statuses."}}
	}
	if to.NeedsFeasibility() && !e.Feasibility.Settled() {
		msg := needsFeasibilityMessage(to)
		return &Error{Code: EINVALID, Message: msg, Fields: map[string]string{"status": msg}}
	}
	return nil
}

func needsFeasibilityMessage(to EpicStatus) string {
	return fmt.Sprintf("An epic can move to %s only after the architecture feasibility check-in is done or waived, so architects join before the stories harden. An architect can record the check-in; an architect or a product manager can waive it with a reason.", strings.ToLower(to.Label()))
}

// CanCommit says whether a date may be committed for an epic: only once an
// engineer or architect has estimated it (idea 5). estimators names who can
// estimate in this workspace, for the message.
func CanCommit(e *Epic, estimators []string) error {
	if e.Estimated() {
		return nil
	}
	msg := NoEstimateMessage(estimators)
	return &Error{Code: EINVALID, Message: msg, Fields: map[string]string{"committed_on": msg}}
}

// NoEstimateMessage explains why a date cannot be committed yet, naming who
// can estimate.
func NoEstimateMessage(estimators []string) string {
	who := "an engineer or architect"
	if len(estimators) > 0 {
		who += " (e.g. " + joinNames(estimators) + ")"
	}
	return "No date without engineering input: this epic has no estimate yet. Ask " + who + " to estimate it first."
}

// FeasibilityAllowed says whether a role may record a feasibility outcome.
// Requesting is open to owners, PMs and architects; recording it done is an
// architect's engineering input; waiving (with a reason) is for an
// architect, a PM or an owner.
func FeasibilityAllowed(role Role, outcome Feasibility) error {
	switch outcome {
	case FeasibilityRequested:
		if role == RoleOwner || role == RolePM || role == RoleArchitect {
			return nil
		}
		return Errorf(EFORBIDDEN, "Only an owner, a product manager or an architect can request a feasibility check-in.")
	case FeasibilityDone:
		if role == RoleArchitect {
			return nil
		}
		msg := "Only an architect can record the feasibility check-in as done: it is the architect's assessment of the epic."
		if role == RolePM || role == RoleOwner {
			msg += " You can request it from an architect, or waive it with a reason."
		}
		return Errorf(EFORBIDDEN, "%s", msg)
	case FeasibilityWaived:
		if role == RoleArchitect || role == RolePM || role == RoleOwner {
			return nil
		}
		return Errorf(EFORBIDDEN, "Only an architect, a product manager or an owner can waive the feasibility check-in.")
	}
	return &Error{Code: EINVALID, Message: "Choose requested, done or waived.", Fields: map[string]string{"outcome": "Choose requested, done or waived."}}
}

// CheckFeasibility checks a feasibility outcome against the epic: done and
// waived need a note, and an epic already past discovery cannot have its
// check-in re-opened.
func CheckFeasibility(e *Epic, outcome Feasibility, note string) Problems {
	p := Problems{}
	switch outcome {
	case FeasibilityRequested:
		if e.Status.NeedsFeasibility() {
			p.Add("outcome", fmt.Sprintf("This epic is already %s; its check-in cannot be re-opened. Move it back to discovery first.", strings.ToLower(e.Status.Label())))
		}
	case FeasibilityDone:
		if strings.TrimSpace(note) == "" {
			p.Add("note", "Write what the check-in found: risks, affected parts of the system, what must change.")
		}
	case FeasibilityWaived:
		if strings.TrimSpace(note) == "" {
			p.Add("note", "Say why the check-in is waived.")
		}
	default:
		p.Add("outcome", "Choose requested, done or waived.")
	}
	CheckText(p, "note", note, false, MaxEpicText)
	return p
}

// CheckEstimate checks an estimate: a size and why it is complex.
func CheckEstimate(size, note string) Problems {
	p := Problems{}
	if !ValidSize(size) {
		p.Add("size", "Choose one of XS, S, M, L, XL.")
	}
	if strings.TrimSpace(note) == "" {
		p.Add("estimate_note", "Say why it is complex (or why it is not): what drives the size.")
	}
	CheckText(p, "estimate_note", note, true, MaxEpicText)
	return p
}

// EpicProduct is what product management edits on an epic.
type EpicProduct struct {
	Title           string
	Problem         string
	WhyNow          string
	Enables         string
	SuccessCriteria string
	InitiativeID    *int64
	PMOwnerID       *int64
	Impact          *int
	TargetQuarter   string
	ShiftID         *int64
}

// Apply copies the product fields onto e.
func (u EpicProduct) Apply(e *Epic) {
	e.Title, e.Problem, e.WhyNow, e.Enables, e.SuccessCriteria = u.Title, u.Problem, u.WhyNow, u.Enables, u.SuccessCriteria
	e.InitiativeID, e.PMOwnerID, e.Impact, e.TargetQuarter, e.ShiftID = u.InitiativeID, u.PMOwnerID, u.Impact, u.TargetQuarter, u.ShiftID
}

// EpicTechnical is what engineering edits on an epic.
type EpicTechnical struct {
	TechOwnerID *int64
	Effort      *int
	Enables     string
}

// Apply copies the technical fields onto e.
func (u EpicTechnical) Apply(e *Epic) {
	e.TechOwnerID, e.Effort, e.Enables = u.TechOwnerID, u.Effort, u.Enables
}

// EpicSort orders the backlog.
type EpicSort string

// Backlog orders.
const (
	SortUpdated EpicSort = "updated" // most recently changed first (default)
	SortImpact  EpicSort = "impact"  // highest impact first
	SortEffort  EpicSort = "effort"  // smallest effort first
	SortRatio   EpicSort = "ratio"   // highest impact/effort first
)

// EpicSorts lists the orders with their labels.
var EpicSorts = []struct {
	Sort  EpicSort
	Label string
}{
	{SortUpdated, "Recently updated"},
	{SortImpact, "Impact (highest first)"},
	{SortEffort, "Effort (smallest first)"},
	{SortRatio, "Impact / effort (best first)"},
}

// EpicFilter selects and orders a page of the backlog. Zero values mean "any".
type EpicFilter struct {
	Status       EpicStatus
	Kind         EpicKind
	InitiativeID int64
	OwnerID      int64 // PM owner or technical owner
	Quarter      string
	Sort         EpicSort
	Page         int // 1-based
	PerPage      int
}

// Values is the filter as the backlog's query parameters (the default sort
// and the first page left out), the inverse of the backlog's parsing.
func (f EpicFilter) Values() url.Values {
	v := f.scope()
	if f.Sort != "" && f.Sort != SortUpdated {
		v.Set("sort", string(f.Sort))
	}
	if f.Page > 1 {
		v.Set("page", strconv.Itoa(f.Page))
	}
	return v
}

// scope is the filter's selection without its order and page.
func (f EpicFilter) scope() url.Values {
	v := url.Values{}
	if f.Status != "" {
		v.Set("status", string(f.Status))
	}
	if f.Kind != "" {
		v.Set("kind", string(f.Kind))
	}
	if f.InitiativeID != 0 {
		v.Set("initiative", strconv.FormatInt(f.InitiativeID, 10))
	}
	if f.OwnerID != 0 {
		v.Set("owner", strconv.FormatInt(f.OwnerID, 10))
	}
	if f.Quarter != "" {
		v.Set("quarter", f.Quarter)
	}
	return v
}

// Normalize drops unknown values and fills defaults, so any query string
// gives a valid filter.
func (f EpicFilter) Normalize() EpicFilter {
	if !f.Status.Valid() {
		f.Status = ""
	}
	if !f.Kind.Valid() {
		f.Kind = ""
	}
	if f.InitiativeID < 0 {
		f.InitiativeID = 0
	}
	if f.OwnerID < 0 {
		f.OwnerID = 0
	}
	if !ValidQuarter(f.Quarter) {
		f.Quarter = ""
	}
	switch f.Sort {
	case SortUpdated, SortImpact, SortEffort, SortRatio:
	default:
		f.Sort = SortUpdated
	}
	if f.PerPage < 1 || f.PerPage > maxEpicsPerPage {
		f.PerPage = EpicsPerPage
	}
	if f.Page < 1 || f.Page > 100000 {
		f.Page = 1
	}
	return f
}

// EpicChoices are the options of the epic forms and backlog filters.
type EpicChoices struct {
	Initiatives []Choice
	Shifts      []Choice
	Members     []MemberChoice
	Quarters    []string // target quarters in use, sorted
}

// Choice is one option of a select.
type Choice struct {
	ID    int64
	Title string
}

// MemberChoice is a workspace member offered as an owner.
type MemberChoice struct {
	UserID int64
	Name   string
	Role   Role
}

func article(label string) string {
	l := strings.ToLower(label)
	if l != "" && strings.ContainsRune("aeiou", rune(l[0])) {
		return "an " + l
	}
	return "a " + l
}

func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
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

// EpicDraft is the new-epic form, or the product half of an epic's edit
// form, as typed: every field as text.
type EpicDraft struct {
	Kind, Title, Problem, WhyNow, Enables, SuccessCriteria string
	InitiativeID, PMOwnerID, TechOwnerID, ShiftID          string // ids picked from selects, or empty
	Impact                                                 string // 1–5, or empty
	TargetQuarter                                          string // 2027-Q1, any case, or empty
}

// New reads the draft as a new epic (an idea, feasibility not requested)
// and checks it.
func (d EpicDraft) New() (Epic, Problems) {
	p := Problems{}
	e := Epic{
		Kind: EpicKind(d.Kind), Title: d.Title, Problem: d.Problem, WhyNow: d.WhyNow, Enables: d.Enables,
		SuccessCriteria: d.SuccessCriteria,
		InitiativeID:    ParseChoice(p, "initiative_id", d.InitiativeID),
		PMOwnerID:       ParseChoice(p, "pm_owner_id", d.PMOwnerID),
		TechOwnerID:     ParseChoice(p, "tech_owner_id", d.TechOwnerID),
		Impact:          ParseScore(p, "impact", d.Impact),
		TargetQuarter:   strings.ToUpper(d.TargetQuarter),
		ShiftID:         ParseChoice(p, "shift_id", d.ShiftID),
		Status:          StatusIdea,
		Feasibility:     FeasibilityNotRequested,
	}
	for k, v := range CheckEpic(&e) {
		p.Add(k, v)
	}
	return e, p
}

// Product reads the draft as the product fields of an existing epic; the
// store checks them against the saved epic.
func (d EpicDraft) Product() (EpicProduct, Problems) {
	p := Problems{}
	u := EpicProduct{
		Title: d.Title, Problem: d.Problem, WhyNow: d.WhyNow, Enables: d.Enables, SuccessCriteria: d.SuccessCriteria,
		InitiativeID:  ParseChoice(p, "initiative_id", d.InitiativeID),
		PMOwnerID:     ParseChoice(p, "pm_owner_id", d.PMOwnerID),
		Impact:        ParseScore(p, "impact", d.Impact),
		TargetQuarter: strings.ToUpper(d.TargetQuarter),
		ShiftID:       ParseChoice(p, "shift_id", d.ShiftID),
	}
	return u, p
}
