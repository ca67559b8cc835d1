package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/sightline"
)

func TestArchLinkLifecycle(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	fx, other := newNFRFixture(t, db, "acme"), newNFRFixture(t, db, "globex")
	epic, item := fx.mustEpic(t, "Collaborators"), fx.mustItem(t, "User management")
	api := fx.mustItem(t, "Task API")
	theirEpic, theirItem := other.mustEpic(t, "Theirs"), other.mustItem(t, "Their API")

	l, err := db.CreateArchLink(ctx, fx.actor, fx.ws.ID, sightline.ArchLink{EpicID: epic, ItemID: item, ChangeKind: "change", Note: "Lists get memberships."})
	if err != nil {
		t.Fatal(err)
	}
	if l.EpicTitle != "Collaborators" || l.ItemName != "User management" || l.EpicStatus != sightline.StatusIdea {
		t.Fatalf("created %+v", l)
	}
	if _, err := db.CreateArchLink(ctx, fx.actor, fx.ws.ID, sightline.ArchLink{EpicID: epic, ItemID: api, ChangeKind: "new"}); err != nil {
		t.Fatal(err)
	}

	// A second link between the same pair is a conflict next to the item.
	_, err = db.CreateArchLink(ctx, fx.actor, fx.ws.ID, sightline.ArchLink{EpicID: epic, ItemID: item, ChangeKind: "extend"})
	if sightline.ErrorCode(err) != sightline.ECONFLICT || sightline.FieldErrors(err)["item_id"] == "" {
		t.Fatalf("duplicate: %v", err)
	}
	// Foreign rows on either side are refused next to their field.
	_, err = db.CreateArchLink(ctx, fx.actor, fx.ws.ID, sightline.ArchLink{EpicID: epic, ItemID: theirItem, ChangeKind: "change"})
	if sightline.FieldErrors(err)["item_id"] == "" {
		t.Fatalf("foreign item: %v", err)
	}
	_, err = db.CreateArchLink(ctx, fx.actor, fx.ws.ID, sightline.ArchLink{EpicID: theirEpic, ItemID: item, ChangeKind: "change"})
	if sightline.FieldErrors(err)["epic_id"] == "" {
		t.Fatalf("foreign epic: %v", err)
	}
	// The database holds the line too: a link joining two workspaces violates a foreign key.
	_, err = db.Pool.Exec(ctx, `INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind) VALUES ($1, $2, $3, 'change')`,
		fx.ws.ID, epic, theirItem)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23503" {
		t.Fatalf("cross-workspace insert: %v", err)
	}
	_, err = db.Pool.Exec(ctx, `INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind) VALUES ($1, $2, $3, 'change')`,
		other.ws.ID, epic, theirItem)
	if !errors.As(err, &pgErr) || pgErr.Code != "23503" {
		t.Fatalf("cross-workspace insert from the other side: %v", err)
	}

	// Both sides list it.
	onEpic, _ := db.LinksForEpic(ctx, fx.ws.ID, epic)
	if len(onEpic) != 2 || onEpic[0].ChangeKind != "new" {
		t.Fatalf("epic's links %+v", onEpic)
	}
	onItem, _ := db.LinksForItem(ctx, fx.ws.ID, item)
	if len(onItem) != 1 || onItem[0].EpicID != epic {
		t.Fatalf("item's links %+v", onItem)
	}
	if l, _ := db.LinksForItem(ctx, other.ws.ID, item); len(l) != 0 {
		t.Fatalf("links leak to another workspace: %+v", l)
	}

	// Edit with the version; stale is a conflict; foreign is not found.
	saved, err := db.UpdateArchLink(ctx, fx.actor, fx.ws.ID, l.ID, l.Version, sightline.ArchLink{ChangeKind: "retire", Note: "Single ownership goes."})
	if err != nil || saved.ChangeKind != "retire" || saved.Version != l.Version+1 {
		t.Fatalf("%+v %v", saved, err)
	}
	if _, err := db.UpdateArchLink(ctx, fx.actor, fx.ws.ID, l.ID, l.Version, sightline.ArchLink{ChangeKind: "new"}); sightline.ErrorCode(err) != sightline.ECONFLICT {
		t.Errorf("stale: %v", err)
	}
	if _, err := db.UpdateArchLink(ctx, other.actor, other.ws.ID, l.ID, saved.Version, sightline.ArchLink{ChangeKind: "new"}); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Errorf("foreign: %v", err)
	}
	if err := db.DeleteArchLink(ctx, fx.actor, fx.ws.ID, l.ID, l.Version); sightline.ErrorCode(err) != sightline.ECONFLICT {
		t.Errorf("stale delete: %v", err)
	}
	if err := db.DeleteArchLink(ctx, fx.actor, fx.ws.ID, l.ID, saved.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ArchLinkByID(ctx, fx.ws.ID, l.ID); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Errorf("still there: %v", err)
	}

	// Every write is on the epic's history and on the item's.
	count := func(itemType string, id int64) (n int) {
		_ = db.Pool.QueryRow(ctx, `SELECT count(*) FROM activity WHERE workspace_id = $1 AND item_type = $2 AND item_id = $3 AND verb LIKE 'archlink.%'`,
			fx.ws.ID, itemType, id).Scan(&n)
		return n
	}
	if n := count("epic", epic); n != 4 {
		t.Errorf("%d link entries on the epic's history, want 4", n)
	}
	if n := count("arch_item", item); n != 3 {
		t.Errorf("%d link entries on the item's history, want 3", n)
	}
	hist, _ := db.ItemHistory(ctx, fx.ws.ID, "epic", epic, 1)
	if len(hist) != 1 || hist[0].Verb != "archlink.removed" || hist[0].Changes["item"].From != "User management" {
		t.Errorf("last entry %+v", hist)
	}
}
