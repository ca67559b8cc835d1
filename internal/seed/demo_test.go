package seed_test

import (
	"context"
	"os"
	"testing"

	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/seed"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestDemoIsCoherent(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	if err := seed.Demo(ctx, db, password.Fast); err != nil {
		t.Fatal(err)
	}
	count := func(sql string) int {
		var n int
		if err := db.Pool.QueryRow(ctx, sql).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM epics`); n < 15 || n > 25 {
		t.Errorf("%d epics, want 15–25", n)
	}
	if n := count(`SELECT count(*) FROM epics WHERE kind = 'enabler'`); n < 3 {
		t.Errorf("%d enablers", n)
	}
	if n := count(`SELECT count(DISTINCT status) FROM epics`); n < 5 {
		t.Errorf("epics span only %d statuses", n)
	}
	if n := count(`SELECT count(*) FROM pain_notes`); n < 30 {
		t.Errorf("%d pain notes, want 30+", n)
	}
	if n := count(`SELECT count(*) FROM strategy_shifts`); n != 2 {
		t.Errorf("%d shifts", n)
	}
	if n := count(`SELECT count(*) FROM shift_acknowledgements`); n != 1 {
		t.Errorf("%d acknowledgements, want one acknowledged and one not", n)
	}
	if n := count(`SELECT count(*) FROM epic_pains`); n < 30 {
		t.Errorf("%d pain links", n)
	}
	if n := count(`SELECT count(*) FROM arch_items WHERE kind = 'container'`); n < 6 {
		t.Errorf("%d containers", n)
	}
	if n := count(`SELECT count(DISTINCT epic_id) FROM epic_arch_links`); n < 12 {
		t.Errorf("links on only %d epics", n)
	}
	if n := count(`SELECT count(DISTINCT epic_id) FROM nfr_impacts`); n < 10 {
		t.Errorf("impacts on only %d epics", n)
	}
	if n := count(`SELECT count(*) FROM roadmap_items`); n != 3 {
		t.Errorf("%d roadmap items", n)
	}
	if n := count(`SELECT count(*) FROM decisions`); n < 6 || n > 8 {
		t.Errorf("%d decisions", n)
	}
	if n := count(`SELECT count(*) FROM decisions WHERE status = 'superseded' AND superseded_by_id IS NOT NULL`); n != 1 {
		t.Errorf("%d superseded decisions", n)
	}
	if n := count(`SELECT count(*) FROM decision_stances WHERE stance = 'object'`); n < 1 {
		t.Error("no objection on record")
	}
	if n := count(`SELECT count(*) FROM decision_stances WHERE stance = 'disagree_and_commit'`); n < 1 {
		t.Error("no disagree-and-commit on record")
	}
	if n := count(`SELECT count(*) FROM nfr_concerns WHERE status = 'violated' AND title LIKE '%p99%'`); n != 1 {
		t.Error("the violated latency concern is missing")
	}
	if err := seed.Demo(ctx, db, password.Fast); err != seed.ErrDemoExists {
		t.Errorf("second seed: %v", err)
	}
}
