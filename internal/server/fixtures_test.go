package server_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/server"
	"github.com/sightline/sightline/internal/sightline"
)

// The fixtures every server test shares: a counting app, raw SQL for the
// state a test needs, and the number of queries a page costs.

// newCountingApp is a test app on the demo workspace whose pool counts the
// statements it runs (app.counter), for the fixed-queries-per-page tests.
func newCountingApp(t testing.TB, opts ...appOption) *testApp {
	t.Helper()
	counter := &postgres.QueryCounter{}
	db := pgtest.NewDBWithConfig(t, func(c *pgxpool.Config) { c.ConnConfig.Tracer = counter })
	if err := seed.Demo(context.Background(), db, password.Fast); err != nil {
		t.Fatal(err)
	}
	// Counting a page's queries means rendering it: no page cache, unless
	// an option turns it back on.
	opts = append([]appOption{func(c *server.Config) { c.NoPageCache = true }}, opts...)
	app := newTestAppOn(t, db, opts...)
	app.counter = counter
	return app
}

// exec runs one statement, failing the test on an error.
func (a *testApp) exec(sql string, args ...any) {
	a.t.Helper()
	if _, err := a.db.Pool.Exec(context.Background(), sql, args...); err != nil {
		a.t.Fatalf("%s: %v", sql, err)
	}
}

// id runs a statement that returns one id (an INSERT … RETURNING id, a
// SELECT id …) and returns it.
func (a *testApp) id(sql string, args ...any) int64 {
	a.t.Helper()
	var id int64
	if err := a.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&id); err != nil {
		a.t.Fatalf("%s: %v", sql, err)
	}
	return id
}

// demoID is the id of the demo workspace.
func (a *testApp) demoID() int64 {
	a.t.Helper()
	return a.id(`SELECT id FROM workspaces WHERE slug = $1`, seed.DemoSlug)
}

// queriesPerGET is how many statements one GET of path runs as c, after a
// first GET that warms up (drops a pending flash, prepares statements).
// The app must come from newCountingApp.
func (a *testApp) queriesPerGET(c *client, path string) int64 {
	a.t.Helper()
	if a.counter == nil {
		a.t.Fatal("queriesPerGET needs an app from newCountingApp")
	}
	wantStatus(a.t, c.get(path), http.StatusOK)
	before := a.counter.N()
	wantStatus(a.t, c.get(path), http.StatusOK)
	return a.counter.N() - before
}

// otherWorkspace creates a second workspace (slug, name) owned by a new user
// who is not a member of the demo, for the tests that prove one workspace
// never shows or changes another's rows. The owner signs in with the demo
// password.
func (a *testApp) otherWorkspace(slug, name, ownerEmail, ownerName string) (*sightline.Workspace, *sightline.User) {
	a.t.Helper()
	ctx := context.Background()
	hash := mustUser(a.t, a, "pm@example.com").PasswordHash
	owner, err := a.db.CreateUser(ctx, postgres.Actor{}, ownerEmail, ownerName, hash, "", "")
	if err != nil {
		a.t.Fatal(err)
	}
	ws, err := a.db.CreateWorkspace(ctx, postgres.Actor{UserID: owner.ID}, slug, name)
	if err != nil {
		a.t.Fatal(err)
	}
	return ws, owner
}

// noPageCache turns the page cache off, for tests of what a render does
// (the review cache, query counts).
func noPageCache(c *server.Config) { c.NoPageCache = true }
