package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/sightline"
)

func rmDay(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func rmItem(title, start, end string) sightline.RoadmapItem {
	return sightline.RoadmapItem{Kind: "release", Title: title, StartsOn: rmDay(start), EndsOn: rmDay(end), Confidence: "planned"}
}

func TestRoadmapItemCreateUpdateAndRules(t *testing.T) {
	db := pgtest.NewDB(t)
	fx := newDecFixture(t, db, "roadmap")
	other := newDecFixture(t, db, "roadmap-other")
	ctx := context.Background()
	pm := fx.as(sightline.RolePM)

	later, err := db.CreateRoadmapItem(ctx, pm, fx.ws.ID, rmItem("Release 2.5", "2027-07-01", "2027-09-30"))
	if err != nil {
		t.Fatal(err)
	}
	first, err := db.CreateRoadmapItem(ctx, pm, fx.ws.ID, rmItem("Release 2.4", "2027-04-01", "2027-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	if first.Version != 1 || first.EpicCount != 0 || !first.StartsOn.Equal(rmDay("2027-04-01")) {
		t.Fatalf("created: %+v", first)
	}
	// The end may not come before the start: refused next to the end date,
	// and by the database with the store bypassed.
	_, err = db.CreateRoadmapItem(ctx, pm, fx.ws.ID, rmItem("Backwards", "2027-05-01", "2027-04-30"))
	wantCode(t, err, sightline.EINVALID)
	if sightline.FieldErrors(err)["ends_on"] == "" {
		t.Fatalf("no message on ends_on: %v", err)
	}
	_, err = db.Pool.Exec(ctx, `INSERT INTO roadmap_items (workspace_id, kind, title, starts_on, ends_on, confidence)
		VALUES ($1, 'theme', 'Backwards', '2027-05-01', '2027-04-30', 'planned')`, fx.ws.ID)
	decWantPgCode(t, err, "23514")
	_, err = db.Pool.Exec(ctx, `INSERT INTO roadmap_items (workspace_id, kind, title, starts_on, ends_on, confidence)
		VALUES ($1, 'theme', 'Sure', '2027-05-01', '2027-05-30', 'certain')`, fx.ws.ID)
	decWantPgCode(t, err, "23514")

	list, err := db.ListRoadmapItems(ctx, fx.ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != first.ID || list[1].ID != later.ID {
		t.Fatalf("by start date: %+v", list)
	}
	if list, _ := db.ListRoadmapItems(ctx, other.ws.ID); len(list) != 0 {
		t.Fatalf("another workspace sees %d items", len(list))
	}

	edit := *first
	edit.Confidence, edit.Kind = "committed", "milestone"
	saved, err := db.UpdateRoadmapItem(ctx, pm, fx.ws.ID, first.ID, first.Version, edit)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Version != 2 || saved.Confidence != "committed" || saved.Kind != "milestone" {
		t.Fatalf("saved: %+v", saved)
	}
	_, err = db.UpdateRoadmapItem(ctx, pm, fx.ws.ID, first.ID, first.Version, edit)
	wantCode(t, err, sightline.ECONFLICT)
	_, err = db.UpdateRoadmapItem(ctx, pm, other.ws.ID, first.ID, saved.Version, edit)
	wantCode(t, err, sightline.ENOTFOUND)
	_, err = db.RoadmapItemByID(ctx, other.ws.ID, first.ID)
	wantCode(t, err, sightline.ENOTFOUND)

	history, err := db.ItemHistory(ctx, fx.ws.ID, "roadmap_item", first.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 2 || history[0].Verb != "roadmap_item.updated" || history[0].Changes["confidence"].To != "committed" {
		t.Fatalf("history: %+v", history)
	}
}

func TestRoadmapEpicLinks(t *testing.T) {
	db := pgtest.NewDB(t)
	fx := newDecFixture(t, db, "rmlinks")
	other := newDecFixture(t, db, "rmlinks-other")
	ctx := context.Background()
	pm := fx.as(sightline.RolePM)
	item, err := db.CreateRoadmapItem(ctx, pm, fx.ws.ID, rmItem("Release 2.4", "2027-04-01", "2027-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	theirItem, err := db.CreateRoadmapItem(ctx, other.as(sightline.RolePM), other.ws.ID, rmItem("Theirs", "2027-04-01", "2027-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	epic := mustExecID(t, db, `INSERT INTO epics (workspace_id, kind, title, problem, estimate_size) VALUES ($1, 'product', 'Collaborators', 'p', 'M') RETURNING id`, fx.ws.ID)
	theirEpic := mustExecID(t, db, `INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', 'Theirs', 'p') RETURNING id`, other.ws.ID)

	for range 2 { // linking twice is a no-op
		if err := db.LinkRoadmapEpic(ctx, pm, fx.ws.ID, item.ID, epic); err != nil {
			t.Fatal(err)
		}
	}
	err = db.LinkRoadmapEpic(ctx, pm, fx.ws.ID, item.ID, theirEpic)
	wantCode(t, err, sightline.ENOTFOUND)
	if sightline.FieldErrors(err)["epic_id"] == "" {
		t.Fatalf("no message on epic_id: %v", err)
	}
	err = db.LinkRoadmapEpic(ctx, pm, fx.ws.ID, theirItem.ID, epic)
	wantCode(t, err, sightline.ENOTFOUND)
	if sightline.FieldErrors(err)["roadmap_item_id"] == "" {
		t.Fatalf("no message on roadmap_item_id: %v", err)
	}
	// The database refuses a cross-workspace link with the store bypassed.
	_, err = db.Pool.Exec(ctx, `INSERT INTO epic_roadmap_items (workspace_id, epic_id, roadmap_item_id) VALUES ($1, $2, $3)`, fx.ws.ID, theirEpic, item.ID)
	decWantPgCode(t, err, "23503")
	_, err = db.Pool.Exec(ctx, `INSERT INTO epic_roadmap_items (workspace_id, epic_id, roadmap_item_id) VALUES ($1, $2, $3)`, other.ws.ID, theirEpic, item.ID)
	decWantPgCode(t, err, "23503")

	epics, err := db.RoadmapItemEpics(ctx, fx.ws.ID, item.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(epics) != 1 || epics[0].ID != epic || epics[0].EstimateSize != "M" || epics[0].Status != sightline.StatusIdea {
		t.Fatalf("epics: %+v", epics)
	}
	items, err := db.RoadmapItemsForEpic(ctx, fx.ws.ID, epic)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].ID != item.ID || items[0].EpicCount != 1 {
		t.Fatalf("items for the epic: %+v", items)
	}
	if items, _ := db.RoadmapItemsForEpic(ctx, other.ws.ID, epic); len(items) != 0 {
		t.Fatalf("seen from another workspace: %+v", items)
	}
	// Both histories tell.
	for _, q := range []struct {
		typ string
		id  int64
	}{{"roadmap_item", item.ID}, {"epic", epic}} {
		var n int
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM activity WHERE workspace_id = $1 AND item_type = $2 AND item_id = $3 AND verb = 'roadmap_item.linked'`,
			fx.ws.ID, q.typ, q.id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("%s history has %d link entries, want 1", q.typ, n)
		}
	}
	for range 2 { // unlinking is idempotent
		if err := db.UnlinkRoadmapEpic(ctx, pm, fx.ws.ID, item.ID, epic); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, db.UnlinkRoadmapEpic(ctx, pm, fx.ws.ID, item.ID, theirEpic), sightline.ENOTFOUND)
	if epics, _ := db.RoadmapItemEpics(ctx, fx.ws.ID, item.ID); len(epics) != 0 {
		t.Fatalf("still linked: %+v", epics)
	}
}
