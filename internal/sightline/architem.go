package sightline

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds every rule about architecture items and their relations.
// Handlers call these to explain a refusal next to the right field; the
// store calls them again inside its transaction, under row locks; the
// database backs up kinds, health, limits and same-workspace references.
//
// The hierarchy is C4's, kept strict: a component sits in a container, a
// container in a system; a system is top-level (systems are not nested: a
// landscape of systems is drawn with relations, not containment) and an
// external system stands alone. A container or component may be left
// without a parent while its place is undecided; it is shown as "not
// placed". Because every parent is one level above its child, a chain of
// parents cannot loop; the loop check still runs, as a guard against rows
// written around the store.

// Limits of an architecture item's and a relation's fields (the database
// checks the same).
const (
	MaxArchName           = 120
	MaxArchTechnology     = 120
	MaxArchOwnerTeam      = 120
	MaxArchText           = 20000 // description, tech-debt notes
	MaxRelationLabel      = 200
	MaxRelationTechnology = 120
)

// ArchStaleAfter is how long an item may go without being revisited before
// it is marked stale (DESIGN.md §2 idea 10).
const ArchStaleAfter = 90 * 24 * time.Hour

// Valid reports whether k is a known kind.
func (k ItemKind) Valid() bool { return slices.Contains(ItemKinds, k) }

// Label is the kind as people say it.
func (k ItemKind) Label() string {
	switch k {
	case ItemSystem:
		return "System"
	case ItemContainer:
		return "Container"
	case ItemComponent:
		return "Component"
	case ItemExternal:
		return "External system"
	}
	return string(k)
}

// Rank orders kinds in C4 order: system 0, container 1, component 2,
// external 3; unknown kinds last.
func (k ItemKind) Rank() int {
	if i := slices.Index(ItemKinds, k); i >= 0 {
		return i
	}
	return len(ItemKinds)
}

// ParentKind is the kind an item's parent must have, or "" when the item
// has no parent (systems and external systems).
func (k ItemKind) ParentKind() ItemKind {
	switch k {
	case ItemContainer:
		return ItemSystem
	case ItemComponent:
		return ItemContainer
	}
	return ""
}

// ChildKind is the kind of the items that sit in one of this kind, or ""
// when nothing sits in it.
func (k ItemKind) ChildKind() ItemKind {
	switch k {
	case ItemSystem:
		return ItemContainer
	case ItemContainer:
		return ItemComponent
	}
	return ""
}

// Valid reports whether h is a known health state.
func (h Health) Valid() bool { return slices.Contains(Healths, h) }

// Label is the health as people say it.
func (h Health) Label() string {
	switch h {
	case HealthHealthy:
		return "Healthy"
	case HealthStrained:
		return "Strained"
	case HealthAtRisk:
		return "At risk"
	}
	return string(h)
}

// ArchItemStale reports whether an item has not been revisited for
// ArchStaleAfter.
func ArchItemStale(it *ArchItem, now time.Time) bool {
	return !it.ReviewedAt.IsZero() && now.Sub(it.ReviewedAt) > ArchStaleAfter
}

// CheckArchItem checks an item's own fields: kind, name, health, limits.
// It returns the problems per form field name. Where the item sits is
// checked by CheckArchParent.
func CheckArchItem(it *ArchItem) Problems {
	p := Problems{}
	if !it.Kind.Valid() {
		p.Add("kind", "Choose system, container, component or external system.")
	}
	CheckText(p, "name", it.Name, true, MaxArchName)
	if strings.ContainsAny(it.Name, "\r\n\t") {
		p.Add("name", "Write the name on one line.")
	}
	CheckText(p, "technology", it.Technology, false, MaxArchTechnology)
	CheckText(p, "owner_team", it.OwnerTeam, false, MaxArchOwnerTeam)
	if !it.Health.Valid() {
		p.Add("health", "Choose healthy, strained or at risk.")
	}
	CheckText(p, "description", it.Description, false, MaxArchText)
	CheckText(p, "tech_debt", it.TechDebt, false, MaxArchText)
	return p
}

// CheckArchParent checks where an item sits. it is the item as it would be
// saved (ID 0 when new); parent is the item named as its parent (nil for
// none); parentAncestors are the ids above the parent, nearest first.
// Refusals are for the "parent_id" field.
func CheckArchParent(it *ArchItem, parent *ArchItem, parentAncestors []int64) Problems {
	p := Problems{}
	if parent == nil {
		return p
	}
	if it.ID != 0 && (parent.ID == it.ID || slices.Contains(parentAncestors, it.ID)) {
		if parent.ID == it.ID {
			p.Add("parent_id", "An item cannot be its own parent.")
		} else {
			p.Add("parent_id", fmt.Sprintf("“%s” sits inside this item; making it the parent would make a loop.", parent.Name))
		}
		return p
	}
	switch want := it.Kind.ParentKind(); {
	case it.Kind == ItemSystem:
		p.Add("parent_id", "A system is top-level: it has no parent. Systems are not nested; draw how they relate with a relation instead.")
	case it.Kind == ItemExternal:
		p.Add("parent_id", "An external system stands alone: it has no parent.")
	case want != "" && parent.Kind != want:
		p.Add("parent_id", fmt.Sprintf("%s sits in %s; “%s” is %s. Choose %s.",
			archCapFirst(article(it.Kind.Label())), article(want.Label()), parent.Name, article(parent.Kind.Label()), article(want.Label())))
	}
	return p
}

// CheckArchKindChange checks that changing an item's kind keeps its
// children valid: the kind of what sits in an item is fixed by the item's
// kind, so an item with children keeps its kind.
func CheckArchKindChange(from, to ItemKind, childCount int) Problems {
	p := Problems{}
	if childCount > 0 && from != to {
		verb := "sit"
		if childCount == 1 {
			verb = "sits"
		}
		p.Add("kind", fmt.Sprintf("%s %s in this %s, so it stays %s. Move them elsewhere first.",
			countKind(childCount, from.ChildKind()), verb, strings.ToLower(from.Label()), article(from.Label())))
	}
	return p
}

func archCapFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func countItems(n int) string {
	if n == 1 {
		return "1 item"
	}
	return fmt.Sprintf("%d items", n)
}

func countKind(n int, k ItemKind) string {
	l := strings.ToLower(k.Label())
	if l == "" {
		return countItems(n)
	}
	if n == 1 {
		return "1 " + l
	}
	return fmt.Sprintf("%d %ss", n, l)
}

// CheckRelation checks a relation from the item sourceID: a target, not
// the item itself, a label and limits.
func CheckRelation(sourceID int64, r *ArchRelation) Problems {
	p := Problems{}
	switch {
	case r.TargetID == 0:
		p.Add("target_id", "Choose the item it relates to.")
	case r.TargetID == sourceID:
		p.Add("target_id", "An item cannot relate to itself; describe what happens inside it in its description.")
	}
	CheckText(p, "label", r.Label, true, MaxRelationLabel)
	if strings.ContainsAny(r.Label, "\r\n") {
		p.Add("label", "Write the label on one line.")
	}
	CheckText(p, "technology", r.Technology, false, MaxRelationTechnology)
	return p
}

// ArchNode is an item in the hierarchy with the items that sit in it.
type ArchNode struct {
	Item     ArchItem
	Depth    int
	Children []*ArchNode
}

// archKey is what siblings are ordered by: C4 order of kinds, then name
// without regard to case, then id.
type archKey struct {
	rank int
	name string
	id   int64
}

func archCompare(a, b *archKey) int {
	if d := a.rank - b.rank; d != 0 {
		return d
	}
	if c := compareFold(a.name, b.name); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// compareFold compares two strings as strings.ToLower would have them,
// without making the lowered copies: ASCII letters fold in place; past the
// first byte that is not ASCII, the rest of each is lowered and compared.
func compareFold(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ca, cb := a[i], b[i]
		if ca >= utf8.RuneSelf || cb >= utf8.RuneSelf {
			return strings.Compare(strings.ToLower(a[i:]), strings.ToLower(b[i:]))
		}
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return cmp.Compare(ca, cb)
		}
	}
	return cmp.Compare(len(a), len(b))
}

// ArchTree arranges items into their hierarchy: the roots are the items
// without a parent (systems, externals and anything not placed), in C4
// order then by name; each node's children likewise. An item whose parent
// is missing from items, or that sits in a loop (only possible in rows
// written around the store), becomes a root so nothing is lost.
func ArchTree(items []ArchItem) []*ArchNode {
	// Sort keys, not items (2,000 items: a comparison copies nothing and
	// lowers nothing), and the nodes in one allocation.
	keys := make([]archKey, len(items))
	order := make([]int, len(items))
	for i := range items {
		keys[i] = archKey{rank: items[i].Kind.Rank(), name: items[i].Name, id: items[i].ID}
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return archCompare(&keys[a], &keys[b]) })
	all := make([]ArchNode, len(items))
	nodes := make(map[int64]*ArchNode, len(items))
	for k, i := range order {
		all[k].Item = items[i]
		nodes[items[i].ID] = &all[k]
	}
	var roots []*ArchNode
	for k := range all {
		n := &all[k]
		if n.Item.ParentID != nil {
			if pn, ok := nodes[*n.Item.ParentID]; ok && !archLoops(nodes, n.Item.ID) {
				pn.Children = append(pn.Children, n)
				continue
			}
		}
		roots = append(roots, n)
	}
	var depth func(ns []*ArchNode, d int)
	depth = func(ns []*ArchNode, d int) {
		for _, n := range ns {
			n.Depth = d
			depth(n.Children, d+1)
		}
	}
	depth(roots, 0)
	return roots
}

// archLoops reports whether following parents from id comes back to it.
// A walk longer than the number of nodes is in a loop above id, not
// through it (no set of seen ids: this runs once per item).
func archLoops(nodes map[int64]*ArchNode, id int64) bool {
	cur := id
	for range len(nodes) + 1 {
		n, ok := nodes[cur]
		if !ok || n.Item.ParentID == nil {
			return false
		}
		cur = *n.Item.ParentID
		if cur == id {
			return true
		}
	}
	return false
}

// ArchTreeOrder lists items depth-first in hierarchy order (the order of
// ArchTree), each parent before what sits in it.
func ArchTreeOrder(items []ArchItem) []ArchItem {
	out := make([]ArchItem, 0, len(items))
	var walk func(ns []*ArchNode)
	walk = func(ns []*ArchNode) {
		for _, n := range ns {
			out = append(out, n.Item)
			walk(n.Children)
		}
	}
	walk(ArchTree(items))
	return out
}

// ArchSubtree returns the ids of the item rootID and everything that sits
// in it, directly or not.
func ArchSubtree(items []ArchItem, rootID int64) map[int64]bool {
	children := map[int64][]int64{}
	for _, it := range items {
		if it.ParentID != nil {
			children[*it.ParentID] = append(children[*it.ParentID], it.ID)
		}
	}
	in := map[int64]bool{}
	stack := []int64{rootID}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if in[id] {
			continue
		}
		in[id] = true
		stack = append(stack, children[id]...)
	}
	return in
}

// ArchAncestors returns the items above id, nearest first.
func ArchAncestors(items []ArchItem, id int64) []ArchItem {
	byID := make(map[int64]*ArchItem, len(items))
	for i := range items {
		byID[items[i].ID] = &items[i]
	}
	var out []ArchItem
	seen := map[int64]bool{id: true}
	it, ok := byID[id]
	for ok && it.ParentID != nil && !seen[*it.ParentID] {
		seen[*it.ParentID] = true
		if it, ok = byID[*it.ParentID]; ok {
			out = append(out, *it)
		}
	}
	return out
}

// ItemKind is the C4 level of an architecture item.
type ItemKind string

// Item kinds.
const (
	ItemSystem    ItemKind = "system"
	ItemContainer ItemKind = "container"
	ItemComponent ItemKind = "component"
	ItemExternal  ItemKind = "external"
)

// ItemKinds lists the kinds in C4 order.
var ItemKinds = []ItemKind{ItemSystem, ItemContainer, ItemComponent, ItemExternal}

// Health is how an architecture item is doing.
type Health string

// Health states.
const (
	HealthHealthy  Health = "healthy"
	HealthStrained Health = "strained"
	HealthAtRisk   Health = "at_risk"
)

// Healths lists the states from best to worst.
var Healths = []Health{HealthHealthy, HealthStrained, HealthAtRisk}

// ArchItem is a C4-style architecture item.
type ArchItem struct {
	// Comments counts the comments on it, where a list loads them (0 otherwise).
	Comments    int
	ID          int64
	WorkspaceID int64
	Kind        ItemKind
	Name        string
	ParentID    *int64
	ParentName  string
	Technology  string
	OwnerTeam   string
	Health      Health
	Description string // markdown
	TechDebt    string // markdown
	ReviewedAt  time.Time
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ArchRelation is a labelled arrow between two items.
type ArchRelation struct {
	ID          int64
	WorkspaceID int64
	SourceID    int64
	SourceName  string
	TargetID    int64
	TargetName  string
	Label       string
	Technology  string
	Version     int
}

// NFRCategories are the categories of the NFR register.
var NFRCategories = []string{"scalability", "availability", "resilience", "performance", "cost",
	"security", "maintainability", "observability", "compliance"}

// ConcernStatuses are the states of a concern.
var ConcernStatuses = []string{"open", "met", "at_risk", "violated"}

// ArchItemDraft is an architecture item form as typed.
type ArchItemDraft struct {
	Kind, Name, Technology, OwnerTeam, Health, Description, TechDebt string
	ParentID                                                         string // an item's id, or empty
}

// Parse reads and checks the draft for item id (0 for a new one) among the
// workspace's items: the parent must be one of them, one level up, and
// not the item itself or below it.
func (d ArchItemDraft) Parse(items []ArchItem, id int64) (ArchItem, Problems) {
	it := ArchItem{ID: id, Kind: ItemKind(d.Kind), Name: d.Name, Technology: d.Technology, OwnerTeam: d.OwnerTeam,
		Health: Health(d.Health), Description: d.Description, TechDebt: d.TechDebt}
	p := CheckArchItem(&it)
	if d.ParentID == "" {
		return it, p
	}
	pid, err := ParseIDValue(d.ParentID)
	if err != nil || pid < 1 {
		p.Add("parent_id", "Choose one of the options.")
		return it, p
	}
	it.ParentID = &pid
	var parent *ArchItem
	for i := range items {
		if items[i].ID == pid {
			parent = &items[i]
		}
	}
	if parent == nil {
		p.Add("parent_id", "Choose one of this workspace's systems or containers.")
		return it, p
	}
	var above []int64
	for _, a := range ArchAncestors(items, pid) {
		above = append(above, a.ID)
	}
	if it.Kind.Valid() {
		for k, v := range CheckArchParent(&it, parent, above) {
			p.Add(k, v)
		}
	}
	return it, p
}
