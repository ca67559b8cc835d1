package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
)

// tlToday pins the server's clock to the demo's "today" (21 Nov 2026), so
// the default window is 2026-Q2 … 2028-Q1 whatever the day the tests run.
func tlToday(app *testApp) {
	app.clock.Advance(time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC).Sub(app.clock.Now()))
}

// tlCount runs a count query on the test database.
func tlCount(t testing.TB, app *testApp, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := app.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// tlCards returns the epic cards of the timeline: id → kind.
func tlCards(t testing.TB, d *goquery.Document) map[string]string {
	t.Helper()
	out := map[string]string{}
	d.Find("[data-testid=timeline-svg] [data-testid=tl-epic]").Each(func(_ int, s *goquery.Selection) {
		href := s.AttrOr("href", "")
		if !strings.HasPrefix(href, "/w/demo/epics/") {
			t.Errorf("card links to %q", href)
		}
		out[s.AttrOr("data-epic-id", "")] = s.AttrOr("data-kind", "")
	})
	return out
}

// demoInWindow counts the demo's epics placed in 2026-Q2 … 2028-Q1 under
// an extra SQL condition.
func demoInWindow(t testing.TB, app *testApp, cond string) int {
	t.Helper()
	return tlCount(t, app, `
		SELECT count(*) FROM epics e JOIN workspaces w ON w.id = e.workspace_id
		WHERE w.slug = 'demo'
		  AND least(e.target_quarter, to_char(e.committed_on, 'YYYY-"Q"Q')) <= '2028-Q1'
		  AND greatest(e.target_quarter, to_char(e.committed_on, 'YYYY-"Q"Q')) >= '2026-Q2' AND `+cond)
}

func TestRoadmapTimelineDrawsTheDemo(t *testing.T) {
	app := newTestApp(t)
	tlToday(app)
	viewer := app.signIn("viewer@example.com")
	res := viewer.get("/w/demo/roadmap")
	wantStatus(t, res, http.StatusOK)
	d := res.doc(t)
	svg := d.Find("[data-testid=timeline] [data-testid=timeline-svg]")
	if svg.Length() != 1 {
		t.Fatal("no timeline picture")
	}
	if got := svg.Find("[data-testid=tl-quarter]").Length(); got != 8 {
		t.Errorf("%d quarters, want 8 (2026-Q2 … 2028-Q1)", got)
	}
	if got := text(t, d, "[data-testid=tl-quarter]"); got != "2026-Q2" {
		t.Errorf("first quarter %q", got)
	}
	// Every demo epic placed in the window is a card linking to its page.
	cards := tlCards(t, d)
	if want := demoInWindow(t, app, "true"); len(cards) != want || want == 0 {
		t.Errorf("%d cards, want %d", len(cards), want)
	}
	// One lane per initiative, plus "No initiative"; lane names link to the initiative.
	if got, want := svg.Find("[data-testid=tl-lane]").Length(), tlCount(t, app, `SELECT count(*) + 1 FROM initiatives i JOIN workspaces w ON w.id = i.workspace_id WHERE w.slug = 'demo'`); got != want {
		t.Errorf("%d lanes, want %d", got, want)
	}
	if svg.Find(`a.tl-lane-link[href^="/w/demo/initiatives/"]`).Length() == 0 {
		t.Error("lane names do not link to their initiatives")
	}
	// The roadmap items as bars, each linking to its page with its confidence.
	bars := svg.Find("[data-testid=tl-item]")
	if bars.Length() != 3 {
		t.Errorf("%d roadmap bars, want the demo's 3", bars.Length())
	}
	confs := map[string]bool{}
	bars.Each(func(_ int, s *goquery.Selection) {
		confs[s.AttrOr("data-confidence", "")] = true
		if !strings.HasPrefix(s.AttrOr("href", ""), "/w/demo/roadmap/") {
			t.Errorf("bar links to %q", s.AttrOr("href", ""))
		}
	})
	if !confs["committed"] || !confs["planned"] || !confs["exploring"] {
		t.Errorf("bar confidences %v", confs)
	}
	// Both strategy shifts (June and November 2026), today, a committed date.
	if got := svg.Find("[data-testid=tl-shift]").Length(); got != 2 {
		t.Errorf("%d shift markers, want 2", got)
	}
	if !strings.Contains(svg.Find("[data-testid=tl-shift] title").First().Text(), "Moving upmarket") {
		t.Error("the first shift marker is not the June shift")
	}
	if svg.Find("[data-testid=tl-today]").Length() != 1 || !strings.Contains(svg.Text(), "Today · 21 Nov 2026") {
		t.Error("no today line")
	}
	if got, want := svg.Find("[data-testid=tl-committed]").Length(), demoInWindow(t, app, "e.committed_on IS NOT NULL"); got != want || want == 0 {
		t.Errorf("%d committed-date markers, want %d", got, want)
	}
	// The plan picker is committed (15 Feb 2027); the billing engine planned
	// through the usage-pricing release; offline mode is on no item: exploring.
	for title, want := range map[string]string{"Plan picker with usage tiers": "committed", "Usage-based billing engine": "planned", "Offline mode for mobile": "exploring"} {
		var id int64
		if err := app.db.Pool.QueryRow(context.Background(), `SELECT id FROM epics WHERE title = $1`, title).Scan(&id); err != nil {
			t.Fatal(err)
		}
		card := svg.Find(fmt.Sprintf("[data-testid=tl-epic][data-epic-id='%d']", id))
		if got := card.Find("rect.tl-card").AttrOr("class", ""); !strings.Contains(got, "tl-conf-"+want) {
			t.Errorf("%s: card class %q, want confidence %s", title, got, want)
		}
		if !strings.Contains(card.Find("title").Text(), "confidence: "+want) {
			t.Errorf("%s: tooltip %q does not say %s", title, card.Find("title").Text(), want)
		}
	}
	// Enablers are marked by a stripe and say so.
	enablers := svg.Find("[data-testid=tl-epic][data-kind=enabler]")
	if enablers.Length() == 0 || enablers.Find(".tl-enabler-stripe").Length() != enablers.Length() {
		t.Error("enabler cards lack their stripe")
	}
	// A legend in words.
	for _, w := range []string{"committed", "planned", "exploring", "enabler", "committed date", "today", "strategy shift"} {
		if !strings.Contains(svg.Find("[data-testid=tl-legend]").Text(), w) {
			t.Errorf("legend lacks %q", w)
		}
	}
	if !strings.Contains(text(t, d, "[data-testid=timeline-summary]"), "from 2026-Q2 to 2028-Q1") {
		t.Errorf("summary %q", text(t, d, "[data-testid=timeline-summary]"))
	}
	// Below the picture: the roadmap items list, and no form for a viewer.
	if d.Find("[data-testid=roadmap-items] [data-testid=roadmap-item]").Length() != 3 {
		t.Error("the roadmap items list is missing")
	}
	if d.Find("[data-testid=roadmap-form]").Length() != 0 || d.Find("[data-testid=new-roadmap-item-link]").Length() != 0 {
		t.Error("a viewer sees the create form")
	}
}

func TestRoadmapTimelineFilters(t *testing.T) {
	app := newTestApp(t)
	tlToday(app)
	viewer := app.signIn("viewer@example.com")
	get := func(q string) *goquery.Document {
		t.Helper()
		res := viewer.get("/w/demo/roadmap?" + q)
		wantStatus(t, res, http.StatusOK)
		return res.doc(t)
	}
	all := len(tlCards(t, get("")))

	cards := tlCards(t, get("kind=enabler"))
	if want := demoInWindow(t, app, "e.kind = 'enabler'"); len(cards) != want || want == 0 || want >= all {
		t.Errorf("kind=enabler: %d cards, want %d of %d", len(cards), want, all)
	}
	for id, k := range cards {
		if k != "enabler" {
			t.Errorf("epic %s of kind %s under kind=enabler", id, k)
		}
	}
	if got, want := len(tlCards(t, get("status=in_progress"))), demoInWindow(t, app, "e.status = 'in_progress'"); got != want || want == 0 {
		t.Errorf("status=in_progress: %d cards, want %d", got, want)
	}

	var billing int64
	if err := app.db.Pool.QueryRow(context.Background(), `SELECT id FROM initiatives WHERE title = 'Engagement-based billing'`).Scan(&billing); err != nil {
		t.Fatal(err)
	}
	d := get(fmt.Sprintf("initiative=%d", billing))
	if got, want := len(tlCards(t, d)), demoInWindow(t, app, fmt.Sprintf("e.initiative_id = %d", billing)); got != want || want == 0 {
		t.Errorf("initiative: %d cards, want %d", got, want)
	}
	if lanes := d.Find("[data-testid=tl-lane]"); lanes.Length() != 1 || lanes.AttrOr("data-lane", "") != fmt.Sprint(billing) {
		t.Errorf("initiative filter shows %d lanes", lanes.Length())
	}
	if v := d.Find("#tl-initiative option[selected]").AttrOr("value", ""); v != fmt.Sprint(billing) {
		t.Errorf("the filter form does not keep the initiative (%q)", v)
	}
	d = get("initiative=none")
	if lanes := d.Find("[data-testid=tl-lane]"); lanes.Length() != 1 || lanes.AttrOr("data-lane", "") != "0" {
		t.Errorf("initiative=none shows %d lanes", lanes.Length())
	}
	if got, want := len(tlCards(t, d)), demoInWindow(t, app, "e.initiative_id IS NULL"); got != want || want == 0 {
		t.Errorf("initiative=none: %d cards, want %d", got, want)
	}

	// The window: from/to, reversed, too long, unreadable; never a 500.
	d = get("from=2027-Q1&to=2027-Q2")
	if got := d.Find("[data-testid=tl-quarter]").Length(); got != 2 {
		t.Errorf("from/to: %d quarters", got)
	}
	if d.Find("[data-testid=tl-today]").Length() != 0 || d.Find("[data-testid=tl-shift]").Length() != 0 {
		t.Error("today or a shift drawn outside the window")
	}
	if got, want := len(tlCards(t, d)), tlCount(t, app, `SELECT count(*) FROM epics e JOIN workspaces w ON w.id = e.workspace_id WHERE w.slug = 'demo'
		AND least(e.target_quarter, to_char(e.committed_on, 'YYYY-"Q"Q')) <= '2027-Q2' AND greatest(e.target_quarter, to_char(e.committed_on, 'YYYY-"Q"Q')) >= '2027-Q1'`); got != want {
		t.Errorf("from/to: %d cards, want %d", got, want)
	}
	d = get("from=2027-Q2&to=2027-Q1")
	if d.Find("[data-testid=tl-quarter]").Length() != 2 || !strings.Contains(text(t, d, "[data-testid=timeline-note]"), "swapped") {
		t.Error("a reversed window is not swapped with a note")
	}
	d = get("from=2026-Q1&to=2031-Q4")
	if got := d.Find("[data-testid=tl-quarter]").Length(); got != 12 || !strings.Contains(text(t, d, "[data-testid=timeline-note]"), "at most 12 quarters") {
		t.Errorf("a 24-quarter window shows %d quarters", got)
	}
	for _, q := range []string{"from=soon", "to=2027-Q9", "from=" + url.QueryEscape("<script>"), "initiative=abc", "initiative=999999", "kind=robot&status=nope", "from=0000-Q1", "to=0001-Q1", "from=9999-Q4"} {
		res := viewer.get("/w/demo/roadmap?" + q)
		wantStatus(t, res, http.StatusOK)
		if strings.Contains(res.body, "<script>") {
			t.Errorf("?%s: the page echoes a script", q)
		}
		if got := res.doc(t).Find("[data-testid=tl-quarter]").Length(); got != 8 {
			t.Errorf("?%s: %d quarters, want the default 8", q, got)
		}
	}
	if !strings.Contains(text(t, get("from=soon"), "[data-testid=timeline-note]"), "not a quarter") {
		t.Error("a bad quarter is not explained")
	}
	if got := len(tlCards(t, get("initiative=999999"))); got != all {
		t.Errorf("an unknown initiative hides epics (%d of %d)", got, all)
	}
	// Earlier/later move the window by half its length, keeping the filters.
	d = get("kind=enabler")
	if href := d.Find("[data-testid=timeline-later]").AttrOr("href", ""); href != "/w/demo/roadmap?from=2027-Q2&kind=enabler&to=2029-Q1" {
		t.Errorf("later link %q", href)
	}
}

// Another workspace's initiative id filters nothing of it in.
func TestRoadmapTimelineIgnoresForeignInitiatives(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	var otherWS, foreign int64
	if err := app.db.Pool.QueryRow(ctx, `INSERT INTO workspaces (name, slug) VALUES ('Other', 'other') RETURNING id`).Scan(&otherWS); err != nil {
		t.Fatal(err)
	}
	if err := app.db.Pool.QueryRow(ctx, `INSERT INTO initiatives (workspace_id, title, driver, horizon) VALUES ($1, 'Secret plan', 'growth', 'now') RETURNING id`, otherWS).Scan(&foreign); err != nil {
		t.Fatal(err)
	}
	if _, err := app.db.Pool.Exec(ctx, `INSERT INTO epics (workspace_id, initiative_id, kind, title, problem, target_quarter) VALUES ($1, $2, 'product', 'Secret epic', 'p', $3)`,
		otherWS, foreign, fmt.Sprintf("%d-Q%d", time.Now().Year(), (int(time.Now().Month())-1)/3+1)); err != nil {
		t.Fatal(err)
	}
	res := app.signIn("viewer@example.com").get(fmt.Sprintf("/w/demo/roadmap?initiative=%d", foreign))
	wantStatus(t, res, http.StatusOK)
	if strings.Contains(res.body, "Secret") {
		t.Error("another workspace's initiative or epic shows")
	}
	if res.doc(t).Find("[data-testid=timeline-note]").Length() != 1 {
		t.Error("the unknown initiative is not explained")
	}
}

func TestRoadmapTimelineCreateFormStillWorks(t *testing.T) {
	app := newTestApp(t)
	for _, who := range []string{"owner@example.com", "pm@example.com"} {
		c := app.signIn(who)
		d := c.get("/w/demo/roadmap").doc(t)
		form := d.Find("#new-roadmap-item form[data-testid=roadmap-form]")
		if form.Length() != 1 || form.AttrOr("action", "") != "/w/demo/roadmap" || form.AttrOr("method", "") != "post" {
			t.Fatalf("%s: no create form under the timeline", who)
		}
		for _, name := range []string{"kind", "confidence", "title", "description", "starts_on", "ends_on"} {
			field := form.Find(fmt.Sprintf("[name=%s]", name))
			id := field.AttrOr("id", "")
			if field.Length() != 1 || id == "" || d.Find(fmt.Sprintf("label[for=%s]", id)).Length() != 1 {
				t.Errorf("%s: field %s has no label", who, name)
			}
		}
		if v := form.Find("select[name=kind] option[selected]").AttrOr("value", ""); v != "release" {
			t.Errorf("%s: default kind %q", who, v)
		}
		title := "Release from the timeline by " + who
		path := rmCreate(t, c, rmValues(title, "2027-04-01", "2027-05-15"))
		res := c.get(path)
		wantStatus(t, res, http.StatusOK)
		// The new item is in the list and, in its window, on the picture.
		d = c.get("/w/demo/roadmap?from=2027-Q1&to=2027-Q4").doc(t)
		found := false
		d.Find("[data-testid=tl-item] title").Each(func(_ int, s *goquery.Selection) {
			found = found || strings.Contains(s.Text(), title)
		})
		if !found || !strings.Contains(d.Find("[data-testid=roadmap-items]").Text(), title) {
			t.Errorf("%s: the new item is not on the timeline and in the list", who)
		}
	}
	// A refused form comes back with the message next to the field and the input kept.
	pm := app.signIn("pm@example.com")
	vals := rmValues("", "2027-05-01", "2027-04-01")
	vals.Set("description", "Keep *this*")
	res := pm.post("/w/demo/roadmap", vals)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	if d.Find("[data-testid=err-title]").Length() != 1 || d.Find("[data-testid=err-ends_on]").Length() != 1 {
		t.Error("no messages next to the bad fields")
	}
	if got := d.Find("form[data-testid=roadmap-form] textarea[name=description]").Text(); got != "Keep *this*" {
		t.Errorf("input not kept: %q", got)
	}
	// Engineers, architects and viewers see no form and cannot post.
	for _, who := range []string{"engineer@example.com", "architect@example.com", "viewer@example.com"} {
		c := app.signIn(who)
		if c.get("/w/demo/roadmap").doc(t).Find("[data-testid=roadmap-form]").Length() != 0 {
			t.Errorf("%s sees the create form", who)
		}
		wantStatus(t, c.post("/w/demo/roadmap", rmValues("Nope", "2027-01-01", "2027-01-02")), http.StatusForbidden)
	}
}

// scaleSize is a generated workspace with as many initiatives as the large
// one and 600 epics over 12 quarters, the rest small to stay quick.
var scaleSize = seed.Size{Slug: "scale", Quarters: 12, Goals: 2, Shifts: 3, Initiatives: 20, RoadmapItems: 8, Epics: 600,
	Systems: 2, Containers: 6, Externals: 2, Items: 24, Relations: 30, Concerns: 6,
	Links: 120, Impacts: 60, Pains: 200, Decisions: 15, Activity: 300}

// The timeline and the matrix run the same number of queries on the demo
// (18 epics) and on a generated workspace of 600 epics over 12 quarters and
// 20 initiatives; there, cells are capped with "+N more" links and the
// matrix draws count bubbles.
func TestTimelineAndMatrixRunAFixedNumberOfQueries(t *testing.T) {
	counter := &postgres.QueryCounter{}
	db := pgtest.NewDBWithConfig(t, func(c *pgxpool.Config) { c.ConnConfig.Tracer = counter })
	ctx := context.Background()
	if err := seed.Demo(ctx, db, password.Fast); err != nil {
		t.Fatal(err)
	}
	rep, err := seed.Large(ctx, db, scaleSize, 7)
	if err != nil {
		t.Fatal(err)
	}
	app := newTestAppOn(t, db)
	// Ten more epics in one cell (an initiative, the current quarter), so a
	// cell surely overflows.
	cur := time.Now()
	if _, err := db.Pool.Exec(ctx, `
		INSERT INTO epics (workspace_id, initiative_id, kind, title, problem, impact, effort, target_quarter)
		SELECT $1, (SELECT min(id) FROM initiatives WHERE workspace_id = $1), 'product', 'Crowded ' || g, 'p', 5, 1, $2
		FROM generate_series(1, 10) g`, rep.WorkspaceID, fmt.Sprintf("%d-Q%d", cur.Year(), (int(cur.Month())-1)/3+1)); err != nil {
		t.Fatal(err)
	}
	count := func(c *client, path string) (int64, *response) {
		t.Helper()
		wantStatus(t, c.get(path), http.StatusOK) // warm up
		before := counter.N()
		res := c.get(path)
		wantStatus(t, res, http.StatusOK)
		return counter.N() - before, res
	}
	pages := []string{"/roadmap", "/roadmap?kind=enabler&status=discovery", "/roadmap?from=2025-Q1&to=2027-Q4", "/matrix", "/matrix?kind=product&impact=5&effort=1"}
	for _, role := range []string{"viewer", "pm"} {
		demo := app.signIn(role + "@example.com")
		scale := app.signIn(seed.LargeEmail("scale", role))
		for _, p := range pages {
			small, _ := count(demo, "/w/demo"+p)
			large, res := count(scale, "/w/scale"+p)
			if small != large {
				t.Errorf("GET %s as %s: %d queries on the demo, %d with 600 epics", p, role, small, large)
			} else {
				t.Logf("GET %s as %s: %d queries (%d KB at 600 epics)", p, role, small, len(res.body)/1024)
			}
		}
	}
	scale := app.signIn(seed.LargeEmail("scale", "viewer"))
	d := scale.get("/w/scale/roadmap").doc(t)
	more := d.Find("[data-testid=tl-more]")
	if more.Length() == 0 {
		t.Fatal("no “+N more” link at 600 epics")
	}
	href := more.First().AttrOr("href", "")
	if !strings.HasPrefix(href, "/w/scale/epics?") || !strings.Contains(href, "quarter=") {
		t.Errorf("more link %q", href)
	}
	// The cap holds: no lane × quarter cell shows more cards than the cap.
	capText := text(t, d, "[data-testid=timeline-summary]")
	perCell := map[string]int{}
	d.Find("[data-testid=tl-lane]").Each(func(_ int, lane *goquery.Selection) {
		lane.Find("[data-testid=tl-epic]").Each(func(_ int, s *goquery.Selection) {
			perCell[lane.AttrOr("data-lane", "")+" "+s.AttrOr("data-quarter", "")]++
		})
	})
	for cell, n := range perCell {
		if n > 5 {
			t.Errorf("cell %s shows %d cards", cell, n)
		}
	}
	if !strings.Contains(capText, "each cell showing at most") {
		t.Errorf("the summary does not say cells are capped: %q", capText)
	}
	// The matrix draws count bubbles linking to their cell, and stays small.
	res := scale.get("/w/scale/matrix")
	md := res.doc(t)
	bubble := md.Find("[data-testid=mx-bubble]")
	if bubble.Length() == 0 {
		t.Fatal("no count bubble at 600 epics")
	}
	if href := bubble.First().AttrOr("href", ""); !strings.Contains(href, "/w/scale/matrix?") || !strings.Contains(href, "impact=") || !strings.Contains(href, "effort=") {
		t.Errorf("bubble links to %q", href)
	}
	svg, _ := md.Find("[data-testid=matrix-svg]").Parent().Html()
	if len(svg) > 300*1024 {
		t.Errorf("the matrix SVG takes %d KB", len(svg)/1024)
	}
}
