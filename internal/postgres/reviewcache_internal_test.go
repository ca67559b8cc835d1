package postgres

import (
	"testing"
	"time"
)

// The cache holds at most maxRows rows, drops the least recently used
// first, forgets entries past the TTL or their own limit, and never keeps
// one result that would fill a quarter of it.
func TestReviewCacheBounds(t *testing.T) {
	c := newReviewCache(10, time.Minute)
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	key := func(ws int64) reviewCacheKey { return reviewCacheKey{kind: "k", ws: ws} }
	for ws := int64(1); ws <= 5; ws++ {
		c.put(&reviewCacheEntry{key: key(ws), value: ws, rows: 2, stored: now})
	}
	if c.get(key(1), now) == nil { // 1 is now the most recently used
		t.Fatal("entry 1 missing")
	}
	c.put(&reviewCacheEntry{key: key(6), value: int64(6), rows: 2, stored: now}) // 12 rows: 2 goes
	if c.get(key(2), now) != nil {
		t.Error("the least recently used entry was kept")
	}
	for _, ws := range []int64{1, 3, 4, 5, 6} {
		if e := c.get(key(ws), now); e == nil || e.value.(int64) != ws {
			t.Errorf("entry %d: %+v", ws, e)
		}
	}
	if c.rows != 10 || len(c.entries) != 5 || c.lru.Len() != 5 {
		t.Errorf("rows %d, entries %d, list %d", c.rows, len(c.entries), c.lru.Len())
	}
	// Replacing an entry does not count it twice.
	c.put(&reviewCacheEntry{key: key(6), value: int64(6), rows: 1, stored: now})
	if c.rows != 9 {
		t.Errorf("rows %d after replacing an entry", c.rows)
	}
	// Too big for the cache.
	c.put(&reviewCacheEntry{key: key(7), value: 7, rows: 3, stored: now})
	if c.get(key(7), now) != nil {
		t.Error("an entry of more than a quarter of the cache was kept")
	}
	// Age and limits.
	if c.get(key(1), now.Add(2*time.Minute)) != nil {
		t.Error("an entry past the TTL was served")
	}
	c.put(&reviewCacheEntry{key: key(8), value: 8, rows: 1, stored: now, until: now.Add(10 * time.Second)})
	if c.get(key(8), now.Add(9*time.Second)) == nil || c.get(key(8), now.Add(10*time.Second)) != nil {
		t.Error("the entry's own limit is not kept")
	}
	c.put(&reviewCacheEntry{key: key(9), value: 9, rows: 1, stored: now})
	if c.get(key(9), now.Add(-time.Second)) != nil {
		t.Error("an entry stored in the future (a clock moved back) was served")
	}
	if len(c.entries) != c.lru.Len() {
		t.Errorf("map %d, list %d", len(c.entries), c.lru.Len())
	}
}
