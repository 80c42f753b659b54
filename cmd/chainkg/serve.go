package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"chainkg/data"
	"chainkg/graph"
	"chainkg/loaders"
	"chainkg/schema"
	"chainkg/server"
	"chainkg/web"
)

func init() {
	commands["serve"] = command{summary: "serve the GraphQL API and GraphiQL", run: runServe}
}

// serveConfig is what the serve flags and environment say.
type serveConfig struct {
	addr, neo4jURI, dataDir, tokenFile string
	cors                               []string
	limits                             schema.Limits
	maxBody                            int64
	timeout                            time.Duration
	validationStatus                   int
	quiet                              bool
}

func parseServeFlags(args []string, getenv env, stderr io.Writer) (*serveConfig, error) {
	cfg := &serveConfig{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&cfg.neo4jURI, "neo4j", getenv("NEO4J_URI"), "Neo4j URI (default $NEO4J_URI; empty: the embedded store with the bundled dataset)")
	fs.StringVar(&cfg.dataDir, "data", "", "dataset directory to load into the embedded store instead of the bundled one")
	fs.StringVar(&cfg.tokenFile, "token-file", "", "file of bearer tokens for mutations, one 'name token' (or just 'token') per line; also $CHAINKG_TOKEN")
	cors := fs.String("cors-origin", "", "comma-separated origins allowed to call the API from a browser (default none)")
	fs.Int64Var(&cfg.maxBody, "max-body", server.DefaultMaxBody, "maximum request body in bytes")
	fs.DurationVar(&cfg.timeout, "timeout", server.DefaultTimeout, "request deadline (also the Neo4j transaction timeout)")
	fs.IntVar(&cfg.validationStatus, "validation-status", 400, "status of parse/validation failures with application/graphql-response+json (400 or 422)")
	d := schema.DefaultLimits
	fs.IntVar(&cfg.limits.MaxDepth, "max-depth", d.MaxDepth, "maximum query depth")
	fs.IntVar(&cfg.limits.MaxAliases, "max-aliases", d.MaxAliases, "maximum aliases per document")
	fs.IntVar(&cfg.limits.MaxFields, "max-fields", d.MaxFields, "maximum fields per query, fragments expanded")
	fs.IntVar(&cfg.limits.MaxSameKey, "max-merged", d.MaxSameKey, "maximum fields (with arguments or sub-selections) merged into one response key")
	fs.IntVar(&cfg.limits.MaxCost, "max-cost", d.MaxCost, "maximum estimated nodes per query")
	fs.IntVar(&cfg.limits.MaxTokens, "max-tokens", d.MaxTokens, "maximum lexical tokens per document")
	fs.IntVar(&cfg.limits.MaxNesting, "max-nesting", d.MaxNesting, "maximum bracket nesting per document")
	fs.IntVar(&cfg.limits.MaxErrors, "max-errors", d.MaxErrors, "maximum errors per response")
	fs.IntVar(&cfg.limits.CacheSize, "doc-cache", d.CacheSize, "validated documents kept in the LRU cache (-1 disables)")
	fs.BoolVar(&cfg.quiet, "quiet", false, "do not log requests")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return nil, usageError{fmt.Sprintf("serve: unexpected arguments %q", fs.Args())}
	}
	if cfg.validationStatus != 400 && cfg.validationStatus != 422 {
		return nil, usageError{"serve: --validation-status must be 400 or 422"}
	}
	if cfg.maxBody <= 0 || cfg.timeout <= 0 {
		return nil, usageError{"serve: --max-body and --timeout must be positive"}
	}
	for _, o := range strings.Split(*cors, ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.cors = append(cfg.cors, o)
		}
	}
	return cfg, nil
}

// readTokens reads bearer tokens: lines "name token" or "token" (named
// "api"), # comments; CHAINKG_TOKEN adds one named "env".
func readTokens(path string, getenv env) (map[string]string, error) {
	toks := map[string]string{}
	if t := strings.TrimSpace(getenv("CHAINKG_TOKEN")); t != "" {
		toks[t] = "env"
	}
	if path == "" {
		return toks, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Fields(line)
		switch len(parts) {
		case 1:
			toks[parts[0]] = "api"
		case 2:
			toks[parts[1]] = parts[0]
		default:
			return nil, fmt.Errorf("token file %s:%d: want 'name token'", path, n)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	for t := range toks {
		if len(t) < 16 {
			return nil, fmt.Errorf("token file %s: tokens must have at least 16 characters", path)
		}
	}
	return toks, nil
}

func runServe(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	cfg, err := parseServeFlags(args, getenv, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	tokens, err := readTokens(cfg.tokenFile, getenv)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg.neo4jURI, getenv)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	if cfg.neo4jURI == "" {
		if err := loadEmbedded(ctx, store, cfg.dataDir, stdout); err != nil {
			return err
		}
	} else if cfg.dataDir != "" {
		return usageError{"serve: --data loads the embedded store; use 'chainkg load' for Neo4j"}
	}
	eng, err := schema.NewEngine(&schema.Deps{Store: store}, cfg.limits)
	if err != nil {
		return err
	}
	var logw io.Writer = stderr
	if cfg.quiet {
		logw = io.Discard
	}
	srv := server.New(server.Config{
		Executor:         engineExecutor{eng},
		Ready:            store,
		GraphiQL:         web.FS(),
		GraphiQLBase:     web.BasePath,
		Tokens:           tokens,
		CORSOrigins:      cfg.cors,
		MaxBodyBytes:     cfg.maxBody,
		Timeout:          cfg.timeout,
		ValidationStatus: cfg.validationStatus,
		Log:              logw,
	})
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	base := "http://" + ln.Addr().String()
	backend := "embedded store"
	if cfg.neo4jURI != "" {
		backend = "Neo4j " + cfg.neo4jURI
		if err := store.Ping(ctx); err != nil {
			fmt.Fprintf(stderr, "warning: Neo4j is not reachable yet (%v); /readyz answers 503 until it is\n", err)
		}
	}
	fmt.Fprintf(stdout, "chainkg %s serving the %s\n  GraphQL:  %s/graphql\n  GraphiQL: %s%s\n  health:   %s/healthz  %s/readyz\n",
		version, backend, base, base, web.BasePath, base, base)
	if len(tokens) == 0 {
		fmt.Fprintln(stdout, "  mutations: disabled (no --token-file or CHAINKG_TOKEN)")
	}
	err = srv.Serve(ctx, ln)
	fmt.Fprintln(stderr, "chainkg: stopped")
	return err
}

// loadEmbedded fills the embedded store with the bundled dataset or the
// one in dir.
func loadEmbedded(ctx context.Context, store graph.Store, dir string, stdout io.Writer) error {
	var (
		ds  *loaders.Dataset
		err error
	)
	what := "bundled dataset " + data.Default
	if dir != "" {
		what = "dataset " + dir
		ds, err = loaders.ReadDataset(os.DirFS(dir), ".")
	} else {
		ds, err = loaders.ReadDataset(data.FS, data.Default)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	start := time.Now()
	if _, err := loaders.Load(ctx, store, ds, loaders.Options{}); err != nil {
		return fmt.Errorf("load %s: %w", what, err)
	}
	st, err := store.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded the %s: %d nodes, %d edges in %s\n", what, st.Nodes, st.Edges, time.Since(start).Round(time.Millisecond))
	return nil
}

// engineExecutor adapts schema.Engine to server.Executor (the two packages
// do not import each other).
type engineExecutor struct{ e *schema.Engine }

func (x engineExecutor) Execute(ctx context.Context, r server.Request) server.Result {
	res := x.e.Do(ctx, schema.Request(r))
	out := server.Result{Outcome: server.Outcome(res.Outcome), HasData: res.HasData, Data: res.Data}
	if len(res.Errors) > 0 {
		out.Errors = make([]server.Error, len(res.Errors))
		for i, e := range res.Errors {
			se := server.Error{Message: e.Message, Path: e.Path, Extensions: e.Extensions}
			for _, l := range e.Locations {
				se.Locations = append(se.Locations, server.Location(l))
			}
			out.Errors[i] = se
		}
	}
	return out
}
