package memstore

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"sync"
	"syscall"
	"testing"

	"chainkg/graph"
	"chainkg/loaders"
)

// This file keeps the chain projection as it was before it was rewritten
// for speed (commit 58edaf0), adapted only to the store's current layout:
// it is the reference the new one must match exactly (TestProjectionMatchesBaseline)
// and the baseline BenchmarkProjection compares against in one run.

// projectionBaseline is the old (*Store).Projection.
func (s *Store) projectionBaseline(ctx context.Context, chainID string) (*graph.Projection, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.begin(ctx, "read"); err != nil {
		return nil, err
	}
	chain, ok := s.byID[chainID]
	if !ok || graph.Kinds[s.nodes[chain].kind].Kind != graph.KindChain {
		return nil, graph.Errorf(graph.CodeNotFound, "chain %q does not exist", chainID)
	}
	rt := func(t graph.RelType) uint8 { return relIndex[t] }
	keep := &nodeSet{bits: make([]uint64, (len(s.nodes)+63)/64)}
	keep.add(chain)
	walk := func(from []uint32, t graph.RelType, out bool) []uint32 {
		typ := rt(t)
		var got []uint32
		for _, n := range from {
			for _, a := range s.nodes[n].adj {
				e := &s.edges[a.edge()]
				if e.typ != typ {
					continue
				}
				if out && a.out() || !out && a.in(n) {
					got = append(got, a.other)
				}
			}
		}
		for _, m := range got {
			keep.add(m)
		}
		return got
	}
	segs := walk([]uint32{chain}, graph.RelHasSegment, true)
	linked := append(walk(segs, graph.RelFeeds, true), walk(segs, graph.RelFeeds, false)...)
	allSegs := append(slices.Clone(segs), linked...)
	walk(linked, graph.RelHasSegment, false)
	fields := walk(allSegs, graph.RelRequires, true)
	var actors []uint32
	actors = append(actors, walk(allSegs, graph.RelOperatesIn, false)...)
	actors = append(actors, walk(fields, graph.RelResearches, false)...)
	actors = append(actors, walk(append(append([]uint32{chain}, allSegs...), fields...), graph.RelServes, false)...)
	actors = append(actors, walk([]uint32{chain}, graph.RelMasters, false)...)
	actors = append(actors, walk([]uint32{chain}, graph.RelLeads, false)...)
	achievements := walk(actors, graph.RelProduced, true)
	walk(achievements, graph.RelValues, false)
	walk(achievements, graph.RelValidates, false)
	walk(achievements, graph.RelTransferredTo, true)
	if err := ctxErr(ctx, "projection"); err != nil {
		return nil, err
	}
	sg := s.subgraphBaseline(keep, &graph.Subgraph{Nodes: []graph.Node{}, Edges: []graph.Edge{}})
	return graph.NewProjection(chainID, s.rev, sg.Nodes, sg.Edges), nil
}

// subgraphBaseline is the old subgraphOut with the old materialisers.
func (s *Store) subgraphBaseline(set *nodeSet, sg *graph.Subgraph) *graph.Subgraph {
	nks := make([]uint64, len(set.list))
	for i, n := range set.list {
		nks[i] = uint64(s.rank[n])<<32 | uint64(n)
	}
	slices.Sort(nks)
	type edgeKey struct{ to, j, from, toN uint32 } // to: the target's rank
	var eks []edgeKey
	var typs []uint8
	var count [256]int
	for _, nk := range nks {
		n := uint32(nk)
		for _, a := range s.nodes[n].adj {
			j := a.edge()
			if e := &s.edges[j]; a.out() && set.has(a.other) {
				t := uint8(typeRank[e.typ])
				eks = append(eks, edgeKey{s.rank[a.other], j, n, a.other})
				typs = append(typs, t)
				count[t]++
			}
		}
	}
	var start [256]int
	for t, sum := 0, 0; t < len(count); t++ {
		start[t], sum = sum, sum+count[t]
	}
	sorted := make([]edgeKey, len(eks))
	for i, ek := range eks {
		t := typs[i]
		sorted[start[t]] = ek
		start[t]++
	}
	for i := 0; i < len(sorted); {
		from := sorted[i].from
		k := i + 1
		for k < len(sorted) && sorted[k].from == from && typeRank[s.edges[sorted[k].j].typ] == typeRank[s.edges[sorted[i].j].typ] {
			k++
		}
		if run := sorted[i:k]; len(run) > 1 {
			slices.SortFunc(run, func(a, b edgeKey) int { return cmp.Compare(a.to, b.to) })
		}
		i = k
	}
	sg.Nodes = slices.Grow(sg.Nodes, len(nks))
	for _, nk := range nks {
		sg.Nodes = append(sg.Nodes, s.projNodeOutBaseline(uint32(nk)))
	}
	sg.Edges = slices.Grow(sg.Edges, len(sorted))
	for _, ek := range sorted {
		sg.Edges = append(sg.Edges, s.projEdgeOutBaseline(ek.j, ek.from, ek.toN))
	}
	return sg
}

func (s *Store) projNodeOutBaseline(i uint32) graph.Node {
	r := &s.nodes[i]
	n := graph.Node{ID: r.id, Kind: graph.Kinds[r.kind].Kind}
	s.fillProjectedBaseline(r.shape, r.vals, &n.Prov, &n.Props, s.keyProjN, &n)
	return n
}

func (s *Store) projEdgeOutBaseline(j, from, to uint32) graph.Edge {
	r := &s.edges[j]
	e := graph.Edge{Type: graph.Rels[r.typ-1].Type, From: s.nodes[from].id, To: s.nodes[to].id}
	s.fillProjectedBaseline(r.shape, r.vals, &e.Prov, &e.Props, s.keyProjE, nil)
	return e
}

func (s *Store) fillProjectedBaseline(shape uint32, vals []any, prov *graph.Provenance, props *map[string]any, keep []bool, n *graph.Node) {
	for i, key := range s.shapes[shape] {
		v := vals[i]
		switch s.keyRole[key] {
		case roleName:
			if n != nil {
				n.Name = v.(string)
				continue
			}
		case roleNameZh:
			if n != nil {
				n.NameZh = v.(string)
				continue
			}
		case roleAliases:
			if n != nil {
				continue
			}
		case roleSource:
			prov.Source = v.(string)
			continue
		case roleAsOf:
			prov.AsOf = v.(string)
			continue
		case roleConfidence:
			prov.Confidence, _ = v.(float64)
			continue
		case roleEvidence:
			prov.Evidence = v.(string)
			continue
		case roleUpdatedBy:
			prov.UpdatedBy = v.(string)
			continue
		case roleUpdatedAt:
			prov.UpdatedAt = v.(string)
			continue
		}
		if !keep[key] {
			continue
		}
		if *props == nil {
			*props = make(map[string]any, 4)
		}
		(*props)[s.keys[key]] = v
	}
}

// projSize is the synthetic dataset BenchmarkProjection loads (the
// loaders' generator, seed 1, 8 chains, as graph/analysis_bench_test.go).
var projSize = flag.Int("memstore.projsize", 100000, "synthetic enterprises (loaders generator) for BenchmarkProjection")

var (
	synthMu     sync.Mutex
	synthStores = map[int]*Store{}
)

// synthStore loads the loaders' synthetic dataset of n enterprises (seed 1,
// 8 chains), generated once under the temp dir and shared with
// graph/analysis_bench_test.go's cache.
func synthStore(tb testing.TB, n int) *Store {
	tb.Helper()
	synthMu.Lock()
	defer synthMu.Unlock()
	if s := synthStores[n]; s != nil {
		return s
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("chainkg-bench-gen-%d", n))
	if _, err := os.Stat(filepath.Join(dir, "dataset.yaml")); err != nil {
		if _, err := loaders.Generate(loaders.GenOptions{Enterprises: n, Seed: 1, Out: dir, Chains: 8}); err != nil {
			tb.Fatal(err)
		}
	}
	ds, err := loaders.ReadDataset(os.DirFS(dir), ".")
	if err != nil {
		tb.Fatal(err)
	}
	s := New()
	if _, err := loaders.Load(context.Background(), s, ds, loaders.Options{}); err != nil {
		tb.Fatal(err)
	}
	synthStores[n] = s
	return s
}

// chainIDs returns every chain id, sorted.
func chainIDs(s *Store) []string {
	var ids []string
	for _, n := range s.byKind[kindIndex[graph.KindChain]] {
		ids = append(ids, s.nodes[n].id)
	}
	sort.Strings(ids)
	return ids
}

// checkSize is the synthetic dataset TestProjectionMatchesBaseline loads.
var checkSize = flag.Int("memstore.checksize", 3000, "synthetic enterprises (loaders generator) for TestProjectionMatchesBaseline")

// TestProjectionMatchesBaseline: on a synthetic dataset, every chain's
// projection is exactly the baseline's. At full size:
//
//	go test ./graph/memstore -run MatchesBaseline -memstore.checksize 100000
func TestProjectionMatchesBaseline(t *testing.T) {
	n := *checkSize
	if testing.Short() {
		n = 500
	}
	s := synthStore(t, n)
	ctx := t.Context()
	defer func(v int) { parallelProjection = v }(parallelProjection)
	for _, par := range []int{1 << 30, 16} { // one goroutine; two (projectOut's split)
		parallelProjection = par
		for _, id := range chainIDs(s) {
			t.Run(fmt.Sprintf("%s/split=%v", id, par < 1<<30), func(t *testing.T) {
				got, err := s.Projection(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				want, err := s.projectionBaseline(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if len(want.Nodes) < 10 || len(want.Edges) < 10 {
					t.Fatalf("baseline projection too small to compare: %d nodes, %d edges", len(want.Nodes), len(want.Edges))
				}
				if err := got.Check(); err != nil {
					t.Fatal(err)
				}
				if got.ChainID != want.ChainID || got.Revision != want.Revision ||
					!reflect.DeepEqual(got.FullNodes(), want.FullNodes()) || !reflect.DeepEqual(got.FullEdges(), want.FullEdges()) {
					t.Errorf("projection of %s differs from the baseline (%d/%d nodes, %d/%d edges)", id, len(got.Nodes), len(want.Nodes), len(got.Edges), len(want.Edges))
				}
			})
		}
	}
}

// BenchmarkProjection compares the projection with the baseline on the
// largest chain of the loaders' synthetic dataset, in one process:
//
//	go test ./graph/memstore -run '^$' -bench Projection -benchtime 20x -benchmem
func BenchmarkProjection(b *testing.B) {
	s := synthStore(b, *projSize)
	ctx := context.Background()
	var chain string
	most := -1
	for _, id := range chainIDs(s) {
		p, err := s.Projection(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Nodes) > most {
			chain, most = id, len(p.Nodes)
		}
	}
	for _, c := range []struct {
		name string
		f    func(context.Context, string) (*graph.Projection, error)
	}{{"new", s.Projection}, {"baseline", s.projectionBaseline}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			start := cpuNow()
			var p *graph.Projection
			for b.Loop() {
				var err error
				if p, err = c.f(ctx, chain); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuNow()-start)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(len(p.Nodes)), "nodes")
			b.ReportMetric(float64(len(p.Edges)), "edges")
		})
	}
}

// cpuNow is the process CPU time (user + system, GC included).
func cpuNow() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// TestExpandOut: expandOut finds the same far ends from either side; both
// sides are exercised (from smaller and larger than the target kinds).
func TestExpandOut(t *testing.T) {
	s := synthStore(t, 500)
	nAch := len(s.byKind[kindIndex[graph.KindAchievement]])
	ents := s.byKind[kindIndex[graph.KindEnterprise]]
	labs := s.byKind[kindIndex[graph.KindLab]]
	sides := map[bool]bool{}
	for _, tc := range []struct {
		name string
		from []uint32
	}{
		{"all labs and enterprises", append(slices.Clone(labs), ents...)},
		{"labs", labs},
		{"one lab", labs[:1]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := getScratch(len(s.nodes))
			got := slices.Clone(s.expandOut(sc, nil, tc.from, graph.RelProduced))
			putScratch(sc)
			sc = getScratch(len(s.nodes))
			want := slices.Clone(sc.uniq(s.expand(&sc.keep, nil, tc.from, graph.RelProduced, true)))
			putScratch(sc)
			slices.Sort(got)
			slices.Sort(want)
			if len(want) == 0 && len(tc.from) > 1 {
				t.Fatalf("nothing produced by %d nodes: nothing to compare", len(tc.from))
			}
			if !slices.Equal(got, want) {
				t.Errorf("expandOut found %d achievements, expand %d", len(got), len(want))
			}
			sides[len(tc.from) > nAch] = true
		})
	}
	if !sides[true] || !sides[false] {
		t.Errorf("only one side exercised (%d achievements)", nAch)
	}
}
