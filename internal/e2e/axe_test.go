package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
)

// axeVersion is the axe-core release `make test` installs (npm) for this test.
const axeVersion = "4.14.1"

// findAxe returns the source of axe-core: $SIGHTLINE_AXE_JS, else the copy
// `make test` installs under .tools/. Without it the test fails under CI
// and is skipped elsewhere, like the browser itself.
func findAxe(t *testing.T) string {
	t.Helper()
	path := os.Getenv("SIGHTLINE_AXE_JS")
	if path == "" {
		path = filepath.Join("..", "..", ".tools", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		msg := fmt.Sprintf("axe-core not found at %s; install it with `npm install --prefix .tools/axe axe-core@%s` (`make test` does)", path, axeVersion)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return string(src)
}

// axeViolation is one rule axe found broken, with where.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	Targets []string
	Nodes   []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// axeRun runs axe-core's WCAG 2.0/2.1 A and AA rules on the page the
// browser shows. DevTools evaluation is not bound by the page's CSP, so the
// strict policy stays as it is.
const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 4).map(n => ({target: n.target, html: n.html.slice(0, 160)}))})))`

// serious returns the serious and critical violations on the current page.
func (b *browser) axe(axeSrc string) []axeViolation {
	b.t.Helper()
	run(b, "load axe-core", chromedp.Evaluate[bool](axeSrc+";\ntrue"))
	all := run(b, "run axe-core", chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	var bad []axeViolation
	for _, v := range all {
		if v.Impact == "serious" || v.Impact == "critical" {
			bad = append(bad, v)
		}
	}
	return bad
}

// demoIDs are ids of the demo workspace's rows, for the item pages.
func demoIDs(t *testing.T, db *postgres.DB) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for name, table := range map[string]string{
		"shift": "strategy_shifts", "goal": "goals", "initiative": "initiatives", "epic": "epics", "pain": "pain_notes",
		"roadmap": "roadmap_items", "item": "arch_items", "concern": "nfr_concerns",
	} {
		var id int64
		if err := db.Pool.QueryRow(context.Background(), `SELECT min(t.id) FROM `+table+` t JOIN workspaces w ON w.id = t.workspace_id WHERE w.slug = $1`, seed.DemoSlug).Scan(&id); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		ids[name] = fmt.Sprint(id)
	}
	return ids
}

// TestAccessibility runs axe-core (WCAG 2.1 A and AA) on every main page as
// each role, on a refused form and on a conflict page, and fails on any
// serious or critical violation.
func TestAccessibility(t *testing.T) {
	chromium := findChromium(t)
	axeSrc := findAxe(t)
	base, db := startAppDB(t)
	ids := demoIDs(t, db)
	ws := base + "/w/" + seed.DemoSlug
	// A thread with a reply on the epic, mentioning the architect, so the
	// comments section, the comment page and the inbox are checked full.
	var commentID int64
	if err := db.Pool.QueryRow(context.Background(), `
		WITH c AS (
			INSERT INTO comments (workspace_id, item_type, item_id, author_id, body)
			SELECT w.id, 'epic', $2, u.id, '@arjun can you **check** the load?' FROM workspaces w, users u WHERE w.slug = $1 AND u.email = 'pm@example.com'
			RETURNING id, workspace_id, author_id),
		r AS (
			INSERT INTO comments (workspace_id, item_type, item_id, parent_id, author_id, body)
			SELECT c.workspace_id, 'epic', $2, c.id, u.id, 'Yes, after the split.' FROM c, users u WHERE u.email = 'architect@example.com')
		INSERT INTO inbox_entries (workspace_id, user_id, kind, item_type, item_id, comment_id, actor_id)
		SELECT c.workspace_id, u.id, 'mention', 'epic', $2, c.id, c.author_id FROM c, users u WHERE u.email = 'architect@example.com'
		RETURNING comment_id`, seed.DemoSlug, ids["epic"]).Scan(&commentID); err != nil {
		t.Fatal(err)
	}
	// An open request to the architect on the same epic: the epic's
	// requests section and the inbox's request entry are checked too.
	if _, err := db.Pool.Exec(context.Background(), `
		INSERT INTO requests (workspace_id, kind, item_type, item_id, recipient_id, requested_by)
		SELECT w.id, 'estimate', 'epic', $2, a.id, p.id FROM workspaces w, users a, users p
		WHERE w.slug = $1 AND a.email = 'architect@example.com' AND p.email = 'pm@example.com'`, seed.DemoSlug, ids["epic"]); err != nil {
		t.Fatal(err)
	}
	pages := []string{
		ws + "/inbox", ws + "/members/arjun", fmt.Sprintf("%s/comments/%d", ws, commentID),
		base + "/", base + "/account", base + "/api/docs", ws, ws + "/strategy", ws + "/shifts/" + ids["shift"], ws + "/goals", ws + "/goals/" + ids["goal"],
		ws + "/initiatives", ws + "/initiatives/" + ids["initiative"], ws + "/epics", ws + "/epics/" + ids["epic"],
		ws + "/pains", ws + "/pains/" + ids["pain"], ws + "/roadmap", ws + "/roadmap/" + ids["roadmap"], ws + "/matrix",
		ws + "/architecture", ws + "/architecture/" + ids["item"], ws + "/concerns", ws + "/concerns/" + ids["concern"],
		ws + "/decisions", ws + "/decisions/1", ws + "/review",
	}
	// A webhook with a delivered, a retrying and a given-up delivery, for
	// its page and the settings list.
	var hookID int64
	if err := db.Pool.QueryRow(context.Background(), `INSERT INTO webhooks (workspace_id, kind, name, url, events, secret)
		SELECT id, 'generic', 'Planning bot', 'https://hooks.example.com/sightline', '{shift_logged,epic_ready}', 'whsec_x' FROM workspaces WHERE slug = $1
		RETURNING id`, seed.DemoSlug).Scan(&hookID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool.Exec(context.Background(), `INSERT INTO webhook_deliveries (webhook_id, workspace_id, event, payload, state, attempts, last_status, last_error, next_attempt_at)
		SELECT $1, workspace_id, e, '{}', s, a, c, m, now() + interval '1 hour' FROM webhooks, (VALUES ('shift_logged', 'delivered', 1, 200, ''),
		('epic_ready', 'pending', 2, 500, 'HTTP 500: upstream error'), ('test', 'failed', 30, 404, 'HTTP 404: no such hook')) AS v(e, s, a, c, m)
		WHERE id = $1`, hookID); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, chromium)
	b.do("set a laptop viewport", chromedp.EmulateViewport(1280, 900))
	report := func(who, page string, vs []axeViolation) {
		t.Helper()
		for _, v := range vs {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
			}
			t.Errorf("%s on %s: %s (%s): %s\n    %s", who, strings.TrimPrefix(page, base), v.ID, v.Impact, v.Help, strings.Join(where, "\n    "))
		}
	}

	openLogin(b, base)
	report("anonymous", "/login", b.axe(axeSrc))

	roles := []struct{ email, name string }{
		{demoOwnerEmail, demoOwnerName}, {demoPMEmail, demoPMName}, {demoArchitectEmail, demoArchitectName},
		{demoEngineerEmail, demoEngineerName}, {"viewer@example.com", "Victor Viewer"},
	}
	checked := 1
	for i, r := range roles {
		if i == 0 {
			signIn(b, base, r.email, r.name)
		} else {
			switchUser(b, base, r.email, r.name)
		}
		list := pages
		if r.email == demoOwnerEmail {
			list = append(list, ws+"/settings", fmt.Sprintf("%s/settings/webhooks/%d", ws, hookID))
		}
		for _, p := range list {
			b.do("open "+p, chromedp.Navigate(p), chromedp.WaitVisible(chromedp.CSS("main")))
			report(r.email, p, b.axe(axeSrc))
			checked++
		}
		if r.email == demoPMEmail {
			// A refused form: a date committed without an estimate.
			epic := unestimatedEpic(t, db)
			b.do("open an unestimated epic", chromedp.Navigate(ws+"/epics/"+epic), chromedp.WaitVisible(testID("commit-form")))
			status := b.follow("commit it without an estimate",
				chromedp.SetValue(chromedp.CSS(`[data-testid="commit-form"] input[name="committed_on"]`), "2027-03-31"),
				chromedp.Submit(chromedp.CSS(`[data-testid="commit-form"] button[type="submit"]`)))
			if status < 400 {
				t.Fatalf("committing an unestimated epic answered %d", status)
			}
			report(r.email, "a refused commit", b.axe(axeSrc))
			checkErrorSummary(b)
			// A conflict: someone saves the epic while the form is open.
			b.do("open the epic again", chromedp.Navigate(ws+"/epics/"+epic), chromedp.WaitVisible(testID("product-form")))
			if _, err := db.Pool.Exec(context.Background(), `UPDATE epics SET title = title || ' (renamed meanwhile)', version = version + 1 WHERE id = $1`, epic); err != nil {
				t.Fatal(err)
			}
			status = b.follow("save the stale form",
				chromedp.SetValue(chromedp.CSS(`[data-testid="product-form"] textarea[name="why_now"]`), "Because the renewal is in March."),
				chromedp.Submit(chromedp.CSS(`[data-testid="product-form"] button[type="submit"]`)))
			if status != 409 {
				t.Fatalf("a stale save answered %d, want 409", status)
			}
			report(r.email, "a conflict", b.axe(axeSrc))
			checkErrorSummary(b)
			checked += 2
		}
	}
	t.Logf("axe-core %s: %d pages checked", axeVersion, checked)
}

// checkErrorSummary: after a refused save, the error summary is in the
// first viewport, has focus, and links to a field.
func checkErrorSummary(b *browser) {
	b.t.Helper()
	got := run(b, "read the error summary", chromedp.Evaluate[map[string]any](`(() => {
		const s = document.querySelector('[data-testid="error-summary"]');
		if (!s) return {found: false};
		const r = s.getBoundingClientRect();
		return {found: true, role: s.getAttribute('role'), focused: document.activeElement === s,
			top: r.top, bottom: r.bottom, height: window.innerHeight, links: s.querySelectorAll('a[href^="#"]').length};
	})()`))
	if got["found"] != true {
		b.t.Fatalf("no error summary after a refused save (page %s)", b.location())
	}
	if got["role"] != "alert" || got["focused"] != true {
		b.t.Errorf("error summary: role %v, focused %v; want role=alert and focus", got["role"], got["focused"])
	}
	if top, _ := got["top"].(float64); top < 0 || got["bottom"].(float64) > got["height"].(float64) {
		b.t.Errorf("error summary at %v–%v of a %v px viewport: not in the first screen", got["top"], got["bottom"], got["height"])
	}
}

// unestimatedEpic is a demo epic without an estimate or committed date.
func unestimatedEpic(t *testing.T, db *postgres.DB) string {
	t.Helper()
	var id int64
	if err := db.Pool.QueryRow(context.Background(), `SELECT min(e.id) FROM epics e JOIN workspaces w ON w.id = e.workspace_id
		WHERE w.slug = $1 AND e.estimate_size IS NULL AND e.committed_on IS NULL AND e.status NOT IN ('done', 'dropped')`, seed.DemoSlug).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(id)
}
