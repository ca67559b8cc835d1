package postgres_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

// decFixture is a workspace with one member per role.
type decFixture struct {
	db      *postgres.DB
	ws      *sightline.Workspace
	members map[sightline.Role]*sightline.Membership
}

func newDecFixture(t *testing.T, db *postgres.DB, slug string) decFixture {
	t.Helper()
	_, ws, members := mustWorkspace(t, db, slug)
	return decFixture{db: db, ws: ws, members: members}
}

func (fx decFixture) as(r sightline.Role) postgres.Actor {
	return postgres.Actor{UserID: fx.members[r].UserID, ClientIP: "127.0.0.1"}
}

func (fx decFixture) mustDecision(t *testing.T, title string) *sightline.Decision {
	t.Helper()
	d, err := fx.db.CreateDecision(context.Background(), fx.as(sightline.RoleArchitect), fx.ws.ID,
		sightline.Decision{Title: title, Context: "Why now.", Tradeoff: "speed vs quality"})
	if err != nil {
		t.Fatalf("create decision %q: %v", title, err)
	}
	return d
}

func decWantPgCode(t *testing.T, err error, code string) {
	t.Helper()
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != code {
		t.Fatalf("error %v, want PostgreSQL error %s", err, code)
	}
}

func TestDecisionNumbersHaveNoDuplicatesAndNoGaps(t *testing.T) {
	db := pgtest.NewDB(t)
	fx := newDecFixture(t, db, "numbers")
	other := newDecFixture(t, db, "numbers-other")
	ctx := context.Background()

	const n = 20
	numbers := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := db.CreateDecision(ctx, fx.as(sightline.RoleArchitect), fx.ws.ID, sightline.Decision{Title: "Concurrent decision"})
			errs[i] = err
			if err == nil {
				numbers[i] = d.Number
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(numbers)
	for i, got := range numbers {
		if got != i+1 {
			t.Fatalf("numbers %v, want exactly 1..%d", numbers, n)
		}
	}

	// A creation the database refuses (title past its limit, the handler
	// bypassed) rolls back with its number: the next one follows on.
	_, err := db.CreateDecision(ctx, fx.as(sightline.RoleArchitect), fx.ws.ID, sightline.Decision{Title: strings.Repeat("x", 201)})
	wantCode(t, err, sightline.EINVALID)
	next := fx.mustDecision(t, "After the refused one")
	if next.Number != n+1 || next.Ref() != "ADR-0021" {
		t.Fatalf("after a refused creation: number %d (%s), want %d", next.Number, next.Ref(), n+1)
	}
	if next.Status != sightline.DecisionProposed || next.Version != 1 {
		t.Fatalf("new decision: %+v", next)
	}

	// Numbers are per workspace.
	if d := other.mustDecision(t, "Their first"); d.Number != 1 {
		t.Fatalf("other workspace's first decision is number %d", d.Number)
	}
	// The database refuses a duplicate number even without the counter.
	_, err = db.Pool.Exec(ctx, `INSERT INTO decisions (workspace_id, number, title) VALUES ($1, 1, 'dup')`, fx.ws.ID)
	decWantPgCode(t, err, "23505")
}

func TestDecisionEditStatusRules(t *testing.T) {
	db := pgtest.NewDB(t)
	fx := newDecFixture(t, db, "rules")
	other := newDecFixture(t, db, "rules-other")
	ctx := context.Background()
	today := time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC)
	d := fx.mustDecision(t, "Meter usage with idempotent events")

	edit := *d
	// Never superseded by hand.
	edit.Status = sightline.DecisionSuperseded
	_, err := db.UpdateDecision(ctx, fx.as(sightline.RoleArchitect), fx.ws.ID, d.ID, d.Version, edit, today)
	wantCode(t, err, sightline.EINVALID)
	if sightline.FieldErrors(err)["status"] == "" {
		t.Fatalf("no message on status: %v", err)
	}
	// Accepting stamps today and the actor.
	edit.Status = sightline.DecisionAccepted
	saved, err := db.UpdateDecision(ctx, fx.as(sightline.RoleArchitect), fx.ws.ID, d.ID, d.Version, edit, today)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Status != sightline.DecisionAccepted || saved.DecidedOn == nil || !saved.DecidedOn.Equal(today) ||
		saved.DecidedByName != "architect" || saved.Version != 2 {
		t.Fatalf("accepted: %+v", saved)
	}
	// A stale version is a conflict; a foreign or missing id not found.
	_, err = db.UpdateDecision(ctx, fx.as(sightline.RoleArchitect), fx.ws.ID, d.ID, d.Version, edit, today)
	wantCode(t, err, sightline.ECONFLICT)
	_, err = db.UpdateDecision(ctx, fx.as(sightline.RoleArchitect), other.ws.ID, d.ID, saved.Version, edit, today)
	wantCode(t, err, sightline.ENOTFOUND)
	// The decider must be a member of the workspace.
	edit = *saved
	outsider := other.members[sightline.RolePM].UserID
	edit.DecidedByID = &outsider
	_, err = db.UpdateDecision(ctx, fx.as(sightline.RoleArchitect), fx.ws.ID, d.ID, saved.Version, edit, today)
	wantCode(t, err, sightline.EINVALID)
	if sightline.FieldErrors(err)["decided_by"] == "" {
		t.Fatalf("no message on decided_by: %v", err)
	}
	// A revisit date before the decision date is refused.
	early := today.AddDate(0, 0, -1)
	edit = *saved
	edit.RevisitOn = &early
	_, err = db.UpdateDecision(ctx, fx.as(sightline.RoleArchitect), fx.ws.ID, d.ID, saved.Version, edit, today)
	wantCode(t, err, sightline.EINVALID)

	history, err := db.ItemHistory(ctx, fx.ws.ID, "decision", d.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 2 || history[0].Verb != "decision.updated" || history[0].Changes["status"].To != "accepted" {
		t.Fatalf("history: %+v", history)
	}
	// The database holds the chain's shape too.
	_, err = db.Pool.Exec(ctx, `UPDATE decisions SET status = 'superseded' WHERE id = $1`, d.ID)
	decWantPgCode(t, err, "23514")
	_, err = db.Pool.Exec(ctx, `UPDATE decisions SET superseded_by_id = id WHERE id = $1`, d.ID)
	decWantPgCode(t, err, "23514")
}

func TestDecisionSupersedeChain(t *testing.T) {
	db := pgtest.NewDB(t)
	fx := newDecFixture(t, db, "chain")
	ctx := context.Background()
	old := fx.mustDecision(t, "Bill by seat")
	epicID := mustExecID(t, db, `INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', 'Usage billing', 'p') RETURNING id`, fx.ws.ID)
	if err := db.LinkDecision(ctx, fx.as(sightline.RoleArchitect), fx.ws.ID, old.ID, sightline.TargetEpic, epicID); err != nil {
		t.Fatal(err)
	}

	nd, err := db.SupersedeDecision(ctx, fx.as(sightline.RoleArchitect), fx.ws.ID, old.ID, sightline.Decision{Title: "Bill by usage", Context: sightline.SupersedeContext(old)})
	if err != nil {
		t.Fatal(err)
	}
	if nd.Number != old.Number+1 || nd.Status != sightline.DecisionProposed || len(nd.Supersedes) != 1 || nd.Supersedes[0].ID != old.ID || nd.Supersedes[0].Number != old.Number {
		t.Fatalf("new decision: %+v", nd)
	}
	gotOld, err := db.DecisionByID(ctx, fx.ws.ID, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if gotOld.Status != sightline.DecisionSuperseded || gotOld.SupersededByID == nil || *gotOld.SupersededByID != nd.ID ||
		gotOld.SupersededByNumber != nd.Number || gotOld.Version != old.Version+1 {
		t.Fatalf("old decision: %+v", gotOld)
	}
	// The new decision is about the same things.
	refs, err := db.DecisionsForEpic(ctx, fx.ws.ID, epicID)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 2 || refs[0].ID != old.ID || refs[1].ID != nd.ID || refs[1].Status != sightline.DecisionProposed {
		t.Fatalf("decisions for the epic: %+v", refs)
	}
	// Superseding it again is refused, naming its successor; nothing is created.
	_, err = db.SupersedeDecision(ctx, fx.as(sightline.RoleArchitect), fx.ws.ID, old.ID, sightline.Decision{Title: "Again"})
	wantCode(t, err, sightline.EINVALID)
	if msg := sightline.ErrorMessage(err); !strings.Contains(msg, nd.Ref()) {
		t.Fatalf("refusal %q does not name %s", msg, nd.Ref())
	}
	// The successor can be superseded in turn; the numbering had no gap.
	third, err := db.SupersedeDecision(ctx, fx.as(sightline.RoleOwner), fx.ws.ID, nd.ID, sightline.Decision{Title: "Bill by usage tiers"})
	if err != nil {
		t.Fatal(err)
	}
	if third.Number != nd.Number+1 {
		t.Fatalf("third decision is number %d, want %d", third.Number, nd.Number+1)
	}
	// Stances are not taken on a superseded decision.
	_, err = db.SetStance(ctx, fx.as(sightline.RoleEngineer), fx.ws.ID, old.ID, 0, sightline.StanceAgree, "")
	wantCode(t, err, sightline.EINVALID)
	history, err := db.ItemHistory(ctx, fx.ws.ID, "decision", old.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) == 0 || history[0].Verb != "decision.superseded" || history[0].Changes["superseded_by"].To != nd.Ref() {
		t.Fatalf("old decision's history: %+v", history)
	}
}

func TestDecisionStances(t *testing.T) {
	db := pgtest.NewDB(t)
	fx := newDecFixture(t, db, "stances")
	ctx := context.Background()
	d := fx.mustDecision(t, "One owner per list")

	set := func(r sightline.Role, version int, stance, reason string) (*sightline.Stance, error) {
		return db.SetStance(ctx, fx.as(r), fx.ws.ID, d.ID, version, stance, reason)
	}
	if _, err := set(sightline.RoleArchitect, 0, sightline.StanceAgree, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := set(sightline.RolePM, 0, sightline.StanceDisagreeAndCommit, "Sharing will be asked for soon."); err != nil {
		t.Fatal(err)
	}
	eng, err := set(sightline.RoleEngineer, 0, sightline.StanceAgree, "")
	if err != nil {
		t.Fatal(err)
	}
	// Changing one's stance needs the version it was loaded with.
	_, err = set(sightline.RoleEngineer, 0, sightline.StanceObject, "It blocks collaborators.")
	wantCode(t, err, sightline.ECONFLICT)
	eng, err = set(sightline.RoleEngineer, eng.Version, sightline.StanceObject, "It blocks collaborators.")
	if err != nil {
		t.Fatal(err)
	}
	if eng.Version != 2 || eng.Stance != sightline.StanceObject {
		t.Fatalf("changed stance: %+v", eng)
	}
	// Objections first, then disagree-and-commit, then agreement.
	list, err := db.Stances(ctx, fx.ws.ID, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, s := range list {
		order = append(order, s.Stance+":"+s.UserName)
	}
	if want := []string{"object:engineer", "disagree_and_commit:pm", "agree:architect"}; !slices.Equal(order, want) {
		t.Fatalf("stances %v, want %v", order, want)
	}
	// Accepted with the objection on record.
	edit := *d
	edit.Status = sightline.DecisionAccepted
	acc, err := db.UpdateDecision(ctx, fx.as(sightline.RoleArchitect), fx.ws.ID, d.ID, d.Version, edit, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if acc.Status != sightline.DecisionAccepted || acc.Objections != 1 {
		t.Fatalf("accepted: status %s, %d objections", acc.Status, acc.Objections)
	}
	// The database requires a reason for dissent, even with the handler bypassed.
	_, err = db.Pool.Exec(ctx, `INSERT INTO decision_stances (workspace_id, decision_id, user_id, stance, reason) VALUES ($1, $2, $3, 'object', '  ')`,
		fx.ws.ID, d.ID, fx.members[sightline.RoleOwner].UserID)
	decWantPgCode(t, err, "23514")
	_, err = set(sightline.RoleOwner, 0, sightline.StanceObject, "")
	wantCode(t, err, sightline.EINVALID)
}

func TestDecisionLinksStayInTheirWorkspace(t *testing.T) {
	db := pgtest.NewDB(t)
	fx := newDecFixture(t, db, "links")
	other := newDecFixture(t, db, "links-other")
	ctx := context.Background()
	d := fx.mustDecision(t, "Kafka for usage events")
	theirs := other.mustDecision(t, "Theirs")
	ids := map[string]int64{
		sightline.TargetEpic:    mustExecID(t, db, `INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', 'Usage billing', 'p') RETURNING id`, fx.ws.ID),
		sightline.TargetItem:    mustExecID(t, db, `INSERT INTO arch_items (workspace_id, kind, name) VALUES ($1, 'container', 'Billing service') RETURNING id`, fx.ws.ID),
		sightline.TargetConcern: mustExecID(t, db, `INSERT INTO nfr_concerns (workspace_id, category, title) VALUES ($1, 'performance', 'p99 under 200 ms') RETURNING id`, fx.ws.ID),
		sightline.TargetShift:   mustExecID(t, db, `INSERT INTO strategy_shifts (workspace_id, title, from_phase, to_phase, shifted_on) VALUES ($1, 'Upmarket', 'growth', 'profitability', '2027-01-10') RETURNING id`, fx.ws.ID),
	}
	foreign := map[string]int64{
		sightline.TargetEpic:    mustExecID(t, db, `INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', 'Theirs', 'p') RETURNING id`, other.ws.ID),
		sightline.TargetItem:    mustExecID(t, db, `INSERT INTO arch_items (workspace_id, kind, name) VALUES ($1, 'system', 'Theirs') RETURNING id`, other.ws.ID),
		sightline.TargetConcern: mustExecID(t, db, `INSERT INTO nfr_concerns (workspace_id, category, title) VALUES ($1, 'cost', 'Theirs') RETURNING id`, other.ws.ID),
		sightline.TargetShift:   mustExecID(t, db, `INSERT INTO strategy_shifts (workspace_id, title, from_phase, to_phase, shifted_on) VALUES ($1, 'Theirs', 'growth', 'stability', '2027-01-10') RETURNING id`, other.ws.ID),
	}
	tables := map[string]string{sightline.TargetEpic: "decision_epics (workspace_id, decision_id, epic_id)",
		sightline.TargetItem: "decision_items (workspace_id, decision_id, item_id)", sightline.TargetConcern: "decision_concerns (workspace_id, decision_id, concern_id)",
		sightline.TargetShift: "decision_shifts (workspace_id, decision_id, shift_id)"}
	actor := fx.as(sightline.RoleArchitect)
	for _, typ := range sightline.DecisionTargetTypes {
		if err := db.LinkDecision(ctx, actor, fx.ws.ID, d.ID, typ, ids[typ]); err != nil {
			t.Fatalf("link %s: %v", typ, err)
		}
		if err := db.LinkDecision(ctx, actor, fx.ws.ID, d.ID, typ, ids[typ]); err != nil { // twice: a no-op
			t.Fatalf("link %s again: %v", typ, err)
		}
		err := db.LinkDecision(ctx, actor, fx.ws.ID, d.ID, typ, foreign[typ])
		wantCode(t, err, sightline.ENOTFOUND)
		if sightline.FieldErrors(err)["target_id"] == "" {
			t.Fatalf("link foreign %s: no message on target_id: %v", typ, err)
		}
		wantCode(t, db.LinkDecision(ctx, actor, fx.ws.ID, theirs.ID, typ, ids[typ]), sightline.ENOTFOUND)
		// The database refuses a cross-workspace link with the store bypassed.
		_, err = db.Pool.Exec(ctx, `INSERT INTO `+tables[typ]+` VALUES ($1, $2, $3)`, fx.ws.ID, d.ID, foreign[typ])
		decWantPgCode(t, err, "23503")
		_, err = db.Pool.Exec(ctx, `INSERT INTO `+tables[typ]+` VALUES ($1, $2, $3)`, other.ws.ID, theirs.ID, ids[typ])
		decWantPgCode(t, err, "23503")
	}
	wantCode(t, db.LinkDecision(ctx, actor, fx.ws.ID, d.ID, "pain", ids[sightline.TargetEpic]), sightline.ENOTFOUND)
	// A successor must be of the same workspace.
	_, err := db.Pool.Exec(ctx, `UPDATE decisions SET status = 'superseded', superseded_by_id = $2 WHERE id = $1`, d.ID, theirs.ID)
	decWantPgCode(t, err, "23503")

	links, err := db.DecisionLinks(ctx, fx.ws.ID, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range links {
		got = append(got, l.Type+":"+l.Title)
	}
	want := []string{"epic:Usage billing", "item:Billing service", "concern:p99 under 200 ms", "shift:Upmarket"}
	if !slices.Equal(got, want) {
		t.Fatalf("links %v, want %v", got, want)
	}
	for typ, f := range map[string]func(context.Context, int64, int64) ([]sightline.DecisionRef, error){
		sightline.TargetEpic: db.DecisionsForEpic, sightline.TargetItem: db.DecisionsForItem,
		sightline.TargetConcern: db.DecisionsForConcern, sightline.TargetShift: db.DecisionsForShift,
	} {
		refs, err := f(ctx, fx.ws.ID, ids[typ])
		if err != nil {
			t.Fatal(err)
		}
		if len(refs) != 1 || refs[0].ID != d.ID || refs[0].Ref() != d.Ref() {
			t.Fatalf("decisions for %s: %+v", typ, refs)
		}
		if refs, _ := f(ctx, other.ws.ID, ids[typ]); len(refs) != 0 {
			t.Fatalf("decisions for %s seen from another workspace: %+v", typ, refs)
		}
	}
	// The log filters by linked item.
	list, _, err := db.ListDecisions(ctx, fx.ws.ID, sightline.DecisionFilter{ItemID: ids[sightline.TargetItem]}, time.Now(), 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != d.ID {
		t.Fatalf("filtered by item: %+v", list)
	}
	// Unlinking is idempotent; a foreign target is not found.
	for _, typ := range sightline.DecisionTargetTypes {
		for range 2 {
			if err := db.UnlinkDecision(ctx, actor, fx.ws.ID, d.ID, typ, ids[typ]); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, db.UnlinkDecision(ctx, actor, fx.ws.ID, d.ID, typ, foreign[typ]), sightline.ENOTFOUND)
	}
	if links, _ := db.DecisionLinks(ctx, fx.ws.ID, d.ID); len(links) != 0 {
		t.Fatalf("links left: %+v", links)
	}
}

func TestDecisionLogFilters(t *testing.T) {
	db := pgtest.NewDB(t)
	fx := newDecFixture(t, db, "log")
	ctx := context.Background()
	today := time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)
	past, future := today.AddDate(0, -1, 0), today.AddDate(0, 1, 0)
	mk := func(title, status string, revisit *time.Time) *sightline.Decision {
		d := fx.mustDecision(t, title)
		if status == sightline.DecisionProposed && revisit == nil {
			return d
		}
		edit := *d
		edit.Status, edit.RevisitOn = status, revisit
		d, err := db.UpdateDecision(ctx, fx.as(sightline.RoleArchitect), fx.ws.ID, d.ID, d.Version, edit, past.AddDate(0, 0, -1))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	due := mk("Due", sightline.DecisionAccepted, &past)
	mk("Later", sightline.DecisionAccepted, &future)
	mk("Rejected and past", sightline.DecisionRejected, &past)
	mk("Proposed", sightline.DecisionProposed, nil)
	titles := func(f sightline.DecisionFilter) []string {
		list, total, err := db.ListDecisions(ctx, fx.ws.ID, f, today, 50, 0)
		if err != nil {
			t.Fatal(err)
		}
		if total != len(list) {
			t.Fatalf("total %d for %d decisions", total, len(list))
		}
		var out []string
		for _, d := range list {
			out = append(out, d.Title)
		}
		return out
	}
	if got := titles(sightline.DecisionFilter{}); !slices.Equal(got, []string{"Proposed", "Rejected and past", "Later", "Due"}) {
		t.Fatalf("log, newest first: %v", got)
	}
	if got := titles(sightline.DecisionFilter{Status: sightline.DecisionAccepted}); !slices.Equal(got, []string{"Later", "Due"}) {
		t.Fatalf("accepted: %v", got)
	}
	if got := titles(sightline.DecisionFilter{RevisitDue: true}); !slices.Equal(got, []string{"Due"}) {
		t.Fatalf("revisit due: %v", got)
	}
	if !due.RevisitDue(today) {
		t.Fatal("RevisitDue disagrees with the filter")
	}
	if got := titles(sightline.DecisionFilter{Status: "bogus"}); len(got) != 4 {
		t.Fatalf("an unknown status filters nothing: %v", got)
	}

	// Pages: newest first, the total whatever the page, even past the end.
	page := func(f sightline.DecisionFilter, limit, offset int) ([]string, int) {
		list, total, err := db.ListDecisions(ctx, fx.ws.ID, f, today, limit, offset)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range list {
			out = append(out, d.Title)
		}
		return out, total
	}
	if got, total := page(sightline.DecisionFilter{}, 3, 0); !slices.Equal(got, []string{"Proposed", "Rejected and past", "Later"}) || total != 4 {
		t.Fatalf("page 1 of 3: %v of %d", got, total)
	}
	if got, total := page(sightline.DecisionFilter{}, 3, 3); !slices.Equal(got, []string{"Due"}) || total != 4 {
		t.Fatalf("page 2 of 3: %v of %d", got, total)
	}
	if got, total := page(sightline.DecisionFilter{Status: sightline.DecisionAccepted}, 1, 1); !slices.Equal(got, []string{"Due"}) || total != 2 {
		t.Fatalf("accepted, page 2 of 1: %v of %d", got, total)
	}
	if got, total := page(sightline.DecisionFilter{}, 3, 30); len(got) != 0 || total != 4 {
		t.Fatalf("past the end: %v of %d", got, total)
	}
}
