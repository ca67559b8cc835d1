package sightline_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/sightline"
)

var rvToday = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

func TestParseReviewWindow(t *testing.T) {
	for _, c := range []struct {
		from, to       string
		wantFrom, want string
		notes          int
	}{
		{"", "", "2026-Q4", "2027-Q3", 0},
		{"2027-Q1", "2027-Q2", "2027-Q1", "2027-Q2", 0},
		{"2027-q1", "", "2027-Q1", "2027-Q4", 0},
		{"", "2027-Q1", "2026-Q2", "2027-Q1", 0},
		{"2027-Q4", "2027-Q1", "2027-Q1", "2027-Q4", 1},
		{"2020-Q1", "2030-Q4", "2020-Q1", "2022-Q4", 1},
		{"nonsense", "2027-Q1", "2026-Q4", "2027-Q3", 1},
		{"2027-Q5", "2027-Q0", "2026-Q4", "2027-Q3", 2},
	} {
		w, notes := sightline.ParseReviewWindow(c.from, c.to, rvToday)
		if w.From.String() != c.wantFrom || w.To.String() != c.want || len(notes) != c.notes {
			t.Errorf("%q..%q: %s..%s, notes %q", c.from, c.to, w.From, w.To, notes)
		}
	}
}

func TestParseReviewFilterRoundTrips(t *testing.T) {
	q, _ := url.ParseQuery("from=2027-Q1&to=2027-Q2&initiative=4&kind=enabler&status=idea&category=cost&root=9&epic=3&item=5&page=2")
	f, notes := sightline.ParseReviewFilter(q, rvToday)
	if len(notes) != 0 {
		t.Fatalf("notes %v", notes)
	}
	if f.InitiativeID != 4 || f.Kind != sightline.KindEnabler || f.Status != sightline.StatusIdea || f.Category != "cost" ||
		f.RootID != 9 || f.EpicID != 3 || f.ItemID != 5 || f.Page != 2 {
		t.Fatalf("parsed %+v", f)
	}
	if got := f.Values().Encode(); got != q.Encode() {
		t.Errorf("round trip %q, want %q", got, q.Encode())
	}
	if got := f.Quarters(); !slices.Equal(got, []string{"2027-Q1", "2027-Q2"}) {
		t.Errorf("quarters %v", got)
	}
	// Unknown values are dropped with a note, never refused.
	q, _ = url.ParseQuery("kind=robot&status=zzz&category=vibes&epic=abc&item=-1&page=-4&root=x")
	f, notes = sightline.ParseReviewFilter(q, rvToday)
	if f.Kind != "" || f.Status != "" || f.Category != "" || f.EpicID != 0 || f.ItemID != 0 || f.Page != 1 || f.RootID != 0 || len(notes) != 6 {
		t.Errorf("parsed %+v notes %v", f, notes)
	}
}

func TestCheckReview(t *testing.T) {
	r := sightline.Review{Attendees: "Priya, Arjun"}
	if p := sightline.CheckReview(&r, "2026-11-20", rvToday); len(p) != 0 || r.HeldOn.Format("2006-01-02") != "2026-11-20" {
		t.Fatalf("valid review: %v %v", p, r.HeldOn)
	}
	// A day of slack for time zones ahead of UTC.
	if p := sightline.CheckReview(&sightline.Review{Attendees: "A"}, "2026-11-22", rvToday); len(p) != 0 {
		t.Errorf("tomorrow in UTC refused: %v", p)
	}
	for _, c := range []struct {
		held, attendees, notes, field string
	}{
		{"", "A", "", "held_on"},
		{"21/11/2026", "A", "", "held_on"},
		{"2026-12-01", "A", "", "held_on"},
		{"2026-11-20", "  ", "", "attendees"},
		{"2026-11-20", strings.Repeat("a", sightline.MaxReviewAttendees+1), "", "attendees"},
		{"2026-11-20", "A", strings.Repeat("n", sightline.MaxReviewNotes+1), "notes"},
	} {
		p := sightline.CheckReview(&sightline.Review{Attendees: c.attendees, Notes: c.notes}, c.held, rvToday)
		if p[c.field] == "" || len(p) != 1 {
			t.Errorf("%+v: problems %v", c, p)
		}
	}
}

func TestReviewLanes(t *testing.T) {
	cards := []sightline.ReviewCard{
		{ID: 1, Quarter: "2027-Q1", InitiativeID: 0, CellTotal: 1},
		{ID: 2, Quarter: "2027-Q1", InitiativeID: 7, InitiativeTitle: "Zeta", CellTotal: 9},
		{ID: 3, Quarter: "2027-Q1", InitiativeID: 7, InitiativeTitle: "Zeta", CellTotal: 9},
		{ID: 4, Quarter: "2027-Q2", InitiativeID: 5, InitiativeTitle: "alpha", CellTotal: 1},
		{ID: 5, Quarter: "2030-Q1", InitiativeID: 5, InitiativeTitle: "alpha", CellTotal: 1}, // outside the window
	}
	lanes := sightline.ReviewLanes([]string{"2027-Q1", "2027-Q2"}, cards)
	if len(lanes) != 3 || lanes[0].Title != "alpha" || lanes[1].Title != "Zeta" || lanes[2].Title != "No initiative" {
		t.Fatalf("lanes %+v", lanes)
	}
	z := lanes[1]
	if z.Total != 9 || len(z.Cells[0].Cards) != 2 || z.Cells[0].More() != 7 || z.Cells[1].Total != 0 {
		t.Errorf("Zeta lane %+v", z)
	}
}

func TestMatrixColumnsCapsAndKeepsTheSelection(t *testing.T) {
	var items []sightline.ReviewItem
	for i := 1; i <= 60; i++ {
		items = append(items, sightline.ReviewItem{ID: int64(i), Name: "item", Epics: i % 7})
	}
	cols, touched := sightline.MatrixColumns(items, map[int64]bool{7: true, 14: true})
	if len(cols) != sightline.ReviewMatrixColumns {
		t.Fatalf("%d columns", len(cols))
	}
	if touched != 52 { // 60 minus the 8 multiples of 7
		t.Errorf("touched %d", touched)
	}
	var ids []int64
	for _, c := range cols {
		ids = append(ids, c.ID)
		if c.Epics == 0 && c.ID != 7 && c.ID != 14 {
			t.Errorf("untouched item %d is a column", c.ID)
		}
	}
	if !slices.Contains(ids, 7) || !slices.Contains(ids, 14) {
		t.Error("the selected items are not columns")
	}
	if !slices.IsSorted(ids) {
		t.Errorf("columns not in the tree's order: %v", ids)
	}
	if slices.Contains(ids, 1) && !slices.Contains(ids, 6) {
		t.Error("a less touched item beat a more touched one")
	}
}

func TestReviewTreeFoldsComponentsAtScale(t *testing.T) {
	sys := int64(1)
	items := []sightline.ReviewItem{{ID: sys, Kind: sightline.ItemSystem, Name: "S"}}
	for c := int64(0); c < 10; c++ {
		cid := 100 + c
		items = append(items, sightline.ReviewItem{ID: cid, Kind: sightline.ItemContainer, Name: "C", ParentID: &sys})
		for k := int64(0); k < 9; k++ {
			parent := cid
			items = append(items, sightline.ReviewItem{ID: 1000 + c*10 + k, Kind: sightline.ItemComponent, Name: "K", ParentID: &parent, Epics: int(k % 2), Level: "high"})
		}
	}
	keep := map[int64]bool{1005: true}
	tree := sightline.ReviewTree(items, keep)
	if len(tree) != 1 || len(tree[0].Children) != 10 {
		t.Fatalf("tree %+v", tree)
	}
	for _, c := range tree[0].Children {
		if c.Item.ID == 100 {
			if len(c.Children) != 9 || c.Folded != 0 {
				t.Errorf("the container of a selected component folded")
			}
			continue
		}
		if len(c.Children) != 0 || c.Folded != 9 || c.FoldedTouched != 4 || c.FoldedLevel != "high" {
			t.Errorf("container %d: %d children, folded %d touched %d level %q", c.Item.ID, len(c.Children), c.Folded, c.FoldedTouched, c.FoldedLevel)
		}
	}
	// Below the threshold nothing folds.
	small := sightline.ReviewTree(items[:20], nil)
	if len(small[0].Children[0].Children) != 9 {
		t.Error("a small tree folded")
	}
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "\t=x": "'\t=x",
		"Billing": "Billing", "": "", "a=b": "a=b",
	} {
		if got := sightline.CSVSafe(in); got != want {
			t.Errorf("CSVSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDescribeReviewScope(t *testing.T) {
	w, _ := sightline.ParseReviewWindow("2027-Q1", "2027-Q2", rvToday)
	s := sightline.ReviewScope{Window: w, InitiativeID: 3, Kind: sightline.KindEnabler, Category: "cost", RootID: 9}
	if got := sightline.DescribeReviewScope(s, "Billing", "Task API"); got != "2027-Q1 to 2027-Q2, initiative “Billing”, enabler epics, cost impacts, architecture under “Task API”" {
		t.Errorf("scope %q", got)
	}
}

func TestLevelAndChangeCodes(t *testing.T) {
	if sightline.LevelOfRank(4) != "blocking" || sightline.LevelOfRank(0) != "" || sightline.LevelOfRank(9) != "" {
		t.Error("LevelOfRank")
	}
	if sightline.LevelCode("high") != "H" || sightline.LevelCode("") != "" {
		t.Error("LevelCode")
	}
	seen := map[string]bool{}
	for _, k := range sightline.ChangeKinds {
		c := sightline.ChangeCode(k)
		if len(c) != 3 || seen[c] {
			t.Errorf("change code %q for %s", c, k)
		}
		seen[c] = true
	}
}
