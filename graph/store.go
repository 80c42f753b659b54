package graph

import "context"

// Store is the contract both stores (graph/neo4jstore, graph/memstore)
// implement and graph/storetest checks. Every method takes the request's
// context; a store maps its own failures to *Error codes (CodeUnavailable
// when the backend cannot be reached, CodeTimeout on deadline).
type Store interface {
	// Migrate creates constraints, indexes and the full-text index. Idempotent.
	Migrate(ctx context.Context) error
	// Ping checks the store is reachable (readiness).
	Ping(ctx context.Context) error
	// Close releases the store.
	Close(ctx context.Context) error

	// UpsertNodes writes nodes by id (create or replace all properties),
	// in one transaction. A node whose stored content is identical counts
	// as unchanged and is not rewritten. Callers validate first; stores still
	// refuse kinds and properties outside the allowlist. A node id is unique
	// across kinds: upserting an existing id with another kind is CodeConflict.
	UpsertNodes(ctx context.Context, nodes []Node) (WriteStats, error)
	// UpsertEdges writes edges by (type, from, to), in one transaction. Both
	// endpoints must exist (CodeNotFound otherwise, nothing written).
	UpsertEdges(ctx context.Context, edges []Edge) (WriteStats, error)
	// RemoveEdge deletes one edge; false if it did not exist.
	RemoveEdge(ctx context.Context, key EdgeKey) (bool, error)

	// GetNodes returns the nodes with these ids, in the order asked, skipping
	// ids that do not exist.
	GetNodes(ctx context.Context, ids []string) ([]Node, error)
	// Stats counts nodes and edges, by kind and by relation type.
	Stats(ctx context.Context) (Stats, error)
	// Revision returns the graph revision: a counter kept in the graph itself
	// and bumped by every write that changes something, so that caches in
	// several processes sharing one database agree.
	Revision(ctx context.Context) (int64, error)

	// Read answers one read query (the IR of one GraphQL root field) in one
	// round trip: one Cypher statement on Neo4j.
	Read(ctx context.Context, q Query) (*Page, error)
	// Search finds nodes by name (see SearchRules for the matching rules
	// both stores follow).
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)
	// Neighborhood returns the nodes within depth hops of a node and the edges
	// among them, for a graph view.
	Neighborhood(ctx context.Context, q NeighborhoodQuery) (*Subgraph, error)
	// Paths returns the shortest paths between two nodes.
	Paths(ctx context.Context, q PathQuery) ([]Path, error)
	// Projection extracts a chain's subgraph for the analyses, in one round trip.
	Projection(ctx context.Context, chainID string) (*Projection, error)
}

// WriteStats counts what an upsert did, per kind (nodes) or relation type (edges).
type WriteStats struct {
	Created   map[string]int `json:"created"`
	Updated   map[string]int `json:"updated"`
	Unchanged map[string]int `json:"unchanged"`
}

// Add folds o into s.
func (s *WriteStats) Add(o WriteStats) {
	if s.Created == nil {
		s.Created, s.Updated, s.Unchanged = map[string]int{}, map[string]int{}, map[string]int{}
	}
	for k, v := range o.Created {
		s.Created[k] += v
	}
	for k, v := range o.Updated {
		s.Updated[k] += v
	}
	for k, v := range o.Unchanged {
		s.Unchanged[k] += v
	}
}

// Changed reports whether anything was created or updated.
func (s WriteStats) Changed() bool {
	for _, v := range s.Created {
		if v > 0 {
			return true
		}
	}
	for _, v := range s.Updated {
		if v > 0 {
			return true
		}
	}
	return false
}

// NewWriteStats returns empty stats with initialised maps.
func NewWriteStats() WriteStats {
	return WriteStats{Created: map[string]int{}, Updated: map[string]int{}, Unchanged: map[string]int{}}
}

// Stats is the size of the graph.
type Stats struct {
	Nodes  int64       `json:"nodes"`
	Edges  int64       `json:"edges"`
	ByKind []KindCount `json:"byKind"` // sorted by kind, only kinds with nodes
	ByType []KindCount `json:"byType"` // sorted by relation type, only types with edges
}

// KindCount is one row of Stats.
type KindCount struct {
	Kind  string `json:"kind"`
	Count int64  `json:"count"`
}

// SearchQuery asks for nodes whose names match Text.
type SearchQuery struct {
	Text  string
	Kinds []Kind // empty: all kinds
	First int    // at most this many hits (callers cap it)
}

// SearchRules documents how search matches, for both stores:
//
//   - Text is split on white space into terms; empty text matches nothing.
//   - A node matches when every term occurs, case-insensitively (FoldText),
//     as a substring of its name, nameZh or one of its aliases (terms may
//     match different names). Chinese needs no word segmentation: "复旦"
//     matches 复旦大学.
//   - Hits are ranked: 3 when some name equals the whole text
//     (case-insensitively), 2 when some name starts with it, 1 otherwise;
//     ties by name, then id.
const SearchRules = "terms split on spaces; every term a case-insensitive substring of name, nameZh or an alias; rank 3 exact name, 2 prefix, 1 substring; ties by name then id"

// SearchHit is one search result.
type SearchHit struct {
	Node  Node `json:"node"`
	Score int  `json:"score"` // 3 exact, 2 prefix, 1 substring
}

// NeighborhoodQuery asks for the subgraph around a node.
type NeighborhoodQuery struct {
	ID    string
	Depth int       // 1..3
	Types []RelType // empty: all types
	Limit int       // at most this many nodes besides the center (callers cap it)
}

// Subgraph is a set of nodes and the edges among them, sorted by id and by
// edge key, ready for a graph view. Truncated is set when Limit cut nodes.
type Subgraph struct {
	Nodes     []Node `json:"nodes"`
	Edges     []Edge `json:"edges"`
	Truncated bool   `json:"truncated"`
}

// PathQuery asks for the shortest paths between two nodes, following edges
// in either direction.
type PathQuery struct {
	From, To string
	MaxHops  int       // 1..6
	Types    []RelType // empty: all types
	Limit    int       // at most this many paths
}

// Path is an alternating list: Nodes[i] -Edges[i]- Nodes[i+1]. Paths of one
// answer all have the shortest length and are sorted by their node id
// sequence.
type Path struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
}

// Projection is a chain's subgraph, what the analyses run over. It holds:
// the chain; its segments; segments linked to them by FEEDS in any chain, and
// those segments' chains; the tech fields the segments require; every actor
// that OPERATES_IN, RESEARCHES a required field, SERVES the chain / a segment
// / a required field, MASTERS the chain or LEADS it; the achievements those
// actors PRODUCED and what they were valued, validated and transferred
// through; and every edge among all of these nodes (one hop of context).
// Nodes and edges carry only what the analyses read, compactly (see
// projection.go: ProjNode, ProjEdge; Node and Edge give the full form).
type Projection struct {
	ChainID  string     `json:"chainId"`
	Revision int64      `json:"revision"`
	Nodes    []ProjNode `json:"nodes"` // sorted by id, ids distinct
	Edges    []ProjEdge `json:"edges"` // sorted by type name, from, to (positions in Nodes)
	// Provs holds the provenance records of nodes and edges (ProjNode.Prov,
	// ProjEdge.Prov), each once or a few times: facts of one source and
	// date share one.
	Provs []Provenance `json:"provenance"`
}
