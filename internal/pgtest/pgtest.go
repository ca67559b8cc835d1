// Package pgtest gives tests a real PostgreSQL: one throwaway cluster per test
// binary (started in TestMain), a template database migrated once, and a fresh
// database per test cloned from that template and dropped when the test ends.
package pgtest

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sightline/sightline/internal/pgcluster"
	"github.com/sightline/sightline/internal/postgres"
)

const templateDB = "sightline_template"

var (
	cluster *pgcluster.Cluster
	counter atomic.Int64
)

// Main starts the cluster, migrates the template, runs the tests and stops
// the cluster. Call it from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	dir, err := os.MkdirTemp("", "sightline-pgtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	cluster, err = pgcluster.Start(ctx, pgcluster.Options{Dir: dir, Fast: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgtest: start PostgreSQL:", err)
		return 1
	}
	defer cluster.Stop()
	if err := makeTemplate(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		return 1
	}
	return m.Run()
}

func makeTemplate(ctx context.Context) error {
	admin, err := pgx.Connect(ctx, cluster.URL("postgres"))
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+templateDB); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, cluster.URL(templateDB))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, nil); err != nil {
		return err
	}
	return nil
}

// URL returns the connection string of a fresh database cloned from the
// migrated template; it is dropped when the test ends.
func URL(tb testing.TB) string {
	tb.Helper()
	if cluster == nil {
		tb.Fatal("pgtest: no cluster; call pgtest.Main from TestMain")
	}
	ctx := context.Background()
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), counter.Add(1))
	admin, err := pgx.Connect(ctx, cluster.URL("postgres"))
	if err != nil {
		tb.Fatalf("pgtest: connect: %v", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s STRATEGY FILE_COPY", name, templateDB)); err != nil {
		tb.Fatalf("pgtest: create database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, err := pgx.Connect(ctx, cluster.URL("postgres"))
		if err != nil {
			tb.Errorf("pgtest: connect for drop: %v", err)
			return
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
			tb.Errorf("pgtest: drop database: %v", err)
		}
	})
	return cluster.URL(name)
}

// NewDB returns a store on a fresh database, closed when the test ends.
func NewDB(tb testing.TB) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), URL(tb))
	if err != nil {
		tb.Fatalf("pgtest: open: %v", err)
	}
	tb.Cleanup(db.Close)
	return db
}

// NewDBWithConfig opens a fresh database with a pool configuration adjusted by
// configure (e.g. a query tracer), closed when the test ends.
func NewDBWithConfig(tb testing.TB, configure func(*pgxpool.Config)) *postgres.DB {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(URL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	configure(cfg)
	db, err := postgres.OpenConfig(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("pgtest: open: %v", err)
	}
	tb.Cleanup(db.Close)
	return db
}
