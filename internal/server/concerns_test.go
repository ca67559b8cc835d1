package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// nfrWorld is the demo workspace with two epics, two architecture items and
// a concern of its own, and another workspace ("globex") with one row of
// each NFR kind.
type nfrWorld struct {
	app                                    *testApp
	wsID                                   int64
	epic, epic2, item, item2, concern      int64
	fEpic, fItem, fConcern, fImpact, fLink int64
}

func newNFRWorld(t *testing.T, app *testApp) *nfrWorld {
	t.Helper()
	ctx := context.Background()
	w := &nfrWorld{app: app, wsID: app.demoID()}
	globex, _ := app.otherWorkspace("globex", "Globex", "globex-owner@example.com", "Gus Globex")
	q := func(dst *int64, sql string, args ...any) {
		t.Helper()
		if err := app.db.Pool.QueryRow(ctx, sql, args...).Scan(dst); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	q(&w.epic, `INSERT INTO epics (workspace_id, kind, title, problem, target_quarter) VALUES ($1, 'product', 'NFR test epic', 'p', '2027-Q1') RETURNING id`, w.wsID)
	q(&w.epic2, `INSERT INTO epics (workspace_id, kind, title, problem, enables) VALUES ($1, 'enabler', 'NFR second epic', 'p', 'x') RETURNING id`, w.wsID)
	q(&w.item, `INSERT INTO arch_items (workspace_id, kind, name) VALUES ($1, 'container', 'NFR test API') RETURNING id`, w.wsID)
	q(&w.item2, `INSERT INTO arch_items (workspace_id, kind, name) VALUES ($1, 'container', 'NFR test store') RETURNING id`, w.wsID)
	q(&w.concern, `INSERT INTO nfr_concerns (workspace_id, category, title, status, target, current_value) VALUES ($1, 'performance', 'NFR test latency', 'violated', '200 ms', '640 ms') RETURNING id`, w.wsID)
	q(&w.fEpic, `INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', 'Theirs', 'p') RETURNING id`, globex.ID)
	q(&w.fItem, `INSERT INTO arch_items (workspace_id, kind, name) VALUES ($1, 'container', 'Their API') RETURNING id`, globex.ID)
	q(&w.fConcern, `INSERT INTO nfr_concerns (workspace_id, category, title) VALUES ($1, 'performance', 'Their latency') RETURNING id`, globex.ID)
	q(&w.fImpact, `INSERT INTO nfr_impacts (workspace_id, epic_id, category, level) VALUES ($1, $2, 'performance', 'high') RETURNING id`, globex.ID, w.fEpic)
	q(&w.fLink, `INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind) VALUES ($1, $2, $3, 'change') RETURNING id`, globex.ID, w.fEpic, w.fItem)
	return w
}

func (w *nfrWorld) epicPath(id int64) string    { return fmt.Sprintf("/w/demo/epics/%d", id) }
func (w *nfrWorld) concernPath(id int64) string { return fmt.Sprintf("/w/demo/concerns/%d", id) }
func (w *nfrWorld) itemPath(id int64) string    { return fmt.Sprintf("/w/demo/architecture/%d", id) }

func (w *nfrWorld) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := w.app.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func nfrConcernForm(title string) url.Values {
	return url.Values{"category": {"scalability"}, "title": {title}, "stimulus": {"end-of-month automation bursts"},
		"response": {"every event counted once"}, "measure": {"events/s"}, "target": {"5,000/s"}, "current": {"not measured"}, "status": {"open"}}
}

func TestConcernRegisterRightsAndValidation(t *testing.T) {
	app := newTestApp(t)
	w := newNFRWorld(t, app)
	arch, owner := app.signIn("architect@example.com"), app.signIn("owner@example.com")

	// Who may add to the register: architects and owners.
	for _, who := range []string{"pm", "engineer", "viewer"} {
		c := app.signIn(who + "@example.com")
		wantStatus(t, c.post("/w/demo/concerns", nfrConcernForm("By "+who)), http.StatusForbidden)
		if c.get("/w/demo/concerns").doc(t).Find("[data-testid=concern-form]").Length() != 0 {
			t.Errorf("%s sees the create form", who)
		}
	}
	vals := nfrConcernForm("Meter events without loss")
	vals["item_id"] = []string{fmt.Sprint(w.item), fmt.Sprint(w.item2)}
	res := arch.post("/w/demo/concerns", vals)
	wantRedirect(t, res, "/w/demo/concerns/")
	wantRedirect(t, owner.post("/w/demo/concerns", nfrConcernForm("Owner's concern")), "/w/demo/concerns/")
	page := arch.get(res.Header.Get("Location"))
	wantStatus(t, page, http.StatusOK)
	d := page.doc(t)
	if got := text(t, d, "[data-testid=concern-heading]"); got != "Meter events without loss" {
		t.Errorf("heading %q", got)
	}
	if n := d.Find("[data-testid=concern-item]").Length(); n != 2 {
		t.Errorf("%d items attached, want 2", n)
	}
	if got := text(t, d, "[data-testid=flash]"); got != "Concern added to the register." {
		t.Errorf("flash %q", got)
	}

	// A rejected form keeps the input and the ticks, with a message next to each bad field.
	bad := nfrConcernForm(strings.Repeat("x", 201))
	bad.Set("category", "usability")
	bad.Set("stimulus", "Monday <b>peak</b>")
	bad["item_id"] = []string{fmt.Sprint(w.item2)}
	res = arch.post("/w/demo/concerns", bad)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d = res.doc(t)
	form := d.Find("[data-testid=concern-form]")
	for _, f := range []string{"title", "category"} {
		if form.Find("[data-testid=err-"+f+"]").Length() != 1 {
			t.Errorf("no message next to %s", f)
		}
	}
	if !strings.Contains(nfrText(t, form, "[data-testid=err-title]"), "at most 200") {
		t.Errorf("title message %q", nfrText(t, form, "[data-testid=err-title]"))
	}
	if v, _ := form.Find("input[name=title]").Attr("value"); v != strings.Repeat("x", 201) {
		t.Error("the title typed was lost")
	}
	if v := form.Find("textarea[name=stimulus]").Text(); v != "Monday <b>peak</b>" {
		t.Errorf("the stimulus typed was lost: %q", v)
	}
	if _, ok := form.Find(fmt.Sprintf("input[name=item_id][value='%d']", w.item2)).Attr("checked"); !ok {
		t.Error("the ticked item was lost")
	}
	if _, ok := form.Find(fmt.Sprintf("input[name=item_id][value='%d']", w.item)).Attr("checked"); ok {
		t.Error("an item not ticked came back ticked")
	}
	// Every field of the form has a label.
	nfrWantLabels(t, d, form)

	// Another workspace's item is refused next to the items.
	vals = nfrConcernForm("With their item")
	vals["item_id"] = []string{fmt.Sprint(w.item), fmt.Sprint(w.fItem)}
	res = arch.post("/w/demo/concerns", vals)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=concern-form] [data-testid=err-item_id]")
	if n := w.count(t, `SELECT count(*) FROM nfr_concerns WHERE title = 'With their item'`); n != 0 {
		t.Errorf("created anyway")
	}
}

// nfrText returns the trimmed text of the first element under s matching css.
func nfrText(t testing.TB, s *goquerySelection, css string) string {
	t.Helper()
	found := s.Find(css)
	if found.Length() == 0 {
		html, _ := s.Html()
		t.Fatalf("no element %q in:\n%.3000s", css, html)
	}
	return strings.TrimSpace(found.First().Text())
}

// nfrWantLabels fails unless every visible field in sel has a <label for>.
func nfrWantLabels(t *testing.T, d interface {
	Find(string) *goquerySelection
}, sel *goquerySelection) {
	t.Helper()
	sel.Find("input, select, textarea").Each(func(_ int, f *goquerySelection) {
		if typ, _ := f.Attr("type"); typ == "hidden" || typ == "submit" {
			return
		}
		id, ok := f.Attr("id")
		name, _ := f.Attr("name")
		if !ok || d.Find(fmt.Sprintf("label[for='%s']", id)).Length() == 0 {
			t.Errorf("field %q (id %q) has no label", name, id)
		}
	})
}

func TestConcernRegisterFilters(t *testing.T) {
	app := newTestApp(t)
	w := newNFRWorld(t, app)
	ctx := context.Background()
	for _, c := range []struct{ category, title, status string }{
		{"performance", "Filter: board under 1 s", "met"},
		{"cost", "Filter: cost per team", "at_risk"},
	} {
		if _, err := app.db.Pool.Exec(ctx, `INSERT INTO nfr_concerns (workspace_id, category, title, status) VALUES ($1, $2, $3, $4)`,
			w.wsID, c.category, c.title, c.status); err != nil {
			t.Fatal(err)
		}
	}
	// Two epics' impacts name the test concern (one of them twice).
	for _, e := range []int64{w.epic, w.epic, w.epic2} {
		if _, err := app.db.Pool.Exec(ctx, `INSERT INTO nfr_impacts (workspace_id, epic_id, category, concern_id, level) VALUES ($1, $2, 'performance', $3, 'high')`,
			w.wsID, e, w.concern); err != nil {
			t.Fatal(err)
		}
	}
	viewer := app.signIn("viewer@example.com")
	titles := func(d *goquerySelection) map[string]string {
		out := map[string]string{}
		d.Find("[data-testid=concern]").Each(func(_ int, s *goquerySelection) {
			st, _ := s.Attr("data-status")
			out[strings.TrimSpace(s.Find("[data-testid=concern-title]").Text())] = st
		})
		return out
	}

	// Unfiltered: all nine categories show, grouped.
	d := viewer.get("/w/demo/concerns").doc(t)
	if n := d.Find("[data-testid=concern-group]").Length(); n != 9 {
		t.Errorf("%d category groups, want 9", n)
	}
	all := titles(d.Selection)
	for _, want := range []string{"NFR test latency", "Filter: board under 1 s", "Filter: cost per team"} {
		if _, ok := all[want]; !ok {
			t.Errorf("%q missing from the register", want)
		}
	}
	if _, ok := all["Their latency"]; ok {
		t.Error("another workspace's concern is listed")
	}
	row := d.Find(fmt.Sprintf("[data-testid=concern][data-concern-id='%d']", w.concern))
	if n, _ := row.Find("[data-testid=concern-epic-count]").Attr("data-count"); n != "2" {
		t.Errorf("epic count %q, want 2", n)
	}
	if got := nfrText(t, row, "[data-testid=concern-status]"); !strings.Contains(got, "Violated") {
		t.Errorf("status shows %q", got)
	}
	if got := nfrText(t, row, "[data-testid=concern-current]"); got != "640 ms" {
		t.Errorf("current %q", got)
	}

	// By category: one group, only performance concerns.
	d = viewer.get("/w/demo/concerns?category=performance").doc(t)
	if g := d.Find("[data-testid=concern-group]"); g.Length() != 1 || g.AttrOr("data-category", "") != "performance" {
		t.Errorf("groups for category=performance: %d", g.Length())
	}
	got := titles(d.Selection)
	if _, ok := got["Filter: cost per team"]; ok {
		t.Error("a cost concern passes the performance filter")
	}
	if _, ok := got["Filter: board under 1 s"]; !ok {
		t.Error("a performance concern is missing")
	}
	if v, _ := d.Find("#filter-category option[selected]").Attr("value"); v != "performance" {
		t.Errorf("the filter form forgot the category: %q", v)
	}
	// By status.
	d = viewer.get("/w/demo/concerns?status=violated&category=performance").doc(t)
	got = titles(d.Selection)
	if _, ok := got["NFR test latency"]; !ok || len(got) == 0 {
		t.Errorf("violated performance concerns: %v", got)
	}
	for title, st := range got {
		if st != "violated" {
			t.Errorf("%q (%s) passes the violated filter", title, st)
		}
	}
	// Unknown filter values are ignored, not an error.
	wantStatus(t, viewer.get("/w/demo/concerns?category=<script>&status=nope"), http.StatusOK)
	// Every filter field has a label.
	nfrWantLabels(t, d, d.Find("[data-testid=concern-filter]"))
}

func TestConcernPageImpactsConflictAndHistory(t *testing.T) {
	app := newTestApp(t)
	w := newNFRWorld(t, app)
	arch, owner := app.signIn("architect@example.com"), app.signIn("owner@example.com")
	path := w.concernPath(w.concern)

	// Impacts that name the concern show on its page, with their epics.
	for _, e := range []int64{w.epic, w.epic2} {
		wantRedirect(t, arch.post(w.epicPath(e)+"/impacts", url.Values{"concern_id": {fmt.Sprint(w.concern)}, "level": {"blocking"}, "note": {"Peaks double."}}), w.epicPath(e))
	}
	d := app.signIn("viewer@example.com").get(path).doc(t)
	imp := d.Find("[data-testid=concern-impact]")
	if imp.Length() != 2 {
		t.Fatalf("%d impacts on the concern page, want 2", imp.Length())
	}
	links := map[string]bool{}
	imp.Find("[data-testid=impact-epic]").Each(func(_ int, s *goquerySelection) { links[s.AttrOr("href", "")] = true })
	if !links[w.epicPath(w.epic)] || !links[w.epicPath(w.epic2)] {
		t.Errorf("impact epic links %v", links)
	}
	if d.Find("[data-testid=concern-edit-form]").Length() != 0 {
		t.Error("the viewer sees the edit form")
	}

	// Two sessions edit: the second save is a conflict with its input kept.
	archForm := epFormValues(arch.get(path).doc(t).Find("[data-testid=concern-edit-form]"))
	ownerForm := epFormValues(owner.get(path).doc(t).Find("[data-testid=concern-edit-form]"))
	if archForm.Get("version") == "" || archForm.Get("title") != "NFR test latency" {
		t.Fatalf("edit form %v", archForm)
	}
	ownerForm.Set("current", "420 ms")
	wantRedirect(t, owner.post(path, ownerForm), path)
	archForm.Set("title", "p99 under 200 ms at Monday peaks")
	archForm.Set("status", "at_risk")
	res := arch.post(path, archForm)
	wantStatus(t, res, http.StatusConflict)
	d = res.doc(t)
	text(t, d, "[data-testid=conflict]")
	form := d.Find("[data-testid=concern-edit-form]")
	if v, _ := form.Find("input[name=title]").Attr("value"); v != "p99 under 200 ms at Monday peaks" {
		t.Errorf("the title typed was lost: %q", v)
	}
	if v, _ := form.Find("select[name=status] option[selected]").Attr("value"); v != "at_risk" {
		t.Errorf("the status chosen was lost: %q", v)
	}
	mine := d.Find("[data-testid=conflict-field]")
	var sawCurrent bool
	mine.Each(func(_ int, s *goquerySelection) {
		if strings.TrimSpace(s.Find("th").Text()) == "Current value" {
			sawCurrent = strings.TrimSpace(s.Find("[data-testid=conflict-theirs]").Text()) == "420 ms"
		}
	})
	if !sawCurrent {
		t.Error("the conflict panel does not show the current value saved meanwhile")
	}
	// Saving again applies it over the newer version.
	wantRedirect(t, arch.post(path, epFormValues(form)), path)
	d = arch.get(path).doc(t)
	if got := text(t, d, "[data-testid=concern-heading]"); got != "p99 under 200 ms at Monday peaks" {
		t.Errorf("heading after re-save %q", got)
	}
	if n := d.Find("[data-testid=history-entry]").Length(); n != 2 {
		t.Errorf("%d history entries, want 2", n)
	}
	// An edit without its version is refused, not applied.
	noVersion := epFormValues(d.Find("[data-testid=concern-edit-form]"))
	noVersion.Del("version")
	noVersion.Set("title", "Lost")
	res = arch.post(path, noVersion)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=form-error]")
}

func TestConcernItemsAndForeignIDs(t *testing.T) {
	app := newTestApp(t)
	w := newNFRWorld(t, app)
	arch := app.signIn("architect@example.com")
	path := w.concernPath(w.concern)

	res := arch.post(path+"/items", url.Values{})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=attach-item-form] [data-testid=err-item_id]")
	res = arch.post(path+"/items", url.Values{"item_id": {fmt.Sprint(w.fItem)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=attach-item-form] [data-testid=err-item_id]")
	wantRedirect(t, arch.post(path+"/items", url.Values{"item_id": {fmt.Sprint(w.item)}}), path)
	d := arch.get(path).doc(t)
	if d.Find(fmt.Sprintf("[data-testid=concern-item][data-item-id='%d']", w.item)).Length() != 1 {
		t.Fatal("the item is not attached")
	}
	// The attach select offers only items not attached yet.
	if d.Find(fmt.Sprintf("#attach-item_id option[value='%d']", w.item)).Length() != 0 {
		t.Error("an attached item is offered again")
	}
	detach := fmt.Sprintf("%s/items/%d/detach", path, w.item)
	wantRedirect(t, arch.post(detach, nil), path)
	wantRedirect(t, arch.post(detach, nil), path) // idempotent
	if n := w.count(t, `SELECT count(*) FROM concern_items WHERE concern_id = $1`, w.concern); n != 0 {
		t.Errorf("%d items still attached", n)
	}
	wantStatus(t, app.signIn("pm@example.com").post(path+"/items", url.Values{"item_id": {fmt.Sprint(w.item)}}), http.StatusForbidden)

	// Another workspace's ids in the URL are not found, on every route.
	foreign := w.concernPath(w.fConcern)
	for _, c := range []struct {
		post bool
		path string
	}{
		{false, foreign},
		{true, foreign},
		{true, foreign + "/items"},
		{true, fmt.Sprintf("%s/items/%d/detach", foreign, w.fItem)},
		{true, fmt.Sprintf("%s/items/%d/detach", foreign, w.item)},
		{true, fmt.Sprintf("%s/items/%d/detach", path, w.fItem)},
		{false, "/w/demo/concerns/abc"},
	} {
		var res *response
		if c.post {
			res = arch.post(c.path, url.Values{"item_id": {fmt.Sprint(w.item)}, "version": {"1"}, "title": {"x"}, "category": {"cost"}, "status": {"open"}})
		} else {
			res = arch.get(c.path)
		}
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404", res.Request.Method, c.path, res.StatusCode)
		}
	}
	if n := w.count(t, `SELECT count(*) FROM concern_items WHERE concern_id = $1`, w.fConcern); n != 0 {
		t.Error("their concern got an item")
	}
}

func TestConcernPagesRunAFixedNumberOfQueries(t *testing.T) {
	app := newCountingApp(t)
	counter, db := app.counter, app.db
	ctx := context.Background()
	wsID := app.demoID()
	var epicID, itemID, concernID int64
	if err := db.Pool.QueryRow(ctx, `INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', 'Measured', 'p') RETURNING id`, wsID).Scan(&epicID); err != nil {
		t.Fatal(err)
	}
	if err := db.Pool.QueryRow(ctx, `INSERT INTO arch_items (workspace_id, kind, name) VALUES ($1, 'container', 'Measured item') RETURNING id`, wsID).Scan(&itemID); err != nil {
		t.Fatal(err)
	}
	if err := db.Pool.QueryRow(ctx, `INSERT INTO nfr_concerns (workspace_id, category, title) VALUES ($1, 'performance', 'Measured concern') RETURNING id`, wsID).Scan(&concernID); err != nil {
		t.Fatal(err)
	}
	// add n concerns, each on an item of its own and named by an impact;
	// n impacts and history rows on the measured concern.
	add := func(n, from int) {
		t.Helper()
		for _, st := range []struct {
			sql  string
			args []any
		}{
			{`WITH c AS (
			   INSERT INTO nfr_concerns (workspace_id, category, title, status)
			   SELECT $1, (ARRAY['scalability','availability','performance','cost'])[1 + g % 4], 'Concern ' || g, (ARRAY['open','met','at_risk','violated'])[1 + g % 4]
			   FROM generate_series($2::int, $2::int + $3::int - 1) g RETURNING id, title),
			 i AS (
			   INSERT INTO arch_items (workspace_id, kind, name) SELECT $1, 'component', 'Item for ' || c.title FROM c RETURNING id, name)
			 INSERT INTO concern_items (workspace_id, concern_id, item_id)
			 SELECT $1, c.id, i.id FROM c JOIN i ON i.name = 'Item for ' || c.title`, []any{wsID, from, n}},
			{`INSERT INTO nfr_impacts (workspace_id, epic_id, category, concern_id, level)
			 SELECT $1, $4, c.category, c.id, 'medium' FROM nfr_concerns c WHERE c.workspace_id = $1 AND c.title LIKE 'Concern %'
			   AND substring(c.title from 9)::int BETWEEN $2 AND $2 + $3 - 1`, []any{wsID, from, n, epicID}},
			{`INSERT INTO nfr_impacts (workspace_id, epic_id, category, concern_id, level)
			 SELECT $1, $2, 'performance', $3, 'low' FROM generate_series(1, $4::int)`, []any{wsID, epicID, concernID, n}},
			{`INSERT INTO activity (workspace_id, verb, item_type, item_id, summary, changes)
			 SELECT $1, 'concern.updated', 'concern', $2, 'Measured concern', '{"status": {"from": "open", "to": "met"}}' FROM generate_series(1, $3::int)`,
				[]any{wsID, concernID, n}},
		} {
			if _, err := db.Pool.Exec(ctx, st.sql, st.args...); err != nil {
				t.Fatalf("%s: %v", st.sql, err)
			}
		}
	}
	count := func(c *client, path string) int64 {
		t.Helper()
		wantStatus(t, c.get(path), http.StatusOK)
		before := counter.N()
		wantStatus(t, c.get(path), http.StatusOK)
		return counter.N() - before
	}
	clients := map[string]*client{"architect": app.signIn("architect@example.com"), "viewer": app.signIn("viewer@example.com")}
	paths := []string{"/w/demo/concerns", "/w/demo/concerns?category=performance&status=violated", fmt.Sprintf("/w/demo/concerns/%d", concernID)}
	small := map[string]int64{}
	add(5, 1)
	for who, c := range clients {
		for _, p := range paths {
			small[who+" "+p] = count(c, p)
		}
	}
	add(95, 6)
	var n int
	_ = db.Pool.QueryRow(ctx, `SELECT count(*) FROM nfr_concerns WHERE workspace_id = $1 AND title LIKE 'Concern %'`, wsID).Scan(&n)
	if n != 100 {
		t.Fatalf("%d concerns, want 100", n)
	}
	for who, c := range clients {
		for _, p := range paths {
			if got := count(c, p); got != small[who+" "+p] {
				t.Errorf("GET %s as %s: %d queries with 100 concerns; %d with 5", p, who, got, small[who+" "+p])
			} else {
				t.Logf("GET %s as %s: %d queries", p, who, got)
			}
		}
	}
}
