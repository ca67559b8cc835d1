package server

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/markdown"
	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
)

// mentionResolver links the "@handle"s of the workspace's members in the
// page's markdown. The members are read once, on the first "@" that could
// be a handle: a page without one reads nothing.
func (s *Server) mentionResolver(ctx context.Context, ws *sightline.Workspace) markdown.Resolver {
	var once sync.Once
	var handles map[string]bool
	return func(h string) (string, bool) {
		once.Do(func() {
			handles = map[string]bool{}
			members, err := s.db.ListMembers(ctx, ws.ID)
			if err != nil {
				return // shown as plain text
			}
			for _, m := range members {
				handles[m.Handle] = true
			}
		})
		if !handles[h] {
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
