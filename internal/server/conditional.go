package server

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sightline/sightline/internal/sightline"
)

// Conditional GETs (issue 12). A workspace page shows the workspace's rows,
// its members' names and roles, the signed-in member's own view (role,
// unread count) and the day; nothing else. So its content is fixed by:
// the workspace's revision (migration 00016: the newest change to what a
// page shows, by any writer), the user, the role, the day, the address
// and the build. Its tag is a hash of these, and a request that brings the
// same tag in If-None-Match is answered 304 Not Modified after the
// membership query the request runs anyway (which reads the revision): no
// page data is read and nothing is rendered.
//
// A tag is handed out only when the revision was read with no transaction
// in progress (see migration 00016: ids are taken before commit, so an
// older id may still commit); a tag handed out matches for exactly as
// long as the newest id stays the same, so the 304 itself needs no such
// condition.
//
// Not tagged: a page with a one-time flash to show (it must render), a
// refused form or an error (render sends a tag with a 200 only), and the
// routes in untagged, whose answers depend on something else (who is
// present, the event log, an upload being imported).

// untagged are the GET routes of a workspace that never get a tag.
var untagged = map[string]bool{
	streamPattern: true,
	"/w/{ws}/items/{targetType}/{targetID}/presence": true,
	"/w/{ws}/items/{targetType}/{targetID}/changed":  true,
	"/w/{ws}/pains/import":                           true,
	"/w/{ws}/pains/import/{uploadID}":                true,
	// The tokens' last use is written without a revision (a busy script
	// would otherwise change every page's tag once a minute).
	"/w/{ws}/settings": true,
	// The delivery log is written by the webhook worker, without a revision.
	"/w/{ws}/settings/webhooks/{webhookID}": true,
}

// tagged reports whether a route's pages get a tag.
func tagged(rt route) bool {
	return rt.method == http.MethodGet && rt.access.Kind == accessWorkspace && !untagged[rt.pattern]
}

// conditional tags a workspace page and answers a matching If-None-Match
// with 304. It runs after guard (the member and the revision are known).
func (s *Server) conditional(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || st.workspace == nil || st.member == nil || st.user == nil {
			next.ServeHTTP(w, r)
			return
		}
		if s.sessions.Exists(r.Context(), sessFlash) {
			next.ServeHTTP(w, r) // the flash shows once: render it
			return
		}
		tag := s.pageTag(r, st)
		if etagMatches(r.Header.Get("If-None-Match"), tag) {
			h := w.Header()
			h.Set("ETag", tag)
			h.Set("Cache-Control", "private, no-cache")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if s.servePageCopy(w, r, tag) {
			return
		}
		if st.workspace.RevisionSettled {
			st.etag = tag
			if !s.cfg.NoPageCache {
				wait, first := s.pages.lead(tag)
				if !first {
					// Someone renders this very page now: wait for it
					// (bounded by the request's deadline), then serve it.
					select {
					case <-wait:
					case <-r.Context().Done():
					}
					if s.servePageCopy(w, r, tag) {
						return
					}
				} else {
					defer s.pages.done(tag)
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// pageTag is a weak tag (the same page compressed or not) over everything
// a workspace page's content depends on.
func (s *Server) pageTag(r *http.Request, st *reqState) string {
	h := sha256.New()
	var n [8]byte
	num := func(v int64) {
		binary.BigEndian.PutUint64(n[:], uint64(v))
		h.Write(n[:])
	}
	h.Write(buildKey[:])
	num(st.workspace.ID)
	num(st.workspace.Revision)
	num(st.user.ID)
	io.WriteString(h, string(st.member.Role)+"\x00")
	io.WriteString(h, sightline.Today(s.Now()).Format(time.DateOnly)+"\x00")
	io.WriteString(h, r.URL.RequestURI()+"\x00")
	// A live fragment's refresh (htmx) may differ from the page it is in.
	io.WriteString(h, r.Header.Get("HX-Request"))
	return `W/"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18]) + `"`
}

// etagMatches is If-None-Match's weak comparison: any listed tag (or "*")
// equal to tag once "W/" is set aside.
func etagMatches(header, tag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(tag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// buildKey tells builds apart, so a page rendered by another version of
// the templates never matches: the hash of the running executable (the
// same binary on every instance gives the same tags), else the start time.
var buildKey = func() [32]byte {
	if exe, err := os.Executable(); err == nil {
		if f, err := os.Open(exe); err == nil {
			defer f.Close()
			h := sha256.New()
			if _, err := io.Copy(h, f); err == nil {
				var k [32]byte
				copy(k[:], h.Sum(nil))
				return k
			}
		}
	}
	return sha256.Sum256([]byte(strconv.FormatInt(time.Now().UnixNano(), 10)))
}()

// servePageCopy answers with the page kept under tag, if there is one.
func (s *Server) servePageCopy(w http.ResponseWriter, r *http.Request, tag string) bool {
	if s.cfg.NoPageCache {
		return false
	}
	body, ok := s.pages.get(tag, time.Now())
	if !ok {
		return false
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("ETag", tag)
	h.Set("Cache-Control", "private, no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return true
}
