package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/sightline"
)

// TestSearchPage: hostile text found by search stays text; results are
// grouped by kind with counts and filter and page; a blank query is
// refused next to the field; another workspace's member finds nothing of
// this one; the header box is on every workspace page.
func TestSearchPage(t *testing.T) {
	app := newCountingApp(t)
	ws := app.demoID()
	viewer := app.signIn(demoEmail(sightline.RoleViewer))
	app.exec(`INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', '<img src=x onerror=alert(1)> zanzibar title', 'A problem')`, ws)
	app.exec(`INSERT INTO pain_notes (workspace_id, quote, source, severity, frequency, firsthand, heard_on)
		VALUES ($1, 'Zanzibar <script>alert(2)</script> "><img src=y onerror=alert(3)> hurts', 'support', 3, 'daily', true, current_date)`, ws)

	search := func(q string) string { return paths.Search(seed.DemoSlug, paths.Values{"q": {q}}) }
	res := viewer.get(search("zanzibar"))
	wantStatus(t, res, http.StatusOK)
	d := res.doc(t)
	if d.Find("main img, main script").Length() != 0 {
		t.Fatal("user text became markup on the results page")
	}
	if got := d.Find("[data-testid=search-hit]").Length(); got != 2 {
		t.Fatalf("%d hits for zanzibar, want 2", got)
	}
	if !strings.Contains(text(t, d, "[data-testid=search-hit][data-kind=epic] [data-testid=search-hit-title]"), "<img src=x onerror=alert(1)>") {
		t.Error("the hostile title is not shown as text")
	}
	if got := text(t, d, "[data-testid=search-hit][data-kind=pain] [data-testid=search-snippet] mark"); got != "Zanzibar" {
		t.Errorf("the snippet marks %q", got)
	}
	if got := text(t, d, "[data-testid=search-count-all]"); got != "2" {
		t.Errorf("count of everything %q", got)
	}
	// The kind filter.
	d = viewer.get(paths.Search(seed.DemoSlug, paths.Values{"q": {"zanzibar"}, "kind": {"pain"}})).doc(t)
	if n := d.Find("[data-testid=search-hit]").Length(); n != 1 || d.Find("[data-testid=search-hit][data-kind=pain]").Length() != 1 {
		t.Errorf("pain filter: %d hits", n)
	}
	// Blank and overlong queries; no query at all is the form.
	res = viewer.get(search("   "))
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if !strings.Contains(text(t, res.doc(t), "[data-testid=err-q]"), "Type what to look for") {
		t.Error("no message next to the blank query")
	}
	wantStatus(t, viewer.get(search(strings.Repeat("x", 201))), http.StatusUnprocessableEntity)
	res = viewer.get(paths.Search(seed.DemoSlug))
	wantStatus(t, res, http.StatusOK)
	if res.doc(t).Find("[data-testid=search-hit], [data-testid=err-q]").Length() != 0 {
		t.Error("the bare search page shows results or an error")
	}
	for _, q := range []string{`"`, "-", "or or", `"unclosed phrase`, "a:*|!&", "'; DROP TABLE epics; --"} {
		wantStatus(t, viewer.get(search(q)), http.StatusOK)
	}
	// Another workspace's owner finds nothing of this one in theirs.
	other, _ := app.otherWorkspace("globex", "Globex", "gina@example.com", "Gina Globex")
	gina := app.signIn("gina@example.com")
	d = gina.get(paths.Search(other.Slug, paths.Values{"q": {"zanzibar"}})).doc(t)
	if d.Find("[data-testid=search-hit]").Length() != 0 {
		t.Error("another workspace's search finds this one's items")
	}
	// The header's box on a workspace page.
	if viewer.get(paths.Epics(seed.DemoSlug)).doc(t).Find("[data-testid=site-search] label[for=site-search]").Length() != 1 {
		t.Error("no labelled search box in the header")
	}

	// One statement for the search whatever the data size, and pages.
	before := app.queriesPerGET(viewer, search("zanzibar"))
	app.exec(`INSERT INTO epics (workspace_id, kind, title, problem) SELECT $1, 'product', 'Zanzibar ' || g, 'p' FROM generate_series(1, 300) g`, ws)
	app.exec(`INSERT INTO pain_notes (workspace_id, quote, source, severity, frequency, firsthand, heard_on)
		SELECT $1, 'zanzibar again ' || g, 'support', 3, 'daily', true, current_date FROM generate_series(1, 500) g`, ws)
	if after := app.queriesPerGET(viewer, search("zanzibar")); after != before {
		t.Errorf("search: %d queries with 802 hits, %d with 2", after, before)
	}
	d = viewer.get(search("zanzibar")).doc(t)
	if n := d.Find("[data-testid=search-hit]").Length(); n != 20 {
		t.Errorf("%d hits on the first page, want 20", n)
	}
	if got := text(t, d, "[data-testid=search-count-all]"); got != "802" {
		t.Errorf("count %q, want 802", got)
	}
	if d.Find("[data-testid=search-pager] a[rel=next]").Length() != 1 {
		t.Error("no next page")
	}
	// Past 2,000 matches of a kind the count says so, and costs no more queries.
	app.exec(`INSERT INTO pain_notes (workspace_id, quote, source, severity, frequency, firsthand, heard_on)
		SELECT $1, 'zanzibar once more ' || g, 'support', 3, 'daily', true, current_date FROM generate_series(1, 1800) g`, ws)
	d = viewer.get(search("zanzibar")).doc(t)
	if got := strings.Join(strings.Fields(text(t, d, "[data-testid=search-kind-pain]")), " "); got != "Pain notes 2000+" {
		t.Errorf("capped pain count %q", got)
	}
	if got := text(t, d, "[data-testid=search-count-all]"); got != "2301+" {
		t.Errorf("capped total %q", got)
	}
	if after := app.queriesPerGET(viewer, search("zanzibar")); after != before {
		t.Errorf("search: %d queries past the cap, %d with 2 hits", after, before)
	}
}
