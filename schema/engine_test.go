package schema_test

import (
	"context"
	"encoding/json"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/graph/storetest"
	"chainkg/schema"
)

// countingStore is a real store that counts the calls reaching it.
type countingStore struct {
	graph.Store
	mu    sync.Mutex
	calls []string
	reads []graph.Query
}

func (c *countingStore) note(s string) {
	c.mu.Lock()
	c.calls = append(c.calls, s)
	c.mu.Unlock()
}

func (c *countingStore) Read(ctx context.Context, q graph.Query) (*graph.Page, error) {
	c.note("Read")
	c.mu.Lock()
	c.reads = append(c.reads, q)
	c.mu.Unlock()
	return c.Store.Read(ctx, q)
}

func (c *countingStore) Stats(ctx context.Context) (graph.Stats, error) {
	c.note("Stats")
	return c.Store.Stats(ctx)
}

func (c *countingStore) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	c.note("Search")
	return c.Store.Search(ctx, q)
}

func (c *countingStore) GetNodes(ctx context.Context, ids []string) ([]graph.Node, error) {
	c.note("GetNodes")
	return c.Store.GetNodes(ctx, ids)
}

func fixtureMem(t testing.TB) *memstore.Store {
	s := memstore.New()
	n, e := storetest.Fixture()
	storetest.Load(t, s, n, e)
	return s
}

func engineOn(t testing.TB, s schema.Store, l schema.Limits) *schema.Engine {
	t.Helper()
	e, err := schema.NewEngine(&schema.Deps{Store: s, Now: fixedNow}, l)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func readGolden(t testing.TB, name string) (string, map[string]any) {
	t.Helper()
	q, err := os.ReadFile("testdata/" + name + ".graphql")
	if err != nil {
		t.Fatal(err)
	}
	var vars map[string]any
	if b, err := os.ReadFile("testdata/" + name + ".vars.json"); err == nil {
		if err := json.Unmarshal(b, &vars); err != nil {
			t.Fatal(err)
		}
	}
	return string(q), vars
}

// One store call per root field: the dashboard's four levels of nested
// relations are one Read, whose IR carries every nested relation.
func TestOneStatementPerRootField(t *testing.T) {
	cases := []struct {
		name      string
		query     string
		wantCalls []string
		wantRels  int // relation queries in the first Read, nested included
	}{
		{name: "dashboard", query: "dashboard", wantCalls: []string{"Read"}, wantRels: 8},
		{name: "three root fields", query: `{ a: enterprises { totalCount } b: chain(id: "chain:ai") { segments { edges { node { id } } } } stats { nodes } }`, wantCalls: []string{"Read", "Read", "Stats"}, wantRels: -1},
		{name: "fragments and aliases", query: `{ node(id: "chain:ai") { ...C } } fragment C on Chain { s1: segments(first: 1) { edges { node { id } } } s2: segments { edges { node { ... on Segment { enterprises { totalCount } } } } } }`, wantCalls: []string{"Read"}, wantRels: 3},
		{name: "skip and include", query: `{ chain(id: "chain:ai") { segments @skip(if: true) { totalCount } leaders @include(if: false) { totalCount } chainMasters { totalCount } } }`, wantCalls: []string{"Read"}, wantRels: 1},
		{name: "search with relations", query: `{ search(text: "moxing") { node { ... on Enterprise { operatesIn { totalCount } } } } }`, wantCalls: []string{"Read", "Search"}, wantRels: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cs := &countingStore{Store: fixtureMem(t)}
			e := engineOn(t, cs, schema.Limits{})
			q, vars := c.query, map[string]any(nil)
			if !strings.Contains(q, "{") {
				q, vars = readGolden(t, q)
			}
			res := e.Do(context.Background(), schema.Request{Query: q, Variables: vars})
			if len(res.Errors) > 0 {
				t.Fatalf("errors: %+v", res.Errors)
			}
			sort.Strings(cs.calls)
			if strings.Join(cs.calls, ",") != strings.Join(c.wantCalls, ",") {
				t.Errorf("store calls %v, want %v", cs.calls, c.wantCalls)
			}
			if len(cs.reads) > 0 && c.wantRels >= 0 {
				if n := countRels(cs.reads[0].Rels); n != c.wantRels {
					t.Errorf("first Read has %d relation queries, want %d: %s", n, c.wantRels, cs.reads[0])
				}
			}
		})
	}
}

func countRels(rs []graph.RelQuery) int {
	n := len(rs)
	for _, r := range rs {
		n += countRels(r.Query.Rels)
	}
	return n
}

// totalCount is only computed when selected.
func TestTotalOnlyWhenAsked(t *testing.T) {
	cs := &countingStore{Store: fixtureMem(t)}
	e := engineOn(t, cs, schema.Limits{})
	e.Do(context.Background(), schema.Request{Query: `{ a: segments { edges { node { id } } } b: segments { totalCount } }`})
	// Root fields run in map order: check that exactly one asks for a total.
	if len(cs.reads) != 2 || cs.reads[0].Total == cs.reads[1].Total {
		t.Fatalf("Total flags wrong: %v", cs.reads)
	}
}

func TestLimits(t *testing.T) {
	small := schema.Limits{MaxDepth: 5, MaxAliases: 2, MaxFields: 40, MaxCost: 500, MaxTokens: 200, MaxNesting: 10, MaxErrors: 3}
	cases := []struct {
		name    string
		query   string
		vars    map[string]any
		outcome schema.Outcome
		code    string
	}{
		{"fits", `{ chain(id: "chain:ai") { segments(first: 5) { edges { node { id } } } } }`, nil, schema.Executed, ""},
		{"too deep", `{ chain(id: "chain:ai") { segments { edges { node { feeds { edges { cursor } } } } } } }`, nil, schema.LimitExceeded, "LIMIT_EXCEEDED"},
		{"too many aliases", `{ a: stats { nodes } b: stats { nodes } c: stats { nodes } }`, nil, schema.LimitExceeded, "LIMIT_EXCEEDED"},
		{"too many fields", `{ stats { nodes edges } ` + strings.Repeat("__typename ", 40) + `}`, nil, schema.LimitExceeded, "LIMIT_EXCEEDED"},
		{"too costly", `{ segments(first: 30) { edges { node { enterprises(first: 30) { totalCount } } } } }`, nil, schema.LimitExceeded, "LIMIT_EXCEEDED"},
		{"cost counts variables", `query($n: Int) { segments(first: $n) { edges { node { enterprises(first: $n) { totalCount } } } } }`, map[string]any{"n": 30}, schema.LimitExceeded, "LIMIT_EXCEEDED"},
		{"small variables fit", `query($n: Int) { segments(first: $n) { edges { node { enterprises(first: $n) { totalCount } } } } }`, map[string]any{"n": 3}, schema.Executed, ""},
		{"too many fields merged into one key", `{ ` + strings.Repeat(`chain(id: "chain:ai") { id } `, 11) + `}`, nil, schema.LimitExceeded, "LIMIT_EXCEEDED"},
		{"repeated leaves are fine", `{ chain(id: "chain:ai") { ` + strings.Repeat(`id `, 15) + `} }`, nil, schema.Executed, ""},
		{"too many tokens", `{ ` + strings.Repeat("__typename ", 250) + `}`, nil, schema.LimitExceeded, "LIMIT_EXCEEDED"},
		{"nested too deep", `{ search(text: "x", kinds: [[[[[[[[[[Lab]]]]]]]]]]) { score } }`, nil, schema.LimitExceeded, "LIMIT_EXCEEDED"},
		{"fragment cycle", `{ ...A } fragment A on Query { ...A }`, nil, schema.LimitExceeded, schema.CodeValidationFailed},
		{"parse", `{ stats `, nil, schema.ParseFailed, schema.CodeParseFailed},
		{"validation", `{ nope }`, nil, schema.ValidationFailed, schema.CodeValidationFailed},
		{"introspection may not multiply type lists", `{ __schema { types { fields { type { fields { name } } } } } }`, nil, schema.LimitExceeded, "LIMIT_EXCEEDED"},
		{"introspection through fragments", `{ __type(name: "Chain") { ...T } } fragment T on __Type { fields { type { ...U } } } fragment U on __Type { possibleTypes { interfaces { name } } }`, nil, schema.LimitExceeded, "LIMIT_EXCEEDED"},
		{"introspection is not limited by depth", `{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }`, nil, schema.Executed, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := engineOn(t, fixtureMem(t), small)
			res := e.Do(context.Background(), schema.Request{Query: c.query, Variables: c.vars})
			if res.Outcome != c.outcome {
				t.Fatalf("outcome %v, want %v: %+v", res.Outcome, c.outcome, res.Errors)
			}
			if c.code == "" {
				if len(res.Errors) > 0 {
					t.Fatalf("errors: %+v", res.Errors)
				}
				return
			}
			if res.HasData {
				t.Error("data present on a refused request")
			}
			if len(res.Errors) == 0 || res.Errors[0].Extensions["code"] != c.code {
				t.Fatalf("errors %+v, want code %s", res.Errors, c.code)
			}
		})
	}
}

func TestErrorCap(t *testing.T) {
	e := engineOn(t, fixtureMem(t), schema.Limits{MaxErrors: 5})
	res := e.Do(context.Background(), schema.Request{Query: `{ ` + strings.Repeat("a ", 20) + `}`})
	if len(res.Errors) != 5 || res.Errors[4].Extensions["code"] != "LIMIT_EXCEEDED" {
		t.Fatalf("errors not capped: %d %+v", len(res.Errors), res.Errors)
	}
}

func TestDeadline(t *testing.T) {
	e := engineOn(t, fixtureMem(t), schema.Limits{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	time.Sleep(time.Millisecond)
	res := e.Do(ctx, schema.Request{Query: `{ stats { nodes } }`})
	if len(res.Errors) == 0 || res.Errors[0].Extensions["code"] != "TIMEOUT" {
		t.Fatalf("want TIMEOUT: %+v", res.Errors)
	}
}

func TestMutations(t *testing.T) {
	s := fixtureMem(t)
	e := engineOn(t, s, schema.Limits{})
	ctx := context.Background()
	do := func(caller, q string, vars map[string]any) schema.Result {
		return e.Do(ctx, schema.Request{Query: q, Variables: vars, Caller: caller})
	}
	code := func(r schema.Result) string {
		if len(r.Errors) == 0 {
			return ""
		}
		c, _ := r.Errors[0].Extensions["code"].(string)
		return c
	}
	upsertNode := `mutation($in: [NodeInput!]!) { upsertNodes(input: $in) { created { kind count } updated { kind count } unchanged { kind count } } }`
	upsertEdge := `mutation($in: [EdgeInput!]!) { upsertEdges(input: $in) { created { kind count } } }`
	node := map[string]any{"id": "ent:new", "kind": "Enterprise", "name": "New Co", "nameZh": "新公司",
		"props": map[string]any{"tier": "SME", "founded": float64(2020), "region": "Yangpu"}}
	t.Run("refused without caller", func(t *testing.T) {
		if c := code(do("", upsertNode, map[string]any{"in": []any{node}})); c != "UNAUTHENTICATED" {
			t.Fatalf("code %q", c)
		}
		if n, _ := s.GetNodes(ctx, []string{"ent:new"}); len(n) != 0 {
			t.Fatal("written without a token")
		}
	})
	t.Run("node validated", func(t *testing.T) {
		bad := map[string]any{"id": "ent:bad", "kind": "Enterprise", "name": "Bad", "props": map[string]any{"tier": "HUGE"}}
		if c := code(do("planner", upsertNode, map[string]any{"in": []any{bad}})); c != "BAD_USER_INPUT" {
			t.Fatalf("code %q", c)
		}
		unknown := map[string]any{"id": "ent:bad", "kind": "Enterprise", "name": "Bad", "props": map[string]any{"color": "red"}}
		if c := code(do("planner", upsertNode, map[string]any{"in": []any{unknown}})); c != "BAD_USER_INPUT" {
			t.Fatalf("code %q", c)
		}
	})
	t.Run("node stamped", func(t *testing.T) {
		r := do("planner", upsertNode, map[string]any{"in": []any{node}})
		if len(r.Errors) > 0 {
			t.Fatalf("%+v", r.Errors)
		}
		n, err := s.GetNodes(ctx, []string{"ent:new"})
		if err != nil || len(n) != 1 {
			t.Fatalf("not written: %v", err)
		}
		p := n[0].Prov
		if p.Source != schema.SourceAPI || p.UpdatedBy != "planner" || p.UpdatedAt != "2026-01-02T03:04:05Z" || n[0].Props["founded"] != int64(2020) {
			t.Fatalf("stamp: %+v props %v", p, n[0].Props)
		}
		r = do("planner", upsertNode, map[string]any{"in": []any{node}})
		b, _ := json.Marshal(r.Data)
		if !strings.Contains(string(b), `"unchanged":[{"kind":"Enterprise","count":1}]`) {
			t.Errorf("re-upsert: %s", b)
		}
	})
	t.Run("edge endpoints must exist", func(t *testing.T) {
		e := map[string]any{"type": "OPERATES_IN", "from": "ent:new", "to": "seg:nope"}
		if c := code(do("planner", upsertEdge, map[string]any{"in": []any{e}})); c != "NOT_FOUND" {
			t.Fatalf("code %q", c)
		}
	})
	t.Run("edge kinds checked", func(t *testing.T) {
		e := map[string]any{"type": "OPERATES_IN", "from": "ent:new", "to": "chain:ai"}
		if c := code(do("planner", upsertEdge, map[string]any{"in": []any{e}})); c != "BAD_USER_INPUT" {
			t.Fatalf("code %q", c)
		}
	})
	t.Run("edge written and removed", func(t *testing.T) {
		e := map[string]any{"type": "OPERATES_IN", "from": "ent:new", "to": "seg:ai-apps", "props": map[string]any{"role": "apps"},
			"provenance": map[string]any{"source": "survey-2025", "confidence": 0.8}}
		if r := do("planner", upsertEdge, map[string]any{"in": []any{e}}); len(r.Errors) > 0 {
			t.Fatalf("%+v", r.Errors)
		}
		r := do("", `{ enterprise(id: "ent:new") { operatesIn { edges { role provenance { source confidence updatedBy } node { id } } } } }`, nil)
		b, _ := json.Marshal(r.Data)
		if !strings.Contains(string(b), `"provenance":{"source":"survey-2025","confidence":0.8,"updatedBy":"planner"}`) {
			t.Fatalf("edge: %s", b)
		}
		rm := `mutation { removeEdge(type: OPERATES_IN, from: "ent:new", to: "seg:ai-apps") }`
		if r := do("planner", rm, nil); get(r.Data, "removeEdge") != true {
			t.Fatalf("remove: %+v", r)
		}
		if r := do("planner", rm, nil); get(r.Data, "removeEdge") != false {
			t.Fatalf("second remove: %+v", r)
		}
	})
}

// FuzzPrescan: the pre-scan never panics, and whatever it lets through is
// safe to hand to graphql-go's parser (bounded nesting).
func FuzzPrescan(f *testing.F) {
	for _, s := range []string{`{ stats { nodes } }`, `"""a\"""b"""`, `# c` + "\n{a}", `"\"[[["`, `[[[[`, `{a(b: "x\\")}`, "\xef\xbb\xbf{a}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if err := schema.Prescan(s, 2000, 64); err != nil {
			if graph.CodeOf(err) != graph.CodeLimit {
				t.Fatalf("code %s", graph.CodeOf(err))
			}
			return
		}
		_, _ = parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(s)})})
	})
}

func TestPrescan(t *testing.T) {
	cases := []struct {
		name string
		text string
		ok   bool
	}{
		{"simple", `{ stats { nodes } }`, true},
		{"brackets in strings do not count", `{ search(text: "` + strings.Repeat("[", 100) + `") { score } }`, true},
		{"brackets in block strings do not count", `{ search(text: """` + strings.Repeat("{", 100) + `\""" """) { score } }`, true},
		{"brackets in comments do not count", "# " + strings.Repeat("(", 100) + "\n{ a }", true},
		{"nesting", strings.Repeat("[", 65), false},
		{"tokens", strings.Repeat("a ", 2001), false},
		{"punctuators are tokens", strings.Repeat("!", 2001), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := schema.Prescan(c.text, 2000, 64)
			if (err == nil) != c.ok {
				t.Fatalf("err %v, want ok=%v", err, c.ok)
			}
		})
	}
}

// Error locations are the document's lines and columns (graphql-go's own
// locating is bypassed, see Engine.document), with any line ending.
func TestErrorLocations(t *testing.T) {
	e := engineOn(t, fixtureMem(t), schema.Limits{})
	cases := []struct {
		name, query  string
		line, column int
	}{
		{"validation LF", "{\n  stats { nodes }\n  nope\n}", 3, 3},
		{"validation CRLF", "{\r\n  stats { nodes }\r\n    nope\r\n}", 3, 5},
		{"validation CR", "{\r\r nope }", 3, 2},
		{"field error", "{\n\n  enterprises(first: 1000) { totalCount } }", 3, 3},
		{"parse", "{\n  stats {", 2, 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.Do(context.Background(), schema.Request{Query: c.query})
			if len(r.Errors) == 0 || len(r.Errors[0].Locations) == 0 {
				t.Fatalf("no located error: %+v", r.Errors)
			}
			if l := r.Errors[0].Locations[0]; l.Line != c.line || l.Column != c.column {
				t.Errorf("location %d:%d, want %d:%d (%s)", l.Line, l.Column, c.line, c.column, r.Errors[0].Message)
			}
		})
	}
}

// get is the value under key of a response object.
func get(data any, key string) any {
	o, _ := data.(schema.Object)
	v, _ := o.Get(key)
	return v
}
