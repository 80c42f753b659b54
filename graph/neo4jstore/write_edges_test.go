package neo4jstore

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"chainkg/graph"
	"chainkg/graph/storetest"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// openWriteTest opens a store on the test server, migrated and emptied,
// with the fixture loaded. The caller holds the server lock.
func openWriteTest(t *testing.T, env storetest.Neo4jEnv) (*Store, []graph.Node, []graph.Edge) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Open(ctx, Config{URI: env.URI, Username: env.Username, Password: env.Password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatalf("reset: %v", err)
	}
	nodes, edges := storetest.Fixture()
	if _, err := s.UpsertNodes(ctx, nodes); err != nil {
		t.Fatalf("upsert nodes: %v", err)
	}
	return s, nodes, edges
}

// planText is the server's own rendering of a plan (the root's
// "string-representation" argument) if it sends one, else the operator
// names of the tree. (Driver v5.28.4's Plan.Children() returns the last
// child once per child, so the Apply's left side, with the endpoint seeks,
// does not show; the MERGE side, where an Expand(All) would be, does.)
func planText(p neo4j.Plan) string {
	if s, ok := p.Arguments()["string-representation"].(string); ok && s != "" {
		return s
	}
	out := p.Operator()
	for _, c := range p.Children() {
		out += "\n" + planText(c)
	}
	return out
}

// TestUpsertEdgesPlan checks the plan of the edge write statement for every
// relationship type: both endpoints come from the :Node id index and the
// relationship is found from them (Expand(Into)), never by expanding all
// edges of one endpoint (a supernode has tens of thousands). (The plan
// has Eager barriers, reading the old properties before setting the new ones: at
// one batch per statement they cost a buffer of the batch's rows.)
func TestUpsertEdgesPlan(t *testing.T) {
	env := storetest.Neo4j(t)
	s, _, _ := openWriteTest(t, env)
	for _, spec := range graph.Rels {
		t.Run(string(spec.Type), func(t *testing.T) {
			rel, err := relLabel(spec.Type)
			if err != nil {
				t.Fatal(err)
			}
			fit, err := endpointTest(spec.Type)
			if err != nil {
				t.Fatal(err)
			}
			rows := []any{[]any{"a", "b", map[string]any{"_h": "x"}, int64(0)}}
			checkEdgePlan(t, s, fmt.Sprintf(upsertEdgesCypher, rel, fit), rows)
		})
	}
}

// checkEdgePlan explains an edge write statement with rows and checks its
// plan: endpoints seeked, the relationship found by Expand(Into) under a
// LockingMerge, no scan or expansion of all edges; it returns the plan.
func checkEdgePlan(t *testing.T, s *Store, stmt string, rows []any) string {
	t.Helper()
	ctx := context.Background()
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, "EXPLAIN "+stmt, map[string]any{"rows": rows})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plan := planText(sum.Plan())
	for _, want := range []string{"Expand(Into)", "LockingMerge"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan lacks %s:\n%s", want, plan)
		}
	}
	for _, bad := range []string{"Expand(All)", "AllNodesScan", "NodeByLabelScan", "CartesianProduct"} {
		if strings.Contains(plan, bad) {
			t.Errorf("plan has %s:\n%s", bad, plan)
		}
	}
	return plan
}

// TestUpsertEdgesOneStatement covers what the one-pass edge write must
// keep from the read-then-write one: an edge stored (by another tool) with
// other properties counts as updated (not created), an identical rewrite writes nothing and leaves
// the revision alone, and an endpoint error found after some types were
// written rolls every write back.
func TestUpsertEdgesOneStatement(t *testing.T) {
	env := storetest.Neo4j(t)
	s, nodes, edges := openWriteTest(t, env)
	ctx := context.Background()
	e := edges[0]
	rel, err := relLabel(e.Type)
	if err != nil {
		t.Fatal(err)
	}
	count := func(t *testing.T) int64 {
		t.Helper()
		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st.Edges
	}

	t.Run("stored by another tool with other props counts as updated", func(t *testing.T) {
		sess := s.session(ctx, neo4j.AccessModeWrite)
		_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			_, err := runAll(ctx, tx, "MATCH (a:Node {id: $f}) MATCH (b:Node {id: $t}) CREATE (a)-[:"+rel+" {source: 'x'}]->(b)", map[string]any{"f": e.From, "t": e.To})
			return nil, err
		})
		sess.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ws, err := s.UpsertEdges(ctx, []graph.Edge{e})
		if err != nil {
			t.Fatal(err)
		}
		if ws.Updated[string(e.Type)] != 1 || ws.Created[string(e.Type)] != 0 {
			t.Fatalf("stats %+v, want 1 updated", ws)
		}
	})

	t.Run("identical rewrite counts unchanged and keeps the revision", func(t *testing.T) {
		rev, err := s.Revision(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ws, err := s.UpsertEdges(ctx, []graph.Edge{e, e})
		if err != nil {
			t.Fatal(err)
		}
		if ws.Unchanged[string(e.Type)] != 2 {
			t.Fatalf("stats %+v, want 2 unchanged", ws)
		}
		if got, _ := s.Revision(ctx); got != rev {
			t.Fatalf("revision %d -> %d on an unchanged write", rev, got)
		}
	})

	t.Run("later missing endpoint rolls back earlier types", func(t *testing.T) {
		before := count(t)
		var other graph.Edge
		for _, o := range edges {
			if o.Type != e.Type {
				other = o
				break
			}
		}
		if other.Type == "" {
			t.Fatal("fixture has one relationship type only")
		}
		other.To = "missing-node-x"
		_, err := s.UpsertEdges(ctx, append(edges[1:], other))
		if graph.CodeOf(err) != graph.CodeNotFound || !strings.Contains(err.Error(), "missing-node-x") {
			t.Fatalf("err = %v, want NOT_FOUND naming missing-node-x", err)
		}
		if after := count(t); after != before {
			t.Fatalf("edges %d -> %d after a failed call", before, after)
		}
	})

	t.Run("wrong endpoint kind rolls back", func(t *testing.T) {
		before := count(t)
		bad := e
		spec, _ := graph.LookupRel(e.Type)
		for _, n := range nodes {
			if !spec.Allows(n.Kind, nodeKind(nodes, e.To)) {
				bad.From = n.ID
				break
			}
		}
		if bad.From == e.From {
			t.Fatal("no node of a kind the relation refuses")
		}
		_, err := s.UpsertEdges(ctx, append(edges[1:], bad))
		if graph.CodeOf(err) != graph.CodeInvalidInput {
			t.Fatalf("err = %v, want BAD_USER_INPUT", err)
		}
		if after := count(t); after != before {
			t.Fatalf("edges %d -> %d after a failed call", before, after)
		}
	})
}

func nodeKind(nodes []graph.Node, id string) graph.Kind {
	for _, n := range nodes {
		if n.ID == id {
			return n.Kind
		}
	}
	return ""
}

// TestEdgeHashFromStoredProps: relationships are stored without a content
// hash, and an upsert tells unchanged from updated by the properties it
// reads back: a repeated write is unchanged (no revision bump), an edge
// that another tool wrote with the same properties is unchanged too, an
// older chainkg's "_h" is dropped without counting a change, and a changed
// property is an update that lands.
func TestEdgeHashFromStoredProps(t *testing.T) {
	env := storetest.Neo4j(t)
	s, _, edges := openWriteTest(t, env)
	ctx := context.Background()
	raw := func(q string, params map[string]any) []*neo4j.Record {
		t.Helper()
		res, err := neo4j.ExecuteQuery(ctx, s.driver, q, params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.cfg.Database))
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return res.Records
	}
	hashes := func() int64 {
		t.Helper()
		return raw("MATCH (:Node)-[r]->(:Node) WHERE r._h IS NOT NULL RETURN count(r) AS c", nil)[0].Values[0].(int64)
	}
	st, err := s.UpsertEdges(ctx, edges)
	if err != nil {
		t.Fatal(err)
	}
	if n := total(st.Created); n != len(edges) {
		t.Fatalf("created %d of %d edges: %+v", n, len(edges), st)
	}
	if n := hashes(); n != 0 {
		t.Errorf("%d stored edges carry _h", n)
	}
	rev, err := s.Revision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	unchanged := func(what string) {
		t.Helper()
		st, err := s.UpsertEdges(ctx, edges)
		if err != nil {
			t.Fatal(err)
		}
		if n := total(st.Unchanged); n != len(edges) {
			t.Errorf("%s: %d of %d edges unchanged: %+v", what, n, len(edges), st)
		}
		if r, err := s.Revision(ctx); err != nil || r != rev {
			t.Errorf("%s: revision %d -> %d (%v)", what, rev, r, err)
		}
	}
	unchanged("same edges again")

	// The first edge as another tool (or an older chainkg) left it.
	e := edges[0]
	q := fmt.Sprintf("MATCH (a:Node {id: $f})-[r:%s]->(b:Node {id: $t}) ", e.Type)
	raw(q+"DELETE r", map[string]any{"f": e.From, "t": e.To})
	raw(fmt.Sprintf("MATCH (a:Node {id: $f}) MATCH (b:Node {id: $t}) CREATE (a)-[r:%s]->(b) SET r = $p", e.Type),
		map[string]any{"f": e.From, "t": e.To, "p": e.Flatten()})
	unchanged("an equal edge written by another tool")
	raw(q+"SET r._h = 'an older hash'", map[string]any{"f": e.From, "t": e.To})
	unchanged("an older chainkg's _h")
	if n := hashes(); n != 0 {
		t.Errorf("the older _h was kept (%d edges carry _h)", n)
	}

	// A key twice in one call, the stored edge equal to the first row: the
	// first row is unchanged and the second an update. This goes through
	// the path that hashes the properties read back, here with a float.
	var a graph.Edge
	for _, x := range edges {
		if x.Type == graph.RelOperatesIn {
			a = x
			break
		}
	}
	if a.Type == "" {
		t.Fatal("the fixture has no OPERATES_IN edge")
	}
	b := a
	b.Props = map[string]any{}
	for k, v := range a.Props {
		b.Props[k] = v
	}
	b.Props["share"] = 0.125
	st, err = s.UpsertEdges(ctx, []graph.Edge{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if total(st.Unchanged) != 1 || total(st.Updated) != 1 {
		t.Errorf("stored A, written [A, B]: %+v, want 1 unchanged and 1 updated", st)
	}
	qa := fmt.Sprintf("MATCH (a:Node {id: $f})-[r:%s]->(b:Node {id: $t}) RETURN r.share AS s", a.Type)
	if got := raw(qa, map[string]any{"f": a.From, "t": a.To}); len(got) != 1 || got[0].Values[0] != 0.125 {
		t.Errorf("stored share %v, want 0.125", got)
	}
	if rev, err = s.Revision(ctx); err != nil {
		t.Fatal(err)
	}

	changed := e
	changed.Prov.Source = e.Prov.Source + " (revised)"
	st, err = s.UpsertEdges(ctx, []graph.Edge{changed})
	if err != nil {
		t.Fatal(err)
	}
	if total(st.Updated) != 1 {
		t.Errorf("changed source: %+v, want 1 updated", st)
	}
	got := raw(q+"RETURN r.source AS s", map[string]any{"f": e.From, "t": e.To})
	if len(got) != 1 || got[0].Values[0] != changed.Prov.Source {
		t.Errorf("stored source %v, want %q", got, changed.Prov.Source)
	}
	if r, err := s.Revision(ctx); err != nil || r <= rev {
		t.Errorf("revision %d after an update, want > %d (%v)", r, rev, err)
	}
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
