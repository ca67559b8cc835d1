package picture

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/sightline/sightline/internal/sightline"
)

// The roadmap timeline, drawn as SVG on the server: quarters across; at the
// top the strategy shifts (flags and a dashed line where each happened) and
// the roadmap items (bars over their dates, in tracks so none overlap);
// below them one lane per initiative with the epic cards, packed in tracks;
// a line marks today. The caller caps the epics per lane × quarter cell
// (sightline.TimelineCellCap): a fuller cell ends with a "+N more" link to
// the backlog, so the picture stays bounded whatever the workspace's size.

// Timeline geometry, in SVG user units (CSS pixels at 100 %).
const (
	tlPad        = 12.0
	tlLabelW     = 196.0 // lane label column
	tlColW       = 180.0 // one quarter
	tlHeadH      = 58.0  // quarter names, months and the today label
	tlShiftTrack = 20.0
	tlItemTrack  = 24.0
	tlItemH      = 18.0
	tlCardH      = 40.0
	tlCardGap    = 6.0
	tlLanePad    = 8.0
	tlMoreH      = 20.0
	tlLegendH    = 40.0
	// TimelineItemTracks caps the rows of roadmap-item bars; items that do
	// not fit are counted, and all of them are in the list below the picture.
	TimelineItemTracks = 6
	tlShiftTracks      = 3
	// Average character widths, taken from a wide font (DejaVu Sans) so
	// that cut text fits whatever font the browser picks.
	tlTitleChar         = 7.1 // 12px semibold
	tlMetaChar          = 5.9 // 10.5px
	tlSmallChar         = 6.6 // 11px semibold
	tlLaneLabelChars    = 27
	tlLaneLabelMaxLines = 3
)

// TimelineLane is one swimlane: an initiative, or the epics without one (ID 0).
type TimelineLane struct {
	ID      int64
	Title   string
	Horizon string // now, next, later; "" for no initiative
}

// TimelineInput is what the timeline draws.
type TimelineInput struct {
	Links  Links // where the cards, lanes, items and shifts link
	Window sightline.TimelineWindow
	Today  time.Time
	Lanes  []TimelineLane
	Epics  []sightline.TimelineEpic // at most the cap per cell, each with its cell's total
	Items  []sightline.RoadmapItem  // roadmap items; those outside the window are skipped
	Shifts []sightline.StrategyShift
	// Kind and Status are the active filters, kept on "+N more" links.
	Kind   sightline.EpicKind
	Status sightline.EpicStatus
}

// TimelinePicture is the drawn SVG and what it holds, for the caption and tests.
type TimelinePicture struct {
	SVG         string
	Width       float64
	Cards       int // epic cards drawn
	More        int // "+N more" links
	Hidden      int // epics behind those links
	ItemsDrawn  int
	ItemsHidden int // roadmap items in the window beyond the tracks
	ShiftsDrawn int
	TodayShown  bool
}

// tlCard is an epic card placed in its lane.
type tlCard struct {
	e         sightline.TimelineEpic
	c0, c1    int // first and last column
	track     int
	contLeft  bool // began before the window
	contRight bool // goes on after it
}

type tlLaneBox struct {
	lane   TimelineLane
	y, h   float64
	cards  []*tlCard
	tracks int
	more   map[int]int // column → epics not drawn
}

type tlTimeline struct {
	in     TimelineInput
	n      int // quarters
	x0     float64
	width  float64
	w      svgWriter
	pic    TimelinePicture
	shiftY float64
	itemY  float64
	laneY  float64
}

// DrawTimeline lays out and writes the timeline.
func DrawTimeline(in TimelineInput) TimelinePicture {
	t := &tlTimeline{in: in, n: in.Window.Len()}
	if t.n < 1 {
		t.n = 1
	}
	t.x0 = tlPad + tlLabelW
	t.width = t.x0 + float64(t.n)*tlColW + tlPad
	t.pic.Width = t.width

	shifts := t.packShifts()
	items, hidden := t.packItems()
	lanes := t.packLanes()

	// Heights, top to bottom.
	y := tlPad + tlHeadH
	t.shiftY = y
	shiftTracks := 0
	for _, s := range shifts {
		shiftTracks = max(shiftTracks, s.track+1)
	}
	y += float64(shiftTracks)*tlShiftTrack + boolF(shiftTracks > 0)*6
	t.itemY = y
	itemTracks := 0
	for _, it := range items {
		itemTracks = max(itemTracks, it.track+1)
	}
	y += float64(max(itemTracks, 1))*tlItemTrack + 10
	t.laneY = y
	for _, l := range lanes {
		l.y = y
		y += l.h
	}
	bottom := y
	height := bottom + tlLegendH + tlPad

	w := &t.w
	w.Grow(16<<10 + 640*len(in.Epics))
	w.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="tl-svg" viewBox="0 0 %s %s" width="%s" height="%s" role="group" aria-labelledby="tl-title tl-desc" data-testid="timeline-svg">`,
		svgNum(t.width), svgNum(height), svgNum(t.width), svgNum(height))
	w.printf(`<title id="tl-title">Roadmap timeline, %s to %s</title>`, in.Window.From, in.Window.To)
	w.printf(`<desc id="tl-desc">%s</desc>`, svgEsc(t.describe(len(lanes), len(items))))
	w.printf(`<defs><pattern id="tl-hatch" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
		`<rect class="tl-hatch-bg" width="7" height="7"/><line class="tl-hatch-line" x1="0" y1="0" x2="0" y2="7"/></pattern></defs>`)

	t.drawGrid(bottom, lanes, shiftTracks > 0)
	t.drawShiftLines(shifts, bottom)
	t.drawToday(bottom)
	t.drawLanes(lanes)
	t.drawItems(items, hidden)
	t.drawShifts(shifts)
	t.drawLegend(bottom + 10)
	w.printf(`</svg>`)
	t.pic.SVG = w.String()
	t.pic.ItemsDrawn, t.pic.ItemsHidden, t.pic.ShiftsDrawn = len(items), hidden, len(shifts)
	return t.pic
}

func (t *tlTimeline) describe(lanes, items int) string {
	return fmt.Sprintf("Quarters %s to %s across; %s down; %s and %s drawn.",
		t.in.Window.From, t.in.Window.To, svgPlural(lanes, "lane", "lanes"),
		svgPlural(items, "roadmap item", "roadmap items"), svgPlural(len(t.in.Epics), "epic", "epics"))
}

// x places a date: its quarter's column plus how far into the quarter it is.
// Dates outside the window are clamped to its edges.
func (t *tlTimeline) x(d time.Time) float64 {
	d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	w := t.in.Window
	if d.Before(w.Start()) {
		return t.x0
	}
	if !d.Before(w.End()) {
		return t.x0 + float64(t.n)*tlColW
	}
	q := sightline.QuarterAt(d)
	frac := d.Sub(q.Start()).Hours() / q.End().Sub(q.Start()).Hours()
	return t.x0 + (float64(q.Sub(w.From))+frac)*tlColW
}

// right is the right edge of the last quarter.
func (t *tlTimeline) right() float64 { return t.x0 + float64(t.n)*tlColW }

// inWindow reports whether a date falls inside the window.
func (t *tlTimeline) inWindow(d time.Time) bool {
	d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	return !d.Before(t.in.Window.Start()) && d.Before(t.in.Window.End())
}

func (t *tlTimeline) col(q sightline.Quarter) int {
	return min(max(q.Sub(t.in.Window.From), 0), t.n-1)
}

// tracks packs horizontal extents into the fewest rows without overlap.
type tracks [][][2]float64

func (tr *tracks) place(a, b float64, limit int) int {
	for i, row := range *tr {
		free := true
		for _, r := range row {
			if a < r[1] && r[0] < b {
				free = false
				break
			}
		}
		if free {
			(*tr)[i] = append(row, [2]float64{a, b})
			return i
		}
	}
	if limit > 0 && len(*tr) >= limit {
		return -1
	}
	*tr = append(*tr, [][2]float64{{a, b}})
	return len(*tr) - 1
}

type tlShift struct {
	s     sightline.StrategyShift
	x     float64
	label string
	left  bool // the label sits left of the flag, near the right edge
	track int
}

// packShifts places a flag per shift in the window; flags whose label
// would overlap go to the next track, and past the last track the label is
// dropped (the line and its tooltip stay).
func (t *tlTimeline) packShifts() []*tlShift {
	var out []*tlShift
	var tr tracks
	for _, s := range t.in.Shifts {
		if !t.inWindow(s.ShiftedOn) {
			continue
		}
		x := t.x(s.ShiftedOn)
		label := svgCut(s.Title, 34)
		wd := 18 + float64(len([]rune(label)))*tlSmallChar
		left := x+wd > t.right()
		a, b := x, x+wd
		if left {
			a, b = x-wd+10, x+10
		}
		k := tr.place(a, b, tlShiftTracks)
		if k < 0 {
			label, k = "", tlShiftTracks-1
		}
		out = append(out, &tlShift{s: s, x: x, label: label, left: left, track: k})
	}
	return out
}

type tlItem struct {
	it     sightline.RoadmapItem
	x0, x1 float64
	label  string
	lx     float64 // where the label starts: in the bar, or before it near the right edge
	track  int
}

// packItems places the roadmap items that meet the window in tracks; a
// bar's label may run past its end, so the label's width is reserved too.
func (t *tlTimeline) packItems() ([]*tlItem, int) {
	var out []*tlItem
	var tr tracks
	hidden := 0
	w := t.in.Window
	for _, it := range t.in.Items {
		if it.EndsOn.Before(w.Start()) || !it.StartsOn.Before(w.End()) {
			continue
		}
		x0, x1 := t.x(it.StartsOn), t.x(it.EndsOn.AddDate(0, 0, 1))
		if x1-x0 < 6 {
			x1 = x0 + 6
		}
		label := svgCut(sightline.RoadmapKindLabel(it.Kind)+": "+it.Title, 48) + " · " + strings.ToLower(sightline.ConfidenceLabel(it.Confidence))
		lw := float64(len([]rune(label))) * tlSmallChar
		lx := math.Max(math.Min(x0+6, t.right()-lw-4), t.x0+2) // near the right edge the label moves left
		k := tr.place(math.Min(x0, lx), math.Max(x1, lx+lw)+8, TimelineItemTracks)
		if k < 0 {
			hidden++
			continue
		}
		out = append(out, &tlItem{it: it, x0: x0, x1: x1, label: label, lx: lx, track: k})
	}
	return out, hidden
}

// packLanes puts each epic card in its lane, spanning its quarters, in the
// first track free over all its columns; the cells' totals give the
// "+N more" counts.
func (t *tlTimeline) packLanes() []*tlLaneBox {
	byID := map[int64]*tlLaneBox{}
	var lanes []*tlLaneBox
	for _, l := range t.in.Lanes {
		b := &tlLaneBox{lane: l, more: map[int]int{}}
		byID[l.ID] = b
		lanes = append(lanes, b)
	}
	drawn := map[[2]int64]int{}
	totals := map[[2]int64]int{}
	for _, e := range t.in.Epics {
		b := byID[e.InitiativeID]
		if b == nil {
			continue // a lane the filter leaves out
		}
		c := &tlCard{e: e, c0: t.col(e.Cell), c1: t.col(e.End)}
		c.contLeft = e.Start.Before(t.in.Window.From)
		c.contRight = t.in.Window.To.Before(e.End)
		b.cards = append(b.cards, c)
		key := [2]int64{e.InitiativeID, int64(c.c0)}
		drawn[key]++
		totals[key] = e.CellTotal
	}
	for key, total := range totals {
		if n := total - drawn[key]; n > 0 {
			byID[key[0]].more[int(key[1])] = n
		}
	}
	for _, b := range lanes {
		var occupied [][]bool
		for _, c := range b.cards {
			k := 0
			for ; k < len(occupied); k++ {
				free := true
				for i := c.c0; i <= c.c1; i++ {
					if occupied[k][i] {
						free = false
						break
					}
				}
				if free {
					break
				}
			}
			if k == len(occupied) {
				occupied = append(occupied, make([]bool, t.n))
			}
			for i := c.c0; i <= c.c1; i++ {
				occupied[k][i] = true
			}
			c.track = k
		}
		b.tracks = len(occupied)
		labelLines := len(svgWrap(b.lane.Title, tlLaneLabelChars, tlLaneLabelMaxLines))
		minH := 2*tlLanePad + 14*float64(labelLines+1)
		b.h = max(2*tlLanePad+float64(max(b.tracks, 1))*(tlCardH+tlCardGap)-tlCardGap+boolF(len(b.more) > 0)*tlMoreH, minH)
	}
	return lanes
}
