package postgres

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/sightline/sightline/internal/sightline"
)

// Search runs a workspace search in one statement whatever the data size
// (at most sightline.SearchCandidates+1 candidates of each kind are ranked
// and counted, so a word in 60,000 pain notes costs what 2,000 do):
// every kind's matches (the stored tsvector columns of migration 00014
// through their GIN indexes; names also by trigram word similarity; an
// ADR number and a quarter by equality), ranked with ts_rank_cd (a title
// match above a body match), counted per kind, one page of one kind or of
// all, and a snippet for each hit of the page only (ts_headline, with
// private-use marks the page turns into escaped highlights).
func (db *DB) Search(ctx context.Context, wsID int64, q sightline.SearchQuery, kind string, limit, offset int) (_ []sightline.SearchHit, _ map[string]int, err error) {
	defer translateErr(&err, "store.Search")
	// No fuzzy word is NULL, not '': a generic plan (pgx prepares the
	// statement, PostgreSQL switches to a generic plan after five runs)
	// would otherwise scan the whole trigram index for the empty string,
	// 390 ms on a million pain notes; a NULL key makes the scan empty.
	var fuzzy *string
	if q.Fuzzy != "" {
		fuzzy = &q.Fuzzy
	}
	rows, err := db.Pool.Query(ctx, searchSQL, wsID, q.Words, q.Prefix, fuzzy, q.Quarter, q.ADR, kind, limit, offset, headlineOptions)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	counts := map[string]int{}
	var hits []sightline.SearchHit
	for rows.Next() {
		var countJSON []byte
		var k, itemType, title, snippet *string
		var id, itemRef *int64
		if err := rows.Scan(&countJSON, &k, &id, &itemType, &itemRef, &title, &snippet); err != nil {
			return nil, nil, err
		}
		if len(counts) == 0 && len(countJSON) > 0 {
			if err := json.Unmarshal(countJSON, &counts); err != nil {
				return nil, nil, err
			}
		}
		if k == nil {
			continue // no hit on this page: the row carries the counts alone
		}
		h := sightline.SearchHit{Kind: sightline.SearchKind(*k), ID: *id, ItemType: *itemType, ItemRef: *itemRef,
			Title: *title, Snippet: sightline.SplitSnippet(deref2(snippet))}
		if h.Kind == sightline.SearchComment {
			h.CommentID = h.ID
		}
		hits = append(hits, h)
	}
	return hits, counts, rows.Err()
}

func deref2(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

var headlineOptions = `StartSel="` + sightline.SnippetStart + `", StopSel="` + sightline.SnippetStop +
	`", MaxWords=28, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "`

// searchKinds are the per-kind parts of the search: table, title, the
// text a snippet is cut from, the item a hit opens (type and ref), and
// extra conditions and rank (quarters, ADR numbers, fuzzy names).
type searchPart struct {
	kind, table, title, body, itemType, itemID, ref, fuzzy, extra, bonus string
}

var searchParts = []searchPart{
	{kind: "epic", table: "epics", title: "t.title", body: "t.problem || ' ' || t.why_now || ' ' || t.enables || ' ' || t.success_criteria",
		fuzzy: "t.title", extra: "t.target_quarter = $5", bonus: "CASE WHEN t.target_quarter = $5 THEN 1 ELSE 0 END"},
	{kind: "pain", table: "pain_notes", title: "left(t.quote, 120)", body: "t.quote || ' — ' || t.customer || ' ' || t.segment",
		fuzzy: "t.customer"},
	{kind: "shift", table: "strategy_shifts", title: "t.title", body: "t.narrative"},
	{kind: "initiative", table: "initiatives", title: "t.title", body: "t.description", fuzzy: "t.title"},
	{kind: "goal", table: "goals", title: "t.title", body: "t.metric"},
	{kind: "arch_item", table: "arch_items", title: "t.name", body: "t.description || ' ' || t.tech_debt || ' ' || t.technology",
		fuzzy: "t.name"},
	{kind: "concern", table: "nfr_concerns", title: "t.title", body: "t.stimulus || ' ' || t.response || ' ' || t.measure"},
	{kind: "decision", table: "decisions", title: "'ADR-' || lpad(t.number::text, 4, '0') || ': ' || t.title",
		body: "t.context || ' ' || t.options || ' ' || t.decision || ' ' || t.consequences", ref: "t.number::bigint",
		fuzzy: "t.title", extra: "t.number = $6", bonus: "CASE WHEN t.number = $6 THEN 2 ELSE 0 END"},
	{kind: "roadmap_item", table: "roadmap_items", title: "t.title", body: "t.description"},
	{kind: "comment", table: "comments", title: "''", body: "t.body", itemType: "t.item_type", itemID: "t.item_id"},
}

var searchSQL = func() string {
	var parts []string
	for _, p := range searchParts {
		itemType, itemID, ref := "'"+p.kind+"'", "t.id", "t.id"
		if p.itemType != "" {
			itemType, itemID, ref = p.itemType, p.itemID, "0::bigint"
		}
		if p.ref != "" {
			ref = p.ref
		}
		match := "t.search @@ q.qe"
		rank := "ts_rank_cd(t.search, q.q)"
		if p.fuzzy != "" {
			match += " OR $4::text <% " + p.fuzzy
			rank += " + CASE WHEN $4::text IS NOT NULL AND NOT (t.search @@ q.q) THEN 0.05 * word_similarity($4, " + p.fuzzy + ") ELSE 0 END"
		}
		where := "(" + match + ")"
		if p.kind == "comment" {
			where = "t.deleted_at IS NULL AND t.search @@ q.qe"
		} else if p.extra != "" {
			where = "(" + match + " OR " + p.extra + ")"
			rank += " + " + p.bonus
		}
		// Candidates matching the last word exactly come first; those it
		// matches only as a prefix are read when the exact ones are fewer
		// than the cap (the Append stops pulling at the LIMIT, so for a
		// common word the prefix scan, 3× dearer in GIN, never runs).
		sel := `SELECT '` + p.kind + `' AS kind, t.id, t.workspace_id, ` + itemType + ` AS item_type, ` + itemID + ` AS item_id, ` + ref + ` AS ref,
			` + p.title + ` AS title, ` + p.body + ` AS body, ` + rank + ` AS rank
			FROM ` + p.table + ` t, q WHERE t.workspace_id = $1 AND `
		limit := " LIMIT " + strconv.Itoa(sightline.SearchCandidates+1)
		prefixOnly := "$3 <> '' AND t.search @@ q.q AND NOT coalesce(" + where + ", false)"
		if p.kind == "comment" {
			prefixOnly = "$3 <> '' AND t.deleted_at IS NULL AND t.search @@ q.q AND NOT t.search @@ q.qe"
		}
		parts = append(parts, `(SELECT * FROM ((`+sel+where+limit+`)
			UNION ALL (`+sel+prefixOnly+limit+`)) AS `+p.kind+limit+`)`)
	}
	title := strings.ReplaceAll(commentItemTitle, "c.", "p.")
	ref := strings.ReplaceAll(commentItemRef, "c.", "p.")
	return `
		WITH words AS (
			SELECT CASE WHEN $2 = '' THEN ''::tsquery ELSE websearch_to_tsquery('english', $2) END AS w,
			       CASE WHEN $3 = '' THEN ''::tsquery ELSE to_tsquery('english', $3) END AS e,
			       CASE WHEN $3 = '' THEN ''::tsquery ELSE to_tsquery('english', $3 || ':*') END AS p),
		-- q: the query (the last word as a prefix); qe: the last word exact
		-- (a stop word has no exact form: then the query itself).
		q AS (SELECT w && p AS q, CASE WHEN numnode(e) = 0 THEN w && p ELSE w && e END AS qe FROM words),
		hits AS (
			` + strings.Join(parts, "\n\t\t\tUNION ALL\n\t\t\t") + `),
		counts AS (SELECT kind, count(*) AS n FROM hits GROUP BY kind),
		page AS (
			SELECT * FROM hits WHERE $7 = '' OR kind = $7
			ORDER BY rank DESC, kind, id DESC
			LIMIT $8 OFFSET $9)
		SELECT (SELECT coalesce(json_object_agg(kind, n), '{}') FROM counts),
		       p.kind, p.id, p.item_type,
		       CASE WHEN p.kind = 'comment' THEN ` + ref + ` ELSE p.ref END,
		       CASE WHEN p.kind = 'comment' THEN coalesce(` + title + `, '') ELSE p.title END,
		       ts_headline('english', replace(replace(p.body, U&'\E000', ''), U&'\E001', ''), q.q, $10)
		FROM (SELECT 1) AS one
		LEFT JOIN page p ON true
		CROSS JOIN q
		ORDER BY p.rank DESC, p.kind, p.id DESC`
}()
