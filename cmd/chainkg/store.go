package main

import (
	"context"
	"fmt"

	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/graph/neo4jstore"
)

// openStore opens the store the command line asks for: the embedded
// in-process store when neo4jURI is empty, else Neo4j at neo4jURI with
// NEO4J_USERNAME (default neo4j) and NEO4J_PASSWORD from getenv.
func openStore(ctx context.Context, neo4jURI string, getenv env) (graph.Store, error) {
	if neo4jURI == "" {
		return memstore.New(), nil
	}
	user := getenv("NEO4J_USERNAME")
	if user == "" {
		user = "neo4j"
	}
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: neo4jURI, Username: user, Password: getenv("NEO4J_PASSWORD")})
	if err != nil {
		return nil, fmt.Errorf("open neo4j %s: %w", neo4jURI, err)
	}
	return s, nil
}
