package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

// mustWorkspace sets up a workspace with an owner and one member per other role.
func mustWorkspace(tb testing.TB, db *postgres.DB, slug string) (owner *sightline.User, ws *sightline.Workspace, members map[sightline.Role]*sightline.Membership) {
	tb.Helper()
	ctx := context.Background()
	owner, ws, err := db.SetupFirstOwnerOrWorkspace(ctx, slug+"-owner@example.com", slug)
	if err != nil {
		tb.Fatal(err)
	}
	members = map[sightline.Role]*sightline.Membership{}
	list, err := db.ListMembers(ctx, ws.ID)
	if err != nil {
		tb.Fatal(err)
	}
	members[sightline.RoleOwner] = &list[0]
	for _, r := range []sightline.Role{sightline.RolePM, sightline.RoleArchitect, sightline.RoleEngineer, sightline.RoleViewer} {
		u, err := db.CreateUser(ctx, postgres.Actor{UserID: owner.ID}, string(r)+"@"+slug+".example.com", string(r), "x", slug, r)
		if err != nil {
			tb.Fatal(err)
		}
		all, _ := db.ListMembers(ctx, ws.ID)
		for i := range all {
			if all[i].UserID == u.ID {
				members[r] = &all[i]
			}
		}
	}
	return owner, ws, members
}

func TestSetupOnlyOnce(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = db.SetupFirstOwner(ctx, "127.0.0.1", "o"+string(rune('a'+i))+"@example.com", "Owner", "hash", "ws"+string(rune('a'+i)), "WS")
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch sightline.ErrorCode(err) {
		case "":
			ok++
		case sightline.ENOTFOUND:
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d concurrent setups succeeded, want exactly 1", ok)
	}
}

func TestChangeRoleOptimisticLocking(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	owner, ws, members := mustWorkspace(t, db, "acme")
	pm := members[sightline.RolePM]
	actor := postgres.Actor{UserID: owner.ID}

	m, err := db.ChangeRole(ctx, actor, ws.ID, pm.ID, pm.Version, sightline.RoleArchitect)
	if err != nil {
		t.Fatal(err)
	}
	if m.Role != sightline.RoleArchitect || m.Version != pm.Version+1 {
		t.Fatalf("got role %s version %d", m.Role, m.Version)
	}
	// The same stale version again is a conflict, and nothing changes.
	_, err = db.ChangeRole(ctx, actor, ws.ID, pm.ID, pm.Version, sightline.RoleViewer)
	if code := sightline.ErrorCode(err); code != sightline.ECONFLICT {
		t.Fatalf("stale save: code %q (%v), want conflict", code, err)
	}
	cur, err := db.MemberByID(ctx, ws.ID, pm.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Role != sightline.RoleArchitect {
		t.Fatalf("stale save overwrote the role: %s", cur.Role)
	}
	// The change is in the activity log, with the changed field.
	acts, err := db.ListActivity(ctx, ws.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range acts {
		if a.Verb == "member.role_changed" && a.Changes["role"].From == "pm" && a.Changes["role"].To == "architect" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no member.role_changed activity with pm→architect in %+v", acts)
	}
}

func TestLastOwnerStays(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	owner, ws, members := mustWorkspace(t, db, "acme")
	own := members[sightline.RoleOwner]
	actor := postgres.Actor{UserID: owner.ID}
	if _, err := db.ChangeRole(ctx, actor, ws.ID, own.ID, own.Version, sightline.RoleViewer); sightline.ErrorCode(err) != sightline.EINVALID {
		t.Fatalf("demoting the last owner: %v, want invalid", err)
	}
	if err := db.RemoveMember(ctx, actor, ws.ID, own.ID, own.Version); sightline.ErrorCode(err) != sightline.EINVALID {
		t.Fatalf("removing the last owner: %v, want invalid", err)
	}
}

func TestMembershipIsScopedByWorkspace(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	owner, ws, _ := mustWorkspace(t, db, "acme")
	_, _, other := mustWorkspace(t, db, "globex")
	foreign := other[sightline.RolePM]
	actor := postgres.Actor{UserID: owner.ID}
	if _, err := db.MemberByID(ctx, ws.ID, foreign.ID); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("foreign member lookup: %v, want not found", err)
	}
	if _, err := db.ChangeRole(ctx, actor, ws.ID, foreign.ID, foreign.Version, sightline.RoleViewer); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("foreign role change: %v, want not found", err)
	}
	if err := db.RemoveMember(ctx, actor, ws.ID, foreign.ID, foreign.Version); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("foreign removal: %v, want not found", err)
	}
}

func TestInvitationSingleUse(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	owner, ws, _ := mustWorkspace(t, db, "acme")
	now := time.Now()
	if _, err := db.CreateInvitation(ctx, postgres.Actor{UserID: owner.ID}, ws.ID, "new@example.com", sightline.RoleEngineer, "tok-1", now.Add(sightline.InvitationTTL)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = db.AcceptInvitation(ctx, "127.0.0.1", "tok-1", now, 0, "New Person", "hash")
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		}
	}
	if ok != 1 {
		t.Fatalf("invitation used %d times concurrently (%v), want once", ok, errs)
	}
	// Expired invitations are refused.
	if _, err := db.CreateInvitation(ctx, postgres.Actor{UserID: owner.ID}, ws.ID, "late@example.com", sightline.RoleViewer, "tok-2", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.AcceptInvitation(ctx, "127.0.0.1", "tok-2", now.Add(2*time.Hour), 0, "Late", "hash"); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("expired invitation: %v, want not found", err)
	}
}
