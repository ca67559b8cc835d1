package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// decisionColumns reads a decision with the name of who decided, the number
// of its successor and how many participants object.
const decisionColumns = `d.id, d.workspace_id, d.number, d.title, d.status, d.context, d.options, d.decision,
	d.consequences, d.tradeoff, d.decided_by, coalesce(du.name, ''), d.decided_on, d.revisit_on,
	d.superseded_by_id, coalesce(sd.number, 0),
	(SELECT count(*) FROM decision_stances st
	 WHERE st.workspace_id = d.workspace_id AND st.decision_id = d.id AND st.stance = 'object'),
	d.version, d.created_at, d.updated_at`

// decisionJoins resolves the decider's name and the successor, the latter
// within the workspace.
const decisionJoins = `
	LEFT JOIN users du ON du.id = d.decided_by
	LEFT JOIN decisions sd ON sd.workspace_id = d.workspace_id AND sd.id = d.superseded_by_id`

// decisionSupersedes lists, as JSON, the decisions this one replaced.
const decisionSupersedes = `coalesce((
	SELECT json_agg(json_build_object('id', o.id, 'number', o.number, 'title', o.title, 'status', o.status) ORDER BY o.number)
	FROM decisions o WHERE o.workspace_id = d.workspace_id AND o.superseded_by_id = d.id), '[]'::json)`

func scanDecision(row pgx.Row, extra ...any) (*sightline.Decision, error) {
	var d sightline.Decision
	dest := append([]any{&d.ID, &d.WorkspaceID, &d.Number, &d.Title, &d.Status, &d.Context, &d.Options, &d.Decision,
		&d.Consequences, &d.Tradeoff, &d.DecidedByID, &d.DecidedByName, &d.DecidedOn, &d.RevisitOn,
		&d.SupersededByID, &d.SupersededByNumber, &d.Objections,
		&d.Version, &d.CreatedAt, &d.UpdatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return &d, nil
}

// decisionWhere loads one decision, with what it supersedes, by a condition
// on d ($1 is the workspace, $2 the value).
func decisionWhere(ctx context.Context, q querier, workspaceID int64, cond string, v any) (*sightline.Decision, error) {
	var supersedes []byte
	d, err := scanDecision(q.QueryRow(ctx, `SELECT `+decisionColumns+`, `+decisionSupersedes+`
		FROM decisions d `+decisionJoins+`
		WHERE d.workspace_id = $1 AND `+cond, workspaceID, v), &supersedes)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(supersedes, &d.Supersedes); err != nil {
		return nil, err
	}
	return d, nil
}

func decisionByID(ctx context.Context, q querier, workspaceID, id int64) (*sightline.Decision, error) {
	return decisionWhere(ctx, q, workspaceID, `d.id = $2`, id)
}

// DecisionByNumber returns a workspace's decision by its ADR number.
func (db *DB) DecisionByNumber(ctx context.Context, workspaceID int64, number int) (_ *sightline.Decision, err error) {
	defer translateErr(&err, fmt.Sprintf("store.DecisionByNumber(%d)", number))
	d, err := decisionWhere(ctx, db.Pool, workspaceID, `d.number = $2`, number)
	return d, err
}

// DecisionByID returns a workspace's decision by id.
func (db *DB) DecisionByID(ctx context.Context, workspaceID, id int64) (_ *sightline.Decision, err error) {
	defer translateErr(&err, fmt.Sprintf("store.DecisionByID(%d)", id))
	d, err := decisionByID(ctx, db.Pool, workspaceID, id)
	return d, err
}

// decisionLogFilter narrows decisions d by status ($2), by a linked
// architecture item ($3), and to live decisions (proposed or accepted)
// whose revisit date ($5) has come ($4).
const decisionLogFilter = `d.workspace_id = $1
	  AND ($2::text = '' OR d.status = $2)
	  AND ($3::bigint = 0 OR EXISTS (
		SELECT 1 FROM decision_items di
		WHERE di.workspace_id = d.workspace_id AND di.decision_id = d.id AND di.item_id = $3))
	  AND (NOT $4::boolean OR (d.revisit_on <= $5::date AND d.status IN ('proposed', 'accepted')))`

// ListDecisions returns one page of the decision log, newest first,
// filtered by status, by a linked architecture item, and to decisions whose
// revisit date has come (live ones only: proposed or accepted), and how many
// match in all: one query (two past the last page, to count).
func (db *DB) ListDecisions(ctx context.Context, workspaceID int64, f sightline.DecisionFilter, today time.Time, limit, offset int) (_ []sightline.Decision, _ int, err error) {
	defer translateErr(&err, "store.ListDecisions")
	f = f.Normalize()
	offset = max(offset, 0)
	args := []any{workspaceID, f.Status, f.ItemID, f.RevisitDue, decisionDate(&today)}
	rows, err := db.Pool.Query(ctx, `
		WITH page AS (
			SELECT d.id, count(*) OVER () AS total FROM decisions d
			WHERE `+decisionLogFilter+`
			ORDER BY d.number DESC LIMIT $6 OFFSET $7)
		SELECT `+decisionColumns+`, page.total
		FROM page JOIN decisions d ON d.workspace_id = $1 AND d.id = page.id `+decisionJoins+`
		ORDER BY d.number DESC`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	total := 0
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Decision, error) {
		d, err := scanDecision(row, &total)
		if err != nil {
			return sightline.Decision{}, err
		}
		return *d, nil
	})
	if err != nil {
		return nil, 0, err
	}
	if len(list) == 0 && offset > 0 {
		// Past the last page: count without the page so the pager can lead back.
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM decisions d WHERE `+decisionLogFilter, args...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	return list, total, nil
}

// nextDecisionNumber takes the workspace's next ADR number. The counter row
// stays locked until the transaction ends, so concurrent creations queue up,
// and a transaction that rolls back gives its number back: no duplicates
// and no gaps.
func nextDecisionNumber(ctx context.Context, tx pgx.Tx, workspaceID int64) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `
		INSERT INTO decision_counters (workspace_id, last_number) VALUES ($1, 1)
		ON CONFLICT (workspace_id) DO UPDATE SET last_number = decision_counters.last_number + 1
		RETURNING last_number`, workspaceID).Scan(&n)
	return n, err
}

// CreateDecision records a proposed decision under the workspace's next ADR
// number. The handler checks the fields with sightline.CheckDecision; the
// database's CHECK constraints hold the limits, and a refused row rolls the
// whole transaction back, its number included.
func (db *DB) CreateDecision(ctx context.Context, actor Actor, workspaceID int64, d sightline.Decision) (_ *sightline.Decision, err error) {
	defer translateErr(&err, "store.CreateDecision")
	var created *sightline.Decision
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		created, err = insertDecision(ctx, tx, actor, workspaceID, d, nil)
		return err
	})
	return created, err
}

// insertDecision numbers and inserts a proposed decision and records it.
func insertDecision(ctx context.Context, tx pgx.Tx, actor Actor, workspaceID int64, d sightline.Decision, supersedes *sightline.Decision) (*sightline.Decision, error) {
	number, err := nextDecisionNumber(ctx, tx, workspaceID)
	if err != nil {
		return nil, err
	}
	var id int64
	if err := tx.QueryRow(ctx, `
		INSERT INTO decisions (workspace_id, number, title, status, context, options, decision, consequences, tradeoff,
		                       revisit_on, created_by, updated_by)
		VALUES (@workspace, @number, @title, 'proposed', @context, @options, @decision, @consequences, @tradeoff,
		        @revisit_on::date, NULLIF(@actor::bigint, 0), NULLIF(@actor::bigint, 0))
		RETURNING id`,
		pgx.NamedArgs{
			"workspace": workspaceID, "number": number, "actor": actor.UserID, "title": d.Title, "context": d.Context,
			"options": d.Options, "decision": d.Decision, "consequences": d.Consequences, "tradeoff": d.Tradeoff,
			"revisit_on": decisionDate(d.RevisitOn),
		}).Scan(&id); err != nil {
		return nil, err
	}
	created, err := decisionByID(ctx, tx, workspaceID, id)
	if err != nil {
		return nil, err
	}
	changes := decisionChanges(&sightline.Decision{}, created)
	if supersedes != nil {
		changes["supersedes"] = sightline.Change{To: supersedes.Ref()}
	}
	if err := notifyItemMentions(ctx, tx, actor, workspaceID, "decision", id, d.Context); err != nil {
		return nil, err
	}
	err = record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "decision.created", ItemType: "decision", ItemID: id,
		Summary: decisionSummary(created), Changes: changes})
	return created, err
}

// UpdateDecision saves an edit with optimistic locking: a missing or foreign
// id is not found, a stale version a conflict. The status rules are checked
// under the row lock (never "superseded" by hand; accepting or rejecting
// stamps who decided and when, unless given), the decider must be a member,
// and the changed fields are recorded.
func (db *DB) UpdateDecision(ctx context.Context, actor Actor, workspaceID, id int64, version int, u sightline.Decision, today time.Time) (_ *sightline.Decision, err error) {
	defer translateErr(&err, fmt.Sprintf("store.UpdateDecision(%d)", id))
	var saved *sightline.Decision
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var current int
		if err := tx.QueryRow(ctx, `SELECT version FROM decisions WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
			workspaceID, id).Scan(&current); err != nil {
			return err
		}
		if current != version {
			return staleVersion("decision")
		}
		cur, err := decisionByID(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		next := *cur
		next.Title, next.Context, next.Options, next.Decision = u.Title, u.Context, u.Options, u.Decision
		next.Consequences, next.Tradeoff, next.Status = u.Consequences, u.Tradeoff, u.Status
		next.DecidedByID, next.DecidedOn, next.RevisitOn = u.DecidedByID, u.DecidedOn, u.RevisitOn
		if err := sightline.CanSetDecisionStatus(cur, next.Status); err != nil {
			return err
		}
		sightline.SettleDecision(cur, &next, actor.UserID, today)
		p := sightline.CheckDecision(&next)
		if next.DecidedByID != nil && !eqID(cur.DecidedByID, next.DecidedByID) {
			var member bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM memberships WHERE workspace_id = $1 AND user_id = $2)`,
				workspaceID, *next.DecidedByID).Scan(&member); err != nil {
				return err
			}
			if !member {
				p.Add("decided_by", "Choose a member of this workspace.")
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		if sameDecision(cur, &next) {
			saved = cur
			return nil
		}
		tag, err := tx.Exec(ctx, `
			UPDATE decisions SET title = @title, context = @context, options = @options, decision = @decision,
			       consequences = @consequences, tradeoff = @tradeoff, status = @status, decided_by = @decided_by,
			       decided_on = @decided_on::date, revisit_on = @revisit_on::date,
			       version = version + 1, updated_at = now(), updated_by = NULLIF(@actor::bigint, 0)
			WHERE workspace_id = @workspace AND id = @id AND version = @version`,
			pgx.NamedArgs{
				"workspace": workspaceID, "id": id, "version": version, "actor": actor.UserID,
				"title": next.Title, "context": next.Context, "options": next.Options, "decision": next.Decision,
				"consequences": next.Consequences, "tradeoff": next.Tradeoff, "status": next.Status,
				"decided_by": next.DecidedByID, "decided_on": decisionDate(next.DecidedOn), "revisit_on": decisionDate(next.RevisitOn),
			})
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return staleVersion("decision")
		}
		if saved, err = decisionByID(ctx, tx, workspaceID, id); err != nil {
			return err
		}
		if err := notifyItemMentions(ctx, tx, actor, workspaceID, "decision", id, next.Context); err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "decision.updated", ItemType: "decision", ItemID: id,
			Summary: decisionSummary(saved), Changes: decisionChanges(cur, saved)})
	})
	return saved, err
}

// SupersedeDecision replaces a decision with a new, proposed one, in one
// transaction: the new decision takes the next number and the old one's
// links (it is about the same things), and the old one becomes superseded,
// pointing to it. A decision already superseded is refused, naming its
// successor. It returns the new decision.
func (db *DB) SupersedeDecision(ctx context.Context, actor Actor, workspaceID, oldID int64, nd sightline.Decision) (_ *sightline.Decision, err error) {
	defer translateErr(&err, fmt.Sprintf("store.SupersedeDecision(%d)", oldID))
	var created *sightline.Decision
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM decisions WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, workspaceID, oldID); err != nil {
			return err
		}
		old, err := decisionByID(ctx, tx, workspaceID, oldID)
		if err != nil {
			return err
		}
		if err := sightline.CanSupersede(old); err != nil {
			return err
		}
		if created, err = insertDecision(ctx, tx, actor, workspaceID, nd, old); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			WITH e AS (
				INSERT INTO decision_epics (workspace_id, decision_id, epic_id)
				SELECT workspace_id, $3, epic_id FROM decision_epics WHERE workspace_id = $1 AND decision_id = $2
			), i AS (
				INSERT INTO decision_items (workspace_id, decision_id, item_id)
				SELECT workspace_id, $3, item_id FROM decision_items WHERE workspace_id = $1 AND decision_id = $2
			), c AS (
				INSERT INTO decision_concerns (workspace_id, decision_id, concern_id)
				SELECT workspace_id, $3, concern_id FROM decision_concerns WHERE workspace_id = $1 AND decision_id = $2
			)
			INSERT INTO decision_shifts (workspace_id, decision_id, shift_id)
			SELECT workspace_id, $3, shift_id FROM decision_shifts WHERE workspace_id = $1 AND decision_id = $2`,
			workspaceID, oldID, created.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE decisions SET status = 'superseded', superseded_by_id = $3,
			       version = version + 1, updated_at = now(), updated_by = NULLIF($4::bigint, 0)
			WHERE workspace_id = $1 AND id = $2`, workspaceID, oldID, created.ID, actor.UserID); err != nil {
			return err
		}
		saved, err := decisionByID(ctx, tx, workspaceID, oldID)
		if err != nil {
			return err
		}
		if err := record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "decision.superseded", ItemType: "decision", ItemID: oldID,
			Summary: decisionSummary(saved), Changes: decisionChanges(old, saved)}); err != nil {
			return err
		}
		created, err = decisionByID(ctx, tx, workspaceID, created.ID)
		return err
	})
	return created, err
}

// sameDecision reports whether no editable field differs.
func sameDecision(a, b *sightline.Decision) bool {
	return a.Title == b.Title && a.Context == b.Context && a.Options == b.Options && a.Decision == b.Decision &&
		a.Consequences == b.Consequences && a.Tradeoff == b.Tradeoff && a.Status == b.Status &&
		eqID(a.DecidedByID, b.DecidedByID) && nilDate(a.DecidedOn) == nilDate(b.DecidedOn) &&
		nilDate(a.RevisitOn) == nilDate(b.RevisitOn)
}

func refOrEmpty(n int) string {
	if n == 0 {
		return ""
	}
	return sightline.DecisionNumber(n)
}

func decisionSummary(d *sightline.Decision) string { return d.Ref() + ": " + d.Title }

// decisionDate passes an optional calendar date (or NULL).
func decisionDate(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format("2006-01-02")
}

func nilDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format("2006-01-02")
}

func eqID(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
