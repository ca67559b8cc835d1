package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

const painColumns = `p.id, p.workspace_id, p.quote, p.source, p.customer, p.segment, p.severity, p.frequency, p.firsthand,
	p.heard_by, p.heard_on, p.quality_attribute, p.version, p.updated_at,
	(SELECT count(*) FROM epic_pains ep WHERE ep.workspace_id = p.workspace_id AND ep.pain_id = p.id)`

func scanPain(row pgx.Row) (*sightline.PainNote, error) {
	var n sightline.PainNote
	err := row.Scan(&n.ID, &n.WorkspaceID, &n.Quote, &n.Source, &n.Customer, &n.Segment, &n.Severity, &n.Frequency, &n.Firsthand,
		&n.HeardBy, &n.HeardOn, &n.QualityAttribute, &n.Version, &n.UpdatedAt, &n.EpicCount)
	if err != nil {
		return nil, err
	}
	return &n, nil
}

func collectPains(rows pgx.Rows) ([]sightline.PainNote, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.PainNote, error) {
		n, err := scanPain(row)
		if err != nil {
			return sightline.PainNote{}, err
		}
		return *n, nil
	})
}

// painScoreSQL is sightline.PainNote.Score in SQL, so the ranking runs in the
// database: severity × frequency weight, × the firsthand factor.
var painScoreSQL = func() string {
	var b strings.Builder
	b.WriteString("(p.severity * CASE p.frequency")
	for _, f := range sightline.Frequencies {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", f, sightline.FrequencyWeight(f))
	}
	fmt.Fprintf(&b, " ELSE 0 END * CASE WHEN p.firsthand THEN %g ELSE 1 END)::float8", sightline.PainFirsthandFactor)
	return b.String()
}()

// painOrders are the pain list's sort orders; each ends on a unique key so
// pages never overlap.
var painOrders = map[string]string{
	sightline.PainSortRecent:   "p.heard_on DESC, p.id DESC",
	sightline.PainSortScore:    painScoreSQL + " DESC, p.severity DESC, p.heard_on DESC, p.id DESC",
	sightline.PainSortSeverity: "p.severity DESC, p.heard_on DESC, p.id DESC",
	sightline.PainSortUpdated:  "p.updated_at DESC, p.id DESC",
}

// painFilterSQL narrows pain_notes p by the filter's parameters $2…$6.
const painFilterSQL = `p.workspace_id = $1
	AND ($2 = '' OR p.source = $2)
	AND ($3 = '' OR p.segment = $3)
	AND p.severity >= $4
	AND ($5 = '' OR p.firsthand = ($5 = 'yes'))
	AND (NOT $6 OR NOT EXISTS (SELECT 1 FROM epic_pains ep WHERE ep.workspace_id = p.workspace_id AND ep.pain_id = p.id))`

// ListPains returns one page of a workspace's pains matching the filter, and
// how many match in all.
func (db *DB) ListPains(ctx context.Context, wsID int64, f sightline.PainFilter) (_ []sightline.PainNote, _ int, err error) {
	defer translateErr(&err, "store.ListPains")
	f = f.Normalize()
	args := []any{wsID, string(f.Source), f.Segment, f.MinSeverity, f.Firsthand, f.Unlinked}
	var total int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM pain_notes p WHERE `+painFilterSQL, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.Pool.Query(ctx, `SELECT `+painColumns+` FROM pain_notes p WHERE `+painFilterSQL+`
		ORDER BY `+painOrders[f.Sort]+` LIMIT $7 OFFSET $8`,
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return nil, 0, err
	}
	list, err := collectPains(rows)
	return list, total, err
}

// TopPains ranks a workspace's pains by severity × frequency, firsthand
// counted as the sharper signal (the same ranking as PainNote.Score).
func (db *DB) TopPains(ctx context.Context, wsID int64, limit int) (_ []sightline.PainNote, err error) {
	defer translateErr(&err, "store.TopPains")
	rows, err := db.Pool.Query(ctx, `SELECT `+painColumns+` FROM pain_notes p WHERE p.workspace_id = $1
		ORDER BY `+painOrders[sightline.PainSortScore]+` LIMIT $2`, wsID, limit)
	if err != nil {
		return nil, err
	}
	list, err := collectPains(rows)
	return list, err
}

// PainByID returns one pain note of a workspace.
func (db *DB) PainByID(ctx context.Context, wsID, id int64) (_ *sightline.PainNote, err error) {
	defer translateErr(&err, "store.PainByID")
	n, err := scanPain(db.Pool.QueryRow(ctx, `SELECT `+painColumns+` FROM pain_notes p WHERE p.workspace_id = $1 AND p.id = $2`, wsID, id))
	return n, err
}

// PainsForEpicPage returns one page of the pains linked to an epic, highest
// score first (the epic's PainCount says how many there are in all).
func (db *DB) PainsForEpicPage(ctx context.Context, wsID, epicID int64, limit, offset int) (_ []sightline.PainNote, err error) {
	defer translateErr(&err, "store.PainsForEpicPage")
	rows, err := db.Pool.Query(ctx, `SELECT `+painColumns+`
		FROM epic_pains l JOIN pain_notes p ON p.workspace_id = l.workspace_id AND p.id = l.pain_id
		WHERE l.workspace_id = $1 AND l.epic_id = $2
		ORDER BY `+painOrders[sightline.PainSortScore]+` LIMIT $3 OFFSET $4`, wsID, epicID, limit, max(offset, 0))
	if err != nil {
		return nil, err
	}
	list, err := collectPains(rows)
	return list, err
}

// PainPickerCandidates is how many of the most recently heard pains the
// unsearched picker ranks: reading them is cheap (an index), ranking every
// pain of a large workspace is not.
const PainPickerCandidates = 500

// PainPicker is one bounded page of the "link a customer pain" select of an
// epic: pains not linked to it yet, at most limit of them, highest score
// first (the ranking of PainNote.Score).
type PainPicker struct {
	Pains []sightline.PainNote // id, quote cut to 120 characters, customer, segment, severity, frequency, firsthand
	// Total is how many pains match: every pain not linked to the epic, or
	// those the search finds.
	Total int
	// AtLeast says Total is a floor: without a search only the
	// PainPickerCandidates most recently heard pains are ranked, and more
	// than that are not linked yet.
	AtLeast bool
}

// painPickerColumns are what a picker option shows, and how many match.
const painPickerColumns = `p.id, p.workspace_id,
	CASE WHEN length(p.quote) > 120 THEN left(p.quote, 119) || '…' ELSE p.quote END,
	p.customer, p.segment, p.severity, p.frequency, p.firsthand`

// ListPainsForPicker fills the "link a customer pain" select of an epic in
// one query. Without a search it ranks the PainPickerCandidates most
// recently heard pains not linked to the epic (by score, then most recent)
// and keeps the first limit; with one, it ranks every unlinked pain whose
// quote, customer or segment contains the search (case-insensitive), or
// whose number it is.
func (db *DB) ListPainsForPicker(ctx context.Context, wsID, epicID int64, search string, limit int) (_ *PainPicker, err error) {
	defer translateErr(&err, "store.ListPainsForPicker")
	const unlinked = `p.workspace_id = $1
		AND p.id NOT IN (SELECT l.pain_id FROM epic_pains l WHERE l.workspace_id = $1 AND l.epic_id = $2)`
	var rows pgx.Rows
	search = PickerSearch(search)
	if search == "" {
		rows, err = db.Pool.Query(ctx, `
			WITH cand AS MATERIALIZED (
				SELECT p.id, p.workspace_id, p.quote, p.customer, p.segment, p.severity, p.frequency, p.firsthand, p.heard_on
				FROM pain_notes p WHERE `+unlinked+`
				ORDER BY p.heard_on DESC, p.id DESC LIMIT $3 + 1)
			SELECT `+painPickerColumns+`, (SELECT count(*) FROM cand)
			FROM cand p ORDER BY `+painOrders[sightline.PainSortScore]+` LIMIT $4`,
			wsID, epicID, PainPickerCandidates, limit)
	} else {
		rows, err = db.Pool.Query(ctx, `
			SELECT `+painPickerColumns+`, count(*) OVER ()
			FROM pain_notes p WHERE `+unlinked+`
			  AND (p.quote ILIKE $3 OR p.customer ILIKE $3 OR p.segment ILIKE $3 OR p.id::text = $4)
			ORDER BY `+painOrders[sightline.PainSortScore]+` LIMIT $5`,
			wsID, epicID, likePattern(search), strings.TrimPrefix(search, "#"), limit)
	}
	if err != nil {
		return nil, err
	}
	pp := &PainPicker{}
	pp.Pains, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (sightline.PainNote, error) {
		var n sightline.PainNote
		err := row.Scan(&n.ID, &n.WorkspaceID, &n.Quote, &n.Customer, &n.Segment, &n.Severity, &n.Frequency, &n.Firsthand, &pp.Total)
		return n, err
	})
	if err != nil {
		return nil, err
	}
	if search == "" && pp.Total > PainPickerCandidates {
		pp.Total, pp.AtLeast = PainPickerCandidates, true
	}
	return pp, nil
}

// MaxPickerSearch is the longest search a picker takes, in characters.
const MaxPickerSearch = 100

// PickerSearch trims a picker's search and cuts it to MaxPickerSearch
// characters.
func PickerSearch(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > MaxPickerSearch {
		s = strings.TrimSpace(string(r[:MaxPickerSearch]))
	}
	return s
}

// likePattern is an ILIKE pattern matching s anywhere, its wildcards
// taken literally.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// ListSegments lists the distinct customer segments a workspace's pains name.
func (db *DB) ListSegments(ctx context.Context, wsID int64) (_ []string, err error) {
	defer translateErr(&err, "store.ListSegments")
	rows, err := db.Pool.Query(ctx, `SELECT DISTINCT segment FROM pain_notes WHERE workspace_id = $1 AND segment <> '' ORDER BY segment`, wsID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return list, err
}

// CreatePain stores a new pain note.
func (db *DB) CreatePain(ctx context.Context, actor Actor, wsID int64, n sightline.PainNote) (_ *sightline.PainNote, err error) {
	defer translateErr(&err, "store.CreatePain")
	var saved *sightline.PainNote
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO pain_notes (workspace_id, quote, source, customer, segment, severity, frequency, firsthand,
			                        heard_by, heard_on, quality_attribute, created_by, updated_by)
			VALUES (@workspace, @quote, @source, @customer, @segment, @severity, @frequency, @firsthand,
			        @heard_by, @heard_on, @quality_attribute, NULLIF(@actor, 0), NULLIF(@actor, 0))
			RETURNING id`,
			painArgs(wsID, actor, n)).Scan(&id); err != nil {
			return err
		}
		if err := record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "pain.created", ItemType: "pain", ItemID: id,
			Summary: painSummary(n.Quote)}); err != nil {
			return err
		}
		var err error
		saved, err = scanPain(tx.QueryRow(ctx, `SELECT `+painColumns+` FROM pain_notes p WHERE p.workspace_id = $1 AND p.id = $2`, wsID, id))
		return err
	})
	return saved, err
}

// UpdatePain saves a pain note with optimistic locking: version is the one
// the form was loaded with; a newer saved version is a conflict.
func (db *DB) UpdatePain(ctx context.Context, actor Actor, wsID, painID int64, version int, n sightline.PainNote) (_ *sightline.PainNote, err error) {
	defer translateErr(&err, "store.UpdatePain")
	var saved *sightline.PainNote
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := scanPain(tx.QueryRow(ctx, `SELECT `+painColumns+` FROM pain_notes p WHERE p.workspace_id = $1 AND p.id = $2 FOR UPDATE OF p`, wsID, painID))
		if err != nil {
			return err
		}
		if cur.Version != version {
			return staleVersion("pain note")
		}
		changes := painChanges(cur, &n)
		if len(changes) == 0 {
			saved = cur
			return nil
		}
		if _, err := tx.Exec(ctx, `
			UPDATE pain_notes SET quote = @quote, source = @source, customer = @customer, segment = @segment,
			       severity = @severity, frequency = @frequency, firsthand = @firsthand, heard_by = @heard_by,
			       heard_on = @heard_on, quality_attribute = @quality_attribute,
			       version = version + 1, updated_at = now(), updated_by = NULLIF(@actor, 0)
			WHERE workspace_id = @workspace AND id = @id AND version = @version`,
			painArgs(wsID, actor, n, "id", painID, "version", version)); err != nil {
			return err
		}
		if err := record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "pain.updated", ItemType: "pain", ItemID: painID,
			Summary: painSummary(n.Quote), Changes: changes}); err != nil {
			return err
		}
		saved, err = scanPain(tx.QueryRow(ctx, `SELECT `+painColumns+` FROM pain_notes p WHERE p.workspace_id = $1 AND p.id = $2`, wsID, painID))
		return err
	})
	return saved, err
}

// painSummary is the start of a quote, for the activity log.
func painSummary(quote string) string {
	if r := []rune(quote); len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return quote
}

// linkEnds checks that an epic and a pain both belong to the workspace and
// returns the epic's title and the start of the pain's quote. Either missing
// (or of another workspace) is not found.
func linkEnds(ctx context.Context, tx pgx.Tx, wsID, epicID, painID int64) (title, quote string, err error) {
	var t, q *string
	if err := tx.QueryRow(ctx, `
		SELECT (SELECT title FROM epics WHERE workspace_id = $1 AND id = $2),
		       (SELECT quote FROM pain_notes WHERE workspace_id = $1 AND id = $3)`, wsID, epicID, painID).Scan(&t, &q); err != nil {
		return "", "", err
	}
	if t == nil || q == nil {
		return "", "", pgx.ErrNoRows
	}
	return *t, painSummary(*q), nil
}

// LinkPain links a pain to an epic. Linking twice is a no-op. The link is
// recorded on both the epic's and the pain's history.
func (db *DB) LinkPain(ctx context.Context, actor Actor, wsID, epicID, painID int64) (err error) {
	defer translateErr(&err, "store.LinkPain")
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		title, quote, err := linkEnds(ctx, tx, wsID, epicID, painID)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO epic_pains (workspace_id, epic_id, pain_id, created_by) VALUES ($1, $2, $3, NULLIF($4, 0))
			ON CONFLICT DO NOTHING`, wsID, epicID, painID, actor.UserID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return recordLink(ctx, tx, actor, wsID, "pain.linked", epicID, painID, title, quote)
	})
	return err
}

// UnlinkPain removes a pain's link to an epic. Unlinking an absent link is a
// no-op, but the epic and the pain must both be of the workspace.
func (db *DB) UnlinkPain(ctx context.Context, actor Actor, wsID, epicID, painID int64) (err error) {
	defer translateErr(&err, "store.UnlinkPain")
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		title, quote, err := linkEnds(ctx, tx, wsID, epicID, painID)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM epic_pains WHERE workspace_id = $1 AND epic_id = $2 AND pain_id = $3`, wsID, epicID, painID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return recordLink(ctx, tx, actor, wsID, "pain.unlinked", epicID, painID, title, quote)
	})
	return err
}

// recordLink writes a link change on the epic's history and on the pain's.
func recordLink(ctx context.Context, tx pgx.Tx, actor Actor, wsID int64, verb string, epicID, painID int64, title, quote string) error {
	if err := record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: verb, ItemType: "epic", ItemID: epicID, Summary: quote,
		Changes: map[string]sightline.Change{"pain_id": linkChange(verb, painID)}}); err != nil {
		return err
	}
	return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: verb, ItemType: "pain", ItemID: painID, Summary: title,
		Changes: map[string]sightline.Change{"epic_id": linkChange(verb, epicID)}})
}

func linkChange(verb string, id int64) sightline.Change {
	if verb == "pain.unlinked" {
		return sightline.Change{From: id, To: nil}
	}
	return sightline.Change{From: nil, To: id}
}

// EpicsForPain lists the epics a pain is linked to: id, title, status, kind.
func (db *DB) EpicsForPain(ctx context.Context, wsID, painID int64) (_ []sightline.Epic, err error) {
	defer translateErr(&err, "store.EpicsForPain")
	rows, err := db.Pool.Query(ctx, `
		SELECT e.id, e.title, e.status, e.kind
		FROM epic_pains l JOIN epics e ON e.workspace_id = l.workspace_id AND e.id = l.epic_id
		WHERE l.workspace_id = $1 AND l.pain_id = $2
		ORDER BY lower(e.title), e.id`, wsID, painID)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, scanEpicBrief(wsID))
	return list, err
}

// EpicsToLinkToPain fills the pain page's "link to epic" select: the epics
// the pain is not linked to yet, bounded and searchable as ListEpicPicker.
func (db *DB) EpicsToLinkToPain(ctx context.Context, wsID, painID int64, search string, limit int) (*EpicPicker, error) {
	return db.ListEpicPicker(ctx, wsID, EpicPickerOptions{Search: search, Limit: limit, NotLinkedToPain: painID})
}

// scanEpicBrief scans id, title, status, kind.
func scanEpicBrief(wsID int64) pgx.RowToFunc[sightline.Epic] {
	return func(row pgx.CollectableRow) (sightline.Epic, error) {
		e := sightline.Epic{WorkspaceID: wsID}
		err := row.Scan(&e.ID, &e.Title, &e.Status, &e.Kind)
		return e, err
	}
}

// painArgs are a pain note's columns as named arguments (@quote, @source…),
// with the workspace and the actor, plus any more given as name, value pairs.
func painArgs(wsID int64, actor Actor, n sightline.PainNote, more ...any) pgx.NamedArgs {
	a := pgx.NamedArgs{
		"workspace": wsID, "actor": actor.UserID, "quote": n.Quote, "source": n.Source, "customer": n.Customer,
		"segment": n.Segment, "severity": n.Severity, "frequency": n.Frequency, "firsthand": n.Firsthand,
		"heard_by": n.HeardBy, "heard_on": n.HeardOn, "quality_attribute": n.QualityAttribute,
	}
	for i := 0; i+1 < len(more); i += 2 {
		a[more[i].(string)] = more[i+1]
	}
	return a
}
