package picture

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/sightline/sightline/internal/sightline"
)

// The arrows of the architecture diagram: which relations they stand
// for, how they are routed, and where their labels go.

// archEdge is the arrow for every relation between two boxes, one way.
type archEdge struct {
	from, to int
	rels     []sightline.ArchRelation
}

func (l *archLayout) edges() (list []*archEdge, drawn, internal int) {
	byPair := map[[2]int]*archEdge{}
	for _, r := range l.in.Relations {
		a, okA := l.boxOf[r.SourceID]
		b, okB := l.boxOf[r.TargetID]
		if !okA || !okB || !l.focus[r.SourceID] && !l.focus[r.TargetID] {
			continue // outside the view
		}
		if l.contains(a, b) || l.contains(b, a) {
			outer := a
			if l.contains(b, a) {
				outer = b
			}
			l.boxes[outer].internal = append(l.boxes[outer].internal, archRelationText(r))
			internal++
			continue
		}
		k := [2]int{a, b}
		e := byPair[k]
		if e == nil {
			e = &archEdge{from: a, to: b}
			byPair[k] = e
			list = append(list, e)
		}
		e.rels = append(e.rels, r)
		drawn++
	}
	return list, drawn, internal
}

func archRelationText(r sightline.ArchRelation) string {
	s := r.SourceName + " → " + r.TargetName + ": " + r.Label
	if r.Technology != "" {
		s += " (" + r.Technology + ")"
	}
	return s
}

// archMark is what an arrow carries: its label, or its number when the
// label finds no free place.
type archMark struct {
	n      int
	text   string
	title  string
	x, y   float64
	w      float64
	number bool
}

// drawEdges draws the arrows, numbered in drawing order, and places each
// one's label (or number) where it overlaps no box and no other label. It
// fills d.Key and returns the number of arrows.
func (l *archLayout) drawEdges(w *svgWriter, edges []*archEdge, d *ArchDiagram) int {
	pairs := map[[2]int]bool{}
	for _, e := range edges {
		pairs[[2]int{e.from, e.to}] = true
	}
	// Obstacles: every card and chip, and the headings of frames and bands.
	var taken archRects
	for _, b := range l.boxes {
		switch b.kind {
		case "frame", "band":
			taken.add([4]float64{b.x, b.y, b.w, 40})
		default:
			taken.add([4]float64{b.x, b.y, b.w, b.h})
		}
	}
	free := func(r [4]float64) bool {
		if r[0] < 2 || r[0]+r[2] > archDiagramWidth-2 || r[1] < archMargin+archLegendH-4 {
			return false
		}
		return !taken.overlaps(r)
	}
	if len(edges) > 0 {
		w.printf(`<g class="ad-edges">`)
	}
	for i, e := range edges {
		n := i + 1
		a, b := l.boxes[e.from], l.boxes[e.to]
		pts := l.route(a, b, float64((n*2)%5-2)*3)
		var path strings.Builder
		for j, p := range pts {
			if j == 0 {
				path.WriteString("M")
			} else {
				path.WriteString("L")
			}
			path.WriteString(svgNum(p.x) + "," + svgNum(p.y))
		}
		if len(pts) == 2 && pairs[[2]int{e.to, e.from}] {
			// A straight arrow both ways: bow each one to its own side.
			x1, y1, x2, y2 := pts[0].x, pts[0].y, pts[1].x, pts[1].y
			if h := math.Hypot(x2-x1, y2-y1); h > 0 {
				cx, cy := (x1+x2)/2-(y2-y1)/h*22, (y1+y2)/2+(x2-x1)/h*22
				path.Reset()
				path.WriteString(fmt.Sprintf("M%s,%sQ%s,%s %s,%s", svgNum(x1), svgNum(y1), svgNum(cx), svgNum(cy), svgNum(x2), svgNum(y2)))
				pts = []archPt{pts[0], {0.25*x1 + 0.5*cx + 0.25*x2, 0.25*y1 + 0.5*cy + 0.25*y2}, pts[1]}
			}
		}
		title := l.edgeTitle(e)

		label := svgCut(e.rels[0].Label, archLabelChars)
		if len(e.rels) > 1 {
			label = svgCut(e.rels[0].Label, archLabelChars-6) + fmt.Sprintf(" (×%d)", len(e.rels))
		}
		m := archMark{n: n, title: archNumbered(n, title)}
		placed := false
		for _, text := range []string{label, strconv.Itoa(n)} {
			tw := float64(len([]rune(text)))*6.1 + 10
			if text != label {
				tw = float64(len(text))*7 + 10
			}
			for _, c := range archLabelSpots(pts) {
				x, y := c.x, c.y
				r := [4]float64{x - tw/2, y - 8, tw, 16}
				if free(r) {
					m.text, m.x, m.y, m.w, m.number = text, x, y, tw, text != label
					taken.add(r)
					placed = true
					break
				}
			}
			if placed {
				break
			}
		}
		if placed {
			l.marks = append(l.marks, m)
		}
		// The tooltip: on the arrow, and on its label or number. In a compact
		// diagram (many arrows) it is written once: on the mark when the
		// arrow has one, else on the arrow.
		// Merged arrows are thicker (a class per width: the stylesheet's
		// .ad-edge-g rules would win over an attribute); data-count says
		// how many relations an arrow stands for when more than one.
		if len(e.rels) > 1 {
			w.printf(`<g class="ad-edge-g" data-count="%d" data-arrow="%d">`, len(e.rels), n)
		} else {
			w.printf(`<g class="ad-edge-g" data-arrow="%d">`, n)
		}
		if !placed || !l.compact {
			w.printf(`<title>%s</title>`, svgEsc(m.title))
		}
		cls := "ad-edge"
		if k := min(len(e.rels), 6); k > 1 {
			cls += " ad-w" + strconv.Itoa(k)
		}
		w.printf(`<path class="%s" d="%s" marker-end="url(#ad-arrow)"/></g>`, cls, path.String())
		key := ArchDiagramArrow{N: n, From: l.boxName(a), To: l.boxName(b), Relations: e.rels, Marked: placed, Labelled: placed && !m.number}
		if a.item != nil {
			key.FromID = a.item.ID
		}
		if b.item != nil {
			key.ToID = b.item.ID
		}
		d.Key = append(d.Key, key)
	}
	if len(edges) > 0 {
		w.printf(`</g>`)
	}
	return len(edges)
}

// drawMarks draws the arrows' labels and numbers on top of everything.
func (l *archLayout) drawMarks(w *svgWriter, d *ArchDiagram) {
	if len(l.marks) == 0 {
		return
	}
	w.printf(`<g class="ad-labels">`)
	for _, m := range l.marks {
		cls := "ad-label"
		if m.number {
			cls += " ad-label-n"
		} else {
			d.Labelled++
		}
		w.printf(`<g class="%s"><title>%s</title>`, cls, svgEsc(m.title))
		w.printf(`<rect class="ad-label-bg" x="%s" y="%s" width="%s" height="16" rx="3"/>`, svgNum(m.x-m.w/2), svgNum(m.y-8), svgNum(m.w))
		w.printf(`<text class="ad-label-t" x="%s" y="%s">%s</text></g>`, svgNum(m.x), svgNum(m.y+4), svgEsc(m.text))
	}
	w.printf(`</g>`)
}

// boxName names a box in the key: its item, or its heading.
func (l *archLayout) boxName(b *archBox) string {
	if b.item != nil {
		return b.item.Name
	}
	if b.linkTo != nil {
		return "components of " + b.linkTo.Name
	}
	return b.title
}

func archNumbered(n int, s string) string { return fmt.Sprintf("Arrow %d: %s", n, s) }

func (l *archLayout) edgeTitle(e *archEdge) string {
	texts := make([]string, 0, len(e.rels))
	for _, r := range e.rels {
		texts = append(texts, archRelationText(r))
	}
	if len(texts) == 1 {
		return texts[0]
	}
	return svgPlural(len(texts), "relation", "relations") + ": " + archList(texts)
}

type archPt struct{ x, y float64 }

// route is the line of an arrow from a to b: straight when that crosses
// no other box, else along the free channels: out of a into the channel
// above or below it, along that channel to a column channel, along it to
// the channel by b, and into b. Every frame and band shares the same
// columns, so the column channels run clear from top to bottom. lane
// shifts the arrow within its channels so parallel ones stay apart.
func (l *archLayout) route(a, b *archBox, lane float64) []archPt {
	ax, ay := a.x+a.w/2, a.y+a.h/2
	bx, by := b.x+b.w/2, b.y+b.h/2
	x1, y1 := archClip(a, bx, by)
	x2, y2 := archClip(b, ax, ay)
	if l.clear(x1, y1, x2, y2, a, b) {
		return []archPt{{x1, y1}, {x2, y2}}
	}
	sx, ex := l.anchor(a, bx, lane), l.anchor(b, ax, lane)
	var start, end archPt
	var ga, gb float64
	switch {
	case b.y >= a.y+a.h: // b below a
		start, ga = archPt{sx, a.y + a.h}, a.below
		end, gb = archPt{ex, b.y}, b.above
	case b.y+b.h <= a.y: // b above a
		start, ga = archPt{sx, a.y}, a.above
		end, gb = archPt{ex, b.y + b.h}, b.below
	default: // side by side: under both
		start, ga = archPt{sx, a.y + a.h}, a.below
		end, gb = archPt{ex, b.y + b.h}, b.below
	}
	ga, gb = ga+lane, gb+lane
	pts := []archPt{start, {start.x, ga}}
	if math.Abs(ga-gb) > 0.5 {
		xc := archChannel((start.x+end.x)/2) + lane
		pts = append(pts, archPt{xc, ga}, archPt{xc, gb})
	}
	return append(pts, archPt{end.x, gb}, end)
}

// anchor is where an arrow leaves or enters a box: the middle of a card
// (shifted by the lane), or for a frame or band the column channel nearest
// the other end, so the arrow runs clear of the cards inside.
func (l *archLayout) anchor(b *archBox, towards, lane float64) float64 {
	if b.kind == "frame" || b.kind == "band" {
		return archChannel(towards) + lane
	}
	return b.x + b.w/2 + lane*3
}

// archChannel is the column channel nearest x: the frame's left or right
// padding, or a gap between two columns of cards.
func archChannel(x float64) float64 {
	best := archMargin + archFramePad/2
	for c := 1; c <= archColumns; c++ {
		ch := archColX(c) - archColGap/2
		if c == archColumns {
			ch = archDiagramWidth - archMargin - archFramePad/2
		}
		if math.Abs(ch-x) < math.Abs(best-x) {
			best = ch
		}
	}
	return best
}

// clear reports whether the segment crosses no card or chip but a's and
// b's own.
func (l *archLayout) clear(x1, y1, x2, y2 float64, a, b *archBox) bool {
	for _, o := range l.boxes {
		if o.kind == "frame" || o.kind == "band" || o == a || o == b || o.parent == a.id || o.parent == b.id {
			continue
		}
		if archCrosses(x1, y1, x2, y2, o.x-3, o.y-3, o.w+6, o.h+6) {
			return false
		}
	}
	return true
}

// archCrosses reports whether the segment meets the rectangle
// (Liang–Barsky clipping).
func archCrosses(x1, y1, x2, y2, rx, ry, rw, rh float64) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := x2-x1, y2-y1
	for _, c := range [4][2]float64{{-dx, x1 - rx}, {dx, rx + rw - x1}, {-dy, y1 - ry}, {dy, ry + rh - y1}} {
		p, q := c[0], c[1]
		if p == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		t := q / p
		if p < 0 {
			t0 = math.Max(t0, t)
		} else {
			t1 = math.Min(t1, t)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
}

// archLabelSpots are where an arrow's label may go, best first: along the
// longest stretch of its line, then the others.
func archLabelSpots(pts []archPt) []archPt {
	type seg struct {
		a, b archPt
		n    float64
	}
	segs := make([]seg, 0, len(pts))
	for i := 1; i < len(pts); i++ {
		segs = append(segs, seg{pts[i-1], pts[i], math.Hypot(pts[i].x-pts[i-1].x, pts[i].y-pts[i-1].y)})
	}
	if len(pts) == 3 { // a bowed arrow: its middle point first
		return []archPt{pts[1], pts[0], pts[2]}
	}
	slices.SortStableFunc(segs, func(x, y seg) int { return int(y.n - x.n) })
	var out []archPt
	for _, s := range segs {
		for _, t := range []float64{.5, .35, .65, .2, .8} {
			out = append(out, archPt{s.a.x + (s.b.x-s.a.x)*t, s.a.y + (s.b.y-s.a.y)*t})
		}
	}
	return out
}

// archClip is where the line from b's centre towards (tx, ty) leaves b.
func archClip(b *archBox, tx, ty float64) (float64, float64) {
	cx, cy := b.x+b.w/2, b.y+b.h/2
	dx, dy := tx-cx, ty-cy
	if dx == 0 && dy == 0 {
		return cx, cy
	}
	sx, sy := math.Inf(1), math.Inf(1)
	if dx != 0 {
		sx = (b.w / 2) / math.Abs(dx)
	}
	if dy != 0 {
		sy = (b.h / 2) / math.Abs(dy)
	}
	s := math.Min(sx, sy)
	return cx + dx*s, cy + dy*s
}

// archRects is a set of rectangles (x, y, w, h) that answers whether a
// rectangle overlaps any of them, looking only at those in the same cells
// of a grid: placing hundreds of labels stays linear, not quadratic.
type archRects struct {
	rects [][4]float64
	cells map[[2]int][]int // grid cell → indexes in rects
}

// archRectCell is the side of a grid cell.
const archRectCell = 80.0

func archCellsOf(r [4]float64) (x0, y0, x1, y1 int) {
	return int(math.Floor(r[0] / archRectCell)), int(math.Floor(r[1] / archRectCell)),
		int(math.Floor((r[0] + r[2]) / archRectCell)), int(math.Floor((r[1] + r[3]) / archRectCell))
}

func (g *archRects) add(r [4]float64) {
	if g.cells == nil {
		g.cells = map[[2]int][]int{}
	}
	i := len(g.rects)
	g.rects = append(g.rects, r)
	x0, y0, x1, y1 := archCellsOf(r)
	for cx := x0; cx <= x1; cx++ {
		for cy := y0; cy <= y1; cy++ {
			g.cells[[2]int{cx, cy}] = append(g.cells[[2]int{cx, cy}], i)
		}
	}
}

// overlaps reports whether r overlaps (not merely touches) a rectangle of g.
func (g *archRects) overlaps(r [4]float64) bool {
	x0, y0, x1, y1 := archCellsOf(r)
	for cx := x0; cx <= x1; cx++ {
		for cy := y0; cy <= y1; cy++ {
			for _, i := range g.cells[[2]int{cx, cy}] {
				o := g.rects[i]
				if r[0] < o[0]+o[2] && o[0] < r[0]+r[2] && r[1] < o[1]+o[3] && o[1] < r[1]+r[3] {
					return true
				}
			}
		}
	}
	return false
}
