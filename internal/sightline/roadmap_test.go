package sightline_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/sightline"
)

func TestParseTimelineWindow(t *testing.T) {
	today := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		from, to     string
		want         string
		noteContains string
	}{
		{"", "", "2026-Q2 2028-Q1", ""},
		{"2027-Q1", "2027-Q4", "2027-Q1 2027-Q4", ""},
		{" 2027-q1 ", "", "2027-Q1 2028-Q4", ""},
		{"", "2027-Q4", "2026-Q1 2027-Q4", ""},
		{"2027-Q4", "2027-Q1", "2027-Q1 2027-Q4", "swapped"},
		{"2026-Q1", "2031-Q4", "2026-Q1 2028-Q4", "at most 12 quarters"},
		{"2027-Q3", "2027-Q3", "2027-Q3 2027-Q3", ""},
		{"soon", "", "2026-Q2 2028-Q1", "not a quarter"},
		{"2027-Q1", "2027-Q5", "2026-Q2 2028-Q1", "not a quarter"},
		{"0000-Q1", "", "2026-Q2 2028-Q1", "not a quarter"},
		{strings.Repeat("x", 500), "", "2026-Q2 2028-Q1", "…"},
		{"", "0001-Q1", "2026-Q2 2028-Q1", "years 1900 to 9999"},
		{"9999-Q4", "", "2026-Q2 2028-Q1", "years 1900 to 9999"},
		{"1899-Q4", "1900-Q2", "2026-Q2 2028-Q1", "years 1900 to 9999"},
		{"9999-Q1", "9999-Q4", "9999-Q1 9999-Q4", ""},
	} {
		w, note := sightline.ParseTimelineWindow(c.from, c.to, today)
		if got := w.From.String() + " " + w.To.String(); got != c.want {
			t.Errorf("(%q, %q): window %s, want %s", c.from, c.to, got, c.want)
		}
		if (c.noteContains == "") != (note == "") || !strings.Contains(note, c.noteContains) {
			t.Errorf("(%q, %q): note %q, want one containing %q", c.from, c.to, note, c.noteContains)
		}
		if w.Len() > sightline.MaxTimelineQuarters || w.Len() < 1 || len(w.Quarters()) != w.Len() {
			t.Errorf("(%q, %q): %d quarters", c.from, c.to, w.Len())
		}
	}
}

func TestQuarters(t *testing.T) {
	q, ok := sightline.ParseQuarter("2026-Q4")
	if !ok || q.Add(1).String() != "2027-Q1" || q.Add(-4).String() != "2025-Q4" || q.Add(5).Sub(q) != 5 {
		t.Fatalf("quarter arithmetic: %v", q)
	}
	if !q.Start().Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)) || !q.End().Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("bounds %v %v", q.Start(), q.End())
	}
	if q.Months() != "Oct–Dec" || sightline.QuarterAt(time.Date(2027, 3, 31, 23, 0, 0, 0, time.UTC)).String() != "2027-Q1" {
		t.Error("months or QuarterAt")
	}
}

func TestEpicSpanAndConfidence(t *testing.T) {
	feb := time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		target    string
		committed *time.Time
		want      string
	}{
		{"2027-Q1", nil, "2027-Q1 2027-Q1"},
		{"2026-Q4", &feb, "2026-Q4 2027-Q1"},
		{"2027-Q3", &feb, "2027-Q1 2027-Q3"},
		{"", &feb, "2027-Q1 2027-Q1"},
		{"", nil, "-"},
	} {
		s, e, ok := sightline.EpicSpan(c.target, c.committed)
		got := "-"
		if ok {
			got = s.String() + " " + e.String()
		}
		if got != c.want {
			t.Errorf("EpicSpan(%q, %v) = %s, want %s", c.target, c.committed, got, c.want)
		}
	}
	if sightline.EpicConfidence(true, "exploring") != "committed" || sightline.EpicConfidence(false, "exploring", "planned") != "planned" ||
		sightline.EpicConfidence(false) != "exploring" || sightline.EpicConfidence(false, "committed") != "committed" {
		t.Error("EpicConfidence")
	}
}

func TestTimelineCellCapFor(t *testing.T) {
	for _, c := range []struct{ lanes, quarters, want int }{
		{5, 8, 5}, {1, 12, 5}, {21, 8, 3}, {21, 12, 2}, {200, 12, 2},
	} {
		if got := sightline.TimelineCellCapFor(c.lanes, c.quarters); got != c.want {
			t.Errorf("TimelineCellCapFor(%d, %d) = %d, want %d", c.lanes, c.quarters, got, c.want)
		}
	}
}

func TestQuadrantOf(t *testing.T) {
	for _, c := range []struct {
		impact, effort int
		want           sightline.Quadrant
	}{
		{5, 1, sightline.QuickWins}, {3, 2, sightline.QuickWins}, {5, 5, sightline.BigBets}, {3, 3, sightline.BigBets},
		{2, 2, sightline.FillIns}, {1, 1, sightline.FillIns}, {2, 3, sightline.MoneyPits}, {1, 5, sightline.MoneyPits},
	} {
		if got := sightline.QuadrantOf(c.impact, c.effort); got != c.want {
			t.Errorf("QuadrantOf(%d, %d) = %s, want %s", c.impact, c.effort, got, c.want)
		}
	}
}

func TestMatrixFilterNormalize(t *testing.T) {
	f := sightline.MatrixFilter{EpicFilter: sightline.EpicFilter{Kind: "robot"}, Impact: 4, Effort: 9}.Normalize()
	if f.HasCell() || f.Kind != "" {
		t.Errorf("%+v", f)
	}
	if g := (sightline.MatrixFilter{Impact: 4, Effort: 2}).Normalize(); !g.HasCell() {
		t.Error("a whole cell is dropped")
	}
}
