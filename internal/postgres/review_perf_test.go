package postgres_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/sightline"
)

// The review, dashboard and roadmap queries on the large generated
// workspace: a measuring tool, not a check (timings depend on the machine).
// Run it with
//
//	SIGHTLINE_PERF=1 go test -count=1 -run TestReviewQueriesPerf -v ./internal/postgres
//
// which seeds seed.SizeLarge into a fresh database, or point it at a
// database that already holds the large workspace (slug "large"):
//
//	SIGHTLINE_PERF_URL=postgres://… go test -count=1 -run TestReviewQueriesPerf -v ./internal/postgres
//
// SIGHTLINE_PERF_EXPLAIN=1 also prints EXPLAIN (ANALYZE, BUFFERS) of each
// statement; SIGHTLINE_PERF_ONLY=name,… limits it to some of the calls.

// perfTracer keeps the last statement and arguments seen on a pool.
type perfTracer struct {
	mu   sync.Mutex
	sql  []string
	args [][]any
}

func (p *perfTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	p.mu.Lock()
	defer p.mu.Unlock()
	var args []any
	for _, a := range d.Args {
		if _, mode := a.(pgx.QueryExecMode); !mode {
			args = append(args, a)
		}
	}
	p.sql, p.args = append(p.sql, d.SQL), append(p.args, args)
	return ctx
}

func (p *perfTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (p *perfTracer) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sql, p.args = nil, nil
}

func TestReviewQueriesPerf(t *testing.T) {
	url := os.Getenv("SIGHTLINE_PERF_URL")
	if url == "" && os.Getenv("SIGHTLINE_PERF") == "" {
		t.Skip("set SIGHTLINE_PERF=1 (or SIGHTLINE_PERF_URL) to measure the review queries on the large workspace")
	}
	// The statements themselves, not the cache.
	postgres.SetReviewCache(false)
	t.Cleanup(func() { postgres.SetReviewCache(true) })
	ctx := context.Background()
	tr := &perfTracer{}
	var db *postgres.DB
	if url != "" {
		cfg, err := pgxpool.ParseConfig(url)
		if err != nil {
			t.Fatal(err)
		}
		cfg.ConnConfig.Tracer = tr
		if db, err = postgres.OpenConfig(ctx, cfg); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.Close)
	} else {
		db = pgtest.NewDBWithConfig(t, func(c *pgxpool.Config) { c.ConnConfig.Tracer = tr })
		if _, err := seed.Large(ctx, db, seed.SizeLarge, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Pool.Exec(ctx, "ANALYZE"); err != nil {
			t.Fatal(err)
		}
	}
	var ws int64
	if err := db.Pool.QueryRow(ctx, `SELECT id FROM workspaces WHERE slug = 'large'`).Scan(&ws); err != nil {
		t.Fatal(err)
	}
	var initiative, root, epic, item int64
	if err := db.Pool.QueryRow(ctx, `SELECT (SELECT min(id) FROM initiatives WHERE workspace_id = $1),
		(SELECT min(id) FROM arch_items WHERE workspace_id = $1 AND kind = 'container'),
		(SELECT min(epic_id) FROM epic_arch_links WHERE workspace_id = $1),
		(SELECT min(item_id) FROM epic_arch_links WHERE workspace_id = $1)`, ws).Scan(&initiative, &root, &epic, &item); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	def := sightline.ReviewFilter{ReviewScope: sightline.ReviewScope{Window: sightline.DefaultReviewWindow(now)}, Page: 1}
	filtered := def
	filtered.InitiativeID, filtered.Kind = initiative, sightline.EpicKind("enabler")
	wide := def
	wide.Window = sightline.TimelineWindow{From: def.Window.From.Add(-4), To: def.Window.From.Add(7)}
	subtree := def
	subtree.RootID, subtree.Category, subtree.EpicID, subtree.ItemID = root, "performance", epic, item
	tl := sightline.TimelineFilter{Window: sightline.DefaultTimelineWindow(now)}

	calls := []struct {
		name string
		fn   func() error
	}{
		{"context", func() error { _, err := db.ReviewContext(ctx, ws, def.Window, 0); return err }},
		{"selection", func() error { _, err := db.ReviewSelection(ctx, ws, epic, item); return err }},
		{"roadmap", func() error { _, err := db.ReviewRoadmap(ctx, ws, def); return err }},
		{"items", func() error { _, err := db.ReviewItems(ctx, ws, def.ReviewScope); return err }},
		{"matrix", func() error { _, err := db.ReviewMatrix(ctx, ws, def); return err }},
		{"risks", func() error { _, err := db.ReviewRisks(ctx, ws, def.ReviewScope, now); return err }},
		{"roadmap-filtered", func() error { _, err := db.ReviewRoadmap(ctx, ws, filtered); return err }},
		{"items-filtered", func() error { _, err := db.ReviewItems(ctx, ws, filtered.ReviewScope); return err }},
		{"matrix-filtered", func() error { _, err := db.ReviewMatrix(ctx, ws, filtered); return err }},
		{"risks-filtered", func() error { _, err := db.ReviewRisks(ctx, ws, filtered.ReviewScope, now); return err }},
		{"roadmap-wide", func() error { _, err := db.ReviewRoadmap(ctx, ws, wide); return err }},
		{"items-wide", func() error { _, err := db.ReviewItems(ctx, ws, wide.ReviewScope); return err }},
		{"matrix-wide", func() error { _, err := db.ReviewMatrix(ctx, ws, wide); return err }},
		{"risks-wide", func() error { _, err := db.ReviewRisks(ctx, ws, wide.ReviewScope, now); return err }},
		{"roadmap-subtree", func() error { _, err := db.ReviewRoadmap(ctx, ws, subtree); return err }},
		{"items-subtree", func() error { _, err := db.ReviewItems(ctx, ws, subtree.ReviewScope); return err }},
		{"matrix-subtree", func() error { _, err := db.ReviewMatrix(ctx, ws, subtree); return err }},
		{"risks-subtree", func() error { _, err := db.ReviewRisks(ctx, ws, subtree.ReviewScope, now); return err }},
		{"timeline-lanes", func() error { _, err := db.TimelineLanes(ctx, ws); return err }},
		{"timeline-epics", func() error {
			_, _, err := db.TimelineEpics(ctx, ws, tl, sightline.TimelineCellCapFor(21, tl.Window.Len()))
			return err
		}},
		{"roadmap-items", func() error { _, err := db.ListRoadmapItems(ctx, ws); return err }},
		{"shifts", func() error {
			_, err := db.ShiftsBetween(ctx, ws, tl.Window.Start(), tl.Window.End(), sightline.TimelineShiftLimit)
			return err
		}},
	}
	only := map[string]bool{}
	for _, n := range strings.Split(os.Getenv("SIGHTLINE_PERF_ONLY"), ",") {
		if n != "" {
			only[n] = true
		}
	}
	const runs = 30
	for _, c := range calls {
		if len(only) > 0 && !only[c.name] {
			continue
		}
		tr.reset()
		if err := c.fn(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		sqls, args := tr.sql, tr.args
		var ds []time.Duration
		for range runs {
			t0 := time.Now()
			if err := c.fn(); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			ds = append(ds, time.Since(t0))
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		t.Logf("%-18s p50 %6.2f ms  min %6.2f ms  (%d statements)", c.name, ms(ds[len(ds)/2]), ms(ds[0]), len(sqls))
		if os.Getenv("SIGHTLINE_PERF_SQL") != "" {
			for i, q := range sqls {
				fmt.Printf("==== %s #%d %#v\n%s\n", c.name, i, args[i], q)
			}
		}
		if os.Getenv("SIGHTLINE_PERF_EXPLAIN") == "" {
			continue
		}
		for i, q := range sqls {
			rows, err := db.Pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+q, append([]any{pgx.QueryExecModeExec}, args[i]...)...)
			if err != nil {
				t.Fatalf("%s: explain: %v", c.name, err)
			}
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatalf("%s: explain: %v", c.name, err)
			}
			fmt.Printf("==== %s #%d\n%s\n", c.name, i, strings.Join(lines, "\n"))
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
