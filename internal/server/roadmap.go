package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/picture"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// roadmapHistoryLimit is how many history entries a roadmap item page shows.
const roadmapHistoryLimit = 50

var roadmapFormFields = []string{"kind", "title", "description", "starts_on", "ends_on", "confidence"}

// roadmapItemDraft is a roadmap item form's fields as the domain reads them.
func roadmapItemDraft(f ui.Form) sightline.RoadmapItemDraft {
	return sightline.RoadmapItemDraft{Kind: f.Get("kind"), Title: f.Get("title"), Description: f.Get("description"),
		Confidence: f.Get("confidence"), StartsOn: f.Get("starts_on"), EndsOn: f.Get("ends_on")}
}

func fillRoadmapForm(f ui.Form, it *sightline.RoadmapItem) {
	f.Values["kind"], f.Values["title"], f.Values["description"] = it.Kind, it.Title, it.Description
	f.Values["starts_on"], f.Values["ends_on"] = it.StartsOn.Format("2006-01-02"), it.EndsOn.Format("2006-01-02")
	f.Values["confidence"] = it.Confidence
	f.Values["version"] = strconv.Itoa(it.Version)
}

// handleRoadmapItemCreate creates a release, milestone or theme.
func (s *Server) handleRoadmapItemCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := readForm(w, r, roadmapFormFields...)
	if err != nil {
		return err
	}
	it, p := roadmapItemDraft(f).Parse()
	err = checked(f, p).Err()
	if err == nil {
		created, cerr := s.db.CreateRoadmapItem(r.Context(), actor(r), state(r).workspace.ID, it)
		if cerr == nil {
			s.flash(r, "success", sightline.RoadmapKindLabel(created.Kind)+" “"+created.Title+"” added to the roadmap.")
			return redirect(w, r, paths.RoadmapItem(wsSlug(r), created.ID))
		}
		err = cerr
	}
	if sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	return s.renderRoadmapTimeline(w, r, http.StatusUnprocessableEntity, s.withErrors(r, f, err))
}

// roadmapItemData loads what a roadmap item's page shows, in a fixed number
// of queries whatever the number of epics or history entries.
func (s *Server) roadmapItemData(r *http.Request, it *sightline.RoadmapItem) (web.RoadmapItemData, error) {
	ctx, st := r.Context(), state(r)
	d := web.RoadmapItemData{Item: it, Form: ui.NewForm(), LinkForm: ui.NewForm()}
	fillRoadmapForm(d.Form, it)
	var err error
	if d.Epics, err = s.db.RoadmapItemEpics(ctx, st.workspace.ID, it.ID); err != nil {
		return d, err
	}
	if d.History, err = s.db.ItemHistory(ctx, st.workspace.ID, "roadmap_item", it.ID, roadmapHistoryLimit); err != nil {
		return d, err
	}
	if d.Comments, err = s.comments(r, "roadmap_item", it.ID); err != nil {
		return d, err
	}
	if st.member.Role.Can(sightline.ActionEditRoadmap) {
		// A bounded picker: at most postgres.EpicPickerLimit open epics not on this item yet.
		picker, err := s.db.ListEpicPicker(ctx, st.workspace.ID, postgres.EpicPickerOptions{Search: r.URL.Query().Get("epicq"), NotOnRoadmapItem: it.ID})
		if err != nil {
			return d, err
		}
		d.EpicChoices = picker.Epics
	}
	return d, nil
}

func (s *Server) renderRoadmapItem(w http.ResponseWriter, r *http.Request, status int, d web.RoadmapItemData) {
	s.render(w, r, status, web.RoadmapItemPage(s.page(r, d.Item.Title, "roadmap"), d))
}

// handleRoadmapItem shows a roadmap item and the epics it delivers.
func (s *Server) handleRoadmapItem(w http.ResponseWriter, r *http.Request) error {
	it, err := byPath(r, "roadmapItemID", s.db.RoadmapItemByID)
	if err != nil {
		return err
	}
	d, err := s.roadmapItemData(r, it)
	if err != nil {
		return err
	}
	s.renderRoadmapItem(w, r, http.StatusOK, d)
	return nil
}

// handleRoadmapItemUpdate saves a roadmap item with optimistic locking: a
// stale save comes back as 409 with both versions and the user's input.
func (s *Server) handleRoadmapItemUpdate(w http.ResponseWriter, r *http.Request) error {
	cur, err := byPath(r, "roadmapItemID", s.db.RoadmapItemByID)
	if err != nil {
		return err
	}
	ws := state(r).workspace
	f, err := readForm(w, r, append(roadmapFormFields, "version")...)
	if err != nil {
		return err
	}
	it, p := roadmapItemDraft(f).Parse()
	version := versioned(f, p)
	err = checked(f, p).Err()
	if err == nil {
		if _, err = s.db.UpdateRoadmapItem(r.Context(), actor(r), ws.ID, cur.ID, version, it); err == nil {
			s.flash(r, "success", "Roadmap item saved.")
			return redirect(w, r, paths.RoadmapItem(wsSlug(r), cur.ID))
		}
	}
	switch sightline.ErrorCode(err) {
	case sightline.ECONFLICT:
		now, cerr := s.db.RoadmapItemByID(r.Context(), ws.ID, cur.ID)
		if cerr != nil {
			return cerr
		}
		d, derr := s.roadmapItemData(r, now)
		if derr != nil {
			return derr
		}
		saved := d.Form
		word := func(name, v string) string {
			switch {
			case v == "":
				return "—"
			case name == "kind":
				return sightline.RoadmapKindLabel(v)
			case name == "confidence":
				return sightline.ConfidenceLabel(v)
			}
			return v
		}
		for _, fld := range []struct{ name, label string }{
			{"kind", "Kind"}, {"title", "Title"}, {"description", "Description"}, {"starts_on", "Start"},
			{"ends_on", "End"}, {"confidence", "Confidence"},
		} {
			d.Conflict = append(d.Conflict, ui.ConflictField{Label: fld.label, Mine: word(fld.name, f.Get(fld.name)), Theirs: word(fld.name, saved.Get(fld.name))})
		}
		s.conflicted(r, d.History, mineVersion(f), now.Version)
		f.Values["version"] = strconv.Itoa(now.Version)
		d.Form = f
		s.renderRoadmapItem(w, r, http.StatusConflict, d)
		return nil
	case sightline.EINVALID:
		d, derr := s.roadmapItemData(r, cur)
		if derr != nil {
			return derr
		}
		d.Form = s.withErrors(r, f, err)
		s.renderRoadmapItem(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	return err
}

// formRefID reads a required id from a select; problems go next to it.
func formRefID(p sightline.Problems, f ui.Form, name, missing string) int64 {
	v := f.Get(name)
	if v == "" {
		p.Add(name, missing)
		return 0
	}
	id, err := sightline.ParseIDValue(v)
	if err != nil || id < 1 {
		p.Add(name, "Choose one of the options.")
		return 0
	}
	return id
}

// handleRoadmapEpicLink adds an epic of this workspace to the roadmap item.
func (s *Server) handleRoadmapEpicLink(w http.ResponseWriter, r *http.Request) error {
	it, err := byPath(r, "roadmapItemID", s.db.RoadmapItemByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "epic_id")
	if err != nil {
		return err
	}
	p := sightline.Problems{}
	epicID := formRefID(p, f, "epic_id", "Choose an epic to add.")
	err = checked(f, p).Err()
	if err == nil {
		if err = s.db.LinkRoadmapEpic(r.Context(), actor(r), state(r).workspace.ID, it.ID, epicID); err == nil {
			s.flash(r, "success", "Epic added to “"+it.Title+"”.")
			return redirect(w, r, paths.RoadmapItem(wsSlug(r), it.ID))
		}
		err = refusedInForm(err)
	}
	if sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	d, derr := s.roadmapItemData(r, it)
	if derr != nil {
		return derr
	}
	d.LinkForm = s.withErrors(r, f, err)
	s.renderRoadmapItem(w, r, http.StatusUnprocessableEntity, d)
	return nil
}

// handleRoadmapEpicUnlink removes an epic from the roadmap item; unlinking
// an absent link is a no-op, but both must be of this workspace. Posted from
// the epic page (from=epic), it leads back there.
func (s *Server) handleRoadmapEpicUnlink(w http.ResponseWriter, r *http.Request) error {
	it, err := byPath(r, "roadmapItemID", s.db.RoadmapItemByID)
	if err != nil {
		return err
	}
	epicID, err := pathID(r, "epicID")
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "from")
	if err != nil {
		return err
	}
	if err := s.db.UnlinkRoadmapEpic(r.Context(), actor(r), state(r).workspace.ID, it.ID, epicID); err != nil {
		if sightline.ErrorCode(err) == sightline.ENOTFOUND {
			return sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
		}
		return err
	}
	s.flash(r, "success", "Epic removed from “"+it.Title+"”.")
	if f.Get("from") == "epic" {
		return redirect(w, r, paths.Epic(wsSlug(r), epicID))
	}
	return redirect(w, r, paths.RoadmapItem(wsSlug(r), it.ID))
}

// handleEpicRoadmapLink links the epic to a roadmap item it delivers into,
// from the epic page, and leads back there. A refused choice comes back on
// a page of its own with the message next to the field.
func (s *Server) handleEpicRoadmapLink(w http.ResponseWriter, r *http.Request) error {
	e, err := byPath(r, "epicID", s.db.EpicByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "roadmap_item_id")
	if err != nil {
		return err
	}
	ws := state(r).workspace
	p := sightline.Problems{}
	itemID := formRefID(p, f, "roadmap_item_id", "Choose the roadmap item this epic delivers into.")
	err = checked(f, p).Err()
	if err == nil {
		if err = s.db.LinkRoadmapEpic(r.Context(), actor(r), ws.ID, itemID, e.ID); err == nil {
			s.flash(r, "success", "Epic linked to the roadmap.")
			return redirect(w, r, paths.Epic(wsSlug(r), e.ID))
		}
		err = refusedInForm(err)
	}
	if sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	d := web.EpicRoadmapLinkData{Epic: e, Form: s.withErrors(r, f, err)}
	if d.Items, err = s.db.RoadmapItemsForEpic(r.Context(), ws.ID, e.ID); err != nil {
		return err
	}
	if d.All, err = s.db.ListRoadmapItems(r.Context(), ws.ID); err != nil {
		return err
	}
	s.render(w, r, http.StatusUnprocessableEntity, web.EpicRoadmapLinkPage(s.page(r, e.Title, "epics"), d))
	return nil
}

// The review pictures: the roadmap timeline and the impact/effort matrix.
// Both read aggregates in a fixed number of queries (timeline: lanes,
// capped epics with the counts, roadmap items, shifts; matrix: filter
// choices, capped epics) and ignore or explain bad query values, never failing.

// handleRoadmapTimeline is the roadmap: the timeline picture, the roadmap
// items and the form to add one.
func (s *Server) handleRoadmapTimeline(w http.ResponseWriter, r *http.Request) error {
	f := ui.NewForm()
	f.Values["kind"], f.Values["confidence"] = "release", "planned"
	return s.renderRoadmapTimeline(w, r, http.StatusOK, f)
}

// renderRoadmapTimeline renders the roadmap page with the create form f
// (its input and errors kept when a create was refused).
func (s *Server) renderRoadmapTimeline(w http.ResponseWriter, r *http.Request, status int, form ui.Form) error {
	ctx, ws := r.Context(), state(r).workspace
	q := r.URL.Query()
	today := s.Now()
	window, note := sightline.ParseTimelineWindow(q.Get("from"), q.Get("to"), today)
	lanes, err := s.db.TimelineLanes(ctx, ws.ID)
	if err != nil {
		return err
	}
	f, fnote := timelineFilterFromQuery(q, lanes)
	f.Window = window
	note = strings.TrimSpace(note + " " + fnote)

	in := picture.TimelineInput{Links: pictureLinks(ws.Slug), Window: window, Today: today, Kind: f.Kind, Status: f.Status}
	for _, l := range lanes {
		if (f.InitiativeID == 0 && !f.NoInitiative) || f.InitiativeID == l.ID {
			in.Lanes = append(in.Lanes, picture.TimelineLane{ID: l.ID, Title: l.Title, Horizon: string(l.Horizon)})
		}
	}
	if f.InitiativeID == 0 {
		in.Lanes = append(in.Lanes, picture.TimelineLane{Title: "No initiative"})
	}
	cellCap := sightline.TimelineCellCapFor(len(in.Lanes), window.Len())
	var counts sightline.TimelineCounts
	if in.Epics, counts, err = s.db.TimelineEpics(ctx, ws.ID, f, cellCap); err != nil {
		return err
	}
	if in.Items, err = s.db.ListRoadmapItems(ctx, ws.ID); err != nil {
		return err
	}
	if in.Items, err = s.roadmapCommentCounts(r, in.Items); err != nil {
		return err
	}
	if in.Shifts, err = s.db.ShiftsBetween(ctx, ws.ID, window.Start(), window.End(), sightline.TimelineShiftLimit); err != nil {
		return err
	}
	d := web.TimelineData{
		Filter: f, From: q.Get("from"), To: q.Get("to"), Note: note, Lanes: lanes,
		Picture: picture.DrawTimeline(in), Counts: counts, Items: in.Items, Form: form,
		Today: sightline.QuarterAt(today), CellCap: cellCap, MaxWindow: sightline.MaxTimelineQuarters,
	}
	s.render(w, r, status, web.RoadmapTimelinePage(s.page(r, "Roadmap", "roadmap"), d))
	return nil
}

// timelineFilterFromQuery reads the lane, kind and status filters. An
// initiative that is not one of the workspace's is ignored with a note, so
// another workspace's id shows nothing of it.
func timelineFilterFromQuery(q url.Values, lanes []sightline.Initiative) (sightline.TimelineFilter, string) {
	f := sightline.TimelineFilter{Kind: sightline.EpicKind(q.Get("kind")), Status: sightline.EpicStatus(q.Get("status"))}
	note := ""
	switch raw := strings.TrimSpace(q.Get("initiative")); raw {
	case "":
	case "none":
		f.NoInitiative = true
	default:
		id, _ := sightline.ParseIDValue(raw)
		for _, l := range lanes {
			if l.ID == id {
				f.InitiativeID = id
			}
		}
		if f.InitiativeID == 0 {
			note = "That initiative is not in this workspace; showing every initiative."
		}
	}
	return f.Normalize(), note
}
