package sightline

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The roadmap: its items, and the timeline (quarters, windows,
// filters, caps and the rules that place epics); the impact/effort matrix is in matrix.go.

// RoadmapItem is a release, milestone or theme on the roadmap timeline.
type RoadmapItem struct {
	// Comments counts the comments on it, where a list loads them (0 otherwise).
	Comments    int
	ID          int64
	WorkspaceID int64
	Kind        string
	Title       string
	Description string
	StartsOn    time.Time
	EndsOn      time.Time
	Confidence  string
	EpicCount   int
	Version     int
	UpdatedAt   time.Time
}

// DecisionStatuses are the states of a decision.
var DecisionStatuses = []string{"proposed", "accepted", "rejected", "superseded", "deprecated"}

// Stances a participant can take on a decision.
var Stances = []string{"agree", "disagree_and_commit", "object"}

// Limits of a roadmap item's text fields (the database checks the same).
const (
	MaxRoadmapTitle       = 200
	MaxRoadmapDescription = 10000
)

// ValidRoadmapKind reports whether k is release, milestone or theme.
func ValidRoadmapKind(k string) bool {
	for _, x := range RoadmapKinds {
		if x == k {
			return true
		}
	}
	return false
}

// RoadmapKindLabel is a kind as people say it.
func RoadmapKindLabel(k string) string {
	switch k {
	case "release":
		return "Release"
	case "milestone":
		return "Milestone"
	case "theme":
		return "Theme"
	}
	return k
}

// ValidConfidence reports whether c is committed, planned or exploring.
func ValidConfidence(c string) bool {
	for _, x := range Confidences {
		if x == c {
			return true
		}
	}
	return false
}

// ConfidenceLabel is a confidence as people say it.
func ConfidenceLabel(c string) string {
	switch c {
	case "committed":
		return "Committed"
	case "planned":
		return "Planned"
	case "exploring":
		return "Exploring"
	}
	return c
}

// CheckRoadmapItem checks a roadmap item's fields: kind, title, description,
// confidence, both dates, and an end that does not come before the start
// (the message sits next to the end date). Dates the form could not read
// are reported by the form and left zero here.
func CheckRoadmapItem(it *RoadmapItem) Problems {
	p := Problems{}
	if !ValidRoadmapKind(it.Kind) {
		p.Add("kind", "Choose release, milestone or theme.")
	}
	CheckText(p, "title", it.Title, true, MaxRoadmapTitle)
	CheckText(p, "description", it.Description, false, MaxRoadmapDescription)
	if !ValidConfidence(it.Confidence) {
		p.Add("confidence", "Choose committed, planned or exploring.")
	}
	if it.StartsOn.IsZero() {
		p.Add("starts_on", "Enter the start date (YYYY-MM-DD).")
	}
	if it.EndsOn.IsZero() {
		p.Add("ends_on", "Enter the end date (YYYY-MM-DD).")
	}
	if !it.StartsOn.IsZero() && !it.EndsOn.IsZero() && dayOf(it.EndsOn).Before(dayOf(it.StartsOn)) {
		p.Add("ends_on", fmt.Sprintf("The end date cannot come before the start date (%s).", it.StartsOn.Format("2 Jan 2006")))
	}
	return p
}

// Quarter is a calendar quarter, 2027-Q1.
type Quarter struct {
	Year int
	Q    int // 1…4
}

// ParseQuarter reads "2027-Q1" (case-insensitive, spaces trimmed).
func ParseQuarter(s string) (Quarter, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if !ValidQuarter(s) {
		return Quarter{}, false
	}
	y, _ := strconv.Atoi(s[:4])
	return Quarter{Year: y, Q: int(s[6] - '0')}, y >= 1
}

// QuarterAt returns the quarter a date falls in.
func QuarterAt(t time.Time) Quarter { return Quarter{Year: t.Year(), Q: (int(t.Month())-1)/3 + 1} }

// String is "2027-Q1".
func (q Quarter) String() string {
	if q.Year >= 1000 && q.Year <= 9999 && q.Q >= 1 && q.Q <= 4 {
		return strconv.Itoa(q.Year) + quarterSuffix[q.Q-1]
	}
	return fmt.Sprintf("%04d-Q%d", q.Year, q.Q)
}

var quarterSuffix = [4]string{"-Q1", "-Q2", "-Q3", "-Q4"}

// Ordinal counts quarters from year 0 (year×4 + quarter − 1), so quarters
// compare and subtract as numbers, in Go and in SQL.
func (q Quarter) Ordinal() int { return q.Year*4 + q.Q - 1 }

// QuarterFromOrdinal is the quarter of an ordinal.
func QuarterFromOrdinal(i int) Quarter { return Quarter{Year: i / 4, Q: i%4 + 1} }

// Add moves n quarters on (or back, for n < 0).
func (q Quarter) Add(n int) Quarter { return QuarterFromOrdinal(q.Ordinal() + n) }

// Sub is how many quarters q comes after o.
func (q Quarter) Sub(o Quarter) int { return q.Ordinal() - o.Ordinal() }

// Before reports whether q comes before o.
func (q Quarter) Before(o Quarter) bool { return q.Ordinal() < o.Ordinal() }

// Start is the quarter's first day (UTC).
func (q Quarter) Start() time.Time {
	return time.Date(q.Year, time.Month(3*(q.Q-1)+1), 1, 0, 0, 0, 0, time.UTC)
}

// End is the first day after the quarter (UTC).
func (q Quarter) End() time.Time { return q.Add(1).Start() }

// Months names the quarter's months, "Jan–Mar".
func (q Quarter) Months() string {
	return q.Start().Format("Jan") + "–" + q.Start().AddDate(0, 2, 0).Format("Jan")
}

// The timeline's window: by default two quarters back to five ahead of
// today's quarter, and never more than twelve quarters.
const (
	TimelineQuartersBack  = 2
	TimelineQuartersAhead = 5
	MaxTimelineQuarters   = 12
	// TimelineCellCap is the most epic cards one initiative × quarter cell
	// shows; the rest are counted in a "+N more" link to the backlog. With
	// many lanes and quarters the cap shrinks (TimelineCellCapFor) so the
	// whole picture holds about TimelineCardBudget cards.
	TimelineCellCap    = 5
	TimelineCellMin    = 2
	TimelineCardBudget = 600
	// TimelineShiftLimit caps the strategy-shift markers of one window.
	TimelineShiftLimit = 40
)

// TimelineCellCapFor is the card cap per cell for a picture of lanes ×
// quarters cells: TimelineCellCap, less when the cells are so many that the
// picture would pass TimelineCardBudget cards, never under TimelineCellMin.
func TimelineCellCapFor(lanes, quarters int) int {
	cells := max(lanes*quarters, 1)
	return min(max(TimelineCardBudget/cells, TimelineCellMin), TimelineCellCap)
}

// The years a timeline window may cover: enough for any plan, and dates
// the database and the text ordering of "YYYY-Qn" both handle.
const (
	minTimelineYear = 1900
	maxTimelineYear = 9999
)

// TimelineWindow is the range of quarters the timeline shows, both ends included.
type TimelineWindow struct{ From, To Quarter }

// DefaultTimelineWindow is two quarters back to five ahead of today's.
func DefaultTimelineWindow(today time.Time) TimelineWindow {
	q := QuarterAt(today)
	return TimelineWindow{From: q.Add(-TimelineQuartersBack), To: q.Add(TimelineQuartersAhead)}
}

// Len is the number of quarters shown.
func (w TimelineWindow) Len() int { return w.To.Sub(w.From) + 1 }

// Quarters lists the window's quarters in order.
func (w TimelineWindow) Quarters() []Quarter {
	out := make([]Quarter, 0, w.Len())
	for q := w.From; !w.To.Before(q); q = q.Add(1) {
		out = append(out, q)
	}
	return out
}

// Start is the window's first day; End the first day after it.
func (w TimelineWindow) Start() time.Time { return w.From.Start() }

// End is the first day after the window.
func (w TimelineWindow) End() time.Time { return w.To.End() }

// ParseTimelineWindow reads ?from= and ?to= (YYYY-Qn). Either may be
// empty: a lone from shows the default length from there, a lone to the
// default length up to it. What cannot be used is explained in the note
// (shown above the picture) and replaced, never refused: a bad value falls
// back to the default window, a reversed range is swapped, and a range
// longer than twelve quarters is cut to twelve from its start.
func ParseTimelineWindow(from, to string, today time.Time) (TimelineWindow, string) {
	def := DefaultTimelineWindow(today)
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	f, fok := ParseQuarter(from)
	t, tok := ParseQuarter(to)
	var notes []string
	if from != "" && !fok {
		notes = append(notes, fmt.Sprintf("“%s” is not a quarter (use YYYY-Qn, e.g. 2027-Q1).", cutNote(from)))
	}
	if to != "" && !tok {
		notes = append(notes, fmt.Sprintf("“%s” is not a quarter (use YYYY-Qn, e.g. 2027-Q1).", cutNote(to)))
	}
	if len(notes) > 0 {
		return def, strings.Join(notes, " ") + " Showing the default window."
	}
	w := def
	switch {
	case fok && tok:
		w = TimelineWindow{From: f, To: t}
	case fok:
		w = TimelineWindow{From: f, To: f.Add(def.Len() - 1)}
	case tok:
		w = TimelineWindow{From: t.Add(1 - def.Len()), To: t}
	}
	if w.From.Year < minTimelineYear || w.To.Year > maxTimelineYear || w.To.Year < minTimelineYear || w.From.Year > maxTimelineYear {
		return def, fmt.Sprintf("The timeline covers the years %d to %d. Showing the default window.", minTimelineYear, maxTimelineYear)
	}
	note := ""
	if w.To.Before(w.From) {
		w.From, w.To = w.To, w.From
		note = "The start came after the end; the two were swapped."
	}
	if w.Len() > MaxTimelineQuarters {
		w.To = w.From.Add(MaxTimelineQuarters - 1)
		note = strings.TrimSpace(note + fmt.Sprintf(" The timeline shows at most %d quarters: %s to %s.", MaxTimelineQuarters, w.From, w.To))
	}
	return w, note
}

func cutNote(s string) string {
	if r := []rune(s); len(r) > 20 {
		return string(r[:19]) + "…"
	}
	return s
}

// TimelineFilter selects the epics on the timeline. Zero values mean "any".
type TimelineFilter struct {
	InitiativeID int64 // one initiative's lane
	NoInitiative bool  // only the "No initiative" lane
	Kind         EpicKind
	Status       EpicStatus
	Window       TimelineWindow
}

// Values is the filter as the roadmap's query parameters: the lane, kind
// and status, and the window when one is set.
func (f TimelineFilter) Values() url.Values {
	v := url.Values{}
	switch {
	case f.NoInitiative:
		v.Set("initiative", "none")
	case f.InitiativeID != 0:
		v.Set("initiative", strconv.FormatInt(f.InitiativeID, 10))
	}
	if f.Kind != "" {
		v.Set("kind", string(f.Kind))
	}
	if f.Status != "" {
		v.Set("status", string(f.Status))
	}
	if f.Window != (TimelineWindow{}) {
		v.Set("from", f.Window.From.String())
		v.Set("to", f.Window.To.String())
	}
	return v
}

// Normalize drops unknown values, so any query string gives a valid filter.
func (f TimelineFilter) Normalize() TimelineFilter {
	if !f.Kind.Valid() {
		f.Kind = ""
	}
	if !f.Status.Valid() {
		f.Status = ""
	}
	if f.InitiativeID < 0 || f.NoInitiative {
		f.InitiativeID = 0
	}
	return f
}

// TimelineEpic is an epic as the timeline draws it: a card in its
// initiative's lane, from its start quarter to its end quarter.
type TimelineEpic struct {
	ID             int64
	Title          string
	Kind           EpicKind
	Status         EpicStatus
	InitiativeID   int64  // 0: no initiative
	TargetQuarter  string // "" when none
	CommittedOn    *time.Time
	Confidence     string // committed, planned or exploring (EpicConfidence)
	ConfidenceFrom string // the roadmap item the confidence comes from, if any
	Start, End     Quarter
	// Cell is the quarter whose cell holds the card: its start, or the
	// window's first quarter when it started earlier.
	Cell Quarter
	// CellTotal is how many epics the card's cell holds, drawn or not.
	CellTotal int
}

// TimelineCounts sums up the filtered epics the timeline does not draw.
type TimelineCounts struct {
	InWindow int // placed in the window (drawn or behind "+N more")
	Before   int // ending before the window
	After    int // starting after it
	Unplaced int // with neither a target quarter nor a committed date
}

// EpicSpan is the quarters an epic covers on the timeline: from its target
// quarter to its committed date's quarter (either way round), or the one it
// has. ok is false when it has neither.
func EpicSpan(targetQuarter string, committedOn *time.Time) (start, end Quarter, ok bool) {
	t, tok := ParseQuarter(targetQuarter)
	if committedOn == nil {
		return t, t, tok
	}
	c := QuarterAt(*committedOn)
	if !tok {
		return c, c, true
	}
	if c.Before(t) {
		return c, t, true
	}
	return t, c, true
}

// confidenceRank orders confidences, the surest last.
var confidenceRank = map[string]int{"exploring": 1, "planned": 2, "committed": 3}

// EpicConfidence is how sure the roadmap is of an epic: committed once it
// has a committed date; otherwise the surest confidence among the roadmap
// items it delivers into; exploring when it delivers into none.
func EpicConfidence(committed bool, itemConfidences ...string) string {
	if committed {
		return "committed"
	}
	best := "exploring"
	for _, c := range itemConfidences {
		if confidenceRank[c] > confidenceRank[best] {
			best = c
		}
	}
	return best
}

// The impact/effort matrix.
const (
	// MatrixCellCap is how many epics one impact × effort cell draws one by
	// one; a fuller cell draws a count bubble and its MatrixBubbleTop most
	// recently updated epics around it.
	MatrixCellCap   = 12
	MatrixBubbleTop = 8
	// MatrixCellList is how many epics the list of a selected cell shows.
	MatrixCellList = 200
	// MatrixUnscoredList is how many unscored epics are listed by name.
	MatrixUnscoredList = 50
)

// RoadmapItemDraft is a roadmap item form as typed.
type RoadmapItemDraft struct {
	Kind, Title, Description, Confidence string
	StartsOn, EndsOn                     string // 2006-01-02
}

// Parse reads and checks the draft; an end before the start is refused.
func (d RoadmapItemDraft) Parse() (RoadmapItem, Problems) {
	p := Problems{}
	it := RoadmapItem{Kind: d.Kind, Title: d.Title, Description: d.Description, Confidence: d.Confidence}
	if t := ParseStrategyDate(p, "starts_on", d.StartsOn, true); t != nil {
		it.StartsOn = *t
	}
	if t := ParseStrategyDate(p, "ends_on", d.EndsOn, true); t != nil {
		it.EndsOn = *t
	}
	for k, v := range CheckRoadmapItem(&it) {
		p.Add(k, v)
	}
	return it, p
}
