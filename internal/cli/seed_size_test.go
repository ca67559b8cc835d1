package cli

import (
	"strings"
	"testing"

	"github.com/sightline/sightline/internal/pgtest"
)

func TestSeedSize(t *testing.T) {
	url := pgtest.URL(t)
	code, out, errOut := run(t, "", "seed", "--size", "small", "--workspace", "scale-test", "--seed", "3", "--database-url", url)
	if code != 0 {
		t.Fatalf("seed --size small: %d %q %q", code, out, errOut)
	}
	for _, want := range []string{`"scale-test"`, "epics", "pain_notes", "total", "scale-test-pm@example.com"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// The same address twice is refused with a clear message.
	code, _, errOut = run(t, "", "seed", "--size", "small", "--workspace", "scale-test", "--database-url", url)
	if code != 1 || !strings.Contains(errOut, "already exists") {
		t.Errorf("second seed: %d %q", code, errOut)
	}
	// --demo and --size together seed both.
	code, out, errOut = run(t, "", "seed", "--demo", "--size", "small", "--database-url", url)
	if code != 0 || !strings.Contains(out, "pm@example.com") || !strings.Contains(out, `"large"`) {
		t.Errorf("seed --demo --size small: %d %q %q", code, out, errOut)
	}
	for _, bad := range [][]string{{"--size", "huge"}, {"--size", "small", "--workspace", "Not A Slug"}, {}} {
		code, _, errOut = run(t, "", append(append([]string{"seed"}, bad...), "--database-url", url)...)
		if code != 1 || errOut == "" {
			t.Errorf("seed %v: %d %q", bad, code, errOut)
		}
	}
}
