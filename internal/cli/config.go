package cli

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/server"
)

// Config is the process configuration. Every field has a flag and an
// environment variable; the flag wins.
type Config struct {
	DatabaseURL       string
	Addr              string
	DataDir           string
	BaseURL           string
	SecureCookies     bool
	TrustedOrigins    string
	TrustProxyHeaders bool
	NoPageCache       bool
	APIRatePerMinute  int
	SessionLifetime   time.Duration
	LogFormat         string
	LogLevel          string
	RequestTimeout    time.Duration
	ShutdownGrace     time.Duration
	DBTimeouts        postgres.Timeouts
}

// option documents one setting for --help and the README.
type option struct {
	flag, env, def, help string
}

var options = []option{
	{"database-url", "DATABASE_URL", "", "PostgreSQL connection string. Required for serve; `dev` starts a private cluster when empty"},
	{"addr", "SIGHTLINE_ADDR", "127.0.0.1:8080", "address to listen on"},
	{"data-dir", "SIGHTLINE_DATA_DIR", ".data", "where `dev` keeps its private PostgreSQL cluster"},
	{"base-url", "SIGHTLINE_BASE_URL", "", "public URL used in invitation links (default: from each request)"},
	{"secure-cookies", "SIGHTLINE_SECURE_COOKIES", "false", "mark session cookies Secure (set when served over HTTPS)"},
	{"trusted-origins", "SIGHTLINE_TRUSTED_ORIGINS", "", "comma-separated origins allowed to POST cross-origin (e.g. behind a proxy)"},
	{"trust-proxy-headers", "SIGHTLINE_TRUST_PROXY_HEADERS", "false", "take the client IP from X-Real-IP/X-Forwarded-For (only behind a proxy that sets them)"},
	{"no-page-cache", "SIGHTLINE_NO_PAGE_CACHE", "false", "render every page instead of serving a kept copy while nothing it shows has changed (for measuring)"},
	{"api-rate", "SIGHTLINE_API_RATE", "600", "API and MCP calls a token may make a minute on each instance (past it: 429 with Retry-After)"},
	{"session-lifetime", "SIGHTLINE_SESSION_LIFETIME", "336h", "how long a sign-in lasts"},
	{"log-format", "SIGHTLINE_LOG_FORMAT", "text", "log format: text or json"},
	{"log-level", "SIGHTLINE_LOG_LEVEL", "info", "log level: debug, info, warn, error"},
	{"request-timeout", "SIGHTLINE_REQUEST_TIMEOUT", "10s", "deadline of each request, database calls included; past it the request is answered 503"},
	{"shutdown-grace", "SIGHTLINE_SHUTDOWN_GRACE", "20s", "on SIGTERM, how long to wait for requests in flight before closing idle connections"},
	{"db-connect-timeout", "SIGHTLINE_DB_CONNECT_TIMEOUT", "5s", "how long opening a database connection may take"},
	{"db-statement-timeout", "SIGHTLINE_DB_STATEMENT_TIMEOUT", "8s", "PostgreSQL statement_timeout of the server's connections"},
	{"db-lock-timeout", "SIGHTLINE_DB_LOCK_TIMEOUT", "4s", "PostgreSQL lock_timeout of the server's connections"},
}

func envOr(env, def string) string {
	if v, ok := os.LookupEnv(env); ok {
		return v
	}
	return def
}

// bindConfig registers every option on fs, with defaults from the environment.
func bindConfig(fs *flag.FlagSet, c *Config) {
	str := func(p *string, name string) {
		o := lookup(name)
		fs.StringVar(p, o.flag, envOr(o.env, o.def), o.help+" (env "+o.env+")")
	}
	boolean := func(p *bool, name string) {
		o := lookup(name)
		v, _ := strconv.ParseBool(envOr(o.env, o.def))
		fs.BoolVar(p, o.flag, v, o.help+" (env "+o.env+")")
	}
	str(&c.DatabaseURL, "database-url")
	str(&c.Addr, "addr")
	str(&c.DataDir, "data-dir")
	str(&c.BaseURL, "base-url")
	boolean(&c.SecureCookies, "secure-cookies")
	str(&c.TrustedOrigins, "trusted-origins")
	boolean(&c.TrustProxyHeaders, "trust-proxy-headers")
	boolean(&c.NoPageCache, "no-page-cache")
	{
		o := lookup("api-rate")
		n, err := strconv.Atoi(envOr(o.env, o.def))
		if err != nil || n < 1 {
			n, _ = strconv.Atoi(o.def)
		}
		fs.IntVar(&c.APIRatePerMinute, o.flag, n, o.help+" (env "+o.env+")")
	}
	duration := func(p *time.Duration, name string) {
		o := lookup(name)
		d, err := time.ParseDuration(envOr(o.env, o.def))
		if err != nil {
			d, _ = time.ParseDuration(o.def)
		}
		fs.DurationVar(p, o.flag, d, o.help+" (env "+o.env+")")
	}
	duration(&c.SessionLifetime, "session-lifetime")
	str(&c.LogFormat, "log-format")
	str(&c.LogLevel, "log-level")
	duration(&c.RequestTimeout, "request-timeout")
	duration(&c.ShutdownGrace, "shutdown-grace")
	duration(&c.DBTimeouts.Connect, "db-connect-timeout")
	duration(&c.DBTimeouts.Statement, "db-statement-timeout")
	duration(&c.DBTimeouts.Lock, "db-lock-timeout")
}

func lookup(name string) option {
	for _, o := range options {
		if o.flag == name {
			return o
		}
	}
	panic("unknown option " + name)
}

// serverConfig turns the process configuration into the HTTP layer's.
func (c Config) serverConfig() server.Config {
	sc := server.DefaultConfig()
	sc.BaseURL = strings.TrimRight(c.BaseURL, "/")
	sc.SecureCookies = c.SecureCookies
	sc.TrustProxyHeaders = c.TrustProxyHeaders
	sc.NoPageCache = c.NoPageCache
	if c.APIRatePerMinute > 0 {
		sc.APIRatePerMinute = c.APIRatePerMinute
	}
	sc.SessionLifetime = c.SessionLifetime
	sc.RequestTimeout = c.RequestTimeout
	sc.ShutdownGrace = c.ShutdownGrace
	for _, o := range strings.Split(c.TrustedOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			sc.TrustedOrigins = append(sc.TrustedOrigins, o)
		}
	}
	return sc
}

// optionsHelp renders the configuration table for --help.
func optionsHelp() string {
	var b strings.Builder
	for _, o := range options {
		def := o.def
		if def == "" {
			def = "(empty)"
		}
		fmt.Fprintf(&b, "  --%-22s %-30s default %s\n      %s\n", o.flag, o.env, def, o.help)
	}
	return b.String()
}
