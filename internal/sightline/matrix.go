package sightline

import (
	"net/url"
	"strconv"
)

// The impact/effort matrix: its quadrants, filter, caps and the rules that
// classify epics.

// Quadrant names a quarter of the impact/effort matrix.
type Quadrant string

// The four quadrants.
const (
	QuickWins Quadrant = "quick_wins" // high impact, low effort
	BigBets   Quadrant = "big_bets"   // high impact, high effort
	FillIns   Quadrant = "fill_ins"   // low impact, low effort
	MoneyPits Quadrant = "money_pits" // low impact, high effort
)

// Quadrants in reading order: top left, top right, bottom left, bottom right.
var Quadrants = []Quadrant{QuickWins, BigBets, FillIns, MoneyPits}

// Label is the quadrant as people say it.
func (q Quadrant) Label() string {
	switch q {
	case QuickWins:
		return "Quick wins"
	case BigBets:
		return "Big bets"
	case FillIns:
		return "Fill-ins"
	case MoneyPits:
		return "Money pits"
	}
	return string(q)
}

// Hint says what the quadrant holds.
func (q Quadrant) Hint() string {
	switch q {
	case QuickWins:
		return "high impact, low effort"
	case BigBets:
		return "high impact, high effort"
	case FillIns:
		return "low impact, low effort"
	case MoneyPits:
		return "low impact, high effort"
	}
	return ""
}

// MatrixHigh is where "high" starts on the 1–5 scales: 3 (the middle)
// counts as high, so the dividing lines run between 2 and 3. A middling
// epic is then a big bet, never a quick win, and only clearly cheap work
// (effort 1–2) is called low effort.
const MatrixHigh = 3

// QuadrantOf places an impact and an effort (1–5) in a quadrant.
func QuadrantOf(impact, effort int) Quadrant {
	high, costly := impact >= MatrixHigh, effort >= MatrixHigh
	switch {
	case high && !costly:
		return QuickWins
	case high:
		return BigBets
	case !costly:
		return FillIns
	}
	return MoneyPits
}

// MatrixFilter is the backlog's filter plus an optional selected cell
// (impact and effort 1–5, both or neither) whose epics are listed in full.
type MatrixFilter struct {
	EpicFilter
	Impact, Effort int
}

// Values is the filter as the matrix's query parameters: the backlog's
// selection (not its order or page) and the chosen cell.
func (f MatrixFilter) Values() url.Values {
	v := f.EpicFilter.scope()
	if f.Impact != 0 && f.Effort != 0 {
		v.Set("impact", strconv.Itoa(f.Impact))
		v.Set("effort", strconv.Itoa(f.Effort))
	}
	return v
}

// Normalize drops unknown values; a half-chosen cell is no cell.
func (f MatrixFilter) Normalize() MatrixFilter {
	f.EpicFilter = f.EpicFilter.Normalize()
	if f.Impact < 1 || f.Impact > 5 || f.Effort < 1 || f.Effort > 5 {
		f.Impact, f.Effort = 0, 0
	}
	return f
}

// HasCell reports whether a cell is selected.
func (f MatrixFilter) HasCell() bool { return f.Impact != 0 }

// MatrixEpic is an epic as the matrix draws or lists it.
type MatrixEpic struct {
	ID     int64
	Title  string
	Kind   EpicKind
	Status EpicStatus
	Impact *int
	Effort *int
	// Rank is its place among the epics of its cell (1 = most recently
	// updated); CellTotal is how many epics the cell holds.
	Rank      int
	CellTotal int
}

// MatrixData is what the matrix shows: the drawn points (at most
// MatrixCellCap per cell, or every epic of the selected cell), and the
// unscored epics (at most MatrixUnscoredList) with their number.
type MatrixData struct {
	Points        []MatrixEpic
	Unscored      []MatrixEpic
	UnscoredTotal int
}
