package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// pendingInvitation finds the invitation of the link in the URL and refuses
// used, revoked and expired ones with a message saying which.
func (s *Server) pendingInvitation(r *http.Request) (*sightline.Invitation, error) {
	inv, err := s.db.InvitationByToken(r.Context(), chi.URLParam(r, "token"))
	if sightline.ErrorCode(err) == sightline.ENOTFOUND {
		return nil, sightline.Errorf(sightline.ENOTFOUND, "This invitation link is not valid. Ask the workspace owner for a new one.")
	}
	if err != nil {
		return nil, err
	}
	switch inv.Status(s.Now()) {
	case "accepted":
		return nil, sightline.Errorf(sightline.ENOTFOUND, "This invitation link has already been used. Sign in, or ask the workspace owner for a new one.")
	case "revoked":
		return nil, sightline.Errorf(sightline.ENOTFOUND, "This invitation was revoked. Ask the workspace owner for a new one.")
	case "expired":
		return nil, sightline.Errorf(sightline.ENOTFOUND, "This invitation link has expired. Ask the workspace owner for a new one.")
	}
	return inv, nil
}

func (s *Server) renderInvite(w http.ResponseWriter, r *http.Request, status int, inv *sightline.Invitation, f ui.Form) {
	p := s.page(r, "Join "+inv.WorkspaceName, "")
	s.render(w, r, status, web.InvitePage(p, f, inv.WorkspaceName, inv.Role.Label(), inv.Email, chi.URLParam(r, "token")))
}

func (s *Server) handleInviteForm(w http.ResponseWriter, r *http.Request) error {
	inv, err := s.pendingInvitation(r)
	if err != nil {
		return err
	}
	f := ui.NewForm()
	if state(r).user == nil {
		if _, err := s.db.UserByEmail(r.Context(), inv.Email); err == nil {
			f.Errors["form"] = "An account with " + inv.Email + " already exists. Sign in first, then open this link again."
		}
	}
	s.renderInvite(w, r, http.StatusOK, inv, f)
	return nil
}

// handleInviteAccept uses the invitation: a signed-in user joins as they
// are; a new person creates an account and is signed in.
func (s *Server) handleInviteAccept(w http.ResponseWriter, r *http.Request) error {
	inv, err := s.pendingInvitation(r)
	if err != nil {
		return err
	}
	st := state(r)
	token := chi.URLParam(r, "token")
	if st.user != nil {
		_, joined, err := s.db.AcceptInvitation(r.Context(), st.clientIP, token, s.Now(), st.user.ID, "", "")
		if sightline.ErrorCode(err) == sightline.ECONFLICT {
			return sightline.Errorf(sightline.ECONFLICT, "You are already a member of this workspace.")
		}
		if err != nil {
			return err
		}
		s.flash(r, "success", "Welcome to "+joined.WorkspaceName+".")
		return redirect(w, r, paths.Workspace(joined.WorkspaceSlug))
	}
	f, err := readForm(w, r, "name", "password", "confirm")
	if err != nil {
		return err
	}
	p := sightline.Problems{}
	sightline.CheckName(p, "name", f.Get("name"))
	sightline.CheckNewPassword(p, "password", f.Get("password"), "confirm", f.Get("confirm"))
	if err := checked(f, p).Err(); err != nil {
		s.renderInvite(w, r, http.StatusUnprocessableEntity, inv, s.withErrors(r, f, err))
		return nil
	}
	hash, err := s.cfg.Password.Hash(f.Get("password"))
	if err != nil {
		return err
	}
	u, joined, err := s.db.AcceptInvitation(r.Context(), st.clientIP, token, s.Now(), 0, f.Get("name"), hash)
	if sightline.ErrorCode(err) == sightline.ECONFLICT {
		f.Errors["form"] = "An account with this email already exists. Sign in first, then open this link again."
		s.renderInvite(w, r, http.StatusConflict, inv, f)
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.signIn(r, u); err != nil {
		return err
	}
	s.flash(r, "success", "Welcome to "+joined.WorkspaceName+", "+u.Name+".")
	return redirect(w, r, paths.Workspace(joined.WorkspaceSlug))
}
