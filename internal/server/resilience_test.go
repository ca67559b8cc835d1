package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sightline/sightline/internal/logging"
	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/server"
)

// stallProxy sits between the server and PostgreSQL. Paused, it stops
// passing bytes both ways, as a database that hangs (SIGSTOP, a saturated
// disk, a network partition) looks to the server.
type stallProxy struct {
	ln     net.Listener
	target string
	paused atomic.Bool
	mu     sync.Mutex
	conns  []net.Conn
}

func newStallProxy(t testing.TB, target string) *stallProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{ln: ln, target: target}
	t.Cleanup(func() {
		p.paused.Store(false)
		ln.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go p.pipe(c, up)
			go p.pipe(up, c)
		}
	}()
	return p
}

func (p *stallProxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		for p.paused.Load() {
			time.Sleep(5 * time.Millisecond)
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			dst.Close()
			return
		}
	}
}

// resilientApp is the server on a fresh demo database reached through a
// stall proxy, with the serving timeouts.
func newResilientApp(t *testing.T, requestTimeout time.Duration) (*testApp, *stallProxy, string) {
	t.Helper()
	dbURL := pgtest.URL(t)
	seedDB, err := postgres.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.Demo(context.Background(), seedDB, password.Fast); err != nil {
		t.Fatal(err)
	}
	seedDB.Close()
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newStallProxy(t, fmt.Sprintf("%s:%d", cfg.ConnConfig.Host, cfg.ConnConfig.Port))
	cfg.ConnConfig.Host, cfg.ConnConfig.Port = "127.0.0.1", uint16(proxy.ln.Addr().(*net.TCPAddr).Port)
	postgres.DefaultTimeouts.Apply(cfg)
	db, err := postgres.OpenConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	app := newTestAppOn(t, db, func(c *server.Config) { c.RequestTimeout = requestTimeout })
	return app, proxy, dbURL
}

// TestStalledDatabaseAnswers503InTime: with PostgreSQL not answering, pages
// and saves come back within the request deadline with a 503 that says
// nothing was saved; /readyz says not ready; all recover when it answers.
func TestStalledDatabaseAnswers503InTime(t *testing.T) {
	app, proxy, dbURL := newResilientApp(t, time.Second)
	pm := app.signIn("pm@example.com")
	wantStatus(t, pm.get("/w/demo/epics"), http.StatusOK)

	proxy.paused.Store(true)
	for _, tc := range []struct {
		method, path string
		want         string
	}{
		{"GET", "/w/demo/epics", "not answering right now"},
		{"GET", "/w/demo/pains?segment=Enterprise", "not answering right now"},
		{"POST", "/w/demo/goals", "nothing was saved"},
	} {
		start := time.Now()
		var res *response
		if tc.method == "GET" {
			res = pm.get(tc.path)
		} else {
			res = pm.post(tc.path, url.Values{"title": {"Stalled goal"}, "metric": {"m"}, "baseline": {"1"}, "target": {"2"}, "current": {"1"}})
		}
		took := time.Since(start)
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(res.body, tc.want) {
			t.Errorf("%s %s while the database stalls: %d, want 503 saying %q\n%.800s", tc.method, tc.path, res.StatusCode, tc.want, res.body)
		}
		if res.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s: 503 without Retry-After", tc.method, tc.path)
		}
		// Bounded by the deadline (1 s), not by the stall: generous slack
		// for a loaded machine, far below a hang.
		if took > 8*time.Second {
			t.Errorf("%s %s took %v with a 1 s request deadline", tc.method, tc.path, took)
		}
	}
	res := app.client().get("/readyz")
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz while the database stalls: %d, want 503", res.StatusCode)
	}
	proxy.paused.Store(false)

	// The stalled save was not saved; everything answers again.
	check, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close(context.Background())
	var n int
	if err := check.QueryRow(context.Background(), `SELECT count(*) FROM goals WHERE title = 'Stalled goal'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("stalled save: %d rows (err %v), want none", n, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		res := pm.get("/w/demo/epics")
		if res.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the stall: %d", res.StatusCode)
		}
		time.Sleep(50 * time.Millisecond)
	}
	wantStatus(t, app.client().get("/readyz"), http.StatusOK)
}

// TestReadsSurviveLostConnections: when PostgreSQL ends every connection
// (what `pg_ctl restart -m fast` does to them), a page load is retried once
// on a fresh connection and answers 200; a save on a dead connection is a
// 503 that says whether it was saved, and the database agrees.
func TestReadsSurviveLostConnections(t *testing.T) {
	app, _, dbURL := newResilientApp(t, 5*time.Second)
	viewer := app.signIn("viewer@example.com")
	pm := app.signIn("pm@example.com")
	admin, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	terminate := func() {
		t.Helper()
		// Warm several connections first so the pool holds dead ones.
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() { defer wg.Done(); viewer.get("/w/demo/epics") }()
		}
		wg.Wait()
		if _, err := admin.Exec(context.Background(),
			`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, path := range []string{"/w/demo/epics", "/w/demo", "/w/demo/review", "/w/demo/pains"} {
		terminate()
		res := viewer.get(path)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s after the connections were terminated: %d, want 200 (retried)\n%.500s", path, res.StatusCode, res.body)
		}
	}
	for i := range 3 {
		terminate()
		title := fmt.Sprintf("Goal after restart %d", i)
		res := pm.post("/w/demo/goals", url.Values{"title": {title}, "metric": {"m"}, "baseline": {"1"}, "target": {"2"}, "current": {"1"}})
		var n int
		if err := admin.QueryRow(context.Background(), `SELECT count(*) FROM goals WHERE title = $1`, title).Scan(&n); err != nil {
			t.Fatal(err)
		}
		switch {
		case res.StatusCode == http.StatusSeeOther && n == 1:
		case res.StatusCode == http.StatusServiceUnavailable && strings.Contains(res.body, "nothing was saved") && n == 0:
		case res.StatusCode == http.StatusServiceUnavailable && strings.Contains(res.body, "might not have been saved"):
		default:
			t.Errorf("save after the connections were terminated: %d with %d saved\n%.500s", res.StatusCode, n, res.body)
		}
	}
}

// beginTracer notes when transactions start, to prove none starts after
// shutdown has finished.
type beginTracer struct {
	mu     sync.Mutex
	begins []time.Time
}

func (b *beginTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(d.SQL)), "begin") {
		b.mu.Lock()
		b.begins = append(b.begins, time.Now())
		b.mu.Unlock()
	}
	return ctx
}

func (b *beginTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TestShutdownAnswersEverySaveTruthfully: SIGTERM (the serve context ends)
// during a stream of slow saves. Every save answered 303 is in the database,
// every save answered otherwise is not (or says it might be), none is
// answered 500, and no transaction starts once shutdown has returned and
// the pool is about to close.
func TestShutdownAnswersEverySaveTruthfully(t *testing.T) {
	tracer := &beginTracer{}
	dbURL := pgtest.URL(t)
	pcfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	pcfg.ConnConfig.Tracer = tracer
	db, err := postgres.OpenConfig(context.Background(), pcfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.Demo(context.Background(), db, password.Fast); err != nil {
		t.Fatal(err)
	}
	// Every committed save waits longer than the shutdown grace before it
	// is answered: shutdown lands between commits and answers, and the
	// grace ends with saves still in flight.
	db.AfterCommit = func(context.Context) { time.Sleep(500 * time.Millisecond) }
	cfg := server.DefaultConfig()
	cfg.Password = password.Fast
	cfg.ShutdownGrace = 200 * time.Millisecond
	cfg.RequestTimeout = 3 * time.Second
	srv := server.New(db, logging.New(io.Discard, "text", "error"), cfg)
	ctx, stop := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx, "127.0.0.1:0", func(a string) { addrc <- a }) }()
	base := "http://" + <-addrc

	newClient := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Jar: jar, Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	signIn := func(c *http.Client) {
		res, err := c.PostForm(base+"/login", url.Values{"email": {"pm@example.com"}, "password": {seed.DemoPassword}})
		if err != nil || res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in: %v %v", res, err)
		}
		res.Body.Close()
	}

	type outcome struct {
		quote  string
		status int // 0: no answer (connection refused or closed)
		body   string
		err    error
	}
	var (
		mu       sync.Mutex
		outcomes []outcome
		wg       sync.WaitGroup
		seq      atomic.Int64
	)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newClient()
			signIn(c)
			for {
				quote := fmt.Sprintf("Shutdown pain %d-%d", w, seq.Add(1))
				res, err := c.PostForm(base+"/w/demo/pains", url.Values{"quote": {quote}, "source": {"interview"}, "severity": {"3"},
					"frequency": {"weekly"}, "firsthand": {"firsthand"}, "heard_on": {"2026-11-30"}})
				o := outcome{quote: quote, err: err}
				if err == nil {
					b, _ := io.ReadAll(res.Body)
					res.Body.Close()
					o.status, o.body = res.StatusCode, string(b)
				}
				mu.Lock()
				outcomes = append(outcomes, o)
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	time.Sleep(1200 * time.Millisecond)
	stop()
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("ListenAndServe: %v", err)
	}
	// As `serve` does: the server is done, so the pool closes now.
	returned := time.Now()
	srv.Close()
	db.Close()
	wg.Wait()

	tracer.mu.Lock()
	for _, b := range tracer.begins {
		if b.After(returned) {
			t.Errorf("a transaction began %v after shutdown returned", b.Sub(returned))
		}
	}
	tracer.mu.Unlock()
	check, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close(context.Background())
	saved, cut, refused := 0, 0, 0
	for _, o := range outcomes {
		var n int
		if err := check.QueryRow(context.Background(), `SELECT count(*) FROM pain_notes WHERE quote = $1`, o.quote).Scan(&n); err != nil {
			t.Fatal(err)
		}
		switch {
		case o.status == http.StatusSeeOther:
			saved++
			if n != 1 {
				t.Errorf("%q answered 303 but %d rows saved", o.quote, n)
			}
		case o.status >= 500 && o.status != http.StatusServiceUnavailable:
			t.Errorf("%q answered %d\n%.300s", o.quote, o.status, o.body)
		case o.status == http.StatusServiceUnavailable:
			refused++
			if n != 0 && !strings.Contains(o.body, "might not have been saved") {
				t.Errorf("%q answered 503 (%q) but was saved", o.quote, o.body)
			}
		default:
			if cut == 0 {
				t.Logf("first save without an answer: %v %d %.3000s", o.err, o.status, o.body)
			}
			cut++
			if n != 0 {
				t.Errorf("%q got no answer (%d) but was saved", o.quote, o.status)
			}
		}
	}
	if saved < 8 {
		t.Errorf("only %d saves before shutdown: the test did not exercise a stream of saves", saved)
	}
	t.Logf("%d saves answered 303 (all in the database), %d refused 503 while draining, %d without an answer (none saved)", saved, refused, cut)
}
