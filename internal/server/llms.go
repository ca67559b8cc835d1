package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
)

// llms.txt (the llmstxt.org format): the workspace summarised in markdown
// for an agent that reads files, at /w/{ws}/llms.txt (signed in) and
// /api/v1/w/{ws}/llms.txt (with a token): an H1 with the name, a
// blockquote with the vision's first paragraph, then sections of linked
// lists: strategy, roadmap, epics, architecture, decisions, and where a
// program reads more. Bounded whatever the size (a fixed number of
// queries, at most llmsListed rows a list, each list saying how many it
// leaves out).

const llmsListed = 30

func (s *Server) handleLLMsText(w http.ResponseWriter, r *http.Request) error {
	text, err := s.llmsText(r.Context(), r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-cache")
	w.Header().Set("Content-Length", strconv.Itoa(len(text)))
	_, err = w.Write([]byte(text))
	return err
}

// llmsLine is one line of a list; an empty text makes none.
func llmsOneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 160 {
		s = string(r[:157]) + "…"
	}
	return s
}

func (s *Server) llmsText(ctx context.Context, r *http.Request) (string, error) {
	ws := state(r).workspace
	var (
		shifts      []sightline.StrategyShift
		initiatives []sightline.InitiativeOverview
		roadmap     []sightline.RoadmapItem
		epics       []sightline.Epic
		epicTotal   int
		items       []sightline.ArchItem
		concerns    []sightline.ConcernOverview
		decisions   []sightline.Decision
		decTotal    int
	)
	err := together(
		func() (err error) { shifts, err = s.db.ListShifts(ctx, ws.ID); return err },
		func() (err error) { initiatives, err = s.db.ListInitiativeOverviews(ctx, ws.ID); return err },
		func() (err error) { roadmap, err = s.db.ListRoadmapItems(ctx, ws.ID); return err },
		func() (err error) {
			epics, epicTotal, err = s.db.ListEpics(ctx, ws.ID, sightline.EpicFilter{Page: 1, PerPage: llmsListed})
			return err
		},
		func() (err error) { items, err = s.db.ListArchItems(ctx, ws.ID); return err },
		func() (err error) {
			concerns, err = s.db.ListConcerns(ctx, ws.ID, sightline.ConcernFilter{})
			return err
		},
		func() (err error) {
			decisions, decTotal, err = s.db.ListDecisions(ctx, ws.ID, sightline.DecisionFilter{}, s.decisionToday(), llmsListed, 0)
			return err
		},
	)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	link := func(title, path, note string) {
		fmt.Fprintf(&b, "- [%s](%s)", strings.NewReplacer("[", "(", "]", ")").Replace(llmsOneLine(title)), s.absolute(path))
		if note = llmsOneLine(note); note != "" {
			b.WriteString(": " + note)
		}
		b.WriteByte('\n')
	}
	more := func(shown, total int, path string) {
		if total > shown {
			fmt.Fprintf(&b, "- [%d more](%s)\n", total-shown, s.absolute(path))
		}
	}
	fmt.Fprintf(&b, "# %s\n\n", llmsOneLine(ws.Name))
	vision, _, _ := strings.Cut(strings.TrimSpace(ws.Vision), "\n\n")
	if vision = llmsOneLine(vision); vision == "" {
		vision = "No vision written yet."
	}
	fmt.Fprintf(&b, "> %s\n\n", vision)
	fmt.Fprintf(&b, "Sightline workspace of product strategy and architecture, side by side. Current phase: %s. %d epics, %d architecture items, %d decisions.\n\n",
		ws.Phase, epicTotal, len(items), decTotal)

	b.WriteString("## Strategy\n\n")
	link("Strategy and vision", paths.Strategy(ws.Slug), "the phase and the pressures it puts on quality attributes")
	for i, sh := range shifts {
		if i == llmsListed {
			break
		}
		link(sh.Title, paths.Shift(ws.Slug, sh.ID), fmt.Sprintf("shift from %s to %s on %s", sh.FromPhase, sh.ToPhase, sh.ShiftedOn.Format("2006-01-02")))
	}
	more(min(len(shifts), llmsListed), len(shifts), paths.Strategy(ws.Slug))
	for i, in := range initiatives {
		if i == llmsListed {
			break
		}
		link(in.Title, paths.Initiative(ws.Slug, in.ID), fmt.Sprintf("initiative, %s, driven by %s; %d product and %d enabler epics", in.Horizon, in.Driver, in.ProductEpics, in.EnablerEpics))
	}
	more(min(len(initiatives), llmsListed), len(initiatives), paths.Initiatives(ws.Slug))

	b.WriteString("\n## Roadmap\n\n")
	link("Roadmap timeline", paths.Roadmap(ws.Slug), "epics by quarter with their confidence")
	for i, it := range roadmap {
		if i == llmsListed {
			break
		}
		link(it.Title, paths.RoadmapItem(ws.Slug, it.ID), fmt.Sprintf("%s, %s to %s, %s", it.Kind, it.StartsOn.Format("2006-01-02"), it.EndsOn.Format("2006-01-02"), it.Confidence))
	}
	more(min(len(roadmap), llmsListed), len(roadmap), paths.Roadmap(ws.Slug))

	b.WriteString("\n## Epics\n\n")
	for _, e := range epics {
		note := fmt.Sprintf("%s %s", strings.ToLower(e.Kind.Label()), strings.ToLower(e.Status.Label()))
		if e.TargetQuarter != "" {
			note += ", " + e.TargetQuarter
		}
		if p, _, _ := strings.Cut(e.Problem, "\n"); p != "" {
			note += "; " + p
		}
		link(e.Title, paths.Epic(ws.Slug, e.ID), note)
	}
	more(len(epics), epicTotal, paths.Epics(ws.Slug))

	b.WriteString("\n## Architecture\n\n")
	link("Architecture diagram", paths.Architecture(ws.Slug), "the C4 model drawn, with its relations")
	shown := 0
	for _, it := range items {
		if it.Kind == sightline.ItemComponent || shown == llmsListed {
			continue
		}
		shown++
		note := it.Kind.Label()
		if it.Technology != "" {
			note += ", " + it.Technology
		}
		note += ", " + it.Health.Label()
		link(it.Name, paths.ArchItem(ws.Slug, it.ID), note)
	}
	more(shown, len(items), paths.Architecture(ws.Slug))
	for i, c := range concerns {
		if i == llmsListed {
			break
		}
		link(c.Title, paths.Concern(ws.Slug, c.ID), fmt.Sprintf("%s concern, %s; target %s", c.Category, c.Status, c.Target))
	}
	more(min(len(concerns), llmsListed), len(concerns), paths.Concerns(ws.Slug))

	b.WriteString("\n## Decisions\n\n")
	for _, d := range decisions {
		note := d.Status
		if d.Objections > 0 {
			note += fmt.Sprintf(", %d objection(s)", d.Objections)
		}
		link(d.Ref()+" "+d.Title, paths.Decision(ws.Slug, d.Number), note)
	}
	more(len(decisions), decTotal, paths.Decisions(ws.Slug))

	b.WriteString("\n## Optional\n\n")
	link("REST API reference", paths.APIDocs(), "every kind, with a personal access token; OpenAPI 3.1 at "+s.absolute(paths.OpenAPI()))
	link("MCP server", paths.MCP(), "Streamable HTTP with a bearer token: search, read epics with their context, the architecture, the roadmap, the review's risks and the decision log")
	link("Review", paths.Review(ws.Slug), "the roadmap and the architecture side by side, with risk call-outs")
	return b.String(), nil
}
