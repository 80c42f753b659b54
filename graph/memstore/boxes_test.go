package memstore

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"chainkg/graph"
)

// TestBoxes: values made in chunks read back as the values given, with the
// dynamic types of ordinary boxing, across collections (the chunks must be
// kept alive by the interior pointers alone).
func TestBoxes(t *testing.T) {
	var b boxes
	var got []any
	var want []any
	for i := range 5000 {
		s := strings.Repeat("x", i%40) + fmt.Sprint(i)
		got = append(got, b.boxString(s), b.boxFloat64(float64(i)+0.5), b.boxInt64(int64(i)<<20))
		want = append(want, s, float64(i)+0.5, int64(i)<<20)
		if i%1000 == 0 {
			runtime.GC()
		}
	}
	long := strings.Repeat("long", bytesChunk/8)
	got, want = append(got, b.boxString(long), b.boxString("")), append(want, long, "")
	b = boxes{} // only the interface values hold the chunks now
	runtime.GC()
	runtime.GC()
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) || reflect.TypeOf(got[i]) != reflect.TypeOf(want[i]) || got[i] != want[i] {
			t.Fatalf("value %d = %#v, want %#v", i, got[i], want[i])
		}
	}
	// Usable as map keys and in type switches like any boxed value.
	m := map[any]int{got[0]: 1}
	if m[want[0]] != 1 {
		t.Error("a chunked string is not equal to the same string as a map key")
	}
	if _, ok := got[1].(float64); !ok {
		t.Error("type assertion failed")
	}
}

// TestStoreValuesSurviveGC: a store's nodes read back exactly after
// collections, with every kind of boxed value unique per node.
func TestStoreValuesSurviveGC(t *testing.T) {
	ctx := context.Background()
	s := New()
	var nodes []graph.Node
	for i := range 3000 {
		nodes = append(nodes, graph.Node{ID: fmt.Sprintf("ent:gc-%05d", i), Kind: graph.KindEnterprise,
			Name: fmt.Sprintf("Firm %d %s", i, strings.Repeat("n", i%30)), NameZh: fmt.Sprintf("企业%d", i),
			Props: map[string]any{"revenue": float64(i) * 1.25, "founded": int64(1900 + i%120), "employees": int64(100000 + i), "region": fmt.Sprintf("R%d", i%7)},
			Prov:  graph.Provenance{Source: "test", Evidence: fmt.Sprintf("row %d", i), Confidence: 0.5}})
	}
	for i := 0; i < len(nodes); i += 500 {
		if _, err := s.UpsertNodes(ctx, nodes[i:i+500]); err != nil {
			t.Fatal(err)
		}
		runtime.GC()
	}
	runtime.GC()
	ids := make([]string, len(nodes))
	for i, n := range nodes {
		ids[i] = n.ID
	}
	got, err := s.GetNodes(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(nodes) {
		t.Fatalf("%d nodes back, want %d", len(got), len(nodes))
	}
	for i, n := range nodes {
		g := got[i]
		if g.ID != n.ID || g.Name != n.Name || g.NameZh != n.NameZh || g.Prov != n.Prov || !reflect.DeepEqual(g.Props, n.Props) {
			t.Fatalf("node %d read back as %+v, want %+v", i, g, n)
		}
	}
}

// TestUnchangedUpsertTakesNoChunkSpace: re-writing records that did not
// change boxes nothing (a reload of an unchanged dataset must not grow the
// store), and a changed one boxes only itself.
func TestUnchangedUpsertTakesNoChunkSpace(t *testing.T) {
	ctx := context.Background()
	s := New()
	var nodes []graph.Node
	for i := range 200 {
		nodes = append(nodes, graph.Node{ID: fmt.Sprintf("ent:u-%03d", i), Kind: graph.KindEnterprise, Name: fmt.Sprintf("Unique name %d", i),
			Props: map[string]any{"revenue": float64(i) + 0.25, "employees": int64(100000 + i)}, Prov: graph.Provenance{Source: "test", Evidence: fmt.Sprint("row ", i)}})
	}
	edges := []graph.Edge{{Type: graph.RelSupplies, From: "ent:u-000", To: "ent:u-001", Props: map[string]any{"product": "unique product text"}, Prov: graph.Provenance{Source: "test", Evidence: "an edge"}}}
	if _, err := s.UpsertNodes(ctx, nodes); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertEdges(ctx, edges); err != nil {
		t.Fatal(err)
	}
	used := func() [4]int {
		return [4]int{len(s.boxes.bytes), len(s.boxes.strs), len(s.boxes.f64s), len(s.boxes.i64s)}
	}
	before := used()
	for range 5 {
		st, err := s.UpsertNodes(ctx, nodes)
		if err != nil {
			t.Fatal(err)
		}
		if st.Unchanged[string(graph.KindEnterprise)] != len(nodes) {
			t.Fatalf("re-upsert: %+v", st)
		}
		if _, err := s.UpsertEdges(ctx, edges); err != nil {
			t.Fatal(err)
		}
	}
	if after := used(); after != before {
		t.Errorf("unchanged re-upserts used chunk space: %v -> %v", before, after)
	}
	changed := nodes[7]
	changed.Props = map[string]any{"revenue": 99.5, "employees": int64(100007)}
	if _, err := s.UpsertNodes(ctx, []graph.Node{changed}); err != nil {
		t.Fatal(err)
	}
	if after := used(); after == before || after[2] != before[2]+1 {
		t.Errorf("one changed record: chunk use %v -> %v, want one more float", before, after)
	}
}

// TestProjectionSharesProvenance: nodes and edges with equal provenance
// (a confidence too) share one record of the projection's table.
func TestProjectionSharesProvenance(t *testing.T) {
	ctx := context.Background()
	s := New()
	prov := graph.Provenance{Source: "registry", AsOf: "2024-01-01", Confidence: 0.8}
	nodes := []graph.Node{
		{ID: "chain:p", Kind: graph.KindChain, Name: "P", Prov: prov},
		{ID: "seg:p", Kind: graph.KindSegment, Name: "P1", Props: map[string]any{"chainId": "chain:p", "stage": "UPSTREAM", "order": int64(1)}, Prov: prov},
	}
	edges := []graph.Edge{{Type: graph.RelHasSegment, From: "chain:p", To: "seg:p", Prov: prov}}
	for i := range 300 {
		id := fmt.Sprintf("ent:p-%03d", i)
		nodes = append(nodes, graph.Node{ID: id, Kind: graph.KindEnterprise, Name: id, Props: map[string]any{"region": "Yangpu"}, Prov: prov})
		edges = append(edges, graph.Edge{Type: graph.RelOperatesIn, From: id, To: "seg:p", Props: map[string]any{"share": 0.5}, Prov: prov})
	}
	if _, err := s.UpsertNodes(ctx, nodes); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertEdges(ctx, edges); err != nil {
		t.Fatal(err)
	}
	p, err := s.Projection(ctx, "chain:p")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Nodes) != 302 || len(p.Edges) != 301 {
		t.Fatalf("projection: %v", p)
	}
	// One record would be ideal; a record per node kind and edge shape is
	// what the identity keys give. Not one per node.
	if len(p.Provs) > 6 {
		t.Errorf("%d provenance records for one provenance: %v", len(p.Provs), p.Provs)
	}
	for i := range p.Nodes {
		if pr := p.Provs[p.Nodes[i].Prov]; pr != prov {
			t.Fatalf("node %s provenance %+v", p.Nodes[i].ID, pr)
		}
	}
	for i := range p.Edges {
		if pr := p.Provs[p.Edges[i].Prov]; pr != prov {
			t.Fatalf("edge %d provenance %+v", i, pr)
		}
	}
}
