package server

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
)

// handleAPIDocs renders the API's reference page from the OpenAPI document
// and the route table (who may call each operation).
func (s *Server) handleAPIDocs(w http.ResponseWriter, r *http.Request) error {
	doc := s.openAPIDocument()
	schemas := doc["components"].(M)["schemas"].(M)
	d := web.APIDocsData{RatePerMinute: s.cfg.APIRatePerMinute, MCPURL: s.absolute(paths.MCP())}
	if s.cfg.BaseURL == "" {
		d.MCPURL = "https://YOUR-SIGHTLINE" + paths.MCP()
	}
	groups := map[string]int{}
	for _, t := range doc["tags"].([]any) {
		tag := t.(M)
		groups[tag["name"].(string)] = len(d.Groups)
		d.Groups = append(d.Groups, web.APIDocGroup{Tag: tag["name"].(string), Description: tag["description"].(string)})
	}
	ops := s.apiOperations()
	for _, rt := range s.routes() {
		op, ok := ops[rt.method+" "+rt.pattern]
		if !ok {
			continue
		}
		o := web.APIDocOp{ID: op.id, Method: rt.method, Path: rt.pattern, Summary: op.summary, Write: apiWrite(rt.method), IfMatch: op.ifMatch,
			Returns: fmt.Sprintf("%d %s", op.status, http.StatusText(op.status))}
		if op.resp != "" {
			o.Returns += " (" + op.resp + ")"
		}
		var who []string
		for _, role := range sightline.RolesAllowed(rt.access.Action) {
			who = append(who, role.Label())
		}
		o.Who = strings.Join(who, ", ")
		for _, q := range op.query {
			p := apiQueryParams[q]
			o.Query = append(o.Query, web.APIDocField{Name: text(p["name"]), Type: schemaType(p["schema"].(M)), Description: text(p["description"])})
		}
		if op.body != "" {
			body := schemas[op.body].(M)
			req, _ := body["required"].([]string)
			props := body["properties"].(M)
			for _, name := range slices.Sorted(maps.Keys(props)) {
				p := props[name].(M)
				o.Body = append(o.Body, web.APIDocField{Name: name, Type: schemaType(p), Description: text(p["description"]), Required: slices.Contains(req, name)})
			}
		}
		codes := []string{}
		for _, c := range []string{"401", "403", "404", "409", "412", "413", "415", "422", "428", "429", "503"} {
			if _, ok := apiResponseCodes(doc, rt)[c]; ok {
				codes = append(codes, c)
			}
		}
		o.Errors = codes
		g := groups[op.tag]
		d.Groups[g].Ops = append(d.Groups[g].Ops, o)
	}
	s.render(w, r, http.StatusOK, web.APIDocsPage(s.page(r, "API reference", ""), d))
	return nil
}

func apiResponseCodes(doc M, rt route) M {
	return doc["paths"].(M)[rt.pattern].(M)[strings.ToLower(rt.method)].(M)["responses"].(M)
}

func text(v any) string { s, _ := v.(string); return s }

// schemaType says a schema's type as a reader wants it: "integer or null",
// "one of: a, b".
func schemaType(p M) string {
	if e, ok := p["enum"].([]string); ok {
		return "one of: " + strings.Join(e, ", ")
	}
	var t string
	switch v := p["type"].(type) {
	case string:
		t = v
	case []string:
		t = strings.Join(v, " or ")
	}
	if f, ok := p["format"].(string); ok {
		t += " (" + f + ")"
	}
	return t
}
