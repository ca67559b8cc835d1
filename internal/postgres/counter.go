package postgres

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

// QueryCounter counts the SQL statements run through a pool: install it as
// the pool's tracer (pgxpool.Config.ConnConfig.Tracer) and read N. The
// query-count tests of the store and the server, and `make bench`, use it
// to prove that a page costs the same number of queries at any data size.
type QueryCounter struct{ n atomic.Int64 }

// N is how many statements have started.
func (c *QueryCounter) N() int64 { return c.n.Load() }

// Reset sets the count back to zero.
func (c *QueryCounter) Reset() { c.n.Store(0) }

// TraceQueryStart counts one statement.
func (c *QueryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

// TraceQueryEnd does nothing.
func (c *QueryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
