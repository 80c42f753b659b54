package neo4jstore

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"chainkg/graph"
	"chainkg/graph/storetest"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestCreateNodesIsUpsertNodes runs each case twice on an emptied store,
// once with UpsertNodes and once with CreateNodes, and requires the same
// outcome: stats, error code, stored nodes (kinds from their labels, every
// property) and the revision. CreateNodes skips the read only while every
// id is new; a stored id, a repeated id or a kind conflict must end in
// UpsertNodes' result, never in an error or a partial write of its own.
func TestCreateNodesIsUpsertNodes(t *testing.T) {
	env := storetest.Neo4j(t)
	s, fixture, _ := openWriteTest(t, env)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	renamed := func(n graph.Node) graph.Node {
		n.Name += " (renamed)"
		return n
	}
	otherKind := func(n graph.Node) graph.Node {
		n.Kind = graph.KindSegment
		n.Props = nil
		return n
	}
	cases := []struct {
		name   string
		stored []graph.Node // written with UpsertNodes first
		input  []graph.Node
		refs   bool // CreateNodes must create them all and return references
	}{
		{"all new, several kinds", nil, fixture, true},
		{"one id already stored, same content", fixture[:1], fixture, false},
		{"one id already stored, other content", []graph.Node{renamed(fixture[0])}, fixture, false},
		{"an id repeats in the call", nil, []graph.Node{fixture[0], fixture[1], renamed(fixture[0])}, false},
		{"an id stored with another kind", []graph.Node{otherKind(fixture[2])}, fixture[:4], false},
	}
	type outcome struct {
		stats graph.WriteStats
		code  graph.Code
		nodes []graph.Node
		rev   int64
	}
	run := func(t *testing.T, stored, input []graph.Node, write func(context.Context, []graph.Node) (graph.WriteStats, error)) outcome {
		t.Helper()
		if err := s.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if len(stored) > 0 {
			if _, err := s.UpsertNodes(ctx, stored); err != nil {
				t.Fatal(err)
			}
		}
		var o outcome
		st, err := write(ctx, input)
		o.stats = st
		if err != nil {
			o.code = graph.CodeOf(err)
		}
		var ids []string
		for _, n := range append(append([]graph.Node{}, stored...), input...) {
			ids = append(ids, n.ID)
		}
		got, err := s.GetNodes(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		sortNodes(got)
		o.nodes = got
		if o.rev, err = s.Revision(ctx); err != nil {
			t.Fatal(err)
		}
		return o
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := run(t, c.stored, c.input, s.UpsertNodes)
			var refs []int64
			got := run(t, c.stored, c.input, func(ctx context.Context, in []graph.Node) (graph.WriteStats, error) {
				st, r, err := s.CreateNodes(ctx, in)
				refs = r
				return st, err
			})
			switch {
			case !c.refs && refs != nil:
				t.Errorf("CreateNodes returned references after falling back to UpsertNodes: %v", refs)
			case c.refs:
				if want := internalIDs(t, s, c.input); !reflect.DeepEqual(refs, want) {
					t.Errorf("references %v, want the internal ids %v", refs, want)
				}
			}
			if !reflect.DeepEqual(got.stats, want.stats) {
				t.Errorf("stats: CreateNodes %+v, UpsertNodes %+v", got.stats, want.stats)
			}
			if got.code != want.code {
				t.Errorf("error code: CreateNodes %q, UpsertNodes %q", got.code, want.code)
			}
			if !reflect.DeepEqual(got.nodes, want.nodes) {
				t.Errorf("stored nodes differ:\nCreateNodes %+v\nUpsertNodes %+v", got.nodes, want.nodes)
			}
			if got.rev != want.rev {
				t.Errorf("revision: CreateNodes %d, UpsertNodes %d", got.rev, want.rev)
			}
			if len(got.nodes) == 0 {
				t.Error("nothing stored: the case tests nothing")
			}
		})
	}
}

// TestCreateEdgesIsUpsertEdges is TestCreateNodesIsUpsertNodes for
// edges: every case must end as UpsertEdges ends (stats, error code,
// stored relationships with every property, revision), CreateEdges only
// skipping work while every edge is new between fitting endpoints.
func TestCreateEdgesIsUpsertEdges(t *testing.T) {
	env := storetest.Neo4j(t)
	s, nodes, fixture := openWriteTest(t, env)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	changed := func(e graph.Edge) graph.Edge {
		e.Prov.Evidence = "changed"
		return e
	}
	missing := fixture[1]
	missing.To = "nowhere"
	var unfit graph.Edge // an edge whose target has a kind the type does not allow
	for _, e := range fixture {
		for _, n := range nodes {
			if err := graph.ValidateEndpoints(graph.Edge{Type: e.Type}, nodeKind(nodes, e.From), n.Kind); err != nil {
				unfit = e
				unfit.To = n.ID
				break
			}
		}
		if unfit.To != "" {
			break
		}
	}
	if unfit.To == "" {
		t.Fatal("the fixture has no pair of nodes a relation does not allow")
	}
	cases := []struct {
		name   string
		stored []graph.Edge
		input  []graph.Edge
	}{
		{"all new, one endpoint without a reference", nil, fixture},
		{"all new, several types", nil, fixture},
		{"one edge already stored, same content", fixture[:1], fixture},
		{"one edge already stored, other content", []graph.Edge{changed(fixture[0])}, fixture},
		{"a key repeats in the call", nil, []graph.Edge{fixture[0], fixture[1], changed(fixture[0])}},
		{"an endpoint is missing", nil, []graph.Edge{fixture[0], missing}},
		{"an endpoint has the wrong kind", nil, []graph.Edge{fixture[0], unfit}},
	}
	type outcome struct {
		stats graph.WriteStats
		code  graph.Code
		rels  []string
		rev   int64
	}
	// Each case runs CreateEdges without references, with the right ones
	// and with stale ones (every From given the internal id of another
	// node of its kind, so only the id test can tell), and in the first
	// case with the last edge's To lacking one.
	type refMode int
	const (
		noRefs refMode = iota
		rightRefs
		staleRefs
	)
	refsFor := func(t *testing.T, input []graph.Edge, mode refMode, caseName string) []int64 {
		if mode == noRefs {
			return nil
		}
		ids := internalIDs(t, s, nodes)
		byID := map[string]int64{}
		for i, n := range nodes {
			byID[n.ID] = ids[i]
		}
		refs := make([]int64, 0, 2*len(input))
		for i, e := range input {
			from, ok := byID[e.From]
			if !ok {
				from = NoRef
			}
			if mode == staleRefs {
				k := nodeKind(nodes, e.From)
				for j, n := range nodes {
					if n.Kind == k && n.ID != e.From {
						from = ids[j]
						break
					}
				}
			}
			to, ok := byID[e.To]
			if !ok || caseName == "all new, one endpoint without a reference" && i == len(input)-1 {
				to = NoRef
			}
			refs = append(refs, from, to)
		}
		return refs
	}
	run := func(t *testing.T, stored, input []graph.Edge, write func(context.Context, []graph.Edge) (graph.WriteStats, error)) outcome {
		t.Helper()
		if err := s.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertNodes(ctx, nodes); err != nil {
			t.Fatal(err)
		}
		if len(stored) > 0 {
			if _, err := s.UpsertEdges(ctx, stored); err != nil {
				t.Fatal(err)
			}
		}
		var o outcome
		st, err := write(ctx, input)
		o.stats = st
		if err != nil {
			o.code = graph.CodeOf(err)
		}
		res, err := neo4j.ExecuteQuery(ctx, s.driver, "MATCH (a:Node)-[r]->(b:Node) RETURN a.id, type(r), b.id, properties(r) ORDER BY a.id, type(r), b.id",
			nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.cfg.Database))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Records {
			o.rels = append(o.rels, fmt.Sprint(r.Values...))
		}
		if o.rev, err = s.Revision(ctx); err != nil {
			t.Fatal(err)
		}
		return o
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := run(t, c.stored, c.input, s.UpsertEdges)
			for mode, name := range []string{"no references", "right references", "stale references"} {
				got := run(t, c.stored, c.input, func(ctx context.Context, in []graph.Edge) (graph.WriteStats, error) {
					return s.CreateEdges(ctx, in, refsFor(t, in, refMode(mode), c.name))
				})
				if !reflect.DeepEqual(got.stats, want.stats) {
					t.Errorf("%s: stats: CreateEdges %+v, UpsertEdges %+v", name, got.stats, want.stats)
				}
				if got.code != want.code {
					t.Errorf("%s: error code: CreateEdges %q, UpsertEdges %q", name, got.code, want.code)
				}
				if !reflect.DeepEqual(got.rels, want.rels) {
					t.Errorf("%s: stored relationships differ:\nCreateEdges %q\nUpsertEdges %q", name, got.rels, want.rels)
				}
				if got.rev != want.rev {
					t.Errorf("%s: revision: CreateEdges %d, UpsertEdges %d", name, got.rev, want.rev)
				}
			}
		})
	}
}

// TestCreateEdgesPlan: the create statements seek both endpoints (by an
// id index, or by internal id when the rows carry references) and find an
// existing relationship with Expand(Into), like upsertEdgesCypher
// (TestUpsertEdgesPlan), and have no Eager buffer.
func TestCreateEdgesPlan(t *testing.T) {
	env := storetest.Neo4j(t)
	s, _, _ := openWriteTest(t, env)
	for _, spec := range graph.Rels {
		for _, byRef := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/byRef=%v", spec.Type, byRef), func(t *testing.T) {
				stmt, err := createEdgeStatement(spec.Type, byRef)
				if err != nil {
					t.Fatal(err)
				}
				rows := []any{[]any{"a", "b", map[string]any{"_h": "x"}, int64(1), int64(2)}}
				plan := checkEdgePlan(t, s, stmt, rows)
				for _, op := range strings.Split(plan, "\n") {
					if op = strings.TrimSpace(op); op == "Eager" || strings.HasPrefix(op, "Eager@") {
						t.Errorf("plan has an Eager barrier:\n%s", plan)
					}
				}
				if !byRef {
					return
				}
				// The EXPLAIN plan's tree hides the seeks (planText); a
				// profiled plan's does not.
				ops := profiledOperators(t, s, stmt)
				if strings.Count(ops, "NodeByIdSeek") != 2 || strings.Contains(ops, "IndexSeek") {
					t.Errorf("want both endpoints found by NodeByIdSeek, no index seek:\n%s", ops)
				}
			})
		}
	}
}

// TestCreateEdgesByRef: the statement for rows with references creates
// every edge when the references are the endpoints' internal ids, and none
// when they are another node's of the same kind (the id test), so
// CreateEdges uses them and falls back on stale ones.
func TestCreateEdgesByRef(t *testing.T) {
	env := storetest.Neo4j(t)
	s, nodes, fixture := openWriteTest(t, env)
	ctx := context.Background()
	ids := internalIDs(t, s, nodes)
	ref := map[string]int64{}
	other := map[string]int64{} // another node of the same kind
	for i, n := range nodes {
		ref[n.ID] = ids[i]
		for j, m := range nodes {
			if m.Kind == n.Kind && m.ID != n.ID {
				other[n.ID] = ids[j]
				break
			}
		}
	}
	byType := map[graph.RelType][]graph.Edge{}
	for _, e := range fixture {
		byType[e.Type] = append(byType[e.Type], e)
	}
	for typ, edges := range byType {
		stmt, err := createEdgeStatement(typ, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, stale := range []bool{false, true} {
			rows := make([]any, 0, len(edges))
			for _, e := range edges {
				from, ok := ref[e.From]
				if stale {
					from, ok = other[e.From]
				}
				if !ok {
					continue
				}
				rows = append(rows, []any{e.From, e.To, map[string]any{"source": "test"}, from, ref[e.To]})
			}
			if len(rows) == 0 {
				continue
			}
			sess := s.session(ctx, neo4j.AccessModeWrite)
			tx, err := sess.BeginTransaction(ctx)
			if err != nil {
				t.Fatal(err)
			}
			res, err := tx.Run(ctx, stmt, map[string]any{"rows": rows})
			if err != nil {
				t.Fatal(err)
			}
			sum, err := res.Consume(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tx.Rollback(ctx)
			sess.Close(ctx)
			want := len(rows)
			if stale {
				want = 0
			}
			if got := sum.Counters().RelationshipsCreated(); got != want {
				t.Errorf("%s, stale references %v: %d of %d rows created an edge, want %d", typ, stale, got, len(rows), want)
			}
		}
	}
}

// internalIDs reads the internal id of each node, by id.
func internalIDs(t *testing.T, s *Store, nodes []graph.Node) []int64 {
	t.Helper()
	ids := make([]string, len(nodes))
	for i, n := range nodes {
		ids[i] = n.ID
	}
	res, err := neo4j.ExecuteQuery(context.Background(), s.driver, "UNWIND $ids AS id MATCH (n:Node {id: id}) RETURN n.id, id(n)",
		map[string]any{"ids": ids}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.cfg.Database))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]int64{}
	for _, r := range res.Records {
		byID[r.Values[0].(string)] = r.Values[1].(int64)
	}
	out := make([]int64, len(nodes))
	for i, n := range nodes {
		ref, ok := byID[n.ID]
		if !ok {
			t.Fatalf("node %q is not stored", n.ID)
		}
		out[i] = ref
	}
	return out
}

// profiledOperators runs stmt under PROFILE with no rows, in a transaction
// it rolls back, and returns the operator names of the whole plan, one per
// line.
func profiledOperators(t *testing.T, s *Store, stmt string) string {
	t.Helper()
	ctx := context.Background()
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	res, err := tx.Run(ctx, "PROFILE "+stmt, map[string]any{"rows": []any{}})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	var walk func(p neo4j.ProfiledPlan)
	walk = func(p neo4j.ProfiledPlan) {
		ops = append(ops, p.Operator())
		for _, c := range p.Children() {
			walk(c)
		}
	}
	if sum.Profile() == nil {
		t.Fatal("no profiled plan came back")
	}
	walk(sum.Profile())
	return strings.Join(ops, "\n")
}

// TestPrepareLoad: the node count a loader gets before writing, on an empty
// store and on one with the fixture; preparing writes nothing.
func TestPrepareLoad(t *testing.T) {
	env := storetest.Neo4j(t)
	ctx := context.Background()
	s, nodes, _ := openWriteTest(t, env)
	n, err := s.PrepareLoad(ctx)
	if err != nil || n != int64(len(nodes)) {
		t.Fatalf("PrepareLoad with the fixture = %d, %v; want %d", n, err, len(nodes))
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	rev, _ := s.Revision(ctx)
	if n, err := s.PrepareLoad(ctx); err != nil || n != 0 {
		t.Fatalf("PrepareLoad on an empty store = %d, %v; want 0", n, err)
	}
	st, err := s.Stats(ctx)
	if err != nil || st.Nodes != 0 || st.Edges != 0 {
		t.Fatalf("after PrepareLoad: %+v, %v; want an empty store", st, err)
	}
	if after, _ := s.Revision(ctx); after != rev {
		t.Fatalf("PrepareLoad moved the revision from %d to %d", rev, after)
	}
}

// TestCompileMillis: the server's JIT compile time is read (the JVM has
// compiled code by the time it answers Bolt) and never goes back while the
// server runs statements.
func TestCompileMillis(t *testing.T) {
	env := storetest.Neo4j(t)
	ctx := context.Background()
	s, _, _ := openWriteTest(t, env)
	first, err := s.CompileMillis(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if first <= 0 {
		t.Fatalf("CompileMillis = %d, want > 0", first)
	}
	last := first
	for i := range 10 {
		if _, err := s.query(ctx, "test", fmt.Sprintf("UNWIND range(1, 2000) AS x RETURN sum(x * %d + size(toString(x))) AS s", i), nil); err != nil {
			t.Fatal(err)
		}
		ms, err := s.CompileMillis(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ms < last {
			t.Fatalf("CompileMillis went back from %d to %d", last, ms)
		}
		last = ms
	}
}
