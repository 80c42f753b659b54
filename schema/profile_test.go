package schema_test

import (
	"context"
	"testing"

	"chainkg/graph/neo4jstore"
	"chainkg/schema"
)

// dbHitBounds are the recorded database-hit bounds (PROFILE on the shared
// fixture) of the Read statements the main golden queries compile to. A
// change that makes a query walk much more of the graph fails here.
// Measured on Neo4j 5.26 (2026-11-29): dashboard 580 (one statement),
// enterprises_filter 258 (four root fields), node_fragments 272 (three),
// paging 132 (two); bounds leave 25% for planner variation.
var dbHitBounds = map[string]int64{
	"dashboard":          725,
	"enterprises_filter": 325,
	"node_fragments":     340,
	"paging":             165,
}

// TestDBHitsNeo4j profiles, on Neo4j, each Read the golden queries issue
// through the GraphQL layer.
func TestDBHitsNeo4j(t *testing.T) {
	_, st := neo4jEngine(t)
	s := st.(*neo4jstore.Store)
	for name, bound := range dbHitBounds {
		t.Run(name, func(t *testing.T) {
			cs := &countingStore{Store: s}
			e := engineOn(t, cs, schema.Limits{})
			q, vars := readGolden(t, name)
			if r := e.Do(context.Background(), schema.Request{Query: q, Variables: vars}); len(r.Errors) > 0 && name != "errors" {
				t.Fatalf("%+v", r.Errors)
			}
			var total int64
			for _, rq := range cs.reads {
				hits, err := s.Profile(context.Background(), rq)
				if err != nil {
					t.Fatal(err)
				}
				total += hits
			}
			t.Logf("%s: %d Read statements, %d db hits (bound %d)", name, len(cs.reads), total, bound)
			if total > bound {
				t.Errorf("%s: %d db hits, over the recorded bound %d", name, total, bound)
			}
		})
	}
}
