package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// Strategy: the workspace's vision and business phase, the phase → NFR
// pressure mapping, and the append-only log of strategy shifts with the
// architects' acknowledgements.

// UpdateVisionPhase saves the vision and business phase with optimistic
// locking on the workspace version. Each changed field gets its own activity
// row (workspace.vision_changed, workspace.phase_changed).
func (db *DB) UpdateVisionPhase(ctx context.Context, actor Actor, workspaceID int64, version int, vision string, phase sightline.Phase) (_ *sightline.Workspace, err error) {
	defer translateErr(&err, "store.UpdateVisionPhase")
	var w *sightline.Workspace
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := scanWorkspace(tx.QueryRow(ctx, `SELECT `+workspaceColumns+` FROM workspaces w WHERE w.id = $1 FOR UPDATE`, workspaceID))
		if err != nil {
			return err
		}
		if cur.Version != version {
			return staleVersion("workspace")
		}
		if cur.Vision == vision && cur.Phase == phase {
			w = cur
			return nil
		}
		w, err = scanWorkspace(tx.QueryRow(ctx, `
			UPDATE workspaces AS w SET vision = $3, phase = $4, version = version + 1, updated_at = now(), updated_by = NULLIF($5, 0)
			WHERE id = $1 AND version = $2
			RETURNING `+workspaceColumns, workspaceID, version, vision, phase, actor.UserID))
		if err != nil {
			return err
		}
		if cur.Vision != vision {
			if err := record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "workspace.vision_changed", ItemType: "workspace", ItemID: workspaceID,
				Summary: cur.Name, Changes: map[string]sightline.Change{"vision": {From: cur.Vision, To: vision}}}); err != nil {
				return err
			}
		}
		if cur.Phase != phase {
			return recordPhaseChange(ctx, tx, actor, cur, phase)
		}
		return nil
	})
	return w, err
}

func recordPhaseChange(ctx context.Context, tx pgx.Tx, actor Actor, w *sightline.Workspace, to sightline.Phase) error {
	return record(ctx, tx, actor, entry{WorkspaceID: w.ID, Verb: "workspace.phase_changed", ItemType: "workspace", ItemID: w.ID,
		Summary: w.Name, Changes: map[string]sightline.Change{"phase": {From: string(w.Phase), To: string(to)}}})
}

// ListPressures returns the workspace's phase → quality attributes mapping,
// each phase's attributes in their saved order.
func (db *DB) ListPressures(ctx context.Context, workspaceID int64) (_ map[sightline.Phase][]string, err error) {
	defer translateErr(&err, "store.ListPressures")
	m, err := listPressures(ctx, db.Pool, workspaceID)
	return m, err
}

func listPressures(ctx context.Context, q querier, workspaceID int64) (map[sightline.Phase][]string, error) {
	rows, err := q.Query(ctx, `
		SELECT phase, attribute FROM phase_pressures
		WHERE workspace_id = $1
		ORDER BY phase, position, id`, workspaceID)
	if err != nil {
		return nil, err
	}
	m := map[sightline.Phase][]string{}
	var ph sightline.Phase
	var attr string
	_, err = pgx.ForEachRow(rows, []any{&ph, &attr}, func() error {
		m[ph] = append(m[ph], attr)
		return nil
	})
	return m, err
}

// SetPressures replaces the phase → attributes mapping for the phases whose
// list changed. fingerprint is sightline.PressureFingerprint of the mapping
// the editor started from: if the saved mapping differs, someone else changed
// it meanwhile and the save is a conflict. It returns the saved mapping.
func (db *DB) SetPressures(ctx context.Context, actor Actor, workspaceID int64, fingerprint string, m map[sightline.Phase][]string) (_ map[sightline.Phase][]string, err error) {
	defer translateErr(&err, "store.SetPressures")
	var saved map[sightline.Phase][]string
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		// The workspace row serializes concurrent saves of the mapping.
		var name string
		if err := tx.QueryRow(ctx, `SELECT name FROM workspaces WHERE id = $1 FOR UPDATE`, workspaceID).Scan(&name); err != nil {
			return err
		}
		cur, err := listPressures(ctx, tx, workspaceID)
		if err != nil {
			return err
		}
		if sightline.PressureFingerprint(cur) != fingerprint {
			return staleVersion("NFR pressure mapping")
		}
		changes := map[string]sightline.Change{}
		var phases []string
		var attrs []string
		var positions []int
		for _, ph := range sightline.Phases {
			if strings.Join(cur[ph], "\x1f") == strings.Join(m[ph], "\x1f") {
				continue
			}
			changes[string(ph)] = sightline.Change{From: strings.Join(cur[ph], ", "), To: strings.Join(m[ph], ", ")}
			if _, err := tx.Exec(ctx, `DELETE FROM phase_pressures WHERE workspace_id = $1 AND phase = $2`, workspaceID, ph); err != nil {
				return err
			}
			for i, a := range m[ph] {
				phases, attrs, positions = append(phases, string(ph)), append(attrs, a), append(positions, i+1)
			}
		}
		saved = m
		if len(changes) == 0 {
			saved = cur
			return nil
		}
		if len(attrs) > 0 {
			if _, err := tx.Exec(ctx, `
				INSERT INTO phase_pressures (workspace_id, phase, attribute, position)
				SELECT $1, p, a, n FROM unnest($2::text[], $3::text[], $4::int[]) AS t (p, a, n)`,
				workspaceID, phases, attrs, positions); err != nil {
				return err
			}
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "workspace.pressures_changed", ItemType: "workspace", ItemID: workspaceID,
			Summary: name, Changes: changes})
	})
	if err != nil {
		return nil, err
	}
	return saved, nil
}

const shiftColumns = `s.id, s.workspace_id, s.title, s.narrative, s.from_phase, s.to_phase, s.shifted_on,
	coalesce(u.name, ''), s.version, s.created_at, s.updated_at`

const shiftFrom = ` FROM strategy_shifts s LEFT JOIN users u ON u.id = s.logged_by `

func scanShift(row pgx.Row) (*sightline.StrategyShift, error) {
	var s sightline.StrategyShift
	err := row.Scan(&s.ID, &s.WorkspaceID, &s.Title, &s.Narrative, &s.FromPhase, &s.ToPhase, &s.ShiftedOn,
		&s.LoggedBy, &s.Version, &s.CreatedAt, &s.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func collectShifts(rows pgx.Rows) ([]sightline.StrategyShift, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.StrategyShift, error) {
		s, err := scanShift(row)
		if err != nil {
			return sightline.StrategyShift{}, err
		}
		return *s, nil
	})
}

// listAcks returns the acknowledgements of a workspace's shifts (all of them
// when shiftID is 0), oldest first, keyed by shift.
func listAcks(ctx context.Context, q querier, workspaceID, shiftID int64) (map[int64][]sightline.ShiftAck, error) {
	rows, err := q.Query(ctx, `
		SELECT a.shift_id, a.user_id, u.name, a.assessment, a.created_at
		FROM shift_acknowledgements a JOIN users u ON u.id = a.user_id
		WHERE a.workspace_id = $1 AND ($2::bigint = 0 OR a.shift_id = $2::bigint)
		ORDER BY a.created_at, a.id`, workspaceID, shiftID)
	if err != nil {
		return nil, err
	}
	acks, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.ShiftAck, error) {
		var a sightline.ShiftAck
		err := row.Scan(&a.ShiftID, &a.UserID, &a.UserName, &a.Assessment, &a.CreatedAt)
		return a, err
	})
	if err != nil {
		return nil, err
	}
	m := map[int64][]sightline.ShiftAck{}
	for _, a := range acks {
		m[a.ShiftID] = append(m[a.ShiftID], a)
	}
	return m, nil
}

// ListShifts returns the workspace's shift log, newest first, with each
// shift's acknowledgements: two queries whatever the number of shifts.
func (db *DB) ListShifts(ctx context.Context, workspaceID int64) (_ []sightline.StrategyShift, err error) {
	defer translateErr(&err, "store.ListShifts")
	rows, err := db.Pool.Query(ctx, `SELECT `+shiftColumns+shiftFrom+`
		WHERE s.workspace_id = $1
		ORDER BY s.shifted_on DESC, s.id DESC`, workspaceID)
	if err != nil {
		return nil, err
	}
	list, err := collectShifts(rows)
	if err != nil {
		return nil, err
	}
	acks, err := listAcks(ctx, db.Pool, workspaceID, 0)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Acks = acks[list[i].ID]
	}
	return list, nil
}

// ShiftByID returns one shift of the workspace with its acknowledgements.
func (db *DB) ShiftByID(ctx context.Context, workspaceID, id int64) (_ *sightline.StrategyShift, err error) {
	defer translateErr(&err, "store.ShiftByID")
	s, err := scanShift(db.Pool.QueryRow(ctx, `SELECT `+shiftColumns+shiftFrom+`
		WHERE s.workspace_id = $1 AND s.id = $2`, workspaceID, id))
	if err != nil {
		return nil, err
	}
	acks, err := listAcks(ctx, db.Pool, workspaceID, id)
	if err != nil {
		return nil, err
	}
	s.Acks = acks[id]
	return s, nil
}

// UnacknowledgedShifts returns the shifts the user has not acknowledged,
// newest first (Acks are not filled).
func (db *DB) UnacknowledgedShifts(ctx context.Context, workspaceID, userID int64) (_ []sightline.StrategyShift, err error) {
	defer translateErr(&err, "store.UnacknowledgedShifts")
	rows, err := db.Pool.Query(ctx, `SELECT `+shiftColumns+shiftFrom+`
		WHERE s.workspace_id = $1
		  AND NOT EXISTS (SELECT 1 FROM shift_acknowledgements a
		                  WHERE a.workspace_id = $1 AND a.shift_id = s.id AND a.user_id = $2)
		ORDER BY s.shifted_on DESC, s.id DESC`, workspaceID, userID)
	if err != nil {
		return nil, err
	}
	list, err := collectShifts(rows)
	return list, err
}

// CountShiftsAwaitingAck counts the shifts that at least one current
// architect of the workspace has not acknowledged.
func (db *DB) CountShiftsAwaitingAck(ctx context.Context, workspaceID int64) (_ int, err error) {
	defer translateErr(&err, "store.CountShiftsAwaitingAck")
	var n int
	err = db.Pool.QueryRow(ctx, `
		SELECT count(*) FROM strategy_shifts s
		WHERE s.workspace_id = $1
		  AND EXISTS (SELECT 1 FROM memberships m
		              WHERE m.workspace_id = $1 AND m.role = 'architect'
		                AND NOT EXISTS (SELECT 1 FROM shift_acknowledgements a
		                                WHERE a.workspace_id = $1 AND a.shift_id = s.id AND a.user_id = m.user_id))`,
		workspaceID).Scan(&n)
	return n, err
}

// CreateShift logs a shift. With applyPhase the workspace moves to the
// shift's to-phase in the same transaction (and that change is recorded).
func (db *DB) CreateShift(ctx context.Context, actor Actor, workspaceID int64, s sightline.StrategyShift, applyPhase bool) (_ *sightline.StrategyShift, err error) {
	defer translateErr(&err, "store.CreateShift")
	var out *sightline.StrategyShift
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO strategy_shifts (workspace_id, title, narrative, from_phase, to_phase, shifted_on, logged_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, 0), NULLIF($7, 0))
			RETURNING id`, workspaceID, s.Title, s.Narrative, s.FromPhase, s.ToPhase, strategyDate(s.ShiftedOn), actor.UserID).Scan(&id); err != nil {
			return err
		}
		var err error
		if out, err = scanShift(tx.QueryRow(ctx, `SELECT `+shiftColumns+shiftFrom+` WHERE s.workspace_id = $1 AND s.id = $2`, workspaceID, id)); err != nil {
			return err
		}
		if err := notifyItemMentions(ctx, tx, actor, workspaceID, "shift", id, s.Narrative); err != nil {
			return err
		}
		if err := record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "shift.logged", ItemType: "shift", ItemID: id, Summary: s.Title,
			Changes: map[string]sightline.Change{"phase": {From: string(s.FromPhase), To: string(s.ToPhase)}}}); err != nil {
			return err
		}
		if !applyPhase {
			return nil
		}
		w, err := scanWorkspace(tx.QueryRow(ctx, `SELECT `+workspaceColumns+` FROM workspaces w WHERE w.id = $1 FOR UPDATE`, workspaceID))
		if err != nil {
			return err
		}
		if w.Phase == s.ToPhase {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE workspaces SET phase = $2, version = version + 1, updated_at = now(), updated_by = NULLIF($3, 0) WHERE id = $1`,
			workspaceID, s.ToPhase, actor.UserID); err != nil {
			return err
		}
		return recordPhaseChange(ctx, tx, actor, w, s.ToPhase)
	})
	return out, err
}

// UpdateShift corrects a shift (title, narrative, phases, date) with
// optimistic locking; the correction and its changed fields are recorded.
// A shift is never deleted.
func (db *DB) UpdateShift(ctx context.Context, actor Actor, workspaceID, id int64, version int, s sightline.StrategyShift) (_ *sightline.StrategyShift, err error) {
	defer translateErr(&err, "store.UpdateShift")
	var out *sightline.StrategyShift
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := scanShift(tx.QueryRow(ctx, `SELECT `+shiftColumns+shiftFrom+` WHERE s.workspace_id = $1 AND s.id = $2 FOR UPDATE OF s`, workspaceID, id))
		if err != nil {
			return err
		}
		if cur.Version != version {
			return staleVersion("shift")
		}
		changes := map[string]sightline.Change{}
		diff := func(field string, from, to any) {
			if from != to {
				changes[field] = sightline.Change{From: from, To: to}
			}
		}
		diff("title", cur.Title, s.Title)
		diff("narrative", cur.Narrative, s.Narrative)
		diff("from_phase", string(cur.FromPhase), string(s.FromPhase))
		diff("to_phase", string(cur.ToPhase), string(s.ToPhase))
		diff("shifted_on", cur.ShiftedOn.Format("2006-01-02"), s.ShiftedOn.Format("2006-01-02"))
		if len(changes) == 0 {
			out = cur
			return nil
		}
		if _, err := tx.Exec(ctx, `
			UPDATE strategy_shifts SET title = $4, narrative = $5, from_phase = $6, to_phase = $7, shifted_on = $8,
			       version = version + 1, updated_at = now(), updated_by = NULLIF($9, 0)
			WHERE workspace_id = $1 AND id = $2 AND version = $3`,
			workspaceID, id, version, s.Title, s.Narrative, s.FromPhase, s.ToPhase, strategyDate(s.ShiftedOn), actor.UserID); err != nil {
			return err
		}
		if out, err = scanShift(tx.QueryRow(ctx, `SELECT `+shiftColumns+shiftFrom+` WHERE s.workspace_id = $1 AND s.id = $2`, workspaceID, id)); err != nil {
			return err
		}
		if err := notifyItemMentions(ctx, tx, actor, workspaceID, "shift", id, s.Narrative); err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "shift.updated", ItemType: "shift", ItemID: id, Summary: s.Title, Changes: changes})
	})
	return out, err
}

// AcknowledgeShift records the actor's acknowledgement of a shift with their
// assessment. Only architects acknowledge; acknowledging twice is a conflict.
func (db *DB) AcknowledgeShift(ctx context.Context, actor Actor, workspaceID, shiftID int64, assessment string) (err error) {
	defer translateErr(&err, "store.AcknowledgeShift")
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var title string
		if err := tx.QueryRow(ctx, `SELECT title FROM strategy_shifts WHERE workspace_id = $1 AND id = $2`, workspaceID, shiftID).Scan(&title); err != nil {
			return err
		}
		var role sightline.Role
		err := tx.QueryRow(ctx, `SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2`, workspaceID, actor.UserID).Scan(&role)
		if err == pgx.ErrNoRows {
			return sightline.Errorf(sightline.ENOTFOUND, "Not found.")
		}
		if err != nil {
			return err
		}
		if err := sightline.CanAcknowledge(role); err != nil {
			return err
		}
		var inserted bool
		err = tx.QueryRow(ctx, `
			INSERT INTO shift_acknowledgements (workspace_id, shift_id, user_id, assessment)
			VALUES ($1, $2, $3, $4)
			ON CONFLICT ON CONSTRAINT shift_ack_unique DO NOTHING
			RETURNING true`, workspaceID, shiftID, actor.UserID, assessment).Scan(&inserted)
		if err == pgx.ErrNoRows {
			return sightline.Errorf(sightline.ECONFLICT, "You already acknowledged this shift.")
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "shift.acknowledged", ItemType: "shift", ItemID: shiftID, Summary: title})
	})
	return err
}

// ShiftFollowUps returns the initiatives and epics that name the shift as
// the one that prompted them (only ID and Title, plus Horizon/Status, are filled).
func (db *DB) ShiftFollowUps(ctx context.Context, workspaceID, shiftID int64) (_ []sightline.Initiative, _ []sightline.Epic, err error) {
	defer translateErr(&err, "store.ShiftFollowUps")
	rows, err := db.Pool.Query(ctx, `
		SELECT id, title, horizon FROM initiatives
		WHERE workspace_id = $1 AND shift_id = $2
		ORDER BY lower(title), id`, workspaceID, shiftID)
	if err != nil {
		return nil, nil, err
	}
	inits, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Initiative, error) {
		i := sightline.Initiative{WorkspaceID: workspaceID, ShiftID: &shiftID}
		err := row.Scan(&i.ID, &i.Title, &i.Horizon)
		return i, err
	})
	if err != nil {
		return nil, nil, err
	}
	rows, err = db.Pool.Query(ctx, `
		SELECT id, title, kind, status FROM epics
		WHERE workspace_id = $1 AND shift_id = $2
		ORDER BY lower(title), id`, workspaceID, shiftID)
	if err != nil {
		return nil, nil, err
	}
	epics, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Epic, error) {
		e := sightline.Epic{WorkspaceID: workspaceID, ShiftID: &shiftID}
		err := row.Scan(&e.ID, &e.Title, &e.Kind, &e.Status)
		return e, err
	})
	if err != nil {
		return nil, nil, err
	}
	return inits, epics, nil
}

// strategyDate passes a calendar date to PostgreSQL without a time-zone shift.
func strategyDate(t time.Time) string { return t.Format("2006-01-02") }
