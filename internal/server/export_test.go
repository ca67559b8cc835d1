package server_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/sightline"
)

func readCSV(t *testing.T, res *response) [][]string {
	t.Helper()
	wantStatus(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("content type %q", ct)
	}
	recs, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%.500s", err, res.body)
	}
	return recs
}

// TestCSVExports: the pain notes and the backlog download as CSV (read back
// by encoding/csv) with the list's filters, every matching row (not a
// page), and no cell a spreadsheet would run as a formula.
func TestCSVExports(t *testing.T) {
	app := newTestApp(t)
	ws := app.demoID()
	viewer := app.signIn(demoEmail(sightline.RoleViewer))
	app.exec(`INSERT INTO pain_notes (workspace_id, quote, source, customer, severity, frequency, firsthand, heard_on)
		SELECT $1, CASE WHEN g = 1 THEN '=HYPERLINK("http://evil.example","click")' ELSE 'Bulk export pain ' || g END, 'sales',
		       CASE WHEN g = 2 THEN '+1 Corp' ELSE '@handle Ltd' END, 5, 'daily', true, current_date FROM generate_series(1, 120) g`, ws)
	app.exec(`INSERT INTO epics (workspace_id, kind, title, problem, enables) VALUES ($1, 'enabler', '-2+3 cmd|calc', 'p', 'x')`, ws)

	recs := readCSV(t, viewer.get(paths.PainsCSV(seed.DemoSlug, sightline.PainFilter{Source: "sales", MinSeverity: 5})))
	want := app.id(`SELECT count(*) FROM pain_notes WHERE workspace_id = $1 AND source = 'sales' AND severity >= 5`, ws)
	if int64(len(recs)-1) != want || want < 120 {
		t.Fatalf("%d pain rows, want %d (all of them, not a page)", len(recs)-1, want)
	}
	if strings.Join(recs[0][:4], ",") != "id,quote,customer,segment" {
		t.Errorf("header %v", recs[0])
	}
	epics := readCSV(t, viewer.get(paths.EpicsCSV(seed.DemoSlug, sightline.EpicFilter{Kind: sightline.KindEnabler})))
	for _, r := range epics[1:] {
		if r[2] != "enabler" {
			t.Errorf("a %s epic in the enablers' CSV", r[2])
		}
	}
	for _, rows := range [][][]string{recs, epics} {
		for _, r := range rows[1:] {
			for _, cell := range r {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("a cell starts with a formula character: %q", cell)
				}
			}
		}
	}
	// The lists link to their download with the filters they show.
	d := viewer.get(paths.Pains(seed.DemoSlug, sightline.PainFilter{Source: "sales"})).doc(t)
	if href, _ := d.Find("[data-testid=pains-csv]").Attr("href"); href != paths.PainsCSV(seed.DemoSlug, sightline.PainFilter{Source: "sales"}) {
		t.Errorf("pains CSV link %q", href)
	}
	if viewer.get(paths.Epics(seed.DemoSlug)).doc(t).Find("[data-testid=epics-csv]").Length() != 1 {
		t.Error("no CSV link on the backlog")
	}
}
