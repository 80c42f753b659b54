package neo4jstore

import (
	"context"
	"testing"
	"time"

	"chainkg/graph/storetest"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestMigrateSkipsWhenInPlace: Migrate's one-read check says "in place"
// only when every index and constraint is online and the meta node exists,
// and a missing index makes Migrate run again and recreate it.
func TestMigrateSkipsWhenInPlace(t *testing.T) {
	env := storetest.Neo4j(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s, err := Open(ctx, Config{URI: env.URI, Username: env.Username, Password: env.Password})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if !s.migrated(ctx) {
		t.Fatal("after Migrate: migrated() = false")
	}
	names := schemaNames()
	if len(names) != len(schemaStatements()) || names[0] != "chainkg_node_id" || names[len(names)-1] != FulltextIndex {
		t.Fatalf("schemaNames() = %v ... (%d names for %d statements)", names[:3], len(names), len(schemaStatements()))
	}
	run := func(stmt string) {
		t.Helper()
		sess := s.session(ctx, neo4j.AccessModeWrite)
		defer sess.Close(ctx)
		res, err := sess.Run(ctx, stmt, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	run("DROP INDEX chainkg_Enterprise_revenue")
	if s.migrated(ctx) {
		t.Fatal("with an index dropped: migrated() = true")
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if !s.migrated(ctx) {
		t.Fatal("after Migrate recreated the index: migrated() = false")
	}
	if err := s.Reset(ctx); err != nil { // deletes the meta node too
		t.Fatal(err)
	}
	if s.migrated(ctx) {
		t.Fatal("without the meta node: migrated() = true")
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if !s.migrated(ctx) {
		t.Fatal("after Migrate recreated the meta node: migrated() = false")
	}
}
