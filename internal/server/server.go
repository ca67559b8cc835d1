// Package server is Sightline's HTTP layer: the route table, the middleware
// chain, the handlers and the one place errors become status codes and pages.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/postgres"
)

// Config tunes the HTTP layer.
type Config struct {
	// BaseURL is the public address (e.g. https://sightline.example.com), used
	// in invitation links. Empty: derived from each request.
	BaseURL string
	// SecureCookies marks session cookies Secure (serve over HTTPS).
	SecureCookies bool
	// TrustedOrigins may send cross-origin unsafe requests (e.g. behind a proxy
	// that rewrites Host).
	TrustedOrigins []string
	// TrustProxyHeaders takes the client IP from X-Forwarded-For / X-Real-IP.
	// Only enable behind a proxy that sets them.
	TrustProxyHeaders bool
	// SessionLifetime is how long a session lives without sign-out.
	SessionLifetime time.Duration
	// Sign-in rate limit: at most SignInMaxPerAccount failures per email and
	// SignInMaxPerIP per client IP within SignInWindow.
	SignInWindow        time.Duration
	SignInMaxPerAccount int
	SignInMaxPerIP      int
	// Password hashing cost.
	Password password.Params
}

// DefaultConfig returns production defaults.
func DefaultConfig() Config {
	return Config{
		SessionLifetime:     14 * 24 * time.Hour,
		SignInWindow:        15 * time.Minute,
		SignInMaxPerAccount: 5,
		SignInMaxPerIP:      20,
		Password:            password.Default,
	}
}

// Server serves Sightline over HTTP.
type Server struct {
	db       *postgres.DB
	log      *slog.Logger
	cfg      Config
	sessions *scs.SessionManager
	store    *pgxstore.PostgresStore
	router   chi.Router
	// rules maps "METHOD pattern" to the access rule of every route; the
	// authorization matrix test checks that every routed pattern has one.
	rules map[string]Access
	// Now is the clock; tests move it to expire invitations and rate-limit windows.
	Now       func() time.Time
	stopSweep context.CancelFunc
	sweepDone chan struct{}
	// dummyHash is verified against when an email is unknown, so a failed
	// sign-in takes as long whether or not the account exists.
	dummyHash string
}

// New builds a server on db.
func New(db *postgres.DB, logger *slog.Logger, cfg Config) *Server {
	s := &Server{db: db, log: logger, cfg: cfg, Now: time.Now}
	s.dummyHash, _ = cfg.Password.Hash("sightline-no-such-account")
	// pgxstore's own cleanup goroutine races with StopCleanup; we sweep
	// expired sessions ourselves (sweepSessions) and stop that on Close.
	s.store = pgxstore.NewWithCleanupInterval(db.Pool, 0)
	ctx, cancel := context.WithCancel(context.Background())
	s.stopSweep = cancel
	s.sweepDone = make(chan struct{})
	go s.sweepSessions(ctx, 5*time.Minute)
	s.sessions = scs.New()
	s.sessions.Store = s.store
	s.sessions.Lifetime = cfg.SessionLifetime
	s.sessions.IdleTimeout = 0
	s.sessions.Cookie.Name = "sightline_session"
	s.sessions.Cookie.HttpOnly = true
	s.sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.sessions.Cookie.Secure = cfg.SecureCookies
	s.sessions.Cookie.Path = "/"
	s.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.renderError(w, r, err)
	}
	s.router = s.buildRouter()
	return s
}

// Handler is the complete HTTP handler.
func (s *Server) Handler() http.Handler { return s.router }

// Close stops the expired-session sweeper.
func (s *Server) Close() {
	s.stopSweep()
	<-s.sweepDone
}

// sweepSessions deletes expired sessions periodically.
func (s *Server) sweepSessions(ctx context.Context, every time.Duration) {
	defer close(s.sweepDone)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.db.Pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < now()`); err != nil && ctx.Err() == nil {
				s.log.Warn("sweep expired sessions", "err", err)
			}
		}
	}
}

// Rules returns the access rule of every route, keyed "METHOD pattern".
func (s *Server) Rules() map[string]Access { return s.rules }

// Router exposes the chi router so tests can walk the route table.
func (s *Server) Router() chi.Routes { return s.router }

// ListenAndServe serves on addr until ctx is cancelled, then shuts down
// gracefully, letting requests in flight finish.
func (s *Server) ListenAndServe(ctx context.Context, addr string, ready func(addr string)) error {
	srv := &http.Server{
		Addr:              addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	ln, err := listen(addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
