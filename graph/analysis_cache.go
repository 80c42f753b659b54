package graph

import (
	"context"
	"sync"
)

// ProjectionSource is what ProjectionCache reads from; every Store is one.
type ProjectionSource interface {
	Revision(ctx context.Context) (int64, error)
	Projection(ctx context.Context, chainID string) (*Projection, error)
}

// ProjectionCache keeps one projection per chain, keyed by the graph
// revision: a Get first reads the revision (one cheap round trip) and
// reuses the cached projection only if it was extracted at that revision.
// Because the revision lives in the graph itself, several processes sharing
// one Neo4j database invalidate together. Concurrent Gets of one chain
// share a single extraction. Cached projections are shared: callers must
// not modify them (the analyses only read).
type ProjectionCache struct {
	src ProjectionSource

	mu      sync.Mutex
	entries map[string]*cacheEntry
	// stats
	hits, misses int64
}

type cacheEntry struct {
	rev  int64         // revision the projection was read at (or is being read at)
	done chan struct{} // closed when p/err are set
	p    *Projection
	err  error
}

// NewProjectionCache returns an empty cache over src.
func NewProjectionCache(src ProjectionSource) *ProjectionCache {
	return &ProjectionCache{src: src, entries: map[string]*cacheEntry{}}
}

// Get returns the chain's projection at the current revision.
func (c *ProjectionCache) Get(ctx context.Context, chainID string) (*Projection, error) {
	rev, err := c.src.Revision(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	e := c.entries[chainID]
	if e != nil && e.rev >= rev {
		c.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, Wrap(CodeTimeout, ctx.Err(), "waiting for the chain projection")
		}
		if e.err == nil {
			c.mu.Lock()
			c.hits++
			c.mu.Unlock()
			return e.p, nil
		}
		// A failed extraction is not cached: retry once it is removed.
		c.mu.Lock()
		if c.entries[chainID] == e {
			delete(c.entries, chainID)
		}
		c.mu.Unlock()
		return nil, e.err
	}
	// Stale or absent: this caller extracts.
	e = &cacheEntry{rev: rev, done: make(chan struct{})}
	c.entries[chainID] = e
	c.misses++
	c.mu.Unlock()
	p, err := c.src.Projection(ctx, chainID)
	if err == nil && p.Revision > rev {
		// Written in between: the projection is newer than rev; key it
		// by its own revision so the next Get at that revision hits.
		c.mu.Lock()
		e.rev = p.Revision
		c.mu.Unlock()
	}
	e.p, e.err = p, err
	close(e.done)
	if err != nil {
		c.mu.Lock()
		if c.entries[chainID] == e {
			delete(c.entries, chainID)
		}
		c.mu.Unlock()
	}
	return p, err
}

// Invalidate drops every cached projection (tests, or after a bulk load a
// caller knows about).
func (c *ProjectionCache) Invalidate() {
	c.mu.Lock()
	c.entries = map[string]*cacheEntry{}
	c.mu.Unlock()
}

// CacheStats counts cache hits and misses since creation.
type CacheStats struct {
	Hits   int64 `json:"hits"`
	Misses int64 `json:"misses"`
	Chains int   `json:"chains"`
}

// Stats returns the hit and miss counters.
func (c *ProjectionCache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Hits: c.hits, Misses: c.misses, Chains: len(c.entries)}
}
