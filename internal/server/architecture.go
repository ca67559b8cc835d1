package server

import (
	"net/http"
	"strconv"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/picture"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// archHistoryLimit is how many history entries the item page shows.
const archHistoryLimit = 50

// archDiagramsKept is how many diagrams a server remembers.
const archDiagramsKept = 32

// archItemFields are the propose and edit forms' fields.
var archItemFields = []string{"kind", "name", "parent_id", "technology", "owner_team", "health", "description", "tech_debt"}

// handleArchitecture shows the hierarchy and the diagram; ?root={id} shows
// one item's subtree (and what it relates to outside it).
func (s *Server) handleArchitecture(w http.ResponseWriter, r *http.Request) error {
	f := ui.NewForm()
	f.Values["health"] = string(sightline.HealthHealthy)
	return s.renderArchitecture(w, r, http.StatusOK, f)
}

// renderArchitecture renders the architecture page with the propose form
// f, in two queries whatever the number of items and relations.
func (s *Server) renderArchitecture(w http.ResponseWriter, r *http.Request, status int, f ui.Form) error {
	ctx, st := r.Context(), state(r)
	items, err := s.db.ListArchItems(ctx, st.workspace.ID)
	if err != nil {
		return err
	}
	if items, err = s.withCommentCounts(r, items); err != nil {
		return err
	}
	d := web.ArchitectureData{Items: items, Form: f, Now: s.Now(),
		CanPropose: st.member.Role.Can(sightline.ActionProposeArchItem)}
	var rootID int64
	if raw := r.URL.Query().Get("root"); raw != "" {
		id, _ := sightline.ParseIDValue(raw)
		for i := range items {
			if items[i].ID == id {
				d.Root, rootID = &items[i], id
			}
		}
		d.RootMissing = d.Root == nil
	}
	d.Tree = sightline.ArchTree(items)
	if d.Root != nil {
		d.Tree = archSubtreeNodes(d.Tree, rootID)
	}
	d.Collapse = d.Root == nil && len(items) > web.ArchCollapseAfter
	slug := st.workspace.Slug
	in := picture.ArchDiagramInput{Items: items, RootID: rootID,
		ItemURL: func(id int64) string { return paths.ArchItem(slug, id) }}
	if st.workspace.RevisionSettled {
		// The revision names every item and relation read (migration
		// 00016): the diagram is found without digesting them, and a
		// diagram found needs no relations read (at xlarge, thousands).
		in.Version = strconv.FormatInt(st.workspace.ID, 10) + ":" + strconv.FormatInt(st.workspace.Revision, 10)
	}
	var found bool
	if d.Diagram, found = s.diagrams.Find(in, slug); !found {
		if in.Relations, err = s.db.ListRelations(ctx, st.workspace.ID); err != nil {
			return err
		}
		d.Diagram = s.diagrams.Build(in, slug)
	}
	d.Relations = d.Diagram.Relations
	title := "Architecture"
	if d.Root != nil {
		title = d.Root.Name + " · Architecture"
	}
	s.render(w, r, status, web.ArchitecturePage(s.page(r, title, "architecture"), d))
	return nil
}

// archSubtreeNodes finds the node of id in the hierarchy: the list shown
// for ?root=.
func archSubtreeNodes(nodes []*sightline.ArchNode, id int64) []*sightline.ArchNode {
	for _, n := range nodes {
		if n.Item.ID == id {
			return []*sightline.ArchNode{n}
		}
		if found := archSubtreeNodes(n.Children, id); found != nil {
			return found
		}
	}
	return nil
}

// archItemDraft is the propose or edit form's fields as the domain reads them.
func archItemDraft(f ui.Form) sightline.ArchItemDraft {
	return sightline.ArchItemDraft{Kind: f.Get("kind"), Name: f.Get("name"), Technology: f.Get("technology"),
		OwnerTeam: f.Get("owner_team"), Health: f.Get("health"), Description: f.Get("description"),
		TechDebt: f.Get("tech_debt"), ParentID: f.Get("parent_id")}
}

// handleArchItemCreate proposes an item (owners, architects and engineers).
func (s *Server) handleArchItemCreate(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	f, err := readForm(w, r, archItemFields...)
	if err != nil {
		return err
	}
	items, err := s.db.ListArchItems(r.Context(), st.workspace.ID)
	if err != nil {
		return err
	}
	it, p := archItemDraft(f).Parse(items, 0)
	err = checked(f, p).Err()
	if err == nil {
		created, cerr := s.db.CreateArchItem(r.Context(), actor(r), st.workspace.ID, it)
		if cerr == nil {
			s.flash(r, "success", created.Kind.Label()+" “"+created.Name+"” added.")
			return redirect(w, r, paths.ArchItem(wsSlug(r), created.ID))
		}
		err = cerr
	}
	if !archFieldRefusal(err) {
		return err
	}
	return s.renderArchitecture(w, r, errStatus(err), s.withErrors(r, f, err))
}

// archFieldRefusal reports whether err is a refusal to show next to the
// form's fields: invalid input, or a taken name (a conflict with fields).
func archFieldRefusal(err error) bool {
	switch sightline.ErrorCode(err) {
	case sightline.EINVALID:
		return true
	case sightline.ECONFLICT:
		return len(sightline.FieldErrors(err)) > 0
	}
	return false
}

// handleArchItem shows one item.
func (s *Server) handleArchItem(w http.ResponseWriter, r *http.Request) error {
	it, err := byPath(r, "itemID", s.db.ArchItemByID)
	if err != nil {
		return err
	}
	d, err := s.archItemData(r, it)
	if err != nil {
		return err
	}
	return s.renderArchItem(w, r, http.StatusOK, d)
}

// renderArchItem renders the item page; other areas re-render it with
// their own form's refusal after setting the sections they own.
func (s *Server) renderArchItem(w http.ResponseWriter, r *http.Request, status int, d web.ArchItemData) error {
	s.render(w, r, status, web.ArchItemPage(s.page(r, d.Item.Name, "architecture"), d))
	return nil
}

// archItemData loads what the item page shows in a fixed number of
// queries (the item, every item for its children, ancestors and selects,
// its relations, its history); the forms start from the saved values.
func (s *Server) archItemData(r *http.Request, it *sightline.ArchItem) (web.ArchItemData, error) {
	ctx, st := r.Context(), state(r)
	d := web.ArchItemData{Item: it, Now: s.Now(), CanEdit: st.member.Role.Can(sightline.ActionEditArchitecture),
		Forms: map[string]ui.Form{"edit": archEditForm(it), "relation": ui.NewForm()}}
	var err error
	if d.Items, err = s.db.ListArchItems(ctx, st.workspace.ID); err != nil {
		return d, err
	}
	for _, x := range d.Items {
		if x.ParentID != nil && *x.ParentID == it.ID {
			d.Children = append(d.Children, x)
		}
	}
	d.Ancestors = sightline.ArchAncestors(d.Items, it.ID)
	if d.In, d.Out, err = s.db.RelationsOfItem(ctx, st.workspace.ID, it.ID); err != nil {
		return d, err
	}
	if d.History, err = s.db.ItemHistory(ctx, st.workspace.ID, "arch_item", it.ID, archHistoryLimit); err != nil {
		return d, err
	}
	if d.Comments, err = s.comments(r, "arch_item", it.ID); err != nil {
		return d, err
	}
	// The sections other areas own: epics that touch the item, its NFR
	// concerns, its decisions (three queries, four when links can be added).
	// Only the workspace and role: s.page would consume the flash message.
	p := ui.Page{Workspace: st.workspace, Role: st.member.Role, User: st.user}
	links, err := s.db.LinksForItem(ctx, st.workspace.ID, it.ID)
	if err != nil {
		return d, err
	}
	canLink := st.member.Role.Can(sightline.ActionEditArchLinks)
	d.EpicsSection = web.ItemEpicsSection(p, it.ID, links, nil, false)
	if canLink {
		// A bounded page of the epics not linked yet, and a search for any other.
		search := postgres.PickerSearch(r.URL.Query().Get("epicq"))
		picker, err := s.db.ListEpicPicker(ctx, st.workspace.ID, postgres.EpicPickerOptions{Search: search, NotLinkedToItem: it.ID})
		if err != nil {
			return d, err
		}
		d.EpicsSection = web.ArchItemEpicPicker(p, it.ID, web.ItemEpicsSection(p, it.ID, links, picker.Epics, true),
			len(picker.Epics), picker.Total, search)
	}
	concerns, err := s.db.ConcernsForItem(ctx, st.workspace.ID, it.ID)
	if err != nil {
		return d, err
	}
	d.ConcernsSection = web.ItemConcernsSection(p, it.ID, concerns)
	decisions, err := s.db.DecisionsForItem(ctx, st.workspace.ID, it.ID)
	if err != nil {
		return d, err
	}
	d.DecisionsSection = web.DecisionsSection(p, decisions)
	return d, nil
}

// archEditForm fills the edit form from the saved item.
func archEditForm(it *sightline.ArchItem) ui.Form {
	f := ui.NewForm()
	for k, v := range archItemValues(it) {
		f.Values[k] = v
	}
	f.Values["version"] = strconv.Itoa(it.Version)
	return f
}

func archItemValues(it *sightline.ArchItem) map[string]string {
	parent := ""
	if it.ParentID != nil {
		parent = strconv.FormatInt(*it.ParentID, 10)
	}
	return map[string]string{"kind": string(it.Kind), "name": it.Name, "parent_id": parent, "technology": it.Technology,
		"owner_team": it.OwnerTeam, "health": string(it.Health), "description": it.Description, "tech_debt": it.TechDebt}
}

// handleArchItemUpdate saves the item with optimistic locking (and marks it
// reviewed). A stale save comes back with the conflict panel, the user's
// input and the current version, so saving again applies it.
func (s *Server) handleArchItemUpdate(w http.ResponseWriter, r *http.Request) error {
	cur, err := byPath(r, "itemID", s.db.ArchItemByID)
	if err != nil {
		return err
	}
	st := state(r)
	f, err := readForm(w, r, append(archItemFields, "version")...)
	if err != nil {
		return err
	}
	items, err := s.db.ListArchItems(r.Context(), st.workspace.ID)
	if err != nil {
		return err
	}
	it, p := archItemDraft(f).Parse(items, cur.ID)
	if it.Kind.Valid() {
		for k, v := range sightline.CheckArchKindChange(cur.Kind, it.Kind, archChildren(items, cur.ID)) {
			p.Add(k, v)
		}
	}
	version := versioned(f, p)
	err = checked(f, p).Err()
	if err == nil {
		var saved *sightline.ArchItem
		if saved, err = s.db.UpdateArchItem(r.Context(), actor(r), st.workspace.ID, cur.ID, version, it); err == nil {
			s.flash(r, "success", "“"+saved.Name+"” saved.")
			return redirect(w, r, paths.ArchItem(wsSlug(r), cur.ID))
		}
	}
	switch {
	case sightline.ErrorCode(err) == sightline.ECONFLICT && !archFieldRefusal(err):
		now, cerr := byPath(r, "itemID", s.db.ArchItemByID)
		if cerr != nil {
			return cerr
		}
		d, derr := s.archItemData(r, now)
		if derr != nil {
			return derr
		}
		s.conflicted(r, d.History, mineVersion(f), now.Version)
		f.Values["version"] = strconv.Itoa(now.Version)
		d.Forms["edit"] = f
		d.Conflict = archConflictFields(f, now, d.Items)
		return s.renderArchItem(w, r, http.StatusConflict, d)
	case archFieldRefusal(err):
		d, derr := s.archItemData(r, cur)
		if derr != nil {
			return derr
		}
		d.Forms["edit"] = s.withErrors(r, f, err)
		return s.renderArchItem(w, r, errStatus(err), d)
	}
	return err
}

// archConflictFields lists, for a stale save, what the user typed and what
// is saved now, field by field, with names rather than ids.
func archConflictFields(f ui.Form, now *sightline.ArchItem, items []sightline.ArchItem) []ui.ConflictField {
	saved := archItemValues(now)
	name := func(field, v string) string {
		if v == "" {
			return "—"
		}
		switch field {
		case "kind":
			return sightline.ItemKind(v).Label()
		case "health":
			return sightline.Health(v).Label()
		case "parent_id":
			for _, it := range items {
				if strconv.FormatInt(it.ID, 10) == v {
					return it.Name
				}
			}
		}
		return v
	}
	labels := []struct{ field, label string }{{"kind", "Kind"}, {"name", "Name"}, {"parent_id", "Parent"}, {"technology", "Technology"},
		{"owner_team", "Owner team"}, {"health", "Health"}, {"description", "Description"}, {"tech_debt", "Tech-debt notes"}}
	out := make([]ui.ConflictField, 0, len(labels))
	for _, x := range labels {
		out = append(out, ui.ConflictField{Label: x.label, Mine: name(x.field, f.Get(x.field)), Theirs: name(x.field, saved[x.field])})
	}
	return out
}

// handleRelationCreate adds a relation out of the item to another item of
// the workspace.
func (s *Server) handleRelationCreate(w http.ResponseWriter, r *http.Request) error {
	it, err := byPath(r, "itemID", s.db.ArchItemByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "target_id", "label", "technology")
	if err != nil {
		return err
	}
	rel := sightline.ArchRelation{Label: f.Get("label"), Technology: f.Get("technology")}
	p := sightline.Problems{}
	if raw := f.Get("target_id"); raw != "" {
		id, perr := sightline.ParseIDValue(raw)
		if perr != nil || id < 1 {
			p.Add("target_id", "Choose one of the options.")
		} else {
			rel.TargetID = id
		}
	}
	for k, v := range sightline.CheckRelation(it.ID, &rel) {
		p.Add(k, v)
	}
	err = checked(f, p).Err()
	if err == nil {
		var created *sightline.ArchRelation
		if created, err = s.db.CreateRelation(r.Context(), actor(r), state(r).workspace.ID, it.ID, rel); err == nil {
			s.flash(r, "success", "Relation added: "+created.SourceName+" → "+created.TargetName+".")
			return redirect(w, r, paths.ArchItem(wsSlug(r), it.ID)+"#add-relation")
		}
	}
	if !archFieldRefusal(err) {
		return err
	}
	d, derr := s.archItemData(r, it)
	if derr != nil {
		return derr
	}
	d.Forms["relation"] = s.withErrors(r, f, err)
	return s.renderArchItem(w, r, errStatus(err), d)
}

// handleRelationDelete removes a relation into or out of the item. It must
// be the item's and the workspace's (else not found), and the form must
// carry the version the page showed: an empty form deletes nothing.
func (s *Server) handleRelationDelete(w http.ResponseWriter, r *http.Request) error {
	it, err := byPath(r, "itemID", s.db.ArchItemByID)
	if err != nil {
		return err
	}
	relID, err := pathID(r, "relationID")
	if err != nil {
		return err
	}
	ws := state(r).workspace
	rel, err := s.db.RelationOfItem(r.Context(), ws.ID, it.ID, relID)
	if sightline.ErrorCode(err) == sightline.ENOTFOUND {
		return sightline.Errorf(sightline.ENOTFOUND, "That relation does not exist (it may have been deleted already).")
	}
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "version")
	if err != nil {
		return err
	}
	version, err := formVersion(f)
	if err == nil {
		err = s.db.DeleteRelation(r.Context(), actor(r), ws.ID, it.ID, relID, version)
	}
	switch sightline.ErrorCode(err) {
	case "":
		s.flash(r, "success", "Relation removed: "+rel.SourceName+" → "+rel.TargetName+": "+rel.Label+".")
		return redirect(w, r, paths.ArchItem(wsSlug(r), it.ID))
	case sightline.ENOTFOUND:
		return sightline.Errorf(sightline.ENOTFOUND, "That relation does not exist (it may have been deleted already).")
	case sightline.EINVALID, sightline.ECONFLICT:
		d, derr := s.archItemData(r, it)
		if derr != nil {
			return derr
		}
		msg := sightline.ErrorMessage(err)
		if sightline.ErrorCode(err) == sightline.ECONFLICT {
			msg = "This relation changed since the page was loaded; check it and delete again."
		}
		d.RelationErrors = map[int64]string{relID: msg}
		return s.renderArchItem(w, r, errStatus(err), d)
	}
	return err
}
