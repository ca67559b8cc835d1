package postgres

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// The side-by-side review's queries. Each is one aggregate statement over
// the same selection (reviewScopeCTE), so the page runs a fixed number of
// queries whatever the number of epics, items, links and impacts.
//
// Plans. The statements are sent with QueryExecModeCacheDescribe: pgx
// keeps their description but PostgreSQL plans every execution with the
// actual parameters (an unnamed statement, a custom plan), so the
// "$7 = 0 OR …" switches of the scope fold into constants and the window's
// quarters are estimated from their statistics. A prepared statement would
// switch to a generic plan after five runs, planned for no particular
// filter: on the large workspace the call-outs then take 20 ms instead of
// 10 ms (plus 1.6 ms of planning).
//
// The selection's epics are read once per statement (sel_epics carries
// every column the statements show and the epic's highest impact), and the
// links once (sel_links carries that rank), so no statement joins epics,
// impacts or links again. The results are cached (reviewcache.go).

// reviewScopeCTE selects what a review looks at; its parameters are
// reviewScopeArgs ($1…$7), and the statements that use it number theirs
// from $8.
//
//	scope_items: the items in scope (all, or the root's subtree)
//	sel_epics:   the selected epics: those of the window, initiative, kind
//	             and status (narrowed to those with an impact of the
//	             category, and to those linked into the subtree, when chosen),
//	             with the columns the statements show and their highest
//	             impact rank (1 low … 4 blocking, 0 for none), counting only
//	             impacts of the category when one is chosen
//	sel_links:   their links to items in scope, with the epic's rank
//
// sel_epics groups by the epic's primary key, so PostgreSQL estimates its
// size from the window's statistics (a join with a grouped CTE is
// estimated many times too large, which on a wide window crosses
// jit_above_cost and spends 40 ms compiling the statement).
const reviewScopeCTE = `
WITH RECURSIVE scope_items AS (
	SELECT a.id FROM arch_items a WHERE a.workspace_id = $1 AND ($7::bigint = 0 OR a.id = $7)
	UNION
	SELECT c.id FROM arch_items c JOIN scope_items s ON c.parent_id = s.id
	WHERE c.workspace_id = $1 AND $7::bigint <> 0
),
sel_epics AS (
	SELECT e.id, e.title, e.kind, e.status, e.target_quarter, e.initiative_id, e.committed_on, e.estimate_size, e.reviewed_at,
	       coalesce(max(CASE i.level WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 WHEN 'blocking' THEN 4 END), 0) AS rank
	FROM epics e
	LEFT JOIN nfr_impacts i ON i.workspace_id = $1 AND i.epic_id = e.id AND ($6::text = '' OR i.category = $6)
	WHERE e.workspace_id = $1 AND e.target_quarter = ANY($2::text[])
	  AND ($3::bigint = 0 OR e.initiative_id = $3)
	  AND ($4::text = '' OR e.kind = $4)
	  AND (CASE WHEN $5::text = '' THEN e.status <> 'dropped' ELSE e.status = $5 END)
	  AND ($7::bigint = 0 OR EXISTS (
		SELECT 1 FROM epic_arch_links l JOIN scope_items s ON s.id = l.item_id
		WHERE l.workspace_id = $1 AND l.epic_id = e.id))
	GROUP BY e.id
	HAVING $6::text = '' OR count(i.id) > 0
),
sel_links AS (
	SELECT l.epic_id, l.item_id, l.change_kind, se.rank
	FROM sel_epics se JOIN epic_arch_links l ON l.workspace_id = $1 AND l.epic_id = se.id
	WHERE $7::bigint = 0 OR l.item_id IN (SELECT id FROM scope_items)
)`

func reviewScopeArgs(wsID int64, s sightline.ReviewScope, more ...any) []any {
	return append([]any{pgx.QueryExecModeCacheDescribe, wsID, s.Quarters(), s.InitiativeID, string(s.Kind), string(s.Status), s.Category, s.RootID}, more...)
}

// reviewScopeKey is the scope as a cache key (reviewcache.go). Each cached
// statement's key holds every parameter it is run with but constants (and
// the clock: see ReviewRisks).
func reviewScopeKey(s sightline.ReviewScope) string {
	return fmt.Sprintf("%s|%s|%d|%s|%s|%s|%d", s.Window.From, s.Window.To, s.InitiativeID, s.Kind, s.Status, s.Category, s.RootID)
}

// reviewConfidenceRank orders roadmap confidences as sightline.EpicConfidence does.
const reviewConfidenceRank = `CASE r.confidence WHEN 'exploring' THEN 1 WHEN 'planned' THEN 2 WHEN 'committed' THEN 3 END`

func confidenceOfRank(rank int) string {
	switch rank {
	case 1:
		return "exploring"
	case 2:
		return "planned"
	case 3:
		return "committed"
	}
	return ""
}

// ReviewContext returns the review's filter choices and headings in one
// query: initiatives, systems and containers (subtree roots), roadmap items
// overlapping the window, the range of target quarters in use and the
// last review held; and the item rootID (0 for none), when it is one of
// the workspace's.
func (db *DB) ReviewContext(ctx context.Context, wsID int64, w sightline.TimelineWindow, rootID int64) (_ *sightline.ReviewContext, err error) {
	defer translateErr(&err, "store.ReviewContext")
	rows, err := db.Pool.Query(ctx, `
		SELECT 'initiative' AS what, id, title, '' AS a, '' AS b, NULL::date AS d1, NULL::date AS d2, NULL::bigint AS parent, 0 AS n1, 0 AS n2
		FROM initiatives WHERE workspace_id = $1
		UNION ALL
		SELECT 'root', a.id, a.name, a.kind, '', NULL, NULL, a.parent_id, 0, 0
		FROM arch_items a WHERE a.workspace_id = $1 AND a.kind IN ('system', 'container')
		UNION ALL
		SELECT 'subtree', a.id, a.name, a.kind, coalesce(p.name, ''), NULL, NULL, a.parent_id, 0, 0
		FROM arch_items a LEFT JOIN arch_items p ON p.workspace_id = a.workspace_id AND p.id = a.parent_id
		WHERE a.workspace_id = $1 AND a.id = $4
		UNION ALL
		SELECT 'roadmap', r.id, r.title, r.kind, r.confidence, r.starts_on, r.ends_on, NULL, 0, 0
		FROM roadmap_items r WHERE r.workspace_id = $1 AND r.starts_on < $3 AND r.ends_on >= $2
		UNION ALL
		SELECT 'quarters', 0, '', coalesce(min(target_quarter), ''), coalesce(max(target_quarter), ''), NULL, NULL, NULL, 0, 0
		FROM epics WHERE workspace_id = $1
		UNION ALL
		(SELECT 'review', v.id, v.attendees, v.scope, coalesce(u.name, ''), v.held_on, v.created_at::date, NULL, v.epic_count, v.item_count
		 FROM reviews v LEFT JOIN users u ON u.id = v.created_by
		 WHERE v.workspace_id = $1 ORDER BY v.held_on DESC, v.id DESC LIMIT 1)
		ORDER BY 1, 6, 3, 2`, wsID, w.Start(), w.End(), rootID)
	if err != nil {
		return nil, err
	}
	c := &sightline.ReviewContext{}
	var (
		what, title, a, b string
		id                int64
		d1, d2            *time.Time
		parent            *int64
		n1, n2            int
	)
	_, err = pgx.ForEachRow(rows, []any{&what, &id, &title, &a, &b, &d1, &d2, &parent, &n1, &n2}, func() error {
		switch what {
		case "initiative":
			c.Initiatives = append(c.Initiatives, sightline.Choice{ID: id, Title: title})
		case "root":
			c.Roots = append(c.Roots, sightline.ArchItem{ID: id, WorkspaceID: wsID, Name: title, Kind: sightline.ItemKind(a), ParentID: parent})
		case "subtree":
			c.Root = &sightline.ArchItem{ID: id, WorkspaceID: wsID, Name: title, Kind: sightline.ItemKind(a), ParentName: b, ParentID: parent}
		case "roadmap":
			c.RoadmapItems = append(c.RoadmapItems, sightline.RoadmapItem{ID: id, WorkspaceID: wsID, Title: title, Kind: a, Confidence: b, StartsOn: *d1, EndsOn: *d2})
		case "quarters":
			c.FirstQuarter, c.LastQuarter = a, b
		case "review":
			rv := &sightline.Review{ID: id, WorkspaceID: wsID, Attendees: title, Scope: a, CreatedByName: b, EpicCount: n1, ItemCount: n2}
			if d1 != nil {
				rv.HeldOn = *d1
			}
			if d2 != nil {
				rv.CreatedAt = *d2
			}
			c.LastReview = rv
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.Roots = sightline.ArchTreeOrder(c.Roots)
	return c, nil
}

// ReviewRoadmap returns the selected epics as roadmap cards, at most
// sightline.ReviewCardsPerCell per initiative × quarter cell (fewer, down to
// ReviewCellMin, when the cells would hold over ReviewCardBudget), each with its
// cell's total. In a cell, the epics that touch f.ItemID (and f.EpicID
// itself) come first, then committed epics by date, then by confidence and
// title. Cached under the scope and the selection (reviewcache.go).
func (db *DB) ReviewRoadmap(ctx context.Context, wsID int64, f sightline.ReviewFilter) ([]sightline.ReviewCard, error) {
	key := reviewCacheKey{kind: "review.roadmap", ws: wsID, params: fmt.Sprintf("%s|%d|%d", reviewScopeKey(f.ReviewScope), f.EpicID, f.ItemID)}
	return cached(ctx, db, key, time.Now(), slices.Clone[[]sightline.ReviewCard], func() (cachedResult[[]sightline.ReviewCard], error) {
		return db.reviewRoadmap(ctx, wsID, f)
	})
}

func (db *DB) reviewRoadmap(ctx context.Context, wsID int64, f sightline.ReviewFilter) (_ cachedResult[[]sightline.ReviewCard], err error) {
	defer translateErr(&err, "store.ReviewRoadmap")
	var res cachedResult[[]sightline.ReviewCard]
	rows, err := db.Pool.Query(ctx, reviewScopeCTE+`,
		conf AS (
			SELECT er.epic_id, max(`+reviewConfidenceRank+`) AS rank
			FROM sel_epics se
			JOIN epic_roadmap_items er ON er.workspace_id = $1 AND er.epic_id = se.id
			JOIN roadmap_items r ON r.workspace_id = er.workspace_id AND r.id = er.roadmap_item_id
			GROUP BY er.epic_id
		),
		cards AS (
			SELECT se.id, se.title, se.kind, se.status, se.target_quarter, coalesce(se.initiative_id, 0) AS initiative_id,
			       se.committed_on, coalesce(se.estimate_size, '') AS estimate, se.rank AS level_rank,
			       coalesce(conf.rank, 0) AS conf_rank,
			       (se.id = $8 OR ($9::bigint <> 0 AND EXISTS (SELECT 1 FROM epic_arch_links l
			                              WHERE l.workspace_id = $1 AND l.epic_id = se.id AND l.item_id = $9))) AS hl
			FROM sel_epics se
			LEFT JOIN conf ON conf.epic_id = se.id
		),
		ranked AS (
			SELECT c.*,
			       row_number() OVER (PARTITION BY c.initiative_id, c.target_quarter
			                          ORDER BY c.hl DESC, c.committed_on ASC NULLS LAST, c.conf_rank DESC, lower(c.title), c.id) AS rn,
			       count(*) OVER (PARTITION BY c.initiative_id, c.target_quarter) AS cell_total
			FROM cards c
		),
		-- The cap per cell: ReviewCardsPerCell, less when the cells are so
		-- many that the section would pass ReviewCardBudget cards.
		cap AS (
			SELECT greatest(`+strconv.Itoa(sightline.ReviewCellMin)+`, least($10, `+strconv.Itoa(sightline.ReviewCardBudget)+` / greatest(count(*), 1))) AS n
			FROM (SELECT DISTINCT initiative_id, target_quarter FROM cards) cells
		)
		SELECT r.id, r.title, r.kind, r.status, r.target_quarter, r.initiative_id, coalesce(i.title, ''), r.committed_on, r.estimate,
		       r.level_rank, r.conf_rank, r.hl, r.cell_total, `+revisionColumns+`
		FROM ranked r
		LEFT JOIN initiatives i ON i.workspace_id = $1 AND i.id = r.initiative_id
		WHERE r.rn <= (SELECT n FROM cap)
		ORDER BY r.initiative_id, r.target_quarter, r.rn`,
		reviewScopeArgs(wsID, f.ReviewScope, f.EpicID, f.ItemID, sightline.ReviewCardsPerCell)...)
	if err != nil {
		return res, err
	}
	res.value, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.ReviewCard, error) {
		var c sightline.ReviewCard
		var level, conf int
		err := row.Scan(&c.ID, &c.Title, &c.Kind, &c.Status, &c.Quarter, &c.InitiativeID, &c.InitiativeTitle, &c.CommittedOn,
			&c.Estimate, &level, &conf, &c.Highlight, &c.CellTotal, &res.rev.ID, &res.rev.Settled)
		c.Level = sightline.LevelOfRank(level)
		c.Confidence = sightline.EpicConfidence(c.CommittedOn != nil, confidenceOfRank(conf))
		return c, err
	})
	res.rows = len(res.value)
	return res, err
}

// ReviewItems returns every item in scope, in hierarchy order, with its
// heat: how many selected epics touch it and their highest impact level,
// and how many of its concerns are not met (and violated). Cached under the
// scope (reviewcache.go): a selection or another matrix page reuses it.
func (db *DB) ReviewItems(ctx context.Context, wsID int64, s sightline.ReviewScope) ([]sightline.ReviewItem, error) {
	key := reviewCacheKey{kind: "review.items", ws: wsID, params: reviewScopeKey(s)}
	return cached(ctx, db, key, time.Now(), slices.Clone[[]sightline.ReviewItem], func() (cachedResult[[]sightline.ReviewItem], error) {
		return db.reviewItems(ctx, wsID, s)
	})
}

func (db *DB) reviewItems(ctx context.Context, wsID int64, s sightline.ReviewScope) (_ cachedResult[[]sightline.ReviewItem], err error) {
	defer translateErr(&err, "store.ReviewItems")
	var res cachedResult[[]sightline.ReviewItem]
	rows, err := db.Pool.Query(ctx, reviewScopeCTE+`,
		heat AS (
			-- A link is unique per epic and item: count(*) counts epics.
			SELECT sl.item_id, count(*) AS epics, max(sl.rank) AS rank
			FROM sel_links sl
			GROUP BY sl.item_id
		),
		concerns AS (
			SELECT ci.item_id, count(*) FILTER (WHERE c.status <> 'met') AS open, count(*) FILTER (WHERE c.status = 'violated') AS violated
			FROM concern_items ci JOIN nfr_concerns c ON c.workspace_id = ci.workspace_id AND c.id = ci.concern_id
			WHERE ci.workspace_id = $1
			GROUP BY ci.item_id
		)
		SELECT a.id, a.kind, a.name, a.parent_id, coalesce(p.name, ''), a.health, a.reviewed_at,
		       coalesce(h.epics, 0), coalesce(h.rank, 0), coalesce(c.open, 0), coalesce(c.violated, 0), `+revisionColumns+`
		FROM scope_items s
		JOIN arch_items a ON a.workspace_id = $1 AND a.id = s.id
		LEFT JOIN arch_items p ON p.workspace_id = a.workspace_id AND p.id = a.parent_id
		LEFT JOIN heat h ON h.item_id = a.id
		LEFT JOIN concerns c ON c.item_id = a.id`,
		reviewScopeArgs(wsID, s)...)
	if err != nil {
		return res, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.ReviewItem, error) {
		var it sightline.ReviewItem
		var rank int
		err := row.Scan(&it.ID, &it.Kind, &it.Name, &it.ParentID, &it.ParentName, &it.Health, &it.ReviewedAt,
			&it.Epics, &rank, &it.OpenConcerns, &it.ViolatedConcerns, &res.rev.ID, &res.rev.Settled)
		it.Level = sightline.LevelOfRank(rank)
		return it, err
	})
	if err != nil {
		return res, err
	}
	res.value, res.rows = reviewTreeOrder(list), len(list)
	return res, nil
}

// reviewTreeOrder lists items in hierarchy order (sightline.ArchTreeOrder).
func reviewTreeOrder(list []sightline.ReviewItem) []sightline.ReviewItem {
	arch := make([]sightline.ArchItem, len(list))
	byID := make(map[int64]sightline.ReviewItem, len(list))
	for i, it := range list {
		arch[i] = sightline.ArchItem{ID: it.ID, Kind: it.Kind, Name: it.Name, ParentID: it.ParentID}
		byID[it.ID] = it
	}
	out := make([]sightline.ReviewItem, 0, len(list))
	for _, a := range sightline.ArchTreeOrder(arch) {
		out = append(out, byID[a.ID])
	}
	return out
}

// ReviewMatrix returns one page of the matrix's rows: the selected epics
// that touch an item in scope (those touching f.ItemID first, then by
// quarter and title), sightline.ReviewMatrixPerPage a page, each with every
// link to an item in scope. A page past the end shows the last page.
// Cached under the scope, the page and the selection (reviewcache.go).
func (db *DB) ReviewMatrix(ctx context.Context, wsID int64, f sightline.ReviewFilter) (*sightline.ReviewMatrixPage, error) {
	key := reviewCacheKey{kind: "review.matrix", ws: wsID, params: fmt.Sprintf("%s|%d|%d|%d", reviewScopeKey(f.ReviewScope), f.Page, f.EpicID, f.ItemID)}
	return cached(ctx, db, key, time.Now(), cloneMatrixPage, func() (cachedResult[*sightline.ReviewMatrixPage], error) {
		return db.reviewMatrix(ctx, wsID, f)
	})
}

// cloneMatrixPage copies the page and its rows; the rows' change maps are
// shared (nothing writes them after the query).
func cloneMatrixPage(m *sightline.ReviewMatrixPage) *sightline.ReviewMatrixPage {
	c := *m
	c.Rows = slices.Clone(m.Rows)
	return &c
}

func (db *DB) reviewMatrix(ctx context.Context, wsID int64, f sightline.ReviewFilter) (_ cachedResult[*sightline.ReviewMatrixPage], err error) {
	defer translateErr(&err, "store.ReviewMatrix")
	var res cachedResult[*sightline.ReviewMatrixPage]
	rows, err := db.Pool.Query(ctx, reviewScopeCTE+`,
		touching AS (
			SELECT sl.epic_id, bool_or(sl.item_id = $10) AS hl FROM sel_links sl GROUP BY sl.epic_id
		),
		mrows AS (
			SELECT e.id, e.title, e.kind, e.status, e.target_quarter, e.rank AS level_rank,
			       row_number() OVER (ORDER BY (e.id = $9 OR t.hl) DESC, e.target_quarter, lower(e.title), e.id) AS rn,
			       count(*) OVER () AS total
			FROM touching t
			JOIN sel_epics e ON e.id = t.epic_id
		),
		pg AS (
			SELECT LEAST(GREATEST($8::int, 1), GREATEST(1, (coalesce(max(total), 0)::int + $11 - 1) / $11)) AS page FROM mrows
		)
		SELECT r.id, r.title, r.kind, r.status, r.target_quarter, r.level_rank, r.total::int, pg.page, sl.item_id, sl.change_kind,
		       `+revisionColumns+`
		FROM mrows r CROSS JOIN pg
		JOIN sel_links sl ON sl.epic_id = r.id
		WHERE r.rn > (pg.page - 1) * $11 AND r.rn <= pg.page * $11
		ORDER BY r.rn, sl.item_id`,
		reviewScopeArgs(wsID, f.ReviewScope, f.Page, f.EpicID, f.ItemID, sightline.ReviewMatrixPerPage)...)
	if err != nil {
		return res, err
	}
	m := &sightline.ReviewMatrixPage{Page: 1}
	var (
		c                sightline.ReviewCard
		rank, total, pgn int
		itemID           int64
		change           string
	)
	_, err = pgx.ForEachRow(rows, []any{&c.ID, &c.Title, &c.Kind, &c.Status, &c.Quarter, &rank, &total, &pgn, &itemID, &change,
		&res.rev.ID, &res.rev.Settled}, func() error {
		res.rows++
		m.Total, m.Page = total, pgn
		if n := len(m.Rows); n == 0 || m.Rows[n-1].Epic.ID != c.ID {
			e := c
			e.Level = sightline.LevelOfRank(rank)
			m.Rows = append(m.Rows, sightline.ReviewMatrixRow{Epic: e, Changes: map[int64]string{}})
		}
		m.Rows[len(m.Rows)-1].Changes[itemID] = change
		return nil
	})
	if err != nil {
		return res, err
	}
	res.value = m
	return res, nil
}

// ReviewMatrixCSV calls fn for every cell of the matrix (every selected
// epic × every item in scope it links to, not one page), ordered by epic
// quarter, title and item name, in one query.
func (db *DB) ReviewMatrixCSV(ctx context.Context, wsID int64, s sightline.ReviewScope, fn func(sightline.ReviewCSVRow) error) (err error) {
	defer translateErr(&err, "store.ReviewMatrixCSV")
	rows, err := db.Pool.Query(ctx, reviewScopeCTE+`
		SELECT e.id, e.title, e.kind, e.status, e.target_quarter, a.id, a.name, a.kind, sl.change_kind, e.rank
		FROM sel_links sl
		JOIN sel_epics e ON e.id = sl.epic_id
		JOIN arch_items a ON a.workspace_id = $1 AND a.id = sl.item_id
		ORDER BY e.target_quarter, lower(e.title), e.id, lower(a.name), a.id`,
		reviewScopeArgs(wsID, s)...)
	if err != nil {
		return err
	}
	var r sightline.ReviewCSVRow
	var rank int
	_, err = pgx.ForEachRow(rows, []any{&r.EpicID, &r.EpicTitle, &r.EpicKind, &r.EpicStatus, &r.Quarter, &r.ItemID, &r.ItemName, &r.ItemKind, &r.ChangeKind, &rank}, func() error {
		r.Level = sightline.LevelOfRank(rank)
		return fn(r)
	})
	return err
}

// ReviewSelection resolves ?epic= and ?item= (0 for none) in one query:
// the epic's title and the items it links to, the item's name and the
// epics linked to it. An id of nothing in the workspace is marked missing.
func (db *DB) ReviewSelection(ctx context.Context, wsID, epicID, itemID int64) (_ *sightline.ReviewSelection, err error) {
	defer translateErr(&err, "store.ReviewSelection")
	sel := &sightline.ReviewSelection{EpicID: epicID, ItemID: itemID, EpicItems: map[int64]bool{}, ItemEpics: map[int64]bool{},
		EpicMissing: epicID != 0, ItemMissing: itemID != 0}
	if epicID == 0 && itemID == 0 {
		return sel, nil
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT 'epic', e.title, l.item_id FROM epics e
		LEFT JOIN epic_arch_links l ON l.workspace_id = e.workspace_id AND l.epic_id = e.id
		WHERE e.workspace_id = $1 AND e.id = $2
		UNION ALL
		SELECT 'item', a.name, l.epic_id FROM arch_items a
		LEFT JOIN epic_arch_links l ON l.workspace_id = a.workspace_id AND l.item_id = a.id
		WHERE a.workspace_id = $1 AND a.id = $3`, wsID, epicID, itemID)
	if err != nil {
		return nil, err
	}
	var what, name string
	var other *int64
	_, err = pgx.ForEachRow(rows, []any{&what, &name, &other}, func() error {
		if what == "epic" {
			sel.EpicMissing, sel.EpicTitle = false, name
			if other != nil {
				sel.EpicItems[*other] = true
			}
		} else {
			sel.ItemMissing, sel.ItemName = false, name
			if other != nil {
				sel.ItemEpics[*other] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if sel.EpicMissing {
		sel.EpicID = 0
	}
	if sel.ItemMissing {
		sel.ItemID = 0
	}
	return sel, nil
}
