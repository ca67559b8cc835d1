package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sightline/sightline/internal/picture/svgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

// archPropose proposes an item through the form and returns its page path.
func archPropose(t testing.TB, c *client, vals url.Values) string {
	t.Helper()
	if vals.Get("health") == "" {
		vals.Set("health", "healthy")
	}
	res := c.post("/w/demo/architecture", vals)
	wantRedirect(t, res, "/w/demo/architecture/")
	return res.Header.Get("Location")
}

// archPathID is the id at the end of an item's path.
func archPathID(path string) string { return path[strings.LastIndex(path, "/")+1:] }

// archEditValues reads the edit form as a browser would submit it.
func archEditValues(t testing.TB, c *client, path string) url.Values {
	t.Helper()
	res := c.get(path)
	wantStatus(t, res, http.StatusOK)
	form := res.doc(t).Find("[data-testid=arch-edit-form]")
	if form.Length() == 0 {
		t.Fatalf("no edit form on %s", path)
	}
	return epFormValues(form)
}

// archSVG cuts the diagram out of a page and checks it is well-formed XML;
// it returns the SVG and its text (titles included).
func archSVG(t testing.TB, body string) (string, string) {
	t.Helper()
	start := strings.Index(body, `<svg xmlns="http://www.w3.org/2000/svg" class="arch-diagram-svg"`)
	if start < 0 {
		t.Fatalf("no diagram on the page:\n%.2000s", body)
	}
	end := strings.Index(body[start:], "</svg>")
	svg := body[start : start+end+len("</svg>")]
	return svg, svgtest.Parse(t, svg).Text
}

func TestArchitectureRoles(t *testing.T) {
	app := newTestApp(t)
	owner, arch, eng, pm, viewer := app.signIn("owner@example.com"), app.signIn("architect@example.com"), app.signIn("engineer@example.com"),
		app.signIn("pm@example.com"), app.signIn("viewer@example.com")

	sys := archPropose(t, arch, url.Values{"kind": {"system"}, "name": {"Roles system"}})
	// Engineers propose items...
	api := archPropose(t, eng, url.Values{"kind": {"container"}, "name": {"Roles API"}, "parent_id": {archPathID(sys)}, "technology": {"Go"},
		"owner_team": {"Core"}, "description": {"Serves **tasks**."}})
	page := eng.get(api).doc(t)
	if got := text(t, page, "[data-testid=arch-item-name]"); got != "Roles API" {
		t.Errorf("name %q", got)
	}
	if got := text(t, page, "[data-testid=fact-parent]"); got != "Roles system" {
		t.Errorf("parent %q", got)
	}
	if page.Find("[data-testid=arch-description] strong").Text() != "tasks" {
		t.Error("the description is not rendered as markdown")
	}
	// ...but do not edit them or their relations, and see no such forms.
	if page.Find("[data-testid=arch-edit-form], [data-testid=relation-form], [data-testid=delete-relation]").Length() != 0 {
		t.Error("the engineer is shown forms they may not use")
	}
	vals := archEditValues(t, arch, api)
	wantStatus(t, eng.post(api, vals), http.StatusForbidden)
	wantStatus(t, eng.post(api+"/relations", url.Values{"target_id": {archPathID(sys)}, "label": {"x"}}), http.StatusForbidden)
	// PMs and viewers propose nothing.
	for _, c := range []*client{pm, viewer} {
		wantStatus(t, c.post("/w/demo/architecture", url.Values{"kind": {"system"}, "name": {"Nope"}, "health": {"healthy"}}), http.StatusForbidden)
		res := c.get("/w/demo/architecture")
		wantStatus(t, res, http.StatusOK)
		if res.doc(t).Find("[data-testid=arch-create-form]").Length() != 0 {
			t.Error("a reader is offered the propose form")
		}
	}
	if eng.get("/w/demo/architecture").doc(t).Find("[data-testid=arch-create-form]").Length() != 1 {
		t.Error("the engineer is not offered the propose form")
	}
	// Architects and owners edit.
	vals.Set("health", "strained")
	vals.Set("tech_debt", "List counters on a hot row.")
	wantRedirect(t, arch.post(api, vals), api)
	page = owner.get(api).doc(t)
	if got := text(t, page, "[data-testid=fact-health]"); got != "Strained" {
		t.Errorf("health %q", got)
	}
	if got := text(t, page, "[data-testid=arch-tech-debt]"); got != "List counters on a hot row." {
		t.Errorf("tech debt %q", got)
	}
	// The history tells who created and who changed what.
	hist := page.Find("[data-testid=history-entry]")
	if hist.Length() != 2 || !strings.Contains(hist.First().Text(), "Arjun Architect") || !strings.Contains(hist.First().Text(), "Strained") ||
		!strings.Contains(hist.Last().Text(), "Emma Engineer") {
		t.Errorf("history:\n%s", hist.Text())
	}
	vals = archEditValues(t, owner, api)
	vals.Set("owner_team", "Platform")
	wantRedirect(t, owner.post(api, vals), api)
}

func TestArchItemFormRefusals(t *testing.T) {
	app := newTestApp(t)
	arch := app.signIn("architect@example.com")
	sys := archPropose(t, arch, url.Values{"kind": {"system"}, "name": {"Refusal system"}})
	api := archPropose(t, arch, url.Values{"kind": {"container"}, "name": {"Refusal API"}, "parent_id": {archPathID(sys)}})
	archPropose(t, arch, url.Values{"kind": {"component"}, "name": {"Refusal part"}, "parent_id": {archPathID(api)}})

	// A container inside a container: refused next to the parent, input kept.
	res := arch.post("/w/demo/architecture", url.Values{"kind": {"container"}, "name": {"Nested box"}, "parent_id": {archPathID(api)},
		"technology": {"Rust"}, "health": {"at_risk"}, "description": {"Keep me"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	if msg := text(t, d, "[data-testid=arch-create-form] [data-testid=err-parent_id]"); !strings.Contains(msg, "A container sits in a system; “Refusal API” is a container") {
		t.Errorf("parent refusal %q", msg)
	}
	if v, _ := d.Find("#new-name").Attr("value"); v != "Nested box" {
		t.Errorf("name lost: %q", v)
	}
	if v, _ := d.Find("#new-technology").Attr("value"); v != "Rust" {
		t.Errorf("technology lost: %q", v)
	}
	if v, _ := d.Find("#new-parent_id option[selected]").Attr("value"); v != archPathID(api) {
		t.Errorf("parent choice lost: %q", v)
	}
	if v, _ := d.Find("#new-health option[selected]").Attr("value"); v != "at_risk" {
		t.Errorf("health lost: %q", v)
	}
	if got := d.Find("#new-description").Text(); got != "Keep me" {
		t.Errorf("description lost: %q", got)
	}
	// A taken name is a conflict, explained next to the name.
	res = arch.post("/w/demo/architecture", url.Values{"kind": {"system"}, "name": {"refusal SYSTEM"}, "health": {"healthy"}})
	wantStatus(t, res, http.StatusConflict)
	if msg := text(t, res.doc(t), "[data-testid=err-name]"); !strings.Contains(msg, "already exists") {
		t.Errorf("name refusal %q", msg)
	}
	// Required fields and limits.
	res = arch.post("/w/demo/architecture", url.Values{"name": {strings.Repeat("n", 121)}, "health": {"healthy"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d = res.doc(t)
	text(t, d, "[data-testid=err-kind]")
	if msg := text(t, d, "[data-testid=err-name]"); !strings.Contains(msg, "at most 120") {
		t.Errorf("limit message %q", msg)
	}
	// Every field of the form has a label.
	d.Find("[data-testid=arch-create-form] input:not([type=hidden]), [data-testid=arch-create-form] select, [data-testid=arch-create-form] textarea").Each(func(_ int, s *goquerySelection) {
		id, _ := s.Attr("id")
		if d.Find("label[for='"+id+"']").Length() != 1 {
			t.Errorf("field %s has no label", id)
		}
	})
	// Editing: a container with components stays a container.
	vals := archEditValues(t, arch, api)
	vals.Set("kind", "system")
	vals.Set("parent_id", "")
	res = arch.post(api, vals)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := text(t, res.doc(t), "[data-testid=arch-edit-form] [data-testid=err-kind]"); !strings.Contains(msg, "1 component sits in this container") {
		t.Errorf("kind refusal %q", msg)
	}
	// A system cannot move into its own container.
	vals = archEditValues(t, arch, sys)
	vals.Set("parent_id", archPathID(api))
	res = arch.post(sys, vals)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=arch-edit-form] [data-testid=err-parent_id]")
	// An empty form (no version) changes nothing.
	wantStatus(t, arch.post(api, url.Values{}), http.StatusUnprocessableEntity)
}

func TestArchItemEditConflict(t *testing.T) {
	app := newTestApp(t)
	arch, owner := app.signIn("architect@example.com"), app.signIn("owner@example.com")
	sys := archPropose(t, arch, url.Values{"kind": {"system"}, "name": {"Conflict system"}})
	api := archPropose(t, arch, url.Values{"kind": {"container"}, "name": {"Conflict API"}, "parent_id": {archPathID(sys)}})

	mine, theirs := archEditValues(t, owner, api), archEditValues(t, arch, api)
	theirs.Set("health", "at_risk")
	theirs.Set("technology", "Go")
	wantRedirect(t, arch.post(api, theirs), api)

	mine.Set("health", "strained")
	mine.Set("description", "The owner's words.")
	res := owner.post(api, mine)
	wantStatus(t, res, http.StatusConflict)
	d := res.doc(t)
	panel := d.Find("[data-testid=conflict]")
	if panel.Length() != 1 {
		t.Fatal("no conflict panel")
	}
	rows := map[string][2]string{}
	panel.Find("[data-testid=conflict-field]").Each(func(_ int, s *goquerySelection) {
		rows[strings.TrimSpace(s.Find("th").Text())] = [2]string{strings.TrimSpace(s.Find("[data-testid=conflict-mine]").Text()), strings.TrimSpace(s.Find("[data-testid=conflict-theirs]").Text())}
	})
	if rows["Health"] != [2]string{"Strained", "At risk"} || rows["Technology"] != [2]string{"—", "Go"} || rows["Description"][0] != "The owner's words." {
		t.Errorf("conflict rows %v", rows)
	}
	// The form keeps the owner's input with the current version: saving again applies it.
	again := epFormValues(d.Find("[data-testid=arch-edit-form]"))
	if again.Get("health") != "strained" || again.Get("description") != "The owner's words." || again.Get("version") != "2" {
		t.Errorf("form after the conflict: %v", again)
	}
	wantRedirect(t, owner.post(api, again), api)
	page := owner.get(api).doc(t)
	if got := text(t, page, "[data-testid=fact-health]"); got != "Strained" {
		t.Errorf("health %q", got)
	}
}

func TestArchRelationsOnItemPages(t *testing.T) {
	app := newTestApp(t)
	arch, viewer := app.signIn("architect@example.com"), app.signIn("viewer@example.com")
	sys := archPropose(t, arch, url.Values{"kind": {"system"}, "name": {"Rel system"}})
	api := archPropose(t, arch, url.Values{"kind": {"container"}, "name": {"Rel API"}, "parent_id": {archPathID(sys)}})
	billing := archPropose(t, arch, url.Values{"kind": {"container"}, "name": {"Rel billing"}, "parent_id": {archPathID(sys)}})
	part := archPropose(t, arch, url.Values{"kind": {"component"}, "name": {"Rel publisher"}, "parent_id": {archPathID(api)}})

	wantRedirect(t, arch.post(api+"/relations", url.Values{"target_id": {archPathID(billing)}, "label": {"publishes usage events"}, "technology": {"Kafka"}}), api)
	// Out of the source, into the target, with links both ways.
	d := viewer.get(api).doc(t)
	out := d.Find("[data-testid=relations-out] [data-testid=arch-relation]")
	if out.Length() != 1 || !strings.Contains(out.Text(), "Rel billing") || !strings.Contains(out.Text(), "publishes usage events") || !strings.Contains(out.Text(), "Kafka") {
		t.Errorf("relations out: %q", out.Text())
	}
	if href, _ := out.Find("a").Attr("href"); href != billing {
		t.Errorf("link to the target %q", href)
	}
	if d.Find("[data-testid=relations-in-none]").Length() != 1 {
		t.Error("relations in are not empty")
	}
	// Children of the container.
	if kids := d.Find("[data-testid=arch-child]"); kids.Length() != 1 || !strings.Contains(kids.Text(), "Rel publisher") {
		t.Errorf("children %q", kids.Text())
	}
	if d.Find("[data-testid=delete-relation]").Length() != 0 {
		t.Error("the viewer is offered delete")
	}
	d = viewer.get(billing).doc(t)
	in := d.Find("[data-testid=relations-in] [data-testid=arch-relation]")
	if in.Length() != 1 || !strings.Contains(in.Text(), "Rel API") {
		t.Errorf("relations in: %q", in.Text())
	}

	// Refusals, next to the fields.
	res := arch.post(api+"/relations", url.Values{"target_id": {archPathID(billing)}, "label": {"Publishes usage events"}})
	wantStatus(t, res, http.StatusConflict)
	text(t, res.doc(t), "[data-testid=relation-form] [data-testid=err-label]")
	res = arch.post(api+"/relations", url.Values{"target_id": {archPathID(api)}, "label": {"loops"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := text(t, res.doc(t), "[data-testid=relation-form] [data-testid=err-target_id]"); !strings.Contains(msg, "cannot relate to itself") {
		t.Errorf("self refusal %q", msg)
	}
	res = arch.post(api+"/relations", url.Values{"target_id": {"999999"}, "label": {"into the void"}, "technology": {"UDP"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d = res.doc(t)
	text(t, d, "[data-testid=relation-form] [data-testid=err-target_id]")
	if v, _ := d.Find("#relation-label").Attr("value"); v != "into the void" {
		t.Errorf("label lost: %q", v)
	}
	wantStatus(t, arch.post(api+"/relations", url.Values{}), http.StatusUnprocessableEntity)

	// Delete: needs the version, belongs to the item, then it is gone.
	relID, _ := viewer.get(api).doc(t).Find("[data-testid=relations-out] [data-testid=arch-relation]").Attr("data-relation-id")
	del := api + "/relations/" + relID + "/delete"
	res = arch.post(del, url.Values{})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=err-relation]")
	wantStatus(t, arch.post(del, url.Values{"version": {"9"}}), http.StatusConflict)
	wantStatus(t, arch.post(part+"/relations/"+relID+"/delete", url.Values{"version": {"1"}}), http.StatusNotFound)
	// From the target's page is fine too.
	wantRedirect(t, arch.post(billing+"/relations/"+relID+"/delete", url.Values{"version": {"1"}}), billing)
	if viewer.get(api).doc(t).Find("[data-testid=arch-relation]").Length() != 0 {
		t.Error("the relation is still shown")
	}
	wantStatus(t, arch.post(del, url.Values{"version": {"1"}}), http.StatusNotFound)
	hist := viewer.get(api).doc(t).Find("[data-testid=history-entry]").Text()
	if !strings.Contains(hist, "removed the relation “Rel API → Rel billing: publishes usage events (Kafka)”") {
		t.Errorf("history:\n%s", hist)
	}
}

func TestArchitecturePageEscapesAndDraws(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	wsID := app.demoID()
	arch := app.signIn("architect@example.com")
	actor := postgres.Actor{UserID: mustUser(t, app, "architect@example.com").ID}
	// Start from an empty model, so the page holds exactly these 10 items.
	if _, err := app.db.Pool.Exec(ctx, `DELETE FROM arch_items WHERE workspace_id = $1 AND parent_id IS NOT NULL AND kind = 'component'`, wsID); err != nil {
		t.Fatal(err)
	}
	if _, err := app.db.Pool.Exec(ctx, `DELETE FROM arch_items WHERE workspace_id = $1 AND kind = 'container'`, wsID); err != nil {
		t.Fatal(err)
	}
	if _, err := app.db.Pool.Exec(ctx, `DELETE FROM arch_items WHERE workspace_id = $1`, wsID); err != nil {
		t.Fatal(err)
	}
	mk := func(kind sightline.ItemKind, name string, parent *sightline.ArchItem) *sightline.ArchItem {
		it := sightline.ArchItem{Kind: kind, Name: name, Health: sightline.HealthStrained, Technology: "Go & <Rust>"}
		if parent != nil {
			it.ParentID = &parent.ID
		}
		got, err := app.db.CreateArchItem(ctx, actor, wsID, it)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	sys := mk(sightline.ItemSystem, `Taskly & "Co"`, nil)
	evil := mk(sightline.ItemContainer, `<script>alert(1)</script>`, sys)
	apiC := mk(sightline.ItemContainer, "Task API", sys)
	dbC := mk(sightline.ItemContainer, "PostgreSQL", sys)
	comp1 := mk(sightline.ItemComponent, "Update handler", apiC)
	comp2 := mk(sightline.ItemComponent, `It's <b>bold</b>`, apiC)
	mk(sightline.ItemComponent, "Board query", apiC)
	stripe := mk(sightline.ItemExternal, "Stripe", nil)
	mk(sightline.ItemExternal, "Email provider", nil)
	mk(sightline.ItemContainer, "Unplaced worker", nil)
	for _, r := range []struct {
		from, to *sightline.ArchItem
		label    string
	}{{evil, apiC, `calls <img src=x onerror=alert(1)>`}, {apiC, dbC, "stores tasks"}, {comp1, stripe, "bills usage"}, {comp1, comp2, "hands over"}, {dbC, evil, "notifies"}} {
		if _, err := app.db.CreateRelation(ctx, actor, wsID, r.from.ID, sightline.ArchRelation{TargetID: r.to.ID, Label: r.label}); err != nil {
			t.Fatal(err)
		}
	}

	res := arch.get("/w/demo/architecture")
	wantStatus(t, res, http.StatusOK)
	for _, bad := range []string{"<script>alert(1)</script>", "<b>bold</b>", "<img src=x"} {
		if strings.Contains(res.body, bad) {
			t.Errorf("the page holds %q unescaped", bad)
		}
	}
	svg, svgText := archSVG(t, res.body)
	list, err := app.db.ListArchItems(ctx, wsID)
	if err != nil || len(list) != 10 {
		t.Fatalf("%d items: %v", len(list), err)
	}
	d := res.doc(t)
	tree := map[string]bool{}
	d.Find("[data-testid=arch-item-link]").Each(func(_ int, s *goquerySelection) { tree[s.Text()] = true })
	for _, it := range list {
		if !strings.Contains(svgText, it.Name) {
			t.Errorf("%q is not in the diagram", it.Name)
		}
		if !tree[it.Name] {
			t.Errorf("%q is not in the hierarchy", it.Name)
		}
		if !strings.Contains(svg, fmt.Sprintf(`href="/w/demo/architecture/%d"`, it.ID)) {
			t.Errorf("%q is not a link in the diagram", it.Name)
		}
	}
	for _, label := range []string{"calls <img src=x onerror=alert(1)>", "stores tasks", "bills usage", "hands over", "notifies"} {
		if !strings.Contains(svgText, label) {
			t.Errorf("relation %q is not in the diagram", label)
		}
	}
	if !strings.Contains(svg, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the script name is not escaped in the SVG")
	}
	// Health in words, not only colour, in the list and the legend.
	if got := d.Find("[data-testid=arch-health]").First().Text(); got != "Strained" {
		t.Errorf("health in the list %q", got)
	}
	if !strings.Contains(svgText, "strained") || !strings.Contains(svgText, "at risk") {
		t.Error("the legend does not name the health states")
	}
	// The hierarchy nests: the components sit under their container.
	if n := d.Find(fmt.Sprintf("[data-item-id='%d'] [data-item-id='%d']", apiC.ID, comp2.ID)).Length(); n != 1 {
		t.Error("the component is not nested under its container")
	}

	// ?root shows the subtree and what it relates to outside.
	res = arch.get(fmt.Sprintf("/w/demo/architecture?root=%d", apiC.ID))
	wantStatus(t, res, http.StatusOK)
	_, rootText := archSVG(t, res.body)
	for _, want := range []string{"Task API", "Update handler", "Board query", "Stripe", "PostgreSQL", "Related outside this view"} {
		if !strings.Contains(rootText, want) {
			t.Errorf("the subtree diagram lacks %q", want)
		}
	}
	if strings.Contains(rootText, "Email provider") || strings.Contains(rootText, "Unplaced worker") {
		t.Error("the subtree diagram shows unrelated items")
	}
	if n := res.doc(t).Find("[data-testid=arch-node]").Length(); n != 4 {
		t.Errorf("the subtree lists %d items, want 4", n)
	}
	res = arch.get("/w/demo/architecture?root=999999")
	wantStatus(t, res, http.StatusOK)
	text(t, res.doc(t), "[data-testid=root-missing]")
}

func TestArchitectureRoutesRefuseOtherWorkspaces(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	globex, other := app.otherWorkspace("globex", "Globex", "other-owner@example.com", "Other Owner")
	oa := postgres.Actor{UserID: other.ID}
	fSys, err := app.db.CreateArchItem(ctx, oa, globex.ID, sightline.ArchItem{Kind: sightline.ItemSystem, Name: "Globex secret system", Health: sightline.HealthHealthy})
	if err != nil {
		t.Fatal(err)
	}
	fAPI, err := app.db.CreateArchItem(ctx, oa, globex.ID, sightline.ArchItem{Kind: sightline.ItemContainer, Name: "Globex API", ParentID: &fSys.ID, Health: sightline.HealthHealthy})
	if err != nil {
		t.Fatal(err)
	}
	fRel, err := app.db.CreateRelation(ctx, oa, globex.ID, fAPI.ID, sightline.ArchRelation{TargetID: fSys.ID, Label: "reports"})
	if err != nil {
		t.Fatal(err)
	}

	arch := app.signIn("architect@example.com")
	sys := archPropose(t, arch, url.Values{"kind": {"system"}, "name": {"Home system"}})
	api := archPropose(t, arch, url.Values{"kind": {"container"}, "name": {"Home API"}, "parent_id": {archPathID(sys)}})
	wantRedirect(t, arch.post(api+"/relations", url.Values{"target_id": {archPathID(sys)}, "label": {"reports"}}), api)
	foreign := fmt.Sprintf("/w/demo/architecture/%d", fAPI.ID)
	full := url.Values{"kind": {"container"}, "name": {"Mine now"}, "health": {"healthy"}, "version": {"1"}, "target_id": {archPathID(sys)}, "label": {"x"}}
	for _, c := range []struct {
		post bool
		path string
	}{
		{false, foreign},
		{true, foreign},
		{true, foreign + "/relations"},
		{true, fmt.Sprintf("%s/relations/%d/delete", foreign, fRel.ID)},
		{true, fmt.Sprintf("%s/relations/%d/delete", api, fRel.ID)},
		{false, fmt.Sprintf("/w/globex/architecture/%s", archPathID(api))},
	} {
		var res *response
		if c.post {
			res = arch.post(c.path, full)
		} else {
			res = arch.get(c.path)
		}
		wantStatus(t, res, http.StatusNotFound)
		if strings.Contains(res.body, "Globex secret") {
			t.Errorf("%s leaks a foreign name", c.path)
		}
	}
	// A foreign parent or target in a form is refused at its field, naming nothing.
	res := arch.post("/w/demo/architecture", url.Values{"kind": {"container"}, "name": {"Spy"}, "parent_id": {fmt.Sprint(fSys.ID)}, "health": {"healthy"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=err-parent_id]")
	res = arch.post(api+"/relations", url.Values{"target_id": {fmt.Sprint(fSys.ID)}, "label": {"leaks"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=err-target_id]")
	res = arch.get(fmt.Sprintf("/w/demo/architecture?root=%d", fSys.ID))
	wantStatus(t, res, http.StatusOK)
	if strings.Contains(res.body, "Globex") {
		t.Error("?root= shows a foreign item")
	}
	// Nothing of the foreign workspace changed.
	now, _ := app.db.ArchItemByID(ctx, globex.ID, fAPI.ID)
	if now.Name != "Globex API" || now.Version != 1 {
		t.Errorf("foreign item changed: %+v", now)
	}
}

func TestArchitecturePagesRunAFixedNumberOfQueries(t *testing.T) {
	app := newCountingApp(t)
	counter, db := app.counter, app.db
	ctx := context.Background()
	wsID := app.demoID()
	actor := postgres.Actor{UserID: mustUser(t, app, "architect@example.com").ID}
	sys, err := db.CreateArchItem(ctx, actor, wsID, sightline.ArchItem{Kind: sightline.ItemSystem, Name: "Measured system", Health: sightline.HealthHealthy})
	if err != nil {
		t.Fatal(err)
	}
	api, err := db.CreateArchItem(ctx, actor, wsID, sightline.ArchItem{Kind: sightline.ItemContainer, Name: "Measured API", ParentID: &sys.ID, Health: sightline.HealthHealthy})
	if err != nil {
		t.Fatal(err)
	}
	// grow adds items (systems with containers and components, externals)
	// until the workspace holds n, and relations until it holds m, all
	// touching the measured container, plus history rows about it.
	grow := func(n, m int) {
		t.Helper()
		for _, st := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO arch_items (workspace_id, kind, name, health)
			  SELECT $1, 'system', 'Grown system ' || g, 'strained' FROM generate_series(1, 4) g
			  ON CONFLICT DO NOTHING`, []any{wsID}},
			{`INSERT INTO arch_items (workspace_id, kind, name, parent_id, health, technology)
			  SELECT $1, 'container', 'Grown container ' || g, (SELECT id FROM arch_items WHERE workspace_id = $1 AND name = 'Grown system ' || (1 + g % 4)), 'healthy', 'Go'
			  FROM generate_series(1, 30) g ON CONFLICT DO NOTHING`, []any{wsID}},
			{`INSERT INTO arch_items (workspace_id, kind, name, parent_id, health)
			  SELECT $1, 'component', 'Grown component ' || g, (SELECT id FROM arch_items WHERE workspace_id = $1 AND name = 'Grown container ' || (1 + g % 30)), 'at_risk'
			  FROM generate_series(1, $2::int - (SELECT count(*) FROM arch_items WHERE workspace_id = $1)::int) g`, []any{wsID, n}},
			{`INSERT INTO arch_relations (workspace_id, source_id, target_id, label, technology)
			  SELECT $1, CASE WHEN g % 2 = 0 THEN $2::bigint ELSE a.id END, CASE WHEN g % 2 = 0 THEN a.id ELSE b.id END, 'grown ' || g, 'HTTP'
			  FROM generate_series(1, $3::int - (SELECT count(*) FROM arch_relations WHERE workspace_id = $1)::int) g
			  JOIN LATERAL (SELECT id FROM arch_items WHERE workspace_id = $1 AND id <> $2 ORDER BY id OFFSET (g * 7) % 150 LIMIT 1) a ON true
			  JOIN LATERAL (SELECT id FROM arch_items WHERE workspace_id = $1 AND id <> a.id ORDER BY id OFFSET (g * 13) % 150 LIMIT 1) b ON true`, []any{wsID, api.ID, m}},
			{`INSERT INTO activity (workspace_id, actor_id, verb, item_type, item_id, summary, changes)
			  SELECT $1, $2, 'arch_item.updated', 'arch_item', $3, 'Measured API', '{"health": {"from": "healthy", "to": "strained"}}'
			  FROM generate_series(1, $4::int) g`, []any{wsID, actor.UserID, api.ID, n}},
		} {
			if _, err := db.Pool.Exec(ctx, st.sql, st.args...); err != nil {
				t.Fatalf("%s: %v", st.sql, err)
			}
		}
	}
	count := func(c *client, path string) (int64, *response) {
		t.Helper()
		wantStatus(t, c.get(path), http.StatusOK)
		before := counter.N()
		res := c.get(path)
		wantStatus(t, res, http.StatusOK)
		return counter.N() - before, res
	}
	clients := map[string]*client{"architect": app.signIn("architect@example.com"), "viewer": app.signIn("viewer@example.com")}
	paths := []string{"/w/demo/architecture", fmt.Sprintf("/w/demo/architecture?root=%d", sys.ID), fmt.Sprintf("/w/demo/architecture/%d", api.ID)}
	grow(40, 10) // the demo's items and a few more
	small := map[string]int64{}
	for who, c := range clients {
		for _, p := range paths {
			small[who+" "+p], _ = count(c, p)
		}
	}
	grow(200, 300)
	var items, rels int
	_ = db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM arch_items WHERE workspace_id = $1), (SELECT count(*) FROM arch_relations WHERE workspace_id = $1)`, wsID).Scan(&items, &rels)
	if items != 200 || rels != 300 {
		t.Fatalf("grown to %d items, %d relations", items, rels)
	}
	for who, c := range clients {
		for _, p := range paths {
			got, res := count(c, p)
			if got != small[who+" "+p] {
				t.Errorf("GET %s as %s: %d queries with 200 items and 300 relations; %d with fewer", p, who, got, small[who+" "+p])
			} else {
				t.Logf("GET %s as %s: %d queries, %d bytes", p, who, got, len(res.body))
			}
			if len(res.body) > 400_000 {
				t.Errorf("GET %s: %d bytes", p, len(res.body))
			}
			if p == "/w/demo/architecture" {
				_, svgText := archSVG(t, res.body)
				if !strings.Contains(svgText, "Grown container 30") || !strings.Contains(svgText, "components") {
					t.Error("the large diagram lacks a container or the component counts")
				}
			}
		}
	}
}

func TestArchItemStaleUntilRevisited(t *testing.T) {
	app := newTestApp(t)
	arch := app.signIn("architect@example.com")
	sys := archPropose(t, arch, url.Values{"kind": {"system"}, "name": {"Stale system"}})
	if arch.get(sys).doc(t).Find("[data-testid=arch-stale]").Length() != 0 {
		t.Fatal("a new item is stale")
	}
	if _, err := app.db.Pool.Exec(context.Background(), `UPDATE arch_items SET reviewed_at = now() - interval '91 days' WHERE id = $1`, archPathID(sys)); err != nil {
		t.Fatal(err)
	}
	if arch.get(sys).doc(t).Find("[data-testid=arch-stale]").Length() != 1 {
		t.Fatal("an item not revisited for 91 days is not marked stale")
	}
	if !strings.Contains(arch.get("/w/demo/architecture").doc(t).Find(fmt.Sprintf("[data-item-id='%s']", archPathID(sys))).Text(), "Stale") {
		t.Error("the hierarchy does not mark it stale")
	}
	// Saving it unchanged is a review.
	wantRedirect(t, arch.post(sys, archEditValues(t, arch, sys)), sys)
	d := arch.get(sys).doc(t)
	if d.Find("[data-testid=arch-stale]").Length() != 0 {
		t.Error("still stale after a review")
	}
	if !strings.Contains(d.Find("[data-testid=history-entry]").First().Text(), "reviewed it: nothing changed") {
		t.Errorf("history: %s", d.Find("[data-testid=history-entry]").First().Text())
	}
}

// TestArchDiagramFollowsTheRevision: the diagram is found by the
// workspace's revision, so a rename by plain SQL (another writer, no
// server involved) draws it anew, and so does one through the form.
func TestArchDiagramFollowsTheRevision(t *testing.T) {
	app := newTestApp(t, noPageCache)
	arch := app.signIn("architect@example.com")
	path := archPropose(t, arch, url.Values{"kind": {"system"}, "name": {"Ledger before"}})
	text := func() string {
		res := arch.get("/w/demo/architecture")
		wantStatus(t, res, http.StatusOK)
		_, txt := archSVG(t, res.body)
		return txt
	}
	if txt := text(); !strings.Contains(txt, "Ledger before") {
		t.Fatalf("the new system is not drawn: %s", txt)
	}
	if _, err := app.db.Pool.Exec(context.Background(), `UPDATE arch_items SET name = 'Ledger renamed in SQL' WHERE id = $1`, archPathID(path)); err != nil {
		t.Fatal(err)
	}
	txt := text()
	if strings.Contains(txt, "Ledger before") || !strings.Contains(txt, "Ledger renamed in SQL") {
		t.Fatalf("the diagram did not follow a rename in SQL: %s", txt)
	}
	vals := archEditValues(t, arch, path)
	vals.Set("name", "Ledger renamed in the form")
	wantRedirect(t, arch.post(path, vals), path)
	if txt := text(); !strings.Contains(txt, "Ledger renamed in the form") {
		t.Fatalf("the diagram did not follow a rename through the form: %s", txt)
	}
}

// TestArchDiagramFoundReadsNoRelations: a diagram found by the revision
// needs no relations read (one query fewer), and the page still counts
// them; after a change they are read again.
func TestArchDiagramFoundReadsNoRelations(t *testing.T) {
	app := newCountingApp(t, noPageCache)
	viewer := app.signIn("viewer@example.com")
	rels := app.id(`SELECT count(*) FROM arch_relations WHERE workspace_id = $1`, app.demoID())
	get := func() (int64, string) {
		before := app.counter.N()
		res := viewer.get("/w/demo/architecture")
		wantStatus(t, res, http.StatusOK)
		return app.counter.N() - before, res.body
	}
	app.exec(`UPDATE arch_items SET technology = technology || ' ' WHERE id = (SELECT min(id) FROM arch_items WHERE workspace_id = $1)`, app.demoID())
	drawn, _ := get()
	found, body := get()
	if found != drawn-1 {
		t.Errorf("a diagram found ran %d queries, one drawn %d: want one fewer (no relations read)", found, drawn)
	}
	if !strings.Contains(body, fmt.Sprintf("%d relations", rels)) {
		t.Errorf("the page no longer says %d relations", rels)
	}
}
