package sightline

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Comments: every kind of item carries threads of comments (markdown, the
// same sanitizing allow-list as every other text), one level of replies, a
// thread resolved and reopened, an author's own comment edited (optimistic
// lock) or deleted (a tombstone stays), an owner deleting anyone's.

// MaxCommentBody is the longest comment, in characters (the database checks it too).
const MaxCommentBody = 10000

// CommentTargets are the kinds of item a comment may sit on, as item types.
var CommentTargets = []string{"epic", "pain", "shift", "initiative", "goal", "arch_item", "concern", "decision", "roadmap_item"}

// ValidCommentTarget reports whether t is a kind of item that takes comments.
func ValidCommentTarget(t string) bool {
	for _, c := range CommentTargets {
		if c == t {
			return true
		}
	}
	return false
}

// Comment is one comment of a thread.
type Comment struct {
	ID          int64
	WorkspaceID int64
	ItemType    string
	ItemID      int64
	ParentID    *int64 // nil for a thread's first comment
	AuthorID    *int64 // nil when the author's account is gone
	AuthorName  string
	Body        string // markdown; empty once deleted
	EditedAt    *time.Time
	ResolvedAt  *time.Time // a thread's first comment only
	ResolvedBy  string
	DeletedAt   *time.Time
	Version     int
	CreatedAt   time.Time
}

// Deleted reports whether the comment is a tombstone.
func (c Comment) Deleted() bool { return c.DeletedAt != nil }

// Thread is a top-level comment and its replies, oldest first.
type Thread struct {
	Comment
	Replies []Comment
}

// Resolved reports whether the thread is marked resolved.
func (t Thread) Resolved() bool { return t.ResolvedAt != nil }

// CheckCommentBody names what is wrong with a comment's text.
func CheckCommentBody(body string) Problems {
	p := Problems{}
	switch {
	case strings.TrimSpace(body) == "":
		p.Add("body", "Write the comment.")
	case utf8.RuneCountInString(body) > MaxCommentBody:
		p.Add("body", "A comment is at most 10,000 characters.")
	}
	return p
}

// CanEditComment is nil when the user may edit the comment: only its
// author, and not once it is deleted.
func CanEditComment(userID int64, c *Comment) error {
	if c.Deleted() {
		return Errorf(ECONFLICT, "This comment was deleted.")
	}
	if c.AuthorID == nil || *c.AuthorID != userID {
		return Errorf(EFORBIDDEN, "Only its author can edit a comment.")
	}
	return nil
}

// CanDeleteComment is nil when the member may delete the comment: its
// author, or an owner (moderation).
func CanDeleteComment(userID int64, role Role, c *Comment) error {
	if c.AuthorID != nil && *c.AuthorID == userID {
		return nil
	}
	if role.Can(ActionModerateComments) {
		return nil
	}
	return Errorf(EFORBIDDEN, "Only its author or an owner can delete a comment.")
}

// mentionPattern finds "@handle" at a word start: not inside an email
// address or another word.
var mentionPattern = regexp.MustCompile(`(?:^|[^\w@.])@([a-z0-9][a-z0-9._-]{0,29})`)

// Mentions lists the handles a text mentions ("@arjun"), each once, in
// order; whether a handle is a member is the store's to check.
func Mentions(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range mentionPattern.FindAllStringSubmatch(strings.ToLower(text), -1) {
		h := strings.TrimRight(m[1], "._-")
		if h != "" && !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out
}

// InboxEntry is one thing that asks for a member's attention: a mention,
// a reply in a thread of theirs, a change to an item they watch, or a
// request to them.
type InboxEntry struct {
	ID        int64
	Kind      string // InboxMention, InboxReply, InboxChange, InboxRequest
	ActorName string
	Verb      string // the change's activity verb, or "request.estimate" …
	CommentID int64  // a mention in a comment, a reply; 0 otherwise
	ItemType  string
	ItemID    int64
	ItemRef   int64 // the item's id, or a decision's number
	ItemTitle string
	Excerpt   string // the start of the comment, plain text
	// A request's state: open until done, then who did it.
	RequestKind RequestKind
	RequestOpen bool
	DoneBy      string
	Read        bool
	CreatedAt   time.Time
}

// The kinds of inbox entries, and the filter's choices.
const (
	InboxMention = "mention"
	InboxReply   = "reply"
	InboxChange  = "change"
	InboxRequest = "request"
)

// InboxKinds are the inbox's filters, in order, with their labels.
var InboxKinds = []struct{ Kind, Label string }{
	{InboxRequest, "Requests"}, {InboxMention, "Mentions"}, {InboxReply, "Replies"}, {InboxChange, "Changes"},
}

// ValidInboxKind reports whether k is an inbox filter ("" is all).
func ValidInboxKind(k string) bool {
	for _, x := range InboxKinds {
		if x.Kind == k {
			return true
		}
	}
	return k == ""
}

var handleRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,29}$`)

// NormalizeHandle is a typed handle as stored: trimmed, without a leading
// "@", lower-case.
func NormalizeHandle(h string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "@"))
}

// CheckHandle adds a problem for field unless h (normalized) can be a handle.
func CheckHandle(p Problems, field, h string) {
	if !handleRE.MatchString(h) {
		p.Add(field, "A handle is 1–30 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit.")
	}
}
