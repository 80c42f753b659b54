package schema_test

import (
	"context"
	"encoding/json"
	"sort"
	"testing"

	"chainkg/graph/memstore"
	"chainkg/schema"
)

// TestIntrospectionArgsSorted: arguments come out in name order, the same on
// every start (graphql-go builds them from a map).
func TestIntrospectionArgsSorted(t *testing.T) {
	e, err := schema.NewEngine(&schema.Deps{Store: memstore.New()}, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	res := e.Do(context.Background(), schema.Request{Query: `{ __type(name: "Query") { fields { name args { name } } } }`})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	raw, _ := json.Marshal(res.Data)
	var out struct {
		Type struct {
			Fields []struct {
				Name string
				Args []struct{ Name string }
			}
		} `json:"__type"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range out.Type.Fields {
		names := make([]string, len(f.Args))
		for i, a := range f.Args {
			names[i] = a.Name
		}
		if !sort.StringsAreSorted(names) {
			t.Errorf("%s: arguments %v not sorted", f.Name, names)
		}
		if len(names) > 1 {
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no field with several arguments")
	}
}
