package neo4jstore

import (
	"context"

	"chainkg/graph"
)

// projectionCypher extracts a chain's subgraph in one statement, following
// graph.Projection's doc comment as memstore reads it: "the segments" are
// the chain's own segments plus the segments FEEDS-linked to them (either
// direction, any chain); their chains; the fields those segments REQUIRE;
// the actors that OPERATES_IN those segments, RESEARCHES those fields,
// SERVES the chain, a segment or a field, MASTERS or LEADS the chain; the
// achievements the actors PRODUCED and the nodes that VALUES or VALIDATES
// them or that they were TRANSFERRED_TO. It returns the nodes, every
// outgoing edge of each of them (Go keeps those whose far end is in the
// set: a linear filter, where an IN over a computed list in Cypher would be
// quadratic) and the revision, read in the same transaction.
const projectionCypher = `MATCH (c:Chain {id: $id})
WITH c, COLLECT { MATCH (c)-[:HAS_SEGMENT]->(s) RETURN DISTINCT s } AS segs
WITH c, segs, COLLECT { UNWIND segs AS s MATCH (s)-[:FEEDS]-(f) RETURN DISTINCT f } AS linked
WITH c, segs, linked, segs + linked AS allSegs
WITH c, segs, linked, allSegs,
  COLLECT { UNWIND linked AS f MATCH (lc)-[:HAS_SEGMENT]->(f) RETURN DISTINCT lc } AS chains,
  COLLECT { UNWIND allSegs AS s MATCH (s)-[:REQUIRES]->(t) RETURN DISTINCT t } AS fields
WITH c, segs, linked, chains, fields,
  COLLECT { UNWIND allSegs AS s MATCH (x)-[:OPERATES_IN]->(s) RETURN x }
  + COLLECT { UNWIND fields AS t MATCH (x)-[:RESEARCHES]->(t) RETURN x }
  + COLLECT { UNWIND [c] + allSegs + fields AS y MATCH (x)-[:SERVES]->(y) RETURN x }
  + COLLECT { MATCH (x)-[:MASTERS|LEADS]->(c) RETURN x } AS actors
WITH c, segs, linked, chains, fields, actors,
  COLLECT { UNWIND actors AS x MATCH (x)-[:PRODUCED]->(a) RETURN DISTINCT a } AS achs
WITH c, segs, linked, chains, fields, actors, achs,
  COLLECT { UNWIND achs AS a MATCH (y)-[:VALUES|VALIDATES]->(a) RETURN y }
  + COLLECT { UNWIND achs AS a MATCH (a)-[:TRANSFERRED_TO]->(y) RETURN y } AS via
UNWIND [c] + segs + linked + chains + fields + actors + achs + via AS n
WITH DISTINCT n
RETURN n.id AS id, properties(n) AS p, labels(n) AS l,
  [(n)-[r]->(m) | {t: type(r), to: m.id, p: properties(r)}] AS out,
  COLLECT { MATCH (meta:ChainkgMeta {id: 'graph'}) RETURN meta.revision } AS rev`

// Projection extracts a chain's subgraph for the analyses in one round
// trip (see projectionCypher). Nodes are sorted by id, edges by type, from,
// to. An id that is not a chain is CodeNotFound.
func (s *Store) Projection(ctx context.Context, chainID string) (*graph.Projection, error) {
	recs, err := s.query(ctx, "neo4j: projection", projectionCypher, map[string]any{"id": chainID})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, graph.Errorf(graph.CodeNotFound, "chain %q does not exist", chainID)
	}
	p := &graph.Projection{ChainID: chainID, Nodes: make([]graph.Node, 0, len(recs)), Edges: []graph.Edge{}}
	keep := make(map[string]bool, len(recs))
	for _, r := range recs {
		keep[str(r.Values[0])] = true
	}
	for _, r := range recs {
		n := nodeFrom(r.Values[1], r.Values[2])
		p.Nodes = append(p.Nodes, n)
		outs, _ := r.Values[3].([]any)
		for _, o := range outs {
			m, _ := o.(map[string]any)
			if to := str(m["to"]); keep[to] {
				p.Edges = append(p.Edges, edgeFrom(graph.RelType(str(m["t"])), n.ID, to, m["p"]))
			}
		}
		if rev, _ := r.Values[4].([]any); len(rev) > 0 {
			p.Revision = toInt64(rev[0])
		}
	}
	sortNodes(p.Nodes)
	sortEdges(p.Edges)
	return p, nil
}
