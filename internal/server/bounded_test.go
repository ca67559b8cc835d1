package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/sightline/sightline/web"
)

// Pages that offer "link one of many" selects, lists of many rows and a
// large architecture stay bounded at scale, with a search or a page for
// everything beyond the bound, in a fixed number of queries.

// bdOptions lists the values of a select's options, the empty placeholder left out.
func bdOptions(doc *goquery.Document, sel string) []string {
	var out []string
	doc.Find(sel + " option").Each(func(_ int, s *goquery.Selection) {
		if v, _ := s.Attr("value"); v != "" {
			out = append(out, v)
		}
	})
	return out
}

func bdHas(list []string, v int64) bool {
	for _, x := range list {
		if x == fmt.Sprint(v) {
			return true
		}
	}
	return false
}

func TestEpicPagePainPickerIsBoundedAndSearchable(t *testing.T) {
	app := newCountingApp(t)
	ws := app.demoID()
	pm, viewer := app.signIn("pm@example.com"), app.signIn("viewer@example.com")
	epic := app.id(`INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', 'Measured', 'p') RETURNING id`, ws)
	path := fmt.Sprintf("/w/demo/epics/%d", epic)
	paths := []string{path, path + "?painq=klingon", path + "?painpage=2", path + "?painq=bulk&painpage=2"}
	small := map[string]int64{}
	for _, p := range paths {
		small[p] = app.queriesPerGET(pm, p)
	}

	// 300 pains, 60 of them linked to the epic; one more, the needle, ranks
	// last (severity 1, heard long ago) and is found only by its words.
	app.exec(`INSERT INTO pain_notes (workspace_id, quote, source, severity, frequency, firsthand, heard_on)
		SELECT $1, 'Bulk pain ' || g, 'support', 2 + g % 4, 'weekly', g % 2 = 0, current_date - g FROM generate_series(1, 300) g`, ws)
	app.exec(`INSERT INTO epic_pains (workspace_id, epic_id, pain_id)
		SELECT $1, $2, id FROM pain_notes WHERE workspace_id = $1 AND quote LIKE 'Bulk pain %' ORDER BY id LIMIT 60`, ws, epic)
	needle := app.id(`INSERT INTO pain_notes (workspace_id, quote, source, customer, severity, frequency, firsthand, heard_on)
		VALUES ($1, 'Invoices arrive in Klingon', 'sales', 'Qo''noS Ltd', 1, 'once', false, date '2019-01-01') RETURNING id`, ws)

	doc := pm.get(path).doc(t)
	opts := bdOptions(doc, "#link-pain_id")
	if len(opts) != 100 {
		t.Fatalf("the link select offers %d pains, want the cap of 100", len(opts))
	}
	if bdHas(opts, needle) {
		t.Fatal("the needle is offered without a search")
	}
	if got := text(t, doc, "[data-testid=pain-picker-count]"); !strings.Contains(got, "Showing 100 of ") || !strings.Contains(got, "not linked yet") {
		t.Errorf("picker count: %q", got)
	}
	if doc.Find("[data-testid=pain-picker] a[href='/w/demo/pains']").Length() != 1 {
		t.Error("no link to the pains list")
	}
	// The epic's own pains: 50 of 60 on the first page, with a pager.
	if n := doc.Find("[data-testid=epic-pain]").Length(); n != 50 {
		t.Errorf("%d linked pains listed, want 50", n)
	}
	if got := text(t, doc, "[data-testid=epic-pains-count]"); got != "Showing 1–50 of 60 pain notes, highest score first." {
		t.Errorf("pains count: %q", got)
	}

	// The search finds the needle, by quote or customer, whatever the case.
	for _, q := range []string{"klingon", "QO'NOS", fmt.Sprint(needle)} {
		doc = pm.get(path + "?painq=" + url.QueryEscape(q)).doc(t)
		if opts := bdOptions(doc, "#link-pain_id"); len(opts) != 1 || !bdHas(opts, needle) {
			t.Errorf("search %q offers %v, want the needle %d", q, opts, needle)
		}
		if v, _ := doc.Find("#painq").Attr("value"); v != q {
			t.Errorf("the search box holds %q, want %q", v, q)
		}
	}
	doc = pm.get(path + "?painq=nothing+like+this").doc(t)
	if doc.Find("#link-pain_id").Length() != 0 || !strings.Contains(text(t, doc, "[data-testid=pain-picker-count]"), "No pain not linked yet matches") {
		t.Error("a search that finds nothing does not say so")
	}
	long := strings.Repeat("ä", 500)
	wantStatus(t, pm.get(path+"?painq="+url.QueryEscape(long)+"&painpage=-4"), http.StatusOK)

	// Linking the needle from the search puts it on the epic, last by score.
	wantRedirect(t, pm.post(path+"/pains", url.Values{"pain_id": {fmt.Sprint(needle)}}), path)
	doc = pm.get(path + "?painpage=2").doc(t)
	if n := doc.Find("[data-testid=epic-pain]").Length(); n != 11 {
		t.Errorf("page 2 lists %d pains, want 11", n)
	}
	if doc.Find(fmt.Sprintf("[data-testid=epic-pain][data-pain-id='%d']", needle)).Length() != 1 {
		t.Error("the linked needle is not on the last page")
	}
	if href, _ := doc.Find("[data-testid=epic-pains-pager] a[rel=prev]").Attr("href"); href != path+"#pains" {
		t.Errorf("previous page link %q", href)
	}
	doc = pm.get(path + "?painpage=9").doc(t)
	if doc.Find("[data-testid=epic-pain]").Length() != 0 || !strings.Contains(text(t, doc, "[data-testid=epic-pains-count]"), "61 pain notes in all") {
		t.Error("a page past the end does not lead back")
	}
	// A viewer sees the pains, not the picker.
	doc = viewer.get(path).doc(t)
	if doc.Find("#link-pain_id, #painq").Length() != 0 || doc.Find("[data-testid=epic-pain]").Length() != 50 {
		t.Error("the viewer's epic page")
	}

	for _, p := range paths {
		if got := app.queriesPerGET(pm, p); got != small[p] {
			t.Errorf("GET %s: %d queries with 361 pains, %d with the demo's", p, got, small[p])
		}
	}
}

func TestEpicPickersAreBoundedAndSearchable(t *testing.T) {
	app := newCountingApp(t)
	ws := app.demoID()
	pm, architect := app.signIn("pm@example.com"), app.signIn("architect@example.com")
	pain := app.id(`SELECT id FROM pain_notes WHERE workspace_id = $1 ORDER BY id LIMIT 1`, ws)
	item := app.id(`SELECT id FROM arch_items WHERE workspace_id = $1 ORDER BY id LIMIT 1`, ws)
	decision := app.id(`SELECT number FROM decisions WHERE workspace_id = $1 AND status <> 'superseded' ORDER BY number LIMIT 1`, ws)
	pages := []struct {
		who  *client
		path string
		sel  string // the link select
	}{
		{pm, fmt.Sprintf("/w/demo/pains/%d", pain), "#f-epic_id"},
		{architect, fmt.Sprintf("/w/demo/architecture/%d", item), "[data-testid=item-link-form] select[name=epic_id]"},
		{architect, fmt.Sprintf("/w/demo/decisions/%d", decision), "#link-epic-target_id"},
	}
	small := map[string]int64{}
	for _, p := range pages {
		doc := p.who.get(p.path).doc(t)
		if len(bdOptions(doc, p.sel)) == 0 {
			t.Fatalf("%s: no epic offered on the demo", p.path)
		}
		if doc.Find("[data-testid=epic-picker]").Length() != 0 {
			t.Errorf("%s: a search for a few epics", p.path)
		}
		small[p.path] = app.queriesPerGET(p.who, p.path)
		small[p.path+"?epicq=fax"] = app.queriesPerGET(p.who, p.path+"?epicq=fax")
	}

	app.exec(`INSERT INTO epics (workspace_id, kind, title, problem, target_quarter)
		SELECT $1, 'product', 'Bulk epic ' || g, 'p', '2027-Q' || (1 + g % 4) FROM generate_series(1, 300) g`, ws)
	needle := app.id(`INSERT INTO epics (workspace_id, kind, title, problem, status) VALUES ($1, 'product', 'Retire the fax gateway', 'p', 'dropped') RETURNING id`, ws)

	for _, p := range pages {
		doc := p.who.get(p.path).doc(t)
		opts := bdOptions(doc, p.sel)
		if len(opts) == 0 || len(opts) > 200 {
			t.Errorf("%s: %d epics offered, want at most 200", p.path, len(opts))
		}
		if bdHas(opts, needle) {
			t.Errorf("%s: the dropped needle is offered before open epics", p.path)
		}
		if got := text(t, doc, "[data-testid=epic-picker-count]"); !strings.Contains(got, "Showing ") || !strings.Contains(got, "not linked yet") {
			t.Errorf("%s: picker count %q", p.path, got)
		}
		doc = p.who.get(p.path + "?epicq=FAX+gateway").doc(t)
		if opts := bdOptions(doc, p.sel); len(opts) != 1 || !bdHas(opts, needle) {
			t.Errorf("%s?epicq=FAX+gateway offers %v, want the needle %d", p.path, opts, needle)
		}
		if got := text(t, doc, "[data-testid=epic-picker-count]"); got == "" || !strings.Contains(got, "1 epic matches “FAX gateway”") {
			t.Errorf("%s: search count %q", p.path, got)
		}
		for _, q := range []string{"%", "_", strings.Repeat("x", 300)} {
			wantStatus(t, p.who.get(p.path+"?epicq="+url.QueryEscape(q)), http.StatusOK)
		}
		for _, k := range []string{p.path, p.path + "?epicq=fax"} {
			if got := app.queriesPerGET(p.who, k); got != small[k] {
				t.Errorf("GET %s: %d queries with 300 more epics, %d before", k, got, small[k])
			}
		}
	}
	// Linking what the search found works from each side.
	wantRedirect(t, pm.post(pages[0].path+"/epics", url.Values{"epic_id": {fmt.Sprint(needle)}}), pages[0].path)
	if doc := pm.get(pages[0].path + "?epicq=fax").doc(t); len(bdOptions(doc, pages[0].sel)) != 0 {
		t.Error("the linked epic is still offered on the pain page")
	}
	wantRedirect(t, architect.post(pages[2].path+"/links", url.Values{"target_type": {"epic"}, "target_id": {fmt.Sprint(needle)}}), pages[2].path)
	if doc := architect.get(pages[2].path + "?epicq=fax").doc(t); len(bdOptions(doc, pages[2].sel)) != 0 {
		t.Error("the linked epic is still offered on the decision page")
	}
}

func TestDecisionLogIsPaginated(t *testing.T) {
	app := newCountingApp(t)
	ws := app.demoID()
	viewer := app.signIn("viewer@example.com")
	before := app.id(`SELECT count(*) FROM decisions WHERE workspace_id = $1`, ws)
	top := app.id(`SELECT coalesce(max(number), 0) FROM decisions WHERE workspace_id = $1`, ws)
	// n more decisions: the even ones accepted.
	add := func(from, to int) {
		app.exec(`INSERT INTO decisions (workspace_id, number, title, status)
			SELECT $1, $2 + g, 'Bulk decision ' || g, CASE WHEN g % 2 = 0 THEN 'accepted' ELSE 'proposed' END
			FROM generate_series($3::int, $4::int) g`, ws, top, from, to)
	}
	// Enough for two pages of accepted ones, then twice as many.
	add(1, 110)
	paths := []string{"/w/demo/decisions", "/w/demo/decisions?page=2", "/w/demo/decisions?status=accepted&page=2"}
	small := map[string]int64{}
	for _, p := range paths {
		small[p] = app.queriesPerGET(viewer, p)
	}
	add(111, 220)
	total := int(before) + 220
	pages := (total + 49) / 50

	doc := viewer.get("/w/demo/decisions").doc(t)
	rows := doc.Find("[data-testid=decision-row]")
	if rows.Length() != 50 {
		t.Fatalf("%d decisions on the first page, want 50", rows.Length())
	}
	if n, _ := rows.First().Attr("data-number"); n != fmt.Sprint(top+220) {
		t.Errorf("the first row is %s, want the newest %d", n, top+220)
	}
	if got := text(t, doc, "[data-testid=page-of]"); got != fmt.Sprintf("Page 1 of %d", pages) {
		t.Errorf("pager: %q", got)
	}
	if got := text(t, doc, "[data-testid=decision-count]"); got != fmt.Sprintf("1–50 of %d decisions, newest first.", total) {
		t.Errorf("count: %q", got)
	}
	next, _ := doc.Find("[data-testid=next-page]").Attr("href")
	if next != "/w/demo/decisions?page=2" {
		t.Errorf("next page link %q", next)
	}
	// The last page holds the rest and no next link.
	doc = viewer.get(fmt.Sprintf("/w/demo/decisions?page=%d", pages)).doc(t)
	if n := doc.Find("[data-testid=decision-row]").Length(); n != total-(pages-1)*50 || doc.Find("[data-testid=next-page]").Length() != 0 {
		t.Errorf("last page: %d rows", n)
	}
	// Filters stay in the page links.
	doc = viewer.get("/w/demo/decisions?status=accepted&revisit=&item=").doc(t)
	accepted := doc.Find("[data-testid=decision-row]")
	if accepted.Length() != 50 {
		t.Fatalf("%d accepted decisions on page 1", accepted.Length())
	}
	next, _ = doc.Find("[data-testid=next-page]").Attr("href")
	if next != "/w/demo/decisions?page=2&status=accepted" {
		t.Errorf("filtered next page link %q", next)
	}
	doc = viewer.get(next).doc(t)
	doc.Find("[data-testid=decision-row]").Each(func(_ int, s *goquery.Selection) {
		if !strings.Contains(s.Text(), "Accepted") {
			t.Errorf("page 2 of accepted lists %q", strings.TrimSpace(s.Text()))
		}
	})
	if prev, _ := doc.Find("[data-testid=prev-page]").Attr("href"); prev != "/w/demo/decisions?status=accepted" {
		t.Errorf("filtered previous page link %q", prev)
	}
	// Bad or past-the-end pages: no 500.
	for _, p := range []string{"?page=0", "?page=-3", "?page=abc", "?page=99999999999999999999"} {
		doc := viewer.get("/w/demo/decisions" + p).doc(t)
		if doc.Find("[data-testid=decision-row]").Length() != 50 || text(t, doc, "[data-testid=page-of]") != fmt.Sprintf("Page 1 of %d", pages) {
			t.Errorf("%s is not page 1", p)
		}
	}
	doc = viewer.get("/w/demo/decisions?page=400").doc(t)
	if doc.Find("[data-testid=decision-row]").Length() != 0 || doc.Find("[data-testid=no-decisions] a[href='/w/demo/decisions']").Length() != 1 {
		t.Error("a page past the end does not lead back to the first")
	}

	for _, p := range paths {
		if got := app.queriesPerGET(viewer, p); got != small[p] {
			t.Errorf("GET %s: %d queries with %d decisions, %d with the demo's", p, got, total, small[p])
		}
	}
}

func TestArchitecturePageCollapsesAtScale(t *testing.T) {
	app := newCountingApp(t)
	ws := app.demoID()
	viewer := app.signIn("viewer@example.com")
	// The demo is small: everything is listed, the key lists every arrow.
	doc := viewer.get("/w/demo/architecture").doc(t)
	if doc.Find("[data-testid=arch-collapsed], [data-testid=arrow-key-summary]").Length() != 0 {
		t.Fatal("the demo's architecture is collapsed")
	}
	demoComponents := doc.Find("[data-testid=arch-node] [data-testid=arch-kind]:contains('Component')").Length()
	if demoComponents == 0 {
		t.Fatal("the demo lists no component")
	}
	small := app.queriesPerGET(viewer, "/w/demo/architecture")

	// 6 systems × 4 containers × 6 components: 174 more items, and 150
	// relations between containers of different systems.
	app.exec(`
		WITH s AS (
			INSERT INTO arch_items (workspace_id, kind, name) SELECT $1, 'system', 'Bulk system ' || g FROM generate_series(1, 6) g RETURNING id, name),
		c AS (
			INSERT INTO arch_items (workspace_id, kind, name, parent_id)
			SELECT $1, 'container', s.name || ' container ' || g, s.id FROM s, generate_series(1, 4) g RETURNING id, name)
		INSERT INTO arch_items (workspace_id, kind, name, parent_id)
		SELECT $1, 'component', c.name || ' part ' || g, c.id FROM c, generate_series(1, 6) g`, ws)
	app.exec(`
		WITH c AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM arch_items WHERE workspace_id = $1 AND name LIKE 'Bulk system % container %' AND kind = 'container')
		INSERT INTO arch_relations (workspace_id, source_id, target_id, label)
		SELECT $1, a.id, b.id, 'calls ' || a.n || '-' || b.n FROM c a JOIN c b ON b.n > a.n
		ORDER BY a.n, b.n LIMIT 150`, ws)

	res := viewer.get("/w/demo/architecture")
	doc = res.doc(t)
	collapsed := doc.Find("[data-testid=arch-collapsed]")
	if collapsed.Length() < 24 {
		t.Fatalf("%d containers collapsed, want the 24 bulk ones at least", collapsed.Length())
	}
	if doc.Find("[data-testid=arch-node] [data-testid=arch-item-link]:contains('part 1')").Length() != 0 {
		t.Error("components are listed one by one in the whole hierarchy")
	}
	container := app.id(`SELECT id FROM arch_items WHERE workspace_id = $1 AND name = 'Bulk system 2 container 3'`, ws)
	link := doc.Find(fmt.Sprintf("[data-testid=arch-node][data-item-id='%d'] > [data-testid=arch-collapsed]", container))
	if href, _ := link.Attr("href"); href != fmt.Sprintf("/w/demo/architecture?root=%d", container) || strings.TrimSpace(link.Text()) != "6 components in it" {
		t.Errorf("collapsed container: %q → %q", link.Text(), href)
	}
	if !strings.Contains(text(t, doc, "[data-testid=arch-collapsed-note]"), "each container shows how many components it holds") {
		t.Error("no note on the collapsed hierarchy")
	}
	// The key is summed up per system, each leading to its own full key.
	if doc.Find("[data-testid=arrow-key]").Length() != 0 || doc.Find("[data-testid=arrow-key-summary]").Length() != 1 {
		t.Fatal("the key of a large diagram is not summed up")
	}
	sys := app.id(`SELECT id FROM arch_items WHERE workspace_id = $1 AND name = 'Bulk system 2'`, ws)
	row := doc.Find(fmt.Sprintf("[data-testid=arrow-group][data-item-id='%d']", sys))
	if href, _ := row.Find("a[href*='root=']").Attr("href"); href != fmt.Sprintf("/w/demo/architecture?root=%d#arrow-key", sys) {
		t.Errorf("key summary row for the system: %q", href)
	}
	svg := doc.Find("[data-testid=arch-diagram-svg]")
	if svg.Length() != 1 {
		t.Fatal("no diagram")
	}
	// Every arrow keeps a tooltip, written once.
	if titles, arrows := svg.Find("title").Length(), svg.Find("g.ad-edge-g").Length(); titles < arrows {
		t.Errorf("%d titles for %d arrows", titles, arrows)
	}
	t.Logf("architecture page at %d items: %d KB", app.id(`SELECT count(*) FROM arch_items WHERE workspace_id = $1`, ws), len(res.body)/1024)

	// ?root= on a container lists its components, and its key in full.
	doc = viewer.get(fmt.Sprintf("/w/demo/architecture?root=%d", container)).doc(t)
	if doc.Find("[data-testid=arch-collapsed]").Length() != 0 {
		t.Error("a container's own view is collapsed")
	}
	if n := doc.Find("[data-testid=arch-node] [data-testid=arch-item-link]:contains('Bulk system 2 container 3 part')").Length(); n != 6 {
		t.Errorf("the container's view lists %d components, want 6", n)
	}
	doc = viewer.get(fmt.Sprintf("/w/demo/architecture?root=%d", sys)).doc(t)
	if doc.Find("[data-testid=arrow-key] [data-testid=arrow-row]").Length() == 0 {
		t.Error("a system's view has no key")
	}

	// The diagram follows edits at once (it is remembered per content).
	app.exec(`UPDATE arch_items SET name = 'Renamed container', updated_at = now() WHERE workspace_id = $1 AND id = $2`, ws, container)
	doc = viewer.get("/w/demo/architecture").doc(t)
	if !strings.Contains(doc.Find("[data-testid=arch-diagram-svg]").Text(), "Renamed container") {
		t.Error("the diagram still shows the old name")
	}

	if got := app.queriesPerGET(viewer, "/w/demo/architecture"); got != small {
		t.Errorf("GET /w/demo/architecture: %d queries with 174 more items, %d before", got, small)
	}
	if web.ArchCollapseAfter >= 174 {
		t.Fatal("the fixture does not cross the collapse threshold")
	}
}
