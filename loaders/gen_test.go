package loaders_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/loaders"
)

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGenerateDeterministicAndLoadable(t *testing.T) {
	base := t.TempDir()
	gen := func(name string, seed uint64) (string, *loaders.GenReport) {
		dir := filepath.Join(base, name)
		rep, err := loaders.Generate(loaders.GenOptions{Enterprises: 3000, Seed: seed, Out: dir})
		if err != nil {
			t.Fatal(err)
		}
		return dir, rep
	}
	a, rep := gen("a", 42)
	b, _ := gen("b", 42)
	c, _ := gen("c", 43)
	ta, tb, tc := readTree(t, a), readTree(t, b), readTree(t, c)
	if len(ta) != len(tb) {
		t.Fatalf("file sets differ")
	}
	for f, x := range ta {
		if !bytes.Equal(x, tb[f]) {
			t.Errorf("%s differs between two runs with the same seed", f)
		}
	}
	if bytes.Equal(ta["nodes/Enterprise.csv"], tc["nodes/Enterprise.csv"]) {
		t.Error("another seed gave the same enterprises")
	}
	if rep.Rows["Enterprise"] != 3000 {
		t.Errorf("enterprises = %d", rep.Rows["Enterprise"])
	}
	ds, err := loaders.ReadDataset(os.DirFS(a), ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Nodes) != rep.Nodes || len(ds.Edges) != rep.Edges {
		t.Errorf("read %d/%d, generated %d/%d", len(ds.Nodes), len(ds.Edges), rep.Nodes, rep.Edges)
	}
	// Skew: a few chain-masters, leaders rare, supply in-degree concentrated.
	tiers := map[string]int{}
	masters := 0
	for _, n := range ds.Nodes {
		if n.Kind == graph.KindEnterprise {
			tiers[n.Props["tier"].(string)]++
			if n.Props["chainMaster"] == true {
				masters++
			}
		}
	}
	if masters != 16 || tiers["LEADER"] > 3000/20 || tiers["SME"]+tiers["STARTUP"] < 3000/2 {
		t.Errorf("no realistic skew: masters %d tiers %v", masters, tiers)
	}
	in := map[string]int{}
	supplies := 0
	for _, e := range ds.Edges {
		if e.Type == graph.RelSupplies {
			in[e.To]++
			supplies++
		}
	}
	top := 0
	for _, v := range in {
		top = max(top, v)
	}
	if top < 20*supplies/3000 {
		t.Errorf("max supply in-degree %d is not far above the mean %.1f", top, float64(supplies)/3000)
	}
	if _, err := loaders.Load(context.Background(), memstore.New(), ds, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
}
