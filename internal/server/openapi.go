package server

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/sightline/sightline/internal/sightline"
)

// The OpenAPI 3.1 document of the API, built from the route table and the
// operations below: a route under /api/v1/w/ without an operation, or an
// operation without a route, fails TestOpenAPIMatchesRoutes, and every
// response the contract tests get is validated against this document.

// apiOp describes one API operation.
type apiOp struct {
	id, summary, tag string
	query            []string // query parameters, from apiQueryParams
	body             string   // request schema ("" for none)
	resp             string   // response schema
	status           int      // success status
	ifMatch          bool     // needs If-Match (a change to a versioned row)
	media            string   // the response's media type when not JSON (resp is then "")
}

// apiOperations are every operation by "METHOD pattern": apiOps and the
// kinds'.
func (s *Server) apiOperations() map[string]apiOp {
	ops := maps.Clone(apiOps)
	maps.Copy(ops, apiLinkOps)
	for _, k := range s.apiResources() {
		maps.Copy(ops, k.apiOps())
	}
	return ops
}

// apiOps are the operations of the hand-written handlers, by "METHOD pattern".
var apiOps = map[string]apiOp{
	"GET /api/v1/w/{ws}/llms.txt": {id: "getLLMsText", tag: "Workspace", summary: "The workspace in brief for agents (llmstxt.org markdown): strategy, roadmap, epics, architecture, decisions",
		status: 200, media: "text/markdown"},
	"GET /api/v1/w/{ws}/epics": {id: "listEpics", tag: "Epics", summary: "List epics (the backlog's filters), by id",
		query: []string{"status", "kind", "initiative_id", "owner_id", "quarter", "limit", "cursor"}, resp: "EpicList", status: 200},
	"POST /api/v1/w/{ws}/epics": {id: "createEpic", tag: "Epics", summary: "Create an epic (engineers and architects: enablers only)",
		body: "EpicCreate", resp: "Epic", status: 201},
	"GET /api/v1/w/{ws}/epics/{epicID}": {id: "getEpic", tag: "Epics", summary: "Read an epic", resp: "Epic", status: 200},
	"PATCH /api/v1/w/{ws}/epics/{epicID}": {id: "updateEpic", tag: "Epics", summary: "Change an epic's product fields (those named)",
		body: "EpicProductPatch", resp: "Epic", status: 200, ifMatch: true},
	"PATCH /api/v1/w/{ws}/epics/{epicID}/technical": {id: "updateEpicTechnical", tag: "Epics", summary: "Change an epic's technical owner, effort, or what it enables",
		body: "EpicTechnicalPatch", resp: "Epic", status: 200, ifMatch: true},
	"POST /api/v1/w/{ws}/epics/{epicID}/status": {id: "setEpicStatus", tag: "Epics", summary: "Move an epic to a status (ready and beyond need the feasibility check-in done or waived)",
		body: "EpicStatusChange", resp: "Epic", status: 200, ifMatch: true},
	"POST /api/v1/w/{ws}/epics/{epicID}/estimate": {id: "estimateEpic", tag: "Epics", summary: "Record your estimate (engineers and architects)",
		body: "EpicEstimateChange", resp: "Epic", status: 200, ifMatch: true},
	"POST /api/v1/w/{ws}/epics/{epicID}/commit": {id: "commitEpic", tag: "Epics", summary: "Commit an epic to a date, or remove the date (no date without an estimate)",
		body: "EpicCommitChange", resp: "Epic", status: 200, ifMatch: true},

	"GET /api/v1/w/{ws}/pains": {id: "listPains", tag: "Customer pain", summary: "List customer-pain notes (the pain list's filters), by id",
		query: []string{"source", "segment", "min_severity", "firsthand", "unlinked", "limit", "cursor"}, resp: "PainList", status: 200},
	"POST /api/v1/w/{ws}/pains":         {id: "createPain", tag: "Customer pain", summary: "Capture a customer-pain note", body: "PainCreate", resp: "Pain", status: 201},
	"GET /api/v1/w/{ws}/pains/{painID}": {id: "getPain", tag: "Customer pain", summary: "Read a customer-pain note", resp: "Pain", status: 200},
	"PATCH /api/v1/w/{ws}/pains/{painID}": {id: "updatePain", tag: "Customer pain", summary: "Change a customer-pain note's fields (those named)",
		body: "PainPatch", resp: "Pain", status: 200, ifMatch: true},
}

// M is a JSON object being built.
type M = map[string]any

func str(desc string) M       { return M{"type": "string", "description": desc} }
func strOrNull(desc string) M { return M{"type": []string{"string", "null"}, "description": desc} }
func intOrNull(desc string) M { return M{"type": []string{"integer", "null"}, "description": desc} }
func integer(desc string) M   { return M{"type": "integer", "description": desc} }
func enum[T ~string](desc string, vs []T) M {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return M{"type": "string", "enum": out, "description": desc}
}
func ref(name string) M { return M{"$ref": "#/components/schemas/" + name} }
func object(required []string, props M) M {
	o := M{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

// pick copies some properties of a set.
func pick(props M, names ...string) M {
	out := M{}
	for _, n := range names {
		p, ok := props[n]
		if !ok {
			panic("openapi: no property " + n)
		}
		out[n] = p
	}
	return out
}

func apiSchemas() M {
	dateTime := M{"type": "string", "format": "date-time"}
	epicIn := M{
		"kind":             enum("product or enabler", sightline.EpicKinds),
		"title":            M{"type": "string", "minLength": 1, "maxLength": sightline.MaxEpicTitle},
		"problem":          str("The problem, in markdown"),
		"why_now":          str("Why now"),
		"enables":          str("What an enabler enables"),
		"success_criteria": str("How we will know it worked"),
		"initiative_id":    intOrNull("The initiative it serves"),
		"pm_owner_id":      intOrNull("The product owner (a user id)"),
		"tech_owner_id":    intOrNull("The technical owner (a user id)"),
		"impact":           M{"type": []string{"integer", "null"}, "minimum": 1, "maximum": 5},
		"target_quarter":   M{"type": []string{"string", "null"}, "description": "e.g. 2027-Q1"},
		"shift_id":         intOrNull("The strategy shift that prompted it"),
	}
	epicOut := maps.Clone(epicIn)
	maps.Copy(epicOut, M{
		"id":                 integer("The epic's number"),
		"title":              M{"type": "string"},
		"impact":             intOrNull("1–5"),
		"status":             enum("", sightline.EpicStatuses),
		"effort":             intOrNull("1–5"),
		"committed_on":       M{"type": []string{"string", "null"}, "format": "date"},
		"estimate":           M{"oneOf": []any{ref("Estimate"), M{"type": "null"}}},
		"feasibility":        enum("The feasibility check-in", []sightline.Feasibility{sightline.FeasibilityNotRequested, sightline.FeasibilityRequested, sightline.FeasibilityDone, sightline.FeasibilityWaived}),
		"needs_revalidation": M{"type": "boolean", "description": "A later strategy shift asks a PM to confirm it still holds"},
		"pain_count":         integer("Customer-pain notes linked"),
		"version":            integer("The version; send it back as If-Match (the ETag)"),
		"created_at":         dateTime,
		"updated_at":         dateTime,
		"url":                str("The epic's page"),
	})
	painIn := M{
		"quote":             M{"type": "string", "minLength": 1, "description": "What the customer said, verbatim"},
		"source":            enum("Where it was heard", sightline.PainSources),
		"customer":          str("Who said it"),
		"segment":           str("Their segment"),
		"severity":          M{"type": "integer", "minimum": 1, "maximum": 5},
		"frequency":         enum("How often it hurts", sightline.Frequencies),
		"firsthand":         M{"type": "boolean", "description": "Heard from the customer (true) or relayed (false)"},
		"heard_by":          str("Who heard it"),
		"heard_on":          M{"type": "string", "format": "date"},
		"quality_attribute": str("The quality attribute it is about, if any"),
	}
	painOut := maps.Clone(painIn)
	maps.Copy(painOut, M{
		"id":         integer("The note's number"),
		"quote":      M{"type": "string"},
		"epic_count": integer("Epics it is linked to"),
		"version":    integer("The version; send it back as If-Match (the ETag)"),
		"updated_at": dateTime,
		"url":        str("The note's page"),
	})
	list := func(item string) M {
		return object([]string{"items", "next_cursor"}, M{
			"items":       M{"type": "array", "items": ref(item)},
			"next_cursor": strOrNull("Pass as ?cursor= for the next page; null on the last"),
		})
	}
	return M{
		"Epic":             object(slices.Sorted(maps.Keys(epicOut)), epicOut),
		"EpicList":         list("Epic"),
		"EpicCreate":       object([]string{"kind", "title"}, epicIn),
		"EpicProductPatch": object(nil, pick(epicIn, apiEpicProductFields...)),
		"EpicTechnicalPatch": object(nil, M{"tech_owner_id": epicIn["tech_owner_id"], "enables": epicIn["enables"],
			"effort": M{"type": []string{"integer", "null"}, "minimum": 1, "maximum": 5, "description": "The effort, 1–5"}}),
		"EpicStatusChange":   object([]string{"status"}, M{"status": enum("", sightline.EpicStatuses)}),
		"EpicEstimateChange": object([]string{"size", "note"}, M{"size": enum("T-shirt size", sightline.Sizes), "note": str("Why it is this complex")}),
		"EpicCommitChange":   object([]string{"committed_on"}, M{"committed_on": M{"type": []string{"string", "null"}, "format": "date", "description": "null removes the date"}}),
		"Estimate": object([]string{"size", "note", "estimated_by", "estimated_at"}, M{
			"size": enum("", sightline.Sizes), "note": str(""), "estimated_by": intOrNull("Who estimated (a user id)"),
			"estimated_at": M{"type": []string{"string", "null"}, "format": "date-time"},
		}),
		"Pain":       object(slices.Sorted(maps.Keys(painOut)), painOut),
		"PainList":   list("Pain"),
		"PainCreate": object([]string{"quote", "source", "severity", "frequency"}, painIn),
		"PainPatch":  object(nil, painIn),
		"Problem": object([]string{"type", "title", "status", "detail", "code"}, M{
			"type":       str("A URI naming the kind of problem"),
			"title":      str("The status's name"),
			"status":     integer("The HTTP status"),
			"detail":     str("What went wrong, in words for a person"),
			"code":       enum("A stable code", []string{sightline.ENOTFOUND, sightline.EINVALID, sightline.ECONFLICT, sightline.EFORBIDDEN, sightline.EUNAUTHORIZED, sightline.ETOOMANY, sightline.EUNAVAILABLE, sightline.EINTERNAL}),
			"instance":   str("The path called"),
			"request_id": str("Quote it to your administrator"),
			"errors": M{"type": "array", "description": "For bad input: each field and what is wrong with it", "items": object([]string{"field", "message"}, M{
				"field": str("The body's or query's field"), "message": str("What is wrong, in the pages' words"),
			})},
		}),
	}
}

// apiQueryParams are the lists' query parameters.
var apiQueryParams = map[string]M{
	"status":          {"name": "status", "in": "query", "schema": enum("", sightline.EpicStatuses)},
	"kind":            {"name": "kind", "in": "query", "schema": enum("", sightline.EpicKinds)},
	"initiative_id":   {"name": "initiative_id", "in": "query", "schema": M{"type": "integer"}},
	"owner_id":        {"name": "owner_id", "in": "query", "description": "Product or technical owner (a user id)", "schema": M{"type": "integer"}},
	"quarter":         {"name": "quarter", "in": "query", "description": "Target quarter, e.g. 2027-Q1", "schema": M{"type": "string"}},
	"limit":           {"name": "limit", "in": "query", "description": "Items a page (1–200, 50 by default)", "schema": M{"type": "integer", "minimum": 1, "maximum": apiMaxLimit}},
	"cursor":          {"name": "cursor", "in": "query", "description": "next_cursor of the previous page", "schema": M{"type": "string"}},
	"source":          {"name": "source", "in": "query", "schema": enum("", sightline.PainSources)},
	"segment":         {"name": "segment", "in": "query", "schema": M{"type": "string"}},
	"min_severity":    {"name": "min_severity", "in": "query", "schema": M{"type": "integer", "minimum": 1, "maximum": 5}},
	"firsthand":       {"name": "firsthand", "in": "query", "schema": M{"type": "string", "enum": []string{"yes", "no"}}},
	"decision_status": {"name": "status", "in": "query", "schema": M{"type": "string", "enum": []string{sightline.DecisionProposed, sightline.DecisionAccepted, sightline.DecisionRejected, sightline.DecisionSuperseded}}},
	"category":        {"name": "category", "in": "query", "description": "The NFR category", "schema": M{"type": "string", "enum": sightline.NFRCategories}},
	"concern_status":  {"name": "status", "in": "query", "schema": M{"type": "string", "enum": sightline.ConcernStatuses}},
	"item_id":         {"name": "item_id", "in": "query", "description": "Only decisions linked to this architecture item", "schema": M{"type": "integer"}},
	"revisit_due":     {"name": "revisit_due", "in": "query", "description": "Only decisions whose revisit date has come", "schema": M{"type": "string", "enum": []string{"true", "false"}}},
	"unlinked":        {"name": "unlinked", "in": "query", "description": "Only notes linked to no epic", "schema": M{"type": "string", "enum": []string{"true", "false"}}},
}

func problemResponse(desc string) M {
	return M{"description": desc, "content": M{"application/problem+json": M{"schema": ref("Problem")}}}
}

// openAPIDocument builds the document from the route table.
func (s *Server) openAPIDocument() M {
	paths := M{}
	ops := s.apiOperations()
	schemas := apiSchemas()
	maps.Copy(schemas, apiLinkSchemas())
	for _, k := range s.apiResources() {
		maps.Copy(schemas, k.apiSchemas())
	}
	for _, rt := range s.routes() {
		op, ok := ops[rt.method+" "+rt.pattern]
		if !ok {
			continue
		}
		params := []any{M{"name": "ws", "in": "path", "required": true, "description": "The workspace's address", "schema": M{"type": "string"}}}
		for _, seg := range strings.Split(rt.pattern, "/") {
			name, ok := strings.CutPrefix(seg, "{")
			if !ok || name == "ws}" {
				continue
			}
			name = strings.TrimSuffix(name, "}")
			schema := M{"type": "integer", "minimum": 1}
			switch name {
			case "targetType":
				schema = M{"type": "string", "enum": sightline.CommentTargets}
			case "linkType":
				schema = M{"type": "string", "enum": sightline.DecisionTargetTypes}
			}
			params = append(params, M{"name": name, "in": "path", "required": true, "schema": schema})
		}
		for _, q := range op.query {
			params = append(params, apiQueryParams[q])
		}
		if op.ifMatch {
			params = append(params, M{"name": "If-Match", "in": "header", "required": true,
				"description": "The ETag of the version read; a newer version answers 412", "schema": M{"type": "string"}})
		}
		ok200 := M{"description": http.StatusText(op.status)}
		if op.resp != "" {
			ok200["content"] = M{"application/json": M{"schema": ref(op.resp)}}
		} else if op.media != "" {
			ok200["content"] = M{op.media: M{"schema": M{"type": "string"}}}
		}
		if strings.HasPrefix(op.resp, "Epic") && op.resp != "EpicList" || op.resp == "Pain" {
			ok200["headers"] = M{"ETag": M{"description": "The version, for If-Match", "schema": M{"type": "string"}}}
		}
		responses := M{
			strconv.Itoa(op.status): ok200,
			"401":                   problemResponse("No token, or not a valid one"),
			"403":                   problemResponse("The role or the token's scope does not allow it"),
			"404":                   problemResponse("No such workspace for this token, or no such row"),
			"429":                   problemResponse("Too many calls with this token; see Retry-After"),
			"503":                   problemResponse("The database did not answer"),
		}
		if len(op.query) > 0 || op.body != "" {
			responses["422"] = problemResponse("Bad input: errors lists each field")
		}
		if op.body != "" {
			responses["409"] = problemResponse("A value already taken")
			responses["413"] = problemResponse("The body is too large")
			responses["415"] = problemResponse("The body is not JSON")
		}
		if op.ifMatch {
			responses["412"] = problemResponse("If-Match is not the current version: read it again")
			responses["428"] = problemResponse("If-Match is missing")
		}
		o := M{"operationId": op.id, "summary": op.summary, "tags": []string{op.tag}, "parameters": params, "responses": responses}
		if op.body != "" {
			o["requestBody"] = M{"required": true, "content": M{"application/json": M{"schema": ref(op.body)}}}
		}
		item, _ := paths[rt.pattern].(M)
		if item == nil {
			item = M{}
			paths[rt.pattern] = item
		}
		item[strings.ToLower(rt.method)] = o
	}
	return M{
		"openapi": "3.1.0",
		"info": M{
			"title":       "Sightline API",
			"version":     "1.0.0",
			"summary":     "Product strategy and architecture, side by side",
			"description": "Every call carries a personal access token (create one on your account page) as `Authorization: Bearer slt_…`. A token acts with its owner's current role in its workspace; a read token may only GET. Lists page by id: pass `next_cursor` as `?cursor=`. A change to a versioned row needs `If-Match` with the ETag read. Errors are RFC 9457 problem documents.",
			"license":     M{"name": "Proprietary", "identifier": "LicenseRef-Sightline"},
		},
		"servers":  []any{M{"url": "/", "description": "This Sightline"}},
		"security": []any{M{"bearer": []string{}}},
		"tags": []any{
			M{"name": "Workspace", "description": "The workspace as a whole"},
			M{"name": "Epics", "description": "Product and enabler epics: the unified backlog"},
			M{"name": "Customer pain", "description": "Customer-pain notes behind the epics"},
			M{"name": "Strategy", "description": "Goals, strategy shifts and the initiatives they prompt"},
			M{"name": "Architecture", "description": "The C4 model: systems, containers, components, external systems; and the quality concerns they must meet"},
			M{"name": "Roadmap", "description": "Releases, milestones and themes on the timeline"},
			M{"name": "Decisions", "description": "Architecture decision records and where each person stands"},
			M{"name": "Comments", "description": "Threads of comments on any item, with one level of replies"},
		},
		"paths": paths,
		"components": M{
			"schemas":         schemas,
			"securitySchemes": M{"bearer": M{"type": "http", "scheme": "bearer", "description": "A personal access token, slt_…"}},
		},
	}
}

var (
	openAPIOnce sync.Once
	openAPIJSON []byte
)

// handleOpenAPI serves the document (the same for every caller).
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	openAPIOnce.Do(func() {
		openAPIJSON, _ = json.MarshalIndent(s.openAPIDocument(), "", "  ")
	})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Content-Length", strconv.Itoa(len(openAPIJSON)))
	_, err := w.Write(openAPIJSON)
	return err
}
