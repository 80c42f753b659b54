package schema

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/graphql-go/graphql"

	"chainkg/graph"
)

// SourceAPI is the provenance source of mutations that do not name one.
const SourceAPI = "api"

// MaxMutationItems caps the nodes or edges of one mutation.
const MaxMutationItems = 1000

type callerKey struct{}

// WithCaller returns a context that carries the authenticated caller's
// name; mutations refuse contexts without one (UNAUTHENTICATED).
func WithCaller(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, callerKey{}, name)
}

func callerFrom(ctx context.Context) string {
	s, _ := ctx.Value(callerKey{}).(string)
	return s
}

func (r *resolvers) mutationFields() graphql.Fields {
	b := r.b
	b.provInput = graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "ProvenanceInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"source":     {Type: graphql.String, Description: `origin; "api" when omitted`},
			"asOf":       {Type: graphql.String, Description: "YYYY-MM-DD"},
			"confidence": {Type: graphql.Float, Description: "in [0,1]"},
			"evidence":   {Type: graphql.String},
		},
	})
	nodeInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "NodeInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"id":         {Type: graphql.NewNonNull(graphql.ID)},
			"kind":       {Type: graphql.NewNonNull(b.kindEnum)},
			"name":       {Type: graphql.NewNonNull(graphql.String)},
			"nameZh":     {Type: graphql.String},
			"aliases":    {Type: graphql.NewList(graphql.NewNonNull(graphql.String))},
			"props":      {Type: b.json, Description: "the kind's own properties, e.g. {tier: \"LEADER\", founded: 2015}"},
			"provenance": {Type: b.provInput},
		},
	})
	edgeInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "EdgeInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"type":       {Type: graphql.NewNonNull(b.relEnum)},
			"from":       {Type: graphql.NewNonNull(graphql.ID)},
			"to":         {Type: graphql.NewNonNull(graphql.ID)},
			"props":      {Type: b.json, Description: "the relation's own properties"},
			"provenance": {Type: b.provInput},
		},
	})
	list := graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(b.kindCount)))
	counts := func(f func(graph.WriteStats) map[string]int) graphql.FieldResolveFn {
		return func(p graphql.ResolveParams) (any, error) {
			m := f(p.Source.(graph.WriteStats))
			out := make([]any, 0, len(m))
			for _, k := range graph.SortedKeys(m) {
				if m[k] > 0 {
					out = append(out, map[string]any{"kind": k, "count": m[k]})
				}
			}
			return out, nil
		}
	}
	b.writeStats = graphql.NewObject(graphql.ObjectConfig{
		Name:        "WriteResult",
		Description: "What an upsert did, per kind or relation type.",
		Fields: graphql.Fields{
			"created":   {Type: list, Resolve: counts(func(s graph.WriteStats) map[string]int { return s.Created })},
			"updated":   {Type: list, Resolve: counts(func(s graph.WriteStats) map[string]int { return s.Updated })},
			"unchanged": {Type: list, Resolve: counts(func(s graph.WriteStats) map[string]int { return s.Unchanged })},
		},
	})
	return graphql.Fields{
		"upsertNodes": {
			Type:        graphql.NewNonNull(b.writeStats),
			Description: "create or replace nodes by id (needs a bearer token); validated like the loaders, stamped with who and when",
			Args:        graphql.FieldConfigArgument{"input": {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(nodeInput)))}},
			Resolve:     r.upsertNodes,
		},
		"upsertEdges": {
			Type:        graphql.NewNonNull(b.writeStats),
			Description: "create or replace edges by (type, from, to) (needs a bearer token); both endpoints must exist",
			Args:        graphql.FieldConfigArgument{"input": {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(edgeInput)))}},
			Resolve:     r.upsertEdges,
		},
		"removeEdge": {
			Type:        graphql.NewNonNull(graphql.Boolean),
			Description: "delete one edge (needs a bearer token); false if it did not exist",
			Args: graphql.FieldConfigArgument{
				"type": {Type: graphql.NewNonNull(b.relEnum)},
				"from": {Type: graphql.NewNonNull(graphql.ID)},
				"to":   {Type: graphql.NewNonNull(graphql.ID)},
			},
			Resolve: r.removeEdge,
		},
	}
}

func (r *resolvers) caller(ctx context.Context) (string, error) {
	c := callerFrom(ctx)
	if c == "" {
		return "", &codedError{code: graph.CodeUnauthenticated, msg: "mutations need a valid bearer token (Authorization: Bearer ...)"}
	}
	return c, nil
}

func (r *resolvers) stamp(in map[string]any, who string) graph.Provenance {
	pv := graph.Provenance{Source: SourceAPI, UpdatedBy: who, UpdatedAt: r.d.now().UTC().Format(time.RFC3339)}
	if m, ok := in["provenance"].(map[string]any); ok {
		if s, ok := m["source"].(string); ok && s != "" {
			pv.Source = s
		}
		pv.AsOf, _ = m["asOf"].(string)
		pv.Evidence, _ = m["evidence"].(string)
		switch c := m["confidence"].(type) {
		case float64:
			pv.Confidence = c
		case int:
			pv.Confidence = float64(c)
		}
	}
	return pv
}

// propValues converts JSON property values to the canonical types of their
// PropSpec (JSON numbers arrive as float64); unknown names are left for
// validation to report.
func propValues(raw any, lookup func(string) (graph.PropSpec, bool)) (map[string]any, error) {
	if raw == nil {
		return nil, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, graph.Errorf(graph.CodeInvalidInput, "props must be an object")
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if v == nil {
			continue
		}
		p, ok := lookup(k)
		if ok {
			v = canonical(p, v)
		}
		out[k] = v
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func canonical(p graph.PropSpec, v any) any {
	switch p.Type {
	case graph.TInt:
		switch x := v.(type) {
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return int64(x)
			}
		case int:
			return int64(x)
		}
	case graph.TFloat:
		if x, ok := v.(int); ok {
			return float64(x)
		}
	case graph.TStringList:
		return graph.Normalize(v)
	}
	return v
}

func inputs(p graphql.ResolveParams) ([]map[string]any, error) {
	raw, _ := p.Args["input"].([]any)
	if len(raw) > MaxMutationItems {
		return nil, graph.Errorf(graph.CodeLimit, "at most %d items per mutation", MaxMutationItems)
	}
	out := make([]map[string]any, 0, len(raw))
	for _, v := range raw {
		m, _ := v.(map[string]any)
		out = append(out, m)
	}
	return out, nil
}

func itemErr(i int, err error) error {
	return gqlErr(&graph.Error{Code: graph.CodeOf(err), Msg: fmt.Sprintf("input[%d]", i), Err: err})
}

func (r *resolvers) upsertNodes(p graphql.ResolveParams) (any, error) {
	who, err := r.caller(p.Context)
	if err != nil {
		return nil, err
	}
	in, err := inputs(p)
	if err != nil {
		return nil, gqlErr(err)
	}
	nodes := make([]graph.Node, 0, len(in))
	for i, m := range in {
		n := graph.Node{ID: stringArg(m, "id"), Kind: graph.Kind(stringArg(m, "kind")), Name: stringArg(m, "name"), NameZh: stringArg(m, "nameZh")}
		if as, ok := m["aliases"].([]any); ok {
			for _, a := range as {
				s, _ := a.(string)
				n.Aliases = append(n.Aliases, s)
			}
		}
		spec, ok := graph.LookupKind(n.Kind)
		if !ok {
			return nil, itemErr(i, graph.Errorf(graph.CodeInvalidInput, "unknown kind %q", n.Kind))
		}
		if n.Props, err = propValues(m["props"], spec.Prop); err != nil {
			return nil, itemErr(i, err)
		}
		n.Prov = r.stamp(m, who)
		if err := graph.ValidateNode(n); err != nil {
			return nil, itemErr(i, err)
		}
		nodes = append(nodes, n)
	}
	st, err := r.d.Store.UpsertNodes(p.Context, nodes)
	if err != nil {
		return nil, gqlErr(err)
	}
	return st, nil
}

func (r *resolvers) upsertEdges(p graphql.ResolveParams) (any, error) {
	who, err := r.caller(p.Context)
	if err != nil {
		return nil, err
	}
	in, err := inputs(p)
	if err != nil {
		return nil, gqlErr(err)
	}
	edges := make([]graph.Edge, 0, len(in))
	idSet := map[string]bool{}
	for i, m := range in {
		e := graph.Edge{Type: graph.RelType(stringArg(m, "type")), From: stringArg(m, "from"), To: stringArg(m, "to")}
		spec, ok := graph.LookupRel(e.Type)
		if !ok {
			return nil, itemErr(i, graph.Errorf(graph.CodeInvalidInput, "unknown relation type %q", e.Type))
		}
		if e.Props, err = propValues(m["props"], spec.Prop); err != nil {
			return nil, itemErr(i, err)
		}
		e.Prov = r.stamp(m, who)
		if err := graph.ValidateEdge(e); err != nil {
			return nil, itemErr(i, err)
		}
		idSet[e.From], idSet[e.To] = true, true
		edges = append(edges, e)
	}
	ids := make([]string, 0, len(idSet))
	for id := range idSet {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	found, err := r.d.Store.GetNodes(p.Context, ids)
	if err != nil {
		return nil, gqlErr(err)
	}
	kinds := make(map[string]graph.Kind, len(found))
	for _, n := range found {
		kinds[n.ID] = n.Kind
	}
	for i, e := range edges {
		for _, id := range []string{e.From, e.To} {
			if _, ok := kinds[id]; !ok {
				return nil, itemErr(i, graph.Errorf(graph.CodeNotFound, "no node with id %q", id))
			}
		}
		if err := graph.ValidateEndpoints(e, kinds[e.From], kinds[e.To]); err != nil {
			return nil, itemErr(i, err)
		}
	}
	st, err := r.d.Store.UpsertEdges(p.Context, edges)
	if err != nil {
		return nil, gqlErr(err)
	}
	return st, nil
}

func (r *resolvers) removeEdge(p graphql.ResolveParams) (any, error) {
	if _, err := r.caller(p.Context); err != nil {
		return nil, err
	}
	k := graph.EdgeKey{Type: graph.RelType(stringArg(p.Args, "type")), From: stringArg(p.Args, "from"), To: stringArg(p.Args, "to")}
	if !graph.ValidID(k.From) || !graph.ValidID(k.To) {
		return nil, gqlErr(graph.Errorf(graph.CodeInvalidInput, "invalid edge %s", k))
	}
	ok, err := r.d.Store.RemoveEdge(p.Context, k)
	if err != nil {
		return nil, gqlErr(err)
	}
	return ok, nil
}
