package server

import (
	"context"
	"errors"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// sessionStore is pgxstore with the request's context: pgxstore's own
// methods run on context.Background(), so a stalled database would hold a
// request past its deadline while its session loads. scs uses the *Ctx
// methods when a store has them; the SQL is pgxstore's, on its table.
type sessionStore struct {
	*pgxstore.PostgresStore
	pool *pgxpool.Pool
}

func newSessionStore(pool *pgxpool.Pool) *sessionStore {
	// pgxstore's cleanup goroutine races with StopCleanup; sweepSessions
	// deletes expired sessions instead.
	return &sessionStore{PostgresStore: pgxstore.NewWithCleanupInterval(pool, 0), pool: pool}
}

// FindCtx returns the data of a live session.
func (s *sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.pool.QueryRow(ctx, "SELECT data FROM sessions WHERE token = $1 AND current_timestamp < expiry", token).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// CommitCtx stores a session.
func (s *sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.pool.Exec(ctx, "INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3) ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry", token, b, expiry)
	return err
}

// DeleteCtx removes a session.
func (s *sessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.pool.Exec(ctx, "DELETE FROM sessions WHERE token = $1", token)
	return err
}
