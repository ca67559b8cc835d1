package bench

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// CeilingEpic is one row of the stack ceiling's page.
type CeilingEpic struct {
	ID      int64
	Title   string
	Status  string
	Kind    string
	Quarter string
}

// ceilingRows is how many epics the stack ceiling reads and renders.
const ceilingRows = 2000

// Ceiling is the stack ceiling: the same stack as a Sightline page (net/http,
// pgx, templ rendered into a buffer), doing only the essential work of a
// large list — one query for 2,000 epics and one table — with no session,
// no access check, no layout. A page cannot be faster than this on the
// same machine; its ratio to this says how much the rest costs.
type Ceiling struct {
	Pool *pgxpool.Pool
	// WorkspaceID and Slug say whose epics to list.
	WorkspaceID int64
	Slug        string
}

func (c *Ceiling) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rows, err := c.Pool.Query(r.Context(), `
		SELECT id, title, status, kind, coalesce(target_quarter, '')
		FROM epics WHERE workspace_id = $1 ORDER BY id LIMIT $2`, c.WorkspaceID, ceilingRows)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	epics, err := pgx.CollectRows(rows, pgx.RowToStructByPos[CeilingEpic])
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := CeilingPage(c.Slug, epics).Render(r.Context(), &buf); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}
