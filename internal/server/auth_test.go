package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/server"
	"github.com/sightline/sightline/internal/sightline"
)

func TestSignInLandsOnWorkspace(t *testing.T) {
	app := newTestApp(t)
	for _, du := range seed.DemoUsers {
		c := app.client()
		res := c.post("/login", url.Values{"email": {du.Email}, "password": {seed.DemoPassword}})
		wantRedirect(t, res, "/w/demo")
		page := c.get("/w/demo")
		wantStatus(t, page, http.StatusOK)
		d := page.doc(t)
		if got := text(t, d, "[data-testid=workspace-name]"); got != "Taskly" {
			t.Errorf("%s: workspace name %q", du.Email, got)
		}
		if got := text(t, d, "[data-testid=current-user]"); got != du.Name {
			t.Errorf("%s: current user %q, want %q", du.Email, got, du.Name)
		}
	}
	// The success is in the audit log.
	acts, err := app.db.ListAccountActivity(context.Background(), "pm@example.com", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) == 0 || acts[0].Verb != "signin.succeeded" {
		t.Fatalf("sign-in not recorded: %+v", acts)
	}
}

func TestSignInRejectsBadCredentials(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	for _, tc := range []struct{ email, password string }{
		{"pm@example.com", "wrong-password-123"},
		{"nobody@example.com", seed.DemoPassword},
	} {
		res := c.post("/login", url.Values{"email": {tc.email}, "password": {tc.password}})
		wantStatus(t, res, http.StatusUnauthorized)
		d := res.doc(t)
		if msg := text(t, d, "[data-testid=form-error]"); !strings.Contains(msg, "do not match") {
			t.Errorf("message %q", msg)
		}
		if v, _ := d.Find("#f-email").Attr("value"); v != tc.email {
			t.Errorf("email not kept: %q", v)
		}
		if v, _ := d.Find("#f-password").Attr("value"); v != "" {
			t.Errorf("password echoed back into the page")
		}
		if c.sessionToken() != "" {
			t.Errorf("failed sign-in created a session")
		}
	}
	// Empty fields get messages next to them.
	res := c.post("/login", url.Values{})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	text(t, d, "[data-testid=err-email]")
	text(t, d, "[data-testid=err-password]")

	acts, err := app.db.ListAccountActivity(context.Background(), "pm@example.com", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) == 0 || acts[0].Verb != "signin.failed" {
		t.Fatalf("failure not recorded: %+v", acts)
	}
}

// fromAddress makes a client whose requests come from a client address (the
// test app trusts X-Real-IP, as behind a proxy).
func (c *client) fromAddress(ip string) *client {
	c.http.Transport = headerTransport{"X-Real-Ip": ip}
	return c
}

type headerTransport map[string]string

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range h {
		r.Header.Set(k, v)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func trustProxy(c *server.Config) { c.TrustProxyHeaders = true }

// TestSignInRateLimitedPerAccount: the attacker's address is locked out of
// the account after five wrong passwords, even with the right one; the
// account's owner, from their own address, still signs in.
func TestSignInRateLimitedPerAccount(t *testing.T) {
	app := newTestApp(t, trustProxy)
	attacker := app.client().fromAddress("203.0.113.9")
	for i := 0; i < 5; i++ {
		wantStatus(t, attacker.post("/login", url.Values{"email": {"pm@example.com"}, "password": {"guess-number-" + string(rune('a'+i))}}), http.StatusUnauthorized)
	}
	// Now even the right password is refused from that address, with a clear message.
	res := attacker.post("/login", url.Values{"email": {"pm@example.com"}, "password": {seed.DemoPassword}})
	wantStatus(t, res, http.StatusTooManyRequests)
	if msg := text(t, res.doc(t), "[data-testid=form-error]"); !strings.Contains(msg, "Too many failed sign-in attempts") {
		t.Errorf("429 message %q", msg)
	}
	if res.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// The real user, from their own address, is not locked out.
	wantRedirect(t, app.client().fromAddress("198.51.100.7").post("/login", url.Values{"email": {"pm@example.com"}, "password": {seed.DemoPassword}}), "/w/demo")
	// Another account from the attacker's address is not locked by this one.
	wantRedirect(t, attacker.post("/login", url.Values{"email": {"architect@example.com"}, "password": {seed.DemoPassword}}), "/")
	// After the window the attacker's address may try again.
	app.clock.Advance(16 * time.Minute)
	wantRedirect(t, attacker.post("/login", url.Values{"email": {"pm@example.com"}, "password": {seed.DemoPassword}}), "/")
}

// TestSignInSlowsADistributedGuesser: many addresses guessing one account
// never lock it; past the account-wide threshold an address that keeps
// failing waits longer before each answer, while the owner from a clean
// address signs in at once.
func TestSignInSlowsADistributedGuesser(t *testing.T) {
	app := newTestApp(t, trustProxy, func(c *server.Config) {
		c.SignInSlowAfter = 8
		c.SignInDelayStep = 300 * time.Millisecond
	})
	for i := 0; i < 4; i++ {
		bot := app.client().fromAddress(fmt.Sprintf("203.0.113.%d", 10+i))
		for j := 0; j < 2; j++ {
			wantStatus(t, bot.post("/login", url.Values{"email": {"owner@example.com"}, "password": {fmt.Sprintf("wrong-guess-%d-%d", i, j)}}), http.StatusUnauthorized)
		}
	}
	// Eight failures account-wide: the next attempt from a failing address waits.
	bot := app.client().fromAddress("203.0.113.10")
	start := time.Now()
	wantStatus(t, bot.post("/login", url.Values{"email": {"owner@example.com"}, "password": {"wrong-guess-again"}}), http.StatusUnauthorized)
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("a failing address past the threshold was answered in %v, want a delay of at least 300ms", took)
	}
	// The owner from a clean address: no lock, no delay.
	start = time.Now()
	wantRedirect(t, app.client().fromAddress("198.51.100.20").post("/login", url.Values{"email": {"owner@example.com"}, "password": {seed.DemoPassword}}), "/")
	if took := time.Since(start); took > 250*time.Millisecond {
		t.Logf("owner sign-in took %v (slow machine?)", took)
	}
}

func TestSignInRateLimitedPerIP(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	for i := 0; i < 20; i++ {
		email := "spray" + string(rune('a'+i)) + "@example.com"
		wantStatus(t, c.post("/login", url.Values{"email": {email}, "password": {"password-spray-1"}}), http.StatusUnauthorized)
	}
	wantStatus(t, c.post("/login", url.Values{"email": {"viewer@example.com"}, "password": {seed.DemoPassword}}), http.StatusTooManyRequests)
	app.clock.Advance(16 * time.Minute)
	wantRedirect(t, c.post("/login", url.Values{"email": {"viewer@example.com"}, "password": {seed.DemoPassword}}), "/w/demo")
}

func TestSessionRenewedAtSignIn(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("pm@example.com")
	first := c.sessionToken()
	if first == "" {
		t.Fatal("no session cookie after sign-in")
	}
	// Signing in again (as someone else) must issue a new token and retire the old one.
	wantRedirect(t, c.post("/login", url.Values{"email": {"architect@example.com"}, "password": {seed.DemoPassword}}), "/")
	second := c.sessionToken()
	if second == "" || second == first {
		t.Fatalf("session token not renewed at sign-in: %q → %q", first, second)
	}
	var n int
	if err := app.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE token = $1`, first).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatal("old session token still stored after renewal")
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	for _, secure := range []bool{false, true} {
		app := newTestApp(t, func(c *server.Config) { c.SecureCookies = secure })
		res := app.client().post("/login", url.Values{"email": {"pm@example.com"}, "password": {seed.DemoPassword}})
		var ck *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == "sightline_session" {
				ck = c
			}
		}
		if ck == nil {
			t.Fatal("no session cookie")
		}
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure != secure {
			t.Errorf("cookie HttpOnly=%v SameSite=%v Secure=%v (secure configured: %v)", ck.HttpOnly, ck.SameSite, ck.Secure, secure)
		}
	}
}

func TestSignOutDestroysSession(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("pm@example.com")
	token := c.sessionToken()
	wantStatus(t, c.get("/w/demo"), http.StatusOK)
	res := c.post("/logout", nil)
	wantRedirect(t, res, "/login?signed_out=1")
	if msg := text(t, c.get("/login?signed_out=1").doc(t), "[data-testid=flash]"); msg != "You are signed out." {
		t.Errorf("flash %q", msg)
	}
	var n int
	if err := app.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE token = $1`, token).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatal("session still stored after sign-out")
	}
	// Replaying the old cookie gets nowhere.
	replay := app.client()
	u, _ := url.Parse(app.ts.URL)
	replay.http.Jar.SetCookies(u, []*http.Cookie{{Name: "sightline_session", Value: token}})
	wantRedirect(t, replay.get("/w/demo"), "/login?next=%2Fw%2Fdemo")
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	app := newTestApp(t)
	here := app.signIn("pm@example.com")
	elsewhere := app.signIn("pm@example.com")
	account := here.get("/account")
	wantStatus(t, account, http.StatusOK)
	version, _ := account.doc(t).Find("input[name=version]").Attr("value")

	// A wrong current password and a short new one are both explained.
	res := here.post("/account/password", url.Values{"version": {version}, "current": {"nope"}, "password": {"short"}, "confirm": {"short"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	text(t, d, "[data-testid=err-current]")
	text(t, d, "[data-testid=err-password]")

	res = here.post("/account/password", url.Values{"version": {version}, "current": {seed.DemoPassword}, "password": {"a-much-better-passphrase"}, "confirm": {"a-much-better-passphrase"}})
	wantRedirect(t, res, "/account")
	wantStatus(t, here.get("/w/demo"), http.StatusOK)
	wantRedirect(t, elsewhere.get("/w/demo"), "/login")
	// The new password works, the old one does not.
	wantRedirect(t, app.client().post("/login", url.Values{"email": {"pm@example.com"}, "password": {"a-much-better-passphrase"}}), "/w/demo")
	wantStatus(t, app.client().post("/login", url.Values{"email": {"pm@example.com"}, "password": {seed.DemoPassword}}), http.StatusUnauthorized)
}

func TestAnonymousIsSentToLoginWithNext(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	wantRedirect(t, c.get("/w/demo/settings"), "/login?next=%2Fw%2Fdemo%2Fsettings")
	wantRedirect(t, c.get("/"), "/login?next=%2F")
	// The next page is carried through the form and honoured.
	d := c.get("/login?next=%2Fw%2Fdemo%2Fsettings").doc(t)
	if v, _ := d.Find("input[name=next]").Attr("value"); v != "/w/demo/settings" {
		t.Fatalf("next in form: %q", v)
	}
	res := c.post("/login", url.Values{"email": {"owner@example.com"}, "password": {seed.DemoPassword}, "next": {"/w/demo/settings"}})
	wantRedirect(t, res, "/w/demo/settings")
}

func TestNoOpenRedirect(t *testing.T) {
	app := newTestApp(t)
	for _, next := range []string{
		"//evil.example/", "https://evil.example/", "/\\evil.example", "http:/evil.example", "javascript:alert(1)",
		"/%2F%2Fevil.example", "evil.example", "\\\\evil.example", "/\r\nLocation: https://evil.example",
	} {
		res := app.client().post("/login", url.Values{"email": {"owner@example.com"}, "password": {seed.DemoPassword}, "next": {next}})
		loc := res.Header.Get("Location")
		u, err := url.Parse(loc)
		if res.StatusCode != http.StatusSeeOther || err != nil || u.Host != "" || u.Scheme != "" || strings.HasPrefix(loc, "//") || strings.Contains(loc, "evil") && !strings.HasPrefix(loc, "/%2F") {
			t.Errorf("next=%q redirected to %q", next, loc)
		}
	}
	// A signed-in visit to /login with a hostile next stays home.
	c := app.signIn("owner@example.com")
	wantRedirect(t, c.get("/login?next=//evil.example"), "/")
	if loc := c.get("/login?next=//evil.example").Header.Get("Location"); loc != "/" {
		t.Errorf("signed-in /login?next=//evil.example → %q", loc)
	}
}

func TestSetupOnlyWhileNoUserExists(t *testing.T) {
	app := newTestAppOn(t, pgtest.NewDB(t))
	c := app.client()
	wantStatus(t, c.get("/setup"), http.StatusOK)
	if !strings.Contains(c.get("/login").body, `href="/setup"`) {
		t.Error("login page does not point to setup on a fresh install")
	}

	bad := url.Values{"name": {"Ada"}, "email": {"not-an-email"}, "password": {"short"}, "confirm": {"other"}, "workspace_name": {"Acme Rockets"}, "slug": {"Bad Slug!"}}
	res := c.post("/setup", bad)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	for _, f := range []string{"email", "password", "confirm", "slug"} {
		text(t, d, "[data-testid=err-"+f+"]")
	}
	if v, _ := d.Find("#f-workspace_name").Attr("value"); v != "Acme Rockets" {
		t.Errorf("input not kept: %q", v)
	}

	good := url.Values{"name": {"Ada Owner"}, "email": {"Ada@Example.com"}, "password": {"correct-horse-battery"}, "confirm": {"correct-horse-battery"}, "workspace_name": {"Acme Rockets"}, "slug": {""}}
	res = c.post("/setup", good)
	wantRedirect(t, res, "/w/acme-rockets")
	page := c.get("/w/acme-rockets")
	wantStatus(t, page, http.StatusOK)
	if got := text(t, page.doc(t), "[data-testid=flash]"); !strings.Contains(got, "Welcome") {
		t.Errorf("flash %q", got)
	}
	// Closed for good, for everyone.
	wantStatus(t, c.get("/setup"), http.StatusNotFound)
	wantStatus(t, app.client().get("/setup"), http.StatusNotFound)
	good.Set("email", "mallory@example.com")
	wantStatus(t, app.client().post("/setup", good), http.StatusNotFound)
	if _, err := app.db.UserByEmail(context.Background(), "mallory@example.com"); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatal("second setup created a user")
	}
}
