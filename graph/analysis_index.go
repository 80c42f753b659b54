package graph

import (
	"cmp"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// The index every analysis reads. Nodes are numbered 0..n-1 in id order, so
// that sorting or comparing node numbers sorts or compares ids, and the
// analyses work on int32 node numbers: ids are only read to build results.
// Adjacency is one compressed sparse row (CSR) array per direction, each
// node's span sorted by (relation slot, neighbour number); the per-node
// facts the analyses test in hot loops (local, leader, tier, ...) are read
// from the nodes' typed facts once, here.

// nodeFlag is one fact about a node, computed once from its kind and
// properties. A node's facts fit one small integer, so the per-node table
// holds no pointer and the garbage collector need not scan it.
type nodeFlag uint16

const (
	fLocal       nodeFlag = 1 << iota // region equals the scope
	fLeader                           // enterprise: chain-master (MASTERS this chain or chainMaster) or LEADER tier
	fHighTech                         // enterprise: high-tech, specialised or a tier at or above HIGH_TECH
	fChainMaster                      // enterprise: chainMaster property set
	fMaster                           // MASTERS this chain
	fResearcher                       // a local university or lab
	fEnterprise                       // kind Enterprise
	fContext                          // a chain, segment or tech field: context every actor of the chain shares
	fChainSeg                         // one of the chain's segments
	fService                          // a platform, incubator, PoC center or park
	fAchievement                      // kind Achievement
)

// nodeInfo is what the analyses test often about a node: its flags and,
// for an enterprise, its tier score (an index into tierScores).
type nodeInfo struct {
	flags nodeFlag
	tier  uint8
}

// A relation's slot is its rank in name order (RelNameRank), the order
// stores sort projection edges in, so adjacency arrives sorted.

// slotOf returns the slot of a vocabulary relation (the analyses name only
// those; a missing one is a programming error caught at start-up).
func slotOf(t RelType) uint8 {
	i, ok := RelIndex(t)
	if !ok {
		panic("graph: relation " + string(t) + " is not in the vocabulary")
	}
	return RelNameRank[i]
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
	p    *Projection // node v is p.Nodes[v] (Projection.Check: sorted by id)
	opt  Options
	info []nodeInfo // per node number
	// scratch is memory needed only while NewAnalyzer runs (see release):
	// the out edges' positions in p.Edges.
	scratch *scratch

	// Node v's out edges are outT[outOff[v]:outOff[v+1]] (relation slots)
	// and outN[...] (neighbour numbers), sorted by (slot, neighbour); outE
	// holds each out edge's position in p.Edges (for its properties; until
	// release). In edges likewise, without positions.
	outOff, inOff []int32
	outT, inT     []uint8
	outN, inN     []int32
	outE          []int32
	chain         int32
	segs          []int32 // the chain's segments, by stage, order, id
	// researchers are the local universities and labs, in id order.
	researchers []int32
	// evidence summarises the projection's provenance.
	evidence Evidence
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
	// The edges' form is checked before the adjacency reads their ends;
	// the nodes' (id order) beside the node facts.
	if err := p.CheckEdges(); err != nil {
		return nil, err
	}
	ix := &index{p: p, opt: opt, scratch: scratchPool.Get().(*scratch), info: make([]nodeInfo, len(p.Nodes))}
	// The node facts and the evidence (passes over the nodes' properties
	// and provenance) and the adjacency (a pass over the edges' ends) are
	// independent: with a spare core they overlap.
	var own []int32 // the chain's segments by their chainId
	var nodesErr error
	facts := func() {
		if nodesErr = p.CheckNodes(); nodesErr != nil {
			return
		}
		own = ix.nodeFacts()
		ix.evidence = evidenceOf(p)
	}
	if runtime.GOMAXPROCS(0) > 1 {
		done := make(chan struct{})
		go func() {
			defer close(done)
			facts()
		}()
		ix.buildAdjacency()
		<-done
	} else {
		facts()
		ix.buildAdjacency()
	}
	if nodesErr != nil {
		ix.release()
		return nil, nodesErr
	}
	chain, ok := ix.find(p.ChainID)
	if !ok || ix.node(chain).Kind != KindChain {
		ix.release()
		return nil, Errorf(CodeNotFound, "chain %q is not in the projection", p.ChainID)
	}
	ix.chain = chain
	for _, m := range ix.ins(slotMasters, chain) {
		ix.info[m].flags |= fMaster
		if ix.info[m].flags&fEnterprise != 0 {
			ix.info[m].flags |= fLeader // a chain-master
		}
	}
	addSeg := func(v int32) {
		if ix.info[v].flags&fChainSeg == 0 {
			ix.info[v].flags |= fChainSeg
			ix.segs = append(ix.segs, v)
		}
	}
	for _, v := range ix.outs(slotHasSegment, chain) {
		if ix.node(v).Kind == KindSegment {
			addSeg(v)
		}
	}
	for _, v := range own {
		addSeg(v)
	}
	slices.SortFunc(ix.segs, func(a, b int32) int { return compareSegments(ix.node(a), ix.node(b)) })
	return ix, nil
}

// nodeFacts sets every node's flags from its kind and properties (all but
// fMaster and fChainSeg, which need the adjacency), lists the researchers,
// and returns the segments whose chainId is the chain's.
func (ix *index) nodeFacts() []int32 {
	var own []int32
	for v := range ix.info {
		n, in := ix.node(int32(v)), &ix.info[v]
		if strings.EqualFold(n.Facts.Region, ix.opt.Scope) {
			in.flags |= fLocal
		}
		switch n.Kind {
		case KindEnterprise:
			f := firmFactsOf(n)
			in.flags |= fEnterprise
			if f.chainMaster {
				in.flags |= fChainMaster
			}
			if f.chainMaster || f.tier == "LEADER" {
				in.flags |= fLeader
			}
			if f.isHighTech() {
				in.flags |= fHighTech
			}
			in.tier = f.code()
		case KindSegment:
			in.flags |= fContext
			if n.Facts.ChainID == ix.p.ChainID {
				own = append(own, int32(v))
			}
		case KindChain, KindTechField:
			in.flags |= fContext
		case KindAchievement:
			in.flags |= fAchievement
		default:
			if in.flags&fLocal != 0 && IsResearchKind(n.Kind) {
				in.flags |= fResearcher
				ix.researchers = append(ix.researchers, int32(v))
			} else if IsServiceKind(n.Kind) {
				in.flags |= fService
			}
		}
	}
	return own
}

// node returns node v.
func (ix *index) node(v int32) *ProjNode { return &ix.p.Nodes[v] }

// is reports whether node v has every flag in f.
func (ix *index) is(v int32, f nodeFlag) bool { return ix.info[v].flags&f == f }

// tier returns enterprise v's tier score.
func (ix *index) tier(v int32) float64 { return tierScores[ix.info[v].tier] }

// segPos returns the position of v among the chain's segments, -1 if it
// is not one.
func (ix *index) segPos(v int32) int {
	if ix.info[v].flags&fChainSeg == 0 {
		return -1
	}
	return slices.Index(ix.segs, v)
}

// buildAdjacency fills the CSR arrays: one pass counts degrees, a second
// places the edges. Edges come sorted by (type name, from, to), the slot
// order, which leaves every span sorted already; spans that are not get
// sorted.
func (ix *index) buildAdjacency() {
	n := len(ix.info)
	edges := ix.p.Edges
	// Offsets are counted at v+2, so that after the prefix sum placing an
	// edge at off[v+1]++ leaves off[v+1] at the end of v's span.
	outOff := make([]int32, n+2)
	inOff := make([]int32, n+2)
	for i := range edges {
		outOff[edges[i].From+2]++
		inOff[edges[i].To+2]++
	}
	for v := 2; v < n+2; v++ {
		outOff[v] += outOff[v-1]
		inOff[v] += inOff[v-1]
	}
	total := len(edges)
	ix.outT, ix.inT = make([]uint8, total), make([]uint8, total)
	ix.outN, ix.inN = make([]int32, total), make([]int32, total)
	ix.outE = slices.Grow(ix.scratch.outE[:0], total)[:total]
	ix.scratch.outE = ix.outE
	for i := range edges {
		e := &edges[i]
		slot := RelNameRank[e.Rel]
		o := outOff[e.From+1]
		outOff[e.From+1]++
		ix.outT[o], ix.outN[o], ix.outE[o] = slot, e.To, int32(i)
		j := inOff[e.To+1]
		inOff[e.To+1]++
		ix.inT[j], ix.inN[j] = slot, e.From
	}
	ix.outOff, ix.inOff = outOff[:n+1], inOff[:n+1]
	for v := 0; v < n; v++ {
		if a, b := ix.outOff[v], ix.outOff[v+1]; !adjSorted(ix.outT[a:b], ix.outN[a:b]) {
			sortAdj(ix.outT[a:b], ix.outN[a:b], ix.outE[a:b])
		}
		if a, b := ix.inOff[v], ix.inOff[v+1]; !adjSorted(ix.inT[a:b], ix.inN[a:b]) {
			sortAdj(ix.inT[a:b], ix.inN[a:b], nil)
		}
	}
}

func compareSegments(a, b *ProjNode) int {
	return cmp.Or(
		cmp.Compare(stageRank(a.Facts.Stage), stageRank(b.Facts.Stage)),
		cmp.Compare(a.Facts.Order, b.Facts.Order),
		cmp.Compare(a.ID, b.ID),
	)
}

// adjSorted reports whether parallel adjacency slices are sorted by (slot,
// neighbour), as they are when the projection's edges are sorted.
func adjSorted(ts []uint8, ns []int32) bool {
	for i := 1; i < len(ts); i++ {
		if ts[i-1] > ts[i] || (ts[i-1] == ts[i] && ns[i-1] > ns[i]) {
			return false
		}
	}
	return true
}

// sortAdj sorts parallel adjacency slices by (slot, neighbour).
func sortAdj(ts []uint8, ns []int32, es []int32) {
	type adj struct {
		t    uint8
		n, e int32
	}
	ps := make([]adj, len(ts))
	for i := range ts {
		ps[i] = adj{t: ts[i], n: ns[i]}
		if es != nil {
			ps[i].e = es[i]
		}
	}
	slices.SortStableFunc(ps, func(a, b adj) int { return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.n, b.n)) })
	for i, p := range ps {
		ts[i], ns[i] = p.t, p.n
		if es != nil {
			es[i] = p.e
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
			e := &ix.p.Edges[ix.outE[i]]
			return e.Share, e.HasShare && !math.IsNaN(e.Share)
		}
	}
	return 0, false
}

// id returns the id of node v.
func (ix *index) id(v int32) string { return ix.node(v).ID }

func (ix *index) ref(v int32) NodeRef { return refOf(ix.node(v)) }

// find returns the number of the node with this id, by binary search (for
// the few look-ups after release).
func (ix *index) find(id string) (int32, bool) {
	lo, hi := 0, len(ix.info)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ix.node(int32(m)).ID < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(ix.info) && ix.node(int32(lo)).ID == id {
		return int32(lo), true
	}
	return -1, false
}

// scratch is memory an index needs only while it is built: recycled
// through scratchPool, so that building an analyzer over a large
// projection allocates (and the garbage collector pays for) about a
// third less.
type scratch struct {
	outE []int32
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// release returns the scratch memory: after it, share and ids must not be
// used (NewAnalyzer calls it once the segments are collected).
func (ix *index) release() {
	if ix.scratch == nil {
		return
	}
	ix.outE = nil
	scratchPool.Put(ix.scratch)
	ix.scratch = nil
}

// refByID names a node that may be outside the projection.
func (ix *index) refByID(id string) NodeRef {
	if v, ok := ix.find(id); ok {
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

// nodeSet is a set of node numbers with rank: a bit per node plus the
// number of members before each 64-node word, so that a member's rank (its
// position among the members, in id order) costs one popcount. Members
// are numbered densely, so per-member state fits a slice of the set's
// size instead of one per projection node.
type nodeSet struct {
	bits   []uint64
	before []int32
}

func newNodeSet(n int) nodeSet { return nodeSet{bits: make([]uint64, (n+63)/64)} }

func (s *nodeSet) add(v int32) { s.bits[v>>6] |= 1 << (uint(v) & 63) }

func (s *nodeSet) has(v int32) bool { return s.bits[v>>6]&(1<<(uint(v)&63)) != 0 }

// freeze counts the members (after the last add) and enables rank.
func (s *nodeSet) freeze() int {
	s.before = make([]int32, len(s.bits))
	total := 0
	for i, w := range s.bits {
		s.before[i] = int32(total)
		total += bits.OnesCount64(w)
	}
	return total
}

// rank returns the position of member v among the members.
func (s *nodeSet) rank(v int32) int {
	w := s.bits[v>>6] & (1<<(uint(v)&63) - 1)
	return int(s.before[v>>6]) + bits.OnesCount64(w)
}

// members returns the members in id order.
func (s *nodeSet) members(total int) []int32 {
	out := make([]int32, 0, total)
	for i, w := range s.bits {
		for w != 0 {
			out = append(out, int32(i*64+bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
	return out
}
