// Command probe checks a Neo4j server over Bolt with the Go driver: it
// verifies connectivity with NEO4J_URI, NEO4J_USERNAME (default neo4j) and
// NEO4J_PASSWORD (default chainkg-local), runs one Cypher statement and
// prints the records as JSON lines. deploy/neo4j/neo4j.sh check runs it.
//
//	go run ./deploy/neo4j/probe [-db neo4j] [-write] ['CYPHER']
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func main() {
	db := flag.String("db", "neo4j", "database to run the statement on")
	write := flag.Bool("write", false, "route the statement as a write")
	timeout := flag.Duration("timeout", 30*time.Second, "overall time limit")
	flag.Parse()
	query := "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"
	if flag.NArg() > 0 {
		query = flag.Arg(0)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := run(ctx, os.Getenv("NEO4J_URI"), os.Getenv("NEO4J_USERNAME"), os.Getenv("NEO4J_PASSWORD"), *db, query, *write); err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, uri, user, password, db, query string, write bool) error {
	if uri == "" {
		uri = "bolt://127.0.0.1:7687"
	}
	if user == "" {
		user = "neo4j"
	}
	if password == "" {
		password = "chainkg-local"
	}
	driver, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, password, ""))
	if err != nil {
		return fmt.Errorf("driver for %s: %w", uri, err)
	}
	defer driver.Close(ctx)
	if err := driver.VerifyConnectivity(ctx); err != nil {
		return fmt.Errorf("connect %s: %w", uri, err)
	}
	routing := neo4j.ExecuteQueryWithReadersRouting()
	if write {
		routing = neo4j.ExecuteQueryWithWritersRouting()
	}
	res, err := neo4j.ExecuteQuery(ctx, driver, query, nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(db), routing)
	if err != nil {
		var nerr *neo4j.Neo4jError
		if errors.As(err, &nerr) {
			return fmt.Errorf("query failed (%s): %w", nerr.Code, err)
		}
		return fmt.Errorf("query: %w", err)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	for _, rec := range res.Records {
		if err := enc.Encode(rec.AsMap()); err != nil {
			return err
		}
	}
	return nil
}
