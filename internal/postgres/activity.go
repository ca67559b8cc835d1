package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// Actor is who performs a write and from where; every audited write takes one.
type Actor struct {
	UserID   int64  // 0 for anonymous (e.g. a failed sign-in)
	ClientIP string // as seen by the server
}

// entry is one audit row to write in the same transaction as the change.
type entry struct {
	WorkspaceID int64 // 0 for account-level events
	Verb        string
	ItemType    string
	ItemID      int64
	Summary     string
	Changes     map[string]sightline.Change
	Subject     string
}

// record writes an audit row inside tx. Every store method that changes data
// calls it before committing, so the change and its record land together.
func record(ctx context.Context, tx pgx.Tx, actor Actor, e entry) error {
	changes := []byte("{}")
	if len(e.Changes) > 0 {
		var err error
		if changes, err = json.Marshal(e.Changes); err != nil {
			return fmt.Errorf("record %s: %w", e.Verb, err)
		}
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO activity (workspace_id, actor_id, verb, item_type, item_id, summary, changes, client_ip, subject)
		VALUES (NULLIF($1, 0), NULLIF($2, 0), $3, $4, NULLIF($5, 0), $6, $7, $8, $9)`,
		e.WorkspaceID, actor.UserID, e.Verb, e.ItemType, e.ItemID, e.Summary, changes, actor.ClientIP, e.Subject)
	if err != nil {
		return fmt.Errorf("record %s: %w", e.Verb, err)
	}
	return nil
}

// activityColumns are what scanActivity reads, from activity a joined to its actor u.
const activityColumns = `a.id, a.workspace_id, a.actor_id, coalesce(u.name, ''), a.verb, a.item_type, a.item_id,
	a.summary, a.changes, a.client_ip, a.subject, a.created_at`

// ListActivity returns the newest activity of a workspace, newest first.
func (db *DB) ListActivity(ctx context.Context, workspaceID int64, limit int) (_ []sightline.Activity, err error) {
	defer translateErr(&err, "store.ListActivity")
	rows, err := db.Pool.Query(ctx, `
		SELECT `+activityColumns+`
		FROM activity a LEFT JOIN users u ON u.id = a.actor_id
		WHERE a.workspace_id = $1
		ORDER BY a.created_at DESC, a.id DESC
		LIMIT $2`, workspaceID, limit)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, scanActivity)
	return list, err
}

// ListAccountActivity returns account-level events (sign-ins) about an email, newest first.
func (db *DB) ListAccountActivity(ctx context.Context, email string, limit int) (_ []sightline.Activity, err error) {
	defer translateErr(&err, "store.ListAccountActivity")
	rows, err := db.Pool.Query(ctx, `
		SELECT `+activityColumns+`
		FROM activity a LEFT JOIN users u ON u.id = a.actor_id
		WHERE a.workspace_id IS NULL AND a.subject = $1
		ORDER BY a.created_at DESC, a.id DESC
		LIMIT $2`, email, limit)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, scanActivity)
	return list, err
}

// ItemHistory returns the activity about one item of a workspace (an epic,
// a pain, an architecture item, …), newest first: the history every item
// page shows.
func (db *DB) ItemHistory(ctx context.Context, workspaceID int64, itemType string, itemID int64, limit int) (_ []sightline.Activity, err error) {
	defer translateErr(&err, "store.ItemHistory")
	rows, err := db.Pool.Query(ctx, `
		SELECT `+activityColumns+`
		FROM activity a LEFT JOIN users u ON u.id = a.actor_id
		WHERE a.workspace_id = $1 AND a.item_type = $2 AND a.item_id = $3
		ORDER BY a.created_at DESC, a.id DESC
		LIMIT $4`, workspaceID, itemType, itemID, limit)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, scanActivity)
	return list, err
}

func scanActivity(row pgx.CollectableRow) (sightline.Activity, error) {
	var a sightline.Activity
	var changes []byte
	var at time.Time
	err := row.Scan(&a.ID, &a.WorkspaceID, &a.ActorID, &a.ActorName, &a.Verb, &a.ItemType, &a.ItemID,
		&a.Summary, &changes, &a.ClientIP, &a.Subject, &at)
	if err != nil {
		return a, err
	}
	a.CreatedAt = at
	if len(changes) > 2 {
		if err := json.Unmarshal(changes, &a.Changes); err != nil {
			return a, err
		}
	}
	return a, nil
}

// LatestChangeByOthers is the newest change to an item (comments aside: its
// thread shows them) made by someone else than the member asking, or nil.
func (db *DB) LatestChangeByOthers(ctx context.Context, workspaceID, userID int64, itemType string, itemID int64) (_ *sightline.Activity, err error) {
	defer translateErr(&err, "store.LatestChangeByOthers")
	rows, err := db.Pool.Query(ctx, `
		SELECT `+activityColumns+`
		FROM activity a LEFT JOIN users u ON u.id = a.actor_id
		WHERE a.workspace_id = $1 AND a.item_type = $2 AND a.item_id = $3
		  AND a.actor_id IS DISTINCT FROM $4 AND a.verb NOT LIKE 'comment.%'
		ORDER BY a.created_at DESC, a.id DESC
		LIMIT 1`, workspaceID, itemType, itemID, userID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, scanActivity)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

// ActivityBy returns what one member did in a workspace, newest first.
func (db *DB) ActivityBy(ctx context.Context, workspaceID, userID int64, limit int) (_ []sightline.Activity, err error) {
	defer translateErr(&err, "store.ActivityBy")
	rows, err := db.Pool.Query(ctx, `
		SELECT `+activityColumns+`
		FROM activity a LEFT JOIN users u ON u.id = a.actor_id
		WHERE a.workspace_id = $1 AND a.actor_id = $2
		ORDER BY a.created_at DESC, a.id DESC
		LIMIT $3`, workspaceID, userID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanActivity)
}
