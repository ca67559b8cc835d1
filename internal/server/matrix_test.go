package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// mxPoints returns the matrix's points: epic id → shape (circle or rect).
func mxPoints(t testing.TB, d *goquery.Document) map[string]string {
	t.Helper()
	out := map[string]string{}
	d.Find("[data-testid=matrix-svg] [data-testid=mx-point]").Each(func(_ int, s *goquery.Selection) {
		if href := s.AttrOr("href", ""); !strings.HasPrefix(href, "/w/demo/epics/") {
			t.Errorf("point links to %q", href)
		}
		if s.Find("title").Text() == "" {
			t.Error("a point has no title")
		}
		shape := "?"
		if s.Find("circle").Length() == 1 {
			shape = "circle"
		} else if s.Find("rect").Length() == 1 {
			shape = "rect"
		}
		out[s.AttrOr("data-epic-id", "")] = shape + " " + s.AttrOr("data-kind", "")
	})
	return out
}

func demoEpics(t testing.TB, app *testApp, cond string) int {
	t.Helper()
	return tlCount(t, app, `SELECT count(*) FROM epics e JOIN workspaces w ON w.id = e.workspace_id WHERE w.slug = 'demo' AND `+cond)
}

func TestMatrixDrawsTheDemo(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	// One epic without effort, one with a name to escape.
	if _, err := app.db.Pool.Exec(ctx, `UPDATE epics SET effort = NULL WHERE title = 'GIF attachments'`); err != nil {
		t.Fatal(err)
	}
	if _, err := app.db.Pool.Exec(ctx, `UPDATE epics SET title = '<script>alert(1)</script> & "quotes"' WHERE title = 'Bulk edit tasks'`); err != nil {
		t.Fatal(err)
	}
	viewer := app.signIn("viewer@example.com")
	res := viewer.get("/w/demo/matrix")
	wantStatus(t, res, http.StatusOK)
	if strings.Contains(res.body, "<script>alert") {
		t.Fatal("a name is not escaped")
	}
	d := res.doc(t)
	svg := d.Find("[data-testid=matrix] [data-testid=matrix-svg]")
	if svg.Length() != 1 {
		t.Fatal("no matrix picture")
	}
	points := mxPoints(t, d)
	if want := demoEpics(t, app, "e.impact IS NOT NULL AND e.effort IS NOT NULL"); len(points) != want || want == 0 {
		t.Errorf("%d points, want %d", len(points), want)
	}
	for id, shape := range points {
		if shape != "circle product" && shape != "rect enabler" {
			t.Errorf("epic %s drawn as %s", id, shape)
		}
	}
	if !strings.Contains(svg.Text(), `<script>alert(1)</script> & "quotes"`) {
		t.Error("the escaped name is not in a tooltip")
	}
	var names []string
	svg.Find("[data-testid=mx-quadrant]").Each(func(_ int, s *goquery.Selection) { names = append(names, s.Text()) })
	if got := strings.Join(names, " | "); !strings.Contains(got, "Quick wins") || !strings.Contains(got, "Big bets") || !strings.Contains(got, "Fill-ins") || !strings.Contains(got, "Money pits") {
		t.Errorf("quadrants %q", got)
	}
	if !strings.Contains(svg.Find("[data-testid=mx-legend]").Text(), "enabler epic") {
		t.Error("no legend")
	}
	// The unscored epic is listed under the picture, with a link.
	if got := text(t, d, "[data-testid=unscored-count]"); got != fmt.Sprint(demoEpics(t, app, "(e.impact IS NULL OR e.effort IS NULL)")) || got == "0" {
		t.Errorf("not scored: %s", got)
	}
	gif := d.Find("[data-testid=unscored-epic] a")
	if !strings.Contains(gif.Text(), "GIF attachments") || !strings.HasPrefix(gif.AttrOr("href", ""), "/w/demo/epics/") {
		t.Errorf("unscored list: %q", gif.Text())
	}
	if d.Find("[data-testid=matrix-cell]").Length() != 0 {
		t.Error("a cell list without a selection")
	}
	// The filter form has a label for every select.
	d.Find("[data-testid=matrix-filters] select").Each(func(_ int, s *goquery.Selection) {
		if d.Find(fmt.Sprintf("label[for=%s]", s.AttrOr("id", "-"))).Length() != 1 {
			t.Errorf("select %s has no label", s.AttrOr("name", ""))
		}
	})
}

func TestMatrixFiltersAndCells(t *testing.T) {
	app := newTestApp(t)
	viewer := app.signIn("viewer@example.com")
	get := func(q string) *goquery.Document {
		t.Helper()
		res := viewer.get("/w/demo/matrix?" + q)
		wantStatus(t, res, http.StatusOK)
		return res.doc(t)
	}
	scored := "e.impact IS NOT NULL AND e.effort IS NOT NULL AND "
	for q, cond := range map[string]string{
		"kind=enabler":             "e.kind = 'enabler'",
		"status=discovery":         "e.status = 'discovery'",
		"quarter=2027-Q1":          "e.target_quarter = '2027-Q1'",
		"kind=product&status=idea": "e.kind = 'product' AND e.status = 'idea'",
	} {
		got, want := len(mxPoints(t, get(q))), demoEpics(t, app, scored+cond)
		if got != want || want == 0 {
			t.Errorf("?%s: %d points, want %d", q, got, want)
		}
	}
	var billing, pm int64
	ctx := context.Background()
	if err := app.db.Pool.QueryRow(ctx, `SELECT id FROM initiatives WHERE title = 'Engagement-based billing'`).Scan(&billing); err != nil {
		t.Fatal(err)
	}
	pm = mustUser(t, app, "pm@example.com").ID
	if got, want := len(mxPoints(t, get(fmt.Sprintf("initiative=%d", billing)))), demoEpics(t, app, scored+fmt.Sprintf("e.initiative_id = %d", billing)); got != want || want == 0 {
		t.Errorf("initiative: %d points, want %d", got, want)
	}
	if got, want := len(mxPoints(t, get(fmt.Sprintf("owner=%d", pm)))), demoEpics(t, app, scored+fmt.Sprintf("(e.pm_owner_id = %d OR e.tech_owner_id = %d)", pm, pm)); got != want || want == 0 {
		t.Errorf("owner: %d points, want %d", got, want)
	}
	d := get("kind=enabler")
	if v := d.Find("#mx-flt-kind option[selected]").AttrOr("value", ""); v != "enabler" {
		t.Errorf("the form does not keep the kind (%q)", v)
	}
	if href := d.Find(".page-head a").AttrOr("href", ""); href != "/w/demo/epics?kind=enabler" {
		t.Errorf("backlog link %q", href)
	}

	// A selected cell lists its epics and is marked in the picture.
	d = get("impact=4&effort=3")
	cell := d.Find("[data-testid=matrix-cell]")
	if want := demoEpics(t, app, "e.impact = 4 AND e.effort = 3"); cell.Find("[data-testid=matrix-cell-epic]").Length() != want || want < 2 {
		t.Errorf("cell list: %d epics, want %d", cell.Find("[data-testid=matrix-cell-epic]").Length(), want)
	}
	if !strings.Contains(cell.Find("h2").Text(), "Big bets") || d.Find("[data-testid=mx-selected]").Length() != 1 {
		t.Errorf("cell heading %q", cell.Find("h2").Text())
	}
	if href := cell.Find("[data-testid=matrix-cell-clear]").AttrOr("href", ""); href != "/w/demo/matrix" {
		t.Errorf("clear link %q", href)
	}
	// Bad values are ignored, never a 500; nothing of another workspace shows.
	for _, q := range []string{"impact=9&effort=1", "impact=4", "impact=x&effort=y", "kind=robot", "status=nope", "initiative=-3", "owner=abc", "quarter=soon", "initiative=999999"} {
		d := get(q)
		if d.Find("[data-testid=matrix-cell]").Length() != 0 && !strings.Contains(q, "999999") {
			t.Errorf("?%s selects a cell", q)
		}
	}
	if got := len(mxPoints(t, get("initiative=999999"))); got != 0 {
		t.Errorf("an unknown initiative shows %d points", got)
	}
}

// Many epics in one cell: a count bubble links to the cell's list, which
// shows them all; the picture draws a handful around the count.
func TestMatrixCrowdedCellBubble(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	if _, err := app.db.Pool.Exec(ctx, `
		INSERT INTO epics (workspace_id, kind, title, problem, impact, effort)
		SELECT w.id, 'product', 'Crowd ' || g, 'p', 2, 5 FROM workspaces w, generate_series(1, 30) g WHERE w.slug = 'demo'`); err != nil {
		t.Fatal(err)
	}
	viewer := app.signIn("viewer@example.com")
	d := viewer.get("/w/demo/matrix").doc(t)
	bubble := d.Find("[data-testid=mx-bubble]")
	want := demoEpics(t, app, "e.impact = 2 AND e.effort = 5")
	if bubble.Length() != 1 || bubble.AttrOr("data-count", "") != fmt.Sprint(want) || !strings.Contains(bubble.Text(), fmt.Sprint(want)) {
		t.Fatalf("bubble: %d, count %q, want %d", bubble.Length(), bubble.AttrOr("data-count", ""), want)
	}
	cell := d.Find("[data-testid=mx-cell][data-impact='2'][data-effort='5']")
	if got := cell.Find("[data-testid=mx-point]").Length(); got != 8 {
		t.Errorf("%d points around the bubble, want 8", got)
	}
	href := bubble.AttrOr("href", "")
	if href != "/w/demo/matrix?effort=5&impact=2#mx-cell" {
		t.Errorf("bubble links to %q", href)
	}
	d = viewer.get(strings.TrimSuffix(href, "#mx-cell")).doc(t)
	if got := d.Find("[data-testid=matrix-cell-epic]").Length(); got != want {
		t.Errorf("the cell lists %d epics, want %d", got, want)
	}
	if !strings.Contains(text(t, d, "[data-testid=matrix-cell-count]"), fmt.Sprintf("%d epics", want)) {
		t.Errorf("cell count %q", text(t, d, "[data-testid=matrix-cell-count]"))
	}
}
