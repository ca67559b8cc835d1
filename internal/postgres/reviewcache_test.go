package postgres_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

// rcHeat is the number of selected epics touching each item.
func rcHeat(t *testing.T, db *postgres.DB, wsID int64, s sightline.ReviewScope) map[int64]int {
	t.Helper()
	items, err := db.ReviewItems(context.Background(), wsID, s)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]int{}
	for _, it := range items {
		out[it.ID] = it.Epics
	}
	return out
}

// rcDelta runs fn and returns how the cache's counters moved.
func rcDelta(fn func()) postgres.ReviewCacheStats {
	a := postgres.ReviewCacheCounts()
	fn()
	b := postgres.ReviewCacheCounts()
	return postgres.ReviewCacheStats{Hits: b.Hits - a.Hits, Misses: b.Misses - a.Misses, Stale: b.Stale - a.Stale, Unsettled: b.Unsettled - a.Unsettled}
}

// The review's aggregates are reused while nothing changes, and any write
// to what they read shows on the next call: a write through the store, a
// plain SQL statement, a write in another connection pool (another app
// instance). A write in another workspace leaves the entry alone.
func TestReviewCacheReusesUntilAnyWrite(t *testing.T) {
	counter := &postgres.QueryCounter{}
	db := pgtest.NewDBWithConfig(t, func(c *pgxpool.Config) { c.ConnConfig.Tracer = counter })
	ctx := context.Background()
	fx := newReviewFixture(t, db, "acme")
	other := newReviewFixture(t, db, "globex")

	first := rcHeat(t, db, fx.ws.ID, fx.scope)
	rcWarm(t, func() { rcHeat(t, db, fx.ws.ID, fx.scope) })
	before := counter.N()
	var again map[int64]int
	if d := rcDelta(func() { again = rcHeat(t, db, fx.ws.ID, fx.scope) }); d.Hits != 1 {
		t.Errorf("the second call was not served from the cache: %+v", d)
	}
	if n := counter.N() - before; n != 1 {
		t.Errorf("a cached call ran %d queries, want 1 (the revision check)", n)
	}
	if !maps(first, again) {
		t.Errorf("cached heat %v, computed %v", again, first)
	}

	// A caller changing what it got does not change the cache.
	items, _ := db.ReviewItems(ctx, fx.ws.ID, fx.scope)
	items[0].Name, items[0].Epics = "changed", 99
	items, _ = db.ReviewItems(ctx, fx.ws.ID, fx.scope)
	if items[0].Name == "changed" {
		t.Error("a caller's change reached the cache")
	}

	// A write in another workspace: still a hit.
	if _, err := db.Pool.Exec(ctx, `UPDATE arch_items SET health = 'at_risk' WHERE workspace_id = $1`, other.ws.ID); err != nil {
		t.Fatal(err)
	}
	if d := rcDelta(func() { rcHeat(t, db, fx.ws.ID, fx.scope) }); d.Hits != 1 {
		t.Errorf("a write in another workspace dropped the entry: %+v", d)
	}

	// Plain SQL: a link the store never saw.
	if _, err := db.Pool.Exec(ctx, `INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind) VALUES ($1, $2, $3, 'change')`,
		fx.ws.ID, fx.lonely, fx.publisher); err != nil {
		t.Fatal(err)
	}
	before = counter.N()
	var got map[int64]int
	if d := rcDelta(func() { got = rcHeat(t, db, fx.ws.ID, fx.scope) }); d.Stale != 1 {
		t.Errorf("the changed revision was not noticed: %+v", d)
	}
	if got[fx.publisher] != first[fx.publisher]+1 {
		t.Errorf("publisher heat %d after a new link, want %d", got[fx.publisher], first[fx.publisher]+1)
	}
	if n := counter.N() - before; n != 2 {
		t.Errorf("a call after a change ran %d queries, want 2 (the check, then the statement)", n)
	}

	// Through the store, from another pool on the same database.
	db2, err := postgres.Open(ctx, db.Pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	rcHeat(t, db2, fx.ws.ID, fx.scope) // db2's own entry
	if _, err := db2.CreateArchLink(ctx, fx.actor, fx.ws.ID, sightline.ArchLink{EpicID: fx.old, ItemID: fx.stripe, ChangeKind: "extend"}); err != nil {
		t.Fatal(err)
	}
	// "Old thing" is outside the window: move it in, through db2 too.
	if _, err := db2.Pool.Exec(ctx, `UPDATE epics SET target_quarter = '2027-Q2' WHERE id = $1`, fx.old); err != nil {
		t.Fatal(err)
	}
	if got := rcHeat(t, db, fx.ws.ID, fx.scope); got[fx.stripe] != first[fx.stripe]+1 || got[fx.api] != first[fx.api]+1 {
		t.Errorf("heat after another instance's writes: stripe %d, api %d; want %d, %d", got[fx.stripe], got[fx.api], first[fx.stripe]+1, first[fx.api]+1)
	}
	if got := rcHeat(t, db2, fx.ws.ID, fx.scope); got[fx.stripe] != first[fx.stripe]+1 {
		t.Errorf("the writing instance's own cache: stripe %d", got[fx.stripe])
	}

	// The other statements follow the same rule.
	cards, err := db.ReviewRoadmap(ctx, fx.ws.ID, sightline.ReviewFilter{ReviewScope: fx.scope})
	if err != nil || len(cards) != 5 {
		t.Fatalf("cards %d, %v", len(cards), err)
	}
	if _, err := db.Pool.Exec(ctx, `UPDATE epics SET status = 'dropped' WHERE id = $1`, fx.old); err != nil {
		t.Fatal(err)
	}
	if cards, _ := db.ReviewRoadmap(ctx, fx.ws.ID, sightline.ReviewFilter{ReviewScope: fx.scope}); len(cards) != 4 {
		t.Errorf("%d cards after dropping an epic, want 4", len(cards))
	}
	m, _ := db.ReviewMatrix(ctx, fx.ws.ID, sightline.ReviewFilter{ReviewScope: fx.scope, Page: 1})
	if _, err := db.Pool.Exec(ctx, `DELETE FROM epic_arch_links WHERE workspace_id = $1 AND epic_id = $2`, fx.ws.ID, fx.collab); err != nil {
		t.Fatal(err)
	}
	if m2, _ := db.ReviewMatrix(ctx, fx.ws.ID, sightline.ReviewFilter{ReviewScope: fx.scope, Page: 1}); m2.Total != m.Total-1 {
		t.Errorf("matrix total %d after unlinking an epic, want %d", m2.Total, m.Total-1)
	}
	r, _ := db.ReviewRisks(ctx, fx.ws.ID, fx.scope, time.Now())
	if _, err := db.Pool.Exec(ctx, `WITH d AS (INSERT INTO decisions (workspace_id, number, title, status) VALUES ($1, 7, 'Meter it', 'accepted') RETURNING id)
		INSERT INTO decision_epics (workspace_id, decision_id, epic_id) SELECT $1, id, $2 FROM d`, fx.ws.ID, fx.engine); err != nil {
		t.Fatal(err)
	}
	if r2, _ := db.ReviewRisks(ctx, fx.ws.ID, fx.scope, time.Now()); r2.UndecidedImpacts.Total != r.UndecidedImpacts.Total-1 {
		t.Errorf("undecided %d after an accepted decision, want %d", r2.UndecidedImpacts.Total, r.UndecidedImpacts.Total-1)
	}
	w := sightline.TimelineWindow{From: fx.scope.Window.From, To: fx.scope.Window.To}
	list, _, _ := db.TimelineEpics(ctx, fx.ws.ID, sightline.TimelineFilter{Window: w}, 10)
	if _, err := db.Pool.Exec(ctx, `UPDATE epics SET target_quarter = '2030-Q1' WHERE id = $1`, fx.picker); err != nil {
		t.Fatal(err)
	}
	if list2, counts, _ := db.TimelineEpics(ctx, fx.ws.ID, sightline.TimelineFilter{Window: w}, 10); len(list2) != len(list)-1 || counts.After != 1 {
		t.Errorf("timeline %d epics (%d after) once one moved out, want %d", len(list2), counts.After, len(list)-1)
	}
}

// rcWarm calls fn until the cache serves it: a result read while any
// transaction of the cluster is in progress (autovacuum's, say) is not
// kept, so the first call may not fill the cache.
func rcWarm(t *testing.T, fn func()) {
	t.Helper()
	for range 100 {
		if d := rcDelta(fn); d.Hits > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the cache never kept the result")
}

func maps(a, b map[int64]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Ids are taken before commit: a transaction holding an older id can
// commit after a newer one. What is read while any transaction is in
// progress is not kept, so the older commit still shows.
func TestReviewCacheKeepsNothingReadDuringAWrite(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	fx := newReviewFixture(t, db, "acme")
	f := sightline.ReviewFilter{ReviewScope: fx.scope}
	ids := func() []int64 {
		t.Helper()
		cards, err := db.ReviewRoadmap(ctx, fx.ws.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, c := range cards {
			out = append(out, c.ID)
		}
		slices.Sort(out)
		return out
	}
	all := ids()
	// A moves the picker out of the window (taking the older id) and waits…
	a, err := db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Rollback(ctx)
	if _, err := a.Exec(ctx, `UPDATE epics SET target_quarter = '2026-Q1' WHERE id = $1`, fx.picker); err != nil {
		t.Fatal(err)
	}
	// …while B commits a change (a newer id).
	if _, err := db.Pool.Exec(ctx, `UPDATE arch_items SET health = 'strained' WHERE id = $1`, fx.api); err != nil {
		t.Fatal(err)
	}
	var during []int64
	if d := rcDelta(func() { during = ids() }); d.Unsettled != 1 {
		t.Errorf("a result read during a write was kept: %+v", d)
	}
	if !slices.Equal(during, all) {
		t.Errorf("during A: %v, want %v", during, all)
	}
	if err := a.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if after := ids(); slices.Contains(after, fx.picker) {
		t.Errorf("A's committed change does not show: %v", after)
	}
	rcWarm(t, func() { ids() }) // once settled, the result is kept
}

// The call-outs depend on the clock: an item turns stale 90 days after its
// review, whether or not anything was written, and whatever the cache holds.
func TestReviewCacheCallOutsTurnStaleOnTime(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	fx := newReviewFixture(t, db, "acme")
	reviewed := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	if _, err := db.Pool.Exec(ctx, `UPDATE arch_items SET reviewed_at = $2 WHERE id = $1`, fx.stripe, reviewed); err != nil {
		t.Fatal(err)
	}
	turns := reviewed.Add(sightline.ReviewStaleAfter)
	stale := func(now time.Time) []int64 {
		t.Helper()
		r, err := db.ReviewRisks(ctx, fx.ws.ID, fx.scope, now)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, x := range r.StaleItems.Top {
			out = append(out, x.ID)
		}
		return out
	}
	if got := stale(turns.Add(-time.Minute)); len(got) != 0 {
		t.Fatalf("stale a minute early: %v", got)
	}
	rcWarm(t, func() { stale(turns.Add(-30 * time.Second)) })
	// Same day, two minutes later, nothing written: Stripe has turned.
	if got := stale(turns.Add(time.Minute)); !slices.Equal(got, []int64{fx.stripe}) {
		t.Errorf("stale a minute after 90 days: %v, want Stripe", got)
	}
}

// Many requests at once, with writes in between: every result is one the
// statements compute (run with -race).
func TestReviewCacheConcurrentUse(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	fx := newReviewFixture(t, db, "acme")
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				if g == 0 && i%5 == 0 {
					if _, err := db.Pool.Exec(ctx, `UPDATE arch_items SET health = 'strained' WHERE id = $1`, fx.api); err != nil {
						t.Error(err)
					}
				}
				items, err := db.ReviewItems(ctx, fx.ws.ID, fx.scope)
				if err != nil || len(items) != 5 {
					t.Errorf("items %d, %v", len(items), err)
					return
				}
				items[0].Name = "mine"
				if _, err := db.ReviewRisks(ctx, fx.ws.ID, fx.scope, time.Now()); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
