package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"chainkg/graph"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// FulltextIndex is the name of the full-text index over node names.
const FulltextIndex = "chainkg_names"

// FulltextAnalyzer is the analyzer of the full-text index. Lucene's standard
// tokenizer (UAX#29) makes one token per Han ideograph and one lower-cased
// token per run of letters and digits; "standard-no-stop-words" keeps every
// token (the English stop-word list would drop "a", "in", "of" ...). The
// 'cjk' analyzer makes bigrams, so single-ideograph queries would need a
// fallback; with one token per ideograph a phrase query of a Han term finds
// every name containing that term. See search.go for how Search uses it.
const FulltextAnalyzer = "standard-no-stop-words"

// schemaStatements returns the idempotent schema statements: the id
// constraint on :Node (ids are unique across kinds), a per-kind id
// constraint (so MATCH (n:Kind {id: ...}) seeks too), range indexes on the
// filterable and sortable properties of each kind, the full-text index and
// the meta node's constraint. Names are derived from the allowlist.
func schemaStatements() []string {
	out := []string{
		"CREATE CONSTRAINT chainkg_node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE",
		"CREATE CONSTRAINT chainkg_meta_id IF NOT EXISTS FOR (m:ChainkgMeta) REQUIRE m.id IS UNIQUE",
	}
	for _, k := range graph.Kinds {
		label := identifier(string(k.Kind))
		out = append(out, fmt.Sprintf("CREATE CONSTRAINT %s IF NOT EXISTS FOR (n:%s) REQUIRE n.id IS UNIQUE",
			identifier("chainkg_"+string(k.Kind)+"_id"), label))
		for _, p := range k.AllProps() {
			if p.Name == graph.PropID || !(p.Filter || p.Sort) {
				continue
			}
			out = append(out, fmt.Sprintf("CREATE RANGE INDEX %s IF NOT EXISTS FOR (n:%s) ON (n.%s)",
				identifier("chainkg_"+string(k.Kind)+"_"+p.Name), label, identifier(p.Name)))
		}
	}
	out = append(out, fmt.Sprintf("CREATE FULLTEXT INDEX %s IF NOT EXISTS FOR (n:Node) ON EACH [n.name, n.nameZh, n.aliases] "+
		"OPTIONS {indexConfig: {`fulltext.analyzer`: '%s', `fulltext.eventually_consistent`: false}}",
		identifier(FulltextIndex), FulltextAnalyzer))
	return out
}

// Migrate creates the constraints, indexes and the full-text index, waits
// until they are online, and creates the meta node. Idempotent.
func (s *Store) Migrate(ctx context.Context) error {
	if s.migrated(ctx) {
		return nil
	}
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	// Schema statements run one per auto-commit transaction: Neo4j does
	// not mix schema and data changes in one transaction.
	for _, stmt := range schemaStatements() {
		res, err := sess.Run(ctx, stmt, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			return classifyCtx(ctx, err, "neo4j: migrate")
		}
	}
	res, err := sess.Run(ctx, "CALL db.awaitIndexes(300)", nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		return classifyCtx(ctx, err, "neo4j: migrate: waiting for indexes")
	}
	_, err = s.writeTx(ctx, "neo4j: migrate: meta node", func(tx neo4j.ManagedTransaction) (any, error) {
		_, err := runAll(ctx, tx, "MERGE (m:ChainkgMeta {id: 'graph'}) ON CREATE SET m.revision = 0", nil)
		return nil, err
	})
	return err
}

// schemaNames are the names of the indexes schemaStatements create (a
// uniqueness constraint's backing index has the constraint's name).
func schemaNames() []string {
	var names []string
	for _, stmt := range schemaStatements() {
		f := strings.Fields(stmt)
		i := 2 // CREATE CONSTRAINT name
		if f[1] != "CONSTRAINT" {
			i = 3 // CREATE RANGE|FULLTEXT INDEX name
		}
		names = append(names, strings.Trim(f[i], "`"))
	}
	return names
}

// migrated reports whether every index and constraint Migrate creates is
// online and the meta node exists: one read instead of one schema
// transaction per statement (about a second on a cold server) when there
// is nothing to do. Any error means "not known": Migrate then runs.
func (s *Store) migrated(ctx context.Context) bool {
	recs, err := s.query(ctx, "neo4j: migrate: check", "SHOW INDEXES YIELD name, state WHERE state = 'ONLINE' RETURN collect(name) AS names", nil)
	if err != nil || len(recs) != 1 {
		return false
	}
	online := map[string]bool{}
	names, _ := recs[0].Values[0].([]any)
	for _, n := range names {
		online[str(n)] = true
	}
	for _, n := range schemaNames() {
		if !online[n] {
			return false
		}
	}
	recs, err = s.query(ctx, "neo4j: migrate: check", "MATCH (m:ChainkgMeta {id: 'graph'}) RETURN count(m) AS c", nil)
	return err == nil && len(recs) == 1 && toInt64(recs[0].Values[0]) == 1
}

// Reset deletes every node and relationship (the schema stays). It is for
// tests and local tools: the conformance suite needs an empty store.
func (s *Store) Reset(ctx context.Context) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	// Relationships first, then the nodes: DETACH DELETE of a segment or
	// park with 100k+ relationships in one inner transaction exceeds the
	// transaction memory pool on a million-enterprise graph.
	for _, stmt := range []string{
		"MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
		"MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
	} {
		res, err := sess.Run(ctx, stmt, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			return classifyCtx(ctx, err, "neo4j: reset")
		}
	}
	return nil
}
