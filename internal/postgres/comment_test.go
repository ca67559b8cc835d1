package postgres_test

import (
	"context"
	"testing"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

func TestCommentsThreadsEditDeleteResolveAndScope(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	_, ws, members := mustWorkspace(t, db, "acme")
	_, other, otherMembers := mustWorkspace(t, db, "rival")
	pm := postgres.Actor{UserID: members[sightline.RolePM].UserID}
	arch := postgres.Actor{UserID: members[sightline.RoleArchitect].UserID}
	g, err := db.CreateGoal(ctx, pm, ws.ID, sightline.Goal{Title: "Grow revenue", Metric: "MRR", Baseline: 1, Target: 2})
	if err != nil {
		t.Fatal(err)
	}
	first, err := db.AddComment(ctx, pm, ws.ID, "goal", g.ID, nil, "Is **MRR** the right metric?")
	if err != nil {
		t.Fatal(err)
	}
	reply, err := db.AddComment(ctx, arch, ws.ID, "goal", g.ID, &first.ID, "Net revenue retention is steadier.")
	if err != nil {
		t.Fatal(err)
	}
	second, err := db.AddComment(ctx, arch, ws.ID, "goal", g.ID, nil, "Second thread.")
	if err != nil {
		t.Fatal(err)
	}
	// A reply to a reply, an empty comment, a comment on another workspace's
	// item or on an unknown kind are refused.
	if _, err := db.AddComment(ctx, pm, ws.ID, "goal", g.ID, &reply.ID, "deeper"); sightline.ErrorCode(err) != sightline.EINVALID {
		t.Fatalf("reply to a reply: %v", err)
	}
	if _, err := db.AddComment(ctx, pm, ws.ID, "goal", g.ID, nil, "  "); sightline.ErrorCode(err) != sightline.EINVALID {
		t.Fatalf("empty: %v", err)
	}
	og, err := db.CreateGoal(ctx, postgres.Actor{UserID: otherMembers[sightline.RolePM].UserID}, other.ID, sightline.Goal{Title: "Theirs", Metric: "m", Baseline: 1, Target: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddComment(ctx, pm, ws.ID, "goal", og.ID, nil, "sneaky"); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("foreign item: %v", err)
	}
	if _, err := db.AddComment(ctx, pm, ws.ID, "user", 1, nil, "x"); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("unknown kind: %v", err)
	}
	// The database refuses a cross-workspace comment even around the store.
	if _, err := db.Pool.Exec(ctx, `INSERT INTO comments (workspace_id, item_type, item_id, body) VALUES ($1, 'goal', $2, 'x')`, ws.ID, og.ID); err == nil {
		t.Fatal("the database took a comment on another workspace's goal")
	}
	if _, err := db.Pool.Exec(ctx, `INSERT INTO comments (workspace_id, item_type, item_id, parent_id, body) VALUES ($1, 'goal', $2, $3, 'x')`, other.ID, og.ID, first.ID); err == nil {
		t.Fatal("the database took a reply to a thread of another workspace")
	}
	if _, err := db.Pool.Exec(ctx, `INSERT INTO comments (workspace_id, item_type, item_id, parent_id, body) VALUES ($1, 'goal', $2, $3, 'x')`, ws.ID, g.ID, reply.ID); err == nil {
		t.Fatal("the database took a reply to a reply")
	}

	threads, total, err := db.Threads(ctx, ws.ID, "goal", g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if total != 3 || len(threads) != 2 || threads[0].ID != first.ID || len(threads[0].Replies) != 1 || threads[0].Replies[0].ID != reply.ID || threads[1].ID != second.ID {
		t.Fatalf("threads %+v (total %d)", threads, total)
	}
	if threads[0].AuthorName == "" || threads[0].Replies[0].AuthorName == "" {
		t.Fatalf("authors not named: %+v", threads[0])
	}

	// Edit: only the author, optimistically locked; the earlier text is in the history.
	if _, err := db.EditComment(ctx, arch, ws.ID, first.ID, first.Version, "hijack"); sightline.ErrorCode(err) != sightline.EFORBIDDEN {
		t.Fatalf("edit by another: %v", err)
	}
	edited, err := db.EditComment(ctx, pm, ws.ID, first.ID, first.Version, "Is MRR the right metric for now?")
	if err != nil {
		t.Fatal(err)
	}
	if edited.EditedAt == nil || edited.Version != first.Version+1 {
		t.Fatalf("edited %+v", edited)
	}
	if _, err := db.EditComment(ctx, pm, ws.ID, first.ID, first.Version, "stale"); sightline.ErrorCode(err) != sightline.ECONFLICT {
		t.Fatalf("stale edit: %v", err)
	}
	hist, err := db.ItemHistory(ctx, ws.ID, "goal", g.ID, 20)
	if err != nil {
		t.Fatal(err)
	}
	if hist[0].Verb != "comment.edited" || hist[0].Changes["comment"].From != "Is **MRR** the right metric?" {
		t.Fatalf("history %+v", hist[0])
	}

	// Resolve a thread, not a reply; reopen.
	if _, err := db.ResolveThread(ctx, arch, ws.ID, reply.ID, true); sightline.ErrorCode(err) != sightline.EINVALID {
		t.Fatalf("resolve a reply: %v", err)
	}
	if _, err := db.ResolveThread(ctx, arch, ws.ID, first.ID, true); err != nil {
		t.Fatal(err)
	}
	threads, _, _ = db.Threads(ctx, ws.ID, "goal", g.ID)
	if !threads[0].Resolved() || threads[0].ResolvedBy == "" {
		t.Fatalf("not resolved: %+v", threads[0])
	}
	if _, err := db.ResolveThread(ctx, pm, ws.ID, first.ID, false); err != nil {
		t.Fatal(err)
	}

	// Delete: the author, or an owner; a tombstone stays with its replies.
	if _, err := db.DeleteComment(ctx, arch, sightline.RoleArchitect, ws.ID, first.ID, edited.Version); sightline.ErrorCode(err) != sightline.EFORBIDDEN {
		t.Fatalf("delete by another: %v", err)
	}
	owner := postgres.Actor{UserID: members[sightline.RoleOwner].UserID}
	if _, err := db.DeleteComment(ctx, owner, sightline.RoleOwner, ws.ID, first.ID, edited.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := db.DeleteComment(ctx, arch, sightline.RoleArchitect, ws.ID, second.ID, second.Version); err != nil {
		t.Fatal(err)
	}
	threads, total, _ = db.Threads(ctx, ws.ID, "goal", g.ID)
	if total != 3 || !threads[0].Deleted() || threads[0].Body != "" || len(threads[0].Replies) != 1 || !threads[1].Deleted() {
		t.Fatalf("tombstones %+v", threads)
	}
	if _, err := db.EditComment(ctx, arch, ws.ID, second.ID, second.Version+1, "back"); sightline.ErrorCode(err) != sightline.ECONFLICT {
		t.Fatalf("edit a deleted comment: %v", err)
	}
	// Another workspace sees none of it.
	if _, err := db.CommentByID(ctx, other.ID, reply.ID); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("foreign read: %v", err)
	}
}

func TestMentionsReachMembersOfThisWorkspaceOnly(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	_, ws, members := mustWorkspace(t, db, "acme")
	_, rival, rivals := mustWorkspace(t, db, "rival")
	pm := postgres.Actor{UserID: members[sightline.RolePM].UserID}
	archID, viewerID := members[sightline.RoleArchitect].UserID, members[sightline.RoleViewer].UserID
	var handle string
	if err := db.Pool.QueryRow(ctx, `SELECT handle FROM memberships WHERE workspace_id = $1 AND user_id = $2`, ws.ID, archID).Scan(&handle); err != nil {
		t.Fatal(err)
	}
	if handle != "architect" {
		t.Fatalf("the architect's handle is %q, want the name's first word", handle)
	}
	g, err := db.CreateGoal(ctx, pm, ws.ID, sightline.Goal{Title: "Grow", Metric: "m", Baseline: 1, Target: 2})
	if err != nil {
		t.Fatal(err)
	}
	// The rival workspace has an @architect too; a mention here never reaches it.
	c, err := db.AddComment(ctx, pm, ws.ID, "goal", g.ID, nil, "@architect can you check? cc @viewer @nobody @pm")
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []struct {
		ws, user int64
		want     int
	}{{ws.ID, archID, 1}, {ws.ID, viewerID, 1}, {ws.ID, pm.UserID, 0}, {rival.ID, rivals[sightline.RoleArchitect].UserID, 0}} {
		if n, err := db.UnreadCount(ctx, who.ws, who.user); err != nil || n != who.want {
			t.Errorf("user %d in workspace %d: %d unread (%v), want %d", who.user, who.ws, n, err, who.want)
		}
	}
	inbox, err := db.Inbox(ctx, ws.ID, archID, "")
	if err != nil || len(inbox) != 1 || inbox[0].CommentID != c.ID || inbox[0].ItemTitle != "Grow" || inbox[0].ItemRef != g.ID || inbox[0].ActorName == "" {
		t.Fatalf("inbox %+v %v", inbox, err)
	}
	// Editing the comment mentions nobody twice.
	if _, err := db.EditComment(ctx, pm, ws.ID, c.ID, c.Version, "@architect please, @architect"); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.UnreadCount(ctx, ws.ID, archID); n != 1 {
		t.Fatalf("%d unread after the edit, want 1", n)
	}
	// Another member cannot mark the architect's entry read; another
	// workspace does not find it.
	if err := db.MarkRead(ctx, ws.ID, viewerID, inbox[0].ID); err != nil {
		t.Fatalf("marking another's entry: %v", err)
	}
	if n, _ := db.UnreadCount(ctx, ws.ID, archID); n != 1 {
		t.Fatalf("another member marked the architect's entry read")
	}
	if err := db.MarkRead(ctx, rival.ID, rivals[sightline.RoleArchitect].UserID, inbox[0].ID); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("marking from another workspace: %v", err)
	}
	if err := db.MarkRead(ctx, ws.ID, archID, inbox[0].ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.UnreadCount(ctx, ws.ID, archID); n != 0 {
		t.Fatalf("%d unread after reading", n)
	}
}
