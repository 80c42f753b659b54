package schema

import (
	"context"
	"sync"
	"time"

	"chainkg/graph"
)

// Store-availability guard. When Neo4j is down the driver retries a query
// until the request deadline, so every request would hang for the whole
// deadline and end as TIMEOUT. The guard remembers that the store is
// unreachable (a call failed with STORE_UNAVAILABLE, or a request timed out
// and a ping then failed): while it is, calls fail at once with
// STORE_UNAVAILABLE, and at most every probeInterval one call pings the
// store first, so service resumes by itself once the store is back.
const (
	probeInterval = time.Second
	probeTimeout  = 2 * time.Second
)

type guard struct {
	Store
	mu        sync.Mutex
	down      bool
	cause     error
	nextProbe time.Time
}

func newGuard(s Store) *guard {
	if g, ok := s.(*guard); ok {
		return g
	}
	return &guard{Store: s}
}

func unavailable(cause error) error {
	return &graph.Error{Code: graph.CodeUnavailable, Msg: "store unreachable", Err: cause}
}

// check fails fast while the store is known down, probing it at most every
// probeInterval.
func (g *guard) check(ctx context.Context) error {
	g.mu.Lock()
	if !g.down {
		g.mu.Unlock()
		return nil
	}
	if time.Now().Before(g.nextProbe) {
		err := unavailable(g.cause)
		g.mu.Unlock()
		return err
	}
	g.nextProbe = time.Now().Add(probeInterval)
	g.mu.Unlock()
	if err := g.probe(ctx); err != nil {
		return unavailable(err)
	}
	return nil
}

// probe pings the store and records the outcome.
func (g *guard) probe(ctx context.Context) error {
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), probeTimeout)
	defer cancel()
	err := g.Store.Ping(pctx)
	g.mu.Lock()
	defer g.mu.Unlock()
	if err != nil {
		g.down, g.cause, g.nextProbe = true, err, time.Now().Add(probeInterval)
		return err
	}
	g.down, g.cause = false, nil
	return nil
}

// observe records a call's failure.
func (g *guard) observe(err error) error {
	if err != nil && graph.CodeOf(err) == graph.CodeUnavailable {
		g.mu.Lock()
		g.down, g.cause, g.nextProbe = true, err, time.Now().Add(probeInterval)
		g.mu.Unlock()
	}
	return err
}

func guarded[T any](g *guard, ctx context.Context, f func() (T, error)) (T, error) {
	if err := g.check(ctx); err != nil {
		var zero T
		return zero, err
	}
	v, err := f()
	return v, g.observe(err)
}

func (g *guard) Read(ctx context.Context, q graph.Query) (*graph.Page, error) {
	return guarded(g, ctx, func() (*graph.Page, error) { return g.Store.Read(ctx, q) })
}

func (g *guard) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	return guarded(g, ctx, func() ([]graph.SearchHit, error) { return g.Store.Search(ctx, q) })
}

func (g *guard) Neighborhood(ctx context.Context, q graph.NeighborhoodQuery) (*graph.Subgraph, error) {
	return guarded(g, ctx, func() (*graph.Subgraph, error) { return g.Store.Neighborhood(ctx, q) })
}

func (g *guard) Paths(ctx context.Context, q graph.PathQuery) ([]graph.Path, error) {
	return guarded(g, ctx, func() ([]graph.Path, error) { return g.Store.Paths(ctx, q) })
}

func (g *guard) Stats(ctx context.Context) (graph.Stats, error) {
	return guarded(g, ctx, func() (graph.Stats, error) { return g.Store.Stats(ctx) })
}

func (g *guard) GetNodes(ctx context.Context, ids []string) ([]graph.Node, error) {
	return guarded(g, ctx, func() ([]graph.Node, error) { return g.Store.GetNodes(ctx, ids) })
}

func (g *guard) UpsertNodes(ctx context.Context, nodes []graph.Node) (graph.WriteStats, error) {
	return guarded(g, ctx, func() (graph.WriteStats, error) { return g.Store.UpsertNodes(ctx, nodes) })
}

func (g *guard) UpsertEdges(ctx context.Context, edges []graph.Edge) (graph.WriteStats, error) {
	return guarded(g, ctx, func() (graph.WriteStats, error) { return g.Store.UpsertEdges(ctx, edges) })
}

func (g *guard) RemoveEdge(ctx context.Context, key graph.EdgeKey) (bool, error) {
	return guarded(g, ctx, func() (bool, error) { return g.Store.RemoveEdge(ctx, key) })
}

func (g *guard) Revision(ctx context.Context) (int64, error) {
	return guarded(g, ctx, func() (int64, error) { return g.Store.Revision(ctx) })
}

func (g *guard) Projection(ctx context.Context, chainID string) (*graph.Projection, error) {
	return guarded(g, ctx, func() (*graph.Projection, error) { return g.Store.Projection(ctx, chainID) })
}
