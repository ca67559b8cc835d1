package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// The roadmap timeline and the impact/effort matrix read aggregates: a
// fixed number of queries whatever the number of epics, each capped per
// cell in SQL (row_number() over the cell), so a page never loads every
// epic of a large workspace.

// TimelineLanes lists the workspace's initiatives as the timeline's lanes:
// now, next, later, then by title.
func (db *DB) TimelineLanes(ctx context.Context, workspaceID int64) (_ []sightline.Initiative, err error) {
	defer translateErr(&err, "store.TimelineLanes")
	rows, err := db.Pool.Query(ctx, `
		SELECT id, title, horizon FROM initiatives WHERE workspace_id = $1
		ORDER BY array_position(ARRAY['now', 'next', 'later'], horizon), lower(title), id`, workspaceID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.Initiative, error) {
		in := sightline.Initiative{WorkspaceID: workspaceID}
		err := row.Scan(&in.ID, &in.Title, &in.Horizon)
		return in, err
	})
	return list, err
}

// timelineSpan is the filtered epics with their span, the rule of
// sightline.EpicSpan in SQL: sq (start) and eq (end) are the target quarter
// and the committed date's quarter, whichever comes first and last, as
// 'YYYY-Qn' text (which sorts in time order); NULL when the epic has
// neither. Only committed epics pay for formatting a date. The quarters
// compare in the "C" collation: the same order for 'YYYY-Qn' in any
// collation, and a byte comparison instead of the locale's (a tenth of the
// statement's time on the large workspace).
const timelineSpan = `
	WITH f AS (
		SELECT e.id, e.title, e.kind, e.status, coalesce(e.initiative_id, 0) AS lane,
		       e.target_quarter COLLATE "C" AS tq, e.committed_on,
		       CASE WHEN e.committed_on IS NULL THEN NULL ELSE to_char(e.committed_on, 'YYYY-"Q"Q') COLLATE "C" END AS cq
		FROM epics e
		WHERE e.workspace_id = $1
		  AND ($2::bigint = 0 OR e.initiative_id = $2)
		  AND (NOT $3::bool OR e.initiative_id IS NULL)
		  AND ($4::text = '' OR e.kind = $4)
		  AND ($5::text = '' OR e.status = $5)
	), s AS (
		SELECT f.*, least(tq, cq) AS sq, greatest(tq, cq) AS eq FROM f
	)`

func timelineArgs(workspaceID int64, f sightline.TimelineFilter) []any {
	return []any{workspaceID, f.InitiativeID, f.NoInitiative, string(f.Kind), string(f.Status),
		f.Window.From.String(), f.Window.To.String()}
}

// TimelineEpics returns the epics the timeline draws for the filter: those
// whose span meets the window, at most perCell per initiative × quarter
// cell (surest confidence first, then furthest along, then by title), each
// with its cell's total; and the counts of the filtered epics in the
// window, before it, after it and without a quarter. One query: the counts
// ride on every row (and on a lone row of NULLs when no epic is drawn).
//
// The result is cached (reviewcache.go) under the filter and the cap.
func (db *DB) TimelineEpics(ctx context.Context, workspaceID int64, f sightline.TimelineFilter, perCell int) ([]sightline.TimelineEpic, sightline.TimelineCounts, error) {
	f = f.Normalize()
	key := reviewCacheKey{kind: "timeline.epics", ws: workspaceID, params: fmt.Sprintf("%d|%t|%s|%s|%s|%s|%d",
		f.InitiativeID, f.NoInitiative, f.Kind, f.Status, f.Window.From, f.Window.To, perCell)}
	t, err := cached(ctx, db, key, time.Now(), func(t timelineEpics) timelineEpics {
		t.list = slices.Clone(t.list)
		return t
	}, func() (cachedResult[timelineEpics], error) {
		return db.timelineEpics(ctx, workspaceID, f, perCell)
	})
	return t.list, t.counts, err
}

// timelineEpics is what TimelineEpics returns.
type timelineEpics struct {
	list   []sightline.TimelineEpic
	counts sightline.TimelineCounts
}

func (db *DB) timelineEpics(ctx context.Context, workspaceID int64, f sightline.TimelineFilter, perCell int) (_ cachedResult[timelineEpics], err error) {
	defer translateErr(&err, "store.TimelineEpics")
	var res cachedResult[timelineEpics]
	var counts sightline.TimelineCounts
	rows, err := db.Pool.Query(ctx, timelineSpan+`,
	totals AS (
		SELECT count(*) FILTER (WHERE sq <= $7::text AND eq >= $6::text) AS in_window,
		       count(*) FILTER (WHERE eq < $6::text) AS before,
		       count(*) FILTER (WHERE sq > $7::text) AS after,
		       count(*) FILTER (WHERE sq IS NULL) AS unplaced
		FROM s
	), conf AS (
		SELECT DISTINCT ON (l.epic_id) l.epic_id, r.confidence, r.title
		FROM epic_roadmap_items l JOIN roadmap_items r ON r.workspace_id = l.workspace_id AND r.id = l.roadmap_item_id
		WHERE l.workspace_id = $1
		ORDER BY l.epic_id, array_position(ARRAY['committed', 'planned', 'exploring'], r.confidence), r.starts_on, r.id
	), c AS (
		SELECT s.*, greatest(s.sq, $6::text) AS cell, coalesce(conf.confidence, '') AS item_conf, coalesce(conf.title, '') AS item_title,
		       row_number() OVER (PARTITION BY s.lane, greatest(s.sq, $6::text)
		           ORDER BY CASE WHEN s.committed_on IS NOT NULL THEN 0 ELSE coalesce(array_position(ARRAY['committed', 'planned', 'exploring'], conf.confidence), 3) END,
		                    array_position(ARRAY['in_progress', 'ready', 'discovery', 'idea', 'done', 'dropped'], s.status),
		                    s.title, s.id) AS rn,
		       count(*) OVER (PARTITION BY s.lane, greatest(s.sq, $6::text)) AS total
		FROM s LEFT JOIN conf ON conf.epic_id = s.id
		WHERE s.sq <= $7::text AND s.eq >= $6::text
	)
	SELECT t.in_window, t.before, t.after, t.unplaced,
	       c.id, c.title, c.kind, c.status, c.lane, coalesce(c.tq, ''), c.committed_on, c.item_conf, c.item_title, c.cell, c.total,
	       `+revisionColumns+`
	FROM totals t LEFT JOIN c ON c.rn <= $8
	ORDER BY c.lane, c.cell, c.rn`, append(timelineArgs(workspaceID, f), perCell)...)
	if err != nil {
		return res, err
	}
	var list []sightline.TimelineEpic
	var (
		id, lane, total                                    *int64
		title, kind, status, tq, itemConf, itemTitle, cell *string
		committed                                          *time.Time
	)
	_, err = pgx.ForEachRow(rows, []any{&counts.InWindow, &counts.Before, &counts.After, &counts.Unplaced,
		&id, &title, &kind, &status, &lane, &tq, &committed, &itemConf, &itemTitle, &cell, &total, &res.rev.ID, &res.rev.Settled}, func() error {
		res.rows++
		if id == nil {
			return nil // no epic in the window: the counts alone
		}
		e := sightline.TimelineEpic{ID: *id, Title: *title, Kind: sightline.EpicKind(*kind), Status: sightline.EpicStatus(*status),
			InitiativeID: *lane, TargetQuarter: *tq, CellTotal: int(*total)}
		e.Cell, _ = sightline.ParseQuarter(*cell)
		if committed != nil {
			d := *committed
			e.CommittedOn = &d
		}
		e.Start, e.End, _ = sightline.EpicSpan(e.TargetQuarter, e.CommittedOn)
		e.Confidence = sightline.EpicConfidence(e.CommittedOn != nil, *itemConf)
		if e.CommittedOn == nil && *itemConf != "" {
			e.ConfidenceFrom = *itemTitle
		}
		list = append(list, e)
		return nil
	})
	if err != nil {
		return res, err
	}
	res.value = timelineEpics{list: list, counts: counts}
	return res, nil
}

// ShiftsBetween lists the strategy shifts made on or after from and before
// to, by date, at most limit.
func (db *DB) ShiftsBetween(ctx context.Context, workspaceID int64, from, to time.Time, limit int) (_ []sightline.StrategyShift, err error) {
	defer translateErr(&err, "store.ShiftsBetween")
	rows, err := db.Pool.Query(ctx, `
		SELECT id, title, from_phase, to_phase, shifted_on FROM strategy_shifts
		WHERE workspace_id = $1 AND shifted_on >= $2::date AND shifted_on < $3::date
		ORDER BY shifted_on, id LIMIT $4`, workspaceID, from.Format("2006-01-02"), to.Format("2006-01-02"), limit)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.StrategyShift, error) {
		s := sightline.StrategyShift{WorkspaceID: workspaceID}
		err := row.Scan(&s.ID, &s.Title, &s.FromPhase, &s.ToPhase, &s.ShiftedOn)
		return s, err
	})
	return list, err
}

// MatrixEpics returns what the impact/effort matrix shows for the backlog
// filter, in one query: the scored epics, at most MatrixCellCap per impact
// × effort cell (every epic, up to MatrixCellList, of the selected cell),
// most recently updated first, each with its cell's total; and the first
// MatrixUnscoredList epics without impact or effort, with their number.
func (db *DB) MatrixEpics(ctx context.Context, workspaceID int64, f sightline.MatrixFilter) (_ *sightline.MatrixData, err error) {
	defer translateErr(&err, "store.MatrixEpics")
	f = f.Normalize()
	// Each cell's first epics come from the (impact, effort, updated_at)
	// index, stopping at the cell's cap, instead of ranking every epic of
	// the workspace; the cells' totals are one count by cell.
	const pick = `SELECT e.id, e.title, e.kind, e.status, e.impact, e.effort,
		row_number() OVER (ORDER BY e.updated_at DESC, e.id DESC) AS rn FROM epics e WHERE ` + backlogWhere
	rows, err := db.Pool.Query(ctx, `
		WITH totals AS (
			SELECT CASE WHEN e.impact IS NULL OR e.effort IS NULL THEN 0 ELSE e.impact * 10 + e.effort END AS cell, count(*) AS total
			FROM epics e WHERE `+backlogWhere+` GROUP BY 1
		), picked AS (
			SELECT t.cell, p.* FROM totals t CROSS JOIN LATERAL (
				`+pick+` AND e.impact = t.cell / 10 AND e.effort = t.cell % 10
				ORDER BY e.updated_at DESC, e.id DESC
				LIMIT CASE WHEN t.cell = $7::int THEN $9::int ELSE $10::int END) p
			WHERE t.cell <> 0
			UNION ALL
			SELECT 0, p.* FROM (`+pick+` AND (e.impact IS NULL OR e.effort IS NULL)
				ORDER BY e.updated_at DESC, e.id DESC LIMIT $8::int) p
		)
		SELECT p.id, p.title, p.kind, p.status, p.impact, p.effort, p.rn, t.total
		FROM picked p JOIN totals t ON t.cell = p.cell
		ORDER BY p.cell DESC, p.rn`,
		append(backlogArgs(workspaceID, f.EpicFilter), f.Impact*10+f.Effort, sightline.MatrixUnscoredList, sightline.MatrixCellList, sightline.MatrixCellCap)...)
	if err != nil {
		return nil, err
	}
	d := &sightline.MatrixData{}
	var e sightline.MatrixEpic
	_, err = pgx.ForEachRow(rows, []any{&e.ID, &e.Title, &e.Kind, &e.Status, &e.Impact, &e.Effort, &e.Rank, &e.CellTotal}, func() error {
		p := e
		if p.Impact != nil {
			v := *p.Impact
			p.Impact = &v
		}
		if p.Effort != nil {
			v := *p.Effort
			p.Effort = &v
		}
		if p.Impact == nil || p.Effort == nil {
			d.Unscored, d.UnscoredTotal = append(d.Unscored, p), p.CellTotal
		} else {
			d.Points = append(d.Points, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}
