package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is where the Debian package (installed by `make test`) puts
// the browser.
const chromiumPath = "/usr/bin/chromium"

const (
	// sessionTimeout bounds a whole browser session, start-up included, so a
	// browser that hangs while starting cannot stall the suite.
	sessionTimeout = 2 * time.Minute
	// stepTimeout bounds each chromedp run.
	stepTimeout = 60 * time.Second
	// closeTimeout bounds the graceful close of the browser.
	closeTimeout = 10 * time.Second
)

// browser is one headless Chromium with one tab, closed when the test ends.
type browser struct {
	t   *testing.T
	ctx context.Context // the tab's context; never carries a per-step timeout
}

// findChromium returns the browser's path. Without one the test fails under
// CI (the environment variable CI is set) and is skipped elsewhere.
func findChromium(t *testing.T) string {
	t.Helper()
	if fi, err := os.Stat(chromiumPath); err == nil && !fi.IsDir() {
		return chromiumPath
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	msg := "Chromium not found at " + chromiumPath + " or on PATH; install it with " +
		"`apt-get install -y --no-install-recommends chromium` (`make test` does)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg + "; skipping the browser test (it fails instead when CI is set)")
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile and its own
// temporary directory. The test's cleanup closes it, kills any process of it
// that is left, and removes both directories.
// execPath comes from findChromium; call that before any costly set-up, so
// a machine without Chromium skips at once.
func newBrowser(t *testing.T, execPath string) *browser {
	t.Helper()

	profile := t.TempDir()
	tmp, err := os.MkdirTemp("", "sightline-e2e-chromium-tmp-")
	if err != nil {
		t.Fatal(err)
	}
	// Registered first, so it runs after the browser is gone.
	t.Cleanup(func() {
		if err := os.RemoveAll(tmp); err != nil {
			t.Errorf("remove the browser's TMPDIR: %v", err)
		}
	})

	output := &lockedBuffer{}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.Env("TMPDIR=" + tmp),
		chromedp.CombinedOutput(output),
	}

	sessionCtx, sessionCancel := context.WithTimeout(context.Background(), sessionTimeout)
	allocCtx, allocCancel := chromedp.NewExecAllocator(sessionCtx, opts...)
	tabCtx, tabCancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		// Close gracefully first, then make sure: cancelling the allocator
		// kills the process and waits for it.
		cctx, cancel := context.WithTimeout(tabCtx, closeTimeout)
		if err := chromedp.Cancel(cctx); err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("closing the browser: %v", err)
		}
		cancel()
		tabCancel()
		allocCancel()
		sessionCancel()
		if n := killLeftovers(profile); n > 0 {
			t.Logf("killed %d leftover browser process(es)", n)
		}
		if t.Failed() {
			if out := output.tail(40); out != "" {
				t.Logf("browser output (last lines, D-Bus noise left out):\n%s", out)
			}
		}
	})

	// The first run starts the browser; it lives as long as the context of
	// this run, so it gets the session's deadline, not a step timeout.
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("start Chromium (%s): %v", execPath, err)
	}
	return &browser{t: t, ctx: tabCtx}
}

// do runs the steps with a step timeout and fails the test on an error.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	run(b, what, chromedp.Steps(steps...))
}

// run runs one action with a step timeout and returns its value; an error
// fails the test, naming the step and the page the browser is on.
func run[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v (page: %s)", what, err, b.location())
	}
	return v
}

// location is the page's address, for failure messages.
func (b *browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "unknown: " + err.Error()
	}
	return loc
}

// killLeftovers kills the processes started with the profile dir (Chromium
// passes --user-data-dir to its children) and returns how many there were.
// ExecAllocator only does this for profiles it created itself.
func killLeftovers(profile string) int {
	want := []byte("--user-data-dir=" + profile)
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		for arg := range bytes.SplitSeq(cmdline, []byte{0}) {
			if bytes.Equal(arg, want) {
				if syscall.Kill(pid, syscall.SIGKILL) == nil {
					n++
				}
				break
			}
		}
	}
	return n
}

// lockedBuffer collects the browser's output, written from chromedp's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// tail returns the last n lines of the output, without the D-Bus complaints
// Chromium prints by the dozen on a machine without a session bus.
func (l *lockedBuffer) tail(n int) string {
	l.mu.Lock()
	text := l.buf.String()
	l.mu.Unlock()
	var lines []string
	for line := range strings.Lines(text) {
		if line = strings.TrimRight(line, "\r\n"); line != "" && !strings.Contains(line, "dbus/") {
			lines = append(lines, line)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// testID selects the element with the data-testid.
func testID(id string) chromedp.CSS {
	return chromedp.CSS(fmt.Sprintf("[data-testid=%q]", id))
}
