package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sightline/sightline/internal/sightline"
)

// archLinkSelect reads epic ↔ item links with what both sides show: the
// epic's title, kind, status and quarter, the item's name and kind.
const archLinkSelect = `
	SELECT l.id, l.workspace_id, l.epic_id, e.title, e.kind, e.status, coalesce(e.target_quarter, ''),
	       l.item_id, i.name, i.kind, l.change_kind, l.note, l.version
	FROM epic_arch_links l
	JOIN epics e ON e.workspace_id = l.workspace_id AND e.id = l.epic_id
	JOIN arch_items i ON i.workspace_id = l.workspace_id AND i.id = l.item_id`

func scanArchLink(row pgx.CollectableRow) (sightline.ArchLink, error) {
	var l sightline.ArchLink
	err := row.Scan(&l.ID, &l.WorkspaceID, &l.EpicID, &l.EpicTitle, &l.EpicKind, &l.EpicStatus, &l.EpicQuarter,
		&l.ItemID, &l.ItemName, &l.ItemKind, &l.ChangeKind, &l.Note, &l.Version)
	return l, err
}

// LinksForEpic lists the architecture items an epic touches, by kind of
// change then item name.
func (db *DB) LinksForEpic(ctx context.Context, wsID, epicID int64) (_ []sightline.ArchLink, err error) {
	defer translateErr(&err, "store.LinksForEpic")
	rows, err := db.Pool.Query(ctx, archLinkSelect+` WHERE l.workspace_id = $1 AND l.epic_id = $2
		ORDER BY array_position($3::text[], l.change_kind), lower(i.name), l.id`, wsID, epicID, sightline.ChangeKinds)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, scanArchLink)
	return list, err
}

// LinksForItem lists the epics that touch an architecture item (with their
// title, kind, status and target quarter), soonest quarter first.
func (db *DB) LinksForItem(ctx context.Context, wsID, itemID int64) (_ []sightline.ArchLink, err error) {
	defer translateErr(&err, "store.LinksForItem")
	rows, err := db.Pool.Query(ctx, archLinkSelect+` WHERE l.workspace_id = $1 AND l.item_id = $2
		ORDER BY e.target_quarter NULLS LAST, lower(e.title), l.id`, wsID, itemID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, scanArchLink)
	return list, err
}

// ArchLinkByID returns one link of a workspace.
func (db *DB) ArchLinkByID(ctx context.Context, wsID, id int64) (_ *sightline.ArchLink, err error) {
	defer translateErr(&err, fmt.Sprintf("store.ArchLinkByID(%d)", id))
	l, err := archLinkByID(ctx, db.Pool, wsID, id)
	return l, err
}

func archLinkByID(ctx context.Context, q querier, wsID, id int64) (*sightline.ArchLink, error) {
	rows, err := q.Query(ctx, archLinkSelect+` WHERE l.workspace_id = $1 AND l.id = $2`, wsID, id)
	if err != nil {
		return nil, err
	}
	l, err := pgx.CollectExactlyOneRow(rows, scanArchLink)
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// LinkableItem returns an architecture item of the workspace (id, name,
// kind) for the link forms; another workspace's item is not found.
func (db *DB) LinkableItem(ctx context.Context, wsID, id int64) (_ *sightline.ArchItem, err error) {
	defer translateErr(&err, fmt.Sprintf("store.LinkableItem(%d)", id))
	it := sightline.ArchItem{WorkspaceID: wsID}
	err = db.Pool.QueryRow(ctx, `SELECT id, kind, name FROM arch_items WHERE workspace_id = $1 AND id = $2`, wsID, id).
		Scan(&it.ID, &it.Kind, &it.Name)
	if err != nil {
		return nil, err
	}
	return &it, nil
}

// duplicateLink is the refusal of a second link between the same epic and item.
func duplicateLink(epicTitle, itemName string) error {
	msg := fmt.Sprintf("“%s” is already linked to “%s”; edit that link instead of adding another.", epicTitle, itemName)
	return &sightline.Error{Code: sightline.ECONFLICT, Message: msg, Fields: map[string]string{"item_id": msg, "epic_id": msg}}
}

// CreateArchLink links an epic and an architecture item of the same
// workspace. A foreign or missing epic or item is refused next to its field
// (the database's foreign keys hold the same line); a second link between
// the same pair is a conflict next to the item field.
func (db *DB) CreateArchLink(ctx context.Context, actor Actor, wsID int64, l sightline.ArchLink) (_ *sightline.ArchLink, err error) {
	defer translateErr(&err, "store.CreateArchLink")
	if err := sightline.CheckArchLink(&l).Err(); err != nil {
		return nil, err
	}
	var saved *sightline.ArchLink
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var title, name *string
		var exists bool
		if err := tx.QueryRow(ctx, `
			SELECT (SELECT title FROM epics WHERE workspace_id = $1 AND id = $2),
			       (SELECT name FROM arch_items WHERE workspace_id = $1 AND id = $3),
			       EXISTS (SELECT 1 FROM epic_arch_links WHERE workspace_id = $1 AND epic_id = $2 AND item_id = $3)`,
			wsID, l.EpicID, l.ItemID).Scan(&title, &name, &exists); err != nil {
			return err
		}
		p := sightline.Problems{}
		if title == nil {
			p.Add("epic_id", "Choose one of this workspace's epics.")
		}
		if name == nil {
			p.Add("item_id", "Choose one of this workspace's architecture items.")
		}
		if err := p.Err(); err != nil {
			return err
		}
		if exists {
			return duplicateLink(*title, *name)
		}
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind, note, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, NULLIF($6, 0), NULLIF($6, 0))
			RETURNING id`, wsID, l.EpicID, l.ItemID, l.ChangeKind, l.Note, actor.UserID).Scan(&id)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.ConstraintName == "epic_arch_links_pair_key" {
			// Someone added the same link at the same moment.
			return duplicateLink(*title, *name)
		}
		if err != nil {
			return err
		}
		if saved, err = archLinkByID(ctx, tx, wsID, id); err != nil {
			return err
		}
		return recordArchLink(ctx, tx, actor, wsID, "archlink.added", &sightline.ArchLink{}, saved)
	})
	return saved, err
}

// UpdateArchLink saves a link's kind of change and note with optimistic
// locking: a missing or foreign link is not found, a stale version a conflict.
func (db *DB) UpdateArchLink(ctx context.Context, actor Actor, wsID, id int64, version int, l sightline.ArchLink) (_ *sightline.ArchLink, err error) {
	defer translateErr(&err, fmt.Sprintf("store.UpdateArchLink(%d)", id))
	if err := sightline.CheckArchLink(&l).Err(); err != nil {
		return nil, err
	}
	var saved *sightline.ArchLink
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := lockArchLink(ctx, tx, wsID, id, version)
		if err != nil {
			return err
		}
		if cur.ChangeKind == l.ChangeKind && cur.Note == l.Note {
			saved = cur
			return nil
		}
		tag, err := tx.Exec(ctx, `
			UPDATE epic_arch_links SET change_kind = $4, note = $5, version = version + 1, updated_at = now(), updated_by = NULLIF($6, 0)
			WHERE workspace_id = $1 AND id = $2 AND version = $3`, wsID, id, version, l.ChangeKind, l.Note, actor.UserID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return staleVersion("architecture link")
		}
		if saved, err = archLinkByID(ctx, tx, wsID, id); err != nil {
			return err
		}
		return recordArchLink(ctx, tx, actor, wsID, "archlink.updated", cur, saved)
	})
	return saved, err
}

// DeleteArchLink removes a link; the version the user saw is required.
func (db *DB) DeleteArchLink(ctx context.Context, actor Actor, wsID, id int64, version int) (err error) {
	defer translateErr(&err, fmt.Sprintf("store.DeleteArchLink(%d)", id))
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := lockArchLink(ctx, tx, wsID, id, version)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM epic_arch_links WHERE workspace_id = $1 AND id = $2`, wsID, id); err != nil {
			return err
		}
		gone := &sightline.ArchLink{EpicID: cur.EpicID, EpicTitle: cur.EpicTitle, ItemID: cur.ItemID, ItemName: cur.ItemName}
		return recordArchLink(ctx, tx, actor, wsID, "archlink.removed", cur, gone)
	})
	return err
}

func lockArchLink(ctx context.Context, tx pgx.Tx, wsID, id int64, version int) (*sightline.ArchLink, error) {
	var current int
	if err := tx.QueryRow(ctx, `SELECT version FROM epic_arch_links WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, wsID, id).
		Scan(&current); err != nil {
		return nil, err
	}
	if current != version {
		return nil, staleVersion("architecture link")
	}
	return archLinkByID(ctx, tx, wsID, id)
}

// recordArchLink writes a link change on the epic's history (naming the
// item) and on the item's (naming the epic).
func recordArchLink(ctx context.Context, tx pgx.Tx, actor Actor, wsID int64, verb string, a, b *sightline.ArchLink) error {
	diff := changes{}
	diff.text("change_kind", a.ChangeKind, b.ChangeKind)
	diff.text("note", a.Note, b.Note)
	onEpic, onItem := map[string]sightline.Change{}, map[string]sightline.Change{}
	for k, v := range diff {
		onEpic[k], onItem[k] = v, v
	}
	switch verb {
	case "archlink.added":
		onEpic["item"] = sightline.Change{From: nil, To: b.ItemName}
		onItem["epic"] = sightline.Change{From: nil, To: b.EpicTitle}
	case "archlink.removed":
		onEpic["item"] = sightline.Change{From: a.ItemName, To: nil}
		onItem["epic"] = sightline.Change{From: a.EpicTitle, To: nil}
	}
	if err := record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: verb, ItemType: "epic", ItemID: b.EpicID, Summary: b.ItemName,
		Changes: onEpic}); err != nil {
		return err
	}
	return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: verb, ItemType: "arch_item", ItemID: b.ItemID, Summary: b.EpicTitle,
		Changes: onItem})
}
