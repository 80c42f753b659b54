package memstore_test

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"syscall"
	"testing"

	"chainkg/graph"
	"chainkg/graph/memstore"
)

// benchSize is the number of synthetic enterprises the read and memory
// benchmarks build: go test -bench . -memstore.size 1000000
var benchSize = flag.Int("memstore.size", 100000, "synthetic enterprises for the memstore read/memory benchmarks")

const (
	genChains   = 10
	genSegments = 8 // per chain
	genFields   = 40
)

// generate streams a synthetic graph with nEnt enterprises (plus chains,
// segments, fields and labs) to emit in batches of about 10,000 rows: every
// enterprise has 10 properties and about 2.5 edges (OPERATES_IN one or two
// segments, SUPPLIES another enterprise, sometimes COOPERATES_WITH a lab).
// Deterministic for a given nEnt. nodes and edges are separate passes so a
// caller can measure them apart.
func generate(nEnt int, emitNodes func([]graph.Node), emitEdges func([]graph.Edge)) {
	prov := graph.Provenance{Source: graph.SourceSynthetic, AsOf: "2024-03-01"}
	nLabs := 5 + nEnt/1000
	seg := func(c, k int) string { return fmt.Sprintf("seg:g%02d-%d", c, k) }
	var ns []graph.Node
	flushN := func(force bool) {
		if len(ns) >= 10000 || (force && len(ns) > 0) {
			emitNodes(ns)
			ns = nil
		}
	}
	for c := range genChains {
		ns = append(ns, graph.Node{ID: fmt.Sprintf("chain:g%02d", c), Kind: graph.KindChain, Name: fmt.Sprintf("Chain %d", c), NameZh: fmt.Sprintf("产业链%d", c), Props: map[string]any{"keyChain": c%2 == 0}, Prov: prov})
		for k := range genSegments {
			stage := graph.Stages[min(k*3/genSegments, 2)]
			ns = append(ns, graph.Node{ID: seg(c, k), Kind: graph.KindSegment, Name: fmt.Sprintf("Segment %d.%d", c, k), NameZh: fmt.Sprintf("环节%d-%d", c, k),
				Props: map[string]any{"chainId": fmt.Sprintf("chain:g%02d", c), "stage": stage, "order": int64(k + 1)}, Prov: prov})
		}
	}
	for f := range genFields {
		ns = append(ns, graph.Node{ID: fmt.Sprintf("tf:g%02d", f), Kind: graph.KindTechField, Name: fmt.Sprintf("Field %d", f), Prov: prov})
	}
	for l := range nLabs {
		ns = append(ns, graph.Node{ID: fmt.Sprintf("lab:g%05d", l), Kind: graph.KindLab, Name: fmt.Sprintf("Lab %d", l), NameZh: fmt.Sprintf("实验室%d", l), Props: map[string]any{"region": "Yangpu", "labType": "KEY_LAB"}, Prov: prov})
	}
	regions := []string{"Yangpu", "Yangpu", "Yangpu", "Shanghai", "Shanghai", "Other", "Other", "Other", "Other", "Other"}
	x := uint64(42)
	rnd := func(n int) int { x = x*6364136223846793005 + 1442695040888963407; return int((x >> 33) % uint64(n)) }
	for i := range nEnt {
		p := map[string]any{
			"region": regions[rnd(len(regions))], "tier": graph.Tiers[rnd(len(graph.Tiers))],
			"founded": int64(1990 + rnd(35)), "employees": int64(5 + rnd(5000)), "highTech": rnd(3) == 0,
		}
		if rnd(5) != 0 {
			p["revenue"] = float64(rnd(1000000)) / 100
		}
		ns = append(ns, graph.Node{ID: fmt.Sprintf("ent:g%07d", i), Kind: graph.KindEnterprise, Name: fmt.Sprintf("Enterprise %d", i), NameZh: fmt.Sprintf("企业%d号", i), Props: p, Prov: prov})
		flushN(false)
	}
	flushN(true)

	var es []graph.Edge
	flushE := func(force bool) {
		if len(es) >= 10000 || (force && len(es) > 0) {
			emitEdges(es)
			es = nil
		}
	}
	for c := range genChains {
		for k := range genSegments {
			es = append(es, graph.Edge{Type: graph.RelHasSegment, From: fmt.Sprintf("chain:g%02d", c), To: seg(c, k), Prov: prov})
			if k > 0 {
				es = append(es, graph.Edge{Type: graph.RelFeeds, From: seg(c, k-1), To: seg(c, k), Prov: prov})
			}
			es = append(es, graph.Edge{Type: graph.RelRequires, From: seg(c, k), To: fmt.Sprintf("tf:g%02d", (c*genSegments+k)%genFields), Prov: prov})
		}
		es = append(es, graph.Edge{Type: graph.RelFeeds, From: seg(c, genSegments-1), To: seg((c+1)%genChains, 0), Prov: prov})
	}
	for l := range nLabs {
		es = append(es, graph.Edge{Type: graph.RelResearches, From: fmt.Sprintf("lab:g%05d", l), To: fmt.Sprintf("tf:g%02d", l%genFields), Prov: prov})
	}
	nSeg := genChains * genSegments
	for i := range nEnt {
		id := fmt.Sprintf("ent:g%07d", i)
		s1 := rnd(nSeg)
		es = append(es, graph.Edge{Type: graph.RelOperatesIn, From: id, To: seg(s1/genSegments, s1%genSegments), Prov: prov})
		if rnd(10) < 3 {
			s2 := (s1 + 1 + rnd(nSeg-1)) % nSeg
			es = append(es, graph.Edge{Type: graph.RelOperatesIn, From: id, To: seg(s2/genSegments, s2%genSegments), Prov: prov})
		}
		if j := rnd(nEnt); j != i {
			es = append(es, graph.Edge{Type: graph.RelSupplies, From: id, To: fmt.Sprintf("ent:g%07d", j), Prov: prov})
		}
		if rnd(5) == 0 {
			es = append(es, graph.Edge{Type: graph.RelCooperates, From: fmt.Sprintf("lab:g%05d", rnd(nLabs)), To: id, Props: map[string]any{"since": int64(2015 + rnd(10))}, Prov: prov})
		}
		flushE(false)
	}
	flushE(true)
}

// build loads a synthetic graph of nEnt enterprises into a new store.
func build(tb testing.TB, nEnt int) (*memstore.Store, int, int) {
	tb.Helper()
	s := memstore.New()
	ctx := context.Background()
	var nNodes, nEdges int
	generate(nEnt, func(ns []graph.Node) {
		if _, err := s.UpsertNodes(ctx, ns); err != nil {
			tb.Fatal(err)
		}
		nNodes += len(ns)
	}, func(es []graph.Edge) {
		if _, err := s.UpsertEdges(ctx, es); err != nil {
			tb.Fatal(err)
		}
		nEdges += len(es)
	})
	return s, nNodes, nEdges
}

// BenchmarkUpsertNodes writes batches of 1,000 new enterprises.
func BenchmarkUpsertNodes(b *testing.B) {
	s := memstore.New()
	ctx := context.Background()
	var batches [][]graph.Node
	generate(10000, func(ns []graph.Node) { batches = append(batches, ns) }, func([]graph.Edge) {})
	var all []graph.Node
	for _, ns := range batches {
		all = append(all, ns...)
	}
	b.ReportAllocs()
	defer cpuPerOp(b)()
	round := 0
	for b.Loop() {
		batch := make([]graph.Node, 1000)
		for i := range batch {
			n := all[(round*1000+i)%len(all)]
			n.ID = fmt.Sprintf("%s.%d", n.ID, round)
			batch[i] = n
		}
		round++
		if _, err := s.UpsertNodes(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/node")
}

// dashboardChain is the dashboard's query: one chain with its segments,
// each segment's ten largest local enterprises (with the total) and each
// enterprise's suppliers and lab partners.
func dashboardChain(id string) graph.Query {
	return graph.Query{IDs: []string{id}, Rels: []graph.RelQuery{
		{Key: "segments", Type: graph.RelHasSegment, Dir: graph.Out, Query: graph.Query{Kind: graph.KindSegment, OrderBy: &graph.Order{Field: "order"}, First: 20, Rels: []graph.RelQuery{
			{Key: "enterprises", Type: graph.RelOperatesIn, Dir: graph.In, Query: graph.Query{Kind: graph.KindEnterprise,
				Where:   []graph.Cond{{Field: "region", Op: graph.OpEq, Value: "Yangpu"}},
				OrderBy: &graph.Order{Field: "revenue", Desc: true}, First: 10, Total: true, Rels: []graph.RelQuery{
					{Key: "suppliers", Type: graph.RelSupplies, Dir: graph.In, Query: graph.Query{Kind: graph.KindEnterprise, First: 5}},
					{Key: "partners", Type: graph.RelCooperates, Dir: graph.In, Query: graph.Query{First: 5}},
				}}},
		}}},
	}}
}

// BenchmarkRead runs typical read queries on a synthetic graph of
// -memstore.size enterprises.
func BenchmarkRead(b *testing.B) {
	s, _, _ := build(b, *benchSize)
	ctx := context.Background()
	cases := []struct {
		name string
		q    graph.Query
	}{
		{"dashboard", dashboardChain("chain:g03")},
		{"list-by-id", graph.Query{Kind: graph.KindEnterprise, First: 20, After: graph.EncodeCursor(nil, "ent:g0000500")}},
		{"list-filtered-sorted", graph.Query{Kind: graph.KindEnterprise, First: 20, Total: true,
			Where: []graph.Cond{{Field: "region", Op: graph.OpEq, Value: "Yangpu"}}, OrderBy: &graph.Order{Field: "revenue", Desc: true}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				if _, err := s.Read(ctx, c.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("search", func(b *testing.B) {
		defer cpuPerOp(b)()
		for b.Loop() {
			if _, err := s.Search(ctx, graph.SearchQuery{Text: "企业4242", First: 20}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("projection", func(b *testing.B) {
		defer cpuPerOp(b)()
		for b.Loop() {
			if _, err := s.Projection(ctx, "chain:g03"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// cpuPerOp reports the process CPU time (user + system, GC included) per
// operation: on a shared machine wall time per op grows with other people's
// load, CPU time much less.
func cpuPerOp(b *testing.B) func() {
	start := cpuTime()
	return func() {
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
	}
}

func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func heapAfterGC() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkMemory reports the heap the store holds per node and per edge
// for a synthetic graph of -memstore.size enterprises. Run it once:
//
//	go test ./graph/memstore -run XXX -bench Memory -benchtime 1x -memstore.size 1000000
func BenchmarkMemory(b *testing.B) {
	for b.Loop() {
		s := memstore.New()
		ctx := context.Background()
		base := heapAfterGC()
		var nNodes, nEdges int
		var afterNodes uint64
		generate(*benchSize, func(ns []graph.Node) {
			if _, err := s.UpsertNodes(ctx, ns); err != nil {
				b.Fatal(err)
			}
			nNodes += len(ns)
		}, func(es []graph.Edge) {
			if nEdges == 0 {
				afterNodes = heapAfterGC()
			}
			if _, err := s.UpsertEdges(ctx, es); err != nil {
				b.Fatal(err)
			}
			nEdges += len(es)
		})
		end := heapAfterGC()
		b.ReportMetric(float64(afterNodes-base)/float64(nNodes), "bytes/node")
		b.ReportMetric(float64(end-afterNodes)/float64(nEdges), "bytes/edge")
		b.ReportMetric(float64(end-base)/(1<<20), "MiB")
		b.ReportMetric(float64(nNodes), "nodes")
		b.ReportMetric(float64(nEdges), "edges")
		runtime.KeepAlive(s)
	}
}
