package graph_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"chainkg/data"
	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/graph/neo4jstore"
	"chainkg/graph/storetest"
	"chainkg/loaders"
)

// The gap report's cost follows the chain's size, not the graph's: the
// bundled Yangpu dataset's largest chain (its real segments and actors)
// analysed inside synthetic graphs of 10k, 100k (and with -gap.sizes 1M)
// enterprises that share no node with it. Run:
//
//	go test -run '^$' -bench GapReportFixedChain -benchtime 20x ./graph/
//	NEO4J_URI=... go test -run '^$' -bench GapReportFixedChainNeo4j -benchtime 10x ./graph/
//
// "cold" is Projection + every analysis, as in BenchmarkGapReportMemstore.

func yangpu(b *testing.B) *loaders.Dataset {
	b.Helper()
	ds, err := loaders.ReadDataset(data.FS, data.Default)
	if err != nil {
		b.Fatal(err)
	}
	return ds
}

// largestYangpuChain returns the bundled dataset's chain with the largest
// projection in s.
func largestYangpuChain(b *testing.B, s graph.Store, ds *loaders.Dataset) (string, *graph.Projection) {
	ctx := context.Background()
	var best string
	var bp *graph.Projection
	for _, n := range ds.Nodes {
		if n.Kind != graph.KindChain {
			continue
		}
		p, err := s.Projection(ctx, n.ID)
		if err != nil {
			b.Fatal(err)
		}
		if bp == nil || len(p.Nodes) > len(bp.Nodes) || len(p.Nodes) == len(bp.Nodes) && n.ID < best {
			best, bp = n.ID, p
		}
	}
	return best, bp
}

func benchFixedChain(b *testing.B, s graph.Store, ds *loaders.Dataset) {
	ctx := context.Background()
	chain, p := largestYangpuChain(b, s, ds)
	st, err := s.Stats(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("chain %s: projection %d nodes, %d edges, in a graph of %d nodes, %d edges", chain, len(p.Nodes), len(p.Edges), st.Nodes, st.Edges)
	for _, id := range []string{"e0000000", "c00"} { // the synthetic part must be there and apart
		for _, n := range p.Nodes {
			if n.ID == id || strings.HasPrefix(n.ID, "c00-") {
				b.Fatalf("the Yangpu chain's projection reaches synthetic node %s", n.ID)
			}
		}
	}
	for b.Loop() {
		p, err := s.Projection(ctx, chain)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := graph.Analyze(p, graph.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGapReportFixedChain(b *testing.B) {
	ds := yangpu(b)
	b.Run("enterprises=0", func(b *testing.B) {
		s := memstore.New()
		if _, err := loaders.Load(context.Background(), s, ds, loaders.Options{}); err != nil {
			b.Fatal(err)
		}
		benchFixedChain(b, s, ds)
	})
	for _, n := range gapSizes(b) {
		b.Run(fmt.Sprintf("enterprises=%d", n), func(b *testing.B) {
			// The synthetic store shared with BenchmarkGapReportMemstore,
			// with the bundled dataset added (its chains are small, so the
			// largest chain there stays a synthetic one).
			s := loadedMemstore(b, n)
			if _, err := loaders.Load(context.Background(), s, ds, loaders.Options{}); err != nil {
				b.Fatal(err)
			}
			benchFixedChain(b, s, ds)
		})
	}
}

func BenchmarkGapReportFixedChainNeo4j(b *testing.B) {
	env := storetest.Neo4j(b)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Minute)
	defer cancel()
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: env.URI, Username: env.Username, Password: env.Password})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close(context.Background())
	ds := yangpu(b)
	for _, n := range gapSizes(b) {
		b.Run(fmt.Sprintf("enterprises=%d", n), func(b *testing.B) {
			if err := s.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			syn := synthetic(b, n)
			st, err := s.Stats(ctx)
			if err != nil {
				b.Fatal(err)
			}
			nodes, edges := int64(len(syn.Nodes)), int64(len(syn.Edges))
			withYangpu := st.Nodes == nodes+int64(len(ds.Nodes)) && st.Edges == edges+int64(len(ds.Edges))
			// CHAINKG_BENCH_REUSE=1: see BenchmarkGapReportNeo4j.
			if os.Getenv("CHAINKG_BENCH_REUSE") == "" || !withYangpu && (st.Nodes != nodes || st.Edges != edges) {
				if err := s.Reset(ctx); err != nil {
					b.Fatal(err)
				}
				if _, err := loaders.Load(ctx, s, syn, loaders.Options{}); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := loaders.Load(ctx, s, ds, loaders.Options{}); err != nil {
				b.Fatal(err)
			}
			benchFixedChain(b, s, ds)
		})
	}
}
