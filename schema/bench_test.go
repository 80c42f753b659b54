package schema_test

import (
	"context"
	"testing"

	"chainkg/schema"
)

// benchDashboard runs the dashboard query (a chain with its segments,
// their enterprises and their partners) through the whole GraphQL layer.
func benchDashboard(b *testing.B, e *schema.Engine) {
	q, vars := readGolden(b, "dashboard")
	ctx := context.Background()
	if r := e.Do(ctx, schema.Request{Query: q, Variables: vars}); len(r.Errors) > 0 {
		b.Fatalf("%+v", r.Errors)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := e.Do(ctx, schema.Request{Query: q, Variables: vars}); len(r.Errors) > 0 {
			b.Fatalf("%+v", r.Errors)
		}
	}
}

// BenchmarkDashboardMemstore: embedded store, validated-document cache on
// (the default) and off (parse and validate on every request).
func BenchmarkDashboardMemstore(b *testing.B) {
	b.Run("cache", func(b *testing.B) {
		benchDashboard(b, engineOn(b, fixtureMem(b), schema.Limits{}))
	})
	b.Run("nocache", func(b *testing.B) {
		benchDashboard(b, engineOn(b, fixtureMem(b), schema.Limits{CacheSize: -1}))
	})
}

// BenchmarkDashboardNeo4j: the same on Neo4j (one Cypher statement).
func BenchmarkDashboardNeo4j(b *testing.B) {
	e, _ := neo4jEngine(b)
	benchDashboard(b, e)
}

// BenchmarkStatsMemstore: the smallest query, to show the fixed cost of
// the layer with and without the cache.
func BenchmarkStatsMemstore(b *testing.B) {
	for _, c := range []struct {
		name  string
		cache int
	}{{"cache", 0}, {"nocache", -1}} {
		b.Run(c.name, func(b *testing.B) {
			e := engineOn(b, fixtureMem(b), schema.Limits{CacheSize: c.cache})
			ctx := context.Background()
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				e.Do(ctx, schema.Request{Query: `{ stats { nodes edges byKind { kind count } } }`})
			}
		})
	}
}
