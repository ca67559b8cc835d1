package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/seed"
)

// The import run: a generated CSV of n pain notes (in the generic layout)
// uploaded through the real form to the server process as the demo PM,
// previewed, then imported; throughput from the import's POST to its
// answer, and the server's peak memory.

// ImportResult is what the import run measured.
type ImportResult struct {
	Rows    int
	Bytes   int64
	Upload  time.Duration
	Import  time.Duration
	PeakRSS int64
	Flash   string
	Problem string
}

// RowsPerSecond is the import's throughput.
func (r ImportResult) RowsPerSecond() float64 {
	if r.Import <= 0 {
		return 0
	}
	return float64(r.Rows) / r.Import.Seconds()
}

func importRun(ctx context.Context, base string, pid int, n int, dir string, logf func(string, ...any)) ImportResult {
	res := ImportResult{Rows: n}
	fail := func(err error) ImportResult { res.Problem = err.Error(); return res }
	path := filepath.Join(dir, "pains.csv")
	f, err := os.Create(path)
	if err != nil {
		return fail(err)
	}
	w := bufio.NewWriter(f)
	// Short rows, so a million fit in the 50 MB an upload may be.
	fmt.Fprintln(w, "quote,customer,severity,heard_on,external_id")
	for i := range n {
		fmt.Fprintf(w, "Slow export %d,C%d,%d,2026-0%d-1%d,t%d\n", i, i%5000, 1+i%5, 1+i%9, i%9, i)
	}
	if err := w.Flush(); err != nil {
		return fail(err)
	}
	res.Bytes, _ = f.Seek(0, io.SeekCurrent)
	f.Close()
	cookie, err := signIn(base, "pm@example.com", seed.DemoPassword)
	if err != nil {
		return fail(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	// The upload, streamed from the file.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", "pains.csv")
		if err == nil {
			var src *os.File
			if src, err = os.Open(path); err == nil {
				_, err = io.Copy(part, src)
				src.Close()
			}
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequestWithContext(ctx, "POST", base+paths.PainImport(seed.DemoSlug), pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Cookie", cookie)
	req.Header.Set("Origin", base)
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return fail(err)
	}
	resp.Body.Close()
	res.Upload = time.Since(start)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, paths.PainImport(seed.DemoSlug)+"/") {
		return fail(fmt.Errorf("upload: HTTP %d %s", resp.StatusCode, loc))
	}
	u, _ := url.Parse(loc)
	logf("import: uploaded %d rows (%.1f MB) in %.1f s; importing", n, float64(res.Bytes)/1e6, res.Upload.Seconds())

	form := url.Values{"preset": {"generic"}, "encoding": {"utf-8"}, "confirm": {"import"}}
	req, _ = http.NewRequestWithContext(ctx, "POST", base+u.Path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookie)
	req.Header.Set("Origin", base)
	start = time.Now()
	resp, err = client.Do(req)
	if err != nil {
		return fail(err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4000))
	resp.Body.Close()
	res.Import = time.Since(start)
	if resp.StatusCode != http.StatusSeeOther {
		return fail(fmt.Errorf("import: HTTP %d: %.300s", resp.StatusCode, body))
	}
	res.PeakRSS, _, _ = memory(pid)
	logf("import: %d rows in %.1f s (%.0f rows/s), server peak RSS %s MB", n, res.Import.Seconds(), res.RowsPerSecond(), mb(res.PeakRSS))
	return res
}
