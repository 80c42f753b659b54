package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/loaders"
)

// TestAnalysisEquivalence pins the whole report (every field, as JSON) of
// every chain of the synthetic datasets, for a few option sets, against
// files written by an earlier build: it guards optimisations of the
// analyses, whose hand-computed fixtures are small. Opt-in, since it loads
// the 10k and 100k datasets (generated under the temp dir, as the
// benchmarks do):
//
//	CHAINKG_ANALYSIS_EQUIV=/tmp/an-golden CHAINKG_ANALYSIS_EQUIV_WRITE=1 go test -run AnalysisEquivalence ./graph/  # record
//	CHAINKG_ANALYSIS_EQUIV=/tmp/an-golden go test -run AnalysisEquivalence ./graph/                                # compare
func TestAnalysisEquivalence(t *testing.T) {
	dir := os.Getenv("CHAINKG_ANALYSIS_EQUIV")
	if dir == "" {
		t.Skip("set CHAINKG_ANALYSIS_EQUIV to a directory of recorded reports")
	}
	write := os.Getenv("CHAINKG_ANALYSIS_EQUIV_WRITE") != ""
	if write {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	opts := map[string]graph.Options{
		"default":  {},
		"shanghai": {Scope: "Shanghai", MinMaturity: 3, MaxCandidates: 40, StrongMinFirms: 1},
		"wide":     {MaxCandidates: 200, MaxHHI: 0.2, DepthSaturation: 7, JaccardWeight: 0.3, AdamicAdarWeight: 2},
	}
	ctx := context.Background()
	for _, n := range []int{10_000, 100_000} {
		gen := filepath.Join(os.TempDir(), fmt.Sprintf("chainkg-bench-gen-%d", n))
		if _, err := os.Stat(filepath.Join(gen, "dataset.yaml")); err != nil {
			if _, err := loaders.Generate(loaders.GenOptions{Enterprises: n, Seed: 1, Out: gen, Chains: 8}); err != nil {
				t.Fatal(err)
			}
		}
		ds, err := loaders.ReadDataset(os.DirFS(gen), ".")
		if err != nil {
			t.Fatal(err)
		}
		s := memstore.New()
		if _, err := loaders.Load(ctx, s, ds, loaders.Options{}); err != nil {
			t.Fatal(err)
		}
		page, err := s.Read(ctx, graph.Query{Kind: graph.KindChain, First: 100})
		if err != nil {
			t.Fatal(err)
		}
		var chains []string
		for _, it := range page.Items {
			chains = append(chains, it.Node.ID)
		}
		sort.Strings(chains)
		var ps []*graph.Projection
		for _, c := range chains {
			p, err := s.Projection(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		for name, o := range opts {
			check := func(file string, v any) {
				got, err := json.MarshalIndent(v, "", " ")
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(dir, file)
				if write {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					_ = os.WriteFile(path+".got", got, 0o644)
					t.Errorf("%s differs (diff %s %s.got)", file, path, path)
				}
			}
			for _, p := range ps {
				r, err := graph.Analyze(p, o)
				if err != nil {
					t.Fatal(err)
				}
				check(fmt.Sprintf("%d-%s-%s.json", n, p.ChainID, name), r)
				if name == "default" && !write {
					// The same report from the projection in another order.
					r, err := graph.Analyze(shuffled(p, 1), o)
					if err != nil {
						t.Fatal(err)
					}
					check(fmt.Sprintf("%d-%s-%s.json", n, p.ChainID, name), r)
				}
			}
			bv, err := graph.BuildView(ps, o)
			if err != nil {
				t.Fatal(err)
			}
			check(fmt.Sprintf("%d-buildview-%s.json", n, name), bv)
		}
	}
}
