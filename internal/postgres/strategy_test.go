package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

func strategyDay(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestShiftLogApplyAndAcknowledge(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	owner, ws, members := mustWorkspace(t, db, "acme")
	pm := postgres.Actor{UserID: members[sightline.RolePM].UserID}
	arch := postgres.Actor{UserID: members[sightline.RoleArchitect].UserID}

	s, err := db.CreateShift(ctx, pm, ws.ID, sightline.StrategyShift{
		Title: "Moving upmarket", Narrative: "Monetize engagement.", FromPhase: sightline.PhaseGrowth,
		ToPhase: sightline.PhaseStability, ShiftedOn: strategyDay("2026-03-01"),
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	if s.LoggedBy != "pm" || !s.ShiftedOn.Equal(strategyDay("2026-03-01")) || s.Version != 1 {
		t.Fatalf("created shift %+v", s)
	}
	w, err := db.WorkspaceByID(ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	if w.Phase != sightline.PhaseStability || w.Version != ws.Version+1 {
		t.Fatalf("apply did not move the phase: %s v%d", w.Phase, w.Version)
	}
	// Without apply the phase stays.
	if _, err := db.CreateShift(ctx, pm, ws.ID, sightline.StrategyShift{Title: "Re-affirm", FromPhase: sightline.PhaseStability,
		ToPhase: sightline.PhaseProfitability, ShiftedOn: strategyDay("2026-04-01")}, false); err != nil {
		t.Fatal(err)
	}
	if w, _ := db.WorkspaceByID(ctx, ws.ID); w.Phase != sightline.PhaseStability {
		t.Fatalf("phase moved without apply: %s", w.Phase)
	}

	pending, err := db.UnacknowledgedShifts(ctx, ws.ID, arch.UserID)
	if err != nil || len(pending) != 2 {
		t.Fatalf("pending %d, %v", len(pending), err)
	}
	if n, _ := db.CountShiftsAwaitingAck(ctx, ws.ID); n != 2 {
		t.Fatalf("awaiting %d, want 2", n)
	}
	if err := db.AcknowledgeShift(ctx, arch, ws.ID, s.ID, "Metering must be idempotent."); err != nil {
		t.Fatal(err)
	}
	if err := db.AcknowledgeShift(ctx, arch, ws.ID, s.ID, "again"); sightline.ErrorCode(err) != sightline.ECONFLICT ||
		sightline.ErrorMessage(err) != "You already acknowledged this shift." {
		t.Fatalf("second ack: %v", err)
	}
	if err := db.AcknowledgeShift(ctx, pm, ws.ID, s.ID, "I am no architect"); sightline.ErrorCode(err) != sightline.EFORBIDDEN {
		t.Fatalf("pm ack: %v", err)
	}
	if pending, _ := db.UnacknowledgedShifts(ctx, ws.ID, arch.UserID); len(pending) != 1 || pending[0].ID == s.ID {
		t.Fatalf("after ack pending %+v", pending)
	}
	if n, _ := db.CountShiftsAwaitingAck(ctx, ws.ID); n != 1 {
		t.Fatalf("awaiting %d, want 1", n)
	}
	list, err := db.ListShifts(ctx, ws.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("list %d %v", len(list), err)
	}
	if list[0].Title != "Re-affirm" || len(list[0].Acks) != 0 || len(list[1].Acks) != 1 || list[1].Acks[0].Assessment != "Metering must be idempotent." {
		t.Fatalf("list order/acks: %+v", list)
	}

	// Another workspace's shift is not found from here.
	_, other, _ := mustWorkspace(t, db, "globex")
	if _, err := db.ShiftByID(ctx, other.ID, s.ID); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("foreign shift: %v", err)
	}
	if err := db.AcknowledgeShift(ctx, arch, other.ID, s.ID, "x"); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("foreign ack: %v", err)
	}
	_ = owner
}

func TestShiftUpdateOptimisticLockingAndHistory(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	_, ws, members := mustWorkspace(t, db, "acme")
	pm := postgres.Actor{UserID: members[sightline.RolePM].UserID}
	s, err := db.CreateShift(ctx, pm, ws.ID, sightline.StrategyShift{Title: "A", FromPhase: sightline.PhaseGrowth, ToPhase: sightline.PhaseRetention, ShiftedOn: strategyDay("2026-01-10")}, false)
	if err != nil {
		t.Fatal(err)
	}
	edit := *s
	edit.Title, edit.Narrative, edit.ShiftedOn = "B", "why", strategyDay("2026-01-11")
	got, err := db.UpdateShift(ctx, pm, ws.ID, s.ID, s.Version, edit)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "B" || got.Version != 2 || !got.ShiftedOn.Equal(strategyDay("2026-01-11")) {
		t.Fatalf("updated %+v", got)
	}
	if _, err := db.UpdateShift(ctx, pm, ws.ID, s.ID, s.Version, edit); sightline.ErrorCode(err) != sightline.ECONFLICT {
		t.Fatalf("stale update: %v", err)
	}
	if _, err := db.UpdateShift(ctx, pm, ws.ID, s.ID+1000, 1, edit); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("missing shift: %v", err)
	}
	hist, err := db.ItemHistory(ctx, ws.ID, "shift", s.ID, 50)
	if err != nil || len(hist) != 2 || hist[0].Verb != "shift.updated" || hist[0].Changes["title"].To != "B" {
		t.Fatalf("history %+v %v", hist, err)
	}
}

func TestVisionPhaseAndPressures(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	_, ws, members := mustWorkspace(t, db, "acme")
	pm := postgres.Actor{UserID: members[sightline.RolePM].UserID}

	w, err := db.UpdateVisionPhase(ctx, pm, ws.ID, ws.Version, "Be the best.", sightline.PhaseProfitability)
	if err != nil {
		t.Fatal(err)
	}
	if w.Vision != "Be the best." || w.Phase != sightline.PhaseProfitability || w.Version != ws.Version+1 {
		t.Fatalf("workspace %+v", w)
	}
	if _, err := db.UpdateVisionPhase(ctx, pm, ws.ID, ws.Version, "Stale", sightline.PhaseGrowth); sightline.ErrorCode(err) != sightline.ECONFLICT {
		t.Fatalf("stale vision: %v", err)
	}
	acts, _ := db.ListActivity(ctx, ws.ID, 10)
	verbs := map[string]bool{}
	for _, a := range acts {
		verbs[a.Verb] = true
	}
	if !verbs["workspace.vision_changed"] || !verbs["workspace.phase_changed"] {
		t.Fatalf("activity verbs %v", verbs)
	}

	m, err := db.ListPressures(ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(m[sightline.PhaseGrowth]) != 3 || m[sightline.PhaseProfitability][0] != "cost" {
		t.Fatalf("default pressures %v", m)
	}
	fp := sightline.PressureFingerprint(m)
	next := map[sightline.Phase][]string{}
	for k, v := range m {
		next[k] = v
	}
	next[sightline.PhaseProfitability] = []string{"cost", "efficiency"}
	saved, err := db.SetPressures(ctx, pm, ws.ID, fp, next)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := db.ListPressures(ctx, ws.ID)
	if len(again[sightline.PhaseProfitability]) != 2 || again[sightline.PhaseProfitability][1] != "efficiency" || len(again[sightline.PhaseGrowth]) != 3 {
		t.Fatalf("after save %v (returned %v)", again, saved)
	}
	// The old fingerprint is stale now.
	if _, err := db.SetPressures(ctx, pm, ws.ID, fp, m); sightline.ErrorCode(err) != sightline.ECONFLICT {
		t.Fatalf("stale pressures: %v", err)
	}
}
