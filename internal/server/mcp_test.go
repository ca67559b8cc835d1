package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/sightline"
)

type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// mcpSession connects the official SDK's client to /mcp with a token.
func (a *testApp) mcpSession(token string) *mcp.ClientSession {
	a.t.Helper()
	c := mcp.NewClient(&mcp.Implementation{Name: "test-agent", Version: "1"}, nil)
	cs, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: a.ts.URL + "/mcp",
		HTTPClient: &http.Client{Transport: bearer{token}}, MaxRetries: -1}, nil)
	if err != nil {
		a.t.Fatalf("connect: %v", err)
	}
	a.t.Cleanup(func() { _ = cs.Close() })
	return cs
}

// callTool calls a tool and returns its structured answer and error text.
func callTool(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) (map[string]any, string) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if res.IsError {
		var msg []string
		for _, c := range res.Content {
			if tc, ok := c.(*mcp.TextContent); ok {
				msg = append(msg, tc.Text)
			}
		}
		return nil, strings.Join(msg, " ")
	}
	var out map[string]any
	raw, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: structured content %s", name, raw)
	}
	return out, ""
}

// TestMCP: an assistant connects with the official SDK's client and a
// token; reads the epic behind a change with its context, the
// architecture, the roadmap, the risks and the decision log; writes only
// what its owner's role and the token's scope allow; sees nothing of
// another workspace; and reads the vision and llms.txt as resources.
func TestMCP(t *testing.T) {
	app := newTestApp(t)
	ws := app.demoID()
	pm := app.mcpSession(app.newToken("pm@example.com", seed.DemoSlug, sightline.ScopeWrite))

	tools, err := pm.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range tools.Tools {
		names = append(names, tl.Name)
		if tl.Description == "" || tl.InputSchema == nil {
			t.Errorf("tool %s: no description or input schema", tl.Name)
		}
	}
	for _, want := range []string{"search", "get_epic", "get_architecture", "get_roadmap", "get_review_risks", "list_decisions", "get_decision", "add_pain_note", "propose_decision", "add_comment"} {
		if !slices.Contains(names, want) {
			t.Errorf("no tool %s in %v", want, names)
		}
	}

	out, msg := callTool(t, pm, "search", map[string]any{"query": "collaborators"})
	if msg != "" || len(out["hits"].([]any)) == 0 {
		t.Fatalf("search: %v %s", out, msg)
	}
	if _, msg := callTool(t, pm, "search", map[string]any{"query": ""}); !strings.Contains(msg, "Type what to look for") {
		t.Errorf("an empty search: %q", msg)
	}
	if _, msg := callTool(t, pm, "search", map[string]any{"query": "late\x00ncy"}); msg == "" || strings.Contains(msg, "on our side") {
		t.Errorf("a NUL in a search: %q, want the field's problem", msg)
	}

	epic := app.id(`SELECT min(e.id) FROM epics e WHERE workspace_id = $1 AND EXISTS (SELECT 1 FROM nfr_impacts i WHERE i.epic_id = e.id)
		AND EXISTS (SELECT 1 FROM epic_pains p WHERE p.epic_id = e.id)`, ws)
	out, msg = callTool(t, pm, "get_epic", map[string]any{"epic_id": epic})
	if msg != "" {
		t.Fatal(msg)
	}
	for _, k := range []string{"pains", "impacts", "architecture_links", "decisions", "roadmap_items"} {
		if _, ok := out[k].([]any); !ok {
			t.Errorf("get_epic: no %s list", k)
		}
	}
	if len(out["pains"].([]any)) == 0 || len(out["impacts"].([]any)) == 0 {
		t.Errorf("get_epic: the epic's pain or impacts missing: %v", out)
	}
	out, _ = callTool(t, pm, "get_architecture", nil)
	if len(out["items"].([]any)) == 0 || len(out["relations"].([]any)) == 0 {
		t.Errorf("get_architecture: %v", out)
	}
	system := app.id(`SELECT min(id) FROM arch_items WHERE workspace_id = $1 AND kind = 'system'`, ws)
	sub, _ := callTool(t, pm, "get_architecture", map[string]any{"root_id": system})
	if n := len(sub["items"].([]any)); n == 0 || n >= len(out["items"].([]any)) {
		t.Errorf("a system's subtree has %d of %d items", n, len(out["items"].([]any)))
	}
	for _, tool := range []string{"get_roadmap", "get_review_risks", "list_decisions"} {
		if _, msg := callTool(t, pm, tool, nil); msg != "" {
			t.Errorf("%s: %s", tool, msg)
		}
	}
	number := app.id(`SELECT min(number) FROM decisions WHERE workspace_id = $1`, ws)
	if out, msg := callTool(t, pm, "get_decision", map[string]any{"number": number}); msg != "" || out["decision"] == nil {
		t.Errorf("get_decision: %v %s", out, msg)
	}

	// Writes: a PM notes a pain and links it; a bad one says which field.
	out, msg = callTool(t, pm, "add_pain_note", map[string]any{"quote": "Sharing a list takes five clicks", "customer": "Acme", "source": "support",
		"severity": 4, "frequency": "weekly", "epic_id": epic})
	if msg != "" || out["url"] == nil {
		t.Fatalf("add_pain_note: %v %s", out, msg)
	}
	if n := app.id(`SELECT count(*) FROM pain_notes p JOIN epic_pains l ON l.pain_id = p.id WHERE p.workspace_id = $1 AND l.epic_id = $2 AND p.quote = 'Sharing a list takes five clicks'`, ws, epic); n != 1 {
		t.Errorf("the noted pain, linked: %d", n)
	}
	if _, msg := callTool(t, pm, "add_pain_note", map[string]any{"quote": "x", "source": "support", "severity": 9, "frequency": "weekly"}); !strings.Contains(msg, "severity") {
		t.Errorf("a bad severity: %q", msg)
	}
	if _, msg := callTool(t, pm, "add_comment", map[string]any{"target_type": "epic", "target_id": epic, "body": "Agent: this needs the index from ADR-1"}); msg != "" {
		t.Error(msg)
	}

	// An architect proposes a decision; a viewer may not; a read token may not write.
	arch := app.mcpSession(app.newToken("architect@example.com", seed.DemoSlug, sightline.ScopeWrite))
	out, msg = callTool(t, arch, "propose_decision", map[string]any{"title": "Index list shares", "context": "Sharing is slow."})
	if msg != "" || out["status"] != "proposed" {
		t.Errorf("propose: %v %s", out, msg)
	}
	viewer := app.mcpSession(app.newToken("viewer@example.com", seed.DemoSlug, sightline.ScopeWrite))
	if _, msg := callTool(t, viewer, "propose_decision", map[string]any{"title": "x", "context": "y"}); !strings.Contains(msg, "role") {
		t.Errorf("a viewer proposing: %q", msg)
	}
	reader := app.mcpSession(app.newToken("pm@example.com", seed.DemoSlug, sightline.ScopeRead))
	if _, msg := callTool(t, reader, "add_pain_note", map[string]any{"quote": "x", "source": "support", "severity": 3, "frequency": "weekly"}); !strings.Contains(msg, "only read") {
		t.Errorf("a read token writing: %q", msg)
	}
	if _, msg := callTool(t, reader, "get_epic", map[string]any{"epic_id": epic}); msg != "" {
		t.Errorf("a read token reading: %s", msg)
	}

	// Another workspace's token sees its own workspace only.
	app.otherWorkspace("globex", "Globex", "ceo@globex.example", "Gail")
	globex := app.mcpSession(app.newToken("ceo@globex.example", "globex", sightline.ScopeWrite))
	if out, _ := callTool(t, globex, "search", map[string]any{"query": "collaborators"}); len(out["hits"].([]any)) != 0 {
		t.Errorf("another workspace's token finds demo's epics: %v", out["hits"])
	}
	if _, msg := callTool(t, globex, "get_epic", map[string]any{"epic_id": epic}); msg == "" {
		t.Error("another workspace's token reads a demo epic")
	}

	// Resources.
	res, err := pm.ReadResource(context.Background(), &mcp.ReadResourceParams{URI: "sightline://workspace/vision"})
	if err != nil || len(res.Contents) != 1 || !strings.Contains(res.Contents[0].Text, "Phase:") {
		t.Errorf("vision: %v %v", res, err)
	}
	res, err = pm.ReadResource(context.Background(), &mcp.ReadResourceParams{URI: "sightline://workspace/llms.txt"})
	if err != nil || !strings.HasPrefix(res.Contents[0].Text, "# ") {
		t.Errorf("llms.txt: %v %v", res, err)
	}

	// No token: refused before any MCP.
	req, _ := http.NewRequest("POST", app.ts.URL+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	req.Header.Set("Content-Type", "application/json")
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token: %d", r.StatusCode)
	}
}
