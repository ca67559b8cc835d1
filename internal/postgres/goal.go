package postgres

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

const goalColumns = `g.id, g.workspace_id, g.title, g.metric, g.unit, g.baseline, g.target, g.current_value, g.due_on, g.version, g.updated_at`

func scanGoal(row pgx.Row) (*sightline.Goal, error) {
	var g sightline.Goal
	err := row.Scan(&g.ID, &g.WorkspaceID, &g.Title, &g.Metric, &g.Unit, &g.Baseline, &g.Target, &g.Current, &g.DueOn, &g.Version, &g.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// ListGoals returns the workspace's goals, soonest due first (undated last).
func (db *DB) ListGoals(ctx context.Context, workspaceID int64) (_ []sightline.Goal, err error) {
	defer translateErr(&err, "store.ListGoals")
	rows, err := db.Pool.Query(ctx, `SELECT `+goalColumns+` FROM goals g
		WHERE g.workspace_id = $1
		ORDER BY g.due_on NULLS LAST, g.id`, workspaceID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Goal, error) {
		g, err := scanGoal(row)
		if err != nil {
			return sightline.Goal{}, err
		}
		return *g, nil
	})
	return list, err
}

// GoalByID returns one goal of the workspace.
func (db *DB) GoalByID(ctx context.Context, workspaceID, id int64) (_ *sightline.Goal, err error) {
	defer translateErr(&err, "store.GoalByID")
	g, err := scanGoal(db.Pool.QueryRow(ctx, `SELECT `+goalColumns+` FROM goals g WHERE g.workspace_id = $1 AND g.id = $2`, workspaceID, id))
	return g, err
}

// goalDue passes an optional due date as a calendar date (or NULL).
func goalDue(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format("2006-01-02")
}

// CreateGoal creates a goal.
func (db *DB) CreateGoal(ctx context.Context, actor Actor, workspaceID int64, g sightline.Goal) (_ *sightline.Goal, err error) {
	defer translateErr(&err, "store.CreateGoal")
	var out *sightline.Goal
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = scanGoal(tx.QueryRow(ctx, `
			INSERT INTO goals AS g (workspace_id, title, metric, unit, baseline, target, current_value, due_on, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, NULLIF($9, 0), NULLIF($9, 0))
			RETURNING `+goalColumns,
			workspaceID, g.Title, g.Metric, g.Unit, g.Baseline, g.Target, g.Current, goalDue(g.DueOn), actor.UserID))
		if err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "goal.created", ItemType: "goal", ItemID: out.ID, Summary: g.Title})
	})
	return out, err
}

// UpdateGoal saves a goal with optimistic locking; the changed fields are recorded.
func (db *DB) UpdateGoal(ctx context.Context, actor Actor, workspaceID, id int64, version int, g sightline.Goal) (_ *sightline.Goal, err error) {
	defer translateErr(&err, "store.UpdateGoal")
	var out *sightline.Goal
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := scanGoal(tx.QueryRow(ctx, `SELECT `+goalColumns+` FROM goals g WHERE g.workspace_id = $1 AND g.id = $2 FOR UPDATE`, workspaceID, id))
		if err != nil {
			return err
		}
		if cur.Version != version {
			return staleVersion("goal")
		}
		changes := map[string]sightline.Change{}
		diff := func(field string, from, to any) {
			if from != to {
				changes[field] = sightline.Change{From: from, To: to}
			}
		}
		num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
		day := func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.Format("2006-01-02")
		}
		diff("title", cur.Title, g.Title)
		diff("metric", cur.Metric, g.Metric)
		diff("unit", cur.Unit, g.Unit)
		diff("baseline", num(cur.Baseline), num(g.Baseline))
		diff("target", num(cur.Target), num(g.Target))
		diff("current", num(cur.Current), num(g.Current))
		diff("due_on", day(cur.DueOn), day(g.DueOn))
		if len(changes) == 0 {
			out = cur
			return nil
		}
		out, err = scanGoal(tx.QueryRow(ctx, `
			UPDATE goals AS g SET title = $4, metric = $5, unit = $6, baseline = $7, target = $8, current_value = $9, due_on = $10::date,
			       version = version + 1, updated_at = now(), updated_by = NULLIF($11, 0)
			WHERE workspace_id = $1 AND id = $2 AND version = $3
			RETURNING `+goalColumns,
			workspaceID, id, version, g.Title, g.Metric, g.Unit, g.Baseline, g.Target, g.Current, goalDue(g.DueOn), actor.UserID))
		if err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "goal.updated", ItemType: "goal", ItemID: id, Summary: g.Title, Changes: changes})
	})
	return out, err
}

// GoalInitiatives returns the initiatives that pursue a goal (ID, Title,
// Driver, Horizon and OwnerName are filled).
func (db *DB) GoalInitiatives(ctx context.Context, workspaceID, goalID int64) (_ []sightline.Initiative, err error) {
	defer translateErr(&err, "store.GoalInitiatives")
	rows, err := db.Pool.Query(ctx, `
		SELECT i.id, i.title, i.driver, i.horizon, coalesce(u.name, '')
		FROM initiatives i LEFT JOIN users u ON u.id = i.owner_id
		WHERE i.workspace_id = $1 AND i.goal_id = $2
		ORDER BY lower(i.title), i.id`, workspaceID, goalID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Initiative, error) {
		i := sightline.Initiative{WorkspaceID: workspaceID, GoalID: &goalID}
		err := row.Scan(&i.ID, &i.Title, &i.Driver, &i.Horizon, &i.OwnerName)
		return i, err
	})
	return list, err
}
