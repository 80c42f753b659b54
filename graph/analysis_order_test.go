package graph_test

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"

	"chainkg/graph"
)

// shuffled rebuilds p with graph.NewProjection from its full nodes and
// edges given in random order (stores and fixtures hand records over in
// any order; the projection they build must not depend on it).
func shuffled(p *graph.Projection, seed uint64) *graph.Projection {
	nodes, edges := p.FullNodes(), p.FullEdges()
	r := rand.New(rand.NewPCG(seed, seed))
	r.Shuffle(len(nodes), func(i, j int) { nodes[i], nodes[j] = nodes[j], nodes[i] })
	r.Shuffle(len(edges), func(i, j int) { edges[i], edges[j] = edges[j], edges[i] })
	return graph.NewProjection(p.ChainID, p.Revision, nodes, edges)
}

// TestAnalysisIgnoresInputOrder: the order records are given in, and a
// node repeated among them, change nothing in the report (but the evidence
// counts, which count the facts as given); a projection that breaks the
// stores' form (Projection.Check) is refused.
func TestAnalysisIgnoresInputOrder(t *testing.T) {
	report := func(t *testing.T, p *graph.Projection) string {
		r, err := graph.Analyze(p, graph.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r.Gap.Evidence = graph.Evidence{} // counts every fact given, repeats too
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, f := range fixtures() {
		t.Run(f.chain, func(t *testing.T) {
			p := project(f)
			want := report(t, p)
			for seed := range uint64(5) {
				if got := report(t, shuffled(p, seed)); got != want {
					t.Errorf("shuffled (seed %d): report differs", seed)
				}
			}
			// A repeated node: the last copy counts, as with a map by id.
			nodes := p.FullNodes()
			stale := nodes[0]
			stale.Name, stale.Props = "stale copy", nil
			q := graph.NewProjection(p.ChainID, p.Revision, append([]graph.Node{stale}, nodes...), p.FullEdges())
			if got := report(t, q); got != want {
				t.Errorf("with a stale earlier copy of %s: report differs", stale.ID)
			}
			// A projection out of order is a store bug: refused, not analysed.
			bad := *p
			bad.Nodes = slices.Clone(p.Nodes)
			bad.Nodes[0], bad.Nodes[1] = bad.Nodes[1], bad.Nodes[0]
			if _, err := graph.Analyze(&bad, graph.Options{}); graph.CodeOf(err) != graph.CodeInternal {
				t.Errorf("unsorted nodes: err %v, want INTERNAL", err)
			}
			bad = *p
			bad.Edges = slices.Clone(p.Edges)
			bad.Edges[0].To = int32(len(p.Nodes))
			if _, err := graph.Analyze(&bad, graph.Options{}); graph.CodeOf(err) != graph.CodeInternal {
				t.Errorf("edge end out of range: err %v, want INTERNAL", err)
			}
		})
	}
}
