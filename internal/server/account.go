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
	return s.renderAccount(w, r, http.StatusOK, f, nil)
}

// renderAccount shows the account page with the password form f and any
// refused handle form (by workspace slug).
func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, f ui.Form, handles map[string]ui.Form) error {
	list, err := s.db.ListMyWorkspaces(r.Context(), state(r).user.ID)
	if err != nil {
		return err
	}
	s.render(w, r, status, web.AccountPage(s.page(r, "Your account", ""), web.AccountData{Password: f, Workspaces: list, Handles: handles}))
	return nil
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
	pw := ui.NewForm()
	pw.Values["version"] = strconv.Itoa(st.user.Version)
	return s.renderAccount(w, r, http.StatusUnprocessableEntity, pw, map[string]ui.Form{st.workspace.Slug: s.withErrors(r, f, err)})
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
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, f, nil)
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
		return s.renderAccount(w, r, http.StatusConflict, f, nil)
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
