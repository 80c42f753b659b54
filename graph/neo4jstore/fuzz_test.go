package neo4jstore

import (
	"encoding/json"
	"strings"
	"testing"

	"chainkg/graph"
)

// FuzzCompile feeds arbitrary query values (as JSON) to the compiler: it
// must never panic, and whatever it accepts must carry every value as a
// parameter (the statement holds no string literal).
func FuzzCompile(f *testing.F) {
	for _, q := range []graph.Query{
		dashboardQuery("chain:ai"),
		enterprisesPage(),
		{Kind: graph.KindLab, First: 3, After: graph.EncodeCursor(nil, "lab-2")},
		{IDs: []string{"a", "b"}, Where: []graph.Cond{{Field: "name", Op: graph.OpContains, Value: "x"}}},
	} {
		b, _ := json.Marshal(q)
		f.Add(b)
	}
	f.Add([]byte(`{"kind":"Enterprise","first":1,"orderBy":{"field":"name} RETURN 1 //"}}`))
	f.Add([]byte(`{"kind":"Enterprise","first":1,"rels":[{"key":"k","type":"SUPPLIES","dir":"OUT","query":{"kind":"Lab\u0060","first":1}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var q graph.Query
		if json.Unmarshal(data, &q) != nil {
			return
		}
		c, err := Compile(q)
		if err != nil {
			return
		}
		if strings.ContainsAny(c.Cypher, `'"`) {
			t.Fatalf("literal in statement: %s", c.Cypher)
		}
	})
}
