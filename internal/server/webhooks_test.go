package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/server"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/internal/webhook"
)

// receiver is a local webhook receiver: it records what it is sent and
// answers with the status fail gives (200 when nil).
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	got  []received
	fail func(n int, r received) int
}

type received struct {
	header http.Header
	body   []byte
	path   string
}

func newReceiver(t *testing.T, fail func(n int, r received) int) *receiver {
	rc := &receiver{fail: fail}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got := received{header: r.Header.Clone(), body: b, path: r.URL.Path}
		rc.mu.Lock()
		rc.got = append(rc.got, got)
		n := len(rc.got)
		rc.mu.Unlock()
		status := http.StatusOK
		if rc.fail != nil {
			status = rc.fail(n, got)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) all() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// waitFor polls until cond holds (the worker runs on its own).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func fastHooks(c *server.Config) {
	c.WebhookPoll, c.WebhookBackoff, c.WebhookPauseAfter, c.WebhookTimeout = 10*time.Millisecond, 20*time.Millisecond, 3, 2*time.Second
	c.APIRatePerMinute = 1 << 20
	c.WebhookResolve = func(_ context.Context, host string) ([]netip.Addr, error) {
		if host == "hooks.example.com" {
			return []netip.Addr{netip.MustParseAddr("203.0.113.7")}, nil
		}
		return nil, fmt.Errorf("no such host %s", host)
	}
}

// TestWebhooks: an owner adds a generic webhook (a private address is
// refused until allowed), a change made on a page is delivered signed;
// Slack and Teams get their shapes; a 500 is retried until delivered; a
// receiver that keeps failing gets its webhook paused and the owner sees
// why; an address that turns private when dialled is never reached.
func TestWebhooks(t *testing.T) {
	app := newTestApp(t, fastHooks)
	owner := app.signIn("owner@example.com")
	generic := newReceiver(t, nil)

	form := url.Values{"name": {"Planning bot"}, "kind": {"generic"}, "url": {generic.URL + "/hook"}, "events": {"shift_logged", "blocking_impact"}}
	res := owner.post("/w/demo/settings/webhooks", form)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	if msg := fieldMessageOf(d, "url"); !strings.Contains(msg, "private, loopback or link-local") {
		t.Errorf("a loopback receiver without an allowed address: %q", msg)
	}
	if v := d.Find("[data-testid=webhook-form] [name=name]").AttrOr("value", ""); v != "Planning bot" {
		t.Errorf("the name typed is gone: %q", v)
	}
	if d.Find("[data-testid=webhook-form] input[name=events][value=blocking_impact]").AttrOr("checked", "no") == "no" {
		t.Error("the events chosen are gone")
	}
	bad := owner.post("/w/demo/settings/webhooks", url.Values{"name": {""}, "kind": {"fax"}, "url": {"ftp://x"}, "allowed_address": {"ten"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	bd := bad.doc(t)
	for _, f := range []string{"name", "kind", "url", "allowed_address"} {
		if fieldMessageOf(bd, f) == "" {
			t.Errorf("no message next to %s", f)
		}
	}
	if !strings.Contains(bd.Find("fieldset.field-error").Text(), "Choose at least one event") {
		t.Error("no message in the events fieldset")
	}
	// The database holds the events rule too.
	if _, err := app.db.Pool.Exec(context.Background(), `INSERT INTO webhooks (workspace_id, kind, name, url, events) VALUES ($1, 'slack', 'x', 'https://hooks.example.com/x', '{fax_sent}')`, app.demoID()); err == nil {
		t.Error("the database takes a webhook for an event that does not exist")
	}
	form.Set("allowed_address", "127.0.0.1")
	res = owner.post("/w/demo/settings/webhooks", form)
	wantStatus(t, res, http.StatusSeeOther)
	hookPage := res.Header.Get("Location")
	secret := owner.get(hookPage).doc(t).Find("[data-testid=webhook-secret]").AttrOr("value", "")
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("no signing secret on the webhook's page: %q", secret)
	}

	// A shift logged on the strategy page reaches the receiver, signed.
	pm := app.signIn("pm@example.com")
	wantRedirect(t, pm.post("/w/demo/shifts", url.Values{"title": {"Enterprise push"}, "narrative": {"Big accounts first."},
		"from_phase": {"growth"}, "to_phase": {"profitability"}, "shifted_on": {"2026-11-20"}}), "/w/demo/strategy")
	waitFor(t, "the shift's delivery", func() bool { return len(generic.all()) == 1 })
	got := generic.all()[0]
	if got.path != "/hook" || got.header.Get("X-Sightline-Event") != "shift_logged" || got.header.Get("X-Sightline-Delivery") == "" {
		t.Errorf("delivery headers: %v %v", got.path, got.header)
	}
	if !webhook.Verify(secret, got.header.Get("X-Sightline-Signature"), got.body, time.Now(), 5*time.Minute) {
		t.Error("the signature does not verify with the webhook's secret")
	}
	var ev webhook.Event
	if err := json.Unmarshal(got.body, &ev); err != nil || ev.Event != "shift_logged" || ev.Summary == "" || !strings.Contains(ev.URL, "/w/demo/shifts/") || ev.Actor == "" {
		t.Errorf("the event: %+v %v", ev, err)
	}
	// Events not chosen are not sent: an epic edit, a comment.
	wantStatus(t, app.api(app.newToken("pm@example.com", seed.DemoSlug, sightline.ScopeWrite)).call("POST", "/api/v1/w/demo/pains",
		map[string]any{"quote": "Not a webhook event", "source": "support", "severity": 2, "frequency": "weekly"}), http.StatusCreated)

	// Slack and Teams, on a blocking impact; Slack fails twice first.
	slackGot := newReceiver(t, func(n int, _ received) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	teamsGot := newReceiver(t, nil)
	for kind, rc := range map[string]*receiver{"slack": slackGot, "teams": teamsGot} {
		wantStatus(t, owner.post("/w/demo/settings/webhooks", url.Values{"name": {kind}, "kind": {kind}, "url": {rc.URL},
			"events": {"blocking_impact"}, "allowed_address": {"127.0.0.1"}}), http.StatusSeeOther)
	}
	arch := app.api(app.newToken("architect@example.com", seed.DemoSlug, sightline.ScopeWrite))
	epic := app.id(`SELECT min(id) FROM epics WHERE workspace_id = $1`, app.demoID())
	wantStatus(t, arch.call("POST", fmt.Sprintf("/api/v1/w/demo/epics/%d/impacts", epic), map[string]any{"category": "cost", "level": "blocking", "note": "Doubles the bill"}), http.StatusCreated)
	waitFor(t, "Slack's third attempt", func() bool { return len(slackGot.all()) == 3 })
	waitFor(t, "Teams' delivery", func() bool { return len(teamsGot.all()) == 1 })
	waitFor(t, "the generic hook's second event", func() bool { return len(generic.all()) == 2 })
	var slack struct {
		Text   string           `json:"text"`
		Blocks []map[string]any `json:"blocks"`
	}
	if err := json.Unmarshal(slackGot.all()[2].body, &slack); err != nil || !strings.Contains(slack.Text, "blocking NFR impact") || len(slack.Blocks) == 0 {
		t.Errorf("Slack message: %s", slackGot.all()[2].body)
	}
	if ids := []string{slackGot.all()[0].header.Get("X-Sightline-Delivery"), slackGot.all()[2].header.Get("X-Sightline-Delivery")}; ids[0] != ids[1] {
		t.Errorf("a retry has another delivery id: %v", ids)
	}
	var teams struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string         `json:"contentType"`
			Content     map[string]any `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(teamsGot.all()[0].body, &teams); err != nil || teams.Type != "message" || len(teams.Attachments) != 1 ||
		teams.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" || teams.Attachments[0].Content["type"] != "AdaptiveCard" {
		t.Errorf("Teams message: %s", teamsGot.all()[0].body)
	}
	slackID := app.id(`SELECT id FROM webhooks WHERE name = 'slack'`)
	waitFor(t, "Slack's delivery recorded", func() bool {
		return app.id(`SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1 AND state = 'delivered' AND attempts = 3 AND last_status = 200`, slackID) == 1
	})
	logPage := owner.get(fmt.Sprintf("/w/demo/settings/webhooks/%d", slackID))
	wantStatus(t, logPage, http.StatusOK)
	if row := logPage.doc(t).Find("[data-testid=delivery-row]").First(); row.AttrOr("data-state", "") != "delivered" || !strings.Contains(row.Text(), "HTTP 200") {
		t.Errorf("the delivery log: %q", row.Text())
	}

	// A receiver that keeps failing: paused after 3 attempts, and the owner is told.
	broken := newReceiver(t, func(int, received) int { return http.StatusBadGateway })
	wantStatus(t, owner.post("/w/demo/settings/webhooks", url.Values{"name": {"Broken"}, "kind": {"generic"}, "url": {broken.URL},
		"events": {"shift_logged"}, "allowed_address": {"127.0.0.1"}}), http.StatusSeeOther)
	brokenID := app.id(`SELECT id FROM webhooks WHERE name = 'Broken'`)
	wantRedirect(t, owner.post(fmt.Sprintf("/w/demo/settings/webhooks/%d/test", brokenID), nil), fmt.Sprintf("/w/demo/settings/webhooks/%d", brokenID))
	waitFor(t, "the pause", func() bool {
		return app.id(`SELECT count(*) FROM webhooks WHERE id = $1 AND paused_at IS NOT NULL`, brokenID) == 1
	})
	if n := len(broken.all()); n != 3 {
		t.Errorf("%d attempts before the pause, want 3", n)
	}
	settings := owner.get("/w/demo/settings").doc(t)
	if msg := text(t, settings, "[data-testid=webhook-paused]"); !strings.Contains(msg, "Broken") || !strings.Contains(msg, "HTTP 502") {
		t.Errorf("the owner is not told why: %q", msg)
	}
	if app.id(`SELECT count(*) FROM activity WHERE verb = 'webhook.paused' AND item_id = $1`, brokenID) != 1 {
		t.Error("the pause is not in the activity log")
	}
	// Nothing more is sent while paused; resuming sends what is owed.
	wantRedirect(t, pm.post("/w/demo/shifts", url.Values{"title": {"Back to growth"}, "narrative": {"n"}, "from_phase": {"profitability"},
		"to_phase": {"growth"}, "shifted_on": {"2026-11-25"}}), "/w/demo/strategy")
	time.Sleep(100 * time.Millisecond)
	if n := len(broken.all()); n != 3 {
		t.Errorf("a paused webhook was sent %d requests", n)
	}
	if app.id(`SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1 AND event = 'shift_logged' AND state = 'pending'`, brokenID) != 1 {
		t.Error("the shift logged during the pause is not owed")
	}
	// Resumed from its page: what is owed goes out.
	version := app.id(`SELECT version FROM webhooks WHERE id = $1`, brokenID)
	wantRedirect(t, owner.post(fmt.Sprintf("/w/demo/settings/webhooks/%d/pause", brokenID), url.Values{"paused": {"false"}, "version": {fmt.Sprint(version)}}), "/w/demo/settings")
	waitFor(t, "the owed delivery after the resume", func() bool {
		for _, r := range broken.all() {
			if r.header.Get("X-Sightline-Event") == "shift_logged" {
				return true
			}
		}
		return false
	})
	// A stale form changes nothing.
	res = owner.post(fmt.Sprintf("/w/demo/settings/webhooks/%d/delete", brokenID), url.Values{"version": {fmt.Sprint(version)}})
	wantRedirect(t, res, fmt.Sprintf("/w/demo/settings/webhooks/%d", brokenID))
	if app.id(`SELECT count(*) FROM webhooks WHERE id = $1`, brokenID) != 1 {
		t.Error("a stale delete removed the webhook")
	}

	// An address that is private when dialled (the row says loopback, no
	// address allowed, as after a DNS change): never reached.
	sneaky := newReceiver(t, nil)
	app.exec(`INSERT INTO webhooks (workspace_id, kind, name, url, events) VALUES ($1, 'generic', 'Sneaky', $2, '{shift_logged}')`, app.demoID(), sneaky.URL)
	sneakyID := app.id(`SELECT id FROM webhooks WHERE name = 'Sneaky'`)
	app.exec(`INSERT INTO webhook_deliveries (webhook_id, workspace_id, event, payload) VALUES ($1, $2, 'test', '{}')`, sneakyID, app.demoID())
	waitFor(t, "the refusal", func() bool {
		return app.id(`SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1 AND attempts > 0 AND last_error LIKE 'refused:%'`, sneakyID) == 1
	})
	if len(sneaky.all()) != 0 {
		t.Error("a loopback address was reached without being allowed")
	}

	// Owed for more than a day (say, paused meanwhile): given up, not sent.
	genericID := app.id(`SELECT id FROM webhooks WHERE name = 'Planning bot'`)
	before := len(generic.all())
	app.exec(`INSERT INTO webhook_deliveries (webhook_id, workspace_id, event, payload, created_at) VALUES ($1, $2, 'test', '{}', now() - interval '25 hours')`, genericID, app.demoID())
	waitFor(t, "the stale delivery given up", func() bool {
		return app.id(`SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1 AND state = 'failed' AND last_error LIKE 'Given up%'`, genericID) == 1
	})
	if len(generic.all()) != before {
		t.Error("a delivery older than a day was sent")
	}
}

// TestWebhooksTwoInstances: two servers on one database, each with its
// worker: every delivery reaches the receiver exactly once.
func TestWebhooksTwoInstances(t *testing.T) {
	app := newTestApp(t, fastHooks)
	other := newTestAppOn(t, app.db, fastHooks)
	_ = other
	var mu sync.Mutex
	seen := map[string]int{}
	rc := newReceiver(t, func(_ int, r received) int {
		time.Sleep(3 * time.Millisecond) // long enough for both workers to be busy at once
		mu.Lock()
		seen[r.header.Get("X-Sightline-Delivery")]++
		mu.Unlock()
		return http.StatusOK
	})
	owner := app.signIn("owner@example.com")
	wantStatus(t, owner.post("/w/demo/settings/webhooks", url.Values{"name": {"Both"}, "kind": {"generic"}, "url": {rc.URL},
		"events": {"blocking_impact"}, "allowed_address": {"127.0.0.1"}}), http.StatusSeeOther)
	hookID := app.id(`SELECT id FROM webhooks WHERE name = 'Both'`)
	const n = 60
	app.exec(`INSERT INTO webhook_deliveries (webhook_id, workspace_id, event, payload)
		SELECT $1, $2, 'test', '{"workspace": "demo", "summary": "x"}' FROM generate_series(1, $3)`, hookID, app.demoID(), n)
	waitFor(t, "every delivery", func() bool {
		return app.id(`SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1 AND state = 'delivered'`, hookID) == n
	})
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != n {
		t.Errorf("%d distinct deliveries received, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("delivery %s received %d times", id, c)
		}
	}
}
