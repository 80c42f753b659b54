package schema

import (
	"context"
	"time"

	"github.com/graphql-go/graphql"

	"chainkg/graph"
)

// Store is what the schema needs from a store (graph.Store satisfies it).
// Root resolvers call it once per root field; nested resolvers never do.
type Store interface {
	Ping(ctx context.Context) error
	Read(ctx context.Context, q graph.Query) (*graph.Page, error)
	Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error)
	Neighborhood(ctx context.Context, q graph.NeighborhoodQuery) (*graph.Subgraph, error)
	Paths(ctx context.Context, q graph.PathQuery) ([]graph.Path, error)
	Stats(ctx context.Context) (graph.Stats, error)
	GetNodes(ctx context.Context, ids []string) ([]graph.Node, error)
	UpsertNodes(ctx context.Context, nodes []graph.Node) (graph.WriteStats, error)
	UpsertEdges(ctx context.Context, edges []graph.Edge) (graph.WriteStats, error)
	RemoveEdge(ctx context.Context, key graph.EdgeKey) (bool, error)
	Revision(ctx context.Context) (int64, error)
	Projection(ctx context.Context, chainID string) (*graph.Projection, error)
}

// Deps is what resolvers, including those added through chainFieldHooks,
// can use.
type Deps struct {
	Store Store
	// Now stamps mutations (updatedAt); time.Now when nil.
	Now func() time.Time
}

func (d *Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// chainFieldHooks add fields to the Chain object type. Other files of this
// package append to it from init(), e.g. the analyses (gapReport, fill,
// strengthen, extend, pipeline). Their resolvers get the chain through
// chainIDOf(p.Source). Field names must not clash with the generated ones
// (properties and relation fields of Chain); New panics if they do.
var chainFieldHooks []func(d *Deps) graphql.Fields

// chainIDOf returns the chain id of a Chain object's resolved source value
// (what a field resolver on Chain receives as p.Source).
func chainIDOf(source any) (string, bool) {
	s, ok := source.(*nodeSrc)
	if !ok || s == nil || s.node.Kind != graph.KindChain {
		return "", false
	}
	return s.node.ID, true
}

// nodeSrc is the resolved value of every node object: the node and, when it
// came from a Read, the pages of its nested relation fields by RelQuery.Key.
type nodeSrc struct {
	node   graph.Node
	rels   map[string]*graph.Page
	prefix string // key prefix of rels (see relKey)
}
