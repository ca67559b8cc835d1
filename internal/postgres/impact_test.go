package postgres_test

import (
	"context"
	"testing"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/sightline"
)

func TestImpactLifecycle(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	fx, other := newNFRFixture(t, db, "acme"), newNFRFixture(t, db, "globex")
	epic, bulk := fx.mustEpic(t, "Collaborators"), fx.mustEpic(t, "Bulk edit")
	theirEpic := other.mustEpic(t, "Theirs")
	latency := fx.mustConcern(t, "performance", "p99 under 200 ms", "violated")
	theirConcern := other.mustConcern(t, "performance", "Theirs", "open")

	// The concern stands in for the category.
	i, err := db.CreateImpact(ctx, fx.actor, fx.ws.ID, epic, sightline.NFRImpact{ConcernID: &latency.ID, Level: "high", Note: "Every edit is an update."})
	if err != nil {
		t.Fatal(err)
	}
	if i.Category != "performance" || i.ConcernTitle != "p99 under 200 ms" || i.EpicTitle != "Collaborators" || i.CreatedBy != "architect" {
		t.Fatalf("created %+v", i)
	}
	low, err := db.CreateImpact(ctx, fx.actor, fx.ws.ID, epic, sightline.NFRImpact{Category: "cost", Level: "low"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateImpact(ctx, fx.actor, fx.ws.ID, epic, sightline.NFRImpact{Category: "maintainability", Level: "blocking"}); err != nil {
		t.Fatal(err)
	}
	list, _ := db.ImpactsForEpic(ctx, fx.ws.ID, epic)
	if len(list) != 3 || list[0].Level != "blocking" || list[1].Level != "high" || list[2].Level != "low" {
		t.Fatalf("order: %+v", list)
	}

	// Refusals: a category other than the concern's, a foreign concern, a foreign epic.
	_, err = db.CreateImpact(ctx, fx.actor, fx.ws.ID, epic, sightline.NFRImpact{Category: "cost", ConcernID: &latency.ID, Level: "low"})
	if sightline.FieldErrors(err)["concern_id"] == "" {
		t.Errorf("category mismatch: %v", err)
	}
	_, err = db.CreateImpact(ctx, fx.actor, fx.ws.ID, epic, sightline.NFRImpact{ConcernID: &theirConcern.ID, Level: "low"})
	if sightline.FieldErrors(err)["concern_id"] == "" {
		t.Errorf("foreign concern: %v", err)
	}
	_, err = db.CreateImpact(ctx, fx.actor, fx.ws.ID, theirEpic, sightline.NFRImpact{Category: "cost", Level: "low"})
	if sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Errorf("foreign epic: %v", err)
	}

	// Update with the version; stale is a conflict; another epic's id is not found.
	upd := *low
	upd.Level, upd.RequiredWork = "medium", "Batch digests."
	saved, err := db.UpdateImpact(ctx, fx.actor, fx.ws.ID, epic, low.ID, low.Version, upd)
	if err != nil || saved.Level != "medium" || saved.Version != low.Version+1 {
		t.Fatalf("%+v %v", saved, err)
	}
	if _, err := db.UpdateImpact(ctx, fx.actor, fx.ws.ID, epic, low.ID, low.Version, upd); sightline.ErrorCode(err) != sightline.ECONFLICT {
		t.Errorf("stale update: %v", err)
	}
	if _, err := db.UpdateImpact(ctx, fx.actor, fx.ws.ID, bulk, low.ID, saved.Version, upd); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Errorf("through another epic: %v", err)
	}
	if _, err := db.ImpactByID(ctx, other.ws.ID, epic, low.ID); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Errorf("foreign read: %v", err)
	}

	// Delete needs the current version.
	if err := db.DeleteImpact(ctx, fx.actor, fx.ws.ID, epic, low.ID, low.Version); sightline.ErrorCode(err) != sightline.ECONFLICT {
		t.Errorf("stale delete: %v", err)
	}
	if err := db.DeleteImpact(ctx, fx.actor, fx.ws.ID, epic, low.ID, saved.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImpactByID(ctx, fx.ws.ID, epic, low.ID); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Errorf("still there: %v", err)
	}

	// The concern lists the impacts that name it; the epic's history has every write.
	named, _ := db.ImpactsForConcern(ctx, fx.ws.ID, latency.ID)
	if len(named) != 1 || named[0].EpicID != epic {
		t.Errorf("impacts naming the concern: %+v", named)
	}
	hist, _ := db.ItemHistory(ctx, fx.ws.ID, "epic", epic, 10)
	var verbs []string
	for _, a := range hist {
		verbs = append(verbs, a.Verb)
	}
	want := []string{"impact.removed", "impact.updated", "impact.added", "impact.added", "impact.added"}
	if len(verbs) != len(want) || verbs[0] != want[0] || verbs[1] != want[1] || verbs[4] != want[4] {
		t.Fatalf("history %v", verbs)
	}
	if ch := hist[1].Changes["level"]; ch.From != "low" || ch.To != "medium" {
		t.Errorf("level change %+v", ch)
	}
	if ch := hist[4].Changes["concern"]; ch.To != "p99 under 200 ms" {
		t.Errorf("concern named by title: %+v", hist[4].Changes)
	}
}
