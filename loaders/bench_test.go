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

// BenchmarkStoreFootprint100k: bytes the embedded store holds per row once
// loaded (live heap after GC, the dataset itself dropped).
func BenchmarkStoreFootprint100k(b *testing.B) {
	dir := benchDir(b, 100_000)
	for b.Loop() {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		s := memstore.New()
		ds, err := loaders.ReadDataset(os.DirFS(dir), ".")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := loaders.Load(context.Background(), s, ds, loaders.Options{}); err != nil {
			b.Fatal(err)
		}
		nodes, edges := len(ds.Nodes), len(ds.Edges)
		ds = nil
		runtime.GC()
		runtime.ReadMemStats(&m1)
		b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc)/float64(nodes+edges), "B/row")
		runtime.KeepAlive(s)
	}
}
