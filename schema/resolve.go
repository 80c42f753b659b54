package schema

import (
	"context"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"chainkg/graph"
)

// Limits of the non-paged root fields.
const (
	MaxSearch            = 100
	DefaultNeighborhood  = 50
	MaxNeighborhood      = 200
	MaxNeighborhoodDepth = 3
	DefaultPaths         = 10
	MaxPaths             = 50
	DefaultMaxHops       = 4
	MaxHops              = 6
)

type resolvers struct {
	b *builder
	d *Deps
}

func (r *resolvers) queryFields() graphql.Fields {
	b := r.b
	idArg := graphql.FieldConfigArgument{"id": {Type: graphql.NewNonNull(graphql.ID)}}
	// Root fields are nullable so that an error stays local to its field.
	fields := graphql.Fields{
		"node": {Type: b.node, Args: idArg, Description: "the node with this id, of any kind",
			Resolve: func(p graphql.ResolveParams) (any, error) { return r.single(p, "") }},
		"nodes": {Type: graphql.NewList(b.node), Description: "the nodes with these ids, in order; null for unknown ids",
			Args:    graphql.FieldConfigArgument{"ids": {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(graphql.ID)))}},
			Resolve: r.nodes},
		"stats":        {Type: r.statsType(), Description: "size of the graph", Resolve: r.stats},
		"search":       r.searchField(),
		"neighborhood": r.neighborhoodField(),
		"paths":        r.pathsField(),
	}
	for _, k := range []graph.Kind{graph.KindChain, graph.KindSegment, graph.KindEnterprise} {
		k := k
		name := string(k)
		name = string(name[0]+'a'-'A') + name[1:]
		fields[name] = &graphql.Field{Type: b.objects[k], Args: idArg, Description: "the " + string(k) + " with this id",
			Resolve: func(p graphql.ResolveParams) (any, error) { return r.single(p, k) }}
	}
	for i := range graph.Kinds {
		spec := &graph.Kinds[i]
		k := spec.Kind
		fields[spec.Plural] = &graphql.Field{
			Type:        b.kindConn(k), // nullable: an error stays local to its root field
			Description: "every " + string(k) + " (" + spec.Doc + "), filtered, sorted and paged",
			Args:        b.connArgs(k),
			Resolve: func(p graphql.ResolveParams) (any, error) {
				w := newWalker(p.Info)
				q, err := w.connQuery(p.Info.FieldASTs, k, []graph.Kind{k}, string(k)+"Connection", string(k)+"Edge", p.Args)
				if err != nil {
					return nil, gqlErr(err)
				}
				pg, err := r.d.Store.Read(p.Context, q)
				if err != nil {
					return nil, gqlErr(err)
				}
				return &connSrc{page: pg}, nil
			},
		}
	}
	return fields
}

// single answers node(id) and chain/segment/enterprise(id) with one Read.
func (r *resolvers) single(p graphql.ResolveParams, k graph.Kind) (any, error) {
	id, _ := p.Args["id"].(string)
	if !graph.ValidID(id) {
		return nil, gqlErr(graph.Errorf(graph.CodeInvalidInput, "invalid id %q", id))
	}
	w := newWalker(p.Info)
	rels, err := w.nodeRels(p.Info.FieldASTs, kindsOf(k), "")
	if err != nil {
		return nil, gqlErr(err)
	}
	pg, err := r.d.Store.Read(p.Context, graph.Query{Kind: k, IDs: []string{id}, Rels: rels})
	if err != nil {
		return nil, gqlErr(err)
	}
	if len(pg.Items) == 0 {
		return nil, nil
	}
	it := pg.Items[0]
	return &nodeSrc{node: it.Node, rels: it.Rels}, nil
}

func (r *resolvers) nodes(p graphql.ResolveParams) (any, error) {
	raw, _ := p.Args["ids"].([]any)
	ids := make([]string, 0, len(raw))
	for _, v := range raw {
		id, _ := v.(string)
		if !graph.ValidID(id) {
			return nil, gqlErr(graph.Errorf(graph.CodeInvalidInput, "invalid id %q", id))
		}
		ids = append(ids, id)
	}
	if len(ids) > MaxFirst {
		return nil, gqlErr(graph.Errorf(graph.CodeLimit, "at most %d ids", MaxFirst))
	}
	out := make([]any, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	w := newWalker(p.Info)
	rels, err := w.nodeRels(p.Info.FieldASTs, allKinds, "")
	if err != nil {
		return nil, gqlErr(err)
	}
	pg, err := r.d.Store.Read(p.Context, graph.Query{IDs: ids, Rels: rels})
	if err != nil {
		return nil, gqlErr(err)
	}
	byID := make(map[string]*graph.Item, len(pg.Items))
	for i := range pg.Items {
		byID[pg.Items[i].Node.ID] = &pg.Items[i]
	}
	for i, id := range ids {
		if it, ok := byID[id]; ok {
			out[i] = &nodeSrc{node: it.Node, rels: it.Rels}
		}
	}
	return out, nil
}

func (r *resolvers) statsType() *graphql.Object {
	b := r.b
	counts := func(f func(graph.Stats) []graph.KindCount) graphql.FieldResolveFn {
		return func(p graphql.ResolveParams) (any, error) {
			s, _ := p.Source.(graph.Stats)
			out := make([]any, 0, len(f(s)))
			for _, c := range f(s) {
				out = append(out, map[string]any{"kind": c.Kind, "count": c.Count})
			}
			return out, nil
		}
	}
	list := graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(b.kindCount)))
	return graphql.NewObject(graphql.ObjectConfig{
		Name: "Stats",
		Fields: graphql.Fields{
			"nodes":  {Type: graphql.NewNonNull(graphql.Int), Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(graph.Stats).Nodes, nil }},
			"edges":  {Type: graphql.NewNonNull(graphql.Int), Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(graph.Stats).Edges, nil }},
			"byKind": {Type: list, Description: "nodes per kind", Resolve: counts(func(s graph.Stats) []graph.KindCount { return s.ByKind })},
			"byType": {Type: list, Description: "edges per relation type", Resolve: counts(func(s graph.Stats) []graph.KindCount { return s.ByType })},
		},
	})
}

func (r *resolvers) stats(p graphql.ResolveParams) (any, error) {
	s, err := r.d.Store.Stats(p.Context)
	if err != nil {
		return nil, gqlErr(err)
	}
	return s, nil
}

// nodeLookup resolves the nodes of search, neighborhood and paths: when
// their selection asks for relation fields, one extra Read by ids fetches
// them (the only root fields that take two store calls).
type nodeLookup map[string]map[string]*graph.Page

func (l nodeLookup) src(n graph.Node) *nodeSrc { return &nodeSrc{node: n, rels: l[n.ID]} }

// lookupRels collects the relation fields selected under the fields named
// nodeField of the objects typeName returned by a root field, and reads
// them for ids.
func (r *resolvers) lookupRels(ctx context.Context, info graphql.ResolveInfo, outer []string, ids []string) (nodeLookup, error) {
	w := newWalker(info)
	fields := info.FieldASTs
	for _, step := range outer {
		typeName, fieldName, _ := cut(step)
		fs := w.collect(selectionSets(fields), typeName, false)
		var next []*ast.Field
		for _, k := range fs.keys {
			if fs.fields[k][0].Name.Value == fieldName {
				next = append(next, fs.fields[k]...)
			}
		}
		fields = next
	}
	rels, err := w.nodeRels(fields, allKinds, "")
	if err != nil || len(rels) == 0 || len(ids) == 0 {
		return nil, err
	}
	pg, err := r.d.Store.Read(ctx, graph.Query{IDs: ids, Rels: rels})
	if err != nil {
		return nil, err
	}
	out := make(nodeLookup, len(pg.Items))
	for _, it := range pg.Items {
		out[it.Node.ID] = it.Rels
	}
	return out, nil
}

func cut(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func (r *resolvers) searchField() *graphql.Field {
	b := r.b
	hit := graphql.NewObject(graphql.ObjectConfig{
		Name:        "SearchHit",
		Description: "A search match. " + graph.SearchRules,
		Fields: graphql.Fields{
			"score": {Type: graphql.NewNonNull(graphql.Int), Description: "3 exact name, 2 prefix, 1 substring",
				Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*searchHit).hit.Score, nil }},
			"node": {Type: graphql.NewNonNull(b.node), Resolve: func(p graphql.ResolveParams) (any, error) {
				h := p.Source.(*searchHit)
				return h.lookup.src(h.hit.Node), nil
			}},
		},
	})
	return &graphql.Field{
		Type:        graphql.NewList(graphql.NewNonNull(hit)),
		Description: "find nodes by name, Chinese or English: " + graph.SearchRules,
		Args: graphql.FieldConfigArgument{
			"text":  {Type: graphql.NewNonNull(graphql.String)},
			"kinds": {Type: graphql.NewList(graphql.NewNonNull(b.kindEnum)), Description: "only these kinds"},
			"first": {Type: graphql.Int, DefaultValue: DefaultFirst, Description: "at most this many hits (1..100)"},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			q := graph.SearchQuery{Text: stringArg(p.Args, "text"), First: DefaultFirst}
			if n, ok := toInt(p.Args["first"]); ok {
				if n < 1 || n > MaxSearch {
					return nil, gqlErr(graph.Errorf(graph.CodeLimit, "first must be between 1 and %d", MaxSearch))
				}
				q.First = n
			}
			if ks, ok := p.Args["kinds"].([]any); ok {
				for _, k := range ks {
					s, _ := k.(string)
					q.Kinds = append(q.Kinds, graph.Kind(s))
				}
			}
			hits, err := r.d.Store.Search(p.Context, q)
			if err != nil {
				return nil, gqlErr(err)
			}
			ids := make([]string, len(hits))
			for i, h := range hits {
				ids[i] = h.Node.ID
			}
			lk, err := r.lookupRels(p.Context, p.Info, []string{"SearchHit.node"}, ids)
			if err != nil {
				return nil, gqlErr(err)
			}
			out := make([]any, len(hits))
			for i := range hits {
				out[i] = &searchHit{hit: hits[i], lookup: lk}
			}
			return out, nil
		},
	}
}

type searchHit struct {
	hit    graph.SearchHit
	lookup nodeLookup
}

type subgraphSrc struct {
	nodes  []graph.Node
	edges  []graph.Edge
	trunc  bool
	lookup nodeLookup
}

func (r *resolvers) subgraphFields(name, doc string, extra graphql.Fields) *graphql.Object {
	b := r.b
	fields := graphql.Fields{
		"nodes": {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(b.node))), Resolve: func(p graphql.ResolveParams) (any, error) {
			s := p.Source.(*subgraphSrc)
			out := make([]any, len(s.nodes))
			for i, n := range s.nodes {
				out[i] = s.lookup.src(n)
			}
			return out, nil
		}},
		"edges": {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(b.graphEdge))), Resolve: func(p graphql.ResolveParams) (any, error) {
			s := p.Source.(*subgraphSrc)
			out := make([]any, len(s.edges))
			for i, e := range s.edges {
				out[i] = e
			}
			return out, nil
		}},
	}
	for k, f := range extra {
		fields[k] = f
	}
	return graphql.NewObject(graphql.ObjectConfig{Name: name, Description: doc, Fields: fields})
}

func relTypes(args map[string]any) []graph.RelType {
	var out []graph.RelType
	if ts, ok := args["relationTypes"].([]any); ok {
		for _, t := range ts {
			s, _ := t.(string)
			out = append(out, graph.RelType(s))
		}
	}
	return out
}

func stringArg(args map[string]any, name string) string {
	s, _ := args[name].(string)
	return s
}

func intArg(args map[string]any, name string, def, lo, hi int) (int, error) {
	n := def
	if v, ok := args[name]; ok && v != nil {
		n, _ = toInt(v)
	}
	if n < lo || n > hi {
		return 0, graph.Errorf(graph.CodeLimit, "%s must be between %d and %d", name, lo, hi)
	}
	return n, nil
}

func (r *resolvers) neighborhoodField() *graphql.Field {
	sub := r.subgraphFields("Subgraph", "Nodes and the edges among them, ready for a graph view.", graphql.Fields{
		"truncated": {Type: graphql.NewNonNull(graphql.Boolean), Description: "limit cut nodes",
			Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*subgraphSrc).trunc, nil }},
	})
	return &graphql.Field{
		Type:        sub,
		Description: "the nodes within depth hops of a node (either direction) and the edges among them; null for an unknown id",
		Args: graphql.FieldConfigArgument{
			"id":            {Type: graphql.NewNonNull(graphql.ID)},
			"depth":         {Type: graphql.Int, DefaultValue: 1, Description: "1..3"},
			"relationTypes": {Type: graphql.NewList(graphql.NewNonNull(r.b.relEnum)), Description: "only these relation types"},
			"limit":         {Type: graphql.Int, DefaultValue: DefaultNeighborhood, Description: "at most this many nodes besides the center (1..200)"},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			q := graph.NeighborhoodQuery{ID: stringArg(p.Args, "id"), Types: relTypes(p.Args)}
			var err error
			if q.Depth, err = intArg(p.Args, "depth", 1, 1, MaxNeighborhoodDepth); err != nil {
				return nil, gqlErr(err)
			}
			if q.Limit, err = intArg(p.Args, "limit", DefaultNeighborhood, 1, MaxNeighborhood); err != nil {
				return nil, gqlErr(err)
			}
			if !graph.ValidID(q.ID) {
				return nil, gqlErr(graph.Errorf(graph.CodeInvalidInput, "invalid id %q", q.ID))
			}
			g, err := r.d.Store.Neighborhood(p.Context, q)
			if err != nil {
				if graph.CodeOf(err) == graph.CodeNotFound {
					return nil, nil
				}
				return nil, gqlErr(err)
			}
			if len(g.Nodes) == 0 {
				return nil, nil
			}
			ids := make([]string, len(g.Nodes))
			for i, n := range g.Nodes {
				ids[i] = n.ID
			}
			lk, err := r.lookupRels(p.Context, p.Info, []string{"Subgraph.nodes"}, ids)
			if err != nil {
				return nil, gqlErr(err)
			}
			return &subgraphSrc{nodes: g.Nodes, edges: g.Edges, trunc: g.Truncated, lookup: lk}, nil
		},
	}
}

func (r *resolvers) pathsField() *graphql.Field {
	path := r.subgraphFields("Path", "A path: nodes[i] -edges[i]- nodes[i+1] (edges keep their own direction).", graphql.Fields{
		"length": {Type: graphql.NewNonNull(graphql.Int), Description: "number of hops",
			Resolve: func(p graphql.ResolveParams) (any, error) { return len(p.Source.(*subgraphSrc).edges), nil }},
	})
	return &graphql.Field{
		Type:        graphql.NewList(graphql.NewNonNull(path)),
		Description: "the shortest paths between two nodes, following edges in either direction",
		Args: graphql.FieldConfigArgument{
			"from":          {Type: graphql.NewNonNull(graphql.ID)},
			"to":            {Type: graphql.NewNonNull(graphql.ID)},
			"maxHops":       {Type: graphql.Int, DefaultValue: DefaultMaxHops, Description: "1..6"},
			"relationTypes": {Type: graphql.NewList(graphql.NewNonNull(r.b.relEnum))},
			"limit":         {Type: graphql.Int, DefaultValue: DefaultPaths, Description: "at most this many paths (1..50)"},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			q := graph.PathQuery{From: stringArg(p.Args, "from"), To: stringArg(p.Args, "to"), Types: relTypes(p.Args)}
			var err error
			if q.MaxHops, err = intArg(p.Args, "maxHops", DefaultMaxHops, 1, MaxHops); err != nil {
				return nil, gqlErr(err)
			}
			if q.Limit, err = intArg(p.Args, "limit", DefaultPaths, 1, MaxPaths); err != nil {
				return nil, gqlErr(err)
			}
			for _, id := range []string{q.From, q.To} {
				if !graph.ValidID(id) {
					return nil, gqlErr(graph.Errorf(graph.CodeInvalidInput, "invalid id %q", id))
				}
			}
			paths, err := r.d.Store.Paths(p.Context, q)
			if err != nil {
				return nil, gqlErr(err)
			}
			var ids []string
			seen := map[string]bool{}
			for _, pt := range paths {
				for _, n := range pt.Nodes {
					if !seen[n.ID] {
						seen[n.ID] = true
						ids = append(ids, n.ID)
					}
				}
			}
			lk, err := r.lookupRels(p.Context, p.Info, []string{"Path.nodes"}, ids)
			if err != nil {
				return nil, gqlErr(err)
			}
			out := make([]any, len(paths))
			for i, pt := range paths {
				out[i] = &subgraphSrc{nodes: pt.Nodes, edges: pt.Edges, lookup: lk}
			}
			return out, nil
		},
	}
}
