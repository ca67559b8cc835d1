package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
)

// TestLiveCollaboration is issue 10's journey in two browsers (two
// separate Chromium profiles, so two people): the architect has the
// billing epic open; the PM, on the same epic, asks "@arjun can you check
// the billing load?"; the architect's page shows the comment, the PM's
// presence and the inbox badge going up, without a reload; the architect
// replies and the PM's open page shows the reply, again without a reload.
func TestLiveCollaboration(t *testing.T) {
	chromium := findChromium(t)
	base, db := startAppDB(t)
	var epicID int64
	if err := db.Pool.QueryRow(context.Background(), `SELECT e.id FROM epics e JOIN workspaces w ON w.id = e.workspace_id
		WHERE w.slug = $1 AND e.title = 'Usage-based billing engine'`, seed.DemoSlug).Scan(&epicID); err != nil {
		t.Fatal(err)
	}
	epicURL := base + paths.Epic(seed.DemoSlug, epicID)

	arch := newBrowser(t, chromium)
	signIn(arch, base, demoArchitectEmail, demoArchitectName)
	arch.do("open the billing epic as the architect", chromedp.Navigate(epicURL), chromedp.WaitVisible(testID("comments")))
	// A mark on the page's window: it survives only if the page is never reloaded.
	run(arch, "mark the architect's page", chromedp.Evaluate[string](`window.sightlineMark = "still here"`))
	arch.do("wait for the page's stream", chromedp.WaitReady(`body[sse-connect]`))
	arch.do("no unread yet", chromedp.WaitNotPresent(testID("inbox-unread")))

	pm := newBrowser(t, chromium)
	signIn(pm, base, demoPMEmail, demoPMName)
	pm.do("open the billing epic as the PM", chromedp.Navigate(epicURL), chromedp.WaitVisible(testID("comments")))
	// The "@" suggestions: typing "@arj" offers Arjun; a click takes it.
	pm.do("start a mention", chromedp.SendKeys(chromedp.ID("comment-body"), "@arj"))
	wantContains(t, "the mention suggestions", pm.text("the suggestions appear", testID("mention-suggest")), "@arjun", "Arjun Architect")
	pm.do("take the suggestion", chromedp.Click(testID("mention-suggest")+` [role=option]`))
	pm.do("write the question", chromedp.SendKeys(chromedp.ID("comment-body"), "can you check the billing load?"))
	if v := run(pm, "read the question", chromedp.Value(chromedp.ID("comment-body"))); v != "@arjun can you check the billing load?" {
		t.Fatalf("the comment field holds %q after taking the suggestion", v)
	}
	pm.follow("post the question", chromedp.Click(testID("comment-form")+` button[type="submit"]`))
	run(pm, "mark the PM's page", chromedp.Evaluate[string](`window.sightlineMark = "still here"`))

	// The architect's open page, live.
	got := arch.text("the question arrives on the architect's page", testID("thread")+" "+testID("comment-text"))
	wantContains(t, "the live comment", got, "can you check the billing load?")
	if href := run(arch, "read the mention's link", chromedp.AttributeValue(testID("thread")+" "+testID("comment-text")+" a.mention", "href")).Value; href != paths.Member(seed.DemoSlug, "arjun") {
		t.Errorf("the mention links to %q, want the architect's page", href)
	}
	if n := arch.text("the inbox badge goes up", testID("inbox-unread")); !strings.HasPrefix(n, "1") {
		t.Errorf("inbox badge = %q, want 1", n)
	}
	wantContains(t, "presence on the architect's page", arch.text("the PM shows as here", testID("presence-person")), "Priya PM is here")
	if mark := run(arch, "the architect's page was not reloaded", chromedp.Evaluate[string](`window.sightlineMark || ""`)); mark != "still here" {
		t.Fatal("the architect's page was reloaded: the update was not live")
	}

	// The architect replies (a form post: their own page reloads); the PM's page shows it live.
	answer := "Yes, once metering is idempotent."
	arch.do("open the reply form", chromedp.Click(testID("thread")+` details.reply-form summary`))
	arch.do("write the reply", chromedp.SendKeys(testID("reply-form")+` textarea[name="body"]`, answer))
	arch.follow("post the reply", chromedp.Click(testID("reply-form")+` button[type="submit"]`))

	if got := pm.text("the reply arrives on the PM's page", testID("reply")+" "+testID("comment-text")); got != answer {
		t.Errorf("the live reply = %q, want %q", got, answer)
	}
	if mark := run(pm, "the PM's page was not reloaded", chromedp.Evaluate[string](`window.sightlineMark || ""`)); mark != "still here" {
		t.Fatal("the PM's page was reloaded: the update was not live")
	}

	// The architect is typing a new comment when the PM posts one: the
	// thread is not swapped under the draft, a note says changes wait.
	draft := "Half-written thought"
	arch.do("type a draft", chromedp.WaitVisible(chromedp.ID("comment-body")), chromedp.SendKeys(chromedp.ID("comment-body"), draft))
	pm.do("write another comment", chromedp.SendKeys(chromedp.ID("comment-body"), "One more thing"))
	pm.follow("post it", chromedp.Click(testID("comment-form")+` button[type="submit"]`))
	arch.do("the waiting note shows", chromedp.WaitVisible(testID("live-pending")))
	if v := run(arch, "read the draft", chromedp.Value(chromedp.ID("comment-body"))); v != draft {
		t.Errorf("the draft is %q after a live update, want it kept", v)
	}
	// Someone else changes the epic itself: the architect's page says who, the draft stays.
	ctx := context.Background()
	e, err := db.EpicByID(ctx, epicIDWorkspace(t, db), epicID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.EstimateEpic(ctx, postgres.Actor{UserID: userID(t, db, demoEngineerEmail)}, e.WorkspaceID, epicID, e.Version, "XL", "Metering and invoicing."); err != nil {
		t.Fatal(err)
	}
	wantContains(t, "the changed notice", arch.text("someone changed the epic", testID("changed-notice")), "Emma Engineer changed this epic", "see what changed")
	if v := run(arch, "read the draft again", chromedp.Value(chromedp.ID("comment-body"))); v != draft {
		t.Errorf("the draft is %q after the epic changed, want it kept", v)
	}
}

func epicIDWorkspace(t *testing.T, db *postgres.DB) int64 {
	t.Helper()
	var id int64
	if err := db.Pool.QueryRow(context.Background(), `SELECT id FROM workspaces WHERE slug = $1`, seed.DemoSlug).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func userID(t *testing.T, db *postgres.DB, email string) int64 {
	t.Helper()
	var id int64
	if err := db.Pool.QueryRow(context.Background(), `SELECT id FROM users WHERE email = $1`, email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestPagesInARow walks through more workspace pages than a browser opens
// connections to a host (six). Each page opens an event stream; pages
// carry tags, so the browser may keep the ones it leaves in its
// back/forward cache, and a kept page's stream held a connection until
// the next page waited forever (the accessibility test hung on its 17th
// page). live.js closes the stream when a page is left, and a page brought
// back from that cache reloads: it shows what changed meanwhile.
func TestPagesInARow(t *testing.T) {
	chromium := findChromium(t)
	base, db := startAppDB(t)
	wsID := epicIDWorkspace(t, db)
	epic, err := strconv.ParseInt(demoIDs(t, db)["epic"], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	ws := base + paths.Workspace(seed.DemoSlug)
	b := newBrowser(t, chromium)
	signIn(b, base, demoPMEmail, demoPMName)
	pages := []string{ws, ws + "/strategy", ws + "/goals", ws + "/initiatives", ws + "/epics", ws + "/pains",
		ws + "/roadmap", ws + "/matrix", ws + "/architecture", ws + "/concerns", ws + "/decisions", ws + "/review",
		ws + "/inbox", base + paths.Epic(seed.DemoSlug, epic)}
	for _, p := range pages {
		b.do("open "+p, chromedp.Navigate(p), chromedp.WaitVisible(chromedp.CSS("main")))
	}
	// Mark the page, leave it, come back: the mark is gone (the page was
	// loaded again, not thawed with its old content and a closed stream).
	run(b, "mark the epic page", chromedp.Evaluate[bool](`window.sightlineKept = true`))
	b.do("leave it", chromedp.Navigate(ws+"/epics"), chromedp.WaitVisible(chromedp.CSS("main")))
	b.do("come back", chromedp.NavigateBack(), chromedp.WaitVisible(testID("comments")))
	run(b, "wait for the page to load again", chromedp.Poll[bool](`document.readyState === "complete" && typeof window.sightlineKept === "undefined"`))
	nav := run(b, "how the page came", chromedp.Evaluate[string](`performance.getEntriesByType("navigation")[0].type`))
	t.Logf("the epic page came back by %q", nav)
	// And its stream is open again: another member's comment shows.
	if _, err := db.AddComment(context.Background(), postgres.Actor{UserID: userID(t, db, demoArchitectEmail)}, wsID, "epic", epic, nil, "Seen after coming back."); err != nil {
		t.Fatal(err)
	}
	run(b, "the new comment shows", chromedp.Poll[bool](`document.body.innerText.includes("Seen after coming back.")`))
}
