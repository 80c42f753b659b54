package memstore

import (
	"cmp"
	"container/heap"
	"context"
	"slices"
	"strings"

	"chainkg/graph"
)

// noEdge marks a candidate reached without an edge (root items).
const noEdge = ^uint32(0)

// cand is one node a query may return, with the edge that reached it
// (noEdge for root items) and that edge's ends.
type cand struct {
	n, e       uint32
	eFrom, eTo uint32
}

// ranked is a candidate with its sort value.
type ranked struct {
	cand
	v       any
	present bool
}

// reader holds what one Read needs while the read lock is held.
type reader struct {
	s     *Store
	ctx   context.Context
	steps int
}

func (r *reader) tick() error {
	r.steps++
	if r.steps&1023 == 0 {
		return ctxErr(r.ctx, "read")
	}
	return nil
}

// Read answers one read query by interpreting the IR over the indexes; see
// graph.Query for the semantics.
func (s *Store) Read(ctx context.Context, q graph.Query) (*graph.Page, error) {
	if err := graph.CheckQuery(q); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.begin(ctx, "read"); err != nil {
		return nil, err
	}
	r := &reader{s: s, ctx: ctx}
	if len(q.IDs) > 0 {
		return r.byIDs(q)
	}
	return r.page(q, nil, true)
}

// propSpec returns the spec of a property for a query's kind (or the common
// properties when the kind is not set).
func propSpec(k graph.Kind, field string) graph.PropSpec {
	if spec, ok := graph.LookupKind(k); ok {
		p, _ := spec.Prop(field)
		return p
	}
	for _, list := range [][]graph.PropSpec{graph.CommonNodeProps, graph.ProvenanceProps} {
		for _, p := range list {
			if p.Name == field {
				return p
			}
		}
	}
	return graph.PropSpec{}
}

// cond is a compiled condition.
type cond struct {
	field string
	key   int // interned key index, -1 for the id, -2 when no node has the key
	op    graph.Op
	value any
	fold  string
}

func (s *Store) compile(where []graph.Cond) []cond {
	out := make([]cond, len(where))
	for i, c := range where {
		out[i] = cond{field: c.Field, op: c.Op, value: graph.Normalize(c.Value), key: -2}
		if c.Field == graph.PropID {
			out[i].key = -1
		} else if k, ok := s.keyIdx[c.Field]; ok {
			out[i].key = int(k)
		}
		if s, ok := c.Value.(string); ok {
			out[i].fold = graph.FoldText(s)
		}
		if l, ok := c.Value.([]any); ok {
			vals := make([]any, len(l))
			for j, v := range l {
				vals[j] = graph.Normalize(v)
			}
			out[i].value = vals
		}
	}
	return out
}

func (r *reader) match(n uint32, kind graph.Kind, conds []cond) bool {
	if kind != "" && graph.Kinds[r.s.nodes[n].kind].Kind != kind {
		return false
	}
	for _, c := range conds {
		var v any
		var ok bool
		switch c.key {
		case -2:
		case -1:
			v, ok = r.s.nodes[n].id, true
		default:
			v, ok = r.s.findProp(&r.s.nodes[n], uint16(c.key))
		}
		if !ok || !test(v, c) {
			return false
		}
	}
	return true
}

func test(v any, c cond) bool {
	switch c.op {
	case graph.OpEq:
		return sameValue(v, c.value)
	case graph.OpNe:
		return !sameValue(v, c.value)
	case graph.OpIn:
		for _, x := range c.value.([]any) {
			if sameValue(v, x) {
				return true
			}
		}
		return false
	case graph.OpContains, graph.OpStartsWith:
		s, ok := v.(string)
		if !ok {
			return false
		}
		if c.op == graph.OpContains {
			return strings.Contains(graph.FoldText(s), c.fold)
		}
		return strings.HasPrefix(graph.FoldText(s), c.fold)
	case graph.OpGt, graph.OpGte, graph.OpLt, graph.OpLte:
		d, ok := compareValues(v, c.value)
		if !ok {
			return false
		}
		switch c.op {
		case graph.OpGt:
			return d > 0
		case graph.OpGte:
			return d >= 0
		case graph.OpLt:
			return d < 0
		}
		return d <= 0
	}
	return false
}

// compareValues orders two values of one type; false when they differ in type.
func compareValues(a, b any) (int, bool) {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return strings.Compare(x, y), ok
	case int64:
		y, ok := b.(int64)
		return cmp.Compare(x, y), ok
	case float64:
		y, ok := b.(float64)
		return cmp.Compare(x, y), ok
	case bool:
		y, ok := b.(bool)
		if !ok {
			return 0, false
		}
		switch {
		case x == y:
			return 0, true
		case !x:
			return -1, true
		}
		return 1, true
	}
	return 0, false
}

// order compares two ranked candidates in a query's order: the order value
// (missing last ascending, first descending), then id ascending.
type order struct {
	s    *Store
	desc bool
}

func (o order) cmp(a, b ranked) int {
	if d := o.cmpValue(a.v, a.present, b.v, b.present); d != 0 {
		return d
	}
	return cmp.Compare(o.s.rank[a.n], o.s.rank[b.n])
}

func (o order) cmpValue(a any, ap bool, b any, bp bool) int {
	switch {
	case !ap && !bp:
		return 0
	case !ap:
		if o.desc {
			return -1
		}
		return 1
	case !bp:
		if o.desc {
			return 1
		}
		return -1
	}
	d, _ := compareValues(a, b)
	if o.desc {
		return -d
	}
	return d
}

// afterCursor reports whether c sorts strictly after the cursor (v, id).
func (o order) afterCursor(c ranked, v any, id string) bool {
	if d := o.cmpValue(c.v, c.present, v, v != nil); d != 0 {
		return d > 0
	}
	return o.s.nodes[c.n].id > id
}

// maxHeap keeps the k smallest candidates seen (its top is the largest).
type maxHeap struct {
	items []ranked
	o     order
}

func (h *maxHeap) Len() int           { return len(h.items) }
func (h *maxHeap) Less(i, j int) bool { return h.o.cmp(h.items[i], h.items[j]) > 0 }
func (h *maxHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *maxHeap) Push(x any)         { h.items = append(h.items, x.(ranked)) }
func (h *maxHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// page selects, orders and pages candidates. With root set, the candidates
// are every node of q.Kind (cands is nil).
func (r *reader) page(q graph.Query, cands []cand, root bool) (*graph.Page, error) {
	s := r.s
	conds := s.compile(q.Where)
	o := order{s: s}
	var orderKey uint16
	hasOrderKey := false
	var spec graph.PropSpec
	if q.OrderBy != nil {
		o.desc = q.OrderBy.Desc
		spec = propSpec(q.Kind, q.OrderBy.Field)
		orderKey, hasOrderKey = s.keyIdx[q.OrderBy.Field]
	}
	var curV any
	var curID string
	if q.After != "" {
		v, id, err := graph.DecodeCursor(q.After, spec)
		if err != nil {
			return nil, err
		}
		curV, curID = v, id
	}
	value := func(n uint32) (any, bool) {
		if q.OrderBy == nil {
			return nil, false
		}
		if q.OrderBy.Field == graph.PropID {
			return s.nodes[n].id, true
		}
		if !hasOrderKey {
			return nil, false
		}
		return s.findProp(&s.nodes[n], orderKey)
	}
	if root {
		list := s.byKind[kindIndex[q.Kind]]
		if q.OrderBy == nil && !q.Total {
			return r.fastByID(q, list, conds, curID)
		}
		cands = make([]cand, len(list))
		for i, n := range list {
			cands[i] = cand{n: n, e: noEdge}
		}
	}
	total := 0
	h := &maxHeap{o: o}
	limit := q.First + 1
	for _, c := range cands {
		if err := r.tick(); err != nil {
			return nil, err
		}
		if !r.match(c.n, q.Kind, conds) {
			continue
		}
		total++
		v, ok := value(c.n)
		rc := ranked{cand: c, v: v, present: ok}
		if q.After != "" && !o.afterCursor(rc, curV, curID) {
			continue
		}
		if h.Len() < limit {
			heap.Push(h, rc)
		} else if o.cmp(rc, h.items[0]) < 0 {
			h.items[0] = rc
			heap.Fix(h, 0)
		}
	}
	sel := h.items
	slices.SortFunc(sel, o.cmp)
	p := &graph.Page{Items: []graph.Item{}, HasPrev: q.After != "", Total: -1}
	if q.Total {
		p.Total = total
	}
	if len(sel) > q.First {
		sel, p.HasNext = sel[:q.First], true
	}
	for _, c := range sel {
		it, err := r.item(q, c)
		if err != nil {
			return nil, err
		}
		p.Items = append(p.Items, it)
	}
	return p, nil
}

// fastByID pages a kind's id-sorted list directly: a binary search to the
// cursor, then the next First+1 matches.
func (r *reader) fastByID(q graph.Query, list []uint32, conds []cond, after string) (*graph.Page, error) {
	s := r.s
	start := 0
	if q.After != "" {
		start, _ = slices.BinarySearchFunc(list, after, func(n uint32, id string) int {
			return strings.Compare(s.nodes[n].id, id)
		})
		if start < len(list) && s.nodes[list[start]].id == after {
			start++
		}
	}
	p := &graph.Page{Items: []graph.Item{}, HasPrev: q.After != "", Total: -1}
	for _, n := range list[start:] {
		if err := r.tick(); err != nil {
			return nil, err
		}
		if !r.match(n, q.Kind, conds) {
			continue
		}
		if len(p.Items) == q.First {
			p.HasNext = true
			break
		}
		it, err := r.item(q, ranked{cand: cand{n: n, e: noEdge}})
		if err != nil {
			return nil, err
		}
		p.Items = append(p.Items, it)
	}
	return p, nil
}

// byIDs answers a query with IDs: those nodes in the order given.
func (r *reader) byIDs(q graph.Query) (*graph.Page, error) {
	s := r.s
	conds := s.compile(q.Where)
	p := &graph.Page{Items: []graph.Item{}, Total: -1}
	seen := map[uint32]bool{}
	for _, id := range q.IDs {
		n, ok := s.byID[id]
		if !ok || seen[n] || !r.match(n, q.Kind, conds) {
			continue
		}
		seen[n] = true
		c := ranked{cand: cand{n: n, e: noEdge}}
		if q.OrderBy != nil {
			c.v, c.present = s.lookup(n, q.OrderBy.Field)
		}
		it, err := r.item(q, c)
		if err != nil {
			return nil, err
		}
		p.Items = append(p.Items, it)
	}
	if q.Total {
		p.Total = len(p.Items)
	}
	return p, nil
}

// item materialises one selected candidate with its nested relations.
func (r *reader) item(q graph.Query, c ranked) (graph.Item, error) {
	s := r.s
	it := graph.Item{Node: s.nodeOut(c.n), Cursor: graph.EncodeCursor(c.v, s.nodes[c.n].id)}
	if c.e != noEdge {
		e := s.edgeOut(c.e, c.eFrom, c.eTo)
		it.Edge = &e
	}
	if len(q.Rels) == 0 {
		return it, nil
	}
	it.Rels = make(map[string]*graph.Page, len(q.Rels))
	for _, rq := range q.Rels {
		typ := relIndex[rq.Type]
		var cands []cand
		for _, a := range s.nodes[c.n].adj {
			if a.typ() != typ {
				continue
			}
			if rq.Dir == graph.Out && a.out() {
				cands = append(cands, cand{n: a.other, e: a.edge(), eFrom: c.n, eTo: a.other})
			} else if rq.Dir == graph.In && a.in(c.n) {
				cands = append(cands, cand{n: a.other, e: a.edge(), eFrom: a.other, eTo: c.n})
			}
		}
		p, err := r.page(rq.Query, cands, false)
		if err != nil {
			return it, err
		}
		it.Rels[rq.Key] = p
	}
	return it, nil
}

// Search finds nodes by name following graph.SearchRules (via
// graph.MatchSearch and graph.SortHits). First <= 0 means no limit.
func (s *Store) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	for _, k := range q.Kinds {
		if _, ok := graph.LookupKind(k); !ok {
			return nil, graph.Errorf(graph.CodeInvalidInput, "unknown kind %q", k)
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.begin(ctx, "read"); err != nil {
		return nil, err
	}
	hits := []graph.SearchHit{}
	terms := graph.SearchTerms(q.Text)
	if len(terms) == 0 {
		return hits, nil
	}

	// A key the store has never seen has no index (and no node has it).
	kName, okName := s.keyIdx[graph.PropName]
	kZh, okZh := s.keyIdx[graph.PropNameZh]
	kAl, okAl := s.keyIdx[graph.PropAliases]
	var kindOK []bool
	lists := s.byKind
	if len(q.Kinds) > 0 {
		kindOK = make([]bool, len(graph.Kinds))
		for _, k := range q.Kinds {
			kindOK[kindIndex[k]] = true
		}
		lists = nil
		for i, ok := range kindOK {
			if ok {
				lists = append(lists, s.byKind[i])
			}
		}
	}
	var ctxErrSeen error
	steps := 0
	visit := func(n uint32) bool {
		if steps++; steps&1023 == 0 {
			if ctxErrSeen = ctxErr(ctx, "search"); ctxErrSeen != nil {
				return false
			}
		}
		if kindOK != nil && !kindOK[s.nodes[n].kind] {
			return true
		}
		r := &s.nodes[n]
		var probe graph.Node
		if v, ok := s.findProp(r, kName); ok && okName {
			probe.Name = v.(string)
		}
		if v, ok := s.findProp(r, kZh); ok && okZh {
			probe.NameZh = v.(string)
		}
		if v, ok := s.findProp(r, kAl); ok && okAl {
			probe.Aliases = v.([]string)
		}
		probe.ID = s.nodes[n].id
		if !mayMatch(probe, terms) {
			return true
		}
		if score, ok := graph.MatchSearch(probe, q.Text); ok {
			hits = append(hits, graph.SearchHit{Node: probe, Score: score})
		}
		return true
	}
	if usable(terms) {
		// The longest term is the most selective.
		longest := terms[0]
		for _, t := range terms {
			if len(t) > len(longest) {
				longest = t
			}
		}
		s.names.candidates(longest, visit)
	} else {
	scan:
		for _, list := range lists {
			for _, n := range list {
				if !visit(n) {
					break scan
				}
			}
		}
	}
	if ctxErrSeen != nil {
		return nil, ctxErrSeen
	}
	graph.SortHits(hits)
	if q.First > 0 && len(hits) > q.First {
		hits = hits[:q.First]
	}
	for i := range hits {
		hits[i].Node = s.nodeOut(s.byID[hits[i].Node.ID])
	}
	return hits, nil
}

// mayMatch is a cheap, allocation-free pre-check for graph.MatchSearch:
// false only when some term is in none of the node's names. MatchSearch
// still decides (and scores) every node that passes.
func mayMatch(n graph.Node, terms []string) bool {
	for _, t := range terms {
		found := containsFold(n.Name, t) || containsFold(n.NameZh, t)
		for _, a := range n.Aliases {
			found = found || containsFold(a, t)
		}
		if !found {
			return false
		}
	}
	return true
}

// containsFold reports whether graph.FoldText(s) contains t (already
// folded), without allocating when both are ASCII.
func containsFold(s, t string) bool {
	if !isASCII(s) || !isASCII(t) {
		return strings.Contains(graph.FoldText(s), t)
	}
outer:
	for i := 0; i+len(t) <= len(s); i++ {
		for k := 0; k < len(t); k++ {
			c := s[i+k]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != t[k] {
				continue outer
			}
		}
		return true
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// typeFilter returns the allowed relation indices (nil: all).
func typeFilter(types []graph.RelType) ([]bool, error) {
	if len(types) == 0 {
		return nil, nil
	}
	ok := make([]bool, len(graph.Rels)+1)
	for _, t := range types {
		i, found := relIndex[t]
		if !found {
			return nil, graph.Errorf(graph.CodeInvalidInput, "unknown relation type %q", t)
		}
		ok[i] = true
	}
	return ok, nil
}

func allowed(f []bool, typ uint8) bool { return f == nil || f[typ] }

// bfs returns hop distances from src over allowed edges in either
// direction, up to maxDepth.
func (s *Store) bfs(ctx context.Context, src uint32, maxDepth int, f []bool) (map[uint32]int, error) {
	dist := map[uint32]int{src: 0}
	frontier := []uint32{src}
	steps := 0
	for d := 1; d <= maxDepth && len(frontier) > 0; d++ {
		var next []uint32
		for _, n := range frontier {
			for _, a := range s.nodes[n].adj {
				if steps++; steps&1023 == 0 {
					if err := ctxErr(ctx, "traverse"); err != nil {
						return nil, err
					}
				}
				if !allowed(f, a.typ()) {
					continue
				}
				m := a.other
				if _, seen := dist[m]; !seen {
					dist[m] = d
					next = append(next, m)
				}
			}
		}
		frontier = next
	}
	return dist, nil
}

// Neighborhood returns the nodes within Depth hops of ID (either direction,
// over Types), nearest first and then by id when Limit cuts, and every
// allowed edge among them. Limit <= 0 means no limit.
func (s *Store) Neighborhood(ctx context.Context, q graph.NeighborhoodQuery) (*graph.Subgraph, error) {
	if q.Depth < 1 || q.Depth > 3 {
		return nil, graph.Errorf(graph.CodeInvalidInput, "depth must be in 1..3")
	}
	f, err := typeFilter(q.Types)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.begin(ctx, "read"); err != nil {
		return nil, err
	}
	center, ok := s.byID[q.ID]
	if !ok {
		return nil, graph.Errorf(graph.CodeNotFound, "node %q does not exist", q.ID)
	}
	dist, err := s.bfs(ctx, center, q.Depth, f)
	if err != nil {
		return nil, err
	}
	found := make([]uint32, 0, len(dist))
	for n := range dist {
		if n != center {
			found = append(found, n)
		}
	}
	slices.SortFunc(found, func(a, b uint32) int {
		if d := cmp.Compare(dist[a], dist[b]); d != 0 {
			return d
		}
		return cmp.Compare(s.rank[a], s.rank[b])
	})
	sg := &graph.Subgraph{Nodes: []graph.Node{}, Edges: []graph.Edge{}}
	if q.Limit > 0 && len(found) > q.Limit {
		found, sg.Truncated = found[:q.Limit], true
	}
	sc := getScratch(len(s.nodes))
	defer putScratch(sc)
	sc.keep.add(center)
	for _, n := range found {
		sc.keep.add(n)
	}
	return s.subgraph(sc, f, sg), nil
}

func compareEdges(a, b graph.Edge) int {
	return cmp.Or(strings.Compare(string(a.Type), string(b.Type)), strings.Compare(a.From, b.From), strings.Compare(a.To, b.To))
}

// maxPaths bounds the enumeration of shortest paths.
const maxPaths = 100000

// Paths returns every shortest path (either direction, over Types, at most
// MaxHops long) between From and To, sorted by node id sequence and then by
// edge keys, at most Limit of them (Limit <= 0: all).
func (s *Store) Paths(ctx context.Context, q graph.PathQuery) ([]graph.Path, error) {
	if q.MaxHops < 1 || q.MaxHops > 6 {
		return nil, graph.Errorf(graph.CodeInvalidInput, "maxHops must be in 1..6")
	}
	if q.From == q.To {
		return nil, graph.Errorf(graph.CodeInvalidInput, "a path needs two different nodes")
	}
	f, err := typeFilter(q.Types)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.begin(ctx, "read"); err != nil {
		return nil, err
	}
	from, ok1 := s.byID[q.From]
	to, ok2 := s.byID[q.To]
	if !ok1 || !ok2 {
		missing := q.From
		if ok1 {
			missing = q.To
		}
		return nil, graph.Errorf(graph.CodeNotFound, "node %q does not exist", missing)
	}
	dFrom, err := s.bfs(ctx, from, q.MaxHops, f)
	if err != nil {
		return nil, err
	}
	total, ok := dFrom[to]
	if !ok {
		return []graph.Path{}, nil
	}
	dTo, err := s.bfs(ctx, to, total, f)
	if err != nil {
		return nil, err
	}
	// Walk forward over edges that stay on some shortest path.
	// A step reaches n over edge e; out: the previous node is e's source.
	type step struct {
		n, e uint32
		out  bool
	}
	var found [][]step
	cur := []step{{n: from, e: noEdge}}
	var walk func(n uint32) bool
	walk = func(n uint32) bool {
		if n == to {
			found = append(found, slices.Clone(cur))
			return len(found) < maxPaths
		}
		d := dFrom[n]
		for _, a := range s.nodes[n].adj {
			if !allowed(f, a.typ()) {
				continue
			}
			m := a.other
			dm, ok := dTo[m]
			if !ok || dFrom[m] != d+1 || d+1+dm != total {
				continue
			}
			cur = append(cur, step{n: m, e: a.edge(), out: a.out()})
			more := walk(m)
			cur = cur[:len(cur)-1]
			if !more {
				return false
			}
		}
		return true
	}
	walk(from)
	paths := make([]graph.Path, 0, len(found))
	for _, steps := range found {
		var p graph.Path
		for i, st := range steps {
			p.Nodes = append(p.Nodes, s.nodeOut(st.n))
			if i > 0 {
				from, to := steps[i-1].n, st.n
				if !st.out {
					from, to = to, from
				}
				p.Edges = append(p.Edges, s.edgeOut(st.e, from, to))
			}
		}
		paths = append(paths, p)
	}
	slices.SortFunc(paths, comparePaths)
	if q.Limit > 0 && len(paths) > q.Limit {
		paths = paths[:q.Limit]
	}
	return paths, nil
}

func comparePaths(a, b graph.Path) int {
	for i := range a.Nodes {
		if d := strings.Compare(a.Nodes[i].ID, b.Nodes[i].ID); d != 0 {
			return d
		}
	}
	for i := range a.Edges {
		if d := compareEdges(a.Edges[i], b.Edges[i]); d != 0 {
			return d
		}
	}
	return 0
}
