package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"chainkg/loaders"
)

func init() {
	commands["gen"] = command{summary: "write a deterministic synthetic dataset (CSV) for scale work", run: runGen}
}

func runGen(_ context.Context, args []string, _ env, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("enterprises", 10000, "number of enterprises (up to millions; other kinds scale with it)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed and flags give the same bytes")
	out := fs.String("out", "", "output directory (required; files in it are overwritten)")
	chains := fs.Int("chains", 8, "number of industry chains")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: chainkg gen --enterprises N --seed S --out DIR [--chains C] [--json]\n\nWrites DIR/dataset.yaml, DIR/nodes/<Kind>.csv and DIR/edges/<TYPE>.csv (plain\nheaders, readable by Neo4j LOAD CSV too); load it with chainkg load DIR.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("gen: unexpected argument %q", fs.Arg(0))}
	}
	if *out == "" {
		fs.Usage()
		return usageError{"gen: --out is required"}
	}
	if *n < 1 {
		return usageError{"gen: --enterprises must be at least 1"}
	}
	if *chains < 1 || *chains > 99 {
		return usageError{"gen: --chains must be 1-99"}
	}
	start := time.Now()
	rep, err := loaders.Generate(loaders.GenOptions{Enterprises: *n, Seed: *seed, Out: *out, Chains: *chains})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(stdout, "wrote %s: %d nodes, %d edges, %.1f MB in %.1fs\n", rep.Dir, rep.Nodes, rep.Edges, float64(rep.Bytes)/1e6, time.Since(start).Seconds())
	return nil
}
