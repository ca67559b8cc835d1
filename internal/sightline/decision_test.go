package sightline

import (
	"strings"
	"testing"
	"time"
)

func decDay(s string) *time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return &t
}

func TestCheckDecision(t *testing.T) {
	ok := Decision{Title: "Meter usage with events", Status: DecisionProposed}
	if p := CheckDecision(&ok); len(p) != 0 {
		t.Fatalf("valid decision refused: %v", p)
	}
	cases := []struct {
		name  string
		edit  func(d *Decision)
		field string
	}{
		{"no title", func(d *Decision) { d.Title = "  " }, "title"},
		{"long title", func(d *Decision) { d.Title = strings.Repeat("é", MaxDecisionTitle+1) }, "title"},
		{"two-line title", func(d *Decision) { d.Title = "a\nb" }, "title"},
		{"long context", func(d *Decision) { d.Context = strings.Repeat("x", MaxDecisionText+1) }, "context"},
		{"long trade-off", func(d *Decision) { d.Tradeoff = strings.Repeat("x", MaxDecisionTradeoff+1) }, "tradeoff"},
		{"unknown status", func(d *Decision) { d.Status = "maybe" }, "status"},
		{"superseded without successor", func(d *Decision) { d.Status = DecisionSuperseded }, "status"},
		{"revisit before decided", func(d *Decision) { d.DecidedOn, d.RevisitOn = decDay("2027-02-01"), decDay("2027-01-31") }, "revisit_on"},
	}
	for _, c := range cases {
		d := ok
		c.edit(&d)
		if CheckDecision(&d)[c.field] == "" {
			t.Errorf("%s: no message on %s", c.name, c.field)
		}
	}
}

func TestDecisionStatusRules(t *testing.T) {
	succ := int64(9)
	proposed := &Decision{Number: 3, Status: DecisionProposed}
	superseded := &Decision{Number: 3, Status: DecisionSuperseded, SupersededByID: &succ, SupersededByNumber: 9}
	if err := CanSetDecisionStatus(proposed, DecisionAccepted); err != nil {
		t.Fatal(err)
	}
	if err := CanSetDecisionStatus(proposed, DecisionSuperseded); FieldErrors(err)["status"] == "" {
		t.Fatalf("superseded by hand: %v", err)
	}
	err := CanSetDecisionStatus(superseded, DecisionAccepted)
	if msg := FieldErrors(err)["status"]; !strings.Contains(msg, "ADR-0009") {
		t.Fatalf("leaving superseded: %q", msg)
	}
	if err := CanSetDecisionStatus(superseded, DecisionSuperseded); err != nil {
		t.Fatalf("keeping superseded: %v", err)
	}
	if got := EditableDecisionStatuses(DecisionProposed); len(got) != 4 {
		t.Fatalf("editable statuses: %v", got)
	}
	if err := CanSupersede(superseded); !strings.Contains(ErrorMessage(err), "ADR-0009") || ErrorCode(err) != EINVALID {
		t.Fatalf("double supersede: %v", err)
	}
	if err := CanSupersede(proposed); err != nil {
		t.Fatal(err)
	}

	// Accepting stamps today and the actor unless given.
	today := time.Date(2027, 4, 2, 15, 0, 0, 0, time.UTC)
	next := *proposed
	next.Status = DecisionAccepted
	SettleDecision(proposed, &next, 42, today)
	if next.DecidedOn == nil || next.DecidedOn.Format("2006-01-02") != "2027-04-02" || next.DecidedByID == nil || *next.DecidedByID != 42 {
		t.Fatalf("settled: %+v", next)
	}
	named := int64(7)
	next = *proposed
	next.Status, next.DecidedByID, next.DecidedOn = DecisionRejected, &named, decDay("2027-03-01")
	SettleDecision(proposed, &next, 42, today)
	if *next.DecidedByID != 7 || next.DecidedOn.Format("2006-01-02") != "2027-03-01" {
		t.Fatalf("named decider overwritten: %+v", next)
	}
	next = *proposed
	next.Status = DecisionDeprecated
	SettleDecision(proposed, &next, 42, today)
	if next.DecidedOn != nil {
		t.Fatal("deprecating stamped a decision date")
	}
}

func TestCheckStance(t *testing.T) {
	if p := CheckStance(StanceAgree, ""); len(p) != 0 {
		t.Fatalf("agree without reason: %v", p)
	}
	for _, s := range []string{StanceObject, StanceDisagreeAndCommit} {
		if CheckStance(s, "  ")["reason"] == "" {
			t.Errorf("%s without reason accepted", s)
		}
		if p := CheckStance(s, "It blocks sharing."); len(p) != 0 {
			t.Errorf("%s with reason: %v", s, p)
		}
	}
	if CheckStance("shrug", "x")["stance"] == "" {
		t.Error("unknown stance accepted")
	}
	if StanceRank(StanceObject) >= StanceRank(StanceDisagreeAndCommit) || StanceRank(StanceDisagreeAndCommit) >= StanceRank(StanceAgree) {
		t.Error("objections do not come first")
	}
}

func TestRevisitDue(t *testing.T) {
	today := time.Date(2027, 5, 1, 9, 0, 0, 0, time.UTC)
	d := Decision{Status: DecisionAccepted, RevisitOn: decDay("2027-05-01")}
	if !d.RevisitDue(today) {
		t.Error("due today is not due")
	}
	d.RevisitOn = decDay("2027-05-02")
	if d.RevisitDue(today) {
		t.Error("tomorrow is due")
	}
	d.RevisitOn, d.Status = decDay("2027-01-01"), DecisionRejected
	if d.RevisitDue(today) {
		t.Error("a rejected decision is due for revisit")
	}
}

func TestDecisionMarkdown(t *testing.T) {
	succ := int64(12)
	d := &Decision{Number: 7, Title: "Use Kafka for usage events!", Status: DecisionSuperseded, SupersededByID: &succ, SupersededByNumber: 12,
		Context: "Billing needs every event.", Decision: "Kafka.", Tradeoff: "speed vs quality", DecidedOn: decDay("2027-02-03"),
		DecidedByName: "Ada Architect", Supersedes: []DecisionRef{{Number: 2, Title: "Poll the database"}}}
	md := DecisionMarkdown(d, []Stance{
		{UserName: "Eve Engineer", Stance: StanceObject, Reason: "Ops cost.\nWe have no Kafka team."},
		{UserName: "Pat PM", Stance: StanceAgree},
	}, []DecisionLink{{Type: TargetEpic, Title: "Usage billing", Detail: "discovery"}})
	for _, want := range []string{
		"# ADR-0007: Use Kafka for usage events!", "- Status: Superseded", "- Superseded by ADR-0012",
		"- Supersedes ADR-0002 (Poll the database)", "- Date: 2027-02-03", "- Deciders: Ada Architect",
		"## Context\n\nBilling needs every event.", "## Options considered\n\n_No options recorded._", "## Trade-off\n\nspeed vs quality",
		"- **Object** — Eve Engineer: Ops cost. We have no Kafka team.", "- **Agree** — Pat PM", "- Epic: Usage billing (Discovery)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if got := DecisionFileName(d); got != "ADR-0007-use-kafka-for-usage-events.md" {
		t.Errorf("file name %q", got)
	}
	if got := DecisionFileName(&Decision{Number: 1, Title: "«Ünïcode» \"quoted\"; rm -rf"}); got != "ADR-0001-n-code-quoted-rm-rf.md" {
		t.Errorf("file name %q", got)
	}
	if got := DecisionFileName(&Decision{Number: 1, Title: "日本語"}); got != "ADR-0001-decision.md" {
		t.Errorf("file name %q", got)
	}
}

func TestCheckRoadmapItem(t *testing.T) {
	ok := RoadmapItem{Kind: "release", Title: "2.4", Confidence: "planned", StartsOn: *decDay("2027-04-01"), EndsOn: *decDay("2027-04-01")}
	if p := CheckRoadmapItem(&ok); len(p) != 0 {
		t.Fatalf("one-day milestone refused: %v", p)
	}
	bad := ok
	bad.EndsOn = *decDay("2027-03-31")
	if CheckRoadmapItem(&bad)["ends_on"] == "" {
		t.Error("end before start accepted")
	}
	bad = ok
	bad.Kind, bad.Confidence, bad.Title = "epic", "sure", ""
	p := CheckRoadmapItem(&bad)
	for _, f := range []string{"kind", "confidence", "title"} {
		if p[f] == "" {
			t.Errorf("no message on %s", f)
		}
	}
}
