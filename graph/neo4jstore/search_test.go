package neo4jstore

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"chainkg/graph"
)

// TestSearchFulltextIsSuperset checks the claim fulltextQuery rests on: for
// every text it accepts, the full-text candidates contain every node the
// CONTAINS scan (and then graph.MatchSearch) finds. Names mix Han, Latin,
// digits and punctuation; texts are random substrings of them.
func TestSearchFulltextIsSuperset(t *testing.T) {
	s := openLoaded(t, synthetic{})
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	pieces := []string{"复旦", "大学", "同济", "智能", "芯片", "医疗", "氢", "能", "AI", "Tech", "lab", "X2", "3.5", "-", " ", "·", "（", "）", "e", "Fudan", "university", "张江", "Ünï", "café", "k8s", "R&D"}
	randName := func() string {
		var b strings.Builder
		for i := 0; i < 1+rng.IntN(5); i++ {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return strings.TrimSpace(b.String()) + "x"
	}
	var nodes []graph.Node
	for i := 0; i < 300; i++ {
		n := graph.Node{ID: fmt.Sprintf("n%03d", i), Kind: graph.KindEnterprise, Name: randName(), Prov: graph.Provenance{Source: "test"}}
		if rng.IntN(2) == 0 {
			n.NameZh = randName()
		}
		for j := 0; j < rng.IntN(3); j++ {
			n.Aliases = append(n.Aliases, randName())
		}
		nodes = append(nodes, n)
	}
	if _, err := s.UpsertNodes(ctx, nodes); err != nil {
		t.Fatal(err)
	}
	scan := func(text string) []graph.SearchHit {
		terms := graph.SearchTerms(text)
		recs, err := s.query(ctx, "scan", searchScanCypher, map[string]any{"terms": terms, "kinds": []string{}})
		if err != nil {
			t.Fatal(err)
		}
		var hits []graph.SearchHit
		for _, r := range recs {
			got, err := s.GetNodes(ctx, []string{str(r.Values[0])})
			if err != nil || len(got) != 1 {
				t.Fatalf("get %v: %v", r.Values[0], err)
			}
			if score, ok := graph.MatchSearch(got[0], text); ok {
				hits = append(hits, graph.SearchHit{Node: got[0], Score: score})
			}
		}
		graph.SortHits(hits)
		return hits
	}
	tried, viaIndex := 0, 0
	for i := 0; i < 400; i++ {
		n := nodes[rng.IntN(len(nodes))]
		src := n.Name
		switch k := rng.IntN(3); {
		case k == 1 && n.NameZh != "":
			src = n.NameZh
		case k == 2 && len(n.Aliases) > 0:
			src = n.Aliases[rng.IntN(len(n.Aliases))]
		}
		r := []rune(src)
		a := rng.IntN(len(r))
		b := a + 1 + rng.IntN(min(4, len(r)-a))
		text := string(r[a:b])
		if rng.IntN(4) == 0 {
			text += " " + string([]rune(nodes[rng.IntN(len(nodes))].Name)[:1])
		}
		if len(graph.SearchTerms(text)) == 0 {
			continue
		}
		tried++
		if _, ok := fulltextQuery(graph.SearchTerms(text)); ok {
			viaIndex++
		}
		got, err := s.Search(ctx, graph.SearchQuery{Text: text, First: 1000})
		if err != nil {
			t.Fatalf("search %q: %v", text, err)
		}
		want := scan(text)
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if len(want) == 0 {
			wj = []byte("[]")
		}
		if string(gj) != string(wj) {
			t.Errorf("search %q: full-text path differs from the scan:\n got %s\nwant %s", text, gj, wj)
		}
	}
	t.Logf("%d texts, %d answered through the full-text index", tried, viaIndex)
	if viaIndex < tried/4 {
		t.Errorf("only %d of %d texts used the index", viaIndex, tried)
	}
}
