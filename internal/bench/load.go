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
	tr := &http.Transport{
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		DisableCompression:  true,
		IdleConnTimeout:     time.Minute,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		// A redirect (e.g. to /login) is an answer to measure, not to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
	start := time.Now()
	measureFrom, stopAt := start.Add(warmup), start.Add(warmup+dur)

	type partial struct {
		lat      []time.Duration
		errors   int
		firstErr string
		bytes    int64
	}
	parts := make([]partial, conns)
	var wg sync.WaitGroup
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &parts[w]
			p.lat = make([]time.Duration, 0, 4096)
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(stopAt) {
					return
				}
				n, err := get(ctx, client, url, cookie)
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
	res := Result{Conns: conns, Elapsed: time.Since(measureFrom)}
	for _, p := range parts {
		res.Latencies = append(res.Latencies, p.lat...)
		res.Errors += p.errors
		res.Bytes += p.bytes
		if res.FirstErr == "" {
			res.FirstErr = p.firstErr
		}
	}
	res.Requests = len(res.Latencies)
	if res.Requests == 0 && ctx.Err() == nil {
		// Every request outlasted the window: a failure to report, not 0 req/s to compare.
		res.Errors, res.FirstErr = 1, fmt.Sprintf("no response completed within %s", dur)
	}
	slices.Sort(res.Latencies)
	return res
}

// get fetches url and reads the whole body; anything but a 200 is an error.
func get(ctx context.Context, client *http.Client, url, cookie string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
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
	if res.StatusCode != http.StatusOK {
		return n, fmt.Errorf("HTTP %d", res.StatusCode)
	}
	return n, nil
}
