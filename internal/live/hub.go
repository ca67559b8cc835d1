// Package live fans committed changes out to the pages open on this app
// instance: the store's listener (postgres.DB.Listen) publishes every
// event into a Hub, and each event stream (GET /w/{ws}/events) is one
// subscriber of it. The hub holds no content, only ids; it never blocks a
// publisher: a stream that cannot keep up is ended and resumes from its
// Last-Event-ID.
package live

import (
	"sync"

	"github.com/sightline/sightline/internal/sightline"
)

// Hub is the in-process fan-out of one instance.
type Hub struct {
	mu         sync.Mutex
	subs       map[int64]map[*Sub]struct{} // by workspace
	byUser     map[int64][]*Sub            // oldest first, for the per-member bound
	ring       []sightline.Event           // the newest events, in commit order
	next       int                         // where the ring writes next
	full       bool                        // the ring has wrapped
	closed     bool
	maxPerUser int
	buffer     int
}

// Options size a hub.
type Options struct {
	// Remember is how many of the newest events the hub keeps, so a stream
	// that reconnects resumes from its Last-Event-ID without a query.
	Remember int
	// PerUser bounds the open streams of one person on this instance: past
	// it, their oldest stream ends.
	PerUser int
	// Buffer is how many events may wait for one stream before it is ended
	// as too slow.
	Buffer int
}

// NewHub makes a hub.
func NewHub(o Options) *Hub {
	if o.Remember <= 0 {
		o.Remember = 4096
	}
	if o.PerUser <= 0 {
		o.PerUser = 12
	}
	if o.Buffer <= 0 {
		o.Buffer = 64
	}
	return &Hub{subs: map[int64]map[*Sub]struct{}{}, byUser: map[int64][]*Sub{},
		ring: make([]sightline.Event, o.Remember), maxPerUser: o.PerUser, buffer: o.Buffer}
}

// Sub is one open stream: a member of a workspace.
type Sub struct {
	WorkspaceID, UserID int64
	c                   chan sightline.Event
	done                chan struct{}
	once                sync.Once
	mu                  sync.Mutex
	reason              string
}

// Events delivers the stream's events, in commit order.
func (s *Sub) Events() <-chan sightline.Event { return s.c }

// Done is closed when the hub ended the stream (see Reason).
func (s *Sub) Done() <-chan struct{} { return s.done }

// Reason says why the hub ended the stream.
func (s *Sub) Reason() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reason
}

func (s *Sub) end(reason string) {
	s.once.Do(func() {
		s.mu.Lock()
		s.reason = reason
		s.mu.Unlock()
		close(s.done)
	})
}

// Subscribe opens a stream for member userID of workspace ws. Resuming
// after event lastID (0: not resuming), missed holds what followed it that
// the stream may see, and resumed reports whether the hub still remembered
// lastID; if not, the caller reads the gap from the store.
func (h *Hub) Subscribe(ws, userID, lastID int64) (sub *Sub, missed []sightline.Event, resumed bool) {
	sub = &Sub{WorkspaceID: ws, UserID: userID, c: make(chan sightline.Event, h.buffer), done: make(chan struct{})}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		sub.end("the server is stopping")
		return sub, nil, true
	}
	if h.subs[ws] == nil {
		h.subs[ws] = map[*Sub]struct{}{}
	}
	h.subs[ws][sub] = struct{}{}
	mine := append(h.byUser[userID], sub)
	for len(mine) > h.maxPerUser {
		mine[0].end("too many open pages")
		h.remove(mine[0])
		mine = mine[1:]
	}
	h.byUser[userID] = mine
	if lastID == 0 {
		return sub, nil, true
	}
	found := false
	h.each(func(e sightline.Event) {
		if found && e.WorkspaceID == ws && e.For(userID) {
			missed = append(missed, e)
		}
		if e.ID == lastID {
			found = true
		}
	})
	if !found {
		missed = nil
	}
	return sub, missed, found
}

// each walks the remembered events, oldest first. Called with mu held.
func (h *Hub) each(fn func(sightline.Event)) {
	if h.full {
		for _, e := range h.ring[h.next:] {
			fn(e)
		}
	}
	for _, e := range h.ring[:h.next] {
		fn(e)
	}
}

// Unsubscribe closes a stream.
func (h *Hub) Unsubscribe(s *Sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.remove(s)
	s.end("closed")
}

// remove takes s out of the indexes. Called with mu held.
func (h *Hub) remove(s *Sub) {
	if m := h.subs[s.WorkspaceID]; m != nil {
		delete(m, s)
		if len(m) == 0 {
			delete(h.subs, s.WorkspaceID)
		}
	}
	list := h.byUser[s.UserID]
	for i, x := range list {
		if x == s {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(h.byUser, s.UserID)
	} else {
		h.byUser[s.UserID] = list
	}
}

// Publish hands an event to every stream of its workspace that may see it.
// It never waits: a stream whose buffer is full is ended, and its page
// resumes from the last event it got.
func (h *Hub) Publish(e sightline.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ring[h.next] = e
	h.next++
	if h.next == len(h.ring) {
		h.next, h.full = 0, true
	}
	for s := range h.subs[e.WorkspaceID] {
		if !e.For(s.UserID) {
			continue
		}
		select {
		case s.c <- e:
		default:
			s.end("too slow")
			h.remove(s)
		}
	}
}

// Close ends every stream; later ones end at once.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for _, m := range h.subs {
		for s := range m {
			s.end("the server is stopping")
		}
	}
	h.subs = map[int64]map[*Sub]struct{}{}
	h.byUser = map[int64][]*Sub{}
}

// Streams counts the open streams.
func (h *Hub) Streams() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, m := range h.subs {
		n += len(m)
	}
	return n
}
