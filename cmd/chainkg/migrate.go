package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

func init() {
	commands["migrate"] = command{summary: "create the Neo4j constraints and indexes", run: runMigrate}
}

func runMigrate(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	uri := fs.String("neo4j", getenv("NEO4J_URI"), "Neo4j URI (default $NEO4J_URI)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("migrate: unexpected arguments %q", fs.Args())}
	}
	if *uri == "" {
		return usageError{"migrate: needs --neo4j URI or NEO4J_URI (the embedded store needs no migration)"}
	}
	store, err := openStore(ctx, *uri, getenv)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	if err := store.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", *uri, err)
	}
	fmt.Fprintf(stdout, "migrated %s: constraints, indexes and the full-text index are in place\n", *uri)
	return nil
}
