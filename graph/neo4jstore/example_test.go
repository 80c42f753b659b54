package neo4jstore_test

import (
	"fmt"

	"chainkg/graph"
	"chainkg/graph/neo4jstore"
)

// Compile turns one GraphQL root field's IR into one Cypher statement with
// parameters; Store.Read runs it in one round trip.
func ExampleCompile() {
	c, err := neo4jstore.Compile(graph.Query{
		Kind: graph.KindEnterprise, First: 10,
		Where:   []graph.Cond{{Field: "region", Op: graph.OpEq, Value: "Yangpu"}},
		OrderBy: &graph.Order{Field: "revenue", Desc: true},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Cypher)
	fmt.Println(c.Params["p0"], c.Params["p1"])
	// Output:
	// RETURN COLLECT { MATCH (n0:`Enterprise`) WHERE n0.`region` = $p0 WITH n0 ORDER BY n0.`revenue` DESC, n0.id LIMIT $p1 RETURN {p: properties(n0), l: labels(n0)} AS item } AS items, -1 AS total
	// Yangpu 11
}
