package server

import (
	"net/http"
	"reflect"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// The API's links between rows and the acts on a row that are not a change
// of its fields: linking a pain note or a roadmap item to an epic, a
// decision to what it is about (each idempotent: linking twice, or
// unlinking an absent link, is no change), acknowledging a shift, taking a
// stance on a decision. Each goes through the page's store method.

func (s *Server) apiLinkRoutes() []route {
	w := apiPrefix + "/w/{ws}"
	return []route{
		{"POST", w + "/epics/{epicID}/pains", API(sightline.ActionLinkPains), s.apiEpicPainLink},
		{"DELETE", w + "/epics/{epicID}/pains/{painID}", API(sightline.ActionLinkPains), s.apiEpicPainUnlink},
		{"POST", w + "/roadmap-items/{roadmapItemID}/epics", API(sightline.ActionEditRoadmap), s.apiRoadmapEpicLink},
		{"DELETE", w + "/roadmap-items/{roadmapItemID}/epics/{epicID}", API(sightline.ActionEditRoadmap), s.apiRoadmapEpicUnlink},
		{"POST", w + "/decisions/{decisionID}/links", API(sightline.ActionEditDecisions), s.apiDecisionLink},
		{"DELETE", w + "/decisions/{decisionID}/links/{linkType}/{targetID}", API(sightline.ActionEditDecisions), s.apiDecisionUnlink},
		{"GET", w + "/decisions/{decisionID}/stances", API(sightline.ActionViewWorkspace), s.apiStances},
		{"PUT", w + "/decisions/{decisionID}/stance", API(sightline.ActionTakeStance), s.apiStanceSet},
		{"POST", w + "/shifts/{shiftID}/acknowledgements", API(sightline.ActionAcknowledgeShift), s.apiShiftAcknowledge},
		{"POST", w + "/concerns/{concernID}/items", API(sightline.ActionEditConcerns), s.apiConcernItemAttach},
		{"DELETE", w + "/concerns/{concernID}/items/{itemID}", API(sightline.ActionEditConcerns), s.apiConcernItemDetach},
		{"POST", w + "/items/{targetType}/{targetID}/comments/{commentID}/resolve", API(sightline.ActionComment), s.apiCommentResolve},
		{"POST", w + "/initiatives/{initiativeID}/revalidate", API(sightline.ActionEditInitiatives), s.apiInitiativeRevalidate},
		{"POST", w + "/epics/{epicID}/feasibility", API(sightline.ActionFeasibility), s.apiEpicFeasibility},
	}
}

var apiLinkOps = map[string]apiOp{
	"POST /api/v1/w/{ws}/epics/{epicID}/pains": {id: "linkEpicPain", tag: "Customer pain", summary: "Link a customer-pain note to an epic (linking twice is no change)",
		body: "PainLink", status: 204},
	"DELETE /api/v1/w/{ws}/epics/{epicID}/pains/{painID}": {id: "unlinkEpicPain", tag: "Customer pain", summary: "Unlink a customer-pain note from an epic", status: 204},
	"POST /api/v1/w/{ws}/roadmap-items/{roadmapItemID}/epics": {id: "linkRoadmapEpic", tag: "Roadmap", summary: "Say an epic delivers into a roadmap item (linking twice is no change)",
		body: "EpicLink", status: 204},
	"DELETE /api/v1/w/{ws}/roadmap-items/{roadmapItemID}/epics/{epicID}": {id: "unlinkRoadmapEpic", tag: "Roadmap", summary: "Unlink an epic from a roadmap item", status: 204},
	"POST /api/v1/w/{ws}/decisions/{decisionID}/links": {id: "linkDecision", tag: "Decisions", summary: "Link a decision to an epic, an architecture item, a concern or a shift it is about",
		body: "DecisionLink", status: 204},
	"DELETE /api/v1/w/{ws}/decisions/{decisionID}/links/{linkType}/{targetID}": {id: "unlinkDecision", tag: "Decisions", summary: "Unlink a decision from what it was about", status: 204},
	"GET /api/v1/w/{ws}/decisions/{decisionID}/stances": {id: "listStances", tag: "Decisions", summary: "Where each person stands on a decision (objections first)",
		resp: "StanceList", status: 200},
	"PUT /api/v1/w/{ws}/decisions/{decisionID}/stance": {id: "setStance", tag: "Decisions", summary: `Take or change your stance on a decision; If-Match is your stance's version ("0" for a first one)`,
		body: "StanceChange", resp: "Stance", status: 200, ifMatch: true},
	"POST /api/v1/w/{ws}/concerns/{concernID}/items": {id: "attachConcernItem", tag: "Architecture", summary: "Say a concern applies to an architecture item (twice is no change)",
		body: "ItemLink", status: 204},
	"DELETE /api/v1/w/{ws}/concerns/{concernID}/items/{itemID}": {id: "detachConcernItem", tag: "Architecture", summary: "Say a concern no longer applies to an item", status: 204},
	"POST /api/v1/w/{ws}/items/{targetType}/{targetID}/comments/{commentID}/resolve": {id: "resolveThread", tag: "Comments", summary: "Mark a thread resolved, or reopen it (resolved: false)",
		body: "ThreadResolution", resp: "Comment", status: 200},
	"POST /api/v1/w/{ws}/initiatives/{initiativeID}/revalidate": {id: "revalidateInitiative", tag: "Strategy", summary: "Confirm an initiative still holds after a later strategy shift",
		resp: "Initiative", status: 200},
	"POST /api/v1/w/{ws}/epics/{epicID}/feasibility": {id: "recordFeasibility", tag: "Epics", summary: "Record the feasibility check-in: done (architects) or waived with a reason (architects, PMs)",
		body: "FeasibilityCheckIn", resp: "Epic", status: 200, ifMatch: true},
	"POST /api/v1/w/{ws}/shifts/{shiftID}/acknowledgements": {id: "acknowledgeShift", tag: "Strategy", summary: "Acknowledge a strategy shift with your assessment (architects)",
		body: "ShiftAcknowledgement", resp: "Shift", status: 201},
}

func apiLinkSchemas() M {
	stance := apiSchemaOf(reflect.TypeFor[sightline.Stance](), false)
	return M{
		"PainLink": object([]string{"pain_id"}, M{"pain_id": integer("The customer-pain note")}),
		"EpicLink": object([]string{"epic_id"}, M{"epic_id": integer("The epic")}),
		"DecisionLink": object([]string{"target_type", "target_id"}, M{
			"target_type": enum("What the decision is about", sightline.DecisionTargetTypes), "target_id": integer("Its id"),
		}),
		"Stance":     stance,
		"StanceList": object([]string{"items"}, M{"items": M{"type": "array", "items": ref("Stance")}}),
		"StanceChange": object([]string{"stance"}, M{
			"stance": enum("agree, disagree and commit, or object", []string{sightline.StanceAgree, sightline.StanceDisagreeAndCommit, sightline.StanceObject}),
			"reason": str("Why: needed to disagree or object"),
		}),
		"ShiftAcknowledgement": object([]string{"assessment"}, M{"assessment": str("What the shift means for the architecture")}),
		"ItemLink":             object([]string{"item_id"}, M{"item_id": integer("The architecture item")}),
		"ThreadResolution":     object([]string{"resolved"}, M{"resolved": M{"type": "boolean", "description": "true resolves, false reopens"}}),
		"FeasibilityCheckIn": object([]string{"outcome"}, M{
			"outcome": enum("done or waived", []sightline.Feasibility{sightline.FeasibilityDone, sightline.FeasibilityWaived}),
			"note":    str("What was checked, or why it is waived (needed to waive)"),
		}),
	}
}

// linkIDs reads a link's two ids: the row of the URL (loaded, so another
// workspace's is not found) and the other row's id from the body.
func (s *Server) linkBody(w http.ResponseWriter, r *http.Request, field string) (int64, error) {
	b, err := readAPIBody(w, r, field)
	if err != nil {
		return 0, err
	}
	p := sightline.Problems{}
	raw := b.num(p, field, "")
	id, ok := sightline.ParseRowID(raw)
	if p.Err() == nil && !ok {
		p.Add(field, "Send the id of one of this workspace's rows.")
	}
	return id, p.Err()
}

func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiEpicPainLink(w http.ResponseWriter, r *http.Request) error {
	e, err := byPath(r, "epicID", s.db.EpicByID)
	if err != nil {
		return err
	}
	painID, err := s.linkBody(w, r, "pain_id")
	if err != nil {
		return err
	}
	if err := s.db.LinkPain(r.Context(), actor(r), state(r).workspace.ID, e.ID, painID); err != nil {
		return notFoundAs(err, "pain_id", "No such customer-pain note in this workspace.")
	}
	return noContent(w)
}

func (s *Server) apiEpicPainUnlink(w http.ResponseWriter, r *http.Request) error {
	epicID, err := pathID(r, "epicID")
	if err != nil {
		return err
	}
	painID, err := pathID(r, "painID")
	if err != nil {
		return err
	}
	if err := s.db.UnlinkPain(r.Context(), actor(r), state(r).workspace.ID, epicID, painID); err != nil {
		return err
	}
	return noContent(w)
}

func (s *Server) apiRoadmapEpicLink(w http.ResponseWriter, r *http.Request) error {
	it, err := byPath(r, "roadmapItemID", s.db.RoadmapItemByID)
	if err != nil {
		return err
	}
	epicID, err := s.linkBody(w, r, "epic_id")
	if err != nil {
		return err
	}
	if err := s.db.LinkRoadmapEpic(r.Context(), actor(r), state(r).workspace.ID, it.ID, epicID); err != nil {
		return notFoundAs(err, "epic_id", "No such epic in this workspace.")
	}
	return noContent(w)
}

func (s *Server) apiRoadmapEpicUnlink(w http.ResponseWriter, r *http.Request) error {
	itemID, err := pathID(r, "roadmapItemID")
	if err != nil {
		return err
	}
	epicID, err := pathID(r, "epicID")
	if err != nil {
		return err
	}
	if err := s.db.UnlinkRoadmapEpic(r.Context(), actor(r), state(r).workspace.ID, itemID, epicID); err != nil {
		return err
	}
	return noContent(w)
}

func (s *Server) apiDecisionLink(w http.ResponseWriter, r *http.Request) error {
	d, err := byPath(r, "decisionID", s.db.DecisionByID)
	if err != nil {
		return err
	}
	b, err := readAPIBody(w, r, "target_type", "target_id")
	if err != nil {
		return err
	}
	p := sightline.Problems{}
	typ := b.str(p, "target_type", "")
	if !sightline.ValidDecisionTarget(typ) {
		p.Add("target_type", "Link to an "+strings.Join(sightline.DecisionTargetTypes, ", ")+".")
	}
	targetID, ok := sightline.ParseRowID(b.num(p, "target_id", ""))
	if !ok {
		p.Add("target_id", "Send the id of one of this workspace's rows.")
	}
	if err := p.Err(); err != nil {
		return err
	}
	if err := s.db.LinkDecision(r.Context(), actor(r), state(r).workspace.ID, d.ID, typ, targetID); err != nil {
		return notFoundAs(err, "target_id", "No such "+typ+" in this workspace.")
	}
	return noContent(w)
}

func (s *Server) apiDecisionUnlink(w http.ResponseWriter, r *http.Request) error {
	d, err := byPath(r, "decisionID", s.db.DecisionByID)
	if err != nil {
		return err
	}
	typ := chi.URLParam(r, "linkType")
	targetID, err := pathID(r, "targetID")
	if err != nil || !sightline.ValidDecisionTarget(typ) {
		return sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
	}
	if err := s.db.UnlinkDecision(r.Context(), actor(r), state(r).workspace.ID, d.ID, typ, targetID); err != nil {
		return err
	}
	return noContent(w)
}

func (s *Server) apiStances(w http.ResponseWriter, r *http.Request) error {
	d, err := byPath(r, "decisionID", s.db.DecisionByID)
	if err != nil {
		return err
	}
	list, err := s.db.Stances(r.Context(), state(r).workspace.ID, d.ID)
	if err != nil {
		return err
	}
	items := make([]any, len(list))
	for i := range list {
		items[i] = apiEncode(&list[i])
	}
	return writeJSON(w, http.StatusOK, M{"items": items})
}

// apiStanceSet takes or changes the caller's stance: If-Match is the
// version of their stance, "0" when they have none (a stance taken
// meanwhile, say in a browser, is then a conflict, never overwritten).
func (s *Server) apiStanceSet(w http.ResponseWriter, r *http.Request) error {
	d, err := byPath(r, "decisionID", s.db.DecisionByID)
	if err != nil {
		return err
	}
	version, err := ifMatchVersionFrom(r, 0)
	if err != nil {
		return err
	}
	b, err := readAPIBody(w, r, "stance", "reason")
	if err != nil {
		return err
	}
	p := sightline.Problems{}
	stance, reason := b.str(p, "stance", ""), b.str(p, "reason", "")
	if err := addAll(p, sightline.CheckStance(stance, reason)).Err(); err != nil {
		return err
	}
	saved, err := s.db.SetStance(r.Context(), actor(r), state(r).workspace.ID, d.ID, version, stance, reason)
	if err != nil {
		return stale(err)
	}
	w.Header().Set("ETag", versionTag(saved.Version))
	return writeJSON(w, http.StatusOK, apiEncode(saved))
}

func (s *Server) apiShiftAcknowledge(w http.ResponseWriter, r *http.Request) error {
	sh, err := byPath(r, "shiftID", s.db.ShiftByID)
	if err != nil {
		return err
	}
	b, err := readAPIBody(w, r, "assessment")
	if err != nil {
		return err
	}
	p := sightline.Problems{}
	assessment := b.str(p, "assessment", "")
	sightline.CheckAssessment(p, "assessment", assessment)
	if err := p.Err(); err != nil {
		return err
	}
	ws := state(r).workspace
	if err := s.db.AcknowledgeShift(r.Context(), actor(r), ws.ID, sh.ID, assessment); err != nil {
		return err
	}
	now, err := s.db.ShiftByID(r.Context(), ws.ID, sh.ID)
	if err != nil {
		return err
	}
	return s.shiftKind().write(w, r, http.StatusCreated, now)
}

// notFoundAs names the body's field when the row it names is not found.
func notFoundAs(err error, field, msg string) error {
	if sightline.ErrorCode(err) == sightline.ENOTFOUND {
		return &sightline.Error{Code: sightline.EINVALID, Message: msg, Fields: map[string]string{field: msg}}
	}
	return err
}

// ifMatchVersionFrom is ifMatchVersion where versions start at min.
func ifMatchVersionFrom(r *http.Request, min int) (int, error) {
	if min >= 1 {
		return ifMatchVersion(r)
	}
	if v := strings.Trim(strings.TrimPrefix(strings.TrimSpace(r.Header.Get("If-Match")), "W/"), `"`); v == "0" {
		return 0, nil
	}
	return ifMatchVersion(r)
}

func (s *Server) apiConcernItemAttach(w http.ResponseWriter, r *http.Request) error {
	c, err := byPath(r, "concernID", s.db.ConcernByID)
	if err != nil {
		return err
	}
	itemID, err := s.linkBody(w, r, "item_id")
	if err != nil {
		return err
	}
	if err := s.db.AttachConcernItem(r.Context(), actor(r), state(r).workspace.ID, c.ID, itemID); err != nil {
		return notFoundAs(err, "item_id", "No such architecture item in this workspace.")
	}
	return noContent(w)
}

func (s *Server) apiConcernItemDetach(w http.ResponseWriter, r *http.Request) error {
	c, err := byPath(r, "concernID", s.db.ConcernByID)
	if err != nil {
		return err
	}
	itemID, err := pathID(r, "itemID")
	if err != nil {
		return err
	}
	if err := s.db.DetachConcernItem(r.Context(), actor(r), state(r).workspace.ID, c.ID, itemID); err != nil {
		return err
	}
	return noContent(w)
}

func (s *Server) apiCommentResolve(w http.ResponseWriter, r *http.Request) error {
	k := s.commentKind()
	c, err := k.load(r)
	if err != nil {
		return err
	}
	b, err := readAPIBody(w, r, "resolved")
	if err != nil {
		return err
	}
	p := sightline.Problems{}
	if !b.has("resolved") {
		p.Add("resolved", "Send true to resolve the thread, false to reopen it.")
	}
	resolved := b.boolean(p, "resolved", true)
	if err := p.Err(); err != nil {
		return err
	}
	ws := state(r).workspace.ID
	if _, err := s.db.ResolveThread(r.Context(), actor(r), ws, c.ID, resolved); err != nil {
		return err
	}
	now, err := s.db.CommentByID(r.Context(), ws, c.ID)
	if err != nil {
		return err
	}
	return k.write(w, r, http.StatusOK, now)
}

func (s *Server) apiInitiativeRevalidate(w http.ResponseWriter, r *http.Request) error {
	in, err := byPath(r, "initiativeID", s.db.InitiativeOverviewByID)
	if err != nil {
		return err
	}
	ws := state(r).workspace.ID
	if err := s.db.RevalidateInitiative(r.Context(), actor(r), ws, in.ID); err != nil {
		return err
	}
	now, err := s.db.InitiativeOverviewByID(r.Context(), ws, in.ID)
	if err != nil {
		return err
	}
	return s.initiativeKind().write(w, r, http.StatusOK, now)
}
