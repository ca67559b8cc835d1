package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/sightline/sightline/internal/logging"
	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/server"
	"github.com/sightline/sightline/internal/sightline"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// fakeClock is a settable clock shared by the server under test.
type fakeClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

// testApp is the real server on a fresh database, served over HTTP.
type testApp struct {
	t     testing.TB
	db    *postgres.DB
	srv   *server.Server
	ts    *httptest.Server
	clock *fakeClock
	// counter counts the pool's statements (newCountingApp only).
	counter *postgres.QueryCounter
}

type appOption func(*server.Config)

// newTestApp boots the server on a fresh database with the demo workspace.
func newTestApp(t testing.TB, opts ...appOption) *testApp {
	t.Helper()
	db := pgtest.NewDB(t)
	if err := seed.Demo(context.Background(), db, password.Fast); err != nil {
		t.Fatal(err)
	}
	return newTestAppOn(t, db, opts...)
}

func newTestAppOn(t testing.TB, db *postgres.DB, opts ...appOption) *testApp {
	t.Helper()
	cfg := server.DefaultConfig()
	cfg.Password = password.Fast
	for _, o := range opts {
		o(&cfg)
	}
	srv := server.New(db, logging.New(io.Discard, "text", "error"), cfg)
	clock := &fakeClock{}
	srv.Now = clock.Now
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		srv.Close() // first: its event streams end, so the test server's close does not wait on them
		ts.Close()
	})
	return &testApp{t: t, db: db, srv: srv, ts: ts, clock: clock}
}

// client is a browser-like HTTP client with its own cookie jar that does
// not follow redirects, so tests can check them.
type client struct {
	app  *testApp
	http *http.Client
}

func (a *testApp) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{app: a, http: &http.Client{
		Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// response is a fetched page.
type response struct {
	*http.Response
	body string
}

func (r *response) doc(t testing.TB) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (c *client) do(req *http.Request) *response {
	c.app.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.app.t.Fatal(err)
	}
	defer res.Body.Close()
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		// A stream does not end: its answer is its status and headers.
		return &response{Response: res}
	}
	b, _ := io.ReadAll(res.Body)
	return &response{Response: res, body: string(b)}
}

func (c *client) get(path string) *response {
	c.app.t.Helper()
	req, _ := http.NewRequest("GET", c.app.ts.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) *response {
	c.app.t.Helper()
	req, _ := http.NewRequest("POST", c.app.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// sessionToken is the client's current session cookie value.
func (c *client) sessionToken() string {
	u, _ := url.Parse(c.app.ts.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "sightline_session" {
			return ck.Value
		}
	}
	return ""
}

// signIn signs in and fails the test unless it worked.
func (a *testApp) signIn(email string) *client {
	a.t.Helper()
	c := a.client()
	res := c.post("/login", url.Values{"email": {email}, "password": {seed.DemoPassword}})
	if res.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("sign in %s: status %d\n%s", email, res.StatusCode, res.body)
	}
	return c
}

func demoEmail(r sightline.Role) string { return string(r) + "@example.com" }

// wantStatus fails unless the response has the status.
func wantStatus(t testing.TB, res *response, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%.2000s", res.Request.Method, res.Request.URL.Path, res.StatusCode, want, res.body)
	}
}

// wantRedirect fails unless the response is a 303 to a location with the prefix.
func wantRedirect(t testing.TB, res *response, prefix string) {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), prefix) {
		t.Fatalf("%s %s: status %d location %q, want 303 to %q", res.Request.Method, res.Request.URL.Path, res.StatusCode, res.Header.Get("Location"), prefix)
	}
}

// text returns the trimmed text of the first element matching sel.
func text(t testing.TB, d *goquery.Document, sel string) string {
	t.Helper()
	s := d.Find(sel)
	if s.Length() == 0 {
		html, _ := d.Html()
		t.Fatalf("no element %q in page:\n%.3000s", sel, html)
	}
	return strings.TrimSpace(s.First().Text())
}

type goquerySelection = goquery.Selection

var actorNone = postgres.Actor{}

// signInAs signs in any account whose password is the demo password.
func (a *testApp) signInAs(email string) *client { return a.signIn(email) }

func newHTTPTestServer(t testing.TB, srv *server.Server) *httptest.Server {
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		srv.Close() // first: its event streams end, so the test server's close does not wait on them
		ts.Close()
	})
	return ts
}
