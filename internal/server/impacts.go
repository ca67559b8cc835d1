package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/postgres"
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

// archLinkNext is where a link form returns to: the page it came from when that
// is a page of this workspace, else def.
func archLinkNext(r *http.Request, raw, def string) string {
	if raw == "" {
		return def
	}
	n := safeNext(raw)
	if !strings.HasPrefix(n, paths.Workspace(wsSlug(r))+"/") {
		return def
	}
	return n
}

// archLinkFields are the fields of the link forms.
var archLinkFields = []string{"epic_id", "item_id", "change_kind", "note", "next"}

// handleEpicLinkCreate links an architecture item to the epic in the URL
// (from the epic page). Another workspace's epic is not found; another
// workspace's item is refused next to the field; a second link to the same
// item is a conflict next to it.
func (s *Server) handleEpicLinkCreate(w http.ResponseWriter, r *http.Request) error {
	e, err := byPath(r, "epicID", s.db.EpicByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, archLinkFields...)
	if err != nil {
		return err
	}
	delete(f.Values, "epic_id")
	f.Values["next"] = archLinkNext(r, f.Get("next"), paths.Epic(wsSlug(r), e.ID))
	d := web.ArchLinkFormData{Side: "epic", EpicID: e.ID, EpicTitle: e.Title}
	return s.createArchLink(w, r, f, sightline.ArchLinkDraft{EpicID: strconv.FormatInt(e.ID, 10), ItemID: f.Get("item_id"),
		ChangeKind: f.Get("change_kind"), Note: f.Get("note")}, d)
}

// handleItemLinkCreate links an epic to the architecture item in the URL
// (from the item page), with the same rules.
func (s *Server) handleItemLinkCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "itemID")
	if err != nil {
		return err
	}
	it, err := s.db.LinkableItem(r.Context(), state(r).workspace.ID, id)
	if err != nil {
		if sightline.ErrorCode(err) == sightline.ENOTFOUND {
			return sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
		}
		return err
	}
	f, err := readForm(w, r, archLinkFields...)
	if err != nil {
		return err
	}
	delete(f.Values, "item_id")
	f.Values["next"] = archLinkNext(r, f.Get("next"), paths.ArchItem(wsSlug(r), it.ID))
	d := web.ArchLinkFormData{Side: "item", ItemID: it.ID, ItemName: it.Name}
	return s.createArchLink(w, r, f, sightline.ArchLinkDraft{EpicID: f.Get("epic_id"), ItemID: strconv.FormatInt(it.ID, 10),
		ChangeKind: f.Get("change_kind"), Note: f.Get("note")}, d)
}

func (s *Server) createArchLink(w http.ResponseWriter, r *http.Request, f ui.Form, draft sightline.ArchLinkDraft, d web.ArchLinkFormData) error {
	l, err := draft.Parse()
	err = validated(f, err)
	if err == nil {
		if _, err = s.db.CreateArchLink(r.Context(), actor(r), state(r).workspace.ID, l); err == nil {
			s.flash(r, "success", "Architecture link added.")
			return redirect(w, r, f.Get("next"))
		}
	}
	switch sightline.ErrorCode(err) {
	case sightline.EINVALID, sightline.ECONFLICT:
		d.Form = s.withErrors(r, f, err)
		return s.renderArchLinkForm(w, r, errStatus(err), d)
	}
	return err
}

// renderArchLinkForm shows a refused link form on its own page, with the
// choices its side needs.
func (s *Server) renderArchLinkForm(w http.ResponseWriter, r *http.Request, status int, d web.ArchLinkFormData) error {
	ctx, wsID := r.Context(), state(r).workspace.ID
	var err error
	switch d.Side {
	case "epic":
		d.Items, err = s.db.ConcernItemChoices(ctx, wsID)
	case "item":
		var picker *postgres.EpicPicker
		if picker, err = s.db.ListEpicPicker(ctx, wsID, postgres.EpicPickerOptions{}); err == nil {
			d.Epics = picker.Epics
		}
	}
	if err != nil {
		return err
	}
	area := "epics"
	if d.Side == "item" || strings.HasPrefix(d.Form.Get("next"), paths.Architecture(wsSlug(r))+"/") {
		area = "architecture"
	}
	s.render(w, r, status, web.ArchLinkFormPage(s.page(r, "Architecture link", area), d))
	return nil
}

func archLinkForm(l *sightline.ArchLink, next string) ui.Form {
	f := ui.NewForm()
	f.Values["change_kind"], f.Values["note"], f.Values["next"] = l.ChangeKind, l.Note, next
	f.Values["version"] = strconv.Itoa(l.Version)
	return f
}

// handleArchLinkUpdate saves a link's kind of change and note with
// optimistic locking.
func (s *Server) handleArchLinkUpdate(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	cur, err := byPath(r, "linkID", s.db.ArchLinkByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "change_kind", "note", "version", "next")
	if err != nil {
		return err
	}
	f.Values["next"] = archLinkNext(r, f.Get("next"), paths.Epic(wsSlug(r), cur.EpicID))
	l := sightline.ArchLink{ChangeKind: f.Get("change_kind"), Note: f.Get("note")}
	p := sightline.CheckArchLink(&l)
	version := versioned(f, p)
	err = checked(f, p).Err()
	if err == nil {
		if _, err = s.db.UpdateArchLink(r.Context(), actor(r), ws.ID, cur.ID, version, l); err == nil {
			s.flash(r, "success", "Architecture link saved.")
			return redirect(w, r, f.Get("next"))
		}
	}
	d := web.ArchLinkFormData{Side: "edit", EpicID: cur.EpicID, EpicTitle: cur.EpicTitle, ItemID: cur.ItemID, ItemName: cur.ItemName, LinkID: cur.ID}
	switch sightline.ErrorCode(err) {
	case sightline.ECONFLICT:
		now, nerr := byPath(r, "linkID", s.db.ArchLinkByID)
		if nerr != nil {
			return nerr
		}
		s.conflicted(r, nil, 0, 0)
		d.Conflict = []ui.ConflictField{
			{Label: "Kind of change", Mine: sightline.ChangeKindLabel(f.Get("change_kind")), Theirs: sightline.ChangeKindLabel(now.ChangeKind)},
			{Label: "Note", Mine: f.Get("note"), Theirs: now.Note},
		}
		f.Values["version"] = strconv.Itoa(now.Version)
		d.Form = f
		return s.renderArchLinkForm(w, r, http.StatusConflict, d)
	case sightline.EINVALID:
		d.Form = s.withErrors(r, f, err)
		return s.renderArchLinkForm(w, r, http.StatusUnprocessableEntity, d)
	}
	return err
}

// handleArchLinkDelete removes a link; the version the user saw is required.
func (s *Server) handleArchLinkDelete(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	cur, err := byPath(r, "linkID", s.db.ArchLinkByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "version", "next")
	if err != nil {
		return err
	}
	next := archLinkNext(r, f.Get("next"), paths.Epic(wsSlug(r), cur.EpicID))
	d := web.ArchLinkFormData{Side: "edit", EpicID: cur.EpicID, EpicTitle: cur.EpicTitle, ItemID: cur.ItemID, ItemName: cur.ItemName, LinkID: cur.ID}
	version, err := formVersion(f)
	if err != nil {
		d.Form = archLinkForm(cur, next)
		d.Form.Errors["form"] = sightline.ErrorMessage(err)
		return s.renderArchLinkForm(w, r, http.StatusUnprocessableEntity, d)
	}
	err = s.db.DeleteArchLink(r.Context(), actor(r), ws.ID, cur.ID, version)
	switch sightline.ErrorCode(err) {
	case "":
		s.flash(r, "success", "Architecture link removed.")
		return redirect(w, r, next)
	case sightline.ECONFLICT:
		now, nerr := byPath(r, "linkID", s.db.ArchLinkByID)
		if nerr != nil {
			return nerr
		}
		d.Form = archLinkForm(now, next)
		d.Form.Errors["form"] = "Someone changed this link after you loaded the page. Check it as it is now, and remove it again if it should still go."
		return s.renderArchLinkForm(w, r, http.StatusConflict, d)
	case sightline.ENOTFOUND:
		return sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
	}
	return err
}
