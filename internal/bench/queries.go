package bench

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/server"
)

// queryProbe is an in-process Sightline server on a pool that counts
// queries: the server process under load cannot count its queries without a
// code change, so each page is requested once more here, with the same
// session mechanism, against the same database.
type queryProbe struct {
	counter *postgres.QueryCounter
	db      *postgres.DB
	srv     *server.Server
	cookie  string
}

func newQueryProbe(ctx context.Context, databaseURL, email, password string) (*queryProbe, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, err
	}
	q := &queryProbe{counter: &postgres.QueryCounter{}}
	cfg.ConnConfig.Tracer = q.counter
	if q.db, err = postgres.OpenConfig(ctx, cfg); err != nil {
		return nil, err
	}
	scfg := server.DefaultConfig()
	scfg.NoPageCache = true // count what a render reads, not the cached page
	q.srv = server.New(q.db, slog.New(slog.DiscardHandler), scfg)
	form := url.Values{"email": {email}, "password": {password}}
	res := q.do(httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode())))
	if res.Code != http.StatusSeeOther {
		q.Close()
		return nil, fmt.Errorf("in-process sign-in as %s: HTTP %d", email, res.Code)
	}
	for _, c := range res.Result().Cookies() {
		if c.Value != "" {
			q.cookie = c.Name + "=" + c.Value
		}
	}
	if q.cookie == "" {
		q.Close()
		return nil, fmt.Errorf("in-process sign-in as %s set no session cookie", email)
	}
	return q, nil
}

func (q *queryProbe) do(req *http.Request) *httptest.ResponseRecorder {
	if req.Method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if q.cookie != "" {
		req.Header.Set("Cookie", q.cookie)
	}
	rec := httptest.NewRecorder()
	q.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// Count requests path twice (the first warms caches and takes any pending
// flash message) and returns the number of queries of the second request
// and its status.
func (q *queryProbe) Count(path string) (queries int64, status int) {
	q.do(httptest.NewRequest(http.MethodGet, path, nil))
	before := q.counter.N()
	res := q.do(httptest.NewRequest(http.MethodGet, path, nil))
	return q.counter.N() - before, res.Code
}

// CountWith is Count with headers (an API token): no cookie is sent.
func (q *queryProbe) CountWith(path string, hdr http.Header) (queries int64, status int) {
	if hdr == nil {
		return q.Count(path)
	}
	req := func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.Header = hdr.Clone()
		return r
	}
	serve := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		q.srv.Handler().ServeHTTP(rec, req())
		return rec
	}
	serve()
	before := q.counter.N()
	res := serve()
	return q.counter.N() - before, res.Code
}

// CountHandler counts the queries of one request to h (the stack ceiling).
func (q *queryProbe) CountHandler(h http.Handler, path string) int64 {
	before := q.counter.N()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	return q.counter.N() - before
}

// Pool is the counting pool.
func (q *queryProbe) Pool() *pgxpool.Pool { return q.db.Pool }

func (q *queryProbe) Close() {
	q.srv.Close()
	q.db.Close()
}
