package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

// epicFixture is a workspace with one member per role.
type epicFixture struct {
	db      *postgres.DB
	ws      *sightline.Workspace
	members map[sightline.Role]*sightline.Membership
}

func newEpicFixture(t *testing.T, slug string) epicFixture {
	t.Helper()
	db := pgtest.NewDB(t)
	_, ws, members := mustWorkspace(t, db, slug)
	return epicFixture{db: db, ws: ws, members: members}
}

func (fx epicFixture) as(r sightline.Role) postgres.Actor {
	return postgres.Actor{UserID: fx.members[r].UserID, ClientIP: "127.0.0.1"}
}

func (fx epicFixture) mustEpic(t *testing.T, e sightline.Epic) *sightline.Epic {
	t.Helper()
	if e.Kind == "" {
		e.Kind = sightline.KindProduct
	}
	if e.Problem == "" {
		e.Problem = "Teams lose requests in chat threads."
	}
	got, err := fx.db.CreateEpic(context.Background(), fx.as(sightline.RolePM), fx.ws.ID, e, 0)
	if err != nil {
		t.Fatalf("create epic %q: %v", e.Title, err)
	}
	return got
}

func mustExecID(t *testing.T, db *postgres.DB, sql string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := db.Pool.QueryRow(context.Background(), sql, args...).Scan(&id); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return id
}

func mustPain(t *testing.T, db *postgres.DB, wsID int64, quote string) int64 {
	return mustExecID(t, db, `INSERT INTO pain_notes (workspace_id, quote, source, severity, frequency, firsthand, heard_on)
		VALUES ($1, $2, 'interview', 4, 'daily', true, current_date) RETURNING id`, wsID, quote)
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if sightline.ErrorCode(err) != code {
		t.Fatalf("error %v (code %q), want code %q", err, sightline.ErrorCode(err), code)
	}
}

func TestEpicRulesInTheStore(t *testing.T) {
	fx := newEpicFixture(t, "rules")
	ctx := context.Background()
	e := fx.mustEpic(t, sightline.Epic{Title: "Collaborators on a list"})
	if e.Status != sightline.StatusIdea || e.Feasibility != sightline.FeasibilityNotRequested || e.Version != 1 {
		t.Fatalf("new epic: %+v", e)
	}

	// An enabler must say what it enables.
	_, err := fx.db.CreateEpic(ctx, fx.as(sightline.RoleEngineer), fx.ws.ID, sightline.Epic{Kind: sightline.KindEnabler, Title: "Pay down user debt", Problem: "Slow changes"}, 0)
	wantCode(t, err, sightline.EINVALID)
	if sightline.FieldErrors(err)["enables"] == "" {
		t.Fatalf("no message on enables: %v", err)
	}

	// No date without engineering input; the refusal names the estimators.
	day := time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)
	_, err = fx.db.CommitEpic(ctx, fx.as(sightline.RolePM), fx.ws.ID, e.ID, e.Version, &day)
	wantCode(t, err, sightline.EINVALID)
	msg := sightline.FieldErrors(err)["committed_on"]
	if !strings.Contains(msg, "No date without engineering input") || !strings.Contains(msg, "architect or engineer") {
		// mustWorkspace names its members after their roles.
		t.Fatalf("refusal %q does not name the estimators", msg)
	}

	// An engineer estimates; then the PM commits.
	e, err = fx.db.EstimateEpic(ctx, fx.as(sightline.RoleEngineer), fx.ws.ID, e.ID, e.Version, "M", "Sharing touches permissions everywhere.")
	if err != nil {
		t.Fatal(err)
	}
	if e.EstimateSize != "M" || e.EstimatedByName != "engineer" || e.EstimatedAt == nil {
		t.Fatalf("estimate not recorded: %+v", e)
	}
	e, err = fx.db.CommitEpic(ctx, fx.as(sightline.RolePM), fx.ws.ID, e.ID, e.Version, &day)
	if err != nil {
		t.Fatal(err)
	}
	if e.CommittedOn == nil || e.CommittedOn.Format("2006-01-02") != "2027-06-30" {
		t.Fatalf("committed on %v", e.CommittedOn)
	}

	// Ready needs the feasibility check-in.
	_, err = fx.db.SetEpicStatus(ctx, fx.as(sightline.RolePM), fx.ws.ID, e.ID, e.Version, sightline.StatusReady)
	wantCode(t, err, sightline.EINVALID)
	_, err = fx.db.RecordFeasibility(ctx, fx.as(sightline.RoleArchitect), fx.ws.ID, e.ID, e.Version, sightline.FeasibilityDone, "")
	wantCode(t, err, sightline.EINVALID) // done needs a note
	e, err = fx.db.RecordFeasibility(ctx, fx.as(sightline.RoleArchitect), fx.ws.ID, e.ID, e.Version, sightline.FeasibilityDone, "Needs a permission model in the Task API.")
	if err != nil {
		t.Fatal(err)
	}
	if e.FeasibilityBy != "architect" || e.FeasibilityAt == nil {
		t.Fatalf("feasibility not stamped: %+v", e)
	}
	e, err = fx.db.SetEpicStatus(ctx, fx.as(sightline.RolePM), fx.ws.ID, e.ID, e.Version, sightline.StatusReady)
	if err != nil {
		t.Fatal(err)
	}
	// A ready epic's check-in cannot be re-opened.
	_, err = fx.db.RecordFeasibility(ctx, fx.as(sightline.RolePM), fx.ws.ID, e.ID, e.Version, sightline.FeasibilityRequested, "")
	wantCode(t, err, sightline.EINVALID)

	// Clearing the date is always allowed.
	e, err = fx.db.CommitEpic(ctx, fx.as(sightline.RolePM), fx.ws.ID, e.ID, e.Version, nil)
	if err != nil || e.CommittedOn != nil {
		t.Fatalf("clear date: %v %v", err, e.CommittedOn)
	}

	// Every write is in the history, with what changed.
	hist, err := fx.db.ItemHistory(ctx, fx.ws.ID, "epic", e.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	verbs := map[string]sightline.Activity{}
	for _, a := range hist {
		if _, seen := verbs[a.Verb]; !seen {
			verbs[a.Verb] = a
		}
	}
	for _, v := range []string{"epic.created", "epic.estimated", "epic.committed", "epic.feasibility_recorded", "epic.status_changed"} {
		if _, ok := verbs[v]; !ok {
			t.Errorf("history lacks %s: %v", v, hist)
		}
	}
	st := verbs["epic.status_changed"].Changes["status"]
	if st.From != "idea" || st.To != "ready" {
		t.Errorf("status change recorded as %v", st)
	}
	if c := verbs["epic.estimated"].Changes["estimate"]; c.From != nil || c.To != "M" {
		t.Errorf("estimate change recorded as %v", c)
	}
	if verbs["epic.status_changed"].ActorName != "pm" {
		t.Errorf("status change by %q", verbs["epic.status_changed"].ActorName)
	}
}

func TestEpicOptimisticLocking(t *testing.T) {
	fx := newEpicFixture(t, "locks")
	ctx := context.Background()
	e := fx.mustEpic(t, sightline.Epic{Title: "GIF attachments"})
	u := sightline.EpicProduct{Title: "Animated attachments", Problem: e.Problem}
	saved, err := fx.db.UpdateEpicProduct(ctx, fx.as(sightline.RolePM), fx.ws.ID, e.ID, e.Version, u)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Version != e.Version+1 || saved.Title != "Animated attachments" {
		t.Fatalf("saved %+v", saved)
	}
	// The same stale version again is a conflict, and nothing is overwritten.
	u.Title = "Stale title"
	_, err = fx.db.UpdateEpicProduct(ctx, fx.as(sightline.RoleOwner), fx.ws.ID, e.ID, e.Version, u)
	wantCode(t, err, sightline.ECONFLICT)
	_, err = fx.db.SetEpicStatus(ctx, fx.as(sightline.RolePM), fx.ws.ID, e.ID, e.Version, sightline.StatusDiscovery)
	wantCode(t, err, sightline.ECONFLICT)
	_, err = fx.db.EstimateEpic(ctx, fx.as(sightline.RoleEngineer), fx.ws.ID, e.ID, e.Version, "S", "x")
	wantCode(t, err, sightline.ECONFLICT)
	now, _ := fx.db.EpicByID(ctx, fx.ws.ID, e.ID)
	if now.Title != "Animated attachments" {
		t.Fatalf("stale save overwrote: %q", now.Title)
	}
	// A saved no-op does not bump the version.
	same, err := fx.db.SetEpicStatus(ctx, fx.as(sightline.RolePM), fx.ws.ID, e.ID, now.Version, sightline.StatusIdea)
	if err != nil || same.Version != now.Version {
		t.Fatalf("no-op: %v version %d → %d", err, now.Version, same.Version)
	}
	// Missing ids are not found, not conflicts.
	_, err = fx.db.SetEpicStatus(ctx, fx.as(sightline.RolePM), fx.ws.ID, e.ID+1000, 1, sightline.StatusDiscovery)
	wantCode(t, err, sightline.ENOTFOUND)
}

func TestEpicTenancy(t *testing.T) {
	fx := newEpicFixture(t, "home")
	ctx := context.Background()
	_, other, otherMembers := mustWorkspace(t, fx.db, "away")
	foreign, err := fx.db.CreateEpic(ctx, postgres.Actor{UserID: otherMembers[sightline.RolePM].UserID}, other.ID,
		sightline.Epic{Kind: sightline.KindProduct, Title: "Theirs", Problem: "Not ours"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = fx.db.EpicByID(ctx, fx.ws.ID, foreign.ID)
	wantCode(t, err, sightline.ENOTFOUND)
	_, err = fx.db.SetEpicStatus(ctx, fx.as(sightline.RolePM), fx.ws.ID, foreign.ID, foreign.Version, sightline.StatusDropped)
	wantCode(t, err, sightline.ENOTFOUND)
	_, err = fx.db.EstimateEpic(ctx, fx.as(sightline.RoleEngineer), fx.ws.ID, foreign.ID, foreign.Version, "S", "x")
	wantCode(t, err, sightline.ENOTFOUND)
	_, err = fx.db.RevalidateEpic(ctx, fx.as(sightline.RolePM), fx.ws.ID, foreign.ID, foreign.Version)
	wantCode(t, err, sightline.ENOTFOUND)
	if h, _ := fx.db.ItemHistory(ctx, fx.ws.ID, "epic", foreign.ID, 10); len(h) != 0 {
		t.Fatalf("history of a foreign epic: %v", h)
	}

	// References must be of the workspace: a foreign initiative, a foreign
	// shift, a non-member owner and a foreign pain are all refused.
	foreignInit := mustExecID(t, fx.db, `INSERT INTO initiatives (workspace_id, title, driver, horizon) VALUES ($1, 'Theirs', 'growth', 'now') RETURNING id`, other.ID)
	foreignShift := mustExecID(t, fx.db, `INSERT INTO strategy_shifts (workspace_id, title, from_phase, to_phase, shifted_on) VALUES ($1, 'Theirs', 'growth', 'stability', current_date) RETURNING id`, other.ID)
	outsider := otherMembers[sightline.RolePM].UserID
	_, err = fx.db.CreateEpic(ctx, fx.as(sightline.RolePM), fx.ws.ID, sightline.Epic{Kind: sightline.KindProduct, Title: "X", Problem: "Y",
		InitiativeID: &foreignInit, ShiftID: &foreignShift, PMOwnerID: &outsider}, 0)
	wantCode(t, err, sightline.EINVALID)
	for _, f := range []string{"initiative_id", "shift_id", "pm_owner_id"} {
		if sightline.FieldErrors(err)[f] == "" {
			t.Errorf("no message on %s: %v", f, err)
		}
	}
	foreignPain := mustPain(t, fx.db, other.ID, "Their pain")
	_, err = fx.db.CreateEpic(ctx, fx.as(sightline.RolePM), fx.ws.ID, sightline.Epic{Kind: sightline.KindProduct, Title: "From their pain", Problem: "Y"}, foreignPain)
	wantCode(t, err, sightline.ENOTFOUND)
	if list, total, _ := fx.db.ListEpics(ctx, fx.ws.ID, sightline.EpicFilter{}); total != 0 || len(list) != 0 {
		t.Fatalf("a refused create left epics: %d", total)
	}
}

func TestEpicFromPainLinksInTheSameTransaction(t *testing.T) {
	fx := newEpicFixture(t, "frompain")
	ctx := context.Background()
	painID := mustPain(t, fx.db, fx.ws.ID, "This takes too long every day and blocks my team")
	e, err := fx.db.CreateEpic(ctx, fx.as(sightline.RolePM), fx.ws.ID, sightline.Epic{Kind: sightline.KindProduct, Title: "Faster capture",
		Problem: "> This takes too long every day and blocks my team"}, painID)
	if err != nil {
		t.Fatal(err)
	}
	if e.PainCount != 1 {
		t.Fatalf("pain count %d", e.PainCount)
	}
	pains, err := fx.db.PainsForEpicPage(ctx, fx.ws.ID, e.ID, 100, 0)
	if err != nil || len(pains) != 1 || pains[0].ID != painID {
		t.Fatalf("pains %v %v", pains, err)
	}
	hist, _ := fx.db.ItemHistory(ctx, fx.ws.ID, "epic", e.ID, 10)
	if len(hist) != 2 || hist[0].Verb != "pain.linked" || hist[1].Verb != "epic.created" {
		t.Fatalf("history %+v", hist)
	}
	// An invalid epic links nothing.
	_, err = fx.db.CreateEpic(ctx, fx.as(sightline.RolePM), fx.ws.ID, sightline.Epic{Kind: sightline.KindProduct, Title: "", Problem: "x"}, painID)
	wantCode(t, err, sightline.EINVALID)
	var links int
	_ = fx.db.Pool.QueryRow(ctx, `SELECT count(*) FROM epic_pains WHERE pain_id = $1`, painID).Scan(&links)
	if links != 1 {
		t.Fatalf("%d links", links)
	}
}

// The database backs every rule up, even if the domain check were bypassed.
func TestEpicConstraintsHoldWithoutTheDomainCheck(t *testing.T) {
	fx := newEpicFixture(t, "checks")
	ctx := context.Background()
	e := fx.mustEpic(t, sightline.Epic{Title: "Usage-based billing engine"})
	cases := []struct {
		sql, constraint string
	}{
		{`UPDATE epics SET committed_on = '2027-01-01' WHERE id = $1`, "epics_commit_needs_estimate"},
		{`UPDATE epics SET status = 'ready' WHERE id = $1`, "epics_ready_needs_feasibility"},
		{`UPDATE epics SET status = 'in_progress', feasibility = 'requested' WHERE id = $1`, "epics_ready_needs_feasibility"},
		{`UPDATE epics SET kind = 'enabler', enables = '  ' WHERE id = $1`, "epics_enabler_says_what"},
		{`UPDATE epics SET impact = 6 WHERE id = $1`, ""},
		{`UPDATE epics SET estimate_size = 'XXL' WHERE id = $1`, ""},
		{`UPDATE epics SET target_quarter = '2027-Q5' WHERE id = $1`, ""},
	}
	for _, c := range cases {
		_, err := fx.db.Pool.Exec(ctx, c.sql, e.ID)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "23514" {
			t.Errorf("%s: %v, want a check violation", c.sql, err)
			continue
		}
		if c.constraint != "" && pgErr.ConstraintName != c.constraint {
			t.Errorf("%s: violated %s, want %s", c.sql, pgErr.ConstraintName, c.constraint)
		}
	}
}

func TestListEpicsFiltersSortsAndPages(t *testing.T) {
	fx := newEpicFixture(t, "backlog")
	ctx := context.Background()
	pmID, engID := fx.members[sightline.RolePM].UserID, fx.members[sightline.RoleEngineer].UserID
	initiative := mustExecID(t, fx.db, `INSERT INTO initiatives (workspace_id, title, driver, horizon) VALUES ($1, 'Billing', 'growth', 'now') RETURNING id`, fx.ws.ID)
	ip := func(n int) *int { return &n }
	// title, kind, impact, effort
	fx.mustEpic(t, sightline.Epic{Title: "A", Impact: ip(5), Effort: ip(5), PMOwnerID: &pmID})                                                     // ratio 1
	fx.mustEpic(t, sightline.Epic{Title: "B", Impact: ip(4), Effort: ip(1), InitiativeID: &initiative, TargetQuarter: "2027-Q1"})                  // ratio 4
	fx.mustEpic(t, sightline.Epic{Title: "C", Kind: sightline.KindEnabler, Enables: "Billing", Impact: ip(2), Effort: ip(2), TechOwnerID: &engID}) // ratio 1
	fx.mustEpic(t, sightline.Epic{Title: "D"})                                                                                                     // unscored
	fx.mustEpic(t, sightline.Epic{Title: "E", Impact: ip(3), Effort: ip(1), InitiativeID: &initiative, TargetQuarter: "2027-Q2"})                  // ratio 3

	titles := func(f sightline.EpicFilter) ([]string, int) {
		t.Helper()
		list, total, err := fx.db.ListEpics(ctx, fx.ws.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range list {
			out = append(out, e.Title)
		}
		return out, total
	}
	check := func(name string, f sightline.EpicFilter, want string, wantTotal int) {
		t.Helper()
		got, total := titles(f)
		if strings.Join(got, "") != want || total != wantTotal {
			t.Errorf("%s: %v (total %d), want %s (total %d)", name, got, total, want, wantTotal)
		}
	}
	check("updated", sightline.EpicFilter{}, "EDCBA", 5)
	check("impact", sightline.EpicFilter{Sort: sightline.SortImpact}, "ABECD", 5)
	check("effort", sightline.EpicFilter{Sort: sightline.SortEffort}, "EBCAD", 5)
	check("ratio", sightline.EpicFilter{Sort: sightline.SortRatio}, "BECAD", 5)
	check("kind", sightline.EpicFilter{Kind: sightline.KindEnabler}, "C", 1)
	check("initiative", sightline.EpicFilter{InitiativeID: initiative}, "EB", 2)
	check("quarter", sightline.EpicFilter{Quarter: "2027-Q2"}, "E", 1)
	check("pm owner", sightline.EpicFilter{OwnerID: pmID}, "A", 1)
	check("tech owner", sightline.EpicFilter{OwnerID: engID}, "C", 1)
	check("status", sightline.EpicFilter{Status: sightline.StatusReady}, "", 0)
	check("page 1", sightline.EpicFilter{PerPage: 2}, "ED", 5)
	check("page 2", sightline.EpicFilter{PerPage: 2, Page: 2}, "CB", 5)
	check("page 3", sightline.EpicFilter{PerPage: 2, Page: 3}, "A", 5)
	check("past the end", sightline.EpicFilter{PerPage: 2, Page: 9}, "", 5)

	picker, err := fx.db.ListEpicPicker(ctx, fx.ws.ID, postgres.EpicPickerOptions{})
	if err != nil || len(picker.Epics) != 5 || picker.Total != 5 || picker.Epics[0].Title != "A" {
		t.Fatalf("picker %v %v", picker, err)
	}
	choices, err := fx.db.EpicChoices(ctx, fx.ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(choices.Initiatives) != 1 || len(choices.Members) != 5 || fmt.Sprint(choices.Quarters) != "[2027-Q1 2027-Q2]" {
		t.Fatalf("choices %+v", choices)
	}
	names, err := fx.db.EstimatorNames(ctx, fx.ws.ID)
	if err != nil || fmt.Sprint(names) != "[architect engineer]" {
		t.Fatalf("estimators %v %v", names, err)
	}
}

func TestEpicRevalidation(t *testing.T) {
	fx := newEpicFixture(t, "revalidate")
	ctx := context.Background()
	first := mustExecID(t, fx.db, `INSERT INTO strategy_shifts (workspace_id, title, from_phase, to_phase, shifted_on) VALUES ($1, 'Growth first', 'stability', 'growth', '2026-01-10') RETURNING id`, fx.ws.ID)
	e := fx.mustEpic(t, sightline.Epic{Title: "Usage-based billing", ShiftID: &first})
	if e.Revalidate || e.ShiftTitle != "Growth first" {
		t.Fatalf("new epic: revalidate=%v shift=%q", e.Revalidate, e.ShiftTitle)
	}
	// A shift dated before the prompting one does not supersede it.
	mustExecID(t, fx.db, `INSERT INTO strategy_shifts (workspace_id, title, from_phase, to_phase, shifted_on) VALUES ($1, 'Older', 'growth', 'growth', '2025-06-01') RETURNING id`, fx.ws.ID)
	if e, _ = fx.db.EpicByID(ctx, fx.ws.ID, e.ID); e.Revalidate {
		t.Fatal("an older shift flagged the epic")
	}
	mustExecID(t, fx.db, `INSERT INTO strategy_shifts (workspace_id, title, from_phase, to_phase, shifted_on) VALUES ($1, 'Moving upmarket', 'growth', 'profitability', '2026-05-01') RETURNING id`, fx.ws.ID)
	e, _ = fx.db.EpicByID(ctx, fx.ws.ID, e.ID)
	if !e.Revalidate {
		t.Fatal("a later shift did not flag the epic")
	}
	if list, _, _ := fx.db.ListEpics(ctx, fx.ws.ID, sightline.EpicFilter{}); !list[0].Revalidate {
		t.Fatal("the backlog does not flag it")
	}
	e, err := fx.db.RevalidateEpic(ctx, fx.as(sightline.RolePM), fx.ws.ID, e.ID, e.Version)
	if err != nil {
		t.Fatal(err)
	}
	if e.Revalidate {
		t.Fatal("still flagged after the PM confirmed it")
	}
	hist, _ := fx.db.ItemHistory(ctx, fx.ws.ID, "epic", e.ID, 1)
	if hist[0].Verb != "epic.revalidated" {
		t.Fatalf("history %v", hist)
	}
}
