package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// iniShift logs a strategy shift directly, as the strategy pages would.
func iniShift(t testing.TB, app *testApp, wsID int64, title, on string) int64 {
	t.Helper()
	var id int64
	if err := app.db.Pool.QueryRow(context.Background(), `INSERT INTO strategy_shifts (workspace_id, title, from_phase, to_phase, shifted_on)
		VALUES ($1, $2, 'growth', 'profitability', $3::date) RETURNING id`, wsID, title, on).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// iniCard finds an initiative's card on the list page by title.
func iniCard(t testing.TB, res *response, title string) *goquerySelection {
	t.Helper()
	var card *goquerySelection
	res.doc(t).Find("[data-testid=initiative]").Each(func(_ int, s *goquerySelection) {
		if strings.TrimSpace(s.Find("h3").Text()) == title {
			card = s
		}
	})
	if card == nil {
		t.Fatalf("no initiative card %q", title)
	}
	return card
}

func TestInitiativeCreateAndValidation(t *testing.T) {
	app := newTestApp(t)
	ws, _ := piDemo(t, app)
	shift := iniShift(t, app, ws.ID, "Moving upmarket", "2026-01-10")
	pm := app.signIn("pm@example.com")
	page := pm.get("/w/demo/initiatives")
	wantStatus(t, page, http.StatusOK)
	d := page.doc(t)
	for _, h := range []string{"now", "next", "later"} {
		if d.Find("[data-testid=horizon-"+h+"]").Length() != 1 {
			t.Errorf("no %s band", h)
		}
	}
	d.Find("[data-testid=initiative-form] input, [data-testid=initiative-form] select, [data-testid=initiative-form] textarea").Each(func(_ int, s *goquerySelection) {
		id, _ := s.Attr("id")
		if id == "" || d.Find(fmt.Sprintf("label[for=%q]", id)).Length() == 0 {
			name, _ := s.Attr("name")
			t.Errorf("field %s has no label", name)
		}
	})
	if d.Find(fmt.Sprintf("[data-testid=initiative-form] select[name=shift_id] option[value='%d']", shift)).Length() == 0 {
		t.Fatal("the shift is not offered")
	}
	pmUser, _ := app.db.UserByEmail(context.Background(), "pm@example.com")
	if v, _ := d.Find("[data-testid=initiative-form] select[name=owner_id] option[selected]").Attr("value"); v != fmt.Sprint(pmUser.ID) {
		t.Errorf("owner defaults to %q", v)
	}

	// Bad input: messages next to the fields, input kept.
	res := pm.post("/w/demo/initiatives", url.Values{"title": {""}, "description": {"Kept *text*"}, "driver": {"fame"}, "horizon": {"soon"}, "shift_id": {"abc"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d = res.doc(t)
	for _, f := range []string{"title", "driver", "horizon", "shift_id"} {
		if d.Find("[data-testid=initiative-form] [data-testid=err-"+f+"]").Length() == 0 {
			t.Errorf("no message for %s", f)
		}
	}
	if got := d.Find("[data-testid=initiative-form] textarea[name=description]").Text(); got != "Kept *text*" {
		t.Errorf("description not kept: %q", got)
	}
	long := strings.Repeat("x", 201)
	res = pm.post("/w/demo/initiatives", url.Values{"title": {long}, "driver": {"growth"}, "horizon": {"now"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := text(t, res.doc(t), "[data-testid=err-title]"); !strings.Contains(msg, "200") {
		t.Errorf("title message %q", msg)
	}
	// Another workspace's shift is refused on the field.
	_, _, theirInitiative := piForeign(t, app)
	var theirShift int64
	if err := app.db.Pool.QueryRow(context.Background(), `SELECT shift_id FROM initiatives WHERE id = $1`, theirInitiative).Scan(&theirShift); err != nil {
		t.Fatal(err)
	}
	res = pm.post("/w/demo/initiatives", url.Values{"title": {"Sneaky"}, "driver": {"growth"}, "horizon": {"now"}, "shift_id": {fmt.Sprint(theirShift)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=err-shift_id]")

	// A good one lands in its band, with its details.
	res = pm.post("/w/demo/initiatives", url.Values{"title": {"Metered billing pilot"}, "description": {"Charge by **use**.\n\n<script>alert(1)</script>"},
		"driver": {"growth"}, "horizon": {"now"}, "shift_id": {fmt.Sprint(shift)}, "owner_id": {fmt.Sprint(pmUser.ID)}})
	wantRedirect(t, res, "/w/demo/initiatives/")
	page = pm.get(res.Header.Get("Location"))
	wantStatus(t, page, http.StatusOK)
	d = page.doc(t)
	if got := text(t, d, "[data-testid=initiative-title]"); got != "Metered billing pilot" {
		t.Errorf("title %q", got)
	}
	if d.Find(".md strong").Length() != 1 || d.Find("main script").Length() != 0 {
		t.Error("description is not rendered as sanitized markdown")
	}
	if !strings.Contains(text(t, d, "[data-testid=activity]"), "created initiative") {
		t.Error("creation is not in the history")
	}
	card := iniCard(t, pm.get("/w/demo/initiatives"), "Metered billing pilot")
	if card.Closest("[data-testid=horizon-now]").Length() != 1 {
		t.Error("not in the now band")
	}
	if got := strings.TrimSpace(card.Find("[data-testid=shift]").Text()); got != "Moving upmarket" {
		t.Errorf("shift shown %q", got)
	}
	if got := strings.TrimSpace(card.Find("[data-testid=epic-counts]").Text()); got != "0 product · 0 enabler" {
		t.Errorf("epic counts %q", got)
	}
}

func TestInitiativeEpicsAndCounts(t *testing.T) {
	app := newTestApp(t)
	ws, _ := piDemo(t, app)
	var id int64
	if err := app.db.Pool.QueryRow(context.Background(), `INSERT INTO initiatives (workspace_id, title, driver, horizon) VALUES ($1, 'Shared lists pilot', 'retention', 'next') RETURNING id`, ws.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := app.db.Pool.Exec(context.Background(), `INSERT INTO epics (workspace_id, initiative_id, kind, title, problem, enables) VALUES
		($1, $2, 'product', 'Collaborators on a to-do list', 'x', ''), ($1, $2, 'enabler', 'Pay down the user-management debt', 'x', 'Collaborators')`, ws.ID, id); err != nil {
		t.Fatal(err)
	}
	viewer := app.signIn("viewer@example.com")
	card := iniCard(t, viewer.get("/w/demo/initiatives"), "Shared lists pilot")
	if got := strings.TrimSpace(card.Find("[data-testid=epic-counts]").Text()); got != "1 product · 1 enabler" {
		t.Errorf("epic counts %q", got)
	}
	if card.Closest("[data-testid=horizon-next]").Length() != 1 {
		t.Error("not in the next band")
	}
	d := viewer.get(fmt.Sprintf("/w/demo/initiatives/%d", id)).doc(t)
	var hrefs []string
	d.Find("[data-testid=initiative-epics] a").Each(func(_ int, s *goquerySelection) {
		h, _ := s.Attr("href")
		hrefs = append(hrefs, h)
	})
	if len(hrefs) != 2 || !strings.HasPrefix(hrefs[0], "/w/demo/epics/") {
		t.Errorf("epic links %v", hrefs)
	}
	if d.Find("[data-testid=initiative-edit-form]").Length() != 0 {
		t.Error("viewer is offered the edit form")
	}
}

func TestInitiativeEditConflict(t *testing.T) {
	app := newTestApp(t)
	ws, _ := piDemo(t, app)
	var id int64
	if err := app.db.Pool.QueryRow(context.Background(), `INSERT INTO initiatives (workspace_id, title, description, driver, horizon) VALUES ($1, 'Billing', 'Old words', 'growth', 'now') RETURNING id`, ws.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/w/demo/initiatives/%d", id)
	pm := app.signIn("pm@example.com")
	owner := app.signIn("owner@example.com")
	formOf := func(res *response) url.Values {
		t.Helper()
		d := res.doc(t)
		v := url.Values{}
		d.Find("[data-testid=initiative-edit-form] input, [data-testid=initiative-edit-form] select, [data-testid=initiative-edit-form] textarea").Each(func(_ int, s *goquerySelection) {
			name, _ := s.Attr("name")
			switch {
			case s.Is("textarea"):
				v.Set(name, s.Text())
			case s.Is("select"):
				val, _ := s.Find("option[selected]").Attr("value")
				v.Set(name, val)
			default:
				val, _ := s.Attr("value")
				v.Set(name, val)
			}
		})
		return v
	}
	mine, theirs := formOf(pm.get(path)), formOf(owner.get(path))
	if mine.Get("title") != "Billing" || mine.Get("driver") != "growth" || mine.Get("version") != "1" {
		t.Fatalf("edit form %v", mine)
	}
	theirs.Set("title", "Usage-based billing")
	wantRedirect(t, owner.post(path, theirs), path)
	mine.Set("description", "My careful rewrite")
	mine.Set("horizon", "later")
	res := pm.post(path, mine)
	wantStatus(t, res, http.StatusConflict)
	d := res.doc(t)
	if got := d.Find("[data-testid=initiative-edit-form] textarea[name=description]").Text(); got != "My careful rewrite" {
		t.Errorf("description not kept: %q", got)
	}
	if v, _ := d.Find("[data-testid=initiative-edit-form] input[name=version]").Attr("value"); v != "2" {
		t.Errorf("version %q", v)
	}
	if d.Find("[data-testid=conflict] [data-testid=conflict-field]").Length() < 2 {
		t.Error("the conflict does not show both sides")
	}
	if !strings.Contains(d.Find("[data-testid=conflict]").Text(), "Usage-based billing") {
		t.Error("the conflict does not show the saved title")
	}
	// Saving again applies the whole of my form over theirs.
	wantRedirect(t, pm.post(path, formOf(res)), path)
	in, _ := app.db.InitiativeByID(context.Background(), ws.ID, id)
	if in.Description != "My careful rewrite" || in.Horizon != "later" || in.Version != 3 {
		t.Fatalf("after re-apply: %+v", in)
	}
	// Validation on edit.
	bad := formOf(pm.get(path))
	bad.Set("title", "")
	res = pm.post(path, bad)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=initiative-edit-form] [data-testid=err-title]")
	wantStatus(t, pm.post(path, nil), http.StatusUnprocessableEntity)
	// Roles that may not edit are refused.
	for _, email := range []string{"viewer@example.com", "engineer@example.com", "architect@example.com"} {
		c := app.signIn(email)
		wantStatus(t, c.post(path, formOf(pm.get(path))), http.StatusForbidden)
		wantStatus(t, c.post(path+"/revalidate", nil), http.StatusForbidden)
	}
}

func TestInitiativeRevalidateFlag(t *testing.T) {
	app := newTestApp(t)
	ws, _ := piDemo(t, app)
	prompt := iniShift(t, app, ws.ID, "Moving upmarket", "2026-01-10")
	pm := app.signIn("pm@example.com")
	res := pm.post("/w/demo/initiatives", url.Values{"title": {"Metered billing pilot"}, "driver": {"growth"}, "horizon": {"now"}, "shift_id": {fmt.Sprint(prompt)}})
	wantRedirect(t, res, "/w/demo/initiatives/")
	path := res.Header.Get("Location")

	flagged := func() bool {
		t.Helper()
		card := iniCard(t, pm.get("/w/demo/initiatives"), "Metered billing pilot")
		onCard := card.Find("[data-testid=revalidate]").Length() == 1
		onPage := pm.get(path).doc(t).Find("[data-testid=revalidate-banner]").Length() == 1
		if onCard != onPage {
			t.Fatalf("list (%v) and page (%v) disagree", onCard, onPage)
		}
		return onCard
	}
	if flagged() {
		t.Fatal("flagged before any later shift")
	}
	iniShift(t, app, ws.ID, "Profitability first", "2026-06-01")
	if !flagged() {
		t.Fatal("not flagged after a later shift")
	}
	d := pm.get(path).doc(t)
	if !strings.Contains(text(t, d, "[data-testid=revalidate-banner]"), "Profitability first") {
		t.Error("the banner does not name the later shift")
	}
	// A viewer sees the banner but cannot confirm.
	vd := app.signIn("viewer@example.com").get(path).doc(t)
	if vd.Find("[data-testid=revalidate-banner]").Length() != 1 || vd.Find("[data-testid=confirm-valid]").Length() != 0 {
		t.Error("viewer: banner without a confirm button expected")
	}
	form := d.Find("[data-testid=revalidate-banner] form")
	action, _ := form.Attr("action")
	wantRedirect(t, pm.post(action, nil), path)
	if flagged() {
		t.Fatal("still flagged after confirming")
	}
	if !strings.Contains(text(t, pm.get(path).doc(t), "[data-testid=activity]"), "still holds after the latest strategy shift") {
		t.Error("the confirmation is not in the history")
	}
}
