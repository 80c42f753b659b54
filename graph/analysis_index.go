package graph

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// The index every analysis reads. Nodes are numbered 0..n-1 in id order, so
// that sorting or comparing node numbers sorts or compares ids, and the
// analyses work on int32 node numbers: ids are only read to build results.
// Adjacency is one compressed sparse row (CSR) array per direction, each
// node's span sorted by (relation slot, neighbour number); the per-node
// facts the analyses test in hot loops (local, leader, tier, ...) are read
// from the property maps once, here.

// nodeInfo is a projection node with the facts the analyses test often.
type nodeInfo struct {
	*Node
	local       bool    // region equals the scope
	leader      bool    // enterprise: chain-master (MASTERS this chain or chainMaster) or LEADER tier
	highTech    bool    // enterprise: high-tech, specialised or a tier at or above HIGH_TECH
	chainMaster bool    // enterprise: chainMaster property set
	master      bool    // MASTERS this chain
	researcher  bool    // a local university or lab
	tier        float64 // enterprise: tierScore
}

// relSlot numbers the relation types in name order, the order stores sort
// projection edges in, so adjacency arrives sorted.
var relSlot = func() map[RelType]uint8 {
	names := make([]string, 0, len(Rels))
	for _, r := range Rels {
		names = append(names, string(r.Type))
	}
	slices.Sort(names)
	m := make(map[RelType]uint8, len(names))
	for i, n := range names {
		m[RelType(n)] = uint8(i)
	}
	return m
}()

// slotOf returns the slot of a vocabulary relation (the analyses name only
// those; a missing one is a programming error caught at start-up).
func slotOf(t RelType) uint8 {
	s, ok := relSlot[t]
	if !ok {
		panic("graph: relation " + string(t) + " is not in the vocabulary")
	}
	return s
}

// The slots the analyses read, resolved once.
var (
	slotAppliesTo     = slotOf(RelAppliesTo)
	slotCooperates    = slotOf(RelCooperates)
	slotFeeds         = slotOf(RelFeeds)
	slotHasSegment    = slotOf(RelHasSegment)
	slotIncubates     = slotOf(RelIncubates)
	slotLeads         = slotOf(RelLeads)
	slotMasters       = slotOf(RelMasters)
	slotOperates      = slotOf(RelOperates)
	slotOperatesIn    = slotOf(RelOperatesIn)
	slotProduced      = slotOf(RelProduced)
	slotRequires      = slotOf(RelRequires)
	slotResearches    = slotOf(RelResearches)
	slotServes        = slotOf(RelServes)
	slotSupplies      = slotOf(RelSupplies)
	slotTransferredTo = slotOf(RelTransferredTo)
	slotValidates     = slotOf(RelValidates)
	slotValues        = slotOf(RelValues)
)

// index is what every analysis reads: the projection's nodes with their
// adjacency and flags, the chain's segments in order.
type index struct {
	p     *Projection
	opt   Options
	nodes []nodeInfo // in id order, one per id (the last one when a projection repeats an id)
	// pos maps an id to its node number.
	pos map[string]int32
	// Node v's out edges are outT[outOff[v]:outOff[v+1]] (relation slots)
	// and outN[...] (neighbour numbers), sorted by (slot, neighbour); outW
	// holds each out edge's OPERATES_IN share, NaN when not given. In
	// edges likewise, without weights.
	outOff, inOff []int32
	outT, inT     []uint8
	outN, inN     []int32
	outW          []float64
	chain         int32
	segs          []int32 // the chain's segments, by stage, order, id
	segPos        []int32 // node number -> position in segs, -1 for other nodes
	// researchers are the local universities and labs, in id order.
	researchers []int32
}

// stageRank orders stages upstream to downstream, unknown last.
func stageRank(s string) int {
	for i, st := range Stages {
		if st == s {
			return i
		}
	}
	return len(Stages)
}

func newIndex(p *Projection, opt Options) (*index, error) {
	if p == nil {
		return nil, Errorf(CodeInvalidInput, "no projection")
	}
	opt = opt.WithDefaults()
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	ix := &index{p: p, opt: opt}
	ix.numberNodes()
	ix.buildAdjacency()
	chain, ok := ix.pos[p.ChainID]
	if !ok || ix.nodes[chain].Kind != KindChain {
		return nil, Errorf(CodeNotFound, "chain %q is not in the projection", p.ChainID)
	}
	ix.chain = chain
	for _, m := range ix.ins(slotMasters, chain) {
		ix.nodes[m].master = true
	}
	for v := range ix.nodes {
		n := &ix.nodes[v]
		n.local = strings.EqualFold(propString(n.Node, "region"), opt.Scope)
		switch {
		case n.Kind == KindEnterprise:
			n.chainMaster = propBool(n.Node, "chainMaster")
			n.tier = tierScore(n.Node)
			n.leader = n.chainMaster || n.tier == 1 && propString(n.Node, "tier") == "LEADER" || n.master
			n.highTech = isHighTech(n.Node)
		case n.local && IsResearchKind(n.Kind):
			n.researcher = true
			ix.researchers = append(ix.researchers, int32(v))
		}
	}
	ix.segPos = make([]int32, len(ix.nodes))
	for i := range ix.segPos {
		ix.segPos[i] = -1
	}
	addSeg := func(v int32) {
		if ix.segPos[v] < 0 {
			ix.segPos[v] = 0
			ix.segs = append(ix.segs, v)
		}
	}
	for _, v := range ix.outs(slotHasSegment, chain) {
		if ix.nodes[v].Kind == KindSegment {
			addSeg(v)
		}
	}
	for v := range ix.nodes {
		if n := ix.nodes[v].Node; n.Kind == KindSegment && propString(n, "chainId") == p.ChainID {
			addSeg(int32(v))
		}
	}
	slices.SortFunc(ix.segs, func(a, b int32) int { return compareSegments(ix.nodes[a].Node, ix.nodes[b].Node) })
	for i, v := range ix.segs {
		ix.segPos[v] = int32(i)
	}
	return ix, nil
}

// numberNodes numbers the nodes in id order. Stores return them sorted by
// id, so this is usually one pass and one map.
func (ix *index) numberNodes() {
	ns := ix.p.Nodes
	sorted := true
	for i := 1; i < len(ns); i++ {
		if ns[i-1].ID >= ns[i].ID {
			sorted = false
			break
		}
	}
	var order []*Node
	if sorted {
		ix.nodes = make([]nodeInfo, len(ns))
		for i := range ns {
			ix.nodes[i].Node = &ns[i]
		}
	} else {
		// Unsorted or repeated ids: sort, keeping the last node of an id
		// (as a map from id to node would).
		order = make([]*Node, len(ns))
		for i := range ns {
			order[i] = &ns[i]
		}
		slices.SortStableFunc(order, func(a, b *Node) int { return strings.Compare(a.ID, b.ID) })
		ix.nodes = make([]nodeInfo, 0, len(ns))
		for i, n := range order {
			if i+1 < len(order) && order[i+1].ID == n.ID {
				continue
			}
			ix.nodes = append(ix.nodes, nodeInfo{Node: n})
		}
	}
	ix.pos = make(map[string]int32, len(ix.nodes))
	for i := range ix.nodes {
		ix.pos[ix.nodes[i].ID] = int32(i)
	}
}

// buildAdjacency fills the CSR arrays: one pass resolves the edges' ends
// and counts degrees, a second places them. Edges come sorted by (type,
// from, to) with types in slot order, which leaves every span sorted
// already; spans that are not get sorted.
func (ix *index) buildAdjacency() {
	n := len(ix.nodes)
	type end struct {
		from, to int32
		slot     uint8
		w        float64
	}
	ends := make([]end, 0, len(ix.p.Edges))
	// Offsets are counted at v+2, so that after the prefix sum placing an
	// edge at off[v+1]++ leaves off[v+1] at the end of v's span.
	outOff := make([]int32, n+2)
	inOff := make([]int32, n+2)
	lastType, slot := RelType(""), uint8(0)
	lastFrom, from := "", int32(-1)
	nan := math.NaN()
	for i := range ix.p.Edges {
		e := &ix.p.Edges[i]
		if e.Type != lastType {
			sl, ok := relSlot[e.Type]
			if !ok {
				continue // not in the vocabulary: no analysis reads it
			}
			lastType, slot = e.Type, sl
		}
		if from < 0 || e.From != lastFrom { // edges come grouped by from
			f, ok := ix.pos[e.From]
			if !ok {
				from = -1
				continue // dangling in a partial projection: ignore
			}
			lastFrom, from = e.From, f
		}
		to, ok := ix.pos[e.To]
		if !ok {
			continue
		}
		w := nan
		if e.Type == RelOperatesIn {
			if v, ok := propFloat(e.Props, "share"); ok {
				w = v
			}
		}
		ends = append(ends, end{from, to, slot, w})
		outOff[from+2]++
		inOff[to+2]++
	}
	for v := 2; v < n+2; v++ {
		outOff[v] += outOff[v-1]
		inOff[v] += inOff[v-1]
	}
	total := len(ends)
	ix.outT, ix.inT = make([]uint8, total), make([]uint8, total)
	ix.outN, ix.inN = make([]int32, total), make([]int32, total)
	ix.outW = make([]float64, total)
	for _, e := range ends {
		o := outOff[e.from+1]
		outOff[e.from+1]++
		ix.outT[o], ix.outN[o], ix.outW[o] = e.slot, e.to, e.w
		i := inOff[e.to+1]
		inOff[e.to+1]++
		ix.inT[i], ix.inN[i] = e.slot, e.from
	}
	ix.outOff, ix.inOff = outOff[:n+1], inOff[:n+1]
	for v := 0; v < n; v++ {
		a, b := ix.outOff[v], ix.outOff[v+1]
		sortAdj(ix.outT[a:b], ix.outN[a:b], ix.outW[a:b])
		a, b = ix.inOff[v], ix.inOff[v+1]
		sortAdj(ix.inT[a:b], ix.inN[a:b], nil)
	}
}

func compareSegments(a, b *Node) int {
	return cmp.Or(
		cmp.Compare(stageRank(propString(a, "stage")), stageRank(propString(b, "stage"))),
		cmp.Compare(propInt(a, "order"), propInt(b, "order")),
		cmp.Compare(a.ID, b.ID),
	)
}

// sortAdj sorts parallel adjacency slices by (slot, neighbour) unless they are.
func sortAdj(ts []uint8, ns []int32, ws []float64) {
	sorted := true
	for i := 1; i < len(ts); i++ {
		if ts[i-1] > ts[i] || (ts[i-1] == ts[i] && ns[i-1] > ns[i]) {
			sorted = false
			break
		}
	}
	if sorted {
		return
	}
	type adj struct {
		t uint8
		n int32
		w float64
	}
	ps := make([]adj, len(ts))
	for i := range ts {
		ps[i] = adj{t: ts[i], n: ns[i]}
		if ws != nil {
			ps[i].w = ws[i]
		}
	}
	slices.SortStableFunc(ps, func(a, b adj) int { return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.n, b.n)) })
	for i, p := range ps {
		ts[i], ns[i] = p.t, p.n
		if ws != nil {
			ws[i] = p.w
		}
	}
}

// slotSpan returns the bounds within ts (sorted) of the entries of slot s.
func slotSpan(ts []uint8, s uint8) (int, int) {
	lo, hi := 0, len(ts)
	for lo < hi { // first >= s
		m := int(uint(lo+hi) >> 1)
		if ts[m] < s {
			lo = m + 1
		} else {
			hi = m
		}
	}
	end := lo
	for hi = len(ts); end < hi; { // first > s
		m := int(uint(end+hi) >> 1)
		if ts[m] <= s {
			end = m + 1
		} else {
			hi = m
		}
	}
	return lo, end
}

// outs and ins return the neighbours of v over one relation slot, in id
// order. The result is shared: callers must not modify it.
func (ix *index) outs(s uint8, v int32) []int32 {
	a, b := ix.outOff[v], ix.outOff[v+1]
	lo, hi := slotSpan(ix.outT[a:b], s)
	return ix.outN[int(a)+lo : int(a)+hi : int(a)+hi]
}

func (ix *index) ins(s uint8, v int32) []int32 {
	a, b := ix.inOff[v], ix.inOff[v+1]
	lo, hi := slotSpan(ix.inT[a:b], s)
	return ix.inN[int(a)+lo : int(a)+hi : int(a)+hi]
}

// around returns every neighbour of v over any relation, out then in (each
// in (slot, id) order; shared, may repeat).
func (ix *index) around(v int32) (out, in []int32) {
	return ix.outN[ix.outOff[v]:ix.outOff[v+1]], ix.inN[ix.inOff[v]:ix.inOff[v+1]]
}

// share returns the OPERATES_IN share of firm in seg, if given.
func (ix *index) share(firm, seg int32) (float64, bool) {
	a, b := ix.outOff[firm], ix.outOff[firm+1]
	lo, hi := slotSpan(ix.outT[a:b], slotOperatesIn)
	for i := int(a) + lo; i < int(a)+hi; i++ {
		if ix.outN[i] == seg {
			return ix.outW[i], !math.IsNaN(ix.outW[i])
		}
	}
	return 0, false
}

// id returns the id of node v.
func (ix *index) id(v int32) string { return ix.nodes[v].ID }

func (ix *index) ref(v int32) NodeRef { return refOf(ix.nodes[v].Node) }

// refByID names a node that may be outside the projection.
func (ix *index) refByID(id string) NodeRef {
	if v, ok := ix.pos[id]; ok {
		return ix.ref(v)
	}
	return NodeRef{ID: id}
}

func (ix *index) refs(vs []int32) []NodeRef {
	out := make([]NodeRef, len(vs))
	for i, v := range vs {
		out[i] = ix.ref(v)
	}
	return out
}

func (ix *index) labels(vs []int32, max int) string {
	var b strings.Builder
	for i, v := range vs {
		if i == max {
			b.WriteString(" and ")
			b.WriteString(itoa(len(vs) - max))
			b.WriteString(" more")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(ix.ref(v).Label())
	}
	return b.String()
}

// sortedUnique sorts vs and drops repeats, in place.
func sortedUnique(vs []int32) []int32 {
	slices.Sort(vs)
	return slices.Compact(vs)
}

// has reports whether the sorted vs holds x.
func has(vs []int32, x int32) bool {
	_, ok := slices.BinarySearch(vs, x)
	return ok
}

// intersectSorted returns the elements of a, in a's order, that the sorted b holds.
func intersectSorted(a, b []int32) []int32 {
	var out []int32
	for _, x := range a {
		if has(b, x) {
			out = append(out, x)
		}
	}
	return out
}
