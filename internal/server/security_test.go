package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sightline/sightline/internal/logging"
	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/server"
)

func checkSecurityHeaders(t *testing.T, res *response) {
	t.Helper()
	h := res.Header
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%d %s: CSP %q lacks %q", res.StatusCode, res.Request.URL.Path, csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows inline script: %q", csp)
	}
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
		"X-Frame-Options":        "DENY",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%d %s: %s = %q, want %q", res.StatusCode, res.Request.URL.Path, k, got, want)
		}
	}
	if h.Get("X-Request-Id") == "" {
		t.Errorf("%d %s: no X-Request-Id", res.StatusCode, res.Request.URL.Path)
	}
}

func TestSecurityHeadersOnEveryKindOfResponse(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("viewer@example.com")
	for _, tc := range []struct {
		res  *response
		want int
	}{
		{c.get("/w/demo"), 200},
		{c.get("/login?next=/"), 303},
		{app.client().get("/login"), 200},
		{c.get("/no/such/page"), 404},
		{c.get("/w/not-a-workspace"), 404},
		{c.get("/w/demo/settings"), 403},
		{app.client().get("/static/app.css"), 200},
		{app.client().get("/healthz"), 200},
	} {
		wantStatus(t, tc.res, tc.want)
		checkSecurityHeaders(t, tc.res)
	}
}

func TestErrorPagesShowRequestIDNotCause(t *testing.T) {
	// A server whose database has gone away (its pool closed, as at the end
	// of a shutdown): every page that needs it is a 503, never a 500.
	db := pgtest.NewDB(t)
	if err := seed.Demo(context.Background(), db, password.Fast); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	cfg := server.DefaultConfig()
	cfg.Password = password.Fast
	srv := server.New(db, logging.New(&logs, "text", "info"), cfg)
	app := &testApp{t: t, db: db, srv: srv, clock: &fakeClock{}}
	ts := newHTTPTestServer(t, srv)
	app.ts = ts
	db.Close()

	res := app.client().get("/setup")
	wantStatus(t, res, http.StatusServiceUnavailable)
	checkSecurityHeaders(t, res)
	d := res.doc(t)
	id := text(t, d, "[data-testid=request-id]")
	if id != res.Header.Get("X-Request-Id") {
		t.Errorf("page request id %q, header %q", id, res.Header.Get("X-Request-Id"))
	}
	if strings.Contains(res.body, "closed pool") || strings.Contains(res.body, "store.") {
		t.Errorf("503 page leaks the cause:\n%s", res.body)
	}
	if !strings.Contains(logs.String(), "request_id="+id) || !strings.Contains(logs.String(), "database unavailable") ||
		!strings.Contains(logs.String(), "closed pool") {
		t.Errorf("cause not logged with the request id:\n%s", logs.String())
	}
	// Readiness reports the outage; liveness does not.
	wantStatus(t, app.client().get("/readyz"), http.StatusServiceUnavailable)
	wantStatus(t, app.client().get("/healthz"), http.StatusOK)
}

func TestReadiness(t *testing.T) {
	app := newTestApp(t)
	res := app.client().get("/readyz")
	wantStatus(t, res, http.StatusOK)
	// Roll the last migration back: not at head, not ready.
	if _, err := app.db.Pool.Exec(context.Background(), `DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, app.client().get("/readyz"), http.StatusServiceUnavailable)
}

func TestCrossOriginPostRejected(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("owner@example.com")
	id, version := memberRow(t, c.get("/w/demo/settings"), "pm@example.com")
	form := url.Values{"role": {"viewer"}, "version": {version}}
	for _, h := range []map[string]string{
		{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
		{"Origin": "https://evil.example"},
		{"Sec-Fetch-Site": "cross-site"},
	} {
		req, _ := http.NewRequest("POST", app.ts.URL+"/w/demo/settings/members/"+id+"/role", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		res := c.do(req)
		wantStatus(t, res, http.StatusForbidden)
		checkSecurityHeaders(t, res)
	}
	if m := mustMember(t, app, "pm@example.com"); m.Role != "pm" {
		t.Fatalf("cross-origin POST changed the role to %s", m.Role)
	}
	// Cross-origin sign-in (login CSRF) is refused too.
	req, _ := http.NewRequest("POST", app.ts.URL+"/login", strings.NewReader(url.Values{"email": {"pm@example.com"}, "password": {seed.DemoPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	wantStatus(t, app.client().do(req), http.StatusForbidden)
	// Same-origin browser requests pass.
	req, _ = http.NewRequest("POST", app.ts.URL+"/w/demo/settings/members/"+id+"/role", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", app.ts.URL)
	wantRedirect(t, c.do(req), "/w/demo/settings")
}

func TestTrustedOriginAllowed(t *testing.T) {
	app := newTestApp(t, func(c *server.Config) { c.TrustedOrigins = []string{"https://sightline.example.com"} })
	req, _ := http.NewRequest("POST", app.ts.URL+"/login", strings.NewReader(url.Values{"email": {"pm@example.com"}, "password": {seed.DemoPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://sightline.example.com")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	wantRedirect(t, app.client().do(req), "/w/demo")
}

func TestUserTextIsEscaped(t *testing.T) {
	app := newTestApp(t)
	owner := app.signIn("owner@example.com")
	version, _ := owner.get("/w/demo/settings").doc(t).Find("form[action='/w/demo/settings/workspace'] input[name=version]").Attr("value")
	evil := `<script>alert(1)</script>"><img src=x onerror=alert(2)>`
	wantRedirect(t, owner.post("/w/demo/settings/workspace", url.Values{"name": {evil}, "version": {version}}), "/w/demo/settings")
	for _, path := range []string{"/w/demo", "/w/demo/settings", "/"} {
		res := owner.get(path)
		if strings.Contains(res.body, "<script>alert(1)") || strings.Contains(res.body, "<img src=x") {
			t.Errorf("%s renders user text unescaped", path)
		}
		if path == "/w/demo" && text(t, res.doc(t), "[data-testid=workspace-name]") != evil {
			t.Errorf("%s does not show the name as text", path)
		}
	}
}

func TestLogsCarryNoSecrets(t *testing.T) {
	db := pgtest.NewDB(t)
	if err := seed.Demo(context.Background(), db, password.Fast); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	cfg := server.DefaultConfig()
	cfg.Password = password.Fast
	srv := server.New(db, logging.New(&logs, "json", "debug"), cfg)
	app := &testApp{t: t, db: db, srv: srv, clock: &fakeClock{}}
	app.ts = newHTTPTestServer(t, srv)
	owner := app.signIn("owner@example.com")
	path := inviteURL(t, owner, "secret@example.com", "viewer")
	app.client().get(path)
	app.client().post("/login", url.Values{"email": {"pm@example.com"}, "password": {"hunter2-hunter2"}})
	token := strings.TrimPrefix(path, "/invite/")
	// A personal access token: made on the account page, used on the API
	// (a good call, a bad one, a revoked one) and on /mcp.
	res := owner.post("/account/tokens", url.Values{"name": {"CI"}, "workspace": {seed.DemoSlug}, "scope": {"write"}, "days": {"30"}})
	apiToken := res.doc(t).Find("[data-testid=new-token-value]").AttrOr("value", "")
	if apiToken == "" {
		t.Fatal("no token made")
	}
	api := app.api(apiToken)
	api.call("GET", "/api/v1/w/demo/epics", nil)
	api.call("POST", "/api/v1/w/demo/pains", map[string]any{"quote": 7})
	app.api(apiToken+"x").call("GET", "/api/v1/w/demo/epics", nil)
	app.mcpSession(apiToken)
	for _, secret := range []string{token, "hunter2-hunter2", seed.DemoPassword, owner.sessionToken(), apiToken, apiToken[len(apiToken)-43:]} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("logs contain a secret %q", secret)
		}
	}
	if !strings.Contains(logs.String(), `"route":"/invite/{token}"`) {
		t.Errorf("request log lacks the route pattern:\n%s", logs.String())
	}
}

// TestStaticFolderIsNotListed: files are served, folders are not found.
func TestStaticFolderIsNotListed(t *testing.T) {
	app := newTestApp(t)
	for _, path := range []string{"/static/", "/static/.", "/static//"} {
		res := app.client().get(path)
		if res.StatusCode != http.StatusNotFound || strings.Contains(res.body, "app.css") {
			t.Errorf("GET %s: %d, want 404 without a listing\n%.300s", path, res.StatusCode, res.body)
		}
	}
	wantStatus(t, app.client().get("/static/app.css"), http.StatusOK)
}

// TestInvitationLinkIgnoresForeignHost: without a configured base URL, a
// Host header naming another site never makes it into an invitation link.
func TestInvitationLinkIgnoresForeignHost(t *testing.T) {
	app := newTestApp(t)
	owner := app.signIn("owner@example.com")
	invite := func(email, host string) string {
		t.Helper()
		req, _ := http.NewRequest("POST", app.ts.URL+"/w/demo/settings/invitations", strings.NewReader(url.Values{"email": {email}, "role": {"viewer"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if host != "" {
			req.Host = host
			// The jar files cookies under the Host sent; hand the session over.
			req.AddCookie(&http.Cookie{Name: "sightline_session", Value: owner.sessionToken()})
		}
		wantStatus(t, owner.do(req), http.StatusSeeOther)
		return text(t, owner.get("/w/demo/settings").doc(t), "[data-testid=invite-url]")
	}
	if link := invite("evil@example.com", "evil.example"); strings.Contains(link, "evil.example") || !strings.HasPrefix(link, "/invite/") {
		t.Errorf("with Host: evil.example the link is %q, want a relative /invite/… link", link)
	}
	// The address the test server is reached at (loopback) is known.
	if link := invite("fine@example.com", ""); !strings.HasPrefix(link, app.ts.URL+"/invite/") {
		t.Errorf("loopback link %q, want it under %s", link, app.ts.URL)
	}
	// A configured base URL always wins.
	app2 := newTestApp(t, func(c *server.Config) { c.BaseURL = "https://plan.example.com" })
	owner = app2.signIn("owner@example.com")
	app = app2
	if link := invite("b@example.com", "evil.example"); !strings.HasPrefix(link, "https://plan.example.com/invite/") {
		t.Errorf("with a base URL the link is %q", link)
	}
}

// TestStaticAssetsUnderHashedNames: pages link to content-hashed asset
// names, served immutable for a year; the plain names still work.
func TestStaticAssetsUnderHashedNames(t *testing.T) {
	app := newTestApp(t)
	d := app.client().get("/login").doc(t)
	css := d.Find(`link[rel=stylesheet]`).AttrOr("href", "")
	if !strings.HasPrefix(css, "/static/app.") || css == "/static/app.css" || !strings.HasSuffix(css, ".css") {
		t.Fatalf("stylesheet link %q, want a content-hashed name", css)
	}
	res := app.client().get(css)
	wantStatus(t, res, http.StatusOK)
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("hashed asset Cache-Control %q, want a year, immutable", cc)
	}
	plain := app.client().get("/static/app.css")
	wantStatus(t, plain, http.StatusOK)
	if plain.body != res.body {
		t.Error("the hashed name serves other bytes than the plain one")
	}
	if strings.Contains(plain.Header.Get("Cache-Control"), "immutable") {
		t.Error("the plain name is cached as immutable")
	}
	if res := app.client().get("/static/app.000000000000.css"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a stale hash: %d, want 404", res.StatusCode)
	}
	icon := d.Find(`link[rel=icon]`).AttrOr("href", "")
	wantStatus(t, app.client().get(icon), http.StatusOK)
}
