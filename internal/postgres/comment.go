package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// commentTargetTables names, for each kind of item that takes comments, its
// table, its title and what its page is addressed by (a decision by number,
// everything else by id).
var commentTargetTables = map[string]struct{ table, title, ref string }{
	"epic":         {"epics", "t.title", "t.id"},
	"pain":         {"pain_notes", "left(t.quote, 80)", "t.id"},
	"shift":        {"strategy_shifts", "t.title", "t.id"},
	"initiative":   {"initiatives", "t.title", "t.id"},
	"goal":         {"goals", "t.title", "t.id"},
	"arch_item":    {"arch_items", "t.name", "t.id"},
	"concern":      {"nfr_concerns", "t.title", "t.id"},
	"decision":     {"decisions", "t.title", "t.number"},
	"roadmap_item": {"roadmap_items", "t.title", "t.id"},
}

// CommentTarget is the item a comment sits on: its title and the number its
// page is addressed by (the id, or a decision's number).
type CommentTarget struct {
	Type  string
	ID    int64
	Title string
	Ref   int64
}

// CommentTargetByID finds an item of the workspace that takes comments; an
// unknown kind or an item of another workspace is not found.
func (db *DB) CommentTargetByID(ctx context.Context, wsID int64, itemType string, id int64) (_ *CommentTarget, err error) {
	defer translateErr(&err, "store.CommentTargetByID")
	return commentTarget(ctx, db.Pool, wsID, itemType, id)
}

func commentTarget(ctx context.Context, q querier, wsID int64, itemType string, id int64) (*CommentTarget, error) {
	t, ok := commentTargetTables[itemType]
	if !ok {
		return nil, sightline.Errorf(sightline.ENOTFOUND, "Not found.")
	}
	c := &CommentTarget{Type: itemType, ID: id}
	err := q.QueryRow(ctx, `SELECT `+t.title+`, `+t.ref+`::bigint FROM `+t.table+` t WHERE t.workspace_id = $1 AND t.id = $2`,
		wsID, id).Scan(&c.Title, &c.Ref)
	return c, err
}

const commentColumns = `c.id, c.workspace_id, c.item_type, c.item_id, c.parent_id, c.author_id, coalesce(a.name, ''), c.body,
	c.edited_at, c.resolved_at, coalesce(r.name, ''), c.deleted_at, c.version, c.created_at`

// commentFrom joins the names of a comment's author and resolver.
const commentFrom = ` FROM comments c LEFT JOIN users a ON a.id = c.author_id LEFT JOIN users r ON r.id = c.resolved_by `

func scanComment(row pgx.Row) (*sightline.Comment, error) {
	var c sightline.Comment
	err := row.Scan(&c.ID, &c.WorkspaceID, &c.ItemType, &c.ItemID, &c.ParentID, &c.AuthorID, &c.AuthorName, &c.Body,
		&c.EditedAt, &c.ResolvedAt, &c.ResolvedBy, &c.DeletedAt, &c.Version, &c.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// MaxCommentsShown is how many comments an item's page lists at most (the
// oldest threads first); a busier item says how many more there are.
const MaxCommentsShown = 500

// Threads lists an item's comments as threads, oldest first, each with its
// replies oldest first, in one query; and how many comments it has in all.
func (db *DB) Threads(ctx context.Context, wsID int64, itemType string, itemID int64) (_ []sightline.Thread, _ int, err error) {
	defer translateErr(&err, "store.Threads")
	rows, err := db.Pool.Query(ctx, `SELECT `+commentColumns+`, count(*) OVER ()`+commentFrom+`
		WHERE c.workspace_id = $1 AND c.item_type = $2 AND c.item_id = $3
		ORDER BY coalesce(c.parent_id, c.id), c.parent_id IS NOT NULL, c.created_at, c.id
		LIMIT $4`, wsID, itemType, itemID, MaxCommentsShown)
	if err != nil {
		return nil, 0, err
	}
	var threads []sightline.Thread
	total := 0
	var c sightline.Comment
	dest := []any{&c.ID, &c.WorkspaceID, &c.ItemType, &c.ItemID, &c.ParentID, &c.AuthorID, &c.AuthorName, &c.Body,
		&c.EditedAt, &c.ResolvedAt, &c.ResolvedBy, &c.DeletedAt, &c.Version, &c.CreatedAt, &total}
	_, err = pgx.ForEachRow(rows, dest, func() error {
		one := c
		if one.ParentID == nil {
			threads = append(threads, sightline.Thread{Comment: one})
		} else if n := len(threads); n > 0 && threads[n-1].ID == *one.ParentID {
			threads[n-1].Replies = append(threads[n-1].Replies, one)
		}
		return nil
	})
	return threads, total, err
}

// CommentByID returns one comment of the workspace.
func (db *DB) CommentByID(ctx context.Context, wsID, id int64) (_ *sightline.Comment, err error) {
	defer translateErr(&err, "store.CommentByID")
	return scanComment(db.Pool.QueryRow(ctx, `SELECT `+commentColumns+commentFrom+`WHERE c.workspace_id = $1 AND c.id = $2`, wsID, id))
}

func lockComment(ctx context.Context, tx pgx.Tx, wsID, id int64) (*sightline.Comment, error) {
	c, err := scanComment(tx.QueryRow(ctx, `SELECT `+commentColumns+commentFrom+`WHERE c.workspace_id = $1 AND c.id = $2 FOR UPDATE OF c`, wsID, id))
	if err == pgx.ErrNoRows {
		return nil, sightline.Errorf(sightline.ENOTFOUND, "This comment does not exist any more.")
	}
	return c, err
}

// AddComment posts a comment on an item, or a reply in a thread (parentID:
// the thread's first comment, on the same item), and records it in the
// item's history.
func (db *DB) AddComment(ctx context.Context, actor Actor, wsID int64, itemType string, itemID int64, parentID *int64, body string) (_ *sightline.Comment, err error) {
	defer translateErr(&err, "store.AddComment")
	if err := sightline.CheckCommentBody(body).Err(); err != nil {
		return nil, err
	}
	var saved *sightline.Comment
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		target, err := commentTarget(ctx, tx, wsID, itemType, itemID)
		if err != nil {
			return err
		}
		if parentID != nil {
			parent, err := lockComment(ctx, tx, wsID, *parentID)
			if err != nil || parent.ItemType != itemType || parent.ItemID != itemID || parent.ParentID != nil {
				return sightline.Problems{"parent_id": "Reply to a thread of this item."}.Err()
			}
		}
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO comments (workspace_id, item_type, item_id, parent_id, author_id, body)
			VALUES ($1, $2, $3, $4, NULLIF($5, 0), $6) RETURNING id`,
			wsID, itemType, itemID, parentID, actor.UserID, body).Scan(&id); err != nil {
			return err
		}
		if saved, err = scanComment(tx.QueryRow(ctx, `SELECT `+commentColumns+commentFrom+`WHERE c.workspace_id = $1 AND c.id = $2`, wsID, id)); err != nil {
			return err
		}
		if err := notifyMentions(ctx, tx, actor, wsID, itemType, itemID, id, body); err != nil {
			return err
		}
		if parentID != nil {
			if err := notifyReplies(ctx, tx, actor, wsID, itemType, itemID, *parentID, id); err != nil {
				return err
			}
		}
		verb := "comment.added"
		if parentID != nil {
			verb = "comment.replied"
		}
		return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: verb, ItemType: itemType, ItemID: itemID,
			Summary: painSummary(target.Title)})
	})
	return saved, err
}

// EditComment saves a new text for the author's own comment, optimistically
// locked on version; the earlier text stays in the item's history.
func (db *DB) EditComment(ctx context.Context, actor Actor, wsID, id int64, version int, body string) (_ *sightline.Comment, err error) {
	defer translateErr(&err, "store.EditComment")
	if err := sightline.CheckCommentBody(body).Err(); err != nil {
		return nil, err
	}
	var saved *sightline.Comment
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := lockComment(ctx, tx, wsID, id)
		if err != nil {
			return err
		}
		if err := sightline.CanEditComment(actor.UserID, cur); err != nil {
			return err
		}
		if cur.Version != version {
			return staleVersion("comment")
		}
		if cur.Body == body {
			saved = cur
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE comments SET body = $3, edited_at = now(), updated_at = now(), version = version + 1
			WHERE workspace_id = $1 AND id = $2`, wsID, id, body); err != nil {
			return err
		}
		if saved, err = lockComment(ctx, tx, wsID, id); err != nil {
			return err
		}
		if err := notifyMentions(ctx, tx, actor, wsID, cur.ItemType, cur.ItemID, id, body); err != nil {
			return err
		}
		diff := changes{}
		diff.text("comment", cur.Body, body)
		return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "comment.edited", ItemType: cur.ItemType, ItemID: cur.ItemID,
			Summary: cur.AuthorName, Changes: diff})
	})
	return saved, err
}

// DeleteComment leaves a tombstone in place of a comment: its author's, or
// anyone's for an owner. The text is gone from the thread; the history
// keeps that a comment was deleted and by whom, not its text.
func (db *DB) DeleteComment(ctx context.Context, actor Actor, role sightline.Role, wsID, id int64, version int) (_ *sightline.Comment, err error) {
	defer translateErr(&err, "store.DeleteComment")
	var cur *sightline.Comment
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if cur, err = lockComment(ctx, tx, wsID, id); err != nil {
			return err
		}
		if cur.Deleted() {
			return nil
		}
		if err := sightline.CanDeleteComment(actor.UserID, role, cur); err != nil {
			return err
		}
		if cur.Version != version {
			return staleVersion("comment")
		}
		if _, err := tx.Exec(ctx, `UPDATE comments SET body = '', deleted_at = now(), deleted_by = NULLIF($3, 0),
			updated_at = now(), version = version + 1 WHERE workspace_id = $1 AND id = $2`, wsID, id, actor.UserID); err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "comment.deleted", ItemType: cur.ItemType, ItemID: cur.ItemID,
			Summary: cur.AuthorName})
	})
	return cur, err
}

// ResolveThread marks a thread resolved (or reopens it); any member who may
// comment may do either.
func (db *DB) ResolveThread(ctx context.Context, actor Actor, wsID, id int64, resolved bool) (_ *sightline.Comment, err error) {
	defer translateErr(&err, "store.ResolveThread")
	var cur *sightline.Comment
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if cur, err = lockComment(ctx, tx, wsID, id); err != nil {
			return err
		}
		if cur.ParentID != nil {
			return sightline.Errorf(sightline.EINVALID, "Only a thread can be resolved, not a reply.")
		}
		if (cur.ResolvedAt != nil) == resolved {
			return nil
		}
		verb := "comment.reopened"
		if resolved {
			verb = "comment.resolved"
		}
		if _, err := tx.Exec(ctx, `UPDATE comments SET resolved_at = CASE WHEN $3 THEN now() END,
			resolved_by = CASE WHEN $3 THEN NULLIF($4::bigint, 0) END, updated_at = now()
			WHERE workspace_id = $1 AND id = $2`, wsID, id, resolved, actor.UserID); err != nil {
			return err
		}
		return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: verb, ItemType: cur.ItemType, ItemID: cur.ItemID,
			Summary: cur.AuthorName})
	})
	return cur, err
}

// CommentCounts counts the comments (tombstones aside) of the items of one
// kind, for a list's page of them, in one query.
func (db *DB) CommentCounts(ctx context.Context, wsID int64, itemType string, ids []int64) (_ map[int64]int, err error) {
	defer translateErr(&err, "store.CommentCounts")
	// One query even for an empty page, so a page's query count never
	// depends on what it lists.
	counts := map[int64]int{}
	rows, err := db.Pool.Query(ctx, `SELECT item_id, count(*) FROM comments
		WHERE workspace_id = $1 AND item_type = $2 AND item_id = ANY($3) AND deleted_at IS NULL
		GROUP BY item_id`, wsID, itemType, ids)
	if err != nil {
		return nil, err
	}
	var id int64
	var n int
	_, err = pgx.ForEachRow(rows, []any{&id, &n}, func() error {
		counts[id] = n
		return nil
	})
	return counts, err
}

// notifyMentions puts a mention in the inbox of every member of the
// workspace the text names by handle ("@arjun"), once per comment, the
// author aside. A handle that is no member of this workspace notifies no one.
func notifyMentions(ctx context.Context, tx pgx.Tx, actor Actor, wsID int64, itemType string, itemID, commentID int64, body string) error {
	handles := sightline.Mentions(body)
	if len(handles) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO inbox_entries (workspace_id, user_id, kind, item_type, item_id, comment_id, actor_id)
		SELECT $1, m.user_id, 'mention', $2, $3, $4, NULLIF($5::bigint, 0) FROM memberships m
		WHERE m.workspace_id = $1 AND m.handle = ANY($6) AND m.user_id <> $5
		ON CONFLICT DO NOTHING`, wsID, itemType, itemID, commentID, actor.UserID, handles)
	return err
}

// notifyItemMentions is notifyMentions for an item's own text (an epic's
// problem and why-now, a decision's context, a shift's narrative): once
// per item and member, whichever text and save named them first.
func notifyItemMentions(ctx context.Context, tx pgx.Tx, actor Actor, wsID int64, itemType string, itemID int64, texts ...string) error {
	handles := sightline.Mentions(strings.Join(texts, "\n"))
	if len(handles) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO inbox_entries (workspace_id, user_id, kind, item_type, item_id, actor_id)
		SELECT $1, m.user_id, 'mention', $2, $3, NULLIF($4::bigint, 0) FROM memberships m
		WHERE m.workspace_id = $1 AND m.handle = ANY($5) AND m.user_id <> $4
		ON CONFLICT DO NOTHING`, wsID, itemType, itemID, actor.UserID, handles)
	return err
}

// notifyReplies tells the people of a thread (who started it, who replied
// in it) about a new reply, the replier aside and those the reply mentions
// (they have the mention).
func notifyReplies(ctx context.Context, tx pgx.Tx, actor Actor, wsID int64, itemType string, itemID, threadID, replyID int64) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO inbox_entries (workspace_id, user_id, kind, item_type, item_id, comment_id, actor_id)
		SELECT DISTINCT $1::bigint, c.author_id, 'reply', $2::text, $3::bigint, $5::bigint, NULLIF($6::bigint, 0)
		FROM comments c
		JOIN memberships m ON m.workspace_id = c.workspace_id AND m.user_id = c.author_id
		WHERE c.workspace_id = $1 AND (c.id = $4 OR c.parent_id = $4) AND c.author_id <> $6
		  AND NOT EXISTS (SELECT 1 FROM inbox_entries x WHERE x.workspace_id = $1 AND x.comment_id = $5
		                  AND x.user_id = c.author_id AND x.kind = 'mention')
		ON CONFLICT DO NOTHING`, wsID, itemType, itemID, threadID, replyID, actor.UserID)
	return err
}

// commentItemTitle and commentItemRef read, in SQL, the title and the page
// number of the item a comment c sits on.
const commentItemTitle = `CASE c.item_type
	WHEN 'epic' THEN (SELECT title FROM epics t WHERE t.workspace_id = c.workspace_id AND t.id = c.item_id)
	WHEN 'pain' THEN (SELECT left(quote, 80) FROM pain_notes t WHERE t.workspace_id = c.workspace_id AND t.id = c.item_id)
	WHEN 'shift' THEN (SELECT title FROM strategy_shifts t WHERE t.workspace_id = c.workspace_id AND t.id = c.item_id)
	WHEN 'initiative' THEN (SELECT title FROM initiatives t WHERE t.workspace_id = c.workspace_id AND t.id = c.item_id)
	WHEN 'goal' THEN (SELECT title FROM goals t WHERE t.workspace_id = c.workspace_id AND t.id = c.item_id)
	WHEN 'arch_item' THEN (SELECT name FROM arch_items t WHERE t.workspace_id = c.workspace_id AND t.id = c.item_id)
	WHEN 'concern' THEN (SELECT title FROM nfr_concerns t WHERE t.workspace_id = c.workspace_id AND t.id = c.item_id)
	WHEN 'decision' THEN (SELECT title FROM decisions t WHERE t.workspace_id = c.workspace_id AND t.id = c.item_id)
	WHEN 'roadmap_item' THEN (SELECT title FROM roadmap_items t WHERE t.workspace_id = c.workspace_id AND t.id = c.item_id)
	END`

const commentItemRef = `CASE c.item_type WHEN 'decision'
	THEN (SELECT number::bigint FROM decisions t WHERE t.workspace_id = c.workspace_id AND t.id = c.item_id)
	ELSE c.item_id END`

// MaxInboxShown is how many entries the inbox lists, newest first.
const MaxInboxShown = 200

// inboxItemTitle and inboxItemRef are the title and page number of an
// inbox entry e's item.
var (
	inboxItemTitle = strings.ReplaceAll(commentItemTitle, "c.", "e.")
	inboxItemRef   = strings.ReplaceAll(commentItemRef, "c.", "e.")
)

// Inbox lists a member's entries in a workspace (of one kind, or all:
// kind ""), open requests first, then unread, then newest, in one query.
func (db *DB) Inbox(ctx context.Context, wsID, userID int64, kind string) (_ []sightline.InboxEntry, err error) {
	defer translateErr(&err, "store.Inbox")
	rows, err := db.Pool.Query(ctx, `
		SELECT e.id, e.kind, coalesce(a.name, ''), e.verb, coalesce(e.comment_id, 0), e.item_type, e.item_id, `+inboxItemRef+`,
		       coalesce(`+inboxItemTitle+`, ''), coalesce(left(c.body, 200), ''),
		       coalesce(r.kind, ''), r.id IS NOT NULL AND r.done_at IS NULL, coalesce(d.name, ''),
		       e.read_at IS NOT NULL, e.created_at
		FROM inbox_entries e
		LEFT JOIN comments c ON c.workspace_id = e.workspace_id AND c.id = e.comment_id
		LEFT JOIN requests r ON r.workspace_id = e.workspace_id AND r.id = e.request_id
		LEFT JOIN users d ON d.id = r.done_by
		LEFT JOIN users a ON a.id = e.actor_id
		WHERE e.workspace_id = $1 AND e.user_id = $2 AND ($4 = '' OR e.kind = $4)
		ORDER BY (r.id IS NOT NULL AND r.done_at IS NULL) DESC, e.read_at IS NOT NULL, e.created_at DESC, e.id DESC
		LIMIT $3`, wsID, userID, MaxInboxShown, kind)
	if err != nil {
		return nil, err
	}
	var list []sightline.InboxEntry
	var x sightline.InboxEntry
	_, err = pgx.ForEachRow(rows, []any{&x.ID, &x.Kind, &x.ActorName, &x.Verb, &x.CommentID, &x.ItemType, &x.ItemID, &x.ItemRef, &x.ItemTitle, &x.Excerpt,
		&x.RequestKind, &x.RequestOpen, &x.DoneBy, &x.Read, &x.CreatedAt}, func() error {
		list = append(list, x)
		return nil
	})
	return list, err
}

// UnreadCount is how many of a member's inbox entries are unread.
func (db *DB) UnreadCount(ctx context.Context, wsID, userID int64) (_ int, err error) {
	defer translateErr(&err, "store.UnreadCount")
	var n int
	err = db.Pool.QueryRow(ctx, `SELECT count(*) FROM inbox_entries WHERE workspace_id = $1 AND user_id = $2 AND read_at IS NULL`, wsID, userID).Scan(&n)
	return n, err
}

// MarkRead marks one of a member's entries read, or all of them (entryID 0).
// Another member's entry is left as it is; an entry of another workspace
// is not found.
func (db *DB) MarkRead(ctx context.Context, wsID, userID, entryID int64) (err error) {
	defer translateErr(&err, "store.MarkRead")
	tag, err := db.Pool.Exec(ctx, `UPDATE inbox_entries SET read_at = now()
		WHERE workspace_id = $1 AND user_id = $2 AND ($3::bigint = 0 OR id = $3) AND read_at IS NULL`, wsID, userID, entryID)
	if err == nil && entryID != 0 && tag.RowsAffected() == 0 {
		var here bool
		if err = db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM inbox_entries WHERE workspace_id = $1 AND id = $2)`,
			wsID, entryID).Scan(&here); err == nil && !here {
			err = sightline.Errorf(sightline.ENOTFOUND, "Not found.")
		}
	}
	return err
}
