package storetest

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	"chainkg/graph"
)

// oracle answers read queries by brute force over a node and edge list, the
// plainest reading of graph.Query's doc comment. The suite compares stores
// with it on queries whose answers are too long to write by hand; the
// hand-written cases pin the rules themselves.
type oracle struct {
	nodes map[string]graph.Node
	order []string // ids, sorted
	edges []graph.Edge
}

func newOracle(nodes []graph.Node, edges []graph.Edge) *oracle {
	o := &oracle{nodes: map[string]graph.Node{}}
	for _, n := range nodes {
		o.nodes[n.ID] = Canon(n)
	}
	for id := range o.nodes {
		o.order = append(o.order, id)
	}
	sort.Strings(o.order)
	for _, e := range edges {
		o.edges = append(o.edges, CanonEdge(e))
	}
	return o
}

type hit struct {
	n graph.Node
	e *graph.Edge
}

func (o *oracle) read(q graph.Query) *graph.Page {
	if len(q.IDs) > 0 {
		p := &graph.Page{Items: []graph.Item{}, Total: -1}
		seen := map[string]bool{}
		for _, id := range q.IDs {
			n, ok := o.nodes[id]
			if !ok || seen[id] || !o.keep(n, q) {
				continue
			}
			seen[id] = true
			p.Items = append(p.Items, o.item(q, hit{n: n}))
		}
		if q.Total {
			p.Total = len(p.Items)
		}
		return p
	}
	var all []hit
	for _, id := range o.order {
		all = append(all, hit{n: o.nodes[id]})
	}
	return o.page(q, all)
}

func (o *oracle) keep(n graph.Node, q graph.Query) bool {
	if q.Kind != "" && n.Kind != q.Kind {
		return false
	}
	m := n.Flatten()
	for _, c := range q.Where {
		v, ok := m[c.Field]
		if !ok || !holds(v, c) {
			return false
		}
	}
	return true
}

func holds(v any, c graph.Cond) bool {
	switch c.Op {
	case graph.OpEq:
		return v == c.Value
	case graph.OpNe:
		return v != c.Value
	case graph.OpIn:
		return slices.Contains(c.Value.([]any), v)
	case graph.OpContains:
		return strings.Contains(graph.FoldText(v.(string)), graph.FoldText(c.Value.(string)))
	case graph.OpStartsWith:
		return strings.HasPrefix(graph.FoldText(v.(string)), graph.FoldText(c.Value.(string)))
	}
	d := cmpAny(v, c.Value)
	switch c.Op {
	case graph.OpGt:
		return d > 0
	case graph.OpGte:
		return d >= 0
	case graph.OpLt:
		return d < 0
	case graph.OpLte:
		return d <= 0
	}
	panic("unknown op " + c.Op)
}

func cmpAny(a, b any) int {
	switch x := a.(type) {
	case string:
		return strings.Compare(x, b.(string))
	case int64:
		return cmp.Compare(x, b.(int64))
	case float64:
		return cmp.Compare(x, b.(float64))
	case bool:
		y := b.(bool)
		if x == y {
			return 0
		}
		if y {
			return -1
		}
		return 1
	}
	panic("unordered value")
}

// key is an item's position in an order: (missing?, value, id).
type key struct {
	v  any
	ok bool
	id string
}

func (o *oracle) less(a, b key, desc bool) bool {
	if a.ok != b.ok {
		// A missing value sorts last ascending, first descending.
		return a.ok != desc
	}
	if a.ok {
		if d := cmpAny(a.v, b.v); d != 0 {
			return (d < 0) != desc
		}
	}
	return a.id < b.id
}

func keyOf(n graph.Node, ob *graph.Order) key {
	k := key{id: n.ID}
	if ob != nil {
		k.v, k.ok = n.Flatten()[ob.Field]
	}
	return k
}

func (o *oracle) page(q graph.Query, cands []hit) *graph.Page {
	var sel []hit
	for _, h := range cands {
		if o.keep(h.n, q) {
			sel = append(sel, h)
		}
	}
	desc := q.OrderBy != nil && q.OrderBy.Desc
	sort.SliceStable(sel, func(i, j int) bool {
		return o.less(keyOf(sel[i].n, q.OrderBy), keyOf(sel[j].n, q.OrderBy), desc)
	})
	p := &graph.Page{Items: []graph.Item{}, Total: -1, HasPrev: q.After != ""}
	if q.Total {
		p.Total = len(sel)
	}
	start := 0
	if q.After != "" {
		var spec graph.PropSpec
		if q.OrderBy != nil {
			ks, _ := graph.LookupKind(q.Kind)
			if ks != nil {
				spec, _ = ks.Prop(q.OrderBy.Field)
			} else {
				for _, ps := range append(append([]graph.PropSpec{}, graph.CommonNodeProps...), graph.ProvenanceProps...) {
					if ps.Name == q.OrderBy.Field {
						spec = ps
					}
				}
			}
		}
		v, id, err := graph.DecodeCursor(q.After, spec)
		if err != nil {
			panic(err)
		}
		cur := key{v: v, ok: v != nil, id: id}
		for start < len(sel) && !o.less(cur, keyOf(sel[start].n, q.OrderBy), desc) {
			start++
		}
	}
	sel = sel[start:]
	if len(sel) > q.First {
		sel, p.HasNext = sel[:q.First], true
	}
	for _, h := range sel {
		p.Items = append(p.Items, o.item(q, h))
	}
	return p
}

func (o *oracle) item(q graph.Query, h hit) graph.Item {
	k := keyOf(h.n, q.OrderBy)
	it := graph.Item{Node: h.n, Edge: h.e, Cursor: graph.EncodeCursor(k.v, h.n.ID)}
	if len(q.Rels) == 0 {
		return it
	}
	it.Rels = map[string]*graph.Page{}
	for _, r := range q.Rels {
		var cands []hit
		for _, e := range o.edges {
			if e.Type != r.Type {
				continue
			}
			e := e
			if r.Dir == graph.Out && e.From == h.n.ID {
				cands = append(cands, hit{n: o.nodes[e.To], e: &e})
			} else if r.Dir == graph.In && e.To == h.n.ID {
				cands = append(cands, hit{n: o.nodes[e.From], e: &e})
			}
		}
		it.Rels[r.Key] = o.page(r.Query, cands)
	}
	return it
}
