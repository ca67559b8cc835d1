package sightline

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Phases lists the business phases in display order.
var Phases = []Phase{PhaseGrowth, PhaseRetention, PhaseStability, PhaseProfitability}

// Valid reports whether p is a known phase.
func (p Phase) Valid() bool {
	switch p {
	case PhaseGrowth, PhaseRetention, PhaseStability, PhaseProfitability:
		return true
	}
	return false
}

// DefaultPressures is the starting phase → quality-attribute mapping of a new
// workspace; each workspace edits its own copy.
var DefaultPressures = map[Phase][]string{
	PhaseGrowth:        {"scalability", "performance", "innovation speed"},
	PhaseStability:     {"availability", "resilience", "support load"},
	PhaseProfitability: {"cost"},
	PhaseRetention:     {"reliability", "performance", "usability"},
}

// StrategyShift is one entry of the append-only shift log.
type StrategyShift struct {
	ID          int64
	WorkspaceID int64
	Title       string
	Narrative   string // markdown
	FromPhase   Phase
	ToPhase     Phase
	ShiftedOn   time.Time
	LoggedBy    string // name
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Acks        []ShiftAck // filled on pages that show them
}

// ShiftAck is an architect's acknowledgement of a shift, with an assessment.
type ShiftAck struct {
	ShiftID    int64
	UserID     int64
	UserName   string
	Assessment string
	CreatedAt  time.Time
}

// Limits of the strategy and goal fields, in characters.
const (
	MaxVision        = 20000
	MaxShiftTitle    = 200
	MaxNarrative     = 10000
	MaxAssessment    = 2000
	MaxGoalTitle     = 200
	MaxGoalMetric    = 200
	MaxGoalUnit      = 20
	MaxPressureAttr  = 60
	MaxPressureAttrs = 12
	// MaxGoalNumber bounds baselines, targets and current values (numeric(14,2)).
	MaxGoalNumber = 999_999_999_999.99
)

// strategyDateLayout is how dates travel in forms: YYYY-MM-DD.
const strategyDateLayout = "2006-01-02"

// ParseStrategyDate reads a YYYY-MM-DD date from a form field, adding a problem when
// it is malformed (or missing and required). It returns nil for a blank
// optional date and for a bad one.
func ParseStrategyDate(p Problems, field, s string, required bool) *time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			p.Add(field, "Enter a date (YYYY-MM-DD).")
		}
		return nil
	}
	t, err := time.Parse(strategyDateLayout, s)
	if err != nil {
		p.Add(field, "Enter a date as YYYY-MM-DD, e.g. 2027-03-01.")
		return nil
	}
	if t.Year() < 1900 || t.Year() > 2200 {
		p.Add(field, "Enter a date between the years 1900 and 2200.")
		return nil
	}
	return &t
}

// CheckShiftPhase adds a problem for field unless ph is one of the business phases.
func CheckShiftPhase(p Problems, field string, ph Phase) {
	if !ph.Valid() {
		p.Add(field, "Choose one of the phases: growth, retention, stability or profitability.")
	}
}

// CheckShift validates a strategy shift. From and to may be the same phase:
// a shift can re-affirm the current phase with a new narrative (e.g. "still
// growth, but now upmarket"), which architects still need to hear about.
func CheckShift(p Problems, s StrategyShift) {
	CheckText(p, "title", s.Title, true, MaxShiftTitle)
	CheckText(p, "narrative", s.Narrative, false, MaxNarrative)
	CheckShiftPhase(p, "from_phase", s.FromPhase)
	CheckShiftPhase(p, "to_phase", s.ToPhase)
	if s.ShiftedOn.IsZero() {
		p.Add("shifted_on", "Enter the date of the shift (YYYY-MM-DD).")
	}
}

// CheckAssessment validates an architect's assessment of a shift.
func CheckAssessment(p Problems, field, s string) {
	CheckText(p, field, s, true, MaxAssessment)
}

// CanAcknowledge says whether a role may acknowledge strategy shifts, and why not.
func CanAcknowledge(r Role) error {
	if r == RoleArchitect {
		return nil
	}
	return Errorf(EFORBIDDEN, "Only architects acknowledge strategy shifts: the acknowledgement is the architecture's answer to the change. Your role here is %s.", r.Label())
}

// HasAcknowledged reports whether the user acknowledged the shift.
func (s StrategyShift) HasAcknowledged(userID int64) bool {
	for _, a := range s.Acks {
		if a.UserID == userID {
			return true
		}
	}
	return false
}

// PendingArchitects returns the architects among members who have not
// acknowledged the shift yet.
func PendingArchitects(s StrategyShift, members []Membership) []Membership {
	var out []Membership
	for _, m := range members {
		if m.Role == RoleArchitect && !s.HasAcknowledged(m.UserID) {
			out = append(out, m)
		}
	}
	return out
}

// PendingShiftsFor returns the shifts (with Acks filled) that the user has not
// acknowledged, in the given order.
func PendingShiftsFor(shifts []StrategyShift, userID int64) []StrategyShift {
	var out []StrategyShift
	for _, s := range shifts {
		if !s.HasAcknowledged(userID) {
			out = append(out, s)
		}
	}
	return out
}

// ParsePressures reads a comma-separated list of quality attributes, trimmed,
// with duplicates (ignoring case) and blanks dropped.
func ParsePressures(p Problems, field, s string) []string {
	if utf8.RuneCountInString(s) > 1000 {
		p.Add(field, "Use at most 1000 characters.")
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, a := range strings.Split(s, ",") {
		a = strings.Join(strings.Fields(a), " ")
		if a == "" || seen[strings.ToLower(a)] {
			continue
		}
		if utf8.RuneCountInString(a) > MaxPressureAttr {
			p.Add(field, fmt.Sprintf("Each attribute has at most %d characters (“%s…” is longer).", MaxPressureAttr, string([]rune(a)[:20])))
			return nil
		}
		seen[strings.ToLower(a)] = true
		out = append(out, a)
	}
	if len(out) > MaxPressureAttrs {
		p.Add(field, fmt.Sprintf("List at most %d attributes per phase.", MaxPressureAttrs))
		return nil
	}
	return out
}

// PressureFingerprint identifies one state of a phase → attributes mapping;
// a form carries the fingerprint it was loaded with, so a save over a
// mapping someone else changed meanwhile is a conflict, not an overwrite.
func PressureFingerprint(m map[Phase][]string) string {
	h := sha256.New()
	for _, ph := range Phases {
		fmt.Fprintf(h, "%s:%s\n", ph, strings.Join(m[ph], "\x1f"))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// ParseGoalNumber reads a baseline, target or current value from a form.
func ParseGoalNumber(p Problems, field, s string) float64 {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		p.Add(field, "Enter a number.")
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		p.Add(field, "Enter a number, e.g. 42 or 3.5.")
		return 0
	}
	if math.Abs(v) > MaxGoalNumber {
		p.Add(field, "Enter a number below one trillion.")
		return 0
	}
	return math.Round(v*100) / 100
}

// CheckGoal validates a goal. The target must differ from the baseline, or
// there is nothing to measure progress against.
func CheckGoal(p Problems, g Goal) {
	CheckText(p, "title", g.Title, true, MaxGoalTitle)
	CheckText(p, "metric", g.Metric, true, MaxGoalMetric)
	CheckText(p, "unit", g.Unit, false, MaxGoalUnit)
	if _, bad := p["baseline"]; !bad {
		if _, bad := p["target"]; !bad && g.Target == g.Baseline {
			p.Add("target", "The target must differ from the baseline, or there is no progress to measure.")
		}
	}
}

// ShiftDraft is a strategy shift form as typed.
type ShiftDraft struct {
	Title, Narrative   string
	FromPhase, ToPhase string
	ShiftedOn          string // 2006-01-02
}

// Parse reads and checks the draft.
func (d ShiftDraft) Parse() (StrategyShift, Problems) {
	p := Problems{}
	sh := StrategyShift{Title: d.Title, Narrative: d.Narrative, FromPhase: Phase(d.FromPhase), ToPhase: Phase(d.ToPhase)}
	if t := ParseStrategyDate(p, "shifted_on", d.ShiftedOn, true); t != nil {
		sh.ShiftedOn = *t
	}
	CheckShift(p, sh)
	return sh, p
}
