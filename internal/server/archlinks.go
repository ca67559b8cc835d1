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

// Epic ↔ architecture item links: added from either side, edited and
// removed on their own page when the inline form was refused.

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
