package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
)

// mixedRow is one page under the write mix.
type mixedRow struct {
	key, name, path string
	reads, writes   Result
}

// estimateWriter returns the mix's write: the large workspace's engineer
// re-estimates an epic through the page's form (an estimate shows on the
// review, the backlog and the roadmap, so every cache of theirs is
// invalidated, as in use). Each worker has its own epics, so two writes
// never race for one version; the version is read just before.
func estimateWriter(ctx context.Context, base string, db *postgres.DB, rep seed.Report, conns int) (func(context.Context, int, int) error, error) {
	cookie, err := signIn(base, seed.LargeEmail(rep.Slug, "engineer"), seed.DemoPassword)
	if err != nil {
		return nil, err
	}
	rows, err := db.Pool.Query(ctx, `SELECT id FROM epics WHERE workspace_id = $1 ORDER BY id LIMIT 400`, rep.WorkspaceID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) < conns {
		return nil, fmt.Errorf("the mix needs %d epics, the workspace has %d", conns, len(ids))
	}
	client := loadClient(conns)
	sizes := []string{"S", "M", "L"}
	return func(ctx context.Context, worker, n int) error {
		id := ids[(worker+n*conns)%len(ids)]
		var version int
		if err := db.Pool.QueryRow(ctx, `SELECT version FROM epics WHERE id = $1`, id).Scan(&version); err != nil {
			return err
		}
		form := url.Values{"size": {sizes[n%len(sizes)]}, "estimate_note": {"Re-estimated during the bench's write mix."},
			"version": {strconv.Itoa(version)}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+paths.EpicEstimate(rep.Slug, id), strings.NewReader(form.Encode()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", cookie)
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
		if res.StatusCode != http.StatusSeeOther {
			return fmt.Errorf("estimate: HTTP %d", res.StatusCode)
		}
		return nil
	}, nil
}

// mixedKeys are the pages measured under the mix.
var mixedKeys = []string{"review", "roadmap", "backlog", "dashboard", "architecture"}

// reportMixed prints the mix and its aims.
func reportMixed(w io.Writer, rows []mixedRow) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\n#### Under a write mix: 1 request in 10 is a write by another member\n\n")
	fmt.Fprintln(w, "Each worker sends nine GETs of the page, then the large workspace's engineer re-estimates an epic through its form (303), so the review, roadmap and dashboard caches are invalidated as in use. Latencies are the GETs'.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| page | conns | p50 ms | p95 ms | p99 ms | GETs/s | writes/s | write p50 ms | errors |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|---|")
	for _, r := range rows {
		errs := "0"
		if n := r.reads.Errors + r.writes.Errors; n > 0 {
			errs = fmt.Sprintf("**%d** (%s)", n, orDefault(r.reads.FirstErr, r.writes.FirstErr))
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %.0f | %.0f | %s | %s |\n", r.name, r.reads.Conns, ms(r.reads.Percentile(0.5)),
			ms(r.reads.Percentile(0.95)), ms(r.reads.Percentile(0.99)), r.reads.RPS(), r.writes.RPS(), ms(r.writes.Percentile(0.5)), errs)
	}
	fmt.Fprintln(w)
	for _, key := range []string{"review", "roadmap", "backlog"} {
		for _, r := range rows {
			if r.key != key || r.reads.Conns != 8 {
				continue
			}
			p50, p99 := r.reads.Percentile(0.5), r.reads.Percentile(0.99)
			fmt.Fprintf(w, "- %s under the mix at 8 connections: p50 %s ms ≤ %s ms %s; p99 %s ms ≤ %s ms %s\n", key, ms(p50), ms(targetP50),
				mark(p50 <= targetP50 && r.reads.Errors == 0), ms(p99), ms(targetP99), mark(p99 <= targetP99 && r.reads.Errors == 0))
		}
	}
}

// wireSizes fetches a page once as is, once asking for gzip and once for
// zstd, and returns the bytes on the wire of each.
func wireSizes(ctx context.Context, base, path, cookie string) (plain, gz, zs int64, err error) {
	client := loadClient(1)
	defer client.CloseIdleConnections()
	for i, enc := range []string{"", "gzip", "zstd"} {
		h := http.Header{}
		if enc != "" {
			h.Set("Accept-Encoding", enc)
		}
		n, err := getWith(ctx, client, base+path, cookie, h)
		if err != nil {
			return 0, 0, 0, err
		}
		switch i {
		case 0:
			plain = n
		case 1:
			gz = n
		case 2:
			zs = n
		}
	}
	return plain, gz, zs, nil
}

// pageETag is the tag a page is served with (retried a few times: no tag
// is handed out while any transaction is in progress).
func pageETag(ctx context.Context, base, path, cookie string) (string, error) {
	client := loadClient(1)
	defer client.CloseIdleConnections()
	for range 20 {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return "", err
		}
		req.Header.Set("Cookie", cookie)
		res, err := client.Do(req)
		if err != nil {
			return "", err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if tag := res.Header.Get("ETag"); tag != "" {
			return tag, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "", fmt.Errorf("%s has no ETag", path)
}

// reportWire prints the bytes on the wire and the 304 path.
func reportWire(w io.Writer, targets []target, notModified []Result, stack map[int]Result) {
	fmt.Fprintf(w, "\n#### Bytes on the wire and the 304 path\n\n")
	fmt.Fprintln(w, "| page | plain KB | gzip KB | zstd KB | zstd saves |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|")
	for _, t := range targets {
		if t.kind != kindPage || t.wirePlain == 0 {
			continue
		}
		fmt.Fprintf(w, "| %s | %.1f | %.1f | %.1f | %.0f%% |\n", t.name, float64(t.wirePlain)/1e3, float64(t.wireGzip)/1e3, float64(t.wireZstd)/1e3,
			100*(1-float64(t.wireZstd)/float64(t.wirePlain)))
	}
	if len(notModified) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| review, If-None-Match (304 Not Modified) | conns | p50 ms | p99 ms | req/s | × stack ceiling | errors |")
		fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|---|")
		for _, r := range notModified {
			x := "—"
			if c, ok := stack[r.Conns]; ok && c.RPS() > 0 {
				x = ratioText(r.RPS() / c.RPS())
			}
			errs := "0"
			if r.Errors > 0 {
				errs = fmt.Sprintf("**%d** (%s)", r.Errors, r.FirstErr)
			}
			fmt.Fprintf(w, "| 304 | %d | %s | %s | %.0f | %s | %s |\n", r.Conns, ms(r.Percentile(0.5)), ms(r.Percentile(0.99)), r.RPS(), x, errs)
		}
	}
}
