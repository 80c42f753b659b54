package graph

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Candidate kinds.
const (
	CandidateOutside  = "OUTSIDE_ENTERPRISE" // attract: a firm outside the scope already in the segment (招商)
	CandidateAdjacent = "ADJACENT_FIRM"      // extend a local firm from a neighbouring segment
	CandidateSpinOff  = "LAB_SPINOFF"        // spin off a mature local research result (成果转化)
	CandidateAnchor   = "ANCHOR"             // a firm that could anchor a chain (build)
)

// Candidate is someone who could fill a segment or anchor a chain.
type Candidate struct {
	Actor    NodeRef   `json:"actor"`
	Kind     string    `json:"kind"`
	Score    float64   `json:"score"`
	Reasons  []string  `json:"reasons"`
	Evidence []NodeRef `json:"evidence"` // the ties, fields or achievements behind it
}

// ImportanceParts are the terms of a missing segment's importance.
type ImportanceParts struct {
	Bridge      float64 `json:"bridge"`
	Betweenness float64 `json:"betweenness"`
	Reach       float64 `json:"reach"`
	Policy      float64 `json:"policy"`
}

// FillTarget is a missing segment with its importance and candidates (补链).
type FillTarget struct {
	Segment    NodeRef         `json:"segment"`
	Stage      string          `json:"stage,omitempty"`
	Importance float64         `json:"importance"`
	Parts      ImportanceParts `json:"parts"`
	Reasons    []string        `json:"reasons"`
	Candidates []Candidate     `json:"candidates"`
}

// Partnership is a knowledge actor and an enterprise that share fields and
// do not cooperate yet (强链: broker it).
type Partnership struct {
	Knowledge        NodeRef   `json:"knowledge"`
	Enterprise       NodeRef   `json:"enterprise"`
	Score            float64   `json:"score"`
	Jaccard          float64   `json:"jaccard"`
	AdamicAdar       float64   `json:"adamicAdar"`
	SharedFields     []NodeRef `json:"sharedFields"`
	SharedNeighbours []NodeRef `json:"sharedNeighbours"`
	Segments         []NodeRef `json:"segments"` // the firm's non-strong segments in the chain
	Reasons          []string  `json:"reasons"`
}

// ServiceCandidate is a platform, PoC center, incubator or park to engage.
type ServiceCandidate struct {
	Actor    NodeRef   `json:"actor"`
	Local    bool      `json:"local"`
	Score    float64   `json:"score"` // share of the non-strong segments it can serve
	Segments []NodeRef `json:"segments"`
	Reasons  []string  `json:"reasons"`
}

// StrengthenReport is the 强链 list: weak segments, partnerships, services.
type StrengthenReport struct {
	Weak         []SegmentVerdict   `json:"weak"`    // WEAK segments, by score, ties by id
	Flagged      []SegmentVerdict   `json:"flagged"` // COVERED segments that still carry flags
	Partnerships []Partnership      `json:"partnerships"`
	Services     []ServiceCandidate `json:"services"`
}

// Frontier is a segment one FEEDS hop from the chain's present segments,
// where the district has actors nearby (延链).
type Frontier struct {
	Segment          NodeRef   `json:"segment"`
	Chain            NodeRef   `json:"chain"`
	InChain          bool      `json:"inChain"`
	Direction        string    `json:"direction"` // UPSTREAM, DOWNSTREAM or BOTH relative to Via
	Via              []NodeRef `json:"via"`
	Score            float64   `json:"score"`
	FieldCoverage    float64   `json:"fieldCoverage"`
	LocalFirms       []NodeRef `json:"localFirms"`
	LocalResearchers []NodeRef `json:"localResearchers"`
	Reasons          []string  `json:"reasons"`
}

// BuildEntry is one chain in the build view (建链).
type BuildEntry struct {
	Chain           NodeRef      `json:"chain"`
	Completeness    float64      `json:"completeness"`
	Strength        float64      `json:"strength"`
	StatusCounts    StatusCounts `json:"statusCounts"`
	Leaders         []NodeRef    `json:"leaders"`
	ChainMasters    []NodeRef    `json:"chainMasters"`
	NeedsBuild      bool         `json:"needsBuild"`
	Reasons         []string     `json:"reasons"`
	PresentSegments []NodeRef    `json:"presentSegments"`
	Anchors         []Candidate  `json:"anchors"`
}

// topK keeps the best k items by a comparison (negative: a before b).
func topK[T any](items []T, k int, less func(a, b T) int) []T {
	slices.SortFunc(items, less)
	if len(items) > k {
		items = items[:k]
	}
	return items
}

func byScore(a, b Candidate) int {
	return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Actor.ID, b.Actor.ID), cmp.Compare(a.Kind, b.Kind))
}

// betweenness returns the normalised betweenness centrality of each chain
// segment in the directed FEEDS graph among the chain's segments (Brandes).
func (a *Analyzer) betweenness() []float64 {
	n := len(a.segs)
	cb := make([]float64, n)
	pred := make([][]int, n)
	sigma := make([]float64, n)
	dist := make([]int, n)
	delta := make([]float64, n)
	stack := make([]int, 0, n)
	for s := 0; s < n; s++ {
		stack = stack[:0]
		for i := range dist {
			pred[i], sigma[i], dist[i], delta[i] = pred[i][:0], 0, -1, 0
		}
		sigma[s], dist[s] = 1, 0
		stack = append(stack, s)
		// stack doubles as the BFS queue: it holds the vertices in the
		// order they are dequeued.
		for h := 0; h < len(stack); h++ {
			v := stack[h]
			for _, w := range a.segs[v].succs {
				if dist[w] < 0 {
					dist[w] = dist[v] + 1
					stack = append(stack, w)
				}
				if dist[w] == dist[v]+1 {
					sigma[w] += sigma[v]
					pred[w] = append(pred[w], v)
				}
			}
		}
		for i := len(stack) - 1; i >= 0; i-- {
			w := stack[i]
			for _, v := range pred[w] {
				delta[v] += sigma[v] / sigma[w] * (1 + delta[w])
			}
			if w != s {
				cb[w] += delta[w]
			}
		}
	}
	if n > 2 {
		for i := range cb {
			cb[i] /= float64((n - 1) * (n - 2))
		}
	} else {
		clear(cb)
	}
	return cb
}

// reach returns, per chain segment, the share of the chain's other segments
// reachable downstream along FEEDS.
func (a *Analyzer) reach(i int) float64 {
	n := len(a.segs)
	if n < 2 {
		return 0
	}
	seen := make([]bool, n)
	seen[i] = true
	queue := []int{i}
	for h := 0; h < len(queue); h++ {
		for _, w := range a.segs[queue[h]].succs {
			if !seen[w] {
				seen[w] = true
				queue = append(queue, w)
			}
		}
	}
	return float64(len(queue)-1) / float64(n-1)
}

// Fill ranks the missing segments by importance and lists candidates for each.
func (a *Analyzer) Fill() []FillTarget {
	ix, o := a.ix, a.ix.opt
	out := []FillTarget{}
	var bc []float64
	for i, si := range a.segs {
		if si.present {
			continue
		}
		if bc == nil {
			bc = a.betweenness()
		}
		s := si.node
		ft := FillTarget{Segment: refOf(s), Stage: s.Facts.Stage, Reasons: []string{}, Candidates: []Candidate{}}
		var upPresent, downPresent []int32
		for _, p := range si.preds {
			if a.segs[p].present {
				upPresent = append(upPresent, a.segs[p].v)
			}
		}
		for _, p := range si.succs {
			if a.segs[p].present {
				downPresent = append(downPresent, a.segs[p].v)
			}
		}
		parts := ImportanceParts{Betweenness: bc[i], Reach: a.reach(i)}
		if len(upPresent) > 0 {
			parts.Bridge += 0.5
		}
		if len(downPresent) > 0 {
			parts.Bridge += 0.5
		}
		if pw, ok := s.Facts.PolicyWeight, s.Facts.Set&FactPolicyWeight != 0; ok {
			parts.Policy = math.Max(0, math.Min(1, pw))
		}
		w := o.Importance
		ft.Importance = round4(w.Bridge*parts.Bridge + w.Betweenness*parts.Betweenness + w.Reach*parts.Reach + w.Policy*parts.Policy)
		ft.Parts = ImportanceParts{Bridge: parts.Bridge, Betweenness: round4(parts.Betweenness), Reach: round4(parts.Reach), Policy: round4(parts.Policy)}
		ft.Reasons = append(ft.Reasons, fmt.Sprintf("no local enterprise in %s (缺链); importance %.2f = %.1f*bridge %.2f + %.1f*betweenness %.2f + %.1f*reach %.2f + %.1f*policy %.2f",
			o.Scope, ft.Importance, w.Bridge, parts.Bridge, w.Betweenness, parts.Betweenness, w.Reach, parts.Reach, w.Policy, parts.Policy))
		switch {
		case len(upPresent) > 0 && len(downPresent) > 0:
			ft.Reasons = append(ft.Reasons, fmt.Sprintf("a gap between covered segments: fed by %s and feeding %s, both with local firms", ix.labels(upPresent, 3), ix.labels(downPresent, 3)))
		case len(upPresent) > 0:
			ft.Reasons = append(ft.Reasons, "fed by covered segment(s) "+ix.labels(upPresent, 3))
		case len(downPresent) > 0:
			ft.Reasons = append(ft.Reasons, "feeds covered segment(s) "+ix.labels(downPresent, 3)+", which depend on outside supply without it")
		}
		if parts.Betweenness > 0 {
			ft.Reasons = append(ft.Reasons, fmt.Sprintf("betweenness %.2f: lies on FEEDS paths between other segments", parts.Betweenness))
		}
		if parts.Reach > 0 {
			ft.Reasons = append(ft.Reasons, fmt.Sprintf("feeds %s of the chain's other segments downstream", pct(parts.Reach)))
		}
		if parts.Policy > 0 {
			ft.Reasons = append(ft.Reasons, fmt.Sprintf("policy weight %.2f", parts.Policy))
		}
		ft.Candidates = a.fillCandidates(si, append(upPresent, downPresent...))
		if len(ft.Candidates) == 0 {
			ft.Reasons = append(ft.Reasons, "no candidate in the graph: no outside firm operates in it, no adjacent local firm researches its fields, no mature local result applies")
		}
		out = append(out, ft)
	}
	slices.SortFunc(out, func(x, y FillTarget) int {
		return cmp.Or(cmp.Compare(y.Importance, x.Importance), cmp.Compare(x.Segment.ID, y.Segment.ID))
	})
	return out
}

// fillCandidates scores outside firms in the segment, local firms in
// adjacent present segments with matching fields, and local research
// actors with mature matching achievements.
func (a *Analyzer) fillCandidates(si *segInfo, adjacent []int32) []Candidate {
	ix, o := a.ix, a.ix.opt
	req := slices.Compact(slices.Clone(si.fields)) // sorted: an outs list
	var cands []Candidate
	// 1. Outside enterprises already operating in the segment.
	for _, e := range si.outside {
		n := ix.node(e)
		ties := ix.localTies(e)
		score := 0.6*ix.tier(e) + 0.4*float64(min(len(ties), 3))/3
		c := Candidate{Actor: refOf(n), Kind: CandidateOutside, Score: round4(score), Evidence: ix.refs(ties),
			Reasons: []string{fmt.Sprintf("already operates in %s from %s (%s): attract or bring in (招商引资)", si.node.Name, regionOf(n), tierLabel(n))}}
		if len(ties) > 0 {
			c.Reasons = append(c.Reasons, fmt.Sprintf("%d tie(s) to local actors: %s", len(ties), ix.labels(ties, 3)))
		} else {
			c.Reasons = append(c.Reasons, "no tie to local actors yet")
		}
		cands = append(cands, c)
	}
	// 2. Local firms in adjacent present segments researching required fields.
	if len(req) > 0 {
		type firmAdj struct{ firm, seg int32 }
		var adj []firmAdj
		for _, s := range adjacent {
			for _, f := range a.seg(s).firms {
				adj = append(adj, firmAdj{f, s})
			}
		}
		// By firm (id order), each firm's segments in the order met.
		slices.SortStableFunc(adj, func(x, y firmAdj) int { return cmp.Compare(x.firm, y.firm) })
		segs := make([]int32, 0, len(adjacent))
		for lo := 0; lo < len(adj); {
			f := adj[lo].firm
			segs = segs[:0]
			for ; lo < len(adj) && adj[lo].firm == f; lo++ {
				segs = append(segs, adj[lo].seg)
			}
			match := intersectSorted(ix.outs(slotResearches, f), req)
			if len(match) == 0 {
				continue
			}
			n := ix.node(f)
			cov := float64(len(match)) / float64(len(req))
			score := 0.6*cov + 0.4*ix.tier(f)
			cands = append(cands, Candidate{Actor: refOf(n), Kind: CandidateAdjacent, Score: round4(score), Evidence: ix.refs(match),
				Reasons: []string{
					fmt.Sprintf("local firm in adjacent segment %s (%s)", ix.labels(segs, 3), tierLabel(n)),
					fmt.Sprintf("researches %d of %d required field(s): %s", len(match), len(req), ix.labels(match, 3)),
				}})
		}
		// 3. Local labs and universities with mature matching achievements.
		var achs, matched []int32
		for _, k := range ix.researchers {
			achs, matched = achs[:0], matched[:0]
			maxMat := int64(0)
			for _, ach := range ix.outs(slotProduced, k) {
				an := ix.node(ach)
				if an.Kind != KindAchievement || an.Facts.Maturity < int64(o.MinMaturity) {
					continue
				}
				m := intersectSorted(ix.outs(slotAppliesTo, ach), req)
				if len(m) == 0 {
					continue
				}
				achs = append(achs, ach)
				matched = append(matched, m...)
				maxMat = max(maxMat, an.Facts.Maturity)
			}
			if len(achs) == 0 {
				continue
			}
			matched = sortedUnique(matched)
			cov := float64(len(matched)) / float64(len(req))
			score := 0.6*cov + 0.4*float64(min(maxMat, 9))/9
			cands = append(cands, Candidate{Actor: ix.ref(k), Kind: CandidateSpinOff, Score: round4(score), Evidence: ix.refs(achs),
				Reasons: []string{
					fmt.Sprintf("%d mature result(s) (readiness >= %d, best %d): %s", len(achs), o.MinMaturity, maxMat, ix.labels(achs, 3)),
					fmt.Sprintf("they apply to %d of %d required field(s): %s; spin off or license (成果转化)", len(matched), len(req), ix.labels(matched, 3)),
				}})
		}
	}
	return topK(cands, o.MaxCandidates, byScore)
}

func regionOf(n *ProjNode) string {
	if r := n.Facts.Region; r != "" {
		return r
	}
	return "an unknown region"
}

// localTies returns the local actors joined to v by any edge, in id order.
func (ix *index) localTies(v int32) []int32 {
	var out []int32
	outs, ins := ix.around(v)
	for _, l := range [2][]int32{outs, ins} {
		for _, x := range l {
			if f := ix.info[x].flags; f&fLocal != 0 && f&fContext == 0 && x != v {
				out = append(out, x)
			}
		}
	}
	return sortedUnique(out)
}

// Strengthen lists weak segments, partnerships to broker and services to engage.
func (a *Analyzer) Strengthen() *StrengthenReport {
	r := &StrengthenReport{Weak: []SegmentVerdict{}, Flagged: []SegmentVerdict{}}
	for _, si := range a.segs {
		switch {
		case si.verdict.Status == StatusWeak:
			r.Weak = append(r.Weak, si.verdict)
		case si.verdict.Status == StatusCovered && len(si.verdict.Flags) > 0:
			r.Flagged = append(r.Flagged, si.verdict)
		}
	}
	slices.SortFunc(r.Weak, func(x, y SegmentVerdict) int {
		return cmp.Or(cmp.Compare(x.Score, y.Score), cmp.Compare(x.Segment.ID, y.Segment.ID))
	})
	r.Partnerships = a.partnerships()
	r.Services = a.services()
	return r
}

// neighbours appends to buf the actor neighbours of v for Adamic-Adar,
// in id order: every node joined by any edge, except chains, segments and
// tech fields (every actor of the chain shares those; fields count in the
// Jaccard term instead).
func (ix *index) neighbours(v int32, buf []int32) []int32 {
	buf = buf[:0]
	outs, ins := ix.around(v)
	for _, l := range [2][]int32{outs, ins} {
		for _, x := range l {
			if ix.info[x].flags&fContext == 0 && x != v {
				buf = append(buf, x)
			}
		}
	}
	return sortedUnique(buf)
}

// partnerships ranks (local university or lab, local firm in a non-strong
// segment of the chain) pairs that share a tech field and do not cooperate:
// JaccardWeight*Jaccard(fields) + AdamicAdarWeight*sum over shared actor
// neighbours z of 1/ln(deg z). A firm's fields are those it researches plus
// those its segments require; a lab's, those it researches.
func (a *Analyzer) partnerships() []Partnership {
	ix, o := a.ix, a.ix.opt
	// The candidate firms: the local firms of the non-strong segments,
	// numbered by rank (id order), each with its non-strong segments in
	// segment order (CSR: segs[segOff[r]:segOff[r+1]]).
	set := newNodeSet(len(ix.info))
	for _, si := range a.segs {
		if si.verdict.Status != StatusStrong {
			for _, f := range si.firms {
				set.add(f)
			}
		}
	}
	nf := set.freeze()
	firms := set.members(nf)
	segOff := make([]int32, nf+2)
	for _, si := range a.segs {
		if si.verdict.Status != StatusStrong {
			for _, f := range si.firms {
				segOff[set.rank(f)+2]++
			}
		}
	}
	for r := 2; r < len(segOff); r++ {
		segOff[r] += segOff[r-1]
	}
	segs := make([]int32, segOff[nf+1])
	for _, si := range a.segs {
		if si.verdict.Status != StatusStrong {
			for _, f := range si.firms {
				r := set.rank(f) + 1
				segs[segOff[r]] = si.v
				segOff[r]++
			}
		}
	}
	segOff = segOff[:nf+1]
	firmSegs := func(r int) []int32 { return segs[segOff[r]:segOff[r+1]] }
	// Firms with the same field set score the same Jaccard with any lab:
	// group them, so a lab is compared with each group once and only the
	// first firms of a group (by id) can enter the top k on Jaccard alone.
	type group struct {
		fields []int32
		firms  []int32 // in id order
	}
	var groups []*group
	byKey := map[string]int32{}
	groupOf := make([]int32, nf)
	var fields []int32
	var key []byte
	for r, f := range firms {
		fields = append(fields[:0], ix.outs(slotResearches, f)...)
		for _, s := range firmSegs(r) {
			fields = append(fields, a.seg(s).fields...)
		}
		fields = sortedUnique(fields)
		key = key[:0]
		for _, fl := range fields {
			key = append(key, byte(fl), byte(fl>>8), byte(fl>>16), byte(fl>>24))
		}
		gi, ok := byKey[string(key)]
		if !ok {
			gi = int32(len(groups))
			byKey[string(key)] = gi
			groups = append(groups, &group{fields: slices.Clone(fields)})
		}
		groupOf[r] = gi
	}
	// Group members in one backing array, each group's in id order.
	count := make([]int32, len(groups)+1)
	for _, gi := range groupOf {
		count[gi+1]++
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	members := make([]int32, nf)
	for r, gi := range groupOf {
		members[count[gi]] = firms[r]
		count[gi]++
	}
	start := int32(0)
	for gi, g := range groups {
		g.firms = members[start:count[gi]:count[gi]]
		start = count[gi]
	}
	// Groups in the order of their field ids (as the joined ids would sort).
	glist := slices.Clone(groups)
	slices.SortFunc(glist, func(x, y *group) int { return slices.Compare(x.fields, y.fields) })
	var out []Partnership
	less := func(x, y Partnership) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.Knowledge.ID, y.Knowledge.ID), cmp.Compare(x.Enterprise.ID, y.Enterprise.ID))
	}
	// admits reports whether a pair with this score would enter the top k.
	admits := func(score float64, k, f int32) bool {
		if len(out) < o.MaxCandidates {
			return true
		}
		return less(Partnership{Score: round4(score), Knowledge: NodeRef{ID: ix.id(k)}, Enterprise: NodeRef{ID: ix.id(f)}}, out[len(out)-1]) < 0
	}
	add := func(k, f int32, kf []int32, g *group, j, aa float64, shared []int32) {
		score := o.JaccardWeight*j + o.AdamicAdarWeight*aa
		if !admits(score, k, f) {
			return
		}
		fs := firmSegs(set.rank(f))
		sf := intersectSorted(kf, g.fields)
		p := Partnership{Knowledge: ix.ref(k), Enterprise: ix.ref(f), Score: round4(score), Jaccard: round4(j), AdamicAdar: round4(aa),
			SharedFields: ix.refs(sf), SharedNeighbours: ix.refs(shared), Segments: ix.refs(fs)}
		p.Reasons = []string{
			fmt.Sprintf("share %d field(s): %s (Jaccard %.2f)", len(sf), ix.labels(sf, 3), j),
			fmt.Sprintf("no cooperation yet; the firm works in %s", ix.labels(fs, 3)),
		}
		if len(shared) > 0 {
			p.Reasons = append(p.Reasons, fmt.Sprintf("common neighbours %s (Adamic-Adar %.2f)", ix.labels(shared, 3), aa))
		}
		i, _ := slices.BinarySearchFunc(out, p, less)
		out = slices.Insert(out, i, p)
		if len(out) > o.MaxCandidates {
			out = out[:o.MaxCandidates]
		}
	}
	jaccard := func(kf []int32, g *group) float64 {
		inter := 0
		for _, fl := range g.fields {
			if has(kf, fl) {
				inter++
			}
		}
		if inter == 0 {
			return 0
		}
		return float64(inter) / float64(len(kf)+len(g.fields)-inter)
	}
	aa := make([]float64, nf) // Adamic-Adar of the current lab with each firm (by rank); 0 untouched
	var touched, coop, nk, nz []int32
	for _, k := range ix.researchers {
		kf := ix.outs(slotResearches, k)
		if len(kf) == 0 {
			continue
		}
		coop = append(append(coop[:0], ix.outs(slotCooperates, k)...), ix.ins(slotCooperates, k)...)
		coop = sortedUnique(coop)
		// Adamic-Adar from k: sum over its neighbours z, over z's neighbours.
		nk = ix.neighbours(k, nk)
		touched = touched[:0]
		for _, z := range nk {
			nz = ix.neighbours(z, nz)
			if len(nz) < 2 {
				continue
			}
			w := 1 / math.Log(float64(len(nz)))
			for _, f := range nz {
				if set.has(f) {
					r := set.rank(f)
					if aa[r] == 0 {
						touched = append(touched, f)
					}
					aa[r] += w
				}
			}
		}
		// shared lists the common neighbours of k and f (few pairs get here).
		shared := func(f int32) []int32 {
			var out []int32
			for _, z := range nk {
				if nz = ix.neighbours(z, nz); len(nz) >= 2 && has(nz, f) {
					out = append(out, z)
				}
			}
			return out
		}
		slices.Sort(touched)
		for _, f := range touched {
			r := set.rank(f)
			g := groups[groupOf[r]]
			if j := jaccard(kf, g); j > 0 && !has(coop, f) {
				if score := o.JaccardWeight*j + o.AdamicAdarWeight*aa[r]; admits(score, k, f) {
					add(k, f, kf, g, j, aa[r], shared(f))
				}
			}
		}
		for _, g := range glist {
			j := jaccard(kf, g)
			if j == 0 || !admits(o.JaccardWeight*j, k, g.firms[0]) {
				continue
			}
			taken := 0
			for _, f := range g.firms {
				if taken == o.MaxCandidates {
					break
				}
				if aa[set.rank(f)] > 0 || has(coop, f) {
					continue // scored above with its Adamic-Adar, or already cooperating
				}
				add(k, f, kf, g, j, 0, nil)
				taken++
			}
		}
		for _, f := range touched {
			aa[set.rank(f)] = 0
		}
	}
	if out == nil {
		out = []Partnership{}
	}
	return out
}

// services ranks the platforms, PoC centers, incubators and parks that
// serve the chain, a non-strong segment or a field it requires.
func (a *Analyzer) services() []ServiceCandidate {
	ix, o := a.ix, a.ix.opt
	var targets []*segInfo
	for _, si := range a.segs {
		if si.verdict.Status != StatusStrong {
			targets = append(targets, si)
		}
	}
	out := []ServiceCandidate{}
	if len(targets) == 0 {
		return out
	}
	var segs []int32
	for v := range ix.info {
		if ix.info[v].flags&fService == 0 {
			continue
		}
		n := ix.node(int32(v))
		served := ix.outs(slotServes, int32(v))
		if len(served) == 0 {
			continue
		}
		segs = segs[:0]
		var why []string
		wholeChain := has(served, ix.chain)
		for _, si := range targets {
			switch {
			case wholeChain || has(served, si.v):
				segs = append(segs, si.v)
			default:
				if m := intersectSorted(si.fields, served); len(m) > 0 {
					segs = append(segs, si.v)
					why = append(why, fmt.Sprintf("serves %s, which %s requires", ix.labels(m, 2), si.node.Name))
				}
			}
		}
		if len(segs) == 0 {
			continue
		}
		c := ServiceCandidate{Actor: refOf(n), Local: ix.is(int32(v), fLocal), Segments: ix.refs(segs),
			Score: round4(float64(len(segs)) / float64(len(targets)))}
		if wholeChain {
			c.Reasons = append(c.Reasons, "serves the whole chain")
		}
		slices.Sort(why)
		c.Reasons = append(c.Reasons, why...)
		c.Reasons = append(c.Reasons, fmt.Sprintf("can help %d of %d non-strong segment(s): %s", len(segs), len(targets), ix.labels(segs, 4)))
		out = append(out, c)
	}
	return topK(out, o.MaxCandidates, func(x, y ServiceCandidate) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.Actor.ID, y.Actor.ID))
	})
}

// segmentChain returns the chain a segment belongs to.
func (ix *index) segmentChain(v int32) NodeRef {
	for _, c := range ix.ins(slotHasSegment, v) {
		return ix.ref(c)
	}
	if c := ix.node(v).Facts.ChainID; c != "" {
		return ix.refByID(c)
	}
	return NodeRef{}
}

// Extend lists the segments one FEEDS hop up or down from the chain's
// present segments that the chain does not cover yet, where the district
// has local firms in them or local researchers of their fields.
func (a *Analyzer) Extend() []Frontier {
	ix, o := a.ix, a.ix.opt
	type frontier struct {
		down, up bool
		via      []int32 // present chain segments next to it
	}
	var order []int32
	fronts := map[int32]*frontier{}
	add := func(x int32, down bool, from int32) {
		if b := a.seg(x); b != nil && b.present {
			return
		}
		f := fronts[x]
		if f == nil {
			f = &frontier{}
			fronts[x] = f
			order = append(order, x)
		}
		if down {
			f.down = true
		} else {
			f.up = true
		}
		if !slices.Contains(f.via, from) {
			f.via = append(f.via, from)
		}
	}
	for _, si := range a.segs {
		if !si.present {
			continue
		}
		for _, x := range ix.outs(slotFeeds, si.v) {
			add(x, true, si.v)
		}
		for _, x := range ix.ins(slotFeeds, si.v) {
			add(x, false, si.v)
		}
	}
	out := []Frontier{}
	for _, xv := range order {
		f := fronts[xv]
		vs := f.via
		slices.Sort(vs)
		dir := "DOWNSTREAM"
		switch {
		case f.down && f.up:
			dir = "BOTH"
		case f.up:
			dir = "UPSTREAM"
		}
		x := ix.node(xv)
		var firms []int32
		for _, e := range ix.ins(slotOperatesIn, xv) {
			if ix.is(e, fEnterprise|fLocal) {
				firms = append(firms, e)
			}
		}
		fields := ix.outs(slotRequires, xv)
		var res []int32
		covered := 0
		for _, fl := range fields {
			hit := false
			for _, r := range ix.ins(slotResearches, fl) {
				if ix.is(r, fLocal) {
					res = append(res, r)
					hit = true
				}
			}
			if hit {
				covered++
			}
		}
		res = sortedUnique(res)
		if len(firms) == 0 && len(res) == 0 {
			continue
		}
		cov := 0.0
		if len(fields) > 0 {
			cov = float64(covered) / float64(len(fields))
		}
		anchor := 0.0
		for _, v := range vs {
			anchor = max(anchor, a.seg(v).verdict.Score)
		}
		score := 0.5*float64(min(len(firms), 3))/3 + 0.3*cov + 0.2*anchor
		fr := Frontier{Segment: refOf(x), Chain: ix.segmentChain(xv), InChain: ix.is(xv, fChainSeg), Direction: dir,
			Via: ix.refs(vs), Score: round4(score), FieldCoverage: round4(cov),
			LocalFirms: ix.refs(firms), LocalResearchers: ix.refs(res)}
		where := "in chain " + fr.Chain.Label()
		if fr.InChain {
			where = "in this chain (also a fill target)"
		}
		rel := map[string]string{"DOWNSTREAM": "downstream of", "UPSTREAM": "upstream of", "BOTH": "between"}[dir]
		fr.Reasons = append(fr.Reasons, fmt.Sprintf("one FEEDS hop %s %s, %s", rel, ix.labels(vs, 3), where))
		if len(firms) > 0 {
			fr.Reasons = append(fr.Reasons, fmt.Sprintf("%d local firm(s) already operate in it: %s", len(firms), ix.labels(firms, 3)))
		}
		if len(fields) > 0 {
			fr.Reasons = append(fr.Reasons, fmt.Sprintf("local actors research %d of %d of its fields: %s", covered, len(fields), ix.labels(res, 3)))
		}
		out = append(out, fr)
	}
	return topK(out, o.MaxCandidates, func(x, y Frontier) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.Segment.ID, y.Segment.ID))
	})
}

// knowledgeTies returns the local universities and labs joined to v by any
// edge, in id order.
func (ix *index) knowledgeTies(v int32) []int32 {
	var out []int32
	outs, ins := ix.around(v)
	for _, l := range [2][]int32{outs, ins} {
		for _, x := range l {
			if ix.is(x, fResearcher) {
				out = append(out, x)
			}
		}
	}
	return sortedUnique(out)
}

// hasKnowledgeTie reports whether knowledgeTies(v) is not empty.
func (ix *index) hasKnowledgeTie(v int32) bool {
	outs, ins := ix.around(v)
	for _, l := range [2][]int32{outs, ins} {
		for _, x := range l {
			if ix.is(x, fResearcher) {
				return true
			}
		}
	}
	return false
}

// Build returns the chain's build-view entry (建链): coverage, chain-masters
// and anchor candidates.
func (a *Analyzer) Build() BuildEntry {
	ix, o := a.ix, a.ix.opt
	g := a.Gap()
	masters := ix.ins(slotMasters, ix.chain)
	b := BuildEntry{Chain: g.Chain, Completeness: g.Completeness, Strength: g.Strength, StatusCounts: g.StatusCounts,
		Leaders: ix.refs(a.chainLeaders()), ChainMasters: ix.refs(masters), PresentSegments: []NodeRef{}, Reasons: []string{}}
	for _, si := range a.segs {
		if si.present {
			b.PresentSegments = append(b.PresentSegments, refOf(si.node))
		}
	}
	if g.Completeness < o.CoverageThreshold {
		b.NeedsBuild = true
		b.Reasons = append(b.Reasons, fmt.Sprintf("completeness %s below the %s threshold: %d of %d segments have local firms", pct(g.Completeness), pct(o.CoverageThreshold), len(b.PresentSegments), len(a.segs)))
	}
	if len(b.ChainMasters) == 0 {
		b.NeedsBuild = true
		b.Reasons = append(b.Reasons, "no chain-master enterprise (链主) MASTERS the chain")
	}
	if !b.NeedsBuild {
		b.Reasons = append(b.Reasons, fmt.Sprintf("completeness %s and chain-master(s) %s: build is done, fill and strengthen instead", pct(g.Completeness), ix.labels(masters, 3)))
	}
	// Anchors: local firms in the chain's segments or researching its fields,
	// and outside leaders operating in it. A firm's segments are those it
	// counts in (as a local firm, or an outside leader).
	inSeg := func(si *segInfo, f int32) bool {
		return has(si.firms, f) || ix.is(f, fLeader) && has(si.outside, f)
	}
	set := newNodeSet(len(ix.info))
	var chainFields []int32
	for _, si := range a.segs {
		chainFields = append(chainFields, si.fields...)
		for _, f := range si.firms {
			set.add(f)
		}
		for _, f := range si.outside {
			if ix.is(f, fLeader) {
				set.add(f)
			}
		}
	}
	for _, f := range sortedUnique(chainFields) {
		for _, r := range ix.ins(slotResearches, f) {
			if ix.is(r, fEnterprise|fLocal) {
				set.add(r)
			}
		}
	}
	total := set.freeze()
	nsegs := make([]int32, total) // by rank
	for _, si := range a.segs {
		for _, f := range si.firms {
			nsegs[set.rank(f)]++
		}
		for _, f := range si.outside {
			if ix.is(f, fLeader) {
				nsegs[set.rank(f)]++
			}
		}
	}
	type scored struct {
		firm  int32
		score float64
	}
	better := func(x, y scored) int { return cmp.Or(cmp.Compare(y.score, x.score), cmp.Compare(x.firm, y.firm)) }
	top := make([]scored, 0, o.MaxCandidates+1)
	for r, f := range set.members(total) {
		share := 0.0
		if len(a.segs) > 0 {
			share = float64(nsegs[r]) / float64(len(a.segs))
		}
		kt := 0.0
		if ix.hasKnowledgeTie(f) {
			kt = 1
		}
		sc := scored{f, round4(0.5*ix.tier(f) + 0.3*share + 0.2*kt)}
		if len(top) == o.MaxCandidates && better(sc, top[len(top)-1]) >= 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(top, sc, better)
		top = slices.Insert(top, i, sc)
		if len(top) > o.MaxCandidates {
			top = top[:o.MaxCandidates]
		}
	}
	var cands []Candidate
	for _, sc := range top {
		f := sc.firm
		n := ix.node(f)
		var segs []int32
		for _, si := range a.segs {
			if inSeg(si, f) {
				segs = append(segs, si.v)
			}
		}
		c := Candidate{Actor: refOf(n), Kind: CandidateAnchor, Score: sc.score, Evidence: ix.refs(segs)}
		if ix.is(f, fLocal) {
			c.Reasons = append(c.Reasons, fmt.Sprintf("local firm (%s)", tierLabel(n)))
		} else {
			c.Reasons = append(c.Reasons, fmt.Sprintf("leader outside %s (%s): attract as anchor", o.Scope, tierLabel(n)))
		}
		if len(segs) > 0 {
			c.Reasons = append(c.Reasons, fmt.Sprintf("operates in %d of %d segment(s): %s", len(segs), len(a.segs), ix.labels(segs, 3)))
		} else {
			c.Reasons = append(c.Reasons, "researches a field the chain requires, not yet in a segment")
		}
		if kt := ix.knowledgeTies(f); len(kt) > 0 {
			c.Reasons = append(c.Reasons, "ties to local knowledge: "+ix.labels(kt, 3))
		}
		cands = append(cands, c)
	}
	b.Anchors = topK(cands, o.MaxCandidates, byScore)
	if b.Anchors == nil {
		b.Anchors = []Candidate{}
	}
	return b
}

// BuildView runs Build over several chains' projections, chains needing a
// build first, then by completeness, then by id.
func BuildView(ps []*Projection, opt Options) ([]BuildEntry, error) {
	out := make([]BuildEntry, 0, len(ps))
	for _, p := range ps {
		a, err := NewAnalyzer(p, opt)
		if err != nil {
			return nil, err
		}
		out = append(out, a.Build())
	}
	slices.SortFunc(out, func(x, y BuildEntry) int {
		nb := func(b bool) int {
			if b {
				return 0
			}
			return 1
		}
		return cmp.Or(cmp.Compare(nb(x.NeedsBuild), nb(y.NeedsBuild)), cmp.Compare(x.Completeness, y.Completeness), cmp.Compare(x.Chain.ID, y.Chain.ID))
	})
	return out, nil
}
