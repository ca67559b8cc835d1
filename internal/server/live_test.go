package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/sightline"
)

// sseEvent is one message of an event stream.
type sseEvent struct {
	ID, Name string
	Data     struct {
		ID    int64  `json:"id"`
		Kind  string `json:"kind"`
		Type  string `json:"type"`
		Item  int64  `json:"item"`
		Actor int64  `json:"actor"`
	}
}

// eventStream is an open GET /w/{ws}/events, read in the background.
type eventStream struct {
	t      testing.TB
	events chan sseEvent
	ended  chan struct{} // the server ended the stream
	cancel context.CancelFunc
}

// stream opens the event stream at path (resuming after lastID if set) and
// fails the test unless it is one.
func (c *client) stream(path, lastID string) *eventStream {
	c.app.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", c.app.ts.URL+path, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := c.http.Do(req)
	if err != nil {
		cancel()
		c.app.t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		res.Body.Close()
		c.app.t.Fatalf("GET %s: %d %s, want an event stream", path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	s := &eventStream{t: c.app.t, events: make(chan sseEvent, 1000), ended: make(chan struct{}), cancel: cancel}
	c.app.t.Cleanup(cancel)
	go func() {
		defer close(s.ended)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		var ev sseEvent
		var data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.Name != "" {
					_ = json.Unmarshal([]byte(data), &ev.Data)
					s.events <- ev
				}
				ev, data = sseEvent{}, ""
			case strings.HasPrefix(line, "id: "):
				ev.ID = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				ev.Name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return s
}

// waitFor returns the first event named name within d, and the events
// that came before it; it fails the test if none comes.
func (s *eventStream) waitFor(name string, d time.Duration) (sseEvent, []sseEvent) {
	s.t.Helper()
	var before []sseEvent
	deadline := time.After(d)
	for {
		select {
		case ev := <-s.events:
			if ev.Name == name {
				return ev, before
			}
			before = append(before, ev)
		case <-s.ended:
			s.t.Fatalf("the stream ended while waiting for %q (got %v)", name, before)
		case <-deadline:
			s.t.Fatalf("no %q event within %s (got %v)", name, d, before)
		}
	}
}

// live is two app instances on one database, each listening for events.
type liveWorld struct {
	a, b   *testApp
	bDB    *postgres.DB
	epicID int64
	owner  *sightline.User
}

func newLiveWorld(t *testing.T) *liveWorld {
	t.Helper()
	dbA := pgtest.NewDB(t)
	if err := seed.Demo(context.Background(), dbA, password.Fast); err != nil {
		t.Fatal(err)
	}
	dbB, err := postgres.Open(context.Background(), dbA.Pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dbB.Close)
	w := &liveWorld{a: newTestAppOn(t, dbA), b: newTestAppOn(t, dbB), bDB: dbB}
	for _, app := range []*testApp{w.a, w.b} {
		select {
		case <-app.srv.LiveReady():
		case <-time.After(10 * time.Second):
			t.Fatal("the instance does not listen for events")
		}
	}
	w.epicID = w.a.id(`SELECT id FROM epics WHERE workspace_id = (SELECT id FROM workspaces WHERE slug = $1) ORDER BY id LIMIT 1`, seed.DemoSlug)
	w.owner = mustUser(t, w.a, demoEmail(sightline.RoleOwner))
	return w
}

// TestLiveCommentReachesTheOtherInstance: a comment posted through
// instance A reaches a stream open on instance B, as a thread event on the
// epic's page and an inbox event for the member it mentions, and B's
// fragments then show it.
func TestLiveCommentReachesTheOtherInstance(t *testing.T) {
	w := newLiveWorld(t)
	arch := w.b.signIn(demoEmail(sightline.RoleArchitect))
	handle := w.b.demoHandle(demoEmail(sightline.RoleArchitect))
	s := arch.stream(paths.Events(seed.DemoSlug, paths.Live{ItemType: "epic", ItemID: w.epicID}), "")

	pm := w.a.signIn(demoEmail(sightline.RolePM))
	res := pm.post(paths.ItemComments(seed.DemoSlug, "epic", w.epicID), url.Values{"body": {"@" + handle + " can you check the billing load?"}})
	wantStatus(t, res, http.StatusSeeOther)

	thread, before := s.waitFor("thread", 5*time.Second)
	if !slices.ContainsFunc(before, func(e sseEvent) bool { return e.Name == "inbox" }) {
		s.waitFor("inbox", 5*time.Second)
	}
	if thread.Data.Kind != "comment.added" || thread.Data.Type != "epic" || thread.Data.Item != w.epicID {
		t.Errorf("thread event %+v, want comment.added on epic %d", thread.Data, w.epicID)
	}
	// The payload carries ids, never the text.
	if b, _ := json.Marshal(thread.Data); strings.Contains(string(b), "billing") {
		t.Errorf("event carries content: %s", b)
	}
	frag := arch.get(paths.ItemComments(seed.DemoSlug, "epic", w.epicID))
	wantStatus(t, frag, http.StatusOK)
	if !strings.Contains(frag.body, "can you check the billing load?") || strings.Contains(frag.body, "<html") {
		t.Errorf("the comments fragment lacks the comment or is a whole page:\n%.1500s", frag.body)
	}
	badge := arch.get(paths.InboxBadge(seed.DemoSlug))
	if got := strings.TrimSpace(badge.doc(t).Find(`[data-testid=inbox-unread]`).Contents().First().Text()); got != "1" {
		t.Errorf("inbox badge shows %q, want 1:\n%s", got, badge.body)
	}
}

func (a *testApp) demoHandle(email string) string {
	a.t.Helper()
	var h string
	if err := a.db.Pool.QueryRow(context.Background(), `
		SELECT m.handle FROM memberships m JOIN users u ON u.id = m.user_id JOIN workspaces w ON w.id = m.workspace_id
		WHERE u.email = $1 AND w.slug = $2`, email, seed.DemoSlug).Scan(&h); err != nil {
		a.t.Fatal(err)
	}
	return h
}

// TestLiveStreamsStayInTheirWorkspace: a member of another workspace,
// streaming on the same instance, never receives an event of the demo
// workspace, and receives their own.
func TestLiveStreamsStayInTheirWorkspace(t *testing.T) {
	w := newLiveWorld(t)
	ctx := context.Background()
	hash := mustUser(t, w.a, demoEmail(sightline.RolePM)).PasswordHash
	oscar, err := w.a.db.CreateUser(ctx, postgres.Actor{}, "oscar@example.com", "Oscar Outsider", hash, "", "")
	if err != nil {
		t.Fatal(err)
	}
	globex, err := w.a.db.CreateWorkspace(ctx, postgres.Actor{UserID: oscar.ID}, "globex", "Globex")
	if err != nil {
		t.Fatal(err)
	}
	var globexEpic int64
	if err := w.a.db.Pool.QueryRow(ctx, `INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', 'Theirs', 'p') RETURNING id`, globex.ID).Scan(&globexEpic); err != nil {
		t.Fatal(err)
	}
	outsider := w.b.signIn("oscar@example.com")
	s := outsider.stream(paths.Events("globex", paths.Live{Topics: []string{"activity", "epics"}}), "")
	// The demo workspace's stream is not theirs, and a demo member cannot
	// follow a Globex item from the demo workspace's stream.
	wantStatus(t, outsider.get(paths.Events(seed.DemoSlug)), http.StatusNotFound)
	demoPM := w.b.signIn(demoEmail(sightline.RolePM))
	wantStatus(t, demoPM.get(paths.Events(seed.DemoSlug, paths.Live{ItemType: "epic", ItemID: globexEpic})), http.StatusNotFound)
	wantStatus(t, demoPM.get(paths.Events(seed.DemoSlug)+"?item=user:1"), http.StatusUnprocessableEntity)
	wantStatus(t, demoPM.get(paths.Events(seed.DemoSlug)+"?topic=secrets"), http.StatusUnprocessableEntity)

	pm := w.a.signIn(demoEmail(sightline.RolePM))
	wantStatus(t, pm.post(paths.ItemComments(seed.DemoSlug, "epic", w.epicID), url.Values{"body": {"@oscar a secret of demo"}}), http.StatusSeeOther)
	if _, err := w.a.db.AddComment(ctx, postgres.Actor{UserID: oscar.ID}, globex.ID, "epic", globexEpic, nil, "ours"); err != nil {
		t.Fatal(err)
	}
	var got []sseEvent
	for {
		ev, before := s.waitFor("activity", 5*time.Second)
		got = append(append(got, before...), ev)
		if ev.Data.Kind == "comment.added" && ev.Data.Item == globexEpic {
			break
		}
	}
	for _, e := range got {
		if e.Data.Kind == "comment.added" && e.Data.Item != globexEpic || e.Data.Type == "epic" && e.Data.Item == w.epicID {
			t.Errorf("the Globex stream got an event of the demo workspace: %+v", e)
		}
	}
}

// TestLiveRemovedMemberLosesTheStream: a member removed through instance A
// loses their stream on instance B within a second; the stream says why,
// and reopening it is a 404.
func TestLiveRemovedMemberLosesTheStream(t *testing.T) {
	w := newLiveWorld(t)
	eng := w.b.signIn(demoEmail(sightline.RoleEngineer))
	s := eng.stream(paths.Events(seed.DemoSlug, paths.Live{ItemType: "epic", ItemID: w.epicID}), "")
	// Presence is in place once the page's own join is announced.
	s.waitFor("presence", 5*time.Second)

	ctx := context.Background()
	ws, _, err := w.a.db.WorkspaceForMember(ctx, seed.DemoSlug, w.owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	members, err := w.a.db.ListMembers(ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	var target *sightline.Membership
	for i, m := range members {
		if m.Role == sightline.RoleEngineer {
			target = &members[i]
		}
	}
	start := time.Now()
	if err := w.a.db.RemoveMember(ctx, postgres.Actor{UserID: w.owner.ID}, ws.ID, target.ID, target.Version); err != nil {
		t.Fatal(err)
	}
	s.waitFor("close", time.Second)
	select {
	case <-s.ended:
	case <-time.After(time.Second):
		t.Fatal("the removed member's stream is still open")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the stream ended %s after the removal, want within a second", d)
	}
	wantStatus(t, eng.get(paths.Events(seed.DemoSlug)), http.StatusNotFound)
	// Their presence went with them.
	var n int
	if err := w.a.db.Pool.QueryRow(ctx, `SELECT count(*) FROM presence WHERE user_id = $1`, target.UserID).Scan(&n); err != nil || n != 0 {
		t.Errorf("presence rows of the removed member: %d (%v)", n, err)
	}
}

// TestLiveListenerRestartLosesNothing: while instance B's listening
// connection is down, comments are posted through A; once B reconnects it
// delivers every one of them, in order, to its stream. Then a stream that
// dropped resumes from its Last-Event-ID without a gap, on an instance
// that remembers the events and on a fresh one that reads them from the
// store.
func TestLiveListenerRestartLosesNothing(t *testing.T) {
	w := newLiveWorld(t)
	ctx := context.Background()
	arch := w.b.signIn(demoEmail(sightline.RoleArchitect))
	path := paths.Events(seed.DemoSlug, paths.Live{ItemType: "epic", ItemID: w.epicID})
	s := arch.stream(path, "")
	s.waitFor("presence", 5*time.Second)

	held := make(chan struct{})
	release := make(chan struct{})
	var holds atomic.Int32
	w.bDB.BeforeListen = func(ctx context.Context) {
		if holds.Add(1) == 1 {
			close(held)
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
	}
	if _, err := w.a.db.Pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = 'sightline-listen' AND datname = current_database()`); err != nil {
		t.Fatal(err)
	}
	select {
	case <-held:
	case <-time.After(10 * time.Second):
		t.Fatal("instance B did not notice its lost connection")
	}
	pm := w.a.signIn(demoEmail(sightline.RolePM))
	for i := range 3 {
		wantStatus(t, pm.post(paths.ItemComments(seed.DemoSlug, "epic", w.epicID), url.Values{"body": {fmt.Sprintf("while B was away %d", i)}}), http.StatusSeeOther)
	}
	close(release)
	var ids []string
	for range 3 {
		ev, _ := s.waitFor("thread", 10*time.Second)
		ids = append(ids, ev.ID)
	}
	var want []string
	rows, err := w.a.db.Pool.Query(ctx, `SELECT id::text FROM events WHERE kind = 'comment.added' ORDER BY id DESC LIMIT 3`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		_ = rows.Scan(&id)
		want = append([]string{id}, want...)
	}
	if strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Errorf("after the reconnect B delivered %v, want %v", ids, want)
	}

	// The page drops its stream; two more comments; it comes back with
	// its Last-Event-ID, to A (which remembers) and to a fresh instance C
	// (which reads the gap from the store).
	s.cancel()
	last := ids[len(ids)-1]
	for i := range 2 {
		wantStatus(t, pm.post(paths.ItemComments(seed.DemoSlug, "epic", w.epicID), url.Values{"body": {fmt.Sprintf("while the page was away %d", i)}}), http.StatusSeeOther)
	}
	archA := w.a.signIn(demoEmail(sightline.RoleArchitect))
	c := newTestAppOn(t, w.a.db)
	archC := c.signIn(demoEmail(sightline.RoleArchitect))
	for name, cl := range map[string]*client{"A": archA, "C": archC} {
		r := cl.stream(path, last)
		first, _ := r.waitFor("thread", 5*time.Second)
		second, _ := r.waitFor("thread", 5*time.Second)
		if num(first.ID) <= num(last) || num(second.ID) <= num(first.ID) {
			t.Errorf("resumed on %s after %s: got %s then %s", name, last, first.ID, second.ID)
		}
		r.cancel()
	}
}

func num(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// TestMentionsLinkToMembers: "@handle" of a member renders as a link to
// their page, in comments and in an epic's problem; another workspace's
// member's handle and an unknown one stay text; the member's page shows
// who they are.
func TestMentionsLinkToMembers(t *testing.T) {
	app := newTestApp(t)
	app.otherWorkspace("globex", "Globex", "gina@example.com", "Gina Globex")
	pm := app.signIn(demoEmail(sightline.RolePM))
	epicID := app.id(`SELECT id FROM epics ORDER BY id LIMIT 1`)
	wantStatus(t, pm.post(paths.ItemComments(seed.DemoSlug, "epic", epicID), url.Values{"body": {"@arjun and @gina and @nobody, look"}}), http.StatusSeeOther)
	d := pm.get(paths.Epic(seed.DemoSlug, epicID)).doc(t)
	links := d.Find(`[data-testid=comment-text] a.mention`)
	if links.Length() != 1 || links.Text() != "@arjun" {
		t.Fatalf("mention links %d %q, want only @arjun", links.Length(), links.Text())
	}
	if href, _ := links.Attr("href"); href != paths.Member(seed.DemoSlug, "arjun") {
		t.Errorf("@arjun links to %q", href)
	}
	page := pm.get(paths.Member(seed.DemoSlug, "arjun"))
	wantStatus(t, page, http.StatusOK)
	if got := text(t, page.doc(t), "[data-testid=member-name]"); got != "Arjun Architect" {
		t.Errorf("member page shows %q", got)
	}
	wantStatus(t, pm.get(paths.Member(seed.DemoSlug, "gina")), http.StatusNotFound)

	// The "@" suggestions: members whose handle starts so or whose name
	// holds it, as JSON; another workspace's people never.
	var got []struct{ Handle, Name, Role string }
	res := pm.get(paths.Handles(seed.DemoSlug, paths.Values{"q": {"@Ar"}}))
	wantStatus(t, res, http.StatusOK)
	if err := json.Unmarshal([]byte(res.body), &got); err != nil || len(got) == 0 || got[0].Handle != "arjun" || got[0].Name != "Arjun Architect" {
		t.Fatalf("suggestions for @Ar: %s (%v)", res.body, err)
	}
	res = pm.get(paths.Handles(seed.DemoSlug, paths.Values{"q": {"gi"}}))
	if err := json.Unmarshal([]byte(res.body), &got); err != nil || slices.ContainsFunc(got, func(s struct{ Handle, Name, Role string }) bool { return s.Handle == "gina" }) {
		t.Fatalf("suggestions reach another workspace: %s", res.body)
	}
	if res := pm.get(paths.Handles(seed.DemoSlug, paths.Values{"q": {"%_"}})); res.body != "[]\n" {
		t.Errorf("LIKE wildcards are not escaped: %s", res.body)
	}
}

// TestPresenceAcrossInstances: a page open on instance A shows on B's
// presence list as "is here", then "is editing" once its person types,
// and is gone as soon as the page closes.
func TestPresenceAcrossInstances(t *testing.T) {
	w := newLiveWorld(t)
	arch := w.b.signIn(demoEmail(sightline.RoleArchitect))
	pm := w.a.signIn(demoEmail(sightline.RolePM))
	item := paths.Live{ItemType: "epic", ItemID: w.epicID}
	watcher := arch.stream(paths.Events(seed.DemoSlug, item), "")
	watcher.waitFor("presence", 5*time.Second) // its own arrival
	presence := func() string {
		res := arch.get(paths.ItemPresence(seed.DemoSlug, "epic", w.epicID))
		wantStatus(t, res, http.StatusOK)
		return strings.Join(strings.Fields(res.doc(t).Find("[data-testid=presence-person]").Text()), " ")
	}
	if got := presence(); got != "" {
		t.Fatalf("presence before anyone else came: %q", got)
	}
	s := pm.stream(paths.Events(seed.DemoSlug, item), "")
	watcher.waitFor("presence", 5*time.Second)
	if got := presence(); got != "PP Priya PM is here" {
		t.Fatalf("presence with the PM's page open: %q", got)
	}
	wantStatus(t, pm.post(paths.ItemPresence(seed.DemoSlug, "epic", w.epicID), nil), http.StatusNoContent)
	watcher.waitFor("presence", 5*time.Second)
	if got := presence(); got != "PP Priya PM is editing" {
		t.Fatalf("presence once the PM types: %q", got)
	}
	s.cancel()
	watcher.waitFor("presence", 5*time.Second)
	if got := presence(); got != "" {
		t.Fatalf("presence after the PM's page closed: %q", got)
	}
}

// TestLiveTopicsAcrossInstances: the dashboard's and strategy page's
// stream (shifts, activity) hears of a shift logged and then acknowledged
// through the other instance; the backlog's (epics) of an estimate; and
// the regions those pages mark to refresh are there, pointing at the
// page itself.
func TestLiveTopicsAcrossInstances(t *testing.T) {
	w := newLiveWorld(t)
	ctx := context.Background()
	viewer := w.b.signIn(demoEmail(sightline.RoleViewer))
	dash := viewer.stream(paths.Events(seed.DemoSlug, paths.Live{Topics: []string{"shifts", "activity"}}), "")
	backlog := viewer.stream(paths.Events(seed.DemoSlug, paths.Live{Topics: []string{"epics"}}), "")

	pm := w.a.signIn(demoEmail(sightline.RolePM))
	res := pm.post(paths.Shifts(seed.DemoSlug), url.Values{"title": {"Enterprise first"}, "narrative": {"@arjun this moves the NFRs"},
		"from_phase": {"growth"}, "to_phase": {"stability"}, "shifted_on": {"2026-12-01"}})
	wantStatus(t, res, http.StatusSeeOther)
	ev, _ := dash.waitFor("shifts", 5*time.Second)
	if ev.Data.Kind != "shift.logged" {
		t.Fatalf("shifts event %+v", ev.Data)
	}
	arch := w.a.signIn(demoEmail(sightline.RoleArchitect))
	wantStatus(t, arch.post(paths.ShiftAck(seed.DemoSlug, ev.Data.Item), url.Values{"assessment": {"Tenant isolation first."}}), http.StatusSeeOther)
	for {
		e, _ := dash.waitFor("shifts", 5*time.Second)
		if e.Data.Kind == "shift.acknowledged" {
			break
		}
	}
	e, err := w.a.db.EpicByID(ctx, w.a.id(`SELECT workspace_id FROM epics WHERE id = $1`, w.epicID), w.epicID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.db.EstimateEpic(ctx, postgres.Actor{UserID: mustUser(t, w.a, demoEmail(sightline.RoleEngineer)).ID}, e.WorkspaceID, w.epicID, e.Version, "S", "Small."); err != nil {
		t.Fatal(err)
	}
	if ev, _ := backlog.waitFor("epics", 5*time.Second); ev.Data.Kind != "epic.estimated" || ev.Data.Item != w.epicID {
		t.Fatalf("epics event %+v", ev.Data)
	}
	for page, region := range map[string]string{
		paths.Workspace(seed.DemoSlug): "#dash-shifts-live", paths.Strategy(seed.DemoSlug): "#shift-log-live", paths.Epics(seed.DemoSlug): "#backlog-live",
	} {
		d := viewer.get(page).doc(t)
		r := d.Find(region)
		if get, _ := r.Attr("hx-get"); get != page {
			t.Errorf("%s: region %s reloads %q, want the page itself", page, region, get)
		}
		if sel, _ := r.Attr("hx-select"); sel != region {
			t.Errorf("%s: region %s selects %q", page, region, sel)
		}
		if src, _ := d.Find("body").Attr("sse-connect"); !strings.HasPrefix(src, paths.Events(seed.DemoSlug)) {
			t.Errorf("%s: the page's stream is %q", page, src)
		}
	}
}

// TestLiveRefreshLeavesTheFlash: a fragment's refresh that lands between a
// save and the page it redirects to does not take that page's message.
func TestLiveRefreshLeavesTheFlash(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn(demoEmail(sightline.RolePM))
	epic := app.id(`SELECT id FROM epics ORDER BY id LIMIT 1`)
	wantStatus(t, pm.post(paths.ItemComments(seed.DemoSlug, "epic", epic), url.Values{"body": {"Posted."}}), http.StatusSeeOther)
	req, _ := http.NewRequest("GET", app.ts.URL+paths.Epics(seed.DemoSlug), nil)
	req.Header.Set("HX-Request", "true")
	pm.do(req)
	if got := text(t, pm.get(paths.Epic(seed.DemoSlug, epic)).doc(t), "[data-testid=flash]"); got != "Comment posted." {
		t.Fatalf("flash %q after a live refresh came first", got)
	}
}
