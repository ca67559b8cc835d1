package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// impactSelect reads NFR impacts with their epic's title, their concern's
// title and who attached them.
const impactSelect = `
	SELECT n.id, n.workspace_id, n.epic_id, e.title, n.category, n.concern_id, coalesce(c.title, ''), n.level,
	       n.note, n.required_work, n.version, coalesce(u.name, ''), n.updated_at
	FROM nfr_impacts n
	JOIN epics e ON e.workspace_id = n.workspace_id AND e.id = n.epic_id
	LEFT JOIN nfr_concerns c ON c.workspace_id = n.workspace_id AND c.id = n.concern_id
	LEFT JOIN users u ON u.id = n.created_by`

// impactOrder puts blocking impacts first, then by category in the
// register's order ($2: the levels lowest first, $3: the categories).
const impactOrder = `array_position($2::text[], n.level) DESC, array_position($3::text[], n.category), n.id`

func scanImpact(row pgx.CollectableRow) (sightline.NFRImpact, error) {
	var i sightline.NFRImpact
	err := row.Scan(&i.ID, &i.WorkspaceID, &i.EpicID, &i.EpicTitle, &i.Category, &i.ConcernID, &i.ConcernTitle, &i.Level,
		&i.Note, &i.RequiredWork, &i.Version, &i.CreatedBy, &i.UpdatedAt)
	return i, err
}

// ImpactsForEpic lists an epic's NFR impacts, blocking first.
func (db *DB) ImpactsForEpic(ctx context.Context, wsID, epicID int64) (_ []sightline.NFRImpact, err error) {
	defer translateErr(&err, "store.ImpactsForEpic")
	rows, err := db.Pool.Query(ctx, impactSelect+` WHERE n.workspace_id = $1 AND n.epic_id = $4 ORDER BY `+impactOrder,
		wsID, sightline.ImpactLevels, sightline.NFRCategories, epicID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, scanImpact)
	return list, err
}

// ImpactsForConcern lists the NFR impacts that name a concern, blocking
// first, with their epics' titles.
func (db *DB) ImpactsForConcern(ctx context.Context, wsID, concernID int64) (_ []sightline.NFRImpact, err error) {
	defer translateErr(&err, "store.ImpactsForConcern")
	rows, err := db.Pool.Query(ctx, impactSelect+` WHERE n.workspace_id = $1 AND n.concern_id = $3
		ORDER BY array_position($2::text[], n.level) DESC, lower(e.title), n.id`,
		wsID, sightline.ImpactLevels, concernID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, scanImpact)
	return list, err
}

// ImpactByID returns one NFR impact of an epic of the workspace; an impact
// of another epic or workspace is not found.
func (db *DB) ImpactByID(ctx context.Context, wsID, epicID, id int64) (_ *sightline.NFRImpact, err error) {
	defer translateErr(&err, fmt.Sprintf("store.ImpactByID(%d)", id))
	i, err := impactByID(ctx, db.Pool, wsID, epicID, id)
	return i, err
}

func impactByID(ctx context.Context, q querier, wsID, epicID, id int64) (*sightline.NFRImpact, error) {
	rows, err := q.Query(ctx, impactSelect+` WHERE n.workspace_id = $1 AND n.epic_id = $2 AND n.id = $3`, wsID, epicID, id)
	if err != nil {
		return nil, err
	}
	i, err := pgx.CollectExactlyOneRow(rows, scanImpact)
	if err != nil {
		return nil, err
	}
	return &i, nil
}

// resolveImpactConcern checks that the concern an impact names is of the
// workspace and applies sightline.ApplyImpactConcern; then checks the impact.
func resolveImpactConcern(ctx context.Context, tx pgx.Tx, wsID int64, i *sightline.NFRImpact) error {
	if i.ConcernID != nil {
		var category, title string
		err := tx.QueryRow(ctx, `SELECT category, title FROM nfr_concerns WHERE workspace_id = $1 AND id = $2`, wsID, *i.ConcernID).
			Scan(&category, &title)
		if errors.Is(err, pgx.ErrNoRows) {
			return sightline.Problems{"concern_id": "Choose one of this workspace's concerns, or none."}.Err()
		}
		if err != nil {
			return err
		}
		if err := sightline.ApplyImpactConcern(i, category, title).Err(); err != nil {
			return err
		}
		i.ConcernTitle = title
	}
	return sightline.CheckImpact(i).Err()
}

// CreateImpact attaches an NFR impact to an epic of the workspace (a missing
// or foreign epic is not found; a foreign concern is an invalid choice) and
// records it on the epic's history.
func (db *DB) CreateImpact(ctx context.Context, actor Actor, wsID, epicID int64, i sightline.NFRImpact) (_ *sightline.NFRImpact, err error) {
	defer translateErr(&err, "store.CreateImpact")
	var saved *sightline.NFRImpact
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var epicTitle string
		if err := tx.QueryRow(ctx, `SELECT title FROM epics WHERE workspace_id = $1 AND id = $2`, wsID, epicID).Scan(&epicTitle); err != nil {
			return err
		}
		if err := resolveImpactConcern(ctx, tx, wsID, &i); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO nfr_impacts (workspace_id, epic_id, category, concern_id, level, note, required_work, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, 0), NULLIF($8, 0))
			RETURNING id`,
			wsID, epicID, i.Category, i.ConcernID, i.Level, i.Note, i.RequiredWork, actor.UserID).Scan(&id); err != nil {
			return err
		}
		var err error
		if saved, err = impactByID(ctx, tx, wsID, epicID, id); err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "impact.added", ItemType: "epic", ItemID: epicID,
			Summary: impactSummary(saved), Changes: impactChanges(&sightline.NFRImpact{}, saved)})
	})
	return saved, err
}

// UpdateImpact saves an NFR impact with optimistic locking: an impact of
// another epic or workspace is not found, a stale version a conflict.
func (db *DB) UpdateImpact(ctx context.Context, actor Actor, wsID, epicID, id int64, version int, i sightline.NFRImpact) (_ *sightline.NFRImpact, err error) {
	defer translateErr(&err, fmt.Sprintf("store.UpdateImpact(%d)", id))
	var saved *sightline.NFRImpact
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := lockImpact(ctx, tx, wsID, epicID, id, version)
		if err != nil {
			return err
		}
		if err := resolveImpactConcern(ctx, tx, wsID, &i); err != nil {
			return err
		}
		changes := impactChanges(cur, &i)
		if len(changes) == 0 {
			saved = cur
			return nil
		}
		tag, err := tx.Exec(ctx, `
			UPDATE nfr_impacts SET category = $5, concern_id = $6, level = $7, note = $8, required_work = $9,
			       version = version + 1, updated_at = now(), updated_by = NULLIF($10, 0)
			WHERE workspace_id = $1 AND epic_id = $2 AND id = $3 AND version = $4`,
			wsID, epicID, id, version, i.Category, i.ConcernID, i.Level, i.Note, i.RequiredWork, actor.UserID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return staleVersion("NFR impact")
		}
		if saved, err = impactByID(ctx, tx, wsID, epicID, id); err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "impact.updated", ItemType: "epic", ItemID: epicID,
			Summary: impactSummary(saved), Changes: changes})
	})
	return saved, err
}

// DeleteImpact removes an NFR impact; the version the user saw is required,
// so a delete never removes what someone changed meanwhile.
func (db *DB) DeleteImpact(ctx context.Context, actor Actor, wsID, epicID, id int64, version int) (err error) {
	defer translateErr(&err, fmt.Sprintf("store.DeleteImpact(%d)", id))
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := lockImpact(ctx, tx, wsID, epicID, id, version)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM nfr_impacts WHERE workspace_id = $1 AND epic_id = $2 AND id = $3`, wsID, epicID, id); err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "impact.removed", ItemType: "epic", ItemID: epicID,
			Summary: impactSummary(cur), Changes: impactChanges(cur, &sightline.NFRImpact{})})
	})
	return err
}

// lockImpact locks an impact and checks the version the user saw: a missing
// or foreign impact is not found, a stale version a conflict.
func lockImpact(ctx context.Context, tx pgx.Tx, wsID, epicID, id int64, version int) (*sightline.NFRImpact, error) {
	var current int
	if err := tx.QueryRow(ctx, `SELECT version FROM nfr_impacts WHERE workspace_id = $1 AND epic_id = $2 AND id = $3 FOR UPDATE`,
		wsID, epicID, id).Scan(&current); err != nil {
		return nil, err
	}
	if current != version {
		return nil, staleVersion("NFR impact")
	}
	return impactByID(ctx, tx, wsID, epicID, id)
}

// impactSummary names an impact in the history: "Performance · high".
func impactSummary(i *sightline.NFRImpact) string {
	s := sightline.NFRCategoryLabel(i.Category) + " · " + i.Level
	if i.ConcernTitle != "" {
		s += " · " + i.ConcernTitle
	}
	return s
}
