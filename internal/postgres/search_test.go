package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sightline/sightline/internal/sightline"
)

func search(t *testing.T, fx epicFixture, wsID int64, text, kind string) ([]sightline.SearchHit, map[string]int) {
	t.Helper()
	q, p := sightline.ParseSearch(text)
	if len(p) > 0 {
		t.Fatalf("query %q: %v", text, p)
	}
	hits, counts, err := fx.db.Search(context.Background(), wsID, q, kind, 20, 0)
	if err != nil {
		t.Fatalf("search %q: %v", text, err)
	}
	return hits, counts
}

func hitTitles(hits []sightline.SearchHit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, string(h.Kind)+":"+h.Title)
	}
	return out
}

// TestSearchFindsEveryKindRanksAndEscapes: a word of each kind's fields
// finds it; a title match ranks above a body match; the last word matches
// as a prefix; a name matches despite a typo; ADR numbers and quarters
// find their items; a snippet's marks never come from the user's text; and
// another workspace finds nothing of this one.
func TestSearchFindsEveryKindRanksAndEscapes(t *testing.T) {
	fx := newEpicFixture(t, "acme")
	db, ws, ctx := fx.db, fx.ws, context.Background()
	_, rival, _ := mustWorkspace(t, db, "rival")
	inTitle := fx.mustEpic(t, sightline.Epic{Title: "Latency budget for sync", Problem: "Users wait."})
	inBody := fx.mustEpic(t, sightline.Epic{Title: "Offline mode", Problem: "Latency spikes when the train enters a tunnel.", TargetQuarter: "2027-Q1"})
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO pain_notes (workspace_id, quote, source, customer, segment, severity, frequency, firsthand, heard_on)
		VALUES ($1, 'Exports <script>alert(1)</script> "><img onerror=x> time out', 'support', 'Globex Corporation', 'enterprise', 4, 'daily', true, current_date)`, ws.ID)
	exec(`INSERT INTO strategy_shifts (workspace_id, title, narrative, from_phase, to_phase, shifted_on) VALUES ($1, 'Upmarket', 'Enterprise buyers demand auditability', 'growth', 'stability', current_date)`, ws.ID)
	exec(`INSERT INTO initiatives (workspace_id, title, description, driver, horizon) VALUES ($1, 'Tenant isolation', 'Noisy neighbours', 'growth', 'now')`, ws.ID)
	exec(`INSERT INTO goals (workspace_id, title, metric, baseline, target, current_value) VALUES ($1, 'Retention', 'Net revenue retention', 1, 2, 1)`, ws.ID)
	exec(`INSERT INTO arch_items (workspace_id, kind, name, description) VALUES ($1, 'container', 'Billing service', 'Meters usage events')`, ws.ID)
	exec(`INSERT INTO nfr_concerns (workspace_id, category, title, stimulus) VALUES ($1, 'performance', 'Checkout speed', 'A burst of ten thousand carts')`, ws.ID)
	exec(`INSERT INTO decisions (workspace_id, number, title, consequences) VALUES ($1, 7, 'Event sourcing for ledgers', 'Replays become possible')`, ws.ID)
	exec(`INSERT INTO roadmap_items (workspace_id, kind, title, description, starts_on, ends_on, confidence) VALUES ($1, 'release', 'Spring release', 'Includes the auditor view', current_date, current_date, 'planned')`, ws.ID)
	if _, err := db.AddComment(ctx, fx.as(sightline.RoleArchitect), ws.ID, "epic", inBody.ID, nil, "Consider a websocket heartbeat"); err != nil {
		t.Fatal(err)
	}
	// The rival has the same words.
	exec(`INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', 'Latency budget elsewhere', 'p')`, rival.ID)

	for _, c := range []struct{ q, kind, want string }{
		{"Globex", "pain", "pain:"}, {"enterprise", "pain", "pain:"}, {"exports", "pain", "pain:"},
		{"auditability", "shift", "shift:Upmarket"}, {"neighbours", "initiative", "initiative:Tenant isolation"},
		{"revenue", "goal", "goal:Retention"}, {"meters", "arch_item", "arch_item:Billing service"},
		{"carts", "concern", "concern:Checkout speed"}, {"replays", "decision", "decision:ADR-0007: Event sourcing for ledgers"},
		{"auditor", "roadmap_item", "roadmap_item:Spring release"}, {"heartbeat", "comment", "comment:Offline mode"},
	} {
		hits, _ := search(t, fx, ws.ID, c.q, c.kind)
		if len(hits) != 1 || !strings.HasPrefix(hitTitles(hits)[0], c.want) {
			t.Errorf("%q in %s: %v, want %s…", c.q, c.kind, hitTitles(hits), c.want)
		}
	}
	// Ranking: the title match first; the counts per kind.
	hits, counts := search(t, fx, ws.ID, "latency", "")
	if len(hits) != 2 || hits[0].ID != inTitle.ID || hits[1].ID != inBody.ID || counts["epic"] != 2 {
		t.Fatalf("latency: %v %v", hitTitles(hits), counts)
	}
	// The last word as a prefix; a typo in a name; ADR and quarter.
	for _, c := range []struct{ q, want string }{
		{"latenc", "epic:Latency budget for sync"}, {"billng servce", "arch_item:Billing service"}, {"Globx", "pain:"},
		{"ADR-0007", "decision:ADR-0007: Event sourcing for ledgers"}, {"adr 7", "decision:ADR-0007: Event sourcing for ledgers"},
		{"2027-Q1", "epic:Offline mode"}, {`"enters a tunnel"`, "epic:Offline mode"}, {"latency -budget", "epic:Offline mode"},
	} {
		hits, _ := search(t, fx, ws.ID, c.q, "")
		if len(hits) == 0 || !strings.HasPrefix(hitTitles(hits)[0], c.want) {
			t.Errorf("%q: %v, want first %s…", c.q, hitTitles(hits), c.want)
		}
	}
	// The snippet's highlight marks come from the database only, around the match.
	hits, _ = search(t, fx, ws.ID, "exports", "pain")
	var marked, plain string
	for _, part := range hits[0].Snippet {
		if part.Hit {
			marked += part.Text
		} else {
			plain += part.Text
		}
	}
	// (ts_headline drops what its parser reads as tags: no markup can come through.)
	if marked != "Exports" || !strings.Contains(plain, "alert(1)") || strings.Contains(plain, "<script") {
		t.Errorf("snippet parts %+v", hits[0].Snippet)
	}
	// Nothing of this workspace from the rival, and nothing of the rival here.
	if hits, counts := search(t, fx, rival.ID, "sync", ""); len(hits) != 0 || len(counts) != 0 {
		t.Errorf("the rival finds %v %v", hitTitles(hits), counts)
	}
	// A query of stop words only finds nothing, without an error.
	if hits, _ := search(t, fx, ws.ID, "the and of", ""); len(hits) != 0 {
		t.Errorf("stop words found %v", hitTitles(hits))
	}
}
