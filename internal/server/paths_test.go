package server_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
)

// TestPathsMatchTheRouteTable walks every URL builder of internal/paths and
// checks that what it builds is served by a route of the route table (with
// the method the pages use it with), and that every route of the table is
// built by some builder: a renamed route or a mistyped builder fails here,
// not as a broken link in a browser.
func TestPathsMatchTheRouteTable(t *testing.T) {
	app := newTestApp(t)
	const ws = "acme"
	filter := paths.Values(url.Values{"status": {"proposed"}})
	type use struct {
		method, url string
	}
	get := func(u string) []use { return []use{{"GET", u}} }
	post := func(u string) []use { return []use{{"POST", u}} }
	both := func(u string) []use { return []use{{"GET", u}, {"POST", u}} }
	builders := map[string][]use{
		"Home":                  get(paths.Home()),
		"Login":                 both(paths.Login()),
		"Logout":                post(paths.Logout()),
		"Setup":                 both(paths.Setup()),
		"Account":               get(paths.Account()),
		"AccountPassword":       post(paths.AccountPassword()),
		"AccountTokens":         post(paths.AccountTokens()),
		"AccountTokenRevoke":    post(paths.AccountTokenRevoke(7)),
		"SettingsTokenRevoke":   post(paths.SettingsTokenRevoke(ws, 7)),
		"APIDocs":               get(paths.APIDocs()),
		"OpenAPI":               get(paths.OpenAPI()),
		"MCP":                   []use{{"GET", paths.MCP()}, {"POST", paths.MCP()}, {"DELETE", paths.MCP()}},
		"LLMsText":              get(paths.LLMsText(ws)),
		"SettingsWebhooks":      post(paths.SettingsWebhooks(ws)),
		"SettingsWebhook":       get(paths.SettingsWebhook(ws, 7)),
		"SettingsWebhookTest":   post(paths.SettingsWebhookTest(ws, 7)),
		"SettingsWebhookPause":  post(paths.SettingsWebhookPause(ws, 7)),
		"SettingsWebhookDelete": post(paths.SettingsWebhookDelete(ws, 7)),
		"Invite":                both(paths.Invite("tok_en-1")),
		"Workspace":             get(paths.Workspace(ws)),
		"Settings":              get(paths.Settings(ws)),
		"SettingsWorkspace":     post(paths.SettingsWorkspace(ws)),
		"MemberRole":            post(paths.MemberRole(ws, 7)),
		"MemberRemove":          post(paths.MemberRemove(ws, 7)),
		"Invitations":           post(paths.Invitations(ws)),
		"InvitationRevoke":      post(paths.InvitationRevoke(ws, 7)),
		"Strategy":              get(paths.Strategy(ws)),
		"StrategyVision":        post(paths.StrategyVision(ws)),
		"StrategyPressures":     post(paths.StrategyPressures(ws)),
		"Shifts":                post(paths.Shifts(ws)),
		"Shift":                 both(paths.Shift(ws, 7)),
		"ShiftAck":              post(paths.ShiftAck(ws, 7)),
		"Goals":                 both(paths.Goals(ws)),
		"Goal":                  both(paths.Goal(ws, 7)),
		"Initiatives":           both(paths.Initiatives(ws)),
		"Initiative":            both(paths.Initiative(ws, 7)),
		"InitiativeRevalidate":  post(paths.InitiativeRevalidate(ws, 7)),
		"Epics":                 append(both(paths.Epics(ws)), get(paths.Epics(ws, filter))...),
		"EpicNew":               append(get(paths.EpicNew(ws)), get(paths.EpicNew(ws, paths.Values(url.Values{"pain": {"3"}})))...),
		"Epic":                  both(paths.Epic(ws, 7)),
		"EpicTechnical":         post(paths.EpicTechnical(ws, 7)),
		"EpicStatus":            post(paths.EpicStatus(ws, 7)),
		"EpicEstimate":          post(paths.EpicEstimate(ws, 7)),
		"EpicCommit":            post(paths.EpicCommit(ws, 7)),
		"EpicFeasibility":       post(paths.EpicFeasibility(ws, 7)),
		"EpicPains":             post(paths.EpicPains(ws, 7)),
		"EpicPainUnlink":        post(paths.EpicPainUnlink(ws, 7, 8)),
		"EpicImpacts":           post(paths.EpicImpacts(ws, 7)),
		"EpicImpact":            post(paths.EpicImpact(ws, 7, 8)),
		"EpicImpactDelete":      post(paths.EpicImpactDelete(ws, 7, 8)),
		"EpicLinks":             post(paths.EpicLinks(ws, 7)),
		"EpicRoadmap":           post(paths.EpicRoadmap(ws, 7)),
		"Pains":                 append(both(paths.Pains(ws)), get(paths.Pains(ws, filter))...),
		"Pain":                  both(paths.Pain(ws, 7)),
		"PainEpics":             post(paths.PainEpics(ws, 7)),
		"Architecture":          append(both(paths.Architecture(ws)), get(paths.Architecture(ws, filter))...),
		"ArchItem":              both(paths.ArchItem(ws, 7)),
		"ArchItemRelations":     post(paths.ArchItemRelations(ws, 7)),
		"RelationDelete":        post(paths.RelationDelete(ws, 7, 8)),
		"ArchItemLinks":         post(paths.ArchItemLinks(ws, 7)),
		"ArchLink":              post(paths.ArchLink(ws, 7)),
		"ArchLinkDelete":        post(paths.ArchLinkDelete(ws, 7)),
		"Concerns":              append(both(paths.Concerns(ws)), get(paths.Concerns(ws, filter))...),
		"Concern":               both(paths.Concern(ws, 7)),
		"ConcernItems":          post(paths.ConcernItems(ws, 7)),
		"ConcernItemDetach":     post(paths.ConcernItemDetach(ws, 7, 8)),
		"Roadmap":               append(both(paths.Roadmap(ws)), get(paths.Roadmap(ws, filter))...),
		"RoadmapItem":           both(paths.RoadmapItem(ws, 7)),
		"RoadmapItemEpics":      post(paths.RoadmapItemEpics(ws, 7)),
		"RoadmapEpicUnlink":     post(paths.RoadmapEpicUnlink(ws, 7, 8)),
		"Decisions":             append(both(paths.Decisions(ws)), get(paths.Decisions(ws, filter))...),
		"Decision":              both(paths.Decision(ws, 7)),
		"DecisionADR":           get(paths.DecisionADR(ws, 7)),
		"DecisionSupersede":     post(paths.DecisionSupersede(ws, 7)),
		"DecisionStance":        post(paths.DecisionStance(ws, 7)),
		"DecisionLinks":         post(paths.DecisionLinks(ws, 7)),
		"DecisionUnlink":        post(paths.DecisionUnlink(ws, 7, sightline.TargetEpic, 8)),
		"Review":                append(get(paths.Review(ws)), get(paths.Review(ws, filter))...),
		"ReviewCSV":             append(get(paths.ReviewCSV(ws)), get(paths.ReviewCSV(ws, filter))...),
		"ReviewMark":            post(paths.ReviewMark(ws)),
		"Matrix":                append(get(paths.Matrix(ws)), get(paths.Matrix(ws, filter))...),
		"ItemComments":          both(paths.ItemComments(ws, "epic", 7)),
		"InboxBadge":            get(paths.InboxBadge(ws)),
		"ItemWatch":             post(paths.ItemWatch(ws, "epic", 7)),
		"EpicRequests":          post(paths.EpicRequests(ws, 7)),
		"DecisionRequests":      post(paths.DecisionRequests(ws, 7)),
		"Member":                get(paths.Member(ws, "arjun")),
		"PainImport":            both(paths.PainImport(ws)),
		"PainUpload":            both(paths.PainUpload(ws, 7)),
		"PainsCSV":              append(get(paths.PainsCSV(ws)), get(paths.PainsCSV(ws, filter))...),
		"EpicsCSV":              append(get(paths.EpicsCSV(ws)), get(paths.EpicsCSV(ws, filter))...),
		"Search":                append(get(paths.Search(ws)), get(paths.Search(ws, paths.Values{"q": {"latency"}}))...),
		"Handles":               append(get(paths.Handles(ws)), get(paths.Handles(ws, paths.Values{"q": {"ar"}}))...),
		"Events":                append(get(paths.Events(ws)), get(paths.Events(ws, paths.Live{ItemType: "epic", ItemID: 7, Topics: []string{"epics"}}))...),
		"ItemPresence":          both(paths.ItemPresence(ws, "epic", 7)),
		"ItemChanged":           get(paths.ItemChanged(ws, "epic", 7)),
		"Inbox":                 get(paths.Inbox(ws)),
		"Handle":                post(paths.Handle(ws)),
		"InboxRead":             post(paths.InboxRead(ws)),
		"InboxEntryRead":        post(paths.InboxEntryRead(ws, 7)),
		"Comment":               both(paths.Comment(ws, 7)),
		"CommentDelete":         post(paths.CommentDelete(ws, 7)),
		"CommentResolve":        post(paths.CommentResolve(ws, 7)),
		"Item": {{"GET", paths.Item(ws, "epic", 7)}, {"GET", paths.Item(ws, "pain", 7)}, {"GET", paths.Item(ws, "shift", 7)},
			{"GET", paths.Item(ws, "initiative", 7)}, {"GET", paths.Item(ws, "goal", 7)}, {"GET", paths.Item(ws, "arch_item", 7)},
			{"GET", paths.Item(ws, "concern", 7)}, {"GET", paths.Item(ws, "decision", 7)}, {"GET", paths.Item(ws, "roadmap_item", 7)}},
	}

	// Every exported builder of the package is in the table above.
	files, err := filepath.Glob("../paths/*.go")
	if err != nil {
		t.Fatal(err)
	}
	var exported []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() || fn.Type.Results == nil || len(fn.Type.Results.List) != 1 {
				continue
			}
			// A builder returns a URL (a string); paths.Page and the like return a Query.
			if res, ok := fn.Type.Results.List[0].Type.(*ast.Ident); ok && res.Name == "string" {
				exported = append(exported, fn.Name.Name)
			}
		}
	}
	if len(exported) < 50 {
		t.Fatalf("found only %d builders in internal/paths: %v", len(exported), exported)
	}
	for _, name := range exported {
		if _, ok := builders[name]; !ok {
			t.Errorf("paths.%s is not walked by this test: add it to the table", name)
		}
	}

	// Each built URL is served by a route of the table, with that method.
	router := chi.NewRouter()
	noop := func(http.ResponseWriter, *http.Request) {}
	rules := app.srv.Rules()
	for key := range rules {
		method, pattern, _ := strings.Cut(key, " ")
		router.Method(method, pattern, http.HandlerFunc(noop))
	}
	built := map[string]bool{}
	for name, uses := range builders {
		for _, u := range uses {
			parsed, err := url.Parse(u.url)
			if err != nil || !strings.HasPrefix(u.url, "/") || parsed.Host != "" {
				t.Errorf("paths.%s built %q: not a path of this app", name, u.url)
				continue
			}
			rctx := chi.NewRouteContext()
			if !router.Match(rctx, u.method, parsed.Path) {
				t.Errorf("paths.%s built %s %q: no route of the table serves it", name, u.method, u.url)
				continue
			}
			built[u.method+" "+rctx.RoutePattern()] = true
		}
	}

	// And every route is built by a builder (probes and assets aside).
	for key := range rules {
		// The REST API's addresses are built by programs, from the OpenAPI
		// document (TestOpenAPIDocument matches it to the route table).
		_, pattern, _ := strings.Cut(key, " ")
		if built[key] || slices.Contains([]string{"GET /healthz", "GET /readyz", "GET /static/*"}, key) || strings.HasPrefix(pattern, "/api/v1/w/") {
			continue
		}
		t.Errorf("route %s has no builder in internal/paths", key)
	}
}
