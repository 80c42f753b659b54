package graph

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
)

// Pipeline stages, in order (成果转化: screened result -> valued -> proof of
// concept -> incubated -> in an enterprise).
const (
	StageResult     = "RESULT"     // an achievement in the chain's fields
	StageValued     = "VALUED"     // a platform VALUES it (估值定价)
	StageValidated  = "VALIDATED"  // a PoC center VALIDATES it (概念验证)
	StageIncubated  = "INCUBATED"  // TRANSFERRED_TO a firm that something INCUBATES
	StageEnterprise = "ENTERPRISE" // TRANSFERRED_TO an enterprise
)

// PipelineStages lists the stages in order.
var PipelineStages = []string{StageResult, StageValued, StageValidated, StageIncubated, StageEnterprise}

// PipelineStage counts the achievements with evidence of one stage.
type PipelineStage struct {
	Stage        string    `json:"stage"`
	Count        int       `json:"count"`
	Achievements []NodeRef `json:"achievements"` // first MaxCandidates, by id
}

// PipelinePath is one achievement's way through the pipeline.
type PipelinePath struct {
	Achievement NodeRef   `json:"achievement"`
	Maturity    int64     `json:"maturity,omitempty"`
	Producers   []NodeRef `json:"producers"`
	ValuedBy    []NodeRef `json:"valuedBy"`
	ValidatedBy []NodeRef `json:"validatedBy"`
	Enterprises []NodeRef `json:"enterprises"`
	Incubators  []NodeRef `json:"incubators"`
	Furthest    string    `json:"furthest"`
	Skipped     []string  `json:"skipped"` // earlier stages without evidence
}

// PipelineLeak counts the achievements whose furthest stage is After.
type PipelineLeak struct {
	After        string    `json:"after"`
	Count        int       `json:"count"`
	Mature       int       `json:"mature"` // of which maturity >= MinMaturity
	Achievements []NodeRef `json:"achievements"`
	Reason       string    `json:"reason"`
}

// Pipeline is the chain's achievement-transfer pipeline.
type Pipeline struct {
	Stages  []PipelineStage `json:"stages"`
	Paths   []PipelinePath  `json:"paths"` // furthest first, then by id; first 5*MaxCandidates
	Leaks   []PipelineLeak  `json:"leaks"` // largest first
	Reasons []string        `json:"reasons"`
}

// Pipeline traces the achievements that apply to a field the chain
// requires or were transferred to a firm operating in it.
func (a *Analyzer) Pipeline() *Pipeline {
	ix, o := a.ix, a.ix.opt
	const chainField, chainFirm = 1, 2
	mark := make([]uint8, len(ix.info))
	for _, si := range a.segs {
		for _, f := range si.fields {
			mark[f] |= chainField
		}
		for _, l := range [2][]int32{si.firms, si.outside} {
			for _, f := range l {
				mark[f] |= chainFirm
			}
		}
	}
	anyMarked := func(vs []int32, m uint8) bool {
		for _, v := range vs {
			if mark[v]&m != 0 {
				return true
			}
		}
		return false
	}
	// The achievements in id order, each with its furthest stage.
	type ach struct {
		v        int32
		furthest int
		has      [5]bool
	}
	var achs []ach
	counts := make([][]int32, len(PipelineStages))
	leaks := make([][]int32, len(PipelineStages))
	mature := make([]int, len(PipelineStages))
	perStage := make([]int, len(PipelineStages))
	for v := range ix.info {
		if ix.info[v].flags&fAchievement == 0 {
			continue
		}
		n := ix.node(int32(v))
		v := int32(v)
		ents := ix.outs(slotTransferredTo, v)
		if !anyMarked(ix.outs(slotAppliesTo, v), chainField) && !anyMarked(ents, chainFirm) {
			continue
		}
		incubated := false
		for _, e := range ents {
			if len(ix.ins(slotIncubates, e)) > 0 {
				incubated = true
				break
			}
		}
		x := ach{v: v, has: [5]bool{true, len(ix.ins(slotValues, v)) > 0, len(ix.ins(slotValidates, v)) > 0, incubated, len(ents) > 0}}
		for i, h := range x.has {
			if h {
				counts[i] = append(counts[i], v)
				x.furthest = i
			}
		}
		if x.furthest < len(PipelineStages)-1 {
			leaks[x.furthest] = append(leaks[x.furthest], v)
			if n.Facts.Maturity >= int64(o.MinMaturity) {
				mature[x.furthest]++
			}
		}
		perStage[x.furthest]++
		achs = append(achs, x)
	}
	pl := &Pipeline{Stages: []PipelineStage{}, Leaks: []PipelineLeak{}, Reasons: []string{}}
	capped := func(ids []int32) []NodeRef {
		if len(ids) > o.MaxCandidates {
			ids = ids[:o.MaxCandidates]
		}
		return ix.refs(ids)
	}
	for i, st := range PipelineStages {
		pl.Stages = append(pl.Stages, PipelineStage{Stage: st, Count: len(counts[i]), Achievements: capped(counts[i])})
	}
	next := map[string]string{
		StageResult:    "never valued, validated or transferred",
		StageValued:    "valued but never validated at a PoC center or transferred",
		StageValidated: "validated but never transferred to an enterprise",
	}
	for i, ids := range leaks {
		if len(ids) == 0 {
			continue
		}
		st := PipelineStages[i]
		pl.Leaks = append(pl.Leaks, PipelineLeak{After: st, Count: len(ids), Mature: mature[i], Achievements: capped(ids),
			Reason: fmt.Sprintf("%d result(s) stop at %s: %s; %d of them mature (readiness >= %d)", len(ids), st, next[st], mature[i], o.MinMaturity)})
	}
	slices.SortStableFunc(pl.Leaks, func(x, y PipelineLeak) int { return cmp.Compare(y.Count, x.Count) })
	// Paths: furthest first, then by id, the first 5*MaxCandidates; only
	// those are rendered.
	limit := 5 * o.MaxCandidates
	paths := []PipelinePath{}
	for st := len(PipelineStages) - 1; st >= 0 && len(paths) < limit; st-- {
		if perStage[st] == 0 {
			continue
		}
		for _, x := range achs {
			if len(paths) == limit {
				break
			}
			if x.furthest == st {
				paths = append(paths, a.pipelinePath(x.v, x.has, st))
			}
		}
	}
	pl.Paths = paths
	if len(achs) == 0 {
		pl.Reasons = append(pl.Reasons, "no research result in the chain's fields is in the graph")
	} else {
		done := len(counts[len(PipelineStages)-1])
		pl.Reasons = append(pl.Reasons, fmt.Sprintf("%d of %d result(s) reached an enterprise (%s)", done, len(achs), pct(float64(done)/float64(len(achs)))))
		if len(pl.Leaks) > 0 {
			pl.Reasons = append(pl.Reasons, "largest leak: "+pl.Leaks[0].Reason)
		}
	}
	return pl
}

// pipelinePath renders one achievement's way through the pipeline, given
// which stages have evidence and the furthest one.
func (a *Analyzer) pipelinePath(v int32, has [5]bool, furthest int) PipelinePath {
	ix := a.ix
	n := ix.node(v)
	p := PipelinePath{Achievement: refOf(n), Maturity: n.Facts.Maturity,
		Producers: ix.refs(ix.ins(slotProduced, v)), Skipped: []string{}}
	ents := ix.outs(slotTransferredTo, v)
	var incs []int32
	for _, e := range ents {
		incs = append(incs, ix.ins(slotIncubates, e)...)
	}
	p.ValuedBy, p.ValidatedBy = ix.refs(ix.ins(slotValues, v)), ix.refs(ix.ins(slotValidates, v))
	p.Enterprises, p.Incubators = ix.refs(ents), ix.refs(sortedUnique(incs))
	for i := 1; i < furthest; i++ {
		if !has[i] {
			p.Skipped = append(p.Skipped, PipelineStages[i])
		}
	}
	p.Furthest = PipelineStages[furthest]
	return p
}

// MasterEcosystem is a chain-master and its local ecosystem.
type MasterEcosystem struct {
	Master     NodeRef   `json:"master"`
	Local      bool      `json:"local"`
	Segments   []NodeRef `json:"segments"`
	Suppliers  []NodeRef `json:"suppliers"`  // local firms that SUPPLY it
	Customers  []NodeRef `json:"customers"`  // local firms it SUPPLIES
	Partners   []NodeRef `json:"partners"`   // local actors it COOPERATES_WITH
	Incubatees []NodeRef `json:"incubatees"` // firms incubated by what it OPERATES
	Reasons    []string  `json:"reasons"`
}

// LeaderView is the chain-leader's view (链长制): who leads the chain, its
// chain-masters and their local ecosystems.
type LeaderView struct {
	Chain   NodeRef           `json:"chain"`
	Leaders []NodeRef         `json:"leaders"`
	Masters []MasterEcosystem `json:"masters"`
}

func (a *Analyzer) chainLeaders() []int32 {
	var out []int32
	for _, v := range a.ix.ins(slotLeads, a.ix.chain) {
		if a.ix.node(v).Kind == KindChainLeader {
			out = append(out, v)
		}
	}
	return out
}

// Leaders returns the chain-leader view. Chain-masters are the enterprises
// that MASTERS the chain, and local firms flagged chainMaster operating in
// its segments.
func (a *Analyzer) Leaders() *LeaderView {
	ix := a.ix
	v := &LeaderView{Chain: ix.ref(ix.chain), Leaders: ix.refs(a.chainLeaders()), Masters: []MasterEcosystem{}}
	masters := ix.ins(slotMasters, ix.chain)
	var all []int32
	firmSegs := map[int32][]int32{}
	for _, si := range a.segs {
		for _, l := range [2][]int32{si.firms, si.outside} {
			for _, f := range l {
				if !ix.is(f, fMaster) && !ix.is(f, fChainMaster) {
					continue
				}
				firmSegs[f] = append(firmSegs[f], si.v)
				all = append(all, f)
			}
		}
	}
	for _, m := range masters {
		for _, s := range ix.outs(slotOperatesIn, m) {
			if ix.is(s, fChainSeg) && !slices.Contains(firmSegs[m], s) {
				firmSegs[m] = append(firmSegs[m], s)
			}
		}
	}
	for _, l := range firmSegs {
		slices.SortFunc(l, func(x, y int32) int { return cmp.Compare(ix.segPos(x), ix.segPos(y)) })
	}
	localOnly := func(vs []int32) []int32 {
		var out []int32
		for _, v := range vs {
			if ix.is(v, fLocal) {
				out = append(out, v)
			}
		}
		return out
	}
	all = sortedUnique(append(all, masters...))
	for _, m := range all {
		n := ix.node(m)
		partners := sortedUnique(append(slices.Clone(ix.outs(slotCooperates, m)), ix.ins(slotCooperates, m)...))
		var incs []int32
		for _, op := range ix.outs(slotOperates, m) {
			incs = append(incs, ix.outs(slotIncubates, op)...)
		}
		me := MasterEcosystem{Master: refOf(n), Local: ix.is(m, fLocal), Segments: ix.refs(firmSegs[m]),
			Suppliers:  ix.refs(localOnly(ix.ins(slotSupplies, m))),
			Customers:  ix.refs(localOnly(ix.outs(slotSupplies, m))),
			Partners:   ix.refs(localOnly(partners)),
			Incubatees: ix.refs(sortedUnique(incs))}
		if ix.is(m, fMaster) {
			me.Reasons = append(me.Reasons, "chain-master (链主): MASTERS "+ix.node(ix.chain).Name)
		} else {
			me.Reasons = append(me.Reasons, "flagged chainMaster and operates in the chain")
		}
		if !me.Local {
			me.Reasons = append(me.Reasons, fmt.Sprintf("sits outside %s (%s)", ix.opt.Scope, regionOf(n)))
		}
		me.Reasons = append(me.Reasons, fmt.Sprintf("local ecosystem: %d supplier(s), %d customer(s), %d partner(s), %d incubatee(s)",
			len(me.Suppliers), len(me.Customers), len(me.Partners), len(me.Incubatees)))
		v.Masters = append(v.Masters, me)
	}
	return v
}

// Report is the chain's "one map, N lists" (一图N清单): the segment map and
// the lists a chain leader works from.
type Report struct {
	Options    Options           `json:"options"`
	Gap        *GapReport        `json:"gap"`
	Fill       []FillTarget      `json:"fill"`
	Strengthen *StrengthenReport `json:"strengthen"`
	Extend     []Frontier        `json:"extend"`
	Pipeline   *Pipeline         `json:"pipeline"`
	Leaders    *LeaderView       `json:"leaders"`
	Build      BuildEntry        `json:"build"`
}

// Report runs every analysis. They only read the analyzer, so with a spare
// core two groups of them run at once.
func (a *Analyzer) Report() *Report {
	r := &Report{Options: a.ix.opt}
	first := func() { r.Gap, r.Fill, r.Extend, r.Build = a.Gap(), a.Fill(), a.Extend(), a.Build() }
	second := func() { r.Strengthen, r.Pipeline, r.Leaders = a.Strengthen(), a.Pipeline(), a.Leaders() }
	if runtime.GOMAXPROCS(0) < 2 {
		first()
		second()
		return r
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		second()
	}()
	first()
	<-done
	return r
}

// Analyze runs every analysis over one projection.
func Analyze(p *Projection, opt Options) (*Report, error) {
	a, err := NewAnalyzer(p, opt)
	if err != nil {
		return nil, err
	}
	return a.Report(), nil
}
