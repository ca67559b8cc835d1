package server_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/sightline"
)

// rvSize is how much rvGrow adds to a workspace.
type rvSize struct {
	Initiatives, Systems, Containers, Components int
	Epics, Links, Impacts, Concerns, Decisions   int
}

// rvMedium is the "larger workspace" of the review's tests.
var rvMedium = rvSize{Initiatives: 12, Systems: 4, Containers: 20, Components: 76, Epics: 400, Links: 1500, Impacts: 500, Concerns: 20, Decisions: 60}

// rvGrow adds generated initiatives, architecture items (systems,
// containers, components), epics over twelve quarters around today, links,
// impacts, concerns, roadmap items and accepted decisions to a workspace, in
// a few set-based statements. The spread is deterministic (hashint4) and
// skewed, so some items carry many epics, as in real systems.
func rvGrow(t testing.TB, db *postgres.DB, wsID int64, n rvSize) {
	t.Helper()
	ctx := context.Background()
	now := sightline.QuarterAt(time.Now())
	var quarters []string
	for i := -4; i < 8; i++ {
		quarters = append(quarters, now.Add(i).String())
	}
	var pm int64
	if err := db.Pool.QueryRow(ctx, `SELECT user_id FROM memberships WHERE workspace_id = $1 ORDER BY id LIMIT 1`, wsID).Scan(&pm); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO initiatives (workspace_id, title, driver, horizon)
		  SELECT $1, 'Scale initiative ' || g, 'growth', 'now' FROM generate_series(1, $2::int) g`, []any{wsID, n.Initiatives}},
		{`INSERT INTO arch_items (workspace_id, kind, name, health)
		  SELECT $1, 'system', 'Scale system ' || g, 'healthy' FROM generate_series(1, $2::int) g`, []any{wsID, n.Systems}},
		{`WITH p AS (SELECT id, row_number() OVER (ORDER BY id) AS rn, count(*) OVER () AS n FROM arch_items WHERE workspace_id = $1 AND name LIKE 'Scale system %')
		  INSERT INTO arch_items (workspace_id, kind, name, parent_id, health)
		  SELECT $1, 'container', 'Scale container ' || g, p.id, (ARRAY['healthy', 'strained', 'at_risk'])[1 + g % 3]
		  FROM generate_series(1, $2::int) g JOIN p ON p.rn = 1 + g % p.n`, []any{wsID, n.Containers}},
		{`WITH p AS (SELECT id, row_number() OVER (ORDER BY id) AS rn, count(*) OVER () AS n FROM arch_items WHERE workspace_id = $1 AND name LIKE 'Scale container %')
		  INSERT INTO arch_items (workspace_id, kind, name, parent_id, health, reviewed_at)
		  SELECT $1, 'component', 'Scale component ' || g, p.id, (ARRAY['healthy', 'strained', 'at_risk'])[1 + g % 3], now() - (g % 200) * interval '1 day'
		  FROM generate_series(1, $2::int) g JOIN p ON p.rn = 1 + g % p.n`, []any{wsID, n.Components}},
		{`WITH i AS (SELECT id, row_number() OVER (ORDER BY id) AS rn, count(*) OVER () AS n FROM initiatives WHERE workspace_id = $1 AND title LIKE 'Scale initiative %')
		  INSERT INTO epics (workspace_id, initiative_id, kind, title, problem, enables, status, target_quarter, estimate_size, pm_owner_id, reviewed_at)
		  SELECT $1, CASE WHEN g % 10 = 0 THEN NULL ELSE i.id END, CASE WHEN g % 4 = 0 THEN 'enabler' ELSE 'product' END,
		         'Scale epic ' || g, 'A problem.', 'Something.', (ARRAY['idea', 'discovery', 'idea', 'dropped'])[1 + g % 4],
		         ($3::text[])[1 + abs(hashint4(g)) % array_length($3::text[], 1)], CASE WHEN g % 3 = 0 THEN 'M' END, $4,
		         now() - (g % 150) * interval '1 day'
		  FROM generate_series(1, $2::int) g JOIN i ON i.rn = 1 + g % i.n`, []any{wsID, n.Epics, quarters, pm}},
		{`WITH e AS (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM epics WHERE workspace_id = $1 AND title LIKE 'Scale epic %'),
		       i AS (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM arch_items WHERE workspace_id = $1 AND kind <> 'system' AND name LIKE 'Scale %'),
		       picks AS (
		         SELECT g, 1 + abs(hashint4(g)) % en AS ern, 1 + (abs(hashint4(g * 7)) % im) * (abs(hashint4(g * 13)) % im) / im AS irn
		         FROM generate_series(1, $2::int) g, (SELECT count(*)::int AS en FROM e) a, (SELECT count(*)::int AS im FROM i) b)
		  INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind)
		  SELECT $1, e.id, i.id, (ARRAY['new', 'change', 'extend', 'retire', 'depends_on'])[1 + picks.g % 5]
		  FROM picks JOIN e ON e.rn = picks.ern JOIN i ON i.rn = picks.irn
		  ON CONFLICT DO NOTHING`, []any{wsID, n.Links}},
		{`WITH e AS (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM epics WHERE workspace_id = $1 AND title LIKE 'Scale epic %'),
		       picks AS (SELECT g, 1 + abs(hashint4(g * 5)) % en AS ern FROM generate_series(1, $2::int) g, (SELECT count(*)::int AS en FROM e) a)
		  INSERT INTO nfr_impacts (workspace_id, epic_id, category, level)
		  SELECT $1, e.id, (ARRAY['scalability', 'availability', 'resilience', 'performance', 'cost', 'security', 'maintainability', 'observability', 'compliance'])[1 + picks.g % 9],
		         (ARRAY['low', 'medium', 'high', 'blocking'])[1 + abs(hashint4(picks.g * 3)) % 4]
		  FROM picks JOIN e ON e.rn = picks.ern`, []any{wsID, n.Impacts}},
		{`WITH c AS (
		    INSERT INTO nfr_concerns (workspace_id, category, title, status)
		    SELECT $1, 'performance', 'Scale concern ' || g, (ARRAY['open', 'met', 'at_risk', 'violated'])[1 + g % 4] FROM generate_series(1, $2::int) g
		    RETURNING id),
		  cr AS (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM c),
		  i AS (SELECT id, row_number() OVER (ORDER BY id) AS rn, count(*) OVER () AS n FROM arch_items WHERE workspace_id = $1 AND name LIKE 'Scale %')
		  INSERT INTO concern_items (workspace_id, concern_id, item_id)
		  SELECT $1, cr.id, i.id FROM cr JOIN i ON i.rn = 1 + abs(hashint4(cr.rn::int)) % i.n`, []any{wsID, n.Concerns}},
		{`WITH r AS (
		    INSERT INTO roadmap_items (workspace_id, kind, title, starts_on, ends_on, confidence)
		    SELECT $1, 'release', 'Scale release ' || g, current_date + (g * 30), current_date + (g * 30) + 20, (ARRAY['committed', 'planned', 'exploring'])[1 + g % 3]
		    FROM generate_series(1, 12) g RETURNING id),
		  rr AS (SELECT id, row_number() OVER (ORDER BY id) AS rn, count(*) OVER () AS n FROM r),
		  e AS (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM epics WHERE workspace_id = $1 AND title LIKE 'Scale epic %')
		  INSERT INTO epic_roadmap_items (workspace_id, epic_id, roadmap_item_id)
		  SELECT $1, e.id, rr.id FROM e JOIN rr ON rr.rn = 1 + e.rn % rr.n WHERE e.rn % 3 = 0`, []any{wsID}},
		{`WITH d AS (
		    INSERT INTO decisions (workspace_id, number, title, status)
		    SELECT $1, (SELECT coalesce(max(number), 0) FROM decisions WHERE workspace_id = $1) + g, 'Scale decision ' || g, 'accepted'
		    FROM generate_series(1, $2::int) g RETURNING id),
		  dr AS (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM d),
		  e AS (SELECT id, row_number() OVER (ORDER BY id) AS rn, count(*) OVER () AS n FROM epics WHERE workspace_id = $1 AND title LIKE 'Scale epic %')
		  INSERT INTO decision_epics (workspace_id, decision_id, epic_id)
		  SELECT $1, dr.id, e.id FROM dr JOIN e ON e.rn = 1 + abs(hashint4(dr.rn::int * 11)) % e.n ON CONFLICT DO NOTHING`, []any{wsID, n.Decisions}},
		{`ANALYZE epics, arch_items, epic_arch_links, nfr_impacts, nfr_concerns, concern_items, decisions, decision_epics, roadmap_items, epic_roadmap_items, initiatives`, nil},
	}
	for i, st := range steps {
		t0 := time.Now()
		if _, err := db.Pool.Exec(ctx, st.sql, st.args...); err != nil {
			t.Fatalf("grow: %v\n%s", err, st.sql)
		}
		if d := time.Since(t0); d > 10*time.Second {
			t.Logf("grow step %d took %v", i, d)
		}
	}
}

// TestReviewRunsAFixedNumberOfQueries measures the review (default,
// filtered, with a selection), its CSV and the dashboard on the demo, on the
// demo grown by rvMedium, and on a generated workspace (seed.Large, medium):
// the counts are equal.
func TestReviewRunsAFixedNumberOfQueries(t *testing.T) {
	app := newCountingApp(t)
	counter, db := app.counter, app.db
	ctx := context.Background()
	ws := app.demoID()
	api, collab := rvItem(t, app, "Task API"), rvEpic(t, app, "Collaborators on a to-do list")
	initiative := rvID(t, app, "initiatives", "title", "Team collaboration")
	// The same shapes of URL on any workspace: the ids come from that workspace.
	paths := func(slug string, epic, item, init int64) map[string]string {
		base := "/w/" + slug
		return map[string]string{
			"review":    base + "/review",
			"filtered":  fmt.Sprintf("%s/review?from=2026-Q1&to=2028-Q4&kind=product&status=discovery&category=performance&root=%d&initiative=%d", base, item, init),
			"selection": fmt.Sprintf("%s/review?epic=%d&item=%d&page=2", base, epic, item),
			"csv":       base + "/review/matrix.csv?from=2026-Q1&to=2028-Q4",
			"dashboard": base,
		}
	}
	count := func(c *client, path string) int64 {
		t.Helper()
		wantStatus(t, c.get(path), http.StatusOK) // warm up (and drop any pending flash)
		before := counter.N()
		wantStatus(t, c.get(path), http.StatusOK)
		return counter.N() - before
	}
	measure := func(emails map[string]string, ps map[string]string) map[string]int64 {
		t.Helper()
		out := map[string]int64{}
		for who, email := range emails {
			c := app.signIn(email)
			for name, p := range ps {
				out[who+" "+name] = count(c, p)
			}
		}
		return out
	}
	demoUsers := map[string]string{"architect": "architect@example.com", "viewer": "viewer@example.com"}
	small := measure(demoUsers, paths("demo", collab, api, initiative))

	rvGrow(t, db, ws, rvMedium)
	grown := measure(demoUsers, paths("demo", collab, api, initiative))

	rep, err := seed.Large(ctx, db, seed.SizeMedium, 7)
	if err != nil {
		t.Fatal(err)
	}
	var lEpic, lItem, lInit int64
	if err := db.Pool.QueryRow(ctx, `SELECT (SELECT min(epic_id) FROM epic_arch_links WHERE workspace_id = $1),
		(SELECT min(id) FROM arch_items WHERE workspace_id = $1 AND kind = 'container'), (SELECT min(id) FROM initiatives WHERE workspace_id = $1)`,
		rep.WorkspaceID).Scan(&lEpic, &lItem, &lInit); err != nil {
		t.Fatal(err)
	}
	large := measure(map[string]string{"architect": seed.LargeEmail(rep.Slug, "architect"), "viewer": seed.LargeEmail(rep.Slug, "viewer")},
		paths(rep.Slug, lEpic, lItem, lInit))

	for k, n := range small {
		if grown[k] != n || large[k] != n {
			t.Errorf("%s: %d queries on the demo, %d grown, %d on a generated workspace", k, n, grown[k], large[k])
		} else {
			t.Logf("%s: %d queries", k, n)
		}
	}
}

// TestReviewStaysReadableAtScale: on a larger workspace the matrix shows at
// most 40 items and 50 epics a page and says what it hides, the roadmap
// caps its cells, and the tree folds components.
func TestReviewStaysReadableAtScale(t *testing.T) {
	app := newTestApp(t)
	ws := app.demoID()
	rvGrow(t, app.db, ws, rvMedium)
	c := app.signIn("architect@example.com")
	now := sightline.QuarterAt(time.Now())
	window := fmt.Sprintf("from=%s&to=%s", now.Add(-4), now.Add(7))
	res := c.get("/w/demo/review?" + window)
	wantStatus(t, res, http.StatusOK)
	d := res.doc(t)

	if n := d.Find("[data-testid=matrix-col]").Length(); n != sightline.ReviewMatrixColumns {
		t.Errorf("%d matrix columns, want %d", n, sightline.ReviewMatrixColumns)
	}
	if n := d.Find("[data-testid=matrix-row]").Length(); n != sightline.ReviewMatrixPerPage {
		t.Errorf("%d matrix rows, want %d", n, sightline.ReviewMatrixPerPage)
	}
	summary := text(t, d, "[data-testid=matrix-summary]")
	if !strings.Contains(summary, "hidden") || !strings.Contains(summary, "Epics 1–50 of ") {
		t.Errorf("summary %q", summary)
	}
	next := d.Find("[data-testid=matrix-next]").AttrOr("href", "")
	if !strings.Contains(next, "page=2") || !strings.Contains(next, "from=") {
		t.Fatalf("next page link %q", next)
	}
	d2 := c.get(strings.ReplaceAll(next, "&amp;", "&")).doc(t)
	if n := d2.Find("[data-testid=matrix-row]").Length(); n == 0 || n > sightline.ReviewMatrixPerPage {
		t.Errorf("page 2 has %d rows", n)
	}
	if slices.Equal(rvIDs(t, d, "[data-testid=matrix-row]", "data-epic-id"), rvIDs(t, d2, "[data-testid=matrix-row]", "data-epic-id")) {
		t.Error("page 2 shows page 1's rows")
	}

	// Roadmap cells hold at most six cards and link to the backlog for the rest.
	more := 0
	d.Find("[data-testid=roadmap-cell]").Each(func(_ int, cell *goquery.Selection) {
		cards := cell.Find("[data-testid=roadmap-card]").Length()
		if cards > sightline.ReviewCardsPerCell {
			t.Errorf("a cell shows %d cards", cards)
		}
		if a := cell.Find("[data-testid=roadmap-more]"); a.Length() > 0 {
			more++
			total, _ := strconv.Atoi(cell.AttrOr("data-total", ""))
			if want := fmt.Sprintf("+%d more", total-cards); strings.TrimSpace(a.Text()) != want {
				t.Errorf("more link %q, want %q", a.Text(), want)
			}
			href := a.AttrOr("href", "")
			if !strings.HasPrefix(href, "/w/demo/epics?") || !strings.Contains(href, "quarter="+cell.AttrOr("data-quarter", "")) {
				t.Errorf("more link to %q", href)
			}
		}
	})
	if more == 0 {
		t.Error("no cell is capped at this size")
	}

	// The tree folds components into their containers.
	if d.Find("[data-testid=fold-link]").Length() == 0 {
		t.Error("no container folds its components")
	}
	if n := d.Find("[data-testid=arch-heat-item]").Length(); n > 60 {
		t.Errorf("%d items listed; components should fold", n)
	}
	// Opening a container (its subtree) lists its components.
	fold := d.Find("[data-testid=fold-link]").First().AttrOr("href", "")
	sub := c.get(strings.ReplaceAll(fold, "&amp;", "&")).doc(t)
	if sub.Find("[data-testid=fold-link]").Length() != 0 || sub.Find("[data-testid=arch-heat-item]").Length() < 2 {
		t.Errorf("the expanded container still folds")
	}
}
