package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// Events: every committed change of a workspace goes out as a row of
// events and a NOTIFY on eventsChannel, from triggers inside the writing
// transaction (migration 00012), so only committed changes go out, in
// commit order. Listen holds one connection of its own on it.

const eventsChannel = "sightline_events"

// ListenReport tells the caller how the listening connection is doing:
// connected (after a connect or a reconnect, with how many missed events it
// caught up), or lost with the error and the wait before the next try.
type ListenReport struct {
	Connected bool
	CaughtUp  int
	Err       error
	RetryIn   time.Duration
}

// catchUpLookback is how far back before the newest event it saw a
// reconnecting listener also looks: a transaction takes its event's id
// before it commits, so one that took a smaller id may commit after a
// larger one went out. Every transaction of the app ends within its
// request's deadline (seconds), far inside this.
const catchUpLookback = time.Minute

// Listen delivers every committed event to publish, in commit order, until
// ctx ends. It holds one dedicated connection in session mode (LISTEN does
// not survive a transaction-pooling proxy) and, when that connection is
// lost, reconnects with a growing wait (100 ms doubling to 5 s) and first
// delivers from the events table what it missed, so nothing is lost; an
// event is never delivered twice. ready, if set, is called once the first
// LISTEN is in place.
func (db *DB) Listen(ctx context.Context, publish func(sightline.Event), report func(ListenReport), ready func()) {
	l := &listener{db: db, publish: publish, seen: map[int64]time.Time{}}
	wait := 100 * time.Millisecond
	first := true
	for ctx.Err() == nil {
		err := l.session(ctx, func(caught int) {
			wait = 100 * time.Millisecond
			if report != nil {
				report(ListenReport{Connected: true, CaughtUp: caught})
			}
			if first && ready != nil {
				ready()
			}
			first = false
		})
		if ctx.Err() != nil {
			return
		}
		if report != nil {
			report(ListenReport{Err: err, RetryIn: wait})
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(wait*2, 5*time.Second)
	}
}

type listener struct {
	db      *DB
	publish func(sightline.Event)
	lastID  int64               // the largest id delivered
	lastAt  time.Time           // when the newest delivered event was taken
	seen    map[int64]time.Time // ids delivered within the lookback, by when taken
	started bool
}

// session runs one connection: LISTEN, catch up, then deliver notifications
// until the connection fails or ctx ends.
func (l *listener) session(ctx context.Context, connected func(caught int)) error {
	if l.started && l.db.BeforeListen != nil {
		l.db.BeforeListen(ctx)
	}
	cfg := l.db.Pool.Config().ConnConfig.Copy()
	cfg.RuntimeParams["application_name"] = "sightline-listen"
	cfg.Tracer = nil // not the pool's statements: a query counter counts pages
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+eventsChannel); err != nil {
		return err
	}
	caught := 0
	if !l.started {
		// From now on: what was committed before the first LISTEN is not news.
		if err := conn.QueryRow(ctx, `SELECT coalesce(max(id), 0), clock_timestamp() FROM events`).Scan(&l.lastID, &l.lastAt); err != nil {
			return err
		}
		l.started = true
	} else if caught, err = l.catchUp(ctx, conn); err != nil {
		return err
	}
	connected(caught)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var p struct {
			ID    int64     `json:"id"`
			WS    int64     `json:"ws"`
			Kind  string    `json:"kind"`
			Type  string    `json:"type"`
			Item  *int64    `json:"item"`
			Actor *int64    `json:"actor"`
			User  *int64    `json:"user"`
			At    time.Time `json:"at"`
		}
		if err := json.Unmarshal([]byte(n.Payload), &p); err != nil {
			continue // not ours
		}
		l.deliver(sightline.Event{ID: p.ID, WorkspaceID: p.WS, Kind: p.Kind, ItemType: p.Type,
			ItemID: deref(p.Item), ActorID: deref(p.Actor), UserID: deref(p.User), At: p.At})
	}
}

// catchUp delivers the events committed while no connection listened: every
// id above the last delivered, and those taken in the lookback before it
// that were not delivered yet.
func (l *listener) catchUp(ctx context.Context, conn *pgx.Conn) (int, error) {
	rows, err := conn.Query(ctx, `
		SELECT id, workspace_id, kind, item_type, coalesce(item_id, 0), coalesce(actor_id, 0), coalesce(user_id, 0), created_at
		FROM events WHERE id > $1 OR created_at >= $2
		ORDER BY id`, l.lastID, l.lastAt.Add(-catchUpLookback))
	if err != nil {
		return 0, err
	}
	list, err := pgx.CollectRows(rows, scanEvent)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range list {
		if _, dup := l.seen[e.ID]; dup {
			continue
		}
		l.deliver(e)
		n++
	}
	return n, nil
}

func (l *listener) deliver(e sightline.Event) {
	if _, dup := l.seen[e.ID]; dup {
		return
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	l.seen[e.ID] = e.At
	if e.ID > l.lastID {
		l.lastID = e.ID
	}
	if e.At.After(l.lastAt) {
		l.lastAt = e.At
	}
	if len(l.seen) > 4096 {
		for id, at := range l.seen {
			if at.Before(l.lastAt.Add(-2 * catchUpLookback)) {
				delete(l.seen, id)
			}
		}
	}
	l.publish(e)
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func scanEvent(row pgx.CollectableRow) (sightline.Event, error) {
	var e sightline.Event
	err := row.Scan(&e.ID, &e.WorkspaceID, &e.Kind, &e.ItemType, &e.ItemID, &e.ActorID, &e.UserID, &e.At)
	return e, err
}

// EventsSince returns a workspace's events after id afterID, oldest first
// (at most limit): what an event stream resuming from afterID missed when
// the instance no longer holds them in memory.
func (db *DB) EventsSince(ctx context.Context, workspaceID, afterID int64, limit int) (_ []sightline.Event, err error) {
	defer translateErr(&err, "store.EventsSince")
	rows, err := db.Pool.Query(ctx, `
		SELECT id, workspace_id, kind, item_type, coalesce(item_id, 0), coalesce(actor_id, 0), coalesce(user_id, 0), created_at
		FROM events WHERE workspace_id = $1 AND id > $2
		ORDER BY id LIMIT $3`, workspaceID, afterID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanEvent)
}

// PruneEvents deletes the events taken before the moment: they served their
// streams (a stream resuming from further back reloads instead).
func (db *DB) PruneEvents(ctx context.Context, before time.Time) (_ int64, err error) {
	defer translateErr(&err, "store.PruneEvents")
	tag, err := db.Pool.Exec(ctx, `DELETE FROM events WHERE created_at < $1`, before)
	return tag.RowsAffected(), err
}

// Presence: who has an item open. An app instance holds one row per open
// page that named an item (conn names the stream), refreshes its rows every
// few seconds, and drops them when the page goes; PresenceStale is when a
// row not refreshed no longer counts (its instance stopped silently).
const (
	PresenceStale   = 30 * time.Second
	presenceEditing = 45 * time.Second
)

// PresenceJoin records that a member has an item open on stream conn, and
// tells the item's other open pages.
func (db *DB) PresenceJoin(ctx context.Context, conn string, workspaceID, userID int64, itemType string, itemID int64) (err error) {
	defer translateErr(&err, "store.PresenceJoin")
	_, err = db.Pool.Exec(ctx, `
		WITH j AS (
			INSERT INTO presence (conn, workspace_id, user_id, item_type, item_id)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (conn) DO UPDATE SET seen_at = now()
			RETURNING 1)
		SELECT emit_event($2, 'presence', $4, $5, $3, NULL) FROM j`,
		conn, workspaceID, userID, itemType, itemID)
	return err
}

// PresenceLeave drops stream conn's row and tells the item's other pages.
func (db *DB) PresenceLeave(ctx context.Context, conn string) (err error) {
	defer translateErr(&err, "store.PresenceLeave")
	_, err = db.Pool.Exec(ctx, `
		WITH d AS (DELETE FROM presence WHERE conn = $1 RETURNING workspace_id, user_id, item_type, item_id)
		SELECT emit_event(workspace_id, 'presence', item_type, item_id, user_id, NULL) FROM d`, conn)
	return err
}

// PresenceEditing marks the member as typing on the item (on every page of
// theirs that has it open), telling the others when it is news.
func (db *DB) PresenceEditing(ctx context.Context, workspaceID, userID int64, itemType string, itemID int64) (err error) {
	defer translateErr(&err, "store.PresenceEditing")
	_, err = db.Pool.Exec(ctx, `
		WITH u AS (
			UPDATE presence p SET editing_at = now(), seen_at = now()
			FROM (SELECT conn, editing_at AS was FROM presence
			      WHERE workspace_id = $1 AND user_id = $2 AND item_type = $3 AND item_id = $4 FOR UPDATE) o
			WHERE p.conn = o.conn
			RETURNING o.was)
		SELECT emit_event($1, 'presence', $3, $4, $2, NULL)
		WHERE EXISTS (SELECT 1 FROM u WHERE was IS NULL OR was < now() - make_interval(secs => $5))`,
		workspaceID, userID, itemType, itemID, presenceEditing.Seconds())
	return err
}

// PresenceRefresh keeps an instance's open pages fresh, and drops every
// row not refreshed within PresenceStale (of any instance), telling the
// items' pages; editing marks older than their span are cleared likewise.
func (db *DB) PresenceRefresh(ctx context.Context, conns []string) (err error) {
	defer translateErr(&err, "store.PresenceRefresh")
	_, err = db.Pool.Exec(ctx, `
		WITH fresh AS (
			UPDATE presence SET seen_at = now() WHERE conn = ANY($1)),
		gone AS (
			DELETE FROM presence WHERE seen_at < now() - make_interval(secs => $2) AND NOT conn = ANY($1)
			RETURNING workspace_id, item_type, item_id),
		idle AS (
			UPDATE presence SET editing_at = NULL WHERE editing_at < now() - make_interval(secs => $3)
			RETURNING workspace_id, item_type, item_id)
		SELECT emit_event(workspace_id, 'presence', item_type, item_id, NULL, NULL)
		FROM (SELECT DISTINCT * FROM (SELECT * FROM gone UNION SELECT * FROM idle) c) d`,
		conns, PresenceStale.Seconds(), presenceEditing.Seconds())
	return err
}

// PresenceOn lists who has the item open (each person once, typing first),
// but the member asking.
func (db *DB) PresenceOn(ctx context.Context, workspaceID, exceptUserID int64, itemType string, itemID int64) (_ []sightline.Presence, err error) {
	defer translateErr(&err, "store.PresenceOn")
	rows, err := db.Pool.Query(ctx, `
		SELECT p.user_id, u.name, bool_or(p.editing_at IS NOT NULL AND p.editing_at > now() - make_interval(secs => $6))
		FROM presence p JOIN users u ON u.id = p.user_id
		WHERE p.workspace_id = $1 AND p.item_type = $2 AND p.item_id = $3 AND p.user_id <> $4
		  AND p.seen_at > now() - make_interval(secs => $5)
		GROUP BY p.user_id, u.name
		ORDER BY 3 DESC, u.name
		LIMIT 20`, workspaceID, itemType, itemID, exceptUserID, PresenceStale.Seconds(), presenceEditing.Seconds())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Presence, error) {
		var p sightline.Presence
		err := row.Scan(&p.UserID, &p.Name, &p.Editing)
		return p, err
	})
}
