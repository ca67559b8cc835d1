package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/postgres"
)

// rcServed requests path until the review cache serves it (a result read
// while a transaction of the cluster is in progress is not kept, so one
// request may not be enough) and returns the page.
func rcServed(t *testing.T, c *client, path string) *response {
	t.Helper()
	for range 100 {
		before := postgres.ReviewCacheCounts().Hits
		res := c.get(path)
		wantStatus(t, res, http.StatusOK)
		if postgres.ReviewCacheCounts().Hits > before {
			return res
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s is never served from the cache", path)
	return nil
}

// The review, the dashboard and the roadmap keep their aggregates between
// requests, and every write shows on the next request of every instance:
// a link added through another app instance (its own pool, its own cache),
// a review marked, plain SQL.
func TestReviewCacheSeesEveryWrite(t *testing.T) {
	app := newTestApp(t, noPageCache) // the review cache under the page cache
	tlToday(app)
	db2, err := postgres.Open(context.Background(), app.db.Pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db2.Close)
	app2 := newTestAppOn(t, db2, noPageCache)
	tlToday(app2)
	arch, arch2 := app.signIn("architect@example.com"), app2.signIn("architect@example.com")
	stripe, templates := rvItem(t, app, "Stripe"), rvEpic(t, app, "Shared team templates")
	heat := func(res *response) int {
		t.Helper()
		v := res.doc(t).Find(fmt.Sprintf("[data-testid=arch-heat-item][data-item-id='%d'] [data-testid=heat-mark]", stripe)).AttrOr("data-epics", "")
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("heat mark %q", v)
		}
		return n
	}
	before := heat(rcServed(t, arch, rvPath("")))
	if heat(rcServed(t, arch2, rvPath(""))) != before {
		t.Fatal("the instances disagree")
	}

	// Instance 2 links an epic to Stripe; instance 1's next page shows it.
	res := arch2.post(fmt.Sprintf("/w/demo/epics/%d/links", templates), url.Values{"item_id": {strconv.FormatInt(stripe, 10)}, "change_kind": {"change"}})
	wantStatus(t, res, http.StatusSeeOther)
	if got := heat(arch.get(rvPath(""))); got != before+1 {
		t.Errorf("instance 1 shows %d epics on Stripe after instance 2 linked one, want %d", got, before+1)
	}
	if got := heat(arch2.get(rvPath(""))); got != before+1 {
		t.Errorf("instance 2 shows %d epics on Stripe, want %d", got, before+1)
	}

	// Plain SQL, then marking the review done: the dashboard's call-outs of
	// both instances follow.
	staleEpics := func(c *client) string {
		t.Helper()
		return text(t, c.get("/w/demo").doc(t), "[data-testid=dash-risk-stale-epics] [data-testid=risk-count]")
	}
	pm := app.signIn("pm@example.com")
	rcServed(t, pm, "/w/demo")
	rcServed(t, arch2, "/w/demo")
	app.exec(`UPDATE epics SET reviewed_at = now() - interval '200 days' WHERE workspace_id = (SELECT id FROM workspaces WHERE slug = 'demo')`)
	n := tlCount(t, app, `SELECT count(*) FROM epics e JOIN workspaces w ON w.id = e.workspace_id
		WHERE w.slug = 'demo' AND e.status <> 'dropped' AND e.target_quarter BETWEEN '2026-Q4' AND '2027-Q3'`)
	if got := staleEpics(arch2); got != strconv.Itoa(n) {
		t.Errorf("instance 2's dashboard: %s stale epics after SQL aged them, want %d", got, n)
	}
	rcServed(t, arch2, "/w/demo")
	res = pm.post("/w/demo/review/mark", url.Values{"from": {"2026-Q4"}, "to": {"2027-Q3"}, "held_on": {"2026-11-20"}, "attendees": {"Priya"}})
	wantRedirect(t, res, "/w/demo/review?")
	if got := staleEpics(arch2); got != "0" {
		t.Errorf("instance 2's dashboard: %s stale epics after the review was marked on instance 1, want 0", got)
	}
	if got := staleEpics(pm); got != "0" {
		t.Errorf("instance 1's dashboard: %s stale epics after the review, want 0", got)
	}

	// The roadmap timeline: an epic moved out of the window leaves it.
	cards := tlCards(t, rcServed(t, arch2, "/w/demo/roadmap").doc(t))
	id := strconv.FormatInt(templates, 10)
	if _, ok := cards[id]; !ok {
		t.Fatalf("the templates epic is not on the roadmap: %v", cards)
	}
	app.exec(`UPDATE epics SET target_quarter = '2030-Q1' WHERE id = $1`, templates)
	if cards := tlCards(t, arch2.get("/w/demo/roadmap").doc(t)); len(cards) == 0 {
		t.Error("no cards")
	} else if _, ok := cards[id]; ok {
		t.Error("the roadmap still shows an epic moved out of its window")
	}
}

// A page runs the same number of queries whether its aggregates come from
// the cache or from the database.
func TestReviewCacheKeepsQueryCounts(t *testing.T) {
	app := newCountingApp(t)
	counter := app.counter
	c := app.signIn("architect@example.com")
	t.Cleanup(func() { postgres.SetReviewCache(true) })
	api := rvItem(t, app, "Task API")
	for _, path := range []string{rvPath(""), rvPath(fmt.Sprintf("&item=%d&page=2", api)), rvPath("&kind=enabler"), "/w/demo", "/w/demo/roadmap"} {
		postgres.SetReviewCache(false)
		wantStatus(t, c.get(path), http.StatusOK)
		before := counter.N()
		wantStatus(t, c.get(path), http.StatusOK)
		cold := counter.N() - before
		postgres.SetReviewCache(true)
		rcServed(t, c, path)
		before = counter.N()
		rcServed(t, c, path)
		if warm := counter.N() - before; warm != cold {
			t.Errorf("%s: %d queries from the cache, %d without", path, warm, cold)
		}
	}
}
