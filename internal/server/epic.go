package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// One epic: its page, the product and technical forms, status, estimate,
// commitment, the feasibility check-in and its customer pain.

// handleEpic shows one epic.
func (s *Server) handleEpic(w http.ResponseWriter, r *http.Request) error {
	e, err := byPath(r, "epicID", s.db.EpicByID)
	if err != nil {
		return err
	}
	d, err := s.epicData(r, e)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, web.EpicPage(s.page(r, e.Title, "epics"), d))
	return nil
}

// epicData loads what the epic page shows, in a fixed number of queries
// whatever the number of pains or history entries; the forms start from the
// saved values.
func (s *Server) epicData(r *http.Request, e *sightline.Epic) (web.EpicData, error) {
	ctx, st := r.Context(), state(r)
	role := st.member.Role
	q := r.URL.Query()
	d := web.EpicData{Epic: e, Forms: epicForms(e), PainPage: queryPage(q.Get("painpage")), PainsPerPage: epicPainsPerPage}
	var err error
	if d.Pains, err = s.db.PainsForEpicPage(ctx, st.workspace.ID, e.ID, d.PainsPerPage, (d.PainPage-1)*d.PainsPerPage); err != nil {
		return d, err
	}
	if d.History, err = s.db.ItemHistory(ctx, st.workspace.ID, "epic", e.ID, epicHistoryLimit); err != nil {
		return d, err
	}
	if d.Comments, err = s.comments(r, "epic", e.ID); err != nil {
		return d, err
	}
	if role.Can(sightline.ActionEditEpicProduct) || role.Can(sightline.ActionEditEpicTech) {
		if d.Choices, err = s.db.EpicChoices(ctx, st.workspace.ID); err != nil {
			return d, err
		}
	}
	item := web.ItemRef{Type: "epic", ID: e.ID, Title: e.Title, Href: paths.Epic(st.workspace.Slug, e.ID)}
	var members []sightline.Membership
	if d.Choices != nil {
		for _, m := range d.Choices.Members {
			members = append(members, sightline.Membership{UserID: m.UserID, UserName: m.Name, Role: m.Role})
		}
	}
	if d.Requests, err = s.requests(r, item, paths.EpicRequests(st.workspace.Slug, e.ID), members, epicAskKinds(role, e)...); err != nil {
		return d, err
	}
	if role.Can(sightline.ActionLinkPains) {
		d.PainQuery = postgres.PickerSearch(q.Get("painq"))
		picker, err := s.db.ListPainsForPicker(ctx, st.workspace.ID, e.ID, d.PainQuery, epicPainPickerLimit)
		if err != nil {
			return d, err
		}
		d.PainChoices, d.PainChoiceTotal, d.PainChoiceAtLeast = picker.Pains, picker.Total, picker.AtLeast
	}
	// Read whether or not the epic is estimated (the notice needs them only
	// without an estimate): the page's queries depend on the role alone.
	if role.Can(sightline.ActionCommitEpic) {
		if d.Estimators, err = s.db.EstimatorNames(ctx, st.workspace.ID); err != nil {
			return d, err
		}
	}
	if d.Architecture, err = s.epicArchitecture(r, e.ID); err != nil {
		return d, err
	}
	return d, nil
}

// epicForms fills every form of the epic page from the saved epic.
func epicForms(e *sightline.Epic) map[string]ui.Form {
	v := strconv.Itoa(e.Version)
	mk := func(vals map[string]string) ui.Form {
		f := ui.NewForm()
		for k, x := range vals {
			f.Values[k] = x
		}
		f.Values["version"] = v
		return f
	}
	committed := ""
	if e.CommittedOn != nil {
		committed = e.CommittedOn.Format("2006-01-02")
	}
	outcome := ""
	if e.Feasibility != sightline.FeasibilityNotRequested {
		outcome = string(e.Feasibility)
	}
	return map[string]ui.Form{
		"product":     mk(epicProductValues(e)),
		"technical":   mk(map[string]string{"tech_owner_id": epicIDText(e.TechOwnerID), "effort": epicScoreText(e.Effort), "enables": e.Enables}),
		"status":      mk(map[string]string{"status": string(e.Status)}),
		"estimate":    mk(map[string]string{"size": e.EstimateSize, "estimate_note": e.EstimateNote}),
		"commit":      mk(map[string]string{"committed_on": committed}),
		"feasibility": mk(map[string]string{"outcome": outcome, "note": e.FeasibilityNote}),
		"link":        mk(nil),
	}
}

func epicProductValues(e *sightline.Epic) map[string]string {
	return map[string]string{
		"title": e.Title, "problem": e.Problem, "why_now": e.WhyNow, "enables": e.Enables,
		"success_criteria": e.SuccessCriteria, "initiative_id": epicIDText(e.InitiativeID),
		"pm_owner_id": epicIDText(e.PMOwnerID), "impact": epicScoreText(e.Impact),
		"target_quarter": e.TargetQuarter, "shift_id": epicIDText(e.ShiftID),
	}
}

// renderEpicRejected re-renders the epic page with a rejected form: a stale
// version shows the conflict panel above the form, which keeps the user's
// input and carries the current version (so saving again applies it); any
// other refusal shows its message next to the field (403 or 422).
func (s *Server) renderEpicRejected(w http.ResponseWriter, r *http.Request, e *sightline.Epic, form string, f ui.Form, err error) error {
	code := sightline.ErrorCode(err)
	switch code {
	case sightline.ECONFLICT:
		cur, cerr := byPath(r, "epicID", s.db.EpicByID)
		if cerr != nil {
			return cerr
		}
		d, derr := s.epicData(r, cur)
		if derr != nil {
			return derr
		}
		s.conflicted(r, d.History, mineVersion(f), cur.Version)
		f.Values["version"] = strconv.Itoa(cur.Version)
		d.Forms[form] = f
		d.Conflict = &web.EpicConflict{Form: form, Fields: epicConflictFields(form, f, cur, d.Choices)}
		s.render(w, r, http.StatusConflict, web.EpicPage(s.page(r, cur.Title, "epics"), d))
		return nil
	case sightline.EINVALID, sightline.EFORBIDDEN:
		d, derr := s.epicData(r, e)
		if derr != nil {
			return derr
		}
		d.Forms[form] = s.withErrors(r, f, err)
		s.render(w, r, errStatus(err), web.EpicPage(s.page(r, e.Title, "epics"), d))
		return nil
	}
	return err
}

// epicConflictFields lists, for a stale save, what the user typed and what
// is saved now, field by field, with names rather than ids.
func epicConflictFields(form string, f ui.Form, cur *sightline.Epic, choices *sightline.EpicChoices) []ui.ConflictField {
	saved := epicForms(cur)[form]
	type field struct{ name, label string }
	var fields []field
	switch form {
	case "product":
		fields = []field{{"title", "Title"}, {"problem", "Problem"}, {"why_now", "Why now"}, {"enables", "What it enables"},
			{"success_criteria", "Success criteria"}, {"initiative_id", "Initiative"}, {"pm_owner_id", "Product owner"},
			{"impact", "Impact"}, {"target_quarter", "Target quarter"}, {"shift_id", "Prompting shift"}}
	case "technical":
		fields = []field{{"tech_owner_id", "Technical owner"}, {"effort", "Effort"}, {"enables", "What it enables"}}
	case "status":
		fields = []field{{"status", "Status"}}
	case "estimate":
		fields = []field{{"size", "Size"}, {"estimate_note", "Why it is complex"}}
	case "commit":
		fields = []field{{"committed_on", "Committed date"}}
	case "feasibility":
		fields = []field{{"outcome", "Feasibility"}, {"note", "Note"}}
	}
	out := make([]ui.ConflictField, 0, len(fields))
	for _, x := range fields {
		if _, posted := f.Values[x.name]; !posted {
			continue
		}
		out = append(out, ui.ConflictField{Label: x.label,
			Mine: epicChoiceName(x.name, f.Get(x.name), choices), Theirs: epicChoiceName(x.name, saved.Get(x.name), choices)})
	}
	return out
}

// epicChoiceName shows a select's value as people read it.
func epicChoiceName(field, v string, c *sightline.EpicChoices) string {
	if v == "" {
		return "—"
	}
	id, _ := sightline.ParseIDValue(v)
	if c != nil {
		switch field {
		case "initiative_id":
			for _, x := range c.Initiatives {
				if x.ID == id {
					return x.Title
				}
			}
		case "shift_id":
			for _, x := range c.Shifts {
				if x.ID == id {
					return x.Title
				}
			}
		case "pm_owner_id", "tech_owner_id":
			for _, m := range c.Members {
				if m.UserID == id {
					return m.Name
				}
			}
		}
	}
	switch field {
	case "status":
		return sightline.EpicStatus(v).Label()
	case "outcome":
		return sightline.Feasibility(v).Label()
	}
	return v
}

// epicProductFields are the product form's fields.
var epicProductFields = []string{"title", "problem", "why_now", "enables", "success_criteria",
	"initiative_id", "pm_owner_id", "impact", "target_quarter", "shift_id", "version", "revalidate"}

// handleEpicUpdate saves the product fields, or (revalidate=1) records that
// a PM confirmed the epic still holds after a later strategy shift.
func (s *Server) handleEpicUpdate(w http.ResponseWriter, r *http.Request) error {
	e, err := byPath(r, "epicID", s.db.EpicByID)
	if err != nil {
		return err
	}
	ws := state(r).workspace
	f, err := readForm(w, r, epicProductFields...)
	if err != nil {
		return err
	}
	revalidate := f.Get("revalidate") == "1"
	delete(f.Values, "revalidate")
	version, verr := formVersion(f)
	if revalidate {
		if verr != nil {
			return verr
		}
		if _, err := s.db.RevalidateEpic(r.Context(), actor(r), ws.ID, e.ID, version); err != nil {
			if sightline.ErrorCode(err) == sightline.ECONFLICT {
				s.flash(r, "error", "Someone changed this epic meanwhile; check it again and confirm.")
				return redirect(w, r, paths.Epic(wsSlug(r), e.ID))
			}
			return err
		}
		s.flash(r, "success", "Confirmed: the epic still holds under the current strategy.")
		return redirect(w, r, paths.Epic(wsSlug(r), e.ID))
	}
	u, p := epicDraft(f).Product()
	f.Values["target_quarter"] = u.TargetQuarter
	if verr != nil {
		p.Add("form", sightline.ErrorMessage(verr))
	}
	next := *e
	u.Apply(&next)
	for k, v := range sightline.CheckEpic(&next) {
		p.Add(k, v)
	}
	err = checked(f, p).Err()
	if err == nil {
		if _, err = s.db.UpdateEpicProduct(r.Context(), actor(r), ws.ID, e.ID, version, u); err == nil {
			s.flash(r, "success", "Epic saved.")
			return redirect(w, r, paths.Epic(wsSlug(r), e.ID))
		}
	}
	return s.renderEpicRejected(w, r, e, "product", f, err)
}

// handleEpicTechnical saves the technical owner, effort and (enablers) what
// it enables.
func (s *Server) handleEpicTechnical(w http.ResponseWriter, r *http.Request) error {
	var u sightline.EpicTechnical
	return s.epicForm(w, r, "technical", []string{"tech_owner_id", "effort", "enables", "version"},
		func(e *sightline.Epic, f ui.Form) (sightline.Problems, error) {
			p := sightline.Problems{}
			u = sightline.EpicTechnical{
				TechOwnerID: sightline.ParseChoice(p, "tech_owner_id", f.Get("tech_owner_id")),
				Effort:      sightline.ParseScore(p, "effort", f.Get("effort")),
				Enables:     e.Enables,
			}
			if r.PostForm.Has("enables") {
				u.Enables = f.Get("enables")
			} else {
				// The form shows "what it enables" for enablers only; keep the saved text.
				delete(f.Values, "enables")
			}
			next := *e
			u.Apply(&next)
			for k, v := range sightline.CheckEpic(&next) {
				p.Add(k, v)
			}
			return p, nil
		},
		func(ctx context.Context, e *sightline.Epic, _ ui.Form, version int) (string, error) {
			_, err := s.db.UpdateEpicTechnical(ctx, actor(r), state(r).workspace.ID, e.ID, version, u)
			return "Technical fields saved.", err
		})
}

// handleEpicStatus moves the epic; ready and beyond need the feasibility
// check-in done or waived, and the refusal says who can do that.
func (s *Server) handleEpicStatus(w http.ResponseWriter, r *http.Request) error {
	return s.epicForm(w, r, "status", []string{"status", "version"},
		func(e *sightline.Epic, f ui.Form) (sightline.Problems, error) {
			return sightline.Problems{}, sightline.CanSetStatus(e, sightline.EpicStatus(f.Get("status")))
		},
		func(ctx context.Context, e *sightline.Epic, f ui.Form, version int) (string, error) {
			to := sightline.EpicStatus(f.Get("status"))
			_, err := s.db.SetEpicStatus(ctx, actor(r), state(r).workspace.ID, e.ID, version, to)
			return "Status set to " + strings.ToLower(to.Label()) + ".", err
		})
}

// handleEpicEstimate records an engineer's or architect's estimate.
func (s *Server) handleEpicEstimate(w http.ResponseWriter, r *http.Request) error {
	return s.epicForm(w, r, "estimate", []string{"size", "estimate_note", "version"},
		func(_ *sightline.Epic, f ui.Form) (sightline.Problems, error) {
			f.Values["size"] = strings.ToUpper(f.Get("size"))
			return sightline.CheckEstimate(f.Get("size"), f.Get("estimate_note")), nil
		},
		func(ctx context.Context, e *sightline.Epic, f ui.Form, version int) (string, error) {
			_, err := s.db.EstimateEpic(ctx, actor(r), state(r).workspace.ID, e.ID, version, f.Get("size"), f.Get("estimate_note"))
			return "Estimate saved: " + f.Get("size") + ".", err
		})
}

// handleEpicCommit commits the epic to a date (or removes the date). No date
// without engineering input: the store refuses until the epic is estimated
// and names who can estimate.
func (s *Server) handleEpicCommit(w http.ResponseWriter, r *http.Request) error {
	var on *time.Time
	return s.epicForm(w, r, "commit", []string{"committed_on", "clear", "version"},
		func(_ *sightline.Epic, f ui.Form) (sightline.Problems, error) {
			clear := f.Get("clear") == "1"
			delete(f.Values, "clear")
			p := sightline.Problems{}
			if clear {
				f.Values["committed_on"] = ""
				return p, nil
			}
			t, perr := time.Parse("2006-01-02", f.Get("committed_on"))
			switch {
			case f.Get("committed_on") == "":
				p.Add("committed_on", "Pick the date to commit to.")
			case perr != nil:
				p.Add("committed_on", "Write the date as YYYY-MM-DD.")
			default:
				on = &t
			}
			return p, nil
		},
		func(ctx context.Context, e *sightline.Epic, _ ui.Form, version int) (string, error) {
			_, err := s.db.CommitEpic(ctx, actor(r), state(r).workspace.ID, e.ID, version, on)
			if on == nil {
				return "Committed date removed.", err
			}
			return "Committed to " + on.Format("2 Jan 2006") + ".", err
		})
}

// handleEpicFeasibility records the feasibility check-in: who may record
// which outcome is sightline.FeasibilityAllowed.
func (s *Server) handleEpicFeasibility(w http.ResponseWriter, r *http.Request) error {
	return s.epicForm(w, r, "feasibility", []string{"outcome", "note", "version"},
		func(e *sightline.Epic, f ui.Form) (sightline.Problems, error) {
			outcome := sightline.Feasibility(f.Get("outcome"))
			if err := sightline.FeasibilityAllowed(state(r).member.Role, outcome); err != nil {
				if sightline.ErrorCode(err) == sightline.EFORBIDDEN {
					msg := sightline.ErrorMessage(err)
					err = &sightline.Error{Code: sightline.EFORBIDDEN, Message: msg, Fields: map[string]string{"outcome": msg}}
				}
				return nil, err
			}
			return sightline.CheckFeasibility(e, outcome, f.Get("note")), nil
		},
		func(ctx context.Context, e *sightline.Epic, f ui.Form, version int) (string, error) {
			outcome := sightline.Feasibility(f.Get("outcome"))
			_, err := s.db.RecordFeasibility(ctx, actor(r), state(r).workspace.ID, e.ID, version, outcome, f.Get("note"))
			return "Feasibility check-in: " + strings.ToLower(outcome.Label()) + ".", err
		})
}

// epicForm is one of the planning forms of an epic's page. The epic comes
// from the URL and the form is read; check names the problems of the input
// (or refuses it outright); with none, save runs with the version the form
// was loaded with and the epic's page says what it did. Otherwise the page
// comes back with the user's input and a message next to each bad field.
func (s *Server) epicForm(w http.ResponseWriter, r *http.Request, form string, fields []string,
	check func(e *sightline.Epic, f ui.Form) (sightline.Problems, error),
	save func(ctx context.Context, e *sightline.Epic, f ui.Form, version int) (flash string, err error)) error {
	e, err := byPath(r, "epicID", s.db.EpicByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, fields...)
	if err != nil {
		return err
	}
	p, err := check(e, f)
	if err == nil {
		version := versioned(f, p)
		if err = checked(f, p).Err(); err == nil {
			var msg string
			if msg, err = save(r.Context(), e, f, version); err == nil {
				s.flash(r, "success", msg)
				return redirect(w, r, paths.Epic(wsSlug(r), e.ID))
			}
		}
	}
	return s.renderEpicRejected(w, r, e, form, f, err)
}

// handleEpicPainLink links a pain of this workspace to the epic.
func (s *Server) handleEpicPainLink(w http.ResponseWriter, r *http.Request) error {
	e, err := byPath(r, "epicID", s.db.EpicByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "pain_id")
	if err != nil {
		return err
	}
	if f.Get("pain_id") == "" {
		return s.renderEpicRejected(w, r, e, "link", f, sightline.Problems{"pain_id": "Choose a pain to link."}.Err())
	}
	painID, err := sightline.ParseIDValue(f.Get("pain_id"))
	if err != nil || painID < 1 {
		return sightline.Errorf(sightline.ENOTFOUND, "That pain note does not exist.")
	}
	if _, err := s.db.PainByID(r.Context(), state(r).workspace.ID, painID); err != nil {
		return err
	}
	if err := s.db.LinkPain(r.Context(), actor(r), state(r).workspace.ID, e.ID, painID); err != nil {
		return err
	}
	s.flash(r, "success", "Customer pain linked.")
	return redirect(w, r, paths.Epic(wsSlug(r), e.ID))
}

// handleEpicPainUnlink removes a pain's link; unlinking an absent link is a
// no-op, but both must be of this workspace.
func (s *Server) handleEpicPainUnlink(w http.ResponseWriter, r *http.Request) error {
	e, err := byPath(r, "epicID", s.db.EpicByID)
	if err != nil {
		return err
	}
	painID, err := pathID(r, "painID")
	if err != nil {
		return err
	}
	if _, err := s.db.PainByID(r.Context(), state(r).workspace.ID, painID); err != nil {
		return err
	}
	if err := s.db.UnlinkPain(r.Context(), actor(r), state(r).workspace.ID, e.ID, painID); err != nil {
		return err
	}
	s.flash(r, "success", "Customer pain unlinked.")
	return redirect(w, r, paths.Epic(wsSlug(r), e.ID))
}

func epicIDText(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}

func epicScoreText(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

// epicArchitecture loads the architecture side of the epic page: four
// queries, plus one per select its forms need.
func (s *Server) epicArchitecture(r *http.Request, epicID int64) (*web.EpicArch, error) {
	ctx, st := r.Context(), state(r)
	ws, role := st.workspace.ID, st.member.Role
	a := &web.EpicArch{EpicID: epicID,
		CanLinks:   role.Can(sightline.ActionEditArchLinks),
		CanImpacts: role.Can(sightline.ActionEditImpacts),
		CanRoadmap: role.Can(sightline.ActionEditRoadmap)}
	var err error
	if a.Links, err = s.db.LinksForEpic(ctx, ws, epicID); err != nil {
		return nil, err
	}
	if a.Impacts, err = s.db.ImpactsForEpic(ctx, ws, epicID); err != nil {
		return nil, err
	}
	if a.Roadmap, err = s.db.RoadmapItemsForEpic(ctx, ws, epicID); err != nil {
		return nil, err
	}
	if a.Decisions, err = s.db.DecisionsForEpic(ctx, ws, epicID); err != nil {
		return nil, err
	}
	if a.CanLinks {
		if a.Items, err = s.db.ListArchItemsForPicker(ctx, ws); err != nil {
			return nil, err
		}
	}
	if a.CanImpacts {
		if a.Concerns, err = s.db.ListConcernsForPicker(ctx, ws); err != nil {
			return nil, err
		}
	}
	if a.CanRoadmap {
		if a.AllRoadmap, err = s.db.ListRoadmapItems(ctx, ws); err != nil {
			return nil, err
		}
	}
	return a, nil
}
