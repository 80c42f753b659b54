package loaders_test

import (
	"context"
	"os"
	"testing"

	"chainkg/graph/neo4jstore"
	"chainkg/graph/storetest"
	"chainkg/loaders"
)

// BenchmarkLoadNeo4j100k: chainkg's load path (LoadDir) into an emptied
// Neo4j with 100,000 synthetic enterprises and their edges, then the same
// load again (everything unchanged). bench/ compares it with LOAD CSV.
func BenchmarkLoadNeo4j100k(b *testing.B) {
	env := storetest.Neo4j(b)
	dir := benchDir(b, 100_000)
	ctx := context.Background()
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: env.URI, Username: env.Username, Password: env.Password})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close(ctx)
	for b.Loop() {
		if err := s.Reset(ctx); err != nil {
			b.Fatal(err)
		}
		first, err := loaders.LoadDir(ctx, s, os.DirFS(dir), ".", loaders.Options{})
		if err != nil {
			b.Fatal(err)
		}
		second, err := loaders.LoadDir(ctx, s, os.DirFS(dir), ".", loaders.Options{})
		if err != nil || second.Changed() {
			b.Fatalf("second load: %v %+v", err, second.Total)
		}
		b.ReportMetric(float64(first.Total.Rows)/first.Seconds, "rows/s")
		b.ReportMetric(float64(second.Total.Rows)/second.Seconds, "rerun-rows/s")
		b.ReportMetric(first.Seconds, "load-s")
	}
}
