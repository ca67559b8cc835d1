package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// strategyData loads what the strategy page shows (four queries, whatever
// the number of shifts); forms start from the saved values.
func (s *Server) strategyData(r *http.Request) (web.StrategyData, error) {
	st := state(r)
	ws := st.workspace
	pressures, err := s.db.ListPressures(r.Context(), ws.ID)
	if err != nil {
		return web.StrategyData{}, err
	}
	shifts, err := s.db.ListShifts(r.Context(), ws.ID)
	if err != nil {
		return web.StrategyData{}, err
	}
	members, err := s.db.ListMembers(r.Context(), ws.ID)
	if err != nil {
		return web.StrategyData{}, err
	}
	d := web.StrategyData{
		Pressures: pressures, Shifts: shifts, Members: members, UserID: st.user.ID, Today: s.Now(),
		VisionForm: ui.NewForm(), PressureForm: ui.NewForm(), ShiftForm: ui.NewForm(), AckForm: ui.NewForm(),
	}
	if st.member.Role.Can(sightline.ActionAcknowledgeShift) {
		d.MyPending = sightline.PendingShiftsFor(shifts, st.user.ID)
	}
	d.VisionForm.Values["vision"] = ws.Vision
	d.VisionForm.Values["phase"] = string(ws.Phase)
	d.VisionForm.Values["version"] = strconv.Itoa(ws.Version)
	fillPressureForm(d.PressureForm, pressures)
	d.ShiftForm.Values["from_phase"] = string(ws.Phase)
	d.ShiftForm.Values["to_phase"] = string(ws.Phase)
	d.ShiftForm.Values["shifted_on"] = s.Now().Format("2006-01-02")
	d.ShiftForm.Values["apply"] = "on"
	return d, nil
}

func fillPressureForm(f ui.Form, m map[sightline.Phase][]string) {
	for _, ph := range sightline.Phases {
		f.Values[web.PressureField(ph)] = strings.Join(m[ph], ", ")
	}
	f.Values["fingerprint"] = sightline.PressureFingerprint(m)
}

func (s *Server) renderStrategy(w http.ResponseWriter, r *http.Request, status int, d web.StrategyData) {
	follow(r, "shifts")
	s.render(w, r, status, web.StrategyPage(s.page(r, "Strategy", "strategy"), d))
}

func (s *Server) handleStrategy(w http.ResponseWriter, r *http.Request) error {
	d, err := s.strategyData(r)
	if err != nil {
		return err
	}
	s.renderStrategy(w, r, http.StatusOK, d)
	return nil
}

// handleVisionUpdate saves the vision and phase. A stale version comes back
// as 409 with both versions side by side and the user's text in the form.
func (s *Server) handleVisionUpdate(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	f, err := readForm(w, r, "vision", "phase", "version")
	if err != nil {
		return err
	}
	p := sightline.Problems{}
	sightline.CheckText(p, "vision", f.Get("vision"), false, sightline.MaxVision)
	phase := sightline.Phase(f.Get("phase"))
	sightline.CheckShiftPhase(p, "phase", phase)
	version := versioned(f, p)
	err = checked(f, p).Err()
	if err == nil {
		_, err = s.db.UpdateVisionPhase(r.Context(), actor(r), ws.ID, version, f.Get("vision"), phase)
		if err == nil {
			s.flash(r, "success", "Vision and phase saved.")
			return redirect(w, r, paths.Strategy(ws.Slug))
		}
	}
	switch sightline.ErrorCode(err) {
	case sightline.ECONFLICT:
		cur, cerr := s.db.WorkspaceByID(r.Context(), ws.ID)
		if cerr != nil {
			return cerr
		}
		state(r).workspace = cur
		d, derr := s.strategyData(r)
		if derr != nil {
			return derr
		}
		s.conflicted(r, nil, 0, 0)
		f.Values["version"] = strconv.Itoa(cur.Version)
		d.VisionForm = f
		d.VisionConflict = []ui.ConflictField{
			{Label: "Vision", Mine: f.Get("vision"), Theirs: cur.Vision},
			{Label: "Business phase", Mine: string(phase), Theirs: string(cur.Phase)},
		}
		s.renderStrategy(w, r, http.StatusConflict, d)
		return nil
	case sightline.EINVALID:
		d, derr := s.strategyData(r)
		if derr != nil {
			return derr
		}
		d.VisionForm = s.withErrors(r, f, err)
		s.renderStrategy(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	return err
}

// handlePressuresUpdate saves the phase → attributes mapping. The form
// carries the fingerprint of the mapping it was loaded with; a save over a
// mapping changed meanwhile is a conflict.
func (s *Server) handlePressuresUpdate(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	names := []string{"fingerprint"}
	for _, ph := range sightline.Phases {
		names = append(names, web.PressureField(ph))
	}
	f, err := readForm(w, r, names...)
	if err != nil {
		return err
	}
	p := sightline.Problems{}
	m := map[sightline.Phase][]string{}
	for _, ph := range sightline.Phases {
		if attrs := sightline.ParsePressures(p, web.PressureField(ph), f.Get(web.PressureField(ph))); len(attrs) > 0 {
			m[ph] = attrs
		}
	}
	if f.Get("fingerprint") == "" {
		p.Add("form", "The form is missing its version; reload the page and try again.")
	}
	err = checked(f, p).Err()
	if err == nil {
		_, err = s.db.SetPressures(r.Context(), actor(r), ws.ID, f.Get("fingerprint"), m)
		if err == nil {
			s.flash(r, "success", "Phase → pressure mapping saved.")
			return redirect(w, r, paths.Strategy(ws.Slug))
		}
	}
	switch sightline.ErrorCode(err) {
	case sightline.ECONFLICT:
		d, derr := s.strategyData(r)
		if derr != nil {
			return derr
		}
		f.Values["fingerprint"] = sightline.PressureFingerprint(d.Pressures)
		for _, ph := range sightline.Phases {
			d.PressureConflict = append(d.PressureConflict, ui.ConflictField{
				Label: strings.ToUpper(string(ph[:1])) + string(ph[1:]), Mine: strings.Join(m[ph], ", "), Theirs: strings.Join(d.Pressures[ph], ", "),
			})
		}
		d.PressureForm = f
		s.conflicted(r, nil, 0, 0)
		s.renderStrategy(w, r, http.StatusConflict, d)
		return nil
	case sightline.EINVALID:
		d, derr := s.strategyData(r)
		if derr != nil {
			return derr
		}
		d.PressureForm = s.withErrors(r, f, err)
		s.renderStrategy(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	return err
}

// shiftDraft is a shift form's fields as the domain reads them.
func shiftDraft(f ui.Form) sightline.ShiftDraft {
	return sightline.ShiftDraft{Title: f.Get("title"), Narrative: f.Get("narrative"), FromPhase: f.Get("from_phase"),
		ToPhase: f.Get("to_phase"), ShiftedOn: f.Get("shifted_on")}
}

var shiftFormFields = []string{"title", "narrative", "from_phase", "to_phase", "shifted_on"}

// handleShiftCreate logs a shift and, when "apply" is checked, moves the
// workspace to its to-phase in the same transaction.
func (s *Server) handleShiftCreate(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	f, err := readForm(w, r, append(shiftFormFields, "apply")...)
	if err != nil {
		return err
	}
	sh, p := shiftDraft(f).Parse()
	apply := f.Get("apply") != ""
	err = checked(f, p).Err()
	if err == nil {
		var created *sightline.StrategyShift
		created, err = s.db.CreateShift(r.Context(), actor(r), ws.ID, sh, apply)
		if err == nil {
			msg := fmt.Sprintf("Shift “%s” logged; architects will see it until they acknowledge it.", created.Title)
			if apply && ws.Phase != sh.ToPhase {
				msg += fmt.Sprintf(" The workspace is now in the %s phase.", sh.ToPhase)
			}
			s.flash(r, "success", msg)
			return redirect(w, r, paths.Strategy(ws.Slug))
		}
	}
	if sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	d, derr := s.strategyData(r)
	if derr != nil {
		return derr
	}
	d.ShiftForm = s.withErrors(r, f, err)
	s.renderStrategy(w, r, http.StatusUnprocessableEntity, d)
	return nil
}

// shiftData loads what a shift's page shows: a fixed number of queries.
func (s *Server) shiftData(r *http.Request, sh *sightline.StrategyShift) (web.ShiftData, error) {
	ws := state(r).workspace
	members, err := s.db.ListMembers(r.Context(), ws.ID)
	if err != nil {
		return web.ShiftData{}, err
	}
	history, err := s.db.ItemHistory(r.Context(), ws.ID, "shift", sh.ID, 50)
	if err != nil {
		return web.ShiftData{}, err
	}
	inits, epics, err := s.db.ShiftFollowUps(r.Context(), ws.ID, sh.ID)
	if err != nil {
		return web.ShiftData{}, err
	}
	decisions, err := s.db.DecisionsForShift(r.Context(), ws.ID, sh.ID)
	if err != nil {
		return web.ShiftData{}, err
	}
	comments, err := s.comments(r, "shift", sh.ID)
	if err != nil {
		return web.ShiftData{}, err
	}
	requests, err := s.requests(r, web.ItemRef{Type: "shift", ID: sh.ID, Title: sh.Title, Href: paths.Shift(ws.Slug, sh.ID)}, "", members)
	if err != nil {
		return web.ShiftData{}, err
	}
	d := web.ShiftData{Shift: *sh, Members: members, UserID: state(r).user.ID, History: history, Comments: comments, Requests: requests,
		Initiatives: inits, Epics: epics, Decisions: decisions, EditForm: ui.NewForm(), AckForm: ui.NewForm()}
	d.EditForm.Values["title"] = sh.Title
	d.EditForm.Values["narrative"] = sh.Narrative
	d.EditForm.Values["from_phase"] = string(sh.FromPhase)
	d.EditForm.Values["to_phase"] = string(sh.ToPhase)
	d.EditForm.Values["shifted_on"] = sh.ShiftedOn.Format("2006-01-02")
	d.EditForm.Values["version"] = strconv.Itoa(sh.Version)
	return d, nil
}

func (s *Server) renderShift(w http.ResponseWriter, r *http.Request, status int, d web.ShiftData) {
	s.render(w, r, status, web.ShiftPage(s.page(r, d.Shift.Title, "strategy"), d))
}

func (s *Server) handleShift(w http.ResponseWriter, r *http.Request) error {
	sh, err := byPath(r, "shiftID", s.db.ShiftByID)
	if err != nil {
		return err
	}
	d, err := s.shiftData(r, sh)
	if err != nil {
		return err
	}
	s.renderShift(w, r, http.StatusOK, d)
	return nil
}

// handleShiftUpdate corrects a shift with optimistic locking. It never
// changes the workspace's phase.
func (s *Server) handleShiftUpdate(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	cur, err := byPath(r, "shiftID", s.db.ShiftByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, append(shiftFormFields, "version")...)
	if err != nil {
		return err
	}
	sh, p := shiftDraft(f).Parse()
	version := versioned(f, p)
	err = checked(f, p).Err()
	if err == nil {
		_, err = s.db.UpdateShift(r.Context(), actor(r), ws.ID, cur.ID, version, sh)
		if err == nil {
			s.flash(r, "success", "Shift corrected; the change is in its history.")
			return redirect(w, r, paths.Shift(ws.Slug, cur.ID))
		}
	}
	switch sightline.ErrorCode(err) {
	case sightline.ECONFLICT:
		now, cerr := s.db.ShiftByID(r.Context(), ws.ID, cur.ID)
		if cerr != nil {
			return cerr
		}
		d, derr := s.shiftData(r, now)
		if derr != nil {
			return derr
		}
		s.conflicted(r, d.History, mineVersion(f), now.Version)
		f.Values["version"] = strconv.Itoa(now.Version)
		d.EditForm = f
		d.Conflict = []ui.ConflictField{
			{Label: "Title", Mine: f.Get("title"), Theirs: now.Title},
			{Label: "Narrative", Mine: f.Get("narrative"), Theirs: now.Narrative},
			{Label: "From phase", Mine: f.Get("from_phase"), Theirs: string(now.FromPhase)},
			{Label: "To phase", Mine: f.Get("to_phase"), Theirs: string(now.ToPhase)},
			{Label: "Date", Mine: f.Get("shifted_on"), Theirs: now.ShiftedOn.Format("2006-01-02")},
		}
		s.renderShift(w, r, http.StatusConflict, d)
		return nil
	case sightline.EINVALID:
		d, derr := s.shiftData(r, cur)
		if derr != nil {
			return derr
		}
		d.EditForm = s.withErrors(r, f, err)
		s.renderShift(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	return err
}

// handleShiftAcknowledge records the signed-in architect's assessment of a
// shift. The form says where it was posted from ("strategy" or the shift's
// own page), so a rejected form comes back where the architect typed it.
func (s *Server) handleShiftAcknowledge(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	sh, err := byPath(r, "shiftID", s.db.ShiftByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "assessment", "return")
	if err != nil {
		return err
	}
	// Only the architect role reaches this handler (the route's action);
	// the rule and its explanation live in the domain.
	if err := sightline.CanAcknowledge(state(r).member.Role); err != nil {
		return err
	}
	fromStrategy := f.Get("return") == "strategy"
	p := sightline.Problems{}
	sightline.CheckAssessment(p, "assessment", f.Get("assessment"))
	err = checked(f, p).Err()
	if err == nil {
		err = s.db.AcknowledgeShift(r.Context(), actor(r), ws.ID, sh.ID, f.Get("assessment"))
		if err == nil {
			s.flash(r, "success", fmt.Sprintf("You acknowledged “%s”.", sh.Title))
			if fromStrategy {
				return redirect(w, r, paths.Strategy(ws.Slug))
			}
			return redirect(w, r, paths.Shift(ws.Slug, sh.ID))
		}
	}
	code := sightline.ErrorCode(err)
	if code != sightline.EINVALID && code != sightline.ECONFLICT {
		return err
	}
	status := http.StatusUnprocessableEntity
	if code == sightline.ECONFLICT {
		status = http.StatusConflict
	}
	if fromStrategy && code == sightline.EINVALID {
		d, derr := s.strategyData(r)
		if derr != nil {
			return derr
		}
		d.AckShiftID, d.AckForm = sh.ID, s.withErrors(r, f, err)
		s.renderStrategy(w, r, status, d)
		return nil
	}
	// Reload: the shift may have been acknowledged meanwhile.
	now, lerr := s.db.ShiftByID(r.Context(), ws.ID, sh.ID)
	if lerr != nil {
		return lerr
	}
	d, derr := s.shiftData(r, now)
	if derr != nil {
		return derr
	}
	if code == sightline.ECONFLICT {
		d.AckError = sightline.ErrorMessage(err)
	} else {
		d.AckForm = s.withErrors(r, f, err)
	}
	s.renderShift(w, r, status, d)
	return nil
}
