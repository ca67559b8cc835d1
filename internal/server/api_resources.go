package server

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

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

		s.initiativeKind(),

		s.shiftKind(),

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
			query: []string{"category", "concern_status"},
			list: func(r *http.Request) ([]sightline.Concern, error) {
				q, p := r.URL.Query(), sightline.Problems{}
				f := sightline.ConcernFilter{Category: q.Get("category"), Status: q.Get("status")}
				if f.Category != "" && !slices.Contains(sightline.NFRCategories, f.Category) {
					p.Add("category", "Not a category: "+strings.Join(sightline.NFRCategories, ", ")+".")
				}
				if f.Status != "" && !sightline.ValidConcernStatus(f.Status) {
					p.Add("status", "Not a status: "+strings.Join(sightline.ConcernStatuses, ", ")+".")
				}
				if err := p.Err(); err != nil {
					return nil, err
				}
				list, err := s.db.ListConcerns(r.Context(), state(r).workspace.ID, f)
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
			query: []string{"decision_status", "item_id", "revisit_due"},
			listAfter: func(r *http.Request, after int64, limit int) ([]sightline.Decision, error) {
				f, err := apiDecisionFilter(r.URL.Query())
				if err != nil {
					return nil, err
				}
				return s.db.ListDecisionsAfter(r.Context(), state(r).workspace.ID, f, s.decisionToday(), after, limit)
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

		apiKind[sightline.NFRImpact]{
			path: "epics/{epicID}/impacts", name: "Impact", names: "Impacts", tag: "Architecture", param: "impactID",
			summary: "epic's non-functional impact",
			fields:  impactFields, required: []string{"category", "level"},
			view: sightline.ActionViewWorkspace, add: sightline.ActionEditImpacts, edit: sightline.ActionEditImpacts,
			list: func(r *http.Request) ([]sightline.NFRImpact, error) {
				e, err := byPath(r, "epicID", s.db.EpicByID)
				if err != nil {
					return nil, err
				}
				return s.db.ImpactsForEpic(r.Context(), state(r).workspace.ID, e.ID)
			},
			get: func(r *http.Request, id int64) (*sightline.NFRImpact, error) {
				epicID, err := pathID(r, "epicID")
				if err != nil {
					return nil, err
				}
				return s.db.ImpactByID(r.Context(), state(r).workspace.ID, epicID, id)
			},
			create: func(r *http.Request, f ui.Form, p sightline.Problems) (*sightline.NFRImpact, error) {
				e, err := byPath(r, "epicID", s.db.EpicByID)
				if err != nil {
					return nil, err
				}
				i, err := impactDraft(f).Parse()
				if err := withDomain(p, err); err != nil {
					return nil, err
				}
				return s.db.CreateImpact(r.Context(), actor(r), state(r).workspace.ID, e.ID, i)
			},
			update: func(r *http.Request, cur *sightline.NFRImpact, version int, f ui.Form, p sightline.Problems) (*sightline.NFRImpact, error) {
				i, err := impactDraft(f).Parse()
				if err := withDomain(p, err); err != nil {
					return nil, err
				}
				return s.db.UpdateImpact(r.Context(), actor(r), state(r).workspace.ID, cur.EpicID, cur.ID, version, i)
			},
			remove: func(r *http.Request, cur *sightline.NFRImpact, version int) error {
				return s.db.DeleteImpact(r.Context(), actor(r), state(r).workspace.ID, cur.EpicID, cur.ID, version)
			},
			page: func(slug string, i *sightline.NFRImpact) string { return paths.Epic(slug, i.EpicID) + "#impacts" },
		},

		apiKind[sightline.ArchLink]{
			path: "epics/{epicID}/links", name: "ArchitectureLink", names: "ArchitectureLinks", tag: "Architecture", param: "linkID",
			summary: "link between an epic and an architecture item it changes",
			fields:  []string{"change_kind", "note"}, createOnly: []string{"item_id"}, required: []string{"item_id", "change_kind"},
			view: sightline.ActionViewWorkspace, add: sightline.ActionEditArchLinks, edit: sightline.ActionEditArchLinks,
			list: func(r *http.Request) ([]sightline.ArchLink, error) {
				e, err := byPath(r, "epicID", s.db.EpicByID)
				if err != nil {
					return nil, err
				}
				return s.db.LinksForEpic(r.Context(), state(r).workspace.ID, e.ID)
			},
			get: func(r *http.Request, id int64) (*sightline.ArchLink, error) {
				epicID, err := pathID(r, "epicID")
				if err != nil {
					return nil, err
				}
				l, err := s.db.ArchLinkByID(r.Context(), state(r).workspace.ID, id)
				if err == nil && l.EpicID != epicID {
					return nil, sightline.Errorf(sightline.ENOTFOUND, "")
				}
				return l, err
			},
			create: func(r *http.Request, f ui.Form, p sightline.Problems) (*sightline.ArchLink, error) {
				e, err := byPath(r, "epicID", s.db.EpicByID)
				if err != nil {
					return nil, err
				}
				l, err := sightline.ArchLinkDraft{EpicID: strconv.FormatInt(e.ID, 10), ItemID: f.Get("item_id"),
					ChangeKind: f.Get("change_kind"), Note: f.Get("note")}.Parse()
				if err := withDomain(p, err); err != nil {
					return nil, err
				}
				return s.db.CreateArchLink(r.Context(), actor(r), state(r).workspace.ID, l)
			},
			update: func(r *http.Request, cur *sightline.ArchLink, version int, f ui.Form, p sightline.Problems) (*sightline.ArchLink, error) {
				l := sightline.ArchLink{ChangeKind: f.Get("change_kind"), Note: f.Get("note")}
				if err := addAll(p, sightline.CheckArchLink(&l)).Err(); err != nil {
					return nil, err
				}
				return s.db.UpdateArchLink(r.Context(), actor(r), state(r).workspace.ID, cur.ID, version, l)
			},
			remove: func(r *http.Request, cur *sightline.ArchLink, version int) error {
				return s.db.DeleteArchLink(r.Context(), actor(r), state(r).workspace.ID, cur.ID, version)
			},
			page: func(slug string, l *sightline.ArchLink) string { return paths.Epic(slug, l.EpicID) + "#links" },
		},

		apiKind[sightline.ArchRelation]{
			path: "architecture-items/{itemID}/relations", name: "Relation", names: "Relations", tag: "Architecture", param: "relationID",
			summary: "relation from one architecture item to another (both directions listed)",
			fields:  nil, createOnly: []string{"target_id", "label", "technology"}, required: []string{"target_id", "label"},
			view: sightline.ActionViewWorkspace, add: sightline.ActionEditArchitecture, edit: sightline.ActionEditArchitecture,
			list: func(r *http.Request) ([]sightline.ArchRelation, error) {
				it, err := byPath(r, "itemID", s.db.ArchItemByID)
				if err != nil {
					return nil, err
				}
				all, err := s.db.ListRelations(r.Context(), state(r).workspace.ID)
				return slices.DeleteFunc(all, func(rel sightline.ArchRelation) bool { return rel.SourceID != it.ID && rel.TargetID != it.ID }), err
			},
			get: func(r *http.Request, id int64) (*sightline.ArchRelation, error) {
				itemID, err := pathID(r, "itemID")
				if err != nil {
					return nil, err
				}
				all, err := s.db.ListRelations(r.Context(), state(r).workspace.ID)
				if err != nil {
					return nil, err
				}
				for _, rel := range all {
					if rel.ID == id && (rel.SourceID == itemID || rel.TargetID == itemID) {
						return &rel, nil
					}
				}
				return nil, sightline.Errorf(sightline.ENOTFOUND, "")
			},
			create: func(r *http.Request, f ui.Form, p sightline.Problems) (*sightline.ArchRelation, error) {
				it, err := byPath(r, "itemID", s.db.ArchItemByID)
				if err != nil {
					return nil, err
				}
				rel := sightline.ArchRelation{Label: f.Get("label"), Technology: f.Get("technology")}
				rel.TargetID, _ = sightline.ParseRowID(f.Get("target_id"))
				if f.Get("target_id") != "" && rel.TargetID < 1 {
					p.Add("target_id", "Choose one of the options.")
				}
				if err := addAll(p, sightline.CheckRelation(it.ID, &rel)).Err(); err != nil {
					return nil, err
				}
				return s.db.CreateRelation(r.Context(), actor(r), state(r).workspace.ID, it.ID, rel)
			},
			remove: func(r *http.Request, cur *sightline.ArchRelation, version int) error {
				return s.db.DeleteRelation(r.Context(), actor(r), state(r).workspace.ID, cur.SourceID, cur.ID, version)
			},
			page: func(slug string, rel *sightline.ArchRelation) string { return paths.ArchItem(slug, rel.SourceID) },
		},

		s.commentKind(),
	}
}

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

// shiftKind serves strategy shifts (the acknowledgement answers with one).
func (s *Server) shiftKind() apiKind[sightline.StrategyShift] {
	return apiKind[sightline.StrategyShift]{
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
	}
}

// apiDecisionFilter reads the decision log's filters from the query.
func apiDecisionFilter(q url.Values) (sightline.DecisionFilter, error) {
	p := sightline.Problems{}
	f := sightline.DecisionFilter{Status: q.Get("status")}
	if f.Status != "" && !sightline.ValidDecisionStatus(f.Status) {
		p.Add("status", "Not a status: proposed, accepted, rejected or superseded.")
	}
	if raw := q.Get("item_id"); raw != "" {
		id, ok := sightline.ParseRowID(raw)
		if !ok {
			p.Add("item_id", "Send an architecture item's id.")
		}
		f.ItemID = id
	}
	switch q.Get("revisit_due") {
	case "", "false":
	case "true":
		f.RevisitDue = true
	default:
		p.Add("revisit_due", "Send true or false.")
	}
	return f, p.Err()
}

// commentKind serves comments (another handler answers with one too).
func (s *Server) commentKind() apiKind[sightline.Comment] {
	return apiKind[sightline.Comment]{
		path: "items/{targetType}/{targetID}/comments", name: "Comment", names: "Comments", tag: "Comments", param: "commentID",
		summary: "comment on an item (threads first, each followed by its replies)",
		fields:  []string{"body"}, createOnly: []string{"parent_id"}, required: []string{"body"},
		view: sightline.ActionViewWorkspace, add: sightline.ActionComment, edit: sightline.ActionComment,
		list: func(r *http.Request) ([]sightline.Comment, error) {
			t, err := s.commentTargetFromPath(r)
			if err != nil {
				return nil, err
			}
			threads, _, err := s.db.Threads(r.Context(), state(r).workspace.ID, t.Type, t.ID)
			var out []sightline.Comment
			for _, th := range threads {
				out = append(append(out, th.Comment), th.Replies...)
			}
			return out, err
		},
		get: func(r *http.Request, id int64) (*sightline.Comment, error) {
			t, err := s.commentTargetFromPath(r)
			if err != nil {
				return nil, err
			}
			c, err := s.db.CommentByID(r.Context(), state(r).workspace.ID, id)
			if err == nil && (c.ItemType != t.Type || c.ItemID != t.ID) {
				return nil, sightline.Errorf(sightline.ENOTFOUND, "")
			}
			return c, err
		},
		create: func(r *http.Request, f ui.Form, p sightline.Problems) (*sightline.Comment, error) {
			t, err := s.commentTargetFromPath(r)
			if err != nil {
				return nil, err
			}
			addAll(p, sightline.CheckCommentBody(f.Get("body")))
			parentID := sightline.ParseChoice(p, "parent_id", f.Get("parent_id"))
			if err := p.Err(); err != nil {
				return nil, err
			}
			return s.db.AddComment(r.Context(), actor(r), state(r).workspace.ID, t.Type, t.ID, parentID, f.Get("body"))
		},
		update: func(r *http.Request, cur *sightline.Comment, version int, f ui.Form, p sightline.Problems) (*sightline.Comment, error) {
			if err := addAll(p, sightline.CheckCommentBody(f.Get("body"))).Err(); err != nil {
				return nil, err
			}
			return s.db.EditComment(r.Context(), actor(r), state(r).workspace.ID, cur.ID, version, f.Get("body"))
		},
		remove: func(r *http.Request, cur *sightline.Comment, version int) error {
			_, err := s.db.DeleteComment(r.Context(), actor(r), state(r).member.Role, state(r).workspace.ID, cur.ID, version)
			return err
		},
		page: func(slug string, c *sightline.Comment) string { return paths.Comment(slug, c.ID) },
	}
}

// initiativeKind serves initiatives (another handler answers with one too).
func (s *Server) initiativeKind() apiKind[sightline.InitiativeOverview] {
	return apiKind[sightline.InitiativeOverview]{
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
	}
}
