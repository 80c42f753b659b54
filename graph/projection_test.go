package graph

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestAnalysesReadOnlyProjectedProps: every property the analyses read
// through propString / propBool / propInt / propFloat is one a Projection
// carries (a property left out of the projection would read as missing and
// silently change verdicts).
func TestAnalysesReadOnlyProjectedProps(t *testing.T) {
	files, err := filepath.Glob("analysis*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`prop(String|Bool|Int|Float)\(([^,()]+(?:\([^()]*\))?[^,()]*), "([A-Za-z]+)"\)`)
	found := 0
	for _, f := range files {
		if filepath.Ext(f) != ".go" || regexp.MustCompile(`_test\.go$`).MatchString(f) {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			found++
			arg, key := m[2], m[3]
			edge := regexp.MustCompile(`^e\.Props$`).MatchString(arg)
			if edge && !IsProjectedEdgeProp(key) || !edge && !IsProjectedNodeProp(key) {
				t.Errorf("%s reads %q of %s, which a Projection does not carry (graph/projection.go)", f, key, arg)
			}
		}
	}
	if found < 15 {
		t.Fatalf("found only %d property reads in analysis*.go: the pattern is stale", found)
	}
	for _, k := range append(append([]string{}, ProjectedNodeProps...), ProjectedEdgeProps...) {
		if !declared(k) {
			t.Errorf("projected property %q is declared by no kind or relation in vocab.go", k)
		}
	}
}

func declared(k string) bool {
	for _, ks := range Kinds {
		for _, p := range ks.AllProps() {
			if p.Name == k {
				return true
			}
		}
	}
	for _, r := range Rels {
		for _, p := range r.Props {
			if p.Name == k {
				return true
			}
		}
	}
	return false
}

func TestProjectedNodeTrims(t *testing.T) {
	n := Node{ID: "e1", Kind: KindEnterprise, Name: "A", Aliases: []string{"a"}, Props: map[string]any{"tier": "SME", "employees": int64(3)}, Prov: Provenance{Source: "s"}}
	p := ProjectedNode(n)
	if p.Aliases != nil || len(p.Props) != 1 || p.Props["tier"] != "SME" || p.Prov.Source != "s" || p.Name != "A" {
		t.Errorf("ProjectedNode = %+v", p)
	}
	if len(n.Props) != 2 || n.Aliases == nil {
		t.Error("ProjectedNode modified its argument")
	}
	if e := ProjectedEdge(Edge{Props: map[string]any{"volume": 1.0}}); e.Props != nil {
		t.Errorf("ProjectedEdge kept %v", e.Props)
	}
}
