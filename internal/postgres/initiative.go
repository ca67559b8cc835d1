package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// supersedingShiftSQL finds the shift that supersedes an initiative's
// prompting shift s: a later one (by date, then id) logged after the
// initiative was last confirmed (i.validated_at). The re-validate flag is
// whether it exists; the newest such shift names the reason.
const supersedingShiftSQL = `
	SELECT later.title FROM strategy_shifts later
	WHERE later.workspace_id = i.workspace_id
	  AND (later.shifted_on > s.shifted_on OR (later.shifted_on = s.shifted_on AND later.id > s.id))
	  AND later.created_at > i.validated_at
	ORDER BY later.shifted_on DESC, later.id DESC
	LIMIT 1`

const initiativeColumns = `i.id, i.workspace_id, i.title, i.description, i.driver, i.horizon,
	i.goal_id, coalesce(g.title, ''), i.shift_id, coalesce(s.title, ''), i.owner_id, coalesce(u.name, ''),
	i.version, i.updated_at, i.validated_at, i.created_at,
	coalesce(sup.title, ''),
	(SELECT count(*) FROM epics e WHERE e.workspace_id = i.workspace_id AND e.initiative_id = i.id AND e.kind = 'product'),
	(SELECT count(*) FROM epics e WHERE e.workspace_id = i.workspace_id AND e.initiative_id = i.id AND e.kind = 'enabler')`

const initiativeFrom = `initiatives i
	LEFT JOIN goals g ON g.workspace_id = i.workspace_id AND g.id = i.goal_id
	LEFT JOIN strategy_shifts s ON s.workspace_id = i.workspace_id AND s.id = i.shift_id
	LEFT JOIN users u ON u.id = i.owner_id
	LEFT JOIN LATERAL (` + supersedingShiftSQL + `) sup ON s.id IS NOT NULL`

func scanInitiative(row pgx.Row) (*sightline.InitiativeOverview, error) {
	var o sightline.InitiativeOverview
	err := row.Scan(&o.ID, &o.WorkspaceID, &o.Title, &o.Description, &o.Driver, &o.Horizon,
		&o.GoalID, &o.GoalTitle, &o.ShiftID, &o.ShiftTitle, &o.OwnerID, &o.OwnerName,
		&o.Version, &o.UpdatedAt, &o.ValidatedAt, &o.CreatedAt, &o.SupersededBy, &o.ProductEpics, &o.EnablerEpics)
	if err != nil {
		return nil, err
	}
	o.Revalidate = o.SupersededBy != ""
	return &o, nil
}

// horizonOrder sorts initiatives now → next → later.
const horizonOrder = `CASE i.horizon WHEN 'now' THEN 1 WHEN 'next' THEN 2 ELSE 3 END`

// ListInitiativeOverviews lists a workspace's initiatives (now, next, later;
// then by title) with goal, shift, owner, epic counts and the re-validate flag.
func (db *DB) ListInitiativeOverviews(ctx context.Context, wsID int64) (_ []sightline.InitiativeOverview, err error) {
	defer translateErr(&err, "store.ListInitiativeOverviews")
	rows, err := db.Pool.Query(ctx, `SELECT `+initiativeColumns+` FROM `+initiativeFrom+`
		WHERE i.workspace_id = $1
		ORDER BY `+horizonOrder+`, lower(i.title), i.id`, wsID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.InitiativeOverview, error) {
		o, err := scanInitiative(row)
		if err != nil {
			return sightline.InitiativeOverview{}, err
		}
		return *o, nil
	})
	return list, err
}

// InitiativeOverviewByID returns one initiative of a workspace with its epic
// counts and re-validation state.
func (db *DB) InitiativeOverviewByID(ctx context.Context, wsID, id int64) (_ *sightline.InitiativeOverview, err error) {
	defer translateErr(&err, "store.InitiativeByID")
	o, err := scanInitiative(db.Pool.QueryRow(ctx, `SELECT `+initiativeColumns+` FROM `+initiativeFrom+`
		WHERE i.workspace_id = $1 AND i.id = $2`, wsID, id))
	return o, err
}

// InitiativeByID returns one initiative of a workspace.
func (db *DB) InitiativeByID(ctx context.Context, wsID, id int64) (*sightline.Initiative, error) {
	o, err := db.InitiativeOverviewByID(ctx, wsID, id)
	if err != nil {
		return nil, err
	}
	return &o.Initiative, nil
}

// InitiativeChoices are the pickers of the initiative form.
type InitiativeChoices struct {
	Goals  []sightline.LabeledID // by title
	Shifts []sightline.LabeledID // newest first, labelled "date · title"
}

// ListInitiativeChoices loads the goal and shift pickers of the initiative
// form (one query each).
func (db *DB) ListInitiativeChoices(ctx context.Context, wsID int64) (_ InitiativeChoices, err error) {
	defer translateErr(&err, "store.ListInitiativeChoices")
	var c InitiativeChoices
	rows, err := db.Pool.Query(ctx, `SELECT id, title FROM goals WHERE workspace_id = $1 ORDER BY lower(title), id`, wsID)
	if err != nil {
		return c, err
	}
	if c.Goals, err = pgx.CollectRows(rows, pgx.RowToStructByPos[sightline.LabeledID]); err != nil {
		return c, err
	}
	rows, err = db.Pool.Query(ctx, `SELECT id, to_char(shifted_on, 'YYYY-MM-DD') || ' · ' || title FROM strategy_shifts
		WHERE workspace_id = $1 ORDER BY shifted_on DESC, id DESC`, wsID)
	if err != nil {
		return c, err
	}
	c.Shifts, err = pgx.CollectRows(rows, pgx.RowToStructByPos[sightline.LabeledID])
	return c, err
}

// checkInitiativeRefs refuses a goal or shift of another workspace and an
// owner who is not a member, with a message on the field.
func checkInitiativeRefs(ctx context.Context, tx pgx.Tx, wsID int64, in *sightline.Initiative) error {
	var goalOK, shiftOK, ownerOK bool
	if err := tx.QueryRow(ctx, `
		SELECT $2::bigint IS NULL OR EXISTS (SELECT 1 FROM goals WHERE workspace_id = $1 AND id = $2),
		       $3::bigint IS NULL OR EXISTS (SELECT 1 FROM strategy_shifts WHERE workspace_id = $1 AND id = $3),
		       $4::bigint IS NULL OR EXISTS (SELECT 1 FROM memberships WHERE workspace_id = $1 AND user_id = $4)`,
		wsID, in.GoalID, in.ShiftID, in.OwnerID).Scan(&goalOK, &shiftOK, &ownerOK); err != nil {
		return err
	}
	p := sightline.Problems{}
	if !goalOK {
		p.Add("goal_id", "Choose one of the listed goals.")
	}
	if !shiftOK {
		p.Add("shift_id", "Choose one of the listed strategy shifts.")
	}
	if !ownerOK {
		p.Add("owner_id", "Choose one of the workspace's members.")
	}
	return p.Err()
}

// CreateInitiative stores a new initiative; it counts as validated now.
func (db *DB) CreateInitiative(ctx context.Context, actor Actor, wsID int64, in sightline.Initiative) (_ *sightline.Initiative, err error) {
	defer translateErr(&err, "store.CreateInitiative")
	var saved *sightline.Initiative
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if err := checkInitiativeRefs(ctx, tx, wsID, &in); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO initiatives (workspace_id, title, description, driver, horizon, goal_id, shift_id, owner_id, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, 0), NULLIF($9, 0))
			RETURNING id`,
			wsID, in.Title, in.Description, in.Driver, in.Horizon, in.GoalID, in.ShiftID, in.OwnerID, actor.UserID).Scan(&id); err != nil {
			return err
		}
		if err := record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "initiative.created", ItemType: "initiative", ItemID: id, Summary: in.Title}); err != nil {
			return err
		}
		o, err := scanInitiative(tx.QueryRow(ctx, `SELECT `+initiativeColumns+` FROM `+initiativeFrom+` WHERE i.workspace_id = $1 AND i.id = $2`, wsID, id))
		if err != nil {
			return err
		}
		saved = &o.Initiative
		return nil
	})
	return saved, err
}

// UpdateInitiative saves an initiative with optimistic locking. Naming a
// different prompting shift re-validates it (validated_at = now()).
func (db *DB) UpdateInitiative(ctx context.Context, actor Actor, wsID, id int64, version int, in sightline.Initiative) (_ *sightline.Initiative, err error) {
	defer translateErr(&err, "store.UpdateInitiative")
	var saved *sightline.Initiative
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := scanInitiative(tx.QueryRow(ctx, `SELECT `+initiativeColumns+` FROM `+initiativeFrom+`
			WHERE i.workspace_id = $1 AND i.id = $2 FOR UPDATE OF i`, wsID, id))
		if err != nil {
			return err
		}
		if cur.Version != version {
			return staleVersion("initiative")
		}
		if err := checkInitiativeRefs(ctx, tx, wsID, &in); err != nil {
			return err
		}
		changes := initiativeChanges(&cur.Initiative, &in)
		if len(changes) == 0 {
			saved = &cur.Initiative
			return nil
		}
		_, shiftChanged := changes["shift_id"]
		if _, err := tx.Exec(ctx, `
			UPDATE initiatives SET title = $4, description = $5, driver = $6, horizon = $7, goal_id = $8, shift_id = $9, owner_id = $10,
			       validated_at = CASE WHEN $11 THEN now() ELSE validated_at END,
			       version = version + 1, updated_at = now(), updated_by = NULLIF($12, 0)
			WHERE workspace_id = $1 AND id = $2 AND version = $3`,
			wsID, id, version, in.Title, in.Description, in.Driver, in.Horizon, in.GoalID, in.ShiftID, in.OwnerID,
			shiftChanged, actor.UserID); err != nil {
			return err
		}
		if err := record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "initiative.updated", ItemType: "initiative", ItemID: id,
			Summary: in.Title, Changes: changes}); err != nil {
			return err
		}
		o, err := scanInitiative(tx.QueryRow(ctx, `SELECT `+initiativeColumns+` FROM `+initiativeFrom+` WHERE i.workspace_id = $1 AND i.id = $2`, wsID, id))
		if err != nil {
			return err
		}
		saved = &o.Initiative
		return nil
	})
	return saved, err
}

// RevalidateInitiative records that a PM confirmed the initiative still holds
// after the strategy moved on: validated_at = now(). It does not change the
// version, so nobody's open edit becomes stale.
func (db *DB) RevalidateInitiative(ctx context.Context, actor Actor, wsID, id int64) (err error) {
	defer translateErr(&err, "store.RevalidateInitiative")
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		o, err := scanInitiative(tx.QueryRow(ctx, `SELECT `+initiativeColumns+` FROM `+initiativeFrom+`
			WHERE i.workspace_id = $1 AND i.id = $2 FOR UPDATE OF i`, wsID, id))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE initiatives SET validated_at = now(), updated_at = now(), updated_by = NULLIF($3, 0)
			WHERE workspace_id = $1 AND id = $2`, wsID, id, actor.UserID); err != nil {
			return err
		}
		e := entry{WorkspaceID: wsID, Verb: "initiative.revalidated", ItemType: "initiative", ItemID: id, Summary: o.Title}
		if o.SupersededBy != "" {
			e.Changes = map[string]sightline.Change{"confirmed_after": {From: nil, To: o.SupersededBy}}
		}
		return record(ctx, tx, actor, e)
	})
	return err
}

// EpicsForInitiative lists an initiative's epics: id, title, kind, status,
// target quarter; product epics first, then by title.
func (db *DB) EpicsForInitiative(ctx context.Context, wsID, initiativeID int64) (_ []sightline.Epic, err error) {
	defer translateErr(&err, "store.EpicsForInitiative")
	rows, err := db.Pool.Query(ctx, `
		SELECT e.id, e.title, e.kind, e.status, coalesce(e.target_quarter, '')
		FROM epics e
		WHERE e.workspace_id = $1 AND e.initiative_id = $2
		ORDER BY e.kind DESC, lower(e.title), e.id`, wsID, initiativeID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Epic, error) {
		e := sightline.Epic{WorkspaceID: wsID, InitiativeID: &initiativeID}
		err := row.Scan(&e.ID, &e.Title, &e.Kind, &e.Status, &e.TargetQuarter)
		return e, err
	})
	return list, err
}
