package schema_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/graph/neo4jstore"
	"chainkg/graph/storetest"
	"chainkg/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixedNow stamps mutations in tests.
var fixedNow = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

// memEngine is an engine over a memstore holding the shared fixture.
func memEngine(t testing.TB) (*schema.Engine, graph.Store) {
	t.Helper()
	s := memstore.New()
	nodes, edges := storetest.Fixture()
	storetest.Load(t, s, nodes, edges)
	e, err := schema.NewEngine(&schema.Deps{Store: s, Now: fixedNow}, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return e, s
}

// neo4jEngine is an engine over a wiped, migrated Neo4j holding the fixture.
func neo4jEngine(t testing.TB) (*schema.Engine, graph.Store) {
	t.Helper()
	env := storetest.Neo4j(t)
	ctx := context.Background()
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: env.URI, Username: env.Username, Password: env.Password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(ctx) })
	if err := s.Reset(ctx); err != nil { // batched: whatever an earlier package left
		t.Fatalf("wipe: %v", err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	nodes, edges := storetest.Fixture()
	storetest.Load(t, s, nodes, edges)
	e, err := schema.NewEngine(&schema.Deps{Store: s, Now: fixedNow}, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return e, s
}

// render is the response as the HTTP layer writes it (data absent on
// request errors), indented for golden files.
func render(t testing.TB, r schema.Result) []byte {
	t.Helper()
	m := map[string]any{}
	if r.HasData {
		m["data"] = r.Data
	}
	if len(r.Errors) > 0 {
		m["errors"] = r.Errors
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type goldenCase struct {
	name, query string
	vars        map[string]any
}

func goldenCases(t *testing.T) []goldenCase {
	files, err := filepath.Glob("testdata/*.graphql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no queries in testdata: %v", err)
	}
	var out []goldenCase
	for _, f := range files {
		q, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := goldenCase{name: strings.TrimSuffix(filepath.Base(f), ".graphql"), query: string(q)}
		if v, err := os.ReadFile(strings.TrimSuffix(f, ".graphql") + ".vars.json"); err == nil {
			if err := json.Unmarshal(v, &c.vars); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
		out = append(out, c)
	}
	return out
}

func runGolden(t *testing.T, e *schema.Engine, write bool) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			got := render(t, e.Do(context.Background(), schema.Request{Query: c.query, Variables: c.vars}))
			path := filepath.Join("testdata", c.name+".json")
			if write {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./schema -run TestGoldenMemstore -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s:\n%s", c.name, path, got)
			}
		})
	}
}

// TestGoldenMemstore runs the query suite on the embedded store; -update
// rewrites the golden files from it.
func TestGoldenMemstore(t *testing.T) {
	e, _ := memEngine(t)
	runGolden(t, e, *update)
}

// TestGoldenNeo4j runs the same suite on Neo4j against the same golden
// files: both stores must give identical JSON.
func TestGoldenNeo4j(t *testing.T) {
	e, _ := neo4jEngine(t)
	runGolden(t, e, false)
}
