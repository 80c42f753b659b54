package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"chainkg/graph"
)

// project builds the projection of a fixture directly (every fixture node
// is one the stores project, so the stores must give the same answers).
func project(f fixture) *graph.Projection {
	return graph.NewProjection(f.chain, 1, f.nodes, f.edges)
}

// summary renders the parts of a report the expectations pin down, one
// fact per line, so a failure shows exactly which fact changed.
func summary(r *graph.Report) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	g := r.Gap
	for _, v := range g.Segments {
		add("segment %s %s %.4f %v", v.Segment.ID, v.Status, v.Score, v.Flags)
	}
	add("counts missing=%d weak=%d covered=%d strong=%d", g.StatusCounts.Missing, g.StatusCounts.Weak, g.StatusCounts.Covered, g.StatusCounts.Strong)
	add("chain completeness=%.4f strength=%.4f fusion=%.4f", g.Completeness, g.Strength, g.Fusion)
	for _, s := range g.ByStage {
		add("stage %s %d/%d %.4f", s.Stage, s.Present, s.Segments, s.Completeness)
	}
	rs := g.Resilience
	rm := func(x *graph.Removal) string {
		if x == nil {
			return "-"
		}
		return fmt.Sprintf("%s:%.4f%v", x.Node.ID, x.Share, ids(x.Lost))
	}
	add("resilience score=%.4f supplied=%d worstSegment=%s worstFirm=%s avgSegment=%.4f avgFirm=%.4f",
		rs.Score, rs.Supplied, rm(rs.WorstSegment), rm(rs.WorstFirm), rs.AverageSegmentShare, rs.AverageFirmShare)
	for _, s := range g.SinglePoints {
		add("spof %s %s lost=%v", s.Segment.ID, s.Firm.ID, ids(s.Lost))
	}
	for _, l := range g.Links {
		add("link %s -> %s %s", l.From.ID, l.To.ID, l.Kind)
	}
	for _, f := range r.Fill {
		add("fill %s %.4f bridge=%.4f betweenness=%.4f reach=%.4f policy=%.4f", f.Segment.ID, f.Importance, f.Parts.Bridge, f.Parts.Betweenness, f.Parts.Reach, f.Parts.Policy)
		for _, c := range f.Candidates {
			add("  candidate %s %s %.4f", c.Actor.ID, c.Kind, c.Score)
		}
	}
	for _, v := range r.Strengthen.Weak {
		add("weak %s", v.Segment.ID)
	}
	for _, p := range r.Strengthen.Partnerships {
		add("partnership %s + %s %.4f jaccard=%.4f aa=%.4f", p.Knowledge.ID, p.Enterprise.ID, p.Score, p.Jaccard, p.AdamicAdar)
	}
	for _, s := range r.Strengthen.Services {
		add("service %s %.4f %v", s.Actor.ID, s.Score, ids(s.Segments))
	}
	for _, f := range r.Extend {
		add("extend %s %s %.4f via=%v firms=%v", f.Segment.ID, f.Direction, f.Score, ids(f.Via), ids(f.LocalFirms))
	}
	for _, s := range r.Pipeline.Stages {
		add("pipeline %s %d", s.Stage, s.Count)
	}
	for _, l := range r.Pipeline.Leaks {
		add("leak after %s %d mature=%d %v", l.After, l.Count, l.Mature, ids(l.Achievements))
	}
	add("leaders %v", ids(r.Leaders.Leaders))
	for _, m := range r.Leaders.Masters {
		add("master %s suppliers=%v customers=%v partners=%v incubatees=%v", m.Master.ID, ids(m.Suppliers), ids(m.Customers), ids(m.Partners), ids(m.Incubatees))
	}
	add("build needs=%v masters=%v", r.Build.NeedsBuild, ids(r.Build.ChainMasters))
	for _, c := range r.Build.Anchors {
		add("  anchor %s %.4f", c.Actor.ID, c.Score)
	}
	return out
}

func ids(refs []graph.NodeRef) []string {
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		out = append(out, r.ID)
	}
	return out
}

// expected holds the hand-computed answers, default options.
var expected = map[string][]string{
	// Hydrogen (weights: depth .2 (saturation 3), leader .25, knowledge .2,
	// platform .1, cooperation .15, diversity .1):
	//   prod:     .2*2/3 + .25 + .2 + .1 (plat:val) + .15 + .1*(1-.5) (HHI by share .5²+.5²) = .8833
	//   storage:  MISSING, 0
	//   fuelcell: .2*1/3 + .25*.5 (high-tech only) + .2 (Tongji, catalyst) + .1 (inc:h2, poc:tongji) = .4917
	//   vehicle:  .2*1/3 = .0667
	//   strength = (.8833+0+.4917+.0667)/4 = .3604; completeness 3/4; fusion: prod and fuelcell of the 3 present = .6667
	//   supplied: prod (source), fuelcell (via prod), vehicle (via fuelcell) = 3
	//   remove prod: fuelcell and vehicle lose supply: 2/3; fuelcell: vehicle 1/3; vehicle: 0 -> avg 1/3
	//   firms: a, b share prod (0); c alone in fuelcell (1/3); d alone in vehicle (0) -> avg (1/3)/4 = .0833
	//   resilience = 1 - 2/3 = .3333
	//   fill storage: bridge 1 (prod up, vehicle down); betweenness: of the 2 shortest prod->vehicle paths one
	//     passes storage: .5/((4-1)(4-2)) = .0833; reach: vehicle = 1/3; policy .8
	//     importance = .4*1 + .2*.0833 + .2*.3333 + .2*.8 = .6433
	//     lab:h2 spin-off: ach:tank (TRL 7 >= 6) covers 1/1 field: .6 + .4*7/9 = .9111
	//     ent:b adjacent (prod) researching storage-mat: .6*1 + .4*.3 (SME) = .72
	//     ent:x outside, SPECIALISED .8, one local tie (ent:c): .6*.8 + .4*1/3 = .6133
	//   partnerships (firms of non-strong segments: c, d):
	//     Tongji + c: fields {electrolysis,catalyst} vs {catalyst,membrane,storage-mat}: J = 1/4;
	//       shared neighbour ent:a (neighbours Tongji, c, inc:h2: deg 3): AA = 1/ln 3 = .9102 -> .25 + .5*.9102 = .7051
	//     lab:h2 + c: J = 1/3; shared neighbour ach:tank (lab:h2, plat:val, poc:tongji, c: deg 4):
	//       AA = 1/ln 4 = .7213 -> .3333 + .3607 = .6940
	//   services: inc:h2 serves fuelcell, poc:tongji serves catalyst (fuelcell): 1 of 3 non-strong each
	//   extend: storage (between prod and vehicle): no local firm, its field researched locally (b, c, lab:h2):
	//     .3*1 + .2*.8833 (prod) = .4767; marine-ship (after fuelcell): ent:e, field not researched:
	//     .5*1/3 + .2*.4917 = .2650
	//   pipeline: ach:tank valued, validated, transferred to c (incubated by inc:h2); ach:early only valued
	//   anchors: a .5*1 + .3*1/4 + .2 (Tongji tie) = .775; c .5*.7 + .075 = .425; b, d .5*.3 + .075 = .225
	"hydrogen": {
		"segment seg:h2-prod STRONG 0.8833 []",
		"segment seg:h2-storage MISSING 0.0000 [NO_LOCAL_FIRM]",
		"segment seg:h2-fuelcell COVERED 0.4917 [SINGLE_LOCAL_FIRM NO_LEADER NO_COOPERATION]",
		"segment seg:h2-vehicle WEAK 0.0667 [SINGLE_LOCAL_FIRM NO_LEADER_OR_HIGH_TECH NO_KNOWLEDGE_SUPPORT NO_PLATFORM_SUPPORT NO_COOPERATION UPSTREAM_MISSING]",
		"counts missing=1 weak=1 covered=1 strong=1",
		"chain completeness=0.7500 strength=0.3604 fusion=0.6667",
		"stage UPSTREAM 1/1 1.0000",
		"stage MIDSTREAM 1/2 0.5000",
		"stage DOWNSTREAM 1/1 1.0000",
		"resilience score=0.3333 supplied=3 worstSegment=seg:h2-prod:0.6667[seg:h2-fuelcell seg:h2-vehicle] worstFirm=ent:c:0.3333[seg:h2-vehicle] avgSegment=0.3333 avgFirm=0.0833",
		"spof seg:h2-fuelcell ent:c lost=[seg:h2-vehicle]",
		"spof seg:h2-vehicle ent:d lost=[]",
		"link seg:h2-storage -> seg:h2-vehicle UPSTREAM_MISSING",
		"fill seg:h2-storage 0.6433 bridge=1.0000 betweenness=0.0833 reach=0.3333 policy=0.8000",
		"  candidate lab:h2 LAB_SPINOFF 0.9111",
		"  candidate ent:b ADJACENT_FIRM 0.7200",
		"  candidate ent:x OUTSIDE_ENTERPRISE 0.6133",
		"weak seg:h2-vehicle",
		"partnership uni:tongji + ent:c 0.7051 jaccard=0.2500 aa=0.9102",
		"partnership lab:h2 + ent:c 0.6940 jaccard=0.3333 aa=0.7213",
		"service inc:h2 0.3333 [seg:h2-fuelcell]",
		"service poc:tongji 0.3333 [seg:h2-fuelcell]",
		"extend seg:h2-storage BOTH 0.4767 via=[seg:h2-prod seg:h2-vehicle] firms=[]",
		"extend seg:marine-ship DOWNSTREAM 0.2650 via=[seg:h2-fuelcell] firms=[ent:e]",
		"pipeline RESULT 2",
		"pipeline VALUED 2",
		"pipeline VALIDATED 1",
		"pipeline INCUBATED 1",
		"pipeline ENTERPRISE 1",
		"leak after VALUED 1 mature=0 [ach:early]",
		"leaders [leader:h2]",
		"master ent:a suppliers=[] customers=[ent:c] partners=[uni:tongji] incubatees=[ent:c]",
		"build needs=false masters=[ent:a]",
		"  anchor ent:a 0.7750",
		"  anchor ent:c 0.4250",
		"  anchor ent:b 0.2250",
		"  anchor ent:d 0.2250",
	},
	// Single point of failure (linear chain, all four segments supplied):
	//   sensor:   .2*2/3 + .25 + .2 + 0 + .15 + .1*.5 = .7833 (STRONG despite no platform)
	//   compute:  .2/3 + .125 + .2 = .3917
	//   software: .2*2/3 + .125 + .2 + .15 + .1*(1-.82) (revenue 90/10: HHI .81+.01) = .6263
	//   vehicle:  .2*2/3 + .1*.5 = .1833
	//   strength = (.7833+.3917+.6263+.1833)/4 = .4962; fusion 3/4
	//   remove sensor: 3/3; compute: 2/3; software: 1/3; vehicle 0 -> avg .5, resilience 0
	//   f3 alone in compute: 2/3; every other firm shares its segment -> avg (2/3)/7 = .0952
	//   partnerships: lab:auto + f3 {chips}: J 1, no shared neighbour -> 1;
	//     Fudan + f5: J = |{software}|/|{sensing,software}| = .5; shared neighbour f4 (Fudan, f3, f5, f6:
	//     deg 4) -> .5 + .5/ln 4 = .8607; Fudan + f4 already cooperate
	//   anchors: f1 .5 + .075 + .2 (Fudan) = .775; f4 .35 + .075 + .2 = .625; f2, f3 .425; f5-f7 .225
	"single-point": {
		"segment seg:icv-sensor STRONG 0.7833 [NO_PLATFORM_SUPPORT]",
		"segment seg:icv-compute COVERED 0.3917 [SINGLE_LOCAL_FIRM NO_LEADER NO_PLATFORM_SUPPORT NO_COOPERATION]",
		"segment seg:icv-software COVERED 0.6263 [NO_LEADER HIGH_CONCENTRATION NO_PLATFORM_SUPPORT]",
		"segment seg:icv-vehicle WEAK 0.1833 [NO_LEADER_OR_HIGH_TECH NO_KNOWLEDGE_SUPPORT NO_PLATFORM_SUPPORT NO_COOPERATION]",
		"counts missing=0 weak=1 covered=2 strong=1",
		"chain completeness=1.0000 strength=0.4962 fusion=0.7500",
		"stage UPSTREAM 1/1 1.0000",
		"stage MIDSTREAM 2/2 1.0000",
		"stage DOWNSTREAM 1/1 1.0000",
		"resilience score=0.0000 supplied=4 worstSegment=seg:icv-sensor:1.0000[seg:icv-compute seg:icv-software seg:icv-vehicle] worstFirm=ent:f3:0.6667[seg:icv-software seg:icv-vehicle] avgSegment=0.5000 avgFirm=0.0952",
		"spof seg:icv-compute ent:f3 lost=[seg:icv-software seg:icv-vehicle]",
		"weak seg:icv-vehicle",
		"partnership lab:auto + ent:f3 1.0000 jaccard=1.0000 aa=0.0000",
		"partnership uni:fudan + ent:f5 0.8607 jaccard=0.5000 aa=0.7213",
		"pipeline RESULT 0",
		"pipeline VALUED 0",
		"pipeline VALIDATED 0",
		"pipeline INCUBATED 0",
		"pipeline ENTERPRISE 0",
		"leaders []",
		"build needs=true masters=[]",
		"  anchor ent:f1 0.7750",
		"  anchor ent:f4 0.6250",
		"  anchor ent:f2 0.4250",
		"  anchor ent:f3 0.4250",
		"  anchor ent:f5 0.2250",
		"  anchor ent:f6 0.2250",
		"  anchor ent:f7 0.2250",
	},
	// Broken link:
	//   collect:   g1 alone, leader, platform (plat:bd serves the chain), nobody researches IoT:
	//              .2/3 + .25 + .1 = .4167
	//   store:     g2 alone, high-tech, lab:data (db) cooperates: .2/3 + .125 + .2 + .1 + .15 = .6417
	//   secure:    MISSING
	//   analytics: g3 alone, high-tech, platform: .2/3 + .125 + .1 = .2917; its feeders: secure missing
	//              (UPSTREAM_MISSING) and store present with no SUPPLIES/COOPERATES from g2 to g3
	//              (NO_LOCAL_LINK_UPSTREAM: the broken link)
	//   strength = (.4167+.6417+0+.2917)/4 = .3375; fusion 3/3
	//   supplied: collect, store, analytics (via store); remove collect: store and analytics 2/3;
	//     store: analytics 1/3 -> avg 1/3; the firms are each alone: same shares -> avg 1/3
	//   fill secure: bridge 1, betweenness .5/6 = .0833, reach 1/3, no policy weight:
	//     .4 + .0167 + .0667 = .4833; no candidate
	//   anchors: g2 .35 + .075 + .2 (lab:data) = .625; g1 .5 + .075 = .575; g3 .425
	"broken-link": {
		"segment seg:bd-collect COVERED 0.4167 [SINGLE_LOCAL_FIRM NO_KNOWLEDGE_SUPPORT NO_COOPERATION]",
		"segment seg:bd-store COVERED 0.6417 [SINGLE_LOCAL_FIRM NO_LEADER]",
		"segment seg:bd-secure MISSING 0.0000 [NO_LOCAL_FIRM]",
		"segment seg:bd-analytics COVERED 0.2917 [SINGLE_LOCAL_FIRM NO_LEADER NO_KNOWLEDGE_SUPPORT NO_COOPERATION UPSTREAM_MISSING NO_LOCAL_LINK_UPSTREAM]",
		"counts missing=1 weak=0 covered=3 strong=0",
		"chain completeness=0.7500 strength=0.3375 fusion=1.0000",
		"stage UPSTREAM 1/1 1.0000",
		"stage MIDSTREAM 1/2 0.5000",
		"stage DOWNSTREAM 1/1 1.0000",
		"resilience score=0.3333 supplied=3 worstSegment=seg:bd-collect:0.6667[seg:bd-store seg:bd-analytics] worstFirm=ent:g1:0.6667[seg:bd-store seg:bd-analytics] avgSegment=0.3333 avgFirm=0.3333",
		"spof seg:bd-collect ent:g1 lost=[seg:bd-store seg:bd-analytics]",
		"spof seg:bd-store ent:g2 lost=[seg:bd-analytics]",
		"spof seg:bd-analytics ent:g3 lost=[]",
		"link seg:bd-store -> seg:bd-analytics NO_LOCAL_LINK_UPSTREAM",
		"link seg:bd-secure -> seg:bd-analytics UPSTREAM_MISSING",
		"fill seg:bd-secure 0.4833 bridge=1.0000 betweenness=0.0833 reach=0.3333 policy=0.0000",
		"service plat:bd 1.0000 [seg:bd-collect seg:bd-store seg:bd-secure seg:bd-analytics]",
		"pipeline RESULT 0",
		"pipeline VALUED 0",
		"pipeline VALIDATED 0",
		"pipeline INCUBATED 0",
		"pipeline ENTERPRISE 0",
		"leaders []",
		"build needs=true masters=[]",
		"  anchor ent:g2 0.6250",
		"  anchor ent:g1 0.5750",
		"  anchor ent:g3 0.4250",
	},
}

// checkReport compares a report's summary with the hand-computed one.
func checkReport(t *testing.T, name string, r *graph.Report) {
	t.Helper()
	got, want := summary(r), expected[name]
	if slices.Equal(got, want) {
		return
	}
	for i := 0; i < max(len(got), len(want)); i++ {
		g, w := "<none>", "<none>"
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("line %d:\n got  %s\n want %s", i, g, w)
		}
	}
}

func TestFixturesDirect(t *testing.T) {
	for _, f := range fixtures() {
		t.Run(f.name, func(t *testing.T) {
			r, err := graph.Analyze(project(f), graph.Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkReport(t, f.name, r)
			checkReasons(t, r)
			// Every fixture fact is synthetic and dated 2024-01-01.
			ev := r.Gap.Evidence
			if ev.Facts != len(f.nodes)+len(f.edges) || ev.Synthetic != 1 || ev.Oldest != "2024-01-01" || ev.Newest != "2024-01-01" || ev.Undated != 0 {
				t.Errorf("evidence %+v", ev)
			}
		})
	}
}

// checkReasons: every verdict, candidate and pairing explains itself.
func checkReasons(t *testing.T, r *graph.Report) {
	t.Helper()
	for _, v := range r.Gap.Segments {
		if len(v.Reasons) < len(v.Flags) || len(v.Reasons) == 0 {
			t.Errorf("%s: %d flags but reasons %q", v.Segment.ID, len(v.Flags), v.Reasons)
		}
	}
	for _, f := range r.Fill {
		if len(f.Reasons) == 0 {
			t.Errorf("fill %s without reasons", f.Segment.ID)
		}
		for _, c := range f.Candidates {
			if len(c.Reasons) == 0 {
				t.Errorf("candidate %s without reasons", c.Actor.ID)
			}
		}
	}
	for _, p := range r.Strengthen.Partnerships {
		if len(p.Reasons) == 0 || len(p.SharedFields) == 0 {
			t.Errorf("partnership %s+%s without reasons or fields", p.Knowledge.ID, p.Enterprise.ID)
		}
	}
	for _, f := range r.Extend {
		if len(f.Reasons) == 0 {
			t.Errorf("frontier %s without reasons", f.Segment.ID)
		}
	}
}

// TestDeterministic: the report does not depend on the order the records
// reach graph.NewProjection in.
func TestDeterministic(t *testing.T) {
	for _, f := range fixtures() {
		t.Run(f.name, func(t *testing.T) {
			want, err := graph.Analyze(project(f), graph.Options{})
			if err != nil {
				t.Fatal(err)
			}
			wj, _ := json.Marshal(want)
			rng := rand.New(rand.NewPCG(1, 2))
			for i := 0; i < 5; i++ {
				p := shuffled(project(f), rng.Uint64())
				got, err := graph.Analyze(p, graph.Options{})
				if err != nil {
					t.Fatal(err)
				}
				gj, _ := json.Marshal(got)
				if string(gj) != string(wj) {
					t.Fatalf("shuffle %d changed the report", i)
				}
			}
		})
	}
}

func TestOptions(t *testing.T) {
	p := project(hydrogenFixture())
	t.Run("defaults documented", func(t *testing.T) {
		d := graph.DefaultOptions()
		if got := (graph.Options{}).WithDefaults(); got != d {
			t.Fatalf("zero options = %+v, want the defaults %+v", got, d)
		}
		s := d.Score
		if sum := s.Depth + s.Leader + s.Knowledge + s.Platform + s.Cooperation + s.Diversity; sum < 0.999 || sum > 1.001 {
			t.Fatalf("default score weights sum to %v, want 1", sum)
		}
	})
	bad := []struct {
		name string
		opt  graph.Options
	}{
		{"hhi above 1", graph.Options{MaxHHI: 1.5}},
		{"maturity 10", graph.Options{MinMaturity: 10}},
		{"negative weight", graph.Options{Score: graph.ScoreWeights{Depth: -1, Leader: 1}}},
		{"coverage above 1", graph.Options{CoverageThreshold: 2}},
		{"too many candidates", graph.Options{MaxCandidates: 5000}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := graph.Analyze(p, tc.opt)
			if graph.CodeOf(err) != graph.CodeInvalidInput {
				t.Fatalf("err = %v, want BAD_USER_INPUT", err)
			}
		})
	}
	t.Run("unknown chain", func(t *testing.T) {
		q := project(hydrogenFixture())
		q.ChainID = "chain:none"
		if _, err := graph.Analyze(q, graph.Options{}); graph.CodeOf(err) != graph.CodeNotFound {
			t.Fatalf("err = %v, want NOT_FOUND", err)
		}
	})
	t.Run("scope Shanghai", func(t *testing.T) {
		// In Shanghai only ent:x is local: storage is the one present segment.
		r, err := graph.Analyze(p, graph.Options{Scope: "Shanghai"})
		if err != nil {
			t.Fatal(err)
		}
		var present []string
		for _, v := range r.Gap.Segments {
			if v.Status != graph.StatusMissing {
				present = append(present, v.Segment.ID)
			}
		}
		if !slices.Equal(present, []string{"seg:h2-storage"}) {
			t.Fatalf("present in Shanghai = %v", present)
		}
	})
	t.Run("max candidates", func(t *testing.T) {
		r, err := graph.Analyze(p, graph.Options{MaxCandidates: 1})
		if err != nil {
			t.Fatal(err)
		}
		if c := r.Fill[0].Candidates; len(c) != 1 || c[0].Actor.ID != "lab:h2" {
			t.Fatalf("candidates = %+v, want only lab:h2", c)
		}
		if len(r.Strengthen.Partnerships) != 1 || r.Strengthen.Partnerships[0].Knowledge.ID != "uni:tongji" {
			t.Fatalf("partnerships = %+v, want only uni:tongji + ent:c", r.Strengthen.Partnerships)
		}
	})
	t.Run("strict maturity drops the spin-off", func(t *testing.T) {
		r, err := graph.Analyze(p, graph.Options{MinMaturity: 8})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range r.Fill[0].Candidates {
			if c.Kind == graph.CandidateSpinOff {
				t.Fatalf("TRL 7 result offered at MinMaturity 8: %+v", c)
			}
		}
	})
}

func TestBuildView(t *testing.T) {
	var ps []*graph.Projection
	for _, f := range fixtures() {
		ps = append(ps, project(f))
	}
	got, err := graph.BuildView(ps, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Needing a build first (no chain-master): bd (.75), icv (1.0); then h2.
	var order []string
	for _, b := range got {
		order = append(order, fmt.Sprintf("%s %v %.2f", b.Chain.ID, b.NeedsBuild, b.Completeness))
		if len(b.Reasons) == 0 {
			t.Errorf("%s: no reasons", b.Chain.ID)
		}
	}
	want := []string{"chain:bd true 0.75", "chain:icv true 1.00", "chain:h2 false 0.75"}
	if !slices.Equal(order, want) {
		t.Fatalf("build view = %v, want %v", order, want)
	}
}

// countingSource is a ProjectionSource over a fixed graph whose revision
// the test bumps, counting extractions.
type countingSource struct {
	rev   int64
	calls int
	p     map[string]*graph.Projection
}

func (s *countingSource) Revision(context.Context) (int64, error) { return s.rev, nil }
func (s *countingSource) Projection(_ context.Context, id string) (*graph.Projection, error) {
	s.calls++
	p, ok := s.p[id]
	if !ok {
		return nil, graph.Errorf(graph.CodeNotFound, "no chain %s", id)
	}
	q := *p
	q.Revision = s.rev
	return &q, nil
}

func TestProjectionCache(t *testing.T) {
	ctx := context.Background()
	src := &countingSource{rev: 1, p: map[string]*graph.Projection{"chain:h2": project(hydrogenFixture())}}
	c := graph.NewProjectionCache(src)
	p1, err := c.Get(ctx, "chain:h2")
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := c.Get(ctx, "chain:h2")
	if p1 != p2 || src.calls != 1 {
		t.Fatalf("second Get at the same revision extracted again (calls %d)", src.calls)
	}
	src.rev = 2
	p3, _ := c.Get(ctx, "chain:h2")
	if p3 == p1 || src.calls != 2 || p3.Revision != 2 {
		t.Fatalf("Get after a revision bump reused the old projection (calls %d)", src.calls)
	}
	if _, err := c.Get(ctx, "chain:none"); graph.CodeOf(err) != graph.CodeNotFound {
		t.Fatalf("missing chain: %v", err)
	}
	if _, err := c.Get(ctx, "chain:none"); err == nil || src.calls != 4 {
		t.Fatalf("a failed extraction was cached (calls %d)", src.calls)
	}
	st := c.Stats()
	if st.Hits != 1 || st.Misses != 4 {
		t.Fatalf("stats = %+v, want 1 hit 4 misses", st)
	}
}

// TestHighTechFlagWithoutTier: a firm flagged highTech counts in H(s)
// whatever its tier, so its segment is not NO_LEADER_OR_HIGH_TECH.
func TestHighTechFlagWithoutTier(t *testing.T) {
	p := graph.NewProjection("chain:x", 0, []graph.Node{
		nd("chain:x", graph.KindChain, "X", nil),
		ent("ent:s", "S", "Yangpu", "SME", map[string]any{"highTech": true}),
		seg("seg:x", "chain:x", "X1", "UPSTREAM", 1),
	}, []graph.Edge{
		ed(graph.RelHasSegment, "chain:x", "seg:x"),
		ed(graph.RelOperatesIn, "ent:s", "seg:x"),
	})
	r, err := graph.Analyze(p, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := r.Gap.Segments[0]
	if v.Counts.HighTech != 1 || !slices.Contains(v.Flags, graph.FlagNoLeader) || slices.Contains(v.Flags, graph.FlagNoLeaderOrHighTech) {
		t.Fatalf("verdict %+v", v)
	}
}

// TestAnalyzerConcurrent: after NewAnalyzer the methods only read, so one
// analyzer serves concurrent requests (run with -race).
func TestAnalyzerConcurrent(t *testing.T) {
	a, err := graph.NewAnalyzer(project(hydrogenFixture()), graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(a.Report())
	done := make(chan string)
	for i := 0; i < 8; i++ {
		go func() {
			b, _ := json.Marshal(a.Report())
			done <- string(b)
		}()
	}
	for i := 0; i < 8; i++ {
		if got := <-done; got != string(want) {
			t.Fatal("concurrent reports differ")
		}
	}
}

// TestEdgeCases: degenerate chains give a report, not a panic, with the
// numbers the definitions imply.
func TestEdgeCases(t *testing.T) {
	chain := nd("chain:e", graph.KindChain, "E", nil)
	cases := []struct {
		name         string
		nodes        []graph.Node
		edges        []graph.Edge
		completeness float64
		supplied     int
		fill         int
	}{
		{"no segments", []graph.Node{chain}, nil, 0, 0, 0},
		{"segments without FEEDS", []graph.Node{chain,
			seg("seg:e1", "chain:e", "E1", "UPSTREAM", 1), seg("seg:e2", "chain:e", "E2", "DOWNSTREAM", 2),
			ent("ent:e", "E firm", "Yangpu", "SME")},
			[]graph.Edge{ed(graph.RelOperatesIn, "ent:e", "seg:e1")}, 0.5, 1, 1},
		{"FEEDS cycle without a source", []graph.Node{chain,
			seg("seg:e1", "chain:e", "E1", "MIDSTREAM", 1), seg("seg:e2", "chain:e", "E2", "MIDSTREAM", 2),
			ent("ent:e", "E firm", "Yangpu", "SME")},
			[]graph.Edge{ed(graph.RelFeeds, "seg:e1", "seg:e2"), ed(graph.RelFeeds, "seg:e2", "seg:e1"),
				ed(graph.RelOperatesIn, "ent:e", "seg:e1"), ed(graph.RelOperatesIn, "ent:e", "seg:e2")}, 1, 0, 0},
		{"dangling edge ignored", []graph.Node{chain, seg("seg:e1", "chain:e", "E1", "UPSTREAM", 1)},
			[]graph.Edge{ed(graph.RelOperatesIn, "ent:gone", "seg:e1")}, 0, 0, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := graph.Analyze(graph.NewProjection("chain:e", 0, tc.nodes, tc.edges), graph.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Gap.Completeness != tc.completeness || r.Gap.Resilience.Supplied != tc.supplied || len(r.Fill) != tc.fill {
				t.Fatalf("completeness %v supplied %d fill %d, want %v %d %d",
					r.Gap.Completeness, r.Gap.Resilience.Supplied, len(r.Fill), tc.completeness, tc.supplied, tc.fill)
			}
			if _, err := json.Marshal(r); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// ExampleAnalyze runs every analysis over the hydrogen fixture's projection
// (a store's Projection gives the same) and prints the segment map and the
// top fill candidate.
func ExampleAnalyze() {
	r, err := graph.Analyze(project(hydrogenFixture()), graph.Options{Scope: "Yangpu"})
	if err != nil {
		panic(err)
	}
	for _, v := range r.Gap.Segments {
		fmt.Printf("%-10s %-22s %-8s %.2f\n", v.Stage, v.Segment.Name, v.Status, v.Score)
	}
	fmt.Printf("completeness %.2f strength %.2f fusion %.2f resilience %.2f\n",
		r.Gap.Completeness, r.Gap.Strength, r.Gap.Fusion, r.Gap.Resilience.Score)
	top := r.Fill[0]
	fmt.Printf("fill %s (importance %.2f): %s, %s\n", top.Segment.Name, top.Importance, top.Candidates[0].Actor.Name, top.Candidates[0].Kind)
	// Output:
	// UPSTREAM   Hydrogen production    STRONG   0.88
	// MIDSTREAM  Storage and transport  MISSING  0.00
	// MIDSTREAM  Fuel-cell stacks       COVERED  0.49
	// DOWNSTREAM Fuel-cell vehicles     WEAK     0.07
	// completeness 0.75 strength 0.36 fusion 0.67 resilience 0.33
	// fill Storage and transport (importance 0.64): Hydrogen Lab, LAB_SPINOFF
}
