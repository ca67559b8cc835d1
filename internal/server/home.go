package server

import (
	"net/http"

	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
)

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	list, err := s.db.ListMyWorkspaces(r.Context(), state(r).user.ID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, web.HomePage(s.page(r, "Your workspaces", ""), list))
	return nil
}

// handleDashboard shows vision and phase, the shifts waiting for
// architects, goals, the review's risks, the team and recent activity: a fixed number of queries
// whatever the data size.
func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) error {
	follow(r, "shifts", "activity")
	st := state(r)
	ws := st.workspace
	ctx := r.Context()
	d := web.DashboardData{IsArchitect: st.member.Role == sightline.RoleArchitect}
	// The review's risk call-outs for the default window: one query (the
	// review's own, cached by the store and shared with the review page),
	// run beside the others.
	now := s.Now()
	d.RiskWindow = sightline.DefaultReviewWindow(now)
	err := together(func() (err error) {
		if d.Members, err = s.db.ListMembers(ctx, ws.ID); err != nil {
			return err
		}
		if d.Activity, err = s.db.ListActivity(ctx, ws.ID, 20); err != nil {
			return err
		}
		if d.Goals, err = s.db.ListGoals(ctx, ws.ID); err != nil {
			return err
		}
		pressures, err := s.db.ListPressures(ctx, ws.ID)
		if err != nil {
			return err
		}
		d.Pressures = pressures[ws.Phase]
		if d.IsArchitect {
			d.MyPending, err = s.db.UnacknowledgedShifts(ctx, ws.ID, st.user.ID)
			return err
		}
		d.AwaitingAck, err = s.db.CountShiftsAwaitingAck(ctx, ws.ID)
		return err
	}, func() (err error) {
		d.Risks, err = s.db.ReviewRisks(ctx, ws.ID, sightline.ReviewScope{Window: d.RiskWindow}, now)
		return err
	})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, web.DashboardPage(s.page(r, ws.Name, "dashboard"), d))
	return nil
}
