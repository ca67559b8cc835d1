package picture

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/sightline/sightline/internal/sightline"
)

// Writing the timeline: grid, lanes and cards, roadmap items, shifts,
// today and the legend.

// drawGrid draws the lane rows, the current quarter's shade, the quarter
// headings and column lines, and the band and lane labels.
func (t *tlTimeline) drawGrid(bottom float64, lanes []*tlLaneBox, hasShifts bool) {
	w := &t.w
	today := sightline.QuarterAt(t.in.Today)
	top := tlPad
	w.printf(`<g class="tl-grid">`)
	for i, l := range lanes {
		cls := "tl-lane"
		if i%2 == 1 {
			cls += " tl-lane-alt"
		}
		w.printf(`<rect class="%s" x="%s" y="%s" width="%s" height="%s"/>`, cls, svgNum(tlPad), svgNum(l.y), svgNum(t.width-2*tlPad), svgNum(l.h))
	}
	for i, q := range t.in.Window.Quarters() {
		x := t.x0 + float64(i)*tlColW
		if q == today {
			w.printf(`<rect class="tl-col-now" x="%s" y="%s" width="%s" height="%s"/>`, svgNum(x), svgNum(top), svgNum(tlColW), svgNum(bottom-top))
		}
		w.printf(`<text class="tl-q" x="%s" y="%s" data-testid="tl-quarter">%s</text>`, svgNum(x+8), svgNum(top+16), q)
		w.printf(`<text class="tl-q-months" x="%s" y="%s">%s</text>`, svgNum(x+8), svgNum(top+30), svgEsc(q.Months()))
	}
	for i := 0; i <= t.n; i++ {
		x := t.x0 + float64(i)*tlColW
		w.printf(`<line class="tl-colline" x1="%s" y1="%s" x2="%s" y2="%s"/>`, svgNum(x), svgNum(top), svgNum(x), svgNum(bottom))
	}
	w.printf(`<line class="tl-rule" x1="%s" y1="%s" x2="%s" y2="%s"/>`, svgNum(tlPad), svgNum(top+tlHeadH-4), svgNum(t.width-tlPad), svgNum(top+tlHeadH-4))
	w.printf(`<line class="tl-rule" x1="%s" y1="%s" x2="%s" y2="%s"/>`, svgNum(tlPad), svgNum(t.laneY-2), svgNum(t.width-tlPad), svgNum(t.laneY-2))
	if hasShifts {
		w.printf(`<text class="tl-band-label" x="%s" y="%s">Strategy shifts</text>`, svgNum(tlPad+4), svgNum(t.shiftY+14))
	}
	w.printf(`<text class="tl-band-label" x="%s" y="%s">Roadmap items</text>`, svgNum(tlPad+4), svgNum(t.itemY+16))
	w.printf(`</g>`)
}

// drawLanes writes each lane's label and cards, then its "+N more" links.
func (t *tlTimeline) drawLanes(lanes []*tlLaneBox) {
	w := &t.w
	for _, l := range lanes {
		w.printf(`<g class="tl-lane-g" data-testid="tl-lane" data-lane="%d">`, l.lane.ID)
		lines := svgWrap(l.lane.Title, tlLaneLabelChars, tlLaneLabelMaxLines)
		if l.lane.ID != 0 {
			w.printf(`<a href="%s" class="tl-lane-link"><title>%s</title>`, svgEsc(t.in.Links.Initiative(l.lane.ID)), svgEsc("Initiative: "+l.lane.Title))
		}
		for i, line := range lines {
			w.printf(`<text class="tl-lane-name" x="%s" y="%s">%s</text>`, svgNum(tlPad+8), svgNum(l.y+tlLanePad+13+float64(i)*15), svgEsc(line))
		}
		if l.lane.ID != 0 {
			w.printf(`</a>`)
		}
		sub := "no initiative"
		if l.lane.Horizon != "" {
			sub = "initiative · " + l.lane.Horizon
		}
		w.printf(`<text class="tl-lane-sub" x="%s" y="%s">%s</text>`, svgNum(tlPad+8), svgNum(l.y+tlLanePad+13+float64(len(lines))*15), svgEsc(sub))
		for _, c := range l.cards {
			t.drawCard(l, c)
		}
		for col := 0; col < t.n; col++ {
			n := l.more[col]
			if n == 0 {
				continue
			}
			q := t.in.Window.From.Add(col)
			x := t.x0 + float64(col)*tlColW + 6
			y := l.y + l.h - tlLanePad - 4
			w.printf(`<a href="%s" class="tl-more" data-testid="tl-more" data-quarter="%s" data-count="%d"><title>%s</title>`,
				svgEsc(t.moreURL(l.lane.ID, q)), q, n, svgEsc(fmt.Sprintf("%s in %s not drawn here: open them in the backlog", svgPlural(n, "more epic", "more epics"), q)))
			w.printf(`<text class="tl-more-t" x="%s" y="%s">+%d more →</text></a>`, svgNum(x), svgNum(y), n)
			t.pic.More++
			t.pic.Hidden += n
		}
		w.printf(`</g>`)
	}
}

// moreURL is the backlog filtered to a cell: the lane's initiative (the
// backlog has no "without initiative" filter, so that lane links to the
// quarter alone), the quarter, and the timeline's kind and status.
func (t *tlTimeline) moreURL(lane int64, q sightline.Quarter) string {
	return t.in.Links.Epics(sightline.EpicFilter{InitiativeID: lane, Quarter: q.String(), Kind: t.in.Kind, Status: t.in.Status})
}

// drawCard writes one epic: a link to its page with a tooltip saying
// everything in words; the fill tells its confidence (solid, hatched,
// dashed outline), a dark stripe marks an enabler, a diamond its
// committed date.
func (t *tlTimeline) drawCard(l *tlLaneBox, c *tlCard) {
	// The hot path of a large picture: written piece by piece, without fmt.
	w := &t.w
	e := c.e
	x := t.x0 + float64(c.c0)*tlColW + 4
	wd := float64(c.c1-c.c0+1)*tlColW - 8
	y := l.y + tlLanePad + float64(c.track)*(tlCardH+tlCardGap)
	w.raw(`<a href="`)
	w.esc(t.in.Links.Epic(e.ID))
	w.raw(`" class="tl-epic" data-testid="tl-epic" data-epic-id="`)
	w.int(e.ID)
	w.raw(`" data-kind="`)
	w.esc(string(e.Kind))
	w.raw(`" data-quarter="`)
	w.raw(e.Cell.String())
	w.raw(`"><title>`)
	tlEpicTitle(w, e)
	w.raw(`</title><rect class="tl-card tl-conf-`)
	w.esc(e.Confidence)
	if e.Status == sightline.StatusDone || e.Status == sightline.StatusDropped {
		w.raw(` tl-closed`)
	}
	w.raw(`" x="`)
	w.num(x)
	w.raw(`" y="`)
	w.num(y)
	w.raw(`" width="`)
	w.num(wd)
	w.raw(`" height="40" rx="5"/>`)
	tx := x + 8
	if e.Kind == sightline.KindEnabler {
		w.raw(`<rect class="tl-enabler-stripe" x="`)
		w.num(x)
		w.raw(`" y="`)
		w.num(y)
		w.raw(`" width="5" height="40" rx="2"/>`)
		tx += 4
	}
	if c.contLeft {
		w.printf(`<path class="tl-cont" d="M%s,%sl-4,5l4,5z"/>`, svgNum(x-1), svgNum(y+tlCardH/2-5))
	}
	if c.contRight {
		w.printf(`<path class="tl-cont" d="M%s,%sl4,5l-4,5z"/>`, svgNum(x+wd+1), svgNum(y+tlCardH/2-5))
	}
	room := x + wd - tx - 6
	w.raw(`<text class="tl-card-title" x="`)
	w.num(tx)
	w.raw(`" y="`)
	w.num(y + 16)
	w.raw(`">`)
	w.esc(svgCut(e.Title, int(room/tlTitleChar)))
	w.raw(`</text><text class="tl-card-meta" x="`)
	w.num(tx)
	w.raw(`" y="`)
	w.num(y + 32)
	w.raw(`">`)
	w.esc(tlEpicMeta(e, int(room/tlMetaChar)))
	w.raw(`</text>`)
	if e.CommittedOn != nil {
		dx := math.Min(math.Max(t.x(*e.CommittedOn), x+6), x+wd-6)
		w.raw(`<path class="tl-diamond" data-testid="tl-committed" d="M`)
		w.num(dx)
		w.raw(`,`)
		w.num(y + tlCardH - 5)
		w.raw(`l5,5l-5,5l-5,-5z"/>`)
	}
	w.raw(`</a>`)
	t.pic.Cards++
}

// tlEpicMeta is a card's second line, at most n characters: "Enabler"
// for an enabler, the status, and the committed date or the confidence.
// What does not fit is dropped, the least telling first: the confidence
// (the card's fill shows it too), then the kind (its stripe shows it too),
// then the status; the committed date stays. The tooltip says everything.
func tlEpicMeta(e sightline.TimelineEpic, n int) string {
	kind, status, last := "", e.Status.Label(), tlLower(sightline.ConfidenceLabel(e.Confidence))
	if e.Kind == sightline.KindEnabler {
		kind = "Enabler"
	}
	drops := []*string{&last, &kind, &status}
	if e.CommittedOn != nil {
		last, drops = "◆ "+e.CommittedOn.UTC().Format("2 Jan 2006"), drops[1:]
	}
	join := func() string {
		out := ""
		for _, p := range []string{kind, status, last} {
			if p == "" {
				continue
			}
			if out != "" {
				out += " · "
			}
			out += p
		}
		return out
	}
	s := join()
	for _, d := range drops {
		if utf8.RuneCountInString(s) <= n {
			break
		}
		*d = ""
		s = join()
	}
	return svgCut(s, n)
}

// tlLower lowercases the few labels the picture repeats, without allocating.
func tlLower(label string) string {
	if l, ok := tlLowerLabels[label]; ok {
		return l
	}
	return strings.ToLower(label)
}

var tlLowerLabels = func() map[string]string {
	m := map[string]string{}
	for _, c := range sightline.Confidences {
		m[sightline.ConfidenceLabel(c)] = strings.ToLower(sightline.ConfidenceLabel(c))
	}
	for _, k := range sightline.EpicKinds {
		m[k.Label()] = strings.ToLower(k.Label())
	}
	for _, st := range sightline.EpicStatuses {
		m[st.Label()] = strings.ToLower(st.Label())
	}
	return m
}()

// tlEpicTitle writes a card's tooltip, escaped: the epic in words.
func tlEpicTitle(w *svgWriter, e sightline.TimelineEpic) {
	w.esc(e.Title)
	w.raw(" — ")
	w.raw(tlLower(e.Kind.Label()))
	w.raw(", ")
	w.raw(tlLower(e.Status.Label()))
	w.raw(", confidence: ")
	w.raw(tlLower(sightline.ConfidenceLabel(e.Confidence)))
	switch {
	case e.CommittedOn != nil:
		w.raw(" (committed to ")
		w.raw(e.CommittedOn.UTC().Format("2 Jan 2006"))
		w.raw(")")
	case e.ConfidenceFrom != "":
		w.raw(" (roadmap item “")
		w.esc(e.ConfidenceFrom)
		w.raw("”)")
	}
	if e.TargetQuarter != "" {
		w.raw(" · target ")
		w.esc(e.TargetQuarter)
	}
}

// drawItems writes the roadmap items' bars: solid when committed, hatched
// when planned, a dashed outline when exploring; each links to its page.
func (t *tlTimeline) drawItems(items []*tlItem, hidden int) {
	w := &t.w
	for _, it := range items {
		y := t.itemY + float64(it.track)*tlItemTrack + 3
		w.printf(`<a href="%s" class="tl-item" data-testid="tl-item" data-roadmap-item-id="%d" data-confidence="%s">`,
			svgEsc(t.in.Links.RoadmapItem(it.it.ID)), it.it.ID, svgEsc(it.it.Confidence))
		w.printf(`<title>%s</title>`, svgEsc(fmt.Sprintf("%s: %s — %s, %s", sightline.RoadmapKindLabel(it.it.Kind), it.it.Title,
			DateSpan(it.it.StartsOn, it.it.EndsOn), strings.ToLower(sightline.ConfidenceLabel(it.it.Confidence)))))
		w.printf(`<rect class="tl-bar tl-bar-%s" x="%s" y="%s" width="%s" height="%s" rx="4"/>`, svgEsc(it.it.Confidence), svgNum(it.x0), svgNum(y), svgNum(it.x1-it.x0), svgNum(tlItemH))
		w.printf(`<text class="tl-bar-t" x="%s" y="%s">%s</text>`, svgNum(it.lx), svgNum(y+13), svgEsc(it.label))
		w.printf(`</a>`)
	}
	if hidden > 0 {
		w.printf(`<text class="tl-band-sub" x="%s" y="%s" data-testid="tl-items-hidden">+%s below</text>`, svgNum(tlPad+4), svgNum(t.itemY+30), svgEsc(svgPlural(hidden, "item", "items")))
	}
}

// drawShiftLines draws a dashed line down the picture where each shift
// happened, under the cards.
func (t *tlTimeline) drawShiftLines(shifts []*tlShift, bottom float64) {
	if len(shifts) == 0 {
		return
	}
	w := &t.w
	w.printf(`<g class="tl-shift-lines" aria-hidden="true">`)
	for _, s := range shifts {
		y := t.shiftY + float64(s.track)*tlShiftTrack
		w.printf(`<line class="tl-shift-line" x1="%s" y1="%s" x2="%s" y2="%s"/>`, svgNum(s.x), svgNum(y+2), svgNum(s.x), svgNum(bottom))
	}
	w.printf(`</g>`)
}

// drawShifts writes each shift's flag with its title, linking to the shift.
func (t *tlTimeline) drawShifts(shifts []*tlShift) {
	w := &t.w
	for _, s := range shifts {
		y := t.shiftY + float64(s.track)*tlShiftTrack
		w.printf(`<a href="%s" class="tl-shift" data-testid="tl-shift" data-shift-id="%d">`, svgEsc(t.in.Links.Shift(s.s.ID)), s.s.ID)
		w.printf(`<title>%s</title>`, svgEsc(fmt.Sprintf("Strategy shift on %s: %s (%s → %s)", s.s.ShiftedOn.UTC().Format("2 Jan 2006"),
			s.s.Title, s.s.FromPhase, s.s.ToPhase)))
		w.printf(`<path class="tl-flag" d="M%s,%sh9l-3,4l3,4h-9z"/>`, svgNum(s.x), svgNum(y+3))
		if s.label != "" {
			lw := 6 + float64(len([]rune(s.label)))*tlSmallChar
			lx := s.x + 10
			if s.left {
				lx = s.x - 2 - lw
			}
			w.printf(`<rect class="tl-shift-bg" x="%s" y="%s" width="%s" height="15" rx="3"/>`, svgNum(lx), svgNum(y+1), svgNum(lw))
			w.printf(`<text class="tl-shift-t" x="%s" y="%s">%s</text>`, svgNum(lx+3), svgNum(y+12), svgEsc(s.label))
		}
		w.printf(`</a>`)
	}
}

// drawToday draws today's line under the cards (so it never hides a
// name) with its date on top of the picture.
func (t *tlTimeline) drawToday(bottom float64) {
	if !t.inWindow(t.in.Today) {
		return
	}
	w := &t.w
	x := t.x(t.in.Today)
	label := "Today · " + t.in.Today.UTC().Format("2 Jan 2006")
	w.printf(`<g class="tl-today" data-testid="tl-today">`)
	w.printf(`<line class="tl-today-line" x1="%s" y1="%s" x2="%s" y2="%s"/>`, svgNum(x), svgNum(tlPad+36), svgNum(x), svgNum(bottom))
	w.printf(`<rect class="tl-today-bg" x="%s" y="%s" width="%s" height="16" rx="3"/>`, svgNum(x), svgNum(tlPad+36), svgNum(10+float64(len([]rune(label)))*tlSmallChar))
	w.printf(`<text class="tl-today-t" x="%s" y="%s">%s</text>`, svgNum(x+5), svgNum(tlPad+48), svgEsc(label))
	w.printf(`</g>`)
	t.pic.TodayShown = true
}

// drawLegend explains every mark in words.
func (t *tlTimeline) drawLegend(y float64) {
	w := &t.w
	x := tlPad + 4
	w.printf(`<g class="tl-legend" data-testid="tl-legend">`)
	for _, c := range sightline.Confidences {
		w.printf(`<rect class="tl-card tl-conf-%s" x="%s" y="%s" width="26" height="14" rx="3"/>`, c, svgNum(x), svgNum(y))
		label := strings.ToLower(sightline.ConfidenceLabel(c))
		w.printf(`<text class="tl-legend-t" x="%s" y="%s">%s</text>`, svgNum(x+32), svgNum(y+11), label)
		x += 44 + float64(len(label))*tlSmallChar
	}
	w.printf(`<rect class="tl-card tl-conf-committed" x="%s" y="%s" width="26" height="14" rx="3"/><rect class="tl-enabler-stripe" x="%s" y="%s" width="5" height="14" rx="2"/>`,
		svgNum(x), svgNum(y), svgNum(x), svgNum(y))
	w.printf(`<text class="tl-legend-t" x="%s" y="%s">enabler</text>`, svgNum(x+32), svgNum(y+11))
	x += 90
	w.printf(`<path class="tl-diamond" d="M%s,%sl6,6l-6,6l-6,-6z"/>`, svgNum(x+6), svgNum(y+1))
	w.printf(`<text class="tl-legend-t" x="%s" y="%s">committed date</text>`, svgNum(x+18), svgNum(y+11))
	x += 118
	w.printf(`<line class="tl-today-line" x1="%s" y1="%s" x2="%s" y2="%s"/>`, svgNum(x+4), svgNum(y-2), svgNum(x+4), svgNum(y+16))
	w.printf(`<text class="tl-legend-t" x="%s" y="%s">today</text>`, svgNum(x+12), svgNum(y+11))
	x += 60
	w.printf(`<line class="tl-shift-line" x1="%s" y1="%s" x2="%s" y2="%s"/><path class="tl-flag" d="M%s,%sh9l-3,4l3,4h-9z"/>`,
		svgNum(x+4), svgNum(y-2), svgNum(x+4), svgNum(y+16), svgNum(x+4), svgNum(y-2))
	w.printf(`<text class="tl-legend-t" x="%s" y="%s">strategy shift</text>`, svgNum(x+18), svgNum(y+11))
	x += 112
	w.printf(`<text class="tl-legend-t" x="%s" y="%s">Bars: roadmap items (release, milestone, theme) over their dates.</text>`, svgNum(x), svgNum(y+11))
	w.printf(`</g>`)
}
