package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web/ui"
)

// The MCP server (Model Context Protocol, Streamable HTTP, stateless, JSON
// answers) at /mcp: an AI assistant working on the code reads the product
// and architecture context behind it (the epic a change serves, its
// customer pain, the NFR scenarios it must meet, the decisions taken and
// who objected), and may do the few things an assistant should: note a
// customer's pain, propose a decision, comment. It calls with a personal
// access token (guardAPI: the workspace is the token's); each tool checks
// the owner's current role, and a write tool the token's scope, as the API
// does. Built on the official Go SDK; a server is made per request (the
// tools close over the request's member), with the schemas cached.

const mcpInstructions = `Sightline holds a team's product strategy and architecture side by side.
Use search to find anything by words, ADR-7 or 2027-Q1; get_epic for an epic's problem, customer pain, NFR impacts, the architecture it changes and the decisions about it;
get_architecture for the C4 model, its relations and quality concerns; get_roadmap and get_review_risks for what is planned and what is at risk;
list_decisions and get_decision for the decision log with each person's stance (objections first).
Write only what a person asked for: add_pain_note, propose_decision, add_comment. Everything you write is recorded under the token's owner.`

func (s *Server) mcpHandler() http.Handler {
	cache := mcp.NewSchemaCache()
	return mcp.NewStreamableHTTPHandler(func(r *http.Request) *mcp.Server { return s.mcpServer(r, cache) },
		&mcp.StreamableHTTPOptions{
			Stateless: true, JSONResponse: true,
			// A bearer token, never a cookie, opens /mcp: a page that
			// rebinds a name to this address has no token to send.
			DisableLocalhostProtection: true,
		})
}

func (s *Server) handleMCP(w http.ResponseWriter, r *http.Request) error {
	s.mcp.ServeHTTP(w, r)
	return nil
}

// mcpAllowed checks a tool's action against the member's role and, for a
// write, the token's scope: the refusal is the tool's error, in the API's
// words.
func mcpAllowed(r *http.Request, a sightline.Action, write bool) error {
	st := state(r)
	if write && st.token.Scope != sightline.ScopeWrite {
		return sightline.Errorf(sightline.EFORBIDDEN, "This token may only read; its owner can create a read-and-write token on the account page.")
	}
	if !st.member.Role.Can(a) {
		return sightline.Errorf(sightline.EFORBIDDEN, "Your role (%s) does not allow this. %s", st.member.Role.Label(), whoCan(a))
	}
	return nil
}

// mcpErr words an error for the assistant: a refusal's message and each
// field's problem; anything else as the problem pages show.
func mcpErr(err error) error {
	if err == nil {
		return nil
	}
	msg := sightline.ErrorMessage(err)
	if fields := sightline.FieldErrors(err); len(fields) > 0 {
		var parts []string
		for k, v := range fields {
			parts = append(parts, k+": "+v)
		}
		msg += " " + strings.Join(parts, "; ")
	}
	return fmt.Errorf("%s", msg)
}

type mcpSearchIn struct {
	Query string `json:"query" jsonschema:"what to look for: words, a \"phrase\", -word to leave out, or, ADR-7, 2027-Q1"`
	Kind  string `json:"kind,omitempty" jsonschema:"only hits of this kind (epic, pain, shift, initiative, goal, arch_item, concern, decision, roadmap_item, comment)"`
	Limit int    `json:"limit,omitempty" jsonschema:"at most this many hits, 1 to 50 (20 by default)"`
}

type mcpEpicIn struct {
	EpicID int64 `json:"epic_id" jsonschema:"the epic's number"`
}

type mcpArchIn struct {
	RootID int64 `json:"root_id,omitempty" jsonschema:"only this item and what is inside it"`
}

type mcpWindowIn struct {
	From string `json:"from,omitempty" jsonschema:"first quarter, e.g. 2027-Q1 (the review's default window if empty)"`
	To   string `json:"to,omitempty" jsonschema:"last quarter"`
}

type mcpDecisionsIn struct {
	Status string `json:"status,omitempty" jsonschema:"proposed, accepted, rejected or superseded (any if empty)"`
}

type mcpDecisionIn struct {
	Number int `json:"number" jsonschema:"the ADR number (7 for ADR-0007)"`
}

type mcpPainIn struct {
	Quote     string `json:"quote" jsonschema:"what the customer said, verbatim"`
	Customer  string `json:"customer,omitempty" jsonschema:"who said it"`
	Segment   string `json:"segment,omitempty" jsonschema:"their segment"`
	Source    string `json:"source" jsonschema:"where it was heard: interview, support, sales, survey, analytics or other"`
	Severity  int    `json:"severity" jsonschema:"how much it hurts, 1 to 5"`
	Frequency string `json:"frequency" jsonschema:"how often: daily, weekly, monthly or rarely"`
	Firsthand *bool  `json:"firsthand,omitempty" jsonschema:"heard from the customer (true, the default) or relayed (false)"`
	HeardBy   string `json:"heard_by,omitempty" jsonschema:"who heard it"`
	HeardOn   string `json:"heard_on,omitempty" jsonschema:"when, YYYY-MM-DD (today if empty)"`
	EpicID    int64  `json:"epic_id,omitempty" jsonschema:"an epic to link it to"`
}

type mcpProposeIn struct {
	Title        string `json:"title" jsonschema:"the decision to take, as a short title"`
	Context      string `json:"context" jsonschema:"the context and problem, markdown"`
	Options      string `json:"options,omitempty" jsonschema:"the options considered, markdown"`
	Decision     string `json:"decision,omitempty" jsonschema:"the proposed outcome, markdown"`
	Consequences string `json:"consequences,omitempty" jsonschema:"its consequences, markdown"`
	Tradeoff     string `json:"tradeoff,omitempty" jsonschema:"the trade-off, in a line"`
}

type mcpCommentIn struct {
	TargetType string `json:"target_type" jsonschema:"the kind of item: epic, pain, shift, initiative, goal, arch_item, concern, decision or roadmap_item"`
	TargetID   int64  `json:"target_id" jsonschema:"the item's id"`
	Body       string `json:"body" jsonschema:"the comment, markdown; @handle mentions a member"`
	ParentID   int64  `json:"parent_id,omitempty" jsonschema:"the thread's first comment, to reply"`
}

// mcpTool adds a tool whose answer is a JSON object.
func mcpTool[In any](srv *mcp.Server, report func(context.Context, string, error), name, title, desc string, write bool, h func(ctx context.Context, in In) (M, error)) {
	mcp.AddTool(srv, &mcp.Tool{Name: name, Title: title, Description: desc,
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: !write, OpenWorldHint: new(bool)}},
		func(ctx context.Context, _ *mcp.CallToolRequest, in In) (*mcp.CallToolResult, M, error) {
			out, err := h(ctx, in)
			if err != nil && sightline.ErrorCode(err) == sightline.EINTERNAL {
				report(ctx, name, err)
			}
			return nil, out, mcpErr(err)
		})
}

func (s *Server) mcpServer(r *http.Request, cache *mcp.SchemaCache) *mcp.Server {
	st := state(r)
	ws := st.workspace
	srv := mcp.NewServer(&mcp.Implementation{Name: "sightline", Title: "Sightline: " + ws.Name, Version: "1.0.0"},
		&mcp.ServerOptions{Instructions: mcpInstructions, SchemaCache: cache})
	view := func() error { return mcpAllowed(r, sightline.ActionViewWorkspace, false) }
	report := func(ctx context.Context, tool string, err error) {
		s.log.LogAttrs(ctx, slog.LevelError, "mcp tool failed", slog.String("tool", tool), slog.String("request_id", st.requestID),
			slog.String("err", err.Error()))
	}

	mcpTool(srv, report, "search", "Search the workspace", "Full-text search over epics, pain notes, shifts, initiatives, goals, architecture items, concerns, decisions, roadmap items and comments; ranked, with snippets.", false,
		func(ctx context.Context, in mcpSearchIn) (M, error) {
			if err := view(); err != nil {
				return nil, err
			}
			q, p := sightline.ParseSearch(in.Query)
			for field, v := range map[string]string{"query": in.Query, "kind": in.Kind} {
				if msg := sightline.TextProblem(v); msg != "" {
					p.Add(field, msg)
				}
			}
			if err := p.Err(); err != nil {
				return nil, err
			}
			limit := in.Limit
			if limit < 1 || limit > 50 {
				limit = 20
			}
			hits, counts, err := s.db.Search(ctx, ws.ID, q, in.Kind, limit, 0)
			if err != nil {
				return nil, err
			}
			out := make([]M, len(hits))
			for i, h := range hits {
				var snippet strings.Builder
				for _, part := range h.Snippet {
					if part.Hit {
						snippet.WriteString("**" + part.Text + "**")
					} else {
						snippet.WriteString(part.Text)
					}
				}
				out[i] = M{"kind": string(h.Kind), "id": h.ID, "title": h.Title, "snippet": snippet.String(),
					"url": s.absolute(paths.Item(ws.Slug, h.ItemType, h.ItemRef))}
			}
			return M{"hits": out, "counts": counts}, nil
		})

	mcpTool(srv, report, "get_epic", "Read an epic with its context", "An epic with its customer pain (first 20 notes), NFR impacts, the architecture items it changes, the decisions about it and the roadmap items it delivers into.", false,
		func(ctx context.Context, in mcpEpicIn) (M, error) {
			if err := view(); err != nil {
				return nil, err
			}
			e, err := s.db.EpicByID(ctx, ws.ID, in.EpicID)
			if err != nil {
				return nil, err
			}
			out := M{"epic": toAPIEpic(ws.Slug, e)}
			err = together(
				func() error {
					return mcpList(&out, "pains", func() (any, error) { return s.db.PainsForEpicPage(ctx, ws.ID, e.ID, 20, 0) })
				},
				func() error {
					return mcpList(&out, "impacts", func() (any, error) { return s.db.ImpactsForEpic(ctx, ws.ID, e.ID) })
				},
				func() error {
					return mcpList(&out, "architecture_links", func() (any, error) { return s.db.LinksForEpic(ctx, ws.ID, e.ID) })
				},
				func() error {
					return mcpList(&out, "decisions", func() (any, error) { return s.db.DecisionsForEpic(ctx, ws.ID, e.ID) })
				},
				func() error {
					return mcpList(&out, "roadmap_items", func() (any, error) { return s.db.RoadmapItemsForEpic(ctx, ws.ID, e.ID) })
				},
			)
			return out, err
		})

	mcpTool(srv, report, "get_architecture", "Read the architecture", "The C4 model: systems, containers, components and external systems (kind, parent, technology, owner team, health), the relations between them, and the quality concerns (NFR scenarios) with their status.", false,
		func(ctx context.Context, in mcpArchIn) (M, error) {
			if err := view(); err != nil {
				return nil, err
			}
			var items []sightline.ArchItem
			var rels []sightline.ArchRelation
			var concerns []sightline.ConcernOverview
			err := together(
				func() (err error) { items, err = s.db.ListArchItems(ctx, ws.ID); return err },
				func() (err error) { rels, err = s.db.ListRelations(ctx, ws.ID); return err },
				func() (err error) {
					concerns, err = s.db.ListConcerns(ctx, ws.ID, sightline.ConcernFilter{})
					return err
				},
			)
			if err != nil {
				return nil, err
			}
			keep := archSubtree(items, in.RootID)
			if in.RootID != 0 && len(keep) == 0 {
				return nil, sightline.Errorf(sightline.ENOTFOUND, "No such architecture item.")
			}
			var outItems, outRels, outConcerns []M
			for _, it := range items {
				if keep == nil || keep[it.ID] {
					outItems = append(outItems, M{"id": it.ID, "kind": string(it.Kind), "name": it.Name, "parent_id": it.ParentID,
						"technology": it.Technology, "owner_team": it.OwnerTeam, "health": string(it.Health), "tech_debt": it.TechDebt})
				}
			}
			for _, rel := range rels {
				if keep == nil || keep[rel.SourceID] || keep[rel.TargetID] {
					outRels = append(outRels, M{"id": rel.ID, "from": rel.SourceName, "from_id": rel.SourceID, "to": rel.TargetName,
						"to_id": rel.TargetID, "label": rel.Label, "technology": rel.Technology})
				}
			}
			for _, c := range concerns {
				outConcerns = append(outConcerns, M{"id": c.ID, "category": c.Category, "title": c.Title, "scenario": c.Stimulus + " → " + c.Response,
					"measure": c.Measure, "target": c.Target, "current": c.Current, "status": c.Status, "epics": c.EpicCount})
			}
			return M{"items": outItems, "relations": outRels, "concerns": outConcerns, "url": s.absolute(paths.Architecture(ws.Slug))}, nil
		})

	mcpTool(srv, report, "get_roadmap", "Read the roadmap window", "The roadmap items (releases, milestones, themes) and the epics planned in a window of quarters, with their status, confidence and committed dates.", false,
		func(ctx context.Context, in mcpWindowIn) (M, error) {
			if err := view(); err != nil {
				return nil, err
			}
			w, notes := sightline.ParseReviewWindow(in.From, in.To, s.Now())
			var items []sightline.RoadmapItem
			var epics []sightline.TimelineEpic
			err := together(
				func() (err error) { items, err = s.db.ListRoadmapItems(ctx, ws.ID); return err },
				func() (err error) {
					epics, _, err = s.db.TimelineEpics(ctx, ws.ID, sightline.TimelineFilter{Window: w}, 50)
					return err
				},
			)
			if err != nil {
				return nil, err
			}
			return M{"from": w.From, "to": w.To, "notes": notes, "roadmap_items": apiEncode(items), "epics": apiEncode(epics),
				"url": s.absolute(paths.Roadmap(ws.Slug))}, nil
		})

	mcpTool(srv, report, "get_review_risks", "Read the review's risk call-outs", "What the roadmap-and-architecture review flags in a window: architecture items many epics lean on, undecided NFR impacts, unestimated or committed-but-unestimated epics, stale items and epics, lonely enablers.", false,
		func(ctx context.Context, in mcpWindowIn) (M, error) {
			if err := view(); err != nil {
				return nil, err
			}
			w, notes := sightline.ParseReviewWindow(in.From, in.To, s.Now())
			risks, err := s.db.ReviewRisks(ctx, ws.ID, sightline.ReviewScope{Window: w}, s.Now())
			if err != nil {
				return nil, err
			}
			return M{"from": w.From, "to": w.To, "notes": notes, "risks": apiEncode(risks), "url": s.absolute(paths.Review(ws.Slug))}, nil
		})

	mcpTool(srv, report, "list_decisions", "List the decision log", "Architecture decisions, newest first (at most 200): number, title, status, when decided, how many objections.", false,
		func(ctx context.Context, in mcpDecisionsIn) (M, error) {
			if err := view(); err != nil {
				return nil, err
			}
			list, total, err := s.db.ListDecisions(ctx, ws.ID, sightline.DecisionFilter{Status: in.Status}, s.decisionToday(), 200, 0)
			if err != nil {
				return nil, err
			}
			out := make([]M, len(list))
			for i, d := range list {
				out[i] = M{"number": d.Number, "ref": d.Ref(), "title": d.Title, "status": d.Status, "decided_on": optDate(d.DecidedOn),
					"objections": d.Objections, "url": s.absolute(paths.Decision(ws.Slug, d.Number))}
			}
			return M{"decisions": out, "total": total}, nil
		})

	mcpTool(srv, report, "get_decision", "Read a decision with its stances", "One decision record (context, options, decision, consequences, supersede chain) and where each person stands, objections first.", false,
		func(ctx context.Context, in mcpDecisionIn) (M, error) {
			if err := view(); err != nil {
				return nil, err
			}
			d, err := s.db.DecisionByNumber(ctx, ws.ID, in.Number)
			if err != nil {
				return nil, err
			}
			stances, err := s.db.Stances(ctx, ws.ID, d.ID)
			if err != nil {
				return nil, err
			}
			dec := apiEncode(d).(M)
			dec["ref"], dec["url"] = d.Ref(), s.absolute(paths.Decision(ws.Slug, d.Number))
			return M{"decision": dec, "stances": apiEncode(stances)}, nil
		})

	mcpTool(srv, report, "add_pain_note", "Note a customer's pain", "Capture what a customer said (verbatim), optionally linked to an epic. Only when a person gave you the quote.", true,
		func(ctx context.Context, in mcpPainIn) (M, error) {
			if err := mcpAllowed(r, sightline.ActionEditPains, true); err != nil {
				return nil, err
			}
			if in.EpicID != 0 {
				if err := mcpAllowed(r, sightline.ActionLinkPains, true); err != nil {
					return nil, err
				}
				if _, err := s.db.EpicByID(ctx, ws.ID, in.EpicID); err != nil {
					return nil, err
				}
			}
			raw, _ := json.Marshal(in)
			var b apiBody
			_ = json.Unmarshal(raw, &b)
			delete(b, "epic_id")
			n, err := s.parsePainBody(b, nil)
			if err != nil {
				return nil, err
			}
			saved, err := s.db.CreatePain(ctx, actor(r), ws.ID, n)
			if err != nil {
				return nil, err
			}
			if in.EpicID != 0 {
				if err := s.db.LinkPain(ctx, actor(r), ws.ID, in.EpicID, saved.ID); err != nil {
					return nil, err
				}
			}
			return M{"pain": apiEncode(saved), "url": s.absolute(paths.Pain(ws.Slug, saved.ID))}, nil
		})

	mcpTool(srv, report, "propose_decision", "Propose a decision", "Record a proposed architecture decision under the next ADR number; the people it affects then state where they stand in Sightline.", true,
		func(ctx context.Context, in mcpProposeIn) (M, error) {
			if err := mcpAllowed(r, sightline.ActionProposeDecision, true); err != nil {
				return nil, err
			}
			f := ui.NewForm()
			f.Values["title"], f.Values["context"], f.Values["options"] = in.Title, in.Context, in.Options
			f.Values["decision"], f.Values["consequences"], f.Values["tradeoff"] = in.Decision, in.Consequences, in.Tradeoff
			p := sightline.Problems{}
			for k, v := range f.Values {
				if msg := fieldProblem(k, v); msg != "" {
					p.Add(k, msg)
				}
			}
			d := decisionProposal(f, p)
			if err := p.Err(); err != nil {
				return nil, err
			}
			saved, err := s.db.CreateDecision(ctx, actor(r), ws.ID, d)
			if err != nil {
				return nil, err
			}
			return M{"number": saved.Number, "ref": saved.Ref(), "status": saved.Status, "url": s.absolute(paths.Decision(ws.Slug, saved.Number))}, nil
		})

	mcpTool(srv, report, "add_comment", "Comment on an item", "Start a thread on an item, or reply to one; @handle mentions a member, who finds it in their inbox.", true,
		func(ctx context.Context, in mcpCommentIn) (M, error) {
			if err := mcpAllowed(r, sightline.ActionComment, true); err != nil {
				return nil, err
			}
			if !sightline.ValidCommentTarget(in.TargetType) {
				return nil, sightline.Errorf(sightline.EINVALID, "target_type is one of %s.", strings.Join(sightline.CommentTargets, ", "))
			}
			t, err := s.db.CommentTargetByID(ctx, ws.ID, in.TargetType, in.TargetID)
			if err != nil {
				return nil, err
			}
			p := sightline.CheckCommentBody(in.Body)
			if msg := fieldProblem("body", in.Body); msg != "" {
				p.Add("body", msg)
			}
			if err := p.Err(); err != nil {
				return nil, err
			}
			var parent *int64
			if in.ParentID != 0 {
				parent = &in.ParentID
			}
			c, err := s.db.AddComment(ctx, actor(r), ws.ID, t.Type, t.ID, parent, in.Body)
			if err != nil {
				return nil, err
			}
			return M{"comment": apiEncode(c), "url": s.absolute(paths.Comment(ws.Slug, c.ID))}, nil
		})

	srv.AddResource(&mcp.Resource{URI: "sightline://workspace/vision", Name: "vision", Title: "Vision and phase",
		Description: "The workspace's product vision and the phase it is in (growth, retention, stability, profitability).", MIMEType: "text/markdown"},
		func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			text := fmt.Sprintf("# %s\n\nPhase: %s\n\n%s\n", ws.Name, ws.Phase, ws.Vision)
			return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: req.Params.URI, MIMEType: "text/markdown", Text: text}}}, nil
		})
	srv.AddResource(&mcp.Resource{URI: "sightline://workspace/llms.txt", Name: "llms.txt", Title: "The workspace in brief",
		Description: "The workspace summarised for agents (the llmstxt.org format): strategy, roadmap, epics, architecture, decisions.", MIMEType: "text/markdown"},
		func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			text, err := s.llmsText(ctx, r)
			if err != nil {
				return nil, mcpErr(err)
			}
			return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: req.Params.URI, MIMEType: "text/markdown", Text: text}}}, nil
		})
	return srv
}

// mcpList puts a list read by load into out[key], as the API shows rows.
func mcpList(out *M, key string, load func() (any, error)) error {
	v, err := load()
	if err != nil {
		return err
	}
	(*out)[key] = apiEncode(v)
	return nil
}

// archSubtree is the ids of root and everything inside it; nil for no root.
func archSubtree(items []sightline.ArchItem, root int64) map[int64]bool {
	if root == 0 {
		return nil
	}
	children := map[int64][]int64{}
	found := false
	for _, it := range items {
		if it.ParentID != nil {
			children[*it.ParentID] = append(children[*it.ParentID], it.ID)
		}
		found = found || it.ID == root
	}
	if !found {
		return map[int64]bool{}
	}
	keep := map[int64]bool{}
	for stack := []int64{root}; len(stack) > 0; {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !keep[id] {
			keep[id] = true
			stack = append(stack, children[id]...)
		}
	}
	return keep
}

// absolute is a path of this Sightline as a full address when the public
// address is configured.
func (s *Server) absolute(path string) string {
	return strings.TrimSuffix(s.cfg.BaseURL, "/") + path
}
