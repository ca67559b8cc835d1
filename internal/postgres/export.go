package postgres

import (
	"context"

	"github.com/sightline/sightline/internal/sightline"
)

// Exports stream every row a list's filter matches (not one page), in the
// list's order, one row at a time to fn: a CSV download of 50,000 pain
// notes never sits in memory whole.

// ExportPains hands fn every pain note the filter matches.
func (db *DB) ExportPains(ctx context.Context, wsID int64, f sightline.PainFilter, fn func(*sightline.PainNote) error) (err error) {
	defer translateErr(&err, "store.ExportPains")
	f = f.Normalize()
	rows, err := db.Pool.Query(ctx, `SELECT `+painColumns+` FROM pain_notes p WHERE `+painFilterSQL+`
		ORDER BY `+painOrders[f.Sort],
		wsID, string(f.Source), f.Segment, f.MinSeverity, f.Firsthand, f.Unlinked)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		n, err := scanPain(rows)
		if err != nil {
			return err
		}
		if err := fn(n); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ExportEpics hands fn every epic of the backlog the filter matches.
func (db *DB) ExportEpics(ctx context.Context, wsID int64, f sightline.EpicFilter, fn func(*sightline.Epic) error) (err error) {
	defer translateErr(&err, "store.ExportEpics")
	f = f.Normalize()
	var total int
	rows, err := db.Pool.Query(ctx, `SELECT `+epicColumns+`, 0 FROM epics e `+epicJoins+`
		WHERE `+backlogWhere+` ORDER BY `+epicOrder[f.Sort], backlogArgs(wsID, f)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEpic(rows, &total)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
