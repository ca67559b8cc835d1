package sightline

import "time"

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

// Goal is a measurable goal.
type Goal struct {
	ID          int64
	WorkspaceID int64
	Title       string
	Metric      string
	Unit        string
	Baseline    float64
	Target      float64
	Current     float64
	DueOn       *time.Time
	Version     int
	UpdatedAt   time.Time
}

// Progress is how far Current has moved from Baseline to Target, clamped to 0–1.
func (g Goal) Progress() float64 {
	if g.Target == g.Baseline {
		return 0
	}
	p := (g.Current - g.Baseline) / (g.Target - g.Baseline)
	switch {
	case p < 0:
		return 0
	case p > 1:
		return 1
	}
	return p
}
