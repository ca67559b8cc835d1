package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sightline/sightline/internal/sightline"
)

// archItemColumns reads an item with its parent's name.
const archItemColumns = `a.id, a.workspace_id, a.kind, a.name, a.parent_id, coalesce(p.name, ''),
	a.technology, a.owner_team, a.health, a.description, a.tech_debt, a.reviewed_at, a.version, a.created_at, a.updated_at`

// archItemListColumns is archItemColumns without the markdown bodies, which
// lists do not show and which can be long.
const archItemListColumns = `a.id, a.workspace_id, a.kind, a.name, a.parent_id, coalesce(p.name, ''),
	a.technology, a.owner_team, a.health, '', '', a.reviewed_at, a.version, a.created_at, a.updated_at`

// archItemJoin resolves the parent within the workspace.
const archItemJoin = ` FROM arch_items a LEFT JOIN arch_items p ON p.workspace_id = a.workspace_id AND p.id = a.parent_id `

func scanArchItem(row pgx.Row) (*sightline.ArchItem, error) {
	var it sightline.ArchItem
	err := row.Scan(&it.ID, &it.WorkspaceID, &it.Kind, &it.Name, &it.ParentID, &it.ParentName,
		&it.Technology, &it.OwnerTeam, &it.Health, &it.Description, &it.TechDebt, &it.ReviewedAt, &it.Version, &it.CreatedAt, &it.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &it, nil
}

func collectArchItem(row pgx.CollectableRow) (sightline.ArchItem, error) {
	it, err := scanArchItem(row)
	if err != nil {
		return sightline.ArchItem{}, err
	}
	return *it, nil
}

// ListArchItems returns every architecture item of a workspace with its
// parent's name, in hierarchy order (sightline.ArchTreeOrder: each system
// followed by its containers and their components, then what is not
// placed, then external systems), in one query. Description and TechDebt
// are left empty: load an item with ArchItemByID for them.
func (db *DB) ListArchItems(ctx context.Context, workspaceID int64) (_ []sightline.ArchItem, err error) {
	defer translateErr(&err, "store.ListArchItems")
	rows, err := db.Pool.Query(ctx, `SELECT `+archItemListColumns+archItemJoin+`WHERE a.workspace_id = $1`, workspaceID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, collectArchItem)
	if err != nil {
		return nil, err
	}
	return sightline.ArchTreeOrder(list), nil
}

// ListArchItemsForPicker lists every item of a workspace (id, kind, name,
// parent id and name, health) in hierarchy order, for "choose an item"
// selects.
func (db *DB) ListArchItemsForPicker(ctx context.Context, workspaceID int64) (_ []sightline.ArchItem, err error) {
	defer translateErr(&err, "store.ListArchItemsForPicker")
	rows, err := db.Pool.Query(ctx, `
		SELECT a.id, a.kind, a.name, a.parent_id, coalesce(p.name, ''), a.health`+archItemJoin+`
		WHERE a.workspace_id = $1`, workspaceID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.ArchItem, error) {
		it := sightline.ArchItem{WorkspaceID: workspaceID}
		err := row.Scan(&it.ID, &it.Kind, &it.Name, &it.ParentID, &it.ParentName, &it.Health)
		return it, err
	})
	if err != nil {
		return nil, err
	}
	return sightline.ArchTreeOrder(list), nil
}

// ArchItemByID returns one item of a workspace, with its markdown bodies.
func (db *DB) ArchItemByID(ctx context.Context, workspaceID, id int64) (_ *sightline.ArchItem, err error) {
	defer translateErr(&err, fmt.Sprintf("store.ArchItemByID(%d)", id))
	it, err := archItemByID(ctx, db.Pool, workspaceID, id)
	return it, err
}

// querier is a pool or a transaction.
func archItemByID(ctx context.Context, q querier, workspaceID, id int64) (*sightline.ArchItem, error) {
	return scanArchItem(q.QueryRow(ctx, `SELECT `+archItemColumns+archItemJoin+`WHERE a.workspace_id = $1 AND a.id = $2`, workspaceID, id))
}

// CreateArchItem creates an item. Its fields, its place in the hierarchy
// and its name's uniqueness are checked in the transaction; the parent row
// is share-locked so it cannot change kind meanwhile.
func (db *DB) CreateArchItem(ctx context.Context, actor Actor, workspaceID int64, it sightline.ArchItem) (_ *sightline.ArchItem, err error) {
	defer translateErr(&err, "store.CreateArchItem")
	it.ID = 0
	if err := sightline.CheckArchItem(&it).Err(); err != nil {
		return nil, err
	}
	var created *sightline.ArchItem
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		p := sightline.Problems{}
		if err := checkArchPlace(ctx, tx, workspaceID, &it, p); err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		if err := checkArchName(ctx, tx, workspaceID, &it); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO arch_items (workspace_id, kind, name, parent_id, technology, owner_team, health, description, tech_debt, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULLIF($10, 0), NULLIF($10, 0))
			RETURNING id`,
			workspaceID, it.Kind, it.Name, it.ParentID, it.Technology, it.OwnerTeam, it.Health, it.Description, it.TechDebt, actor.UserID).Scan(&id); err != nil {
			return archNameError(err, it.Name)
		}
		var err error
		if created, err = archItemByID(ctx, tx, workspaceID, id); err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "arch_item.created", ItemType: "arch_item", ItemID: id,
			Summary: created.Name, Changes: archItemChanges(&sightline.ArchItem{}, created)})
	})
	return created, err
}

// UpdateArchItem saves an item with optimistic locking. Saving counts as
// revisiting the item: reviewed_at moves to now even when no field changed
// (the history then says it was reviewed). An item with children keeps its
// kind; its new parent must fit its kind and must not sit inside it.
func (db *DB) UpdateArchItem(ctx context.Context, actor Actor, workspaceID, id int64, version int, it sightline.ArchItem) (_ *sightline.ArchItem, err error) {
	defer translateErr(&err, fmt.Sprintf("store.UpdateArchItem(%d)", id))
	it.ID = id
	if err := sightline.CheckArchItem(&it).Err(); err != nil {
		return nil, err
	}
	var saved *sightline.ArchItem
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var current, children int
		if err := tx.QueryRow(ctx, `SELECT version FROM arch_items WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, workspaceID, id).Scan(&current); err != nil {
			return err
		}
		if current != version {
			return staleVersion("architecture item")
		}
		cur, err := archItemByID(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		// Children are locked out by the row lock above: adding one share-locks this row.
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM arch_items WHERE workspace_id = $1 AND parent_id = $2`, workspaceID, id).Scan(&children); err != nil {
			return err
		}
		p := sightline.CheckArchKindChange(cur.Kind, it.Kind, children)
		if err := checkArchPlace(ctx, tx, workspaceID, &it, p); err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		if err := checkArchName(ctx, tx, workspaceID, &it); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			UPDATE arch_items SET kind = $4, name = $5, parent_id = $6, technology = $7, owner_team = $8, health = $9,
				description = $10, tech_debt = $11, reviewed_at = now(),
				version = version + 1, updated_at = now(), updated_by = NULLIF($12::bigint, 0)
			WHERE workspace_id = $1 AND id = $2 AND version = $3`,
			workspaceID, id, version, it.Kind, it.Name, it.ParentID, it.Technology, it.OwnerTeam, it.Health,
			it.Description, it.TechDebt, actor.UserID)
		if err != nil {
			return archNameError(err, it.Name)
		}
		if tag.RowsAffected() != 1 {
			return staleVersion("architecture item")
		}
		if saved, err = archItemByID(ctx, tx, workspaceID, id); err != nil {
			return err
		}
		changes := archItemChanges(cur, saved)
		verb := "arch_item.updated"
		if len(changes) == 0 {
			verb = "arch_item.reviewed"
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: verb, ItemType: "arch_item", ItemID: id,
			Summary: saved.Name, Changes: changes})
	})
	return saved, err
}

// checkArchPlace checks, under a share lock on the parent, that the parent
// is of this workspace, fits the item's kind and does not sit inside the
// item. Refusals go into p; the error is for database failures.
func checkArchPlace(ctx context.Context, tx pgx.Tx, workspaceID int64, it *sightline.ArchItem, p sightline.Problems) error {
	if it.ParentID == nil {
		return nil
	}
	parent, err := scanArchItem(tx.QueryRow(ctx, `SELECT `+archItemListColumns+archItemJoin+`
		WHERE a.workspace_id = $1 AND a.id = $2 FOR SHARE OF a`, workspaceID, *it.ParentID))
	if errors.Is(err, pgx.ErrNoRows) {
		p.Add("parent_id", "Choose one of this workspace's systems or containers.")
		return nil
	}
	if err != nil {
		return err
	}
	// The ids above the parent, nearest first (bounded, in case rows written
	// around the store loop).
	rows, err := tx.Query(ctx, `
		WITH RECURSIVE up (id, parent_id, depth) AS (
			SELECT id, parent_id, 0 FROM arch_items WHERE workspace_id = $1 AND id = $2
			UNION ALL
			SELECT a.id, a.parent_id, up.depth + 1
			FROM arch_items a JOIN up ON a.workspace_id = $1 AND a.id = up.parent_id
			WHERE up.depth < 32
		)
		SELECT id FROM up WHERE depth > 0 ORDER BY depth`, workspaceID, parent.ID)
	if err != nil {
		return err
	}
	above, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	for k, v := range sightline.CheckArchParent(it, parent, above) {
		p.Add(k, v)
	}
	return nil
}

// checkArchName refuses a name another item of the workspace already has,
// whatever its case.
func checkArchName(ctx context.Context, tx pgx.Tx, workspaceID int64, it *sightline.ArchItem) error {
	var taken bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM arch_items WHERE workspace_id = $1 AND lower(name) = lower($2) AND id <> $3)`,
		workspaceID, it.Name, it.ID).Scan(&taken); err != nil {
		return err
	}
	if taken {
		return archNameTaken(it.Name)
	}
	return nil
}

// archNameTaken is the conflict of a name already in use, shown next to the
// name field.
func archNameTaken(name string) error {
	msg := fmt.Sprintf("An item named “%s” already exists in this workspace; choose another name.", name)
	return &sightline.Error{Code: sightline.ECONFLICT, Message: msg, Fields: map[string]string{"name": msg}}
}

// archNameError turns a unique violation on the name (a concurrent save
// that won the race) into the same message as checkArchName.
func archNameError(err error, name string) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == pgUniqueViolation &&
		(pgErr.ConstraintName == "arch_items_name_key" || pgErr.ConstraintName == "arch_items_name_ci_key") {
		return archNameTaken(name)
	}
	return err
}

// relationColumns reads a relation with the names of both ends.
const relationColumns = `r.id, r.workspace_id, r.source_id, s.name, r.target_id, t.name, r.label, r.technology, r.version
	FROM arch_relations r
	JOIN arch_items s ON s.workspace_id = r.workspace_id AND s.id = r.source_id
	JOIN arch_items t ON t.workspace_id = r.workspace_id AND t.id = r.target_id`

func collectRelation(row pgx.CollectableRow) (sightline.ArchRelation, error) {
	var r sightline.ArchRelation
	err := row.Scan(&r.ID, &r.WorkspaceID, &r.SourceID, &r.SourceName, &r.TargetID, &r.TargetName, &r.Label, &r.Technology, &r.Version)
	return r, err
}

// ListRelations returns every relation of a workspace with the names of
// both ends, by source, target and label, in one query.
func (db *DB) ListRelations(ctx context.Context, workspaceID int64) (_ []sightline.ArchRelation, err error) {
	defer translateErr(&err, "store.ListRelations")
	rows, err := db.Pool.Query(ctx, `SELECT `+relationColumns+`
		WHERE r.workspace_id = $1
		ORDER BY lower(s.name), lower(t.name), lower(r.label), r.id`, workspaceID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, collectRelation)
	return list, err
}

// RelationsOfItem returns the relations into an item and out of it, in one
// query.
func (db *DB) RelationsOfItem(ctx context.Context, workspaceID, itemID int64) (in, out []sightline.ArchRelation, err error) {
	defer translateErr(&err, "store.RelationsOfItem")
	rows, err := db.Pool.Query(ctx, `SELECT `+relationColumns+`
		WHERE r.workspace_id = $1 AND (r.source_id = $2 OR r.target_id = $2)
		ORDER BY lower(s.name), lower(t.name), lower(r.label), r.id`, workspaceID, itemID)
	if err != nil {
		return nil, nil, err
	}
	list, err := pgx.CollectRows(rows, collectRelation)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range list {
		if r.SourceID == itemID {
			out = append(out, r)
		}
		if r.TargetID == itemID {
			in = append(in, r)
		}
	}
	return in, out, nil
}

// CreateRelation adds a relation from the item itemID to rel.TargetID. Both
// must be items of the workspace (the target's absence is a refusal next to
// its field; the source's is not found); the same relation (target and
// label, whatever the case) is not added twice.
func (db *DB) CreateRelation(ctx context.Context, actor Actor, workspaceID, itemID int64, rel sightline.ArchRelation) (_ *sightline.ArchRelation, err error) {
	defer translateErr(&err, "store.CreateRelation")
	rel.SourceID = itemID
	if err := sightline.CheckRelation(itemID, &rel).Err(); err != nil {
		return nil, err
	}
	var created *sightline.ArchRelation
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		// Share-lock both ends: neither can be deleted while the relation is written.
		rows, err := tx.Query(ctx, `SELECT id, name FROM arch_items WHERE workspace_id = $1 AND id = ANY($2) FOR SHARE`,
			workspaceID, []int64{itemID, rel.TargetID})
		if err != nil {
			return err
		}
		names := map[int64]string{}
		var id int64
		var name string
		if _, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { names[id] = name; return nil }); err != nil {
			return err
		}
		if _, ok := names[itemID]; !ok {
			return pgx.ErrNoRows
		}
		if _, ok := names[rel.TargetID]; !ok {
			return sightline.Problems{"target_id": "Choose one of this workspace's items."}.Err()
		}
		var dup bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM arch_relations
			WHERE workspace_id = $1 AND source_id = $2 AND target_id = $3 AND lower(label) = lower($4))`,
			workspaceID, itemID, rel.TargetID, rel.Label).Scan(&dup); err != nil {
			return err
		}
		if dup {
			msg := fmt.Sprintf("“%s → %s: %s” is already recorded.", names[itemID], names[rel.TargetID], rel.Label)
			return &sightline.Error{Code: sightline.ECONFLICT, Message: msg, Fields: map[string]string{"label": msg}}
		}
		var relID int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO arch_relations (workspace_id, source_id, target_id, label, technology, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, NULLIF($6, 0), NULLIF($6, 0)) RETURNING id`,
			workspaceID, itemID, rel.TargetID, rel.Label, rel.Technology, actor.UserID).Scan(&relID); err != nil {
			return err
		}
		r, err := relationByID(ctx, tx, workspaceID, relID)
		if err != nil {
			return err
		}
		created = r
		return recordRelation(ctx, tx, actor, workspaceID, "arch_relation.added", r)
	})
	return created, err
}

func relationByID(ctx context.Context, tx pgx.Tx, workspaceID, id int64) (*sightline.ArchRelation, error) {
	rows, err := tx.Query(ctx, `SELECT `+relationColumns+` WHERE r.workspace_id = $1 AND r.id = $2`, workspaceID, id)
	if err != nil {
		return nil, err
	}
	r, err := pgx.CollectExactlyOneRow(rows, collectRelation)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteRelation removes a relation of the item itemID (into or out of it)
// with optimistic locking. A relation of another item or workspace, or one
// already removed, is not found.
func (db *DB) DeleteRelation(ctx context.Context, actor Actor, workspaceID, itemID, relationID int64, version int) (err error) {
	defer translateErr(&err, fmt.Sprintf("store.DeleteRelation(%d)", relationID))
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var current int
		if err := tx.QueryRow(ctx, `SELECT version FROM arch_relations
			WHERE workspace_id = $1 AND id = $2 AND (source_id = $3 OR target_id = $3) FOR UPDATE`,
			workspaceID, relationID, itemID).Scan(&current); err != nil {
			return err
		}
		if current != version {
			return staleVersion("relation")
		}
		r, err := relationByID(ctx, tx, workspaceID, relationID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM arch_relations WHERE workspace_id = $1 AND id = $2 AND version = $3`,
			workspaceID, relationID, version); err != nil {
			return err
		}
		return recordRelation(ctx, tx, actor, workspaceID, "arch_relation.removed", r)
	})
	return err
}

// RelationOfItem returns one relation into or out of the item itemID.
func (db *DB) RelationOfItem(ctx context.Context, workspaceID, itemID, relationID int64) (_ *sightline.ArchRelation, err error) {
	defer translateErr(&err, "store.RelationOfItem")
	rows, err := db.Pool.Query(ctx, `SELECT `+relationColumns+`
		WHERE r.workspace_id = $1 AND r.id = $2 AND (r.source_id = $3 OR r.target_id = $3)`, workspaceID, relationID, itemID)
	if err != nil {
		return nil, err
	}
	r, err := pgx.CollectExactlyOneRow(rows, collectRelation)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// recordRelation writes the history entry of a relation on both of its
// items.
func recordRelation(ctx context.Context, tx pgx.Tx, actor Actor, workspaceID int64, verb string, r *sightline.ArchRelation) error {
	text := r.SourceName + " → " + r.TargetName + ": " + r.Label
	if r.Technology != "" {
		text += " (" + r.Technology + ")"
	}
	change := sightline.Change{From: nil, To: text}
	if verb == "arch_relation.removed" {
		change = sightline.Change{From: text, To: nil}
	}
	for _, id := range []int64{r.SourceID, r.TargetID} {
		if err := record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: verb, ItemType: "arch_item", ItemID: id,
			Summary: text, Changes: map[string]sightline.Change{"relation": change}}); err != nil {
			return err
		}
	}
	return nil
}
