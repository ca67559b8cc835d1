package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/go-chi/chi/v5"
)

// TestRefusedFormsSayWhatAndWhere posts every form of every page back
// emptied (each field blank, the version kept) and checks each page that
// comes back refused: an error summary first in the main content, with
// role=alert and autofocus, linking to elements that exist; every field
// marked with an error is aria-invalid and described by its message.
func TestRefusedFormsSayWhatAndWhere(t *testing.T) {
	app := newTestApp(t)
	fx := newMatrixFixture(t, app)
	owner := app.signIn("owner@example.com")
	var routes []string
	if err := chi.Walk(app.srv.Router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method == "GET" && !strings.Contains(route, "*") {
			routes = append(routes, route)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	posts := map[string]postedForm{}
	for _, rt := range routes {
		res := owner.get(fill(rt, fx.home))
		if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			pageForms(res.doc(t), posts, map[string]bool{})
		}
	}
	refused := 0
	for _, f := range posts {
		if f.action == "/logout" || strings.HasSuffix(f.action, "/delete") || strings.HasSuffix(f.action, "/remove") ||
			strings.HasSuffix(f.action, "/unlink") || strings.HasSuffix(f.action, "/revoke") || strings.HasSuffix(f.action, "/detach") {
			continue
		}
		v := url.Values{}
		for k, vs := range f.values {
			if k == "version" || k == "fingerprint" || k == "next" || k == "return" {
				v[k] = vs
			} else {
				v.Set(k, "")
			}
		}
		res := owner.post(f.action, v)
		if res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusConflict {
			continue
		}
		refused++
		d := res.doc(t)
		where := "POST " + f.action + " emptied"
		summary := d.Find("main > [data-testid=error-summary]")
		if summary.Length() != 1 || summary.AttrOr("role", "") != "alert" || summary.AttrOr("autofocus", "-") == "-" {
			t.Errorf("%s: %d, no error summary with role=alert and autofocus at the top of main", where, res.StatusCode)
			continue
		}
		if first := d.Find("main").Children().First(); first.AttrOr("data-testid", "") != "error-summary" {
			t.Errorf("%s: the error summary is not the first thing in main", where)
		}
		summary.Find("a[href^='#']").Each(func(_ int, a *goquery.Selection) {
			id := strings.TrimPrefix(a.AttrOr("href", ""), "#")
			if d.Find("[id='"+id+"']").Length() == 0 {
				t.Errorf("%s: the summary links to #%s, which is not on the page", where, id)
			}
		})
		d.Find("[aria-invalid=true]").Each(func(_ int, in *goquery.Selection) {
			desc := in.AttrOr("aria-describedby", "")
			if desc == "" || strings.TrimSpace(d.Find("[id='"+desc+"']").Text()) == "" {
				t.Errorf("%s: field %q is aria-invalid without a message it is described by (%q)", where, in.AttrOr("name", ""), desc)
			}
		})
		d.Find(".field-error").Each(func(_ int, fe *goquery.Selection) {
			if fe.Find("[aria-invalid=true]").Length() == 0 && fe.Is("fieldset") == false {
				html, _ := fe.Html()
				t.Errorf("%s: a field marked in error has no aria-invalid control:\n%.300s", where, html)
			}
		})
	}
	if refused < 20 {
		t.Fatalf("only %d forms were refused when posted empty", refused)
	}
	t.Logf("checked %d refused forms", refused)
}
