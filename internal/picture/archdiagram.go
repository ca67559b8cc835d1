package picture

import (
	"math"
	"strconv"

	"github.com/sightline/sightline/internal/sightline"
)

// The architecture diagram is drawn on the server as SVG, by a pure
// function of the items and relations, so it reads without JavaScript and
// can be tested as XML.
//
// Layout. The viewBox has a fixed width (archDiagramWidth); the height
// grows with the content and the page scrolls it inside a bounded frame.
// Each system is a wide box holding a grid of its containers (four per
// row, every box on the same columns); each container lists its components
// as chips. Containers and components not placed yet sit in a "Not
// placed" box; external systems in a band of their own below.
//
// Zoom (?root=). A system or an external is drawn alone; a container
// becomes the frame and its components the boxes (C4's component view); a
// component is drawn inside its container. What the subtree relates to
// outside it appears in a "Related outside this view" band.
//
// Arrows. Relations are drawn between boxes: a component's from its
// container (or, zoomed in, its own box). Relations between the same two
// boxes are merged into one arrow with a count, thicker as the count
// grows; relations inside one box are listed in its tooltip instead. An
// arrow is straight when that crosses no other box; otherwise it runs
// along the free channels between rows and columns, each arrow in its own
// lane. Arrows pass beneath the boxes and haloed headings, so no line
// crosses a name. Arrows are numbered: each one's label is drawn where it
// overlaps no box and no other label, else its number is, and the key
// under the picture lists every arrow by number with its relations (its
// tooltip says the same).
//
// Scale. Up to archChipLimit components are drawn per container; more are
// summed up in a "+N more" chip. Past archCompactAfter components in view,
// each container shows only its count of components ("12 components"): the
// picture stays at one box per system, container and external, and at
// most one arrow per pair of them, whatever the number of components. Past
// archSystemsAfter containers in the whole workspace's view, only systems
// and external systems are drawn (the C4 context level), each system with
// its counts of containers and components, and the arrows between them;
// a system's own view (?root=) draws its containers.
//
// Colour is never the only signal: each box carries a health mark whose
// shape differs (circle healthy, triangle strained, diamond at risk), its
// health in words, and a tooltip; a legend explains marks and kinds.
// Every name and label is escaped as XML text or attribute.

const (
	archDiagramWidth = 1200.0
	archMargin       = 16.0
	archLegendH      = 34.0
	archFramePad     = 14.0
	archFrameHead    = 54.0 // heading of a system: name, details, a channel for arrows
	archBandHead     = 44.0 // heading of a band: its title, a channel for arrows
	archColGap       = 40.0 // between cards side by side: room for arrows and labels
	archRowGap       = 30.0 // between rows of cards
	archFrameGap     = 30.0 // between systems and bands
	archColumns      = 4
	archCardHead     = 46.0
	archChipH        = 22.0
	archChipGap      = 4.0
	archCardPad      = 8.0
	archChipLimit    = 8   // chips drawn per container before "+N more"
	archCompactAfter = 40  // components in view past which they are counted, not drawn
	archSystemsAfter = 100 // containers in the whole view past which only systems are drawn
	archTitleList    = 8   // relations or names listed in one tooltip
	archCardChars    = 30  // characters of a name that fit a container box
	archChipChars    = 30  // characters that fit a chip
	archLabelChars   = 28  // characters of a relation label drawn on an arrow
	archFrameChars   = 100 // characters of a system name in its header
)

// ArchDiagramInput is what the diagram is drawn from.
type ArchDiagramInput struct {
	Items     []sightline.ArchItem
	Relations []sightline.ArchRelation
	RootID    int64                 // 0: the whole workspace; else the subtree of this item
	ItemURL   func(id int64) string // the page of an item
	// Version, when set, names Items and Relations as a whole (e.g. the
	// workspace and its revision): two inputs with the same Version hold
	// the same rows, so the cache keys by it instead of digesting them.
	Version string
}

// ArchDiagram is a drawn diagram and what it holds.
type ArchDiagram struct {
	SVG      string
	Compact  bool // components counted per container instead of drawn
	Systems  bool // only systems and external systems drawn (many containers)
	Boxes    int  // items drawn as a box or chip of their own
	Arrows   int  // arrows drawn, after merging parallel relations
	Drawn    int  // relations drawn as (part of) an arrow
	Internal int  // relations within one box, counted in its tooltip
	Labelled int  // arrows whose label is drawn on them (the others show their number)
	// Relations is how many relations it was drawn from.
	Relations int
	Key       []ArchDiagramArrow
	Height    float64
}

// ArchDiagramArrow is one arrow of the diagram, for the key under it: its
// number, its ends (an item, or a group's heading with ID 0) and the
// relations it stands for.
type ArchDiagramArrow struct {
	N            int
	From, To     string
	FromID, ToID int64
	Relations    []sightline.ArchRelation
	Marked       bool // its label or number is drawn on it
	Labelled     bool // its label is drawn on it
}

// archBox is one drawn rectangle: a system frame, a container or external
// card, a component chip, or a grouping box of no item.
type archBox struct {
	id       int // index in layout.boxes
	item     *sightline.ArchItem
	kind     string // frame, card, chip, more, band
	title    string // grouping boxes: their heading
	parent   int    // enclosing box, -1 for none
	x, y     float64
	w, h     float64
	above    float64             // cards, frames, bands: the free channel above (y)
	below    float64             // and below, where arrows run
	linkTo   *sightline.ArchItem // "more" chips: the container that lists them all
	hidden   []string            // names summed up in this box ("+N more", counts)
	noun     string              // what hidden names ("component" when empty)
	sub      int                 // systems-only cards: the components inside too
	internal []string            // relations drawn inside this box
}

type archLayout struct {
	in       ArchDiagramInput
	byID     map[int64]*sightline.ArchItem
	boxes    []*archBox
	boxOf    map[int64]int // item → the box drawn for it or its nearest drawn ancestor
	compact  bool
	systems  bool
	marks    []archMark
	contexts map[int64]bool // items drawn only as context of the root
	focus    map[int64]bool // the root's subtree (everything without a root)
}

// add places a box. Chips are not arrow ends: their relations are drawn
// from their container, so only other boxes stand for their item.
func (l *archLayout) add(b *archBox) *archBox {
	b.id = len(l.boxes)
	l.boxes = append(l.boxes, b)
	if b.item != nil && b.kind != "chip" {
		l.boxOf[b.item.ID] = b.id
	}
	return b
}

// BuildArchDiagram lays out and draws the diagram.
func BuildArchDiagram(in ArchDiagramInput) ArchDiagram {
	d := buildArchDiagram(in)
	d.Relations = len(in.Relations)
	return d
}

func buildArchDiagram(in ArchDiagramInput) ArchDiagram {
	if in.ItemURL == nil {
		in.ItemURL = func(id int64) string { return "#item-" + strconv.FormatInt(id, 10) }
	}
	l := &archLayout{in: in, byID: map[int64]*sightline.ArchItem{}, boxOf: map[int64]int{}, contexts: map[int64]bool{}}
	items := sightline.ArchTreeOrder(in.Items)
	for i := range items {
		l.byID[items[i].ID] = &items[i]
	}
	y := archMargin + archLegendH
	root := l.byID[in.RootID]
	if root == nil {
		l.focus = map[int64]bool{}
		for id := range l.byID {
			l.focus[id] = true
		}
		y = l.landscape(items, l.focus, y)
	} else {
		l.focus = sightline.ArchSubtree(items, root.ID)
		switch root.Kind {
		case sightline.ItemContainer:
			// Zoomed in: the container is the frame, its components the boxes.
			y = l.frame(root, "", l.childrenOf(items, root.ID), nil, nil, y) + archFrameGap
		case sightline.ItemComponent:
			parent := l.parentOf(root)
			if parent != nil && parent.Kind == sightline.ItemContainer {
				y = l.frame(parent, "", []*sightline.ArchItem{root}, nil, nil, y) + archFrameGap
			} else {
				y = l.frame(nil, "Not placed in a container yet", []*sightline.ArchItem{root}, nil, nil, y) + archFrameGap
			}
		default:
			y = l.landscape(items, l.focus, y)
		}
		for _, r := range in.Relations {
			switch {
			case l.focus[r.SourceID] && !l.drawn(r.TargetID):
				l.contexts[r.TargetID] = true
			case l.focus[r.TargetID] && !l.drawn(r.SourceID):
				l.contexts[r.SourceID] = true
			}
		}
		if len(l.contexts) > 0 {
			var ctx []*sightline.ArchItem
			for i := range items {
				if l.contexts[items[i].ID] {
					ctx = append(ctx, &items[i])
				}
			}
			y = l.band("Related outside this view", ctx, y) + archFrameGap
		}
	}
	height := math.Max(y+archMargin-archFrameGap, archMargin*2+archLegendH+40)
	return l.draw(height)
}

// drawn reports whether an item has a box (of its own or its container's).
func (l *archLayout) drawn(id int64) bool {
	_, ok := l.boxOf[id]
	return ok
}

func (l *archLayout) childrenOf(items []sightline.ArchItem, id int64) []*sightline.ArchItem {
	var out []*sightline.ArchItem
	for i := range items {
		if p := items[i].ParentID; p != nil && *p == id {
			out = append(out, &items[i])
		}
	}
	return out
}

// landscape places the items of view: each system with its containers
// and their components, then what is not placed, then external systems.
func (l *archLayout) landscape(items []sightline.ArchItem, view map[int64]bool, y float64) float64 {
	var systems, externals, strayContainers, strayComponents []*sightline.ArchItem
	containersOf := map[int64][]*sightline.ArchItem{}
	componentsOf := map[int64][]*sightline.ArchItem{}
	components := 0
	for i := range items {
		it := &items[i]
		if !view[it.ID] {
			continue
		}
		parent := l.parentOf(it)
		switch it.Kind {
		case sightline.ItemSystem:
			systems = append(systems, it)
		case sightline.ItemContainer:
			if parent != nil && parent.Kind == sightline.ItemSystem && view[parent.ID] {
				containersOf[parent.ID] = append(containersOf[parent.ID], it)
			} else {
				strayContainers = append(strayContainers, it)
			}
		case sightline.ItemComponent:
			components++
			if parent != nil && parent.Kind == sightline.ItemContainer && view[parent.ID] {
				componentsOf[parent.ID] = append(componentsOf[parent.ID], it)
			} else {
				strayComponents = append(strayComponents, it)
			}
		default:
			externals = append(externals, it)
		}
	}
	l.compact = components > archCompactAfter
	containers := len(strayContainers)
	for _, cs := range containersOf {
		containers += len(cs)
	}
	if l.in.RootID == 0 && containers > archSystemsAfter {
		return l.systemsOnly(systems, externals, strayContainers, strayComponents, containersOf, componentsOf, y)
	}
	for _, s := range systems {
		y = l.frame(s, "", containersOf[s.ID], nil, componentsOf, y) + archFrameGap
	}
	if len(strayContainers) > 0 || len(strayComponents) > 0 {
		y = l.frame(nil, "Not placed in a system yet", strayContainers, strayComponents, componentsOf, y) + archFrameGap
	}
	if len(externals) > 0 {
		y = l.band("External systems", externals, y) + archFrameGap
	}
	return y
}

func (l *archLayout) parentOf(it *sightline.ArchItem) *sightline.ArchItem {
	if it.ParentID == nil {
		return nil
	}
	return l.byID[*it.ParentID]
}

// frame places a system box (or, for sys nil, a grouping box titled title)
// holding a grid of container cards; loose components get a card of their
// own. It returns the bottom of the frame.
func (l *archLayout) frame(sys *sightline.ArchItem, title string, containers, loose []*sightline.ArchItem, componentsOf map[int64][]*sightline.ArchItem, top float64) float64 {
	f := l.add(&archBox{item: sys, kind: "frame", title: title, parent: -1, x: archMargin, y: top, w: archDiagramWidth - 2*archMargin})
	type card struct {
		item  *sightline.ArchItem
		title string
		comps []*sightline.ArchItem
	}
	cards := make([]card, 0, len(containers)+1)
	for _, c := range containers {
		cards = append(cards, card{item: c, comps: componentsOf[c.ID]})
	}
	if len(loose) > 0 {
		cards = append(cards, card{title: "Components not placed in a container", comps: loose})
	}
	boxes := make([]*archBox, len(cards))
	for i, c := range cards {
		boxes[i] = &archBox{item: c.item, kind: "card", title: c.title, parent: f.id}
		l.add(boxes[i])
		boxes[i].h = l.chips(boxes[i], c.comps)
	}
	f.h = l.grid(boxes, top+archFrameHead) - top
	if len(cards) == 0 {
		f.h = archFrameHead - 8
	}
	f.above, f.below = top-archFrameGap/2, top+f.h+archFrameGap/2
	return top + f.h
}

// archColX is the left edge of a column of cards.
func archColX(col int) float64 {
	return archMargin + archFramePad + float64(col)*(archCardW+archColGap)
}

// archCardW is the width of a card: four columns in the frame's width.
const archCardW = (archDiagramWidth - 2*archMargin - 2*archFramePad - (archColumns-1)*archColGap) / archColumns

// grid places cards (whose heights are set) in rows of archColumns from
// top, records the channels around each row, and returns the bottom of
// the enclosing box.
func (l *archLayout) grid(cards []*archBox, top float64) float64 {
	y := top
	for row := 0; row < len(cards); row += archColumns {
		end := min(row+archColumns, len(cards))
		rowH := 0.0
		for _, b := range cards[row:end] {
			rowH = math.Max(rowH, b.h)
		}
		last := end == len(cards)
		for col, b := range cards[row:end] {
			b.x, b.y, b.w = archColX(col), y, archCardW
			b.above = y - archRowGap/2
			if row == 0 {
				b.above = y - 8
			}
			b.below = y + rowH + archRowGap/2
			if last {
				b.below = y + rowH + archFramePad/2
			}
			for _, c := range l.boxes[b.id+1:] { // its chips move with it
				if c.parent == b.id {
					c.x, c.y = b.x+archCardPad, c.y+y
				}
			}
		}
		y += rowH + archRowGap
	}
	if len(cards) == 0 {
		return top
	}
	return y - archRowGap + archFramePad
}

// chips places a card's components and returns the card's height.
func (l *archLayout) chips(card *archBox, comps []*sightline.ArchItem) float64 {
	h := archCardHead
	if len(comps) == 0 {
		return h + archCardPad - 10
	}
	if l.compact {
		// One summary line, no chips: the components map to the card.
		for _, c := range comps {
			l.boxOf[c.ID] = card.id
			card.hidden = append(card.hidden, c.Name)
		}
		return h + archChipH + archCardPad
	}
	shown := comps
	if len(comps) > archChipLimit {
		shown = comps[:archChipLimit-1]
	}
	// Chips are placed relative to the card; grid moves them with it.
	y := h
	for _, c := range shown {
		l.add(&archBox{item: c, kind: "chip", parent: card.id, y: y, w: archCardW - 2*archCardPad, h: archChipH})
		l.boxOf[c.ID] = card.id
		y += archChipH + archChipGap
	}
	if rest := comps[len(shown):]; len(rest) > 0 {
		more := l.add(&archBox{kind: "more", linkTo: card.item, parent: card.id, y: y, w: archCardW - 2*archCardPad, h: archChipH})
		for _, c := range rest {
			l.boxOf[c.ID] = card.id
			more.hidden = append(more.hidden, c.Name)
		}
		y += archChipH + archChipGap
	}
	return y - archChipGap + archCardPad
}

// band places a titled band of cards (externals, context).
func (l *archLayout) band(title string, list []*sightline.ArchItem, top float64) float64 {
	b := l.add(&archBox{kind: "band", title: title, parent: -1, x: archMargin, y: top, w: archDiagramWidth - 2*archMargin})
	cards := make([]*archBox, len(list))
	for i, it := range list {
		cards[i] = l.add(&archBox{item: it, kind: "card", parent: b.id, h: archCardHead + archCardPad - 10})
	}
	b.h = l.grid(cards, top+archBandHead) - top
	b.above, b.below = top-archFrameGap/2, top+b.h+archFrameGap/2
	return top + b.h
}

// contains reports whether box a encloses box b (or is b).
func (l *archLayout) contains(a, b int) bool {
	for b >= 0 {
		if a == b {
			return true
		}
		b = l.boxes[b].parent
	}
	return false
}

// systemsOnly places the context level: a band of system cards, each
// standing for its containers and their components (counted on it), a
// card for what is not placed in a system, then the external systems.
func (l *archLayout) systemsOnly(systems, externals, strayContainers, strayComponents []*sightline.ArchItem,
	containersOf, componentsOf map[int64][]*sightline.ArchItem, y float64) float64 {
	l.compact, l.systems = true, true
	b := l.add(&archBox{kind: "band", title: "Systems (open one to see its containers)", parent: -1, x: archMargin, y: y, w: archDiagramWidth - 2*archMargin})
	var cards []*archBox
	card := func(item *sightline.ArchItem, title string, containers, loose []*sightline.ArchItem) {
		c := l.add(&archBox{item: item, kind: "card", title: title, parent: b.id, noun: "container", h: archCardHead + archChipH + archCardPad})
		for _, ct := range containers {
			l.boxOf[ct.ID] = c.id
			c.hidden = append(c.hidden, ct.Name)
			for _, cp := range componentsOf[ct.ID] {
				l.boxOf[cp.ID] = c.id
				c.sub++
			}
		}
		for _, cp := range loose {
			l.boxOf[cp.ID] = c.id
			c.sub++
		}
		cards = append(cards, c)
	}
	for _, s := range systems {
		card(s, "", containersOf[s.ID], nil)
	}
	if len(strayContainers) > 0 || len(strayComponents) > 0 {
		card(nil, "Not placed in a system yet", strayContainers, strayComponents)
	}
	b.h = l.grid(cards, y+archBandHead) - y
	b.above, b.below = y-archFrameGap/2, y+b.h+archFrameGap/2
	y += b.h + archFrameGap
	if len(externals) > 0 {
		y = l.band("External systems", externals, y) + archFrameGap
	}
	return y
}

// hiddenText is a box's count line: "12 components", or for a system card
// "6 containers · 40 components".
func (b *archBox) hiddenText() string {
	if b.noun == "" {
		return svgPlural(len(b.hidden), "component", "components")
	}
	t := svgPlural(len(b.hidden), b.noun, b.noun+"s")
	if b.sub > 0 {
		t += " · " + svgPlural(b.sub, "component", "components")
	}
	return t
}
