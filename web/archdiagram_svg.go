package web

import (
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/sightline/sightline/internal/sightline"
)

// Writing the architecture diagram as SVG: boxes, legend, escaping.

// draw writes the SVG.
func (l *archLayout) draw(height float64) ArchDiagram {
	edges, drawn, internal := l.edges()
	d := ArchDiagram{Compact: l.compact, Drawn: drawn, Internal: internal, Height: height}
	for _, b := range l.boxes {
		if b.item != nil {
			d.Boxes++
		}
	}
	var w archWriter
	w.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="arch-diagram-svg" viewBox="0 0 %s %s" width="%s" height="%s" role="group" aria-labelledby="ad-title ad-desc" data-testid="arch-diagram-svg">`,
		archNum(archDiagramWidth), archNum(height), archNum(archDiagramWidth), archNum(height))
	w.printf(`<title id="ad-title">Architecture diagram</title>`)
	w.printf(`<desc id="ad-desc">%s</desc>`, archEsc(fmt.Sprintf("%s drawn; %s for %s.",
		archPlural(d.Boxes, "item", "items"), archPlural(len(edges), "arrow", "arrows"), archPlural(drawn, "relation", "relations"))))
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

func (l *archLayout) legend(w *archWriter) {
	y := archMargin + 12
	w.printf(`<g class="ad-legend" aria-hidden="true">`)
	x := archMargin
	w.printf(`<text class="ad-legend-h" x="%s" y="%s">Health</text>`, archNum(x), archNum(y+4))
	x += 52
	for _, h := range sightline.Healths {
		archHealthMark(w, h, x+6, y)
		w.printf(`<text class="ad-legend-t" x="%s" y="%s">%s</text>`, archNum(x+16), archNum(y+4), archEsc(strings.ToLower(h.Label())))
		x += 90
	}
	x += 16
	w.printf(`<text class="ad-legend-h" x="%s" y="%s">Kinds</text>`, archNum(x), archNum(y+4))
	x += 48
	for _, k := range sightline.ItemKinds {
		w.printf(`<rect class="ad-swatch ad-%s" x="%s" y="%s" width="14" height="12" rx="3"/>`, k, archNum(x), archNum(y-6))
		w.printf(`<text class="ad-legend-t" x="%s" y="%s">%s</text>`, archNum(x+20), archNum(y+4), archEsc(strings.ToLower(k.Label())))
		x += 40 + float64(len(k.Label()))*6.5
	}
	x += 8
	w.printf(`<line class="ad-edge" x1="%s" y1="%s" x2="%s" y2="%s" marker-end="url(#ad-arrow)"/>`, archNum(x), archNum(y), archNum(x+34), archNum(y))
	w.printf(`<text class="ad-legend-t" x="%s" y="%s">relation (×n: n merged)</text>`, archNum(x+42), archNum(y+4))
	w.printf(`</g>`)
}

// archHealthMark draws the shape that tells health without colour.
func archHealthMark(w *archWriter, h sightline.Health, cx, cy float64) {
	cls := "ad-mark ad-h-" + string(h)
	switch h {
	case sightline.HealthStrained:
		w.printf(`<path class="%s" d="M%s,%sL%s,%sL%s,%sz"/>`, cls, archNum(cx), archNum(cy-6), archNum(cx+6), archNum(cy+5), archNum(cx-6), archNum(cy+5))
	case sightline.HealthAtRisk:
		w.printf(`<path class="%s" d="M%s,%sL%s,%sL%s,%sL%s,%sz"/>`, cls, archNum(cx), archNum(cy-6), archNum(cx+6), archNum(cy), archNum(cx), archNum(cy+6), archNum(cx-6), archNum(cy))
	default:
		w.printf(`<circle class="%s" cx="%s" cy="%s" r="5"/>`, cls, archNum(cx), archNum(cy))
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
func (l *archLayout) drawBack(w *archWriter, b *archBox) {
	w.printf(`<rect class="%s" x="%s" y="%s" width="%s" height="%s" rx="8"/>`, l.boxClass(b), archNum(b.x), archNum(b.y), archNum(b.w), archNum(b.h))
}

// open starts a box's link to its item's page (or a plain group) with its
// tooltip; close ends it.
func (l *archLayout) open(w *archWriter, b *archBox) {
	switch {
	case b.item != nil:
		w.printf(`<a href="%s" class="ad-link" data-item-id="%d">`, archEsc(l.in.ItemURL(b.item.ID)), b.item.ID)
	case b.linkTo != nil:
		w.printf(`<a href="%s" class="ad-link">`, archEsc(l.in.ItemURL(b.linkTo.ID)))
	default:
		w.printf(`<g>`)
	}
	if t := l.boxTitle(b); t != "" {
		w.printf(`<title>%s</title>`, archEsc(t))
	}
}

func (l *archLayout) close(w *archWriter, b *archBox) {
	if b.item != nil || b.linkTo != nil {
		w.printf(`</a>`)
	} else {
		w.printf(`</g>`)
	}
}

// drawBox draws a box over the arrows: a frame's or band's heading (its
// text haloed, so an arrow beneath never blurs it), or a whole card or chip.
func (l *archLayout) drawBox(w *archWriter, b *archBox) {
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
		w.printf(`<text class="ad-name ad-frame-name ad-halo" x="%s" y="%s">%s</text>`, archNum(tx), archNum(b.y+24), archEsc(archCut(name, archFrameChars)))
		if meta != "" {
			w.printf(`<text class="ad-meta ad-halo" x="%s" y="%s">%s</text>`, archNum(b.x+archFramePad), archNum(b.y+38), archEsc(archCut(meta, 150)))
		}
	case "card":
		w.printf(`<rect class="%s" x="%s" y="%s" width="%s" height="%s" rx="6"/>`, l.boxClass(b), archNum(b.x), archNum(b.y), archNum(b.w), archNum(b.h))
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
		w.printf(`<text class="ad-name" x="%s" y="%s">%s</text>`, archNum(tx), archNum(b.y+21), archEsc(archCut(name, archCardChars-2)))
		if meta != "" {
			w.printf(`<text class="ad-meta" x="%s" y="%s">%s</text>`, archNum(b.x+10), archNum(b.y+38), archEsc(archCut(meta, archCardChars+6)))
		}
		if l.compact && len(b.hidden) > 0 {
			w.printf(`<text class="ad-count" x="%s" y="%s">%s</text>`, archNum(b.x+10), archNum(b.y+archCardHead+15), archEsc(archPlural(len(b.hidden), "component", "components")))
		}
	case "chip", "more":
		w.printf(`<rect class="%s" x="%s" y="%s" width="%s" height="%s" rx="11"/>`, l.boxClass(b), archNum(b.x), archNum(b.y), archNum(b.w), archNum(b.h))
		if b.kind == "chip" {
			archHealthMark(w, it.Health, b.x+12, b.y+b.h/2)
			w.printf(`<text class="ad-chip-name" x="%s" y="%s">%s</text>`, archNum(b.x+24), archNum(b.y+15), archEsc(archCut(it.Name, archChipChars)))
		} else {
			w.printf(`<text class="ad-chip-name" x="%s" y="%s">%s</text>`, archNum(b.x+12), archNum(b.y+15), archEsc(fmt.Sprintf("+%d more components", len(b.hidden))))
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
		sb.WriteString(archPlural(len(b.hidden), "component", "components") + ": " + archList(b.hidden))
	}
	if len(b.internal) > 0 {
		sb.WriteString("\n" + archPlural(len(b.internal), "relation", "relations") + " inside: " + archList(b.internal))
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

// archWriter builds the SVG text.
type archWriter struct{ strings.Builder }

func (w *archWriter) printf(format string, args ...any) {
	if len(args) == 0 {
		w.WriteString(format)
		return
	}
	fmt.Fprintf(w, format, args...)
}

// archEsc escapes text for an XML text node or a double-quoted attribute:
// & < > " ' become references, and characters XML cannot hold become U+FFFD.
func archEsc(s string) string {
	var sb strings.Builder
	_ = xml.EscapeText(&sb, []byte(s))
	return sb.String()
}

// archCut shortens s to n characters with an ellipsis.
func archCut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// archNum writes a coordinate rounded to a tenth, without a needless
// fraction: "142", "142.5".
func archNum(f float64) string {
	v := math.Round(f * 10)
	if math.IsNaN(v) || math.Abs(v) > 1e15 {
		return strconv.FormatFloat(v/10, 'f', -1, 64)
	}
	n := int64(v)
	if n%10 == 0 {
		return strconv.FormatInt(n/10, 10)
	}
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return sign + strconv.FormatInt(n/10, 10) + "." + strconv.FormatInt(n%10, 10)
}

func archPlural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
