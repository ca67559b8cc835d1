package server_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

func TestImpactRights(t *testing.T) {
	app := newTestApp(t)
	w := newNFRWorld(t, app)
	path := w.epicPath(w.epic) + "/impacts"
	vals := url.Values{"category": {"performance"}, "level": {"high"}, "note": {"Every edit is an update."}, "required_work": {"Cut p99."}}
	for _, who := range []string{"pm", "engineer", "viewer"} {
		wantStatus(t, app.signIn(who+"@example.com").post(path, vals), http.StatusForbidden)
	}
	for _, who := range []string{"architect", "owner"} {
		c := app.signIn(who + "@example.com")
		wantRedirect(t, c.post(path, vals), w.epicPath(w.epic))
		// The redirect lands on the epic page with a flash.
		if got := text(t, c.get(w.epicPath(w.epic)).doc(t), "[data-testid=flash]"); got != "NFR impact added." {
			t.Errorf("flash %q", got)
		}
	}
	if n := w.count(t, `SELECT count(*) FROM nfr_impacts WHERE epic_id = $1`, w.epic); n != 2 {
		t.Fatalf("%d impacts, want 2", n)
	}
	// The epic's history records them.
	if n := w.count(t, `SELECT count(*) FROM activity WHERE item_type = 'epic' AND item_id = $1 AND verb = 'impact.added'`, w.epic); n != 2 {
		t.Errorf("%d history entries, want 2", n)
	}
	// Editing and deleting are architects' and owners' too.
	var id, version int64
	_ = app.db.Pool.QueryRow(context.Background(), `SELECT id, version FROM nfr_impacts WHERE epic_id = $1 ORDER BY id LIMIT 1`, w.epic).Scan(&id, &version)
	ipath := fmt.Sprintf("%s/%d", path, id)
	for _, who := range []string{"pm", "engineer", "viewer"} {
		c := app.signIn(who + "@example.com")
		wantStatus(t, c.post(ipath, url.Values{"category": {"cost"}, "level": {"low"}, "version": {fmt.Sprint(version)}}), http.StatusForbidden)
		wantStatus(t, c.post(ipath+"/delete", url.Values{"version": {fmt.Sprint(version)}}), http.StatusForbidden)
	}
}

func TestImpactValidationKeepsInput(t *testing.T) {
	app := newTestApp(t)
	w := newNFRWorld(t, app)
	arch := app.signIn("architect@example.com")
	path := w.epicPath(w.epic) + "/impacts"

	// A category other than the concern's, no level: refused on its own page.
	res := arch.post(path, url.Values{"category": {"cost"}, "concern_id": {fmt.Sprint(w.concern)}, "note": {"Typed *note*"}, "required_work": {"Typed work"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	if got := text(t, d, "[data-testid=impact-form-heading]"); got != "Add an NFR impact to “NFR test epic”" {
		t.Errorf("heading %q", got)
	}
	form := d.Find("[data-testid=impact-form]")
	if !strings.Contains(nfrText(t, form, "[data-testid=err-concern_id]"), "performance") {
		t.Errorf("concern message %q", nfrText(t, form, "[data-testid=err-concern_id]"))
	}
	nfrText(t, form, "[data-testid=err-level]")
	if got := form.Find("textarea[name=note]").Text(); got != "Typed *note*" {
		t.Errorf("note lost: %q", got)
	}
	if got := form.Find("textarea[name=required_work]").Text(); got != "Typed work" {
		t.Errorf("required work lost: %q", got)
	}
	if v, _ := form.Find("select[name=category] option[selected]").Attr("value"); v != "cost" {
		t.Errorf("category lost: %q", v)
	}
	if v, _ := form.Find("select[name=concern_id] option[selected]").Attr("value"); v != fmt.Sprint(w.concern) {
		t.Errorf("concern lost: %q", v)
	}
	nfrWantLabels(t, d, form)
	// Another workspace's concern is refused next to the field.
	res = arch.post(path, url.Values{"concern_id": {fmt.Sprint(w.fConcern)}, "level": {"low"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=impact-form] [data-testid=err-concern_id]")
	// Too long a note.
	res = arch.post(path, url.Values{"category": {"cost"}, "level": {"low"}, "note": {strings.Repeat("n", 5001)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=impact-form] [data-testid=err-note]")
	if n := w.count(t, `SELECT count(*) FROM nfr_impacts WHERE epic_id = $1`, w.epic); n != 0 {
		t.Errorf("%d impacts created from refused forms", n)
	}
	// With the concern alone, the category is the concern's.
	wantRedirect(t, arch.post(path, url.Values{"concern_id": {fmt.Sprint(w.concern)}, "level": {"blocking"}}), w.epicPath(w.epic))
	list, err := app.db.ImpactsForEpic(context.Background(), w.wsID, w.epic)
	if err != nil || len(list) != 1 || list[0].Category != "performance" {
		t.Fatalf("%+v %v", list, err)
	}
}

// nfrImpact adds an impact through the form and returns its id and version.
func nfrImpact(t *testing.T, w *nfrWorld, c *client, epic int64, vals url.Values) (int64, string) {
	t.Helper()
	wantRedirect(t, c.post(w.epicPath(epic)+"/impacts", vals), w.epicPath(epic))
	var id int64
	var version int
	if err := w.app.db.Pool.QueryRow(context.Background(), `SELECT id, version FROM nfr_impacts WHERE epic_id = $1 ORDER BY id DESC LIMIT 1`, epic).Scan(&id, &version); err != nil {
		t.Fatal(err)
	}
	return id, fmt.Sprint(version)
}

func TestImpactConflictAndDelete(t *testing.T) {
	app := newTestApp(t)
	w := newNFRWorld(t, app)
	arch, owner := app.signIn("architect@example.com"), app.signIn("owner@example.com")
	id, v1 := nfrImpact(t, w, arch, w.epic, url.Values{"category": {"cost"}, "level": {"medium"}, "note": {"Mentions multiply notifications."}})
	path := fmt.Sprintf("%s/impacts/%d", w.epicPath(w.epic), id)

	// Two sessions loaded version 1; the owner saves first.
	wantRedirect(t, owner.post(path, url.Values{"category": {"cost"}, "level": {"high"}, "note": {"Owner's note"}, "version": {v1}}), w.epicPath(w.epic))
	res := arch.post(path, url.Values{"category": {"cost"}, "level": {"low"}, "note": {"Architect's note"}, "required_work": {"Batch digests."}, "version": {v1}})
	wantStatus(t, res, http.StatusConflict)
	d := res.doc(t)
	text(t, d, "[data-testid=conflict]")
	form := d.Find("[data-testid=impact-edit-form]")
	if got := form.Find("textarea[name=note]").Text(); got != "Architect's note" {
		t.Errorf("note lost: %q", got)
	}
	if v, _ := form.Find("select[name=level] option[selected]").Attr("value"); v != "low" {
		t.Errorf("level lost: %q", v)
	}
	carried, _ := form.Find("input[name=version]").Attr("value")
	if carried == v1 {
		t.Fatal("the form still carries the stale version")
	}
	var theirs []string
	d.Find("[data-testid=conflict-theirs]").Each(func(_ int, s *goquerySelection) { theirs = append(theirs, strings.TrimSpace(s.Text())) })
	if !strings.Contains(strings.Join(theirs, "|"), "Owner's note") {
		t.Errorf("the panel does not show what is saved now: %v", theirs)
	}
	// Saving again applies it.
	wantRedirect(t, arch.post(path, epFormValues(form)), w.epicPath(w.epic))
	i, _ := app.db.ImpactByID(context.Background(), w.wsID, w.epic, id)
	if i.Note != "Architect's note" || i.Level != "low" {
		t.Fatalf("after re-save %+v", i)
	}

	// Delete needs the version: without it nothing goes.
	res = arch.post(path+"/delete", nil)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=form-error]")
	// A stale version is a conflict that shows the impact as it is now.
	res = arch.post(path+"/delete", url.Values{"version": {v1}})
	wantStatus(t, res, http.StatusConflict)
	cur, _ := res.doc(t).Find("[data-testid=impact-delete-form] input[name=version]").Attr("value")
	if cur != fmt.Sprint(i.Version) {
		t.Errorf("the delete form carries version %q, want %d", cur, i.Version)
	}
	if n := w.count(t, `SELECT count(*) FROM nfr_impacts WHERE id = $1`, id); n != 1 {
		t.Fatal("deleted without the current version")
	}
	wantRedirect(t, arch.post(path+"/delete", url.Values{"version": {cur}}), w.epicPath(w.epic))
	if n := w.count(t, `SELECT count(*) FROM nfr_impacts WHERE id = $1`, id); n != 0 {
		t.Fatal("not deleted")
	}
	if n := w.count(t, `SELECT count(*) FROM activity WHERE item_type = 'epic' AND item_id = $1 AND verb = 'impact.removed'`, w.epic); n != 1 {
		t.Error("the removal is not on the epic's history")
	}
	// Gone: a second delete is not found.
	wantStatus(t, arch.post(path+"/delete", url.Values{"version": {cur}}), http.StatusNotFound)
}

func TestNFRRoutesRefuseOtherWorkspaces(t *testing.T) {
	app := newTestApp(t)
	w := newNFRWorld(t, app)
	arch := app.signIn("architect@example.com")
	homeImpact, hv := nfrImpact(t, w, arch, w.epic, url.Values{"category": {"cost"}, "level": {"low"}})
	wantRedirect(t, arch.post(w.epicPath(w.epic)+"/links", url.Values{"item_id": {fmt.Sprint(w.item)}, "change_kind": {"change"}}), w.epicPath(w.epic))
	full := url.Values{"category": {"cost"}, "level": {"low"}, "version": {"1"}, "item_id": {fmt.Sprint(w.item2)}, "epic_id": {fmt.Sprint(w.epic2)},
		"change_kind": {"extend"}, "note": {"n"}}
	for _, p := range []string{
		w.epicPath(w.fEpic) + "/impacts",
		fmt.Sprintf("%s/impacts/%d", w.epicPath(w.fEpic), w.fImpact),
		fmt.Sprintf("%s/impacts/%d/delete", w.epicPath(w.fEpic), w.fImpact),
		fmt.Sprintf("%s/impacts/%d", w.epicPath(w.epic), w.fImpact),
		fmt.Sprintf("%s/impacts/%d/delete", w.epicPath(w.epic), w.fImpact),
		// A home impact through another home epic is not found either.
		fmt.Sprintf("%s/impacts/%d", w.epicPath(w.epic2), homeImpact),
		fmt.Sprintf("%s/impacts/%d/delete", w.epicPath(w.epic2), homeImpact),
		w.epicPath(w.fEpic) + "/links",
		w.itemPath(w.fItem) + "/links",
		fmt.Sprintf("/w/demo/links/%d", w.fLink),
		fmt.Sprintf("/w/demo/links/%d/delete", w.fLink),
		"/w/demo/links/abc",
	} {
		if res := arch.post(p, full); res.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", p, res.StatusCode)
		}
	}
	if n := w.count(t, `SELECT count(*) FROM nfr_impacts WHERE id = $1 AND version = `+hv, homeImpact); n != 1 {
		t.Error("the home impact changed through another epic")
	}
	if n := w.count(t, `SELECT count(*) FROM epic_arch_links WHERE id = $1`, w.fLink); n != 1 {
		t.Error("their link was deleted")
	}
	// Foreign ids in a form are refused next to the field.
	res := arch.post(w.epicPath(w.epic2)+"/links", url.Values{"item_id": {fmt.Sprint(w.fItem)}, "change_kind": {"change"}, "note": {"kept"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	text(t, d, "[data-testid=link-form] [data-testid=err-item_id]")
	if got := d.Find("[data-testid=link-form] textarea[name=note]").Text(); got != "kept" {
		t.Errorf("note lost: %q", got)
	}
	res = arch.post(w.itemPath(w.item2)+"/links", url.Values{"epic_id": {fmt.Sprint(w.fEpic)}, "change_kind": {"change"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=item-link-form] [data-testid=err-epic_id]")
	if n := w.count(t, `SELECT count(*) FROM epic_arch_links WHERE item_id = $1 OR epic_id = $2`, w.fItem, w.fEpic); n != 1 {
		t.Errorf("%d links touch their rows, want only their own", n)
	}
	// If a handler were bypassed, the database still refuses a link across workspaces.
	_, err := app.db.Pool.Exec(context.Background(), `INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind) VALUES ($1, $2, $3, 'change')`,
		w.wsID, w.epic, w.fItem)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23503" {
		t.Fatalf("cross-workspace link: %v, want a foreign-key violation", err)
	}
	_, err = app.db.Pool.Exec(context.Background(), `INSERT INTO nfr_impacts (workspace_id, epic_id, category, concern_id, level) VALUES ($1, $2, 'performance', $3, 'low')`,
		w.wsID, w.epic, w.fConcern)
	if !errors.As(err, &pgErr) || pgErr.Code != "23503" {
		t.Fatalf("cross-workspace impact concern: %v, want a foreign-key violation", err)
	}
}

func TestArchLinksFromBothSides(t *testing.T) {
	app := newTestApp(t)
	w := newNFRWorld(t, app)
	arch, owner := app.signIn("architect@example.com"), app.signIn("owner@example.com")
	epicLinks, itemLinks := w.epicPath(w.epic)+"/links", w.itemPath(w.item)+"/links"
	vals := url.Values{"item_id": {fmt.Sprint(w.item)}, "change_kind": {"change"}, "note": {"Lists get memberships."}, "next": {w.epicPath(w.epic)}}
	for _, who := range []string{"pm", "engineer", "viewer"} {
		c := app.signIn(who + "@example.com")
		wantStatus(t, c.post(epicLinks, vals), http.StatusForbidden)
		wantStatus(t, c.post(itemLinks, url.Values{"epic_id": {fmt.Sprint(w.epic2)}, "change_kind": {"new"}}), http.StatusForbidden)
	}
	// From the epic page, back to it.
	wantRedirect(t, arch.post(epicLinks, vals), w.epicPath(w.epic))
	if got := text(t, arch.get(w.epicPath(w.epic)).doc(t), "[data-testid=flash]"); got != "Architecture link added." {
		t.Errorf("flash %q", got)
	}
	// The same pair again: a clear conflict next to the item.
	vals.Set("change_kind", "extend")
	res := arch.post(epicLinks, vals)
	wantStatus(t, res, http.StatusConflict)
	msg := text(t, res.doc(t), "[data-testid=link-form] [data-testid=err-item_id]")
	if msg != "“NFR test epic” is already linked to “NFR test API”; edit that link instead of adding another." {
		t.Errorf("duplicate message %q", msg)
	}
	// From the item page, back to it; an outside "next" is ignored.
	res = owner.post(itemLinks, url.Values{"epic_id": {fmt.Sprint(w.epic2)}, "change_kind": {"depends_on"}, "next": {"https://evil.example/"}})
	wantRedirect(t, res, w.itemPath(w.item))
	if loc := res.Header.Get("Location"); loc != w.itemPath(w.item) {
		t.Errorf("redirect to %q", loc)
	}
	res = owner.post(w.itemPath(w.item2)+"/links", url.Values{"epic_id": {fmt.Sprint(w.epic2)}, "change_kind": {"new"}, "next": {"//evil.example/w/demo/"}})
	if loc := res.Header.Get("Location"); loc != w.itemPath(w.item2) {
		t.Errorf("redirect to %q", loc)
	}
	// An empty form is refused with messages, nothing created.
	res = arch.post(itemLinks, nil)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	text(t, d, "[data-testid=item-link-form] [data-testid=err-epic_id]")
	text(t, d, "[data-testid=item-link-form] [data-testid=err-change_kind]")
	nfrWantLabels(t, d, d.Find("[data-testid=item-link-form]"))

	links, _ := app.db.LinksForItem(context.Background(), w.wsID, w.item)
	if len(links) != 2 {
		t.Fatalf("%d links on the item, want 2", len(links))
	}
	l := links[0]
	if l.EpicID != w.epic || l.EpicQuarter != "2027-Q1" {
		t.Fatalf("first link %+v", l)
	}
	// Both histories have it.
	if n := w.count(t, `SELECT count(*) FROM activity WHERE item_type = 'arch_item' AND item_id = $1 AND verb = 'archlink.added'`, w.item); n != 2 {
		t.Errorf("%d entries on the item's history, want 2", n)
	}

	// Two sessions edit one link: the second is a conflict with its input kept.
	lpath := fmt.Sprintf("/w/demo/links/%d", l.ID)
	v := fmt.Sprint(l.Version)
	wantRedirect(t, owner.post(lpath, url.Values{"change_kind": {"extend"}, "note": {"Owner"}, "version": {v}, "next": {w.itemPath(w.item)}}), w.itemPath(w.item))
	res = arch.post(lpath, url.Values{"change_kind": {"retire"}, "note": {"Architect's words"}, "version": {v}, "next": {w.epicPath(w.epic)}})
	wantStatus(t, res, http.StatusConflict)
	d = res.doc(t)
	text(t, d, "[data-testid=conflict]")
	form := d.Find("[data-testid=link-edit-form]")
	if got := form.Find("textarea[name=note]").Text(); got != "Architect's words" {
		t.Errorf("note lost: %q", got)
	}
	if next, _ := form.Find("input[name=next]").Attr("value"); next != w.epicPath(w.epic) {
		t.Errorf("next lost: %q", next)
	}
	wantRedirect(t, arch.post(lpath, epFormValues(form)), w.epicPath(w.epic))
	// Invalid kind: 422 with the message.
	res = arch.post(lpath, url.Values{"change_kind": {"rewrite"}, "version": {"99"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=link-edit-form] [data-testid=err-change_kind]")

	// Delete needs the version.
	wantStatus(t, arch.post(lpath+"/delete", nil), http.StatusUnprocessableEntity)
	wantStatus(t, arch.post(lpath+"/delete", url.Values{"version": {v}}), http.StatusConflict)
	now, _ := app.db.ArchLinkByID(context.Background(), w.wsID, l.ID)
	wantRedirect(t, arch.post(lpath+"/delete", url.Values{"version": {fmt.Sprint(now.Version)}, "next": {w.itemPath(w.item)}}), w.itemPath(w.item))
	if n := w.count(t, `SELECT count(*) FROM epic_arch_links WHERE id = $1`, l.ID); n != 0 {
		t.Fatal("not deleted")
	}
	if n := w.count(t, `SELECT count(*) FROM activity WHERE item_type = 'epic' AND item_id = $1 AND verb LIKE 'archlink.%'`, w.epic); n != 4 {
		t.Errorf("%d link entries on the epic's history, want 4 (added, updated twice, removed)", n)
	}
}

func TestNFRSectionsRender(t *testing.T) {
	p := ui.Page{Workspace: &sightline.Workspace{ID: 1, Slug: "demo", Name: "Demo"}, Role: sightline.RoleArchitect}
	concernID := int64(5)
	impacts := []sightline.NFRImpact{
		{ID: 1, EpicID: 9, Category: "cost", Level: "low", Version: 1},
		{ID: 2, EpicID: 9, Category: "performance", Level: "blocking", ConcernID: &concernID, ConcernTitle: "p99 <b>under</b> 200 ms", Note: "**Peaks** double", RequiredWork: "Cut p99.", Version: 3},
		{ID: 3, EpicID: 9, Category: "availability", Level: "medium", Version: 1},
	}
	concerns := []sightline.Concern{{ID: 5, Category: "performance", Title: "p99 <b>under</b> 200 ms", Status: "violated"}}

	d := nfrTemplDoc(t, web.EpicImpactsSection(p, 9, impacts, concerns, true))
	var levels []string
	d.Find("[data-testid=impact]").Each(func(_ int, s *goquerySelection) { levels = append(levels, s.AttrOr("data-level", "")) })
	if strings.Join(levels, ",") != "blocking,medium,low" {
		t.Errorf("impact order %v", levels)
	}
	blocking := d.Find("[data-testid=impact][data-impact-id='2']")
	if href, _ := blocking.Find("[data-testid=impact-concern]").Attr("href"); href != "/w/demo/concerns/5" {
		t.Errorf("concern link %q", href)
	}
	if blocking.Find("[data-testid=impact-concern] b").Length() != 0 || blocking.Find("[data-testid=impact-note] strong").Length() != 1 {
		t.Error("concern title not escaped, or note not rendered as markdown")
	}
	if v, _ := blocking.Find("[data-testid=impact-edit-form] input[name=version]").Attr("value"); v != "3" {
		t.Errorf("edit form version %q", v)
	}
	if a, _ := blocking.Find("[data-testid=impact-delete-form]").Attr("action"); a != "/w/demo/epics/9/impacts/2/delete" {
		t.Errorf("delete action %q", a)
	}
	if v, _ := blocking.Find("select[name=concern_id] option[selected]").Attr("value"); v != "5" {
		t.Errorf("edit form concern %q", v)
	}
	if a, _ := d.Find("[data-testid=impact-form]").Attr("action"); a != "/w/demo/epics/9/impacts" {
		t.Errorf("add action %q", a)
	}
	nfrWantLabels(t, d, d.Selection)
	nfrWantUniqueIDs(t, d)
	ro := nfrTemplDoc(t, web.EpicImpactsSection(p, 9, impacts, concerns, false))
	if ro.Find("form").Length() != 0 || ro.Find("[data-testid=impact]").Length() != 3 {
		t.Error("read-only impacts section")
	}
	if nfrTemplDoc(t, web.EpicImpactsSection(p, 9, nil, nil, false)).Find("[data-testid=no-impacts]").Length() != 1 {
		t.Error("empty impacts section")
	}

	items := []sightline.ArchItem{{ID: 20, Name: "Task API", Kind: "container"}, {ID: 21, Name: "User management", Kind: "container"}}
	links := []sightline.ArchLink{{ID: 30, EpicID: 9, EpicTitle: "Collaborators", EpicKind: sightline.KindProduct, EpicStatus: sightline.StatusDiscovery,
		EpicQuarter: "2027-Q1", ItemID: 21, ItemName: "User management", ItemKind: "container", ChangeKind: "change", Note: "Memberships.", Version: 2}}
	d = nfrTemplDoc(t, web.EpicLinksSection(p, 9, links, items, true))
	row := d.Find("[data-testid=arch-link]")
	if row.Length() != 1 || strings.TrimSpace(row.Find("[data-testid=change-kind]").Text()) != "Change" {
		t.Fatalf("links section rows: %d", row.Length())
	}
	if href, _ := row.Find("[data-testid=link-item]").Attr("href"); href != "/w/demo/architecture/21" {
		t.Errorf("item link %q", href)
	}
	for _, f := range []string{"link-edit-form", "link-delete-form"} {
		if next, _ := row.Find("[data-testid=" + f + "] input[name=next]").Attr("value"); next != "/w/demo/epics/9" {
			t.Errorf("%s next %q", f, next)
		}
	}
	add := d.Find("[data-testid=link-form]")
	if add.Find("select[name=item_id] option[value='21']").Length() != 0 || add.Find("select[name=item_id] option[value='20']").Length() != 1 {
		t.Error("the item select should offer only items not linked yet")
	}
	if add.Find("select[name=change_kind] option").Length() != len(sightline.ChangeKinds)+1 {
		t.Error("change kinds")
	}
	nfrWantLabels(t, d, d.Selection)
	nfrWantUniqueIDs(t, d)
	if nfrTemplDoc(t, web.EpicLinksSection(p, 9, links, items, false)).Find("form").Length() != 0 {
		t.Error("read-only links section has forms")
	}

	epics := []sightline.Epic{{ID: 9, Title: "Collaborators", Kind: sightline.KindProduct, Status: sightline.StatusDiscovery},
		{ID: 10, Title: "Billing", Kind: sightline.KindEnabler, Status: sightline.StatusIdea}}
	d = nfrTemplDoc(t, web.ItemEpicsSection(p, 21, links, epics, true))
	row = d.Find("[data-testid=item-epic]")
	if row.Length() != 1 || strings.TrimSpace(row.Find("[data-testid=link-quarter]").Text()) != "2027-Q1" ||
		strings.TrimSpace(row.Find("[data-testid=status-badge]").Text()) != "Discovery" {
		t.Errorf("item epics row: %q", row.Text())
	}
	if href, _ := row.Find("[data-testid=link-epic]").Attr("href"); href != "/w/demo/epics/9" {
		t.Errorf("epic link %q", href)
	}
	form := d.Find("[data-testid=item-link-form]")
	if a, _ := form.Attr("action"); a != "/w/demo/architecture/21/links" {
		t.Errorf("item link action %q", a)
	}
	if form.Find("select[name=epic_id] option[value='9']").Length() != 0 || form.Find("select[name=epic_id] option[value='10']").Length() != 1 {
		t.Error("the epic select should offer only epics not linked yet")
	}
	if next, _ := form.Find("input[name=next]").Attr("value"); next != "/w/demo/architecture/21" {
		t.Errorf("next %q", next)
	}
	nfrWantLabels(t, d, d.Selection)
	nfrWantUniqueIDs(t, d)

	d = nfrTemplDoc(t, web.ItemConcernsSection(p, 21, []sightline.Concern{{ID: 5, Category: "performance", Title: "p99", Status: "at_risk", Target: "200 ms", Current: "640 ms"}}))
	c := d.Find("[data-testid=item-concern]")
	if c.Length() != 1 || !strings.Contains(c.Find("[data-testid=concern-status]").Text(), "At risk") ||
		strings.TrimSpace(c.Find("[data-testid=concern-current]").Text()) != "640 ms" {
		t.Errorf("item concerns: %q", c.Text())
	}
	if nfrTemplDoc(t, web.ItemConcernsSection(p, 21, nil)).Find("[data-testid=no-item-concerns]").Length() != 1 {
		t.Error("empty item concerns")
	}
}

// nfrTemplDoc renders a templ component into a document.
func nfrTemplDoc(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	d, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// nfrWantUniqueIDs fails if two elements share an id.
func nfrWantUniqueIDs(t *testing.T, d *goquery.Document) {
	t.Helper()
	seen := map[string]bool{}
	d.Find("[id]").Each(func(_ int, s *goquerySelection) {
		id, _ := s.Attr("id")
		if seen[id] {
			t.Errorf("duplicate id %q", id)
		}
		seen[id] = true
	})
}

func TestNFRActivityText(t *testing.T) {
	for _, c := range []struct {
		a    sightline.Activity
		want string
	}{
		{sightline.Activity{Verb: "impact.added", ItemType: "epic", Summary: "Performance · high"}, "added the NFR impact “Performance · high”"},
		{sightline.Activity{Verb: "archlink.added", ItemType: "epic", Summary: "Task API",
			Changes: map[string]sightline.Change{"change_kind": {To: "depends_on"}}}, "linked the architecture item “Task API” (depends on)"},
		{sightline.Activity{Verb: "archlink.removed", ItemType: "arch_item", Summary: "Collaborators"}, "removed the link to the epic “Collaborators”"},
		{sightline.Activity{Verb: "concern.item_attached", ItemType: "arch_item", Summary: "p99"}, "attached the NFR concern “p99”"},
	} {
		if got, ok := web.NFRActivityText(c.a); !ok || got != c.want {
			t.Errorf("%s on %s: %q, want %q", c.a.Verb, c.a.ItemType, got, c.want)
		}
	}
	if _, ok := web.NFRActivityText(sightline.Activity{Verb: "epic.created"}); ok {
		t.Error("claims another verb")
	}
}
