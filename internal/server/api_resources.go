package server

import (
	"net/http"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web/ui"
)

// apiResources are the kinds the API serves through apiKind: each names
// its page form's fields and calls the same draft, checks and store
// method as the page.
func (s *Server) apiResources() []apiResource {
	return []apiResource{
		apiKind[sightline.Goal]{
			path: "goals", name: "Goal", names: "Goals", tag: "Strategy", param: "goalID", summary: "business goal",
			fields: goalFormFields, required: []string{"title", "metric", "baseline", "target", "current"},
			view: sightline.ActionViewWorkspace, add: sightline.ActionEditGoals, edit: sightline.ActionEditGoals,
			list: func(r *http.Request) ([]sightline.Goal, error) {
				return s.db.ListGoals(r.Context(), state(r).workspace.ID)
			},
			byID: s.db.GoalByID,
			create: func(r *http.Request, f ui.Form, p sightline.Problems) (*sightline.Goal, error) {
				g, gp := goalDraft(f).Parse()
				if err := addAll(p, gp).Err(); err != nil {
					return nil, err
				}
				return s.db.CreateGoal(r.Context(), actor(r), state(r).workspace.ID, g)
			},
			update: func(r *http.Request, cur *sightline.Goal, version int, f ui.Form, p sightline.Problems) (*sightline.Goal, error) {
				g, gp := goalDraft(f).Parse()
				if err := addAll(p, gp).Err(); err != nil {
					return nil, err
				}
				return s.db.UpdateGoal(r.Context(), actor(r), state(r).workspace.ID, cur.ID, version, g)
			},
			page: func(slug string, g *sightline.Goal) string { return paths.Goal(slug, g.ID) },
		},

		apiKind[sightline.InitiativeOverview]{
			path: "initiatives", name: "Initiative", names: "Initiatives", tag: "Strategy", param: "initiativeID", summary: "initiative",
			fields: initiativeFields, required: []string{"title", "driver", "horizon"},
			view: sightline.ActionViewWorkspace, add: sightline.ActionEditInitiatives, edit: sightline.ActionEditInitiatives,
			list: func(r *http.Request) ([]sightline.InitiativeOverview, error) {
				return s.db.ListInitiativeOverviews(r.Context(), state(r).workspace.ID)
			},
			byID: s.db.InitiativeOverviewByID,
			create: func(r *http.Request, f ui.Form, p sightline.Problems) (*sightline.InitiativeOverview, error) {
				in, err := initiativeDraft(f).Parse()
				if err := withDomain(p, err); err != nil {
					return nil, err
				}
				ws := state(r).workspace.ID
				saved, err := s.db.CreateInitiative(r.Context(), actor(r), ws, in)
				if err != nil {
					return nil, err
				}
				return s.db.InitiativeOverviewByID(r.Context(), ws, saved.ID)
			},
			update: func(r *http.Request, cur *sightline.InitiativeOverview, version int, f ui.Form, p sightline.Problems) (*sightline.InitiativeOverview, error) {
				in, err := initiativeDraft(f).Parse()
				if err := withDomain(p, err); err != nil {
					return nil, err
				}
				ws := state(r).workspace.ID
				if _, err := s.db.UpdateInitiative(r.Context(), actor(r), ws, cur.ID, version, in); err != nil {
					return nil, err
				}
				return s.db.InitiativeOverviewByID(r.Context(), ws, cur.ID)
			},
			page: func(slug string, in *sightline.InitiativeOverview) string { return paths.Initiative(slug, in.ID) },
		},

		apiKind[sightline.StrategyShift]{
			path: "shifts", name: "Shift", names: "Shifts", tag: "Strategy", param: "shiftID", summary: "strategy shift",
			fields: shiftFormFields, createOnly: []string{"apply"}, required: []string{"title", "narrative", "from_phase", "to_phase", "shifted_on"},
			view: sightline.ActionViewWorkspace, add: sightline.ActionLogShift, edit: sightline.ActionLogShift,
			list: func(r *http.Request) ([]sightline.StrategyShift, error) {
				return s.db.ListShifts(r.Context(), state(r).workspace.ID)
			},
			byID: s.db.ShiftByID,
			create: func(r *http.Request, f ui.Form, p sightline.Problems) (*sightline.StrategyShift, error) {
				sh, sp := shiftDraft(f).Parse()
				if f.Get("apply") != "" && f.Get("apply") != "true" && f.Get("apply") != "false" {
					p.Add("apply", "Send true to move the workspace to the shift's phase, or false.")
				}
				if err := addAll(p, sp).Err(); err != nil {
					return nil, err
				}
				return s.db.CreateShift(r.Context(), actor(r), state(r).workspace.ID, sh, f.Get("apply") == "true")
			},
			update: func(r *http.Request, cur *sightline.StrategyShift, version int, f ui.Form, p sightline.Problems) (*sightline.StrategyShift, error) {
				sh, sp := shiftDraft(f).Parse()
				if err := addAll(p, sp).Err(); err != nil {
					return nil, err
				}
				return s.db.UpdateShift(r.Context(), actor(r), state(r).workspace.ID, cur.ID, version, sh)
			},
			page: func(slug string, sh *sightline.StrategyShift) string { return paths.Shift(slug, sh.ID) },
		},

		apiKind[sightline.ArchItem]{
			path: "architecture-items", name: "ArchitectureItem", names: "ArchitectureItems", tag: "Architecture", param: "itemID",
			summary: "architecture item (system, container, component or external system)",
			fields:  archItemFields, required: []string{"kind", "name", "health"},
			view: sightline.ActionViewWorkspace, add: sightline.ActionProposeArchItem, edit: sightline.ActionEditArchitecture,
			list: func(r *http.Request) ([]sightline.ArchItem, error) {
				return s.db.ListArchItems(r.Context(), state(r).workspace.ID)
			},
			byID: s.db.ArchItemByID,
			create: func(r *http.Request, f ui.Form, p sightline.Problems) (*sightline.ArchItem, error) {
				ws := state(r).workspace.ID
				items, err := s.db.ListArchItems(r.Context(), ws)
				if err != nil {
					return nil, err
				}
				it, ip := archItemDraft(f).Parse(items, 0)
				if err := addAll(p, ip).Err(); err != nil {
					return nil, err
				}
				return s.db.CreateArchItem(r.Context(), actor(r), ws, it)
			},
			update: func(r *http.Request, cur *sightline.ArchItem, version int, f ui.Form, p sightline.Problems) (*sightline.ArchItem, error) {
				ws := state(r).workspace.ID
				items, err := s.db.ListArchItems(r.Context(), ws)
				if err != nil {
					return nil, err
				}
				it, ip := archItemDraft(f).Parse(items, cur.ID)
				addAll(p, ip)
				if it.Kind.Valid() {
					addAll(p, sightline.CheckArchKindChange(cur.Kind, it.Kind, archChildren(items, cur.ID)))
				}
				if err := p.Err(); err != nil {
					return nil, err
				}
				return s.db.UpdateArchItem(r.Context(), actor(r), ws, cur.ID, version, it)
			},
			page: func(slug string, it *sightline.ArchItem) string { return paths.ArchItem(slug, it.ID) },
		},

		apiKind[sightline.Concern]{
			path: "concerns", name: "Concern", names: "Concerns", tag: "Architecture", param: "concernID",
			summary: "quality concern (an NFR scenario)",
			fields:  concernFields, required: []string{"category", "title", "stimulus", "response", "measure", "target", "status"},
			view: sightline.ActionViewWorkspace, add: sightline.ActionEditConcerns, edit: sightline.ActionEditConcerns,
			list: func(r *http.Request) ([]sightline.Concern, error) {
				list, err := s.db.ListConcerns(r.Context(), state(r).workspace.ID, sightline.ConcernFilter{})
				out := make([]sightline.Concern, len(list))
				for i := range list {
					out[i] = list[i].Concern
				}
				return out, err
			},
			byID: s.db.ConcernByID,
			create: func(r *http.Request, f ui.Form, p sightline.Problems) (*sightline.Concern, error) {
				c, err := concernDraft(f).Parse()
				if err := withDomain(p, err); err != nil {
					return nil, err
				}
				return s.db.CreateConcern(r.Context(), actor(r), state(r).workspace.ID, c, nil)
			},
			update: func(r *http.Request, cur *sightline.Concern, version int, f ui.Form, p sightline.Problems) (*sightline.Concern, error) {
				c, err := concernDraft(f).Parse()
				if err := withDomain(p, err); err != nil {
					return nil, err
				}
				ws := state(r).workspace.ID
				if _, err := s.db.UpdateConcern(r.Context(), actor(r), ws, cur.ID, version, c); err != nil {
					return nil, err
				}
				return s.db.ConcernByID(r.Context(), ws, cur.ID)
			},
			page: func(slug string, c *sightline.Concern) string { return paths.Concern(slug, c.ID) },
		},

		apiKind[sightline.RoadmapItem]{
			path: "roadmap-items", name: "RoadmapItem", names: "RoadmapItems", tag: "Roadmap", param: "roadmapItemID",
			summary: "roadmap item (release, milestone or theme)",
			fields:  roadmapFormFields, required: []string{"kind", "title", "starts_on", "ends_on", "confidence"},
			view: sightline.ActionViewWorkspace, add: sightline.ActionEditRoadmap, edit: sightline.ActionEditRoadmap,
			list: func(r *http.Request) ([]sightline.RoadmapItem, error) {
				return s.db.ListRoadmapItems(r.Context(), state(r).workspace.ID)
			},
			byID: s.db.RoadmapItemByID,
			create: func(r *http.Request, f ui.Form, p sightline.Problems) (*sightline.RoadmapItem, error) {
				it, ip := roadmapItemDraft(f).Parse()
				if err := addAll(p, ip).Err(); err != nil {
					return nil, err
				}
				return s.db.CreateRoadmapItem(r.Context(), actor(r), state(r).workspace.ID, it)
			},
			update: func(r *http.Request, cur *sightline.RoadmapItem, version int, f ui.Form, p sightline.Problems) (*sightline.RoadmapItem, error) {
				it, ip := roadmapItemDraft(f).Parse()
				if err := addAll(p, ip).Err(); err != nil {
					return nil, err
				}
				ws := state(r).workspace.ID
				if _, err := s.db.UpdateRoadmapItem(r.Context(), actor(r), ws, cur.ID, version, it); err != nil {
					return nil, err
				}
				return s.db.RoadmapItemByID(r.Context(), ws, cur.ID)
			},
			page: func(slug string, it *sightline.RoadmapItem) string { return paths.RoadmapItem(slug, it.ID) },
		},

		apiKind[sightline.Decision]{
			path: "decisions", name: "Decision", names: "Decisions", tag: "Decisions", param: "decisionID",
			summary: "architecture decision (ADR)",
			fields:  append(append([]string{}, decisionTextNames...), "revisit_on", "status", "decided_by_id", "decided_on"),
			form:    map[string]string{"decided_by_id": "decided_by"}, required: []string{"title", "context"},
			view: sightline.ActionViewWorkspace, add: sightline.ActionProposeDecision, edit: sightline.ActionEditDecisions,
			list: func(r *http.Request) ([]sightline.Decision, error) {
				list, _, err := s.db.ListDecisions(r.Context(), state(r).workspace.ID, sightline.DecisionFilter{}, s.decisionToday(), apiBoundedList, 0)
				return list, err
			},
			byID: s.db.DecisionByID,
			create: func(r *http.Request, f ui.Form, p sightline.Problems) (*sightline.Decision, error) {
				if f.Get("status") != "" || f.Get("decided_by") != "" || f.Get("decided_on") != "" {
					p.Add("status", "A new decision is proposed; accept it with a change once the people it affects have said where they stand.")
				}
				d := decisionProposal(f, p)
				if err := p.Err(); err != nil {
					return nil, err
				}
				return s.db.CreateDecision(r.Context(), actor(r), state(r).workspace.ID, d)
			},
			update: func(r *http.Request, cur *sightline.Decision, version int, f ui.Form, p sightline.Problems) (*sightline.Decision, error) {
				u, today := s.decisionChange(r, cur, f, p)
				if err := p.Err(); err != nil {
					return nil, err
				}
				return s.db.UpdateDecision(r.Context(), actor(r), state(r).workspace.ID, cur.ID, version, u, today)
			},
			page: func(slug string, d *sightline.Decision) string { return paths.Decision(slug, d.Number) },
		},
	}
}

// apiBoundedList is the most rows a kind read whole holds.
const apiBoundedList = 100_000

// addAll adds q's problems to p and returns p.
func addAll(p, q sightline.Problems) sightline.Problems {
	for k, v := range q {
		p.Add(k, v)
	}
	return p
}

// withDomain adds a domain check's refusal to p: its field problems, or
// its message as the form's; another error is returned as it is.
func withDomain(p sightline.Problems, err error) error {
	if err == nil {
		return p.Err()
	}
	if sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	fields := sightline.FieldErrors(err)
	if len(fields) == 0 {
		p.Add("form", sightline.ErrorMessage(err))
	}
	addAll(p, fields)
	return p.Err()
}

// archChildren counts the items whose parent is id.
func archChildren(items []sightline.ArchItem, id int64) int {
	n := 0
	for _, x := range items {
		if x.ParentID != nil && *x.ParentID == id {
			n++
		}
	}
	return n
}
