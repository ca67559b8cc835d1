package sightline

import (
	"time"
)

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

// GoalDraft is a goal form as typed: every field as text.
type GoalDraft struct {
	Title, Metric, Unit       string
	Baseline, Target, Current string
	DueOn                     string // 2006-01-02, or empty
}

// Parse reads and checks the draft: the goal, and a message per bad field.
func (d GoalDraft) Parse() (Goal, Problems) {
	p := Problems{}
	g := Goal{Title: d.Title, Metric: d.Metric, Unit: d.Unit}
	g.Baseline = ParseGoalNumber(p, "baseline", d.Baseline)
	g.Target = ParseGoalNumber(p, "target", d.Target)
	g.Current = ParseGoalNumber(p, "current", d.Current)
	g.DueOn = ParseStrategyDate(p, "due_on", d.DueOn, false)
	CheckGoal(p, g)
	return g, p
}
