package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"chainkg/graph"
)

const (
	// getNodesCypher fetches nodes by id through the :Node id constraint.
	getNodesCypher = "UNWIND $ids AS id MATCH (n:Node {id: id}) RETURN n.id AS id, properties(n) AS p, labels(n) AS l"
	// revisionCypher reads the revision counter (0 before the first write).
	revisionCypher = "OPTIONAL MATCH (m:ChainkgMeta {id: 'graph'}) RETURN coalesce(m.revision, 0) AS r"
)

// Read answers one read query with one Cypher statement (see Compile).
func (s *Store) Read(ctx context.Context, q graph.Query) (*graph.Page, error) {
	cq, err := Compile(q) // checks q first
	if err != nil {
		return nil, err
	}
	recs, err := s.query(ctx, "neo4j: read", cq.Cypher, cq.Params)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, graph.Errorf(graph.CodeInternal, "neo4j: read returned %d rows, want 1", len(recs))
	}
	items, _ := recs[0].Values[0].([]any)
	if len(q.IDs) > 0 {
		items = orderByIDs(items, dedupe(q.IDs))
	}
	page := decodePage(q, items, recs[0].Values[1], "", nil)
	if len(q.IDs) > 0 && q.Total {
		page.Total = len(page.Items)
	}
	return page, nil
}

// orderByIDs puts id-selected items in the order of the ids.
func orderByIDs(items []any, ids []string) []any {
	byID := make(map[string]any, len(items))
	for _, it := range items {
		m, _ := it.(map[string]any)
		p, _ := m["p"].(map[string]any)
		byID[str(p[graph.PropID])] = it
	}
	out := make([]any, 0, len(items))
	for _, id := range ids {
		if it, ok := byID[id]; ok {
			out = append(out, it)
		}
	}
	return out
}

// decodePage turns the items of one (sub)query into a Page. parent and r
// are set for relation pages: they give the edge's endpoints.
func decodePage(q graph.Query, items []any, total any, parent string, r *graph.RelQuery) *graph.Page {
	page := &graph.Page{Items: make([]graph.Item, 0, len(items)), HasPrev: q.After != "", Total: -1}
	if q.Total {
		page.Total = int(toInt64(total))
	}
	if len(q.IDs) == 0 && len(items) > q.First {
		page.HasNext = true
		items = items[:q.First]
	}
	for _, it := range items {
		m, _ := it.(map[string]any)
		props, _ := m["p"].(map[string]any)
		var orderVal any
		if q.OrderBy != nil {
			orderVal = graph.Normalize(props[q.OrderBy.Field])
		}
		n := nodeFrom(props, m["l"])
		item := graph.Item{Node: n, Cursor: graph.EncodeCursor(orderVal, n.ID)}
		if r != nil {
			from, to := parent, n.ID
			if r.Dir == graph.In {
				from, to = n.ID, parent
			}
			e := edgeFrom(r.Type, from, to, m["e"])
			item.Edge = &e
		}
		if len(q.Rels) > 0 {
			item.Rels = make(map[string]*graph.Page, len(q.Rels))
			for i := range q.Rels {
				rq := &q.Rels[i]
				sub, _ := m[fmt.Sprintf("r%d", i)].([]any)
				item.Rels[rq.Key] = decodePage(rq.Query, sub, m[fmt.Sprintf("t%d", i)], n.ID, rq)
			}
		}
		page.Items = append(page.Items, item)
	}
	return page
}

// GetNodes returns the nodes with these ids in the order asked, skipping
// ids that do not exist (an id asked twice is returned twice).
func (s *Store) GetNodes(ctx context.Context, ids []string) ([]graph.Node, error) {
	if len(ids) == 0 {
		return []graph.Node{}, nil
	}
	recs, err := s.query(ctx, "neo4j: get nodes", getNodesCypher, map[string]any{"ids": dedupe(ids)})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]graph.Node, len(recs))
	for _, r := range recs {
		byID[str(r.Values[0])] = nodeFrom(r.Values[1], r.Values[2])
	}
	out := make([]graph.Node, 0, len(recs))
	for _, id := range ids {
		if n, ok := byID[id]; ok {
			out = append(out, n)
		}
	}
	return out, nil
}

// statsCypher counts nodes per kind label and relationships per type; each
// part is answered from Neo4j's count store, without touching the graph.
var statsCypher = func() string {
	var parts []string
	for _, k := range graph.Kinds {
		parts = append(parts, fmt.Sprintf("MATCH (n:%s) RETURN 'k' AS g, '%s' AS name, count(n) AS c",
			identifier(string(k.Kind)), k.Kind))
	}
	for _, r := range graph.Rels {
		parts = append(parts, fmt.Sprintf("MATCH ()-[r:%s]->() RETURN 't' AS g, '%s' AS name, count(r) AS c",
			identifier(string(r.Type)), r.Type))
	}
	return strings.Join(parts, " UNION ALL ")
}()

// Stats counts nodes and edges, by kind and by relation type (sorted, only
// non-zero rows). The meta node is not counted.
func (s *Store) Stats(ctx context.Context) (graph.Stats, error) {
	recs, err := s.query(ctx, "neo4j: stats", statsCypher, nil)
	if err != nil {
		return graph.Stats{}, err
	}
	st := graph.Stats{ByKind: []graph.KindCount{}, ByType: []graph.KindCount{}}
	for _, r := range recs {
		c := toInt64(r.Values[2])
		if c == 0 {
			continue
		}
		kc := graph.KindCount{Kind: str(r.Values[1]), Count: c}
		if str(r.Values[0]) == "k" {
			st.Nodes += c
			st.ByKind = append(st.ByKind, kc)
		} else {
			st.Edges += c
			st.ByType = append(st.ByType, kc)
		}
	}
	sortCounts(st.ByKind)
	sortCounts(st.ByType)
	return st, nil
}

func sortCounts(cs []graph.KindCount) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].Kind < cs[j-1].Kind; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// Revision returns the graph revision kept on the meta node.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	recs, err := s.query(ctx, "neo4j: revision", revisionCypher, nil)
	if err != nil {
		return 0, err
	}
	if len(recs) == 0 {
		return 0, nil
	}
	return toInt64(recs[0].Values[0]), nil
}
