package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sightline/sightline/internal/live"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// Live updates. Every open workspace page holds one event stream
// (GET /w/{ws}/events, Server-Sent Events) naming what it follows: its
// item (for threads, presence and "someone changed this") and topics (the
// backlog's cards, the shift log, the activity feed); its member's inbox
// always. The stream sends only ids and names; the page's marked fragments
// then fetch themselves through the usual authorized routes, rendered by
// the same components as the full page.

const (
	sseHeartbeat = 15 * time.Second // a comment line, so proxies keep an idle stream
	sseRetry     = 3 * time.Second  // how soon a browser reconnects
	sseWrite     = 10 * time.Second // a write the client does not take in this ends the stream
	// presenceBeat is how often an instance refreshes its open pages'
	// presence (well inside postgres.PresenceStale).
	presenceBeat = 10 * time.Second
	// resumeLimit bounds what a stream resuming from far back replays from
	// the store; past it the page reloads its fragments anyway.
	resumeLimit = 1000
)

// The stream's event names, what the page's fragments listen for.
const (
	sseInbox    = "inbox"    // the member's inbox changed
	sseThread   = "thread"   // a comment on the page's item
	sseItem     = "item"     // someone else changed the page's item
	ssePresence = "presence" // who has the page's item open changed
	sseClose    = "close"    // the stream ends for good (membership gone)
)

// topics a page may follow, and which events each takes.
var liveTopics = map[string]func(e sightline.Event) bool{
	"epics":  func(e sightline.Event) bool { return e.ItemType == "epic" },
	"shifts": func(e sightline.Event) bool { return e.ItemType == "shift" },
	"activity": func(e sightline.Event) bool {
		return e.Kind != sightline.EventPresence && e.Kind != sightline.EventInbox
	},
}

// follow marks the topics the page follows on its event stream.
func follow(r *http.Request, topics ...string) {
	st := state(r)
	st.live.Topics = append(st.live.Topics, topics...)
}

// followItem marks the item the page shows.
func followItem(r *http.Request, itemType string, itemID int64) {
	st := state(r)
	st.live.ItemType, st.live.ItemID = itemType, itemID
}

// streamSpec is what one stream follows, read from its query.
type streamSpec struct {
	itemType string
	itemID   int64
	topics   []string
}

func parseStreamSpec(r *http.Request) (streamSpec, error) {
	var sp streamSpec
	q := r.URL.Query()
	if it := q.Get("item"); it != "" {
		typ, idText, _ := strings.Cut(it, ":")
		id, err := strconv.ParseInt(idText, 10, 64)
		if !sightline.ValidCommentTarget(typ) || err != nil || id <= 0 {
			return sp, sightline.Errorf(sightline.EINVALID, "Unknown item %q.", it)
		}
		sp.itemType, sp.itemID = typ, id
	}
	for _, t := range q["topic"] {
		if liveTopics[t] == nil {
			return sp, sightline.Errorf(sightline.EINVALID, "Unknown topic %q.", t)
		}
		sp.topics = append(sp.topics, t)
	}
	return sp, nil
}

// names are the stream's event names for e, for member userID.
func (sp streamSpec) names(e sightline.Event, userID int64) []string {
	var out []string
	if e.Kind == sightline.EventInbox {
		return []string{sseInbox}
	}
	bulk := e.Kind == sightline.EventBulk
	if sp.itemType != "" && (bulk || e.ItemType == sp.itemType && e.ItemID == sp.itemID) {
		switch {
		case bulk:
			out = append(out, sseThread, sseItem)
		case e.Kind == sightline.EventPresence:
			out = append(out, ssePresence)
		case e.IsComment():
			out = append(out, sseThread)
		case e.ActorID != userID:
			out = append(out, sseItem)
		}
	}
	for _, t := range sp.topics {
		if bulk || liveTopics[t](e) {
			out = append(out, t)
		}
	}
	return out
}

// handleEvents is the workspace's event stream for one open page.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) error {
	sp, err := parseStreamSpec(r)
	if err != nil {
		return err
	}
	st := state(r)
	ws, user := st.workspace, st.user
	if sp.itemType != "" {
		if _, err := pageNotFound(s.db.CommentTargetByID(r.Context(), ws.ID, sp.itemType, sp.itemID)); err != nil {
			return err
		}
	}
	lastID, _ := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	sub, missed, resumed := s.hub.Subscribe(ws.ID, user.ID, lastID)
	defer s.hub.Unsubscribe(sub)
	sent := map[int64]bool{}
	if !resumed {
		// Further back than this instance remembers: the gap from the store.
		if missed, err = s.db.EventsSince(r.Context(), ws.ID, lastID, resumeLimit); err != nil {
			return err
		}
	}

	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	write := func(format string, a ...any) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(sseWrite))
		if _, err := fmt.Fprintf(w, format, a...); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write("retry: %d\n: stream of %s\n\n", sseRetry.Milliseconds(), ws.Slug) {
		return nil
	}

	if sp.itemType != "" {
		conn := s.instance + "-" + newConnID()
		if err := s.db.PresenceJoin(r.Context(), conn, ws.ID, user.ID, sp.itemType, sp.itemID); err == nil {
			s.present.Store(conn, struct{}{})
			defer func() {
				s.present.Delete(conn)
				ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
				defer cancel()
				_ = s.db.PresenceLeave(ctx, conn)
			}()
		}
	}

	send := func(e sightline.Event) bool {
		if uid, ok := e.MemberChanged(); ok && uid == user.ID {
			if _, _, err := s.db.WorkspaceForMember(r.Context(), ws.Slug, user.ID); err != nil {
				write("event: %s\ndata: {}\n\n", sseClose)
				return false
			}
		}
		names := sp.names(e, user.ID)
		if len(names) == 0 {
			return true
		}
		data, _ := json.Marshal(struct {
			ID    int64  `json:"id"`
			Kind  string `json:"kind"`
			Type  string `json:"type,omitempty"`
			Item  int64  `json:"item,omitempty"`
			Actor int64  `json:"actor,omitempty"`
		}{e.ID, e.Kind, e.ItemType, e.ItemID, e.ActorID})
		var b strings.Builder
		for _, n := range names {
			fmt.Fprintf(&b, "id: %d\nevent: %s\ndata: %s\n\n", e.ID, n, data)
		}
		return write("%s", b.String())
	}
	for _, e := range missed {
		sent[e.ID] = true
		if !send(e) {
			return nil
		}
	}
	beat := time.NewTicker(sseHeartbeat)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-sub.Done():
			return nil
		case <-beat.C:
			if !write(": keep-alive\n\n") {
				return nil
			}
		case e := <-sub.Events():
			if sent[e.ID] {
				continue
			}
			if !send(e) {
				return nil
			}
		}
	}
}

func newConnID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// runLive is the instance's side of live updates until ctx ends: the
// listening connection publishing into the hub, the presence refresh, and
// the pruning of old events.
func (s *Server) runLive(ctx context.Context, ready func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.db.Listen(ctx, s.hub.Publish, func(rep postgres.ListenReport) {
			switch {
			case rep.Connected && rep.CaughtUp > 0:
				s.log.Info("event listener reconnected", "caught_up", rep.CaughtUp)
			case !rep.Connected && ctx.Err() == nil:
				s.log.Warn("event listener lost its connection", "err", rep.Err, "retry_in", rep.RetryIn)
			}
		}, ready)
	}()
	beat := time.NewTicker(presenceBeat)
	defer beat.Stop()
	prune := time.NewTicker(time.Hour)
	defer prune.Stop()
	for {
		select {
		case <-ctx.Done():
			<-done
			return
		case <-beat.C:
			var conns []string
			s.present.Range(func(k, _ any) bool {
				conns = append(conns, k.(string))
				return true
			})
			if len(conns) == 0 {
				continue // nothing open here to keep fresh, nobody here to tell
			}
			if err := s.db.PresenceRefresh(ctx, conns); err != nil && ctx.Err() == nil {
				s.log.Warn("refresh presence", "err", err)
			}
		case <-prune.C:
			if _, err := s.db.PruneEvents(ctx, time.Now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
				s.log.Warn("prune events", "err", err)
			}
			if err := s.db.PruneUploads(ctx, time.Now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
				s.log.Warn("prune uploads", "err", err)
			}
		}
	}
}

// handleInboxBadge is the nav's inbox link alone, refreshed on "inbox".
func (s *Server) handleInboxBadge(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	n, err := s.db.UnreadCount(r.Context(), st.workspace.ID, st.user.ID)
	if err != nil {
		return err
	}
	p := s.page(r, "", "")
	p.Unread = n
	s.render(w, r, http.StatusOK, ui.InboxLink(p))
	return nil
}

// handleItemComments is an item's comments section alone, refreshed on "thread".
func (s *Server) handleItemComments(w http.ResponseWriter, r *http.Request) error {
	target, err := s.commentTargetFromPath(r)
	if err != nil {
		return err
	}
	c, err := s.comments(r, target.Type, target.ID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, web.CommentsSection(s.page(r, "", ""), c))
	return nil
}

// handleItemPresence lists who else has the item open.
func (s *Server) handleItemPresence(w http.ResponseWriter, r *http.Request) error {
	target, err := s.commentTargetFromPath(r)
	if err != nil {
		return err
	}
	st := state(r)
	list, err := s.db.PresenceOn(r.Context(), st.workspace.ID, st.user.ID, target.Type, target.ID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, web.PresenceList(list))
	return nil
}

// handleItemEditing marks the member as typing on the item (the page's
// script sends it on the first keystroke in a form, then now and then).
func (s *Server) handleItemEditing(w http.ResponseWriter, r *http.Request) error {
	target, err := s.commentTargetFromPath(r)
	if err != nil {
		return err
	}
	st := state(r)
	if err := s.db.PresenceEditing(r.Context(), st.workspace.ID, st.user.ID, target.Type, target.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleItemChanged is the notice a page with the item open shows when
// someone else changed it: who, and a link to see what changed.
func (s *Server) handleItemChanged(w http.ResponseWriter, r *http.Request) error {
	target, err := s.commentTargetFromPath(r)
	if err != nil {
		return err
	}
	st := state(r)
	a, err := s.db.LatestChangeByOthers(r.Context(), st.workspace.ID, st.user.ID, target.Type, target.ID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, web.ChangedNotice(a, itemRef(st.workspace.Slug, target)))
	return nil
}

// The hub of this instance (see runLive).
func newHub() *live.Hub { return live.NewHub(live.Options{}) }
