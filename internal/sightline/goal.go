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
