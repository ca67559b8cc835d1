package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/webhook"
)

// TestTokensAndWebhooksJourney: in Chromium, an owner makes a personal
// access token on the account page (shown once) that then opens the API,
// adds a generic webhook in settings pointing at a receiver inside the
// network (its address allowed), sends a test message from the webhook's
// page, and finds it delivered, signed, in the delivery log.
func TestTokensAndWebhooksJourney(t *testing.T) {
	chromium := findChromium(t)
	base := startApp(t)
	b := newBrowser(t, chromium)
	ws := base + "/w/" + seed.DemoSlug
	signIn(b, base, demoOwnerEmail, demoOwnerName)

	b.do("open the account page", chromedp.Navigate(base+"/account"), chromedp.WaitVisible(testID("token-form")))
	b.follow("create a token",
		chromedp.SendKeys(chromedp.CSS(`[data-testid="token-form"] input[name="name"]`), "CI roadmap sync"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="token-form"] select[name="workspace"]`), seed.DemoSlug),
		chromedp.SetValue(chromedp.CSS(`[data-testid="token-form"] select[name="scope"]`), "write"),
		chromedp.Submit(chromedp.CSS(`[data-testid="token-form"] button[type="submit"]`)))
	token := run(b, "read the new token", chromedp.Value(testID("new-token-value")))
	if !strings.HasPrefix(token, "slt_") {
		t.Fatalf("no token shown: %q", token)
	}
	req, _ := http.NewRequest("GET", base+"/api/v1/w/demo/epics?limit=1", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the token on the API: %v %v", res, err)
	}
	res.Body.Close()

	var mu sync.Mutex
	var got []*http.Request
	var bodies [][]byte
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, bodies = append(got, r), append(bodies, body)
		mu.Unlock()
	}))
	defer rc.Close()

	b.do("open settings", chromedp.Navigate(ws+"/settings"), chromedp.WaitVisible(testID("webhook-form")))
	b.follow("add a webhook",
		chromedp.SendKeys(chromedp.CSS(`[data-testid="webhook-form"] input[name="name"]`), "Planning bot"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="webhook-form"] select[name="kind"]`), "generic"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="webhook-form"] input[name="url"]`), rc.URL+"/sightline"),
		chromedp.Click(chromedp.CSS(`[data-testid="webhook-form"] input[name="events"][value="shift_logged"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="webhook-form"] input[name="allowed_address"]`), "127.0.0.1"),
		chromedp.Submit(chromedp.CSS(`[data-testid="webhook-form"] button[type="submit"]`)))
	if p := b.path(); !strings.HasPrefix(p, "/w/demo/settings/webhooks/") {
		t.Fatalf("after adding, the browser is on %q", p)
	}
	secret := run(b, "read the signing secret", chromedp.Value(testID("webhook-secret")))
	hook := b.path()
	b.follow("send a test message", chromedp.Click(chromedp.CSS(`form[action$="/test"] button`)))
	wantContains(t, "the flash", b.flash("read the flash"), "Test message queued")

	deadline := time.Now().Add(15 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the test message never arrived")
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	r, body := got[0], bodies[0]
	mu.Unlock()
	if r.URL.Path != "/sightline" || r.Header.Get("X-Sightline-Event") != "test" ||
		!webhook.Verify(secret, r.Header.Get("X-Sightline-Signature"), body, time.Now(), 5*time.Minute) {
		t.Errorf("the test message: %s %v, signature verifies: %v", r.URL.Path, r.Header, webhook.Verify(secret, r.Header.Get("X-Sightline-Signature"), body, time.Now(), 5*time.Minute))
	}
	for i := 0; ; i++ {
		b.do("open the delivery log", chromedp.Navigate(base+hook), chromedp.WaitVisible(testID("delivery-log")))
		state := run(b, "read the delivery's state", chromedp.AttributeValue(chromedp.CSS(`[data-testid="delivery-row"]`), "data-state")).Value
		if state == "delivered" {
			break
		}
		if i == 20 {
			t.Fatalf("the delivery log says %q", state)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
