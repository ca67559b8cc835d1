package picture

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"strconv"
	"sync"
	"time"
)

// ArchDiagramCache remembers drawn diagrams by what they are drawn from.
// Laying out hundreds of boxes and arrows costs far more than reading them,
// and the architecture changes far less often than it is looked at: the
// cache is keyed by a digest of every item and relation (all their fields),
// the root of the view and the links' prefix, so an edit anywhere draws
// anew, and it holds at most a fixed number of diagrams, dropping the least
// recently used.
type ArchDiagramCache struct {
	mu    sync.Mutex
	max   int
	tick  uint64
	items map[[sha256.Size]byte]*archCached
}

type archCached struct {
	d    ArchDiagram
	used uint64
}

// NewArchDiagramCache returns a cache of at most max diagrams.
func NewArchDiagramCache(max int) *ArchDiagramCache {
	return &ArchDiagramCache{max: max, items: map[[sha256.Size]byte]*archCached{}}
}

// Build returns the diagram of in, drawn by BuildArchDiagram unless the
// same one is remembered. urlKey must determine in.ItemURL (the links of
// the boxes), e.g. the workspace's address. The diagram returned is shared:
// read it, do not change it.
func (c *ArchDiagramCache) Build(in ArchDiagramInput, urlKey string) ArchDiagram {
	key := archInputDigest(in, urlKey)
	if d, ok := c.find(key); ok {
		return d
	}

	d := BuildArchDiagram(in)

	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.items) >= c.max {
		var oldest [sha256.Size]byte
		first := true
		for k, v := range c.items {
			if first || v.used < c.items[oldest].used {
				oldest, first = k, false
			}
		}
		delete(c.items, oldest)
	}
	c.tick++
	c.items[key] = &archCached{d: d, used: c.tick}
	return d
}

// Find returns the diagram remembered for in's Version and root (Items and
// Relations need not be read for it), if any; without a Version, none.
func (c *ArchDiagramCache) Find(in ArchDiagramInput, urlKey string) (ArchDiagram, bool) {
	if in.Version == "" {
		return ArchDiagram{}, false
	}
	return c.find(archInputDigest(ArchDiagramInput{Version: in.Version, RootID: in.RootID}, urlKey))
}

func (c *ArchDiagramCache) find(key [sha256.Size]byte) (ArchDiagram, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	if hit, ok := c.items[key]; ok {
		hit.used = c.tick
		return hit.d, true
	}
	return ArchDiagram{}, false
}

// Len is how many diagrams the cache holds.
func (c *ArchDiagramCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}

// archInputDigest digests everything a diagram is drawn from: with a
// Version, that and the view (2,000 items and their relations need not be
// read again); else every row.
func archInputDigest(in ArchDiagramInput, urlKey string) [sha256.Size]byte {
	h := archHasher{h: sha256.New()}
	h.str(urlKey)
	if in.Version != "" {
		h.str("version")
		h.str(in.Version)
		h.int(in.RootID)
		var sum [sha256.Size]byte
		h.h.Sum(sum[:0])
		return sum
	}
	h.int(in.RootID)
	h.int(int64(len(in.Items)))
	for _, it := range in.Items {
		h.int(it.ID)
		h.int(it.WorkspaceID)
		h.str(string(it.Kind))
		h.str(it.Name)
		if it.ParentID != nil {
			h.int(1)
			h.int(*it.ParentID)
		} else {
			h.int(0)
		}
		h.str(it.ParentName)
		h.str(it.Technology)
		h.str(it.OwnerTeam)
		h.str(string(it.Health))
		h.str(it.Description)
		h.str(it.TechDebt)
		h.time(it.ReviewedAt)
		h.int(int64(it.Version))
		h.time(it.CreatedAt)
		h.time(it.UpdatedAt)
	}
	h.int(int64(len(in.Relations)))
	for _, r := range in.Relations {
		h.int(r.ID)
		h.int(r.WorkspaceID)
		h.int(r.SourceID)
		h.str(r.SourceName)
		h.int(r.TargetID)
		h.str(r.TargetName)
		h.str(r.Label)
		h.str(r.Technology)
		h.int(int64(r.Version))
	}
	var sum [sha256.Size]byte
	h.h.Sum(sum[:0])
	return sum
}

// archHasher writes values unambiguously: strings with their length.
type archHasher struct {
	h       hash.Hash
	buf     [binary.MaxVarintLen64]byte
	scratch []byte // reused: a string written costs no allocation
}

func (a *archHasher) int(v int64) {
	n := binary.PutVarint(a.buf[:], v)
	a.h.Write(a.buf[:n])
}

func (a *archHasher) str(s string) {
	a.int(int64(len(s)))
	a.scratch = append(a.scratch[:0], s...)
	a.h.Write(a.scratch)
}

func (a *archHasher) time(t time.Time) {
	a.str(strconv.FormatInt(t.UnixNano(), 36))
}
