package postgres

import (
	"container/list"
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// The review cache: the results of the review's aggregate statements
// (roadmap cards, items with their heat, a matrix page, the call-outs) and
// of the roadmap timeline, kept in this process and reused while nothing
// they read has changed. It holds query results, never HTML: each page
// still renders the user's own forms, role and flash.
//
// Validity. Migration 00008 logs every statement that changes a table
// these statements read (epics, initiatives, arch_items, epic_arch_links,
// nfr_impacts, nfr_concerns, concern_items, decisions, decision_epics,
// roadmap_items, epic_roadmap_items) as a row of review_changes, from a
// statement-level trigger, so any writer counts: the app, a seed, psql, a
// test. A workspace's revision is its newest id there. Every cached
// statement also returns the revision read in its own snapshot, and an
// entry is reused only when a cheap check finds the same revision: any
// instance's write since changes it, so several app instances each keep
// their own cache and stay correct.
//
// Sequence ids are handed out before commit, so a transaction that took id
// 10 may commit after one that took 11: a snapshot that sees 11 but not 10
// reads revision 11, and once 10 commits the revision is still 11. A
// result is therefore only kept when its snapshot had no transaction in
// progress at all (pg_current_snapshot's xmin equals its xmax): then every
// id already taken was committed or rolled back, and every later change
// takes a larger id. The trigger takes its id after the statement's own
// writes, when the transaction already has its xid, so no writer can hold
// an id without showing in the snapshot. A result read while something
// was writing is served but not kept. The test is cluster-wide (a write
// anywhere counts), so a cluster that is always writing keeps less; what
// is served never depends on it.
//
// Time. Call-outs depend on the clock (not reviewed for 90 days): their
// key holds the UTC date and their entry the moment the next item or epic
// of the selection turns stale; the other statements' results do not
// depend on the time (the window, which does, is in the key).
//
// Queries. Each cached statement runs as one query whatever the cache
// holds: with no entry, the statement itself (which also returns the
// revision); with an entry, the revision check instead, and the statement
// only when the check finds a change. So the number of queries per page
// stays the same, warm or cold, except right after a change.
//
// Size. At most reviewCacheRows result rows in all (about 16 MB: some 260
// bytes a row on the large workspace), the least recently used dropped
// first, and no entry older than reviewCacheTTL. The default review of the
// large workspace is about 1,100 rows, its roadmap timeline 500.

const (
	reviewCacheRows = 60000
	reviewCacheTTL  = 5 * time.Minute
)

// revision is a workspace's review revision as read in one snapshot, and
// whether that snapshot had no transaction in progress (a result read in
// it may be kept).
type revision struct {
	ID      int64
	Settled bool
}

// revisionColumns are the two columns of revision, for a statement with
// the workspace id in $1: uncorrelated, each runs once per statement.
const revisionColumns = `(SELECT coalesce(max(id), 0) FROM review_changes WHERE workspace_id = $1),
	(SELECT pg_snapshot_xmin(s) = pg_snapshot_xmax(s) FROM pg_current_snapshot() AS s)`

type reviewCacheKey struct {
	db     *DB
	kind   string
	ws     int64
	params string
}

type reviewCacheEntry struct {
	key    reviewCacheKey
	rev    int64
	value  any
	rows   int
	stored time.Time
	until  time.Time // zero: no limit but the TTL
}

// reviewCache is a size-bounded LRU, safe for concurrent use.
type reviewCache struct {
	mu      sync.Mutex
	entries map[reviewCacheKey]*list.Element
	lru     *list.List // front: most recently used
	rows    int
	maxRows int
	ttl     time.Duration

	hits, misses, stale, unsettled atomic.Int64
}

func newReviewCache(maxRows int, ttl time.Duration) *reviewCache {
	return &reviewCache{entries: map[reviewCacheKey]*list.Element{}, lru: list.New(), maxRows: maxRows, ttl: ttl}
}

// theReviewCache is the process's review cache, shared by every DB (the
// key holds the DB, so databases never see each other's entries).
var theReviewCache = newReviewCache(reviewCacheRows, reviewCacheTTL)

// get returns the entry of key that is young enough at now, if any.
func (c *reviewCache) get(key reviewCacheKey, now time.Time) *reviewCacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil
	}
	e := el.Value.(*reviewCacheEntry)
	if now.Sub(e.stored) > c.ttl || now.Before(e.stored) || (!e.until.IsZero() && !now.Before(e.until)) {
		c.removeLocked(el)
		return nil
	}
	c.lru.MoveToFront(el)
	return e
}

func (c *reviewCache) put(e *reviewCacheEntry) {
	if e.rows > c.maxRows/4 {
		return // one result must not push out everything else
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[e.key]; ok {
		c.removeLocked(el)
	}
	c.entries[e.key] = c.lru.PushFront(e)
	c.rows += e.rows
	for c.rows > c.maxRows {
		c.removeLocked(c.lru.Back())
	}
}

func (c *reviewCache) remove(key reviewCacheKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.removeLocked(el)
	}
}

func (c *reviewCache) removeLocked(el *list.Element) {
	e := c.lru.Remove(el).(*reviewCacheEntry)
	delete(c.entries, e.key)
	c.rows -= e.rows
}

// ReviewCacheStats counts the cache's outcomes since the process started:
// hits, misses (no entry), stale (an entry whose revision had changed) and
// unsettled (a result not kept because its snapshot saw a write in progress).
type ReviewCacheStats struct{ Hits, Misses, Stale, Unsettled int64 }

// ReviewCacheCounts reports the review cache's counters.
func ReviewCacheCounts() ReviewCacheStats {
	c := theReviewCache
	return ReviewCacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Stale: c.stale.Load(), Unsettled: c.unsettled.Load()}
}

// reviewCacheDisabled turns the cache off (every statement runs), for
// measuring cold timings.
var reviewCacheDisabled atomic.Bool

// SetReviewCache turns the review cache on or off for the whole process
// and empties it. It is on unless turned off; benchmarks and tests turn it
// off to measure or check the statements themselves.
func SetReviewCache(on bool) {
	reviewCacheDisabled.Store(!on)
	c := theReviewCache
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries, c.lru, c.rows = map[reviewCacheKey]*list.Element{}, list.New(), 0
}

// reviewRevision reads the workspace's revision (one query, a prepared
// statement: an index-only look at the newest row of review_changes).
func (db *DB) reviewRevision(ctx context.Context, wsID int64) (int64, error) {
	var id int64
	err := db.Pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM review_changes WHERE workspace_id = $1`, wsID).Scan(&id)
	return id, err
}

// cachedResult is what a cached statement computes: its value, its size in
// rows, the revision and until when a time-dependent value holds.
type cachedResult[T any] struct {
	value T
	rows  int
	rev   revision
	until time.Time
}

// cached returns key's value: from the cache when the workspace's revision
// is still the entry's, else from load, kept when load's snapshot was
// settled. clone copies a cached value for the caller (who may then change
// it without touching the cache). now dates the entry.
func cached[T any](ctx context.Context, db *DB, key reviewCacheKey, now time.Time, clone func(T) T,
	load func() (cachedResult[T], error)) (_ T, err error) {
	defer translateErr(&err, "store.reviewRevision")
	c := theReviewCache
	if reviewCacheDisabled.Load() {
		r, err := load()
		return r.value, err
	}
	key.db = db
	if e := c.get(key, now); e != nil {
		rev, err := db.reviewRevision(ctx, key.ws)
		if err != nil {
			var zero T
			return zero, err
		}
		if rev == e.rev {
			c.hits.Add(1)
			return clone(e.value.(T)), nil
		}
		c.stale.Add(1)
		c.remove(key) // so that, if what load reads is not kept, the next call does not check again
	} else {
		c.misses.Add(1)
	}
	r, err := load()
	if err != nil {
		return r.value, err
	}
	if !r.rev.Settled {
		c.unsettled.Add(1)
		return r.value, nil
	}
	c.put(&reviewCacheEntry{key: key, rev: r.rev.ID, value: clone(r.value), rows: r.rows + 1, stored: now, until: r.until})
	return r.value, nil
}
