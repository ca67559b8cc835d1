// Package postgres is the store: every SQL statement of Sightline lives here,
// one file per aggregate, each scoped by workspace in the SQL itself.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is the store's handle on PostgreSQL.
type DB struct {
	Pool *pgxpool.Pool
	// Now is the clock; tests replace it.
	Now func() time.Time
	// AfterCommit, when set, runs after every committed write transaction:
	// a test hook to hold a request between its commit and its answer.
	AfterCommit func(ctx context.Context)
	// BeforeListen, when set, runs before each connect of Listen after the
	// first: a test hook to hold the listener disconnected while others write.
	BeforeListen func(ctx context.Context)
}

// Open connects to databaseURL and checks the connection.
func Open(ctx context.Context, databaseURL string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	return OpenConfig(ctx, cfg)
}

// OpenConfig connects with a prepared pool configuration (used to count queries in tests and benchmarks).
func OpenConfig(ctx context.Context, cfg *pgxpool.Config) (*DB, error) {
	// Search's typo-tolerant name matching ("billng" finds "Billing
	// service", a word similarity of 0.57): a little below pg_trgm's 0.6.
	if _, ok := cfg.ConnConfig.RuntimeParams["pg_trgm.word_similarity_threshold"]; !ok {
		cfg.ConnConfig.RuntimeParams["pg_trgm.word_similarity_threshold"] = "0.5"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("reach database: %w", err)
	}
	return &DB{Pool: pool, Now: time.Now}, nil
}

// Close closes the pool.
func (db *DB) Close() { db.Pool.Close() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.Pool.Ping(ctx) }

// inTx runs fn in a transaction, committing when it returns nil. Store methods
// own their transactions; fn calls unexported helpers that take the pgx.Tx.
// A COMMIT that gets no answer (the connection died, the deadline passed)
// is marked ErrCommitUncertain: the change may have been saved.
func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && !ConnectionLost(err) {
			return err // refused by the server (a deferred constraint): not saved
		}
		return fmt.Errorf("%w: %w", ErrCommitUncertain, err)
	}
	if db.AfterCommit != nil {
		db.AfterCommit(ctx)
	}
	return nil
}

// querier is what a read or write needs: the pool, or the transaction of
// inTx, so one helper serves both.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

var (
	_ querier = (*pgxpool.Pool)(nil)
	_ querier = pgx.Tx(nil)
)
