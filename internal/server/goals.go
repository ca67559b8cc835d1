package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

var goalFormFields = []string{"title", "metric", "unit", "baseline", "target", "current", "due_on"}

// goalDraft is a goal form's fields as the domain reads them.
func goalDraft(f ui.Form) sightline.GoalDraft {
	return sightline.GoalDraft{Title: f.Get("title"), Metric: f.Get("metric"), Unit: f.Get("unit"),
		Baseline: f.Get("baseline"), Target: f.Get("target"), Current: f.Get("current"), DueOn: f.Get("due_on")}
}

func fillGoalForm(f ui.Form, g *sightline.Goal) {
	f.Values["title"] = g.Title
	f.Values["metric"] = g.Metric
	f.Values["unit"] = g.Unit
	f.Values["baseline"] = web.GoalNumber(g.Baseline)
	f.Values["target"] = web.GoalNumber(g.Target)
	f.Values["current"] = web.GoalNumber(g.Current)
	f.Values["due_on"] = ""
	if g.DueOn != nil {
		f.Values["due_on"] = g.DueOn.Format("2006-01-02")
	}
	f.Values["version"] = strconv.Itoa(g.Version)
}

func (s *Server) renderGoals(w http.ResponseWriter, r *http.Request, status int, f ui.Form) error {
	goals, err := s.db.ListGoals(r.Context(), state(r).workspace.ID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(goals))
	for i, g := range goals {
		ids[i] = g.ID
	}
	counts, err := s.db.CommentCounts(r.Context(), state(r).workspace.ID, "goal", ids)
	if err != nil {
		return err
	}
	s.render(w, r, status, web.GoalsPage(s.page(r, "Goals", "goals"), web.GoalsData{Goals: goals, Form: f, Comments: counts}))
	return nil
}

func (s *Server) handleGoals(w http.ResponseWriter, r *http.Request) error {
	return s.renderGoals(w, r, http.StatusOK, ui.NewForm())
}

func (s *Server) handleGoalCreate(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	f, err := readForm(w, r, goalFormFields...)
	if err != nil {
		return err
	}
	g, p := goalDraft(f).Parse()
	err = checked(f, p).Err()
	if err == nil {
		var created *sightline.Goal
		created, err = s.db.CreateGoal(r.Context(), actor(r), ws.ID, g)
		if err == nil {
			s.flash(r, "success", fmt.Sprintf("Goal “%s” created.", created.Title))
			return redirect(w, r, paths.Goals(ws.Slug))
		}
	}
	if sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	return s.renderGoals(w, r, http.StatusUnprocessableEntity, s.withErrors(r, f, err))
}

// goalData loads what a goal's page shows: a fixed number of queries.
func (s *Server) goalData(r *http.Request, g *sightline.Goal) (web.GoalData, error) {
	ws := state(r).workspace
	inits, err := s.db.GoalInitiatives(r.Context(), ws.ID, g.ID)
	if err != nil {
		return web.GoalData{}, err
	}
	history, err := s.db.ItemHistory(r.Context(), ws.ID, "goal", g.ID, 50)
	if err != nil {
		return web.GoalData{}, err
	}
	comments, err := s.comments(r, "goal", g.ID)
	if err != nil {
		return web.GoalData{}, err
	}
	d := web.GoalData{Goal: *g, Initiatives: inits, History: history, Comments: comments, Form: ui.NewForm()}
	fillGoalForm(d.Form, g)
	return d, nil
}

func (s *Server) renderGoal(w http.ResponseWriter, r *http.Request, status int, d web.GoalData) {
	s.render(w, r, status, web.GoalPage(s.page(r, d.Goal.Title, "goals"), d))
}

func (s *Server) handleGoal(w http.ResponseWriter, r *http.Request) error {
	g, err := byPath(r, "goalID", s.db.GoalByID)
	if err != nil {
		return err
	}
	d, err := s.goalData(r, g)
	if err != nil {
		return err
	}
	s.renderGoal(w, r, http.StatusOK, d)
	return nil
}

// handleGoalUpdate saves a goal with optimistic locking: a stale save comes
// back as 409 with both versions and the user's input in the form.
func (s *Server) handleGoalUpdate(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	cur, err := byPath(r, "goalID", s.db.GoalByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, append(goalFormFields, "version")...)
	if err != nil {
		return err
	}
	g, p := goalDraft(f).Parse()
	version := versioned(f, p)
	err = checked(f, p).Err()
	if err == nil {
		_, err = s.db.UpdateGoal(r.Context(), actor(r), ws.ID, cur.ID, version, g)
		if err == nil {
			s.flash(r, "success", "Goal saved.")
			return redirect(w, r, paths.Goal(ws.Slug, cur.ID))
		}
	}
	switch sightline.ErrorCode(err) {
	case sightline.ECONFLICT:
		now, cerr := s.db.GoalByID(r.Context(), ws.ID, cur.ID)
		if cerr != nil {
			return cerr
		}
		d, derr := s.goalData(r, now)
		if derr != nil {
			return derr
		}
		saved := ui.NewForm()
		fillGoalForm(saved, now)
		for _, fld := range []struct{ name, label string }{
			{"title", "Title"}, {"metric", "Metric"}, {"baseline", "Baseline"}, {"current", "Current"},
			{"target", "Target"}, {"unit", "Unit"}, {"due_on", "Due date"},
		} {
			d.Conflict = append(d.Conflict, ui.ConflictField{Label: fld.label, Mine: f.Get(fld.name), Theirs: saved.Get(fld.name)})
		}
		s.conflicted(r, d.History, mineVersion(f), now.Version)
		f.Values["version"] = strconv.Itoa(now.Version)
		d.Form = f
		s.renderGoal(w, r, http.StatusConflict, d)
		return nil
	case sightline.EINVALID:
		d, derr := s.goalData(r, cur)
		if derr != nil {
			return derr
		}
		d.Form = s.withErrors(r, f, err)
		s.renderGoal(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	return err
}
