package neo4jstore

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chainkg/graph"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func neo4jErr(code string) error {
	return fmt.Errorf("tx: %w", &neo4j.Neo4jError{Code: code, Msg: "m"})
}

func connectivityErr() error { return &neo4j.ConnectivityError{Inner: io.EOF} }

func retriesExhausted(last error) error {
	return &neo4j.TransactionExecutionLimit{Cause: "timeout", Errors: []error{errors.New("first"), last}}
}

func contextDeadline() error { return context.DeadlineExceeded }

var update = flag.Bool("update", false, "rewrite golden files under testdata")

// dashboardQuery is the typical dashboard query: a chain with its segments
// (upstream to downstream), their enterprises (leaders first) and those
// enterprises' cooperation partners. Benchmarks and the PROFILE test use it too.
func dashboardQuery(chainID string) graph.Query {
	return graph.Query{
		Kind: graph.KindChain, IDs: []string{chainID},
		Rels: []graph.RelQuery{{
			Key: "segments", Type: graph.RelHasSegment, Dir: graph.Out,
			Query: graph.Query{
				Kind: graph.KindSegment, First: 20, OrderBy: &graph.Order{Field: "order"}, Total: true,
				Rels: []graph.RelQuery{{
					Key: "enterprises", Type: graph.RelOperatesIn, Dir: graph.In,
					Query: graph.Query{
						Kind: graph.KindEnterprise, First: 10, OrderBy: &graph.Order{Field: "revenue", Desc: true}, Total: true,
						Rels: []graph.RelQuery{{
							Key: "partners", Type: graph.RelCooperates, Dir: graph.Out,
							Query: graph.Query{First: 5},
						}},
					},
				}},
			},
		}},
	}
}

func TestCompileGolden(t *testing.T) {
	cases := []struct {
		name string
		q    graph.Query
	}{
		{"root_kind", graph.Query{Kind: graph.KindEnterprise, First: 10}},
		{"root_filters_order_total", graph.Query{
			Kind: graph.KindEnterprise, First: 25, Total: true,
			OrderBy: &graph.Order{Field: "revenue", Desc: true},
			Where: []graph.Cond{
				{Field: "tier", Op: graph.OpIn, Value: []any{"LEADER", "SPECIALISED"}},
				{Field: "highTech", Op: graph.OpEq, Value: true},
				{Field: "region", Op: graph.OpNe, Value: "Other"},
				{Field: "name", Op: graph.OpContains, Value: "Tech"},
				{Field: "nameZh", Op: graph.OpStartsWith, Value: "上海"},
				{Field: "founded", Op: graph.OpGte, Value: int64(2010)},
				{Field: "employees", Op: graph.OpLt, Value: int64(500)},
				{Field: "rdIntensity", Op: graph.OpGt, Value: 0.05},
				{Field: "asOf", Op: graph.OpLte, Value: "2024-12-31"},
			},
		}},
		{"after_value_asc", graph.Query{Kind: graph.KindSegment, First: 5, OrderBy: &graph.Order{Field: "order"},
			After: graph.EncodeCursor(int64(3), "seg-3")}},
		{"after_value_desc", graph.Query{Kind: graph.KindEnterprise, First: 5, OrderBy: &graph.Order{Field: "revenue", Desc: true},
			After: graph.EncodeCursor(12.5, "ent-9")}},
		{"after_null_asc", graph.Query{Kind: graph.KindEnterprise, First: 5, OrderBy: &graph.Order{Field: "founded"},
			After: graph.EncodeCursor(nil, "ent-9")}},
		{"after_null_desc", graph.Query{Kind: graph.KindEnterprise, First: 5, OrderBy: &graph.Order{Field: "founded", Desc: true},
			After: graph.EncodeCursor(nil, "ent-9")}},
		{"after_id_only", graph.Query{Kind: graph.KindLab, First: 3, After: graph.EncodeCursor(nil, "lab-2")}},
		{"order_id_desc", graph.Query{Kind: graph.KindLab, First: 3, OrderBy: &graph.Order{Field: "id", Desc: true},
			After: graph.EncodeCursor("lab-5", "lab-5")}},
		{"ids_kind_where", graph.Query{Kind: graph.KindEnterprise, IDs: []string{"b", "a", "b"}, Total: true,
			Where: []graph.Cond{{Field: "region", Op: graph.OpEq, Value: "Yangpu"}}}},
		{"ids_any_kind", graph.Query{IDs: []string{"x"}}},
		{"dashboard", dashboardQuery("chain-ai")},
		{"rel_in_any_kind_where_after", graph.Query{Kind: graph.KindTechField, First: 2, Rels: []graph.RelQuery{
			{Key: "researchers", Type: graph.RelResearches, Dir: graph.In, Query: graph.Query{
				First: 3, Where: []graph.Cond{{Field: "source", Op: graph.OpEq, Value: "synthetic"}},
				OrderBy: &graph.Order{Field: "name"}, After: graph.EncodeCursor("Fudan", "univ-fudan"), Total: true}},
			{Key: "applications", Type: graph.RelAppliesTo, Dir: graph.In, Query: graph.Query{Kind: graph.KindAchievement, First: 1}},
		}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := graph.CheckQuery(tc.q); err != nil {
				t.Fatalf("test query is invalid: %v", err)
			}
			c, err := Compile(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			params, err := json.MarshalIndent(c.Params, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got := c.Cypher + "\n\n" + string(params) + "\n"
			checkParamsUsed(t, c)
			golden(t, filepath.Join("testdata", "compile", tc.name+".golden"), got)
		})
	}
}

// checkParamsUsed checks that every parameter appears in the statement and
// that no value was spliced in: the statement holds no quote characters.
func checkParamsUsed(t *testing.T, c *Compiled) {
	t.Helper()
	for name := range c.Params {
		if !strings.Contains(c.Cypher, "$"+name+" ") && !strings.Contains(c.Cypher, "$"+name+")") &&
			!strings.HasSuffix(c.Cypher, "$"+name) {
			t.Errorf("parameter %s is not used in %s", name, c.Cypher)
		}
	}
	if strings.ContainsAny(c.Cypher, `'"`) {
		t.Errorf("statement contains a literal string: %s", c.Cypher)
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file:\n got: %s\nwant: %s", path, got, want)
	}
}

func TestCompileRefusesOutsideAllowlist(t *testing.T) {
	cases := []struct {
		name string
		q    graph.Query
		code graph.Code
	}{
		{"unknown kind", graph.Query{Kind: "Person", First: 1}, graph.CodeInvalidInput},
		{"unknown rel", graph.Query{Kind: graph.KindChain, First: 1, Rels: []graph.RelQuery{
			{Key: "x", Type: "KNOWS", Dir: graph.Out, Query: graph.Query{First: 1}}}}, graph.CodeInvalidInput},
		{"bad direction", graph.Query{Kind: graph.KindChain, First: 1, Rels: []graph.RelQuery{
			{Key: "x", Type: graph.RelHasSegment, Dir: "BOTH", Query: graph.Query{First: 1}}}}, graph.CodeInvalidInput},
		{"unfilterable field", graph.Query{Kind: graph.KindEnterprise, First: 1, Where: []graph.Cond{
			{Field: "name` OR 1=1 //", Op: graph.OpEq, Value: "x"}}}, graph.CodeInvalidInput},
		{"unknown op", graph.Query{Kind: graph.KindEnterprise, First: 1, Where: []graph.Cond{
			{Field: "name", Op: "LIKE", Value: "x"}}}, graph.CodeInvalidInput},
		{"bad cursor", graph.Query{Kind: graph.KindEnterprise, First: 1, After: "!!"}, graph.CodeInvalidInput},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(tc.q)
			if got := graph.CodeOf(err); got != tc.code {
				t.Fatalf("Compile: code %q (err %v), want %q", got, err, tc.code)
			}
		})
	}
}

func TestFulltextQuery(t *testing.T) {
	cases := []struct {
		terms []string
		want  string
		ok    bool
	}{
		{[]string{"复旦"}, `"复旦"`, true},
		{[]string{"复"}, `"复"`, true},
		{[]string{"fudan"}, `*fudan*`, true},
		{[]string{"复旦", "lab2"}, `"复旦" AND *lab2*`, true},
		{[]string{"ai芯片"}, `*ai* AND "芯片"`, true},
		{[]string{"企业12科技"}, `"企业" AND *12* AND "科技"`, true},
		{[]string{"a.b"}, `*a* AND *b*`, true},
		{[]string{"café"}, `*caf*`, true},
		{[]string{"复-旦"}, `"复" AND "旦"`, true},
		{[]string{"⺈"}, "", false},
		{[]string{"ok", "·"}, "", false},
		{[]string{"*"}, "", false},
		{[]string{`"`}, "", false},
		{[]string{"é"}, "", false},
		{nil, "", false},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.terms, "_"), func(t *testing.T) {
			got, ok := fulltextQuery(tc.terms)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("fulltextQuery(%q) = %q, %v; want %q, %v", tc.terms, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestDecodePage(t *testing.T) {
	item := func(id string, rev any, edge map[string]any) any {
		p := map[string]any{"id": id, "name": "N " + id, "_h": "x", "source": "synthetic"}
		if rev != nil {
			p["revenue"] = rev
		}
		m := map[string]any{"p": p, "l": []any{"Node", "Enterprise"}}
		if edge != nil {
			m["e"] = edge
		}
		return m
	}
	q := graph.Query{Kind: graph.KindEnterprise, First: 2, OrderBy: &graph.Order{Field: "revenue"}, After: "x", Total: true}
	t.Run("trims first+1 and encodes cursors", func(t *testing.T) {
		p := decodePage(q, []any{item("a", 1.5, nil), item("b", nil, nil), item("c", nil, nil)}, int64(7), "", nil)
		if len(p.Items) != 2 || !p.HasNext || !p.HasPrev || p.Total != 7 {
			t.Fatalf("page = %+v", p)
		}
		if p.Items[0].Cursor != graph.EncodeCursor(1.5, "a") || p.Items[1].Cursor != graph.EncodeCursor(nil, "b") {
			t.Errorf("cursors %q %q", p.Items[0].Cursor, p.Items[1].Cursor)
		}
		n := p.Items[0].Node
		if n.Kind != graph.KindEnterprise || n.Prov.Source != "synthetic" || n.Props["_h"] != nil || n.Props["revenue"] != 1.5 {
			t.Errorf("node = %+v", n)
		}
	})
	t.Run("relation edge direction", func(t *testing.T) {
		for _, dir := range []graph.Dir{graph.Out, graph.In} {
			r := &graph.RelQuery{Key: "k", Type: graph.RelSupplies, Dir: dir, Query: graph.Query{First: 5}}
			p := decodePage(r.Query, []any{item("b", nil, map[string]any{"product": "chips", "_h": "y"})}, nil, "a", r)
			e := p.Items[0].Edge
			from, to := "a", "b"
			if dir == graph.In {
				from, to = "b", "a"
			}
			if e == nil || e.From != from || e.To != to || e.Props["product"] != "chips" || e.Props["_h"] != nil || p.Total != -1 || p.HasNext {
				t.Errorf("%s: edge %+v page %+v", dir, e, p)
			}
		}
	})
}

func TestContentHash(t *testing.T) {
	base := map[string]any{"id": "a", "name": "A", "founded": int64(2000), "aliases": []string{"x", "y"}}
	h := contentHash("Enterprise", base)
	variants := map[string]map[string]any{
		"float instead of int": {"id": "a", "name": "A", "founded": 2000.0, "aliases": []string{"x", "y"}},
		"alias order":          {"id": "a", "name": "A", "founded": int64(2000), "aliases": []string{"y", "x"}},
		"alias split":          {"id": "a", "name": "A", "founded": int64(2000), "aliases": []string{"xy"}},
		"extra prop":           {"id": "a", "name": "A", "founded": int64(2000), "aliases": []string{"x", "y"}, "region": "Yangpu"},
	}
	for name, m := range variants {
		if contentHash("Enterprise", m) == h {
			t.Errorf("%s: same hash", name)
		}
	}
	if contentHash("Lab", base) == h {
		t.Error("kind not in hash")
	}
	same := map[string]any{"aliases": []string{"x", "y"}, "founded": int64(2000), "name": "A", "id": "a"}
	if contentHash("Enterprise", same) != h {
		t.Error("hash depends on map order")
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want graph.Code
	}{
		{"deadline", fmt.Errorf("run: %w", contextDeadline()), graph.CodeTimeout},
		{"tx timeout", neo4jErr(codeTxTimedOut), graph.CodeTimeout},
		{"constraint", neo4jErr(codeConstraintFailed), graph.CodeConflict},
		{"unauthorized", neo4jErr(codeUnauthorized), graph.CodeUnavailable},
		{"syntax", neo4jErr("Neo.ClientError.Statement.SyntaxError"), graph.CodeInternal},
		{"connectivity", connectivityErr(), graph.CodeUnavailable},
		{"read cut by the deadline", &neo4j.ConnectivityError{Inner: context.DeadlineExceeded}, graph.CodeTimeout},
		{"retries exhausted", retriesExhausted(connectivityErr()), graph.CodeUnavailable},
		{"already classified", graph.Errorf(graph.CodeNotFound, "x"), graph.CodeNotFound},
		{"other", errors.New("boom"), graph.CodeInternal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := graph.CodeOf(classify(tc.err, "test")); got != tc.want {
				t.Fatalf("classify(%v) = %q, want %q", tc.err, got, tc.want)
			}
		})
	}
}

func TestSchemaStatementsGolden(t *testing.T) {
	golden(t, filepath.Join("testdata", "schema.golden"), strings.Join(schemaStatements(), "\n")+"\n")
}

// TestUnreachableServer: Open succeeds while the server is down (serve must
// start and report not ready), and every call then fails with
// CodeUnavailable, even when the driver's retries run into the caller's
// deadline, and never hangs past that deadline.
func TestUnreachableServer(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Config{URI: "bolt://127.0.0.1:1", Username: "neo4j", Password: "x"})
	if err != nil {
		t.Fatalf("Open with the server down: %v", err)
	}
	defer s.Close(ctx)
	calls := map[string]func(ctx context.Context) error{
		"ping": s.Ping,
		"read": func(ctx context.Context) error {
			_, err := s.Read(ctx, graph.Query{Kind: graph.KindChain, First: 1})
			return err
		},
		"write": func(ctx context.Context) error {
			_, err := s.UpsertNodes(ctx, []graph.Node{{ID: "a", Kind: graph.KindChain, Name: "A", Prov: graph.Provenance{Source: "t"}}})
			return err
		},
		"neighborhood": func(ctx context.Context) error {
			_, err := s.Neighborhood(ctx, graph.NeighborhoodQuery{ID: "a", Depth: 1})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			start := time.Now()
			err := call(ctx)
			if code := graph.CodeOf(err); code != graph.CodeUnavailable {
				t.Fatalf("code %q (err %v), want %s", code, err, graph.CodeUnavailable)
			}
			t.Logf("%s: %v", graph.CodeOf(err), err)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v, past the 2s deadline", d)
			}
		})
	}
}

func TestOpenRefusesMalformedConfig(t *testing.T) {
	for _, uri := range []string{"", "http://localhost:7474", "bolt://", "::"} {
		t.Run(uri, func(t *testing.T) {
			if _, err := Open(context.Background(), Config{URI: uri}); graph.CodeOf(err) != graph.CodeInvalidInput {
				t.Fatalf("Open(%q) = %v, want %s", uri, err, graph.CodeInvalidInput)
			}
		})
	}
}
