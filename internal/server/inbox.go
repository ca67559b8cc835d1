package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
)

// handleInbox lists the signed-in member's mentions in the workspace.
func (s *Server) handleInbox(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	kind := r.URL.Query().Get("kind")
	if !sightline.ValidInboxKind(kind) {
		st.notice = "Unknown filter ignored: showing everything."
		kind = ""
	}
	entries, err := s.db.Inbox(r.Context(), st.workspace.ID, st.user.ID, kind)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, web.InboxPage(s.page(r, "Inbox", "inbox"), web.InboxData{Entries: entries, Handle: st.member.Handle, Kind: kind}))
	return nil
}

// handleInboxRead marks one entry read ({entryID}), or all.
func (s *Server) handleInboxRead(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	var id int64
	if chi.URLParam(r, "entryID") != "" {
		var err error
		if id, err = pathID(r, "entryID"); err != nil {
			return err
		}
	}
	if _, err := pageNotFound(0, s.db.MarkRead(r.Context(), st.workspace.ID, st.user.ID, id)); err != nil {
		return err
	}
	return redirect(w, r, paths.Inbox(st.workspace.Slug))
}
