package server

import (
	"context"
	"net/http"
	"time"
)

// handleHealthz answers while the process is up.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
	return nil
}

// handleReadyz answers 200 when the database is reachable and every
// migration is applied, 503 otherwise.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.db.Ping(ctx); err != nil {
		s.log.WarnContext(r.Context(), "not ready: database unreachable", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unreachable\n"))
		return nil
	}
	atHead, err := s.db.MigrationsAtHead(ctx)
	if err != nil || !atHead {
		if err != nil {
			s.log.WarnContext(r.Context(), "not ready: migration status", "err", err)
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("migrations pending\n"))
		return nil
	}
	_, _ = w.Write([]byte("ready\n"))
	return nil
}
