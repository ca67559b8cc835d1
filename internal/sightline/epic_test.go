package sightline_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/sightline"
)

func validEpic() *sightline.Epic {
	return &sightline.Epic{Kind: sightline.KindProduct, Title: "Collaborators", Problem: "Teams cannot share a list.",
		Status: sightline.StatusIdea, Feasibility: sightline.FeasibilityNotRequested}
}

func TestCheckEpic(t *testing.T) {
	five, six := 5, 6
	day := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		edit  func(e *sightline.Epic)
		field string // "" for valid
	}{
		{"valid", func(*sightline.Epic) {}, ""},
		{"unknown kind", func(e *sightline.Epic) { e.Kind = "story" }, "kind"},
		{"no title", func(e *sightline.Epic) { e.Title = " " }, "title"},
		{"long title", func(e *sightline.Epic) { e.Title = strings.Repeat("x", 201) }, "title"},
		{"no problem", func(e *sightline.Epic) { e.Problem = "" }, "problem"},
		{"long problem", func(e *sightline.Epic) { e.Problem = strings.Repeat("x", 10001) }, "problem"},
		{"enabler without enables", func(e *sightline.Epic) { e.Kind = sightline.KindEnabler }, "enables"},
		{"enabler with enables", func(e *sightline.Epic) { e.Kind, e.Enables = sightline.KindEnabler, "Usage billing" }, ""},
		{"impact in range", func(e *sightline.Epic) { e.Impact = &five }, ""},
		{"impact out of range", func(e *sightline.Epic) { e.Impact = &six }, "impact"},
		{"effort out of range", func(e *sightline.Epic) { e.Effort = &six }, "effort"},
		{"bad quarter", func(e *sightline.Epic) { e.TargetQuarter = "2027-Q5" }, "target_quarter"},
		{"good quarter", func(e *sightline.Epic) { e.TargetQuarter = "2027-Q4" }, ""},
		{"committed without estimate", func(e *sightline.Epic) { e.CommittedOn = &day }, "committed_on"},
		{"committed with estimate", func(e *sightline.Epic) { e.CommittedOn, e.EstimateSize = &day, "M" }, ""},
		{"ready without feasibility", func(e *sightline.Epic) { e.Status = sightline.StatusReady }, "status"},
		{"ready with waiver", func(e *sightline.Epic) { e.Status, e.Feasibility = sightline.StatusReady, sightline.FeasibilityWaived }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := validEpic()
			c.edit(e)
			p := sightline.CheckEpic(e)
			if c.field == "" {
				if len(p) != 0 {
					t.Fatalf("want valid, got %v", p)
				}
				return
			}
			if _, ok := p[c.field]; !ok {
				t.Fatalf("want a problem on %s, got %v", c.field, p)
			}
		})
	}
}

func TestCanCreateKind(t *testing.T) {
	for _, c := range []struct {
		role sightline.Role
		kind sightline.EpicKind
		ok   bool
	}{
		{sightline.RoleOwner, sightline.KindProduct, true},
		{sightline.RolePM, sightline.KindProduct, true},
		{sightline.RolePM, sightline.KindEnabler, true},
		{sightline.RoleEngineer, sightline.KindEnabler, true},
		{sightline.RoleArchitect, sightline.KindEnabler, true},
		{sightline.RoleEngineer, sightline.KindProduct, false},
		{sightline.RoleArchitect, sightline.KindProduct, false},
		{sightline.RoleViewer, sightline.KindEnabler, false},
	} {
		err := sightline.CanCreateKind(c.role, c.kind)
		if (err == nil) != c.ok {
			t.Errorf("%s creating %s: err %v, want ok=%v", c.role, c.kind, err, c.ok)
		}
		if err != nil && sightline.ErrorCode(err) != sightline.EFORBIDDEN {
			t.Errorf("%s creating %s: code %s", c.role, c.kind, sightline.ErrorCode(err))
		}
	}
	err := sightline.CanCreateKind(sightline.RoleEngineer, sightline.KindProduct)
	if !strings.Contains(sightline.ErrorMessage(err), "enabler") {
		t.Errorf("refusal does not explain the alternative: %q", sightline.ErrorMessage(err))
	}
}

func TestCanSetStatus(t *testing.T) {
	e := validEpic()
	for _, to := range []sightline.EpicStatus{sightline.StatusIdea, sightline.StatusDiscovery, sightline.StatusDropped} {
		if err := sightline.CanSetStatus(e, to); err != nil {
			t.Errorf("to %s: %v", to, err)
		}
	}
	for _, to := range []sightline.EpicStatus{sightline.StatusReady, sightline.StatusInProgress, sightline.StatusDone} {
		err := sightline.CanSetStatus(e, to)
		if sightline.ErrorCode(err) != sightline.EINVALID || !strings.Contains(sightline.FieldErrors(err)["status"], "architect") {
			t.Errorf("to %s without feasibility: %v", to, err)
		}
	}
	for _, f := range []sightline.Feasibility{sightline.FeasibilityDone, sightline.FeasibilityWaived} {
		e.Feasibility = f
		if err := sightline.CanSetStatus(e, sightline.StatusReady); err != nil {
			t.Errorf("ready with feasibility %s: %v", f, err)
		}
	}
	if err := sightline.CanSetStatus(e, "shipped"); sightline.ErrorCode(err) != sightline.EINVALID {
		t.Errorf("unknown status: %v", err)
	}
}

func TestCanCommit(t *testing.T) {
	e := validEpic()
	err := sightline.CanCommit(e, []string{"Arjun Architect", "Emma Engineer"})
	msg := sightline.FieldErrors(err)["committed_on"]
	want := "No date without engineering input: this epic has no estimate yet. Ask an engineer or architect (e.g. Arjun Architect or Emma Engineer) to estimate it first."
	if msg != want {
		t.Fatalf("message %q\nwant %q", msg, want)
	}
	e.EstimateSize = "S"
	if err := sightline.CanCommit(e, nil); err != nil {
		t.Fatal(err)
	}
}

func TestFeasibilityAllowed(t *testing.T) {
	allowed := map[sightline.Feasibility][]sightline.Role{
		sightline.FeasibilityRequested: {sightline.RoleOwner, sightline.RolePM, sightline.RoleArchitect},
		sightline.FeasibilityDone:      {sightline.RoleArchitect},
		sightline.FeasibilityWaived:    {sightline.RoleOwner, sightline.RolePM, sightline.RoleArchitect},
	}
	for outcome, roles := range allowed {
		for _, r := range sightline.Roles {
			want := false
			for _, x := range roles {
				want = want || x == r
			}
			err := sightline.FeasibilityAllowed(r, outcome)
			if (err == nil) != want {
				t.Errorf("%s %s: %v, want allowed=%v", r, outcome, err, want)
			}
			if err != nil && sightline.ErrorCode(err) != sightline.EFORBIDDEN {
				t.Errorf("%s %s: code %s", r, outcome, sightline.ErrorCode(err))
			}
		}
	}
	if err := sightline.FeasibilityAllowed(sightline.RoleArchitect, "maybe"); sightline.ErrorCode(err) != sightline.EINVALID {
		t.Errorf("unknown outcome: %v", err)
	}
}

func TestCheckFeasibility(t *testing.T) {
	e := validEpic()
	if p := sightline.CheckFeasibility(e, sightline.FeasibilityDone, ""); p["note"] == "" {
		t.Error("done without a note accepted")
	}
	if p := sightline.CheckFeasibility(e, sightline.FeasibilityWaived, " "); p["note"] == "" {
		t.Error("waiver without a reason accepted")
	}
	if p := sightline.CheckFeasibility(e, sightline.FeasibilityRequested, ""); len(p) != 0 {
		t.Errorf("request refused: %v", p)
	}
	e.Status, e.Feasibility = sightline.StatusReady, sightline.FeasibilityDone
	if p := sightline.CheckFeasibility(e, sightline.FeasibilityRequested, ""); p["outcome"] == "" {
		t.Error("re-opened the check-in of a ready epic")
	}
}

func TestCheckEstimate(t *testing.T) {
	if p := sightline.CheckEstimate("M", "New billing pipeline"); len(p) != 0 {
		t.Fatal(p)
	}
	if p := sightline.CheckEstimate("XXL", "x"); p["size"] == "" {
		t.Error("unknown size accepted")
	}
	if p := sightline.CheckEstimate("M", ""); p["estimate_note"] == "" {
		t.Error("estimate without why accepted")
	}
}

func TestEpicFilterNormalize(t *testing.T) {
	f := sightline.EpicFilter{Status: "nope", Kind: "x", Quarter: "soon", Sort: "random", Page: -3, PerPage: 10000, InitiativeID: -1}.Normalize()
	if f.Status != "" || f.Kind != "" || f.Quarter != "" || f.Sort != sightline.SortUpdated || f.Page != 1 || f.PerPage != sightline.EpicsPerPage || f.InitiativeID != 0 {
		t.Fatalf("%+v", f)
	}
	g := sightline.EpicFilter{Status: sightline.StatusReady, Kind: sightline.KindEnabler, Quarter: "2027-Q2", Sort: sightline.SortRatio, Page: 3}.Normalize()
	if g.Status != sightline.StatusReady || g.Kind != sightline.KindEnabler || g.Quarter != "2027-Q2" || g.Sort != sightline.SortRatio || g.Page != 3 {
		t.Fatalf("%+v", g)
	}
}

func TestEpicRatio(t *testing.T) {
	four, two := 4, 2
	e := validEpic()
	if e.Ratio() != nil {
		t.Fatal("ratio without scores")
	}
	e.Impact, e.Effort = &four, &two
	if r := e.Ratio(); r == nil || *r != 2 {
		t.Fatalf("ratio %v", r)
	}
}
