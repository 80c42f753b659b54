package schema

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/graphql-go/graphql"

	"chainkg/graph/memstore"
	"chainkg/graph/storetest"
)

// A field added through chainFieldHooks appears on Chain, its resolver gets
// the chain id through chainIDOf, and it sits beside the generated fields.
func TestChainFieldHooks(t *testing.T) {
	saved := chainFieldHooks
	t.Cleanup(func() { chainFieldHooks = saved })
	chainFieldHooks = append(chainFieldHooks, func(d *Deps) graphql.Fields {
		return graphql.Fields{"hookedSegmentCount": {
			Type: graphql.Int,
			Resolve: func(p graphql.ResolveParams) (any, error) {
				id, ok := chainIDOf(p.Source)
				if !ok {
					return nil, nil
				}
				proj, err := d.Store.Projection(p.Context, id)
				if err != nil {
					return nil, err
				}
				n := 0
				for _, node := range proj.Nodes {
					if node.Kind == "Segment" && node.Facts.ChainID == id {
						n++
					}
				}
				return n, nil
			},
		}}
	})
	s := memstore.New()
	nodes, edges := storetest.Fixture()
	storetest.Load(t, s, nodes, edges)
	e, err := NewEngine(&Deps{Store: s}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	res := e.Do(context.Background(), Request{Query: `{ chain(id: "chain:ai") { id hookedSegmentCount segments { totalCount } } }`})
	b, _ := json.Marshal(res.Data)
	if len(res.Errors) > 0 || string(b) != `{"chain":{"id":"chain:ai","hookedSegmentCount":4,"segments":{"totalCount":4}}}` {
		t.Fatalf("%s %+v", b, res.Errors)
	}
	if _, ok := chainIDOf(&nodeSrc{}); ok {
		t.Error("chainIDOf accepted a non-chain")
	}
}

func TestChainFieldHookClash(t *testing.T) {
	saved := chainFieldHooks
	t.Cleanup(func() { chainFieldHooks = saved })
	chainFieldHooks = append(chainFieldHooks, func(*Deps) graphql.Fields {
		return graphql.Fields{"segments": {Type: graphql.Int}}
	})
	defer func() {
		if recover() == nil {
			t.Error("a hook redefining a generated field did not panic")
		}
	}()
	New(&Deps{Store: memstore.New()})
}
