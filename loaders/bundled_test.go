package loaders_test

import (
	"strings"
	"testing"

	"chainkg/data"
	"chainkg/graph"
	"chainkg/loaders"
)

// TestBundledDataset checks the honesty rules of data/yangpu and that it
// holds what the analyses need.
func TestBundledDataset(t *testing.T) {
	ds, err := loaders.ReadDataset(data.FS, data.Default)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[graph.Kind]int{}
	byID := map[string]graph.Node{}
	for _, n := range ds.Nodes {
		kinds[n.Kind]++
		byID[n.ID] = n
		switch {
		case n.Prov.Source == "":
			t.Errorf("%s has no source", n.ID)
		case n.Prov.Source == graph.SourceSynthetic && n.Kind != graph.KindSegment && n.Kind != graph.KindTechField:
			// Invented actors and results say so in their names; segments
			// and fields are our model's vocabulary, marked by source only.
			if !strings.Contains(n.Name, "(fictional)") && !strings.Contains(n.Name, "illustrative") {
				t.Errorf("synthetic %s %q does not say it is invented", n.Kind, n.Name)
			}
		case n.Prov.Source != "yangpu-stc-2024-workplan" && n.Prov.Source != graph.SourceSynthetic:
			t.Errorf("%s: unexpected source %q", n.ID, n.Prov.Source)
		}
		if n.Kind == graph.KindEnterprise && n.Prov.Source != graph.SourceSynthetic {
			t.Errorf("enterprise %s must be synthetic (the document names no firm)", n.ID)
		}
	}
	for _, e := range ds.Edges {
		if e.Prov.Source == "" {
			t.Errorf("edge %s has no source", e.Key())
		}
	}
	if kinds[graph.KindChain] != 7 {
		t.Errorf("chains = %d, want the 7 the document names", kinds[graph.KindChain])
	}
	for _, id := range []string{"univ-fudan", "univ-tongji", "lab-math-rd", "plat-ttc-east", "plat-ste", "plat-brain-chip", "plat-onchip", "plat-valuation",
		"poc-green-lowcarbon", "poc-tongji", "inc-large-model", "park-zj-yangpu", "park-riverside", "park-dachuangzhi", "park-innovation-belt", "pol-life-health", "pol-zj-yangpu-30",
		"chain-ai", "chain-netlife", "chain-health", "chain-h2", "chain-icv", "chain-lcm", "chain-bigdata", "seg-ai-vertical", "seg-lh-devices", "seg-lh-digital-health"} {
		n, ok := byID[id]
		if !ok {
			t.Errorf("missing %s", id)
			continue
		}
		if n.Prov.Source != "yangpu-stc-2024-workplan" || n.Prov.AsOf != "2024-01-01" {
			t.Errorf("%s: provenance %+v, want the document as of 2024-01-01", id, n.Prov)
		}
		if n.Kind != graph.KindSegment && n.Kind != graph.KindChain && n.NameZh == "" {
			t.Errorf("%s has no Chinese name", id)
		}
	}
	// Segments per chain: 5-8, upstream to downstream.
	segs := map[string][]graph.Node{}
	for _, n := range ds.Nodes {
		if n.Kind == graph.KindSegment {
			c, _ := n.Props["chainId"].(string)
			segs[c] = append(segs[c], n)
		}
	}
	for c, list := range segs {
		if len(list) < 5 || len(list) > 8 {
			t.Errorf("%s has %d segments, want 5-8", c, len(list))
		}
		if list[0].Props["stage"] != "UPSTREAM" || list[len(list)-1].Props["stage"] != "DOWNSTREAM" {
			t.Errorf("%s does not run upstream to downstream", c)
		}
	}
	// A cross-chain FEEDS from AI models to digital-health diagnosis.
	found := false
	for _, e := range ds.Edges {
		if e.Type == graph.RelFeeds && e.From == "seg-ai-foundation" && e.To == "seg-lh-diagnosis" {
			found = true
		}
	}
	if !found {
		t.Error("no FEEDS from AI foundation models to AI-assisted diagnosis")
	}
	// The transfer pipeline: PRODUCED -> VALUES -> VALIDATES -> TRANSFERRED_TO, incubated.
	in := map[graph.RelType]map[string][]string{}
	for _, e := range ds.Edges {
		if in[e.Type] == nil {
			in[e.Type] = map[string][]string{}
		}
		in[e.Type][e.To] = append(in[e.Type][e.To], e.From)
	}
	pipelines := 0
	for _, e := range ds.Edges {
		if e.Type != graph.RelTransferredTo {
			continue
		}
		a := e.From
		if len(in[graph.RelProduced][a]) > 0 && len(in[graph.RelValues][a]) > 0 && len(in[graph.RelValidates][a]) > 0 && len(in[graph.RelIncubates][e.To]) > 0 {
			pipelines++
		}
	}
	if pipelines < 1 {
		t.Error("no complete technology-transfer pipeline")
	}
}
