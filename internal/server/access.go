package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web/ui"
)

// accessKind says who may call a route.
type accessKind int

const (
	accessStatic    accessKind = iota // anyone; no session is loaded
	accessPublic                      // anyone; the session is loaded if there is one
	accessSignedIn                    // any signed-in user
	accessWorkspace                   // a member of the workspace in the URL whose role allows Action
	accessAPI                         // a token of the workspace in the URL whose owner's role allows Action (api.go)
)

// Access is a route's rule.
type Access struct {
	Kind   accessKind
	Action sightline.Action // for accessWorkspace and accessAPI
	// perCall: the route checks each call's action and the token's scope
	// itself (the MCP endpoint, where every call is a POST).
	perCall bool
}

// Access rules for the route table.
var (
	Static   = Access{Kind: accessStatic}
	Public   = Access{Kind: accessPublic}
	SignedIn = Access{Kind: accessSignedIn}
)

// Can is the rule of a workspace route: members whose role allows a.
func Can(a sightline.Action) Access { return Access{Kind: accessWorkspace, Action: a} }

// IsStatic, IsPublic, IsSignedIn and WorkspaceAction let tests read a rule.
func (a Access) IsStatic() bool   { return a.Kind == accessStatic }
func (a Access) IsPublic() bool   { return a.Kind == accessPublic }
func (a Access) IsSignedIn() bool { return a.Kind == accessSignedIn }

// WorkspaceAction returns the action a workspace route requires.
func (a Access) WorkspaceAction() (sightline.Action, bool) {
	return a.Action, a.Kind == accessWorkspace
}

// reqState is what the middleware learns about a request, resolved once.
type reqState struct {
	requestID string
	clientIP  string
	user      *sightline.User
	workspace *sightline.Workspace
	member    *sightline.Membership
	session   bool   // the session middleware ran (not on static routes)
	notice    string // what checkURL ignored, shown on the page
	rec       *statusRecorder
	// refused holds the messages of a form being shown again refused
	// (withErrors), by field; refusedCode is the refusal's error code.
	refused     map[string]string
	refusedCode string
	conflict    *ui.ConflictNote // a stale save's page: what changed since
	handling    bool             // the handler runs: the session is loaded
	retryable   bool             // a read that may run once more (retryReads)
	retry       bool             // renderError asks retryReads to run it again
	live        paths.Live       // what the page follows on the event stream
	etag        string           // the page's tag (conditional), sent with a 200
	api         bool             // an API call: errors are problem documents
	token       *sightline.Token // the API call's token
}

type stateKey struct{}

// wsSlug is the slug of the request's workspace, for building its URLs.
func wsSlug(r *http.Request) string { return state(r).workspace.Slug }

func state(r *http.Request) *reqState {
	if st, ok := r.Context().Value(stateKey{}).(*reqState); ok {
		return st
	}
	return &reqState{}
}

func withState(ctx context.Context, st *reqState) context.Context {
	return context.WithValue(ctx, stateKey{}, st)
}

// guard enforces a route's access rule. It is the one place where sessions,
// sign-in, workspace membership and the permission table meet.
func (s *Server) guard(a Access, next http.Handler) http.Handler {
	if a.Kind == accessStatic {
		return next
	}
	if a.Kind == accessWorkspace && !sightline.KnownAction(a.Action) {
		panic("route requires unknown action " + string(a.Action))
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		st.session = true
		st.handling = true
		st.user, st.workspace, st.member = nil, nil, nil
		if err := s.loadUser(r, st); err != nil {
			s.renderError(w, r, err)
			return
		}
		if a.Kind == accessPublic {
			next.ServeHTTP(w, r)
			return
		}
		if st.user == nil {
			http.Redirect(w, r, paths.Login(paths.Values{"next": {r.URL.RequestURI()}}), http.StatusSeeOther)
			return
		}
		if a.Kind == accessWorkspace {
			ws, m, err := s.db.WorkspaceForMember(r.Context(), chi.URLParam(r, "ws"), st.user.ID)
			if err != nil {
				// Not a member and no such workspace look the same: 404.
				if sightline.ErrorCode(err) == sightline.ENOTFOUND {
					err = sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
				}
				s.renderError(w, r, err)
				return
			}
			st.workspace, st.member = ws, m
			if !m.Role.Can(a.Action) {
				s.renderError(w, r, sightline.Errorf(sightline.EFORBIDDEN, "Your role (%s) does not allow this. %s", m.Role.Label(), whoCan(a.Action)))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
	return s.sessions.LoadAndSave(h)
}

// whoCan names the roles allowed an action, for refusal messages:
// "Only an owner or a product manager can do this."
func whoCan(a sightline.Action) string {
	var names []string
	for _, r := range sightline.RolesAllowed(a) {
		l := strings.ToLower(r.Label())
		if strings.ContainsRune("aeiou", rune(l[0])) {
			names = append(names, "an "+l)
		} else {
			names = append(names, "a "+l)
		}
	}
	if len(names) == 0 {
		return ""
	}
	if len(names) > 1 {
		names = append(names[:len(names)-2], names[len(names)-2]+" or "+names[len(names)-1])
	}
	return "Only " + strings.Join(names, ", ") + " can do this."
}

// Session keys.
const (
	sessUserID = "uid"
	sessEpoch  = "epoch"
	sessFlash  = "flash"
	sessInvite = "invite_url"
)

// loadUser resolves the signed-in user from the session. A session whose
// epoch is older than the user's (the password changed since) is ended.
func (s *Server) loadUser(r *http.Request, st *reqState) error {
	uid := s.sessions.GetInt64(r.Context(), sessUserID)
	if uid == 0 {
		return nil
	}
	u, err := s.db.UserByID(r.Context(), uid)
	if sightline.ErrorCode(err) == sightline.ENOTFOUND {
		return s.sessions.Destroy(r.Context())
	}
	if err != nil {
		return err
	}
	if s.sessions.GetInt(r.Context(), sessEpoch) != u.SessionEpoch {
		return s.sessions.Destroy(r.Context())
	}
	st.user = u
	return nil
}
