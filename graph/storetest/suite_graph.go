package storetest

import (
	"fmt"
	"slices"
	"testing"

	"chainkg/graph"
)

var graphTests = []subtest{
	{"Search", testSearch},
	{"SearchGenerated", testSearchGenerated},
	{"SearchBadInput", testSearchBadInput},
	{"Neighborhood", testNeighborhood},
	{"Paths", testPaths},
	{"PathsParallelEdges", testPathsParallel},
	{"Projection", testProjection},
}

// searchOracle applies graph.SearchRules by brute force.
func searchOracle(nodes []graph.Node, q graph.SearchQuery) []graph.SearchHit {
	hits := []graph.SearchHit{}
	for _, n := range nodes {
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, n.Kind) {
			continue
		}
		if score, ok := graph.MatchSearch(n, q.Text); ok {
			hits = append(hits, graph.SearchHit{Node: Canon(n), Score: score})
		}
	}
	graph.SortHits(hits)
	if q.First > 0 && len(hits) > q.First {
		hits = hits[:q.First]
	}
	return hits
}

// testSearch: graph.SearchRules on the fixture: Chinese substrings without
// segmentation, several terms, aliases, case folding, kinds, ranking (3
// exact, 2 prefix, 1 substring; ties by name then id) and First.
func testSearch(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	Load(t, s, nodes, edges)
	type scored struct {
		id    string
		score int
	}
	for _, tc := range []struct {
		name string
		q    graph.SearchQuery
		want []scored
	}{
		{"Chinese prefix", graph.SearchQuery{Text: "复旦", First: 10}, []scored{{"lab:fudan-ai", 2}, {"uni:fudan", 2}}},
		{"alias exact beats prefix", graph.SearchQuery{Text: "fudan", First: 10}, []scored{{"uni:fudan", 3}, {"lab:fudan-ai", 2}}},
		{"case-insensitive exact", graph.SearchQuery{Text: "MOXING", First: 10}, []scored{{"ent:moxing", 3}}},
		{"Chinese substring, ties by name", graph.SearchQuery{Text: "智能", First: 20}, []scored{
			{"seg:ai-apps", 2}, {"leader:ai", 1}, {"cons:ai", 1}, {"chain:ai", 1}, {"lab:fudan-ai", 1}, {"ent:moxing", 1}, {"ent:shenlan", 1}, {"fund:yangpu-ai", 1}}},
		{"kinds", graph.SearchQuery{Text: "智能", Kinds: []graph.Kind{graph.KindEnterprise}, First: 20}, []scored{{"ent:moxing", 1}, {"ent:shenlan", 1}}},
		{"two kinds", graph.SearchQuery{Text: "fudan", Kinds: []graph.Kind{graph.KindLab, graph.KindUniversity}, First: 20}, []scored{{"uni:fudan", 3}, {"lab:fudan-ai", 2}}},
		{"first", graph.SearchQuery{Text: "智能", First: 2}, []scored{{"seg:ai-apps", 2}, {"leader:ai", 1}}},
		{"two terms", graph.SearchQuery{Text: "medical ai", First: 10}, []scored{{"ent:shenlan", 1}}},
		{"two terms, prefix ties by name", graph.SearchQuery{Text: "Large  Model", First: 10}, []scored{{"inc:large-model", 2}, {"seg:ai-models", 2}, {"chal:med-llm", 1}}},
		{"two Chinese terms", graph.SearchQuery{Text: "人工智能 基金", First: 10}, []scored{{"fund:yangpu-ai", 1}}},
		{"terms over different names", graph.SearchQuery{Text: "moxing 科技", First: 10}, []scored{{"ent:moxing", 1}}},
		{"alias prefix", graph.SearchQuery{Text: "ttc", First: 10}, []scored{{"plat:ttc-east", 2}}},
		{"exact name", graph.SearchQuery{Text: "fuel cells", First: 10}, []scored{{"seg:h2-fuelcell", 3}}},
		{"no match", graph.SearchQuery{Text: "nothing-here", First: 10}, nil},
		{"repeated kinds", graph.SearchQuery{Text: "fudan", Kinds: []graph.Kind{graph.KindLab, graph.KindLab, graph.KindUniversity}, First: 20}, []scored{{"uni:fudan", 3}, {"lab:fudan-ai", 2}}},
		{"first 0 means no limit", graph.SearchQuery{Text: "复旦"}, []scored{{"lab:fudan-ai", 2}, {"uni:fudan", 2}}},
		{"blank", graph.SearchQuery{Text: "  ", First: 10}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := []graph.SearchHit{}
			for _, w := range tc.want {
				want = append(want, graph.SearchHit{Node: Canon(find(nodes, w.id)), Score: w.score})
			}
			same(t, "test bug: oracle vs case", searchOracle(nodes, tc.q), want)
			got, err := s.Search(bg, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			same(t, "hits", tidyHits(got), want)
		})
	}
}

// testSearchGenerated compares Search with the rules on generated data
// (no aliases anywhere, some names without nameZh, many ties).
func testSearchGenerated(t *testing.T, s graph.Store) {
	nodes, edges := pagingData()
	Load(t, s, nodes, edges)
	for _, q := range []graph.SearchQuery{
		{Text: "firm 1", First: 100},
		{Text: "FIRM", First: 7},
		{Text: "企业", First: 100},
		{Text: "企业乙", First: 100},
		{Text: "乙 firm", First: 100},
		{Text: "segment", First: 100},
		{Text: "企业", Kinds: []graph.Kind{graph.KindSegment}, First: 100},
	} {
		got, err := s.Search(bg, q)
		if err != nil {
			t.Fatal(err)
		}
		same(t, fmt.Sprintf("search %+v", q), tidyHits(got), searchOracle(nodes, q))
	}
}

func testSearchBadInput(t *testing.T, s graph.Store) {
	_, err := s.Search(bg, graph.SearchQuery{Text: "x", Kinds: []graph.Kind{"Spaceship"}, First: 5})
	wantCode(t, "unknown kind", err, graph.CodeInvalidInput)
}

// testNeighborhood: nodes within depth hops in either direction (over Types
// when set), every such edge among them, the nearest kept first (ties by id)
// when Limit cuts, Truncated then set.
func testNeighborhood(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	Load(t, s, nodes, edges)
	for _, tc := range []struct {
		name      string
		q         graph.NeighborhoodQuery
		want      []string
		truncated bool
	}{
		{"depth 1", graph.NeighborhoodQuery{ID: "seg:ai-models", Depth: 1, Limit: 50},
			[]string{"seg:ai-models", "chain:ai", "seg:ai-compute", "seg:ai-data", "seg:ai-apps", "seg:health-diagnosis", "tf:ml", "ent:moxing"}, false},
		{"depth 2 over FEEDS", graph.NeighborhoodQuery{ID: "seg:ai-compute", Depth: 2, Types: []graph.RelType{graph.RelFeeds}, Limit: 50},
			[]string{"seg:ai-compute", "seg:ai-models", "seg:ai-data", "seg:ai-apps", "seg:health-diagnosis"}, false},
		{"limit cuts the far ring by id", graph.NeighborhoodQuery{ID: "seg:ai-compute", Depth: 2, Types: []graph.RelType{graph.RelFeeds}, Limit: 2},
			[]string{"seg:ai-compute", "seg:ai-models", "seg:ai-apps"}, true},
		{"limit exactly reached", graph.NeighborhoodQuery{ID: "seg:ai-compute", Depth: 2, Types: []graph.RelType{graph.RelFeeds}, Limit: 4},
			[]string{"seg:ai-compute", "seg:ai-models", "seg:ai-data", "seg:ai-apps", "seg:health-diagnosis"}, false},
		{"two types", graph.NeighborhoodQuery{ID: "ent:moxing", Depth: 1, Types: []graph.RelType{graph.RelSupplies, graph.RelCooperates}, Limit: 50},
			[]string{"ent:moxing", "ent:zhixin", "ent:shuju", "lab:fudan-ai", "ent:shenlan"}, false},
		{"limit keeps the nearest", graph.NeighborhoodQuery{ID: "ach:med-imaging", Depth: 3, Limit: 5},
			[]string{"ach:med-imaging", "lab:fudan-ai", "tf:medical-imaging", "plat:valuation", "poc:tongji", "ent:shenlan"}, true},
		{"limit 0 means no limit", graph.NeighborhoodQuery{ID: "seg:ai-compute", Depth: 2, Types: []graph.RelType{graph.RelFeeds}},
			[]string{"seg:ai-compute", "seg:ai-models", "seg:ai-data", "seg:ai-apps", "seg:health-diagnosis"}, false},
		{"isolated by type", graph.NeighborhoodQuery{ID: "fund:yangpu-ai", Depth: 2, Types: []graph.RelType{graph.RelFeeds}, Limit: 5},
			[]string{"fund:yangpu-ai"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Neighborhood(bg, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			want := &graph.Subgraph{Nodes: pick(nodes, tc.want), Edges: among(edges, tc.want, tc.q.Types...), Truncated: tc.truncated}
			if want.Edges == nil {
				want.Edges = []graph.Edge{}
			}
			g := tidySubgraph(got)
			if g.Edges == nil {
				g.Edges = []graph.Edge{}
			}
			same(t, "subgraph", g, want)
		})
	}
	for _, tc := range []struct {
		name string
		q    graph.NeighborhoodQuery
		code graph.Code
	}{
		{"missing center", graph.NeighborhoodQuery{ID: "ent:ghost", Depth: 1, Limit: 5}, graph.CodeNotFound},
		{"depth 0", graph.NeighborhoodQuery{ID: "ent:moxing", Depth: 0, Limit: 5}, graph.CodeInvalidInput},
		{"depth 4", graph.NeighborhoodQuery{ID: "ent:moxing", Depth: 4, Limit: 5}, graph.CodeInvalidInput},
		{"unknown type", graph.NeighborhoodQuery{ID: "ent:moxing", Depth: 1, Types: []graph.RelType{"LIKES"}, Limit: 5}, graph.CodeInvalidInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Neighborhood(bg, tc.q)
			wantCode(t, tc.name, err, tc.code)
		})
	}
}

// path builds the expected path from node ids and edge keys.
func path(nodes []graph.Node, edges []graph.Edge, ids []string, keys ...graph.EdgeKey) graph.Path {
	p := graph.Path{}
	for _, id := range ids {
		p.Nodes = append(p.Nodes, Canon(find(nodes, id)))
	}
	for _, k := range keys {
		p.Edges = append(p.Edges, CanonEdge(find2(edges, k)))
	}
	return p
}

func ek(t graph.RelType, from, to string) graph.EdgeKey {
	return graph.EdgeKey{Type: t, From: from, To: to}
}

// testPaths: all shortest paths, either direction, sorted by node ids.
func testPaths(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	Load(t, s, nodes, edges)
	viaAch := path(nodes, edges, []string{"lab:fudan-ai", "ach:med-imaging", "ent:shenlan"},
		ek(graph.RelProduced, "lab:fudan-ai", "ach:med-imaging"), ek(graph.RelTransferredTo, "ach:med-imaging", "ent:shenlan"))
	viaMoxing := path(nodes, edges, []string{"lab:fudan-ai", "ent:moxing", "ent:shenlan"},
		ek(graph.RelCooperates, "lab:fudan-ai", "ent:moxing"), ek(graph.RelCooperates, "ent:moxing", "ent:shenlan"))
	back := []graph.Path{
		path(nodes, edges, []string{"ent:shenlan", "ach:med-imaging", "lab:fudan-ai"},
			ek(graph.RelTransferredTo, "ach:med-imaging", "ent:shenlan"), ek(graph.RelProduced, "lab:fudan-ai", "ach:med-imaging")),
		path(nodes, edges, []string{"ent:shenlan", "ent:moxing", "lab:fudan-ai"},
			ek(graph.RelCooperates, "ent:moxing", "ent:shenlan"), ek(graph.RelCooperates, "lab:fudan-ai", "ent:moxing")),
	}
	for _, tc := range []struct {
		name string
		q    graph.PathQuery
		want []graph.Path
	}{
		{"all shortest", graph.PathQuery{From: "lab:fudan-ai", To: "ent:shenlan", MaxHops: 4, Limit: 10}, []graph.Path{viaAch, viaMoxing}},
		{"against edge direction", graph.PathQuery{From: "ent:shenlan", To: "lab:fudan-ai", MaxHops: 4, Limit: 10}, back},
		{"types", graph.PathQuery{From: "lab:fudan-ai", To: "ent:shenlan", MaxHops: 4, Limit: 10, Types: []graph.RelType{graph.RelProduced, graph.RelTransferredTo}}, []graph.Path{viaAch}},
		{"limit", graph.PathQuery{From: "lab:fudan-ai", To: "ent:shenlan", MaxHops: 4, Limit: 1}, []graph.Path{viaAch}},
		{"limit 0 means all", graph.PathQuery{From: "lab:fudan-ai", To: "ent:shenlan", MaxHops: 4}, []graph.Path{viaAch, viaMoxing}},
		{"too far", graph.PathQuery{From: "lab:fudan-ai", To: "ent:shenlan", MaxHops: 1, Limit: 10}, []graph.Path{}},
		{"disconnected by type", graph.PathQuery{From: "ent:zhixin", To: "ent:shenlan", MaxHops: 6, Limit: 10, Types: []graph.RelType{graph.RelSupplies}}, []graph.Path{}},
		{"one hop", graph.PathQuery{From: "chain:ai", To: "seg:ai-data", MaxHops: 3, Limit: 10},
			[]graph.Path{path(nodes, edges, []string{"chain:ai", "seg:ai-data"}, ek(graph.RelHasSegment, "chain:ai", "seg:ai-data"))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Paths(bg, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			same(t, "paths", tidyPaths(got), tc.want)
		})
	}
	for _, tc := range []struct {
		name string
		q    graph.PathQuery
		code graph.Code
	}{
		{"missing from", graph.PathQuery{From: "ent:ghost", To: "ent:moxing", MaxHops: 3, Limit: 5}, graph.CodeNotFound},
		{"missing to", graph.PathQuery{From: "ent:moxing", To: "ent:ghost", MaxHops: 3, Limit: 5}, graph.CodeNotFound},
		{"same node", graph.PathQuery{From: "ent:moxing", To: "ent:moxing", MaxHops: 3, Limit: 5}, graph.CodeInvalidInput},
		{"maxHops 0", graph.PathQuery{From: "ent:moxing", To: "ent:zhixin", MaxHops: 0, Limit: 5}, graph.CodeInvalidInput},
		{"maxHops 7", graph.PathQuery{From: "ent:moxing", To: "ent:zhixin", MaxHops: 7, Limit: 5}, graph.CodeInvalidInput},
		{"unknown type", graph.PathQuery{From: "ent:moxing", To: "ent:zhixin", MaxHops: 2, Limit: 5, Types: []graph.RelType{"LIKES"}}, graph.CodeInvalidInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Paths(bg, tc.q)
			wantCode(t, tc.name, err, tc.code)
		})
	}
}

// testPathsParallel: paths over the same nodes through different edges are
// distinct and sort by their edge keys after their node ids.
func testPathsParallel(t *testing.T, s graph.Store) {
	var nodes []graph.Node
	for _, id := range []string{"ent:a", "ent:b", "ent:c", "ent:d"} {
		nodes = append(nodes, graph.Node{ID: id, Kind: graph.KindEnterprise, Name: id, Prov: syn("")})
	}
	edges := []graph.Edge{
		{Type: graph.RelCooperates, From: "ent:a", To: "ent:b", Prov: syn("")},
		{Type: graph.RelCooperates, From: "ent:b", To: "ent:a", Prov: syn("")},
		{Type: graph.RelSupplies, From: "ent:a", To: "ent:b", Prov: syn("")},
		{Type: graph.RelSupplies, From: "ent:b", To: "ent:c", Prov: syn("")},
		{Type: graph.RelSupplies, From: "ent:a", To: "ent:d", Prov: syn("")},
		{Type: graph.RelSupplies, From: "ent:c", To: "ent:d", Prov: syn("")},
	}
	Load(t, s, nodes, edges)
	got, err := s.Paths(bg, graph.PathQuery{From: "ent:a", To: "ent:b", MaxHops: 3, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "a-b", tidyPaths(got), []graph.Path{
		path(nodes, edges, []string{"ent:a", "ent:b"}, ek(graph.RelCooperates, "ent:a", "ent:b")),
		path(nodes, edges, []string{"ent:a", "ent:b"}, ek(graph.RelCooperates, "ent:b", "ent:a")),
		path(nodes, edges, []string{"ent:a", "ent:b"}, ek(graph.RelSupplies, "ent:a", "ent:b")),
	})
	got, err = s.Paths(bg, graph.PathQuery{From: "ent:a", To: "ent:c", MaxHops: 3, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "a-c", tidyPaths(got), []graph.Path{
		path(nodes, edges, []string{"ent:a", "ent:b", "ent:c"}, ek(graph.RelCooperates, "ent:a", "ent:b"), ek(graph.RelSupplies, "ent:b", "ent:c")),
		path(nodes, edges, []string{"ent:a", "ent:b", "ent:c"}, ek(graph.RelCooperates, "ent:b", "ent:a"), ek(graph.RelSupplies, "ent:b", "ent:c")),
		path(nodes, edges, []string{"ent:a", "ent:b", "ent:c"}, ek(graph.RelSupplies, "ent:a", "ent:b"), ek(graph.RelSupplies, "ent:b", "ent:c")),
		path(nodes, edges, []string{"ent:a", "ent:d", "ent:c"}, ek(graph.RelSupplies, "ent:a", "ent:d"), ek(graph.RelSupplies, "ent:c", "ent:d")),
	})
}

// testProjection: exactly the node set graph.Projection's doc comment lists
// (see the package comment for how the suite reads it), every edge among
// those nodes, sorted, with the current revision, each node and edge
// carrying exactly what a graph.Projection keeps (graph.NewProjection).
func testProjection(t *testing.T, s graph.Store) {
	nodes, edges := Fixture()
	Load(t, s, nodes, edges)
	for _, tc := range []struct {
		chain string
		want  []string
	}{
		{"chain:ai", []string{
			"chain:ai", "seg:ai-compute", "seg:ai-data", "seg:ai-models", "seg:ai-apps",
			"seg:health-diagnosis", "chain:health", // FEEDS-linked segment and its chain
			"tf:chip-design", "tf:ml", "tf:medical-imaging", // required by the segments
			"ent:zhixin", "ent:shuju", "ent:moxing", "ent:shenlan", // OPERATES_IN (zhixin also MASTERS)
			"uni:fudan", "lab:fudan-ai", "lab:math-institute", // RESEARCHES a required field
			"inc:large-model", "plat:brain-chip", "leader:ai", // SERVES the chain / a segment; LEADS
			"ach:med-imaging", "plat:valuation", "poc:tongji", // PRODUCED, VALUES, VALIDATES (TRANSFERRED_TO shenlan)
		}},
		{"chain:health", []string{
			"chain:health", "seg:health-materials", "seg:health-devices", "seg:health-diagnosis",
			"seg:ai-models", "chain:ai",
			"tf:biomaterials", "tf:medical-imaging", "tf:ml",
			"ent:kangcai", "ent:huayi", "ent:shenlan", "ent:moxing",
			"uni:fudan", "lab:fudan-ai", "lab:math-institute",
			"plat:ttc-east",
			"ach:med-imaging", "plat:valuation", "poc:tongji",
		}},
		{"chain:h2", []string{
			"chain:h2", "seg:h2-production", "seg:h2-storage", "seg:h2-fuelcell",
			"tf:electrocatalysis", "ent:qingneng", "ent:chuqing", "lab:tongji-h2", "uni:tongji",
			"poc:green", "ach:h2-catalyst",
		}},
	} {
		t.Run(tc.chain, func(t *testing.T) {
			got, err := s.Projection(bg, tc.chain)
			if err != nil {
				t.Fatal(err)
			}
			if err := got.Check(); err != nil {
				t.Fatal(err)
			}
			if got.ChainID != tc.chain || got.Revision != rev(t, s) {
				t.Errorf("projection of %s at revision %d, want %s at %d", got.ChainID, got.Revision, tc.chain, rev(t, s))
			}
			// Only what the analyses read, in the compact form
			// (graph.NewProjection builds it from the full records), then
			// compared as full records.
			want := graph.NewProjection(tc.chain, rev(t, s), pick(nodes, tc.want), among(edges, tc.want))
			same(t, "projection nodes", tidyNodes(got.FullNodes()), tidyNodes(want.FullNodes()))
			same(t, "projection edges", tidyEdges(got.FullEdges()), tidyEdges(want.FullEdges()))
		})
	}
	for _, id := range []string{"chain:ghost", "seg:ai-data"} {
		_, err := s.Projection(bg, id)
		wantCode(t, "projection of "+id, err, graph.CodeNotFound)
	}
	// The revision follows writes.
	before := rev(t, s)
	if _, err := s.RemoveEdge(bg, ek(graph.RelCooperates, "ent:moxing", "ent:shenlan")); err != nil {
		t.Fatal(err)
	}
	p, err := s.Projection(bg, "chain:ai")
	if err != nil {
		t.Fatal(err)
	}
	if p.Revision <= before || p.Revision != rev(t, s) {
		t.Errorf("projection revision %d after a write (before %d, now %d)", p.Revision, before, rev(t, s))
	}
}
