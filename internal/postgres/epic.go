package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// epicColumns reads an epic with the names behind its ids, its pain count and
// whether a later strategy shift asks for it to be re-validated: a shift
// dated after the prompting one, logged after a PM last confirmed the epic.
const epicColumns = `e.id, e.workspace_id, e.initiative_id, coalesce(i.title, ''), e.kind, e.title, e.problem,
	e.why_now, e.enables, e.success_criteria, e.status,
	e.pm_owner_id, coalesce(pu.name, ''), e.tech_owner_id, coalesce(tu.name, ''),
	coalesce(e.estimate_size, ''), e.estimate_note, e.estimated_by, coalesce(eu.name, ''), e.estimated_at,
	e.impact, e.effort, coalesce(e.target_quarter, ''), e.committed_on,
	e.feasibility, e.feasibility_note, coalesce(fu.name, ''), e.feasibility_at,
	e.shift_id, coalesce(s.title, ''),
	(s.id IS NOT NULL AND EXISTS (
		SELECT 1 FROM strategy_shifts ls
		WHERE ls.workspace_id = e.workspace_id AND ls.shifted_on > s.shifted_on AND ls.created_at > e.validated_at)),
	(SELECT count(*) FROM epic_pains ep WHERE ep.workspace_id = e.workspace_id AND ep.epic_id = e.id),
	e.version, e.created_at, e.updated_at`

// epicJoins resolves the names of an epic's ids, each within its workspace.
const epicJoins = `
	LEFT JOIN initiatives i ON i.workspace_id = e.workspace_id AND i.id = e.initiative_id
	LEFT JOIN strategy_shifts s ON s.workspace_id = e.workspace_id AND s.id = e.shift_id
	LEFT JOIN users pu ON pu.id = e.pm_owner_id
	LEFT JOIN users tu ON tu.id = e.tech_owner_id
	LEFT JOIN users eu ON eu.id = e.estimated_by
	LEFT JOIN users fu ON fu.id = e.feasibility_by`

func scanEpic(row pgx.Row, extra ...any) (*sightline.Epic, error) {
	var e sightline.Epic
	dest := append([]any{&e.ID, &e.WorkspaceID, &e.InitiativeID, &e.InitiativeTitle, &e.Kind, &e.Title, &e.Problem,
		&e.WhyNow, &e.Enables, &e.SuccessCriteria, &e.Status,
		&e.PMOwnerID, &e.PMOwnerName, &e.TechOwnerID, &e.TechOwnerName,
		&e.EstimateSize, &e.EstimateNote, &e.EstimatedByID, &e.EstimatedByName, &e.EstimatedAt,
		&e.Impact, &e.Effort, &e.TargetQuarter, &e.CommittedOn,
		&e.Feasibility, &e.FeasibilityNote, &e.FeasibilityBy, &e.FeasibilityAt,
		&e.ShiftID, &e.ShiftTitle, &e.Revalidate, &e.PainCount,
		&e.Version, &e.CreatedAt, &e.UpdatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return &e, nil
}

// epicOrder is the ORDER BY of each backlog sort; ties go to the most
// recently updated.
var epicOrder = map[sightline.EpicSort]string{
	sightline.SortUpdated: `e.updated_at DESC, e.id DESC`,
	sightline.SortImpact:  `e.impact DESC NULLS LAST, e.updated_at DESC, e.id DESC`,
	sightline.SortEffort:  `e.effort ASC NULLS LAST, e.updated_at DESC, e.id DESC`,
	sightline.SortRatio:   `(e.impact::numeric / NULLIF(e.effort, 0)) DESC NULLS LAST, e.updated_at DESC, e.id DESC`,
}

// backlogWhere is the backlog filter as a WHERE condition on epics e, with
// its arguments $1–$6 from backlogArgs. The backlog, its count past the last
// page and the matrix share it, so they always select the same epics.
const backlogWhere = `e.workspace_id = $1
	AND ($2::text = '' OR e.status = $2)
	AND ($3::text = '' OR e.kind = $3)
	AND ($4::bigint = 0 OR e.initiative_id = $4)
	AND ($5::bigint = 0 OR e.pm_owner_id = $5 OR e.tech_owner_id = $5)
	AND ($6::text = '' OR e.target_quarter = $6)`

// backlogArgs are backlogWhere's arguments for a normalized filter.
func backlogArgs(workspaceID int64, f sightline.EpicFilter) []any {
	return []any{workspaceID, string(f.Status), string(f.Kind), f.InitiativeID, f.OwnerID, f.Quarter}
}

// ListEpics returns one page of the backlog (product and enabler epics
// together) and how many epics match the filter, in one query.
func (db *DB) ListEpics(ctx context.Context, workspaceID int64, f sightline.EpicFilter) (_ []sightline.Epic, _ int, err error) {
	defer translateErr(&err, "store.ListEpics")
	f = f.Normalize()
	order := epicOrder[f.Sort]
	rows, err := db.Pool.Query(ctx, `
		WITH page AS (
			SELECT e.id, count(*) OVER () AS total
			FROM epics e
			WHERE `+backlogWhere+`
			ORDER BY `+order+`
			LIMIT $7 OFFSET $8
		)
		SELECT `+epicColumns+`, page.total
		FROM page JOIN epics e ON e.workspace_id = $1 AND e.id = page.id `+epicJoins+`
		ORDER BY `+order,
		append(backlogArgs(workspaceID, f), f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return nil, 0, err
	}
	total := 0
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Epic, error) {
		e, err := scanEpic(row, &total)
		if err != nil {
			return sightline.Epic{}, err
		}
		return *e, nil
	})
	if err != nil {
		return nil, 0, err
	}
	if len(list) == 0 && f.Page > 1 {
		// Past the last page: count without the page so the pager can lead back.
		if err := db.Pool.QueryRow(ctx, `
			SELECT count(*) FROM epics e WHERE `+backlogWhere,
			backlogArgs(workspaceID, f)...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	return list, total, nil
}

// EpicByID returns one epic of a workspace.
func (db *DB) EpicByID(ctx context.Context, workspaceID, id int64) (_ *sightline.Epic, err error) {
	defer translateErr(&err, fmt.Sprintf("store.EpicByID(%d)", id))
	e, err := epicByID(ctx, db.Pool, workspaceID, id)
	return e, err
}

func epicByID(ctx context.Context, q querier, workspaceID, id int64) (*sightline.Epic, error) {
	return scanEpic(q.QueryRow(ctx, `SELECT `+epicColumns+` FROM epics e `+epicJoins+`
		WHERE e.workspace_id = $1 AND e.id = $2`, workspaceID, id))
}

// EpicPickerLimit is how many epics a "link to an epic" select lists; a
// search finds any other.
const EpicPickerLimit = 200

// EpicPickerOptions narrow a "link to an epic" select.
type EpicPickerOptions struct {
	// Search keeps the epics whose title contains it (case-insensitive), or
	// whose number it is; empty keeps every epic.
	Search string
	Limit  int // at most this many; 0 means EpicPickerLimit
	// Leave out the epics already linked to this pain, architecture item,
	// decision or roadmap item (0: none).
	NotLinkedToPain, NotLinkedToItem, NotLinkedToDecision, NotOnRoadmapItem int64
}

// EpicPicker is one bounded page of a "link to an epic" select.
type EpicPicker struct {
	Epics []sightline.Epic // id, title, kind, status and target quarter; by title
	Total int              // how many epics match in all
}

// ListEpicPicker fills a "link to an epic" select in one query: of the
// epics that match, open ones first (not done or dropped), the earliest
// target quarter first, then the most recently updated; the first Limit
// of them, listed by title.
func (db *DB) ListEpicPicker(ctx context.Context, workspaceID int64, o EpicPickerOptions) (_ *EpicPicker, err error) {
	defer translateErr(&err, "store.ListEpicPicker")
	if o.Limit <= 0 {
		o.Limit = EpicPickerLimit
	}
	search := PickerSearch(o.Search)
	pattern := ""
	if search != "" {
		pattern = likePattern(search)
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT id, title, kind, status, quarter, total FROM (
			SELECT e.id, e.title, e.kind, e.status, coalesce(e.target_quarter, '') AS quarter, count(*) OVER () AS total
			FROM epics e
			WHERE e.workspace_id = $1
			  AND ($2::text = '' OR e.title ILIKE $2 OR e.id::text = $3)
			  AND ($4::bigint = 0 OR NOT EXISTS (SELECT 1 FROM epic_pains l
				WHERE l.workspace_id = e.workspace_id AND l.epic_id = e.id AND l.pain_id = $4))
			  AND ($5::bigint = 0 OR NOT EXISTS (SELECT 1 FROM epic_arch_links l
				WHERE l.workspace_id = e.workspace_id AND l.epic_id = e.id AND l.item_id = $5))
			  AND ($6::bigint = 0 OR NOT EXISTS (SELECT 1 FROM decision_epics l
				WHERE l.workspace_id = e.workspace_id AND l.epic_id = e.id AND l.decision_id = $6))
			  AND ($7::bigint = 0 OR NOT EXISTS (SELECT 1 FROM epic_roadmap_items l
				WHERE l.workspace_id = e.workspace_id AND l.epic_id = e.id AND l.roadmap_item_id = $7))
			ORDER BY e.status IN ('done', 'dropped'), e.target_quarter NULLS LAST, e.updated_at DESC, e.id DESC
			LIMIT $8) x
		ORDER BY lower(title), id`,
		workspaceID, pattern, strings.TrimPrefix(search, "#"), o.NotLinkedToPain, o.NotLinkedToItem, o.NotLinkedToDecision, o.NotOnRoadmapItem, o.Limit)
	if err != nil {
		return nil, err
	}
	ep := &EpicPicker{}
	ep.Epics, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Epic, error) {
		e := sightline.Epic{WorkspaceID: workspaceID}
		err := row.Scan(&e.ID, &e.Title, &e.Kind, &e.Status, &e.TargetQuarter, &ep.Total)
		return e, err
	})
	if err != nil {
		return nil, err
	}
	return ep, nil
}

// EstimatorNames lists the names of the workspace's engineers and
// architects: the people who can estimate an epic.
func (db *DB) EstimatorNames(ctx context.Context, workspaceID int64) (_ []string, err error) {
	defer translateErr(&err, "store.EstimatorNames")
	names, err := estimatorNames(ctx, db.Pool, workspaceID)
	return names, err
}

func estimatorNames(ctx context.Context, q querier, workspaceID int64) ([]string, error) {
	rows, err := q.Query(ctx, `
		SELECT u.name FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = $1 AND m.role IN ('engineer', 'architect')
		ORDER BY lower(u.name), u.id`, workspaceID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// EpicChoices returns the options of the epic forms and backlog filters
// (initiatives, strategy shifts, members, target quarters in use) in one query.
func (db *DB) EpicChoices(ctx context.Context, workspaceID int64) (_ *sightline.EpicChoices, err error) {
	defer translateErr(&err, "store.EpicChoices")
	rows, err := db.Pool.Query(ctx, `
		SELECT kind, id, title, extra FROM (
			SELECT 'initiative' AS kind, id, title, '' AS extra FROM initiatives WHERE workspace_id = $1
			UNION ALL
			SELECT 'shift', id, title, to_char(shifted_on, 'YYYY-MM-DD') FROM strategy_shifts WHERE workspace_id = $1
			UNION ALL
			SELECT 'member', u.id, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1
			UNION ALL
			SELECT DISTINCT 'quarter', 0::bigint, target_quarter, '' FROM epics WHERE workspace_id = $1 AND target_quarter IS NOT NULL
		) c
		ORDER BY kind, CASE WHEN kind = 'shift' THEN extra END DESC, lower(title), id`, workspaceID)
	if err != nil {
		return nil, err
	}
	c := &sightline.EpicChoices{}
	var kind, title, extra string
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&kind, &id, &title, &extra}, func() error {
		switch kind {
		case "initiative":
			c.Initiatives = append(c.Initiatives, sightline.Choice{ID: id, Title: title})
		case "shift":
			c.Shifts = append(c.Shifts, sightline.Choice{ID: id, Title: title + " (" + extra + ")"})
		case "member":
			c.Members = append(c.Members, sightline.MemberChoice{UserID: id, Name: title, Role: sightline.Role(extra)})
		case "quarter":
			c.Quarters = append(c.Quarters, title)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// CreateEpic creates an epic in status idea. With painID set, the pain is
// linked in the same transaction (an epic created from a pain note).
func (db *DB) CreateEpic(ctx context.Context, actor Actor, workspaceID int64, e sightline.Epic, painID int64) (_ *sightline.Epic, err error) {
	defer translateErr(&err, "store.CreateEpic")
	e.Status, e.Feasibility = sightline.StatusIdea, sightline.FeasibilityNotRequested
	e.EstimateSize, e.EstimateNote, e.CommittedOn, e.FeasibilityNote = "", "", nil, ""
	if err := sightline.CheckEpic(&e).Err(); err != nil {
		return nil, err
	}
	var created *sightline.Epic
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if err := checkEpicRefs(ctx, tx, workspaceID, &sightline.Epic{}, &e).Err(); err != nil {
			return err
		}
		var quote string
		if painID != 0 {
			if err := tx.QueryRow(ctx, `SELECT quote FROM pain_notes WHERE workspace_id = $1 AND id = $2`, workspaceID, painID).Scan(&quote); err != nil {
				return err
			}
		}
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO epics (workspace_id, initiative_id, kind, title, problem, why_now, enables, success_criteria,
			                   pm_owner_id, tech_owner_id, impact, effort, target_quarter, shift_id, created_by, updated_by)
			VALUES (@workspace, @initiative, @kind, @title, @problem, @why_now, @enables, @success_criteria,
			        @pm_owner, @tech_owner, @impact, @effort, NULLIF(@target_quarter, ''), @shift, NULLIF(@actor, 0), NULLIF(@actor, 0))
			RETURNING id`,
			pgx.NamedArgs{
				"workspace": workspaceID, "actor": actor.UserID, "initiative": e.InitiativeID, "kind": e.Kind, "title": e.Title,
				"problem": e.Problem, "why_now": e.WhyNow, "enables": e.Enables, "success_criteria": e.SuccessCriteria,
				"pm_owner": e.PMOwnerID, "tech_owner": e.TechOwnerID, "impact": e.Impact, "effort": e.Effort,
				"target_quarter": e.TargetQuarter, "shift": e.ShiftID,
			}).Scan(&id); err != nil {
			return err
		}
		var err error
		if created, err = epicByID(ctx, tx, workspaceID, id); err != nil {
			return err
		}
		if err := notifyItemMentions(ctx, tx, actor, workspaceID, "epic", id, created.Problem, created.WhyNow); err != nil {
			return err
		}
		if err := record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: "epic.created", ItemType: "epic", ItemID: id,
			Summary: created.Title, Changes: epicChanges(&sightline.Epic{}, created)}); err != nil {
			return err
		}
		if painID == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO epic_pains (workspace_id, epic_id, pain_id, created_by) VALUES ($1, $2, $3, NULLIF($4, 0))`,
			workspaceID, id, painID, actor.UserID); err != nil {
			return err
		}
		created.PainCount = 1
		// The same entries as LinkPain writes, on the epic's and the pain's history.
		return recordLink(ctx, tx, actor, workspaceID, "pain.linked", id, painID, created.Title, painSummary(quote))
	})
	return created, err
}

// UpdateEpicProduct saves the product fields with optimistic locking. A
// product change counts as a PM revisiting the epic: it clears the
// re-validate flag.
func (db *DB) UpdateEpicProduct(ctx context.Context, actor Actor, workspaceID, id int64, version int, u sightline.EpicProduct) (_ *sightline.Epic, err error) {
	defer translateErr(&err, fmt.Sprintf("store.UpdateEpicProduct(%d)", id))
	e, err := db.changeEpic(ctx, actor, workspaceID, id, version, "epic.updated", func(tx pgx.Tx, cur, next *sightline.Epic, m *epicMarks) error {
		u.Apply(next)
		m.revalidated = true
		if err := checkEpicRefs(ctx, tx, workspaceID, cur, next).Err(); err != nil {
			return err
		}
		return notifyItemMentions(ctx, tx, actor, workspaceID, "epic", id, next.Problem, next.WhyNow)
	})
	return e, err
}

// UpdateEpicTechnical saves the technical fields with optimistic locking.
func (db *DB) UpdateEpicTechnical(ctx context.Context, actor Actor, workspaceID, id int64, version int, u sightline.EpicTechnical) (_ *sightline.Epic, err error) {
	defer translateErr(&err, fmt.Sprintf("store.UpdateEpicTechnical(%d)", id))
	e, err := db.changeEpic(ctx, actor, workspaceID, id, version, "epic.technical_updated", func(tx pgx.Tx, cur, next *sightline.Epic, _ *epicMarks) error {
		u.Apply(next)
		return checkEpicRefs(ctx, tx, workspaceID, cur, next).Err()
	})
	return e, err
}

// SetEpicStatus moves an epic to a status; ready and beyond need the
// feasibility check-in done or waived.
func (db *DB) SetEpicStatus(ctx context.Context, actor Actor, workspaceID, id int64, version int, to sightline.EpicStatus) (_ *sightline.Epic, err error) {
	defer translateErr(&err, fmt.Sprintf("store.SetEpicStatus(%d)", id))
	e, err := db.changeEpic(ctx, actor, workspaceID, id, version, "epic.status_changed", func(_ pgx.Tx, cur, next *sightline.Epic, _ *epicMarks) error {
		if err := sightline.CanSetStatus(cur, to); err != nil {
			return err
		}
		next.Status = to
		return nil
	})
	return e, err
}

// EstimateEpic records a t-shirt estimate and why it is complex, by the actor
// (an engineer or architect: the route's permission).
func (db *DB) EstimateEpic(ctx context.Context, actor Actor, workspaceID, id int64, version int, size, note string) (_ *sightline.Epic, err error) {
	defer translateErr(&err, fmt.Sprintf("store.EstimateEpic(%d)", id))
	if err := sightline.CheckEstimate(size, note).Err(); err != nil {
		return nil, err
	}
	e, err := db.changeEpic(ctx, actor, workspaceID, id, version, "epic.estimated", func(_ pgx.Tx, _, next *sightline.Epic, m *epicMarks) error {
		next.EstimateSize, next.EstimateNote = size, note
		m.estimated = true
		return nil
	})
	return e, err
}

// CommitEpic commits the epic to a date, or clears the date when on is nil.
// A date needs an estimate first; the refusal names who can estimate.
func (db *DB) CommitEpic(ctx context.Context, actor Actor, workspaceID, id int64, version int, on *time.Time) (_ *sightline.Epic, err error) {
	defer translateErr(&err, fmt.Sprintf("store.CommitEpic(%d)", id))
	e, err := db.changeEpic(ctx, actor, workspaceID, id, version, "epic.committed", func(tx pgx.Tx, cur, next *sightline.Epic, _ *epicMarks) error {
		if on != nil {
			if sightline.CanCommit(cur, nil) != nil {
				names, err := estimatorNames(ctx, tx, workspaceID)
				if err != nil {
					return err
				}
				return sightline.CanCommit(cur, names)
			}
			d := time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, time.UTC)
			next.CommittedOn = &d
		} else {
			next.CommittedOn = nil
		}
		return nil
	})
	return e, err
}

// RecordFeasibility records the feasibility check-in: requested, done (with
// what it found) or waived (with why). Who may record which outcome is
// sightline.FeasibilityAllowed, checked by the caller that knows the role.
func (db *DB) RecordFeasibility(ctx context.Context, actor Actor, workspaceID, id int64, version int, outcome sightline.Feasibility, note string) (_ *sightline.Epic, err error) {
	defer translateErr(&err, fmt.Sprintf("store.RecordFeasibility(%d)", id))
	e, err := db.changeEpic(ctx, actor, workspaceID, id, version, "epic.feasibility_recorded", func(_ pgx.Tx, cur, next *sightline.Epic, m *epicMarks) error {
		if err := sightline.CheckFeasibility(cur, outcome, note).Err(); err != nil {
			return err
		}
		next.Feasibility, next.FeasibilityNote = outcome, note
		m.feasibility = true
		return nil
	})
	return e, err
}

// RevalidateEpic records that a PM confirmed the epic still holds after a
// later strategy shift.
func (db *DB) RevalidateEpic(ctx context.Context, actor Actor, workspaceID, id int64, version int) (_ *sightline.Epic, err error) {
	defer translateErr(&err, fmt.Sprintf("store.RevalidateEpic(%d)", id))
	e, err := db.changeEpic(ctx, actor, workspaceID, id, version, "epic.revalidated", func(_ pgx.Tx, _, _ *sightline.Epic, m *epicMarks) error {
		m.revalidated, m.force = true, true
		return nil
	})
	return e, err
}

// epicMarks says which "who and when" columns a change stamps.
type epicMarks struct {
	estimated   bool // estimated_by/at := actor, now
	feasibility bool // feasibility_by/at := actor, now
	revalidated bool // validated_at := now
	force       bool // write even when no field changed
}

// changeEpic is the one path for editing an epic: lock the row, check the
// version (a missing or foreign id is not found, a stale one a conflict),
// apply the change to a copy, check every rule on the result, write it,
// and record what changed, all in one transaction.
func (db *DB) changeEpic(ctx context.Context, actor Actor, workspaceID, id int64, version int, verb string,
	change func(tx pgx.Tx, cur, next *sightline.Epic, m *epicMarks) error) (*sightline.Epic, error) {
	var saved *sightline.Epic
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var current int
		if err := tx.QueryRow(ctx, `SELECT version FROM epics WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, workspaceID, id).Scan(&current); err != nil {
			return err
		}
		if current != version {
			return staleVersion("epic")
		}
		cur, err := epicByID(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		next := *cur
		var m epicMarks
		if err := change(tx, cur, &next, &m); err != nil {
			return err
		}
		if err := sightline.CheckEpic(&next).Err(); err != nil {
			return err
		}
		if !m.force && !m.estimated && !m.feasibility && sameEpic(cur, &next) {
			saved = cur
			return nil
		}
		tag, err := tx.Exec(ctx, `
			UPDATE epics SET
				initiative_id = @initiative, title = @title, problem = @problem, why_now = @why_now, enables = @enables,
				success_criteria = @success_criteria, status = @status, pm_owner_id = @pm_owner, tech_owner_id = @tech_owner,
				estimate_size = NULLIF(@estimate_size, ''), estimate_note = @estimate_note,
				estimated_by = CASE WHEN @estimated THEN NULLIF(@actor::bigint, 0) ELSE estimated_by END,
				estimated_at = CASE WHEN @estimated THEN now() ELSE estimated_at END,
				impact = @impact, effort = @effort, target_quarter = NULLIF(@target_quarter, ''), committed_on = @committed_on,
				feasibility = @feasibility, feasibility_note = @feasibility_note,
				feasibility_by = CASE WHEN @feasibility_changed THEN NULLIF(@actor::bigint, 0) ELSE feasibility_by END,
				feasibility_at = CASE WHEN @feasibility_changed THEN now() ELSE feasibility_at END,
				shift_id = @shift,
				validated_at = CASE WHEN @revalidated THEN now() ELSE validated_at END,
				version = version + 1, updated_at = now(), updated_by = NULLIF(@actor::bigint, 0)
			WHERE workspace_id = @workspace AND id = @id AND version = @version`,
			pgx.NamedArgs{
				"workspace": workspaceID, "id": id, "version": version, "actor": actor.UserID,
				"initiative": next.InitiativeID, "title": next.Title, "problem": next.Problem, "why_now": next.WhyNow,
				"enables": next.Enables, "success_criteria": next.SuccessCriteria, "status": next.Status,
				"pm_owner": next.PMOwnerID, "tech_owner": next.TechOwnerID,
				"estimate_size": next.EstimateSize, "estimate_note": next.EstimateNote, "estimated": m.estimated,
				"impact": next.Impact, "effort": next.Effort, "target_quarter": next.TargetQuarter, "committed_on": next.CommittedOn,
				"feasibility": next.Feasibility, "feasibility_note": next.FeasibilityNote, "feasibility_changed": m.feasibility,
				"shift": next.ShiftID, "revalidated": m.revalidated,
			})
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return staleVersion("epic")
		}
		if saved, err = epicByID(ctx, tx, workspaceID, id); err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: workspaceID, Verb: verb, ItemType: "epic", ItemID: id,
			Summary: saved.Title, Changes: epicChanges(cur, saved)})
	})
	return saved, err
}

// checkEpicRefs checks, in one query, that the initiative, shift and owners
// an edit newly names belong to the workspace.
func checkEpicRefs(ctx context.Context, tx pgx.Tx, workspaceID int64, cur, next *sightline.Epic) sightline.Problems {
	p := sightline.Problems{}
	changed := func(a, b *int64) *int64 {
		if b == nil || (a != nil && *a == *b) {
			return nil
		}
		return b
	}
	ini, shift := changed(cur.InitiativeID, next.InitiativeID), changed(cur.ShiftID, next.ShiftID)
	pm, tech := changed(cur.PMOwnerID, next.PMOwnerID), changed(cur.TechOwnerID, next.TechOwnerID)
	if ini == nil && shift == nil && pm == nil && tech == nil {
		return p
	}
	var okIni, okShift, okPM, okTech bool
	err := tx.QueryRow(ctx, `
		SELECT $2::bigint IS NULL OR EXISTS (SELECT 1 FROM initiatives WHERE workspace_id = $1 AND id = $2),
		       $3::bigint IS NULL OR EXISTS (SELECT 1 FROM strategy_shifts WHERE workspace_id = $1 AND id = $3),
		       $4::bigint IS NULL OR EXISTS (SELECT 1 FROM memberships WHERE workspace_id = $1 AND user_id = $4),
		       $5::bigint IS NULL OR EXISTS (SELECT 1 FROM memberships WHERE workspace_id = $1 AND user_id = $5)`,
		workspaceID, ini, shift, pm, tech).Scan(&okIni, &okShift, &okPM, &okTech)
	if err != nil {
		p.Add("form", "The choices could not be checked; try again.")
		return p
	}
	if !okIni {
		p.Add("initiative_id", "Choose one of this workspace's initiatives.")
	}
	if !okShift {
		p.Add("shift_id", "Choose one of this workspace's strategy shifts.")
	}
	if !okPM {
		p.Add("pm_owner_id", "Choose a member of this workspace.")
	}
	if !okTech {
		p.Add("tech_owner_id", "Choose a member of this workspace.")
	}
	return p
}

// sameEpic reports whether no editable field differs.
func sameEpic(a, b *sightline.Epic) bool {
	return epicEqID(a.InitiativeID, b.InitiativeID) && a.Title == b.Title && a.Problem == b.Problem && a.WhyNow == b.WhyNow &&
		a.Enables == b.Enables && a.SuccessCriteria == b.SuccessCriteria && a.Status == b.Status &&
		epicEqID(a.PMOwnerID, b.PMOwnerID) && epicEqID(a.TechOwnerID, b.TechOwnerID) &&
		a.EstimateSize == b.EstimateSize && a.EstimateNote == b.EstimateNote &&
		epicEqInt(a.Impact, b.Impact) && epicEqInt(a.Effort, b.Effort) && a.TargetQuarter == b.TargetQuarter &&
		epicDateText(a) == epicDateText(b) && a.Feasibility == b.Feasibility && a.FeasibilityNote == b.FeasibilityNote &&
		epicEqID(a.ShiftID, b.ShiftID)
}

func epicEqID(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func epicEqInt(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func epicIntText(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

func epicDateText(e *sightline.Epic) string {
	if e.CommittedOn == nil {
		return ""
	}
	return e.CommittedOn.Format("2006-01-02")
}

func epicNilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
