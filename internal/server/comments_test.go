package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sightline/sightline/internal/sightline"
)

func TestCommentsOnAnEpicThroughHTTP(t *testing.T) {
	app := newTestApp(t)
	ws := app.demoID()
	epic := app.id(`SELECT id FROM epics WHERE workspace_id = $1 ORDER BY id LIMIT 1`, ws)
	epicPath := fmt.Sprintf("/w/demo/epics/%d", epic)
	post := fmt.Sprintf("/w/demo/items/epic/%d/comments", epic)
	pm, arch, viewer := app.signIn(demoEmail(sightline.RolePM)), app.signIn(demoEmail(sightline.RoleArchitect)), app.signIn(demoEmail(sightline.RoleViewer))

	// A thread, with markdown sanitized: no script reaches the page.
	res := pm.post(post, url.Values{"body": {"Can the **billing load** double? <script>alert(1)</script>"}})
	wantRedirect(t, res, epicPath+"#comment-")
	doc := pm.get(epicPath).doc(t)
	if got := doc.Find("[data-testid=thread] [data-testid=comment-text] strong").Text(); got != "billing load" {
		t.Fatalf("markdown not rendered: %q", got)
	}
	if html, _ := doc.Find("[data-testid=comments]").Html(); strings.Contains(html, "<script>") {
		t.Fatal("a script tag reached the page")
	}
	first := app.id(`SELECT id FROM comments WHERE workspace_id = $1 AND item_type = 'epic' AND item_id = $2 ORDER BY id LIMIT 1`, ws, epic)

	// A viewer may reply; the reply sits under the thread.
	wantRedirect(t, viewer.post(post, url.Values{"body": {"Following this."}, "parent_id": {fmt.Sprint(first)}}), epicPath+"#comment-")
	doc = arch.get(epicPath).doc(t)
	if n := doc.Find("[data-testid=thread]").Length(); n != 1 {
		t.Fatalf("%d threads", n)
	}
	if got := strings.TrimSpace(doc.Find("[data-testid=reply] [data-testid=comment-text]").Text()); got != "Following this." {
		t.Fatalf("reply %q", got)
	}
	if got := text(t, doc, "[data-testid=comment-count]"); got != "2 comments" {
		t.Fatalf("count %q", got)
	}
	// Only the author sees "Edit".
	if doc.Find("[data-testid=thread] > [data-testid=comment] [data-testid=comment-edit]").Length() != 0 {
		t.Fatal("the architect is offered to edit the PM's comment")
	}

	// An empty comment comes back with the message next to the field, 422.
	res = arch.post(post, url.Values{"body": {"   "}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if got := text(t, res.doc(t), "[data-testid=err-body]"); got != "Write the comment." {
		t.Fatalf("message %q", got)
	}

	// Edit own comment; a stale save is a conflict with both texts.
	editPath := fmt.Sprintf("/w/demo/comments/%d", first)
	wantStatus(t, pm.get(editPath), http.StatusOK)
	wantRedirect(t, pm.post(editPath, url.Values{"body": {"Can the billing load double by March?"}, "version": {"1"}}), epicPath+"#comment-")
	res = pm.post(editPath, url.Values{"body": {"My stale text"}, "version": {"1"}})
	wantStatus(t, res, http.StatusConflict)
	d := res.doc(t)
	if got, _ := d.Find("textarea[name=body]").Html(); !strings.Contains(got, "My stale text") {
		t.Fatalf("the user's text is not kept: %q", got)
	}
	if got := text(t, d, "[data-testid=conflict-theirs]"); got != "Can the billing load double by March?" {
		t.Fatalf("theirs %q", got)
	}
	// Someone else's comment: 403.
	wantStatus(t, arch.post(editPath, url.Values{"body": {"hijack"}, "version": {"2"}}), http.StatusForbidden)
	doc = pm.get(epicPath).doc(t)
	if doc.Find("[data-testid=comment-edited]").Length() != 1 {
		t.Fatal("the edited comment is not marked edited")
	}
	if !strings.Contains(doc.Find("[data-testid=epic-history]").Text(), "Can the **billing load** double?") &&
		!strings.Contains(doc.Find("[data-testid=epic-history]").Text(), "Can the billing load double?") {
		t.Fatalf("the earlier text is not in the history: %s", doc.Find("[data-testid=epic-history]").Text())
	}

	// Resolve and reopen.
	wantRedirect(t, arch.post(fmt.Sprintf("/w/demo/comments/%d/resolve", first), url.Values{"resolved": {"1"}}), epicPath+"#comment-")
	if pm.get(epicPath).doc(t).Find("[data-testid=thread-resolved]").Length() != 1 {
		t.Fatal("not shown resolved")
	}

	// Delete: not someone else's (unless owner); a tombstone stays.
	reply := app.id(`SELECT id FROM comments WHERE parent_id = $1`, first)
	wantStatus(t, pm.post(fmt.Sprintf("/w/demo/comments/%d/delete", reply), url.Values{"version": {"1"}}), http.StatusForbidden)
	owner := app.signIn(demoEmail(sightline.RoleOwner))
	wantRedirect(t, owner.post(fmt.Sprintf("/w/demo/comments/%d/delete", reply), url.Values{"version": {"1"}}), epicPath+"#comment-")
	doc = pm.get(epicPath).doc(t)
	if doc.Find("[data-testid=reply] [data-testid=comment-deleted]").Length() != 1 || strings.Contains(doc.Text(), "Following this.") {
		t.Fatal("no tombstone, or the deleted text still shows")
	}

	// Every kind of item page shows its comments section.
	for _, p := range []string{
		fmt.Sprintf("/w/demo/pains/%d", app.id(`SELECT id FROM pain_notes WHERE workspace_id = $1 LIMIT 1`, ws)),
		fmt.Sprintf("/w/demo/shifts/%d", app.id(`SELECT id FROM strategy_shifts WHERE workspace_id = $1 LIMIT 1`, ws)),
		fmt.Sprintf("/w/demo/initiatives/%d", app.id(`SELECT id FROM initiatives WHERE workspace_id = $1 LIMIT 1`, ws)),
		fmt.Sprintf("/w/demo/goals/%d", app.id(`SELECT id FROM goals WHERE workspace_id = $1 LIMIT 1`, ws)),
		fmt.Sprintf("/w/demo/architecture/%d", app.id(`SELECT id FROM arch_items WHERE workspace_id = $1 LIMIT 1`, ws)),
		fmt.Sprintf("/w/demo/concerns/%d", app.id(`SELECT id FROM nfr_concerns WHERE workspace_id = $1 LIMIT 1`, ws)),
		fmt.Sprintf("/w/demo/decisions/%d", app.id(`SELECT number FROM decisions WHERE workspace_id = $1 LIMIT 1`, ws)),
		fmt.Sprintf("/w/demo/roadmap/%d", app.id(`SELECT id FROM roadmap_items WHERE workspace_id = $1 LIMIT 1`, ws)),
	} {
		if viewer.get(p).doc(t).Find("[data-testid=comments] [data-testid=comment-form]").Length() != 1 {
			t.Errorf("%s has no comment form for a viewer", p)
		}
	}

	// A comment on another workspace's item is a 404, and writes nothing.
	other, _ := app.otherWorkspace("rival", "Rival", "rival-owner@example.com", "Rita Rival")
	foreign := app.id(`INSERT INTO goals (workspace_id, title, metric, baseline, target, current_value) VALUES ($1, 'Theirs', 'm', 0, 1, 0) RETURNING id`, other.ID)
	wantStatus(t, pm.post(fmt.Sprintf("/w/demo/items/goal/%d/comments", foreign), url.Values{"body": {"x"}}), http.StatusNotFound)
	wantStatus(t, pm.post(fmt.Sprintf("/w/demo/items/user/%d/comments", epic), url.Values{"body": {"x"}}), http.StatusNotFound)
	if n := app.id(`SELECT count(*) FROM comments WHERE item_id = $1 AND item_type = 'goal'`, foreign); n != 0 {
		t.Fatalf("%d comments written on a foreign goal", n)
	}
}

func TestListsShowCommentCounts(t *testing.T) {
	app := newTestApp(t)
	ws := app.demoID()
	number := app.id(`SELECT number FROM decisions WHERE workspace_id = $1 ORDER BY number LIMIT 1`, ws)
	decision := app.id(`SELECT id FROM decisions WHERE workspace_id = $1 AND number = $2`, ws, number)
	pain := app.id(`SELECT id FROM pain_notes WHERE workspace_id = $1 ORDER BY heard_on DESC, id DESC LIMIT 1`, ws)
	eng := app.signIn(demoEmail(sightline.RoleEngineer))
	for range 2 {
		wantRedirect(t, eng.post(fmt.Sprintf("/w/demo/items/decision/%d/comments", decision), url.Values{"body": {"Why not a queue?"}}), "/w/demo/decisions/")
	}
	wantRedirect(t, eng.post(fmt.Sprintf("/w/demo/items/pain/%d/comments", pain), url.Values{"body": {"Heard this twice."}}), "/w/demo/pains/")
	doc := eng.get("/w/demo/decisions").doc(t)
	if got := text(t, doc, fmt.Sprintf("[data-testid=decision-row][data-number='%d'] [data-testid=row-comment-count]", number)); got != "· 2 comments" {
		t.Fatalf("decision log count %q", got)
	}
	if n := doc.Find("[data-testid=row-comment-count]").Length(); n != 1 {
		t.Fatalf("%d decisions show a count, want 1", n)
	}
	// Goals, initiatives, the NFR register, the architecture tree and the roadmap's items count too.
	for _, c := range []struct{ kind, table, list, row, attr string }{
		{"goal", "goals", "/w/demo/goals", "goal", "data-goal-id"},
		{"initiative", "initiatives", "/w/demo/initiatives", "initiative", "data-initiative-id"},
		{"concern", "nfr_concerns", "/w/demo/concerns", "concern", "data-concern-id"},
		{"arch_item", "arch_items", "/w/demo/architecture", "arch-node", "data-item-id"},
		{"roadmap_item", "roadmap_items", "/w/demo/roadmap", "roadmap-item", "data-roadmap-item-id"},
	} {
		id := app.id(`SELECT id FROM `+c.table+` WHERE workspace_id = $1 ORDER BY id LIMIT 1`, ws)
		wantStatus(t, eng.post(fmt.Sprintf("/w/demo/items/%s/%d/comments", c.kind, id), url.Values{"body": {"A question."}}), http.StatusSeeOther)
		d := eng.get(c.list).doc(t)
		if got := text(t, d, fmt.Sprintf("[data-testid=%s][%s='%d'] [data-testid=row-comment-count]", c.row, c.attr, id)); got != "· 1 comment" {
			t.Errorf("%s count %q", c.list, got)
		}
		if n := d.Find("[data-testid=row-comment-count]").Length(); n != 1 {
			t.Errorf("%s: %d rows show a count, want 1", c.list, n)
		}
	}
	doc = eng.get("/w/demo/pains").doc(t)
	if got := text(t, doc, fmt.Sprintf("[data-testid=pain-item][data-pain-id='%d'] [data-testid=row-comment-count]", pain)); got != "· 1 comment" {
		t.Fatalf("pain list count %q", got)
	}
}

func TestMentionsLandInTheInbox(t *testing.T) {
	app := newTestApp(t)
	ws := app.demoID()
	epic := app.id(`SELECT id FROM epics WHERE workspace_id = $1 ORDER BY id LIMIT 1`, ws)
	pm, arch := app.signIn(demoEmail(sightline.RolePM)), app.signIn(demoEmail(sightline.RoleArchitect))
	if n := arch.get("/w/demo").doc(t).Find("[data-testid=inbox-unread]").Length(); n != 0 {
		t.Fatal("an unread badge before any mention")
	}
	wantRedirect(t, pm.post(fmt.Sprintf("/w/demo/items/epic/%d/comments", epic), url.Values{"body": {"@arjun can you check the billing load? cc @nobody"}}), "/w/demo/epics/")
	comment := app.id(`SELECT max(id) FROM comments WHERE workspace_id = $1`, ws)
	doc := arch.get("/w/demo/strategy").doc(t)
	if got := text(t, doc, "[data-testid=inbox-unread]"); got != "1 unread" {
		t.Fatalf("nav badge %q", got)
	}
	doc = arch.get("/w/demo/inbox").doc(t)
	if got := text(t, doc, "[data-testid=my-handle]"); got != "@arjun" {
		t.Fatalf("handle %q", got)
	}
	href, _ := doc.Find("[data-testid=inbox-entry][data-read=false] [data-testid=inbox-link]").Attr("href")
	if want := fmt.Sprintf("/w/demo/epics/%d#comment-%d", epic, comment); href != want {
		t.Fatalf("entry links to %q, want %q", href, want)
	}
	// The PM, who wrote it, has nothing; marking all read clears the badge.
	if pm.get("/w/demo/inbox").doc(t).Find("[data-testid=inbox-entry][data-kind=mention]").Length() != 0 {
		t.Fatal("the author is notified of their own mention")
	}
	wantRedirect(t, arch.post("/w/demo/inbox/read", nil), "/w/demo/inbox")
	if arch.get("/w/demo/inbox").doc(t).Find("[data-testid=inbox-unread]").Length() != 0 {
		t.Fatal("still unread after marking all read")
	}
}

func TestHandleChangeOnTheAccountPage(t *testing.T) {
	app := newTestApp(t)
	arch := app.signIn(demoEmail(sightline.RoleArchitect))
	doc := arch.get("/account").doc(t)
	if v, _ := doc.Find("#handle-demo-handle").Attr("value"); v != "arjun" {
		t.Fatalf("handle field %q", v)
	}
	// Taken by the PM (priya) in this workspace: refused next to the field, input kept.
	res := arch.post("/w/demo/handle", url.Values{"handle": {"@Priya"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	if got := text(t, d, "[data-testid=handle-form-demo] [data-testid=err-handle]"); got != "Someone in this workspace already has this handle." {
		t.Fatalf("message %q", got)
	}
	if v, _ := d.Find("#handle-demo-handle").Attr("value"); v != "@Priya" {
		t.Fatalf("input not kept: %q", v)
	}
	wantStatus(t, arch.post("/w/demo/handle", url.Values{"handle": {"no spaces"}}), http.StatusUnprocessableEntity)
	wantRedirect(t, arch.post("/w/demo/handle", url.Values{"handle": {"@Arjun.A"}}), "/account")
	// The new handle is the one mentions use.
	epic := app.id(`SELECT id FROM epics WHERE workspace_id = $1 ORDER BY id LIMIT 1`, app.demoID())
	pm := app.signIn(demoEmail(sightline.RolePM))
	wantRedirect(t, pm.post(fmt.Sprintf("/w/demo/items/epic/%d/comments", epic), url.Values{"body": {"@arjun.a please look"}}), "/w/demo/epics/")
	if got := text(t, arch.get("/w/demo/inbox").doc(t), "[data-testid=my-handle]"); got != "@arjun.a" {
		t.Fatalf("handle on the inbox %q", got)
	}
	if arch.get("/w/demo/inbox").doc(t).Find("[data-testid=inbox-entry][data-kind=mention]").Length() != 1 {
		t.Fatal("the mention of the new handle did not arrive")
	}
}
