package memstore_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/graph/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store {
		s := memstore.New()
		t.Cleanup(func() { s.Close(t.Context()) })
		return s
	})
}

// TestClosed: after Close every call fails with CodeUnavailable; closing
// twice is harmless.
func TestClosed(t *testing.T) {
	s := memstore.New()
	ctx := t.Context()
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if got := graph.CodeOf(s.Ping(ctx)); got != graph.CodeUnavailable {
		t.Errorf("Ping after Close: %q", got)
	}
	if _, err := s.Read(ctx, graph.Query{Kind: graph.KindChain, First: 1}); graph.CodeOf(err) != graph.CodeUnavailable {
		t.Errorf("Read after Close: %v", err)
	}
	if _, err := s.UpsertNodes(ctx, nil); graph.CodeOf(err) != graph.CodeUnavailable {
		t.Errorf("UpsertNodes after Close: %v", err)
	}
}

// TestConcurrent runs writers and readers together; run it with -race.
func TestConcurrent(t *testing.T) {
	s := memstore.New()
	nodes, edges := storetest.Fixture()
	storetest.Load(t, s, nodes, edges)
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				n := graph.Node{ID: fmt.Sprintf("ent:c%d-%d", w, i), Kind: graph.KindEnterprise, Name: "Concurrent", Prov: graph.Provenance{Source: graph.SourceSynthetic}}
				if _, err := s.UpsertNodes(ctx, []graph.Node{n}); err != nil {
					errs <- err
					return
				}
				e := graph.Edge{Type: graph.RelOperatesIn, From: n.ID, To: "seg:ai-data", Prov: n.Prov}
				if _, err := s.UpsertEdges(ctx, []graph.Edge{e}); err != nil {
					errs <- err
					return
				}
				if i%3 == 0 {
					if _, err := s.RemoveEdge(ctx, e.Key()); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if _, err := s.Read(ctx, graph.Query{Kind: graph.KindSegment, First: 20, Total: true, Rels: []graph.RelQuery{
					{Key: "e", Type: graph.RelOperatesIn, Dir: graph.In, Query: graph.Query{First: 5, Total: true}}}}); err != nil {
					errs <- err
					return
				}
				if _, err := s.Search(ctx, graph.SearchQuery{Text: "concurrent", First: 5}); err != nil {
					errs <- err
					return
				}
				if _, err := s.Projection(ctx, "chain:ai"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(len(nodes) + 200); st.Nodes != want {
		t.Errorf("nodes = %d, want %d", st.Nodes, want)
	}
	if want := int64(len(edges) + 200 - 4*17); st.Edges != want {
		t.Errorf("edges = %d, want %d", st.Edges, want)
	}
}

// TestSharedValues: edges (and nodes) share interned value lists; changing
// one must not change the others.
func TestSharedValues(t *testing.T) {
	s := memstore.New()
	ctx := t.Context()
	prov := graph.Provenance{Source: "shared", AsOf: "2024-01-01"}
	var nodes []graph.Node
	for _, id := range []string{"ent:a", "ent:b", "ent:c"} {
		nodes = append(nodes, graph.Node{ID: id, Kind: graph.KindEnterprise, Name: "Same", Props: map[string]any{"region": "Yangpu", "founded": int64(2001)}, Prov: prov})
	}
	edges := []graph.Edge{
		{Type: graph.RelSupplies, From: "ent:a", To: "ent:b", Prov: prov},
		{Type: graph.RelSupplies, From: "ent:b", To: "ent:c", Prov: prov},
		{Type: graph.RelSupplies, From: "ent:c", To: "ent:a", Prov: graph.Provenance{Source: "shared\x00x", AsOf: "2024-01-01"}},
	}
	storetest.Load(t, s, nodes, edges)
	changed := edges[0]
	changed.Prov.AsOf = "2025-01-01"
	if _, err := s.UpsertEdges(ctx, []graph.Edge{changed}); err != nil {
		t.Fatal(err)
	}
	n := nodes[1]
	n.Props = map[string]any{"region": "Other", "founded": int64(2001)}
	if _, err := s.UpsertNodes(ctx, []graph.Node{n}); err != nil {
		t.Fatal(err)
	}
	sg, err := s.Neighborhood(ctx, graph.NeighborhoodQuery{ID: "ent:a", Depth: 2, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := []graph.Edge{storetest.CanonEdge(changed), storetest.CanonEdge(edges[1]), storetest.CanonEdge(edges[2])}
	if !reflect.DeepEqual(sg.Edges, want) {
		t.Errorf("edges after one update:\n got %+v\nwant %+v", sg.Edges, want)
	}
	wantNodes := []graph.Node{storetest.Canon(nodes[0]), storetest.Canon(n), storetest.Canon(nodes[2])}
	if !reflect.DeepEqual(sg.Nodes, wantNodes) {
		t.Errorf("nodes after one update:\n got %+v\nwant %+v", sg.Nodes, wantNodes)
	}
}

// FuzzContainsFold checks the search pre-check never rejects what
// graph.MatchSearch accepts.
func FuzzContainsFold(f *testing.F) {
	for _, s := range [][2]string{{"Fudan University", "fudan"}, {"复旦大学", "复旦"}, {"İstanbul AI", "i̇"}, {"KELVIN", "k"}, {"ΣΑΣ", "σ"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, text string) {
		n := graph.Node{ID: "x", Name: name}
		s := memstore.New()
		if _, ok := graph.MatchSearch(n, text); ok {
			n.Kind, n.Prov.Source = graph.KindTechField, "fuzz"
			if graph.ValidateNode(n) != nil {
				return
			}
			if _, err := s.UpsertNodes(t.Context(), []graph.Node{n}); err != nil {
				t.Fatal(err)
			}
			hits, err := s.Search(t.Context(), graph.SearchQuery{Text: text, First: 5})
			if err != nil || len(hits) != 1 {
				t.Fatalf("MatchSearch(%q, %q) matches but Search gives %v, %v", name, text, hits, err)
			}
		}
	})
}

// TestBatchedInsertOrder: ids arriving in many batches in random order
// still sort by id everywhere (kind lists, ranks used for ties and
// subgraphs).
func TestBatchedInsertOrder(t *testing.T) {
	s := memstore.New()
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(1, 2))
	var ids []string
	for i := range 300 {
		ids = append(ids, fmt.Sprintf("ent:%x", rng.Uint64()>>uint(i%40)))
	}
	rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	prov := graph.Provenance{Source: graph.SourceSynthetic}
	if _, err := s.UpsertNodes(ctx, []graph.Node{{ID: "park:hub", Kind: graph.KindPark, Name: "Hub", Prov: prov}}); err != nil {
		t.Fatal(err)
	}
	for start := 0; start < len(ids); start += 37 {
		var batch []graph.Node
		var edges []graph.Edge
		for _, id := range ids[start:min(start+37, len(ids))] {
			batch = append(batch, graph.Node{ID: id, Kind: graph.KindEnterprise, Name: id, Props: map[string]any{"tier": graph.Tiers[len(id)%2]}, Prov: prov})
			edges = append(edges, graph.Edge{Type: graph.RelLocatedIn, From: id, To: "park:hub", Prov: prov})
		}
		storetest.Load(t, s, batch, edges)
	}
	sorted := slices.Sorted(slices.Values(ids))
	p, err := s.Read(ctx, graph.Query{Kind: graph.KindEnterprise, First: graph.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range p.Items {
		got = append(got, it.Node.ID)
	}
	if !slices.Equal(got, sorted) {
		t.Errorf("id order after batched inserts is wrong")
	}
	p, err = s.Read(ctx, graph.Query{Kind: graph.KindEnterprise, First: graph.MaxPageSize, OrderBy: &graph.Order{Field: "tier"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(p.Items); i++ {
		a, b := p.Items[i-1].Node, p.Items[i].Node
		if a.Props["tier"] == b.Props["tier"] && a.ID > b.ID {
			t.Fatalf("tie %s before %s", a.ID, b.ID)
		}
	}
	sg, err := s.Neighborhood(ctx, graph.NeighborhoodQuery{ID: "park:hub", Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, n := range sg.Nodes {
		got = append(got, n.ID)
	}
	want := append(slices.Clone(sorted), "park:hub")
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("subgraph node order is wrong")
	}
	for i := 1; i < len(sg.Edges); i++ {
		if sg.Edges[i-1].From >= sg.Edges[i].From {
			t.Fatalf("edge order: %s before %s", sg.Edges[i-1].From, sg.Edges[i].From)
		}
	}
}

// TestSearchAfterRenames: the search corpus follows renames (old names stop
// matching) through its compactions, and falls back to a full scan for
// terms it cannot hold.
func TestSearchAfterRenames(t *testing.T) {
	s := memstore.New()
	ctx := t.Context()
	prov := graph.Provenance{Source: graph.SourceSynthetic}
	var batch []graph.Node
	for i := range 50 {
		batch = append(batch, graph.Node{ID: fmt.Sprintf("ent:%02d", i), Kind: graph.KindEnterprise, Name: fmt.Sprintf("Firm %02d", i), Prov: prov})
	}
	if _, err := s.UpsertNodes(ctx, batch); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("长名", 60)
	for round := range 400 {
		n := batch[round%50]
		n.Name = fmt.Sprintf("Renamed %d %s", round, long)
		n.Aliases = []string{fmt.Sprintf("alias-%d", round), "nul\x00inside"}
		if _, err := s.UpsertNodes(ctx, []graph.Node{n}); err != nil {
			t.Fatal(err)
		}
	}
	search := func(text string) []string {
		hits, err := s.Search(ctx, graph.SearchQuery{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range hits {
			ids = append(ids, h.Node.ID)
		}
		return ids
	}
	if got := search("renamed 103"); len(got) != 0 {
		t.Errorf("an old name still matches: %v", got)
	}
	if got := search("renamed 353"); !slices.Equal(got, []string{"ent:03"}) {
		t.Errorf("current name: %v", got)
	}
	if got := search("alias-38"); len(got) != 10 {
		t.Errorf("alias-38: %d hits, want 10 (rounds 380-389)", len(got))
	}
	if got := search("firm"); len(got) != 0 {
		t.Errorf("original names still match: %v", got)
	}
	if got := search("nul\x00inside"); len(got) != 50 {
		t.Errorf("a term with a NUL (full-scan fallback): %d hits, want 50", len(got))
	}
}
