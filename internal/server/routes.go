package server

import (
	"io/fs"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
)

// route is one entry of the route table: who may call it and what handles it.
type route struct {
	method  string
	pattern string
	access  Access
	handle  appHandler
}

// routes is the whole route table, top to bottom. Every route names its
// access rule; workspace routes name the action from the permission table.
func (s *Server) routes() []route {
	return []route{
		// Probes and assets: no session.
		{"GET", "/healthz", Static, s.handleHealthz},
		{"GET", "/readyz", Static, s.handleReadyz},
		{"GET", "/static/*", Static, s.handleStatic()},

		// Access.
		{"GET", "/login", Public, s.handleLoginForm},
		{"POST", "/login", Public, s.handleLogin},
		{"POST", "/logout", Public, s.handleLogout},
		{"GET", "/setup", Public, s.handleSetupForm},
		{"POST", "/setup", Public, s.handleSetup},
		{"GET", "/invite/{token}", Public, s.handleInviteForm},
		{"POST", "/invite/{token}", Public, s.handleInviteAccept},

		// The signed-in user's own pages.
		{"GET", "/", SignedIn, s.handleHome},
		{"GET", "/account", SignedIn, s.handleAccount},
		{"POST", "/account/password", SignedIn, s.handlePasswordChange},

		// A workspace.
		{"GET", "/w/{ws}", Can(sightline.ActionViewWorkspace), s.handleDashboard},
		{"GET", "/w/{ws}/settings", Can(sightline.ActionManageMembers), s.handleSettings},
		{"POST", "/w/{ws}/settings/workspace", Can(sightline.ActionEditWorkspace), s.handleWorkspaceRename},
		{"POST", "/w/{ws}/settings/members/{memberID}/role", Can(sightline.ActionManageMembers), s.handleMemberRole},
		{"POST", "/w/{ws}/settings/members/{memberID}/remove", Can(sightline.ActionManageMembers), s.handleMemberRemove},
		{"POST", "/w/{ws}/settings/invitations", Can(sightline.ActionManageInvites), s.handleInvitationCreate},
		{"POST", "/w/{ws}/settings/invitations/{invitationID}/revoke", Can(sightline.ActionManageInvites), s.handleInvitationRevoke},
	}
}

// buildRouter wires the middleware chain and mounts every route behind its
// access rule.
func (s *Server) buildRouter() chi.Router {
	r := chi.NewRouter()
	r.Use(s.requestID, s.clientIP, s.logRequests, s.recoverPanics, securityHeaders, s.crossOriginProtection())
	notFound := s.guard(Public, s.adapt(func(w http.ResponseWriter, r *http.Request) error {
		return sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
	}))
	r.NotFound(notFound.ServeHTTP)
	r.MethodNotAllowed(notFound.ServeHTTP)
	s.rules = map[string]Access{}
	for _, rt := range s.routes() {
		s.rules[rt.method+" "+rt.pattern] = rt.access
		r.Method(rt.method, rt.pattern, s.guard(rt.access, s.adapt(rt.handle)))
	}
	return r
}

func (s *Server) handleStatic() appHandler {
	sub, err := fs.Sub(web.Static, "static")
	if err != nil {
		panic(err)
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
		return nil
	}
}
