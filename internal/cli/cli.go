// Package cli is the sightline command: subcommands, configuration and the
// wiring of store, server and private PostgreSQL cluster.
package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/sightline/sightline/internal/logging"
	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/sightline"
)

const usage = `sightline — product strategy and architecture, side by side

Usage:
  sightline serve [flags]                 serve the web app (needs DATABASE_URL); applies migrations first
  sightline dev [flags]                   for development and the demo: without DATABASE_URL, start a private
                                          PostgreSQL in --data-dir, migrate, seed the demo if empty, serve
  sightline migrate [up|status] [flags]   apply pending migrations, or list them
  sightline seed --demo [flags]           create the demo workspace "Taskly" and its five members
  sightline seed --size large [--workspace SLUG] [--seed N] [flags]
                                          generate a large workspace (default address "large") for benchmarks
  sightline user create --email E --name N [--workspace SLUG --role ROLE] [flags]
                                          create a user; the password is read from stdin

Flags (each has an environment variable; the flag wins):
`

// Env is what a run of the command sees of the world.
type Env struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Run executes the command line and returns the process exit code.
func Run(ctx context.Context, env Env) int {
	if len(env.Args) < 2 || env.Args[1] == "-h" || env.Args[1] == "--help" || env.Args[1] == "help" {
		fmt.Fprint(env.Stdout, usage+optionsHelp())
		return 0
	}
	cmd, args := env.Args[1], env.Args[2:]
	var err error
	switch cmd {
	case "serve":
		err = runServe(ctx, env, args, false)
	case "dev":
		err = runServe(ctx, env, args, true)
	case "migrate":
		err = runMigrate(ctx, env, args)
	case "seed":
		err = runSeed(ctx, env, args)
	case "user":
		err = runUser(ctx, env, args)
	default:
		fmt.Fprintf(env.Stderr, "unknown command %q\n\n%s%s", cmd, usage, optionsHelp())
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, "sightline:", err)
		return 1
	}
	return 0
}

// parse binds the shared configuration plus extra flags and parses args.
func parse(env Env, name string, args []string, extra func(*flag.FlagSet)) (Config, *flag.FlagSet, error) {
	var c Config
	fs := flag.NewFlagSet("sightline "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	bindConfig(fs, &c)
	if extra != nil {
		extra(fs)
	}
	fs.Usage = func() {
		fmt.Fprint(env.Stderr, usage)
		fs.PrintDefaults()
	}
	err := fs.Parse(args)
	return c, fs, err
}

func newLogger(env Env, c Config) *slog.Logger {
	return logging.New(env.Stderr, c.LogFormat, c.LogLevel)
}

func openDB(ctx context.Context, c Config) (*postgres.DB, error) {
	if c.DatabaseURL == "" {
		return nil, errors.New("DATABASE_URL is not set (flag --database-url). For a local demo with its own database, run `make run`")
	}
	return postgres.Open(ctx, c.DatabaseURL)
}

func runMigrate(ctx context.Context, env Env, args []string) error {
	// The action may come before or after the flags.
	action := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
	}
	c, fs, err := parse(env, "migrate", args, nil)
	if err != nil {
		return err
	}
	if action == "" {
		action = fs.Arg(0)
	}
	db, err := openDB(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	switch action {
	case "", "up":
		n, err := db.Migrate(ctx, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "applied %d migration(s); database is at head\n", n)
	case "status":
		list, err := db.MigrationStatuses(ctx)
		if err != nil {
			return err
		}
		for _, m := range list {
			state := "pending"
			if m.Applied {
				state = "applied"
			}
			fmt.Fprintf(env.Stdout, "%-8s %05d %s\n", state, m.Version, m.Name)
		}
	default:
		return fmt.Errorf("unknown migrate action %q (want up or status)", action)
	}
	return nil
}

func runSeed(ctx context.Context, env Env, args []string) error {
	var demo bool
	var sizeName, slug string
	var seedValue int64
	c, _, err := parse(env, "seed", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&demo, "demo", false, "create the demo workspace (Taskly) and its five members")
		fs.StringVar(&sizeName, "size", "", "generate a workspace of this size for benchmarks: small, medium, large (2,000 epics, 50,000 pains…), xlarge (10,000 epics, 250,000 pains…) or search (1,000,000 pain notes)")
		fs.StringVar(&slug, "workspace", seed.LargeSlug, "with --size: the generated workspace's address (members are <address>-pm@example.com…)")
		fs.Int64Var(&seedValue, "seed", 1, "with --size: the random seed; the same seed generates the same workspace")
	})
	if err != nil {
		return err
	}
	if !demo && sizeName == "" {
		return errors.New("nothing to seed: pass --demo, or --size large for a generated workspace")
	}
	size, ok := seed.SizeByName(sizeName)
	if sizeName != "" && !ok {
		return fmt.Errorf("unknown --size %q (want small, medium, large, xlarge or search)", sizeName)
	}
	size.Slug = slug
	db, err := openDB(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, nil); err != nil {
		return err
	}
	if demo {
		err = seed.Demo(ctx, db, password.Default)
		switch {
		case errors.Is(err, seed.ErrDemoExists):
			fmt.Fprintln(env.Stdout, "the demo workspace is already there; nothing to do")
		case err != nil:
			return err
		default:
			printDemo(env.Stdout, "")
		}
	}
	if sizeName != "" {
		rep, err := seed.Large(ctx, db, size, seedValue)
		if err != nil {
			if code := sightline.ErrorCode(err); code == sightline.ECONFLICT || code == sightline.EINVALID {
				return errors.New(sightline.ErrorMessage(err))
			}
			return err
		}
		rep.Print(env.Stdout)
	}
	return nil
}

func printDemo(w io.Writer, url string) {
	if url != "" {
		fmt.Fprintf(w, "\n  Sightline is running at %s\n", url)
	}
	fmt.Fprintf(w, "\n  Demo workspace \"Taskly\" (/w/%s); every demo password is %q:\n", seed.DemoSlug, seed.DemoPassword)
	for _, u := range seed.DemoUsers {
		fmt.Fprintf(w, "    %-24s %s\n", u.Email, u.Role.Label())
	}
	fmt.Fprintln(w)
}

func runUser(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: sightline user create --email E --name N [--workspace SLUG --role ROLE] < password")
	}
	var email, name, wsSlug, role string
	c, _, err := parse(env, "user create", args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the user's email (sign-in name)")
		fs.StringVar(&name, "name", "", "the user's display name")
		fs.StringVar(&wsSlug, "workspace", "", "add the user to this workspace (slug)")
		fs.StringVar(&role, "role", "viewer", "role in --workspace: owner, pm, architect, engineer, viewer")
	})
	if err != nil {
		return err
	}
	email = sightline.NormalizeEmail(email)
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password from stdin: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	p := sightline.Problems{}
	sightline.CheckEmail(p, "--email", email)
	sightline.CheckName(p, "--name", name)
	sightline.CheckNewPassword(p, "password (stdin)", pw, "", "")
	if wsSlug != "" && !sightline.Role(role).Valid() {
		p.Add("--role", "use owner, pm, architect, engineer or viewer")
	}
	if len(p) > 0 {
		var msgs []string
		for k, v := range p {
			msgs = append(msgs, k+": "+v)
		}
		return errors.New(strings.Join(msgs, "; "))
	}
	db, err := openDB(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	hash, err := password.Default.Hash(pw)
	if err != nil {
		return err
	}
	r := sightline.Role("")
	if wsSlug != "" {
		r = sightline.Role(role)
	}
	u, err := db.CreateUser(ctx, postgres.Actor{}, email, name, hash, wsSlug, r)
	if err != nil {
		if sightline.ErrorCode(err) == sightline.ENOTFOUND {
			return fmt.Errorf("no workspace with slug %q", wsSlug)
		}
		return errors.New(sightline.ErrorMessage(err))
	}
	fmt.Fprintf(env.Stdout, "created user %d <%s>\n", u.ID, u.Email)
	return nil
}
