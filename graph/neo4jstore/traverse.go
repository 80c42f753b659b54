package neo4jstore

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"chainkg/graph"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

const (
	// neighboursCypher is one breadth-first step, in either direction.
	neighboursCypher = "UNWIND $ids AS id MATCH (a:Node {id: id})-[r]-(b:Node) " +
		"WHERE size($types) = 0 OR type(r) IN $types RETURN DISTINCT b.id AS id"
	// subgraphCypher returns the chosen nodes and the edges among them.
	subgraphCypher = "UNWIND $ids AS id MATCH (n:Node {id: id}) " +
		"RETURN properties(n) AS p, labels(n) AS l, " +
		"[(n)-[r]->(m:Node) WHERE m.id IN $ids AND (size($types) = 0 OR type(r) IN $types) | " +
		"{t: type(r), to: m.id, p: properties(r)}] AS out"
	// pathsCypher finds every shortest path; %s is the relationship
	// pattern (allowlisted types and a literal hop bound).
	pathsCypher = "MATCH (a:Node {id: $from}), (b:Node {id: $to}) " +
		"MATCH p = allShortestPaths((a)-[%s]-(b)) " +
		"RETURN [n IN nodes(p) | {p: properties(n), l: labels(n)}] AS ns, " +
		"[r IN relationships(p) | {t: type(r), f: startNode(r).id, to: endNode(r).id, p: properties(r)}] AS rs"
)

func relTypes(ts []graph.RelType) ([]string, error) {
	out := make([]string, 0, len(ts))
	seen := map[graph.RelType]bool{}
	for _, t := range ts {
		if _, err := relLabel(t); err != nil {
			return nil, err
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, string(t))
		}
	}
	return out, nil
}

// Neighborhood returns the nodes within Depth hops of ID (edges followed in
// either direction, of Types if given) and the edges among them (of Types if
// given). With more than Limit nodes besides the center, the choice is
// deterministic: nodes at a smaller distance first, and at equal distance
// the lowest ids first; Truncated is then set. It runs breadth-first, one
// statement per level, in one read transaction, and stops early once more
// than Limit nodes are known. Limit <= 0 means no limit.
func (s *Store) Neighborhood(ctx context.Context, q graph.NeighborhoodQuery) (*graph.Subgraph, error) {
	if q.Depth < 1 || q.Depth > 3 {
		return nil, graph.Errorf(graph.CodeInvalidInput, "depth must be in 1..3")
	}
	types, err := relTypes(q.Types)
	if err != nil {
		return nil, err
	}
	out, err := s.readTx(ctx, "neo4j: neighborhood", func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := runAll(ctx, tx, getNodesCypher, map[string]any{"ids": []string{q.ID}})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, graph.Errorf(graph.CodeNotFound, "node %q not found", q.ID)
		}
		dist := map[string]int{q.ID: 0}
		var chosen []string // besides the center, by (distance, id)
		frontier := []string{q.ID}
		truncated := false
		for d := 1; d <= q.Depth && len(frontier) > 0 && !truncated; d++ {
			recs, err := runAll(ctx, tx, neighboursCypher, map[string]any{"ids": frontier, "types": types})
			if err != nil {
				return nil, err
			}
			var next []string
			for _, r := range recs {
				id := str(r.Values[0])
				if _, ok := dist[id]; !ok {
					dist[id] = d
					next = append(next, id)
				}
			}
			sort.Strings(next)
			chosen = append(chosen, next...)
			if q.Limit > 0 && len(chosen) > q.Limit {
				chosen, truncated = chosen[:q.Limit], true
			}
			frontier = next
		}
		ids := append([]string{q.ID}, chosen...)
		recs, err = runAll(ctx, tx, subgraphCypher, map[string]any{"ids": ids, "types": types})
		if err != nil {
			return nil, err
		}
		sg := &graph.Subgraph{Nodes: make([]graph.Node, 0, len(recs)), Edges: []graph.Edge{}, Truncated: truncated}
		for _, r := range recs {
			n := nodeFrom(r.Values[0], r.Values[1])
			sg.Nodes = append(sg.Nodes, n)
			outs, _ := r.Values[2].([]any)
			for _, o := range outs {
				m, _ := o.(map[string]any)
				sg.Edges = append(sg.Edges, edgeFrom(graph.RelType(str(m["t"])), n.ID, str(m["to"]), m["p"]))
			}
		}
		sortNodes(sg.Nodes)
		sortEdges(sg.Edges)
		return sg, nil
	})
	if err != nil {
		return nil, err
	}
	return out.(*graph.Subgraph), nil
}

// Paths returns the shortest paths between From and To over edges of Types
// (any if empty) in either direction, at most MaxHops long: every path of
// the shortest length (Neo4j's allShortestPaths), sorted by node-id
// sequence (then by edge keys, when two paths pass the same nodes over
// different edges), at most Limit of them (Limit <= 0: all). From == To is
// CodeInvalidInput; no path gives an empty list; an unknown endpoint
// CodeNotFound.
func (s *Store) Paths(ctx context.Context, q graph.PathQuery) ([]graph.Path, error) {
	if q.MaxHops < 1 || q.MaxHops > 6 {
		return nil, graph.Errorf(graph.CodeInvalidInput, "maxHops must be in 1..6")
	}
	if q.From == q.To {
		return nil, graph.Errorf(graph.CodeInvalidInput, "a path needs two different nodes")
	}
	types, err := relTypes(q.Types)
	if err != nil {
		return nil, err
	}
	quoted := make([]string, len(types))
	for i, t := range types {
		quoted[i] = identifier(t)
	}
	pattern := fmt.Sprintf("*..%d", q.MaxHops)
	if len(quoted) > 0 {
		pattern = ":" + strings.Join(quoted, "|") + pattern
	}
	stmt := fmt.Sprintf(pathsCypher, pattern)
	out, err := s.readTx(ctx, "neo4j: paths", func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := runAll(ctx, tx, getNodesCypher, map[string]any{"ids": dedupe([]string{q.From, q.To})})
		if err != nil {
			return nil, err
		}
		found := map[string]bool{}
		for _, r := range recs {
			found[str(r.Values[0])] = true
		}
		for _, id := range []string{q.From, q.To} {
			if _, ok := found[id]; !ok {
				return nil, graph.Errorf(graph.CodeNotFound, "node %q not found", id)
			}
		}
		recs, err = runAll(ctx, tx, stmt, map[string]any{"from": q.From, "to": q.To})
		if err != nil {
			return nil, err
		}
		paths := make([]graph.Path, 0, len(recs))
		for _, r := range recs {
			var p graph.Path
			ns, _ := r.Values[0].([]any)
			for _, x := range ns {
				m, _ := x.(map[string]any)
				p.Nodes = append(p.Nodes, nodeFrom(m["p"], m["l"]))
			}
			rs, _ := r.Values[1].([]any)
			for _, x := range rs {
				m, _ := x.(map[string]any)
				p.Edges = append(p.Edges, edgeFrom(graph.RelType(str(m["t"])), str(m["f"]), str(m["to"]), m["p"]))
			}
			paths = append(paths, p)
		}
		sortPaths(paths)
		return paths, nil
	})
	if err != nil {
		return nil, err
	}
	paths := out.([]graph.Path)
	if q.Limit > 0 && len(paths) > q.Limit {
		paths = paths[:q.Limit]
	}
	return paths, nil
}

// sortPaths orders paths by their node-id sequence, then edge keys.
func sortPaths(ps []graph.Path) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if len(a.Nodes) != len(b.Nodes) {
			return len(a.Nodes) < len(b.Nodes)
		}
		for k := range a.Nodes {
			if a.Nodes[k].ID != b.Nodes[k].ID {
				return a.Nodes[k].ID < b.Nodes[k].ID
			}
		}
		for k := range a.Edges {
			ka, kb := a.Edges[k].Key(), b.Edges[k].Key()
			if ka != kb {
				if ka.Type != kb.Type {
					return ka.Type < kb.Type
				}
				if ka.From != kb.From {
					return ka.From < kb.From
				}
				return ka.To < kb.To
			}
		}
		return false
	})
}
