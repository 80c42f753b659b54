package graph

import (
	"cmp"
	"fmt"
	"math/bits"
	"runtime"
	"slices"
	"sync"
)

// SegmentCounts are the numbers behind a verdict (DOMAIN.md's sets).
type SegmentCounts struct {
	LocalFirms   int     `json:"localFirms"`   // |E(s)|
	OutsideFirms int     `json:"outsideFirms"` // enterprises operating in s outside the scope
	Leaders      int     `json:"leaders"`      // |L(s)|
	HighTech     int     `json:"highTech"`     // |H(s)|
	Knowledge    int     `json:"knowledge"`    // |K(s)|
	Platforms    int     `json:"platforms"`    // |P(s)|
	Cooperations int     `json:"cooperations"` // |C(s)|
	HHI          float64 `json:"hhi"`          // 0 when no local firm
	// EffectiveFirms is 1/HHI, the number of equal-sized firms with the same concentration.
	EffectiveFirms float64 `json:"effectiveFirms"`
	// ShareBasis says what HHI was computed from: "share", "revenue" or "count".
	ShareBasis string `json:"shareBasis,omitempty"`
}

// SegmentVerdict is the gap analysis of one segment.
type SegmentVerdict struct {
	Segment NodeRef       `json:"segment"`
	Stage   string        `json:"stage,omitempty"`
	Order   int64         `json:"order,omitempty"`
	Status  Status        `json:"status"`
	Score   float64       `json:"score"` // strength in [0,1]
	Flags   []Flag        `json:"flags"`
	Reasons []string      `json:"reasons"`
	Counts  SegmentCounts `json:"counts"`
	// The actors behind the counts, sorted by id.
	Firms     []NodeRef `json:"firms"`
	Leaders   []NodeRef `json:"leaders"`
	Knowledge []NodeRef `json:"knowledge"`
	Platforms []NodeRef `json:"platforms"`
}

// StageCoverage is completeness within one stage.
type StageCoverage struct {
	Stage        string  `json:"stage"`
	Segments     int     `json:"segments"`
	Present      int     `json:"present"`
	Completeness float64 `json:"completeness"`
}

// StatusCounts counts segments by status.
type StatusCounts struct {
	Missing int `json:"missing"`
	Weak    int `json:"weak"`
	Covered int `json:"covered"`
	Strong  int `json:"strong"`
}

// Removal is the effect of removing one segment or firm.
type Removal struct {
	Node  NodeRef   `json:"node"`
	Share float64   `json:"share"` // |Lost| / (segments - 1)
	Lost  []NodeRef `json:"lost"`  // segments that lose every local supply path
}

// Resilience measures how local supply survives the loss of one segment or
// one firm (see docs/analysis.md).
type Resilience struct {
	// Score is 1 - the worst share over segment and firm removals.
	Score float64 `json:"score"`
	// WorstSegment / WorstFirm are the removals with the largest share
	// (ties by id); nil when there is nothing to remove.
	WorstSegment *Removal `json:"worstSegment"`
	WorstFirm    *Removal `json:"worstFirm"`
	// AverageSegmentShare / AverageFirmShare average the share over the
	// present segments and over the local firms.
	AverageSegmentShare float64 `json:"averageSegmentShare"`
	AverageFirmShare    float64 `json:"averageFirmShare"`
	// Supplied counts the segments that have a local supply path before any removal.
	Supplied int `json:"supplied"`
}

// SinglePoint is a segment held up by one local firm.
type SinglePoint struct {
	Segment NodeRef   `json:"segment"`
	Firm    NodeRef   `json:"firm"`
	Lost    []NodeRef `json:"lost"` // other segments that lose local supply without it
	Reason  string    `json:"reason"`
}

// LinkGap is a FEEDS dependency inside the chain with no local link across.
type LinkGap struct {
	From   NodeRef `json:"from"`
	To     NodeRef `json:"to"`
	Kind   Flag    `json:"kind"` // UPSTREAM_MISSING or NO_LOCAL_LINK_UPSTREAM
	Reason string  `json:"reason"`
}

// GapReport is a chain's segment map with its scores.
type GapReport struct {
	Chain        NodeRef          `json:"chain"`
	Scope        string           `json:"scope"`
	Revision     int64            `json:"revision"`
	Segments     []SegmentVerdict `json:"segments"` // by stage, order, id
	StatusCounts StatusCounts     `json:"statusCounts"`
	Completeness float64          `json:"completeness"`
	ByStage      []StageCoverage  `json:"byStage"`
	Strength     float64          `json:"strength"`
	Fusion       float64          `json:"fusion"`
	Resilience   Resilience       `json:"resilience"`
	SinglePoints []SinglePoint    `json:"singlePoints"`
	Links        []LinkGap        `json:"links"`
	Evidence     Evidence         `json:"evidence"`
}

// Evidence summarises the provenance of the facts the report rests on (the
// projection's nodes and edges), so a reader sees how fresh they are and
// how much is invented demo data.
type Evidence struct {
	Facts     int           `json:"facts"`            // nodes + edges in the projection
	Oldest    string        `json:"oldest,omitempty"` // earliest asOf
	Newest    string        `json:"newest,omitempty"` // latest asOf
	Undated   int           `json:"undated"`          // facts without asOf
	Synthetic float64       `json:"synthetic"`        // share of facts with source "synthetic"
	Sources   []SourceCount `json:"sources"`          // by count, then name
}

// SourceCount counts the facts from one provenance source.
type SourceCount struct {
	Source string `json:"source"`
	Count  int    `json:"count"`
}

// segInfo is the working state of one segment. Actors are node numbers,
// each list in id order.
type segInfo struct {
	node                              *ProjNode
	v                                 int32   // node number
	fields                            []int32 // required tech fields
	firms, outside, leaders, hightech []int32
	knowledge, platforms              []int32
	coops                             [][2]int32 // firm, knowledge actor
	hhi                               float64
	basis                             string
	preds, succs                      []int   // FEEDS neighbours among the chain's segments (positions), in id order
	upMissing, noLinkUp               []int32 // feeding chain segments
	present                           bool
	verdict                           SegmentVerdict
}

// Analyzer runs the analyses over one chain projection. Build it with
// NewAnalyzer (which computes the verdicts); its methods only read it, so
// it is safe for concurrent use and may be cached with its projection.
type Analyzer struct {
	ix      *index
	segs    []*segInfo // by position in ix.segs
	gapOnce sync.Once
	gap     *GapReport
}

// NewAnalyzer indexes the projection and computes the segment verdicts.
// Errors: CodeInvalidInput for bad options, CodeNotFound when the chain is
// not in the projection.
func NewAnalyzer(p *Projection, opt Options) (*Analyzer, error) {
	ix, err := newIndex(p, opt)
	if err != nil {
		return nil, err
	}
	a := &Analyzer{ix: ix, segs: make([]*segInfo, len(ix.segs))}
	infos := make([]segInfo, len(ix.segs))
	for i := range infos {
		a.segs[i] = &infos[i]
	}
	// The segments' sets are independent (reading the shares of a large
	// segment's firms is the costly part): collect them two at a time.
	twoWays(len(infos), func(i int) { ix.segment(&infos[i], ix.segs[i]) })
	ix.release()
	a.links()
	for _, si := range a.segs {
		a.judge(si)
	}
	return a, nil
}

// twoWays calls f(0), ..., f(n-1), the odd ones on a second goroutine
// when GOMAXPROCS allows; f must be safe to call concurrently.
func twoWays(n int, f func(i int)) {
	if n < 2 || runtime.GOMAXPROCS(0) < 2 {
		for i := range n {
			f(i)
		}
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 1; i < n; i += 2 {
			f(i)
		}
	}()
	for i := 0; i < n; i += 2 {
		f(i)
	}
	<-done
}

// Options returns the options in effect (defaults filled in).
func (a *Analyzer) Options() Options { return a.ix.opt }

// seg returns the working state of chain segment v, nil for other nodes.
func (a *Analyzer) seg(v int32) *segInfo {
	if i := a.ix.segPos(v); i >= 0 {
		return a.segs[i]
	}
	return nil
}

// segment collects the sets of one segment.
func (ix *index) segment(si *segInfo, s int32) {
	si.node, si.v, si.fields = ix.node(s), s, ix.outs(slotRequires, s)
	for _, id := range ix.ins(slotOperatesIn, s) {
		f := ix.info[id].flags
		if f&fEnterprise == 0 {
			continue
		}
		if f&fLocal == 0 {
			si.outside = append(si.outside, id)
			continue
		}
		si.firms = append(si.firms, id)
		if f&fLeader != 0 {
			si.leaders = append(si.leaders, id)
		}
		if f&fHighTech != 0 {
			si.hightech = append(si.hightech, id)
		}
	}
	si.present = len(si.firms) > 0
	var know, plat []int32
	servedBy := func(target int32) {
		for _, id := range ix.ins(slotServes, target) {
			if ix.is(id, fLocal|fService) {
				plat = append(plat, id)
			}
		}
	}
	servedBy(ix.chain)
	servedBy(s)
	for _, f := range si.fields {
		for _, id := range ix.ins(slotResearches, f) {
			if ix.is(id, fResearcher) {
				know = append(know, id)
			}
		}
		servedBy(f)
	}
	si.knowledge, si.platforms = sortedUnique(know), sortedUnique(plat)
	// C(s): walk each firm's cooperation edges (short lists) rather than
	// testing every firm-knowledge pair.
	var ks []int32
	for _, f := range si.firms {
		ks = ks[:0]
		for _, k := range ix.outs(slotCooperates, f) {
			if has(si.knowledge, k) {
				ks = append(ks, k)
			}
		}
		for _, k := range ix.ins(slotCooperates, f) {
			if has(si.knowledge, k) {
				ks = append(ks, k)
			}
		}
		for _, k := range sortedUnique(ks) {
			si.coops = append(si.coops, [2]int32{f, k})
		}
	}
	si.hhi, si.basis = ix.concentration(s, si.firms)
	for _, p := range ix.ins(slotFeeds, s) {
		if i := ix.segPos(p); i >= 0 && p != s {
			si.preds = append(si.preds, int(i))
		}
	}
	for _, x := range ix.outs(slotFeeds, s) {
		if i := ix.segPos(x); i >= 0 && x != s {
			si.succs = append(si.succs, int(i))
		}
	}
}

// concentration is the HHI of the local firms in a segment: by the
// OPERATES_IN share when every firm has one, else by revenue when every
// firm has one, else by firm count (1/n). Mixing bases would compare
// unlike numbers, so partial data falls back to the next basis.
func (ix *index) concentration(seg int32, firms []int32) (float64, string) {
	n := len(firms)
	if n == 0 {
		return 0, ""
	}
	vals := make([]float64, n)
	hhiOf := func(get func(int32) (float64, bool)) (float64, bool) {
		total := 0.0
		for i, f := range firms {
			v, ok := get(f)
			if !ok || v <= 0 {
				return 0, false
			}
			vals[i] = v
			total += v
		}
		h := 0.0
		for _, v := range vals {
			h += (v / total) * (v / total)
		}
		return h, true
	}
	if h, ok := hhiOf(func(f int32) (float64, bool) { return ix.share(f, seg) }); ok {
		return h, "share"
	}
	if h, ok := hhiOf(func(f int32) (float64, bool) { n := ix.node(f); return n.Facts.Revenue, n.Facts.Set&FactRevenue != 0 }); ok {
		return h, "revenue"
	}
	return 1 / float64(n), "count"
}

// links finds the FEEDS dependencies inside the chain that have no local
// link across: the feeding segment is missing (the fed one depends on
// outside supply) or both are present but no SUPPLIES or COOPERATES_WITH
// edge joins their local firms.
func (a *Analyzer) links() {
	for _, to := range a.segs {
		if !to.present {
			continue
		}
		for _, pi := range to.preds {
			from := a.segs[pi]
			if !from.present {
				to.upMissing = append(to.upMissing, from.v)
				continue
			}
			if !a.localLinkAcross(from, to) {
				to.noLinkUp = append(to.noLinkUp, from.v)
			}
		}
	}
}

func (a *Analyzer) localLinkAcross(from, to *segInfo) bool {
	ix := a.ix
	for _, f := range from.firms {
		if has(to.firms, f) {
			return true // one firm in both segments: integrated locally
		}
		for _, l := range [3][]int32{ix.outs(slotSupplies, f), ix.outs(slotCooperates, f), ix.ins(slotCooperates, f)} {
			for _, t := range l {
				if has(to.firms, t) {
					return true
				}
			}
		}
	}
	return false
}

// judge sets the verdict: flags, status, score and reasons.
func (a *Analyzer) judge(si *segInfo) {
	ix, o := a.ix, a.ix.opt
	s := si.node
	v := SegmentVerdict{
		Segment: refOf(s), Stage: s.Facts.Stage, Order: s.Facts.Order,
		Flags: []Flag{}, Reasons: []string{},
		Firms: ix.refs(si.firms), Leaders: ix.refs(si.leaders),
		Knowledge: ix.refs(si.knowledge), Platforms: ix.refs(si.platforms),
		Counts: SegmentCounts{
			LocalFirms: len(si.firms), OutsideFirms: len(si.outside), Leaders: len(si.leaders),
			HighTech: len(si.hightech), Knowledge: len(si.knowledge), Platforms: len(si.platforms),
			Cooperations: len(si.coops), HHI: round4(si.hhi), ShareBasis: si.basis,
		},
	}
	if si.hhi > 0 {
		v.Counts.EffectiveFirms = round4(1 / si.hhi)
	}
	flag := func(f Flag, reason string) {
		v.Flags = append(v.Flags, f)
		v.Reasons = append(v.Reasons, reason)
	}
	if !si.present {
		v.Status = StatusMissing
		msg := fmt.Sprintf("no local enterprise in %s operates in this segment (缺链)", o.Scope)
		if len(si.outside) > 0 {
			msg += fmt.Sprintf("; %d outside firm(s) do: %s", len(si.outside), ix.labels(si.outside, 3))
		}
		flag(FlagNoLocalFirm, msg)
		if len(si.knowledge) > 0 {
			v.Reasons = append(v.Reasons, "local knowledge to build on: "+ix.labels(si.knowledge, 3)+" research a required field")
		}
		v.Segment = refOf(s)
		si.verdict = v
		return
	}
	if len(si.firms) == 1 {
		flag(FlagSingleLocalFirm, "single local firm "+ix.ref(si.firms[0]).Label()+": a single point of failure (单点)")
	}
	switch {
	case len(si.leaders) == 0 && len(si.hightech) == 0:
		flag(FlagNoLeaderOrHighTech, "no leader (链主/龙头) and no high-tech or specialised (高新/专精特新) firm")
	case len(si.leaders) == 0:
		flag(FlagNoLeader, "high-tech firm(s) "+ix.labels(si.hightech, 3)+" but no leader (链主/龙头)")
	}
	if len(si.firms) >= 2 && si.hhi > o.MaxHHI {
		flag(FlagHighConcentration, fmt.Sprintf("high concentration: HHI %.2f by %s (effective %.1f firms) above %.2f", si.hhi, si.basis, 1/si.hhi, o.MaxHHI))
	}
	if len(si.knowledge) == 0 {
		flag(FlagNoKnowledgeSupport, "no local university or lab researches a required field (无高校/院所支撑)")
	}
	if len(si.platforms) == 0 {
		flag(FlagNoPlatformSupport, "no local platform, PoC center, incubator or park serves it (无平台支撑)")
	}
	if len(si.coops) == 0 {
		msg := "no cooperation between its firms and local universities or labs (无产学研合作)"
		if len(si.knowledge) == 0 {
			msg = "no cooperation: no local knowledge partner to cooperate with (无产学研合作)"
		}
		flag(FlagNoCooperation, msg)
	}
	if len(si.upMissing) > 0 {
		flag(FlagUpstreamMissing, "depends on outside supply: feeding segment(s) "+ix.labels(si.upMissing, 3)+" have no local firm")
	}
	if len(si.noLinkUp) > 0 {
		flag(FlagNoLocalLinkUpstream, "no local supply or cooperation edge from feeding segment(s) "+ix.labels(si.noLinkUp, 3))
	}
	hasFlag := func(f Flag) bool { return slices.Contains(v.Flags, f) }
	switch {
	case hasFlag(FlagNoLeaderOrHighTech) || (hasFlag(FlagNoKnowledgeSupport) && hasFlag(FlagNoPlatformSupport)):
		v.Status = StatusWeak
	case len(si.leaders) > 0 && len(si.knowledge) > 0 && len(si.coops) > 0 &&
		len(si.firms) >= o.StrongMinFirms && !hasFlag(FlagHighConcentration):
		v.Status = StatusStrong
	default:
		v.Status = StatusCovered
	}
	// Positive reasons, so a verdict explains what is there too.
	pos := fmt.Sprintf("%d local firm(s): %s", len(si.firms), ix.labels(si.firms, 3))
	if len(si.leaders) > 0 {
		pos += "; leader(s): " + ix.labels(si.leaders, 3)
	}
	if len(si.knowledge) > 0 {
		pos += "; knowledge support: " + ix.labels(si.knowledge, 3)
	}
	if len(si.platforms) > 0 {
		pos += "; served by " + ix.labels(si.platforms, 3)
	}
	if len(si.coops) > 0 {
		c := si.coops[0]
		pos += fmt.Sprintf("; %d cooperation(s), e.g. %s with %s", len(si.coops), ix.ref(c[0]).Label(), ix.ref(c[1]).Label())
	}
	v.Reasons = append(v.Reasons, pos)
	if v.Status == StatusStrong {
		v.Reasons = append(v.Reasons, "strong (强链): a leader, local knowledge support and industry-research cooperation, without high concentration")
	}
	// Strength score.
	w := o.Score
	depth := float64(min(len(si.firms), o.DepthSaturation)) / float64(o.DepthSaturation)
	lead := 0.0
	if len(si.leaders) > 0 {
		lead = 1
	} else if len(si.hightech) > 0 {
		lead = 0.5
	}
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	sum := w.Depth + w.Leader + w.Knowledge + w.Platform + w.Cooperation + w.Diversity
	score := (w.Depth*depth + w.Leader*lead + w.Knowledge*b2f(len(si.knowledge) > 0) +
		w.Platform*b2f(len(si.platforms) > 0) + w.Cooperation*b2f(len(si.coops) > 0) +
		w.Diversity*(1-si.hhi)) / sum
	v.Score = round4(score)
	si.verdict = v
}

// Gap returns the gap report: verdicts and chain scores.
func (a *Analyzer) Gap() *GapReport {
	a.gapOnce.Do(func() { a.gap = a.computeGap() })
	return a.gap
}

func (a *Analyzer) computeGap() *GapReport {
	ix := a.ix
	g := &GapReport{Chain: ix.ref(ix.chain), Scope: ix.opt.Scope, Revision: ix.p.Revision,
		Segments: []SegmentVerdict{}, ByStage: []StageCoverage{}, SinglePoints: []SinglePoint{}, Links: []LinkGap{}}
	stages := map[string]*StageCoverage{}
	var present, linked int
	var strength float64
	for _, si := range a.segs {
		v := si.verdict
		g.Segments = append(g.Segments, v)
		switch v.Status {
		case StatusMissing:
			g.StatusCounts.Missing++
		case StatusWeak:
			g.StatusCounts.Weak++
		case StatusCovered:
			g.StatusCounts.Covered++
		case StatusStrong:
			g.StatusCounts.Strong++
		}
		st := v.Stage
		if st == "" {
			st = "UNSTAGED"
		}
		sc := stages[st]
		if sc == nil {
			sc = &StageCoverage{Stage: st}
			stages[st] = sc
		}
		sc.Segments++
		strength += v.Score
		if si.present {
			sc.Present++
			present++
			if len(si.knowledge)+len(si.platforms) > 0 {
				linked++
			}
		}
		for _, up := range si.upMissing {
			g.Links = append(g.Links, LinkGap{From: ix.ref(up), To: v.Segment, Kind: FlagUpstreamMissing,
				Reason: fmt.Sprintf("%s depends on outside supply: %s feeds it but has no local firm", v.Segment.Label(), ix.ref(up).Label())})
		}
		for _, up := range si.noLinkUp {
			g.Links = append(g.Links, LinkGap{From: ix.ref(up), To: v.Segment, Kind: FlagNoLocalLinkUpstream,
				Reason: fmt.Sprintf("%s feeds %s and both have local firms, but no SUPPLIES or COOPERATES_WITH edge joins them (断链)", ix.ref(up).Label(), v.Segment.Label())})
		}
	}
	n := len(a.segs)
	if n > 0 {
		g.Completeness = round4(float64(present) / float64(n))
		g.Strength = round4(strength / float64(n))
	}
	if present > 0 {
		g.Fusion = round4(float64(linked) / float64(present))
	}
	keys := make([]string, 0, len(stages))
	for k := range stages {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y string) int { return cmp.Or(cmp.Compare(stageRank(x), stageRank(y)), cmp.Compare(x, y)) })
	for _, k := range keys {
		sc := stages[k]
		sc.Completeness = round4(float64(sc.Present) / float64(sc.Segments))
		g.ByStage = append(g.ByStage, *sc)
	}
	segPos := func(id string) int {
		v, _ := ix.find(id)
		return ix.segPos(v)
	}
	slices.SortFunc(g.Links, func(x, y LinkGap) int {
		return cmp.Or(cmp.Compare(segPos(x.To.ID), segPos(y.To.ID)), cmp.Compare(segPos(x.From.ID), segPos(y.From.ID)))
	})
	g.Resilience, g.SinglePoints = a.resilience()
	g.Evidence = ix.evidence
	return g
}

func evidenceOf(p *Projection) Evidence {
	ev := Evidence{Sources: []SourceCount{}}
	// Sources and dates are few and repeat from fact to fact: count the
	// sources in a short list, most recent first hit, and compare a date
	// with the range only when it differs from the previous fact's.
	var counts []SourceCount
	last, lastSynthetic := -1, false
	lastAsOf, dated := "", false
	synthetic := 0
	add := func(pr *Provenance, w int) {
		if last < 0 || counts[last].Source != pr.Source {
			last = slices.IndexFunc(counts, func(c SourceCount) bool { return c.Source == pr.Source })
			if last < 0 {
				counts = append(counts, SourceCount{Source: pr.Source})
				last = len(counts) - 1
			}
			lastSynthetic = pr.Source == SourceSynthetic
		}
		counts[last].Count += w
		if lastSynthetic {
			synthetic += w
		}
		if pr.AsOf == "" {
			ev.Undated += w
			return
		}
		if dated && pr.AsOf == lastAsOf {
			return
		}
		lastAsOf, dated = pr.AsOf, true
		if ev.Oldest == "" || pr.AsOf < ev.Oldest {
			ev.Oldest = pr.AsOf
		}
		if pr.AsOf > ev.Newest {
			ev.Newest = pr.AsOf
		}
	}
	// Nodes and edges share their provenance records: count the uses, then
	// add each record once with its count.
	uses := make([]int, len(p.Provs))
	for i := range p.Nodes {
		uses[p.Nodes[i].Prov]++
	}
	for i := range p.Edges {
		uses[p.Edges[i].Prov]++
	}
	for i, w := range uses {
		if w > 0 {
			add(&p.Provs[i], w)
		}
	}
	ev.Facts = len(p.Nodes) + len(p.Edges)
	for _, c := range counts {
		if c.Source == "" {
			c.Source = "(none)"
		}
		ev.Sources = append(ev.Sources, c)
	}
	slices.SortFunc(ev.Sources, func(x, y SourceCount) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Source, y.Source))
	})
	if ev.Facts > 0 {
		ev.Synthetic = round4(float64(synthetic) / float64(ev.Facts))
	}
	return ev
}

// supplied returns which chain segments have a local supply path: a
// segment has one when it has local firms and either no feeding segment in
// the chain or a feeding segment that has one (least fixpoint, from the
// chain's sources). out and queue are scratch space of len(a.segs).
func (a *Analyzer) supplied(present, out []bool, queue []int) {
	clear(out)
	queue = queue[:0]
	for i, si := range a.segs {
		if present[i] && len(si.preds) == 0 {
			out[i] = true
			queue = append(queue, i)
		}
	}
	for h := 0; h < len(queue); h++ {
		for _, j := range a.segs[queue[h]].succs {
			if present[j] && !out[j] {
				out[j] = true
				queue = append(queue, j)
			}
		}
	}
}

// resilience removes each present segment and each local firm in turn.
func (a *Analyzer) resilience() (Resilience, []SinglePoint) {
	ix := a.ix
	n := len(a.segs)
	present := make([]bool, n)
	for i, si := range a.segs {
		present[i] = si.present
	}
	base := make([]bool, n)
	queue := make([]int, 0, n)
	a.supplied(present, base, queue)
	r := Resilience{}
	for _, b := range base {
		if b {
			r.Supplied++
		}
	}
	// lostWithout returns the segments other than removed that lose supply.
	p, after := make([]bool, n), make([]bool, n)
	lostWithout := func(removed []int) []int32 {
		copy(p, present)
		for _, i := range removed {
			p[i] = false
		}
		a.supplied(p, after, queue)
		var lost []int32
		for i := range after {
			if base[i] && !after[i] && !slices.Contains(removed, i) {
				lost = append(lost, a.segs[i].v)
			}
		}
		return lost
	}
	share := func(lost []int32) float64 {
		if n < 2 {
			return 0
		}
		return float64(len(lost)) / float64(n-1)
	}
	better := func(cur *Removal, cand Removal) bool {
		return cur == nil || cand.Share > cur.Share || (cand.Share == cur.Share && cand.Node.ID < cur.Node.ID)
	}
	var segSum float64
	var segCount int
	for i, si := range a.segs {
		if !si.present {
			continue
		}
		lost := lostWithout([]int{i})
		rm := Removal{Node: refOf(si.node), Share: round4(share(lost)), Lost: ix.refs(lost)}
		segSum += share(lost)
		segCount++
		if better(r.WorstSegment, rm) {
			r.WorstSegment = &rm
		}
	}
	// Firms: only a firm that is alone in a segment can change anything;
	// every other local firm loses nothing (share 0). So: the firms alone
	// somewhere, with their segments, by firm (id order) then segment.
	type firmSeg struct {
		firm int32
		seg  int
	}
	var alonePairs []firmSeg
	firmSet := newNodeSet(len(ix.info))
	firstOther := int32(-1) // the first local firm (by id) alone nowhere
	for i, si := range a.segs {
		for _, f := range si.firms {
			firmSet.add(f)
		}
		if len(si.firms) == 1 {
			alonePairs = append(alonePairs, firmSeg{si.firms[0], i})
		}
	}
	slices.SortFunc(alonePairs, func(x, y firmSeg) int { return cmp.Or(cmp.Compare(x.firm, y.firm), cmp.Compare(x.seg, y.seg)) })
	firms := 0
	for w, word := range firmSet.bits {
		firms += bits.OnesCount64(word)
		for ; word != 0 && firstOther < 0; word &= word - 1 {
			f := int32(w*64 + bits.TrailingZeros64(word))
			if _, alone := slices.BinarySearchFunc(alonePairs, f, func(x firmSeg, f int32) int { return cmp.Compare(x.firm, f) }); !alone {
				firstOther = f
			}
		}
	}
	// Removals in firm id order, as better's tie-break expects: the alone
	// firms, and the first other firm (share 0) where it falls among them.
	var firmSum float64
	var spofs []SinglePoint
	var alone []int
	otherDone := firstOther < 0
	consider := func(rm Removal) {
		if better(r.WorstFirm, rm) {
			r.WorstFirm = &rm
		}
	}
	other := func() {
		if !otherDone {
			otherDone = true
			consider(Removal{Node: ix.ref(firstOther), Lost: []NodeRef{}})
		}
	}
	for lo := 0; lo < len(alonePairs); {
		f := alonePairs[lo].firm
		if f > firstOther {
			other()
		}
		alone = alone[:0]
		for ; lo < len(alonePairs) && alonePairs[lo].firm == f; lo++ {
			alone = append(alone, alonePairs[lo].seg)
		}
		lost := lostWithout(alone)
		firmSum += share(lost)
		consider(Removal{Node: ix.ref(f), Share: round4(share(lost)), Lost: ix.refs(lost)})
		for _, i := range alone {
			seg := a.segs[i].node
			reason := fmt.Sprintf("%s is the only local firm in %s", ix.ref(f).Label(), seg.Name)
			if len(lost) > 0 {
				reason += fmt.Sprintf("; without it %d downstream segment(s) lose every local supply path: %s", len(lost), ix.labels(lost, 5))
			}
			spofs = append(spofs, SinglePoint{Segment: refOf(seg), Firm: ix.ref(f), Lost: ix.refs(lost), Reason: reason})
		}
	}
	other()
	if segCount > 0 {
		r.AverageSegmentShare = round4(segSum / float64(segCount))
	}
	if firms > 0 {
		r.AverageFirmShare = round4(firmSum / float64(firms))
	}
	worst := 0.0
	if r.WorstSegment != nil {
		worst = r.WorstSegment.Share
	}
	if r.WorstFirm != nil {
		worst = max(worst, r.WorstFirm.Share)
	}
	r.Score = round4(1 - worst)
	slices.SortFunc(spofs, func(x, y SinglePoint) int {
		return cmp.Or(cmp.Compare(len(y.Lost), len(x.Lost)), cmp.Compare(x.Segment.ID, y.Segment.ID), cmp.Compare(x.Firm.ID, y.Firm.ID))
	})
	if spofs == nil {
		spofs = []SinglePoint{}
	}
	return r, spofs
}
