package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	gmtext "github.com/yuin/goldmark/text"

	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/sightline"
)

// TestLLMsText: /w/{ws}/llms.txt is llmstxt.org markdown, read back by a
// real markdown parser: an H1 with the workspace's name, a blockquote
// summary, then H2 sections of link lists into the workspace; the same
// with a token at /api/v1/w/{ws}/llms.txt; a non-member gets 404; a
// fixed number of queries whatever the size, each list bounded.
func TestLLMsText(t *testing.T) {
	app := newCountingApp(t)
	viewer := app.signIn("viewer@example.com")
	res := viewer.get("/w/demo/llms.txt")
	wantStatus(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/markdown") {
		t.Errorf("Content-Type %q", ct)
	}
	src := []byte(res.body)
	var name string
	if err := app.db.Pool.QueryRow(t.Context(), `SELECT name FROM workspaces WHERE slug = 'demo'`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	doc := goldmark.New().Parser().Parse(gmtext.NewReader(src))
	first := doc.FirstChild()
	if h, ok := first.(*ast.Heading); !ok || h.Level != 1 || string(h.Lines().Value(src)) != name {
		t.Fatalf("the first block is not an H1 with the name: %T", first)
	}
	if _, ok := first.NextSibling().(*ast.Blockquote); !ok {
		t.Errorf("the second block is not the blockquote summary: %T", first.NextSibling())
	}
	var sections []string
	links := 0
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok && h.Level == 2 {
			sections = append(sections, string(h.Lines().Value(src)))
		}
		if l, ok := n.(*ast.List); ok {
			for item := l.FirstChild(); item != nil; item = item.NextSibling() {
				found := false
				_ = ast.Walk(item, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
					if link, ok := c.(*ast.Link); ok && entering {
						found = true
						if d := string(link.Destination); !strings.HasPrefix(d, "/w/demo") && !strings.HasPrefix(d, "/api/") && d != "/mcp" {
							t.Errorf("a link out of the workspace: %s", d)
						}
					}
					return ast.WalkContinue, nil
				})
				if !found {
					t.Errorf("a list item without a link")
				}
				links++
			}
		}
	}
	if strings.Join(sections, ",") != "Strategy,Roadmap,Epics,Architecture,Decisions,Optional" {
		t.Errorf("sections %v", sections)
	}
	if links < 20 {
		t.Errorf("only %d links", links)
	}

	token := app.api(app.newToken("viewer@example.com", seed.DemoSlug, sightline.ScopeRead))
	if got := token.call("GET", "/api/v1/w/demo/llms.txt", nil); got.StatusCode != http.StatusOK || got.body != res.body {
		t.Errorf("with a token: %d, same text %v", got.StatusCode, got.body == res.body)
	}
	app.otherWorkspace("globex", "Globex", "ceo@globex.example", "Gail")
	if got := app.signIn("ceo@globex.example").get("/w/demo/llms.txt"); got.StatusCode != http.StatusNotFound {
		t.Errorf("a non-member: %d", got.StatusCode)
	}

	// Bounded: more rows, the same queries, each list capped with a "more" link.
	small := app.queriesPerGET(viewer, "/w/demo/llms.txt")
	ws := app.demoID()
	app.exec(`INSERT INTO epics (workspace_id, kind, title, problem) SELECT $1, 'product', 'Bulk epic ' || g, 'p' FROM generate_series(1, 60) g`, ws)
	app.exec(`INSERT INTO decisions (workspace_id, number, title) SELECT $1, 1000 + g, 'Bulk decision ' || g FROM generate_series(1, 60) g`, ws)
	if got := app.queriesPerGET(viewer, "/w/demo/llms.txt"); got != small {
		t.Errorf("%d queries with 120 more rows, %d before", got, small)
	}
	body := viewer.get("/w/demo/llms.txt").body
	if n := strings.Count(body, "Bulk epic"); n > 30 {
		t.Errorf("%d bulk epics listed", n)
	}
	if !strings.Contains(body, fmt.Sprintf("more](%s)", "/w/demo/epics")) {
		t.Error("no link to the rest of the epics")
	}
}
