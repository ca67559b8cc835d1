package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/server"
	"github.com/sightline/sightline/internal/sightline"
)

// badValue is one class of input that must never reach the database as it
// is: each must be refused (or ignored) with a message, never answered 5xx.
type badValue struct{ name, value string }

var badTextValues = []badValue{
	{"invalid UTF-8", "ab\xff\xfecd"},
	{"NUL byte", "ab\x00cd"},
	{"lone surrogate", "ab\xed\xa0\x80cd"}, // U+D800 as CESU-8: not UTF-8
	{"1 MB", strings.Repeat("x", 1_000_000)},
	{"int4 overflow", "2147483648"},
	{"int8 overflow", "9223372036854775808"},
	{"int8 max", "9223372036854775807"},
	{"negative", "-1"},
	{"non-canonical", "+1"},
}

// postedForm is one form a page renders: where it posts and the values a
// browser would send as the page stands.
type postedForm struct {
	action string
	values url.Values
}

// pageForms reads every form of a page: POST forms with their current
// values, and the names of GET forms' fields and of links' query keys (the
// query parameters the page's filters use).
func pageForms(d *goquery.Document, posts map[string]postedForm, queryKeys map[string]bool) {
	d.Find("form").Each(func(_ int, f *goquery.Selection) {
		method := strings.ToLower(f.AttrOr("method", "get"))
		values := url.Values{}
		f.Find("input[name], select[name], textarea[name], button[name]").Each(func(_ int, in *goquery.Selection) {
			name := in.AttrOr("name", "")
			switch goquery.NodeName(in) {
			case "textarea":
				values.Set(name, in.Text())
			case "select":
				opt := in.Find("option[selected]").First()
				if opt.Length() == 0 {
					opt = in.Find("option").First()
				}
				values.Set(name, opt.AttrOr("value", opt.Text()))
			case "button":
				if !values.Has(name) {
					values.Set(name, in.AttrOr("value", ""))
				}
			default:
				typ := in.AttrOr("type", "text")
				if (typ == "checkbox" || typ == "radio") && in.AttrOr("checked", "-") == "-" {
					if !values.Has(name) {
						values[name] = nil
					}
					return
				}
				if typ == "checkbox" {
					values.Add(name, in.AttrOr("value", "on"))
				} else {
					values.Set(name, in.AttrOr("value", ""))
				}
			}
		})
		if method == "get" {
			for k := range values {
				queryKeys[k] = true
			}
			return
		}
		action := f.AttrOr("action", "")
		key := action + "?" + strings.Join(sortedKeys(values), ",")
		if _, seen := posts[key]; !seen {
			posts[key] = postedForm{action: action, values: values}
		}
	})
	d.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		if u, err := url.Parse(a.AttrOr("href", "")); err == nil && u.Host == "" {
			for k := range u.Query() {
				queryKeys[k] = true
			}
		}
	})
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestBadInputNeverAnswers5xx walks the route table like the authorization
// matrix does and sends every class of bad input to every route: in each
// path parameter, in each query parameter any page uses, and in each field
// of each form the pages render (one field at a time, the others as the
// page filled them, so a handler that forgets one field is caught). A new
// route, filter or form field is covered without touching this test.
func TestBadInputNeverAnswers5xx(t *testing.T) {
	if testing.Short() {
		t.Skip("walks every route with every class of bad input")
	}
	app := newTestApp(t, func(c *server.Config) { c.APIRatePerMinute = 1 << 30 })
	fx := newMatrixFixture(t, app)
	owner := app.signIn("owner@example.com")
	rules := app.srv.Rules()
	// API routes are called with the owner's token, a change with an
	// empty body and a version.
	token := app.api(app.newToken("owner@example.com", seed.DemoSlug, sightline.ScopeWrite))
	send := func(method, pattern, path string) *response {
		if rules[method+" "+pattern].IsAPI() {
			if method == http.MethodGet {
				return token.call(method, path, nil)
			}
			return token.call(method, path, map[string]any{}, "If-Match", `"1"`)
		}
		if method == http.MethodGet {
			return owner.get(path)
		}
		return owner.post(path, url.Values{"version": {"1"}})
	}

	type routeInfo struct{ method, pattern string }
	var routes []routeInfo
	if err := chi.Walk(app.srv.Router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, routeInfo{method, route})
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	fail := func(what string, res *response) {
		t.Helper()
		if res.StatusCode >= 500 {
			t.Errorf("%s: %d\n%.500s", what, res.StatusCode, res.body)
		}
	}

	// The forms and filters of every page, as the owner sees them.
	posts := map[string]postedForm{}
	queryKeys := map[string]bool{"next": true, "q": true}
	for _, rt := range routes {
		if rt.method != "GET" || strings.Contains(rt.pattern, "*") {
			continue
		}
		res := send("GET", rt.pattern, fill(rt.pattern, fx.home))
		fail("GET "+rt.pattern, res)
		if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			pageForms(res.doc(t), posts, queryKeys)
		}
	}
	if len(posts) < 30 || len(queryKeys) < 10 {
		t.Fatalf("found only %d forms and %d query parameters on the pages", len(posts), len(queryKeys))
	}

	// Path parameters: each one in turn, on every route that takes it.
	badPath := []string{"%ff", "%00", "%ed%a0%80", "2147483648", "9223372036854775807", "9223372036854775808", "-1", "+" + fx.home["epicID"], "0" + fx.home["epicID"]}
	requests := 0
	for _, rt := range routes {
		params := strings.Count(rt.pattern, "{")
		if params == 0 || rt.pattern == "/logout" {
			continue
		}
		for name := range fx.home {
			if name == "*" || !strings.Contains(rt.pattern, "{"+name+"}") {
				continue
			}
			for _, bad := range badPath {
				p := map[string]string{}
				for k, v := range fx.home {
					p[k] = v
				}
				p[name] = bad
				path := fill(rt.pattern, p)
				res := send(rt.method, rt.pattern, path)
				requests++
				fail(rt.method+" "+path, res)
				action, _ := rules[rt.method+" "+rt.pattern].WorkspaceAction()
				ownerRefused := res.StatusCode == http.StatusForbidden && !sightline.RoleOwner.Can(action)
				if name != "targetType" && name != "token" && res.StatusCode != http.StatusNotFound && !ownerRefused {
					t.Errorf("%s %s: %d, want 404 for a %s that is no canonical id in range", rt.method, path, res.StatusCode, name)
				}
			}
		}
	}

	// Query parameters: every parameter any page uses, on every GET route.
	for _, rt := range routes {
		if rt.method != "GET" || strings.Contains(rt.pattern, "*") {
			continue
		}
		for k := range queryKeys {
			for _, bad := range badTextValues {
				path := fill(rt.pattern, fx.home) + "?" + url.Values{k: {bad.value}}.Encode()
				res := send("GET", rt.pattern, path)
				requests++
				fail("GET "+rt.pattern+"?"+k+"="+bad.name, res)
			}
		}
	}

	// Form fields: one field at a time, in every form of every page.
	keys := make([]string, 0, len(posts))
	for k := range posts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		f := posts[key]
		if f.action == "/logout" {
			continue
		}
		for field := range f.values {
			for _, bad := range badTextValues {
				v := url.Values{}
				for k, vs := range f.values {
					v[k] = vs
				}
				v.Set(field, bad.value)
				res := owner.post(f.action, v)
				requests++
				fail("POST "+f.action+" with "+field+" = "+bad.name, res)
			}
		}
	}
	// API bodies: each field of each operation's body (as the OpenAPI
	// document names them), as a string holding each bad value, raw bytes
	// and all, and as a number where it reads as one.
	app.contract()
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(contract.doc, &doc); err != nil {
		t.Fatal(err)
	}
	bodies := 0
	for pattern, item := range doc.Paths {
		for method, raw := range item {
			var op struct {
				RequestBody struct {
					Content map[string]struct {
						Schema struct {
							Ref string `json:"$ref"`
						} `json:"schema"`
					} `json:"content"`
				} `json:"requestBody"`
			}
			_ = json.Unmarshal(raw, &op)
			ref := op.RequestBody.Content["application/json"].Schema.Ref
			if ref == "" {
				continue
			}
			bodies++
			schema := doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
			for field := range schema.Properties {
				for _, bad := range badTextValues {
					quoted, _ := json.Marshal(field)
					for _, v := range []string{`"` + strings.ReplaceAll(bad.value, `"`, `\"`) + `"`, bad.value} {
						body := `{` + string(quoted) + `:` + v + `}`
						req, _ := http.NewRequest(strings.ToUpper(method), app.ts.URL+fill(pattern, fx.home), strings.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("Authorization", "Bearer "+token.token)
						req.Header.Set("If-Match", `"1"`)
						res := owner.do(req)
						requests++
						fail(strings.ToUpper(method)+" "+pattern+" with "+field+" = "+bad.name, res)
					}
				}
			}
		}
	}
	if bodies < 20 {
		t.Errorf("only %d API bodies found", bodies)
	}
	t.Logf("sent %d bad requests to %d routes, %d forms, %d query parameters and %d API bodies", requests, len(routes), len(posts), len(queryKeys), bodies)
}

// TestBadTextIsRefusedNextToItsField: the person sees which field holds
// text that cannot be stored, with everything they typed still there.
func TestBadTextIsRefusedNextToItsField(t *testing.T) {
	app := newTestApp(t)
	pm := app.signIn("pm@example.com")
	res := pm.post("/w/demo/pains", url.Values{
		"quote": {"Exports \xff\xfe time out"}, "customer": {"Acme Corp"}, "source": {"interview"},
		"severity": {"4"}, "frequency": {"daily"}, "firsthand": {"firsthand"}, "heard_on": {"2026-11-30"},
	})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	d := res.doc(t)
	field := d.Find(".field-error").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return s.Find("[name=quote]").Length() > 0
	})
	if field.Length() == 0 || !strings.Contains(field.Text(), "not valid UTF-8") {
		t.Fatalf("no message next to the quote field:\n%s", field.Text())
	}
	if got := d.Find("[name=customer]").AttrOr("value", ""); got != "Acme Corp" {
		t.Errorf("customer = %q, want the typed input kept", got)
	}
	if !strings.Contains(d.Find("[name=quote]").Text(), "Exports") {
		t.Errorf("the quote the person typed is gone")
	}
	if n := d.Find(".field-error").Length(); n != 1 {
		t.Errorf("%d fields marked, want only the quote", n)
	}

	// A NUL in a title: same.
	res = pm.post("/w/demo/goals", url.Values{"title": {"Grow\x00"}, "metric": {"m"}, "baseline": {"1"}, "target": {"2"}, "current": {"1"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if !strings.Contains(res.body, "NUL character") {
		t.Errorf("goal form: no NUL message")
	}

	// A 1 MB e-mail at sign-in is refused before any lookup.
	res = app.client().post("/login", url.Values{"email": {strings.Repeat("a", 1_000_000) + "@example.com"}, "password": {"whatever-long-enough"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if !strings.Contains(res.body, "at most 254 characters") {
		t.Errorf("sign-in: no length message")
	}
}

// TestBadQueryParameterIsIgnoredWithAMessage: a filter that is not text is
// dropped and the page says so; the rest of the filter still applies.
func TestBadQueryParameterIsIgnoredWithAMessage(t *testing.T) {
	app := newTestApp(t)
	c := app.signIn("viewer@example.com")
	res := c.get("/w/demo/pains?segment=%ff&source=interview")
	wantStatus(t, res, http.StatusOK)
	d := res.doc(t)
	if msg := text(t, d, "[data-testid=flash]"); !strings.Contains(msg, "“segment”") {
		t.Errorf("flash = %q, want it to name the ignored parameter", msg)
	}
	if got := d.Find("select[name=source] option[selected]").AttrOr("value", ""); got != "interview" {
		t.Errorf("source filter = %q, want the valid part kept", got)
	}
	for _, path := range []string{"/w/demo/decisions/2147483648", "/w/demo/decisions/9223372036854775807/adr.md", "/w/demo/epics/+1", "/w/%ff", "/w/demo/goals/%00"} {
		if res := c.get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
}
