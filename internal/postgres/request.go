package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// Requests (the rules in sightline/request.go): a member asks others for a
// piece of work on an item. The ask is audited with the item's history;
// each recipient's inbox gets it (trigger requests_inbox) and it closes by
// itself where the work lands (migration 00013's triggers).

// AskFor asks recipients for kind on an item (an epic, a decision). Asking
// for a feasibility check-in also marks the epic's check-in requested.
// Asking someone who already has the same open request is no news to them.
func (db *DB) AskFor(ctx context.Context, actor Actor, wsID int64, kind sightline.RequestKind, itemID int64, recipients []int64, note string) (err error) {
	defer translateErr(&err, "store.AskFor")
	itemType := kind.ItemType()
	return db.inTx(ctx, func(tx pgx.Tx) error {
		target, err := commentTarget(ctx, tx, wsID, itemType, itemID)
		if err != nil {
			return err
		}
		members := map[int64]sightline.Role{}
		names := map[int64]string{}
		rows, err := tx.Query(ctx, `SELECT m.user_id, m.role, u.name FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1`, wsID)
		if err != nil {
			return err
		}
		var uid int64
		var role sightline.Role
		var name string
		if _, err := pgx.ForEachRow(rows, []any{&uid, &role, &name}, func() error {
			members[uid], names[uid] = role, name
			return nil
		}); err != nil {
			return err
		}
		if err := sightline.CheckAsk(kind, recipients, members, note).Err(); err != nil {
			return err
		}
		if kind == sightline.RequestFeasibility {
			var f sightline.Feasibility
			if err := tx.QueryRow(ctx, `SELECT feasibility FROM epics WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, wsID, itemID).Scan(&f); err != nil {
				return err
			}
			switch f {
			case sightline.FeasibilityDone, sightline.FeasibilityWaived:
				return sightline.Errorf(sightline.ECONFLICT, "The feasibility check-in is already %s.", strings.ToLower(f.Label()))
			case sightline.FeasibilityNotRequested:
				if _, err := tx.Exec(ctx, `UPDATE epics SET feasibility = 'requested', feasibility_by = NULLIF($3, 0), feasibility_at = now(),
					version = version + 1, updated_at = now(), updated_by = NULLIF($3, 0) WHERE workspace_id = $1 AND id = $2`,
					wsID, itemID, actor.UserID); err != nil {
					return err
				}
				if err := record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "epic.feasibility_recorded", ItemType: "epic", ItemID: itemID,
					Summary: target.Title, Changes: map[string]sightline.Change{"feasibility": {From: string(f), To: string(sightline.FeasibilityRequested)}}}); err != nil {
					return err
				}
			}
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO requests (workspace_id, kind, item_type, item_id, recipient_id, requested_by, note)
			SELECT $1, $2, $3, $4, r, NULLIF($5, 0), $7 FROM unnest($6::bigint[]) AS r
			ON CONFLICT DO NOTHING`, wsID, kind, itemType, itemID, actor.UserID, recipients, note); err != nil {
			return err
		}
		var who []string
		for _, id := range recipients {
			who = append(who, names[id])
		}
		return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "request.asked", ItemType: itemType, ItemID: itemID,
			Summary: fmt.Sprintf("asked %s for %s", strings.Join(who, ", "), kind.Phrase()),
			Changes: map[string]sightline.Change{"request": {To: fmt.Sprintf("%s from %s", kind.Phrase(), strings.Join(who, ", "))}}})
	})
}

// MaxRequestsShown bounds the requests an item's page lists.
const MaxRequestsShown = 50

// RequestsOn lists an item's requests, open first, then newest, with each
// recipient's current role (none: they left), in one query.
func (db *DB) RequestsOn(ctx context.Context, wsID int64, itemType string, itemID int64) (_ []sightline.Request, err error) {
	defer translateErr(&err, "store.RequestsOn")
	rows, err := db.Pool.Query(ctx, `
		SELECT r.id, r.kind, r.item_type, r.item_id, r.recipient_id, u.name, coalesce(m.role, ''), coalesce(b.name, ''),
		       r.note, r.created_at, r.done_at, coalesce(d.name, '')
		FROM requests r
		JOIN users u ON u.id = r.recipient_id
		LEFT JOIN memberships m ON m.workspace_id = r.workspace_id AND m.user_id = r.recipient_id
		LEFT JOIN users b ON b.id = r.requested_by
		LEFT JOIN users d ON d.id = r.done_by
		WHERE r.workspace_id = $1 AND r.item_type = $2 AND r.item_id = $3
		ORDER BY r.done_at IS NOT NULL, r.created_at DESC, r.id DESC
		LIMIT $4`, wsID, itemType, itemID, MaxRequestsShown)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Request, error) {
		var r sightline.Request
		var done *time.Time
		err := row.Scan(&r.ID, &r.Kind, &r.ItemType, &r.ItemID, &r.RecipientID, &r.RecipientName, &r.RecipientRole, &r.RequestedBy,
			&r.Note, &r.CreatedAt, &done, &r.DoneBy)
		r.DoneAt = done
		return r, err
	})
}

// Watch starts or stops the member watching an item, by hand: a stop
// stays, whatever they later own, create or comment on there.
func (db *DB) Watch(ctx context.Context, actor Actor, wsID int64, itemType string, itemID int64, watching bool) (err error) {
	defer translateErr(&err, "store.Watch")
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := commentTarget(ctx, tx, wsID, itemType, itemID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO watches (workspace_id, user_id, item_type, item_id, watching, reason)
			VALUES ($1, $2, $3, $4, $5, 'chosen')
			ON CONFLICT (workspace_id, user_id, item_type, item_id)
			DO UPDATE SET watching = EXCLUDED.watching, reason = 'chosen', updated_at = now()`,
			wsID, actor.UserID, itemType, itemID, watching)
		return err
	})
}

// Watching reports whether the member watches the item, and why.
func (db *DB) Watching(ctx context.Context, wsID, userID int64, itemType string, itemID int64) (_ bool, _ string, err error) {
	defer translateErr(&err, "store.Watching")
	var on bool
	var reason string
	err = db.Pool.QueryRow(ctx, `SELECT watching, reason FROM watches WHERE workspace_id = $1 AND user_id = $2 AND item_type = $3 AND item_id = $4`,
		wsID, userID, itemType, itemID).Scan(&on, &reason)
	if err == pgx.ErrNoRows {
		return false, "", nil
	}
	return on, reason, err
}
