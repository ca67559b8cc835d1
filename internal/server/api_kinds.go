package server

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web/ui"
)

// apiKind serves one kind of row through the API with the pages' own
// checks: a body is read into the fields of the page's form (a change
// starts from the row as saved, so a body names only what it changes),
// then goes through the same draft, domain checks and store method as the
// form does, and a refusal answers in the same words, field by field.
type apiKind[T any] struct {
	path        string // the URL's segment, "goals", "roadmap-items"
	name, names string // for operations and schemas: "Goal", "Goals"
	tag         string // the reference's group
	param       string // the row's path parameter, "goalID"
	summary     string // what a row is, for the reference: "business goal"
	// fields are what a body may name, the JSON names (createOnly: only
	// when creating); form maps a JSON name to the page form's field where
	// they differ.
	fields, createOnly, required []string
	form                         map[string]string
	view, add, edit              sightline.Action
	drop                         sightline.Action // for remove; edit if unset
	list                         func(r *http.Request) ([]T, error)
	// listAfter, where set, reads one page in the database instead (up to
	// limit rows above the id after), with the kind's query filters.
	listAfter func(r *http.Request, after int64, limit int) ([]T, error)
	query     []string // the list's filters, from apiQueryParams
	// byID reads a row of the workspace; get, where set, reads it from the
	// request instead (a row under another, e.g. an epic's impact).
	byID   func(ctx context.Context, wsID, id int64) (*T, error)
	get    func(r *http.Request, id int64) (*T, error)
	remove func(r *http.Request, cur *T, version int) error
	create func(r *http.Request, f ui.Form, p sightline.Problems) (*T, error)
	update func(r *http.Request, cur *T, version int, f ui.Form, p sightline.Problems) (*T, error)
	page   func(slug string, row *T) string
}

// apiResource is what the route table and the OpenAPI document read of a
// kind.
type apiResource interface {
	apiRoutes() []route
	apiOps() map[string]apiOp
	apiSchemas() M
}

func (k apiKind[T]) base() string { return apiPrefix + "/w/{ws}/" + k.path }

func (k apiKind[T]) apiRoutes() []route {
	rs := []route{
		{"GET", k.base(), API(k.view), k.handleList},
		{"GET", k.base() + "/{" + k.param + "}", API(k.view), k.handleGet},
	}
	if k.create != nil {
		rs = append(rs, route{"POST", k.base(), API(k.add), k.handleCreate})
	}
	if k.update != nil {
		rs = append(rs, route{"PATCH", k.base() + "/{" + k.param + "}", API(k.edit), k.handleUpdate})
	}
	if k.remove != nil {
		rs = append(rs, route{"DELETE", k.base() + "/{" + k.param + "}", API(cmp.Or(k.drop, k.edit)), k.handleDelete})
	}
	return rs
}

func (k apiKind[T]) apiOps() map[string]apiOp {
	name := k.name
	ops := map[string]apiOp{
		"GET " + k.base(): {id: "list" + k.names, tag: k.tag, summary: "List " + k.summary + "s, by id",
			query: append(slices.Clip(k.query), "limit", "cursor"), resp: name + "List", status: 200},
		"GET " + k.base() + "/{" + k.param + "}": {id: "get" + name, tag: k.tag, summary: "Read " + article(k.summary),
			resp: name, status: 200},
	}
	if k.create != nil {
		ops["POST "+k.base()] = apiOp{id: "create" + name, tag: k.tag, summary: "Create " + article(k.summary) + " (the page's rules)",
			body: name + "Create", resp: name, status: 201}
	}
	if k.update != nil {
		ops["PATCH "+k.base()+"/{"+k.param+"}"] = apiOp{id: "update" + name, tag: k.tag, summary: "Change " + article(k.summary) + "'s fields (those named)",
			body: name + "Patch", resp: name, status: 200, ifMatch: true}
	}
	if k.remove != nil {
		ops["DELETE "+k.base()+"/{"+k.param+"}"] = apiOp{id: "delete" + name, tag: k.tag, summary: "Remove " + article(k.summary),
			status: 204, ifMatch: true}
	}
	return ops
}

func article(s string) string {
	if strings.ContainsRune("aeiou", unicode.ToLower(rune(s[0]))) {
		return "an " + s
	}
	return "a " + s
}

func (k apiKind[T]) apiSchemas() M {
	name := k.name
	row := apiSchemaOf(reflect.TypeFor[T](), false)
	props := row["properties"].(M)
	props["url"] = str("Its page")
	row["required"] = slices.Sorted(func(yield func(string) bool) {
		for p := range props {
			if !yield(p) {
				return
			}
		}
	})
	bodyOf := func(fields []string) M {
		body := M{}
		for _, f := range fields {
			if p, ok := props[f].(M); ok {
				body[f] = nullable(p)
			} else {
				body[f] = M{"type": []string{"string", "number", "boolean", "null"}}
			}
		}
		return body
	}
	out := M{name: row, name + "List": M{"type": "object", "required": []string{"items", "next_cursor"}, "additionalProperties": false,
		"properties": M{"items": M{"type": "array", "items": ref(name)}, "next_cursor": strOrNull("Pass as ?cursor= for the next page; null on the last")}}}
	if k.create != nil {
		out[name+"Create"] = object(k.required, bodyOf(append(slices.Clip(k.fields), k.createOnly...)))
	}
	if k.update != nil {
		out[name+"Patch"] = object(nil, bodyOf(k.fields))
	}
	return out
}

// nullable lets a body send null for a field: it clears it (an empty
// field of the form).
func nullable(p M) M {
	c := M{}
	for k, v := range p {
		c[k] = v
	}
	switch t := c["type"].(type) {
	case string:
		c["type"] = []string{t, "null"}
		if e, ok := c["enum"].([]string); ok {
			c["enum"] = append(anySlice(e), nil)
		}
	case nil:
		return M{"oneOf": []any{p, M{"type": "null"}}}
	}
	return c
}

// show is a row as the API shows it.
func (k apiKind[T]) show(slug string, row *T) M {
	m := apiEncode(row).(M)
	m["url"] = k.page(slug, row)
	return m
}

func (k apiKind[T]) write(w http.ResponseWriter, r *http.Request, status int, row *T) error {
	m := k.show(wsSlug(r), row)
	if v, ok := m["version"].(int64); ok {
		w.Header().Set("ETag", versionTag(int(v)))
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", k.filled(r)+"/"+strconv.FormatInt(m["id"].(int64), 10))
	}
	return writeJSON(w, status, m)
}

func rowID[T any](row *T) int64 {
	return reflect.ValueOf(row).Elem().FieldByName("ID").Int()
}

func (k apiKind[T]) handleList(w http.ResponseWriter, r *http.Request) error {
	after, limit, err := apiPage(r)
	if err != nil {
		return err
	}
	slug := wsSlug(r)
	if k.listAfter != nil {
		rows, err := k.listAfter(r, after, limit+1)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, pageOf(w, r, rows, limit, rowID[T], func(row *T) M { return k.show(slug, row) }))
	}
	rows, err := k.list(r)
	if err != nil {
		return err
	}
	// The kinds listed so are bounded (goals, initiatives, shifts, the
	// architecture, concerns, the roadmap, decisions): read whole, paged
	// by id.
	type keyed struct {
		id  int64
		row *T
	}
	keys := make([]keyed, len(rows))
	for i := range rows {
		keys[i] = keyed{rowID(&rows[i]), &rows[i]}
	}
	slices.SortFunc(keys, func(a, b keyed) int { return cmp.Compare(a.id, b.id) })
	start, _ := slices.BinarySearchFunc(keys, after+1, func(k keyed, id int64) int { return cmp.Compare(k.id, id) })
	page := make([]T, 0, min(len(keys)-start, limit+1))
	for _, k := range keys[start:min(len(keys), start+limit+1)] {
		page = append(page, *k.row)
	}
	rows = page
	return writeJSON(w, http.StatusOK, pageOf(w, r, rows, limit, rowID[T], func(row *T) M { return k.show(slug, row) }))
}

// filled is the kind's address with the request's path parameters.
func (k apiKind[T]) filled(r *http.Request) string {
	out := k.base()
	for {
		i := strings.IndexByte(out, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(out[i:], '}') + i
		name := out[i+1 : j]
		v := chi.URLParam(r, name)
		out = out[:i] + v + out[j+1:]
	}
}

// load reads the row of the URL; another workspace's, or none, is not found.
func (k apiKind[T]) load(r *http.Request) (*T, error) {
	id, err := pathID(r, k.param)
	if err != nil {
		return nil, err
	}
	if k.get != nil {
		return pageNotFound(k.get(r, id))
	}
	return pageNotFound(k.byID(r.Context(), state(r).workspace.ID, id))
}

func (k apiKind[T]) handleDelete(w http.ResponseWriter, r *http.Request) error {
	cur, err := k.load(r)
	if err != nil {
		return err
	}
	version, err := ifMatchVersion(r)
	if err != nil {
		return err
	}
	if err := k.remove(r, cur, version); err != nil {
		return stale(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (k apiKind[T]) handleGet(w http.ResponseWriter, r *http.Request) error {
	row, err := k.load(r)
	if err != nil {
		return err
	}
	return k.write(w, r, http.StatusOK, row)
}

func (k apiKind[T]) handleCreate(w http.ResponseWriter, r *http.Request) error {
	fields := append(slices.Clip(k.fields), k.createOnly...)
	b, err := readAPIBody(w, r, fields...)
	if err != nil {
		return err
	}
	f, p := k.bodyForm(b, fields, nil)
	row, err := k.create(r, f, p)
	if err != nil {
		return k.apiFieldErrors(err)
	}
	return k.write(w, r, http.StatusCreated, row)
}

func (k apiKind[T]) handleUpdate(w http.ResponseWriter, r *http.Request) error {
	cur, err := k.load(r)
	if err != nil {
		return err
	}
	version, err := ifMatchVersion(r)
	if err != nil {
		return err
	}
	b, err := readAPIBody(w, r, k.fields...)
	if err != nil {
		return err
	}
	f, p := k.bodyForm(b, k.fields, apiEncode(cur).(M))
	row, err := k.update(r, cur, version, f, p)
	if err != nil {
		return stale(k.apiFieldErrors(err))
	}
	return k.write(w, r, http.StatusOK, row)
}

// bodyForm is the page form a body fills: each field the body names, as
// text; the others as saved (cur), or empty for a new row. A value of a
// type no field takes is a problem of its field.
func (k apiKind[T]) bodyForm(b apiBody, fields []string, cur M) (ui.Form, sightline.Problems) {
	f, p := ui.NewForm(), sightline.Problems{}
	for _, name := range fields {
		field := name
		if alias, ok := k.form[name]; ok {
			field = alias
		}
		var v string
		if raw, ok := b[name]; ok {
			var x any
			d := json.NewDecoder(bytes.NewReader(raw))
			d.UseNumber()
			_ = d.Decode(&x) // the body parsed as a whole already
			text, ok := formText(x)
			if !ok {
				p.Add(field, "Send a string, a number, true, false or null.")
			}
			v = strings.TrimSpace(text)
		} else if cur != nil {
			v, _ = formText(cur[name])
		}
		f.Values[field] = v
		if msg := fieldProblem(field, v); msg != "" {
			p.Add(field, msg)
		}
	}
	return f, p
}

// formText is a JSON value as a form field holds it.
func formText(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", true
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case int:
		return strconv.Itoa(x), true
	}
	return "", false
}

// apiFieldErrors renames the form's fields in a refusal to the API's.
func (k apiKind[T]) apiFieldErrors(err error) error {
	if len(k.form) == 0 || sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	fields := sightline.FieldErrors(err)
	if len(fields) == 0 {
		return err
	}
	p := sightline.Problems{}
	for f, msg := range fields {
		for api, form := range k.form {
			if form == f {
				f = api
			}
		}
		p.Add(f, msg)
	}
	return p.Err()
}
