package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// Requests and watches: asking members for an estimate, a feasibility
// check-in or a stance (each closes by itself when done), and watching an
// item to hear of its changes in the inbox.

// askLabels are the forms' words.
var askLabels = map[sightline.RequestKind]string{
	sightline.RequestEstimate:    "Ask for an estimate",
	sightline.RequestFeasibility: "Request a feasibility check-in",
	sightline.RequestStance:      "Ask for stances",
}

// requests loads an item's requests (one query) and, when the member may
// ask for kinds here, who can be asked: from members when the page has
// them already, else one more query.
func (s *Server) requests(r *http.Request, item web.ItemRef, askURL string, members []sightline.Membership, kinds ...sightline.RequestKind) (web.Requests, error) {
	st := state(r)
	rq := web.Requests{Item: item}
	var err error
	if rq.List, err = s.db.RequestsOn(r.Context(), st.workspace.ID, item.Type, item.ID); err != nil {
		return rq, err
	}
	if len(kinds) == 0 {
		return rq, nil
	}
	if members == nil {
		if members, err = s.db.ListMembers(r.Context(), st.workspace.ID); err != nil {
			return rq, err
		}
	}
	for _, k := range kinds {
		rq.Asks = append(rq.Asks, web.Ask{Kind: k, Label: askLabels[k], URL: askURL,
			People: sightline.Askable(k, members, st.user.ID), Form: ui.NewForm()})
	}
	return rq, nil
}

// epicAskKinds are what the member may ask for on the epic.
func epicAskKinds(role sightline.Role, e *sightline.Epic) []sightline.RequestKind {
	if !role.Can(sightline.ActionAskForInput) {
		return nil
	}
	kinds := []sightline.RequestKind{sightline.RequestEstimate}
	if e.Feasibility == sightline.FeasibilityNotRequested || e.Feasibility == sightline.FeasibilityRequested {
		kinds = append(kinds, sightline.RequestFeasibility)
	}
	return kinds
}

// readAsk reads an ask form: its kind, the chosen recipients, the note.
func readAsk(w http.ResponseWriter, r *http.Request, allowed ...sightline.RequestKind) (sightline.RequestKind, []int64, ui.Form, error) {
	f, err := readForm(w, r, "kind", "note")
	if err != nil {
		return "", nil, f, err
	}
	kind := sightline.RequestKind(f.Get("kind"))
	ok := false
	for _, k := range allowed {
		ok = ok || k == kind
	}
	if !ok {
		kind = allowed[0]
		f.Errors["form"] = "Choose what to ask for from the item's page."
	}
	var ids []int64
	var texts []string
	for _, v := range r.PostForm["recipients"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			f.Errors["recipients"] = "Choose people from the list."
			continue
		}
		ids = append(ids, id)
		texts = append(texts, v)
	}
	f.Values["recipients"] = strings.Join(texts, ",")
	return kind, ids, f, nil
}

// ask runs an ask and answers it: back to the item, or the form again
// with what was chosen and why it was refused.
func (s *Server) ask(w http.ResponseWriter, r *http.Request, item web.ItemRef, kind sightline.RequestKind, ids []int64, f ui.Form) error {
	st := state(r)
	err := checked(f, nil).Err()
	if err == nil {
		if err = s.db.AskFor(r.Context(), actor(r), st.workspace.ID, kind, item.ID, ids, f.Get("note")); err == nil {
			s.flash(r, "success", "Asked. It closes by itself once it is done.")
			return redirect(w, r, item.Href+"#requests")
		}
	}
	if code := sightline.ErrorCode(err); code != sightline.EINVALID && code != sightline.ECONFLICT {
		return err
	}
	members, merr := s.db.ListMembers(r.Context(), st.workspace.ID)
	if merr != nil {
		return merr
	}
	a := web.Ask{Kind: kind, Label: askLabels[kind], URL: r.URL.Path, People: sightline.Askable(kind, members, st.user.ID),
		Form: s.withErrors(r, f, err), Refused: true}
	s.render(w, r, errStatus(err), web.AskPage(s.page(r, a.Label, ""), item, a))
	return nil
}

// handleEpicAsk asks for an estimate or a feasibility check-in on an epic.
func (s *Server) handleEpicAsk(w http.ResponseWriter, r *http.Request) error {
	e, err := byPath(r, "epicID", s.db.EpicByID)
	if err != nil {
		return err
	}
	kind, ids, f, err := readAsk(w, r, sightline.RequestEstimate, sightline.RequestFeasibility)
	if err != nil {
		return err
	}
	item := web.ItemRef{Type: "epic", ID: e.ID, Title: e.Title, Href: paths.Epic(wsSlug(r), e.ID)}
	return s.ask(w, r, item, kind, ids, f)
}

// handleDecisionAsk asks members for their stance on a decision.
func (s *Server) handleDecisionAsk(w http.ResponseWriter, r *http.Request) error {
	d, err := s.decisionFromPath(r)
	if err != nil {
		return err
	}
	kind, ids, f, err := readAsk(w, r, sightline.RequestStance)
	if err != nil {
		return err
	}
	item := web.ItemRef{Type: "decision", ID: d.ID, Title: d.Ref() + ": " + d.Title, Href: paths.Decision(wsSlug(r), d.Number)}
	return s.ask(w, r, item, kind, ids, f)
}

// handleItemWatch starts or stops watching an item.
func (s *Server) handleItemWatch(w http.ResponseWriter, r *http.Request) error {
	target, err := s.commentTargetFromPath(r)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "watching")
	if err != nil {
		return err
	}
	on := f.Get("watching") != "off"
	if err := s.db.Watch(r.Context(), actor(r), state(r).workspace.ID, target.Type, target.ID, on); err != nil {
		return err
	}
	if on {
		s.flash(r, "success", "Watching: its changes reach your inbox.")
	} else {
		s.flash(r, "success", "Unwatched: its changes no longer reach your inbox.")
	}
	if next := r.PostForm.Get("next"); next == paths.Inbox(wsSlug(r)) {
		return redirect(w, r, next)
	}
	return redirect(w, r, paths.Item(wsSlug(r), target.Type, target.Ref)+"#comments")
}
