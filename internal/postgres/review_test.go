package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

// reviewFixture is a small workspace for the review's store functions:
// a system with a container and two components, an external system, and
// epics of 2027-Q1/Q2 linked to them.
type reviewFixture struct {
	nfrFixture
	sys, api, handler, publisher, stripe int64
	collab, engine, picker, lonely, old  int64
	scope                                sightline.ReviewScope
}

func newReviewFixture(t *testing.T, db *postgres.DB, slug string) reviewFixture {
	t.Helper()
	fx := reviewFixture{nfrFixture: newNFRFixture(t, db, slug)}
	q := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := db.Pool.QueryRow(context.Background(), sql, append([]any{fx.ws.ID}, args...)...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	x := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Pool.Exec(context.Background(), sql, append([]any{fx.ws.ID}, args...)...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	item := func(kind, name string, parent any) int64 {
		return q(`INSERT INTO arch_items (workspace_id, kind, name, parent_id) VALUES ($1, $2, $3, $4) RETURNING id`, kind, name, parent)
	}
	epic := func(kind, title, quarter string) int64 {
		return q(`INSERT INTO epics (workspace_id, kind, title, problem, enables, target_quarter) VALUES ($1, $2, $3, 'p', 'x', $4) RETURNING id`, kind, title, quarter)
	}
	link := func(e, i int64, kind string) {
		x(`INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind) VALUES ($1, $2, $3, $4)`, e, i, kind)
	}
	fx.sys = item("system", "Taskly", nil)
	fx.api = item("container", "Task API", fx.sys)
	fx.handler = item("component", "Update handler", fx.api)
	fx.publisher = item("component", "Publisher", fx.api)
	fx.stripe = item("external", "Stripe", nil)
	fx.collab = epic("product", "Collaborators", "2027-Q1")
	fx.engine = epic("enabler", "Billing engine", "2027-Q1")
	fx.picker = epic("product", "Plan picker", "2027-Q2")
	fx.lonely = epic("enabler", "Archive", "2027-Q2")
	fx.old = epic("product", "Old thing", "2026-Q1")
	link(fx.collab, fx.api, "extend")
	link(fx.collab, fx.handler, "change")
	link(fx.engine, fx.publisher, "new")
	link(fx.engine, fx.stripe, "change")
	link(fx.picker, fx.stripe, "depends_on")
	link(fx.picker, fx.api, "depends_on")
	link(fx.lonely, fx.handler, "depends_on")
	link(fx.old, fx.api, "retire")
	x(`INSERT INTO nfr_impacts (workspace_id, epic_id, category, level) VALUES ($1, $2, 'performance', 'high'), ($1, $2, 'maintainability', 'blocking'), ($1, $3, 'scalability', 'blocking')`,
		fx.collab, fx.engine)
	w, _ := sightline.ParseReviewWindow("2027-Q1", "2027-Q2", time.Now())
	fx.scope = sightline.ReviewScope{Window: w}
	return fx
}

func TestReviewStoreSelectionAndHeat(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	fx := newReviewFixture(t, db, "acme")
	other := newReviewFixture(t, db, "globex") // the same names elsewhere: never counted

	cards, err := db.ReviewRoadmap(ctx, fx.ws.ID, sightline.ReviewFilter{ReviewScope: fx.scope, ItemID: fx.stripe})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range cards {
		ids = append(ids, c.ID)
		if c.Highlight != (c.ID == fx.engine || c.ID == fx.picker) {
			t.Errorf("card %s highlight %v", c.Title, c.Highlight)
		}
	}
	if slices.Sort(ids); !slices.Equal(ids, []int64{fx.collab, fx.engine, fx.picker, fx.lonely}) {
		t.Fatalf("cards %v", ids)
	}
	if cards[0].Level != "blocking" || cards[0].Confidence != "exploring" {
		t.Errorf("first card %+v", cards[0])
	}

	items, err := db.ReviewItems(ctx, fx.ws.ID, fx.scope)
	if err != nil {
		t.Fatal(err)
	}
	heat := map[int64]sightline.ReviewItem{}
	var order []int64
	for _, it := range items {
		heat[it.ID] = it
		order = append(order, it.ID)
	}
	if !slices.Equal(order, []int64{fx.sys, fx.api, fx.publisher, fx.handler, fx.stripe}) {
		t.Errorf("items not in hierarchy order: %v", order)
	}
	if h := heat[fx.api]; h.Epics != 2 || h.Level != "blocking" { // collab + picker; "old" is outside the window
		t.Errorf("api heat %+v", h)
	}
	if h := heat[fx.handler]; h.Epics != 2 || h.Level != "blocking" {
		t.Errorf("handler heat %+v", h)
	}

	// The category counts only its impacts: performance leaves the collaborators epic, at high.
	cat := fx.scope
	cat.Category = "performance"
	items, err = db.ReviewItems(ctx, fx.ws.ID, cat)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.ID == fx.api && (it.Epics != 1 || it.Level != "high") {
			t.Errorf("api heat for performance %+v", it)
		}
		if it.ID == fx.stripe && it.Epics != 0 {
			t.Errorf("stripe heat for performance %+v", it)
		}
	}

	// A subtree: the Task API and its components, and the epics linked there.
	sub := fx.scope
	sub.RootID = fx.api
	m, err := db.ReviewMatrix(ctx, fx.ws.ID, sightline.ReviewFilter{ReviewScope: sub, Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	var rows []int64
	for _, r := range m.Rows {
		rows = append(rows, r.Epic.ID)
		if _, ok := r.Changes[fx.stripe]; ok {
			t.Errorf("a change outside the subtree: %v", r.Changes)
		}
	}
	slices.Sort(rows)
	if m.Total != 4 || !slices.Equal(rows, []int64{fx.collab, fx.engine, fx.picker, fx.lonely}) {
		t.Errorf("subtree matrix %d rows %v", m.Total, rows)
	}
	// A page past the end shows the last page.
	m, err = db.ReviewMatrix(ctx, fx.ws.ID, sightline.ReviewFilter{ReviewScope: fx.scope, Page: 40})
	if err != nil || m.Page != 1 || len(m.Rows) != 4 {
		t.Errorf("page 40: %+v %v", m, err)
	}

	sel, err := db.ReviewSelection(ctx, fx.ws.ID, fx.engine, other.api)
	if err != nil {
		t.Fatal(err)
	}
	if sel.EpicTitle != "Billing engine" || len(sel.EpicItems) != 2 || !sel.EpicItems[fx.publisher] || !sel.ItemMissing || sel.ItemID != 0 {
		t.Errorf("selection %+v", sel)
	}

	var n int
	if err := db.ReviewMatrixCSV(ctx, fx.ws.ID, fx.scope, func(r sightline.ReviewCSVRow) error { n++; return nil }); err != nil || n != 7 {
		t.Errorf("csv rows %d, %v", n, err)
	}
}

func TestReviewStoreRisks(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	fx := newReviewFixture(t, db, "acme")
	newReviewFixture(t, db, "globex")
	r, err := db.ReviewRisks(ctx, fx.ws.ID, fx.scope, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ids := func(l sightline.RiskList) []int64 {
		var out []int64
		for _, x := range l.Top {
			out = append(out, x.ID)
		}
		return out
	}
	if r.HeavyItems.Total != 0 {
		t.Errorf("heavy %+v", r.HeavyItems)
	}
	// Collaborators: high and blocking; billing engine: blocking. Blocking first.
	if r.UndecidedImpacts.Total != 3 || r.UndecidedImpacts.Top[0].Level != "blocking" || r.UndecidedImpacts.Top[2].Level != "high" {
		t.Errorf("undecided %+v", r.UndecidedImpacts)
	}
	if r.Unestimated.Total != 4 || r.CommittedUnestimated.Total != 0 || r.StaleItems.Total != 0 || r.StaleEpics.Total != 0 {
		t.Errorf("risks %+v", r)
	}
	// The archive enabler only depends on an item; the billing engine changes
	// Stripe, which the plan picker (a product epic) depends on.
	if got := ids(r.LonelyEnablers); !slices.Equal(got, []int64{fx.lonely}) {
		t.Errorf("lonely %v", got)
	}

	// A third epic on the Task API makes it heavy; an accepted decision settles the engine.
	third := painMustEpic(t, db, fx.ws.ID, "Third")
	if _, err := db.Pool.Exec(ctx, `UPDATE epics SET target_quarter = '2027-Q2' WHERE id = $1`, third); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool.Exec(ctx, `INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind) VALUES ($1, $2, $3, 'extend')`, fx.ws.ID, third, fx.api); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool.Exec(ctx, `WITH d AS (INSERT INTO decisions (workspace_id, number, title, status) VALUES ($1, 1, 'Meter in a service', 'accepted') RETURNING id)
		INSERT INTO decision_epics (workspace_id, decision_id, epic_id) SELECT $1, id, $2 FROM d`, fx.ws.ID, fx.engine); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool.Exec(ctx, `UPDATE arch_items SET reviewed_at = now() - interval '91 days' WHERE id = $1`, fx.stripe); err != nil {
		t.Fatal(err)
	}
	r, err = db.ReviewRisks(ctx, fx.ws.ID, fx.scope, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(r.HeavyItems); !slices.Equal(got, []int64{fx.api}) || r.HeavyItems.Top[0].Count != 3 {
		t.Errorf("heavy %+v", r.HeavyItems)
	}
	if r.UndecidedImpacts.Total != 2 || slices.Contains(ids(r.UndecidedImpacts), fx.engine) {
		t.Errorf("undecided after the decision %+v", r.UndecidedImpacts)
	}
	if got := ids(r.StaleItems); !slices.Equal(got, []int64{fx.stripe}) {
		t.Errorf("stale items %v", got)
	}
}

func TestReviewStoreMarkReviewed(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	fx := newReviewFixture(t, db, "acme")
	other := newReviewFixture(t, db, "globex")
	for _, ws := range []int64{fx.ws.ID, other.ws.ID} {
		if _, err := db.Pool.Exec(ctx, `UPDATE epics SET reviewed_at = now() - interval '1 year' WHERE workspace_id = $1;`, ws); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Pool.Exec(ctx, `UPDATE arch_items SET reviewed_at = now() - interval '1 year' WHERE workspace_id = $1`, ws); err != nil {
			t.Fatal(err)
		}
	}
	s := fx.scope
	s.Kind = sightline.KindEnabler
	at := time.Now().UTC().Truncate(time.Second)
	rv, err := db.MarkReviewed(ctx, fx.actor, fx.ws.ID, s, sightline.Review{HeldOn: at, Attendees: "Arjun", Scope: "enablers"}, at)
	if err != nil {
		t.Fatal(err)
	}
	if rv.EpicCount != 2 || rv.ItemCount != 3 || rv.ID == 0 {
		t.Fatalf("review %+v", rv)
	}
	reviewed := func(table string, ws int64) []int64 {
		rows, err := db.Pool.Query(ctx, `SELECT id FROM `+table+` WHERE workspace_id = $1 AND reviewed_at = $2 ORDER BY id`, ws, at)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			ids = append(ids, id)
		}
		return ids
	}
	if got := reviewed("epics", fx.ws.ID); !slices.Equal(got, []int64{fx.engine, fx.lonely}) {
		t.Errorf("epics %v", got)
	}
	if got := reviewed("arch_items", fx.ws.ID); !slices.Equal(got, []int64{fx.handler, fx.publisher, fx.stripe}) {
		t.Errorf("items %v", got)
	}
	if len(reviewed("epics", other.ws.ID))+len(reviewed("arch_items", other.ws.ID)) != 0 {
		t.Error("another workspace was marked reviewed")
	}
	var verb, summary string
	if err := db.Pool.QueryRow(ctx, `SELECT verb, summary FROM activity WHERE workspace_id = $1 AND item_type = 'review' AND item_id = $2`, fx.ws.ID, rv.ID).Scan(&verb, &summary); err != nil {
		t.Fatal(err)
	}
	if verb != "review.held" || summary != "enablers (2 epics, 3 items)" {
		t.Errorf("activity %q %q", verb, summary)
	}
	// The check constraint backs the attendees rule.
	if _, err := db.MarkReviewed(ctx, fx.actor, fx.ws.ID, s, sightline.Review{HeldOn: at, Attendees: ""}, at); sightline.ErrorCode(err) != sightline.EINVALID {
		t.Errorf("empty attendees: %v", err)
	}
	c, err := db.ReviewContext(ctx, fx.ws.ID, fx.scope.Window, fx.api)
	if err != nil {
		t.Fatal(err)
	}
	if c.LastReview == nil || c.LastReview.Attendees != "Arjun" || c.Root == nil || c.Root.Name != "Task API" || c.Root.ParentName != "Taskly" {
		t.Errorf("context %+v", c)
	}
	if len(c.Roots) != 2 || c.FirstQuarter != "2026-Q1" || c.LastQuarter != "2027-Q2" {
		t.Errorf("roots %+v quarters %s %s", c.Roots, c.FirstQuarter, c.LastQuarter)
	}
	if c, _ := db.ReviewContext(ctx, fx.ws.ID, fx.scope.Window, other.api); c.Root != nil {
		t.Error("another workspace's item is a root")
	}
}
