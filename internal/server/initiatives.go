package server

import (
	"net/http"
	"strconv"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// initiativeFields are the initiative form's fields.
var initiativeFields = []string{"title", "description", "driver", "horizon", "goal_id", "shift_id", "owner_id"}

func initiativeDraft(f ui.Form) sightline.InitiativeDraft {
	return sightline.InitiativeDraft{
		Title: f.Get("title"), Description: f.Get("description"), Driver: f.Get("driver"), Horizon: f.Get("horizon"),
		GoalID: f.Get("goal_id"), ShiftID: f.Get("shift_id"), OwnerID: f.Get("owner_id"),
	}
}

func initiativeForm(d sightline.InitiativeDraft) ui.Form {
	f := ui.NewForm()
	f.Values["title"], f.Values["description"], f.Values["driver"], f.Values["horizon"] = d.Title, d.Description, d.Driver, d.Horizon
	f.Values["goal_id"], f.Values["shift_id"], f.Values["owner_id"] = d.GoalID, d.ShiftID, d.OwnerID
	return f
}

// initiativeChoices loads the form's pickers (goals, shifts, members) for
// those who may edit: three queries, none for the others.
func (s *Server) initiativeChoices(r *http.Request) (web.InitiativeChoices, error) {
	st := state(r)
	var c web.InitiativeChoices
	if !st.member.Role.Can(sightline.ActionEditInitiatives) {
		return c, nil
	}
	gs, err := s.db.ListInitiativeChoices(r.Context(), st.workspace.ID)
	if err != nil {
		return c, err
	}
	c.Goals, c.Shifts = gs.Goals, gs.Shifts
	members, err := s.db.ListMembers(r.Context(), st.workspace.ID)
	if err != nil {
		return c, err
	}
	for _, m := range members {
		c.Owners = append(c.Owners, sightline.LabeledID{ID: m.UserID, Label: m.UserName})
	}
	return c, nil
}

func (s *Server) initiativesData(r *http.Request) (web.InitiativesData, error) {
	st := state(r)
	var d web.InitiativesData
	var err error
	if d.Initiatives, err = s.db.ListInitiativeOverviews(r.Context(), st.workspace.ID); err != nil {
		return d, err
	}
	ids := make([]int64, len(d.Initiatives))
	for i, in := range d.Initiatives {
		ids[i] = in.ID
	}
	if d.Comments, err = s.db.CommentCounts(r.Context(), st.workspace.ID, "initiative", ids); err != nil {
		return d, err
	}
	if d.Choices, err = s.initiativeChoices(r); err != nil {
		return d, err
	}
	d.Form = initiativeForm(sightline.InitiativeDraft{Driver: string(st.workspace.Phase), Horizon: string(sightline.HorizonNext)})
	if st.user != nil {
		d.Form.Values["owner_id"] = strconv.FormatInt(st.user.ID, 10)
	}
	return d, nil
}

func (s *Server) renderInitiatives(w http.ResponseWriter, r *http.Request, status int, d web.InitiativesData) {
	s.render(w, r, status, web.InitiativesPage(s.page(r, "Initiatives", "initiatives"), d))
}

func (s *Server) handleInitiatives(w http.ResponseWriter, r *http.Request) error {
	d, err := s.initiativesData(r)
	if err != nil {
		return err
	}
	s.renderInitiatives(w, r, http.StatusOK, d)
	return nil
}

func (s *Server) handleInitiativeCreate(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	f, err := readForm(w, r, initiativeFields...)
	if err != nil {
		return err
	}
	in, err := initiativeDraft(f).Parse()
	err = validated(f, err)
	if err == nil {
		var saved *sightline.Initiative
		if saved, err = s.db.CreateInitiative(r.Context(), actor(r), ws.ID, in); err == nil {
			s.flash(r, "success", "Initiative created.")
			return redirect(w, r, paths.Initiative(ws.Slug, saved.ID))
		}
	}
	if sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	d, derr := s.initiativesData(r)
	if derr != nil {
		return derr
	}
	d.Form = s.withErrors(r, f, err)
	s.renderInitiatives(w, r, http.StatusUnprocessableEntity, d)
	return nil
}

func (s *Server) initiativeData(r *http.Request, in *sightline.InitiativeOverview) (web.InitiativeData, error) {
	wsID := state(r).workspace.ID
	d := web.InitiativeData{Initiative: *in}
	var err error
	if d.Epics, err = s.db.EpicsForInitiative(r.Context(), wsID, in.ID); err != nil {
		return d, err
	}
	if d.History, err = s.db.ItemHistory(r.Context(), wsID, "initiative", in.ID, 50); err != nil {
		return d, err
	}
	if d.Comments, err = s.comments(r, "initiative", in.ID); err != nil {
		return d, err
	}
	if d.Choices, err = s.initiativeChoices(r); err != nil {
		return d, err
	}
	d.Form = initiativeForm(sightline.InitiativeDraftOf(in.Initiative))
	d.Form.Values["version"] = strconv.Itoa(in.Version)
	return d, nil
}

func (s *Server) renderInitiative(w http.ResponseWriter, r *http.Request, status int, d web.InitiativeData) {
	s.render(w, r, status, web.InitiativePage(s.page(r, d.Initiative.Title, "initiatives"), d))
}

func (s *Server) handleInitiative(w http.ResponseWriter, r *http.Request) error {
	in, err := byPath(r, "initiativeID", s.db.InitiativeOverviewByID)
	if err != nil {
		return err
	}
	d, err := s.initiativeData(r, in)
	if err != nil {
		return err
	}
	s.renderInitiative(w, r, http.StatusOK, d)
	return nil
}

// handleInitiativeUpdate saves an initiative with optimistic locking; a
// stale save shows both versions with the user's input kept in the form.
func (s *Server) handleInitiativeUpdate(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	cur, err := byPath(r, "initiativeID", s.db.InitiativeOverviewByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, append(initiativeFields[:len(initiativeFields):len(initiativeFields)], "version")...)
	if err != nil {
		return err
	}
	in, err := initiativeDraft(f).Parse()
	err = validated(f, err)
	if err == nil {
		var version int
		if version, err = formVersion(f); err == nil {
			_, err = s.db.UpdateInitiative(r.Context(), actor(r), ws.ID, cur.ID, version, in)
		}
	}
	switch sightline.ErrorCode(err) {
	case "":
		s.flash(r, "success", "Initiative saved.")
		return redirect(w, r, paths.Initiative(ws.Slug, cur.ID))
	case sightline.ECONFLICT:
		now, nerr := s.db.InitiativeOverviewByID(r.Context(), ws.ID, cur.ID)
		if nerr != nil {
			return nerr
		}
		d, derr := s.initiativeData(r, now)
		if derr != nil {
			return derr
		}
		s.conflicted(r, d.History, mineVersion(f), now.Version)
		f.Values["version"] = strconv.Itoa(now.Version)
		d.Form = f
		d.Conflict = initiativeConflict(d.Choices, initiativeDraft(f), sightline.InitiativeDraftOf(now.Initiative))
		s.renderInitiative(w, r, http.StatusConflict, d)
		return nil
	case sightline.EINVALID:
		d, derr := s.initiativeData(r, cur)
		if derr != nil {
			return derr
		}
		d.Form = s.withErrors(r, f, err)
		s.renderInitiative(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	return err
}

// initiativeConflict lists an initiative's fields as typed and as saved now,
// naming goals, shifts and owners rather than showing their ids.
func initiativeConflict(c web.InitiativeChoices, mine, theirs sightline.InitiativeDraft) []ui.ConflictField {
	name := func(list []sightline.LabeledID, id string) string {
		for _, l := range list {
			if strconv.FormatInt(l.ID, 10) == id {
				return l.Label
			}
		}
		if id == "" {
			return "none"
		}
		return "#" + id
	}
	return []ui.ConflictField{
		{Label: "Title", Mine: mine.Title, Theirs: theirs.Title},
		{Label: "Description", Mine: mine.Description, Theirs: theirs.Description},
		{Label: "Driver", Mine: mine.Driver, Theirs: theirs.Driver},
		{Label: "Horizon", Mine: mine.Horizon, Theirs: theirs.Horizon},
		{Label: "Goal", Mine: name(c.Goals, mine.GoalID), Theirs: name(c.Goals, theirs.GoalID)},
		{Label: "Prompted by", Mine: name(c.Shifts, mine.ShiftID), Theirs: name(c.Shifts, theirs.ShiftID)},
		{Label: "Owner", Mine: name(c.Owners, mine.OwnerID), Theirs: name(c.Owners, theirs.OwnerID)},
	}
}

// handleInitiativeRevalidate records that a PM confirmed the initiative still
// holds after a later strategy shift.
func (s *Server) handleInitiativeRevalidate(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	in, err := byPath(r, "initiativeID", s.db.InitiativeOverviewByID)
	if err != nil {
		return err
	}
	if err := s.db.RevalidateInitiative(r.Context(), actor(r), ws.ID, in.ID); err != nil {
		return err
	}
	s.flash(r, "success", "Confirmed: the initiative still holds.")
	return redirect(w, r, paths.Initiative(ws.Slug, in.ID))
}
