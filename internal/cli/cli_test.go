package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), Env{Args: append([]string{"sightline"}, args...), Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

func TestHelpDocumentsEveryOption(t *testing.T) {
	code, out, _ := run(t, "", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, o := range options {
		if !strings.Contains(out, "--"+o.flag) || !strings.Contains(out, o.env) {
			t.Errorf("--help lacks %s / %s", o.flag, o.env)
		}
	}
	for _, cmd := range []string{"serve", "dev", "migrate", "seed --demo", "user create"} {
		if !strings.Contains(out, cmd) {
			t.Errorf("--help lacks %q", cmd)
		}
	}
}

func TestServeNeedsDatabaseURL(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	code, _, errOut := run(t, "", "serve")
	if code == 0 || !strings.Contains(errOut, "DATABASE_URL") {
		t.Fatalf("serve without DATABASE_URL: exit %d, %q", code, errOut)
	}
}

func TestMigrateSeedAndCreateUser(t *testing.T) {
	url := pgtest.URL(t)
	// An empty database (no template tables) would also work; this one is migrated already.
	code, out, errOut := run(t, "", "migrate", "status", "--database-url", url)
	if code != 0 || !strings.Contains(out, "applied") || strings.Contains(out, "pending") {
		t.Fatalf("migrate status: %d %q %q", code, out, errOut)
	}
	if code, out, errOut = run(t, "", "seed", "--demo", "--database-url", url); code != 0 || !strings.Contains(out, "pm@example.com") {
		t.Fatalf("seed: %d %q %q", code, out, errOut)
	}
	// Seeding twice is harmless.
	if code, out, _ = run(t, "", "seed", "--demo", "--database-url", url); code != 0 || !strings.Contains(out, "already") {
		t.Fatalf("second seed: %d %q", code, out)
	}
	// A user with a short password is refused with a reason.
	code, _, errOut = run(t, "short\n", "user", "create", "--email", "ci@example.com", "--name", "CI", "--workspace", "demo", "--role", "architect", "--database-url", url)
	if code == 0 || !strings.Contains(errOut, "12 characters") {
		t.Fatalf("short password: %d %q", code, errOut)
	}
	code, out, errOut = run(t, "a-long-enough-password\n", "user", "create", "--email", "CI@example.com", "--name", "CI Bot", "--workspace", "demo", "--role", "architect", "--database-url", url)
	if code != 0 {
		t.Fatalf("user create: %d %q %q", code, out, errOut)
	}
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.UserByEmail(context.Background(), "ci@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := password.Verify("a-long-enough-password", u.PasswordHash); !ok {
		t.Error("password from stdin not stored")
	}
	_, m, err := db.WorkspaceForMember(context.Background(), "demo", u.ID)
	if err != nil || m.Role != sightline.RoleArchitect {
		t.Fatalf("membership: %v %v", m, err)
	}
	// Unknown workspace.
	code, _, errOut = run(t, "a-long-enough-password\n", "user", "create", "--email", "x@example.com", "--name", "X", "--workspace", "nope", "--role", "viewer", "--database-url", url)
	if code == 0 || !strings.Contains(errOut, "nope") {
		t.Fatalf("unknown workspace: %d %q", code, errOut)
	}
}
