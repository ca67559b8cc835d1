package server

import (
	"net/http"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/picture"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
)

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
