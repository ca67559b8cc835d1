package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// The review's risk call-outs (heavy load, undecided impacts, unestimated,
// committed without estimate, stale, enablers nothing depends on) and the
// record of a review meeting.

// ReviewRisks computes every call-out of the selection in one query (see
// sightline/review.go for what each means): its count and its first
// sightline.ReviewCalloutTop rows. now dates staleness. The dashboard calls
// it with the default window and no other filter, so the dashboard and the
// default review share one cached result. It is cached under the scope and
// now's UTC date, and only until the next item or epic of the selection
// turns stale (reviewRisks).
func (db *DB) ReviewRisks(ctx context.Context, wsID int64, s sightline.ReviewScope, now time.Time) (*sightline.ReviewRisks, error) {
	key := reviewCacheKey{kind: "review.risks", ws: wsID, params: reviewScopeKey(s) + "|" + now.UTC().Format(time.DateOnly)}
	return cached(ctx, db, key, now, cloneRisks, func() (cachedResult[*sightline.ReviewRisks], error) {
		return db.reviewRisks(ctx, wsID, s, now)
	})
}

// cloneRisks copies the call-outs and their lists.
func cloneRisks(r *sightline.ReviewRisks) *sightline.ReviewRisks {
	c := *r
	for _, l := range []*sightline.RiskList{&c.HeavyItems, &c.UndecidedImpacts, &c.Unestimated, &c.CommittedUnestimated,
		&c.StaleItems, &c.StaleEpics, &c.LonelyEnablers} {
		l.Top = slices.Clone(l.Top)
	}
	return &c
}

// reviewRisks is ReviewRisks, with until when its staleness lists stay as
// they are (res.until): the moment the least recently reviewed item or
// epic of the selection that is not stale yet turns stale (the zero time
// when none will).
func (db *DB) reviewRisks(ctx context.Context, wsID int64, s sightline.ReviewScope, now time.Time) (_ cachedResult[*sightline.ReviewRisks], err error) {
	defer translateErr(&err, "store.ReviewRisks")
	var res cachedResult[*sightline.ReviewRisks]
	rows, err := db.Pool.Query(ctx, reviewScopeCTE+`,
		product_items AS (
			SELECT DISTINCT l.item_id FROM epics p
			JOIN epic_arch_links l ON l.workspace_id = $1 AND l.epic_id = p.id
			WHERE p.workspace_id = $1 AND p.target_quarter = ANY($2::text[]) AND p.kind = 'product' AND p.status <> 'dropped'
		),
		heavy AS (
			-- A link is unique per epic and item: count(*) counts epics.
			SELECT sl.item_id, count(*) AS epics, max(sl.rank) AS rank
			FROM sel_links sl GROUP BY sl.item_id HAVING count(*) >= $9
		),
		risks AS (
			SELECT 'heavy' AS what, a.id, a.name AS label, a.kind AS detail, h.epics::int AS n, h.rank AS level_rank,
			       '' AS quarter, NULL::timestamptz AS at,
			       row_number() OVER (ORDER BY h.epics DESC, h.rank DESC, lower(a.name), a.id) AS rn, count(*) OVER () AS total
			FROM heavy h JOIN arch_items a ON a.workspace_id = $1 AND a.id = h.item_id
			UNION ALL
			SELECT 'undecided', se.id, se.title, i.category, 0, CASE i.level WHEN 'high' THEN 3 ELSE 4 END, se.target_quarter, NULL,
			       row_number() OVER (ORDER BY (i.level = 'blocking') DESC, se.target_quarter, lower(se.title), i.id), count(*) OVER ()
			FROM sel_epics se
			JOIN nfr_impacts i ON i.workspace_id = $1 AND i.epic_id = se.id
			WHERE i.level IN ('high', 'blocking') AND ($6::text = '' OR i.category = $6)
			  AND NOT EXISTS (
				SELECT 1 FROM decision_epics de
				JOIN decisions d ON d.workspace_id = de.workspace_id AND d.id = de.decision_id
				WHERE de.workspace_id = $1 AND de.epic_id = se.id AND d.status = 'accepted')
			UNION ALL
			SELECT 'unestimated', se.id, se.title, se.status, 0, 0, se.target_quarter, NULL,
			       row_number() OVER (ORDER BY se.target_quarter, lower(se.title), se.id), count(*) OVER ()
			FROM sel_epics se
			WHERE se.estimate_size IS NULL AND se.status NOT IN ('done', 'dropped')
			UNION ALL
			SELECT 'committed_unestimated', e.id, e.title, e.status, 0, 0, coalesce(e.target_quarter, ''), e.committed_on::timestamptz,
			       row_number() OVER (ORDER BY e.committed_on, e.id), count(*) OVER ()
			FROM epics e
			WHERE e.workspace_id = $1 AND e.committed_on IS NOT NULL AND e.estimate_size IS NULL
			UNION ALL
			SELECT 'stale_item', a.id, a.name, a.kind, 0, 0, '', a.reviewed_at,
			       row_number() OVER (ORDER BY a.reviewed_at, a.id), count(*) OVER ()
			FROM scope_items s JOIN arch_items a ON a.workspace_id = $1 AND a.id = s.id
			WHERE a.reviewed_at < $8
			UNION ALL
			SELECT 'stale_epic', se.id, se.title, se.status, 0, 0, se.target_quarter, se.reviewed_at,
			       row_number() OVER (ORDER BY se.reviewed_at, se.id), count(*) OVER ()
			FROM sel_epics se
			WHERE se.reviewed_at < $8
			UNION ALL
			SELECT 'lonely_enabler', se.id, se.title, se.status, 0, 0, se.target_quarter, NULL,
			       row_number() OVER (ORDER BY se.target_quarter, lower(se.title), se.id), count(*) OVER ()
			FROM sel_epics se
			WHERE se.kind = 'enabler' AND NOT EXISTS (
				SELECT 1 FROM sel_links mine JOIN product_items pi ON pi.item_id = mine.item_id
				WHERE mine.epic_id = se.id AND mine.change_kind <> 'depends_on')
			UNION ALL
			SELECT 'fresh_until', 0, '', '', 0, 0, '', least(
			         (SELECT min(a.reviewed_at) FROM scope_items s JOIN arch_items a ON a.workspace_id = $1 AND a.id = s.id WHERE a.reviewed_at >= $8),
			         (SELECT min(se.reviewed_at) FROM sel_epics se WHERE se.reviewed_at >= $8)),
			       1, 1
		)
		SELECT what, id, label, detail, n, level_rank, quarter, at, total::int, `+revisionColumns+`
		FROM risks r
		WHERE rn <= $10
		ORDER BY what, rn`,
		reviewScopeArgs(wsID, s, now.Add(-sightline.ReviewStaleAfter), sightline.ReviewHeavyLoad, sightline.ReviewCalloutTop)...)
	if err != nil {
		return res, err
	}
	out := &sightline.ReviewRisks{}
	lists := map[string]*sightline.RiskList{
		"heavy": &out.HeavyItems, "undecided": &out.UndecidedImpacts, "unestimated": &out.Unestimated,
		"committed_unestimated": &out.CommittedUnestimated, "stale_item": &out.StaleItems, "stale_epic": &out.StaleEpics,
		"lonely_enabler": &out.LonelyEnablers,
	}
	var (
		what  string
		r     sightline.ReviewRisk
		rank  int
		total int
		at    *time.Time
	)
	_, err = pgx.ForEachRow(rows, []any{&what, &r.ID, &r.Label, &r.Detail, &r.Count, &rank, &r.Quarter, &at, &total,
		&res.rev.ID, &res.rev.Settled}, func() error {
		res.rows++
		if what == "fresh_until" {
			if at != nil {
				res.until = at.Add(sightline.ReviewStaleAfter)
			}
			return nil
		}
		l := lists[what]
		l.Total = total
		row := r
		row.Level = sightline.LevelOfRank(rank)
		if at != nil {
			t := *at
			row.At = &t
		}
		l.Top = append(l.Top, row)
		return nil
	})
	if err != nil {
		return res, err
	}
	res.value = out
	return res, nil
}

// MarkReviewed records a review meeting over a selection: the selected
// epics and the items the review looked at (items in scope touched by a
// selected epic, plus the whole subtree when the scope has a root) get
// reviewed_at = at, a reviews row is written with the counts, and the
// activity feed gets a "review.held" entry — all in one transaction.
// Versions do not change: a review is not an edit.
func (db *DB) MarkReviewed(ctx context.Context, actor Actor, wsID int64, s sightline.ReviewScope, rv sightline.Review, at time.Time) (_ *sightline.Review, err error) {
	defer translateErr(&err, "store.MarkReviewed")
	rv.Scope = truncateRunes(rv.Scope, sightline.MaxReviewScope)
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, reviewScopeCTE+`,
			upd_epics AS (
				UPDATE epics e SET reviewed_at = $8 FROM sel_epics se
				WHERE e.workspace_id = $1 AND e.id = se.id RETURNING e.id
			),
			looked_at AS (
				SELECT item_id AS id FROM sel_links
				UNION
				SELECT id FROM scope_items WHERE $7::bigint <> 0
			),
			upd_items AS (
				UPDATE arch_items a SET reviewed_at = $8 FROM looked_at l
				WHERE a.workspace_id = $1 AND a.id = l.id RETURNING a.id
			)
			SELECT (SELECT count(*) FROM upd_epics)::int, (SELECT count(*) FROM upd_items)::int`,
			reviewScopeArgs(wsID, s, at)...).Scan(&rv.EpicCount, &rv.ItemCount); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO reviews (workspace_id, held_on, attendees, notes, scope, epic_count, item_count, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, 0))
			RETURNING id, created_at`,
			wsID, rv.HeldOn, rv.Attendees, rv.Notes, rv.Scope, rv.EpicCount, rv.ItemCount, actor.UserID).Scan(&rv.ID, &rv.CreatedAt); err != nil {
			return err
		}
		rv.WorkspaceID = wsID
		return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "review.held", ItemType: "review", ItemID: rv.ID,
			Summary: fmt.Sprintf("%s (%s, %s)", rv.Scope, reviewCount(rv.EpicCount, "epic"), reviewCount(rv.ItemCount, "item"))})
	})
	if err != nil {
		return nil, err
	}
	return &rv, nil
}

func reviewCount(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
