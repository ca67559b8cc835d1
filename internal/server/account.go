package server

import (
	"net/http"
	"strconv"

	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

func (s *Server) handleAccount(w http.ResponseWriter, r *http.Request) error {
	f := ui.NewForm()
	f.Values["version"] = strconv.Itoa(state(r).user.Version)
	return s.renderAccount(w, r, http.StatusOK, web.AccountData{Password: f})
}

// renderAccount shows the account page: d's password form, any refused
// handle form (by workspace slug), the token form and a token just made.
func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, d web.AccountData) error {
	u := state(r).user
	list, err := s.db.ListMyWorkspaces(r.Context(), u.ID)
	if err != nil {
		return err
	}
	tokens, err := s.db.TokensOfUser(r.Context(), u.ID)
	if err != nil {
		return err
	}
	d.Workspaces, d.Tokens, d.Now = list, tokens, s.Now()
	if d.Password.Values == nil {
		d.Password = ui.NewForm()
		d.Password.Values["version"] = strconv.Itoa(u.Version)
	}
	if d.TokenForm.Values == nil {
		d.TokenForm = ui.NewForm()
		d.TokenForm.Values["scope"] = string(sightline.ScopeRead)
		d.TokenForm.Values["days"] = strconv.Itoa(sightline.DefaultTokenDays)
	}
	s.render(w, r, status, web.AccountPage(s.page(r, "Your account", ""), d))
	return nil
}

// handleTokenCreate makes a personal access token and shows it once, on
// the page this request answers (never kept, not even in the session).
func (s *Server) handleTokenCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := readForm(w, r, "name", "workspace", "scope", "days")
	if err != nil {
		return err
	}
	n := sightline.NewToken{Name: f.Get("name"), Scope: f.Get("scope"), Days: f.Get("days")}
	_, _, _, p := n.Check()
	var wsID int64
	switch {
	case f.Get("workspace") == "":
		p.Add("workspace", "Choose the workspace the token is for.")
	case f.Err("workspace") != "":
		// Text no workspace's address can hold: readForm said why.
	default:
		ws, _, werr := s.db.WorkspaceForMember(r.Context(), f.Get("workspace"), state(r).user.ID)
		switch {
		case werr == nil:
			wsID = ws.ID
		case sightline.ErrorCode(werr) == sightline.ENOTFOUND:
			p.Add("workspace", "You are not a member of that workspace.")
		default:
			return werr
		}
	}
	err = checked(f, p).Err()
	if err == nil {
		created, secret, cerr := s.db.CreateToken(r.Context(), actor(r), wsID, n)
		if cerr == nil {
			return s.renderAccount(w, r, http.StatusCreated, web.AccountData{NewToken: secret, Created: created})
		}
		if sightline.ErrorCode(cerr) != sightline.EINVALID {
			return cerr
		}
		err = cerr
	}
	return s.renderAccount(w, r, http.StatusUnprocessableEntity, web.AccountData{TokenForm: s.withErrors(r, f, err)})
}

// handleTokenRevoke revokes one of the user's own tokens.
func (s *Server) handleTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	if _, err := readForm(w, r); err != nil {
		return err
	}
	id, err := pathID(r, "tokenID")
	if err != nil {
		return err
	}
	if _, err := pageNotFound(struct{}{}, s.db.RevokeToken(r.Context(), actor(r), 0, id)); err != nil {
		return err
	}
	s.flash(r, "success", "Token revoked: it no longer works.")
	return redirect(w, r, paths.Account()+"#tokens")
}

// handleSettingsTokenRevoke revokes any member's token of the workspace (owners).
func (s *Server) handleSettingsTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	if _, err := readForm(w, r); err != nil {
		return err
	}
	id, err := pathID(r, "tokenID")
	if err != nil {
		return err
	}
	if _, err := pageNotFound(struct{}{}, s.db.RevokeToken(r.Context(), actor(r), state(r).workspace.ID, id)); err != nil {
		return err
	}
	s.flash(r, "success", "Token revoked: it no longer works.")
	return redirect(w, r, paths.Settings(wsSlug(r))+"#tokens")
}

// handleHandleChange sets the signed-in member's handle in the workspace;
// a taken or malformed one comes back next to its field, the input kept.
func (s *Server) handleHandleChange(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	f, err := readForm(w, r, "handle")
	if err != nil {
		return err
	}
	err = checked(f, sightline.Problems{}).Err()
	if err == nil {
		if err = s.db.SetHandle(r.Context(), actor(r), st.workspace.ID, f.Get("handle")); err == nil {
			s.flash(r, "success", "Your handle in "+st.workspace.Name+" is @"+sightline.NormalizeHandle(f.Get("handle"))+".")
			return redirect(w, r, paths.Account())
		}
	}
	switch sightline.ErrorCode(err) {
	case sightline.ECONFLICT:
		err = sightline.Problems{"handle": sightline.ErrorMessage(err)}.Err()
	case sightline.EINVALID:
	default:
		return err
	}
	return s.renderAccount(w, r, http.StatusUnprocessableEntity, web.AccountData{Handles: map[string]ui.Form{st.workspace.Slug: s.withErrors(r, f, err)}})
}

// handlePasswordChange sets a new password. It bumps the user's session
// epoch, which signs out every other session; this one carries on with a
// new token.
func (s *Server) handlePasswordChange(w http.ResponseWriter, r *http.Request) error {
	u := state(r).user
	f, err := readForm(w, r, "version", "current", "password", "confirm")
	if err != nil {
		return err
	}
	p := sightline.Problems{}
	if ok, _ := password.Verify(f.Get("current"), u.PasswordHash); !ok {
		p.Add("current", "This is not your current password.")
	}
	sightline.CheckNewPassword(p, "password", f.Get("password"), "confirm", f.Get("confirm"))
	if err := checked(f, p).Err(); err != nil {
		f = s.withErrors(r, f, err) // before the page: it notes the summary
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, web.AccountData{Password: f})
	}
	version, err := formVersion(f)
	if err != nil {
		return err
	}
	hash, err := s.cfg.Password.Hash(f.Get("password"))
	if err != nil {
		return err
	}
	epoch, err := s.db.ChangePassword(r.Context(), actor(r), u.ID, version, hash)
	if sightline.ErrorCode(err) == sightline.ECONFLICT {
		f.Values["version"] = strconv.Itoa(u.Version)
		f.Errors["form"] = "Your account was changed in another window (perhaps the password was already changed). Enter your current password again."
		return s.renderAccount(w, r, http.StatusConflict, web.AccountData{Password: f})
	}
	if err != nil {
		return err
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessEpoch, epoch)
	s.flash(r, "success", "Password changed. Your other sessions are signed out.")
	return redirect(w, r, paths.Account())
}
