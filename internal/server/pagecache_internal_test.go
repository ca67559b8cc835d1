package server

import (
	"bytes"
	"testing"
	"time"
)

func TestPageCacheBoundsAndDropsOlderRevisions(t *testing.T) {
	c := newPageCache()
	now := time.Now()
	big := make([]byte, 10, 1000)
	c.put("a", 1, 5, big, now)
	if n, b := c.size(); n != 1 || b != 10 {
		t.Fatalf("size %d entries, %d bytes, want 1 and 10 (the body's length, not its buffer's)", n, b)
	}
	c.put("b", 1, 5, []byte("same revision"), now)
	c.put("other", 2, 1, []byte("another workspace"), now)
	if n, _ := c.size(); n != 3 {
		t.Fatalf("%d entries, want 3", n)
	}
	// A page of revision 6 of workspace 1: its revision-5 pages go.
	c.put("c", 1, 6, []byte("newer"), now)
	if _, ok := c.get("a", now); ok {
		t.Error("a page of an older revision is still served")
	}
	if _, ok := c.get("other", now); !ok {
		t.Error("another workspace's page was dropped")
	}
	if body, ok := c.get("c", now); !ok || !bytes.Equal(body, []byte("newer")) {
		t.Errorf("get c = %q, %v", body, ok)
	}
	if _, ok := c.get("c", now.Add(pageCacheTTL+time.Second)); ok {
		t.Error("a page older than the TTL is served")
	}
	// The byte bound: the least recently used go first.
	huge := make([]byte, pageCacheMaxBody)
	for i := range 20 {
		c.put(string(rune('A'+i)), 100+int64(i), 1, huge, now)
	}
	if _, b := c.size(); b > pageCacheBytes {
		t.Errorf("%d bytes kept, want at most %d", b, pageCacheBytes)
	}
	if _, ok := c.get("T", now); !ok {
		t.Error("the newest page was dropped")
	}
	c.put("too big", 1, 7, make([]byte, pageCacheMaxBody+1), now)
	if _, ok := c.get("too big", now); ok {
		t.Error("a body over the limit was kept")
	}
}
