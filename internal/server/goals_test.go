package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

// goalRow finds a goal on the goals page by title.
func goalRow(t testing.TB, res *response, title string) *goquerySelection {
	t.Helper()
	var row *goquerySelection
	res.doc(t).Find("[data-testid=goal]").Each(func(_ int, li *goquerySelection) {
		if strings.TrimSpace(li.Find("a.goal-title").Text()) == title {
			row = li
		}
	})
	if row == nil {
		t.Fatalf("no goal %q on the page", title)
	}
	return row
}

func TestGoalCreateValidationAndProgress(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn(demoEmail(sightline.RolePM))

	// Missing metric, target equal to baseline, a bad number and date: 422,
	// a message next to each field, the input kept.
	res := pm.post("/w/demo/goals", url.Values{"title": {"Paid teams"}, "metric": {""}, "unit": {"teams"},
		"baseline": {"100"}, "target": {"100"}, "current": {"lots"}, "due_on": {"next year"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	for field, want := range map[string]string{
		"metric":  "This is required.",
		"target":  "The target must differ from the baseline",
		"current": "Enter a number",
		"due_on":  "YYYY-MM-DD",
	} {
		if got := text(t, d, "[data-testid=goal-form] [data-testid=err-"+field+"]"); !strings.Contains(got, want) {
			t.Errorf("message next to %s: %q, want %q", field, got, want)
		}
	}
	for field, want := range map[string]string{"title": "Paid teams", "unit": "teams", "baseline": "100", "target": "100", "current": "lots"} {
		if v, _ := d.Find("[data-testid=goal-form] #f-" + field).Attr("value"); v != want {
			t.Errorf("input %s kept as %q, want %q", field, v, want)
		}
	}
	// Too long a title and unit.
	res = pm.post("/w/demo/goals", url.Values{"title": {strings.Repeat("t", 201)}, "metric": {"m"}, "unit": {strings.Repeat("u", 21)},
		"baseline": {"0"}, "target": {"1"}, "current": {"0"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d = res.doc(t)
	if d.Find("[data-testid=err-title]").Length() != 1 || d.Find("[data-testid=err-unit]").Length() != 1 {
		t.Error("no messages for the over-long title and unit")
	}

	res = pm.post("/w/demo/goals", url.Values{"title": {"Paid teams (test)"}, "metric": {"paying team workspaces"}, "unit": {"teams"},
		"baseline": {"100"}, "target": {"200"}, "current": {"125"}, "due_on": {"2027-06-30"}})
	wantRedirect(t, res, "/w/demo/goals")
	row := goalRow(t, pm.get("/w/demo/goals"), "Paid teams (test)")
	bar := row.Find("[data-testid=goal-progress]")
	if v, _ := bar.Attr("data-progress"); v != "25" {
		t.Errorf("progress %q, want 25", v)
	}
	if v, _ := bar.Attr("aria-valuenow"); v != "25" {
		t.Errorf("aria-valuenow %q", v)
	}
	if w, _ := bar.Find("rect.goal-track-fill").Attr("width"); w != "25.0" {
		t.Errorf("bar fill width %q", w)
	}
	if got := strings.TrimSpace(row.Find("[data-testid=goal-target]").Text()); got != "200 teams" {
		t.Errorf("target shown %q", got)
	}
	if !strings.Contains(row.Text(), "30 Jun 2027") {
		t.Error("due date not shown")
	}
	// The dashboard shows the same bar.
	if v, _ := goalRow(t, pm.get("/w/demo"), "Paid teams (test)").Find("[data-testid=goal-progress]").Attr("data-progress"); v != "25" {
		t.Errorf("dashboard progress %q", v)
	}
	// A decreasing goal (latency down) past its target is full, not over 100.
	wantRedirect(t, pm.post("/w/demo/goals", url.Values{"title": {"Faster updates"}, "metric": {"p95 latency"}, "unit": {"ms"},
		"baseline": {"800"}, "target": {"200"}, "current": {"150"}}), "/w/demo/goals")
	if v, _ := goalRow(t, pm.get("/w/demo/goals"), "Faster updates").Find("[data-testid=goal-progress]").Attr("data-progress"); v != "100" {
		t.Errorf("progress past the target %q", v)
	}

	// Only owners and PMs may create goals.
	for _, r := range []sightline.Role{sightline.RoleArchitect, sightline.RoleEngineer, sightline.RoleViewer} {
		c := app.signIn(demoEmail(r))
		wantStatus(t, c.post("/w/demo/goals", url.Values{"title": {"x"}, "metric": {"m"}, "baseline": {"0"}, "target": {"1"}, "current": {"0"}}), http.StatusForbidden)
		if c.get("/w/demo/goals").doc(t).Find("[data-testid=goal-form]").Length() != 0 {
			t.Errorf("%s sees the create form", r)
		}
	}
}

func TestGoalEditConflict(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn(demoEmail(sightline.RolePM))
	owner := app.signIn(demoEmail(sightline.RoleOwner))
	ws := stratDemoWS(t, app)
	g, err := app.db.CreateGoal(context.Background(), postgres.Actor{UserID: mustUser(t, app, "pm@example.com").ID}, ws.ID,
		sightline.Goal{Title: "Activation", Metric: "activated teams", Unit: "%", Baseline: 20, Target: 40, Current: 25})
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/w/demo/goals/%d", g.ID)
	page := pm.get(path)
	wantStatus(t, page, http.StatusOK)
	form := url.Values{}
	page.doc(t).Find("[data-testid=goal-edit-form] input").Each(func(_ int, in *goquerySelection) {
		name, _ := in.Attr("name")
		v, _ := in.Attr("value")
		form.Set(name, v)
	})
	if form.Get("baseline") != "20" || form.Get("version") != "1" {
		t.Fatalf("edit form %v", form)
	}
	theirs := url.Values{}
	for k, v := range form {
		theirs[k] = v
	}
	theirs.Set("current", "30")
	wantRedirect(t, owner.post(path, theirs), path)

	form.Set("current", "28")
	form.Set("title", "Activation (PM)")
	res := pm.post(path, form)
	wantStatus(t, res, http.StatusConflict)
	d := res.doc(t)
	if d.Find("[data-testid=conflict]").Length() != 1 {
		t.Fatal("no conflict panel")
	}
	if v, _ := d.Find("#f-current").Attr("value"); v != "28" {
		t.Errorf("typed current lost: %q", v)
	}
	if v, _ := d.Find("#f-title").Attr("value"); v != "Activation (PM)" {
		t.Errorf("typed title lost: %q", v)
	}
	if v, _ := d.Find("[data-testid=goal-edit-form] input[name=version]").Attr("value"); v != "2" {
		t.Errorf("version in the conflict form %q, want 2", v)
	}
	if cur, _ := app.db.GoalByID(context.Background(), ws.ID, g.ID); cur.Current != 30 {
		t.Fatalf("stale save overwrote current: %v", cur.Current)
	}
	// Saving again applies the PM's values; the history shows both edits.
	form.Set("version", "2")
	wantRedirect(t, pm.post(path, form), path)
	d = pm.get(path).doc(t)
	if v, _ := d.Find("[data-testid=goal-progress]").Attr("data-progress"); v != "40" {
		t.Errorf("progress after edit %q, want 40", v)
	}
	if n := d.Find("[data-testid=activity] li").Length(); n != 3 {
		t.Errorf("history has %d entries, want 3", n)
	}
	// Invalid edit: 422 with the message next to the field.
	form.Set("version", "3")
	form.Set("target", form.Get("baseline"))
	res = pm.post(path, form)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.doc(t).Find("[data-testid=err-target]").Length() != 1 {
		t.Error("no message next to target")
	}
	wantStatus(t, pm.post(path, nil), http.StatusUnprocessableEntity)
}

func TestGoalOfAnotherWorkspaceIsNotFound(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	ws, other := app.otherWorkspace("initech", "Initech", "initech@example.com", "Ina")
	g, err := app.db.CreateGoal(ctx, postgres.Actor{UserID: other.ID}, ws.ID, sightline.Goal{Title: "Secret goal", Metric: "m", Baseline: 0, Target: 1})
	if err != nil {
		t.Fatal(err)
	}
	pm := app.signIn(demoEmail(sightline.RolePM))
	path := fmt.Sprintf("/w/demo/goals/%d", g.ID)
	res := pm.get(path)
	wantStatus(t, res, http.StatusNotFound)
	if strings.Contains(res.body, "Secret goal") {
		t.Error("the foreign goal's title leaked")
	}
	wantStatus(t, pm.post(path, url.Values{"title": {"Mine now"}, "metric": {"m"}, "baseline": {"0"}, "target": {"1"}, "current": {"0"}, "version": {"1"}}), http.StatusNotFound)
	if cur, _ := app.db.GoalByID(ctx, ws.ID, g.ID); cur.Title != "Secret goal" {
		t.Fatal("a foreign goal was changed")
	}
	// And the demo goals page does not list it.
	if strings.Contains(pm.get("/w/demo/goals").body, "Secret goal") {
		t.Error("the foreign goal is listed")
	}
}

// TestMissingGoalAndShiftSayPageNotFound: a missing (or foreign) goal or
// shift gets the same 404 words as any unknown page.
func TestMissingGoalAndShiftSayPageNotFound(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("viewer@example.com")
	for _, path := range []string{"/w/demo/goals/999999", "/w/demo/shifts/999999"} {
		res := c.get(path)
		wantStatus(t, res, http.StatusNotFound)
		if !strings.Contains(res.body, "Page not found.") {
			t.Errorf("GET %s: the 404 page does not say “Page not found.”", path)
		}
	}
}
