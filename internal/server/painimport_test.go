package server_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/sightline"
)

// upload posts a file to the import form and returns the preview's path.
func (c *client) upload(t *testing.T, name string, data []byte) *response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.app.ts.URL+paths.PainImport(seed.DemoSlug), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// TestImportPainsThroughThePages: a Zendesk export uploads, previews its
// rows with the preset, imports; importing it again updates nothing and
// duplicates nothing; a changed row updates; one activity entry per import.
func TestImportPainsThroughThePages(t *testing.T) {
	app := newTestApp(t)
	ws := app.demoID()
	pm := app.signIn(demoEmail(sightline.RolePM))
	data, err := os.ReadFile("../painimport/testdata/zendesk.csv")
	if err != nil {
		t.Fatal(err)
	}
	importFile := func(data []byte) string {
		t.Helper()
		res := pm.upload(t, "zendesk.csv", data)
		wantRedirect(t, res, paths.PainImport(seed.DemoSlug)+"/")
		preview := res.Header.Get("Location")
		u, _ := url.Parse(preview)
		q := u.Query()
		q.Set("preset", "zendesk")
		u.RawQuery = q.Encode()
		d := pm.get(u.String()).doc(t)
		if n := d.Find("[data-testid=preview-row]").Length(); n != 2 {
			t.Fatalf("preview shows %d rows, want 2", n)
		}
		if d.Find("[data-testid=preview-errors] .error-text").Length() != 0 {
			t.Fatalf("preview errors: %s", d.Find("[data-testid=preview-errors]").Text())
		}
		res = pm.post(u.Path, epFormValues(d.Find("[data-testid=import-form]")))
		wantRedirect(t, res, paths.Pains(seed.DemoSlug))
		return text(t, pm.get(paths.Pains(seed.DemoSlug)).doc(t), "[data-testid=flash]")
	}
	before := app.id(`SELECT count(*) FROM pain_notes WHERE workspace_id = $1`, ws)
	if got := importFile(data); got != "Imported zendesk.csv: 2 new, 0 updated, 0 unchanged." {
		t.Fatalf("first import: %q", got)
	}
	if got := importFile(data); got != "Imported zendesk.csv: 0 new, 0 updated, 2 unchanged." {
		t.Fatalf("re-import: %q", got)
	}
	changed := bytes.Replace(data, []byte("The reset email never arrives."), []byte("The reset email arrives a day late."), 1)
	if got := importFile(changed); got != "Imported zendesk.csv: 0 new, 1 updated, 1 unchanged." {
		t.Fatalf("changed import: %q", got)
	}
	if n := app.id(`SELECT count(*) FROM pain_notes WHERE workspace_id = $1`, ws); n != before+2 {
		t.Fatalf("%d pain notes, want %d", n, before+2)
	}
	var quote, source, link string
	var severity int
	if err := app.db.Pool.QueryRow(t.Context(), `SELECT quote, source, severity, link FROM pain_notes WHERE workspace_id = $1 AND external_id = '1041'`, ws).
		Scan(&quote, &source, &severity, &link); err != nil || source != "support" || severity != 5 || !strings.HasPrefix(quote, "Syncing takes") {
		t.Fatalf("imported row: %q %q %d (%v)", quote, source, severity, err)
	}
	if n := app.id(`SELECT count(*) FROM activity WHERE workspace_id = $1 AND verb = 'pain.imported'`, ws); n != 3 {
		t.Errorf("%d import entries in the activity, want 3 (one per import)", n)
	}
}

// TestImportIsAllOrNothing: 3 bad rows among 10,000 import nothing, and the
// page names their lines and reasons.
func TestImportIsAllOrNothing(t *testing.T) {
	app := newTestApp(t)
	ws := app.demoID()
	pm := app.signIn(demoEmail(sightline.RolePM))
	var b strings.Builder
	b.WriteString("quote,customer,severity,heard_on,external_id\n")
	bad := map[int]string{1500: "severity", 7002: "heard_on", 9999: "quote"}
	for i := 1; i <= 10000; i++ {
		line := i + 1
		switch bad[line] {
		case "severity":
			fmt.Fprintf(&b, "Row %d,Acme,11,2026-01-02,x%d\n", i, i)
		case "heard_on":
			fmt.Fprintf(&b, "Row %d,Acme,3,someday,x%d\n", i, i)
		case "quote":
			fmt.Fprintf(&b, ",Acme,3,2026-01-02,x%d\n", i)
		default:
			fmt.Fprintf(&b, "Row %d,Acme,3,2026-01-02,x%d\n", i, i)
		}
	}
	res := pm.upload(t, "big.csv", []byte(b.String()))
	wantRedirect(t, res, paths.PainImport(seed.DemoSlug)+"/")
	u, _ := url.Parse(res.Header.Get("Location"))
	d := pm.get(u.String()).doc(t)
	before := app.id(`SELECT count(*) FROM pain_notes WHERE workspace_id = $1`, ws)
	res = pm.post(u.Path, epFormValues(d.Find("[data-testid=import-form]")))
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d = res.doc(t)
	if got := text(t, d, "[data-testid=import-error-summary], [data-testid=import-error]"); got == "" {
		t.Fatal("no problems listed")
	}
	lines := map[string]bool{}
	d.Find("[data-testid=import-error]").Each(func(_ int, s *goquerySelection) {
		l, _ := s.Attr("data-line")
		lines[l] = true
	})
	for line, field := range bad {
		if !lines[fmt.Sprint(line)] {
			t.Errorf("line %d (%s) is not named; named: %v", line, field, lines)
		}
	}
	if !strings.Contains(d.Find("main").Text(), "3 of 10000 rows have problems") {
		t.Errorf("summary missing: %.300s", d.Find("main").Text())
	}
	if n := app.id(`SELECT count(*) FROM pain_notes WHERE workspace_id = $1`, ws); n != before {
		t.Fatalf("%d pain notes landed from a refused import", n-before)
	}
	// A viewer may not import; another workspace's upload is not found.
	viewer := app.signIn(demoEmail(sightline.RoleViewer))
	wantStatus(t, viewer.get(paths.PainImport(seed.DemoSlug)), http.StatusForbidden)
}
