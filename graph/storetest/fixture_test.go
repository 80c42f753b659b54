package storetest

import (
	"testing"

	"chainkg/graph"
)

// TestFixtureValid checks the shared fixture against the vocabulary: every
// node and edge validates, ids are unique, edges join existing nodes of kinds
// their relation allows, and everything is marked synthetic.
func TestFixtureValid(t *testing.T) {
	nodes, edges := Fixture()
	kinds := map[string]graph.Kind{}
	for _, n := range nodes {
		if err := graph.ValidateNode(n); err != nil {
			t.Errorf("node %s: %v", n.ID, err)
		}
		if _, dup := kinds[n.ID]; dup {
			t.Errorf("duplicate node id %s", n.ID)
		}
		kinds[n.ID] = n.Kind
		if n.Prov.Source != graph.SourceSynthetic {
			t.Errorf("node %s: source %q, want synthetic", n.ID, n.Prov.Source)
		}
	}
	keys := map[graph.EdgeKey]bool{}
	for _, e := range edges {
		if err := graph.ValidateEdge(e); err != nil {
			t.Errorf("edge %s: %v", e.Key(), err)
		}
		from, ok1 := kinds[e.From]
		to, ok2 := kinds[e.To]
		if !ok1 || !ok2 {
			t.Errorf("edge %s: missing endpoint", e.Key())
			continue
		}
		if err := graph.ValidateEndpoints(e, from, to); err != nil {
			t.Errorf("edge %s: %v", e.Key(), err)
		}
		if keys[e.Key()] {
			t.Errorf("duplicate edge %s", e.Key())
		}
		keys[e.Key()] = true
		if e.Prov.Source != graph.SourceSynthetic {
			t.Errorf("edge %s: source %q, want synthetic", e.Key(), e.Prov.Source)
		}
	}
}
