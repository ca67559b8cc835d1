package server

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// Comments on every kind of item: a thread is posted on the item's page,
// replies, resolve and delete are forms there; editing has its own page,
// where a refused or stale save comes back with the user's text.

// comments are an item's threads for its page (one query).
func (s *Server) comments(r *http.Request, itemType string, itemID int64) (web.Comments, error) {
	followItem(r, itemType, itemID)
	st := state(r)
	threads, total, err := s.db.Threads(r.Context(), st.workspace.ID, itemType, itemID)
	if err != nil {
		return web.Comments{}, err
	}
	watching, _, err := s.db.Watching(r.Context(), st.workspace.ID, st.user.ID, itemType, itemID)
	return web.Comments{ItemType: itemType, ItemID: itemID, Threads: threads, Total: total, Watching: watching}, err
}

// commentTargetFromPath is the item of the URL's {targetType}/{targetID}:
// an unknown kind or another workspace's item is the 404 page.
func (s *Server) commentTargetFromPath(r *http.Request) (*postgres.CommentTarget, error) {
	typ := chi.URLParam(r, "targetType")
	if !sightline.ValidCommentTarget(typ) {
		return nil, sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
	}
	id, err := pathID(r, "targetID")
	if err != nil {
		return nil, err
	}
	return pageNotFound(s.db.CommentTargetByID(r.Context(), state(r).workspace.ID, typ, id))
}

func itemRef(ws string, t *postgres.CommentTarget) web.ItemRef {
	return web.ItemRef{Type: t.Type, ID: t.ID, Title: t.Title, Href: paths.Item(ws, t.Type, t.Ref)}
}

// handleCommentCreate posts a new thread, or a reply (parent_id), on an item.
func (s *Server) handleCommentCreate(w http.ResponseWriter, r *http.Request) error {
	target, err := s.commentTargetFromPath(r)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "body", "parent_id")
	if err != nil {
		return err
	}
	p := sightline.CheckCommentBody(f.Get("body"))
	parentID := sightline.ParseChoice(p, "parent_id", f.Get("parent_id"))
	ws := state(r).workspace
	err = checked(f, p).Err()
	if err == nil {
		var c *sightline.Comment
		if c, err = s.db.AddComment(r.Context(), actor(r), ws.ID, target.Type, target.ID, parentID, f.Get("body")); err == nil {
			s.flash(r, "success", "Comment posted.")
			return redirect(w, r, paths.Item(ws.Slug, target.Type, target.Ref)+"#comment-"+strconv.FormatInt(c.ID, 10))
		}
	}
	if sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	d := web.CommentData{Target: itemRef(ws.Slug, target), Form: s.withErrors(r, f, err)}
	if parentID != nil {
		d.ParentID = *parentID
	}
	s.render(w, r, http.StatusUnprocessableEntity, web.CommentPage(s.page(r, "Add a comment", ""), d))
	return nil
}

// commentFromPath is the comment of the URL and the item it sits on.
func (s *Server) commentFromPath(r *http.Request) (*sightline.Comment, *postgres.CommentTarget, error) {
	c, err := byPath(r, "commentID", s.db.CommentByID)
	if err != nil {
		return nil, nil, err
	}
	t, err := s.db.CommentTargetByID(r.Context(), state(r).workspace.ID, c.ItemType, c.ItemID)
	return c, t, err
}

func commentForm(c *sightline.Comment) ui.Form {
	f := ui.NewForm()
	f.Values["body"] = c.Body
	f.Values["version"] = strconv.Itoa(c.Version)
	return f
}

// handleComment shows one comment: its author may edit it there.
func (s *Server) handleComment(w http.ResponseWriter, r *http.Request) error {
	c, t, err := s.commentFromPath(r)
	if err != nil {
		return err
	}
	d := web.CommentData{Target: itemRef(wsSlug(r), t), Comment: c, Form: commentForm(c)}
	s.render(w, r, http.StatusOK, web.CommentPage(s.page(r, "Comment", ""), d))
	return nil
}

// handleCommentEdit saves the author's new text, optimistically locked: a
// stale save shows both texts, the user's kept in the form.
func (s *Server) handleCommentEdit(w http.ResponseWriter, r *http.Request) error {
	c, t, err := s.commentFromPath(r)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "body", "version")
	if err != nil {
		return err
	}
	p := sightline.CheckCommentBody(f.Get("body"))
	version := versioned(f, p)
	ws := state(r).workspace
	err = checked(f, p).Err()
	if err == nil {
		if _, err = s.db.EditComment(r.Context(), actor(r), ws.ID, c.ID, version, f.Get("body")); err == nil {
			s.flash(r, "success", "Comment saved.")
			return redirect(w, r, paths.Item(ws.Slug, t.Type, t.Ref)+"#comment-"+strconv.FormatInt(c.ID, 10))
		}
	}
	d := web.CommentData{Target: itemRef(ws.Slug, t), Comment: c}
	switch sightline.ErrorCode(err) {
	case sightline.ECONFLICT:
		now, cerr := s.db.CommentByID(r.Context(), ws.ID, c.ID)
		if cerr != nil {
			return cerr
		}
		if now.Deleted() {
			return err
		}
		d.Comment = now
		d.Conflict = []ui.ConflictField{{Label: "Comment", Mine: f.Get("body"), Theirs: now.Body}}
		s.conflicted(r, nil, mineVersion(f), now.Version)
		f.Values["version"] = strconv.Itoa(now.Version)
		d.Form = f
		s.render(w, r, http.StatusConflict, web.CommentPage(s.page(r, "Comment", ""), d))
		return nil
	case sightline.EINVALID:
		d.Form = s.withErrors(r, f, err)
		s.render(w, r, http.StatusUnprocessableEntity, web.CommentPage(s.page(r, "Comment", ""), d))
		return nil
	}
	return err
}

// handleCommentDelete leaves a tombstone: the author's own comment, or any
// for an owner.
func (s *Server) handleCommentDelete(w http.ResponseWriter, r *http.Request) error {
	c, t, err := s.commentFromPath(r)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "version")
	if err != nil {
		return err
	}
	version, err := formVersion(f)
	if err != nil {
		return err
	}
	ws := state(r).workspace
	if _, err := s.db.DeleteComment(r.Context(), actor(r), state(r).member.Role, ws.ID, c.ID, version); err != nil {
		if sightline.ErrorCode(err) != sightline.ECONFLICT {
			return err
		}
		s.flash(r, "error", "The comment changed since you loaded the page; it is not deleted. Check it and try again.")
	} else {
		s.flash(r, "success", "Comment deleted.")
	}
	return redirect(w, r, paths.Item(ws.Slug, t.Type, t.Ref)+"#comment-"+strconv.FormatInt(c.ID, 10))
}

// handleCommentResolve marks a thread resolved (resolved=1) or reopens it.
func (s *Server) handleCommentResolve(w http.ResponseWriter, r *http.Request) error {
	c, t, err := s.commentFromPath(r)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "resolved")
	if err != nil {
		return err
	}
	resolved := f.Get("resolved") == "1"
	ws := state(r).workspace
	if _, err := s.db.ResolveThread(r.Context(), actor(r), ws.ID, c.ID, resolved); err != nil {
		return err
	}
	if resolved {
		s.flash(r, "success", "Thread resolved.")
	} else {
		s.flash(r, "success", "Thread reopened.")
	}
	return redirect(w, r, paths.Item(ws.Slug, t.Type, t.Ref)+"#comment-"+strconv.FormatInt(c.ID, 10))
}

// withCommentCounts is a copy of a list of architecture items (the store
// may share its slice between requests) with each item's comment count,
// in one query.
func (s *Server) withCommentCounts(r *http.Request, items []sightline.ArchItem) ([]sightline.ArchItem, error) {
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	counts, err := s.db.CommentCounts(r.Context(), state(r).workspace.ID, "arch_item", ids)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(items)
	for i := range out {
		out[i].Comments = counts[out[i].ID]
	}
	return out, nil
}

// roadmapCommentCounts is withCommentCounts for roadmap items.
func (s *Server) roadmapCommentCounts(r *http.Request, items []sightline.RoadmapItem) ([]sightline.RoadmapItem, error) {
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	counts, err := s.db.CommentCounts(r.Context(), state(r).workspace.ID, "roadmap_item", ids)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(items)
	for i := range out {
		out[i].Comments = counts[out[i].ID]
	}
	return out, nil
}
