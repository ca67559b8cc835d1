package e2e

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"

	"github.com/sightline/sightline/internal/logging"
	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/server"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// startApp serves Sightline on a fresh database holding the demo workspace
// and returns its base URL.
func startApp(t *testing.T) string {
	t.Helper()
	base, _ := startAppDB(t)
	return base
}

// startAppDB is startApp that also hands over the store, for tests that
// arrange rows or change them behind the browser's back.
func startAppDB(t *testing.T) (string, *postgres.DB) {
	t.Helper()
	db := pgtest.NewDB(t)
	if err := seed.Demo(context.Background(), db, password.Fast); err != nil {
		t.Fatalf("seed the demo: %v", err)
	}
	cfg := server.DefaultConfig()
	cfg.Password = password.Fast
	srv := server.New(db, logging.New(t.Output(), "text", "warn"), cfg)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		srv.Close() // first: its event streams end, so the test server's close does not wait on them
		ts.Close()
	})
	return ts.URL, db
}

// parseLocation parses an address the browser reported.
func parseLocation(t *testing.T, loc string) *url.URL {
	t.Helper()
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("parse the location %q: %v", loc, err)
	}
	return u
}
