package storetest_test

import (
	"fmt"
	"slices"

	"chainkg/graph"
	"chainkg/graph/storetest"
)

// The fixture's chains and their segments, upstream to downstream.
func ExampleFixture() {
	nodes, edges := storetest.Fixture()
	byID := map[string]graph.Node{}
	for _, n := range nodes {
		byID[n.ID] = n
	}
	for _, n := range nodes {
		if n.Kind != graph.KindChain {
			continue
		}
		var segs []graph.Node
		for _, e := range edges {
			if e.Type == graph.RelHasSegment && e.From == n.ID {
				segs = append(segs, byID[e.To])
			}
		}
		slices.SortFunc(segs, func(a, b graph.Node) int { return int(a.Props["order"].(int64) - b.Props["order"].(int64)) })
		fmt.Print(n.NameZh, ":")
		for _, s := range segs {
			fmt.Print(" ", s.NameZh)
		}
		fmt.Println()
	}
	// Output:
	// 人工智能: 算力芯片 数据服务 大模型 智能应用
	// 生命健康: 生物医用材料 高端医疗器械 数字健康诊断
	// 氢能: 制氢 储运 燃料电池
}
