package server

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// concernHistoryLimit is how many history entries a concern's page shows.
const concernHistoryLimit = 50

// concernFields are the concern form's fields.
var concernFields = []string{"category", "title", "stimulus", "response", "measure", "target", "current", "status"}

func concernDraft(f ui.Form) sightline.ConcernDraft {
	return sightline.ConcernDraft{Category: f.Get("category"), Title: f.Get("title"), Stimulus: f.Get("stimulus"),
		Response: f.Get("response"), Measure: f.Get("measure"), Target: f.Get("target"), Current: f.Get("current"),
		Status: f.Get("status")}
}

// concernForm fills a form with a saved concern (or a draft).
func concernForm(d sightline.ConcernDraft) ui.Form {
	f := ui.NewForm()
	f.Values["category"], f.Values["title"], f.Values["stimulus"], f.Values["response"] = d.Category, d.Title, d.Stimulus, d.Response
	f.Values["measure"], f.Values["target"], f.Values["current"], f.Values["status"] = d.Measure, d.Target, d.Current, d.Status
	return f
}

func concernFilterFromQuery(q url.Values) sightline.ConcernFilter {
	return sightline.ConcernFilter{Category: q.Get("category"), Status: q.Get("status")}.Normalize()
}

// concernsData loads the register: one query for the concerns (with their
// items and epic counts) and, for editors, one for the item choices.
func (s *Server) concernsData(r *http.Request, f sightline.ConcernFilter) (web.ConcernsData, error) {
	st := state(r)
	d := web.ConcernsData{Filter: f, Form: concernForm(sightline.ConcernDraft{Status: "open"}), Selected: map[int64]bool{}}
	var err error
	if d.Concerns, err = s.db.ListConcerns(r.Context(), st.workspace.ID, f); err != nil {
		return d, err
	}
	ids := make([]int64, len(d.Concerns))
	for i, c := range d.Concerns {
		ids[i] = c.ID
	}
	if d.Comments, err = s.db.CommentCounts(r.Context(), st.workspace.ID, "concern", ids); err != nil {
		return d, err
	}
	if st.member.Role.Can(sightline.ActionEditConcerns) {
		if d.Items, err = s.db.ConcernItemChoices(r.Context(), st.workspace.ID); err != nil {
			return d, err
		}
	}
	return d, nil
}

func (s *Server) renderConcerns(w http.ResponseWriter, r *http.Request, status int, d web.ConcernsData) {
	s.render(w, r, status, web.ConcernsPage(s.page(r, "NFR register", "concerns"), d))
}

// handleConcerns is the NFR register, filtered by category and status.
func (s *Server) handleConcerns(w http.ResponseWriter, r *http.Request) error {
	d, err := s.concernsData(r, concernFilterFromQuery(r.URL.Query()))
	if err != nil {
		return err
	}
	s.renderConcerns(w, r, http.StatusOK, d)
	return nil
}

// handleConcernCreate adds a concern, attached to the items ticked; a
// refused form comes back with the input and the ticks intact.
func (s *Server) handleConcernCreate(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	f, err := readForm(w, r, concernFields...)
	if err != nil {
		return err
	}
	selected := map[int64]bool{}
	var itemIDs []int64
	p := sightline.Problems{}
	for _, v := range r.PostForm["item_id"] {
		id, perr := sightline.ParseIDValue(v)
		if perr != nil || id < 1 {
			p.Add("item_id", "Choose items of this workspace's architecture.")
			continue
		}
		selected[id] = true
		itemIDs = append(itemIDs, id)
	}
	c, err := concernDraft(f).Parse()
	for k, v := range sightline.FieldErrors(err) {
		p.Add(k, v)
	}
	err = checked(f, p).Err()
	if err == nil {
		var saved *sightline.Concern
		if saved, err = s.db.CreateConcern(r.Context(), actor(r), ws.ID, c, itemIDs); err == nil {
			s.flash(r, "success", "Concern added to the register.")
			return redirect(w, r, paths.Concern(ws.Slug, saved.ID))
		}
	}
	if sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	d, derr := s.concernsData(r, sightline.ConcernFilter{})
	if derr != nil {
		return derr
	}
	d.Form, d.Selected = s.withErrors(r, f, err), selected
	s.renderConcerns(w, r, http.StatusUnprocessableEntity, d)
	return nil
}

// concernData loads one concern's page in a fixed number of queries.
func (s *Server) concernData(r *http.Request, c *sightline.Concern) (web.ConcernData, error) {
	ctx, st := r.Context(), state(r)
	d := web.ConcernData{Concern: *c, Form: concernForm(sightline.ConcernDraftOf(*c)), AttachForm: ui.NewForm()}
	d.Form.Values["version"] = strconv.Itoa(c.Version)
	var err error
	if d.Impacts, err = s.db.ImpactsForConcern(ctx, st.workspace.ID, c.ID); err != nil {
		return d, err
	}
	if d.History, err = s.db.ItemHistory(ctx, st.workspace.ID, "concern", c.ID, concernHistoryLimit); err != nil {
		return d, err
	}
	if d.Comments, err = s.comments(r, "concern", c.ID); err != nil {
		return d, err
	}
	if d.Decisions, err = s.db.DecisionsForConcern(ctx, st.workspace.ID, c.ID); err != nil {
		return d, err
	}
	if st.member.Role.Can(sightline.ActionEditConcerns) {
		if d.Items, err = s.db.ConcernItemChoices(ctx, st.workspace.ID); err != nil {
			return d, err
		}
	}
	return d, nil
}

func (s *Server) renderConcern(w http.ResponseWriter, r *http.Request, status int, d web.ConcernData) {
	s.render(w, r, status, web.ConcernPage(s.page(r, d.Concern.Title, "concerns"), d))
}

// handleConcern shows one concern.
func (s *Server) handleConcern(w http.ResponseWriter, r *http.Request) error {
	c, err := byPath(r, "concernID", s.db.ConcernByID)
	if err != nil {
		return err
	}
	d, err := s.concernData(r, c)
	if err != nil {
		return err
	}
	s.renderConcern(w, r, http.StatusOK, d)
	return nil
}

// handleConcernUpdate saves a concern with optimistic locking: a stale save
// comes back as 409 with both versions side by side and the user's input
// in the form, carrying the current version.
func (s *Server) handleConcernUpdate(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	cur, err := byPath(r, "concernID", s.db.ConcernByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, append(concernFields[:len(concernFields):len(concernFields)], "version")...)
	if err != nil {
		return err
	}
	c, perr := concernDraft(f).Parse()
	p := sightline.Problems{}
	for k, v := range sightline.FieldErrors(perr) {
		p.Add(k, v)
	}
	version := versioned(f, p)
	err = checked(f, p).Err()
	if err == nil {
		if _, err = s.db.UpdateConcern(r.Context(), actor(r), ws.ID, cur.ID, version, c); err == nil {
			s.flash(r, "success", "Concern saved.")
			return redirect(w, r, paths.Concern(ws.Slug, cur.ID))
		}
	}
	switch sightline.ErrorCode(err) {
	case sightline.ECONFLICT:
		now, nerr := byPath(r, "concernID", s.db.ConcernByID)
		if nerr != nil {
			return nerr
		}
		d, derr := s.concernData(r, now)
		if derr != nil {
			return derr
		}
		d.Conflict = concernConflict(concernDraft(f), sightline.ConcernDraftOf(*now))
		s.conflicted(r, d.History, mineVersion(f), now.Version)
		f.Values["version"] = strconv.Itoa(now.Version)
		d.Form = f
		s.renderConcern(w, r, http.StatusConflict, d)
		return nil
	case sightline.EINVALID:
		d, derr := s.concernData(r, cur)
		if derr != nil {
			return derr
		}
		d.Form = s.withErrors(r, f, err)
		s.renderConcern(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	return err
}

// concernConflict lists a concern's fields as the user typed them and as saved now.
func concernConflict(mine, theirs sightline.ConcernDraft) []ui.ConflictField {
	return []ui.ConflictField{
		{Label: "Category", Mine: sightline.NFRCategoryLabel(mine.Category), Theirs: sightline.NFRCategoryLabel(theirs.Category)},
		{Label: "Title", Mine: mine.Title, Theirs: theirs.Title},
		{Label: "Stimulus", Mine: mine.Stimulus, Theirs: theirs.Stimulus},
		{Label: "Response", Mine: mine.Response, Theirs: theirs.Response},
		{Label: "Measure", Mine: mine.Measure, Theirs: theirs.Measure},
		{Label: "Target", Mine: mine.Target, Theirs: theirs.Target},
		{Label: "Current value", Mine: mine.Current, Theirs: theirs.Current},
		{Label: "Status", Mine: sightline.ConcernStatusLabel(mine.Status), Theirs: sightline.ConcernStatusLabel(theirs.Status)},
	}
}

// handleConcernItemAttach attaches one of the workspace's architecture
// items to the concern; no item, or another workspace's, is refused next
// to the field.
func (s *Server) handleConcernItemAttach(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	c, err := byPath(r, "concernID", s.db.ConcernByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "item_id")
	if err != nil {
		return err
	}
	itemID, perr := sightline.ParseIDValue(f.Get("item_id"))
	switch {
	case f.Get("item_id") == "":
		err = sightline.Problems{"item_id": "Choose the item to attach."}.Err()
	case perr != nil || itemID < 1:
		err = sightline.Problems{"item_id": "Choose one of this workspace's architecture items."}.Err()
	default:
		err = s.db.AttachConcernItem(r.Context(), actor(r), ws.ID, c.ID, itemID)
	}
	if err == nil {
		s.flash(r, "success", "Item attached.")
		return redirect(w, r, paths.Concern(ws.Slug, c.ID))
	}
	if sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	d, derr := s.concernData(r, c)
	if derr != nil {
		return derr
	}
	d.AttachForm = s.withErrors(r, f, err)
	s.renderConcern(w, r, http.StatusUnprocessableEntity, d)
	return nil
}

// handleConcernItemDetach detaches an item; detaching one that is not
// attached is a no-op, but the concern and the item must be of this workspace.
func (s *Server) handleConcernItemDetach(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	c, err := byPath(r, "concernID", s.db.ConcernByID)
	if err != nil {
		return err
	}
	itemID, err := pathID(r, "itemID")
	if err != nil {
		return err
	}
	if err := s.db.DetachConcernItem(r.Context(), actor(r), ws.ID, c.ID, itemID); err != nil {
		if sightline.ErrorCode(err) == sightline.ENOTFOUND {
			return sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
		}
		return err
	}
	s.flash(r, "success", "Item detached.")
	return redirect(w, r, paths.Concern(ws.Slug, c.ID))
}
