// Command sightline-bench is `make bench`: it load-tests `sightline serve`
// on a generated large workspace in a private PostgreSQL cluster and prints
// one table of latencies, throughput, response sizes, queries per request
// and the server's peak memory, next to two ceilings measured in the same run.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sightline/sightline/internal/bench"
)

func main() {
	o := bench.Options{Out: os.Stdout, Log: os.Stderr}
	conns := "1,8"
	out := ""
	flag.StringVar(&o.ServerBin, "server", "bin/sightline", "the sightline binary to load-test (run as `serve`)")
	flag.DurationVar(&o.Warmup, "warmup", time.Second, "warm-up per row, not measured")
	flag.DurationVar(&o.Duration, "duration", 5*time.Second, "measured time per row")
	flag.StringVar(&conns, "conns", conns, "comma-separated connection counts")
	flag.Int64Var(&o.Seed, "seed", 1, "random seed of the large workspace")
	flag.StringVar(&out, "o", "", "also write the report (Markdown) to this file")
	flag.BoolVar(&o.Search, "search", true, "seed a workspace of 1,000,000 pain notes and measure search on it")
	flag.IntVar(&o.ImportRows, "import-rows", 1_000_000, "rows of the CSV pain import run through the upload path (0: skip it)")
	flag.IntVar(&o.Streams, "streams", 1000, "event streams of the SSE fan-out run (0: skip it)")
	flag.IntVar(&o.WriteRate, "write-rate", 50, "writes per second during the fan-out run")
	flag.DurationVar(&o.FanoutFor, "fanout-duration", 10*time.Second, "how long the fan-out run writes")
	flag.BoolVar(&o.Mixed, "mixed", true, "also measure the review, roadmap, backlog, dashboard and architecture under a 1-in-10 write mix")
	flag.BoolVar(&o.Scaling, "scaling", true, "seed small, medium and xlarge workspaces and measure the scaling curve (adds ~2 min of seeding)")
	flag.IntVar(&o.ScaleConns, "scale-conns", 8, "connections of the scaling curve")
	chart := flag.String("chart", "", "write the scaling curve's SVG here (default: next to -o, as NAME-scaling.svg)")
	pages := flag.String("pages", "", "measure only these pages (comma-separated): dashboard, backlog, epic, roadmap, review, review-filtered, matrix, architecture, decisions; the ceilings are always measured")
	flag.Parse()
	if *pages != "" {
		for _, p := range strings.Split(*pages, ",") {
			o.Pages = append(o.Pages, strings.TrimSpace(p))
		}
	}
	for _, c := range strings.Split(conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "sightline-bench: bad -conns %q\n", conns)
			os.Exit(2)
		}
		o.Conns = append(o.Conns, n)
	}
	o.ChartPath = *chart
	if o.ChartPath == "" && out != "" {
		o.ChartPath = strings.TrimSuffix(out, ".md") + "-scaling.svg"
	}
	var report strings.Builder
	if out != "" {
		o.Out = io.MultiWriter(os.Stdout, &report)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := bench.Run(ctx, o)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sightline-bench:", err)
		os.Exit(1)
	}
	if out != "" {
		if err := os.WriteFile(out, []byte(report.String()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "sightline-bench:", err)
			os.Exit(1)
		}
	}
}
