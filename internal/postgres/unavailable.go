package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Timeouts bound how long the store waits for PostgreSQL, so a stalled or
// restarting database answers a request with "try again" instead of a hang.
type Timeouts struct {
	// Connect bounds opening one connection (TCP, TLS, authentication).
	Connect time.Duration
	// Statement is the server-side statement_timeout of every connection.
	Statement time.Duration
	// Lock is the server-side lock_timeout: how long a statement waits for a
	// row or table lock another transaction holds.
	Lock time.Duration
}

// DefaultTimeouts suit the web server: every page and save of Sightline
// runs in milliseconds; these are far above that and below a person's patience.
var DefaultTimeouts = Timeouts{Connect: 5 * time.Second, Statement: 8 * time.Second, Lock: 4 * time.Second}

// Apply sets the timeouts on a pool configuration. Settings already in the
// connection string win.
func (t Timeouts) Apply(cfg *pgxpool.Config) {
	if t.Connect > 0 && cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = t.Connect
	}
	set := func(name string, d time.Duration) {
		if _, ok := cfg.ConnConfig.RuntimeParams[name]; !ok && d > 0 {
			cfg.ConnConfig.RuntimeParams[name] = strconv.FormatInt(d.Milliseconds(), 10)
		}
	}
	set("statement_timeout", t.Statement)
	set("lock_timeout", t.Lock)
}

// OpenWithTimeouts connects like Open, with the timeouts applied.
func OpenWithTimeouts(ctx context.Context, databaseURL string, t Timeouts) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	t.Apply(cfg)
	return OpenConfig(ctx, cfg)
}

// ErrCommitUncertain marks a write whose COMMIT got no answer: it may or may
// not have been saved, so it must not be retried blindly nor reported as lost.
var ErrCommitUncertain = errors.New("the commit got no answer")

// Unavailable reports whether err means the database did not answer in time
// or could not be reached — an outage to report as 503, not a bug.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) || errors.Is(err, ErrCommitUncertain) ||
		strings.HasSuffix(err.Error(), "closed pool") { // the pool is closed: the process is stopping
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "57014", // query_canceled: statement_timeout
			"55P03": // lock_not_available: lock_timeout
			return true
		}
	}
	return ConnectionLost(err)
}

// ConnectionLost reports whether err means the connection died or could not
// be made: the server shut down or restarted, the network dropped it. A read
// that failed so can be run again on a fresh connection.
func ConnectionLost(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == "57P01", // admin_shutdown
			pgErr.Code == "57P02",                          // crash_shutdown
			pgErr.Code == "57P03",                          // cannot_connect_now
			len(pgErr.Code) == 5 && pgErr.Code[:2] == "08": // connection exceptions
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) ||
		err.Error() == "conn closed"
}
