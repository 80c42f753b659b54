package neo4jstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/graph/neo4jstore"
	"chainkg/graph/storetest"
)

// openNeo4j opens a store on the test server, migrated and emptied. The
// caller holds the server lock (storetest.Neo4j).
func openNeo4j(t testing.TB, env storetest.Neo4jEnv, migrate bool) *neo4jstore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: env.URI, Username: env.Username, Password: env.Password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	if migrate {
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatalf("reset: %v", err)
	}
	return s
}

// TestAgainstMemstore loads the shared fixture into both stores and checks
// that a battery of reads gives identical JSON: the embedded store is the
// oracle for the IR semantics.
func TestAgainstMemstore(t *testing.T) {
	env := storetest.Neo4j(t)
	neo := openNeo4j(t, env, true)
	mem := memstore.New()
	nodes, edges := storetest.Fixture()
	ctx := context.Background()
	stores := []graph.Store{mem, neo}

	same := func(t *testing.T, what string, f func(s graph.Store) (any, error)) {
		t.Helper()
		var out [2]string
		for i, s := range stores {
			v, err := f(s)
			if err != nil {
				out[i] = "error " + string(graph.CodeOf(err))
			} else {
				b, _ := json.MarshalIndent(v, "", " ")
				out[i] = string(b)
			}
		}
		if out[0] != out[1] {
			t.Errorf("%s differs:\nmemstore: %s\nneo4j:    %s", what, out[0], out[1])
		}
	}

	t.Run("load", func(t *testing.T) {
		same(t, "upsert nodes", func(s graph.Store) (any, error) { return s.UpsertNodes(ctx, nodes) })
		same(t, "upsert edges", func(s graph.Store) (any, error) { return s.UpsertEdges(ctx, edges) })
		same(t, "reload nodes", func(s graph.Store) (any, error) { return s.UpsertNodes(ctx, nodes) })
		same(t, "reload edges", func(s graph.Store) (any, error) { return s.UpsertEdges(ctx, edges) })
		same(t, "stats", func(s graph.Store) (any, error) { return s.Stats(ctx) })
		same(t, "revision", func(s graph.Store) (any, error) { return s.Revision(ctx) })
	})
	t.Run("get nodes", func(t *testing.T) {
		same(t, "get", func(s graph.Store) (any, error) {
			return s.GetNodes(ctx, []string{"ent:moxing", "nope", "uni:fudan", "ent:moxing"})
		})
	})
	t.Run("read", func(t *testing.T) {
		for i, q := range diffQueries() {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				// Walk every page, comparing each.
				for page := 0; page < 20; page++ {
					var next string
					same(t, q.String(), func(s graph.Store) (any, error) {
						p, err := s.Read(ctx, q)
						if err == nil && p.HasNext {
							next = p.Items[len(p.Items)-1].Cursor
						}
						return p, err
					})
					if next == "" || len(q.IDs) > 0 {
						break
					}
					q.After = next
				}
			})
		}
	})
	t.Run("search", func(t *testing.T) {
		for _, text := range []string{"复旦", "复", "大学", "fudan", "FUDAN university", "ai", "智能", "模型 智能", "医疗 zz", "医", "a.b", "-", "xyz", "  ", "Tongji", "同济大学"} {
			for _, kinds := range [][]graph.Kind{nil, {graph.KindEnterprise, graph.KindLab}} {
				same(t, fmt.Sprintf("search %q %v", text, kinds), func(s graph.Store) (any, error) {
					return s.Search(ctx, graph.SearchQuery{Text: text, Kinds: kinds, First: 5})
				})
			}
		}
	})
	t.Run("neighborhood", func(t *testing.T) {
		for _, q := range []graph.NeighborhoodQuery{
			{ID: "ent:moxing", Depth: 1, Limit: 50},
			{ID: "ent:moxing", Depth: 2, Limit: 4},
			{ID: "chain:ai", Depth: 3, Limit: 0},
			{ID: "seg:ai-models", Depth: 2, Types: []graph.RelType{graph.RelFeeds, graph.RelOperatesIn}, Limit: 10},
			{ID: "nope", Depth: 1, Limit: 5},
			{ID: "ent:moxing", Depth: 4, Limit: 5},
		} {
			same(t, fmt.Sprintf("neighborhood %+v", q), func(s graph.Store) (any, error) { return s.Neighborhood(ctx, q) })
		}
	})
	t.Run("paths", func(t *testing.T) {
		for _, q := range []graph.PathQuery{
			{From: "lab:fudan-ai", To: "ent:shenlan", MaxHops: 4, Limit: 10},
			{From: "chain:ai", To: "chain:health", MaxHops: 6, Limit: 0},
			{From: "chain:ai", To: "chain:h2", MaxHops: 2, Limit: 3},
			{From: "uni:fudan", To: "ent:qingneng", MaxHops: 6, Types: []graph.RelType{graph.RelProduced, graph.RelAffiliated, graph.RelTransferredTo, graph.RelCooperates}, Limit: 5},
			{From: "uni:fudan", To: "uni:fudan", MaxHops: 2},
			{From: "uni:fudan", To: "nope", MaxHops: 2},
		} {
			same(t, fmt.Sprintf("paths %+v", q), func(s graph.Store) (any, error) { return s.Paths(ctx, q) })
		}
	})
	t.Run("projection", func(t *testing.T) {
		for _, id := range []string{"chain:ai", "chain:health", "chain:h2", "seg:ai-data", "nope"} {
			// Provenance records may be numbered differently: compare the
			// full records (and the form: Check).
			same(t, "projection "+id, func(s graph.Store) (any, error) {
				p, err := s.Projection(ctx, id)
				if err != nil {
					return nil, err
				}
				if err := p.Check(); err != nil {
					return nil, err
				}
				return []any{p.ChainID, p.Revision, p.FullNodes(), p.FullEdges()}, nil
			})
		}
	})
	t.Run("code point order", func(t *testing.T) {
		// Java compares strings by UTF-16 unit, Go by code point: they
		// disagree between supplementary characters (𠀀 U+20000, emoji)
		// and the top of the BMP (（ U+FF08). The IR says code point.
		prov := graph.Provenance{Source: "test"}
		var ns []graph.Node
		for i, name := range []string{"\U00020000", "\uFF08", "\U0001F600", "z", "\uFFFD", "中"} {
			ns = append(ns, graph.Node{ID: fmt.Sprintf("tf:cp%d", i), Kind: graph.KindTechField, Name: name, Prov: prov})
		}
		same(t, "upsert", func(s graph.Store) (any, error) { return s.UpsertNodes(ctx, ns) })
		for _, q := range []graph.Query{
			{Kind: graph.KindTechField, First: 20, OrderBy: &graph.Order{Field: "name"}, Where: []graph.Cond{{Field: "id", Op: graph.OpStartsWith, Value: "tf:cp"}}},
			{Kind: graph.KindTechField, First: 20, OrderBy: &graph.Order{Field: "name", Desc: true}, Where: []graph.Cond{{Field: "id", Op: graph.OpStartsWith, Value: "tf:cp"}}},
			{Kind: graph.KindTechField, First: 20, Where: []graph.Cond{{Field: "name", Op: graph.OpGt, Value: "\uFF08"}}},
			{Kind: graph.KindTechField, First: 20, Where: []graph.Cond{{Field: "name", Op: graph.OpLt, Value: "\U00020000"}, {Field: "id", Op: graph.OpStartsWith, Value: "tf:cp"}}},
		} {
			same(t, q.String(), func(s graph.Store) (any, error) { return s.Read(ctx, q) })
		}
	})
	t.Run("writes", func(t *testing.T) {
		n := nodes[0]
		other := n
		other.Kind = graph.KindLab
		if other.Kind == n.Kind {
			other.Kind = graph.KindFund
		}
		other.Props = nil
		same(t, "kind conflict", func(s graph.Store) (any, error) { return s.UpsertNodes(ctx, []graph.Node{other}) })
		bad := graph.Edge{Type: graph.RelSupplies, From: "ent:moxing", To: "ent:missing", Prov: graph.Provenance{Source: "test"}}
		same(t, "missing endpoint", func(s graph.Store) (any, error) { return s.UpsertEdges(ctx, []graph.Edge{bad}) })
		changed := n
		changed.Aliases = append(append([]string(nil), n.Aliases...), "changed alias")
		same(t, "update", func(s graph.Store) (any, error) { return s.UpsertNodes(ctx, []graph.Node{changed, changed}) })
		key := edges[0].Key()
		same(t, "remove", func(s graph.Store) (any, error) { return s.RemoveEdge(ctx, key) })
		same(t, "remove again", func(s graph.Store) (any, error) { return s.RemoveEdge(ctx, key) })
		same(t, "stats after", func(s graph.Store) (any, error) { return s.Stats(ctx) })
		same(t, "revision after", func(s graph.Store) (any, error) { return s.Revision(ctx) })
	})
}

func diffQueries() []graph.Query {
	asc := func(f string) *graph.Order { return &graph.Order{Field: f} }
	desc := func(f string) *graph.Order { return &graph.Order{Field: f, Desc: true} }
	qs := []graph.Query{
		{Kind: graph.KindEnterprise, First: 3, Total: true},
		{Kind: graph.KindEnterprise, First: 2, OrderBy: desc("revenue"), Total: true},
		{Kind: graph.KindEnterprise, First: 3, OrderBy: asc("revenue")},
		{Kind: graph.KindEnterprise, First: 3, OrderBy: asc("founded")},
		{Kind: graph.KindEnterprise, First: 3, OrderBy: desc("founded")},
		{Kind: graph.KindEnterprise, First: 2, OrderBy: asc("nameZh")},
		{Kind: graph.KindEnterprise, First: 2, OrderBy: desc("id")},
		{Kind: graph.KindEnterprise, First: 2, OrderBy: asc("asOf")},
		{Kind: graph.KindEnterprise, First: 10, Total: true, Where: []graph.Cond{{Field: "region", Op: graph.OpEq, Value: "Yangpu"}}},
		{Kind: graph.KindEnterprise, First: 10, Where: []graph.Cond{{Field: "region", Op: graph.OpNe, Value: "Yangpu"}}},
		{Kind: graph.KindEnterprise, First: 10, Where: []graph.Cond{{Field: "tier", Op: graph.OpIn, Value: []any{"LEADER", "SME"}}}},
		{Kind: graph.KindEnterprise, First: 10, Where: []graph.Cond{{Field: "name", Op: graph.OpContains, Value: "TECH"}}},
		{Kind: graph.KindEnterprise, First: 10, Where: []graph.Cond{{Field: "nameZh", Op: graph.OpStartsWith, Value: "氢"}}},
		{Kind: graph.KindEnterprise, First: 10, Where: []graph.Cond{{Field: "founded", Op: graph.OpGte, Value: int64(2015)}, {Field: "revenue", Op: graph.OpLt, Value: 1000.0}}},
		{Kind: graph.KindEnterprise, First: 10, Where: []graph.Cond{{Field: "chainMaster", Op: graph.OpEq, Value: true}}},
		{Kind: graph.KindEnterprise, First: 10, Where: []graph.Cond{{Field: "highTech", Op: graph.OpNe, Value: true}}},
		{Kind: graph.KindSegment, First: 4, OrderBy: asc("order"), Total: true},
		{Kind: graph.KindSegment, First: 4, OrderBy: desc("stage"), Where: []graph.Cond{{Field: "chainId", Op: graph.OpEq, Value: "chain:ai"}}},
		{Kind: graph.KindLab, First: 2},
		{Kind: graph.KindChain, IDs: []string{"chain:h2", "chain:ai", "nope", "chain:h2", "ent:moxing"}, Total: true},
		{IDs: []string{"ent:moxing", "uni:fudan"}, Where: []graph.Cond{{Field: "name", Op: graph.OpContains, Value: "i"}}},
		{Kind: graph.KindChain, IDs: []string{"chain:ai", "chain:health", "chain:h2"}, Rels: []graph.RelQuery{{
			Key: "segments", Type: graph.RelHasSegment, Dir: graph.Out,
			Query: graph.Query{Kind: graph.KindSegment, First: 2, OrderBy: asc("order"), Total: true, Rels: []graph.RelQuery{
				{Key: "enterprises", Type: graph.RelOperatesIn, Dir: graph.In, Query: graph.Query{
					Kind: graph.KindEnterprise, First: 10, OrderBy: desc("revenue"), Total: true, Rels: []graph.RelQuery{
						{Key: "partners", Type: graph.RelCooperates, Dir: graph.Out, Query: graph.Query{First: 5}},
						{Key: "partnersIn", Type: graph.RelCooperates, Dir: graph.In, Query: graph.Query{First: 5, Total: true}},
						{Key: "supplies", Type: graph.RelSupplies, Dir: graph.Out, Query: graph.Query{Kind: graph.KindEnterprise, First: 1, Total: true}},
					}}},
				{Key: "feeds", Type: graph.RelFeeds, Dir: graph.Out, Query: graph.Query{First: 5, OrderBy: asc("order")}},
				{Key: "fields", Type: graph.RelRequires, Dir: graph.Out, Query: graph.Query{First: 5, Where: []graph.Cond{{Field: "name", Op: graph.OpContains, Value: "e"}}}},
			}},
		}, {Key: "masters", Type: graph.RelMasters, Dir: graph.In, Query: graph.Query{First: 3}}}},
		{Kind: graph.KindTechField, First: 2, Rels: []graph.RelQuery{{
			Key: "researchers", Type: graph.RelResearches, Dir: graph.In,
			Query: graph.Query{First: 1, OrderBy: asc("name"), Total: true}}}},
	}
	return qs
}

// TestConcurrentUpserts: writers racing to create the same new node and
// the same new edge all succeed, and the graph ends with one of each.
func TestConcurrentUpserts(t *testing.T) {
	env := storetest.Neo4j(t)
	s := openNeo4j(t, env, true)
	ctx := context.Background()
	prov := graph.Provenance{Source: "test"}
	if _, err := s.UpsertNodes(ctx, []graph.Node{{ID: "ent:a", Kind: graph.KindEnterprise, Name: "A", Prov: prov}}); err != nil {
		t.Fatal(err)
	}
	const writers = 6
	errs := make(chan error, 2*writers)
	for round := 0; round < 3; round++ {
		id := fmt.Sprintf("ent:race%d", round)
		var wg sync.WaitGroup
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n := graph.Node{ID: id, Kind: graph.KindEnterprise, Name: "Race", Prov: prov}
				if _, err := s.UpsertNodes(ctx, []graph.Node{n}); err != nil {
					errs <- fmt.Errorf("node: %w", err)
					return
				}
				e := graph.Edge{Type: graph.RelSupplies, From: "ent:a", To: id, Prov: prov}
				if _, err := s.UpsertEdges(ctx, []graph.Edge{e}); err != nil {
					errs <- fmt.Errorf("edge: %w", err)
				}
			}()
		}
		wg.Wait()
	}
	close(errs)
	for err := range errs {
		t.Errorf("concurrent upsert: %v", err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Nodes != 4 || st.Edges != 3 {
		t.Errorf("after the races: %d nodes, %d edges; want 4 and 3", st.Nodes, st.Edges)
	}
}
