package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/sightline"
)

// piDemo returns the demo workspace and its PM as an actor.
func piDemo(t testing.TB, app *testApp) (*sightline.Workspace, postgres.Actor) {
	t.Helper()
	ctx := context.Background()
	pm, err := app.db.UserByEmail(ctx, "pm@example.com")
	if err != nil {
		t.Fatal(err)
	}
	ws, _, err := app.db.WorkspaceForMember(ctx, seed.DemoSlug, pm.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ws, postgres.Actor{UserID: pm.ID}
}

// piForeign makes a second workspace with a pain, an epic, a shift and an
// initiative, and returns their ids.
func piForeign(t testing.TB, app *testApp) (pain, epic, initiative int64) {
	t.Helper()
	ctx := context.Background()
	ws, _ := app.otherWorkspace("elsewhere", "Elsewhere", "stranger@example.com", "Stan Stranger")
	q := func(dst *int64, sql string, args ...any) {
		if err := app.db.Pool.QueryRow(ctx, sql, args...).Scan(dst); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	var shift int64
	q(&pain, `INSERT INTO pain_notes (workspace_id, quote, source, severity, frequency, firsthand, heard_on) VALUES ($1, 'Their pain', 'interview', 3, 'weekly', true, current_date) RETURNING id`, ws.ID)
	q(&epic, `INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', 'Their epic', 'x') RETURNING id`, ws.ID)
	q(&shift, `INSERT INTO strategy_shifts (workspace_id, title, from_phase, to_phase, shifted_on) VALUES ($1, 'Their shift', 'growth', 'stability', current_date) RETURNING id`, ws.ID)
	q(&initiative, `INSERT INTO initiatives (workspace_id, title, driver, horizon, shift_id) VALUES ($1, 'Their initiative', 'growth', 'now', $2) RETURNING id`, ws.ID, shift)
	return pain, epic, initiative
}

// piEpic adds an epic to a workspace directly.
func piEpic(t testing.TB, app *testApp, wsID int64, title string) int64 {
	t.Helper()
	var id int64
	if err := app.db.Pool.QueryRow(context.Background(), `INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', $2, 'A problem') RETURNING id`,
		wsID, title).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// piPain captures a pain through the store.
func piPain(t testing.TB, app *testApp, wsID int64, actor postgres.Actor, n sightline.PainNote) *sightline.PainNote {
	t.Helper()
	if n.Source == "" {
		n.Source = "interview"
	}
	if n.Frequency == "" {
		n.Frequency = "weekly"
	}
	if n.Severity == 0 {
		n.Severity = 3
	}
	if n.HeardOn.IsZero() {
		n.HeardOn = time.Now().UTC().Truncate(24 * time.Hour)
	}
	saved, err := app.db.CreatePain(context.Background(), actor, wsID, n)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

func validPainForm() url.Values {
	return url.Values{
		"quote": {"This takes too long every day and blocks my team"}, "source": {"interview"}, "customer": {"Initech"},
		"segment": {"SMB"}, "severity": {"5"}, "frequency": {"daily"}, "firsthand": {"firsthand"},
		"heard_by": {"Priya PM"}, "heard_on": {"2026-01-15"}, "quality_attribute": {"performance"},
	}
}

// listedPains returns the ids of the pains in the list, in order.
func listedPains(t testing.TB, res *response) []string {
	t.Helper()
	var ids []string
	res.doc(t).Find("[data-testid=pain-item]").Each(func(_ int, s *goquerySelection) {
		id, _ := s.Attr("data-pain-id")
		ids = append(ids, id)
	})
	return ids
}

func TestPainCreate(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn("pm@example.com")
	page := pm.get("/w/demo/pains")
	wantStatus(t, page, http.StatusOK)
	d := page.doc(t)
	// Defaults: heard by the user, heard today; every field has a visible label.
	if v, _ := d.Find("[data-testid=pain-form] input[name=heard_by]").Attr("value"); v != "Priya PM" {
		t.Errorf("heard by defaults to %q", v)
	}
	if v, _ := d.Find("[data-testid=pain-form] input[name=heard_on]").Attr("value"); v != app.clock.Now().Format("2006-01-02") {
		t.Errorf("heard on defaults to %q", v)
	}
	d.Find("[data-testid=pain-form] input:not([type=hidden]), [data-testid=pain-form] select, [data-testid=pain-form] textarea").Each(func(_ int, s *goquerySelection) {
		id, _ := s.Attr("id")
		if id == "" || d.Find(fmt.Sprintf("label[for=%q]", id)).Length() == 0 {
			name, _ := s.Attr("name")
			t.Errorf("field %s has no label", name)
		}
	})
	if d.Find("datalist#qa-list option[value=observability]").Length() == 0 {
		t.Error("no quality attribute suggestions")
	}

	res := pm.post("/w/demo/pains", validPainForm())
	wantRedirect(t, res, "/w/demo/pains/")
	page = pm.get(res.Header.Get("Location"))
	wantStatus(t, page, http.StatusOK)
	d = page.doc(t)
	if got := text(t, d, "[data-testid=pain-quote]"); got != "This takes too long every day and blocks my team" {
		t.Errorf("quote %q", got)
	}
	if d.Find("[data-testid=pain] [data-testid=firsthand]").Length() == 0 {
		t.Error("firsthand is not shown")
	}
	if text(t, d, "[data-testid=flash]") == "" {
		t.Error("no flash")
	}
}

func TestPainCreateRejectsBadInput(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn("pm@example.com")
	form := validPainForm()
	form.Set("quote", "")
	form.Set("severity", "9")
	form.Del("firsthand")
	form.Set("customer", "Initech, kept")
	res := pm.post("/w/demo/pains", form)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	for _, f := range []string{"quote", "severity", "firsthand"} {
		msg := d.Find("[data-testid=pain-form] [data-testid=err-" + f + "]")
		if msg.Length() == 0 || strings.TrimSpace(msg.Text()) == "" {
			t.Errorf("no message next to %s", f)
			continue
		}
		// The message sits in the field's own block.
		if msg.Closest(".field").Find(fmt.Sprintf("[name=%s]", f)).Length() == 0 {
			t.Errorf("the message for %s is not next to its field", f)
		}
	}
	if v, _ := d.Find("[data-testid=pain-form] input[name=severity]").Attr("value"); v != "9" {
		t.Errorf("severity not kept: %q", v)
	}
	if v, _ := d.Find("[data-testid=pain-form] input[name=customer]").Attr("value"); v != "Initech, kept" {
		t.Errorf("customer not kept: %q", v)
	}

	// A quote past the limit is kept as typed, with the limit named.
	long := strings.Repeat("slow ", 1001) // 5005 characters
	form = validPainForm()
	form.Set("quote", long)
	res = pm.post("/w/demo/pains", form)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d = res.doc(t)
	if got := d.Find("[data-testid=pain-form] textarea[name=quote]").Text(); got != strings.TrimSpace(long) {
		t.Errorf("quote not kept (%d characters back)", len(got))
	}
	if msg := text(t, d, "[data-testid=pain-form] [data-testid=err-quote]"); !strings.Contains(msg, "5000") {
		t.Errorf("quote message %q", msg)
	}
	if d.Find("[data-testid=pain-form] input[name=firsthand][value=firsthand][checked]").Length() == 0 {
		t.Error("firsthand choice not kept")
	}
}

func TestPainQuoteIsShownAsText(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn("pm@example.com")
	quote := `<script>alert(1)</script> **not bold** <img src=x onerror=alert(2)>`
	form := validPainForm()
	form.Set("quote", quote)
	res := pm.post("/w/demo/pains", form)
	wantRedirect(t, res, "/w/demo/pains/")
	for _, path := range []string{res.Header.Get("Location"), "/w/demo/pains"} {
		page := pm.get(path)
		wantStatus(t, page, http.StatusOK)
		d := page.doc(t)
		if n := d.Find("main script, main img, main blockquote *").Length(); n > 0 {
			t.Errorf("%s: the quote became %d elements", path, n)
		}
		found := false
		d.Find("main blockquote").Each(func(_ int, s *goquerySelection) {
			if s.Text() == quote {
				found = true
			}
		})
		if !found {
			t.Errorf("%s: the quote is not shown verbatim", path)
		}
	}
}

func TestPainFilters(t *testing.T) {
	app := newTestApp(t)
	ws, pmActor := piDemo(t, app)
	a := piPain(t, app, ws.ID, pmActor, sightline.PainNote{Quote: "A", Source: "interview", Segment: "Zeta", Severity: 5, Firsthand: true})
	b := piPain(t, app, ws.ID, pmActor, sightline.PainNote{Quote: "B", Source: "support", Segment: "Zeta", Severity: 2})
	c := piPain(t, app, ws.ID, pmActor, sightline.PainNote{Quote: "C", Source: "sales", Segment: "Omega", Severity: 3})
	epic := piEpic(t, app, ws.ID, "Faster sync")
	if err := app.db.LinkPain(context.Background(), pmActor, ws.ID, epic, a.ID); err != nil {
		t.Fatal(err)
	}
	id := func(n *sightline.PainNote) string { return fmt.Sprint(n.ID) }
	viewer := app.signIn("viewer@example.com")

	all := listedPains(t, viewer.get("/w/demo/pains"))
	for _, n := range []*sightline.PainNote{a, b, c} {
		if !slices.Contains(all, id(n)) {
			t.Fatalf("pain %s missing from the unfiltered list %v", n.Quote, all)
		}
	}
	cases := []struct {
		query string
		want  []string
	}{
		{"segment=Zeta", []string{id(b), id(a)}},
		{"segment=Omega", []string{id(c)}},
		{"segment=Zeta&source=support", []string{id(b)}},
		{"segment=Zeta&min_severity=4", []string{id(a)}},
		{"segment=Zeta&firsthand=yes", []string{id(a)}},
		{"segment=Zeta&firsthand=no", []string{id(b)}},
		{"segment=Zeta&unlinked=1", []string{id(b)}},
		{"source=sales&segment=Omega&min_severity=4", nil},
	}
	for _, tc := range cases {
		res := viewer.get("/w/demo/pains?" + tc.query)
		wantStatus(t, res, http.StatusOK)
		if got := listedPains(t, res); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
	// Narrowing by source, severity, firsthand and unlinked alone shrinks the full list too.
	for _, q := range []string{"source=support", "min_severity=5", "firsthand=yes", "unlinked=1"} {
		if got := listedPains(t, viewer.get("/w/demo/pains?"+q)); len(got) >= len(all) {
			t.Errorf("%s does not narrow: %d of %d", q, len(got), len(all))
		}
	}
	// The filter form keeps its choices and offers the segments.
	d := viewer.get("/w/demo/pains?segment=Zeta&unlinked=1").doc(t)
	if v, _ := d.Find("#filter-segment option[selected]").Attr("value"); v != "Zeta" {
		t.Errorf("segment select shows %q", v)
	}
	if d.Find("#filter-segment option[value=Omega]").Length() == 0 {
		t.Error("segment select lacks Omega")
	}
	if d.Find("#filter-unlinked[checked]").Length() == 0 {
		t.Error("unlinked box not kept")
	}
	if d.Find("label[for=filter-unlinked]").Length() == 0 {
		t.Error("unlinked box has no label")
	}
	// The viewer sees no capture form.
	if d.Find("[data-testid=pain-form]").Length() != 0 {
		t.Error("viewer is offered the capture form")
	}
}

func TestPainListPaginates(t *testing.T) {
	app := newTestApp(t)
	ws, _ := piDemo(t, app)
	if _, err := app.db.Pool.Exec(context.Background(), `INSERT INTO pain_notes (workspace_id, quote, source, severity, frequency, firsthand, heard_on)
		SELECT $1, 'Pain ' || g, 'survey', 1 + g % 5, 'weekly', g % 2 = 0, current_date FROM generate_series(1, 120) g`, ws.ID); err != nil {
		t.Fatal(err)
	}
	var total int
	if err := app.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM pain_notes WHERE workspace_id = $1 AND source = 'survey'`, ws.ID).Scan(&total); err != nil {
		t.Fatal(err)
	}
	viewer := app.signIn("viewer@example.com")
	first := viewer.get("/w/demo/pains?source=survey")
	if got := listedPains(t, first); len(got) != 50 {
		t.Fatalf("page 1 shows %d", len(got))
	}
	next, ok := first.doc(t).Find("[data-testid=next-page]").Attr("href")
	if !ok || !strings.Contains(next, "source=survey") || !strings.Contains(next, "page=2") {
		t.Fatalf("next link %q", next)
	}
	third := viewer.get("/w/demo/pains?source=survey&page=3")
	if got := listedPains(t, third); len(got) != total-100 {
		t.Fatalf("page 3 shows %d", len(got))
	}
}

func TestTopPainsRanking(t *testing.T) {
	app := newTestApp(t)
	ws, pmActor := piDemo(t, app)
	relayed := piPain(t, app, ws.ID, pmActor, sightline.PainNote{Quote: "Relayed: it blocks us all day", Severity: 5, Frequency: "constant", Firsthand: false})
	firsthand := piPain(t, app, ws.ID, pmActor, sightline.PainNote{Quote: "Firsthand: it blocks us all day", Severity: 5, Frequency: "constant", Firsthand: true})
	mild := piPain(t, app, ws.ID, pmActor, sightline.PainNote{Quote: "Mild", Severity: 1, Frequency: "once", Firsthand: true})
	_ = mild

	res := app.signIn("viewer@example.com").get("/w/demo/pains")
	wantStatus(t, res, http.StatusOK)
	d := res.doc(t)
	var order []string
	d.Find("[data-testid=top-pains] [data-testid=top-pain]").Each(func(_ int, s *goquerySelection) {
		id, _ := s.Attr("data-pain-id")
		order = append(order, id)
		if s.Find("svg[data-testid=pain-bar] rect").Length() < 2 {
			t.Errorf("pain %s has no weight bar", id)
		}
	})
	fi, ri := slices.Index(order, fmt.Sprint(firsthand.ID)), slices.Index(order, fmt.Sprint(relayed.ID))
	if fi < 0 || ri < 0 || fi > ri {
		t.Fatalf("top pains %v: firsthand %d should come before relayed %d", order, firsthand.ID, relayed.ID)
	}
	top := d.Find(fmt.Sprintf("[data-testid=top-pain][data-pain-id='%d']", firsthand.ID))
	if top.Find("[data-testid=firsthand]").Length() == 0 {
		t.Error("the firsthand pain is not marked firsthand")
	}
	if got := strings.TrimSpace(top.Find("[data-testid=top-pain-score]").Text()); got != "score 37.5" {
		t.Errorf("score shown %q", got)
	}
	if d.Find(fmt.Sprintf("[data-testid=top-pain][data-pain-id='%d'] [data-testid=relayed]", relayed.ID)).Length() == 0 {
		t.Error("the relayed pain is not marked relayed")
	}
}

func TestPainLinkFromPainPage(t *testing.T) {
	app := newTestApp(t)
	ws, pmActor := piDemo(t, app)
	pain := piPain(t, app, ws.ID, pmActor, sightline.PainNote{Quote: "Sync is slow"})
	epic := piEpic(t, app, ws.ID, "Faster sync")
	pm := app.signIn("pm@example.com")
	path := fmt.Sprintf("/w/demo/pains/%d", pain.ID)

	d := pm.get(path).doc(t)
	if d.Find(fmt.Sprintf("[data-testid=link-form] select[name=epic_id] option[value='%d']", epic)).Length() == 0 {
		t.Fatal("the epic is not offered")
	}
	if href, _ := d.Find("[data-testid=epic-from-pain]").Attr("href"); href != fmt.Sprintf("/w/demo/epics/new?pain=%d", pain.ID) {
		t.Errorf("create-epic link %q", href)
	}
	// Empty choice: a message on the field.
	res := pm.post(path+"/epics", url.Values{"epic_id": {""}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=link-form] [data-testid=err-epic_id]")

	for range 2 { // linking twice is harmless
		wantRedirect(t, pm.post(path+"/epics", url.Values{"epic_id": {fmt.Sprint(epic)}}), path)
	}
	d = pm.get(path).doc(t)
	links := d.Find("[data-testid=pain-epics] li")
	if links.Length() != 1 {
		t.Fatalf("%d epics shown", links.Length())
	}
	if got := text(t, d, "[data-testid=pain-epics] li a"); got != "Faster sync" {
		t.Errorf("linked epic %q", got)
	}
	action, _ := links.Find("form").Attr("action")
	if action != fmt.Sprintf("/w/demo/epics/%d/pains/%d/unlink", epic, pain.ID) {
		t.Fatalf("unlink posts to %q", action)
	}
	if d.Find(fmt.Sprintf("[data-testid=link-form] option[value='%d']", epic)).Length() != 0 {
		t.Error("a linked epic is offered again")
	}
	if !strings.Contains(text(t, d, "[data-testid=activity]"), "linked") {
		t.Error("the link is not in the pain's history")
	}
	// Unlink through the epics' route (twice: idempotent).
	for range 2 {
		res := pm.post(action, url.Values{"next": {path}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("unlink: %d", res.StatusCode)
		}
	}
	if n := pm.get(path).doc(t).Find("[data-testid=pain-epics] li").Length(); n != 0 {
		t.Fatalf("%d epics still linked", n)
	}
	// A viewer sees the links but no forms.
	d = app.signIn("viewer@example.com").get(path).doc(t)
	if d.Find("[data-testid=link-form], [data-testid=pain-edit-form]").Length() != 0 {
		t.Error("viewer is offered link or edit forms")
	}
}

func TestPainRoutesRefuseOtherWorkspaces(t *testing.T) {
	app := newTestApp(t)
	ws, pmActor := piDemo(t, app)
	ours := piPain(t, app, ws.ID, pmActor, sightline.PainNote{Quote: "Ours"})
	ourEpic := piEpic(t, app, ws.ID, "Ours")
	theirPain, theirEpic, theirInitiative := piForeign(t, app)
	pm := app.signIn("pm@example.com")

	notFound := func(res *response) {
		t.Helper()
		wantStatus(t, res, http.StatusNotFound)
	}
	notFound(pm.get(fmt.Sprintf("/w/demo/pains/%d", theirPain)))
	notFound(pm.post(fmt.Sprintf("/w/demo/pains/%d", theirPain), validPainForm()))
	notFound(pm.post(fmt.Sprintf("/w/demo/pains/%d/epics", theirPain), url.Values{"epic_id": {fmt.Sprint(ourEpic)}}))
	notFound(pm.post(fmt.Sprintf("/w/demo/pains/%d/epics", ours.ID), url.Values{"epic_id": {fmt.Sprint(theirEpic)}}))
	notFound(pm.get(fmt.Sprintf("/w/demo/initiatives/%d", theirInitiative)))
	notFound(pm.post(fmt.Sprintf("/w/demo/initiatives/%d", theirInitiative), url.Values{"title": {"x"}, "driver": {"growth"}, "horizon": {"now"}, "version": {"1"}}))
	notFound(pm.post(fmt.Sprintf("/w/demo/initiatives/%d/revalidate", theirInitiative), nil))
	notFound(pm.get("/w/demo/pains/abc"))
	notFound(pm.get("/w/elsewhere/pains"))

	// Nothing of theirs leaked into our list, and no link was made.
	if strings.Contains(pm.get("/w/demo/pains").body, "Their pain") {
		t.Error("another workspace's pain is listed")
	}
	if epics, _ := app.db.EpicsForPain(context.Background(), ws.ID, ours.ID); len(epics) != 0 {
		t.Errorf("linked across workspaces: %+v", epics)
	}
	// The database refuses such a link even when written directly.
	if _, err := app.db.Pool.Exec(context.Background(), `INSERT INTO epic_pains (workspace_id, epic_id, pain_id) VALUES ($1, $2, $3)`,
		ws.ID, ourEpic, theirPain); err == nil {
		t.Error("epic_pains joined two workspaces")
	}
}

func TestPainEditConflict(t *testing.T) {
	app := newTestApp(t)
	ws, pmActor := piDemo(t, app)
	pain := piPain(t, app, ws.ID, pmActor, sightline.PainNote{Quote: "Exports are slow", Customer: "Initech", Firsthand: true})
	path := fmt.Sprintf("/w/demo/pains/%d", pain.ID)
	pm := app.signIn("pm@example.com")
	owner := app.signIn("owner@example.com")

	formOf := func(res *response) url.Values {
		t.Helper()
		d := res.doc(t)
		v := url.Values{}
		d.Find("[data-testid=pain-edit-form] input, [data-testid=pain-edit-form] select, [data-testid=pain-edit-form] textarea").Each(func(_ int, s *goquerySelection) {
			name, _ := s.Attr("name")
			typ, _ := s.Attr("type")
			switch {
			case s.Is("textarea"):
				v.Set(name, s.Text())
			case s.Is("select"):
				val, _ := s.Find("option[selected]").Attr("value")
				v.Set(name, val)
			case typ == "radio":
				if _, on := s.Attr("checked"); on {
					val, _ := s.Attr("value")
					v.Set(name, val)
				}
			default:
				val, _ := s.Attr("value")
				v.Set(name, val)
			}
		})
		return v
	}
	mine := formOf(pm.get(path))
	theirs := formOf(owner.get(path))
	if mine.Get("version") != "1" || mine.Get("firsthand") != "firsthand" || mine.Get("quote") != "Exports are slow" {
		t.Fatalf("edit form not filled: %v", mine)
	}
	theirs.Set("quote", "Exports are slow (owner's wording)")
	wantRedirect(t, owner.post(path, theirs), path)

	mine.Set("quote", "Exports take 10 minutes — my words")
	res := pm.post(path, mine)
	wantStatus(t, res, http.StatusConflict)
	d := res.doc(t)
	if got := d.Find("[data-testid=pain-edit-form] textarea[name=quote]").Text(); got != "Exports take 10 minutes — my words" {
		t.Errorf("the user's quote was not kept: %q", got)
	}
	if v, _ := d.Find("[data-testid=pain-edit-form] input[name=version]").Attr("value"); v != "2" {
		t.Errorf("version in the form %q, want the current 2", v)
	}
	if got := text(t, d, "[data-testid=conflict] [data-testid=conflict-theirs]"); got != "Exports are slow (owner's wording)" {
		t.Errorf("conflict shows saved %q", got)
	}
	if got := text(t, d, "[data-testid=conflict] [data-testid=conflict-mine]"); got != "Exports take 10 minutes — my words" {
		t.Errorf("conflict shows mine %q", got)
	}
	if n, _ := app.db.PainByID(context.Background(), ws.ID, pain.ID); n.Quote != "Exports are slow (owner's wording)" {
		t.Fatalf("stale save overwrote: %q", n.Quote)
	}
	// Saving again applies the user's version over the newer one.
	wantRedirect(t, pm.post(path, formOf(res)), path)
	if n, _ := app.db.PainByID(context.Background(), ws.ID, pain.ID); n.Quote != "Exports take 10 minutes — my words" || n.Version != 3 {
		t.Fatalf("re-applied save: %q v%d", n.Quote, n.Version)
	}
	// An empty or versionless save is refused without harm.
	wantStatus(t, pm.post(path, nil), http.StatusUnprocessableEntity)
	noVersion := formOf(pm.get(path))
	noVersion.Del("version")
	wantStatus(t, pm.post(path, noVersion), http.StatusUnprocessableEntity)
}

func TestPainWritesNeedTheRole(t *testing.T) {
	app := newTestApp(t)
	ws, pmActor := piDemo(t, app)
	pain := piPain(t, app, ws.ID, pmActor, sightline.PainNote{Quote: "Ours"})
	epic := piEpic(t, app, ws.ID, "Ours")
	for _, email := range []string{"viewer@example.com", "engineer@example.com", "architect@example.com"} {
		c := app.signIn(email)
		wantStatus(t, c.post("/w/demo/pains", validPainForm()), http.StatusForbidden)
		wantStatus(t, c.post(fmt.Sprintf("/w/demo/pains/%d", pain.ID), validPainForm()), http.StatusForbidden)
		wantStatus(t, c.post(fmt.Sprintf("/w/demo/pains/%d/epics", pain.ID), url.Values{"epic_id": {fmt.Sprint(epic)}}), http.StatusForbidden)
		wantStatus(t, c.post("/w/demo/initiatives", url.Values{"title": {"x"}, "driver": {"growth"}, "horizon": {"now"}}), http.StatusForbidden)
	}
	if epics, _ := app.db.EpicsForPain(context.Background(), ws.ID, pain.ID); len(epics) != 0 {
		t.Fatal("a refused link was made")
	}
}

func TestPainsAndInitiativesPagesRunAFixedNumberOfQueries(t *testing.T) {
	app := newCountingApp(t)
	db := app.db
	ctx := context.Background()
	ws, _ := piDemo(t, app)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	// addPains adds n pains (some linked to epics) with varied sources and segments.
	addPains := func(n int) {
		exec(`INSERT INTO pain_notes (workspace_id, quote, source, customer, segment, severity, frequency, firsthand, heard_on)
			SELECT $1, 'Pain ' || g, (ARRAY['interview','support','sales','survey','usage_data','other'])[1 + g % 6], 'Customer ' || g,
			       'Segment ' || (g % 7), 1 + g % 5, (ARRAY['once','monthly','weekly','daily','constant'])[1 + g % 5], g % 2 = 0, current_date - g
			FROM generate_series(1, $2::int) g`, ws.ID, n)
		exec(`INSERT INTO epics (workspace_id, kind, title, problem) SELECT $1, 'product', 'Epic ' || g, 'x' FROM generate_series(1, $2::int) g`, ws.ID, n/3+1)
		exec(`INSERT INTO epic_pains (workspace_id, epic_id, pain_id)
			SELECT $1, e.id, p.id FROM pain_notes p JOIN LATERAL (SELECT id FROM epics WHERE workspace_id = $1 ORDER BY random() LIMIT 2) e ON true
			WHERE p.workspace_id = $1 AND p.id % 3 = 0 ON CONFLICT DO NOTHING`, ws.ID)
	}
	// addInitiatives adds n initiatives naming shifts, with epics, some superseded.
	addInitiatives := func(n int) {
		exec(`INSERT INTO strategy_shifts (workspace_id, title, from_phase, to_phase, shifted_on)
			SELECT $1, 'Shift ' || g, 'growth', 'stability', current_date - 100 + g FROM generate_series(1, 3) g`, ws.ID)
		exec(`INSERT INTO goals (workspace_id, title, metric, baseline, target, current_value) VALUES ($1, 'Goal', 'm', 0, 1, 0)`, ws.ID)
		exec(`INSERT INTO initiatives (workspace_id, title, driver, horizon, goal_id, shift_id, owner_id, validated_at)
			SELECT $1, 'Initiative ' || g, 'growth', (ARRAY['now','next','later'])[1 + g % 3],
			       (SELECT max(id) FROM goals WHERE workspace_id = $1),
			       (SELECT min(id) FROM strategy_shifts WHERE workspace_id = $1), (SELECT min(user_id) FROM memberships WHERE workspace_id = $1),
			       now() - interval '1 day'
			FROM generate_series(1, $2::int) g`, ws.ID, n)
		exec(`INSERT INTO epics (workspace_id, initiative_id, kind, title, problem, enables)
			SELECT $1, i.id, k, 'Epic of ' || i.title, 'x', 'y' FROM initiatives i CROSS JOIN unnest(ARRAY['product', 'enabler']) k
			WHERE i.workspace_id = $1`, ws.ID)
	}

	pm := app.signIn("pm@example.com")
	viewer := app.signIn("viewer@example.com")
	addPains(3)
	addInitiatives(3)
	var pains, initiatives [2]map[string]int64
	for i, grow := range []func(){func() {}, func() { addPains(297); addInitiatives(37) }} {
		grow()
		pains[i] = map[string]int64{
			"pm":        app.queriesPerGET(pm, "/w/demo/pains"),
			"viewer":    app.queriesPerGET(viewer, "/w/demo/pains"),
			"filtered":  app.queriesPerGET(viewer, "/w/demo/pains?unlinked=1&min_severity=2&firsthand=yes&page=2"),
			"pain page": app.queriesPerGET(pm, fmt.Sprintf("/w/demo/pains/%d", piLastPain(t, app, ws.ID))),
		}
		initiatives[i] = map[string]int64{
			"pm":     app.queriesPerGET(pm, "/w/demo/initiatives"),
			"viewer": app.queriesPerGET(viewer, "/w/demo/initiatives"),
		}
	}
	for k := range pains[0] {
		if pains[0][k] != pains[1][k] {
			t.Errorf("pains %s: %d queries with few pains, %d with 300", k, pains[0][k], pains[1][k])
		}
	}
	for k := range initiatives[0] {
		if initiatives[0][k] != initiatives[1][k] {
			t.Errorf("initiatives %s: %d queries with 3, %d with 40", k, initiatives[0][k], initiatives[1][k])
		}
	}
	t.Logf("queries: pains %v, initiatives %v", pains[1], initiatives[1])
}

// piLastPain is the newest pain linked to an epic, for the pain page.
func piLastPain(t testing.TB, app *testApp, wsID int64) int64 {
	t.Helper()
	var id int64
	if err := app.db.Pool.QueryRow(context.Background(), `SELECT max(pain_id) FROM epic_pains WHERE workspace_id = $1`, wsID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
