package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/sightline"
)

// TestAskForAnEstimateThroughThePages: the PM asks the engineer for an
// estimate from the epic's page; it shows open there and first in the
// engineer's inbox (filtered to requests too); the architect's estimate
// closes it, and both places then say who did it. A refused ask keeps the
// choice; a viewer may not ask on an epic; the home page shows the unread.
func TestAskForAnEstimateThroughThePages(t *testing.T) {
	app := newTestApp(t)
	epicID := app.id(`SELECT id FROM epics WHERE workspace_id = $1 AND estimate_size IS NULL ORDER BY id LIMIT 1`, app.demoID())
	engID := mustUser(t, app, demoEmail(sightline.RoleEngineer)).ID
	pm, eng, arch, viewer := app.signIn(demoEmail(sightline.RolePM)), app.signIn(demoEmail(sightline.RoleEngineer)),
		app.signIn(demoEmail(sightline.RoleArchitect)), app.signIn(demoEmail(sightline.RoleViewer))
	epicPath := paths.Epic(seed.DemoSlug, epicID)

	form := decFormOf(t, pm, epicPath, "ask-estimate")
	if form.Get("kind") != "estimate" {
		t.Fatalf("ask form %v", form)
	}
	// Nobody chosen: refused, next to the field.
	res := pm.post(paths.EpicRequests(seed.DemoSlug, epicID), url.Values{"kind": {"estimate"}, "note": {"for Q1"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	if got := text(t, d, "[data-testid=ask-estimate] [data-testid=err-recipients]"); got != "Choose at least one person to ask." {
		t.Fatalf("refusal %q", got)
	}
	if v, _ := d.Find("[data-testid=ask-estimate] input[name=note]").Attr("value"); v != "for Q1" {
		t.Fatalf("the note was not kept: %q", v)
	}
	// A viewer cannot be asked for an estimate; a viewer cannot ask on an epic.
	viewerID := mustUser(t, app, demoEmail(sightline.RoleViewer)).ID
	wantStatus(t, pm.post(paths.EpicRequests(seed.DemoSlug, epicID), url.Values{"kind": {"estimate"}, "recipients": {strconv.FormatInt(viewerID, 10)}}), http.StatusUnprocessableEntity)
	wantStatus(t, viewer.post(paths.EpicRequests(seed.DemoSlug, epicID), url.Values{"kind": {"estimate"}, "recipients": {strconv.FormatInt(engID, 10)}}), http.StatusForbidden)

	wantRedirect(t, pm.post(paths.EpicRequests(seed.DemoSlug, epicID), url.Values{"kind": {"estimate"}, "recipients": {strconv.FormatInt(engID, 10)}, "note": {"for Q1"}}), epicPath)
	page := pm.get(epicPath).doc(t)
	if page.Find("[data-testid=request][data-kind=estimate][data-open=true]").Length() != 1 {
		t.Fatal("the open request is not on the epic's page")
	}
	inbox := eng.get(paths.Inbox(seed.DemoSlug, paths.Values{"kind": {"request"}})).doc(t)
	first := inbox.Find("[data-testid=inbox-entry]").First()
	if k, _ := first.Attr("data-kind"); k != "request" || !strings.Contains(first.Text(), "asks you for an estimate") {
		t.Fatalf("the engineer's inbox starts with %q", first.Text())
	}
	if home := eng.get(paths.Home()).doc(t); text(t, home, "[data-testid=ws-unread]") == "" {
		t.Fatal("no unread count on the home page")
	}
	// The architect estimates: the request closes, done by Arjun.
	est := decFormOf(t, arch, epicPath, "estimate-form")
	est.Set("size", "M")
	est.Set("estimate_note", "One service.")
	wantRedirect(t, arch.post(paths.EpicEstimate(seed.DemoSlug, epicID), est), epicPath)
	if got := text(t, pm.get(epicPath).doc(t), "[data-testid=request][data-kind=estimate] [data-testid=request-done-by]"); !strings.Contains(got, "Arjun Architect") {
		t.Fatalf("done by %q", got)
	}
	if got := text(t, eng.get(paths.Inbox(seed.DemoSlug)).doc(t), "[data-testid=inbox-done-by]"); !strings.Contains(got, "Arjun Architect") {
		t.Fatalf("inbox done by %q", got)
	}
}

// TestWatchAndUnwatchAnItem: the viewer watches a goal from its page, hears
// of the PM's change in the inbox (filtered to changes), and unwatches
// from the inbox in one click; the next change does not reach them.
func TestWatchAndUnwatchAnItem(t *testing.T) {
	app := newTestApp(t)
	goalID := app.id(`SELECT id FROM goals WHERE workspace_id = $1 ORDER BY id LIMIT 1`, app.demoID())
	viewer, pm := app.signIn(demoEmail(sightline.RoleViewer)), app.signIn(demoEmail(sightline.RolePM))
	goalPath := paths.Goal(seed.DemoSlug, goalID)
	wantRedirect(t, viewer.post(paths.ItemWatch(seed.DemoSlug, "goal", goalID), url.Values{"watching": {"on"}}), goalPath)
	if viewer.get(goalPath).doc(t).Find("[data-testid=watching]").Length() != 1 {
		t.Fatal("the goal's page does not say the viewer watches it")
	}
	edit := func(title string) {
		f := decFormOf(t, pm, goalPath, "goal-edit-form")
		f.Set("title", title)
		wantRedirect(t, pm.post(goalPath, f), goalPath)
	}
	edit("Grow net revenue retention")
	changes := viewer.get(paths.Inbox(seed.DemoSlug, paths.Values{"kind": {"change"}})).doc(t)
	entry := changes.Find("[data-testid=inbox-entry][data-kind=change]")
	if entry.Length() != 1 || !strings.Contains(entry.Text(), "Grow net revenue retention") {
		t.Fatalf("changes in the viewer's inbox: %q", changes.Find("[data-testid=inbox]").Text())
	}
	if changes.Find("[data-testid=inbox-entry][data-kind=mention]").Length() != 0 {
		t.Fatal("the change filter shows other kinds")
	}
	unwatch := entry.Find("[data-testid=unwatch-form]")
	action, _ := unwatch.Attr("action")
	wantRedirect(t, viewer.post(action, epFormValues(unwatch)), paths.Inbox(seed.DemoSlug))
	wantRedirect(t, viewer.post(paths.InboxRead(seed.DemoSlug), nil), paths.Inbox(seed.DemoSlug))
	edit("Grow net revenue retention again")
	if n := viewer.get(paths.Inbox(seed.DemoSlug, paths.Values{"kind": {"change"}})).doc(t).Find("[data-testid=inbox-entry][data-read=false]").Length(); n != 0 {
		t.Fatalf("%d unread changes after unwatching", n)
	}
}

// TestCollaborationKeepsQueriesFixed: the pages that gained threads,
// requests, watches, presence and the inbox run as many statements with
// 40 comments, replies, mentions and requests on their items as with none.
func TestCollaborationKeepsQueriesFixed(t *testing.T) {
	app := newCountingApp(t)
	ws := app.demoID()
	pm, arch := app.signIn(demoEmail(sightline.RolePM)), app.signIn(demoEmail(sightline.RoleArchitect))
	epic := app.id(`SELECT id FROM epics WHERE workspace_id = $1 ORDER BY id LIMIT 1`, ws)
	number := app.id(`SELECT number FROM decisions WHERE workspace_id = $1 ORDER BY number LIMIT 1`, ws)
	decision := app.id(`SELECT id FROM decisions WHERE workspace_id = $1 AND number = $2`, ws, number)
	shift := app.id(`SELECT id FROM strategy_shifts WHERE workspace_id = $1 ORDER BY id LIMIT 1`, ws)
	pages := []string{
		paths.Epic(seed.DemoSlug, epic), paths.Decision(seed.DemoSlug, int(number)), paths.Shift(seed.DemoSlug, shift),
		paths.Inbox(seed.DemoSlug), paths.Inbox(seed.DemoSlug, paths.Values{"kind": {"request"}}), paths.Home(),
		paths.Workspace(seed.DemoSlug), paths.Epics(seed.DemoSlug), paths.InboxBadge(seed.DemoSlug),
		paths.ItemComments(seed.DemoSlug, "epic", epic), paths.ItemPresence(seed.DemoSlug, "epic", epic),
		paths.ItemChanged(seed.DemoSlug, "epic", epic), paths.Member(seed.DemoSlug, "arjun"),
	}
	before := map[string]int64{}
	for _, p := range pages {
		before[p] = app.queriesPerGET(arch, p)
	}
	engID := mustUser(t, app, demoEmail(sightline.RoleEngineer)).ID
	archID := mustUser(t, app, demoEmail(sightline.RoleArchitect)).ID
	for i := range 20 {
		for _, item := range []struct {
			kind string
			id   int64
		}{{"epic", epic}, {"decision", decision}} {
			res := pm.post(paths.ItemComments(seed.DemoSlug, item.kind, item.id), url.Values{"body": {"@arjun question " + strconv.Itoa(i)}})
			wantStatus(t, res, http.StatusSeeOther)
		}
		wantStatus(t, arch.post(paths.ItemComments(seed.DemoSlug, "shift", shift), url.Values{"body": {"@priya note " + strconv.Itoa(i)}}), http.StatusSeeOther)
	}
	thread := app.id(`SELECT min(id) FROM comments WHERE workspace_id = $1 AND item_type = 'epic' AND item_id = $2`, ws, epic)
	for i := range 5 {
		wantStatus(t, arch.post(paths.ItemComments(seed.DemoSlug, "epic", epic), url.Values{"body": {"reply " + strconv.Itoa(i)}, "parent_id": {strconv.FormatInt(thread, 10)}}), http.StatusSeeOther)
	}
	wantStatus(t, pm.post(paths.EpicRequests(seed.DemoSlug, epic), url.Values{"kind": {"estimate"}, "recipients": {strconv.FormatInt(engID, 10), strconv.FormatInt(archID, 10)}}), http.StatusSeeOther)
	wantStatus(t, pm.post(paths.DecisionRequests(seed.DemoSlug, int(number)), url.Values{"kind": {"stance"}, "recipients": {strconv.FormatInt(archID, 10)}}), http.StatusSeeOther)
	if n := app.id(`SELECT count(*) FROM inbox_entries WHERE workspace_id = $1 AND user_id = $2 AND read_at IS NULL`, ws, archID); n < 40 {
		t.Fatalf("only %d unread entries for the architect: the fixture did not grow the inbox", n)
	}
	for _, p := range pages {
		if got := app.queriesPerGET(arch, p); got != before[p] {
			t.Errorf("GET %s: %d queries with the threads, requests and inbox, %d without", p, got, before[p])
		}
	}
}
