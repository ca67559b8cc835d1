package sightline

import (
	"strings"
	"testing"
)

func TestConcernDraftParse(t *testing.T) {
	ok := ConcernDraft{Category: "performance", Title: "p99 task-update latency under 200 ms", Stimulus: "10× task updates during a Monday peak",
		Response: "the update is visible to every viewer", Measure: "p99 update latency", Target: "200 ms", Current: "640 ms", Status: "violated"}
	c, err := ok.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if ConcernDraftOf(c) != ok {
		t.Errorf("round trip: %+v", ConcernDraftOf(c))
	}
	for _, tc := range []struct {
		name   string
		change func(*ConcernDraft)
		field  string
	}{
		{"no category", func(d *ConcernDraft) { d.Category = "" }, "category"},
		{"unknown category", func(d *ConcernDraft) { d.Category = "usability" }, "category"},
		{"no title", func(d *ConcernDraft) { d.Title = "  " }, "title"},
		{"long title", func(d *ConcernDraft) { d.Title = strings.Repeat("x", MaxConcernTitle+1) }, "title"},
		{"long stimulus", func(d *ConcernDraft) { d.Stimulus = strings.Repeat("x", MaxConcernScenario+1) }, "stimulus"},
		{"long target", func(d *ConcernDraft) { d.Target = strings.Repeat("x", MaxConcernValue+1) }, "target"},
		{"long current", func(d *ConcernDraft) { d.Current = strings.Repeat("x", MaxConcernValue+1) }, "current"},
		{"unknown status", func(d *ConcernDraft) { d.Status = "fine" }, "status"},
	} {
		d := ok
		tc.change(&d)
		_, err := d.Parse()
		if ErrorCode(err) != EINVALID || FieldErrors(err)[tc.field] == "" {
			t.Errorf("%s: %v, want a message on %s", tc.name, err, tc.field)
		}
	}
}

func TestImpactDraftAndConcernRule(t *testing.T) {
	i, err := ImpactDraft{Category: "performance", Level: "blocking", Note: "n"}.Parse()
	if err != nil || i.ConcernID != nil || i.Category != "performance" {
		t.Fatalf("%+v %v", i, err)
	}
	// A concern can stand in for the category…
	i, err = ImpactDraft{ConcernID: "7", Level: "high"}.Parse()
	if err != nil || i.ConcernID == nil || *i.ConcernID != 7 {
		t.Fatalf("%+v %v", i, err)
	}
	if p := ApplyImpactConcern(&i, "scalability", "Meter 5,000 events/s"); len(p) != 0 || i.Category != "scalability" {
		t.Fatalf("category from the concern: %q %v", i.Category, p)
	}
	// …but a different category is refused, naming the one that fits.
	j := NFRImpact{Category: "cost", Level: "low"}
	p := ApplyImpactConcern(&j, "performance", "p99 under 200 ms")
	if !strings.Contains(p["concern_id"], "performance") {
		t.Errorf("mismatch message %q", p["concern_id"])
	}
	for _, tc := range []struct {
		d     ImpactDraft
		field string
	}{
		{ImpactDraft{Level: "low"}, "category"},
		{ImpactDraft{Category: "usability", Level: "low"}, "category"},
		{ImpactDraft{Category: "cost", Level: "urgent"}, "level"},
		{ImpactDraft{Category: "cost", Level: "low", ConcernID: "x"}, "concern_id"},
		{ImpactDraft{Category: "cost", Level: "low", Note: strings.Repeat("x", MaxImpactNote+1)}, "note"},
		{ImpactDraft{Category: "cost", Level: "low", RequiredWork: strings.Repeat("x", MaxImpactWork+1)}, "required_work"},
	} {
		if _, err := tc.d.Parse(); FieldErrors(err)[tc.field] == "" {
			t.Errorf("%+v: %v, want a message on %s", tc.d, err, tc.field)
		}
	}
	if got := ImpactDraftOf(NFRImpact{Category: "cost", ConcernID: new(int64(3)), Level: "low"}); got.ConcernID != "3" {
		t.Errorf("draft of %+v", got)
	}
}

func TestArchLinkDraft(t *testing.T) {
	l, err := ArchLinkDraft{EpicID: "1", ItemID: "2", ChangeKind: "depends_on"}.Parse()
	if err != nil || l.EpicID != 1 || l.ItemID != 2 {
		t.Fatalf("%+v %v", l, err)
	}
	_, err = ArchLinkDraft{EpicID: "1", ItemID: "", ChangeKind: "rewrite", Note: strings.Repeat("x", MaxArchLinkNote+1)}.Parse()
	fields := FieldErrors(err)
	for _, f := range []string{"item_id", "change_kind", "note"} {
		if fields[f] == "" {
			t.Errorf("no message on %s: %v", f, fields)
		}
	}
	if _, err := (ArchLinkDraft{EpicID: "-3", ItemID: "2", ChangeKind: "new"}).Parse(); FieldErrors(err)["epic_id"] == "" {
		t.Errorf("a negative epic id passed: %v", err)
	}
}

func TestNFRLabelsAndFilter(t *testing.T) {
	if ConcernStatusLabel("at_risk") != "At risk" || ChangeKindLabel("depends_on") != "Depends on" || NFRCategoryLabel("cost") != "Cost" {
		t.Error("labels")
	}
	for _, k := range ChangeKinds {
		if ChangeKindHint(k) == "" {
			t.Errorf("no hint for %s", k)
		}
	}
	for _, s := range ConcernStatuses {
		if ConcernStatusRank(s) == 0 {
			t.Errorf("no rank for %s", s)
		}
	}
	f := ConcernFilter{Category: "nope", Status: "violated"}.Normalize()
	if f.Category != "" || f.Status != "violated" || !f.Active() {
		t.Errorf("normalize: %+v", f)
	}
	if (ConcernFilter{}).Active() {
		t.Error("empty filter is active")
	}
}
