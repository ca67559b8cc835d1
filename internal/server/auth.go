package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) error {
	if state(r).user != nil {
		return redirect(w, r, safeNext(r.URL.Query().Get("next")))
	}
	f := ui.NewForm()
	if r.URL.Query().Get("signed_out") == "1" {
		f.Errors["info"] = "You are signed out."
	}
	return s.renderLogin(w, r, http.StatusOK, f, r.URL.Query().Get("next"))
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, f ui.Form, next string) error {
	setupOpen, err := s.setupOpen(r)
	if err != nil {
		return err
	}
	p := s.page(r, "Sign in", "")
	if msg := f.Errors["info"]; msg != "" {
		p.Flash = ui.Flash{Kind: "info", Message: msg}
		delete(f.Errors, "info")
	}
	if next != "" {
		next = safeNext(next)
	}
	s.render(w, r, status, web.LoginPage(p, f, next, setupOpen))
	return nil
}

// handleLogin checks credentials under a rate limit: too many recent
// failures for the account from this client's address, or from this address
// at all, answer 429 without checking the password, until the window has
// passed. Failures from other addresses never lock the account: they only
// slow the addresses that keep failing (signInDelay).
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	f, err := readForm(w, r, "email", "password", "next")
	if err != nil {
		return err
	}
	next := f.Get("next")
	email := sightline.NormalizeEmail(f.Get("email"))
	f.Values["email"] = email
	p := sightline.Problems{}
	if email == "" {
		p.Add("email", "Enter your email address.")
	}
	if f.Get("password") == "" {
		p.Add("password", "Enter your password.")
	}
	if err := checked(f, p).Err(); err != nil {
		return s.renderLogin(w, r, http.StatusUnprocessableEntity, s.withErrors(r, f, err), next)
	}

	st := state(r)
	since := s.Now().Add(-s.cfg.SignInWindow)
	failures, err := s.db.RecentSignInFailures(r.Context(), email, st.clientIP, since)
	if err != nil {
		return err
	}
	if failures.Pair >= s.cfg.SignInMaxPerAccount || failures.IP >= s.cfg.SignInMaxPerIP {
		w.Header().Set("Retry-After", strconv.Itoa(int(s.cfg.SignInWindow.Seconds())))
		f.Errors["form"] = "Too many failed sign-in attempts. For your security, wait " + humanDuration(s.cfg.SignInWindow) + " and try again."
		return s.renderLogin(w, r, http.StatusTooManyRequests, f, next)
	}

	if d := s.signInDelay(failures); d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return r.Context().Err()
		}
	}

	u, err := s.db.UserByEmail(r.Context(), email)
	hash := s.dummyHash
	if err == nil {
		hash = u.PasswordHash
	} else if sightline.ErrorCode(err) != sightline.ENOTFOUND {
		return err
	}
	ok, verr := password.Verify(f.Get("password"), hash)
	if verr != nil && u != nil {
		s.log.ErrorContext(r.Context(), "stored password hash unreadable", "user_id", u.ID)
	}
	if u == nil || !ok {
		a := actor(r)
		if err := s.db.RecordSignIn(r.Context(), a, email, false); err != nil {
			return err
		}
		f.Errors["form"] = "That email and password do not match an account."
		return s.renderLogin(w, r, http.StatusUnauthorized, f, next)
	}
	if err := s.signIn(r, u); err != nil {
		return err
	}
	a := actor(r)
	a.UserID = u.ID
	if err := s.db.RecordSignIn(r.Context(), a, email, true); err != nil {
		return err
	}
	return redirect(w, r, s.landing(r, u, next))
}

// landing is where a successful sign-in goes: the requested page, else the
// user's only workspace, else the list of workspaces.
func (s *Server) landing(r *http.Request, u *sightline.User, next string) string {
	if next != "" {
		return safeNext(next)
	}
	list, err := s.db.ListMyWorkspaces(r.Context(), u.ID)
	if err == nil && len(list) == 1 {
		return paths.Workspace(list[0].Slug)
	}
	return "/"
}

// signIn starts a fresh session for u: a new token (no session fixation)
// carrying the user's session epoch.
func (s *Server) signIn(r *http.Request, u *sightline.User) error {
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessUserID, u.ID)
	s.sessions.Put(r.Context(), sessEpoch, u.SessionEpoch)
	state(r).user = u
	return nil
}

// handleLogout destroys the session (in the database too) and goes to sign-in.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	return redirect(w, r, paths.Login(paths.Values{"signed_out": {"1"}}))
}

func (s *Server) setupOpen(r *http.Request) (bool, error) {
	has, err := s.db.HasUsers(r.Context())
	return !has, err
}

func (s *Server) handleSetupForm(w http.ResponseWriter, r *http.Request) error {
	open, err := s.setupOpen(r)
	if err != nil {
		return err
	}
	if !open {
		return sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
	}
	s.render(w, r, http.StatusOK, web.SetupPage(s.page(r, "Set up", ""), ui.NewForm()))
	return nil
}

func (s *Server) handleSetup(w http.ResponseWriter, r *http.Request) error {
	open, err := s.setupOpen(r)
	if err != nil {
		return err
	}
	if !open {
		return sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
	}
	f, err := readForm(w, r, "name", "email", "password", "confirm", "workspace_name", "slug")
	if err != nil {
		return err
	}
	email := sightline.NormalizeEmail(f.Get("email"))
	f.Values["email"] = email
	if f.Get("slug") == "" {
		f.Values["slug"] = sightline.Slugify(f.Get("workspace_name"))
	}
	p := sightline.Problems{}
	sightline.CheckName(p, "name", f.Get("name"))
	sightline.CheckEmail(p, "email", email)
	sightline.CheckNewPassword(p, "password", f.Get("password"), "confirm", f.Get("confirm"))
	sightline.CheckWorkspaceName(p, "workspace_name", f.Get("workspace_name"))
	sightline.CheckSlug(p, "slug", f.Get("slug"))
	if err := checked(f, p).Err(); err != nil {
		f = s.withErrors(r, f, err) // before the page: it notes the summary
		s.render(w, r, http.StatusUnprocessableEntity, web.SetupPage(s.page(r, "Set up", ""), f))
		return nil
	}
	hash, err := s.cfg.Password.Hash(f.Get("password"))
	if err != nil {
		return err
	}
	u, ws, err := s.db.SetupFirstOwner(r.Context(), state(r).clientIP, email, f.Get("name"), hash, f.Get("slug"), f.Get("workspace_name"))
	if err != nil {
		return err
	}
	if err := s.signIn(r, u); err != nil {
		return err
	}
	s.flash(r, "success", "Welcome to Sightline. Your workspace is ready; invite your team from Settings.")
	return redirect(w, r, paths.Workspace(ws.Slug))
}

func humanDuration(d interface{ Minutes() float64 }) string {
	m := int(d.Minutes() + 0.5)
	switch {
	case m <= 1:
		return "a minute"
	case m < 60:
		return strconv.Itoa(m) + " minutes"
	}
	return strconv.Itoa(m/60) + " hours"
}

// signInDelay is how long an attempt waits before its password is checked:
// nothing for an address with no recent failure for the account (the real
// user, signing in from their own), and a delay growing with the account's
// failures past SignInSlowAfter for an address that has failed for it.
func (s *Server) signInDelay(f postgres.SignInFailures) time.Duration {
	over := f.Account - s.cfg.SignInSlowAfter
	if f.Pair == 0 || over < 0 {
		return 0
	}
	return min(time.Duration(over+1)*s.cfg.SignInDelayStep, s.cfg.SignInMaxDelay)
}
