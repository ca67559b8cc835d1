package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/sightline/sightline/web"
)

// render writes a component with a status. It renders into a buffer first,
// so a template failure becomes a clean 500, never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelError, "render failed", slog.String("err", err.Error()))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("Something went wrong on our side. Request id: " + state(r).requestID + "\n"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// page builds the layout data for a request: user, workspace, role and the
// flash message (taken out of the session, so it shows once).
func (s *Server) page(r *http.Request, title, area string) web.Page {
	st := state(r)
	p := web.Page{Title: title, User: st.user, Workspace: st.workspace, Area: area, RequestID: st.requestID}
	if st.member != nil {
		p.Role = st.member.Role
	}
	if st.session {
		if f := s.sessions.PopString(r.Context(), sessFlash); f != "" {
			kind, msg, _ := strings.Cut(f, "|")
			p.Flash = web.Flash{Kind: kind, Message: msg}
		}
	}
	return p
}

// flash stores a one-time message for the next page.
func (s *Server) flash(r *http.Request, kind, msg string) {
	s.sessions.Put(r.Context(), sessFlash, kind+"|"+msg)
}

// redirect answers a successful form with 303 See Other.
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
