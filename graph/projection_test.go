package graph

import (
	"reflect"
	"testing"
)

// TestFacts: Facts holds exactly ProjectedNodeProps, each declared by the
// vocabulary, with the type conversions the analyses rely on; the
// compiler keeps the analyses to Facts' fields.
func TestFacts(t *testing.T) {
	vals := map[string]any{"chainId": "chain:ai", "chainMaster": true, "highTech": true, "maturity": int64(7),
		"order": int64(3), "policyWeight": 0.5, "region": "Yangpu", "revenue": 12.5, "specialised": true,
		"stage": "UPSTREAM", "tier": "SME"}
	if len(vals) != len(ProjectedNodeProps) {
		t.Fatalf("test values cover %d of %d projected properties", len(vals), len(ProjectedNodeProps))
	}
	for i, k := range ProjectedNodeProps {
		if !declared(k) {
			t.Errorf("projected property %q is declared by no kind or relation in vocab.go", k)
		}
		if FactIndex(k) != i || !IsProjectedNodeProp(k) {
			t.Errorf("FactIndex(%q) = %d, want %d", k, FactIndex(k), i)
		}
		var f Facts
		if !f.SetProp(k, vals[k]) || f.Set != FactSet(1)<<i {
			t.Errorf("SetProp(%q) set %b", k, f.Set)
		}
		if got := f.Props(); len(got) != 1 || got[k] != vals[k] {
			t.Errorf("Props after SetProp(%q, %v) = %v", k, vals[k], got)
		}
		if f.SetProp(k, struct{}{}) {
			t.Errorf("SetProp(%q) took a value of the wrong type", k)
		}
	}
	if f := FactsOf(vals); !reflect.DeepEqual(f.Props(), vals) {
		t.Errorf("FactsOf round trip = %v", f.Props())
	}
	var f Facts
	if f.SetProp("employees", int64(3)) || f.Set != 0 || f.Props() != nil {
		t.Error("SetProp took a property a Projection does not carry")
	}
	// Integers read floats truncated, floats read integers (as the
	// analyses read the property maps before).
	f.SetProp("order", 2.9)
	f.SetProp("revenue", int64(4))
	f.SetProp("policyWeight", 1)
	if f.Order != 2 || f.Revenue != 4 || f.PolicyWeight != 1 || f.Set != FactOrder|FactRevenue|FactPolicyWeight {
		t.Errorf("conversions: %+v", f)
	}
	for _, k := range ProjectedEdgeProps {
		if !declared(k) || !IsProjectedEdgeProp(k) {
			t.Errorf("projected edge property %q", k)
		}
	}
}

// TestNewProjection: sorted, deduplicated (last copy wins), dangling and
// unknown edges dropped, provenance interned, and Check accepts it; Node
// and Edge give the full records back, trimmed.
func TestNewProjection(t *testing.T) {
	src := Provenance{Source: "seed", AsOf: "2024-01-01"}
	nodes := []Node{
		{ID: "seg:b", Kind: KindSegment, Name: "B", Props: map[string]any{"stage": "MIDSTREAM", "order": int64(2), "chainId": "chain:x"}, Prov: src},
		{ID: "chain:x", Kind: KindChain, Name: "old"},
		{ID: "ent:a", Kind: KindEnterprise, Name: "A", Aliases: []string{"a"}, Props: map[string]any{"tier": "SME", "employees": int64(3)}, Prov: src},
		{ID: "chain:x", Kind: KindChain, Name: "X"},
	}
	edges := []Edge{
		{Type: RelOperatesIn, From: "ent:a", To: "seg:b", Props: map[string]any{"share": 0.25, "role": "x"}, Prov: src},
		{Type: RelHasSegment, From: "chain:x", To: "seg:b", Prov: src},
		{Type: RelOperatesIn, From: "ent:gone", To: "seg:b"},
		{Type: "NOT_A_REL", From: "ent:a", To: "seg:b"},
		{Type: RelCooperates, From: "ent:a", To: "chain:x", Prov: Provenance{Source: "other"}},
	}
	p := NewProjection("chain:x", 7, nodes, edges)
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range p.Nodes {
		ids = append(ids, n.ID)
	}
	if !reflect.DeepEqual(ids, []string{"chain:x", "ent:a", "seg:b"}) || p.Nodes[0].Name != "X" {
		t.Fatalf("nodes %v (first named %q)", ids, p.Nodes[0].Name)
	}
	var got []string
	for i := range p.Edges {
		e := p.Edge(i)
		got = append(got, string(e.Type)+" "+e.From+" "+e.To+" "+e.Prov.Source)
	}
	want := []string{"COOPERATES_WITH ent:a chain:x other", "HAS_SEGMENT chain:x seg:b seed", "OPERATES_IN ent:a seg:b seed"}
	if !reflect.DeepEqual(got, want) || len(p.Provs) != 3 {
		t.Fatalf("edges %q, %d provenance records", got, len(p.Provs))
	}
	if e := p.Edge(2); e.Props["share"] != 0.25 || len(e.Props) != 1 {
		t.Errorf("OPERATES_IN props %v", e.Props)
	}
	if n := p.Node(1); n.Aliases != nil || !reflect.DeepEqual(n.Props, map[string]any{"tier": "SME"}) || n.Prov != src {
		t.Errorf("ent:a as projected: %+v", n)
	}
	if !reflect.DeepEqual(ProjectedNode(nodes[2]), p.Node(1)) {
		t.Errorf("ProjectedNode = %+v, Node = %+v", ProjectedNode(nodes[2]), p.Node(1))
	}
}

func declared(k string) bool {
	for _, ks := range Kinds {
		for _, p := range ks.AllProps() {
			if p.Name == k {
				return true
			}
		}
	}
	for _, r := range Rels {
		for _, p := range r.Props {
			if p.Name == k {
				return true
			}
		}
	}
	return false
}

func TestProjectedNodeTrims(t *testing.T) {
	n := Node{ID: "e1", Kind: KindEnterprise, Name: "A", Aliases: []string{"a"}, Props: map[string]any{"tier": "SME", "employees": int64(3)}, Prov: Provenance{Source: "s"}}
	p := ProjectedNode(n)
	if p.Aliases != nil || len(p.Props) != 1 || p.Props["tier"] != "SME" || p.Prov.Source != "s" || p.Name != "A" {
		t.Errorf("ProjectedNode = %+v", p)
	}
	if len(n.Props) != 2 || n.Aliases == nil {
		t.Error("ProjectedNode modified its argument")
	}
	if e := ProjectedEdge(Edge{Props: map[string]any{"volume": 1.0}}); e.Props != nil {
		t.Errorf("ProjectedEdge kept %v", e.Props)
	}
}
