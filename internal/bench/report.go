package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
)

// Targets of the issue, on the large workspace at 8 connections.
const (
	targetP50          = 20 * time.Millisecond
	targetP99          = 100 * time.Millisecond
	targetStackRatio   = 0.5
	targetRSS          = 150_000_000 // bytes
	kanboardP50        = 332 * time.Millisecond
	kanboardRPS        = 3.0
	targetKanboardGain = 20.0
)

// environment is what the report says about the machine and the run.
type environment struct {
	Date       time.Time
	CPUs       int
	CPUModel   string
	MemTotal   int64 // bytes
	GoVersion  string
	Platform   string
	Postgres   string
	LoadBefore string // /proc/loadavg (1, 5, 15 min) when the run began: other work on the machine skews the figures
	Seed       seed.Report
	SignedInAs string
	PeakRSS    int64 // the server process's VmHWM after the load, bytes
	RSS        int64 // its VmRSS then
	// ColdPeakRSS is the peak of the scaling curve's server (page cache
	// off), which loads the xlarge workspace's pages.
	ColdPeakRSS int64
}

func describe(ctx context.Context, db *postgres.DB) (environment, error) {
	env := environment{Date: time.Now().UTC(), CPUs: runtime.NumCPU(), GoVersion: runtime.Version(),
		Platform: runtime.GOOS + "/" + runtime.GOARCH, CPUModel: "unknown CPU"}
	if err := db.Pool.QueryRow(ctx, `SHOW server_version`).Scan(&env.Postgres); err != nil {
		return env, err
	}
	env.Postgres, _, _ = strings.Cut(env.Postgres, " ")
	env.LoadBefore = loadAverage()
	if v := procField("/proc/cpuinfo", "model name"); v != "" {
		env.CPUModel = v
	}
	if v := procField("/proc/meminfo", "MemTotal"); v != "" {
		kb, _ := strconv.ParseInt(strings.TrimSuffix(v, " kB"), 10, 64)
		env.MemTotal = kb * 1024
	}
	return env, nil
}

// loadAverage is the 1, 5 and 15 minute load average.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// procField returns the value of the first "key: value" line of a /proc file.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64)
}

func mb(b int64) string { return strconv.FormatFloat(float64(b)/1e6, 'f', 1, 64) }

func mark(ok bool) string {
	if ok {
		return "✅"
	}
	return "❌ MISSED"
}

// report prints the table, the machine, and the comparison with the targets, as Markdown.
func report(w io.Writer, env environment, o Options, targets []target) {
	ceilings := map[string]map[int]Result{}
	for _, t := range targets {
		if t.kind != kindPage {
			ceilings[t.kind] = map[int]Result{}
			for _, r := range t.results {
				ceilings[t.kind][r.Conns] = r
			}
		}
	}
	ratio := func(kind string, r Result) string {
		c, ok := ceilings[kind][r.Conns]
		if !ok || c.RPS() == 0 {
			return "—"
		}
		return ratioText(r.RPS() / c.RPS())
	}

	s := env.Seed
	fmt.Fprintf(w, "### `make bench` — %s\n\n", env.Date.Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "- Machine: %d CPUs (%s), %.1f GB RAM, %s; %s; PostgreSQL %s (private cluster, fsync off)\n",
		env.CPUs, env.CPUModel, float64(env.MemTotal)/1e9, env.Platform, env.GoVersion, env.Postgres)
	fmt.Fprintf(w, "- Load average (1/5/15 min) when the run began: %s (well above 0 means other work shared the %d CPUs)\n", env.LoadBefore, env.CPUs)
	fmt.Fprintf(w, "- Workspace `%s` (seed %d): %d epics, %d initiatives, %d architecture items, %d epic↔item links, %d NFR impacts, %d pain notes (%d epic links), %d decisions, %d activity rows — %d rows seeded in %.1f s\n",
		s.Slug, s.Seed, s.Rows("epics"), s.Rows("initiatives"), s.Rows("arch_items"), s.Rows("epic_arch_links"), s.Rows("nfr_impacts"),
		s.Rows("pain_notes"), s.Rows("epic_pains"), s.Rows("decisions"), s.Rows("activity"), s.Total(), s.Elapsed.Seconds())
	fmt.Fprintf(w, "- Load: `bin/sightline serve` as its own process, signed in as %s; Go net/http client with keep-alive, one connection per worker, %s warm-up then %s measured per row\n",
		env.SignedInAs, o.Warmup, o.Duration)
	fmt.Fprintf(w, "- Two server processes on the same database: the pages run on one with the page cache on (after a row's first request the page is served as kept, as any repeated view is while nothing changes); the rows named “rendered”, the search and the scaling curve on one started with `--no-page-cache`, where every request renders\n\n")

	fmt.Fprintln(w, "| page | URL | conns | p50 ms | p95 ms | p99 ms | req/s | KB/response | queries | × HTTP ceiling | × stack ceiling | errors |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
	for _, t := range targets {
		q := strconv.FormatInt(t.queries, 10)
		if t.kind == kindHTTPCeiling {
			q = "0"
		}
		if t.problem != "" {
			fmt.Fprintf(w, "| %s | `%s` | — | — | — | — | — | — | — | — | — | **%s** |\n", t.name, t.path, t.problem)
			continue
		}
		for _, r := range t.results {
			errs := "0"
			if r.Errors > 0 {
				errs = fmt.Sprintf("**%d** (%s)", r.Errors, r.FirstErr)
			}
			httpRatio, stackRatio := ratio(kindHTTPCeiling, r), ratio(kindStackCeiling, r)
			if t.kind != kindPage {
				httpRatio, stackRatio = "—", "—"
			}
			fmt.Fprintf(w, "| %s | `%s` | %d | %s | %s | %s | %.0f | %.1f | %s | %s | %s | %s |\n",
				t.name, t.path, r.Conns, ms(r.Percentile(0.5)), ms(r.Percentile(0.95)), ms(r.Percentile(0.99)),
				r.RPS(), float64(r.BytesPerResponse())/1e3, q, httpRatio, stackRatio, errs)
		}
	}
	fmt.Fprintf(w, "\nServer peak RSS (VmHWM of the server process after the load): **%s MB** (%s MB resident at the end; 1 MB = 10⁶ bytes); the page-cache-off server: %s MB\n\n", mb(env.PeakRSS), mb(env.RSS), mb(env.ColdPeakRSS))

	// The comparison at 8 connections (or the most measured).
	conns := slices.Max(o.Conns)
	if slices.Contains(o.Conns, 8) {
		conns = 8
	}
	at := func(t target, c int) (Result, bool) {
		for _, r := range t.results {
			if r.Conns == c && r.Errors == 0 {
				return r, true
			}
		}
		return Result{}, false
	}
	fmt.Fprintf(w, "Targets (large workspace, %d connections):\n\n", conns)
	for _, name := range []string{"review", "roadmap", "backlog"} {
		for _, t := range targets {
			if t.name != name {
				continue
			}
			r, ok := at(t, conns)
			if !ok {
				fmt.Fprintf(w, "- %s p50 ≤ %s ms and p99 ≤ %s ms: ❌ not measured (%s)\n", name, ms(targetP50), ms(targetP99), orDefault(t.problem, "errors under load"))
				continue
			}
			p50, p99 := r.Percentile(0.5), r.Percentile(0.99)
			fmt.Fprintf(w, "- %s p50 %s ms ≤ %s ms %s; p99 %s ms ≤ %s ms %s\n", name, ms(p50), ms(targetP50), mark(p50 <= targetP50), ms(p99), ms(targetP99), mark(p99 <= targetP99))
		}
	}
	stack, ok := ceilings[kindStackCeiling][conns]
	if ok && stack.RPS() > 0 {
		var parts []string
		for _, t := range targets {
			if t.kind != kindPage {
				continue
			}
			r, ok := at(t, conns)
			if !ok {
				parts = append(parts, t.name+" ❌ not measured")
				continue
			}
			x := r.RPS() / stack.RPS()
			parts = append(parts, fmt.Sprintf("%s %s× %s", t.name, ratioText(x), mark(x >= targetStackRatio)))
		}
		fmt.Fprintf(w, "- every page ≥ %.1f× the stack ceiling (%.0f req/s): %s\n", targetStackRatio, stack.RPS(), strings.Join(parts, "; "))
	}
	fmt.Fprintf(w, "- server RSS < %s MB: %s MB %s\n", mb(targetRSS), mb(env.PeakRSS), mark(env.PeakRSS < targetRSS))
	for _, t := range targets {
		if t.name != "backlog" {
			continue
		}
		one, ok1 := at(t, slices.Min(o.Conns))
		many, ok2 := at(t, conns)
		if ok1 && ok2 {
			lat := float64(kanboardP50) / float64(one.Percentile(0.5))
			thr := many.RPS() / kanboardRPS
			fmt.Fprintf(w, "- Kanboard 1.2.53 serves a 2,000-task board in %s ms p50 at under %.0f req/s. Backlog of 2,000 epics: p50 %s ms at %d connection = **%.0f× faster**; %.0f req/s at %d connections = **%.0f× the throughput** (aim ≥ %.0f×) %s\n",
				ms(kanboardP50), kanboardRPS, ms(one.Percentile(0.5)), one.Conns, lat, many.RPS(), many.Conns, thr, targetKanboardGain, mark(lat >= targetKanboardGain && thr >= targetKanboardGain))
		}
	}
}

// ratioText shows a ratio with two decimals, or three when two would
// round a small or a near-target value out of sight.
func ratioText(x float64) string {
	if x < 0.1 || (x >= 0.49 && x < 0.51) {
		return strconv.FormatFloat(x, 'f', 3, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// The fan-out aims (issue 10).
const (
	targetFanoutP99 = 250 * time.Millisecond
	targetFanoutRSS = 200e6
)

// reportFanout prints the SSE fan-out run.
func reportFanout(w io.Writer, r FanoutResult) {
	fmt.Fprintf(w, "\n#### Live updates: SSE fan-out\n\n")
	if r.Problem != "" {
		fmt.Fprintf(w, "Not measured: **%s**\n", r.Problem)
		return
	}
	fmt.Fprintf(w, "%d event streams open on the server process (following the large workspace's backlog, %d per reader), %d comments committed at %d/s by another member; latency from the writing transaction taking its event id (just before its commit) to the client reading the event.\n\n",
		r.Streams, 10, r.Writes, r.Rate)
	fmt.Fprintln(w, "| streams | writes/s | deliveries | p50 ms | p99 ms | max ms | RSS streams open MB | RSS after the writes MB | RSS 5 s after closing MB |")
	fmt.Fprintln(w, "|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	fmt.Fprintf(w, "| %d | %d | %d of %d | %s | %s | %s | %s | %s | %s |\n\n", r.Streams, r.Rate, r.Delivered, r.Expected,
		ms(r.P50), ms(r.P99), ms(r.Max), mb(r.RSSBefore), mb(r.RSSAfter), mb(r.RSSSettled))
	fmt.Fprintf(w, "- every event delivered to every stream: %s\n", mark(r.Expected > 0 && r.Delivered == r.Expected))
	fmt.Fprintf(w, "- delivery p99 %s ms < %s ms %s\n", ms(r.P99), ms(targetFanoutP99), mark(r.P99 < targetFanoutP99))
	fmt.Fprintf(w, "- server RSS < %s MB under the fan-out: %s MB %s; no growth after the load (settled ≤ during): %s\n",
		mb(targetFanoutRSS), mb(r.RSSAfter), mark(r.RSSAfter < targetFanoutRSS), mark(r.RSSSettled <= r.RSSAfter))
}

// The import aims (issue 11).
const (
	targetImportRate = 100_000.0
	targetImportRSS  = 200e6
)

// reportImport prints the import run.
func reportImport(w io.Writer, r ImportResult) {
	fmt.Fprintf(w, "\n#### Pain import through the upload form\n\n")
	if r.Problem != "" {
		fmt.Fprintf(w, "Not measured: **%s**\n", r.Problem)
		return
	}
	fmt.Fprintln(w, "| rows | file MB | upload s | import s | rows/s | server peak RSS MB |")
	fmt.Fprintln(w, "|--:|--:|--:|--:|--:|--:|")
	fmt.Fprintf(w, "| %d | %.1f | %.1f | %.1f | %.0f | %s |\n\n", r.Rows, float64(r.Bytes)/1e6, r.Upload.Seconds(), r.Import.Seconds(), r.RowsPerSecond(), mb(r.PeakRSS))
	fmt.Fprintf(w, "- ≥ %.0f rows/s: %.0f %s\n", targetImportRate, r.RowsPerSecond(), mark(r.RowsPerSecond() >= targetImportRate))
	fmt.Fprintf(w, "- server peak RSS < %s MB (process peak so far, pages included): %s MB %s\n", mb(targetImportRSS), mb(r.PeakRSS), mark(r.PeakRSS < targetImportRSS))
}
