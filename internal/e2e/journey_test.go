package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sightline/sightline/internal/seed"
)

const (
	demoOwnerEmail     = "owner@example.com"
	demoOwnerName      = "Olivia Owner"
	demoArchitectEmail = "architect@example.com"
	demoArchitectName  = "Arjun Architect"
	demoEngineerEmail  = "engineer@example.com"
	demoEngineerName   = "Emma Engineer"
)

// follow runs steps that make the browser load a new document (a click on a
// link or a submit button) and waits until that document has loaded. It
// returns the HTTP status of the document the browser ends on, after any
// redirect: a POST that succeeds and redirects gives 200, a refused form
// re-rendered in place gives its 4xx.
func (b *browser) follow(what string, steps ...chromedp.Action[chromedp.Void]) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		b.t.Fatalf("%s: %v (page: %s)", what, err, b.location())
	}
	return resp.Status
}

// text reads an element's text, trimmed, waiting for it to be visible.
func (b *browser) text(what string, sel chromedp.CSS) string {
	b.t.Helper()
	b.do(what, chromedp.WaitVisible(sel))
	return strings.TrimSpace(run(b, what, chromedp.Text(sel)))
}

// path is the path of the page the browser is on.
func (b *browser) path() string {
	b.t.Helper()
	return parseLocation(b.t, run(b, "read the location", chromedp.Location())).Path
}

// signIn signs in from the sign-in page and waits for the workspace the
// user lands on, checking who the top bar says is signed in.
func signIn(b *browser, base, email, name string) {
	b.t.Helper()
	openLogin(b, base)
	b.follow("sign in as "+email,
		chromedp.SendKeys(emailField, email),
		chromedp.SendKeys(passwordField, seed.DemoPassword),
		chromedp.Click(signInButton),
	)
	if got := b.text("read the current user", testID("current-user")); got != name {
		b.t.Fatalf("signed in as %s, the top bar shows %q, want %q", email, got, name)
	}
}

// signOut signs out with the top bar's button and waits for the sign-in page.
func signOut(b *browser) {
	b.t.Helper()
	b.follow("sign out", chromedp.Click(testID("sign-out")))
	b.do("wait for the sign-in form", chromedp.WaitVisible(emailField), chromedp.WaitNotPresent(testID("current-user")))
}

// switchUser signs the current user out and another one in, in the same browser.
func switchUser(b *browser, base, email, name string) {
	b.t.Helper()
	signOut(b)
	signIn(b, base, email, name)
}

// flash waits for the page's flash message and returns it.
func (b *browser) flash(what string) string {
	b.t.Helper()
	return b.text(what, testID("flash"))
}

func wantContains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s = %q, want it to contain %q", what, got, w)
		}
	}
}

var epicPathRE = regexp.MustCompile(`^/w/demo/epics/([0-9]+)$`)

// TestProductJourney walks issue 3's journey across roles in one browser:
// the PM logs a strategy shift, the architect acknowledges it, the PM turns a
// customer pain into an epic and is refused a date without an estimate, the
// engineer estimates it, and the PM then commits it to a date.
func TestProductJourney(t *testing.T) {
	chromium := findChromium(t)
	start := time.Now()
	base := startApp(t)
	b := newBrowser(t, chromium)
	ws := base + "/w/" + seed.DemoSlug

	const (
		shiftTitle = "Enterprise pilots need reliability first"
		assessment = "Pilots need an SLO on the task API and a tested restore before we onboard them."
		epicTitle  = "Pilot-grade reliability for shared lists"
		commitISO  = "2027-03-31"
		commitText = "31 Mar 2027"
		estNote    = "Sync conflicts under load are the unknown; needs a soak test before we trust it."
	)

	// 1. The PM logs a shift on the strategy page.
	signIn(b, base, demoPMEmail, demoPMName)
	b.do("open the strategy page",
		chromedp.Navigate(ws+"/strategy"),
		chromedp.WaitVisible(testID("shift-form")),
		chromedp.WaitVisible(testID("timeline")),
	)
	if got := run(b, "read the default shift date", chromedp.Value(chromedp.ID("f-shifted_on"))); !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(got) {
		t.Errorf("the shift form's date = %q, want today as YYYY-MM-DD", got)
	}
	if got := run(b, "read the default from-phase", chromedp.Value(chromedp.ID("f-from_phase"))); got != "growth" {
		t.Errorf("the shift form's from-phase = %q, want the workspace's phase growth", got)
	}
	b.do("fill in the shift form",
		chromedp.SendKeys(chromedp.ID("f-title"), shiftTitle),
		chromedp.SendKeys(chromedp.ID("f-narrative"), "Three enterprise pilots said the same thing: they will not move teams over until the outages stop."),
		chromedp.SetValue(chromedp.ID("f-to_phase"), "stability"),
	)
	if st := b.follow("log the shift", chromedp.Click(chromedp.CSS(`[data-testid="shift-form"] button[type="submit"]`))); st != http.StatusOK {
		t.Errorf("logging the shift ended on status %d, want 200", st)
	}
	if p := b.path(); p != "/w/demo/strategy" {
		t.Errorf("after logging a shift the path is %q, want /w/demo/strategy", p)
	}
	wantContains(t, "the flash after logging a shift", b.flash("read the flash"),
		"Shift “"+shiftTitle+"” logged", "The workspace is now in the stability phase.")
	if got := b.text("read the phase", testID("phase")); got != "Stability" {
		t.Errorf("phase after the shift = %q, want Stability", got)
	}
	// The newest shift is first in the timeline, pending for the architect.
	firstItem := chromedp.CSS(`[data-testid="timeline-item"]:first-child`)
	if got := b.text("read the newest shift", firstItem+` [data-testid="shift-title"]`); got != shiftTitle {
		t.Errorf("newest shift in the timeline = %q, want %q", got, shiftTitle)
	}
	wantContains(t, "the newest shift's acknowledgement status",
		b.text("read the newest shift's status", firstItem+` [data-testid="ack-pending"]`), "Not yet acknowledged by "+demoArchitectName)
	attr := run(b, "read the new shift's id", chromedp.AttributeValue(firstItem, "data-shift-id"))
	if !attr.Exists || attr.Value == "" {
		t.Fatalf("the newest timeline item has no data-shift-id")
	}
	shiftID := attr.Value
	shiftItem := chromedp.CSS(fmt.Sprintf(`[data-testid="timeline-item"][data-shift-id="%s"]`, shiftID))

	// 2. The architect finds it on the dashboard and acknowledges it.
	switchUser(b, base, demoArchitectEmail, demoArchitectName)
	if p := b.path(); p != "/w/demo" {
		t.Errorf("the architect lands on %q, want /w/demo", p)
	}
	pending := chromedp.CSS(fmt.Sprintf(`[data-testid="my-pending"] [data-testid="pending-shift"][data-shift-id="%s"]`, shiftID))
	if got := b.text("read the pending shift on the dashboard", pending+" a"); got != shiftTitle {
		t.Errorf("pending shift on the dashboard = %q, want %q", got, shiftTitle)
	}
	wantContains(t, "the pending shift's line", b.text("read the pending shift's line", pending), "growth → stability")
	b.follow("open the pending shift", chromedp.Click(pending+" a"))
	if p := b.path(); p != "/w/demo/shifts/"+shiftID {
		t.Errorf("the pending shift's link leads to %q, want /w/demo/shifts/%s", p, shiftID)
	}
	if got := b.text("read the shift heading", testID("shift-heading")); got != shiftTitle {
		t.Errorf("shift page heading = %q, want %q", got, shiftTitle)
	}
	b.do("check nobody has acknowledged it yet", chromedp.WaitNotPresent(testID("ack")))
	ackForm := testID("ack-form")
	b.do("write the assessment",
		chromedp.WaitVisible(ackForm),
		chromedp.SendKeys(chromedp.ID("assessment-"+shiftID), assessment),
	)
	if st := b.follow("acknowledge the shift", chromedp.Click(ackForm+` button[type="submit"]`)); st != http.StatusOK {
		t.Errorf("acknowledging ended on status %d, want 200", st)
	}
	if p := b.path(); p != "/w/demo/shifts/"+shiftID {
		t.Errorf("after acknowledging the path is %q, want the shift's page", p)
	}
	if got, want := b.flash("read the flash"), "You acknowledged “"+shiftTitle+"”."; got != want {
		t.Errorf("flash after acknowledging = %q, want %q", got, want)
	}
	if got := b.text("read the acknowledgement's author", testID("ack")+" strong"); got != demoArchitectName {
		t.Errorf("acknowledgement by %q, want %q", got, demoArchitectName)
	}
	if got := b.text("read the assessment", testID("assessment")); got != assessment {
		t.Errorf("assessment shown = %q, want %q", got, assessment)
	}
	b.do("check the form and the pending note are gone",
		chromedp.WaitNotPresent(ackForm),
		chromedp.WaitNotPresent(testID("ack-pending")),
	)
	b.do("open the dashboard again",
		chromedp.Navigate(ws),
		chromedp.WaitVisible(testID("members")),
		chromedp.WaitNotPresent(pending),
	)

	// 3. The PM turns a customer pain into an epic.
	switchUser(b, base, demoPMEmail, demoPMName)
	b.do("check the PM sees the acknowledgement",
		chromedp.Navigate(ws+"/strategy"),
		chromedp.WaitVisible(shiftItem),
		chromedp.WaitNotPresent(shiftItem+` [data-testid="ack-pending"]`),
	)
	wantContains(t, "the shift's status in the PM's timeline",
		b.text("read the shift's status", shiftItem+` [data-testid="acked-by"]`), "Acknowledged by "+demoArchitectName)

	b.do("open the pains", chromedp.Navigate(ws+"/pains"), chromedp.WaitVisible(testID("pain-list")))
	firstPain := chromedp.CSS(`[data-testid="pain-item"]:first-child`)
	painAttr := run(b, "read the first pain's id", chromedp.AttributeValue(firstPain, "data-pain-id"))
	if !painAttr.Exists || painAttr.Value == "" {
		t.Fatal("the first pain item has no data-pain-id")
	}
	painID := painAttr.Value
	b.follow("open the pain", chromedp.Click(firstPain+chromedp.CSS(` a[href$="/pains/`+painID+`"]`)))
	if p := b.path(); p != "/w/demo/pains/"+painID {
		t.Errorf("the pain's link leads to %q, want /w/demo/pains/%s", p, painID)
	}
	b.do("wait for the quote", chromedp.WaitVisible(testID("pain-quote")))
	quote := strings.TrimSpace(run(b, "read the quote", chromedp.TextContent(testID("pain-quote"))))
	if quote == "" {
		t.Fatal("the pain's quote is empty")
	}
	b.follow("click “Create an epic from this pain”", chromedp.Click(testID("epic-from-pain")))
	u := parseLocation(t, run(b, "read the location", chromedp.Location()))
	if u.Path != "/w/demo/epics/new" || u.Query().Get("pain") != painID {
		t.Errorf("the create link leads to %s, want /w/demo/epics/new?pain=%s", u.RequestURI(), painID)
	}
	b.do("wait for the new-epic form",
		chromedp.WaitVisible(testID("epic-create-form")),
		chromedp.WaitVisible(testID("from-pain")),
	)
	problem := run(b, "read the prefilled problem", chromedp.Value(chromedp.ID("new-problem")))
	quoted := "> " + strings.Join(strings.Split(quote, "\n"), "\n> ")
	if !strings.HasPrefix(problem, quoted) {
		t.Errorf("prefilled problem = %q, want it to start with the quote as markdown %q", problem, quoted)
	}
	if got := run(b, "read the kind", chromedp.Value(chromedp.ID("new-kind"))); got != "product" {
		t.Errorf("a PM's new epic starts as kind %q, want product", got)
	}
	if got := run(b, "read the pain hidden field", chromedp.Value(chromedp.CSS(`[data-testid="epic-create-form"] input[name="pain"]`))); got != painID {
		t.Errorf("the form's hidden pain = %q, want %s", got, painID)
	}
	b.do("fill in the title", chromedp.SendKeys(chromedp.ID("new-title"), epicTitle))
	if st := b.follow("create the epic", chromedp.Click(chromedp.CSS(`[data-testid="epic-create-form"] button[type="submit"]`))); st != http.StatusOK {
		t.Errorf("creating the epic ended on status %d, want 200", st)
	}
	m := epicPathRE.FindStringSubmatch(b.path())
	if m == nil {
		t.Fatalf("after creating the epic the path is %q, want /w/demo/epics/{id}", b.path())
	}
	epicURL := base + m[0]
	if got, want := b.flash("read the flash"), "Epic created, with the customer pain linked."; got != want {
		t.Errorf("flash after creating the epic = %q, want %q", got, want)
	}
	if got := b.text("read the epic title", testID("epic-title")); got != epicTitle {
		t.Errorf("epic title = %q, want %q", got, epicTitle)
	}
	linked := chromedp.CSS(fmt.Sprintf(`[data-testid="epic-pain"][data-pain-id="%s"]`, painID))
	b.do("wait for the linked pain", chromedp.WaitVisible(linked))
	if got := strings.TrimSpace(run(b, "read the linked pain's quote", chromedp.TextContent(linked+" blockquote"))); got != quote {
		t.Errorf("linked pain's quote = %q, want %q", got, quote)
	}
	if got := b.text("read the product owner", testID("fact-pm-owner")); got != demoPMName {
		t.Errorf("product owner = %q, want %q", got, demoPMName)
	}

	// 4. No date without an estimate: the notice names who can estimate,
	// and committing anyway is refused with the same explanation.
	commitForm := testID("commit-form")
	commitField := chromedp.ID("commit-committed_on")
	if got := b.text("read the estimate", testID("fact-estimate")); got != "Not estimated yet" {
		t.Errorf("estimate of a new epic = %q, want %q", got, "Not estimated yet")
	}
	wantContains(t, "the no-estimate notice", b.text("read the no-estimate notice", testID("no-estimate")),
		"no estimate", demoArchitectName, demoEngineerName)
	b.do("type a date", chromedp.WaitVisible(commitForm), chromedp.SetValue(commitField, commitISO))
	if st := b.follow("commit without an estimate", chromedp.Click(commitForm+` button[type="submit"]`)); st != http.StatusUnprocessableEntity {
		t.Errorf("committing without an estimate ended on status %d, want 422", st)
	}
	refusal := b.text("read the refusal", commitForm+` [data-testid="err-committed_on"]`)
	wantContains(t, "the refusal", refusal, "No date without engineering input", "no estimate", demoArchitectName, demoEngineerName)
	if got := run(b, "read the date field", chromedp.Value(commitField)); got != commitISO {
		t.Errorf("after the refusal the date field = %q, want the typed %q", got, commitISO)
	}
	if got := run(b, "read the date field's aria-invalid", chromedp.AttributeValue(commitField, "aria-invalid")); got.Value != "true" {
		t.Errorf("after the refusal the date field's aria-invalid = %q, want true", got.Value)
	}
	if got := b.text("read the committed date", testID("fact-committed")); got != "—" {
		t.Errorf("committed date after the refusal = %q, want —", got)
	}
	b.do("check the refusal is not shown twice", chromedp.WaitNotPresent(testID("no-estimate")))

	// 5. The engineer estimates it.
	switchUser(b, base, demoEngineerEmail, demoEngineerName)
	b.do("open the epic as the engineer",
		chromedp.Navigate(epicURL),
		chromedp.WaitVisible(testID("estimate-form")),
		chromedp.WaitNotPresent(commitForm),
	)
	b.do("fill in the estimate",
		chromedp.SetValue(chromedp.ID("estimate-size"), "M"),
		chromedp.SendKeys(chromedp.ID("estimate-estimate_note"), estNote),
	)
	if st := b.follow("save the estimate", chromedp.Click(testID("estimate-form")+` button[type="submit"]`)); st != http.StatusOK {
		t.Errorf("estimating ended on status %d, want 200", st)
	}
	if got, want := b.flash("read the flash"), "Estimate saved: M."; got != want {
		t.Errorf("flash after estimating = %q, want %q", got, want)
	}
	est := b.text("read the estimate", testID("fact-estimate"))
	wantContains(t, "the estimate", est, "by "+demoEngineerName, estNote)
	if got := b.text("read the size", testID("fact-estimate")+" strong"); got != "M" {
		t.Errorf("estimated size = %q, want M", got)
	}

	// 6. The PM commits a date.
	switchUser(b, base, demoPMEmail, demoPMName)
	b.do("open the epic as the PM",
		chromedp.Navigate(epicURL),
		chromedp.WaitVisible(commitForm),
		chromedp.WaitNotPresent(testID("no-estimate")),
	)
	if got := run(b, "read the empty date field", chromedp.Value(commitField)); got != "" {
		t.Errorf("the date field of an uncommitted epic = %q, want empty", got)
	}
	b.do("pick the date", chromedp.SetValue(commitField, commitISO))
	if st := b.follow("commit to the date", chromedp.Click(commitForm+` button[type="submit"]`)); st != http.StatusOK {
		t.Errorf("committing ended on status %d, want 200", st)
	}
	if got, want := b.flash("read the flash"), "Committed to "+commitText+"."; got != want {
		t.Errorf("flash after committing = %q, want %q", got, want)
	}
	if got := b.text("read the committed date", testID("fact-committed")); got != commitText {
		t.Errorf("committed date = %q, want %q", got, commitText)
	}
	if got := run(b, "read the date field", chromedp.Value(commitField)); got != commitISO {
		t.Errorf("the date field after committing = %q, want %q", got, commitISO)
	}
	b.do("check no error is shown", chromedp.WaitNotPresent(testID("err-committed_on")))

	// 7. The PM asks the architect a question on the epic; the architect
	// replies in the thread; the PM reads the answer.
	question, answer := "Can the billing service take **twice** the load?", "Yes, after the queue split."
	b.do("write a comment", chromedp.SendKeys(chromedp.ID("comment-body"), question))
	if st := b.follow("post the comment", chromedp.Click(testID("comment-form")+` button[type="submit"]`)); st != http.StatusOK {
		t.Errorf("commenting ended on status %d, want 200", st)
	}
	if got := b.text("read the comment", testID("thread")+" "+testID("comment-text")+" strong"); got != "twice" {
		t.Errorf("the comment's markdown = %q, want twice in bold", got)
	}
	switchUser(b, base, demoArchitectEmail, demoArchitectName)
	b.do("open the epic as the architect", chromedp.Navigate(epicURL), chromedp.WaitVisible(testID("thread")))
	b.do("open the reply form", chromedp.Click(testID("thread")+` details.reply-form summary`))
	b.do("write the reply", chromedp.SendKeys(testID("reply-form")+` textarea[name="body"]`, answer))
	if st := b.follow("post the reply", chromedp.Click(testID("reply-form")+` button[type="submit"]`)); st != http.StatusOK {
		t.Errorf("replying ended on status %d, want 200", st)
	}
	switchUser(b, base, demoPMEmail, demoPMName)
	b.do("open the epic as the PM again", chromedp.Navigate(epicURL), chromedp.WaitVisible(testID("reply")))
	if got := b.text("read the reply", testID("reply")+" "+testID("comment-text")); got != answer {
		t.Errorf("the reply = %q, want %q", got, answer)
	}

	t.Logf("journey took %v", time.Since(start).Round(time.Millisecond))
}

// hideScrollbarJS hides the page's scrollbar and resolves once the page has
// been laid out again without it.
const hideScrollbarJS = `new Promise(resolve => {
	// A constructed style sheet: the app's Content-Security-Policy refuses
	// inline <style> elements but not the CSSOM.
	const sheet = new CSSStyleSheet();
	sheet.replaceSync("html { scrollbar-width: none; }");
	document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
	requestAnimationFrame(() => requestAnimationFrame(() => resolve(document.documentElement.clientWidth)));
})`

// TestScreenshots saves full-page screenshots of the main pages at a 1280px
// wide viewport to /tmp/shots (or SIGHTLINE_SHOTS_DIR). It runs only when
// SIGHTLINE_SCREENSHOTS=1, so the normal test run skips it.
func TestScreenshots(t *testing.T) {
	if os.Getenv("SIGHTLINE_SCREENSHOTS") != "1" {
		t.Skip("set SIGHTLINE_SCREENSHOTS=1 to save screenshots")
	}
	chromium := findChromium(t)
	dir := os.Getenv("SIGHTLINE_SHOTS_DIR")
	if dir == "" {
		dir = "/tmp/shots"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	base, db := startAppDB(t)
	b := newBrowser(t, chromium)
	ws := base + "/w/" + seed.DemoSlug
	b.do("set a 1280px wide viewport", chromedp.EmulateViewport(1280, 900))

	shoot := func(name string) {
		t.Helper()
		// Without a scrollbar the picture is the viewport's full 1280px.
		if w := run(b, "hide the scrollbar", chromedp.Evaluate[int](hideScrollbarJS, chromedp.EvalAwaitPromise)); w != 1280 {
			t.Errorf("%s: the page is %dpx wide without its scrollbar, want 1280", name, w)
		}
		png := run(b, "take the screenshot of "+name, chromedp.FullScreenshot(100))
		p := filepath.Join(dir, name+".png")
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("saved %s (%d bytes)", p, len(png))
	}
	page := func(name, url string, ready chromedp.CSS) {
		t.Helper()
		b.do("open "+name, chromedp.Navigate(url), chromedp.WaitVisible(ready))
		shoot(name)
	}

	signIn(b, base, demoPMEmail, demoPMName)
	page("dashboard", ws, testID("members"))
	page("strategy", ws+"/strategy", testID("timeline"))
	page("goals", ws+"/goals", testID("goals"))
	page("initiatives", ws+"/initiatives", testID("horizons"))
	page("epics", ws+"/epics", testID("epic-table"))
	b.follow("open the first epic", chromedp.Click(chromedp.CSS(`[data-testid="epic-row"]:first-child a[data-testid="epic-title"]`)))
	b.do("wait for the epic", chromedp.WaitVisible(testID("epic-facts")))
	shoot("epic")
	page("pains", ws+"/pains", testID("pain-list"))
	page("architecture", ws+"/architecture", chromedp.CSS("main svg"))
	page("concerns", ws+"/concerns", chromedp.CSS("main h1"))
	page("decisions", ws+"/decisions", chromedp.CSS("main h1"))
	page("decision", ws+"/decisions/2", chromedp.CSS("main h1"))
	page("roadmap", ws+"/roadmap", chromedp.CSS("main h1"))
	page("review", ws+"/review", chromedp.CSS("main h1"))
	page("matrix", ws+"/matrix", chromedp.CSS("main h1"))
	b.do("open the Task API", chromedp.Navigate(ws+"/architecture"), chromedp.WaitVisible(chromedp.CSS("main svg")))
	b.follow("open an item", chromedp.Click(chromedp.CSS(`main a[href$="/architecture/3"]`)))
	shoot("item")

	// A refused save and a stale one, as a person meets them.
	epic := unestimatedEpic(t, db)
	b.do("open an unestimated epic", chromedp.Navigate(ws+"/epics/"+epic), chromedp.WaitVisible(testID("commit-form")))
	b.follow("commit it without an estimate",
		chromedp.SetValue(chromedp.CSS(`[data-testid="commit-form"] input[name="committed_on"]`), "2027-03-31"),
		chromedp.Submit(chromedp.CSS(`[data-testid="commit-form"] button[type="submit"]`)))
	b.do("screenshot the first screen", chromedp.EmulateViewport(1280, 900))
	shoot("refused-commit")
	b.do("open the epic again", chromedp.Navigate(ws+"/epics/"+epic), chromedp.WaitVisible(testID("product-form")))
	if _, err := db.Pool.Exec(context.Background(), `UPDATE epics SET title = title || ' (renamed meanwhile)', version = version + 1 WHERE id = $1`, epic); err != nil {
		t.Fatal(err)
	}
	b.follow("save the stale form",
		chromedp.SetValue(chromedp.CSS(`[data-testid="product-form"] textarea[name="why_now"]`), "Because the renewal is in March."),
		chromedp.Submit(chromedp.CSS(`[data-testid="product-form"] button[type="submit"]`)))
	shoot("conflict")

	switchUser(b, base, demoOwnerEmail, demoOwnerName)
	page("settings", ws+"/settings", testID("members-table"))
}
