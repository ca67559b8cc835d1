package postgres_test

import (
	"context"
	"testing"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

// iniShift logs a strategy shift directly (the strategy store is not under test here).
func iniShift(t *testing.T, db *postgres.DB, wsID int64, title, on string) int64 {
	t.Helper()
	var id int64
	if err := db.Pool.QueryRow(context.Background(), `INSERT INTO strategy_shifts (workspace_id, title, from_phase, to_phase, shifted_on)
		VALUES ($1, $2, 'growth', 'profitability', $3::date) RETURNING id`, wsID, title, on).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func iniGoal(t *testing.T, db *postgres.DB, wsID int64, title string) int64 {
	t.Helper()
	var id int64
	if err := db.Pool.QueryRow(context.Background(), `INSERT INTO goals (workspace_id, title, metric, baseline, target, current_value)
		VALUES ($1, $2, 'MRR', 0, 100, 10) RETURNING id`, wsID, title).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func iniRevalidate(t *testing.T, db *postgres.DB, wsID, id int64) (bool, string) {
	t.Helper()
	o, err := db.InitiativeOverviewByID(context.Background(), wsID, id)
	if err != nil {
		t.Fatal(err)
	}
	list, err := db.ListInitiativeOverviews(context.Background(), wsID)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range list {
		if in.ID == id && in.Revalidate != o.Revalidate {
			t.Fatalf("list and page disagree on re-validate: %v vs %v", in.Revalidate, o.Revalidate)
		}
	}
	return o.Revalidate, o.SupersededBy
}

func TestInitiativeCreateUpdateAndRefs(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	_, ws, members := mustWorkspace(t, db, "acme")
	pm := members[sightline.RolePM]
	actor := postgres.Actor{UserID: pm.UserID}
	goal := iniGoal(t, db, ws.ID, "Grow MRR")
	shift := iniShift(t, db, ws.ID, "Moving upmarket", "2026-01-10")

	in := sightline.Initiative{Title: "Engagement-based billing", Description: "Charge by **use**", Driver: sightline.PhaseGrowth,
		Horizon: sightline.HorizonNow, GoalID: &goal, ShiftID: &shift, OwnerID: &pm.UserID}
	saved, err := db.CreateInitiative(ctx, actor, ws.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if saved.GoalTitle != "Grow MRR" || saved.ShiftTitle != "Moving upmarket" || saved.OwnerName != pm.UserName || saved.Version != 1 || saved.Revalidate {
		t.Fatalf("saved: %+v", saved)
	}
	// Epic counts by kind.
	if _, err := db.Pool.Exec(ctx, `INSERT INTO epics (workspace_id, initiative_id, kind, title, problem, enables) VALUES
		($1, $2, 'product', 'P1', 'x', ''), ($1, $2, 'product', 'P2', 'x', ''), ($1, $2, 'enabler', 'E1', 'x', 'P1')`, ws.ID, saved.ID); err != nil {
		t.Fatal(err)
	}
	o, _ := db.InitiativeOverviewByID(ctx, ws.ID, saved.ID)
	if o.ProductEpics != 2 || o.EnablerEpics != 1 {
		t.Fatalf("epic counts %d/%d", o.ProductEpics, o.EnablerEpics)
	}
	epics, _ := db.EpicsForInitiative(ctx, ws.ID, saved.ID)
	if len(epics) != 3 || epics[0].Kind != sightline.KindProduct || epics[2].Title != "E1" {
		t.Fatalf("epics: %+v", epics)
	}

	// Another workspace's goal or shift, or a non-member owner, are refused on the field.
	owner2, other, _ := mustWorkspace(t, db, "globex")
	theirGoal := iniGoal(t, db, other.ID, "Theirs")
	theirShift := iniShift(t, db, other.ID, "Theirs", "2026-01-01")
	bad := in
	bad.GoalID, bad.ShiftID, bad.OwnerID = &theirGoal, &theirShift, &owner2.ID
	_, err = db.CreateInitiative(ctx, actor, ws.ID, bad)
	fields := sightline.FieldErrors(err)
	if sightline.ErrorCode(err) != sightline.EINVALID || fields["goal_id"] == "" || fields["shift_id"] == "" || fields["owner_id"] == "" {
		t.Fatalf("foreign refs: %v %v", err, fields)
	}

	// Update with optimistic locking.
	next := *saved
	next.Title, next.Horizon = "Usage billing", sightline.HorizonNext
	upd, err := db.UpdateInitiative(ctx, actor, ws.ID, saved.ID, 1, next)
	if err != nil {
		t.Fatal(err)
	}
	if upd.Version != 2 || upd.Title != "Usage billing" || upd.Horizon != sightline.HorizonNext {
		t.Fatalf("updated: %+v", upd)
	}
	if _, err := db.UpdateInitiative(ctx, actor, ws.ID, saved.ID, 1, next); sightline.ErrorCode(err) != sightline.ECONFLICT {
		t.Fatalf("stale: %v", err)
	}
	if _, err := db.UpdateInitiative(ctx, actor, other.ID, saved.ID, 2, next); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("foreign workspace: %v", err)
	}
	hist, _ := db.ItemHistory(ctx, ws.ID, "initiative", saved.ID, 10)
	if len(hist) != 2 || hist[0].Verb != "initiative.updated" || hist[0].Changes["title"].To != "Usage billing" {
		t.Fatalf("history: %+v", hist)
	}
	if _, err := db.InitiativeByID(ctx, other.ID, saved.ID); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("by id in another workspace: %v", err)
	}
}

func TestInitiativeRevalidation(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	_, ws, members := mustWorkspace(t, db, "acme")
	actor := postgres.Actor{UserID: members[sightline.RolePM].UserID}
	first := iniShift(t, db, ws.ID, "Moving upmarket", "2026-01-10")
	in, err := db.CreateInitiative(ctx, actor, ws.ID, sightline.Initiative{Title: "Billing", Driver: sightline.PhaseGrowth, Horizon: sightline.HorizonNow, ShiftID: &first})
	if err != nil {
		t.Fatal(err)
	}
	none, err := db.CreateInitiative(ctx, actor, ws.ID, sightline.Initiative{Title: "No shift named", Driver: sightline.PhaseGrowth, Horizon: sightline.HorizonNow})
	if err != nil {
		t.Fatal(err)
	}
	if flag, _ := iniRevalidate(t, db, ws.ID, in.ID); flag {
		t.Fatal("flagged with no later shift")
	}
	// A shift logged now but dated before the prompting one does not supersede it.
	iniShift(t, db, ws.ID, "An older correction", "2025-12-01")
	if flag, _ := iniRevalidate(t, db, ws.ID, in.ID); flag {
		t.Fatal("flagged by an earlier-dated shift")
	}
	// A later shift does.
	iniShift(t, db, ws.ID, "Profitability first", "2026-04-01")
	if flag, by := iniRevalidate(t, db, ws.ID, in.ID); !flag || by != "Profitability first" {
		t.Fatalf("not flagged after a later shift: %v %q", flag, by)
	}
	if flag, _ := iniRevalidate(t, db, ws.ID, none.ID); flag {
		t.Fatal("an initiative without a prompting shift is flagged")
	}
	// A PM confirms: the flag clears, the version stays.
	if err := db.RevalidateInitiative(ctx, actor, ws.ID, in.ID); err != nil {
		t.Fatal(err)
	}
	if flag, _ := iniRevalidate(t, db, ws.ID, in.ID); flag {
		t.Fatal("still flagged after confirming")
	}
	o, _ := db.InitiativeOverviewByID(ctx, ws.ID, in.ID)
	if o.Version != 1 {
		t.Fatalf("revalidation changed the version to %d", o.Version)
	}
	// Same day, higher id, logged after the confirmation: flagged again.
	iniShift(t, db, ws.ID, "Same day, later", "2026-04-01")
	if flag, by := iniRevalidate(t, db, ws.ID, in.ID); !flag || by != "Same day, later" {
		t.Fatalf("same-day later shift: %v %q", flag, by)
	}
	// Changing the prompting shift re-validates too.
	latest := iniShift(t, db, ws.ID, "Latest", "2026-05-01")
	next := o.Initiative
	next.ShiftID = &latest
	if _, err := db.UpdateInitiative(ctx, actor, ws.ID, in.ID, o.Version, next); err != nil {
		t.Fatal(err)
	}
	if flag, _ := iniRevalidate(t, db, ws.ID, in.ID); flag {
		t.Fatal("still flagged after naming the latest shift")
	}
	hist, _ := db.ItemHistory(ctx, ws.ID, "initiative", in.ID, 10)
	verbs := map[string]bool{}
	for _, a := range hist {
		verbs[a.Verb] = true
	}
	if !verbs["initiative.revalidated"] || !verbs["initiative.updated"] {
		t.Fatalf("history verbs %v", verbs)
	}
	// Another workspace cannot revalidate it.
	_, other, _ := mustWorkspace(t, db, "globex")
	if err := db.RevalidateInitiative(ctx, actor, other.ID, in.ID); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("foreign revalidate: %v", err)
	}
}

func TestInitiativeChoices(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	_, ws, _ := mustWorkspace(t, db, "acme")
	_, other, _ := mustWorkspace(t, db, "globex")
	iniGoal(t, db, ws.ID, "B goal")
	iniGoal(t, db, ws.ID, "A goal")
	iniGoal(t, db, other.ID, "Theirs")
	iniShift(t, db, ws.ID, "Old", "2025-01-01")
	iniShift(t, db, ws.ID, "New", "2026-01-01")
	c, err := db.ListInitiativeChoices(ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Goals) != 2 || c.Goals[0].Label != "A goal" {
		t.Fatalf("goals %+v", c.Goals)
	}
	if len(c.Shifts) != 2 || c.Shifts[0].Label != "2026-01-01 · New" {
		t.Fatalf("shifts %+v", c.Shifts)
	}
}
