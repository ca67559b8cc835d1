package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/sightline"
)

// stratDemoWS returns the demo workspace as stored now.
func stratDemoWS(t testing.TB, app *testApp) *sightline.Workspace {
	t.Helper()
	ws, _, err := app.db.WorkspaceForMember(context.Background(), seed.DemoSlug, mustUser(t, app, "owner@example.com").ID)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// stratLogShift logs a shift through the form and returns its id, read from
// the timeline.
func stratLogShift(t testing.TB, c *client, title, from, to string, apply bool) string {
	t.Helper()
	form := url.Values{"title": {title}, "narrative": {"Why: " + title}, "from_phase": {from}, "to_phase": {to}, "shifted_on": {"2026-02-01"}}
	if apply {
		form.Set("apply", "on")
	}
	wantRedirect(t, c.post("/w/demo/shifts", form), "/w/demo/strategy")
	return stratShiftID(t, c.get("/w/demo/strategy"), title)
}

// stratShiftID finds a shift's id on the strategy page's timeline by title.
func stratShiftID(t testing.TB, res *response, title string) string {
	t.Helper()
	var id string
	res.doc(t).Find("[data-testid=timeline-item]").Each(func(_ int, li *goquerySelection) {
		if strings.TrimSpace(li.Find("[data-testid=shift-title]").Text()) == title {
			id, _ = li.Attr("data-shift-id")
		}
	})
	if id == "" {
		t.Fatalf("no shift %q on the timeline", title)
	}
	return id
}

func TestLogShiftWithApplyMovesPhaseAndPressure(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn(demoEmail(sightline.RolePM))

	d := pm.get("/w/demo/strategy").doc(t)
	if got := text(t, d, "[data-testid=phase]"); got != "Growth" {
		t.Fatalf("phase before %q", got)
	}
	if got := text(t, d, "[data-testid=pressure]"); !strings.Contains(got, "scalability") {
		t.Fatalf("growth pressure %q", got)
	}
	// The form defaults: from = the current phase, today's date, apply checked.
	if v, _ := d.Find("#f-from_phase option[selected]").Attr("value"); v != "growth" {
		t.Errorf("from phase defaults to %q", v)
	}
	if v, _ := d.Find("#f-shifted_on").Attr("value"); v != time.Now().Format("2006-01-02") {
		t.Errorf("date defaults to %q", v)
	}
	if _, checked := d.Find("#f-apply").Attr("checked"); !checked {
		t.Error("apply is not checked by default")
	}

	id := stratLogShift(t, pm, "Stabilize before the enterprise push", "growth", "stability", true)
	d = pm.get("/w/demo/strategy").doc(t)
	if got := text(t, d, "[data-testid=phase]"); got != "Stability" {
		t.Fatalf("phase after %q", got)
	}
	pressure := text(t, d, "[data-testid=pressure]")
	if !strings.Contains(pressure, "availability") || strings.Contains(pressure, "scalability") {
		t.Fatalf("pressure after the shift %q", pressure)
	}
	if n, m := d.Find("[data-testid=timeline-picture] [data-testid=timeline-marker]").Length(), d.Find("[data-testid=timeline-item]").Length(); n != m || n == 0 {
		t.Errorf("the timeline picture has %d markers for %d shifts", n, m)
	}
	if d.Find(fmt.Sprintf("[data-testid=timeline-picture] a[href='/w/demo/shifts/%s']", id)).Length() != 1 {
		t.Error("no marker links to the new shift")
	}
	if got := text(t, d, fmt.Sprintf("[data-shift-id='%s'] [data-testid=phase-move]", id)); !strings.Contains(got, "Growth") || !strings.Contains(got, "Stability") {
		t.Errorf("phase move %q", got)
	}
	if got := text(t, pm.get("/w/demo").doc(t), "[data-testid=phase]"); got != "Stability" {
		t.Errorf("dashboard phase %q", got)
	}
	// The phase change is in the activity log with its old and new value.
	acts, _ := app.db.ListActivity(context.Background(), stratDemoWS(t, app).ID, 10)
	found := false
	for _, a := range acts {
		if a.Verb == "workspace.phase_changed" && a.Changes["phase"].From == "growth" && a.Changes["phase"].To == "stability" {
			found = true
		}
	}
	if !found {
		t.Error("no workspace.phase_changed activity")
	}

	// Without apply, the phase stays; from = to (a re-affirmation) is allowed.
	stratLogShift(t, pm, "Still stability, now for enterprise", "stability", "stability", false)
	stratLogShift(t, pm, "Plan for profitability later", "stability", "profitability", false)
	if got := text(t, pm.get("/w/demo/strategy").doc(t), "[data-testid=phase]"); got != "Stability" {
		t.Fatalf("phase moved without apply: %q", got)
	}
}

func TestLogShiftValidationAndRefusals(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn(demoEmail(sightline.RolePM))
	before, _ := app.db.ListShifts(context.Background(), stratDemoWS(t, app).ID)
	res := pm.post("/w/demo/shifts", url.Values{"title": {""}, "narrative": {strings.Repeat("x", 10001)}, "from_phase": {"growth"}, "to_phase": {"chaos"}, "shifted_on": {"2026-13-01"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	for _, f := range []string{"title", "narrative", "to_phase", "shifted_on"} {
		if d.Find("[data-testid=err-"+f+"]").Length() == 0 {
			t.Errorf("no message next to %s", f)
		}
	}
	if got := d.Find("#f-narrative").Text(); len(got) != 10001 {
		t.Errorf("narrative not kept (%d chars)", len(got))
	}

	for _, r := range []sightline.Role{sightline.RoleViewer, sightline.RoleEngineer, sightline.RoleArchitect} {
		c := app.signIn(demoEmail(r))
		res := c.post("/w/demo/shifts", url.Values{"title": {"Sneaky"}, "from_phase": {"growth"}, "to_phase": {"stability"}, "shifted_on": {"2026-01-01"}})
		wantStatus(t, res, http.StatusForbidden)
		if r == sightline.RoleArchitect {
			msg := text(t, res.doc(t), "[data-testid=error-page] h1")
			if !strings.Contains(msg, "Architect") || !strings.Contains(msg, "Only an owner or a product manager can do this.") {
				t.Errorf("architect's refusal %q", msg)
			}
		}
	}
	if list, _ := app.db.ListShifts(context.Background(), stratDemoWS(t, app).ID); len(list) != len(before) {
		t.Fatalf("a refused shift was logged: %d shifts, %d before", len(list), len(before))
	}
}

func TestArchitectAcknowledgesShift(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn(demoEmail(sightline.RolePM))
	arch := app.signIn(demoEmail(sightline.RoleArchitect))
	viewer := app.signIn(demoEmail(sightline.RoleViewer))
	title := "Usage pricing reaches self-serve teams"
	id := stratLogShift(t, pm, title, "growth", "growth", false)
	wsID := stratDemoWS(t, app).ID
	awaiting, _ := app.db.CountShiftsAwaitingAck(context.Background(), wsID)

	// The architect sees it on the dashboard and on the strategy page.
	d := arch.get("/w/demo").doc(t)
	if got := text(t, d, fmt.Sprintf("[data-testid=my-pending] [data-shift-id='%s'] a", id)); got != title {
		t.Fatalf("dashboard pending %q", got)
	}
	if href, _ := d.Find(fmt.Sprintf("[data-testid=my-pending] [data-shift-id='%s'] a", id)).Attr("href"); href != "/w/demo/shifts/"+id {
		t.Errorf("pending link %q", href)
	}
	d = arch.get("/w/demo/strategy").doc(t)
	if d.Find(fmt.Sprintf("[data-testid=my-pending] [data-shift-id='%s'] form[data-testid=ack-form]", id)).Length() != 1 {
		t.Fatal("no acknowledge form for the pending shift on the strategy page")
	}
	if got := text(t, d, fmt.Sprintf("[data-testid=timeline-item][data-shift-id='%s'] [data-testid=ack-pending]", id)); !strings.Contains(got, "Arjun Architect") {
		t.Errorf("timeline pending %q", got)
	}
	// Everyone else sees how many shifts await an architect.
	if got := text(t, viewer.get("/w/demo").doc(t), "[data-testid=awaiting-ack]"); !strings.HasPrefix(got, fmt.Sprint(awaiting)+" strategy shift") {
		t.Errorf("awaiting count %q, want %d", got, awaiting)
	}

	// An assessment is required; the error comes back where it was typed.
	res := arch.post("/w/demo/shifts/"+id+"/ack", url.Values{"assessment": {"  "}, "return": {"strategy"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if got := text(t, res.doc(t), fmt.Sprintf("[data-shift-id='%s'] [data-testid=err-assessment]", id)); got != "This is required." {
		t.Errorf("assessment message %q", got)
	}
	res = arch.post("/w/demo/shifts/"+id+"/ack", url.Values{"assessment": {strings.Repeat("a", 2001)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if got := text(t, res.doc(t), "[data-testid=err-assessment]"); !strings.Contains(got, "2000") {
		t.Errorf("too long message %q", got)
	}

	// A PM cannot acknowledge.
	wantStatus(t, pm.post("/w/demo/shifts/"+id+"/ack", url.Values{"assessment": {"Looks fine to me"}}), http.StatusForbidden)

	assessment := "Billing engine needs idempotent metering; scale of the task API becomes the risk."
	wantRedirect(t, arch.post("/w/demo/shifts/"+id+"/ack", url.Values{"assessment": {assessment}, "return": {"strategy"}}), "/w/demo/strategy")
	pendingSel := fmt.Sprintf("[data-testid=my-pending] [data-shift-id='%s']", id)
	if arch.get("/w/demo").doc(t).Find(pendingSel).Length() != 0 {
		t.Error("the acknowledged shift is still pending on the dashboard")
	}
	if arch.get("/w/demo/strategy").doc(t).Find(pendingSel).Length() != 0 {
		t.Error("the acknowledged shift is still pending on the strategy page")
	}
	if now, _ := app.db.CountShiftsAwaitingAck(context.Background(), wsID); now != awaiting-1 {
		t.Errorf("%d shifts await acknowledgement, want %d", now, awaiting-1)
	}
	if awaiting == 1 && viewer.get("/w/demo").doc(t).Find("[data-testid=awaiting-ack]").Length() != 0 {
		t.Error("the count still shows a shift awaiting acknowledgement")
	}
	d = pm.get("/w/demo/shifts/" + id).doc(t)
	if got := text(t, d, "[data-testid=ack] [data-testid=assessment]"); got != assessment {
		t.Errorf("shift shows assessment %q", got)
	}
	if !strings.Contains(text(t, d, "[data-testid=ack]"), "Arjun Architect") {
		t.Error("the acknowledgement does not name the architect")
	}
	if d.Find("[data-testid=ack-pending]").Length() != 0 {
		t.Error("the shift still lists a pending architect")
	}
	if !strings.Contains(text(t, d, "[data-testid=activity]"), "acknowledged the strategy shift") {
		t.Error("the acknowledgement is not in the shift's history")
	}

	// A second acknowledgement is refused clearly.
	res = arch.post("/w/demo/shifts/"+id+"/ack", url.Values{"assessment": {"Again"}})
	wantStatus(t, res, http.StatusConflict)
	if got := text(t, res.doc(t), "[data-testid=ack-error]"); got != "You already acknowledged this shift." {
		t.Errorf("second acknowledgement message %q", got)
	}
}

func TestShiftEditConflictKeepsInput(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn(demoEmail(sightline.RolePM))
	owner := app.signIn(demoEmail(sightline.RoleOwner))
	id := stratLogShift(t, pm, "Original title", "growth", "retention", false)
	path := "/w/demo/shifts/" + id
	version, _ := pm.get(path).doc(t).Find("[data-testid=shift-edit-form] input[name=version]").Attr("value")

	wantRedirect(t, owner.post(path, url.Values{"title": {"Owner's title"}, "narrative": {"Owner's narrative"}, "from_phase": {"growth"},
		"to_phase": {"retention"}, "shifted_on": {"2026-02-01"}, "version": {version}}), path)

	res := pm.post(path, url.Values{"title": {"PM's corrected title"}, "narrative": {"PM's **careful** narrative"}, "from_phase": {"growth"},
		"to_phase": {"stability"}, "shifted_on": {"2026-02-03"}, "version": {version}})
	wantStatus(t, res, http.StatusConflict)
	d := res.doc(t)
	if d.Find("[data-testid=conflict]").Length() != 1 {
		t.Fatal("no conflict panel")
	}
	if got := text(t, d, "[data-testid=conflict-theirs]"); got != "Owner's title" {
		t.Errorf("conflict shows theirs %q", got)
	}
	if v, _ := d.Find("[data-testid=shift-edit-form] #f-title").Attr("value"); v != "PM's corrected title" {
		t.Errorf("typed title lost: %q", v)
	}
	if v := d.Find("[data-testid=shift-edit-form] #f-narrative").Text(); v != "PM's **careful** narrative" {
		t.Errorf("typed narrative lost: %q", v)
	}
	if v, _ := d.Find("[data-testid=shift-edit-form] #f-to_phase option[selected]").Attr("value"); v != "stability" {
		t.Errorf("typed phase lost: %q", v)
	}
	newVersion, _ := d.Find("[data-testid=shift-edit-form] input[name=version]").Attr("value")
	if newVersion == version {
		t.Fatal("the form still carries the stale version")
	}
	// Nothing was overwritten; saving again applies the PM's version.
	if got := text(t, pm.get(path).doc(t), "[data-testid=shift-heading]"); got != "Owner's title" {
		t.Fatalf("stale save overwrote: %q", got)
	}
	wantRedirect(t, pm.post(path, url.Values{"title": {"PM's corrected title"}, "narrative": {"n"}, "from_phase": {"growth"},
		"to_phase": {"stability"}, "shifted_on": {"2026-02-03"}, "version": {newVersion}}), path)
	d = pm.get(path).doc(t)
	if got := text(t, d, "[data-testid=shift-heading]"); got != "PM's corrected title" {
		t.Fatalf("resolved save: %q", got)
	}
	if n := d.Find("[data-testid=activity] li").Length(); n != 3 {
		t.Errorf("history has %d entries, want 3 (logged, two corrections)", n)
	}
	// An empty form (no version) is invalid, not a 5xx, and changes nothing.
	wantStatus(t, pm.post(path, nil), http.StatusUnprocessableEntity)
}

func TestVisionIsSanitizedAndLocked(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn(demoEmail(sightline.RolePM))
	owner := app.signIn(demoEmail(sightline.RoleOwner))
	version, _ := pm.get("/w/demo/strategy").doc(t).Find("[data-testid=vision-form] input[name=version]").Attr("value")
	vision := "We win teams.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) and [ok](https://example.com)"
	wantRedirect(t, pm.post("/w/demo/strategy/vision", url.Values{"vision": {vision}, "phase": {"retention"}, "version": {version}}), "/w/demo/strategy")

	for _, path := range []string{"/w/demo/strategy", "/w/demo"} {
		d := pm.get(path).doc(t)
		if n := d.Find(`body script, script:not([src^="/static/"])`).Length(); n != 0 {
			t.Errorf("%s: %d script elements", path, n)
		}
		d.Find("a[href]").Each(func(_ int, a *goquerySelection) {
			href, _ := a.Attr("href")
			if strings.HasPrefix(strings.ToLower(strings.TrimSpace(href)), "javascript:") {
				t.Errorf("%s: javascript link %q", path, href)
			}
		})
		if !strings.Contains(d.Text(), "We win teams.") {
			t.Errorf("%s: vision not shown", path)
		}
	}
	d := pm.get("/w/demo/strategy").doc(t)
	if got := text(t, d, "[data-testid=phase]"); got != "Retention" {
		t.Errorf("phase %q", got)
	}
	// The editor gets the raw text back to edit, as text.
	if got := d.Find("#f-vision").Text(); got != vision {
		t.Errorf("vision in the editor %q", got)
	}

	// A stale save is a conflict with both sides; the text typed is kept.
	res := owner.post("/w/demo/strategy/vision", url.Values{"vision": {"Owner's vision"}, "phase": {"growth"}, "version": {version}})
	wantStatus(t, res, http.StatusConflict)
	d = res.doc(t)
	if d.Find("[data-testid=conflict]").Length() != 1 || d.Find("#f-vision").Text() != "Owner's vision" {
		t.Fatal("conflict did not keep the owner's text")
	}
	// Too long, and a bad phase: messages next to the fields.
	v, _ := d.Find("[data-testid=vision-form] input[name=version]").Attr("value")
	res = owner.post("/w/demo/strategy/vision", url.Values{"vision": {strings.Repeat("v", sightline.MaxVision+1)}, "phase": {"hype"}, "version": {v}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d = res.doc(t)
	if d.Find("[data-testid=err-vision]").Length() != 1 || d.Find("[data-testid=err-phase]").Length() != 1 {
		t.Error("no messages next to vision and phase")
	}
	// Engineers cannot edit the vision.
	wantStatus(t, app.signIn(demoEmail(sightline.RoleEngineer)).post("/w/demo/strategy/vision", url.Values{"vision": {"x"}, "phase": {"growth"}, "version": {v}}), http.StatusForbidden)
}

func TestPressureMappingEdit(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn(demoEmail(sightline.RolePM))
	owner := app.signIn(demoEmail(sightline.RoleOwner))
	form := func(c *client) url.Values {
		d := c.get("/w/demo/strategy").doc(t)
		v := url.Values{}
		d.Find("[data-testid=pressure-form] input").Each(func(_ int, in *goquerySelection) {
			name, _ := in.Attr("name")
			val, _ := in.Attr("value")
			v.Set(name, val)
		})
		return v
	}
	mine, theirs := form(pm), form(owner)
	if mine.Get("pressure_growth") != "scalability, performance, innovation speed" {
		t.Fatalf("growth field %q", mine.Get("pressure_growth"))
	}
	theirs.Set("pressure_growth", "scalability, onboarding speed")
	wantRedirect(t, owner.post("/w/demo/strategy/pressures", theirs), "/w/demo/strategy")
	if got := text(t, pm.get("/w/demo/strategy").doc(t), "[data-testid=pressure]"); !strings.Contains(got, "onboarding speed") {
		t.Fatalf("pressure after edit %q", got)
	}

	// The PM's form was loaded before: a conflict, their input kept.
	mine.Set("pressure_growth", "scalability, performance, cost of growth")
	res := pm.post("/w/demo/strategy/pressures", mine)
	wantStatus(t, res, http.StatusConflict)
	d := res.doc(t)
	if v, _ := d.Find("#f-pressure_growth").Attr("value"); v != "scalability, performance, cost of growth" {
		t.Errorf("typed mapping lost: %q", v)
	}
	if d.Find("[data-testid=conflict]").Length() != 1 {
		t.Error("no conflict panel")
	}
	// Too long an attribute is refused next to its phase; an empty form is invalid.
	mine.Set("pressure_stability", strings.Repeat("z", 61))
	wantStatus(t, pm.post("/w/demo/strategy/pressures", mine), http.StatusUnprocessableEntity)
	wantStatus(t, pm.post("/w/demo/strategy/pressures", nil), http.StatusUnprocessableEntity)
	m, _ := app.db.ListPressures(context.Background(), stratDemoWS(t, app).ID)
	if len(m[sightline.PhaseStability]) != 3 {
		t.Fatalf("an invalid save changed the mapping: %v", m)
	}
}

func TestShiftOfAnotherWorkspaceIsNotFound(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	ws, other := app.otherWorkspace("other", "Other", "other@example.com", "Other")
	s, err := app.db.CreateShift(ctx, postgres.Actor{UserID: other.ID}, ws.ID, sightline.StrategyShift{Title: "Secret", FromPhase: "growth", ToPhase: "stability", ShiftedOn: time.Now()}, false)
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/w/demo/shifts/%d", s.ID)
	wantStatus(t, app.signIn(demoEmail(sightline.RolePM)).get(path), http.StatusNotFound)
	wantStatus(t, app.signIn(demoEmail(sightline.RolePM)).post(path, url.Values{"title": {"x"}, "version": {"1"}}), http.StatusNotFound)
	wantStatus(t, app.signIn(demoEmail(sightline.RoleArchitect)).post(path+"/ack", url.Values{"assessment": {"x"}}), http.StatusNotFound)
}

func TestStrategyPagesRunAFixedNumberOfQueries(t *testing.T) {
	app := newCountingApp(t)
	counter, db := app.counter, app.db
	ctx := context.Background()
	ws := stratDemoWS(t, app)
	pmUser, archUser := mustUser(t, app, "pm@example.com"), mustUser(t, app, "architect@example.com")
	pm, arch := app.signIn("pm@example.com"), app.signIn("architect@example.com")

	addShifts := func(n int) {
		for i := 0; i < n; i++ {
			s, err := db.CreateShift(ctx, postgres.Actor{UserID: pmUser.ID}, ws.ID, sightline.StrategyShift{
				Title: fmt.Sprintf("Shift %d", i), FromPhase: "growth", ToPhase: sightline.Phases[i%4],
				ShiftedOn: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 9*i),
			}, i%2 == 0)
			if err != nil {
				t.Fatal(err)
			}
			if i%3 == 0 {
				if err := db.AcknowledgeShift(ctx, postgres.Actor{UserID: archUser.ID}, ws.ID, s.ID, "Assessed"); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.CreateGoal(ctx, postgres.Actor{UserID: pmUser.ID}, ws.ID, sightline.Goal{Title: fmt.Sprintf("Goal %d", i), Metric: "m", Baseline: 0, Target: 10, Current: float64(i % 10)}); err != nil {
				t.Fatal(err)
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
	paths := []string{"/w/demo/strategy", "/w/demo"}
	type key struct {
		who  string
		path string
	}
	small := map[key]int64{}
	addShifts(2)
	for _, p := range paths {
		small[key{"pm", p}] = count(pm, p)
		small[key{"architect", p}] = count(arch, p)
	}
	addShifts(28)
	for _, p := range paths {
		for who, c := range map[string]*client{"pm": pm, "architect": arch} {
			if got := count(c, p); got != small[key{who, p}] {
				t.Errorf("GET %s as %s: %d queries with 30 shifts, %d with 2", p, who, got, small[key{who, p}])
			} else {
				t.Logf("GET %s as %s: %d queries", p, who, got)
			}
		}
	}
	// The architect's pending list really is long now (the pages show data).
	if n := arch.get("/w/demo").doc(t).Find("[data-testid=pending-shift]").Length(); n < 10 {
		t.Errorf("dashboard lists %d pending shifts", n)
	}
}
