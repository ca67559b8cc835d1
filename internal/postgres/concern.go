package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// concernColumns reads a concern with its attached items (id, name, kind as
// JSON, by name) in the same row, so a list never queries per concern.
const concernColumns = `c.id, c.workspace_id, c.category, c.title, c.stimulus, c.response, c.measure, c.target,
	c.current_value, c.status, c.version, c.updated_at,
	(SELECT coalesce(json_agg(json_build_object('ID', i.id, 'Name', i.name, 'Kind', i.kind) ORDER BY lower(i.name), i.id), '[]')
	 FROM concern_items ci JOIN arch_items i ON i.workspace_id = ci.workspace_id AND i.id = ci.item_id
	 WHERE ci.workspace_id = c.workspace_id AND ci.concern_id = c.id)`

// concernOrder lists concerns by category (in the register's order), the
// most worrying status first, then by title.
const concernOrder = `array_position($2::text[], c.category), array_position($3::text[], c.status), lower(c.title), c.id`

// concernStatusesByWorry lists the statuses from the most to the least worrying.
var concernStatusesByWorry = func() []string {
	s := slices.Clone(sightline.ConcernStatuses)
	slices.SortFunc(s, func(a, b string) int { return sightline.ConcernStatusRank(a) - sightline.ConcernStatusRank(b) })
	return s
}()

func scanConcern(row pgx.Row, extra ...any) (*sightline.Concern, error) {
	var c sightline.Concern
	var items []byte
	dest := append([]any{&c.ID, &c.WorkspaceID, &c.Category, &c.Title, &c.Stimulus, &c.Response, &c.Measure, &c.Target,
		&c.Current, &c.Status, &c.Version, &c.UpdatedAt, &items}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(items, &c.Items); err != nil {
		return nil, fmt.Errorf("concern %d items: %w", c.ID, err)
	}
	for i := range c.Items {
		c.Items[i].WorkspaceID = c.WorkspaceID
	}
	return &c, nil
}

// ListConcerns returns the NFR register (or the part the filter keeps), each
// concern with its attached items and the number of epics whose NFR impacts
// name it, in one query.
func (db *DB) ListConcerns(ctx context.Context, wsID int64, f sightline.ConcernFilter) (_ []sightline.ConcernOverview, err error) {
	defer translateErr(&err, "store.ListConcerns")
	f = f.Normalize()
	rows, err := db.Pool.Query(ctx, `
		SELECT `+concernColumns+`,
		       (SELECT count(DISTINCT n.epic_id) FROM nfr_impacts n WHERE n.workspace_id = c.workspace_id AND n.concern_id = c.id)
		FROM nfr_concerns c
		WHERE c.workspace_id = $1 AND ($4 = '' OR c.category = $4) AND ($5 = '' OR c.status = $5)
		ORDER BY `+concernOrder,
		wsID, sightline.NFRCategories, concernStatusesByWorry, f.Category, f.Status)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.ConcernOverview, error) {
		var n int
		c, err := scanConcern(row, &n)
		if err != nil {
			return sightline.ConcernOverview{}, err
		}
		return sightline.ConcernOverview{Concern: *c, EpicCount: n}, nil
	})
	return list, err
}

// ConcernByID returns one concern of a workspace with its attached items.
func (db *DB) ConcernByID(ctx context.Context, wsID, id int64) (_ *sightline.Concern, err error) {
	defer translateErr(&err, fmt.Sprintf("store.ConcernByID(%d)", id))
	c, err := concernByID(ctx, db.Pool, wsID, id, false)
	return c, err
}

func concernByID(ctx context.Context, q querier, wsID, id int64, lock bool) (*sightline.Concern, error) {
	sql := `SELECT ` + concernColumns + ` FROM nfr_concerns c WHERE c.workspace_id = $1 AND c.id = $2`
	if lock {
		sql += ` FOR UPDATE OF c`
	}
	return scanConcern(q.QueryRow(ctx, sql, wsID, id))
}

// ListConcernsForPicker lists a workspace's concerns for a select (id,
// title, category, status), by category then title.
func (db *DB) ListConcernsForPicker(ctx context.Context, wsID int64) (_ []sightline.Concern, err error) {
	defer translateErr(&err, "store.ListConcernsForPicker")
	rows, err := db.Pool.Query(ctx, `
		SELECT c.id, c.category, c.title, c.status FROM nfr_concerns c
		WHERE c.workspace_id = $1
		ORDER BY array_position($2::text[], c.category), lower(c.title), c.id`, wsID, sightline.NFRCategories)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Concern, error) {
		c := sightline.Concern{WorkspaceID: wsID}
		err := row.Scan(&c.ID, &c.Category, &c.Title, &c.Status)
		return c, err
	})
	return list, err
}

// ConcernsForItem lists the concerns attached to an architecture item, the
// most worrying first (without their other items).
func (db *DB) ConcernsForItem(ctx context.Context, wsID, itemID int64) (_ []sightline.Concern, err error) {
	defer translateErr(&err, "store.ConcernsForItem")
	rows, err := db.Pool.Query(ctx, `
		SELECT c.id, c.workspace_id, c.category, c.title, c.stimulus, c.response, c.measure, c.target,
		       c.current_value, c.status, c.version, c.updated_at
		FROM concern_items ci JOIN nfr_concerns c ON c.workspace_id = ci.workspace_id AND c.id = ci.concern_id
		WHERE ci.workspace_id = $1 AND ci.item_id = $4
		ORDER BY array_position($3::text[], c.status), array_position($2::text[], c.category), lower(c.title), c.id`,
		wsID, sightline.NFRCategories, concernStatusesByWorry, itemID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Concern, error) {
		var c sightline.Concern
		err := row.Scan(&c.ID, &c.WorkspaceID, &c.Category, &c.Title, &c.Stimulus, &c.Response, &c.Measure, &c.Target,
			&c.Current, &c.Status, &c.Version, &c.UpdatedAt)
		return c, err
	})
	return list, err
}

// ConcernItemChoices lists a workspace's architecture items (id, name,
// kind) by name, for the register's "attach items" choices.
func (db *DB) ConcernItemChoices(ctx context.Context, wsID int64) (_ []sightline.ArchItem, err error) {
	defer translateErr(&err, "store.ConcernItemChoices")
	rows, err := db.Pool.Query(ctx, `SELECT id, kind, name FROM arch_items WHERE workspace_id = $1 ORDER BY lower(name), id`, wsID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.ArchItem, error) {
		it := sightline.ArchItem{WorkspaceID: wsID}
		err := row.Scan(&it.ID, &it.Kind, &it.Name)
		return it, err
	})
	return list, err
}

// CreateConcern adds a concern to the register, attached to the given items
// (each must be one of the workspace's architecture items).
func (db *DB) CreateConcern(ctx context.Context, actor Actor, wsID int64, c sightline.Concern, itemIDs []int64) (_ *sightline.Concern, err error) {
	defer translateErr(&err, "store.CreateConcern")
	if err := sightline.CheckConcern(&c).Err(); err != nil {
		return nil, err
	}
	slices.Sort(itemIDs)
	itemIDs = slices.Compact(itemIDs)
	var saved *sightline.Concern
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if len(itemIDs) > 0 {
			var found int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM arch_items WHERE workspace_id = $1 AND id = ANY($2)`, wsID, itemIDs).Scan(&found); err != nil {
				return err
			}
			if found != len(itemIDs) {
				return sightline.Problems{"item_id": "Choose items of this workspace's architecture."}.Err()
			}
		}
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO nfr_concerns (workspace_id, category, title, stimulus, response, measure, target, current_value, status,
			                          created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULLIF($10, 0), NULLIF($10, 0))
			RETURNING id`,
			wsID, c.Category, c.Title, c.Stimulus, c.Response, c.Measure, c.Target, c.Current, c.Status, actor.UserID).Scan(&id); err != nil {
			return err
		}
		if len(itemIDs) > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO concern_items (workspace_id, concern_id, item_id) SELECT $1, $2, unnest($3::bigint[])`,
				wsID, id, itemIDs); err != nil {
				return err
			}
		}
		var err error
		if saved, err = concernByID(ctx, tx, wsID, id, false); err != nil {
			return err
		}
		changes := concernChanges(&sightline.Concern{}, saved)
		if names := concernItemNames(saved.Items); names != "" {
			changes["items"] = sightline.Change{From: nil, To: names}
		}
		return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "concern.created", ItemType: "concern", ItemID: id,
			Summary: saved.Title, Changes: changes})
	})
	return saved, err
}

// UpdateConcern saves a concern's fields with optimistic locking: a missing
// or foreign id is not found, a stale version a conflict. Its items are
// attached and detached on their own and do not change its version.
func (db *DB) UpdateConcern(ctx context.Context, actor Actor, wsID, id int64, version int, c sightline.Concern) (_ *sightline.Concern, err error) {
	defer translateErr(&err, fmt.Sprintf("store.UpdateConcern(%d)", id))
	if err := sightline.CheckConcern(&c).Err(); err != nil {
		return nil, err
	}
	var saved *sightline.Concern
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := concernByID(ctx, tx, wsID, id, true)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return staleVersion("concern")
		}
		changes := concernChanges(cur, &c)
		if len(changes) == 0 {
			saved = cur
			return nil
		}
		tag, err := tx.Exec(ctx, `
			UPDATE nfr_concerns SET category = $4, title = $5, stimulus = $6, response = $7, measure = $8, target = $9,
			       current_value = $10, status = $11, version = version + 1, updated_at = now(), updated_by = NULLIF($12, 0)
			WHERE workspace_id = $1 AND id = $2 AND version = $3`,
			wsID, id, version, c.Category, c.Title, c.Stimulus, c.Response, c.Measure, c.Target, c.Current, c.Status, actor.UserID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return staleVersion("concern")
		}
		if saved, err = concernByID(ctx, tx, wsID, id, false); err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "concern.updated", ItemType: "concern", ItemID: id,
			Summary: saved.Title, Changes: changes})
	})
	return saved, err
}

// concernItemEnds returns a concern's title and an item's name, both of the
// workspace. A missing concern is not found; a missing item is an invalid
// choice of item.
func concernItemEnds(ctx context.Context, tx pgx.Tx, wsID, concernID, itemID int64) (title, name string, err error) {
	var t, n *string
	if err := tx.QueryRow(ctx, `
		SELECT (SELECT title FROM nfr_concerns WHERE workspace_id = $1 AND id = $2),
		       (SELECT name FROM arch_items WHERE workspace_id = $1 AND id = $3)`, wsID, concernID, itemID).Scan(&t, &n); err != nil {
		return "", "", err
	}
	if t == nil {
		return "", "", pgx.ErrNoRows
	}
	if n == nil {
		return "", "", sightline.Problems{"item_id": "Choose one of this workspace's architecture items."}.Err()
	}
	return *t, *n, nil
}

// AttachConcernItem attaches an architecture item to a concern. Attaching
// twice is a no-op. The item must be of the workspace (else EINVALID on
// item_id); the concern too (else not found).
func (db *DB) AttachConcernItem(ctx context.Context, actor Actor, wsID, concernID, itemID int64) (err error) {
	defer translateErr(&err, "store.AttachConcernItem")
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		title, name, err := concernItemEnds(ctx, tx, wsID, concernID, itemID)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO concern_items (workspace_id, concern_id, item_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			wsID, concernID, itemID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return recordConcernItem(ctx, tx, actor, wsID, "concern.item_attached", concernID, itemID, title, name)
	})
	return err
}

// DetachConcernItem detaches an item from a concern. Detaching an item that
// is not attached is a no-op, but both must be of the workspace (else not found).
func (db *DB) DetachConcernItem(ctx context.Context, actor Actor, wsID, concernID, itemID int64) (err error) {
	defer translateErr(&err, "store.DetachConcernItem")
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		title, name, err := concernItemEnds(ctx, tx, wsID, concernID, itemID)
		if sightline.ErrorCode(err) == sightline.EINVALID {
			return pgx.ErrNoRows
		}
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM concern_items WHERE workspace_id = $1 AND concern_id = $2 AND item_id = $3`,
			wsID, concernID, itemID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return recordConcernItem(ctx, tx, actor, wsID, "concern.item_detached", concernID, itemID, title, name)
	})
	return err
}

// recordConcernItem writes an attach or detach on the concern's history and
// on the item's.
func recordConcernItem(ctx context.Context, tx pgx.Tx, actor Actor, wsID int64, verb string, concernID, itemID int64, title, name string) error {
	ch := func(v string) sightline.Change {
		if verb == "concern.item_detached" {
			return sightline.Change{From: v, To: nil}
		}
		return sightline.Change{From: nil, To: v}
	}
	if err := record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: verb, ItemType: "concern", ItemID: concernID, Summary: name,
		Changes: map[string]sightline.Change{"item": ch(name)}}); err != nil {
		return err
	}
	return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: verb, ItemType: "arch_item", ItemID: itemID, Summary: title,
		Changes: map[string]sightline.Change{"concern": ch(title)}})
}

func concernItemNames(items []sightline.ArchItem) string {
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = it.Name
	}
	return strings.Join(names, ", ")
}
