package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// The API's lists page by id (a cursor is the last id seen): an edit or a
// new row never shifts a page under a program walking the list, and each
// page is an index range on (workspace_id, id) whatever its depth.

// ListEpicsAfter lists up to limit epics matching the backlog filter whose
// id is above after, by id.
func (db *DB) ListEpicsAfter(ctx context.Context, workspaceID int64, f sightline.EpicFilter, after int64, limit int) (_ []sightline.Epic, err error) {
	defer translateErr(&err, "store.ListEpicsAfter")
	f = f.Normalize()
	rows, err := db.Pool.Query(ctx, `
		WITH page AS (
			SELECT e.id FROM epics e
			WHERE `+backlogWhere+` AND e.id > $7
			ORDER BY e.id LIMIT $8
		)
		SELECT `+epicColumns+`
		FROM page JOIN epics e ON e.workspace_id = $1 AND e.id = page.id `+epicJoins+`
		ORDER BY e.id`,
		append(backlogArgs(workspaceID, f), after, limit)...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Epic, error) {
		e, err := scanEpic(row)
		if err != nil {
			return sightline.Epic{}, err
		}
		return *e, nil
	})
}

// ListPainsAfter lists up to limit pain notes matching the filter whose id
// is above after, by id.
func (db *DB) ListPainsAfter(ctx context.Context, wsID int64, f sightline.PainFilter, after int64, limit int) (_ []sightline.PainNote, err error) {
	defer translateErr(&err, "store.ListPainsAfter")
	f = f.Normalize()
	rows, err := db.Pool.Query(ctx, `SELECT `+painColumns+` FROM pain_notes p WHERE `+painFilterSQL+` AND p.id > $7
		ORDER BY p.id LIMIT $8`,
		wsID, string(f.Source), f.Segment, f.MinSeverity, f.Firsthand, f.Unlinked, after, limit)
	if err != nil {
		return nil, err
	}
	return collectPains(rows)
}

// ListDecisionsAfter lists up to limit decisions matching the decision
// log's filter whose id is above after, by id.
func (db *DB) ListDecisionsAfter(ctx context.Context, workspaceID int64, f sightline.DecisionFilter, today time.Time, after int64, limit int) (_ []sightline.Decision, err error) {
	defer translateErr(&err, "store.ListDecisionsAfter")
	f = f.Normalize()
	rows, err := db.Pool.Query(ctx, `
		WITH page AS (
			SELECT d.id FROM decisions d
			WHERE `+decisionLogFilter+` AND d.id > $6
			ORDER BY d.id LIMIT $7)
		SELECT `+decisionColumns+`, 0
		FROM page JOIN decisions d ON d.workspace_id = $1 AND d.id = page.id `+decisionJoins+`
		ORDER BY d.id`, workspaceID, f.Status, f.ItemID, f.RevisitDue, decisionDate(&today), after, limit)
	if err != nil {
		return nil, err
	}
	var total int
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Decision, error) {
		d, err := scanDecision(row, &total)
		if err != nil {
			return sightline.Decision{}, err
		}
		return *d, nil
	})
}
