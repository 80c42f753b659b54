package schema

import (
	"sync"

	"github.com/graphql-go/graphql"

	"chainkg/graph"
)

// The chain-leader analyses on Chain: gapReport, fill, strengthen, extend,
// pipeline and leaderView. Each takes the same optional `options` argument
// (AnalysisOptions, defaults in docs/analysis.md), reads the chain's
// projection through a cache keyed by the graph revision (one Revision
// round trip when nothing changed, one Projection round trip otherwise) and
// runs the analysis in Go. Result objects resolve from the graph package's
// result structs by their JSON names.

func init() {
	chainFieldHooks = append(chainFieldHooks, analysisFields)
}

// analyzerCache memoises analyzers per chain for its current projection
// and a few option sets, so the analysis fields of one query (and repeated
// queries at one revision) build the index and verdicts once. A new
// projection of the chain (a new revision) drops the chain's analyzers; at
// most maxAnalyzers option sets are kept per chain (an analyzer of a large
// chain holds an index of the whole projection).
type analyzerCache struct {
	mu sync.Mutex
	m  map[string]*chainAnalyzers
}

type chainAnalyzers struct {
	p     *graph.Projection
	byOpt map[graph.Options]*graph.Analyzer
}

const maxAnalyzers = 4

func (c *analyzerCache) get(chainID string, p *graph.Projection, opt graph.Options) (*graph.Analyzer, error) {
	c.mu.Lock()
	ca := c.m[chainID]
	if ca != nil && ca.p == p {
		if a := ca.byOpt[opt]; a != nil {
			c.mu.Unlock()
			return a, nil
		}
	}
	c.mu.Unlock()
	a, err := graph.NewAnalyzer(p, opt)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ca = c.m[chainID]
	if ca == nil || ca.p != p {
		ca = &chainAnalyzers{p: p, byOpt: map[graph.Options]*graph.Analyzer{}}
		c.m[chainID] = ca
	}
	if len(ca.byOpt) >= maxAnalyzers {
		clear(ca.byOpt)
	}
	ca.byOpt[opt] = a
	return a, nil
}

func analysisFields(d *Deps) graphql.Fields {
	cache := graph.NewProjectionCache(d.Store)
	analyzers := &analyzerCache{m: map[string]*chainAnalyzers{}}
	t := newAnalysisTypes()
	args := graphql.FieldConfigArgument{
		"options": &graphql.ArgumentConfig{Type: t.options, Description: "thresholds and weights; every field optional, defaults documented in docs/analysis.md"},
	}
	field := func(typ graphql.Output, doc string, run func(a *graph.Analyzer) any) *graphql.Field {
		return &graphql.Field{
			Type:        typ,
			Description: doc,
			Args:        args,
			Resolve: func(p graphql.ResolveParams) (any, error) {
				id, ok := chainIDOf(p.Source)
				if !ok {
					return nil, nil
				}
				opt, err := analysisOptions(p.Args["options"])
				if err != nil {
					return nil, gqlErr(err)
				}
				proj, err := cache.Get(p.Context, id)
				if err != nil {
					return nil, gqlErr(err)
				}
				a, err := analyzers.get(id, proj, opt)
				if err != nil {
					return nil, gqlErr(err)
				}
				return run(a), nil
			},
		}
	}
	return graphql.Fields{
		"gapReport": field(graphql.NewNonNull(t.gap), "segment verdicts (MISSING/WEAK/COVERED/STRONG with reasons) and chain scores: completeness, strength, fusion, resilience",
			func(a *graph.Analyzer) any { return a.Gap() }),
		"fill": field(graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(t.fill))), "补链: missing segments by importance, each with ranked candidates",
			func(a *graph.Analyzer) any { return a.Fill() }),
		"strengthen": field(graphql.NewNonNull(t.strengthen), "强链: weak segments, partnerships to broker, services to engage",
			func(a *graph.Analyzer) any { return a.Strengthen() }),
		"extend": field(graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(t.frontier))), "延链: segments one FEEDS hop away where the district has actors",
			func(a *graph.Analyzer) any { return a.Extend() }),
		"pipeline": field(graphql.NewNonNull(t.pipeline), "成果转化: achievement transfer pipeline, stage counts, paths and leaks",
			func(a *graph.Analyzer) any { return a.Pipeline() }),
		"leaderView": field(graphql.NewNonNull(t.leader), "链长制: the chain's leaders, chain-masters and their local ecosystems",
			func(a *graph.Analyzer) any { return a.Leaders() }),
	}
}

// analysisOptions converts the options argument to graph.Options (zero
// values mean defaults) and validates it.
func analysisOptions(v any) (graph.Options, error) {
	var o graph.Options
	m, _ := v.(map[string]any)
	str := func(k string) string { s, _ := m[k].(string); return s }
	num := func(k string) float64 {
		switch x := m[k].(type) {
		case float64:
			return x
		case int:
			return float64(x)
		}
		return 0
	}
	o.Scope = str("scope")
	o.MaxHHI = num("maxHHI")
	o.DepthSaturation = int(num("depthSaturation"))
	o.StrongMinFirms = int(num("strongMinFirms"))
	o.MinMaturity = int(num("minMaturity"))
	o.CoverageThreshold = num("coverageThreshold")
	o.JaccardWeight = num("jaccardWeight")
	o.AdamicAdarWeight = num("adamicAdarWeight")
	o.MaxCandidates = int(num("maxCandidates"))
	o = o.WithDefaults()
	if err := o.Validate(); err != nil {
		return o, err
	}
	return o, nil
}

// analysisTypes are the GraphQL types of the analysis results.
type analysisTypes struct {
	options                                             *graphql.InputObject
	ref, status, counts, verdict, stage, removal        graphql.Output
	gap, candidate, fill, strengthen, frontier          *graphql.Object
	pipeline, leader, partnership, service, statusCount graphql.Output
}

// aList is a non-null list of non-null t (t may already be non-null).
func aList(t graphql.Type) graphql.Output {
	if nn, ok := t.(*graphql.NonNull); ok {
		t = nn.OfType
	}
	return graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(t)))
}

func aObj(name, doc string, fields graphql.Fields) *graphql.Object {
	return graphql.NewObject(graphql.ObjectConfig{Name: name, Description: doc, Fields: fields})
}

func aField(t graphql.Output, doc string) *graphql.Field {
	return &graphql.Field{Type: t, Description: doc}
}

func newAnalysisTypes() *analysisTypes {
	t := &analysisTypes{}
	str, flt, integer, boolean := graphql.NewNonNull(graphql.String), graphql.NewNonNull(graphql.Float), graphql.NewNonNull(graphql.Int), graphql.NewNonNull(graphql.Boolean)
	t.options = graphql.NewInputObject(graphql.InputObjectConfig{
		Name:        "AnalysisOptions",
		Description: "Thresholds and weights of the chain-leader analyses; an absent field keeps its default (docs/analysis.md).",
		Fields: graphql.InputObjectConfigFieldMap{
			"scope":             {Type: graphql.String, Description: "region that counts as local (default Yangpu)"},
			"maxHHI":            {Type: graphql.Float, Description: "HHI above which 2+ local firms are HIGH_CONCENTRATION (default 0.5)"},
			"depthSaturation":   {Type: graphql.Int, Description: "local firm count at which the depth part of the score is full (default 3)"},
			"strongMinFirms":    {Type: graphql.Int, Description: "fewest local firms of a STRONG segment (default 2)"},
			"minMaturity":       {Type: graphql.Int, Description: "readiness level (1-9) from which a result can be spun off (default 6)"},
			"coverageThreshold": {Type: graphql.Float, Description: "build view: completeness below which a chain needs building (default 0.5)"},
			"jaccardWeight":     {Type: graphql.Float, Description: "partnership score weight of field Jaccard (default 1)"},
			"adamicAdarWeight":  {Type: graphql.Float, Description: "partnership score weight of Adamic-Adar (default 0.5)"},
			"maxCandidates":     {Type: graphql.Int, Description: "length of each candidate list, 1-1000 (default 10)"},
		},
	})
	t.ref = graphql.NewNonNull(aObj("AnalysisNode", "a node named in an analysis result", graphql.Fields{
		"id": aField(graphql.NewNonNull(graphql.ID), ""), "kind": aField(str, "node kind"), "name": aField(str, ""), "nameZh": aField(graphql.String, ""),
	}))
	t.status = graphql.NewNonNull(graphql.NewEnum(graphql.EnumConfig{Name: "SegmentStatus", Values: graphql.EnumValueConfigMap{
		"MISSING": {Value: graph.StatusMissing, Description: "no local enterprise (缺链)"},
		"WEAK":    {Value: graph.StatusWeak, Description: "no leader or high-tech firm, or no university/lab/platform support"},
		"COVERED": {Value: graph.StatusCovered, Description: "present and supported, not yet strong"},
		"STRONG":  {Value: graph.StatusStrong, Description: "leader, knowledge support, cooperation, 2+ firms, no high concentration"},
	}}))
	t.counts = graphql.NewNonNull(aObj("SegmentCounts", "the numbers behind a verdict", graphql.Fields{
		"localFirms": aField(integer, "|E(s)|"), "outsideFirms": aField(integer, ""), "leaders": aField(integer, "|L(s)|"), "highTech": aField(integer, "|H(s)|"),
		"knowledge": aField(integer, "|K(s)|"), "platforms": aField(integer, "|P(s)|"), "cooperations": aField(integer, "|C(s)|"),
		"hhi": aField(flt, "Herfindahl-Hirschman index of the local firms"), "effectiveFirms": aField(flt, "1/HHI"), "shareBasis": aField(graphql.String, "share, revenue or count"),
	}))
	t.verdict = graphql.NewNonNull(aObj("SegmentVerdict", "one segment's gap analysis", graphql.Fields{
		"segment": aField(t.ref, ""), "stage": aField(graphql.String, ""), "order": aField(graphql.Int, ""), "status": aField(t.status, ""),
		"score": aField(flt, "strength in [0,1]"), "flags": aField(aList(graphql.String), "every weakness that applies"),
		"reasons": aField(aList(graphql.String), "human-readable reasons"), "counts": aField(t.counts, ""),
		"firms": aField(aList(t.ref), "local firms"), "leaders": aField(aList(t.ref), ""), "knowledge": aField(aList(t.ref), "local universities and labs researching a required field"),
		"platforms": aField(aList(t.ref), "local platforms, PoC centers, incubators and parks serving it"),
	}))
	t.stage = graphql.NewNonNull(aObj("StageCoverage", "completeness within a stage", graphql.Fields{
		"stage": aField(str, ""), "segments": aField(integer, ""), "present": aField(integer, ""), "completeness": aField(flt, ""),
	}))
	t.statusCount = graphql.NewNonNull(aObj("StatusCounts", "segments by status", graphql.Fields{
		"missing": aField(integer, ""), "weak": aField(integer, ""), "covered": aField(integer, ""), "strong": aField(integer, ""),
	}))
	t.removal = aObj("Removal", "the effect of removing one segment or firm", graphql.Fields{
		"node": aField(t.ref, ""), "share": aField(flt, "share of the other segments that lose every local supply path"), "lost": aField(aList(t.ref), ""),
	})
	resilience := aObj("Resilience", "how local supply survives the loss of one segment or firm", graphql.Fields{
		"score": aField(flt, "1 - worst share"), "worstSegment": aField(t.removal, ""), "worstFirm": aField(t.removal, ""),
		"averageSegmentShare": aField(flt, ""), "averageFirmShare": aField(flt, ""), "supplied": aField(integer, "segments with a local supply path"),
	})
	single := aObj("SinglePoint", "a segment held up by one local firm", graphql.Fields{
		"segment": aField(t.ref, ""), "firm": aField(t.ref, ""), "lost": aField(aList(t.ref), ""), "reason": aField(str, ""),
	})
	link := aObj("LinkGap", "a FEEDS dependency without a local link across", graphql.Fields{
		"from": aField(t.ref, ""), "to": aField(t.ref, ""), "kind": aField(str, "UPSTREAM_MISSING or NO_LOCAL_LINK_UPSTREAM"), "reason": aField(str, ""),
	})
	t.gap = aObj("GapReport", "a chain's segment map with its scores", graphql.Fields{
		"chain": aField(t.ref, ""), "scope": aField(str, ""), "revision": aField(graphql.Float, "graph revision the projection was read at"),
		"segments": aField(aList(t.verdict), "by stage, order, id"), "statusCounts": aField(t.statusCount, ""),
		"completeness": aField(flt, "share of segments with a local firm"), "byStage": aField(aList(t.stage), ""),
		"strength": aField(flt, "mean segment score"), "fusion": aField(flt, "两链融合: share of present segments with a local university, lab or platform"),
		"resilience": aField(graphql.NewNonNull(resilience), ""), "singlePoints": aField(aList(single), ""), "links": aField(aList(link), ""),
		"evidence": aField(graphql.NewNonNull(aObj("AnalysisEvidence", "provenance of the facts behind the report", graphql.Fields{
			"facts": aField(integer, "nodes and edges in the projection"), "oldest": aField(graphql.String, "earliest asOf"),
			"newest": aField(graphql.String, "latest asOf"), "undated": aField(integer, "facts without asOf"),
			"synthetic": aField(flt, "share of facts whose source is synthetic (demo data)"),
			"sources": aField(aList(aObj("SourceCount", "facts per provenance source", graphql.Fields{
				"source": aField(str, ""), "count": aField(integer, ""),
			})), "by count"),
		})), "how fresh and how real the evidence is"),
	})
	t.candidate = aObj("Candidate", "someone who could fill a segment or anchor a chain", graphql.Fields{
		"actor": aField(t.ref, ""), "kind": aField(str, "OUTSIDE_ENTERPRISE, ADJACENT_FIRM, LAB_SPINOFF or ANCHOR"), "score": aField(flt, ""),
		"reasons": aField(aList(graphql.String), ""), "evidence": aField(aList(t.ref), "ties, fields or achievements behind it"),
	})
	parts := aObj("ImportanceParts", "terms of a missing segment's importance", graphql.Fields{
		"bridge": aField(flt, ""), "betweenness": aField(flt, ""), "reach": aField(flt, ""), "policy": aField(flt, ""),
	})
	t.fill = aObj("FillTarget", "a missing segment with its candidates", graphql.Fields{
		"segment": aField(t.ref, ""), "stage": aField(graphql.String, ""), "importance": aField(flt, ""), "parts": aField(graphql.NewNonNull(parts), ""),
		"reasons": aField(aList(graphql.String), ""), "candidates": aField(aList(t.candidate), ""),
	})
	t.partnership = aObj("Partnership", "a lab or university and an enterprise to bring together", graphql.Fields{
		"knowledge": aField(t.ref, ""), "enterprise": aField(t.ref, ""), "score": aField(flt, ""), "jaccard": aField(flt, ""), "adamicAdar": aField(flt, ""),
		"sharedFields": aField(aList(t.ref), ""), "sharedNeighbours": aField(aList(t.ref), ""), "segments": aField(aList(t.ref), ""), "reasons": aField(aList(graphql.String), ""),
	})
	t.service = aObj("ServiceCandidate", "a platform, PoC center, incubator or park to engage", graphql.Fields{
		"actor": aField(t.ref, ""), "local": aField(boolean, ""), "score": aField(flt, ""), "segments": aField(aList(t.ref), ""), "reasons": aField(aList(graphql.String), ""),
	})
	t.strengthen = aObj("StrengthenReport", "强链 lists", graphql.Fields{
		"weak": aField(aList(t.verdict), "WEAK segments"), "flagged": aField(aList(t.verdict), "COVERED segments with flags"),
		"partnerships": aField(aList(t.partnership), ""), "services": aField(aList(t.service), ""),
	})
	t.frontier = aObj("Frontier", "a segment to extend into", graphql.Fields{
		"segment": aField(t.ref, ""), "chain": aField(t.ref, ""), "inChain": aField(boolean, ""), "direction": aField(str, "UPSTREAM, DOWNSTREAM or BOTH"),
		"via": aField(aList(t.ref), ""), "score": aField(flt, ""), "fieldCoverage": aField(flt, ""), "localFirms": aField(aList(t.ref), ""),
		"localResearchers": aField(aList(t.ref), ""), "reasons": aField(aList(graphql.String), ""),
	})
	pstage := aObj("PipelineStage", "achievements with evidence of one stage", graphql.Fields{
		"stage": aField(str, ""), "count": aField(integer, ""), "achievements": aField(aList(t.ref), "first maxCandidates"),
	})
	path := aObj("PipelinePath", "one achievement's way through the pipeline", graphql.Fields{
		"achievement": aField(t.ref, ""), "maturity": aField(graphql.Int, ""), "producers": aField(aList(t.ref), ""), "valuedBy": aField(aList(t.ref), ""),
		"validatedBy": aField(aList(t.ref), ""), "enterprises": aField(aList(t.ref), ""), "incubators": aField(aList(t.ref), ""),
		"furthest": aField(str, ""), "skipped": aField(aList(graphql.String), ""),
	})
	leak := aObj("PipelineLeak", "achievements whose furthest stage is after", graphql.Fields{
		"after": aField(str, ""), "count": aField(integer, ""), "mature": aField(integer, ""), "achievements": aField(aList(t.ref), ""), "reason": aField(str, ""),
	})
	t.pipeline = aObj("Pipeline", "成果转化 pipeline", graphql.Fields{
		"stages": aField(aList(pstage), ""), "paths": aField(aList(path), ""), "leaks": aField(aList(leak), ""), "reasons": aField(aList(graphql.String), ""),
	})
	eco := aObj("MasterEcosystem", "a chain-master and its local ecosystem", graphql.Fields{
		"master": aField(t.ref, ""), "local": aField(boolean, ""), "segments": aField(aList(t.ref), ""), "suppliers": aField(aList(t.ref), ""),
		"customers": aField(aList(t.ref), ""), "partners": aField(aList(t.ref), ""), "incubatees": aField(aList(t.ref), ""), "reasons": aField(aList(graphql.String), ""),
	})
	t.leader = aObj("LeaderView", "链长制 view", graphql.Fields{
		"chain": aField(t.ref, ""), "leaders": aField(aList(t.ref), "chain leaders (链长)"), "masters": aField(aList(eco), "chain-masters (链主)"),
	})
	return t
}
