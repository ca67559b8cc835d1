// Package server is Sightline's HTTP layer: the route table, the middleware
// chain, the handlers and the one place errors become status codes and pages.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/live"
	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/picture"
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
	// Sign-in rate limit within SignInWindow: at most SignInMaxPerAccount
	// failures for an account from one client address (then that address is
	// refused for that account: a stranger cannot lock the owner out from
	// theirs), SignInMaxPerIP failures from one address for any account, and
	// past SignInSlowAfter failures for an account from anywhere, every
	// further attempt from an address that has failed for it waits
	// SignInDelayStep longer (at most SignInMaxDelay) before its password is
	// checked.
	SignInWindow        time.Duration
	SignInMaxPerAccount int
	SignInMaxPerIP      int
	SignInSlowAfter     int
	SignInDelayStep     time.Duration
	SignInMaxDelay      time.Duration
	// Password hashing cost.
	Password password.Params
	// RequestTimeout bounds each request, its database calls included.
	RequestTimeout time.Duration
	// ShutdownGrace is how long shutdown waits for requests in flight before
	// it stops waiting for idle connections; requests still running then
	// are let finish (each is bounded by RequestTimeout) before the
	// database is closed.
	ShutdownGrace time.Duration
	// NoPageCache turns the page cache off (pagecache.go): every GET
	// renders. For counting a page's queries, which a cached page skips.
	NoPageCache bool
	// APIRatePerMinute is how many API calls a token may make a minute on
	// one instance (bursts of a tenth of it); 0: no limit.
	APIRatePerMinute int
	// Webhooks (webhooks.go): how often an idle worker looks for due
	// deliveries, the first retry's wait (doubling to an hour), when a
	// delivery is given up, how many failed attempts in a row pause a
	// webhook, each request's timeout, and the form's host lookup (nil:
	// the system's resolver; tests name their own).
	WebhookPoll       time.Duration
	WebhookBackoff    time.Duration
	WebhookGiveUp     time.Duration
	WebhookPauseAfter int
	WebhookTimeout    time.Duration
	WebhookResolve    func(ctx context.Context, host string) ([]netip.Addr, error)
}

// DefaultConfig returns production defaults.
func DefaultConfig() Config {
	return Config{
		SessionLifetime:     14 * 24 * time.Hour,
		SignInWindow:        15 * time.Minute,
		SignInMaxPerAccount: 5,
		SignInMaxPerIP:      20,
		SignInSlowAfter:     10,
		SignInDelayStep:     250 * time.Millisecond,
		SignInMaxDelay:      3 * time.Second,
		Password:            password.Default,
		RequestTimeout:      10 * time.Second,
		APIRatePerMinute:    600,
		WebhookPoll:         time.Second,
		WebhookBackoff:      30 * time.Second,
		WebhookGiveUp:       24 * time.Hour,
		WebhookPauseAfter:   10,
		WebhookTimeout:      10 * time.Second,
		ShutdownGrace:       20 * time.Second,
	}
}

// Server serves Sightline over HTTP.
type Server struct {
	db       *postgres.DB
	log      *slog.Logger
	cfg      Config
	sessions *scs.SessionManager
	store    *sessionStore
	router   chi.Router
	// rules maps "METHOD pattern" to the access rule of every route; the
	// authorization matrix test checks that every routed pattern has one.
	rules map[string]Access
	// pages keeps rendered workspace pages under their tags (pagecache.go).
	pages *pageCache
	// diagrams remembers the architecture diagrams drawn lately, by what
	// they are drawn from (the workspace's revision, or every item and
	// relation; the root; the workspace's address): a large architecture
	// is laid out once per change, not once per view. Per server, as the
	// revision it is keyed by is per database.
	diagrams *picture.ArchDiagramCache
	// apiLimit counts each token's API calls (api.go).
	apiLimit *apiRateLimit
	// mcp serves /mcp (mcp.go).
	mcp http.Handler
	// The webhook worker (webhooks.go).
	stopHooks context.CancelFunc
	hooksDone chan struct{}
	// Now is the clock; tests move it to expire invitations and rate-limit windows.
	Now        func() time.Time
	stopSweep  context.CancelFunc
	sweepDone  chan struct{}
	inflight   atomic.Int64 // requests being served
	listenAddr atomic.Pointer[string]
	draining   atomic.Bool // shutdown has begun
	// Live updates: the hub of this instance's event streams, the
	// instance's name (for presence rows), its streams with an item open.
	hub       *live.Hub
	instance  string
	present   sync.Map
	stopLive  context.CancelFunc
	liveDone  chan struct{}
	liveReady chan struct{}
	// dummyHash is verified against when an email is unknown, so a failed
	// sign-in takes as long whether or not the account exists.
	dummyHash string
}

// New builds a server on db.
func New(db *postgres.DB, logger *slog.Logger, cfg Config) *Server {
	s := &Server{db: db, log: logger, cfg: cfg, Now: time.Now, pages: newPageCache(),
		diagrams: picture.NewArchDiagramCache(archDiagramsKept), apiLimit: newAPIRateLimit(cfg.APIRatePerMinute)}
	s.dummyHash, _ = cfg.Password.Hash("sightline-no-such-account")
	s.store = newSessionStore(db.Pool)
	ctx, cancel := context.WithCancel(context.Background())
	s.stopSweep = cancel
	s.sweepDone = make(chan struct{})
	go s.sweepSessions(ctx, 5*time.Minute)
	s.hub, s.instance = newHub(), "i"+newConnID()
	lctx, lcancel := context.WithCancel(context.Background())
	s.stopLive, s.liveDone, s.liveReady = lcancel, make(chan struct{}), make(chan struct{})
	go func() {
		defer close(s.liveDone)
		var once sync.Once
		s.runLive(lctx, func() { once.Do(func() { close(s.liveReady) }) })
	}()
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
		if state(r).handling {
			// Saving the session after the handler answered failed (the
			// database went away after the change was committed): the
			// handler's answer stands, only the flash message is lost.
			s.log.LogAttrs(r.Context(), slog.LevelWarn, "session not saved", slog.String("err", err.Error()))
			return
		}
		s.renderError(w, r, err)
	}
	s.mcp = s.mcpHandler()
	hctx, hcancel := context.WithCancel(context.Background())
	s.stopHooks, s.hooksDone = hcancel, make(chan struct{})
	go func() {
		defer close(s.hooksDone)
		s.runWebhooks(hctx)
	}()
	s.router = s.buildRouter()
	return s
}

// Handler is the complete HTTP handler.
func (s *Server) Handler() http.Handler { return s.router }

// Close stops the expired-session sweeper and the live updates.
func (s *Server) Close() {
	s.stopSweep()
	<-s.sweepDone
	s.hub.Close()
	s.stopLive()
	<-s.liveDone
	s.stopHooks()
	<-s.hooksDone
}

// LiveReady is closed once the instance listens for events: a change
// committed after it reaches this instance's streams.
func (s *Server) LiveReady() <-chan struct{} { return s.liveReady }

// Streams counts the event streams open on this instance.
func (s *Server) Streams() int { return s.hub.Streams() }

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
	bound := ln.Addr().String()
	s.listenAddr.Store(&bound)
	if ready != nil {
		ready(bound)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	return s.shutdown(srv)
}

// shutdown stops in order: no new connections, saves arriving now are
// refused before they touch the database, requests in flight finish (within
// the grace, then within their own deadline), and only then does the caller
// close the database pool.
func (s *Server) shutdown(srv *http.Server) error {
	s.log.Info("shutting down: finishing requests in flight", "in_flight", s.inflight.Load())
	s.draining.Store(true)
	s.hub.Close() // event streams end; their pages reconnect to another instance
	grace := s.cfg.ShutdownGrace
	if grace <= 0 {
		grace = 20 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		s.log.Warn("shutdown grace over; waiting for the requests still running", "in_flight", s.inflight.Load())
	}
	// Shutdown returns at the grace even with handlers running: wait for
	// them (each ends by its deadline), so the pool outlives every request.
	limit := time.Now().Add(s.cfg.RequestTimeout + 5*time.Second)
	for s.inflight.Load() > 0 && time.Now().Before(limit) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := s.inflight.Load(); n > 0 {
		s.log.Error("requests still running at exit", "in_flight", n)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	return err
}
