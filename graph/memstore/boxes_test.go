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
