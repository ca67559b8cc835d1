package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// The contract: every response an API test gets is validated against the
// OpenAPI document the app serves, by a real OpenAPI 3.1 validator
// (libopenapi-validator), so the document cannot drift from what the
// handlers send. The document is the same for every app (it is built from
// the route table), so it is read and compiled once per test binary.
var contract struct {
	once sync.Once
	doc  []byte
	v    validator.Validator
	err  error
}

func (a *testApp) contract() validator.Validator {
	a.t.Helper()
	contract.once.Do(func() {
		res, err := http.Get(a.ts.URL + "/api/v1/openapi.json")
		if err != nil {
			contract.err = err
			return
		}
		defer res.Body.Close()
		contract.doc, _ = io.ReadAll(res.Body)
		doc, err := libopenapi.NewDocument(contract.doc)
		if err != nil {
			contract.err = err
			return
		}
		v, errs := validator.NewValidator(doc)
		if len(errs) > 0 {
			contract.err = errs[0]
			return
		}
		contract.v = v
	})
	if contract.err != nil {
		a.t.Fatalf("the OpenAPI document: %v", contract.err)
	}
	return contract.v
}

// checkContract validates one API response against the document.
func (a *testApp) checkContract(req *http.Request, res *response) {
	a.t.Helper()
	if !strings.HasPrefix(req.URL.Path, "/api/v1/w/") {
		return
	}
	// The validator reads the body: give it a fresh copy.
	copyRes := *res.Response
	copyRes.Body = io.NopCloser(strings.NewReader(res.body))
	copyReq := req.Clone(req.Context())
	copyReq.Body = http.NoBody
	if ok, errs := a.contract().ValidateHttpResponse(copyReq, &copyRes); !ok {
		for _, e := range errs {
			a.t.Errorf("%s %s → %d breaks the OpenAPI document: %s", req.Method, req.URL.Path, res.StatusCode, e.Error())
			for _, se := range e.SchemaValidationErrors {
				a.t.Errorf("  at %s: %s", se.FieldPath, se.Reason)
			}
		}
		a.t.Logf("body: %.1000s", res.body)
	}
}

// TestOpenAPIDocument: the document is a valid OpenAPI 3.1 document (the
// validator's check against the specification's own schema), and it
// matches the route table exactly: every API route is an operation with
// an operationId, a summary, its path parameters and its error responses;
// no operation lacks a route.
func TestOpenAPIDocument(t *testing.T) {
	app := newTestApp(t)
	v := app.contract()
	if ok, errs := v.ValidateDocument(); !ok {
		for _, e := range errs {
			t.Errorf("invalid OpenAPI document: %s", e.Error())
		}
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(contract.doc, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for p, item := range doc.Paths {
		for m := range item {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	rules := app.srv.Rules()
	routed := map[string]bool{}
	_ = chi.Walk(app.srv.Router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if rule := rules[method+" "+route]; rule.IsAPI() && !rule.PerCall() {
			routed[method+" "+route] = true
		}
		return nil
	})
	if len(routed) < 10 {
		t.Fatalf("only %d API routes", len(routed))
	}
	for k := range routed {
		if !documented[k] {
			t.Errorf("API route %s is not in the OpenAPI document", k)
		}
	}
	ids := map[string]string{}
	for k := range documented {
		if !routed[k] {
			t.Errorf("the OpenAPI document has %s, which no route serves", k)
			continue
		}
		method, path, _ := strings.Cut(k, " ")
		var op struct {
			OperationID string `json:"operationId"`
			Summary     string `json:"summary"`
			Parameters  []struct {
				Name, In string
			} `json:"parameters"`
			Responses map[string]json.RawMessage `json:"responses"`
		}
		if err := json.Unmarshal(doc.Paths[path][strings.ToLower(method)], &op); err != nil {
			t.Fatal(err)
		}
		if op.OperationID == "" || op.Summary == "" {
			t.Errorf("%s: no operationId or summary", k)
		}
		if other, dup := ids[op.OperationID]; dup {
			t.Errorf("%s and %s share the operationId %s", k, other, op.OperationID)
		}
		ids[op.OperationID] = k
		for _, seg := range strings.Split(path, "/") {
			if name, ok := strings.CutPrefix(seg, "{"); ok {
				name = strings.TrimSuffix(name, "}")
				if !slices.ContainsFunc(op.Parameters, func(p struct{ Name, In string }) bool { return p.Name == name && p.In == "path" }) {
					t.Errorf("%s: path parameter %s undocumented", k, name)
				}
			}
		}
		for _, code := range []string{"401", "403", "404", "429"} {
			if _, ok := op.Responses[code]; !ok {
				t.Errorf("%s: no %s response", k, code)
			}
		}
	}

	// The reference page lists every operation, and who may call it.
	page := app.client().get("/api/docs")
	wantStatus(t, page, http.StatusOK)
	d := page.doc(t)
	for id, k := range ids {
		if d.Find("#"+id).Length() != 1 {
			t.Errorf("the reference page has no section for %s (%s)", id, k)
		}
	}
	if !bytes.Contains([]byte(page.body), []byte("/api/v1/openapi.json")) {
		t.Error("the reference page does not link the document")
	}
}

// TestOpenAPILint: the document passes Redocly's linter (its recommended
// rules), installed by make test (SIGHTLINE_REDOCLY names the program).
func TestOpenAPILint(t *testing.T) {
	bin := os.Getenv("SIGHTLINE_REDOCLY")
	if bin == "" {
		t.Skip("SIGHTLINE_REDOCLY is not set: make test installs @redocly/cli and sets it")
	}
	app := newTestApp(t)
	app.contract()
	dir := t.TempDir()
	file := filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(file, contract.doc, 0o600); err != nil {
		t.Fatal(err)
	}
	// The recommended rules; a security scheme per operation is declared
	// once at the top (every call carries a token), and the servers entry
	// is this Sightline's own address ("/").
	cfg := "extends:\n  - recommended\nrules:\n  no-server-example.com: off\n  no-empty-servers: error\n"
	if err := os.WriteFile(filepath.Join(dir, "redocly.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "lint", "--format=stylish", "openapi.json")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("redocly lint: %v\n%s", err, out)
	}
	if regexp.MustCompile(`(?m)^\s*\d+:\d+\s+warning`).Match(out) || !strings.Contains(string(out), "valid") {
		t.Errorf("redocly lint warns:\n%s", out)
	}
	t.Logf("%s", out)
}
