package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/webhook"
)

func sample(event string) webhook.Event {
	return webhook.Event{ID: 7, Event: event, Workspace: "demo", WorkspaceName: "Taskly <Team> & Co", Actor: "Priya",
		Summary: "Collaborators on a to-do list", ItemType: "epic", ItemID: 1, URL: "https://sightline.example.com/w/demo/epics/1",
		At:      time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC),
		Changes: map[string]webhook.Change{"committed_on": {From: nil, To: "2027-03-31"}, "reason": {To: "p99 over 300 ms"}}}
}

func TestPrivate(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "127.8.9.10": true, "::1": true, "10.1.2.3": true, "172.16.0.1": true, "192.168.1.1": true,
		"169.254.169.254": true, "fe80::1": true, "fc00::1": true, "fd12:3456::1": true, "0.0.0.0": true, "::": true,
		"100.64.0.1": true, "224.0.0.1": true, "::ffff:127.0.0.1": true, "::ffff:10.0.0.1": true, "64:ff9b::a00:1": true,
		"2002:7f00:1::": true, "198.18.0.1": true,
		"8.8.8.8": false, "1.1.1.1": false, "2606:4700:4700::1111": false, "52.1.2.3": false,
	} {
		if got := webhook.Private(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Private(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestSignature(t *testing.T) {
	body := []byte(`{"event":"epic_ready"}`)
	now := time.Unix(1_800_000_000, 0)
	sig := webhook.Signature("s3cret", now, body)
	if !strings.HasPrefix(sig, "t=1800000000,v1=") || len(sig) != len("t=1800000000,v1=")+64 {
		t.Fatalf("signature %q", sig)
	}
	if !webhook.Verify("s3cret", sig, body, now.Add(time.Minute), 5*time.Minute) {
		t.Error("a good signature does not verify")
	}
	for name, ok := range map[string]bool{
		"other secret": webhook.Verify("other", sig, body, now, 5*time.Minute),
		"other body":   webhook.Verify("s3cret", sig, []byte(`{"event":"epic_committed"}`), now, 5*time.Minute),
		"too old":      webhook.Verify("s3cret", sig, body, now.Add(6*time.Minute), 5*time.Minute),
		"no v1":        webhook.Verify("s3cret", "t=1800000000", body, now, 5*time.Minute),
	} {
		if ok {
			t.Errorf("%s verifies", name)
		}
	}
}

// TestClientRefusesPrivateAddresses: a receiver on loopback is refused
// unless its address is the one allowed; a redirect is not followed; a
// large answer is cut.
func TestClientRefusesPrivateAddresses(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data", http.StatusFound)
			return
		}
		_, _ = io.WriteString(w, strings.Repeat("x", 1<<20))
	}))
	defer srv.Close()
	ctx := context.Background()
	_, err := webhook.NewClient(2*time.Second, "").Send(ctx, srv.URL, []byte(`{}`), http.Header{})
	if !errors.Is(err, webhook.ErrPrivate) || hits != 0 {
		t.Fatalf("loopback without an allowed address: %v, %d hits", err, hits)
	}
	// "localhost" resolves to loopback: refused when dialled, whatever the name.
	_, err = webhook.NewClient(2*time.Second, "").Send(ctx, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), []byte(`{}`), http.Header{})
	if !errors.Is(err, webhook.ErrPrivate) || hits != 0 {
		t.Fatalf("localhost: %v, %d hits", err, hits)
	}
	c := webhook.NewClient(2*time.Second, "127.0.0.1")
	res, err := c.Send(ctx, srv.URL, []byte(`{}`), http.Header{})
	if err != nil || !res.OK() || len(res.Body) > 500 {
		t.Fatalf("allowed: %+v %v", res, err)
	}
	res, err = c.Send(ctx, srv.URL+"/redirect", []byte(`{}`), http.Header{})
	if err != nil || res.Status != http.StatusFound || res.OK() {
		t.Errorf("a redirect: %+v %v", res, err)
	}
	for _, bad := range []string{"ftp://example.com/x", "https://user:pw@example.com/", "example.com/hook", "https:///x"} {
		if _, err := webhook.CheckURL(bad); err == nil {
			t.Errorf("CheckURL(%q) passes", bad)
		}
	}
}

func TestBackoff(t *testing.T) {
	if webhook.Backoff(1, 30*time.Second) != 30*time.Second || webhook.Backoff(2, 30*time.Second) != time.Minute ||
		webhook.Backoff(20, 30*time.Second) != time.Hour {
		t.Error("backoff")
	}
	total, n := time.Duration(0), 0
	for n = 1; total < 24*time.Hour; n++ {
		total += webhook.Backoff(n, 30*time.Second)
	}
	if n < 25 || n > 40 {
		t.Errorf("%d attempts in 24 h", n)
	}
}

// TestMessagesMatchTheirTools: the Slack message type-checks against
// Slack's own Block Kit types (@slack/types, compiled by tsc), and the
// Teams card parses without a single validation event in Microsoft's
// Adaptive Cards library (adaptivecards), both installed by make test
// (SIGHTLINE_NODE_TOOLS names their node_modules). Text is escaped for
// Slack's mrkdwn.
func TestMessagesMatchTheirTools(t *testing.T) {
	e := sample("epic_committed")
	slack, _ := webhook.Body(webhook.KindSlack, e)
	var sm struct {
		Blocks []struct {
			Elements []struct{ Text string } `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(slack, &sm); err != nil || len(sm.Blocks) != 2 || len(sm.Blocks[1].Elements) != 1 ||
		!strings.Contains(sm.Blocks[1].Elements[0].Text, "Taskly &lt;Team&gt; &amp; Co") {
		t.Errorf("Slack text is not escaped for mrkdwn: %s", slack)
	}
	var generic webhook.Event
	if body, _ := webhook.Body(webhook.KindGeneric, e); json.Unmarshal(body, &generic) != nil || generic.Event != "epic_committed" || generic.URL == "" {
		t.Errorf("generic body: %s", body)
	}
	tools := os.Getenv("SIGHTLINE_NODE_TOOLS")
	if tools == "" {
		t.Skip("SIGHTLINE_NODE_TOOLS is not set: make test installs typescript, @slack/types and adaptivecards and sets it")
	}
	dir := t.TempDir()
	if err := os.Symlink(tools, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	var ts, js strings.Builder
	ts.WriteString("import type { KnownBlock } from \"@slack/types\";\ntype Message = { text: string; blocks: KnownBlock[] };\n")
	js.WriteString("const AC = require(\"adaptivecards\");\nlet bad = 0;\nfunction check(name, msg) {\n" +
		"  if (msg.type !== \"message\" || msg.attachments.length !== 1 || msg.attachments[0].contentType !== \"application/vnd.microsoft.card.adaptive\") { console.log(name + \": not a Workflows message\"); bad++; return; }\n" +
		"  const card = new AC.AdaptiveCard(); const ctx = new AC.SerializationContext();\n" +
		"  card.parse(msg.attachments[0].content, ctx);\n" +
		"  for (let i = 0; i < ctx.eventCount; i++) { const ev = ctx.getEventAt(i); console.log(name + \": \" + AC.ValidationEvent[ev.event] + \" \" + ev.message); bad++; }\n" +
		"  if (card.getItemCount() < 2) { console.log(name + \": empty card\"); bad++; }\n}\n")
	for i, ev := range append(append([]string{}, webhook.Events...), "test") {
		e := sample(ev)
		s, _ := webhook.Body(webhook.KindSlack, e)
		m, _ := webhook.Body(webhook.KindTeams, e)
		ts.WriteString("export const m" + string(rune('a'+i)) + " = " + string(s) + " satisfies Message;\n")
		js.WriteString("check(" + mustJSON(ev) + ", " + string(m) + ");\n")
	}
	js.WriteString("if (bad) { process.exit(1); }\nconsole.log(\"cards ok\");\n")
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("slack.ts", ts.String())
	write("teams.js", js.String())
	tsc := exec.Command(filepath.Join(tools, ".bin", "tsc"), "--noEmit", "--strict", "--target", "es2022", "--module", "nodenext",
		"--moduleResolution", "nodenext", "--skipLibCheck", "slack.ts")
	tsc.Dir = dir
	if out, err := tsc.CombinedOutput(); err != nil {
		t.Errorf("the Slack messages do not type-check against @slack/types: %v\n%s", err, out)
	}
	node := exec.Command("node", "teams.js")
	node.Dir = dir
	if out, err := node.CombinedOutput(); err != nil || !strings.Contains(string(out), "cards ok") {
		t.Errorf("the Teams cards do not parse cleanly in adaptivecards: %v\n%s", err, out)
	}
	// The checks can fail: a block of a type Slack has not, a card element
	// the library does not know.
	write("bad.ts", "import type { KnownBlock } from \"@slack/types\";\nexport const b = { text: \"x\", blocks: [{ type: \"sektion\", text: { type: \"mrkdwn\", text: \"x\" } }] } satisfies { text: string; blocks: KnownBlock[] };\n")
	bad := exec.Command(filepath.Join(tools, ".bin", "tsc"), "--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext", "--moduleResolution", "nodenext", "bad.ts")
	bad.Dir = dir
	if err := bad.Run(); err == nil {
		t.Error("tsc accepts a block of an unknown type: the check proves nothing")
	}
	head, _, _ := strings.Cut(js.String(), "}\ncheck(")
	write("bad.js", head+"}\n"+`check("bad", {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": {"type": "AdaptiveCard", "version": "1.4", "body": [{"type": "TextBlok", "text": "x"}, {"type": "TextBlock", "text": "y"}]}}]});
if (bad) { process.exit(1); }
`)
	badNode := exec.Command("node", "bad.js")
	badNode.Dir = dir
	if err := badNode.Run(); err == nil {
		t.Error("adaptivecards accepts an element of an unknown type: the check proves nothing")
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
