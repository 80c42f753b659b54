package memstore_test

import (
	"context"
	"fmt"

	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/graph/storetest"
)

// Load the shared fixture and read a chain with its segments, in order,
// and the local enterprises operating in each.
func Example() {
	ctx := context.Background()
	s := memstore.New()
	defer s.Close(ctx)
	nodes, edges := storetest.Fixture()
	if _, err := s.UpsertNodes(ctx, nodes); err != nil {
		panic(err)
	}
	if _, err := s.UpsertEdges(ctx, edges); err != nil {
		panic(err)
	}
	page, err := s.Read(ctx, graph.Query{IDs: []string{"chain:ai"}, Rels: []graph.RelQuery{{
		Key: "segments", Type: graph.RelHasSegment, Dir: graph.Out,
		Query: graph.Query{Kind: graph.KindSegment, OrderBy: &graph.Order{Field: "order"}, First: 10, Rels: []graph.RelQuery{{
			Key: "local", Type: graph.RelOperatesIn, Dir: graph.In,
			Query: graph.Query{Kind: graph.KindEnterprise, Where: []graph.Cond{{Field: "region", Op: graph.OpEq, Value: "Yangpu"}}, First: 5},
		}}},
	}}})
	if err != nil {
		panic(err)
	}
	chain := page.Items[0]
	fmt.Println(chain.Node.NameZh)
	for _, seg := range chain.Rels["segments"].Items {
		fmt.Printf("%d %s:", seg.Node.Props["order"], seg.Node.NameZh)
		for _, e := range seg.Rels["local"].Items {
			fmt.Printf(" %s (%s)", e.Node.NameZh, e.Edge.Props["role"])
		}
		fmt.Println()
	}
	// Output:
	// 人工智能
	// 1 算力芯片: 智芯微电子 (AI accelerator chips)
	// 2 数据服务:
	// 3 大模型: 模型智能 (vertical large models)
	// 4 智能应用: 深蓝医疗智能 (diagnosis assistant)
}

// Search follows graph.SearchRules: Chinese substrings need no word
// segmentation, and an exact or prefix match ranks first.
func ExampleStore_Search() {
	ctx := context.Background()
	s := memstore.New()
	nodes, edges := storetest.Fixture()
	storetestLoad(s, nodes, edges)
	hits, err := s.Search(ctx, graph.SearchQuery{Text: "复旦", First: 5})
	if err != nil {
		panic(err)
	}
	for _, h := range hits {
		fmt.Println(h.Score, h.Node.ID, h.Node.NameZh)
	}
	// Output:
	// 2 lab:fudan-ai 复旦人工智能实验室
	// 2 uni:fudan 复旦大学
}

// Paths finds every shortest path, in either direction: here the two ways
// a lab's result reached a start-up.
func ExampleStore_Paths() {
	ctx := context.Background()
	s := memstore.New()
	nodes, edges := storetest.Fixture()
	storetestLoad(s, nodes, edges)
	paths, err := s.Paths(ctx, graph.PathQuery{From: "lab:fudan-ai", To: "ent:shenlan", MaxHops: 4, Limit: 10})
	if err != nil {
		panic(err)
	}
	for _, p := range paths {
		fmt.Print(p.Nodes[0].ID)
		for i, e := range p.Edges {
			fmt.Printf(" -%s- %s", e.Type, p.Nodes[i+1].ID)
		}
		fmt.Println()
	}
	// Output:
	// lab:fudan-ai -PRODUCED- ach:med-imaging -TRANSFERRED_TO- ent:shenlan
	// lab:fudan-ai -COOPERATES_WITH- ent:moxing -COOPERATES_WITH- ent:shenlan
}

func storetestLoad(s graph.Store, nodes []graph.Node, edges []graph.Edge) {
	ctx := context.Background()
	if _, err := s.UpsertNodes(ctx, nodes); err != nil {
		panic(err)
	}
	if _, err := s.UpsertEdges(ctx, edges); err != nil {
		panic(err)
	}
}
