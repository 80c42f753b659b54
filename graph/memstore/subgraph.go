package memstore

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync"
	"unsafe"

	"chainkg/graph"
)

// Subgraphs (Neighborhood) and chain projections: a set of nodes, returned
// by id, with every edge among them by (type, from, to).
//
// Both are built from integers only: the set is a bitmap, nodes are ordered
// by their id rank, edges are found in the members' adjacency lists (whose
// entries carry type, direction and far end, so no edge record is read to
// filter) and ordered by (type rank, source position, target position).
// Only the edges kept are then read from s.edges to be materialised, in
// output order, into slices allocated once.

// nodeSet is a set of node indices: a bitmap for membership plus the
// members in insertion order.
type nodeSet struct {
	bits []uint64
	list []uint32
}

func (ns *nodeSet) has(n uint32) bool { return ns.bits[n/64]&(1<<(n%64)) != 0 }

func (ns *nodeSet) add(n uint32) {
	if !ns.has(n) {
		ns.bits[n/64] |= 1 << (n % 64)
		ns.list = append(ns.list, n)
	}
}

// clear empties the set, clearing only the members' bits (the bitmap
// stays allocated for reuse).
func (ns *nodeSet) clear() {
	for _, n := range ns.list {
		ns.bits[n/64] = 0
	}
	ns.list = ns.list[:0]
}

// typeRank orders relation indices (1-based, as edge.typ) by type name
// (edges sort by type first): graph.RelNameRank, shifted by one.
var typeRank = func() []int {
	rank := make([]int, len(graph.Rels)+1)
	for i, r := range graph.RelNameRank {
		rank[i+1] = int(r)
	}
	return rank
}()

// edgeKey is one edge of a subgraph: key orders it within its type
// (source's position << 32 | target's position, positions in the node
// order), j is its index in s.edges.
type edgeKey struct {
	key uint64
	j   uint32
}

// scratch holds one subgraph's working buffers. They are pooled: a
// projection at 100,000 enterprises would otherwise allocate about 2 MB of
// them per call.
type scratch struct {
	keep nodeSet // the subgraph's nodes
	mark nodeSet // uniq's marks; empty between uses
	// nks holds the members as rank << 32 | index, sorted (the node order).
	nks []uint64
	// pos[n] is member n's position in nks (other entries are stale).
	pos []uint32
	// byType holds the edges among the members per type rank, each list
	// in edge order once ordered.
	byType [32][]edgeKey
	// lists are buffers for a projection's walk (actors, achievements).
	lists [2][]uint32
	tmp   []uint64 // sortByRank's other buffer
}

// sortByRank sorts keys (rank << 32 | index, ranks below nNodes, all
// distinct) by a least-significant-digit radix sort on the rank's bytes:
// a few linear passes instead of ~n log n comparisons. tmp is a buffer it
// may use; it returns the sorted keys and the other buffer.
func sortByRank(keys, tmp []uint64, nNodes int) (sorted, spare []uint64) {
	if len(keys) < 256 {
		slices.Sort(keys)
		return keys, tmp
	}
	tmp = slices.Grow(tmp[:0], len(keys))[:len(keys)]
	for shift := 32; shift < 64 && nNodes>>(shift-32) > 0; shift += 8 {
		var count [257]int
		for _, k := range keys {
			count[(k>>shift)&0xff+1]++
		}
		for i := 1; i < len(count); i++ {
			count[i] += count[i-1]
		}
		for _, k := range keys {
			d := (k >> shift) & 0xff
			tmp[count[d]] = k
			count[d]++
		}
		keys, tmp = tmp, keys
	}
	return keys, tmp
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// getScratch returns empty buffers sized for a store of nNodes nodes.
func getScratch(nNodes int) *scratch {
	sc := scratchPool.Get().(*scratch)
	if words := (nNodes + 63) / 64; len(sc.keep.bits) < words {
		sc.keep.bits = make([]uint64, words)
		sc.mark.bits = make([]uint64, words)
	}
	return sc
}

func putScratch(sc *scratch) {
	sc.keep.clear()
	sc.mark.clear()
	scratchPool.Put(sc)
}

// uniq drops repeated nodes from list, keeping the first of each (in place).
func (sc *scratch) uniq(list []uint32) []uint32 {
	out := list[:0]
	for _, n := range list {
		if !sc.mark.has(n) {
			sc.mark.add(n)
			out = append(out, n)
		}
	}
	sc.mark.clear()
	return out
}

// order sorts the members of sc.keep by id into sc.nks (and sc.pos) and
// collects the allowed edges among them into sc.byType, each type's list
// sorted by (from, to) id. It returns the number of edges.
//
// Walking the sources in id order appends each type's edges already sorted
// by source; only each source's few targets of one type need sorting.
func (s *Store) order(sc *scratch, f []bool) int {
	s.sortMembers(sc)
	return s.collectEdges(sc, f)
}

// sortMembers sorts the members of sc.keep by id into sc.nks and sc.pos.
func (s *Store) sortMembers(sc *scratch) {
	nks := sc.nks[:0]
	for _, n := range sc.keep.list {
		nks = append(nks, uint64(s.rank[n])<<32|uint64(n))
	}
	nks, sc.tmp = sortByRank(nks, sc.tmp, len(s.nodes))
	sc.nks = nks
	if len(sc.pos) < len(s.nodes) {
		sc.pos = make([]uint32, len(s.nodes))
	}
	pos := sc.pos
	for i, nk := range nks {
		pos[uint32(nk)] = uint32(i)
	}
}

// collectEdges collects the allowed edges among the members (sorted by
// sortMembers) into sc.byType, each type's list sorted by (from, to) id,
// and returns their number.
func (s *Store) collectEdges(sc *scratch, f []bool) int {
	nks, pos := sc.nks, sc.pos
	for t := range sc.byType {
		sc.byType[t] = sc.byType[t][:0]
	}
	for p, nk := range nks {
		for _, a := range s.nodes[uint32(nk)].outs() {
			// Each edge once, from its source's side.
			if sc.keep.has(a.other) && allowed(f, a.typ()) {
				t := typeRank[a.typ()]
				sc.byType[t] = append(sc.byType[t], edgeKey{key: uint64(p)<<32 | uint64(pos[a.other]), j: a.edge()})
			}
		}
	}
	total := 0
	for _, l := range sc.byType {
		total += len(l)
		for i := 0; i < len(l); {
			k := i + 1
			for k < len(l) && l[k].key>>32 == l[i].key>>32 {
				k++
			}
			if k-i > 1 {
				slices.SortFunc(l[i:k], func(a, b edgeKey) int { return cmp.Compare(a.key, b.key) })
			}
			i = k
		}
	}
	return total
}

// subgraph fills sg with the members of sc.keep (by id) and the allowed
// edges among them (by type, from, to), fully materialised.
func (s *Store) subgraph(sc *scratch, f []bool, sg *graph.Subgraph) *graph.Subgraph {
	ne := s.order(sc, f)
	sg.Nodes = slices.Grow(sg.Nodes, len(sc.nks))
	for _, nk := range sc.nks {
		sg.Nodes = append(sg.Nodes, s.nodeOut(uint32(nk)))
	}
	sg.Edges = slices.Grow(sg.Edges, ne)
	for _, l := range sc.byType {
		for _, ek := range l {
			sg.Edges = append(sg.Edges, s.edgeOut(ek.j, uint32(sc.nks[ek.key>>32]), uint32(sc.nks[uint32(ek.key)])))
		}
	}
	return sg
}

// Projection extracts a chain's subgraph exactly as graph.Projection's doc
// comment lists it. "The segments" are the chain's own segments plus the
// segments FEEDS-linked to them (either direction, any chain); SERVES counts
// towards the projected chain only, not the linked chains.
func (s *Store) Projection(ctx context.Context, chainID string) (*graph.Projection, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.begin(ctx, "read"); err != nil {
		return nil, err
	}
	chain, ok := s.byID[chainID]
	if !ok || graph.Kinds[s.nodes[chain].kind].Kind != graph.KindChain {
		return nil, graph.Errorf(graph.CodeNotFound, "chain %q does not exist", chainID)
	}
	sc := getScratch(len(s.nodes))
	defer putScratch(sc)
	s.collectChain(sc, chain)
	if err := ctxErr(ctx, "projection"); err != nil {
		return nil, err
	}
	s.sortMembers(sc)
	nodes, edges, provs := s.projectOut(sc)
	return &graph.Projection{ChainID: chainID, Revision: s.rev, Nodes: nodes, Edges: edges, Provs: provs}, nil
}

// expand appends to dst the far ends of the edges of relation rel at each
// node of from (out: the node is the source; otherwise the target) and adds
// them to keep.
func (s *Store) expand(keep *nodeSet, dst, from []uint32, rel graph.RelType, out bool) []uint32 {
	typ := relIndex[rel]
	for _, n := range from {
		adj := s.nodes[n].adj
		if out {
			adj = s.nodes[n].outs()
		}
		for _, a := range adj {
			if a.typ() == typ && (out || a.in(n)) {
				dst = append(dst, a.other)
				keep.add(a.other)
			}
		}
	}
	return dst
}

// expandOut is expand(&sc.keep, dst, from, rel, true) with each far end
// once, computed from whichever side is smaller: from's adjacency, or the
// in-adjacency of every node of rel's target kinds, keeping those with an
// edge from a node of from. A chain's actors (~30,000 at 100k enterprises)
// produced into a graph's few achievements (~1,000) are found from the
// achievements: 30x fewer, mostly cold, node records to read.
func (s *Store) expandOut(sc *scratch, dst, from []uint32, rel graph.RelType) []uint32 {
	spec, _ := graph.LookupRel(rel)
	targets := 0
	for _, k := range spec.To {
		targets += len(s.byKind[kindIndex[k]])
	}
	if targets >= len(from) {
		return s.expand(&sc.keep, dst, from, rel, true)
	}
	typ := relIndex[rel]
	for _, n := range from {
		sc.mark.add(n)
	}
	for _, k := range spec.To {
		for _, n := range s.byKind[kindIndex[k]] {
			for _, a := range s.nodes[n].adj {
				if a.typ() == typ && a.in(n) && sc.mark.has(a.other) {
					dst = append(dst, n)
					sc.keep.add(n)
					break
				}
			}
		}
	}
	sc.mark.clear()
	return dst
}

// collectChain puts the nodes of chain's projection into sc.keep. Every
// list is deduplicated before it is expanded, so no adjacency list is
// scanned twice for one relation (an enterprise operating in two segments
// is one actor).
func (s *Store) collectChain(sc *scratch, chain uint32) {
	keep := &sc.keep
	keep.add(chain)
	own := []uint32{chain}
	segs := sc.uniq(s.expand(keep, nil, own, graph.RelHasSegment, true))
	linked := s.expand(keep, nil, segs, graph.RelFeeds, true)
	linked = sc.uniq(s.expand(keep, linked, segs, graph.RelFeeds, false))
	allSegs := sc.uniq(append(slices.Clone(segs), linked...))
	s.expand(keep, nil, linked, graph.RelHasSegment, false) // the linked segments' chains
	fields := sc.uniq(s.expand(keep, nil, allSegs, graph.RelRequires, true))
	actors := s.expand(keep, sc.lists[0][:0], allSegs, graph.RelOperatesIn, false)
	actors = s.expand(keep, actors, fields, graph.RelResearches, false)
	served := append(append(slices.Clone(own), allSegs...), fields...)
	actors = s.expand(keep, actors, sc.uniq(served), graph.RelServes, false)
	actors = s.expand(keep, actors, own, graph.RelMasters, false)
	actors = s.expand(keep, actors, own, graph.RelLeads, false)
	actors = sc.uniq(actors)
	achievements := sc.uniq(s.expandOut(sc, sc.lists[1][:0], actors, graph.RelProduced))
	s.expand(keep, nil, achievements, graph.RelValues, false)
	s.expand(keep, nil, achievements, graph.RelValidates, false)
	s.expand(keep, nil, achievements, graph.RelTransferredTo, true)
	sc.lists[0], sc.lists[1] = actors, achievements
}

// projectOut materialises the sorted members of sc and the edges among
// them as a Projection carries them (graph.ProjNode, graph.ProjEdge): each
// into one slice allocated at its final size, through the shapes' plans,
// with the provenance records interned (provInterner). The nodes and the
// edges are independent once the members are sorted: on a large chain,
// with a spare core, the nodes are materialised on another goroutine
// while this one collects, sorts and materialises the edges (the caller
// holds the read lock until both are done).
func (s *Store) projectOut(sc *scratch) ([]graph.ProjNode, []graph.ProjEdge, []graph.Provenance) {
	var (
		nodes []graph.ProjNode
		np    provInterner
	)
	doNodes := func() { nodes = s.projectNodes(sc, &np) }
	waitNodes := func() {}
	if len(sc.nks) >= parallelProjection && runtime.GOMAXPROCS(0) > 1 {
		// The helper reads the store and sc: it must be done before this
		// function returns or unwinds (the caller then releases the read
		// lock and the scratch), and a panic in it is re-raised here,
		// where the caller's recovery sees it.
		done := make(chan struct{})
		var fault any
		go func() {
			defer close(done)
			defer func() { fault = recover() }()
			doNodes()
		}()
		defer func() { <-done }() // also when this goroutine panics
		waitNodes = func() {
			<-done
			if fault != nil {
				panic(fault)
			}
		}
	} else {
		doNodes()
	}
	var ep provInterner
	edges := s.projectEdges(sc, s.collectEdges(sc, nil), &ep)
	waitNodes()
	// One table: the nodes' records, then the edges'.
	off := int32(len(np.list))
	for i := range edges {
		edges[i].Prov += off
	}
	provs := append(np.list, ep.list...)
	if provs == nil {
		provs = []graph.Provenance{}
	}
	return nodes, edges, provs
}

// parallelProjection is the member count from which projectOut splits its
// work over two goroutines (below it, starting one costs more than it
// saves).
var parallelProjection = 4096

func (s *Store) projectNodes(sc *scratch, pi *provInterner) []graph.ProjNode {
	nodes := make([]graph.ProjNode, len(sc.nks))
	for i, nk := range sc.nks {
		r := &s.nodes[uint32(nk)]
		n := &nodes[i]
		n.ID, n.Kind = r.id, graph.Kinds[r.kind].Kind
		plan := &s.projN[r.shape]
		plan.fillNode(r.vals, n)
		n.Prov = pi.intern(plan, r.vals)
	}
	return nodes
}

func (s *Store) projectEdges(sc *scratch, ne int, pi *provInterner) []graph.ProjEdge {
	edges := make([]graph.ProjEdge, ne)
	i := 0
	for _, l := range sc.byType {
		for _, ek := range l {
			r := &s.edges[ek.j]
			e := &edges[i]
			i++
			e.Rel = r.typ - 1
			e.From, e.To = int32(ek.key>>32), int32(uint32(ek.key))
			plan := &s.projE[r.shape]
			e.Share, e.HasShare = plan.share(r.vals)
			e.Prov = pi.intern(plan, r.vals)
		}
	}
	return edges
}

// provInterner numbers the distinct provenance records of a projection.
// A record is known by the identity of its stored values (the interface
// words of each provenance value: interned strings and numbers share one
// box, so a source and date repeated over 100,000 records are one key),
// which costs a small fixed-size hash instead of hashing the strings.
// Equal keys hold equal values; equal values under different keys (values
// not interned) are listed twice, which the analyses do not mind.
type provInterner struct {
	idx  map[provKey]int32
	list []graph.Provenance
	// last is the previous key and its number: records in a row mostly
	// share their provenance (one file, one source and date).
	last    provKey
	lastIdx int32
}

type provKey [nProvRoles][2]unsafe.Pointer

const nProvRoles = int(roleUpdatedAt-roleSource) + 1

func (pi *provInterner) intern(plan *projPlan, vals []any) int32 {
	var k provKey
	for _, st := range plan.prov {
		k[st.role-roleSource] = *(*[2]unsafe.Pointer)(unsafe.Pointer(&vals[st.pos]))
	}
	if k == pi.last && pi.idx != nil {
		return pi.lastIdx
	}
	if i, ok := pi.idx[k]; ok {
		pi.last, pi.lastIdx = k, i
		return i
	}
	if pi.idx == nil {
		pi.idx = make(map[provKey]int32, 16)
	}
	var pr graph.Provenance
	for _, st := range plan.prov {
		setProv(&pr, st.role, vals[st.pos])
	}
	i := int32(len(pi.list))
	pi.list = append(pi.list, pr)
	pi.idx[k] = i
	pi.last, pi.lastIdx = k, i
	return i
}

// projPlan lists, for one shape, the values a Projection carries and where
// each goes, so that materialising a node or edge for a projection visits
// only those. Every shape has one plan for nodes (s.projN) and one for
// edges (s.projE), made with the shape.
type projPlan struct {
	steps []projStep // names and properties
	prov  []projStep // provenance values
}

// projStep is one value of a projPlan: vals[pos] goes to the field its role
// names; for roleProp, to the node fact with FactIndex fact (nodes) or to
// the share (edges).
type projStep struct {
	pos  uint16
	role role
	fact int8
}

// newPlan makes the plan of shape keys for nodes (node) or edges: names and
// provenance always (names only for nodes), aliases never, and the
// properties a Projection carries (graph.ProjectedNodeProps, "share").
func (s *Store) newPlan(keys []uint16, node bool) projPlan {
	var p projPlan
	for i, k := range keys {
		r := s.keyRole[k]
		if r == roleAliases && node {
			continue
		}
		if r >= roleSource {
			p.prov = append(p.prov, projStep{pos: uint16(i), role: r})
			continue
		}
		fact := -1
		if r == roleProp || !node && (r == roleName || r == roleNameZh || r == roleAliases) {
			keep := s.keyProjE
			if node {
				keep = s.keyProjN
			}
			if !keep[k] {
				continue
			}
			r = roleProp
			if node {
				fact = graph.FactIndex(s.keys[k])
			}
		}
		p.steps = append(p.steps, projStep{pos: uint16(i), role: r, fact: int8(fact)})
	}
	return p
}

// fillNode sets n's names and facts from vals.
func (p *projPlan) fillNode(vals []any, n *graph.ProjNode) {
	for _, st := range p.steps {
		v := vals[st.pos]
		switch st.role {
		case roleProp:
			n.Facts.SetIndex(int(st.fact), v)
		case roleName:
			n.Name = v.(string)
		case roleNameZh:
			n.NameZh = v.(string)
		}
	}
}

// share returns an edge's share from vals (its only projected property).
func (p *projPlan) share(vals []any) (float64, bool) {
	for _, st := range p.steps {
		switch x := vals[st.pos].(type) {
		case float64:
			return x, true
		case int64:
			return float64(x), true
		}
	}
	return 0, false
}

func setProv(prov *graph.Provenance, r role, v any) {
	switch r {
	case roleSource:
		prov.Source = v.(string)
	case roleAsOf:
		prov.AsOf = v.(string)
	case roleConfidence:
		prov.Confidence, _ = v.(float64)
	case roleEvidence:
		prov.Evidence = v.(string)
	case roleUpdatedBy:
		prov.UpdatedBy = v.(string)
	case roleUpdatedAt:
		prov.UpdatedAt = v.(string)
	}
}
