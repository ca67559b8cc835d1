package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sightline/sightline/internal/sightline"
)

// Decision stances (where everyone stands, dissent recorded) and decision
// links to epics, architecture items, concerns and shifts.

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
func (db *DB) SetStance(ctx context.Context, actor Actor, workspaceID, decisionID int64, version int, stance, reason string) (_ *sightline.Stance, err error) {
	defer translateErr(&err, fmt.Sprintf("store.SetStance(%d)", decisionID))
	var saved *sightline.Stance
	err = db.inTx(ctx, func(tx pgx.Tx) error {
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
		diff := changes{}
		from := sightline.Stance{}
		if cur != nil {
			from = *cur
		}
		diff.text("stance", from.Stance, one.Stance)
		diff.text("reason", from.Reason, one.Reason)
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "decision.stance_recorded", ItemType: "decision",
			ItemID: decisionID, Summary: decisionSummary(d), Changes: diff})
	})
	return saved, err
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

func (db *DB) decisionsFor(ctx context.Context, targetType string, workspaceID, targetID int64) (_ []sightline.DecisionRef, err error) {
	defer translateErr(&err, "store.DecisionsFor("+targetType+")")
	t := decisionTargets[targetType]
	rows, err := db.Pool.Query(ctx, `
		SELECT d.id, d.number, d.title, d.status
		FROM `+t.link+` l JOIN decisions d ON d.workspace_id = l.workspace_id AND d.id = l.decision_id
		WHERE l.workspace_id = $1 AND l.`+t.column+` = $2
		ORDER BY d.number`, workspaceID, targetID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[sightline.DecisionRef])
	return list, err
}

// decisionTargetNouns name each target type in messages.
var decisionTargetNouns = map[string]string{
	sightline.TargetEpic: "epics", sightline.TargetItem: "architecture items",
	sightline.TargetConcern: "NFR concerns", sightline.TargetShift: "strategy shifts",
}
