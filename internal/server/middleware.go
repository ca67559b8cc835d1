package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/klauspost/compress/gzhttp"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/logging"
	"github.com/sightline/sightline/internal/sightline"
)

// requestID gives every request an id, in the response header, the logs and
// error pages.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		st := &reqState{requestID: id}
		ctx := logging.WithRequestID(withState(r.Context(), st), id)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// clientIP records the client address: the connection's peer, or the
// proxy-reported one when proxy headers are trusted.
func (s *Server) clientIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			ip = r.RemoteAddr
		}
		if s.cfg.TrustProxyHeaders {
			// Only a well-formed address is taken: the value is stored and
			// indexed with every sign-in attempt.
			proxied := strings.TrimSpace(r.Header.Get("X-Real-IP"))
			if proxied == "" {
				proxied = strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-For"), ",")[0])
			}
			if a, err := netip.ParseAddr(proxied); err == nil {
				ip = a.String()
			}
		}
		state(r).clientIP = ip
		next.ServeHTTP(w, r)
	})
}

// checkURL is the edge for the address of every request. A path that is not
// storable text (invalid UTF-8, a NUL) names nothing: 404. A query parameter
// that is not storable text, or is longer than any filter needs, is dropped
// before any handler reads it, and the page says which one was ignored; no
// such value reaches the database.
func (s *Server) checkURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sightline.TextProblem(r.URL.Path) != "" {
			s.renderError(w, r, sightline.Errorf(sightline.ENOTFOUND, "Page not found."))
			return
		}
		if r.URL.RawQuery == "" {
			next.ServeHTTP(w, r)
			return
		}
		q, perr := url.ParseQuery(r.URL.RawQuery)
		var dropped []string
		for k, vs := range q {
			bad := sightline.TextProblem(k) != "" || len(k) > 100
			for _, v := range vs {
				if sightline.TextProblem(v) != "" || utf8.RuneCountInString(v) > sightline.MaxQueryChars {
					bad = true
				}
			}
			if bad {
				delete(q, k)
				dropped = append(dropped, strings.ToValidUTF8(strings.ReplaceAll(k, "\x00", ""), "?"))
			}
		}
		if len(dropped) > 0 || perr != nil {
			r.URL.RawQuery = q.Encode()
			if len(dropped) > 0 {
				slices.Sort(dropped)
				state(r).notice = "Ignored part of the address: " + quoteList(dropped) +
					" had characters that are not valid text, or was too long."
			}
		}
		next.ServeHTTP(w, r)
	})
}

// quoteList writes names as “a”, “b” and “c”.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		if len(n) > 40 {
			n = n[:40] + "…"
		}
		q[i] = "“" + strings.ToValidUTF8(n, "?") + "”"
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (sr *statusRecorder) WriteHeader(code int) {
	if sr.status == 0 {
		sr.status = code
	}
	sr.ResponseWriter.WriteHeader(code)
}

func (sr *statusRecorder) Write(b []byte) (int, error) {
	if sr.status == 0 {
		sr.status = http.StatusOK
	}
	n, err := sr.ResponseWriter.Write(b)
	sr.bytes += n
	return n, err
}

func (sr *statusRecorder) Unwrap() http.ResponseWriter { return sr.ResponseWriter }

// logRequests writes one line per request. It logs the route pattern, not the
// raw path, so secrets in URLs (invitation tokens) never reach the logs.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		state(r).rec = rec
		next.ServeHTTP(rec, r)
		route := "(unmatched)"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		if route == "/healthz" || route == "/readyz" || route == "/static/*" {
			return
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.Int("status", rec.status),
			slog.Int("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
			slog.String("client_ip", state(r).clientIP),
		)
	})
}

// recoverPanics turns a panic into a logged 500 page.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.renderError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows only our own scripts, styles and images: no
// inline script, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the security headers on every response, error pages included.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// crossOriginProtection rejects cross-origin unsafe requests (CSRF) with a 403 page.
func (s *Server) crossOriginProtection() func(http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	for _, o := range s.cfg.TrustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			s.log.Warn("ignoring invalid trusted origin", "origin", o, "err", err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, sightline.Errorf(sightline.EFORBIDDEN, "This request came from another site and was refused."))
	}))
	return cop.Handler
}

// withDeadline bounds every request: past Config.RequestTimeout the database
// calls of the request are cancelled and it is answered 503.
func (s *Server) withDeadline(next http.Handler) http.Handler {
	return s.withDeadlineOf(s.cfg.RequestTimeout, next)
}

// withDeadlineOf bounds a request by d instead (a long route); past it the
// request's reads of the body end too.
func (s *Server) withDeadlineOf(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d <= 0 || s.cfg.RequestTimeout <= 0 {
			next.ServeHTTP(w, r)
			return
		}
		if d > s.cfg.RequestTimeout {
			// The server's read and write timeouts are for ordinary pages.
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Now().Add(d))
			_ = rc.SetWriteDeadline(time.Now().Add(d + 10*time.Second))
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// trackRequests counts the requests in flight, so shutdown closes the
// database only after the last one answered. Once shutdown has begun, a
// save that slipped in is refused before it touches the database.
func (s *Server) trackRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.inflight.Add(1)
		defer s.inflight.Add(-1)
		if s.draining.Load() && r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Connection", "close")
			s.renderError(w, r, sightline.Errorf(sightline.EUNAVAILABLE, "The server is restarting; nothing was saved. Try again in a moment."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// retryReads runs a read once more when its database connection died under
// it (a restart of PostgreSQL) before anything was answered; renderError
// decides. Writes are never retried: they may have been saved.
func (s *Server) retryReads(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		st.retryable = true
		next.ServeHTTP(w, r)
		if st.retry && (st.rec == nil || st.rec.status == 0) {
			st.retryable, st.retry, st.handling = false, false, false
			// What the first attempt's session layer added is added again.
			w.Header().Del("Vary")
			w.Header().Del("Set-Cookie")
			next.ServeHTTP(w, r)
		}
	})
}

// compressible are the types worth compressing: text, JSON, SVG, CSV.
// Images other than SVG and archives are compressed already.
var compressible = []string{"text/html", "text/css", "text/javascript", "application/javascript",
	"application/json", "application/problem+json", "image/svg+xml", "text/csv", "text/markdown", "text/plain"}

// compress answers with zstd or gzip when the browser asks for it
// (klauspost/compress's gzhttp: Accept-Encoding negotiated, zstd preferred,
// Vary: Accept-Encoding on every answer), for bodies of 1 KB or more of a
// compressible type. The event stream is left alone: its events are a few
// bytes each, must leave at once (no buffering up to a size), and a
// compressor per open stream would cost some 300 KB of memory each.
func compress() func(http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(
		gzhttp.MinSize(1024),
		gzhttp.ContentTypeFilter(func(ct string) bool {
			ct = strings.ToLower(strings.TrimSpace(ct))
			for _, c := range compressible {
				if strings.HasPrefix(ct, c) {
					return true
				}
			}
			return false
		}),
	)
	if err != nil {
		panic(err) // the options are constants
	}
	return func(next http.Handler) http.Handler {
		compressed := wrap(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.Header.Get("Accept"), "text/event-stream") || strings.HasSuffix(r.URL.Path, "/events") {
				next.ServeHTTP(w, r)
				return
			}
			compressed.ServeHTTP(w, r)
		})
	}
}
