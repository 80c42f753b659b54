package neo4jstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"chainkg/graph"
	"chainkg/graph/neo4jstore"
	"chainkg/graph/storetest"
)

// TestConformance runs the shared conformance suite on Neo4j. Each subtest
// gets a new store (driver) on the emptied database; the schema is
// migrated once (Migrate is idempotent and the suite checks that too).
func TestConformance(t *testing.T) {
	env := storetest.Neo4j(t)
	var once sync.Once
	storetest.Run(t, func(t *testing.T) graph.Store {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: env.URI, Username: env.Username, Password: env.Password})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close(context.Background()) })
		once.Do(func() {
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("migrate: %v", err)
			}
		})
		if err := s.Reset(ctx); err != nil {
			t.Fatalf("reset: %v", err)
		}
		return s
	})
}
