package picture

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/sightline/sightline/internal/sightline"
)

// The impact vs effort matrix, drawn as SVG on the server: effort across
// (1–5), impact up (1–5), the four quadrants shaded and named outside the
// plot so no point hides a name. Epics share 25 positions, so the points of
// one cell are laid out in a spiral around the cell's centre: the centre,
// a ring of six, then an outer ring — twelve at most. A fuller cell draws a
// count bubble at its centre, linking to the list of that cell under the
// picture, with its eight most recently updated epics on the outer ring.
// The picture is bounded (25 × 12 points) whatever the workspace's size.

// Matrix geometry, in SVG user units.
const (
	mxLeft    = 64.0
	mxTop     = 60.0
	mxRight   = 24.0
	mxBottom  = 96.0
	mxCellW   = 124.0
	mxCellH   = 104.0
	mxLegendH = 34.0
	mxDotR    = 6.5
	mxBubbleR = 17.0
	mxRing1X  = 22.0
	mxRing1Y  = 20.0
	mxRing2X  = 46.0
	mxRing2Y  = 36.0
)

// MatrixInput is what the matrix draws.
type MatrixInput struct {
	Links  Links                  // where the points link
	Points []sightline.MatrixEpic // scored epics, at most MatrixCellCap per cell beyond the selected one
	// CellURL links a count bubble to the list of its cell.
	CellURL func(impact, effort int) string
	// Impact and Effort name the selected cell (0 for none).
	Impact, Effort int
}

// MatrixPicture is the drawn SVG and what it holds.
type MatrixPicture struct {
	SVG       string
	Points    int // epics drawn one by one
	Bubbles   int // cells drawn as a count
	Quadrants map[sightline.Quadrant]int
}

type mxCell struct {
	impact, effort int
	total          int
	points         []sightline.MatrixEpic
}

// DrawMatrix lays out and writes the matrix.
func DrawMatrix(in MatrixInput) MatrixPicture {
	pic := MatrixPicture{Quadrants: map[sightline.Quadrant]int{}}
	cells := map[[2]int]*mxCell{}
	for _, e := range in.Points {
		if e.Impact == nil || e.Effort == nil || *e.Impact < 1 || *e.Impact > 5 || *e.Effort < 1 || *e.Effort > 5 {
			continue
		}
		key := [2]int{*e.Impact, *e.Effort}
		c := cells[key]
		if c == nil {
			c = &mxCell{impact: key[0], effort: key[1], total: e.CellTotal}
			cells[key] = c
			pic.Quadrants[sightline.QuadrantOf(key[0], key[1])] += e.CellTotal
		}
		c.points = append(c.points, e)
	}
	plotW, plotH := 5*mxCellW, 5*mxCellH
	width, height := mxLeft+plotW+mxRight, mxTop+plotH+mxBottom+mxLegendH
	var w svgWriter
	total := 0
	for _, n := range pic.Quadrants {
		total += n
	}
	w.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="mx-svg" viewBox="0 0 %s %s" width="%s" height="%s" role="group" aria-labelledby="mx-title mx-desc" data-testid="matrix-svg">`,
		svgNum(width), svgNum(height), svgNum(width), svgNum(height))
	w.printf(`<title id="mx-title">Impact vs effort</title>`)
	var desc []string
	for _, q := range sightline.Quadrants {
		desc = append(desc, fmt.Sprintf("%s (%s): %d", q.Label(), q.Hint(), pic.Quadrants[q]))
	}
	w.printf(`<desc id="mx-desc">%s</desc>`, svgEsc(fmt.Sprintf("%s scored. %s.", svgPlural(total, "epic", "epics"), strings.Join(desc, "; "))))

	mxQuadrants(&w, pic.Quadrants)
	mxAxes(&w)
	if in.Impact != 0 {
		x, y := mxCellOrigin(in.Impact, in.Effort)
		w.printf(`<rect class="mx-cell-selected" data-testid="mx-selected" x="%s" y="%s" width="%s" height="%s" rx="6"/>`, svgNum(x+2), svgNum(y+2), svgNum(mxCellW-4), svgNum(mxCellH-4))
	}
	keys := make([][2]int, 0, len(cells))
	for k := range cells {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] > keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	for _, k := range keys {
		mxDrawCell(&w, in, cells[k], &pic)
	}
	mxLegend(&w, mxTop+plotH+mxBottom-4)
	w.printf(`</svg>`)
	pic.SVG = w.String()
	return pic
}

// mxCellOrigin is the top-left corner of a cell.
func mxCellOrigin(impact, effort int) (float64, float64) {
	return mxLeft + float64(effort-1)*mxCellW, mxTop + float64(5-impact)*mxCellH
}

// mxSlots are the positions of a cell's points around its centre: the
// centre, a ring of six, an outer ring of twelve (the first five used).
var mxSlots = func() [][2]float64 {
	s := [][2]float64{{0, 0}}
	for i := 0; i < 6; i++ {
		a := float64(i)*math.Pi/3 + math.Pi/6
		s = append(s, [2]float64{mxRing1X * math.Cos(a), mxRing1Y * math.Sin(a)})
	}
	for i := 0; i < 12; i++ {
		a := float64(i) * math.Pi / 6
		s = append(s, [2]float64{mxRing2X * math.Cos(a), mxRing2Y * math.Sin(a)})
	}
	return s[:sightline.MatrixCellCap]
}()

// mxBubbleSlots ring the count bubble.
var mxBubbleSlots = func() [][2]float64 {
	var s [][2]float64
	for i := 0; i < sightline.MatrixBubbleTop; i++ {
		a := float64(i)*2*math.Pi/float64(sightline.MatrixBubbleTop) - math.Pi/2
		s = append(s, [2]float64{mxRing2X * math.Cos(a), mxRing2Y * math.Sin(a)})
	}
	return s
}()

func mxDrawCell(w *svgWriter, in MatrixInput, c *mxCell, pic *MatrixPicture) {
	x, y := mxCellOrigin(c.impact, c.effort)
	cx, cy := x+mxCellW/2, y+mxCellH/2
	points, slots := c.points, mxSlots
	bubble := c.total > sightline.MatrixCellCap
	if bubble {
		slots = mxBubbleSlots
	}
	if len(points) > len(slots) {
		points = points[:len(slots)]
	}
	w.printf(`<g class="mx-cell" data-testid="mx-cell" data-impact="%d" data-effort="%d" data-count="%d">`, c.impact, c.effort, c.total)
	for i, e := range points {
		mxPoint(w, in, e, cx+slots[i][0], cy+slots[i][1])
		pic.Points++
	}
	if bubble {
		href := ""
		if in.CellURL != nil {
			href = in.CellURL(c.impact, c.effort)
		}
		w.printf(`<a href="%s" class="mx-bubble" data-testid="mx-bubble" data-count="%d">`, svgEsc(href), c.total)
		w.printf(`<title>%s</title>`, svgEsc(fmt.Sprintf("%d epics with impact %d and effort %d (%s): list them all", c.total, c.impact, c.effort,
			strings.ToLower(sightline.QuadrantOf(c.impact, c.effort).Label()))))
		w.printf(`<circle class="mx-bubble-c" cx="%s" cy="%s" r="%s"/>`, svgNum(cx), svgNum(cy), svgNum(mxBubbleR))
		w.printf(`<text class="mx-bubble-t" x="%s" y="%s" text-anchor="middle">%d</text>`, svgNum(cx), svgNum(cy+4.5), c.total)
		w.printf(`</a>`)
		pic.Bubbles++
	}
	w.printf(`</g>`)
}

// mxPoint draws one epic: a circle for a product epic, a square for an
// enabler, linking to its page, with its name and scores in the tooltip.
func mxPoint(w *svgWriter, in MatrixInput, e sightline.MatrixEpic, x, y float64) {
	w.printf(`<a href="%s" class="mx-point" data-testid="mx-point" data-epic-id="%d" data-kind="%s">`,
		svgEsc(in.Links.Epic(e.ID)), e.ID, svgEsc(string(e.Kind)))
	w.printf(`<title>%s</title>`, svgEsc(mxPointTitle(e)))
	cls := "mx-dot mx-" + string(e.Kind) + " mx-status-" + string(e.Status)
	if e.Kind == sightline.KindEnabler {
		w.printf(`<rect class="%s" x="%s" y="%s" width="%s" height="%s" rx="1.5"/>`, svgEsc(cls), svgNum(x-mxDotR), svgNum(y-mxDotR), svgNum(2*mxDotR), svgNum(2*mxDotR))
	} else {
		w.printf(`<circle class="%s" cx="%s" cy="%s" r="%s"/>`, svgEsc(cls), svgNum(x), svgNum(y), svgNum(mxDotR))
	}
	w.printf(`</a>`)
}

func mxPointTitle(e sightline.MatrixEpic) string {
	q := sightline.QuadrantOf(*e.Impact, *e.Effort)
	return fmt.Sprintf("%s — %s epic, %s. Impact %d, effort %d: %s.", e.Title, strings.ToLower(e.Kind.Label()),
		strings.ToLower(e.Status.Label()), *e.Impact, *e.Effort, strings.ToLower(q.Label()))
}

// mxQuadrants shades the quadrants and names them, with their counts,
// above and below the plot.
func mxQuadrants(w *svgWriter, counts map[sightline.Quadrant]int) {
	split := float64(sightline.MatrixHigh - 1)
	divX := mxLeft + split*mxCellW    // effort 1–2 | 3–5
	divY := mxTop + (5-split)*mxCellH // impact 3–5 above, 1–2 below
	right, bottom := mxLeft+5*mxCellW, mxTop+5*mxCellH
	boxes := map[sightline.Quadrant][4]float64{
		sightline.QuickWins: {mxLeft, mxTop, divX, divY},
		sightline.BigBets:   {divX, mxTop, right, divY},
		sightline.FillIns:   {mxLeft, divY, divX, bottom},
		sightline.MoneyPits: {divX, divY, right, bottom},
	}
	for _, q := range sightline.Quadrants {
		b := boxes[q]
		w.printf(`<rect class="mx-q mx-q-%s" x="%s" y="%s" width="%s" height="%s"/>`, q, svgNum(b[0]), svgNum(b[1]), svgNum(b[2]-b[0]), svgNum(b[3]-b[1]))
	}
	for _, q := range sightline.Quadrants {
		b := boxes[q]
		y := mxTop - 28
		if b[1] != mxTop {
			y = bottom + 52
		}
		w.printf(`<g class="mx-qlabel" data-testid="mx-quadrant" data-quadrant="%s">`, q)
		w.printf(`<text class="mx-qname mx-qname-%s" x="%s" y="%s">%s · %s</text>`, q, svgNum(b[0]+6), svgNum(y), svgEsc(q.Label()), svgEsc(svgPlural(counts[q], "epic", "epics")))
		w.printf(`<text class="mx-qhint" x="%s" y="%s">%s</text>`, svgNum(b[0]+6), svgNum(y+15), svgEsc(q.Hint()))
		w.printf(`</g>`)
	}
	w.printf(`<line class="mx-divider" x1="%s" y1="%s" x2="%s" y2="%s"/>`, svgNum(divX), svgNum(mxTop), svgNum(divX), svgNum(bottom))
	w.printf(`<line class="mx-divider" x1="%s" y1="%s" x2="%s" y2="%s"/>`, svgNum(mxLeft), svgNum(divY), svgNum(right), svgNum(divY))
}

// mxAxes draws the cell grid, the ticks and the axis names.
func mxAxes(w *svgWriter) {
	right, bottom := mxLeft+5*mxCellW, mxTop+5*mxCellH
	w.printf(`<g class="mx-axes">`)
	for i := 0; i <= 5; i++ {
		x := mxLeft + float64(i)*mxCellW
		y := mxTop + float64(i)*mxCellH
		w.printf(`<line class="mx-grid" x1="%s" y1="%s" x2="%s" y2="%s"/>`, svgNum(x), svgNum(mxTop), svgNum(x), svgNum(bottom))
		w.printf(`<line class="mx-grid" x1="%s" y1="%s" x2="%s" y2="%s"/>`, svgNum(mxLeft), svgNum(y), svgNum(right), svgNum(y))
	}
	for v := 1; v <= 5; v++ {
		w.printf(`<text class="mx-tick" x="%s" y="%s" text-anchor="middle">%d</text>`, svgNum(mxLeft+(float64(v)-0.5)*mxCellW), svgNum(bottom+16), v)
		w.printf(`<text class="mx-tick" x="%s" y="%s" text-anchor="end">%d</text>`, svgNum(mxLeft-8), svgNum(mxTop+(5.5-float64(v))*mxCellH+4), v)
	}
	w.printf(`<text class="mx-axis" x="%s" y="%s" text-anchor="middle">Effort → (1 least, 5 most)</text>`, svgNum(mxLeft+2.5*mxCellW), svgNum(bottom+34))
	w.printf(`<text class="mx-axis" x="%s" y="%s" text-anchor="middle" transform="rotate(-90 %s %s)">Impact → (1 least, 5 most)</text>`,
		svgNum(mxLeft-34), svgNum(mxTop+2.5*mxCellH), svgNum(mxLeft-34), svgNum(mxTop+2.5*mxCellH))
	w.printf(`</g>`)
}

// mxLegend names the shapes.
func mxLegend(w *svgWriter, y float64) {
	x := mxLeft
	w.printf(`<g class="mx-legend" data-testid="mx-legend">`)
	w.printf(`<circle class="mx-dot mx-product" cx="%s" cy="%s" r="%s"/>`, svgNum(x+7), svgNum(y+7), svgNum(mxDotR))
	w.printf(`<text class="mx-legend-t" x="%s" y="%s">product epic</text>`, svgNum(x+20), svgNum(y+11))
	x += 118
	w.printf(`<rect class="mx-dot mx-enabler" x="%s" y="%s" width="13" height="13" rx="1.5"/>`, svgNum(x+1), svgNum(y+1))
	w.printf(`<text class="mx-legend-t" x="%s" y="%s">enabler epic</text>`, svgNum(x+20), svgNum(y+11))
	x += 118
	w.printf(`<circle class="mx-bubble-c" cx="%s" cy="%s" r="11"/><text class="mx-bubble-t mx-bubble-small" x="%s" y="%s" text-anchor="middle">37</text>`,
		svgNum(x+11), svgNum(y+7), svgNum(x+11), svgNum(y+11))
	w.printf(`<text class="mx-legend-t" x="%s" y="%s">more than %d epics share the cell: open the list</text>`, svgNum(x+28), svgNum(y+11), sightline.MatrixCellCap)
	w.printf(`</g>`)
}
