package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// appHandler is a handler that returns its error; adapt renders it.
type appHandler func(w http.ResponseWriter, r *http.Request) error

// statusOf is the one mapping of error codes to HTTP statuses.
var statusOf = map[string]int{
	sightline.ENOTFOUND:     http.StatusNotFound,
	sightline.EINVALID:      http.StatusUnprocessableEntity,
	sightline.ECONFLICT:     http.StatusConflict,
	sightline.EFORBIDDEN:    http.StatusForbidden,
	sightline.EUNAUTHORIZED: http.StatusUnauthorized,
	sightline.ETOOMANY:      http.StatusTooManyRequests,
	sightline.EUNAVAILABLE:  http.StatusServiceUnavailable,
	sightline.EINTERNAL:     http.StatusInternalServerError,
}

// errStatus returns the HTTP status for an error.
func errStatus(err error) int {
	if st, ok := statusOf[sightline.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

func (s *Server) adapt(h appHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

// renderError shows an error page. Internal errors are logged with their
// cause and the request id; the user sees a generic message and the id.
//
// A database that does not answer (a deadline, a timeout, a lost connection)
// is a 503 that says whether anything was saved; a read that lost its
// connection is first retried once on a fresh one (retryReads). Nothing is
// written when the response has already started: one response, one header.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	st := state(r)
	if st.rec != nil && st.rec.status != 0 {
		s.log.LogAttrs(r.Context(), slog.LevelError, "error after the response started", slog.String("err", err.Error()))
		return
	}
	if postgres.Unavailable(err) {
		if st.retryable && postgres.ConnectionLost(err) {
			// The connection died under a read: drop every connection made
			// before (they died with it) and run the request again.
			st.retry = true
			s.db.Pool.Reset()
			s.log.LogAttrs(r.Context(), slog.LevelWarn, "database connection lost; retrying the read", slog.String("err", err.Error()))
			return
		}
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "database unavailable", slog.String("err", err.Error()))
		err = unavailable(r, err)
	}
	status := errStatus(err)
	var withStatus *apiStatusError
	if errors.As(err, &withStatus) {
		status = withStatus.status
	}
	msg := sightline.ErrorMessage(err)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	if sightline.ErrorCode(err) == sightline.EINTERNAL {
		if errors.Is(err, r.Context().Err()) && r.Context().Err() != nil {
			s.log.LogAttrs(r.Context(), slog.LevelWarn, "request cancelled", slog.String("err", err.Error()))
		} else {
			s.log.LogAttrs(r.Context(), slog.LevelError, "internal error", slog.String("err", err.Error()))
		}
		msg = "Something went wrong on our side. If it keeps happening, tell your administrator the request id below."
	}
	if st.api || strings.HasPrefix(r.URL.Path, apiPrefix+"/") {
		code := sightline.ErrorCode(err)
		if status == http.StatusNotFound {
			msg = strings.TrimSuffix(msg, "Page not found.")
			if msg == "" {
				msg = "No such resource."
			}
		}
		s.writeProblem(w, r, status, code, msg, sightline.FieldErrors(err))
		return
	}
	if st.session && status == http.StatusServiceUnavailable {
		// The layout would read the flash from the session store: the
		// database is what is missing.
		st.session = false
	}
	p := s.page(r, http.StatusText(status), "")
	p.Flash = ui.Flash{}
	s.render(w, r, status, web.ErrorPage(p, status, msg))
}

// unavailable is what a person reads when the database did not answer: for a
// read, try again; for a save, whether it was saved. A save whose commit got
// no answer might have been; any other failed save was rolled back.
func unavailable(r *http.Request, err error) error {
	switch {
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		return sightline.Errorf(sightline.EUNAVAILABLE, "The database is not answering right now. Try again in a moment.")
	case errors.Is(err, postgres.ErrCommitUncertain):
		return sightline.Errorf(sightline.EUNAVAILABLE, "The database stopped answering while your change was being saved: it might not have been saved. Check the page, then retry if it is missing.")
	default:
		return sightline.Errorf(sightline.EUNAVAILABLE, "The database is not answering; nothing was saved. Go back and try again in a moment.")
	}
}
