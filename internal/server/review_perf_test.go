package server_test

import (
	"context"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
)

// TestReviewPagesPerf times the review, dashboard and roadmap pages in
// process on the large generated workspace, one request at a time: a
// measuring tool, not a check. Run it with
//
//	SIGHTLINE_PERF=1 go test -count=1 -run TestReviewPagesPerf -v ./internal/server
//
// (seeds seed.SizeLarge into a fresh database), or against a database that
// already holds the large workspace (slug "large"):
//
//	SIGHTLINE_PERF_URL=postgres://… go test -count=1 -run TestReviewPagesPerf -v ./internal/server
//
// SIGHTLINE_PERF_ONLY=review,roadmap,… limits it to some pages. Each page is
// timed without the review cache (cold: every statement runs), then with it.
func TestReviewPagesPerf(t *testing.T) {
	url := os.Getenv("SIGHTLINE_PERF_URL")
	if url == "" && os.Getenv("SIGHTLINE_PERF") == "" {
		t.Skip("set SIGHTLINE_PERF=1 (or SIGHTLINE_PERF_URL) to time the review pages on the large workspace")
	}
	ctx := context.Background()
	var db *postgres.DB
	if url != "" {
		var err error
		if db, err = postgres.Open(ctx, url); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.Close)
	} else {
		db = pgtest.NewDB(t)
		if _, err := seed.Large(ctx, db, seed.SizeLarge, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Pool.Exec(ctx, "ANALYZE"); err != nil {
			t.Fatal(err)
		}
	}
	app := newTestAppOn(t, db)
	c := app.signIn(seed.LargeEmail("large", "pm"))
	pages := []struct{ name, path string }{
		{"dashboard", "/w/large"},
		{"roadmap", "/w/large/roadmap"},
		{"review", "/w/large/review"},
		{"review-filtered", "/w/large/review?initiative=19&kind=enabler"},
		{"review-selection", "/w/large/review?epic=464&page=2"},
	}
	const runs = 40
	// times requests path runs times and returns the median and the body.
	times := func(path string) (time.Duration, string) {
		var ds []time.Duration
		var body string
		for range runs {
			t0 := time.Now()
			res := c.get(path)
			ds = append(ds, time.Since(t0))
			wantStatus(t, res, http.StatusOK)
			body = res.body
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2], body
	}
	only := os.Getenv("SIGHTLINE_PERF_ONLY") // comma-separated page names
	for _, p := range pages {
		if only != "" && !slices.Contains(strings.Split(only, ","), p.name) {
			continue
		}
		c.get(p.path) // warm up the connections and plans
		postgres.SetReviewCache(false)
		cold, _ := times(p.path)
		postgres.SetReviewCache(true)
		warm, body := times(p.path)
		t.Logf("%-17s cold (no cache) p50 %6.2f ms   warm p50 %6.2f ms   %4d KB", p.name, perfMS(cold), perfMS(warm), len(body)/1024)
		if strings.Contains(body, "Something went wrong") {
			t.Errorf("%s: error page", p.name)
		}
	}
	t.Logf("cache: %+v", postgres.ReviewCacheCounts())
}

func perfMS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
