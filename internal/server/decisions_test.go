package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

// decPropose proposes a decision through the form and returns its page path.
func decPropose(t testing.TB, c *client, title string, extra ...string) string {
	t.Helper()
	vals := url.Values{"title": {title}, "context": {"Billing must count every task update."}, "tradeoff": {"speed vs quality"}}
	for i := 0; i+1 < len(extra); i += 2 {
		vals.Set(extra[i], extra[i+1])
	}
	res := c.post("/w/demo/decisions", vals)
	wantRedirect(t, res, "/w/demo/decisions/")
	return res.Header.Get("Location")
}

// decFormOf reads a form of a page as a browser would submit it.
func decFormOf(t testing.TB, c *client, path, testid string) url.Values {
	t.Helper()
	res := c.get(path)
	wantStatus(t, res, http.StatusOK)
	form := res.doc(t).Find(fmt.Sprintf("form[data-testid=%q]", testid))
	if form.Length() == 0 {
		t.Fatalf("no form %q on %s", testid, path)
	}
	return epFormValues(form)
}

// decStanceVersion is the version the stance form carries for this user.
func decStanceVersion(t testing.TB, c *client, path string) string {
	t.Helper()
	return decFormOf(t, c, path, "stance-form").Get("version")
}

func decStance(t testing.TB, c *client, path, stance, reason string) *response {
	t.Helper()
	return c.post(path+"/stance", url.Values{"stance": {stance}, "reason": {reason}, "version": {decStanceVersion(t, c, path)}})
}

// decAccept accepts a decision through the edit form.
func decAccept(t testing.TB, c *client, path string) {
	t.Helper()
	vals := decFormOf(t, c, path, "edit-form")
	vals.Set("status", "accepted")
	wantRedirect(t, c.post(path, vals), path)
}

func TestDecisionRolesAndProposing(t *testing.T) {
	app := newTestApp(t)
	pm, eng, arch, viewer := app.signIn("pm@example.com"), app.signIn("engineer@example.com"), app.signIn("architect@example.com"), app.signIn("viewer@example.com")

	// The PM proposes; it starts as proposed, with the next number.
	path := decPropose(t, pm, "Meter usage with idempotent events", "options", "1. Poll\n2. Events", "revisit_on", "2030-01-01")
	res := pm.get(path)
	wantStatus(t, res, http.StatusOK)
	d := res.doc(t)
	if got := text(t, d, "h1[data-testid=decision-title]"); got != "Meter usage with idempotent events" {
		t.Fatalf("title %q", got)
	}
	if got := text(t, d, "[data-testid=fact-status]"); got != "Proposed" {
		t.Fatalf("status %q", got)
	}
	number := text(t, d, "[data-testid=decision-number]")
	if !strings.HasPrefix(number, "ADR-") || path != "/w/demo/decisions/"+strings.TrimLeft(strings.TrimPrefix(number, "ADR-"), "0") {
		t.Fatalf("number %q for %s", number, path)
	}
	if d.Find("[data-testid=decision-options] li").Length() != 2 {
		t.Fatal("options are not rendered as markdown")
	}
	// The PM states a stance but neither edits, accepts, supersedes nor links.
	if d.Find("[data-testid=stance-form]").Length() != 1 || d.Find("[data-testid=edit-form]").Length() != 0 || d.Find("[data-testid=supersede-form]").Length() != 0 {
		t.Fatal("the PM sees the wrong forms")
	}
	edit := decFormOf(t, arch, path, "edit-form")
	edit.Set("status", "accepted")
	wantStatus(t, pm.post(path, edit), http.StatusForbidden)
	wantStatus(t, pm.post(path+"/supersede", url.Values{"title": {"Other"}}), http.StatusForbidden)
	wantStatus(t, pm.post(path+"/links", url.Values{"target_type": {"epic"}, "target_id": {"1"}}), http.StatusForbidden)
	// The engineer states a stance but cannot propose.
	wantStatus(t, eng.post("/w/demo/decisions", url.Values{"title": {"Engineers' idea"}}), http.StatusForbidden)
	wantRedirect(t, decStance(t, eng, path, sightline.StanceAgree, ""), path)
	// The viewer reads, without forms (but the comments', issue 10: every
	// role comments), and cannot state a stance.
	res = viewer.get(path)
	wantStatus(t, res, http.StatusOK)
	if res.doc(t).Find("form[method=post][data-testid]").Not("[data-testid=comments] form, [data-testid=requests] form").Length() != 0 {
		t.Fatal("the viewer sees forms")
	}
	wantStatus(t, viewer.post(path+"/stance", url.Values{"stance": {"agree"}, "version": {"0"}}), http.StatusForbidden)
	res = viewer.get("/w/demo/decisions")
	wantStatus(t, res, http.StatusOK)
	if res.doc(t).Find("[data-testid=decision-form]").Length() != 0 {
		t.Fatal("the viewer sees the propose form")
	}

	// The architect accepts: decided today, by the architect.
	wantRedirect(t, arch.post(path, edit), path)
	d = arch.get(path).doc(t)
	if got := text(t, d, "[data-testid=fact-status]"); got != "Accepted" {
		t.Fatalf("status after accepting %q", got)
	}
	if got := text(t, d, "[data-testid=fact-decided-by]"); got != mustUser(t, app, "architect@example.com").Name {
		t.Fatalf("decided by %q", got)
	}
	if got := text(t, d, "[data-testid=fact-decided-on]"); got != time.Now().UTC().Format("2 Jan 2006") {
		t.Fatalf("decided on %q", got)
	}

	// A rejected proposal keeps the input, with messages next to the fields.
	res = arch.post("/w/demo/decisions", url.Values{"title": {""}, "context": {"Kept context"}, "revisit_on": {"someday"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d = res.doc(t)
	text(t, d, "[data-testid=decision-form] [data-testid=err-title]")
	text(t, d, "[data-testid=decision-form] [data-testid=err-revisit_on]")
	if got := text(t, d, "[data-testid=decision-form] textarea[name=context]"); got != "Kept context" {
		t.Fatalf("context not kept: %q", got)
	}
	if v, _ := d.Find("[data-testid=decision-form] input[name=revisit_on]").Attr("value"); v != "someday" {
		t.Fatalf("revisit date not kept: %q", v)
	}
	// Superseded is never set by hand.
	edit = decFormOf(t, arch, path, "edit-form")
	edit.Set("status", "superseded")
	res = arch.post(path, edit)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=edit-form] [data-testid=err-status]")
}

func TestDecisionNumbersUnderConcurrentProposals(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	wsID := app.demoID()
	var before int
	if err := app.db.Pool.QueryRow(ctx, `SELECT coalesce(max(number), 0) FROM decisions WHERE workspace_id = $1`, wsID).Scan(&before); err != nil {
		t.Fatal(err)
	}
	const n = 20
	clients := []*client{app.signIn("pm@example.com"), app.signIn("architect@example.com"), app.signIn("owner@example.com")}
	locations := make([]string, n)
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := clients[i%len(clients)]
			req, _ := http.NewRequest("POST", app.ts.URL+"/w/demo/decisions", strings.NewReader(url.Values{"title": {fmt.Sprintf("Concurrent %d", i)}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := c.http.Do(req)
			if err != nil {
				return
			}
			res.Body.Close()
			statuses[i], locations[i] = res.StatusCode, res.Header.Get("Location")
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		if statuses[i] != http.StatusSeeOther {
			t.Fatalf("proposal %d: status %d", i, statuses[i])
		}
		seen[locations[i]] = true
	}
	for k := before + 1; k <= before+n; k++ {
		if !seen[fmt.Sprintf("/w/demo/decisions/%d", k)] {
			t.Fatalf("number %d missing: %v", k, locations)
		}
	}
	if len(seen) != n {
		t.Fatalf("duplicate numbers: %v", locations)
	}
}

func TestDecisionStancesObjectionsFirst(t *testing.T) {
	app := newTestApp(t)
	pm, eng, arch := app.signIn("pm@example.com"), app.signIn("engineer@example.com"), app.signIn("architect@example.com")
	path := decPropose(t, arch, "One owner per list")

	// An objection needs a reason; the choice is kept.
	res := eng.post(path+"/stance", url.Values{"stance": {"object"}, "reason": {" "}, "version": {"0"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	text(t, d, "[data-testid=stance-form] [data-testid=err-reason]")
	if _, ok := d.Find("[data-testid=stance-form] input[name=stance][value=object]").Attr("checked"); !ok {
		t.Fatal("the chosen stance is not kept")
	}
	wantRedirect(t, decStance(t, arch, path, sightline.StanceAgree, ""), path)
	wantRedirect(t, decStance(t, pm, path, sightline.StanceDisagreeAndCommit, "Sharing will be asked for, but ship it."), path)
	wantRedirect(t, decStance(t, eng, path, sightline.StanceObject, "Collaborators need a second owner."), path)

	// Accepted with the objection on record.
	decAccept(t, arch, path)
	d = eng.get(path).doc(t)
	var order []string
	d.Find("[data-testid=stance]").Each(func(_ int, s *goquerySelection) {
		order = append(order, s.AttrOr("data-stance", ""))
	})
	if strings.Join(order, ",") != "object,disagree_and_commit,agree" {
		t.Fatalf("stances in order %v, want objections first", order)
	}
	first := d.Find("[data-testid=stance]").First()
	if got := strings.TrimSpace(first.Find("[data-testid=stance-reason]").Text()); got != "Collaborators need a second owner." {
		t.Fatalf("objection reason %q", got)
	}
	if got := strings.TrimSpace(first.Find("[data-testid=stance-who]").Text()); got != mustUser(t, app, "engineer@example.com").Name {
		t.Fatalf("objection by %q", got)
	}
	text(t, d, "[data-testid=dissent-on-record]")
	if got := text(t, d, "[data-testid=fact-status]"); got != "Accepted" {
		t.Fatalf("status %q", got)
	}
	if !strings.Contains(text(t, d, "[data-testid=my-stance]"), "Object") {
		t.Fatal("the engineer's current stance is not shown")
	}
	row := fmt.Sprintf("[data-testid=decision-row][data-number=%q]", strings.TrimPrefix(path, "/w/demo/decisions/"))
	if got := text(t, eng.get("/w/demo/decisions").doc(t), row+" [data-testid=objection-count]"); got != "1" {
		t.Fatalf("objection count in the log %q", got)
	}

	// Changing one's stance updates it; a stale stance form is a conflict
	// that keeps the input.
	stale := decStanceVersion(t, eng, path)
	wantRedirect(t, eng.post(path+"/stance", url.Values{"stance": {"disagree_and_commit"}, "reason": {"Fine, with a follow-up epic."}, "version": {stale}}), path)
	res = eng.post(path+"/stance", url.Values{"stance": {"agree"}, "reason": {"Typed in another tab"}, "version": {stale}})
	wantStatus(t, res, http.StatusConflict)
	d = res.doc(t)
	text(t, d, "[data-testid=conflict]")
	if got := text(t, d, "[data-testid=stance-form] textarea[name=reason]"); got != "Typed in another tab" {
		t.Fatalf("reason not kept: %q", got)
	}
	if v, _ := d.Find("[data-testid=stance-form] input[name=version]").Attr("value"); v == stale {
		t.Fatal("the conflict form still carries the stale version")
	}
	d = eng.get(path).doc(t)
	if d.Find("[data-testid=stance][data-stance=object]").Length() != 0 || d.Find("[data-testid=stance][data-stance=disagree_and_commit]").Length() != 2 {
		t.Fatal("the changed stance is not shown")
	}
	// An unknown stance or an empty form is invalid, never a 5xx.
	wantStatus(t, eng.post(path+"/stance", url.Values{}), http.StatusUnprocessableEntity)
	wantStatus(t, eng.post(path+"/stance", url.Values{"stance": {"shrug"}, "version": {"0"}}), http.StatusUnprocessableEntity)
}

func TestDecisionSupersedeChain(t *testing.T) {
	app := newTestApp(t)
	arch := app.signIn("architect@example.com")
	oldPath := decPropose(t, arch, "Bill by seat")
	decAccept(t, arch, oldPath)
	vals := decFormOf(t, arch, oldPath, "supersede-form")
	if !strings.HasPrefix(vals.Get("context"), "Supersedes ADR-") {
		t.Fatalf("supersede context starts %q", vals.Get("context"))
	}
	vals.Set("title", "Bill by usage")
	res := arch.post(oldPath+"/supersede", vals)
	wantRedirect(t, res, "/w/demo/decisions/")
	newPath := res.Header.Get("Location")
	if newPath == oldPath {
		t.Fatal("superseding did not create a new decision")
	}

	d := arch.get(newPath).doc(t)
	if got := text(t, d, "[data-testid=fact-status]"); got != "Proposed" {
		t.Fatalf("new decision status %q", got)
	}
	if href, _ := d.Find("[data-testid=supersedes-link]").Attr("href"); href != oldPath {
		t.Fatalf("supersedes link %q, want %q", href, oldPath)
	}
	oldRef := text(t, arch.get(oldPath).doc(t), "[data-testid=decision-number]")
	newRef := text(t, d, "[data-testid=decision-number]")
	d = arch.get(oldPath).doc(t)
	if got := text(t, d, "[data-testid=fact-status]"); got != "Superseded" {
		t.Fatalf("old decision status %q", got)
	}
	if href, _ := d.Find("[data-testid=superseded-banner] a[data-testid=superseded-by]").Attr("href"); href != newPath {
		t.Fatalf("superseded-by link %q, want %q", href, newPath)
	}
	if d.Find("[data-testid=supersede-form]").Length() != 0 || d.Find("[data-testid=stance-form]").Length() != 0 {
		t.Fatal("a superseded decision still offers superseding or stances")
	}
	row := fmt.Sprintf("[data-testid=decision-row][data-number=%q]", strings.TrimPrefix(oldPath, "/w/demo/decisions/"))
	if href, _ := arch.get("/w/demo/decisions").doc(t).Find(row + " [data-testid=superseded-by]").Attr("href"); href != newPath {
		t.Fatalf("log's superseded-by link %q", href)
	}

	// Superseding it again is refused, naming its successor.
	res = arch.post(oldPath+"/supersede", url.Values{"title": {"Bill by usage, again"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := text(t, res.doc(t), "[data-testid=supersede-form]"); msg == "" {
		t.Fatal("no supersede form with the refusal")
	}
	if msg := text(t, res.doc(t), "#supersede [data-testid=form-error]"); !strings.Contains(msg, newRef) || !strings.Contains(msg, oldRef) {
		t.Fatalf("refusal %q does not name %s", msg, newRef)
	}
	// A superseded decision keeps its status; a new one needs a title.
	edit := decFormOf(t, arch, oldPath, "edit-form")
	edit.Set("status", "accepted")
	wantStatus(t, arch.post(oldPath, edit), http.StatusUnprocessableEntity)
	res = arch.post(newPath+"/supersede", url.Values{"title": {""}, "context": {"kept"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=supersede-form] [data-testid=err-title]")
}

func TestDecisionEditConflictKeepsInput(t *testing.T) {
	app := newTestApp(t)
	arch, owner := app.signIn("architect@example.com"), app.signIn("owner@example.com")
	path := decPropose(t, arch, "Cache task lists")
	mine := decFormOf(t, arch, path, "edit-form")
	theirs := decFormOf(t, owner, path, "edit-form")
	theirs.Set("title", "Cache task lists in Redis")
	wantRedirect(t, owner.post(path, theirs), path)

	mine.Set("title", "Cache task lists at the edge")
	mine.Set("tradeoff", "cost vs latency")
	res := arch.post(path, mine)
	wantStatus(t, res, http.StatusConflict)
	d := res.doc(t)
	text(t, d, "[data-testid=conflict]")
	if got := text(t, d, "[data-testid=conflict-mine]"); got != "Cache task lists at the edge" {
		t.Fatalf("your version %q", got)
	}
	if got := text(t, d, "[data-testid=conflict-theirs]"); got != "Cache task lists in Redis" {
		t.Fatalf("saved version %q", got)
	}
	form := d.Find("[data-testid=edit-form]")
	kept := epFormValues(form)
	if kept.Get("title") != "Cache task lists at the edge" || kept.Get("tradeoff") != "cost vs latency" {
		t.Fatalf("input not kept: %v", kept)
	}
	if kept.Get("version") == mine.Get("version") {
		t.Fatal("the conflict form still carries the stale version")
	}
	// Saving again applies it over theirs.
	wantRedirect(t, arch.post(path, kept), path)
	if got := text(t, arch.get(path).doc(t), "h1[data-testid=decision-title]"); got != "Cache task lists at the edge" {
		t.Fatalf("title after re-applying %q", got)
	}
	// An empty form is invalid, never a 5xx.
	wantStatus(t, arch.post(path, url.Values{}), http.StatusUnprocessableEntity)
}

func TestDecisionLogFilters(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	wsID := app.demoID()
	arch := app.signIn("architect@example.com")
	accepted := decPropose(t, arch, "Accepted and due")
	decAccept(t, arch, accepted)
	due := decFormOf(t, arch, accepted, "edit-form")
	due.Set("revisit_on", time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02"))
	due.Set("decided_on", time.Now().UTC().AddDate(0, 0, -30).Format("2006-01-02"))
	wantRedirect(t, arch.post(accepted, due), accepted)
	proposed := decPropose(t, arch, "Proposed, revisit later", "revisit_on", time.Now().UTC().AddDate(1, 0, 0).Format("2006-01-02"))
	linked := decPropose(t, arch, "Linked to the billing service")

	var itemID int64
	if err := app.db.Pool.QueryRow(ctx, `INSERT INTO arch_items (workspace_id, kind, name) VALUES ($1, 'container', 'Billing service (filter test)') RETURNING id`, wsID).Scan(&itemID); err != nil {
		t.Fatal(err)
	}
	wantRedirect(t, arch.post(linked+"/links", url.Values{"target_type": {"item"}, "target_id": {fmt.Sprint(itemID)}}), linked)

	numbers := func(query string) []string {
		t.Helper()
		res := arch.get("/w/demo/decisions" + query)
		wantStatus(t, res, http.StatusOK)
		var out []string
		res.doc(t).Find("[data-testid=decision-row]").Each(func(_ int, s *goquerySelection) {
			out = append(out, "/w/demo/decisions/"+s.AttrOr("data-number", ""))
		})
		return out
	}
	has := func(list []string, p string) bool {
		for _, x := range list {
			if x == p {
				return true
			}
		}
		return false
	}
	all := numbers("")
	for _, p := range []string{accepted, proposed, linked} {
		if !has(all, p) {
			t.Fatalf("log lacks %s: %v", p, all)
		}
	}
	if got := numbers("?status=accepted"); !has(got, accepted) || has(got, proposed) || has(got, linked) {
		t.Fatalf("status filter: %v", got)
	}
	if got := numbers(fmt.Sprintf("?item=%d", itemID)); len(got) != 1 || got[0] != linked {
		t.Fatalf("item filter: %v", got)
	}
	if got := numbers("?revisit=1"); !has(got, accepted) || has(got, proposed) || has(got, linked) {
		t.Fatalf("revisit filter: %v", got)
	}
	d := arch.get("/w/demo/decisions").doc(t)
	row := fmt.Sprintf("[data-testid=decision-row][data-number=%q]", strings.TrimPrefix(accepted, "/w/demo/decisions/"))
	text(t, d, row+" [data-testid=revisit-due]")
	row = fmt.Sprintf("[data-testid=decision-row][data-number=%q]", strings.TrimPrefix(proposed, "/w/demo/decisions/"))
	if d.Find(row+" [data-testid=revisit-due]").Length() != 0 {
		t.Fatal("a future revisit date is highlighted")
	}
	// The filter form keeps its choices, each with a label.
	d = arch.get(fmt.Sprintf("/w/demo/decisions?status=accepted&item=%d&revisit=1", itemID)).doc(t)
	for _, id := range []string{"flt-status", "flt-item", "flt-revisit"} {
		if d.Find(fmt.Sprintf("label[for=%q]", id)).Length() == 0 {
			t.Errorf("no label for %s", id)
		}
	}
	if v, _ := d.Find("#flt-status option[selected]").Attr("value"); v != "accepted" {
		t.Fatalf("status filter not kept: %q", v)
	}
	if _, ok := d.Find("#flt-revisit").Attr("checked"); !ok {
		t.Fatal("revisit filter not kept")
	}
}

func TestDecisionMarkdownDownload(t *testing.T) {
	app := newTestApp(t)
	arch, eng := app.signIn("architect@example.com"), app.signIn("engineer@example.com")
	path := decPropose(t, arch, "Use Kafka for usage events")
	wantRedirect(t, decStance(t, eng, path, sightline.StanceObject, "We have no one to run Kafka."), path)
	res := arch.post(path+"/supersede", url.Values{"title": {"Use the outbox pattern"}})
	wantRedirect(t, res, "/w/demo/decisions/")
	successor := text(t, arch.get(res.Header.Get("Location")).doc(t), "[data-testid=decision-number]")

	res = app.signIn("viewer@example.com").get(path + "/adr.md")
	wantStatus(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "text/markdown; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	number := text(t, arch.get(path).doc(t), "[data-testid=decision-number]")
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="`+number+`-use-kafka-for-usage-events.md"` {
		t.Fatalf("content disposition %q", cd)
	}
	for _, want := range []string{"# " + number + ": Use Kafka for usage events", "Status: Superseded", "Superseded by " + successor,
		"**Object** — " + mustUser(t, app, "engineer@example.com").Name + ": We have no one to run Kafka.", "## Trade-off", "speed vs quality"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("ADR lacks %q:\n%s", want, res.body)
		}
	}
}

func TestDecisionLinksAndOtherWorkspaces(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	wsID := app.demoID()
	globex, other := app.otherWorkspace("globex", "Globex", "dec-other@example.com", "Other Owner")
	q := func(sql string, args ...any) int64 {
		var id int64
		if err := app.db.Pool.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	homeEpic := q(`INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', 'Usage billing (link test)', 'p') RETURNING id`, wsID)
	foreignEpic := q(`INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', 'Theirs', 'p') RETURNING id`, globex.ID)
	homeShift := q(`INSERT INTO strategy_shifts (workspace_id, title, from_phase, to_phase, shifted_on) VALUES ($1, 'Upmarket (link test)', 'growth', 'profitability', current_date) RETURNING id`, wsID)
	theirs, err := app.db.CreateDecision(ctx, postgres.Actor{UserID: other.ID}, globex.ID, sightline.Decision{Title: "Theirs"})
	if err != nil {
		t.Fatal(err)
	}
	arch := app.signIn("architect@example.com")
	path := decPropose(t, arch, "Kafka for usage events")

	// Link an epic and a shift from the page's forms; both show, with unlink buttons.
	vals := decFormOf(t, arch, path, "link-form-epic")
	vals.Set("target_id", fmt.Sprint(homeEpic))
	wantRedirect(t, arch.post(path+"/links", vals), path)
	wantRedirect(t, arch.post(path+"/links", url.Values{"target_type": {"shift"}, "target_id": {fmt.Sprint(homeShift)}}), path)
	d := arch.get(path).doc(t)
	if d.Find(fmt.Sprintf("[data-testid=decision-link][data-type=epic][data-id=\"%d\"]", homeEpic)).Length() != 1 ||
		d.Find(fmt.Sprintf("[data-testid=decision-link][data-type=shift][data-id=\"%d\"]", homeShift)).Length() != 1 {
		t.Fatal("links not shown")
	}
	if d.Find("[data-testid=decision-link] [data-testid=unlink]").Length() != 2 {
		t.Fatal("no unlink buttons")
	}
	refs, err := app.db.DecisionsForEpic(ctx, wsID, homeEpic)
	if err != nil || len(refs) != 1 {
		t.Fatalf("decisions for the epic: %v %v", refs, err)
	}
	// A foreign target or an unknown type is refused next to the field.
	res := arch.post(path+"/links", url.Values{"target_type": {"epic"}, "target_id": {fmt.Sprint(foreignEpic)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=link-form-epic] [data-testid=err-target_id]")
	res = arch.post(path+"/links", url.Values{"target_type": {"pain"}, "target_id": {fmt.Sprint(homeEpic)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=err-target_type]")
	wantStatus(t, arch.post(path+"/links", url.Values{}), http.StatusUnprocessableEntity)

	// Unlinking is idempotent.
	unlink := fmt.Sprintf("%s/links/epic/%d/unlink", path, homeEpic)
	wantRedirect(t, arch.post(unlink, nil), path)
	wantRedirect(t, arch.post(unlink, nil), path)
	if refs, _ := app.db.DecisionsForEpic(ctx, wsID, homeEpic); len(refs) != 0 {
		t.Fatalf("still linked: %v", refs)
	}

	// Another workspace's decision number, a foreign target, an unknown
	// target type or a malformed number: 404 on every route.
	foreign := fmt.Sprintf("/w/demo/decisions/%d", theirs.Number+1000)
	full := url.Values{"title": {"x"}, "status": {"accepted"}, "version": {"1"}, "stance": {"agree"}, "target_type": {"epic"}, "target_id": {fmt.Sprint(homeEpic)}}
	for _, c := range []struct {
		post bool
		path string
	}{
		{false, foreign},
		{false, foreign + "/adr.md"},
		{true, foreign},
		{true, foreign + "/supersede"},
		{true, foreign + "/stance"},
		{true, foreign + "/links"},
		{true, fmt.Sprintf("%s/links/epic/%d/unlink", foreign, homeEpic)},
		{true, fmt.Sprintf("%s/links/epic/%d/unlink", path, foreignEpic)},
		{true, fmt.Sprintf("%s/links/pain/%d/unlink", path, homeEpic)},
		{true, fmt.Sprintf("%s/links/epic/abc/unlink", path)},
		{false, "/w/demo/decisions/abc"},
		{false, "/w/demo/decisions/0"},
		{false, "/w/globex/decisions/1"},
	} {
		var res *response
		if c.post {
			res = arch.post(c.path, full)
		} else {
			res = arch.get(c.path)
		}
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404", res.Request.Method, c.path, res.StatusCode)
		}
	}
	// Their decision is untouched.
	got, err := app.db.DecisionByID(ctx, globex.ID, theirs.ID)
	if err != nil || got.Version != 1 || got.Status != sightline.DecisionProposed {
		t.Fatalf("their decision changed: %+v %v", got, err)
	}
}

func TestDecisionPagesRunAFixedNumberOfQueries(t *testing.T) {
	app := newCountingApp(t)
	counter, db := app.counter, app.db
	ctx := context.Background()
	wsID := app.demoID()
	arch := mustUser(t, app, "architect@example.com")
	measured, err := db.CreateDecision(ctx, postgres.Actor{UserID: arch.ID}, wsID, sightline.Decision{Title: "Measured"})
	if err != nil {
		t.Fatal(err)
	}
	// add n more decisions (some superseded by the measured one, some due
	// for revisit), n stances and links on the measured one, n history rows.
	add := func(n int) {
		t.Helper()
		for _, st := range []struct {
			sql  string
			args []any
		}{
			{`WITH c AS (
			   UPDATE decision_counters SET last_number = last_number + $2::int WHERE workspace_id = $1 RETURNING last_number)
			 INSERT INTO decisions (workspace_id, number, title, status, superseded_by_id, revisit_on, decided_by)
			 SELECT $1, c.last_number - $2::int + g, 'Decision ' || g || '-' || $2::int,
			        CASE WHEN g % 3 = 0 THEN 'superseded' ELSE 'accepted' END,
			        CASE WHEN g % 3 = 0 THEN $3::bigint END, current_date - 1, $4
			 FROM c, generate_series(1, $2::int) g`, []any{wsID, n, measured.ID, arch.ID}},
			{`WITH u AS (
			   INSERT INTO users (email, name, password_hash) SELECT 'stance' || g || '-' || $2::int || '@example.com', 'Stance ' || g, 'x'
			   FROM generate_series(1, $2::int) g RETURNING id)
			 INSERT INTO decision_stances (workspace_id, decision_id, user_id, stance, reason)
			 SELECT $1, $3, id, CASE WHEN id % 2 = 0 THEN 'object' ELSE 'agree' END, 'because' FROM u`, []any{wsID, n, measured.ID}},
			{`WITH e AS (
			   INSERT INTO epics (workspace_id, kind, title, problem) SELECT $1, 'product', 'Linked ' || g || '-' || $2::int, 'p'
			   FROM generate_series(1, $2::int) g RETURNING id)
			 INSERT INTO decision_epics (workspace_id, decision_id, epic_id) SELECT $1, $3, id FROM e`, []any{wsID, n, measured.ID}},
			{`WITH i AS (
			   INSERT INTO arch_items (workspace_id, kind, name) SELECT $1, 'component', 'Item ' || g || '-' || $2::int
			   FROM generate_series(1, $2::int) g RETURNING id)
			 INSERT INTO decision_items (workspace_id, decision_id, item_id) SELECT $1, $3, id FROM i`, []any{wsID, n, measured.ID}},
			{`INSERT INTO activity (workspace_id, actor_id, verb, item_type, item_id, summary, changes)
			 SELECT $1, $3, 'decision.updated', 'decision', $4, 'Measured', '{"status": {"from": "proposed", "to": "accepted"}}'
			 FROM generate_series(1, $2::int) g`, []any{wsID, n, arch.ID, measured.ID}},
		} {
			if _, err := db.Pool.Exec(ctx, st.sql, st.args...); err != nil {
				t.Fatalf("%s: %v", st.sql, err)
			}
		}
	}
	count := func(c *client, path string) int64 {
		t.Helper()
		wantStatus(t, c.get(path), http.StatusOK) // warm up (and drop any pending flash)
		before := counter.N()
		wantStatus(t, c.get(path), http.StatusOK)
		return counter.N() - before
	}
	clients := map[string]*client{"architect": app.signIn("architect@example.com"), "viewer": app.signIn("viewer@example.com"), "engineer": app.signIn("engineer@example.com")}
	paths := []string{"/w/demo/decisions", fmt.Sprintf("/w/demo/decisions/%d", measured.Number), "/w/demo/decisions?status=accepted&revisit=1",
		fmt.Sprintf("/w/demo/decisions/%d/adr.md", measured.Number)}
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
				t.Errorf("GET %s as %s: %d queries with 100 decisions, stances, links and history rows; %d with 3", p, who, got, small[who+" "+p])
			} else {
				t.Logf("GET %s as %s: %d queries", p, who, got)
			}
		}
	}
}
