// Package bench is `make bench`: it starts a private PostgreSQL cluster,
// seeds the demo and the large generated workspace, starts `sightline serve`
// as its own process, signs in as the large workspace's PM, and drives
// concurrent load against the pages a review uses, next to two ceilings
// measured in the same run: /healthz (HTTP) and a minimal pgx + templ page
// of 2,000 epics (the stack). It prints one table.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/pgcluster"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/sightline"
)

// Options tune a run.
type Options struct {
	ServerBin  string        // the sightline binary to run as the server process
	Warmup     time.Duration // per row, not measured
	Duration   time.Duration // per row, measured
	Conns      []int         // connection counts, e.g. 1 and 8
	Seed       int64         // seed.Large's random seed
	Pages      []string      // keys of the pages to measure (dashboard, backlog, epic, …); empty: all
	Search     bool          // seed a workspace of 1,000,000 pain notes and measure search on it
	ImportRows int           // rows of the CSV import run (0: no import run)
	Streams    int           // SSE fan-out: streams open (0: no fan-out run)
	WriteRate  int           // SSE fan-out: writes per second
	FanoutFor  time.Duration // SSE fan-out: how long it writes
	Mixed      bool          // measure the pages under a 1-in-10 write mix
	Scaling    bool          // seed small, medium and xlarge and measure the scaling curve
	ScaleConns int           // connections of the scaling curve (8)
	ChartPath  string        // where the scaling curve's SVG goes ("": not drawn)
	Out        io.Writer     // the report
	Log        io.Writer     // progress
}

// Kinds of targets.
const (
	kindPage         = "page"
	kindHTTPCeiling  = "http-ceiling"
	kindStackCeiling = "stack-ceiling"
)

// target is one row group of the table: a URL measured at each connection count.
type target struct {
	key              string // for -pages
	name, path, kind string
	base             string
	cookie           bool
	cold             bool        // measured on the server with the page cache off (each request renders)
	sess             string      // the session cookie sent
	hdr              http.Header // sent with each request (an API token)
	queries          int64
	problem          string // why it was not measured
	results          []Result

	wirePlain, wireGzip, wireZstd int64 // one response's bytes on the wire
	api                           bool  // an API call: a token, no cookie
}

// Run performs a whole benchmark and prints the report. It stops the server
// process and the cluster and removes its temporary directory on the way
// out, also when ctx is cancelled (Ctrl-C).
func Run(ctx context.Context, o Options) error {
	logf := func(format string, args ...any) { fmt.Fprintf(o.Log, "bench: "+format+"\n", args...) }
	bin, err := filepath.Abs(o.ServerBin)
	if err != nil {
		return err
	}
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("server binary: %w (build it with `make build`)", err)
	}
	dir, err := os.MkdirTemp("", "sightline-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	logf("starting a private PostgreSQL cluster in %s (fsync off: nothing here needs to survive a crash)", dir)
	cl, err := pgcluster.Start(ctx, pgcluster.Options{Dir: filepath.Join(dir, "pg"), Fast: true})
	if err != nil {
		return err
	}
	defer func() {
		logf("stopping PostgreSQL")
		if err := cl.Stop(); err != nil {
			logf("stop PostgreSQL: %v", err)
		}
	}()
	dbURL, err := createDatabase(ctx, cl, "sightline")
	if err != nil {
		return err
	}
	db, err := postgres.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, nil); err != nil {
		return err
	}
	logf("seeding the demo workspace and the large workspace (seed %d)", o.Seed)
	if err := seed.Demo(ctx, db, password.Default); err != nil {
		return fmt.Errorf("seed the demo: %w", err)
	}
	rep, err := seed.Large(ctx, db, seed.SizeLarge, o.Seed)
	if err != nil {
		return fmt.Errorf("seed the large workspace: %w", err)
	}
	logf("seeded %d rows in %.1f s", rep.Total(), rep.Elapsed.Seconds())
	var xl *seed.Report
	if o.Search {
		logf("seeding the search workspace: 1,000,000 pain notes")
		r, err := seed.Large(ctx, db, seed.SizeSearch, o.Seed)
		if err != nil {
			return fmt.Errorf("seed the search workspace: %w", err)
		}
		logf("seeded %d rows in %.1f s", r.Total(), r.Elapsed.Seconds())
		// A rare word, and the large workspace's PM as a member (the load signs in once).
		if _, err := db.Pool.Exec(ctx, `
			INSERT INTO pain_notes (workspace_id, quote, source, customer, severity, frequency, firsthand, heard_on)
			SELECT $1, 'Zanzibar office cannot sync ' || g, 'support', 'Zanzibar Ltd', 3, 'weekly', true, current_date FROM generate_series(1, 20) g`, r.WorkspaceID); err != nil {
			return err
		}
		if _, err := db.Pool.Exec(ctx, `INSERT INTO memberships (workspace_id, user_id, role)
			SELECT $1, id, 'pm' FROM users WHERE email = $2`, r.WorkspaceID, seed.LargeEmail(rep.Slug, "pm")); err != nil {
			return err
		}
		if _, err := db.Pool.Exec(ctx, `ANALYZE pain_notes`); err != nil {
			return err
		}
		xl = &r
	}
	var scales []scaleSize
	if o.Scaling {
		if scales, err = seedScales(ctx, db, o.Seed, rep, logf); err != nil {
			return err
		}
	}
	env, err := describe(ctx, db)
	if err != nil {
		return err
	}
	env.Seed = rep
	targets, err := pageTargets(ctx, db, rep)
	if err != nil {
		return err
	}
	if xl != nil {
		search := func(key, name, q string) target {
			return target{key: key, name: name, path: paths.Search(xl.Slug, paths.Values{"q": {q}}), kind: kindPage, cookie: true, cold: true}
		}
		targets = append(targets,
			search("search-common", "search, common word (1M pains)", "latency"),
			search("search-phrase", "search, phrase (1M pains)", `"every monday"`),
			search("search-rare", "search, rare word (1M pains)", "zanzibar"),
			search("search-prefix", "search, prefix (1M pains)", "auditor"),
			search("search-typo", "search, typo in a name (1M pains)", "zanzibr"))
	}
	if len(o.Pages) > 0 {
		targets = slices.DeleteFunc(targets, func(t target) bool { return !slices.Contains(o.Pages, t.key) })
	}

	// Settle what the seeds left to autovacuum (visibility maps, statistics)
	// now, not while pages are measured.
	logf("VACUUM (ANALYZE) and CHECKPOINT after the seeds")
	t0 := time.Now()
	for _, q := range []string{`VACUUM (ANALYZE)`, `CHECKPOINT`} {
		if _, err := db.Pool.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	logf("settled in %.1f s", time.Since(t0).Seconds())

	logf("starting %s serve", o.ServerBin)
	srv, err := startServer(ctx, bin, dbURL, filepath.Join(dir, "server.log"))
	if err != nil {
		return err
	}
	defer func() {
		logf("stopping the server process")
		srv.stop()
	}()
	email := seed.LargeEmail(rep.Slug, "pm")
	cookie, err := signIn(srv.base, email, seed.DemoPassword)
	if err != nil {
		return err
	}
	// The API rows call with a read token of the same member.
	apiHdr, err := benchToken(ctx, db, email, rep.WorkspaceID)
	if err != nil {
		return err
	}
	// A second server process with the page cache off: what a request
	// costs when it renders (after a change), for the search, the
	// "rendered" rows and the scaling curve.
	logf("starting a second server, page cache off")
	cold, err := startServer(ctx, bin, dbURL, filepath.Join(dir, "server-cold.log"), "SIGHTLINE_NO_PAGE_CACHE=true")
	if err != nil {
		return err
	}
	defer cold.stop()
	coldCookie, err := signIn(cold.base, email, seed.DemoPassword)
	if err != nil {
		return err
	}
	env.SignedInAs = email

	probe, err := newQueryProbe(ctx, dbURL, email, seed.DemoPassword)
	if err != nil {
		return err
	}
	defer probe.Close()

	// The stack ceiling, served in this process on its own pool.
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	ceiling := &Ceiling{Pool: pool, WorkspaceID: rep.WorkspaceID, Slug: rep.Slug}
	ceilingBase, stopCeiling, err := serveInProcess(ceiling)
	if err != nil {
		return err
	}
	defer stopCeiling()

	for i := range targets {
		t := &targets[i]
		t.base, t.sess = srv.base, cookie
		if t.cold {
			t.base, t.sess = cold.base, coldCookie
		}
		if !t.cookie {
			t.sess = ""
		}
		if t.api {
			t.sess, t.hdr = "", apiHdr
		}
	}
	targets = append(targets,
		target{name: "HTTP ceiling", path: "/healthz", kind: kindHTTPCeiling, base: srv.base},
		target{name: "stack ceiling", path: "/ceiling", kind: kindStackCeiling, base: ceilingBase})

	// One request to each target first: a page that is not there (404 "not
	// built yet") or fails is reported, not measured.
	for i := range targets {
		t := &targets[i]
		c := t.sess
		n, err := getWith(ctx, &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, t.base+t.path, c, t.hdr)
		if err != nil {
			t.problem = err.Error()
			if n > 0 && strings.Contains(t.problem, "404") {
				t.problem += " (not built yet?)"
			}
			continue
		}
		switch t.kind {
		case kindPage:
			q, status := probe.CountWith(t.path, t.hdr)
			t.queries = q
			if status != http.StatusOK {
				t.problem = fmt.Sprintf("in-process: HTTP %d", status)
			}
		case kindStackCeiling:
			t.queries = probe.CountHandler(&Ceiling{Pool: probe.Pool(), WorkspaceID: rep.WorkspaceID, Slug: rep.Slug}, t.path)
		}
	}

	for i := range targets {
		t := &targets[i]
		if t.problem != "" {
			logf("%-16s %s: not measured: %s", t.name, t.path, t.problem)
			continue
		}
		for _, conns := range o.Conns {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("interrupted: %w", err)
			}
			res := LoadWith(ctx, t.base+t.path, t.sess, t.hdr, conns, o.Warmup, o.Duration)
			logf("%-16s %d conn: %7.1f req/s, p50 %s, p99 %s, %d errors", t.name, conns, res.RPS(),
				ms(res.Percentile(0.5)), ms(res.Percentile(0.99)), res.Errors)
			t.results = append(t.results, res)
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted: %w", err)
	}
	// Bytes on the wire, the 304 path, the write mix, the scaling curve.
	var stack map[int]Result
	for _, t := range targets {
		if t.kind == kindStackCeiling {
			stack = map[int]Result{}
			for _, r := range t.results {
				stack[r.Conns] = r
			}
		}
		if t.kind == kindPage && t.problem == "" && !t.api {
			p, g, z, err := wireSizes(ctx, t.base, t.path, t.sess)
			if err != nil {
				logf("%s: bytes on the wire: %v", t.name, err)
				continue
			}
			for i := range targets {
				if targets[i].key == t.key {
					targets[i].wirePlain, targets[i].wireGzip, targets[i].wireZstd = p, g, z
				}
			}
		}
	}
	var notModified []Result
	if tag, err := pageETag(ctx, srv.base, paths.Review(rep.Slug), cookie); err != nil {
		logf("304 path: %v", err)
	} else {
		for _, conns := range o.Conns {
			res := LoadWith(ctx, srv.base+paths.Review(rep.Slug), cookie, http.Header{"If-None-Match": {tag}}, conns, o.Warmup, o.Duration)
			logf("review 304       %d conn: %7.1f req/s, p50 %s, p99 %s, %d errors", conns, res.RPS(), ms(res.Percentile(0.5)), ms(res.Percentile(0.99)), res.Errors)
			notModified = append(notModified, res)
		}
	}
	var mixed []mixedRow
	if o.Mixed {
		for _, t := range targets {
			if t.kind != kindPage || t.problem != "" || !slices.Contains(mixedKeys, t.key) {
				continue
			}
			for _, conns := range o.Conns {
				write, err := estimateWriter(ctx, srv.base, db, rep, conns)
				if err != nil {
					return fmt.Errorf("the write mix: %w", err)
				}
				reads, writes := LoadMixed(ctx, t.base+t.path, cookie, conns, o.Warmup, o.Duration, write)
				logf("%-16s mix %d conn: %7.1f GET/s, p50 %s, p99 %s, %.0f writes/s, %d+%d errors", t.name, conns, reads.RPS(),
					ms(reads.Percentile(0.5)), ms(reads.Percentile(0.99)), writes.RPS(), reads.Errors, writes.Errors)
				mixed = append(mixed, mixedRow{key: t.key, name: t.name, path: t.path, reads: reads, writes: writes})
			}
		}
	}
	if len(scales) > 0 {
		// The curve measures what a render costs: on the server with the
		// page cache off (the first one's pages are kept rendered).
		measureScales(ctx, scales, cold.base, coldCookie, probe, max(o.ScaleConns, 1), o.Warmup, o.Duration, logf)
	}
	env.PeakRSS, env.RSS, err = memory(srv.Pid())
	if err != nil {
		return err
	}
	env.ColdPeakRSS, _, _ = memory(cold.Pid())
	var imp *ImportResult
	if o.ImportRows > 0 {
		r := importRun(ctx, srv.base, srv.Pid(), o.ImportRows, dir, logf)
		imp = &r
	}
	var fan *FanoutResult
	if o.Streams > 0 {
		r := fanout(ctx, srv.base, srv.Pid(), db, rep, o.Streams, max(o.WriteRate, 1), o.FanoutFor, logf)
		logf("fan-out: %d/%d deliveries, p50 %s, p99 %s, RSS %s → %s → %s MB %s", r.Delivered, r.Expected, ms(r.P50), ms(r.P99),
			mb(r.RSSBefore), mb(r.RSSAfter), mb(r.RSSSettled), r.Problem)
		fan = &r
	}
	report(o.Out, env, o, targets)
	reportWire(o.Out, targets, notModified, stack)
	reportMixed(o.Out, mixed)
	if len(scales) > 0 {
		reportScales(o.Out, scales, o.ChartPath, env.ColdPeakRSS)
	}
	if imp != nil {
		reportImport(o.Out, *imp)
	}
	if fan != nil {
		reportFanout(o.Out, *fan)
	}
	return nil
}

// pageTargets lists the pages to measure on the large workspace, with the
// ids they need: the busiest epic (most pains and links), and the
// initiative with the most epics for the filtered review.
func pageTargets(ctx context.Context, db *postgres.DB, rep seed.Report) ([]target, error) {
	var epicID, initiativeID int64
	var pains, links int
	err := db.Pool.QueryRow(ctx, `
		SELECT id, pains, links FROM (
		  SELECT e.id,
		         (SELECT count(*) FROM epic_pains p WHERE p.workspace_id = e.workspace_id AND p.epic_id = e.id) AS pains,
		         (SELECT count(*) FROM epic_arch_links l WHERE l.workspace_id = e.workspace_id AND l.epic_id = e.id) AS links
		  FROM epics e WHERE e.workspace_id = $1) x
		ORDER BY pains + links DESC, id LIMIT 1`, rep.WorkspaceID).Scan(&epicID, &pains, &links)
	if err != nil {
		return nil, fmt.Errorf("pick the busiest epic: %w", err)
	}
	err = db.Pool.QueryRow(ctx, `
		SELECT initiative_id FROM epics WHERE workspace_id = $1 AND initiative_id IS NOT NULL
		GROUP BY initiative_id ORDER BY count(*) DESC, initiative_id LIMIT 1`, rep.WorkspaceID).Scan(&initiativeID)
	if err != nil {
		return nil, fmt.Errorf("pick an initiative: %w", err)
	}
	ws := rep.Slug
	page := func(key, name, path string) target {
		return target{key: key, name: name, path: path, kind: kindPage, cookie: true}
	}
	apiCall := func(key, name, path string) target {
		return target{key: key, name: name, path: path, kind: kindPage, api: true}
	}
	cold := func(key, name, path string) target {
		t := page(key, name, path)
		t.cold = true
		return t
	}
	return []target{
		page("dashboard", "dashboard", paths.Workspace(ws)),
		page("backlog", "backlog", paths.Epics(ws)),
		page("epic", fmt.Sprintf("epic (%d pains, %d links)", pains, links), paths.Epic(ws, epicID)),
		page("roadmap", "roadmap", paths.Roadmap(ws)),
		page("review", "review", paths.Review(ws)),
		page("review-filtered", "review, filtered", paths.Review(ws, paths.Values{"initiative": {strconv.FormatInt(initiativeID, 10)}, "kind": {"enabler"}})),
		page("matrix", "matrix", paths.Matrix(ws)),
		page("architecture", "architecture", paths.Architecture(ws)),
		page("decisions", "decision log", paths.Decisions(ws)),
		cold("review-render", "review, rendered", paths.Review(ws)),
		cold("architecture-render", "architecture, rendered", paths.Architecture(ws)),
		apiCall("api-epics", "API: epics, a page of 50", "/api/v1/w/"+ws+"/epics?limit=50"),
		apiCall("api-epics-ready", "API: ready epics, a page of 50", "/api/v1/w/"+ws+"/epics?status=ready&limit=50"),
		apiCall("api-pains", "API: pain notes, a page of 50", "/api/v1/w/"+ws+"/pains?limit=50"),
		apiCall("api-items", "API: architecture items, a page of 200", "/api/v1/w/"+ws+"/architecture-items?limit=200"),
		apiCall("api-decisions", "API: decisions, a page of 50", "/api/v1/w/"+ws+"/decisions?limit=50"),
	}, nil
}

// createDatabase creates a database in the cluster and returns its URL.
func createDatabase(ctx context.Context, cl *pgcluster.Cluster, name string) (string, error) {
	conn, err := pgx.Connect(ctx, cl.URL("postgres"))
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", err
	}
	return cl.URL(name), nil
}

// signIn posts the sign-in form like a browser and returns the session cookie.
func signIn(base, email, pw string) (string, error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(base+"/login", url.Values{"email": {email}, "password": {pw}})
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	if res.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("sign in as %s: HTTP %d, want 303", email, res.StatusCode)
	}
	var parts []string
	for _, c := range res.Cookies() {
		if c.Value != "" {
			parts = append(parts, c.Name+"="+c.Value)
		}
	}
	if len(parts) == 0 {
		return "", errors.New("sign-in set no session cookie")
	}
	return strings.Join(parts, "; "), nil
}

// serveInProcess serves h on a free local port, with the timeouts of the
// real server, and returns its base URL and a stop function.
func serveInProcess(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	s := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	go func() { _ = s.Serve(ln) }()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
	}
	return "http://" + ln.Addr().String(), stop, nil
}

// benchToken makes a read token for the member (email) in the workspace:
// the header the API rows send.
func benchToken(ctx context.Context, db *postgres.DB, email string, wsID int64) (http.Header, error) {
	u, err := db.UserByEmail(ctx, email)
	if err != nil {
		return nil, fmt.Errorf("the API's token: %w", err)
	}
	_, secret, err := db.CreateToken(ctx, postgres.Actor{UserID: u.ID}, wsID, sightline.NewToken{Name: "bench", Scope: string(sightline.ScopeRead)})
	if err != nil {
		return nil, fmt.Errorf("the API's token: %w", err)
	}
	return http.Header{"Authorization": {"Bearer " + secret}}, nil
}
