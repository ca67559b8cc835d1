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
	s.render(w, r, http.StatusOK, web.AccountPage(s.page(r, "Your account", ""), f))
	return nil
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
		s.render(w, r, http.StatusUnprocessableEntity, web.AccountPage(s.page(r, "Your account", ""), f))
		return nil
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
		s.render(w, r, http.StatusConflict, web.AccountPage(s.page(r, "Your account", ""), f))
		return nil
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
