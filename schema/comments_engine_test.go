package schema_test

import (
	"context"
	"testing"

	"chainkg/graph/memstore"
	"chainkg/graph/storetest"
	"chainkg/schema"
)

// TestChineseComments: analysts write Chinese comments in GraphiQL; graphql-go
// v0.8.1 alone fails to parse a named operation after one.
func TestChineseComments(t *testing.T) {
	s := memstore.New()
	nodes, edges := storetest.Fixture()
	storetest.Load(t, s, nodes, edges)
	e, err := schema.NewEngine(&schema.Deps{Store: s}, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"# 补链：缺失环节\nquery Fill { stats { nodes } }",
		"query Fill { # 强链\n stats { nodes } } # 延链",
	} {
		res := e.Do(context.Background(), schema.Request{Query: q, OperationName: "Fill"})
		if len(res.Errors) > 0 || !res.HasData {
			t.Errorf("%q: %+v", q, res.Errors)
		}
	}
	// A syntax error after a Chinese comment still points at the right place.
	res := e.Do(context.Background(), schema.Request{Query: "# 补链\nquery { stats { nodes } "})
	if len(res.Errors) != 1 || len(res.Errors[0].Locations) != 1 || res.Errors[0].Locations[0].Line != 2 {
		t.Fatalf("parse error location: %+v", res.Errors)
	}
}
