package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/pgcluster"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/server"
)

// runServe serves the app. In dev mode without DATABASE_URL it first starts
// a private PostgreSQL cluster in the data directory (stopped again on exit),
// and seeds the demo workspace into an empty database.
func runServe(ctx context.Context, env Env, args []string, dev bool) error {
	c, _, err := parse(env, "serve", args, nil)
	if err != nil {
		return err
	}
	log := newLogger(env, c)

	if dev && c.DatabaseURL == "" {
		dir, _ := filepath.Abs(c.DataDir)
		cl, err := pgcluster.Start(ctx, pgcluster.Options{Dir: dir, Log: func(f string, a ...any) { log.Info(fmt.Sprintf(f, a...)) }})
		if err != nil {
			return err
		}
		defer func() {
			log.Info("stopping the private PostgreSQL cluster")
			if err := cl.Stop(); err != nil {
				log.Error("stop PostgreSQL", "err", err)
			}
		}()
		if err := ensureDatabase(ctx, cl, "sightline"); err != nil {
			return err
		}
		c.DatabaseURL = cl.URL("sightline")
	}

	if err := prepareDatabase(ctx, c, log, dev); err != nil {
		return err
	}
	// The server's own pool carries the timeouts; migrating and seeding
	// above ran without them, as they may legitimately take long.
	db, err := postgres.OpenWithTimeouts(ctx, c.DatabaseURL, c.DBTimeouts)
	if err != nil {
		return err
	}
	// Deferred first, runs last: the pool is closed only after the server
	// has answered every request in flight (ListenAndServe waits for them).
	defer db.Close()
	srv := server.New(db, log, c.serverConfig())
	defer srv.Close()
	return srv.ListenAndServe(ctx, c.Addr, func(addr string) {
		log.Info("listening", "addr", addr)
		if dev {
			printDemo(env.Stdout, "http://"+addr)
		}
	})
}

// ensureDatabase creates a database in the private cluster if missing.
func ensureDatabase(ctx context.Context, cl *pgcluster.Cluster, name string) error {
	conn, err := pgx.Connect(ctx, cl.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	}
	return err
}

// prepareDatabase migrates (and in dev mode seeds an empty database) on a
// pool of its own, without the serving timeouts.
func prepareDatabase(ctx context.Context, c Config, log *slog.Logger, dev bool) error {
	db, err := openDB(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx, nil)
	if err != nil {
		return err
	}
	log.Info("database migrated", "applied", n)
	if !dev {
		return nil
	}
	has, err := db.HasUsers(ctx)
	if err != nil {
		return err
	}
	if !has {
		log.Info("empty database: seeding the demo workspace (sightline seed --demo)")
		if err := seed.Demo(ctx, db, password.Default); err != nil && !errors.Is(err, seed.ErrDemoExists) {
			return err
		}
	}
	return nil
}
