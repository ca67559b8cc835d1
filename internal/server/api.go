package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// The REST API (issue 13): /api/v1/w/{ws}/…, in the same route table as
// the pages, each route with the action the pages require. A call carries
// a personal access token (Authorization: Bearer slt_…), never a cookie:
// no session is read or written, so there is no CSRF surface. The token
// acts with its owner's role in the token's workspace at the time of the
// call (the membership is read on every call, as for a page), limited by
// its scope: a read token may only GET. Every error is an RFC 9457
// problem document with, for bad input, the list of fields and what is
// wrong with each, in the words the pages use.

// apiPrefix is where the API lives.
const apiPrefix = "/api/v1"

// API is the rule of an API route: a valid token whose owner's role in the
// workspace of the URL allows a, and whose scope allows the method.
func API(a sightline.Action) Access { return Access{Kind: accessAPI, Action: a} }

// MCP is the rule of the MCP endpoint: a valid token whose owner's role
// allows a, in the token's workspace; each tool checks its own action and
// the token's scope (a read token may call the read tools by POST).
func MCP(a sightline.Action) Access { return Access{Kind: accessAPI, Action: a, perCall: true} }

// IsAPI and PerCall let tests read a rule.
func (a Access) IsAPI() bool   { return a.Kind == accessAPI }
func (a Access) PerCall() bool { return a.perCall }

// apiWrite reports whether a method changes something (a read token may
// not call it).
func apiWrite(method string) bool { return method != http.MethodGet && method != http.MethodHead }

// guardAPI enforces an API route's rule: the token, its workspace, the
// owner's current role, the scope and the rate limit.
func (s *Server) guardAPI(a Access, next http.Handler) http.Handler {
	if !sightline.KnownAction(a.Action) {
		panic("API route requires unknown action " + string(a.Action))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		st.api, st.handling = true, true
		raw, ok := bearerToken(r)
		if !ok {
			s.apiUnauthorized(w, r, "Send a personal access token: Authorization: Bearer slt_… (create one on your account page).")
			return
		}
		lookup, ok := sightline.ParseToken(raw)
		if !ok {
			s.apiUnauthorized(w, r, "This is not a Sightline access token.")
			return
		}
		auth, err := s.db.TokenByLookup(r.Context(), lookup)
		if sightline.ErrorCode(err) == sightline.ENOTFOUND || (err == nil && !auth.Matches(raw)) {
			s.apiUnauthorized(w, r, "This access token is not valid.")
			return
		}
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		now := s.Now()
		if !auth.Token.Active(now) {
			s.apiUnauthorized(w, r, "This access token has "+strings.ToLower(map[bool]string{true: "been revoked", false: "expired"}[auth.Token.RevokedAt != nil])+".")
			return
		}
		st.token = auth.Token
		if wait, ok := s.apiLimit.take(auth.Token.ID, now); !ok {
			secs := int(wait.Seconds()) + 1
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			s.renderError(w, r, sightline.Errorf(sightline.ETOOMANY, "Too many requests with this token: at most %d a minute. Try again in %d s.", s.cfg.APIRatePerMinute, secs))
			return
		}
		slug := chi.URLParam(r, "ws")
		if slug == "" {
			slug = auth.Token.Slug // /mcp: the token's workspace
		}
		ws, m, err := s.db.WorkspaceForMember(r.Context(), slug, auth.User.ID)
		if err == nil && ws.ID != auth.Token.WorkspaceID {
			err = sightline.Errorf(sightline.ENOTFOUND, "")
		}
		if err != nil {
			if sightline.ErrorCode(err) == sightline.ENOTFOUND {
				err = sightline.Errorf(sightline.ENOTFOUND, "No such workspace for this token.")
			}
			s.renderError(w, r, err)
			return
		}
		st.user, st.workspace, st.member = auth.User, ws, m
		if !m.Role.Can(a.Action) {
			s.renderError(w, r, sightline.Errorf(sightline.EFORBIDDEN, "Your role (%s) does not allow this. %s", m.Role.Label(), whoCan(a.Action)))
			return
		}
		if apiWrite(r.Method) && !a.perCall && auth.Token.Scope != sightline.ScopeWrite {
			s.renderError(w, r, sightline.Errorf(sightline.EFORBIDDEN, "This token may only read; create a read-and-write token to change things."))
			return
		}
		if err := s.db.TouchToken(r.Context(), auth.Token, st.clientIP, now); err != nil {
			s.log.LogAttrs(r.Context(), slog.LevelWarn, "recording a token's use", slog.String("err", err.Error()))
		}
		next.ServeHTTP(w, r)
	})
}

// bearerToken reads "Authorization: Bearer …".
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

func (s *Server) apiUnauthorized(w http.ResponseWriter, r *http.Request, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="sightline"`)
	s.renderError(w, r, sightline.Errorf(sightline.EUNAUTHORIZED, "%s", msg))
}

// problem is an RFC 9457 problem document, with the field list of bad input.
type problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail"`
	Code      string            `json:"code"`
	Instance  string            `json:"instance,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
	Errors    []apiFieldProblem `json:"errors,omitempty"`
}

// apiFieldProblem is what is wrong with one field of the request body or query.
type apiFieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// writeProblem answers an API request with a problem document.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, status int, code, msg string, fields map[string]string) {
	p := problem{Type: apiPrefix + "/problems#" + code, Title: http.StatusText(status), Status: status, Detail: msg, Code: code,
		Instance: r.URL.Path, RequestID: state(r).requestID}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		p.Errors = append(p.Errors, apiFieldProblem{Field: k, Message: fields[k]})
	}
	body, _ := json.Marshal(p)
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeJSON answers with a JSON document.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode the response: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// maxAPIBody bounds a request body.
const maxAPIBody = 1 << 20

// apiBody is a JSON object sent to create or change something: its fields
// as sent, so a PATCH changes only what it names.
type apiBody map[string]json.RawMessage

// readAPIBody reads a JSON object, refusing any field not in allowed.
func readAPIBody(w http.ResponseWriter, r *http.Request, allowed ...string) (apiBody, error) {
	if ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || ct != "application/json" {
		return nil, &apiStatusError{status: http.StatusUnsupportedMediaType, err: sightline.Errorf(sightline.EINVALID, "Send the body as JSON (Content-Type: application/json).")}
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &apiStatusError{status: http.StatusRequestEntityTooLarge, err: sightline.Errorf(sightline.EINVALID, "The body is over %d bytes.", maxAPIBody)}
		}
		return nil, err
	}
	var b apiBody
	if err := json.Unmarshal(raw, &b); err != nil || b == nil {
		return nil, &sightline.Error{Code: sightline.EINVALID, Message: "The body is not a JSON object.", Fields: map[string]string{"body": "Send a JSON object."}}
	}
	p := sightline.Problems{}
	for k := range b {
		if !slices.Contains(allowed, k) {
			p.Add(k, "Unknown field: this operation takes "+strings.Join(allowed, ", ")+".")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return b, nil
}

// has reports whether the body names a field (null included).
func (b apiBody) has(k string) bool { _, ok := b[k]; return ok }

// str reads a string field into the draft's text: absent keeps def, null
// is empty; another type is a problem.
func (b apiBody) str(p sightline.Problems, k, def string) string {
	v, ok := b[k]
	if !ok {
		return def
	}
	if string(v) == "null" {
		return ""
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		p.Add(k, "Send a string.")
		return def
	}
	return s
}

// num reads an integer field as the decimal text a form would send:
// absent keeps def, null is empty (none).
func (b apiBody) num(p sightline.Problems, k, def string) string {
	v, ok := b[k]
	if !ok {
		return def
	}
	if string(v) == "null" {
		return ""
	}
	var n int64
	if err := json.Unmarshal(v, &n); err != nil {
		p.Add(k, "Send a whole number, or null.")
		return def
	}
	return strconv.FormatInt(n, 10)
}

// boolean reads a true/false field.
func (b apiBody) boolean(p sightline.Problems, k string, def bool) bool {
	v, ok := b[k]
	if !ok {
		return def
	}
	var x bool
	if err := json.Unmarshal(v, &x); err != nil {
		p.Add(k, "Send true or false.")
		return def
	}
	return x
}

// apiStatusError is an error answered with a status of its own (415, 413, 428).
type apiStatusError struct {
	status int
	err    *sightline.Error
}

func (e *apiStatusError) Error() string { return e.err.Error() }
func (e *apiStatusError) Unwrap() error { return e.err }

// versionTag is the ETag of a row's version.
func versionTag(v int) string { return `"` + strconv.Itoa(v) + `"` }

// ifMatchVersion reads If-Match: the version the change was based on. A
// change without it is refused (428): nothing is ever overwritten blind.
func ifMatchVersion(r *http.Request) (int, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return 0, &apiStatusError{status: http.StatusPreconditionRequired, err: sightline.Errorf(sightline.EINVALID, "Send If-Match with the ETag of the version you read, so a newer change is not overwritten.")}
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || v < 1 {
		return 0, &apiStatusError{status: http.StatusPreconditionFailed, err: sightline.Errorf(sightline.ECONFLICT, "If-Match is not a version of this resource.")}
	}
	return v, nil
}

// stale turns a version conflict of a change into 412 Precondition Failed.
func stale(err error) error {
	// A stale version is a conflict without fields (a name already taken
	// names its field, and stays a 409).
	if sightline.ErrorCode(err) == sightline.ECONFLICT && len(sightline.FieldErrors(err)) == 0 {
		return &apiStatusError{status: http.StatusPreconditionFailed, err: sightline.Errorf(sightline.ECONFLICT, "%s Read it again (GET) and send its new ETag.", sightline.ErrorMessage(err))}
	}
	return err
}

// Lists: ?limit= (1–200, 50 by default) and ?cursor= (opaque: the last id
// of the previous page).
const (
	apiDefaultLimit = 50
	apiMaxLimit     = 200
)

// apiPage reads a list's limit and cursor.
func apiPage(r *http.Request) (after int64, limit int, err error) {
	q := r.URL.Query()
	p := sightline.Problems{}
	limit = apiDefaultLimit
	if raw := q.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > apiMaxLimit {
			p.Add("limit", fmt.Sprintf("A page holds 1 to %d items.", apiMaxLimit))
		} else {
			limit = n
		}
	}
	if raw := q.Get("cursor"); raw != "" {
		b, derr := base64.RawURLEncoding.DecodeString(raw)
		id, ok := int64(0), false
		if derr == nil {
			if rest, found := strings.CutPrefix(string(b), "after:"); found {
				id, ok = sightline.ParseRowID(rest)
			}
		}
		if !ok {
			p.Add("cursor", "This cursor is not one a list gave out; start again without it.")
		}
		after = id
	}
	return after, limit, p.Err()
}

// apiList is a page of a list and the cursor of the next one.
type apiList[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// pageOf builds a list page from limit+1 rows read (the extra one says
// whether there is a next page), and links the next page.
func pageOf[R, T any](w http.ResponseWriter, r *http.Request, rows []R, limit int, id func(*R) int64, conv func(*R) T) apiList[T] {
	out := apiList[T]{Items: make([]T, 0, min(len(rows), limit))}
	for i := range rows {
		if i == limit {
			c := base64.RawURLEncoding.EncodeToString([]byte("after:" + strconv.FormatInt(id(&rows[limit-1]), 10)))
			out.NextCursor = &c
			q := r.URL.Query()
			q.Set("cursor", c)
			w.Header().Set("Link", "<"+r.URL.Path+"?"+q.Encode()+`>; rel="next"`)
			break
		}
		out.Items = append(out.Items, conv(&rows[i]))
	}
	return out
}

// apiRateLimit is a token bucket per token: APIRatePerMinute calls a
// minute, in bursts of up to a tenth of that (at least 10). Each instance
// counts its own calls.
type apiRateLimit struct {
	mu      sync.Mutex
	perMin  int
	buckets map[int64]*apiBucket
}

type apiBucket struct {
	tokens float64
	at     time.Time
}

func newAPIRateLimit(perMin int) *apiRateLimit {
	return &apiRateLimit{perMin: perMin, buckets: map[int64]*apiBucket{}}
}

// take spends one call of a token's bucket, or says how long to wait.
func (l *apiRateLimit) take(id int64, now time.Time) (time.Duration, bool) {
	if l.perMin <= 0 {
		return 0, true
	}
	burst := max(float64(l.perMin)/10, 10)
	rate := float64(l.perMin) / 60 // per second
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[id]
	if !ok {
		if len(l.buckets) > 10000 {
			for k, v := range l.buckets {
				if now.Sub(v.at) > time.Minute {
					delete(l.buckets, k)
				}
			}
		}
		b = &apiBucket{tokens: burst, at: now}
		l.buckets[id] = b
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.at).Seconds()*rate)
	b.at = now
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) / rate * float64(time.Second)), false
	}
	b.tokens--
	return 0, true
}
