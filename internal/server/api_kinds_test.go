package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sightline/sightline/internal/seed"
	"github.com/sightline/sightline/internal/server"
	"github.com/sightline/sightline/internal/sightline"
)

// TestAPIKinds takes each kind served by the generic handlers through its
// life: created (201, Location, ETag), read, listed a page at a time,
// changed with If-Match (only the fields named), refused when stale (412)
// and when bad (422, the field named as the API names it, in the page's
// words). Every response is validated against the OpenAPI document.
func TestAPIKinds(t *testing.T) {
	app := newTestApp(t, func(c *server.Config) { c.APIRatePerMinute = 1 << 20 })
	owner := app.api(app.newToken("owner@example.com", seed.DemoSlug, sightline.ScopeWrite))
	system := app.id(`SELECT min(id) FROM arch_items WHERE workspace_id = $1 AND kind = 'system'`, app.demoID())
	base := "/api/v1/w/" + seed.DemoSlug + "/"
	epic := app.id(`SELECT min(id) FROM epics WHERE workspace_id = $1`, app.demoID())
	unlinked := app.id(`SELECT min(id) FROM arch_items i WHERE workspace_id = $1 AND kind = 'container'
		AND NOT EXISTS (SELECT 1 FROM epic_arch_links l WHERE l.item_id = i.id AND l.epic_id = $2)`, app.demoID(), epic)
	other := app.id(`SELECT max(id) FROM arch_items WHERE workspace_id = $1 AND kind = 'external'`, app.demoID())
	deleteAndCheck := func(t *testing.T, loc string, version, del int) {
		t.Helper()
		if del == 0 {
			return
		}
		wantProblem(t, owner.call("DELETE", loc, nil, "If-Match", versionETag(version-1)), http.StatusPreconditionFailed, sightline.ECONFLICT)
		wantStatus(t, owner.call("DELETE", loc, nil, "If-Match", versionETag(version)), http.StatusNoContent)
		res := owner.call("GET", loc, nil)
		if del == 1 {
			wantProblem(t, res, http.StatusNotFound, sightline.ENOTFOUND)
		} else if c := decodeJSON[map[string]any](t, res); c["deleted_at"] == nil || c["body"] != "" {
			t.Errorf("a deleted comment: %v", c)
		}
	}
	for _, k := range []struct {
		path            string
		create, change  map[string]any
		changed         string // a field of change, read back
		bad             map[string]any
		badField, words string // the field refused and words of the page's message
		del             int    // deleted: 0 not by the API, 1 gone after (404), 2 a tombstone stays
	}{
		{fmt.Sprintf("epics/%d/impacts", epic), map[string]any{"category": "performance", "level": "high", "note": "Twice the load"},
			map[string]any{"level": "blocking"}, "level", map[string]any{"level": "huge"}, "level", "", 1},
		{fmt.Sprintf("epics/%d/links", epic), map[string]any{"item_id": unlinked, "change_kind": "change", "note": "New endpoint"},
			map[string]any{"note": "Two new endpoints"}, "note", map[string]any{"change_kind": "explode"}, "change_kind", "", 1},
		{fmt.Sprintf("items/epic/%d/comments", epic), map[string]any{"body": "Does this need the new index?"},
			map[string]any{"body": "Does this need the new GIN index?"}, "body", map[string]any{"body": ""}, "body", "", 2},
		{fmt.Sprintf("architecture-items/%d/relations", system), map[string]any{"target_id": other, "label": "reads from", "technology": "SQL"},
			nil, "", nil, "", "", 1},
		{"goals", map[string]any{"title": "Grow team accounts", "metric": "Team accounts", "unit": "", "baseline": 10, "target": 50, "current": 12, "due_on": "2027-06-30"},
			map[string]any{"current": 20.5}, "current", map[string]any{"target": "lots"}, "target", "", 0},
		{"initiatives", map[string]any{"title": "Team onboarding", "description": "Invite flows", "driver": "growth", "horizon": "now"},
			map[string]any{"horizon": "next"}, "horizon", map[string]any{"driver": "fame"}, "driver", "", 0},
		{"shifts", map[string]any{"title": "Retention first", "narrative": "Churn rose in Q3.", "from_phase": "growth", "to_phase": "retention", "shifted_on": "2026-11-01"},
			map[string]any{"title": "Retention, first of all"}, "title", map[string]any{"shifted_on": "yesterday"}, "shifted_on", "", 0},
		{"architecture-items", map[string]any{"kind": "container", "name": "Search service", "health": "healthy", "technology": "Go", "parent_id": system},
			map[string]any{"health": "strained"}, "health", map[string]any{"kind": "planet"}, "kind", "", 0},
		{"concerns", map[string]any{"category": "performance", "title": "Search p99", "stimulus": "A user searches", "response": "Results shown", "measure": "p99 latency", "target": "300 ms", "status": "open"},
			map[string]any{"current": "250 ms"}, "current", map[string]any{"status": "whatever"}, "status", "", 0},
		{"roadmap-items", map[string]any{"kind": "release", "title": "R1", "starts_on": "2027-01-01", "ends_on": "2027-03-31", "confidence": "planned"},
			map[string]any{"confidence": "committed"}, "confidence", map[string]any{"ends_on": "2026-01-01"}, "ends_on", "", 0},
		{"decisions", map[string]any{"title": "Search in PostgreSQL", "context": "We need search without a new service."},
			map[string]any{"status": "accepted"}, "status", map[string]any{"decided_by_id": 999999}, "decided_by_id", "", 0},
	} {
		t.Run(k.path, func(t *testing.T) {
			res := owner.call("POST", base+k.path, k.create)
			wantStatus(t, res, http.StatusCreated)
			row := decodeJSON[map[string]any](t, res)
			id := int64(row["id"].(float64))
			loc := res.Header.Get("Location")
			if loc != fmt.Sprintf("%s%s/%d", base, k.path, id) || res.Header.Get("ETag") != `"1"` {
				t.Errorf("Location %q, ETag %q", loc, res.Header.Get("ETag"))
			}
			for f, v := range k.create {
				if fmt.Sprint(row[f]) != fmt.Sprint(v) {
					t.Errorf("%s: %v, sent %v", f, row[f], v)
				}
			}
			if u, _ := row["url"].(string); !strings.HasPrefix(u, "/w/demo/") || app.client().get(u).StatusCode == http.StatusNotFound {
				t.Errorf("url %q", u)
			}

			got := decodeJSON[map[string]any](t, owner.call("GET", loc, nil))
			if got["id"] != row["id"] || got["version"] != float64(1) {
				t.Errorf("read back %v", got)
			}

			// Listed, one a page, until the new row.
			found, pages := false, 0
			for next := base + k.path + "?limit=1"; next != "" && pages < 50; pages++ {
				l := decodeJSON[struct {
					Items      []map[string]any `json:"items"`
					NextCursor *string          `json:"next_cursor"`
				}](t, owner.call("GET", next, nil))
				if len(l.Items) > 1 {
					t.Fatalf("%d items on a page of 1", len(l.Items))
				}
				for _, it := range l.Items {
					found = found || it["id"] == row["id"]
				}
				next = ""
				if l.NextCursor != nil {
					next = base + k.path + "?limit=1&cursor=" + *l.NextCursor
				}
			}
			if !found {
				t.Errorf("not listed in %d pages", pages)
			}

			if k.change == nil {
				// No change here: the page has none either.
				deleteAndCheck(t, loc, 1, k.del)
				return
			}
			res = owner.call("PATCH", loc, k.change, "If-Match", `"1"`)
			wantStatus(t, res, http.StatusOK)
			changed := decodeJSON[map[string]any](t, res)
			if fmt.Sprint(changed[k.changed]) != fmt.Sprint(k.change[k.changed]) || changed["version"] != float64(2) {
				t.Errorf("changed: %s = %v, version %v", k.changed, changed[k.changed], changed["version"])
			}
			for f, v := range k.create {
				if _, named := k.change[f]; !named && fmt.Sprint(changed[f]) != fmt.Sprint(v) {
					t.Errorf("%s not named in the change, yet %v → %v", f, v, changed[f])
				}
			}
			wantProblem(t, owner.call("PATCH", loc, k.change, "If-Match", `"1"`), http.StatusPreconditionFailed, sightline.ECONFLICT)
			wantProblem(t, owner.call("PATCH", loc, k.change), http.StatusPreconditionRequired, sightline.EINVALID)

			p := wantProblem(t, owner.call("PATCH", loc, k.bad, "If-Match", `"2"`), http.StatusUnprocessableEntity, sightline.EINVALID)
			if msg := p.fieldMessage(k.badField); msg == "" || !strings.Contains(msg, k.words) {
				t.Errorf("bad %s: %+v", k.badField, p.Errors)
			}
			p = wantProblem(t, owner.call("POST", base+k.path, map[string]any{"nonsense": 1}), http.StatusUnprocessableEntity, sightline.EINVALID)
			if p.fieldMessage("nonsense") == "" {
				t.Errorf("an unknown field: %+v", p.Errors)
			}
			if after := decodeJSON[map[string]any](t, owner.call("GET", loc, nil)); after["version"] != float64(2) {
				t.Errorf("a refused change was saved: version %v", after["version"])
			}
			deleteAndCheck(t, loc, 2, k.del)
		})
	}

	// The same words as the page: a roadmap item ending before it starts.
	page := app.signIn("owner@example.com").post("/w/demo/roadmap", url.Values{"kind": {"release"}, "title": {"R2"},
		"starts_on": {"2027-04-01"}, "ends_on": {"2027-01-01"}, "confidence": {"planned"}})
	wantStatus(t, page, http.StatusUnprocessableEntity)
	pageMsg := fieldMessageOf(page.doc(t), "ends_on")
	p := wantProblem(t, owner.call("POST", base+"roadmap-items", map[string]any{"kind": "release", "title": "R2",
		"starts_on": "2027-04-01", "ends_on": "2027-01-01", "confidence": "planned"}), http.StatusUnprocessableEntity, sightline.EINVALID)
	if apiMsg := p.fieldMessage("ends_on"); pageMsg == "" || !strings.Contains(pageMsg, apiMsg) {
		t.Errorf("the page says %q, the API %q", pageMsg, apiMsg)
	}

	// Accepting a decision through the API records who and when, as the page does.
	var decided struct {
		Status      string `json:"status"`
		DecidedByID *int64 `json:"decided_by_id"`
		DecidedOn   *string
	}
	list := decodeJSON[struct {
		Items []map[string]any `json:"items"`
	}](t, owner.call("GET", base+"decisions?limit=200", nil))
	for _, d := range list.Items {
		if d["title"] == "Search in PostgreSQL" {
			decided.Status, _ = d["status"].(string)
			if v, ok := d["decided_by_id"].(float64); ok {
				n := int64(v)
				decided.DecidedByID = &n
			}
		}
	}
	if decided.Status != "accepted" || decided.DecidedByID == nil || *decided.DecidedByID != mustUser(t, app, "owner@example.com").ID {
		t.Errorf("accepted through the API: %+v", decided)
	}
}
