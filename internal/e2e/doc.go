// Package e2e holds browser tests: they drive Sightline in a real headless
// Chromium (through chromedp) against the full HTTP server, on a throwaway
// PostgreSQL database seeded with the demo workspace. All of it is in the
// _test.go files; run them with `go test ./internal/e2e/`.
package e2e
