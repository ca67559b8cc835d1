package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sightline/sightline/internal/seed"
)

const (
	demoPMEmail = "pm@example.com"
	demoPMName  = "Priya PM"
	demoWSName  = "Taskly"
)

var (
	emailField    = chromedp.ID("f-email")
	passwordField = chromedp.ID("f-password")
	signInButton  = chromedp.CSS(`form[action="/login"] button[type="submit"]`)
)

// openLogin opens the sign-in page and waits for its form.
func openLogin(b *browser, base string) {
	b.t.Helper()
	b.do("open /login",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(emailField),
		chromedp.WaitVisible(passwordField),
	)
	if got := run(b, "read the submit button", chromedp.Text(signInButton)); strings.TrimSpace(got) != "Sign in" {
		b.t.Fatalf("submit button text = %q, want %q", got, "Sign in")
	}
}

// fillAndSubmitLogin types the credentials and clicks "Sign in".
func fillAndSubmitLogin(b *browser, email, pw string) {
	b.t.Helper()
	b.do("fill in and submit the sign-in form",
		chromedp.SendKeys(emailField, email),
		chromedp.SendKeys(passwordField, pw),
		chromedp.Click(signInButton),
	)
}

// TestSignInAndSignOut walks the demo PM through signing in, landing on the
// workspace, signing out and being sent back to sign-in from the workspace.
func TestSignInAndSignOut(t *testing.T) {
	chromium := findChromium(t)
	start := time.Now()
	base := startApp(t)
	b := newBrowser(t, chromium)

	openLogin(b, base)
	fillAndSubmitLogin(b, demoPMEmail, seed.DemoPassword)

	// Landing: the PM's only workspace.
	b.do("wait for the workspace page", chromedp.WaitVisible(testID("workspace-name")))
	if u := parseLocation(t, run(b, "read the location", chromedp.Location())); u.Path != "/w/"+seed.DemoSlug {
		t.Errorf("after sign-in the path is %q, want %q (location %s)", u.Path, "/w/"+seed.DemoSlug, u)
	}
	if got := run(b, "read the workspace name", chromedp.Text(testID("workspace-name"))); strings.TrimSpace(got) != demoWSName {
		t.Errorf("workspace name = %q, want %q", got, demoWSName)
	}
	b.do("wait for the current user", chromedp.WaitVisible(testID("current-user")))
	if got := run(b, "read the current user", chromedp.Text(testID("current-user"))); strings.TrimSpace(got) != demoPMName {
		t.Errorf("current user = %q, want %q", got, demoPMName)
	}

	// Sign out: a POST form in the top bar.
	b.do("sign out",
		chromedp.Click(testID("sign-out")),
		chromedp.WaitVisible(testID("flash")),
		chromedp.WaitVisible(emailField),
	)
	if u := parseLocation(t, run(b, "read the location", chromedp.Location())); u.Path != "/login" {
		t.Errorf("after sign-out the path is %q, want /login (location %s)", u.Path, u)
	}
	if got := run(b, "read the flash", chromedp.Text(testID("flash"))); strings.TrimSpace(got) != "You are signed out." {
		t.Errorf("flash after sign-out = %q, want %q", got, "You are signed out.")
	}
	b.do("check nobody is shown as signed in",
		chromedp.WaitNotPresent(testID("current-user")),
		chromedp.WaitNotPresent(testID("sign-out")),
	)

	// The session is gone: the workspace sends the browser to sign-in and
	// remembers where it was going.
	b.do("open the workspace again",
		chromedp.Navigate(base+"/w/"+seed.DemoSlug),
		chromedp.WaitVisible(emailField),
	)
	u := parseLocation(t, run(b, "read the location", chromedp.Location()))
	if u.Path != "/login" || u.RawQuery != "next=%2Fw%2Fdemo" {
		t.Errorf("after sign-out /w/demo leads to %s, want /login?next=%%2Fw%%2Fdemo", u.RequestURI())
	}
	if got := run(b, "read the hidden next field", chromedp.Value(chromedp.CSS(`form[action="/login"] input[name="next"]`))); got != "/w/demo" {
		t.Errorf("sign-in form's next = %q, want /w/demo", got)
	}
	b.do("check the workspace is not shown", chromedp.WaitNotPresent(testID("workspace-name")))

	t.Logf("journey took %v", time.Since(start).Round(time.Millisecond))
}

// TestSignInWrongPassword checks that a failed sign-in explains itself next to
// the form and keeps the typed email, but not the password.
func TestSignInWrongPassword(t *testing.T) {
	chromium := findChromium(t)
	start := time.Now()
	base := startApp(t)
	b := newBrowser(t, chromium)

	openLogin(b, base)
	b.do("check no error is shown before submitting", chromedp.WaitNotPresent(testID("form-error")))
	fillAndSubmitLogin(b, demoPMEmail, "not-the-password")

	b.do("wait for the form error",
		chromedp.WaitVisible(testID("form-error")),
		chromedp.WaitVisible(emailField),
	)
	if u := parseLocation(t, run(b, "read the location", chromedp.Location())); u.Path != "/login" {
		t.Errorf("after a failed sign-in the path is %q, want /login (location %s)", u.Path, u)
	}
	msg := strings.TrimSpace(run(b, "read the form error", chromedp.Text(testID("form-error"))))
	if !strings.Contains(msg, "do not match") {
		t.Errorf("form error = %q, want a message that the email and password do not match", msg)
	}
	// The message sits right above the sign-in form, in the same card.
	if !run(b, "locate the form error", chromedp.Evaluate[bool](
		`(() => { const e = document.querySelector('[data-testid="form-error"]');
			const n = e && e.nextElementSibling;
			return !!n && n.matches('form[action="/login"]') && n.contains(document.getElementById('f-email')); })()`)) {
		t.Error("the form error is not directly before the sign-in form")
	}
	if got := run(b, "read the email field", chromedp.Value(emailField)); got != demoPMEmail {
		t.Errorf("email field = %q, want the typed %q", got, demoPMEmail)
	}
	if got := run(b, "read the password field", chromedp.Value(passwordField)); got != "" {
		t.Errorf("password field = %q, want it empty", got)
	}
	b.do("check nobody is signed in", chromedp.WaitNotPresent(testID("current-user")))

	t.Logf("failed sign-in took %v", time.Since(start).Round(time.Millisecond))
}
