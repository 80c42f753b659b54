package storetest

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"chainkg/graph"
)

// Canon returns n as a store gives it back: the inverse of Flatten applied
// to Flatten, so empty optional values disappear exactly as a store drops
// them.
func Canon(n graph.Node) graph.Node {
	return tidyNode(graph.NodeFromProps(n.Kind, n.Flatten()))
}

// CanonEdge is Canon for edges.
func CanonEdge(e graph.Edge) graph.Edge {
	return tidyEdge(graph.EdgeFromProps(e.Type, e.From, e.To, e.Flatten()))
}

// The tidy functions make nil and empty slices and maps compare equal (JSON
// and GraphQL do not tell them apart); everything else is compared exactly,
// including Go value types (int64 is not float64).

func tidyNode(n graph.Node) graph.Node {
	if len(n.Props) == 0 {
		n.Props = nil
	}
	if len(n.Aliases) == 0 {
		n.Aliases = nil
	}
	return n
}

func tidyEdge(e graph.Edge) graph.Edge {
	if len(e.Props) == 0 {
		e.Props = nil
	}
	return e
}

func tidyNodes(ns []graph.Node) []graph.Node {
	out := make([]graph.Node, len(ns))
	for i, n := range ns {
		out[i] = tidyNode(n)
	}
	return out
}

func tidyEdges(es []graph.Edge) []graph.Edge {
	out := make([]graph.Edge, len(es))
	for i, e := range es {
		out[i] = tidyEdge(e)
	}
	return out
}

func tidyPage(p *graph.Page) *graph.Page {
	if p == nil {
		return nil
	}
	q := *p
	q.Items = make([]graph.Item, len(p.Items))
	for i, it := range p.Items {
		it.Node = tidyNode(it.Node)
		if it.Edge != nil {
			e := tidyEdge(*it.Edge)
			it.Edge = &e
		}
		if len(it.Rels) == 0 {
			it.Rels = nil
		} else {
			rels := make(map[string]*graph.Page, len(it.Rels))
			for k, v := range it.Rels {
				rels[k] = tidyPage(v)
			}
			it.Rels = rels
		}
		q.Items[i] = it
	}
	return &q
}

func tidyStats(s graph.Stats) graph.Stats {
	if s.ByKind == nil {
		s.ByKind = []graph.KindCount{}
	}
	if s.ByType == nil {
		s.ByType = []graph.KindCount{}
	}
	return s
}

// tidyWrite drops zero counts and makes the maps non-nil.
func tidyWrite(w graph.WriteStats) graph.WriteStats {
	clean := func(m map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range m {
			if v != 0 {
				out[k] = v
			}
		}
		return out
	}
	return graph.WriteStats{Created: clean(w.Created), Updated: clean(w.Updated), Unchanged: clean(w.Unchanged)}
}

func tidyPaths(ps []graph.Path) []graph.Path {
	out := make([]graph.Path, len(ps))
	for i, p := range ps {
		out[i] = graph.Path{Nodes: tidyNodes(p.Nodes), Edges: tidyEdges(p.Edges)}
	}
	return out
}

func tidySubgraph(g *graph.Subgraph) *graph.Subgraph {
	if g == nil {
		return nil
	}
	return &graph.Subgraph{Nodes: tidyNodes(g.Nodes), Edges: tidyEdges(g.Edges), Truncated: g.Truncated}
}

func tidyHits(hs []graph.SearchHit) []graph.SearchHit {
	out := make([]graph.SearchHit, len(hs))
	for i, h := range hs {
		out[i] = graph.SearchHit{Node: tidyNode(h.Node), Score: h.Score}
	}
	return out
}

// same fails the test when got and want differ (reflect.DeepEqual), printing
// both as JSON.
func same(t testing.TB, what string, got, want any) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	g, _ := json.MarshalIndent(got, "", "  ")
	w, _ := json.MarshalIndent(want, "", "  ")
	if string(g) == string(w) {
		t.Errorf("%s: values differ in Go types (e.g. int64 vs float64) but not in JSON:\n%s\ngot  %#v\nwant %#v", what, g, got, want)
		return
	}
	t.Errorf("%s:\ngot  %s\nwant %s", what, g, w)
}

// wantCode fails unless err carries the graph error code.
func wantCode(t testing.TB, what string, err error, code graph.Code) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want %s", what, code)
		return
	}
	var ge *graph.Error
	if !errors.As(err, &ge) {
		t.Errorf("%s: error %v is not a *graph.Error (want code %s)", what, err, code)
		return
	}
	if got := graph.CodeOf(err); got != code {
		t.Errorf("%s: code %s (%v), want %s", what, got, err, code)
	}
}

// ids lists the node ids of nodes, items or hits.
func ids[T any](list []T, id func(T) string) []string {
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, id(x))
	}
	return out
}

func nodeIDs(ns []graph.Node) []string { return ids(ns, func(n graph.Node) string { return n.ID }) }
func itemIDs(p *graph.Page) []string {
	if p == nil {
		return nil
	}
	return ids(p.Items, func(it graph.Item) string { return it.Node.ID })
}

// among returns the edges whose both endpoints are in set, sorted by key.
func among(edges []graph.Edge, set []string, types ...graph.RelType) []graph.Edge {
	in := map[string]bool{}
	for _, id := range set {
		in[id] = true
	}
	var out []graph.Edge
	for _, e := range edges {
		if in[e.From] && in[e.To] && (len(types) == 0 || slices.Contains(types, e.Type)) {
			out = append(out, CanonEdge(e))
		}
	}
	sortEdges(out)
	return out
}

func sortEdges(es []graph.Edge) {
	slices.SortFunc(es, func(a, b graph.Edge) int {
		if d := strings.Compare(string(a.Type), string(b.Type)); d != 0 {
			return d
		}
		if d := strings.Compare(a.From, b.From); d != 0 {
			return d
		}
		return strings.Compare(a.To, b.To)
	})
}

// pick returns the canonical fixture nodes with these ids, sorted by id.
func pick(nodes []graph.Node, set []string) []graph.Node {
	var out []graph.Node
	for _, n := range nodes {
		if slices.Contains(set, n.ID) {
			out = append(out, Canon(n))
		}
	}
	slices.SortFunc(out, func(a, b graph.Node) int { return strings.Compare(a.ID, b.ID) })
	return out
}
