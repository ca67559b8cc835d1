package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/server"
	"github.com/sightline/sightline/internal/sightline"
)

// apiClient calls the API with a token, and no cookie jar at all.
type apiClient struct {
	app   *testApp
	token string
	http  *http.Client
}

func (a *testApp) api(token string) *apiClient {
	return &apiClient{app: a, token: token, http: &http.Client{}}
}

// newToken makes a token for a member of a workspace, straight in the store.
func (a *testApp) newToken(email, slug string, scope sightline.TokenScope) string {
	a.t.Helper()
	u := mustUser(a.t, a, email)
	ws, _, err := a.db.WorkspaceForMember(context.Background(), slug, u.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	_, secret, err := a.db.CreateToken(context.Background(), postgres.Actor{UserID: u.ID}, ws.ID, sightline.NewToken{Name: "test " + string(scope), Scope: string(scope)})
	if err != nil {
		a.t.Fatal(err)
	}
	return secret
}

// call sends a request; body, when not nil, is sent as JSON; header pairs
// follow ("If-Match", `"3"`).
func (c *apiClient) call(method, path string, body any, header ...string) *response {
	c.app.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.app.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, c.app.ts.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.app.t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(res.Body)
	out := &response{Response: res, body: buf.String()}
	c.app.checkContract(req, out)
	return out
}

// apiProblem is a problem document as a client reads it.
type apiProblem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// wantProblem checks a problem document's status, content type and code,
// and returns it.
func wantProblem(t testing.TB, res *response, status int, code string) apiProblem {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", res.Request.Method, res.Request.URL.Path, res.StatusCode, status, res.body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("problem content type %q\n%s", ct, res.body)
	}
	var p apiProblem
	if err := json.Unmarshal([]byte(res.body), &p); err != nil {
		t.Fatalf("not a problem document: %v\n%s", err, res.body)
	}
	if p.Status != status || p.Code != code || p.Detail == "" || p.Title == "" || p.Type == "" {
		t.Fatalf("problem %+v, want status %d code %s", p, status, code)
	}
	return p
}

// fieldMessage is the message a problem has for a field ("" if none).
func (p apiProblem) fieldMessage(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

func decodeJSON[T any](t testing.TB, res *response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(res.body), &v); err != nil {
		t.Fatalf("decode %s: %v\n%s", res.Request.URL.Path, err, res.body)
	}
	return v
}

type epicJSON struct {
	ID            int64   `json:"id"`
	Title         string  `json:"title"`
	Kind          string  `json:"kind"`
	Status        string  `json:"status"`
	Version       int     `json:"version"`
	CommittedOn   *string `json:"committed_on"`
	TargetQuarter *string `json:"target_quarter"`
	Estimate      *struct {
		Size string `json:"size"`
	} `json:"estimate"`
}

// TestAPIEpicsThroughTheirLife: create, read, list with a filter and a
// cursor, change with If-Match, 412 on a stale one (nothing saved), 428
// without one, the same domain rule as the page (no date without an
// estimate), estimate, then commit.
func TestAPIEpicsThroughTheirLife(t *testing.T) {
	app := newTestApp(t)
	pm := app.api(app.newToken("pm@example.com", seed.DemoSlug, sightline.ScopeWrite))
	eng := app.api(app.newToken("engineer@example.com", seed.DemoSlug, sightline.ScopeWrite))
	base := "/api/v1/w/" + seed.DemoSlug

	res := pm.call("POST", base+"/epics", map[string]any{"kind": "product", "title": "Usage export via API", "problem": "Finance wants raw usage.", "impact": 4, "target_quarter": "2027-q2"})
	wantStatus(t, res, http.StatusCreated)
	e := decodeJSON[epicJSON](t, res)
	if e.Title != "Usage export via API" || e.Status != "idea" || e.TargetQuarter == nil || *e.TargetQuarter != "2027-Q2" || e.Version != 1 {
		t.Fatalf("created %+v", e)
	}
	loc := res.Header.Get("Location")
	if loc != base+"/epics/"+itoa(e.ID) || res.Header.Get("ETag") != `"1"` {
		t.Fatalf("Location %q ETag %q", loc, res.Header.Get("ETag"))
	}
	got := decodeJSON[epicJSON](t, pm.call("GET", loc, nil))
	if got.ID != e.ID || got.Title != e.Title {
		t.Fatalf("read back %+v", got)
	}

	// The same rule as the form: a bad quarter and a wrong type, each named.
	p := wantProblem(t, pm.call("POST", base+"/epics", map[string]any{"kind": "product", "title": "", "impact": "high", "target_quarter": "Q9"}), http.StatusUnprocessableEntity, sightline.EINVALID)
	for _, f := range []string{"title", "impact", "target_quarter"} {
		if p.fieldMessage(f) == "" {
			t.Errorf("no message for %s in %+v", f, p.Errors)
		}
	}
	p = wantProblem(t, pm.call("POST", base+"/epics", map[string]any{"kind": "product", "title": "x", "colour": "red"}), http.StatusUnprocessableEntity, sightline.EINVALID)
	if !strings.Contains(p.fieldMessage("colour"), "Unknown field") {
		t.Errorf("an unknown field: %+v", p.Errors)
	}

	// Changes need If-Match; a stale one saves nothing.
	wantProblem(t, pm.call("PATCH", loc, map[string]any{"title": "Blind"}), http.StatusPreconditionRequired, sightline.EINVALID)
	res = pm.call("PATCH", loc, map[string]any{"title": "Usage export (v2)"}, "If-Match", `"1"`)
	wantStatus(t, res, http.StatusOK)
	if v := decodeJSON[epicJSON](t, res); v.Title != "Usage export (v2)" || v.Version != 2 || res.Header.Get("ETag") != `"2"` {
		t.Fatalf("patched %+v, ETag %s", v, res.Header.Get("ETag"))
	}
	wantProblem(t, pm.call("PATCH", loc, map[string]any{"title": "Stale write"}, "If-Match", `"1"`), http.StatusPreconditionFailed, sightline.ECONFLICT)
	if v := decodeJSON[epicJSON](t, pm.call("GET", loc, nil)); v.Title != "Usage export (v2)" {
		t.Fatalf("a stale PATCH changed the epic: %+v", v)
	}

	// No committed date without an estimate, in the page's words.
	p = wantProblem(t, pm.call("POST", loc+"/commit", map[string]any{"committed_on": "2027-06-30"}, "If-Match", `"2"`), http.StatusUnprocessableEntity, sightline.EINVALID)
	if !strings.Contains(p.Detail+p.fieldMessage("committed_on"), "estimate") {
		t.Errorf("the refusal does not say why: %+v", p)
	}
	// The PM may not estimate; the engineer may.
	wantProblem(t, pm.call("POST", loc+"/estimate", map[string]any{"size": "M", "note": "Two services"}, "If-Match", `"2"`), http.StatusForbidden, sightline.EFORBIDDEN)
	res = eng.call("POST", loc+"/estimate", map[string]any{"size": "m", "note": "Two services and a queue."}, "If-Match", `"2"`)
	wantStatus(t, res, http.StatusOK)
	est := decodeJSON[epicJSON](t, res)
	if est.Estimate == nil || est.Estimate.Size != "M" {
		t.Fatalf("estimate %+v", est)
	}
	res = pm.call("POST", loc+"/commit", map[string]any{"committed_on": "2027-06-30"}, "If-Match", versionETag(est.Version))
	wantStatus(t, res, http.StatusOK)
	if c := decodeJSON[epicJSON](t, res); c.CommittedOn == nil || *c.CommittedOn != "2027-06-30" {
		t.Fatalf("commit %+v", c)
	}

	// Lists: the filter and the cursor walk every epic once.
	seen := map[int64]bool{}
	next := base + "/epics?limit=7"
	pages := 0
	for next != "" {
		res := pm.call("GET", next, nil)
		wantStatus(t, res, http.StatusOK)
		page := decodeJSON[struct {
			Items      []epicJSON `json:"items"`
			NextCursor *string    `json:"next_cursor"`
		}](t, res)
		for _, e := range page.Items {
			if seen[e.ID] {
				t.Fatalf("epic %d listed twice", e.ID)
			}
			seen[e.ID] = true
		}
		pages++
		next = ""
		if page.NextCursor != nil {
			next = base + "/epics?limit=7&cursor=" + url.QueryEscape(*page.NextCursor)
			if !strings.Contains(res.Header.Get("Link"), `rel="next"`) {
				t.Errorf("no Link rel=next on a page with a next cursor")
			}
		}
	}
	var total int
	if err := app.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM epics WHERE workspace_id = $1`, app.demoID()).Scan(&total); err != nil {
		t.Fatal(err)
	}
	if len(seen) != total || pages < 2 {
		t.Fatalf("the cursor walked %d of %d epics in %d pages", len(seen), total, pages)
	}
	ready := decodeJSON[struct {
		Items []epicJSON `json:"items"`
	}](t, pm.call("GET", base+"/epics?status=idea&kind=product&limit=200", nil))
	for _, e := range ready.Items {
		if e.Status != "idea" || e.Kind != "product" {
			t.Fatalf("the filter let %+v through", e)
		}
	}
	wantProblem(t, pm.call("GET", base+"/epics?status=someday&cursor=zzz", nil), http.StatusUnprocessableEntity, sightline.EINVALID)
}

func itoa(n int64) string      { return strconv.FormatInt(n, 10) }
func versionETag(v int) string { return `"` + strconv.Itoa(v) + `"` }

// TestAPITokens: a read token cannot write; a revoked, an expired, a
// malformed or a missing token gets 401; a cookie is not a credential; a
// token of one workspace finds no other (404); a removed member's token
// stops at once; a demoted member's token loses the rights of the old role.
func TestAPITokens(t *testing.T) {
	app := newTestApp(t)
	base := "/api/v1/w/" + seed.DemoSlug
	read := app.api(app.newToken("pm@example.com", seed.DemoSlug, sightline.ScopeRead))
	wantStatus(t, read.call("GET", base+"/epics", nil), http.StatusOK)
	p := wantProblem(t, read.call("POST", base+"/pains", map[string]any{"quote": "x"}), http.StatusForbidden, sightline.EFORBIDDEN)
	if !strings.Contains(p.Detail, "only read") {
		t.Errorf("a read token's refusal: %q", p.Detail)
	}
	for name, c := range map[string]*apiClient{
		"none": app.api(""), "garbage": app.api("hello"), "unknown": app.api("slt_abcdefghijkm_" + strings.Repeat("A", 43)),
	} {
		res := c.call("GET", base+"/epics", nil)
		wantProblem(t, res, http.StatusUnauthorized, sightline.EUNAUTHORIZED)
		if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: no WWW-Authenticate", name)
		}
	}
	// A signed-in browser's cookie does not open the API.
	browser := app.signIn("owner@example.com")
	wantProblem(t, browser.get(base+"/epics"), http.StatusUnauthorized, sightline.EUNAUTHORIZED)

	// Expired and revoked.
	expired := app.newToken("pm@example.com", seed.DemoSlug, sightline.ScopeRead)
	lookup, _ := sightline.ParseToken(expired)
	app.exec(`UPDATE api_tokens SET created_at = now() - interval '3 days', expires_at = now() - interval '1 day' WHERE lookup = $1`, lookup)
	wantProblem(t, app.api(expired).call("GET", base+"/epics", nil), http.StatusUnauthorized, sightline.EUNAUTHORIZED)
	revoked := app.newToken("pm@example.com", seed.DemoSlug, sightline.ScopeWrite)
	lookup, _ = sightline.ParseToken(revoked)
	app.exec(`UPDATE api_tokens SET revoked_at = now() WHERE lookup = $1`, lookup)
	p = wantProblem(t, app.api(revoked).call("GET", base+"/epics", nil), http.StatusUnauthorized, sightline.EUNAUTHORIZED)
	if !strings.Contains(p.Detail, "revoked") {
		t.Errorf("revoked: %q", p.Detail)
	}
	// A secret one character off is not the token.
	good := app.newToken("pm@example.com", seed.DemoSlug, sightline.ScopeRead)
	bad := good[:len(good)-1] + map[bool]string{true: "B", false: "A"}[strings.HasSuffix(good, "A")]
	wantProblem(t, app.api(bad).call("GET", base+"/epics", nil), http.StatusUnauthorized, sightline.EUNAUTHORIZED)
	wantStatus(t, app.api(good).call("GET", base+"/epics", nil), http.StatusOK)

	// Another workspace: its token finds nothing here, ours nothing there.
	other, _ := app.otherWorkspace("globex", "Globex", "ceo@globex.example", "Gail")
	foreign := app.api(app.newToken("ceo@globex.example", "globex", sightline.ScopeWrite))
	wantProblem(t, foreign.call("GET", base+"/epics", nil), http.StatusNotFound, sightline.ENOTFOUND)
	wantProblem(t, read.call("GET", "/api/v1/w/"+other.Slug+"/epics", nil), http.StatusNotFound, sightline.ENOTFOUND)

	// Demoted: the architect's write token loses what architects may do.
	arch := app.api(app.newToken("architect@example.com", seed.DemoSlug, sightline.ScopeWrite))
	epic := app.id(`SELECT min(id) FROM epics WHERE workspace_id = $1`, app.demoID())
	path := base + "/epics/" + itoa(epic) + "/technical"
	version := decodeJSON[epicJSON](t, arch.call("GET", base+"/epics/"+itoa(epic), nil)).Version
	wantStatus(t, arch.call("PATCH", path, map[string]any{"effort": 3}, "If-Match", versionETag(version)), http.StatusOK)
	app.exec(`UPDATE memberships SET role = 'viewer' WHERE user_id = (SELECT id FROM users WHERE email = 'architect@example.com')`)
	wantProblem(t, arch.call("PATCH", path, map[string]any{"effort": 2}, "If-Match", versionETag(version+1)), http.StatusForbidden, sightline.EFORBIDDEN)
	// Removed: the token goes with the membership.
	app.exec(`DELETE FROM memberships WHERE user_id = (SELECT id FROM users WHERE email = 'architect@example.com')`)
	wantProblem(t, arch.call("GET", base+"/epics", nil), http.StatusUnauthorized, sightline.EUNAUTHORIZED)

	// The hash, never the token, is kept; its use is recorded.
	lookup, _ = sightline.ParseToken(good)
	var hashed, used bool
	if err := app.db.Pool.QueryRow(context.Background(), `SELECT secret_hash = sha256(convert_to($1, 'UTF8')), last_used_at IS NOT NULL
		FROM api_tokens WHERE lookup = $2`, good, lookup).Scan(&hashed, &used); err != nil {
		t.Fatal(err)
	}
	if !hashed || !used {
		t.Errorf("kept as its hash: %v; its use recorded: %v", hashed, used)
	}
}

// TestAPIRateLimit: past the limit, 429 with Retry-After, per token.
func TestAPIRateLimit(t *testing.T) {
	app := newTestApp(t, func(c *server.Config) { c.APIRatePerMinute = 60 })
	base := "/api/v1/w/" + seed.DemoSlug
	one := app.api(app.newToken("pm@example.com", seed.DemoSlug, sightline.ScopeRead))
	two := app.api(app.newToken("pm@example.com", seed.DemoSlug, sightline.ScopeRead))
	limited := false
	for i := 0; i < 30 && !limited; i++ {
		res := one.call("GET", base+"/pains?limit=1", nil)
		if res.StatusCode == http.StatusTooManyRequests {
			wantProblem(t, res, http.StatusTooManyRequests, sightline.ETOOMANY)
			if res.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
			limited = true
			if i < 10 {
				t.Fatalf("limited after %d calls; the burst is 10", i)
			}
		}
	}
	if !limited {
		t.Fatal("30 calls in a burst at 60 a minute were never limited")
	}
	wantStatus(t, two.call("GET", base+"/pains?limit=1", nil), http.StatusOK)
}

// fieldMessageOf is the error shown next to a form's field ("" if none).
func fieldMessageOf(d *goquery.Document, name string) string {
	return strings.TrimSpace(d.Find(".field-error").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return s.Find("[name="+name+"]").Length() > 0
	}).Text())
}

// TestAccountTokens: the account page makes a token through its form (bad
// input answered next to each field, the input kept), shows it once and
// never again, lists it with its last use, and revokes it; an owner sees
// and revokes a member's token in settings.
func TestAccountTokens(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn("pm@example.com")
	d := pm.get("/account").doc(t)
	for _, name := range []string{"name", "workspace", "scope", "days"} {
		id, _ := d.Find("[data-testid=token-form] [name=" + name + "]").Attr("id")
		if id == "" || d.Find("label[for="+id+"]").Length() != 1 {
			t.Errorf("the token form's %s has no visible label", name)
		}
	}

	res := pm.post("/account/tokens", url.Values{"name": {"CI sync"}, "workspace": {"globex"}, "scope": {"admin"}, "days": {"400"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d = res.doc(t)
	for field, want := range map[string]string{"workspace": "not a member", "scope": "", "days": "365"} {
		if msg := fieldMessageOf(d, field); msg == "" || !strings.Contains(msg, want) {
			t.Errorf("%s: message %q, want one with %q", field, msg, want)
		}
	}
	if v := d.Find("[data-testid=token-form] [name=name]").AttrOr("value", ""); v != "CI sync" {
		t.Errorf("the name typed is gone: %q", v)
	}

	res = pm.post("/account/tokens", url.Values{"name": {"CI sync"}, "workspace": {seed.DemoSlug}, "scope": {"write"}, "days": {"30"}})
	wantStatus(t, res, http.StatusCreated)
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the page with the secret: Cache-Control %q, want no-store", cc)
	}
	secret := res.doc(t).Find("[data-testid=new-token-value]").AttrOr("value", "")
	if _, ok := sightline.ParseToken(secret); !ok {
		t.Fatalf("no token shown: %q", secret)
	}
	c := app.api(secret)
	wantStatus(t, c.call("POST", "/api/v1/w/demo/pains", map[string]any{"quote": "Made with the new token", "source": "interview", "severity": 3, "frequency": "weekly"}), http.StatusCreated)

	page := pm.get("/account")
	if strings.Contains(page.body, secret) || strings.Contains(page.body, secret[len(secret)-20:]) {
		t.Fatal("the token is shown again")
	}
	row := page.doc(t).Find("[data-testid=token-row]:contains('CI sync')")
	if row.Length() != 1 || !strings.Contains(row.Text(), "Read and write") || !strings.Contains(row.Text(), "Last used") {
		t.Errorf("the token's row: %q", row.Text())
	}
	if !strings.Contains(row.Text(), secret[:16]) {
		t.Errorf("the row does not show the token's prefix %s: %q", secret[:16], row.Text())
	}

	// Revoked from the account page: the API refuses it at once.
	action := row.Find("form").AttrOr("action", "")
	wantRedirect(t, pm.post(action, nil), "/account")
	wantProblem(t, c.call("GET", "/api/v1/w/demo/epics", nil), http.StatusUnauthorized, sightline.EUNAUTHORIZED)
	if row := pm.get("/account").doc(t).Find("[data-testid=token-row]:contains('CI sync')"); !strings.Contains(row.Text(), "Revoked") || row.Find("form").Length() != 0 {
		t.Errorf("a revoked token's row: %q", row.Text())
	}

	// The owner sees the member's other token in settings and revokes it.
	other := app.newToken("pm@example.com", seed.DemoSlug, sightline.ScopeRead)
	owner := app.signIn("owner@example.com")
	srow := owner.get("/w/demo/settings").doc(t).Find("[data-testid=workspace-token-row]:contains('test read')")
	if srow.Length() != 1 || !strings.Contains(srow.Text(), "Priya") {
		t.Fatalf("settings token row: %q", srow.Text())
	}
	wantRedirect(t, owner.post(srow.Find("form").AttrOr("action", ""), nil), "/w/demo/settings")
	wantProblem(t, app.api(other).call("GET", "/api/v1/w/demo/epics", nil), http.StatusUnauthorized, sightline.EUNAUTHORIZED)

	// Both are in the activity log, with no secret.
	var n int
	if err := app.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM activity WHERE verb IN ('token.created', 'token.revoked') AND summary NOT LIKE '%slt_%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < 4 {
		t.Errorf("%d token entries in the activity log, want 4", n)
	}
}
