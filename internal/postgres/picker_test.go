package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

// painPickerRows adds n pains to a workspace in one statement: pain i says
// "Pain i", severity 1 + i%5, heard i days after 2020-01-01 (the last is the
// most recent), relayed, monthly.
func painPickerRows(t *testing.T, fx painFixture, n int) {
	t.Helper()
	if _, err := fx.db.Pool.Exec(context.Background(), `
		INSERT INTO pain_notes (workspace_id, quote, source, severity, frequency, firsthand, heard_on)
		SELECT $1, 'Pain ' || i, 'support', 1 + i % 5, 'monthly', false, date '2020-01-01' + i
		FROM generate_series(1, $2) i`, fx.ws.ID, n); err != nil {
		t.Fatal(err)
	}
}

func TestPainPickerIsBoundedRankedAndSearchable(t *testing.T) {
	fx := newPainFixture(t, "acme")
	ctx := context.Background()
	painPickerRows(t, fx, 300)
	// One pain stands out only by its words: the lowest severity, heard first.
	needle := fx.mustPain(t, sightline.PainNote{Quote: "The CSV export drops umlauts 100%_sure", Source: "sales", Customer: "Müller GmbH",
		Segment: "Mid-market", Severity: 1, Frequency: "once", HeardOn: painNote("", 1, "once", false).HeardOn.AddDate(-10, 0, 0)})
	epic := painMustEpic(t, fx.db, fx.ws.ID, "Fix it")
	linked := fx.mustPain(t, painNote("Already linked", 5, "constant", true))
	if err := fx.db.LinkPain(ctx, fx.actor, fx.ws.ID, epic, linked.ID); err != nil {
		t.Fatal(err)
	}

	p, err := fx.db.ListPainsForPicker(ctx, fx.ws.ID, epic, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Pains) != 100 || p.Total != 301 || p.AtLeast {
		t.Fatalf("%d pains of %d (at least: %v), want 100 of the 301 not linked", len(p.Pains), p.Total, p.AtLeast)
	}
	for i, n := range p.Pains {
		if n.ID == linked.ID || n.ID == needle.ID {
			t.Fatalf("offered pain %d (%q)", n.ID, n.Quote)
		}
		if i > 0 && n.Score() > p.Pains[i-1].Score() {
			t.Fatalf("not ranked by score: %q (%.1f) after %q (%.1f)", n.Quote, n.Score(), p.Pains[i-1].Quote, p.Pains[i-1].Score())
		}
	}
	if p.Pains[0].Severity != 5 {
		t.Fatalf("first offered has severity %d", p.Pains[0].Severity)
	}

	// The search finds the pain beyond the cap, by quote, customer, segment
	// or number; its wildcards are literal; an already linked pain stays out.
	for _, q := range []string{"umlauts", "  müller GMBH ", "mid-MARKET", "100%_sure", "%", "_", "#" + fmt.Sprint(needle.ID), fmt.Sprint(needle.ID)} {
		p, err := fx.db.ListPainsForPicker(ctx, fx.ws.ID, epic, q, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Pains) != 1 || p.Pains[0].ID != needle.ID || p.Total != 1 {
			t.Errorf("search %q: %v of %d, want the needle only", q, painIDs(p.Pains), p.Total)
		}
	}
	for _, q := range []string{"Already linked", "100 percent"} {
		if p, _ := fx.db.ListPainsForPicker(ctx, fx.ws.ID, epic, q, 100); len(p.Pains) != 0 || p.Total != 0 {
			t.Errorf("search %q: %d pains of %d, want none", q, len(p.Pains), p.Total)
		}
	}
	// A broad search is bounded too and says how many match.
	p, _ = fx.db.ListPainsForPicker(ctx, fx.ws.ID, epic, "pain ", 100)
	if len(p.Pains) != 100 || p.Total != 300 {
		t.Fatalf("search \"pain \": %d of %d, want 100 of 300", len(p.Pains), p.Total)
	}
}

func TestPainPickerRanksTheMostRecentInALargeWorkspace(t *testing.T) {
	fx := newPainFixture(t, "acme")
	ctx := context.Background()
	n := postgres.PainPickerCandidates + 200
	painPickerRows(t, fx, n)
	epic := painMustEpic(t, fx.db, fx.ws.ID, "Fix it")
	p, err := fx.db.ListPainsForPicker(ctx, fx.ws.ID, epic, "", 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Pains) != 50 || p.Total != postgres.PainPickerCandidates || !p.AtLeast {
		t.Fatalf("%d pains of %d (at least: %v), want 50 of more than %d", len(p.Pains), p.Total, p.AtLeast, postgres.PainPickerCandidates)
	}
	// Ranked among the most recently heard: the last PainPickerCandidates, severity 5 first.
	for _, x := range p.Pains {
		var i int
		if _, err := fmt.Sscanf(x.Quote, "Pain %d", &i); err != nil || i <= 200 || x.Severity != 5 {
			t.Fatalf("offered %q (severity %d)", x.Quote, x.Severity)
		}
	}
	// The search still reaches every pain.
	if p, _ := fx.db.ListPainsForPicker(ctx, fx.ws.ID, epic, "Pain 1", 500); p.Total != 1+10+100 || len(p.Pains) != 111 {
		t.Fatalf("search \"Pain 1\": %d matches, want 111", p.Total)
	}
	if p, _ := fx.db.ListPainsForPicker(ctx, fx.ws.ID, epic, "Pain 3", 500); !slices.ContainsFunc(p.Pains, func(x sightline.PainNote) bool { return x.Quote == "Pain 3" }) {
		t.Fatal("the search does not reach the oldest pains")
	}
}

func TestEpicPickerIsBoundedAndSearchable(t *testing.T) {
	fx := newPainFixture(t, "acme")
	ctx := context.Background()
	// 250 open epics over four quarters, and one done epic, the most recent.
	if _, err := fx.db.Pool.Exec(ctx, `
		INSERT INTO epics (workspace_id, kind, title, problem, target_quarter, updated_at)
		SELECT $1, 'product', 'Epic ' || i, 'A problem', '2027-Q' || (1 + i % 4), now() - i * interval '1 minute'
		FROM generate_series(1, 250) i`, fx.ws.ID); err != nil {
		t.Fatal(err)
	}
	var done int64
	if err := fx.db.Pool.QueryRow(ctx, `
		INSERT INTO epics (workspace_id, kind, title, problem, status, feasibility, target_quarter)
		VALUES ($1, 'product', 'Shipped search facets', 'A problem', 'done', 'waived', '2026-Q1') RETURNING id`, fx.ws.ID).Scan(&done); err != nil {
		t.Fatal(err)
	}
	p, err := fx.db.ListEpicPicker(ctx, fx.ws.ID, postgres.EpicPickerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Epics) != postgres.EpicPickerLimit || p.Total != 251 {
		t.Fatalf("%d epics of %d, want %d of 251", len(p.Epics), p.Total, postgres.EpicPickerLimit)
	}
	quarters := map[string]int{}
	for i, e := range p.Epics {
		if e.ID == done {
			t.Fatal("a done epic comes before open ones")
		}
		quarters[e.TargetQuarter]++
		if i > 0 && p.Epics[i-1].Title > e.Title {
			t.Fatalf("not listed by title: %q after %q", e.Title, p.Epics[i-1].Title)
		}
	}
	// The earliest quarters first: all of Q1…Q3 (62 + 63 + 63), then Q4.
	if quarters["2027-Q1"] != 62 || quarters["2027-Q2"] != 63 || quarters["2027-Q3"] != 63 || quarters["2027-Q4"] != 12 {
		t.Fatalf("by quarter: %v", quarters)
	}
	for _, q := range []string{"shipped SEARCH", fmt.Sprint(done), "#" + fmt.Sprint(done)} {
		p, _ := fx.db.ListEpicPicker(ctx, fx.ws.ID, postgres.EpicPickerOptions{Search: q})
		if len(p.Epics) != 1 || p.Epics[0].ID != done || p.Total != 1 || p.Epics[0].Status != sightline.StatusDone {
			t.Errorf("search %q: %+v", q, p)
		}
	}
	if p, _ := fx.db.ListEpicPicker(ctx, fx.ws.ID, postgres.EpicPickerOptions{Search: "Epic 1", Limit: 5}); len(p.Epics) != 5 || p.Total != 1+10+100 {
		t.Fatalf("search \"Epic 1\" limited to 5: %d of %d", len(p.Epics), p.Total)
	}

	// Epics already linked to the pain, item or decision are left out.
	pain := fx.mustPain(t, painNote("It hurts", 3, "weekly", true))
	if err := fx.db.LinkPain(ctx, fx.actor, fx.ws.ID, done, pain.ID); err != nil {
		t.Fatal(err)
	}
	if p, _ := fx.db.EpicsToLinkToPain(ctx, fx.ws.ID, pain.ID, "facets", 10); len(p.Epics) != 0 || p.Total != 0 {
		t.Fatalf("an epic linked to the pain is offered: %+v", p)
	}
	var item int64
	if err := fx.db.Pool.QueryRow(ctx, `INSERT INTO arch_items (workspace_id, kind, name) VALUES ($1, 'system', 'Core') RETURNING id`, fx.ws.ID).Scan(&item); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.db.Pool.Exec(ctx, `INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind) VALUES ($1, $2, $3, 'change')`, fx.ws.ID, done, item); err != nil {
		t.Fatal(err)
	}
	if p, _ := fx.db.ListEpicPicker(ctx, fx.ws.ID, postgres.EpicPickerOptions{Search: "facets", NotLinkedToItem: item}); p.Total != 0 {
		t.Fatalf("an epic linked to the item is offered: %+v", p)
	}
	d, err := fx.db.CreateDecision(ctx, fx.actor, fx.ws.ID, sightline.Decision{Title: "Use facets", Status: sightline.DecisionProposed})
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.db.LinkDecision(ctx, fx.actor, fx.ws.ID, d.ID, sightline.TargetEpic, done); err != nil {
		t.Fatal(err)
	}
	if p, _ := fx.db.DecisionEpicChoices(ctx, fx.ws.ID, d.ID, "facets", 10); p.Total != 0 {
		t.Fatalf("an epic linked to the decision is offered: %+v", p)
	}
	if p, _ := fx.db.DecisionEpicChoices(ctx, fx.ws.ID, d.ID, "Epic 250", 10); p.Total != 1 {
		t.Fatalf("search on the decision side: %+v", p)
	}
	var release int64
	if err := fx.db.Pool.QueryRow(ctx, `INSERT INTO roadmap_items (workspace_id, kind, title, starts_on, ends_on, confidence)
		VALUES ($1, 'release', 'Spring', date '2027-03-01', date '2027-03-31', 'planned') RETURNING id`, fx.ws.ID).Scan(&release); err != nil {
		t.Fatal(err)
	}
	if err := fx.db.LinkRoadmapEpic(ctx, fx.actor, fx.ws.ID, release, done); err != nil {
		t.Fatal(err)
	}
	if p, _ := fx.db.ListEpicPicker(ctx, fx.ws.ID, postgres.EpicPickerOptions{Search: "facets", NotOnRoadmapItem: release}); p.Total != 0 {
		t.Fatalf("an epic on the roadmap item is offered: %+v", p)
	}
	if p, _ := fx.db.ListEpicPicker(ctx, fx.ws.ID, postgres.EpicPickerOptions{Search: "facets"}); p.Total != 1 {
		t.Fatalf("without exclusions the linked epic is offered: %+v", p)
	}
}
