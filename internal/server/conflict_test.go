package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// productForm is the epic's product form as the page fills it.
func productForm(t *testing.T, c *client, path string) url.Values {
	t.Helper()
	posts := map[string]postedForm{}
	pageForms(c.get(path).doc(t), posts, map[string]bool{})
	for _, f := range posts {
		if f.action == path && f.values.Has("problem") {
			return f.values
		}
	}
	t.Fatalf("no product form on %s", path)
	return nil
}

// TestConflictShowsWhoSavedAndEverythingSince: a stale save names who saved
// meanwhile and when, lists every field they changed — not only the fields
// of the user's own form — and keeps the user's input, with an error
// summary on top that links to the panel.
func TestConflictShowsWhoSavedAndEverythingSince(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn("pm@example.com")
	owner := app.signIn("owner@example.com")
	path := epCreate(t, pm, epProduct("Shared inbox"))
	mine := productForm(t, pm, path) // the PM opens the form

	// Meanwhile the owner renames it and rewrites the problem (in markdown).
	theirs := productForm(t, owner, path)
	theirs.Set("title", "Shared team inbox")
	theirs.Set("problem", "> Requests **vanish** in chat threads, and nobody knows who owns them; "+strings.Repeat("more words ", 12))
	wantRedirect(t, owner.post(path, theirs), path)
	// And the architect's technical form bumps it once more.
	arch := app.signIn("architect@example.com")
	tech := url.Values{"effort": {"3"}, "version": {epVersion(t, arch, path)}}
	wantRedirect(t, arch.post(path+"/technical", tech), path)

	mine.Set("why_now", "The renewal is in March.")
	res := pm.post(path, mine)
	wantStatus(t, res, http.StatusConflict)
	d := res.doc(t)
	if s := d.Find("main > [data-testid=error-summary]"); s.Length() != 1 || s.Find(`a[href="#conflict-h"]`).Length() != 1 {
		t.Errorf("no error summary linking to the conflict panel")
	}
	heading := text(t, d, "#conflict-h")
	if !strings.Contains(heading, "Arjun Architect saved this") {
		t.Errorf("conflict heading %q, want the last person who saved", heading)
	}
	since := d.Find("[data-testid=conflict-since-entry]")
	if since.Length() != 2 {
		t.Fatalf("%d entries since the user's version, want 2 (the owner's and the architect's)", since.Length())
	}
	all := since.Text()
	for _, want := range []string{"Olivia Owner", "Arjun Architect", "Shared team inbox", "Requests vanish in chat threads"} {
		if !strings.Contains(all, want) {
			t.Errorf("changes since the user's version lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "**") || strings.Contains(all, "> Requests") {
		t.Errorf("changes since show raw markdown:\n%s", all)
	}
	if got := d.Find("[data-testid=product-form] textarea[name=why_now]").Text(); got != "The renewal is in March." {
		t.Errorf("the user's why-now = %q, want it kept", got)
	}
}

// TestHistoryShowsPlainTextAndTheWholeChange: a long markdown change reads
// as plain text in the history, cut, with the whole change one click away.
func TestHistoryShowsPlainTextAndTheWholeChange(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn("pm@example.com")
	path := epCreate(t, pm, epProduct("Exports"))
	f := productForm(t, pm, path)
	long := "> Task updates **take** too long to export, " + strings.Repeat("and the finance team waits every Monday ", 4) + "until the end."
	f.Set("problem", long)
	wantRedirect(t, pm.post(path, f), path)
	d := pm.get(path).doc(t)
	details := d.Find("[data-testid=epic-history] [data-testid=change-details]")
	if details.Length() == 0 {
		t.Fatal("no expandable change for a long problem")
	}
	line := details.Find("summary").Text()
	if strings.Contains(line, "**") || strings.Contains(line, "> Task") || !strings.Contains(line, "Task updates take too long") || !strings.Contains(line, "…") {
		t.Errorf("history line %q: want plain text, shortened", line)
	}
	if full := details.Find("[data-testid=change-full-to]").Text(); !strings.HasSuffix(full, "until the end.") || strings.Contains(full, "**") {
		t.Errorf("whole change %q: want the full plain text", full)
	}
}
