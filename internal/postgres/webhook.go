package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// Webhooks and their outbox (migration 00018): a change's activity row
// becomes a delivery in the writing transaction; DeliverNext takes one due
// delivery with SKIP LOCKED, so any number of instances share the work and
// none sends a delivery another is sending.

const webhookColumns = `h.id, h.workspace_id, h.kind, h.name, h.url, h.events, h.secret, h.allowed_address,
	h.failures, h.paused_at, h.paused_reason, h.version, h.created_at`

func scanWebhook(row pgx.Row, extra ...any) (*sightline.Webhook, error) {
	var h sightline.Webhook
	dest := append([]any{&h.ID, &h.WorkspaceID, &h.Kind, &h.Name, &h.URL, &h.Events, &h.Secret, &h.AllowedAddress,
		&h.Failures, &h.PausedAt, &h.PausedReason, &h.Version, &h.CreatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return &h, nil
}

const deliveryColumns = `d.id, d.webhook_id, d.event, d.state, d.attempts, d.next_attempt_at, d.last_status, d.last_error,
	d.delivered_at, d.created_at, d.payload`

func scanDelivery(row pgx.Row) (*sightline.WebhookDelivery, error) {
	var d sightline.WebhookDelivery
	if err := row.Scan(&d.ID, &d.WebhookID, &d.Event, &d.State, &d.Attempts, &d.NextAttemptAt, &d.LastStatus, &d.LastError,
		&d.DeliveredAt, &d.CreatedAt, &d.Payload); err != nil {
		return nil, err
	}
	return &d, nil
}

// CreateWebhook adds a webhook (audited; the secret is not).
func (db *DB) CreateWebhook(ctx context.Context, actor Actor, wsID int64, h sightline.Webhook) (_ *sightline.Webhook, err error) {
	defer translateErr(&err, "store.CreateWebhook")
	var saved *sightline.Webhook
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		saved, err = scanWebhook(tx.QueryRow(ctx, `
			INSERT INTO webhooks AS h (workspace_id, kind, name, url, events, secret, allowed_address, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, 0))
			RETURNING `+webhookColumns, wsID, h.Kind, h.Name, h.URL, h.Events, h.Secret, h.AllowedAddress, actor.UserID))
		if err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "webhook.created", ItemType: "webhook", ItemID: saved.ID,
			Summary: fmt.Sprintf("added the %s webhook %q for %s", saved.Kind, saved.Name, strings.Join(saved.Events, ", "))})
	})
	return saved, err
}

// ListWebhooks lists a workspace's webhooks with their newest delivery.
func (db *DB) ListWebhooks(ctx context.Context, wsID int64) (_ []sightline.Webhook, err error) {
	defer translateErr(&err, "store.ListWebhooks")
	rows, err := db.Pool.Query(ctx, `
		SELECT `+webhookColumns+`, d.id, d.event, d.state, d.attempts, d.last_status, d.created_at
		FROM webhooks h
		LEFT JOIN LATERAL (SELECT * FROM webhook_deliveries x WHERE x.webhook_id = h.id ORDER BY x.id DESC LIMIT 1) d ON true
		WHERE h.workspace_id = $1 ORDER BY h.id`, wsID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Webhook, error) {
		var id *int64
		var event, state *string
		var attempts *int
		var status *int
		var at *time.Time
		h, err := scanWebhook(row, &id, &event, &state, &attempts, &status, &at)
		if err != nil {
			return sightline.Webhook{}, err
		}
		if id != nil {
			h.Last = &sightline.WebhookDelivery{ID: *id, WebhookID: h.ID, Event: *event, State: *state, Attempts: *attempts, LastStatus: status, CreatedAt: *at}
		}
		return *h, nil
	})
}

// WebhookByID reads one of the workspace's webhooks.
func (db *DB) WebhookByID(ctx context.Context, wsID, id int64) (_ *sightline.Webhook, err error) {
	defer translateErr(&err, "store.WebhookByID")
	return scanWebhook(db.Pool.QueryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks h WHERE h.workspace_id = $1 AND h.id = $2`, wsID, id))
}

// Deliveries lists a webhook's newest deliveries.
func (db *DB) Deliveries(ctx context.Context, wsID, webhookID int64, limit int) (_ []sightline.WebhookDelivery, err error) {
	defer translateErr(&err, "store.Deliveries")
	rows, err := db.Pool.Query(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries d
		WHERE d.workspace_id = $1 AND d.webhook_id = $2 ORDER BY d.id DESC LIMIT $3`, wsID, webhookID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.WebhookDelivery, error) {
		d, err := scanDelivery(row)
		if err != nil {
			return sightline.WebhookDelivery{}, err
		}
		return *d, nil
	})
}

// SetWebhookPaused pauses or resumes a webhook (optimistically locked);
// resuming forgets the failures and sends what is still owed.
func (db *DB) SetWebhookPaused(ctx context.Context, actor Actor, wsID, id int64, version int, paused bool) (err error) {
	defer translateErr(&err, "store.SetWebhookPaused")
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var name string
		err := tx.QueryRow(ctx, `
			UPDATE webhooks SET paused_at = CASE WHEN $4 THEN coalesce(paused_at, now()) END,
			       paused_reason = CASE WHEN $4 THEN 'Paused by an owner.' ELSE '' END,
			       failures = CASE WHEN $4 THEN failures ELSE 0 END,
			       version = version + 1, updated_at = now()
			WHERE workspace_id = $1 AND id = $2 AND version = $3 RETURNING name`, wsID, id, version, paused).Scan(&name)
		if err == pgx.ErrNoRows {
			return db.webhookMissingOrStale(ctx, tx, wsID, id)
		}
		if err != nil {
			return err
		}
		verb := map[bool]string{true: "webhook.paused", false: "webhook.resumed"}[paused]
		return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: verb, ItemType: "webhook", ItemID: id,
			Summary: strings.TrimPrefix(verb, "webhook.") + " the webhook " + fmt.Sprintf("%q", name)})
	})
}

// DeleteWebhook removes a webhook and its deliveries (optimistically locked).
func (db *DB) DeleteWebhook(ctx context.Context, actor Actor, wsID, id int64, version int) (err error) {
	defer translateErr(&err, "store.DeleteWebhook")
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var name string
		err := tx.QueryRow(ctx, `DELETE FROM webhooks WHERE workspace_id = $1 AND id = $2 AND version = $3 RETURNING name`,
			wsID, id, version).Scan(&name)
		if err == pgx.ErrNoRows {
			return db.webhookMissingOrStale(ctx, tx, wsID, id)
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "webhook.removed", ItemType: "webhook", ItemID: id,
			Summary: fmt.Sprintf("removed the webhook %q", name)})
	})
}

func (db *DB) webhookMissingOrStale(ctx context.Context, tx pgx.Tx, wsID, id int64) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM webhooks WHERE workspace_id = $1 AND id = $2`, wsID, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return sightline.Errorf(sightline.ENOTFOUND, "No such webhook.")
	}
	return staleVersion("webhook")
}

// QueueTestDelivery owes the webhook a test message, sent like any event.
func (db *DB) QueueTestDelivery(ctx context.Context, actor Actor, wsID, id int64) (err error) {
	defer translateErr(&err, "store.QueueTestDelivery")
	tag, err := db.Pool.Exec(ctx, `
		INSERT INTO webhook_deliveries (webhook_id, workspace_id, event, payload)
		SELECT h.id, h.workspace_id, 'test', jsonb_build_object('event', 'test', 'workspace', w.slug, 'workspace_name', w.name,
			'actor', coalesce(u.name, ''), 'summary', 'Test message', 'item_type', '', 'item_id', 0, 'item_ref', 0, 'at', now(), 'changes', '{}'::jsonb)
		FROM webhooks h JOIN workspaces w ON w.id = h.workspace_id LEFT JOIN users u ON u.id = NULLIF($3, 0)
		WHERE h.workspace_id = $1 AND h.id = $2`, wsID, id, actor.UserID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return sightline.Errorf(sightline.ENOTFOUND, "No such webhook.")
	}
	return nil
}

// DeliveryOutcome is how one attempt went.
type DeliveryOutcome struct {
	Status int    // the receiver's HTTP status, 0 for none
	Err    string // what went wrong, for the log ("" when delivered)
	OK     bool
}

// DeliveryPolicy is how the worker retries and when it gives up.
type DeliveryPolicy struct {
	Backoff    func(attempt int) time.Duration // the wait after the attempt-th failed attempt
	GiveUp     time.Duration                   // a delivery older than this is not tried again
	PauseAfter int                             // failed attempts in a row that pause the webhook
}

// DeliverNext takes the oldest due delivery of an active webhook that no
// other worker holds, sends it with send, and records the outcome, in one
// transaction (the row stays locked while it is sent). It reports whether
// there was one. After PauseAfter failed attempts in a row the webhook is
// paused and the pause recorded in the activity log, which owners see.
func (db *DB) DeliverNext(ctx context.Context, p DeliveryPolicy, send func(*sightline.Webhook, *sightline.WebhookDelivery) DeliveryOutcome) (_ bool, err error) {
	defer translateErr(&err, "store.DeliverNext")
	found := false
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var dID int64
		err := tx.QueryRow(ctx, `
			SELECT d.id FROM webhook_deliveries d JOIN webhooks h ON h.id = d.webhook_id
			WHERE d.state = 'pending' AND d.next_attempt_at <= now() AND h.paused_at IS NULL
			ORDER BY d.next_attempt_at, d.id LIMIT 1
			FOR UPDATE OF d SKIP LOCKED`).Scan(&dID)
		if err == pgx.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		d, err := scanDelivery(tx.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries d WHERE d.id = $1`, dID))
		if err != nil {
			return err
		}
		// Owed for longer than GiveUp (say, while its webhook was paused):
		// given up, not sent.
		tag, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET state = 'failed', last_error = 'Given up: not delivered within '||$2
			WHERE id = $1 AND created_at < now() - $3 * interval '1 millisecond'`, d.ID, p.GiveUp.String(), p.GiveUp.Milliseconds())
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		h, err := scanWebhook(tx.QueryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks h WHERE h.id = $1`, d.WebhookID))
		if err != nil {
			return err
		}
		out := send(h, d)
		if out.OK {
			if _, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, last_status = $2,
				last_error = '', delivered_at = now() WHERE id = $1`, d.ID, out.Status); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE webhooks SET failures = 0 WHERE id = $1 AND failures <> 0`, h.ID)
			return err
		}
		attempt := d.Attempts + 1
		wait, giveUp := p.Backoff(attempt).Milliseconds(), p.GiveUp.Milliseconds()
		if _, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET attempts = $2, last_status = NULLIF($3, 0), last_error = $4,
			next_attempt_at = now() + $5 * interval '1 millisecond',
			state = CASE WHEN now() + $5 * interval '1 millisecond' - created_at > $6 * interval '1 millisecond' THEN 'failed' ELSE 'pending' END
			WHERE id = $1`, d.ID, attempt, out.Status, trimTo(out.Err, 500), wait, giveUp); err != nil {
			return err
		}
		var failures int
		var paused bool
		if err := tx.QueryRow(ctx, `
			UPDATE webhooks SET failures = failures + 1,
			       paused_at = CASE WHEN failures + 1 >= $2 THEN coalesce(paused_at, now()) ELSE paused_at END,
			       paused_reason = CASE WHEN failures + 1 >= $2 AND paused_at IS NULL THEN $3 ELSE paused_reason END
			WHERE id = $1 RETURNING failures, paused_at IS NOT NULL`, h.ID, p.PauseAfter,
			fmt.Sprintf("Paused after %d failed attempts in a row; the last: %s", p.PauseAfter, trimTo(out.Err, 200))).Scan(&failures, &paused); err != nil {
			return err
		}
		if paused && failures == p.PauseAfter {
			return record(ctx, tx, Actor{}, entry{WorkspaceID: h.WorkspaceID, Verb: "webhook.paused", ItemType: "webhook", ItemID: h.ID,
				Summary: fmt.Sprintf("paused the webhook %q after %d failed attempts in a row (%s)", h.Name, failures, trimTo(out.Err, 200))})
		}
		return nil
	})
	return found, err
}

func trimTo(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
