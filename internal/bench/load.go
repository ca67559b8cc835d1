package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Result is what one load run measured.
type Result struct {
	Conns     int
	Requests  int             // completed in the measured window (errors included)
	Errors    int             // responses other than 200, and transport errors
	FirstErr  string          // the first error, for the table
	Elapsed   time.Duration   // the measured window
	Latencies []time.Duration // sorted
	Bytes     int64           // response body bytes, summed
}

// Percentile returns the q-quantile latency (0 < q ≤ 1), nearest rank.
func (r Result) Percentile(q float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.Latencies))*q+0.5) - 1
	return r.Latencies[max(0, min(i, len(r.Latencies)-1))]
}

// RPS is completed requests per second.
func (r Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// BytesPerResponse is the mean response body size.
func (r Result) BytesPerResponse() int64 {
	if r.Requests == 0 {
		return 0
	}
	return r.Bytes / int64(r.Requests)
}

// Load drives GET url with conns workers, each on its own keep-alive
// connection, sending cookie (may be empty) with every request. Requests in
// the first warmup are not measured; the measured window is then dur.
func Load(ctx context.Context, url, cookie string, conns int, warmup, dur time.Duration) Result {
	return LoadWith(ctx, url, cookie, nil, conns, warmup, dur)
}

// LoadWith is Load with extra request headers (Accept-Encoding,
// If-None-Match: then a 304 is an answer, not an error).
func LoadWith(ctx context.Context, url, cookie string, hdr http.Header, conns int, warmup, dur time.Duration) Result {
	client := loadClient(conns)
	defer client.CloseIdleConnections()
	reads, _ := loadLoop(ctx, conns, warmup, dur, 0, func(ctx context.Context, _, _ int) (int64, error) {
		return getWith(ctx, client, url, cookie, hdr)
	}, nil)
	return reads
}

// LoadMixed is Load where every tenth request of each worker is a write
// (write(ctx, worker, n), n counting that worker's writes) instead of the
// GET: the page's figures under writes by someone else, with the writes'
// own figures.
func LoadMixed(ctx context.Context, url, cookie string, conns int, warmup, dur time.Duration,
	write func(ctx context.Context, worker, n int) error) (reads, writes Result) {
	client := loadClient(conns)
	defer client.CloseIdleConnections()
	return loadLoop(ctx, conns, warmup, dur, 10, func(ctx context.Context, _, _ int) (int64, error) {
		return get(ctx, client, url, cookie)
	}, func(ctx context.Context, w, n int) (int64, error) { return 0, write(ctx, w, n) })
}

func loadClient(conns int) *http.Client {
	tr := &http.Transport{
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		DisableCompression:  true,
		IdleConnTimeout:     time.Minute,
	}
	return &http.Client{
		Transport: tr,
		// A redirect (e.g. to /login) is an answer to measure, not to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
}

// loadLoop runs conns workers until warmup+dur: each request is read(),
// except every every-th (when every > 0 and write is set), which is write().
func loadLoop(ctx context.Context, conns int, warmup, dur time.Duration, every int,
	read, write func(ctx context.Context, worker, n int) (int64, error)) (reads, writes Result) {
	start := time.Now()
	measureFrom, stopAt := start.Add(warmup), start.Add(warmup+dur)

	type partial struct {
		lat      []time.Duration
		errors   int
		firstErr string
		bytes    int64
	}
	parts := make([]partial, 2*conns)
	var wg sync.WaitGroup
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rp, wp := &parts[w], &parts[conns+w]
			rp.lat = make([]time.Duration, 0, 4096)
			for i, nw := 0, 0; ctx.Err() == nil; i++ {
				t0 := time.Now()
				if !t0.Before(stopAt) {
					return
				}
				p, do := rp, read
				if every > 0 && write != nil && i%every == every-1 {
					p, do = wp, write
					nw++
				}
				n, err := do(ctx, w, nw)
				if t0.Before(measureFrom) {
					continue
				}
				p.lat = append(p.lat, time.Since(t0))
				p.bytes += n
				if err != nil {
					p.errors++
					if p.firstErr == "" {
						p.firstErr = err.Error()
					}
				}
			}
		}()
	}
	wg.Wait()
	collect := func(ps []partial) Result {
		res := Result{Conns: conns, Elapsed: time.Since(measureFrom)}
		for _, p := range ps {
			res.Latencies = append(res.Latencies, p.lat...)
			res.Errors += p.errors
			res.Bytes += p.bytes
			if res.FirstErr == "" {
				res.FirstErr = p.firstErr
			}
		}
		res.Requests = len(res.Latencies)
		slices.Sort(res.Latencies)
		return res
	}
	reads, writes = collect(parts[:conns]), collect(parts[conns:])
	if reads.Requests == 0 && ctx.Err() == nil {
		// Every request outlasted the window: a failure to report, not 0 req/s to compare.
		reads.Errors, reads.FirstErr = 1, fmt.Sprintf("no response completed within %s", dur)
	}
	return reads, writes
}

// get fetches url and reads the whole body; anything but a 200 is an error.
func get(ctx context.Context, client *http.Client, url, cookie string) (int64, error) {
	return getWith(ctx, client, url, cookie, nil)
}

// getWith is get with extra headers; with If-None-Match a 304 is an answer.
func getWith(ctx context.Context, client *http.Client, url, cookie string, hdr http.Header) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	n, err := io.Copy(io.Discard, res.Body)
	if err != nil {
		return n, err
	}
	if res.StatusCode != http.StatusOK && (res.StatusCode != http.StatusNotModified || hdr.Get("If-None-Match") == "") {
		return n, fmt.Errorf("HTTP %d", res.StatusCode)
	}
	return n, nil
}
