package server

import (
	"net/http"
	"strconv"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// impactFields are the NFR impact form's fields.
var impactFields = []string{"category", "concern_id", "level", "note", "required_work"}

func impactDraft(f ui.Form) sightline.ImpactDraft {
	return sightline.ImpactDraft{Category: f.Get("category"), ConcernID: f.Get("concern_id"), Level: f.Get("level"),
		Note: f.Get("note"), RequiredWork: f.Get("required_work")}
}

func impactForm(i *sightline.NFRImpact) ui.Form {
	d := sightline.ImpactDraftOf(*i)
	f := ui.NewForm()
	f.Values["category"], f.Values["concern_id"], f.Values["level"] = d.Category, d.ConcernID, d.Level
	f.Values["note"], f.Values["required_work"] = d.Note, d.RequiredWork
	f.Values["version"] = strconv.Itoa(i.Version)
	return f
}

// renderImpactForm shows a refused impact form on its own page (the epic
// page belongs to the epic handlers): the input, the messages, or the
// conflict panel.
func (s *Server) renderImpactForm(w http.ResponseWriter, r *http.Request, status int, d web.ImpactFormData) error {
	concerns, err := s.db.ListConcernsForPicker(r.Context(), state(r).workspace.ID)
	if err != nil {
		return err
	}
	d.Concerns = concerns
	title := "Add an NFR impact"
	if d.ImpactID != 0 {
		title = "Edit an NFR impact"
	}
	s.render(w, r, status, web.ImpactFormPage(s.page(r, title, "epics"), d))
	return nil
}

// handleImpactCreate attaches an NFR impact to the epic (architects and
// owners: the route's permission).
func (s *Server) handleImpactCreate(w http.ResponseWriter, r *http.Request) error {
	e, err := byPath(r, "epicID", s.db.EpicByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, impactFields...)
	if err != nil {
		return err
	}
	i, err := impactDraft(f).Parse()
	err = validated(f, s.withConcernProblems(r, i, err))
	if err == nil {
		if _, err = s.db.CreateImpact(r.Context(), actor(r), state(r).workspace.ID, e.ID, i); err == nil {
			s.flash(r, "success", "NFR impact added.")
			return redirect(w, r, paths.Epic(wsSlug(r), e.ID))
		}
	}
	if sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	return s.renderImpactForm(w, r, http.StatusUnprocessableEntity, web.ImpactFormData{EpicID: e.ID, EpicTitle: e.Title, Form: s.withErrors(r, f, err)})
}

// withConcernProblems adds, to a draft already refused, what is wrong with
// the concern it names (another workspace's, or another category), so every
// bad field shows at once. A valid draft is checked by the store.
func (s *Server) withConcernProblems(r *http.Request, i sightline.NFRImpact, err error) error {
	if err == nil || i.ConcernID == nil || sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	p := sightline.Problems{}
	for k, v := range sightline.FieldErrors(err) {
		p.Add(k, v)
	}
	c, cerr := s.db.ConcernByID(r.Context(), state(r).workspace.ID, *i.ConcernID)
	switch sightline.ErrorCode(cerr) {
	case "":
		for k, v := range sightline.ApplyImpactConcern(&i, c.Category, c.Title) {
			p.Add(k, v)
		}
	case sightline.ENOTFOUND:
		p.Add("concern_id", "Choose one of this workspace's concerns, or none.")
	default:
		return cerr
	}
	return p.Err()
}

// impactFromPath loads the epic and the impact named in the URL: the impact
// must belong to that epic of this workspace, else not found.
func (s *Server) impactFromPath(r *http.Request) (*sightline.Epic, *sightline.NFRImpact, error) {
	e, err := byPath(r, "epicID", s.db.EpicByID)
	if err != nil {
		return nil, nil, err
	}
	id, err := pathID(r, "impactID")
	if err != nil {
		return nil, nil, err
	}
	i, err := s.db.ImpactByID(r.Context(), state(r).workspace.ID, e.ID, id)
	if sightline.ErrorCode(err) == sightline.ENOTFOUND {
		return nil, nil, sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
	}
	return e, i, err
}

// handleImpactUpdate saves an NFR impact with optimistic locking; a stale
// save comes back as 409 with both versions and the input kept.
func (s *Server) handleImpactUpdate(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	e, cur, err := s.impactFromPath(r)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, append(impactFields[:len(impactFields):len(impactFields)], "version")...)
	if err != nil {
		return err
	}
	i, perr := impactDraft(f).Parse()
	perr = s.withConcernProblems(r, i, perr)
	p := sightline.Problems{}
	for k, v := range sightline.FieldErrors(perr) {
		p.Add(k, v)
	}
	version := versioned(f, p)
	err = checked(f, p).Err()
	if err == nil {
		if _, err = s.db.UpdateImpact(r.Context(), actor(r), ws.ID, e.ID, cur.ID, version, i); err == nil {
			s.flash(r, "success", "NFR impact saved.")
			return redirect(w, r, paths.Epic(wsSlug(r), e.ID))
		}
	}
	d := web.ImpactFormData{EpicID: e.ID, EpicTitle: e.Title, ImpactID: cur.ID}
	switch sightline.ErrorCode(err) {
	case sightline.ECONFLICT:
		_, now, nerr := s.impactFromPath(r)
		if nerr != nil {
			return nerr
		}
		s.conflicted(r, nil, 0, 0)
		d.Conflict = impactConflict(f, impactForm(now), now)
		f.Values["version"] = strconv.Itoa(now.Version)
		d.Form = f
		return s.renderImpactForm(w, r, http.StatusConflict, d)
	case sightline.EINVALID:
		d.Form = s.withErrors(r, f, err)
		return s.renderImpactForm(w, r, http.StatusUnprocessableEntity, d)
	}
	return err
}

// impactConflict lists an impact's fields as typed and as saved now, the
// concern by its title.
func impactConflict(mine, theirs ui.Form, now *sightline.NFRImpact) []ui.ConflictField {
	concern := func(v string) string {
		if v == "" {
			return "None"
		}
		if now.ConcernID != nil && strconv.FormatInt(*now.ConcernID, 10) == v {
			return now.ConcernTitle
		}
		return "Concern #" + v
	}
	return []ui.ConflictField{
		{Label: "Category", Mine: sightline.NFRCategoryLabel(mine.Get("category")), Theirs: sightline.NFRCategoryLabel(theirs.Get("category"))},
		{Label: "Concern", Mine: concern(mine.Get("concern_id")), Theirs: concern(theirs.Get("concern_id"))},
		{Label: "Level", Mine: sightline.ImpactLevelLabel(mine.Get("level")), Theirs: sightline.ImpactLevelLabel(theirs.Get("level"))},
		{Label: "Note", Mine: mine.Get("note"), Theirs: theirs.Get("note")},
		{Label: "Required work", Mine: mine.Get("required_work"), Theirs: theirs.Get("required_work")},
	}
}

// handleImpactDelete removes an NFR impact. The version the user saw is
// required: without it nothing is removed (422); a stale one is a conflict
// that shows the impact as it is now.
func (s *Server) handleImpactDelete(w http.ResponseWriter, r *http.Request) error {
	e, cur, err := s.impactFromPath(r)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "version")
	if err != nil {
		return err
	}
	d := web.ImpactFormData{EpicID: e.ID, EpicTitle: e.Title, ImpactID: cur.ID}
	version, err := formVersion(f)
	if err != nil {
		d.Form = impactForm(cur)
		d.Form.Errors["form"] = sightline.ErrorMessage(err)
		return s.renderImpactForm(w, r, http.StatusUnprocessableEntity, d)
	}
	err = s.db.DeleteImpact(r.Context(), actor(r), state(r).workspace.ID, e.ID, cur.ID, version)
	switch sightline.ErrorCode(err) {
	case "":
		s.flash(r, "success", "NFR impact removed.")
		return redirect(w, r, paths.Epic(wsSlug(r), e.ID))
	case sightline.ECONFLICT:
		_, now, nerr := s.impactFromPath(r)
		if nerr != nil {
			return nerr
		}
		d.Form = impactForm(now)
		d.Form.Errors["form"] = "Someone changed this NFR impact after you loaded the page. Check it as it is now, and remove it again if it should still go."
		return s.renderImpactForm(w, r, http.StatusConflict, d)
	case sightline.ENOTFOUND:
		return sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
	}
	return err
}
