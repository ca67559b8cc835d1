package sightline_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/sightline"
)

func TestParsePressures(t *testing.T) {
	p := sightline.Problems{}
	got := sightline.ParsePressures(p, "f", " availability ,resilience,, Availability,  support   load ")
	if len(p) != 0 || !slices.Equal(got, []string{"availability", "resilience", "support load"}) {
		t.Fatalf("got %q, problems %v", got, p)
	}
	p = sightline.Problems{}
	sightline.ParsePressures(p, "f", "ok, "+strings.Repeat("x", sightline.MaxPressureAttr+1))
	if p["f"] == "" {
		t.Error("an over-long attribute was accepted")
	}
	p = sightline.Problems{}
	sightline.ParsePressures(p, "f", strings.Repeat("a,b,c,d,", 4)+"e,f,g,h,i,j,k,l,m")
	if p["f"] == "" {
		t.Error("more than the maximum number of attributes was accepted")
	}
}

func TestPressureFingerprint(t *testing.T) {
	a := map[sightline.Phase][]string{sightline.PhaseGrowth: {"scalability", "performance"}}
	b := map[sightline.Phase][]string{sightline.PhaseGrowth: {"performance", "scalability"}}
	c := map[sightline.Phase][]string{sightline.PhaseGrowth: {"scalability", "performance"}, sightline.PhaseProfitability: nil}
	if sightline.PressureFingerprint(a) == sightline.PressureFingerprint(b) {
		t.Error("order does not change the fingerprint")
	}
	if sightline.PressureFingerprint(a) != sightline.PressureFingerprint(c) {
		t.Error("an empty phase changes the fingerprint")
	}
}

func TestCheckShiftAndDates(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	ok := sightline.StrategyShift{Title: "Upmarket", FromPhase: sightline.PhaseGrowth, ToPhase: sightline.PhaseGrowth, ShiftedOn: day}
	p := sightline.Problems{}
	sightline.CheckShift(p, ok)
	if len(p) != 0 {
		t.Fatalf("a re-affirmation (from = to) is refused: %v", p)
	}
	bad := ok
	bad.Title, bad.ToPhase, bad.ShiftedOn = "", "hype", time.Time{}
	p = sightline.Problems{}
	sightline.CheckShift(p, bad)
	for _, f := range []string{"title", "to_phase", "shifted_on"} {
		if p[f] == "" {
			t.Errorf("no problem for %s", f)
		}
	}
	for s, valid := range map[string]bool{"2026-02-28": true, "2026-02-30": false, "01/02/2026": false, "1800-01-01": false} {
		p := sightline.Problems{}
		d := sightline.ParseStrategyDate(p, "d", s, true)
		if (d != nil) != valid || (len(p) == 0) != valid {
			t.Errorf("%s: date %v problems %v", s, d, p)
		}
	}
	p = sightline.Problems{}
	if d := sightline.ParseStrategyDate(p, "d", "", false); d != nil || len(p) != 0 {
		t.Error("a blank optional date is not nil without a problem")
	}
}

func TestGoalRules(t *testing.T) {
	p := sightline.Problems{}
	if v := sightline.ParseGoalNumber(p, "n", "1,250.5"); v != 1250.5 || len(p) != 0 {
		t.Errorf("1,250.5 → %v %v", v, p)
	}
	for _, s := range []string{"", "abc", "NaN", "Inf", "1e13"} {
		p := sightline.Problems{}
		sightline.ParseGoalNumber(p, "n", s)
		if p["n"] == "" {
			t.Errorf("%q accepted", s)
		}
	}
	p = sightline.Problems{}
	sightline.CheckGoal(p, sightline.Goal{Title: "t", Metric: "m", Baseline: 5, Target: 5})
	if !strings.Contains(p["target"], "differ from the baseline") {
		t.Errorf("target = baseline: %v", p)
	}
	// A bad baseline already has its message; target = baseline is not reported twice.
	p = sightline.Problems{"baseline": "Enter a number."}
	sightline.CheckGoal(p, sightline.Goal{Title: "t", Metric: "m"})
	if _, ok := p["target"]; ok {
		t.Error("target reported against an unparsed baseline")
	}
	if got := (sightline.Goal{Baseline: 800, Target: 200, Current: 500}).Progress(); got != 0.5 {
		t.Errorf("decreasing goal progress %v", got)
	}
}

func TestAcknowledgementRules(t *testing.T) {
	if err := sightline.CanAcknowledge(sightline.RoleArchitect); err != nil {
		t.Fatal(err)
	}
	for _, r := range []sightline.Role{sightline.RoleOwner, sightline.RolePM, sightline.RoleEngineer, sightline.RoleViewer} {
		err := sightline.CanAcknowledge(r)
		if sightline.ErrorCode(err) != sightline.EFORBIDDEN || !strings.Contains(sightline.ErrorMessage(err), "Only architects") {
			t.Errorf("%s: %v", r, err)
		}
	}
	s := sightline.StrategyShift{ID: 1, Acks: []sightline.ShiftAck{{ShiftID: 1, UserID: 7}}}
	members := []sightline.Membership{
		{UserID: 7, Role: sightline.RoleArchitect, UserName: "A"},
		{UserID: 8, Role: sightline.RoleArchitect, UserName: "B"},
		{UserID: 9, Role: sightline.RolePM, UserName: "P"},
	}
	pending := sightline.PendingArchitects(s, members)
	if len(pending) != 1 || pending[0].UserName != "B" {
		t.Errorf("pending %+v", pending)
	}
	two := []sightline.StrategyShift{s, {ID: 2}}
	if got := sightline.PendingShiftsFor(two, 7); len(got) != 1 || got[0].ID != 2 {
		t.Errorf("pending for 7: %+v", got)
	}
}
