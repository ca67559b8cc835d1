package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/markdown"
	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
)

// mentionResolver links the "@handle"s of the workspace's members in the
// page's markdown; the handles came with the request's membership, so a
// page reads nothing more for them.
func mentionResolver(ws *sightline.Workspace, m *sightline.Membership) markdown.Resolver {
	return func(h string) (string, bool) {
		if !slices.Contains(m.Handles, h) {
			return "", false
		}
		return paths.Member(ws.Slug, h), true
	}
}

// handleMember is a person's page in the workspace: name, role, handle,
// what they did lately.
func (s *Server) handleMember(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	handle := strings.ToLower(chi.URLParam(r, "handle"))
	members, err := s.db.ListMembers(r.Context(), st.workspace.ID)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.Handle != handle {
			continue
		}
		activity, err := s.db.ActivityBy(r.Context(), st.workspace.ID, m.UserID, 30)
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusOK, web.MemberPage(s.page(r, m.UserName, ""), web.MemberData{Member: m, Activity: activity}))
		return nil
	}
	return sightline.Errorf(sightline.ENOTFOUND, "Nobody in this workspace has the handle @%s.", handle)
}

// handleHandleSuggestions answers the "@…" suggestion list of a text field
// (the page's script asks as the person types after an "@"): up to eight
// members, as JSON.
func (s *Server) handleHandleSuggestions(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimPrefix(strings.TrimSpace(r.URL.Query().Get("q")), "@")
	if len([]rune(q)) > 30 {
		q = string([]rune(q)[:30])
	}
	list, err := s.db.SuggestHandles(r.Context(), state(r).workspace.ID, q, 8)
	if err != nil {
		return err
	}
	type suggestion struct {
		Handle string `json:"handle"`
		Name   string `json:"name"`
		Role   string `json:"role"`
	}
	out := make([]suggestion, 0, len(list))
	for _, m := range list {
		out = append(out, suggestion{m.Handle, m.UserName, m.Role.Label()})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(out)
}
