package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
)

// The scaling curve (issue 12): the same pages on four sizes.
const (
	targetScaleGrowth = 2.0 // xlarge p50 within 2× of large
	targetScaleP99    = 100 * time.Millisecond
)

// scaleSize is one workspace of the curve and what its pages measured.
type scaleSize struct {
	Name    string
	Rep     seed.Report
	Targets []target // the pages, measured at one connection count
}

// seedScales seeds the small, medium and xlarge workspaces next to the
// large one (rep) and makes the large workspace's PM a member of each, so
// the load signs in once.
func seedScales(ctx context.Context, db *postgres.DB, seedValue int64, large seed.Report, logf func(string, ...any)) ([]scaleSize, error) {
	sizes := []struct {
		name string
		size seed.Size
	}{{"small", seed.SizeSmall}, {"medium", seed.SizeMedium}, {"large", seed.Size{}}, {"xlarge", seed.SizeXLarge}}
	var out []scaleSize
	for _, s := range sizes {
		if s.name == "large" {
			out = append(out, scaleSize{Name: s.name, Rep: large})
			continue
		}
		s.size.Slug = "scale-" + s.name
		logf("seeding the %s workspace of the scaling curve", s.name)
		rep, err := seed.Large(ctx, db, s.size, seedValue)
		if err != nil {
			return nil, fmt.Errorf("seed %s: %w", s.name, err)
		}
		logf("seeded %d rows in %.1f s", rep.Total(), rep.Elapsed.Seconds())
		if _, err := db.Pool.Exec(ctx, `INSERT INTO memberships (workspace_id, user_id, role)
			SELECT $1, id, 'pm' FROM users WHERE email = $2`, rep.WorkspaceID, seed.LargeEmail(large.Slug, "pm")); err != nil {
			return nil, err
		}
		out = append(out, scaleSize{Name: s.name, Rep: rep})
	}
	for i := range out {
		t, err := pageTargets(ctx, db, out[i].Rep)
		if err != nil {
			return nil, err
		}
		out[i].Targets = slices.DeleteFunc(t, func(t target) bool { return t.key == "review-filtered" || t.cold || t.api })
	}
	return out, nil
}

// measureScales loads each page of each size at conns connections.
func measureScales(ctx context.Context, sizes []scaleSize, base, cookie string, probe *queryProbe, conns int, warmup, dur time.Duration, logf func(string, ...any)) {
	for i := range sizes {
		for j := range sizes[i].Targets {
			t := &sizes[i].Targets[j]
			t.base = base
			q, status := probe.Count(t.path)
			t.queries = q
			if status != http.StatusOK {
				t.problem = fmt.Sprintf("in-process: HTTP %d", status)
				continue
			}
			res := Load(ctx, base+t.path, cookie, conns, warmup, dur)
			logf("%-7s %-16s %d conn: %7.1f req/s, p50 %s, p99 %s, %d errors", sizes[i].Name, t.key, conns, res.RPS(),
				ms(res.Percentile(0.5)), ms(res.Percentile(0.99)), res.Errors)
			t.results = append(t.results, res)
		}
	}
}

// reportScales prints the curve's table and the aims, and writes the chart.
func reportScales(w io.Writer, sizes []scaleSize, chartPath string, peakRSS int64) {
	fmt.Fprintf(w, "\n#### Scaling curve: the same pages on four sizes\n\n")
	fmt.Fprintln(w, "Measured on a second server process with the page cache off, so each request renders: what a page costs after a change, at each size.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| size | epics | items | pains | activity | rows | seed s |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|")
	for _, s := range sizes {
		r := s.Rep
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %d | %.1f |\n", s.Name, r.Rows("epics"), r.Rows("arch_items"), r.Rows("pain_notes"), r.Rows("activity"), r.Total(), r.Elapsed.Seconds())
	}
	fmt.Fprintln(w)
	head := "| page |"
	line := "|---|"
	for _, s := range sizes {
		head += " " + s.Name + " p50 ms | p99 | req/s | queries |"
		line += "--:|--:|--:|--:|"
	}
	fmt.Fprintln(w, head)
	fmt.Fprintln(w, line)
	for j, t := range sizes[0].Targets {
		row := "| " + t.key + " |"
		for _, s := range sizes {
			if j >= len(s.Targets) || len(s.Targets[j].results) == 0 {
				row += " — | — | — | — |"
				continue
			}
			r := s.Targets[j].results[0]
			row += fmt.Sprintf(" %s | %s | %.0f | %d |", ms(r.Percentile(0.5)), ms(r.Percentile(0.99)), r.RPS(), s.Targets[j].queries)
		}
		fmt.Fprintln(w, row)
	}
	// Aims.
	var large, xl *scaleSize
	for i := range sizes {
		switch sizes[i].Name {
		case "large":
			large = &sizes[i]
		case "xlarge":
			xl = &sizes[i]
		}
	}
	if large != nil && xl != nil {
		var growth, tails, fixed []string
		for j, t := range xl.Targets {
			if len(t.results) == 0 || j >= len(large.Targets) || len(large.Targets[j].results) == 0 {
				growth = append(growth, t.key+" ❌ not measured")
				continue
			}
			x, l := t.results[0], large.Targets[j].results[0]
			g := float64(x.Percentile(0.5)) / float64(max(l.Percentile(0.5), time.Microsecond))
			growth = append(growth, fmt.Sprintf("%s %.2f× %s", t.key, g, mark(g <= targetScaleGrowth)))
			tails = append(tails, fmt.Sprintf("%s %s ms %s", t.key, ms(x.Percentile(0.99)), mark(x.Percentile(0.99) <= targetScaleP99 && x.Errors == 0)))
			same := true
			for _, s := range sizes {
				if j < len(s.Targets) && s.Targets[j].queries != t.queries {
					same = false
				}
			}
			fixed = append(fixed, fmt.Sprintf("%s %s", t.key, mark(same)))
		}
		conns := 0
		if len(xl.Targets) > 0 && len(xl.Targets[0].results) > 0 {
			conns = xl.Targets[0].results[0].Conns
		}
		fmt.Fprintf(w, "\n- every page at xlarge within %.0f× its large p50: %s\n", targetScaleGrowth, strings.Join(growth, "; "))
		fmt.Fprintf(w, "- no page over %s ms p99 at %d connections on xlarge: %s\n", ms(targetScaleP99), conns, strings.Join(tails, "; "))
		fmt.Fprintf(w, "- the same number of queries at every size: %s\n", strings.Join(fixed, "; "))
		fmt.Fprintf(w, "- peak RSS of the server that served the four sizes (page cache off) < %s MB: %s MB %s\n", mb(targetRSS), mb(peakRSS), mark(peakRSS > 0 && peakRSS < targetRSS))
	}
	if chartPath != "" {
		if err := os.WriteFile(chartPath, scalingSVG(sizes), 0o644); err != nil {
			fmt.Fprintf(w, "\nThe chart could not be written: %v\n", err)
		} else {
			fmt.Fprintf(w, "\nThe curve is drawn in `%s` (p50 per page per size, log scale).\n", chartPath)
		}
	}
}

// scalingSVG draws p50 (log scale) against the size, one line per page.
func scalingSVG(sizes []scaleSize) []byte {
	const W, H, left, right, top, bottom = 760.0, 420.0, 60.0, 170.0, 30.0, 60.0
	colors := []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range sizes {
		for _, t := range s.Targets {
			for _, r := range t.results {
				v := float64(r.Percentile(0.5)) / 1e6
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 0.1, 100
	}
	lo, hi = math.Pow(10, math.Floor(math.Log10(math.Max(lo, 0.01)))), math.Pow(10, math.Ceil(math.Log10(math.Max(hi, 0.02))))
	plotW, plotH := W-left-right, H-top-bottom
	x := func(i int) float64 {
		if len(sizes) < 2 {
			return left
		}
		return left + plotW*float64(i)/float64(len(sizes)-1)
	}
	y := func(v float64) float64 {
		return top + plotH*(1-(math.Log10(math.Max(v, lo))-math.Log10(lo))/(math.Log10(hi)-math.Log10(lo)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12" role="img" aria-labelledby="t">`, W, H, W, H)
	b.WriteString(`<title id="t">p50 latency per page by workspace size (8 connections, log scale)</title>`)
	fmt.Fprintf(&b, `<rect width="%.0f" height="%.0f" fill="#fff"/>`, W, H)
	for d := lo; d <= hi*1.0001; d *= 10 {
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#ddd"/><text x="%.1f" y="%.1f" text-anchor="end">%s ms</text>`,
			left, left+plotW, y(d), y(d), left-6, y(d)+4, strconv.FormatFloat(d, 'g', -1, 64))
	}
	for i, s := range sizes {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text><text x="%.1f" y="%.1f" text-anchor="middle" fill="#666">%d epics</text>`,
			x(i), top+plotH+20, s.Name, x(i), top+plotH+36, s.Rep.Rows("epics"))
	}
	if len(sizes) > 0 {
		for j, t := range sizes[0].Targets {
			c := colors[j%len(colors)]
			var pts []string
			for i, s := range sizes {
				if j < len(s.Targets) && len(s.Targets[j].results) > 0 {
					v := float64(s.Targets[j].results[0].Percentile(0.5)) / 1e6
					pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
					fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, x(i), y(v), c)
				}
			}
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, c, strings.Join(pts, " "))
			fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="2"/><text x="%.1f" y="%.1f">%s</text>`,
				W-right+15, W-right+35, top+10+float64(j)*18, top+10+float64(j)*18, c, W-right+40, top+14+float64(j)*18, t.key)
		}
	}
	b.WriteString(`</svg>`)
	return []byte(b.String())
}
