package graph_test

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"

	"chainkg/graph"
)

// shuffled returns a copy of p with its nodes and edges in random order
// (the stores return them sorted; the analyses must not depend on it).
func shuffled(p *graph.Projection, seed uint64) *graph.Projection {
	q := *p
	q.Nodes, q.Edges = slices.Clone(p.Nodes), slices.Clone(p.Edges)
	r := rand.New(rand.NewPCG(seed, seed))
	r.Shuffle(len(q.Nodes), func(i, j int) { q.Nodes[i], q.Nodes[j] = q.Nodes[j], q.Nodes[i] })
	r.Shuffle(len(q.Edges), func(i, j int) { q.Edges[i], q.Edges[j] = q.Edges[j], q.Edges[i] })
	return &q
}

// TestAnalysisIgnoresInputOrder: a projection's node and edge order, and a
// node repeated in it, change nothing in the report (but the evidence
// counts, which count the facts as given).
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
			q := shuffled(p, 9)
			stale := q.Nodes[0]
			stale.Name, stale.Props = "stale copy", nil
			q.Nodes = append([]graph.Node{stale}, q.Nodes...)
			if got := report(t, q); got != want {
				t.Errorf("with a stale earlier copy of %s: report differs", stale.ID)
			}
		})
	}
}
