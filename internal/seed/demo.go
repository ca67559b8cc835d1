// Package seed fills a database with the demo workspace (and, later, large
// generated workspaces for benchmarks). It is only ever run on request:
// `sightline seed --demo`, or `sightline dev` on an empty database.
package seed

import (
	"context"
	"fmt"

	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

// DemoPassword is the password of every demo account.
const DemoPassword = "sightline-demo"

// DemoSlug is the demo workspace's address.
const DemoSlug = "demo"

// DemoUser is one demo sign-in.
type DemoUser struct {
	Email string
	Name  string
	Role  sightline.Role
}

// DemoUsers are the five demo members; the email says the role.
var DemoUsers = []DemoUser{
	{"owner@example.com", "Olivia Owner", sightline.RoleOwner},
	{"pm@example.com", "Priya PM", sightline.RolePM},
	{"architect@example.com", "Arjun Architect", sightline.RoleArchitect},
	{"engineer@example.com", "Emma Engineer", sightline.RoleEngineer},
	{"viewer@example.com", "Victor Viewer", sightline.RoleViewer},
}

const demoVision = `Taskly is the task manager small teams actually keep using: capture work in seconds, see who is on what, and never lose a request in a chat thread.

**Next:** grow from small teams to mid-market companies by making lists shared spaces, and price by engagement rather than a flat fee.`

// ErrDemoExists means the demo workspace is already there.
var ErrDemoExists = sightline.Errorf(sightline.ECONFLICT, "the demo workspace already exists")

// Demo creates the Taskly demo workspace and its five members.
func Demo(ctx context.Context, db *postgres.DB, params password.Params) error {
	if _, err := db.UserByEmail(ctx, DemoUsers[0].Email); err == nil {
		return ErrDemoExists
	}
	hash, err := params.Hash(DemoPassword)
	if err != nil {
		return err
	}
	owner, err := db.CreateUser(ctx, postgres.Actor{}, DemoUsers[0].Email, DemoUsers[0].Name, hash, "", "")
	if err != nil {
		return fmt.Errorf("seed owner: %w", err)
	}
	ws, err := db.CreateWorkspace(ctx, postgres.Actor{UserID: owner.ID}, DemoSlug, "Taskly")
	if err != nil {
		return fmt.Errorf("seed workspace: %w", err)
	}
	users := map[string]int64{"owner": owner.ID}
	for _, du := range DemoUsers[1:] {
		// Each demo user gets their own salt.
		h, err := params.Hash(DemoPassword)
		if err != nil {
			return err
		}
		u, err := db.CreateUser(ctx, postgres.Actor{UserID: owner.ID}, du.Email, du.Name, h, ws.Slug, du.Role)
		if err != nil {
			return fmt.Errorf("seed %s: %w", du.Email, err)
		}
		users[string(du.Role)] = u.ID
	}
	if err := db.SetWorkspaceProfile(ctx, postgres.Actor{UserID: owner.ID}, ws.ID, demoVision, sightline.PhaseGrowth); err != nil {
		return err
	}
	refs, err := demoProduct(ctx, db, ws.ID, users)
	if err != nil {
		return err
	}
	if err := demoArchitecture(ctx, db, ws.ID, users, refs); err != nil {
		return err
	}
	return settleInbox(ctx, db, ws.ID)
}

// settleInbox marks read what the seeding itself put in the members'
// inboxes (changes to what they own, requests already done): the seeded
// history is the past. Open requests stay open.
func settleInbox(ctx context.Context, db *postgres.DB, wsID int64) error {
	_, err := db.Pool.Exec(ctx, `UPDATE inbox_entries SET read_at = now() WHERE workspace_id = $1 AND read_at IS NULL`, wsID)
	return err
}
