package sightline

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The side-by-side review (DESIGN.md §2 idea 10): the selection it shows,
// the caps that keep it readable at any size, the risks it calls out and
// the record of a review meeting.
//
// The selection. Epics are selected by a window of target quarters (by
// default the current quarter and the next three), an initiative, a kind,
// a status (by default every status but dropped), an NFR category (epics
// with an impact of that category; impact levels then count only impacts
// of that category) and an architecture subtree (?root=: the items in that
// subtree, and the epics linked to at least one of them). The items in
// scope are the whole architecture, or the root's subtree.
//
// The risks, each computed over the same selection:
//   - Heavy load: an item in scope touched by ReviewHeavyLoad or more
//     selected epics.
//   - Undecided impacts: a high or blocking NFR impact (of the category, when
//     one is chosen) of a selected epic, where no ACCEPTED decision is
//     linked to that epic.
//   - Unestimated: selected epics not done or dropped that have no estimate.
//   - Committed without estimate: epics anywhere in the workspace with a
//     committed date and no estimate; the database forbids it (idea 5), so
//     the count is expected to be 0 and is shown to prove it.
//   - Stale: items in scope and selected epics whose reviewed_at is older
//     than ReviewStaleAfter.
//   - Enablers nothing depends on: a selected enabler is depended on when a
//     product epic of the window (any initiative, not dropped) links, in any
//     way, to an item the enabler creates, changes, extends or retires. An
//     enabler with no such item — no links, or only "depends on" links — or
//     whose items no product epic of the window touches, is called out: the
//     architecture does not show what it enables in this window.
//
// Marking reviewed resets staleness of what the review looked at: the
// selected epics, and the items the matrix shows (items in scope touched by
// a selected epic) — plus, for a subtree review, every item of the subtree.
// Neither the epics' nor the items' version changes: a review is not an
// edit, so nobody's open form becomes stale.

// Review caps and thresholds.
const (
	ReviewWindowQuarters = 4   // the default window: this quarter and the next three
	MaxReviewQuarters    = 12  // the widest window
	ReviewCardsPerCell   = 6   // roadmap cards per initiative × quarter cell, at most
	ReviewCardBudget     = 240 // roadmap cards in all: with more cells, fewer per cell…
	ReviewCellMin        = 2   // …but never fewer than this
	ReviewMatrixColumns  = 40  // items in the matrix, the most touched first
	ReviewMatrixPerPage  = 50  // matrix rows (epics) per page
	ReviewTreeExpanded   = 80  // above this many items in scope, components fold into their container
	ReviewHeavyLoad      = 3   // epics in the window that make an item "heavily loaded"
	ReviewCalloutTop     = 10  // rows listed per call-out
	MaxReviewAttendees   = 1000
	MaxReviewNotes       = 10000
	MaxReviewScope       = 2000
)

// ReviewStaleAfter is how long an epic or item may go without being
// reviewed before it is called out as stale.
const ReviewStaleAfter = ArchStaleAfter

// DefaultReviewWindow is the current quarter and the next three.
func DefaultReviewWindow(today time.Time) TimelineWindow {
	q := QuarterAt(today)
	return TimelineWindow{From: q, To: q.Add(ReviewWindowQuarters - 1)}
}

// ParseReviewWindow reads ?from= and ?to=. Nothing is refused: a value that
// is not a quarter falls back to the default window, a lone end keeps the
// default length, a reversed range is swapped and a range longer than
// MaxReviewQuarters is cut from its start. The notes say what was changed.
func ParseReviewWindow(from, to string, today time.Time) (TimelineWindow, []string) {
	def := DefaultReviewWindow(today)
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	f, fok := ParseQuarter(from)
	t, tok := ParseQuarter(to)
	var notes []string
	for _, bad := range []struct {
		raw string
		ok  bool
	}{{from, fok}, {to, tok}} {
		if bad.raw != "" && !bad.ok {
			notes = append(notes, fmt.Sprintf("“%s” is not a quarter (write it like 2027-Q1); showing the default window.", reviewCut(bad.raw, 20)))
		}
	}
	if len(notes) > 0 {
		return def, notes
	}
	w := def
	switch {
	case fok && tok:
		w = TimelineWindow{From: f, To: t}
	case fok:
		w = TimelineWindow{From: f, To: f.Add(ReviewWindowQuarters - 1)}
	case tok:
		w = TimelineWindow{From: t.Add(1 - ReviewWindowQuarters), To: t}
	}
	if w.To.Before(w.From) {
		w.From, w.To = w.To, w.From
		notes = append(notes, "The first quarter came after the last; the two were swapped.")
	}
	if w.Len() > MaxReviewQuarters {
		w.To = w.From.Add(MaxReviewQuarters - 1)
		notes = append(notes, fmt.Sprintf("A review covers at most %d quarters: showing %s to %s.", MaxReviewQuarters, w.From, w.To))
	}
	return w, notes
}

// ReviewScope is what a review looks at: which epics and which items.
type ReviewScope struct {
	Window       TimelineWindow
	InitiativeID int64 // 0: any
	Kind         EpicKind
	Status       EpicStatus // "": any status but dropped
	Category     string     // NFR category, "": any
	RootID       int64      // architecture subtree, 0: everything
}

// Quarters lists the window's quarters as "2027-Q1" strings.
func (s ReviewScope) Quarters() []string {
	var out []string
	for _, q := range s.Window.Quarters() {
		out = append(out, q.String())
	}
	return out
}

// ReviewFilter is the review page's whole URL: the scope, what is selected
// (highlighted) and the matrix page.
type ReviewFilter struct {
	ReviewScope
	EpicID int64 // ?epic=: highlight the items this epic affects
	ItemID int64 // ?item=: highlight the epics that touch this item
	Page   int   // matrix page, 1-based
}

// ParseReviewFilter reads the review's query parameters. Unknown values are
// dropped (with a note when the user would otherwise not understand what
// they see), never refused: the page always renders.
func ParseReviewFilter(q url.Values, today time.Time) (ReviewFilter, []string) {
	var f ReviewFilter
	var notes []string
	f.Window, notes = ParseReviewWindow(q.Get("from"), q.Get("to"), today)
	id := func(name, what string) int64 {
		raw := strings.TrimSpace(q.Get(name))
		if raw == "" {
			return 0
		}
		n, err := ParseIDValue(raw)
		if err != nil || n < 1 {
			notes = append(notes, fmt.Sprintf("“%s” is not %s; it was ignored.", reviewCut(raw, 20), what))
			return 0
		}
		return n
	}
	f.InitiativeID = id("initiative", "an initiative")
	f.RootID = id("root", "an architecture item")
	f.EpicID = id("epic", "an epic")
	f.ItemID = id("item", "an architecture item")
	if k := EpicKind(q.Get("kind")); k.Valid() {
		f.Kind = k
	} else if q.Get("kind") != "" {
		notes = append(notes, "Unknown epic kind; showing both kinds.")
	}
	if s := EpicStatus(q.Get("status")); s.Valid() {
		f.Status = s
	} else if q.Get("status") != "" {
		notes = append(notes, "Unknown status; showing every status but dropped.")
	}
	if c := q.Get("category"); ValidNFRCategory(c) {
		f.Category = c
	} else if c != "" {
		notes = append(notes, "Unknown NFR category; showing every category.")
	}
	if p, err := Atoi(q.Get("page")); err == nil && p > 1 && p <= 100000 {
		f.Page = p
	} else {
		f.Page = 1
	}
	return f, notes
}

// Values is the filter as query parameters (the window always spelled out,
// so a shared link shows the same quarters next quarter too).
func (f ReviewFilter) Values() url.Values {
	v := url.Values{}
	v.Set("from", f.Window.From.String())
	v.Set("to", f.Window.To.String())
	set := func(name string, n int64) {
		if n > 0 {
			v.Set(name, strconv.FormatInt(n, 10))
		}
	}
	set("initiative", f.InitiativeID)
	if f.Kind != "" {
		v.Set("kind", string(f.Kind))
	}
	if f.Status != "" {
		v.Set("status", string(f.Status))
	}
	if f.Category != "" {
		v.Set("category", f.Category)
	}
	set("root", f.RootID)
	set("epic", f.EpicID)
	set("item", f.ItemID)
	if f.Page > 1 {
		v.Set("page", strconv.Itoa(f.Page))
	}
	return v
}

// DescribeReviewScope says in words what a review looked at, for the
// reviews table and the activity feed; initiative and root are the names
// behind the ids ("" when not chosen).
func DescribeReviewScope(s ReviewScope, initiative, root string) string {
	parts := []string{fmt.Sprintf("%s to %s", s.Window.From, s.Window.To)}
	if s.InitiativeID != 0 {
		parts = append(parts, "initiative “"+initiative+"”")
	}
	if s.Kind != "" {
		parts = append(parts, strings.ToLower(s.Kind.Label())+" epics")
	}
	if s.Status != "" {
		parts = append(parts, "status "+strings.ToLower(s.Status.Label()))
	}
	if s.Category != "" {
		parts = append(parts, s.Category+" impacts")
	}
	if s.RootID != 0 {
		parts = append(parts, "architecture under “"+root+"”")
	}
	return reviewCut(strings.Join(parts, ", "), MaxReviewScope)
}

// Review is the record of a review meeting.
type Review struct {
	ID            int64
	WorkspaceID   int64
	HeldOn        time.Time
	Attendees     string
	Notes         string // markdown
	Scope         string
	EpicCount     int
	ItemCount     int
	CreatedByName string
	CreatedAt     time.Time
}

// CheckReview checks a review record: a date that is not in the future,
// who attended, and the limits. held is the date as typed ("" when blank);
// on success r.HeldOn is set from it.
func CheckReview(r *Review, held string, today time.Time) Problems {
	p := Problems{}
	switch d, err := time.Parse("2006-01-02", strings.TrimSpace(held)); {
	case strings.TrimSpace(held) == "":
		p.Add("held_on", "Say when the review was held.")
	case err != nil:
		p.Add("held_on", "Use a date like 2027-01-31.")
	case d.After(time.Date(today.Year(), today.Month(), today.Day()+1, 0, 0, 0, 0, time.UTC)):
		// A day of slack: "today" where the user sits may be tomorrow in UTC.
		p.Add("held_on", "A review is recorded once it has happened: use today or an earlier date.")
	default:
		r.HeldOn = d
	}
	CheckText(p, "attendees", r.Attendees, true, MaxReviewAttendees)
	CheckText(p, "notes", r.Notes, false, MaxReviewNotes)
	return p
}

// ReviewCard is an epic on the review's roadmap and a row of its matrix.
type ReviewCard struct {
	ID              int64
	Title           string
	Kind            EpicKind
	Status          EpicStatus
	Quarter         string
	InitiativeID    int64 // 0: no initiative
	InitiativeTitle string
	CommittedOn     *time.Time
	Estimate        string
	Confidence      string // committed, planned, exploring (EpicConfidence)
	Level           string // highest NFR impact level, "" for none
	Highlight       bool   // touches the selected item
	CellTotal       int    // epics in its initiative × quarter cell, shown or not
}

// ReviewCell is one initiative × quarter cell of the roadmap.
type ReviewCell struct {
	Quarter string
	Cards   []ReviewCard
	Total   int // Cards shown plus those behind "+N more"
}

// More is how many epics of the cell are not shown.
func (c ReviewCell) More() int { return c.Total - len(c.Cards) }

// ReviewLane is one initiative's row of the roadmap.
type ReviewLane struct {
	InitiativeID int64 // 0: no initiative
	Title        string
	Cells        []ReviewCell // one per quarter of the window
	Total        int
}

// ReviewLanes arranges the roadmap: a lane per initiative that has epics
// in the window (by title, "No initiative" last), a cell per quarter. cards
// carry their cell's total.
func ReviewLanes(quarters []string, cards []ReviewCard) []ReviewLane {
	byLane := map[int64]*ReviewLane{}
	var order []*ReviewLane
	col := map[string]int{}
	for i, q := range quarters {
		col[q] = i
	}
	for _, c := range cards {
		i, ok := col[c.Quarter]
		if !ok {
			continue
		}
		l := byLane[c.InitiativeID]
		if l == nil {
			l = &ReviewLane{InitiativeID: c.InitiativeID, Title: c.InitiativeTitle, Cells: make([]ReviewCell, len(quarters))}
			if c.InitiativeID == 0 {
				l.Title = "No initiative"
			}
			for j, q := range quarters {
				l.Cells[j].Quarter = q
			}
			byLane[c.InitiativeID] = l
			order = append(order, l)
		}
		cell := &l.Cells[i]
		if cell.Total == 0 {
			cell.Total = c.CellTotal
			l.Total += c.CellTotal
		}
		cell.Cards = append(cell.Cards, c)
	}
	slices.SortStableFunc(order, func(a, b *ReviewLane) int {
		if (a.InitiativeID == 0) != (b.InitiativeID == 0) {
			if a.InitiativeID == 0 {
				return 1
			}
			return -1
		}
		return strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
	})
	out := make([]ReviewLane, len(order))
	for i, l := range order {
		out[i] = *l
	}
	return out
}

// ReviewItem is an architecture item with its heat in the selection.
type ReviewItem struct {
	ID               int64
	Kind             ItemKind
	Name             string
	ParentID         *int64
	ParentName       string
	Health           Health
	ReviewedAt       time.Time
	Epics            int    // selected epics that touch it
	Level            string // highest NFR impact level among them, "" for none
	OpenConcerns     int    // concerns attached to it that are not met
	ViolatedConcerns int
}

// Stale reports whether the item was not reviewed for ReviewStaleAfter.
func (it ReviewItem) Stale(now time.Time) bool {
	return !it.ReviewedAt.IsZero() && now.Sub(it.ReviewedAt) > ReviewStaleAfter
}

// ReviewNode is an item in the review's hierarchy. When the scope is large,
// a container's components are folded: Children is empty and Folded
// counts them, FoldedTouched how many a selected epic touches and
// FoldedLevel the highest impact level among those epics.
type ReviewNode struct {
	Item          ReviewItem
	Children      []*ReviewNode
	Folded        int
	FoldedTouched int
	FoldedEpics   int
	FoldedLevel   string
}

// ReviewTree arranges the items in scope in their C4 hierarchy (the order
// of ArchTree). Above ReviewTreeExpanded items, components fold into their
// container, unless keep names one of them (a selected item stays visible).
func ReviewTree(items []ReviewItem, keep map[int64]bool) []*ReviewNode {
	arch := make([]ArchItem, len(items))
	byID := make(map[int64]ReviewItem, len(items))
	for i, it := range items {
		arch[i] = ArchItem{ID: it.ID, Kind: it.Kind, Name: it.Name, ParentID: it.ParentID}
		byID[it.ID] = it
	}
	fold := len(items) > ReviewTreeExpanded
	var walk func(ns []*ArchNode) []*ReviewNode
	walk = func(ns []*ArchNode) []*ReviewNode {
		out := make([]*ReviewNode, 0, len(ns))
		for _, n := range ns {
			rn := &ReviewNode{Item: byID[n.Item.ID]}
			if fold && n.Item.Kind == ItemContainer && !reviewKeeps(n.Children, keep) {
				for _, c := range n.Children {
					ci := byID[c.Item.ID]
					rn.Folded++
					if ci.Epics > 0 {
						rn.FoldedTouched++
						rn.FoldedEpics += ci.Epics
					}
					if ImpactRank(ci.Level) > ImpactRank(rn.FoldedLevel) {
						rn.FoldedLevel = ci.Level
					}
				}
			} else {
				rn.Children = walk(n.Children)
			}
			out = append(out, rn)
		}
		return out
	}
	return walk(ArchTree(arch))
}

func reviewKeeps(ns []*ArchNode, keep map[int64]bool) bool {
	for _, n := range ns {
		if keep[n.Item.ID] {
			return true
		}
	}
	return false
}

// MatrixColumns picks the matrix's columns: the items a selected epic
// touches, the most touched first (ties by name), at most
// ReviewMatrixColumns; items named in keep (the selection) always make it.
// The columns come back in hierarchy order, as the tree lists them.
func MatrixColumns(ordered []ReviewItem, keep map[int64]bool) (cols []ReviewItem, touched int) {
	// Sort positions in ordered, names lowered once: 2,000 items in scope
	// cost neither a copy of an item nor a lowered name per comparison.
	var cand []int
	lower := make(map[int]string)
	for i := range ordered {
		it := &ordered[i]
		if it.Epics > 0 || keep[it.ID] {
			cand = append(cand, i)
			lower[i] = strings.ToLower(it.Name)
		}
		if it.Epics > 0 {
			touched++
		}
	}
	slices.SortStableFunc(cand, func(ia, ib int) int {
		a, b := &ordered[ia], &ordered[ib]
		if ka, kb := keep[a.ID], keep[b.ID]; ka != kb {
			if ka {
				return -1
			}
			return 1
		}
		if a.Epics != b.Epics {
			return b.Epics - a.Epics
		}
		return strings.Compare(lower[ia], lower[ib])
	})
	if len(cand) > ReviewMatrixColumns {
		cand = cand[:ReviewMatrixColumns]
	}
	slices.Sort(cand) // back in the order of ordered
	cols = make([]ReviewItem, len(cand))
	for i, at := range cand {
		cols[i] = ordered[at]
	}
	return cols, touched
}

// ReviewMatrixRow is an epic of the matrix with how it affects each item
// (item id → change kind) and its highest NFR impact level.
type ReviewMatrixRow struct {
	Epic    ReviewCard
	Changes map[int64]string
}

// ReviewMatrixPage is one page of the matrix's rows.
type ReviewMatrixPage struct {
	Rows  []ReviewMatrixRow
	Total int // epics in the selection that touch an item in scope
	Page  int // the page shown (clamped to the last)
}

// Pages is how many pages the rows fill.
func (m ReviewMatrixPage) Pages() int {
	if m.Total == 0 {
		return 1
	}
	return (m.Total + ReviewMatrixPerPage - 1) / ReviewMatrixPerPage
}

// ChangeCode is a change kind's short code in the matrix.
func ChangeCode(kind string) string {
	switch kind {
	case "new":
		return "NEW"
	case "change":
		return "CHG"
	case "extend":
		return "EXT"
	case "retire":
		return "RET"
	case "depends_on":
		return "DEP"
	}
	return "?"
}

// LevelCode is an impact level's one-letter code: L, M, H, B ("" for none).
func LevelCode(level string) string {
	if level == "" {
		return ""
	}
	return strings.ToUpper(level[:1])
}

// LevelOfRank is the impact level of a rank (1 low … 4 blocking), "" for 0.
func LevelOfRank(rank int) string {
	if rank < 1 || rank > len(ImpactLevels) {
		return ""
	}
	return ImpactLevels[rank-1]
}

// ReviewRisk is one row of a call-out.
type ReviewRisk struct {
	ID      int64  // the epic's or item's id
	Label   string // its title or name
	Detail  string // e.g. the NFR category, the quarter, the item kind
	Count   int    // e.g. epics touching an item
	Level   string // an impact level, where it applies
	Quarter string
	At      *time.Time // e.g. when it was last reviewed
}

// RiskList is a call-out: how many, and the first ReviewCalloutTop.
type RiskList struct {
	Total int
	Top   []ReviewRisk
}

// ReviewRisks are what a review needs to spot (see the top of this file).
type ReviewRisks struct {
	HeavyItems           RiskList // items (Count: epics, Level: highest impact)
	UndecidedImpacts     RiskList // impacts (ID: epic, Detail: category, Level)
	Unestimated          RiskList // epics in the selection
	CommittedUnestimated RiskList // epics anywhere (expected empty)
	StaleItems           RiskList // items (At: reviewed_at, Detail: kind)
	StaleEpics           RiskList // epics (At: reviewed_at)
	LonelyEnablers       RiskList // enablers (Quarter)
}

// ReviewSelection is what ?epic= and ?item= select: the epic and the items
// it affects, the item and the epics that touch it. Missing is set when an
// id names nothing in the workspace.
type ReviewSelection struct {
	EpicID      int64
	EpicTitle   string
	EpicItems   map[int64]bool
	EpicMissing bool
	ItemID      int64
	ItemName    string
	ItemEpics   map[int64]bool
	ItemMissing bool
}

// ReviewContext is what the review's filters and headings need: the
// initiatives, the items a subtree can start from (systems and containers),
// the roadmap items overlapping the window, and the last review held.
type ReviewContext struct {
	Initiatives  []Choice
	Roots        []ArchItem
	Root         *ArchItem // the subtree's root, when ?root= names an item of the workspace
	RoadmapItems []RoadmapItem
	LastReview   *Review
	// FirstQuarter and LastQuarter bound the target quarters in use ("" when none).
	FirstQuarter, LastQuarter string
}

// ReviewCSVRow is one epic × item cell of the matrix export.
type ReviewCSVRow struct {
	EpicID     int64
	EpicTitle  string
	EpicKind   EpicKind
	EpicStatus EpicStatus
	Quarter    string
	ItemID     int64
	ItemName   string
	ItemKind   ItemKind
	ChangeKind string
	Level      string
}

// CSVSafe defuses a spreadsheet formula: a cell starting with = + - @ (or a
// tab or carriage return, which some spreadsheets skip before one) is
// prefixed with a single quote so it is read as text.
func CSVSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func reviewCut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
