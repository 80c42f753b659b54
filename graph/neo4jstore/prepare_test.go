package neo4jstore

import (
	"testing"

	"chainkg/graph"
)

// TestPrepareRefusesWhatMustNotReachAStatement: kinds and relation types
// become labels and types in Cypher text, and property keys become stored
// keys, so the preparation of a write refuses anything outside the
// allowlist, the stored hash key and the provenance keys, and values of the
// wrong type, before a statement is built.
func TestPrepareRefusesWhatMustNotReachAStatement(t *testing.T) {
	prov := graph.Provenance{Source: graph.SourceSynthetic}
	node := func(edit func(*graph.Node)) graph.Node {
		n := graph.Node{ID: "ent-1", Kind: graph.KindEnterprise, Name: "Acme", Prov: prov, Props: map[string]any{"tier": "SME"}}
		edit(&n)
		return n
	}
	edge := func(edit func(*graph.Edge)) graph.Edge {
		e := graph.Edge{Type: graph.RelSupplies, From: "a", To: "b", Prov: prov, Props: map[string]any{"product": "chips"}}
		edit(&e)
		return e
	}
	if _, _, err := prepareNodes([]graph.Node{node(func(*graph.Node) {})}); err != nil {
		t.Fatalf("a valid node: %v", err)
	}
	if _, err := prepareEdges([]graph.Edge{edge(func(*graph.Edge) {})}); err != nil {
		t.Fatalf("a valid edge: %v", err)
	}
	for name, n := range map[string]graph.Node{
		"kind":           node(func(n *graph.Node) { n.Kind = "Node:Admin" }),
		"id":             node(func(n *graph.Node) { n.ID = "a b" }),
		"hash key":       node(func(n *graph.Node) { n.Props["_h"] = "x" }),
		"provenance key": node(func(n *graph.Node) { n.Props["source"] = "x" }),
		"common key":     node(func(n *graph.Node) { n.Props["name"] = "x" }),
		"foreign key":    node(func(n *graph.Node) { n.Props["x` = 1 //"] = "x" }),
		"value type":     node(func(n *graph.Node) { n.Props["founded"] = "1999" }),
	} {
		if _, _, err := prepareNodes([]graph.Node{n}); graph.CodeOf(err) != graph.CodeInvalidInput {
			t.Errorf("node with a bad %s: got %v, want BAD_USER_INPUT", name, err)
		}
	}
	for name, e := range map[string]graph.Edge{
		"type":        edge(func(e *graph.Edge) { e.Type = "SUPPLIES]->() DETACH DELETE (" }),
		"endpoint id": edge(func(e *graph.Edge) { e.To = "" }),
		"hash key":    edge(func(e *graph.Edge) { e.Props["_h"] = "x" }),
		"provenance":  edge(func(e *graph.Edge) { e.Props["confidence"] = 0.5 }),
		"foreign key": edge(func(e *graph.Edge) { e.Props["weight"] = 1.0 }),
		"value type":  edge(func(e *graph.Edge) { e.Props["volume"] = "lots" }),
	} {
		if _, err := prepareEdges([]graph.Edge{e}); graph.CodeOf(err) != graph.CodeInvalidInput {
			t.Errorf("edge with a bad %s: got %v, want BAD_USER_INPUT", name, err)
		}
	}
}
