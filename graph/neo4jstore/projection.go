package neo4jstore

import (
	"context"
	"slices"
	"strings"

	"chainkg/graph"
)

// projectionCypher extracts a chain's subgraph in one statement, following
// graph.Projection's doc comment as memstore reads it: "the segments" are
// the chain's own segments plus the segments FEEDS-linked to them (either
// direction, any chain); their chains; the fields those segments REQUIRE;
// the actors that OPERATES_IN those segments, RESEARCHES those fields,
// SERVES the chain, a segment or a field, MASTERS or LEADS the chain; the
// achievements the actors PRODUCED and the nodes that VALUES or VALIDATES
// them or that they were TRANSFERRED_TO.
//
// linked leaves out the chain's own segments (FEEDS links them to each
// other): otherwise allSegs repeats them and every firm operating in them
// is expanded twice. The actors are one UNION (distinct: an enterprise operating in two
// segments is expanded for PRODUCED once, 350k -> 201k db hits on the
// largest chain at 100k enterprises). It returns one row per node: the
// revision (read once, in the same transaction) and a chunk of up to
// projectionChunk nodes, each as the node's internal id, labels and
// properties, and its edges to other nodes of the set as compact
// lists [type, internal id of the target, properties]: internal ids name
// the targets so that no target property is read, and the IN filter on the
// collected node list (a hashed lookup, not a scan: measured linear at 37k
// nodes) skips the properties of the half of the edges that leave the set.
// Go filters again (cheaply) and sorts. Chunks, not one row per node: the
// driver spends ~14 us per record, so 37k one-node records (the largest
// chain at 100k enterprises) cost ~0.5 s of the client's time, 19 chunks
// almost nothing (measured: node ids alone 654 ms as rows, 132 ms as
// chunks). Not one row for all: a row holding every node runs out of the
// server's transaction memory at 100k enterprises, and so does a DISTINCT
// on the actors inside the PRODUCED subquery.
var projectionCypher = `MATCH (c:Chain {id: $id})
OPTIONAL MATCH (meta:ChainkgMeta {id: 'graph'})
WITH c, meta.revision AS rev
WITH c, rev, COLLECT { MATCH (c)-[:HAS_SEGMENT]->(s) RETURN DISTINCT s } AS segs
WITH c, rev, segs, COLLECT { UNWIND segs AS s MATCH (s)-[:FEEDS]-(f) WHERE NOT f IN segs RETURN DISTINCT f } AS linked
WITH c, rev, segs, linked, segs + linked AS allSegs
WITH c, rev, segs, linked, allSegs,
  COLLECT { UNWIND linked AS f MATCH (lc)-[:HAS_SEGMENT]->(f) RETURN DISTINCT lc } AS chains,
  COLLECT { UNWIND allSegs AS s MATCH (s)-[:REQUIRES]->(t) RETURN DISTINCT t } AS fields
WITH c, rev, segs, linked, chains, fields,
  COLLECT { UNWIND allSegs AS s MATCH (x)-[:OPERATES_IN]->(s) RETURN x
    UNION UNWIND fields AS t MATCH (x)-[:RESEARCHES]->(t) RETURN x
    UNION UNWIND [c] + allSegs + fields AS y MATCH (x)-[:SERVES]->(y) RETURN x
    UNION MATCH (x)-[:MASTERS|LEADS]->(c) RETURN x } AS actors
WITH c, rev, segs, linked, chains, fields, actors,
  COLLECT { UNWIND actors AS x MATCH (x)-[:PRODUCED]->(a) RETURN DISTINCT a } AS achs
WITH c, rev, segs, linked, chains, fields, actors, achs,
  COLLECT { UNWIND achs AS a MATCH (y)-[:VALUES|VALIDATES]->(a) RETURN y }
  + COLLECT { UNWIND achs AS a MATCH (a)-[:TRANSFERRED_TO]->(y) RETURN y } AS via
UNWIND [c] + segs + linked + chains + fields + actors + achs + via AS n
WITH rev, collect(DISTINCT n) AS nodes
UNWIND range(0, size(nodes) - 1, $chunk) AS i
RETURN rev, [n IN nodes[i..i + $chunk] | [id(n), labels(n), ` + projNodeFields + `,
  [(n)-[r]->(m) WHERE m IN nodes | [type(r), id(m), ` + projEdgeFields + `]]]]`

// The properties a projection reads, as positional lists rather than
// properties(n) / properties(r) maps: the driver builds a map per value
// (hashing and allocating every key), which at 37k nodes and 66k edges was
// about 150 ms of the client's time per projection; a list of the needed
// values is decoded by position, and the other properties (descriptions,
// aliases, ...) are not sent at all.
var (
	projNodeKeys = append(append([]string{graph.PropID, graph.PropName, graph.PropNameZh}, provKeys...), graph.ProjectedNodeProps...)
	projEdgeKeys = append(append([]string{}, provKeys...), graph.ProjectedEdgeProps...)
	provKeys     = []string{graph.PropSource, graph.PropAsOf, graph.PropConfidence, graph.PropEvidence, graph.PropUpdatedBy, graph.PropUpdatedAt}

	projNodeFields = fieldList("n", projNodeKeys)
	projEdgeFields = fieldList("r", projEdgeKeys)
)

func fieldList(v string, keys []string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = v + ".`" + k + "`"
	}
	return strings.Join(parts, ", ")
}

// projectionChunk is how many nodes one record of projectionCypher holds.
const projectionChunk = 2000

// Projection extracts a chain's subgraph for the analyses in one round
// trip (see projectionCypher). Nodes are sorted by id, edges by type, from,
// to. An id that is not a chain is CodeNotFound.
func (s *Store) Projection(ctx context.Context, chainID string) (*graph.Projection, error) {
	recs, err := s.query(ctx, "neo4j: projection", projectionCypher, map[string]any{"id": chainID, "chunk": projectionChunk})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, graph.Errorf(graph.CodeNotFound, "chain %q does not exist", chainID)
	}
	var rows [][]any
	for _, r := range recs {
		chunk, _ := r.Values[1].([]any)
		for _, row := range chunk {
			l, _ := row.([]any)
			rows = append(rows, l)
		}
	}
	p := decodeProjection(rows)
	p.ChainID = chainID
	if rev := recs[0].Values[0]; rev != nil {
		p.Revision = toInt64(rev)
	}
	return p, nil
}

// decodeProjection turns projectionCypher's node rows ([internal id,
// labels, the projNodeKeys values..., outgoing edges as [type, internal id
// of the target, the projEdgeKeys values...]]) into a sorted projection in
// the compact form (graph.ProjNode, graph.ProjEdge), with the provenance
// records interned.
func decodeProjection(rows [][]any) *graph.Projection {
	const (
		nodeVals = 2                     // first property value in a node row
		nodeOuts = nodeVals + 3 + 6 + 11 // the edge list's position
		edgeVals = 2                     // first property value in an edge
	)
	nodes := make([]graph.ProjNode, len(rows))
	var provs graph.ProvTable
	index := make(map[int64]int32, len(rows)) // internal id -> position in nodes
	outs := make([][]any, len(rows))
	for i, row := range rows {
		if len(row) != len(projNodeKeys)+3 {
			continue
		}
		index[toInt64(row[0])] = int32(i)
		n := &nodes[i]
		n.Kind = kindFromLabels(row[1])
		v := row[nodeVals:]
		n.ID, n.Name, n.NameZh = str(v[0]), str(v[1]), str(v[2])
		n.Prov = provs.Add(provOf(v[3:9]))
		for j, x := range v[9 : 9+len(graph.ProjectedNodeProps)] {
			if x != nil {
				n.Facts.SetIndex(j, graph.Normalize(x))
			}
		}
		outs[i], _ = row[len(row)-1].([]any)
	}
	// Nodes by id: sort a permutation; pos maps a row to its position.
	perm := make([]int32, len(nodes))
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortFunc(perm, func(a, b int32) int { return strings.Compare(nodes[a].ID, nodes[b].ID) })
	pos := make([]int32, len(nodes))
	sorted := make([]graph.ProjNode, len(nodes))
	for k, i := range perm {
		pos[i] = int32(k)
		sorted[k] = nodes[i]
	}
	// Edges: keep those whose target is in the set.
	n := 0
	for _, os := range outs {
		n += len(os)
	}
	edges := make([]graph.ProjEdge, 0, n)
	rels := map[string]uint8{}
	for i, os := range outs {
		for _, o := range os {
			e, _ := o.([]any)
			if len(e) != len(projEdgeKeys)+edgeVals {
				continue
			}
			to, ok := index[toInt64(e[1])]
			if !ok {
				continue
			}
			t := str(e[0])
			rel, ok := rels[t]
			if !ok {
				if rel, ok = graph.RelIndex(graph.RelType(t)); !ok {
					continue // not in the vocabulary: no analysis reads it
				}
				rels[t] = rel
			}
			pe := graph.ProjEdge{From: pos[i], To: pos[to], Rel: rel}
			v := e[edgeVals:]
			pe.Prov = provs.Add(provOf(v[:6]))
			switch x := graph.Normalize(v[6]).(type) {
			case float64:
				pe.Share, pe.HasShare = x, true
			case int64:
				pe.Share, pe.HasShare = float64(x), true
			}
			edges = append(edges, pe)
		}
	}
	graph.SortProjEdges(edges)
	if provs.List == nil {
		provs.List = []graph.Provenance{}
	}
	return &graph.Projection{Nodes: sorted, Edges: edges, Provs: provs.List}
}

// provOf reads a provenance record from the values of provKeys, in order.
func provOf(v []any) graph.Provenance {
	var p graph.Provenance
	for i, k := range provKeys {
		if v[i] != nil {
			takeProv(&p, k, v[i])
		}
	}
	return p
}

// takeProv sets a provenance field from storage property k, as
// graph.NodeFromProps does; false if k is not a provenance key.
func takeProv(p *graph.Provenance, k string, v any) bool {
	switch k {
	case graph.PropSource:
		p.Source, _ = v.(string)
	case graph.PropAsOf:
		p.AsOf, _ = v.(string)
	case graph.PropConfidence:
		switch x := v.(type) {
		case float64:
			p.Confidence = x
		case int64:
			p.Confidence = float64(x)
		}
	case graph.PropEvidence:
		p.Evidence, _ = v.(string)
	case graph.PropUpdatedBy:
		p.UpdatedBy, _ = v.(string)
	case graph.PropUpdatedAt:
		p.UpdatedAt, _ = v.(string)
	default:
		return false
	}
	return true
}
