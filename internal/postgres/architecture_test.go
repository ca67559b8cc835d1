package postgres_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

// archFixture is a workspace with a member per role and helpers to model.
type archFixture struct{ epicFixture }

func newArchFixture(t *testing.T, slug string) archFixture {
	t.Helper()
	return archFixture{newEpicFixture(t, slug)}
}

func (fx archFixture) item(t *testing.T, kind sightline.ItemKind, name string, parent *sightline.ArchItem) *sightline.ArchItem {
	t.Helper()
	it := sightline.ArchItem{Kind: kind, Name: name, Health: sightline.HealthHealthy}
	if parent != nil {
		it.ParentID = &parent.ID
	}
	got, err := fx.db.CreateArchItem(context.Background(), fx.as(sightline.RoleArchitect), fx.ws.ID, it)
	if err != nil {
		t.Fatalf("create %s %q: %v", kind, name, err)
	}
	return got
}

// wantField fails unless err is an application error of the code with a
// message for the field containing want.
func wantField(t *testing.T, err error, code, field, want string) {
	t.Helper()
	wantCode(t, err, code)
	if msg := sightline.FieldErrors(err)[field]; !strings.Contains(msg, want) {
		t.Fatalf("%s message %q, want it to contain %q (all: %v)", field, msg, want, sightline.FieldErrors(err))
	}
}

func TestArchItemParentRules(t *testing.T) {
	fx := newArchFixture(t, "c4")
	ctx := context.Background()
	arch := fx.as(sightline.RoleArchitect)
	sys := fx.item(t, sightline.ItemSystem, "Taskly", nil)
	api := fx.item(t, sightline.ItemContainer, "Task API", sys)
	upd := fx.item(t, sightline.ItemComponent, "Update handler", api)
	ext := fx.item(t, sightline.ItemExternal, "Stripe", nil)
	if api.ParentName != "Taskly" || upd.ParentName != "Task API" || api.Version != 1 {
		t.Fatalf("created: %+v / %+v", api, upd)
	}
	// A container may wait for its system.
	fx.item(t, sightline.ItemContainer, "Not placed yet", nil)

	create := func(kind sightline.ItemKind, name string, parent int64) error {
		_, err := fx.db.CreateArchItem(ctx, arch, fx.ws.ID, sightline.ArchItem{Kind: kind, Name: name, ParentID: &parent, Health: sightline.HealthHealthy})
		return err
	}
	wantField(t, create(sightline.ItemContainer, "Nested", api.ID), sightline.EINVALID, "parent_id", "A container sits in a system")
	wantField(t, create(sightline.ItemComponent, "In a system", sys.ID), sightline.EINVALID, "parent_id", "Choose a container")
	wantField(t, create(sightline.ItemComponent, "In a component", upd.ID), sightline.EINVALID, "parent_id", "Choose a container")
	wantField(t, create(sightline.ItemComponent, "In an external", ext.ID), sightline.EINVALID, "parent_id", "Choose a container")
	wantField(t, create(sightline.ItemSystem, "Sub-system", sys.ID), sightline.EINVALID, "parent_id", "A system is top-level")
	wantField(t, create(sightline.ItemExternal, "Inside", sys.ID), sightline.EINVALID, "parent_id", "stands alone")
	wantField(t, create(sightline.ItemComponent, "Nowhere", 999999), sightline.EINVALID, "parent_id", "this workspace's")

	// An item with children keeps its kind; an empty one may change.
	up := func(it *sightline.ArchItem, change func(*sightline.ArchItem)) (*sightline.ArchItem, error) {
		next := *it
		change(&next)
		return fx.db.UpdateArchItem(ctx, arch, fx.ws.ID, it.ID, it.Version, next)
	}
	_, err := up(api, func(x *sightline.ArchItem) { x.Kind = sightline.ItemComponent; x.ParentID = nil })
	wantField(t, err, sightline.EINVALID, "kind", "1 component sits in this container")
	_, err = up(sys, func(x *sightline.ArchItem) { x.Kind = sightline.ItemExternal })
	wantField(t, err, sightline.EINVALID, "kind", "stays a system")
	// Moving the component to another container is fine.
	billing := fx.item(t, sightline.ItemContainer, "Billing", sys)
	moved, err := up(upd, func(x *sightline.ArchItem) { x.ParentID = &billing.ID })
	if err != nil || moved.ParentName != "Billing" {
		t.Fatalf("move: %v %+v", err, moved)
	}
	// A component becomes a container once it sits in a system.
	promoted, err := up(moved, func(x *sightline.ArchItem) { x.Kind = sightline.ItemContainer; x.ParentID = &sys.ID })
	if err != nil || promoted.Kind != sightline.ItemContainer {
		t.Fatalf("promote: %v", err)
	}

	// The hierarchy lists parents before children.
	list, err := fx.db.ListArchItems(ctx, fx.ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, it := range list {
		names = append(names, it.Name)
		if it.Description != "" {
			t.Error("the list carries descriptions")
		}
	}
	if got, want := strings.Join(names, ", "), "Taskly, Billing, Task API, Update handler, Not placed yet, Stripe"; got != want {
		t.Errorf("order %q, want %q", got, want)
	}
	picker, err := fx.db.ListArchItemsForPicker(ctx, fx.ws.ID)
	if err != nil || len(picker) != len(list) || picker[1].ParentName != "Taskly" {
		t.Errorf("picker: %v %+v", err, picker)
	}
}

func TestArchItemCyclesRefused(t *testing.T) {
	fx := newArchFixture(t, "cycles")
	ctx := context.Background()
	arch := fx.as(sightline.RoleArchitect)
	sys := fx.item(t, sightline.ItemSystem, "Taskly", nil)
	api := fx.item(t, sightline.ItemContainer, "Task API", sys)

	// Its own parent.
	self := *api
	self.ParentID = &api.ID
	_, err := fx.db.UpdateArchItem(ctx, arch, fx.ws.ID, api.ID, api.Version, self)
	wantField(t, err, sightline.EINVALID, "parent_id", "cannot be its own parent")
	// The system inside its own container.
	loop := *sys
	loop.ParentID = &api.ID
	_, err = fx.db.UpdateArchItem(ctx, arch, fx.ws.ID, sys.ID, sys.Version, loop)
	wantField(t, err, sightline.EINVALID, "parent_id", "“Task API” sits inside this item; making it the parent would make a loop.")
	// The database refuses the simplest loop on its own.
	if _, err := fx.db.Pool.Exec(ctx, `UPDATE arch_items SET parent_id = id WHERE id = $1`, api.ID); err == nil {
		t.Error("the database lets an item be its own parent")
	}

	// Rows looped around the store still list, and the store's walk up stops.
	a := fx.item(t, sightline.ItemContainer, "Loop A", nil)
	b := fx.item(t, sightline.ItemContainer, "Loop B", nil)
	for _, q := range []struct{ id, parent int64 }{{a.ID, b.ID}, {b.ID, a.ID}} {
		if _, err := fx.db.Pool.Exec(ctx, `UPDATE arch_items SET parent_id = $2 WHERE id = $1`, q.id, q.parent); err != nil {
			t.Fatal(err)
		}
	}
	list, err := fx.db.ListArchItems(ctx, fx.ws.ID)
	if err != nil || len(list) != 4 {
		t.Fatalf("list with a loop: %v, %d items", err, len(list))
	}
	comp := sightline.ArchItem{Kind: sightline.ItemComponent, Name: "Stuck", ParentID: &a.ID, Health: sightline.HealthHealthy}
	if _, err := fx.db.CreateArchItem(ctx, arch, fx.ws.ID, comp); err != nil {
		t.Fatalf("a component under a looped container: %v", err)
	}
	cur, _ := fx.db.ArchItemByID(ctx, fx.ws.ID, b.ID)
	next := *cur
	next.ParentID = &a.ID
	_, err = fx.db.UpdateArchItem(ctx, arch, fx.ws.ID, b.ID, cur.Version, next)
	wantField(t, err, sightline.EINVALID, "parent_id", "")
}

func TestArchItemNamesAreUnique(t *testing.T) {
	fx := newArchFixture(t, "names")
	other := newArchFixture(t, "names2")
	ctx := context.Background()
	arch := fx.as(sightline.RoleArchitect)
	sys := fx.item(t, sightline.ItemSystem, "Taskly", nil)
	fx.item(t, sightline.ItemContainer, "Task API", sys)

	_, err := fx.db.CreateArchItem(ctx, arch, fx.ws.ID, sightline.ArchItem{Kind: sightline.ItemContainer, Name: "task api", Health: sightline.HealthHealthy})
	wantField(t, err, sightline.ECONFLICT, "name", "An item named “task api” already exists in this workspace")
	// Another workspace may use the name.
	other.item(t, sightline.ItemContainer, "Task API", nil)
	// Renaming onto a taken name is the same conflict.
	billing := fx.item(t, sightline.ItemContainer, "Billing", sys)
	next := *billing
	next.Name = "TASK API"
	_, err = fx.db.UpdateArchItem(ctx, arch, fx.ws.ID, billing.ID, billing.Version, next)
	wantField(t, err, sightline.ECONFLICT, "name", "already exists")
	// The database backs the rule, whatever the case.
	if _, err := fx.db.Pool.Exec(ctx, `INSERT INTO arch_items (workspace_id, kind, name) VALUES ($1, 'system', 'TASKLY')`, fx.ws.ID); err == nil {
		t.Error("the database accepts a name that differs only in case")
	}

	// Two concurrent creates of one name: one wins, the other is told why.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = fx.db.CreateArchItem(ctx, arch, fx.ws.ID, sightline.ArchItem{Kind: sightline.ItemExternal, Name: "Stripe", Health: sightline.HealthHealthy})
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("concurrent creates: %v / %v", errs[0], errs[1])
	}
	for _, err := range errs {
		if err != nil {
			wantField(t, err, sightline.ECONFLICT, "name", "already exists")
		}
	}
}

func TestArchCrossWorkspaceRefused(t *testing.T) {
	fx := newArchFixture(t, "home")
	db := fx.db
	ctx := context.Background()
	arch := fx.as(sightline.RoleArchitect)
	// Another workspace in the same database.
	_, away, awayMembers := mustWorkspace(t, db, "away")
	awayArch := postgres.Actor{UserID: awayMembers[sightline.RoleArchitect].UserID}
	awaySys, err := db.CreateArchItem(ctx, awayArch, away.ID, sightline.ArchItem{Kind: sightline.ItemSystem, Name: "Globex", Health: sightline.HealthHealthy})
	if err != nil {
		t.Fatal(err)
	}
	awayAPI, err := db.CreateArchItem(ctx, awayArch, away.ID, sightline.ArchItem{Kind: sightline.ItemContainer, Name: "Globex API", ParentID: &awaySys.ID, Health: sightline.HealthHealthy})
	if err != nil {
		t.Fatal(err)
	}
	awayRel, err := db.CreateRelation(ctx, awayArch, away.ID, awayAPI.ID, sightline.ArchRelation{TargetID: awaySys.ID, Label: "reports to"})
	if err != nil {
		t.Fatal(err)
	}
	sys := fx.item(t, sightline.ItemSystem, "Taskly", nil)
	api := fx.item(t, sightline.ItemContainer, "Task API", sys)

	// Through the store: a foreign parent or target is refused at its field; foreign ids are not found.
	_, err = db.CreateArchItem(ctx, arch, fx.ws.ID, sightline.ArchItem{Kind: sightline.ItemContainer, Name: "Spy", ParentID: &awaySys.ID, Health: sightline.HealthHealthy})
	wantField(t, err, sightline.EINVALID, "parent_id", "this workspace's")
	_, err = db.CreateRelation(ctx, arch, fx.ws.ID, api.ID, sightline.ArchRelation{TargetID: awaySys.ID, Label: "leaks to"})
	wantField(t, err, sightline.EINVALID, "target_id", "this workspace's items")
	_, err = db.CreateRelation(ctx, arch, fx.ws.ID, awayAPI.ID, sightline.ArchRelation{TargetID: sys.ID, Label: "calls"})
	wantCode(t, err, sightline.ENOTFOUND)
	_, err = db.ArchItemByID(ctx, fx.ws.ID, awaySys.ID)
	wantCode(t, err, sightline.ENOTFOUND)
	_, err = db.UpdateArchItem(ctx, arch, fx.ws.ID, awaySys.ID, 1, sightline.ArchItem{Kind: sightline.ItemSystem, Name: "Mine", Health: sightline.HealthHealthy})
	wantCode(t, err, sightline.ENOTFOUND)
	wantCode(t, db.DeleteRelation(ctx, arch, fx.ws.ID, awayAPI.ID, awayRel.ID, 1), sightline.ENOTFOUND)
	wantCode(t, db.DeleteRelation(ctx, arch, fx.ws.ID, api.ID, awayRel.ID, 1), sightline.ENOTFOUND)
	_, err = db.RelationOfItem(ctx, fx.ws.ID, awayAPI.ID, awayRel.ID)
	wantCode(t, err, sightline.ENOTFOUND)
	in, out, err := db.RelationsOfItem(ctx, fx.ws.ID, awayAPI.ID)
	if err != nil || len(in)+len(out) != 0 {
		t.Errorf("relations of a foreign item: %v %v %v", in, out, err)
	}
	if h, err := db.ItemHistory(ctx, fx.ws.ID, "arch_item", awayAPI.ID, 10); err != nil || len(h) != 0 {
		t.Errorf("history of a foreign item: %v %v", h, err)
	}

	// Around the store: the database's foreign keys hold on their own.
	wantFK := func(sql string, args ...any) {
		t.Helper()
		_, err := db.Pool.Exec(ctx, sql, args...)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "23503" {
			t.Errorf("%s: %v, want a foreign-key violation", sql, err)
		}
	}
	wantFK(`INSERT INTO arch_items (workspace_id, kind, name, parent_id) VALUES ($1, 'container', 'Raw spy', $2)`, fx.ws.ID, awaySys.ID)
	wantFK(`UPDATE arch_items SET parent_id = $2 WHERE id = $1`, api.ID, awaySys.ID)
	wantFK(`INSERT INTO arch_relations (workspace_id, source_id, target_id, label) VALUES ($1, $2, $3, 'raw')`, fx.ws.ID, api.ID, awaySys.ID)
	wantFK(`INSERT INTO arch_relations (workspace_id, source_id, target_id, label) VALUES ($1, $2, $3, 'raw')`, fx.ws.ID, awayAPI.ID, sys.ID)
	wantFK(`UPDATE arch_relations SET target_id = $2 WHERE id = $1`, awayRel.ID, sys.ID)
}

func TestArchItemOptimisticLockingAndHistory(t *testing.T) {
	fx := newArchFixture(t, "locking")
	ctx := context.Background()
	arch, owner := fx.as(sightline.RoleArchitect), fx.as(sightline.RoleOwner)
	sys := fx.item(t, sightline.ItemSystem, "Taskly", nil)
	api := fx.item(t, sightline.ItemContainer, "Task API", sys)

	// Age the review, then edit: the edit counts as a review.
	if _, err := fx.db.Pool.Exec(ctx, `UPDATE arch_items SET reviewed_at = now() - interval '120 days' WHERE id = $1`, api.ID); err != nil {
		t.Fatal(err)
	}
	mine := *api
	mine.Health, mine.TechDebt, mine.Technology = sightline.HealthAtRisk, "Hot row on list counters.", "Go"
	saved, err := fx.db.UpdateArchItem(ctx, arch, fx.ws.ID, api.ID, api.Version, mine)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Version != 2 || saved.Health != sightline.HealthAtRisk || time.Since(saved.ReviewedAt) > time.Minute {
		t.Fatalf("saved: version %d health %s reviewed %v", saved.Version, saved.Health, saved.ReviewedAt)
	}
	// A second save from the same stale page is a conflict, not an overwrite.
	theirs := *api
	theirs.Health = sightline.HealthHealthy
	_, err = fx.db.UpdateArchItem(ctx, owner, fx.ws.ID, api.ID, api.Version, theirs)
	wantCode(t, err, sightline.ECONFLICT)
	if len(sightline.FieldErrors(err)) != 0 {
		t.Errorf("a stale version carries field messages: %v", err)
	}
	now, _ := fx.db.ArchItemByID(ctx, fx.ws.ID, api.ID)
	if now.Health != sightline.HealthAtRisk || now.Version != 2 {
		t.Fatalf("the stale save overwrote: %+v", now)
	}
	// Saving with nothing changed is a review.
	reviewed, err := fx.db.UpdateArchItem(ctx, owner, fx.ws.ID, api.ID, now.Version, *now)
	if err != nil || reviewed.Version != 3 {
		t.Fatalf("review: %v", err)
	}
	hist, err := fx.db.ItemHistory(ctx, fx.ws.ID, "arch_item", api.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var verbs []string
	for _, a := range hist {
		verbs = append(verbs, a.Verb)
	}
	if got := strings.Join(verbs, " "); got != "arch_item.reviewed arch_item.updated arch_item.created" {
		t.Errorf("history %q", got)
	}
	if c := hist[1].Changes["health"]; c.From != "healthy" || c.To != "at_risk" {
		t.Errorf("health change %+v", c)
	}
	if c := hist[2].Changes["parent"]; c.To != "Taskly" {
		t.Errorf("created with parent %+v", c)
	}
}

func TestArchRelations(t *testing.T) {
	fx := newArchFixture(t, "relations")
	ctx := context.Background()
	arch := fx.as(sightline.RoleArchitect)
	sys := fx.item(t, sightline.ItemSystem, "Taskly", nil)
	api := fx.item(t, sightline.ItemContainer, "Task API", sys)
	billing := fx.item(t, sightline.ItemContainer, "Billing", sys)
	db := fx.item(t, sightline.ItemContainer, "PostgreSQL", sys)

	rel, err := fx.db.CreateRelation(ctx, arch, fx.ws.ID, api.ID, sightline.ArchRelation{TargetID: billing.ID, Label: "publishes usage events", Technology: "Kafka"})
	if err != nil {
		t.Fatal(err)
	}
	if rel.SourceName != "Task API" || rel.TargetName != "Billing" || rel.Version != 1 {
		t.Fatalf("relation %+v", rel)
	}
	if _, err := fx.db.CreateRelation(ctx, arch, fx.ws.ID, billing.ID, sightline.ArchRelation{TargetID: db.ID, Label: "stores usage"}); err != nil {
		t.Fatal(err)
	}
	_, err = fx.db.CreateRelation(ctx, arch, fx.ws.ID, api.ID, sightline.ArchRelation{TargetID: billing.ID, Label: "Publishes usage events"})
	wantField(t, err, sightline.ECONFLICT, "label", "already recorded")
	_, err = fx.db.CreateRelation(ctx, arch, fx.ws.ID, api.ID, sightline.ArchRelation{TargetID: api.ID, Label: "calls itself"})
	wantField(t, err, sightline.EINVALID, "target_id", "cannot relate to itself")
	_, err = fx.db.CreateRelation(ctx, arch, fx.ws.ID, api.ID, sightline.ArchRelation{TargetID: db.ID})
	wantField(t, err, sightline.EINVALID, "label", "required")

	in, out, err := fx.db.RelationsOfItem(ctx, fx.ws.ID, billing.ID)
	if err != nil || len(in) != 1 || len(out) != 1 || in[0].SourceName != "Task API" || out[0].TargetName != "PostgreSQL" {
		t.Fatalf("relations of billing: in %+v out %+v %v", in, out, err)
	}
	all, err := fx.db.ListRelations(ctx, fx.ws.ID)
	if err != nil || len(all) != 2 {
		t.Fatalf("list: %v %v", all, err)
	}

	// Delete: of the item (either end), with the version.
	wantCode(t, fx.db.DeleteRelation(ctx, arch, fx.ws.ID, db.ID, rel.ID, 1), sightline.ENOTFOUND)
	wantCode(t, fx.db.DeleteRelation(ctx, arch, fx.ws.ID, billing.ID, rel.ID, 7), sightline.ECONFLICT)
	if err := fx.db.DeleteRelation(ctx, arch, fx.ws.ID, billing.ID, rel.ID, 1); err != nil {
		t.Fatal(err)
	}
	wantCode(t, fx.db.DeleteRelation(ctx, arch, fx.ws.ID, billing.ID, rel.ID, 1), sightline.ENOTFOUND)
	// Both ends' histories tell.
	for _, it := range []*sightline.ArchItem{api, billing} {
		h, err := fx.db.ItemHistory(ctx, fx.ws.ID, "arch_item", it.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if h[0].Verb != "arch_relation.removed" || h[0].Summary != "Task API → Billing: publishes usage events (Kafka)" {
			t.Errorf("%s history: %+v", it.Name, h[0])
		}
	}
	// Relations go with their items' workspace.
	var n int
	_ = fx.db.Pool.QueryRow(ctx, `SELECT count(*) FROM arch_relations WHERE workspace_id = $1`, fx.ws.ID).Scan(&n)
	if n != 1 {
		t.Errorf("%d relations left", n)
	}
}

// TestArchKindChangeRacesAChild checks the locks: a container becoming a
// component while a component is added under it ends with one of the two
// refused, never a component inside a component.
func TestArchKindChangeRacesAChild(t *testing.T) {
	db := pgtest.NewDB(t)
	_, ws, members := mustWorkspace(t, db, "race")
	ctx := context.Background()
	arch := postgres.Actor{UserID: members[sightline.RoleArchitect].UserID}
	for round := 0; round < 5; round++ {
		c, err := db.CreateArchItem(ctx, arch, ws.ID, sightline.ArchItem{Kind: sightline.ItemContainer, Name: "Box " + string(rune('A'+round)), Health: sightline.HealthHealthy})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			next := *c
			next.Kind = sightline.ItemComponent
			_, _ = db.UpdateArchItem(ctx, arch, ws.ID, c.ID, c.Version, next)
		}()
		go func() {
			defer wg.Done()
			_, _ = db.CreateArchItem(ctx, arch, ws.ID, sightline.ArchItem{Kind: sightline.ItemComponent, Name: "Part " + string(rune('A'+round)), ParentID: &c.ID, Health: sightline.HealthHealthy})
		}()
		wg.Wait()
	}
	var bad int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM arch_items c JOIN arch_items p ON p.workspace_id = c.workspace_id AND p.id = c.parent_id
		WHERE c.workspace_id = $1 AND c.kind = 'component' AND p.kind <> 'container'`, ws.ID).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d components ended up outside a container", bad)
	}
}
