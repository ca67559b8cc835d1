package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
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

	// The decision log's filters, paged in the database.
	accepted := decodeJSON[struct {
		Items []map[string]any `json:"items"`
	}](t, owner.call("GET", base+"decisions?status=accepted&limit=200", nil))
	if len(accepted.Items) == 0 {
		t.Error("no accepted decision listed")
	}
	for _, d := range accepted.Items {
		if d["status"] != "accepted" {
			t.Errorf("?status=accepted lists a %v decision", d["status"])
		}
	}
	p0 := wantProblem(t, owner.call("GET", base+"decisions?status=maybe&revisit_due=perhaps", nil), http.StatusUnprocessableEntity, sightline.EINVALID)
	if p0.fieldMessage("status") == "" || p0.fieldMessage("revisit_due") == "" {
		t.Errorf("bad filters: %+v", p0.Errors)
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

// TestAPILinks: links are idempotent and checked against the workspace;
// a stance is version-locked from its first ("0"); an acknowledgement is
// recorded once.
func TestAPILinks(t *testing.T) {
	app := newTestApp(t)
	ws := app.demoID()
	pm := app.api(app.newToken("pm@example.com", seed.DemoSlug, sightline.ScopeWrite))
	arch := app.api(app.newToken("architect@example.com", seed.DemoSlug, sightline.ScopeWrite))
	base := "/api/v1/w/demo/"
	epic := app.id(`SELECT min(id) FROM epics WHERE workspace_id = $1`, ws)
	pain := app.id(`SELECT min(p.id) FROM pain_notes p WHERE workspace_id = $1 AND NOT EXISTS (SELECT 1 FROM epic_pains l WHERE l.pain_id = p.id AND l.epic_id = $2)`, ws, epic)
	count := func(q string, args ...any) int64 { return app.id(q, args...) }
	painsOf := func() int64 { return count(`SELECT count(*) FROM epic_pains WHERE epic_id = $1`, epic) }

	before := painsOf()
	for range 2 {
		wantStatus(t, pm.call("POST", fmt.Sprintf("%sepics/%d/pains", base, epic), map[string]any{"pain_id": pain}), http.StatusNoContent)
	}
	if painsOf() != before+1 {
		t.Errorf("linked twice: %d links, want %d", painsOf(), before+1)
	}
	other, _ := app.otherWorkspace("globex", "Globex", "ceo@globex.example", "Gail")
	foreignPain := app.id(`INSERT INTO pain_notes (workspace_id, quote, source, severity, frequency, firsthand, heard_on) VALUES ($1, 'x', 'interview', 3, 'daily', true, current_date) RETURNING id`, other.ID)
	p := wantProblem(t, pm.call("POST", fmt.Sprintf("%sepics/%d/pains", base, epic), map[string]any{"pain_id": foreignPain}), http.StatusUnprocessableEntity, sightline.EINVALID)
	if p.fieldMessage("pain_id") == "" {
		t.Errorf("another workspace's pain: %+v", p)
	}
	wantStatus(t, pm.call("DELETE", fmt.Sprintf("%sepics/%d/pains/%d", base, epic, pain), nil), http.StatusNoContent)
	if painsOf() != before {
		t.Errorf("unlinked: %d links, want %d", painsOf(), before)
	}

	item := app.id(`SELECT min(id) FROM roadmap_items WHERE workspace_id = $1`, ws)
	wantStatus(t, pm.call("POST", fmt.Sprintf("%sroadmap-items/%d/epics", base, item), map[string]any{"epic_id": epic}), http.StatusNoContent)
	if n := count(`SELECT count(*) FROM epic_roadmap_items WHERE epic_id = $1 AND roadmap_item_id = $2`, epic, item); n != 1 {
		t.Errorf("roadmap link: %d", n)
	}
	wantStatus(t, pm.call("DELETE", fmt.Sprintf("%sroadmap-items/%d/epics/%d", base, item, epic), nil), http.StatusNoContent)

	decision := app.id(`SELECT min(id) FROM decisions WHERE workspace_id = $1 AND status = 'proposed'`, ws)
	wantStatus(t, arch.call("POST", fmt.Sprintf("%sdecisions/%d/links", base, decision), map[string]any{"target_type": "epic", "target_id": epic}), http.StatusNoContent)
	if n := count(`SELECT count(*) FROM decision_epics WHERE decision_id = $1 AND epic_id = $2`, decision, epic); n != 1 {
		t.Errorf("decision link: %d", n)
	}
	wantProblem(t, arch.call("POST", fmt.Sprintf("%sdecisions/%d/links", base, decision), map[string]any{"target_type": "planet", "target_id": 1}), http.StatusUnprocessableEntity, sightline.EINVALID)
	wantStatus(t, arch.call("DELETE", fmt.Sprintf("%sdecisions/%d/links/epic/%d", base, decision, epic), nil), http.StatusNoContent)

	// A stance: first with "0", then with its version; an objection needs a reason.
	stance := fmt.Sprintf("%sdecisions/%d/stance", base, decision)
	app.exec(`DELETE FROM decision_stances WHERE decision_id = $1`, decision)
	p = wantProblem(t, pm.call("PUT", stance, map[string]any{"stance": "object"}, "If-Match", `"0"`), http.StatusUnprocessableEntity, sightline.EINVALID)
	if p.fieldMessage("reason") == "" {
		t.Errorf("an objection without a reason: %+v", p)
	}
	res := pm.call("PUT", stance, map[string]any{"stance": "object", "reason": "p99 over 300 ms under the new load"}, "If-Match", `"0"`)
	wantStatus(t, res, http.StatusOK)
	if res.Header.Get("ETag") != `"1"` {
		t.Errorf("stance ETag %q", res.Header.Get("ETag"))
	}
	wantProblem(t, pm.call("PUT", stance, map[string]any{"stance": "agree"}, "If-Match", `"0"`), http.StatusPreconditionFailed, sightline.ECONFLICT)
	wantStatus(t, pm.call("PUT", stance, map[string]any{"stance": "disagree_and_commit", "reason": "Measured: fine"}, "If-Match", `"1"`), http.StatusOK)
	list := decodeJSON[struct {
		Items []struct {
			Stance, Reason string
			UserID         int64 `json:"user_id"`
		} `json:"items"`
	}](t, pm.call("GET", fmt.Sprintf("%sdecisions/%d/stances", base, decision), nil))
	if len(list.Items) != 1 || list.Items[0].Stance != "disagree_and_commit" || list.Items[0].UserID != mustUser(t, app, "pm@example.com").ID {
		t.Errorf("stances: %+v", list.Items)
	}

	// An architect acknowledges a shift once.
	shift := app.id(`SELECT max(s.id) FROM strategy_shifts s WHERE workspace_id = $1 AND NOT EXISTS (
		SELECT 1 FROM shift_acknowledgements a JOIN users u ON u.id = a.user_id WHERE a.shift_id = s.id AND u.email = 'architect@example.com')`, ws)
	ack := fmt.Sprintf("%sshifts/%d/acknowledgements", base, shift)
	res = arch.call("POST", ack, map[string]any{"assessment": "Billing must scale to team seats."})
	wantStatus(t, res, http.StatusCreated)
	sh := decodeJSON[struct {
		Acks []struct{ Assessment string } `json:"acks"`
	}](t, res)
	if !slices.ContainsFunc(sh.Acks, func(a struct{ Assessment string }) bool { return a.Assessment == "Billing must scale to team seats." }) {
		t.Errorf("acks: %+v", sh.Acks)
	}
	wantProblem(t, arch.call("POST", ack, map[string]any{"assessment": "Again"}), http.StatusConflict, sightline.ECONFLICT)

	// A concern applies to an item, then no longer; the register filters.
	concern := app.id(`SELECT min(id) FROM nfr_concerns WHERE workspace_id = $1`, ws)
	item2 := app.id(`SELECT max(i.id) FROM arch_items i WHERE workspace_id = $1 AND NOT EXISTS (SELECT 1 FROM concern_items c WHERE c.item_id = i.id AND c.concern_id = $2)`, ws, concern)
	attached := func() int64 {
		return count(`SELECT count(*) FROM concern_items WHERE concern_id = $1 AND item_id = $2`, concern, item2)
	}
	wantStatus(t, arch.call("POST", fmt.Sprintf("%sconcerns/%d/items", base, concern), map[string]any{"item_id": item2}), http.StatusNoContent)
	if attached() != 1 {
		t.Error("not attached")
	}
	wantStatus(t, arch.call("DELETE", fmt.Sprintf("%sconcerns/%d/items/%d", base, concern, item2), nil), http.StatusNoContent)
	if attached() != 0 {
		t.Error("not detached")
	}
	perf := decodeJSON[struct {
		Items []struct{ Category string } `json:"items"`
	}](t, arch.call("GET", base+"concerns?category=performance&limit=200", nil))
	for _, c := range perf.Items {
		if c.Category != "performance" {
			t.Errorf("?category=performance lists %s", c.Category)
		}
	}
	wantProblem(t, arch.call("GET", base+"concerns?status=great", nil), http.StatusUnprocessableEntity, sightline.EINVALID)

	// A thread resolved and reopened.
	comment := app.id(`INSERT INTO comments (workspace_id, item_type, item_id, body, author_id) VALUES ($1, 'epic', $2, 'Open question', (SELECT id FROM users WHERE email = 'pm@example.com')) RETURNING id`, ws, epic)
	resolve := fmt.Sprintf("%sitems/epic/%d/comments/%d/resolve", base, epic, comment)
	if c := decodeJSON[map[string]any](t, pm.call("POST", resolve, map[string]any{"resolved": true})); c["resolved_at"] == nil {
		t.Errorf("not resolved: %v", c)
	}
	if c := decodeJSON[map[string]any](t, pm.call("POST", resolve, map[string]any{"resolved": false})); c["resolved_at"] != nil {
		t.Errorf("not reopened: %v", c)
	}
	wantProblem(t, pm.call("POST", fmt.Sprintf("%sitems/pain/%d/comments/%d/resolve", base, pain, comment), map[string]any{"resolved": true}), http.StatusNotFound, sightline.ENOTFOUND)

	// The feasibility check-in: an architect records it done; waiving needs a reason.
	fe := app.id(`SELECT min(id) FROM epics WHERE workspace_id = $1 AND feasibility = 'requested'`, ws)
	ver := decodeJSON[map[string]any](t, arch.call("GET", fmt.Sprintf("%sepics/%d", base, fe), nil))["version"].(float64)
	feas := fmt.Sprintf("%sepics/%d/feasibility", base, fe)
	p = wantProblem(t, pm.call("POST", feas, map[string]any{"outcome": "waived"}, "If-Match", versionETag(int(ver))), http.StatusUnprocessableEntity, sightline.EINVALID)
	if p.fieldMessage("note") == "" {
		t.Errorf("a waiver without a reason: %+v", p)
	}
	wantProblem(t, pm.call("POST", feas, map[string]any{"outcome": "done", "note": "x"}, "If-Match", versionETag(int(ver))), http.StatusForbidden, sightline.EFORBIDDEN)
	res = arch.call("POST", feas, map[string]any{"outcome": "done", "note": "Checked against the billing service's load."}, "If-Match", versionETag(int(ver)))
	wantStatus(t, res, http.StatusOK)
	if e := decodeJSON[map[string]any](t, res); e["feasibility"] != "done" {
		t.Errorf("feasibility %v", e["feasibility"])
	}

	// An initiative confirmed after a later shift.
	in := app.id(`SELECT min(id) FROM initiatives WHERE workspace_id = $1`, ws)
	wantStatus(t, pm.call("POST", fmt.Sprintf("%sinitiatives/%d/revalidate", base, in), map[string]any{}), http.StatusOK)
}
