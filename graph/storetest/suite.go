// Package storetest is the conformance suite every graph.Store must pass
// (Run), plus the shared fixture other packages' tests build on (Fixture,
// Load) and the Neo4j test environment (Neo4j).
//
// The suite holds both stores to identical answers: it compares whole
// values (reflect.DeepEqual after making nil and empty slices equal), and
// cursors must be the exact strings graph.EncodeCursor gives.
//
// Where graph/store.go and graph/query.go leave a choice open, the suite
// pins it down; each such rule is stated in the subtest that checks it:
//
//   - Read with IDs also applies Where; Total then counts the items returned.
//   - Page.Items may be nil or empty (both mean no items).
//   - WriteStats maps may omit zero counts.
//   - Revision grows after every write that changes something and stays
//     the same otherwise (failed, empty or no-op writes, RemoveEdge false).
//   - Search First, Neighborhood Limit and Paths Limit <= 0 mean no limit.
//   - Neighborhood and Paths walk edges in either direction; with Types set,
//     only those types are walked and returned. Neighborhood keeps the
//     nearest nodes first, ties by id, when Limit cuts; a missing center is
//     CodeNotFound and a depth outside 1..3 CodeInvalidInput.
//   - Paths: all shortest paths, sorted by node id sequence then by edge keys
//     (type, from, to) along the path; edges keep their stored direction;
//     no path within MaxHops is an empty answer; From == To and MaxHops
//     outside 1..6 are CodeInvalidInput; a missing endpoint CodeNotFound.
//   - Projection: "the segments" are the chain's segments plus the segments
//     FEEDS-linked to them (either direction); required fields and
//     OPERATES_IN / SERVES actors are taken over all of those segments;
//     SERVES the chain means the projected chain only. A missing chain (or
//     an id of another kind) is CodeNotFound.
package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"chainkg/graph"
)

// Run runs the conformance suite. open must return a fresh, empty, migrated
// store for each subtest (and arrange its cleanup).
func Run(t *testing.T, open func(t *testing.T) graph.Store) {
	groups := []struct {
		name  string
		tests []subtest
	}{
		{"Write", writeTests},
		{"Read", readTests},
		{"Graph", graphTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					s := open(t)
					tc.fn(t, s)
				})
			}
		})
	}
}

type subtest struct {
	name string
	fn   func(t *testing.T, s graph.Store)
}

var bg = context.Background()

var writeTests = []subtest{
	{"Lifecycle", testLifecycle},
	{"UpsertNodeCounts", testUpsertNodeCounts},
	{"ReplaceAll", testReplaceAll},
	{"KindConflict", testKindConflict},
	{"RefuseOutsideVocabulary", testRefuseVocabulary},
	{"UpsertEdgeCounts", testUpsertEdgeCounts},
	{"EdgeMissingEndpoint", testEdgeMissingEndpoint},
	{"EdgeWrongEndpointKinds", testEdgeWrongKinds},
	{"RemoveEdge", testRemoveEdge},
	{"GetNodes", testGetNodes},
	{"Stats", testStats},
	{"Revision", testRevision},
	{"PropertyTypes", testPropertyTypes},
	{"DeadlinePassed", testDeadline},
	{"DuplicatesInBatch", testDuplicatesInBatch},
}

func testLifecycle(t *testing.T, s graph.Store) {
	if err := s.Migrate(bg); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	if err := s.Ping(bg); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	st, err := s.Stats(bg)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "empty stats", tidyStats(st), graph.Stats{ByKind: []graph.KindCount{}, ByType: []graph.KindCount{}})
}

func countKinds(nodes []graph.Node) map[string]int {
	m := map[string]int{}
	for _, n := range nodes {
		m[string(n.Kind)]++
	}
	return m
}

func countTypes(edges []graph.Edge) map[string]int {
	m := map[string]int{}
	for _, e := range edges {
		m[string(e.Type)]++
	}
	return m
}

func testUpsertNodeCounts(t *testing.T, s graph.Store) {
	nodes, _ := Fixture()
	ws, err := s.UpsertNodes(bg, nodes)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "first upsert", tidyWrite(ws), graph.WriteStats{Created: countKinds(nodes), Updated: map[string]int{}, Unchanged: map[string]int{}})
	ws, err = s.UpsertNodes(bg, nodes)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "identical re-upsert", tidyWrite(ws), graph.WriteStats{Created: map[string]int{}, Updated: map[string]int{}, Unchanged: countKinds(nodes)})

	// Change one enterprise and one segment; add one lab.
	changed := slices.Clone(nodes)
	var batch []graph.Node
	for _, n := range changed {
		switch n.ID {
		case "ent:moxing":
			n.Props = clone(n.Props)
			n.Props["employees"] = int64(301)
		case "seg:ai-data":
			n.NameZh = "数据与标注"
		case "uni:fudan", "ent:zhixin":
		default:
			continue
		}
		batch = append(batch, n)
	}
	batch = append(batch, graph.Node{ID: "lab:new", Kind: graph.KindLab, Name: "New Lab", Prov: syn("")})
	ws, err = s.UpsertNodes(bg, batch)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "mixed upsert", tidyWrite(ws), graph.WriteStats{
		Created:   map[string]int{"Lab": 1},
		Updated:   map[string]int{"Enterprise": 1, "Segment": 1},
		Unchanged: map[string]int{"University": 1, "Enterprise": 1},
	})
	got, err := s.GetNodes(bg, []string{"ent:moxing", "seg:ai-data"})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "updated nodes", tidyNodes(got), []graph.Node{Canon(find(batch, "ent:moxing")), Canon(find(batch, "seg:ai-data"))})
}

// find returns the node with this id from a list (the zero Node if absent).
func find(nodes []graph.Node, id string) graph.Node {
	for _, n := range nodes {
		if n.ID == id {
			return n
		}
	}
	return graph.Node{}
}

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// testDeadline: every call made with a context whose deadline has passed
// fails with CodeTimeout, and the writes change nothing.
func testDeadline(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	Load(t, s, nodes[:10], nil)
	r0 := rev(t, s)
	ctx, cancel := context.WithDeadline(bg, time.Now().Add(-time.Second))
	defer cancel()
	calls := map[string]func() error{
		"UpsertNodes": func() error { _, err := s.UpsertNodes(ctx, nodes); return err },
		"UpsertEdges": func() error { _, err := s.UpsertEdges(ctx, edges[:3]); return err },
		"GetNodes":    func() error { _, err := s.GetNodes(ctx, []string{"chain:ai"}); return err },
		"Read":        func() error { _, err := s.Read(ctx, graph.Query{Kind: graph.KindChain, First: 5}); return err },
		"Search":      func() error { _, err := s.Search(ctx, graph.SearchQuery{Text: "ai", First: 5}); return err },
		"Neighborhood": func() error {
			_, err := s.Neighborhood(ctx, graph.NeighborhoodQuery{ID: "chain:ai", Depth: 1, Limit: 5})
			return err
		},
		"Paths": func() error {
			_, err := s.Paths(ctx, graph.PathQuery{From: "chain:ai", To: "chain:h2", MaxHops: 2, Limit: 5})
			return err
		},
		"Projection": func() error { _, err := s.Projection(ctx, "chain:ai"); return err },
	}
	for _, name := range graph.SortedKeys(calls) {
		if got := graph.CodeOf(calls[name]()); got != graph.CodeTimeout {
			t.Errorf("%s with a passed deadline: code %q, want %s", name, got, graph.CodeTimeout)
		}
	}
	if r := rev(t, s); r != r0 {
		t.Errorf("revision moved from %d to %d", r0, r)
	}
	if st := stats(t, s); st.Nodes != 10 || st.Edges != 0 {
		t.Errorf("writes with a passed deadline changed the graph: %+v", st)
	}
}

// testDuplicatesInBatch: when one batch holds the same node or edge twice,
// the last occurrence is what the store keeps. (The counts for such a
// batch are not pinned down.)
func testDuplicatesInBatch(t *testing.T, s graph.Store) {
	a1 := graph.Node{ID: "ent:dup", Kind: graph.KindEnterprise, Name: "First", Props: map[string]any{"tier": "SME", "founded": int64(2000)}, Prov: syn("")}
	a2 := graph.Node{ID: "ent:dup", Kind: graph.KindEnterprise, Name: "Second", Props: map[string]any{"tier": "LEADER"}, Prov: syn("2024-01-01")}
	b := graph.Node{ID: "ent:other", Kind: graph.KindEnterprise, Name: "Other", Prov: syn("")}
	if _, err := s.UpsertNodes(bg, []graph.Node{a1, b, a2}); err != nil {
		t.Fatal(err)
	}
	same(t, "node", get(t, s, "ent:dup"), []graph.Node{Canon(a2)})
	e1 := graph.Edge{Type: graph.RelSupplies, From: "ent:dup", To: "ent:other", Props: map[string]any{"product": "x"}, Prov: syn("")}
	e2 := graph.Edge{Type: graph.RelSupplies, From: "ent:dup", To: "ent:other", Props: map[string]any{"volume": 2.0}, Prov: syn("")}
	if _, err := s.UpsertEdges(bg, []graph.Edge{e1, e2}); err != nil {
		t.Fatal(err)
	}
	same(t, "edge", edgeOf(t, s, e1.Key()), ptr(CanonEdge(e2)))
	if st := stats(t, s); st.Nodes != 2 || st.Edges != 1 {
		t.Errorf("stats %+v, want 2 nodes and 1 edge", st)
	}
}
