package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/sightline/sightline/internal/server"
	"github.com/sightline/sightline/internal/sightline"
)

// getWith is a GET as c with extra request headers.
func (c *client) getWith(path string, headers ...string) *response {
	c.app.t.Helper()
	req, _ := http.NewRequest("GET", c.app.ts.URL+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// TestCompression: pages, styles and scripts come compressed when the
// browser asks (zstd preferred, else gzip), whole and decodable, with
// Vary: Accept-Encoding; not when it does not ask; never a tiny body or
// the event stream.
func TestCompression(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn(demoEmail(sightline.RolePM))
	plain := pm.getWith("/w/demo/review", "Accept-Encoding", "identity")
	wantStatus(t, plain, http.StatusOK)
	if ce := plain.Header.Get("Content-Encoding"); ce != "" {
		t.Errorf("without asking, Content-Encoding = %q, want none", ce)
	}
	if !strings.Contains(plain.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("Vary = %q, want Accept-Encoding", plain.Header.Get("Vary"))
	}
	for _, c := range []struct {
		ask, want string
		decode    func([]byte) ([]byte, error)
	}{
		{"gzip", "gzip", func(b []byte) ([]byte, error) {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil, err
			}
			return io.ReadAll(zr)
		}},
		{"gzip, deflate, br, zstd", "zstd", func(b []byte) ([]byte, error) {
			zr, err := zstd.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil, err
			}
			defer zr.Close()
			return io.ReadAll(zr)
		}},
	} {
		res := pm.getWith("/w/demo/review", "Accept-Encoding", c.ask)
		wantStatus(t, res, http.StatusOK)
		if ce := res.Header.Get("Content-Encoding"); ce != c.want {
			t.Fatalf("asking %q, Content-Encoding = %q, want %q", c.ask, ce, c.want)
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("asking %q, Vary = %q, want Accept-Encoding", c.ask, res.Header.Get("Vary"))
		}
		body, err := c.decode([]byte(res.body))
		if err != nil {
			t.Fatalf("asking %q: the body does not decode: %v", c.ask, err)
		}
		if len(res.body)*3 > len(body) {
			t.Errorf("asking %q: %d bytes on the wire for %d, want at least 3× smaller", c.ask, len(res.body), len(body))
		}
		if !strings.Contains(string(body), "</html>") || !strings.Contains(string(body), `data-testid="current-user"`) {
			t.Errorf("asking %q: the decoded page is not whole (%d bytes)", c.ask, len(body))
		}
	}
	// Assets too (under their hashed names, as pages link them).
	css := pm.getWith(staticURL(t, plain.body, "app."), "Accept-Encoding", "gzip")
	wantStatus(t, css, http.StatusOK)
	if css.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("app.css Content-Encoding = %q, want gzip", css.Header.Get("Content-Encoding"))
	}
	// A tiny body stays as it is.
	small := pm.getWith("/healthz", "Accept-Encoding", "gzip")
	if ce := small.Header.Get("Content-Encoding"); ce != "" || len(small.body) >= 1024 {
		t.Errorf("/healthz (%d bytes): Content-Encoding = %q, want none", len(small.body), ce)
	}
	// The event stream is never compressed (each event leaves at once).
	stream := pm.getWith("/w/demo/events", "Accept-Encoding", "gzip", "Accept", "text/event-stream")
	wantStatus(t, stream, http.StatusOK)
	if ce := stream.Header.Get("Content-Encoding"); ce != "" {
		t.Errorf("event stream Content-Encoding = %q, want none", ce)
	}
}

// staticURL finds the address of an asset whose name starts with prefix in a page.
func staticURL(t *testing.T, page, prefix string) string {
	t.Helper()
	i := strings.Index(page, "/static/"+prefix)
	if i < 0 {
		t.Fatalf("no /static/%s… in the page", prefix)
	}
	end := strings.IndexByte(page[i:], '"')
	return page[i : i+end]
}

// TestConditionalGET: a page carries a tag; the same tag back gets 304
// with no body and without reading the page's data; any change to what it
// shows — through a page, through another instance, by plain SQL, a
// renamed member, the next day — gives a new page; another role, another
// person or a non-member never gets this one's 304; a page with a flash to
// show has no tag.
func TestConditionalGET(t *testing.T) {
	app := newCountingApp(t)
	pm := app.signIn(demoEmail(sightline.RolePM))
	const page = "/w/demo/review"

	first := pm.get(page)
	wantStatus(t, first, http.StatusOK) // drops the sign-in flash
	first = pm.get(page)
	tag := first.Header.Get("ETag")
	if !strings.HasPrefix(tag, `W/"`) {
		t.Fatalf("ETag = %q, want a weak tag", tag)
	}
	if cc := first.Header.Get("Cache-Control"); cc != "private, no-cache" {
		t.Errorf("Cache-Control = %q, want private, no-cache", cc)
	}
	full := app.counter.N()
	pm.getWith(page)
	full = app.counter.N() - full

	before := app.counter.N()
	res := pm.getWith(page, "If-None-Match", tag)
	wantStatus(t, res, http.StatusNotModified)
	if res.body != "" {
		t.Errorf("304 has a body of %d bytes", len(res.body))
	}
	if got := res.Header.Get("ETag"); got != tag {
		t.Errorf("304 ETag = %q, want %q", got, tag)
	}
	if n := app.counter.N() - before; n >= full || n > 3 {
		t.Errorf("a 304 ran %d queries (the page: %d), want only the session and membership lookups (≤ 3)", n, full)
	}
	// A list of tags, one matching, and the tag without W/ also match.
	wantStatus(t, pm.getWith(page, "If-None-Match", `"nope", `+tag), http.StatusNotModified)
	wantStatus(t, pm.getWith(page, "If-None-Match", strings.TrimPrefix(tag, "W/")), http.StatusNotModified)
	wantStatus(t, pm.getWith(page, "If-None-Match", `W/"nope"`), http.StatusOK)
	// Another address of the same workspace has another tag.
	if other := pm.get(page + "?quarter=2027-Q1").Header.Get("ETag"); other == tag || other == "" {
		t.Errorf("the filtered review's tag = %q, want one of its own", other)
	}

	changed := func(what string, change func()) {
		t.Helper()
		change()
		res := pm.getWith(page, "If-None-Match", tag)
		if res.StatusCode != http.StatusOK {
			t.Errorf("after %s: status %d, want 200 with the new page", what, res.StatusCode)
			return
		}
		next := res.Header.Get("ETag")
		if next == "" || next == tag {
			// A flash after a change through the pages: fetch once more.
			res = pm.get(page)
			next = res.Header.Get("ETag")
		}
		if next == "" || next == tag {
			t.Errorf("after %s: ETag %q, want a new one", what, next)
		}
		tag = next
		wantStatus(t, pm.getWith(page, "If-None-Match", tag), http.StatusNotModified)
	}
	changed("a pain note logged through the page", func() {
		wantRedirect(t, pm.post("/w/demo/pains", validPainForm()), "/w/demo/pains/")
	})
	changed("a change through another instance", func() {
		other := newTestAppOn(t, app.db)
		pm2 := other.signIn(demoEmail(sightline.RolePM))
		wantRedirect(t, pm2.post("/w/demo/pains", validPainForm()), "/w/demo/pains/")
	})
	changed("an epic retitled by plain SQL", func() {
		app.exec(`UPDATE epics SET title = title || ' (SQL)' WHERE id = (SELECT min(id) FROM epics WHERE workspace_id = $1)`, app.demoID())
	})
	changed("a member renamed by plain SQL", func() {
		app.exec(`UPDATE users SET name = 'Arch Renamed' WHERE email = $1`, demoEmail(sightline.RoleArchitect))
	})
	changed("the workspace's vision edited by plain SQL", func() {
		app.exec(`UPDATE workspaces SET vision = vision || '!' WHERE id = $1`, app.demoID())
	})
	changed("an inbox entry read", func() {
		app.exec(`UPDATE inbox_entries SET read_at = now() WHERE workspace_id = $1 AND read_at IS NULL`, app.demoID())
		app.exec(`INSERT INTO inbox_entries (workspace_id, user_id, kind, item_type, item_id, actor_id)
			SELECT workspace_id, user_id, kind, item_type, item_id, actor_id FROM inbox_entries WHERE workspace_id = $1 LIMIT 1`, app.demoID())
	})
	changed("the next day", func() { app.clock.Advance(24 * time.Hour) })

	// Nobody else gets this one's 304: another role, another person of
	// the same role's tag differs; a non-member gets 404 whatever the tag.
	for _, role := range []sightline.Role{sightline.RoleViewer, sightline.RoleArchitect, sightline.RoleOwner} {
		c := app.signIn(demoEmail(role))
		c.get(page)
		if res := c.getWith(page, "If-None-Match", tag); res.StatusCode != http.StatusOK {
			t.Errorf("the %s with the PM's tag: status %d, want 200", role, res.StatusCode)
		}
	}
	app.otherWorkspace("acme", "Acme", "acme-owner@example.com", "Acme Owner")
	stranger := app.signIn("acme-owner@example.com")
	if res := stranger.getWith(page, "If-None-Match", tag); res.StatusCode != http.StatusNotFound {
		t.Errorf("a non-member with the PM's tag: status %d, want 404", res.StatusCode)
	}
	// A role change is a change.
	app.exec(`UPDATE memberships SET role = 'viewer' WHERE user_id = (SELECT id FROM users WHERE email = $1)`, demoEmail(sightline.RolePM))
	if res := pm.getWith(page, "If-None-Match", tag); res.StatusCode != http.StatusOK {
		t.Errorf("after the PM became a viewer: status %d, want 200", res.StatusCode)
	}

	// A flash to show: the page renders, with no tag.
	owner := app.signIn(demoEmail(sightline.RoleOwner))
	wantRedirect(t, owner.post("/w/demo/pains", validPainForm()), "/w/demo/pains/") // "Pain note logged" is pending
	res = owner.getWith(page, "If-None-Match", `W/"anything"`)
	wantStatus(t, res, http.StatusOK)
	if !strings.Contains(res.body, `data-testid="flash"`) {
		t.Errorf("the flash did not show on the next page")
	}
	if res.Header.Get("ETag") != "" || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("a page with a flash: ETag %q, Cache-Control %q, want none and no-store", res.Header.Get("ETag"), res.Header.Get("Cache-Control"))
	}
	// While a write is in progress (its change id taken, not committed) no
	// tag is handed out: that older id could commit after a newer one.
	tx, err := app.db.Pool.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(context.Background(), `UPDATE epics SET title = title || '.' WHERE workspace_id = $1`, app.demoID()); err != nil {
		t.Fatal(err)
	}
	viewer := app.signIn(demoEmail(sightline.RoleViewer))
	viewer.get(page) // the sign-in flash, if any
	during := viewer.get(page)
	wantStatus(t, during, http.StatusOK)
	if during.Header.Get("ETag") != "" {
		t.Errorf("a page read during a write has ETag %q, want none", during.Header.Get("ETag"))
	}
	if err := tx.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	if after := viewer.get(page); after.Header.Get("ETag") == "" {
		t.Errorf("after the write committed the page has no ETag")
	}
	// Routes whose answer depends on something else carry no tag.
	if res := pm.get("/w/demo/pains/import"); res.Header.Get("ETag") != "" {
		t.Errorf("the import page has ETag %q, want none", res.Header.Get("ETag"))
	}
}

// TestPageCache: a tagged page is kept rendered under its tag and served
// again, byte for byte, with only the session and membership lookups; a
// change, another person or another role never gets it.
func TestPageCache(t *testing.T) {
	app := newCountingApp(t, func(c *server.Config) { c.NoPageCache = false })
	pm := app.signIn(demoEmail(sightline.RolePM))
	const page = "/w/demo/review"
	pm.get("/w/demo") // the sign-in flash, if any
	before := app.counter.N()
	rendered := pm.get(page)
	renderQ := app.counter.N() - before
	if rendered.Header.Get("ETag") == "" {
		t.Fatal("the page has no tag")
	}
	before = app.counter.N()
	cached := pm.get(page)
	cachedQ := app.counter.N() - before
	if cached.body != rendered.body || cached.Header.Get("ETag") != rendered.Header.Get("ETag") {
		t.Errorf("the kept page differs from the rendered one")
	}
	if cachedQ > 3 || cachedQ >= renderQ {
		t.Errorf("the kept page ran %d queries (rendering: %d), want the session and membership lookups only", cachedQ, renderQ)
	}
	// Another role sees its own page (the viewer has no "Mark reviewed").
	viewer := app.signIn(demoEmail(sightline.RoleViewer))
	viewer.get(page)
	v := viewer.get(page)
	if v.body == rendered.body {
		t.Errorf("the viewer was served the PM's page")
	}
	// A change by plain SQL: the next page shows it.
	app.exec(`UPDATE epics SET title = 'Retitled by SQL for the cache' WHERE id = (SELECT min(id) FROM epics WHERE workspace_id = $1 AND target_quarter IS NOT NULL)`, app.demoID())
	after := pm.get(page)
	if after.body == rendered.body || !strings.Contains(after.body, "Retitled by SQL for the cache") {
		t.Errorf("after a change the kept page was served (or the change is not on the review)")
	}
}

// TestPageCacheRendersOnceForMany: right after a change, many requests
// for one page get it from one render (the others wait for it), all the
// same page.
func TestPageCacheRendersOnceForMany(t *testing.T) {
	app := newCountingApp(t, func(c *server.Config) { c.NoPageCache = false })
	pm := app.signIn(demoEmail(sightline.RolePM))
	const page = "/w/demo/review"
	pm.get("/w/demo")
	before := app.counter.N()
	pm.get(page)
	render := app.counter.N() - before
	before = app.counter.N()
	pm.get(page)
	copyQ := app.counter.N() - before

	app.exec(`UPDATE epics SET title = title || '!' WHERE workspace_id = $1`, app.demoID())
	const n = 8
	bodies := make(chan string, n)
	before = app.counter.N()
	start := make(chan struct{})
	for range n {
		go func() {
			<-start
			req, _ := http.NewRequest("GET", app.ts.URL+page, nil)
			res, err := pm.http.Do(req)
			if err != nil {
				bodies <- "error: " + err.Error()
				return
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			bodies <- string(b)
		}()
	}
	close(start)
	first := <-bodies
	for range n - 1 {
		if b := <-bodies; b != first {
			t.Errorf("the requests got different pages")
		}
	}
	got := app.counter.N() - before
	if max := int64(n)*copyQ + render + render/2; got > max {
		t.Errorf("%d requests after a change ran %d queries, want at most %d (one render of %d, the rest %d each)", n, got, max, render, copyQ)
	}
}
