package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/sightline"
)

// memberRow finds a member's id and version on the settings page by email.
func memberRow(t testing.TB, res *response, email string) (id, version string) {
	t.Helper()
	d := res.doc(t)
	d.Find("[data-testid=members-table] tbody tr").Each(func(_ int, tr *goquerySelection) {
		if strings.Contains(tr.Text(), email) {
			id, _ = tr.Attr("data-member-id")
			version, _ = tr.Find("input[name=version]").First().Attr("value")
		}
	})
	if id == "" {
		t.Fatalf("no member row for %s", email)
	}
	return id, version
}

func TestRoleChangeWithConflict(t *testing.T) {
	app := newTestApp(t)
	owner := app.signIn("owner@example.com")
	other := app.signIn("owner@example.com") // the same owner in another tab
	page := owner.get("/w/demo/settings")
	wantStatus(t, page, http.StatusOK)
	id, version := memberRow(t, page, "pm@example.com")
	stale := version

	path := fmt.Sprintf("/w/demo/settings/members/%s/role", id)
	wantRedirect(t, other.post(path, url.Values{"role": {"architect"}, "version": {version}}), "/w/demo/settings")

	// The first tab still holds the old version: a conflict, showing both sides.
	res := owner.post(path, url.Values{"role": {"viewer"}, "version": {stale}})
	wantStatus(t, res, http.StatusConflict)
	d := res.doc(t)
	if got := text(t, d, "[data-testid=conflict-wanted]"); got != "Viewer" {
		t.Errorf("conflict shows wanted %q", got)
	}
	if got := text(t, d, "[data-testid=conflict-current]"); got != "Architect" {
		t.Errorf("conflict shows current %q", got)
	}
	// Nothing was overwritten.
	m := mustMember(t, app, "pm@example.com")
	if m.Role != sightline.RoleArchitect {
		t.Fatalf("stale save overwrote the role: %s", m.Role)
	}
	// "Apply my change" carries the current version and the wanted role.
	form := d.Find("[data-testid=conflict] form")
	applyVersion, _ := form.Find("input[name=version]").Attr("value")
	applyRole, _ := form.Find("input[name=role]").Attr("value")
	wantRedirect(t, owner.post(path, url.Values{"role": {applyRole}, "version": {applyVersion}}), "/w/demo/settings")
	if m := mustMember(t, app, "pm@example.com"); m.Role != sightline.RoleViewer {
		t.Fatalf("resolved conflict did not apply: %s", m.Role)
	}
	// Both changes are in the activity log.
	acts, _ := app.db.ListActivity(context.Background(), m.WorkspaceID, 50)
	changes := 0
	for _, a := range acts {
		if a.Verb == "member.role_changed" {
			changes++
		}
	}
	if changes != 2 {
		t.Errorf("%d role changes recorded, want 2", changes)
	}
}

func mustMember(t testing.TB, app *testApp, email string) sightline.Membership {
	t.Helper()
	ws, _, err := app.db.WorkspaceForMember(context.Background(), "demo", mustUser(t, app, "owner@example.com").ID)
	if err != nil {
		t.Fatal(err)
	}
	list, err := app.db.ListMembers(context.Background(), ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		if m.UserEmail == email {
			return m
		}
	}
	t.Fatalf("%s is not a member", email)
	return sightline.Membership{}
}

func mustUser(t testing.TB, app *testApp, email string) *sightline.User {
	t.Helper()
	u, err := app.db.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestRoleChangeTakesEffectAndLastOwnerStays(t *testing.T) {
	app := newTestApp(t)
	owner := app.signIn("owner@example.com")
	viewer := app.signIn("viewer@example.com")
	wantStatus(t, viewer.get("/w/demo/settings"), http.StatusForbidden)

	page := owner.get("/w/demo/settings")
	id, version := memberRow(t, page, "viewer@example.com")
	wantRedirect(t, owner.post("/w/demo/settings/members/"+id+"/role", url.Values{"role": {"owner"}, "version": {version}}), "/w/demo/settings")
	// The promoted viewer's next request already has the new rights.
	wantStatus(t, viewer.get("/w/demo/settings"), http.StatusOK)

	// Demote them back, then try to demote the only remaining owner: refused with a message.
	page = owner.get("/w/demo/settings")
	id, version = memberRow(t, page, "viewer@example.com")
	wantRedirect(t, owner.post("/w/demo/settings/members/"+id+"/role", url.Values{"role": {"viewer"}, "version": {version}}), "/w/demo/settings")
	page = owner.get("/w/demo/settings")
	oid, oversion := memberRow(t, page, "owner@example.com")
	res := owner.post("/w/demo/settings/members/"+oid+"/role", url.Values{"role": {"pm"}, "version": {oversion}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := text(t, res.doc(t), "[data-testid=member-error-"+oid+"]"); !strings.Contains(msg, "at least one owner") {
		t.Errorf("last-owner message %q", msg)
	}
	// An unknown role is refused.
	id, version = memberRow(t, owner.get("/w/demo/settings"), "pm@example.com")
	wantStatus(t, owner.post("/w/demo/settings/members/"+id+"/role", url.Values{"role": {"emperor"}, "version": {version}}), http.StatusUnprocessableEntity)

	// Removing a member ends their access to the workspace (404, not 403).
	id, version = memberRow(t, owner.get("/w/demo/settings"), "viewer@example.com")
	wantRedirect(t, owner.post("/w/demo/settings/members/"+id+"/remove", url.Values{"version": {version}}), "/w/demo/settings")
	wantStatus(t, viewer.get("/w/demo"), http.StatusNotFound)
}

func TestWorkspaceRenameConflictKeepsInput(t *testing.T) {
	app := newTestApp(t)
	a := app.signIn("owner@example.com")
	b := app.signIn("owner@example.com")
	version, _ := a.get("/w/demo/settings").doc(t).Find("form[action='/w/demo/settings/workspace'] input[name=version]").Attr("value")
	wantRedirect(t, b.post("/w/demo/settings/workspace", url.Values{"name": {"Taskly Cloud"}, "version": {version}}), "/w/demo/settings")
	res := a.post("/w/demo/settings/workspace", url.Values{"name": {"Taskly Teams"}, "version": {version}})
	wantStatus(t, res, http.StatusConflict)
	d := res.doc(t)
	if v, _ := d.Find("#f-name").Attr("value"); v != "Taskly Teams" {
		t.Fatalf("user's input lost: %q", v)
	}
	if msg := text(t, d, "[data-testid=name-conflict]"); !strings.Contains(msg, "Taskly Cloud") {
		t.Errorf("conflict message does not name the saved value: %q", msg)
	}
	newVersion, _ := d.Find("form[action='/w/demo/settings/workspace'] input[name=version]").Attr("value")
	wantRedirect(t, a.post("/w/demo/settings/workspace", url.Values{"name": {"Taskly Teams"}, "version": {newVersion}}), "/w/demo/settings")
	if got := text(t, a.get("/w/demo").doc(t), "[data-testid=workspace-name]"); got != "Taskly Teams" {
		t.Errorf("name after resolving: %q", got)
	}
	// Too long: a message next to the field, input kept.
	long := strings.Repeat("x", 101)
	res = a.post("/w/demo/settings/workspace", url.Values{"name": {long}, "version": {"99"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if v, _ := res.doc(t).Find("#f-name").Attr("value"); v != long {
		t.Error("long input not kept")
	}
}

// inviteURL creates an invitation as the owner and returns the link shown once.
func inviteURL(t testing.TB, owner *client, email, role string) string {
	t.Helper()
	res := owner.post("/w/demo/settings/invitations", url.Values{"email": {email}, "role": {role}})
	wantRedirect(t, res, "/w/demo/settings")
	page := owner.get("/w/demo/settings")
	link := text(t, page.doc(t), "[data-testid=invite-url]")
	if !strings.Contains(link, "/invite/") {
		t.Fatalf("invite link %q", link)
	}
	// Shown once only.
	if owner.get("/w/demo/settings").doc(t).Find("[data-testid=invite-url]").Length() != 0 {
		t.Fatal("invite link shown twice")
	}
	u, _ := url.Parse(link)
	return u.Path
}

func TestInvitationNewPerson(t *testing.T) {
	app := newTestApp(t)
	owner := app.signIn("owner@example.com")
	path := inviteURL(t, owner, "Newbie@Example.com", "engineer")

	c := app.client()
	page := c.get(path)
	wantStatus(t, page, http.StatusOK)
	if !strings.Contains(page.body, "newbie@example.com") {
		t.Error("invite page does not name the invited email")
	}
	res := c.post(path, url.Values{"name": {""}, "password": {"short"}, "confirm": {"short"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	text(t, res.doc(t), "[data-testid=err-name]")

	res = c.post(path, url.Values{"name": {"Nina Newbie"}, "password": {"nina-strong-password"}, "confirm": {"nina-strong-password"}})
	wantRedirect(t, res, "/w/demo")
	page = c.get("/w/demo")
	wantStatus(t, page, http.StatusOK)
	if got := text(t, page.doc(t), "[data-testid=current-user]"); got != "Nina Newbie" {
		t.Errorf("signed in as %q", got)
	}
	if m := mustMember(t, app, "newbie@example.com"); m.Role != sightline.RoleEngineer {
		t.Errorf("joined as %s", m.Role)
	}
	// Single use.
	res = app.client().get(path)
	wantStatus(t, res, http.StatusNotFound)
	if !strings.Contains(res.body, "already been used") {
		t.Error("reused link does not say it was used")
	}
	wantStatus(t, app.client().post(path, url.Values{"name": {"Eve"}, "password": {"eve-strong-password"}, "confirm": {"eve-strong-password"}}), http.StatusNotFound)
	// Owners see it as accepted.
	if !strings.Contains(owner.get("/w/demo/settings").body, "badge-accepted") {
		t.Error("accepted invitation not shown as accepted")
	}
}

func TestInvitationExistingUserAndExpiry(t *testing.T) {
	app := newTestApp(t)
	owner := app.signIn("owner@example.com")
	ctx := context.Background()
	// Someone with an account elsewhere.
	if _, err := app.db.CreateUser(ctx, actorNone, "outsider@example.com", "Oscar Outsider", mustUser(t, app, "pm@example.com").PasswordHash, "", ""); err != nil {
		t.Fatal(err)
	}
	path := inviteURL(t, owner, "outsider@example.com", "architect")
	// Signed out, the page says to sign in first.
	if !strings.Contains(app.client().get(path).body, "already exists") {
		t.Error("invite page does not tell an existing user to sign in")
	}
	c := app.signInAs("outsider@example.com")
	wantStatus(t, c.get("/w/demo"), http.StatusNotFound)
	wantRedirect(t, c.post(path, nil), "/w/demo")
	wantStatus(t, c.get("/w/demo"), http.StatusOK)

	// An invitation expires after 7 days.
	path = inviteURL(t, owner, "late@example.com", "viewer")
	app.clock.Advance(7*24*time.Hour + time.Minute)
	res := app.client().get(path)
	wantStatus(t, res, http.StatusNotFound)
	if !strings.Contains(res.body, "expired") {
		t.Error("expired link does not say so")
	}
	wantStatus(t, app.client().post(path, url.Values{"name": {"Late"}, "password": {"late-strong-password"}, "confirm": {"late-strong-password"}}), http.StatusNotFound)
	if _, err := app.db.UserByEmail(ctx, "late@example.com"); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Error("expired invitation created an account")
	}
}

func TestInvitationRevoke(t *testing.T) {
	app := newTestApp(t)
	owner := app.signIn("owner@example.com")
	path := inviteURL(t, owner, "maybe@example.com", "viewer")
	d := owner.get("/w/demo/settings").doc(t)
	form := d.Find("[data-testid=invitations-table] form").First()
	action, _ := form.Attr("action")
	version, _ := form.Find("input[name=version]").Attr("value")
	wantRedirect(t, owner.post(action, url.Values{"version": {version}}), "/w/demo/settings")
	res := app.client().get(path)
	wantStatus(t, res, http.StatusNotFound)
	if !strings.Contains(res.body, "revoked") {
		t.Error("revoked link does not say so")
	}
	// Inviting an existing member is refused next to the field.
	res = owner.post("/w/demo/settings/invitations", url.Values{"email": {"pm@example.com"}, "role": {"viewer"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := text(t, res.doc(t), "[data-testid=err-email]"); !strings.Contains(msg, "already a member") {
		t.Errorf("message %q", msg)
	}
}
