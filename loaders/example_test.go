package loaders_test

import (
	"context"
	"fmt"
	"os"
	"testing/fstest"

	"chainkg/data"
	"chainkg/graph/memstore"
	"chainkg/loaders"
)

// Read the bundled dataset, load it twice: the second load changes nothing.
func ExampleLoad() {
	ds, err := loaders.ReadDataset(data.FS, data.Default)
	if err != nil {
		panic(err)
	}
	store := memstore.New()
	ctx := context.Background()
	first, _ := loaders.Load(ctx, store, ds, loaders.Options{})
	second, _ := loaders.Load(ctx, store, ds, loaders.Options{})
	fmt.Println(first.Changed(), second.Changed(), first.Total.Rows == second.Total.Unchanged)
	// Output: true false true
}

// A broken row gives an error naming file, line and column.
func ExampleReadDataset() {
	fsys := fstest.MapFS{
		"d/dataset.yaml": {Data: []byte("name: d\nsource: example\nnodes: [{file: firms.csv, kind: Enterprise}]\n")},
		"d/firms.csv":    {Data: []byte("id,name,employees\nent-1,One,12\nent-2,Two,a dozen\n")},
	}
	_, err := loaders.ReadDataset(fsys, "d")
	fmt.Println(err)
	// Output: d/firms.csv:3:employees: "a dozen" is not an integer
}

// A foreign A-share-style export loads through a mapping file.
func ExampleReadMapped() {
	ds, err := loaders.ReadMapped(os.DirFS("testdata/foreign"), "mapping.yaml")
	if err != nil {
		panic(err)
	}
	fmt.Println(len(ds.Nodes), "nodes,", len(ds.Edges), "edges,", ds.Skipped, "skipped")
	// Output: 9 nodes, 12 edges, 1 skipped
}

// The generator is deterministic and its output is a dataset directory.
func ExampleGenerate() {
	dir, _ := os.MkdirTemp("", "gen")
	defer os.RemoveAll(dir)
	rep, err := loaders.Generate(loaders.GenOptions{Enterprises: 1000, Seed: 1, Out: dir})
	if err != nil {
		panic(err)
	}
	ds, err := loaders.ReadDataset(os.DirFS(dir), ".")
	if err != nil {
		panic(err)
	}
	fmt.Println(rep.Rows["Enterprise"], len(ds.Nodes) == rep.Nodes, len(ds.Edges) == rep.Edges)
	// Output: 1000 true true
}
