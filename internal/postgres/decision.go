package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

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
func (db *DB) DecisionByNumber(ctx context.Context, workspaceID int64, number int) (*sightline.Decision, error) {
	d, err := decisionWhere(ctx, db.Pool, workspaceID, `d.number = $2`, number)
	return d, translate(fmt.Sprintf("store.DecisionByNumber(%d)", number), err)
}

// DecisionByID returns a workspace's decision by id.
func (db *DB) DecisionByID(ctx context.Context, workspaceID, id int64) (*sightline.Decision, error) {
	d, err := decisionByID(ctx, db.Pool, workspaceID, id)
	return d, translate(fmt.Sprintf("store.DecisionByID(%d)", id), err)
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
	err = record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "decision.created", ItemType: "decision", ItemID: id,
		Summary: decisionSummary(created), Changes: changes})
	return created, err
}

// UpdateDecision saves an edit with optimistic locking: a missing or foreign
// id is not found, a stale version a conflict. The status rules are checked
// under the row lock (never "superseded" by hand; accepting or rejecting
// stamps who decided and when, unless given), the decider must be a member,
// and the changed fields are recorded.
func (db *DB) UpdateDecision(ctx context.Context, actor Actor, workspaceID, id int64, version int, u sightline.Decision, today time.Time) (*sightline.Decision, error) {
	var saved *sightline.Decision
	err := db.inTx(ctx, func(tx pgx.Tx) error {
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
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "decision.updated", ItemType: "decision", ItemID: id,
			Summary: decisionSummary(saved), Changes: decisionChanges(cur, saved)})
	})
	return saved, translate(fmt.Sprintf("store.UpdateDecision(%d)", id), err)
}

// SupersedeDecision replaces a decision with a new, proposed one, in one
// transaction: the new decision takes the next number and the old one's
// links (it is about the same things), and the old one becomes superseded,
// pointing to it. A decision already superseded is refused, naming its
// successor. It returns the new decision.
func (db *DB) SupersedeDecision(ctx context.Context, actor Actor, workspaceID, oldID int64, nd sightline.Decision) (*sightline.Decision, error) {
	var created *sightline.Decision
	err := db.inTx(ctx, func(tx pgx.Tx) error {
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
	return created, translate(fmt.Sprintf("store.SupersedeDecision(%d)", oldID), err)
}

// Stances returns every participant's stance on a decision: objections
// first, then disagree-and-commit, then agreement, oldest first within each.
func (db *DB) Stances(ctx context.Context, workspaceID, decisionID int64) (_ []sightline.Stance, err error) {
	defer translateErr(&err, "store.Stances")
	rows, err := db.Pool.Query(ctx, `
		SELECT s.decision_id, s.user_id, u.name, s.stance, s.reason, s.version, s.updated_at
		FROM decision_stances s JOIN users u ON u.id = s.user_id
		WHERE s.workspace_id = $1 AND s.decision_id = $2
		ORDER BY CASE s.stance WHEN 'object' THEN 0 WHEN 'disagree_and_commit' THEN 1 ELSE 2 END, s.updated_at, s.user_id`,
		workspaceID, decisionID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, scanStance)
	return list, err
}

func scanStance(row pgx.CollectableRow) (sightline.Stance, error) {
	var s sightline.Stance
	err := row.Scan(&s.DecisionID, &s.UserID, &s.UserName, &s.Stance, &s.Reason, &s.Version, &s.UpdatedAt)
	return s, err
}

// SetStance records the actor's stance on a decision, or changes it. version
// is the stance's version the form was loaded with (0: the actor had none);
// a stance changed meanwhile (say, in another tab) is a conflict. Stances
// are not taken on a superseded decision. The database holds the rule that
// dissent carries a reason.
func (db *DB) SetStance(ctx context.Context, actor Actor, workspaceID, decisionID int64, version int, stance, reason string) (*sightline.Stance, error) {
	var saved *sightline.Stance
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM decisions WHERE workspace_id = $1 AND id = $2 FOR SHARE`, workspaceID, decisionID); err != nil {
			return err
		}
		d, err := decisionByID(ctx, tx, workspaceID, decisionID)
		if err != nil {
			return err
		}
		if err := sightline.CanTakeStance(d); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `
			SELECT s.decision_id, s.user_id, u.name, s.stance, s.reason, s.version, s.updated_at
			FROM decision_stances s JOIN users u ON u.id = s.user_id
			WHERE s.workspace_id = $1 AND s.decision_id = $2 AND s.user_id = $3
			FOR UPDATE OF s`, workspaceID, decisionID, actor.UserID)
		if err != nil {
			return err
		}
		existing, err := pgx.CollectRows(rows, scanStance)
		if err != nil {
			return err
		}
		var cur *sightline.Stance
		if len(existing) == 1 {
			cur = &existing[0]
		}
		switch {
		case cur == nil && version != 0, cur != nil && cur.Version != version:
			return staleVersion("stance")
		case cur != nil && cur.Stance == stance && cur.Reason == reason:
			saved = cur
			return nil
		}
		var tag pgconn.CommandTag
		if cur == nil {
			tag, err = tx.Exec(ctx, `
				INSERT INTO decision_stances (workspace_id, decision_id, user_id, stance, reason)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, workspaceID, decisionID, actor.UserID, stance, reason)
		} else {
			tag, err = tx.Exec(ctx, `
				UPDATE decision_stances SET stance = $5, reason = $6, version = version + 1, updated_at = now()
				WHERE workspace_id = $1 AND decision_id = $2 AND user_id = $3 AND version = $4`,
				workspaceID, decisionID, actor.UserID, version, stance, reason)
		}
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return staleVersion("stance")
		}
		rows, err = tx.Query(ctx, `
			SELECT s.decision_id, s.user_id, u.name, s.stance, s.reason, s.version, s.updated_at
			FROM decision_stances s JOIN users u ON u.id = s.user_id
			WHERE s.workspace_id = $1 AND s.decision_id = $2 AND s.user_id = $3`, workspaceID, decisionID, actor.UserID)
		if err != nil {
			return err
		}
		one, err := pgx.CollectExactlyOneRow(rows, scanStance)
		if err != nil {
			return err
		}
		saved = &one
		changes := map[string]sightline.Change{}
		from := sightline.Stance{}
		if cur != nil {
			from = *cur
		}
		addChange(changes, "stance", from.Stance, one.Stance)
		addChange(changes, "reason", from.Reason, one.Reason)
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "decision.stance_recorded", ItemType: "decision",
			ItemID: decisionID, Summary: decisionSummary(d), Changes: changes})
	})
	return saved, translate(fmt.Sprintf("store.SetStance(%d)", decisionID), err)
}

// decisionTarget is where the links of one target type live.
type decisionTarget struct {
	table, link, column, title, detail string
}

// decisionTargets maps a target type to its tables (fixed names, never input).
var decisionTargets = map[string]decisionTarget{
	sightline.TargetEpic:    {"epics", "decision_epics", "epic_id", "t.title", "t.status"},
	sightline.TargetItem:    {"arch_items", "decision_items", "item_id", "t.name", "t.kind"},
	sightline.TargetConcern: {"nfr_concerns", "decision_concerns", "concern_id", "t.title", "t.category"},
	sightline.TargetShift:   {"strategy_shifts", "decision_shifts", "shift_id", "t.title", "to_char(t.shifted_on, 'YYYY-MM-DD')"},
}

// decisionLinkEnds resolves a decision and a link target of the workspace; either
// missing (or another workspace's) is not found, the target with a message
// on target_id.
func decisionLinkEnds(ctx context.Context, tx pgx.Tx, workspaceID, decisionID int64, targetType string, targetID int64) (*sightline.Decision, string, decisionTarget, error) {
	t, ok := decisionTargets[targetType]
	if !ok {
		return nil, "", t, sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
	}
	d, err := decisionByID(ctx, tx, workspaceID, decisionID)
	if err != nil {
		return nil, "", t, err
	}
	var title string
	err = tx.QueryRow(ctx, `SELECT `+t.title+` FROM `+t.table+` t WHERE t.workspace_id = $1 AND t.id = $2`, workspaceID, targetID).Scan(&title)
	if errors.Is(err, pgx.ErrNoRows) {
		msg := "Choose one of this workspace's " + decisionTargetNouns[targetType] + "."
		return nil, "", t, &sightline.Error{Code: sightline.ENOTFOUND, Message: msg, Fields: map[string]string{"target_id": msg}}
	}
	return d, title, t, err
}

// LinkDecision links a decision to an epic, architecture item, concern or
// strategy shift of the same workspace (linking twice is a no-op).
func (db *DB) LinkDecision(ctx context.Context, actor Actor, workspaceID, decisionID int64, targetType string, targetID int64) (err error) {
	defer translateErr(&err, "store.LinkDecision")
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		d, title, t, err := decisionLinkEnds(ctx, tx, workspaceID, decisionID, targetType, targetID)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO `+t.link+` (workspace_id, decision_id, `+t.column+`) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, workspaceID, decisionID, targetID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "decision.linked", ItemType: "decision", ItemID: decisionID,
			Summary: d.Ref() + " ↔ " + title, Changes: map[string]sightline.Change{targetType: {To: title}}})
	})
	return err
}

// UnlinkDecision removes a link; unlinking an absent link is a no-op, but
// the decision and the target must be of the workspace.
func (db *DB) UnlinkDecision(ctx context.Context, actor Actor, workspaceID, decisionID int64, targetType string, targetID int64) (err error) {
	defer translateErr(&err, "store.UnlinkDecision")
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		d, title, t, err := decisionLinkEnds(ctx, tx, workspaceID, decisionID, targetType, targetID)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM `+t.link+` WHERE workspace_id = $1 AND decision_id = $2 AND `+t.column+` = $3`,
			workspaceID, decisionID, targetID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "decision.unlinked", ItemType: "decision", ItemID: decisionID,
			Summary: d.Ref() + " ↔ " + title, Changes: map[string]sightline.Change{targetType: {From: title}}})
	})
	return err
}

// DecisionLinks lists what a decision is about, epics first, then
// architecture items, concerns and strategy shifts, in one query.
func (db *DB) DecisionLinks(ctx context.Context, workspaceID, decisionID int64) (_ []sightline.DecisionLink, err error) {
	defer translateErr(&err, "store.DecisionLinks")
	sql := ""
	for i, typ := range sightline.DecisionTargetTypes {
		t := decisionTargets[typ]
		if i > 0 {
			sql += " UNION ALL "
		}
		sql += fmt.Sprintf(`SELECT %d AS ord, '%s' AS type, t.id, %s AS title, %s AS detail
			FROM %s l JOIN %s t ON t.workspace_id = l.workspace_id AND t.id = l.%s
			WHERE l.workspace_id = $1 AND l.decision_id = $2`, i, typ, t.title, t.detail, t.link, t.table, t.column)
	}
	rows, err := db.Pool.Query(ctx, `SELECT type, id, title, detail FROM (`+sql+`) x ORDER BY ord, lower(title), id`, workspaceID, decisionID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.DecisionLink, error) {
		var l sightline.DecisionLink
		err := row.Scan(&l.Type, &l.ID, &l.Title, &l.Detail)
		return l, err
	})
	return list, err
}

// DecisionChoices returns the options of the decision page's selects
// (architecture items, concerns, strategy shifts, members) in one query.
// Epics are too many to list: DecisionEpicChoices offers a bounded,
// searchable page of them.
func (db *DB) DecisionChoices(ctx context.Context, workspaceID int64) (_ *sightline.DecisionChoices, err error) {
	defer translateErr(&err, "store.DecisionChoices")
	rows, err := db.Pool.Query(ctx, `
		SELECT kind, id, title, extra FROM (
			SELECT 'item' AS kind, id, name AS title, kind AS extra FROM arch_items WHERE workspace_id = $1
			UNION ALL
			SELECT 'concern', id, title, category FROM nfr_concerns WHERE workspace_id = $1
			UNION ALL
			SELECT 'shift', id, title, to_char(shifted_on, 'YYYY-MM-DD') FROM strategy_shifts WHERE workspace_id = $1
			UNION ALL
			SELECT 'member', u.id, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1
		) c
		ORDER BY kind, lower(title), id`, workspaceID)
	if err != nil {
		return nil, err
	}
	c := &sightline.DecisionChoices{}
	var kind, title, extra string
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&kind, &id, &title, &extra}, func() error {
		switch kind {
		case "item":
			c.Items = append(c.Items, sightline.Choice{ID: id, Title: title + " (" + extra + ")"})
		case "concern":
			c.Concerns = append(c.Concerns, sightline.Choice{ID: id, Title: title + " (" + extra + ")"})
		case "shift":
			c.Shifts = append(c.Shifts, sightline.Choice{ID: id, Title: title + " (" + extra + ")"})
		case "member":
			c.Members = append(c.Members, sightline.MemberChoice{UserID: id, Name: title, Role: sightline.Role(extra)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// DecisionEpicChoices fills the decision page's "link an epic" select: the
// epics the decision is not linked to yet, bounded and searchable as
// ListEpicPicker.
func (db *DB) DecisionEpicChoices(ctx context.Context, workspaceID, decisionID int64, search string, limit int) (*EpicPicker, error) {
	return db.ListEpicPicker(ctx, workspaceID, EpicPickerOptions{Search: search, Limit: limit, NotLinkedToDecision: decisionID})
}

// DecisionItemChoices lists the workspace's architecture items by name, for
// the decision log's "linked item" filter.
func (db *DB) DecisionItemChoices(ctx context.Context, workspaceID int64) (_ []sightline.Choice, err error) {
	defer translateErr(&err, "store.DecisionItemChoices")
	rows, err := db.Pool.Query(ctx, `
		SELECT id, name || ' (' || kind || ')' FROM arch_items WHERE workspace_id = $1 ORDER BY lower(name), id`, workspaceID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[sightline.Choice])
	return list, err
}

// DecisionsForEpic lists the decisions linked to an epic, by number.
func (db *DB) DecisionsForEpic(ctx context.Context, workspaceID, epicID int64) ([]sightline.DecisionRef, error) {
	return db.decisionsFor(ctx, sightline.TargetEpic, workspaceID, epicID)
}

// DecisionsForItem lists the decisions linked to an architecture item, by number.
func (db *DB) DecisionsForItem(ctx context.Context, workspaceID, itemID int64) ([]sightline.DecisionRef, error) {
	return db.decisionsFor(ctx, sightline.TargetItem, workspaceID, itemID)
}

// DecisionsForConcern lists the decisions linked to an NFR concern, by number.
func (db *DB) DecisionsForConcern(ctx context.Context, workspaceID, concernID int64) ([]sightline.DecisionRef, error) {
	return db.decisionsFor(ctx, sightline.TargetConcern, workspaceID, concernID)
}

// DecisionsForShift lists the decisions linked to a strategy shift, by number.
func (db *DB) DecisionsForShift(ctx context.Context, workspaceID, shiftID int64) ([]sightline.DecisionRef, error) {
	return db.decisionsFor(ctx, sightline.TargetShift, workspaceID, shiftID)
}

func (db *DB) decisionsFor(ctx context.Context, targetType string, workspaceID, targetID int64) ([]sightline.DecisionRef, error) {
	t := decisionTargets[targetType]
	op := "store.DecisionsFor(" + targetType + ")"
	rows, err := db.Pool.Query(ctx, `
		SELECT d.id, d.number, d.title, d.status
		FROM `+t.link+` l JOIN decisions d ON d.workspace_id = l.workspace_id AND d.id = l.decision_id
		WHERE l.workspace_id = $1 AND l.`+t.column+` = $2
		ORDER BY d.number`, workspaceID, targetID)
	if err != nil {
		return nil, translate(op, err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[sightline.DecisionRef])
	return list, translate(op, err)
}

// sameDecision reports whether no editable field differs.
func sameDecision(a, b *sightline.Decision) bool {
	return a.Title == b.Title && a.Context == b.Context && a.Options == b.Options && a.Decision == b.Decision &&
		a.Consequences == b.Consequences && a.Tradeoff == b.Tradeoff && a.Status == b.Status &&
		eqID(a.DecidedByID, b.DecidedByID) && nilDate(a.DecidedOn) == nilDate(b.DecidedOn) &&
		nilDate(a.RevisitOn) == nilDate(b.RevisitOn)
}

// decisionChanges lists the fields that differ between two saved decisions,
// with names rather than ids, for the history.
func decisionChanges(a, b *sightline.Decision) map[string]sightline.Change {
	c := map[string]sightline.Change{}
	addChange(c, "title", a.Title, b.Title)
	addChange(c, "status", a.Status, b.Status)
	addChange(c, "context", a.Context, b.Context)
	addChange(c, "options", a.Options, b.Options)
	addChange(c, "decision", a.Decision, b.Decision)
	addChange(c, "consequences", a.Consequences, b.Consequences)
	addChange(c, "tradeoff", a.Tradeoff, b.Tradeoff)
	addChange(c, "decided_by", a.DecidedByName, b.DecidedByName)
	addChange(c, "decided_on", nilDate(a.DecidedOn), nilDate(b.DecidedOn))
	addChange(c, "revisit_on", nilDate(a.RevisitOn), nilDate(b.RevisitOn))
	if a.SupersededByNumber != b.SupersededByNumber {
		addChange(c, "superseded_by", refOrEmpty(a.SupersededByNumber), refOrEmpty(b.SupersededByNumber))
	}
	return c
}

func refOrEmpty(n int) string {
	if n == 0 {
		return ""
	}
	return sightline.DecisionNumber(n)
}

// addChange records a field's change when the values differ ("" is none).
func addChange(c map[string]sightline.Change, field, from, to string) {
	if from != to {
		c[field] = sightline.Change{From: epicNilIfEmpty(from), To: epicNilIfEmpty(to)}
	}
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

// decisionTargetNouns name each target type in messages.
var decisionTargetNouns = map[string]string{
	sightline.TargetEpic: "epics", sightline.TargetItem: "architecture items",
	sightline.TargetConcern: "NFR concerns", sightline.TargetShift: "strategy shifts",
}
