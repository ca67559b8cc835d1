package server

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
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
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := errStatus(err)
	msg := sightline.ErrorMessage(err)
	if sightline.ErrorCode(err) == sightline.EINTERNAL {
		if errors.Is(err, r.Context().Err()) && r.Context().Err() != nil {
			s.log.LogAttrs(r.Context(), slog.LevelWarn, "request cancelled", slog.String("err", err.Error()))
		} else {
			s.log.LogAttrs(r.Context(), slog.LevelError, "internal error", slog.String("err", err.Error()))
		}
		msg = "Something went wrong on our side. If it keeps happening, tell your administrator the request id below."
	}
	p := s.page(r, http.StatusText(status), "")
	p.Flash = web.Flash{}
	s.render(w, r, status, web.ErrorPage(p, status, msg))
}
