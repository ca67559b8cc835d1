package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// decisionHistoryLimit is how many history entries a decision page shows.
const decisionHistoryLimit = 50

// decisionsPerPage is how many decisions one page of the log lists.
const decisionsPerPage = 50

// decisionTextNames are the text fields every decision form shares.
var decisionTextNames = []string{"title", "context", "options", "decision", "consequences", "tradeoff"}

// decisionToday is today's date by the server's clock.
func (s *Server) decisionToday() time.Time { return sightline.Today(s.Now()) }

func decisionFilterFromQuery(q url.Values) sightline.DecisionFilter {
	item, _ := sightline.ParseIDValue(q.Get("item"))
	return sightline.DecisionFilter{Status: q.Get("status"), ItemID: item, RevisitDue: q.Get("revisit") == "1"}.Normalize()
}

// queryPage reads a page number: 1 when absent, not a number or below 1,
// and at most 100,000 (so that the offset stays an int).
func queryPage(raw string) int {
	n, err := sightline.Atoi(raw)
	if err != nil || n < 1 {
		return 1
	}
	return min(n, 100_000)
}

// handleDecisions is the decision log with its filters and the propose form.
func (s *Server) handleDecisions(w http.ResponseWriter, r *http.Request) error {
	return s.renderDecisions(w, r, http.StatusOK, ui.NewForm())
}

func (s *Server) renderDecisions(w http.ResponseWriter, r *http.Request, status int, f ui.Form) error {
	ctx, ws := r.Context(), state(r).workspace
	q := r.URL.Query()
	d := web.DecisionsData{Filter: decisionFilterFromQuery(q), Form: f, Today: s.decisionToday(),
		Page: queryPage(q.Get("page")), PerPage: decisionsPerPage}
	var err error
	if d.Decisions, d.Total, err = s.db.ListDecisions(ctx, ws.ID, d.Filter, d.Today, d.PerPage, (d.Page-1)*d.PerPage); err != nil {
		return err
	}
	ids := make([]int64, len(d.Decisions))
	for i, x := range d.Decisions {
		ids[i] = x.ID
	}
	if d.Comments, err = s.db.CommentCounts(ctx, ws.ID, "decision", ids); err != nil {
		return err
	}
	if d.Items, err = s.db.DecisionItemChoices(ctx, ws.ID); err != nil {
		return err
	}
	s.render(w, r, status, web.DecisionsPage(s.page(r, "Decisions", "decisions"), d))
	return nil
}

// decisionDraft is the text of a decision form as the domain reads it.
func decisionDraft(f ui.Form) sightline.DecisionDraft {
	return sightline.DecisionDraft{Title: f.Get("title"), Context: f.Get("context"), Options: f.Get("options"),
		Decision: f.Get("decision"), Consequences: f.Get("consequences"), Tradeoff: f.Get("tradeoff")}
}

// handleDecisionCreate records a proposed decision under the next number.
func (s *Server) handleDecisionCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := readForm(w, r, append(decisionTextNames, "revisit_on")...)
	if err != nil {
		return err
	}
	p := sightline.Problems{}
	d := decisionProposal(f, p)
	err = checked(f, p).Err()
	if err == nil {
		created, cerr := s.db.CreateDecision(r.Context(), actor(r), state(r).workspace.ID, d)
		if cerr == nil {
			s.flash(r, "success", created.Ref()+" proposed. Ask the people it affects to state where they stand.")
			return redirect(w, r, paths.Decision(wsSlug(r), created.Number))
		}
		err = cerr
	}
	if sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	return s.renderDecisions(w, r, http.StatusUnprocessableEntity, s.withErrors(r, f, err))
}

// decisionFromPath loads the decision named in the URL by its number ("7",
// "0007" or "ADR-0007"); another workspace's number is not found.
func (s *Server) decisionFromPath(r *http.Request) (*sightline.Decision, error) {
	raw := strings.TrimPrefix(strings.ToUpper(chi.URLParam(r, "number")), "ADR-")
	n, err := sightline.Atoi(strings.TrimLeft(raw, "0")) // "0007" is ADR-0007
	if err != nil || n < 1 {
		return nil, sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
	}
	return pageNotFound(s.db.DecisionByNumber(r.Context(), state(r).workspace.ID, n))
}

// handleDecision shows one decision.
func (s *Server) handleDecision(w http.ResponseWriter, r *http.Request) error {
	d, err := s.decisionFromPath(r)
	if err != nil {
		return err
	}
	data, err := s.decisionData(r, d)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, web.DecisionPage(s.page(r, d.Ref()+": "+d.Title, "decisions"), data))
	return nil
}

// decisionData loads what the decision page shows, in a fixed number of
// queries whatever the number of stances, links or history entries; the
// forms start from the saved values.
func (s *Server) decisionData(r *http.Request, d *sightline.Decision) (web.DecisionData, error) {
	ctx, st := r.Context(), state(r)
	data := web.DecisionData{Decision: d, Forms: decisionForms(d), Today: s.decisionToday()}
	var err error
	if data.Stances, err = s.db.Stances(ctx, st.workspace.ID, d.ID); err != nil {
		return data, err
	}
	if data.Links, err = s.db.DecisionLinks(ctx, st.workspace.ID, d.ID); err != nil {
		return data, err
	}
	if data.History, err = s.db.ItemHistory(ctx, st.workspace.ID, "decision", d.ID, decisionHistoryLimit); err != nil {
		return data, err
	}
	if data.Comments, err = s.comments(r, "decision", d.ID); err != nil {
		return data, err
	}
	var kinds []sightline.RequestKind
	if st.member.Role.Can(sightline.ActionAskStances) && sightline.CanTakeStance(d) == nil {
		kinds = append(kinds, sightline.RequestStance)
	}
	item := web.ItemRef{Type: "decision", ID: d.ID, Title: d.Ref() + ": " + d.Title, Href: paths.Decision(st.workspace.Slug, d.Number)}
	if data.Requests, err = s.requests(r, item, paths.DecisionRequests(st.workspace.Slug, d.Number), nil, kinds...); err != nil {
		return data, err
	}
	if st.member.Role.Can(sightline.ActionEditDecisions) {
		if data.Choices, err = s.db.DecisionChoices(ctx, st.workspace.ID); err != nil {
			return data, err
		}
		data.EpicQuery = postgres.PickerSearch(r.URL.Query().Get("epicq"))
		picker, err := s.db.DecisionEpicChoices(ctx, st.workspace.ID, d.ID, data.EpicQuery, postgres.EpicPickerLimit)
		if err != nil {
			return data, err
		}
		for _, e := range picker.Epics {
			data.Choices.Epics = append(data.Choices.Epics, sightline.Choice{ID: e.ID, Title: web.EpicChoiceLabel(e)})
		}
		data.EpicTotal = picker.Total
	}
	stance := ui.NewForm()
	stance.Values["version"] = "0"
	for i := range data.Stances {
		if data.Stances[i].UserID == st.user.ID {
			mine := data.Stances[i]
			data.Mine = &mine
			stance.Values["stance"], stance.Values["reason"] = mine.Stance, mine.Reason
			stance.Values["version"] = strconv.Itoa(mine.Version)
		}
	}
	data.Forms["stance"] = stance
	return data, nil
}

// decisionForms fills the edit and supersede forms from the saved decision.
func decisionForms(d *sightline.Decision) map[string]ui.Form {
	edit := ui.NewForm()
	for k, v := range decisionEditValues(d) {
		edit.Values[k] = v
	}
	edit.Values["version"] = strconv.Itoa(d.Version)
	supersede := ui.NewForm()
	supersede.Values["context"] = sightline.SupersedeContext(d)
	return map[string]ui.Form{"edit": edit, "supersede": supersede}
}

func decisionEditValues(d *sightline.Decision) map[string]string {
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format("2006-01-02")
	}
	return map[string]string{
		"title": d.Title, "context": d.Context, "options": d.Options, "decision": d.Decision,
		"consequences": d.Consequences, "tradeoff": d.Tradeoff, "status": d.Status,
		"decided_by": epicIDText(d.DecidedByID), "decided_on": day(d.DecidedOn), "revisit_on": day(d.RevisitOn),
	}
}

// renderDecisionRejected re-renders the decision page with a rejected form:
// a stale save shows the conflict panel above the form, which keeps the
// user's input and carries the current version; any other refusal shows its
// message next to the field (422 or 403).
func (s *Server) renderDecisionRejected(w http.ResponseWriter, r *http.Request, d *sightline.Decision, form string, f ui.Form, err error) error {
	switch sightline.ErrorCode(err) {
	case sightline.ECONFLICT:
		cur, cerr := s.db.DecisionByID(r.Context(), state(r).workspace.ID, d.ID)
		if cerr != nil {
			return cerr
		}
		data, derr := s.decisionData(r, cur)
		if derr != nil {
			return derr
		}
		saved := data.Form(form)
		if form == "edit" {
			s.conflicted(r, data.History, mineVersion(f), cur.Version)
		} else {
			s.conflicted(r, nil, 0, 0)
		}
		f.Values["version"] = saved.Get("version")
		data.Forms[form] = f
		data.Conflict = &web.DecisionConflict{Form: form, Fields: decisionConflictFields(form, f, saved, data.Choices)}
		s.render(w, r, http.StatusConflict, web.DecisionPage(s.page(r, cur.Ref()+": "+cur.Title, "decisions"), data))
		return nil
	case sightline.EINVALID, sightline.EFORBIDDEN:
		data, derr := s.decisionData(r, d)
		if derr != nil {
			return derr
		}
		data.Forms[form] = s.withErrors(r, f, err)
		s.render(w, r, errStatus(err), web.DecisionPage(s.page(r, d.Ref()+": "+d.Title, "decisions"), data))
		return nil
	}
	return err
}

// decisionConflictFields lists, for a stale save, what the user typed and
// what is saved now, field by field, in words rather than ids.
func decisionConflictFields(form string, f, saved ui.Form, c *sightline.DecisionChoices) []ui.ConflictField {
	type field struct{ name, label string }
	var fields []field
	switch form {
	case "edit":
		fields = []field{{"title", "Title"}, {"status", "Status"}, {"context", "Context"}, {"options", "Options considered"},
			{"decision", "Decision"}, {"consequences", "Consequences"}, {"tradeoff", "Trade-off"},
			{"decided_by", "Decided by"}, {"decided_on", "Decided on"}, {"revisit_on", "Revisit on"}}
	case "stance":
		fields = []field{{"stance", "Stance"}, {"reason", "Reason"}}
	}
	word := func(name, v string) string {
		switch {
		case v == "":
			return "—"
		case name == "status":
			return sightline.DecisionStatusLabel(v)
		case name == "stance":
			return sightline.StanceLabel(v)
		case name == "decided_by" && c != nil:
			for _, m := range c.Members {
				if strconv.FormatInt(m.UserID, 10) == v {
					return m.Name
				}
			}
		}
		return v
	}
	out := make([]ui.ConflictField, 0, len(fields))
	for _, x := range fields {
		out = append(out, ui.ConflictField{Label: x.label, Mine: word(x.name, f.Get(x.name)), Theirs: word(x.name, saved.Get(x.name))})
	}
	return out
}

// handleDecisionUpdate saves an edit: the record, status, decider and dates,
// with optimistic locking. Accepting or rejecting records today and the
// actor as decider unless the form names them; "superseded" is never set by
// hand.
func (s *Server) handleDecisionUpdate(w http.ResponseWriter, r *http.Request) error {
	d, err := s.decisionFromPath(r)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, append(decisionTextNames, "status", "decided_by", "decided_on", "revisit_on", "version")...)
	if err != nil {
		return err
	}
	p := sightline.Problems{}
	version := versioned(f, p)
	u, today := s.decisionChange(r, d, f, p)
	err = checked(f, p).Err()
	if err == nil {
		var saved *sightline.Decision
		if saved, err = s.db.UpdateDecision(r.Context(), actor(r), state(r).workspace.ID, d.ID, version, u, today); err == nil {
			msg := saved.Ref() + " saved."
			if saved.Status != d.Status {
				msg = saved.Ref() + " is now " + strings.ToLower(sightline.DecisionStatusLabel(saved.Status)) + "."
			}
			s.flash(r, "success", msg)
			return redirect(w, r, paths.Decision(wsSlug(r), saved.Number))
		}
	}
	return s.renderDecisionRejected(w, r, d, "edit", f, err)
}

// decisionProposal reads a new decision from f (the log's form, or the
// API's), proposed; problems added to p.
func decisionProposal(f ui.Form, p sightline.Problems) sightline.Decision {
	d := decisionDraft(f).Parse()
	d.Status = sightline.DecisionProposed
	d.RevisitOn = sightline.ParseStrategyDate(p, "revisit_on", f.Get("revisit_on"), false)
	for k, v := range sightline.CheckDecision(&d) {
		p.Add(k, v)
	}
	return d
}

// decisionChange reads an edit of d from f (the edit form's fields, or the
// API's): the update to save, checked with d's rules (the status moves
// only as CanSetDecisionStatus allows; accepting or rejecting records
// today and the actor as decider unless named), problems added to p.
func (s *Server) decisionChange(r *http.Request, d *sightline.Decision, f ui.Form, p sightline.Problems) (sightline.Decision, time.Time) {
	u := decisionDraft(f).Parse()
	u.Status = f.Get("status")
	u.DecidedByID = sightline.ParseChoice(p, "decided_by", f.Get("decided_by"))
	u.DecidedOn = sightline.ParseStrategyDate(p, "decided_on", f.Get("decided_on"), false)
	u.RevisitOn = sightline.ParseStrategyDate(p, "revisit_on", f.Get("revisit_on"), false)
	if serr := sightline.CanSetDecisionStatus(d, u.Status); serr != nil {
		p.Add("status", sightline.FieldErrors(serr)["status"])
	}
	next := *d
	next.Title, next.Context, next.Options, next.Decision = u.Title, u.Context, u.Options, u.Decision
	next.Consequences, next.Tradeoff = u.Consequences, u.Tradeoff
	next.DecidedByID, next.DecidedOn, next.RevisitOn = u.DecidedByID, u.DecidedOn, u.RevisitOn
	if sightline.ValidDecisionStatus(u.Status) {
		next.Status = u.Status
	}
	today := s.decisionToday()
	sightline.SettleDecision(d, &next, state(r).user.ID, today)
	for k, v := range sightline.CheckDecision(&next) {
		p.Add(k, v)
	}
	return u, today
}

// handleDecisionSupersede replaces the decision with a new, proposed one
// (linked both ways); superseding an already superseded decision is refused
// with a message naming its successor.
func (s *Server) handleDecisionSupersede(w http.ResponseWriter, r *http.Request) error {
	d, err := s.decisionFromPath(r)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "title", "context")
	if err != nil {
		return err
	}
	if err := sightline.CanSupersede(d); err != nil {
		return s.renderDecisionRejected(w, r, d, "supersede", f, err)
	}
	nd := sightline.Decision{Title: f.Get("title"), Context: f.Get("context"), Status: sightline.DecisionProposed}
	err = checked(f, sightline.CheckDecision(&nd)).Err()
	if err == nil {
		var created *sightline.Decision
		if created, err = s.db.SupersedeDecision(r.Context(), actor(r), state(r).workspace.ID, d.ID, nd); err == nil {
			s.flash(r, "success", created.Ref()+" proposed; it supersedes "+d.Ref()+".")
			return redirect(w, r, paths.Decision(wsSlug(r), created.Number))
		}
	}
	return s.renderDecisionRejected(w, r, d, "supersede", f, err)
}

// handleDecisionStance records or changes the member's own stance. Dissent
// needs a reason; it never blocks the decision.
func (s *Server) handleDecisionStance(w http.ResponseWriter, r *http.Request) error {
	d, err := s.decisionFromPath(r)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "stance", "reason", "version")
	if err != nil {
		return err
	}
	p := sightline.CheckStance(f.Get("stance"), f.Get("reason"))
	version, verr := sightline.Atoi(f.Get("version"))
	if verr != nil || version < 0 {
		p.Add("form", "The form is missing its version; reload the page and try again.")
	}
	if serr := sightline.CanTakeStance(d); serr != nil {
		p.Add("form", sightline.ErrorMessage(serr))
	}
	err = checked(f, p).Err()
	if err == nil {
		var saved *sightline.Stance
		if saved, err = s.db.SetStance(r.Context(), actor(r), state(r).workspace.ID, d.ID, version, f.Get("stance"), f.Get("reason")); err == nil {
			s.flash(r, "success", "Your stance on "+d.Ref()+" is recorded: "+strings.ToLower(sightline.StanceLabel(saved.Stance))+".")
			return redirect(w, r, paths.Decision(wsSlug(r), d.Number)+"#stances")
		}
	}
	return s.renderDecisionRejected(w, r, d, "stance", f, err)
}

// handleDecisionLink links the decision to an epic, architecture item,
// concern or strategy shift of this workspace; anything else is refused
// next to the field.
func (s *Server) handleDecisionLink(w http.ResponseWriter, r *http.Request) error {
	d, err := s.decisionFromPath(r)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "target_type", "target_id")
	if err != nil {
		return err
	}
	typ := f.Get("target_type")
	form := "link-" + typ
	p := sightline.Problems{}
	if !sightline.ValidDecisionTarget(typ) {
		form = "link-" + sightline.TargetEpic
		p.Add("target_type", "Choose what to link: an epic, an architecture item, an NFR concern or a strategy shift.")
	}
	targetID, perr := sightline.ParseIDValue(f.Get("target_id"))
	switch {
	case f.Get("target_id") == "":
		p.Add("target_id", "Choose what to link.")
	case perr != nil || targetID < 1:
		p.Add("target_id", "Choose one of the options.")
	}
	err = checked(f, p).Err()
	if err == nil {
		err = s.db.LinkDecision(r.Context(), actor(r), state(r).workspace.ID, d.ID, typ, targetID)
		if err == nil {
			s.flash(r, "success", sightline.DecisionTargetLabel(typ)+" linked to "+d.Ref()+".")
			return redirect(w, r, paths.Decision(wsSlug(r), d.Number)+"#links")
		}
		err = refusedInForm(err)
	}
	return s.renderDecisionRejected(w, r, d, form, f, err)
}

// refusedInForm turns "that id is not in this workspace" from a form field
// into an invalid-input error on that field (a 422 with the message next to
// it), where a URL with the same id would be a 404.
func refusedInForm(err error) error {
	if sightline.ErrorCode(err) == sightline.ENOTFOUND && len(sightline.FieldErrors(err)) > 0 {
		return &sightline.Error{Code: sightline.EINVALID, Message: sightline.ErrorMessage(err), Fields: sightline.FieldErrors(err)}
	}
	return err
}

// handleDecisionUnlink removes a link; unlinking an absent link is a no-op,
// but the decision, the target type and the target must exist in this
// workspace.
func (s *Server) handleDecisionUnlink(w http.ResponseWriter, r *http.Request) error {
	d, err := s.decisionFromPath(r)
	if err != nil {
		return err
	}
	typ := chi.URLParam(r, "targetType")
	if !sightline.ValidDecisionTarget(typ) {
		return sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
	}
	targetID, err := pathID(r, "targetID")
	if err != nil {
		return err
	}
	if err := s.db.UnlinkDecision(r.Context(), actor(r), state(r).workspace.ID, d.ID, typ, targetID); err != nil {
		if sightline.ErrorCode(err) == sightline.ENOTFOUND {
			return sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
		}
		return err
	}
	s.flash(r, "success", sightline.DecisionTargetLabel(typ)+" unlinked from "+d.Ref()+".")
	return redirect(w, r, paths.Decision(wsSlug(r), d.Number)+"#links")
}

// handleDecisionMarkdown downloads the decision as a Markdown ADR file.
func (s *Server) handleDecisionMarkdown(w http.ResponseWriter, r *http.Request) error {
	d, err := s.decisionFromPath(r)
	if err != nil {
		return err
	}
	ws := state(r).workspace
	stances, err := s.db.Stances(r.Context(), ws.ID, d.ID)
	if err != nil {
		return err
	}
	links, err := s.db.DecisionLinks(r.Context(), ws.ID, d.ID)
	if err != nil {
		return err
	}
	body := sightline.DecisionMarkdown(d, stances, links)
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+sightline.DecisionFileName(d)+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(body))
	return nil
}
