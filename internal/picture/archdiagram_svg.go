package picture

import (
	"fmt"
	"strings"

	"github.com/sightline/sightline/internal/sightline"
)

// Writing the architecture diagram as SVG: boxes, legend, escaping.

// draw writes the SVG.
func (l *archLayout) draw(height float64) ArchDiagram {
	edges, drawn, internal := l.edges()
	d := ArchDiagram{Compact: l.compact, Systems: l.systems, Drawn: drawn, Internal: internal, Height: height}
	for _, b := range l.boxes {
		if b.item != nil {
			d.Boxes++
		}
	}
	var w svgWriter
	w.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="arch-diagram-svg" viewBox="0 0 %s %s" width="%s" height="%s" role="group" aria-labelledby="ad-title ad-desc" data-testid="arch-diagram-svg">`,
		svgNum(archDiagramWidth), svgNum(height), svgNum(archDiagramWidth), svgNum(height))
	w.printf(`<title id="ad-title">Architecture diagram</title>`)
	w.printf(`<desc id="ad-desc">%s</desc>`, svgEsc(fmt.Sprintf("%s drawn; %s for %s.",
		svgPlural(d.Boxes, "item", "items"), svgPlural(len(edges), "arrow", "arrows"), svgPlural(drawn, "relation", "relations"))))
	w.printf(`<defs><marker id="ad-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" class="ad-arrowhead"/></marker></defs>`)
	l.legend(&w)
	// Frames and bands first, arrows over them, then the boxes and the
	// frames' headings over the arrows, so no line runs over a name.
	for _, b := range l.boxes {
		if b.kind == "frame" || b.kind == "band" {
			l.drawBack(&w, b)
		}
	}
	d.Arrows = l.drawEdges(&w, edges, &d)
	for _, b := range l.boxes {
		l.drawBox(&w, b)
	}
	l.drawMarks(&w, &d)
	w.printf(`</svg>`)
	d.SVG = w.String()
	return d
}

func (l *archLayout) legend(w *svgWriter) {
	y := archMargin + 12
	w.printf(`<g class="ad-legend" aria-hidden="true">`)
	x := archMargin
	w.printf(`<text class="ad-legend-h" x="%s" y="%s">Health</text>`, svgNum(x), svgNum(y+4))
	x += 52
	for _, h := range sightline.Healths {
		archHealthMark(w, h, x+6, y)
		w.printf(`<text class="ad-legend-t" x="%s" y="%s">%s</text>`, svgNum(x+16), svgNum(y+4), svgEsc(strings.ToLower(h.Label())))
		x += 90
	}
	x += 16
	w.printf(`<text class="ad-legend-h" x="%s" y="%s">Kinds</text>`, svgNum(x), svgNum(y+4))
	x += 48
	for _, k := range sightline.ItemKinds {
		w.printf(`<rect class="ad-swatch ad-%s" x="%s" y="%s" width="14" height="12" rx="3"/>`, k, svgNum(x), svgNum(y-6))
		w.printf(`<text class="ad-legend-t" x="%s" y="%s">%s</text>`, svgNum(x+20), svgNum(y+4), svgEsc(strings.ToLower(k.Label())))
		x += 40 + float64(len(k.Label()))*6.5
	}
	x += 8
	w.printf(`<line class="ad-edge" x1="%s" y1="%s" x2="%s" y2="%s" marker-end="url(#ad-arrow)"/>`, svgNum(x), svgNum(y), svgNum(x+34), svgNum(y))
	w.printf(`<text class="ad-legend-t" x="%s" y="%s">relation (×n: n merged)</text>`, svgNum(x+42), svgNum(y+4))
	w.printf(`</g>`)
}

// archHealthMark draws the shape that tells health without colour.
func archHealthMark(w *svgWriter, h sightline.Health, cx, cy float64) {
	cls := "ad-mark ad-h-" + string(h)
	switch h {
	case sightline.HealthStrained:
		w.printf(`<path class="%s" d="M%s,%sL%s,%sL%s,%sz"/>`, cls, svgNum(cx), svgNum(cy-6), svgNum(cx+6), svgNum(cy+5), svgNum(cx-6), svgNum(cy+5))
	case sightline.HealthAtRisk:
		w.printf(`<path class="%s" d="M%s,%sL%s,%sL%s,%sL%s,%sz"/>`, cls, svgNum(cx), svgNum(cy-6), svgNum(cx+6), svgNum(cy), svgNum(cx), svgNum(cy+6), svgNum(cx-6), svgNum(cy))
	default:
		w.printf(`<circle class="%s" cx="%s" cy="%s" r="5"/>`, cls, svgNum(cx), svgNum(cy))
	}
}

// boxClass is a box's classes: its shape, kind and health.
func (l *archLayout) boxClass(b *archBox) string {
	cls := "ad-box ad-" + b.kind
	if it := b.item; it != nil {
		cls += " ad-" + string(it.Kind) + " ad-health-" + string(it.Health)
		if l.contexts[it.ID] {
			cls += " ad-context"
		} else if !l.focus[it.ID] {
			cls += " ad-ancestor"
		}
	} else {
		cls += " ad-group"
	}
	return cls
}

// drawBack draws the body of a frame or band, under the arrows.
func (l *archLayout) drawBack(w *svgWriter, b *archBox) {
	w.printf(`<rect class="%s" x="%s" y="%s" width="%s" height="%s" rx="8"/>`, l.boxClass(b), svgNum(b.x), svgNum(b.y), svgNum(b.w), svgNum(b.h))
}

// open starts a box's link to its item's page (or a plain group) with its
// tooltip; close ends it.
func (l *archLayout) open(w *svgWriter, b *archBox) {
	switch {
	case b.item != nil:
		w.printf(`<a href="%s" class="ad-link" data-item-id="%d">`, svgEsc(l.in.ItemURL(b.item.ID)), b.item.ID)
	case b.linkTo != nil:
		w.printf(`<a href="%s" class="ad-link">`, svgEsc(l.in.ItemURL(b.linkTo.ID)))
	default:
		w.printf(`<g>`)
	}
	if t := l.boxTitle(b); t != "" {
		w.printf(`<title>%s</title>`, svgEsc(t))
	}
}

func (l *archLayout) close(w *svgWriter, b *archBox) {
	if b.item != nil || b.linkTo != nil {
		w.printf(`</a>`)
	} else {
		w.printf(`</g>`)
	}
}

// drawBox draws a box over the arrows: a frame's or band's heading (its
// text haloed, so an arrow beneath never blurs it), or a whole card or chip.
func (l *archLayout) drawBox(w *svgWriter, b *archBox) {
	it := b.item
	l.open(w, b)
	switch b.kind {
	case "frame", "band":
		name, meta := b.title, ""
		tx := b.x + archFramePad
		if it != nil {
			name, meta = it.Name, archMeta(it)
			if it.Kind != sightline.ItemSystem {
				where := it.Kind.Label()
				if it.ParentName != "" {
					where += " in " + it.ParentName
				}
				meta = where + " · " + meta
			}
			archHealthMark(w, it.Health, tx+5, b.y+19)
			tx += 16
		}
		w.printf(`<text class="ad-name ad-frame-name ad-halo" x="%s" y="%s">%s</text>`, svgNum(tx), svgNum(b.y+24), svgEsc(svgCut(name, archFrameChars)))
		if meta != "" {
			w.printf(`<text class="ad-meta ad-halo" x="%s" y="%s">%s</text>`, svgNum(b.x+archFramePad), svgNum(b.y+38), svgEsc(svgCut(meta, 150)))
		}
	case "card":
		w.printf(`<rect class="%s" x="%s" y="%s" width="%s" height="%s" rx="6"/>`, l.boxClass(b), svgNum(b.x), svgNum(b.y), svgNum(b.w), svgNum(b.h))
		name, meta := b.title, ""
		tx := b.x + 10
		if it != nil {
			name, meta = it.Name, archMeta(it)
			if l.contexts[it.ID] {
				meta = it.Kind.Label() + " · " + meta
			}
			archHealthMark(w, it.Health, tx+5, b.y+16)
			tx += 16
		}
		w.printf(`<text class="ad-name" x="%s" y="%s">%s</text>`, svgNum(tx), svgNum(b.y+21), svgEsc(svgCut(name, archCardChars-2)))
		if meta != "" {
			w.printf(`<text class="ad-meta" x="%s" y="%s">%s</text>`, svgNum(b.x+10), svgNum(b.y+38), svgEsc(svgCut(meta, archCardChars+6)))
		}
		if l.compact && len(b.hidden) > 0 {
			w.printf(`<text class="ad-count" x="%s" y="%s">%s</text>`, svgNum(b.x+10), svgNum(b.y+archCardHead+15), svgEsc(b.hiddenText()))
		}
	case "chip", "more":
		w.printf(`<rect class="%s" x="%s" y="%s" width="%s" height="%s" rx="11"/>`, l.boxClass(b), svgNum(b.x), svgNum(b.y), svgNum(b.w), svgNum(b.h))
		if b.kind == "chip" {
			archHealthMark(w, it.Health, b.x+12, b.y+b.h/2)
			w.printf(`<text class="ad-chip-name" x="%s" y="%s">%s</text>`, svgNum(b.x+24), svgNum(b.y+15), svgEsc(svgCut(it.Name, archChipChars)))
		} else {
			w.printf(`<text class="ad-chip-name" x="%s" y="%s">%s</text>`, svgNum(b.x+12), svgNum(b.y+15), svgEsc(fmt.Sprintf("+%d more components", len(b.hidden))))
		}
	}
	l.close(w, b)
}

// boxTitle is a box's tooltip: what it is in words, what it sums up, and
// the relations drawn inside it.
func (l *archLayout) boxTitle(b *archBox) string {
	var sb strings.Builder
	if it := b.item; it != nil {
		sb.WriteString(it.Name + " — " + strings.ToLower(it.Kind.Label()))
		if it.Technology != "" {
			sb.WriteString(" · " + it.Technology)
		}
		if it.OwnerTeam != "" {
			sb.WriteString(" · owned by " + it.OwnerTeam)
		}
		sb.WriteString(" · health: " + strings.ToLower(it.Health.Label()))
	} else if b.title != "" {
		sb.WriteString(b.title)
	}
	if len(b.hidden) > 0 {
		if sb.Len() > 0 {
			sb.WriteString("\n")
		}
		sb.WriteString(b.hiddenText() + ": " + archList(b.hidden))
	}
	if len(b.internal) > 0 {
		sb.WriteString("\n" + svgPlural(len(b.internal), "relation", "relations") + " inside: " + archList(b.internal))
	}
	return sb.String()
}

func archList(names []string) string {
	if len(names) <= archTitleList {
		return strings.Join(names, "; ")
	}
	return strings.Join(names[:archTitleList], "; ") + fmt.Sprintf("; and %d more", len(names)-archTitleList)
}

// archMeta is the second line of a box: kind, technology, health.
func archMeta(it *sightline.ArchItem) string {
	parts := []string{}
	if it.Technology != "" {
		parts = append(parts, it.Technology)
	}
	parts = append(parts, strings.ToLower(it.Health.Label()))
	if it.OwnerTeam != "" {
		parts = append(parts, it.OwnerTeam)
	}
	return strings.Join(parts, " · ")
}

// svgWriter builds the SVG text.
