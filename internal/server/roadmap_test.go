package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func rmValues(title, start, end string) url.Values {
	return url.Values{"kind": {"release"}, "title": {title}, "description": {"Team **collaboration**."},
		"starts_on": {start}, "ends_on": {end}, "confidence": {"planned"}}
}

// rmCreate creates a roadmap item through the form and returns its page path.
func rmCreate(t testing.TB, c *client, vals url.Values) string {
	t.Helper()
	res := c.post("/w/demo/roadmap", vals)
	wantRedirect(t, res, "/w/demo/roadmap/")
	return res.Header.Get("Location")
}

func rmID(path string) string { return path[strings.LastIndex(path, "/")+1:] }

func TestRoadmapItemsCreateEditAndRoles(t *testing.T) {
	app := newTestApp(t)
	pm, owner, eng, viewer := app.signIn("pm@example.com"), app.signIn("owner@example.com"), app.signIn("engineer@example.com"), app.signIn("viewer@example.com")

	path := rmCreate(t, pm, rmValues("Release 2.4: collaboration", "2031-04-01", "2031-06-30"))
	res := pm.get(path)
	wantStatus(t, res, http.StatusOK)
	d := res.doc(t)
	if got := text(t, d, "[data-testid=roadmap-item-title]"); got != "Release 2.4: collaboration" {
		t.Fatalf("title %q", got)
	}
	if got := text(t, d, "[data-testid=roadmap-dates]"); got != "1 Apr 2031 – 30 Jun 2031" {
		t.Fatalf("dates %q", got)
	}
	if d.Find("[data-testid=roadmap-description] strong").Length() != 1 {
		t.Fatal("description is not rendered as markdown")
	}
	// The list, by start date, with confidence as a word and the epic count.
	early := rmCreate(t, owner, rmValues("Milestone: billing beta", "2031-01-15", "2031-01-15"))
	d = viewer.get("/w/demo/roadmap").doc(t)
	var order []string
	d.Find("[data-testid=roadmap-item]").Each(func(_ int, s *goquerySelection) {
		order = append(order, s.AttrOr("data-roadmap-item-id", ""))
	})
	iEarly, iLate := -1, -1
	for i, id := range order {
		switch id {
		case rmID(early):
			iEarly = i
		case rmID(path):
			iLate = i
		}
	}
	if iEarly < 0 || iLate < 0 || iEarly > iLate {
		t.Fatalf("items not by start date: %v", order)
	}
	row := fmt.Sprintf("[data-testid=roadmap-item][data-roadmap-item-id=%q]", rmID(path))
	if got := text(t, d, row+" [data-testid=confidence]"); got != "Planned" {
		t.Fatalf("confidence %q", got)
	}
	if got := text(t, d, row+" [data-testid=roadmap-epic-count]"); got != "0" {
		t.Fatalf("epic count %q", got)
	}
	if d.Find("[data-testid=roadmap-form]").Length() != 0 {
		t.Fatal("the viewer sees the create form")
	}

	// The end may not come before the start: refused next to the end, input kept.
	res = pm.post("/w/demo/roadmap", rmValues("Backwards", "2031-05-01", "2031-04-30"))
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d = res.doc(t)
	text(t, d, "[data-testid=roadmap-form] [data-testid=err-ends_on]")
	if d.Find("[data-testid=roadmap-form] [data-testid=err-starts_on]").Length() != 0 {
		t.Fatal("the message is not next to the end date only")
	}
	if v, _ := d.Find("[data-testid=roadmap-form] input[name=title]").Attr("value"); v != "Backwards" {
		t.Fatalf("title not kept: %q", v)
	}
	wantStatus(t, pm.post("/w/demo/roadmap", url.Values{}), http.StatusUnprocessableEntity)
	// Only owners and PMs place work on the roadmap.
	wantStatus(t, eng.post("/w/demo/roadmap", rmValues("Engineers'", "2031-01-01", "2031-02-01")), http.StatusForbidden)
	wantStatus(t, viewer.post(path, rmValues("Viewers'", "2031-01-01", "2031-02-01")), http.StatusForbidden)

	// Two sessions edit: the second gets a conflict with their input kept.
	mine := decFormOf(t, pm, path, "roadmap-edit-form")
	theirs := decFormOf(t, owner, path, "roadmap-edit-form")
	theirs.Set("confidence", "committed")
	wantRedirect(t, owner.post(path, theirs), path)
	mine.Set("title", "Release 2.4: sharing")
	res = pm.post(path, mine)
	wantStatus(t, res, http.StatusConflict)
	d = res.doc(t)
	text(t, d, "[data-testid=conflict]")
	kept := epFormValues(d.Find("[data-testid=roadmap-edit-form]"))
	if kept.Get("title") != "Release 2.4: sharing" || kept.Get("version") == mine.Get("version") {
		t.Fatalf("conflict form: %v", kept)
	}
	wantRedirect(t, pm.post(path, kept), path)
	d = pm.get(path).doc(t)
	if got := text(t, d, "[data-testid=roadmap-item-title]"); got != "Release 2.4: sharing" {
		t.Fatalf("title after re-applying %q", got)
	}
	if got := text(t, d, ".page-head [data-testid=confidence]"); got != "Planned" {
		t.Fatalf("confidence after re-applying %q", got)
	}
	// An edit with the end before the start is refused next to the end.
	bad := decFormOf(t, pm, path, "roadmap-edit-form")
	bad.Set("ends_on", "2030-01-01")
	res = pm.post(path, bad)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=roadmap-edit-form] [data-testid=err-ends_on]")
	wantStatus(t, pm.post(path, url.Values{}), http.StatusUnprocessableEntity)
	if d.Find("[data-testid=roadmap-history] [data-testid=history-entry]").Length() < 2 {
		t.Fatal("no history")
	}
}

func TestRoadmapEpicLinks(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	wsID := app.demoID()
	pm := app.signIn("pm@example.com")
	path := rmCreate(t, pm, rmValues("Release 2.4", "2031-04-01", "2031-06-30"))
	other := rmCreate(t, pm, rmValues("Release 2.5", "2031-07-01", "2031-09-30"))
	var epicID int64
	if err := app.db.Pool.QueryRow(ctx, `INSERT INTO epics (workspace_id, kind, title, problem, estimate_size, status) VALUES ($1, 'product', 'Collaborators on a list (rm)', 'p', 'L', 'discovery') RETURNING id`, wsID).Scan(&epicID); err != nil {
		t.Fatal(err)
	}

	// From the roadmap item's page.
	vals := decFormOf(t, pm, path, "roadmap-epic-form")
	vals.Set("epic_id", fmt.Sprint(epicID))
	wantRedirect(t, pm.post(path+"/epics", vals), path)
	d := pm.get(path).doc(t)
	li := fmt.Sprintf("[data-testid=roadmap-epic][data-epic-id=\"%d\"]", epicID)
	if got := text(t, d, li+" [data-testid=status-badge]"); got != "Discovery" {
		t.Fatalf("epic status %q", got)
	}
	if got := text(t, d, li+" [data-testid=roadmap-epic-estimate]"); got != "estimate L" {
		t.Fatalf("epic estimate %q", got)
	}
	row := fmt.Sprintf("[data-testid=roadmap-item][data-roadmap-item-id=%q] [data-testid=roadmap-epic-count]", rmID(path))
	if got := text(t, pm.get("/w/demo/roadmap").doc(t), row); got != "1" {
		t.Fatalf("epic count %q", got)
	}
	res := pm.post(path+"/epics", url.Values{})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=roadmap-epic-form] [data-testid=err-epic_id]")

	// From the epic page's route: back to the epic.
	res = pm.post(fmt.Sprintf("/w/demo/epics/%d/roadmap", epicID), url.Values{"roadmap_item_id": {rmID(other)}})
	wantRedirect(t, res, fmt.Sprintf("/w/demo/epics/%d", epicID))
	items, err := app.db.RoadmapItemsForEpic(ctx, wsID, epicID)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || fmt.Sprint(items[0].ID) != rmID(path) || fmt.Sprint(items[1].ID) != rmID(other) {
		t.Fatalf("roadmap items of the epic: %+v", items)
	}
	res = pm.post(fmt.Sprintf("/w/demo/epics/%d/roadmap", epicID), url.Values{})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d = res.doc(t)
	text(t, d, "[data-testid=epic-roadmap-form] [data-testid=err-roadmap_item_id]")
	if d.Find("[data-testid=epic-roadmap-item]").Length() != 2 {
		t.Fatal("the refusal page does not show where the epic is now")
	}
	// Unlink from the epic page leads back there; unlinking is idempotent.
	unlink := fmt.Sprintf("%s/epics/%d/unlink", other, epicID)
	wantRedirect(t, pm.post(unlink, url.Values{"from": {"epic"}}), fmt.Sprintf("/w/demo/epics/%d", epicID))
	wantRedirect(t, pm.post(unlink, nil), other)
	unlink = fmt.Sprintf("%s/epics/%d/unlink", path, epicID)
	wantRedirect(t, pm.post(unlink, nil), path)
	if items, _ := app.db.RoadmapItemsForEpic(ctx, wsID, epicID); len(items) != 0 {
		t.Fatalf("still linked: %+v", items)
	}
	// Engineers and architects do not place work on the roadmap.
	for _, who := range []string{"engineer@example.com", "architect@example.com"} {
		c := app.signIn(who)
		wantStatus(t, c.post(path+"/epics", url.Values{"epic_id": {fmt.Sprint(epicID)}}), http.StatusForbidden)
		wantStatus(t, c.post(fmt.Sprintf("/w/demo/epics/%d/roadmap", epicID), url.Values{"roadmap_item_id": {rmID(path)}}), http.StatusForbidden)
	}
}

func TestRoadmapRoutesRefuseOtherWorkspaces(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	wsID := app.demoID()
	globex, _ := app.otherWorkspace("globex", "Globex", "rm-other@example.com", "Other Owner")
	q := func(sql string, args ...any) int64 {
		var id int64
		if err := app.db.Pool.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	foreignItem := q(`INSERT INTO roadmap_items (workspace_id, kind, title, starts_on, ends_on, confidence) VALUES ($1, 'release', 'Theirs', current_date, current_date, 'planned') RETURNING id`, globex.ID)
	foreignEpic := q(`INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', 'Theirs', 'p') RETURNING id`, globex.ID)
	homeEpic := q(`INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', 'Ours (rm)', 'p') RETURNING id`, wsID)
	pm := app.signIn("pm@example.com")
	home := rmCreate(t, pm, rmValues("Ours", "2031-01-01", "2031-02-01"))
	foreign := fmt.Sprintf("/w/demo/roadmap/%d", foreignItem)
	full := rmValues("x", "2031-01-01", "2031-02-01")
	full.Set("version", "1")
	full.Set("epic_id", fmt.Sprint(homeEpic))
	full.Set("roadmap_item_id", rmID(home))
	for _, c := range []struct {
		post bool
		path string
	}{
		{false, foreign},
		{true, foreign},
		{true, foreign + "/epics"},
		{true, fmt.Sprintf("%s/epics/%d/unlink", foreign, homeEpic)},
		{true, fmt.Sprintf("%s/epics/%d/unlink", home, foreignEpic)},
		{true, fmt.Sprintf("/w/demo/epics/%d/roadmap", foreignEpic)},
		{false, "/w/demo/roadmap/abc"},
		{false, "/w/globex/roadmap"},
	} {
		var res *response
		if c.post {
			res = pm.post(c.path, full)
		} else {
			res = pm.get(c.path)
		}
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404", res.Request.Method, c.path, res.StatusCode)
		}
	}
	// Foreign ids chosen in a form are refused next to the field.
	res := pm.post(home+"/epics", url.Values{"epic_id": {fmt.Sprint(foreignEpic)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=err-epic_id]")
	res = pm.post(fmt.Sprintf("/w/demo/epics/%d/roadmap", homeEpic), url.Values{"roadmap_item_id": {fmt.Sprint(foreignItem)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=err-roadmap_item_id]")
	// The database holds with the handlers bypassed.
	if _, err := app.db.Pool.Exec(ctx, `INSERT INTO epic_roadmap_items (workspace_id, epic_id, roadmap_item_id) VALUES ($1, $2, $3)`, wsID, homeEpic, foreignItem); err == nil {
		t.Fatal("a cross-workspace roadmap link was stored")
	}
	var title string
	_ = app.db.Pool.QueryRow(ctx, `SELECT title FROM roadmap_items WHERE id = $1`, foreignItem).Scan(&title)
	if title != "Theirs" {
		t.Fatalf("their roadmap item changed: %q", title)
	}
}

func TestRoadmapPagesRunAFixedNumberOfQueries(t *testing.T) {
	app := newCountingApp(t)
	counter, db := app.counter, app.db
	ctx := context.Background()
	wsID := app.demoID()
	pmUser := mustUser(t, app, "pm@example.com")
	var itemID int64
	if err := db.Pool.QueryRow(ctx, `INSERT INTO roadmap_items (workspace_id, kind, title, starts_on, ends_on, confidence) VALUES ($1, 'release', 'Measured', '2031-01-01', '2031-03-31', 'planned') RETURNING id`, wsID).Scan(&itemID); err != nil {
		t.Fatal(err)
	}
	// add n more roadmap items, n epics delivered by the measured one, n history rows.
	add := func(n int) {
		t.Helper()
		for _, st := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO roadmap_items (workspace_id, kind, title, starts_on, ends_on, confidence)
			 SELECT $1, (ARRAY['release', 'milestone', 'theme'])[1 + g % 3], 'Item ' || g || '-' || $2::int, date '2031-01-01' + g, date '2031-02-01' + g,
			        (ARRAY['committed', 'planned', 'exploring'])[1 + g % 3]
			 FROM generate_series(1, $2::int) g`, []any{wsID, n}},
			{`WITH e AS (
			   INSERT INTO epics (workspace_id, kind, title, problem, estimate_size) SELECT $1, 'product', 'Delivered ' || g || '-' || $2::int, 'p', 'M'
			   FROM generate_series(1, $2::int) g RETURNING id)
			 INSERT INTO epic_roadmap_items (workspace_id, epic_id, roadmap_item_id) SELECT $1, id, $3 FROM e`, []any{wsID, n, itemID}},
			{`INSERT INTO activity (workspace_id, actor_id, verb, item_type, item_id, summary, changes)
			 SELECT $1, $3, 'roadmap_item.updated', 'roadmap_item', $4, 'Measured', '{"confidence": {"from": "exploring", "to": "planned"}}'
			 FROM generate_series(1, $2::int) g`, []any{wsID, n, pmUser.ID, itemID}},
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
	clients := map[string]*client{"pm": app.signIn("pm@example.com"), "viewer": app.signIn("viewer@example.com")}
	paths := []string{"/w/demo/roadmap", fmt.Sprintf("/w/demo/roadmap/%d", itemID)}
	small := map[string]int64{}
	add(3)
	for who, c := range clients {
		for _, p := range paths {
			small[who+" "+p] = count(c, p)
		}
	}
	add(97)
	for who, c := range clients {
		for _, p := range paths {
			if got := count(c, p); got != small[who+" "+p] {
				t.Errorf("GET %s as %s: %d queries with 100 items, epics and history rows; %d with 3", p, who, got, small[who+" "+p])
			} else {
				t.Logf("GET %s as %s: %d queries", p, who, got)
			}
		}
	}
}
