package server_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/server"
	"github.com/sightline/sightline/internal/sightline"
)

// matrixFixture is the world the authorization matrix runs in: the demo
// workspace ("home") and another workspace ("foreign") with its own owner,
// each with ids for every kind of path parameter.
type matrixFixture struct {
	home, foreign map[string]string // path parameter → value
}

func newMatrixFixture(t *testing.T, app *testApp) matrixFixture {
	t.Helper()
	ctx := context.Background()
	db := app.db
	owner := mustUser(t, app, "owner@example.com")
	demo, _, err := db.WorkspaceForMember(ctx, seed.DemoSlug, owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The foreign workspace: its owner is the "outsider" principal.
	pmHash := mustUser(t, app, "pm@example.com").PasswordHash
	outsider, err := db.CreateUser(ctx, postgres.Actor{}, "outsider@example.com", "Oscar Outsider", pmHash, "", "")
	if err != nil {
		t.Fatal(err)
	}
	globex, err := db.CreateWorkspace(ctx, postgres.Actor{UserID: outsider.ID}, "globex", "Globex")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, postgres.Actor{UserID: outsider.ID}, "globex-pm@example.com", "Gina", pmHash, "globex", sightline.RolePM); err != nil {
		t.Fatal(err)
	}
	var homeDecisions int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM decisions WHERE workspace_id = $1`, demo.ID).Scan(&homeDecisions); err != nil {
		t.Fatal(err)
	}
	decisionsUpTo := func(slug string) int {
		if slug == demo.Slug {
			return homeDecisions + 1
		}
		return homeDecisions + 2
	}
	ids := func(ws *sightline.Workspace, inviter int64) map[string]string {
		members, err := db.ListMembers(ctx, ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		var memberID int64
		for _, m := range members {
			if m.Role != sightline.RoleOwner {
				memberID = m.ID
			}
		}
		// An expired invitation: /invite/{token} is exercised without
		// letting a principal join a workspace mid-matrix.
		token := fmt.Sprintf("matrix-token-%d", ws.ID)
		inv, err := db.CreateInvitation(ctx, postgres.Actor{UserID: inviter}, ws.ID, fmt.Sprintf("invitee-%d@example.com", ws.ID), sightline.RoleViewer, token, time.Now().Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		// One row of every product-side kind, written directly so the
		// matrix does not depend on the forms it checks.
		var shiftID, goalID, initiativeID, epicID, painID int64
		q := func(dst *int64, sql string, args ...any) {
			if err := db.Pool.QueryRow(ctx, sql, args...).Scan(dst); err != nil {
				t.Fatalf("fixture: %s: %v", sql, err)
			}
		}
		q(&shiftID, `INSERT INTO strategy_shifts (workspace_id, title, from_phase, to_phase, shifted_on) VALUES ($1, 'Shift', 'growth', 'stability', current_date) RETURNING id`, ws.ID)
		q(&goalID, `INSERT INTO goals (workspace_id, title, metric, baseline, target, current_value) VALUES ($1, 'Goal', 'm', 0, 10, 5) RETURNING id`, ws.ID)
		q(&initiativeID, `INSERT INTO initiatives (workspace_id, title, driver, horizon, goal_id, shift_id) VALUES ($1, 'Initiative', 'growth', 'now', $2, $3) RETURNING id`, ws.ID, goalID, shiftID)
		q(&epicID, `INSERT INTO epics (workspace_id, initiative_id, kind, title, problem) VALUES ($1, $2, 'product', 'Epic', 'A problem') RETURNING id`, ws.ID, initiativeID)
		q(&painID, `INSERT INTO pain_notes (workspace_id, quote, source, severity, frequency, firsthand, heard_on) VALUES ($1, 'It hurts', 'interview', 4, 'daily', true, current_date) RETURNING id`, ws.ID)
		if _, err := db.Pool.Exec(ctx, `INSERT INTO epic_pains (workspace_id, epic_id, pain_id) VALUES ($1, $2, $3)`, ws.ID, epicID, painID); err != nil {
			t.Fatal(err)
		}
		var itemID, item2ID, relationID, concernID, impactID, linkID, roadmapItemID, decisionID int64
		q(&itemID, `INSERT INTO arch_items (workspace_id, kind, name) VALUES ($1, 'system', 'System') RETURNING id`, ws.ID)
		q(&item2ID, `INSERT INTO arch_items (workspace_id, kind, name, parent_id) VALUES ($1, 'container', 'API', $2) RETURNING id`, ws.ID, itemID)
		q(&relationID, `INSERT INTO arch_relations (workspace_id, source_id, target_id, label) VALUES ($1, $2, $3, 'calls') RETURNING id`, ws.ID, item2ID, itemID)
		q(&concernID, `INSERT INTO nfr_concerns (workspace_id, category, title) VALUES ($1, 'performance', 'Fast') RETURNING id`, ws.ID)
		q(&impactID, `INSERT INTO nfr_impacts (workspace_id, epic_id, category, level) VALUES ($1, $2, 'performance', 'high') RETURNING id`, ws.ID, epicID)
		q(&linkID, `INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind) VALUES ($1, $2, $3, 'change') RETURNING id`, ws.ID, epicID, item2ID)
		q(&roadmapItemID, `INSERT INTO roadmap_items (workspace_id, kind, title, starts_on, ends_on, confidence) VALUES ($1, 'release', 'R1', current_date, current_date + 30, 'planned') RETURNING id`, ws.ID)
		if _, err := db.Pool.Exec(ctx, `INSERT INTO concern_items (workspace_id, concern_id, item_id) VALUES ($1, $2, $3)`, ws.ID, concernID, item2ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Pool.Exec(ctx, `INSERT INTO epic_roadmap_items (workspace_id, epic_id, roadmap_item_id) VALUES ($1, $2, $3)`, ws.ID, epicID, roadmapItemID); err != nil {
			t.Fatal(err)
		}
		// Decision numbers are per workspace: the foreign workspace's highest
		// number is one past the home workspace's, so it does not exist at home.
		var have int
		if err := db.Pool.QueryRow(ctx, `SELECT coalesce(max(number), 0) FROM decisions WHERE workspace_id = $1`, ws.ID).Scan(&have); err != nil {
			t.Fatal(err)
		}
		var number int
		for n := have + 1; n <= decisionsUpTo(ws.Slug); n++ {
			q(&decisionID, `INSERT INTO decisions (workspace_id, number, title) VALUES ($1, $2, 'ADR') RETURNING id`, ws.ID, n)
			number = n
		}
		if _, err := db.Pool.Exec(ctx, `INSERT INTO decision_counters (workspace_id, last_number) VALUES ($1, $2)
			ON CONFLICT (workspace_id) DO UPDATE SET last_number = EXCLUDED.last_number`, ws.ID, number); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Pool.Exec(ctx, `INSERT INTO decision_epics (workspace_id, decision_id, epic_id) VALUES ($1, $2, $3)`, ws.ID, decisionID, epicID); err != nil {
			t.Fatal(err)
		}
		var handle string
		if err := db.Pool.QueryRow(ctx, `SELECT handle FROM memberships WHERE workspace_id = $1 AND user_id = $2`, ws.ID, inviter).Scan(&handle); err != nil {
			t.Fatal(err)
		}
		var uploadID int64
		q(&uploadID, `WITH u AS (INSERT INTO pain_uploads (workspace_id, user_id, filename, size, chunks) VALUES ($1, $2, 'pains.csv', 20, 1) RETURNING id)
			INSERT INTO pain_upload_chunks (upload_id, seq, data) SELECT id, 0, convert_to('quote,heard_on'||chr(10)||'x,2026-01-02'||chr(10), 'UTF8') FROM u RETURNING upload_id`, ws.ID, inviter)
		var commentID, entryID int64
		q(&commentID, `INSERT INTO comments (workspace_id, item_type, item_id, body) VALUES ($1, 'epic', $2, 'A comment') RETURNING id`, ws.ID, epicID)
		// A token of a member who is none of the principals.
		bystander, err := db.CreateUser(ctx, postgres.Actor{UserID: inviter}, "bystander-"+ws.Slug+"@example.com", "Bea Bystander", pmHash, ws.Slug, sightline.RoleViewer)
		if err != nil {
			t.Fatal(err)
		}
		var webhookID int64
		q(&webhookID, `INSERT INTO webhooks (workspace_id, kind, name, url, events) VALUES ($1, 'slack', 'Hook', 'https://hooks.example.com/x', '{epic_ready}') RETURNING id`, ws.ID)
		var tokenID int64
		q(&tokenID, `INSERT INTO api_tokens (workspace_id, user_id, name, scope, lookup, secret_hash, expires_at)
			VALUES ($1::bigint, $2, 'CI', 'read', substr(md5($1::bigint::text), 1, 12), sha256('x'), now() + interval '1 day') RETURNING id`, ws.ID, bystander.ID)
		q(&entryID, `INSERT INTO inbox_entries (workspace_id, user_id, kind, item_type, item_id, comment_id) VALUES ($1, $2, 'mention', 'epic', $3, $4) RETURNING id`, ws.ID, inviter, epicID, commentID)
		return map[string]string{
			"entryID":       fmt.Sprint(entryID),
			"handle":        handle,
			"uploadID":      fmt.Sprint(uploadID),
			"commentID":     fmt.Sprint(commentID),
			"itemID":        fmt.Sprint(item2ID),
			"relationID":    fmt.Sprint(relationID),
			"concernID":     fmt.Sprint(concernID),
			"impactID":      fmt.Sprint(impactID),
			"linkID":        fmt.Sprint(linkID),
			"roadmapItemID": fmt.Sprint(roadmapItemID),
			"number":        fmt.Sprint(number),
			"targetType":    "epic",
			"targetID":      fmt.Sprint(epicID),
			"ws":            ws.Slug,
			"memberID":      fmt.Sprint(memberID),
			"invitationID":  fmt.Sprint(inv.ID),
			"token":         token,
			"shiftID":       fmt.Sprint(shiftID),
			"goalID":        fmt.Sprint(goalID),
			"initiativeID":  fmt.Sprint(initiativeID),
			"epicID":        fmt.Sprint(epicID),
			"painID":        fmt.Sprint(painID),
			"tokenID":       fmt.Sprint(tokenID),
			"decisionID":    fmt.Sprint(decisionID),
			"linkType":      "epic",
			"webhookID":     fmt.Sprint(webhookID),
			"*":             "app.css",
		}
	}
	return matrixFixture{home: ids(demo, owner.ID), foreign: ids(globex, outsider.ID)}
}

// fill replaces every {param} and * in a chi pattern.
func fill(pattern string, params map[string]string) string {
	out := pattern
	for k, v := range params {
		if k == "*" {
			out = strings.Replace(out, "*", v, 1)
		} else {
			out = strings.ReplaceAll(out, "{"+k+"}", v)
		}
	}
	return out
}

// hasIDParam reports whether the pattern takes an id of a workspace's row
// (besides the workspace itself).
func hasIDParam(pattern string) bool {
	_, rest, found := strings.Cut(pattern, "{ws}")
	if !found {
		rest = pattern
	}
	return strings.Contains(rest, "{")
}

type principal struct {
	name string
	role sightline.Role // "" for anonymous and outsider
	c    *client
	own  map[string]string // path parameters of the principal's own rows (their tokens)
}

// ownToken gives a member a token of their own, for the routes that act on
// the signed-in person's own rows.
func ownToken(app *testApp, email, slug string) map[string]string {
	lookup, _ := sightline.ParseToken(app.newToken(email, slug, sightline.ScopeRead))
	return map[string]string{"tokenID": fmt.Sprint(app.id(`SELECT id FROM api_tokens WHERE lookup = $1`, lookup))}
}

// TestAuthorizationMatrix walks the real route table and checks every route
// against every principal: anonymous, each role of the workspace, and the
// owner of another workspace; routes that take ids are also called with the
// ids of another workspace. A route without an access rule fails the test.
func TestAuthorizationMatrix(t *testing.T) {
	app := newTestApp(t, func(c *server.Config) { c.APIRatePerMinute = 1 << 30 })
	fx := newMatrixFixture(t, app)
	apiCheck := newAPIMatrix(t, app)
	rules := app.srv.Rules()

	type routeInfo struct{ method, pattern string }
	var routes []routeInfo
	err := chi.Walk(app.srv.Router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, routeInfo{method, route})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) < 10 {
		t.Fatalf("walked only %d routes", len(routes))
	}

	// Fresh sessions per principal; re-signed in after a route that signs out.
	signIn := func(email string) *client { return app.signIn(email) }
	principals := func() []principal {
		ps := []principal{{name: "anonymous", c: app.client()}}
		for _, r := range sightline.Roles {
			ps = append(ps, principal{name: string(r), role: r, c: signIn(demoEmail(r)), own: ownToken(app, demoEmail(r), seed.DemoSlug)})
		}
		return append(ps, principal{name: "outsider", c: signIn("outsider@example.com"), own: ownToken(app, "outsider@example.com", "globex")})
	}()

	checked := 0
	for _, rt := range routes {
		key := rt.method + " " + rt.pattern
		rule, ok := rules[key]
		if !ok {
			t.Errorf("route %s has no access rule: add it to the route table with one", key)
			continue
		}
		if rule.IsAPI() {
			checked += apiCheck(rt.method, rt.pattern, rule, fx)
			continue
		}
		for _, p := range principals {
			check := func(params map[string]string, foreignIDs bool) {
				path := fill(rt.pattern, params)
				var res *response
				if rt.method == "GET" {
					res = p.c.get(path)
				} else {
					res = p.c.post(path, nil)
				}
				checked++
				if res.StatusCode >= 500 {
					t.Errorf("%s %s as %s: %d", rt.method, path, p.name, res.StatusCode)
					return
				}
				toLogin := res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login?next=")
				denied := res.StatusCode == http.StatusForbidden || res.StatusCode == http.StatusNotFound || toLogin
				action, isWS := rule.WorkspaceAction()
				switch {
				case rule.IsStatic() || rule.IsPublic():
					if res.StatusCode == http.StatusForbidden || toLogin {
						t.Errorf("%s %s as %s: public route answered %d %s", rt.method, path, p.name, res.StatusCode, res.Header.Get("Location"))
					}
				case p.name == "anonymous":
					if !toLogin {
						t.Errorf("%s %s anonymously: %d, want 303 to /login?next=", rt.method, path, res.StatusCode)
					}
				case rule.IsSignedIn():
					if denied {
						t.Errorf("%s %s as %s: %d, want allowed", rt.method, path, p.name, res.StatusCode)
					}
				case isWS && p.name == "outsider":
					if res.StatusCode != http.StatusNotFound {
						t.Errorf("%s %s as a non-member: %d, want 404", rt.method, path, res.StatusCode)
					}
				case isWS && !p.role.Can(action):
					if res.StatusCode != http.StatusForbidden {
						t.Errorf("%s %s as %s: %d, want 403 (%s not allowed)", rt.method, path, p.name, res.StatusCode, action)
					}
				case isWS && foreignIDs:
					if res.StatusCode != http.StatusNotFound {
						t.Errorf("%s %s as %s with another workspace's ids: %d, want 404", rt.method, path, p.name, res.StatusCode)
					}
				case isWS:
					if denied {
						t.Errorf("%s %s as %s: %d, want allowed", rt.method, path, p.name, res.StatusCode)
					}
				default:
					t.Errorf("%s: rule of unknown kind", key)
				}
			}
			home := maps.Clone(fx.home)
			maps.Copy(home, p.own)
			check(home, false)
			if rule.IsSignedIn() && p.own != nil && hasIDParam(rt.pattern) {
				// Someone else's row, of this workspace or another: 404.
				for _, other := range []map[string]string{fx.home, fx.foreign} {
					path := fill(rt.pattern, other)
					res := p.c.post(path, nil)
					if rt.method == "GET" {
						res = p.c.get(path)
					}
					checked++
					if res.StatusCode != http.StatusNotFound {
						t.Errorf("%s %s as %s, someone else's: %d, want 404", rt.method, path, p.name, res.StatusCode)
					}
				}
			}
			if _, isWS := rule.WorkspaceAction(); isWS && hasIDParam(rt.pattern) {
				mixed := map[string]string{}
				for k, v := range fx.foreign {
					mixed[k] = v
				}
				mixed["ws"] = fx.home["ws"]
				check(mixed, true)
			}
			if _, isWS := rule.WorkspaceAction(); isWS && p.role != "" {
				// A member of the home workspace is a non-member of the foreign one.
				path := fill(rt.pattern, fx.foreign)
				var res *response
				if rt.method == "GET" {
					res = p.c.get(path)
				} else {
					res = p.c.post(path, nil)
				}
				checked++
				if res.StatusCode != http.StatusNotFound {
					t.Errorf("%s %s as %s of another workspace: %d, want 404", rt.method, path, p.name, res.StatusCode)
				}
			}
			if rt.pattern == "/logout" {
				// That principal is signed out now; sign in again.
				if p.role != "" {
					p.c.http.Jar = signIn(demoEmail(p.role)).http.Jar
				} else if p.name == "outsider" {
					p.c.http.Jar = signIn("outsider@example.com").http.Jar
				}
			}
		}
	}
	t.Logf("checked %d route × principal combinations over %d routes", checked, len(routes))
}

// TestEveryWorkspaceActionHasARule guards the permission table itself: each
// action used by a route is known, and the owner can do everything.
func TestEveryWorkspaceActionHasARule(t *testing.T) {
	app := newTestApp(t)
	for key, rule := range app.srv.Rules() {
		if a, ok := rule.WorkspaceAction(); ok {
			if !sightline.KnownAction(a) {
				t.Errorf("%s requires %q, which the permission table lacks", key, a)
			}
			if !sightline.RoleOwner.Can(a) && !slices.Contains(sightline.EngineeringInputActions, a) {
				t.Errorf("%s: the owner cannot %s", key, a)
			}
		}
	}
}

// newAPIMatrix returns the check of an API route: a token of each role of
// the home workspace in each scope, called with the home workspace's ids
// (allowed when the role may and the scope lets it write; else 403), with
// another workspace's ids (404) and on the other workspace (404); no, a
// malformed, an unknown, a revoked and an expired token (401); a signed-in
// browser's cookie without a token (401); the token of another
// workspace's owner (404). Writes carry an empty JSON body and a version
// no row has, so an allowed call changes nothing (422, 412 or 428).
func newAPIMatrix(t *testing.T, app *testApp) func(method, pattern string, rule server.Access, fx matrixFixture) int {
	type tokenPrincipal struct {
		name  string
		role  sightline.Role
		scope sightline.TokenScope
		c     *apiClient
	}
	var members []tokenPrincipal
	for _, r := range sightline.Roles {
		for _, sc := range []sightline.TokenScope{sightline.ScopeRead, sightline.ScopeWrite} {
			members = append(members, tokenPrincipal{string(r) + "/" + string(sc), r, sc, app.api(app.newToken(demoEmail(r), seed.DemoSlug, sc))})
		}
	}
	revoked := app.newToken(demoEmail(sightline.RoleOwner), seed.DemoSlug, sightline.ScopeWrite)
	expired := app.newToken(demoEmail(sightline.RoleOwner), seed.DemoSlug, sightline.ScopeWrite)
	for tok, set := range map[string]string{revoked: "revoked_at = now()", expired: "created_at = now() - interval '3 days', expires_at = now() - interval '1 day'"} {
		lookup, _ := sightline.ParseToken(tok)
		app.exec(`UPDATE api_tokens SET `+set+` WHERE lookup = $1`, lookup)
	}
	unauthorized := map[string]*apiClient{
		"no token": app.api(""), "a malformed token": app.api("Basic dXNlcjpwYXNz"),
		"an unknown token": app.api("slt_abcdefghijkm_" + strings.Repeat("A", 43)),
		"a revoked token":  app.api(revoked), "an expired token": app.api(expired),
	}
	outsider := app.api(app.newToken("outsider@example.com", "globex", sightline.ScopeWrite))
	browser := app.signIn(demoEmail(sightline.RoleOwner))

	return func(method, pattern string, rule server.Access, fx matrixFixture) int {
		t.Helper()
		checked := 0
		call := func(c *apiClient, params map[string]string) *response {
			checked++
			var body any
			var hdr []string
			if method != http.MethodGet {
				body, hdr = map[string]any{}, []string{"If-Match", `"0"`}
			}
			return c.call(method, fill(pattern, params), body, hdr...)
		}
		key := method + " " + pattern
		denied := func(code int) bool {
			return code == http.StatusUnauthorized || code == http.StatusForbidden || code == http.StatusNotFound
		}
		isProblem := func(res *response) bool {
			return strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json")
		}
		for _, p := range members {
			res := call(p.c, fx.home)
			// An MCP call is a POST whatever it does: its tools check the scope.
			mayWrite := method == http.MethodGet || p.scope == sightline.ScopeWrite || rule.PerCall()
			switch {
			case res.StatusCode >= 500:
				t.Errorf("%s with a %s token: %d", key, p.name, res.StatusCode)
			case !p.role.Can(rule.Action) || !mayWrite:
				if res.StatusCode != http.StatusForbidden || !isProblem(res) {
					t.Errorf("%s with a %s token: %d, want a 403 problem", key, p.name, res.StatusCode)
				}
			case denied(res.StatusCode):
				t.Errorf("%s with a %s token: %d, want allowed\n%.500s", key, p.name, res.StatusCode, res.body)
			}
			if hasIDParam(pattern) && p.role.Can(rule.Action) && mayWrite {
				mixed := maps.Clone(fx.foreign)
				mixed["ws"] = fx.home["ws"]
				if res := call(p.c, mixed); res.StatusCode != http.StatusNotFound || !isProblem(res) {
					t.Errorf("%s with a %s token and another workspace's ids: %d, want a 404 problem", key, p.name, res.StatusCode)
				}
			}
			if !strings.Contains(pattern, "{ws}") {
				continue // /mcp: the workspace is the token's (TestMCP checks it sees only its own)
			}
			if res := call(p.c, fx.foreign); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s on another workspace with a %s token: %d, want 404", key, p.name, res.StatusCode)
			}
		}
		for name, c := range unauthorized {
			if res := call(c, fx.home); res.StatusCode != http.StatusUnauthorized || !isProblem(res) {
				t.Errorf("%s with %s: %d, want a 401 problem", key, name, res.StatusCode)
			}
		}
		if res := call(outsider, fx.home); strings.Contains(pattern, "{ws}") && res.StatusCode != http.StatusNotFound {
			t.Errorf("%s with another workspace's token: %d, want 404", key, res.StatusCode)
		}
		checked++
		req, _ := http.NewRequest(method, app.ts.URL+fill(pattern, fx.home), strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		if res := browser.do(req); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s with a browser's session cookie and no token: %d, want 401", key, res.StatusCode)
		}
		return checked
	}
}
