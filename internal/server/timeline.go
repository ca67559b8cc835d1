package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/picture"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

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

// handleMatrix is the impact vs effort picture, filtered like the backlog;
// ?impact=&effort= selects a cell and lists its epics under the picture.
func (s *Server) handleMatrix(w http.ResponseWriter, r *http.Request) error {
	ctx, ws := r.Context(), state(r).workspace
	q := r.URL.Query()
	impact, _ := sightline.Atoi(q.Get("impact"))
	effort, _ := sightline.Atoi(q.Get("effort"))
	f := sightline.MatrixFilter{EpicFilter: epicFilterFromQuery(q), Impact: impact, Effort: effort}.Normalize()
	choices, err := s.db.EpicChoices(ctx, ws.ID)
	if err != nil {
		return err
	}
	data, err := s.db.MatrixEpics(ctx, ws.ID, f)
	if err != nil {
		return err
	}
	p := s.page(r, "Impact vs effort", "matrix")
	d := web.MatrixPageData{Filter: f, Choices: choices, Data: data}
	for _, e := range data.Points {
		if f.HasCell() && *e.Impact == f.Impact && *e.Effort == f.Effort {
			d.Cell, d.CellSize = append(d.Cell, e), e.CellTotal
		}
	}
	d.Picture = picture.DrawMatrix(picture.MatrixInput{Links: pictureLinks(ws.Slug), Points: data.Points, Impact: f.Impact, Effort: f.Effort,
		CellURL: func(impact, effort int) string {
			cell := f
			cell.Impact, cell.Effort = impact, effort
			return paths.Matrix(ws.Slug, cell) + "#mx-cell"
		}})
	s.render(w, r, http.StatusOK, web.MatrixPage(p, d))
	return nil
}

// pictureLinks are the workspace's addresses a picture links to.
func pictureLinks(ws string) picture.Links {
	return picture.Links{
		Epic:        func(id int64) string { return paths.Epic(ws, id) },
		Epics:       func(f sightline.EpicFilter) string { return paths.Epics(ws, f) },
		Initiative:  func(id int64) string { return paths.Initiative(ws, id) },
		RoadmapItem: func(id int64) string { return paths.RoadmapItem(ws, id) },
		Shift:       func(id int64) string { return paths.Shift(ws, id) },
	}
}
