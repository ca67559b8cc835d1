package server

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/sightline/sightline/internal/sightline"
)

// The API shows the domain's rows as they are: a row's JSON object and its
// schema in the OpenAPI document are both derived from the domain type, so
// they cannot disagree (the contract tests validate every response against
// the schema all the same). Field names are the Go names in snake case
// (PMOwnerID → pm_owner_id); a time.Time whose name ends in "On" is a
// date (2027-01-31), any other a timestamp; a pointer may be null; named
// string types with a known set of values are enums. WorkspaceID is left
// out: the URL names the workspace.

type apiField struct {
	index []int
	name  string
	date  bool
}

var apiPlans sync.Map // reflect.Type → []apiField

func apiFieldsOf(t reflect.Type) []apiField {
	if plan, ok := apiPlans.Load(t); ok {
		return plan.([]apiField)
	}
	var out []apiField
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			idx := append(append([]int(nil), prefix...), i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type, idx)
				continue
			}
			if !f.IsExported() || f.Name == "WorkspaceID" || f.Type.Kind() == reflect.Func {
				continue
			}
			out = append(out, apiField{index: idx, name: snakeCase(f.Name), date: strings.HasSuffix(f.Name, "On")})
		}
	}
	walk(t, nil)
	apiPlans.Store(t, out)
	return out
}

// snakeCase turns a Go name into the API's: PMOwnerID → pm_owner_id,
// TechDebt → tech_debt, URL → url.
func snakeCase(name string) string {
	rs := []rune(name)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 {
			prevLower := unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || (unicode.IsUpper(rs[i-1]) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// apiEncode is v as the API shows it: structs as objects, nil slices as
// empty arrays, dates as 2006-01-02.
func apiEncode(v any) any { return apiValue(reflect.ValueOf(v), false, 0) }

// apiRefs are the types shown inside another row as a reference (their
// row is read at its own address): these fields only.
var apiRefs = map[reflect.Type][]string{
	reflect.TypeFor[sightline.ArchItem](): {"id", "kind", "name"},
}

// fieldsAt are the fields of t shown at a depth (0: the row itself).
func fieldsAt(t reflect.Type, depth int) []apiField {
	all := apiFieldsOf(t)
	keep, ok := apiRefs[t]
	if depth == 0 || !ok {
		return all
	}
	var out []apiField
	for _, f := range all {
		if slices.Contains(keep, f.name) {
			out = append(out, f)
		}
	}
	return out
}

var timeType = reflect.TypeFor[time.Time]()

func apiValue(v reflect.Value, date bool, depth int) any {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return apiValue(v.Elem(), date, depth)
	case reflect.Struct:
		if v.Type() == timeType {
			t := v.Interface().(time.Time)
			if date {
				return t.Format(time.DateOnly)
			}
			return t
		}
		m := M{}
		for _, f := range fieldsAt(v.Type(), depth) {
			m[f.name] = apiValue(v.FieldByIndex(f.index), f.date, depth+1)
		}
		return m
	case reflect.Slice:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = apiValue(v.Index(i), date, depth)
		}
		return out
	case reflect.String:
		return v.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.Bool:
		return v.Bool()
	}
	return v.Interface()
}

// apiEnums are the value sets of the domain's named string types.
var apiEnums = map[reflect.Type][]string{
	reflect.TypeFor[sightline.Phase]():      strs(sightline.Phases),
	reflect.TypeFor[sightline.Horizon]():    strs(sightline.Horizons),
	reflect.TypeFor[sightline.ItemKind]():   strs(sightline.ItemKinds),
	reflect.TypeFor[sightline.Health]():     strs(sightline.Healths),
	reflect.TypeFor[sightline.EpicKind]():   strs(sightline.EpicKinds),
	reflect.TypeFor[sightline.EpicStatus](): strs(sightline.EpicStatuses),
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// apiSchemaOf is the JSON Schema of what apiEncode makes of a t.
func apiSchemaOf(t reflect.Type, date bool) M { return apiSchemaAt(t, date, 0) }

func apiSchemaAt(t reflect.Type, date bool, depth int) M {
	switch t.Kind() {
	case reflect.Pointer:
		s := apiSchemaAt(t.Elem(), date, depth)
		if typ, ok := s["type"].(string); ok {
			s["type"] = []string{typ, "null"}
			if e, ok := s["enum"].([]string); ok {
				s["enum"] = append(append([]any{}, anySlice(e)...), nil)
			}
			return s
		}
		return M{"oneOf": []any{s, M{"type": "null"}}}
	case reflect.Struct:
		if t == timeType {
			if date {
				return M{"type": "string", "format": "date"}
			}
			return M{"type": "string", "format": "date-time"}
		}
		props := M{}
		var names []string
		for _, f := range fieldsAt(t, depth) {
			props[f.name] = apiSchemaAt(t.FieldByIndex(f.index).Type, f.date, depth+1)
			names = append(names, f.name)
		}
		return object(names, props)
	case reflect.Slice:
		return M{"type": "array", "items": apiSchemaAt(t.Elem(), date, depth)}
	case reflect.String:
		if e, ok := apiEnums[t]; ok {
			return M{"type": "string", "enum": e}
		}
		return M{"type": "string"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return M{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return M{"type": "number"}
	case reflect.Bool:
		return M{"type": "boolean"}
	}
	return M{}
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
