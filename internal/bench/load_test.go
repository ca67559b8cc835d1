package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/missing":
			http.NotFound(w, r)
		case r.Header.Get("Cookie") != "s=1":
			http.Redirect(w, r, "/login", http.StatusSeeOther)
		default:
			_, _ = w.Write([]byte("hello"))
		}
	}))
	defer ts.Close()
	ctx := context.Background()

	ok := Load(ctx, ts.URL+"/page", "s=1", 2, 50*time.Millisecond, 200*time.Millisecond)
	if ok.Requests == 0 || ok.Errors != 0 || ok.BytesPerResponse() != 5 || ok.RPS() <= 0 {
		t.Errorf("200s: %+v", ok)
	}
	if ok.Percentile(0.5) > ok.Percentile(0.99) || ok.Percentile(0.99) == 0 {
		t.Errorf("percentiles p50 %s p99 %s", ok.Percentile(0.5), ok.Percentile(0.99))
	}
	// A 404 and a redirect to the sign-in page are errors, not fast answers.
	for _, c := range []struct{ path, cookie string }{{"/missing", "s=1"}, {"/page", ""}} {
		bad := Load(ctx, ts.URL+c.path, c.cookie, 1, 0, 100*time.Millisecond)
		if bad.Requests == 0 || bad.Errors != bad.Requests || bad.FirstErr == "" {
			t.Errorf("%s: %+v", c.path, bad)
		}
	}
}

func TestPercentile(t *testing.T) {
	r := Result{}
	for i := 1; i <= 100; i++ {
		r.Latencies = append(r.Latencies, time.Duration(i)*time.Millisecond)
	}
	for q, want := range map[float64]time.Duration{0.5: 50 * time.Millisecond, 0.95: 95 * time.Millisecond, 0.99: 99 * time.Millisecond, 1: 100 * time.Millisecond} {
		if got := r.Percentile(q); got != want {
			t.Errorf("p%v = %s, want %s", q*100, got, want)
		}
	}
	if (Result{}).Percentile(0.5) != 0 {
		t.Error("empty result")
	}
}

func TestLoadMixed(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("page"))
	}))
	defer ts.Close()
	var mu sync.Mutex
	perWorker := map[int]int{}
	reads, writes := LoadMixed(context.Background(), ts.URL, "", 3, 20*time.Millisecond, 200*time.Millisecond,
		func(_ context.Context, w, n int) error {
			mu.Lock()
			defer mu.Unlock()
			if n != perWorker[w]+1 {
				t.Errorf("worker %d: write number %d after %d", w, n, perWorker[w])
			}
			perWorker[w] = n
			return nil
		})
	if reads.Requests == 0 || writes.Requests == 0 || reads.Errors != 0 {
		t.Fatalf("reads %d (errors %d), writes %d", reads.Requests, reads.Errors, writes.Requests)
	}
	// One in ten: nine reads for each write, give or take one a worker.
	if lo, hi := 9*writes.Requests-3*9, 9*writes.Requests+3*9; reads.Requests < lo || reads.Requests > hi {
		t.Errorf("%d reads for %d writes, want about 9 a write", reads.Requests, writes.Requests)
	}
	if reads.BytesPerResponse() != 4 {
		t.Errorf("bytes per read = %d, want 4", reads.BytesPerResponse())
	}
}

func TestLoadWithNotModified(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `W/"x"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = w.Write([]byte("page"))
	}))
	defer ts.Close()
	res := LoadWith(context.Background(), ts.URL, "", http.Header{"If-None-Match": {`W/"x"`}}, 2, 10*time.Millisecond, 100*time.Millisecond)
	if res.Requests == 0 || res.Errors != 0 || res.Bytes != 0 {
		t.Errorf("304s: %d requests, %d errors (%s), %d bytes", res.Requests, res.Errors, res.FirstErr, res.Bytes)
	}
	if plain := Load(context.Background(), ts.URL, "", 1, 0, 50*time.Millisecond); plain.Errors != 0 || plain.Bytes == 0 {
		t.Errorf("200s: %+v", plain)
	}
}
