package graph

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
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
	succ := make([][]int, n)
	for i, si := range a.segs {
		for _, s := range a.chainSuccs(si.node.ID) {
			succ[i] = append(succ[i], a.ix.segPos[s])
		}
	}
	for s := 0; s < n; s++ {
		var stack []int
		pred := make([][]int, n)
		sigma := make([]float64, n)
		dist := make([]int, n)
		for i := range dist {
			dist[i] = -1
		}
		sigma[s], dist[s] = 1, 0
		queue := []int{s}
		for len(queue) > 0 {
			v := queue[0]
			queue = queue[1:]
			stack = append(stack, v)
			for _, w := range succ[v] {
				if dist[w] < 0 {
					dist[w] = dist[v] + 1
					queue = append(queue, w)
				}
				if dist[w] == dist[v]+1 {
					sigma[w] += sigma[v]
					pred[w] = append(pred[w], v)
				}
			}
		}
		delta := make([]float64, n)
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
	seen := map[string]bool{a.segs[i].node.ID: true}
	queue := []string{a.segs[i].node.ID}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range a.chainSuccs(v) {
			if !seen[w] {
				seen[w] = true
				queue = append(queue, w)
			}
		}
	}
	return float64(len(seen)-1) / float64(n-1)
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
		ft := FillTarget{Segment: refOf(s), Stage: propString(s, "stage"), Reasons: []string{}, Candidates: []Candidate{}}
		var upPresent, downPresent []string
		for _, p := range a.chainPreds(s.ID) {
			if a.byID[p].present {
				upPresent = append(upPresent, p)
			}
		}
		for _, p := range a.chainSuccs(s.ID) {
			if a.byID[p].present {
				downPresent = append(downPresent, p)
			}
		}
		parts := ImportanceParts{Betweenness: bc[i], Reach: a.reach(i)}
		if len(upPresent) > 0 {
			parts.Bridge += 0.5
		}
		if len(downPresent) > 0 {
			parts.Bridge += 0.5
		}
		if pw, ok := propFloat(s.Props, "policyWeight"); ok {
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
func (a *Analyzer) fillCandidates(si *segInfo, adjacent []string) []Candidate {
	ix, o := a.ix, a.ix.opt
	req := setOf(si.fields)
	var cands []Candidate
	// 1. Outside enterprises already operating in the segment.
	for _, e := range si.outside {
		n := ix.nodes[e].Node
		ties := ix.localTies(e)
		score := 0.6*tierScore(n) + 0.4*float64(min(len(ties), 3))/3
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
		firmAdj := map[string][]string{}
		for _, adj := range adjacent {
			for _, f := range a.byID[adj].firms {
				firmAdj[f] = append(firmAdj[f], adj)
			}
		}
		for _, f := range SortedKeys(firmAdj) {
			match := intersect(ix.outs(RelResearches, f), req)
			if len(match) == 0 {
				continue
			}
			n := ix.nodes[f].Node
			cov := float64(len(match)) / float64(len(req))
			score := 0.6*cov + 0.4*tierScore(n)
			cands = append(cands, Candidate{Actor: refOf(n), Kind: CandidateAdjacent, Score: round4(score), Evidence: ix.refs(match),
				Reasons: []string{
					fmt.Sprintf("local firm in adjacent segment %s (%s)", ix.labels(firmAdj[f], 3), tierLabel(n)),
					fmt.Sprintf("researches %d of %d required field(s): %s", len(match), len(req), ix.labels(match, 3)),
				}})
		}
		// 3. Local labs and universities with mature matching achievements.
		for _, k := range ix.researchers {
			var achs []string
			matched := map[string]bool{}
			maxMat := int64(0)
			for _, ach := range ix.outs(RelProduced, k) {
				an := ix.nodes[ach].Node
				if an.Kind != KindAchievement || propInt(an, "maturity") < int64(o.MinMaturity) {
					continue
				}
				m := intersect(ix.outs(RelAppliesTo, ach), req)
				if len(m) == 0 {
					continue
				}
				achs = append(achs, ach)
				for _, f := range m {
					matched[f] = true
				}
				maxMat = max(maxMat, propInt(an, "maturity"))
			}
			if len(achs) == 0 {
				continue
			}
			cov := float64(len(matched)) / float64(len(req))
			score := 0.6*cov + 0.4*float64(min(maxMat, 9))/9
			cands = append(cands, Candidate{Actor: ix.ref(k), Kind: CandidateSpinOff, Score: round4(score), Evidence: ix.refs(achs),
				Reasons: []string{
					fmt.Sprintf("%d mature result(s) (readiness >= %d, best %d): %s", len(achs), o.MinMaturity, maxMat, ix.labels(achs, 3)),
					fmt.Sprintf("they apply to %d of %d required field(s): %s; spin off or license (成果转化)", len(matched), len(req), ix.labels(sortedSet(matched), 3)),
				}})
		}
	}
	return topK(cands, o.MaxCandidates, byScore)
}

func regionOf(n *Node) string {
	if r := propString(n, "region"); r != "" {
		return r
	}
	return "an unknown region"
}

// allNeighbours returns every node joined to id by any edge (unsorted, may
// repeat).
func (ix *index) allNeighbours(id string) []string {
	n := ix.nodes[id]
	if n == nil {
		return nil
	}
	return append(slices.Clone(n.outID), n.inID...)
}

// localTies returns the local actors joined to id by any edge, sorted.
func (ix *index) localTies(id string) []string {
	set := map[string]bool{}
	for _, x := range ix.allNeighbours(id) {
		if n := ix.nodes[x]; n.local && n.Kind != KindChain && n.Kind != KindSegment && n.Kind != KindTechField {
			set[x] = true
		}
	}
	delete(set, id)
	return sortedSet(set)
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

// neighbours returns the actor neighbours of id for Adamic-Adar: every node
// joined by any edge, except chains, segments and tech fields (every actor
// of the chain shares those; fields count in the Jaccard term instead).
func (ix *index) neighbours(id string, cache map[string][]string) []string {
	if l, ok := cache[id]; ok {
		return l
	}
	set := map[string]bool{}
	add := func(x string) {
		switch ix.nodes[x].Kind {
		case KindChain, KindSegment, KindTechField:
			return
		}
		if x != id {
			set[x] = true
		}
	}
	for _, x := range ix.allNeighbours(id) {
		add(x)
	}
	l := sortedSet(set)
	cache[id] = l
	return l
}

// partnerships ranks (local university or lab, local firm in a non-strong
// segment of the chain) pairs that share a tech field and do not cooperate:
// JaccardWeight*Jaccard(fields) + AdamicAdarWeight*sum over shared actor
// neighbours z of 1/ln(deg z). A firm's fields are those it researches plus
// those its segments require; a lab's, those it researches.
func (a *Analyzer) partnerships() []Partnership {
	ix, o := a.ix, a.ix.opt
	firmSegs := map[string][]string{}
	for _, si := range a.segs {
		if si.verdict.Status == StatusStrong {
			continue
		}
		for _, f := range si.firms {
			firmSegs[f] = append(firmSegs[f], si.node.ID)
		}
	}
	// Firms with the same field set score the same Jaccard with any lab:
	// group them, so a lab is compared with each group once and only the
	// first firms of a group (by id) can enter the top k on Jaccard alone.
	type group struct {
		fields []string
		firms  []string
	}
	groups := map[string]*group{}
	firmGroup := map[string]*group{}
	for _, f := range SortedKeys(firmSegs) {
		set := setOf(ix.outs(RelResearches, f))
		for _, s := range firmSegs[f] {
			for _, fl := range a.byID[s].fields {
				set[fl] = true
			}
		}
		fields := sortedSet(set)
		key := strings.Join(fields, "\x00")
		g := groups[key]
		if g == nil {
			g = &group{fields: fields}
			groups[key] = g
		}
		g.firms = append(g.firms, f) // in id order
		firmGroup[f] = g
	}
	gkeys := SortedKeys(groups)
	cache := map[string][]string{}
	var out []Partnership
	less := func(x, y Partnership) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.Knowledge.ID, y.Knowledge.ID), cmp.Compare(x.Enterprise.ID, y.Enterprise.ID))
	}
	// admits reports whether a pair with this score would enter the top k.
	admits := func(score float64, k, f string) bool {
		if len(out) < o.MaxCandidates {
			return true
		}
		return less(Partnership{Score: round4(score), Knowledge: NodeRef{ID: k}, Enterprise: NodeRef{ID: f}}, out[len(out)-1]) < 0
	}
	add := func(k, f string, kf []string, g *group, j, aa float64, shared []string) {
		score := o.JaccardWeight*j + o.AdamicAdarWeight*aa
		if !admits(score, k, f) {
			return
		}
		sf := intersect(kf, setOf(g.fields))
		p := Partnership{Knowledge: ix.ref(k), Enterprise: ix.ref(f), Score: round4(score), Jaccard: round4(j), AdamicAdar: round4(aa),
			SharedFields: ix.refs(sf), SharedNeighbours: ix.refs(shared), Segments: ix.refs(firmSegs[f])}
		p.Reasons = []string{
			fmt.Sprintf("share %d field(s): %s (Jaccard %.2f)", len(sf), ix.labels(sf, 3), j),
			fmt.Sprintf("no cooperation yet; the firm works in %s", ix.labels(firmSegs[f], 3)),
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
	jaccard := func(kset map[string]bool, nk int, g *group) float64 {
		inter := 0
		for _, fl := range g.fields {
			if kset[fl] {
				inter++
			}
		}
		if inter == 0 {
			return 0
		}
		return float64(inter) / float64(nk+len(g.fields)-inter)
	}
	for _, k := range ix.researchers {
		kf := ix.outs(RelResearches, k)
		if len(kf) == 0 {
			continue
		}
		kset := setOf(kf)
		coop := setOf(ix.outs(RelCooperates, k))
		for _, x := range ix.ins(RelCooperates, k) {
			coop[x] = true
		}
		// Adamic-Adar from k: sum over its neighbours z, over z's neighbours.
		aa := map[string]float64{}
		shared := map[string][]string{}
		for _, z := range ix.neighbours(k, cache) {
			nz := ix.neighbours(z, cache)
			if len(nz) < 2 {
				continue
			}
			w := 1 / math.Log(float64(len(nz)))
			for _, f := range nz {
				if firmGroup[f] != nil {
					aa[f] += w
					shared[f] = append(shared[f], z)
				}
			}
		}
		for _, f := range SortedKeys(aa) {
			g := firmGroup[f]
			if j := jaccard(kset, len(kf), g); j > 0 && !coop[f] {
				add(k, f, kf, g, j, aa[f], shared[f])
			}
		}
		for _, key := range gkeys {
			g := groups[key]
			j := jaccard(kset, len(kf), g)
			if j == 0 || !admits(o.JaccardWeight*j, k, g.firms[0]) {
				continue
			}
			taken := 0
			for _, f := range g.firms {
				if taken == o.MaxCandidates {
					break
				}
				if aa[f] > 0 || coop[f] {
					continue // scored above with its Adamic-Adar, or already cooperating
				}
				add(k, f, kf, g, j, 0, nil)
				taken++
			}
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
	for i := range ix.p.Nodes {
		n := &ix.p.Nodes[i]
		if !IsServiceKind(n.Kind) {
			continue
		}
		served := setOf(ix.outs(RelServes, n.ID))
		if len(served) == 0 {
			continue
		}
		var segs, why []string
		wholeChain := served[ix.p.ChainID]
		for _, si := range targets {
			switch {
			case wholeChain || served[si.node.ID]:
				segs = append(segs, si.node.ID)
			default:
				if m := intersect(si.fields, served); len(m) > 0 {
					segs = append(segs, si.node.ID)
					why = append(why, fmt.Sprintf("serves %s, which %s requires", ix.labels(m, 2), si.node.Name))
				}
			}
		}
		if len(segs) == 0 {
			continue
		}
		c := ServiceCandidate{Actor: refOf(n), Local: ix.local(n.ID), Segments: ix.refs(segs),
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
func (ix *index) segmentChain(id string) NodeRef {
	for _, c := range ix.ins(RelHasSegment, id) {
		return ix.ref(c)
	}
	if c := propString(ix.nodes[id].Node, "chainId"); c != "" {
		return ix.ref(c)
	}
	return NodeRef{}
}

// Extend lists the segments one FEEDS hop up or down from the chain's
// present segments that the chain does not cover yet, where the district
// has local firms in them or local researchers of their fields.
func (a *Analyzer) Extend() []Frontier {
	ix, o := a.ix, a.ix.opt
	var vias []string
	dirs := map[string]map[string]bool{} // frontier segment -> directions
	via := map[string][]string{}         // frontier segment -> present chain segments next to it
	add := func(x, dir, from string) {
		if b := a.byID[x]; b != nil && b.present {
			return
		}
		if dirs[x] == nil {
			dirs[x] = map[string]bool{}
			vias = append(vias, x)
		}
		dirs[x][dir] = true
		if !slices.Contains(via[x], from) {
			via[x] = append(via[x], from)
		}
	}
	for _, si := range a.segs {
		if !si.present {
			continue
		}
		for _, x := range ix.outs(RelFeeds, si.node.ID) {
			add(x, "DOWNSTREAM", si.node.ID)
		}
		for _, x := range ix.ins(RelFeeds, si.node.ID) {
			add(x, "UPSTREAM", si.node.ID)
		}
	}
	out := []Frontier{}
	for _, xid := range vias {
		vs := via[xid]
		slices.Sort(vs)
		dir := "DOWNSTREAM"
		switch {
		case dirs[xid]["DOWNSTREAM"] && dirs[xid]["UPSTREAM"]:
			dir = "BOTH"
		case dirs[xid]["UPSTREAM"]:
			dir = "UPSTREAM"
		}
		x := ix.nodes[xid].Node
		var firms []string
		for _, e := range ix.ins(RelOperatesIn, x.ID) {
			if n := ix.nodes[e]; n.Kind == KindEnterprise && n.local {
				firms = append(firms, e)
			}
		}
		fields := ix.outs(RelRequires, x.ID)
		res := map[string]bool{}
		covered := 0
		for _, f := range fields {
			hit := false
			for _, r := range ix.ins(RelResearches, f) {
				if ix.local(r) {
					res[r] = true
					hit = true
				}
			}
			if hit {
				covered++
			}
		}
		if len(firms) == 0 && len(res) == 0 {
			continue
		}
		cov := 0.0
		if len(fields) > 0 {
			cov = float64(covered) / float64(len(fields))
		}
		anchor := 0.0
		for _, v := range vs {
			anchor = max(anchor, a.byID[v].verdict.Score)
		}
		score := 0.5*float64(min(len(firms), 3))/3 + 0.3*cov + 0.2*anchor
		fr := Frontier{Segment: refOf(x), Chain: ix.segmentChain(x.ID), InChain: ix.inSeg[x.ID], Direction: dir,
			Via: ix.refs(vs), Score: round4(score), FieldCoverage: round4(cov),
			LocalFirms: ix.refs(firms), LocalResearchers: ix.refs(sortedSet(res))}
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
			fr.Reasons = append(fr.Reasons, fmt.Sprintf("local actors research %d of %d of its fields: %s", covered, len(fields), ix.labels(sortedSet(res), 3)))
		}
		out = append(out, fr)
	}
	return topK(out, o.MaxCandidates, func(x, y Frontier) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.Segment.ID, y.Segment.ID))
	})
}

// Build returns the chain's build-view entry (建链): coverage, chain-masters
// and anchor candidates.
func (a *Analyzer) Build() BuildEntry {
	ix, o := a.ix, a.ix.opt
	g := a.Gap()
	b := BuildEntry{Chain: g.Chain, Completeness: g.Completeness, Strength: g.Strength, StatusCounts: g.StatusCounts,
		Leaders: ix.refs(a.chainLeaders()), ChainMasters: ix.refs(ix.ins(RelMasters, ix.p.ChainID)), PresentSegments: []NodeRef{}, Reasons: []string{}}
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
		b.Reasons = append(b.Reasons, fmt.Sprintf("completeness %s and chain-master(s) %s: build is done, fill and strengthen instead", pct(g.Completeness), ix.labels(ix.ins(RelMasters, ix.p.ChainID), 3)))
	}
	// Anchors: local firms in the chain's segments or researching its fields,
	// and outside leaders operating in it.
	chainFields := map[string]bool{}
	firmSegs := map[string][]string{}
	for _, si := range a.segs {
		for _, f := range si.fields {
			chainFields[f] = true
		}
		for _, f := range si.firms {
			firmSegs[f] = append(firmSegs[f], si.node.ID)
		}
		for _, f := range si.outside {
			if ix.nodes[f].leader {
				firmSegs[f] = append(firmSegs[f], si.node.ID)
			}
		}
	}
	for f := range chainFields {
		for _, r := range ix.ins(RelResearches, f) {
			if n := ix.nodes[r]; n.Kind == KindEnterprise && n.local {
				if _, ok := firmSegs[r]; !ok {
					firmSegs[r] = nil
				}
			}
		}
	}
	// Ties to local knowledge, from the researchers' side (few of them).
	knowTies := map[string][]string{}
	for _, k := range ix.researchers {
		for _, t := range ix.allNeighbours(k) {
			knowTies[t] = append(knowTies[t], k)
		}
	}
	type scored struct {
		id    string
		score float64
	}
	all := make([]scored, 0, len(firmSegs))
	for f, segs := range firmSegs {
		share := 0.0
		if len(a.segs) > 0 {
			share = float64(len(segs)) / float64(len(a.segs))
		}
		kt := 0.0
		if len(knowTies[f]) > 0 {
			kt = 1
		}
		all = append(all, scored{f, round4(0.5*ix.nodes[f].tier + 0.3*share + 0.2*kt)})
	}
	all = topK(all, o.MaxCandidates, func(x, y scored) int { return cmp.Or(cmp.Compare(y.score, x.score), cmp.Compare(x.id, y.id)) })
	var anchors []Candidate
	for _, sc := range all {
		f := sc.id
		n := ix.nodes[f].Node
		segs := firmSegs[f]
		c := Candidate{Actor: refOf(n), Kind: CandidateAnchor, Score: sc.score, Evidence: ix.refs(segs)}
		if ix.local(f) {
			c.Reasons = append(c.Reasons, fmt.Sprintf("local firm (%s)", tierLabel(n)))
		} else {
			c.Reasons = append(c.Reasons, fmt.Sprintf("leader outside %s (%s): attract as anchor", o.Scope, tierLabel(n)))
		}
		if len(segs) > 0 {
			c.Reasons = append(c.Reasons, fmt.Sprintf("operates in %d of %d segment(s): %s", len(segs), len(a.segs), ix.labels(segs, 3)))
		} else {
			c.Reasons = append(c.Reasons, "researches a field the chain requires, not yet in a segment")
		}
		if kt := knowTies[f]; len(kt) > 0 {
			slices.Sort(kt)
			c.Reasons = append(c.Reasons, "ties to local knowledge: "+ix.labels(slices.Compact(kt), 3))
		}
		anchors = append(anchors, c)
	}
	b.Anchors = topK(anchors, o.MaxCandidates, byScore)
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
