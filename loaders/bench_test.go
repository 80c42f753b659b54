package loaders_test

import (
	"context"
	"os"
	"runtime"
	"testing"

	"chainkg/graph/memstore"
	"chainkg/loaders"
)

// benchDir generates (once per benchmark) a synthetic dataset of n
// enterprises in a temporary directory.
func benchDir(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	if _, err := loaders.Generate(loaders.GenOptions{Enterprises: n, Seed: 1, Out: dir}); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkGenerate100k: the generator alone.
func BenchmarkGenerate100k(b *testing.B) {
	for b.Loop() {
		if _, err := loaders.Generate(loaders.GenOptions{Enterprises: 100_000, Seed: 1, Out: b.TempDir()}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadDataset100k: parse and validate 100,000 enterprises and their edges.
func BenchmarkReadDataset100k(b *testing.B) {
	dir := benchDir(b, 100_000)
	rows := 0
	for b.Loop() {
		ds, err := loaders.ReadDataset(os.DirFS(dir), ".")
		if err != nil {
			b.Fatal(err)
		}
		rows = len(ds.Nodes) + len(ds.Edges)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkLoadEmbedded100k: read, validate and load into a fresh embedded
// store; reports rows/s of the whole path and the live heap per row after.
func BenchmarkLoadEmbedded100k(b *testing.B) {
	dir := benchDir(b, 100_000)
	rows := 0
	for b.Loop() {
		ds, err := loaders.ReadDataset(os.DirFS(dir), ".")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := loaders.Load(context.Background(), memstore.New(), ds, loaders.Options{}); err != nil {
			b.Fatal(err)
		}
		rows = len(ds.Nodes) + len(ds.Edges)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkStoreFootprint100k: bytes the embedded store holds per node and
// per edge once loaded (live heap after GC, the dataset itself dropped).
func BenchmarkStoreFootprint100k(b *testing.B) {
	dir := benchDir(b, 100_000)
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	for b.Loop() {
		ds, err := loaders.ReadDataset(os.DirFS(dir), ".")
		if err != nil {
			b.Fatal(err)
		}
		nodesOnly := &loaders.Dataset{Name: ds.Name, Nodes: ds.Nodes}
		edgesOnly := &loaders.Dataset{Name: ds.Name, Edges: ds.Edges}
		s := memstore.New()
		h0 := heap()
		if _, err := loaders.Load(context.Background(), s, nodesOnly, loaders.Options{}); err != nil {
			b.Fatal(err)
		}
		h1 := heap()
		if _, err := loaders.Load(context.Background(), s, edgesOnly, loaders.Options{}); err != nil {
			b.Fatal(err)
		}
		h2 := heap()
		b.ReportMetric(float64(h1-h0)/float64(len(ds.Nodes)), "B/node")
		b.ReportMetric(float64(h2-h1)/float64(len(ds.Edges)), "B/edge")
		runtime.KeepAlive(ds)
		runtime.KeepAlive(s)
	}
}

// BenchmarkLoadDirEmbedded100k: the streaming path chainkg load uses.
func BenchmarkLoadDirEmbedded100k(b *testing.B) {
	dir := benchDir(b, 100_000)
	rows := 0
	for b.Loop() {
		rep, err := loaders.LoadDir(context.Background(), memstore.New(), os.DirFS(dir), ".", loaders.Options{})
		if err != nil {
			b.Fatal(err)
		}
		rows = rep.Total.Rows
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
