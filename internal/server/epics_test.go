package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// epCreate creates an epic through the form and returns its page path.
func epCreate(t testing.TB, c *client, vals url.Values) string {
	t.Helper()
	res := c.post("/w/demo/epics", vals)
	wantRedirect(t, res, "/w/demo/epics/")
	return res.Header.Get("Location")
}

func epProduct(title string) url.Values {
	return url.Values{"kind": {"product"}, "title": {title}, "problem": {"Teams lose requests in chat threads."}}
}

// epVersion is the version the page's forms carry.
func epVersion(t testing.TB, c *client, path string) string {
	t.Helper()
	res := c.get(path)
	wantStatus(t, res, http.StatusOK)
	v, ok := res.doc(t).Find("form[data-testid] input[name=version]").First().Attr("value")
	if !ok {
		t.Fatalf("no version on %s", path)
	}
	return v
}

// epFormValues reads a form's fields as a browser would submit them.
func epFormValues(form *goquery.Selection) url.Values {
	vals := url.Values{}
	form.Find("input[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		if typ, _ := s.Attr("type"); typ == "submit" {
			return
		}
		v, _ := s.Attr("value")
		vals.Set(name, v)
	})
	form.Find("textarea[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		vals.Set(name, strings.TrimPrefix(s.Text(), "\n"))
	})
	form.Find("select[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		v, _ := s.Find("option[selected]").Attr("value")
		vals.Set(name, v)
	})
	return vals
}

func TestEpicNoDateWithoutEngineeringInput(t *testing.T) {
	app := newTestApp(t)
	pm, eng, arch := app.signIn("pm@example.com"), app.signIn("engineer@example.com"), app.signIn("architect@example.com")
	path := epCreate(t, pm, epProduct("Collaborators on a to-do list"))

	// The PM commits a date before any estimate: refused, naming who can estimate.
	res := pm.post(path+"/commit", url.Values{"committed_on": {"2027-03-31"}, "version": {epVersion(t, pm, path)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	msg := text(t, res.doc(t), "[data-testid=commit-form] [data-testid=err-committed_on]")
	want := "No date without engineering input: this epic has no estimate yet. Ask an engineer or architect (e.g. Arjun Architect or Emma Engineer) to estimate it first."
	if msg != want {
		t.Fatalf("refusal %q\nwant %q", msg, want)
	}
	if v, _ := res.doc(t).Find("[data-testid=commit-form] input[name=committed_on]").Attr("value"); v != "2027-03-31" {
		t.Errorf("the date typed was lost: %q", v)
	}

	// Estimates are engineering input: the PM may not estimate.
	res = pm.post(path+"/estimate", url.Values{"size": {"M"}, "estimate_note": {"x"}, "version": {epVersion(t, pm, path)}})
	wantStatus(t, res, http.StatusForbidden)
	// An estimate without why it is complex is refused next to the field.
	res = eng.post(path+"/estimate", url.Values{"size": {"M"}, "version": {epVersion(t, eng, path)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=estimate-form] [data-testid=err-estimate_note]")
	wantRedirect(t, eng.post(path+"/estimate", url.Values{"size": {"M"}, "estimate_note": {"Sharing touches the permission model everywhere."}, "version": {epVersion(t, eng, path)}}), path)

	// Now the PM commits.
	wantRedirect(t, pm.post(path+"/commit", url.Values{"committed_on": {"2027-03-31"}, "version": {epVersion(t, pm, path)}}), path)
	page := pm.get(path).doc(t)
	if got := text(t, page, "[data-testid=fact-committed]"); got != "31 Mar 2027" {
		t.Errorf("committed date shows %q", got)
	}
	if got := text(t, page, "[data-testid=fact-estimate]"); !strings.Contains(got, "M") || !strings.Contains(got, "Emma Engineer") {
		t.Errorf("estimate shows %q", got)
	}
	// Who may commit: not an engineer, not an architect.
	wantStatus(t, eng.post(path+"/commit", url.Values{"committed_on": {"2027-04-30"}, "version": {epVersion(t, eng, path)}}), http.StatusForbidden)
	wantStatus(t, arch.post(path+"/commit", url.Values{"committed_on": {"2027-04-30"}, "version": {epVersion(t, arch, path)}}), http.StatusForbidden)
	// The date can be removed.
	wantRedirect(t, pm.post(path+"/commit", url.Values{"clear": {"1"}, "version": {epVersion(t, pm, path)}}), path)
	if got := text(t, pm.get(path).doc(t), "[data-testid=fact-committed]"); got != "—" {
		t.Errorf("removed date shows %q", got)
	}
}

func TestEpicReadyNeedsFeasibility(t *testing.T) {
	app := newTestApp(t)
	pm, eng, arch, owner := app.signIn("pm@example.com"), app.signIn("engineer@example.com"), app.signIn("architect@example.com"), app.signIn("owner@example.com")
	path := epCreate(t, pm, epProduct("Usage-based billing"))

	res := pm.post(path+"/status", url.Values{"status": {"ready"}, "version": {epVersion(t, pm, path)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	msg := text(t, res.doc(t), "[data-testid=status-form] [data-testid=err-status]")
	if !strings.Contains(msg, "feasibility check-in is done or waived") || !strings.Contains(msg, "An architect can record") {
		t.Errorf("refusal does not explain: %q", msg)
	}

	// Engineers have no say on the check-in; PMs and owners cannot record it done.
	wantStatus(t, eng.post(path+"/feasibility", url.Values{"outcome": {"done"}, "note": {"fine"}, "version": {epVersion(t, eng, path)}}), http.StatusForbidden)
	for _, c := range []*client{pm, owner} {
		res = c.post(path+"/feasibility", url.Values{"outcome": {"done"}, "note": {"fine"}, "version": {epVersion(t, c, path)}})
		wantStatus(t, res, http.StatusForbidden)
		if msg := text(t, res.doc(t), "[data-testid=feasibility-form] [data-testid=err-outcome]"); !strings.Contains(msg, "Only an architect") {
			t.Errorf("refusal %q", msg)
		}
	}
	// The PM's select does not even offer "done".
	if pm.get(path).doc(t).Find("[data-testid=feasibility-form] option[value=done]").Length() != 0 {
		t.Error("the PM is offered to record the check-in as done")
	}
	// Done needs a note.
	res = arch.post(path+"/feasibility", url.Values{"outcome": {"done"}, "version": {epVersion(t, arch, path)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=feasibility-form] [data-testid=err-note]")
	wantRedirect(t, arch.post(path+"/feasibility", url.Values{"outcome": {"done"}, "note": {"Metering needs idempotent events."}, "version": {epVersion(t, arch, path)}}), path)
	wantRedirect(t, pm.post(path+"/status", url.Values{"status": {"ready"}, "version": {epVersion(t, pm, path)}}), path)
	page := pm.get(path).doc(t)
	if got := text(t, page, "[data-testid=fact-status]"); got != "Ready" {
		t.Errorf("status %q", got)
	}
	if got := text(t, page, "[data-testid=fact-feasibility]"); !strings.Contains(got, "Arjun Architect") || !strings.Contains(got, "idempotent") {
		t.Errorf("feasibility shows %q", got)
	}

	// A PM may waive it with a reason; then an engineer moves it on.
	other := epCreate(t, pm, epProduct("GIF attachments"))
	res = pm.post(other+"/feasibility", url.Values{"outcome": {"waived"}, "version": {epVersion(t, pm, other)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=feasibility-form] [data-testid=err-note]")
	wantRedirect(t, pm.post(other+"/feasibility", url.Values{"outcome": {"waived"}, "note": {"Pure front-end change."}, "version": {epVersion(t, pm, other)}}), other)
	wantRedirect(t, eng.post(other+"/status", url.Values{"status": {"ready"}, "version": {epVersion(t, eng, other)}}), other)
}

func TestEpicCreateRules(t *testing.T) {
	app := newTestApp(t)
	pm, eng, viewer := app.signIn("pm@example.com"), app.signIn("engineer@example.com"), app.signIn("viewer@example.com")

	// An enabler must say what it enables.
	res := pm.post("/w/demo/epics", url.Values{"kind": {"enabler"}, "title": {"Pay down the user-management debt"}, "problem": {"Every change to users takes a week."}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	if msg := text(t, d, "[data-testid=epic-create-form] [data-testid=err-enables]"); !strings.Contains(msg, "must say what it enables") {
		t.Errorf("message %q", msg)
	}
	if v, _ := d.Find("#new-title").Attr("value"); v != "Pay down the user-management debt" {
		t.Errorf("title lost: %q", v)
	}
	// Problems, not solutions: the problem is required.
	res = pm.post("/w/demo/epics", url.Values{"kind": {"product"}, "title": {"X"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=err-problem]")
	// Limits are explained.
	res = pm.post("/w/demo/epics", url.Values{"kind": {"product"}, "title": {strings.Repeat("t", 201)}, "problem": {"p"}, "impact": {"9"}, "target_quarter": {"next year"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d = res.doc(t)
	for _, f := range []string{"title", "impact", "target_quarter"} {
		text(t, d, "[data-testid=err-"+f+"]")
	}

	// Engineers propose enablers only; the refusal sits next to the kind.
	res = eng.post("/w/demo/epics", epProduct("Dark mode"))
	wantStatus(t, res, http.StatusForbidden)
	if msg := text(t, res.doc(t), "[data-testid=epic-create-form] [data-testid=err-kind]"); !strings.Contains(msg, "enabler") {
		t.Errorf("kind refusal %q", msg)
	}
	// The engineer's form starts as an enabler they own technically.
	d = eng.get("/w/demo/epics/new").doc(t)
	if v, _ := d.Find("#new-kind option[selected]").Attr("value"); v != "enabler" {
		t.Errorf("engineer's form starts as %q", v)
	}
	path := epCreate(t, eng, url.Values{"kind": {"enabler"}, "title": {"Idempotent metering events"}, "problem": {"Usage is counted twice on retries."},
		"enables": {"Usage-based billing"}})
	page := eng.get(path).doc(t)
	if got := text(t, page, "[data-testid=kind-badge]"); got != "Enabler" {
		t.Errorf("kind badge %q", got)
	}

	// A viewer creates nothing and sees no forms.
	wantStatus(t, viewer.get("/w/demo/epics/new"), http.StatusForbidden)
	wantStatus(t, viewer.post("/w/demo/epics", epProduct("Viewer idea")), http.StatusForbidden)
	res = viewer.get(path)
	wantStatus(t, res, http.StatusOK)
	// Only the comments' forms: every role comments (issue 10).
	if n := res.doc(t).Find("main form").Not("[data-testid=comments] form").Length(); n != 0 {
		t.Errorf("a viewer sees %d forms", n)
	}
	for _, suffix := range []string{"", "/technical", "/status", "/estimate", "/commit", "/feasibility", "/pains"} {
		wantStatus(t, viewer.post(path+suffix, url.Values{"version": {"1"}, "title": {"x"}}), http.StatusForbidden)
	}
	// An engineer sees the technical form but not the product form.
	page = eng.get(path).doc(t)
	if page.Find("[data-testid=product-form]").Length() != 0 || page.Find("[data-testid=technical-form]").Length() != 1 {
		t.Error("the engineer's forms do not follow the permission table")
	}
	// A PM may not edit technical fields.
	wantStatus(t, app.signIn("pm@example.com").post(path+"/technical", url.Values{"effort": {"3"}, "version": {"1"}}), http.StatusForbidden)
}

func TestEpicTechnicalFields(t *testing.T) {
	app := newTestApp(t)
	pm, arch := app.signIn("pm@example.com"), app.signIn("architect@example.com")
	arjun := mustUser(t, app, "architect@example.com")
	path := epCreate(t, pm, epProduct("Collaborators"))
	wantRedirect(t, arch.post(path+"/technical", url.Values{"tech_owner_id": {fmt.Sprint(arjun.ID)}, "effort": {"4"}, "version": {epVersion(t, arch, path)}}), path)
	page := pm.get(path).doc(t)
	if got := text(t, page, "[data-testid=fact-tech-owner]"); got != "Arjun Architect" {
		t.Errorf("tech owner %q", got)
	}
	// A product epic's "enables" is not cleared by the technical form, which does not show it.
	res := arch.post(path+"/technical", url.Values{"effort": {"9"}, "version": {epVersion(t, arch, path)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=technical-form] [data-testid=err-effort]")
	// An owner who is not a member is refused next to the field.
	res = arch.post(path+"/technical", url.Values{"tech_owner_id": {"999999"}, "version": {epVersion(t, arch, path)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=technical-form] [data-testid=err-tech_owner_id]")
}

func TestEpicEditConflictKeepsInput(t *testing.T) {
	app := newTestApp(t)
	pm, owner := app.signIn("pm@example.com"), app.signIn("owner@example.com")
	path := epCreate(t, pm, epProduct("GIF attachments"))

	// Both open the edit form.
	pmForm := epFormValues(pm.get(path).doc(t).Find("[data-testid=product-form]"))
	ownerForm := epFormValues(owner.get(path).doc(t).Find("[data-testid=product-form]"))
	if pmForm.Get("version") == "" || pmForm.Get("title") != "GIF attachments" {
		t.Fatalf("form values %v", pmForm)
	}
	ownerForm.Set("title", "Animated attachments")
	wantRedirect(t, owner.post(path, ownerForm), path)

	// The PM saves on the stale version: a conflict, their input kept.
	pmForm.Set("title", "Rich media attachments")
	pmForm.Set("why_now", "Enterprise trials ask for it.")
	res := pm.post(path, pmForm)
	wantStatus(t, res, http.StatusConflict)
	d := res.doc(t)
	form := d.Find("[data-testid=product-form]")
	if v, _ := form.Find("input[name=title]").Attr("value"); v != "Rich media attachments" {
		t.Errorf("title in form %q", v)
	}
	if v := form.Find("textarea[name=why_now]").Text(); !strings.Contains(v, "Enterprise trials") {
		t.Errorf("why now in form %q", v)
	}
	newVersion, _ := form.Find("input[name=version]").Attr("value")
	if newVersion == pmForm.Get("version") {
		t.Fatal("the form still carries the stale version")
	}
	var mine, theirs string
	d.Find("[data-testid=conflict] [data-testid=conflict-field]").Each(func(_ int, s *goquery.Selection) {
		if strings.TrimSpace(s.Find("th").Text()) == "Title" {
			mine = strings.TrimSpace(s.Find("[data-testid=conflict-mine]").Text())
			theirs = strings.TrimSpace(s.Find("[data-testid=conflict-theirs]").Text())
		}
	})
	if mine != "Rich media attachments" || theirs != "Animated attachments" {
		t.Fatalf("conflict panel: mine %q theirs %q", mine, theirs)
	}
	// Nothing was overwritten meanwhile.
	if got := text(t, owner.get(path).doc(t), "h1[data-testid=epic-title]"); got != "Animated attachments" {
		t.Fatalf("title now %q", got)
	}
	// Saving the re-rendered form applies the PM's version.
	wantRedirect(t, pm.post(path, epFormValues(form)), path)
	if got := text(t, pm.get(path).doc(t), "h1[data-testid=epic-title]"); got != "Rich media attachments" {
		t.Fatalf("title after re-save %q", got)
	}

	// A stale status change is a conflict too.
	res = pm.post(path+"/status", url.Values{"status": {"discovery"}, "version": {pmForm.Get("version")}})
	wantStatus(t, res, http.StatusConflict)
	text(t, res.doc(t), "[data-testid=conflict]")
}

func TestEpicMarkdownIsSanitized(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn("pm@example.com")
	vals := epProduct(`<script>alert("title")</script>`)
	vals.Set("problem", "**Slow** capture <script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(2))")
	path := epCreate(t, pm, vals)
	res := pm.get(path)
	wantStatus(t, res, http.StatusOK)
	d := res.doc(t)
	if d.Find(`body script, script:not([src^="/static/"])`).Length() != 0 || d.Find("[data-testid=epic-problem] img").Length() != 0 {
		t.Fatal("markup from the problem was rendered")
	}
	if d.Find("[data-testid=epic-problem] strong").Text() != "Slow" {
		t.Error("markdown not rendered")
	}
	if href, ok := d.Find("[data-testid=epic-problem] a").Attr("href"); ok && strings.Contains(href, "javascript") {
		t.Errorf("javascript link kept: %q", href)
	}
	if d.Find("[onerror]").Length() != 0 || strings.Contains(res.body, "<script>alert") {
		t.Error("raw markup in the page")
	}
	if got := text(t, d, "h1[data-testid=epic-title]"); got != `<script>alert("title")</script>` {
		t.Errorf("title shown as %q", got)
	}
}

func TestEpicBacklogFiltersAndSorts(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	wsID := app.demoID()
	emma := mustUser(t, app, "engineer@example.com")
	var initiative int64
	if err := app.db.Pool.QueryRow(ctx, `INSERT INTO initiatives (workspace_id, title, driver, horizon) VALUES ($1, 'Backlog test', 'growth', 'now') RETURNING id`, wsID).Scan(&initiative); err != nil {
		t.Fatal(err)
	}
	// title, kind, enables, impact, effort, quarter, tech owner; inserted oldest first.
	rows := []struct {
		title, kind    string
		impact, effort any
		quarter        any
		tech           any
	}{
		{"Alpha", "product", 5, 5, "2027-Q1", nil},
		{"Bravo", "product", 4, 1, "2027-Q2", nil},
		{"Charlie", "enabler", 2, 2, "2027-Q1", emma.ID},
		{"Delta", "product", nil, nil, nil, nil},
		{"Echo", "enabler", 3, 1, "2027-Q2", emma.ID},
	}
	for i, r := range rows {
		if _, err := app.db.Pool.Exec(ctx, `
			INSERT INTO epics (workspace_id, initiative_id, kind, title, problem, enables, impact, effort, target_quarter, tech_owner_id, updated_at)
			VALUES ($1, $2, $3, $4, 'p', CASE WHEN $3 = 'enabler' THEN 'billing' ELSE '' END, $5, $6, $7, $8, now() - make_interval(mins => $9))`,
			wsID, initiative, r.kind, r.title, r.impact, r.effort, r.quarter, r.tech, 100-i); err != nil {
			t.Fatal(err)
		}
	}
	viewer := app.signIn("viewer@example.com")
	list := func(query string) (titles []string, kinds []string) {
		t.Helper()
		res := viewer.get(fmt.Sprintf("/w/demo/epics?initiative=%d&%s", initiative, query))
		wantStatus(t, res, http.StatusOK)
		res.doc(t).Find("[data-testid=epic-row]").Each(func(_ int, s *goquery.Selection) {
			titles = append(titles, strings.TrimSpace(s.Find("[data-testid=epic-title]").Text()))
			kinds = append(kinds, strings.TrimSpace(s.Find("[data-testid=kind-badge]").Text()))
		})
		return titles, kinds
	}
	for _, c := range []struct{ query, want string }{
		{"", "Echo Delta Charlie Bravo Alpha"},
		{"sort=updated", "Echo Delta Charlie Bravo Alpha"},
		{"sort=impact", "Alpha Bravo Echo Charlie Delta"},
		{"sort=effort", "Echo Bravo Charlie Alpha Delta"},
		{"sort=ratio", "Bravo Echo Charlie Alpha Delta"},
		{"kind=enabler", "Echo Charlie"},
		{"kind=product&sort=impact", "Alpha Bravo Delta"},
		{"quarter=2027-Q1", "Charlie Alpha"},
		{fmt.Sprintf("owner=%d", emma.ID), "Echo Charlie"},
		{"status=idea&kind=product&quarter=2027-Q2", "Bravo"},
		{"status=ready", ""},
		{"sort=bogus&status=bogus", "Echo Delta Charlie Bravo Alpha"},
	} {
		got, _ := list(c.query)
		if strings.Join(got, " ") != c.want {
			t.Errorf("?%s: %v, want %s", c.query, got, c.want)
		}
	}
	// Enablers are distinct in words, not colour alone.
	titles, kinds := list("")
	for i := range titles {
		want := "Product"
		if titles[i] == "Charlie" || titles[i] == "Echo" {
			want = "Enabler"
		}
		if kinds[i] != want {
			t.Errorf("%s badge %q, want %q", titles[i], kinds[i], want)
		}
	}
	// The filter form keeps the choices and works as a GET form with labels.
	res := viewer.get(fmt.Sprintf("/w/demo/epics?initiative=%d&sort=ratio&kind=enabler", initiative))
	d := res.doc(t)
	if v, _ := d.Find("#flt-sort option[selected]").Attr("value"); v != "ratio" {
		t.Errorf("sort choice %q", v)
	}
	d.Find("[data-testid=epic-filters] select").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if d.Find("label[for="+id+"]").Length() != 1 {
			t.Errorf("select %s has no label", id)
		}
	})

	// Paging: 50 per page, filters kept in the links.
	if _, err := app.db.Pool.Exec(ctx, `
		INSERT INTO epics (workspace_id, initiative_id, kind, title, problem)
		SELECT $1, $2, 'product', 'Bulk ' || g, 'p' FROM generate_series(1, 60) g`, wsID, initiative); err != nil {
		t.Fatal(err)
	}
	res = viewer.get(fmt.Sprintf("/w/demo/epics?initiative=%d", initiative))
	d = res.doc(t)
	if n := d.Find("[data-testid=epic-row]").Length(); n != 50 {
		t.Fatalf("page 1 has %d rows", n)
	}
	next, _ := d.Find("[data-testid=next-page]").Attr("href")
	if !strings.Contains(next, "page=2") || !strings.Contains(next, fmt.Sprintf("initiative=%d", initiative)) {
		t.Fatalf("next link %q", next)
	}
	if n := viewer.get(next).doc(t).Find("[data-testid=epic-row]").Length(); n != 15 {
		t.Fatalf("page 2 has %d rows", n)
	}
}

func TestEpicFromPain(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	wsID := app.demoID()
	var painID int64
	if err := app.db.Pool.QueryRow(ctx, `INSERT INTO pain_notes (workspace_id, quote, source, customer, severity, frequency, firsthand, heard_on)
		VALUES ($1, 'This takes too long every day and blocks my team', 'interview', 'Acme', 5, 'daily', true, current_date) RETURNING id`, wsID).Scan(&painID); err != nil {
		t.Fatal(err)
	}
	pm := app.signIn("pm@example.com")
	res := pm.get(fmt.Sprintf("/w/demo/epics/new?pain=%d", painID))
	wantStatus(t, res, http.StatusOK)
	d := res.doc(t)
	problem := d.Find("#new-problem").Text()
	if !strings.Contains(problem, "> This takes too long every day and blocks my team") {
		t.Fatalf("problem not prefilled with the quote: %q", problem)
	}
	form := epFormValues(d.Find("[data-testid=epic-create-form]"))
	if form.Get("pain") != fmt.Sprint(painID) {
		t.Fatalf("the form does not carry the pain: %v", form)
	}
	form.Set("title", "Capture in seconds")
	path := epCreate(t, pm, form)
	page := pm.get(path).doc(t)
	if got := text(t, page, "[data-testid=epic-pain] blockquote"); got != "This takes too long every day and blocks my team" {
		t.Errorf("linked pain %q", got)
	}
	if got := text(t, page, "[data-testid=epic-problem] blockquote"); !strings.Contains(got, "blocks my team") {
		t.Errorf("problem quote %q", got)
	}
	// An engineer cannot link pains, so cannot start from one.
	wantStatus(t, app.signIn("engineer@example.com").get(fmt.Sprintf("/w/demo/epics/new?pain=%d", painID)), http.StatusForbidden)
}

func TestEpicPainLinkAndHistory(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	wsID := app.demoID()
	var painID int64
	if err := app.db.Pool.QueryRow(ctx, `INSERT INTO pain_notes (workspace_id, quote, source, severity, frequency, firsthand, heard_on)
		VALUES ($1, 'Customers complain about latency in task updates', 'support', 3, 'weekly', false, current_date) RETURNING id`, wsID).Scan(&painID); err != nil {
		t.Fatal(err)
	}
	pm := app.signIn("pm@example.com")
	path := epCreate(t, pm, epProduct("Faster task updates"))

	res := pm.post(path+"/pains", url.Values{})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=link-pain-form] [data-testid=err-pain_id]")
	wantRedirect(t, pm.post(path+"/pains", url.Values{"pain_id": {fmt.Sprint(painID)}}), path)
	wantRedirect(t, pm.post(path+"/pains", url.Values{"pain_id": {fmt.Sprint(painID)}}), path) // twice is a no-op
	d := pm.get(path).doc(t)
	if n := d.Find("[data-testid=epic-pain]").Length(); n != 1 {
		t.Fatalf("%d pains shown", n)
	}
	unlink := fmt.Sprintf("%s/pains/%d/unlink", path, painID)
	wantRedirect(t, pm.post(unlink, nil), path)
	wantRedirect(t, pm.post(unlink, nil), path) // idempotent
	if n := pm.get(path).doc(t).Find("[data-testid=epic-pain]").Length(); n != 0 {
		t.Fatalf("%d pains after unlink", n)
	}
	wantStatus(t, app.signIn("architect@example.com").post(unlink, nil), http.StatusForbidden)

	// History: who changed what, old → new.
	wantRedirect(t, pm.post(path+"/status", url.Values{"status": {"discovery"}, "version": {epVersion(t, pm, path)}}), path)
	var entries []string
	pm.get(path).doc(t).Find("[data-testid=history-entry]").Each(func(_ int, s *goquery.Selection) {
		entries = append(entries, strings.Join(strings.Fields(s.Text()), " "))
	})
	joined := strings.Join(entries, "\n")
	for _, want := range []string{"Priya PM changed the status", "Status: Idea → Discovery", "Priya PM created the epic",
		"Priya PM linked the customer pain", "Priya PM unlinked the customer pain"} {
		if !strings.Contains(joined, want) {
			t.Errorf("history lacks %q:\n%s", want, joined)
		}
	}
	if !strings.HasPrefix(entries[0], "Priya PM changed the status") {
		t.Errorf("history is not newest first: %q", entries[0])
	}
}

func TestEpicRevalidateAfterLaterShift(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	wsID := app.demoID()
	var first int64
	if err := app.db.Pool.QueryRow(ctx, `INSERT INTO strategy_shifts (workspace_id, title, from_phase, to_phase, shifted_on) VALUES ($1, 'Growth first', 'stability', 'growth', '2026-01-10') RETURNING id`, wsID).Scan(&first); err != nil {
		t.Fatal(err)
	}
	pm := app.signIn("pm@example.com")
	vals := epProduct("Engagement dashboard")
	vals.Set("shift_id", fmt.Sprint(first))
	path := epCreate(t, pm, vals)
	if pm.get(path).doc(t).Find("[data-testid=revalidate-flag]").Length() != 0 {
		t.Fatal("flagged before any later shift")
	}
	if _, err := app.db.Pool.Exec(ctx, `INSERT INTO strategy_shifts (workspace_id, title, from_phase, to_phase, shifted_on) VALUES ($1, 'Moving upmarket', 'growth', 'profitability', '2026-06-01')`, wsID); err != nil {
		t.Fatal(err)
	}
	d := pm.get(path).doc(t)
	text(t, d, "[data-testid=revalidate-flag]")
	form := epFormValues(d.Find("[data-testid=revalidate] form"))
	if form.Get("revalidate") != "1" {
		t.Fatalf("confirm form %v", form)
	}
	// Viewers see the flag but not the button.
	vd := app.signIn("viewer@example.com").get(path).doc(t)
	if vd.Find("[data-testid=revalidate-flag]").Length() == 0 || vd.Find("[data-testid=confirm-valid]").Length() != 0 {
		t.Error("viewer's view of the flag is wrong")
	}
	// The backlog flags it too.
	if app.signIn("viewer@example.com").get("/w/demo/epics").doc(t).Find("[data-testid=revalidate-flag]").Length() == 0 {
		t.Error("the backlog does not flag it")
	}
	wantRedirect(t, pm.post(path, form), path)
	if pm.get(path).doc(t).Find("[data-testid=revalidate-flag]").Length() != 0 {
		t.Fatal("still flagged after the PM confirmed it")
	}
}

func TestEpicRoutesRefuseOtherWorkspaces(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	wsID := app.demoID()
	globex, other := app.otherWorkspace("globex", "Globex", "other-owner@example.com", "Other Owner")
	var foreignEpic, foreignPain, homePain int64
	q := func(dst *int64, sql string, args ...any) {
		if err := app.db.Pool.QueryRow(ctx, sql, args...).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	q(&foreignEpic, `INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', 'Theirs', 'p') RETURNING id`, globex.ID)
	q(&foreignPain, `INSERT INTO pain_notes (workspace_id, quote, source, severity, frequency, firsthand, heard_on) VALUES ($1, 'theirs', 'sales', 2, 'once', false, current_date) RETURNING id`, globex.ID)
	q(&homePain, `INSERT INTO pain_notes (workspace_id, quote, source, severity, frequency, firsthand, heard_on) VALUES ($1, 'ours', 'sales', 2, 'once', false, current_date) RETURNING id`, wsID)

	pm, eng, arch := app.signIn("pm@example.com"), app.signIn("engineer@example.com"), app.signIn("architect@example.com")
	home := epCreate(t, pm, epProduct("Ours"))
	foreign := fmt.Sprintf("/w/demo/epics/%d", foreignEpic)
	full := url.Values{"title": {"x"}, "problem": {"y"}, "version": {"1"}, "status": {"discovery"}, "size": {"S"}, "estimate_note": {"x"},
		"committed_on": {"2027-01-01"}, "outcome": {"requested"}, "effort": {"2"}, "pain_id": {fmt.Sprint(homePain)}}
	for _, c := range []struct {
		who  *client
		post bool
		path string
	}{
		{pm, false, foreign},
		{pm, true, foreign},
		{eng, true, foreign + "/technical"},
		{pm, true, foreign + "/status"},
		{eng, true, foreign + "/estimate"},
		{pm, true, foreign + "/commit"},
		{arch, true, foreign + "/feasibility"},
		{pm, true, foreign + "/pains"},
		{pm, true, fmt.Sprintf("%s/pains/%d/unlink", foreign, homePain)},
		{pm, true, fmt.Sprintf("%s/pains/%d/unlink", home, foreignPain)},
		{pm, false, fmt.Sprintf("/w/demo/epics/new?pain=%d", foreignPain)},
		{pm, false, "/w/demo/epics/abc"},
	} {
		var res *response
		if c.post {
			res = c.who.post(c.path, full)
		} else {
			res = c.who.get(c.path)
		}
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404", res.Request.Method, c.path, res.StatusCode)
		}
	}
	// A foreign pain can neither be linked nor start an epic.
	wantStatus(t, pm.post(home+"/pains", url.Values{"pain_id": {fmt.Sprint(foreignPain)}}), http.StatusNotFound)
	vals := epProduct("From their pain")
	vals.Set("pain", fmt.Sprint(foreignPain))
	wantStatus(t, pm.post("/w/demo/epics", vals), http.StatusNotFound)
	// A foreign initiative or owner is refused next to its field.
	var foreignInit int64
	q(&foreignInit, `INSERT INTO initiatives (workspace_id, title, driver, horizon) VALUES ($1, 'Theirs', 'growth', 'now') RETURNING id`, globex.ID)
	vals = epProduct("Bad refs")
	vals.Set("initiative_id", fmt.Sprint(foreignInit))
	vals.Set("pm_owner_id", fmt.Sprint(other.ID))
	res := pm.post("/w/demo/epics", vals)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	text(t, d, "[data-testid=err-initiative_id]")
	text(t, d, "[data-testid=err-pm_owner_id]")
	// Their epic is untouched.
	var title string
	_ = app.db.Pool.QueryRow(ctx, `SELECT title FROM epics WHERE id = $1`, foreignEpic).Scan(&title)
	if title != "Theirs" {
		t.Fatalf("foreign epic changed: %q", title)
	}
}

func TestEpicPagesRunAFixedNumberOfQueries(t *testing.T) {
	app := newCountingApp(t)
	counter, db := app.counter, app.db
	ctx := context.Background()
	wsID := app.demoID()
	pmUser := mustUser(t, app, "pm@example.com")
	var epicID int64
	if err := db.Pool.QueryRow(ctx, `INSERT INTO epics (workspace_id, kind, title, problem, pm_owner_id) VALUES ($1, 'product', 'Measured', 'p', $2) RETURNING id`, wsID, pmUser.ID).Scan(&epicID); err != nil {
		t.Fatal(err)
	}
	// add n more epics, n pains linked to the measured epic, n history rows about it.
	add := func(n int) {
		t.Helper()
		for _, st := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO epics (workspace_id, kind, title, problem, enables, impact, effort, target_quarter, pm_owner_id)
			 SELECT $1, CASE WHEN g % 3 = 0 THEN 'enabler' ELSE 'product' END, 'Epic ' || g || '-' || $2::int, 'p', 'x', 1 + g % 5, 1 + g % 4, '2027-Q' || (1 + g % 4), $3
			 FROM generate_series(1, $2::int) g`, []any{wsID, n, pmUser.ID}},
			{`WITH p AS (
			   INSERT INTO pain_notes (workspace_id, quote, source, severity, frequency, firsthand, heard_on)
			   SELECT $1, 'Pain ' || g || '-' || $2::int, 'interview', 1 + g % 5, 'daily', g % 2 = 0, current_date FROM generate_series(1, $2::int) g
			   RETURNING id)
			 INSERT INTO epic_pains (workspace_id, epic_id, pain_id) SELECT $1, $3, id FROM p`, []any{wsID, n, epicID}},
			{`INSERT INTO activity (workspace_id, actor_id, verb, item_type, item_id, summary, changes)
			 SELECT $1, $3, 'epic.status_changed', 'epic', $4, 'Measured', '{"status": {"from": "idea", "to": "discovery"}}'
			 FROM generate_series(1, $2::int) g`, []any{wsID, n, pmUser.ID, epicID}},
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
	clients := map[string]*client{"pm": app.signIn("pm@example.com"), "viewer": app.signIn("viewer@example.com"), "architect": app.signIn("architect@example.com")}
	paths := []string{"/w/demo/epics", fmt.Sprintf("/w/demo/epics/%d", epicID), "/w/demo/epics?sort=ratio&kind=product", "/w/demo/epics/new"}
	small := map[string]int64{}
	add(3)
	for who, c := range clients {
		for _, p := range paths {
			if who == "viewer" && p == "/w/demo/epics/new" {
				continue
			}
			small[who+" "+p] = count(c, p)
		}
	}
	add(197)
	for who, c := range clients {
		for _, p := range paths {
			if who == "viewer" && p == "/w/demo/epics/new" {
				continue
			}
			if got := count(c, p); got != small[who+" "+p] {
				t.Errorf("GET %s as %s: %d queries with 200 epics, pains and history rows; %d with 3", p, who, got, small[who+" "+p])
			} else {
				t.Logf("GET %s as %s: %d queries", p, who, got)
			}
		}
	}
}
