package schema_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"chainkg/graph"
	"chainkg/graph/memstore"
	"chainkg/graph/storetest"
	"chainkg/schema"
)

const analysisQuery = `query A($id: ID!, $opt: AnalysisOptions) {
  chain(id: $id) {
    id
    gapReport(options: $opt) {
      completeness strength fusion
      resilience { score averageSegmentShare worstSegment { node { id } share lost { id } } }
      byStage { stage present segments }
      segments { segment { id name } status score flags reasons counts { localFirms hhi } }
      links { from { id } to { id } kind }
      evidence { facts synthetic oldest newest sources { source count } }
    }
    fill(options: $opt) { segment { id } importance candidates { actor { id } kind score reasons } }
    strengthen(options: $opt) { weak { segment { id } } partnerships { knowledge { id } enterprise { id } score } services { actor { id } score } }
    extend(options: $opt) { segment { id } direction score }
    pipeline(options: $opt) { stages { stage count } leaks { after count } }
    leaderView(options: $opt) { leaders { id } masters { master { id } partners { id } } }
  }
}`

// TestAnalysisFields: the Chain fields give what graph.Analyze gives over
// the store's projection, field for field.
func TestAnalysisFields(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	nodes, edges := storetest.Fixture()
	storetest.Load(t, s, nodes, edges)
	e, err := schema.NewEngine(&schema.Deps{Store: s}, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		chain string
		opt   map[string]any
		gopt  graph.Options
	}{
		{"ai defaults", "chain:ai", nil, graph.Options{}},
		{"health in Shanghai", "chain:health", map[string]any{"scope": "Shanghai", "maxCandidates": 2}, graph.Options{Scope: "Shanghai", MaxCandidates: 2}},
		{"h2 strict maturity", "chain:h2", map[string]any{"minMaturity": 8, "jaccardWeight": 2.0}, graph.Options{MinMaturity: 8, JaccardWeight: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.Do(ctx, schema.Request{Query: analysisQuery, Variables: map[string]any{"id": tc.chain, "opt": tc.opt}})
			if len(res.Errors) > 0 {
				t.Fatalf("errors: %+v", res.Errors)
			}
			raw, _ := json.Marshal(res.Data)
			var got struct {
				Chain struct {
					GapReport struct {
						Completeness, Strength, Fusion float64
						Segments                       []struct {
							Segment struct{ ID string }
							Status  string
							Score   float64
							Reasons []string
						}
					}
					Fill []struct {
						Segment    struct{ ID string }
						Importance float64
						Candidates []struct {
							Actor struct{ ID string }
							Score float64
						}
					}
					Strengthen struct {
						Partnerships []struct {
							Knowledge, Enterprise struct{ ID string }
							Score                 float64
						}
					}
					Pipeline struct {
						Stages []struct {
							Stage string
							Count int
						}
					}
				}
			}
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			p, err := s.Projection(ctx, tc.chain)
			if err != nil {
				t.Fatal(err)
			}
			want, err := graph.Analyze(p, tc.gopt)
			if err != nil {
				t.Fatal(err)
			}
			g := got.Chain.GapReport
			if g.Completeness != want.Gap.Completeness || g.Strength != want.Gap.Strength || g.Fusion != want.Gap.Fusion {
				t.Errorf("scores %v/%v/%v, want %v/%v/%v", g.Completeness, g.Strength, g.Fusion, want.Gap.Completeness, want.Gap.Strength, want.Gap.Fusion)
			}
			if len(g.Segments) != len(want.Gap.Segments) {
				t.Fatalf("%d segments, want %d", len(g.Segments), len(want.Gap.Segments))
			}
			for i, v := range g.Segments {
				w := want.Gap.Segments[i]
				if v.Segment.ID != w.Segment.ID || v.Status != string(w.Status) || v.Score != w.Score || len(v.Reasons) != len(w.Reasons) {
					t.Errorf("segment %d = %+v, want %s %s %v", i, v, w.Segment.ID, w.Status, w.Score)
				}
			}
			if len(got.Chain.Fill) != len(want.Fill) {
				t.Fatalf("fill: %d targets, want %d", len(got.Chain.Fill), len(want.Fill))
			}
			for i, ft := range got.Chain.Fill {
				w := want.Fill[i]
				if ft.Segment.ID != w.Segment.ID || ft.Importance != w.Importance || len(ft.Candidates) != len(w.Candidates) {
					t.Errorf("fill %d = %+v, want %s %v (%d candidates)", i, ft, w.Segment.ID, w.Importance, len(w.Candidates))
				}
			}
			if len(got.Chain.Strengthen.Partnerships) != len(want.Strengthen.Partnerships) {
				t.Errorf("partnerships %d, want %d", len(got.Chain.Strengthen.Partnerships), len(want.Strengthen.Partnerships))
			}
			for i, st := range got.Chain.Pipeline.Stages {
				if st.Stage != want.Pipeline.Stages[i].Stage || st.Count != want.Pipeline.Stages[i].Count {
					t.Errorf("pipeline stage %d = %+v", i, st)
				}
			}
		})
	}
}

func TestAnalysisFieldErrors(t *testing.T) {
	s := memstore.New()
	nodes, edges := storetest.Fixture()
	storetest.Load(t, s, nodes, edges)
	e, err := schema.NewEngine(&schema.Deps{Store: s}, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	res := e.Do(context.Background(), schema.Request{
		Query: `{ chain(id: "chain:ai") { gapReport(options: {minMaturity: 12}) { completeness } } }`,
	})
	if len(res.Errors) == 0 {
		t.Fatal("minMaturity 12 accepted")
	}
	raw, _ := json.Marshal(res.Errors[0])
	if !json.Valid(raw) || !strings.Contains(string(raw), "BAD_USER_INPUT") {
		t.Fatalf("error %s lacks BAD_USER_INPUT", raw)
	}
}

// TestAnalysisFollowsWrites: a write bumps the revision, so the next query
// sees a new projection (the memoised analyzer of the old one is dropped).
func TestAnalysisFollowsWrites(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	nodes, edges := storetest.Fixture()
	storetest.Load(t, s, nodes, edges)
	e, err := schema.NewEngine(&schema.Deps{Store: s}, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	completeness := func() float64 {
		t.Helper()
		res := e.Do(ctx, schema.Request{Query: `{ chain(id: "chain:h2") { gapReport { completeness } } }`})
		if len(res.Errors) > 0 {
			t.Fatalf("errors: %+v", res.Errors)
		}
		raw, _ := json.Marshal(res.Data)
		var got struct {
			Chain struct {
				GapReport struct{ Completeness float64 }
			}
		}
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		return got.Chain.GapReport.Completeness
	}
	before := completeness()
	if again := completeness(); again != before {
		t.Fatalf("no write, completeness %v then %v", before, again)
	}
	storetest.Load(t, s, []graph.Node{{ID: "ent:new-electrolyser", Kind: graph.KindEnterprise, Name: "New Electrolyser",
		Props: map[string]any{"region": "Yangpu", "tier": "SME"}, Prov: graph.Provenance{Source: graph.SourceSynthetic}}},
		[]graph.Edge{{Type: graph.RelOperatesIn, From: "ent:new-electrolyser", To: "seg:h2-production", Prov: graph.Provenance{Source: graph.SourceSynthetic}}})
	if after := completeness(); after <= before {
		t.Fatalf("after a local firm moved into a missing segment completeness %v -> %v", before, after)
	}
}
