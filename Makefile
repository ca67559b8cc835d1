# Sightline — `make run` for the demo, `make test` for everything CI checks.
# Run `make help` for the list of targets.

SHELL := /bin/bash
GO    ?= go
BIN   := bin/sightline
# @latest resolved to v0.8.2 (the first release that understands Go 1.26);
# pinned so lint results do not change under us. Override: make lint STATICCHECK=...
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

export DEBIAN_FRONTEND := noninteractive
APT_GET := apt-get -o DPkg::Lock::Timeout=600

.DEFAULT_GOAL := help
.PHONY: help run build test deps-postgres deps-test check-generated generate vet lint bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

run: deps-postgres ## build and start the dev server on http://127.0.0.1:8080 with a private PostgreSQL in .data/
	$(GO) build -o $(BIN) ./cmd/sightline
	exec ./$(BIN) dev

build: ## build bin/sightline
	$(GO) build -o $(BIN) ./cmd/sightline

# ensure_packages installs the Debian packages among $(1) (postgresql,
# chromium) whose programs are missing: one `apt-get update`, one install,
# only when something is missing, only as root. As root, the private
# PostgreSQL cluster runs as the `postgres` system user, so that user must exist.
define ensure_packages
need=""; \
for pkg in $(1); do \
  case $$pkg in \
    postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need="$$need postgresql" ;; \
    chromium) [ -x /usr/bin/chromium ] || need="$$need chromium" ;; \
  esac; \
done; \
if [ -n "$$need" ]; then \
  if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
    echo "Missing:$$need. Install with: sudo apt-get install$$need (Debian/Ubuntu), or run make as root to have it installed." >&2; \
    exit 1; \
  fi; \
  echo "Installing$$need (apt-get)..."; \
  $(APT_GET) update -q && \
  $(APT_GET) install -y -q --no-install-recommends$$need || exit 1; \
fi; \
case " $(1) " in \
  *" postgresql "*) \
    if [ "$$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then \
      echo "Creating the postgres system user (PostgreSQL refuses to run as root)..."; \
      useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres || exit 1; \
    fi ;; \
esac
endef

deps-postgres: ## make sure PostgreSQL server binaries are installed (skipped when DATABASE_URL is set)
	@if [ -n "$${DATABASE_URL:-}" ]; then \
	  echo "DATABASE_URL is set: using that database, no local PostgreSQL needed."; \
	else \
	  $(call ensure_packages,postgresql); \
	fi

# axe-core checks every main page for WCAG 2.1 A/AA violations in the
# browser tests (internal/e2e/axe_test.go); pinned, installed once per clone.
AXE_VERSION := 4.14.1
AXE_JS      := .tools/axe/node_modules/axe-core/axe.min.js
# Redocly's CLI lints the OpenAPI document (internal/server/openapi_test.go).
REDOCLY_VERSION := 2.77.0
REDOCLY         := .tools/redocly/node_modules/.bin/redocly
# The webhook messages are checked with the chat tools' own packages:
# Slack's Block Kit types (compiled by tsc) and Microsoft's Adaptive Cards
# library (internal/webhook/webhook_test.go).
WEBHOOK_TOOLS     := typescript@5.9.3 @slack/types@3.2.0 adaptivecards@2.11.3
WEBHOOK_TOOLS_DIR := .tools/webhook-types

deps-test: ## make sure PostgreSQL server binaries, Chromium, axe-core (browser tests), Redocly's CLI (OpenAPI lint) and the webhook message checkers are installed
	@$(call ensure_packages,postgresql chromium)
	@if [ ! -f $(AXE_JS) ] || ! grep -q '"version": "$(AXE_VERSION)"' .tools/axe/node_modules/axe-core/package.json; then \
	  command -v npm >/dev/null 2>&1 || { echo "npm is needed to install axe-core for the accessibility test" >&2; exit 1; }; \
	  echo "Installing axe-core $(AXE_VERSION) (npm) into .tools/axe..."; \
	  npm install --silent --no-audit --no-fund --prefix .tools/axe axe-core@$(AXE_VERSION) || exit 1; \
	fi
	@if [ ! -x $(REDOCLY) ] || ! grep -q '"version": "$(REDOCLY_VERSION)"' .tools/redocly/node_modules/@redocly/cli/package.json; then \
	  command -v npm >/dev/null 2>&1 || { echo "npm is needed to install @redocly/cli for the OpenAPI lint" >&2; exit 1; }; \
	  echo "Installing @redocly/cli $(REDOCLY_VERSION) (npm) into .tools/redocly..."; \
	  npm install --silent --no-audit --no-fund --prefix .tools/redocly @redocly/cli@$(REDOCLY_VERSION) || exit 1; \
	fi
	@if [ "$$(cat $(WEBHOOK_TOOLS_DIR)/.installed 2>/dev/null)" != "$(WEBHOOK_TOOLS)" ]; then \
	  command -v npm >/dev/null 2>&1 || { echo "npm is needed to install the webhook message checkers" >&2; exit 1; }; \
	  echo "Installing $(WEBHOOK_TOOLS) (npm) into $(WEBHOOK_TOOLS_DIR)..."; \
	  npm install --silent --no-audit --no-fund --prefix $(WEBHOOK_TOOLS_DIR) $(WEBHOOK_TOOLS) || exit 1; \
	  echo "$(WEBHOOK_TOOLS)" > $(WEBHOOK_TOOLS_DIR)/.installed; \
	fi

test: deps-test check-generated ## check generated code, vet, and run every test against a real PostgreSQL
	$(GO) vet ./...
	SIGHTLINE_AXE_JS=$(CURDIR)/$(AXE_JS) SIGHTLINE_REDOCLY=$(CURDIR)/$(REDOCLY) \
	  SIGHTLINE_NODE_TOOLS=$(CURDIR)/$(WEBHOOK_TOOLS_DIR)/node_modules $(GO) test -count=1 -timeout 20m ./...

generate: ## regenerate the templ components (*_templ.go)
	$(GO) tool templ generate

# check-generated regenerates the templ components and fails if that changed
# any *_templ.go file or added one: the committed code must match the .templ
# sources. It compares the files before and after generating, so uncommitted
# but up-to-date generated files do not fail it.
check-generated: ## fail if the *_templ.go files are out of date with the .templ sources
	@snapshot() { git ls-files --cached --others --exclude-standard -- '*_templ.go' | sort | while read -r f; do \
	    if [ -f "$$f" ]; then sha256sum -- "$$f"; fi; done; }; \
	before=$$(snapshot); \
	out=$$($(GO) tool templ generate 2>&1) || { echo "$$out" >&2; exit 1; }; \
	after=$$(snapshot); \
	if [ "$$before" != "$$after" ]; then \
	  echo "Generated templ code was out of date: 'go tool templ generate' changed these files:" >&2; \
	  diff <(echo "$$before") <(echo "$$after") | sed -n 's/^> [0-9a-f]*  /  /p' >&2; \
	  echo "They are regenerated now; review them and commit them with your .templ changes." >&2; \
	  exit 1; \
	fi; \
	echo "templ: generated code is up to date"

vet: ## go vet
	$(GO) vet ./...

# lint runs every check, then fails if any of them failed.
lint: ## go vet, gofmt, staticcheck and the import rules (.ci/imports)
	@status=0; \
	echo "$(GO) vet ./..."; \
	$(GO) vet ./... || status=1; \
	echo "gofmt -l"; \
	unformatted=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard -- '*.go')); \
	if [ -n "$$unformatted" ]; then \
	  echo "gofmt would reformat these files (run gofmt -w on them):" >&2; \
	  echo "$$unformatted" | sed 's/^/  /' >&2; \
	  status=1; \
	fi; \
	echo "$(GO) run $(STATICCHECK) ./..."; \
	$(GO) run $(STATICCHECK) ./... || status=1; \
	echo ".ci/imports (which package may import which)"; \
	.ci/imports || status=1; \
	if [ $$status = 0 ]; then echo "lint: ok"; else echo "lint: FAILED (see above)" >&2; fi; \
	exit $$status

# bench is not part of `make test`: it builds the server and the load
# generator, starts a private PostgreSQL cluster (fsync off) in a temporary
# directory, seeds the demo and the large workspace, runs `bin/sightline serve`
# as its own process and drives load at 1 and 8 connections (about 13 minutes with the search, import, fan-out, write-mix and scaling runs).
# BENCH_FLAGS passes options, e.g. make bench BENCH_FLAGS="-duration 10s -o bench.md".
BENCH_FLAGS ?=
bench: ## load-test the server on a generated large workspace (2,000 epics, 50,000 pains…): one table of p50/p95/p99, req/s, queries, RSS
	@$(call ensure_packages,postgresql)
	$(GO) build -o $(BIN) ./cmd/sightline
	$(GO) build -o bin/sightline-bench ./cmd/sightline-bench
	./bin/sightline-bench -server $(BIN) $(BENCH_FLAGS)

clean: ## remove build output (keeps .data, the dev database)
	rm -rf bin/
