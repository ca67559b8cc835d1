package server_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/sightline/sightline/internal/sightline"
)

// The demo's review window: every demo epic but one targets 2026-Q4…2027-Q3.
const rvDemoWindow = "from=2026-Q4&to=2027-Q3"

func rvPath(q string) string { return "/w/demo/review?" + rvDemoWindow + q }

// rvID returns the id of the demo row of table whose column equals value.
func rvID(t testing.TB, app *testApp, table, column, value string) int64 {
	t.Helper()
	var id int64
	if err := app.db.Pool.QueryRow(context.Background(),
		fmt.Sprintf(`SELECT t.id FROM %s t JOIN workspaces w ON w.id = t.workspace_id WHERE w.slug = 'demo' AND t.%s = $1`, table, column),
		value).Scan(&id); err != nil {
		t.Fatalf("%s %q: %v", table, value, err)
	}
	return id
}

func rvEpic(t testing.TB, app *testApp, title string) int64 {
	return rvID(t, app, "epics", "title", title)
}
func rvItem(t testing.TB, app *testApp, name string) int64 {
	return rvID(t, app, "arch_items", "name", name)
}

// rvIDs reads the attribute of every element matching sel as ids.
func rvIDs(t testing.TB, d *goquery.Document, sel, attr string) []int64 {
	t.Helper()
	var out []int64
	d.Find(sel).Each(func(_ int, s *goquery.Selection) {
		v, _ := s.Attr(attr)
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("%s %s=%q", sel, attr, v)
		}
		out = append(out, n)
	})
	slices.Sort(out)
	return slices.Compact(out)
}

func rvSorted(ids ...int64) []int64 {
	slices.Sort(ids)
	return ids
}

// rvCardIDs lists the epics on the roadmap.
func rvCardIDs(t testing.TB, d *goquery.Document) []int64 {
	return rvIDs(t, d, "[data-testid=roadmap-card]", "data-epic-id")
}

func TestReviewShowsDemoSideBySide(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("architect@example.com")
	res := c.get(rvPath(""))
	wantStatus(t, res, http.StatusOK)
	d := res.doc(t)

	// Left: four quarters across, initiatives down, 16 epics (11 is in 2026-Q3, 12 is dropped).
	var quarters []string
	d.Find("[data-testid=roadmap-quarter]").Each(func(_ int, s *goquery.Selection) { quarters = append(quarters, s.Text()) })
	if !slices.Equal(quarters, []string{"2026-Q4", "2027-Q1", "2027-Q2", "2027-Q3"}) {
		t.Fatalf("quarters %v", quarters)
	}
	if n := d.Find("[data-testid=roadmap-card]").Length(); n != 16 {
		t.Fatalf("%d roadmap cards, want 16", n)
	}
	if n := d.Find("[data-testid=roadmap-lane]").Length(); n != 5 {
		t.Errorf("%d initiative lanes, want 4 initiatives and No initiative", n)
	}
	if got := text(t, d, "[data-testid=roadmap-lane]:last-child th"); !strings.HasPrefix(got, "No initiative") {
		t.Errorf("last lane %q", got)
	}
	// Product and enabler cards differ by class and by a word; committed ones say so.
	billing := d.Find(fmt.Sprintf("[data-testid=roadmap-card][data-epic-id='%d']", rvEpic(t, app, "Usage-based billing engine")))
	if !billing.HasClass("rv-kind-enabler") || !strings.Contains(billing.Text(), "Enabler") || !billing.HasClass("rv-conf-planned") {
		t.Errorf("billing engine card: class %q text %q", billing.AttrOr("class", ""), billing.Text())
	}
	picker := d.Find(fmt.Sprintf("[data-testid=roadmap-card][data-epic-id='%d']", rvEpic(t, app, "Plan picker with usage tiers")))
	if !picker.HasClass("rv-kind-product") || !picker.HasClass("rv-conf-committed") || !strings.Contains(picker.Text(), "Committed 15 Feb") {
		t.Errorf("plan picker card: class %q text %q", picker.AttrOr("class", ""), picker.Text())
	}
	gif := d.Find(fmt.Sprintf("[data-testid=roadmap-card][data-epic-id='%d']", rvEpic(t, app, "GIF attachments")))
	if !gif.HasClass("rv-conf-exploring") || !strings.Contains(gif.Text(), "Exploring") {
		t.Errorf("GIF card: class %q", gif.AttrOr("class", ""))
	}
	if d.Find("[data-testid=roadmap-band] [data-testid=roadmap-item]").Length() != 3 {
		t.Errorf("the three demo roadmap items are not in the band")
	}

	// Right: the hierarchy with heat marks. The Task API is touched by four
	// epics of the window, the highest impact among them blocking (collaborators).
	heat := d.Find(fmt.Sprintf("[data-testid=arch-heat-item][data-item-id='%d'] > .rv-item-row [data-testid=heat-mark]", rvItem(t, app, "Task API")))
	if heat.AttrOr("data-epics", "") != "4" || heat.AttrOr("data-level", "") != "blocking" || !strings.Contains(heat.Text(), "4 epics · Blocking") {
		t.Errorf("Task API heat: epics %q level %q text %q", heat.AttrOr("data-epics", ""), heat.AttrOr("data-level", ""), heat.Text())
	}
	if got := text(t, d, fmt.Sprintf("[data-item-id='%d'] > .rv-item-row [data-testid=item-concerns]", rvItem(t, app, "Task API"))); got != "2 open concerns, 1 violated" {
		t.Errorf("Task API concerns %q", got)
	}
	if n := d.Find("[data-testid=arch-heat-item]").Length(); n != 15 {
		t.Errorf("%d items in the tree, want the demo's 15", n)
	}
	if d.Find("[data-testid=arch-heat-item] [data-testid=arch-health]").Length() != 15 {
		t.Errorf("not every item shows its health")
	}

	// The matrix: a cell per link, with the change code and the level in words.
	cell := d.Find(fmt.Sprintf("[data-testid=matrix-row][data-epic-id='%d'] [data-testid=matrix-cell][data-item-id='%d']",
		rvEpic(t, app, "Usage-based billing engine"), rvItem(t, app, "Billing service")))
	if cell.AttrOr("data-change", "") != "new" || cell.AttrOr("data-level", "") != "blocking" ||
		strings.TrimSpace(cell.Find(".rvm-code").Text()) != "NEW" || strings.TrimSpace(cell.Find(".rvm-lvcode").Text()) != "B" {
		t.Errorf("billing cell: %q", cell.Text())
	}
	if title := cell.AttrOr("title", ""); title != "Usage-based billing engine: new Billing service; highest NFR impact blocking" ||
		strings.TrimSpace(cell.Find(".sr-only").Text()) != title {
		t.Errorf("billing cell text %q / %q", title, cell.Find(".sr-only").Text())
	}
	// 23 links of the window's epics (24 demo links, one of them on the Q3 board epic).
	if n := d.Find("[data-testid=matrix-cell]").Length(); n != 23 {
		t.Errorf("%d matrix cells, want 23", n)
	}
	if n := d.Find("[data-testid=matrix-row]").Length(); n != 14 {
		t.Errorf("%d matrix rows, want the 14 linked epics", n)
	}

	// Call-outs: the four items with three epics or more; five undecided high/blocking impacts.
	heavy := rvIDs(t, d, "[data-testid=risk-heavy] [data-testid=risk-row]", "data-id")
	want := rvSorted(rvItem(t, app, "Task API"), rvItem(t, app, "Billing service"), rvItem(t, app, "Web app"), rvItem(t, app, "Notification worker"))
	if !slices.Equal(heavy, want) || text(t, d, "[data-testid=risk-heavy] [data-testid=risk-count]") != "4" {
		t.Errorf("heavy items %v, want %v", heavy, want)
	}
	if got := text(t, d, "[data-testid=risk-undecided] [data-testid=risk-count]"); got != "5" {
		t.Errorf("undecided impacts: %s", got)
	}
	if got := text(t, d, "[data-testid=risk-committed-unestimated] [data-testid=risk-count]"); got != "0" {
		t.Errorf("committed without estimate: %s", got)
	}
	if d.Find("[data-testid=legend], [data-testid=review-legend]").Length() == 0 {
		t.Error("no legend")
	}
	// The architect may mark the review; the form starts with today and their name.
	form := d.Find("form[data-testid=mark-form]")
	if form.Find("input[name=attendees]").AttrOr("value", "") != "Arjun Architect" || form.Find("input[name=held_on]").AttrOr("value", "") == "" {
		t.Errorf("mark form defaults: %q", form.Find("input[name=attendees]").AttrOr("value", ""))
	}
	if form.Find("label[for=f-held_on]").Length() == 0 || form.Find("label[for=f-attendees]").Length() == 0 || form.Find("label[for=f-notes]").Length() == 0 {
		t.Error("a mark-form field has no label")
	}
}

func TestReviewDefaultWindowIsThisQuarterAndTheNextThree(t *testing.T) {
	app := newTestApp(t)
	d := app.signIn("viewer@example.com").get("/w/demo/review").doc(t)
	var got []string
	d.Find("[data-testid=roadmap-quarter]").Each(func(_ int, s *goquery.Selection) { got = append(got, s.Text()) })
	w := sightline.DefaultReviewWindow(time.Now())
	if len(got) > 0 && (len(got) != 4 || got[0] != w.From.String() || got[3] != w.To.String()) {
		t.Fatalf("default quarters %v, want %s…%s", got, w.From, w.To)
	}
	if v := d.Find("#rv-from option[selected]").AttrOr("value", ""); v != w.From.String() {
		t.Errorf("from select shows %q", v)
	}
	// A viewer sees the review but not the form to mark it.
	if d.Find("form[data-testid=mark-form]").Length() != 0 {
		t.Error("a viewer is offered the mark-reviewed form")
	}
}

func TestReviewFiltersNarrow(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("pm@example.com")
	get := func(q string) *goquery.Document {
		t.Helper()
		res := c.get(rvPath(q))
		wantStatus(t, res, http.StatusOK)
		return res.doc(t)
	}
	epics := func(titles ...string) []int64 {
		var ids []int64
		for _, ti := range titles {
			ids = append(ids, rvEpic(t, app, ti))
		}
		return rvSorted(ids...)
	}

	// Quarter range: one quarter.
	d := c.get("/w/demo/review?from=2027-Q1&to=2027-Q1").doc(t)
	if got, want := rvCardIDs(t, d), epics("Collaborators on a to-do list", "Usage metering dashboard for admins", "Plan picker with usage tiers",
		"Usage-based billing engine", "Pay down the user-management debt", "Event bus for task changes", "Tracing on the task API"); !slices.Equal(got, want) {
		t.Errorf("2027-Q1: %v, want %v", got, want)
	}
	if n := d.Find("[data-testid=roadmap-quarter]").Length(); n != 1 {
		t.Errorf("%d quarter columns", n)
	}

	// Initiative.
	billing := rvID(t, app, "initiatives", "title", "Engagement-based billing")
	d = get("&initiative=" + strconv.FormatInt(billing, 10))
	if got, want := rvCardIDs(t, d), epics("Usage metering dashboard for admins", "Plan picker with usage tiers", "Usage-based billing engine"); !slices.Equal(got, want) {
		t.Errorf("initiative: %v, want %v", got, want)
	}
	if v := d.Find("#rv-initiative option[selected]").AttrOr("value", ""); v != strconv.FormatInt(billing, 10) {
		t.Errorf("the initiative filter is not kept: %q", v)
	}

	// Kind and status.
	d = get("&kind=enabler")
	if d.Find("[data-testid=roadmap-card].rv-kind-product").Length() != 0 || d.Find("[data-testid=roadmap-card].rv-kind-enabler").Length() != 6 {
		t.Errorf("kind=enabler: %d cards", d.Find("[data-testid=roadmap-card]").Length())
	}
	d = get("&status=idea")
	if got, want := rvCardIDs(t, d), epics("GIF attachments", "Shared team templates", "Offline mode for mobile", "SSO with SAML",
		"Tracing on the task API", "Split the notification worker"); !slices.Equal(got, want) {
		t.Errorf("status=idea: %v, want %v", got, want)
	}

	// NFR category: epics with a performance impact; heat counts those impacts only.
	d = get("&category=performance")
	if got, want := rvCardIDs(t, d), epics("Collaborators on a to-do list", "Mentions and notifications in task comments", "Bulk edit tasks",
		"Cut p99 task-update latency"); !slices.Equal(got, want) {
		t.Errorf("category: %v, want %v", got, want)
	}
	heat := d.Find(fmt.Sprintf("[data-item-id='%d'] > .rv-item-row [data-testid=heat-mark]", rvItem(t, app, "Task API")))
	if heat.AttrOr("data-epics", "") != "2" || heat.AttrOr("data-level", "") != "high" {
		t.Errorf("Task API heat for performance: %q epics, level %q", heat.AttrOr("data-epics", ""), heat.AttrOr("data-level", ""))
	}
	cell := d.Find(fmt.Sprintf("[data-testid=matrix-row][data-epic-id='%d'] [data-testid=matrix-cell]", rvEpic(t, app, "Collaborators on a to-do list")))
	if cell.First().AttrOr("data-level", "") != "high" {
		t.Errorf("matrix level for performance: %q", cell.First().AttrOr("data-level", ""))
	}

	// Architecture subtree: the Task API and its components, and the epics linked to them.
	api := rvItem(t, app, "Task API")
	d = get("&root=" + strconv.FormatInt(api, 10))
	items := rvIDs(t, d, "[data-testid=arch-heat-item]", "data-item-id")
	if want := rvSorted(api, rvItem(t, app, "Task update handler"), rvItem(t, app, "Board query"), rvItem(t, app, "Usage event publisher")); !slices.Equal(items, want) {
		t.Errorf("subtree items %v, want %v", items, want)
	}
	if got, want := rvCardIDs(t, d), epics("Collaborators on a to-do list", "Mentions and notifications in task comments", "Event bus for task changes",
		"Tracing on the task API", "Bulk edit tasks", "Cut p99 task-update latency", "Usage-based billing engine"); !slices.Equal(got, want) {
		t.Errorf("subtree epics %v, want %v", got, want)
	}
	if cols := rvIDs(t, d, "[data-testid=matrix-col]", "data-item-id"); slices.Contains(cols, rvItem(t, app, "Web app")) {
		t.Errorf("an item outside the subtree is a matrix column: %v", cols)
	}
	text(t, d, "[data-testid=review-root]")

	// Filters combine, and the filter form keeps them.
	d = get("&kind=product&category=performance&status=discovery")
	if got, want := rvCardIDs(t, d), epics("Collaborators on a to-do list"); !slices.Equal(got, want) {
		t.Errorf("combined: %v, want %v", got, want)
	}
}

func TestReviewBadParametersAreExplainedNeverAFailure(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("viewer@example.com")
	for _, q := range []string{
		"from=garbage&to=2027-Q9", "from=2027-Q4&to=2027-Q1", "from=2020-Q1&to=2030-Q4", "epic=abc", "epic=999999", "item=-3",
		"root=999999", "initiative=999999", "kind=robot&status=sleeping&category=vibes", "page=-1", "page=99999", "epic=1&item=1&root=1&page=2",
		"from=%3Cscript%3E",
	} {
		res := c.get("/w/demo/review?" + q)
		wantStatus(t, res, http.StatusOK)
		if strings.Contains(res.body, "<script>") {
			t.Errorf("%s: a raw <script> in the page", q)
		}
	}
	d := c.get("/w/demo/review?from=2027-Q4&to=2027-Q1").doc(t)
	if !strings.Contains(text(t, d, "[data-testid=review-note]"), "swapped") {
		t.Error("a reversed window is not explained")
	}
	d = c.get("/w/demo/review?epic=999999&root=999999").doc(t)
	if n := d.Find("[data-testid=review-note]").Length(); n != 2 {
		t.Errorf("%d notes for an unknown epic and root", n)
	}
	if d.Find("[data-testid=review-selection]").Length() != 0 {
		t.Error("an unknown epic is selected")
	}
	// A window longer than twelve quarters is cut to twelve.
	d = c.get("/w/demo/review?from=2020-Q1&to=2030-Q4").doc(t)
	if n := d.Find("[data-testid=roadmap-quarter]").Length(); n != 0 && n != 12 {
		t.Errorf("%d quarters", n)
	}
	if v := d.Find("#rv-to option[selected]").AttrOr("value", ""); v != "2022-Q4" {
		t.Errorf("window cut to %q", v)
	}
}

func TestReviewSelectingAnEpicHighlightsItsItems(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("architect@example.com")
	engine := rvEpic(t, app, "Usage-based billing engine")
	d := c.get(rvPath("&epic=" + strconv.FormatInt(engine, 10))).doc(t)
	want := rvSorted(rvItem(t, app, "Billing service"), rvItem(t, app, "Usage event publisher"))
	if got := rvIDs(t, d, "[data-testid=arch-heat-item].is-hl", "data-item-id"); !slices.Equal(got, want) {
		t.Errorf("tree highlights %v, want %v", got, want)
	}
	if got := rvIDs(t, d, "[data-testid=matrix-col].is-hl", "data-item-id"); !slices.Equal(got, want) {
		t.Errorf("matrix columns highlighted %v, want %v", got, want)
	}
	if got := rvIDs(t, d, "[data-testid=roadmap-card].is-selected", "data-epic-id"); !slices.Equal(got, []int64{engine}) {
		t.Errorf("selected card %v", got)
	}
	if !strings.Contains(text(t, d, "[data-testid=selected-epic]"), "Usage-based billing engine") {
		t.Error("the selection is not named")
	}
	// Every link on the page keeps the filters and the selection.
	href := d.Find(fmt.Sprintf("[data-testid=arch-heat-item][data-item-id='%d'] .rv-item-name", rvItem(t, app, "Task API"))).AttrOr("href", "")
	u, _ := url.Parse(href)
	if q := u.Query(); q.Get("from") != "2026-Q4" || q.Get("to") != "2027-Q3" || q.Get("epic") != strconv.FormatInt(engine, 10) || q.Get("item") == "" {
		t.Errorf("item link %q", href)
	}
	// Clearing the selection keeps the window.
	clear := d.Find("[data-testid=clear-epic]").AttrOr("href", "")
	if strings.Contains(clear, "epic=") || !strings.Contains(clear, "from=2026-Q4") {
		t.Errorf("clear link %q", clear)
	}
	// An epic with no link highlights nothing.
	d = c.get(rvPath("&epic=" + strconv.FormatInt(rvEpic(t, app, "Shared team templates"), 10))).doc(t)
	if n := d.Find(".is-hl").Length(); n != 0 {
		t.Errorf("%d highlights for an epic without links", n)
	}
}

func TestReviewSelectingAnItemHighlightsItsEpics(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("architect@example.com")
	api := rvItem(t, app, "Task API")
	d := c.get(rvPath("&item=" + strconv.FormatInt(api, 10))).doc(t)
	var want []int64
	for _, ti := range []string{"Collaborators on a to-do list", "Mentions and notifications in task comments", "Event bus for task changes", "Tracing on the task API"} {
		want = append(want, rvEpic(t, app, ti))
	}
	want = rvSorted(want...)
	if got := rvIDs(t, d, "[data-testid=roadmap-card].is-hl", "data-epic-id"); !slices.Equal(got, want) {
		t.Errorf("roadmap highlights %v, want %v", got, want)
	}
	if got := rvIDs(t, d, "[data-testid=matrix-row].is-hl", "data-epic-id"); !slices.Equal(got, want) {
		t.Errorf("matrix rows highlighted %v, want %v", got, want)
	}
	// They come first in the matrix.
	first := rvIDs(t, d, "[data-testid=matrix-row]:nth-child(-n+4)", "data-epic-id")
	if !slices.Equal(first, want) {
		t.Errorf("first matrix rows %v, want the highlighted %v", first, want)
	}
	if got := rvIDs(t, d, "[data-testid=arch-heat-item].is-selected", "data-item-id"); !slices.Equal(got, []int64{api}) {
		t.Errorf("selected item %v", got)
	}
	if !strings.Contains(text(t, d, "[data-testid=selected-item]"), "4 epics touch it") {
		t.Errorf("selection banner %q", text(t, d, "[data-testid=selected-item]"))
	}
}

func TestReviewCallOutsForConstructedData(t *testing.T) {
	app := newTestApp(t)
	ws := app.demoID()
	c := app.signIn("pm@example.com")
	// An item touched by three epics of 2027-Q2, one with a blocking impact and no decision.
	search := app.id(`INSERT INTO arch_items (workspace_id, kind, name) VALUES ($1, 'container', 'Search index') RETURNING id`, ws)
	var ids []int64
	for i := 1; i <= 3; i++ {
		e := app.id(`INSERT INTO epics (workspace_id, kind, title, problem, target_quarter) VALUES ($1, 'product', $2, 'p', '2027-Q2') RETURNING id`, ws, fmt.Sprintf("Search %d", i))
		app.exec(`INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind) VALUES ($1, $2, $3, 'extend')`, ws, e, search)
		ids = append(ids, e)
	}
	app.exec(`INSERT INTO nfr_impacts (workspace_id, epic_id, category, level) VALUES ($1, $2, 'scalability', 'blocking')`, ws, ids[0])
	// An enabler whose only item no product epic touches; one not reviewed for 100 days.
	lonelyItem := app.id(`INSERT INTO arch_items (workspace_id, kind, name) VALUES ($1, 'container', 'Archive store') RETURNING id`, ws)
	lonely := app.id(`INSERT INTO epics (workspace_id, kind, title, problem, enables, target_quarter) VALUES ($1, 'enabler', 'Archive old tasks', 'p', 'Faster lists', '2027-Q2') RETURNING id`, ws)
	app.exec(`INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind) VALUES ($1, $2, $3, 'new')`, ws, lonely, lonelyItem)
	app.exec(`UPDATE epics SET reviewed_at = now() - interval '100 days' WHERE id = $1`, ids[1])
	app.exec(`UPDATE arch_items SET reviewed_at = now() - interval '100 days' WHERE id = $1`, lonelyItem)

	d := c.get(rvPath("")).doc(t)
	rows := func(box string) []int64 {
		return rvIDs(t, d, "[data-testid=risk-"+box+"] [data-testid=risk-row]", "data-id")
	}
	if !slices.Contains(rows("heavy"), search) {
		t.Errorf("Search index is not called out as heavily loaded: %v", rows("heavy"))
	}
	if !slices.Contains(rows("undecided"), ids[0]) || text(t, d, "[data-testid=risk-undecided] [data-testid=risk-count]") != "6" {
		t.Errorf("the blocking impact is not called out: %v", rows("undecided"))
	}
	if got := rows("lonely-enablers"); !slices.Equal(got, []int64{lonely}) {
		t.Errorf("lonely enablers %v, want %d", got, lonely)
	}
	if got := rows("stale-epics"); !slices.Equal(got, []int64{ids[1]}) {
		t.Errorf("stale epics %v", got)
	}
	if got := rows("stale-items"); !slices.Equal(got, []int64{lonelyItem}) {
		t.Errorf("stale items %v", got)
	}
	if got := text(t, d, "[data-testid=risk-unestimated] [data-testid=risk-count]"); got != "14" { // the demo's 10, three searches, the archive
		t.Errorf("unestimated epics: %s", got)
	}
	// The dashboard counts the same risks as the review of the default window.
	dash := c.get("/w/demo").doc(t)
	def := c.get("/w/demo/review").doc(t)
	for _, box := range []string{"undecided", "unestimated", "committed-unestimated", "stale-items", "stale-epics", "heavy"} {
		if got, want := text(t, dash, "[data-testid=dash-risk-"+box+"] [data-testid=risk-count]"), text(t, def, "[data-testid=risk-"+box+"] [data-testid=risk-count]"); got != want {
			t.Errorf("dashboard %s: %s, review: %s", box, got, want)
		}
	}
	if href := dash.Find("[data-testid=dash-risk-undecided] a").AttrOr("href", ""); !strings.HasPrefix(href, "/w/demo/review?") || !strings.HasSuffix(href, "#risk-undecided") {
		t.Errorf("dashboard link %q", href)
	}

	// Linking an ACCEPTED decision to the epic takes its impact off the list;
	// a proposed one does not.
	proposed := app.id(`INSERT INTO decisions (workspace_id, number, title, status) VALUES ($1, 100, 'Shard the index', 'proposed') RETURNING id`, ws)
	app.exec(`INSERT INTO decision_epics (workspace_id, decision_id, epic_id) VALUES ($1, $2, $3)`, ws, proposed, ids[0])
	d = c.get(rvPath("")).doc(t)
	if !slices.Contains(rows("undecided"), ids[0]) {
		t.Error("a proposed decision settled the impact")
	}
	app.exec(`UPDATE decisions SET status = 'accepted' WHERE id = $1`, proposed)
	d = c.get(rvPath("")).doc(t)
	if slices.Contains(rows("undecided"), ids[0]) || text(t, d, "[data-testid=risk-undecided] [data-testid=risk-count]") != "5" {
		t.Errorf("the impact is still called out after an accepted decision: %v", rows("undecided"))
	}
	// A product epic touching the archive store gives the enabler a reason.
	app.exec(`INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind) VALUES ($1, $2, $3, 'depends_on')`, ws, ids[2], lonelyItem)
	d = c.get(rvPath("")).doc(t)
	if len(rows("lonely-enablers")) != 0 {
		t.Errorf("the enabler is still lonely: %v", rows("lonely-enablers"))
	}
}

func TestReviewMarkReviewed(t *testing.T) {
	app := newTestApp(t)
	ws := app.demoID()
	ctx := context.Background()
	billing := rvID(t, app, "initiatives", "title", "Engagement-based billing")
	filter := url.Values{"from": {"2027-Q1"}, "to": {"2027-Q1"}, "initiative": {strconv.FormatInt(billing, 10)}}
	post := func(c *client, extra url.Values) *response {
		t.Helper()
		v := url.Values{}
		for k, x := range filter {
			v[k] = x
		}
		for k, x := range extra {
			v[k] = x
		}
		return c.post("/w/demo/review/mark", v)
	}
	ok := url.Values{"held_on": {"2026-11-02"}, "attendees": {"Priya PM, Arjun Architect"}, "notes": {"Billing engine first."}}

	// Roles: engineers and viewers may not mark a review.
	for _, who := range []string{"viewer@example.com", "engineer@example.com"} {
		wantStatus(t, post(app.signIn(who), ok), http.StatusForbidden)
	}

	// Invalid input comes back with messages next to the fields and the input kept.
	pm := app.signIn("pm@example.com")
	res := post(pm, url.Values{"held_on": {"2026-11-02"}, "attendees": {""}, "notes": {"Kept notes"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	text(t, d, "form[data-testid=mark-form] [data-testid=err-attendees]")
	if d.Find("form[data-testid=mark-form] textarea[name=notes]").Text() != "Kept notes" ||
		d.Find("form[data-testid=mark-form] input[name=held_on]").AttrOr("value", "") != "2026-11-02" {
		t.Error("the input was lost")
	}
	if d.Find("form[data-testid=mark-form] input[name=initiative]").AttrOr("value", "") != strconv.FormatInt(billing, 10) {
		t.Error("the selection was lost")
	}
	if n := d.Find("[data-testid=roadmap-card]").Length(); n != 3 {
		t.Errorf("the page re-rendered with %d cards, want the selection's 3", n)
	}
	future := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
	res = post(pm, url.Values{"held_on": {future}, "attendees": {"Priya"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=err-held_on]")
	wantStatus(t, post(pm, url.Values{"held_on": {"yesterday"}, "attendees": {"Priya"}}), http.StatusUnprocessableEntity)
	wantStatus(t, post(pm, url.Values{"held_on": {"2026-11-02"}, "attendees": {strings.Repeat("a", 1001)}}), http.StatusUnprocessableEntity)
	wantStatus(t, post(pm, url.Values{}), http.StatusUnprocessableEntity)

	// Success: everything old first, then exactly the selection is reviewed.
	app.exec(`UPDATE epics SET reviewed_at = now() - interval '200 days' WHERE workspace_id = $1`, ws)
	app.exec(`UPDATE arch_items SET reviewed_at = now() - interval '200 days' WHERE workspace_id = $1`, ws)
	var versions int
	if err := app.db.Pool.QueryRow(ctx, `SELECT sum(version) FROM epics WHERE workspace_id = $1`, ws).Scan(&versions); err != nil {
		t.Fatal(err)
	}
	res = post(pm, ok)
	wantRedirect(t, res, "/w/demo/review?")
	loc, _ := url.Parse(res.Header.Get("Location"))
	if q := loc.Query(); q.Get("from") != "2027-Q1" || q.Get("initiative") != strconv.FormatInt(billing, 10) {
		t.Errorf("redirect to %s", loc)
	}
	page := pm.get(res.Header.Get("Location")).doc(t)
	if got := text(t, page, "[data-testid=flash]"); got != "Review recorded: 3 epics and 4 items marked reviewed." {
		t.Errorf("flash %q", got)
	}
	fresh := func(table string) []int64 {
		t.Helper()
		rows, err := app.db.Pool.Query(ctx, `SELECT id FROM `+table+` WHERE workspace_id = $1 AND reviewed_at > now() - interval '1 day' ORDER BY id`, ws)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			ids = append(ids, id)
		}
		return ids
	}
	wantEpics := rvSorted(rvEpic(t, app, "Usage metering dashboard for admins"), rvEpic(t, app, "Plan picker with usage tiers"), rvEpic(t, app, "Usage-based billing engine"))
	if got := fresh("epics"); !slices.Equal(got, wantEpics) {
		t.Errorf("reviewed epics %v, want %v", got, wantEpics)
	}
	wantItems := rvSorted(rvItem(t, app, "Billing service"), rvItem(t, app, "Web app"), rvItem(t, app, "Stripe"), rvItem(t, app, "Usage event publisher"))
	if got := fresh("arch_items"); !slices.Equal(got, wantItems) {
		t.Errorf("reviewed items %v, want %v", got, wantItems)
	}
	var after int
	if err := app.db.Pool.QueryRow(ctx, `SELECT sum(version) FROM epics WHERE workspace_id = $1`, ws).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != versions {
		t.Error("marking reviewed changed epic versions (open forms would conflict)")
	}
	// The meeting is kept and shows in the activity feed and on the page.
	var attendees, scope string
	var epicsN, itemsN int
	if err := app.db.Pool.QueryRow(ctx, `SELECT attendees, scope, epic_count, item_count FROM reviews WHERE workspace_id = $1`, ws).Scan(&attendees, &scope, &epicsN, &itemsN); err != nil {
		t.Fatal(err)
	}
	if attendees != "Priya PM, Arjun Architect" || epicsN != 3 || itemsN != 4 || !strings.Contains(scope, "Engagement-based billing") {
		t.Errorf("review row: %q %q %d %d", attendees, scope, epicsN, itemsN)
	}
	var verb, itemType string
	if err := app.db.Pool.QueryRow(ctx, `SELECT verb, item_type FROM activity WHERE workspace_id = $1 ORDER BY id DESC LIMIT 1`, ws).Scan(&verb, &itemType); err != nil {
		t.Fatal(err)
	}
	if verb != "review.held" || itemType != "review" {
		t.Errorf("activity %s %s", verb, itemType)
	}
	if !strings.Contains(text(t, page, "[data-testid=last-review]"), "Priya PM, Arjun Architect") {
		t.Error("the page does not show the last review")
	}
	if !strings.Contains(text(t, pm.get("/w/demo").doc(t), "[data-testid=activity]"), "review") {
		t.Error("the dashboard's activity does not show the review")
	}

	// A subtree review resets every item of the subtree.
	app.exec(`UPDATE arch_items SET reviewed_at = now() - interval '200 days' WHERE workspace_id = $1`, ws)
	arch := app.signIn("architect@example.com")
	api := rvItem(t, app, "Task API")
	res = arch.post("/w/demo/review/mark", url.Values{"from": {"2026-Q4"}, "to": {"2027-Q3"}, "root": {strconv.FormatInt(api, 10)},
		"held_on": {"2026-11-02"}, "attendees": {"Arjun"}})
	wantRedirect(t, res, "/w/demo/review?")
	if got, want := fresh("arch_items"), rvSorted(api, rvItem(t, app, "Board query"), rvItem(t, app, "Task update handler"), rvItem(t, app, "Usage event publisher")); !slices.Equal(got, want) {
		t.Errorf("subtree review reset %v, want %v", got, want)
	}
}

func TestReviewMatrixCSV(t *testing.T) {
	app := newTestApp(t)
	ws := app.demoID()
	evil := app.id(`INSERT INTO epics (workspace_id, kind, title, problem, target_quarter) VALUES ($1, 'product', '=HYPERLINK("http://evil.example","x")', 'p', '2027-Q2') RETURNING id`, ws)
	item := app.id(`INSERT INTO arch_items (workspace_id, kind, name) VALUES ($1, 'container', '@SUM(A1:A2)') RETURNING id`, ws)
	app.exec(`INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind) VALUES ($1, $2, $3, 'retire')`, ws, evil, item)
	c := app.signIn("viewer@example.com")
	res := c.get("/w/demo/review/matrix.csv?" + rvDemoWindow + "&page=1&epic=3")
	wantStatus(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="review-matrix.csv"` {
		t.Errorf("disposition %q", cd)
	}
	recs, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], []string{"epic_id", "epic_title", "epic_kind", "epic_status", "target_quarter", "item_id", "item_name", "item_kind", "change_kind", "highest_impact_level"}) {
		t.Fatalf("header %v", recs[0])
	}
	// One line per epic × item link of the selection: the demo's 23 and the new one.
	if len(recs)-1 != 24 {
		t.Fatalf("%d lines, want 24", len(recs)-1)
	}
	var found bool
	for _, r := range recs[1:] {
		if r[0] == strconv.FormatInt(evil, 10) {
			found = true
			if r[1] != `'=HYPERLINK("http://evil.example","x")` || r[6] != "'@SUM(A1:A2)" || r[8] != "retire" {
				t.Errorf("not defused: %v", r)
			}
		}
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("a cell starts with a formula character: %q", cell)
			}
		}
	}
	if !found {
		t.Error("the new link is not exported")
	}
	billing := fmt.Sprintf("%d", rvEpic(t, app, "Usage-based billing engine"))
	for _, r := range recs[1:] {
		if r[0] == billing && r[6] == "Billing service" && (r[8] != "new" || r[9] != "blocking" || r[2] != "enabler" || r[4] != "2027-Q1") {
			t.Errorf("billing engine row %v", r)
		}
	}
	// The filters apply: only enablers.
	res = c.get("/w/demo/review/matrix.csv?" + rvDemoWindow + "&kind=enabler")
	recs, _ = csv.NewReader(strings.NewReader(res.body)).ReadAll()
	for _, r := range recs[1:] {
		if r[2] != "enabler" {
			t.Errorf("kind filter ignored: %v", r)
		}
	}
}

func TestReviewEscapesNames(t *testing.T) {
	app := newTestApp(t)
	ws := app.demoID()
	const xss = `<script>alert("x")</script>`
	init := app.id(`INSERT INTO initiatives (workspace_id, title, driver, horizon) VALUES ($1, $2, 'growth', 'now') RETURNING id`, ws, "Init "+xss)
	e := app.id(`INSERT INTO epics (workspace_id, initiative_id, kind, title, problem, target_quarter) VALUES ($1, $2, 'product', $3, 'p', '2027-Q1') RETURNING id`, ws, init, "Epic "+xss)
	sys := app.id(`INSERT INTO arch_items (workspace_id, kind, name) VALUES ($1, 'system', $2) RETURNING id`, ws, "Sys "+xss)
	it := app.id(`INSERT INTO arch_items (workspace_id, kind, name, parent_id) VALUES ($1, 'container', $2, $3) RETURNING id`, ws, "Item "+xss, sys)
	app.exec(`INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind) VALUES ($1, $2, $3, 'new')`, ws, e, it)
	app.exec(`INSERT INTO nfr_impacts (workspace_id, epic_id, category, level) VALUES ($1, $2, 'security', 'blocking')`, ws, e)
	for i := 0; i < 2; i++ {
		o := app.id(`INSERT INTO epics (workspace_id, kind, title, problem, target_quarter) VALUES ($1, 'product', $2, 'p', '2027-Q1') RETURNING id`, ws, fmt.Sprintf("Other %d", i))
		app.exec(`INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind) VALUES ($1, $2, $3, 'extend')`, ws, o, it)
	}
	app.exec(`INSERT INTO reviews (workspace_id, held_on, attendees, scope) VALUES ($1, current_date, $2, $2)`, ws, "Ann "+xss)
	c := app.signIn("pm@example.com")
	for _, p := range []string{
		rvPath(""),
		rvPath(fmt.Sprintf("&epic=%d&item=%d&initiative=%d", e, it, init)),
		rvPath(fmt.Sprintf("&root=%d", sys)),
		"/w/demo",
	} {
		res := c.get(p)
		wantStatus(t, res, http.StatusOK)
		if strings.Contains(res.body, "<script>") {
			i := strings.Index(res.body, "<script>")
			t.Fatalf("%s: unescaped name: %s", p, res.body[max(0, i-200):i+40])
		}
	}
	d := c.get(rvPath(fmt.Sprintf("&epic=%d&item=%d", e, it))).doc(t)
	for _, sel := range []string{"[data-testid=roadmap-card]", "[data-testid=arch-heat-item]", "[data-testid=matrix-row]", "[data-testid=matrix-col]",
		"[data-testid=risk-heavy]", "[data-testid=risk-undecided]", "[data-testid=selected-epic]", "[data-testid=selected-item]", "[data-testid=last-review]"} {
		if !strings.Contains(d.Find(sel).Text(), xss) {
			t.Errorf("%s does not show the name as text", sel)
		}
	}
}

func TestReviewCrossWorkspaceIdsSelectNothing(t *testing.T) {
	app := newTestApp(t)
	other, _ := app.otherWorkspace("rival", "Rival", "outsider@example.com", "Oscar Outsider")
	e := app.id(`INSERT INTO epics (workspace_id, kind, title, problem, target_quarter) VALUES ($1, 'product', 'Secret rival epic', 'p', '2027-Q1') RETURNING id`, other.ID)
	it := app.id(`INSERT INTO arch_items (workspace_id, kind, name) VALUES ($1, 'system', 'Secret rival system') RETURNING id`, other.ID)
	in := app.id(`INSERT INTO initiatives (workspace_id, title, driver, horizon) VALUES ($1, 'Secret rival initiative', 'growth', 'now') RETURNING id`, other.ID)
	c := app.signIn("pm@example.com")
	for _, p := range []string{
		rvPath(fmt.Sprintf("&epic=%d&item=%d&root=%d&initiative=%d", e, it, it, in)),
		fmt.Sprintf("/w/demo/review/matrix.csv?%s&root=%d&initiative=%d", rvDemoWindow, it, in),
	} {
		res := c.get(p)
		wantStatus(t, res, http.StatusOK)
		if strings.Contains(res.body, "Secret rival") {
			t.Errorf("%s leaks another workspace's names", p)
		}
	}
	// The page shows the whole demo review, explaining the ignored ids.
	d := c.get(rvPath(fmt.Sprintf("&root=%d&initiative=%d", it, in))).doc(t)
	if n := d.Find("[data-testid=roadmap-card]").Length(); n != 16 {
		t.Errorf("%d cards after foreign ids, want the 16 of the demo", n)
	}
	// Another workspace's review is not found for a demo member.
	wantStatus(t, c.get("/w/rival/review"), http.StatusNotFound)
}
