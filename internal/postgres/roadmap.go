package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// roadmapColumns reads a roadmap item with the number of epics it delivers.
const roadmapColumns = `r.id, r.workspace_id, r.kind, r.title, r.description, r.starts_on, r.ends_on, r.confidence,
	(SELECT count(*) FROM epic_roadmap_items er WHERE er.workspace_id = r.workspace_id AND er.roadmap_item_id = r.id),
	r.version, r.updated_at`

func scanRoadmapItem(row pgx.Row) (*sightline.RoadmapItem, error) {
	var it sightline.RoadmapItem
	err := row.Scan(&it.ID, &it.WorkspaceID, &it.Kind, &it.Title, &it.Description, &it.StartsOn, &it.EndsOn,
		&it.Confidence, &it.EpicCount, &it.Version, &it.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &it, nil
}

func collectRoadmapItems(rows pgx.Rows) ([]sightline.RoadmapItem, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.RoadmapItem, error) {
		it, err := scanRoadmapItem(row)
		if err != nil {
			return sightline.RoadmapItem{}, err
		}
		return *it, nil
	})
}

// ListRoadmapItems returns the workspace's releases, milestones and themes
// by start date, each with its epic count, in one query.
func (db *DB) ListRoadmapItems(ctx context.Context, workspaceID int64) (_ []sightline.RoadmapItem, err error) {
	defer translateErr(&err, "store.ListRoadmapItems")
	rows, err := db.Pool.Query(ctx, `SELECT `+roadmapColumns+` FROM roadmap_items r
		WHERE r.workspace_id = $1 ORDER BY r.starts_on, r.ends_on, lower(r.title), r.id`, workspaceID)
	if err != nil {
		return nil, err
	}
	list, err := collectRoadmapItems(rows)
	return list, err
}

// RoadmapItemByID returns one roadmap item of the workspace.
func (db *DB) RoadmapItemByID(ctx context.Context, workspaceID, id int64) (_ *sightline.RoadmapItem, err error) {
	defer translateErr(&err, fmt.Sprintf("store.RoadmapItemByID(%d)", id))
	it, err := roadmapItemByID(ctx, db.Pool, workspaceID, id)
	return it, err
}

func roadmapItemByID(ctx context.Context, q querier, workspaceID, id int64) (*sightline.RoadmapItem, error) {
	return scanRoadmapItem(q.QueryRow(ctx, `SELECT `+roadmapColumns+` FROM roadmap_items r
		WHERE r.workspace_id = $1 AND r.id = $2`, workspaceID, id))
}

// RoadmapItemsForEpic lists the roadmap items an epic delivers into, by start date.
func (db *DB) RoadmapItemsForEpic(ctx context.Context, workspaceID, epicID int64) (_ []sightline.RoadmapItem, err error) {
	defer translateErr(&err, "store.RoadmapItemsForEpic")
	rows, err := db.Pool.Query(ctx, `SELECT `+roadmapColumns+`
		FROM epic_roadmap_items l JOIN roadmap_items r ON r.workspace_id = l.workspace_id AND r.id = l.roadmap_item_id
		WHERE l.workspace_id = $1 AND l.epic_id = $2
		ORDER BY r.starts_on, r.ends_on, lower(r.title), r.id`, workspaceID, epicID)
	if err != nil {
		return nil, err
	}
	list, err := collectRoadmapItems(rows)
	return list, err
}

// RoadmapItemEpics lists the epics a roadmap item delivers (id, title, kind,
// status, estimate, target quarter, committed date), by title.
func (db *DB) RoadmapItemEpics(ctx context.Context, workspaceID, roadmapItemID int64) (_ []sightline.Epic, err error) {
	defer translateErr(&err, "store.RoadmapItemEpics")
	rows, err := db.Pool.Query(ctx, `
		SELECT e.id, e.title, e.kind, e.status, coalesce(e.estimate_size, ''), coalesce(e.target_quarter, ''), e.committed_on
		FROM epic_roadmap_items l JOIN epics e ON e.workspace_id = l.workspace_id AND e.id = l.epic_id
		WHERE l.workspace_id = $1 AND l.roadmap_item_id = $2
		ORDER BY lower(e.title), e.id`, workspaceID, roadmapItemID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Epic, error) {
		e := sightline.Epic{WorkspaceID: workspaceID}
		err := row.Scan(&e.ID, &e.Title, &e.Kind, &e.Status, &e.EstimateSize, &e.TargetQuarter, &e.CommittedOn)
		return e, err
	})
	return list, err
}

// CreateRoadmapItem creates a release, milestone or theme.
func (db *DB) CreateRoadmapItem(ctx context.Context, actor Actor, workspaceID int64, it sightline.RoadmapItem) (_ *sightline.RoadmapItem, err error) {
	defer translateErr(&err, "store.CreateRoadmapItem")
	if err := sightline.CheckRoadmapItem(&it).Err(); err != nil {
		return nil, err
	}
	var created *sightline.RoadmapItem
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO roadmap_items (workspace_id, kind, title, description, starts_on, ends_on, confidence, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5::date, $6::date, $7, NULLIF($8::bigint, 0), NULLIF($8::bigint, 0))
			RETURNING id`,
			workspaceID, it.Kind, it.Title, it.Description, decisionDate(&it.StartsOn), decisionDate(&it.EndsOn),
			it.Confidence, actor.UserID).Scan(&id); err != nil {
			return err
		}
		var err error
		if created, err = roadmapItemByID(ctx, tx, workspaceID, id); err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "roadmap_item.created", ItemType: "roadmap_item", ItemID: id,
			Summary: created.Title, Changes: roadmapChanges(&sightline.RoadmapItem{}, created)})
	})
	return created, err
}

// UpdateRoadmapItem saves a roadmap item with optimistic locking: a missing
// or foreign id is not found, a stale version a conflict.
func (db *DB) UpdateRoadmapItem(ctx context.Context, actor Actor, workspaceID, id int64, version int, it sightline.RoadmapItem) (_ *sightline.RoadmapItem, err error) {
	defer translateErr(&err, fmt.Sprintf("store.UpdateRoadmapItem(%d)", id))
	if err := sightline.CheckRoadmapItem(&it).Err(); err != nil {
		return nil, err
	}
	var saved *sightline.RoadmapItem
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := scanRoadmapItem(tx.QueryRow(ctx, `SELECT `+roadmapColumns+` FROM roadmap_items r
			WHERE r.workspace_id = $1 AND r.id = $2 FOR UPDATE`, workspaceID, id))
		if err != nil {
			return err
		}
		if cur.Version != version {
			return staleVersion("roadmap item")
		}
		next := *cur
		next.Kind, next.Title, next.Description = it.Kind, it.Title, it.Description
		next.StartsOn, next.EndsOn, next.Confidence = it.StartsOn, it.EndsOn, it.Confidence
		changes := roadmapChanges(cur, &next)
		if len(changes) == 0 {
			saved = cur
			return nil
		}
		tag, err := tx.Exec(ctx, `
			UPDATE roadmap_items SET kind = $4, title = $5, description = $6, starts_on = $7::date, ends_on = $8::date,
			       confidence = $9, version = version + 1, updated_at = now(), updated_by = NULLIF($10::bigint, 0)
			WHERE workspace_id = $1 AND id = $2 AND version = $3`,
			workspaceID, id, version, next.Kind, next.Title, next.Description, decisionDate(&next.StartsOn),
			decisionDate(&next.EndsOn), next.Confidence, actor.UserID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return staleVersion("roadmap item")
		}
		if saved, err = roadmapItemByID(ctx, tx, workspaceID, id); err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "roadmap_item.updated", ItemType: "roadmap_item", ItemID: id,
			Summary: saved.Title, Changes: changes})
	})
	return saved, err
}

// roadmapLinkEnds resolves a roadmap item and an epic of the workspace;
// either missing (or another workspace's) is not found, with a message on
// the form field that would name it.
func roadmapLinkEnds(ctx context.Context, tx pgx.Tx, workspaceID, roadmapItemID, epicID int64) (item, epic string, err error) {
	var it, ep *string
	err = tx.QueryRow(ctx, `
		SELECT (SELECT title FROM roadmap_items WHERE workspace_id = $1 AND id = $2),
		       (SELECT title FROM epics WHERE workspace_id = $1 AND id = $3)`,
		workspaceID, roadmapItemID, epicID).Scan(&it, &ep)
	if err != nil {
		return "", "", err
	}
	notFound := func(field, msg string) error {
		return &sightline.Error{Code: sightline.ENOTFOUND, Message: msg, Fields: map[string]string{field: msg}}
	}
	if it == nil {
		return "", "", notFound("roadmap_item_id", "Choose one of this workspace's roadmap items.")
	}
	if ep == nil {
		return "", "", notFound("epic_id", "Choose one of this workspace's epics.")
	}
	return *it, *ep, nil
}

// LinkRoadmapEpic records that an epic delivers into a roadmap item (linking
// twice is a no-op); both sides' histories get an entry.
func (db *DB) LinkRoadmapEpic(ctx context.Context, actor Actor, workspaceID, roadmapItemID, epicID int64) (err error) {
	defer translateErr(&err, "store.LinkRoadmapEpic")
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		item, epic, err := roadmapLinkEnds(ctx, tx, workspaceID, roadmapItemID, epicID)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO epic_roadmap_items (workspace_id, epic_id, roadmap_item_id, created_by) VALUES ($1, $2, $3, NULLIF($4::bigint, 0))
			ON CONFLICT DO NOTHING`, workspaceID, epicID, roadmapItemID, actor.UserID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return recordRoadmapLink(ctx, tx, actor, workspaceID, "roadmap_item.linked", roadmapItemID, epicID, item, epic)
	})
	return err
}

// UnlinkRoadmapEpic removes the link; unlinking an absent link is a no-op,
// but both must be of the workspace.
func (db *DB) UnlinkRoadmapEpic(ctx context.Context, actor Actor, workspaceID, roadmapItemID, epicID int64) (err error) {
	defer translateErr(&err, "store.UnlinkRoadmapEpic")
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		item, epic, err := roadmapLinkEnds(ctx, tx, workspaceID, roadmapItemID, epicID)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM epic_roadmap_items WHERE workspace_id = $1 AND epic_id = $2 AND roadmap_item_id = $3`,
			workspaceID, epicID, roadmapItemID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return recordRoadmapLink(ctx, tx, actor, workspaceID, "roadmap_item.unlinked", roadmapItemID, epicID, item, epic)
	})
	return err
}

// recordRoadmapLink writes the link's entry on the roadmap item's and on the
// epic's history.
func recordRoadmapLink(ctx context.Context, tx pgx.Tx, actor Actor, workspaceID int64, verb string, itemID, epicID int64, item, epic string) error {
	linked := verb == "roadmap_item.linked"
	change := func(title string) sightline.Change {
		if linked {
			return sightline.Change{To: title}
		}
		return sightline.Change{From: title}
	}
	summary := epic + " → " + item
	if err := record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: verb, ItemType: "roadmap_item", ItemID: itemID,
		Summary: summary, Changes: map[string]sightline.Change{"epic": change(epic)}}); err != nil {
		return err
	}
	return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: verb, ItemType: "epic", ItemID: epicID,
		Summary: summary, Changes: map[string]sightline.Change{"roadmap_item": change(item)}})
}
