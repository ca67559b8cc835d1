package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/sightline/sightline/internal/seed"
)

// TestSearchAndImportJourney walks issue 11 in a browser: the PM presses
// "/" on the dashboard and lands in the header's search box, finds the
// billing service despite a typo, imports a CSV of pain notes through the
// upload, the preview and the import button, and finds an imported note
// by a word of its quote, with the word marked in the snippet.
func TestSearchAndImportJourney(t *testing.T) {
	chromium := findChromium(t)
	base := startApp(t)
	b := newBrowser(t, chromium)
	ws := base + "/w/" + seed.DemoSlug

	signIn(b, base, demoPMEmail, demoPMName)
	b.do("open the dashboard and press /",
		chromedp.Navigate(ws),
		chromedp.WaitVisible(testID("site-search")),
		chromedp.KeyEvent("/"),
	)
	focused := run(b, "read the focused element", chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ""`))
	if focused != "site-search" {
		t.Fatalf(`after "/" the focused element is %q, want the header's search box`, focused)
	}
	// DevTools sends the key's character as an event of its own, which the
	// page's preventDefault on keydown does not cancel as a real keyboard
	// would: clear what it typed.
	run(b, "clear the search box", chromedp.Evaluate[string](`document.getElementById("site-search").value = ""`))
	if st := b.follow("search for a name with a typo",
		chromedp.SendKeys(chromedp.ID("site-search"), "billng"+kb.Enter)); st != http.StatusOK {
		t.Fatalf("the search ended on status %d, want 200", st)
	}
	if p := b.path(); p != "/w/demo/search" {
		t.Errorf("the header's search went to %q, want /w/demo/search", p)
	}
	wantContains(t, "the first hit for billng", b.text("read the first hit",
		chromedp.CSS(`[data-testid="search-hit"]:first-child [data-testid="search-hit-title"]`)), "Billing")

	// Import two notes from a generic CSV.
	const word = "quokkaflux"
	csv := "quote;customer;segment;source;severity;frequency;firsthand;heard by;heard on;external id;link\n" +
		"\"The " + word + " export stalls\nevery night\";Initech;Enterprise;support;high;weekly;yes;Priya PM;2026-11-02;T-1;\n" +
		"Search is slow on big lists;Umbrella;SMB;support;medium;monthly;no;Priya PM;2026-11-03;T-2;\n"
	file := filepath.Join(t.TempDir(), "tickets.csv")
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do("open the import page", chromedp.Navigate(ws+"/pains/import"), chromedp.WaitVisible(testID("upload-form")))
	if st := b.follow("upload the file",
		chromedp.SetUploadFiles(chromedp.ID("f-file"), []string{file}),
		chromedp.Click(chromedp.CSS(`[data-testid="upload-form"] button[type="submit"]`))); st != http.StatusOK {
		t.Fatalf("the upload ended on status %d, want 200", st)
	}
	b.do("wait for the preview", chromedp.WaitVisible(testID("preview")))
	rows := run(b, "count the preview rows", chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="preview-row"]').length`))
	if rows != 2 {
		t.Errorf("the preview shows %d rows, want 2", rows)
	}
	if st := b.follow("import the whole file",
		chromedp.Click(chromedp.CSS(`[data-testid="import-form"] button[type="submit"]`))); st != http.StatusOK {
		t.Fatalf("the import ended on status %d, want 200", st)
	}
	wantContains(t, "the flash after the import", b.flash("read the flash"), "Imported tickets.csv: 2 new, 0 updated, 0 unchanged.")

	// The imported note is found by a word of its quote.
	b.do("search for the imported word", chromedp.Navigate(ws+"/search?q="+word), chromedp.WaitVisible(testID("search-results")))
	hit := b.text("read the hit", chromedp.CSS(`[data-testid="search-hit"][data-kind="pain"] [data-testid="search-snippet"]`))
	if !strings.Contains(hit, word) {
		t.Errorf("the snippet %q does not hold %q", hit, word)
	}
	marked := run(b, "read the marked word", chromedp.Text(chromedp.CSS(`[data-testid="search-hit"][data-kind="pain"] [data-testid="search-snippet"] mark`)))
	if !strings.EqualFold(marked, word) {
		t.Errorf("the snippet marks %q, want %q", marked, word)
	}
}
