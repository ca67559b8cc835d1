// Package pgcluster starts and stops a private PostgreSQL cluster from the
// machine's PostgreSQL binaries. `sightline dev` uses it for the one-command
// demo and the tests use it for a throwaway database server.
//
// When the process runs as root, PostgreSQL refuses to start, so every
// PostgreSQL command is run as the "postgres" system user through runuser and
// the data directory is handed to that user.
package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Superuser is the name of the cluster's superuser role.
const Superuser = "sightline"

// Options tune a cluster.
type Options struct {
	// Dir holds the cluster: Dir/pgdata is the data directory. It is created
	// if missing and reused if it already holds a cluster.
	Dir string
	// Port to listen on; 0 picks a free one.
	Port int
	// Fast turns off durability (fsync, full-page writes) for throwaway test clusters.
	Fast bool
	// Log receives initdb/pg_ctl output; nil discards it.
	Log func(format string, args ...any)
}

// Cluster is a running private PostgreSQL server.
type Cluster struct {
	dir    string
	bindir string
	port   int
	asUser string // "" when we may run PostgreSQL as ourselves
}

// FindBinDir locates the directory holding initdb and pg_ctl: the newest
// /usr/lib/postgresql/*/bin, or else the PATH.
func FindBinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		d := filepath.Dir(p)
		if isExec(filepath.Join(d, "initdb")) {
			return d, nil
		}
	}
	return "", errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin or on PATH; install them (Debian: apt-get install postgresql) or set DATABASE_URL")
}

func versionOf(bindir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(bindir)))
	return v
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// Start initializes the cluster if needed and starts it.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	bindir, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bindir: bindir, port: opts.Port}
	if os.Geteuid() == 0 {
		c.asUser = "postgres"
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root needs a 'postgres' system user to run PostgreSQL as: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := c.handOver(dir); err != nil {
		return nil, err
	}
	logf := opts.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}

	pgdata := c.pgdata()
	if _, err := os.Stat(filepath.Join(pgdata, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		logf("initializing a PostgreSQL cluster in %s", pgdata)
		out, err := c.run(ctx, "initdb", "-D", pgdata, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions")
		if err != nil {
			// Older initdb builds may lack C.UTF-8; try plain C.
			out2, err2 := c.run(ctx, "initdb", "-D", pgdata, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C")
			if err2 != nil {
				return nil, fmt.Errorf("initdb: %w\n%s\n%s", err2, out, out2)
			}
		}
	}
	// A server left running by a killed earlier run is stopped first, so that
	// we own the process we are about to start.
	if _, err := os.Stat(filepath.Join(pgdata, "postmaster.pid")); err == nil {
		_, _ = c.run(ctx, "pg_ctl", "-D", pgdata, "-m", "fast", "-w", "stop")
		_ = os.Remove(filepath.Join(pgdata, "postmaster.pid"))
	}
	if c.port == 0 {
		if c.port, err = freePort(); err != nil {
			return nil, err
		}
	}
	sock := filepath.Join(dir, "sock")
	if err := os.MkdirAll(sock, 0o755); err != nil {
		return nil, err
	}
	if err := c.handOver(sock); err != nil {
		return nil, err
	}
	pgopts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=200 -c shared_buffers=128MB", c.port, sock)
	if opts.Fast {
		pgopts += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
	}
	logfile := filepath.Join(dir, "postgres.log")
	if out, err := c.run(ctx, "pg_ctl", "-D", pgdata, "-o", pgopts, "-l", logfile, "-w", "-t", "60", "start"); err != nil {
		tail, _ := os.ReadFile(logfile)
		return nil, fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, lastLines(string(tail), 20))
	}
	logf("PostgreSQL %s listening on 127.0.0.1:%d", filepath.Base(filepath.Dir(bindir)), c.port)
	return c, nil
}

// Stop shuts the server down (fast mode: open transactions roll back).
func (c *Cluster) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if out, err := c.run(ctx, "pg_ctl", "-D", c.pgdata(), "-m", "fast", "-w", "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

// URL returns a connection string for database db as the superuser.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", Superuser, c.port, db)
}

// Port is the TCP port the server listens on.
func (c *Cluster) Port() int { return c.port }

func (c *Cluster) pgdata() string { return filepath.Join(c.dir, "pgdata") }

// run executes a PostgreSQL binary, as the postgres user when we are root.
func (c *Cluster) run(ctx context.Context, name string, args ...string) (string, error) {
	bin := filepath.Join(c.bindir, name)
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.asUser, "--", bin}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, bin, args...)
	}
	cmd.Dir = c.dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	// pg_ctl start leaves the server running after it returns; the server
	// must not hold our stdout/stderr pipes open, which bytes.Buffer ensures.
	err := cmd.Run()
	return out.String(), err
}

// handOver gives a directory to the postgres user when running as root, and
// makes sure that user can reach it through every parent directory.
func (c *Cluster) handOver(dir string) error {
	if c.asUser == "" {
		return nil
	}
	u, err := user.Lookup(c.asUser)
	if err != nil {
		return err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return err
	}
	for p := filepath.Dir(dir); p != "/" && p != "."; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(p, fi.Mode().Perm()|0o001); err != nil {
				return fmt.Errorf("let postgres traverse %s: %w", p, err)
			}
		}
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
