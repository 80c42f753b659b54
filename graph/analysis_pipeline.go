package graph

import (
	"cmp"
	"fmt"
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
	chainFields := map[string]bool{}
	chainFirms := map[string]bool{}
	for _, si := range a.segs {
		for _, f := range si.fields {
			chainFields[f] = true
		}
		for _, f := range si.firms {
			chainFirms[f] = true
		}
		for _, f := range si.outside {
			chainFirms[f] = true
		}
	}
	var achs []*Node
	for i := range ix.p.Nodes {
		n := &ix.p.Nodes[i]
		if n.Kind != KindAchievement {
			continue
		}
		rel := len(intersect(ix.outs(RelAppliesTo, n.ID), chainFields)) > 0 ||
			len(intersect(ix.outs(RelTransferredTo, n.ID), chainFirms)) > 0
		if rel {
			achs = append(achs, n)
		}
	}
	slices.SortFunc(achs, func(x, y *Node) int { return cmp.Compare(x.ID, y.ID) })
	counts := make([][]string, len(PipelineStages))
	var paths []PipelinePath
	leaks := make([][]string, len(PipelineStages))
	mature := make([]int, len(PipelineStages))
	for _, n := range achs {
		p := PipelinePath{Achievement: refOf(n), Maturity: propInt(n, "maturity"),
			Producers: ix.refs(ix.ins(RelProduced, n.ID)), Skipped: []string{}}
		var valued, validated, ents, incs []string
		for _, v := range ix.ins(RelValues, n.ID) {
			valued = append(valued, v)
		}
		for _, v := range ix.ins(RelValidates, n.ID) {
			validated = append(validated, v)
		}
		incSet := map[string]bool{}
		for _, e := range ix.outs(RelTransferredTo, n.ID) {
			ents = append(ents, e)
			for _, inc := range ix.ins(RelIncubates, e) {
				incSet[inc] = true
			}
		}
		incs = sortedSet(incSet)
		p.ValuedBy, p.ValidatedBy, p.Enterprises, p.Incubators = ix.refs(valued), ix.refs(validated), ix.refs(ents), ix.refs(incs)
		has := []bool{true, len(valued) > 0, len(validated) > 0, len(incs) > 0, len(ents) > 0}
		furthest := 0
		for i, h := range has {
			if h {
				counts[i] = append(counts[i], n.ID)
				furthest = i
			}
		}
		for i := 1; i < furthest; i++ {
			if !has[i] {
				p.Skipped = append(p.Skipped, PipelineStages[i])
			}
		}
		p.Furthest = PipelineStages[furthest]
		if furthest < len(PipelineStages)-1 {
			leaks[furthest] = append(leaks[furthest], n.ID)
			if propInt(n, "maturity") >= int64(o.MinMaturity) {
				mature[furthest]++
			}
		}
		paths = append(paths, p)
	}
	pl := &Pipeline{Stages: []PipelineStage{}, Leaks: []PipelineLeak{}, Reasons: []string{}}
	capped := func(ids []string) []NodeRef {
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
	slices.SortFunc(paths, func(x, y PipelinePath) int {
		return cmp.Or(cmp.Compare(slices.Index(PipelineStages, y.Furthest), slices.Index(PipelineStages, x.Furthest)), cmp.Compare(x.Achievement.ID, y.Achievement.ID))
	})
	if len(paths) > 5*o.MaxCandidates {
		paths = paths[:5*o.MaxCandidates]
	}
	if paths == nil {
		paths = []PipelinePath{}
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

func (a *Analyzer) chainLeaders() []string {
	var out []string
	for _, id := range a.ix.ins(RelLeads, a.ix.p.ChainID) {
		if a.ix.nodes[id].Kind == KindChainLeader {
			out = append(out, id)
		}
	}
	return out
}

// Leaders returns the chain-leader view. Chain-masters are the enterprises
// that MASTERS the chain, and local firms flagged chainMaster operating in
// its segments.
func (a *Analyzer) Leaders() *LeaderView {
	ix := a.ix
	v := &LeaderView{Chain: refOf(ix.chain), Leaders: ix.refs(a.chainLeaders()), Masters: []MasterEcosystem{}}
	masters := setOf(ix.ins(RelMasters, ix.p.ChainID))
	flagged := map[string]bool{}
	firmSegs := map[string][]string{}
	for _, si := range a.segs {
		for _, l := range [][]string{si.firms, si.outside} {
			for _, f := range l {
				n := ix.nodes[f]
				if !masters[f] && !n.chainMaster {
					continue
				}
				firmSegs[f] = append(firmSegs[f], si.node.ID)
				if !masters[f] {
					flagged[f] = true
				}
			}
		}
	}
	for m := range masters {
		for _, s := range ix.outs(RelOperatesIn, m) {
			if ix.inSeg[s] && !slices.Contains(firmSegs[m], s) {
				firmSegs[m] = append(firmSegs[m], s)
			}
		}
	}
	for _, l := range firmSegs {
		slices.SortFunc(l, func(x, y string) int { return cmp.Compare(ix.segPos[x], ix.segPos[y]) })
	}
	localOnly := func(ids []string) []string {
		var out []string
		for _, id := range ids {
			if ix.local(id) {
				out = append(out, id)
			}
		}
		return out
	}
	all := map[string]bool{}
	for m := range masters {
		all[m] = true
	}
	for m := range flagged {
		all[m] = true
	}
	for _, m := range sortedSet(all) {
		n := ix.nodes[m].Node
		partners := map[string]bool{}
		for _, p := range ix.outs(RelCooperates, m) {
			partners[p] = true
		}
		for _, p := range ix.ins(RelCooperates, m) {
			partners[p] = true
		}
		incs := map[string]bool{}
		for _, op := range ix.outs(RelOperates, m) {
			for _, e := range ix.outs(RelIncubates, op) {
				incs[e] = true
			}
		}
		me := MasterEcosystem{Master: refOf(n), Local: ix.local(m), Segments: ix.refs(firmSegs[m]),
			Suppliers:  ix.refs(localOnly(ix.ins(RelSupplies, m))),
			Customers:  ix.refs(localOnly(ix.outs(RelSupplies, m))),
			Partners:   ix.refs(localOnly(sortedSet(partners))),
			Incubatees: ix.refs(sortedSet(incs))}
		if masters[m] {
			me.Reasons = append(me.Reasons, "chain-master (链主): MASTERS "+ix.chain.Name)
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

// Report runs every analysis.
func (a *Analyzer) Report() *Report {
	return &Report{Options: a.ix.opt, Gap: a.Gap(), Fill: a.Fill(), Strengthen: a.Strengthen(),
		Extend: a.Extend(), Pipeline: a.Pipeline(), Leaders: a.Leaders(), Build: a.Build()}
}

// Analyze runs every analysis over one projection.
func Analyze(p *Projection, opt Options) (*Report, error) {
	a, err := NewAnalyzer(p, opt)
	if err != nil {
		return nil, err
	}
	return a.Report(), nil
}
