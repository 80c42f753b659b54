package storetest

import (
	"slices"
	"strings"
	"testing"

	"chainkg/graph"
)

func rev(t testing.TB, s graph.Store) int64 {
	t.Helper()
	r, err := s.Revision(bg)
	if err != nil {
		t.Fatalf("Revision: %v", err)
	}
	return r
}

func stats(t testing.TB, s graph.Store) graph.Stats {
	t.Helper()
	st, err := s.Stats(bg)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return tidyStats(st)
}

func get(t testing.TB, s graph.Store, ids ...string) []graph.Node {
	t.Helper()
	ns, err := s.GetNodes(bg, ids)
	if err != nil {
		t.Fatalf("GetNodes: %v", err)
	}
	return tidyNodes(ns)
}

// edgeOf reads one edge back through Read (the edge attached to a relation item).
func edgeOf(t testing.TB, s graph.Store, k graph.EdgeKey) *graph.Edge {
	t.Helper()
	p, err := s.Read(bg, graph.Query{IDs: []string{k.From}, Rels: []graph.RelQuery{{Key: "r", Type: k.Type, Dir: graph.Out, Query: graph.Query{First: graph.MaxPageSize}}}})
	if err != nil {
		t.Fatalf("Read edge %s: %v", k, err)
	}
	if len(p.Items) != 1 {
		return nil
	}
	for _, it := range p.Items[0].Rels["r"].Items {
		if it.Node.ID == k.To {
			e := tidyEdge(*it.Edge)
			return &e
		}
	}
	return nil
}

// testReplaceAll: an upsert replaces every property; what the new version
// omits is gone (kind properties, nameZh, aliases, provenance fields).
func testReplaceAll(t *testing.T, s graph.Store) {
	full := graph.Node{ID: "ent:x", Kind: graph.KindEnterprise, Name: "X Corp", NameZh: "某公司", Aliases: []string{"X", "某"},
		Props: map[string]any{"region": "Yangpu", "tier": "SME", "revenue": 12.5, "founded": int64(2001), "highTech": true},
		Prov:  graph.Provenance{Source: "test", AsOf: "2024-01-01", Confidence: 0.5, Evidence: "a quote", UpdatedBy: "alice", UpdatedAt: "2024-01-02T03:04:05Z"}}
	if _, err := s.UpsertNodes(bg, []graph.Node{full}); err != nil {
		t.Fatal(err)
	}
	same(t, "full node", get(t, s, "ent:x"), []graph.Node{Canon(full)})
	slim := graph.Node{ID: "ent:x", Kind: graph.KindEnterprise, Name: "X Corporation",
		Props: map[string]any{"tier": "TECH_SME"}, Prov: graph.Provenance{Source: "test2"}}
	ws, err := s.UpsertNodes(bg, []graph.Node{slim})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "counts", tidyWrite(ws), graph.WriteStats{Created: map[string]int{}, Updated: map[string]int{"Enterprise": 1}, Unchanged: map[string]int{}})
	same(t, "slim node", get(t, s, "ent:x"), []graph.Node{Canon(slim)})
	// A dropped property no longer matches a filter either.
	p, err := s.Read(bg, graph.Query{Kind: graph.KindEnterprise, Where: []graph.Cond{{Field: "region", Op: graph.OpEq, Value: "Yangpu"}}, First: 10})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "filter on dropped property", itemIDs(p), []string{})

	// Edges too.
	if _, err := s.UpsertNodes(bg, []graph.Node{{ID: "ent:y", Kind: graph.KindEnterprise, Name: "Y", Prov: syn("")}}); err != nil {
		t.Fatal(err)
	}
	e1 := graph.Edge{Type: graph.RelSupplies, From: "ent:x", To: "ent:y", Props: map[string]any{"product": "chips", "volume": 3.5},
		Prov: graph.Provenance{Source: "test", Confidence: 0.9, Evidence: "contract"}}
	if _, err := s.UpsertEdges(bg, []graph.Edge{e1}); err != nil {
		t.Fatal(err)
	}
	same(t, "full edge", edgeOf(t, s, e1.Key()), ptr(CanonEdge(e1)))
	e2 := graph.Edge{Type: graph.RelSupplies, From: "ent:x", To: "ent:y", Props: map[string]any{"volume": 4.0}, Prov: graph.Provenance{Source: "test"}}
	ws, err = s.UpsertEdges(bg, []graph.Edge{e2})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "edge counts", tidyWrite(ws), graph.WriteStats{Created: map[string]int{}, Updated: map[string]int{"SUPPLIES": 1}, Unchanged: map[string]int{}})
	same(t, "slim edge", edgeOf(t, s, e2.Key()), ptr(CanonEdge(e2)))
}

func ptr[T any](v T) *T { return &v }

// testKindConflict: an id is unique across kinds; a batch that would change
// a node's kind fails with CodeConflict and writes nothing.
func testKindConflict(t *testing.T, s graph.Store) {
	lab := graph.Node{ID: "x:1", Kind: graph.KindLab, Name: "Lab One", Prov: syn("")}
	if _, err := s.UpsertNodes(bg, []graph.Node{lab}); err != nil {
		t.Fatal(err)
	}
	r0 := rev(t, s)
	_, err := s.UpsertNodes(bg, []graph.Node{
		{ID: "x:2", Kind: graph.KindEnterprise, Name: "Fresh", Prov: syn("")},
		{ID: "x:1", Kind: graph.KindEnterprise, Name: "Lab One as firm", Prov: syn("")},
	})
	wantCode(t, "existing id, other kind", err, graph.CodeConflict)
	_, err = s.UpsertNodes(bg, []graph.Node{
		{ID: "x:3", Kind: graph.KindLab, Name: "A", Prov: syn("")},
		{ID: "x:3", Kind: graph.KindPlatform, Name: "A", Prov: syn("")},
	})
	wantCode(t, "one id, two kinds in a batch", err, graph.CodeConflict)
	same(t, "nothing written", get(t, s, "x:1", "x:2", "x:3"), []graph.Node{Canon(lab)})
	if r := rev(t, s); r != r0 {
		t.Errorf("revision moved from %d to %d on failed writes", r0, r)
	}
}

// testRefuseVocabulary: kinds, properties and value types outside the
// allowlist are CodeInvalidInput and the batch writes nothing.
func testRefuseVocabulary(t *testing.T, s graph.Store) {
	ok := graph.Node{ID: "ent:ok", Kind: graph.KindEnterprise, Name: "OK", Prov: syn("")}
	for _, bad := range []graph.Node{
		{ID: "zz:1", Kind: "Spaceship", Name: "Bad kind", Prov: syn("")},
		{ID: "ent:2", Kind: graph.KindEnterprise, Name: "Bad prop", Props: map[string]any{"colour": "red"}, Prov: syn("")},
		{ID: "ent:3", Kind: graph.KindEnterprise, Name: "Bad type", Props: map[string]any{"founded": "1999"}, Prov: syn("")},
		{ID: "ent:4", Kind: graph.KindEnterprise, Name: "Bad enum", Props: map[string]any{"tier": "GIANT"}, Prov: syn("")},
		{ID: "bad id", Kind: graph.KindEnterprise, Name: "Bad id", Prov: syn("")},
		{ID: "ent:5", Kind: graph.KindEnterprise, Name: "No source"},
	} {
		_, err := s.UpsertNodes(bg, []graph.Node{ok, bad})
		wantCode(t, "node "+bad.Name, err, graph.CodeInvalidInput)
	}
	if got := get(t, s, "ent:ok"); len(got) != 0 {
		t.Errorf("a refused batch wrote %v", nodeIDs(got))
	}
	if _, err := s.UpsertNodes(bg, []graph.Node{ok, {ID: "ent:b", Kind: graph.KindEnterprise, Name: "B", Prov: syn("")}}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []graph.Edge{
		{Type: "LIKES", From: "ent:ok", To: "ent:b", Prov: syn("")},
		{Type: graph.RelSupplies, From: "ent:ok", To: "ent:b", Props: map[string]any{"colour": "red"}, Prov: syn("")},
		{Type: graph.RelSupplies, From: "ent:ok", To: "ent:b", Props: map[string]any{"volume": "lots"}, Prov: syn("")},
	} {
		_, err := s.UpsertEdges(bg, []graph.Edge{bad})
		wantCode(t, "edge "+string(bad.Type), err, graph.CodeInvalidInput)
	}
	if st := stats(t, s); st.Edges != 0 {
		t.Errorf("refused edges were written: %+v", st)
	}
}

func testUpsertEdgeCounts(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	if _, err := s.UpsertNodes(bg, nodes); err != nil {
		t.Fatal(err)
	}
	ws, err := s.UpsertEdges(bg, edges)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "first upsert", tidyWrite(ws), graph.WriteStats{Created: countTypes(edges), Updated: map[string]int{}, Unchanged: map[string]int{}})
	ws, err = s.UpsertEdges(bg, edges)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "identical re-upsert", tidyWrite(ws), graph.WriteStats{Created: map[string]int{}, Updated: map[string]int{}, Unchanged: countTypes(edges)})
	var batch []graph.Edge
	for _, e := range edges {
		switch {
		case e.Type == graph.RelSupplies && e.From == "ent:zhixin":
			e.Props = map[string]any{"product": "AI accelerator", "volume": 13.0}
		case e.Type == graph.RelFeeds && e.From == "seg:ai-data":
			e.Prov.Confidence = 0.25
		case e.Type == graph.RelHasSegment && e.To == "seg:ai-data":
		default:
			continue
		}
		batch = append(batch, e)
	}
	batch = append(batch, graph.Edge{Type: graph.RelCooperates, From: "uni:fudan", To: "ent:zhixin", Prov: syn("")})
	ws, err = s.UpsertEdges(bg, batch)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "mixed upsert", tidyWrite(ws), graph.WriteStats{
		Created:   map[string]int{"COOPERATES_WITH": 1},
		Updated:   map[string]int{"SUPPLIES": 1, "FEEDS": 1},
		Unchanged: map[string]int{"HAS_SEGMENT": 1},
	})
	for _, e := range batch {
		same(t, "edge "+e.Key().String(), edgeOf(t, s, e.Key()), ptr(CanonEdge(e)))
	}
}

// testEdgeMissingEndpoint: one edge with a missing endpoint fails the whole
// batch with CodeNotFound; nothing is written.
func testEdgeMissingEndpoint(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	if _, err := s.UpsertNodes(bg, nodes); err != nil {
		t.Fatal(err)
	}
	r0 := rev(t, s)
	for _, bad := range []graph.Edge{
		{Type: graph.RelSupplies, From: "ent:zhixin", To: "ent:ghost", Prov: syn("")},
		{Type: graph.RelSupplies, From: "ent:ghost", To: "ent:zhixin", Prov: syn("")},
	} {
		_, err := s.UpsertEdges(bg, append(slices.Clone(edges[:5]), bad))
		wantCode(t, "missing endpoint "+bad.Key().String(), err, graph.CodeNotFound)
	}
	if st := stats(t, s); st.Edges != 0 {
		t.Errorf("a failed batch wrote %d edges", st.Edges)
	}
	if r := rev(t, s); r != r0 {
		t.Errorf("revision moved from %d to %d on failed writes", r0, r)
	}
}

// testEdgeWrongKinds: a relation between kinds it does not allow is
// CodeInvalidInput.
func testEdgeWrongKinds(t *testing.T, s graph.Store) {
	nodes, _ := Fixture()
	if _, err := s.UpsertNodes(bg, nodes); err != nil {
		t.Fatal(err)
	}
	_, err := s.UpsertEdges(bg, []graph.Edge{{Type: graph.RelOperatesIn, From: "uni:fudan", To: "seg:ai-data", Prov: syn("")}})
	wantCode(t, "University OPERATES_IN", err, graph.CodeInvalidInput)
	_, err = s.UpsertEdges(bg, []graph.Edge{{Type: graph.RelHasSegment, From: "seg:ai-data", To: "chain:ai", Prov: syn("")}})
	wantCode(t, "reversed HAS_SEGMENT", err, graph.CodeInvalidInput)
	if st := stats(t, s); st.Edges != 0 {
		t.Errorf("refused edges were written: %d", st.Edges)
	}
}

func testRemoveEdge(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	Load(t, s, nodes, edges)
	k := graph.EdgeKey{Type: graph.RelSupplies, From: "ent:zhixin", To: "ent:moxing"}
	r0 := rev(t, s)
	for _, missing := range []graph.EdgeKey{
		{Type: graph.RelSupplies, From: "ent:moxing", To: "ent:zhixin"}, // reversed
		{Type: graph.RelCooperates, From: "ent:zhixin", To: "ent:moxing"},
		{Type: graph.RelSupplies, From: "ent:ghost", To: "ent:moxing"},
	} {
		ok, err := s.RemoveEdge(bg, missing)
		if err != nil || ok {
			t.Errorf("RemoveEdge(%s) = %v, %v; want false, nil", missing, ok, err)
		}
	}
	if r := rev(t, s); r != r0 {
		t.Errorf("revision moved from %d to %d without a change", r0, r)
	}
	ok, err := s.RemoveEdge(bg, k)
	if err != nil || !ok {
		t.Fatalf("RemoveEdge(%s) = %v, %v; want true, nil", k, ok, err)
	}
	if r := rev(t, s); r <= r0 {
		t.Errorf("revision %d did not grow after a removal (was %d)", r, r0)
	}
	if ok, err := s.RemoveEdge(bg, k); err != nil || ok {
		t.Errorf("second RemoveEdge = %v, %v; want false, nil", ok, err)
	}
	st := stats(t, s)
	if st.Edges != int64(len(edges)-1) {
		t.Errorf("edges = %d, want %d", st.Edges, len(edges)-1)
	}
	if e := edgeOf(t, s, k); e != nil {
		t.Errorf("removed edge still readable: %+v", e)
	}
	// The other SUPPLIES edge into ent:moxing stays.
	if e := edgeOf(t, s, graph.EdgeKey{Type: graph.RelSupplies, From: "ent:shuju", To: "ent:moxing"}); e == nil {
		t.Errorf("RemoveEdge removed a sibling edge")
	}
	// Removing the only edge of a type drops its Stats row.
	if ok, err := s.RemoveEdge(bg, ek(graph.RelLeads, "leader:ai", "chain:ai")); err != nil || !ok {
		t.Fatalf("remove the LEADS edge: %v, %v", ok, err)
	}
	for _, row := range stats(t, s).ByType {
		if row.Kind == string(graph.RelLeads) {
			t.Errorf("a type without edges is still counted: %+v", row)
		}
	}
	// Re-adding creates it again.
	ws, err := s.UpsertEdges(bg, []graph.Edge{find2(edges, k)})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "re-add", tidyWrite(ws), graph.WriteStats{Created: map[string]int{"SUPPLIES": 1}, Updated: map[string]int{}, Unchanged: map[string]int{}})
}

func find2(edges []graph.Edge, k graph.EdgeKey) graph.Edge {
	for _, e := range edges {
		if e.Key() == k {
			return e
		}
	}
	return graph.Edge{}
}

// testGetNodes: the order asked, missing ids skipped.
func testGetNodes(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	Load(t, s, nodes, edges)
	want := []graph.Node{Canon(find(nodes, "uni:fudan")), Canon(find(nodes, "ent:moxing")), Canon(find(nodes, "chain:ai"))}
	same(t, "GetNodes", get(t, s, "uni:fudan", "nope", "ent:moxing", "chain:ai", "ent:ghost"), want)
	same(t, "GetNodes none", get(t, s), []graph.Node{})
	same(t, "GetNodes missing", get(t, s, "nope"), []graph.Node{})
	// Every fixture node round-trips exactly.
	var all []string
	var canon []graph.Node
	for _, n := range nodes {
		all = append(all, n.ID)
		canon = append(canon, Canon(n))
	}
	same(t, "every fixture node", get(t, s, all...), canon)
}

// testStats: totals, and counts sorted by kind / type with only non-zero rows.
func testStats(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	Load(t, s, nodes, edges)
	rows := func(m map[string]int) []graph.KindCount {
		out := []graph.KindCount{}
		for _, k := range graph.SortedKeys(m) {
			out = append(out, graph.KindCount{Kind: k, Count: int64(m[k])})
		}
		return out
	}
	want := graph.Stats{Nodes: int64(len(nodes)), Edges: int64(len(edges)), ByKind: rows(countKinds(nodes)), ByType: rows(countTypes(edges))}
	same(t, "stats", stats(t, s), want)
	if !slices.IsSortedFunc(want.ByKind, func(a, b graph.KindCount) int { return strings.Compare(a.Kind, b.Kind) }) {
		t.Fatal("test bug: rows unsorted")
	}
}

// testRevision: grows after each write that changes something; stays put
// after failed, empty and no-op writes.
func testRevision(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	steps := []struct {
		name    string
		do      func() error
		changes bool
	}{
		{"empty node batch", func() error { _, err := s.UpsertNodes(bg, nil); return err }, false},
		{"nodes", func() error { _, err := s.UpsertNodes(bg, nodes); return err }, true},
		{"same nodes", func() error { _, err := s.UpsertNodes(bg, nodes); return err }, false},
		{"empty edge batch", func() error { _, err := s.UpsertEdges(bg, nil); return err }, false},
		{"edges", func() error { _, err := s.UpsertEdges(bg, edges); return err }, true},
		{"same edges", func() error { _, err := s.UpsertEdges(bg, edges); return err }, false},
		{"failed edges", func() error {
			_, err := s.UpsertEdges(bg, []graph.Edge{{Type: graph.RelSupplies, From: "ent:zhixin", To: "ent:ghost", Prov: syn("")}})
			if err == nil {
				t.Error("edge to a missing node accepted")
			}
			return nil
		}, false},
		{"one changed node", func() error {
			n := find(nodes, "ent:shenlan")
			n.Props = clone(n.Props)
			n.Props["employees"] = int64(30)
			_, err := s.UpsertNodes(bg, []graph.Node{n})
			return err
		}, true},
		{"remove missing edge", func() error {
			_, err := s.RemoveEdge(bg, graph.EdgeKey{Type: graph.RelSupplies, From: "ent:shenlan", To: "ent:zhixin"})
			return err
		}, false},
		{"remove edge", func() error {
			_, err := s.RemoveEdge(bg, edges[0].Key())
			return err
		}, true},
	}
	prev := rev(t, s)
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		r := rev(t, s)
		if st.changes && r <= prev {
			t.Errorf("%s: revision %d did not grow (was %d)", st.name, r, prev)
		}
		if !st.changes && r != prev {
			t.Errorf("%s: revision moved from %d to %d", st.name, prev, r)
		}
		prev = r
	}
}

// testPropertyTypes: every property type and every provenance field
// round-trips with its Go type (int64, float64, bool, []string, dates as
// strings), on nodes and edges, including Chinese text and big integers.
func testPropertyTypes(t *testing.T, s graph.Store) {
	prov := graph.Provenance{Source: "国家统计局 export", AsOf: "2023-12-31", Confidence: 0.125, Evidence: "「引用」 line 3", UpdatedBy: "planner@yangpu", UpdatedAt: "2024-05-06T07:08:09Z"}
	ns := []graph.Node{
		{ID: "ent:types", Kind: graph.KindEnterprise, Name: "Types Co", NameZh: "类型公司", Aliases: []string{"TC", "类型"},
			Props: map[string]any{"region": "Yangpu", "tier": "SPECIALISED", "chainMaster": false, "highTech": true, "specialised": false,
				"founded": int64(1999), "employees": int64(9007199254740993), "revenue": 0.1, "rdIntensity": 1e-9},
			Prov: prov},
		{ID: "chal:types", Kind: graph.KindChallenge, Name: "Deadline", Props: map[string]any{"deadline": "2025-02-28", "status": "OPEN", "indicators": "≥ 99.9%"}, Prov: prov},
		{ID: "ent:neg", Kind: graph.KindEnterprise, Name: "Negative", Props: map[string]any{"founded": int64(-5), "revenue": -2.5, "employees": int64(0)}, Prov: graph.Provenance{Source: "x"}},
	}
	if _, err := s.UpsertNodes(bg, ns); err != nil {
		t.Fatal(err)
	}
	same(t, "nodes", get(t, s, "ent:types", "chal:types", "ent:neg"), []graph.Node{Canon(ns[0]), Canon(ns[1]), Canon(ns[2])})
	if _, err := s.UpsertNodes(bg, []graph.Node{{ID: "inc:types", Kind: graph.KindIncubator, Name: "Inc", Prov: prov}}); err != nil {
		t.Fatal(err)
	}
	es := []graph.Edge{
		{Type: graph.RelIncubates, From: "inc:types", To: "ent:types", Props: map[string]any{"since": int64(2021), "graduated": false}, Prov: prov},
		{Type: graph.RelSupplies, From: "ent:types", To: "ent:neg", Props: map[string]any{"product": "芯片", "volume": 1.5}, Prov: prov},
		{Type: graph.RelCooperates, From: "ent:neg", To: "ent:neg", Props: map[string]any{"since": int64(2020)}, Prov: graph.Provenance{Source: "self"}},
	}
	if _, err := s.UpsertEdges(bg, es); err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		same(t, "edge "+e.Key().String(), edgeOf(t, s, e.Key()), ptr(CanonEdge(e)))
	}
}
