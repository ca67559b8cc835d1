package postgres_test

import (
	"context"
	"testing"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

// nfrFixture is a workspace with an architect to act as, and raw-SQL helpers
// for the rows other areas own (epics, architecture items).
type nfrFixture struct {
	db    *postgres.DB
	ws    *sightline.Workspace
	actor postgres.Actor
}

func newNFRFixture(t *testing.T, db *postgres.DB, slug string) nfrFixture {
	t.Helper()
	_, ws, members := mustWorkspace(t, db, slug)
	return nfrFixture{db: db, ws: ws, actor: postgres.Actor{UserID: members[sightline.RoleArchitect].UserID}}
}

func (fx nfrFixture) mustItem(t *testing.T, name string) int64 {
	t.Helper()
	var id int64
	if err := fx.db.Pool.QueryRow(context.Background(), `INSERT INTO arch_items (workspace_id, kind, name) VALUES ($1, 'container', $2) RETURNING id`,
		fx.ws.ID, name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func (fx nfrFixture) mustEpic(t *testing.T, title string) int64 {
	t.Helper()
	return painMustEpic(t, fx.db, fx.ws.ID, title)
}

func (fx nfrFixture) mustConcern(t *testing.T, category, title, status string, items ...int64) *sightline.Concern {
	t.Helper()
	c, err := fx.db.CreateConcern(context.Background(), fx.actor, fx.ws.ID, sightline.Concern{Category: category, Title: title, Status: status,
		Stimulus: "10× task updates during a Monday peak", Response: "stored and visible", Measure: "p99 update latency",
		Target: "200 ms", Current: "640 ms"}, items)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestConcernRegister(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	fx, other := newNFRFixture(t, db, "acme"), newNFRFixture(t, db, "globex")
	api, store := fx.mustItem(t, "Task API"), fx.mustItem(t, "Task store")
	theirs := other.mustItem(t, "Their API")

	latency := fx.mustConcern(t, "performance", "p99 under 200 ms", "violated", store, api, api)
	if len(latency.Items) != 2 || latency.Items[0].Name != "Task API" || latency.Items[1].Name != "Task store" {
		t.Fatalf("items %+v", latency.Items)
	}
	fx.mustConcern(t, "performance", "Board loads under 1 s", "met")
	fx.mustConcern(t, "availability", "99.9% monthly", "at_risk", api)
	other.mustConcern(t, "performance", "Theirs", "open")

	// A foreign item is refused next to the field, and nothing is created.
	_, err := db.CreateConcern(ctx, fx.actor, fx.ws.ID, sightline.Concern{Category: "cost", Title: "x", Status: "open"}, []int64{api, theirs})
	if sightline.FieldErrors(err)["item_id"] == "" {
		t.Fatalf("foreign item: %v", err)
	}
	// Invalid fields are refused before the database.
	if _, err := db.CreateConcern(ctx, fx.actor, fx.ws.ID, sightline.Concern{Category: "usability", Status: "open"}, nil); sightline.ErrorCode(err) != sightline.EINVALID {
		t.Fatalf("invalid concern: %v", err)
	}

	// Epic counts: distinct epics whose impacts name the concern.
	e1, e2 := fx.mustEpic(t, "Collaborators"), fx.mustEpic(t, "Bulk edit")
	for _, e := range []int64{e1, e1, e2} {
		if _, err := db.CreateImpact(ctx, fx.actor, fx.ws.ID, e, sightline.NFRImpact{ConcernID: &latency.ID, Level: "high"}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := db.ListConcerns(ctx, fx.ws.ID, sightline.ConcernFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, c := range all {
		titles = append(titles, c.Title)
	}
	// By category in the register's order, the most worrying status first.
	want := []string{"99.9% monthly", "p99 under 200 ms", "Board loads under 1 s"}
	if len(titles) != 3 || titles[0] != want[0] || titles[1] != want[1] || titles[2] != want[2] {
		t.Fatalf("register %v, want %v", titles, want)
	}
	if all[1].EpicCount != 2 || len(all[1].Items) != 2 {
		t.Errorf("latency overview: %d epics, %d items", all[1].EpicCount, len(all[1].Items))
	}
	perf, _ := db.ListConcerns(ctx, fx.ws.ID, sightline.ConcernFilter{Category: "performance", Status: "met"})
	if len(perf) != 1 || perf[0].Title != "Board loads under 1 s" {
		t.Errorf("filtered: %+v", perf)
	}

	// Concerns for an item, and the picker.
	onAPI, _ := db.ConcernsForItem(ctx, fx.ws.ID, api)
	if len(onAPI) != 2 || onAPI[0].Status != "violated" {
		t.Errorf("concerns on the API: %+v", onAPI)
	}
	if l, _ := db.ConcernsForItem(ctx, fx.ws.ID, theirs); len(l) != 0 {
		t.Errorf("their item's concerns leak: %+v", l)
	}
	picker, _ := db.ListConcernsForPicker(ctx, fx.ws.ID)
	if len(picker) != 3 {
		t.Errorf("picker %+v", picker)
	}
	choices, _ := db.ConcernItemChoices(ctx, fx.ws.ID)
	if len(choices) != 2 {
		t.Errorf("item choices %+v", choices)
	}

	// Another workspace's concern is not found.
	if _, err := db.ConcernByID(ctx, other.ws.ID, latency.ID); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Errorf("foreign concern: %v", err)
	}
}

func TestConcernUpdateAttachDetach(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	fx, other := newNFRFixture(t, db, "acme"), newNFRFixture(t, db, "globex")
	api := fx.mustItem(t, "Task API")
	theirs := other.mustItem(t, "Their API")
	c := fx.mustConcern(t, "performance", "p99 under 200 ms", "violated")

	next := *c
	next.Current, next.Status = "180 ms", "met"
	saved, err := db.UpdateConcern(ctx, fx.actor, fx.ws.ID, c.ID, c.Version, next)
	if err != nil || saved.Version != c.Version+1 || saved.Status != "met" {
		t.Fatalf("%+v %v", saved, err)
	}
	// The same version again is stale.
	if _, err := db.UpdateConcern(ctx, fx.actor, fx.ws.ID, c.ID, c.Version, next); sightline.ErrorCode(err) != sightline.ECONFLICT {
		t.Fatalf("stale: %v", err)
	}
	// Another workspace cannot update it, even with the right version.
	if _, err := db.UpdateConcern(ctx, other.actor, other.ws.ID, c.ID, saved.Version, next); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("foreign update: %v", err)
	}

	// Attach twice: one row, one history entry; it does not change the version.
	for range 2 {
		if err := db.AttachConcernItem(ctx, fx.actor, fx.ws.ID, c.ID, api); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AttachConcernItem(ctx, fx.actor, fx.ws.ID, c.ID, theirs); sightline.FieldErrors(err)["item_id"] == "" {
		t.Fatalf("foreign item attached: %v", err)
	}
	if err := db.AttachConcernItem(ctx, other.actor, other.ws.ID, c.ID, theirs); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("attach to a foreign concern: %v", err)
	}
	now, _ := db.ConcernByID(ctx, fx.ws.ID, c.ID)
	if len(now.Items) != 1 || now.Version != saved.Version {
		t.Fatalf("after attach: %+v", now)
	}
	// Detach twice: a no-op the second time; a foreign item is not found.
	for range 2 {
		if err := db.DetachConcernItem(ctx, fx.actor, fx.ws.ID, c.ID, api); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DetachConcernItem(ctx, fx.actor, fx.ws.ID, c.ID, theirs); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("detach a foreign item: %v", err)
	}
	hist, _ := db.ItemHistory(ctx, fx.ws.ID, "concern", c.ID, 10)
	var verbs []string
	for _, a := range hist {
		verbs = append(verbs, a.Verb)
	}
	want := []string{"concern.item_detached", "concern.item_attached", "concern.updated", "concern.created"}
	if len(verbs) != len(want) {
		t.Fatalf("history %v, want %v", verbs, want)
	}
	for i := range want {
		if verbs[i] != want[i] {
			t.Fatalf("history %v, want %v", verbs, want)
		}
	}
	if ch := hist[2].Changes["status"]; ch.From != "violated" || ch.To != "met" {
		t.Errorf("status change %+v", ch)
	}
	// The item's history has the attach and the detach too.
	var n int
	_ = db.Pool.QueryRow(ctx, `SELECT count(*) FROM activity WHERE workspace_id = $1 AND item_type = 'arch_item' AND item_id = $2`, fx.ws.ID, api).Scan(&n)
	if n != 2 {
		t.Errorf("%d entries on the item's history, want 2", n)
	}
}
