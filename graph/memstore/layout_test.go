package memstore

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"

	"chainkg/graph"
)

// TestAdjEntry: an adjacency entry keeps the edge index, relation index and
// direction it was made with, at the extremes of their ranges.
func TestAdjEntry(t *testing.T) {
	for _, tc := range []struct {
		name  string
		other uint32
		j     uint32
		typ   uint8
		out   bool
	}{
		{"first", 0, 0, 1, true},
		{"last edge, last type, in", math.MaxUint32, maxEdges - 1, uint8(len(graph.Rels)), false},
		{"middle", 12345, 1 << 20, 7, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAdjEntry(tc.other, tc.j, tc.typ, tc.out)
			if a.other != tc.other || a.edge() != tc.j || a.typ() != tc.typ || a.out() != tc.out {
				t.Errorf("got other %d edge %d typ %d out %v", a.other, a.edge(), a.typ(), a.out())
			}
			// in: the target's entry, or a self-loop's single entry.
			if got, want := a.in(tc.other+1), !tc.out; got != want {
				t.Errorf("in(other node) = %v, want %v", got, want)
			}
			if !a.in(tc.other) {
				t.Errorf("in(self-loop) = false")
			}
		})
	}
}

// TestEdgeValueInterning: edges whose values are all interned share one
// value list; values read back exactly, past the interning bound too.
func TestEdgeValueInterning(t *testing.T) {
	ctx := t.Context()
	s := New()
	prov := graph.Provenance{Source: graph.SourceSynthetic}
	nodes := []graph.Node{{ID: "seg:a", Kind: graph.KindSegment, Name: "A", Prov: prov}}
	for i := range 6 {
		nodes = append(nodes, graph.Node{ID: fmt.Sprintf("ent:%d", i), Kind: graph.KindEnterprise, Name: "E", Prov: prov})
	}
	if _, err := s.UpsertNodes(ctx, nodes); err != nil {
		t.Fatal(err)
	}
	op := func(i int, props map[string]any) graph.Edge {
		return graph.Edge{Type: graph.RelOperatesIn, From: fmt.Sprintf("ent:%d", i), To: "seg:a", Props: props, Prov: prov}
	}
	edges := []graph.Edge{
		op(0, map[string]any{"share": 0.5}),
		op(1, map[string]any{"share": 0.5}),
		op(2, map[string]any{"share": math.Copysign(0, -1)}),
		op(3, map[string]any{"share": 0.0, "role": "maker"}),
	}
	edges[3].Prov.Evidence = "annual report, p. 3" // evidence: a unique string, not interned
	if _, err := s.UpsertEdges(ctx, edges); err != nil {
		t.Fatal(err)
	}
	// Past the bound: a new number is boxed per edge, still exact.
	for i := 0; len(s.nums) < maxNums; i++ {
		s.nums[numKey{bits: uint64(i) + 1<<40}] = int64(i)
	}
	edges = append(edges, op(4, map[string]any{"share": 0.125}), op(5, map[string]any{"share": 0.125}))
	if _, err := s.UpsertEdges(ctx, edges[4:]); err != nil {
		t.Fatal(err)
	}
	vals := func(i int) []any {
		j, ok := s.findEdge(relIndex[graph.RelOperatesIn], s.byID[edges[i].From], s.byID["seg:a"])
		if !ok {
			t.Fatalf("edge %d not found", i)
		}
		return s.edges[j].vals
	}
	for _, tc := range []struct {
		name   string
		a, b   int
		shared bool
	}{
		{"equal interned values share", 0, 1, true},
		{"-0 is not 0.5", 0, 2, false},
		{"a list with a unique string is not interned", 3, 3, false},
		{"past the bound", 4, 5, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			va, vb := vals(tc.a), vals(tc.b)
			if got := &va[0] == &vb[0]; got != tc.shared && tc.a != tc.b {
				t.Errorf("shared = %v, want %v", got, tc.shared)
			}
			if tc.a == tc.b {
				for _, l := range s.edgeVals {
					if &l[0] == &va[0] {
						t.Errorf("a list with a unique string was interned")
					}
				}
			}
		})
	}
	for i, want := range edges {
		j, _ := s.findEdge(relIndex[graph.RelOperatesIn], s.byID[want.From], s.byID["seg:a"])
		got := s.edgeOut(j, s.byID[want.From], s.byID[want.To])
		if !reflect.DeepEqual(got, want) {
			t.Errorf("edge %d reads back as %+v, want %+v", i, got, want)
		}
		if i == 2 && !math.Signbit(got.Props["share"].(float64)) {
			t.Errorf("-0 read back as +0")
		}
	}
}

// TestValueArena: stored value lists are copies in the arena, never the
// scratch list storeProps reuses, so a batch mixing new, updated and
// unchanged nodes reads back exactly.
func TestValueArena(t *testing.T) {
	ctx := t.Context()
	s := New()
	prov := graph.Provenance{Source: graph.SourceSynthetic}
	ent := func(i int, region string) graph.Node {
		return graph.Node{ID: fmt.Sprintf("ent:%d", i), Kind: graph.KindEnterprise, Name: fmt.Sprintf("E%d", i),
			Props: map[string]any{"region": region, "revenue": float64(i) + 0.5}, Prov: prov}
	}
	var want []graph.Node
	for i := range 3000 { // more than one chunk
		want = append(want, ent(i, "Yangpu"))
	}
	if _, err := s.UpsertNodes(ctx, want); err != nil {
		t.Fatal(err)
	}
	// One batch: every third node changed, the rest unchanged, two new.
	var batch []graph.Node
	for i := range 3002 {
		n := ent(i, "Yangpu")
		if i%3 == 0 {
			n = ent(i, "Other")
		}
		batch = append(batch, n)
	}
	st, err := s.UpsertNodes(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if st.Updated["Enterprise"] != 1000 || st.Created["Enterprise"] != 2 || st.Unchanged["Enterprise"] != 2000 {
		t.Fatalf("stats %+v", st)
	}
	ids := make([]string, len(batch))
	for i, n := range batch {
		ids[i] = n.ID
	}
	got, err := s.GetNodes(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, batch) {
		t.Errorf("nodes do not read back as written")
	}
	for i := range s.nodes {
		if v := s.nodes[i].vals; len(v) > 0 && len(s.valsBuf) > 0 && &v[0] == &s.valsBuf[0] {
			t.Fatalf("node %s keeps the scratch value list", s.nodes[i].id)
		}
	}
}

// TestSortByRank: the radix sort orders rank keys as slices.Sort does, for
// sizes on both sides of its cut-over and rank widths of 1 to 4 bytes.
func TestSortByRank(t *testing.T) {
	x := uint64(7)
	rnd := func() uint64 { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x }
	for _, tc := range []struct {
		name   string
		n      int
		nNodes int
	}{
		{"small", 100, 1000},
		{"one byte of rank", 200, 200},
		{"two bytes", 5000, 60000},
		{"three bytes", 40000, 100235},
		{"four bytes", 3000, 1 << 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[uint64]bool{}
			var keys []uint64
			for len(keys) < tc.n {
				r := rnd() % uint64(tc.nNodes)
				if !seen[r] {
					seen[r] = true
					keys = append(keys, r<<32|rnd()%uint64(tc.nNodes))
				}
			}
			want := slices.Clone(keys)
			slices.Sort(want)
			got, _ := sortByRank(keys, nil, tc.nNodes)
			if !slices.Equal(got, want) {
				t.Errorf("not sorted by rank")
			}
		})
	}
}
