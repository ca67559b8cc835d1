package server

import (
	"crypto/rand"
	"encoding/base64"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// settingsData loads what the settings page shows; forms start from the
// saved values unless the caller passes the user's rejected input.
func (s *Server) settingsData(r *http.Request) (web.SettingsData, error) {
	ws := state(r).workspace
	members, err := s.db.ListMembers(r.Context(), ws.ID)
	if err != nil {
		return web.SettingsData{}, err
	}
	invs, err := s.db.ListInvitations(r.Context(), ws.ID)
	if err != nil {
		return web.SettingsData{}, err
	}
	tokens, err := s.db.TokensOfWorkspace(r.Context(), ws.ID)
	if err != nil {
		return web.SettingsData{}, err
	}
	hooks, err := s.db.ListWebhooks(r.Context(), ws.ID)
	if err != nil {
		return web.SettingsData{}, err
	}
	d := web.SettingsData{Members: members, Invitations: invs, Tokens: tokens, Webhooks: hooks, Now: s.Now(), NameForm: ui.NewForm(),
		InviteForm: ui.NewForm(), WebhookForm: ui.NewForm()}
	d.WebhookForm.Values["kind"] = "slack"
	d.NameForm.Values["name"] = ws.Name
	d.NameForm.Values["version"] = strconv.Itoa(ws.Version)
	d.InviteForm.Values["role"] = string(sightline.RoleEngineer)
	return d, nil
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, d web.SettingsData) {
	s.render(w, r, status, web.SettingsPage(s.page(r, "Settings", "settings"), d))
}

func (s *Server) handleSettings(w http.ResponseWriter, r *http.Request) error {
	d, err := s.settingsData(r)
	if err != nil {
		return err
	}
	d.NewInviteURL = s.sessions.PopString(r.Context(), sessInvite)
	s.renderSettings(w, r, http.StatusOK, d)
	return nil
}

// handleWorkspaceRename saves the workspace name. On a stale version the page
// comes back with the user's name still in the field, the saved one named in
// the message, and the new version, so saving again applies theirs.
func (s *Server) handleWorkspaceRename(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	f, err := readForm(w, r, "name", "version")
	if err != nil {
		return err
	}
	p := sightline.Problems{}
	sightline.CheckWorkspaceName(p, "name", f.Get("name"))
	version, verr := formVersion(f)
	if verr != nil {
		p.Add("name", sightline.ErrorMessage(verr))
	}
	if err := checked(f, p).Err(); err == nil {
		_, err = s.db.RenameWorkspace(r.Context(), actor(r), ws.ID, version, f.Get("name"))
		if err == nil {
			s.flash(r, "success", "Workspace renamed.")
			return redirect(w, r, paths.Settings(ws.Slug))
		}
		if sightline.ErrorCode(err) == sightline.ECONFLICT {
			cur, cerr := s.db.WorkspaceByID(r.Context(), ws.ID)
			if cerr != nil {
				return cerr
			}
			d, derr := s.settingsData(r)
			if derr != nil {
				return derr
			}
			f.Values["version"] = strconv.Itoa(cur.Version)
			f.Errors["form"] = "Someone else renamed the workspace to “" + cur.Name + "” while you were editing. Your name is kept below: save again to apply it, or reload to keep theirs."
			d.NameForm = f
			s.renderSettings(w, r, http.StatusConflict, d)
			return nil
		}
		if sightline.ErrorCode(err) != sightline.EINVALID {
			return err
		}
		p = sightline.Problems{"name": sightline.ErrorMessage(err)}
	}
	d, err := s.settingsData(r)
	if err != nil {
		return err
	}
	d.NameForm = s.withErrors(r, f, checked(f, p).Err())
	s.renderSettings(w, r, http.StatusUnprocessableEntity, d)
	return nil
}

// memberAction handles a role change or removal with optimistic locking; a
// stale version shows both sides and lets the owner apply their change.
func (s *Server) memberAction(w http.ResponseWriter, r *http.Request, removal bool) error {
	ws := state(r).workspace
	memberID, err := pathID(r, "memberID")
	if err != nil {
		return err
	}
	// The member must be of this workspace: a foreign id is not found.
	if _, err := s.db.MemberByID(r.Context(), ws.ID, memberID); err != nil {
		return err
	}
	f, err := readForm(w, r, "role", "version")
	if err != nil {
		return err
	}
	role := sightline.Role(f.Get("role"))
	version, err := formVersion(f)
	if err == nil && !removal && !role.Valid() {
		err = sightline.Errorf(sightline.EINVALID, "Choose one of the roles.")
	}
	if err == nil {
		if removal {
			err = s.db.RemoveMember(r.Context(), actor(r), ws.ID, memberID, version)
		} else {
			_, err = s.db.ChangeRole(r.Context(), actor(r), ws.ID, memberID, version, role)
		}
	}
	switch sightline.ErrorCode(err) {
	case "":
		if removal {
			s.flash(r, "success", "Member removed.")
		} else {
			s.flash(r, "success", "Role changed to "+role.Label()+".")
		}
		return redirect(w, r, paths.Settings(ws.Slug))
	case sightline.ECONFLICT:
		cur, cerr := s.db.MemberByID(r.Context(), ws.ID, memberID)
		if sightline.ErrorCode(cerr) == sightline.ENOTFOUND {
			s.flash(r, "info", "That member was removed by someone else meanwhile.")
			return redirect(w, r, paths.Settings(ws.Slug))
		}
		if cerr != nil {
			return cerr
		}
		d, derr := s.settingsData(r)
		if derr != nil {
			return derr
		}
		s.conflicted(r, nil, 0, 0)
		d.Conflict = &web.RoleConflict{Member: *cur, Wanted: role, Removal: removal}
		s.renderSettings(w, r, http.StatusConflict, d)
		return nil
	case sightline.EINVALID:
		d, derr := s.settingsData(r)
		if derr != nil {
			return derr
		}
		d.MemberErrors = map[int64]string{memberID: sightline.ErrorMessage(err)}
		s.noteRefusal(r, map[string]string{"form": sightline.ErrorMessage(err)})
		s.renderSettings(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	return err
}

func (s *Server) handleMemberRole(w http.ResponseWriter, r *http.Request) error {
	return s.memberAction(w, r, false)
}

func (s *Server) handleMemberRemove(w http.ResponseWriter, r *http.Request) error {
	return s.memberAction(w, r, true)
}

// handleInvitationCreate makes a single-use link. The link is shown once
// (after the redirect) and only its hash is stored.
func (s *Server) handleInvitationCreate(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	f, err := readForm(w, r, "email", "role")
	if err != nil {
		return err
	}
	email := sightline.NormalizeEmail(f.Get("email"))
	f.Values["email"] = email
	p := sightline.Problems{}
	sightline.CheckEmail(p, "email", email)
	role := sightline.Role(f.Get("role"))
	if !role.Valid() {
		p.Add("role", "Choose one of the roles.")
	}
	err = checked(f, p).Err()
	if err == nil {
		token := newToken()
		_, err = s.db.CreateInvitation(r.Context(), actor(r), ws.ID, email, role, token, s.Now().Add(sightline.InvitationTTL))
		if err == nil {
			s.sessions.Put(r.Context(), sessInvite, s.baseURL(r)+paths.Invite(token))
			s.flash(r, "success", "Invitation for "+email+" created.")
			return redirect(w, r, paths.Settings(ws.Slug))
		}
	}
	if sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	d, derr := s.settingsData(r)
	if derr != nil {
		return derr
	}
	d.InviteForm = s.withErrors(r, f, err)
	s.renderSettings(w, r, http.StatusUnprocessableEntity, d)
	return nil
}

func (s *Server) handleInvitationRevoke(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	id, err := pathID(r, "invitationID")
	if err != nil {
		return err
	}
	// The invitation must be of this workspace: a foreign id is not found.
	if _, err := s.db.InvitationByID(r.Context(), ws.ID, id); err != nil {
		return err
	}
	f, err := readForm(w, r, "version")
	if err != nil {
		return err
	}
	version, err := formVersion(f)
	if err != nil {
		return err
	}
	err = s.db.RevokeInvitation(r.Context(), actor(r), ws.ID, id, version)
	switch sightline.ErrorCode(err) {
	case "":
		s.flash(r, "success", "Invitation revoked; the link no longer works.")
	case sightline.ECONFLICT:
		s.flash(r, "error", "That invitation changed meanwhile (used, revoked or re-sent); its current state is shown below.")
	default:
		return err
	}
	return redirect(w, r, paths.Settings(ws.Slug))
}

// newToken returns 256 random bits, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// baseURL is where invitation links point: the configured public address
// (SIGHTLINE_BASE_URL). Without one, the request's Host is used only when it
// is an address this server is known by — a loopback name, the address it
// listens on, or a trusted origin's host — never a Host header anyone can
// send ("evil.example"); otherwise the link is relative, for the owner to
// prefix, and the log asks for the base URL.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	scheme := "http"
	if r.TLS != nil || (s.cfg.TrustProxyHeaders && r.Header.Get("X-Forwarded-Proto") == "https") {
		scheme = "https"
	}
	if s.knownHost(r.Host) {
		return scheme + "://" + r.Host
	}
	s.log.WarnContext(r.Context(), "invitation link without a host: set SIGHTLINE_BASE_URL", "host", strings.ToValidUTF8(r.Host, "?"))
	return ""
}

// knownHost reports whether host (from a Host header) names this server.
func (s *Server) knownHost(host string) bool {
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.Trim(name, "[]")
	if name == "localhost" {
		return true
	}
	if ip, err := netip.ParseAddr(name); err == nil && ip.IsLoopback() {
		return true
	}
	if l := s.listenAddr.Load(); l != nil && host == *l {
		return true
	}
	for _, o := range s.cfg.TrustedOrigins {
		if u, err := url.Parse(o); err == nil && u.Host == host {
			return true
		}
	}
	return false
}
