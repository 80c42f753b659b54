package graph

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// naiveEvidence is the plain definition evidenceOf must agree with.
func naiveEvidence(p *Projection) Evidence {
	ev := Evidence{Sources: []SourceCount{}}
	counts := map[string]int{}
	synthetic := 0
	add := func(pr Provenance) {
		ev.Facts++
		counts[pr.Source]++
		if pr.Source == SourceSynthetic {
			synthetic++
		}
		if pr.AsOf == "" {
			ev.Undated++
			return
		}
		if ev.Oldest == "" || pr.AsOf < ev.Oldest {
			ev.Oldest = pr.AsOf
		}
		ev.Newest = max(ev.Newest, pr.AsOf)
	}
	for _, n := range p.Nodes {
		add(p.Provs[n.Prov])
	}
	for _, e := range p.Edges {
		add(p.Provs[e.Prov])
	}
	for src, n := range counts {
		if src == "" {
			src = "(none)"
		}
		ev.Sources = append(ev.Sources, SourceCount{Source: src, Count: n})
	}
	slices.SortFunc(ev.Sources, func(x, y SourceCount) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Source, y.Source))
	})
	if ev.Facts > 0 {
		ev.Synthetic = round4(float64(synthetic) / float64(ev.Facts))
	}
	return ev
}

func TestEvidenceOf(t *testing.T) {
	sources := []string{SourceSynthetic, "", "seed", "gov"}
	dates := []string{"", "2024-01-01", "2023-06-30", "2025-02-01"}
	for seed := range uint64(20) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 1))
			p := &Projection{}
			// Runs of repeated provenance, as stores return them, and changes.
			pick := func() Provenance {
				return Provenance{Source: sources[r.IntN(len(sources))], AsOf: dates[r.IntN(len(dates))]}
			}
			pr := pick()
			// Nodes and edges share records through Provs, some of them
			// repeated in it.
			var provs ProvTable
			var extra []Provenance
			ref := func() int32 {
				if r.IntN(3) == 0 {
					pr = pick()
				}
				if r.IntN(4) == 0 {
					extra = append(extra, pr)
					return -int32(len(extra))
				}
				return provs.Add(pr)
			}
			for range r.IntN(40) {
				p.Nodes = append(p.Nodes, ProjNode{Prov: ref()})
			}
			for range r.IntN(40) {
				p.Edges = append(p.Edges, ProjEdge{Prov: ref()})
			}
			// Extra records go after the interned ones.
			p.Provs = append(provs.List, extra...)
			fix := func(i *int32) {
				if *i < 0 {
					*i = int32(len(provs.List)) - *i - 1
				}
			}
			for i := range p.Nodes {
				fix(&p.Nodes[i].Prov)
			}
			for i := range p.Edges {
				fix(&p.Edges[i].Prov)
			}
			if got, want := evidenceOf(p), naiveEvidence(p); !reflect.DeepEqual(got, want) {
				t.Errorf("evidenceOf = %+v, want %+v", got, want)
			}
		})
	}
}
