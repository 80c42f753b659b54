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
	}{
		{"all new, several kinds", nil, fixture},
		{"one id already stored, same content", fixture[:1], fixture},
		{"one id already stored, other content", []graph.Node{renamed(fixture[0])}, fixture},
		{"an id repeats in the call", nil, []graph.Node{fixture[0], fixture[1], renamed(fixture[0])}},
		{"an id stored with another kind", []graph.Node{otherKind(fixture[2])}, fixture[:4]},
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
			got := run(t, c.stored, c.input, s.CreateNodes)
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
			got := run(t, c.stored, c.input, s.CreateEdges)
			if !reflect.DeepEqual(got.stats, want.stats) {
				t.Errorf("stats: CreateEdges %+v, UpsertEdges %+v", got.stats, want.stats)
			}
			if got.code != want.code {
				t.Errorf("error code: CreateEdges %q, UpsertEdges %q", got.code, want.code)
			}
			if !reflect.DeepEqual(got.rels, want.rels) {
				t.Errorf("stored relationships differ:\nCreateEdges %q\nUpsertEdges %q", got.rels, want.rels)
			}
			if got.rev != want.rev {
				t.Errorf("revision: CreateEdges %d, UpsertEdges %d", got.rev, want.rev)
			}
		})
	}
}

// TestCreateEdgesPlan: the create statement seeks both endpoints and finds
// an existing relationship with Expand(Into), like upsertEdgesCypher
// (TestUpsertEdgesPlan), and has no Eager buffer.
func TestCreateEdgesPlan(t *testing.T) {
	env := storetest.Neo4j(t)
	s, _, _ := openWriteTest(t, env)
	for _, spec := range graph.Rels {
		t.Run(string(spec.Type), func(t *testing.T) {
			stmt, err := createEdgeStatement(spec.Type)
			if err != nil {
				t.Fatal(err)
			}
			rows := []any{[]any{"a", "b", map[string]any{"_h": "x"}}}
			plan := checkEdgePlan(t, s, stmt, rows)
			for _, op := range strings.Split(plan, "\n") {
				if op = strings.TrimSpace(op); op == "Eager" || strings.HasPrefix(op, "Eager@") {
					t.Errorf("plan has an Eager barrier:\n%s", plan)
				}
			}
		})
	}
}
