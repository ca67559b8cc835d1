package server

import (
	"net/http"

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

func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	members, err := s.db.ListMembers(r.Context(), ws.ID)
	if err != nil {
		return err
	}
	activity, err := s.db.ListActivity(r.Context(), ws.ID, 20)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, web.DashboardPage(s.page(r, ws.Name, "dashboard"), members, activity))
	return nil
}
