package server

import (
	"bytes"
	"container/list"
	"sync"
	"time"
)

// The page cache: the rendered body of a tagged page (conditional.go),
// kept under its tag. A tag is made of everything the page's content
// depends on — the workspace's revision, the user, the role, the day, the
// address and the build — so while a request's tag is the same, the page
// it would render is the one kept, and it is served without reading the
// page's data or rendering: the warm path of every workspace page, for
// every browser (a 304 needs the browser to have the page already). A
// change anywhere in the workspace, by any writer or instance, changes
// the revision and so every tag of it: the entries of the old revision
// are never asked for again and age out.
//
// Bounded: at most pageCacheBytes of bodies in all (a workspace's pages of
// older revisions dropped as soon as one of a newer revision is kept) (least recently used
// dropped first), no body over pageCacheMaxBody, none older than
// pageCacheTTL. Only tags handed out (read with no write in progress) are
// stored.
const (
	pageCacheBytes   = 16 << 20
	pageCacheMaxBody = 2 << 20
	pageCacheTTL     = 10 * time.Minute
)

type pageEntry struct {
	tag     string
	ws, rev int64
	body    []byte
	stored  time.Time
}

type pageCache struct {
	mu      sync.Mutex
	entries map[string]*list.Element
	lru     *list.List // front: most recently used
	bytes   int
	// byWS holds each workspace's entries: a page kept under a newer
	// revision drops the workspace's older ones, which no tag can match
	// again (the revision a request reads only grows), so a team editing
	// does not fill the cache with pages nobody can be served.
	byWS map[int64]map[string]*list.Element
	// rendering holds the tags being rendered now: right after a change,
	// the requests for one page wait for the first one's render instead of
	// each rendering it (eight readers of the review, one render).
	rendering map[string]chan struct{}
}

func newPageCache() *pageCache {
	return &pageCache{entries: map[string]*list.Element{}, lru: list.New(), rendering: map[string]chan struct{}{},
		byWS: map[int64]map[string]*list.Element{}}
}

// lead makes the caller the one to render tag (first is true, and done
// must be called after), or returns the channel the current renderer
// closes when done.
func (c *pageCache) lead(tag string) (wait <-chan struct{}, first bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.rendering[tag]; ok {
		return ch, false
	}
	c.rendering[tag] = make(chan struct{})
	return nil, true
}

// done ends the render of tag, waking those who wait for it.
func (c *pageCache) done(tag string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.rendering[tag]; ok {
		close(ch)
		delete(c.rendering, tag)
	}
}

// get returns the body kept under tag, if it is young enough.
func (c *pageCache) get(tag string, now time.Time) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[tag]
	if !ok {
		return nil, false
	}
	e := el.Value.(*pageEntry)
	if now.Sub(e.stored) > pageCacheTTL || now.Before(e.stored) {
		c.remove(el)
		return nil, false
	}
	c.lru.MoveToFront(el)
	return e.body, true
}

// put keeps a copy of body under tag, the page of workspace ws at
// revision rev.
func (c *pageCache) put(tag string, ws, rev int64, body []byte, now time.Time) {
	if len(body) > pageCacheMaxBody {
		return
	}
	body = bytes.Clone(body) // exactly its size: the buffer may hold twice as much
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[tag]; ok {
		c.remove(el)
	}
	for _, el := range c.byWS[ws] {
		if el.Value.(*pageEntry).rev < rev {
			c.remove(el)
		}
	}
	el := c.lru.PushFront(&pageEntry{tag: tag, ws: ws, rev: rev, body: body, stored: now})
	c.entries[tag] = el
	if c.byWS[ws] == nil {
		c.byWS[ws] = map[string]*list.Element{}
	}
	c.byWS[ws][tag] = el
	c.bytes += len(body)
	for c.bytes > pageCacheBytes {
		c.remove(c.lru.Back())
	}
}

func (c *pageCache) remove(el *list.Element) {
	e := el.Value.(*pageEntry)
	c.lru.Remove(el)
	delete(c.entries, e.tag)
	if m := c.byWS[e.ws]; m != nil {
		delete(m, e.tag)
		if len(m) == 0 {
			delete(c.byWS, e.ws)
		}
	}
	c.bytes -= len(e.body)
}

// size is how many bodies and bytes the cache holds.
func (c *pageCache) size() (entries, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.bytes
}
