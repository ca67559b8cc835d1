package postgres_test

import (
	"context"
	"testing"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

func TestGoalCreateUpdateAndScope(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	_, ws, members := mustWorkspace(t, db, "acme")
	pm := postgres.Actor{UserID: members[sightline.RolePM].UserID}
	due := strategyDay("2026-12-31")
	g, err := db.CreateGoal(ctx, pm, ws.ID, sightline.Goal{Title: "Grow revenue", Metric: "MRR", Unit: "k€",
		Baseline: 120, Target: 200.5, Current: 140.25, DueOn: &due})
	if err != nil {
		t.Fatal(err)
	}
	if g.Baseline != 120 || g.Target != 200.5 || g.Current != 140.25 || g.DueOn == nil || !g.DueOn.Equal(due) {
		t.Fatalf("created %+v", g)
	}
	// Target equal to baseline is refused by the database too.
	if _, err := db.CreateGoal(ctx, pm, ws.ID, sightline.Goal{Title: "x", Metric: "m", Baseline: 1, Target: 1}); sightline.ErrorCode(err) != sightline.EINVALID {
		t.Fatalf("target = baseline: %v", err)
	}
	edit := *g
	edit.Current, edit.DueOn = 180, nil
	got, err := db.UpdateGoal(ctx, pm, ws.ID, g.ID, g.Version, edit)
	if err != nil {
		t.Fatal(err)
	}
	if got.Current != 180 || got.DueOn != nil || got.Version != 2 {
		t.Fatalf("updated %+v", got)
	}
	if _, err := db.UpdateGoal(ctx, pm, ws.ID, g.ID, g.Version, edit); sightline.ErrorCode(err) != sightline.ECONFLICT {
		t.Fatalf("stale: %v", err)
	}
	hist, _ := db.ItemHistory(ctx, ws.ID, "goal", g.ID, 10)
	if len(hist) != 2 || hist[0].Changes["current"].To != "180" {
		t.Fatalf("history %+v", hist)
	}
	list, err := db.ListGoals(ctx, ws.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("list %v %v", list, err)
	}

	_, other, _ := mustWorkspace(t, db, "globex")
	if _, err := db.GoalByID(ctx, other.ID, g.ID); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("foreign goal: %v", err)
	}
	if _, err := db.UpdateGoal(ctx, pm, other.ID, g.ID, got.Version, edit); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("foreign update: %v", err)
	}
	if inits, err := db.GoalInitiatives(ctx, ws.ID, g.ID); err != nil || len(inits) != 0 {
		t.Fatalf("initiatives %v %v", inits, err)
	}
}
