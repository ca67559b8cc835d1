package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

func inboxKinds(t *testing.T, db *postgres.DB, wsID, userID int64, kind string) []sightline.InboxEntry {
	t.Helper()
	list, err := db.Inbox(context.Background(), wsID, userID, kind)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func requestOf(t *testing.T, db *postgres.DB, wsID int64, itemType string, itemID, recipient int64, kind sightline.RequestKind) sightline.Request {
	t.Helper()
	list, err := db.RequestsOn(context.Background(), wsID, itemType, itemID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range list {
		if r.RecipientID == recipient && r.Kind == kind {
			return r
		}
	}
	t.Fatalf("no %s request to %d on %s %d in %+v", kind, recipient, itemType, itemID, list)
	return sightline.Request{}
}

// TestRequestsOpenAndCloseThemselves: each kind of request lands in its
// recipient's inbox, open, and closes by itself when the work is done,
// saying who did it.
func TestRequestsOpenAndCloseThemselves(t *testing.T) {
	fx := newEpicFixture(t, "acme")
	db, ws, ctx := fx.db, fx.ws, context.Background()
	eng, arch := fx.members[sightline.RoleEngineer].UserID, fx.members[sightline.RoleArchitect].UserID
	e := fx.mustEpic(t, sightline.Epic{Title: "Usage billing"})

	// Estimate: asked of the engineer; the architect's estimate closes it.
	if err := db.AskFor(ctx, fx.as(sightline.RolePM), ws.ID, sightline.RequestEstimate, e.ID, []int64{eng}, "for the Q1 plan"); err != nil {
		t.Fatal(err)
	}
	in := inboxKinds(t, db, ws.ID, eng, sightline.InboxRequest)
	if len(in) != 1 || !in[0].RequestOpen || in[0].RequestKind != sightline.RequestEstimate || in[0].ItemTitle != "Usage billing" {
		t.Fatalf("engineer's requests %+v", in)
	}
	// Asking again while open is no second request.
	if err := db.AskFor(ctx, fx.as(sightline.RolePM), ws.ID, sightline.RequestEstimate, e.ID, []int64{eng}, ""); err != nil {
		t.Fatal(err)
	}
	if n := len(inboxKinds(t, db, ws.ID, eng, sightline.InboxRequest)); n != 1 {
		t.Fatalf("%d request entries after asking twice", n)
	}
	// An edit of the epic is not the estimate.
	cur, _ := db.EpicByID(ctx, ws.ID, e.ID)
	if _, err := db.UpdateEpicTechnical(ctx, fx.as(sightline.RoleArchitect), ws.ID, e.ID, cur.Version, sightline.EpicTechnical{Enables: "more", TechOwnerID: cur.TechOwnerID, Effort: cur.Effort}); err != nil {
		t.Fatal(err)
	}
	if r := requestOf(t, db, ws.ID, "epic", e.ID, eng, sightline.RequestEstimate); !r.Open() {
		t.Fatal("an unrelated edit closed the estimate request")
	}
	cur, _ = db.EpicByID(ctx, ws.ID, e.ID)
	if _, err := db.EstimateEpic(ctx, fx.as(sightline.RoleArchitect), ws.ID, e.ID, cur.Version, "M", "One new service."); err != nil {
		t.Fatal(err)
	}
	r := requestOf(t, db, ws.ID, "epic", e.ID, eng, sightline.RequestEstimate)
	if r.Open() || r.DoneBy != "architect" || r.RequestedBy != "pm" || r.Note != "for the Q1 plan" {
		t.Fatalf("estimate request after the estimate: %+v", r)
	}
	if in := inboxKinds(t, db, ws.ID, eng, sightline.InboxRequest); in[0].RequestOpen || in[0].DoneBy != "architect" {
		t.Fatalf("the engineer's entry after the estimate: %+v", in[0])
	}

	// Feasibility: only architects may be asked; asking marks it requested;
	// recording it done closes it.
	if err := db.AskFor(ctx, fx.as(sightline.RolePM), ws.ID, sightline.RequestFeasibility, e.ID, []int64{eng}, ""); sightline.ErrorCode(err) != sightline.EINVALID {
		t.Fatalf("feasibility asked of an engineer: %v", err)
	}
	if err := db.AskFor(ctx, fx.as(sightline.RolePM), ws.ID, sightline.RequestFeasibility, e.ID, []int64{arch}, ""); err != nil {
		t.Fatal(err)
	}
	cur, _ = db.EpicByID(ctx, ws.ID, e.ID)
	if cur.Feasibility != sightline.FeasibilityRequested {
		t.Fatalf("feasibility %s after asking, want requested", cur.Feasibility)
	}
	if _, err := db.RecordFeasibility(ctx, fx.as(sightline.RoleArchitect), ws.ID, e.ID, cur.Version, sightline.FeasibilityDone, "Fine."); err != nil {
		t.Fatal(err)
	}
	if r := requestOf(t, db, ws.ID, "epic", e.ID, arch, sightline.RequestFeasibility); r.Open() || r.DoneBy != "architect" {
		t.Fatalf("feasibility request after the check-in: %+v", r)
	}
	if err := db.AskFor(ctx, fx.as(sightline.RolePM), ws.ID, sightline.RequestFeasibility, e.ID, []int64{arch}, ""); sightline.ErrorCode(err) != sightline.ECONFLICT {
		t.Fatalf("asking for a done check-in: %v", err)
	}

	// Stances: each recipient's own stance closes their request only.
	d, err := db.CreateDecision(ctx, fx.as(sightline.RoleArchitect), ws.ID, sightline.Decision{Title: "Separate billing service"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AskFor(ctx, fx.as(sightline.RoleViewer), ws.ID, sightline.RequestStance, d.ID, []int64{eng, fx.members[sightline.RolePM].UserID}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetStance(ctx, fx.as(sightline.RoleEngineer), ws.ID, d.ID, 0, sightline.StanceAgree, ""); err != nil {
		t.Fatal(err)
	}
	if r := requestOf(t, db, ws.ID, "decision", d.ID, eng, sightline.RequestStance); r.Open() || r.DoneBy != "engineer" {
		t.Fatalf("engineer's stance request: %+v", r)
	}
	if r := requestOf(t, db, ws.ID, "decision", d.ID, fx.members[sightline.RolePM].UserID, sightline.RequestStance); !r.Open() {
		t.Fatal("the engineer's stance closed the PM's request")
	}

	// A shift asks every architect; their acknowledgement closes it.
	s, err := db.CreateShift(ctx, fx.as(sightline.RolePM), ws.ID, sightline.StrategyShift{Title: "Upmarket", FromPhase: sightline.PhaseGrowth,
		ToPhase: sightline.PhaseStability, ShiftedOn: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}, false)
	if err != nil {
		t.Fatal(err)
	}
	if r := requestOf(t, db, ws.ID, "shift", s.ID, arch, sightline.RequestShiftAck); !r.Open() {
		t.Fatal("the architect's acknowledgement request is not open")
	}
	for _, in := range inboxKinds(t, db, ws.ID, eng, sightline.InboxRequest) {
		if in.RequestKind == sightline.RequestShiftAck {
			t.Fatalf("the engineer was asked to acknowledge a shift: %+v", in)
		}
	}
	if err := db.AcknowledgeShift(ctx, fx.as(sightline.RoleArchitect), ws.ID, s.ID, "No impact."); err != nil {
		t.Fatal(err)
	}
	if r := requestOf(t, db, ws.ID, "shift", s.ID, arch, sightline.RequestShiftAck); r.Open() || r.DoneBy != "architect" {
		t.Fatalf("acknowledgement request after acknowledging: %+v", r)
	}
	// Open requests come first in the inbox.
	all := inboxKinds(t, db, ws.ID, fx.members[sightline.RolePM].UserID, "")
	if len(all) == 0 || all[0].Kind != sightline.InboxRequest || !all[0].RequestOpen {
		t.Fatalf("the PM's inbox does not start with the open request: %+v", all)
	}
}

// TestRequestsToPeopleWhoLeftOrLostTheRole: a request outlives its
// recipient's membership or role and says so; one cannot ask a
// non-member or someone of another workspace.
func TestRequestsToPeopleWhoLeftOrLostTheRole(t *testing.T) {
	fx := newEpicFixture(t, "acme")
	db, ws, ctx := fx.db, fx.ws, context.Background()
	_, _, rivals := mustWorkspace(t, db, "rival")
	e := fx.mustEpic(t, sightline.Epic{Title: "Billing"})
	eng, arch := fx.members[sightline.RoleEngineer], fx.members[sightline.RoleArchitect]
	if err := db.AskFor(ctx, fx.as(sightline.RolePM), ws.ID, sightline.RequestEstimate, e.ID, []int64{rivals[sightline.RoleEngineer].UserID}, ""); sightline.ErrorCode(err) != sightline.EINVALID {
		t.Fatalf("asking another workspace's engineer: %v", err)
	}
	if _, err := db.Pool.Exec(ctx, `INSERT INTO requests (workspace_id, kind, item_type, item_id, recipient_id) VALUES ($1, 'estimate', 'epic', $2, $3)`,
		ws.ID, e.ID, rivals[sightline.RoleEngineer].UserID); err == nil {
		t.Fatal("the database took a request to a member of another workspace")
	}
	if err := db.AskFor(ctx, fx.as(sightline.RolePM), ws.ID, sightline.RequestEstimate, e.ID, []int64{eng.UserID, arch.UserID}, ""); err != nil {
		t.Fatal(err)
	}
	owner := fx.as(sightline.RoleOwner)
	if err := db.RemoveMember(ctx, owner, ws.ID, eng.ID, eng.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ChangeRole(ctx, owner, ws.ID, arch.ID, arch.Version, sightline.RoleViewer); err != nil {
		t.Fatal(err)
	}
	if got := requestOf(t, db, ws.ID, "epic", e.ID, eng.UserID, sightline.RequestEstimate).Standing(); got != "engineer is no longer in this workspace" {
		t.Errorf("standing of the removed engineer: %q", got)
	}
	if got := requestOf(t, db, ws.ID, "epic", e.ID, arch.UserID, sightline.RequestEstimate).Standing(); got != "architect can no longer do this as viewer" {
		t.Errorf("standing of the demoted architect: %q", got)
	}
}

// TestWatchesRepliesAndTextMentions: owners, creators and commenters
// watch; a change by someone else gathers in one unread entry per item;
// unwatching stops it and stays; replies reach the thread's people;
// "@handle" in an epic's problem or a shift's narrative notifies once.
func TestWatchesRepliesAndTextMentions(t *testing.T) {
	fx := newEpicFixture(t, "acme")
	db, ws, ctx := fx.db, fx.ws, context.Background()
	pm, eng, arch := fx.members[sightline.RolePM].UserID, fx.members[sightline.RoleEngineer].UserID, fx.members[sightline.RoleArchitect].UserID
	e := fx.mustEpic(t, sightline.Epic{Title: "Billing", Problem: "Ask @engineer about metering", TechOwnerID: &arch})
	if in := inboxKinds(t, db, ws.ID, eng, sightline.InboxMention); len(in) != 1 || in[0].CommentID != 0 || in[0].ItemRef != e.ID {
		t.Fatalf("engineer's mention from the problem: %+v", in)
	}
	for _, u := range []int64{pm, arch} {
		if on, _, err := db.Watching(ctx, ws.ID, u, "epic", e.ID); err != nil || !on {
			t.Fatalf("user %d does not watch the epic they created or own (%v)", u, err)
		}
	}
	// Two changes by the engineer gather into one unread entry for each watcher.
	for range 2 {
		cur, _ := db.EpicByID(ctx, ws.ID, e.ID)
		if _, err := db.EstimateEpic(ctx, fx.as(sightline.RoleEngineer), ws.ID, e.ID, cur.Version, "L", "Big "+time.Now().String()); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []int64{pm, arch} {
		if in := inboxKinds(t, db, ws.ID, u, sightline.InboxChange); len(in) != 1 || in[0].Verb != "epic.estimated" || in[0].ActorName != "engineer" {
			t.Fatalf("user %d's changes: %+v", u, in)
		}
	}
	if in := inboxKinds(t, db, ws.ID, eng, sightline.InboxChange); len(in) != 0 {
		t.Fatalf("the engineer was told of their own change: %+v", in)
	}
	// The architect unwatches; commenting later does not turn it back on.
	if err := db.Watch(ctx, fx.as(sightline.RoleArchitect), ws.ID, "epic", e.ID, false); err != nil {
		t.Fatal(err)
	}
	thread, err := db.AddComment(ctx, fx.as(sightline.RoleArchitect), ws.ID, "epic", e.ID, nil, "Metering must be idempotent.")
	if err != nil {
		t.Fatal(err)
	}
	if on, _, _ := db.Watching(ctx, ws.ID, arch, "epic", e.ID); on {
		t.Fatal("commenting turned a chosen unwatch back on")
	}
	// A reply reaches the thread's starter (not the replier); the viewer,
	// who replies too, then hears of the next reply.
	if _, err := db.AddComment(ctx, fx.as(sightline.RoleViewer), ws.ID, "epic", e.ID, &thread.ID, "Why?"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddComment(ctx, fx.as(sightline.RoleArchitect), ws.ID, "epic", e.ID, &thread.ID, "Retries."); err != nil {
		t.Fatal(err)
	}
	if in := inboxKinds(t, db, ws.ID, arch, sightline.InboxReply); len(in) != 1 {
		t.Fatalf("the thread's starter has %d replies, want 1 (the viewer's)", len(in))
	}
	if in := inboxKinds(t, db, ws.ID, fx.members[sightline.RoleViewer].UserID, sightline.InboxReply); len(in) != 1 {
		t.Fatalf("the viewer has %d replies, want 1 (the architect's answer)", len(in))
	}
	// A watched item of another workspace stays there: the database refuses the watch.
	_, rival, _ := mustWorkspace(t, db, "rival")
	if _, err := db.Pool.Exec(ctx, `INSERT INTO watches (workspace_id, user_id, item_type, item_id, reason) VALUES ($1, $2, 'epic', $3, 'chosen')`,
		rival.ID, pm, e.ID); err == nil {
		t.Fatal("the database took a watch across workspaces")
	}
	// A narrative mention.
	if _, err := db.CreateShift(ctx, fx.as(sightline.RolePM), ws.ID, sightline.StrategyShift{Title: "Upmarket", Narrative: "@viewer read this",
		FromPhase: sightline.PhaseGrowth, ToPhase: sightline.PhaseStability, ShiftedOn: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}, false); err != nil {
		t.Fatal(err)
	}
	if in := inboxKinds(t, db, ws.ID, fx.members[sightline.RoleViewer].UserID, sightline.InboxMention); len(in) != 1 || in[0].ItemType != "shift" {
		t.Fatalf("viewer's mentions: %+v", in)
	}
}
